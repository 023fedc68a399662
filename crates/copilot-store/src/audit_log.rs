//! The audit table: append inside the caller's transaction, read and verify in stored order.

use crate::{Result, Store, StoreError};
use copilot_core::audit::{AuditKey, AuditRecord, ChainVerifier, MacBytes, GENESIS_MAC};
use copilot_protocol::review::AuditVerifyReport;
use rusqlite::{params, Connection, OptionalExtension};

/// One event to record: who did what to which subject, with details (ids, counts, hashes,
/// versions — never a client's name, ID number or note text).
#[derive(Debug, Clone, PartialEq)]
pub struct AuditEntry {
    /// User id of the signed-in user, or the OS operator.
    pub actor: String,
    /// Action name ([`copilot_core::audit::actions`]).
    pub action: String,
    /// Draft id, user id, file SHA-256, `rules`, …
    pub subject: String,
    /// Details and provenance (serialised as compact JSON).
    pub data: serde_json::Value,
}

impl AuditEntry {
    /// An entry.
    pub fn new(
        actor: impl Into<String>,
        action: &str,
        subject: impl Into<String>,
        data: serde_json::Value,
    ) -> AuditEntry {
        AuditEntry {
            actor: actor.into(),
            action: action.to_string(),
            subject: subject.into(),
            data,
        }
    }
}

fn now() -> String {
    time::OffsetDateTime::now_utc()
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

fn mac_from(blob: Vec<u8>, seq: u64) -> Result<MacBytes> {
    blob.try_into().map_err(|_| StoreError::Decode {
        table: "audit",
        id: seq.to_string(),
        reason: "MAC is not 32 bytes".into(),
    })
}

/// The last record's (seq, MAC), if any.
pub(crate) fn head(conn: &Connection) -> Result<Option<(u64, MacBytes)>> {
    let row: Option<(i64, Vec<u8>)> = conn
        .query_row(
            "SELECT seq, mac FROM audit ORDER BY seq DESC LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    row.map(|(seq, mac)| Ok((seq as u64, mac_from(mac, seq as u64)?)))
        .transpose()
}

/// Appends `entry` after the current head, inside the caller's transaction.
pub(crate) fn append(conn: &Connection, key: &AuditKey, entry: &AuditEntry) -> Result<AuditRecord> {
    let prev = head(conn)?;
    let record = AuditRecord::next(
        key,
        prev,
        now(),
        entry.actor.clone(),
        entry.action.clone(),
        entry.subject.clone(),
        entry.data.to_string(),
    );
    conn.execute(
        "INSERT INTO audit (seq, at, actor, action, subject, data, prev_mac, mac)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![
            record.seq as i64,
            record.at,
            record.actor,
            record.action,
            record.subject,
            record.data,
            record.prev_mac.to_vec(),
            record.mac.to_vec()
        ],
    )?;
    Ok(record)
}

/// A stored audit row as read: (seq, at, actor, action, subject, data, prev_mac, mac).
type RawRow = (
    i64,
    String,
    String,
    String,
    String,
    String,
    Vec<u8>,
    Vec<u8>,
);

fn row_to_record(r: &rusqlite::Row<'_>) -> rusqlite::Result<RawRow> {
    Ok((
        r.get(0)?,
        r.get(1)?,
        r.get(2)?,
        r.get(3)?,
        r.get(4)?,
        r.get(5)?,
        r.get(6)?,
        r.get(7)?,
    ))
}

/// Reads a stored row for verification. A column of the wrong type (a BLOB where text belongs,
/// text where a MAC belongs, text that is not UTF-8, a NULL) or a MAC of the wrong length is a
/// tampered record, not a read error: the chain breaks at it. A bad `seq` reads as 0 (a
/// `sequence` break), a bad `prev_mac` as `[0xff; 32]` (a `link` break), and a bad text column or
/// `mac` gives the record the MAC `[0xff; 32]`, which its fields cannot produce (a `mac` break).
fn stored_record(r: &rusqlite::Row<'_>) -> rusqlite::Result<AuditRecord> {
    use rusqlite::types::ValueRef;
    const UNREADABLE: MacBytes = [0xff; 32];
    let seq = match r.get_ref(0)? {
        // A negative seq wraps to a huge one: a sequence break too.
        ValueRef::Integer(i) => i as u64,
        _ => 0,
    };
    let mut malformed = false;
    let mut text = |i: usize| -> rusqlite::Result<String> {
        Ok(match r.get_ref(i)? {
            ValueRef::Text(bytes) => match std::str::from_utf8(bytes) {
                Ok(s) => s.to_owned(),
                Err(_) => {
                    malformed = true;
                    String::new()
                }
            },
            _ => {
                malformed = true;
                String::new()
            }
        })
    };
    let (at, actor, action, subject, data) = (text(1)?, text(2)?, text(3)?, text(4)?, text(5)?);
    let mac_column = |i: usize| -> rusqlite::Result<Option<MacBytes>> {
        Ok(match r.get_ref(i)? {
            ValueRef::Blob(bytes) => bytes.try_into().ok(),
            _ => None,
        })
    };
    let prev_mac = mac_column(6)?.unwrap_or(UNREADABLE);
    let mac = match mac_column(7)? {
        Some(mac) if !malformed => mac,
        _ => UNREADABLE,
    };
    Ok(AuditRecord {
        seq,
        at,
        actor,
        action,
        subject,
        data,
        prev_mac,
        mac,
    })
}

impl Store {
    /// Appends one event in its own transaction (sign-in, export, a rules or model change).
    pub fn audit(&mut self, entry: &AuditEntry) -> Result<AuditRecord> {
        let tx = self.conn.transaction()?;
        let record = append(&tx, &self.audit_key, entry)?;
        tx.commit()?;
        Ok(record)
    }

    /// Benchmarks only (`benches/audit.rs`): appends `n` records of `entry` in ONE transaction —
    /// the same chain as `n` calls of [`Store::audit`], without a commit (and fsync) per record,
    /// so a million-record log loads in seconds. The app never uses it: every real write appends
    /// its own record inside its own transaction.
    #[doc(hidden)]
    pub fn bench_append_many(&mut self, n: u64, entry: &AuditEntry) -> Result<()> {
        let tx = self.conn.transaction()?;
        for _ in 0..n {
            append(&tx, &self.audit_key, entry)?;
        }
        tx.commit()?;
        Ok(())
    }

    /// The head of the audit log: (number of records, MAC of the last; zeros when empty).
    pub fn audit_head(&self) -> Result<(u64, MacBytes)> {
        Ok(head(&self.conn)?.unwrap_or((0, GENESIS_MAC)))
    }

    /// Records with `seq > after`, oldest first, at most `limit`.
    pub fn audit_records(&self, after: u64, limit: usize) -> Result<Vec<AuditRecord>> {
        let mut stmt = self.conn.prepare(
            "SELECT seq, at, actor, action, subject, data, prev_mac, mac FROM audit
             WHERE seq > ?1 ORDER BY seq LIMIT ?2",
        )?;
        let rows = stmt.query_map(params![after as i64, limit as i64], row_to_record)?;
        rows.map(|row| {
            let (seq, at, actor, action, subject, data, prev, mac) = row?;
            let seq = seq as u64;
            Ok(AuditRecord {
                seq,
                at,
                actor,
                action,
                subject,
                data,
                prev_mac: mac_from(prev, seq)?,
                mac: mac_from(mac, seq)?,
            })
        })
        .collect()
    }

    /// The newest record with this action, if any (e.g. the rules or model last recorded).
    pub fn last_audit(&self, action: &str) -> Result<Option<AuditRecord>> {
        let seq: Option<i64> = self
            .conn
            .query_row(
                "SELECT seq FROM audit WHERE action = ?1 ORDER BY seq DESC LIMIT 1",
                [action],
                |r| r.get(0),
            )
            .optional()?;
        match seq {
            Some(seq) => Ok(self.audit_records(seq as u64 - 1, 1)?.pop()),
            None => Ok(None),
        }
    }

    /// The last `n` records, newest first (for the app's audit view).
    pub fn audit_tail(&self, n: usize) -> Result<Vec<AuditRecord>> {
        let (records, _) = self.audit_head()?;
        let mut out = self.audit_records(records.saturating_sub(n as u64), n)?;
        out.reverse();
        Ok(out)
    }

    /// Verifies the whole chain in stored (rowid) order, streaming, and — when given — that it
    /// reaches `checkpoint` = (records, head MAC) of a signed checkpoint (truncation).
    pub fn verify_audit(&self, checkpoint: Option<(u64, MacBytes)>) -> Result<AuditVerifyReport> {
        let mut verifier = ChainVerifier::new(&self.audit_key, checkpoint);
        // Stored order is rowid order (seq is the rowid): a reordered or renumbered row shows
        // as a sequence or link break.
        let mut stmt = self.conn.prepare(
            "SELECT seq, at, actor, action, subject, data, prev_mac, mac FROM audit ORDER BY rowid",
        )?;
        let mut rows = stmt.query([])?;
        while let Some(row) = rows.next()? {
            verifier.push(&stored_record(row)?);
        }
        Ok(verifier.finish())
    }
}
