//! Services the desktop shell needs beyond the CLI's: an import preview that writes nothing, and
//! saving the advisor's edit of a memo after the same checks a generated memo passes (S13 lint,
//! no new figures).

use crate::error::{AppError, Result};
use crate::workspace::{ImportKind, Workspace};
use copilot_core::grounding::figure_tokens;
use copilot_core::Currency;
use copilot_import::{ImportError, RowError};
use copilot_protocol::ipc::{ImportPreview, ImportProblem};
use copilot_protocol::{rules, DraftReport, RuleFinding};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// Rows shown by [`Workspace::preview_import`].
pub const PREVIEW_ROWS: usize = 10;

fn file_name(p: &Path) -> String {
    p.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| p.display().to_string())
}

fn row_problem(e: &RowError) -> ImportProblem {
    ImportProblem {
        file: e.file.clone(),
        row: e.row,
        column: (!e.column.is_empty())
            .then(|| e.column.clone())
            .or_else(|| (!e.field.is_empty()).then(|| e.field.clone())),
        message: e.reason.clone(),
    }
}

/// Every problem an import error stands for: each row error of an invalid file, else one
/// whole-file problem (row 0).
fn import_problems(path: &Path, err: &ImportError) -> Vec<ImportProblem> {
    match err {
        ImportError::Invalid { errors, .. } => errors.iter().map(row_problem).collect(),
        other => vec![ImportProblem {
            file: file_name(path),
            row: 0,
            column: None,
            message: other.to_string(),
        }],
    }
}

fn whole_file(file: String, message: String) -> ImportProblem {
    ImportProblem {
        file,
        row: 0,
        column: None,
        message,
    }
}

impl Workspace {
    /// One client's holdings (the client-detail screen).
    pub fn holdings(&self, client_id: &str) -> Result<Vec<copilot_core::Holding>> {
        Ok(self.store.holdings_for(client_id)?)
    }

    /// Reads and validates `files` as [`Workspace::import`] would, and returns the first rows of
    /// the first file with every problem of every file. Nothing is written.
    pub fn preview_import(&self, kind: ImportKind, files: &[PathBuf]) -> Result<ImportPreview> {
        let mut preview = ImportPreview {
            headers: Vec::new(),
            rows: Vec::new(),
            total_rows: 0,
            problems: Vec::new(),
        };
        if files.is_empty() {
            return Err(AppError::InvalidRequest("no file given".into()));
        }
        if kind == ImportKind::Documents {
            preview.headers = vec!["file".into(), "product_code".into(), "title".into()];
            match copilot_import::import_documents(files) {
                Ok(docs) => {
                    let shelf = self.store.product_codes()?;
                    preview.total_rows = docs.len();
                    for d in &docs {
                        if !shelf.contains(&d.product_code) {
                            preview.problems.push(whole_file(
                                d.file_name.clone(),
                                AppError::DocumentWithoutProduct {
                                    file: d.file_name.clone(),
                                    product_code: d.product_code.clone(),
                                }
                                .to_string(),
                            ));
                        }
                    }
                    preview.rows = docs
                        .iter()
                        .take(PREVIEW_ROWS)
                        .map(|d| vec![d.file_name.clone(), d.product_code.clone(), d.title.clone()])
                        .collect();
                }
                Err(e) => preview.problems.extend(import_problems(&files[0], &e)),
            }
            return Ok(preview);
        }
        let known_clients = match kind {
            ImportKind::Holdings => Some(self.store.client_ids()?),
            _ => None,
        };
        for (i, f) in files.iter().enumerate() {
            match copilot_import::read_table(f) {
                Ok(table) => {
                    preview.total_rows += table.rows.len();
                    if i == 0 {
                        preview.headers = table.headers.clone();
                        preview.rows = table
                            .rows
                            .iter()
                            .take(PREVIEW_ROWS)
                            .map(|(_, cells)| cells.clone())
                            .collect();
                    }
                }
                Err(e) => {
                    preview.problems.extend(import_problems(f, &e));
                    continue;
                }
            }
            let parsed = match kind {
                ImportKind::Clients => copilot_import::import_clients(f, Currency::CNY).map(|_| ()),
                ImportKind::Products => copilot_import::import_products(f).map(|_| ()),
                ImportKind::Holdings => copilot_import::import_holdings(f).map(|holdings| {
                    let known = known_clients.as_ref().expect("set for holdings");
                    if let Some(h) = holdings.iter().find(|h| !known.contains(&h.client_id)) {
                        preview.problems.push(whole_file(
                            file_name(f),
                            AppError::HoldingWithoutClient {
                                file: file_name(f),
                                client_id: h.client_id.clone(),
                            }
                            .to_string(),
                        ));
                    }
                }),
                ImportKind::Documents => unreachable!("handled above"),
            };
            if let Err(e) = parsed {
                preview.problems.extend(import_problems(f, &e));
            }
        }
        Ok(preview)
    }

    /// Saves the advisor's edit of a draft's memo text after re-running the S13 language lint and
    /// the figure check (no figure that the stored memo does not already contain). Refused with
    /// [`AppError::Rule`] (nothing saved) when either finds something.
    pub fn save_draft_text(&mut self, draft_id: &str, text: &str) -> Result<DraftReport> {
        let stored = self.get_draft(draft_id)?;
        // The verified memo as generated: edits are checked against it, not against the last
        // edit (so an edit can always go back to the generated text).
        let generated = if stored.ai_text.is_empty() {
            stored.text.clone()
        } else {
            stored.ai_text.clone()
        };
        let state = self.store.get_review(draft_id)?.record.state;
        if !state.editable() {
            return Err(copilot_core::review::ReviewError::InvalidTransition {
                state: state.as_str(),
                action: "edit",
            }
            .into());
        }
        if let Err(message) = copilot_core::memo::check_edit(&generated, text, stored.lang) {
            return Err(AppError::Rule(RuleFinding {
                rule_id: rules::S15,
                message,
            }));
        }
        let findings = copilot_core::lint::lint(text, &self.rules().lint);
        if let Some(f) = findings.first() {
            let message = match stored.lang {
                copilot_core::Lang::Zh => format!("“{}”：{}", f.text, f.message_zh),
                copilot_core::Lang::En => format!("\"{}\": {}", f.text, f.message_en),
            };
            let more = findings.len() - 1;
            return Err(AppError::Rule(RuleFinding {
                rule_id: rules::S13,
                message: if more > 0 {
                    format!("{message} (+{more})")
                } else {
                    message
                },
            }));
        }
        let known: BTreeSet<String> = figure_tokens(&generated)
            .into_iter()
            .map(|t| t.text)
            .collect();
        let new: Vec<String> = figure_tokens(text)
            .into_iter()
            .map(|t| t.text)
            .filter(|t| !known.contains(t))
            .collect();
        if !new.is_empty() {
            return Err(AppError::Rule(RuleFinding {
                rule_id: rules::S14,
                message: format!(
                    "figures not in the verified memo: {}; only figures the memo already proves may stay",
                    new.join(", ")
                ),
            }));
        }
        let row = self.store.get_review(draft_id)?;
        let (actor, role) = self.actor()?;
        let next = copilot_core::review::apply(
            &row.record,
            &actor,
            role,
            copilot_protocol::review::ReviewAction::Edit,
            None,
            text,
            &crate::review::now_rfc3339(),
            stored.lang,
        )?;
        let entry = copilot_store::AuditEntry::new(
            actor,
            copilot_core::audit::actions::EDIT,
            draft_id,
            serde_json::json!({
                "version": next.version,
                "text_sha256": copilot_core::review::text_sha256(text),
                "edit_distance": copilot_core::review::edit_distance(
                    if stored.ai_text.is_empty() { &stored.text } else { &stored.ai_text },
                    text,
                ),
            }),
        );
        Ok(self
            .store
            .update_draft_text(draft_id, text, &next, &entry)?)
    }
}

impl AppError {
    /// True when the error means "no such client, draft or document" (the UI's `not_found`).
    pub fn is_not_found(&self) -> bool {
        matches!(
            self,
            AppError::UnknownClient(_) | AppError::Store(copilot_store::StoreError::Missing { .. })
        )
    }
}
