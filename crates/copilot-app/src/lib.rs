#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]

pub mod desktop;
pub mod draft;
pub mod error;
pub mod eval;
pub mod exchange;
pub mod models;
pub mod paths;
pub mod review;
pub mod rules;
pub mod users;
pub mod workspace;

pub use error::{AppError, Result};
pub use models::{ModelEntry, ModelHandle, ModelManifest};
pub use rules::RuleSet;
pub use workspace::{ClientFilter, ImportKind, ImportSummary, Workspace};

/// Re-exports the front ends need, so that they depend on this crate only (the dependency rule in
/// ARCHITECTURE.md: front ends → app → adapters → core → protocol).
pub mod reexports {
    pub use copilot_llm::CancelFlag;
    pub use copilot_vault::{
        KeychainStatus, KeychainUse, Passphrase, UnlockMethod, Vault, VaultError,
        MIN_PASSPHRASE_CHARS,
    };
}
