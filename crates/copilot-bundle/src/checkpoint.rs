//! Signed audit checkpoints.

use crate::error::Result;
use crate::keys::{parse_signature, parse_verifying_key, verify, UserKeys};
use copilot_core::audit::checkpoint_message;
use copilot_protocol::review::AuditCheckpoint;

/// Signs the head of an audit log: `records` records, the last with MAC `head_mac_hex`
/// (64 lowercase hex, all zeros for an empty log), at `at` (RFC 3339), by `signer_user_id`.
///
/// The Ed25519 signature covers `copilot_core::audit::checkpoint_message(records,
/// head_mac_hex, at, signer_user_id)`; the checkpoint carries the signer's verifying key
/// (64 hex) and the signature (128 hex).
pub fn sign_checkpoint(
    keys: &UserKeys,
    signer_user_id: &str,
    records: u64,
    head_mac_hex: &str,
    at: &str,
) -> AuditCheckpoint {
    let sig = keys.sign(&checkpoint_message(
        records,
        head_mac_hex,
        at,
        signer_user_id,
    ));
    AuditCheckpoint {
        records,
        head_mac: head_mac_hex.into(),
        at: at.into(),
        signer: signer_user_id.into(),
        signing_key: keys.signing_key_hex(),
        signature: hex::encode(sig.to_bytes()),
    }
}

/// Verifies a checkpoint's signature with the key it carries (`verify_strict`).
///
/// This proves the checkpoint was not altered since `signing_key` signed it; the CALLER must
/// check that `signing_key` is the key it knows for `signer`. Errors:
/// [`crate::BundleError::InvalidKey`] (key does not parse), [`crate::BundleError::Malformed`]
/// (signature not 128 hex), [`crate::BundleError::BadSignature`].
pub fn verify_checkpoint(checkpoint: &AuditCheckpoint) -> Result<()> {
    let key = parse_verifying_key(&checkpoint.signing_key)?;
    let sig = parse_signature(&checkpoint.signature)?;
    verify(
        &key,
        &checkpoint_message(
            checkpoint.records,
            &checkpoint.head_mac,
            &checkpoint.at,
            &checkpoint.signer,
        ),
        &sig,
    )
}
