//! The protocol's command list, the commands build.rs declares, the handlers lib.rs registers and
//! the capability file agree; the window's security settings are the strict ones.

use copilot_protocol::ipc::COMMANDS;
use std::collections::BTreeSet;
use std::path::Path;

fn read(rel: &str) -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)).unwrap()
}

fn protocol() -> BTreeSet<String> {
    let set: BTreeSet<String> = COMMANDS.iter().map(|c| c.to_string()).collect();
    assert_eq!(set.len(), COMMANDS.len());
    set
}

/// The quoted strings between `start` and the next `end`.
fn quoted_between(text: &str, start: &str, end: &str) -> Vec<String> {
    let from = text
        .find(start)
        .unwrap_or_else(|| panic!("{start:?} not found"))
        + start.len();
    let body = &text[from..from + text[from..].find(end).unwrap()];
    body.split('"')
        .skip(1)
        .step_by(2)
        .map(str::to_string)
        .collect()
}

#[test]
fn build_rs_declares_exactly_the_protocol_commands() {
    let declared = quoted_between(&read("build.rs"), "const COMMANDS: &[&str] = &[", "];");
    assert_eq!(declared.len(), COMMANDS.len(), "duplicates in build.rs?");
    assert_eq!(declared.into_iter().collect::<BTreeSet<_>>(), protocol());
    assert!(read("build.rs").contains(".commands(COMMANDS)"));
}

#[test]
fn the_handler_registers_exactly_the_protocol_commands() {
    let lib = read("src/lib.rs");
    let from = lib.find("generate_handler![").unwrap() + "generate_handler![".len();
    let body = &lib[from..from + lib[from..].find(']').unwrap()];
    let handlers: Vec<String> = body
        .split(',')
        .map(|s| s.trim())
        .filter(|s| !s.is_empty())
        .map(|s| s.trim_start_matches("commands::").to_string())
        .collect();
    assert_eq!(handlers.len(), COMMANDS.len(), "{handlers:?}");
    assert_eq!(handlers.into_iter().collect::<BTreeSet<_>>(), protocol());
    // Each handler is defined in commands.rs.
    let commands = read("src/commands.rs");
    for c in COMMANDS {
        assert!(
            commands.contains(&format!("pub async fn {c}("))
                || commands.contains(&format!("command!({c}")),
            "{c} not defined in commands.rs"
        );
    }
}

#[test]
fn the_capability_allows_exactly_our_commands_for_the_main_window() {
    let cap: serde_json::Value = serde_json::from_str(&read("capabilities/default.json")).unwrap();
    assert_eq!(cap["windows"], serde_json::json!(["main"]));
    let allowed: Vec<String> = cap["permissions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            p.as_str()
                .expect("plain permission identifiers only")
                .to_string()
        })
        .collect();
    assert_eq!(allowed.len(), COMMANDS.len(), "{allowed:?}");
    let commands: BTreeSet<String> = allowed
        .iter()
        .map(|p| {
            let c = p
                .strip_prefix("allow-")
                .unwrap_or_else(|| panic!("{p}: not an allow-<command>"));
            assert!(!c.contains(':'), "{p}: a plugin or core permission");
            c.replace('-', "_")
        })
        .collect();
    assert_eq!(commands, protocol());
    // No other capability file widens it.
    let files: Vec<_> =
        std::fs::read_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("capabilities"))
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
    assert_eq!(files, vec![std::ffi::OsString::from("default.json")]);
}

#[test]
fn the_window_is_locked_down() {
    let conf: serde_json::Value = serde_json::from_str(&read("tauri.conf.json")).unwrap();
    assert_eq!(
        conf["app"]["security"]["csp"],
        "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self' 'unsafe-inline'; connect-src 'self' ipc: http://ipc.localhost"
    );
    assert_eq!(conf["app"]["withGlobalTauri"], true);
    assert_eq!(conf["build"]["frontendDist"], "../ui/dist");
    assert!(conf["plugins"].is_null() || conf["plugins"] == serde_json::json!({}));
    assert!(
        conf["bundle"]["createUpdaterArtifacts"].is_null(),
        "no updater"
    );
    // No plugins at all (http, shell, fs, updater, autostart …) among the dependencies.
    let manifest = read("Cargo.toml");
    assert!(
        !manifest.contains("tauri-plugin-"),
        "a Tauri plugin crept in"
    );
}

#[test]
fn no_http_client_or_plugin_in_the_app_graph() {
    // The app's own graph (normal + build dependencies; the WebDriver client of the tests is a
    // dev-dependency and never ships).
    let out = std::process::Command::new(env!("CARGO"))
        .args([
            "tree",
            "-e",
            "normal,build",
            "--prefix",
            "none",
            "--locked",
            "--offline",
        ])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("cargo tree");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let tree = String::from_utf8_lossy(&out.stdout);
    assert!(
        tree.lines().any(|l| l.starts_with("tauri v2.")),
        "unexpected cargo tree output"
    );
    for banned in [
        "reqwest",
        "hyper",
        "ureq",
        "curl",
        "isahc",
        "hf-hub",
        "attohttpc",
        "tauri-plugin-http",
        "tauri-plugin-shell",
        "tauri-plugin-fs",
        "tauri-plugin-updater",
        "tauri-plugin-autostart",
    ] {
        let hit = tree.lines().find(|l| l.starts_with(&format!("{banned} v")));
        assert!(
            hit.is_none(),
            "{banned} is in the app's dependency graph: {hit:?}"
        );
    }
}
