//! The services the desktop shell adds: the import preview (writes nothing, lists every problem)
//! and saving an edited memo (S13 lint and the figure check re-run).

use copilot_app::draft::DraftInput;
use copilot_app::reexports::{CancelFlag, KeychainUse, Passphrase};
use copilot_app::{AppError, ImportKind, ModelHandle, ModelManifest, Workspace};
use copilot_core::Lang;
use copilot_protocol::rules;
use std::path::{Path, PathBuf};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn setup(sample: bool) -> (tempfile::TempDir, Workspace) {
    std::env::set_var("COPILOT_TODAY", "2026-11-29");
    let dir = tempfile::tempdir().unwrap();
    let (mut ws, _) = Workspace::init(
        dir.path(),
        &Passphrase::new("desktop support passphrase"),
        KeychainUse::Disabled,
    )
    .unwrap();
    if sample {
        ws.import_sample(&repo().join("assets")).unwrap();
    }
    (dir, ws)
}

#[test]
fn preview_lists_rows_and_every_problem_and_writes_nothing() {
    let (dir, ws) = setup(false);
    let bad = dir.path().join("bad.csv");
    std::fs::write(
        &bad,
        "client_id,name,risk_level,assessment_date,investable_assets\nN1,New Client,C3,2026-01-01,100000\nN2,Other,C9,2026-01-01,100000\nN3,Third,C2,2026-13-01,100000\n",
    )
    .unwrap();
    let p = ws.preview_import(ImportKind::Clients, &[bad]).unwrap();
    assert_eq!(p.headers[0], "client_id");
    assert_eq!(p.rows.len(), 3);
    assert_eq!(p.total_rows, 3);
    assert!(p.problems.len() >= 2, "{:?}", p.problems);
    assert!(p.problems.iter().any(|e| e.row == 3));
    assert!(p.problems.iter().any(|e| e.row == 4));
    assert_eq!(ws.counts().unwrap(), [0; 5]);

    // A clean file: rows, no problems; holdings of unknown clients are a problem.
    let sample = repo().join("assets/sample");
    let p = ws
        .preview_import(ImportKind::Clients, &[sample.join("clients.csv")])
        .unwrap();
    assert!(p.problems.is_empty(), "{:?}", p.problems);
    assert_eq!(p.rows.len(), copilot_app::desktop::PREVIEW_ROWS);
    let p = ws
        .preview_import(ImportKind::Holdings, &[sample.join("holdings.csv")])
        .unwrap();
    assert_eq!(p.problems.len(), 1, "{:?}", p.problems);
    let p = ws
        .preview_import(ImportKind::Clients, &[dir.path().join("missing.csv")])
        .unwrap();
    assert_eq!((p.problems.len(), p.problems[0].row), (1, 0));
    assert_eq!(ws.counts().unwrap(), [0; 5]);
}

#[test]
fn an_edited_memo_is_linted_and_figure_checked_before_saving() {
    let (_dir, mut ws) = setup(true);
    // A blocked client (S3): a draft without the model.
    let manifest = ModelManifest::load(&repo().join("models")).unwrap();
    let entry = manifest.entry(None).unwrap().clone();
    let mut model = ModelHandle::new(manifest, entry, None);
    let (draft, _) = ws
        .draft(
            &DraftInput::new("C0008", Lang::En),
            &mut model,
            &CancelFlag::new(),
            &mut |_| {},
        )
        .unwrap();

    let promise = below_label(&draft.text, "This is a principal-protected product.");
    let err = ws.save_draft_text(&draft.draft_id, &promise).unwrap_err();
    assert!(
        matches!(&err, AppError::Rule(f) if f.rule_id == rules::S13),
        "{err}"
    );

    let figure = below_label(&draft.text, "The client holds 9.9% in deposits.");
    let err = ws.save_draft_text(&draft.draft_id, &figure).unwrap_err();
    assert!(
        matches!(&err, AppError::Rule(f) if f.rule_id == rules::S14),
        "{err}"
    );
    assert_eq!(ws.get_draft(&draft.draft_id).unwrap().text, draft.text);

    // The end of the memo (disclosures, provenance) stays as generated (S15/S25).
    let appended = format!("{}\nReviewed with the client in the branch.", draft.text);
    let err = ws.save_draft_text(&draft.draft_id, &appended).unwrap_err();
    assert!(
        matches!(&err, AppError::Rule(f) if f.rule_id == rules::S15),
        "{err}"
    );
    let err = ws.save_draft_text(&draft.draft_id, "").unwrap_err();
    assert!(
        matches!(&err, AppError::Rule(f) if f.rule_id == rules::S15),
        "{err}"
    );

    let edited = below_label(&draft.text, "Reviewed with the client in the branch.");
    let saved = ws.save_draft_text(&draft.draft_id, &edited).unwrap();
    assert_eq!(saved.text, edited);
    assert!(ws.holdings("C0008").is_ok());
    let again = ws.get_draft(&draft.draft_id).unwrap();
    assert_eq!(again.text, edited);
    assert_eq!(again.provenance, draft.provenance);

    let err = ws.save_draft_text("D-missing", "x").unwrap_err();
    assert!(err.is_not_found(), "{err}");
}

/// The memo with `line` inserted below its first line (the AI label).
fn below_label(memo: &str, line: &str) -> String {
    let at = memo.find('\n').unwrap_or(memo.len());
    format!("{}\n{line}{}", &memo[..at], &memo[at..])
}
