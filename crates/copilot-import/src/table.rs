//! Decoding a file into a [`Table`] of text cells: CSV/TSV text and Excel `.xlsx` workbooks.
//!
//! This layer knows nothing about clients or products. It finds the header row (the first row
//! that is not empty), trims every cell, skips rows whose cells are all empty and keeps each row's
//! number as a spreadsheet shows it, so that errors point at the right row.

use crate::columns::is_date_header;
use crate::error::ImportError;
use crate::text::{decode_text, read_limited, too_large, MAX_FILE_BYTES};
use calamine::{DataRef, Reader, SheetType, SheetVisible, Xlsx};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// What a spreadsheet cell held before it was turned into text. CSV cells are all text and are
/// never listed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CellType {
    /// A number. Integer values are written without `.0`; values too large to be exact
    /// (≥ 2⁵³) are written in scientific notation so that no parser accepts them as exact.
    Number,
    /// A date (a date-formatted cell, an ISO date cell, or a number in a date column read as an
    /// Excel serial date), written `YYYY-MM-DD`.
    Date,
    /// A boolean, written `true` / `false`.
    Bool,
    /// An error value such as `#N/A` or `#VALUE!`, written as Excel shows it.
    Error,
}

/// A decoded table: header names (as in the file) and rows of cells (strings).
///
/// Rows keep their spreadsheet row number (header = row 1 when the file starts with it). Cells
/// are trimmed; rows whose cells are all empty are not listed. A CSV row may have fewer or more
/// cells than there are headers; the table parsers report that.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Table {
    /// The file the table was read from.
    pub file: PathBuf,
    /// Header cells, trimmed, as written in the file.
    pub headers: Vec<String>,
    /// Data rows: (spreadsheet row number, cells).
    pub rows: Vec<(usize, Vec<String>)>,
    /// Spreadsheet cells that were not text, by (row number, column index). Empty for CSV.
    /// The parsers use it to refuse an ID number Excel stored as a (rounded) number.
    pub non_text_cells: BTreeMap<(usize, usize), CellType>,
}

impl Table {
    /// A table of text cells, e.g. for tests: `rows` are (row number, cells).
    pub fn new(
        file: impl Into<PathBuf>,
        headers: Vec<String>,
        rows: Vec<(usize, Vec<String>)>,
    ) -> Table {
        Table {
            file: file.into(),
            headers,
            rows,
            non_text_cells: BTreeMap::new(),
        }
    }

    /// The file name without directories, as used in [`crate::RowError::file`].
    pub fn file_name(&self) -> String {
        self.file
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| self.file.display().to_string())
    }

    /// How the spreadsheet stored a cell (`None` for text and for every CSV cell).
    pub fn cell_type(&self, row: usize, column: usize) -> Option<CellType> {
        self.non_text_cells.get(&(row, column)).copied()
    }
}

/// Largest number of non-empty cells read from one worksheet (bounds memory on hostile files).
const MAX_CELLS: usize = 20_000_000;
/// Columns beyond this are refused rather than allocated.
const MAX_COLUMNS: usize = 1024;

/// Reads a table from a `.csv` or `.txt` file (comma-separated; tab-separated when the header
/// line has tabs and no commas) or from the first visible worksheet of an `.xlsx` workbook.
///
/// Errors: [`ImportError::UnsupportedFormat`] for other extensions, [`ImportError::Io`],
/// [`ImportError::TooLarge`] over 200 MiB, [`ImportError::Encoding`], [`ImportError::Excel`],
/// [`ImportError::Empty`] when there is no header row, [`ImportError::NoRows`] when there is only
/// a header row.
pub fn read_table(path: &Path) -> Result<Table, ImportError> {
    let extension = path
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    let table = match extension.as_str() {
        "csv" | "txt" | "tsv" => {
            let bytes = read_limited(path)?;
            let text = decode_text(&bytes, path)?;
            drop(bytes);
            parse_delimited(&text, path)?
        }
        "xlsx" => read_xlsx(path)?,
        _ => {
            return Err(ImportError::UnsupportedFormat {
                path: path.to_path_buf(),
            })
        }
    };
    match table {
        None => Err(ImportError::Empty {
            path: path.to_path_buf(),
        }),
        Some(t) if t.rows.is_empty() => Err(ImportError::NoRows {
            path: path.to_path_buf(),
        }),
        Some(t) => Ok(t),
    }
}

fn is_blank(cells: &[String]) -> bool {
    cells.iter().all(|c| c.is_empty())
}

/// Parses CSV/TSV text. `None` when there is no header row.
pub(crate) fn parse_delimited(text: &str, path: &Path) -> Result<Option<Table>, ImportError> {
    let first_line = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
    let delimiter = if first_line.contains('\t') && !first_line.contains(',') {
        b'\t'
    } else {
        b','
    };
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(text.as_bytes());
    let mut record = csv::StringRecord::new();
    let mut table: Option<Table> = None;
    // Spreadsheet row numbers: a spreadsheet shows each record as one row (even with line breaks
    // inside quotes) and each blank line as an empty row. The CSV reader skips blank lines, so
    // they are counted from the raw text between the end of one record and the next.
    let mut row_number: usize = 0;
    let mut consumed: usize = 0;
    let mut previous_ended_with_cr = false;
    loop {
        let more = reader
            .read_record(&mut record)
            .map_err(|e| ImportError::Encoding {
                path: path.to_path_buf(),
                reason: e.to_string(),
            })?;
        if !more {
            break;
        }
        let end = (reader.position().byte() as usize).min(text.len());
        let raw = text.get(consumed..end).unwrap_or("");
        row_number += 1 + blank_lines_before(raw, previous_ended_with_cr);
        previous_ended_with_cr = raw.ends_with('\r');
        consumed = end;
        let cells: Vec<String> = record.iter().map(|c| c.trim().to_string()).collect();
        if is_blank(&cells) {
            continue;
        }
        match &mut table {
            None => {
                let headers = cells
                    .into_iter()
                    .map(|h| h.trim_start_matches('\u{feff}').trim().to_string())
                    .collect();
                table = Some(Table::new(path, headers, Vec::new()));
            }
            Some(t) => t.rows.push((row_number, cells)),
        }
    }
    Ok(table)
}

/// The number of blank lines at the start of one record's raw text. The reader may stop between
/// the `\r` and `\n` of a CRLF terminator; that `\n` belongs to the previous record.
fn blank_lines_before(raw: &str, previous_ended_with_cr: bool) -> usize {
    let mut rest = raw.as_bytes();
    if previous_ended_with_cr {
        rest = rest.strip_prefix(b"\n").unwrap_or(rest);
    }
    let mut blank = 0;
    loop {
        if let Some(r) = rest.strip_prefix(b"\r\n") {
            rest = r;
        } else if let Some(r) = rest
            .strip_prefix(b"\n")
            .or_else(|| rest.strip_prefix(b"\r"))
        {
            rest = r;
        } else {
            return blank;
        }
        blank += 1;
    }
}

/// Reads the first visible worksheet of an `.xlsx` file. `None` when it has no non-empty row.
fn read_xlsx(path: &Path) -> Result<Option<Table>, ImportError> {
    let io = |source| ImportError::Io {
        path: path.to_path_buf(),
        source,
    };
    let excel = |reason: String| ImportError::Excel {
        path: path.to_path_buf(),
        reason,
    };
    if std::fs::metadata(path).map_err(io)?.len() > MAX_FILE_BYTES {
        return Err(too_large(path));
    }
    let mut workbook: Xlsx<_> = calamine::open_workbook(path).map_err(|e| match e {
        calamine::XlsxError::Io(source) => io(source),
        other => excel(other.to_string()),
    })?;
    let is_1904 = workbook.has_1904_epoch();
    let sheet = workbook
        .sheets_metadata()
        .iter()
        .find(|s| s.typ == SheetType::WorkSheet && s.visible == SheetVisible::Visible)
        .map(|s| s.name.clone())
        .ok_or_else(|| excel("the workbook has no visible worksheet".into()))?;
    let mut cells = workbook
        .worksheet_cells_reader(&sheet)
        .map_err(|e| excel(e.to_string()))?;

    // Sparse: row index → column index → (text, type). Positions are 0-based here.
    let mut sheet_rows: BTreeMap<u32, BTreeMap<u32, (String, Option<CellType>)>> = BTreeMap::new();
    let mut count = 0usize;
    while let Some(cell) = cells.next_cell().map_err(|e| excel(e.to_string()))? {
        let (row, column) = cell.get_position();
        let Some((text, kind)) = cell_text(cell.get_value()) else {
            continue;
        };
        if column as usize >= MAX_COLUMNS {
            return Err(excel(format!(
                "row {} has data in column {}; the importer reads at most {MAX_COLUMNS} columns",
                row + 1,
                column + 1
            )));
        }
        count += 1;
        if count > MAX_CELLS {
            return Err(excel(format!(
                "the worksheet has more than {MAX_CELLS} non-empty cells"
            )));
        }
        sheet_rows
            .entry(row)
            .or_default()
            .insert(column, (text, kind));
    }

    let mut rows = sheet_rows.into_iter();
    let Some((_, header_cells)) = rows.next() else {
        return Ok(None);
    };
    let width = header_cells.keys().last().map_or(0, |c| *c as usize + 1);
    let mut headers = vec![String::new(); width];
    for (c, (text, _)) in header_cells {
        headers[c as usize] = text;
    }
    let date_columns: Vec<bool> = headers.iter().map(|h| is_date_header(h)).collect();
    let mut table = Table::new(path, headers, Vec::new());
    for (r, row_cells) in rows {
        let row_number = r as usize + 1;
        let row_width = row_cells
            .keys()
            .last()
            .map_or(0, |c| *c as usize + 1)
            .max(width);
        let mut out = vec![String::new(); row_width];
        for (c, (text, kind)) in row_cells {
            let c = c as usize;
            let (text, kind) =
                if kind == Some(CellType::Number) && date_columns.get(c) == Some(&true) {
                    serial_date(&text, is_1904).map_or((text, kind), |d| (d, Some(CellType::Date)))
                } else {
                    (text, kind)
                };
            if let Some(kind) = kind {
                table.non_text_cells.insert((row_number, c), kind);
            }
            out[c] = text;
        }
        table.rows.push((row_number, out));
    }
    Ok(Some(table))
}

/// A cell as trimmed text and its non-text type; `None` for an empty cell.
fn cell_text(value: &DataRef<'_>) -> Option<(String, Option<CellType>)> {
    let (text, kind) = match value {
        DataRef::Empty => return None,
        DataRef::String(s) => (s.trim().to_string(), None),
        DataRef::SharedString(s) => (s.trim().to_string(), None),
        DataRef::Int(i) => (i.to_string(), Some(CellType::Number)),
        DataRef::Float(f) => (format_number(*f), Some(CellType::Number)),
        DataRef::Bool(b) => (b.to_string(), Some(CellType::Bool)),
        DataRef::DateTime(dt) if dt.is_datetime() => {
            let (y, m, d, ..) = dt.to_ymd_hms_milli();
            (format!("{y:04}-{m:02}-{d:02}"), Some(CellType::Date))
        }
        // A duration (`[h]:mm`) is not a date; keep its number so that parsers reject it.
        DataRef::DateTime(dt) => (format_number(dt.as_f64()), Some(CellType::Number)),
        DataRef::DateTimeIso(s) => {
            let date = s.split('T').next().unwrap_or(s).trim();
            (date.to_string(), Some(CellType::Date))
        }
        DataRef::DurationIso(s) => (s.trim().to_string(), Some(CellType::Number)),
        DataRef::Error(e) => (e.to_string(), Some(CellType::Error)),
    };
    if text.is_empty() {
        None
    } else {
        Some((text, kind))
    }
}

/// A number as text: integers without `.0`; values Excel cannot hold exactly (≥ 2⁵³ in
/// magnitude) in scientific notation, as Excel displays them, so that they are never mistaken for
/// exact digits.
pub(crate) fn format_number(value: f64) -> String {
    const EXACT: f64 = 9_007_199_254_740_992.0; // 2^53
    if !value.is_finite() {
        return value.to_string();
    }
    if value.abs() >= EXACT {
        return format!("{value:E}");
    }
    if value.fract() == 0.0 {
        return format!("{}", value as i64);
    }
    value.to_string()
}

/// Converts the text of a number cell in a date column to `YYYY-MM-DD` when it is an Excel
/// serial date (1900 or 1904 epoch). An 8-digit number such as `20240105` is left alone:
/// `parse_date` reads it as a date.
fn serial_date(text: &str, is_1904: bool) -> Option<String> {
    let value: f64 = text.parse().ok()?;
    if !(1.0..2_958_466.0).contains(&value) {
        return None;
    }
    // Serial 60 is Excel's fictitious 1900-02-29; refuse anything up to it in the 1900 system
    // rather than return a date that is a day off.
    if !is_1904 && value < 61.0 {
        return None;
    }
    let base = if is_1904 {
        time::Date::from_calendar_date(1904, time::Month::January, 1).ok()?
    } else {
        // Day 1 is 1900-01-01 and day 61 is 1900-03-01: counting from 1899-12-30 is right for
        // every serial after Excel's fictitious 1900-02-29.
        time::Date::from_calendar_date(1899, time::Month::December, 30).ok()?
    };
    let days = value.floor() as i64;
    let date = base.checked_add(time::Duration::days(days))?;
    Some(format!(
        "{:04}-{:02}-{:02}",
        date.year(),
        date.month() as u8,
        date.day()
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Table {
        parse_delimited(text, Path::new("t.csv")).unwrap().unwrap()
    }

    #[test]
    fn row_numbers_follow_the_spreadsheet() {
        let t = parse("a,b\n1,2\n\n3,\"x\ny\"\n,\n4,5\n");
        let numbers: Vec<usize> = t.rows.iter().map(|(n, _)| *n).collect();
        // Row 3 is blank, row 4 holds a line break inside quotes, row 5 is all empty.
        assert_eq!(numbers, [2, 4, 6]);
        assert_eq!(t.rows[1].1, ["3", "x\ny"]);
        let t = parse("\r\na,b\r\n1,2\r\n\r\n3,\"x\r\ny\"\r\n,\r\n4,5");
        let numbers: Vec<usize> = t.rows.iter().map(|(n, _)| *n).collect();
        assert_eq!(numbers, [3, 5, 7]);
    }

    #[test]
    fn crlf_and_tabs_and_trimming() {
        let t = parse("a\tb\r\n 1 \t２\r\n");
        assert_eq!(t.headers, ["a", "b"]);
        assert_eq!(t.rows, [(2, vec!["1".to_string(), "２".to_string()])]);
        // A tab inside a comma-separated header line does not switch to tabs.
        let t = parse("a,b\tc\n1,2\n");
        assert_eq!(t.headers, ["a", "b\tc"]);
    }

    #[test]
    fn empty_and_header_only() {
        assert!(parse_delimited("\n ,, \n", Path::new("t.csv"))
            .unwrap()
            .is_none());
        assert!(parse("a,b\n").rows.is_empty());
    }

    #[test]
    fn numbers() {
        assert_eq!(format_number(13700008299.0), "13700008299");
        assert_eq!(format_number(1234.5), "1234.5");
        assert_eq!(format_number(110101199003074477.0), "1.1010119900307448E17");
        assert_eq!(format_number(-3.0), "-3");
    }

    #[test]
    fn serial_dates() {
        assert_eq!(serial_date("45296", false).as_deref(), Some("2024-01-05"));
        assert_eq!(
            serial_date("45296.75", false).as_deref(),
            Some("2024-01-05")
        );
        assert_eq!(serial_date("43834", true).as_deref(), Some("2024-01-05"));
        assert_eq!(serial_date("20240105", false), None);
        assert_eq!(serial_date("60", false), None);
    }
}
