//! Loading a checked GGUF model and generating text with it.

use std::fs::File;
use std::io::{BufReader, Read, Seek, SeekFrom};
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use candle_core::quantized::gguf_file;
use candle_core::{DType, Device, Tensor};
use sha2::{Digest, Sha256};

use crate::chat::{ChatMessage, ChatTemplate};
use crate::error::{LlmError, Result};
use crate::figures::{AllowedFigures, FigureCursor};
use crate::gguf::{inspect_reader, GgufSummary};
use crate::models::gemma3::Gemma3;
use crate::models::llama::Llama;
use crate::numerals::{FigureStep, NumeralBan};
use crate::sampler::{sampling_for, Sampler};
use crate::tokenizer::{GgufTokenizer, Utf8Stream};

/// Prompt tokens fed to the model per forward pass during prefill. Bounds the
/// attention scratch memory and lets cancellation take effect between chunks.
pub const PREFILL_CHUNK_TOKENS: usize = 512;

/// Computes the SHA-256 of a file, streaming it in 64 KiB blocks (the file is
/// never read whole into memory).
///
/// Returns 64 lowercase hex characters.
///
/// # Errors
/// [`LlmError::Io`] if the file cannot be opened or read.
pub fn sha256_file(path: &Path) -> Result<String> {
    let mut file = File::open(path).map_err(|e| LlmError::io(path, e))?;
    sha256_reader(&mut file, path)
}

fn sha256_reader<R: Read>(reader: &mut R, path: &Path) -> Result<String> {
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        let n = match reader.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(LlmError::io(path, e)),
        };
        hasher.update(&buf[..n]);
    }
    Ok(hex::encode(hasher.finalize()))
}

/// How to load a model.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LoadOptions {
    /// Compute threads. `None` = every core this process may run on (unless
    /// `RAYON_NUM_THREADS` or `CANDLE_NUM_THREADS` is set, which then wins).
    ///
    /// candle's thread pools are process-wide and created once, so the count
    /// chosen by the first load in a process holds for every later load; a
    /// later load asking for a different count logs a warning and reports
    /// the count in force in [`ModelInfo::threads`]. candle reads the count
    /// from `RAYON_NUM_THREADS`/`CANDLE_NUM_THREADS` only, so the first load
    /// sets those variables (which also sizes rayon's global pool if nothing
    /// built it yet): make the first load before other threads read the
    /// environment, or set the variables yourself.
    pub threads: Option<usize>,
}

/// What was loaded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModelInfo {
    /// `general.name` from the file, or the file name when absent.
    pub name: String,
    /// `general.architecture`, e.g. `"llama"`.
    pub architecture: String,
    /// Quantization, e.g. `"Q4_1"` (see [`GgufSummary::quantization`]).
    pub quantization: String,
    /// Usable context window in tokens (prompt plus generated): the file's
    /// `<arch>.context_length`, capped at [`MAX_CONTEXT_TOKENS`].
    pub context_length: usize,
    /// SHA-256 of the file, lowercase hex.
    pub sha256: String,
    /// Size of the file in bytes.
    pub file_size: u64,
    /// Tokens in the vocabulary.
    pub vocab_size: usize,
    /// Compute threads in force for this process.
    pub threads: usize,
}

/// A cooperative cancellation signal shared between the caller and a running
/// generation; clones share one flag.
#[derive(Debug, Clone, Default)]
pub struct CancelFlag(Arc<AtomicBool>);

impl CancelFlag {
    /// A flag that is not set.
    pub fn new() -> Self {
        Self::default()
    }

    /// Asks the generation using this flag to stop. It stops before the next
    /// forward pass (at most one prefill chunk or one token later).
    pub fn cancel(&self) {
        self.0.store(true, Ordering::SeqCst);
    }

    /// Whether [`cancel`](Self::cancel) was called.
    pub fn is_cancelled(&self) -> bool {
        self.0.load(Ordering::SeqCst)
    }
}

/// Settings for one generation.
#[derive(Debug, Clone, PartialEq)]
pub struct GenerationParams {
    /// Most tokens to generate (the end-of-turn token is not counted).
    pub max_new_tokens: usize,
    /// Softmax temperature; `0` = greedy (arg-max, deterministic).
    pub temperature: f64,
    /// Keep only the `k` most likely tokens before sampling (`None` or 0 = all).
    pub top_k: Option<usize>,
    /// Keep the smallest set of tokens whose probability reaches `p`
    /// (`None`, ≤ 0 or ≥ 1 = all). Applied after top-k.
    pub top_p: Option<f64>,
    /// Seed of the sampling random number generator.
    pub seed: u64,
    /// Repeat penalty (`1.0` = none); see [`crate::sampler`].
    pub repeat_penalty: f32,
    /// How many of the latest context tokens the repeat penalty looks at.
    pub repeat_last_n: usize,
    /// Forbid tokens that spell figures (see [`crate::numerals`] for the rule),
    /// except the figures of [`allowed_figures`](Self::allowed_figures).
    pub ban_numerals: bool,
    /// Figures and product codes the model may still write under
    /// [`ban_numerals`](Self::ban_numerals) (constrained decoding), as they
    /// appear in the facts: e.g. `["0.30%", "BF01", "2026-02-25", "10,000"]`.
    ///
    /// A figure word (a maximal run of ASCII or full-width letters, digits and
    /// `.` `,` `%` `-` `/` that holds a digit or `%`) may be written only while
    /// it is a prefix of one of these, compared case-insensitively after
    /// full-width to ASCII normalisation, and must equal one when it ends;
    /// a figure followed by `.`/`,` (a full stop or comma) counts as the
    /// figure. Other numeral forms (Chinese and Roman numerals, superscripts,
    /// circled numbers, `‰`, …) stay banned. The exact rule is in
    /// [`crate::figures`]. The end of a generation (end of turn, or
    /// `max_new_tokens`) may still cut a figure short. Empty (the default) =
    /// every figure is banned; ignored when `ban_numerals` is false.
    pub allowed_figures: Vec<String>,
}

impl Default for GenerationParams {
    /// 256 tokens, temperature 0.7, top-k 40, top-p 0.95, seed 42, repeat
    /// penalty 1.1 over the last 64 tokens, numerals allowed (no allow-list).
    fn default() -> Self {
        GenerationParams {
            max_new_tokens: 256,
            temperature: 0.7,
            top_k: Some(40),
            top_p: Some(0.95),
            seed: 42,
            repeat_penalty: 1.1,
            repeat_last_n: 64,
            ban_numerals: false,
            allowed_figures: Vec::new(),
        }
    }
}

impl GenerationParams {
    /// Greedy decoding of at most `max_new_tokens`, no penalty, no bans: the
    /// setting that must reproduce llama.cpp's tokens.
    pub fn greedy(max_new_tokens: usize) -> Self {
        GenerationParams {
            max_new_tokens,
            temperature: 0.0,
            top_k: None,
            top_p: None,
            seed: 0,
            repeat_penalty: 1.0,
            repeat_last_n: 0,
            ban_numerals: false,
            allowed_figures: Vec::new(),
        }
    }
}

/// Why generation stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StopReason {
    /// The model produced an end-of-generation token (EOS, `<|im_end|>`, …);
    /// that token is not part of [`Generation::tokens`] or the text.
    EndOfTurn {
        /// The end-of-generation token.
        token_id: u32,
    },
    /// `max_new_tokens` tokens were generated.
    MaxNewTokens,
    /// The [`CancelFlag`] was set; the text so far is kept.
    Cancelled,
}

/// The result of [`LocalModel::generate`].
#[derive(Debug, Clone, PartialEq)]
pub struct Generation {
    /// The generated text: exactly the concatenation of the pieces passed to
    /// `on_token`. An incomplete UTF-8 character at the very end (generation
    /// stopped mid-character) is left out.
    pub text: String,
    /// Generated token ids, without the end-of-generation token.
    pub tokens: Vec<u32>,
    /// Tokens in the encoded prompt (including BOS when added).
    pub prompt_tokens: usize,
    /// Of those, how many were restored from the prefix cache instead of computed.
    pub reused_prefix_tokens: usize,
    /// Why generation stopped.
    pub stop_reason: StopReason,
    /// Wall time of prompt processing (tokenization excluded).
    pub prefill: Duration,
    /// Wall time of token generation after the prefill.
    pub decode: Duration,
}

impl Generation {
    /// `Err(LlmError::Cancelled)` when the generation was cancelled, the
    /// generation itself otherwise; for callers that treat cancellation as an
    /// error once they have read the partial text.
    ///
    /// # Errors
    /// [`LlmError::Cancelled`] when `stop_reason` is [`StopReason::Cancelled`].
    pub fn completed(self) -> Result<Self> {
        match self.stop_reason {
            StopReason::Cancelled => Err(LlmError::Cancelled),
            _ => Ok(self),
        }
    }
}

/// Largest usable context, in tokens, whatever the file declares: bounds the
/// KV cache (SmolLM2-135M: 46 KiB per token, 184 MiB at this limit).
pub const MAX_CONTEXT_TOKENS: usize = 4096;

/// The model implementations this crate runs.
#[derive(Clone)]
enum Backend {
    Llama(Llama),
    Gemma3(Gemma3),
}

impl Backend {
    fn forward(&mut self, tokens: &[u32], index_pos: usize) -> Result<Vec<f32>> {
        let input = Tensor::new(tokens, &Device::Cpu)?.unsqueeze(0)?;
        let logits = match self {
            Backend::Llama(model) => model.forward(&input, index_pos)?,
            Backend::Gemma3(model) => model.forward(&input, index_pos)?,
        };
        Ok(logits.squeeze(0)?.to_dtype(DType::F32)?.to_vec1::<f32>()?)
    }
}

/// The model state after a fixed prompt prefix, kept to skip its prefill.
struct PrefixCache {
    tokens: Vec<u32>,
    backend: Backend,
    logits: Vec<f32>,
}

/// A loaded, checked local model with its tokenizer and chat template.
///
/// Not `Sync`: one generation at a time (`generate` takes `&mut self`).
pub struct LocalModel {
    info: ModelInfo,
    summary: GgufSummary,
    tokenizer: GgufTokenizer,
    template: ChatTemplate,
    backend: Backend,
    /// Positions held by the backend's KV cache.
    kv_len: usize,
    numeral_ban: NumeralBan,
    prefix_cache: Option<PrefixCache>,
}

impl std::fmt::Debug for LocalModel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LocalModel")
            .field("info", &self.info)
            .finish_non_exhaustive()
    }
}

static THREADS: OnceLock<usize> = OnceLock::new();

/// Fixes candle's (process-wide) thread count on first use; see [`LoadOptions::threads`].
fn configure_threads(requested: Option<usize>) -> usize {
    let requested = requested.filter(|n| *n > 0);
    let in_force = *THREADS.get_or_init(|| {
        let from_env = ["CANDLE_NUM_THREADS", "RAYON_NUM_THREADS"]
            .iter()
            .any(|k| std::env::var_os(k).is_some());
        let threads = match (requested, from_env) {
            (Some(n), _) => Some(n),
            (None, false) => std::thread::available_parallelism().ok().map(|n| n.get()),
            (None, true) => None,
        };
        if let Some(n) = threads {
            // candle reads these once, when its thread pools are first built;
            // there is no other way to set its thread count.
            std::env::set_var("RAYON_NUM_THREADS", n.to_string());
            std::env::set_var("CANDLE_NUM_THREADS", n.to_string());
        }
        candle_core::utils::get_num_threads()
    });
    if let Some(n) = requested {
        if n != in_force {
            tracing::warn!(
                requested = n,
                in_force,
                "candle's thread count is fixed for the process; keeping the first"
            );
        }
    }
    in_force
}

impl LocalModel {
    /// Opens `path` once, verifies its SHA-256 equals `expected_sha256` (hex,
    /// case-insensitive), validates it with the same rules as
    /// [`inspect_gguf`](crate::inspect_gguf), builds the tokenizer from its
    /// metadata, and loads the weights with candle, all from the same open file.
    ///
    /// # Errors
    /// [`LlmError::Io`]; [`LlmError::ChecksumMismatch`] before anything else is
    /// parsed; [`LlmError::Truncated`] / [`LlmError::MalformedGguf`] from the
    /// validation; [`LlmError::UnsupportedArchitecture`] for anything but
    /// `llama` and `gemma3`; [`LlmError::Tokenizer`] / [`LlmError::Template`] when the
    /// tokenizer or chat template cannot be built; [`LlmError::Candle`] when
    /// candle cannot load the tensors.
    pub fn load(path: &Path, expected_sha256: &str, opts: &LoadOptions) -> Result<Self> {
        let started = Instant::now();
        let threads = configure_threads(opts.threads);
        let mut file = File::open(path).map_err(|e| LlmError::io(path, e))?;
        let file_size = file.metadata().map_err(|e| LlmError::io(path, e))?.len();

        let sha256 = sha256_reader(&mut file, path)?;
        let expected = expected_sha256.trim().to_ascii_lowercase();
        if sha256 != expected {
            return Err(LlmError::ChecksumMismatch {
                path: path.to_path_buf(),
                expected,
                actual: sha256,
            });
        }

        file.seek(SeekFrom::Start(0))
            .map_err(|e| LlmError::io(path, e))?;
        let summary = inspect_reader(&mut file, file_size, path)?;
        if !matches!(summary.architecture.as_str(), "llama" | "gemma3") {
            return Err(LlmError::UnsupportedArchitecture(summary.architecture));
        }
        let file_context = summary.context_length.ok_or_else(|| {
            LlmError::malformed(
                path,
                format!("metadata has no {}.context_length", summary.architecture),
            )
        })?;
        let context_length = usize::try_from(file_context)
            .unwrap_or(usize::MAX)
            .min(MAX_CONTEXT_TOKENS);

        file.seek(SeekFrom::Start(0))
            .map_err(|e| LlmError::io(path, e))?;
        let mut reader = BufReader::new(file);
        let content = gguf_file::Content::read(&mut reader)?;
        let tokenizer = GgufTokenizer::from_gguf_metadata(&content.metadata)?;
        let file_template = match content.metadata.get("tokenizer.chat_template") {
            Some(gguf_file::Value::String(s)) => Some(s.clone()),
            _ => None,
        };
        let template = ChatTemplate::for_model(file_template, &summary.architecture)?;
        let backend = if summary.architecture == "gemma3" {
            Backend::Gemma3(Gemma3::from_gguf(
                content,
                &mut reader,
                &Device::Cpu,
                context_length,
            )?)
        } else {
            Backend::Llama(Llama::from_gguf(
                content,
                &mut reader,
                &Device::Cpu,
                context_length,
            )?)
        };
        let numeral_ban = NumeralBan::for_tokenizer(&tokenizer);

        let name = summary.name.clone().unwrap_or_else(|| {
            path.file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default()
        });
        let info = ModelInfo {
            name,
            architecture: summary.architecture.clone(),
            quantization: summary.quantization.clone(),
            context_length,
            sha256,
            file_size,
            vocab_size: tokenizer.vocab_size(),
            threads,
        };
        tracing::info!(
            architecture = %info.architecture,
            quantization = %info.quantization,
            sha256 = %info.sha256,
            threads,
            elapsed_ms = started.elapsed().as_millis() as u64,
            "model loaded"
        );
        Ok(LocalModel {
            info,
            summary,
            tokenizer,
            template,
            backend,
            kv_len: 0,
            numeral_ban,
            prefix_cache: None,
        })
    }

    /// What was loaded.
    pub fn info(&self) -> &ModelInfo {
        &self.info
    }

    /// The validated header and metadata summary of the file.
    pub fn gguf_summary(&self) -> &GgufSummary {
        &self.summary
    }

    /// The model's tokenizer.
    pub fn tokenizer(&self) -> &GgufTokenizer {
        &self.tokenizer
    }

    /// The token ids the numeral ban always excludes for this vocabulary.
    pub fn banned_numeral_ids(&self) -> &[u32] {
        self.numeral_ban.banned_ids()
    }

    /// Renders the chat template from the GGUF metadata (`tokenizer.chat_template`)
    /// with minijinja and `add_generation_prompt = true`; a file without a
    /// template uses its architecture's fallback (Gemma 3 base: plain
    /// completion text). The result is the prompt text for [`generate`](Self::generate).
    ///
    /// # Errors
    /// [`LlmError::Template`] if the template fails, or a message contains
    /// the text of a control token such as `<|im_start|>` (so message content
    /// cannot forge turn markup).
    pub fn render_chat(&self, messages: &[ChatMessage]) -> Result<String> {
        self.template.render(messages, &self.tokenizer)
    }

    /// Runs the model on `tokens` placed at positions `index_pos..`, and
    /// returns the logits of the last position (`vocab_size` values).
    ///
    /// `index_pos = 0` starts a new sequence (the KV cache is replaced);
    /// otherwise `index_pos` must equal the number of positions already
    /// processed since then. This is the bare forward pass that
    /// [`generate`](Self::generate) is built on, for benchmarks and tests.
    ///
    /// # Errors
    /// [`LlmError::PromptTooLong`] when `index_pos + tokens.len()` exceeds the
    /// context length; [`LlmError::Candle`] when `tokens` is empty, `index_pos`
    /// does not continue the cached sequence, or candle fails.
    pub fn forward(&mut self, tokens: &[u32], index_pos: usize) -> Result<Vec<f32>> {
        if tokens.is_empty() {
            return Err(LlmError::Candle("forward needs at least one token".into()));
        }
        if index_pos != 0 && index_pos != self.kv_len {
            return Err(LlmError::Candle(format!(
                "index_pos {index_pos} does not continue the cached sequence of {} positions",
                self.kv_len
            )));
        }
        let end = index_pos + tokens.len();
        if end > self.info.context_length {
            return Err(LlmError::PromptTooLong {
                prompt_tokens: end,
                max_prompt_tokens: self.info.context_length,
                context_length: self.info.context_length,
            });
        }
        // A failed pass leaves the cache in an unknown state.
        self.kv_len = 0;
        let logits = self.backend.forward(tokens, index_pos)?;
        self.kv_len = end;
        Ok(logits)
    }

    /// Processes `prefix` (encoded as [`generate`](Self::generate) encodes a
    /// prompt) and keeps the model state after it. A later prompt whose token
    /// ids start with these ids skips their prefill, which is what makes the
    /// first token of a draft fast when the instructions are fixed. Replaces
    /// any earlier prefix; returns the number of tokens cached.
    ///
    /// The result of a generation is the same with or without the cache up to
    /// floating-point rounding (the prompt is processed in two passes instead
    /// of one).
    ///
    /// # Errors
    /// [`LlmError::PromptTooLong`] if the prefix does not fit the context;
    /// [`LlmError::Tokenizer`] / [`LlmError::Candle`] as for `generate`.
    pub fn cache_prefix(&mut self, prefix: &str) -> Result<usize> {
        self.prefix_cache = None;
        let tokens = self.tokenizer.encode_prompt(prefix)?;
        if tokens.is_empty() {
            return Ok(0);
        }
        let mut logits = Vec::new();
        for (i, chunk) in tokens.chunks(PREFILL_CHUNK_TOKENS).enumerate() {
            logits = self.forward(chunk, i * PREFILL_CHUNK_TOKENS)?;
        }
        let count = tokens.len();
        self.prefix_cache = Some(PrefixCache {
            tokens,
            backend: self.backend.clone(),
            logits,
        });
        Ok(count)
    }

    /// Drops the cached prefix, if any.
    pub fn clear_prefix_cache(&mut self) {
        self.prefix_cache = None;
    }

    /// Generates a continuation of `prompt` (text as produced by
    /// [`render_chat`](Self::render_chat); BOS is added when the file asks
    /// for it), streaming it through `on_token`.
    ///
    /// - `on_token` receives each new piece of text; pieces are always whole
    ///   UTF-8 characters (a character split across tokens is held back until
    ///   complete), and their concatenation equals [`Generation::text`].
    /// - Stops at an end-of-generation token, after `params.max_new_tokens`
    ///   tokens, or when `cancel` is set (checked before every forward pass).
    /// - Cancellation is not an error: it returns `Ok` with
    ///   [`StopReason::Cancelled`] and the partial text and tokens; call
    ///   [`Generation::completed`] to turn it into [`LlmError::Cancelled`].
    ///
    /// # Errors
    /// [`LlmError::PromptTooLong`] before any computation when the prompt has
    /// more than `context_length - max_new_tokens` tokens;
    /// [`LlmError::Tokenizer`] when the prompt cannot be encoded or encodes to
    /// no tokens; [`LlmError::Candle`] when the model fails.
    pub fn generate(
        &mut self,
        prompt: &str,
        params: &GenerationParams,
        cancel: &CancelFlag,
        on_token: &mut dyn FnMut(&str),
    ) -> Result<Generation> {
        let prompt_ids = self.tokenizer.encode_prompt(prompt)?;
        if prompt_ids.is_empty() {
            return Err(LlmError::Tokenizer(
                "the prompt encodes to no tokens".into(),
            ));
        }
        let context_length = self.info.context_length;
        let max_prompt_tokens = context_length.saturating_sub(params.max_new_tokens);
        if prompt_ids.len() > max_prompt_tokens {
            return Err(LlmError::PromptTooLong {
                prompt_tokens: prompt_ids.len(),
                max_prompt_tokens,
                context_length,
            });
        }
        let mut generation = Generation {
            text: String::new(),
            tokens: Vec::new(),
            prompt_tokens: prompt_ids.len(),
            reused_prefix_tokens: 0,
            stop_reason: StopReason::MaxNewTokens,
            prefill: Duration::ZERO,
            decode: Duration::ZERO,
        };
        if cancel.is_cancelled() {
            generation.stop_reason = StopReason::Cancelled;
            return Ok(generation);
        }
        if params.max_new_tokens == 0 {
            return Ok(generation);
        }

        // Prefill, reusing the cached prefix when the prompt starts with it.
        let prefill_started = Instant::now();
        let mut position = 0;
        let mut logits = Vec::new();
        if let Some(cache) = &self.prefix_cache {
            if prompt_ids.starts_with(&cache.tokens) {
                self.backend = cache.backend.clone();
                self.kv_len = cache.tokens.len();
                position = cache.tokens.len();
                logits = cache.logits.clone();
                generation.reused_prefix_tokens = position;
            }
        }
        while position < prompt_ids.len() {
            if cancel.is_cancelled() {
                generation.stop_reason = StopReason::Cancelled;
                generation.prefill = prefill_started.elapsed();
                return Ok(generation);
            }
            let end = (position + PREFILL_CHUNK_TOKENS).min(prompt_ids.len());
            logits = self.forward(&prompt_ids[position..end], position)?;
            position = end;
        }
        generation.prefill = prefill_started.elapsed();

        let decode_started = Instant::now();
        let mut sampler = Sampler::new(
            sampling_for(params.temperature, params.top_k, params.top_p),
            params.seed,
            params.repeat_penalty,
            params.repeat_last_n,
        );
        let mut context = prompt_ids;
        let mut stream = Utf8Stream::new();
        // Built once per generation; empty = the plain numeral ban.
        let allowed = AllowedFigures::new(&params.allowed_figures);
        let constrained = params.ban_numerals && !allowed.is_empty();
        let mut cursor = FigureCursor::new();
        let stop_reason = loop {
            if cancel.is_cancelled() {
                break StopReason::Cancelled;
            }
            let (completing, step) = if constrained {
                let step = self.numeral_ban.figure_step(
                    &self.tokenizer,
                    &allowed,
                    cursor.word(),
                    stream.pending(),
                );
                (Vec::new(), step)
            } else if params.ban_numerals {
                let completing = self
                    .numeral_ban
                    .completes_banned(&self.tokenizer, stream.pending());
                (completing, FigureStep::default())
            } else {
                (Vec::new(), FigureStep::default())
            };
            let mut banned: Vec<&[u32]> = Vec::new();
            if constrained {
                banned.push(self.numeral_ban.hard_ids());
                banned.push(&step.banned);
                if step.ban_terminators {
                    banned.push(self.numeral_ban.terminator_ids());
                }
            } else if params.ban_numerals {
                banned.push(self.numeral_ban.banned_ids());
                banned.push(&completing);
            }
            let next = sampler.sample(&logits, &context, &banned)?;
            if self.tokenizer.is_end_of_generation(next) {
                break StopReason::EndOfTurn { token_id: next };
            }
            generation.tokens.push(next);
            context.push(next);
            let piece = stream.push(self.tokenizer.token_bytes(next).unwrap_or_default());
            if !piece.is_empty() {
                cursor.push(&piece);
                on_token(&piece);
                generation.text.push_str(&piece);
            }
            if generation.tokens.len() >= params.max_new_tokens {
                break StopReason::MaxNewTokens;
            }
            if cancel.is_cancelled() {
                break StopReason::Cancelled;
            }
            logits = self.forward(&[next], position)?;
            position += 1;
        };
        generation.stop_reason = stop_reason;
        generation.decode = decode_started.elapsed();
        Ok(generation)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn assert_send<T: Send>() {}

    #[test]
    fn model_and_flag_can_move_to_a_worker_thread() {
        assert_send::<LocalModel>();
        assert_send::<CancelFlag>();
        assert_send::<Generation>();
    }

    #[test]
    fn cancellation_is_shared_between_clones() {
        let flag = CancelFlag::new();
        let other = flag.clone();
        assert!(!other.is_cancelled());
        flag.cancel();
        assert!(other.is_cancelled());
    }

    #[test]
    fn completed_turns_cancellation_into_an_error() {
        let generation = Generation {
            text: "partial".into(),
            tokens: vec![1, 2],
            prompt_tokens: 3,
            reused_prefix_tokens: 0,
            stop_reason: StopReason::Cancelled,
            prefill: Duration::ZERO,
            decode: Duration::ZERO,
        };
        assert!(matches!(
            generation.clone().completed(),
            Err(LlmError::Cancelled)
        ));
        let done = Generation {
            stop_reason: StopReason::MaxNewTokens,
            ..generation
        };
        assert_eq!(done.completed().unwrap().text, "partial");
    }

    #[test]
    fn sha256_is_streamed_lowercase_hex() {
        let dir = std::env::temp_dir().join(format!("copilot-llm-sha-{}", std::process::id()));
        std::fs::write(&dir, b"abc").unwrap();
        assert_eq!(
            sha256_file(&dir).unwrap(),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        std::fs::remove_file(&dir).unwrap();
        assert!(matches!(sha256_file(&dir), Err(LlmError::Io { .. })));
    }
}
