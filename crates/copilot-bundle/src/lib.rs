#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod bundle;
mod checkpoint;
mod error;
mod keys;
mod pubkey;
mod trust;

pub use bundle::{
    open_bundle, open_bundle_at, peek_bundle, seal_bundle, seal_bundle_at, BundleHeader,
    BundleKind, BundlePayload, ClearHeader, OpenedBundle, BUNDLE_FORMAT, MAX_BUNDLE_BYTES,
    MAX_CLOCK_SKEW_SECS,
};
pub use checkpoint::{sign_checkpoint, verify_checkpoint};
pub use error::{BundleError, Result};
pub use keys::{
    fingerprint, validate_user_id, KdfParams, SealedKeys, UserKeys, KDF_M_COST_KIB, KDF_P_COST,
    KDF_T_COST, MAX_KDF_M_COST_KIB, MAX_KDF_P_COST, MAX_KDF_T_COST, MIN_PASSWORD_CHARS,
    SEALED_KEYS_FORMAT,
};
pub use pubkey::{
    PublicKeyFile, MAX_DISPLAY_NAME_CHARS, MAX_PUBLIC_KEY_FILE_BYTES, PUBLIC_KEY_FORMAT,
};
pub use trust::{
    RootSecret, TrustRoot, Vouch, ROOT_SECRET_FORMAT, TRUST_ROOT_FORMAT, VOUCH_FORMAT,
};
