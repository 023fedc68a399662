//! The shell's state and the work behind every IPC command, without Tauri types, so that it is
//! tested without a webview. Every method may block (SQLCipher, Argon2id, the model): the command
//! layer runs them on blocking threads, never on the UI or async-runtime threads.

use copilot_app::draft::{DraftInput, DraftProgress};
use copilot_app::reexports::{
    CancelFlag, KeychainStatus, KeychainUse, Passphrase, UnlockMethod, Vault, VaultError,
};
use copilot_app::{AppError, ClientFilter, ImportKind, ModelHandle, ModelManifest, Workspace};
use copilot_core::{parse, ClientProfile, Currency, Money};
use copilot_protocol::ipc::{
    AddUserArgs, AppStatus, BundleExportArgs, BundleImported, ClientDetail, ClientPage, ClientSort,
    CreateVaultArgs, DecideArgs, DocumentView, DraftEvent, ExportArgs, ExportDone, HoldingView,
    IdArgs, ImportArgs, ImportDone, ImportKeyArgs, ImportKindArg, ImportPreview, IpcError,
    ListClientsArgs, ModelInfo, OverrideReasonView, PathArgs, PublicKeyExportArgs, RevealArgs,
    SaveDraftArgs, Settings, SignInArgs, StartDraftArgs, SubmitArgs, UnlockArgs,
};
use copilot_protocol::review::{AuditVerifyReport, ReviewItem, ReviewView, RoiReport, UserInfo};
use copilot_protocol::DraftReport;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

/// Settings file in the data directory (not secret).
pub const SETTINGS_FILE: &str = "settings.json";
/// Largest page `list_clients` returns.
pub const MAX_PAGE: usize = 500;

/// Result of a command.
pub type CmdResult<T> = Result<T, IpcError>;

fn err(code: &str, message: impl Into<String>) -> IpcError {
    IpcError {
        code: code.into(),
        message: message.into(),
    }
}

/// Maps an application error to the UI's stable codes. Messages carry ids and paths, never
/// personal data (AppError's own guarantee).
pub fn ipc_error(e: AppError) -> IpcError {
    let code = match &e {
        AppError::Vault(VaultError::WrongPassphrase)
        | AppError::Vault(VaultError::PassphraseRequired(_)) => "wrong_passphrase",
        AppError::Vault(VaultError::WeakPassphrase) => "invalid",
        AppError::Vault(VaultError::NotFound(_)) | AppError::NotInitialised(_) => "not_initialised",
        AppError::Locked(_) => "busy",
        AppError::Import(_)
        | AppError::HoldingWithoutClient { .. }
        | AppError::DocumentWithoutProduct { .. } => "import_errors",
        e if e.is_not_found() => "not_found",
        AppError::Cancelled => "cancelled",
        AppError::InvalidRequest(_) => "invalid",
        AppError::Rule(_) => "rule",
        AppError::NotPermitted(_) => "not_permitted",
        AppError::Review(_) => "review",
        AppError::Bundle(_) => "bundle",
        AppError::Export(_) => "export",
        _ => "internal",
    };
    err(code, e.to_string())
}

/// The model the shell drafts with, or why there is none.
enum ModelSlot {
    Ready(Box<ModelHandle>),
    Unavailable(String),
}

struct Inner {
    data_dir: PathBuf,
    assets_dir: Option<PathBuf>,
    workspace: Mutex<Option<Workspace>>,
    model: Mutex<ModelSlot>,
    model_entry: Option<copilot_app::ModelEntry>,
    model_loaded: AtomicBool,
    generating: AtomicBool,
    cancel: Mutex<CancelFlag>,
    settings: Mutex<Settings>,
    keychain: Mutex<String>,
    last_activity: Mutex<Instant>,
    /// The signed-in user and `has_users` as last seen, for `app_status` while a draft holds
    /// the workspace.
    last_user: Mutex<(Option<UserInfo>, bool)>,
}

/// The shell's state: cheap to clone (shared), safe to use from any thread.
#[derive(Clone)]
pub struct Shell(Arc<Inner>);

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// Where the shell finds its data, model and sample data.
#[derive(Debug, Clone, Default)]
pub struct ShellConfig {
    /// Data directory (`COPILOT_DATA_DIR` or the platform default).
    pub data_dir: PathBuf,
    /// Models directory (holds `manifest.json`); `None`: not found.
    pub models_dir: Option<PathBuf>,
    /// Assets directory (holds `sample/`); `None`: not found.
    pub assets_dir: Option<PathBuf>,
}

impl ShellConfig {
    /// From the environment and the places copilot-app searches, with `resource_dir` (the
    /// installed bundle's resources) as the last resort for the models manifest and sample data.
    pub fn discover(resource_dir: Option<&Path>) -> ShellConfig {
        let from_resources = |name: &str, marker: &str| {
            resource_dir
                .map(|r| r.join(name))
                .filter(|d| d.join(marker).exists())
        };
        ShellConfig {
            data_dir: copilot_app::paths::default_data_dir(),
            models_dir: copilot_app::paths::models_dir()
                .or_else(|| from_resources("models", "manifest.json")),
            assets_dir: copilot_app::paths::assets_dir()
                .or_else(|| from_resources("assets", "sample/clients.csv")),
        }
    }
}

fn read_settings(data_dir: &Path) -> Settings {
    std::fs::read_to_string(data_dir.join(SETTINGS_FILE))
        .ok()
        .and_then(|s| serde_json::from_str(&s).ok())
        .unwrap_or_default()
}

/// A path the UI typed: trimmed, and absolute (the shell has no meaningful working directory).
fn absolute(path: &str) -> CmdResult<PathBuf> {
    let p = PathBuf::from(path.trim());
    if p.as_os_str().is_empty() || !p.is_absolute() {
        return Err(err(
            "invalid",
            format!("{:?} is not an absolute path", path.trim()),
        ));
    }
    Ok(p)
}

/// Masks all but the first `head` and last `tail` characters with `*`.
pub fn mask(value: &str, head: usize, tail: usize) -> String {
    let chars: Vec<char> = value.chars().collect();
    if chars.len() <= head + tail {
        return "*".repeat(chars.len());
    }
    chars
        .iter()
        .enumerate()
        .map(|(i, c)| {
            if i < head || i >= chars.len() - tail {
                *c
            } else {
                '*'
            }
        })
        .collect()
}

fn kind_of(k: ImportKindArg) -> ImportKind {
    match k {
        ImportKindArg::Clients => ImportKind::Clients,
        ImportKindArg::Holdings => ImportKind::Holdings,
        ImportKindArg::Products => ImportKind::Products,
        ImportKindArg::Documents => ImportKind::Documents,
    }
}

/// Sorts and pages a filtered client list (the part of `list_clients` after the store's filter).
pub fn sort_and_page(
    mut clients: Vec<copilot_protocol::ClientSummary>,
    sort: ClientSort,
    offset: usize,
    limit: usize,
) -> (usize, Vec<copilot_protocol::ClientSummary>) {
    match sort {
        ClientSort::ClientId => clients.sort_by(|a, b| a.client_id.cmp(&b.client_id)),
        ClientSort::Name => clients.sort_by(|a, b| {
            a.name
                .cmp(&b.name)
                .then_with(|| a.client_id.cmp(&b.client_id))
        }),
        // Unassessed clients (no level) last.
        ClientSort::RiskLevel => clients.sort_by(|a, b| {
            (a.risk_level.is_none(), a.risk_level)
                .cmp(&(b.risk_level.is_none(), b.risk_level))
                .then_with(|| a.client_id.cmp(&b.client_id))
        }),
        // Oldest first; never assessed before everyone.
        ClientSort::AssessmentDate => clients.sort_by(|a, b| {
            a.assessment_date
                .cmp(&b.assessment_date)
                .then_with(|| a.client_id.cmp(&b.client_id))
        }),
    }
    let total = clients.len();
    let limit = limit.clamp(1, MAX_PAGE);
    let page = clients.into_iter().skip(offset).take(limit).collect();
    (total, page)
}

impl Shell {
    /// A locked shell over `config`. Reads the settings; the model is loaded on the first draft.
    pub fn new(config: ShellConfig) -> Shell {
        let (model, model_entry) = match config
            .models_dir
            .as_deref()
            .ok_or_else(|| "no models directory (set COPILOT_MODEL_DIR)".to_string())
            .and_then(|d| ModelManifest::load(d).map_err(|e| e.to_string()))
            .and_then(|m| {
                let entry = m.entry(None).map_err(|e| e.to_string())?.clone();
                Ok((m, entry))
            }) {
            Ok((manifest, entry)) => (
                ModelSlot::Ready(Box::new(ModelHandle::new(manifest, entry.clone(), None))),
                Some(entry),
            ),
            Err(why) => (ModelSlot::Unavailable(why), None),
        };
        let settings = read_settings(&config.data_dir);
        Shell(Arc::new(Inner {
            data_dir: config.data_dir,
            assets_dir: config.assets_dir,
            workspace: Mutex::new(None),
            model: Mutex::new(model),
            model_entry,
            model_loaded: AtomicBool::new(false),
            generating: AtomicBool::new(false),
            cancel: Mutex::new(CancelFlag::new()),
            settings: Mutex::new(settings),
            keychain: Mutex::new("unknown until unlocked".into()),
            last_activity: Mutex::new(Instant::now()),
            last_user: Mutex::new((None, false)),
        }))
    }

    /// Records user activity (postpones the auto-lock).
    pub fn touch(&self) {
        *lock(&self.0.last_activity) = Instant::now();
    }

    /// Time since the last activity.
    pub fn idle(&self) -> Duration {
        lock(&self.0.last_activity).elapsed()
    }

    /// Runs `f` on the open workspace, or fails with `locked`.
    fn with_ws<T>(&self, f: impl FnOnce(&mut Workspace) -> Result<T, AppError>) -> CmdResult<T> {
        self.touch();
        let mut guard = lock(&self.0.workspace);
        let ws = guard
            .as_mut()
            .ok_or_else(|| err("locked", "the vault is locked; unlock it first"))?;
        f(ws).map_err(ipc_error)
    }

    /// `app_status`.
    pub fn status(&self) -> AppStatus {
        let data_dir = &self.0.data_dir;
        // A draft in progress holds the workspace: report it unlocked without counts.
        let (unlocked, counts, user, has_users) = match self.0.workspace.try_lock() {
            Ok(g) => match g.as_ref() {
                Some(ws) => (
                    true,
                    ws.counts().ok(),
                    ws.signed_in().cloned(),
                    ws.has_users().unwrap_or(false),
                ),
                None => (false, None, None, false),
            },
            // Busy: the last known user (a draft is made by the signed-in user).
            Err(_) => {
                let (user, has_users) = lock(&self.0.last_user).clone();
                (true, None, user, has_users)
            }
        };
        if unlocked && counts.is_some() {
            *lock(&self.0.last_user) = (user.clone(), has_users);
        }
        // The reason codes come from the rules in force (built in, or COPILOT_RULES_DIR), loaded
        // once: the UI needs them whether or not a draft holds the workspace.
        static REASONS: std::sync::OnceLock<Vec<OverrideReasonView>> = std::sync::OnceLock::new();
        let override_reasons = REASONS
            .get_or_init(|| match copilot_app::RuleSet::from_env() {
                Ok(rules) => rules
                    .pack
                    .policy
                    .override_reasons
                    .iter()
                    .map(|r| OverrideReasonView {
                        code: r.code.clone(),
                        zh: r.zh.clone(),
                        en: r.en.clone(),
                    })
                    .collect(),
                Err(_) => Vec::new(),
            })
            .clone();
        AppStatus {
            initialised: Vault::exists(data_dir),
            unlocked,
            data_dir: data_dir.display().to_string(),
            keychain: lock(&self.0.keychain).clone(),
            settings: lock(&self.0.settings).clone(),
            model: self.0.model_entry.as_ref().map(|e| ModelInfo {
                id: e.id.clone(),
                name: e.name.clone(),
                sha256: e.sha256.clone(),
                size_bytes: e.size_bytes,
                quantization: e.quantization.clone(),
                loaded: self.0.model_loaded.load(Ordering::Relaxed),
            }),
            counts,
            override_reasons,
            user,
            has_users,
        }
    }

    /// `create_vault`.
    pub fn create_vault(&self, args: CreateVaultArgs) -> CmdResult<AppStatus> {
        self.touch();
        {
            let mut guard = lock(&self.0.workspace);
            if guard.is_some() || Vault::exists(&self.0.data_dir) {
                return Err(err(
                    "invalid",
                    "a vault already exists in the data directory",
                ));
            }
            let use_keychain = if args.use_keychain {
                KeychainUse::IfAvailable
            } else {
                KeychainUse::Disabled
            };
            let (ws, status) = Workspace::init(
                &self.0.data_dir,
                &Passphrase::new(args.passphrase),
                use_keychain,
            )
            .map_err(ipc_error)?;
            *lock(&self.0.keychain) = match status {
                KeychainStatus::Stored => "stored: later unlocks need no passphrase".into(),
                KeychainStatus::Disabled => "not used: the passphrase unlocks the vault".into(),
                KeychainStatus::Unavailable(why) => {
                    format!("unavailable ({why}): the passphrase unlocks the vault")
                }
            };
            *guard = Some(ws);
        }
        self.write_settings(&lock(&self.0.settings).clone())?;
        Ok(self.status())
    }

    /// `unlock`: the keychain first, then the passphrase.
    pub fn unlock(&self, args: UnlockArgs) -> CmdResult<AppStatus> {
        self.touch();
        {
            let mut guard = lock(&self.0.workspace);
            if guard.is_none() {
                let pass = args
                    .passphrase
                    .filter(|p| !p.is_empty())
                    .map(Passphrase::new);
                let (ws, method) =
                    Workspace::unlock(&self.0.data_dir, pass.as_ref()).map_err(ipc_error)?;
                *lock(&self.0.keychain) = match method {
                    UnlockMethod::Keychain => "unlocked through the OS keychain".into(),
                    UnlockMethod::Passphrase => "unlocked with the passphrase".into(),
                };
                *guard = Some(ws);
            }
        }
        Ok(self.status())
    }

    /// `lock`: cancels a draft in progress, then drops the workspace (and with it the keys).
    pub fn lock(&self) -> AppStatus {
        lock(&self.0.cancel).cancel();
        Self::close(&mut lock(&self.0.workspace));
        self.status()
    }

    /// Signs the user out (their keys are zeroized) and drops the workspace (and the DB key).
    fn close(slot: &mut Option<Workspace>) {
        if let Some(mut ws) = slot.take() {
            ws.sign_out();
        }
    }

    /// Locks when unlocked and idle for longer than the setting; true if it locked. A draft in
    /// progress counts as activity.
    pub fn auto_lock_if_idle(&self) -> bool {
        let minutes = lock(&self.0.settings).lock_minutes.max(1);
        self.lock_if_idle_for(Duration::from_secs(u64::from(minutes) * 60))
    }

    /// Locks when unlocked and idle for at least `limit`; true if it locked.
    pub fn lock_if_idle_for(&self, limit: Duration) -> bool {
        if self.0.generating.load(Ordering::Relaxed) {
            self.touch();
            return false;
        }
        if self.idle() < limit {
            return false;
        }
        match self.0.workspace.try_lock() {
            Ok(mut g) if g.is_some() => {
                Self::close(&mut g);
                true
            }
            _ => false,
        }
    }

    /// `preview_import`.
    pub fn preview_import(&self, args: ImportArgs) -> CmdResult<ImportPreview> {
        let files: Vec<PathBuf> = args.paths.iter().map(PathBuf::from).collect();
        self.with_ws(|ws| ws.preview_import(kind_of(args.kind), &files))
    }

    /// `import_files`.
    pub fn import_files(&self, args: ImportArgs) -> CmdResult<ImportDone> {
        let files: Vec<PathBuf> = args.paths.iter().map(PathBuf::from).collect();
        let s = self.with_ws(|ws| ws.import(kind_of(args.kind), &files))?;
        Ok(ImportDone {
            kind: args.kind,
            files: s.files,
            records: s.records,
        })
    }

    /// `import_sample`: clients, products, holdings and documents of `assets/sample`; the result
    /// sums the four imports (`kind` = clients).
    pub fn import_sample(&self) -> CmdResult<ImportDone> {
        let assets = self
            .0
            .assets_dir
            .clone()
            .ok_or_else(|| ipc_error(AppError::AssetsMissing))?;
        let done = self.with_ws(|ws| ws.import_sample(&assets))?;
        Ok(ImportDone {
            kind: ImportKindArg::Clients,
            files: done.iter().map(|s| s.files).sum(),
            records: done.iter().map(|s| s.records).sum(),
        })
    }

    /// `list_clients`.
    pub fn list_clients(&self, args: ListClientsArgs) -> CmdResult<ClientPage> {
        let started = Instant::now();
        let today = copilot_app::workspace::today().map_err(ipc_error)?;
        let filter = ClientFilter {
            risk_level: args.risk_level,
            expired: args.expired,
            query: args.query.clone(),
        };
        let all = self.with_ws(|ws| ws.list_clients(&filter, today))?;
        let (total, clients) = sort_and_page(all, args.sort, args.offset, args.limit);
        Ok(ClientPage {
            total,
            clients,
            elapsed_ms: started.elapsed().as_secs_f64() * 1e3,
        })
    }

    fn profile(&self, client_id: &str) -> CmdResult<ClientProfile> {
        self.with_ws(|ws| ws.client(client_id))
    }

    /// `get_client`: ID number and phone masked.
    pub fn get_client(&self, args: IdArgs) -> CmdResult<ClientDetail> {
        let today = copilot_app::workspace::today().map_err(ipc_error)?;
        self.with_ws(|ws| {
            let c = ws.client(&args.id)?;
            let holdings = ws.holdings(&args.id)?;
            let drafts = ws
                .list_drafts()?
                .into_iter()
                .filter(|d| d.client_id == args.id)
                .collect();
            Ok(ClientDetail {
                summary: copilot_app::workspace::summarize(&c, today, ws.policy()),
                id_number_masked: c.id_number.as_ref().map(|n| mask(n.expose(), 4, 4)),
                phone_masked: c.phone.as_ref().map(|p| mask(p.expose(), 3, 4)),
                investor_class: c.investor_class.to_string(),
                horizon_months: c.horizon_months,
                liquidity_need: c.liquidity_need.to_string(),
                objective: c.objective.to_string(),
                investable_assets: c.investable_assets.amount.to_string(),
                currency: c.investable_assets.currency.to_string(),
                experience_years: c.experience_years,
                notes: c.notes.as_ref().map(|n| n.expose().to_string()),
                holdings: holdings
                    .into_iter()
                    .map(|h| HoldingView {
                        product_code: h.product_code,
                        product_name: h.product_name,
                        asset_class: h.asset_class,
                        market_value: h.market_value.amount.to_string(),
                        currency: h.market_value.currency.to_string(),
                    })
                    .collect(),
                drafts,
            })
        })
    }

    /// `reveal_client_field`: the unmasked `id_number` or `phone`.
    pub fn reveal_client_field(&self, args: RevealArgs) -> CmdResult<String> {
        let c = self.profile(&args.client_id)?;
        let value = match args.field.as_str() {
            "id_number" => c.id_number,
            "phone" => c.phone,
            other => {
                return Err(err(
                    "invalid",
                    format!("field {other:?} cannot be revealed"),
                ))
            }
        };
        value.map(|v| v.expose().to_string()).ok_or_else(|| {
            err(
                "not_found",
                format!("client {} has no {}", args.client_id, args.field),
            )
        })
    }

    /// `start_draft`: streams progress through `emit`; one draft at a time.
    pub fn start_draft(
        &self,
        args: StartDraftArgs,
        emit: &mut dyn FnMut(DraftEvent),
    ) -> CmdResult<DraftReport> {
        if self.0.generating.swap(true, Ordering::SeqCst) {
            return Err(err("busy", "a draft is already being generated"));
        }
        struct Reset<'a>(&'a AtomicBool);
        impl Drop for Reset<'_> {
            fn drop(&mut self) {
                self.0.store(false, Ordering::SeqCst);
            }
        }
        let _reset = Reset(&self.0.generating);
        let cancel = CancelFlag::new();
        *lock(&self.0.cancel) = cancel.clone();
        let mut slot = lock(&self.0.model);
        let model = match &mut *slot {
            ModelSlot::Ready(m) => m,
            ModelSlot::Unavailable(why) => return Err(err("internal", format!("no model: {why}"))),
        };
        let loaded = &self.0.model_loaded;
        let (report, _timings) = self.with_ws(|ws| {
            let profile = ws.client(&args.client_id)?;
            let amount = match args
                .amount
                .as_deref()
                .map(str::trim)
                .filter(|a| !a.is_empty())
            {
                None => None,
                Some(a) => {
                    let currency: Currency =
                        match args.currency.as_deref().filter(|c| !c.is_empty()) {
                            Some(c) => c.parse().map_err(|e| {
                                AppError::InvalidRequest(format!("currency {c:?}: {e}"))
                            })?,
                            None => profile.investable_assets.currency,
                        };
                    let v = parse::parse_non_negative_amount(a)
                        .map_err(|e| AppError::InvalidRequest(format!("amount {a:?}: {e}")))?;
                    Some(Money::new(v, currency))
                }
            };
            let input = DraftInput {
                amount,
                goal: args.goal.clone().filter(|g| !g.trim().is_empty()),
                client_initiated: args
                    .client_initiated
                    .iter()
                    .map(|c| c.trim().to_string())
                    .filter(|c| !c.is_empty())
                    .collect(),
                channel: args.channel.clone().filter(|c| !c.trim().is_empty()),
                recording_id: args.recording_id.clone().filter(|r| !r.trim().is_empty()),
                overrides: args.overrides.clone(),
                ..DraftInput::new(args.client_id.clone(), args.lang)
            };
            let result = ws.draft(&input, model, &cancel, &mut |p| {
                emit(match p {
                    DraftProgress::Assessed { eligible, excluded } => {
                        DraftEvent::Assessed { eligible, excluded }
                    }
                    DraftProgress::LoadingModel => DraftEvent::LoadingModel,
                    DraftProgress::Prompting { .. } => DraftEvent::Prompting,
                    DraftProgress::Token(text) => DraftEvent::Token { text },
                    DraftProgress::Verifying => DraftEvent::Verifying,
                })
            });
            loaded.store(model.is_loaded(), Ordering::Relaxed);
            result
        })?;
        Ok(report)
    }

    /// `cancel_draft`: true if a draft was in progress.
    pub fn cancel_draft(&self) -> bool {
        self.touch();
        lock(&self.0.cancel).cancel();
        self.0.generating.load(Ordering::SeqCst)
    }

    /// `save_draft`.
    pub fn save_draft(&self, args: SaveDraftArgs) -> CmdResult<DraftReport> {
        self.with_ws(|ws| ws.save_draft_text(&args.draft_id, &args.text))
    }

    /// `get_draft`.
    pub fn get_draft(&self, args: IdArgs) -> CmdResult<DraftReport> {
        self.with_ws(|ws| ws.get_draft(&args.id))
    }

    /// `open_citation`: the whole document.
    pub fn open_citation(&self, args: IdArgs) -> CmdResult<DocumentView> {
        let docs = self.with_ws(|ws| ws.documents())?;
        docs.into_iter()
            .find(|d| d.document_id == args.id)
            .map(|d| DocumentView {
                document_id: d.document_id,
                product_code: d.product_code,
                title: d.title,
                text: d.text,
            })
            .ok_or_else(|| err("not_found", format!("document {} not found", args.id)))
    }

    // ---- users, review, exports, bundles, ROI, audit (issue 5) ------------------------------

    /// `list_users`: local users and imported peers.
    pub fn list_users(&self) -> CmdResult<Vec<UserInfo>> {
        self.with_ws(|ws| ws.list_users())
    }

    /// `add_user`: the first user by anyone (set-up), then only by a signed-in supervisor.
    pub fn add_user(&self, args: AddUserArgs) -> CmdResult<UserInfo> {
        self.with_ws(|ws| ws.add_user(&args.user_id, &args.display_name, args.role, &args.password))
    }

    /// `sign_in`.
    pub fn sign_in(&self, args: SignInArgs) -> CmdResult<UserInfo> {
        self.with_ws(|ws| ws.sign_in(args.user_id.trim(), &args.password))
    }

    /// `sign_out`.
    pub fn sign_out(&self) -> CmdResult<()> {
        self.with_ws(|ws| {
            ws.sign_out();
            Ok(())
        })
    }

    /// `review_queue`: every draft's review state, most recently changed first.
    pub fn review_queue(&self) -> CmdResult<Vec<ReviewItem>> {
        self.with_ws(|ws| ws.review_queue())
    }

    /// `get_review`: record, draft, AI text, diff, edit distance.
    pub fn get_review(&self, args: IdArgs) -> CmdResult<ReviewView> {
        self.with_ws(|ws| ws.review(&args.id))
    }

    /// `submit_review`.
    pub fn submit_review(&self, args: SubmitArgs) -> CmdResult<ReviewView> {
        let comment = args.comment.filter(|c| !c.trim().is_empty());
        self.with_ws(|ws| ws.submit(&args.draft_id, comment.as_deref()))
    }

    /// `decide_review`: approve, request changes, reject (S22: never the drafter).
    pub fn decide_review(&self, args: DecideArgs) -> CmdResult<ReviewView> {
        let comment = args.comment.filter(|c| !c.trim().is_empty());
        self.with_ws(|ws| ws.decide(&args.draft_id, args.decision, comment.as_deref()))
    }

    /// `new_version`: a new editable version of an approved or rejected draft.
    pub fn new_version(&self, args: IdArgs) -> CmdResult<ReviewView> {
        self.with_ws(|ws| ws.new_version(&args.id))
    }

    /// `roi_report`.
    pub fn roi_report(&self) -> CmdResult<RoiReport> {
        self.with_ws(|ws| ws.roi())
    }

    /// `export_draft`: an approved recommendation to a file.
    pub fn export_draft(&self, args: ExportArgs) -> CmdResult<ExportDone> {
        let path = absolute(&args.path)?;
        self.with_ws(|ws| ws.export_draft(&args.draft_id, args.format, &path))
    }

    /// `export_roi_csv`.
    pub fn export_roi_csv(&self, args: PathArgs) -> CmdResult<ExportDone> {
        let path = absolute(&args.path)?;
        self.with_ws(|ws| ws.export_roi_csv(&path))
    }

    /// `export_bundle`: a review request or, for a draft received in a bundle, the decision.
    pub fn export_bundle(&self, args: BundleExportArgs) -> CmdResult<ExportDone> {
        let path = absolute(&args.path)?;
        let to = args
            .to_user
            .as_deref()
            .map(str::trim)
            .filter(|t| !t.is_empty());
        self.with_ws(|ws| ws.export_bundle(&args.draft_id, to, &path))
            .map(|(done, _bundle_id)| done)
    }

    /// `import_bundle`.
    pub fn import_bundle(&self, args: PathArgs) -> CmdResult<BundleImported> {
        let path = absolute(&args.path)?;
        self.with_ws(|ws| ws.import_bundle(&path))
    }

    /// `export_public_key`: the signed-in user's own public-key file.
    pub fn export_public_key(&self, args: PublicKeyExportArgs) -> CmdResult<ExportDone> {
        let path = absolute(&args.path)?;
        self.with_ws(|ws| ws.export_public_key(args.user_id.trim(), &path))
    }

    /// `import_public_key`: a peer's public-key file.
    pub fn import_public_key(&self, args: ImportKeyArgs) -> CmdResult<UserInfo> {
        let path = absolute(&args.path)?;
        self.with_ws(|ws| ws.import_public_key(&path, args.fingerprint.as_deref()))
    }

    /// `audit_verify`: the whole chain.
    pub fn audit_verify(&self) -> CmdResult<AuditVerifyReport> {
        self.with_ws(|ws| ws.audit_verify(None))
    }

    /// `get_settings`.
    pub fn get_settings(&self) -> Settings {
        lock(&self.0.settings).clone()
    }

    /// `set_settings`: validated, written atomically to `<data_dir>/settings.json`.
    pub fn set_settings(&self, s: Settings) -> CmdResult<Settings> {
        self.touch();
        if !(1..=240).contains(&s.lock_minutes) {
            return Err(err("invalid", "lock_minutes must be between 1 and 240"));
        }
        if !["light", "dark", "system"].contains(&s.theme.as_str()) {
            return Err(err("invalid", "theme must be light, dark or system"));
        }
        self.write_settings(&s)?;
        *lock(&self.0.settings) = s.clone();
        Ok(s)
    }

    fn write_settings(&self, s: &Settings) -> CmdResult<()> {
        let dir = &self.0.data_dir;
        let io = |e: std::io::Error| {
            err(
                "internal",
                format!("{}: {e}", dir.join(SETTINGS_FILE).display()),
            )
        };
        std::fs::create_dir_all(dir).map_err(io)?;
        let tmp = dir.join(format!("{SETTINGS_FILE}.tmp"));
        let json = serde_json::to_string_pretty(s).map_err(|e| err("internal", e.to_string()))?;
        std::fs::write(&tmp, json).map_err(io)?;
        std::fs::rename(&tmp, dir.join(SETTINGS_FILE)).map_err(io)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_keep_head_and_tail() {
        assert_eq!(mask("11010119880114536X", 4, 4), "1101**********536X");
        assert_eq!(mask("13700006414", 3, 4), "137****6414");
        assert_eq!(mask("123", 3, 4), "***");
    }
}
