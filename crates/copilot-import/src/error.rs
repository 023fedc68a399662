//! The crate's error types: [`ImportError`] for a file as a whole, [`RowError`] for one cell or row.
//!
//! Guarantee: no message ever repeats the value of a sensitive field (name, ID number, phone,
//! notes, birth date). Messages name the file, the row, the column and the field instead, which
//! is what a bank's IT staff need to find and fix the cell.

use std::fmt;
use std::path::PathBuf;

/// The crate's result type.
pub type Result<T, E = ImportError> = std::result::Result<T, E>;

/// One problem in one cell (or, with an empty `column`, in a whole row) of an imported file.
///
/// Display: `clients.csv row 7, column 证件号码 (id_number): ID number check digit does not
/// match …`; a row-level problem reads `clients.csv row 7: …`, and a problem with the file as a
/// whole (row 0, used for product documents) reads `WM01.md: …`.
///
/// The `reason` never contains the cell's value for the sensitive fields `name`, `id_number`,
/// `phone`, `notes` and `birth_date`; it may quote the value of codes, levels, amounts and dates so
/// that the user can find the cell.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowError {
    /// File name without directories, e.g. `clients.csv`.
    pub file: String,
    /// Row number as the spreadsheet shows it: 1-based, the header is row 1. 0 means the file as
    /// a whole.
    pub row: usize,
    /// The column's header text exactly as in the file; empty for a problem with the whole row.
    pub column: String,
    /// Our canonical field name (`id_number`, `risk_level`, …); empty for a whole-row problem.
    pub field: String,
    /// What is wrong and, where it helps, what to do about it.
    pub reason: String,
}

impl fmt::Display for RowError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.row, self.column.is_empty(), self.field.is_empty()) {
            (0, _, _) => write!(f, "{}: {}", self.file, self.reason),
            (row, true, true) => write!(f, "{} row {row}: {}", self.file, self.reason),
            (row, true, false) => {
                write!(
                    f,
                    "{} row {row}, field {}: {}",
                    self.file, self.field, self.reason
                )
            }
            (row, false, _) => write!(
                f,
                "{} row {row}, column {} ({}): {}",
                self.file, self.column, self.field, self.reason
            ),
        }
    }
}

impl std::error::Error for RowError {}

/// Why a file could not be imported. Nothing from a file that produced an error is imported.
#[derive(thiserror::Error, Debug)]
pub enum ImportError {
    /// The file could not be read (missing, permissions, locked by another program).
    #[error("cannot read {}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The operating system's error.
        #[source]
        source: std::io::Error,
    },
    /// The file's extension is not one we read: tables are `.csv`, `.txt` (comma- or
    /// tab-separated) or `.xlsx`; product documents are `.md`, `.markdown` or `.txt`.
    #[error("{}: unsupported file type; tables must be .csv, .txt or .xlsx (save .xls as .xlsx), documents .md or .txt", path.display())]
    UnsupportedFormat {
        /// The file.
        path: PathBuf,
    },
    /// The text is not valid in any encoding we accept (UTF-8 with or without BOM, UTF-16 with
    /// BOM, GB18030/GBK), or contains NUL characters.
    #[error("{}: cannot decode the text: {reason}", path.display())]
    Encoding {
        /// The file.
        path: PathBuf,
        /// What was wrong.
        reason: String,
    },
    /// The file has no header row (it is empty or holds only empty rows).
    #[error("{} is empty: there is no header row", path.display())]
    Empty {
        /// The file.
        path: PathBuf,
    },
    /// The file has a header row but no data rows.
    #[error("{} has a header row but no data rows", path.display())]
    NoRows {
        /// The file.
        path: PathBuf,
    },
    /// Required columns are missing. Each entry names the canonical field and its usual Chinese
    /// header, e.g. `client_id (客户编号)`.
    #[error("{} is missing required columns: {}", path.display(), missing.join(", "))]
    MissingColumns {
        /// The file.
        path: PathBuf,
        /// The missing columns, as `field (中文表头)`.
        missing: Vec<String>,
    },
    /// Two header cells name the same field (for example `风险评级` and `issuer_rating`).
    #[error("{}: two columns mean the same field; remove one of them: {column}", path.display())]
    DuplicateColumn {
        /// The file.
        path: PathBuf,
        /// The second header, as `header (field)`.
        column: String,
    },
    /// The file is larger than the limit (200 MiB).
    #[error("{} is larger than the import limit of {limit_bytes} bytes; split it into smaller files", path.display())]
    TooLarge {
        /// The file.
        path: PathBuf,
        /// The limit in bytes.
        limit_bytes: u64,
    },
    /// The `.xlsx` workbook could not be read (not a workbook, damaged, no visible worksheet,
    /// or data beyond the importer's size limits).
    #[error("{}: cannot read the Excel workbook: {reason}", path.display())]
    Excel {
        /// The file.
        path: PathBuf,
        /// What was wrong.
        reason: String,
    },
    /// Cell or row problems: every problem of the whole file, in row order. Nothing was imported.
    #[error("{}: {} problem(s), nothing was imported:\n{}", path.display(), errors.len(), list(errors))]
    Invalid {
        /// The file.
        path: PathBuf,
        /// Every problem found, in row order.
        errors: Vec<RowError>,
    },
}

/// How many problems the message lists; the full list stays in `ImportError::Invalid::errors`
/// (a 200,000-row file with one bad column must not print 200,000 lines).
pub const MAX_LISTED_ERRORS: usize = 200;

fn list(errors: &[RowError]) -> String {
    let mut lines: Vec<String> = errors
        .iter()
        .take(MAX_LISTED_ERRORS)
        .map(|e| format!("  {e}"))
        .collect();
    if errors.len() > MAX_LISTED_ERRORS {
        lines.push(format!(
            "  … and {} more problem(s) not listed",
            errors.len() - MAX_LISTED_ERRORS
        ));
    }
    lines.join("\n")
}
