//! Public key files, exchanged between laptops.

use crate::error::{BundleError, Result};
use crate::keys::{
    fingerprint_bytes, parse_recipient, parse_signature, parse_verifying_key, validate_user_id,
    verify, UserKeys,
};
use copilot_protocol::review::{Role, UserInfo};
use serde::{Deserialize, Serialize};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

/// Format tag of a [`PublicKeyFile`].
pub const PUBLIC_KEY_FORMAT: &str = "wealth-copilot/public-key/1";

/// Largest public key file accepted, bytes.
pub const MAX_PUBLIC_KEY_FILE_BYTES: usize = 64 * 1024;

/// Longest display name accepted, characters.
pub const MAX_DISPLAY_NAME_CHARS: usize = 200;

/// A user's public keys as a file (`<user_id>.wcpub.json`, JSON), exchanged between laptops.
///
/// Self-signed with the user's Ed25519 key over `"wealth-copilot/public-key/1\n"` followed by
/// the compact JSON of the other fields in the order below (without `self_signature`). The
/// self-signature detects corruption and edits; it does NOT prove who made the file (anyone
/// can make a key for "mgr1"): people compare [`PublicKeyFile::fingerprint`] by phone or in
/// person before trusting it.
///
/// ```json
/// { "format": "wealth-copilot/public-key/1", "user_id": "mgr1", "display_name": "王经理",
///   "role": "supervisor", "signing_key": "<64 hex>", "age_recipient": "age1…",
///   "created_at": "2026-11-30T09:00:00Z", "self_signature": "<128 hex>" }
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PublicKeyFile {
    /// [`PUBLIC_KEY_FORMAT`].
    pub format: String,
    /// User id, `[A-Za-z0-9._-]{1,64}`.
    pub user_id: String,
    /// Name shown in the app, 1–200 characters, no control characters.
    pub display_name: String,
    /// Role.
    pub role: Role,
    /// Ed25519 verifying key, 64 lowercase hex.
    pub signing_key: String,
    /// age X25519 recipient, `age1…`.
    pub age_recipient: String,
    /// When the file was made, RFC 3339.
    pub created_at: String,
    /// Ed25519 signature by `signing_key` over the canonical text (see the type doc), 128 hex.
    pub self_signature: String,
}

#[derive(Serialize)]
struct Unsigned<'a> {
    format: &'a str,
    user_id: &'a str,
    display_name: &'a str,
    role: Role,
    signing_key: &'a str,
    age_recipient: &'a str,
    created_at: &'a str,
}

impl PublicKeyFile {
    /// Makes and self-signs the public key file of `keys` for a user.
    ///
    /// `created_at` is RFC 3339 (e.g. `2026-11-30T09:00:00Z`). Errors:
    /// [`BundleError::InvalidUserId`], [`BundleError::Malformed`] (display name empty, too long
    /// or with control characters; `created_at` not RFC 3339).
    pub fn new(
        keys: &UserKeys,
        user_id: &str,
        display_name: &str,
        role: Role,
        created_at: &str,
    ) -> Result<Self> {
        let mut file = PublicKeyFile {
            format: PUBLIC_KEY_FORMAT.into(),
            user_id: user_id.into(),
            display_name: display_name.into(),
            role,
            signing_key: keys.signing_key_hex(),
            age_recipient: keys.age_recipient(),
            created_at: created_at.into(),
            self_signature: String::new(),
        };
        file.validate_fields()?;
        file.self_signature = hex::encode(keys.sign(&file.signed_message()).to_bytes());
        Ok(file)
    }

    /// [`PublicKeyFile::new`] from a local user's [`UserInfo`]. Errors as `new`, and
    /// [`BundleError::InvalidKey`] when `user`'s public keys are not those of `keys`.
    pub fn for_user(keys: &UserKeys, user: &UserInfo) -> Result<Self> {
        if user.signing_key != keys.signing_key_hex() || user.age_recipient != keys.age_recipient()
        {
            return Err(BundleError::InvalidKey(format!(
                "the keys given are not those of user {:?}",
                user.user_id
            )));
        }
        Self::new(
            keys,
            &user.user_id,
            &user.display_name,
            user.role,
            &user.created_at,
        )
    }

    fn signed_message(&self) -> Vec<u8> {
        let unsigned = Unsigned {
            format: &self.format,
            user_id: &self.user_id,
            display_name: &self.display_name,
            role: self.role,
            signing_key: &self.signing_key,
            age_recipient: &self.age_recipient,
            created_at: &self.created_at,
        };
        let mut m = format!("{PUBLIC_KEY_FORMAT}\n").into_bytes();
        // Serialising a struct of strings cannot fail.
        m.extend(serde_json::to_vec(&unsigned).unwrap_or_default());
        m
    }

    fn validate_fields(&self) -> Result<()> {
        validate_user_id(&self.user_id)?;
        let n = self.display_name.chars().count();
        if self.display_name.trim().is_empty()
            || n > MAX_DISPLAY_NAME_CHARS
            || self.display_name.chars().any(char::is_control)
        {
            return Err(BundleError::Malformed(format!(
                "display name must be 1 to {MAX_DISPLAY_NAME_CHARS} characters without control characters"
            )));
        }
        OffsetDateTime::parse(&self.created_at, &Rfc3339).map_err(|_| {
            BundleError::Malformed(format!("created_at {:?} is not RFC 3339", self.created_at))
        })?;
        Ok(())
    }

    /// The file's bytes: pretty-printed JSON and a final newline.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut b = serde_json::to_vec_pretty(self).unwrap_or_default();
        b.push(b'\n');
        b
    }

    /// Parses and checks a public key file.
    ///
    /// Errors: [`BundleError::Malformed`] (over [`MAX_PUBLIC_KEY_FILE_BYTES`], bad JSON,
    /// missing or unknown field, bad display name or date), [`BundleError::WrongFormat`]
    /// (not a `wealth-copilot/public-key/1` file, e.g. a bundle), [`BundleError::InvalidUserId`],
    /// [`BundleError::InvalidKey`] (signing key or age recipient does not parse),
    /// [`BundleError::BadSignature`] (edited or corrupted).
    pub fn parse(bytes: &[u8]) -> Result<Self> {
        if bytes.len() > MAX_PUBLIC_KEY_FILE_BYTES {
            return Err(BundleError::Malformed(
                "public key file is too large".into(),
            ));
        }
        let value: serde_json::Value =
            serde_json::from_slice(bytes).map_err(|e| BundleError::WrongFormat {
                expected: PUBLIC_KEY_FORMAT,
                found: format!("not JSON: {e}"),
            })?;
        match value.get("format").and_then(|f| f.as_str()) {
            Some(PUBLIC_KEY_FORMAT) => {}
            other => {
                return Err(BundleError::WrongFormat {
                    expected: PUBLIC_KEY_FORMAT,
                    found: match other {
                        Some(f) => format!("format {f:?}"),
                        None => "no format field".into(),
                    },
                })
            }
        }
        let file: PublicKeyFile = serde_json::from_value(value)
            .map_err(|e| BundleError::Malformed(format!("public key file: {e}")))?;
        file.validate_fields()?;
        let key = parse_verifying_key(&file.signing_key)?;
        if file.signing_key != hex::encode(key.as_bytes()) {
            return Err(BundleError::InvalidKey(
                "signing key must be lowercase hex".into(),
            ));
        }
        parse_recipient(&file.age_recipient)?;
        let sig = parse_signature(&file.self_signature)?;
        verify(&key, &file.signed_message(), &sig)?;
        Ok(file)
    }

    /// Fingerprint of the signing key (`"1a2b 3c4d 5e6f 7a8b"`), see [`crate::fingerprint`].
    pub fn fingerprint(&self) -> String {
        parse_verifying_key(&self.signing_key)
            .map(|k| fingerprint_bytes(k.as_bytes()))
            .unwrap_or_else(|_| "invalid key".into())
    }

    /// The peer user this file describes, as stored on import: `local` false, `created_at`
    /// the file's `created_at` (the caller may replace it with the import time).
    pub fn to_user_info(&self) -> UserInfo {
        UserInfo {
            user_id: self.user_id.clone(),
            display_name: self.display_name.clone(),
            role: self.role,
            signing_key: self.signing_key.clone(),
            age_recipient: self.age_recipient.clone(),
            local: false,
            created_at: self.created_at.clone(),
        }
    }
}
