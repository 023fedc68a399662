//! Import: kind, paths (one absolute path per line), a preview of the first rows and every
//! problem; importing stays disabled while the preview shows problems. Also "Import sample data".

use crate::app::use_ctx;
use crate::format::{group_thousands, parse_paths, preview_mask, Mask};
use crate::i18n::{fill, Key};
use crate::ipc;
use copilot_protocol::ipc::{ImportArgs, ImportKindArg, ImportPreview};
use leptos::prelude::*;
use leptos::task::spawn_local;

fn kind_value(k: ImportKindArg) -> &'static str {
    match k {
        ImportKindArg::Clients => "clients",
        ImportKindArg::Holdings => "holdings",
        ImportKindArg::Products => "products",
        ImportKindArg::Documents => "documents",
    }
}

fn kind_from_value(v: &str) -> ImportKindArg {
    match v {
        "holdings" => ImportKindArg::Holdings,
        "products" => ImportKindArg::Products,
        "documents" => ImportKindArg::Documents,
        _ => ImportKindArg::Clients,
    }
}

#[component]
pub fn Import() -> impl IntoView {
    let ctx = use_ctx();
    let kind = RwSignal::new(ImportKindArg::Clients);
    let paths = RwSignal::new(String::new());
    let preview = RwSignal::new(None::<ImportPreview>);
    let result = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);

    let problems = move || preview.with(|p| p.as_ref().map_or(0, |p| p.problems.len()));
    let import_disabled =
        move || busy.get() || problems() > 0 || paths.with(|p| parse_paths(p).is_empty());
    let args = move || ImportArgs {
        kind: kind.get_untracked(),
        paths: parse_paths(&paths.get_untracked()),
    };

    let run_preview = move || {
        let a = args();
        if a.paths.is_empty() {
            return;
        }
        busy.set(true);
        result.set(None);
        spawn_local(async move {
            match ipc::preview_import(&a).await {
                Ok(p) => {
                    preview.try_set(Some(p));
                }
                Err(e) => ctx.fail(e),
            }
            busy.try_set(false);
        });
    };

    let run_import = move |_| {
        let a = args();
        busy.set(true);
        result.set(None);
        spawn_local(async move {
            match ipc::import_files(&a).await {
                Ok(done) => {
                    let lang = ctx.lang.get_untracked();
                    let msg = fill(
                        Key::ImportDoneMsg.text(lang),
                        &[
                            &done.files.to_string(),
                            &group_thousands(&done.records.to_string()),
                        ],
                    );
                    result.try_set(Some(msg.clone()));
                    ctx.note(msg);
                    ctx.refresh_status().await;
                }
                Err(e) if e.code == "import_errors" => {
                    // The files changed since the preview: show the problems again.
                    if let Ok(p) = ipc::preview_import(&a).await {
                        preview.try_set(Some(p));
                    }
                    ctx.fail(e);
                }
                Err(e) => ctx.fail(e),
            }
            busy.try_set(false);
        });
    };

    let run_sample = move |_| {
        busy.set(true);
        result.set(None);
        spawn_local(async move {
            match ipc::import_sample().await {
                Ok(done) => {
                    let (files, records) = done.totals();
                    let lang = ctx.lang.get_untracked();
                    let msg = fill(
                        Key::ImportDoneMsg.text(lang),
                        &[&files.to_string(), &group_thousands(&records.to_string())],
                    );
                    result.try_set(Some(msg.clone()));
                    ctx.note(msg);
                    ctx.refresh_status().await;
                }
                Err(e) => ctx.fail(e),
            }
            busy.try_set(false);
        });
    };

    let kind_option = move |k: ImportKindArg, label: Key| {
        view! { <option value=kind_value(k) selected=move || kind.get() == k>{ctx.tr(label)}</option> }
    };

    let preview_table = move || {
        preview.get().map(|p| {
            let headers = p.headers.clone();
            let masks: Vec<Option<Mask>> = headers.iter().map(|h| preview_mask(h)).collect();
            let total = p.total_rows;
            view! {
                <section class="card" aria-labelledby="preview-title">
                    <h2 id="preview-title">{ctx.tr(Key::PreviewTitle)}</h2>
                    <p class="muted">{move || fill(ctx.t(Key::PreviewTotal), &[&group_thousands(&total.to_string())])}</p>
                    <div class="table-scroll">
                        <table id="preview-table" class="data">
                            <thead><tr>{headers.into_iter().map(|h| view! { <th scope="col">{h}</th> }).collect_view()}</tr></thead>
                            <tbody>
                                {p.rows.into_iter().map(|row| view! {
                                    <tr>{row.into_iter().enumerate().map(|(i, c)| {
                                        let shown = match masks.get(i).copied().flatten() {
                                            Some(mask) => mask(&c),
                                            None => c,
                                        };
                                        view! { <td>{shown}</td> }
                                    }).collect_view()}</tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                    </div>
                </section>
                <section class="card" aria-labelledby="errors-title">
                    <h2 id="errors-title">{ctx.tr(Key::ErrorsTitle)}</h2>
                    {if p.problems.is_empty() {
                        view! { <p class="ok">{ctx.tr(Key::ErrorsNone)}</p> }.into_any()
                    } else {
                        let n = p.problems.len().to_string();
                        view! { <p class="field-error" role="alert">{move || fill(ctx.t(Key::ErrorsBlock), &[&n])}</p> }.into_any()
                    }}
                    <div class="table-scroll">
                        <table id="import-errors" class="data">
                            <thead><tr>
                                <th scope="col">{ctx.tr(Key::ColFile)}</th>
                                <th scope="col" class="num">{ctx.tr(Key::ColRow)}</th>
                                <th scope="col">{ctx.tr(Key::ColColumn)}</th>
                                <th scope="col">{ctx.tr(Key::ColProblem)}</th>
                            </tr></thead>
                            <tbody>
                                {p.problems.into_iter().map(|e| view! {
                                    <tr class="import-error">
                                        <td>{e.file}</td>
                                        <td class="num">{if e.row == 0 { "—".to_string() } else { e.row.to_string() }}</td>
                                        <td>{e.column.unwrap_or_default()}</td>
                                        <td>{e.message}</td>
                                    </tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                    </div>
                </section>
            }
        })
    };

    view! {
        <section class="panel" aria-labelledby="import-title">
            <h1 id="import-title">{ctx.tr(Key::ImportTitle)}</h1>
            <p class="muted">{ctx.tr(Key::ImportIntro)}</p>
            <div class="form grid-2">
                <div class="field">
                    <label for="import-kind">{ctx.tr(Key::ImportKind)}</label>
                    <select id="import-kind" on:change=move |ev| {
                        kind.set(kind_from_value(&event_target_value(&ev)));
                        preview.set(None);
                    }>
                        {kind_option(ImportKindArg::Clients, Key::KindClients)}
                        {kind_option(ImportKindArg::Holdings, Key::KindHoldings)}
                        {kind_option(ImportKindArg::Products, Key::KindProducts)}
                        {kind_option(ImportKindArg::Documents, Key::KindDocuments)}
                    </select>
                </div>
                <div class="field span-2">
                    <label for="import-paths">{ctx.tr(Key::ImportPaths)}</label>
                    <textarea id="import-paths" rows="4" spellcheck="false" class="mono"
                        prop:value=move || paths.get()
                        on:input=move |ev| {
                            paths.set(event_target_value(&ev));
                            preview.set(None);
                        }></textarea>
                </div>
            </div>
            <div class="actions">
                <button id="import-preview" type="button" disabled=move || busy.get() || paths.with(|p| parse_paths(p).is_empty())
                    on:click=move |_| run_preview()>{ctx.tr(Key::ImportPreview)}</button>
                <button id="import-run" type="button" class="primary" disabled=import_disabled
                    on:click=run_import>{ctx.tr(Key::ImportRun)}</button>
                <span class="spacer"></span>
                <button id="import-sample" type="button" disabled=move || busy.get() on:click=run_sample>{ctx.tr(Key::ImportSample)}</button>
            </div>
            <p id="import-result" role="status" aria-live="polite" class="result">
                {move || if busy.get() { ctx.t(Key::Working).to_string() } else { result.get().unwrap_or_default() }}
            </p>
            {preview_table}
        </section>
    }
}
