//! The root component: shared state ([`Ctx`]), the shell (navigation, error banner, status line),
//! start-up (status → silent keychain unlock → screen), keyboard shortcuts, activity `touch` and
//! the periodic status check that notices an auto-lock.

use crate::format;
use crate::i18n::{fill, Key};
use crate::ipc;
use crate::screens;
use copilot_protocol::ipc::{AppStatus, ClientSort, IpcError, UnlockArgs};
use copilot_protocol::review::{Role, UserInfo};
use copilot_protocol::{Lang, RiskLevel};
use leptos::ev;
use leptos::prelude::*;
use leptos::task::spawn_local;
use std::time::Duration;
use wasm_bindgen::JsCast;

/// Which screen is showing.
#[derive(Debug, Clone, PartialEq)]
pub enum Screen {
    Loading,
    FirstRun,
    Unlock,
    Import,
    Clients,
    Client(String),
    Draft {
        client_id: String,
        draft_id: Option<String>,
    },
    Settings,
    SignIn,
    ReviewQueue,
    Review(String),
    Roi,
}

/// The client list's filters, kept here so that they survive a visit to a client.
#[derive(Clone, Copy)]
pub struct ClientFilters {
    pub query: RwSignal<String>,
    pub risk: RwSignal<Option<RiskLevel>>,
    pub expired: RwSignal<bool>,
    pub sort: RwSignal<ClientSort>,
    pub page: RwSignal<usize>,
}

/// State every screen may read or change. All fields are signals, so `Ctx` is `Copy`.
#[derive(Clone, Copy)]
pub struct Ctx {
    pub lang: RwSignal<Lang>,
    pub theme: RwSignal<String>,
    pub lock_minutes: RwSignal<u32>,
    pub status: RwSignal<Option<AppStatus>>,
    pub screen: RwSignal<Screen>,
    pub error: RwSignal<Option<String>>,
    pub notice: RwSignal<Option<String>>,
    pub filters: ClientFilters,
    last_touch: StoredValue<f64>,
}

/// Minimum time between two `touch` calls: the idle timer counts minutes, so a call per
/// 20 seconds of activity is plenty.
const TOUCH_EVERY_MS: f64 = 20_000.0;

/// How often the shell is asked whether it locked itself after idle.
const STATUS_POLL: Duration = Duration::from_secs(15);

pub fn use_ctx() -> Ctx {
    expect_context::<Ctx>()
}

impl Ctx {
    /// A reactive translation of `key`, for text nodes and attributes.
    pub fn tr(self, key: Key) -> impl Fn() -> &'static str + Copy + Send + Sync + 'static {
        let lang = self.lang;
        move || key.text(lang.get())
    }

    /// The translation of `key` now (reactive when called inside a reactive closure).
    pub fn t(self, key: Key) -> &'static str {
        key.text(self.lang.get())
    }

    /// Whether the store is open.
    pub fn unlocked(self) -> bool {
        self.status.with(|s| s.as_ref().is_some_and(|s| s.unlocked))
    }

    /// The signed-in user, if any.
    pub fn user(self) -> Option<UserInfo> {
        self.status
            .with(|s| s.as_ref().and_then(|s| s.user.clone()))
    }

    /// The signed-in user without subscribing to status changes (for views that must not be
    /// rebuilt — losing typed input — on every status refresh).
    pub fn user_untracked(self) -> Option<UserInfo> {
        self.status
            .with_untracked(|s| s.as_ref().and_then(|s| s.user.clone()))
    }

    /// True when the workstation has users and nobody is signed in: only the sign-in screen
    /// (and lock) may show.
    pub fn needs_sign_in(self) -> bool {
        self.status.with(|s| {
            s.as_ref()
                .is_some_and(|s| s.unlocked && s.has_users && s.user.is_none())
        })
    }

    /// After an unlock (or a sign-out): the sign-in screen when the workstation has users and
    /// nobody is signed in, else the client list.
    pub async fn enter(self) {
        if let Some(s) = self.refresh_status().await {
            if s.has_users && s.user.is_none() {
                self.go(Screen::SignIn);
            } else {
                self.go(Screen::Clients);
            }
        }
    }

    /// Signs the user out and shows the sign-in screen.
    pub fn sign_out(self) {
        spawn_local(async move {
            if let Err(e) = ipc::sign_out().await {
                self.fail(e);
            }
            self.enter().await;
        });
    }

    /// Shows an error: a locked store sends the advisor to the unlock screen; the message is
    /// translated where the code has a translation.
    pub fn fail(self, e: IpcError) {
        let lang = self.lang.get_untracked();
        let message = match e.code.as_str() {
            "locked" => {
                self.status.update(|s| {
                    if let Some(s) = s {
                        s.unlocked = false;
                    }
                });
                self.go(Screen::Unlock);
                Key::ErrLocked.text(lang).to_string()
            }
            "wrong_passphrase" => Key::ErrWrongPassphrase.text(lang).to_string(),
            "no_shell" => Key::ErrNoShell.text(lang).to_string(),
            "not_permitted" => {
                // Signed out (or never signed in) while users exist: back to the sign-in screen.
                spawn_local(async move {
                    if let Some(s) = self.refresh_status().await {
                        if s.unlocked && s.has_users && s.user.is_none() {
                            self.go(Screen::SignIn);
                        }
                    }
                });
                e.message
            }
            _ => e.message,
        };
        self.error.set(Some(message));
    }

    /// Shows `screen` (a no-op when it is already showing, so that its state survives).
    pub fn go(self, screen: Screen) {
        if self.screen.get_untracked() != screen {
            self.screen.set(screen);
        }
    }

    /// Shows a short message in the status line.
    pub fn note(self, message: impl Into<String>) {
        let message = message.into();
        self.notice.set(Some(message.clone()));
        let notice = self.notice;
        set_timeout(
            move || {
                if notice.try_get_untracked().flatten().as_deref() == Some(message.as_str()) {
                    notice.try_set(None);
                }
            },
            Duration::from_secs(8),
        );
    }

    /// Reloads the shell's status and applies its settings.
    pub async fn refresh_status(self) -> Option<AppStatus> {
        match ipc::app_status().await {
            Ok(s) => {
                // Set only what changed: every translated text node listens to `lang`.
                if self.lang.get_untracked() != s.settings.ui_lang {
                    self.lang.set(s.settings.ui_lang);
                }
                if self.theme.get_untracked() != s.settings.theme {
                    self.theme.set(s.settings.theme.clone());
                }
                if self.lock_minutes.get_untracked() != s.settings.lock_minutes {
                    self.lock_minutes.set(s.settings.lock_minutes);
                }
                self.status.set(Some(s.clone()));
                Some(s)
            }
            Err(e) => {
                self.fail(e);
                None
            }
        }
    }

    /// Records user activity; calls `touch` at most every [`TOUCH_EVERY_MS`].
    fn activity(self) {
        if !self.unlocked_untracked() {
            return;
        }
        let now = ipc::now_ms();
        if now - self.last_touch.get_value() < TOUCH_EVERY_MS {
            return;
        }
        self.last_touch.set_value(now);
        spawn_local(async move {
            if let Err(e) = ipc::touch().await {
                if e.code == "locked" {
                    self.fail(e);
                }
            }
        });
    }

    fn unlocked_untracked(self) -> bool {
        self.status
            .with_untracked(|s| s.as_ref().is_some_and(|s| s.unlocked))
    }

    /// Locks the store and shows the unlock screen.
    pub fn lock(self) {
        spawn_local(async move {
            if let Err(e) = ipc::lock().await {
                self.fail(e);
            }
            self.refresh_status().await;
            self.go(Screen::Unlock);
        });
    }
}

/// Clicks the button with `id` if it is on screen and enabled: keyboard shortcuts go through the
/// same path as the mouse, so they do exactly what the button does.
fn click(id: &str) -> bool {
    let Some(el) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id(id))
    else {
        return false;
    };
    if el.has_attribute("disabled") {
        return false;
    }
    match el.dyn_into::<web_sys::HtmlElement>() {
        Ok(el) => {
            el.click();
            true
        }
        Err(_) => false,
    }
}

fn on_shortcut(ev: web_sys::KeyboardEvent) {
    let ctrl = ev.ctrl_key() || ev.meta_key();
    let key = ev.key();
    let handled = if ctrl && !ev.shift_key() && key == "Enter" {
        click("generate")
    } else if key == "Escape" {
        click("cancel") || click("close-document")
    } else if ctrl && key.eq_ignore_ascii_case("s") {
        // Always swallow Ctrl+S: the webview's "save page" has no place in this app.
        click("save");
        true
    } else if ctrl && ev.shift_key() && key == "Enter" {
        click("submit-review")
    } else if ctrl && key.eq_ignore_ascii_case("l") {
        click("lock");
        true
    } else if ev.alt_key() && !ctrl {
        match ev.code().as_str() {
            "Digit1" => click("nav-clients"),
            "Digit2" => click("nav-import"),
            "Digit3" => click("nav-settings"),
            "Digit4" => click("nav-review"),
            "Digit5" => click("nav-roi"),
            "KeyA" => click("approve"),
            "KeyC" => click("request-changes"),
            "KeyX" => click("reject"),
            _ => false,
        }
    } else {
        false
    };
    if handled {
        ev.prevent_default();
    }
}

fn apply_document_settings(lang: Lang, theme: &str) {
    let Some(root) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element())
    else {
        return;
    };
    let _ = root.set_attribute("lang", if lang == Lang::Zh { "zh-CN" } else { "en" });
    let _ = root.set_attribute("data-theme", theme);
    if let Some(d) = web_sys::window().and_then(|w| w.document()) {
        d.set_title(Key::AppTitle.text(lang));
    }
}

#[component]
pub fn App() -> impl IntoView {
    let ctx = Ctx {
        lang: RwSignal::new(Lang::Zh),
        theme: RwSignal::new("system".into()),
        lock_minutes: RwSignal::new(15),
        status: RwSignal::new(None),
        screen: RwSignal::new(Screen::Loading),
        error: RwSignal::new(None),
        notice: RwSignal::new(None),
        filters: ClientFilters {
            query: RwSignal::new(String::new()),
            risk: RwSignal::new(None),
            expired: RwSignal::new(false),
            sort: RwSignal::new(ClientSort::ClientId),
            page: RwSignal::new(0),
        },
        last_touch: StoredValue::new(0.0),
    };
    provide_context(ctx);

    Effect::new(move |_| apply_document_settings(ctx.lang.get(), &ctx.theme.get()));

    // Start-up: a new data directory gets the first-run screen; a locked vault tries the
    // keychain silently and asks for the passphrase only when that fails.
    spawn_local(async move {
        let Some(status) = ctx.refresh_status().await else {
            ctx.go(Screen::FirstRun);
            return;
        };
        if !status.initialised {
            ctx.go(Screen::FirstRun);
        } else if status.unlocked || ipc::unlock(&UnlockArgs { passphrase: None }).await.is_ok() {
            ctx.enter().await;
        } else {
            ctx.go(Screen::Unlock);
        }
    });

    let _ = window_event_listener(ev::keydown, move |ev| {
        ctx.activity();
        on_shortcut(ev);
    });
    let _ = window_event_listener(ev::pointerdown, move |_| ctx.activity());
    let _ = window_event_listener(ev::wheel, move |_| ctx.activity());

    // The shell locks itself after idle; notice it and show the unlock screen.
    set_interval(
        move || {
            if !ctx.unlocked_untracked() {
                return;
            }
            spawn_local(async move {
                if let Some(s) = ctx.refresh_status().await {
                    if !s.unlocked {
                        ctx.go(Screen::Unlock);
                    }
                }
            });
        },
        STATUS_POLL,
    );

    let screen_view = move || match ctx.screen.get() {
        Screen::Loading => {
            view! { <p class="loading" role="status">{ctx.tr(Key::Loading)}</p> }.into_any()
        }
        Screen::FirstRun => view! { <screens::first_run::FirstRun/> }.into_any(),
        Screen::Unlock => view! { <screens::unlock::Unlock/> }.into_any(),
        Screen::Import => view! { <screens::import::Import/> }.into_any(),
        Screen::Clients => view! { <screens::clients::Clients/> }.into_any(),
        Screen::Client(id) => {
            view! { <screens::client_detail::ClientDetailView client_id=id/> }.into_any()
        }
        Screen::Draft {
            client_id,
            draft_id,
        } => view! { <screens::draft::DraftWorkspace client_id=client_id draft_id=draft_id/> }
            .into_any(),
        Screen::Settings => view! { <screens::settings::SettingsView/> }.into_any(),
        Screen::SignIn => view! { <screens::signin::SignIn/> }.into_any(),
        Screen::ReviewQueue => view! { <screens::review::ReviewQueue/> }.into_any(),
        Screen::Review(id) => view! { <screens::review::ReviewScreen draft_id=id/> }.into_any(),
        Screen::Roi => view! { <screens::roi::RoiDashboard/> }.into_any(),
    };

    let nav_class = move |active: fn(&Screen) -> bool| {
        move || {
            if ctx.screen.with(active) {
                "nav-button active"
            } else {
                "nav-button"
            }
        }
    };
    let nav_current = move |active: fn(&Screen) -> bool| {
        move || {
            if ctx.screen.with(active) {
                Some("page")
            } else {
                None
            }
        }
    };
    let is_clients: fn(&Screen) -> bool = |s| {
        matches!(
            s,
            Screen::Clients | Screen::Client(_) | Screen::Draft { .. }
        )
    };
    let is_import: fn(&Screen) -> bool = |s| matches!(s, Screen::Import);
    let is_settings: fn(&Screen) -> bool = |s| matches!(s, Screen::Settings);
    let is_review: fn(&Screen) -> bool = |s| matches!(s, Screen::ReviewQueue | Screen::Review(_));
    let is_roi: fn(&Screen) -> bool = |s| matches!(s, Screen::Roi);
    let user_label = move || {
        ctx.user().map(|u| {
            let role = match u.role {
                Role::Advisor => ctx.t(Key::RoleAdvisor),
                Role::Supervisor => ctx.t(Key::RoleSupervisor),
            };
            format!("{} ({}) · {}", u.display_name, u.user_id, role)
        })
    };

    let status_line = move || {
        if let Some(n) = ctx.notice.get() {
            return n;
        }
        let lang = ctx.lang.get();
        ctx.status.with(|s| {
            let Some(s) = s else { return String::new() };
            if !s.initialised {
                return String::new();
            }
            if !s.unlocked {
                return Key::Locked.text(lang).to_string();
            }
            let counts = s
                .counts
                .map(|c| {
                    let c: Vec<String> = c
                        .iter()
                        .map(|n| format::group_thousands(&n.to_string()))
                        .collect();
                    let c: Vec<&str> = c.iter().map(String::as_str).collect();
                    fill(Key::StatusCounts.text(lang), &c)
                })
                .unwrap_or_default();
            let model = match &s.model {
                Some(m) => format!("{}: {}", Key::StatusModel.text(lang), m.name),
                None => Key::StatusNoModel.text(lang).to_string(),
            };
            format!(
                "{counts} · {model} · {}: {}",
                Key::StatusKeychain.text(lang),
                s.keychain
            )
        })
    };

    view! {
        <div id="app" class="app">
            <a class="skip-link" href="#main">{ctx.tr(Key::AppTitle)}</a>
            <header class="topbar">
                <span class="brand">{ctx.tr(Key::AppTitle)}</span>
                <Show when=move || ctx.unlocked() && !ctx.needs_sign_in()>
                    <nav class="nav" aria-label=ctx.tr(Key::AppTitle)>
                        <button id="nav-clients" type="button" class=nav_class(is_clients)
                            aria-current=nav_current(is_clients) aria-keyshortcuts="Alt+1"
                            on:click=move |_| ctx.go(Screen::Clients)>{ctx.tr(Key::NavClients)}</button>
                        <button id="nav-import" type="button" class=nav_class(is_import)
                            aria-current=nav_current(is_import) aria-keyshortcuts="Alt+2"
                            on:click=move |_| ctx.go(Screen::Import)>{ctx.tr(Key::NavImport)}</button>
                        <button id="nav-settings" type="button" class=nav_class(is_settings)
                            aria-current=nav_current(is_settings) aria-keyshortcuts="Alt+3"
                            on:click=move |_| ctx.go(Screen::Settings)>{ctx.tr(Key::NavSettings)}</button>
                        <button id="nav-review" type="button" class=nav_class(is_review)
                            aria-current=nav_current(is_review) aria-keyshortcuts="Alt+4"
                            on:click=move |_| ctx.go(Screen::ReviewQueue)>{ctx.tr(Key::NavReview)}</button>
                        <button id="nav-roi" type="button" class=nav_class(is_roi)
                            aria-current=nav_current(is_roi) aria-keyshortcuts="Alt+5"
                            on:click=move |_| ctx.go(Screen::Roi)>{ctx.tr(Key::NavRoi)}</button>
                    </nav>
                </Show>
                <Show when=move || ctx.unlocked()>
                    <span class="spacer"></span>
                    {move || user_label().map(|label| view! {
                        <span id="user-menu" class="user-menu">
                            <span id="user-name-role" class="user-name">{label}</span>
                            <button id="sign-out" type="button" class="lock-button"
                                on:click=move |_| ctx.sign_out()>{ctx.tr(Key::SignOut)}</button>
                        </span>
                    })}
                    <button id="lock" type="button" class="lock-button" aria-keyshortcuts="Control+L"
                        on:click=move |_| ctx.lock()>{ctx.tr(Key::Lock)}</button>
                </Show>
            </header>
            <div id="error-banner" class="error-banner" role="alert" hidden=move || ctx.error.with(Option::is_none)>
                <span class="error-text">{move || ctx.error.get().unwrap_or_default()}</span>
                <button type="button" class="link-button" on:click=move |_| ctx.error.set(None)>{ctx.tr(Key::Dismiss)}</button>
            </div>
            <main id="main" class="content" tabindex="-1">{screen_view}</main>
            <footer class="statusbar">
                <span id="status-line" role="status" aria-live="polite">{status_line}</span>
                <span class="shortcuts">{ctx.tr(Key::ShortcutsHint)}</span>
            </footer>
        </div>
    }
}
