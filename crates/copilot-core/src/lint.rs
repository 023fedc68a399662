//! S13: the language lint for client documents, in Chinese and English.
//!
//! A client document may not promise principal or return, state an uncertain outcome as
//! certain, predict performance, or blur the line between deposits, investment products and
//! insurance. Sources:
//!
//! - CBIRC 《商业银行理财业务监督管理办法》(2018) Art. 51: sales material must not promise
//!   principal or return (不得承诺保本保收益), must not blur wealth products with deposits, and
//!   must not predict returns without basis;
//! - CSRC 《证券期货投资者适当性管理办法》 Art. 24: no guarantee of principal or return, no
//!   exaggerated or misleading statements when recommending products;
//! - FINRA Rule 2210(d)(1): communications must be fair and balanced; no promissory, exaggerated
//!   or unwarranted claims and no predictions or projections of performance.
//!
//! The phrases live in a rule pack, `assets/rules/lint.toml` ([`LintPack`]); the code only folds
//! the text and applies the pack. The effect of a finding is "block until fixed"; the rule id is
//! always [`RULE`] (S13).
//!
//! Guarantees of [`lint`]: it reads a folded copy of the text, so full-width characters, mixed
//! case, extra spaces and inserted zero-width or bidi characters do not hide a phrase (see
//! "Folding" below), and it reports byte offsets into the **original** text (`&text[f.start..f.end]
//! == f.text`, always on character boundaries). Findings are sorted by start, never overlap, and
//! depend only on the text and the pack. The mandatory disclaimers (不保本, 理财非存款, "not
//! guaranteed", "is not a deposit", …) are exceptions in the pack and are never flagged.
//!
//! Folding, per character: zero-width, bidi and other invisible or control characters are
//! dropped; NFKC (full-width → ASCII); typographic quotes and dashes → ASCII; lower case;
//! combining marks dropped; whitespace runs → one space (a line break if the run holds one); a
//! space between two CJK characters dropped; a space put between a CJK character and an adjacent
//! ASCII letter or digit, so that English words inside Chinese text have word boundaries.

pub(crate) mod engine;

use std::collections::{BTreeMap, BTreeSet};

use copilot_protocol::{rules, Lang, RuleId};
use regex::Regex;
use serde::{Deserialize, Serialize};

use engine::{Folded, RawException, RawMessages, Rule, Surface};

/// The rule every lint finding belongs to: S13 (language lint).
pub const RULE: RuleId = rules::S13;

/// The rule pack shipped with the application (`assets/rules/lint.toml`), compiled in.
pub const BUILTIN_LINT_TOML: &str = include_str!("../../../assets/rules/lint.toml");

/// What a flagged phrase does wrong. Serialised in snake_case (`"promise"`, …), the names the
/// rule pack and the eval cases use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LintCategory {
    /// A promise of principal or return: 保本, 保收益, 稳赚, 无风险, "guaranteed", "risk-free"
    /// (CBIRC 2018 Art. 51; CSRC Art. 24; FINRA 2210(d)(1)(B)).
    Promise,
    /// Certainty about an uncertain outcome: 一定会上涨, 绝对安全, "will definitely rise", "sure to".
    Certainty,
    /// A prediction or projection of performance: 预期收益率将达到, "expected to return 8%",
    /// "will outperform" (FINRA 2210(d)(1)(F); CBIRC 2018 Art. 51).
    Prediction,
    /// Blurring deposits, investment products and insurance: 等同于存款, 相当于定期, "as safe
    /// as a deposit", "insured like a deposit" (CBIRC 2018 Art. 51: 理财非存款).
    Blurring,
}

impl LintCategory {
    /// Every category, in declaration order.
    pub const ALL: [LintCategory; 4] = [
        LintCategory::Promise,
        LintCategory::Certainty,
        LintCategory::Prediction,
        LintCategory::Blurring,
    ];

    /// The snake_case name used in the rule pack and the eval cases.
    pub fn as_str(self) -> &'static str {
        match self {
            LintCategory::Promise => "promise",
            LintCategory::Certainty => "certainty",
            LintCategory::Prediction => "prediction",
            LintCategory::Blurring => "blurring",
        }
    }

    /// Parses the snake_case name; `None` for anything else.
    pub fn from_name(name: &str) -> Option<LintCategory> {
        LintCategory::ALL.into_iter().find(|c| c.as_str() == name)
    }

    /// A short human label for the reviewer, in `lang`.
    pub fn label(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (LintCategory::Promise, Lang::Zh) => "承诺保本或收益",
            (LintCategory::Certainty, Lang::Zh) => "对不确定结果作确定性表述",
            (LintCategory::Prediction, Lang::Zh) => "预测业绩",
            (LintCategory::Blurring, Lang::Zh) => "混淆存款、理财产品与保险",
            (LintCategory::Promise, Lang::En) => "promise of principal or return",
            (LintCategory::Certainty, Lang::En) => "certainty about an uncertain outcome",
            (LintCategory::Prediction, Lang::En) => "prediction of performance",
            (LintCategory::Blurring, Lang::En) => {
                "blurring deposits, investment products and insurance"
            }
        }
    }
}

impl std::fmt::Display for LintCategory {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One flagged phrase. Offsets are bytes into the text given to [`lint`], on character
/// boundaries; `text` is exactly `&linted[start..end]` (it may contain the invisible characters
/// an evasion attempt inserted). The rule is always [`RULE`] (S13).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LintFinding {
    /// What the phrase does wrong.
    pub category: LintCategory,
    /// Byte offset of the first byte of the phrase in the linted text.
    pub start: usize,
    /// Byte offset one past the last byte of the phrase in the linted text.
    pub end: usize,
    /// The matched span of the original text.
    pub text: String,
    /// The id of the pack pattern that matched (e.g. `zh.promise.baoben`).
    pub pattern_id: String,
    /// The reviewer's message in Chinese.
    pub message_zh: String,
    /// The reviewer's message in English.
    pub message_en: String,
}

impl LintFinding {
    /// The rule id: always S13.
    pub fn rule(&self) -> RuleId {
        RULE
    }

    /// The message in `lang`.
    pub fn message(&self, lang: Lang) -> &str {
        match lang {
            Lang::Zh => &self.message_zh,
            Lang::En => &self.message_en,
        }
    }
}

/// Why a lint rule pack was refused. Messages name pattern ids, never document text.
#[derive(Debug, thiserror::Error)]
pub enum LintPackError {
    /// The file is not TOML of the expected shape (unknown keys are refused too).
    #[error("lint pack is not valid: {0}")]
    Toml(#[from] toml::de::Error),
    /// A pattern names a category other than promise, certainty, prediction, blurring.
    #[error("lint pattern {id}: unknown category {category:?}")]
    UnknownCategory {
        /// The pattern id.
        id: String,
        /// The category as written.
        category: String,
    },
    /// A pattern or exception has a language other than `zh` or `en`.
    #[error("lint pattern {id}: unknown language {lang:?} (expected \"zh\" or \"en\")")]
    UnknownLang {
        /// The pattern or exception id.
        id: String,
        /// The language as written.
        lang: String,
    },
    /// A regex does not compile, or matches the empty string.
    #[error("lint pattern {id}: invalid regex: {reason}")]
    BadRegex {
        /// The pattern or exception id.
        id: String,
        /// The compiler's explanation.
        reason: String,
    },
    /// Two patterns or exceptions share an id.
    #[error("lint pack: duplicate id {0}")]
    DuplicateId(String),
    /// A category has no pattern in one of the two languages.
    #[error("lint pack: category {category} has no {lang} pattern")]
    MissingCoverage {
        /// The category.
        category: LintCategory,
        /// `"zh"` or `"en"`.
        lang: &'static str,
    },
    /// A category has no `[category.<name>]` messages.
    #[error("lint pack: category {0} has no messages")]
    MissingMessages(LintCategory),
}

/// The S13 rule pack: patterns (id, category, language, regex, optional messages) and
/// exceptions (negations and mandatory disclaimers that must not be flagged).
///
/// File format (`assets/rules/lint.toml`; unknown keys are refused):
///
/// ```toml
/// version = "2026.1"
///
/// [category.promise]          # one table per category, all four required
/// message_zh = "“{text}”……"   # {text} = the matched phrase (folded)
/// message_en = "\"{text}\" …"
///
/// [[pattern]]
/// id = "zh.promise.baoben"    # unique
/// category = "promise"        # promise | certainty | prediction | blurring
/// lang = "zh"                 # zh | en; every category needs both
/// regex = '保本'              # Rust regex syntax, on the folded text
/// # message_zh / message_en: optional, override the category's messages
/// # note: optional, free text for maintainers
///
/// [[exception]]
/// id = "zh.neg.baoben"
/// lang = "zh"
/// regex = '(不|非)保本'       # a pattern match overlapping an exception match is dropped
/// ```
///
/// Regexes run case-insensitively with `^`/`$` at line boundaries over the folded text (see the
/// module docs), so they are written in lower case, half-width, with single spaces.
/// Deserialising a `LintPack` (with serde, or [`LintPack::from_toml_str`]) validates it.
#[derive(Debug, Clone, Deserialize)]
#[serde(try_from = "RawLintPack")]
pub struct LintPack {
    version: String,
    rules: Vec<Rule<LintCategory>>,
    messages: Vec<(String, String)>,
    exceptions: Vec<Regex>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLintPack {
    version: String,
    #[serde(default)]
    category: BTreeMap<String, RawMessages>,
    #[serde(default)]
    pattern: Vec<RawPattern>,
    #[serde(default)]
    exception: Vec<RawException>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPattern {
    id: String,
    category: String,
    lang: String,
    regex: String,
    message_zh: Option<String>,
    message_en: Option<String>,
    #[allow(dead_code)]
    note: Option<String>,
}

impl TryFrom<RawLintPack> for LintPack {
    type Error = LintPackError;

    fn try_from(raw: RawLintPack) -> Result<LintPack, LintPackError> {
        let mut category_messages = BTreeMap::new();
        for (name, m) in raw.category {
            let category =
                LintCategory::from_name(&name).ok_or_else(|| LintPackError::UnknownCategory {
                    id: format!("category.{name}"),
                    category: name.clone(),
                })?;
            category_messages.insert(category, (m.message_zh, m.message_en));
        }
        let mut ids = BTreeSet::new();
        let mut covered = BTreeSet::new();
        let mut rules = Vec::with_capacity(raw.pattern.len());
        let mut messages = Vec::with_capacity(raw.pattern.len());
        for p in raw.pattern {
            if !ids.insert(p.id.clone()) {
                return Err(LintPackError::DuplicateId(p.id));
            }
            let category = LintCategory::from_name(&p.category).ok_or_else(|| {
                LintPackError::UnknownCategory {
                    id: p.id.clone(),
                    category: p.category.clone(),
                }
            })?;
            if !engine::check_lang(&p.lang, false) {
                return Err(LintPackError::UnknownLang {
                    id: p.id,
                    lang: p.lang,
                });
            }
            let regex = engine::compile(&p.regex).map_err(|reason| LintPackError::BadRegex {
                id: p.id.clone(),
                reason,
            })?;
            let (default_zh, default_en) = category_messages
                .get(&category)
                .ok_or(LintPackError::MissingMessages(category))?;
            messages.push((
                p.message_zh.unwrap_or_else(|| default_zh.clone()),
                p.message_en.unwrap_or_else(|| default_en.clone()),
            ));
            covered.insert((category, p.lang.clone()));
            rules.push(Rule {
                id: p.id,
                kind: category,
                regex,
                surface: Surface::Folded,
            });
        }
        for category in LintCategory::ALL {
            if !category_messages.contains_key(&category) {
                return Err(LintPackError::MissingMessages(category));
            }
            for lang in ["zh", "en"] {
                if !covered.contains(&(category, lang.to_string())) {
                    return Err(LintPackError::MissingCoverage { category, lang });
                }
            }
        }
        let mut exceptions = Vec::with_capacity(raw.exception.len());
        for e in raw.exception {
            if !ids.insert(e.id.clone()) {
                return Err(LintPackError::DuplicateId(e.id));
            }
            if !engine::check_lang(&e.lang, false) {
                return Err(LintPackError::UnknownLang {
                    id: e.id,
                    lang: e.lang,
                });
            }
            exceptions.push(
                engine::compile(&e.regex)
                    .map_err(|reason| LintPackError::BadRegex { id: e.id, reason })?,
            );
        }
        Ok(LintPack {
            version: raw.version,
            rules,
            messages,
            exceptions,
        })
    }
}

impl LintPack {
    /// Parses and validates a pack: the TOML has the documented shape, every regex compiles and
    /// cannot match the empty string, every category is known, has messages and has at least
    /// one `zh` and one `en` pattern, and ids are unique.
    pub fn from_toml_str(s: &str) -> Result<LintPack, LintPackError> {
        let raw: RawLintPack = toml::from_str(s)?;
        LintPack::try_from(raw)
    }

    /// The pack shipped with the application ([`BUILTIN_LINT_TOML`]). A unit test proves it
    /// parses, so an error here means the binary was built from a broken tree.
    pub fn builtin() -> Result<LintPack, LintPackError> {
        LintPack::from_toml_str(BUILTIN_LINT_TOML)
    }

    /// The pack's `version` string (recorded in a draft's provenance as the rules version).
    pub fn version(&self) -> &str {
        &self.version
    }

    /// The pattern ids, in file order.
    pub fn pattern_ids(&self) -> impl Iterator<Item = &str> {
        self.rules.iter().map(|r| r.id.as_str())
    }
}

/// Lints `text` against `pack` (S13). Returns the findings sorted by `start`, non-overlapping
/// (at one position the longest match wins, then the earlier pattern in the file), with byte
/// offsets into `text`. Deterministic; never fails; an empty vector means the text is clean.
pub fn lint(text: &str, pack: &LintPack) -> Vec<LintFinding> {
    let folded = Folded::new(text);
    let hits = engine::find_all(text, &folded, &pack.rules, &pack.exceptions);
    engine::select_non_overlapping(hits, |_, _| true)
        .into_iter()
        .map(|hit| {
            let original = &text[hit.start..hit.end];
            let (zh, en) = &pack.messages[hit.rule];
            LintFinding {
                category: hit.kind,
                start: hit.start,
                end: hit.end,
                text: original.to_string(),
                pattern_id: pack.rules[hit.rule].id.clone(),
                message_zh: engine::fill(zh, &hit.folded, original),
                message_en: engine::fill(en, &hit.folded, original),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests;
