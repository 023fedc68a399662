//! Users and roles, review records, drafts received in bundles, and seen bundle ids.

use crate::{audit_log, decode, encode, AuditEntry, Result, Store, StoreError};
use copilot_protocol::review::{ReviewRecord, UserInfo};
use copilot_protocol::DraftReport;
use rusqlite::{params, Connection, OptionalExtension};

/// A user as stored: the public part, and for a local user the secret keys sealed under the
/// user's password (opaque JSON written by `copilot-bundle`; the store never sees them open).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct UserRow {
    /// Public information.
    pub info: UserInfo,
    /// Sealed secret keys (local users only).
    pub sealed_keys: Option<serde_json::Value>,
    /// The bank trust root's vouch for this user's role and key (opaque JSON written by
    /// `copilot-bundle`), if attached.
    #[serde(default)]
    pub vouch: Option<serde_json::Value>,
}

/// A review record with where the draft came from and when it last changed.
#[derive(Debug, Clone, PartialEq)]
pub struct ReviewRow {
    /// The record.
    pub record: ReviewRecord,
    /// `local` or the id of the bundle the draft was received in.
    pub origin: String,
    /// Last change, RFC 3339.
    pub updated_at: String,
}

fn now() -> String {
    time::OffsetDateTime::now_utc()
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

/// Maps SQLite's RAISE(ABORT) of the lock triggers to [`StoreError::Locked`].
pub(crate) fn locked_or(e: rusqlite::Error) -> StoreError {
    match &e {
        rusqlite::Error::SqliteFailure(_, Some(msg))
            if msg.contains("locked by its review") || msg.contains("is final") =>
        {
            StoreError::Locked(msg.clone())
        }
        _ => StoreError::Sqlite(e),
    }
}

/// Inserts or replaces a review record (inside the caller's transaction).
pub(crate) fn put_review(conn: &Connection, record: &ReviewRecord, origin: &str) -> Result<()> {
    let json = encode("reviews", &record.draft_id, record)?;
    conn.execute(
        "INSERT INTO reviews (draft_id, state, drafter, origin, updated_at, data)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)
         ON CONFLICT(draft_id) DO UPDATE SET state = excluded.state, drafter = excluded.drafter,
            updated_at = excluded.updated_at, data = excluded.data",
        params![
            record.draft_id,
            record.state.as_str(),
            record.drafter,
            origin,
            now(),
            json
        ],
    )
    .map_err(locked_or)?;
    Ok(())
}

/// Saves a step of an existing review record (inside the caller's transaction); its origin stays.
///
/// Errors: [`StoreError::Missing`] when the draft has no review record; [`StoreError::Locked`]
/// when the record is final (trigger).
pub(crate) fn update_review(conn: &Connection, record: &ReviewRecord) -> Result<()> {
    let json = encode("reviews", &record.draft_id, record)?;
    let n = conn
        .execute(
            "UPDATE reviews SET state = ?2, drafter = ?3, updated_at = ?4, data = ?5 WHERE draft_id = ?1",
            params![
                record.draft_id,
                record.state.as_str(),
                record.drafter,
                now(),
                json
            ],
        )
        .map_err(locked_or)?;
    if n == 0 {
        return Err(StoreError::Missing {
            kind: "review",
            id: record.draft_id.clone(),
        });
    }
    Ok(())
}

fn mark_seen(conn: &Connection, bundle_id: &str, kind: &str, from: &str) -> Result<()> {
    let seen: bool = conn.query_row(
        "SELECT EXISTS(SELECT 1 FROM bundles_seen WHERE bundle_id = ?1)",
        [bundle_id],
        |r| r.get(0),
    )?;
    if seen {
        return Err(StoreError::Replay(bundle_id.to_string()));
    }
    conn.execute(
        "INSERT INTO bundles_seen (bundle_id, kind, from_user, imported_at) VALUES (?1, ?2, ?3, ?4)",
        params![bundle_id, kind, from, now()],
    )?;
    Ok(())
}

impl Store {
    // ---- users ---------------------------------------------------------------------------

    /// Adds a user (a local user with sealed keys, or a peer's public key) and appends `audit`,
    /// in one transaction. Errors when the id exists: keys are never silently replaced.
    pub fn insert_user(&mut self, user: &UserRow, audit: &AuditEntry) -> Result<()> {
        let json = encode("users", &user.info.user_id, user)?;
        let tx = self.conn.transaction()?;
        let exists: bool = tx.query_row(
            "SELECT EXISTS(SELECT 1 FROM users WHERE user_id = ?1 COLLATE NOCASE)",
            [&user.info.user_id],
            |r| r.get(0),
        )?;
        if exists {
            return Err(StoreError::Duplicate {
                kind: "user",
                id: user.info.user_id.clone(),
            });
        }
        tx.execute(
            "INSERT INTO users (user_id, role, local, created_at, data) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![
                user.info.user_id,
                user.info.role.as_str(),
                user.info.local,
                user.info.created_at,
                json
            ],
        )?;
        audit_log::append(&tx, &self.audit_key, audit)?;
        tx.commit()?;
        Ok(())
    }

    /// Attaches a vouch to a user and appends `audit`, in one transaction.
    pub fn set_user_vouch(
        &mut self,
        user_id: &str,
        vouch: serde_json::Value,
        audit: &AuditEntry,
    ) -> Result<()> {
        let mut row = self.get_user(user_id)?;
        row.vouch = Some(vouch);
        let json = encode("users", &row.info.user_id, &row)?;
        let tx = self.conn.transaction()?;
        tx.execute(
            "UPDATE users SET data = ?2 WHERE user_id = ?1",
            params![row.info.user_id, json],
        )?;
        audit_log::append(&tx, &self.audit_key, audit)?;
        tx.commit()?;
        Ok(())
    }

    /// One user, by id (case-insensitive).
    pub fn get_user(&self, user_id: &str) -> Result<UserRow> {
        let data: Option<(String, String)> = self
            .conn
            .query_row(
                "SELECT user_id, data FROM users WHERE user_id = ?1 COLLATE NOCASE",
                [user_id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        let (id, data) = data.ok_or_else(|| StoreError::Missing {
            kind: "user",
            id: user_id.to_string(),
        })?;
        decode("users", &id, &data)
    }

    /// All users, ordered by id.
    pub fn list_users(&self) -> Result<Vec<UserRow>> {
        self.load_all("users", "SELECT user_id, data FROM users ORDER BY user_id")
    }

    /// True when at least one local user exists (then every action needs a signed-in user).
    pub fn has_local_users(&self) -> Result<bool> {
        Ok(self.conn.query_row(
            "SELECT EXISTS(SELECT 1 FROM users WHERE local = 1)",
            [],
            |r| r.get(0),
        )?)
    }

    // ---- reviews -------------------------------------------------------------------------

    /// The review record of a draft (local or received).
    pub fn get_review(&self, draft_id: &str) -> Result<ReviewRow> {
        let row: Option<(String, String, String)> = self
            .conn
            .query_row(
                "SELECT data, origin, updated_at FROM reviews WHERE draft_id = ?1",
                [draft_id],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()?;
        let (data, origin, updated_at) = row.ok_or_else(|| StoreError::Missing {
            kind: "review",
            id: draft_id.to_string(),
        })?;
        Ok(ReviewRow {
            record: decode("reviews", draft_id, &data)?,
            origin,
            updated_at,
        })
    }

    /// Every review record, most recently changed first.
    pub fn list_reviews(&self) -> Result<Vec<ReviewRow>> {
        let mut stmt = self.conn.prepare(
            "SELECT draft_id, data, origin, updated_at FROM reviews ORDER BY updated_at DESC, draft_id",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
            ))
        })?;
        rows.map(|row| {
            let (id, data, origin, updated_at) = row?;
            Ok(ReviewRow {
                record: decode("reviews", &id, &data)?,
                origin,
                updated_at,
            })
        })
        .collect()
    }

    /// Saves a review step (submit, decision) and appends `audit`, in one transaction. The
    /// database refuses to change an approved or rejected record.
    pub fn save_review(&mut self, record: &ReviewRecord, audit: &AuditEntry) -> Result<()> {
        let tx = self.conn.transaction()?;
        update_review(&tx, record)?;
        audit_log::append(&tx, &self.audit_key, audit)?;
        tx.commit()?;
        Ok(())
    }

    /// Saves a new version of a locked draft: a new draft row (copied, with a new id) and its
    /// review record (version n+1, state draft), appending `audit`, in one transaction.
    pub fn insert_draft_version(
        &mut self,
        draft: &DraftReport,
        review: &ReviewRecord,
        audit: &AuditEntry,
    ) -> Result<()> {
        self.insert_draft(draft, review, audit)
    }

    // ---- bundles -------------------------------------------------------------------------

    /// Stores a draft received in a review-request bundle with its review record (origin =
    /// the bundle id), marks the bundle seen, and appends `audit`, in one transaction.
    ///
    /// Errors: [`StoreError::Replay`] when the bundle was imported before.
    pub fn insert_received(
        &mut self,
        draft: &DraftReport,
        review: &ReviewRecord,
        bundle_id: &str,
        from: &str,
        audit: &AuditEntry,
    ) -> Result<()> {
        let json = encode("received_drafts", &draft.draft_id, draft)?;
        let tx = self.conn.transaction()?;
        mark_seen(&tx, bundle_id, "review_request", from)?;
        tx.execute(
            "INSERT INTO received_drafts (draft_id, bundle_id, from_user, received_at, data)
             VALUES (?1, ?2, ?3, ?4, ?5)
             ON CONFLICT(draft_id) DO UPDATE SET bundle_id = excluded.bundle_id,
                from_user = excluded.from_user, received_at = excluded.received_at, data = excluded.data",
            params![draft.draft_id, bundle_id, from, now(), json],
        )?;
        let exists: bool = tx.query_row(
            "SELECT EXISTS(SELECT 1 FROM reviews WHERE draft_id = ?1)",
            [&draft.draft_id],
            |r| r.get(0),
        )?;
        if exists {
            tx.execute(
                "UPDATE reviews SET origin = ?2 WHERE draft_id = ?1",
                params![draft.draft_id, bundle_id],
            )
            .map_err(locked_or)?;
        }
        put_review(&tx, review, bundle_id)?;
        audit_log::append(&tx, &self.audit_key, audit)?;
        tx.commit()?;
        Ok(())
    }

    /// A draft received in a bundle.
    pub fn get_received(&self, draft_id: &str) -> Result<DraftReport> {
        self.load_one(
            "received_drafts",
            "draft",
            "SELECT data FROM received_drafts WHERE draft_id = ?1",
            draft_id,
        )
    }

    /// The id of the draft that is the next version of `draft_id`, if one was made.
    pub fn newer_version_of(&self, draft_id: &str) -> Result<Option<String>> {
        Ok(self
            .conn
            .query_row(
                "SELECT draft_id FROM reviews WHERE json_extract(data, '$.previous_version') = ?1 LIMIT 1",
                [draft_id],
                |r| r.get(0),
            )
            .optional()?)
    }

    /// Applies a decision received in a bundle to a local draft's review record, marks the
    /// bundle seen, and appends `audit`, in one transaction.
    ///
    /// Errors: [`StoreError::Replay`] when the bundle was imported before.
    pub fn apply_received_decision(
        &mut self,
        record: &ReviewRecord,
        bundle_id: &str,
        from: &str,
        audit: &AuditEntry,
    ) -> Result<()> {
        let tx = self.conn.transaction()?;
        mark_seen(&tx, bundle_id, "decision", from)?;
        update_review(&tx, record)?;
        audit_log::append(&tx, &self.audit_key, audit)?;
        tx.commit()?;
        Ok(())
    }

    /// Whether a bundle id was imported before.
    pub fn bundle_seen(&self, bundle_id: &str) -> Result<bool> {
        Ok(self.conn.query_row(
            "SELECT EXISTS(SELECT 1 FROM bundles_seen WHERE bundle_id = ?1)",
            [bundle_id],
            |r| r.get(0),
        )?)
    }
}
