//! The crate graph is the architecture (ARCHITECTURE.md "Dependency rules"), checked over
//! `cargo metadata`: which of our crates may depend on which, no HTTP client anywhere in the
//! resolved graph, and the keyring crate built with a real platform store.

use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

fn metadata() -> Value {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let out = std::process::Command::new(cargo)
        .args([
            "metadata",
            "--format-version",
            "1",
            "--locked",
            "--manifest-path",
        ])
        .arg(concat!(env!("CARGO_MANIFEST_DIR"), "/../../Cargo.toml"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

/// Our crates and the internal crates each may depend on.
fn allowed() -> BTreeMap<&'static str, BTreeSet<&'static str>> {
    let adapters = ["copilot-core", "copilot-protocol"];
    BTreeMap::from([
        ("copilot-protocol", BTreeSet::new()),
        ("copilot-core", BTreeSet::from(["copilot-protocol"])),
        ("copilot-store", BTreeSet::from(adapters)),
        ("copilot-search", BTreeSet::from(adapters)),
        ("copilot-llm", BTreeSet::from(adapters)),
        ("copilot-vault", BTreeSet::from(adapters)),
        ("copilot-import", BTreeSet::from(adapters)),
        ("copilot-bundle", BTreeSet::from(adapters)),
        ("copilot-export", BTreeSet::from(adapters)),
        (
            "copilot-app",
            BTreeSet::from([
                "copilot-protocol",
                "copilot-core",
                "copilot-store",
                "copilot-search",
                "copilot-llm",
                "copilot-vault",
                "copilot-import",
                "copilot-bundle",
                "copilot-export",
            ]),
        ),
        (
            "copilot-cli",
            BTreeSet::from(["copilot-protocol", "copilot-core", "copilot-app"]),
        ),
    ])
}

#[test]
fn internal_dependencies_follow_the_layering() {
    let meta = metadata();
    let allowed = allowed();
    let mut seen = BTreeSet::new();
    for pkg in meta["packages"].as_array().unwrap() {
        let name = pkg["name"].as_str().unwrap();
        if !name.starts_with("copilot-") || pkg["source"].is_string() {
            continue;
        }
        seen.insert(name.to_string());
        let rules = allowed.get(name).unwrap_or_else(|| {
            panic!("crate {name} is not in the layering table; add it to ARCHITECTURE.md and here")
        });
        for dep in pkg["dependencies"].as_array().unwrap() {
            let dep_name = dep["name"].as_str().unwrap();
            let is_dev = dep["kind"].as_str() == Some("dev");
            if dep_name.starts_with("copilot-") && !is_dev {
                assert!(
                    rules.contains(dep_name),
                    "{name} must not depend on {dep_name}"
                );
            }
        }
    }
    assert_eq!(seen.len(), allowed.len(), "crates: {seen:?}");
}

#[test]
fn no_http_client_in_the_dependency_graph() {
    const BANNED: &[&str] = &[
        "reqwest",
        "ureq",
        "hyper",
        "hyper-util",
        "isahc",
        "surf",
        "curl",
        "curl-sys",
        "attohttpc",
        "hf-hub",
        "minreq",
        "ehttp",
        "h2",
        "http-req",
    ];
    let meta = metadata();
    let present: Vec<&str> = meta["packages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .filter(|n| BANNED.contains(n))
        .collect();
    assert!(
        present.is_empty(),
        "network clients in the graph: {present:?}"
    );
}

/// The features a crate of the resolved graph is built with (package id `…#name@version`).
fn resolved_features(meta: &Value, name: &str) -> Vec<String> {
    let needle = format!("#{name}@");
    let node = meta["resolve"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["id"].as_str().unwrap().contains(&needle))
        .unwrap_or_else(|| panic!("{name} in the graph"));
    node["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f.as_str().unwrap().to_string())
        .collect()
}

#[test]
fn keyring_is_built_with_a_real_platform_store() {
    let features = resolved_features(&metadata(), "keyring");
    let has = |f: &str| features.iter().any(|x| x == f);
    assert!(
        has("sync-secret-service") || has("async-secret-service") || has("linux-native"),
        "keyring without a platform store is an in-memory mock: {features:?}"
    );
    assert!(
        has("crypto-rust") || has("crypto-openssl"),
        "Secret Service sessions must be encrypted: {features:?}"
    );
}

#[test]
fn rusqlite_is_built_with_bundled_sqlcipher() {
    let features = resolved_features(&metadata(), "rusqlite");
    assert!(
        features
            .iter()
            .any(|f| f == "bundled-sqlcipher-vendored-openssl"),
        "{features:?}"
    );
}
