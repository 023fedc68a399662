//! The one error type of the crate.

use std::path::PathBuf;

/// Why an export could not be produced. Messages carry ids, paths and code points, never client
/// names or memo text.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    /// The draft is not approved: only an approved recommendation is exported for the client.
    #[error("draft {draft_id} is {state}, not approved: only an approved recommendation can be exported")]
    NotApproved {
        /// Draft id.
        draft_id: String,
        /// Its review state.
        state: &'static str,
    },
    /// The memo text is not the text the supervisor approved.
    #[error("draft {draft_id}: the memo text does not match the approved text (SHA-256 {approved}); refusing to export")]
    TextMismatch {
        /// Draft id.
        draft_id: String,
        /// SHA-256 recorded in the approval.
        approved: String,
    },
    /// No CJK font was found for the PDF.
    #[error("no CJK font found for the PDF; searched: {}. Install fonts-noto-cjk (Debian/Ubuntu) or set COPILOT_PDF_FONT to a .ttf/.otf/.ttc file (optionally path#index)", .searched.join(", "))]
    FontNotFound {
        /// Every place looked at, in order.
        searched: Vec<String>,
    },
    /// A font file could not be read or parsed.
    #[error("cannot use font {path}: {reason}")]
    FontUnreadable {
        /// The file (or `<memory>`).
        path: PathBuf,
        /// Why.
        reason: String,
    },
    /// The font has no glyph for a character of the document; the PDF would show blanks.
    #[error("font {font} has no glyph for {ch:?} (U+{code:04X}); use a font that covers the document (set COPILOT_PDF_FONT)")]
    MissingGlyph {
        /// The font's family name and face index.
        font: String,
        /// The first character without a glyph.
        ch: char,
        /// Its code point.
        code: u32,
    },
    /// The PDF writer failed.
    #[error("PDF writer: {0}")]
    Pdf(String),
    /// Writing CSV failed.
    #[error("CSV: {0}")]
    Csv(#[from] csv::Error),
    /// Writing failed.
    #[error("write: {0}")]
    Io(#[from] std::io::Error),
}

/// `Result` with [`ExportError`].
pub type Result<T, E = ExportError> = std::result::Result<T, E>;
