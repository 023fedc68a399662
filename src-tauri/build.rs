// Declares the app's own commands so that Tauri's permission system gates them: each window may
// call only what its capability allows (capabilities/default.json). Keep this list equal to
// `copilot_protocol::ipc::COMMANDS` (tests/contract.rs checks it).
const COMMANDS: &[&str] = &[
    "app_status",
    "create_vault",
    "unlock",
    "lock",
    "touch",
    "preview_import",
    "import_files",
    "import_sample",
    "list_clients",
    "get_client",
    "reveal_client_field",
    "start_draft",
    "cancel_draft",
    "save_draft",
    "get_draft",
    "open_citation",
    "get_settings",
    "set_settings",
    "list_users",
    "add_user",
    "sign_in",
    "sign_out",
    "review_queue",
    "get_review",
    "submit_review",
    "decide_review",
    "new_version",
    "roi_report",
    "export_draft",
    "export_roi_csv",
    "export_bundle",
    "import_bundle",
    "export_public_key",
    "import_public_key",
    "audit_verify",
];

fn main() {
    tauri_build::try_build(
        tauri_build::Attributes::new()
            .app_manifest(tauri_build::AppManifest::new().commands(COMMANDS)),
    )
    .expect("tauri-build failed");
}
