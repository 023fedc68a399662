//! The numeral ban: which tokens the model may not produce when
//! [`GenerationParams::ban_numerals`](crate::GenerationParams::ban_numerals) is set.
//!
//! Why: in a client document every figure must come from the deterministic
//! sections (rules, product data); the model may phrase, not invent numbers.
//! Banning only ASCII digits is not enough: SmolLM2 answered a numeric question
//! with "¼" and "½" when only ASCII digits were banned.
//!
//! The exact rule ([`is_numeral_text`]): a piece of text is banned when
//! 1. any character is numeric in Unicode's sense (`char::is_numeric`:
//!    general categories Nd, Nl, No — ASCII and full-width digits, `¼`, `½`,
//!    superscripts, circled numbers, Roman numerals, and `〇`, which Unicode
//!    classes as a letter-number), or
//! 2. any character is one of the Chinese financial numerals or `两`
//!    (`两壹贰叁肆伍陆柒捌玖拾佰仟`), or a percent or per-mille sign
//!    (`%`, `‰`, `％`), or
//! 3. it contains at least one of the common Chinese numerals
//!    `零一二三四五六七八九十百千万亿` and otherwise only those, `〇` and
//!    whitespace. These characters also occur inside ordinary words (`一起`,
//!    `万一`, `百货`), so a token is only banned when it is nothing but numerals.
//!
//! Tokens are checked on the text they decode to. A character assembled from
//! byte pieces spread over several tokens is checked when the token that
//! completes it is a candidate (see [`NumeralBan::completes_banned`]). Spelled-out
//! numbers in letters ("twenty") are not covered.

use crate::tokenizer::{GgufTokenizer, TokenType, Utf8Stream};

/// Chinese numeral characters banned anywhere in a token (rule 2, with the signs).
const ALWAYS_BANNED: &[char] = &[
    '两', '壹', '贰', '叁', '肆', '伍', '陆', '柒', '捌', '玖', '拾', '佰', '仟', '%', '‰', '％',
];

/// Chinese numerals banned only in tokens made of numerals alone (rule 3).
const BANNED_WHEN_ALONE: &[char] = &[
    '〇', '零', '一', '二', '三', '四', '五', '六', '七', '八', '九', '十', '百', '千', '万', '亿',
];

/// Whether `text` must not be generated under the numeral ban (see the module
/// documentation for the rule).
pub fn is_numeral_text(text: &str) -> bool {
    if text
        .chars()
        .any(|c| c.is_numeric() || ALWAYS_BANNED.contains(&c))
    {
        return true;
    }
    let mut has_numeral = false;
    for c in text.chars() {
        if BANNED_WHEN_ALONE.contains(&c) {
            has_numeral = true;
        } else if !c.is_whitespace() {
            return false;
        }
    }
    has_numeral
}

/// The numeral ban precomputed for one vocabulary.
#[derive(Debug, Clone, Default)]
pub struct NumeralBan {
    /// Sorted ids whose own text is banned.
    banned: Vec<u32>,
    /// Ids whose bytes start with a UTF-8 continuation byte: the only tokens
    /// that can complete a character left pending by earlier tokens.
    continuations: Vec<u32>,
}

impl NumeralBan {
    /// Scans the vocabulary once. End-of-generation tokens are never banned.
    pub fn for_tokenizer(tokenizer: &GgufTokenizer) -> Self {
        let mut banned = Vec::new();
        let mut continuations = Vec::new();
        for id in 0..tokenizer.vocab_size() as u32 {
            if tokenizer.is_end_of_generation(id)
                || tokenizer.token_type(id) == Some(TokenType::Control)
            {
                continue;
            }
            let bytes = tokenizer.token_bytes(id).unwrap_or_default();
            if is_numeral_text(&String::from_utf8_lossy(bytes)) {
                banned.push(id);
            }
            if bytes.first().is_some_and(|b| (0x80..0xC0).contains(b)) {
                continuations.push(id);
            }
        }
        NumeralBan {
            banned,
            continuations,
        }
    }

    /// Ids banned whatever came before, sorted ascending.
    pub fn banned_ids(&self) -> &[u32] {
        &self.banned
    }

    /// Ids whose bytes would complete a banned character when appended to the
    /// `pending` bytes of an unfinished character (empty when nothing is pending).
    pub fn completes_banned(&self, tokenizer: &GgufTokenizer, pending: &[u8]) -> Vec<u32> {
        if pending.is_empty() {
            return Vec::new();
        }
        self.continuations
            .iter()
            .copied()
            .filter(|id| {
                let mut stream = Utf8Stream::new();
                stream.push(pending);
                let text = stream.push(tokenizer.token_bytes(*id).unwrap_or_default());
                is_numeral_text(&text)
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::is_numeral_text;

    #[test]
    fn digits_and_number_forms_are_banned() {
        for text in [
            "1", " 7", "2024", "３", "¼", "½", "²", "①", "Ⅻ", "〇", "٣", "१", "50%", "%", "‰",
            "％", "x1", "abc9",
        ] {
            assert!(is_numeral_text(text), "{text:?} should be banned");
        }
    }

    #[test]
    fn chinese_financial_numerals_are_banned_anywhere() {
        for text in ["壹", "贰佰", "人民币叁万", "两", "两个", "拾"] {
            assert!(is_numeral_text(text), "{text:?} should be banned");
        }
    }

    #[test]
    fn common_chinese_numerals_only_when_alone() {
        for text in ["一", " 十", "三百", "一千万", "亿", "零", "二十 "] {
            assert!(is_numeral_text(text), "{text:?} should be banned");
        }
        for text in ["一起", "万一不", "百货", "统一", "十分重要", "千万不要忘记"]
        {
            assert!(!is_numeral_text(text), "{text:?} should be allowed");
        }
    }

    #[test]
    fn ordinary_text_is_allowed() {
        for text in [
            "",
            " ",
            "the",
            " answer",
            "Hello, world!",
            "风险",
            "收益",
            "—",
            "\u{FFFD}",
            "<|im_end|>",
            "seventeen",
        ] {
            assert!(!is_numeral_text(text), "{text:?} should be allowed");
        }
    }
}
