//! The ROI ledger, local and PII-free: totals, per-advisor and per-week bar charts (inline SVG)
//! with the figures behind them, rule catches by rule id, and the CSV export for the branch.

use crate::app::use_ctx;
use crate::i18n::{fill, Key};
use crate::ipc;
use copilot_protocol::review::{RoiGroup, RoiReport};
use leptos::prelude::*;
use leptos::task::spawn_local;

fn duration(ctx: crate::app::Ctx, secs: Option<i64>) -> String {
    match secs {
        None => "—".into(),
        Some(s) if s < 120 => fill(ctx.t(Key::DurationSeconds), &[&s.to_string()]),
        Some(s) => fill(
            ctx.t(Key::DurationMinutes),
            &[&format!("{:.1}", s as f64 / 60.0)],
        ),
    }
}

fn rate(r: Option<f64>) -> String {
    r.map(|r| format!("{:.0}%", r * 100.0))
        .unwrap_or_else(|| "—".into())
}

const BAR_H: f64 = 22.0;
const LABEL_W: f64 = 110.0;
const CHART_W: f64 = 560.0;

/// Horizontal bars per group: drafts (light), submitted, approved (dark), with the counts.
#[component]
fn GroupChart(id: &'static str, groups: Vec<RoiGroup>) -> impl IntoView {
    let max = groups.iter().map(|g| g.drafts).max().unwrap_or(0).max(1) as f64;
    let height = (groups.len() as f64 * (BAR_H + 8.0) + 8.0).max(30.0);
    let scale = (CHART_W - LABEL_W - 60.0) / max;
    let bars = groups
        .iter()
        .enumerate()
        .map(|(i, g)| {
            let y = 4.0 + i as f64 * (BAR_H + 8.0);
            let w = |n: u32| (n as f64 * scale).max(if n > 0 { 2.0 } else { 0.0 });
            view! {
                <g class="roi-bar" data-key=g.key.clone() data-drafts=g.drafts.to_string()>
                    <text x="0" y=y + BAR_H * 0.7 class="roi-label">{g.key.clone()}</text>
                    <rect x=LABEL_W y=y width=w(g.drafts) height=BAR_H class="bar-drafts"></rect>
                    <rect x=LABEL_W y=y + 4.0 width=w(g.submitted) height=BAR_H - 8.0 class="bar-submitted"></rect>
                    <rect x=LABEL_W y=y + 7.0 width=w(g.approved) height=BAR_H - 14.0 class="bar-approved"></rect>
                    <text x=LABEL_W + w(g.drafts) + 6.0 y=y + BAR_H * 0.7 class="roi-value">
                        {format!("{} / {} / {}", g.drafts, g.submitted, g.approved)}
                    </text>
                </g>
            }
        })
        .collect_view();
    view! {
        <svg id=id class="roi-chart" role="img" width=CHART_W height=height viewBox=format!("0 0 {CHART_W} {height}")>
            {bars}
        </svg>
    }
}

#[component]
fn GroupTable(groups: Vec<RoiGroup>) -> impl IntoView {
    let ctx = use_ctx();
    view! {
        <div class="table-scroll">
            <table class="data">
                <thead><tr>
                    <th scope="col">{ctx.tr(Key::RoiGroup)}</th>
                    <th scope="col" class="num">{ctx.tr(Key::RoiDrafts)}</th>
                    <th scope="col" class="num">{ctx.tr(Key::RoiSubmitted)}</th>
                    <th scope="col" class="num">{ctx.tr(Key::RoiApproved)}</th>
                    <th scope="col" class="num">{ctx.tr(Key::RoiFirstPass)}</th>
                    <th scope="col" class="num">{ctx.tr(Key::RoiMedianSubmit)}</th>
                    <th scope="col" class="num">{ctx.tr(Key::RoiMeanEdit)}</th>
                    <th scope="col" class="num">{ctx.tr(Key::RoiTurnaround)}</th>
                    <th scope="col" class="num">{ctx.tr(Key::RoiLint)}</th>
                    <th scope="col">{ctx.tr(Key::RoiRuleCatches)}</th>
                    <th scope="col" class="num">{ctx.tr(Key::RoiOverrides)}</th>
                </tr></thead>
                <tbody>
                    {groups.into_iter().map(|g| {
                        let catches = g.rule_catches.iter().map(|(k, v)| format!("{k}×{v}")).collect::<Vec<_>>().join(" ");
                        let submit = g.median_generate_to_submit_secs;
                        let turnaround = g.median_turnaround_secs;
                        view! {
                            <tr class="roi-row" data-key=g.key.clone()>
                                <td class="mono">{g.key.clone()}</td>
                                <td class="num">{g.drafts}</td>
                                <td class="num">{g.submitted}</td>
                                <td class="num">{g.approved}</td>
                                <td class="num">{rate(g.first_pass_rate)}</td>
                                <td class="num">{move || duration(ctx, submit)}</td>
                                <td class="num">{g.mean_edit_distance.map(|d| format!("{d:.0}")).unwrap_or_else(|| "—".into())}</td>
                                <td class="num">{move || duration(ctx, turnaround)}</td>
                                <td class="num">{g.lint_catches}</td>
                                <td class="mono small-text">{catches}</td>
                                <td class="num">{g.overrides}</td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}

/// Rule catches of all drafts as bars, one per rule id.
#[component]
fn CatchesChart(total: RoiGroup) -> impl IntoView {
    let max = total
        .rule_catches
        .values()
        .copied()
        .max()
        .unwrap_or(0)
        .max(1) as f64;
    let n = total.rule_catches.len();
    let height = (n as f64 * (BAR_H + 6.0) + 6.0).max(30.0);
    let scale = (CHART_W - 80.0 - 50.0) / max;
    let bars = total
        .rule_catches
        .iter()
        .enumerate()
        .map(|(i, (rule, count))| {
            let y = 4.0 + i as f64 * (BAR_H + 6.0);
            let w = *count as f64 * scale;
            view! {
                <g class="roi-bar" data-rule-id=rule.clone() data-count=count.to_string()>
                    <text x="0" y=y + BAR_H * 0.7 class="roi-label">{rule.clone()}</text>
                    <rect x="80" y=y width=w height=BAR_H class="bar-catches"></rect>
                    <text x=86.0 + w y=y + BAR_H * 0.7 class="roi-value">{count.to_string()}</text>
                </g>
            }
        })
        .collect_view();
    view! {
        <svg id="roi-rule-catches" class="roi-chart" role="img" width=CHART_W height=height viewBox=format!("0 0 {CHART_W} {height}")>
            {bars}
        </svg>
    }
}

#[component]
pub fn RoiDashboard() -> impl IntoView {
    let ctx = use_ctx();
    let report = RwSignal::new(None::<RoiReport>);
    let csv_path = RwSignal::new(String::new());
    let csv_result = RwSignal::new(None::<String>);
    let load = move || {
        spawn_local(async move {
            match ipc::roi_report().await {
                Ok(r) => {
                    report.try_set(Some(r));
                }
                Err(e) => ctx.fail(e),
            }
        });
    };
    load();
    let export_csv = move |_| {
        let path = csv_path.get_untracked().trim().to_string();
        csv_result.set(None);
        spawn_local(async move {
            match ipc::export_roi_csv(&path).await {
                Ok(done) => {
                    csv_result.try_set(Some(fill(
                        ctx.t(Key::ExportDoneMsg),
                        &[&done.path, &done.bytes.to_string()],
                    )));
                }
                Err(e) => ctx.fail(e),
            }
        });
    };
    let body = move || {
        report.get().map(|r| {
            if r.rows.is_empty() {
                return view! { <p class="empty">{ctx.tr(Key::RoiEmpty)}</p> }.into_any();
            }
            let t = r.total.clone();
            let submit = t.median_generate_to_submit_secs;
            let turnaround = t.median_turnaround_secs;
            view! {
                <dl id="roi-totals" class="kpis">
                    <div><dt>{ctx.tr(Key::RoiDrafts)}</dt><dd data-kpi="drafts">{t.drafts}</dd></div>
                    <div><dt>{ctx.tr(Key::RoiApproved)}</dt><dd data-kpi="approved">{t.approved}</dd></div>
                    <div><dt>{ctx.tr(Key::RoiFirstPass)}</dt><dd data-kpi="first_pass_rate">{rate(t.first_pass_rate)}</dd></div>
                    <div><dt>{ctx.tr(Key::RoiMedianSubmit)}</dt><dd data-kpi="median_generate_to_submit">{move || duration(ctx, submit)}</dd></div>
                    <div><dt>{ctx.tr(Key::RoiMeanEdit)}</dt><dd data-kpi="mean_edit_distance">{t.mean_edit_distance.map(|d| format!("{d:.0}")).unwrap_or_else(|| "—".into())}</dd></div>
                    <div><dt>{ctx.tr(Key::RoiTurnaround)}</dt><dd data-kpi="median_turnaround">{move || duration(ctx, turnaround)}</dd></div>
                    <div><dt>{ctx.tr(Key::RoiLint)}</dt><dd data-kpi="lint_catches">{t.lint_catches}</dd></div>
                    <div><dt>{ctx.tr(Key::RoiOverrides)}</dt><dd data-kpi="overrides">{t.overrides}</dd></div>
                </dl>
                <p class="muted small-text">{ctx.tr(Key::RoiDrafts)} " / " {ctx.tr(Key::RoiSubmitted)} " / " {ctx.tr(Key::RoiApproved)}</p>
                <section class="card" aria-labelledby="roi-advisor-title">
                    <h2 id="roi-advisor-title">{ctx.tr(Key::RoiByAdvisor)}</h2>
                    <GroupChart id="roi-by-advisor" groups=r.per_advisor.clone()/>
                    <GroupTable groups=r.per_advisor.clone()/>
                </section>
                <section class="card" aria-labelledby="roi-week-title">
                    <h2 id="roi-week-title">{ctx.tr(Key::RoiByWeek)}</h2>
                    <GroupChart id="roi-by-week" groups=r.per_week.clone()/>
                    <GroupTable groups=r.per_week.clone()/>
                </section>
                <section class="card" aria-labelledby="roi-catches-title">
                    <h2 id="roi-catches-title">{ctx.tr(Key::RoiRuleCatches)}</h2>
                    <CatchesChart total=t.clone()/>
                </section>
            }
            .into_any()
        })
    };
    view! {
        <section class="panel" aria-labelledby="roi-title">
            <div class="panel-head">
                <h1 id="roi-title">{ctx.tr(Key::RoiTitle)}</h1>
                <span class="spacer"></span>
                <button id="roi-refresh" type="button" on:click=move |_| load()>{ctx.tr(Key::Refresh)}</button>
            </div>
            <p class="muted">{ctx.tr(Key::RoiIntro)}</p>
            {body}
            <section class="card" aria-labelledby="roi-csv-title">
                <h2 id="roi-csv-title">{ctx.tr(Key::ExportRoiCsv)}</h2>
                <div class="toolbar">
                    <div class="field grow">
                        <label for="roi-csv-path">{ctx.tr(Key::RoiCsvPath)}</label>
                        <input id="roi-csv-path" type="text" class="mono" spellcheck="false" autocomplete="off"
                            prop:value=move || csv_path.get() on:input=move |ev| csv_path.set(event_target_value(&ev))/>
                    </div>
                    <button id="export-roi-csv" type="button" disabled=move || csv_path.with(|p| p.trim().is_empty())
                        on:click=export_csv>{ctx.tr(Key::ExportRoiCsv)}</button>
                </div>
                <p id="roi-csv-result" class="result ok wrap" role="status" aria-live="polite">{move || csv_result.get().unwrap_or_default()}</p>
            </section>
        </section>
    }
}
