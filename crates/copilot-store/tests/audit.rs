//! The audit log in the real SQLCipher file: every write appends exactly one record in its own
//! transaction; the triggers refuse `UPDATE`/`DELETE`; and an attacker who opens the file with
//! the database key, drops the triggers and edits rows without the audit key is caught by
//! `Store::verify_audit` at exactly the first affected record.

use copilot_core::audit::{record_mac, AuditKey, MacBytes};
use copilot_core::{
    CivilCapacity, ClientProfile, Currency, DatabaseKey, Holding, InvestorClass, LiquidityNeed,
    Money, Objective, Product, ProductDocument, Rating, RiskLevel, Sensitive,
};
use copilot_protocol::review::{ReviewRecord, ReviewState, Role, UserInfo};
use copilot_protocol::DraftReport;
use copilot_store::{AuditEntry, Store, UserRow};
use rusqlite::{params, Connection};
use std::path::Path;

const KEY: u8 = 0x42;

fn key() -> DatabaseKey {
    DatabaseKey::from_bytes([KEY; 32])
}

/// A raw connection with the database key applied first (what `Store` does), no triggers bypassed.
fn raw(path: &Path) -> Connection {
    let conn = Connection::open(path).unwrap();
    conn.execute_batch(&format!("PRAGMA key = \"x'{}'\";", "42".repeat(32)))
        .unwrap();
    conn
}

fn entry(action: &str, subject: &str) -> AuditEntry {
    AuditEntry::new(
        "adv-1",
        action,
        subject,
        serde_json::json!({"subject": subject, "备注": "审计", "n": 1}),
    )
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

fn product(code: &str) -> Product {
    Product {
        product_code: code.into(),
        name_zh: "稳健债券".into(),
        name_en: "Steady Bond".into(),
        product_type: copilot_core::product::ProductType::BondFund,
        issuer_rating: Rating::R2,
        seller_rating: Rating::R2,
        term_months: 0,
        liquidity: copilot_core::product::Liquidity::Open,
        lockup_months: 0,
        min_subscription: Money::new(rust_decimal::Decimal::new(10_000, 0), Currency::CNY),
        management_fee_pct: rust_decimal::Decimal::ONE,
        subscription_fee_pct: rust_decimal::Decimal::ZERO,
        offering: copilot_core::product::Offering::Public,
        cooling_off_hours: 0,
        rating_date: None,
        qualified_investor_only: false,
        objective: Objective::Income,
        issuer: "Issuer".into(),
    }
}

/// A draft from JSON: the required fields only.
fn draft(id: &str, client: &str, operator: &str, text: &str) -> DraftReport {
    serde_json::from_value(serde_json::json!({
        "draft_id": id, "client_id": client, "lang": "zh", "has_recommendation": true,
        "blocks": [], "proposed": [], "eligible": [], "excluded": [], "flagged": [], "citations": [],
        "rationale_model": "", "rationale": "", "text": text, "ai_text": text,
        "provenance": {
            "model_sha256": "00", "model_name": "m", "quantization": "Q4_1", "prompt_version": "p1",
            "rules_version": "pack@1", "index_snapshot": "s1", "operator": operator,
            "created_at": "2026-11-30T08:00:00Z"
        }
    }))
    .unwrap()
}

fn review(id: &str, state: ReviewState) -> ReviewRecord {
    ReviewRecord {
        draft_id: id.into(),
        version: 1,
        previous_version: None,
        state,
        drafter: "adv-1".into(),
        reviewer: None,
        events: vec![],
    }
}

fn user(id: &str, role: Role) -> UserRow {
    UserRow {
        info: UserInfo {
            user_id: id.into(),
            display_name: id.into(),
            role,
            signing_key: "00".repeat(32),
            age_recipient: "age1test".into(),
            local: true,
            created_at: "2026-11-30T08:00:00Z".into(),
        },
        sealed_keys: None,
        vouch: None,
    }
}

/// (a) Every write method appends exactly one record (the given entry) in its transaction; a
/// refused write appends nothing; the whole log verifies with the right count.
#[test]
fn every_write_appends_exactly_one_record() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = Store::create(&dir.path().join("c.db"), &key()).unwrap();
    assert_eq!(s.audit_head().unwrap().0, 0);
    assert!(s.verify_audit(None).unwrap().ok);

    let mut n = 0u64;
    let mut check = |s: &Store, e: &AuditEntry, what: &str| {
        n += 1;
        let (records, head) = s.audit_head().unwrap();
        assert_eq!(records, n, "{what} must append exactly one record");
        let last = &s.audit_tail(1).unwrap()[0];
        assert_eq!(
            (
                last.seq,
                &last.actor,
                &last.action,
                &last.subject,
                &last.data,
                last.mac
            ),
            (
                n,
                &e.actor,
                &e.action,
                &e.subject,
                &e.data.to_string(),
                head
            ),
            "{what}"
        );
    };

    let e = entry("import", "clients");
    s.upsert_clients(&[client("C1"), client("C2")], &e).unwrap();
    check(&s, &e, "upsert_clients");

    let e = entry("import", "holdings");
    let holding = Holding {
        client_id: "C1".into(),
        product_code: "P1".into(),
        product_name: "p".into(),
        asset_class: "cash".into(),
        market_value: Money::new(rust_decimal::Decimal::ONE, Currency::CNY),
        as_of: None,
    };
    s.replace_holdings(std::slice::from_ref(&holding), &e)
        .unwrap();
    check(&s, &e, "replace_holdings");

    let e = entry("import", "products");
    s.upsert_products(&[product("P1")], &e).unwrap();
    check(&s, &e, "upsert_products");

    let e = entry("import", "documents");
    let doc = ProductDocument {
        document_id: "DOC1".into(),
        product_code: "P1".into(),
        file_name: "p1.md".into(),
        title: "说明书".into(),
        text: "本产品为债券基金。".into(),
    };
    s.upsert_documents(&[doc], &e).unwrap();
    check(&s, &e, "upsert_documents");

    let e = entry("draft", "D1");
    s.insert_draft(
        &draft("D1", "C1", "adv-1", "原文"),
        &review("D1", ReviewState::Draft),
        &e,
    )
    .unwrap();
    check(&s, &e, "insert_draft");

    let e = entry("edit", "D1");
    s.update_draft_text("D1", "改后", &review("D1", ReviewState::Draft), &e)
        .unwrap();
    check(&s, &e, "update_draft_text");

    let e = entry("invalidate", "P1");
    let d1 = s.get_draft("D1").unwrap();
    s.upsert_products_and_drafts(&[product("P1")], &[d1], &e)
        .unwrap();
    check(&s, &e, "upsert_products_and_drafts");

    let e = entry("submit", "D1");
    s.save_review(&review("D1", ReviewState::Submitted), &e)
        .unwrap();
    check(&s, &e, "save_review");

    let e = entry("key_change", "sup-1");
    s.insert_user(&user("sup-1", Role::Supervisor), &e).unwrap();
    check(&s, &e, "insert_user");

    let e = entry("new_version", "D2");
    let mut v2 = review("D2", ReviewState::Draft);
    v2.version = 2;
    v2.previous_version = Some("D1".into());
    s.insert_draft_version(&draft("D2", "C1", "adv-1", "新版"), &v2, &e)
        .unwrap();
    check(&s, &e, "insert_draft_version");

    let e = entry("bundle_import", "B1");
    s.insert_received(
        &draft("R1", "C9", "adv-9", "收到"),
        &review("R1", ReviewState::Submitted),
        "B1",
        "adv-9",
        &e,
    )
    .unwrap();
    check(&s, &e, "insert_received");

    let e = entry("bundle_import", "B2");
    s.apply_received_decision(
        &review("D2", ReviewState::ChangesRequested),
        "B2",
        "sup-9",
        &e,
    )
    .unwrap();
    check(&s, &e, "apply_received_decision");

    let e = entry("sign_in", "adv-1");
    s.audit(&e).unwrap();
    check(&s, &e, "audit");

    // Refused writes append nothing.
    let before = s.audit_head().unwrap();
    let mut orphan = holding.clone();
    orphan.client_id = "C404".into();
    assert!(s
        .replace_holdings(&[holding, orphan], &entry("import", "x"))
        .is_err());
    assert!(s
        .insert_user(&user("SUP-1", Role::Supervisor), &entry("key_change", "x"))
        .is_err());
    assert!(s
        .update_draft_text(
            "D1",
            "locked",
            &review("D1", ReviewState::Submitted),
            &entry("edit", "x")
        )
        .is_err());
    assert!(s
        .insert_received(
            &draft("R2", "C9", "adv-9", "x"),
            &review("R2", ReviewState::Submitted),
            "B1",
            "adv-9",
            &entry("bundle_import", "x"),
        )
        .is_err());
    assert_eq!(
        s.audit_head().unwrap(),
        before,
        "refused writes append nothing"
    );

    let r = s.verify_audit(None).unwrap();
    assert_eq!((r.ok, r.records, r.first_broken), (true, 13, None), "{r:?}");
    let r = s.verify_audit(Some(before)).unwrap();
    assert!(r.ok, "{r:?}");

    // Reading back in pages gives the same chain; the tail is newest first.
    let all = s.audit_records(0, 1000).unwrap();
    assert_eq!(all.len(), 13);
    assert_eq!(s.audit_records(5, 3).unwrap(), all[5..8].to_vec());
    let tail: Vec<u64> = s.audit_tail(3).unwrap().iter().map(|r| r.seq).collect();
    assert_eq!(tail, vec![13, 12, 11]);

    // The chain survives closing and reopening with the same key.
    let path = s.path().to_path_buf();
    drop(s);
    let s = Store::open(&path, &key()).unwrap();
    assert!(s.verify_audit(Some(before)).unwrap().ok);
}

/// (b) The triggers refuse `UPDATE` and `DELETE` on the audit table, from any connection.
#[test]
fn audit_rows_cannot_be_updated_or_deleted() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("c.db");
    let mut s = Store::create(&path, &key()).unwrap();
    for i in 0..3 {
        s.audit(&entry("sign_in", &format!("u{i}"))).unwrap();
    }
    let head = s.audit_head().unwrap();
    drop(s);

    let conn = raw(&path);
    for sql in [
        "UPDATE audit SET actor = 'mallory' WHERE seq = 2",
        "UPDATE audit SET seq = 10 WHERE seq = 3",
        "UPDATE audit SET mac = zeroblob(32)",
    ] {
        let err = conn.execute(sql, []).unwrap_err().to_string();
        assert!(
            err.contains("the audit log is append-only: records cannot be changed"),
            "{sql}: {err}"
        );
    }
    for sql in ["DELETE FROM audit WHERE seq = 3", "DELETE FROM audit"] {
        let err = conn.execute(sql, []).unwrap_err().to_string();
        assert!(
            err.contains("the audit log is append-only: records cannot be deleted"),
            "{sql}: {err}"
        );
    }
    // An upsert is an UPDATE: refused too.
    let err = conn
        .execute(
            &format!(
                "INSERT INTO audit ({COLUMNS}) SELECT {COLUMNS} FROM audit WHERE seq = 2
                 ON CONFLICT(seq) DO UPDATE SET actor = 'mallory'"
            ),
            [],
        )
        .unwrap_err()
        .to_string();
    assert!(err.contains("append-only"), "{err}");
    drop(conn);

    let s = Store::open(&path, &key()).unwrap();
    assert_eq!(s.audit_head().unwrap(), head);
    assert!(s.verify_audit(Some(head)).unwrap().ok);
}

/// `INSERT OR REPLACE` removes the conflicting row without firing DELETE triggers (SQLite fires
/// them for REPLACE only with `PRAGMA recursive_triggers = ON`); schema 3's INSERT trigger
/// refuses any record whose seq is not past the head, so the overwrite is refused and the chain
/// is unchanged.
#[test]
fn insert_or_replace_over_a_record_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("c.db");
    let mut s = Store::create(&path, &key()).unwrap();
    for i in 0..3 {
        s.audit(&entry("sign_in", &format!("u{i}"))).unwrap();
    }
    let head = s.audit_head().unwrap();
    drop(s);

    let conn = raw(&path);
    let err = conn
        .execute(
            "INSERT OR REPLACE INTO audit (seq, at, actor, action, subject, data, prev_mac, mac)
             SELECT seq, at, 'mallory', action, subject, data, prev_mac, mac FROM audit WHERE seq = 2",
            [],
        )
        .unwrap_err()
        .to_string();
    assert!(err.contains("append-only"), "{err}");
    drop(conn);
    let s = Store::open(&path, &key()).unwrap();
    assert_eq!(s.audit_head().unwrap(), head);
    assert!(s.verify_audit(Some(head)).unwrap().ok);
}

/// SplitMix64: a seeded generator for the tamper positions (reproducible failures).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `lo..=hi`.
    fn range(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.next() % (hi - lo + 1)
    }
}

/// Ways to tamper with the table once the triggers are dropped.
#[derive(Debug, Clone, Copy)]
enum Tamper {
    /// Change a text column of row p.
    Text(&'static str),
    /// Store a text column of row p as a BLOB of the same bytes (a changed type).
    TextAsBlob(&'static str),
    /// Append bytes that are not UTF-8 to a text column of row p (SQLite does not check).
    InvalidUtf8(&'static str),
    /// Replace `prev_mac` of row p with random bytes.
    PrevMac,
    /// Replace `mac` of row p with random bytes.
    Mac,
    /// Replace `mac` of row p with a 31-byte blob.
    ShortMac,
    /// Replace `mac` of row p with its hex text.
    MacAsText,
    /// Give row p another sequence number (it moves to the end of the rowid order).
    Renumber,
    /// Delete row p.
    Delete,
    /// Shift rows p.. up by one and insert at p a record MAC'd with another key.
    InsertForged,
    /// Append a copy of row p's content as record N+1.
    AppendCopy,
    /// Swap the contents of rows p < q, keeping the sequence numbers.
    SwapContents,
    /// Rebuild the table without the INTEGER PRIMARY KEY, rows p < q in swapped stored order.
    RebuildSwapped,
    /// Rebuild the table without the primary key, row p stored twice.
    RebuildDuplicated,
    /// Delete every row after p (checkpoint taken before).
    Truncate,
}

const TAMPERS: &[Tamper] = &[
    Tamper::Text("at"),
    Tamper::Text("actor"),
    Tamper::Text("action"),
    Tamper::Text("subject"),
    Tamper::Text("data"),
    Tamper::TextAsBlob("actor"),
    Tamper::TextAsBlob("data"),
    Tamper::InvalidUtf8("subject"),
    Tamper::PrevMac,
    Tamper::Mac,
    Tamper::ShortMac,
    Tamper::MacAsText,
    Tamper::Renumber,
    Tamper::Delete,
    Tamper::InsertForged,
    Tamper::AppendCopy,
    Tamper::SwapContents,
    Tamper::RebuildSwapped,
    Tamper::RebuildDuplicated,
    Tamper::Truncate,
];

const COLUMNS: &str = "seq, at, actor, action, subject, data, prev_mac, mac";

/// Rebuilds `audit` as a table without a rowid alias, its rows stored in `order` (seq values).
fn rebuild(conn: &Connection, order: &[u64]) {
    conn.execute_batch(
        "CREATE TABLE audit2 (seq INTEGER NOT NULL, at TEXT NOT NULL, actor TEXT NOT NULL,
            action TEXT NOT NULL, subject TEXT NOT NULL, data TEXT NOT NULL,
            prev_mac BLOB NOT NULL, mac BLOB NOT NULL);",
    )
    .unwrap();
    for seq in order {
        conn.execute(
            &format!("INSERT INTO audit2 SELECT {COLUMNS} FROM audit WHERE seq = ?1"),
            [*seq as i64],
        )
        .unwrap();
    }
    conn.execute_batch("DROP TABLE audit; ALTER TABLE audit2 RENAME TO audit;")
        .unwrap();
}

/// Applies `t` at position `p` (and `q > p` where two rows are needed) to a log of `n` records;
/// returns (first_broken, reason, needs the checkpoint).
fn tamper(conn: &Connection, t: Tamper, n: u64, p: u64, q: u64) -> (u64, &'static str, bool) {
    conn.execute_batch(
        "DROP TRIGGER audit_append_only_update; DROP TRIGGER audit_append_only_delete; DROP TRIGGER audit_append_only_insert;",
    )
    .unwrap();
    let exec = |sql: &str| {
        conn.execute(sql, params![p as i64, q as i64]).unwrap();
    };
    match t {
        Tamper::Text(col) => {
            exec(&format!(
                "UPDATE audit SET {col} = {col} || '改' WHERE seq = ?1 AND ?2 > 0"
            ));
            (p, "mac", false)
        }
        Tamper::TextAsBlob(col) => {
            exec(&format!(
                "UPDATE audit SET {col} = CAST({col} AS BLOB) WHERE seq = ?1 AND ?2 > 0"
            ));
            (p, "mac", false)
        }
        Tamper::InvalidUtf8(col) => {
            exec(&format!(
                "UPDATE audit SET {col} = CAST(CAST({col} AS BLOB) || x'ff' AS TEXT) WHERE seq = ?1 AND ?2 > 0"
            ));
            (p, "mac", false)
        }
        Tamper::PrevMac => {
            exec("UPDATE audit SET prev_mac = randomblob(32) WHERE seq = ?1 AND ?2 > 0");
            (p, "link", false)
        }
        Tamper::Mac => {
            exec("UPDATE audit SET mac = randomblob(32) WHERE seq = ?1 AND ?2 > 0");
            (p, "mac", false)
        }
        Tamper::ShortMac => {
            exec("UPDATE audit SET mac = substr(mac, 1, 31) WHERE seq = ?1 AND ?2 > 0");
            (p, "mac", false)
        }
        Tamper::MacAsText => {
            exec("UPDATE audit SET mac = hex(mac) WHERE seq = ?1 AND ?2 > 0");
            (p, "mac", false)
        }
        Tamper::Renumber => {
            exec("UPDATE audit SET seq = seq + 1000 + ?2 WHERE seq = ?1");
            (p, "sequence", false)
        }
        Tamper::Delete => {
            exec("DELETE FROM audit WHERE seq = ?1 AND ?2 > 0");
            if p == n {
                (n, "truncated", true)
            } else {
                (p, "sequence", false)
            }
        }
        Tamper::InsertForged => {
            // p in 1..=n+1. The forger knows the layout but not the audit key: another key's
            // MAC, with the right seq and the right prev_mac.
            let prev: MacBytes = if p == 1 {
                [0; 32]
            } else {
                conn.query_row(
                    "SELECT mac FROM audit WHERE seq = ?1",
                    [p as i64 - 1],
                    |r| r.get::<_, Vec<u8>>(0),
                )
                .unwrap()
                .try_into()
                .unwrap()
            };
            exec("UPDATE audit SET seq = -seq - 1 WHERE seq >= ?1 AND ?2 > 0");
            exec("UPDATE audit SET seq = -seq WHERE seq < 0 AND ?1 > 0 AND ?2 > 0");
            let wrong = AuditKey::derive(&DatabaseKey::from_bytes([0x43; 32]));
            let (at, actor, action, subject, data) =
                ("2026-11-30T09:00:00Z", "adv-1", "submit", "D-forged", "{}");
            let mac = record_mac(&wrong, p, at, actor, action, subject, data, &prev);
            conn.execute(
                &format!("INSERT INTO audit ({COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)"),
                params![
                    p as i64,
                    at,
                    actor,
                    action,
                    subject,
                    data,
                    prev.to_vec(),
                    mac.to_vec()
                ],
            )
            .unwrap();
            (p, "mac", false)
        }
        Tamper::AppendCopy => {
            exec(&format!(
                "INSERT INTO audit ({COLUMNS}) SELECT ?2, at, actor, action, subject, data, prev_mac, mac
                 FROM audit WHERE seq = ?1"
            ));
            // q is n + 1 here: the copy's prev_mac is not record n's MAC.
            (n + 1, "link", false)
        }
        Tamper::SwapContents => {
            conn.execute_batch("CREATE TEMP TABLE saved AS SELECT * FROM audit;")
                .unwrap();
            exec(
                "UPDATE audit SET (at, actor, action, subject, data, prev_mac, mac) =
                    (SELECT at, actor, action, subject, data, prev_mac, mac FROM saved
                     WHERE saved.seq = CASE audit.seq WHEN ?1 THEN ?2 ELSE ?1 END)
                 WHERE seq IN (?1, ?2)",
            );
            (p, "link", false)
        }
        Tamper::RebuildSwapped => {
            let mut order: Vec<u64> = (1..=n).collect();
            order.swap(p as usize - 1, q as usize - 1);
            rebuild(conn, &order);
            (p, "sequence", false)
        }
        Tamper::RebuildDuplicated => {
            let mut order: Vec<u64> = (1..=n).collect();
            order.insert(p as usize, p);
            rebuild(conn, &order);
            (p + 1, "sequence", false)
        }
        Tamper::Truncate => {
            // Keep p - 1 records (p in 1..=n).
            exec("DELETE FROM audit WHERE seq >= ?1 AND ?2 > 0");
            (p, "truncated", true)
        }
    }
}

const RECORDS: u64 = 24;

/// A store with `RECORDS` records of varied content (CJK, JSON, empty subject).
fn base(path: &Path) -> (u64, MacBytes) {
    let mut s = Store::create(path, &key()).unwrap();
    s.upsert_clients(&[client("C1")], &entry("import", "clients"))
        .unwrap();
    for i in 2..=RECORDS {
        let subject = if i % 5 == 0 {
            String::new()
        } else {
            format!("D-{i}")
        };
        s.audit(&AuditEntry::new(
            if i % 2 == 0 { "adv-1" } else { "主管-王" },
            ["sign_in", "export", "submit", "decision"][i as usize % 4],
            subject,
            serde_json::json!({"i": i, "note": "导出 PDF", "nested": {"ok": i % 3 == 0}}),
        ))
        .unwrap();
    }
    let head = s.audit_head().unwrap();
    assert_eq!(head.0, RECORDS);
    assert!(s.verify_audit(Some(head)).unwrap().ok);
    head
}

/// (c) Randomised over positions: every tampering (with the triggers dropped) is caught at the
/// first affected record; truncations need the checkpoint taken before.
#[test]
fn tampering_with_the_triggers_dropped_is_always_detected() {
    let dir = tempfile::tempdir().unwrap();
    let original = dir.path().join("base.db");
    let checkpoint = base(&original);
    let n = RECORDS;

    let mut rng = Rng(0x00C0_FFEE_2026);
    let rounds = 30;
    let mut cases = 0;
    for round in 0..rounds {
        for (k, &t) in TAMPERS.iter().enumerate() {
            let (p, q) = match t {
                Tamper::InsertForged => (rng.range(1, n + 1), 1),
                Tamper::AppendCopy => (rng.range(1, n), n + 1),
                Tamper::SwapContents | Tamper::RebuildSwapped => {
                    let p = rng.range(1, n - 1);
                    (p, rng.range(p + 1, n))
                }
                // Make sure the last record and the first are hit too.
                _ if round == 0 => (1, 1),
                _ if round == 1 => (n, 1),
                _ => (rng.range(1, n), 1),
            };
            let path = dir.path().join(format!("t{round}-{k}.db"));
            std::fs::copy(&original, &path).unwrap();
            let conn = raw(&path);
            // One transaction without fsync per case: the attacker's edits are the same, faster.
            conn.execute_batch("PRAGMA synchronous = OFF; BEGIN;")
                .unwrap();
            let (first, reason, needs_checkpoint) = tamper(&conn, t, n, p, q);
            conn.execute_batch("COMMIT;").unwrap();
            drop(conn);

            let s = Store::open(&path, &key()).unwrap();
            let what = format!("{t:?} p={p} q={q}");
            let with = s
                .verify_audit(Some(checkpoint))
                .unwrap_or_else(|e| panic!("{what}: verification failed with an error: {e}"));
            assert_eq!(
                (with.ok, with.first_broken, with.reason.as_deref()),
                (false, Some(first), Some(reason)),
                "{what}: {with:?}"
            );
            let without = s.verify_audit(None).unwrap();
            if needs_checkpoint {
                assert!(
                    without.ok,
                    "{what}: a cut end is invisible without a checkpoint"
                );
            } else {
                assert_eq!(
                    (without.ok, without.first_broken, without.reason.as_deref()),
                    (false, Some(first), Some(reason)),
                    "{what}: {without:?}"
                );
            }
            drop(s);
            std::fs::remove_file(&path).unwrap();
            cases += 1;
        }
    }
    assert_eq!(cases, rounds * TAMPERS.len());
}

/// The limit of the chain, stated as a test: whoever holds the database key can derive the audit
/// key and rewrite the whole chain consistently; a signed checkpoint kept elsewhere (exports,
/// bundles) is what catches that — a rewritten record changes every later MAC, so the
/// checkpoint's head no longer matches.
#[test]
fn a_rewrite_with_the_vault_key_is_caught_only_by_an_earlier_checkpoint() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("c.db");
    let checkpoint = base(&path);
    let conn = raw(&path);
    conn.execute_batch(
        "DROP TRIGGER audit_append_only_update; DROP TRIGGER audit_append_only_delete; DROP TRIGGER audit_append_only_insert;",
    )
    .unwrap();
    let audit_key = AuditKey::derive(&key());
    let mut prev: MacBytes = [0; 32];
    let rows: Vec<(i64, String, String, String, String, String)> = conn
        .prepare("SELECT seq, at, actor, action, subject, data FROM audit ORDER BY seq")
        .unwrap()
        .query_map([], |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
            ))
        })
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();
    for (seq, at, actor, action, subject, data) in rows {
        let subject = if seq == 3 {
            "D-rewritten".to_string()
        } else {
            subject
        };
        let mac = record_mac(
            &audit_key, seq as u64, &at, &actor, &action, &subject, &data, &prev,
        );
        conn.execute(
            "UPDATE audit SET subject = ?2, prev_mac = ?3, mac = ?4 WHERE seq = ?1",
            params![seq, subject, prev.to_vec(), mac.to_vec()],
        )
        .unwrap();
        prev = mac;
    }
    drop(conn);
    let s = Store::open(&path, &key()).unwrap();
    assert!(s.verify_audit(None).unwrap().ok);
    let r = s.verify_audit(Some(checkpoint)).unwrap();
    assert_eq!(
        (r.ok, r.first_broken, r.reason.as_deref()),
        (false, Some(RECORDS), Some("truncated"))
    );
}
