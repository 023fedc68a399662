//! Wealth Copilot's desktop shell: Tauri v2 over `copilot-app`. The window may call only the
//! commands of `copilot_protocol::ipc::COMMANDS` (declared in build.rs, allowed in
//! capabilities/default.json); no http, shell or fs plugins.

pub mod commands;
pub mod service;

use service::{Shell, ShellConfig};
use std::time::Duration;
use tauri::Manager;

/// How often the auto-lock timer looks at the idle time.
const AUTO_LOCK_TICK: Duration = Duration::from_secs(5);

/// Starts the app.
pub fn run() {
    tauri::Builder::default()
        .setup(|app| {
            let resource_dir = app.path().resource_dir().ok();
            let shell = Shell::new(ShellConfig::discover(resource_dir.as_deref()));
            app.manage(shell.clone());
            // Auto-lock: drops the workspace (and the keys) after `lock_minutes` without activity;
            // the UI reports activity with `touch` (every command counts too).
            std::thread::Builder::new()
                .name("auto-lock".into())
                .spawn(move || loop {
                    std::thread::sleep(AUTO_LOCK_TICK);
                    shell.auto_lock_if_idle();
                })?;
            Ok(())
        })
        .invoke_handler(tauri::generate_handler![
            commands::app_status,
            commands::create_vault,
            commands::unlock,
            commands::lock,
            commands::touch,
            commands::preview_import,
            commands::import_files,
            commands::import_sample,
            commands::list_clients,
            commands::get_client,
            commands::reveal_client_field,
            commands::start_draft,
            commands::cancel_draft,
            commands::save_draft,
            commands::get_draft,
            commands::open_citation,
            commands::get_settings,
            commands::set_settings,
            commands::list_users,
            commands::add_user,
            commands::sign_in,
            commands::sign_out,
            commands::review_queue,
            commands::get_review,
            commands::submit_review,
            commands::decide_review,
            commands::new_version,
            commands::roi_report,
            commands::export_draft,
            commands::export_roi_csv,
            commands::export_bundle,
            commands::import_bundle,
            commands::export_public_key,
            commands::import_public_key,
            commands::audit_verify,
        ])
        .run(tauri::generate_context!())
        .expect("error while running Wealth Copilot");
}
