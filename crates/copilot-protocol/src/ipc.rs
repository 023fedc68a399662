//! The desktop app's IPC contract: every command the Leptos UI may invoke on the Tauri shell, with
//! its argument and result shapes. The shell registers exactly [`COMMANDS`]; its capability file
//! allows exactly these (a test in `src-tauri` checks that the three lists agree).
//!
//! Arguments are sent as one JSON object whose keys are the parameter names below (Tauri's
//! convention: camelCase on the JS side is mapped to snake_case, so the UI sends `{ "args": … }`
//! with one `args` parameter per command to keep the mapping trivial). Errors come back as
//! [`IpcError`].

use crate::review::{Decision, ExportFormat, Role, UserInfo};
use crate::{ClientSummary, DraftReport, DraftSummary, Lang, Override, RiskLevel};
use serde::{Deserialize, Serialize};

/// Every command name, as registered by the shell and allowed by its capability.
pub const COMMANDS: &[&str] = &[
    "app_status",
    "create_vault",
    "unlock",
    "lock",
    "touch",
    "preview_import",
    "import_files",
    "import_sample",
    "list_clients",
    "get_client",
    "reveal_client_field",
    "start_draft",
    "cancel_draft",
    "save_draft",
    "get_draft",
    "open_citation",
    "get_settings",
    "set_settings",
    "list_users",
    "add_user",
    "sign_in",
    "sign_out",
    "review_queue",
    "get_review",
    "submit_review",
    "decide_review",
    "new_version",
    "roi_report",
    "export_draft",
    "export_roi_csv",
    "export_bundle",
    "import_bundle",
    "export_public_key",
    "import_public_key",
    "audit_verify",
];

/// An error as the UI shows it: a stable `code` for logic, a `message` for people.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IpcError {
    /// Stable code: `locked`, `not_initialised`, `wrong_passphrase`, `invalid`, `cancelled`,
    /// `busy`, `not_found`, `import_errors`, `rule`, `internal`.
    pub code: String,
    /// Human-readable message (no personal data).
    pub message: String,
}

/// The model in use (Settings screen).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModelInfo {
    /// Manifest id.
    pub id: String,
    /// Display name.
    pub name: String,
    /// SHA-256 of the GGUF file, lowercase hex.
    pub sha256: String,
    /// File size in bytes.
    pub size_bytes: u64,
    /// Quantization, e.g. `Q4_1`.
    pub quantization: String,
    /// Whether the file is present and loaded.
    pub loaded: bool,
}

/// What the shell knows at start and after every state change.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AppStatus {
    /// A vault exists in the data directory.
    pub initialised: bool,
    /// The store is open (keys in memory).
    pub unlocked: bool,
    /// The data directory.
    pub data_dir: String,
    /// OS keychain state, human-readable.
    pub keychain: String,
    /// Settings in force.
    pub settings: Settings,
    /// The model in use.
    pub model: Option<ModelInfo>,
    /// Counts: clients, holdings, products, documents, drafts (when unlocked).
    pub counts: Option<[u64; 5]>,
    /// The reason codes an advisor may give to override a warning (S24), from the rule pack.
    #[serde(default)]
    pub override_reasons: Vec<OverrideReasonView>,
    /// The signed-in user, if any (sign-in per user on a shared workstation).
    #[serde(default)]
    pub user: Option<UserInfo>,
    /// True when the store has at least one local user (then every action needs a sign-in).
    #[serde(default)]
    pub has_users: bool,
}

/// One S24 reason code of the rule pack.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OverrideReasonView {
    /// Stable code, e.g. `CLIENT_CONFIRMED_CAPACITY`.
    pub code: String,
    /// Label, Chinese.
    pub zh: String,
    /// Label, English.
    pub en: String,
}

/// User settings (stored beside the vault, not secret).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Settings {
    /// UI language.
    pub ui_lang: Lang,
    /// Auto-lock after this many idle minutes (1–240; default 15).
    pub lock_minutes: u32,
    /// `light`, `dark` or `system`.
    pub theme: String,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            ui_lang: Lang::Zh,
            lock_minutes: 15,
            theme: "system".into(),
        }
    }
}

/// `create_vault`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CreateVaultArgs {
    /// Recovery passphrase (checked for length by the vault).
    pub passphrase: String,
    /// Use the OS keychain for silent unlock.
    pub use_keychain: bool,
}

/// `unlock`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UnlockArgs {
    /// `None`: try the keychain only.
    pub passphrase: Option<String>,
}

/// Which table a file holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ImportKindArg {
    /// Client profiles.
    Clients,
    /// Holdings.
    Holdings,
    /// Product shelf.
    Products,
    /// Product documents (files or directories).
    Documents,
}

/// `preview_import` / `import_files`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ImportArgs {
    /// What the files hold.
    pub kind: ImportKindArg,
    /// Absolute paths.
    pub paths: Vec<String>,
}

/// One problem in an import file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ImportProblem {
    /// File name.
    pub file: String,
    /// Spreadsheet row (header = 1), 0 for the whole file.
    pub row: usize,
    /// Column / field, if any.
    pub column: Option<String>,
    /// What is wrong.
    pub message: String,
}

/// `preview_import` result: the first rows and every problem. Nothing is written.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ImportPreview {
    /// Header cells of the first file.
    pub headers: Vec<String>,
    /// Up to 10 first rows of the first file.
    pub rows: Vec<Vec<String>>,
    /// Data rows in all files.
    pub total_rows: usize,
    /// Every problem; the import is refused while there is any.
    pub problems: Vec<ImportProblem>,
}

/// `import_files` / `import_sample` result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ImportDone {
    /// What was imported.
    pub kind: ImportKindArg,
    /// Files read.
    pub files: usize,
    /// Records written.
    pub records: usize,
}

/// Sort order of the client list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum ClientSort {
    /// By client id.
    #[default]
    ClientId,
    /// By name (Chinese by pinyin-independent Unicode collation of the shell's choice).
    Name,
    /// By risk level, then id.
    RiskLevel,
    /// By assessment date, oldest first.
    AssessmentDate,
}

/// `list_clients`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct ListClientsArgs {
    /// Name or client-id substring (Chinese substrings work), or the last digits of the ID number.
    pub query: Option<String>,
    /// Only this risk level.
    pub risk_level: Option<RiskLevel>,
    /// Only expired (`Some(true)`) or valid (`Some(false)`) assessments.
    pub expired: Option<bool>,
    /// Sort order.
    pub sort: ClientSort,
    /// Page start.
    pub offset: usize,
    /// Page size (the UI asks for what fits; the shell caps it at 500).
    pub limit: usize,
}

/// A page of the client list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClientPage {
    /// Matching clients in all.
    pub total: usize,
    /// This page.
    pub clients: Vec<ClientSummary>,
    /// Time the shell spent filtering and sorting, milliseconds.
    pub elapsed_ms: f64,
}

/// One holding line.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HoldingView {
    /// Product code.
    pub product_code: String,
    /// Product name.
    pub product_name: String,
    /// Asset class: cash, fixed_income, equity, alternative.
    pub asset_class: String,
    /// Market value, decimal string.
    pub market_value: String,
    /// Currency.
    pub currency: String,
}

/// `get_client` result. ID number and phone are masked (`1101**********536X`, `137****6414`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClientDetail {
    /// The list entry.
    pub summary: ClientSummary,
    /// Masked ID number.
    pub id_number_masked: Option<String>,
    /// Masked phone.
    pub phone_masked: Option<String>,
    /// Investor class.
    pub investor_class: String,
    /// Horizon, months.
    pub horizon_months: Option<u32>,
    /// Liquidity need.
    pub liquidity_need: String,
    /// Objective.
    pub objective: String,
    /// Investable assets, decimal string.
    pub investable_assets: String,
    /// Currency of the assets.
    pub currency: String,
    /// Experience, years.
    pub experience_years: u32,
    /// Advisor notes (shown as plain text, never as HTML).
    pub notes: Option<String>,
    /// Holdings.
    pub holdings: Vec<HoldingView>,
    /// The client's drafts, newest first.
    pub drafts: Vec<DraftSummary>,
}

/// `reveal_client_field`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RevealArgs {
    /// Client id.
    pub client_id: String,
    /// `id_number` or `phone`.
    pub field: String,
}

/// `start_draft`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StartDraftArgs {
    /// Client id.
    pub client_id: String,
    /// Amount as typed (`500000`, `50万`), if any.
    pub amount: Option<String>,
    /// ISO 4217 currency of the amount; default the client's.
    pub currency: Option<String>,
    /// Goal in the advisor's words.
    pub goal: Option<String>,
    /// Memo language.
    pub lang: Lang,
    /// Products the client asked for on their own initiative (S6).
    #[serde(default)]
    pub client_initiated: Vec<String>,
    /// Sales channel, `branch` (default) or `remote` (S16).
    #[serde(default)]
    pub channel: Option<String>,
    /// Dual-recording (双录) reference, if made (S16).
    #[serde(default)]
    pub recording_id: Option<String>,
    /// Overrides of warnings with reason codes (S24).
    #[serde(default)]
    pub overrides: Vec<Override>,
}

/// Streamed while a draft is made (`start_draft`'s channel).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum DraftEvent {
    /// The gate ran.
    Assessed {
        /// Eligible products.
        eligible: usize,
        /// Excluded products.
        excluded: usize,
    },
    /// The model is loading (first draft only).
    LoadingModel,
    /// The model reads the prompt.
    Prompting,
    /// A piece of the rationale.
    Token {
        /// The text piece.
        text: String,
    },
    /// Verification and the memo.
    Verifying,
}

/// `save_draft`: the advisor's edited memo text. Re-checked (lint, figures) before saving.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SaveDraftArgs {
    /// Draft id.
    pub draft_id: String,
    /// The edited memo.
    pub text: String,
}

/// `get_draft` / `open_citation`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IdArgs {
    /// Draft id (`get_draft`) or document id (`open_citation`).
    pub id: String,
}

/// `open_citation` result: the whole document, the UI highlights `[start, end)` of a citation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DocumentView {
    /// Document id.
    pub document_id: String,
    /// Product code.
    pub product_code: String,
    /// Title.
    pub title: String,
    /// Full text.
    pub text: String,
}

/// `add_user`: a local user of this workstation (keys are generated and sealed under `password`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AddUserArgs {
    /// User id (employee id), `[A-Za-z0-9._-]{1,64}`.
    pub user_id: String,
    /// Name shown in the app.
    pub display_name: String,
    /// Role.
    pub role: Role,
    /// Sign-in password (at least 12 characters).
    pub password: String,
}

/// `sign_in`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SignInArgs {
    /// User id.
    pub user_id: String,
    /// Password.
    pub password: String,
}

/// `submit_review`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SubmitArgs {
    /// Draft id.
    pub draft_id: String,
    /// Note to the reviewer, if any.
    pub comment: Option<String>,
}

/// `decide_review`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DecideArgs {
    /// Draft id.
    pub draft_id: String,
    /// The decision.
    pub decision: Decision,
    /// Comment (required for request_changes and reject).
    pub comment: Option<String>,
}

/// `export_draft`: an approved recommendation to a file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExportArgs {
    /// Draft id (must be approved).
    pub draft_id: String,
    /// Format.
    pub format: ExportFormat,
    /// Absolute path of the file to write (replaced atomically).
    pub path: String,
}

/// `export_roi_csv`, `import_bundle`, `import_public_key`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PathArgs {
    /// Absolute path.
    pub path: String,
}

/// `export_bundle`: a review request (advisor → supervisor) or, for a draft received in a
/// bundle, the decision (supervisor → advisor).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BundleExportArgs {
    /// Draft id.
    pub draft_id: String,
    /// Recipient user id (a supervisor for a request; ignored for a decision, which goes to the
    /// drafter).
    pub to_user: Option<String>,
    /// Absolute path of the file to write.
    pub path: String,
}

/// `import_public_key`: a peer's public-key file and the fingerprint the importer confirmed
/// with its owner out of band (by phone, in person, from the bank's directory). Required for a
/// supervisor's key — their signature approves recommendations.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ImportKeyArgs {
    /// Absolute path of the public-key file.
    pub path: String,
    /// The key's fingerprint as confirmed (`1a2b 3c4d 5e6f 7a8b`; spaces and case ignored).
    #[serde(default)]
    pub fingerprint: Option<String>,
}

/// `export_public_key`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PublicKeyExportArgs {
    /// User id (a local user).
    pub user_id: String,
    /// Absolute path of the file to write.
    pub path: String,
}

/// A file written by an export command.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExportDone {
    /// Where.
    pub path: String,
    /// Size in bytes.
    pub bytes: u64,
    /// SHA-256 of the file, hex.
    pub sha256: String,
}

/// `import_bundle` result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BundleImported {
    /// `review_request` or `decision`.
    pub kind: String,
    /// The bundle's id (a bundle imports once).
    pub bundle_id: String,
    /// The draft it is about.
    pub draft_id: String,
    /// Sender's user id (signature verified).
    pub from: String,
}

/// `save_draft` / `start_draft` / `get_draft` result.
pub type DraftResult = DraftReport;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn command_names_are_unique_snake_case() {
        let mut seen = std::collections::BTreeSet::new();
        for c in COMMANDS {
            assert!(seen.insert(*c), "{c} twice");
            assert!(
                c.chars().all(|ch| ch.is_ascii_lowercase() || ch == '_'),
                "{c}"
            );
        }
    }

    #[test]
    fn draft_events_are_tagged() {
        let json = serde_json::to_string(&DraftEvent::Token { text: "a".into() }).unwrap();
        assert_eq!(json, r#"{"event":"token","text":"a"}"#);
    }
}
