//! The client list: search (name, client id, ID-number suffix; the shell matches Chinese
//! substrings), risk-level and expired filters, sort, and pages of [`PAGE_SIZE`] rows, so that
//! 10,000 clients cost one page of DOM. Filtering and sorting run in the shell.

use crate::app::{use_ctx, Screen};
use crate::format::{group_thousands, page_count};
use crate::i18n::{fill, Key};
use crate::ipc;
use copilot_protocol::ipc::{ClientPage, ClientSort, ListClientsArgs};
use copilot_protocol::{ClientSummary, RiskLevel};
use leptos::prelude::*;
use leptos::task::spawn_local;

/// Rows per page: a screenful on a laptop, and a few milliseconds to render.
pub const PAGE_SIZE: usize = 50;

fn sort_value(s: ClientSort) -> &'static str {
    match s {
        ClientSort::ClientId => "client_id",
        ClientSort::Name => "name",
        ClientSort::RiskLevel => "risk_level",
        ClientSort::AssessmentDate => "assessment_date",
    }
}

fn sort_from_value(v: &str) -> ClientSort {
    match v {
        "name" => ClientSort::Name,
        "risk_level" => ClientSort::RiskLevel,
        "assessment_date" => ClientSort::AssessmentDate,
        _ => ClientSort::ClientId,
    }
}

#[component]
pub fn Clients() -> impl IntoView {
    let ctx = use_ctx();
    let f = ctx.filters;
    let page_data = RwSignal::new(None::<ClientPage>);
    let seq = StoredValue::new(0u64);

    // Every change of a filter asks the shell for the page; a reply that arrives after a newer
    // request was sent is dropped.
    Effect::new(move |_| {
        let query = f.query.get();
        let args = ListClientsArgs {
            query: if query.trim().is_empty() {
                None
            } else {
                Some(query.trim().to_string())
            },
            risk_level: f.risk.get(),
            expired: if f.expired.get() { Some(true) } else { None },
            sort: f.sort.get(),
            offset: f.page.get() * PAGE_SIZE,
            limit: PAGE_SIZE,
        };
        let n = seq.get_value() + 1;
        seq.set_value(n);
        spawn_local(async move {
            let reply = ipc::list_clients(&args).await;
            if seq.try_get_value() != Some(n) {
                return;
            }
            match reply {
                Ok(p) => {
                    page_data.try_set(Some(p));
                }
                Err(e) => ctx.fail(e),
            }
        });
    });

    let total = move || page_data.with(|p| p.as_ref().map_or(0, |p| p.total));
    let pages = move || page_count(total(), PAGE_SIZE);
    let on_last_page = move || f.page.get() + 1 >= pages();
    let count_text = move || {
        page_data.with(|p| match p {
            Some(p) => fill(
                ctx.t(Key::ClientCount),
                &[
                    &group_thousands(&p.total.to_string()),
                    &format!("{:.1}", p.elapsed_ms),
                ],
            ),
            None => ctx.t(Key::Loading).to_string(),
        })
    };
    let rows =
        move || page_data.with(|p| p.as_ref().map(|p| p.clients.clone()).unwrap_or_default());

    let risk_option = move |level: Option<RiskLevel>| {
        let value = level.map(|l| l.to_string()).unwrap_or_default();
        let label = value.clone();
        view! {
            <option value=value selected=move || f.risk.get() == level>
                {move || if level.is_none() { ctx.t(Key::FilterRiskAll).to_string() } else { label.clone() }}
            </option>
        }
    };
    let sort_option = move |s: ClientSort, label: Key| {
        view! { <option value=sort_value(s) selected=move || f.sort.get() == s>{ctx.tr(label)}</option> }
    };

    view! {
        <section class="panel" aria-labelledby="clients-title">
            <div class="panel-head">
                <h1 id="clients-title">{ctx.tr(Key::ClientsTitle)}</h1>
                <span id="client-count" class="muted" role="status" aria-live="polite">{count_text}</span>
            </div>
            <div class="toolbar" role="search">
                <div class="field grow">
                    <label for="client-search" class="sr-only">{ctx.tr(Key::SearchClients)}</label>
                    <input id="client-search" type="search" autocomplete="off" spellcheck="false"
                        placeholder=ctx.tr(Key::SearchClients)
                        prop:value=move || f.query.get()
                        on:input=move |ev| {
                            f.query.set(event_target_value(&ev));
                            f.page.set(0);
                        }/>
                </div>
                <div class="field">
                    <label for="filter-risk">{ctx.tr(Key::FilterRisk)}</label>
                    <select id="filter-risk" on:change=move |ev| {
                        f.risk.set(event_target_value(&ev).parse().ok());
                        f.page.set(0);
                    }>
                        {risk_option(None)}
                        {RiskLevel::ALL.iter().map(|l| risk_option(Some(*l))).collect_view()}
                    </select>
                </div>
                <label class="check">
                    <input id="filter-expired" type="checkbox" prop:checked=move || f.expired.get()
                        on:change=move |ev| {
                            f.expired.set(event_target_checked(&ev));
                            f.page.set(0);
                        }/>
                    <span>{ctx.tr(Key::FilterExpired)}</span>
                </label>
                <div class="field">
                    <label for="client-sort">{ctx.tr(Key::SortBy)}</label>
                    <select id="client-sort" on:change=move |ev| {
                        f.sort.set(sort_from_value(&event_target_value(&ev)));
                        f.page.set(0);
                    }>
                        {sort_option(ClientSort::ClientId, Key::SortClientId)}
                        {sort_option(ClientSort::Name, Key::SortName)}
                        {sort_option(ClientSort::RiskLevel, Key::SortRisk)}
                        {sort_option(ClientSort::AssessmentDate, Key::SortAssessment)}
                    </select>
                </div>
            </div>
            <div class="table-scroll">
                <table class="data clients" aria-labelledby="clients-title">
                    <thead><tr>
                        <th scope="col">{ctx.tr(Key::ColClientId)}</th>
                        <th scope="col">{ctx.tr(Key::ColName)}</th>
                        <th scope="col">{ctx.tr(Key::ColRisk)}</th>
                        <th scope="col">{ctx.tr(Key::ColAssessment)}</th>
                        <th scope="col" class="num">{ctx.tr(Key::ColAge)}</th>
                    </tr></thead>
                    <tbody>
                        <For each=rows key=|c: &ClientSummary| c.client_id.clone() let:c>
                            <ClientRow client=c/>
                        </For>
                    </tbody>
                </table>
                <Show when=move || page_data.with(|p| p.as_ref().is_some_and(|p| p.total == 0))>
                    <p class="empty">{ctx.tr(Key::NoClients)}</p>
                </Show>
            </div>
            <nav class="pager" aria-label=ctx.tr(Key::ClientsTitle)>
                <button id="page-prev" type="button" disabled=move || f.page.get() == 0
                    on:click=move |_| f.page.update(|p| *p = p.saturating_sub(1))>{ctx.tr(Key::PrevPage)}</button>
                <span class="muted">{move || fill(ctx.t(Key::PageOf), &[&(f.page.get() + 1).to_string(), &pages().to_string()])}</span>
                <button id="page-next" type="button" disabled=on_last_page
                    on:click=move |_| f.page.update(|p| *p += 1)>{ctx.tr(Key::NextPage)}</button>
            </nav>
        </section>
    }
}

/// The expiry badge of an assessment: missing, expired or valid.
#[component]
pub fn AssessmentBadge(date: Option<String>, expired: bool) -> impl IntoView {
    let ctx = use_ctx();
    let (class, key) = match (&date, expired) {
        (None, _) => ("badge warn", Key::NoAssessment),
        (Some(_), true) => ("badge warn", Key::Expired),
        (Some(_), false) => ("badge ok", Key::Valid),
    };
    view! {
        <span class="assessment">
            {date.map(|d| view! { <span class="mono">{d}</span> })}
            " "
            <span class=class>{ctx.tr(key)}</span>
        </span>
    }
}

#[component]
fn ClientRow(client: ClientSummary) -> impl IntoView {
    let ctx = use_ctx();
    let id = client.client_id.clone();
    let open = {
        let id = id.clone();
        move || ctx.go(Screen::Client(id.clone()))
    };
    let open_key = open.clone();
    let data_id = id.clone();
    view! {
        <tr class="client-row" data-client-id=data_id tabindex="0"
            on:click=move |_| open()
            on:keydown=move |ev| {
                if ev.key() == "Enter" || ev.key() == " " {
                    ev.prevent_default();
                    open_key();
                }
            }>
            <td class="mono">{id}</td>
            <td class="name">{client.name}</td>
            <td>{client.risk_level.map(|l| view! { <span class=format!("risk risk-{}", l.as_number())>{l.to_string()}</span> })}
                {client.lowest_category.then(|| view! { " " <span class="badge">{ctx.tr(Key::LowestCategory)}</span> })}</td>
            <td><AssessmentBadge date=client.assessment_date expired=client.assessment_expired/></td>
            <td class="num">{client.age.map(|a| a.to_string())}</td>
        </tr>
    }
}
