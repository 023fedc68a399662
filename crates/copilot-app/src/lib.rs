#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]

pub mod draft;
pub mod error;
pub mod models;
pub mod paths;
pub mod workspace;

pub use error::{AppError, Result};
pub use models::{ModelEntry, ModelManifest};
pub use workspace::{ClientFilter, ImportKind, ImportSummary, Workspace};
