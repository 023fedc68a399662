//! First run: create the vault with a recovery passphrase (strength hint, confirmation), then go
//! to the import screen.

use crate::app::{use_ctx, Screen};
use crate::format::{passphrase_strength, Strength};
use crate::i18n::Key;
use crate::ipc;
use copilot_protocol::ipc::CreateVaultArgs;
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;

#[component]
pub fn FirstRun() -> impl IntoView {
    let ctx = use_ctx();
    let pass = RwSignal::new(String::new());
    let confirm = RwSignal::new(String::new());
    let keychain = RwSignal::new(true);
    let busy = RwSignal::new(false);

    let strength = move || pass.with(|p| passphrase_strength(p));
    let mismatch = move || confirm.with(|c| !c.is_empty() && *c != pass.get());
    let can_create =
        move || !busy.get() && strength() != Strength::Empty && pass.get() == confirm.get();
    let hint = move || {
        ctx.t(match strength() {
            Strength::Empty => Key::StrengthEmpty,
            Strength::Weak => Key::StrengthWeak,
            Strength::Fair => Key::StrengthFair,
            Strength::Strong => Key::StrengthStrong,
        })
    };
    let hint_class = move || match strength() {
        Strength::Empty => "hint",
        Strength::Weak => "hint weak",
        Strength::Fair => "hint fair",
        Strength::Strong => "hint strong",
    };

    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if !can_create() {
            return;
        }
        busy.set(true);
        ctx.error.set(None);
        let args = CreateVaultArgs {
            passphrase: pass.get_untracked(),
            use_keychain: keychain.get_untracked(),
        };
        spawn_local(async move {
            match ipc::create_vault(&args).await {
                Ok(()) => {
                    ctx.refresh_status().await;
                    ctx.note(Key::VaultCreated.text(ctx.lang.get_untracked()));
                    ctx.go(Screen::Import);
                }
                Err(e) => ctx.fail(e),
            }
            busy.try_set(false);
        });
    };

    view! {
        <section class="panel narrow" aria-labelledby="first-run-title">
            <h1 id="first-run-title">{ctx.tr(Key::FirstRunTitle)}</h1>
            <p class="muted">{ctx.tr(Key::FirstRunIntro)}</p>
            <form class="form" on:submit=submit>
                <label for="passphrase">{ctx.tr(Key::Passphrase)}</label>
                <input id="passphrase" type="password" autocomplete="new-password" aria-describedby="strength-hint"
                    prop:value=move || pass.get() on:input=move |ev| pass.set(event_target_value(&ev))/>
                <div class="strength" aria-hidden="true">
                    <div class=move || format!("strength-bar s{}", strength() as u8)></div>
                </div>
                <p id="strength-hint" class=hint_class aria-live="polite">{hint}</p>
                <label for="passphrase-confirm">{ctx.tr(Key::PassphraseConfirm)}</label>
                <input id="passphrase-confirm" type="password" autocomplete="new-password"
                    aria-invalid=move || if mismatch() { "true" } else { "false" }
                    prop:value=move || confirm.get() on:input=move |ev| confirm.set(event_target_value(&ev))/>
                <Show when=mismatch>
                    <p class="field-error" role="alert">{ctx.tr(Key::PassphraseMismatch)}</p>
                </Show>
                <label class="check">
                    <input id="use-keychain" type="checkbox" prop:checked=move || keychain.get()
                        on:change=move |ev| keychain.set(event_target_checked(&ev))/>
                    <span>{ctx.tr(Key::UseKeychain)}</span>
                </label>
                <div class="actions">
                    <button id="create-vault" type="submit" class="primary" disabled=move || !can_create()>
                        {move || if busy.get() { ctx.t(Key::Working) } else { ctx.t(Key::CreateVault) }}
                    </button>
                </div>
            </form>
        </section>
    }
}
