#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]

pub mod ipc;
pub mod review;

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// Error for parsing one of the protocol's code values (`C3`, `R4`, `S12`, `zh`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseCodeError {
    /// What was expected, e.g. `"a client risk level C1–C5"`.
    pub expected: &'static str,
    /// The rejected input.
    pub found: String,
}

impl fmt::Display for ParseCodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "expected {}, found {:?}", self.expected, self.found)
    }
}

impl std::error::Error for ParseCodeError {}

macro_rules! level_enum {
    ($(#[$meta:meta])* $name:ident, $prefix:literal, $expected:literal, [$($variant:ident = $n:literal),+]) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        pub enum $name {
            $(#[doc = concat!($prefix, stringify!($n))] $variant = $n),+
        }

        impl $name {
            /// All levels, lowest first.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The level as a number, 1 (lowest) to 5 (highest).
            pub fn as_number(self) -> u8 {
                self as u8
            }

            /// The level for a number 1–5, or `None`.
            pub fn from_number(n: u8) -> Option<Self> {
                match n {
                    $($n => Some($name::$variant),)+
                    _ => None,
                }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}{}", $prefix, self.as_number())
            }
        }

        impl FromStr for $name {
            type Err = ParseCodeError;
            /// Accepts `C3`/`c3` style codes (with the crate's prefix) and full-width
            /// letters/digits as typed in Chinese input methods (`Ｃ３`).
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                let normalised: String = s
                    .trim()
                    .chars()
                    .map(|c| match c {
                        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
                        other => other,
                    })
                    .collect::<String>()
                    .to_ascii_uppercase();
                let err = || ParseCodeError { expected: $expected, found: s.to_string() };
                let digits = normalised.strip_prefix($prefix).ok_or_else(err)?;
                // Exactly one digit: "C03" and "C+3" are not levels.
                if digits.len() != 1 || !digits.as_bytes()[0].is_ascii_digit() {
                    return Err(err());
                }
                let n: u8 = digits.parse().map_err(|_| err())?;
                Self::from_number(n).ok_or_else(err)
            }
        }
    };
}

level_enum!(
    /// A client's risk level from the risk assessment (风险测评): C1 (conservative) to C5 (aggressive).
    ///
    /// Source: CSRC 证券期货投资者适当性管理办法 Art. 7 (five categories of ordinary investors).
    RiskLevel, "C", "a client risk level C1–C5", [C1 = 1, C2 = 2, C3 = 3, C4 = 4, C5 = 5]
);

level_enum!(
    /// A product's risk rating: R1 (lowest) to R5 (highest).
    ///
    /// Source: CSRC 证券期货投资者适当性管理办法 Art. 16; NFRA 金融机构产品适当性管理办法 Art. 12.
    Rating, "R", "a product risk rating R1–R5", [R1 = 1, R2 = 2, R3 = 3, R4 = 4, R5 = 5]
);

/// Stable identifier of a suitability rule, `S1` … `S25`, as listed in the rule pack
/// (`assets/rules/`, documented in SUITABILITY.md). Serialised as `"S4"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct RuleId(u8);

impl RuleId {
    /// The rule with number `n` (1–25).
    pub const fn new(n: u8) -> Option<Self> {
        if n >= 1 && n <= 25 {
            Some(RuleId(n))
        } else {
            None
        }
    }

    /// The rule's number.
    pub fn number(self) -> u8 {
        self.0
    }

    /// Every rule, S1 to S25.
    pub fn all() -> impl Iterator<Item = RuleId> {
        (1..=RULE_COUNT as u8).map(RuleId)
    }
}

/// How many rules there are (S1 … S25).
pub const RULE_COUNT: usize = 25;

/// Named rule ids used in code, so that a typo cannot invent a rule.
pub mod rules {
    use super::RuleId;
    /// Effective rating = max(issuer rating, seller rating).
    pub const S1: RuleId = RuleId(1);
    /// No risk assessment on file.
    pub const S2: RuleId = RuleId(2);
    /// Assessment expired or profile changed since.
    pub const S3: RuleId = RuleId(3);
    /// Product rating above the client's risk level.
    pub const S4: RuleId = RuleId(4);
    /// Lowest-category client: R1 only.
    pub const S5: RuleId = RuleId(5);
    /// Client-initiated request above the client's level.
    pub const S6: RuleId = RuleId(6);
    /// Term, liquidity or objective does not fit.
    pub const S7: RuleId = RuleId(7);
    /// Amount out of line with financial capacity or concentration cap.
    pub const S8: RuleId = RuleId(8);
    /// Elderly client and high-risk product.
    pub const S9: RuleId = RuleId(9);
    /// Ordinary investor and high-risk product.
    pub const S10: RuleId = RuleId(10);
    /// Private product cooling-off period.
    pub const S11: RuleId = RuleId(11);
    /// Below minimum subscription or entry requirement not met.
    pub const S12: RuleId = RuleId(12);
    /// Language lint.
    pub const S13: RuleId = RuleId(13);
    /// Every number traces to a source.
    pub const S14: RuleId = RuleId(14);
    /// Mandatory disclosures.
    pub const S15: RuleId = RuleId(15);
    /// Branch sale under dual recording (双录).
    pub const S16: RuleId = RuleId(16);
    /// A product's rating changed after a draft: re-check.
    pub const S17: RuleId = RuleId(17);
    /// Contradictory questionnaire answers.
    pub const S18: RuleId = RuleId(18);
    /// EU suitability report contents.
    pub const S19: RuleId = RuleId(19);
    /// Nothing suitable: no recommendation.
    pub const S20: RuleId = RuleId(20);
    /// US Reg BI care: alternatives and costs.
    pub const S21: RuleId = RuleId(21);
    /// The approver is not the drafter and is a supervisor.
    pub const S22: RuleId = RuleId(22);
    /// Retention of the approved record.
    pub const S23: RuleId = RuleId(23);
    /// Overrides: warn with a reason code only.
    pub const S24: RuleId = RuleId(24);
    /// Provenance on every draft.
    pub const S25: RuleId = RuleId(25);
}

impl fmt::Display for RuleId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "S{}", self.0)
    }
}

impl FromStr for RuleId {
    type Err = ParseCodeError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let err = || ParseCodeError {
            expected: "a rule id S1–S25",
            found: s.to_string(),
        };
        let n: u8 = s
            .trim()
            .strip_prefix('S')
            .ok_or_else(err)?
            .parse()
            .map_err(|_| err())?;
        RuleId::new(n).ok_or_else(err)
    }
}

impl Serialize for RuleId {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for RuleId {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// Language of a memo or of the UI: Simplified Chinese or English.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    /// Simplified Chinese (zh-CN).
    #[default]
    Zh,
    /// English.
    En,
}

impl fmt::Display for Lang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Lang::Zh => "zh",
            Lang::En => "en",
        })
    }
}

impl FromStr for Lang {
    type Err = ParseCodeError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "zh" | "zh-cn" | "cn" => Ok(Lang::Zh),
            "en" | "en-us" | "en-gb" => Ok(Lang::En),
            _ => Err(ParseCodeError {
                expected: "a language, zh or en",
                found: s.to_string(),
            }),
        }
    }
}

/// One client in a list (`copilot clients list --json`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClientSummary {
    /// The bank's client id, e.g. `C0001`.
    pub client_id: String,
    /// Display name (Chinese or Latin script).
    pub name: String,
    /// Risk level from the latest assessment, if any.
    pub risk_level: Option<RiskLevel>,
    /// Date of the latest risk assessment (ISO 8601), if any.
    pub assessment_date: Option<String>,
    /// True when the assessment is missing or older than the policy's validity (S2/S3).
    pub assessment_expired: bool,
    /// Age in whole years on the day of the listing.
    pub age: Option<u32>,
    /// Lowest-category client (S5).
    pub lowest_category: bool,
}

/// A product the suitability gate allows, ranked by fit (best first).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EligibleProduct {
    /// Product code on the shelf.
    pub product_code: String,
    /// Product name in the memo's language.
    pub name: String,
    /// Effective rating (S1: max of issuer's and seller's).
    pub rating: Rating,
    /// Fit score used for ranking, 0–100 (higher fits better); deterministic.
    pub score: u32,
    /// Plain-language reasons it fits, in the memo's language.
    pub reasons: Vec<String>,
    /// Warnings that do not block (e.g. S8 concentration above the warn threshold).
    pub warnings: Vec<RuleFinding>,
    /// Eligible only because the client asked for it above their level (S6 path).
    #[serde(default)]
    pub client_initiated: bool,
}

/// A product the gate excluded, with the first rule that excluded it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExcludedProduct {
    /// Product code on the shelf.
    pub product_code: String,
    /// Rule that excluded it.
    pub rule_id: RuleId,
    /// Plain-language reason, in the memo's language.
    pub reason: String,
}

/// A rule firing that is reported but does not exclude (warn / require documents).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RuleFinding {
    /// The rule.
    pub rule_id: RuleId,
    /// Plain-language message.
    pub message: String,
}

/// Something the draft must carry or the workflow must do before approval (the rule's effect is
/// "require documents"): a special written warning (S6), the special-care path (S9, S10), the
/// cooling-off statement (S11), the disclosures (S15), the dual-recording reference (S16), the EU
/// report contents (S19), the Reg BI care record (S21).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Requirement {
    /// The rule that requires it.
    pub rule_id: RuleId,
    /// The product it concerns, if it is about one product.
    pub product_code: Option<String>,
    /// Stable codes of the items required, e.g. `special_risk_warning`, `client_confirmation`,
    /// `supervisor_approval`, `plain_language_summary`, `consideration_period`,
    /// `special_care_checklist`, `cooling_off`, `disclosures`, `recording_reference`,
    /// `eu_suitability_report`, `reg_bi_care_record`, `supervisor_review`.
    pub items: Vec<String>,
    /// What is required, in the memo's language.
    pub text: String,
}

/// An advisor's override of a *warning* with a reason code (S24). Blocks cannot be overridden
/// (S4 only yields to the client-initiated path S6; S5 never).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Override {
    /// The warning's rule (S8, S18, or S7 when the pack makes it a warning).
    pub rule_id: RuleId,
    /// The product the warning is on; `None` for a client-level warning (S18).
    pub product_code: Option<String>,
    /// A reason code from the rule pack.
    pub reason_code: String,
}

/// Text in client notes or product documents that looks like an instruction to the model, role
/// markup, hidden characters, or a request for other clients' data. Such text never changes the
/// gate's result; it is shown to the reviewer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InjectionNotice {
    /// Where the text was: `notes` or `document:<id>`.
    pub source: String,
    /// Kind: `instruction`, `role_markup`, `hidden_characters`, `data_exfiltration`.
    pub kind: String,
    /// The matched text (hidden characters shown as `U+200B` escapes).
    pub text: String,
    /// Explanation, in the memo's language.
    pub message: String,
}

/// S17: the draft no longer stands because a product it cites changed rating.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Invalidation {
    /// Always S17.
    pub rule_id: RuleId,
    /// The product whose rating changed.
    pub product_code: String,
    /// Effective rating when the draft was made.
    pub old_rating: Rating,
    /// Effective rating now.
    pub new_rating: Rating,
    /// The re-match: `None` when the product is still eligible, else the rule that now excludes it.
    pub now_excluded_by: Option<RuleId>,
    /// Explanation, in the draft's language.
    pub message: String,
    /// When it was invalidated, RFC 3339 UTC.
    pub at: String,
}

/// A span of the draft text that the verifier could not trace to a source (S14) or that names a
/// product the gate did not allow. The span was removed from the model's rationale.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FlaggedClaim {
    /// The exact text the model wrote.
    pub text: String,
    /// Why it was flagged.
    pub reason: String,
    /// The rule that flagged it (S14 for figures and products, S13 for the language lint).
    pub rule_id: RuleId,
    /// For S13: the lint category (`promise`, `certainty`, `prediction`, `blurring`).
    #[serde(default)]
    pub category: Option<String>,
    /// Byte offsets of `text` in `rationale_model`, `[start, end)`; both 0 for findings that are
    /// not in the model's text (the advisor's goal, a shelf fact without a source).
    #[serde(default)]
    pub start: usize,
    /// End offset (exclusive).
    #[serde(default)]
    pub end: usize,
}

/// A supporting passage from a product document.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Citation {
    /// Product the document belongs to.
    pub product_code: String,
    /// Document id in the store.
    pub document_id: String,
    /// Byte offsets of the span in the document text, `[start, end)`.
    pub start: usize,
    /// End offset (exclusive).
    pub end: usize,
    /// The span's text.
    pub text: String,
    /// The fact the span supports (e.g. `management_fee_pct`, `rating`, `min_subscription`), or
    /// `None` for a passage retrieved for the goal.
    #[serde(default)]
    pub fact: Option<String>,
    /// The figure as written in the span (e.g. `0.30%`), when the citation supports a figure.
    #[serde(default)]
    pub figure: Option<String>,
}

/// Provenance of a draft (S25).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Provenance {
    /// SHA-256 of the GGUF file, lowercase hex.
    pub model_sha256: String,
    /// Model name from the manifest.
    pub model_name: String,
    /// Quantisation of the model file, e.g. `Q4_1`.
    pub quantization: String,
    /// Version of the prompt template.
    pub prompt_version: String,
    /// Version of the suitability rule pack (`id@version`).
    pub rules_version: String,
    /// SHA-256 of the rule-pack file, lowercase hex.
    #[serde(default)]
    pub rules_sha256: String,
    /// Identifier of the search-index snapshot the citations came from.
    pub index_snapshot: String,
    /// Operator (OS user or signed-in advisor).
    pub operator: String,
    /// Creation time, RFC 3339 UTC.
    pub created_at: String,
    /// When the advisor pressed *Generate*, RFC 3339 UTC (the ROI ledger's start).
    #[serde(default)]
    pub started_at: Option<String>,
}

/// A recommendation draft (`copilot draft --json`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DraftReport {
    /// Draft id in the store.
    pub draft_id: String,
    /// Client the draft is for.
    pub client_id: String,
    /// Memo language.
    pub lang: Lang,
    /// Requested amount (decimal string), if any.
    pub amount: Option<String>,
    /// Currency of the amount (ISO 4217), if any.
    pub currency: Option<String>,
    /// The client's goal as given by the advisor, if any.
    pub goal: Option<String>,
    /// `false` when nothing is suitable (S20) or the client is blocked (S2/S3).
    pub has_recommendation: bool,
    /// Client-level blocks (S2, S3): when present, every product is excluded.
    pub blocks: Vec<RuleFinding>,
    /// Codes of the eligible products the memo proposes (the first few of `eligible`).
    pub proposed: Vec<String>,
    /// Eligible products, best fit first.
    pub eligible: Vec<EligibleProduct>,
    /// Excluded products with the excluding rule.
    pub excluded: Vec<ExcludedProduct>,
    /// Rationale as the model wrote it, before verification.
    pub rationale_model: String,
    /// Rationale after verification (flagged spans removed).
    pub rationale: String,
    /// The whole memo (deterministic sections + verified rationale + disclosures); the
    /// advisor's edits replace it.
    pub text: String,
    /// The memo exactly as the copilot generated it (never edited; the review diff's left side).
    /// Empty only in drafts stored before version 3 of the schema, where `text` is the AI text
    /// until the first edit.
    #[serde(default)]
    pub ai_text: String,
    /// What the verifier flagged and removed.
    pub flagged: Vec<FlaggedClaim>,
    /// Supporting passages from product documents.
    pub citations: Vec<Citation>,
    /// Provenance (S25).
    pub provenance: Provenance,
    /// Client-level warnings (S18 questionnaire contradictions); product warnings are on `eligible`.
    #[serde(default)]
    pub warnings: Vec<RuleFinding>,
    /// What the draft or the workflow must carry before approval.
    #[serde(default)]
    pub requirements: Vec<Requirement>,
    /// Warnings the advisor overrode, with the reason codes (S24).
    #[serde(default)]
    pub overrides: Vec<Override>,
    /// Products the client asked for on their own initiative (S6), as requested.
    #[serde(default)]
    pub client_initiated: Vec<String>,
    /// Sales channel (`branch` or `remote`), for S16.
    #[serde(default)]
    pub channel: Option<String>,
    /// Dual-recording (双录) reference, if given (S16).
    #[serde(default)]
    pub recording_id: Option<String>,
    /// Suspected prompt injection in the notes or the cited documents, for the reviewer.
    #[serde(default)]
    pub injection: Vec<InjectionNotice>,
    /// Keep the record at least until this date (S23), ISO 8601.
    #[serde(default)]
    pub retain_until: Option<String>,
    /// Set when a cited product's rating changed after the draft (S17).
    #[serde(default)]
    pub invalidated: Option<Invalidation>,
}

/// One stored draft in a list (`copilot drafts list --json`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DraftSummary {
    /// Draft id.
    pub draft_id: String,
    /// Client id.
    pub client_id: String,
    /// Creation time, RFC 3339 UTC.
    pub created_at: String,
    /// Memo language.
    pub lang: Lang,
    /// Product codes proposed.
    pub proposed: Vec<String>,
    /// Number of flagged claims.
    pub flagged: usize,
    /// Operator.
    pub operator: String,
    /// True when a cited product's rating changed after the draft (S17).
    #[serde(default)]
    pub invalidated: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_parse_and_print() {
        assert_eq!("C3".parse::<RiskLevel>().unwrap(), RiskLevel::C3);
        assert_eq!("ｃ５".parse::<RiskLevel>().unwrap(), RiskLevel::C5);
        assert_eq!(" r1 ".parse::<Rating>().unwrap(), Rating::R1);
        assert!("C6".parse::<RiskLevel>().is_err());
        assert!("R0".parse::<Rating>().is_err());
        assert!("R3".parse::<RiskLevel>().is_err());
        assert!("C03".parse::<RiskLevel>().is_err());
        assert!("C+3".parse::<RiskLevel>().is_err());
        assert_eq!(Rating::R4.to_string(), "R4");
        assert!(Rating::R4 > Rating::R3);
    }

    #[test]
    fn rule_ids_are_bounded_and_round_trip() {
        assert_eq!("S12".parse::<RuleId>().unwrap(), rules::S12);
        assert!("S26".parse::<RuleId>().is_err());
        assert!("S0".parse::<RuleId>().is_err());
        let json = serde_json::to_string(&rules::S5).unwrap();
        assert_eq!(json, "\"S5\"");
        assert_eq!(serde_json::from_str::<RuleId>(&json).unwrap(), rules::S5);
    }

    #[test]
    fn lang_serialises_lowercase() {
        assert_eq!(serde_json::to_string(&Lang::En).unwrap(), "\"en\"");
        assert_eq!("ZH".parse::<Lang>().unwrap(), Lang::Zh);
    }
}
