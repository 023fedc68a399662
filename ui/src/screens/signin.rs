//! Sign-in on a shared workstation: once the vault has users, every action needs one (S22 must
//! know who acts). The password unseals the user's keys in the shell; it is never kept here.

use crate::app::use_ctx;
use crate::i18n::Key;
use crate::ipc;
use copilot_protocol::ipc::SignInArgs;
use copilot_protocol::review::{Role, UserInfo};
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;

/// The translated name of a role.
pub fn role_key(role: Role) -> Key {
    match role {
        Role::Advisor => Key::RoleAdvisor,
        Role::Supervisor => Key::RoleSupervisor,
    }
}

#[component]
pub fn SignIn() -> impl IntoView {
    let ctx = use_ctx();
    let users = RwSignal::new(Vec::<UserInfo>::new());
    let user = RwSignal::new(String::new());
    let pass = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    spawn_local(async move {
        match ipc::list_users().await {
            Ok(list) => {
                let local: Vec<UserInfo> = list.into_iter().filter(|u| u.local).collect();
                if user.get_untracked().is_empty() {
                    if let Some(first) = local.first() {
                        user.try_set(first.user_id.clone());
                    }
                }
                users.try_set(local);
            }
            Err(e) => ctx.fail(e),
        }
    });

    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() || pass.with_untracked(String::is_empty) {
            return;
        }
        busy.set(true);
        ctx.error.set(None);
        let args = SignInArgs {
            user_id: user.get_untracked(),
            password: pass.get_untracked(),
        };
        spawn_local(async move {
            match ipc::sign_in(&args).await {
                Ok(_) => {
                    pass.try_set(String::new());
                    ctx.enter().await;
                }
                Err(e) => ctx.fail(e),
            }
            busy.try_set(false);
        });
    };

    view! {
        <section class="panel narrow" aria-labelledby="signin-title">
            <h1 id="signin-title">{ctx.tr(Key::SignInTitle)}</h1>
            <p class="muted">{ctx.tr(Key::SignInIntro)}</p>
            <form class="form" on:submit=submit>
                <label for="signin-user">{ctx.tr(Key::SignInUser)}</label>
                <select id="signin-user" on:change=move |ev| user.set(event_target_value(&ev))>
                    {move || users.get().into_iter().map(|u| {
                        let id = u.user_id.clone();
                        let label = format!("{} ({}) · {}", u.display_name, u.user_id, ctx.t(role_key(u.role)));
                        view! { <option value=u.user_id.clone() selected=move || user.get() == id>{label}</option> }
                    }).collect_view()}
                </select>
                <label for="signin-password">{ctx.tr(Key::SignInPassword)}</label>
                <input id="signin-password" type="password" autocomplete="current-password"
                    prop:value=move || pass.get() on:input=move |ev| pass.set(event_target_value(&ev))/>
                <div class="actions">
                    <button id="signin" type="submit" class="primary" disabled=move || busy.get()>
                        {move || if busy.get() { ctx.t(Key::SigningIn) } else { ctx.t(Key::SignInButton) }}
                    </button>
                </div>
            </form>
        </section>
    }
}
