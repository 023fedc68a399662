//! The one schema of the index: one tantivy document per chunk.

use crate::analyzer::ANALYZER_NAME;
use tantivy::schema::{
    Field, IndexRecordOption, Schema, TextFieldIndexing, TextOptions, FAST, STORED, STRING,
};

/// Field name of the per-chunk content digest (a u64 fast field); the snapshot id is computed
/// from it without reading stored text.
pub(crate) const CHUNK_DIGEST: &str = "chunk_digest";

/// Handles to the schema's fields.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Fields {
    /// `<document_id>#<ordinal>`, untokenized, stored.
    pub chunk_id: Field,
    /// `ProductDocument::document_id`, untokenized, stored; the delete key on re-indexing.
    pub document_id: Field,
    /// `ProductDocument::product_code`, untokenized, stored; the filter and `remove_product` key.
    pub product_code: Field,
    /// Byte offset of the chunk's first byte in `ProductDocument::text`, stored.
    pub start: Field,
    /// Byte offset one past the chunk's last byte, stored.
    pub end: Field,
    /// The chunk text, analyzed by [`ANALYZER_NAME`] with term frequencies (no positions:
    /// queries are bags of terms), stored so hits can be shown and cited.
    pub text: Field,
    /// First 8 bytes of the SHA-256 of the chunk's identity and text, as a fast field.
    pub chunk_digest: Field,
}

/// Builds the schema. Opening an existing index compares its schema with this one, so any
/// change here (or in [`ANALYZER_NAME`]) makes older indexes refuse to open rather than answer
/// differently.
pub(crate) fn build_schema() -> (Schema, Fields) {
    let mut builder = Schema::builder();
    let text_options = TextOptions::default()
        .set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(ANALYZER_NAME)
                .set_index_option(IndexRecordOption::WithFreqs),
        )
        .set_stored();
    let fields = Fields {
        chunk_id: builder.add_text_field("chunk_id", STRING | STORED),
        document_id: builder.add_text_field("document_id", STRING | STORED),
        product_code: builder.add_text_field("product_code", STRING | STORED),
        start: builder.add_u64_field("start", STORED),
        end: builder.add_u64_field("end", STORED),
        text: builder.add_text_field("text", text_options),
        chunk_digest: builder.add_u64_field(CHUNK_DIGEST, FAST),
    };
    (builder.build(), fields)
}
