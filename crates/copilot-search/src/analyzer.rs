//! The text analyzer shared by indexing and querying: Chinese through jieba, everything else as
//! lowercased words.
//!
//! Steps, applied character by character to the original text:
//!
//! 1. Full-width ASCII forms (U+FF01–U+FF5E) map to their ASCII counterparts and the ideographic
//!    space (U+3000) to a space, so `ＡＢＣ１２３` and `ABC123` index alike.
//! 2. The text splits into runs: CJK runs (Han ideographs, kana, Hangul), word runs (alphanumeric
//!    characters; a `.` or `,` between two digits stays inside the number, and the `,` is dropped,
//!    so `1,000.50` becomes `1000.50`), and everything else (whitespace, punctuation, symbols),
//!    which produces no token.
//! 3. A CJK run is cut by jieba in search mode (`cut_for_search`, HMM off): a dictionary word and
//!    its dictionary sub-words are all emitted (`有限公司` → `有限`, `公司`, `有限公司`), so
//!    a query for a shorter or a longer word both match. HMM is off because it guesses new words
//!    differently depending on context, and the same text must cut the same way in a document
//!    and in a query.
//! 4. A word run is lowercased. Runs longer than [`MAX_WORD_CHARS`] characters (base64, hashes)
//!    are dropped.
//!
//! Token offsets are byte offsets into the original text. Positions increase by one per token
//! (the schema stores no positions; phrase queries are not used).

use jieba_rs::Jieba;
use std::sync::LazyLock;
use tantivy::tokenizer::{Token, TokenStream, Tokenizer};

/// Name under which the analyzer is registered with tantivy and recorded in the schema. The
/// version suffix changes whenever the analyzer's output changes, which makes an index built by
/// an older analyzer fail the schema check instead of silently missing matches.
pub const ANALYZER_NAME: &str = "copilot_zh_en_v1";

/// Word runs longer than this many characters produce no token.
pub const MAX_WORD_CHARS: usize = 64;

/// The jieba segmenter with its default dictionary; building it parses the dictionary (tens of
/// milliseconds), so every analyzer shares this one instance.
static JIEBA: LazyLock<Jieba> = LazyLock::new(Jieba::new);

/// Loads the shared jieba dictionary now if it is not loaded yet. Loading takes about 150 ms
/// (measured on the 2-core benchmark machine) and otherwise happens on the first indexing or
/// search call; the app calls this from a background thread at startup to keep it off the
/// advisor's first search.
pub fn load_dictionary() {
    LazyLock::force(&JIEBA);
}

/// Maps full-width ASCII forms and the ideographic space to ASCII.
fn normalize_width(c: char) -> char {
    match c {
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        '\u{3000}' => ' ',
        _ => c,
    }
}

/// Han ideographs (with extensions and compatibility forms), kana and Hangul: scripts written
/// without spaces, handed to jieba.
fn is_cjk(c: char) -> bool {
    matches!(c,
        '\u{3007}'
        | '\u{3040}'..='\u{30FF}'
        | '\u{3400}'..='\u{4DBF}'
        | '\u{4E00}'..='\u{9FFF}'
        | '\u{AC00}'..='\u{D7AF}'
        | '\u{F900}'..='\u{FAFF}'
        | '\u{20000}'..='\u{3134F}')
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Class {
    Cjk,
    Word,
    Other,
}

fn class_of(normalized: char) -> Class {
    if is_cjk(normalized) {
        Class::Cjk
    } else if normalized.is_alphanumeric() {
        Class::Word
    } else {
        Class::Other
    }
}

/// Runs `emit(text, offset_from, offset_to)` for every token of `text`, in order.
fn for_each_token(text: &str, mut emit: impl FnMut(&str, usize, usize)) {
    let chars: Vec<(usize, char)> = text
        .char_indices()
        .map(|(at, c)| (at, normalize_width(c)))
        .collect();
    let byte_end = |i: usize| chars.get(i).map_or(text.len(), |&(at, _)| at);
    let mut word = String::new();
    let mut i = 0;
    while i < chars.len() {
        let (start, c) = chars[i];
        match class_of(c) {
            Class::Other => i += 1,
            Class::Cjk => {
                let mut j = i + 1;
                while j < chars.len() && class_of(chars[j].1) == Class::Cjk {
                    j += 1;
                }
                let run = &text[start..byte_end(j)];
                for token in JIEBA.cut_for_search(run, false) {
                    emit(token.word, start + token.byte_start, start + token.byte_end);
                }
                i = j;
            }
            Class::Word => {
                word.clear();
                let mut length = 0;
                let mut j = i;
                while j < chars.len() {
                    let c = chars[j].1;
                    if class_of(c) == Class::Word {
                        word.extend(c.to_lowercase());
                        length += 1;
                    } else if (c == '.' || c == ',')
                        && j > i
                        && chars[j - 1].1.is_ascii_digit()
                        && chars.get(j + 1).is_some_and(|&(_, n)| n.is_ascii_digit())
                    {
                        // A decimal point or thousands separator inside a number.
                        if c == '.' {
                            word.push('.');
                        }
                        length += 1;
                    } else {
                        break;
                    }
                    j += 1;
                }
                if length <= MAX_WORD_CHARS {
                    emit(&word, start, byte_end(j));
                }
                i = j;
            }
        }
    }
}

/// The terms a text analyzes to, in order, duplicates kept.
pub fn analyze(text: &str) -> Vec<String> {
    let mut terms = Vec::new();
    for_each_token(text, |term, _, _| terms.push(term.to_owned()));
    terms
}

/// The tantivy tokenizer implementing the analysis described in the module docs. Register it
/// under [`ANALYZER_NAME`].
#[derive(Clone, Default)]
pub struct ZhEnTokenizer {
    /// Reused between calls so that indexing a chunk does not allocate a fresh vector.
    tokens: Vec<Token>,
}

impl Tokenizer for ZhEnTokenizer {
    type TokenStream<'a> = ZhEnTokenStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> ZhEnTokenStream<'a> {
        self.tokens.clear();
        let tokens = &mut self.tokens;
        for_each_token(text, |term, offset_from, offset_to| {
            let position = tokens.len();
            tokens.push(Token {
                offset_from,
                offset_to,
                position,
                text: term.to_owned(),
                position_length: 1,
            });
        });
        ZhEnTokenStream {
            tokens: &mut self.tokens,
            next: 0,
            before_first: Token::default(),
        }
    }
}

/// Token stream over the tokens [`ZhEnTokenizer`] computed for one text.
pub struct ZhEnTokenStream<'a> {
    tokens: &'a mut Vec<Token>,
    /// Index of the token after the current one; 0 before the first `advance`.
    next: usize,
    /// Returned by `token()` before the first `advance`, which the trait leaves unspecified.
    before_first: Token,
}

impl TokenStream for ZhEnTokenStream<'_> {
    fn advance(&mut self) -> bool {
        if self.next < self.tokens.len() {
            self.next += 1;
            true
        } else {
            false
        }
    }

    fn token(&self) -> &Token {
        match self.next.checked_sub(1) {
            Some(current) => &self.tokens[current],
            None => &self.before_first,
        }
    }

    fn token_mut(&mut self) -> &mut Token {
        match self.next.checked_sub(1) {
            Some(current) => &mut self.tokens[current],
            None => &mut self.before_first,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tokens(text: &str) -> Vec<(String, usize, usize)> {
        let mut tokenizer = ZhEnTokenizer::default();
        let mut stream = tokenizer.token_stream(text);
        let mut out = Vec::new();
        while stream.advance() {
            let token = stream.token();
            out.push((token.text.clone(), token.offset_from, token.offset_to));
        }
        out
    }

    #[test]
    fn latin_words_are_lowercased_and_punctuation_dropped() {
        assert_eq!(
            analyze("Management Fee: 0.30% per year; min. CNY 1,000!"),
            [
                "management",
                "fee",
                "0.30",
                "per",
                "year",
                "min",
                "cny",
                "1000"
            ]
        );
    }

    #[test]
    fn full_width_forms_normalise_to_ascii() {
        assert_eq!(analyze("ＡＢＣ１２３，Ｒ２"), ["abc123", "r2"]);
        assert_eq!(analyze("ＡＢＣ１２３"), analyze("abc123"));
    }

    #[test]
    fn chinese_is_cut_for_search() {
        let terms = analyze("管理费率 0.30%/年");
        assert!(terms.contains(&"管理".to_owned()), "{terms:?}");
        assert!(terms.contains(&"费率".to_owned()), "{terms:?}");
        assert!(terms.contains(&"0.30".to_owned()), "{terms:?}");
        assert!(!terms
            .iter()
            .any(|t| t.trim().is_empty() || t == "%" || t == "/"));
        assert_eq!(analyze("有限公司"), ["有限", "公司", "有限公司"]);
        let redeem = analyze("投资者可在每个开放日申请赎回。");
        assert!(redeem.contains(&"赎回".to_owned()), "{redeem:?}");
    }

    #[test]
    fn mixed_text_splits_scripts() {
        let terms = analyze("风险等级为R2（中低风险）");
        assert!(terms.contains(&"r2".to_owned()), "{terms:?}");
        assert!(terms.contains(&"风险".to_owned()), "{terms:?}");
        assert!(!terms.iter().any(|t| t.contains('（') || t.contains('(')));
    }

    #[test]
    fn offsets_point_into_the_original_text() {
        let text = "Ｆｅｅ：管理费率 ABC-def 1,000.5 ok";
        for (term, from, to) in tokens(text) {
            let original = &text[from..to];
            assert!(
                analyze(original).contains(&term),
                "{term:?} at {original:?}"
            );
        }
    }

    #[test]
    fn punctuation_and_empty_text_give_no_tokens() {
        assert!(analyze("").is_empty());
        assert!(analyze("  \"*:*\" ( ) 。，！？ —— \n\t").is_empty());
    }

    #[test]
    fn very_long_words_are_dropped() {
        let long = "a".repeat(MAX_WORD_CHARS + 1);
        assert_eq!(analyze(&format!("fee {long} rate")), ["fee", "rate"]);
    }

    #[test]
    fn token_before_advance_does_not_panic() {
        let mut tokenizer = ZhEnTokenizer::default();
        let mut stream = tokenizer.token_stream("");
        assert_eq!(stream.token().text, "");
        assert!(!stream.advance());
    }
}
