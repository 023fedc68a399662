//! The application error: one enum over every layer, with messages that say what to do.

use std::path::PathBuf;

/// Errors of the application layer.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// Vault (keys) error.
    #[error(transparent)]
    Vault(#[from] copilot_vault::VaultError),
    /// Store error.
    #[error(transparent)]
    Store(#[from] copilot_store::StoreError),
    /// Import rejected.
    #[error(transparent)]
    Import(#[from] copilot_import::ImportError),
    /// Search index error.
    #[error(transparent)]
    Search(#[from] copilot_search::SearchError),
    /// Model error.
    #[error(transparent)]
    Llm(#[from] copilot_llm::LlmError),
    /// Another process holds the data directory.
    #[error("another Wealth Copilot process is using {0}; close it first (one writer per data directory)")]
    Locked(PathBuf),
    /// The vault has not been created.
    #[error("no vault in {0}; run `copilot init` (or `copilot demo`) first")]
    NotInitialised(PathBuf),
    /// The model manifest is missing or invalid.
    #[error("model manifest {path}: {reason}")]
    Manifest {
        /// Manifest path.
        path: PathBuf,
        /// What is wrong.
        reason: String,
    },
    /// The model file is absent.
    #[error("model file {0} is missing; run `copilot models fetch`")]
    ModelMissing(PathBuf),
    /// Fetching a model failed.
    #[error("fetching the model failed: {0}")]
    Fetch(String),
    /// The assets directory (sample data, rules) was not found.
    #[error("cannot find the assets directory (sample data); set COPILOT_ASSETS_DIR")]
    AssetsMissing,
    /// Unknown client.
    #[error("client {0} not found")]
    UnknownClient(String),
    /// A document names a product that is not on the shelf.
    #[error("document {file} belongs to product {product_code}, which is not on the shelf; import the products first")]
    DocumentWithoutProduct {
        /// File.
        file: String,
        /// Code.
        product_code: String,
    },
    /// Holdings reference a client that is not imported.
    #[error("holdings file {file} references client {client_id}, which is not imported; import the clients first")]
    HoldingWithoutClient {
        /// File.
        file: String,
        /// Client id.
        client_id: String,
    },
    /// Generation was cancelled by the user.
    #[error("generation cancelled; nothing was saved")]
    Cancelled,
    /// Invalid request.
    #[error("{0}")]
    InvalidRequest(String),
    /// Keys, public-key files, bundles.
    #[error(transparent)]
    Bundle(#[from] copilot_bundle::BundleError),
    /// Export rendering (PDF, HTML, CSV).
    #[error(transparent)]
    Export(#[from] copilot_export::ExportError),
    /// A review step was refused (state, maker–checker S22, missing comment, changed text).
    #[error(transparent)]
    Review(#[from] copilot_core::review::ReviewError),
    /// The action needs a signed-in user (users exist on this workstation), or a user with
    /// another role.
    #[error("{0}")]
    NotPermitted(String),
    /// A rule refused the request (e.g. S24: an override of a block).
    #[error("[{}] {}", .0.rule_id, .0.message)]
    Rule(copilot_protocol::RuleFinding),
    /// A rule file (pack, lint or injection patterns) is missing or invalid.
    #[error("rules: {0}")]
    Rules(String),
    /// File-system error.
    #[error("{path}: {source}")]
    Io {
        /// Path.
        path: PathBuf,
        /// Cause.
        source: std::io::Error,
    },
}

/// Result alias.
pub type Result<T> = std::result::Result<T, AppError>;
