//! The maker–checker review of a draft (S22): the state machine, who may do what, and the diff
//! between the AI text and the advisor's final text.
//!
//! ```text
//! draft ──submit──► submitted ──approve──► approved (locked; a change is a new version)
//!   ▲ edit            │  ├──reject────► rejected (locked)
//!   │                 │  └──request_changes──► changes_requested ──submit──► submitted …
//!   └─────────────────┘                          ▲ edit
//! ```
//!
//! Rules: only the drafter edits and submits; only a supervisor who is not the drafter decides
//! ([`crate::suitability::check_approver`], S22, PRODUCT.md "maker–checker"); a decision is about
//! the text that was submitted (its SHA-256 must match the last submission); request_changes and
//! reject need a comment.

use copilot_protocol::review::{
    DiffKind, DiffSpan, ReviewAction, ReviewEvent, ReviewRecord, ReviewState, Role,
};
use copilot_protocol::{Lang, RuleFinding};
use sha2::{Digest, Sha256};

/// Why a review step is refused.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ReviewError {
    /// The step is not possible in the current state.
    #[error("cannot {} a draft that is {}", .action.replace('_', " "), .state.replace('_', " "))]
    InvalidTransition {
        /// Current state.
        state: &'static str,
        /// Refused action.
        action: &'static str,
    },
    /// Only the drafter may edit or submit.
    #[error("only the drafter ({drafter}) may {action} this draft")]
    NotDrafter {
        /// The drafter's id.
        drafter: String,
        /// Refused action.
        action: &'static str,
    },
    /// S22 refused the approver.
    #[error("{}: {}", .0.rule_id, .0.message)]
    Approver(RuleFinding),
    /// A comment is required for this decision.
    #[error("a comment is required to {}", .0.replace('_', " "))]
    CommentRequired(&'static str),
    /// The text decided is not the text submitted.
    #[error("the memo changed after it was submitted; review the submitted text")]
    TextMismatch,
}

/// SHA-256 of a memo text, lowercase hex.
pub fn text_sha256(text: &str) -> String {
    hex_lower(&Sha256::digest(text.as_bytes()))
}

fn hex_lower(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A new review record for a freshly generated draft (version 1) or a new version.
pub fn new_record(
    draft_id: &str,
    drafter: &str,
    version: u32,
    previous: Option<&str>,
) -> ReviewRecord {
    ReviewRecord {
        draft_id: draft_id.to_string(),
        version,
        previous_version: previous.map(str::to_string),
        state: ReviewState::Draft,
        drafter: drafter.to_string(),
        reviewer: None,
        events: Vec::new(),
    }
}

/// The text hash of the last submission, if any.
pub fn submitted_sha(record: &ReviewRecord) -> Option<&str> {
    record
        .events
        .iter()
        .rev()
        .find(|e| e.action == ReviewAction::Submit)
        .map(|e| e.text_sha256.as_str())
}

/// Applies one step to `record` and returns the new record (the input is untouched when the step
/// is refused).
///
/// `text` is the memo as the actor sees it; `at` the time (RFC 3339).
///
/// # Errors
/// [`ReviewError`] naming the refused step and why.
#[allow(clippy::too_many_arguments)]
pub fn apply(
    record: &ReviewRecord,
    actor: &str,
    actor_role: Role,
    action: ReviewAction,
    comment: Option<&str>,
    text: &str,
    at: &str,
    lang: Lang,
) -> Result<ReviewRecord, ReviewError> {
    let comment = comment.map(str::trim).filter(|c| !c.is_empty());
    let refuse = || ReviewError::InvalidTransition {
        state: record.state.as_str(),
        action: action.as_str(),
    };
    let mut next = record.clone();
    match action {
        ReviewAction::Edit | ReviewAction::Submit => {
            if !record.state.editable() {
                return Err(refuse());
            }
            if !record.drafter.trim().eq_ignore_ascii_case(actor.trim()) {
                return Err(ReviewError::NotDrafter {
                    drafter: record.drafter.clone(),
                    action: action.as_str(),
                });
            }
            if action == ReviewAction::Submit {
                next.state = ReviewState::Submitted;
            }
        }
        ReviewAction::Approve | ReviewAction::RequestChanges | ReviewAction::Reject => {
            if record.state != ReviewState::Submitted {
                return Err(refuse());
            }
            crate::suitability::check_approver(&record.drafter, actor, actor_role.as_str(), lang)
                .map_err(ReviewError::Approver)?;
            if action != ReviewAction::Approve && comment.is_none() {
                return Err(ReviewError::CommentRequired(action.as_str()));
            }
            if submitted_sha(record) != Some(text_sha256(text).as_str()) {
                return Err(ReviewError::TextMismatch);
            }
            next.state = match action {
                ReviewAction::Approve => ReviewState::Approved,
                ReviewAction::Reject => ReviewState::Rejected,
                _ => ReviewState::ChangesRequested,
            };
            next.reviewer = Some(actor.to_string());
        }
    }
    next.events.push(ReviewEvent {
        at: at.to_string(),
        actor: actor.to_string(),
        action,
        comment: comment.map(str::to_string),
        text_sha256: text_sha256(text),
    });
    Ok(next)
}

/// The diff from the AI text to the final text, by words (each CJK character is a word), and
/// the edit distance in characters (inserted + deleted, from a character-level diff).
///
/// Uses `similar` (Myers' O(ND) diff, Myers 1986) with its default deadline-free configuration.
pub fn diff(ai: &str, final_text: &str) -> (Vec<DiffSpan>, u64) {
    use similar::{ChangeTag, TextDiff};
    let words = TextDiff::configure().diff_unicode_words(ai, final_text);
    let mut spans: Vec<DiffSpan> = Vec::new();
    for change in words.iter_all_changes() {
        let kind = match change.tag() {
            ChangeTag::Equal => DiffKind::Equal,
            ChangeTag::Insert => DiffKind::Insert,
            ChangeTag::Delete => DiffKind::Delete,
        };
        match spans.last_mut() {
            Some(last) if last.kind == kind => last.text.push_str(change.value()),
            _ => spans.push(DiffSpan {
                kind,
                text: change.value().to_string(),
            }),
        }
    }
    (spans, edit_distance(ai, final_text))
}

/// Characters inserted + deleted to turn `a` into `b` (an LCS edit distance, character level).
pub fn edit_distance(a: &str, b: &str) -> u64 {
    use similar::{ChangeTag, TextDiff};
    if a == b {
        return 0;
    }
    TextDiff::from_chars(a, b)
        .iter_all_changes()
        .filter(|c| c.tag() != ChangeTag::Equal)
        .count() as u64
}

#[cfg(test)]
mod tests {
    use super::*;

    const AT: &str = "2026-11-30T09:00:00Z";

    fn step(
        r: &ReviewRecord,
        actor: &str,
        role: Role,
        action: ReviewAction,
        comment: Option<&str>,
        text: &str,
    ) -> Result<ReviewRecord, ReviewError> {
        apply(r, actor, role, action, comment, text, AT, Lang::En)
    }

    #[test]
    fn full_cycle_with_resubmission() {
        let r = new_record("D-1", "adv", 1, None);
        let r = step(&r, "adv", Role::Advisor, ReviewAction::Submit, None, "v1").unwrap();
        assert_eq!(r.state, ReviewState::Submitted);
        // Locked while submitted.
        assert!(step(&r, "adv", Role::Advisor, ReviewAction::Edit, None, "v1b").is_err());
        let err = step(
            &r,
            "mgr",
            Role::Supervisor,
            ReviewAction::RequestChanges,
            None,
            "v1",
        );
        assert_eq!(err, Err(ReviewError::CommentRequired("request_changes")));
        let r = step(
            &r,
            "mgr",
            Role::Supervisor,
            ReviewAction::RequestChanges,
            Some("fix"),
            "v1",
        )
        .unwrap();
        assert_eq!(r.state, ReviewState::ChangesRequested);
        let r = step(&r, "adv", Role::Advisor, ReviewAction::Edit, None, "v2").unwrap();
        let r = step(&r, "adv", Role::Advisor, ReviewAction::Submit, None, "v2").unwrap();
        assert_eq!(r.submissions(), 2);
        // The decision must be about the submitted text.
        assert_eq!(
            step(
                &r,
                "mgr",
                Role::Supervisor,
                ReviewAction::Approve,
                None,
                "v1"
            ),
            Err(ReviewError::TextMismatch)
        );
        let r = step(
            &r,
            "mgr",
            Role::Supervisor,
            ReviewAction::Approve,
            None,
            "v2",
        )
        .unwrap();
        assert_eq!(r.state, ReviewState::Approved);
        assert_eq!(r.reviewer.as_deref(), Some("mgr"));
        for a in [ReviewAction::Edit, ReviewAction::Submit] {
            assert!(matches!(
                step(&r, "adv", Role::Advisor, a, None, "v3"),
                Err(ReviewError::InvalidTransition { .. })
            ));
        }
    }

    #[test]
    fn maker_checker_is_enforced() {
        let r = new_record("D-1", "mgr", 1, None);
        // A supervisor who drafted cannot approve their own draft (S22).
        let r = step(&r, "mgr", Role::Supervisor, ReviewAction::Submit, None, "t").unwrap();
        let e = step(
            &r,
            "MGR ",
            Role::Supervisor,
            ReviewAction::Approve,
            None,
            "t",
        )
        .unwrap_err();
        assert!(
            matches!(e, ReviewError::Approver(ref f) if f.rule_id == copilot_protocol::rules::S22)
        );
        // An advisor cannot decide.
        let e = step(&r, "adv2", Role::Advisor, ReviewAction::Approve, None, "t").unwrap_err();
        assert!(matches!(e, ReviewError::Approver(_)));
        // Someone else cannot submit the drafter's draft.
        let r = new_record("D-2", "adv", 1, None);
        assert!(matches!(
            step(&r, "adv2", Role::Advisor, ReviewAction::Submit, None, "t"),
            Err(ReviewError::NotDrafter { .. })
        ));
    }

    #[test]
    fn diff_marks_what_the_advisor_changed() {
        let (spans, d) = diff("适合稳健型客户。", "适合稳健型的客户。");
        assert_eq!(d, 1);
        assert!(spans
            .iter()
            .any(|s| s.kind == DiffKind::Insert && s.text == "的"));
        let joined: String = spans
            .iter()
            .filter(|s| s.kind != DiffKind::Delete)
            .map(|s| s.text.as_str())
            .collect();
        assert_eq!(joined, "适合稳健型的客户。");
        assert_eq!(edit_distance("same", "same"), 0);
        assert_eq!(edit_distance("abc", "abd"), 2);
    }
}
