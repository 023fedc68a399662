//! The bank's trust root: who may act as a supervisor.
//!
//! A self-made "supervisor" (another vault, or a second local user on an advisor's own laptop)
//! defeats maker–checker unless supervisor authority comes from outside the advisor's reach.
//! Bank IT keeps a root Ed25519 key offline ([`RootSecret`]), installs its public half
//! ([`TrustRoot`]) where advisors cannot write (`/etc/wealth-copilot/trust-root.json` …), and
//! signs a [`Vouch`] for each supervisor's signing key. With a trust root installed, only a
//! vouched supervisor decides reviews (locally or through a decision bundle).
//!
//! Signed message of a vouch: `wealth-copilot/vouch/1\n{user_id}\n{role}\n{signing_key}\n{issued_at}\n`.

use crate::error::{BundleError, Result};
use crate::keys::{parse_signature, parse_verifying_key, verify};
use copilot_protocol::review::{Role, UserInfo};
use ed25519_dalek::{Signer, SigningKey};
use rand::rngs::OsRng;
use rand::RngCore;
use serde::{Deserialize, Serialize};

/// Format tag of a trust-root file.
pub const TRUST_ROOT_FORMAT: &str = "wealth-copilot/trust-root/1";
/// Format tag of a root secret file.
pub const ROOT_SECRET_FORMAT: &str = "wealth-copilot/trust-root-secret/1";
/// Format tag of a vouch file.
pub const VOUCH_FORMAT: &str = "wealth-copilot/vouch/1";

fn check_format(found: &str, expected: &'static str) -> Result<()> {
    if found == expected {
        Ok(())
    } else {
        Err(BundleError::WrongFormat {
            expected,
            found: found.to_string(),
        })
    }
}

fn parse_json<T: for<'de> Deserialize<'de>>(bytes: &[u8], what: &str) -> Result<T> {
    serde_json::from_slice(bytes).map_err(|e| BundleError::Malformed(format!("{what}: {e}")))
}

/// The public half of the bank's root key (JSON: `format`, `name`, `signing_key` hex).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrustRoot {
    /// [`TRUST_ROOT_FORMAT`].
    pub format: String,
    /// Who holds the root, e.g. "Example Bank, Shanghai branch roster".
    pub name: String,
    /// Ed25519 verifying key, 64 lowercase hex.
    pub signing_key: String,
}

impl TrustRoot {
    /// Parses and checks a trust-root file.
    ///
    /// # Errors
    /// [`BundleError::WrongFormat`], [`BundleError::Malformed`], [`BundleError::InvalidKey`].
    pub fn parse(bytes: &[u8]) -> Result<TrustRoot> {
        let root: TrustRoot = parse_json(bytes, "trust root")?;
        check_format(&root.format, TRUST_ROOT_FORMAT)?;
        parse_verifying_key(&root.signing_key)?;
        Ok(root)
    }

    /// The file's bytes (pretty JSON).
    pub fn to_bytes(&self) -> Vec<u8> {
        serde_json::to_vec_pretty(self).expect("serialisable")
    }

    /// Fingerprint of the root key (`1a2b 3c4d 5e6f 7a8b`).
    pub fn fingerprint(&self) -> String {
        crate::keys::fingerprint(&self.signing_key).unwrap_or_default()
    }

    /// Checks that `vouch` is signed by this root and vouches for exactly `user` (id, role,
    /// signing key).
    ///
    /// # Errors
    /// [`BundleError::Vouch`] (another root, user, role or key),
    /// [`BundleError::BadSignature`], format errors.
    pub fn verify(&self, vouch: &Vouch, user: &UserInfo) -> Result<()> {
        check_format(&vouch.format, VOUCH_FORMAT)?;
        if !vouch.root_key.eq_ignore_ascii_case(&self.signing_key) {
            return Err(BundleError::Vouch(format!(
                "the vouch for {} was signed by another root ({}), not the trust root in force ({})",
                vouch.user_id,
                crate::keys::fingerprint(&vouch.root_key).unwrap_or_default(),
                self.fingerprint()
            )));
        }
        if !vouch.user_id.eq_ignore_ascii_case(&user.user_id)
            || vouch.role != user.role
            || !vouch.signing_key.eq_ignore_ascii_case(&user.signing_key)
        {
            return Err(BundleError::Vouch(format!(
                "the vouch is for {} ({}) with another key or role than the user {} ({}) here",
                vouch.user_id, vouch.role, user.user_id, user.role
            )));
        }
        let key = parse_verifying_key(&self.signing_key)?;
        let sig = parse_signature(&vouch.signature)?;
        verify(&key, &vouch.message(), &sig)
    }
}

/// The root's secret key (JSON, 32 bytes hex). Kept offline by bank IT; anyone holding it can
/// make supervisors.
#[derive(Clone, Serialize, Deserialize)]
pub struct RootSecret {
    /// [`ROOT_SECRET_FORMAT`].
    pub format: String,
    /// Same as the trust root's.
    pub name: String,
    /// Ed25519 secret key, 64 hex.
    secret_key: String,
}

impl std::fmt::Debug for RootSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RootSecret")
            .field("name", &self.name)
            .finish_non_exhaustive()
    }
}

impl RootSecret {
    /// A new random root key and its public half.
    pub fn generate(name: &str) -> (RootSecret, TrustRoot) {
        let mut seed = zeroize::Zeroizing::new([0u8; 32]);
        OsRng.fill_bytes(seed.as_mut());
        let key = SigningKey::from_bytes(&seed);
        let root = TrustRoot {
            format: TRUST_ROOT_FORMAT.into(),
            name: name.to_string(),
            signing_key: hex::encode(key.verifying_key().as_bytes()),
        };
        (
            RootSecret {
                format: ROOT_SECRET_FORMAT.into(),
                name: name.to_string(),
                secret_key: hex::encode(key.to_bytes()),
            },
            root,
        )
    }

    /// Parses a root secret file.
    ///
    /// # Errors
    /// Format errors; [`BundleError::InvalidKey`] for a key that is not 32 bytes of hex.
    pub fn parse(bytes: &[u8]) -> Result<RootSecret> {
        let s: RootSecret = parse_json(bytes, "root secret")?;
        check_format(&s.format, ROOT_SECRET_FORMAT)?;
        s.key()?;
        Ok(s)
    }

    /// The file's bytes (pretty JSON).
    pub fn to_bytes(&self) -> Vec<u8> {
        serde_json::to_vec_pretty(self).expect("serialisable")
    }

    fn key(&self) -> Result<SigningKey> {
        let bytes: [u8; 32] = hex::decode(&self.secret_key)
            .ok()
            .and_then(|b| b.try_into().ok())
            .ok_or_else(|| BundleError::InvalidKey("root secret is not 32 bytes of hex".into()))?;
        Ok(SigningKey::from_bytes(&bytes))
    }

    /// Vouches for `user` (id, role, signing key) at `issued_at` (RFC 3339).
    ///
    /// # Errors
    /// [`BundleError::InvalidKey`] for a broken secret.
    pub fn vouch(&self, user: &UserInfo, issued_at: &str) -> Result<Vouch> {
        let key = self.key()?;
        let mut v = Vouch {
            format: VOUCH_FORMAT.into(),
            user_id: user.user_id.clone(),
            role: user.role,
            signing_key: user.signing_key.to_ascii_lowercase(),
            issued_at: issued_at.to_string(),
            root_key: hex::encode(key.verifying_key().as_bytes()),
            signature: String::new(),
        };
        v.signature = hex::encode(key.sign(&v.message()).to_bytes());
        Ok(v)
    }
}

/// The root's statement "this signing key belongs to this user with this role".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Vouch {
    /// [`VOUCH_FORMAT`].
    pub format: String,
    /// User id.
    pub user_id: String,
    /// Role vouched for.
    pub role: Role,
    /// The user's Ed25519 verifying key, hex.
    pub signing_key: String,
    /// When issued, RFC 3339.
    pub issued_at: String,
    /// The root's verifying key, hex.
    pub root_key: String,
    /// Ed25519 signature by the root over the message in the module docs, hex.
    pub signature: String,
}

impl Vouch {
    fn message(&self) -> Vec<u8> {
        format!(
            "{VOUCH_FORMAT}\n{}\n{}\n{}\n{}\n",
            self.user_id,
            self.role,
            self.signing_key.to_ascii_lowercase(),
            self.issued_at
        )
        .into_bytes()
    }

    /// Parses a vouch file (the signature is checked by [`TrustRoot::verify`]).
    ///
    /// # Errors
    /// Format errors.
    pub fn parse(bytes: &[u8]) -> Result<Vouch> {
        let v: Vouch = parse_json(bytes, "vouch")?;
        check_format(&v.format, VOUCH_FORMAT)?;
        Ok(v)
    }

    /// The file's bytes (pretty JSON).
    pub fn to_bytes(&self) -> Vec<u8> {
        serde_json::to_vec_pretty(self).expect("serialisable")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(id: &str, role: Role, key: &str) -> UserInfo {
        UserInfo {
            user_id: id.into(),
            display_name: id.into(),
            role,
            signing_key: key.into(),
            age_recipient: String::new(),
            local: false,
            created_at: String::new(),
        }
    }

    #[test]
    fn vouches_bind_id_role_and_key_to_one_root() {
        let keys = crate::UserKeys::generate();
        let other = crate::UserKeys::generate();
        let mgr = user("mgr1", Role::Supervisor, &keys.signing_key_hex());
        let (secret, root) = RootSecret::generate("Test bank");
        let secret = RootSecret::parse(&secret.to_bytes()).unwrap();
        let root = TrustRoot::parse(&root.to_bytes()).unwrap();
        let v = Vouch::parse(
            &secret
                .vouch(&mgr, "2026-11-30T00:00:00Z")
                .unwrap()
                .to_bytes(),
        )
        .unwrap();
        root.verify(&v, &mgr).unwrap();
        // Another key, id or role for the same vouch.
        assert!(root
            .verify(
                &v,
                &user("mgr1", Role::Supervisor, &other.signing_key_hex())
            )
            .is_err());
        assert!(root
            .verify(&v, &user("mgr2", Role::Supervisor, &keys.signing_key_hex()))
            .is_err());
        assert!(root
            .verify(&v, &user("mgr1", Role::Advisor, &keys.signing_key_hex()))
            .is_err());
        // An edited vouch, and a vouch by another root.
        let mut edited = v.clone();
        edited.issued_at = "2030-01-01T00:00:00Z".into();
        assert!(matches!(
            root.verify(&edited, &mgr),
            Err(BundleError::BadSignature)
        ));
        let (rogue, _) = RootSecret::generate("Rogue");
        let forged = rogue.vouch(&mgr, "2026-11-30T00:00:00Z").unwrap();
        assert!(root.verify(&forged, &mgr).is_err());
        let mut relabelled = forged.clone();
        relabelled.root_key = root.signing_key.clone();
        assert!(matches!(
            root.verify(&relabelled, &mgr),
            Err(BundleError::BadSignature)
        ));
    }
}
