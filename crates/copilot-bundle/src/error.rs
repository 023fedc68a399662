//! The crate's error type.

/// Everything that can go wrong with keys, public key files, checkpoints and bundles.
///
/// Each rejection of a bundle is its own variant so that the app can say exactly what is wrong
/// (and tests can check the class); the `Display` text is a complete sentence for the UI.
#[derive(Debug, thiserror::Error)]
pub enum BundleError {
    /// [`crate::UserKeys::seal`] was given a password shorter than
    /// [`crate::MIN_PASSWORD_CHARS`] characters.
    #[error("the password must have at least {min} characters")]
    WeakPassword {
        /// The minimum, in characters (Unicode scalar values).
        min: usize,
    },
    /// [`crate::SealedKeys::unseal`]: the password is wrong. XChaCha20-Poly1305 cannot tell a
    /// wrong password from an altered sealed record; both end here.
    #[error("wrong password (or the stored keys were altered)")]
    WrongPassword,
    /// Argon2id failed (parameters out of range).
    #[error("key derivation failed: {0}")]
    Kdf(String),
    /// A user id is not `[A-Za-z0-9._-]{1,64}`.
    #[error("invalid user id {0:?}: expected 1 to 64 characters from A-Z a-z 0-9 . _ -")]
    InvalidUserId(String),
    /// A public key (Ed25519 hex or `age1…` recipient) or a secret key does not parse, or keys
    /// do not belong together.
    #[error("invalid key: {0}")]
    InvalidKey(String),
    /// The bytes are not the kind of file expected (another format, another version, a bare
    /// age file, a public key file given as a bundle…).
    #[error("not a {expected} file ({found})")]
    WrongFormat {
        /// The format expected, e.g. `wealth-copilot/bundle/1`.
        expected: &'static str,
        /// What was found instead.
        found: String,
    },
    /// The file has the right format tag but its structure is broken (bad JSON, missing field,
    /// wrong length, non-canonical header, too large…).
    #[error("malformed file: {0}")]
    Malformed(String),
    /// The bundle is addressed to another user (clear header `to`).
    #[error("this bundle is addressed to {to:?}, not to you ({me:?})")]
    NotForMe {
        /// The addressee named in the bundle.
        to: String,
        /// The user who tried to open it.
        me: String,
    },
    /// No public key file has been imported for the sender.
    #[error("unknown sender {0:?}: import their public key file first")]
    UnknownSender(String),
    /// The bundle names a signing key for the sender that is not the one imported for that user.
    #[error(
        "the bundle claims to come from {user_id:?} but is signed with another key \
         (fingerprint {found}, expected {expected}): do not trust it"
    )]
    SenderKeyMismatch {
        /// The sender's user id.
        user_id: String,
        /// Fingerprint of the key we know for the user.
        expected: String,
        /// Fingerprint of the key in the bundle (or the raw value if it does not parse).
        found: String,
    },
    /// An Ed25519 signature does not verify: the content was altered after signing, or it was
    /// not signed by the key it names.
    #[error(
        "the signature does not verify: the file was altered or not signed by the key it names"
    )]
    BadSignature,
    /// age decryption failed: the ciphertext was altered or damaged, or it is not encrypted to
    /// this user's key.
    #[error("cannot decrypt the bundle: {0}")]
    Decrypt(String),
    /// The clear (unencrypted) header does not match the signed header inside.
    #[error("the bundle's outer header was altered: {field} differs from the signed header")]
    HeaderMismatch {
        /// The field that differs.
        field: &'static str,
    },
    /// The bundle's `created_at` is more than [`crate::MAX_CLOCK_SKEW_SECS`] after "now".
    #[error(
        "the bundle is dated {created_at}, more than a day after now ({now}): check the clocks"
    )]
    FromTheFuture {
        /// The bundle's creation time.
        created_at: String,
        /// The opener's clock.
        now: String,
    },
    /// A signed bundle whose parts contradict each other (payload kind ≠ header kind, a
    /// checkpoint signed by someone else, a decision by the drafter…).
    #[error("inconsistent bundle: {0}")]
    Inconsistent(String),
    /// A vouch does not match the user it is for, or comes from another root than the trust
    /// root in force.
    #[error("vouch refused: {0}")]
    Vouch(String),
    /// The user's role does not allow this step (S22): review requests go to a supervisor and
    /// decisions come from one.
    #[error("{user_id} is {role}: {needed}")]
    RoleNotAllowed {
        /// The user.
        user_id: String,
        /// Their role.
        role: copilot_protocol::review::Role,
        /// What was needed.
        needed: &'static str,
    },
    /// age encryption failed.
    #[error("encryption failed: {0}")]
    Encrypt(String),
}

/// Result with [`BundleError`].
pub type Result<T, E = BundleError> = std::result::Result<T, E>;
