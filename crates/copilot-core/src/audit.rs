//! The tamper-evident audit log: an append-only chain of records, each authenticated with
//! HMAC-SHA-256 (RFC 2104, FIPS 198-1) over its own fields and the previous record's MAC.
//!
//! `mac[n] = HMAC(K, "wealth-copilot/audit/1" ‖ u64be(seq) ‖ lp(at) ‖ lp(actor) ‖ lp(action) ‖
//! lp(subject) ‖ lp(data) ‖ mac[n-1])` with `lp(x) = u32be(len(x)) ‖ x` and `mac[0]` = 32 zero
//! bytes. Sequence numbers start at 1 and have no gaps. Changing, deleting, inserting or
//! reordering a record breaks the chain at that record; cutting records off the end is caught
//! against a signed [`AuditCheckpoint`](copilot_protocol::review::AuditCheckpoint) (records + head
//! MAC), which every export carries.
//!
//! The key `K` is derived from the database key ([`AuditKey::derive`]), so only a holder of the
//! vault's key can extend the chain; the store additionally refuses `UPDATE`/`DELETE` on the
//! audit table (triggers).

use crate::secret::DatabaseKey;
use copilot_protocol::review::AuditVerifyReport;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use zeroize::Zeroize;

type HmacSha256 = Hmac<Sha256>;

/// Domain-separation prefix of every MAC input.
const DOMAIN: &[u8] = b"wealth-copilot/audit/1";

/// A MAC: 32 bytes.
pub type MacBytes = [u8; 32];

/// The MAC before the first record.
pub const GENESIS_MAC: MacBytes = [0u8; 32];

/// The names of audited actions (the `action` field).
pub mod actions {
    /// Clients, holdings, products or documents imported.
    pub const IMPORT: &str = "import";
    /// A draft generated and saved.
    pub const DRAFT: &str = "draft";
    /// The memo text edited by the advisor.
    pub const EDIT: &str = "edit";
    /// A draft invalidated by a product's rating change (S17).
    pub const INVALIDATE: &str = "invalidate";
    /// Submitted (or resubmitted) for review.
    pub const SUBMIT: &str = "submit";
    /// A supervisor's decision (approve / request_changes / reject).
    pub const DECISION: &str = "decision";
    /// A new version of an approved or rejected record.
    pub const NEW_VERSION: &str = "new_version";
    /// A document, CSV or bundle written out.
    pub const EXPORT: &str = "export";
    /// A bundle imported.
    pub const BUNDLE_IMPORT: &str = "bundle_import";
    /// A bundle refused (tampered, misaddressed, replayed, unknown sender, inconsistent).
    pub const BUNDLE_REFUSED: &str = "bundle_refused";
    /// A sign-in refused (unknown user or wrong password).
    pub const SIGN_IN_FAILED: &str = "sign_in_failed";
    /// A user added, a peer's public key imported, or a user's keys changed.
    pub const KEY_CHANGE: &str = "key_change";
    /// A user signed in.
    pub const SIGN_IN: &str = "sign_in";
    /// The rule pack (pack, lint or injection file) in force changed.
    pub const RULES_CHANGE: &str = "rules_change";
    /// The model in use changed.
    pub const MODEL_CHANGE: &str = "model_change";
}

/// The HMAC key of the audit chain; zeroized on drop, redacted in `Debug`.
pub struct AuditKey([u8; 32]);

impl AuditKey {
    /// Derives the audit key from the database key: `HMAC-SHA-256(db_key, "wealth-copilot/audit-key/1")`
    /// (a one-block HKDF-Expand, RFC 5869), so it never equals the database key itself.
    pub fn derive(db_key: &DatabaseKey) -> AuditKey {
        let mut mac = HmacSha256::new_from_slice(db_key.as_bytes()).expect("HMAC takes any key");
        mac.update(b"wealth-copilot/audit-key/1");
        AuditKey(mac.finalize().into_bytes().into())
    }

    /// A key from raw bytes (tests, benchmarks).
    pub fn from_bytes(bytes: [u8; 32]) -> AuditKey {
        AuditKey(bytes)
    }
}

impl Drop for AuditKey {
    fn drop(&mut self) {
        self.0.zeroize();
    }
}

impl std::fmt::Debug for AuditKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("AuditKey(<redacted>)")
    }
}

/// One audit record as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditRecord {
    /// Sequence number, 1-based, no gaps.
    pub seq: u64,
    /// When, RFC 3339 UTC.
    pub at: String,
    /// User id (or OS operator) who acted.
    pub actor: String,
    /// What ([`actions`]).
    pub action: String,
    /// What it concerns: a draft id, a user id, a file's SHA-256, `rules` …; never a client's
    /// name or ID number.
    pub subject: String,
    /// Details and provenance as compact JSON (ids, counts, hashes, versions; no personal data).
    pub data: String,
    /// The previous record's MAC.
    pub prev_mac: MacBytes,
    /// This record's MAC.
    pub mac: MacBytes,
}

fn lp(mac: &mut HmacSha256, field: &str) {
    mac.update(&(field.len() as u32).to_be_bytes());
    mac.update(field.as_bytes());
}

/// The MAC of a record with these fields after `prev_mac` (see the module docs for the layout).
// One argument per MAC input, in the layout's order.
#[allow(clippy::too_many_arguments)]
pub fn record_mac(
    key: &AuditKey,
    seq: u64,
    at: &str,
    actor: &str,
    action: &str,
    subject: &str,
    data: &str,
    prev_mac: &MacBytes,
) -> MacBytes {
    let mut mac = HmacSha256::new_from_slice(&key.0).expect("HMAC takes any key");
    mac.update(DOMAIN);
    mac.update(&seq.to_be_bytes());
    lp(&mut mac, at);
    lp(&mut mac, actor);
    lp(&mut mac, action);
    lp(&mut mac, subject);
    lp(&mut mac, data);
    mac.update(prev_mac);
    mac.finalize().into_bytes().into()
}

impl AuditRecord {
    /// Makes the record that follows `prev` (`None`: the first record), with its MAC.
    pub fn next(
        key: &AuditKey,
        prev: Option<(u64, MacBytes)>,
        at: String,
        actor: String,
        action: String,
        subject: String,
        data: String,
    ) -> AuditRecord {
        let (prev_seq, prev_mac) = prev.unwrap_or((0, GENESIS_MAC));
        let seq = prev_seq + 1;
        let mac = record_mac(key, seq, &at, &actor, &action, &subject, &data, &prev_mac);
        AuditRecord {
            seq,
            at,
            actor,
            action,
            subject,
            data,
            prev_mac,
            mac,
        }
    }

    /// Recomputes this record's MAC from its fields.
    pub fn expected_mac(&self, key: &AuditKey) -> MacBytes {
        record_mac(
            key,
            self.seq,
            &self.at,
            &self.actor,
            &self.action,
            &self.subject,
            &self.data,
            &self.prev_mac,
        )
    }
}

/// Why a chain is broken.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BreakReason {
    /// A record's MAC does not match its fields (modified record, or forged without the key).
    Mac,
    /// A sequence number is missing, repeated or out of order (deleted, inserted or reordered).
    Sequence,
    /// A record does not point at the previous record's MAC.
    Link,
    /// The log ends before a checkpoint's head (records cut off the end) or the checkpoint's
    /// head MAC is not the record's.
    Truncated,
}

impl BreakReason {
    /// Stable name (`mac`, `sequence`, `link`, `truncated`).
    pub fn as_str(self) -> &'static str {
        match self {
            BreakReason::Mac => "mac",
            BreakReason::Sequence => "sequence",
            BreakReason::Link => "link",
            BreakReason::Truncated => "truncated",
        }
    }
}

/// Streaming verifier: feed records in stored order with [`ChainVerifier::push`]; memory is
/// constant, so a log of any length verifies in one pass.
#[derive(Debug)]
pub struct ChainVerifier<'k> {
    key: &'k AuditKey,
    records: u64,
    last_mac: MacBytes,
    broken: Option<(u64, BreakReason)>,
    checkpoint: Option<(u64, MacBytes)>,
    checkpoint_seen: bool,
}

impl<'k> ChainVerifier<'k> {
    /// A verifier; `checkpoint` = (records, head MAC) of a signed checkpoint the log must reach.
    pub fn new(key: &'k AuditKey, checkpoint: Option<(u64, MacBytes)>) -> Self {
        ChainVerifier {
            key,
            records: 0,
            last_mac: GENESIS_MAC,
            broken: None,
            checkpoint,
            checkpoint_seen: matches!(checkpoint, Some((0, _)) | None),
        }
    }

    /// Checks the next record. After the first break the rest is only counted.
    pub fn push(&mut self, r: &AuditRecord) {
        self.records += 1;
        if self.broken.is_some() {
            return;
        }
        let expected_seq = self.records;
        let reason = if r.seq != expected_seq {
            Some(BreakReason::Sequence)
        } else if r.prev_mac != self.last_mac {
            Some(BreakReason::Link)
        } else if r.expected_mac(self.key) != r.mac {
            Some(BreakReason::Mac)
        } else {
            None
        };
        if let Some(reason) = reason {
            self.broken = Some((expected_seq, reason));
            return;
        }
        if let Some((n, head)) = self.checkpoint {
            if n == r.seq {
                if head != r.mac {
                    self.broken = Some((n, BreakReason::Truncated));
                    return;
                }
                self.checkpoint_seen = true;
            }
        }
        self.last_mac = r.mac;
    }

    /// The verdict: `ok`, the number of records read, the first broken sequence number.
    pub fn finish(self) -> AuditVerifyReport {
        let mut broken = self.broken;
        if broken.is_none() && !self.checkpoint_seen {
            // The log ends before the checkpoint: the first missing record is the break.
            broken = Some((self.records + 1, BreakReason::Truncated));
        }
        AuditVerifyReport {
            ok: broken.is_none(),
            records: self.records,
            first_broken: broken.map(|b| b.0),
            reason: broken.map(|b| b.1.as_str().to_string()),
        }
    }

    /// The head so far: (records, MAC of the last verified record).
    pub fn head(&self) -> (u64, MacBytes) {
        (self.records, self.last_mac)
    }
}

/// Verifies a whole chain held in memory. See [`ChainVerifier`].
pub fn verify<'a>(
    key: &AuditKey,
    records: impl IntoIterator<Item = &'a AuditRecord>,
    checkpoint: Option<(u64, MacBytes)>,
) -> AuditVerifyReport {
    let mut v = ChainVerifier::new(key, checkpoint);
    for r in records {
        v.push(r);
    }
    v.finish()
}

/// The canonical text an audit checkpoint signature covers:
/// `wealth-copilot/checkpoint/1\n{records}\n{head_mac hex}\n{at}\n{signer}\n`.
pub fn checkpoint_message(records: u64, head_mac_hex: &str, at: &str, signer: &str) -> Vec<u8> {
    format!("wealth-copilot/checkpoint/1\n{records}\n{head_mac_hex}\n{at}\n{signer}\n").into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chain(key: &AuditKey, n: u64) -> Vec<AuditRecord> {
        let mut out: Vec<AuditRecord> = Vec::new();
        for i in 0..n {
            let prev = out.last().map(|r| (r.seq, r.mac));
            out.push(AuditRecord::next(
                key,
                prev,
                format!("2026-11-30T00:00:{:02}Z", i % 60),
                "adv1".into(),
                actions::DRAFT.into(),
                format!("D-{i}"),
                "{}".into(),
            ));
        }
        out
    }

    #[test]
    fn intact_chain_verifies_and_edits_break_it() {
        let key = AuditKey::from_bytes([7; 32]);
        let log = chain(&key, 10);
        let r = verify(&key, &log, Some((10, log[9].mac)));
        assert!(r.ok, "{r:?}");
        assert_eq!(r.records, 10);

        let mut changed = log.clone();
        changed[4].subject = "D-x".into();
        let r = verify(&key, &changed, None);
        assert_eq!(
            (r.ok, r.first_broken, r.reason.as_deref()),
            (false, Some(5), Some("mac"))
        );

        let mut deleted = log.clone();
        deleted.remove(3);
        assert_eq!(verify(&key, &deleted, None).first_broken, Some(4));

        let cut = &log[..7];
        assert!(
            verify(&key, cut, None).ok,
            "without a checkpoint a cut is invisible"
        );
        let r = verify(&key, cut, Some((10, log[9].mac)));
        assert_eq!(
            (r.first_broken, r.reason.as_deref()),
            (Some(8), Some("truncated"))
        );

        let other = AuditKey::from_bytes([8; 32]);
        assert_eq!(verify(&other, &log, None).first_broken, Some(1));
    }
}
