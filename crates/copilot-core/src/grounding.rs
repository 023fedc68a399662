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
//! rationale, so that no half-sentence with a hole in it reaches a client. Numbers written in words
//! — Chinese numerals with a unit (三年, 百分之五, 五成) and English number words ("five percent")
//! — are checked by value like figures ([`word_numbers`]).

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

/// Chinese numeral characters and their digit values (`None` for the multipliers).
fn cn_digit(c: char) -> Option<u32> {
    Some(match c {
        '〇' | '零' => 0,
        '一' | '壹' => 1,
        '二' | '两' | '贰' | '兩' | '貳' => 2,
        '三' | '叁' | '參' => 3,
        '四' | '肆' => 4,
        '五' | '伍' => 5,
        '六' | '陆' | '陸' => 6,
        '七' | '柒' => 7,
        '八' | '捌' => 8,
        '九' | '玖' => 9,
        _ => return None,
    })
}

fn cn_multiplier(c: char) -> Option<u64> {
    Some(match c {
        '十' | '拾' => 10,
        '百' | '佰' => 100,
        '千' | '仟' => 1_000,
        '万' | '萬' => 10_000,
        '亿' | '億' => 100_000_000,
        _ => return None,
    })
}

fn is_cn_numeral(c: char) -> bool {
    cn_digit(c).is_some() || cn_multiplier(c).is_some()
}

/// The value of a run of Chinese numerals (`三`, `二十四`, `一百二十`, `二〇二六`, `三点五`).
fn cn_value(run: &str) -> Option<Decimal> {
    let (int_part, frac_part) = match run.split_once('点') {
        Some((a, b)) => (a, Some(b)),
        None => (run, None),
    };
    let chars: Vec<char> = int_part.chars().collect();
    let int: u64 = if !chars.is_empty() && chars.iter().all(|c| cn_digit(*c).is_some()) {
        // Digit by digit: 二〇二六 = 2026, 三 = 3.
        chars.iter().try_fold(0u64, |acc, c| {
            acc.checked_mul(10)?.checked_add(cn_digit(*c)? as u64)
        })?
    } else {
        let (mut total, mut section, mut digit) = (0u64, 0u64, None::<u64>);
        for c in &chars {
            if let Some(d) = cn_digit(*c) {
                digit = Some(d as u64);
            } else if let Some(m) = cn_multiplier(*c) {
                if m >= 10_000 {
                    section = (section + digit.take().unwrap_or(0)).max(1) * m;
                    total += section;
                    section = 0;
                } else {
                    section += digit.take().unwrap_or(1) * m;
                }
            }
        }
        total + section + digit.unwrap_or(0)
    };
    let mut text = int.to_string();
    if let Some(frac) = frac_part {
        let digits: Option<String> = frac
            .chars()
            .map(|c| cn_digit(c).map(|d| char::from(b'0' + d as u8)))
            .collect();
        text.push('.');
        text.push_str(&digits.filter(|d| !d.is_empty())?);
    }
    Decimal::from_str(&text).ok().map(|d| d.normalize())
}

/// What may follow a Chinese numeral for it to be a quantity (三年, 十二个月, 五成, 两倍).
const CN_UNITS: &[&str] = &[
    "个月",
    "個月",
    "个季度",
    "个工作日",
    "个交易日",
    "年",
    "月",
    "天",
    "日",
    "岁",
    "歲",
    "倍",
    "成",
    "元",
    "块",
    "周",
    "週",
    "小时",
    "小時",
    "季度",
    "星期",
    "%",
    "％",
    "个百分点",
    "個百分點",
    "万元",
    "亿元",
    "萬元",
    "億元",
];

/// English number words and their values (scales handled separately).
fn en_word_value(w: &str) -> Option<u64> {
    const SMALL: [&str; 20] = [
        "zero",
        "one",
        "two",
        "three",
        "four",
        "five",
        "six",
        "seven",
        "eight",
        "nine",
        "ten",
        "eleven",
        "twelve",
        "thirteen",
        "fourteen",
        "fifteen",
        "sixteen",
        "seventeen",
        "eighteen",
        "nineteen",
    ];
    const TENS: [&str; 8] = [
        "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety",
    ];
    if let Some(i) = SMALL.iter().position(|s| *s == w) {
        return Some(i as u64);
    }
    TENS.iter()
        .position(|s| *s == w)
        .map(|i| (i as u64 + 2) * 10)
}

fn en_scale(w: &str) -> Option<u64> {
    Some(match w {
        "hundred" => 100,
        "thousand" => 1_000,
        "million" => 1_000_000,
        "billion" => 1_000_000_000,
        _ => return None,
    })
}

/// What may follow "one"/"zero" for it to be a quantity rather than a pronoun ("one of them").
const EN_UNITS: &[&str] = &[
    "year",
    "years",
    "month",
    "months",
    "week",
    "weeks",
    "day",
    "days",
    "percent",
    "per",
    "percentage",
    "hour",
    "hours",
    "times",
    "%",
];

/// Numbers written in words, with their values: Chinese numerals followed by a unit or after
/// 百分之/千分之 (三年, 十二个月, 百分之五, 五成, 两倍, 三点五年), and English number words
/// ("five", "twenty-four", "three hundred"; "one"/"zero" only before a unit, as in "one year").
/// Grounding checks their values like figures written in digits.
pub fn word_numbers(text: &str) -> Vec<(Token, Decimal)> {
    let mut out = Vec::new();
    // Chinese.
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let mut i = 0;
    while i < chars.len() {
        if !is_cn_numeral(chars[i].1) {
            i += 1;
            continue;
        }
        let mut j = i;
        while j < chars.len()
            && (is_cn_numeral(chars[j].1)
                || (chars[j].1 == '点'
                    && j > i
                    && j + 1 < chars.len()
                    && cn_digit(chars[j + 1].1).is_some()))
        {
            j += 1;
        }
        let start = chars[i].0;
        let end = chars.get(j).map_or(text.len(), |c| c.0);
        let run = &text[start..end];
        let before = &text[..start];
        let after = &text[end..];
        let percent_prefix = ["百分之", "千分之"]
            .iter()
            .find(|p| before.ends_with(*p))
            .map(|p| p.len());
        let unit = CN_UNITS.iter().find(|u| after.starts_with(*u));
        // 一 alone before 个/日/天 reads as "a"/"one" in ordinary words (一个, 一日游); keep the
        // quantities with a clear unit.
        let lone_yi = run == "一"
            && matches!(unit, Some(u) if ["日", "天", "周", "週", "元", "块", "星期"].contains(u));
        if (percent_prefix.is_some() || unit.is_some()) && !lone_yi {
            if let Some(value) = cn_value(run) {
                let s = start - percent_prefix.unwrap_or(0);
                let e = end + unit.map_or(0, |u| u.len());
                out.push((
                    Token {
                        start: s,
                        end: e,
                        text: text[s..e].to_string(),
                    },
                    value,
                ));
            }
        }
        i = j.max(i + 1);
    }
    // English: runs of number words joined by spaces, hyphens or "and".
    let mut words: Vec<(usize, usize, String)> = Vec::new();
    let mut k = 0;
    let bytes = text.as_bytes();
    while k < bytes.len() {
        if bytes[k].is_ascii_alphabetic() {
            let s = k;
            while k < bytes.len() && bytes[k].is_ascii_alphabetic() {
                k += 1;
            }
            words.push((s, k, text[s..k].to_ascii_lowercase()));
        } else {
            k += text[k..].chars().next().map_or(1, char::len_utf8);
        }
    }
    let is_num = |w: &str| en_word_value(w).is_some() || en_scale(w).is_some();
    let mut w = 0;
    while w < words.len() {
        if !is_num(&words[w].2) || en_scale(&words[w].2).is_some() {
            w += 1;
            continue;
        }
        let mut end_w = w;
        while end_w + 1 < words.len() {
            let gap = &text[words[end_w].1..words[end_w + 1].0];
            let next = &words[end_w + 1].2;
            let joined = matches!(gap, " " | "-");
            if joined && is_num(next) {
                end_w += 1;
            } else if joined
                && next == "and"
                && end_w + 2 < words.len()
                && text[words[end_w + 1].1..words[end_w + 2].0] == *" "
                && is_num(&words[end_w + 2].2)
            {
                end_w += 2;
            } else {
                break;
            }
        }
        let (mut total, mut current) = (0u64, 0u64);
        for (_, _, word) in &words[w..=end_w] {
            if let Some(v) = en_word_value(word) {
                current += v;
            } else if let Some(m) = en_scale(word) {
                if m == 100 {
                    current = current.max(1) * 100;
                } else {
                    total += current.max(1) * m;
                    current = 0;
                }
            }
        }
        let value = total + current;
        let single_small = w == end_w && matches!(words[w].2.as_str(), "one" | "zero");
        let next_unit = words
            .get(end_w + 1)
            .is_some_and(|n| EN_UNITS.contains(&n.2.as_str()))
            || text[words[end_w].1..].trim_start().starts_with('%');
        if !single_small || next_unit {
            let (s, e) = (words[w].0, words[end_w].1);
            out.push((
                Token {
                    start: s,
                    end: e,
                    text: text[s..e].to_string(),
                },
                Decimal::from(value),
            ));
        }
        w = end_w + 1;
    }
    out.sort_by_key(|(t, _)| t.start);
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

    // Numbers written in words (三年, 百分之五, "five percent"): the same test by value.
    for (tok, value) in word_numbers(rationale) {
        if !support.numbers.contains(&value) {
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

    // Names of products that are not proposed (a name can be written without its code; English
    // names in any letter case).
    let lowered = rationale.to_ascii_lowercase();
    for p in shelf.iter().filter(|p| !proposed.contains(&p.product_code)) {
        for name in [&p.name_zh, &p.name_en] {
            if name.chars().count() < 3 {
                continue;
            }
            let name = name.to_ascii_lowercase();
            for (start, m) in lowered.match_indices(name.as_str()) {
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
    fn numbers_in_words_are_checked_like_digits() {
        let shelf = [product("BF01", Rating::R2), product("EQ01", Rating::R4)];
        let lint = crate::lint::LintPack::builtin().unwrap();
        let check =
            |text: &str, lang| verify(text, &facts(), &[], &shelf, &["BF01".into()], &lint, lang);
        // Unsupported: the facts hold 36, 0.80, 500000 — not 3, 5, 8, 50, 24.
        for text in [
            "持有三年即可。",
            "年化收益约百分之五。",
            "可获得五成收益。",
            "二十四个月后赎回。",
            "收益可达三点五%。",
            "It returns five percent a year.",
            "Hold it for twenty-four months.",
            "Expect eight percent.",
            "Hold it for one year.",
            "It gained fifty per cent.",
        ] {
            let lang = if text.is_ascii() { Lang::En } else { Lang::Zh };
            let v = check(text, lang);
            assert!(
                v.flagged.iter().any(|f| f.rule_id == rules::S14),
                "{text}: {:?}",
                v.flagged
            );
            assert!(v.text.is_empty(), "{text}: kept {:?}", v.text);
        }
        // Supported by value (36 months, 500000) or not a quantity at all.
        for text in [
            "期限三十六个月，与客户期限一致。",
            "The horizon is thirty-six months.",
            "一起考虑，万一需要资金，可以随时赎回。",
            "One of the products fits; no one else is named.",
            "十分适合客户，千万注意风险。",
            "Example Select Equity Fund",
        ] {
            let v = check(text, if text.is_ascii() { Lang::En } else { Lang::Zh });
            let s14: Vec<_> = v
                .flagged
                .iter()
                .filter(|f| f.rule_id == rules::S14)
                .collect();
            if text.starts_with("Example") {
                continue;
            }
            assert!(s14.is_empty(), "{text}: {s14:?}");
        }
    }

    #[test]
    fn excluded_product_names_are_caught_in_any_case() {
        let mut eq = product("EQ01", Rating::R4);
        eq.name_en = "Example Select Equity Fund".into();
        let shelf = [product("BF01", Rating::R2), eq];
        let v = verify(
            "BF01 fits. Consider the example select equity fund too.",
            &facts(),
            &[],
            &shelf,
            &["BF01".into()],
            &crate::lint::LintPack::builtin().unwrap(),
            Lang::En,
        );
        assert_eq!(v.text, "BF01 fits.", "{:?}", v.flagged);
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
