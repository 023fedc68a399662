//! The grounding verifier, first version of rule S14: every figure in the model's rationale must be
//! among the facts it was given, and it may name only the proposed products.
//!
//! What counts as a claim:
//!
//! - a *figure*: a run of letters and digits that contains a digit (ASCII, full-width or another
//!   Unicode number form such as `½`), with `.`/`,` between digits and an optional trailing `%`
//!   (`0.30%`, `1,000,000`, `２０２４`, `5G`);
//! - a *rating or level*: `R1`–`R5`, `C1`–`C5`;
//! - a *product*: any shelf product code, or a shelf product's Chinese or English name.
//!
//! A figure is supported when it equals, as a decimal number, a figure in one of the fact values; a
//! rating/level when it appears in the facts; a product when it is one of the proposed products.
//! Each unsupported claim is flagged, and the *sentence* containing it is removed from the
//! rationale, so that no half-sentence with a hole in it reaches a client. Chinese numerals written
//! as characters (三年) are not yet recognised here; the sampler bans numeral-only tokens instead.

use crate::parse::normalize_width;
use crate::product::Product;
use crate::prompt::Facts;
use crate::Lang;
use copilot_protocol::{rules, Citation, FlaggedClaim};
use rust_decimal::Decimal;
use std::collections::BTreeSet;
use std::str::FromStr;

/// Result of verifying a rationale.
#[derive(Debug, Clone, PartialEq)]
pub struct Verified {
    /// The rationale with every sentence that held an unsupported claim removed.
    pub text: String,
    /// The unsupported claims, in order of appearance.
    pub flagged: Vec<FlaggedClaim>,
}

/// A figure-like token found in text, with its byte range.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    /// Byte offset of the first char.
    pub start: usize,
    /// Byte offset after the last char.
    pub end: usize,
    /// The text as written.
    pub text: String,
}

fn is_word_char(c: char) -> bool {
    c.is_ascii_alphanumeric()
        || c.is_numeric()
        || ('\u{FF10}'..='\u{FF19}').contains(&c)
        || ('\u{FF21}'..='\u{FF3A}').contains(&c)
        || ('\u{FF41}'..='\u{FF5A}').contains(&c)
}

fn is_digit_like(c: char) -> bool {
    c.is_numeric()
}

/// Finds figure-like tokens: maximal runs of letters/digits that contain a digit, joined across
/// `.` `,` (and their full-width forms) only between digits, with an optional trailing `%`/`％`.
pub fn figure_tokens(text: &str) -> Vec<Token> {
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        if !is_word_char(chars[i].1) {
            i += 1;
            continue;
        }
        let start_idx = i;
        let mut j = i;
        while j < chars.len() {
            let c = chars[j].1;
            let joins_digits = matches!(c, '.' | ',' | '．' | '，')
                && j > start_idx
                && is_digit_like(chars[j - 1].1)
                && j + 1 < chars.len()
                && is_digit_like(chars[j + 1].1);
            if is_word_char(c) || joins_digits {
                j += 1;
            } else {
                break;
            }
        }
        if j < chars.len() && matches!(chars[j].1, '%' | '％') {
            j += 1;
        }
        let start = chars[start_idx].0;
        let end = if j < chars.len() {
            chars[j].0
        } else {
            text.len()
        };
        let tok = &text[start..end];
        if tok.chars().any(is_digit_like) {
            out.push(Token {
                start,
                end,
                text: tok.to_string(),
            });
        }
        i = j.max(i + 1);
    }
    out
}

/// The decimal value of a numeric token (`1,000.50`, `0.30%`, `２０２４`), or `None` when the token
/// is not purely numeric.
pub fn numeric_value(token: &str) -> Option<Decimal> {
    let s = normalize_width(token);
    let s = s.trim_end_matches('%');
    let cleaned: String = s.chars().filter(|c| *c != ',').collect();
    if cleaned.is_empty() || !cleaned.chars().all(|c| c.is_ascii_digit() || c == '.') {
        return None;
    }
    Decimal::from_str(&cleaned).ok().map(|d| d.normalize())
}

fn is_level_token(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 2 && matches!(b[0], b'R' | b'C') && (b'1'..=b'5').contains(&b[1])
}

/// The sets of supported values derived from the facts.
#[derive(Debug, Clone, Default)]
struct Support {
    numbers: BTreeSet<Decimal>,
    levels: BTreeSet<String>,
}

fn support_from(facts: &Facts, evidence: &[Citation]) -> Support {
    let mut s = Support::default();
    for value in facts
        .values()
        .chain(evidence.iter().map(|c| c.text.as_str()))
    {
        for tok in figure_tokens(value) {
            let norm = normalize_width(&tok.text).to_ascii_uppercase();
            if is_level_token(&norm) {
                s.levels.insert(norm);
            } else if let Some(n) = numeric_value(&tok.text) {
                s.numbers.insert(n);
            }
        }
    }
    s
}

/// Verifies `rationale` against `facts` (the profile and shelf values the model was given) and
/// `evidence` (the cited document spans of the proposed products): S14.
///
/// `shelf` is the whole product shelf (to recognise products the gate excluded); `proposed` the
/// codes the memo proposes. Messages in `flagged` are in `lang`.
pub fn verify(
    rationale: &str,
    facts: &Facts,
    evidence: &[Citation],
    shelf: &[Product],
    proposed: &[String],
    lint_pack: &crate::lint::LintPack,
    lang: Lang,
) -> Verified {
    let support = support_from(facts, evidence);
    let mut flagged = Vec::new();
    let mut bad_ranges: Vec<(usize, usize)> = Vec::new();
    let msg = |zh: String, en: String| match lang {
        Lang::Zh => zh,
        Lang::En => en,
    };

    let not_proposed = |code: &str| {
        msg(
            format!("提及未推荐的产品 {code}，已删除。"),
            format!("Names product {code} which is not proposed; removed."),
        )
    };
    // Every finding: the span as written, its rule and reason; the span's sentence is removed.
    let mut flag = |start: usize, end: usize, rule_id, reason: String| {
        flagged.push(FlaggedClaim {
            text: rationale[start..end].to_string(),
            reason,
            rule_id,
            category: None,
            start,
            end,
        });
        bad_ranges.push((start, end));
    };

    for tok in figure_tokens(rationale) {
        let norm = normalize_width(&tok.text).to_ascii_uppercase();
        if let Some(p) = shelf
            .iter()
            .find(|p| p.product_code.eq_ignore_ascii_case(&norm))
        {
            if !proposed.contains(&p.product_code) {
                flag(
                    tok.start,
                    tok.end,
                    rules::S14,
                    not_proposed(&p.product_code),
                );
            }
            continue;
        }
        let supported = if is_level_token(&norm) {
            support.levels.contains(&norm)
        } else if let Some(n) = numeric_value(&tok.text) {
            support.numbers.contains(&n)
        } else {
            false
        };
        if !supported {
            let reason = msg(
                format!("数字“{}”不在所给事实中，无法溯源，已删除。", tok.text),
                format!(
                    "The figure \"{}\" is not among the facts given and cannot be traced; removed.",
                    tok.text
                ),
            );
            flag(tok.start, tok.end, rules::S14, reason);
        }
    }

    // Names of products that are not proposed (a name can be written without its code).
    for p in shelf.iter().filter(|p| !proposed.contains(&p.product_code)) {
        for name in [&p.name_zh, &p.name_en] {
            if name.chars().count() < 3 {
                continue;
            }
            for (start, m) in rationale.match_indices(name.as_str()) {
                flag(
                    start,
                    start + m.len(),
                    rules::S14,
                    not_proposed(&p.product_code),
                );
            }
        }
    }

    // S13: the language lint (promises, certainty, predictions, blurring deposits and investments).
    for f in crate::lint::lint(rationale, lint_pack) {
        flagged.push(FlaggedClaim {
            text: f.text.clone(),
            reason: f.message(lang).to_string(),
            rule_id: rules::S13,
            category: Some(f.category.as_str().to_string()),
            start: f.start,
            end: f.end,
        });
        bad_ranges.push((f.start, f.end));
    }

    Verified {
        text: remove_sentences(rationale, &bad_ranges),
        flagged,
    }
}

/// The first version's list of phrases a client document may not contain (S13). The lint
/// ([`crate::lint`], patterns in `assets/rules/lint.toml`) now does the checking; this list is kept
/// as a regression set: a test asserts the lint still catches every phrase in it.
/// Sources: CBIRC 商业银行理财业务监督管理办法 (2018) Art. 51 (no promise of principal or return);
/// CSRC 适当性管理办法 Art. 24; FINRA Rule 2210(d)(1) (no promissory or exaggerated claims).
pub const BANNED_PHRASES: &[&str] = &[
    "保本",
    "保收益",
    "保证收益",
    "稳赚",
    "无风险",
    "零风险",
    "刚性兑付",
    "确保收益",
    "一定能",
    "guarantee",
    "risk-free",
    "risk free",
    "no risk",
    "without risk",
    "cannot lose",
    "can't lose",
    "safe investment",
    "secure source of income",
    "proven track record",
    "will achieve",
    "will deliver",
    "high-yield",
    "high-yielding",
    "high-reward",
    "high reward",
    "tax advantage",
    "approved by",
];

/// Splits text into sentences (byte ranges): a sentence ends after `。！？!?`, a newline, or a `.`
/// followed by whitespace or the end (so `0.30` is not split).
pub fn sentence_ranges(text: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut iter = text.char_indices().peekable();
    while let Some((i, c)) = iter.next() {
        let next = iter.peek().map(|(_, n)| *n);
        let ends = match c {
            '。' | '！' | '？' | '!' | '?' | '\n' => true,
            '.' => next.is_none_or(|n| n.is_whitespace()),
            _ => false,
        };
        if ends {
            let end = i + c.len_utf8();
            out.push((start, end));
            start = end;
        }
    }
    if start < text.len() {
        out.push((start, text.len()));
    }
    out
}

fn remove_sentences(text: &str, bad: &[(usize, usize)]) -> String {
    let mut out = String::new();
    for (s, e) in sentence_ranges(text) {
        if bad.iter().any(|&(bs, be)| bs < e && be > s) {
            continue;
        }
        let sentence = text[s..e].trim();
        if sentence.is_empty() {
            continue;
        }
        // Sentences ending in a newline keep it; Latin sentences are separated by one space;
        // after Chinese full stops no space is written.
        if let Some(last) = out.chars().last() {
            if text[s..e].ends_with('\n') || last == '\n' {
                if last != '\n' {
                    out.push('\n');
                }
            } else if !matches!(last, '。' | '！' | '？') {
                out.push(' ');
            }
        }
        out.push_str(sentence);
        if text[s..e].ends_with('\n') {
            out.push('\n');
        }
    }
    out.trim_end().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::prompt::Fact;
    use crate::suitability::tests::product;
    use crate::Rating;

    fn facts() -> Facts {
        Facts {
            client: vec![
                Fact {
                    label: "risk level".into(),
                    value: "C3".into(),
                },
                Fact {
                    label: "horizon".into(),
                    value: "36".into(),
                },
                Fact {
                    label: "amount".into(),
                    value: "500,000.00 CNY".into(),
                },
            ],
            products: vec![(
                "BF01".into(),
                "稳健债券".into(),
                vec![
                    Fact {
                        label: "fee".into(),
                        value: "0.80%".into(),
                    },
                    Fact {
                        label: "rating".into(),
                        value: "R2".into(),
                    },
                ],
            )],
        }
    }

    #[test]
    fn tokens() {
        let t: Vec<String> =
            figure_tokens("Fee 0.80%, term ３６ months, 1,000,000 CNY; R2 and BF01. ½ off.")
                .into_iter()
                .map(|t| t.text)
                .collect();
        assert_eq!(t, ["0.80%", "３６", "1,000,000", "R2", "BF01", "½"]);
    }

    #[test]
    fn supported_figures_stay() {
        let shelf = [product("BF01", Rating::R2)];
        let v = verify(
            "It fits a C3 client over 36 months. The fee is 0.8% and the amount 500000 is within capacity.",
            &facts(),
            &[],
            &shelf,
            &["BF01".into()],
            &crate::lint::LintPack::builtin().unwrap(),
            Lang::En,
        );
        assert!(v.flagged.is_empty(), "{:?}", v.flagged);
        assert!(v.text.contains("0.8%"));
    }

    #[test]
    fn invented_figures_are_flagged_and_their_sentence_removed() {
        let shelf = [product("BF01", Rating::R2)];
        let v = verify(
            "BF01 suits the client. It returned 7.5% last year. It is an R2 product.",
            &facts(),
            &[],
            &shelf,
            &["BF01".into()],
            &crate::lint::LintPack::builtin().unwrap(),
            Lang::En,
        );
        assert_eq!(v.flagged.len(), 1);
        assert_eq!(v.flagged[0].text, "7.5%");
        assert_eq!(v.flagged[0].rule_id, rules::S14);
        assert_eq!(v.text, "BF01 suits the client. It is an R2 product.");
    }

    #[test]
    fn unsupported_rating_and_excluded_product_are_flagged() {
        let shelf = [product("BF01", Rating::R2), product("EQ01", Rating::R4)];
        let v = verify(
            "BF01 fits。也可考虑EQ01。EQ01 product is great. This is R4 level.",
            &facts(),
            &[],
            &shelf,
            &["BF01".into()],
            &crate::lint::LintPack::builtin().unwrap(),
            Lang::Zh,
        );
        let texts: Vec<&str> = v.flagged.iter().map(|f| f.text.as_str()).collect();
        assert!(texts.contains(&"EQ01"));
        assert!(texts.contains(&"R4"));
        assert!(
            texts.contains(&"EQ01 product"),
            "names are matched too: {texts:?}"
        );
        assert_eq!(v.text, "BF01 fits。");
    }

    #[test]
    fn full_width_and_unicode_number_forms_are_caught() {
        let shelf = [product("BF01", Rating::R2)];
        let v = verify(
            "收益可达８％。About ½ of it.",
            &facts(),
            &[],
            &shelf,
            &["BF01".into()],
            &crate::lint::LintPack::builtin().unwrap(),
            Lang::Zh,
        );
        assert_eq!(v.flagged.len(), 2);
        assert!(v.text.is_empty());
    }

    #[test]
    fn promises_are_flagged_as_s13_and_removed() {
        let shelf = [product("BF01", Rating::R2)];
        let v = verify(
            "It suits the client. It offers a Guaranteed return and is risk-free. 该产品保本。Liquidity fits.",
            &facts(),
            &[],
            &shelf,
            &["BF01".into()],
            &crate::lint::LintPack::builtin().unwrap(),
            Lang::En,
        );
        assert!(
            v.flagged.iter().all(|f| f.rule_id == rules::S13) && v.flagged.len() == 3,
            "{:?}",
            v.flagged
        );
        assert_eq!(v.text, "It suits the client. Liquidity fits.");
    }

    #[test]
    fn sentences_do_not_split_decimals() {
        assert_eq!(sentence_ranges("Fee 0.30. Next").len(), 2);
        assert_eq!(sentence_ranges("一。二！").len(), 2);
    }

    #[test]
    fn a_figure_in_a_cited_span_is_supported() {
        let shelf = [product("BF01", Rating::R2)];
        let cite = Citation {
            product_code: "BF01".into(),
            document_id: "BF01.md".into(),
            start: 0,
            end: 10,
            text: "托管费率 0.05%/年。".into(),
            fact: None,
            figure: None,
        };
        let text = "The custody fee is 0.05% a year.";
        let without = verify(
            text,
            &facts(),
            &[],
            &shelf,
            &["BF01".into()],
            &crate::lint::LintPack::builtin().unwrap(),
            Lang::En,
        );
        assert_eq!(without.flagged.len(), 1);
        let with = verify(
            text,
            &facts(),
            &[cite],
            &shelf,
            &["BF01".into()],
            &crate::lint::LintPack::builtin().unwrap(),
            Lang::En,
        );
        assert!(with.flagged.is_empty(), "{:?}", with.flagged);
    }
}
