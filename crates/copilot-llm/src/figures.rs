//! Constrained decoding of figures: which figure words the model may write
//! under the numeral ban when
//! [`GenerationParams::allowed_figures`](crate::GenerationParams::allowed_figures)
//! is not empty.
//!
//! Why: the rationale may restate the facts it was given (a fee of `0.30%`,
//! product `BF01`, a date `2026-02-25`) but must not invent any other figure or
//! product code. Banning every digit (the plain numeral ban) forbids both;
//! this module lets through exactly the figures among the facts.
//!
//! The rule:
//! - A *figure character* is an ASCII letter or digit, one of the joiners
//!   `.` `,` `%` `-` `/`, or the full-width form of any of these (`０`, `Ｂ`,
//!   `％`, `，`, …). Text is compared after [`normalize_char`]: full-width to
//!   ASCII, then ASCII lower case.
//! - A *figure word* is a maximal run of figure characters that contains an
//!   ASCII or full-width digit or a percent sign (a bare `%` is no figure from
//!   the facts, so it stays banned as before).
//! - While a figure word is being written it must be a prefix of an allowed
//!   figure ([`AllowedFigures::admits_partial`]); once a character that is not
//!   a figure character ends it, it must equal one
//!   ([`AllowedFigures::admits_complete`]). So `0.3` followed by a space is
//!   refused when only `0.30%` is allowed.
//! - Sentence punctuation: an allowed figure followed by `.` or `,` characters
//!   only (`0.30%.`, `BF01,`, `0.30%，`) counts as that figure, because the
//!   joiners `.` and `,` are also full stops and commas. `0.30%.5` is refused.
//! - Each allowed entry is split into its figure words (`10万` allows `10`,
//!   `0.30% p.a.` allows `0.30%`); trailing `.` and `,` are dropped, and parts
//!   without a digit are ignored. Every allowed figure word is therefore made
//!   of figure characters only, and from any prefix of one the single-character
//!   token of its next character continues it: the constraint never leaves the
//!   model without a way to finish the figure it started.
//!
//! - End-of-generation tokens are never banned (so a step never runs out of
//!   tokens), and `max_new_tokens` may cut a figure short: the very end of a
//!   generation can be a strict prefix of an allowed figure (`… fee 0.3`).
//!   The grounding verifier downstream still checks every figure.
//!
//! Every other numeral form of [`crate::numerals`] (Chinese numerals,
//! Roman numerals, superscripts, circled numbers, digits of other scripts, `‰`)
//! stays banned whatever the allow-list holds.

/// Full-width to ASCII (U+FF01–U+FF5E to U+0021–U+007E), then ASCII lower
/// case; every other character is returned unchanged.
pub fn normalize_char(c: char) -> char {
    let c = match u32::from(c) {
        code @ 0xFF01..=0xFF5E => char::from_u32(code - 0xFEE0).unwrap_or(c),
        _ => c,
    };
    c.to_ascii_lowercase()
}

/// Whether `c` is a figure character (see the module documentation), in
/// either width.
pub fn is_figure_char(c: char) -> bool {
    let c = normalize_char(c);
    c.is_ascii_alphanumeric() || matches!(c, '.' | ',' | '%' | '-' | '/')
}

/// Whether a normalized run of figure characters is a figure word: it holds a
/// digit or a percent sign.
pub fn is_figure_word(word: &str) -> bool {
    word.bytes().any(|b| b.is_ascii_digit() || b == b'%')
}

/// Whether `rest` is sentence punctuation after a figure: only `.` and `,`.
fn is_sentence_punctuation(rest: &str) -> bool {
    rest.bytes().all(|b| b == b'.' || b == b',')
}

/// The figure words of `text` (see the module documentation), normalized
/// with [`normalize_char`] and with trailing `.` and `,` removed, in order of
/// appearance. `"Fee ０.３０％, code BF01."` gives `["0.30%", "bf01"]`.
pub fn figure_words(text: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut run = String::new();
    for c in text.chars().chain(std::iter::once(' ')) {
        if is_figure_char(c) {
            run.push(normalize_char(c));
        } else if !run.is_empty() {
            let word = run.trim_end_matches(['.', ',']);
            if is_figure_word(word) {
                words.push(word.to_string());
            }
            run.clear();
        }
    }
    words
}

/// The figures the model may write: normalized figure words, sorted and
/// without duplicates.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AllowedFigures {
    words: Vec<String>,
}

impl AllowedFigures {
    /// Builds the allow-list from the facts' figures and product codes, e.g.
    /// `["0.30%", "BF01", "2026-02-25"]`. Each entry contributes its
    /// [`figure_words`]; entries without a digit contribute nothing.
    pub fn new<S: AsRef<str>>(figures: &[S]) -> Self {
        let mut words: Vec<String> = figures
            .iter()
            .flat_map(|f| figure_words(f.as_ref()))
            .filter(|w| w.bytes().any(|b| b.is_ascii_digit()))
            .collect();
        words.sort_unstable();
        words.dedup();
        AllowedFigures { words }
    }

    /// Whether nothing is allowed (then the numeral ban is the plain ban).
    pub fn is_empty(&self) -> bool {
        self.words.is_empty()
    }

    /// The normalized allowed figure words.
    pub fn words(&self) -> &[String] {
        &self.words
    }

    /// Whether the normalized figure word `word`, still being written, can
    /// become an allowed figure: it is a prefix of one, or an allowed figure
    /// followed by sentence punctuation.
    pub fn admits_partial(&self, word: &str) -> bool {
        self.words.iter().any(|allowed| {
            allowed.starts_with(word)
                || word
                    .strip_prefix(allowed.as_str())
                    .is_some_and(is_sentence_punctuation)
        })
    }

    /// Whether the normalized figure word `word`, now ended, is an allowed
    /// figure, possibly followed by sentence punctuation.
    pub fn admits_complete(&self, word: &str) -> bool {
        self.words.iter().any(|allowed| {
            word.strip_prefix(allowed.as_str())
                .is_some_and(is_sentence_punctuation)
        })
    }

    /// The characters (normalized, ASCII) that can follow the figure word
    /// `word` while it stays admissible (see
    /// [`admits_partial`](Self::admits_partial)): the next character of every
    /// allowed figure that `word` starts, and `.` and `,` once `word` is a
    /// complete figure. Sorted, without duplicates.
    pub fn next_chars(&self, word: &str) -> Vec<u8> {
        let mut next: Vec<u8> = self
            .words
            .iter()
            .filter(|allowed| allowed.starts_with(word))
            .filter_map(|allowed| allowed.as_bytes().get(word.len()).copied())
            .collect();
        if self.admits_complete(word) {
            next.extend([b'.', b',']);
        }
        next.sort_unstable();
        next.dedup();
        next
    }

    /// Whether the run `run`, at the end of the text so far, is admissible
    /// when `tail` holds the bytes of an unfinished character after it.
    ///
    /// With no tail the run is still open: a figure word must be a prefix of
    /// an allowed figure. With a tail the next character is one of those the
    /// tail can still become: either a character that ends the run (so the
    /// run must be complete), or a full-width figure character that
    /// continues it as a prefix. A tail that can become neither leaves the
    /// model no way on, so it is refused.
    pub fn admits_open_end(&self, run: &str, tail: &[u8]) -> bool {
        if !is_figure_word(run) {
            return true;
        }
        if tail.is_empty() {
            return self.admits_partial(run);
        }
        if self.admits_complete(run) {
            return true;
        }
        let mut extended = String::with_capacity(run.len() + 1);
        figure_chars_after(tail).any(|c| {
            extended.clear();
            extended.push_str(run);
            extended.push(c);
            self.admits_partial(&extended)
        })
    }

    /// Whether `text` may follow text whose trailing run of figure characters
    /// is `word` (normalized), `tail` being the bytes of an unfinished
    /// character left after `text` (empty when `text` ends on a whole
    /// character).
    ///
    /// `text` is normalized here; any character that is not a figure
    /// character ends the current run, which must then be a complete allowed
    /// figure if it is a figure word. The last run is checked with
    /// [`admits_open_end`](Self::admits_open_end).
    pub fn admits_text(&self, word: &str, text: &str, tail: &[u8]) -> bool {
        let mut run = String::with_capacity(word.len() + text.len());
        run.push_str(word);
        for c in text.chars() {
            if is_figure_char(c) {
                run.push(normalize_char(c));
            } else {
                if is_figure_word(&run) && !self.admits_complete(&run) {
                    return false;
                }
                run.clear();
            }
        }
        self.admits_open_end(&run, tail)
    }
}

/// The trailing run of figure characters of the text generated so far
/// (normalized), updated piece by piece.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FigureCursor {
    word: String,
}

impl FigureCursor {
    /// A cursor at the start of the text (no run).
    pub fn new() -> Self {
        Self::default()
    }

    /// Appends generated text (whole characters).
    pub fn push(&mut self, text: &str) {
        for c in text.chars() {
            if is_figure_char(c) {
                self.word.push(normalize_char(c));
            } else {
                self.word.clear();
            }
        }
    }

    /// The current trailing run, normalized (empty after a non-figure character).
    pub fn word(&self) -> &str {
        &self.word
    }
}

/// The figure characters (normalized, e.g. `0`, `b`, `%`) whose full-width
/// form starts with the incomplete UTF-8 bytes `tail`: the only multi-byte
/// characters that continue a figure word. Empty for most tails (`中`'s first
/// bytes); every figure character for an empty tail.
pub fn figure_chars_after(tail: &[u8]) -> impl Iterator<Item = char> + '_ {
    (0xFF01u32..=0xFF5E)
        .filter_map(char::from_u32)
        .filter(|c| is_figure_char(*c))
        .filter(move |c| {
            let mut buf = [0u8; 4];
            c.encode_utf8(&mut buf).as_bytes().starts_with(tail)
        })
        .map(normalize_char)
}

/// Whether the incomplete UTF-8 bytes `tail` can still become a full-width
/// figure character (`０`, `Ｂ`, `％`, …); true for an empty tail.
pub fn can_become_figure_char(tail: &[u8]) -> bool {
    tail.is_empty() || figure_chars_after(tail).next().is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A tail that cannot become a figure character (the first bytes of `中`).
    const NO_FIGURE: &[u8] = &[0xE4, 0xB8];

    fn allowed() -> AllowedFigures {
        AllowedFigures::new(&["0.30%", "ＢＦ01", "2026-02-25", "10,000", "10万", "p.a."])
    }

    #[test]
    fn entries_are_normalized_split_and_deduplicated() {
        assert_eq!(
            allowed().words(),
            ["0.30%", "10", "10,000", "2026-02-25", "bf01"]
        );
        assert_eq!(
            AllowedFigures::new(&["BF01", "bf01.", "0.30% p.a."]).words(),
            ["0.30%", "bf01"]
        );
        assert!(AllowedFigures::new(&["", "%", "abc"]).is_empty());
        assert!(AllowedFigures::new::<&str>(&[]).is_empty());
    }

    #[test]
    fn prefixes_while_writing_whole_figures_when_ended() {
        let a = allowed();
        for w in [
            "0", "0.", "0.3", "0.30", "0.30%", "b", "bf0", "2026-0", "10,",
        ] {
            assert!(a.admits_partial(w), "{w}");
        }
        for w in ["3", "0.31", "0.30%5", "bf02", "2027", "10,5"] {
            assert!(!a.admits_partial(w), "{w}");
        }
        for w in [
            "0.30%",
            "bf01",
            "2026-02-25",
            "10,000",
            "10",
            "0.30%.",
            "bf01,",
        ] {
            assert!(a.admits_complete(w), "{w}");
        }
        for w in [
            "0", "0.3", "0.30", "bf0", "2026-02", "10,0", "0.30%.5", "0.30%%",
        ] {
            assert!(!a.admits_complete(w), "{w}");
        }
    }

    #[test]
    fn text_after_a_run_is_checked_word_by_word() {
        let a = allowed();
        // Extending and ending.
        assert!(a.admits_text("0.3", "0", &[]));
        assert!(a.admits_text("0.30", "% ", &[]));
        assert!(!a.admits_text("0.3", " ", &[]), "ends a strict prefix");
        assert!(!a.admits_text("0.3", "。", &[]), "ends a strict prefix");
        assert!(a.admits_text("0.30%", "。", &[]));
        assert!(a.admits_text("0.30%", ".", &[]), "full stop after a figure");
        assert!(a.admits_text("0.30%", "，", &[]), "full-width comma");
        assert!(!a.admits_text("0.30%.", "5", &[]));
        // Letters glued to a figure are part of it.
        assert!(!a.admits_text("10", "th", &[]));
        assert!(!a.admits_text("bf01", "x", &[]));
        // Case and width.
        assert!(a.admits_text("", " ＢＦ０１ ", &[]));
        assert!(a.admits_text("b", "F01", &[]));
        assert!(a.admits_text("", "０.３０％", &[]));
        // A run without a digit is no figure word.
        assert!(a.admits_text("", " hello-world ", &[]));
        assert!(a.admits_text("abc", "def", NO_FIGURE));
        // A bare percent sign stays banned; digits of an unknown figure too.
        assert!(!a.admits_text("", " %", &[]));
        assert!(!a.admits_text("", " 7 ", &[]));
        assert!(!a.admits_text("bf", "02", &[]));
        // Every ended word of a multi-word text is checked.
        assert!(!a.admits_text("", "10 3", &[]));
        assert!(!a.admits_text("", "1 10", &[]), "1 ends as a prefix only");
        assert!(a.admits_text("", "10 10", &[]));
        // A run followed by a character known not to continue it is ended.
        assert!(a.admits_text("0.3", "0", &[]));
        assert!(!a.admits_text("0.3", "0", NO_FIGURE));
        assert!(a.admits_text("0.30", "%", NO_FIGURE));
    }

    #[test]
    fn figure_words_are_found_normalized() {
        assert_eq!(
            figure_words("Fee ０.３０％, code BF01. Dated 2026-02-25; 10,000 units; ok."),
            ["0.30%", "bf01", "2026-02-25", "10,000"]
        );
        assert!(figure_words("no figures here, e.g. none.").is_empty());
        assert_eq!(figure_words("费率0.30%。"), ["0.30%"]);
    }

    #[test]
    fn cursor_keeps_the_trailing_run() {
        let mut cursor = FigureCursor::new();
        cursor.push("fee 0.");
        assert_eq!(cursor.word(), "0.");
        cursor.push("３");
        assert_eq!(cursor.word(), "0.3");
        cursor.push(" and ＢＦ");
        assert_eq!(cursor.word(), "bf");
        cursor.push("。");
        assert_eq!(cursor.word(), "");
    }

    #[test]
    fn only_full_width_prefixes_can_become_figure_characters() {
        assert!(can_become_figure_char(&[]));
        assert!(can_become_figure_char(&[0xEF]));
        assert!(can_become_figure_char(&[0xEF, 0xBC]));
        assert!(can_become_figure_char(&[0xEF, 0xBD]));
        assert!(!can_become_figure_char(&[0xE4, 0xB8]), "中");
        assert!(!can_become_figure_char(&[0xEF, 0xBE]));
        assert!(!can_become_figure_char(&[0xE3]), "。 and kana");
        assert_eq!(
            figure_chars_after(&[0xEF, 0xBC, 0x90]).collect::<String>(),
            "0"
        );
        assert_eq!(figure_chars_after(&[0xEF, 0xBD]).count(), 26);
    }

    #[test]
    fn an_unfinished_character_must_be_able_to_go_on() {
        let a = allowed();
        let full_width = &[0xEF, 0xBC][..];
        // "0.3" then ０'s first bytes: ０ would continue it.
        assert!(a.admits_open_end("0.3", full_width));
        // "bf01" is complete: whatever the character becomes is fine.
        assert!(a.admits_open_end("bf01", NO_FIGURE));
        // "0.3" then 中's first bytes: the run would end as a strict prefix.
        assert!(!a.admits_open_end("0.3", NO_FIGURE));
        // "0.30%" needs nothing more; "30" has no continuation at all.
        assert!(a.admits_open_end("0.30%", full_width));
        assert!(!a.admits_open_end("30", full_width));
        assert!(a.admits_open_end("abc", NO_FIGURE), "no figure word");
    }

    #[test]
    fn next_characters_continue_or_punctuate() {
        let a = allowed();
        assert_eq!(a.next_chars("0.3"), b"0");
        assert_eq!(
            a.next_chars("10"),
            b",.",
            "10 is complete and 10,000 goes on"
        );
        assert_eq!(a.next_chars("bf01"), b",.");
        assert_eq!(a.next_chars("2"), b"0");
        assert!(a.next_chars("7").is_empty());
        // Every character that keeps a word admissible is listed.
        for word in ["0", "0.30%", "1", "10,", "2026-0", "b", "bf01."] {
            for c in (b' '..=b'~').map(char::from) {
                let extended = format!("{word}{c}");
                if a.admits_partial(&extended) {
                    assert!(a.next_chars(word).contains(&(c as u8)), "{extended}");
                }
            }
        }
    }
}
