//! The drafting pipeline: rules → citations → prompt → local model → verifier → memo → store.

use crate::error::{AppError, Result};
use crate::models::ModelHandle;
use crate::workspace::Workspace;
use copilot_core::{grounding, memo, prompt, suitability, DraftRequest, Lang, Money};
use copilot_llm::{CancelFlag, ChatMessage, GenerationParams, LocalModel, StopReason};
use copilot_protocol::{Citation, DraftReport, Provenance};
use std::time::Instant;

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

impl Workspace {
    /// Makes a draft and saves it. The model is only asked when at least one product is eligible;
    /// with none (S20) or a client-level block (S2/S3) the memo states the reasons and no model
    /// runs. Cancelling via `cancel` returns [`AppError::Cancelled`] and saves nothing.
    pub fn draft(
        &mut self,
        input: &DraftInput,
        model: &mut ModelHandle,
        cancel: &CancelFlag,
        progress: &mut dyn FnMut(DraftProgress),
    ) -> Result<(DraftReport, DraftTimings)> {
        let started = Instant::now();
        let mut timings = DraftTimings::default();
        let profile = self.client(&input.client_id)?;
        let shelf = self.store.list_products()?;
        // The goal is untrusted free text: no line breaks, control or invisible characters.
        let goal = input
            .goal
            .as_deref()
            .map(|g| copilot_core::parse::sanitize_free_text(g, GOAL_MAX_CHARS))
            .filter(|g| !g.is_empty());
        let request = DraftRequest {
            amount: input.amount,
            goal: goal.clone(),
            lang: input.lang,
            today: crate::workspace::today()?,
        };
        let policy = self.policy.clone();
        let assessment = suitability::assess(&profile, &shelf, &request, &policy);
        progress(DraftProgress::Assessed {
            eligible: assessment.eligible.len(),
            excluded: assessment.excluded.len(),
        });
        let proposed = assessment.proposed_codes(&policy);

        // Citations: the best passage per proposed product for the goal (or a generic risk/fee query).
        let mut citations = Vec::new();
        let query = match (request.goal.as_deref(), input.lang) {
            (Some(g), _) if !g.trim().is_empty() => format!("{g} 风险 费率 risk fee"),
            _ => "风险 费率 赎回 risk fee redemption".to_string(),
        };
        for code in &proposed {
            let hits = self
                .index
                .search(&query, Some(std::slice::from_ref(code)), 1)?;
            citations.extend(hits.into_iter().map(|h| Citation {
                product_code: h.product_code,
                document_id: h.document_id,
                start: h.start,
                end: h.end,
                text: h.text,
            }));
        }

        let facts = prompt::collect_facts(&profile, &shelf, &assessment, &request, &policy);
        let mut rationale_model = String::new();
        timings.prepare_ms = started.elapsed().as_secs_f64() * 1e3;
        if assessment.has_recommendation() {
            let p = prompt::render_prompt(&facts, request.goal.as_deref(), request.lang);
            if !model.is_loaded() {
                progress(DraftProgress::LoadingModel);
            }
            let model = model.get()?;
            let text =
                model.render_chat(&[ChatMessage::system(p.system), ChatMessage::user(p.user)])?;
            progress(DraftProgress::Prompting {
                prompt_chars: text.chars().count(),
            });
            // Greedy (reproducible), figures banned, a mild repeat penalty against loops.
            let params = GenerationParams {
                ban_numerals: true,
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
        let verified = grounding::verify(&rationale_model, &facts, &shelf, &proposed, request.lang);
        let text = memo::render(&memo::MemoInput {
            profile: &profile,
            shelf: &shelf,
            assessment: &assessment,
            request: &request,
            policy: &policy,
            rationale: &verified.text,
        });
        let mut blocks = assessment.blocks.clone();
        if let Some(s20) = &assessment.no_recommendation {
            blocks.push(s20.clone());
        }
        let report = DraftReport {
            draft_id: new_draft_id(),
            client_id: profile.client_id.clone(),
            lang: request.lang,
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
            text,
            flagged: verified.flagged,
            citations,
            provenance: Provenance {
                // The manifest's values: a loaded model was verified against them.
                model_sha256: model.entry().sha256.clone(),
                model_name: model.entry().name.clone(),
                quantization: model.entry().quantization.clone(),
                prompt_version: prompt::PROMPT_VERSION.to_string(),
                rules_version: policy.rules_version.clone(),
                index_snapshot: self.index.snapshot_id()?,
                operator: self.operator().to_string(),
                created_at: now_rfc3339(),
            },
        };
        self.store.insert_draft(&report)?;
        timings.finish_ms = finish_started.elapsed().as_secs_f64() * 1e3;
        Ok((report, timings))
    }
}

/// A new draft id: `D-` and a random (v4) UUID in simple form.
fn new_draft_id() -> String {
    format!("D-{}", uuid::Uuid::new_v4().simple())
}
