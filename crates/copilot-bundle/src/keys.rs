//! A user's key pair and its sealing under the user's password.

use crate::error::{BundleError, Result};
use argon2::{Algorithm, Argon2, Params, Version};
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use ed25519_dalek::{Signature, Signer, SigningKey, VerifyingKey};
use rand::rngs::OsRng;
use rand::RngCore;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::fmt;
use std::str::FromStr;
use zeroize::Zeroizing;

use age::secrecy::ExposeSecret;

/// Shortest password accepted by [`UserKeys::seal`], in characters (Unicode scalar values).
pub const MIN_PASSWORD_CHARS: usize = 12;

/// Format tag of [`SealedKeys`].
pub const SEALED_KEYS_FORMAT: &str = "wealth-copilot/sealed-keys/1";

/// Argon2id memory cost, KiB: 64 MiB. Same parameters as the vault's passphrase slot
/// (`copilot-vault`, RFC 9106 §4 second recommended option: m = 64 MiB, t = 3, p = 4).
pub const KDF_M_COST_KIB: u32 = 64 * 1024;
/// Argon2id iterations.
pub const KDF_T_COST: u32 = 3;
/// Argon2id lanes.
pub const KDF_P_COST: u32 = 4;
/// Largest Argon2id memory cost a sealed record may ask for (1 GiB); larger is refused as
/// malformed rather than allocated.
pub const MAX_KDF_M_COST_KIB: u32 = 1024 * 1024;
/// Largest Argon2id iteration count a sealed record may ask for.
pub const MAX_KDF_T_COST: u32 = 16;
/// Largest Argon2id lane count a sealed record may ask for.
pub const MAX_KDF_P_COST: u32 = 16;

const SEED_LEN: usize = 32;
const SALT_LEN: usize = 16;
const NONCE_LEN: usize = 24;

/// A user's secret keys: an Ed25519 signing key (signs bundles, checkpoints and the user's
/// public key file) and an age X25519 identity (bundles for the user are encrypted to it).
///
/// `Debug` shows the public halves only. The Ed25519 key and the X25519 secret are zeroized
/// on drop by `ed25519-dalek` and `x25519-dalek` (through `age`). Not `Clone` on purpose.
pub struct UserKeys {
    signing: SigningKey,
    identity: age::x25519::Identity,
}

impl fmt::Debug for UserKeys {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UserKeys")
            .field("signing_key", &self.signing_key_hex())
            .field("age_recipient", &self.age_recipient())
            .field("secrets", &"<redacted>")
            .finish()
    }
}

impl UserKeys {
    /// Generates a fresh key pair from the operating system's CSPRNG.
    pub fn generate() -> Self {
        let mut seed = Zeroizing::new([0u8; SEED_LEN]);
        OsRng.fill_bytes(seed.as_mut());
        UserKeys {
            signing: SigningKey::from_bytes(&seed),
            identity: age::x25519::Identity::generate(),
        }
    }

    /// The Ed25519 verifying (public) key: 32 bytes as 64 lowercase hex characters.
    pub fn signing_key_hex(&self) -> String {
        hex::encode(self.signing.verifying_key().as_bytes())
    }

    /// The age X25519 recipient (public key), Bech32 `age1…` (62 characters).
    pub fn age_recipient(&self) -> String {
        self.identity.to_public().to_string()
    }

    /// The fingerprint of the signing key, see [`crate::fingerprint`].
    pub fn fingerprint(&self) -> String {
        fingerprint_bytes(self.signing.verifying_key().as_bytes())
    }

    pub(crate) fn sign(&self, message: &[u8]) -> Signature {
        self.signing.sign(message)
    }

    pub(crate) fn identity(&self) -> &age::x25519::Identity {
        &self.identity
    }

    /// Seals the secret keys under `password` for storage.
    ///
    /// Key derivation: Argon2id v1.3, m = [`KDF_M_COST_KIB`] KiB (64 MiB), t = [`KDF_T_COST`],
    /// p = [`KDF_P_COST`], random 16-byte salt, 32-byte output (the vault's parameters). The
    /// password's UTF-8 bytes are used as given (no normalisation). Encryption:
    /// XChaCha20-Poly1305 with a random 24-byte nonce over `ed25519 seed (32 bytes) ‖ age
    /// identity (AGE-SECRET-KEY-1…)`, with the format tag, the public keys and the KDF
    /// parameters as associated data (so none of them can be swapped in the stored record).
    ///
    /// Takes about as long as one unseal (see the crate README). Errors:
    /// [`BundleError::WeakPassword`] below [`MIN_PASSWORD_CHARS`] characters,
    /// [`BundleError::Kdf`].
    pub fn seal(&self, password: &str) -> Result<SealedKeys> {
        if password.chars().count() < MIN_PASSWORD_CHARS {
            return Err(BundleError::WeakPassword {
                min: MIN_PASSWORD_CHARS,
            });
        }
        let mut salt = [0u8; SALT_LEN];
        OsRng.fill_bytes(&mut salt);
        let mut nonce = [0u8; NONCE_LEN];
        OsRng.fill_bytes(&mut nonce);
        let mut sealed = SealedKeys {
            format: SEALED_KEYS_FORMAT.into(),
            signing_key: self.signing_key_hex(),
            age_recipient: self.age_recipient(),
            kdf: KdfParams {
                algorithm: "argon2id".into(),
                version: 0x13,
                m_cost_kib: KDF_M_COST_KIB,
                t_cost: KDF_T_COST,
                p_cost: KDF_P_COST,
                salt: hex::encode(salt),
            },
            cipher: "xchacha20poly1305".into(),
            nonce: hex::encode(nonce),
            ciphertext: String::new(),
        };
        let kek = derive(password, &sealed.kdf)?;
        let mut plain = Zeroizing::new(Vec::with_capacity(SEED_LEN + 80));
        plain.extend_from_slice(self.signing.as_bytes());
        plain.extend_from_slice(self.identity.to_string().expose_secret().as_bytes());
        let ct = XChaCha20Poly1305::new(kek.as_ref().into())
            .encrypt(
                XNonce::from_slice(&nonce),
                Payload {
                    msg: &plain,
                    aad: &sealed.aad(),
                },
            )
            .map_err(|_| BundleError::Kdf("XChaCha20-Poly1305 encryption failed".into()))?;
        sealed.ciphertext = hex::encode(ct);
        Ok(sealed)
    }
}

/// Argon2id parameters recorded in a [`SealedKeys`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KdfParams {
    /// Always `argon2id`.
    pub algorithm: String,
    /// Argon2 version, 19 (0x13).
    pub version: u32,
    /// Memory cost, KiB.
    pub m_cost_kib: u32,
    /// Iterations.
    pub t_cost: u32,
    /// Lanes.
    pub p_cost: u32,
    /// Salt, 16 bytes as lowercase hex.
    pub salt: String,
}

/// A user's secret keys sealed under their password (JSON in the store), with the public keys
/// in clear so that the app can show them and build [`crate::PublicKeyFile`]s without the
/// password.
///
/// ```json
/// { "format": "wealth-copilot/sealed-keys/1", "signing_key": "<64 hex>", "age_recipient": "age1…",
///   "kdf": { "algorithm": "argon2id", "version": 19, "m_cost_kib": 65536, "t_cost": 3, "p_cost": 4,
///            "salt": "<32 hex>" },
///   "cipher": "xchacha20poly1305", "nonce": "<48 hex>", "ciphertext": "<hex>" }
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SealedKeys {
    /// [`SEALED_KEYS_FORMAT`].
    pub format: String,
    /// Ed25519 verifying key, 64 lowercase hex.
    pub signing_key: String,
    /// age recipient, `age1…`.
    pub age_recipient: String,
    /// Key derivation.
    pub kdf: KdfParams,
    /// Always `xchacha20poly1305`.
    pub cipher: String,
    /// 24-byte nonce, lowercase hex.
    pub nonce: String,
    /// Ciphertext with the 16-byte Poly1305 tag, lowercase hex.
    pub ciphertext: String,
}

impl SealedKeys {
    fn aad(&self) -> Vec<u8> {
        let k = &self.kdf;
        format!(
            "{}\n{}\n{}\n{}\n{}\n{}\n{}\n{}\n{}\n{}\n",
            self.format,
            self.signing_key,
            self.age_recipient,
            k.algorithm,
            k.version,
            k.m_cost_kib,
            k.t_cost,
            k.p_cost,
            k.salt,
            self.cipher
        )
        .into_bytes()
    }

    /// Fingerprint of the recorded signing key, see [`crate::fingerprint`].
    pub fn fingerprint(&self) -> Result<String> {
        crate::fingerprint(&self.signing_key)
    }

    /// Unseals the keys with `password` (one Argon2id derivation: see the crate README for
    /// the time it takes).
    ///
    /// Errors: [`BundleError::WrongFormat`] (another format tag), [`BundleError::Malformed`]
    /// (bad hex or lengths, KDF parameters outside m 64 MiB–1 GiB, t 3–16, p 1–16, or keys
    /// that do not match the recorded public keys), [`BundleError::WrongPassword`] (also when
    /// the record was altered: the AEAD cannot tell the two apart).
    pub fn unseal(&self, password: &str) -> Result<UserKeys> {
        if self.format != SEALED_KEYS_FORMAT {
            return Err(BundleError::WrongFormat {
                expected: SEALED_KEYS_FORMAT,
                found: format!("format {:?}", self.format),
            });
        }
        let k = &self.kdf;
        if k.algorithm != "argon2id" || k.version != 0x13 || self.cipher != "xchacha20poly1305" {
            return Err(BundleError::Malformed(format!(
                "unsupported sealing {} v{} / {}",
                k.algorithm, k.version, self.cipher
            )));
        }
        let in_policy = (KDF_M_COST_KIB..=MAX_KDF_M_COST_KIB).contains(&k.m_cost_kib)
            && (KDF_T_COST..=MAX_KDF_T_COST).contains(&k.t_cost)
            && (1..=MAX_KDF_P_COST).contains(&k.p_cost);
        if !in_policy {
            return Err(BundleError::Malformed(format!(
                "Argon2id parameters m={} KiB t={} p={} are outside the accepted range",
                k.m_cost_kib, k.t_cost, k.p_cost
            )));
        }
        let nonce = decode_len(&self.nonce, NONCE_LEN, "nonce")?;
        let ct = hex::decode(&self.ciphertext)
            .map_err(|e| BundleError::Malformed(format!("ciphertext: {e}")))?;
        if ct.len() < SEED_LEN + 16 || ct.len() > 1024 {
            return Err(BundleError::Malformed(
                "ciphertext has the wrong length".into(),
            ));
        }
        let kek = derive(password, k)?;
        let plain = Zeroizing::new(
            XChaCha20Poly1305::new(kek.as_ref().into())
                .decrypt(
                    XNonce::from_slice(&nonce),
                    Payload {
                        msg: &ct,
                        aad: &self.aad(),
                    },
                )
                .map_err(|_| BundleError::WrongPassword)?,
        );
        let mut seed = Zeroizing::new([0u8; SEED_LEN]);
        seed.copy_from_slice(&plain[..SEED_LEN]);
        let ident = std::str::from_utf8(&plain[SEED_LEN..])
            .map_err(|_| BundleError::Malformed("sealed age identity is not text".into()))?;
        let identity = age::x25519::Identity::from_str(ident)
            .map_err(|e| BundleError::Malformed(format!("sealed age identity: {e}")))?;
        let keys = UserKeys {
            signing: SigningKey::from_bytes(&seed),
            identity,
        };
        if keys.signing_key_hex() != self.signing_key || keys.age_recipient() != self.age_recipient
        {
            return Err(BundleError::Malformed(
                "the sealed keys do not match the recorded public keys".into(),
            ));
        }
        Ok(keys)
    }
}

fn decode_len(s: &str, len: usize, what: &str) -> Result<Vec<u8>> {
    let b = hex::decode(s).map_err(|e| BundleError::Malformed(format!("{what}: {e}")))?;
    if b.len() != len {
        return Err(BundleError::Malformed(format!(
            "{what} must be {len} bytes, found {}",
            b.len()
        )));
    }
    Ok(b)
}

fn derive(password: &str, k: &KdfParams) -> Result<Zeroizing<[u8; 32]>> {
    let salt = decode_len(&k.salt, SALT_LEN, "salt")?;
    let params = Params::new(k.m_cost_kib, k.t_cost, k.p_cost, Some(32))
        .map_err(|e| BundleError::Kdf(e.to_string()))?;
    let mut out = Zeroizing::new([0u8; 32]);
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
        .hash_password_into(password.as_bytes(), &salt, out.as_mut())
        .map_err(|e| BundleError::Kdf(e.to_string()))?;
    Ok(out)
}

/// Parses an Ed25519 verifying key given as 64 hex characters (either case).
pub(crate) fn parse_verifying_key(hex_key: &str) -> Result<VerifyingKey> {
    let bytes: [u8; 32] = hex::decode(hex_key)
        .ok()
        .and_then(|b| b.try_into().ok())
        .ok_or_else(|| {
            BundleError::InvalidKey(format!("Ed25519 key {hex_key:?} is not 32 bytes of hex"))
        })?;
    VerifyingKey::from_bytes(&bytes)
        .map_err(|_| BundleError::InvalidKey("not a valid Ed25519 public key".into()))
}

/// Parses an Ed25519 signature given as 128 hex characters.
pub(crate) fn parse_signature(hex_sig: &str) -> Result<Signature> {
    let bytes: [u8; 64] = hex::decode(hex_sig)
        .ok()
        .and_then(|b| b.try_into().ok())
        .ok_or_else(|| BundleError::Malformed("a signature is not 64 bytes of hex".into()))?;
    Ok(Signature::from_bytes(&bytes))
}

/// Verifies with `verify_strict` (rejects small-order keys and non-canonical signatures).
pub(crate) fn verify(key: &VerifyingKey, message: &[u8], sig: &Signature) -> Result<()> {
    key.verify_strict(message, sig)
        .map_err(|_| BundleError::BadSignature)
}

/// Parses an age X25519 recipient (`age1…`).
pub(crate) fn parse_recipient(s: &str) -> Result<age::x25519::Recipient> {
    age::x25519::Recipient::from_str(s)
        .map_err(|e| BundleError::InvalidKey(format!("age recipient {s:?}: {e}")))
}

pub(crate) fn fingerprint_bytes(key: &[u8]) -> String {
    let digest = Sha256::digest(key);
    let h = hex::encode(&digest[..8]);
    format!("{} {} {} {}", &h[0..4], &h[4..8], &h[8..12], &h[12..16])
}

/// The fingerprint people compare by phone before trusting an imported public key: the first
/// 8 bytes of SHA-256 over the 32 raw bytes of the Ed25519 verifying key, as 16 lowercase hex
/// digits in four groups of four (`"1a2b 3c4d 5e6f 7a8b"`).
///
/// Errors: [`BundleError::InvalidKey`] when `signing_key_hex` is not a valid Ed25519 key.
pub fn fingerprint(signing_key_hex: &str) -> Result<String> {
    let key = parse_verifying_key(signing_key_hex)?;
    Ok(fingerprint_bytes(key.as_bytes()))
}

/// Checks a user id: `[A-Za-z0-9._-]{1,64}`. Errors: [`BundleError::InvalidUserId`].
pub fn validate_user_id(user_id: &str) -> Result<()> {
    let ok = (1..=64).contains(&user_id.len())
        && user_id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'));
    if ok {
        Ok(())
    } else {
        Err(BundleError::InvalidUserId(user_id.into()))
    }
}
