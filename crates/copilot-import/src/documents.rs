//! Product documents (prospectus, fact sheet, risk disclosure) from Markdown and text files.

use crate::cells::parse_code;
use crate::error::{ImportError, RowError};
use crate::text::{decode_text, normalize_newlines, read_limited};
use copilot_core::ProductDocument;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// Imports product documents: Markdown (`.md`, `.markdown`) and plain text (`.txt`).
///
/// - Product code: the file stem up to an optional `--` suffix, upper-cased (`WM01.md` and
///   `wm01--prospectus.md` both belong to `WM01`); it must be a valid code (letters, digits,
///   `-` `_` `.`).
/// - Title: the first Markdown heading (`# …`, or a line underlined with `===`/`---`) of a
///   Markdown file; the file name otherwise.
/// - Text: decoded like CSV (UTF-8 with or without BOM, UTF-16 with BOM, GB18030/GBK), line
///   endings normalised to `\n`.
/// - `document_id` is `<product_code>/<file name>`; two files with the same id are refused.
///
/// Errors: [`ImportError::UnsupportedFormat`], [`ImportError::Io`], [`ImportError::TooLarge`],
/// [`ImportError::Encoding`], [`ImportError::Empty`] for a file with no text, and
/// [`ImportError::Invalid`] (row 0) for a file name that gives no valid product code or a
/// duplicate id. The first failing file stops the import; nothing is returned for the others.
/// Whether the product exists on the shelf is the caller's check.
pub fn import_documents(paths: &[PathBuf]) -> Result<Vec<ProductDocument>, ImportError> {
    let mut documents = Vec::with_capacity(paths.len());
    let mut seen: HashMap<String, PathBuf> = HashMap::new();
    for path in paths {
        let document = import_document(path)?;
        if let Some(first) = seen.get(&document.document_id) {
            return Err(file_error(
                path,
                "document_id",
                format!(
                    "duplicate document id {} (also imported from {})",
                    document.document_id,
                    first.display()
                ),
            ));
        }
        seen.insert(document.document_id.clone(), path.clone());
        documents.push(document);
    }
    Ok(documents)
}

fn file_error(path: &Path, field: &str, reason: String) -> ImportError {
    ImportError::Invalid {
        path: path.to_path_buf(),
        errors: vec![RowError {
            file: file_name(path),
            row: 0,
            column: String::new(),
            field: field.into(),
            reason,
        }],
    }
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string())
}

fn import_document(path: &Path) -> Result<ProductDocument, ImportError> {
    let extension = path
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    let markdown = match extension.as_str() {
        "md" | "markdown" => true,
        "txt" => false,
        _ => {
            return Err(ImportError::UnsupportedFormat {
                path: path.to_path_buf(),
            })
        }
    };
    let name = file_name(path);
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let code_part = stem.split("--").next().unwrap_or("");
    let product_code = parse_code(code_part).map_err(|_| {
        file_error(
            path,
            "product_code",
            format!(
                "the file name must start with the product code (WM01.md, WM01--prospectus.md); {code_part:?} is not a valid code"
            ),
        )
    })?;
    let bytes = read_limited(path)?;
    let text = normalize_newlines(&decode_text(&bytes, path)?);
    if text.trim().is_empty() {
        return Err(ImportError::Empty {
            path: path.to_path_buf(),
        });
    }
    let title = markdown
        .then(|| first_heading(&text))
        .flatten()
        .unwrap_or_else(|| name.clone());
    Ok(ProductDocument {
        document_id: format!("{product_code}/{name}"),
        product_code,
        file_name: name,
        title,
        text,
    })
}

/// The text of the first Markdown heading outside fenced code blocks: an ATX heading
/// (`## Title ##`) or a setext heading (a line underlined with `===` or `---`).
pub(crate) fn first_heading(text: &str) -> Option<String> {
    let mut in_fence = false;
    let mut previous: Option<&str> = None;
    for line in text.lines() {
        let trimmed = line.trim();
        if trimmed.starts_with("```") || trimmed.starts_with("~~~") {
            in_fence = !in_fence;
            previous = None;
            continue;
        }
        if in_fence {
            continue;
        }
        let hashes = trimmed.chars().take_while(|c| *c == '#').count();
        if (1..=6).contains(&hashes) {
            let rest = &trimmed[hashes..];
            if rest.is_empty() || rest.starts_with([' ', '\t']) {
                let title = rest.trim().trim_end_matches('#').trim();
                if !title.is_empty() {
                    return Some(title.to_string());
                }
            }
        }
        let underline = !trimmed.is_empty()
            && (trimmed.chars().all(|c| c == '=') || trimmed.chars().all(|c| c == '-'));
        // Setext headings: the underline may not be indented as code (4+ spaces).
        if underline && !line.starts_with("    ") {
            if let Some(p) = previous {
                return Some(p.to_string());
            }
        }
        previous = (!trimmed.is_empty() && !line.starts_with("    ")).then_some(trimmed);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headings() {
        assert_eq!(first_heading("# 标题\n正文").as_deref(), Some("标题"));
        assert_eq!(
            first_heading("intro\n\n## Fees ##\n").as_deref(),
            Some("Fees")
        );
        assert_eq!(first_heading("Title\n=====\n").as_deref(), Some("Title"));
        assert_eq!(
            first_heading("```\n# not\n```\n# yes").as_deref(),
            Some("yes")
        );
        assert_eq!(first_heading("#hashtag\n"), None);
        assert_eq!(first_heading("plain text\n"), None);
    }
}
