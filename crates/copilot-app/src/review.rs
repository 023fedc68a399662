//! The maker–checker review on this workstation: who is acting, submit, decide, edit, new
//! versions, the review queue and the reviewer's view (AI text vs final text).
//!
//! The state machine and its rules are in [`copilot_core::review`]; this module loads and saves
//! (each step with its audit record in one transaction).

use crate::error::{AppError, Result};
use crate::workspace::Workspace;
use copilot_core::audit::actions;
use copilot_core::review as core_review;
use copilot_protocol::review::{
    Decision, ReviewAction, ReviewItem, ReviewRecord, ReviewState, ReviewView, Role,
};
use copilot_protocol::DraftReport;
use copilot_store::AuditEntry;
use serde_json::json;

/// S17: a draft whose cited product was re-rated is not submitted, approved or exported;
/// `then` is appended to the invalidation message (what to do instead).
pub(crate) fn refuse_if_invalidated(draft: &DraftReport, then: &str) -> Result<()> {
    match &draft.invalidated {
        Some(inv) => Err(AppError::Rule(copilot_protocol::RuleFinding {
            rule_id: inv.rule_id,
            message: format!("{} {then}", inv.message).trim_end().to_string(),
        })),
        None => Ok(()),
    }
}

pub(crate) fn now_rfc3339() -> String {
    time::OffsetDateTime::now_utc()
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

impl Workspace {
    /// Who acts: the signed-in user with their role. Without any local user on this
    /// workstation (single-user set-up, before users are added) the OS operator acts as an
    /// advisor; once users exist, a sign-in is required.
    ///
    /// # Errors
    /// [`AppError::NotPermitted`] when users exist and nobody is signed in.
    pub fn actor(&self) -> Result<(String, Role)> {
        if let Some(u) = self.signed_in() {
            return Ok((u.user_id.clone(), u.role));
        }
        if self.store.has_local_users()? {
            return Err(AppError::NotPermitted(
                "sign in first: this workstation has users (copilot --user ID, or the sign-in screen)"
                    .into(),
            ));
        }
        Ok((self.operator().to_string(), Role::Advisor))
    }

    /// This workstation's drafts by id.
    pub(crate) fn local_drafts(&self) -> Result<std::collections::HashMap<String, DraftReport>> {
        Ok(self
            .store
            .list_drafts()?
            .into_iter()
            .map(|d| (d.draft_id.clone(), d))
            .collect())
    }

    /// A draft made here or received in a bundle.
    pub(crate) fn any_draft(&self, draft_id: &str) -> Result<DraftReport> {
        match self.store.get_draft(draft_id) {
            Ok(d) => Ok(d),
            Err(copilot_store::StoreError::Missing { .. }) => {
                Ok(self.store.get_received(draft_id)?)
            }
            Err(e) => Err(e.into()),
        }
    }

    /// The reviewer's view of a draft: record, draft, AI text, diff and edit distance.
    pub fn review(&self, draft_id: &str) -> Result<ReviewView> {
        let row = self.store.get_review(draft_id)?;
        let draft = self.any_draft(draft_id)?;
        let ai_text = if draft.ai_text.is_empty() {
            draft.text.clone()
        } else {
            draft.ai_text.clone()
        };
        let (diff, edit_distance) = core_review::diff(&ai_text, &draft.text);
        Ok(ReviewView {
            record: row.record,
            draft,
            ai_text,
            diff,
            edit_distance,
            origin: row.origin,
        })
    }

    /// Every draft's review state, most recently changed first (a supervisor's queue is the
    /// `submitted` ones).
    pub fn review_queue(&self) -> Result<Vec<ReviewItem>> {
        // One read of the local drafts instead of one query per row; drafts received in bundles
        // are looked up one by one (few on any workstation).
        let mut local = self.local_drafts()?;
        let mut out = Vec::new();
        for row in self.store.list_reviews()? {
            let draft = match local.remove(&row.record.draft_id) {
                Some(d) => d,
                None => self.store.get_received(&row.record.draft_id)?,
            };
            out.push(ReviewItem {
                draft_id: row.record.draft_id.clone(),
                client_id: draft.client_id.clone(),
                version: row.record.version,
                state: row.record.state,
                drafter: row.record.drafter.clone(),
                updated_at: row.updated_at,
                lang: draft.lang,
                proposed: draft.proposed.clone(),
                origin: row.origin,
            });
        }
        Ok(out)
    }

    fn step(
        &self,
        draft: &DraftReport,
        record: &ReviewRecord,
        action: ReviewAction,
        comment: Option<&str>,
        text: &str,
    ) -> Result<ReviewRecord> {
        let (actor, role) = self.actor()?;
        Ok(core_review::apply(
            record,
            &actor,
            role,
            action,
            comment,
            text,
            &now_rfc3339(),
            draft.lang,
        )?)
    }

    fn entry(&self, action: &str, record: &ReviewRecord, extra: serde_json::Value) -> AuditEntry {
        let actor = self
            .actor()
            .map(|a| a.0)
            .unwrap_or_else(|_| self.operator().to_string());
        let last = record.events.last();
        let mut data = json!({
            "version": record.version,
            "state": record.state.as_str(),
            "text_sha256": last.map(|e| e.text_sha256.clone()),
        });
        if let (Some(obj), serde_json::Value::Object(more)) = (data.as_object_mut(), extra) {
            obj.extend(more);
        }
        AuditEntry::new(actor, action, record.draft_id.clone(), data)
    }

    /// Submits (or resubmits) a draft for review; the drafter only. Refused for a draft whose
    /// cited product was re-rated (S17).
    ///
    /// # Errors
    /// [`AppError::Review`] (state, not the drafter), [`AppError::Rule`] (S17), store errors.
    pub fn submit(&mut self, draft_id: &str, comment: Option<&str>) -> Result<ReviewView> {
        let draft = self.store.get_draft(draft_id)?;
        refuse_if_invalidated(&draft, "")?;
        let row = self.store.get_review(draft_id)?;
        let next = self.step(
            &draft,
            &row.record,
            ReviewAction::Submit,
            comment,
            &draft.text,
        )?;
        let entry = self.entry(
            actions::SUBMIT,
            &next,
            json!({ "submissions": next.submissions() }),
        );
        self.store.save_review(&next, &entry)?;
        self.review(draft_id)
    }

    /// Records a supervisor's decision on a submitted draft (local or received in a bundle).
    /// Approve and reject lock the record for good.
    ///
    /// # Errors
    /// [`AppError::Review`] (not submitted, S22 maker–checker, comment missing), store errors.
    pub fn decide(
        &mut self,
        draft_id: &str,
        decision: Decision,
        comment: Option<&str>,
    ) -> Result<ReviewView> {
        let draft = self.any_draft(draft_id)?;
        if decision == Decision::Approve {
            refuse_if_invalidated(&draft, "")?;
        }
        let row = self.store.get_review(draft_id)?;
        let next = self.step(&draft, &row.record, decision.action(), comment, &draft.text)?;
        // `step` checked the actor is a supervisor other than the drafter; the trust root (if
        // installed) must have vouched for them.
        self.check_supervisor_vouched(next.reviewer.as_deref().unwrap_or_default())?;
        let entry = self.entry(
            actions::DECISION,
            &next,
            json!({ "decision": decision.action().as_str(), "drafter": next.drafter }),
        );
        self.store.save_review(&next, &entry)?;
        self.review(draft_id)
    }

    /// Makes a new version of an approved or rejected draft: a copy with a new id (the AI text
    /// kept), version n+1, state draft, linked to the previous version. The old record stays
    /// locked.
    ///
    /// # Errors
    /// [`AppError::InvalidRequest`] when the draft is still editable or in review;
    /// [`AppError::Review`] when the actor is not the drafter.
    pub fn new_version(&mut self, draft_id: &str) -> Result<ReviewView> {
        let draft = self.store.get_draft(draft_id)?;
        let row = self.store.get_review(draft_id)?;
        if !matches!(
            row.record.state,
            ReviewState::Approved | ReviewState::Rejected
        ) {
            return Err(AppError::InvalidRequest(format!(
                "draft {draft_id} is {}; edit it in place (a new version is for approved or rejected records)",
                row.record.state.as_str()
            )));
        }
        if let Some(newer) = self.store.newer_version_of(draft_id)? {
            return Err(AppError::InvalidRequest(format!(
                "draft {draft_id} already has a newer version ({newer}); change that one"
            )));
        }
        let (actor, _) = self.actor()?;
        if !row.record.drafter.eq_ignore_ascii_case(&actor) {
            return Err(core_review::ReviewError::NotDrafter {
                drafter: row.record.drafter.clone(),
                action: "make a new version of",
            }
            .into());
        }
        let mut copy = draft.clone();
        copy.draft_id = crate::draft::new_draft_id();
        if copy.ai_text.is_empty() {
            copy.ai_text = draft.text.clone();
        }
        let record = core_review::new_record(
            &copy.draft_id,
            &row.record.drafter,
            row.record.version + 1,
            Some(draft_id),
        );
        let entry = self.entry(
            actions::NEW_VERSION,
            &record,
            json!({ "previous_version": draft_id }),
        );
        self.store.insert_draft_version(&copy, &record, &entry)?;
        self.review(&copy.draft_id)
    }

    /// The review record of a draft.
    pub fn review_record(&self, draft_id: &str) -> Result<ReviewRecord> {
        Ok(self.store.get_review(draft_id)?.record)
    }
}
