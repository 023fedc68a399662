//! Shapes of the maker–checker review (S22), users and roles, the audit log, the ROI ledger and
//! exports, shared by the CLI (`--json`) and the desktop UI.
//!
//! Times are RFC 3339 UTC strings; durations are seconds; ids are the store's.

use crate::{DraftReport, Lang};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A user's role. An advisor (理财经理) drafts and submits; a supervisor (主管, the branch manager)
/// reviews. S22: the approver holds the supervisor role and is never the drafter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Drafts, edits and submits recommendations.
    Advisor,
    /// Reviews: approves, requests changes, rejects.
    Supervisor,
}

impl Role {
    /// The stable name (`advisor`, `supervisor`).
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Advisor => "advisor",
            Role::Supervisor => "supervisor",
        }
    }
}

impl std::fmt::Display for Role {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for Role {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s.trim().to_ascii_lowercase().as_str() {
            "advisor" => Ok(Role::Advisor),
            "supervisor" | "manager" => Ok(Role::Supervisor),
            other => Err(format!(
                "unknown role {other:?}: expected advisor or supervisor"
            )),
        }
    }
}

/// A user known to this workstation: a local user (signs in here; secret keys sealed under the
/// user's password in the store) or a peer whose public key file was imported (another laptop).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UserInfo {
    /// Stable user id (employee id), `[A-Za-z0-9._-]{1,64}`.
    pub user_id: String,
    /// Name shown in the app.
    pub display_name: String,
    /// Role.
    pub role: Role,
    /// Ed25519 verifying key, 32 bytes as lowercase hex (signs bundles and checkpoints).
    pub signing_key: String,
    /// age X25519 recipient (`age1…`), bundles for this user are encrypted to it.
    pub age_recipient: String,
    /// True when the user signs in on this workstation (secret keys present).
    pub local: bool,
    /// When the user (or the peer key) was added.
    pub created_at: String,
}

/// Where a draft stands in the review.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReviewState {
    /// Being written by the advisor; editable.
    Draft,
    /// Waiting for a supervisor; locked.
    Submitted,
    /// Sent back with comments; editable, then resubmitted.
    ChangesRequested,
    /// Approved; locked for good (a change makes a new version).
    Approved,
    /// Rejected; locked for good.
    Rejected,
}

impl ReviewState {
    /// The stable name (`draft`, `submitted`, `changes_requested`, `approved`, `rejected`).
    pub fn as_str(self) -> &'static str {
        match self {
            ReviewState::Draft => "draft",
            ReviewState::Submitted => "submitted",
            ReviewState::ChangesRequested => "changes_requested",
            ReviewState::Approved => "approved",
            ReviewState::Rejected => "rejected",
        }
    }

    /// True when the memo text may be edited in this state.
    pub fn editable(self) -> bool {
        matches!(self, ReviewState::Draft | ReviewState::ChangesRequested)
    }
}

/// What a user did to a draft in the review.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReviewAction {
    /// The advisor submitted (or resubmitted) the draft.
    Submit,
    /// The supervisor sent it back with comments.
    RequestChanges,
    /// The supervisor approved it.
    Approve,
    /// The supervisor rejected it.
    Reject,
    /// The advisor edited the memo text (only in an editable state).
    Edit,
}

impl ReviewAction {
    /// The stable name (`submit`, `request_changes`, `approve`, `reject`, `edit`).
    pub fn as_str(self) -> &'static str {
        match self {
            ReviewAction::Submit => "submit",
            ReviewAction::RequestChanges => "request_changes",
            ReviewAction::Approve => "approve",
            ReviewAction::Reject => "reject",
            ReviewAction::Edit => "edit",
        }
    }
}

/// A supervisor's decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    /// Approve (locks the record).
    Approve,
    /// Send back with comments.
    RequestChanges,
    /// Reject (locks the record).
    Reject,
}

impl Decision {
    /// The review action this decision records.
    pub fn action(self) -> ReviewAction {
        match self {
            Decision::Approve => ReviewAction::Approve,
            Decision::RequestChanges => ReviewAction::RequestChanges,
            Decision::Reject => ReviewAction::Reject,
        }
    }
}

/// One step of a draft's review history.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReviewEvent {
    /// When.
    pub at: String,
    /// User id of who acted.
    pub actor: String,
    /// What they did.
    pub action: ReviewAction,
    /// Their comment (required for request_changes and reject).
    pub comment: Option<String>,
    /// SHA-256 (hex) of the memo text at that moment: what was submitted is what was decided.
    pub text_sha256: String,
}

/// The review record of one draft version.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReviewRecord {
    /// The draft (one version of a recommendation).
    pub draft_id: String,
    /// Version number, 1 for a generated draft; a change to an approved record makes version n+1.
    pub version: u32,
    /// The draft id of the previous version, if any.
    pub previous_version: Option<String>,
    /// Current state.
    pub state: ReviewState,
    /// User id of the drafter (maker).
    pub drafter: String,
    /// User id of the supervisor who decided last (checker), if any.
    pub reviewer: Option<String>,
    /// Review history, oldest first.
    pub events: Vec<ReviewEvent>,
}

impl ReviewRecord {
    /// Number of submissions (1 = submitted once).
    pub fn submissions(&self) -> usize {
        self.events
            .iter()
            .filter(|e| e.action == ReviewAction::Submit)
            .count()
    }
}

/// One piece of a text diff (AI text → the advisor's final text), from `similar`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DiffSpan {
    /// `equal`, `insert` (the advisor added it) or `delete` (the advisor removed it).
    pub kind: DiffKind,
    /// The text of the span.
    pub text: String,
}

/// Kind of a [`DiffSpan`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DiffKind {
    /// Unchanged.
    Equal,
    /// Added by the advisor.
    Insert,
    /// Removed by the advisor.
    Delete,
}

/// What a reviewer sees (`copilot review show`, desktop review screen).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReviewView {
    /// The review record.
    pub record: ReviewRecord,
    /// The draft (rule trace, citations, verifier and lint results, requirements).
    pub draft: DraftReport,
    /// The memo as the copilot generated it.
    pub ai_text: String,
    /// AI text → current text, word/character level.
    pub diff: Vec<DiffSpan>,
    /// Characters inserted + deleted between the AI text and the current text.
    pub edit_distance: u64,
    /// Where the draft came from: `local` or the bundle id it was imported from.
    pub origin: String,
}

/// One row of the review queue.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReviewItem {
    /// Draft id.
    pub draft_id: String,
    /// Client id (no name).
    pub client_id: String,
    /// Version.
    pub version: u32,
    /// State.
    pub state: ReviewState,
    /// Drafter.
    pub drafter: String,
    /// Last change.
    pub updated_at: String,
    /// Memo language.
    pub lang: Lang,
    /// Proposed product codes.
    pub proposed: Vec<String>,
    /// `local` or the bundle id the draft came in.
    pub origin: String,
}

/// Result of `copilot audit verify --json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuditVerifyReport {
    /// The chain is intact (and reaches every checkpoint given).
    pub ok: bool,
    /// Number of records read.
    pub records: u64,
    /// Sequence number of the first record that does not verify (1-based), if any.
    pub first_broken: Option<u64>,
    /// Why it is broken (`mac`, `sequence`, `link`, `truncated`), if it is.
    pub reason: Option<String>,
}

/// A signed statement of the audit log's head: "the log had `records` records, the last with
/// this MAC". Carried in every export; a log that no longer reaches it was truncated.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuditCheckpoint {
    /// Number of records at the time of the checkpoint.
    pub records: u64,
    /// MAC of the last record, lowercase hex (all zeros for an empty log).
    pub head_mac: String,
    /// When the checkpoint was made.
    pub at: String,
    /// User id of the signer.
    pub signer: String,
    /// The signer's Ed25519 verifying key, hex.
    pub signing_key: String,
    /// Ed25519 signature over the canonical checkpoint text, hex.
    pub signature: String,
}

/// ROI ledger: one draft. No client id, name or text — safe to share with the branch.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RoiRow {
    /// Draft id (random UUID).
    pub draft_id: String,
    /// Advisor (user id of the drafter).
    pub advisor: String,
    /// ISO week of the draft, `2026-W48`.
    pub week: String,
    /// Current review state.
    pub state: ReviewState,
    /// Seconds from *Generate* to the first submission, if submitted.
    pub generate_to_submit_secs: Option<i64>,
    /// Characters inserted + deleted between the AI text and the final (last submitted) text.
    pub edit_distance: u64,
    /// Characters of the AI text.
    pub ai_chars: u64,
    /// Approved on the first submission (`None` while undecided).
    pub first_pass_approved: Option<bool>,
    /// Number of submissions.
    pub submissions: u32,
    /// Seconds from each submission to its decision, summed over the decided submissions.
    pub review_turnaround_secs: Option<i64>,
    /// Rule catches by rule id: products excluded, blocks, warnings, verifier findings (S14).
    pub rule_catches: BTreeMap<String, u32>,
    /// S13 language findings (the model's text and the advisor's goal).
    pub lint_catches: u32,
    /// Overrides as `rule:reason_code`.
    pub overrides: Vec<String>,
}

/// ROI figures of a group of drafts (one advisor, one week, or all).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RoiGroup {
    /// Advisor id, ISO week, or `all`.
    pub key: String,
    /// Drafts.
    pub drafts: u32,
    /// Drafts submitted at least once.
    pub submitted: u32,
    /// Drafts approved.
    pub approved: u32,
    /// Approved on the first submission / decided drafts (0–1), if any decided.
    pub first_pass_rate: Option<f64>,
    /// Median seconds from Generate to submission.
    pub median_generate_to_submit_secs: Option<i64>,
    /// Mean edit distance (characters).
    pub mean_edit_distance: Option<f64>,
    /// Median review turnaround, seconds.
    pub median_turnaround_secs: Option<i64>,
    /// Rule catches by rule id.
    pub rule_catches: BTreeMap<String, u32>,
    /// S13 findings.
    pub lint_catches: u32,
    /// Overrides.
    pub overrides: u32,
}

/// `copilot roi --json`, the desktop dashboard.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RoiReport {
    /// Every draft.
    pub rows: Vec<RoiRow>,
    /// Per advisor, by id.
    pub per_advisor: Vec<RoiGroup>,
    /// Per ISO week, oldest first.
    pub per_week: Vec<RoiGroup>,
    /// All drafts.
    pub total: RoiGroup,
}

/// Export formats of an approved recommendation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ExportFormat {
    /// Client-ready PDF (embedded CJK font).
    Pdf,
    /// Client-ready HTML (one self-contained file).
    Html,
    /// Client-ready Markdown.
    Markdown,
    /// Machine-readable JSON for the bank's systems.
    Json,
}

impl std::str::FromStr for ExportFormat {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s.trim().to_ascii_lowercase().as_str() {
            "pdf" => Ok(ExportFormat::Pdf),
            "html" => Ok(ExportFormat::Html),
            "md" | "markdown" => Ok(ExportFormat::Markdown),
            "json" => Ok(ExportFormat::Json),
            other => Err(format!(
                "unknown export format {other:?}: expected pdf, html, markdown or json"
            )),
        }
    }
}

impl ExportFormat {
    /// File extension without the dot.
    pub fn extension(self) -> &'static str {
        match self {
            ExportFormat::Pdf => "pdf",
            ExportFormat::Html => "html",
            ExportFormat::Markdown => "md",
            ExportFormat::Json => "json",
        }
    }
}

/// The approval printed on an export.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Approval {
    /// Supervisor's user id.
    pub approver: String,
    /// Supervisor's display name.
    pub approver_name: String,
    /// When.
    pub approved_at: String,
    /// The supervisor's comment, if any.
    pub comment: Option<String>,
    /// SHA-256 of the approved memo text, hex.
    pub text_sha256: String,
    /// Fingerprint of the approver's signing key (`1a2b 3c4d 5e6f 7a8b`), for a check against the
    /// bank's directory of supervisors.
    #[serde(default)]
    pub approver_key_fingerprint: Option<String>,
}

/// The JSON export of an approved recommendation (`copilot export DRAFT_ID --format json`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExportDocument {
    /// Format version of this document (`wealth-copilot/export/1`).
    pub format: String,
    /// The approved draft, provenance included.
    pub draft: DraftReport,
    /// The review record.
    pub review: ReviewRecord,
    /// The approval.
    pub approval: Approval,
    /// Signed head of the audit log at export time.
    pub checkpoint: AuditCheckpoint,
    /// When exported, by whom.
    pub exported_at: String,
    /// User id of the exporter.
    pub exported_by: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_stable() {
        assert_eq!(
            serde_json::to_string(&ReviewState::ChangesRequested).unwrap(),
            "\"changes_requested\""
        );
        assert_eq!(ReviewState::ChangesRequested.as_str(), "changes_requested");
        assert_eq!("Manager".parse::<Role>().unwrap(), Role::Supervisor);
        assert!("boss".parse::<Role>().is_err());
        assert_eq!(
            "md".parse::<ExportFormat>().unwrap(),
            ExportFormat::Markdown
        );
        assert!(ReviewState::ChangesRequested.editable());
        assert!(!ReviewState::Approved.editable());
        assert!(!ReviewState::Submitted.editable());
    }
}
