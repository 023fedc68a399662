#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod document;
mod error;
mod font;
mod html;
mod markdown;
mod pdf;
mod roi_csv;

pub use error::{ExportError, Result};
pub use font::{PdfFont, FONT_ENV};
pub use html::{escape_html, render_html};
pub use markdown::{escape_block, escape_line, render_markdown};
pub use pdf::render_pdf;
pub use roi_csv::{guard_cell, write_roi_csv, ROI_COLUMNS, UTF8_BOM};

use copilot_core::review::text_sha256;
use copilot_protocol::review::{ExportDocument, ReviewState};

/// Format name of [`ExportDocument::format`] written by this version.
pub const EXPORT_FORMAT: &str = "wealth-copilot/export/1";

/// Checks that `doc` may go to the client: the review state is approved and the memo text is
/// exactly the approved text (its SHA-256 equals [`copilot_protocol::review::Approval::text_sha256`]).
/// The app calls it before any export; the renderers themselves print what they are given.
///
/// Errors: [`ExportError::NotApproved`], [`ExportError::TextMismatch`].
pub fn check_approved(doc: &ExportDocument) -> Result<()> {
    if doc.review.state != ReviewState::Approved {
        return Err(ExportError::NotApproved {
            draft_id: doc.draft.draft_id.clone(),
            state: doc.review.state.as_str(),
        });
    }
    if !text_sha256(&doc.draft.text).eq_ignore_ascii_case(doc.approval.text_sha256.trim()) {
        return Err(ExportError::TextMismatch {
            draft_id: doc.draft.draft_id.clone(),
            approved: doc.approval.text_sha256.clone(),
        });
    }
    Ok(())
}

/// The JSON export for the bank's systems: the [`ExportDocument`] pretty-printed, keys in the
/// order of the type's fields (serde's order, stable across runs).
pub fn to_json(doc: &ExportDocument) -> String {
    // Serialising plain structs with string map keys cannot fail.
    serde_json::to_string_pretty(doc).expect("an ExportDocument always serialises")
}
