//! The matching machinery shared by the S13 language lint ([`crate::lint`]) and the
//! prompt-injection scanner ([`crate::injection`]): folding text into a canonical form that
//! defeats simple evasion while remembering where every folded byte came from, compiling the
//! regexes of a rule pack, and turning regex matches into non-overlapping spans of the
//! original text.

use std::collections::BTreeSet;

use regex::{Regex, RegexBuilder};
use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

/// Upper bound on the compiled size of one pattern; rule packs are small, so anything larger is
/// a mistake in the pack (for example an unbounded repetition of a large class).
const REGEX_SIZE_LIMIT: usize = 2 << 20;

/// True for characters that render as nothing and can be slipped into a phrase to split it
/// without a reader noticing: zero-width spaces and joiners, word joiner and invisible
/// operators, the BOM, soft hyphen, combining grapheme joiner, Mongolian vowel separator,
/// Hangul fillers, the bidirectional controls (U+200E/200F, U+061C, U+202A–202E, U+2066–2069),
/// the Unicode "tag" characters (U+E0000–E007F, used to smuggle ASCII) and the variation
/// selectors (U+FE00–FE0F, U+E0100–E01EF).
pub(crate) fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{00AD}'
            | '\u{034F}'
            | '\u{061C}'
            | '\u{115F}'
            | '\u{1160}'
            | '\u{17B4}'
            | '\u{17B5}'
            | '\u{180B}'..='\u{180F}'
            | '\u{200B}'..='\u{200F}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{2064}'
            | '\u{2066}'..='\u{206F}'
            | '\u{3164}'
            | '\u{FE00}'..='\u{FE0F}'
            | '\u{FEFF}'
            | '\u{FFA0}'
            | '\u{E0000}'..='\u{E007F}'
            | '\u{E0100}'..='\u{E01EF}'
    )
}

/// True for the other format (Cf) characters and the controls that have no business in a note
/// or a memo: C0 controls other than tab, line feed and carriage return, DEL, C1 controls, the
/// Arabic and Syriac format marks, interlinear annotation characters and the like.
pub(crate) fn is_other_format_or_control(c: char) -> bool {
    matches!(
        c,
        '\u{0000}'..='\u{0008}'
            | '\u{000B}'
            | '\u{000C}'
            | '\u{000E}'..='\u{001F}'
            | '\u{007F}'..='\u{009F}'
            | '\u{0600}'..='\u{0605}'
            | '\u{06DD}'
            | '\u{070F}'
            | '\u{0890}'
            | '\u{0891}'
            | '\u{08E2}'
            | '\u{FFF9}'..='\u{FFFB}'
            | '\u{110BD}'
            | '\u{110CD}'
            | '\u{13430}'..='\u{1343F}'
            | '\u{1BCA0}'..='\u{1BCA3}'
            | '\u{1D173}'..='\u{1D17A}'
    )
}

/// CJK ideographs, radicals, kana, CJK punctuation and compatibility forms: between two of these
/// a space carries no meaning, so `保 本` is folded to `保本`.
fn is_cjk(c: char) -> bool {
    matches!(
        c,
        '\u{2E80}'..='\u{9FFF}'
            | '\u{F900}'..='\u{FAFF}'
            | '\u{FE30}'..='\u{FE4F}'
            | '\u{20000}'..='\u{3FFFF}'
    )
}

/// Maps typographic look-alikes that NFKC leaves alone onto their ASCII forms.
fn ascii_lookalike(c: char) -> char {
    match c {
        '\u{2018}' | '\u{2019}' | '\u{201A}' | '\u{201B}' | '\u{2032}' | '\u{00B4}' | '`' => '\'',
        '\u{201C}' | '\u{201D}' | '\u{201E}' | '\u{201F}' | '\u{2033}' => '"',
        '\u{2010}'..='\u{2015}' | '\u{2212}' | '\u{FE63}' => '-',
        other => other,
    }
}

/// Traditional Chinese characters of the pack phrases and their simplified forms (same order), so
/// that 保證收益, 穩賺不賠 and 零風險 are read as 保证收益, 稳赚不赔 and 零风险.
const TRADITIONAL: &str = "與專個為爲書買於虧產從們價會傳儲兌關內寫決淨則剛刪別製區單賣發號後員聲復複夠實審對導將屬帶並應開異棄彈當憂戶拋護報擔掙損無顯機條來構標樣檢沒洩測漲獄現電監著碼確種穩類係約級納結繞給絕統繼績續聯薦獲裝規視計認記論設證評訴詞話該說請諾調謹譜財責賬購資賠賺贏轉輸達過還這適錢銀銷長閉問險隱須顧預題風驗億萬兩歲鎖穫帳準勝劃礎觀權紀錄蕩盪倉貨幣虛誤騙讓義務處戰歷遠遞選邊";
const SIMPLIFIED: &str = "与专个为为书买于亏产从们价会传储兑关内写决净则刚删别制区单卖发号后员声复复够实审对导将属带并应开异弃弹当忧户抛护报担挣损无显机条来构标样检没泄测涨狱现电监着码确种稳类系约级纳结绕给绝统继绩续联荐获装规视计认记论设证评诉词话该说请诺调谨谱财责账购资赔赚赢转输达过还这适钱银销长闭问险隐须顾预题风验亿万两岁锁获账准胜划础观权纪录荡荡仓货币虚误骗让义务处战历远递选边";

fn simplified(c: char) -> char {
    if (c as u32) < 0x4E00 {
        return c;
    }
    match TRADITIONAL.chars().position(|t| t == c) {
        Some(i) => SIMPLIFIED.chars().nth(i).unwrap_or(c),
        None => c,
    }
}

/// Latin look-alikes from Cyrillic, Greek and IPA (lower case, after case folding): `guаranteed`
/// with a Cyrillic `а` reads as `guaranteed`.
fn latin_homoglyph(c: char) -> char {
    match c {
        'а' | 'α' | 'ɑ' => 'a',
        'в' | 'ь' | 'β' => 'b',
        'с' | 'ϲ' => 'c',
        'ԁ' => 'd',
        'е' | 'ё' | 'є' | 'ε' => 'e',
        'ɡ' => 'g',
        'һ' => 'h',
        'і' | 'ї' | 'ι' | 'ı' | 'ɩ' => 'i',
        'ј' | 'ϳ' | 'ȷ' => 'j',
        'κ' | 'к' => 'k',
        'ӏ' => 'l',
        'п' | 'η' => 'n',
        'о' | 'ο' | 'σ' => 'o',
        'р' | 'ρ' => 'p',
        'ԛ' => 'q',
        'г' => 'r',
        'ѕ' => 's',
        'т' | 'τ' => 't',
        'υ' | 'ս' => 'u',
        'ν' | 'ѵ' => 'v',
        'ԝ' | 'ω' | 'ш' => 'w',
        'х' | 'χ' => 'x',
        'у' | 'γ' => 'y',
        other => other,
    }
}

/// Separators slipped between two CJK characters to split a phrase (保·本, 保-本, 保*本): read as
/// nothing, like a space between two CJK characters. (After NFKC, so full-width forms count.)
fn is_cjk_splitter(c: char) -> bool {
    matches!(
        c,
        '·' | '•' | '・' | '‧' | '∙' | '⋅' | '*' | '_' | '~' | '-' | '.' | '+' | '^' | '#' | '='
    )
}

/// Byte offsets of separators that split a word into single letters (`g u a r a n t e e d`,
/// `g.u.a.r.a.n.t.e.e.d`): four or more single ASCII letters each separated by one space, `.`,
/// `-`, `_`, `*` or `·`. Folding drops them.
fn letter_splitters(original: &str) -> BTreeSet<usize> {
    let chars: Vec<(usize, char)> = original
        .char_indices()
        .filter(|(_, c)| !is_invisible(*c) && !is_other_format_or_control(*c))
        .collect();
    let single = |k: usize| {
        chars[k].1.is_ascii_alphabetic()
            && (k == 0 || !chars[k - 1].1.is_alphanumeric())
            && (k + 1 >= chars.len() || !chars[k + 1].1.is_alphanumeric())
    };
    let sep = |c: char| matches!(c, ' ' | '.' | '-' | '_' | '*' | '·');
    let mut out = BTreeSet::new();
    let mut k = 0;
    while k < chars.len() {
        if !single(k) {
            k += 1;
            continue;
        }
        let mut letters = vec![k];
        let mut j = k;
        while j + 2 < chars.len() && sep(chars[j + 1].1) && single(j + 2) {
            j += 2;
            letters.push(j);
        }
        if letters.len() >= 4 {
            for w in letters.windows(2) {
                out.insert(chars[w[0] + 1].0);
            }
        }
        k = j + 1;
    }
    out
}

/// A folded copy of a text, with the original byte span behind every folded byte.
///
/// Folding, per character of the original: invisible characters ([`is_invisible`]) and other
/// format/control characters are dropped; the character is NFKC-normalised (full-width Latin,
/// digits and punctuation become ASCII, the ideographic space a space, compatibility ideographs
/// the unified ones); typographic quotes and dashes become ASCII; it is lower-cased; combining
/// marks are dropped. Then every run of whitespace becomes one space (one `\n` if the run holds
/// a line break), a run without a line break between two CJK characters is dropped, and a space
/// is put between a CJK character and an adjacent ASCII letter or digit (it maps to the empty
/// span of the original between them).
pub(crate) struct Folded {
    /// The folded text.
    pub(crate) text: String,
    /// For each byte of `text`, the start of the original character it came from.
    starts: Vec<usize>,
    /// For each byte of `text`, the end of the original character it came from.
    ends: Vec<usize>,
}

impl Folded {
    pub(crate) fn new(original: &str) -> Folded {
        let mut out = Folded {
            text: String::with_capacity(original.len()),
            starts: Vec::with_capacity(original.len()),
            ends: Vec::with_capacity(original.len()),
        };
        // A pending whitespace run: (start, end, holds a newline).
        let mut pending: Option<(usize, usize, bool)> = None;
        let mut last_kept: Option<char> = None;
        let splitters = letter_splitters(original);
        for (i, c) in original.char_indices() {
            let end = i + c.len_utf8();
            if splitters.contains(&i) {
                continue;
            }
            // A splitter between two CJK characters counts as a space (dropped between them).
            let splits_cjk = last_kept.is_some_and(is_cjk)
                && std::iter::once(c).nfkc().all(is_cjk_splitter)
                && original[end..]
                    .chars()
                    .find(|n| !n.is_whitespace() && !is_invisible(*n))
                    .is_some_and(|n| is_cjk(simplified(n)));
            if c.is_whitespace() || splits_cjk {
                let newline = matches!(c, '\n' | '\r' | '\u{2028}' | '\u{2029}' | '\u{85}');
                pending = Some(match pending {
                    Some((s, _, nl)) => (s, end, nl || newline),
                    None => (i, end, newline),
                });
                continue;
            }
            if is_invisible(c) || is_other_format_or_control(c) {
                continue;
            }
            let mut pieces: Vec<char> = Vec::new();
            for n in std::iter::once(c).nfkc() {
                let n = simplified(ascii_lookalike(n));
                for l in n.to_lowercase() {
                    if !is_combining_mark(l) {
                        pieces.push(latin_homoglyph(l));
                    }
                }
            }
            let Some(&first) = pieces.first() else {
                continue;
            };
            if first.is_whitespace() {
                // NFKC turned it into a space (e.g. U+3000 is whitespace already; some
                // compatibility spaces are not): treat it as whitespace.
                pending = Some(match pending {
                    Some((s, _, nl)) => (s, end, nl),
                    None => (i, end, false),
                });
                continue;
            }
            if let Some((s, e, newline)) = pending.take() {
                let between_cjk = last_kept.is_some_and(is_cjk) && is_cjk(first);
                if last_kept.is_some() && (newline || !between_cjk) {
                    out.push(if newline { '\n' } else { ' ' }, s, e);
                }
            } else if let Some(last) = last_kept {
                // A CJK character touching an ASCII letter or digit: a zero-width separator in
                // the original (the space maps to the empty span before this character), so
                // that `\b` finds the edge of the ASCII word in 这是guaranteed的.
                let edge = (is_cjk(last) && first.is_ascii_alphanumeric())
                    || (last.is_ascii_alphanumeric() && is_cjk(first));
                if edge {
                    out.push(' ', i, i);
                }
            }
            last_kept = pieces.last().copied();
            for p in pieces {
                out.push(p, i, end);
            }
        }
        out
    }

    fn push(&mut self, c: char, start: usize, end: usize) {
        self.text.push(c);
        for _ in 0..c.len_utf8() {
            self.starts.push(start);
            self.ends.push(end);
        }
    }

    /// The original byte span behind the folded byte range `start..end` (`start < end`).
    pub(crate) fn original_span(&self, start: usize, end: usize) -> (usize, usize) {
        (self.starts[start], self.ends[end - 1])
    }

    /// The end (in the original) of the character behind folded byte `at`.
    pub(crate) fn original_end_of(&self, at: usize) -> usize {
        self.ends[at]
    }
}

/// Compiles one pattern of a rule pack: case-insensitive, `^`/`$` match at line boundaries,
/// Unicode-aware classes. Patterns that match the empty string are refused, since they would
/// flag every position of every text.
pub(crate) fn compile(pattern: &str) -> Result<Regex, String> {
    let regex = RegexBuilder::new(pattern)
        .case_insensitive(true)
        .multi_line(true)
        .size_limit(REGEX_SIZE_LIMIT)
        .build()
        .map_err(|e| e.to_string())?;
    if regex.is_match("") {
        return Err("the pattern matches the empty string".to_string());
    }
    Ok(regex)
}

/// Where a rule's regex is applied.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Surface {
    /// The folded text (the normal case).
    Folded,
    /// The original text, unchanged (for rules about the raw characters themselves).
    Original,
}

/// One compiled rule of a pack.
#[derive(Debug, Clone)]
pub(crate) struct Rule<K> {
    pub(crate) id: String,
    pub(crate) kind: K,
    pub(crate) regex: Regex,
    pub(crate) surface: Surface,
}

/// A match that survived the exceptions, in original coordinates.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Hit<K> {
    pub(crate) kind: K,
    pub(crate) rule: usize,
    pub(crate) start: usize,
    pub(crate) end: usize,
    /// The folded form of the matched text (what the message quotes).
    pub(crate) folded: String,
}

/// Every match of every rule, minus those overlapping a match of an exception (exceptions are
/// applied to the folded text, and only to rules on the folded surface). Unordered.
pub(crate) fn find_all<K: Copy>(
    original: &str,
    folded: &Folded,
    rules: &[Rule<K>],
    exceptions: &[Regex],
) -> Vec<Hit<K>> {
    let excepted: Vec<(usize, usize)> = exceptions
        .iter()
        .flat_map(|e| e.find_iter(&folded.text).map(|m| (m.start(), m.end())))
        .collect();
    let mut hits = Vec::new();
    for (index, rule) in rules.iter().enumerate() {
        match rule.surface {
            Surface::Folded => {
                for m in rule.regex.find_iter(&folded.text) {
                    if m.start() == m.end()
                        || excepted.iter().any(|&(s, e)| s < m.end() && m.start() < e)
                    {
                        continue;
                    }
                    let (start, end) = folded.original_span(m.start(), m.end());
                    if start >= end {
                        continue;
                    }
                    hits.push(Hit {
                        kind: rule.kind,
                        rule: index,
                        start,
                        end,
                        folded: m.as_str().to_string(),
                    });
                }
            }
            Surface::Original => {
                for m in rule.regex.find_iter(original) {
                    if m.start() == m.end() {
                        continue;
                    }
                    hits.push(Hit {
                        kind: rule.kind,
                        rule: index,
                        start: m.start(),
                        end: m.end(),
                        folded: m.as_str().to_string(),
                    });
                }
            }
        }
    }
    hits
}

/// Keeps a deterministic, non-overlapping subset: hits are taken by start, the longer first at
/// equal start, then by rule order; a hit overlapping one already kept is dropped. `same_group`
/// says which hits compete (all of them for the lint; hits of one kind for the scanner).
pub(crate) fn select_non_overlapping<K: Copy>(
    mut hits: Vec<Hit<K>>,
    same_group: impl Fn(&K, &K) -> bool,
) -> Vec<Hit<K>> {
    hits.sort_by(|a, b| {
        a.start
            .cmp(&b.start)
            .then(b.end.cmp(&a.end))
            .then(a.rule.cmp(&b.rule))
    });
    let mut kept: Vec<Hit<K>> = Vec::with_capacity(hits.len());
    for hit in hits {
        let overlaps = kept
            .iter()
            .any(|k| same_group(&k.kind, &hit.kind) && k.start < hit.end && hit.start < k.end);
        if !overlaps {
            kept.push(hit);
        }
    }
    kept
}

/// Fills a message template: `{text}` becomes the folded matched text, `{codepoints}` the code
/// points of the original span (`U+200B U+202E`), for characters that cannot be shown.
pub(crate) fn fill(template: &str, folded: &str, original_span: &str) -> String {
    let codepoints = original_span
        .chars()
        .map(|c| format!("U+{:04X}", c as u32))
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect::<Vec<_>>()
        .join(" ");
    template
        .replace("{text}", folded)
        .replace("{codepoints}", &codepoints)
}

/// Validates a pack's language tag: `zh`, `en`, or (where `allow_any`) `any`.
pub(crate) fn check_lang(lang: &str, allow_any: bool) -> bool {
    matches!(lang, "zh" | "en") || (allow_any && lang == "any")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folding_maps_back_to_the_original() {
        let text = "保\u{200B}本 ＧＵＡＲＡＮＴＥＥＤ  Return 保 本";
        let f = Folded::new(text);
        assert_eq!(f.text, "保本 guaranteed return 保本");
        let at = f.text.find("guaranteed").unwrap();
        let (s, e) = f.original_span(at, at + "guaranteed".len());
        assert_eq!(&text[s..e], "ＧＵＡＲＡＮＴＥＥＤ");
        let (s, e) = f.original_span(0, "保本".len());
        assert_eq!(&text[s..e], "保\u{200B}本");
    }

    #[test]
    fn folding_keeps_line_breaks_and_normalises_quotes() {
        let f = Folded::new("can\u{2019}t\r\n\r\n  lose\t\tmoney");
        assert_eq!(f.text, "can't\nlose money");
        let text = "这是guaranteed的";
        let f = Folded::new(text);
        assert_eq!(f.text, "这是 guaranteed 的");
        let (s, e) = f.original_span(0, "这是 ".len());
        assert_eq!(&text[s..e], "这是");
    }

    #[test]
    fn empty_matching_patterns_are_refused() {
        assert!(compile("a*").is_err());
        assert!(compile("(").is_err());
        assert!(compile("ab").is_ok());
    }
}

/// Per-category (lint) or per-kind (injection) reviewer messages in a pack file.
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawMessages {
    pub(crate) message_zh: String,
    pub(crate) message_en: String,
}

/// An exception pattern in a pack file: a match overlapping it is dropped.
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawException {
    pub(crate) id: String,
    pub(crate) lang: String,
    pub(crate) regex: String,
    #[allow(dead_code)]
    pub(crate) note: Option<String>,
}
