//! An open, unlocked data directory: the store, the document index, the policy, the operator.

use crate::error::{AppError, Result};
use crate::rules::RuleSet;
use copilot_core::suitability::{self, DraftRequest};
use copilot_core::{
    parse, ClientProfile, Currency, Lang, Money, Policy, Product, ProductDocument, RiskLevel,
};
use copilot_protocol::{ClientSummary, DraftReport, DraftSummary, Invalidation};
use copilot_search::DocumentIndex;
use copilot_store::Store;
use copilot_vault::{KeychainStatus, KeychainUse, Passphrase, UnlockMethod, Vault};
use std::fs::{self, File};
use std::path::{Path, PathBuf};
use time::Date;

/// Name of the lock file in the data directory.
pub const LOCK_FILE: &str = "copilot.lock";
/// Name of the document-index directory in the data directory.
pub const INDEX_DIR: &str = "index";

/// What an import brings in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportKind {
    /// Client profiles (CSV/XLSX).
    Clients,
    /// Holdings (CSV/XLSX).
    Holdings,
    /// The product shelf (CSV/XLSX).
    Products,
    /// Product documents (Markdown/text).
    Documents,
}

/// Result of an import.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportSummary {
    /// Kind.
    pub kind: ImportKind,
    /// Files read.
    pub files: usize,
    /// Records written.
    pub records: usize,
}

/// Filter for the client list.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ClientFilter {
    /// Only this risk level.
    pub risk_level: Option<RiskLevel>,
    /// Only clients whose assessment is missing/expired (`Some(true)`) or valid (`Some(false)`).
    pub expired: Option<bool>,
    /// Substring of the name or client id, or the last digits of the ID number.
    pub query: Option<String>,
}

/// An open data directory. Holds the directory's OS lock for its lifetime.
pub struct Workspace {
    data_dir: PathBuf,
    pub(crate) store: Store,
    pub(crate) index: DocumentIndex,
    pub(crate) rules: RuleSet,
    operator: String,
    /// The signed-in user and their unsealed keys (sign-in per user on a shared workstation).
    pub(crate) session: Option<crate::users::Session>,
    /// The bank's trust root (who may act as a supervisor), if IT installed one.
    pub(crate) trust_root: Option<copilot_bundle::TrustRoot>,
    /// The CJK font of PDF exports, found and read (≈ 19 MB) at the first PDF export only.
    pub(crate) pdf_font: std::sync::OnceLock<copilot_export::PdfFont>,
    _lock: File,
}

impl std::fmt::Debug for Workspace {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Workspace")
            .field("data_dir", &self.data_dir)
            .finish_non_exhaustive()
    }
}

fn lock_dir(data_dir: &Path) -> Result<File> {
    fs::create_dir_all(data_dir).map_err(|source| AppError::Io {
        path: data_dir.to_path_buf(),
        source,
    })?;
    let path = data_dir.join(LOCK_FILE);
    let file = File::options()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .map_err(|source| AppError::Io {
            path: path.clone(),
            source,
        })?;
    match file.try_lock() {
        Ok(()) => Ok(file),
        Err(fs::TryLockError::WouldBlock) => Err(AppError::Locked(data_dir.to_path_buf())),
        Err(fs::TryLockError::Error(source)) => Err(AppError::Io { path, source }),
    }
}

/// The operator recorded in provenance: `$COPILOT_OPERATOR`, else the OS user name.
pub fn operator_name() -> String {
    ["COPILOT_OPERATOR", "USER", "LOGNAME", "USERNAME"]
        .iter()
        .find_map(|v| std::env::var(v).ok().filter(|s| !s.is_empty()))
        .unwrap_or_else(os_user_fallback)
}

#[cfg(unix)]
fn os_user_fallback() -> String {
    use std::os::unix::fs::MetadataExt;
    // The owner of this process's /proc entry is its real user id.
    fs::metadata("/proc/self")
        .map(|m| format!("uid-{}", m.uid()))
        .unwrap_or_else(|_| "unknown".into())
}

#[cfg(not(unix))]
fn os_user_fallback() -> String {
    "unknown".into()
}

/// Today's date for rule evaluation: `$COPILOT_TODAY` (YYYY-MM-DD, for reproducible tests and
/// re-running a past decision), else the local calendar date (UTC if the offset is unknown).
pub fn today() -> Result<Date> {
    if let Ok(s) = std::env::var("COPILOT_TODAY") {
        return parse::parse_date(&s)
            .map_err(|e| AppError::InvalidRequest(format!("COPILOT_TODAY: {e}")));
    }
    Ok(time::OffsetDateTime::now_local()
        .unwrap_or_else(|_| time::OffsetDateTime::now_utc())
        .date())
}

impl Workspace {
    /// Creates a vault and an empty store in `data_dir` (which must not hold a vault yet).
    ///
    /// Returns the workspace and what happened with the OS keychain; an unavailable keychain is
    /// reported, never hidden.
    pub fn init(
        data_dir: &Path,
        passphrase: &Passphrase,
        keychain: KeychainUse,
    ) -> Result<(Workspace, KeychainStatus)> {
        // Refuse a weak passphrase before touching the directory (no stray lock file).
        if passphrase.char_count() < copilot_vault::MIN_PASSPHRASE_CHARS {
            return Err(copilot_vault::VaultError::WeakPassphrase.into());
        }
        let lock = lock_dir(data_dir)?;
        let db_path = data_dir.join(copilot_store::DB_FILE);
        if db_path.exists() && !Vault::exists(data_dir) {
            return Err(AppError::InvalidRequest(format!(
                "{} exists without a vault; refusing to create a vault over an unknown database",
                db_path.display()
            )));
        }
        let (_vault, key, status) = Vault::create(data_dir, passphrase, keychain)?;
        let store = Store::create(&db_path, &key)?;
        drop(key);
        restrict_permissions(data_dir, 0o700);
        restrict_permissions(&db_path, 0o600);
        let ws = Workspace::assemble(data_dir, store, lock)?;
        Ok((ws, status))
    }

    /// Opens and unlocks an existing data directory: the keychain first, then `passphrase`.
    pub fn unlock(
        data_dir: &Path,
        passphrase: Option<&Passphrase>,
    ) -> Result<(Workspace, UnlockMethod)> {
        if !Vault::exists(data_dir) {
            return Err(AppError::NotInitialised(data_dir.to_path_buf()));
        }
        let lock = lock_dir(data_dir)?;
        let vault = Vault::open(data_dir)?;
        let (key, method) = vault.unlock(passphrase)?;
        let store = Store::open(&data_dir.join(copilot_store::DB_FILE), &key)?;
        drop(key);
        Ok((Workspace::assemble(data_dir, store, lock)?, method))
    }

    fn assemble(data_dir: &Path, store: Store, lock: File) -> Result<Workspace> {
        let index = DocumentIndex::open_or_create(&data_dir.join(INDEX_DIR))?;
        let mut ws = Workspace {
            data_dir: data_dir.to_path_buf(),
            store,
            index,
            rules: RuleSet::from_env()?,
            operator: operator_name(),
            session: None,
            trust_root: Workspace::load_trust_root()?,
            pdf_font: std::sync::OnceLock::new(),
            _lock: lock,
        };
        ws.record_rules_in_force()?;
        // The index is derived data: rebuild it if it was lost or never committed.
        let docs = ws.store.list_documents()?;
        if !docs.is_empty() && ws.index.num_chunks()? == 0 {
            ws.index.index_documents(&docs)?;
        }
        Ok(ws)
    }

    /// Appends a `rules_change` audit record when the rules in force (pack, lint, injection
    /// files) differ from the last recorded ones (first open included).
    fn record_rules_in_force(&mut self) -> Result<()> {
        let current = serde_json::json!({
            "rules_version": self.rules.version(),
            "pack_sha256": self.rules.pack.sha256,
            "files_sha256": self.rules.files_sha256,
        });
        let last = self
            .store
            .last_audit(copilot_core::audit::actions::RULES_CHANGE)?;
        let same = last
            .and_then(|r| serde_json::from_str::<serde_json::Value>(&r.data).ok())
            .is_some_and(|v| v == current);
        if !same {
            self.store.audit(&copilot_store::AuditEntry::new(
                self.operator.clone(),
                copilot_core::audit::actions::RULES_CHANGE,
                "rules",
                current,
            ))?;
        }
        Ok(())
    }

    /// Appends a `model_change` audit record when a draft is made with another model file than
    /// the last recorded one.
    pub(crate) fn record_model_in_use(
        &mut self,
        provenance: &copilot_protocol::Provenance,
    ) -> Result<()> {
        let current = serde_json::json!({
            "model_sha256": provenance.model_sha256,
            "model_name": provenance.model_name,
            "quantization": provenance.quantization,
        });
        let last = self
            .store
            .last_audit(copilot_core::audit::actions::MODEL_CHANGE)?;
        let same = last
            .and_then(|r| serde_json::from_str::<serde_json::Value>(&r.data).ok())
            .is_some_and(|v| v == current);
        if !same {
            self.store.audit(&copilot_store::AuditEntry::new(
                provenance.operator.clone(),
                copilot_core::audit::actions::MODEL_CHANGE,
                "model",
                current,
            ))?;
        }
        Ok(())
    }

    /// The data directory.
    pub fn data_dir(&self) -> &Path {
        &self.data_dir
    }

    /// The suitability policy in force.
    pub fn policy(&self) -> &Policy {
        &self.rules.pack.policy
    }

    /// The rule pack, lint and injection patterns in force.
    pub fn rules(&self) -> &RuleSet {
        &self.rules
    }

    /// The operator recorded in provenance: the signed-in user's id, else the OS operator.
    pub fn operator(&self) -> &str {
        match &self.session {
            Some(s) => &s.info.user_id,
            None => &self.operator,
        }
    }

    /// Imports files of one kind. All files are read and validated first; then everything is
    /// written in one transaction. Any error → nothing is written.
    pub fn import(&mut self, kind: ImportKind, files: &[PathBuf]) -> Result<ImportSummary> {
        let audit = self.import_entry(kind, files)?;
        let records = match kind {
            ImportKind::Clients => {
                let mut all = Vec::new();
                for f in files {
                    all.extend(copilot_import::import_clients(f, Currency::CNY)?);
                }
                check_unique(all.iter().map(|c| c.client_id.as_str()), "client")?;
                check_unique_id_numbers(&all)?;
                self.store.upsert_clients(&all, &audit)?
            }
            ImportKind::Products => {
                let mut all = Vec::new();
                for f in files {
                    all.extend(copilot_import::import_products(f)?);
                }
                check_unique(all.iter().map(|p| p.product_code.as_str()), "product")?;
                let invalidated = self.drafts_invalidated_by(&all)?;
                let mut audit = audit;
                audit.data["invalidated_drafts"] = invalidated
                    .iter()
                    .map(|d| serde_json::Value::from(d.draft_id.clone()))
                    .collect();
                self.store
                    .upsert_products_and_drafts(&all, &invalidated, &audit)?
            }
            ImportKind::Holdings => {
                let known = self.store.client_ids()?;
                let mut all = Vec::new();
                for f in files {
                    let holdings = copilot_import::import_holdings(f)?;
                    if let Some(h) = holdings.iter().find(|h| !known.contains(&h.client_id)) {
                        return Err(AppError::HoldingWithoutClient {
                            file: file_name(f),
                            client_id: h.client_id.clone(),
                        });
                    }
                    all.extend(holdings);
                }
                self.store.replace_holdings(&all, &audit)?
            }
            ImportKind::Documents => {
                let docs = copilot_import::import_documents(files)?;
                self.import_documents(docs, &audit)?
            }
        };
        Ok(ImportSummary {
            kind,
            files: files.len(),
            records,
        })
    }

    /// S17: the open drafts that cite a product whose effective rating `incoming` changes, each
    /// with its [`Invalidation`] set (and the re-match against the new shelf recorded in it).
    fn drafts_invalidated_by(&self, incoming: &[Product]) -> Result<Vec<DraftReport>> {
        let old = self.store.list_products()?;
        let mut new_shelf = old.clone();
        for p in incoming {
            match new_shelf
                .iter_mut()
                .find(|o| o.product_code == p.product_code)
            {
                Some(o) => *o = p.clone(),
                None => new_shelf.push(p.clone()),
            }
        }
        let changes = suitability::rating_changes(&old, &new_shelf);
        if changes.is_empty() {
            return Ok(Vec::new());
        }
        let today = today()?;
        let mut out = Vec::new();
        for mut d in self.store.list_drafts()? {
            if d.invalidated.is_some() {
                continue;
            }
            let cited: Vec<String> = d
                .proposed
                .iter()
                .chain(d.eligible.iter().map(|e| &e.product_code))
                .chain(d.citations.iter().map(|c| &c.product_code))
                .cloned()
                .collect();
            let profile = match self.store.get_client(&d.client_id) {
                Ok(p) => p,
                Err(copilot_store::StoreError::Missing { .. }) => continue,
                Err(e) => return Err(e.into()),
            };
            let request = DraftRequest {
                amount: d
                    .amount
                    .as_deref()
                    .zip(d.currency.as_deref())
                    .and_then(|(a, c)| Some(Money::new(a.parse().ok()?, c.parse().ok()?))),
                client_initiated: d.client_initiated.clone(),
                ..DraftRequest::new(d.lang, today)
            };
            let Some((change, now)) = suitability::recheck_after_rating_change(
                &cited,
                &changes,
                &profile,
                &new_shelf,
                &request,
                &self.rules.pack.policy,
            ) else {
                continue;
            };
            let verdict = match (now, d.lang) {
                (None, Lang::Zh) => "重新匹配后仍适合，须重新起草并审批。".to_string(),
                (None, Lang::En) => {
                    "Still suitable after re-matching; re-draft and re-approve.".to_string()
                }
                (Some(r), Lang::Zh) => format!("重新匹配后被 {r} 排除。"),
                (Some(r), Lang::En) => format!("Now excluded by {r}."),
            };
            let message = match d.lang {
                Lang::Zh => format!(
                    "产品 {} 的风险等级由 {} 变为 {}，本草稿失效（S17）。{verdict}",
                    change.product_code, change.old, change.new
                ),
                Lang::En => format!(
                    "Product {} changed rating from {} to {}; this draft is invalidated (S17). {verdict}",
                    change.product_code, change.old, change.new
                ),
            };
            d.invalidated = Some(Invalidation {
                rule_id: copilot_protocol::rules::S17,
                product_code: change.product_code.clone(),
                old_rating: change.old,
                new_rating: change.new,
                now_excluded_by: now,
                message,
                at: time::OffsetDateTime::now_utc()
                    .format(&time::format_description::well_known::Rfc3339)
                    .unwrap_or_default(),
            });
            out.push(d);
        }
        Ok(out)
    }

    /// The audit entry of an import: kind, and each file's name and SHA-256 (no content).
    fn import_entry(
        &self,
        kind: ImportKind,
        files: &[PathBuf],
    ) -> Result<copilot_store::AuditEntry> {
        use sha2::{Digest, Sha256};
        let mut listed = Vec::new();
        for f in files {
            let entry = if f.is_file() {
                let bytes = fs::read(f).map_err(|source| AppError::Io {
                    path: f.clone(),
                    source,
                })?;
                serde_json::json!({
                    "file": f.file_name().map(|n| n.to_string_lossy().into_owned()),
                    "sha256": hex::encode(Sha256::digest(&bytes)),
                })
            } else {
                serde_json::json!({ "dir": f.file_name().map(|n| n.to_string_lossy().into_owned()) })
            };
            listed.push(entry);
        }
        Ok(copilot_store::AuditEntry::new(
            self.actor()?.0,
            copilot_core::audit::actions::IMPORT,
            format!("{kind:?}").to_lowercase(),
            serde_json::json!({ "files": listed }),
        ))
    }

    fn import_documents(
        &mut self,
        docs: Vec<ProductDocument>,
        audit: &copilot_store::AuditEntry,
    ) -> Result<usize> {
        let shelf = self.store.product_codes()?;
        if let Some(d) = docs.iter().find(|d| !shelf.contains(&d.product_code)) {
            return Err(AppError::DocumentWithoutProduct {
                file: d.file_name.clone(),
                product_code: d.product_code.clone(),
            });
        }
        let n = self.store.upsert_documents(&docs, audit)?;
        self.index.index_documents(&docs)?;
        Ok(n)
    }

    /// Imports the synthetic sample data under `assets/sample` (clients, products, holdings,
    /// documents), in that order.
    pub fn import_sample(&mut self, assets: &Path) -> Result<Vec<ImportSummary>> {
        let sample = assets.join("sample");
        let mut docs: Vec<PathBuf> = fs::read_dir(sample.join("documents"))
            .map_err(|source| AppError::Io {
                path: sample.join("documents"),
                source,
            })?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "md" || x == "txt"))
            .collect();
        docs.sort();
        Ok(vec![
            self.import(ImportKind::Clients, &[sample.join("clients.csv")])?,
            self.import(ImportKind::Products, &[sample.join("products.csv")])?,
            self.import(ImportKind::Holdings, &[sample.join("holdings.csv")])?,
            self.import(ImportKind::Documents, &docs)?,
        ])
    }

    /// The client list, filtered, sorted by client id.
    pub fn list_clients(&self, filter: &ClientFilter, today: Date) -> Result<Vec<ClientSummary>> {
        let query = filter
            .query
            .as_deref()
            .map(|q| q.trim().to_lowercase())
            .filter(|q| !q.is_empty());
        let mut out = Vec::new();
        for c in self.store.list_clients()? {
            let summary = summarize(&c, today, &self.rules.pack.policy);
            if filter.risk_level.is_some() && c.risk_level != filter.risk_level {
                continue;
            }
            if filter
                .expired
                .is_some_and(|e| e != summary.assessment_expired)
            {
                continue;
            }
            if let Some(q) = &query {
                let by_name = c.name.expose().to_lowercase().contains(q.as_str());
                let by_id = c.client_id.to_lowercase().contains(q.as_str());
                let by_id_number = q.len() >= 4
                    && c.id_number
                        .as_ref()
                        .is_some_and(|n| n.expose().to_lowercase().ends_with(q.as_str()));
                if !(by_name || by_id || by_id_number) {
                    continue;
                }
            }
            out.push(summary);
        }
        Ok(out)
    }

    /// One client's profile.
    pub fn client(&self, client_id: &str) -> Result<ClientProfile> {
        self.store.get_client(client_id).map_err(|e| match e {
            copilot_store::StoreError::Missing { .. } => {
                AppError::UnknownClient(client_id.to_string())
            }
            other => other.into(),
        })
    }

    /// Stored drafts, newest first.
    pub fn list_drafts(&self) -> Result<Vec<DraftSummary>> {
        Ok(self
            .store
            .list_drafts()?
            .iter()
            .map(draft_summary)
            .collect())
    }

    /// One stored draft.
    pub fn get_draft(&self, draft_id: &str) -> Result<DraftReport> {
        self.get_draft_inner(draft_id)
    }

    /// Every product document (for opening a citation's span).
    pub fn documents(&self) -> Result<Vec<ProductDocument>> {
        Ok(self.store.list_documents()?)
    }

    fn get_draft_inner(&self, draft_id: &str) -> Result<DraftReport> {
        Ok(self.store.get_draft(draft_id)?)
    }

    /// Row counts: (clients, holdings, products, documents, drafts).
    pub fn counts(&self) -> Result<[u64; 5]> {
        Ok(self.store.counts()?)
    }
}

/// Owner-only permissions on Unix (the data directory and the database); a no-op elsewhere, where
/// the per-user profile directory already restricts access.
fn restrict_permissions(path: &Path, mode: u32) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let _ = fs::set_permissions(path, fs::Permissions::from_mode(mode));
    }
    #[cfg(not(unix))]
    let _ = (path, mode);
}

fn file_name(p: &Path) -> String {
    p.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

fn check_unique<'a>(ids: impl Iterator<Item = &'a str>, kind: &str) -> Result<()> {
    let mut seen = std::collections::HashSet::new();
    for id in ids {
        if !seen.insert(id) {
            return Err(AppError::InvalidRequest(format!(
                "{kind} {id} appears in more than one of the files"
            )));
        }
    }
    Ok(())
}

/// Two clients with the same ID number are one person imported twice, or a data error; the message
/// names the client ids, never the ID number.
fn check_unique_id_numbers(clients: &[ClientProfile]) -> Result<()> {
    let mut seen: std::collections::HashMap<&str, &str> = std::collections::HashMap::new();
    for c in clients {
        if let Some(id) = &c.id_number {
            if let Some(other) = seen.insert(id.expose(), &c.client_id) {
                return Err(AppError::InvalidRequest(format!(
                    "clients {other} and {} have the same ID number; nothing was imported",
                    c.client_id
                )));
            }
        }
    }
    Ok(())
}

/// The list row for a client.
pub fn summarize(c: &ClientProfile, today: Date, policy: &Policy) -> ClientSummary {
    let expired = match c.assessment_date {
        None => true,
        Some(d) => {
            d > today || parse::months_between(d, today) >= policy.assessment_validity_months
        }
    };
    ClientSummary {
        client_id: c.client_id.clone(),
        name: c.name.expose().to_string(),
        risk_level: c.risk_level,
        assessment_date: c.assessment_date.map(|d| d.to_string()),
        assessment_expired: expired,
        age: c.age_on(today),
        lowest_category: c.lowest_category,
    }
}

fn draft_summary(d: &DraftReport) -> DraftSummary {
    DraftSummary {
        draft_id: d.draft_id.clone(),
        client_id: d.client_id.clone(),
        created_at: d.provenance.created_at.clone(),
        lang: d.lang,
        proposed: d.proposed.clone(),
        flagged: d.flagged.len(),
        operator: d.provenance.operator.clone(),
        invalidated: d.invalidated.is_some(),
    }
}
