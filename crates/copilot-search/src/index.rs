//! [`DocumentIndex`]: opening, writing and searching the chunk index.
//!
//! Guarantees:
//!
//! - Every write ([`DocumentIndex::index_documents`], [`DocumentIndex::remove_product`]) is one
//!   tantivy commit: after it returns, searches and the snapshot id see all of it; if it fails,
//!   the uncommitted operations are rolled back and the index stays as it was.
//! - A `DocumentIndex` holds tantivy's writer lock for its directory for as long as it lives, so
//!   a second `DocumentIndex` on the same directory (in this or another process) fails to open
//!   instead of racing it.
//! - The snapshot id depends only on the indexed content (and the index format), not on how
//!   tantivy happens to have merged its segments.

use crate::analyzer::{analyze, ZhEnTokenizer, ANALYZER_NAME};
use crate::chunk::chunk_ranges;
use crate::error::{Result, SearchError};
use crate::schema::{build_schema, Fields, CHUNK_DIGEST};
use copilot_core::ProductDocument;
use sha2::{Digest, Sha256};
use std::collections::{HashMap, HashSet};
use std::fs;
use std::io::ErrorKind;
use std::ops::Range;
use std::path::{Path, PathBuf};
use tantivy::collector::TopDocs;
use tantivy::query::{BooleanQuery, ConstScoreQuery, Occur, Query, TermQuery, TermSetQuery};
use tantivy::schema::{Field, IndexRecordOption, Value};
use tantivy::{
    Index, IndexReader, IndexWriter, ReloadPolicy, Searcher, TantivyDocument, TantivyError, Term,
};

/// Version of the on-disk format: schema, analyzer, chunking and digest. Bump it whenever any of
/// them changes; an index with another version is refused with [`SearchError::Corrupt`].
pub const INDEX_FORMAT_VERSION: u32 = 1;

/// File that marks a directory as ours; it holds `copilot-search index\nformat <N>\n` with N =
/// [`INDEX_FORMAT_VERSION`].
pub const MARKER_FILE: &str = "copilot-search.format";

/// Memory the writer may buffer before it flushes a segment (50 MB; tantivy's floor is 15 MB per
/// indexing thread). The whole product shelf's documents fit in one flush.
const WRITER_HEAP_BYTES: usize = 50_000_000;

/// A query uses at most this many distinct terms (the first ones in the query); the rest are
/// ignored, which bounds the cost of a pasted page of text.
pub const MAX_QUERY_TERMS: usize = 64;

/// Domain separator of the snapshot hash.
const SNAPSHOT_DOMAIN: &[u8] = b"copilot-search snapshot\0";

fn marker_contents() -> String {
    format!("copilot-search index\nformat {INDEX_FORMAT_VERSION}\n")
}

/// One indexed span of a product document that matched a query.
#[derive(Debug, Clone, PartialEq)]
pub struct SearchHit {
    /// `ProductDocument::document_id` of the document the chunk belongs to.
    pub document_id: String,
    /// `ProductDocument::product_code` of that document.
    pub product_code: String,
    /// Byte offset of the chunk's first byte in `ProductDocument::text`.
    pub start: usize,
    /// Byte offset one past the chunk's last byte: `text == document.text[start..end]`.
    pub end: usize,
    /// The chunk text (a paragraph, with the heading(s) above it if it opens a section).
    pub text: String,
    /// BM25 score (tantivy defaults k1 = 1.2, b = 0.75; Robertson & Zaragoza, "The Probabilistic
    /// Relevance Framework: BM25 and Beyond", 2009). Comparable only within one result list.
    pub score: f32,
}

/// What one [`DocumentIndex::index_documents`] call wrote.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct IndexStats {
    /// Documents (distinct document ids) whose chunks were replaced.
    pub documents: usize,
    /// Chunks written for them.
    pub chunks: usize,
}

/// The product-document index: on disk ([`DocumentIndex::open_or_create`]) or in memory
/// ([`DocumentIndex::in_memory`]).
pub struct DocumentIndex {
    writer: IndexWriter,
    reader: IndexReader,
    fields: Fields,
    /// The index directory, or `<in-memory>`; used in error messages.
    location: PathBuf,
    /// Snapshot id of the committed state the reader currently sees.
    snapshot: String,
}

impl std::fmt::Debug for DocumentIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DocumentIndex")
            .field("location", &self.location)
            .field("snapshot", &self.snapshot)
            .finish_non_exhaustive()
    }
}

impl DocumentIndex {
    /// Opens the index in `dir`, or creates one there if `dir` is missing or empty (the directory
    /// and its parents are created).
    ///
    /// # Errors
    ///
    /// - [`SearchError::Corrupt`] if `dir` holds files but no index of ours (no marker file),
    ///   an index of another format version, an index whose schema differs from this build's, or
    ///   an index tantivy cannot read. Nothing in the directory is modified in that case.
    /// - [`SearchError::Io`] if the directory cannot be created or read.
    /// - [`SearchError::Index`] if tantivy fails otherwise, notably when another `DocumentIndex`
    ///   already has this directory open (writer lock).
    pub fn open_or_create(dir: &Path) -> Result<Self> {
        fs::create_dir_all(dir).map_err(SearchError::io(dir))?;
        let corrupt = |reason: String| SearchError::Corrupt {
            path: dir.to_owned(),
            reason,
        };
        let marker_path = dir.join(MARKER_FILE);
        match fs::read(&marker_path) {
            Ok(found) if found == marker_contents().as_bytes() => {}
            Ok(found) => {
                let found = String::from_utf8_lossy(&found);
                let found = match found.lines().collect::<Vec<_>>()[..] {
                    ["copilot-search index", format] => format.to_owned(),
                    _ => "an unrecognised format".to_owned(),
                };
                return Err(corrupt(format!(
                    "index is {found}, this build reads format {INDEX_FORMAT_VERSION}; \
                     rebuild it in an empty directory"
                )));
            }
            Err(error) if error.kind() == ErrorKind::NotFound => {
                let mut entries = fs::read_dir(dir).map_err(SearchError::io(dir))?;
                if entries.next().is_some() {
                    return Err(corrupt(format!(
                        "directory is not empty and has no {MARKER_FILE} marker; \
                         refusing to reuse it"
                    )));
                }
                fs::write(&marker_path, marker_contents())
                    .map_err(SearchError::io(&marker_path))?;
            }
            Err(error) => return Err(SearchError::io(marker_path)(error)),
        }

        let (schema, fields) = build_schema();
        let index = if dir.join("meta.json").exists() {
            let index = Index::open_in_dir(dir).map_err(|error| match error {
                TantivyError::IoError(io) => SearchError::Io {
                    path: dir.to_owned(),
                    source: std::io::Error::new(io.kind(), io.to_string()),
                },
                other => corrupt(format!("tantivy cannot open it: {other}")),
            })?;
            if index.schema() != schema {
                return Err(corrupt(
                    "its schema differs from this build's; rebuild it in an empty directory"
                        .to_owned(),
                ));
            }
            index
        } else {
            Index::create_in_dir(dir, schema)
                .map_err(|error| SearchError::index("creating the index", error))?
        };
        Self::from_index(index, fields, dir.to_owned())
    }

    /// Creates an empty index held in memory (tests, benchmarks); it disappears when dropped.
    ///
    /// # Errors
    ///
    /// [`SearchError::Index`] if tantivy cannot start its writer.
    pub fn in_memory() -> Result<Self> {
        let (schema, fields) = build_schema();
        Self::from_index(
            Index::create_in_ram(schema),
            fields,
            PathBuf::from("<in-memory>"),
        )
    }

    fn from_index(index: Index, fields: Fields, location: PathBuf) -> Result<Self> {
        index
            .tokenizers()
            .register(ANALYZER_NAME, ZhEnTokenizer::default());
        // One indexing thread: the shelf's documents are small, the target laptops have two to
        // four cores, and the advisor is working in the foreground meanwhile.
        let writer = index
            .writer_with_num_threads(1, WRITER_HEAP_BYTES)
            .map_err(|error| {
                SearchError::index(
                    "opening the index writer (is the index open elsewhere?)",
                    error,
                )
            })?;
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()
            .map_err(|error| SearchError::index("opening the index reader", error))?;
        let mut this = DocumentIndex {
            writer,
            reader,
            fields,
            location,
            snapshot: String::new(),
        };
        this.snapshot = this.compute_snapshot(&this.reader.searcher())?;
        Ok(this)
    }

    /// Replaces all chunks of each document (matched by `document_id`) with the chunks of its
    /// current text, and commits. A document that occurs twice in `docs` is indexed once, from
    /// its last occurrence. An empty `docs` changes nothing and does not commit.
    ///
    /// Chunks are paragraphs (blank-line separated); a Markdown heading starts a new chunk and
    /// stays with the paragraph after it; a chunk over 600 characters is split at sentence ends
    /// (`。！？.!?`). Each chunk is stored with its byte range `[start, end)` into
    /// `ProductDocument::text`.
    ///
    /// Only product documents belong here, never client data: the index is stored unencrypted.
    ///
    /// # Errors
    ///
    /// [`SearchError::Index`] if tantivy fails to write or commit; the index is then rolled back
    /// to its last commit.
    pub fn index_documents(&mut self, docs: &[ProductDocument]) -> Result<IndexStats> {
        if docs.is_empty() {
            return Ok(IndexStats::default());
        }
        let last_position: HashMap<&str, usize> = docs
            .iter()
            .enumerate()
            .map(|(position, doc)| (doc.document_id.as_str(), position))
            .collect();
        let mut stats = IndexStats::default();
        let staged = docs
            .iter()
            .enumerate()
            .filter(|&(position, doc)| last_position[doc.document_id.as_str()] == position)
            .try_for_each(|(_, doc)| {
                stats.documents += 1;
                stats.chunks += self.stage_document(doc)?;
                Ok(())
            });
        self.commit(staged, "indexing documents")?;
        Ok(stats)
    }

    /// Queues the deletion of a document's old chunks and the addition of its new ones;
    /// returns the number of new chunks.
    fn stage_document(&mut self, doc: &ProductDocument) -> tantivy::Result<usize> {
        let fields = self.fields;
        self.writer
            .delete_term(Term::from_field_text(fields.document_id, &doc.document_id));
        let ranges = chunk_ranges(&doc.text);
        for (ordinal, range) in ranges.iter().enumerate() {
            let text = &doc.text[range.clone()];
            let mut chunk = TantivyDocument::default();
            chunk.add_text(fields.chunk_id, format!("{}#{ordinal}", doc.document_id));
            chunk.add_text(fields.document_id, &doc.document_id);
            chunk.add_text(fields.product_code, &doc.product_code);
            chunk.add_u64(fields.start, range.start as u64);
            chunk.add_u64(fields.end, range.end as u64);
            chunk.add_text(fields.text, text);
            chunk.add_u64(fields.chunk_digest, chunk_digest(doc, range.clone()));
            self.writer.add_document(chunk)?;
        }
        Ok(ranges.len())
    }

    /// Removes every chunk of every document of `product_code`, and commits. Removing a product
    /// that has no chunks is not an error.
    ///
    /// # Errors
    ///
    /// [`SearchError::Index`] if tantivy fails to commit; the index is then rolled back.
    pub fn remove_product(&mut self, product_code: &str) -> Result<()> {
        self.writer.delete_term(Term::from_field_text(
            self.fields.product_code,
            product_code,
        ));
        self.commit(Ok(()), "removing a product")
    }

    /// Commits what was staged (or rolls it back if staging failed), then makes the reader and
    /// the snapshot id see the new state.
    fn commit(&mut self, staged: tantivy::Result<()>, operation: &str) -> Result<()> {
        let committed = staged.and_then(|()| self.writer.commit().map(drop));
        if let Err(error) = committed {
            let message = match self.writer.rollback() {
                Ok(_) => format!("{operation} (rolled back)"),
                Err(rollback) => format!("{operation} (rollback failed too: {rollback})"),
            };
            return Err(SearchError::index(&message, error));
        }
        self.reader
            .reload()
            .map_err(|error| SearchError::index("reloading the reader after a commit", error))?;
        self.snapshot = self.compute_snapshot(&self.reader.searcher())?;
        Ok(())
    }

    /// Searches chunk texts for `query` with BM25 and returns at most `limit` hits, best first.
    ///
    /// The query is plain text, not query syntax: it is analyzed exactly like the indexed text
    /// (see the crate docs) and a chunk matches if it contains any of the resulting terms (at most
    /// [`MAX_QUERY_TERMS`] distinct ones). Operators, quotes and field names have no meaning, so
    /// no query text can make the search fail. A query without terms (empty, only punctuation)
    /// returns no hits.
    ///
    /// `products` restricts the hits to chunks of these product codes (exact match); `None`
    /// searches all products and `Some(&[])` matches nothing. The filter does not change scores.
    ///
    /// # Errors
    ///
    /// [`SearchError::Query`] if tantivy fails while executing the search (an I/O error on the
    /// index files, say); [`SearchError::Corrupt`] if a hit's stored fields are missing or
    /// inconsistent.
    pub fn search(
        &self,
        query: &str,
        products: Option<&[String]>,
        limit: usize,
    ) -> Result<Vec<SearchHit>> {
        let terms = query_terms(query);
        if limit == 0 || terms.is_empty() || products.is_some_and(|codes| codes.is_empty()) {
            return Ok(Vec::new());
        }
        let searcher = self.reader.searcher();
        // TopDocs reserves memory for `limit` hits, so never ask for more than exist.
        let limit = limit.min(usize::try_from(searcher.num_docs()).unwrap_or(usize::MAX));
        if limit == 0 {
            return Ok(Vec::new());
        }

        let text_query: Box<dyn Query> = Box::new(BooleanQuery::new(
            terms
                .iter()
                .map(|term| {
                    let term = Term::from_field_text(self.fields.text, term);
                    let query: Box<dyn Query> =
                        Box::new(TermQuery::new(term, IndexRecordOption::WithFreqs));
                    (Occur::Should, query)
                })
                .collect(),
        ));
        let query: Box<dyn Query> = match products {
            None => text_query,
            Some(codes) => {
                let codes = TermSetQuery::new(
                    codes
                        .iter()
                        .map(|code| Term::from_field_text(self.fields.product_code, code)),
                );
                // A constant score of zero keeps the hits' scores pure BM25 of the text.
                let filter: Box<dyn Query> = Box::new(ConstScoreQuery::new(Box::new(codes), 0.0));
                Box::new(BooleanQuery::new(vec![
                    (Occur::Must, text_query),
                    (Occur::Must, filter),
                ]))
            }
        };

        let top = searcher
            .search(&*query, &TopDocs::with_limit(limit).order_by_score())
            .map_err(|error| SearchError::Query(format!("executing the search: {error}")))?;
        top.into_iter()
            .map(|(score, address)| {
                let stored: TantivyDocument = searcher
                    .doc(address)
                    .map_err(|error| SearchError::Query(format!("reading a hit: {error}")))?;
                self.hit_from_stored(&stored, score)
            })
            .collect()
    }

    fn hit_from_stored(&self, stored: &TantivyDocument, score: f32) -> Result<SearchHit> {
        let fields = self.fields;
        let text_of = |field: Field, name: &str| {
            stored
                .get_first(field)
                .and_then(|value| value.as_str().map(str::to_owned))
                .ok_or_else(|| self.corrupt(format!("a chunk has no stored {name}")))
        };
        let offset_of = |field: Field, name: &str| {
            stored
                .get_first(field)
                .and_then(|value| value.as_u64())
                .and_then(|offset| usize::try_from(offset).ok())
                .ok_or_else(|| self.corrupt(format!("a chunk has no stored {name} offset")))
        };
        let hit = SearchHit {
            document_id: text_of(fields.document_id, "document_id")?,
            product_code: text_of(fields.product_code, "product_code")?,
            start: offset_of(fields.start, "start")?,
            end: offset_of(fields.end, "end")?,
            text: text_of(fields.text, "text")?,
            score,
        };
        if hit.end.checked_sub(hit.start) != Some(hit.text.len()) {
            return Err(self.corrupt(format!(
                "a chunk of {} has offsets {}..{} that do not match its {}-byte text",
                hit.document_id,
                hit.start,
                hit.end,
                hit.text.len()
            )));
        }
        Ok(hit)
    }

    /// Identifier of the committed state searches currently see: 64 lowercase hex digits, the
    /// SHA-256 over the index format version and the sorted per-chunk digests (each the first 8
    /// bytes of SHA-256 over document id, product code, byte range and text).
    ///
    /// It changes whenever a chunk is added, removed or changed, and only then: re-indexing
    /// identical documents, reopening the index and tantivy's background segment merges leave it
    /// as it was, and two indexes with the same content (on two machines, say) have the same id.
    /// Drafts record it as their "index snapshot".
    ///
    /// # Errors
    ///
    /// None at present (the id is computed at open and after each commit); the `Result` leaves
    /// room for computing it lazily.
    pub fn snapshot_id(&self) -> Result<String> {
        Ok(self.snapshot.clone())
    }

    /// Number of chunks in the committed state searches currently see.
    ///
    /// # Errors
    ///
    /// None at present; the `Result` matches the rest of the API.
    pub fn num_chunks(&self) -> Result<u64> {
        Ok(self.reader.searcher().num_docs())
    }

    fn compute_snapshot(&self, searcher: &Searcher) -> Result<String> {
        let mut digests = Vec::with_capacity(usize::try_from(searcher.num_docs()).unwrap_or(0));
        for segment in searcher.segment_readers() {
            let column = segment
                .fast_fields()
                .u64(CHUNK_DIGEST)
                .map_err(|error| self.corrupt(format!("reading chunk digests: {error}")))?;
            for doc in segment.doc_ids_alive() {
                let digest = column
                    .first(doc)
                    .ok_or_else(|| self.corrupt("a chunk has no digest".to_owned()))?;
                digests.push(digest);
            }
        }
        digests.sort_unstable();
        let mut hasher = Sha256::new();
        hasher.update(SNAPSHOT_DOMAIN);
        hasher.update(INDEX_FORMAT_VERSION.to_le_bytes());
        hasher.update((digests.len() as u64).to_le_bytes());
        for digest in digests {
            hasher.update(digest.to_le_bytes());
        }
        Ok(hex::encode(hasher.finalize()))
    }

    fn corrupt(&self, reason: String) -> SearchError {
        SearchError::Corrupt {
            path: self.location.clone(),
            reason,
        }
    }
}

/// The distinct analyzed terms of a query, in order of first occurrence, at most
/// [`MAX_QUERY_TERMS`].
fn query_terms(query: &str) -> Vec<String> {
    let mut seen = HashSet::new();
    let mut terms = analyze(query);
    terms.retain(|term| seen.insert(term.clone()));
    terms.truncate(MAX_QUERY_TERMS);
    terms
}

/// First 8 bytes of SHA-256 over the chunk's document id, product code, byte range and text, each
/// length-prefixed so that no two different chunks hash the same input.
fn chunk_digest(doc: &ProductDocument, range: Range<usize>) -> u64 {
    let mut hasher = Sha256::new();
    for part in [doc.document_id.as_bytes(), doc.product_code.as_bytes()] {
        hasher.update((part.len() as u64).to_le_bytes());
        hasher.update(part);
    }
    hasher.update((range.start as u64).to_le_bytes());
    hasher.update((range.end as u64).to_le_bytes());
    let text = &doc.text.as_bytes()[range];
    hasher.update((text.len() as u64).to_le_bytes());
    hasher.update(text);
    let hash = hasher.finalize();
    let mut first = [0u8; 8];
    first.copy_from_slice(&hash[..8]);
    u64::from_le_bytes(first)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn assert_send_sync<T: Send + Sync>() {}

    #[test]
    fn index_is_send_and_sync() {
        assert_send_sync::<DocumentIndex>();
    }

    #[test]
    fn query_terms_are_distinct_and_bounded() {
        assert_eq!(query_terms("Fee fee FEE rate"), ["fee", "rate"]);
        let long: String = (0..200).map(|i| format!("w{i} ")).collect();
        assert_eq!(query_terms(&long).len(), MAX_QUERY_TERMS);
        assert!(query_terms("\"*:*\" AND (").contains(&"and".to_owned()));
    }

    #[test]
    fn chunk_digest_depends_on_every_part() {
        let doc = ProductDocument {
            document_id: "A/A.md".into(),
            product_code: "A".into(),
            file_name: "A.md".into(),
            title: "A".into(),
            text: "abc def".into(),
        };
        let base = chunk_digest(&doc, 0..3);
        assert_ne!(base, chunk_digest(&doc, 4..7));
        assert_ne!(
            base,
            chunk_digest(
                &ProductDocument {
                    product_code: "B".into(),
                    ..doc.clone()
                },
                0..3
            )
        );
        assert_eq!(base, chunk_digest(&doc.clone(), 0..3));
    }
}
