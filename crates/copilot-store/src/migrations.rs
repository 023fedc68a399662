//! Numbered schema migrations. Append only: an applied migration is never edited; a change is a
//! new migration. The schema version is `PRAGMA user_version`.
//!
//! Records are stored as JSON in a `data` column next to the indexed key columns: the whole file is
//! encrypted by SQLCipher, and the domain types evolve faster than a column-per-field schema.

use rusqlite::Connection;

/// The migrations, in order; migration `i` (1-based) brings the schema to version `i`.
const MIGRATIONS: &[&str] = &[
    // 1: clients, holdings, products, documents.
    "CREATE TABLE clients (
        client_id   TEXT PRIMARY KEY NOT NULL,
        risk_level  TEXT,
        data        TEXT NOT NULL,
        updated_at  TEXT NOT NULL
     );
     CREATE TABLE holdings (
        id           INTEGER PRIMARY KEY AUTOINCREMENT,
        client_id    TEXT NOT NULL REFERENCES clients(client_id) ON DELETE CASCADE,
        product_code TEXT NOT NULL,
        data         TEXT NOT NULL
     );
     CREATE INDEX holdings_client ON holdings(client_id);
     CREATE TABLE products (
        product_code TEXT PRIMARY KEY NOT NULL,
        data         TEXT NOT NULL,
        updated_at   TEXT NOT NULL
     );
     CREATE TABLE documents (
        document_id  TEXT PRIMARY KEY NOT NULL,
        product_code TEXT NOT NULL REFERENCES products(product_code) ON DELETE CASCADE,
        data         TEXT NOT NULL
     );",
    // 2: drafts with provenance.
    "CREATE TABLE drafts (
        draft_id    TEXT PRIMARY KEY NOT NULL,
        client_id   TEXT NOT NULL REFERENCES clients(client_id),
        created_at  TEXT NOT NULL,
        data        TEXT NOT NULL
     );
     CREATE INDEX drafts_client ON drafts(client_id, created_at);",
    // 3: users and roles, the maker–checker review, drafts received in bundles, seen bundle ids
    //    (replay), and the append-only HMAC-chained audit log.
    "CREATE TABLE users (
        user_id     TEXT PRIMARY KEY NOT NULL,
        role        TEXT NOT NULL CHECK (role IN ('advisor', 'supervisor')),
        local       INTEGER NOT NULL,
        created_at  TEXT NOT NULL,
        data        TEXT NOT NULL
     );
     CREATE TABLE reviews (
        draft_id    TEXT PRIMARY KEY NOT NULL,
        state       TEXT NOT NULL CHECK (state IN ('draft', 'submitted', 'changes_requested', 'approved', 'rejected')),
        drafter     TEXT NOT NULL,
        origin      TEXT NOT NULL,
        updated_at  TEXT NOT NULL,
        data        TEXT NOT NULL
     );
     CREATE INDEX reviews_state ON reviews(state, updated_at);
     INSERT INTO reviews (draft_id, state, drafter, origin, updated_at, data)
        SELECT draft_id, 'draft', json_extract(data, '$.provenance.operator'), 'local', created_at,
               json_object('draft_id', draft_id, 'version', 1, 'previous_version', NULL,
                           'state', 'draft', 'drafter', json_extract(data, '$.provenance.operator'),
                           'reviewer', NULL, 'events', json('[]'))
        FROM drafts;
     CREATE TABLE received_drafts (
        draft_id    TEXT PRIMARY KEY NOT NULL,
        bundle_id   TEXT NOT NULL,
        from_user   TEXT NOT NULL,
        received_at TEXT NOT NULL,
        data        TEXT NOT NULL
     );
     CREATE TABLE bundles_seen (
        bundle_id   TEXT PRIMARY KEY NOT NULL,
        kind        TEXT NOT NULL,
        from_user   TEXT NOT NULL,
        imported_at TEXT NOT NULL
     );
     CREATE TABLE audit (
        seq         INTEGER PRIMARY KEY NOT NULL,
        at          TEXT NOT NULL,
        actor       TEXT NOT NULL,
        action      TEXT NOT NULL,
        subject     TEXT NOT NULL,
        data        TEXT NOT NULL,
        prev_mac    BLOB NOT NULL,
        mac         BLOB NOT NULL
     );
     CREATE TRIGGER audit_append_only_update BEFORE UPDATE ON audit
        BEGIN SELECT RAISE(ABORT, 'the audit log is append-only: records cannot be changed'); END;
     CREATE TRIGGER audit_append_only_delete BEFORE DELETE ON audit
        BEGIN SELECT RAISE(ABORT, 'the audit log is append-only: records cannot be deleted'); END;
     CREATE TRIGGER audit_append_only_insert BEFORE INSERT ON audit
        WHEN NEW.seq <= (SELECT coalesce(max(seq), 0) FROM audit)
        BEGIN SELECT RAISE(ABORT, 'the audit log is append-only: records cannot be replaced'); END;
     CREATE TRIGGER drafts_locked_text BEFORE UPDATE OF data ON drafts
        WHEN (SELECT state FROM reviews WHERE draft_id = OLD.draft_id) IN ('submitted', 'approved', 'rejected')
         AND json_extract(NEW.data, '$.text') IS NOT json_extract(OLD.data, '$.text')
        BEGIN SELECT RAISE(ABORT, 'the draft is locked by its review (submitted, approved or rejected): its text cannot change'); END;
     CREATE TRIGGER drafts_locked_delete BEFORE DELETE ON drafts
        WHEN (SELECT state FROM reviews WHERE draft_id = OLD.draft_id) IN ('submitted', 'approved', 'rejected')
        BEGIN SELECT RAISE(ABORT, 'the draft is locked by its review: it cannot be deleted'); END;
     CREATE TRIGGER reviews_final BEFORE UPDATE ON reviews
        WHEN OLD.state IN ('approved', 'rejected')
        BEGIN SELECT RAISE(ABORT, 'an approved or rejected review is final: make a new version'); END;
     CREATE TRIGGER reviews_final_delete BEFORE DELETE ON reviews
        WHEN OLD.state IN ('approved', 'rejected')
        BEGIN SELECT RAISE(ABORT, 'an approved or rejected review is final'); END;",
];

/// The newest schema version this build knows.
pub const LATEST_VERSION: u32 = MIGRATIONS.len() as u32;

/// Applies migrations up to `target`, each in its own transaction with its version bump.
pub(crate) fn apply(conn: &mut Connection, target: u32) -> rusqlite::Result<()> {
    let current: u32 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    for version in (current + 1)..=target {
        let sql = MIGRATIONS[(version - 1) as usize];
        let tx = conn.transaction()?;
        tx.execute_batch(sql)?;
        tx.execute_batch(&format!("PRAGMA user_version = {version};"))?;
        tx.commit()?;
    }
    Ok(())
}
