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
//!
//! With an allow-list ([`crate::figures`]) the ban splits in two: tokens
//! banned whatever is allowed ([`is_hard_numeral_text`]), and tokens holding
//! ASCII or full-width digits or percent signs, which
//! [`NumeralBan::figure_step`] tests against the allow-list at each step.

use std::ops::Range;

use crate::figures::{
    can_become_figure_char, is_figure_char, is_figure_word, normalize_char, AllowedFigures,
};
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

/// Whether `text` is banned even when figures are allowed: [`is_numeral_text`]
/// after removing the ASCII and full-width digits and percent signs, the
/// numeral characters that figure words (see [`crate::figures`]) are made of.
///
/// `"1万"` stays banned (`万` alone is a numeral), `"0.30%"` and `" 7"` do not,
/// `"²"`, `"①"` and `"一"` do. Every text this bans is banned by
/// [`is_numeral_text`] too.
pub fn is_hard_numeral_text(text: &str) -> bool {
    let rest: String = text.chars().filter(|c| !is_figure_numeral(*c)).collect();
    is_numeral_text(&rest)
}

/// ASCII and full-width digits and percent signs: the numeral characters an
/// allowed figure may contain.
fn is_figure_numeral(c: char) -> bool {
    c.is_ascii_digit() || ('０'..='９').contains(&c) || c == '%' || c == '％'
}

/// A token whose text holds figure numerals, with its text as it is emitted
/// from an empty [`Utf8Stream`].
#[derive(Debug, Clone)]
struct FigureToken {
    id: u32,
    /// The complete characters the token emits on its own.
    text: String,
    /// The bytes of an unfinished character the token ends on (usually none).
    tail: Vec<u8>,
}

/// A token without figure numerals that can extend a figure word being
/// written: its text starts with a figure character, or it emits nothing yet
/// and ends on bytes that can still become a full-width figure character.
#[derive(Debug, Clone)]
struct ExtenderToken {
    id: u32,
    /// The leading run of figure characters, normalized (may be empty).
    lead: String,
    /// Whether a character that is not a figure character follows the run
    /// inside the token.
    ends_run: bool,
    /// The bytes of an unfinished character the token ends on, when the
    /// run reaches them (otherwise empty).
    tail: Vec<u8>,
}

/// The tokens to ban at one step of constrained figure decoding, besides
/// [`NumeralBan::hard_ids`]; see [`NumeralBan::figure_step`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FigureStep {
    /// Ids banned at this step, in no particular order (may repeat).
    pub banned: Vec<u32>,
    /// Whether every id of [`NumeralBan::terminator_ids`] is banned too: the
    /// figure word being written is not yet a complete allowed figure.
    pub ban_terminators: bool,
}

/// The numeral ban precomputed for one vocabulary.
///
/// Besides the plain ban ([`banned_ids`](Self::banned_ids)) it classifies
/// every token once for constrained figure decoding
/// ([`figure_step`](Self::figure_step)): tokens banned whatever is allowed,
/// tokens holding digits or percent signs (checked against the allow-list at
/// each step), tokens that can extend a figure word, and tokens that end one.
#[derive(Debug, Clone, Default)]
pub struct NumeralBan {
    /// Sorted ids whose own text is banned.
    banned: Vec<u32>,
    /// Ids whose bytes start with a UTF-8 continuation byte: the only tokens
    /// that can complete a character left pending by earlier tokens.
    continuations: Vec<u32>,
    /// Sorted ids banned even when figures are allowed ([`is_hard_numeral_text`]).
    hard: Vec<u32>,
    /// Tokens of `banned` that are not in `hard`: they hold digits or percent
    /// signs and are checked against the allow-list.
    figures: Vec<FigureToken>,
    /// Tokens without figure numerals that can extend a figure word, sorted
    /// by `lead` (so tokens whose lead starts with the same character are
    /// contiguous; those with an empty lead come first).
    extenders: Vec<ExtenderToken>,
    /// The ids of `extenders`, in the same order.
    extender_ids: Vec<u32>,
    /// `(first byte of the lead, 0 for none; range of extenders)`, ascending.
    extender_groups: Vec<(u8, Range<usize>)>,
    /// Sorted ids of tokens without figure numerals that end a figure word:
    /// their first character is not a figure character, or they hold only
    /// bytes that cannot become one.
    terminators: Vec<u32>,
}

impl NumeralBan {
    /// Scans the vocabulary once. End-of-generation tokens are never banned.
    pub fn for_tokenizer(tokenizer: &GgufTokenizer) -> Self {
        let mut ban = NumeralBan::default();
        for id in 0..tokenizer.vocab_size() as u32 {
            if tokenizer.is_end_of_generation(id)
                || tokenizer.token_type(id) == Some(TokenType::Control)
            {
                continue;
            }
            let bytes = tokenizer.token_bytes(id).unwrap_or_default();
            if bytes.first().is_some_and(|b| (0x80..0xC0).contains(b)) {
                ban.continuations.push(id);
            }
            let lossy = String::from_utf8_lossy(bytes);
            let banned = is_numeral_text(&lossy);
            if banned {
                ban.banned.push(id);
            }
            if is_hard_numeral_text(&lossy) {
                ban.hard.push(id);
                continue;
            }
            // The text as `generate` would stream it after a whole character.
            let mut stream = Utf8Stream::new();
            let text = stream.push(bytes);
            let tail = stream.pending().to_vec();
            if banned {
                ban.figures.push(FigureToken { id, text, tail });
                continue;
            }
            let lead: String = text
                .chars()
                .take_while(|c| is_figure_char(*c))
                .map(normalize_char)
                .collect();
            let ends_run = lead.chars().count() < text.chars().count();
            if !lead.is_empty() || (text.is_empty() && can_become_figure_char(&tail)) {
                let tail = if ends_run { Vec::new() } else { tail };
                ban.extenders.push(ExtenderToken {
                    id,
                    lead,
                    ends_run,
                    tail,
                });
            } else if !text.is_empty() || !tail.is_empty() {
                // Starts with a character that ends a run, or ends on bytes
                // that cannot become a figure character.
                ban.terminators.push(id);
            }
        }
        ban.extenders.sort_by(|a, b| a.lead.cmp(&b.lead));
        ban.extender_ids = ban.extenders.iter().map(|t| t.id).collect();
        for (index, token) in ban.extenders.iter().enumerate() {
            // Leads are normalized figure characters: ASCII.
            let first = token.lead.bytes().next().unwrap_or(0);
            match ban.extender_groups.last_mut() {
                Some((byte, range)) if *byte == first => range.end = index + 1,
                _ => ban.extender_groups.push((first, index..index + 1)),
            }
        }
        ban
    }

    /// Ids banned whatever came before, sorted ascending.
    pub fn banned_ids(&self) -> &[u32] {
        &self.banned
    }

    /// Ids banned whatever the allow-list and whatever came before (a subset
    /// of [`banned_ids`](Self::banned_ids)), sorted ascending.
    pub fn hard_ids(&self) -> &[u32] {
        &self.hard
    }

    /// Ids that end a figure word being written (see [`FigureStep::ban_terminators`]),
    /// sorted ascending. Never end-of-generation tokens.
    pub fn terminator_ids(&self) -> &[u32] {
        &self.terminators
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

    /// The bans of one step of constrained figure decoding (the rule is in
    /// [`crate::figures`]), to apply together with [`hard_ids`](Self::hard_ids).
    ///
    /// `word` is the trailing run of figure characters of the text generated
    /// so far ([`FigureCursor::word`](crate::figures::FigureCursor::word)) and
    /// `pending` the bytes of an unfinished character
    /// ([`Utf8Stream::pending`]). Only the tokens that can change a figure
    /// word are tested: those holding digits or percent signs always, and the
    /// tokens extending `word` only while `word` is a figure word. A token
    /// that ends a figure word which is only a prefix of an allowed figure is
    /// banned through [`FigureStep::ban_terminators`]. End-of-generation
    /// tokens are never banned.
    pub fn figure_step(
        &self,
        tokenizer: &GgufTokenizer,
        allowed: &AllowedFigures,
        word: &str,
        pending: &[u8],
    ) -> FigureStep {
        let in_figure = is_figure_word(word);
        let complete = !in_figure || allowed.admits_complete(word);
        let mut banned = Vec::new();
        if !pending.is_empty() {
            // Rare: a multi-byte character is unfinished. Only continuation
            // tokens can complete it; any other token first emits U+FFFD,
            // which ends the run.
            let completed = |id: u32| {
                let mut stream = Utf8Stream::new();
                stream.push(pending);
                let text = stream.push(tokenizer.token_bytes(id).unwrap_or_default());
                (text, stream.pending().to_vec())
            };
            for &id in &self.continuations {
                let (text, tail) = completed(id);
                if is_hard_numeral_text(&text) || !allowed.admits_text(word, &text, &tail) {
                    banned.push(id);
                }
            }
            if complete {
                for token in &self.figures {
                    let (text, tail) = completed(token.id);
                    if !allowed.admits_text(word, &text, &tail) {
                        banned.push(token.id);
                    }
                }
            } else {
                banned.extend((0..tokenizer.vocab_size() as u32).filter(|id| {
                    !tokenizer.is_end_of_generation(*id)
                        && self.continuations.binary_search(id).is_err()
                        && !tokenizer.token_bytes(*id).unwrap_or_default().is_empty()
                }));
            }
            return FigureStep {
                banned,
                ban_terminators: false,
            };
        }
        for token in &self.figures {
            if !allowed.admits_text(word, &token.text, &token.tail) {
                banned.push(token.id);
            }
        }
        if in_figure {
            // Only extenders whose lead starts with a character that can come
            // next are tested; every other one is banned as a block.
            let next = allowed.next_chars(word);
            let mut run = String::with_capacity(32);
            for (first, range) in &self.extender_groups {
                if *first != 0 && !next.contains(first) {
                    banned.extend_from_slice(&self.extender_ids[range.clone()]);
                    continue;
                }
                for token in &self.extenders[range.clone()] {
                    run.clear();
                    run.push_str(word);
                    run.push_str(&token.lead);
                    let ok = if token.ends_run {
                        allowed.admits_complete(&run)
                    } else {
                        allowed.admits_open_end(&run, &token.tail)
                    };
                    if !ok {
                        banned.push(token.id);
                    }
                }
            }
        }
        FigureStep {
            banned,
            ban_terminators: !complete,
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::{BTreeSet, HashMap};

    use candle_core::quantized::gguf_file::Value;

    use super::*;
    use crate::figures::FigureCursor;
    use crate::tokenizer::gpt2_byte_to_char;

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

    #[test]
    fn hard_numerals_are_a_subset_of_the_plain_ban() {
        for text in ["²", "①", "Ⅻ", "一", "三百", "1万", "٣", "‰", "0‰", " 7²"] {
            assert!(is_hard_numeral_text(text), "{text:?} should stay banned");
            assert!(is_numeral_text(text));
        }
        for text in ["0", " 7", "0.30%", "％", "３", "BF01", "a一", "1 ", "the"] {
            assert!(
                !is_hard_numeral_text(text),
                "{text:?} depends on the allow-list"
            );
        }
    }

    /// The tiny vocabulary's tokens, as the text (or raw bytes) they render.
    const VOCAB: &[&[u8]] = &[
        b"<|im_end|>",    // 0: control, end of generation
        b"0",             // 1
        b"3",             // 2
        b".",             // 3
        b"%",             // 4
        b" ",             // 5
        b" fee",          // 6
        b"BF",            // 7
        b"01",            // 8
        b" BF",           // 9
        b"1",             // 10
        b"2",             // 11
        "。".as_bytes(),  // 12
        b"x",             // 13
        b" 7",            // 14
        "%。".as_bytes(), // 15
        "一".as_bytes(),  // 16: always banned
        "²".as_bytes(),   // 17: always banned
        "０".as_bytes(),  // 18: full-width zero
        &[0xEF, 0xBC],    // 19: first bytes of a full-width figure character
        &[0x90],          // 20: completes ０ after 19
        &[0x85],          // 21: completes ％ after 19
        &[0xE4, 0xB8],    // 22: first bytes of 中
        &[0xAD],          // 23: completes 中 after 22
        b"b",             // 24
        b"f",             // 25
        b",",             // 26
        b"10",            // 27
        b"3 ",            // 28
        b"30%",           // 29
        b"\n",            // 30
    ];

    /// [`VOCAB`], then `-`, `5`, `6` and every UTF-8 continuation byte (ids
    /// 31–33 and 34–97), so that, as in a real byte-level vocabulary, every
    /// full-width character can be written byte by byte.
    fn vocab() -> Vec<Vec<u8>> {
        let mut vocab: Vec<Vec<u8>> = VOCAB.iter().map(|b| b.to_vec()).collect();
        vocab.extend([b"-".to_vec(), b"5".to_vec(), b"6".to_vec()]);
        vocab.extend((0x80..0xC0u8).map(|b| vec![b]));
        vocab
    }

    /// A byte-level BPE vocabulary (`Ġ` for a space, as SmolLM2's) of [`vocab`].
    fn tiny_tokenizer() -> GgufTokenizer {
        let table = gpt2_byte_to_char();
        let vocab = vocab();
        let tokens: Vec<Value> = vocab
            .iter()
            .enumerate()
            .map(|(id, bytes)| {
                let text = if id == 0 {
                    String::from_utf8(bytes.to_vec()).unwrap()
                } else {
                    bytes.iter().map(|b| table[*b as usize]).collect()
                };
                Value::String(text)
            })
            .collect();
        let types = (0..vocab.len())
            .map(|id| Value::I32(if id == 0 { 3 } else { 1 }))
            .collect();
        let md: HashMap<String, Value> = [
            ("tokenizer.ggml.model", Value::String("gpt2".into())),
            ("tokenizer.ggml.pre", Value::String("gpt2".into())),
            ("tokenizer.ggml.tokens", Value::Array(tokens)),
            ("tokenizer.ggml.token_type", Value::Array(types)),
            ("tokenizer.ggml.merges", Value::Array(Vec::new())),
            ("tokenizer.ggml.eos_token_id", Value::U32(0)),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect();
        let tokenizer = GgufTokenizer::from_gguf_metadata(&md).unwrap();
        for (id, bytes) in vocab.iter().enumerate().skip(1) {
            assert_eq!(
                tokenizer.token_bytes(id as u32),
                Some(&bytes[..]),
                "token {id}"
            );
        }
        tokenizer
    }

    /// The ids banned after generating `ids` with `allowed`, as `generate` bans them.
    fn banned_after(
        ban: &NumeralBan,
        tokenizer: &GgufTokenizer,
        allowed: &AllowedFigures,
        ids: &[u32],
    ) -> BTreeSet<u32> {
        let mut stream = Utf8Stream::new();
        let mut cursor = FigureCursor::new();
        for id in ids {
            cursor.push(&stream.push(tokenizer.token_bytes(*id).unwrap()));
        }
        let step = ban.figure_step(tokenizer, allowed, cursor.word(), stream.pending());
        let mut set: BTreeSet<u32> = ban.hard_ids().iter().chain(&step.banned).copied().collect();
        if step.ban_terminators {
            set.extend(ban.terminator_ids());
        }
        set
    }

    struct Case {
        ban: NumeralBan,
        tokenizer: GgufTokenizer,
        allowed: AllowedFigures,
    }

    impl Case {
        fn new(allowed: &[&str]) -> Self {
            let tokenizer = tiny_tokenizer();
            Case {
                ban: NumeralBan::for_tokenizer(&tokenizer),
                tokenizer,
                allowed: AllowedFigures::new(allowed),
            }
        }

        /// Asserts which of `candidates` may follow `ids`.
        fn check(&self, ids: &[u32], may: &[u32], may_not: &[u32]) {
            let banned = banned_after(&self.ban, &self.tokenizer, &self.allowed, ids);
            let text = self.tokenizer.decode(ids);
            for id in may {
                assert!(
                    !banned.contains(id),
                    "after {text:?}: token {id} should be allowed"
                );
            }
            for id in may_not {
                assert!(
                    banned.contains(id),
                    "after {text:?}: token {id} should be banned"
                );
            }
            assert!(!banned.contains(&0), "end of generation is never banned");
        }
    }

    #[test]
    fn the_plain_ban_splits_into_hard_and_figure_tokens() {
        let tokenizer = tiny_tokenizer();
        let ban = NumeralBan::for_tokenizer(&tokenizer);
        let plain: Vec<u32> = (0..tokenizer.vocab_size() as u32)
            .filter(|id| is_numeral_text(&tokenizer.decode(&[*id])))
            .collect();
        assert_eq!(ban.banned_ids(), plain);
        assert_eq!(ban.hard_ids(), [16, 17]);
        let mut union: Vec<u32> = ban
            .hard_ids()
            .iter()
            .copied()
            .chain(ban.figures.iter().map(|t| t.id))
            .collect();
        union.sort_unstable();
        assert_eq!(union, plain, "hard ∪ figure tokens = the plain ban");
        // An empty allow-list takes the plain ban's path in `generate`.
        assert!(AllowedFigures::new::<String>(&[]).is_empty());
    }

    #[test]
    fn only_prefixes_of_allowed_figures_start() {
        let case = Case::new(&["0.30%"]);
        case.check(&[6, 5], &[1, 18, 19, 13, 6], &[2, 10, 11, 27, 14, 4, 29]);
        // Letters are no figure, so a code prefix is free until its digit.
        case.check(&[9], &[13, 5], &[1, 8, 10]);
    }

    #[test]
    fn a_strict_prefix_cannot_end_and_must_continue_the_figure() {
        let case = Case::new(&["0.30%"]);
        // "0.3": only "0" (or its full-width form, in one piece or two) continues.
        case.check(
            &[6, 5, 1, 3, 2],
            &[1, 18, 19],
            &[5, 6, 9, 12, 13, 3, 26, 4, 2, 28, 29, 22, 30],
        );
        // "0.30": "%" completes it; ending here is refused.
        case.check(&[6, 5, 1, 3, 2, 1], &[4, 15, 19], &[5, 12, 1, 28, 22, 21]);
        // "0.3" then the first bytes of a full-width character: only ０ completes it.
        case.check(&[6, 5, 1, 3, 2, 19], &[20], &[21, 23, 5, 1, 13]);
        // Completed: any ending, a full stop or comma after it, no more digits.
        case.check(
            &[6, 5, 1, 3, 2, 1, 4],
            &[5, 12, 3, 26, 6, 22, 30],
            &[1, 2, 4, 13, 24],
        );
        case.check(&[6, 5, 1, 3, 2, 1, 4, 3], &[5, 12], &[1, 2]);
        // One token may write the rest of the figure and end it.
        case.check(&[6, 5, 1, 3], &[29], &[28, 5]);
    }

    #[test]
    fn case_and_width_are_ignored() {
        let case = Case::new(&["ｂｆ01"]);
        case.check(&[9], &[8, 1, 18, 19], &[10, 11, 2, 27]);
        case.check(&[5, 24, 25, 1], &[10], &[11, 5, 12]);
        let case = Case::new(&["０.３０％"]);
        case.check(&[5, 1, 3, 2], &[1, 18], &[5]);
        case.check(&[5, 18, 3, 2, 1], &[4, 19], &[5]);
        case.check(&[5, 18, 3, 2, 1, 19], &[21], &[20, 5]);
    }

    #[test]
    fn product_codes_are_figure_words() {
        let case = Case::new(&["BF01", "0.30%"]);
        case.check(&[9], &[8, 1], &[10, 11, 27]);
        case.check(&[9, 1], &[10], &[5, 12, 1, 11, 13]);
        case.check(&[9, 8], &[5, 12, 3, 26], &[1, 10, 11, 13, 24, 4]);
        // Another code cannot be produced.
        let case = Case::new(&["0.30%"]);
        case.check(&[9], &[], &[1, 8, 10, 18]);
    }

    #[test]
    fn other_numerals_stay_banned() {
        let case = Case::new(&["0.30%", "1", "2"]);
        case.check(&[5], &[1, 10, 11], &[16, 17, 14]);
        // A bare percent sign is no figure from the facts.
        case.check(&[6], &[], &[4]);
    }

    #[test]
    fn random_walks_only_write_allowed_figures() {
        let case = Case::new(&["0.30%", "BF01", "10", "2026-02-25"]);
        let mut seed = 0x2545_F491_4F6C_DD1Du64;
        let mut next = |n: usize| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % n as u64) as usize
        };
        let mut written = BTreeSet::new();
        for _ in 0..3000 {
            let mut ids = Vec::new();
            for _ in 0..8 {
                let banned = banned_after(&case.ban, &case.tokenizer, &case.allowed, &ids);
                let open: Vec<u32> = (1..case.tokenizer.vocab_size() as u32)
                    .filter(|id| !banned.contains(id))
                    .collect();
                assert!(!open.is_empty(), "dead end after {ids:?}");
                ids.push(open[next(open.len())]);
            }
            // The text as `generate` streams it: an unfinished last character is left out.
            let mut stream = Utf8Stream::new();
            let text: String = ids
                .iter()
                .map(|id| stream.push(case.tokenizer.token_bytes(*id).unwrap()))
                .collect();
            let mut cursor = FigureCursor::new();
            cursor.push(&text);
            let open_run = cursor.word().to_string();
            let words = crate::figures::figure_words(&text);
            let ended = if is_figure_word(&open_run) {
                &words[..words.len() - 1]
            } else {
                &words[..]
            };
            for word in ended {
                assert!(case.allowed.admits_complete(word), "{word:?} in {text:?}");
                written.insert(word.clone());
            }
            assert!(
                !is_figure_word(&open_run) || case.allowed.admits_partial(&open_run),
                "{open_run:?} in {text:?}"
            );
        }
        assert!(
            written.len() >= 2,
            "the walks write allowed figures: {written:?}"
        );
    }
}
