//! The `copilot` binary as a user runs it: exit codes, JSON contracts, error messages.

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn copilot(data: &Path, pass: &str, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_copilot"))
        .arg("--data-dir")
        .arg(data)
        .args(args)
        .env("COPILOT_PASSPHRASE", pass)
        .env("COPILOT_TODAY", "2026-11-29")
        .env("COPILOT_MODEL_DIR", repo().join("models"))
        .env("COPILOT_OPERATOR", "advisor-007")
        .output()
        .unwrap()
}

fn ok(o: &Output) -> String {
    assert!(
        o.status.success(),
        "exit {:?}\nstderr: {}",
        o.status.code(),
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8(o.stdout.clone()).unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

const PASS: &str = "cli test passphrase";

fn initialised() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    ok(&copilot(dir.path(), PASS, &["init", "--no-keychain"]));
    let sample = repo().join("assets/sample");
    for (kind, file) in [
        ("clients", "clients.csv"),
        ("products", "products.csv"),
        ("holdings", "holdings.csv"),
        ("documents", "documents"),
    ] {
        ok(&copilot(
            dir.path(),
            PASS,
            &["import", kind, sample.join(file).to_str().unwrap()],
        ));
    }
    dir
}

#[test]
fn clients_list_json_and_filters() {
    let dir = initialised();
    let all: Value = serde_json::from_str(&ok(&copilot(
        dir.path(),
        PASS,
        &["clients", "list", "--json"],
    )))
    .unwrap();
    let all = all.as_array().unwrap();
    assert_eq!(all.len(), 48);
    for c in all {
        assert!(
            c["client_id"].is_string() && c["name"].is_string() && c["risk_level"].is_string(),
            "{c}"
        );
    }
    let c3: Value = serde_json::from_str(&ok(&copilot(
        dir.path(),
        PASS,
        &["clients", "list", "--risk", "C3", "--json"],
    )))
    .unwrap();
    let c3 = c3.as_array().unwrap();
    assert!(!c3.is_empty() && c3.iter().all(|c| c["risk_level"] == "C3"));
    let expired: Value = serde_json::from_str(&ok(&copilot(
        dir.path(),
        PASS,
        &["clients", "list", "--expired", "--json"],
    )))
    .unwrap();
    assert!(expired
        .as_array()
        .unwrap()
        .iter()
        .any(|c| c["client_id"] == "C0008"));
    let by_name: Value = serde_json::from_str(&ok(&copilot(
        dir.path(),
        PASS,
        &["clients", "list", "--search", "李静", "--json"],
    )))
    .unwrap();
    assert_eq!(by_name[0]["client_id"], "C0002");
}

#[test]
fn draft_json_contract() {
    let dir = initialised();
    let out = ok(&copilot(
        dir.path(),
        PASS,
        &[
            "draft",
            "C0002",
            "--amount",
            "20万",
            "--currency",
            "CNY",
            "--goal",
            "education",
            "--lang",
            "en",
            "--json",
        ],
    ));
    let d: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(d["client_id"], "C0002");
    assert_eq!(d["amount"], "200000");
    for e in d["eligible"].as_array().unwrap() {
        assert!(
            e["product_code"].is_string() && e["rating"].is_string() && e["reasons"].is_array()
        );
    }
    for e in d["excluded"].as_array().unwrap() {
        assert!(
            e["product_code"].is_string()
                && e["rule_id"].as_str().unwrap().starts_with('S')
                && e["reason"].is_string()
        );
    }
    assert!(d["text"].as_str().unwrap().contains("[AI-assisted draft]"));
    assert!(d["flagged"].is_array());
    let p = &d["provenance"];
    for key in [
        "model_sha256",
        "prompt_version",
        "rules_version",
        "created_at",
    ] {
        assert!(
            p[key].as_str().is_some_and(|s| !s.is_empty()),
            "provenance.{key}"
        );
    }
    assert_eq!(p["operator"], "advisor-007");
    let drafts: Value = serde_json::from_str(&ok(&copilot(
        dir.path(),
        PASS,
        &["drafts", "list", "--json"],
    )))
    .unwrap();
    assert_eq!(drafts[0]["draft_id"], d["draft_id"]);
}

#[test]
fn errors_say_what_is_wrong_and_exit_non_zero() {
    let dir = initialised();
    let o = copilot(dir.path(), "not the passphrase", &["clients", "list"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("wrong passphrase"), "{}", stderr(&o));

    let o = copilot(dir.path(), PASS, &["draft", "C9999"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("client C9999 not found"),
        "{}",
        stderr(&o)
    );

    let bad = dir.path().join("bad.csv");
    std::fs::write(&bad, "客户编号,姓名,证件号码,风险等级,风险测评日期,可投资资产\nX1,测试,1.10101E+17,C3,2026-01-01,50万\nX2,测试二,,C7,2026-01-01,10\n").unwrap();
    let o = copilot(
        dir.path(),
        PASS,
        &["import", "clients", bad.to_str().unwrap()],
    );
    assert_eq!(o.status.code(), Some(1));
    let e = stderr(&o);
    assert!(
        e.contains("row 2") && e.contains("row 3"),
        "every row's error is listed: {e}"
    );
    assert!(
        e.contains("证件号码") && e.contains("风险等级"),
        "columns are named: {e}"
    );
    let list: Value = serde_json::from_str(&ok(&copilot(
        dir.path(),
        PASS,
        &["clients", "list", "--json"],
    )))
    .unwrap();
    assert_eq!(list.as_array().unwrap().len(), 48, "nothing imported");

    let fresh = tempfile::tempdir().unwrap();
    let o = copilot(fresh.path(), PASS, &["clients", "list"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("copilot init"), "{}", stderr(&o));
}

#[test]
fn eval_json_contract_and_a_wrong_case_fails() {
    let dir = tempfile::tempdir().unwrap();
    // The product's own cases, without the model: the JSON keys the issue lists, all zero errors.
    let o = copilot(dir.path(), PASS, &["eval", "--no-model", "--json"]);
    let v: Value = serde_json::from_str(&ok(&o)).unwrap();
    for key in [
        "suitability_cases",
        "suitability_errors",
        "drafts",
        "unsupported_claims_final",
        "unsupported_claims_model",
        "lint_catches",
        "injection_cases",
        "injection_contained",
    ] {
        assert!(v[key].is_u64(), "{key} missing in {v}");
    }
    assert!(v["suitability_cases"].as_u64().unwrap() >= 100);
    assert_eq!(v["suitability_errors"], 0);
    assert_eq!(v["lint_case_errors"], 0);

    // A bank's own directory with one case whose expectation is wrong: counted, named, exit 1.
    let cases = dir.path().join("cases");
    std::fs::create_dir_all(cases.join("suitability")).unwrap();
    std::fs::write(
        cases.join("suitability/bank.toml"),
        r#"
[defaults.client]
client_id = "T1"
name = "测试"
risk_level = "C3"
assessment_date = "2026-06-01"
investable_assets = "1000000"
horizon_months = "36"
liquidity_need = "low"
objective = "growth"

[defaults.product]
product_code = "P"
name_zh = "测试产品"
product_type = "equity_fund"
issuer_rating = "R4"
min_subscription = "1000"

[[case]]
id = "wrong-on-purpose"
rules = ["S4"]
products = [{ product_code = "P1" }]
[case.expect]
eligible = ["P1"]
"#,
    )
    .unwrap();
    let o = copilot(
        dir.path(),
        PASS,
        &["eval", "--no-model", "--cases", cases.to_str().unwrap()],
    );
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(
        out.contains("wrong-on-purpose") && out.contains("eligible"),
        "{out}"
    );

    // An unknown key is an error naming the file, not a skipped check.
    std::fs::write(
        cases.join("suitability/bank.toml"),
        "[[case]]\nid = \"x\"\nexpcet = {}\n",
    )
    .unwrap();
    let o = copilot(
        dir.path(),
        PASS,
        &["eval", "--no-model", "--cases", cases.to_str().unwrap()],
    );
    assert!(!o.status.success());
    assert!(stderr(&o).contains("bank.toml"), "{}", stderr(&o));
}

#[test]
fn draft_overrides_are_parsed_and_refused_when_not_allowed() {
    let dir = initialised();
    // S5 can never be overridden; the refusal names S24 and nothing is saved.
    let o = copilot(
        dir.path(),
        PASS,
        &[
            "draft",
            "C0002",
            "--override",
            "S5:BF01=SUPERVISOR_INSTRUCTED",
        ],
    );
    assert!(!o.status.success());
    assert!(stderr(&o).contains("S24"), "{}", stderr(&o));
    let o = copilot(dir.path(), PASS, &["draft", "C0002", "--override", "S8"]);
    assert!(!o.status.success());
    assert!(
        stderr(&o).contains("RULE[:PRODUCT]=REASON_CODE"),
        "{}",
        stderr(&o)
    );
    let list: Value = serde_json::from_str(&ok(&copilot(
        dir.path(),
        PASS,
        &["drafts", "list", "--json"],
    )))
    .unwrap();
    assert_eq!(list.as_array().unwrap().len(), 0);
}
