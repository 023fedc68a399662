#![doc = include_str!("../README.md")]
#![warn(missing_docs)]

pub mod chat;
mod error;
pub mod figures;
pub mod gguf;
mod model;
mod models;
pub mod numerals;
mod quant;
pub mod sampler;
pub mod tokenizer;

pub use chat::{ChatMessage, ChatTemplate, Role};
pub use error::{LlmError, Result};
pub use figures::{figure_words, AllowedFigures};
pub use gguf::{inspect_gguf, GgufSummary};
pub use model::{
    sha256_file, CancelFlag, Generation, GenerationParams, LoadOptions, LocalModel, ModelInfo,
    StopReason, MAX_CONTEXT_TOKENS, PREFILL_CHUNK_TOKENS,
};
pub use numerals::is_numeral_text;
pub use tokenizer::{GgufTokenizer, TokenType, Utf8Stream, VocabularyKind};
