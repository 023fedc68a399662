//! RELIABILITY.md promise 2: after the full flow (import, index, draft), no file under the data
//! directory or the temp directory holds a sample client's name or ID number — in UTF-8, UTF-16,
//! GB18030, base64 or hex.

use base64::Engine;
use copilot_app::draft::DraftInput;
use copilot_app::reexports::{CancelFlag, KeychainUse, Passphrase};
use copilot_app::{ModelManifest, Workspace};
use copilot_core::Lang;
use std::path::{Path, PathBuf};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Names (≥ 2 characters) and ID numbers of every sample client.
fn canaries() -> Vec<String> {
    let mut rdr = csv::Reader::from_path(repo().join("assets/sample/clients.csv")).unwrap();
    let headers = rdr.headers().unwrap().clone();
    let name = headers.iter().position(|h| h == "name").unwrap();
    let id = headers.iter().position(|h| h == "id_number").unwrap();
    let mut out = Vec::new();
    for row in rdr.records() {
        let row = row.unwrap();
        out.push(row[name].to_string());
        out.push(row[id].to_string());
    }
    out.retain(|s| s.chars().count() >= 2);
    out
}

/// Every byte form in which a canary might be written.
fn encodings(s: &str) -> Vec<(String, Vec<u8>)> {
    let mut out = vec![("utf8".to_string(), s.as_bytes().to_vec())];
    out.push((
        "utf16le".into(),
        s.encode_utf16().flat_map(|u| u.to_le_bytes()).collect(),
    ));
    out.push((
        "utf16be".into(),
        s.encode_utf16().flat_map(|u| u.to_be_bytes()).collect(),
    ));
    let (gb, _, _) = encoding_rs::GB18030.encode(s);
    out.push(("gb18030".into(), gb.into_owned()));
    out.push(("hex".into(), hex_lower(s.as_bytes()).into_bytes()));
    out.push((
        "HEX".into(),
        hex_lower(s.as_bytes()).to_uppercase().into_bytes(),
    ));
    // base64 at each of the three alignments, without the partial edge characters.
    for pad in 0..3 {
        let mut bytes = vec![0u8; pad];
        bytes.extend_from_slice(s.as_bytes());
        let enc = base64::engine::general_purpose::STANDARD.encode(&bytes);
        let skip = if pad == 0 {
            0
        } else {
            (pad * 4).div_ceil(3) + 1
        };
        let trimmed: String = enc.chars().skip(skip).collect();
        let keep = trimmed.len().saturating_sub(4);
        if keep >= 8 {
            out.push((format!("base64+{pad}"), trimmed.as_bytes()[..keep].to_vec()));
        }
    }
    out
}

fn hex_lower(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

fn files_under(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            files_under(&p, out);
        } else {
            out.push(p);
        }
    }
}

#[test]
fn no_client_name_or_id_number_in_any_file_after_the_full_flow() {
    std::env::set_var("COPILOT_TODAY", "2026-11-29");
    let data = tempfile::tempdir().unwrap();
    let tmp = tempfile::tempdir().unwrap();
    std::env::set_var("TMPDIR", tmp.path());
    {
        let (mut ws, _) = Workspace::init(
            data.path(),
            &Passphrase::new("canary test passphrase"),
            KeychainUse::Disabled,
        )
        .unwrap();
        ws.import_sample(&repo().join("assets")).unwrap();
        let manifest = ModelManifest::load(&repo().join("models")).unwrap();
        let entry = manifest.entry(None).unwrap().clone();
        let mut model = copilot_app::ModelHandle::new(manifest, entry, None);
        for (client, lang) in [("C0001", Lang::Zh), ("C0003", Lang::En)] {
            let input = DraftInput::new(client, lang);
            let (report, _) = ws
                .draft(&input, &mut model, &CancelFlag::new(), &mut |_| {})
                .unwrap();
            // The memo does carry the name: it must be in the encrypted store and nowhere else.
            assert!(report
                .text
                .contains(ws.client(client).unwrap().name.expose()));
        }
    }
    let mut files = Vec::new();
    files_under(data.path(), &mut files);
    files_under(tmp.path(), &mut files);
    assert!(files.iter().any(|f| f.ends_with("copilot.db")));
    let canaries = canaries();
    assert!(canaries.len() >= 90, "{} canaries", canaries.len());
    let mut found = Vec::new();
    for f in &files {
        let bytes = std::fs::read(f).unwrap();
        for c in &canaries {
            for (enc, needle) in encodings(c) {
                if memchr::memmem::find(&bytes, &needle).is_some() {
                    found.push(format!("{} holds a client canary ({enc})", f.display()));
                }
            }
        }
    }
    assert!(found.is_empty(), "{found:#?}");
}
