//! Settings: interface language (switches at once), auto-lock minutes, theme; the model in use
//! and the data directory, read-only.

use crate::app::use_ctx;
use crate::format::format_bytes;
use crate::i18n::Key;
use crate::ipc;
use copilot_protocol::ipc::Settings;
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
            <section class="card" aria-labelledby="data-title">
                <h2 id="data-title">{ctx.tr(Key::DataDir)}</h2>
                <p id="data-dir" class="mono wrap">{data_dir}</p>
                <p class="muted">{ctx.tr(Key::StatusKeychain)} ": " {move || ctx.status.with(|s| s.as_ref().map(|s| s.keychain.clone()).unwrap_or_default())}</p>
            </section>
        </section>
    }
}
