#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]

use argon2::{Algorithm, Argon2, Params, Version};
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use copilot_core::DatabaseKey;
use rand::rngs::OsRng;
use rand::RngCore;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use zeroize::{Zeroize, Zeroizing};

/// File name of the vault descriptor inside the data directory.
pub const VAULT_FILE: &str = "vault.json";
/// Keychain service name under which keychain keys are stored (account = vault id).
pub const KEYCHAIN_SERVICE: &str = "wealth-copilot";
/// Vault file format version this build writes and reads.
pub const FORMAT_VERSION: u32 = 1;
const FORMAT_NAME: &str = "wealth-copilot-vault";

/// Argon2id parameters for the passphrase slot: m = 64 MiB, t = 3, p = 4 (RFC 9106 §4).
pub const KDF_M_COST_KIB: u32 = 64 * 1024;
/// Argon2id iterations.
pub const KDF_T_COST: u32 = 3;
/// Argon2id lanes.
pub const KDF_P_COST: u32 = 4;
/// Largest Argon2id memory cost a vault file may ask for (1 GiB).
pub const MAX_KDF_M_COST_KIB: u32 = 1024 * 1024;
/// Largest Argon2id iteration count a vault file may ask for.
pub const MAX_KDF_T_COST: u32 = 16;
/// Largest Argon2id lane count a vault file may ask for.
pub const MAX_KDF_P_COST: u32 = 16;
/// Shortest recovery passphrase accepted, in characters.
pub const MIN_PASSPHRASE_CHARS: usize = 10;

/// Errors of the vault. Each unlock failure is a distinct variant so that the UI can say exactly
/// what to do.
#[derive(Debug, thiserror::Error)]
pub enum VaultError {
    /// No vault in this directory.
    #[error("no vault at {0}; create one with `copilot init`")]
    NotFound(PathBuf),
    /// A vault already exists (refusing to overwrite keys).
    #[error("a vault already exists at {0}")]
    AlreadyExists(PathBuf),
    /// Reading or writing the vault file failed.
    #[error("vault file {path}: {source}")]
    Io {
        /// File.
        path: PathBuf,
        /// Cause.
        source: std::io::Error,
    },
    /// The vault file is cut short (e.g. an interrupted copy).
    #[error("vault file {0} is truncated")]
    Truncated(PathBuf),
    /// The vault file is not a vault or is damaged.
    #[error("vault file {path} is corrupt: {reason}")]
    Corrupt {
        /// File.
        path: PathBuf,
        /// What is wrong.
        reason: String,
    },
    /// Written by a newer version of the app.
    #[error("vault file {path} has format version {found}; this build reads up to {supported} — update the app")]
    NewerVersion {
        /// File.
        path: PathBuf,
        /// Version in the file.
        found: u32,
        /// Newest version this build reads.
        supported: u32,
    },
    /// The passphrase does not open the passphrase slot.
    #[error("wrong passphrase")]
    WrongPassphrase,
    /// The passphrase is too short to be accepted for a new vault.
    #[error("the recovery passphrase must have at least {MIN_PASSPHRASE_CHARS} characters")]
    WeakPassphrase,
    /// The keychain has no entry for this vault (deleted, or a different user/machine).
    #[error("the OS keychain has no key for this vault; unlock with the recovery passphrase")]
    KeychainEntryMissing,
    /// The keychain could not be reached (no Secret Service, locked, access denied).
    #[error("the OS keychain is unavailable ({0}); unlock with the recovery passphrase")]
    KeychainUnavailable(String),
    /// The vault has no keychain slot.
    #[error("this vault is not linked to the OS keychain; unlock with the recovery passphrase")]
    NoKeychainSlot,
    /// The key in the keychain does not open the vault (the entry belongs to another vault or was altered).
    #[error(
        "the key in the OS keychain does not open this vault; unlock with the recovery passphrase"
    )]
    KeychainKeyRejected,
    /// Neither the keychain nor a passphrase could unlock, and no passphrase was given.
    #[error("{0}; no passphrase given (set COPILOT_PASSPHRASE or answer the prompt)")]
    PassphraseRequired(Box<VaultError>),
    /// The KDF failed (invalid parameters in the file).
    #[error("key derivation failed: {0}")]
    Kdf(String),
}

/// Result alias.
pub type Result<T> = std::result::Result<T, VaultError>;

/// A passphrase held in memory; zeroed on drop, redacted in `Debug`.
#[derive(Clone, Zeroize)]
#[zeroize(drop)]
pub struct Passphrase(String);

impl Passphrase {
    /// Wraps a passphrase (trailing newline from a prompt is removed).
    pub fn new(s: impl Into<String>) -> Self {
        let mut s: String = s.into();
        while s.ends_with('\n') || s.ends_with('\r') {
            s.pop();
        }
        Passphrase(s)
    }

    fn as_bytes(&self) -> &[u8] {
        self.0.as_bytes()
    }

    /// Length in characters.
    pub fn char_count(&self) -> usize {
        self.0.chars().count()
    }
}

impl fmt::Debug for Passphrase {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Passphrase(<redacted>)")
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct WrappedKey {
    nonce: String,
    ciphertext: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct PassphraseSlot {
    kdf: String,
    m_cost_kib: u32,
    t_cost: u32,
    p_cost: u32,
    salt: String,
    key: WrappedKey,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct KeychainSlot {
    service: String,
    account: String,
    key: WrappedKey,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct VaultFile {
    format: String,
    version: u32,
    vault_id: String,
    keychain: Option<KeychainSlot>,
    passphrase: PassphraseSlot,
}

/// What happened with the keychain when a vault was created.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeychainStatus {
    /// The keychain key was stored; later unlocks need no passphrase.
    Stored,
    /// Not attempted (the caller asked for passphrase-only).
    Disabled,
    /// The keychain could not be used; the vault has the passphrase slot only.
    Unavailable(String),
}

/// Whether to use the OS keychain when creating a vault.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeychainUse {
    /// Store a keychain key if the keychain works; report otherwise.
    IfAvailable,
    /// Store a keychain key or fail.
    Required,
    /// Passphrase only.
    Disabled,
}

/// How a vault was unlocked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnlockMethod {
    /// Through the OS keychain.
    Keychain,
    /// Through the recovery passphrase.
    Passphrase,
}

/// An opened (not yet unlocked) vault descriptor.
#[derive(Debug)]
pub struct Vault {
    path: PathBuf,
    file: VaultFile,
}

fn random_bytes<const N: usize>() -> [u8; N] {
    let mut b = [0u8; N];
    OsRng.fill_bytes(&mut b);
    b
}

fn aad(vault_id: &str, slot: &str) -> Vec<u8> {
    format!("{FORMAT_NAME}:v{FORMAT_VERSION}:{vault_id}:{slot}").into_bytes()
}

fn wrap(kek: &[u8; 32], key: &DatabaseKey, aad: &[u8]) -> WrappedKey {
    let cipher = XChaCha20Poly1305::new(kek.into());
    let nonce = random_bytes::<24>();
    let ciphertext = cipher
        .encrypt(
            XNonce::from_slice(&nonce),
            Payload {
                msg: key.as_bytes(),
                aad,
            },
        )
        // Encryption with a valid 32-byte key and 24-byte nonce cannot fail.
        .unwrap_or_default();
    WrappedKey {
        nonce: hex::encode(nonce),
        ciphertext: hex::encode(ciphertext),
    }
}

/// Unwraps; `None` when authentication fails (wrong key or altered data).
fn unwrap_key(
    kek: &[u8; 32],
    wrapped: &WrappedKey,
    aad: &[u8],
) -> std::result::Result<Option<DatabaseKey>, String> {
    let nonce = hex::decode(&wrapped.nonce).map_err(|e| format!("nonce: {e}"))?;
    let ct = hex::decode(&wrapped.ciphertext).map_err(|e| format!("ciphertext: {e}"))?;
    if nonce.len() != 24 || ct.len() != 32 + 16 {
        return Err("wrapped key has the wrong length".into());
    }
    let cipher = XChaCha20Poly1305::new(kek.into());
    match cipher.decrypt(XNonce::from_slice(&nonce), Payload { msg: &ct, aad }) {
        Ok(plain) => {
            let mut plain = Zeroizing::new(plain);
            let mut k = [0u8; 32];
            k.copy_from_slice(&plain[..32]);
            plain.zeroize();
            let key = DatabaseKey::from_bytes(k);
            k.zeroize();
            Ok(Some(key))
        }
        Err(_) => Ok(None),
    }
}

fn derive_kek(pass: &Passphrase, slot: &PassphraseSlot) -> Result<Zeroizing<[u8; 32]>> {
    let salt = hex::decode(&slot.salt).map_err(|e| VaultError::Kdf(format!("salt: {e}")))?;
    let params = Params::new(slot.m_cost_kib, slot.t_cost, slot.p_cost, Some(32))
        .map_err(|e| VaultError::Kdf(e.to_string()))?;
    let argon = Argon2::new(Algorithm::Argon2id, Version::V0x13, params);
    let mut out = Zeroizing::new([0u8; 32]);
    argon
        .hash_password_into(pass.as_bytes(), &salt, out.as_mut())
        .map_err(|e| VaultError::Kdf(e.to_string()))?;
    Ok(out)
}

fn keychain_error(e: keyring::Error) -> VaultError {
    match e {
        keyring::Error::NoEntry => VaultError::KeychainEntryMissing,
        other => VaultError::KeychainUnavailable(other.to_string()),
    }
}

fn keychain_entry(slot_account: &str) -> Result<keyring::Entry> {
    keyring::Entry::new(KEYCHAIN_SERVICE, slot_account).map_err(keychain_error)
}

/// Writes `bytes` to `path` atomically: temp file in the same directory, fsync, rename, fsync dir.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let tmp = dir.join(format!(
        ".{}.tmp-{}",
        path.file_name().and_then(|n| n.to_str()).unwrap_or("file"),
        std::process::id()
    ));
    {
        let mut options = fs::OpenOptions::new();
        options.write(true).create(true).truncate(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            // Owner only: wrapped keys still allow an offline guess at the passphrase.
            options.mode(0o600);
        }
        let mut f = options.open(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
    }
    fs::rename(&tmp, path)?;
    if let Ok(d) = fs::File::open(dir) {
        let _ = d.sync_all();
    }
    Ok(())
}

impl Vault {
    /// Path of the vault file for a data directory.
    pub fn file_path(data_dir: &Path) -> PathBuf {
        data_dir.join(VAULT_FILE)
    }

    /// True when `data_dir` holds a vault file.
    pub fn exists(data_dir: &Path) -> bool {
        Self::file_path(data_dir).exists()
    }

    /// Creates a new vault in `data_dir` with a fresh random database key.
    ///
    /// Errors: [`VaultError::AlreadyExists`], [`VaultError::WeakPassphrase`] (fewer than
    /// [`MIN_PASSPHRASE_CHARS`] characters), [`VaultError::KeychainUnavailable`] only with
    /// [`KeychainUse::Required`], I/O errors.
    pub fn create(
        data_dir: &Path,
        passphrase: &Passphrase,
        keychain: KeychainUse,
    ) -> Result<(Vault, DatabaseKey, KeychainStatus)> {
        let path = Self::file_path(data_dir);
        if path.exists() {
            return Err(VaultError::AlreadyExists(path));
        }
        if passphrase.char_count() < MIN_PASSPHRASE_CHARS {
            return Err(VaultError::WeakPassphrase);
        }
        fs::create_dir_all(data_dir).map_err(|source| VaultError::Io {
            path: data_dir.to_path_buf(),
            source,
        })?;
        let vault_id = uuid::Uuid::new_v4().to_string();
        let key = DatabaseKey::from_bytes(random_bytes::<32>());

        let salt = random_bytes::<16>();
        let mut pslot = PassphraseSlot {
            kdf: "argon2id".into(),
            m_cost_kib: KDF_M_COST_KIB,
            t_cost: KDF_T_COST,
            p_cost: KDF_P_COST,
            salt: hex::encode(salt),
            key: WrappedKey {
                nonce: String::new(),
                ciphertext: String::new(),
            },
        };
        let kek = derive_kek(passphrase, &pslot)?;
        pslot.key = wrap(&kek, &key, &aad(&vault_id, "passphrase"));

        let (kslot, status) = match keychain {
            KeychainUse::Disabled => (None, KeychainStatus::Disabled),
            _ => {
                let kc_key = Zeroizing::new(random_bytes::<32>());
                let stored = keychain_entry(&vault_id).and_then(|e| {
                    e.set_password(&hex::encode(kc_key.as_ref()))
                        .map_err(keychain_error)
                });
                match stored {
                    Ok(()) => (
                        Some(KeychainSlot {
                            service: KEYCHAIN_SERVICE.into(),
                            account: vault_id.clone(),
                            key: wrap(&kc_key, &key, &aad(&vault_id, "keychain")),
                        }),
                        KeychainStatus::Stored,
                    ),
                    Err(e) if keychain == KeychainUse::Required => return Err(e),
                    Err(VaultError::KeychainUnavailable(reason)) => {
                        (None, KeychainStatus::Unavailable(reason))
                    }
                    Err(e) => (None, KeychainStatus::Unavailable(e.to_string())),
                }
            }
        };
        let file = VaultFile {
            format: FORMAT_NAME.into(),
            version: FORMAT_VERSION,
            vault_id,
            keychain: kslot,
            passphrase: pslot,
        };
        let vault = Vault { path, file };
        vault.save()?;
        Ok((vault, key, status))
    }

    fn save(&self) -> Result<()> {
        let json = serde_json::to_vec_pretty(&self.file).map_err(|e| VaultError::Corrupt {
            path: self.path.clone(),
            reason: e.to_string(),
        })?;
        write_atomically(&self.path, &json).map_err(|source| VaultError::Io {
            path: self.path.clone(),
            source,
        })
    }

    /// Reads the vault descriptor of `data_dir`.
    ///
    /// Errors: [`VaultError::NotFound`], [`VaultError::Truncated`] (JSON ends early),
    /// [`VaultError::Corrupt`] (not JSON or not our format), [`VaultError::NewerVersion`].
    pub fn open(data_dir: &Path) -> Result<Vault> {
        let path = Self::file_path(data_dir);
        let bytes = match fs::read(&path) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(VaultError::NotFound(path))
            }
            Err(source) => return Err(VaultError::Io { path, source }),
        };
        if bytes.is_empty() {
            return Err(VaultError::Truncated(path));
        }
        let value: serde_json::Value = match serde_json::from_slice(&bytes) {
            Ok(v) => v,
            Err(e) if e.is_eof() => return Err(VaultError::Truncated(path)),
            Err(e) => {
                return Err(VaultError::Corrupt {
                    path,
                    reason: format!("not JSON: {e}"),
                })
            }
        };
        if value.get("format").and_then(|f| f.as_str()) != Some(FORMAT_NAME) {
            return Err(VaultError::Corrupt {
                path,
                reason: "not a Wealth Copilot vault file".into(),
            });
        }
        let version = value.get("version").and_then(|v| v.as_u64()).unwrap_or(0) as u32;
        if version > FORMAT_VERSION {
            return Err(VaultError::NewerVersion {
                path,
                found: version,
                supported: FORMAT_VERSION,
            });
        }
        let file: VaultFile = serde_json::from_value(value).map_err(|e| VaultError::Corrupt {
            path: path.clone(),
            reason: e.to_string(),
        })?;
        if file.passphrase.kdf != "argon2id" {
            return Err(VaultError::Corrupt {
                path,
                reason: format!("unknown KDF {:?}", file.passphrase.kdf),
            });
        }
        // Bounds before any derivation: an altered file must not make unlock allocate terabytes or
        // spin for hours, nor weaken the KDF below the policy.
        let p = &file.passphrase;
        let in_policy = (KDF_M_COST_KIB..=MAX_KDF_M_COST_KIB).contains(&p.m_cost_kib)
            && (KDF_T_COST..=MAX_KDF_T_COST).contains(&p.t_cost)
            && (1..=MAX_KDF_P_COST).contains(&p.p_cost);
        if !in_policy {
            return Err(VaultError::Corrupt {
                path,
                reason: format!(
                    "Argon2id parameters m={} KiB t={} p={} are outside the accepted range (m {}-{} KiB, t {}-{}, p 1-{})",
                    p.m_cost_kib, p.t_cost, p.p_cost, KDF_M_COST_KIB, MAX_KDF_M_COST_KIB, KDF_T_COST, MAX_KDF_T_COST, MAX_KDF_P_COST
                ),
            });
        }
        Ok(Vault { path, file })
    }

    /// The vault id (also the keychain account name).
    pub fn vault_id(&self) -> &str {
        &self.file.vault_id
    }

    /// True when the vault has a keychain slot.
    pub fn has_keychain_slot(&self) -> bool {
        self.file.keychain.is_some()
    }

    fn corrupt(&self, reason: String) -> VaultError {
        VaultError::Corrupt {
            path: self.path.clone(),
            reason,
        }
    }

    /// Unlocks through the OS keychain.
    ///
    /// Errors: [`VaultError::NoKeychainSlot`], [`VaultError::KeychainEntryMissing`],
    /// [`VaultError::KeychainUnavailable`], [`VaultError::KeychainKeyRejected`].
    pub fn unlock_with_keychain(&self) -> Result<DatabaseKey> {
        let slot = self
            .file
            .keychain
            .as_ref()
            .ok_or(VaultError::NoKeychainSlot)?;
        let hex_key = Zeroizing::new(
            keychain_entry(&slot.account)?
                .get_password()
                .map_err(keychain_error)?,
        );
        let raw = Zeroizing::new(
            hex::decode(hex_key.as_str()).map_err(|_| VaultError::KeychainKeyRejected)?,
        );
        if raw.len() != 32 {
            return Err(VaultError::KeychainKeyRejected);
        }
        let mut kek = Zeroizing::new([0u8; 32]);
        kek.copy_from_slice(&raw);
        unwrap_key(&kek, &slot.key, &aad(&self.file.vault_id, "keychain"))
            .map_err(|r| self.corrupt(r))?
            .ok_or(VaultError::KeychainKeyRejected)
    }

    /// Unlocks with the recovery passphrase (Argon2id; about 0.3–1 s on a laptop).
    ///
    /// Errors: [`VaultError::WrongPassphrase`], [`VaultError::Corrupt`], [`VaultError::Kdf`].
    pub fn unlock_with_passphrase(&self, passphrase: &Passphrase) -> Result<DatabaseKey> {
        let kek = derive_kek(passphrase, &self.file.passphrase)?;
        unwrap_key(
            &kek,
            &self.file.passphrase.key,
            &aad(&self.file.vault_id, "passphrase"),
        )
        .map_err(|r| self.corrupt(r))?
        .ok_or(VaultError::WrongPassphrase)
    }

    /// Unlocks: the keychain first, then the passphrase if one is given.
    ///
    /// When the keychain fails and no passphrase is given, the keychain's error is returned inside
    /// [`VaultError::PassphraseRequired`]. A wrong passphrase is [`VaultError::WrongPassphrase`].
    pub fn unlock(&self, passphrase: Option<&Passphrase>) -> Result<(DatabaseKey, UnlockMethod)> {
        let keychain_err = match self.unlock_with_keychain() {
            Ok(k) => return Ok((k, UnlockMethod::Keychain)),
            Err(e) => e,
        };
        match passphrase {
            Some(p) => Ok((self.unlock_with_passphrase(p)?, UnlockMethod::Passphrase)),
            None => Err(VaultError::PassphraseRequired(Box::new(keychain_err))),
        }
    }

    /// Removes this vault's keychain entry (used when a vault is deleted, and by tests).
    pub fn forget_keychain_entry(&self) -> Result<()> {
        if let Some(slot) = &self.file.keychain {
            keychain_entry(&slot.account)?
                .delete_credential()
                .map_err(keychain_error)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Once;

    static MOCK: Once = Once::new();

    /// Unit tests of the error paths use keyring's mock store; the real Secret Service is exercised
    /// by `tests/secret_service.rs`.
    fn use_mock_keychain() {
        MOCK.call_once(|| {
            keyring::set_default_credential_builder(keyring::mock::default_credential_builder())
        });
    }

    fn pass() -> Passphrase {
        Passphrase::new("correct horse battery staple")
    }

    #[test]
    fn passphrase_round_trip_and_wrong_passphrase() {
        let dir = tempfile::tempdir().unwrap();
        let (_, key, status) = Vault::create(dir.path(), &pass(), KeychainUse::Disabled).unwrap();
        assert_eq!(status, KeychainStatus::Disabled);
        let v = Vault::open(dir.path()).unwrap();
        assert_eq!(v.unlock_with_passphrase(&pass()).unwrap(), key);
        assert!(matches!(
            v.unlock_with_passphrase(&Passphrase::new("wrong passphrase!")),
            Err(VaultError::WrongPassphrase)
        ));
        assert!(matches!(
            v.unlock_with_keychain(),
            Err(VaultError::NoKeychainSlot)
        ));
        assert!(matches!(
            v.unlock(None),
            Err(VaultError::PassphraseRequired(_))
        ));
        let json = fs::read_to_string(Vault::file_path(dir.path())).unwrap();
        assert!(
            !json.contains(&hex::encode(key.as_bytes())),
            "the key is never written unwrapped"
        );
    }

    #[test]
    fn weak_passphrase_and_existing_vault_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        assert!(matches!(
            Vault::create(dir.path(), &Passphrase::new("short"), KeychainUse::Disabled),
            Err(VaultError::WeakPassphrase)
        ));
        Vault::create(dir.path(), &pass(), KeychainUse::Disabled).unwrap();
        assert!(matches!(
            Vault::create(dir.path(), &pass(), KeychainUse::Disabled),
            Err(VaultError::AlreadyExists(_))
        ));
    }

    #[test]
    fn mock_keychain_entry_missing_is_its_own_error() {
        // keyring's mock store keeps each Entry's credential on that Entry only, so a second
        // Entry for the same account has no credential: exactly the "entry missing" case.
        use_mock_keychain();
        let dir = tempfile::tempdir().unwrap();
        let (vault, _key, status) =
            Vault::create(dir.path(), &pass(), KeychainUse::IfAvailable).unwrap();
        assert_eq!(status, KeychainStatus::Stored);
        assert!(vault.has_keychain_slot());
        assert!(matches!(
            vault.unlock_with_keychain(),
            Err(VaultError::KeychainEntryMissing)
        ));
        let (k, how) = vault.unlock(Some(&pass())).unwrap();
        assert_eq!(how, UnlockMethod::Passphrase);
        assert_eq!(k, vault.unlock_with_passphrase(&pass()).unwrap());
    }

    #[test]
    fn file_errors_are_distinct() {
        let dir = tempfile::tempdir().unwrap();
        assert!(matches!(
            Vault::open(dir.path()),
            Err(VaultError::NotFound(_))
        ));
        Vault::create(dir.path(), &pass(), KeychainUse::Disabled).unwrap();
        let path = Vault::file_path(dir.path());
        let full = fs::read(&path).unwrap();

        fs::write(&path, &full[..full.len() / 2]).unwrap();
        assert!(matches!(
            Vault::open(dir.path()),
            Err(VaultError::Truncated(_))
        ));

        fs::write(&path, b"SQLite format 3\0garbage").unwrap();
        assert!(matches!(
            Vault::open(dir.path()),
            Err(VaultError::Corrupt { .. })
        ));

        let mut v: serde_json::Value = serde_json::from_slice(&full).unwrap();
        v["version"] = serde_json::json!(FORMAT_VERSION + 1);
        fs::write(&path, serde_json::to_vec(&v).unwrap()).unwrap();
        assert!(matches!(
            Vault::open(dir.path()),
            Err(VaultError::NewerVersion { found: 2, .. })
        ));

        // KDF parameters out of range (a huge memory cost would abort the process).
        for (field, value) in [
            ("m_cost_kib", 4_000_000_000u64),
            ("t_cost", 4_000_000_000),
            ("m_cost_kib", 8),
        ] {
            let mut v: serde_json::Value = serde_json::from_slice(&full).unwrap();
            v["passphrase"][field] = serde_json::json!(value);
            fs::write(&path, serde_json::to_vec(&v).unwrap()).unwrap();
            assert!(
                matches!(Vault::open(dir.path()), Err(VaultError::Corrupt { .. })),
                "{field}={value}"
            );
        }

        // An altered wrapped key fails authentication instead of yielding a wrong key.
        let mut v: serde_json::Value = serde_json::from_slice(&full).unwrap();
        let ct = v["passphrase"]["key"]["ciphertext"]
            .as_str()
            .unwrap()
            .to_string();
        let flipped = format!(
            "{}{}",
            if ct.starts_with('0') { "1" } else { "0" },
            &ct[1..]
        );
        v["passphrase"]["key"]["ciphertext"] = serde_json::json!(flipped);
        fs::write(&path, serde_json::to_vec(&v).unwrap()).unwrap();
        let vault = Vault::open(dir.path()).unwrap();
        assert!(matches!(
            vault.unlock_with_passphrase(&pass()),
            Err(VaultError::WrongPassphrase)
        ));
    }

    #[test]
    fn kdf_parameters_meet_the_policy() {
        let dir = tempfile::tempdir().unwrap();
        Vault::create(dir.path(), &pass(), KeychainUse::Disabled).unwrap();
        let v = Vault::open(dir.path()).unwrap();
        assert!(v.file.passphrase.m_cost_kib >= 64 * 1024);
        assert_eq!((v.file.passphrase.t_cost, v.file.passphrase.p_cost), (3, 4));
        assert_eq!(v.file.passphrase.kdf, "argon2id");
    }
}
