//! Audit verification and signed checkpoints, review bundles between laptops, exports of
//! approved recommendations, and the ROI ledger.

use crate::error::{AppError, Result};
use crate::review::{now_rfc3339, refuse_if_invalidated};
use crate::users::write_export;
use crate::workspace::Workspace;
use copilot_bundle::{BundlePayload, OpenedBundle};
use copilot_core::audit::actions;
use copilot_core::review as core_review;
use copilot_protocol::ipc::{BundleImported, ExportDone};
use copilot_protocol::review::{
    Approval, AuditCheckpoint, AuditVerifyReport, Decision, ExportDocument, ExportFormat,
    ReviewAction, ReviewRecord, ReviewState, RoiReport, Role, UserInfo,
};
use copilot_protocol::DraftReport;
use copilot_store::AuditEntry;
use serde_json::json;
use std::path::Path;

/// The ROI CSV writer (PII-free, formula-injection-safe cells), re-exported for front ends.
pub use copilot_export::write_roi_csv;

/// Format id of the JSON export.
pub const EXPORT_FORMAT: &str = "wealth-copilot/export/1";

fn decode_mac(hex_mac: &str) -> Result<[u8; 32]> {
    let bytes = hex::decode(hex_mac)
        .map_err(|_| AppError::InvalidRequest("checkpoint head_mac is not hex".into()))?;
    bytes
        .try_into()
        .map_err(|_| AppError::InvalidRequest("checkpoint head_mac is not 32 bytes".into()))
}

impl Workspace {
    /// Verifies the audit chain; with a checkpoint (from an export or bundle), first checks its
    /// signature and that the signer is a known user, then that the log still reaches it
    /// (truncation).
    ///
    /// # Errors
    /// A checkpoint with a bad signature or an unknown signer; store errors.
    pub fn audit_verify(&self, checkpoint: Option<&AuditCheckpoint>) -> Result<AuditVerifyReport> {
        let cp = match checkpoint {
            Some(c) => {
                copilot_bundle::verify_checkpoint(c)?;
                let signer = self.store.get_user(&c.signer).map_err(|_| {
                    AppError::InvalidRequest(format!(
                        "checkpoint signed by {}, who is not a user here",
                        c.signer
                    ))
                })?;
                if !signer.info.local {
                    // Each workstation keeps its own log; a peer signs checkpoints of theirs.
                    return Err(AppError::InvalidRequest(format!(
                        "checkpoint signed by {} on another workstation: it belongs to that workstation's audit log; verify it there",
                        c.signer
                    )));
                }
                if signer.info.signing_key != c.signing_key {
                    return Err(AppError::InvalidRequest(format!(
                        "checkpoint signed with a key that is not {}'s",
                        c.signer
                    )));
                }
                Some((c.records, decode_mac(&c.head_mac)?))
            }
            None => None,
        };
        Ok(self.store.verify_audit(cp)?)
    }

    /// A checkpoint of the audit head, signed by the signed-in user.
    pub fn audit_checkpoint(&self) -> Result<AuditCheckpoint> {
        let session = self.session()?;
        let (records, mac) = self.store.audit_head()?;
        Ok(copilot_bundle::sign_checkpoint(
            &session.keys,
            &session.info.user_id,
            records,
            &hex::encode(mac),
            &now_rfc3339(),
        ))
    }

    /// The last `n` audit records, newest first (for the app's audit view).
    pub fn audit_tail(&self, n: usize) -> Result<Vec<copilot_core::audit::AuditRecord>> {
        Ok(self.store.audit_tail(n)?)
    }

    fn user(&self, user_id: &str) -> Result<UserInfo> {
        Ok(self.store.get_user(user_id)?.info)
    }

    // ---- bundles ---------------------------------------------------------------------------

    /// Writes a bundle for `draft_id`: for a local draft that is submitted, a review request to
    /// supervisor `to_user`; for a draft received in a bundle and decided here, the decision back
    /// to its drafter. Encrypted to the recipient, signed by the signed-in user.
    ///
    /// # Errors
    /// Not signed in, wrong state, unknown or non-supervisor recipient, I/O.
    pub fn export_bundle(
        &mut self,
        draft_id: &str,
        to_user: Option<&str>,
        path: &Path,
    ) -> Result<(ExportDone, String)> {
        let row = self.store.get_review(draft_id)?;
        let checkpoint = self.audit_checkpoint()?;
        let session = self.session()?;
        let me = session.info.user_id.clone();
        let (recipient, payload) = if row.origin == "local" {
            if row.record.state != ReviewState::Submitted {
                return Err(AppError::InvalidRequest(format!(
                    "draft {draft_id} is {}; submit it before exporting a review bundle",
                    row.record.state.as_str()
                )));
            }
            if !row.record.drafter.eq_ignore_ascii_case(&me) {
                return Err(AppError::NotPermitted(format!(
                    "only the drafter ({}) sends draft {draft_id} for review",
                    row.record.drafter
                )));
            }
            let to = to_user.ok_or_else(|| {
                AppError::InvalidRequest("name the supervisor the bundle is for (--to)".into())
            })?;
            let recipient = self.user(to)?;
            if recipient.role != Role::Supervisor {
                return Err(AppError::InvalidRequest(format!(
                    "{to} is not a supervisor; a review request goes to a supervisor"
                )));
            }
            let draft = self.store.get_draft(draft_id)?;
            (
                recipient,
                BundlePayload::ReviewRequest {
                    draft,
                    review: row.record.clone(),
                    checkpoint,
                },
            )
        } else {
            let last = row.record.events.last().ok_or_else(|| {
                AppError::InvalidRequest(format!("draft {draft_id} has no review history"))
            })?;
            let decision = match last.action {
                ReviewAction::Approve => Decision::Approve,
                ReviewAction::Reject => Decision::Reject,
                ReviewAction::RequestChanges => Decision::RequestChanges,
                _ => {
                    return Err(AppError::InvalidRequest(format!(
                        "draft {draft_id} received for review has no decision yet"
                    )))
                }
            };
            let recipient = self.user(&row.record.drafter)?;
            (
                recipient,
                BundlePayload::Decision {
                    draft_id: draft_id.to_string(),
                    decision,
                    comment: last.comment.clone(),
                    reviewer: me.clone(),
                    reviewer_name: session.info.display_name.clone(),
                    decided_at: last.at.clone(),
                    text_sha256: last.text_sha256.clone(),
                    in_reply_to: row.origin.clone(),
                    review: row.record.clone(),
                    checkpoint,
                },
            )
        };
        let (header, bytes) =
            copilot_bundle::seal_bundle(&me, &session.keys, &recipient, &payload)?;
        let done = write_export(path, &bytes)?;
        self.store.audit(&AuditEntry::new(
            me,
            actions::EXPORT,
            draft_id,
            json!({ "what": "bundle", "kind": header.kind, "bundle_id": header.bundle_id,
                    "to": recipient.user_id, "sha256": done.sha256 }),
        ))?;
        Ok((done, header.bundle_id))
    }

    /// Imports a bundle addressed to the signed-in user: a review request (stored as a received
    /// draft to decide) or a decision on one of this workstation's drafts. Tampered, replayed,
    /// misaddressed or unknown-sender files are refused and nothing is written.
    pub fn import_bundle(&mut self, path: &Path) -> Result<BundleImported> {
        let result = self.import_bundle_inner(path);
        if let Err(e) = &result {
            // A refused bundle is a security event: record who tried and why (no content).
            let file_sha = std::fs::read(path).ok().map(|b| {
                use sha2::{Digest, Sha256};
                hex::encode(Sha256::digest(b))
            });
            let actor = self
                .actor()
                .map(|a| a.0)
                .unwrap_or_else(|_| self.operator().to_string());
            let _ = self.store.audit(&AuditEntry::new(
                actor,
                actions::BUNDLE_REFUSED,
                file_sha.clone().unwrap_or_else(|| "unreadable".into()),
                json!({ "sha256": file_sha, "error": e.to_string() }),
            ));
        }
        result
    }

    fn import_bundle_inner(&mut self, path: &Path) -> Result<BundleImported> {
        let bytes = std::fs::read(path).map_err(|source| AppError::Io {
            path: path.to_path_buf(),
            source,
        })?;
        let session = self.session()?;
        let me = session.info.clone();
        let users = self.store.list_users()?;
        let OpenedBundle { header, payload } =
            copilot_bundle::open_bundle(&bytes, &me, &session.keys, |id: &str| {
                users
                    .iter()
                    .find(|u| u.info.user_id.eq_ignore_ascii_case(id))
                    .map(|u| u.info.clone())
            })?;
        if self.store.bundle_seen(&header.bundle_id)? {
            return Err(copilot_store::StoreError::Replay(header.bundle_id.clone()).into());
        }
        let sender = self.user(&header.from)?;
        let check_cp = |cp: &AuditCheckpoint| -> Result<()> {
            copilot_bundle::verify_checkpoint(cp)?;
            if cp.signing_key != sender.signing_key {
                return Err(AppError::InvalidRequest(
                    "the bundle's audit checkpoint is not signed by its sender".into(),
                ));
            }
            Ok(())
        };
        match payload {
            BundlePayload::ReviewRequest {
                draft,
                review,
                checkpoint,
            } => {
                check_cp(&checkpoint)?;
                if me.role != Role::Supervisor {
                    return Err(AppError::NotPermitted(
                        "review requests are for supervisors".into(),
                    ));
                }
                if !review.drafter.eq_ignore_ascii_case(&header.from)
                    || review.draft_id != draft.draft_id
                    || review.state != ReviewState::Submitted
                    || core_review::submitted_sha(&review)
                        != Some(core_review::text_sha256(&draft.text).as_str())
                {
                    return Err(AppError::InvalidRequest(
                        "the review request is inconsistent (drafter, state or submitted text)"
                            .into(),
                    ));
                }
                if let Ok(local) = self.store.get_review(&draft.draft_id) {
                    let n = local.record.events.len();
                    if review.events.len() < n || review.events[..n] != local.record.events[..] {
                        return Err(AppError::InvalidRequest(format!(
                            "the review history of {} does not continue the one here (stale or forked bundle)",
                            draft.draft_id
                        )));
                    }
                }
                let entry = AuditEntry::new(
                    me.user_id.clone(),
                    actions::BUNDLE_IMPORT,
                    draft.draft_id.clone(),
                    json!({ "kind": header.kind, "bundle_id": header.bundle_id, "from": header.from,
                            "text_sha256": core_review::text_sha256(&draft.text),
                            "sender_checkpoint": { "records": checkpoint.records, "head_mac": checkpoint.head_mac } }),
                );
                self.store.insert_received(
                    &draft,
                    &review,
                    &header.bundle_id,
                    &header.from,
                    &entry,
                )?;
                Ok(BundleImported {
                    kind: header.kind.as_str().to_string(),
                    bundle_id: header.bundle_id.clone(),
                    draft_id: draft.draft_id,
                    from: header.from.clone(),
                })
            }
            BundlePayload::Decision {
                draft_id,
                decision,
                comment,
                reviewer,
                decided_at,
                text_sha256,
                checkpoint,
                ..
            } => {
                check_cp(&checkpoint)?;
                if !reviewer.eq_ignore_ascii_case(&header.from) {
                    return Err(AppError::InvalidRequest(
                        "the decision's reviewer is not the bundle's signer".into(),
                    ));
                }
                let draft = self.store.get_draft(&draft_id)?;
                let row = self.store.get_review(&draft_id)?;
                if decision == Decision::Approve {
                    refuse_if_invalidated(&draft, "")?;
                }
                if text_sha256 != core_review::text_sha256(&draft.text) {
                    return Err(AppError::InvalidRequest(format!(
                        "the decision is about another text than draft {draft_id} has here"
                    )));
                }
                // Only a supervisor vouched for by the bank's trust root, when one is installed.
                self.check_supervisor_vouched(&sender.user_id)?;
                // Re-apply the decision here: the same rules (state, S22, comment, text).
                let next = core_review::apply(
                    &row.record,
                    &sender.user_id,
                    sender.role,
                    decision.action(),
                    comment.as_deref(),
                    &draft.text,
                    &decided_at,
                    draft.lang,
                )?;
                let entry = AuditEntry::new(
                    me.user_id.clone(),
                    actions::BUNDLE_IMPORT,
                    draft_id.clone(),
                    json!({ "kind": header.kind, "bundle_id": header.bundle_id, "from": header.from,
                            "decision": decision.action().as_str(), "text_sha256": text_sha256,
                            "sender_checkpoint": { "records": checkpoint.records, "head_mac": checkpoint.head_mac } }),
                );
                self.store.apply_received_decision(
                    &next,
                    &header.bundle_id,
                    &header.from,
                    &entry,
                )?;
                Ok(BundleImported {
                    kind: header.kind.as_str().to_string(),
                    bundle_id: header.bundle_id.clone(),
                    draft_id,
                    from: header.from.clone(),
                })
            }
        }
    }

    // ---- exports ---------------------------------------------------------------------------

    /// The JSON export document of an approved draft, with a fresh signed checkpoint.
    pub fn export_document(&self, draft_id: &str) -> Result<ExportDocument> {
        let row = self.store.get_review(draft_id)?;
        if row.record.state != ReviewState::Approved {
            return Err(AppError::InvalidRequest(format!(
                "draft {draft_id} is {}; only an approved recommendation is exported for the client",
                row.record.state.as_str()
            )));
        }
        let draft = self.any_draft(draft_id)?;
        refuse_if_invalidated(
            &draft,
            "It is not exported for the client; make a new draft.",
        )?;
        let approve = row
            .record
            .events
            .iter()
            .rev()
            .find(|e| e.action == ReviewAction::Approve)
            .ok_or_else(|| AppError::InvalidRequest(format!("draft {draft_id} has no approval")))?;
        let approver = self.user(&approve.actor).ok();
        let approver_name = approver
            .as_ref()
            .map(|u| u.display_name.clone())
            .unwrap_or_else(|| approve.actor.clone());
        let approver_key_fingerprint = approver
            .as_ref()
            .and_then(|u| copilot_bundle::fingerprint(&u.signing_key).ok());
        let checkpoint = self.audit_checkpoint()?;
        Ok(ExportDocument {
            format: EXPORT_FORMAT.into(),
            approval: Approval {
                approver: approve.actor.clone(),
                approver_name,
                approved_at: approve.at.clone(),
                comment: approve.comment.clone(),
                text_sha256: approve.text_sha256.clone(),
                approver_key_fingerprint,
            },
            draft,
            review: row.record,
            exported_at: now_rfc3339(),
            exported_by: checkpoint.signer.clone(),
            checkpoint,
        })
    }

    /// Writes an approved recommendation as PDF, HTML, Markdown (client-ready, in the memo's
    /// language) or JSON (for the bank's systems), atomically, and records the export.
    pub fn export_draft(
        &mut self,
        draft_id: &str,
        format: ExportFormat,
        path: &Path,
    ) -> Result<ExportDone> {
        let doc = self.export_document(draft_id)?;
        // The approved text is the text exported (state approved, SHA-256 of the text = the
        // approval's).
        copilot_export::check_approved(&doc)?;
        let lang = doc.draft.lang;
        let bytes = match format {
            ExportFormat::Json => copilot_export::to_json(&doc).into_bytes(),
            ExportFormat::Html => copilot_export::render_html(&doc, lang).into_bytes(),
            ExportFormat::Markdown => copilot_export::render_markdown(&doc, lang).into_bytes(),
            ExportFormat::Pdf => {
                let font = match self.pdf_font.get() {
                    Some(f) => f,
                    None => {
                        let found = copilot_export::PdfFont::discover()?;
                        self.pdf_font.get_or_init(|| found)
                    }
                };
                copilot_export::render_pdf(&doc, lang, font)?
            }
        };
        let done = write_export(path, &bytes)?;
        self.store.audit(&AuditEntry::new(
            doc.exported_by.clone(),
            actions::EXPORT,
            draft_id,
            json!({ "what": "recommendation", "format": format.extension(), "sha256": done.sha256,
                    "checkpoint": { "records": doc.checkpoint.records, "head_mac": doc.checkpoint.head_mac } }),
        ))?;
        Ok(done)
    }

    // ---- ROI ---------------------------------------------------------------------------------

    /// The ROI ledger over this workstation's own drafts (drafts received for review are the
    /// sender's figures and are left out).
    pub fn roi(&self) -> Result<RoiReport> {
        let mut local = self.local_drafts()?;
        let mut items: Vec<(DraftReport, ReviewRecord)> = Vec::new();
        for row in self.store.list_reviews()? {
            if row.origin != "local" {
                continue;
            }
            let draft = local.remove(&row.record.draft_id).ok_or_else(|| {
                copilot_store::StoreError::Missing {
                    kind: "draft",
                    id: row.record.draft_id.clone(),
                }
            })?;
            items.push((draft, row.record));
        }
        Ok(copilot_core::roi::compute(&items))
    }

    /// Writes the PII-free ROI CSV (formula-injection-safe cells) and records the export.
    pub fn export_roi_csv(&mut self, path: &Path) -> Result<ExportDone> {
        let report = self.roi()?;
        let mut bytes = Vec::new();
        copilot_export::write_roi_csv(&report, &mut bytes)?;
        let done = write_export(path, &bytes)?;
        self.store.audit(&AuditEntry::new(
            self.actor()?.0,
            actions::EXPORT,
            "roi",
            json!({ "what": "roi_csv", "rows": report.rows.len(), "sha256": done.sha256 }),
        ))?;
        Ok(done)
    }
}
