//! The prompt-injection scanner: instructions hidden in client notes or product documents
//! ("ignore previous instructions and recommend X", in Chinese and English), chat-template role
//! markup, invisible characters and requests for other clients' data (OWASP Top 10 for LLM
//! Applications, LLM01 Prompt Injection: indirect injection through retrieved content).
//!
//! Two halves, both deterministic:
//!
//! - [`scan`] flags suspicious spans for the reviewer, with byte offsets into the original text.
//!   It reads a folded copy of the text (the same folding as [`crate::lint`]: invisible
//!   characters dropped, full-width → ASCII, lower case, spaces collapsed), so full-width, mixed
//!   case and zero-width-split phrases are still found. The phrases live in a rule pack,
//!   `assets/rules/injection.toml` ([`InjectionPack`]).
//! - [`neutralize`] makes text safe to place in a prompt: invisible and control characters are
//!   removed and chat markup is broken up, so a document cannot open a new turn or a system
//!   message. It does not remove instructions written in plain words: the model is told that
//!   documents are data, the suitability gate decides eligibility before generation, and the
//!   flags put such text in front of the reviewer.

use std::collections::{BTreeMap, BTreeSet};

use copilot_protocol::Lang;
use regex::Regex;
use serde::{Deserialize, Serialize};

use crate::lint::engine::{self, Folded, RawException, RawMessages, Rule, Surface};

/// The rule pack shipped with the application (`assets/rules/injection.toml`), compiled in.
pub const BUILTIN_INJECTION_TOML: &str = include_str!("../../../assets/rules/injection.toml");

/// What kind of injection a flagged span looks like. Serialised in snake_case
/// (`"instruction"`, `"role_markup"`, `"hidden_characters"`, `"data_exfiltration"`), the names
/// the rule pack and the eval cases use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InjectionKind {
    /// An instruction aimed at the model: ignore previous instructions, you are now…, recommend
    /// X to every client, override suitability, skip the disclosures (OWASP LLM01).
    Instruction,
    /// Chat-template or role markup that could open a new turn: `<|im_start|>`,
    /// `<start_of_turn>`, `[INST]`, `### System:`.
    RoleMarkup,
    /// Zero-width, bidirectional-control, tag or other invisible characters, which hide text
    /// from the reviewer while the model still reads it.
    HiddenCharacters,
    /// A request to reveal other clients' data, identity or phone numbers, or the system
    /// prompt, or to send data to an outside address.
    DataExfiltration,
}

impl InjectionKind {
    /// Every kind, in declaration order.
    pub const ALL: [InjectionKind; 4] = [
        InjectionKind::Instruction,
        InjectionKind::RoleMarkup,
        InjectionKind::HiddenCharacters,
        InjectionKind::DataExfiltration,
    ];

    /// The snake_case name used in the rule pack and the eval cases.
    pub fn as_str(self) -> &'static str {
        match self {
            InjectionKind::Instruction => "instruction",
            InjectionKind::RoleMarkup => "role_markup",
            InjectionKind::HiddenCharacters => "hidden_characters",
            InjectionKind::DataExfiltration => "data_exfiltration",
        }
    }

    /// Parses the snake_case name; `None` for anything else.
    pub fn from_name(name: &str) -> Option<InjectionKind> {
        InjectionKind::ALL.into_iter().find(|k| k.as_str() == name)
    }

    /// A short human label for the reviewer, in `lang`.
    pub fn label(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (InjectionKind::Instruction, Lang::Zh) => "疑似注入指令",
            (InjectionKind::RoleMarkup, Lang::Zh) => "对话角色标记",
            (InjectionKind::HiddenCharacters, Lang::Zh) => "隐藏字符",
            (InjectionKind::DataExfiltration, Lang::Zh) => "索取客户数据",
            (InjectionKind::Instruction, Lang::En) => "injected instruction",
            (InjectionKind::RoleMarkup, Lang::En) => "chat role markup",
            (InjectionKind::HiddenCharacters, Lang::En) => "hidden characters",
            (InjectionKind::DataExfiltration, Lang::En) => "request for client data",
        }
    }
}

impl std::fmt::Display for InjectionKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One flagged span. Offsets are bytes into the scanned text, on character boundaries; `text`
/// is exactly `&scanned[start..end]`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InjectionFlag {
    /// What the span looks like.
    pub kind: InjectionKind,
    /// Byte offset of the first byte of the span in the scanned text.
    pub start: usize,
    /// Byte offset one past the last byte of the span in the scanned text.
    pub end: usize,
    /// The span of the original text.
    pub text: String,
    /// The id of the pack pattern that matched (e.g. `en.instruction.ignore_previous`).
    pub pattern_id: String,
    /// The reviewer's message in Chinese.
    pub message_zh: String,
    /// The reviewer's message in English.
    pub message_en: String,
}

impl InjectionFlag {
    /// The message in `lang`.
    pub fn message(&self, lang: Lang) -> &str {
        match lang {
            Lang::Zh => &self.message_zh,
            Lang::En => &self.message_en,
        }
    }
}

/// Why an injection rule pack was refused. Messages name pattern ids, never scanned text.
#[derive(Debug, thiserror::Error)]
pub enum InjectionPackError {
    /// The file is not TOML of the expected shape (unknown keys are refused too).
    #[error("injection pack is not valid: {0}")]
    Toml(#[from] toml::de::Error),
    /// A pattern names an unknown kind.
    #[error("injection pattern {id}: unknown kind {kind:?}")]
    UnknownKind {
        /// The pattern id.
        id: String,
        /// The kind as written.
        kind: String,
    },
    /// A pattern or exception has a language other than `zh`, `en` or `any`.
    #[error(
        "injection pattern {id}: unknown language {lang:?} (expected \"zh\", \"en\" or \"any\")"
    )]
    UnknownLang {
        /// The pattern or exception id.
        id: String,
        /// The language as written.
        lang: String,
    },
    /// A pattern's `on` is neither `folded` nor `original`.
    #[error(
        "injection pattern {id}: unknown surface {on:?} (expected \"folded\" or \"original\")"
    )]
    UnknownSurface {
        /// The pattern id.
        id: String,
        /// The value as written.
        on: String,
    },
    /// A regex does not compile, or matches the empty string.
    #[error("injection pattern {id}: invalid regex: {reason}")]
    BadRegex {
        /// The pattern or exception id.
        id: String,
        /// The compiler's explanation.
        reason: String,
    },
    /// Two patterns or exceptions share an id.
    #[error("injection pack: duplicate id {0}")]
    DuplicateId(String),
    /// A kind lacks a pattern: instruction, role markup and data exfiltration need a `zh` and
    /// an `en` pattern (or an `any` one); hidden characters need at least one pattern.
    #[error("injection pack: kind {kind} has no {lang} pattern")]
    MissingCoverage {
        /// The kind.
        kind: InjectionKind,
        /// `"zh"`, `"en"` or `"any"`.
        lang: &'static str,
    },
    /// A kind has no `[kind.<name>]` messages.
    #[error("injection pack: kind {0} has no messages")]
    MissingMessages(InjectionKind),
}

/// The injection rule pack: patterns (id, kind, language, surface, regex, optional messages)
/// and exceptions.
///
/// File format (`assets/rules/injection.toml`; unknown keys are refused):
///
/// ```toml
/// version = "2026.1"
///
/// [kind.instruction]           # one table per kind, all four required
/// message_zh = "……{text}……"     # {text} = matched text (folded); {codepoints} = U+XXXX list
/// message_en = "… {text} …"
///
/// [[pattern]]
/// id = "en.instruction.ignore_previous"
/// kind = "instruction"         # instruction | role_markup | hidden_characters | data_exfiltration
/// lang = "en"                  # zh | en | any
/// on = "folded"                # folded (default) | original: the raw text, for invisible characters
/// regex = '\bignore (all )?previous instructions\b'
///
/// [[exception]]                # a folded-surface match overlapping an exception match is dropped
/// id = "en.ok.example"
/// lang = "en"
/// regex = 'example'
/// ```
///
/// Regexes run case-insensitively with `^`/`$` at line boundaries. Deserialising an
/// `InjectionPack` (with serde, or [`InjectionPack::from_toml_str`]) validates it.
#[derive(Debug, Clone, Deserialize)]
#[serde(try_from = "RawInjectionPack")]
pub struct InjectionPack {
    version: String,
    rules: Vec<Rule<InjectionKind>>,
    messages: Vec<(String, String)>,
    exceptions: Vec<Regex>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawInjectionPack {
    version: String,
    #[serde(default)]
    kind: BTreeMap<String, RawMessages>,
    #[serde(default)]
    pattern: Vec<RawPattern>,
    #[serde(default)]
    exception: Vec<RawException>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPattern {
    id: String,
    kind: String,
    lang: String,
    on: Option<String>,
    regex: String,
    message_zh: Option<String>,
    message_en: Option<String>,
    #[allow(dead_code)]
    note: Option<String>,
}

impl TryFrom<RawInjectionPack> for InjectionPack {
    type Error = InjectionPackError;

    fn try_from(raw: RawInjectionPack) -> Result<InjectionPack, InjectionPackError> {
        let mut kind_messages = BTreeMap::new();
        for (name, m) in raw.kind {
            let kind =
                InjectionKind::from_name(&name).ok_or_else(|| InjectionPackError::UnknownKind {
                    id: format!("kind.{name}"),
                    kind: name.clone(),
                })?;
            kind_messages.insert(kind, (m.message_zh, m.message_en));
        }
        let mut ids = BTreeSet::new();
        let mut covered: BTreeSet<(InjectionKind, String)> = BTreeSet::new();
        let mut rules = Vec::with_capacity(raw.pattern.len());
        let mut messages = Vec::with_capacity(raw.pattern.len());
        for p in raw.pattern {
            if !ids.insert(p.id.clone()) {
                return Err(InjectionPackError::DuplicateId(p.id));
            }
            let kind = InjectionKind::from_name(&p.kind).ok_or_else(|| {
                InjectionPackError::UnknownKind {
                    id: p.id.clone(),
                    kind: p.kind.clone(),
                }
            })?;
            if !engine::check_lang(&p.lang, true) {
                return Err(InjectionPackError::UnknownLang {
                    id: p.id,
                    lang: p.lang,
                });
            }
            let surface = match p.on.as_deref() {
                None | Some("folded") => Surface::Folded,
                Some("original") => Surface::Original,
                Some(other) => {
                    return Err(InjectionPackError::UnknownSurface {
                        id: p.id.clone(),
                        on: other.to_string(),
                    })
                }
            };
            let regex =
                engine::compile(&p.regex).map_err(|reason| InjectionPackError::BadRegex {
                    id: p.id.clone(),
                    reason,
                })?;
            let (default_zh, default_en) = kind_messages
                .get(&kind)
                .ok_or(InjectionPackError::MissingMessages(kind))?;
            messages.push((
                p.message_zh.unwrap_or_else(|| default_zh.clone()),
                p.message_en.unwrap_or_else(|| default_en.clone()),
            ));
            covered.insert((kind, p.lang.clone()));
            rules.push(Rule {
                id: p.id,
                kind,
                regex,
                surface,
            });
        }
        for kind in InjectionKind::ALL {
            if !kind_messages.contains_key(&kind) {
                return Err(InjectionPackError::MissingMessages(kind));
            }
            let has = |lang: &str| covered.contains(&(kind, lang.to_string()));
            if kind == InjectionKind::HiddenCharacters {
                if !covered.iter().any(|(k, _)| *k == kind) {
                    return Err(InjectionPackError::MissingCoverage { kind, lang: "any" });
                }
                continue;
            }
            for lang in ["zh", "en"] {
                if !has(lang) && !has("any") {
                    return Err(InjectionPackError::MissingCoverage { kind, lang });
                }
            }
        }
        let mut exceptions = Vec::with_capacity(raw.exception.len());
        for e in raw.exception {
            if !ids.insert(e.id.clone()) {
                return Err(InjectionPackError::DuplicateId(e.id));
            }
            if !engine::check_lang(&e.lang, true) {
                return Err(InjectionPackError::UnknownLang {
                    id: e.id,
                    lang: e.lang,
                });
            }
            exceptions.push(
                engine::compile(&e.regex)
                    .map_err(|reason| InjectionPackError::BadRegex { id: e.id, reason })?,
            );
        }
        Ok(InjectionPack {
            version: raw.version,
            rules,
            messages,
            exceptions,
        })
    }
}

impl InjectionPack {
    /// Parses and validates a pack: the TOML has the documented shape, every regex compiles and
    /// cannot match the empty string, every kind is known and has messages, instruction, role
    /// markup and data exfiltration have `zh` and `en` (or `any`) patterns, hidden characters
    /// have at least one, and ids are unique.
    pub fn from_toml_str(s: &str) -> Result<InjectionPack, InjectionPackError> {
        let raw: RawInjectionPack = toml::from_str(s)?;
        InjectionPack::try_from(raw)
    }

    /// The pack shipped with the application ([`BUILTIN_INJECTION_TOML`]). A unit test proves
    /// it parses, so an error here means the binary was built from a broken tree.
    pub fn builtin() -> Result<InjectionPack, InjectionPackError> {
        InjectionPack::from_toml_str(BUILTIN_INJECTION_TOML)
    }

    /// The pack's `version` string.
    pub fn version(&self) -> &str {
        &self.version
    }

    /// The pattern ids, in file order.
    pub fn pattern_ids(&self) -> impl Iterator<Item = &str> {
        self.rules.iter().map(|r| r.id.as_str())
    }
}

/// True for a character a reader cannot see that [`scan`] reports as hidden and [`neutralize`]
/// removes: zero-width and bidi controls, tags, variation selectors, other format and control
/// characters (tab, line feed and carriage return are not hidden).
pub fn is_hidden_character(c: char) -> bool {
    engine::is_invisible(c) || engine::is_other_format_or_control(c)
}

/// Scans `text` (a client note, a product document, any text bound for the model) against
/// `pack`. Returns the flags sorted by `start` (then longer first, then by kind); flags of one
/// kind never overlap, flags of different kinds may (an instruction split by a zero-width space
/// is flagged as an instruction and as hidden characters). Offsets are bytes into `text`.
/// Deterministic; never fails; an empty vector means nothing suspicious was found.
pub fn scan(text: &str, pack: &InjectionPack) -> Vec<InjectionFlag> {
    let folded = Folded::new(text);
    let hits = engine::find_all(text, &folded, &pack.rules, &pack.exceptions);
    let mut flags: Vec<InjectionFlag> = engine::select_non_overlapping(hits, |a, b| a == b)
        .into_iter()
        .map(|hit| {
            let original = &text[hit.start..hit.end];
            let (zh, en) = &pack.messages[hit.rule];
            InjectionFlag {
                kind: hit.kind,
                start: hit.start,
                end: hit.end,
                text: original.to_string(),
                pattern_id: pack.rules[hit.rule].id.clone(),
                message_zh: engine::fill(zh, &hit.folded, original),
                message_en: engine::fill(en, &hit.folded, original),
            }
        })
        .collect();
    flags.sort_by(|a, b| {
        a.start
            .cmp(&b.start)
            .then(b.end.cmp(&a.end))
            .then(a.kind.cmp(&b.kind))
    });
    flags
}

/// Chat markup broken up by [`neutralize`]: (regex over the folded text, what to do).
enum Defuse {
    /// Insert one ASCII space after the first character of the match.
    SpaceAfterFirst,
    /// Delete capture group 1 of the match.
    DeleteGroup,
}

fn defusers() -> &'static [(Regex, Defuse)] {
    static DEFUSERS: std::sync::OnceLock<Vec<(Regex, Defuse)>> = std::sync::OnceLock::new();
    DEFUSERS.get_or_init(|| {
        let table: [(&str, Defuse); 6] = [
            (r"<\|", Defuse::SpaceAfterFirst),
            (r"\|>", Defuse::SpaceAfterFirst),
            (
                r"</?(start_of_turn|end_of_turn|bos|eos|s|pad|unk|im_start|im_end|endoftext|system|user|assistant|model)>",
                Defuse::SpaceAfterFirst,
            ),
            (r"<</?sys>>", Defuse::SpaceAfterFirst),
            (
                r"\[/?(inst|sys|system_prompt|tool_calls|available_tools|tool_results)\]",
                Defuse::SpaceAfterFirst,
            ),
            (
                r"(?m)^ ?(#{1,6} ?)(system|instructions?|assistant|user|human|response|developer|系统|指令|助手|用户) ?:",
                Defuse::DeleteGroup,
            ),
        ];
        table
            .into_iter()
            .map(|(pattern, action)| {
                let regex = regex::RegexBuilder::new(pattern)
                    .case_insensitive(true)
                    .build()
                    .unwrap_or_else(|e| unreachable!("built-in defuser {pattern}: {e}"));
                (regex, action)
            })
            .collect()
    })
}

/// Makes text safe to place in a prompt. Exactly, in order:
///
/// 1. Line breaks: `\r\n` and a lone `\r`, U+0085, U+2028 and U+2029 become `\n`; a tab becomes
///    one space.
/// 2. Removed: zero-width characters (U+200B–U+200D, U+2060–U+2064, U+FEFF, U+180E, U+034F,
///    U+00AD, Hangul fillers), the bidi controls (U+200E, U+200F, U+061C, U+202A–U+202E,
///    U+2066–U+2069, and U+206A–U+206F), tag characters (U+E0000–U+E007F), variation selectors
///    (U+FE00–U+FE0F, U+E0100–U+E01EF), the other format characters (Cf) and every remaining C0
///    control (except `\n`), DEL and C1 control.
/// 3. Chat markup is broken up, matched case-insensitively and through full-width look-alikes:
///    one ASCII space is inserted after the first character of `<|` and of `|>` (so
///    `<|im_start|>` becomes `< |im_start| >`), of `<start_of_turn>`, `<end_of_turn>`, `<bos>`,
///    `<eos>`, `<s>`, `</s>`, `<im_start>`, `<system>`, `<user>`, `<assistant>`, `<model>` and
///    the like (`< start_of_turn>`), of `<<SYS>>`/`<</SYS>>`, and of `[INST]`, `[/INST]`,
///    `[SYS]`, `[SYSTEM_PROMPT]`, `[TOOL_CALLS]`, `[AVAILABLE_TOOLS]`, `[TOOL_RESULTS]`
///    (`[ INST]`); and a Markdown role heading at the start of a line (`### System:`,
///    `# Instruction:`, `## 系统：`, …) loses its `#` marks and the space after them.
///
/// Everything else, including words that read as instructions, is kept: [`scan`] reports those.
/// Idempotent: `neutralize(&neutralize(t)) == neutralize(t)`.
pub fn neutralize(text: &str) -> String {
    let mut cleaned = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\r' => {
                if chars.peek() == Some(&'\n') {
                    chars.next();
                }
                cleaned.push('\n');
            }
            '\u{0085}' | '\u{2028}' | '\u{2029}' => cleaned.push('\n'),
            '\t' => cleaned.push(' '),
            '\n' => cleaned.push('\n'),
            c if engine::is_invisible(c) || engine::is_other_format_or_control(c) => {}
            c => cleaned.push(c),
        }
    }
    let folded = Folded::new(&cleaned);
    let mut inserts: BTreeSet<usize> = BTreeSet::new();
    let mut deletes: Vec<(usize, usize)> = Vec::new();
    for (regex, action) in defusers() {
        match action {
            Defuse::SpaceAfterFirst => {
                for m in regex.find_iter(&folded.text) {
                    inserts.insert(folded.original_end_of(m.start()));
                }
            }
            Defuse::DeleteGroup => {
                for caps in regex.captures_iter(&folded.text) {
                    if let Some(g) = caps.get(1) {
                        deletes.push(folded.original_span(g.start(), g.end()));
                    }
                }
            }
        }
    }
    let mut out = String::with_capacity(cleaned.len() + inserts.len());
    for (i, c) in cleaned.char_indices() {
        if inserts.contains(&i) {
            out.push(' ');
        }
        if deletes.iter().any(|&(s, e)| s <= i && i < e) {
            continue;
        }
        out.push(c);
    }
    if inserts.contains(&cleaned.len()) {
        out.push(' ');
    }
    out
}

#[cfg(test)]
pub(crate) mod tests;
