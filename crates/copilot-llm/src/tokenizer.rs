//! A tokenizer rebuilt from a GGUF file's own metadata, matching llama.cpp's
//! token ids.
//!
//! candle's built-in GGUF tokenizer adds a leading space to every segment and
//! refuses SentencePiece vocabularies, so this module builds a
//! [`tokenizers::Tokenizer`] from the `tokenizer.ggml.*` keys instead:
//!
//! - `tokenizer.ggml.model = "gpt2"`: byte-level BPE from the file's vocabulary
//!   and merges. The pre-tokenizer follows llama.cpp's `tokenizer.ggml.pre`:
//!   `"smollm"` splits every digit on its own (`\p{N}`), then applies the GPT-2
//!   regex; `"gpt2"`/`"default"` apply the GPT-2 regex alone. Other
//!   pre-tokenizers are refused rather than approximated.
//! - `tokenizer.ggml.model = "llama"` (SentencePiece, e.g. Gemma): BPE over
//!   `▁`-escaped text whose merges are rebuilt from the token scores (a merge
//!   `a b` exists when `a`, `b` and `ab` are all tokens; its rank follows the
//!   score of `ab`, as llama.cpp's SPM tokenizer prefers higher scores), with
//!   byte fallback to the `<0xNN>` tokens.
//! - Control and user-defined tokens (`token_type` 3 and 4, e.g. `<|im_start|>`)
//!   are added tokens, matched atomically wherever their text occurs.
//!
//! Decoding does not go through `tokenizers`: every id maps to the exact bytes
//! it stands for (control tokens to nothing), so that streaming can assemble
//! UTF-8 characters split across tokens (see [`Utf8Stream`]).

use std::collections::HashMap;

use candle_core::quantized::gguf_file::Value;
use tokenizers::models::bpe::{Vocab, BPE};
use tokenizers::normalizers::{Prepend, Replace};
use tokenizers::pre_tokenizers::byte_level::ByteLevel;
use tokenizers::pre_tokenizers::digits::Digits;
use tokenizers::pre_tokenizers::sequence::Sequence;
use tokenizers::{AddedToken, NormalizerWrapper, PreTokenizerWrapper, Tokenizer};

use crate::error::{LlmError, Result};

/// llama.cpp's token attribute, from `tokenizer.ggml.token_type`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenType {
    /// An ordinary vocabulary entry (1).
    Normal,
    /// The unknown token (2).
    Unknown,
    /// A control token such as `<|im_end|>` (3): matched atomically, rendered as nothing.
    Control,
    /// A user-defined token (4): matched atomically, rendered as its text.
    UserDefined,
    /// An unused slot (5): rendered as nothing.
    Unused,
    /// A byte token `<0xNN>` (6): rendered as that byte.
    Byte,
}

impl TokenType {
    fn from_gguf(value: i64) -> Self {
        match value {
            2 => TokenType::Unknown,
            3 => TokenType::Control,
            4 => TokenType::UserDefined,
            5 => TokenType::Unused,
            6 => TokenType::Byte,
            _ => TokenType::Normal,
        }
    }
}

/// Which vocabulary family the file uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VocabularyKind {
    /// Byte-level BPE (`tokenizer.ggml.model = "gpt2"`), e.g. SmolLM2.
    BytePairGpt2,
    /// SentencePiece (`tokenizer.ggml.model = "llama"`), e.g. Gemma.
    SentencePiece,
}

/// A tokenizer built from GGUF metadata only. Ids are `u32` indices into
/// `tokenizer.ggml.tokens`.
#[derive(Clone)]
pub struct GgufTokenizer {
    inner: Tokenizer,
    kind: VocabularyKind,
    token_bytes: Vec<Vec<u8>>,
    token_types: Vec<TokenType>,
    bos: Option<u32>,
    eos: Option<u32>,
    add_bos: bool,
    end_of_generation: Vec<u32>,
    /// Control and user-defined tokens with their text, longest first.
    special_texts: Vec<(u32, String)>,
}

impl std::fmt::Debug for GgufTokenizer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GgufTokenizer")
            .field("kind", &self.kind)
            .field("vocab_size", &self.token_bytes.len())
            .field("bos", &self.bos)
            .field("eos", &self.eos)
            .field("add_bos", &self.add_bos)
            .field("end_of_generation", &self.end_of_generation)
            .finish()
    }
}

fn tok_err(message: impl Into<String>) -> LlmError {
    LlmError::Tokenizer(message.into())
}

fn get_string_array<'a>(md: &'a HashMap<String, Value>, key: &str) -> Result<Vec<&'a str>> {
    match md.get(key) {
        Some(Value::Array(values)) => values
            .iter()
            .map(|v| match v {
                Value::String(s) => Ok(s.as_str()),
                _ => Err(tok_err(format!("{key} must be an array of strings"))),
            })
            .collect(),
        Some(_) => Err(tok_err(format!("{key} must be an array"))),
        None => Err(tok_err(format!("metadata has no {key}"))),
    }
}

fn value_as_i64(v: &Value) -> Option<i64> {
    Some(match v {
        Value::U8(x) => i64::from(*x),
        Value::I8(x) => i64::from(*x),
        Value::U16(x) => i64::from(*x),
        Value::I16(x) => i64::from(*x),
        Value::U32(x) => i64::from(*x),
        Value::I32(x) => i64::from(*x),
        Value::U64(x) => i64::try_from(*x).ok()?,
        Value::I64(x) => *x,
        _ => return None,
    })
}

fn get_id(md: &HashMap<String, Value>, key: &str, vocab: usize) -> Result<Option<u32>> {
    match md.get(key) {
        None => Ok(None),
        Some(v) => {
            let id = value_as_i64(v).ok_or_else(|| tok_err(format!("{key} must be an integer")))?;
            // llama.cpp writes -1 (as u32::MAX in some files) for "none".
            if id < 0 || id == i64::from(u32::MAX) {
                return Ok(None);
            }
            if id as u64 >= vocab as u64 {
                return Err(tok_err(format!(
                    "{key} = {id} is outside the vocabulary of {vocab} tokens"
                )));
            }
            Ok(Some(id as u32))
        }
    }
}

fn get_bool(md: &HashMap<String, Value>, key: &str) -> Option<bool> {
    match md.get(key) {
        Some(Value::Bool(b)) => Some(*b),
        _ => None,
    }
}

/// GPT-2's reversible byte → printable character map (`bytes_to_unicode` in
/// OpenAI's `encoder.py`).
pub(crate) fn gpt2_byte_to_char() -> [char; 256] {
    let mut table = ['\0'; 256];
    let mut n = 0u32;
    for b in 0..=255u8 {
        let printable = (b'!'..=b'~').contains(&b) || (0xA1..=0xAC).contains(&b) || b >= 0xAE;
        table[b as usize] = if printable {
            char::from(b)
        } else {
            let c = char::from_u32(256 + n).unwrap_or('\0');
            n += 1;
            c
        };
    }
    table
}

/// Parses a SentencePiece byte token such as `<0x0A>`.
fn parse_byte_token(text: &str) -> Option<u8> {
    let hex = text.strip_prefix("<0x")?.strip_suffix('>')?;
    if hex.len() != 2 {
        return None;
    }
    u8::from_str_radix(hex, 16).ok()
}

/// Texts that llama.cpp treats as end-of-generation when they are control
/// tokens (`llama_vocab::impl::load`, "auto-detect special tokens by text").
const END_OF_GENERATION_TEXTS: &[&str] = &[
    "<|eot_id|>",
    "<|im_end|>",
    "<|end|>",
    "<end_of_turn>",
    "<|endoftext|>",
    "<|eom_id|>",
    "<EOT>",
    "_<EOT>",
    "<｜end▁of▁sentence｜>",
];

impl GgufTokenizer {
    /// Builds the tokenizer from a GGUF file's metadata map (as read by candle).
    ///
    /// # Errors
    /// [`LlmError::Tokenizer`] when required keys are missing or of the wrong
    /// type, the vocabulary family or pre-tokenizer is not supported, or the
    /// `tokenizers` crate rejects the vocabulary.
    pub fn from_gguf_metadata(md: &HashMap<String, Value>) -> Result<Self> {
        let model = match md.get("tokenizer.ggml.model") {
            Some(Value::String(s)) => s.as_str(),
            _ => return Err(tok_err("metadata has no tokenizer.ggml.model")),
        };
        let tokens = get_string_array(md, "tokenizer.ggml.tokens")?;
        if tokens.is_empty() || tokens.len() > u32::MAX as usize {
            return Err(tok_err("tokenizer.ggml.tokens is empty or too large"));
        }
        let token_types: Vec<TokenType> = match md.get("tokenizer.ggml.token_type") {
            Some(Value::Array(values)) => {
                if values.len() != tokens.len() {
                    return Err(tok_err(format!(
                        "tokenizer.ggml.token_type has {} entries for {} tokens",
                        values.len(),
                        tokens.len()
                    )));
                }
                values
                    .iter()
                    .map(|v| {
                        value_as_i64(v)
                            .map(TokenType::from_gguf)
                            .ok_or_else(|| tok_err("tokenizer.ggml.token_type must hold integers"))
                    })
                    .collect::<Result<_>>()?
            }
            _ => vec![TokenType::Normal; tokens.len()],
        };
        let vocab_len = tokens.len();
        let bos = get_id(md, "tokenizer.ggml.bos_token_id", vocab_len)?;
        let eos = get_id(md, "tokenizer.ggml.eos_token_id", vocab_len)?;
        let eot = get_id(md, "tokenizer.ggml.eot_token_id", vocab_len)?;
        let eom = get_id(md, "tokenizer.ggml.eom_token_id", vocab_len)?;

        let (kind, mut inner, token_bytes, add_bos_default) = match model {
            "gpt2" => {
                let pre = match md.get("tokenizer.ggml.pre") {
                    Some(Value::String(s)) => s.as_str(),
                    _ => "default",
                };
                let (tokenizer, bytes) = build_gpt2(md, &tokens, &token_types, pre)?;
                (VocabularyKind::BytePairGpt2, tokenizer, bytes, false)
            }
            "llama" => {
                let add_space_prefix =
                    get_bool(md, "tokenizer.ggml.add_space_prefix").unwrap_or(true);
                let (tokenizer, bytes) =
                    build_sentencepiece(md, &tokens, &token_types, add_space_prefix)?;
                (VocabularyKind::SentencePiece, tokenizer, bytes, true)
            }
            other => {
                return Err(tok_err(format!(
                    "tokenizer model `{other}` is not supported (expected gpt2 or llama)"
                )))
            }
        };

        // Control and user-defined tokens are matched atomically in the input.
        let mut special_texts: Vec<(u32, String)> = Vec::new();
        let mut added = Vec::new();
        for (id, (text, ty)) in tokens.iter().zip(&token_types).enumerate() {
            if matches!(ty, TokenType::Control | TokenType::UserDefined) && !text.is_empty() {
                added.push(AddedToken::from(text.to_string(), true));
                special_texts.push((id as u32, text.to_string()));
            }
        }
        inner
            .add_special_tokens(added)
            .map_err(|e| tok_err(format!("cannot add control tokens: {e}")))?;
        special_texts.sort_by(|a, b| b.1.len().cmp(&a.1.len()).then(a.0.cmp(&b.0)));

        // The end-of-generation set, as llama.cpp builds it.
        let mut end_of_generation: Vec<u32> = [eos, eot, eom].into_iter().flatten().collect();
        for (id, (text, ty)) in tokens.iter().zip(&token_types).enumerate() {
            if matches!(ty, TokenType::Control | TokenType::UserDefined)
                && END_OF_GENERATION_TEXTS.contains(text)
            {
                end_of_generation.push(id as u32);
            }
        }
        end_of_generation.sort_unstable();
        end_of_generation.dedup();

        let add_bos = get_bool(md, "tokenizer.ggml.add_bos_token").unwrap_or(add_bos_default);
        Ok(GgufTokenizer {
            inner,
            kind,
            token_bytes,
            token_types,
            bos,
            eos,
            add_bos: add_bos && bos.is_some(),
            end_of_generation,
            special_texts,
        })
    }

    /// Encodes `text` into token ids without adding BOS; the text of control
    /// and user-defined tokens is recognised as those tokens (llama.cpp's
    /// `add_special = false, parse_special = true`).
    ///
    /// # Errors
    /// [`LlmError::Tokenizer`] if the `tokenizers` crate fails.
    pub fn encode(&self, text: &str) -> Result<Vec<u32>> {
        let encoding = self
            .inner
            .encode_fast(text, false)
            .map_err(|e| tok_err(format!("encoding failed: {e}")))?;
        Ok(encoding.get_ids().to_vec())
    }

    /// Encodes a whole prompt: [`encode`](Self::encode), preceded by BOS when
    /// the file asks for it (`tokenizer.ggml.add_bos_token`; SentencePiece
    /// vocabularies default to yes, byte-level BPE to no).
    ///
    /// # Errors
    /// As [`encode`](Self::encode).
    pub fn encode_prompt(&self, text: &str) -> Result<Vec<u32>> {
        let mut ids = Vec::new();
        if let (true, Some(bos)) = (self.add_bos, self.bos) {
            ids.push(bos);
        }
        ids.extend(self.encode(text)?);
        Ok(ids)
    }

    /// The exact bytes token `id` renders as: nothing for control and unused
    /// tokens, the raw text for user-defined tokens, the byte for byte tokens.
    /// `None` when `id` is outside the vocabulary.
    pub fn token_bytes(&self, id: u32) -> Option<&[u8]> {
        self.token_bytes.get(id as usize).map(Vec::as_slice)
    }

    /// The token type of `id`, `None` outside the vocabulary.
    pub fn token_type(&self, id: u32) -> Option<TokenType> {
        self.token_types.get(id as usize).copied()
    }

    /// Decodes ids into text; invalid or incomplete UTF-8 becomes U+FFFD.
    /// Ids outside the vocabulary are skipped.
    pub fn decode(&self, ids: &[u32]) -> String {
        let bytes: Vec<u8> = ids
            .iter()
            .filter_map(|id| self.token_bytes(*id))
            .flatten()
            .copied()
            .collect();
        String::from_utf8_lossy(&bytes).into_owned()
    }

    /// Number of tokens in the vocabulary (`tokenizer.ggml.tokens`).
    pub fn vocab_size(&self) -> usize {
        self.token_bytes.len()
    }

    /// The vocabulary family.
    pub fn kind(&self) -> VocabularyKind {
        self.kind
    }

    /// `tokenizer.ggml.bos_token_id`, if any.
    pub fn bos_token_id(&self) -> Option<u32> {
        self.bos
    }

    /// `tokenizer.ggml.eos_token_id`, if any.
    pub fn eos_token_id(&self) -> Option<u32> {
        self.eos
    }

    /// Whether [`encode_prompt`](Self::encode_prompt) adds BOS.
    pub fn adds_bos(&self) -> bool {
        self.add_bos
    }

    /// The ids that end generation: EOS, EOT and EOM when declared, plus every
    /// control token whose text is a known end-of-turn marker (`<|im_end|>`,
    /// `<end_of_turn>`, `<|eot_id|>`, `<|endoftext|>`, …), as llama.cpp does.
    pub fn end_of_generation_ids(&self) -> &[u32] {
        &self.end_of_generation
    }

    /// Whether `id` ends generation (see [`end_of_generation_ids`](Self::end_of_generation_ids)).
    pub fn is_end_of_generation(&self, id: u32) -> bool {
        self.end_of_generation.binary_search(&id).is_ok()
    }

    /// The first control or user-defined token whose text occurs in `text`,
    /// as `(id, byte offset)`. Used to refuse chat messages that would inject
    /// turn markup.
    pub fn find_special_token_text(&self, text: &str) -> Option<(u32, usize)> {
        self.special_texts
            .iter()
            .filter_map(|(id, t)| text.find(t.as_str()).map(|at| (*id, at)))
            .min_by_key(|(_, at)| *at)
    }

    /// The text of token `id` as stored in the vocabulary (e.g. `"<|im_end|>"`).
    pub fn token_text(&self, id: u32) -> Option<String> {
        self.inner.id_to_token(id)
    }

    /// The underlying `tokenizers` tokenizer (encoding only; use
    /// [`decode`](Self::decode) or [`token_bytes`](Self::token_bytes) to decode).
    pub fn inner(&self) -> &Tokenizer {
        &self.inner
    }
}

fn build_gpt2(
    md: &HashMap<String, Value>,
    tokens: &[&str],
    token_types: &[TokenType],
    pre: &str,
) -> Result<(Tokenizer, Vec<Vec<u8>>)> {
    let merges_raw = get_string_array(md, "tokenizer.ggml.merges")?;
    // llama.cpp maps text to id with later duplicates winning.
    let mut vocab = Vocab::default();
    for (id, t) in tokens.iter().enumerate() {
        vocab.insert((*t).to_string(), id as u32);
    }
    let mut merges = Vec::with_capacity(merges_raw.len());
    for m in merges_raw {
        // llama.cpp splits at the first space after the first character.
        let split = m
            .char_indices()
            .skip(1)
            .find(|(_, c)| *c == ' ')
            .map(|(i, _)| i)
            .ok_or_else(|| tok_err("a merge in tokenizer.ggml.merges has no space"))?;
        let (a, b) = (&m[..split], &m[split + 1..]);
        let merged = format!("{a}{b}");
        // A merge naming tokens outside the vocabulary can never apply.
        if vocab.contains_key(a) && vocab.contains_key(b) && vocab.contains_key(&merged) {
            merges.push((a.to_string(), b.to_string()));
        }
    }
    let bpe = BPE::builder()
        .vocab_and_merges(vocab, merges)
        .build()
        .map_err(|e| tok_err(format!("cannot build BPE: {e}")))?;
    let mut tokenizer = Tokenizer::new(bpe);
    let byte_level = ByteLevel::new(false, false, true);
    let pre_tokenizer: PreTokenizerWrapper = match pre {
        "smollm" => Sequence::new(vec![Digits::new(true).into(), byte_level.into()]).into(),
        "gpt2" | "gpt-2" | "default" => byte_level.into(),
        other => {
            return Err(tok_err(format!(
                "pre-tokenizer `{other}` is not supported (supported: smollm, gpt2, default)"
            )))
        }
    };
    tokenizer.with_pre_tokenizer(Some(pre_tokenizer));
    tokenizer.with_decoder(Some(ByteLevel::new(false, false, true)));

    let table = gpt2_byte_to_char();
    let mut char_to_byte: HashMap<char, u8> = HashMap::with_capacity(256);
    for (b, c) in table.iter().enumerate() {
        char_to_byte.insert(*c, b as u8);
    }
    let token_bytes = tokens
        .iter()
        .zip(token_types)
        .map(|(text, ty)| match ty {
            TokenType::Control | TokenType::Unused => Vec::new(),
            TokenType::UserDefined => text.as_bytes().to_vec(),
            _ => {
                let mut out = Vec::with_capacity(text.len());
                for c in text.chars() {
                    match char_to_byte.get(&c) {
                        Some(b) => out.push(*b),
                        None => {
                            let mut buf = [0u8; 4];
                            out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
                        }
                    }
                }
                out
            }
        })
        .collect();
    Ok((tokenizer, token_bytes))
}

fn build_sentencepiece(
    md: &HashMap<String, Value>,
    tokens: &[&str],
    token_types: &[TokenType],
    add_space_prefix: bool,
) -> Result<(Tokenizer, Vec<Vec<u8>>)> {
    let scores: Vec<f32> = match md.get("tokenizer.ggml.scores") {
        Some(Value::Array(values)) if values.len() == tokens.len() => values
            .iter()
            .map(|v| match v {
                Value::F32(x) => Ok(*x),
                _ => Err(tok_err("tokenizer.ggml.scores must hold F32 values")),
            })
            .collect::<Result<_>>()?,
        Some(_) => {
            return Err(tok_err(
                "tokenizer.ggml.scores must be an array with one score per token",
            ))
        }
        None => {
            return Err(tok_err(
                "SentencePiece vocabulary without tokenizer.ggml.scores",
            ))
        }
    };
    let unk = get_id(md, "tokenizer.ggml.unknown_token_id", tokens.len())?;

    // Only normal (and user-defined) pieces take part in merging; byte,
    // control and unused tokens are reached through byte fallback or as
    // added tokens.
    let mut vocab = Vocab::default();
    for (id, (t, ty)) in tokens.iter().zip(token_types).enumerate() {
        match ty {
            TokenType::Normal | TokenType::UserDefined => {
                vocab.entry((*t).to_string()).or_insert(id as u32);
            }
            TokenType::Byte | TokenType::Unknown | TokenType::Control | TokenType::Unused => {
                vocab.insert((*t).to_string(), id as u32);
            }
        }
    }
    let merges = merges_from_scores(tokens, token_types, &scores);
    let mut builder = BPE::builder()
        .vocab_and_merges(vocab, merges)
        .byte_fallback(true)
        .fuse_unk(true);
    if let Some(unk) = unk {
        builder = builder.unk_token(tokens[unk as usize].to_string());
    }
    let bpe = builder
        .build()
        .map_err(|e| tok_err(format!("cannot build SentencePiece BPE: {e}")))?;
    let mut tokenizer = Tokenizer::new(bpe);
    let mut normalizers: Vec<NormalizerWrapper> = Vec::new();
    if add_space_prefix {
        normalizers.push(Prepend::new("▁".to_string()).into());
    }
    normalizers.push(
        Replace::new(" ", "▁")
            .map_err(|e| tok_err(format!("cannot build normalizer: {e}")))?
            .into(),
    );
    let normalizer: NormalizerWrapper = tokenizers::normalizers::Sequence::new(normalizers).into();
    tokenizer
        .with_normalizer(Some(normalizer))
        .map_err(|e| tok_err(format!("cannot set normalizer: {e}")))?;

    let token_bytes = tokens
        .iter()
        .zip(token_types)
        .map(|(text, ty)| match ty {
            TokenType::Control | TokenType::Unused => Vec::new(),
            TokenType::UserDefined => text.as_bytes().to_vec(),
            TokenType::Byte => parse_byte_token(text).map(|b| vec![b]).unwrap_or_default(),
            _ => text.replace('▁', " ").into_bytes(),
        })
        .collect();
    Ok((tokenizer, token_bytes))
}

/// Rebuilds BPE merges from SentencePiece scores: for every normal token `ab`,
/// every split into two normal tokens `a` + `b` is a merge, ranked by the score
/// of `ab` (higher first), ties broken by the id of `ab` and then by the split
/// position. This reproduces llama.cpp's SPM bigram merging, which always
/// merges the adjacent pair whose concatenation has the highest score.
fn merges_from_scores(
    tokens: &[&str],
    token_types: &[TokenType],
    scores: &[f32],
) -> Vec<(String, String)> {
    let mut piece_ids: HashMap<&str, u32> = HashMap::with_capacity(tokens.len());
    for (id, (t, ty)) in tokens.iter().zip(token_types).enumerate() {
        if matches!(ty, TokenType::Normal | TokenType::UserDefined) {
            piece_ids.entry(*t).or_insert(id as u32);
        }
    }
    let mut ranked: Vec<(f32, u32, usize, &str, &str)> = Vec::new();
    for (id, (t, ty)) in tokens.iter().zip(token_types).enumerate() {
        if !matches!(ty, TokenType::Normal | TokenType::UserDefined) {
            continue;
        }
        for (split, _) in t.char_indices().skip(1) {
            let (a, b) = t.split_at(split);
            if piece_ids.contains_key(a) && piece_ids.contains_key(b) {
                ranked.push((scores[id], id as u32, split, a, b));
            }
        }
    }
    ranked.sort_by(|x, y| y.0.total_cmp(&x.0).then(x.1.cmp(&y.1)).then(x.2.cmp(&y.2)));
    ranked
        .into_iter()
        .map(|(_, _, _, a, b)| (a.to_string(), b.to_string()))
        .collect()
}

/// Assembles token bytes into complete UTF-8 characters for streaming.
///
/// [`push`](Self::push) returns only whole characters; bytes of a character
/// split across tokens wait for the rest. A byte sequence that can never
/// become valid UTF-8 is replaced by U+FFFD so the stream never stalls.
#[derive(Debug, Default, Clone)]
pub struct Utf8Stream {
    pending: Vec<u8>,
}

impl Utf8Stream {
    /// A stream with nothing pending.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds `bytes` and returns the complete characters now available
    /// (possibly empty).
    pub fn push(&mut self, bytes: &[u8]) -> String {
        self.pending.extend_from_slice(bytes);
        let mut out = String::new();
        loop {
            match std::str::from_utf8(&self.pending) {
                Ok(s) => {
                    out.push_str(s);
                    self.pending.clear();
                    return out;
                }
                Err(e) => {
                    let valid = e.valid_up_to();
                    // Safe: `from_utf8` just checked this prefix.
                    out.push_str(std::str::from_utf8(&self.pending[..valid]).unwrap_or_default());
                    match e.error_len() {
                        Some(bad) => {
                            out.push(char::REPLACEMENT_CHARACTER);
                            self.pending.drain(..valid + bad);
                        }
                        None => {
                            self.pending.drain(..valid);
                            return out;
                        }
                    }
                }
            }
        }
    }

    /// Bytes waiting for the rest of a character.
    pub fn pending(&self) -> &[u8] {
        &self.pending
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn byte_map_is_a_bijection() {
        let table = gpt2_byte_to_char();
        let mut seen: Vec<char> = table.to_vec();
        seen.sort_unstable();
        seen.dedup();
        assert_eq!(seen.len(), 256);
        assert_eq!(table[b' ' as usize], 'Ġ');
        assert_eq!(table[b'\n' as usize], 'Ċ');
        assert_eq!(table[b'a' as usize], 'a');
    }

    #[test]
    fn utf8_stream_only_emits_whole_characters() {
        let mut s = Utf8Stream::new();
        let text = "a中€😀";
        let bytes = text.as_bytes();
        let mut out = String::new();
        for b in bytes {
            let piece = s.push(std::slice::from_ref(b));
            // Every piece is whole characters by construction of `String`.
            out.push_str(&piece);
        }
        assert_eq!(out, text);
        assert!(s.pending().is_empty());
        // Split in the middle of a 3-byte character.
        let mut s = Utf8Stream::new();
        assert_eq!(s.push(&[0xE4, 0xB8]), "");
        assert_eq!(s.pending(), &[0xE4, 0xB8]);
        assert_eq!(s.push(&[0xAD, b'!']), "中!");
        // Bytes that can never be valid are replaced, not held forever.
        let mut s = Utf8Stream::new();
        assert_eq!(s.push(&[0xFF, b'x']), "\u{FFFD}x");
        assert_eq!(s.push(&[0xE4, b'y']), "\u{FFFD}y");
    }

    #[test]
    fn byte_tokens_parse() {
        assert_eq!(parse_byte_token("<0x0A>"), Some(10));
        assert_eq!(parse_byte_token("<0xFF>"), Some(255));
        assert_eq!(parse_byte_token("<0x1>"), None);
        assert_eq!(parse_byte_token("0x0A"), None);
    }

    fn md(entries: Vec<(&str, Value)>) -> HashMap<String, Value> {
        entries
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect()
    }

    fn strings(v: &[&str]) -> Value {
        Value::Array(v.iter().map(|s| Value::String(s.to_string())).collect())
    }

    #[test]
    fn tiny_gpt2_vocabulary_encodes_and_decodes() {
        let tokens = [
            "<|im_end|>",
            "h",
            "e",
            "l",
            "o",
            "Ġ",
            "he",
            "ll",
            "hell",
            "hello",
            "Ġh",
            "1",
            "2",
            "12",
        ];
        let types: Vec<Value> = (0..tokens.len())
            .map(|i| Value::I32(if i == 0 { 3 } else { 1 }))
            .collect();
        let m = md(vec![
            ("tokenizer.ggml.model", Value::String("gpt2".into())),
            ("tokenizer.ggml.pre", Value::String("smollm".into())),
            ("tokenizer.ggml.tokens", strings(&tokens)),
            ("tokenizer.ggml.token_type", Value::Array(types)),
            (
                "tokenizer.ggml.merges",
                strings(&["h e", "l l", "he ll", "hell o", "Ġ h", "1 2"]),
            ),
            ("tokenizer.ggml.eos_token_id", Value::U32(0)),
        ]);
        let t = GgufTokenizer::from_gguf_metadata(&m).expect("tokenizer");
        assert_eq!(t.encode("hello").unwrap(), vec![9]);
        assert_eq!(t.encode("hello<|im_end|>").unwrap(), vec![9, 0]);
        // Digits are split one by one, so the merge `1 2` never applies.
        assert_eq!(t.encode("12").unwrap(), vec![11, 12]);
        assert_eq!(t.encode(" h").unwrap(), vec![10]);
        assert_eq!(t.decode(&[10, 9, 0]), " hhello");
        assert!(t.is_end_of_generation(0));
        assert!(!t.adds_bos());
        assert_eq!(t.find_special_token_text("x<|im_end|>"), Some((0, 1)));
    }

    #[test]
    fn unknown_pre_tokenizer_is_refused() {
        let m = md(vec![
            ("tokenizer.ggml.model", Value::String("gpt2".into())),
            ("tokenizer.ggml.pre", Value::String("qwen2".into())),
            ("tokenizer.ggml.tokens", strings(&["a"])),
            ("tokenizer.ggml.merges", strings(&[])),
        ]);
        assert!(matches!(
            GgufTokenizer::from_gguf_metadata(&m),
            Err(LlmError::Tokenizer(_))
        ));
    }

    #[test]
    fn tiny_sentencepiece_vocabulary_encodes() {
        let tokens = ["<unk>", "<bos>", "<0x0A>", "▁", "a", "b", "ab", "▁ab", "c"];
        let types: Vec<Value> = [2, 3, 6, 1, 1, 1, 1, 1, 1]
            .iter()
            .map(|t| Value::I32(*t))
            .collect();
        let scores: Vec<Value> = [0.0f32, 0.0, 0.0, -1.0, -2.0, -2.0, -1.5, -1.0, -3.0]
            .iter()
            .map(|s| Value::F32(*s))
            .collect();
        let m = md(vec![
            ("tokenizer.ggml.model", Value::String("llama".into())),
            ("tokenizer.ggml.tokens", strings(&tokens)),
            ("tokenizer.ggml.token_type", Value::Array(types)),
            ("tokenizer.ggml.scores", Value::Array(scores)),
            ("tokenizer.ggml.bos_token_id", Value::U32(1)),
            ("tokenizer.ggml.unknown_token_id", Value::U32(0)),
            ("tokenizer.ggml.add_space_prefix", Value::Bool(false)),
        ]);
        let t = GgufTokenizer::from_gguf_metadata(&m).expect("tokenizer");
        assert_eq!(t.encode(" ab").unwrap(), vec![7]);
        assert_eq!(t.encode("abc").unwrap(), vec![6, 8]);
        // A newline has no piece: byte fallback.
        assert_eq!(t.encode("a\n").unwrap(), vec![4, 2]);
        assert_eq!(t.encode_prompt("a").unwrap(), vec![1, 4]);
        assert_eq!(t.decode(&[1, 7, 2]), " ab\n");
    }
}
