//! Reading the cells of one row: presence, spreadsheet cell types, parsing with the core parsers,
//! and error collection with the rules for sensitive fields.

use crate::columns::Columns;
use crate::error::RowError;
use crate::table::{CellType, Table};
use copilot_core::money::CurrencyError;
use copilot_core::parse::{normalize_width, ValueError};
use copilot_protocol::ParseCodeError;

/// Stores a free-text cell inert: a value that a spreadsheet would run as a formula (it starts
/// with `=`, `+`, `-` or `@` or their full-width forms `＝＋－＠`, also after leading whitespace,
/// tabs or carriage returns, which are trimmed) gets a single leading apostrophe `'`, as the OWASP
/// "CSV Injection" guidance recommends. The value is otherwise kept as typed (trimmed).
///
/// `=HYPERLINK("http://x","点击")` → `'=HYPERLINK("http://x","点击")`; `王晓明` → `王晓明`.
pub fn neutralize_formula(text: &str) -> String {
    // Cells are trimmed, so a tab, carriage return or space in front of a formula is dropped and
    // the check sees the formula's first character.
    let trimmed = text.trim();
    let dangerous = trimmed
        .chars()
        .next()
        .is_some_and(|c| matches!(c, '=' | '+' | '-' | '@' | '＝' | '＋' | '－' | '＠'));
    if dangerous {
        format!("'{trimmed}")
    } else {
        trimmed.to_string()
    }
}

/// Why a cell's value was refused, before it is phrased for the field.
#[derive(Debug)]
pub(crate) enum Problem {
    /// From a core parser; phrased without the value for sensitive fields.
    Value(ValueError),
    /// Already phrased; must not contain the value of a sensitive field.
    Message(String),
}

impl From<ValueError> for Problem {
    fn from(e: ValueError) -> Self {
        Problem::Value(e)
    }
}

impl From<ParseCodeError> for Problem {
    fn from(e: ParseCodeError) -> Self {
        Problem::Message(e.to_string())
    }
}

impl From<CurrencyError> for Problem {
    fn from(e: CurrencyError) -> Self {
        Problem::Message(format!(
            "{e}; use a three-letter code such as CNY or USD, or 人民币/美元"
        ))
    }
}

/// The message for a value error; for sensitive fields without the value.
fn phrase(e: &ValueError, sensitive: bool) -> String {
    if !sensitive {
        return e.to_string();
    }
    match e {
        ValueError::Missing => "value is required".into(),
        ValueError::ScientificNotation(_) => {
            "number in scientific notation; the spreadsheet has rounded it — format the column as text and re-export".into()
        }
        ValueError::NotAnAmount(_) => "not an amount".into(),
        ValueError::Negative(_) => "must not be negative".into(),
        ValueError::NotADate(_) => "not a date (use 2024-01-05, 2024/1/5 or 2024年1月5日)".into(),
        ValueError::NotOneOf { expected, .. } => format!("expected one of {expected}"),
        ValueError::NotAnInteger(_) => "not a whole number".into(),
        ValueError::IdNumberShape(_)
        | ValueError::IdNumberChecksum
        | ValueError::IdNumberBirthDate => e.to_string(),
    }
}

/// Fields that must be text in a spreadsheet: a number there has lost digits (IDs over 15
/// digits) or leading zeros.
const TEXT_ONLY_FIELDS: &[&str] = &["id_number", "phone"];

/// The cells of one row, with error collection.
pub(crate) struct RowReader<'a> {
    table: &'a Table,
    columns: &'a Columns,
    file: &'a str,
    row: usize,
    cells: &'a [String],
    errors: &'a mut Vec<RowError>,
    failed: bool,
}

impl<'a> RowReader<'a> {
    /// A reader over one row. Returns `None` (and records the error) when the row's cell count
    /// does not fit the header: its cells would be in the wrong columns.
    pub(crate) fn new(
        table: &'a Table,
        columns: &'a Columns,
        file: &'a str,
        row: usize,
        cells: &'a [String],
        errors: &'a mut Vec<RowError>,
    ) -> Option<Self> {
        let width = table.headers.len();
        let reason = if cells.len() < width {
            Some(format!(
                "the row has {} cells but the header has {width} columns; a separator or a cell is missing",
                cells.len()
            ))
        } else if cells[width..].iter().any(|c| !c.is_empty()) {
            Some(format!(
                "the row has data beyond the header's {width} columns (a cell without a header, or a value with a comma that is not in double quotes)"
            ))
        } else {
            None
        };
        if let Some(reason) = reason {
            errors.push(RowError {
                file: file.to_string(),
                row,
                column: String::new(),
                field: String::new(),
                reason,
            });
            return None;
        }
        Some(RowReader {
            table,
            columns,
            file,
            row,
            cells,
            errors,
            failed: false,
        })
    }

    /// The spreadsheet row number.
    pub(crate) fn row(&self) -> usize {
        self.row
    }

    /// True when any error was recorded for this row.
    pub(crate) fn failed(&self) -> bool {
        self.failed
    }

    /// Whether the file has the field's column.
    pub(crate) fn has_column(&self, field: &str) -> bool {
        self.columns.has(field)
    }

    /// True when the field's column is absent or its cell empty (as opposed to invalid).
    pub(crate) fn is_blank(&self, field: &str) -> bool {
        self.columns
            .get(field)
            .and_then(|(index, _)| self.cells.get(index))
            .is_none_or(|c| c.is_empty())
    }

    fn sensitive(&self, field: &str) -> bool {
        self.columns
            .kind
            .column(field)
            .is_some_and(|spec| spec.sensitive)
    }

    /// Records an error on a field's column (or the whole row if the column is absent).
    pub(crate) fn error(&mut self, field: &str, reason: impl Into<String>) {
        let column = self
            .columns
            .get(field)
            .map(|(_, h)| h.to_string())
            .unwrap_or_default();
        self.errors.push(RowError {
            file: self.file.to_string(),
            row: self.row,
            column,
            field: field.to_string(),
            reason: reason.into(),
        });
        self.failed = true;
    }

    fn problem(&mut self, field: &str, problem: Problem) {
        let reason = match problem {
            Problem::Value(e) => phrase(&e, self.sensitive(field)),
            Problem::Message(m) => m,
        };
        self.error(field, reason);
    }

    /// The trimmed cell text; `Ok(None)` when the column is absent or the cell empty; `Err(())`
    /// when the spreadsheet cell itself is unusable (already recorded).
    fn raw(&mut self, field: &str) -> Result<Option<&'a str>, ()> {
        let Some((index, _)) = self.columns.get(field) else {
            return Ok(None);
        };
        let cells: &'a [String] = self.cells;
        let text = cells.get(index).map(String::as_str).unwrap_or("");
        match self.table.cell_type(self.row, index) {
            Some(CellType::Error) => {
                self.error(
                    field,
                    format!("the spreadsheet cell shows the error {text}; fix the formula or type the value"),
                );
                return Err(());
            }
            Some(CellType::Number) if TEXT_ONLY_FIELDS.contains(&field) => {
                self.error(
                    field,
                    "stored as a number; Excel has rounded it (e.g. 1.10101E+17) — format the column as text and re-export",
                );
                return Err(());
            }
            Some(kind @ (CellType::Date | CellType::Bool)) if TEXT_ONLY_FIELDS.contains(&field) => {
                let what = if kind == CellType::Date {
                    "a date"
                } else {
                    "a true/false value"
                };
                self.error(
                    field,
                    format!("stored as {what}, not text — format the column as text and re-export"),
                );
                return Err(());
            }
            _ => {}
        }
        Ok(if text.is_empty() { None } else { Some(text) })
    }

    /// An optional value: `None` when absent, empty or invalid (an invalid value is recorded).
    pub(crate) fn optional<T>(
        &mut self,
        field: &str,
        parse: impl FnOnce(&str) -> Result<T, Problem>,
    ) -> Option<T> {
        let text = self.raw(field).ok()??;
        match parse(text) {
            Ok(v) => Some(v),
            Err(p) => {
                self.problem(field, p);
                None
            }
        }
    }

    /// A required value: an absent or empty cell is recorded as "value is required".
    pub(crate) fn required<T>(
        &mut self,
        field: &str,
        parse: impl FnOnce(&str) -> Result<T, Problem>,
    ) -> Option<T> {
        match self.raw(field) {
            Err(()) => None,
            Ok(None) => {
                self.error(field, "value is required");
                None
            }
            Ok(Some(text)) => match parse(text) {
                Ok(v) => Some(v),
                Err(p) => {
                    self.problem(field, p);
                    None
                }
            },
        }
    }

    /// Optional free text, stored inert (see [`neutralize_formula`]).
    pub(crate) fn text(&mut self, field: &str) -> Option<String> {
        self.optional(field, |s| Ok(neutralize_formula(s)))
    }
}

/// A client id or product code: full-width forms to ASCII, upper-cased; letters, digits and
/// `-` `_` `.` `/`, at most 64 characters. A number in scientific notation is refused.
pub(crate) fn parse_code(raw: &str) -> Result<String, Problem> {
    let s = normalize_width(raw).to_ascii_uppercase();
    if s.contains('E') && s.parse::<f64>().is_ok() {
        return Err(ValueError::ScientificNotation(raw.trim().to_string()).into());
    }
    let ok = !s.is_empty()
        && s.chars().count() <= 64
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '/'));
    if ok {
        Ok(s)
    } else {
        Err(Problem::Message(format!(
            "not a valid code: {:?} (letters, digits, - _ . /; at most 64 characters)",
            raw.trim()
        )))
    }
}

/// A phone number: digits with optional `+`, spaces, `-` and brackets; 5 to 15 digits (E.164
/// allows at most 15). Full-width forms become ASCII. Messages never repeat the number.
pub(crate) fn parse_phone(raw: &str) -> Result<String, Problem> {
    let s = normalize_width(raw);
    let digits = s.chars().filter(char::is_ascii_digit).count();
    if s.contains(['e', 'E']) && digits > 0 {
        return Err(ValueError::ScientificNotation(String::new()).into());
    }
    if !s
        .chars()
        .all(|c| c.is_ascii_digit() || matches!(c, '+' | '-' | ' ' | '(' | ')'))
    {
        return Err(Problem::Message(
            "a phone number may contain only digits, spaces, +, - and brackets".into(),
        ));
    }
    if !(5..=15).contains(&digits) {
        return Err(Problem::Message(format!(
            "a phone number has 5 to 15 digits, this one has {digits}"
        )));
    }
    Ok(s)
}

/// Splits a list cell (`deposit;bond_fund`, `存款、债券基金`) on `;` `,` `、` `|` and stores each
/// item inert.
pub(crate) fn split_list(raw: &str) -> Vec<String> {
    normalize_width(raw)
        .split([';', ',', '、', '|'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(neutralize_formula)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_stored_inert() {
        assert_eq!(
            neutralize_formula("=HYPERLINK(\"http://x\",\"a\")"),
            "'=HYPERLINK(\"http://x\",\"a\")"
        );
        assert_eq!(neutralize_formula("+1"), "'+1");
        assert_eq!(neutralize_formula("-2+3"), "'-2+3");
        assert_eq!(neutralize_formula("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(neutralize_formula("  =1+1"), "'=1+1");
        assert_eq!(neutralize_formula("\t=1+1"), "'=1+1");
        assert_eq!(neutralize_formula("\r=1+1"), "'=1+1");
        assert_eq!(neutralize_formula("＝1"), "'＝1");
        assert_eq!(neutralize_formula("王晓明"), "王晓明");
        assert_eq!(neutralize_formula("Anne-Marie"), "Anne-Marie");
        assert_eq!(neutralize_formula("'=1"), "'=1");
    }

    #[test]
    fn codes() {
        assert_eq!(parse_code(" c0001 ").unwrap(), "C0001");
        assert_eq!(parse_code("ＷＭ０１").unwrap(), "WM01");
        assert_eq!(parse_code("STK-600519").unwrap(), "STK-600519");
        assert!(matches!(
            parse_code("1.10101E+17"),
            Err(Problem::Value(ValueError::ScientificNotation(_)))
        ));
        assert!(parse_code("=1+2").is_err());
        assert!(parse_code("C 01").is_err());
    }

    #[test]
    fn phones() {
        assert_eq!(parse_phone("137 0000 8299").unwrap(), "137 0000 8299");
        assert_eq!(
            parse_phone("+86-137-0000-8299").unwrap(),
            "+86-137-0000-8299"
        );
        assert_eq!(
            parse_phone("１３７００００８２９９").unwrap(),
            "13700008299"
        );
        assert!(parse_phone("1.37E+10").is_err());
        assert!(parse_phone("12").is_err());
        assert!(parse_phone("call me").is_err());
    }

    #[test]
    fn sensitive_messages_never_quote_the_value() {
        for e in [
            ValueError::NotADate("1990-13-45".into()),
            ValueError::NotAnAmount("王".into()),
            ValueError::ScientificNotation("1.1E+17".into()),
            ValueError::NotOneOf {
                expected: "x",
                found: "王".into(),
            },
        ] {
            let m = phrase(&e, true);
            assert!(
                !m.contains("1990") && !m.contains('王') && !m.contains("1.1E"),
                "{m}"
            );
        }
    }

    #[test]
    fn lists() {
        assert_eq!(split_list("deposit;bond_fund"), ["deposit", "bond_fund"]);
        assert_eq!(split_list("存款、 债券基金；"), ["存款", "债券基金"]);
    }
}
