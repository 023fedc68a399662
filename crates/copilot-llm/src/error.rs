//! The crate's one error type.
//!
//! Messages name files, offsets, token ids and counts only: never prompt or
//! generated text, which may contain client data.

use std::path::PathBuf;

/// Result alias used by every fallible function of this crate.
pub type Result<T> = std::result::Result<T, LlmError>;

/// Everything that can go wrong while checking, loading or running a local model.
#[derive(thiserror::Error, Debug)]
pub enum LlmError {
    /// The file could not be opened, read or inspected.
    #[error("cannot read model file {}: {source}", path.display())]
    Io {
        /// The file being read.
        path: PathBuf,
        /// The operating system's error.
        #[source]
        source: std::io::Error,
    },

    /// The file's SHA-256 differs from the one pinned in the model manifest.
    /// Both digests are lowercase hex.
    #[error("model file {} has SHA-256 {actual}, expected {expected}", path.display())]
    ChecksumMismatch {
        /// The file that was hashed.
        path: PathBuf,
        /// The digest the caller pinned (lowercase hex, 64 characters).
        expected: String,
        /// The digest of the file as found (lowercase hex, 64 characters).
        actual: String,
    },

    /// The file ends before data its own header says is there: typically an
    /// interrupted copy or download.
    #[error(
        "model file {} is truncated: {needed} bytes needed at offset {offset}, but the file has {file_size} bytes",
        path.display()
    )]
    Truncated {
        /// The file being read.
        path: PathBuf,
        /// Byte offset at which the missing data starts.
        offset: u64,
        /// Number of bytes that were needed from `offset`.
        needed: u64,
        /// Actual size of the file in bytes.
        file_size: u64,
    },

    /// The file is not a well-formed GGUF file this crate accepts (bad magic,
    /// unsupported version, implausible counts or lengths, bad alignment,
    /// overlapping tensors, missing required metadata, …).
    #[error("model file {} is not a valid GGUF file: {reason}", path.display())]
    MalformedGguf {
        /// The file being read.
        path: PathBuf,
        /// What is wrong, with offsets and counts but no file content.
        reason: String,
    },

    /// The GGUF file is well formed but holds a model architecture (the
    /// `general.architecture` value) this crate cannot run.
    #[error("unsupported model architecture `{0}`")]
    UnsupportedArchitecture(String),

    /// The tokenizer could not be built from the GGUF metadata, or failed to encode.
    #[error("tokenizer error: {0}")]
    Tokenizer(String),

    /// The chat template could not be compiled or rendered, or a message
    /// contains the text of a control token.
    #[error("chat template error: {0}")]
    Template(String),

    /// The prompt does not leave room for `max_new_tokens` in the context window.
    /// `max_prompt_tokens = context_length - max_new_tokens` (saturating at zero).
    #[error(
        "prompt has {prompt_tokens} tokens, at most {max_prompt_tokens} fit (context length {context_length} minus the tokens to generate)"
    )]
    PromptTooLong {
        /// Tokens in the encoded prompt (including BOS when the model adds one).
        prompt_tokens: usize,
        /// The largest prompt that fits with the requested `max_new_tokens`.
        max_prompt_tokens: usize,
        /// The model's usable context window in tokens.
        context_length: usize,
    },

    /// The operation was cancelled through a [`CancelFlag`](crate::CancelFlag).
    /// [`LocalModel::generate`](crate::LocalModel::generate) itself reports
    /// cancellation as [`StopReason::Cancelled`](crate::StopReason::Cancelled)
    /// so that the partial text is kept; [`Generation::completed`](crate::Generation::completed)
    /// turns that outcome into this error for callers that want one.
    #[error("generation was cancelled")]
    Cancelled,

    /// An error inside candle (tensor shapes, missing tensors, kernels).
    #[error("model runtime error: {0}")]
    Candle(String),
}

impl From<candle_core::Error> for LlmError {
    fn from(error: candle_core::Error) -> Self {
        LlmError::Candle(error.to_string())
    }
}

impl LlmError {
    pub(crate) fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        LlmError::Io {
            path: path.into(),
            source,
        }
    }

    pub(crate) fn malformed(path: impl Into<PathBuf>, reason: impl Into<String>) -> Self {
        LlmError::MalformedGguf {
            path: path.into(),
            reason: reason.into(),
        }
    }
}
