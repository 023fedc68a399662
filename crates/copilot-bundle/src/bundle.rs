//! Review bundles: one file, signed by the sender (Ed25519) and encrypted to the recipient (age).

use crate::checkpoint::verify_checkpoint;
use crate::error::{BundleError, Result};
use crate::keys::{
    fingerprint_bytes, parse_recipient, parse_signature, parse_verifying_key, validate_user_id,
    verify, UserKeys,
};
use copilot_protocol::review::{AuditCheckpoint, Decision, ReviewRecord, Role, UserInfo};
use copilot_protocol::DraftReport;
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use sha2::{Digest, Sha256};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

/// Format tag of a bundle: the first line of the file and the `format` of both headers.
pub const BUNDLE_FORMAT: &str = "wealth-copilot/bundle/1";

/// Largest bundle file accepted, bytes (64 MiB).
pub const MAX_BUNDLE_BYTES: usize = 64 * 1024 * 1024;

/// How far in the future (relative to the opener's clock) a bundle's `created_at` may be,
/// seconds (1 day): more is [`BundleError::FromTheFuture`].
pub const MAX_CLOCK_SKEW_SECS: i64 = 24 * 60 * 60;

const MAX_CLEAR_HEADER_BYTES: usize = 4096;

/// What a bundle carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BundleKind {
    /// `review_request`: an advisor submits a draft to a supervisor.
    ReviewRequest,
    /// `decision`: the supervisor's decision, back to the advisor.
    Decision,
}

impl BundleKind {
    /// The stable name (`review_request`, `decision`).
    pub fn as_str(self) -> &'static str {
        match self {
            BundleKind::ReviewRequest => "review_request",
            BundleKind::Decision => "decision",
        }
    }
}

/// The signed header of a bundle (inside the encryption).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BundleHeader {
    /// [`BUNDLE_FORMAT`].
    pub format: String,
    /// Random UUID v4 (hyphenated, lowercase): the app records the ids it has imported and
    /// refuses a second import (replay).
    pub bundle_id: String,
    /// What the payload is.
    pub kind: BundleKind,
    /// Sender's user id.
    pub from: String,
    /// Sender's Ed25519 verifying key, 64 lowercase hex.
    pub from_signing_key: String,
    /// Recipient's user id.
    pub to: String,
    /// Recipient's age recipient, `age1…`.
    pub to_recipient: String,
    /// When the bundle was made, RFC 3339 UTC with seconds (`2026-11-30T09:00:00Z`).
    pub created_at: String,
}

/// The clear header on the outside of a bundle file: enough to route it and to refuse a
/// misaddressed file before decrypting. Not authenticated by itself; [`open_bundle`] checks it
/// against the signed [`BundleHeader`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClearHeader {
    /// [`BUNDLE_FORMAT`].
    pub format: String,
    /// As in [`BundleHeader`].
    pub bundle_id: String,
    /// As in [`BundleHeader`].
    pub kind: BundleKind,
    /// Sender's user id.
    pub from: String,
    /// Recipient's user id.
    pub to: String,
}

/// The content of a bundle (JSON, tagged by `kind`: `review_request` or `decision`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
#[allow(clippy::large_enum_variant)] // built once per file; boxing would only change the API
pub enum BundlePayload {
    /// The advisor's submission: the draft, its review record and a signed head of the
    /// advisor's audit log (signed by the sender).
    ReviewRequest {
        /// The draft as submitted (memo text, rule trace, citations, provenance…).
        draft: DraftReport,
        /// Its review record (state `submitted`).
        review: ReviewRecord,
        /// Head of the sender's audit log, signed by the sender.
        checkpoint: AuditCheckpoint,
    },
    /// The supervisor's decision on a request.
    Decision {
        /// The draft decided on.
        draft_id: String,
        /// Approve, request changes or reject.
        decision: Decision,
        /// The supervisor's comment.
        comment: Option<String>,
        /// Supervisor's user id (must be the sender).
        reviewer: String,
        /// Supervisor's display name.
        reviewer_name: String,
        /// When decided, RFC 3339.
        decided_at: String,
        /// SHA-256 (hex) of the memo text decided on.
        text_sha256: String,
        /// The `bundle_id` of the review request this answers.
        in_reply_to: String,
        /// The review record after the decision, on the supervisor's side.
        review: ReviewRecord,
        /// Head of the supervisor's audit log, signed by the sender.
        checkpoint: AuditCheckpoint,
    },
}

impl BundlePayload {
    /// The kind of this payload.
    pub fn kind(&self) -> BundleKind {
        match self {
            BundlePayload::ReviewRequest { .. } => BundleKind::ReviewRequest,
            BundlePayload::Decision { .. } => BundleKind::Decision,
        }
    }

    /// The draft the payload is about.
    pub fn draft_id(&self) -> &str {
        match self {
            BundlePayload::ReviewRequest { draft, .. } => &draft.draft_id,
            BundlePayload::Decision { draft_id, .. } => draft_id,
        }
    }

    /// The signed audit checkpoint carried.
    pub fn checkpoint(&self) -> &AuditCheckpoint {
        match self {
            BundlePayload::ReviewRequest { checkpoint, .. }
            | BundlePayload::Decision { checkpoint, .. } => checkpoint,
        }
    }

    /// Checks that the payload agrees with its sender (the signer of the bundle).
    fn check_consistent(&self, from: &str, from_signing_key: &str) -> Result<()> {
        let bad = |m: String| Err(BundleError::Inconsistent(m));
        let cp = self.checkpoint();
        if cp.signer != from || cp.signing_key != from_signing_key {
            return bad(format!(
                "the audit checkpoint is signed by {:?}, not by the sender {from:?}",
                cp.signer
            ));
        }
        verify_checkpoint(cp).map_err(|e| {
            BundleError::Inconsistent(format!("the audit checkpoint does not verify: {e}"))
        })?;
        match self {
            BundlePayload::ReviewRequest { draft, review, .. } => {
                if review.draft_id != draft.draft_id {
                    return bad(format!(
                        "the review record is for draft {:?}, the draft is {:?}",
                        review.draft_id, draft.draft_id
                    ));
                }
            }
            BundlePayload::Decision {
                draft_id,
                reviewer,
                review,
                ..
            } => {
                if reviewer != from {
                    return bad(format!(
                        "the decision names reviewer {reviewer:?} but was sent by {from:?}"
                    ));
                }
                if &review.draft_id != draft_id {
                    return bad(format!(
                        "the review record is for draft {:?}, the decision for {draft_id:?}",
                        review.draft_id
                    ));
                }
                if &review.drafter == reviewer {
                    return bad(format!(
                        "{reviewer:?} drafted this recommendation and cannot decide on it (S22)"
                    ));
                }
            }
        }
        Ok(())
    }
}

/// A bundle that opened: decrypted, signature verified, headers and payload consistent.
#[derive(Debug, Clone, PartialEq)]
pub struct OpenedBundle {
    /// The signed header (its `bundle_id` is what the app records against replay).
    pub header: BundleHeader,
    /// The content.
    pub payload: BundlePayload,
}

#[derive(Serialize)]
struct InnerOut<'a> {
    header: &'a BundleHeader,
    payload: &'a RawValue,
    signature: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct InnerIn<'a> {
    header: BundleHeader,
    #[serde(borrow)]
    payload: &'a RawValue,
    signature: String,
}

/// The bytes the sender's Ed25519 signature covers: the compact JSON of the header (fields in
/// declaration order) followed by the 32-byte SHA-256 of the payload's JSON bytes exactly as
/// they appear in the inner document.
fn signed_message(header: &BundleHeader, payload_json: &[u8]) -> Vec<u8> {
    let mut m = serde_json::to_vec(header).unwrap_or_default();
    m.extend_from_slice(&Sha256::digest(payload_json));
    m
}

fn rfc3339_seconds(t: OffsetDateTime) -> String {
    let t = t
        .to_offset(time::UtcOffset::UTC)
        .replace_nanosecond(0)
        .unwrap_or(t);
    t.format(&Rfc3339).unwrap_or_default()
}

/// Seals a bundle now (UTC clock). See [`seal_bundle_at`].
pub fn seal_bundle(
    sender_id: &str,
    sender_keys: &UserKeys,
    recipient: &UserInfo,
    payload: &BundlePayload,
) -> Result<(BundleHeader, Vec<u8>)> {
    seal_bundle_at(
        sender_id,
        sender_keys,
        recipient,
        payload,
        OffsetDateTime::now_utc(),
    )
}

/// Seals `payload` from `sender_id` to `recipient`, dated `created_at`: sign, then encrypt.
///
/// File layout (format `wealth-copilot/bundle/1`, extension `.wcbundle` suggested):
///
/// ```text
/// wealth-copilot/bundle/1\n
/// {"format":"wealth-copilot/bundle/1","bundle_id":"…","kind":"review_request","from":"adv1","to":"mgr1"}\n
/// <binary age v1 file (age-encryption.org/v1), X25519, to the recipient's age1… key>
/// ```
///
/// The age plaintext is the compact JSON `{"header": BundleHeader, "payload": BundlePayload,
/// "signature": "<128 hex>"}`, the signature by the sender's Ed25519 key over the header's
/// compact JSON ‖ SHA-256(payload JSON bytes).
///
/// Returns the signed header and the file's bytes. Errors: [`BundleError::InvalidUserId`],
/// [`BundleError::InvalidKey`] (the recipient's age key does not parse),
/// [`BundleError::Inconsistent`] (sending to oneself; the payload's checkpoint not signed by
/// the sender's keys; a decision whose reviewer is not the sender or is the drafter),
/// [`BundleError::RoleNotAllowed`] (a review request to a user who is not a supervisor),
/// [`BundleError::Encrypt`].
pub fn seal_bundle_at(
    sender_id: &str,
    sender_keys: &UserKeys,
    recipient: &UserInfo,
    payload: &BundlePayload,
    created_at: OffsetDateTime,
) -> Result<(BundleHeader, Vec<u8>)> {
    validate_user_id(sender_id)?;
    validate_user_id(&recipient.user_id)?;
    if sender_id == recipient.user_id {
        return Err(BundleError::Inconsistent(format!(
            "{sender_id:?} cannot send a bundle to themselves"
        )));
    }
    let age_recipient = parse_recipient(&recipient.age_recipient)?;
    let header = BundleHeader {
        format: BUNDLE_FORMAT.into(),
        bundle_id: uuid::Uuid::new_v4().to_string(),
        kind: payload.kind(),
        from: sender_id.into(),
        from_signing_key: sender_keys.signing_key_hex(),
        to: recipient.user_id.clone(),
        to_recipient: recipient.age_recipient.clone(),
        created_at: rfc3339_seconds(created_at),
    };
    payload.check_consistent(&header.from, &header.from_signing_key)?;
    if payload.kind() == BundleKind::ReviewRequest && recipient.role != Role::Supervisor {
        return Err(BundleError::RoleNotAllowed {
            user_id: recipient.user_id.clone(),
            role: recipient.role,
            needed: "a review request must go to a supervisor",
        });
    }
    let payload_json = serde_json::to_string(payload)
        .map_err(|e| BundleError::Malformed(format!("payload: {e}")))?;
    let payload_raw = RawValue::from_string(payload_json)
        .map_err(|e| BundleError::Malformed(format!("payload: {e}")))?;
    let signature = sender_keys.sign(&signed_message(&header, payload_raw.get().as_bytes()));
    let inner = serde_json::to_vec(&InnerOut {
        header: &header,
        payload: &payload_raw,
        signature: hex::encode(signature.to_bytes()),
    })
    .map_err(|e| BundleError::Malformed(format!("inner document: {e}")))?;
    let ciphertext =
        age::encrypt(&age_recipient, &inner).map_err(|e| BundleError::Encrypt(e.to_string()))?;
    let clear = ClearHeader {
        format: header.format.clone(),
        bundle_id: header.bundle_id.clone(),
        kind: header.kind,
        from: header.from.clone(),
        to: header.to.clone(),
    };
    let mut out = Vec::with_capacity(ciphertext.len() + 256);
    out.extend_from_slice(BUNDLE_FORMAT.as_bytes());
    out.push(b'\n');
    out.extend(serde_json::to_vec(&clear).unwrap_or_default());
    out.push(b'\n');
    out.extend(ciphertext);
    if out.len() > MAX_BUNDLE_BYTES {
        return Err(BundleError::Malformed(format!(
            "the bundle would be {} bytes, over the {MAX_BUNDLE_BYTES}-byte limit",
            out.len()
        )));
    }
    Ok((header, out))
}

fn split_line(bytes: &[u8], max: usize) -> Option<(&[u8], &[u8])> {
    let n = bytes.iter().take(max + 1).position(|&b| b == b'\n')?;
    Some((&bytes[..n], &bytes[n + 1..]))
}

/// Splits a bundle file into its clear header and the age ciphertext, without keys.
fn split(bytes: &[u8]) -> Result<(ClearHeader, &[u8])> {
    if bytes.len() > MAX_BUNDLE_BYTES {
        return Err(BundleError::Malformed(format!(
            "{} bytes, over the {MAX_BUNDLE_BYTES}-byte limit",
            bytes.len()
        )));
    }
    let wrong = |found: String| BundleError::WrongFormat {
        expected: BUNDLE_FORMAT,
        found,
    };
    let (magic, rest) = match split_line(bytes, 64) {
        Some(x) => x,
        None if bytes.starts_with(b"{") => {
            return Err(wrong("a JSON file, not a bundle".into()));
        }
        None => return Err(wrong("no format line".into())),
    };
    if magic != BUNDLE_FORMAT.as_bytes() {
        let found = String::from_utf8_lossy(magic).into_owned();
        return Err(if found.starts_with("wealth-copilot/bundle/") {
            wrong(format!(
                "{found:?}: a bundle format this version does not read"
            ))
        } else if found.starts_with("age-encryption.org/") {
            wrong("a bare age file".into())
        } else {
            wrong(format!("first line {found:?}"))
        });
    }
    let (line, ciphertext) = split_line(rest, MAX_CLEAR_HEADER_BYTES).ok_or_else(|| {
        BundleError::Malformed("the clear header line is missing or too long".into())
    })?;
    let clear: ClearHeader = serde_json::from_slice(line)
        .map_err(|e| BundleError::Malformed(format!("clear header: {e}")))?;
    // Exactly one spelling is accepted: no variant (escapes, spaces, order) slips through.
    if serde_json::to_vec(&clear).unwrap_or_default() != line {
        return Err(BundleError::Malformed(
            "the clear header is not in canonical form".into(),
        ));
    }
    if clear.format != BUNDLE_FORMAT {
        return Err(BundleError::Malformed(format!(
            "the clear header says format {:?}",
            clear.format
        )));
    }
    validate_bundle_id(&clear.bundle_id)?;
    validate_user_id(&clear.from)?;
    validate_user_id(&clear.to)?;
    Ok((clear, ciphertext))
}

fn validate_bundle_id(id: &str) -> Result<()> {
    match uuid::Uuid::parse_str(id) {
        Ok(u) if u.get_version_num() == 4 && u.hyphenated().to_string() == id => Ok(()),
        _ => Err(BundleError::Malformed(format!(
            "bundle id {id:?} is not a lowercase UUID v4"
        ))),
    }
}

/// Reads a bundle's clear header without any key: to show who it is from and to whom, and to
/// check the bundle id against the ones already imported before asking for a password.
/// NOT authenticated: only [`open_bundle`] proves anything.
///
/// Errors: [`BundleError::WrongFormat`], [`BundleError::Malformed`],
/// [`BundleError::InvalidUserId`].
pub fn peek_bundle(bytes: &[u8]) -> Result<ClearHeader> {
    split(bytes).map(|(clear, _)| clear)
}

/// Opens a bundle with the opener's clock. See [`open_bundle_at`].
pub fn open_bundle(
    bytes: &[u8],
    me: &UserInfo,
    my_keys: &UserKeys,
    sender_lookup: impl Fn(&str) -> Option<UserInfo>,
) -> Result<OpenedBundle> {
    open_bundle_at(bytes, me, my_keys, sender_lookup, OffsetDateTime::now_utc())
}

/// Opens a bundle addressed to `me` (whose secret keys are `my_keys`), looking the sender up
/// with `sender_lookup` (user id → the [`UserInfo`] imported from their public key file).
///
/// Checks, in order, each failure its own error:
/// 1. the format line and the clear header: [`BundleError::WrongFormat`],
///    [`BundleError::Malformed`], [`BundleError::InvalidUserId`];
/// 2. the clear `to` is `me`: [`BundleError::NotForMe`] (before any decryption);
/// 3. the sender is known: [`BundleError::UnknownSender`];
/// 4. age decryption with `my_keys`: [`BundleError::Decrypt`] (altered ciphertext, or not
///    encrypted to my key);
/// 5. the inner document parses: [`BundleError::Malformed`];
/// 6. the clear header equals the signed one, and the signed recipient key is mine:
///    [`BundleError::HeaderMismatch`];
/// 7. the signed sender key is the one we know for the sender:
///    [`BundleError::SenderKeyMismatch`];
/// 8. the Ed25519 signature with the known key: [`BundleError::BadSignature`];
/// 9. the payload parses and agrees with the header, its checkpoint is the sender's and
///    verifies, a decision's reviewer is the sender and not the drafter:
///    [`BundleError::Malformed`], [`BundleError::Inconsistent`];
/// 10. roles (S22): a review request is opened by a supervisor, a decision comes from one
///     (as `sender_lookup` says): [`BundleError::RoleNotAllowed`];
/// 11. `created_at` is at most [`MAX_CLOCK_SKEW_SECS`] after `now`:
///     [`BundleError::FromTheFuture`].
///
/// Replay is NOT detected here: the app refuses a `header.bundle_id` it has already imported.
/// [`BundleError::InvalidKey`] if `my_keys` are not `me`'s keys.
pub fn open_bundle_at(
    bytes: &[u8],
    me: &UserInfo,
    my_keys: &UserKeys,
    sender_lookup: impl Fn(&str) -> Option<UserInfo>,
    now: OffsetDateTime,
) -> Result<OpenedBundle> {
    let (clear, ciphertext) = split(bytes)?;
    if clear.to != me.user_id {
        return Err(BundleError::NotForMe {
            to: clear.to,
            me: me.user_id.clone(),
        });
    }
    if me.age_recipient != my_keys.age_recipient() || me.signing_key != my_keys.signing_key_hex() {
        return Err(BundleError::InvalidKey(format!(
            "the keys given are not those of user {:?}",
            me.user_id
        )));
    }
    let sender =
        sender_lookup(&clear.from).ok_or_else(|| BundleError::UnknownSender(clear.from.clone()))?;
    if sender.user_id != clear.from {
        return Err(BundleError::UnknownSender(clear.from.clone()));
    }
    let plain = age::decrypt(my_keys.identity(), ciphertext).map_err(|e| {
        BundleError::Decrypt(match e {
            age::DecryptError::NoMatchingKeys => {
                "it is not encrypted to your key (sent to someone else, or your key changed)".into()
            }
            other => format!("the file was altered or damaged ({other})"),
        })
    })?;
    let inner: InnerIn<'_> = serde_json::from_slice(&plain)
        .map_err(|e| BundleError::Malformed(format!("inner document: {e}")))?;
    let h = &inner.header;
    let mismatch = |field| Err(BundleError::HeaderMismatch { field });
    if h.format != clear.format {
        return mismatch("format");
    }
    if h.bundle_id != clear.bundle_id {
        return mismatch("bundle_id");
    }
    if h.kind != clear.kind {
        return mismatch("kind");
    }
    if h.from != clear.from {
        return mismatch("from");
    }
    if h.to != clear.to {
        return mismatch("to");
    }
    if h.to_recipient != me.age_recipient {
        return mismatch("to_recipient");
    }
    let known = parse_verifying_key(&sender.signing_key)?;
    if h.from_signing_key != hex::encode(known.as_bytes()) {
        return Err(BundleError::SenderKeyMismatch {
            user_id: h.from.clone(),
            expected: fingerprint_bytes(known.as_bytes()),
            found: parse_verifying_key(&h.from_signing_key)
                .map(|k| fingerprint_bytes(k.as_bytes()))
                .unwrap_or_else(|_| h.from_signing_key.clone()),
        });
    }
    let sig = parse_signature(&inner.signature)?;
    verify(
        &known,
        &signed_message(h, inner.payload.get().as_bytes()),
        &sig,
    )?;
    let payload: BundlePayload = serde_json::from_str(inner.payload.get())
        .map_err(|e| BundleError::Malformed(format!("payload: {e}")))?;
    if payload.kind() != h.kind {
        return Err(BundleError::Inconsistent(format!(
            "the header says {} but the payload is a {}",
            h.kind.as_str(),
            payload.kind().as_str()
        )));
    }
    payload.check_consistent(&h.from, &h.from_signing_key)?;
    match payload.kind() {
        BundleKind::ReviewRequest if me.role != Role::Supervisor => {
            return Err(BundleError::RoleNotAllowed {
                user_id: me.user_id.clone(),
                role: me.role,
                needed: "only a supervisor can receive a review request",
            })
        }
        BundleKind::Decision if sender.role != Role::Supervisor => {
            return Err(BundleError::RoleNotAllowed {
                user_id: sender.user_id.clone(),
                role: sender.role,
                needed: "only a supervisor can send a decision",
            })
        }
        _ => {}
    }
    let created = OffsetDateTime::parse(&h.created_at, &Rfc3339).map_err(|_| {
        BundleError::Malformed(format!("created_at {:?} is not RFC 3339", h.created_at))
    })?;
    if (created - now).whole_seconds() > MAX_CLOCK_SKEW_SECS {
        return Err(BundleError::FromTheFuture {
            created_at: h.created_at.clone(),
            now: rfc3339_seconds(now),
        });
    }
    Ok(OpenedBundle {
        header: inner.header,
        payload,
    })
}

#[cfg(test)]
mod tests {
    //! Attacks that need the inside of a bundle: decrypt with the recipient's key (as an
    //! attacker who has it, or who builds the inner document from scratch), alter, re-encrypt.
    use super::*;
    use crate::checkpoint::sign_checkpoint;
    use copilot_protocol::review::{ReviewState, Role};

    struct U {
        info: UserInfo,
        keys: UserKeys,
    }

    fn user(id: &str, role: Role) -> U {
        let keys = UserKeys::generate();
        U {
            info: UserInfo {
                user_id: id.into(),
                display_name: id.into(),
                role,
                signing_key: keys.signing_key_hex(),
                age_recipient: keys.age_recipient(),
                local: true,
                created_at: "2026-11-30T09:00:00Z".into(),
            },
            keys,
        }
    }

    fn decision(from: &U) -> BundlePayload {
        BundlePayload::Decision {
            draft_id: "D-1".into(),
            decision: Decision::Approve,
            comment: None,
            reviewer: from.info.user_id.clone(),
            reviewer_name: from.info.display_name.clone(),
            decided_at: "2026-11-30T10:00:00Z".into(),
            text_sha256: "cd".repeat(32),
            in_reply_to: uuid::Uuid::new_v4().to_string(),
            review: ReviewRecord {
                draft_id: "D-1".into(),
                version: 1,
                previous_version: None,
                state: ReviewState::Approved,
                drafter: "adv1".into(),
                reviewer: Some(from.info.user_id.clone()),
                events: vec![],
            },
            checkpoint: sign_checkpoint(
                &from.keys,
                &from.info.user_id,
                3,
                &"00".repeat(32),
                "2026-11-30T10:00:00Z",
            ),
        }
    }

    /// Decrypts `file` with `keys`, lets `edit` change the inner JSON, re-encrypts to the same
    /// recipient with the same clear header.
    fn reencrypt(file: &[u8], keys: &UserKeys, edit: impl Fn(&mut serde_json::Value)) -> Vec<u8> {
        let (clear, ct) = split(file).unwrap();
        let plain = age::decrypt(keys.identity(), ct).unwrap();
        let mut v: serde_json::Value = serde_json::from_slice(&plain).unwrap();
        edit(&mut v);
        let inner = serde_json::to_vec(&v).unwrap();
        let ct = age::encrypt(&keys.identity().to_public(), &inner).unwrap();
        let mut out = format!("{BUNDLE_FORMAT}\n").into_bytes();
        out.extend(serde_json::to_vec(&clear).unwrap());
        out.push(b'\n');
        out.extend(ct);
        out
    }

    fn resign(v: &mut serde_json::Value, keys: &UserKeys) {
        let header: BundleHeader = serde_json::from_value(v["header"].clone()).unwrap();
        let payload = serde_json::to_vec(&v["payload"]).unwrap();
        v["signature"] =
            hex::encode(keys.sign(&signed_message(&header, &payload)).to_bytes()).into();
    }

    #[test]
    fn altered_and_re_encrypted_contents_are_refused() {
        let adv = user("adv1", Role::Advisor);
        let mgr = user("mgr1", Role::Supervisor);
        let mallory = user("mallory", Role::Supervisor);
        let (_, file) = seal_bundle("mgr1", &mgr.keys, &adv.info, &decision(&mgr)).unwrap();
        let known = |id: &str| (id == "mgr1").then(|| mgr.info.clone());
        let open = |b: &[u8]| open_bundle(b, &adv.info, &adv.keys, known);
        // Re-encrypted and re-signed by the real sender: still genuine (the helper works).
        assert!(open(&reencrypt(&file, &adv.keys, |v| resign(v, &mgr.keys))).is_ok());

        let bad_sig = [
            // Approve turned into reject, the comment changed, the date moved.
            reencrypt(&file, &adv.keys, |v| {
                v["payload"]["decision"] = "reject".into()
            }),
            reencrypt(&file, &adv.keys, |v| v["payload"]["comment"] = "ok".into()),
            reencrypt(&file, &adv.keys, |v| {
                v["header"]["created_at"] = "2026-01-01T00:00:00Z".into()
            }),
            // The impostor signs with their own key but leaves the manager's key in the header.
            reencrypt(&file, &adv.keys, |v| resign(v, &mallory.keys)),
            // Whitespace in the payload: the signature covers its exact bytes.
            {
                let (clear, ct) = split(&file).unwrap();
                let plain = age::decrypt(adv.keys.identity(), ct).unwrap();
                let s = String::from_utf8(plain).unwrap().replacen(
                    "\"payload\":{",
                    "\"payload\":{ ",
                    1,
                );
                let mut out = format!("{BUNDLE_FORMAT}\n").into_bytes();
                out.extend(serde_json::to_vec(&clear).unwrap());
                out.push(b'\n');
                out.extend(age::encrypt(&adv.keys.identity().to_public(), s.as_bytes()).unwrap());
                out
            },
        ];
        for (i, b) in bad_sig.iter().enumerate() {
            assert!(
                matches!(open(b), Err(BundleError::BadSignature)),
                "case {i}: {:?}",
                open(b)
            );
        }

        // The impostor puts their own key in the header and signs: not the known key.
        let swapped = reencrypt(&file, &adv.keys, |v| {
            v["header"]["from_signing_key"] = mallory.keys.signing_key_hex().into();
            resign(v, &mallory.keys);
        });
        assert!(matches!(
            open(&swapped),
            Err(BundleError::SenderKeyMismatch { .. })
        ));

        // Signed header names another recipient key than mine.
        let other = reencrypt(&file, &adv.keys, |v| {
            v["header"]["to_recipient"] = mallory.keys.age_recipient().into();
        });
        assert!(matches!(
            open(&other),
            Err(BundleError::HeaderMismatch {
                field: "to_recipient"
            })
        ));

        // Genuinely signed by the manager but self-contradictory (kind ≠ payload): caught.
        let contradictory = reencrypt(&file, &adv.keys, |v| {
            v["header"]["kind"] = "review_request".into();
            resign(v, &mgr.keys);
        });
        assert!(matches!(
            open(&contradictory),
            Err(BundleError::HeaderMismatch { field: "kind" })
        ));
        let extra = reencrypt(&file, &adv.keys, |v| v["note"] = "x".into());
        assert!(matches!(open(&extra), Err(BundleError::Malformed(_))));
    }
}
