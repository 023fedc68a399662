//! The drafting pipeline: rules → evidence → injection scan → prompt → local model (constrained
//! decoding) → verifier (S14) and lint (S13) → memo → store.
//!
//! [`compose_draft`] is the whole pipeline without the store, so that `copilot eval` runs exactly
//! what an advisor runs; [`Workspace::draft`] loads the client and shelf, calls it and saves.

use crate::error::{AppError, Result};
use crate::models::ModelHandle;
use crate::rules::RuleSet;
use crate::workspace::Workspace;
use copilot_core::grounding::figure_tokens;
use copilot_core::{
    evidence, grounding, injection, memo, prompt, suitability, ClientProfile, DraftRequest, Lang,
    Money, Product, ProductDocument,
};
use copilot_llm::{CancelFlag, ChatMessage, GenerationParams, LocalModel, StopReason};
use copilot_protocol::{
    rules, Citation, DraftReport, FlaggedClaim, InjectionNotice, Override, Provenance,
};
use copilot_search::DocumentIndex;
use std::time::Instant;
use time::Date;

/// Longest goal text kept, in characters.
pub const GOAL_MAX_CHARS: usize = 200;

/// Most tokens the model may write for a rationale.
pub const RATIONALE_MAX_TOKENS: usize = 160;

/// Progress of a draft, reported while it is made (for a progress display; not persisted).
#[derive(Debug, Clone, PartialEq)]
pub enum DraftProgress {
    /// The gate ran: how many products are eligible and excluded.
    Assessed {
        /// Eligible count.
        eligible: usize,
        /// Excluded count.
        excluded: usize,
    },
    /// The model is being loaded (first draft of the process only).
    LoadingModel,
    /// The model starts reading the prompt.
    Prompting {
        /// Prompt tokens (after the chat template).
        prompt_chars: usize,
    },
    /// A piece of the rationale as the model writes it.
    Token(String),
    /// The model finished; verification runs.
    Verifying,
}

/// Timings of one draft, milliseconds.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DraftTimings {
    /// Rules, retrieval and prompt building.
    pub prepare_ms: f64,
    /// Prompt processing.
    pub prefill_ms: f64,
    /// Token generation.
    pub decode_ms: f64,
    /// Tokens generated.
    pub generated_tokens: usize,
    /// Prompt tokens.
    pub prompt_tokens: usize,
    /// Of those, tokens restored from the prefix cache (see [`warm_up`]).
    pub reused_prefix_tokens: usize,
    /// Verification, memo and save.
    pub finish_ms: f64,
}

/// What the advisor asked for.
#[derive(Debug, Clone, PartialEq)]
pub struct DraftInput {
    /// Client id.
    pub client_id: String,
    /// Amount to invest, if any.
    pub amount: Option<Money>,
    /// Goal in the advisor's words.
    pub goal: Option<String>,
    /// Memo language.
    pub lang: Lang,
    /// Products the client asked for on their own initiative (S6).
    pub client_initiated: Vec<String>,
    /// Sales channel (`branch` or `remote`); `None` = branch (S16).
    pub channel: Option<String>,
    /// Dual-recording (双录) reference, if already made (S16).
    pub recording_id: Option<String>,
    /// Overrides of warnings with reason codes (S24).
    pub overrides: Vec<Override>,
}

impl DraftInput {
    /// A request for `client_id` in `lang` with nothing else set.
    pub fn new(client_id: impl Into<String>, lang: Lang) -> Self {
        DraftInput {
            client_id: client_id.into(),
            amount: None,
            goal: None,
            lang,
            client_initiated: Vec::new(),
            channel: None,
            recording_id: None,
            overrides: Vec::new(),
        }
    }
}

/// Everything a draft is made from, apart from the request and the model.
pub struct DraftContext<'a> {
    /// The client.
    pub profile: &'a ClientProfile,
    /// The whole shelf.
    pub shelf: &'a [Product],
    /// The product documents (all products; only the proposed products' are cited).
    pub documents: &'a [ProductDocument],
    /// The search index over `documents`.
    pub index: &'a DocumentIndex,
    /// The rule pack, lint and injection patterns.
    pub rules: &'a RuleSet,
    /// The day the rules are evaluated on.
    pub today: Date,
    /// Who makes the draft (S25).
    pub operator: &'a str,
}

/// The fixed start of every rationale prompt in `lang`: the chat template up to where the user
/// message's content begins (system message included). It does not depend on the client.
pub fn prompt_prefix(model: &LocalModel, lang: Lang) -> Result<String> {
    // A private-use character marks where the client-specific content would start.
    const MARK: &str = "\u{E000}";
    let p = prompt::render_prompt(&prompt::Facts::default(), None, lang);
    let text = model.render_chat(&[ChatMessage::system(p.system), ChatMessage::user(MARK)])?;
    Ok(text.split(MARK).next().unwrap_or_default().to_string())
}

/// Computes and keeps the model state for [`prompt_prefix`] in `lang`, so that a draft's prefill
/// covers only the client-specific part (PERFORMANCE.md: first token ≤ 1 s). Call once after
/// loading the model (the desktop app does it at start-up); returns the cached token count.
pub fn warm_up(model: &mut LocalModel, lang: Lang) -> Result<usize> {
    let prefix = prompt_prefix(model, lang)?;
    Ok(model.cache_prefix(&prefix)?)
}

fn now_rfc3339() -> String {
    time::OffsetDateTime::now_utc()
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

/// The figures and codes the model may write (constrained decoding): every figure token of the
/// facts it is given, of the cited spans, and the proposed product codes.
pub fn allowed_figures(
    facts: &prompt::Facts,
    citations: &[Citation],
    proposed: &[String],
) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let values = facts
        .values()
        .chain(citations.iter().map(|c| c.text.as_str()));
    for v in values {
        for t in figure_tokens(v) {
            if !out.contains(&t.text) {
                out.push(t.text);
            }
        }
    }
    for c in proposed {
        if !out.contains(c) {
            out.push(c.clone());
        }
    }
    out
}

fn notice(source: &str, f: &injection::InjectionFlag, lang: Lang) -> InjectionNotice {
    let shown: String = f
        .text
        .chars()
        .map(|c| {
            if injection::is_hidden_character(c) {
                format!("U+{:04X}", c as u32)
            } else {
                c.to_string()
            }
        })
        .collect();
    InjectionNotice {
        source: source.to_string(),
        kind: f.kind.as_str().to_string(),
        text: shown,
        message: f.message(lang).to_string(),
    }
}

/// Makes a draft: the whole pipeline except saving. The model is only asked when at least one
/// product is eligible; with none (S20) or a client-level block (S2/S3) the memo states the
/// reasons and no model runs.
///
/// # Errors
/// [`AppError::Rule`] when an override is refused (S24) or a client-initiated product is not on
/// the shelf; [`AppError::Cancelled`] when `cancel` is set during generation (nothing is made);
/// model and search errors.
pub fn compose_draft(
    ctx: &DraftContext<'_>,
    input: &DraftInput,
    model: &mut ModelHandle,
    cancel: &CancelFlag,
    progress: &mut dyn FnMut(DraftProgress),
) -> Result<(DraftReport, DraftTimings)> {
    let started = Instant::now();
    let started_at = now_rfc3339();
    let mut timings = DraftTimings::default();
    let lang = input.lang;
    let profile = ctx.profile;
    let shelf = ctx.shelf;
    let policy = &ctx.rules.pack.policy;
    // The goal is untrusted free text: no line breaks, control or invisible characters.
    let goal = input
        .goal
        .as_deref()
        .map(|g| copilot_core::parse::sanitize_free_text(g, GOAL_MAX_CHARS))
        .filter(|g| !g.is_empty());
    for code in &input.client_initiated {
        if !shelf
            .iter()
            .any(|p| p.product_code.eq_ignore_ascii_case(code))
        {
            return Err(AppError::InvalidRequest(format!(
                "client-initiated product {code} is not on the shelf"
            )));
        }
    }
    let request = DraftRequest {
        amount: input.amount,
        goal: goal.clone(),
        client_initiated: input.client_initiated.clone(),
        channel: input.channel.clone().unwrap_or_else(|| "branch".into()),
        recording_id: input
            .recording_id
            .as_deref()
            .map(|r| copilot_core::parse::sanitize_free_text(r, 64))
            .filter(|r| !r.is_empty()),
        overrides: input.overrides.clone(),
        ..DraftRequest::new(lang, ctx.today)
    };
    let assessment = suitability::assess(profile, shelf, &request, policy);
    suitability::check_overrides(&assessment, &request.overrides, policy, lang)
        .map_err(AppError::Rule)?;
    progress(DraftProgress::Assessed {
        eligible: assessment.eligible.len(),
        excluded: assessment.excluded.len(),
    });
    let proposed = assessment.proposed.clone();

    // Evidence: each proposed product's facts in its own documents, then the best passage for
    // the goal (or a generic risk/fee query), retrieved only among the proposed products.
    let mut citations: Vec<Citation> = Vec::new();
    let mut flagged: Vec<FlaggedClaim> = Vec::new();
    for code in &proposed {
        let Some(product) = shelf.iter().find(|p| &p.product_code == code) else {
            continue;
        };
        let (cited, uncited) = evidence::fact_citations(product, ctx.documents);
        citations.extend(cited);
        for f in uncited {
            flagged.push(FlaggedClaim {
                text: format!("{code} {}: {}", f.name, f.display),
                reason: match lang {
                    Lang::Zh => format!("产品货架上的 {} 在该产品的文件中找不到出处，请核对产品资料。", f.name),
                    Lang::En => format!("The shelf's {} is not stated in any of the product's documents; check the product data.", f.name),
                },
                rule_id: rules::S14,
                category: Some("uncited_fact".into()),
                start: 0,
                end: 0,
            });
        }
    }
    let query = match request.goal.as_deref() {
        Some(g) if !g.trim().is_empty() => format!("{g} 风险 费率 risk fee"),
        _ => "风险 费率 赎回 risk fee redemption".to_string(),
    };
    for code in &proposed {
        let hits = ctx
            .index
            .search(&query, Some(std::slice::from_ref(code)), 1)?;
        citations.extend(hits.into_iter().map(|h| Citation {
            product_code: h.product_code,
            document_id: h.document_id,
            start: h.start,
            end: h.end,
            text: h.text,
            fact: None,
            figure: None,
        }));
    }

    // Prompt injection: the notes, the goal and every document of the proposed products are
    // scanned; flagged text goes to the reviewer. Notes and document text never reach the model; a flagged goal is left out of the
    // prompt entirely.
    let mut injections = Vec::new();
    if let Some(notes) = &profile.notes {
        for f in injection::scan(notes.expose(), &ctx.rules.injection) {
            injections.push(notice("notes", &f, lang));
        }
    }
    let mut goal_for_model = goal.as_deref().map(injection::neutralize);
    if let Some(g) = &goal {
        let flags = injection::scan(g, &ctx.rules.injection);
        if !flags.is_empty() {
            goal_for_model = None;
        }
        for f in flags {
            injections.push(notice("goal", &f, lang));
        }
    }
    for doc in ctx
        .documents
        .iter()
        .filter(|d| proposed.contains(&d.product_code))
    {
        for f in injection::scan(&doc.text, &ctx.rules.injection) {
            injections.push(notice(&format!("document:{}", doc.document_id), &f, lang));
        }
    }

    let facts = prompt::collect_facts(profile, shelf, &assessment, &request, policy);
    let mut rationale_model = String::new();
    timings.prepare_ms = started.elapsed().as_secs_f64() * 1e3;
    if assessment.has_recommendation() {
        let p = prompt::render_prompt(&facts, goal_for_model.as_deref(), lang);
        if !model.is_loaded() {
            progress(DraftProgress::LoadingModel);
        }
        let model = model.get()?;
        let text =
            model.render_chat(&[ChatMessage::system(p.system), ChatMessage::user(p.user)])?;
        progress(DraftProgress::Prompting {
            prompt_chars: text.chars().count(),
        });
        // Greedy (reproducible); figures and codes only from the facts (constrained decoding);
        // a mild repeat penalty against loops.
        let params = GenerationParams {
            ban_numerals: true,
            allowed_figures: allowed_figures(&facts, &citations, &proposed),
            repeat_penalty: 1.1,
            repeat_last_n: 64,
            ..GenerationParams::greedy(RATIONALE_MAX_TOKENS)
        };
        let generation = model.generate(&text, &params, cancel, &mut |piece| {
            progress(DraftProgress::Token(piece.to_string()))
        })?;
        if generation.stop_reason == StopReason::Cancelled {
            return Err(AppError::Cancelled);
        }
        timings.prefill_ms = generation.prefill.as_secs_f64() * 1e3;
        timings.decode_ms = generation.decode.as_secs_f64() * 1e3;
        timings.generated_tokens = generation.tokens.len();
        timings.prompt_tokens = generation.prompt_tokens;
        timings.reused_prefix_tokens = generation.reused_prefix_tokens;
        rationale_model = generation.text;
    }
    let finish_started = Instant::now();
    progress(DraftProgress::Verifying);
    let verified = grounding::verify(
        &rationale_model,
        &facts,
        &citations,
        shelf,
        &proposed,
        &ctx.rules.lint,
        lang,
    );
    flagged.extend(verified.flagged);
    // The goal is printed in the memo as the advisor typed it: it is linted too (S13), so that a
    // promise written into the goal blocks submission like one in the rationale.
    if let Some(g) = &goal {
        for f in copilot_core::lint::lint(g, &ctx.rules.lint) {
            flagged.push(FlaggedClaim {
                text: f.text.clone(),
                reason: match lang {
                    Lang::Zh => format!("投资目的：{}", f.message(lang)),
                    Lang::En => format!("Goal: {}", f.message(lang)),
                },
                rule_id: rules::S13,
                category: Some(f.category.as_str().to_string()),
                start: 0,
                end: 0,
            });
        }
    }
    let provenance = Provenance {
        // The manifest's values: a loaded model was verified against them.
        model_sha256: model.entry().sha256.clone(),
        model_name: model.entry().name.clone(),
        quantization: model.entry().quantization.clone(),
        prompt_version: prompt::PROMPT_VERSION.to_string(),
        rules_version: ctx.rules.version(),
        rules_sha256: ctx.rules.pack.sha256.clone(),
        index_snapshot: ctx.index.snapshot_id()?,
        operator: ctx.operator.to_string(),
        created_at: now_rfc3339(),
        started_at: Some(started_at),
    };
    let text = memo::render(&memo::MemoInput {
        profile,
        shelf,
        assessment: &assessment,
        request: &request,
        policy,
        rationale: &verified.text,
        overrides: &request.overrides,
        citations: &citations,
        provenance: Some(&provenance),
    });
    let mut blocks = assessment.blocks.clone();
    if let Some(s20) = &assessment.no_recommendation {
        blocks.push(s20.clone());
    }
    let report = DraftReport {
        draft_id: new_draft_id(),
        client_id: profile.client_id.clone(),
        lang,
        amount: input.amount.map(|m| m.amount.to_string()),
        currency: input.amount.map(|m| m.currency.to_string()),
        goal,
        has_recommendation: assessment.has_recommendation(),
        blocks,
        proposed: proposed.clone(),
        eligible: assessment.eligible.clone(),
        excluded: assessment.excluded.clone(),
        rationale_model,
        rationale: verified.text,
        ai_text: text.clone(),
        text,
        flagged,
        citations,
        provenance,
        warnings: assessment.warnings.clone(),
        requirements: assessment.requirements.clone(),
        overrides: request.overrides.clone(),
        client_initiated: request.client_initiated.clone(),
        channel: Some(request.channel.clone()),
        recording_id: request.recording_id.clone(),
        injection: injections,
        retain_until: Some(suitability::retain_until(ctx.today, policy).to_string()),
        invalidated: None,
    };
    timings.finish_ms = finish_started.elapsed().as_secs_f64() * 1e3;
    Ok((report, timings))
}

impl Workspace {
    /// Makes a draft with [`compose_draft`] and saves it. Cancelling via `cancel` returns
    /// [`AppError::Cancelled`] and saves nothing.
    pub fn draft(
        &mut self,
        input: &DraftInput,
        model: &mut ModelHandle,
        cancel: &CancelFlag,
        progress: &mut dyn FnMut(DraftProgress),
    ) -> Result<(DraftReport, DraftTimings)> {
        let profile = self.client(&input.client_id)?;
        let shelf = self.store.list_products()?;
        let documents = self.store.list_documents()?;
        let today = crate::workspace::today()?;
        let operator = self.actor()?.0;
        let ctx = DraftContext {
            profile: &profile,
            shelf: &shelf,
            documents: &documents,
            index: &self.index,
            rules: &self.rules,
            today,
            operator: &operator,
        };
        let (report, mut timings) = compose_draft(&ctx, input, model, cancel, progress)?;
        let save = Instant::now();
        let record = copilot_core::review::new_record(&report.draft_id, &operator, 1, None);
        let entry = copilot_store::AuditEntry::new(
            operator.clone(),
            copilot_core::audit::actions::DRAFT,
            report.draft_id.clone(),
            serde_json::json!({
                "client_id": report.client_id,
                "lang": report.lang,
                "proposed": report.proposed,
                "excluded": report.excluded.len(),
                "flagged": report.flagged.len(),
                "overrides": report.overrides,
                "text_sha256": copilot_core::review::text_sha256(&report.text),
                "provenance": report.provenance,
            }),
        );
        self.record_model_in_use(&report.provenance)?;
        self.store.insert_draft(&report, &record, &entry)?;
        timings.finish_ms += save.elapsed().as_secs_f64() * 1e3;
        Ok((report, timings))
    }
}

/// A new draft id: `D-` and a random (v4) UUID in simple form.
pub(crate) fn new_draft_id() -> String {
    format!("D-{}", uuid::Uuid::new_v4().simple())
}
