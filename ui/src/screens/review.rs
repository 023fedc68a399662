//! The maker–checker review: the state badge and history (shared with the draft workspace),
//! exports of an approved recommendation and review bundles, the review queue and the
//! supervisor's review screen (AI text vs final text as a diff, the rule trace, citations,
//! flagged claims, requirements, overrides, injection notices; approve / request changes /
//! reject with a comment).

use crate::app::{use_ctx, Screen};
use crate::format::{date_part, split_byte_span};
use crate::i18n::{fill, Key};
use crate::ipc;
use crate::screens::draft::ReportView;
use copilot_protocol::ipc::{BundleExportArgs, DecideArgs, DocumentView, ExportArgs};
use copilot_protocol::review::{
    Decision, DiffKind, ExportFormat, ReviewAction, ReviewItem, ReviewRecord, ReviewState,
    ReviewView, Role,
};
use copilot_protocol::Citation;
use leptos::prelude::*;
use leptos::task::spawn_local;

/// The translation of a review state.
pub fn state_key(s: ReviewState) -> Key {
    match s {
        ReviewState::Draft => Key::StateDraft,
        ReviewState::Submitted => Key::StateSubmitted,
        ReviewState::ChangesRequested => Key::StateChangesRequested,
        ReviewState::Approved => Key::StateApproved,
        ReviewState::Rejected => Key::StateRejected,
    }
}

fn action_key(a: ReviewAction) -> Key {
    match a {
        ReviewAction::Submit => Key::ActSubmit,
        ReviewAction::RequestChanges => Key::ActRequestChanges,
        ReviewAction::Approve => Key::ActApprove,
        ReviewAction::Reject => Key::ActReject,
        ReviewAction::Edit => Key::ActEdit,
    }
}

fn state_class(s: ReviewState) -> &'static str {
    match s {
        ReviewState::Approved => "badge ok state",
        ReviewState::Rejected | ReviewState::ChangesRequested => "badge warn state",
        ReviewState::Submitted => "badge accent state",
        ReviewState::Draft => "badge state",
    }
}

/// `#review-state`: the state as a badge; `data-state` is the stable name.
#[component]
pub fn StateBadge(state: ReviewState, #[prop(optional)] id: Option<&'static str>) -> impl IntoView {
    let ctx = use_ctx();
    view! {
        <span id=id class=state_class(state) data-state=state.as_str()>{ctx.tr(state_key(state))}</span>
    }
}

/// `#review-history`: every step with who, when and the comment.
#[component]
pub fn History(record: ReviewRecord) -> impl IntoView {
    let ctx = use_ctx();
    view! {
        <section class="card" aria-labelledby="history-title">
            <h2 id="history-title">{ctx.tr(Key::ReviewHistory)} " "
                <span class="muted small-text">{move || fill(ctx.t(Key::VersionN), &[&record.version.to_string()])}</span></h2>
            {if record.events.is_empty() {
                view! { <p id="review-history" class="empty">{ctx.tr(Key::NoHistory)}</p> }.into_any()
            } else {
                view! {
                    <ol id="review-history" class="history">
                        {record.events.iter().map(|e| {
                            let comment = e.comment.clone().filter(|c| !c.trim().is_empty());
                            view! {
                                <li data-action=e.action.as_str()>
                                    <span class="mono muted">{e.at.replace('T', " ").chars().take(19).collect::<String>()}</span> " "
                                    <strong>{e.actor.clone()}</strong> " " {ctx.tr(action_key(e.action))}
                                    {comment.map(|c| view! { <blockquote class="comment">{c}</blockquote> })}
                                </li>
                            }
                        }).collect_view()}
                    </ol>
                }.into_any()
            }}
        </section>
    }
}

/// Export of an approved recommendation: `#export-path`, `#export-format`, `#export-run`,
/// `#export-result`.
#[component]
pub fn ExportPanel(draft_id: String) -> impl IntoView {
    let ctx = use_ctx();
    let path = RwSignal::new(String::new());
    let format = RwSignal::new(ExportFormat::Pdf);
    let result = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let run = move |_| {
        let args = ExportArgs {
            draft_id: draft_id.clone(),
            format: format.get_untracked(),
            path: path.get_untracked().trim().to_string(),
        };
        busy.set(true);
        result.set(None);
        spawn_local(async move {
            match ipc::export_draft(&args).await {
                Ok(done) => {
                    result.try_set(Some(fill(
                        ctx.t(Key::ExportDoneMsg),
                        &[&done.path, &done.bytes.to_string()],
                    )));
                }
                Err(e) => ctx.fail(e),
            }
            busy.try_set(false);
        });
    };
    let option = move |f: ExportFormat, key: Key| {
        view! { <option value=f.extension() selected=move || format.get() == f>{ctx.tr(key)}</option> }
    };
    view! {
        <section class="card" aria-labelledby="export-title">
            <h2 id="export-title">{ctx.tr(Key::ExportTitle)}</h2>
            <div class="toolbar">
                <div class="field grow">
                    <label for="export-path">{ctx.tr(Key::ExportPath)}</label>
                    <input id="export-path" type="text" class="mono" spellcheck="false" autocomplete="off"
                        prop:value=move || path.get() on:input=move |ev| path.set(event_target_value(&ev))/>
                </div>
                <div class="field">
                    <label for="export-format">{ctx.tr(Key::ExportFormatLabel)}</label>
                    <select id="export-format" on:change=move |ev| {
                        format.set(event_target_value(&ev).parse().unwrap_or(ExportFormat::Pdf));
                    }>
                        {option(ExportFormat::Pdf, Key::FormatPdf)}
                        {option(ExportFormat::Html, Key::FormatHtml)}
                        {option(ExportFormat::Markdown, Key::FormatMarkdown)}
                        {option(ExportFormat::Json, Key::FormatJson)}
                    </select>
                </div>
                <button id="export-run" type="button" class="primary"
                    disabled=move || busy.get() || path.with(|p| p.trim().is_empty())
                    on:click=run>{ctx.tr(Key::ExportRun)}</button>
            </div>
            <p id="export-result" class="result ok wrap" role="status" aria-live="polite">
                {move || if busy.get() { ctx.t(Key::Working).to_string() } else { result.get().unwrap_or_default() }}
            </p>
        </section>
    }
}

/// A review bundle for another laptop: a request (submitted local draft → a supervisor) or a
/// decision (a received draft decided here → its drafter). `#bundle-path`, `#bundle-to`,
/// `#export-bundle`, `#bundle-result`.
#[component]
pub fn BundlePanel(draft_id: String, request: bool) -> impl IntoView {
    let ctx = use_ctx();
    let path = RwSignal::new(String::new());
    let to = RwSignal::new(String::new());
    let result = RwSignal::new(None::<String>);
    let run = move |_| {
        let args = BundleExportArgs {
            draft_id: draft_id.clone(),
            to_user: Some(to.get_untracked().trim().to_string()).filter(|t| !t.is_empty()),
            path: path.get_untracked().trim().to_string(),
        };
        result.set(None);
        spawn_local(async move {
            match ipc::export_bundle(&args).await {
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
    view! {
        <section class="card" aria-labelledby="bundle-title">
            <h2 id="bundle-title">{ctx.tr(Key::BundleTitle)}</h2>
            <p class="muted">{ctx.tr(Key::BundleIntro)}</p>
            <div class="toolbar">
                <div class="field grow">
                    <label for="bundle-path">{ctx.tr(Key::BundlePath)}</label>
                    <input id="bundle-path" type="text" class="mono" spellcheck="false" autocomplete="off"
                        prop:value=move || path.get() on:input=move |ev| path.set(event_target_value(&ev))/>
                </div>
                {request.then(|| view! {
                    <div class="field">
                        <label for="bundle-to">{ctx.tr(Key::BundleTo)}</label>
                        <input id="bundle-to" type="text" class="mono" spellcheck="false" autocomplete="off"
                            prop:value=move || to.get() on:input=move |ev| to.set(event_target_value(&ev))/>
                    </div>
                })}
                <button id="export-bundle" type="button"
                    disabled=move || path.with(|p| p.trim().is_empty())
                    on:click=run>{ctx.tr(Key::ExportBundle)}</button>
            </div>
            <p id="bundle-result" class="result ok wrap" role="status" aria-live="polite">{move || result.get().unwrap_or_default()}</p>
        </section>
    }
}

/// Import of a review bundle or a decision file: `#import-bundle-path`, `#import-bundle`,
/// `#import-bundle-result`. `on_done` runs after a successful import.
#[component]
fn ImportBundlePanel(on_done: Callback<()>) -> impl IntoView {
    let ctx = use_ctx();
    let path = RwSignal::new(String::new());
    let result = RwSignal::new(None::<String>);
    let run = move |_| {
        let p = path.get_untracked().trim().to_string();
        result.set(None);
        spawn_local(async move {
            match ipc::import_bundle(&p).await {
                Ok(done) => {
                    result.try_set(Some(fill(
                        ctx.t(Key::BundleImportedMsg),
                        &[&done.kind, &done.draft_id, &done.from],
                    )));
                    on_done.run(());
                }
                Err(e) => ctx.fail(e),
            }
        });
    };
    view! {
        <div class="toolbar">
            <div class="field grow">
                <label for="import-bundle-path">{ctx.tr(Key::ImportBundlePath)}</label>
                <input id="import-bundle-path" type="text" class="mono" spellcheck="false" autocomplete="off"
                    prop:value=move || path.get() on:input=move |ev| path.set(event_target_value(&ev))/>
            </div>
            <button id="import-bundle" type="button" disabled=move || path.with(|p| p.trim().is_empty())
                on:click=run>{ctx.tr(Key::ImportBundle)}</button>
        </div>
        <p id="import-bundle-result" class="result ok wrap" role="status" aria-live="polite">{move || result.get().unwrap_or_default()}</p>
    }
}

fn state_from(value: &str) -> Option<ReviewState> {
    serde_json::from_value(serde_json::Value::String(value.to_string())).ok()
}

/// The queue: every draft's review state; a supervisor sees the submitted ones by default.
#[component]
pub fn ReviewQueue() -> impl IntoView {
    let ctx = use_ctx();
    let items = RwSignal::new(None::<Vec<ReviewItem>>);
    let supervisor = ctx.user().is_some_and(|u| u.role == Role::Supervisor);
    let filter = RwSignal::new(if supervisor {
        Some(ReviewState::Submitted)
    } else {
        None
    });
    let load = move || {
        spawn_local(async move {
            match ipc::review_queue().await {
                Ok(v) => {
                    items.try_set(Some(v));
                }
                Err(e) => ctx.fail(e),
            }
        });
    };
    load();
    let option = move |state: Option<ReviewState>, key: Key| {
        let value = state.map(|s| s.as_str()).unwrap_or("");
        view! { <option value=value selected=move || filter.get() == state>{ctx.tr(key)}</option> }
    };
    let rows = move || {
        let f = filter.get();
        let list: Vec<ReviewItem> = items
            .get()
            .unwrap_or_default()
            .into_iter()
            .filter(|i| f.is_none_or(|s| i.state == s))
            .collect();
        if list.is_empty() {
            return view! { <tr><td colspan="7" class="empty">{ctx.tr(Key::NoReviews)}</td></tr> }
                .into_any();
        }
        list.into_iter()
            .map(|i| {
                let id = i.draft_id.clone();
                let id_key = i.draft_id.clone();
                let open = move || ctx.go(Screen::Review(id.clone()));
                let open_key = move || ctx.go(Screen::Review(id_key.clone()));
                view! {
                    <tr class="review-row client-row" data-draft-id=i.draft_id.clone() data-state=i.state.as_str() tabindex="0"
                        on:click=move |_| open()
                        on:keydown=move |ev| {
                            if ev.key() == "Enter" || ev.key() == " " {
                                ev.prevent_default();
                                open_key();
                            }
                        }>
                        <td class="mono">{i.draft_id.chars().take(8).collect::<String>()}</td>
                        <td class="mono">{i.client_id.clone()}</td>
                        <td class="num">{i.version}</td>
                        <td><StateBadge state=i.state/></td>
                        <td>{i.drafter.clone()}</td>
                        <td class="mono">{i.proposed.join(", ")}</td>
                        <td class="mono">{date_part(&i.updated_at).to_string()}</td>
                    </tr>
                }
            })
            .collect_view()
            .into_any()
    };
    view! {
        <section class="panel" aria-labelledby="queue-title">
            <div class="panel-head">
                <h1 id="queue-title">{ctx.tr(Key::ReviewQueueTitle)}</h1>
                <span class="spacer"></span>
                <div class="field">
                    <label for="review-filter">{ctx.tr(Key::ReviewFilter)}</label>
                    <select id="review-filter" on:change=move |ev| filter.set(state_from(&event_target_value(&ev)))>
                        {option(None, Key::AllStates)}
                        {option(Some(ReviewState::Submitted), Key::StateSubmitted)}
                        {option(Some(ReviewState::ChangesRequested), Key::StateChangesRequested)}
                        {option(Some(ReviewState::Draft), Key::StateDraft)}
                        {option(Some(ReviewState::Approved), Key::StateApproved)}
                        {option(Some(ReviewState::Rejected), Key::StateRejected)}
                    </select>
                </div>
                <button id="review-refresh" type="button" on:click=move |_| load()>{ctx.tr(Key::Refresh)}</button>
            </div>
            <div class="table-scroll">
                <table id="review-queue" class="data">
                    <thead><tr>
                        <th scope="col">{ctx.tr(Key::ColDraft)}</th>
                        <th scope="col">{ctx.tr(Key::ColClientId)}</th>
                        <th scope="col" class="num">{ctx.tr(Key::ColVersion)}</th>
                        <th scope="col">{ctx.tr(Key::ColState)}</th>
                        <th scope="col">{ctx.tr(Key::ColDrafter)}</th>
                        <th scope="col">{ctx.tr(Key::ColProposed)}</th>
                        <th scope="col">{ctx.tr(Key::ColUpdated)}</th>
                    </tr></thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
            <section class="card" aria-labelledby="import-bundle-title">
                <h2 id="import-bundle-title">{ctx.tr(Key::BundleTitle)}</h2>
                <ImportBundlePanel on_done=Callback::new(move |_| load())/>
            </section>
        </section>
    }
}

/// The supervisor's screen for one draft.
#[component]
pub fn ReviewScreen(draft_id: String) -> impl IntoView {
    let ctx = use_ctx();
    let view_sig = RwSignal::new(None::<ReviewView>);
    let comment = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    let document = RwSignal::new(None::<(DocumentView, usize, usize)>);
    {
        let id = draft_id.clone();
        spawn_local(async move {
            match ipc::get_review(&id).await {
                Ok(v) => {
                    view_sig.try_set(Some(v));
                }
                Err(e) => ctx.fail(e),
            }
        });
    }
    let decide = move |decision: Decision| {
        let Some(id) = view_sig.with_untracked(|v| v.as_ref().map(|v| v.record.draft_id.clone()))
        else {
            return;
        };
        let args = DecideArgs {
            draft_id: id,
            decision,
            comment: Some(comment.get_untracked().trim().to_string()).filter(|c| !c.is_empty()),
        };
        busy.set(true);
        ctx.error.set(None);
        spawn_local(async move {
            match ipc::decide_review(&args).await {
                Ok(v) => {
                    view_sig.try_set(Some(v));
                    comment.try_set(String::new());
                    ctx.note(ctx.t(Key::DecisionRecorded));
                }
                Err(e) => ctx.fail(e),
            }
            busy.try_set(false);
        });
    };
    let open_citation = move |c: Citation| {
        spawn_local(async move {
            match ipc::open_citation(&c.document_id).await {
                Ok(doc) => {
                    document.try_set(Some((doc, c.start, c.end)));
                }
                Err(e) => ctx.fail(e),
            }
        });
    };

    move || {
        view_sig.get().map(|v| {
            // Untracked: a status refresh (after every command) must not rebuild the screen and
            // lose what the user typed in the comment and export fields.
            let me = ctx.user_untracked().map(|u| u.user_id).unwrap_or_default();
            let own = v.record.drafter.eq_ignore_ascii_case(&me);
            let state = v.record.state;
            let decidable = state == ReviewState::Submitted && !own;
            let local = v.origin == "local";
            let client_id = v.draft.client_id.clone();
            let draft_id = v.record.draft_id.clone();
            let open_id = draft_id.clone();
            let open_client = client_id.clone();
            let decided_received = !local
                && matches!(
                    state,
                    ReviewState::Approved | ReviewState::Rejected | ReviewState::ChangesRequested
                );
            let overrides = v.draft.overrides.clone();
            view! {
                <section id="review-screen" class="panel" aria-labelledby="review-title">
                    <div class="panel-head">
                        <button type="button" class="link-button" on:click=move |_| ctx.go(Screen::ReviewQueue)>
                            "← " {ctx.tr(Key::BackToQueue)}
                        </button>
                    </div>
                    <div class="panel-head">
                        <h1 id="review-title">{ctx.tr(Key::ReviewScreenTitle)} " "
                            <span class="mono muted">{client_id.clone()} " · " {draft_id.chars().take(8).collect::<String>()}</span></h1>
                        <StateBadge state=state id="review-state"/>
                        <span class="spacer"></span>
                        <span class="muted small-text">{ctx.tr(Key::Drafter)} ": " {v.record.drafter.clone()}
                            {v.record.reviewer.clone().map(|r| view! { " · " {ctx.tr(Key::Reviewer)} ": " {r} })}
                            " · " {ctx.tr(Key::Origin)} ": " {if local { ctx.t(Key::OriginLocal).to_string() } else { v.origin.clone() }}</span>
                        {local.then(|| view! {
                            <button id="open-draft" type="button"
                                on:click=move |_| ctx.go(Screen::Draft { client_id: open_client.clone(), draft_id: Some(open_id.clone()) })>
                                {ctx.tr(Key::OpenDraft)}</button>
                        })}
                    </div>
                    <section class="card" aria-labelledby="diff-title">
                        <div class="panel-head">
                            <h2 id="diff-title">{ctx.tr(Key::DiffTitle)}</h2>
                            <span class="spacer"></span>
                            <span id="edit-distance" class="badge" data-edit-distance=v.edit_distance.to_string()>
                                {move || fill(ctx.t(Key::EditDistance), &[&v.edit_distance.to_string()])}</span>
                        </div>
                        <p class="muted small-text">{ctx.tr(Key::DiffLegend)}</p>
                        <div id="review-diff" class="diff">
                            {v.diff.iter().map(|d| match d.kind {
                                DiffKind::Equal => view! { <span>{d.text.clone()}</span> }.into_any(),
                                DiffKind::Insert => view! { <ins>{d.text.clone()}</ins> }.into_any(),
                                DiffKind::Delete => view! { <del>{d.text.clone()}</del> }.into_any(),
                            }).collect_view()}
                        </div>
                    </section>
                    <History record=v.record.clone()/>
                    <section class="card" aria-labelledby="decide-title">
                        <div class="panel-head">
                            <h2 id="decide-title"><label for="review-comment">{ctx.tr(Key::ReviewComment)}</label></h2>
                            <span class="spacer"></span>
                            <span class="muted small-text">{ctx.tr(Key::ReviewShortcuts)}</span>
                        </div>
                        {own.then(|| view! { <p id="own-draft" class="notice warn">{ctx.tr(Key::OwnDraft)}</p> })}
                        <textarea id="review-comment" rows="3" class="memo-comment"
                            prop:value=move || comment.get() on:input=move |ev| comment.set(event_target_value(&ev))></textarea>
                        <div class="actions">
                            <button id="approve" type="button" class="primary" aria-keyshortcuts="Alt+A"
                                disabled=move || busy.get() || !decidable
                                on:click=move |_| decide(Decision::Approve)>{ctx.tr(Key::Approve)}</button>
                            <button id="request-changes" type="button" aria-keyshortcuts="Alt+C"
                                disabled=move || busy.get() || !decidable
                                on:click=move |_| decide(Decision::RequestChanges)>{ctx.tr(Key::RequestChanges)}</button>
                            <button id="reject" type="button" class="danger" aria-keyshortcuts="Alt+X"
                                disabled=move || busy.get() || !decidable
                                on:click=move |_| decide(Decision::Reject)>{ctx.tr(Key::Reject)}</button>
                        </div>
                    </section>
                    {(state == ReviewState::Approved).then(|| view! { <ExportPanel draft_id=draft_id.clone()/> })}
                    {decided_received.then(|| view! { <BundlePanel draft_id=draft_id.clone() request=false/> })}
                    {(!overrides.is_empty()).then(|| view! {
                        <section class="card" aria-labelledby="overrides-applied-title">
                            <h2 id="overrides-applied-title">{ctx.tr(Key::OverridesApplied)}</h2>
                            <ul id="review-overrides" class="findings">{overrides.iter().map(|o| view! {
                                <li data-rule-id=o.rule_id.to_string()>
                                    <span class="rule">{o.rule_id.to_string()}</span> " "
                                    {o.product_code.clone().map(|c| view! { <span class="mono">{c}</span> " " })}
                                    <span class="mono">{o.reason_code.clone()}</span>
                                </li>
                            }).collect_view()}</ul>
                        </section>
                    })}
                    <ReportView report=v.draft.clone() open_citation=Callback::new(open_citation)/>
                    {move || document.get().map(|(doc, start, end)| {
                        let (before, span, after) = split_byte_span(&doc.text, start, end);
                        let (before, span, after) = (before.to_string(), span.to_string(), after.to_string());
                        view! {
                            <section class="card document" aria-labelledby="document-title">
                                <div class="panel-head">
                                    <h2 id="document-title">{ctx.tr(Key::Document)} {doc.title.clone()} " " <span class="mono muted">{doc.product_code.clone()}</span></h2>
                                    <span class="spacer"></span>
                                    <button id="close-document" type="button" class="small" on:click=move |_| document.set(None)>{ctx.tr(Key::CloseDocument)}</button>
                                </div>
                                <div id="document-text" class="document-text">{before}<mark id="citation-span" class="cited">{span}</mark>{after}</div>
                            </section>
                        }
                    })}
                </section>
            }
        })
    }
}
