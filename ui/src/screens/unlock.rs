//! Unlock with the recovery passphrase (when the keychain could not unlock silently).

use crate::app::use_ctx;
use crate::i18n::Key;
use crate::ipc;
use copilot_protocol::ipc::UnlockArgs;
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;

#[component]
pub fn Unlock() -> impl IntoView {
    let ctx = use_ctx();
    let pass = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    let input = NodeRef::<leptos::html::Input>::new();
    Effect::new(move |_| {
        if let Some(el) = input.get() {
            let _ = el.focus();
        }
    });

    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() || pass.with_untracked(String::is_empty) {
            return;
        }
        busy.set(true);
        ctx.error.set(None);
        let args = UnlockArgs {
            passphrase: Some(pass.get_untracked()),
        };
        spawn_local(async move {
            match ipc::unlock(&args).await {
                Ok(()) => {
                    pass.try_set(String::new());
                    ctx.enter().await;
                }
                Err(e) => ctx.fail(e),
            }
            busy.try_set(false);
        });
    };

    view! {
        <section class="panel narrow" aria-labelledby="unlock-title">
            <h1 id="unlock-title">{ctx.tr(Key::UnlockTitle)}</h1>
            <p class="muted">{ctx.tr(Key::UnlockIntro)}</p>
            <form class="form" on:submit=submit>
                <label for="unlock-passphrase">{ctx.tr(Key::Passphrase)}</label>
                <input id="unlock-passphrase" type="password" autocomplete="current-password" node_ref=input
                    prop:value=move || pass.get() on:input=move |ev| pass.set(event_target_value(&ev))/>
                <div class="actions">
                    <button id="unlock" type="submit" class="primary" disabled=move || busy.get()>
                        {move || if busy.get() { ctx.t(Key::Unlocking) } else { ctx.t(Key::UnlockButton) }}
                    </button>
                </div>
            </form>
        </section>
    }
}
