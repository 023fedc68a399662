//! The real SQLCipher store: encryption, key errors, plaintext refusal, schema versions.

use copilot_core::{
    CivilCapacity, ClientProfile, Currency, DatabaseKey, InvestorClass, LiquidityNeed, Money,
    Objective, RiskLevel, Sensitive,
};
use copilot_store::{AuditEntry, Store, StoreError, LATEST_VERSION};
use rusqlite::Connection;

fn entry() -> AuditEntry {
    AuditEntry::new("tester", "import", "clients", serde_json::json!({}))
}

fn key(b: u8) -> DatabaseKey {
    DatabaseKey::from_bytes([b; 32])
}

fn client(id: &str, name: &str) -> ClientProfile {
    ClientProfile {
        client_id: id.into(),
        name: Sensitive::new(name),
        id_number: Some(Sensitive::new("11010519491231002X")),
        birth_date: None,
        phone: Some(Sensitive::new("13912345678")),
        investor_class: InvestorClass::Ordinary,
        risk_level: Some(RiskLevel::C3),
        lowest_category: false,
        assessment_date: None,
        questionnaire_version: None,
        civil_capacity: CivilCapacity::Full,
        horizon_months: Some(24),
        liquidity_need: LiquidityNeed::Low,
        objective: Objective::Balanced,
        investable_assets: Money::new(rust_decimal::Decimal::new(7_654_321, 0), Currency::CNY),
        annual_income: None,
        debts: None,
        experience_years: 3,
        experience_types: vec![],
        notes: Some(Sensitive::new("金丝雀备注 canary-note-7f3a")),
        profile_updated: None,
        loss_tolerance: None,
        max_loss_pct: None,
    }
}

#[test]
fn sqlcipher_is_linked() {
    let v = copilot_store::sqlcipher_version().expect("SQLCipher linked");
    assert!(!v.is_empty());
}

#[test]
fn round_trip_and_file_holds_no_plaintext() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("c.db");
    {
        let mut s = Store::create(&path, &key(1)).unwrap();
        s.upsert_clients(&[client("C1", "金丝雀张三丰")], &entry())
            .unwrap();
    }
    let s = Store::open(&path, &key(1)).unwrap();
    assert_eq!(s.get_client("C1").unwrap().name.expose(), "金丝雀张三丰");
    assert_eq!(s.schema_version().unwrap(), LATEST_VERSION);
    drop(s);
    let bytes = std::fs::read(&path).unwrap();
    for needle in [
        "金丝雀张三丰",
        "11010519491231002X",
        "canary-note-7f3a",
        "13912345678",
        "7654321",
        "clients",
    ] {
        assert!(
            !bytes.windows(needle.len()).any(|w| w == needle.as_bytes()),
            "plaintext {needle:?} found in the database file"
        );
    }
    assert_ne!(&bytes[..16], b"SQLite format 3\0");
}

#[test]
fn plain_sqlite_cannot_read_the_vault() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("c.db");
    Store::create(&path, &key(1))
        .unwrap()
        .upsert_clients(&[client("C1", "x")], &entry())
        .unwrap();
    // No key: what a plain SQLite library would do.
    let conn = Connection::open(&path).unwrap();
    let err = conn
        .query_row("SELECT count(*) FROM sqlite_master", [], |r| {
            r.get::<_, i64>(0)
        })
        .unwrap_err();
    assert!(err.to_string().contains("not a database"), "{err}");
}

#[test]
fn wrong_key_is_not_a_database() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("c.db");
    Store::create(&path, &key(1)).unwrap();
    assert!(matches!(
        Store::open(&path, &key(2)),
        Err(StoreError::NotADatabase(_))
    ));
}

#[test]
fn plaintext_database_in_the_vaults_place_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("c.db");
    {
        // SQLCipher without a key writes an ordinary SQLite file.
        let conn = Connection::open(&path).unwrap();
        conn.execute_batch("CREATE TABLE clients (x); INSERT INTO clients VALUES ('planted');")
            .unwrap();
    }
    assert!(matches!(
        Store::open(&path, &key(1)),
        Err(StoreError::PlaintextDatabase(_))
    ));
}

#[test]
fn truncated_and_garbage_files_are_not_a_database() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("c.db");
    Store::create(&path, &key(1))
        .unwrap()
        .upsert_clients(&[client("C1", "x")], &entry())
        .unwrap();
    let bytes = std::fs::read(&path).unwrap();
    std::fs::write(&path, &bytes[..100]).unwrap();
    assert!(matches!(
        Store::open(&path, &key(1)),
        Err(StoreError::NotADatabase(_))
    ));
    std::fs::write(&path, b"").unwrap();
    assert!(matches!(
        Store::open(&path, &key(1)),
        Err(StoreError::NotADatabase(_))
    ));
    std::fs::write(&path, vec![0xA5u8; 8192]).unwrap();
    assert!(matches!(
        Store::open(&path, &key(1)),
        Err(StoreError::NotADatabase(_))
    ));
    assert!(matches!(
        Store::open(&dir.path().join("none.db"), &key(1)),
        Err(StoreError::NotFound(_))
    ));
}

#[test]
fn newer_schema_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("c.db");
    Store::create(&path, &key(1)).unwrap();
    {
        let conn = Connection::open(&path).unwrap();
        conn.execute_batch(&format!(
            "PRAGMA key = \"x'{}'\"; PRAGMA user_version = {};",
            "01".repeat(32),
            LATEST_VERSION + 1
        ))
        .unwrap();
    }
    match Store::open(&path, &key(1)) {
        Err(StoreError::NewerSchema { found, supported }) => {
            assert_eq!((found, supported), (LATEST_VERSION + 1, LATEST_VERSION))
        }
        other => panic!("expected NewerSchema, got {other:?}"),
    }
}

#[test]
fn holdings_for_unknown_client_roll_back_the_whole_batch() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = Store::create(&dir.path().join("c.db"), &key(1)).unwrap();
    s.upsert_clients(&[client("C1", "x")], &entry()).unwrap();
    let h = |c: &str| copilot_core::Holding {
        client_id: c.into(),
        product_code: "P".into(),
        product_name: "p".into(),
        asset_class: "cash".into(),
        market_value: Money::new(rust_decimal::Decimal::ONE, Currency::CNY),
        as_of: None,
    };
    let err = s
        .replace_holdings(&[h("C1"), h("C9")], &entry())
        .unwrap_err();
    assert!(matches!(err, StoreError::Missing { kind: "client", .. }));
    assert!(
        s.holdings_for("C1").unwrap().is_empty(),
        "nothing half-written"
    );
    assert_eq!(
        s.replace_holdings(&[h("C1"), h("C1")], &entry()).unwrap(),
        2
    );
}

#[test]
fn durability_pragmas_are_set() {
    let dir = tempfile::tempdir().unwrap();
    let s = Store::create(&dir.path().join("c.db"), &key(1)).unwrap();
    assert!(s.integrity_problems().unwrap().is_empty());
}
