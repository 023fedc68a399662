//! The crate's one error type.
//!
//! Messages carry paths, document ids and product codes, never document text or query text:
//! a query may paraphrase a client's situation, so it stays out of logs.

use std::path::PathBuf;

/// Result of every fallible operation in this crate.
pub type Result<T> = std::result::Result<T, SearchError>;

/// What can go wrong while opening, writing or searching the index.
#[derive(thiserror::Error, Debug)]
pub enum SearchError {
    /// A file-system operation on the index directory failed.
    #[error("I/O error at {path}: {source}")]
    Io {
        /// The file or directory the operation was on.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
    /// tantivy reported an error (writer lock held elsewhere, commit failure, …). The string is
    /// tantivy's own message, prefixed with what we were doing.
    #[error("index error: {0}")]
    Index(String),
    /// The query could not be turned into an index query. The analyzer never produces invalid
    /// terms, so this signals a bug rather than bad user input; it carries no query text.
    #[error("query error: {0}")]
    Query(String),
    /// The directory holds something that is not an index this build can read: foreign files,
    /// an index written by another format version, or a damaged index. Nothing is reused or
    /// overwritten; rebuild the index in an empty directory.
    #[error("not a usable copilot-search index at {path}: {reason}")]
    Corrupt {
        /// The index directory (`<in-memory>` for an in-memory index).
        path: PathBuf,
        /// Why the directory was refused.
        reason: String,
    },
}

impl SearchError {
    /// Wraps a tantivy error with a short description of the operation that failed.
    pub(crate) fn index(context: &str, error: tantivy::TantivyError) -> Self {
        SearchError::Index(format!("{context}: {error}"))
    }

    pub(crate) fn io(path: impl Into<PathBuf>) -> impl FnOnce(std::io::Error) -> Self {
        let path = path.into();
        move |source| SearchError::Io { path, source }
    }
}
