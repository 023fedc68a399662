//! Settings: interface language (switches at once), auto-lock minutes, theme; the model in use
//! and the data directory, read-only.

use crate::app::{use_ctx, Screen};
use crate::format::format_bytes;
use crate::i18n::fill;
use crate::i18n::Key;
use crate::ipc;
use crate::screens::signin::role_key;
use copilot_protocol::ipc::{AddUserArgs, PublicKeyExportArgs, Settings};
use copilot_protocol::review::{Role, UserInfo};
use copilot_protocol::Lang;
use leptos::prelude::*;
use leptos::task::spawn_local;

#[component]
pub fn SettingsView() -> impl IntoView {
    let ctx = use_ctx();

    let persist = move || {
        let settings = Settings {
            ui_lang: ctx.lang.get_untracked(),
            lock_minutes: ctx.lock_minutes.get_untracked(),
            theme: ctx.theme.get_untracked(),
        };
        spawn_local(async move {
            match ipc::set_settings(&settings).await {
                Ok(()) => {
                    ctx.status.update(|s| {
                        if let Some(s) = s {
                            s.settings = settings;
                        }
                    });
                    ctx.note(Key::SettingsSaved.text(ctx.lang.get_untracked()));
                }
                Err(e) => ctx.fail(e),
            }
        });
    };

    let model = move || {
        ctx.status
            .with(|s| s.as_ref().and_then(|s| s.model.clone()))
    };
    let data_dir = move || {
        ctx.status
            .with(|s| s.as_ref().map(|s| s.data_dir.clone()).unwrap_or_default())
    };
    let theme_option = move |value: &'static str, key: Key| {
        view! { <option value=value selected=move || ctx.theme.get() == value>{ctx.tr(key)}</option> }
    };

    view! {
        <section class="panel narrow-wide" aria-labelledby="settings-title">
            <h1 id="settings-title">{ctx.tr(Key::SettingsTitle)}</h1>
            <div class="card">
                <div class="form grid-2">
                    <div class="field">
                        <label for="ui-lang">{ctx.tr(Key::UiLang)}</label>
                        <select id="ui-lang" on:change=move |ev| {
                            ctx.lang.set(event_target_value(&ev).parse().unwrap_or(Lang::Zh));
                            persist();
                        }>
                            // Each language is named in itself, as language pickers do.
                            <option value="zh" selected=move || ctx.lang.get() == Lang::Zh>"简体中文"</option>
                            <option value="en" selected=move || ctx.lang.get() == Lang::En>"English"</option>
                        </select>
                    </div>
                    <div class="field">
                        <label for="theme">{ctx.tr(Key::Theme)}</label>
                        <select id="theme" on:change=move |ev| {
                            ctx.theme.set(event_target_value(&ev));
                            persist();
                        }>
                            {theme_option("system", Key::ThemeSystem)}
                            {theme_option("light", Key::ThemeLight)}
                            {theme_option("dark", Key::ThemeDark)}
                        </select>
                    </div>
                    <div class="field">
                        <label for="lock-minutes">{ctx.tr(Key::LockMinutes)}</label>
                        <input id="lock-minutes" type="number" min="1" max="240" step="1"
                            prop:value=move || ctx.lock_minutes.get().to_string()
                            on:change=move |ev| {
                                let minutes = event_target_value(&ev).trim().parse::<u32>().unwrap_or(15).clamp(1, 240);
                                ctx.lock_minutes.set(minutes);
                                persist();
                            }/>
                    </div>
                </div>
            </div>
            <section class="card" aria-labelledby="model-title">
                <h2 id="model-title">{ctx.tr(Key::ModelSection)}</h2>
                <dl class="facts">
                    <dt>{ctx.tr(Key::ModelName)}</dt>
                    <dd id="model-name">{move || model().map(|m| m.name).unwrap_or_else(|| ctx.t(Key::StatusNoModel).to_string())}</dd>
                    <dt>{ctx.tr(Key::ModelSha)}</dt>
                    <dd id="model-sha" class="mono wrap">{move || model().map(|m| m.sha256).unwrap_or_default()}</dd>
                    <dt>{ctx.tr(Key::ModelSize)}</dt>
                    <dd id="model-size">{move || model().map(|m| format_bytes(m.size_bytes)).unwrap_or_default()}</dd>
                    <dt>{ctx.tr(Key::ModelQuant)}</dt>
                    <dd id="model-quant" class="mono">{move || model().map(|m| m.quantization).unwrap_or_default()}</dd>
                    <dt>{ctx.tr(Key::ModelLoaded)}</dt>
                    <dd>{move || model().map(|m| ctx.t(if m.loaded { Key::Yes } else { Key::ModelNotLoaded })).unwrap_or_default()}</dd>
                </dl>
            </section>
            <UsersSection/>
            <AuditSection/>
            <section class="card" aria-labelledby="data-title">
                <h2 id="data-title">{ctx.tr(Key::DataDir)}</h2>
                <p id="data-dir" class="mono wrap">{data_dir}</p>
                <p class="muted">{ctx.tr(Key::StatusKeychain)} ": " {move || ctx.status.with(|s| s.as_ref().map(|s| s.keychain.clone()).unwrap_or_default())}</p>
            </section>
        </section>
    }
}

/// Users of this workstation and peers' public keys: add a user, import a peer's key, export
/// one's own.
#[component]
fn UsersSection() -> impl IntoView {
    let ctx = use_ctx();
    let users = RwSignal::new(Vec::<UserInfo>::new());
    let user_id = RwSignal::new(String::new());
    let name = RwSignal::new(String::new());
    let role = RwSignal::new(Role::Advisor);
    let password = RwSignal::new(String::new());
    let peer_path = RwSignal::new(String::new());
    let peer_fp = RwSignal::new(String::new());
    let key_path = RwSignal::new(String::new());
    let result = RwSignal::new(None::<String>);
    let load = move || {
        spawn_local(async move {
            match ipc::list_users().await {
                Ok(v) => {
                    users.try_set(v);
                }
                Err(e) => ctx.fail(e),
            }
        });
    };
    load();
    let add = move |_| {
        let args = AddUserArgs {
            user_id: user_id.get_untracked().trim().to_string(),
            display_name: name.get_untracked().trim().to_string(),
            role: role.get_untracked(),
            password: password.get_untracked(),
        };
        result.set(None);
        spawn_local(async move {
            match ipc::add_user(&args).await {
                Ok(u) => {
                    password.try_set(String::new());
                    user_id.try_set(String::new());
                    name.try_set(String::new());
                    result.try_set(Some(fill(ctx.t(Key::UserAdded), &[&u.user_id])));
                    load();
                    // The first user turns sign-in on: nobody is signed in yet.
                    if let Some(s) = ctx.refresh_status().await {
                        if s.has_users && s.user.is_none() {
                            ctx.go(Screen::SignIn);
                        }
                    }
                }
                Err(e) => ctx.fail(e),
            }
        });
    };
    let import_peer = move |_| {
        let path = peer_path.get_untracked().trim().to_string();
        let fp = Some(peer_fp.get_untracked().trim().to_string()).filter(|f| !f.is_empty());
        result.set(None);
        spawn_local(async move {
            match ipc::import_public_key(&path, fp).await {
                Ok(u) => {
                    result.try_set(Some(fill(ctx.t(Key::PeerKeyImported), &[&u.user_id])));
                    load();
                }
                Err(e) => ctx.fail(e),
            }
        });
    };
    let export_key = move |_| {
        let Some(me) = ctx.user() else { return };
        let args = PublicKeyExportArgs {
            user_id: me.user_id,
            path: key_path.get_untracked().trim().to_string(),
        };
        result.set(None);
        spawn_local(async move {
            match ipc::export_public_key(&args).await {
                Ok(done) => {
                    result.try_set(Some(fill(
                        ctx.t(Key::ExportDoneMsg),
                        &[&done.path, &done.bytes.to_string()],
                    )));
                }
                Err(e) => ctx.fail(e),
            }
        });
    };
    let role_option = move |r: Role| {
        view! { <option value=r.as_str() selected=move || role.get() == r>{ctx.tr(role_key(r))}</option> }
    };
    view! {
        <section class="card" aria-labelledby="users-title">
            <h2 id="users-title">{ctx.tr(Key::UsersSection)}</h2>
            <p class="muted">{ctx.tr(Key::UsersIntro)}</p>
            {move || {
                let list = users.get();
                if list.is_empty() {
                    view! { <p id="users-list" class="empty">{ctx.tr(Key::NoUsers)}</p> }.into_any()
                } else {
                    view! {
                        <table id="users-list" class="data">
                            <thead><tr>
                                <th scope="col">{ctx.tr(Key::ColUser)}</th>
                                <th scope="col">{ctx.tr(Key::ColRole)}</th>
                                <th scope="col">{ctx.tr(Key::ColKind)}</th>
                                <th scope="col">{ctx.tr(Key::ColKey)}</th>
                            </tr></thead>
                            <tbody>{list.into_iter().map(|u| view! {
                                <tr class="user-row" data-user-id=u.user_id.clone() data-role=u.role.as_str()>
                                    <td>{u.display_name.clone()} " " <span class="mono muted">{u.user_id.clone()}</span></td>
                                    <td>{ctx.tr(role_key(u.role))}</td>
                                    <td>{ctx.tr(if u.local { Key::LocalUser } else { Key::PeerUser })}</td>
                                    <td class="mono small-text">{u.signing_key.chars().take(16).collect::<String>()} "…"</td>
                                </tr>
                            }).collect_view()}</tbody>
                        </table>
                    }.into_any()
                }
            }}
            <div class="form grid-2">
                <div class="field">
                    <label for="user-id">{ctx.tr(Key::UserId)}</label>
                    <input id="user-id" type="text" class="mono" autocomplete="off" spellcheck="false"
                        prop:value=move || user_id.get() on:input=move |ev| user_id.set(event_target_value(&ev))/>
                </div>
                <div class="field">
                    <label for="user-name">{ctx.tr(Key::UserName)}</label>
                    <input id="user-name" type="text" autocomplete="off"
                        prop:value=move || name.get() on:input=move |ev| name.set(event_target_value(&ev))/>
                </div>
                <div class="field">
                    <label for="user-role">{ctx.tr(Key::UserRole)}</label>
                    <select id="user-role" on:change=move |ev| role.set(event_target_value(&ev).parse().unwrap_or(Role::Advisor))>
                        {role_option(Role::Advisor)}
                        {role_option(Role::Supervisor)}
                    </select>
                </div>
                <div class="field">
                    <label for="user-password">{ctx.tr(Key::UserPassword)}</label>
                    <input id="user-password" type="password" autocomplete="new-password"
                        prop:value=move || password.get() on:input=move |ev| password.set(event_target_value(&ev))/>
                </div>
            </div>
            <div class="actions">
                <button id="add-user" type="button" class="primary"
                    disabled=move || user_id.with(|u| u.trim().is_empty()) || password.with(String::is_empty)
                    on:click=add>{ctx.tr(Key::AddUser)}</button>
            </div>
            <div class="toolbar">
                <div class="field grow">
                    <label for="peer-key-path">{ctx.tr(Key::PeerKeyPath)}</label>
                    <input id="peer-key-path" type="text" class="mono" spellcheck="false" autocomplete="off"
                        prop:value=move || peer_path.get() on:input=move |ev| peer_path.set(event_target_value(&ev))/>
                </div>
                <div class="field">
                    <label for="peer-key-fingerprint">{ctx.tr(Key::PeerKeyFingerprint)}</label>
                    <input id="peer-key-fingerprint" type="text" class="mono" spellcheck="false" autocomplete="off"
                        placeholder="1a2b 3c4d 5e6f 7a8b"
                        prop:value=move || peer_fp.get() on:input=move |ev| peer_fp.set(event_target_value(&ev))/>
                </div>
                <button id="import-peer-key" type="button" disabled=move || peer_path.with(|p| p.trim().is_empty())
                    on:click=import_peer>{ctx.tr(Key::ImportPeerKey)}</button>
            </div>
            <div class="toolbar">
                <div class="field grow">
                    <label for="export-key-path">{ctx.tr(Key::ExportKeyPath)}</label>
                    <input id="export-key-path" type="text" class="mono" spellcheck="false" autocomplete="off"
                        prop:value=move || key_path.get() on:input=move |ev| key_path.set(event_target_value(&ev))/>
                </div>
                <button id="export-key" type="button" disabled=move || key_path.with(|p| p.trim().is_empty()) || ctx.user().is_none()
                    on:click=export_key>{ctx.tr(Key::ExportKey)}</button>
            </div>
            <p id="users-result" class="result ok wrap" role="status" aria-live="polite">{move || result.get().unwrap_or_default()}</p>
        </section>
    }
}

/// `#audit-verify` checks the hash chain; `#audit-result` says "intact: N records" or names the
/// first broken record.
#[component]
fn AuditSection() -> impl IntoView {
    let ctx = use_ctx();
    let result = RwSignal::new(None::<copilot_protocol::review::AuditVerifyReport>);
    let busy = RwSignal::new(false);
    let verify = move |_| {
        busy.set(true);
        spawn_local(async move {
            match ipc::audit_verify().await {
                Ok(r) => {
                    result.try_set(Some(r));
                }
                Err(e) => ctx.fail(e),
            }
            busy.try_set(false);
        });
    };
    view! {
        <section class="card" aria-labelledby="audit-title">
            <h2 id="audit-title">{ctx.tr(Key::AuditSection)}</h2>
            <div class="actions">
                <button id="audit-verify" type="button" disabled=move || busy.get() on:click=verify>{ctx.tr(Key::AuditVerify)}</button>
                <span id="audit-result" role="status" aria-live="polite"
                    data-ok=move || result.get().map(|r| r.ok.to_string()).unwrap_or_default()
                    class=move || match result.get() { Some(r) if r.ok => "ok", Some(_) => "field-error", None => "muted" }>
                    {move || if busy.get() { ctx.t(Key::Working).to_string() } else {
                        result.get().map(|r| if r.ok {
                            fill(ctx.t(Key::AuditIntact), &[&r.records.to_string()])
                        } else {
                            fill(ctx.t(Key::AuditBroken), &[
                                &r.first_broken.map(|n| n.to_string()).unwrap_or_else(|| "?".into()),
                                r.reason.as_deref().unwrap_or("?"),
                                &r.records.to_string(),
                            ])
                        }).unwrap_or_default()
                    }}
                </span>
            </div>
        </section>
    }
}
