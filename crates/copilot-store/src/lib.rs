#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]

mod audit_log;
mod migrations;
mod review;

use copilot_core::{ClientProfile, DatabaseKey, Holding, Product, ProductDocument};
use copilot_protocol::DraftReport;
use rusqlite::{params, Connection, OpenFlags, OptionalExtension};
use std::path::{Path, PathBuf};
use zeroize::Zeroizing;

pub use audit_log::AuditEntry;
pub use migrations::LATEST_VERSION;
pub use review::{ReviewRow, UserRow};

/// File name of the database inside the data directory.
pub const DB_FILE: &str = "copilot.db";

/// Errors of the store.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// No database at the path.
    #[error("no database at {0}")]
    NotFound(PathBuf),
    /// A database already exists where a new one was to be created.
    #[error("a database already exists at {0}")]
    AlreadyExists(PathBuf),
    /// The linked SQLite is not SQLCipher: it would ignore the key and write plaintext.
    #[error("this build is not linked with SQLCipher; refusing to open an unencrypted store")]
    SqlCipherMissing,
    /// A plaintext SQLite file sits where the encrypted store should be.
    #[error("{0} is an unencrypted SQLite database; refusing to use it as the vault's store")]
    PlaintextDatabase(PathBuf),
    /// The file is not an SQLCipher database for this key: damaged, truncated, or another key.
    #[error("{0} is not a readable database for this vault's key (corrupt, truncated or from another vault)")]
    NotADatabase(PathBuf),
    /// Written by a newer version of the app.
    #[error("database schema version {found} is newer than this build supports ({supported}); update the app")]
    NewerSchema {
        /// Version in the file.
        found: u32,
        /// Newest version this build knows.
        supported: u32,
    },
    /// Stored data failed to decode (a bug or tampering).
    #[error("stored record {table}/{id} could not be decoded: {reason}")]
    Decode {
        /// Table.
        table: &'static str,
        /// Row id.
        id: String,
        /// Why.
        reason: String,
    },
    /// A referenced record is missing.
    #[error("{kind} {id} not found")]
    Missing {
        /// What kind of record.
        kind: &'static str,
        /// Its id.
        id: String,
    },
    /// A record with this id exists and is not replaced.
    #[error("{kind} {id} already exists; it is not replaced")]
    Duplicate {
        /// What kind of record.
        kind: &'static str,
        /// Its id.
        id: String,
    },
    /// A bundle with this id was imported before (a replayed file).
    #[error("bundle {0} was already imported; a bundle is accepted once (replayed file?)")]
    Replay(String),
    /// A record is locked by its review state (submitted, approved, rejected).
    #[error("{0}")]
    Locked(String),
    /// Any other SQLite error.
    #[error("database error: {0}")]
    Sqlite(#[from] rusqlite::Error),
    /// File-system error.
    #[error("{path}: {source}")]
    Io {
        /// Path.
        path: PathBuf,
        /// Cause.
        source: std::io::Error,
    },
}

/// Result alias.
pub type Result<T> = std::result::Result<T, StoreError>;

/// The plain SQLite file header; an SQLCipher file starts with random salt instead.
const PLAIN_SQLITE_HEADER: &[u8; 16] = b"SQLite format 3\0";

/// An open, unlocked store.
pub struct Store {
    conn: Connection,
    path: PathBuf,
    /// Key of the audit chain, derived from the database key.
    audit_key: copilot_core::audit::AuditKey,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store")
            .field("path", &self.path)
            .finish_non_exhaustive()
    }
}

fn apply_key(conn: &Connection, key: &DatabaseKey) -> Result<()> {
    let stmt = Zeroizing::new(format!(
        "PRAGMA key = \"x'{}'\";",
        hex::encode(key.as_bytes())
    ));
    conn.execute_batch(&stmt)?;
    Ok(())
}

fn is_not_a_db(e: &rusqlite::Error) -> bool {
    matches!(e, rusqlite::Error::SqliteFailure(f, _) if f.code == rusqlite::ErrorCode::NotADatabase)
}

/// The SQLCipher version linked into this build, or `None` if the SQLite library is not SQLCipher.
pub fn sqlcipher_version() -> Option<String> {
    let conn = Connection::open_in_memory().ok()?;
    conn.query_row("PRAGMA cipher_version", [], |r| r.get::<_, String>(0))
        .optional()
        .ok()
        .flatten()
}

impl Store {
    /// Creates a new encrypted database at `path` and applies all migrations.
    ///
    /// Errors: [`StoreError::AlreadyExists`], [`StoreError::SqlCipherMissing`], SQLite errors.
    pub fn create(path: &Path, key: &DatabaseKey) -> Result<Store> {
        if path.exists() {
            return Err(StoreError::AlreadyExists(path.to_path_buf()));
        }
        let conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE,
        )?;
        let mut store = Store::configure(conn, path, key)?;
        migrations::apply(&mut store.conn, LATEST_VERSION)?;
        Ok(store)
    }

    /// Opens an existing database and applies pending migrations.
    ///
    /// Errors: [`StoreError::NotFound`], [`StoreError::PlaintextDatabase`],
    /// [`StoreError::NotADatabase`] (wrong key, corrupt or truncated), [`StoreError::NewerSchema`],
    /// [`StoreError::SqlCipherMissing`].
    pub fn open(path: &Path, key: &DatabaseKey) -> Result<Store> {
        let mut header = [0u8; 16];
        match std::fs::File::open(path) {
            Ok(mut f) => {
                use std::io::Read;
                let n = f.read(&mut header).map_err(|source| StoreError::Io {
                    path: path.to_path_buf(),
                    source,
                })?;
                if n == 16 && &header == PLAIN_SQLITE_HEADER {
                    return Err(StoreError::PlaintextDatabase(path.to_path_buf()));
                }
                if n == 0 {
                    return Err(StoreError::NotADatabase(path.to_path_buf()));
                }
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(StoreError::NotFound(path.to_path_buf()))
            }
            Err(source) => {
                return Err(StoreError::Io {
                    path: path.to_path_buf(),
                    source,
                })
            }
        }
        let conn = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_WRITE)?;
        let mut store = Store::configure(conn, path, key)?;
        let version = store.schema_version()?;
        if version > LATEST_VERSION {
            return Err(StoreError::NewerSchema {
                found: version,
                supported: LATEST_VERSION,
            });
        }
        migrations::apply(&mut store.conn, LATEST_VERSION)?;
        Ok(store)
    }

    /// Applies the key (first statement), checks SQLCipher, checks the key reads the file, sets
    /// durability pragmas.
    fn configure(conn: Connection, path: &Path, key: &DatabaseKey) -> Result<Store> {
        apply_key(&conn, key)?;
        let cipher: Option<String> = conn
            .query_row("PRAGMA cipher_version", [], |r| r.get(0))
            .optional()?;
        if cipher.as_deref().unwrap_or("").is_empty() {
            return Err(StoreError::SqlCipherMissing);
        }
        match conn.query_row("SELECT count(*) FROM sqlite_master", [], |r| {
            r.get::<_, i64>(0)
        }) {
            Ok(_) => {}
            Err(e) if is_not_a_db(&e) => return Err(StoreError::NotADatabase(path.to_path_buf())),
            Err(e) => return Err(e.into()),
        }
        conn.execute_batch(
            "PRAGMA journal_mode = DELETE;
             PRAGMA synchronous = FULL;
             PRAGMA temp_store = MEMORY;
             PRAGMA foreign_keys = ON;
             PRAGMA secure_delete = ON;",
        )?;
        Ok(Store {
            conn,
            path: path.to_path_buf(),
            audit_key: copilot_core::audit::AuditKey::derive(key),
        })
    }

    /// Schema version (`PRAGMA user_version`).
    pub fn schema_version(&self) -> Result<u32> {
        Ok(self
            .conn
            .query_row("PRAGMA user_version", [], |r| r.get::<_, u32>(0))?)
    }

    /// Runs `PRAGMA integrity_check` and `PRAGMA cipher_integrity_check`; returns the problems
    /// reported (empty when the file is sound).
    pub fn integrity_problems(&self) -> Result<Vec<String>> {
        let mut out = Vec::new();
        let mut stmt = self.conn.prepare("PRAGMA integrity_check")?;
        for row in stmt.query_map([], |r| r.get::<_, String>(0))? {
            let row = row?;
            if row != "ok" {
                out.push(row);
            }
        }
        let mut stmt = self.conn.prepare("PRAGMA cipher_integrity_check")?;
        for row in stmt.query_map([], |r| r.get::<_, String>(0))? {
            out.push(row?);
        }
        Ok(out)
    }

    /// Path of the database file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    // ---- clients -------------------------------------------------------------------------

    /// Inserts or replaces clients (by `client_id`) in one transaction; returns how many.
    pub fn upsert_clients(
        &mut self,
        clients: &[ClientProfile],
        audit: &AuditEntry,
    ) -> Result<usize> {
        let tx = self.conn.transaction()?;
        {
            let mut stmt = tx.prepare(
                "INSERT INTO clients (client_id, risk_level, data, updated_at) VALUES (?1, ?2, ?3, datetime('now'))
                 ON CONFLICT(client_id) DO UPDATE SET risk_level = excluded.risk_level, data = excluded.data, updated_at = excluded.updated_at",
            )?;
            for c in clients {
                let json = encode("clients", &c.client_id, c)?;
                stmt.execute(params![
                    c.client_id,
                    c.risk_level.map(|l| l.to_string()),
                    json
                ])?;
            }
        }
        audit_log::append(&tx, &self.audit_key, audit)?;
        tx.commit()?;
        Ok(clients.len())
    }

    /// All clients, ordered by client id.
    pub fn list_clients(&self) -> Result<Vec<ClientProfile>> {
        self.load_all(
            "clients",
            "SELECT client_id, data FROM clients ORDER BY client_id",
        )
    }

    /// The ids of all clients (no profile is decoded).
    pub fn client_ids(&self) -> Result<std::collections::HashSet<String>> {
        self.column_set("SELECT client_id FROM clients")
    }

    /// The codes of all products on the shelf (no product is decoded).
    pub fn product_codes(&self) -> Result<std::collections::HashSet<String>> {
        self.column_set("SELECT product_code FROM products")
    }

    fn column_set(&self, sql: &str) -> Result<std::collections::HashSet<String>> {
        let mut stmt = self.conn.prepare(sql)?;
        let rows = stmt.query_map([], |r| r.get::<_, String>(0))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// One client.
    pub fn get_client(&self, client_id: &str) -> Result<ClientProfile> {
        self.load_one(
            "clients",
            "client",
            "SELECT data FROM clients WHERE client_id = ?1",
            client_id,
        )
    }

    // ---- holdings ------------------------------------------------------------------------

    /// Replaces the holdings of every client that appears in `holdings` (a CRM export is a full
    /// snapshot per client), in one transaction. Every client must exist.
    pub fn replace_holdings(&mut self, holdings: &[Holding], audit: &AuditEntry) -> Result<usize> {
        let tx = self.conn.transaction()?;
        {
            let mut clients: Vec<&str> = holdings.iter().map(|h| h.client_id.as_str()).collect();
            clients.sort_unstable();
            clients.dedup();
            for c in &clients {
                let exists: bool = tx.query_row(
                    "SELECT EXISTS(SELECT 1 FROM clients WHERE client_id = ?1)",
                    [c],
                    |r| r.get(0),
                )?;
                if !exists {
                    return Err(StoreError::Missing {
                        kind: "client",
                        id: c.to_string(),
                    });
                }
                tx.execute("DELETE FROM holdings WHERE client_id = ?1", [c])?;
            }
            let mut stmt = tx.prepare(
                "INSERT INTO holdings (client_id, product_code, data) VALUES (?1, ?2, ?3)",
            )?;
            for h in holdings {
                let json = encode("holdings", &h.client_id, h)?;
                stmt.execute(params![h.client_id, h.product_code, json])?;
            }
        }
        audit_log::append(&tx, &self.audit_key, audit)?;
        tx.commit()?;
        Ok(holdings.len())
    }

    /// Holdings of one client.
    pub fn holdings_for(&self, client_id: &str) -> Result<Vec<Holding>> {
        let mut stmt = self
            .conn
            .prepare("SELECT client_id, data FROM holdings WHERE client_id = ?1 ORDER BY id")?;
        let rows = stmt.query_map([client_id], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
        })?;
        rows.map(|row| {
            let (id, data) = row?;
            decode("holdings", &id, &data)
        })
        .collect()
    }

    // ---- products and documents ----------------------------------------------------------

    /// Inserts or replaces products (by code) in one transaction.
    pub fn upsert_products(&mut self, products: &[Product], audit: &AuditEntry) -> Result<usize> {
        self.upsert_products_and_drafts(products, &[], audit)
    }

    /// Inserts or replaces products and, in the same transaction, rewrites the given drafts
    /// (S17: drafts invalidated by a rating change are saved with their invalidation, or not at
    /// all if the import fails).
    pub fn upsert_products_and_drafts(
        &mut self,
        products: &[Product],
        drafts: &[DraftReport],
        audit: &AuditEntry,
    ) -> Result<usize> {
        let tx = self.conn.transaction()?;
        for d in drafts {
            let json = encode("drafts", &d.draft_id, d)?;
            let n = tx.execute(
                "UPDATE drafts SET data = ?2 WHERE draft_id = ?1",
                params![d.draft_id, json],
            )?;
            if n != 1 {
                return Err(StoreError::Missing {
                    kind: "draft",
                    id: d.draft_id.clone(),
                });
            }
        }
        {
            let mut stmt = tx.prepare(
                "INSERT INTO products (product_code, data, updated_at) VALUES (?1, ?2, datetime('now'))
                 ON CONFLICT(product_code) DO UPDATE SET data = excluded.data, updated_at = excluded.updated_at",
            )?;
            for p in products {
                let json = encode("products", &p.product_code, p)?;
                stmt.execute(params![p.product_code, json])?;
            }
        }
        audit_log::append(&tx, &self.audit_key, audit)?;
        tx.commit()?;
        Ok(products.len())
    }

    /// The whole shelf, ordered by product code.
    pub fn list_products(&self) -> Result<Vec<Product>> {
        self.load_all(
            "products",
            "SELECT product_code, data FROM products ORDER BY product_code",
        )
    }

    /// Inserts or replaces product documents (by document id) in one transaction. Every
    /// document's product must be on the shelf.
    pub fn upsert_documents(
        &mut self,
        docs: &[ProductDocument],
        audit: &AuditEntry,
    ) -> Result<usize> {
        let tx = self.conn.transaction()?;
        {
            let mut stmt = tx.prepare(
                "INSERT INTO documents (document_id, product_code, data) VALUES (?1, ?2, ?3)
                 ON CONFLICT(document_id) DO UPDATE SET product_code = excluded.product_code, data = excluded.data",
            )?;
            for d in docs {
                let exists: bool = tx.query_row(
                    "SELECT EXISTS(SELECT 1 FROM products WHERE product_code = ?1)",
                    [&d.product_code],
                    |r| r.get(0),
                )?;
                if !exists {
                    return Err(StoreError::Missing {
                        kind: "product",
                        id: d.product_code.clone(),
                    });
                }
                let json = encode("documents", &d.document_id, d)?;
                stmt.execute(params![d.document_id, d.product_code, json])?;
            }
        }
        audit_log::append(&tx, &self.audit_key, audit)?;
        tx.commit()?;
        Ok(docs.len())
    }

    /// All product documents.
    pub fn list_documents(&self) -> Result<Vec<ProductDocument>> {
        self.load_all(
            "documents",
            "SELECT document_id, data FROM documents ORDER BY document_id",
        )
    }

    // ---- drafts --------------------------------------------------------------------------

    /// Saves a new draft with its provenance and its review record (state `draft`), and appends
    /// `audit`, in one transaction.
    pub fn insert_draft(
        &mut self,
        draft: &DraftReport,
        review: &copilot_protocol::review::ReviewRecord,
        audit: &AuditEntry,
    ) -> Result<()> {
        let json = encode("drafts", &draft.draft_id, draft)?;
        let tx = self.conn.transaction()?;
        tx.execute(
            "INSERT INTO drafts (draft_id, client_id, created_at, data) VALUES (?1, ?2, ?3, ?4)",
            params![
                draft.draft_id,
                draft.client_id,
                draft.provenance.created_at,
                json
            ],
        )?;
        review::put_review(&tx, review, "local")?;
        audit_log::append(&tx, &self.audit_key, audit)?;
        tx.commit()?;
        Ok(())
    }

    /// Replaces the memo text of a stored draft (the advisor's edit) and saves its review record
    /// (with the edit event), appending `audit`, in one transaction; everything else, the
    /// provenance and the AI text included, stays as generated. Returns the updated draft.
    ///
    /// Errors: [`StoreError::Locked`] when the review state does not allow edits (the database
    /// refuses it too, by trigger).
    pub fn update_draft_text(
        &mut self,
        draft_id: &str,
        text: &str,
        review: &copilot_protocol::review::ReviewRecord,
        audit: &AuditEntry,
    ) -> Result<DraftReport> {
        let mut draft = self.get_draft(draft_id)?;
        let current = self.get_review(draft_id)?.record.state;
        if !current.editable() || !review.state.editable() {
            return Err(StoreError::Locked(format!(
                "draft {draft_id} is {}: its text cannot be edited",
                current.as_str()
            )));
        }
        if draft.ai_text.is_empty() {
            // A draft stored before schema 3: its text is the AI text until the first edit.
            draft.ai_text = draft.text.clone();
        }
        draft.text = text.to_string();
        let json = encode("drafts", draft_id, &draft)?;
        let tx = self.conn.transaction()?;
        tx.execute(
            "UPDATE drafts SET data = ?1 WHERE draft_id = ?2",
            params![json, draft_id],
        )
        .map_err(review::locked_or)?;
        review::update_review(&tx, review)?;
        audit_log::append(&tx, &self.audit_key, audit)?;
        tx.commit()?;
        Ok(draft)
    }

    /// All drafts, newest first.
    pub fn list_drafts(&self) -> Result<Vec<DraftReport>> {
        self.load_all(
            "drafts",
            "SELECT draft_id, data FROM drafts ORDER BY created_at DESC, draft_id",
        )
    }

    /// One draft.
    pub fn get_draft(&self, draft_id: &str) -> Result<DraftReport> {
        self.load_one(
            "drafts",
            "draft",
            "SELECT data FROM drafts WHERE draft_id = ?1",
            draft_id,
        )
    }

    /// One record by its key: `sql` selects the `data` column for `?1 = id`;
    /// [`StoreError::Missing`] names `kind` and `id` when there is none.
    fn load_one<T: serde::de::DeserializeOwned>(
        &self,
        table: &'static str,
        kind: &'static str,
        sql: &str,
        id: &str,
    ) -> Result<T> {
        let data: Option<String> = self.conn.query_row(sql, [id], |r| r.get(0)).optional()?;
        let data = data.ok_or_else(|| StoreError::Missing {
            kind,
            id: id.to_string(),
        })?;
        decode(table, id, &data)
    }

    fn load_all<T: serde::de::DeserializeOwned>(
        &self,
        table: &'static str,
        sql: &str,
    ) -> Result<Vec<T>> {
        let mut stmt = self.conn.prepare(sql)?;
        let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
        rows.map(|row| {
            let (id, data) = row?;
            decode(table, &id, &data)
        })
        .collect()
    }

    /// Counts of rows per table: (clients, holdings, products, documents, drafts).
    pub fn counts(&self) -> Result<[u64; 5]> {
        let mut out = [0u64; 5];
        for (i, t) in ["clients", "holdings", "products", "documents", "drafts"]
            .iter()
            .enumerate()
        {
            out[i] = self
                .conn
                .query_row(&format!("SELECT count(*) FROM {t}"), [], |r| {
                    r.get::<_, i64>(0)
                })? as u64;
        }
        Ok(out)
    }
}

fn encode<T: serde::Serialize>(table: &'static str, id: &str, value: &T) -> Result<String> {
    serde_json::to_string(value).map_err(|e| StoreError::Decode {
        table,
        id: id.to_string(),
        reason: e.to_string(),
    })
}

fn decode<T: serde::de::DeserializeOwned>(table: &'static str, id: &str, data: &str) -> Result<T> {
    serde_json::from_str(data).map_err(|e| StoreError::Decode {
        table,
        id: id.to_string(),
        reason: e.to_string(),
    })
}

#[cfg(test)]
pub(crate) fn create_at_version(path: &Path, key: &DatabaseKey, version: u32) -> Result<Store> {
    let conn = Connection::open(path)?;
    let mut store = Store::configure(conn, path, key)?;
    migrations::apply(&mut store.conn, version)?;
    Ok(store)
}

#[cfg(test)]
mod fixture_tests {
    use super::*;
    use copilot_core::{
        CivilCapacity, Currency, InvestorClass, LiquidityNeed, Money, Objective, RiskLevel,
        Sensitive,
    };

    fn fixture_path() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/v1.db")
    }

    fn fixture_key() -> DatabaseKey {
        DatabaseKey::from_bytes([0x11; 32])
    }

    fn fixture_client() -> ClientProfile {
        ClientProfile {
            client_id: "F0001".into(),
            name: Sensitive::new("Fixture Client"),
            id_number: None,
            birth_date: None,
            phone: None,
            investor_class: InvestorClass::Ordinary,
            risk_level: Some(RiskLevel::C2),
            lowest_category: false,
            assessment_date: None,
            questionnaire_version: None,
            civil_capacity: CivilCapacity::Full,
            horizon_months: Some(12),
            liquidity_need: LiquidityNeed::Medium,
            objective: Objective::Income,
            investable_assets: Money::new(rust_decimal::Decimal::new(100_000, 0), Currency::CNY),
            annual_income: None,
            debts: None,
            experience_years: 1,
            experience_types: vec![],
            notes: None,
            profile_updated: None,
            loss_tolerance: None,
            max_loss_pct: None,
        }
    }

    /// Regenerate with `COPILOT_REGENERATE_FIXTURES=1 cargo test -p copilot-store fixture`; never
    /// regenerate after a release (the point is an old file written by old code).
    #[test]
    fn v1_fixture_upgrades_to_latest_and_keeps_its_data() {
        if std::env::var_os("COPILOT_REGENERATE_FIXTURES").is_some() {
            let _ = std::fs::remove_file(fixture_path());
            let mut s = create_at_version(&fixture_path(), &fixture_key(), 1).unwrap();
            s.upsert_clients(
                &[fixture_client()],
                &AuditEntry::new("fixture", "import", "clients", serde_json::Value::Null),
            )
            .unwrap();
        }
        let dir = tempfile::tempdir().unwrap();
        let copy = dir.path().join("old.db");
        std::fs::copy(fixture_path(), &copy).expect("tests/fixtures/v1.db is checked in");
        {
            let conn = Connection::open(&copy).unwrap();
            apply_key(&conn, &fixture_key()).unwrap();
            let v: u32 = conn
                .query_row("PRAGMA user_version", [], |r| r.get(0))
                .unwrap();
            assert_eq!(v, 1, "the fixture is a version-1 database");
        }
        let store = Store::open(&copy, &fixture_key()).unwrap();
        assert_eq!(store.schema_version().unwrap(), LATEST_VERSION);
        assert_eq!(store.get_client("F0001").unwrap(), fixture_client());
        assert!(store.list_drafts().unwrap().is_empty());
        assert!(store.integrity_problems().unwrap().is_empty());
    }
}
