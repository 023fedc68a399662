//! Client detail: profile (ID number and phone masked until revealed), assessment date with its
//! expiry badge, holdings with the allocation chart (inline SVG), notes as plain text, drafts.

use crate::app::{use_ctx, Screen};
use crate::format::{
    allocation, date_part, group_thousands, mask_id_number, mask_phone, percent, pie_slice_path,
};
use crate::i18n::{fill, Key};
use crate::ipc;
use crate::screens::clients::AssessmentBadge;
use copilot_protocol::ipc::{ClientDetail, HoldingView, RevealArgs};
use leptos::prelude::*;
use leptos::task::spawn_local;

/// The translation key of an asset class, if it is one of the known four.
pub fn asset_class_key(class: &str) -> Option<Key> {
    match class {
        "cash" => Some(Key::ClassCash),
        "fixed_income" => Some(Key::ClassFixedIncome),
        "equity" => Some(Key::ClassEquity),
        "alternative" => Some(Key::ClassAlternative),
        _ => None,
    }
}

#[component]
pub fn ClientDetailView(client_id: String) -> impl IntoView {
    let ctx = use_ctx();
    let detail = RwSignal::new(None::<ClientDetail>);
    {
        let id = client_id.clone();
        spawn_local(async move {
            match ipc::get_client(&id).await {
                Ok(d) => {
                    detail.try_set(Some(d));
                }
                Err(e) => ctx.fail(e),
            }
        });
    }

    move || {
        detail.get().map(|d| {
            let s = d.summary.clone();
            let id_for_draft = s.client_id.clone();
            let horizon = d.horizon_months;
            let years = d.experience_years;
            let assets = format!("{} {}", group_thousands(&d.investable_assets), d.currency);
            let notes = d.notes.clone().filter(|n| !n.trim().is_empty());
            let drafts = d.drafts.clone();
            let holdings = d.holdings.clone();
            let no_holdings = holdings.is_empty();
            view! {
                <section id="client-detail" class="panel" aria-labelledby="client-title">
                    <div class="panel-head">
                        <button type="button" class="link-button" on:click=move |_| ctx.go(Screen::Clients)>
                            "← " {ctx.tr(Key::BackToClients)}
                        </button>
                    </div>
                    <div class="panel-head">
                        <h1 id="client-title">{s.name.clone()} " " <span class="mono muted">{s.client_id.clone()}</span></h1>
                        {s.risk_level.map(|l| view! { <span class=format!("risk risk-{}", l.as_number())>{l.to_string()}</span> })}
                        <span class="spacer"></span>
                        <button id="new-draft" type="button" class="primary"
                            on:click=move |_| ctx.go(Screen::Draft { client_id: id_for_draft.clone(), draft_id: None })>
                            {ctx.tr(Key::NewDraft)}
                        </button>
                    </div>
                    <div class="columns">
                        <section class="card" aria-labelledby="profile-title">
                            <h2 id="profile-title">{ctx.tr(Key::Profile)}</h2>
                            <dl class="facts">
                                <dt>{ctx.tr(Key::AssessmentDate)}</dt>
                                <dd><AssessmentBadge date=s.assessment_date.clone() expired=s.assessment_expired/></dd>
                                <dt>{ctx.tr(Key::IdNumber)}</dt>
                                <dd><Revealable client_id=s.client_id.clone() field="id_number" masked=d.id_number_masked.clone().map(|v| mask_id_number(&v)) value_id="id-number" button_id="reveal-id-number"/></dd>
                                <dt>{ctx.tr(Key::Phone)}</dt>
                                <dd><Revealable client_id=s.client_id.clone() field="phone" masked=d.phone_masked.clone().map(|v| mask_phone(&v)) value_id="phone" button_id="reveal-phone"/></dd>
                                <dt>{ctx.tr(Key::ColAge)}</dt>
                                <dd>{s.age.map(|a| a.to_string()).unwrap_or_else(|| "—".into())}</dd>
                                <dt>{ctx.tr(Key::InvestorClass)}</dt>
                                <dd>{d.investor_class.clone()}</dd>
                                <dt>{ctx.tr(Key::Horizon)}</dt>
                                <dd>{move || horizon.map(|m| fill(ctx.t(Key::Months), &[&m.to_string()])).unwrap_or_else(|| "—".into())}</dd>
                                <dt>{ctx.tr(Key::Liquidity)}</dt>
                                <dd>{d.liquidity_need.clone()}</dd>
                                <dt>{ctx.tr(Key::Objective)}</dt>
                                <dd>{d.objective.clone()}</dd>
                                <dt>{ctx.tr(Key::InvestableAssets)}</dt>
                                <dd class="num-text">{assets}</dd>
                                <dt>{ctx.tr(Key::Experience)}</dt>
                                <dd>{move || fill(ctx.t(Key::Years), &[&years.to_string()])}</dd>
                            </dl>
                        </section>
                        <section class="card" aria-labelledby="allocation-title">
                            <h2 id="allocation-title">{ctx.tr(Key::Allocation)}</h2>
                            <AllocationChart holdings=holdings.clone()/>
                        </section>
                    </div>
                    <section class="card" aria-labelledby="holdings-title">
                        <h2 id="holdings-title">{ctx.tr(Key::Holdings)}</h2>
                        {if no_holdings {
                            view! { <p class="empty">{ctx.tr(Key::NoHoldings)}</p> }.into_any()
                        } else {
                            view! { <HoldingsTable holdings=holdings/> }.into_any()
                        }}
                    </section>
                    <section class="card" aria-labelledby="notes-title">
                        <h2 id="notes-title">{ctx.tr(Key::Notes)}</h2>
                        {match notes {
                            // Text nodes, never HTML: notes may hold anything an advisor pasted.
                            Some(n) => view! { <p class="notes">{n}</p> }.into_any(),
                            None => view! { <p class="empty">{ctx.tr(Key::NoNotes)}</p> }.into_any(),
                        }}
                    </section>
                    <section class="card" aria-labelledby="drafts-title">
                        <h2 id="drafts-title">{ctx.tr(Key::Drafts)}</h2>
                        {if drafts.is_empty() {
                            view! { <p class="empty">{ctx.tr(Key::NoDrafts)}</p> }.into_any()
                        } else {
                            view! {
                                <ul class="draft-list">
                                    {drafts.into_iter().map(|dr| {
                                        let client_id = dr.client_id.clone();
                                        let draft_id = dr.draft_id.clone();
                                        let flagged = dr.flagged;
                                        view! {
                                            <li>
                                                <button type="button" class="link-button"
                                                    on:click=move |_| ctx.go(Screen::Draft { client_id: client_id.clone(), draft_id: Some(draft_id.clone()) })>
                                                    {date_part(&dr.created_at).to_string()} " · " {dr.lang.to_string()} " · " {dr.proposed.join(", ")}
                                                </button>
                                                {(flagged > 0).then(|| view! { " " <span class="badge warn">{move || fill(ctx.t(Key::FlaggedCount), &[&flagged.to_string()])}</span> })}
                                                {dr.invalidated.then(|| view! { " " <span class="badge warn">{ctx.tr(Key::InvalidatedBadge)}</span> })}
                                                <span class="muted">" " {dr.operator.clone()}</span>
                                            </li>
                                        }
                                    }).collect_view()}
                                </ul>
                            }.into_any()
                        }}
                    </section>
                </section>
            }
        })
    }
}

/// A masked value with a Reveal/Hide button; revealing asks the shell (which audits it).
#[component]
fn Revealable(
    client_id: String,
    field: &'static str,
    masked: Option<String>,
    value_id: &'static str,
    button_id: &'static str,
) -> impl IntoView {
    let ctx = use_ctx();
    let revealed = RwSignal::new(None::<String>);
    let has_value = masked.is_some();
    let masked = masked.unwrap_or_else(|| "—".into());
    let toggle = move |_| {
        if revealed.get_untracked().is_some() {
            revealed.set(None);
            return;
        }
        let args = RevealArgs {
            client_id: client_id.clone(),
            field: field.to_string(),
        };
        spawn_local(async move {
            match ipc::reveal_client_field(&args).await {
                Ok(v) => {
                    revealed.try_set(Some(v));
                }
                Err(e) => ctx.fail(e),
            }
        });
    };
    view! {
        <span id=value_id class="mono">{move || revealed.get().unwrap_or_else(|| masked.clone())}</span>
        {has_value.then(|| view! {
            " "
            <button id=button_id type="button" class="small" aria-controls=value_id
                aria-pressed=move || if revealed.with(Option::is_some) { "true" } else { "false" }
                on:click=toggle.clone()>
                {move || if revealed.with(Option::is_some) { ctx.t(Key::Hide) } else { ctx.t(Key::Reveal) }}
            </button>
        })}
    }
}

#[component]
fn HoldingsTable(holdings: Vec<HoldingView>) -> impl IntoView {
    let ctx = use_ctx();
    view! {
        <div class="table-scroll">
            <table class="data">
                <thead><tr>
                    <th scope="col">{ctx.tr(Key::ColProduct)}</th>
                    <th scope="col">{ctx.tr(Key::ColAssetClass)}</th>
                    <th scope="col" class="num">{ctx.tr(Key::ColMarketValue)}</th>
                </tr></thead>
                <tbody>
                    {holdings.into_iter().map(|h| {
                        let class = h.asset_class.clone();
                        view! {
                            <tr>
                                <td><span class="mono">{h.product_code}</span> " " {h.product_name}</td>
                                <td>{move || asset_class_key(&class).map(|k| ctx.t(k).to_string()).unwrap_or_else(|| class.clone())}</td>
                                <td class="num">{group_thousands(&h.market_value)} " " {h.currency}</td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}

/// A pie of the holdings by asset class, with a legend that carries the same figures as text.
#[component]
fn AllocationChart(holdings: Vec<HoldingView>) -> impl IntoView {
    let ctx = use_ctx();
    let shares = allocation(&holdings);
    let mut from = 0.0;
    let slices: Vec<(String, String, f64)> = shares
        .iter()
        .map(|(class, share)| {
            let path = pie_slice_path(60.0, 60.0, 56.0, from, from + share);
            from += share;
            (class.clone(), path, *share)
        })
        .collect();
    let label = {
        let shares = shares.clone();
        move || {
            shares
                .iter()
                .map(|(c, s)| {
                    format!(
                        "{} {}",
                        asset_class_key(c)
                            .map(|k| ctx.t(k).to_string())
                            .unwrap_or_else(|| c.clone()),
                        percent(*s)
                    )
                })
                .collect::<Vec<_>>()
                .join(", ")
        }
    };
    let class_name = |c: &str| {
        format!(
            "slice slice-{}",
            if asset_class_key(c).is_some() {
                c
            } else {
                "other"
            }
        )
    };
    view! {
        <div class="chart">
            <svg id="allocation-chart" viewBox="0 0 120 120" width="160" height="160" role="img" aria-label=label>
                {if slices.is_empty() {
                    view! { <circle cx="60" cy="60" r="56" class="slice slice-empty"/> }.into_any()
                } else {
                    slices.iter().map(|(c, p, _)| view! { <path d=p.clone() class=class_name(c)/> }).collect_view().into_any()
                }}
            </svg>
            <ul class="legend">
                {slices.into_iter().map(|(c, _, share)| {
                    let name = c.clone();
                    view! {
                        <li>
                            <span class=format!("swatch {}", class_name(&c))></span>
                            {move || asset_class_key(&name).map(|k| ctx.t(k).to_string()).unwrap_or_else(|| name.clone())}
                            " " <span class="num-text">{percent(share)}</span>
                        </li>
                    }
                }).collect_view()}
            </ul>
        </div>
    }
}
