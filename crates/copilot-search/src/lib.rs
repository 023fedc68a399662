#![doc = include_str!("../README.md")]
#![warn(missing_docs)]

mod analyzer;
mod chunk;
mod error;
mod index;
mod schema;

pub use analyzer::{
    analyze, load_dictionary, ZhEnTokenStream, ZhEnTokenizer, ANALYZER_NAME, MAX_WORD_CHARS,
};
pub use chunk::MAX_CHUNK_CHARS;
pub use error::{Result, SearchError};
pub use index::{
    DocumentIndex, IndexStats, SearchHit, INDEX_FORMAT_VERSION, MARKER_FILE, MAX_QUERY_TERMS,
};
