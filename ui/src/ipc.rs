//! The one place the UI talks to the Tauri shell: a typed wrapper over
//! `window.__TAURI__.core.invoke`, keyed by [`Command`] (whose names are the protocol's
//! [`COMMANDS`](copilot_protocol::ipc::COMMANDS)), and the per-call `Channel` that streams
//! [`DraftEvent`]s.
//!
//! Arguments cross as JSON: each command takes one parameter named `args` (the protocol's struct),
//! serialised with `serde_json` and turned into a JS object with `JSON.parse`, so the wire format
//! is exactly the protocol's serde format (no `serde-wasm-bindgen` mapping rules in between).
//! Results come back the same way. A rejection becomes an [`IpcError`]; a rejection that is not
//! shaped like one (a plain string from Tauri itself, e.g. "command not allowed") becomes code
//! `internal` with the text as message.

use copilot_protocol::ipc::IpcError;

/// Every command the UI invokes. The names are checked against the protocol's list by a test.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Command {
    AppStatus,
    CreateVault,
    Unlock,
    Lock,
    Touch,
    PreviewImport,
    ImportFiles,
    ImportSample,
    ListClients,
    GetClient,
    RevealClientField,
    StartDraft,
    CancelDraft,
    SaveDraft,
    GetDraft,
    OpenCitation,
    GetSettings,
    SetSettings,
    ListUsers,
    AddUser,
    SignIn,
    SignOut,
    ReviewQueue,
    GetReview,
    SubmitReview,
    DecideReview,
    NewVersion,
    RoiReport,
    ExportDraft,
    ExportRoiCsv,
    ExportBundle,
    ImportBundle,
    ExportPublicKey,
    ImportPublicKey,
    AuditVerify,
}

impl Command {
    /// Every command.
    pub const ALL: &'static [Command] = &[
        Command::AppStatus,
        Command::CreateVault,
        Command::Unlock,
        Command::Lock,
        Command::Touch,
        Command::PreviewImport,
        Command::ImportFiles,
        Command::ImportSample,
        Command::ListClients,
        Command::GetClient,
        Command::RevealClientField,
        Command::StartDraft,
        Command::CancelDraft,
        Command::SaveDraft,
        Command::GetDraft,
        Command::OpenCitation,
        Command::GetSettings,
        Command::SetSettings,
        Command::ListUsers,
        Command::AddUser,
        Command::SignIn,
        Command::SignOut,
        Command::ReviewQueue,
        Command::GetReview,
        Command::SubmitReview,
        Command::DecideReview,
        Command::NewVersion,
        Command::RoiReport,
        Command::ExportDraft,
        Command::ExportRoiCsv,
        Command::ExportBundle,
        Command::ImportBundle,
        Command::ExportPublicKey,
        Command::ImportPublicKey,
        Command::AuditVerify,
    ];

    /// The command name the shell registers.
    pub fn name(self) -> &'static str {
        match self {
            Command::AppStatus => "app_status",
            Command::CreateVault => "create_vault",
            Command::Unlock => "unlock",
            Command::Lock => "lock",
            Command::Touch => "touch",
            Command::PreviewImport => "preview_import",
            Command::ImportFiles => "import_files",
            Command::ImportSample => "import_sample",
            Command::ListClients => "list_clients",
            Command::GetClient => "get_client",
            Command::RevealClientField => "reveal_client_field",
            Command::StartDraft => "start_draft",
            Command::CancelDraft => "cancel_draft",
            Command::SaveDraft => "save_draft",
            Command::GetDraft => "get_draft",
            Command::OpenCitation => "open_citation",
            Command::GetSettings => "get_settings",
            Command::SetSettings => "set_settings",
            Command::ListUsers => "list_users",
            Command::AddUser => "add_user",
            Command::SignIn => "sign_in",
            Command::SignOut => "sign_out",
            Command::ReviewQueue => "review_queue",
            Command::GetReview => "get_review",
            Command::SubmitReview => "submit_review",
            Command::DecideReview => "decide_review",
            Command::NewVersion => "new_version",
            Command::RoiReport => "roi_report",
            Command::ExportDraft => "export_draft",
            Command::ExportRoiCsv => "export_roi_csv",
            Command::ExportBundle => "export_bundle",
            Command::ImportBundle => "import_bundle",
            Command::ExportPublicKey => "export_public_key",
            Command::ImportPublicKey => "import_public_key",
            Command::AuditVerify => "audit_verify",
        }
    }
}

/// Builds an [`IpcError`] from whatever a rejected `invoke` carried, as JSON text (or `None`
/// when it could not be stringified).
pub fn error_from_rejection(json: Option<&str>) -> IpcError {
    let Some(json) = json else {
        return IpcError {
            code: "internal".into(),
            message: "unknown error".into(),
        };
    };
    if let Ok(e) = serde_json::from_str::<IpcError>(json) {
        return e;
    }
    let message = match serde_json::from_str::<String>(json) {
        Ok(s) => s,
        Err(_) => json.to_string(),
    };
    IpcError {
        code: "internal".into(),
        message,
    }
}

#[cfg(target_arch = "wasm32")]
pub use web::*;

#[cfg(target_arch = "wasm32")]
mod web {
    use super::{error_from_rejection, Command};
    use copilot_protocol::ipc::{
        AddUserArgs, AppStatus, BundleExportArgs, BundleImported, ClientDetail, ClientPage,
        CreateVaultArgs, DecideArgs, DocumentView, DraftEvent, DraftResult, ExportArgs, ExportDone,
        IdArgs, ImportArgs, ImportDone, ImportKeyArgs, ImportPreview, IpcError, ListClientsArgs,
        PathArgs, PublicKeyExportArgs, RevealArgs, SaveDraftArgs, Settings, SignInArgs,
        StartDraftArgs, SubmitArgs, UnlockArgs,
    };
    use copilot_protocol::review::{
        AuditVerifyReport, ReviewItem, ReviewView, RoiReport, UserInfo,
    };
    use js_sys::{Function, Object, Promise, Reflect, JSON};
    use serde::de::{DeserializeOwned, IgnoredAny};
    use serde::Serialize;
    use wasm_bindgen::prelude::*;
    use wasm_bindgen::JsCast;
    use wasm_bindgen_futures::JsFuture;

    /// Result of every call.
    pub type IpcResult<T> = Result<T, IpcError>;

    fn internal(message: impl Into<String>) -> IpcError {
        IpcError {
            code: "internal".into(),
            message: message.into(),
        }
    }

    /// `window.__TAURI__.core`, or an error with code `no_shell` when the page runs outside Tauri.
    fn tauri_core() -> IpcResult<JsValue> {
        let window = web_sys::window().ok_or_else(|| internal("no window"))?;
        let tauri = Reflect::get(&window, &"__TAURI__".into()).unwrap_or(JsValue::UNDEFINED);
        if tauri.is_undefined() || tauri.is_null() {
            return Err(IpcError {
                code: "no_shell".into(),
                message: "window.__TAURI__ is missing".into(),
            });
        }
        Reflect::get(&tauri, &"core".into())
            .map_err(|_| internal("window.__TAURI__.core is missing"))
    }

    fn to_js<T: Serialize>(value: &T) -> IpcResult<JsValue> {
        let json = serde_json::to_string(value).map_err(|e| internal(e.to_string()))?;
        JSON::parse(&json).map_err(|_| internal("JSON.parse failed"))
    }

    fn from_js<T: DeserializeOwned>(value: &JsValue) -> IpcResult<T> {
        // `undefined` (a command returning `()`) stringifies to nothing: read it as `null`.
        let json = JSON::stringify(value)
            .ok()
            .and_then(|s| s.as_string())
            .unwrap_or_else(|| "null".into());
        serde_json::from_str(&json).map_err(|e| internal(format!("unexpected reply: {e}")))
    }

    /// Invokes `cmd` with the given JS argument object and decodes the reply.
    async fn invoke_raw<T: DeserializeOwned>(cmd: Command, args: JsValue) -> IpcResult<T> {
        let core = tauri_core()?;
        let invoke: Function = Reflect::get(&core, &"invoke".into())
            .ok()
            .and_then(|f| f.dyn_into().ok())
            .ok_or_else(|| internal("window.__TAURI__.core.invoke is missing"))?;
        let promise: Promise = invoke
            .call2(&core, &cmd.name().into(), &args)
            .map_err(|e| {
                error_from_rejection(
                    JSON::stringify(&e)
                        .ok()
                        .and_then(|s| s.as_string())
                        .as_deref(),
                )
            })?
            .dyn_into()
            .map_err(|_| internal("invoke did not return a promise"))?;
        match JsFuture::from(promise).await {
            Ok(v) => from_js(&v),
            Err(e) => Err(rejection(&e)),
        }
    }

    fn rejection(e: &JsValue) -> IpcError {
        if let Some(s) = e.as_string() {
            return error_from_rejection(Some(&serde_json::to_string(&s).unwrap_or_default()));
        }
        error_from_rejection(
            JSON::stringify(e)
                .ok()
                .and_then(|s| s.as_string())
                .as_deref(),
        )
    }

    /// `{ args: <value> }`.
    fn with_args<A: Serialize>(args: &A) -> IpcResult<JsValue> {
        let obj = Object::new();
        Reflect::set(&obj, &"args".into(), &to_js(args)?).map_err(|_| internal("Reflect.set"))?;
        Ok(obj.into())
    }

    async fn call<A: Serialize, T: DeserializeOwned>(cmd: Command, args: &A) -> IpcResult<T> {
        invoke_raw(cmd, with_args(args)?).await
    }

    async fn call0<T: DeserializeOwned>(cmd: Command) -> IpcResult<T> {
        invoke_raw(cmd, Object::new().into()).await
    }

    pub async fn app_status() -> IpcResult<AppStatus> {
        call0(Command::AppStatus).await
    }

    pub async fn create_vault(args: &CreateVaultArgs) -> IpcResult<()> {
        call::<_, IgnoredAny>(Command::CreateVault, args)
            .await
            .map(drop)
    }

    pub async fn unlock(args: &UnlockArgs) -> IpcResult<()> {
        call::<_, IgnoredAny>(Command::Unlock, args).await.map(drop)
    }

    pub async fn lock() -> IpcResult<()> {
        call0::<IgnoredAny>(Command::Lock).await.map(drop)
    }

    pub async fn touch() -> IpcResult<()> {
        call0::<IgnoredAny>(Command::Touch).await.map(drop)
    }

    pub async fn preview_import(args: &ImportArgs) -> IpcResult<ImportPreview> {
        call(Command::PreviewImport, args).await
    }

    pub async fn import_files(args: &ImportArgs) -> IpcResult<ImportDone> {
        call(Command::ImportFiles, args).await
    }

    pub async fn import_sample() -> IpcResult<SampleDone> {
        call0(Command::ImportSample).await
    }

    pub async fn list_clients(args: &ListClientsArgs) -> IpcResult<ClientPage> {
        call(Command::ListClients, args).await
    }

    pub async fn get_client(client_id: &str) -> IpcResult<ClientDetail> {
        call(
            Command::GetClient,
            &IdArgs {
                id: client_id.to_string(),
            },
        )
        .await
    }

    pub async fn reveal_client_field(args: &RevealArgs) -> IpcResult<String> {
        call(Command::RevealClientField, args).await
    }

    pub async fn cancel_draft() -> IpcResult<()> {
        call0::<IgnoredAny>(Command::CancelDraft).await.map(drop)
    }

    pub async fn save_draft(args: &SaveDraftArgs) -> IpcResult<DraftResult> {
        call(Command::SaveDraft, args).await
    }

    pub async fn get_draft(draft_id: &str) -> IpcResult<DraftResult> {
        call(
            Command::GetDraft,
            &IdArgs {
                id: draft_id.to_string(),
            },
        )
        .await
    }

    pub async fn open_citation(document_id: &str) -> IpcResult<DocumentView> {
        call(
            Command::OpenCitation,
            &IdArgs {
                id: document_id.to_string(),
            },
        )
        .await
    }

    pub async fn get_settings() -> IpcResult<Settings> {
        call0(Command::GetSettings).await
    }

    pub async fn set_settings(settings: &Settings) -> IpcResult<()> {
        call::<_, IgnoredAny>(Command::SetSettings, settings)
            .await
            .map(drop)
    }

    pub async fn list_users() -> IpcResult<Vec<UserInfo>> {
        call0(Command::ListUsers).await
    }

    pub async fn add_user(args: &AddUserArgs) -> IpcResult<UserInfo> {
        call(Command::AddUser, args).await
    }

    pub async fn sign_in(args: &SignInArgs) -> IpcResult<UserInfo> {
        call(Command::SignIn, args).await
    }

    pub async fn sign_out() -> IpcResult<()> {
        call0::<IgnoredAny>(Command::SignOut).await.map(drop)
    }

    pub async fn review_queue() -> IpcResult<Vec<ReviewItem>> {
        call0(Command::ReviewQueue).await
    }

    pub async fn get_review(draft_id: &str) -> IpcResult<ReviewView> {
        call(
            Command::GetReview,
            &IdArgs {
                id: draft_id.to_string(),
            },
        )
        .await
    }

    pub async fn submit_review(args: &SubmitArgs) -> IpcResult<ReviewView> {
        call(Command::SubmitReview, args).await
    }

    pub async fn decide_review(args: &DecideArgs) -> IpcResult<ReviewView> {
        call(Command::DecideReview, args).await
    }

    pub async fn new_version(draft_id: &str) -> IpcResult<ReviewView> {
        call(
            Command::NewVersion,
            &IdArgs {
                id: draft_id.to_string(),
            },
        )
        .await
    }

    pub async fn roi_report() -> IpcResult<RoiReport> {
        call0(Command::RoiReport).await
    }

    pub async fn export_draft(args: &ExportArgs) -> IpcResult<ExportDone> {
        call(Command::ExportDraft, args).await
    }

    pub async fn export_roi_csv(path: &str) -> IpcResult<ExportDone> {
        call(
            Command::ExportRoiCsv,
            &PathArgs {
                path: path.to_string(),
            },
        )
        .await
    }

    pub async fn export_bundle(args: &BundleExportArgs) -> IpcResult<ExportDone> {
        call(Command::ExportBundle, args).await
    }

    pub async fn import_bundle(path: &str) -> IpcResult<BundleImported> {
        call(
            Command::ImportBundle,
            &PathArgs {
                path: path.to_string(),
            },
        )
        .await
    }

    pub async fn export_public_key(args: &PublicKeyExportArgs) -> IpcResult<ExportDone> {
        call(Command::ExportPublicKey, args).await
    }

    pub async fn import_public_key(path: &str, fingerprint: Option<String>) -> IpcResult<UserInfo> {
        call(
            Command::ImportPublicKey,
            &ImportKeyArgs {
                path: path.to_string(),
                fingerprint,
            },
        )
        .await
    }

    pub async fn audit_verify() -> IpcResult<AuditVerifyReport> {
        call0(Command::AuditVerify).await
    }

    /// `import_sample` may report one result or one per kind; both are accepted.
    #[derive(Debug, Clone, serde::Deserialize)]
    #[serde(untagged)]
    pub enum SampleDone {
        One(ImportDone),
        Many(Vec<ImportDone>),
    }

    impl SampleDone {
        /// (files, records) in all.
        pub fn totals(&self) -> (usize, usize) {
            match self {
                SampleDone::One(d) => (d.files, d.records),
                SampleDone::Many(v) => v
                    .iter()
                    .fold((0, 0), |(f, r), d| (f + d.files, r + d.records)),
            }
        }
    }

    /// Starts a draft; `on_event` receives every [`DraftEvent`] streamed through a fresh
    /// `window.__TAURI__.core.Channel` until the call returns the finished report.
    pub async fn start_draft(
        args: &StartDraftArgs,
        on_event: impl Fn(DraftEvent) + 'static,
    ) -> IpcResult<DraftResult> {
        let core = tauri_core()?;
        let ctor: Function = Reflect::get(&core, &"Channel".into())
            .ok()
            .and_then(|f| f.dyn_into().ok())
            .ok_or_else(|| internal("window.__TAURI__.core.Channel is missing"))?;
        let channel = Reflect::construct(&ctor, &js_sys::Array::new())
            .map_err(|_| internal("new Channel failed"))?;
        let handler = Closure::<dyn Fn(JsValue)>::new(move |msg: JsValue| {
            if let Ok(event) = from_js::<DraftEvent>(&msg) {
                on_event(event);
            }
        });
        Reflect::set(&channel, &"onmessage".into(), handler.as_ref())
            .map_err(|_| internal("Reflect.set"))?;
        let obj = with_args(args)?;
        Reflect::set(&obj, &"onEvent".into(), &channel).map_err(|_| internal("Reflect.set"))?;
        let result = invoke_raw(Command::StartDraft, obj).await;
        // The shell sends every event before it resolves the call; drop the handler only after
        // replacing it with a no-op so that a late message cannot reach a freed closure.
        // A Rust closure, not `Function::new_no_args("")`: building a function from a string is
        // an eval, which the app's CSP (no 'unsafe-eval') refuses — the draft task then never
        // finished (found by the end-to-end test). The no-op closure is leaked on purpose: it is
        // tiny, one per draft, and must outlive any message the shell could still deliver.
        let noop = Closure::<dyn Fn(JsValue)>::new(|_: JsValue| {});
        let _ = Reflect::set(&channel, &"onmessage".into(), noop.as_ref());
        noop.forget();
        drop(handler);
        result
    }

    /// Milliseconds since the epoch (for throttling).
    pub fn now_ms() -> f64 {
        js_sys::Date::now()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use copilot_protocol::ipc::COMMANDS;

    #[test]
    fn commands_match_the_protocol_list() {
        let ours: Vec<&str> = Command::ALL.iter().map(|c| c.name()).collect();
        assert_eq!(
            ours, COMMANDS,
            "the UI's command list must be the protocol's, in order"
        );
    }

    #[test]
    fn rejections_become_ipc_errors() {
        let e = error_from_rejection(Some(r#"{"code":"locked","message":"the vault is locked"}"#));
        assert_eq!(e.code, "locked");
        let e = error_from_rejection(Some(r#""unlock not allowed""#));
        assert_eq!(
            (e.code.as_str(), e.message.as_str()),
            ("internal", "unlock not allowed")
        );
        assert_eq!(error_from_rejection(None).code, "internal");
    }
}
