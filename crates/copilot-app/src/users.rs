//! Users and roles on a shared workstation (S22 needs to know who acts): local users sign in
//! with a password that unseals their keys (Ed25519 signing, age decryption, in
//! `copilot-bundle`); peers on other laptops are known by their public-key files.

use crate::error::{AppError, Result};
use crate::review::now_rfc3339;
use crate::workspace::Workspace;
use copilot_bundle::{PublicKeyFile, SealedKeys, TrustRoot, UserKeys, Vouch};
use copilot_core::audit::actions;
use copilot_protocol::ipc::ExportDone;
use copilot_protocol::review::{Role, UserInfo};
use copilot_store::{AuditEntry, UserRow};
use serde_json::json;
use std::path::Path;

/// A signed-in user with unsealed keys (dropped, and zeroized, at sign-out or lock).
pub struct Session {
    /// Who.
    pub info: UserInfo,
    pub(crate) keys: UserKeys,
}

impl std::fmt::Debug for Session {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Session")
            .field("user_id", &self.info.user_id)
            .finish_non_exhaustive()
    }
}

/// Checks a user id: `[A-Za-z0-9._-]{1,64}`.
pub fn validate_user_id(id: &str) -> Result<()> {
    let ok = !id.is_empty()
        && id.len() <= 64
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'));
    if ok {
        Ok(())
    } else {
        Err(AppError::InvalidRequest(format!(
            "user id {id:?}: use 1–64 letters, digits, '.', '_' or '-'"
        )))
    }
}

/// Writes `bytes` to `path` atomically and describes the file.
pub(crate) fn write_export(path: &Path, bytes: &[u8]) -> Result<ExportDone> {
    use sha2::{Digest, Sha256};
    copilot_vault::write_atomically(path, bytes).map_err(|source| AppError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    Ok(ExportDone {
        path: path.display().to_string(),
        bytes: bytes.len() as u64,
        sha256: hex::encode(Sha256::digest(bytes)),
    })
}

impl Workspace {
    /// The signed-in user, if any.
    pub fn signed_in(&self) -> Option<&UserInfo> {
        self.session.as_ref().map(|s| &s.info)
    }

    /// The signed-in user's session (keys), or an error saying to sign in.
    pub(crate) fn session(&self) -> Result<&Session> {
        self.session
            .as_ref()
            .ok_or_else(|| AppError::NotPermitted("sign in first: this needs a user's keys".into()))
    }

    /// Every user known here (local users and imported peers), by id.
    pub fn list_users(&self) -> Result<Vec<UserInfo>> {
        Ok(self
            .store
            .list_users()?
            .into_iter()
            .map(|u| u.info)
            .collect())
    }

    /// True when at least one local user exists.
    pub fn has_users(&self) -> Result<bool> {
        Ok(self.store.has_local_users()?)
    }

    /// Adds a local user: generates their keys and seals them under `password` (Argon2id +
    /// XChaCha20-Poly1305). The first user may be added by anyone (set-up); after that only a
    /// signed-in supervisor adds users.
    ///
    /// # Errors
    /// [`AppError::NotPermitted`], [`AppError::InvalidRequest`] (id, name), a weak password
    /// (bundle error), an existing id (store error).
    pub fn add_user(
        &mut self,
        user_id: &str,
        display_name: &str,
        role: Role,
        password: &str,
    ) -> Result<UserInfo> {
        validate_user_id(user_id)?;
        let display_name = copilot_core::parse::sanitize_free_text(display_name, 80);
        if display_name.is_empty() {
            return Err(AppError::InvalidRequest("display name is empty".into()));
        }
        let actor = if self.store.has_local_users()? {
            match self.signed_in() {
                Some(u) if u.role == Role::Supervisor => u.user_id.clone(),
                _ => {
                    return Err(AppError::NotPermitted(
                        "only a signed-in supervisor adds users".into(),
                    ))
                }
            }
        } else {
            self.operator().to_string()
        };
        let keys = UserKeys::generate();
        let sealed: SealedKeys = keys.seal(password)?;
        let info = UserInfo {
            user_id: user_id.to_string(),
            display_name,
            role,
            signing_key: keys.signing_key_hex(),
            age_recipient: keys.age_recipient(),
            local: true,
            created_at: now_rfc3339(),
        };
        let row = UserRow {
            info: info.clone(),
            sealed_keys: Some(
                serde_json::to_value(&sealed)
                    .map_err(|e| AppError::InvalidRequest(format!("sealing keys: {e}")))?,
            ),
            vouch: None,
        };
        let entry = AuditEntry::new(
            actor,
            actions::KEY_CHANGE,
            user_id,
            json!({ "change": "user_added", "role": role.as_str(), "signing_key": info.signing_key, "age_recipient": info.age_recipient }),
        );
        self.store.insert_user(&row, &entry)?;
        Ok(info)
    }

    /// Signs a local user in: the password unseals their keys (a wrong password is refused
    /// without saying whether the id exists).
    ///
    /// # Errors
    /// [`AppError::NotPermitted`] for an unknown id, a peer, or a wrong password.
    pub fn sign_in(&mut self, user_id: &str, password: &str) -> Result<UserInfo> {
        let result = self.sign_in_inner(user_id, password);
        if matches!(result, Err(AppError::NotPermitted(_))) {
            // Failed sign-ins are security events; the id typed is recorded (sanitised), never
            // the password.
            let typed = copilot_core::parse::sanitize_free_text(user_id, 64);
            let _ = self.store.audit(&AuditEntry::new(
                self.operator().to_string(),
                actions::SIGN_IN_FAILED,
                typed,
                json!({}),
            ));
        }
        result
    }

    fn sign_in_inner(&mut self, user_id: &str, password: &str) -> Result<UserInfo> {
        let refused = || AppError::NotPermitted("unknown user or wrong password".into());
        let row = match self.store.get_user(user_id) {
            Ok(r) => r,
            Err(copilot_store::StoreError::Missing { .. }) => return Err(refused()),
            Err(e) => return Err(e.into()),
        };
        let sealed: SealedKeys = match &row.sealed_keys {
            Some(v) => serde_json::from_value(v.clone())
                .map_err(|e| AppError::InvalidRequest(format!("stored keys of {user_id}: {e}")))?,
            None => return Err(refused()),
        };
        let keys = sealed.unseal(password).map_err(|_| refused())?;
        if keys.signing_key_hex() != row.info.signing_key {
            return Err(AppError::InvalidRequest(format!(
                "the stored keys of {user_id} do not match their public key"
            )));
        }
        self.session = None;
        self.store.audit(&AuditEntry::new(
            row.info.user_id.clone(),
            actions::SIGN_IN,
            row.info.user_id.clone(),
            json!({ "role": row.info.role.as_str() }),
        ))?;
        self.session = Some(Session {
            info: row.info.clone(),
            keys,
        });
        Ok(row.info)
    }

    /// The fingerprint of a user's signing key (`1a2b 3c4d 5e6f 7a8b`, the first 64 bits of its
    /// SHA-256), for people to compare out of band.
    pub fn key_fingerprint(&self, user_id: &str) -> Result<String> {
        let row = self.store.get_user(user_id)?;
        Ok(copilot_bundle::fingerprint(&row.info.signing_key)?)
    }

    /// The bank's trust root in force: `$COPILOT_TRUST_ROOT` (a file path), else the system file
    /// installed by IT ([`crate::paths::system_trust_root`]), else none.
    ///
    /// # Errors
    /// A set `$COPILOT_TRUST_ROOT` or an installed file that cannot be read or parsed (never a
    /// silent fallback to no trust root).
    pub fn load_trust_root() -> Result<Option<TrustRoot>> {
        let path = match std::env::var_os("COPILOT_TRUST_ROOT").filter(|p| !p.is_empty()) {
            Some(p) => std::path::PathBuf::from(p),
            None => match crate::paths::system_trust_root() {
                Some(p) if p.exists() => p,
                _ => return Ok(None),
            },
        };
        let bytes = std::fs::read(&path).map_err(|source| AppError::Io {
            path: path.clone(),
            source,
        })?;
        TrustRoot::parse(&bytes)
            .map(Some)
            .map_err(|e| AppError::InvalidRequest(format!("trust root {}: {e}", path.display())))
    }

    /// The trust root in force, if any.
    pub fn trust_root(&self) -> Option<&TrustRoot> {
        self.trust_root.as_ref()
    }

    /// With a trust root in force, `user` may act as a supervisor only with a valid vouch from
    /// it (a self-made supervisor — another vault, or a second local user — is refused).
    ///
    /// # Errors
    /// [`AppError::NotPermitted`] naming the user and what is missing.
    pub(crate) fn check_supervisor_vouched(&self, user_id: &str) -> Result<()> {
        let Some(root) = &self.trust_root else {
            return Ok(());
        };
        let row = self.store.get_user(user_id)?;
        let vouch = row
            .vouch
            .as_ref()
            .and_then(|v| serde_json::from_value::<Vouch>(v.clone()).ok())
            .ok_or_else(|| {
                AppError::NotPermitted(format!(
                    "{user_id} is not vouched for as a supervisor by the bank's trust root ({}); ask IT for a vouch file and attach it (copilot users vouch FILE)",
                    root.name
                ))
            })?;
        root.verify(&vouch, &row.info).map_err(|e| {
            AppError::NotPermitted(format!("{user_id} may not act as a supervisor: {e}"))
        })
    }

    /// Attaches a vouch file from the bank's trust root to the user it names (local or peer),
    /// after checking it against the trust root in force.
    ///
    /// # Errors
    /// No trust root installed, unknown user, a vouch for another key/role/root, bad signature.
    pub fn attach_vouch(&mut self, path: &Path) -> Result<UserInfo> {
        let root = self.trust_root.clone().ok_or_else(|| {
            AppError::InvalidRequest(
                "no trust root is installed (COPILOT_TRUST_ROOT or the system file); a vouch means nothing without it"
                    .into(),
            )
        })?;
        let bytes = std::fs::read(path).map_err(|source| AppError::Io {
            path: path.to_path_buf(),
            source,
        })?;
        let vouch = Vouch::parse(&bytes)?;
        let row = self.store.get_user(&vouch.user_id)?;
        root.verify(&vouch, &row.info)?;
        let entry = AuditEntry::new(
            self.actor()?.0,
            actions::KEY_CHANGE,
            row.info.user_id.clone(),
            json!({ "change": "vouch_attached", "role": vouch.role.as_str(), "root": root.fingerprint(), "issued_at": vouch.issued_at }),
        );
        self.store.set_user_vouch(
            &row.info.user_id,
            serde_json::to_value(&vouch).map_err(|e| AppError::InvalidRequest(e.to_string()))?,
            &entry,
        )?;
        Ok(row.info)
    }

    /// Signs out (the keys are dropped and zeroized).
    pub fn sign_out(&mut self) {
        self.session = None;
    }

    /// Writes the signed-in user's public-key file (self-signed; to give to a peer on another
    /// laptop). `user_id` must be the signed-in user.
    pub fn export_public_key(&mut self, user_id: &str, path: &Path) -> Result<ExportDone> {
        let session = self.session()?;
        if !session.info.user_id.eq_ignore_ascii_case(user_id) {
            return Err(AppError::NotPermitted(format!(
                "sign in as {user_id} to export their public key (it is signed with their key)"
            )));
        }
        let file = PublicKeyFile::for_user(&session.keys, &session.info)?;
        let done = write_export(path, &file.to_bytes())?;
        self.store.audit(&AuditEntry::new(
            self.actor()?.0,
            actions::EXPORT,
            user_id,
            json!({ "what": "public_key", "sha256": done.sha256 }),
        ))?;
        Ok(done)
    }

    /// Imports a peer's public-key file (another laptop's user). An id that exists is refused:
    /// keys are never replaced silently. A supervisor's key needs `fingerprint`, confirmed with
    /// its owner out of band (their signature approves recommendations); a given fingerprint
    /// must match for any key. The importer and the fingerprint are audited.
    ///
    /// # Errors
    /// [`AppError::NotPermitted`] when a supervisor key comes without a confirmed fingerprint or
    /// the fingerprint does not match; file, signature and duplicate errors.
    pub fn import_public_key(
        &mut self,
        path: &Path,
        fingerprint: Option<&str>,
    ) -> Result<UserInfo> {
        let bytes = std::fs::read(path).map_err(|source| AppError::Io {
            path: path.to_path_buf(),
            source,
        })?;
        let file = PublicKeyFile::parse(&bytes)?;
        validate_user_id(&file.user_id)?;
        let norm = |f: &str| -> String {
            f.chars()
                .filter(|c| !c.is_whitespace() && *c != ':' && *c != '-')
                .flat_map(char::to_lowercase)
                .collect()
        };
        match fingerprint {
            Some(given) if norm(given) != norm(&file.fingerprint()) => {
                return Err(AppError::NotPermitted(format!(
                    "the key of {} has fingerprint {}, not the {} you confirmed; do not import it",
                    file.user_id,
                    file.fingerprint(),
                    given.trim()
                )))
            }
            None if file.role == Role::Supervisor && self.trust_root.is_none() => {
                return Err(AppError::NotPermitted(format!(
                    "{} is a supervisor: confirm the key's fingerprint with them (phone, in person, the bank's directory) and give it: {}",
                    file.user_id,
                    file.fingerprint()
                )))
            }
            _ => {}
        }
        let info = UserInfo {
            user_id: file.user_id.clone(),
            display_name: copilot_core::parse::sanitize_free_text(&file.display_name, 80),
            role: file.role,
            signing_key: file.signing_key.clone(),
            age_recipient: file.age_recipient.clone(),
            local: false,
            created_at: now_rfc3339(),
        };
        let entry = AuditEntry::new(
            self.actor()?.0,
            actions::KEY_CHANGE,
            info.user_id.clone(),
            json!({ "change": "peer_key_imported", "role": info.role.as_str(), "signing_key": info.signing_key, "fingerprint": file.fingerprint(), "fingerprint_confirmed": fingerprint.is_some() }),
        );
        self.store.insert_user(
            &UserRow {
                info: info.clone(),
                sealed_keys: None,
                vouch: None,
            },
            &entry,
        )?;
        Ok(info)
    }
}

/// For bank IT: a new trust root. Returns (secret file bytes — keep offline —, public
/// trust-root file bytes — install where advisors cannot write).
pub fn new_trust_root(name: &str) -> (Vec<u8>, Vec<u8>) {
    let (secret, root) = copilot_bundle::RootSecret::generate(name);
    (secret.to_bytes(), root.to_bytes())
}

/// For bank IT: a vouch file for the user of a public-key file (their id, role and signing key),
/// signed with the root secret.
///
/// # Errors
/// Unreadable or invalid root secret or key file.
pub fn vouch_for_key(root_secret: &[u8], public_key_file: &[u8]) -> Result<Vec<u8>> {
    let secret = copilot_bundle::RootSecret::parse(root_secret)?;
    let file = PublicKeyFile::parse(public_key_file)?;
    let info = file.to_user_info();
    Ok(secret.vouch(&info, &now_rfc3339())?.to_bytes())
}
