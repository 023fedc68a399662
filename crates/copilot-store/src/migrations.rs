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
