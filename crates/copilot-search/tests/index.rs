//! Integration tests against the real tantivy index, in memory and on disk, with the 30 sample
//! product documents in `assets/sample/documents`.

use copilot_core::ProductDocument;
use copilot_search::{DocumentIndex, SearchError, SearchHit, MARKER_FILE};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

fn samples_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../assets/sample/documents")
}

/// The sample documents as the importer would produce them: id `<code>/<file>`, code = stem.
fn sample_documents() -> Vec<ProductDocument> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(samples_dir())
        .expect("sample documents directory")
        .map(|entry| entry.expect("directory entry").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "md"))
        .collect();
    paths.sort();
    paths
        .into_iter()
        .map(|path| {
            let file_name = path.file_name().unwrap().to_string_lossy().into_owned();
            let code = path.file_stem().unwrap().to_string_lossy().into_owned();
            let text = std::fs::read_to_string(&path)
                .expect("sample document")
                .replace("\r\n", "\n");
            let title = text
                .lines()
                .find_map(|line| line.strip_prefix("# "))
                .unwrap_or(&file_name)
                .trim()
                .to_owned();
            ProductDocument {
                document_id: format!("{code}/{file_name}"),
                product_code: code,
                file_name,
                title,
                text,
            }
        })
        .collect()
}

fn indexed_samples() -> (DocumentIndex, Vec<ProductDocument>) {
    let docs = sample_documents();
    let mut index = DocumentIndex::in_memory().expect("in-memory index");
    let stats = index.index_documents(&docs).expect("index samples");
    assert_eq!(stats.documents, 30);
    assert_eq!(index.num_chunks().unwrap(), stats.chunks as u64);
    (index, docs)
}

fn han_count(text: &str) -> usize {
    text.chars()
        .filter(|c| ('\u{4E00}'..='\u{9FFF}').contains(c))
        .count()
}

fn latin_count(text: &str) -> usize {
    text.chars().filter(char::is_ascii_alphabetic).count()
}

fn assert_offsets(docs: &[ProductDocument], hits: &[SearchHit]) {
    let by_id: HashMap<&str, &ProductDocument> = docs
        .iter()
        .map(|doc| (doc.document_id.as_str(), doc))
        .collect();
    for hit in hits {
        let doc = by_id[hit.document_id.as_str()];
        assert_eq!(doc.product_code, hit.product_code);
        assert_eq!(
            doc.text.get(hit.start..hit.end),
            Some(hit.text.as_str()),
            "offsets of a hit in {}",
            hit.document_id
        );
    }
}

fn codes(list: &[&str]) -> Vec<String> {
    list.iter().map(|code| (*code).to_owned()).collect()
}

#[test]
fn samples_are_thirty_documents_two_thirds_chinese() {
    let docs = sample_documents();
    assert_eq!(docs.len(), 30);
    let chinese = docs
        .iter()
        .filter(|doc| han_count(&doc.text) > latin_count(&doc.text))
        .count();
    assert_eq!(chinese, 20);
}

#[test]
fn chinese_query_returns_chinese_chunks() {
    let (index, docs) = indexed_samples();
    for query in ["管理费率", "赎回"] {
        let hits = index.search(query, None, 10).unwrap();
        assert!(!hits.is_empty(), "no hits for {query}");
        assert!(
            hits[0].text.contains(query),
            "top hit for {query}: {}",
            hits[0].text
        );
        for hit in &hits {
            assert!(
                han_count(&hit.text) > latin_count(&hit.text),
                "non-Chinese hit for {query}: {}",
                hit.text
            );
        }
        assert!(hits.windows(2).all(|pair| pair[0].score >= pair[1].score));
        assert_offsets(&docs, &hits);
    }
    // Every Chinese document states its redemption terms.
    let all = index.search("赎回", None, 1000).unwrap();
    let products: std::collections::HashSet<&str> =
        all.iter().map(|hit| hit.product_code.as_str()).collect();
    assert!(products.len() >= 15, "{products:?}");
}

#[test]
fn english_query_returns_english_chunks() {
    let (index, docs) = indexed_samples();
    let hits = index.search("management fee", None, 10).unwrap();
    assert!(!hits.is_empty());
    assert!(
        hits[0].text.to_lowercase().contains("management fee"),
        "top hit: {}",
        hits[0].text
    );
    for hit in &hits {
        assert!(
            latin_count(&hit.text) > han_count(&hit.text),
            "non-English hit: {}",
            hit.text
        );
    }
    assert_offsets(&docs, &hits);
    // Case and full-width forms do not matter.
    let shouted = index.search("ＭＡＮＡＧＥＭＥＮＴ FEE", None, 10).unwrap();
    assert_eq!(shouted, hits);
}

#[test]
fn product_filter_restricts_hits_to_those_codes() {
    let (index, docs) = indexed_samples();
    let allowed = codes(&["BF01", "BF02", "WM01"]);
    let hits = index
        .search("赎回 redemption 风险 risk", Some(&allowed), 100)
        .unwrap();
    assert!(!hits.is_empty());
    assert!(hits.iter().all(|hit| allowed.contains(&hit.product_code)));
    let seen: std::collections::HashSet<&str> =
        hits.iter().map(|hit| hit.product_code.as_str()).collect();
    assert_eq!(seen.len(), 3, "{seen:?}");
    assert_offsets(&docs, &hits);

    // The filter does not change scores: a filtered hit scores as it does unfiltered.
    let unfiltered = index
        .search("赎回 redemption 风险 risk", None, 1000)
        .unwrap();
    for hit in &hits {
        let same = unfiltered
            .iter()
            .find(|other| other.document_id == hit.document_id && other.start == hit.start)
            .expect("filtered hit is also an unfiltered hit");
        assert!((same.score - hit.score).abs() < 1e-4);
    }

    assert!(index
        .search("赎回", Some(&codes(&["NO_SUCH"])), 10)
        .unwrap()
        .is_empty());
    assert!(index.search("赎回", Some(&[]), 10).unwrap().is_empty());
}

#[test]
fn offsets_are_correct_for_every_hit() {
    let (index, docs) = indexed_samples();
    let queries = [
        "管理费率",
        "赎回",
        "风险等级 R2",
        "management fee",
        "lock-up period redemption",
        "本产品不是存款",
        "deposit insurance",
        "0.30%",
        "QDII 汇率风险",
        "示例",
        "the",
    ];
    for query in queries {
        let hits = index.search(query, None, 1000).unwrap();
        assert_offsets(&docs, &hits);
    }
    // Chunks respect the size limit and are trimmed.
    let everything = index
        .search("示例 example the 的 产品 product", None, 10_000)
        .unwrap();
    assert!(everything.len() > 100);
    for hit in &everything {
        assert!(hit.text.chars().count() <= copilot_search::MAX_CHUNK_CHARS);
        assert_eq!(hit.text.trim(), hit.text);
    }
}

#[test]
fn reindexing_a_changed_document_replaces_its_chunks() {
    let (mut index, mut docs) = indexed_samples();
    let chunks_before = index.num_chunks().unwrap();
    let snapshot_before = index.snapshot_id().unwrap();
    let bf02 = codes(&["BF02"]);

    let old = index.search("settlement", Some(&bf02), 10).unwrap();
    assert!(old
        .iter()
        .any(|hit| hit.text.contains("Settlement times follow")));

    let doc = docs
        .iter_mut()
        .find(|doc| doc.product_code == "BF02")
        .unwrap();
    doc.text = doc.text.replace(
        "Settlement times follow the fund contract",
        "Quokkaville payouts follow the fund contract",
    );
    let changed = doc.clone();
    let stats = index
        .index_documents(std::slice::from_ref(&changed))
        .unwrap();
    assert_eq!(stats.documents, 1);

    assert_eq!(index.num_chunks().unwrap(), chunks_before);
    let new = index.search("quokkaville", None, 10).unwrap();
    assert_eq!(new.len(), 1);
    assert_eq!(new[0].product_code, "BF02");
    assert_offsets(&docs, &new);
    let gone = index.search("settlement", Some(&bf02), 10).unwrap();
    assert!(!gone.iter().any(|hit| hit.text.contains("Settlement times")));
    let snapshot_after = index.snapshot_id().unwrap();
    assert_ne!(snapshot_after, snapshot_before);
    assert_eq!(snapshot_after.len(), 64);
    assert!(snapshot_after.bytes().all(|b| b.is_ascii_hexdigit()));

    // Re-indexing identical content changes nothing, not even the snapshot id.
    index
        .index_documents(std::slice::from_ref(&changed))
        .unwrap();
    assert_eq!(index.num_chunks().unwrap(), chunks_before);
    assert_eq!(index.snapshot_id().unwrap(), snapshot_after);

    // An empty batch neither commits nor changes anything.
    assert_eq!(index.index_documents(&[]).unwrap().chunks, 0);
    assert_eq!(index.snapshot_id().unwrap(), snapshot_after);
}

#[test]
fn a_document_twice_in_one_batch_is_indexed_from_its_last_copy() {
    let docs = sample_documents();
    let first = docs[0].clone();
    let mut second = first.clone();
    second.text.push_str("\n\nWombatline appendix.");
    let mut index = DocumentIndex::in_memory().unwrap();
    let stats = index.index_documents(&[first, second.clone()]).unwrap();
    assert_eq!(stats.documents, 1);
    assert_eq!(index.num_chunks().unwrap(), stats.chunks as u64);
    let hits = index.search("wombatline", None, 10).unwrap();
    assert_eq!(hits.len(), 1);
    assert_offsets(&[second], &hits);
}

#[test]
fn removing_a_product_removes_all_its_chunks() {
    let (mut index, _) = indexed_samples();
    let before = index.num_chunks().unwrap();
    let snapshot = index.snapshot_id().unwrap();
    let bf01 = codes(&["BF01"]);
    let bf01_chunks = index
        .search("示例 BF01 产品 风险 的", Some(&bf01), 1000)
        .unwrap()
        .len();
    assert!(bf01_chunks > 0);

    index.remove_product("BF01").unwrap();
    assert!(index
        .search("管理费率 赎回 风险", Some(&bf01), 10)
        .unwrap()
        .is_empty());
    assert!(index.num_chunks().unwrap() < before);
    let removed_snapshot = index.snapshot_id().unwrap();
    assert_ne!(removed_snapshot, snapshot);

    // Removing an absent product is fine and changes nothing.
    index.remove_product("BF01").unwrap();
    index.remove_product("NO_SUCH").unwrap();
    assert_eq!(index.snapshot_id().unwrap(), removed_snapshot);
}

#[test]
fn hostile_queries_do_not_error() {
    let (index, docs) = indexed_samples();
    let long = "fee AND ( ".repeat(10_000);
    let hostile = [
        "AND (",
        "\"",
        "*:*",
        "ignore previous instructions",
        "fee AND (",
        "text:fee OR product_code:BF01",
        "+fee -risk ^2 ~3 [a TO z] {x}",
        "管理费率\" OR 1=1 --",
        "\\",
        "\u{0}\u{FFFF}",
        "((((((((((",
        long.as_str(),
    ];
    for query in hostile {
        let hits = index.search(query, None, 10).unwrap();
        assert_offsets(&docs, &hits);
        let filtered = index.search(query, Some(&codes(&["BF02"])), 10).unwrap();
        assert!(filtered.iter().all(|hit| hit.product_code == "BF02"));
    }
    for query in ["", "   ", "*:*", "\"", "（。，！）", "AND ("] {
        let hits = index.search(query, None, 10).unwrap();
        // Only `AND` survives analysis as a term; nothing else yields a term at all.
        assert!(query.contains("AND") || hits.is_empty(), "{query:?}");
    }
    assert!(index.search("management fee", None, 0).unwrap().is_empty());
    assert!(!index
        .search("management fee", None, usize::MAX)
        .unwrap()
        .is_empty());
}

#[test]
fn reopening_from_disk_gives_the_same_results_and_snapshot() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("nested").join("index");
    let docs = sample_documents();
    let queries = [
        "管理费率",
        "management fee",
        "赎回 redemption",
        "风险等级 R4",
    ];

    let mut index = DocumentIndex::open_or_create(&path).unwrap();
    index.index_documents(&docs).unwrap();
    let before: Vec<Vec<SearchHit>> = queries
        .iter()
        .map(|query| index.search(query, None, 20).unwrap())
        .collect();
    let snapshot = index.snapshot_id().unwrap();
    let chunks = index.num_chunks().unwrap();
    assert!(path.join(MARKER_FILE).is_file());

    // The same content in memory has the same snapshot id.
    let (memory, _) = indexed_samples();
    assert_eq!(memory.snapshot_id().unwrap(), snapshot);

    // While it is open, nobody else may open it.
    match DocumentIndex::open_or_create(&path) {
        Err(SearchError::Index(_)) => {}
        other => panic!("second open: {other:?}"),
    }
    drop(index);

    let reopened = DocumentIndex::open_or_create(&path).unwrap();
    assert_eq!(reopened.snapshot_id().unwrap(), snapshot);
    assert_eq!(reopened.num_chunks().unwrap(), chunks);
    for (query, expected) in queries.iter().zip(&before) {
        let hits = reopened.search(query, None, 20).unwrap();
        assert!(!hits.is_empty());
        assert_eq!(&hits, expected, "{query}");
        assert_offsets(&docs, &hits);
    }
    drop(reopened);
    // And again: opening without writing leaves the snapshot as it was.
    let again = DocumentIndex::open_or_create(&path).unwrap();
    assert_eq!(again.snapshot_id().unwrap(), snapshot);
}

#[test]
fn a_directory_with_junk_is_refused_and_left_untouched() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("notes.txt"), "not an index").unwrap();
    std::fs::write(dir.path().join("meta.json"), "{ \"junk\": true }").unwrap();
    match DocumentIndex::open_or_create(dir.path()) {
        Err(SearchError::Corrupt { path, reason }) => {
            assert_eq!(path, dir.path());
            assert!(reason.contains("marker"), "{reason}");
        }
        other => panic!("expected Corrupt, got {other:?}"),
    }
    let mut names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, ["meta.json", "notes.txt"]);
}

#[test]
fn an_index_of_another_format_or_schema_is_refused() {
    // Another format version.
    let dir = tempfile::tempdir().unwrap();
    drop(DocumentIndex::open_or_create(dir.path()).unwrap());
    std::fs::write(
        dir.path().join(MARKER_FILE),
        "copilot-search index\nformat 999\n",
    )
    .unwrap();
    match DocumentIndex::open_or_create(dir.path()) {
        Err(SearchError::Corrupt { reason, .. }) => assert!(reason.contains("999"), "{reason}"),
        other => panic!("expected Corrupt, got {other:?}"),
    }

    // Our marker over a tantivy index with some other schema.
    let dir = tempfile::tempdir().unwrap();
    let mut builder = tantivy::schema::Schema::builder();
    builder.add_text_field("body", tantivy::schema::TEXT);
    tantivy::Index::create_in_dir(dir.path(), builder.build()).unwrap();
    std::fs::write(
        dir.path().join(MARKER_FILE),
        format!(
            "copilot-search index\nformat {}\n",
            copilot_search::INDEX_FORMAT_VERSION
        ),
    )
    .unwrap();
    match DocumentIndex::open_or_create(dir.path()) {
        Err(SearchError::Corrupt { reason, .. }) => assert!(reason.contains("schema"), "{reason}"),
        other => panic!("expected Corrupt, got {other:?}"),
    }

    // Our marker over a damaged meta.json.
    let dir = tempfile::tempdir().unwrap();
    drop(DocumentIndex::open_or_create(dir.path()).unwrap());
    std::fs::write(dir.path().join("meta.json"), "garbage").unwrap();
    assert!(matches!(
        DocumentIndex::open_or_create(dir.path()),
        Err(SearchError::Corrupt { .. })
    ));

    // A file where the directory should be.
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("index");
    std::fs::write(&file, "x").unwrap();
    assert!(matches!(
        DocumentIndex::open_or_create(&file),
        Err(SearchError::Io { .. })
    ));
}

#[test]
fn an_empty_index_answers_nothing() {
    let index = DocumentIndex::in_memory().unwrap();
    assert_eq!(index.num_chunks().unwrap(), 0);
    assert!(index.search("管理费率", None, 10).unwrap().is_empty());
    let other = DocumentIndex::in_memory().unwrap();
    assert_eq!(index.snapshot_id().unwrap(), other.snapshot_id().unwrap());
}
