//! The ROI ledger as CSV for the branch: one row per draft, PII-free (no client id, name or text —
//! [`RoiRow`] carries none), protected against formula injection.
//!
//! **Formula injection** (OWASP "CSV Injection"): a spreadsheet runs a cell that starts with `=`,
//! `+`, `-` or `@` (and, in some, with a tab or carriage return) as a formula. Every *text* column
//! goes through [`guard_cell`]. The numeric columns are written by us from integers, booleans and
//! rule counts — never from user input — so they are not guarded: a guarded number would stop being
//! a number in the spreadsheet.
//!
//! **Encoding**: UTF-8 with a byte-order mark. Excel opens a BOM-less CSV in the legacy ANSI code
//! page (GBK on a Chinese Windows), which garbles any non-ASCII text; with the BOM it reads UTF-8.
//! Other tools (pandas with `utf-8-sig`, LibreOffice, Numbers) accept the BOM.

use crate::error::Result;
use copilot_protocol::review::RoiReport;
use copilot_protocol::RuleId;
use std::borrow::Cow;
use std::io::Write;

/// UTF-8 byte-order mark.
pub const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

/// Columns before the per-rule columns `S1` … `S25`.
pub const ROI_COLUMNS: [&str; 12] = [
    "draft_id",
    "advisor",
    "week",
    "state",
    "generate_to_submit_secs",
    "edit_distance",
    "ai_chars",
    "first_pass_approved",
    "submissions",
    "review_turnaround_secs",
    "lint_catches",
    "overrides",
];

/// Characters that make a spreadsheet treat a cell as a formula: `=`, `+`, `-`, `@`, tab, carriage
/// return, and the full-width forms `＝＋－＠` (some spreadsheets normalise them).
fn is_formula_start(c: char) -> bool {
    matches!(
        c,
        '=' | '+' | '-' | '@' | '\t' | '\r' | '＝' | '＋' | '－' | '＠'
    )
}

/// A text cell made inert: a cell whose first character — or first character after leading
/// whitespace — starts a formula gets a leading `'`; anything else is returned unchanged.
///
/// `=HYPERLINK("http://x")` → `'=HYPERLINK("http://x")`; ` =1+1` → `' =1+1`; `王` → `王`.
pub fn guard_cell(cell: &str) -> Cow<'_, str> {
    let first = cell.chars().next();
    let first_after_space = cell
        .trim_start_matches(|c: char| c.is_whitespace() && c != '\t' && c != '\r')
        .chars()
        .next();
    if first.is_some_and(is_formula_start) || first_after_space.is_some_and(is_formula_start) {
        Cow::Owned(format!("'{cell}"))
    } else {
        Cow::Borrowed(cell)
    }
}

fn opt<T: ToString>(v: Option<T>) -> String {
    v.map(|v| v.to_string()).unwrap_or_default()
}

/// Writes the ledger's rows as CSV (UTF-8 with BOM, comma, CRLF-free `\n` line ends, a header
/// row): the [`ROI_COLUMNS`], then one column per rule `S1` … `S25` with that rule's catches.
/// Empty cells mean "not applicable yet" (not submitted, not decided).
pub fn write_roi_csv(report: &RoiReport, mut w: impl Write) -> Result<()> {
    w.write_all(UTF8_BOM)?;
    let mut out = csv::Writer::from_writer(w);
    let rules: Vec<String> = RuleId::all().map(|r| r.to_string()).collect();
    let mut header: Vec<&str> = ROI_COLUMNS.to_vec();
    header.extend(rules.iter().map(String::as_str));
    out.write_record(&header)?;
    for r in &report.rows {
        let overrides = r.overrides.join(";");
        let mut record: Vec<String> = vec![
            // Text columns: guarded.
            guard_cell(&r.draft_id).into_owned(),
            guard_cell(&r.advisor).into_owned(),
            guard_cell(&r.week).into_owned(),
            guard_cell(r.state.as_str()).into_owned(),
            // Numeric columns we compute: never guarded.
            opt(r.generate_to_submit_secs),
            r.edit_distance.to_string(),
            r.ai_chars.to_string(),
            opt(r.first_pass_approved),
            r.submissions.to_string(),
            opt(r.review_turnaround_secs),
            r.lint_catches.to_string(),
            guard_cell(&overrides).into_owned(),
        ];
        record.extend(
            rules
                .iter()
                .map(|id| r.rule_catches.get(id).copied().unwrap_or(0).to_string()),
        );
        out.write_record(&record)?;
    }
    out.flush()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_cells_are_made_inert() {
        for (cell, guarded) in [
            (
                "=HYPERLINK(\"http://evil\",\"点击\")",
                "'=HYPERLINK(\"http://evil\",\"点击\")",
            ),
            ("+1", "'+1"),
            ("-2+3", "'-2+3"),
            ("@SUM(A1:A9)", "'@SUM(A1:A9)"),
            ("＝1+1", "'＝1+1"),
            ("＋1", "'＋1"),
            ("－1", "'－1"),
            ("＠x", "'＠x"),
            ("  =1+1", "'  =1+1"),
            ("\u{3000}=1", "'\u{3000}=1"),
            ("\t=1", "'\t=1"),
            ("\rx", "'\rx"),
        ] {
            assert_eq!(guard_cell(cell), guarded, "{cell:?}");
        }
        for plain in [
            "adv1",
            "2026-W48",
            "王晓明",
            "",
            "a=b",
            "S8:CLIENT_CONFIRMED",
            "1-2",
        ] {
            assert!(matches!(guard_cell(plain), Cow::Borrowed(_)), "{plain:?}");
        }
    }
}
