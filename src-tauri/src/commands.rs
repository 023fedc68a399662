//! The IPC commands: thin async wrappers that run [`Shell`]'s (blocking) work on Tauri's blocking
//! pool, so that neither the UI thread nor the async runtime ever waits on SQLCipher, Argon2id or
//! the model. The names are `copilot_protocol::ipc::COMMANDS`; each takes one `args` or none.
//! Commands that only change state (`create_vault`, `unlock`, `lock`, `touch`, `cancel_draft`,
//! `set_settings`, `sign_out`) return nothing; the UI reads `app_status` / `get_settings` afterwards.

use crate::service::{CmdResult, Shell};
use copilot_protocol::ipc::{
    AddUserArgs, AppStatus, BundleExportArgs, BundleImported, ClientDetail, ClientPage,
    CreateVaultArgs, DecideArgs, DocumentView, DraftEvent, ExportArgs, ExportDone, IdArgs,
    ImportArgs, ImportDone, ImportKeyArgs, ImportPreview, IpcError, ListClientsArgs, PathArgs,
    PublicKeyExportArgs, RevealArgs, SaveDraftArgs, Settings, SignInArgs, StartDraftArgs,
    SubmitArgs, UnlockArgs,
};
use copilot_protocol::review::{AuditVerifyReport, ReviewItem, ReviewView, RoiReport, UserInfo};
use copilot_protocol::DraftReport;
use tauri::ipc::Channel;
use tauri::State;

async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> CmdResult<T> + Send + 'static,
) -> CmdResult<T> {
    tauri::async_runtime::spawn_blocking(f)
        .await
        .map_err(|e| IpcError {
            code: "internal".into(),
            message: format!("worker failed: {e}"),
        })?
}

macro_rules! command {
    ($name:ident -> $ret:ty, |$s:ident| $body:expr) => {
        #[tauri::command]
        pub async fn $name(shell: State<'_, Shell>) -> CmdResult<$ret> {
            let $s = shell.inner().clone();
            blocking(move || $body).await
        }
    };
    ($name:ident($args:ident: $ty:ty) -> $ret:ty, |$s:ident| $body:expr) => {
        #[tauri::command]
        pub async fn $name(shell: State<'_, Shell>, $args: $ty) -> CmdResult<$ret> {
            let $s = shell.inner().clone();
            blocking(move || $body).await
        }
    };
}

command!(app_status -> AppStatus, |s| Ok(s.status()));
command!(create_vault(args: CreateVaultArgs) -> (), |s| s.create_vault(args).map(drop));
command!(unlock(args: UnlockArgs) -> (), |s| s.unlock(args).map(drop));
command!(lock -> (), |s| {
    s.lock();
    Ok(())
});
command!(touch -> (), |s| {
    s.touch();
    Ok(())
});
command!(preview_import(args: ImportArgs) -> ImportPreview, |s| s.preview_import(args));
command!(import_files(args: ImportArgs) -> ImportDone, |s| s.import_files(args));
command!(import_sample -> ImportDone, |s| s.import_sample());
command!(list_clients(args: ListClientsArgs) -> ClientPage, |s| s.list_clients(args));
command!(get_client(args: IdArgs) -> ClientDetail, |s| s.get_client(args));
command!(reveal_client_field(args: RevealArgs) -> String, |s| s.reveal_client_field(args));
command!(cancel_draft -> (), |s| {
    s.cancel_draft();
    Ok(())
});
command!(save_draft(args: SaveDraftArgs) -> DraftReport, |s| s.save_draft(args));
command!(get_draft(args: IdArgs) -> DraftReport, |s| s.get_draft(args));
command!(open_citation(args: IdArgs) -> DocumentView, |s| s.open_citation(args));
command!(get_settings -> Settings, |s| Ok(s.get_settings()));
command!(set_settings(args: Settings) -> (), |s| s.set_settings(args).map(drop));
command!(list_users -> Vec<UserInfo>, |s| s.list_users());
command!(add_user(args: AddUserArgs) -> UserInfo, |s| s.add_user(args));
command!(sign_in(args: SignInArgs) -> UserInfo, |s| s.sign_in(args));
command!(sign_out -> (), |s| s.sign_out());
command!(review_queue -> Vec<ReviewItem>, |s| s.review_queue());
command!(get_review(args: IdArgs) -> ReviewView, |s| s.get_review(args));
command!(submit_review(args: SubmitArgs) -> ReviewView, |s| s.submit_review(args));
command!(decide_review(args: DecideArgs) -> ReviewView, |s| s.decide_review(args));
command!(new_version(args: IdArgs) -> ReviewView, |s| s.new_version(args));
command!(roi_report -> RoiReport, |s| s.roi_report());
command!(export_draft(args: ExportArgs) -> ExportDone, |s| s.export_draft(args));
command!(export_roi_csv(args: PathArgs) -> ExportDone, |s| s.export_roi_csv(args));
command!(export_bundle(args: BundleExportArgs) -> ExportDone, |s| s.export_bundle(args));
command!(import_bundle(args: PathArgs) -> BundleImported, |s| s.import_bundle(args));
command!(export_public_key(args: PublicKeyExportArgs) -> ExportDone, |s| s.export_public_key(args));
command!(import_public_key(args: ImportKeyArgs) -> UserInfo, |s| s.import_public_key(args));
command!(audit_verify -> AuditVerifyReport, |s| s.audit_verify());

/// `start_draft`: the rationale's tokens (and the progress states) stream through `on_event`, a
/// channel of this call only; `cancel_draft` stops it.
#[tauri::command]
pub async fn start_draft(
    shell: State<'_, Shell>,
    args: StartDraftArgs,
    on_event: Channel<DraftEvent>,
) -> CmdResult<DraftReport> {
    let s = shell.inner().clone();
    blocking(move || {
        s.start_draft(args, &mut |event| {
            // The window may have gone; the draft still completes (or is cancelled by `lock`).
            let _ = on_event.send(event);
        })
    })
    .await
}
