//! Review records in the real SQLCipher file: the lock triggers (a submitted/approved/rejected
//! draft's text cannot change; an approved/rejected review is final), bundle replay refusal,
//! and the migration of a version-2 database's drafts to review records.

use copilot_core::{
    CivilCapacity, ClientProfile, Currency, DatabaseKey, InvestorClass, LiquidityNeed, Money,
    Objective, RiskLevel, Sensitive,
};
use copilot_protocol::review::{ReviewAction, ReviewEvent, ReviewRecord, ReviewState};
use copilot_protocol::DraftReport;
use copilot_store::{AuditEntry, Store, StoreError, LATEST_VERSION};
use rusqlite::{params, Connection};
use std::path::Path;

fn key() -> DatabaseKey {
    DatabaseKey::from_bytes([0x24; 32])
}

fn raw(path: &Path) -> Connection {
    let conn = Connection::open(path).unwrap();
    conn.execute_batch(&format!("PRAGMA key = \"x'{}'\";", "24".repeat(32)))
        .unwrap();
    conn
}

fn entry(action: &str, subject: &str) -> AuditEntry {
    AuditEntry::new("adv-1", action, subject, serde_json::json!({}))
}

fn client(id: &str) -> ClientProfile {
    ClientProfile {
        client_id: id.into(),
        name: Sensitive::new("测试客户"),
        id_number: None,
        birth_date: None,
        phone: None,
        investor_class: InvestorClass::Ordinary,
        risk_level: Some(RiskLevel::C3),
        lowest_category: false,
        assessment_date: None,
        questionnaire_version: None,
        civil_capacity: CivilCapacity::Full,
        horizon_months: Some(24),
        liquidity_need: LiquidityNeed::Low,
        objective: Objective::Balanced,
        investable_assets: Money::new(rust_decimal::Decimal::new(1_000_000, 0), Currency::CNY),
        annual_income: None,
        debts: None,
        experience_years: 3,
        experience_types: vec![],
        notes: None,
        profile_updated: None,
        loss_tolerance: None,
        max_loss_pct: None,
    }
}

/// A draft's JSON with the required fields only (`ai_text` omitted: a pre-schema-3 draft).
fn draft_json(id: &str, client: &str, operator: &str, text: &str) -> serde_json::Value {
    serde_json::json!({
        "draft_id": id, "client_id": client, "lang": "zh", "has_recommendation": true,
        "blocks": [], "proposed": [], "eligible": [], "excluded": [], "flagged": [], "citations": [],
        "rationale_model": "", "rationale": "", "text": text,
        "provenance": {
            "model_sha256": "00", "model_name": "m", "quantization": "Q4_1", "prompt_version": "p1",
            "rules_version": "pack@1", "index_snapshot": "s1", "operator": operator,
            "created_at": "2026-11-30T08:00:00Z"
        }
    })
}

fn draft(id: &str, text: &str) -> DraftReport {
    let mut d: DraftReport = serde_json::from_value(draft_json(id, "C1", "adv-1", text)).unwrap();
    d.ai_text = text.to_string();
    d
}

fn record(id: &str, state: ReviewState, events: &[ReviewAction]) -> ReviewRecord {
    ReviewRecord {
        draft_id: id.into(),
        version: 1,
        previous_version: None,
        state,
        drafter: "adv-1".into(),
        reviewer: matches!(
            state,
            ReviewState::Approved | ReviewState::Rejected | ReviewState::ChangesRequested
        )
        .then(|| "sup-1".to_string()),
        events: events
            .iter()
            .map(|&action| ReviewEvent {
                at: "2026-11-30T09:00:00Z".into(),
                actor: if action == ReviewAction::Submit {
                    "adv-1"
                } else {
                    "sup-1"
                }
                .into(),
                action,
                comment: None,
                text_sha256: "ab".repeat(32),
            })
            .collect(),
    }
}

fn store_with_draft(dir: &Path) -> Store {
    let mut s = Store::create(&dir.join("c.db"), &key()).unwrap();
    s.upsert_clients(&[client("C1")], &entry("import", "clients"))
        .unwrap();
    s.insert_draft(
        &draft("D1", "AI 原文"),
        &record("D1", ReviewState::Draft, &[]),
        &entry("draft", "D1"),
    )
    .unwrap();
    s
}

fn assert_locked<T: std::fmt::Debug>(r: Result<T, StoreError>, what: &str) {
    match r {
        Err(StoreError::Locked(msg)) => assert!(!msg.is_empty()),
        other => panic!("{what}: expected Locked, got {other:?}"),
    }
}

/// (d) A submitted or approved draft's text cannot change; the refused edit leaves the text, the
/// review and the audit log as they were. Back in `changes_requested` it can be edited again.
#[test]
fn submitted_and_approved_drafts_refuse_text_edits() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = store_with_draft(dir.path());

    s.update_draft_text(
        "D1",
        "顾问修改一",
        &record("D1", ReviewState::Draft, &[ReviewAction::Edit]),
        &entry("edit", "D1"),
    )
    .unwrap();
    let submitted = record(
        "D1",
        ReviewState::Submitted,
        &[ReviewAction::Edit, ReviewAction::Submit],
    );
    s.save_review(&submitted, &entry("submit", "D1")).unwrap();

    let head = s.audit_head().unwrap();
    assert_locked(
        s.update_draft_text("D1", "偷偷改", &submitted, &entry("edit", "D1")),
        "edit while submitted",
    );
    // The same text with a record that would move it back to `draft` is refused too (the
    // trigger only sees text changes; the store checks the stored state first).
    let reopened = record(
        "D1",
        ReviewState::Draft,
        &[ReviewAction::Edit, ReviewAction::Submit, ReviewAction::Edit],
    );
    assert_locked(
        s.update_draft_text("D1", "顾问修改一", &reopened, &entry("edit", "D1")),
        "same-text edit while submitted",
    );
    let d = s.get_draft("D1").unwrap();
    assert_eq!(
        (d.text.as_str(), d.ai_text.as_str()),
        ("顾问修改一", "AI 原文")
    );
    assert_eq!(s.get_review("D1").unwrap().record, submitted);
    assert_eq!(
        s.audit_head().unwrap(),
        head,
        "a refused edit appends nothing"
    );

    // Sent back: editable again, then resubmitted and approved.
    let back = record(
        "D1",
        ReviewState::ChangesRequested,
        &[
            ReviewAction::Edit,
            ReviewAction::Submit,
            ReviewAction::RequestChanges,
        ],
    );
    s.save_review(&back, &entry("decision", "D1")).unwrap();
    s.update_draft_text("D1", "顾问修改二", &back, &entry("edit", "D1"))
        .unwrap();
    s.save_review(
        &record("D1", ReviewState::Submitted, &[ReviewAction::Submit]),
        &entry("submit", "D1"),
    )
    .unwrap();
    let approved = record(
        "D1",
        ReviewState::Approved,
        &[ReviewAction::Submit, ReviewAction::Approve],
    );
    s.save_review(&approved, &entry("decision", "D1")).unwrap();

    let head = s.audit_head().unwrap();
    assert_locked(
        s.update_draft_text("D1", "批准后再改", &approved, &entry("edit", "D1")),
        "edit after approval",
    );
    assert_eq!(s.get_draft("D1").unwrap().text, "顾问修改二");
    assert_eq!(s.audit_head().unwrap(), head);

    // The database refuses it without the store's code too (the trigger), and refuses deletion.
    let path = s.path().to_path_buf();
    drop(s);
    let conn = raw(&path);
    let err = conn
        .execute(
            "UPDATE drafts SET data = json_set(data, '$.text', 'raw edit') WHERE draft_id = 'D1'",
            [],
        )
        .unwrap_err()
        .to_string();
    assert!(err.contains("locked by its review"), "{err}");
    let err = conn
        .execute("DELETE FROM drafts WHERE draft_id = 'D1'", [])
        .unwrap_err()
        .to_string();
    assert!(err.contains("locked by its review"), "{err}");
    // Fields other than the text may still change (S17 invalidation of an approved draft).
    conn.execute(
        "UPDATE drafts SET data = json_set(data, '$.retain_until', '2046-11-30') WHERE draft_id = 'D1'",
        [],
    )
    .unwrap();
    drop(conn);
    let s = Store::open(&path, &key()).unwrap();
    assert!(s.verify_audit(None).unwrap().ok);
}

/// (d) An approved or rejected review is final: `save_review` is refused with `Locked` and the
/// stored record stays; so is a rejected one's, and neither can be deleted.
#[test]
fn approved_and_rejected_reviews_are_final() {
    for final_state in [ReviewState::Approved, ReviewState::Rejected] {
        let dir = tempfile::tempdir().unwrap();
        let mut s = store_with_draft(dir.path());
        s.save_review(
            &record("D1", ReviewState::Submitted, &[ReviewAction::Submit]),
            &entry("submit", "D1"),
        )
        .unwrap();
        let decided = record(
            "D1",
            final_state,
            &[
                ReviewAction::Submit,
                if final_state == ReviewState::Approved {
                    ReviewAction::Approve
                } else {
                    ReviewAction::Reject
                },
            ],
        );
        s.save_review(&decided, &entry("decision", "D1")).unwrap();
        let head = s.audit_head().unwrap();

        for next in [
            ReviewState::Draft,
            ReviewState::Submitted,
            ReviewState::ChangesRequested,
            ReviewState::Approved,
            ReviewState::Rejected,
        ] {
            assert_locked(
                s.save_review(&record("D1", next, &[]), &entry("decision", "D1")),
                &format!("{final_state:?} → {next:?}"),
            );
        }
        let stored = s.get_review("D1").unwrap();
        assert_eq!(stored.record, decided);
        assert_eq!(stored.origin, "local");
        assert_eq!(s.audit_head().unwrap(), head);

        let path = s.path().to_path_buf();
        drop(s);
        let conn = raw(&path);
        let err = conn
            .execute("DELETE FROM reviews WHERE draft_id = 'D1'", [])
            .unwrap_err()
            .to_string();
        assert!(err.contains("is final"), "{err}");
        let err = conn
            .execute(
                "UPDATE reviews SET state = 'draft' WHERE draft_id = 'D1'",
                [],
            )
            .unwrap_err()
            .to_string();
        assert!(err.contains("is final"), "{err}");
    }
}

/// (d) A bundle is accepted once: a replayed bundle id (review request or decision) is refused
/// with `Replay`, and nothing of that import is written (draft, review, seen id, audit record).
#[test]
fn replayed_bundles_are_refused_and_write_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = store_with_draft(dir.path());
    assert!(!s.bundle_seen("B-1").unwrap());
    let received = record("R1", ReviewState::Submitted, &[ReviewAction::Submit]);
    let r1 = draft("R1", "收到的草稿");
    s.insert_received(
        &r1,
        &received,
        "B-1",
        "adv-9",
        &entry("bundle_import", "B-1"),
    )
    .unwrap();
    assert!(s.bundle_seen("B-1").unwrap());
    assert_eq!(s.get_received("R1").unwrap(), r1);
    assert_eq!(s.get_review("R1").unwrap().origin, "B-1");
    let head = s.audit_head().unwrap();

    // The same file again, and another draft under the same bundle id.
    match s.insert_received(
        &r1,
        &received,
        "B-1",
        "adv-9",
        &entry("bundle_import", "B-1"),
    ) {
        Err(StoreError::Replay(id)) => assert_eq!(id, "B-1"),
        other => panic!("expected Replay, got {other:?}"),
    }
    let r2 = draft("R2", "另一份");
    let err = s
        .insert_received(
            &r2,
            &record("R2", ReviewState::Submitted, &[]),
            "B-1",
            "adv-9",
            &entry("bundle_import", "B-1"),
        )
        .unwrap_err();
    assert!(matches!(err, StoreError::Replay(_)), "{err:?}");
    assert!(matches!(
        s.get_received("R2"),
        Err(StoreError::Missing { .. })
    ));
    assert!(matches!(
        s.get_review("R2"),
        Err(StoreError::Missing { .. })
    ));

    // A decision bundle: applied once; its replay (or any reuse of a seen id) is refused.
    s.save_review(
        &record("D1", ReviewState::Submitted, &[ReviewAction::Submit]),
        &entry("submit", "D1"),
    )
    .unwrap();
    let changes = record(
        "D1",
        ReviewState::ChangesRequested,
        &[ReviewAction::Submit, ReviewAction::RequestChanges],
    );
    s.apply_received_decision(&changes, "B-2", "sup-9", &entry("bundle_import", "B-2"))
        .unwrap();
    let head_after = s.audit_head().unwrap();
    assert_eq!(head_after.0, head.0 + 2);
    let approve = record(
        "D1",
        ReviewState::Approved,
        &[ReviewAction::Submit, ReviewAction::Approve],
    );
    for bundle in ["B-2", "B-1"] {
        match s.apply_received_decision(&approve, bundle, "sup-9", &entry("bundle_import", bundle))
        {
            Err(StoreError::Replay(id)) => assert_eq!(id, bundle),
            other => panic!("expected Replay for {bundle}, got {other:?}"),
        }
    }
    assert_eq!(s.get_review("D1").unwrap().record, changes);
    assert_eq!(
        s.audit_head().unwrap(),
        head_after,
        "replays append nothing"
    );

    // Replay protection survives reopening.
    let path = s.path().to_path_buf();
    drop(s);
    let mut s = Store::open(&path, &key()).unwrap();
    assert!(matches!(
        s.insert_received(
            &r1,
            &received,
            "B-1",
            "adv-9",
            &entry("bundle_import", "B-1")
        ),
        Err(StoreError::Replay(_))
    ));
    assert!(s.verify_audit(Some(head_after)).unwrap().ok);
}

/// Migrations 1 and 2 exactly as in `src/migrations.rs` (applied migrations are never edited).
const MIGRATION_1: &str = "CREATE TABLE clients (
        client_id   TEXT PRIMARY KEY NOT NULL,
        risk_level  TEXT,
        data        TEXT NOT NULL,
        updated_at  TEXT NOT NULL
     );
     CREATE TABLE holdings (
        id           INTEGER PRIMARY KEY AUTOINCREMENT,
        client_id    TEXT NOT NULL REFERENCES clients(client_id) ON DELETE CASCADE,
        product_code TEXT NOT NULL,
        data         TEXT NOT NULL
     );
     CREATE INDEX holdings_client ON holdings(client_id);
     CREATE TABLE products (
        product_code TEXT PRIMARY KEY NOT NULL,
        data         TEXT NOT NULL,
        updated_at   TEXT NOT NULL
     );
     CREATE TABLE documents (
        document_id  TEXT PRIMARY KEY NOT NULL,
        product_code TEXT NOT NULL REFERENCES products(product_code) ON DELETE CASCADE,
        data         TEXT NOT NULL
     );";

const MIGRATION_2: &str = "CREATE TABLE drafts (
        draft_id    TEXT PRIMARY KEY NOT NULL,
        client_id   TEXT NOT NULL REFERENCES clients(client_id),
        created_at  TEXT NOT NULL,
        data        TEXT NOT NULL
     );
     CREATE INDEX drafts_client ON drafts(client_id, created_at);";

/// (e) A version-2 database (drafts, no reviews) opened by this build: each draft gets a review
/// record in state `draft`, version 1, drafted by its provenance's operator; the draft is still
/// editable (its text becomes the AI text on the first edit) and the audit log starts empty.
#[test]
fn version_2_drafts_get_draft_review_records() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v2.db");
    {
        let conn = raw(&path);
        for (version, sql) in [(1, MIGRATION_1), (2, MIGRATION_2)] {
            conn.execute_batch(&format!(
                "BEGIN; {sql} PRAGMA user_version = {version}; COMMIT;"
            ))
            .unwrap();
        }
        conn.execute(
            "INSERT INTO clients (client_id, risk_level, data, updated_at) VALUES ('C1', 'C3', ?1, '2026-01-01')",
            [serde_json::to_string(&client("C1")).unwrap()],
        )
        .unwrap();
        for (id, operator, created) in [
            ("D-old-1", "王经理", "2026-10-01T08:00:00Z"),
            ("D-old-2", "adv-7", "2026-10-02T08:00:00Z"),
        ] {
            conn.execute(
                "INSERT INTO drafts (draft_id, client_id, created_at, data) VALUES (?1, 'C1', ?2, ?3)",
                params![
                    id,
                    created,
                    draft_json(id, "C1", operator, "旧草稿正文").to_string()
                ],
            )
            .unwrap();
        }
    }

    let mut s = Store::open(&path, &key()).unwrap();
    assert_eq!(s.schema_version().unwrap(), LATEST_VERSION);
    for (id, operator, created) in [
        ("D-old-1", "王经理", "2026-10-01T08:00:00Z"),
        ("D-old-2", "adv-7", "2026-10-02T08:00:00Z"),
    ] {
        let row = s.get_review(id).unwrap();
        assert_eq!(
            row.record,
            ReviewRecord {
                draft_id: id.into(),
                version: 1,
                previous_version: None,
                state: ReviewState::Draft,
                drafter: operator.into(),
                reviewer: None,
                events: vec![],
            }
        );
        assert_eq!(
            (row.origin.as_str(), row.updated_at.as_str()),
            ("local", created)
        );
    }
    assert_eq!(s.list_reviews().unwrap().len(), 2);
    assert_eq!(s.audit_head().unwrap().0, 0);

    let d = s.get_draft("D-old-2").unwrap();
    assert_eq!((d.text.as_str(), d.ai_text.as_str()), ("旧草稿正文", ""));
    let mut rec = s.get_review("D-old-2").unwrap().record;
    rec.events.push(ReviewEvent {
        at: "2026-11-30T09:00:00Z".into(),
        actor: "adv-7".into(),
        action: ReviewAction::Edit,
        comment: None,
        text_sha256: "cd".repeat(32),
    });
    let d = s
        .update_draft_text("D-old-2", "第一次修改", &rec, &entry("edit", "D-old-2"))
        .unwrap();
    assert_eq!(
        (d.text.as_str(), d.ai_text.as_str()),
        ("第一次修改", "旧草稿正文")
    );
    assert_eq!(s.get_draft("D-old-2").unwrap(), d);
    let r = s.verify_audit(None).unwrap();
    assert_eq!((r.ok, r.records), (true, 1));
}
