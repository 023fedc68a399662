//! The draft workspace: amount, currency, goal and memo language; *Generate* streams the model's
//! rationale token by token into `#rationale-stream` with a visible progress state and *Cancel*;
//! then the gate's result (eligible products with reasons and warnings, excluded products with
//! rule id and reason), requirements, flagged text highlighted with its rule, injection notices,
//! citations (opening a document highlights the cited byte span), and the editable memo with
//! *Save*, whose refusals are shown.

use crate::app::use_ctx;
use crate::app::Screen;
use crate::format::{date_part, segments, split_byte_span};
use crate::i18n::{fill, Key};
use crate::ipc;
use crate::screens::review::{BundlePanel, ExportPanel, History, StateBadge};
use copilot_protocol::ipc::{DocumentView, DraftEvent, SaveDraftArgs, StartDraftArgs, SubmitArgs};
use copilot_protocol::review::{ReviewState, ReviewView};
use copilot_protocol::{Citation, DraftReport, Lang, Override, RuleId};
use leptos::prelude::*;
use leptos::task::spawn_local;

/// Where a generation stands (`#draft-progress`).
#[derive(Debug, Clone, Copy, PartialEq)]
enum Progress {
    Idle,
    Starting,
    Assessed(usize, usize),
    LoadingModel,
    Prompting,
    Generating,
    Verifying,
    Done,
    Cancelled,
    Failed,
}

/// The `data-state` of `#draft-progress`, stable for tests whatever the language.
fn progress_state(p: Progress) -> &'static str {
    match p {
        Progress::Idle => "idle",
        Progress::Starting | Progress::Assessed(..) => "assessing",
        Progress::LoadingModel => "loading_model",
        Progress::Prompting => "prompting",
        Progress::Generating => "generating",
        Progress::Verifying => "verifying",
        Progress::Done => "done",
        Progress::Cancelled => "cancelled",
        Progress::Failed => "failed",
    }
}

fn non_empty(s: String) -> Option<String> {
    let t = s.trim();
    if t.is_empty() {
        None
    } else {
        Some(t.to_string())
    }
}

/// An opened citation: the document and the cited byte span.
#[derive(Debug, Clone, PartialEq)]
struct OpenDocument {
    doc: DocumentView,
    start: usize,
    end: usize,
}

#[component]
pub fn DraftWorkspace(client_id: String, draft_id: Option<String>) -> impl IntoView {
    let ctx = use_ctx();
    let amount = RwSignal::new(String::new());
    let currency = RwSignal::new(String::new());
    let goal = RwSignal::new(String::new());
    let memo_lang = RwSignal::new(ctx.lang.get_untracked());
    let client_name = RwSignal::new(String::new());
    let client_initiated = RwSignal::new(String::new());
    let channel = RwSignal::new("branch".to_string());
    let recording_id = RwSignal::new(String::new());
    let overrides = RwSignal::new(Vec::<Override>::new());

    let progress = RwSignal::new(Progress::Idle);
    let running = RwSignal::new(false);
    let stream = RwSignal::new(String::new());
    let tokens = RwSignal::new(0usize);
    let report = RwSignal::new(None::<DraftReport>);
    let text = RwSignal::new(String::new());
    let dirty = RwSignal::new(false);
    let save_status = RwSignal::new(None::<(bool, String)>);
    let document = RwSignal::new(None::<OpenDocument>);
    let review = RwSignal::new(None::<ReviewView>);
    let submit_comment = RwSignal::new(String::new());
    // The review record of the draft on screen (state, history); reloaded after every change.
    let load_review = move |id: String| {
        spawn_local(async move {
            match ipc::get_review(&id).await {
                Ok(v) => {
                    review.try_set(Some(v));
                }
                Err(e) if e.code == "not_found" => {
                    review.try_set(None);
                }
                Err(e) => ctx.fail(e),
            }
        });
    };
    let editable = move || review.with(|r| r.as_ref().is_none_or(|r| r.record.state.editable()));

    // The client's name and currency for the header and the default currency.
    {
        let id = client_id.clone();
        spawn_local(async move {
            if let Ok(d) = ipc::get_client(&id).await {
                client_name.try_set(d.summary.name.clone());
                if currency.try_get_untracked().is_some_and(|c| c.is_empty()) {
                    currency.try_set(d.currency.clone());
                }
            }
        });
    }
    // An existing draft opens with its report.
    if let Some(id) = draft_id {
        spawn_local(async move {
            match ipc::get_draft(&id).await {
                Ok(r) => {
                    amount.try_set(r.amount.clone().unwrap_or_default());
                    if let Some(c) = &r.currency {
                        currency.try_set(c.clone());
                    }
                    goal.try_set(r.goal.clone().unwrap_or_default());
                    memo_lang.try_set(r.lang);
                    stream.try_set(r.rationale_model.clone());
                    text.try_set(r.text.clone());
                    load_review(r.draft_id.clone());
                    report.try_set(Some(r));
                    progress.try_set(Progress::Done);
                }
                Err(e) => ctx.fail(e),
            }
        });
    }

    let generate = {
        let client_id = client_id.clone();
        move |_| {
            if running.get_untracked() {
                return;
            }
            running.set(true);
            // Keep the previous draft (and any unsaved edits) to put back if this generation is
            // cancelled or fails: cancelling must leave the workspace as it was.
            let previous = (
                report.get_untracked(),
                text.get_untracked(),
                stream.get_untracked(),
                dirty.get_untracked(),
            );
            stream.set(String::new());
            tokens.set(0);
            report.set(None);
            let previous_review = review.get_untracked();
            review.set(None);
            text.set(String::new());
            dirty.set(false);
            save_status.set(None);
            document.set(None);
            progress.set(Progress::Starting);
            ctx.error.set(None);
            let args = StartDraftArgs {
                client_id: client_id.clone(),
                amount: non_empty(amount.get_untracked()),
                currency: non_empty(currency.get_untracked()),
                goal: non_empty(goal.get_untracked()),
                lang: memo_lang.get_untracked(),
                client_initiated: client_initiated
                    .get_untracked()
                    .split([',', '，', ' ', ';'])
                    .map(|c| c.trim().to_uppercase())
                    .filter(|c| !c.is_empty())
                    .collect(),
                channel: Some(channel.get_untracked()),
                recording_id: non_empty(recording_id.get_untracked()),
                overrides: overrides.get_untracked(),
            };
            spawn_local(async move {
                let reply = ipc::start_draft(&args, move |event| match event {
                    DraftEvent::Assessed { eligible, excluded } => {
                        progress.try_set(Progress::Assessed(eligible, excluded));
                    }
                    DraftEvent::LoadingModel => {
                        progress.try_set(Progress::LoadingModel);
                    }
                    DraftEvent::Prompting => {
                        progress.try_set(Progress::Prompting);
                    }
                    DraftEvent::Token { text } => {
                        stream.try_update(|s| s.push_str(&text));
                        tokens.try_update(|n| *n += 1);
                        progress.try_set(Progress::Generating);
                    }
                    DraftEvent::Verifying => {
                        progress.try_set(Progress::Verifying);
                    }
                })
                .await;
                running.try_set(false);
                match reply {
                    Ok(r) => {
                        stream.try_set(r.rationale_model.clone());
                        text.try_set(r.text.clone());
                        load_review(r.draft_id.clone());
                        report.try_set(Some(r));
                        progress.try_set(Progress::Done);
                    }
                    Err(e) => {
                        let (r, t, st, d) = previous;
                        report.try_set(r);
                        review.try_set(previous_review);
                        text.try_set(t);
                        stream.try_set(st);
                        dirty.try_set(d);
                        if e.code == "cancelled" {
                            progress.try_set(Progress::Cancelled);
                        } else {
                            progress.try_set(Progress::Failed);
                            ctx.fail(e);
                        }
                    }
                }
            });
        }
    };

    let cancel = move |_| {
        spawn_local(async move {
            if let Err(e) = ipc::cancel_draft().await {
                ctx.fail(e);
            }
        });
    };

    let save = move |_| {
        let Some(draft_id) = report.with_untracked(|r| r.as_ref().map(|r| r.draft_id.clone()))
        else {
            return;
        };
        let args = SaveDraftArgs {
            draft_id,
            text: text.get_untracked(),
        };
        spawn_local(async move {
            match ipc::save_draft(&args).await {
                Ok(r) => {
                    text.try_set(r.text.clone());
                    load_review(r.draft_id.clone());
                    report.try_set(Some(r));
                    dirty.try_set(false);
                    save_status.try_set(Some((
                        true,
                        Key::Saved.text(ctx.lang.get_untracked()).to_string(),
                    )));
                }
                Err(e) => {
                    let prefix = Key::SaveRefused.text(ctx.lang.get_untracked());
                    save_status.try_set(Some((false, format!("{prefix}{}", e.message))));
                }
            }
        });
    };

    // Submit (saving unsaved edits first: what is submitted is what the reviewer sees).
    let submit = move |_| {
        let Some(draft_id) = report.with_untracked(|r| r.as_ref().map(|r| r.draft_id.clone()))
        else {
            return;
        };
        let save_first = dirty.get_untracked().then(|| SaveDraftArgs {
            draft_id: draft_id.clone(),
            text: text.get_untracked(),
        });
        let args = SubmitArgs {
            draft_id,
            comment: non_empty(submit_comment.get_untracked()),
        };
        ctx.error.set(None);
        spawn_local(async move {
            if let Some(save) = save_first {
                match ipc::save_draft(&save).await {
                    Ok(r) => {
                        text.try_set(r.text.clone());
                        report.try_set(Some(r));
                        dirty.try_set(false);
                    }
                    Err(e) => {
                        let prefix = Key::SaveRefused.text(ctx.lang.get_untracked());
                        save_status.try_set(Some((false, format!("{prefix}{}", e.message))));
                        return;
                    }
                }
            }
            match ipc::submit_review(&args).await {
                Ok(v) => {
                    review.try_set(Some(v));
                    submit_comment.try_set(String::new());
                    save_status.try_set(Some((
                        true,
                        Key::SubmittedMsg.text(ctx.lang.get_untracked()).to_string(),
                    )));
                }
                Err(e) => ctx.fail(e),
            }
        });
    };

    let new_version = {
        let client_id = StoredValue::new(client_id.clone());
        move |_| {
            let Some(draft_id) = report.with_untracked(|r| r.as_ref().map(|r| r.draft_id.clone()))
            else {
                return;
            };
            let client_id = client_id.get_value();
            spawn_local(async move {
                match ipc::new_version(&draft_id).await {
                    Ok(v) => ctx.go(Screen::Draft {
                        client_id,
                        draft_id: Some(v.record.draft_id),
                    }),
                    Err(e) => ctx.fail(e),
                }
            });
        }
    };

    let open_citation = move |c: Citation| {
        spawn_local(async move {
            match ipc::open_citation(&c.document_id).await {
                Ok(doc) => {
                    document.try_set(Some(OpenDocument {
                        doc,
                        start: c.start,
                        end: c.end,
                    }));
                    // Bring the highlighted span into view once it is rendered.
                    request_animation_frame(|| {
                        if let Some(el) = web_sys::window()
                            .and_then(|w| w.document())
                            .and_then(|d| d.get_element_by_id("citation-span"))
                        {
                            el.scroll_into_view();
                        }
                    });
                }
                Err(e) => ctx.fail(e),
            }
        });
    };

    let progress_text = move || {
        let lang = ctx.lang.get();
        match progress.get() {
            Progress::Idle => Key::ProgressIdle.text(lang).to_string(),
            Progress::Starting => Key::ProgressStarting.text(lang).to_string(),
            Progress::Assessed(e, x) => fill(
                Key::ProgressAssessed.text(lang),
                &[&e.to_string(), &x.to_string()],
            ),
            Progress::LoadingModel => Key::ProgressLoadingModel.text(lang).to_string(),
            Progress::Prompting => Key::ProgressPrompting.text(lang).to_string(),
            Progress::Generating => fill(
                Key::ProgressGenerating.text(lang),
                &[&tokens.get().to_string()],
            ),
            Progress::Verifying => Key::ProgressVerifying.text(lang).to_string(),
            Progress::Done => Key::ProgressDone.text(lang).to_string(),
            Progress::Cancelled => Key::ProgressCancelled.text(lang).to_string(),
            Progress::Failed => Key::ProgressFailed.text(lang).to_string(),
        }
    };

    // While streaming: the raw text. Once the report is in: the model's text with every flagged
    // span marked with its rule.
    let rationale = move || match report.get() {
        None => view! { <span>{move || stream.get()}</span> }.into_any(),
        Some(r) => {
            let spans: Vec<(usize, usize)> = r.flagged.iter().map(|f| (f.start, f.end)).collect();
            segments(&r.rationale_model, &spans)
                .into_iter()
                .map(|seg| match seg.mark {
                    None => view! { <span>{seg.text}</span> }.into_any(),
                    Some(i) => {
                        let f = &r.flagged[i];
                        let title = format!("{}: {}", f.rule_id, f.reason);
                        view! { <mark class="flagged" data-rule-id=f.rule_id.to_string() title=title>{seg.text}</mark> }.into_any()
                    }
                })
                .collect_view()
                .into_any()
        }
    };

    // Keep the newest tokens in view while streaming.
    let stream_box = NodeRef::<leptos::html::Div>::new();
    Effect::new(move |_| {
        stream.track();
        if let Some(el) = stream_box.get_untracked() {
            el.set_scroll_top(el.scroll_height());
        }
    });

    let lang_option = move |l: Lang, key: Key| {
        view! { <option value=l.to_string() selected=move || memo_lang.get() == l>{ctx.tr(key)}</option> }
    };
    let back_id = client_id.clone();

    view! {
        <section class="panel draft" aria-labelledby="draft-title">
            <div class="panel-head">
                <button type="button" class="link-button" on:click=move |_| ctx.go(Screen::Client(back_id.clone()))>
                    "← " {move || client_name.get()}
                </button>
            </div>
            <div class="panel-head">
                <h1 id="draft-title">{ctx.tr(Key::DraftTitle)} " " <span class="muted mono">{client_id.clone()}</span></h1>
                <span class="spacer"></span>
                <span class="muted small-text">{ctx.tr(Key::DraftShortcuts)}</span>
            </div>
            <div class="form draft-form">
                <div class="field">
                    <label for="draft-amount">{ctx.tr(Key::Amount)}</label>
                    <input id="draft-amount" type="text" inputmode="decimal" placeholder=ctx.tr(Key::AmountHint)
                        prop:value=move || amount.get() on:input=move |ev| amount.set(event_target_value(&ev))/>
                </div>
                <div class="field">
                    <label for="draft-currency">{ctx.tr(Key::Currency)}</label>
                    <input id="draft-currency" type="text" maxlength="3" class="mono upper" autocomplete="off"
                        prop:value=move || currency.get() on:input=move |ev| currency.set(event_target_value(&ev).to_uppercase())/>
                </div>
                <div class="field">
                    <label for="draft-goal">{ctx.tr(Key::Goal)}</label>
                    <input id="draft-goal" type="text"
                        prop:value=move || goal.get() on:input=move |ev| goal.set(event_target_value(&ev))/>
                </div>
                <div class="field">
                    <label for="draft-lang">{ctx.tr(Key::MemoLang)}</label>
                    <select id="draft-lang" on:change=move |ev| memo_lang.set(event_target_value(&ev).parse().unwrap_or(Lang::Zh))>
                        {lang_option(Lang::Zh, Key::LangZh)}
                        {lang_option(Lang::En, Key::LangEn)}
                    </select>
                </div>
            </div>
            <div class="form draft-form">
                <div class="field">
                    <label for="draft-client-initiated">{ctx.tr(Key::ClientInitiatedInput)}</label>
                    <input id="draft-client-initiated" type="text" class="mono upper" autocomplete="off"
                        prop:value=move || client_initiated.get() on:input=move |ev| client_initiated.set(event_target_value(&ev))/>
                </div>
                <div class="field">
                    <label for="draft-channel">{ctx.tr(Key::Channel)}</label>
                    <select id="draft-channel" on:change=move |ev| channel.set(event_target_value(&ev))>
                        <option value="branch" selected=move || channel.get() == "branch">{ctx.tr(Key::ChannelBranch)}</option>
                        <option value="remote" selected=move || channel.get() == "remote">{ctx.tr(Key::ChannelRemote)}</option>
                    </select>
                </div>
                <div class="field">
                    <label for="draft-recording-id">{ctx.tr(Key::RecordingId)}</label>
                    <input id="draft-recording-id" type="text" class="mono" autocomplete="off"
                        prop:value=move || recording_id.get() on:input=move |ev| recording_id.set(event_target_value(&ev))/>
                </div>
            </div>
            <div class="actions">
                <button id="generate" type="button" class="primary" aria-keyshortcuts="Control+Enter"
                    disabled=move || running.get() on:click=generate>{ctx.tr(Key::Generate)}</button>
                <button id="cancel" type="button" aria-keyshortcuts="Escape"
                    disabled=move || !running.get() on:click=cancel>{ctx.tr(Key::Cancel)}</button>
                <span id="draft-progress" class=move || format!("progress {}", progress_state(progress.get()))
                    data-state=move || progress_state(progress.get()) role="status" aria-live="polite">
                    <Show when=move || running.get()><span class="spinner" aria-hidden="true"></span></Show>
                    {progress_text}
                </span>
            </div>
            <section class="card" aria-labelledby="rationale-title">
                <h2 id="rationale-title">{ctx.tr(Key::Rationale)}</h2>
                <div id="rationale-stream" class="stream" node_ref=stream_box aria-busy=move || if running.get() { "true" } else { "false" }>{rationale}</div>
            </section>
            {move || report.get().map(|r| view! { <ReportView report=r open_citation=Callback::new(open_citation)/> })}
            {move || report.get().map(|r| view! { <OverridePanel report=r overrides=overrides/> })}
            {move || document.get().map(|d| {
                let (before, span, after) = split_byte_span(&d.doc.text, d.start, d.end);
                let (before, span, after) = (before.to_string(), span.to_string(), after.to_string());
                view! {
                    <section class="card document" aria-labelledby="document-title">
                        <div class="panel-head">
                            <h2 id="document-title">{ctx.tr(Key::Document)} {d.doc.title.clone()} " " <span class="mono muted">{d.doc.product_code.clone()}</span></h2>
                            <span class="spacer"></span>
                            <button id="close-document" type="button" class="small" on:click=move |_| document.set(None)>{ctx.tr(Key::CloseDocument)}</button>
                        </div>
                        <div id="document-text" class="document-text">{before}<mark id="citation-span" class="cited">{span}</mark>{after}</div>
                    </section>
                }
            })}
            <Show when=move || report.with(Option::is_some)>
                <section class="card" aria-labelledby="memo-title">
                    <div class="panel-head">
                        <h2 id="memo-title"><label for="draft-text">{move || if editable() { ctx.t(Key::MemoText) } else { ctx.t(Key::MemoReadOnly) }}</label></h2>
                        <span class="spacer"></span>
                        {move || review.get().map(|v| view! {
                            <span class="muted small-text">{ctx.tr(Key::ReviewState)}</span>
                            <StateBadge state=v.record.state id="review-state"/>
                        })}
                    </div>
                    <textarea id="draft-text" rows="16" class="memo"
                        readonly=move || !editable()
                        aria-readonly=move || if editable() { "false" } else { "true" }
                        prop:value=move || text.get()
                        on:input=move |ev| {
                            text.set(event_target_value(&ev));
                            dirty.set(true);
                            save_status.set(None);
                        }></textarea>
                    <div class="actions">
                        <button id="save" type="button" class="primary" aria-keyshortcuts="Control+S"
                            disabled=move || !editable() on:click=save>{ctx.tr(Key::Save)}</button>
                        <span id="draft-status" role="status" aria-live="polite"
                            class=move || match save_status.get() { Some((false, _)) => "field-error", Some((true, _)) => "ok", None => "muted" }>
                            {move || match save_status.get() {
                                Some((_, m)) => m,
                                None if dirty.get() => ctx.t(Key::Unsaved).to_string(),
                                None => String::new(),
                            }}
                        </span>
                    </div>
                    <Show when=move || editable() && review.with(Option::is_some)>
                        <div class="toolbar submit-bar">
                            <div class="field grow">
                                <label for="submit-comment">{ctx.tr(Key::SubmitComment)}</label>
                                <input id="submit-comment" type="text"
                                    prop:value=move || submit_comment.get() on:input=move |ev| submit_comment.set(event_target_value(&ev))/>
                            </div>
                            <button id="submit-review" type="button" class="primary" aria-keyshortcuts="Control+Shift+Enter"
                                on:click=submit>{ctx.tr(Key::SubmitReview)}</button>
                        </div>
                    </Show>
                    <Show when=move || review.with(|r| r.as_ref().is_some_and(|r| matches!(r.record.state, ReviewState::Approved | ReviewState::Rejected)))>
                        <div class="actions">
                            <button id="new-version" type="button" on:click=new_version>{ctx.tr(Key::NewVersion)}</button>
                        </div>
                    </Show>
                </section>
                {move || review.get().map(|v| {
                    let id = v.record.draft_id.clone();
                    let approved = v.record.state == ReviewState::Approved;
                    let request = v.origin == "local" && v.record.state == ReviewState::Submitted;
                    view! {
                        <History record=v.record.clone()/>
                        {approved.then(|| view! { <ExportPanel draft_id=id.clone()/> })}
                        {request.then(|| view! { <BundlePanel draft_id=id.clone() request=true/> })}
                    }
                })}
            </Show>
        </section>
    }
}

/// The gate's result and the verifier's findings for one report.
#[component]
pub fn ReportView(report: DraftReport, open_citation: Callback<Citation>) -> impl IntoView {
    let ctx = use_ctx();
    let r = report;
    let none = move || view! { <p class="empty">{ctx.tr(Key::NoneListed)}</p> };
    let proposed = r.proposed.clone();
    view! {
        {r.invalidated.clone().map(|inv| view! {
            <p class="notice warn" role="alert">{ctx.tr(Key::InvalidatedNotice)} {inv.message}</p>
        })}
        {(!r.has_recommendation).then(|| view! { <p class="notice warn">{ctx.tr(Key::NoRecommendation)}</p> })}
        {(!r.blocks.is_empty()).then(|| view! {
            <section class="card" aria-labelledby="blocks-title">
                <h2 id="blocks-title">{ctx.tr(Key::Blocks)}</h2>
                <ul class="findings">{r.blocks.iter().map(|b| view! {
                    <li data-rule-id=b.rule_id.to_string()><span class="rule">{b.rule_id.to_string()}</span> " " {b.message.clone()}</li>
                }).collect_view()}</ul>
            </section>
        })}
        <div class="columns">
            <section class="card" aria-labelledby="eligible-title">
                <h2 id="eligible-title">{ctx.tr(Key::Eligible)}</h2>
                {if r.eligible.is_empty() { none().into_any() } else { view! {
                    <ul id="eligible-list" class="products">
                        {r.eligible.iter().map(|p| {
                            let is_proposed = proposed.contains(&p.product_code);
                            view! {
                                <li data-product-code=p.product_code.clone()>
                                    <div class="product-head">
                                        <span class="mono">{p.product_code.clone()}</span> " " <strong>{p.name.clone()}</strong>
                                        " " <span class=format!("risk risk-{}", p.rating.as_number())>{p.rating.to_string()}</span>
                                        " " <span class="badge">{ctx.tr(Key::Score)} " " {p.score}</span>
                                        {is_proposed.then(|| view! { " " <span class="badge ok">{ctx.tr(Key::Proposed)}</span> })}
                                        {p.client_initiated.then(|| view! { " " <span class="badge warn">{ctx.tr(Key::ClientInitiated)}</span> })}
                                    </div>
                                    <ul class="reasons">{p.reasons.iter().map(|s| view! { <li>{s.clone()}</li> }).collect_view()}</ul>
                                    {(!p.warnings.is_empty()).then(|| view! {
                                        <ul class="findings">{p.warnings.iter().map(|w| view! {
                                            <li class="warn" data-rule-id=w.rule_id.to_string()><span class="rule">{w.rule_id.to_string()}</span> " " {w.message.clone()}</li>
                                        }).collect_view()}</ul>
                                    })}
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }.into_any() }}
            </section>
            <section class="card" aria-labelledby="excluded-title">
                <h2 id="excluded-title">{ctx.tr(Key::Excluded)}</h2>
                {if r.excluded.is_empty() { none().into_any() } else { view! {
                    <ul id="excluded-list" class="findings">
                        {r.excluded.iter().map(|x| view! {
                            <li data-rule-id=x.rule_id.to_string() data-product-code=x.product_code.clone()>
                                <span class="mono">{x.product_code.clone()}</span> " "
                                <span class="rule">{x.rule_id.to_string()}</span> " " {x.reason.clone()}
                            </li>
                        }).collect_view()}
                    </ul>
                }.into_any() }}
            </section>
        </div>
        {(!r.warnings.is_empty()).then(|| view! {
            <section class="card" aria-labelledby="warnings-title">
                <h2 id="warnings-title">{ctx.tr(Key::Warnings)}</h2>
                <ul class="findings">{r.warnings.iter().map(|w| view! {
                    <li class="warn" data-rule-id=w.rule_id.to_string()><span class="rule">{w.rule_id.to_string()}</span> " " {w.message.clone()}</li>
                }).collect_view()}</ul>
            </section>
        })}
        {(!r.requirements.is_empty()).then(|| view! {
            <section class="card" aria-labelledby="requirements-title">
                <h2 id="requirements-title">{ctx.tr(Key::Requirements)}</h2>
                <ul id="requirements-list" class="findings">{r.requirements.iter().map(|q| view! {
                    <li data-rule-id=q.rule_id.to_string()>
                        <span class="rule">{q.rule_id.to_string()}</span> " "
                        {q.product_code.clone().map(|c| view! { <span class="mono">{c}</span> " " })}
                        {q.text.clone()}
                    </li>
                }).collect_view()}</ul>
            </section>
        })}
        {(!r.flagged.is_empty()).then(|| view! {
            <section class="card" aria-labelledby="flagged-title">
                <h2 id="flagged-title">{ctx.tr(Key::Flagged)}</h2>
                <ul id="flagged-list" class="findings">{r.flagged.iter().map(|f| view! {
                    <li data-rule-id=f.rule_id.to_string()>
                        <span class="rule">{f.rule_id.to_string()}</span> " "
                        <mark class="flagged-quote">{f.text.clone()}</mark> " — " {f.reason.clone()}
                    </li>
                }).collect_view()}</ul>
            </section>
        })}
        {(!r.injection.is_empty()).then(|| view! {
            <section class="card" aria-labelledby="injection-title">
                <h2 id="injection-title">{ctx.tr(Key::Injection)}</h2>
                <ul id="injection-list" class="findings">{r.injection.iter().map(|n| view! {
                    <li class="warn">
                        <span class="badge warn">{n.kind.clone()}</span> " " <span class="muted">{n.source.clone()}</span> " "
                        <code>{n.text.clone()}</code> " — " {n.message.clone()}
                    </li>
                }).collect_view()}</ul>
            </section>
        })}
        {(!r.citations.is_empty()).then(|| view! {
            <section class="card" aria-labelledby="citations-title">
                <h2 id="citations-title">{ctx.tr(Key::Citations)}</h2>
                <ol id="citations-list" class="citations">{r.citations.iter().cloned().map(|c| {
                    let label = format!("{} · {}", c.product_code, c.fact.clone().or(c.figure.clone()).unwrap_or_default());
                    let quote = c.text.clone();
                    view! {
                        <li>
                            <button type="button" class="link-button citation" on:click=move |_| open_citation.run(c.clone())>
                                <span class="mono">{label}</span>
                            </button>
                            " " <q>{quote}</q>
                        </li>
                    }
                }).collect_view()}</ol>
            </section>
        })}
        <details class="card provenance">
            <summary>{ctx.tr(Key::Provenance)}</summary>
            <dl class="facts">
                <dt>{ctx.tr(Key::ModelName)}</dt><dd>{r.provenance.model_name.clone()} " (" {r.provenance.quantization.clone()} ")"</dd>
                <dt>{ctx.tr(Key::ModelSha)}</dt><dd class="mono wrap">{r.provenance.model_sha256.clone()}</dd>
                <dt>{ctx.tr(Key::ProvRules)}</dt><dd class="mono">{r.provenance.rules_version.clone()}</dd>
                <dt>{ctx.tr(Key::ProvPrompt)}</dt><dd class="mono">{r.provenance.prompt_version.clone()}</dd>
                <dt>{ctx.tr(Key::ProvIndex)}</dt><dd class="mono">{r.provenance.index_snapshot.clone()}</dd>
                <dt>{ctx.tr(Key::ProvOperator)}</dt><dd>{r.provenance.operator.clone()}</dd>
                <dt>{ctx.tr(Key::ProvCreated)}</dt><dd class="mono">{date_part(&r.provenance.created_at).to_string()} " · " {r.draft_id.clone()}</dd>
            </dl>
        </details>
    }
}

/// S24: every warning of the report with a choice of the rule pack's reason codes. The chosen
/// overrides go with the next generation; the shell refuses anything but a raised warning.
#[component]
fn OverridePanel(report: DraftReport, overrides: RwSignal<Vec<Override>>) -> impl IntoView {
    let ctx = use_ctx();
    let mut warnings: Vec<(Option<String>, RuleId, String)> = report
        .warnings
        .iter()
        .map(|w| (None, w.rule_id, w.message.clone()))
        .collect();
    for e in &report.eligible {
        for w in &e.warnings {
            warnings.push((Some(e.product_code.clone()), w.rule_id, w.message.clone()));
        }
    }
    if warnings.is_empty() {
        return None;
    }
    let reasons = ctx
        .status
        .get_untracked()
        .map(|s| s.override_reasons)
        .unwrap_or_default();
    let rows = warnings
        .into_iter()
        .map(|(product, rule, message)| {
            let reasons = reasons.clone();
            let product_attr = product.clone().unwrap_or_default();
            let current = {
                let product = product.clone();
                move || {
                    overrides.with(|list| {
                        list.iter()
                            .find(|o| o.rule_id == rule && o.product_code == product)
                            .map(|o| o.reason_code.clone())
                            .unwrap_or_default()
                    })
                }
            };
            let on_change = {
                let product = product.clone();
                move |ev: leptos::ev::Event| {
                    let code = event_target_value(&ev);
                    overrides.update(|list| {
                        list.retain(|o| !(o.rule_id == rule && o.product_code == product));
                        if !code.is_empty() {
                            list.push(Override {
                                rule_id: rule,
                                product_code: product.clone(),
                                reason_code: code,
                            });
                        }
                    });
                }
            };
            let label = format!(
                "{}{}",
                rule,
                product.as_deref().map(|p| format!(" / {p}")).unwrap_or_default()
            );
            let product_attr2 = product_attr.clone();
            let current_none = current.clone();
            view! {
                <li class="warn" data-rule-id=rule.to_string() data-product-code=product_attr>
                    <span class="rule">{label.clone()}</span> " " {message}
                    <select class="override-reason" data-rule-id=rule.to_string() data-product-code=product_attr2
                        aria-label=label on:change=on_change>
                        <option value="" selected=move || current_none().is_empty()>{ctx.tr(Key::OverrideNone)}</option>
                        {reasons.into_iter().map(|r| {
                            let code = r.code.clone();
                            let current = current.clone();
                            let text = match ctx.lang.get_untracked() {
                                Lang::Zh => format!("{} — {}", r.code, r.zh),
                                Lang::En => format!("{} — {}", r.code, r.en),
                            };
                            view! { <option value=r.code.clone() selected=move || current() == code>{text}</option> }
                        }).collect_view()}
                    </select>
                </li>
            }
        })
        .collect_view();
    Some(view! {
        <section class="card" aria-labelledby="overrides-title">
            <h2 id="overrides-title">{ctx.tr(Key::OverridesTitle)}</h2>
            <p class="muted">{ctx.tr(Key::OverridesIntro)}</p>
            <ul id="overrides-list" class="findings">{rows}</ul>
            <p class="muted" role="status">{move || {
                let n = overrides.with(Vec::len);
                if n == 0 { String::new() } else { fill(ctx.t(Key::OverridesPending), &[&n.to_string()]) }
            }}</p>
        </section>
    })
}
