//! Splitting a product document into citable chunks.
//!
//! A chunk is a paragraph: lines up to the next blank line. A Markdown ATX heading (`#` to
//! `######`) starts a new chunk and stays with the paragraph that follows it, so a hit on
//! "管理费率 1.20%/年" also shows the section it came from, and a heading alone is never a hit
//! that supports nothing; consecutive headings (title, then a section) share a chunk. A chunk of
//! more than [`MAX_CHUNK_CHARS`] characters is split at sentence ends (`。！？` always; `.!?` when
//! followed by whitespace, so `0.30` is not an end) or line breaks, packing whole sentences up to
//! the limit; a single longer sentence is cut every [`MAX_CHUNK_CHARS`] characters.
//!
//! Every chunk is a byte range `[start, end)` into the document text, trimmed of surrounding
//! whitespace, never empty, and on character boundaries; chunks are in text order and do not
//! overlap.

use std::ops::Range;

/// Longest chunk, in characters (Unicode scalar values), before it is split at sentence ends.
pub const MAX_CHUNK_CHARS: usize = 600;

/// Closing quotes and brackets that stay with the sentence end they follow.
const CLOSERS: &[char] = &['”', '’', '」', '』', '）', ')', ']', '"', '\''];

/// The chunks of `text` as byte ranges, in order.
pub fn chunk_ranges(text: &str) -> Vec<Range<usize>> {
    let mut chunks = Vec::new();
    for block in blocks(text) {
        split_long(text, block, &mut chunks);
    }
    chunks
}

/// Whether a line is an ATX heading: up to three spaces, one to six `#`, then a space, a tab or
/// the end of the line (CommonMark 4.2).
fn is_heading(line: &str) -> bool {
    let unindented = line.trim_start_matches(' ');
    if line.len() - unindented.len() > 3 {
        return false;
    }
    let hashes = unindented.bytes().take_while(|&b| b == b'#').count();
    (1..=6).contains(&hashes)
        && unindented[hashes..]
            .chars()
            .next()
            .is_none_or(|c| c == ' ' || c == '\t')
}

/// Paragraph blocks (headings joined to the paragraph after them), untrimmed.
fn blocks(text: &str) -> Vec<Range<usize>> {
    struct Open {
        start: usize,
        end: usize,
        only_headings: bool,
    }
    let mut blocks = Vec::new();
    let mut current: Option<Open> = None;
    let mut line_start = 0;
    for line in text.split_inclusive('\n') {
        let content = line.strip_suffix('\n').unwrap_or(line);
        let line_end = line_start + content.len();
        if content.trim().is_empty() {
            // A blank line ends a paragraph, but not a run of headings still waiting for theirs.
            if let Some(open) = current.take_if(|open| !open.only_headings) {
                blocks.push(open.start..open.end);
            }
        } else if is_heading(content) {
            match current.as_mut() {
                Some(open) if open.only_headings => open.end = line_end,
                _ => {
                    if let Some(open) = current.take() {
                        blocks.push(open.start..open.end);
                    }
                    current = Some(Open {
                        start: line_start,
                        end: line_end,
                        only_headings: true,
                    });
                }
            }
        } else {
            match current.as_mut() {
                Some(open) => {
                    open.end = line_end;
                    open.only_headings = false;
                }
                None => {
                    current = Some(Open {
                        start: line_start,
                        end: line_end,
                        only_headings: false,
                    })
                }
            }
        }
        line_start += line.len();
    }
    if let Some(open) = current {
        blocks.push(open.start..open.end);
    }
    blocks
}

/// `range` without leading and trailing whitespace; `None` when nothing is left.
fn trimmed(text: &str, range: Range<usize>) -> Option<Range<usize>> {
    let slice = &text[range.clone()];
    let start = range.start + (slice.len() - slice.trim_start().len());
    let end = range.end - (slice.len() - slice.trim_end().len());
    (start < end).then_some(start..end)
}

fn char_count(text: &str, range: &Range<usize>) -> usize {
    text[range.clone()].chars().count()
}

/// Pushes the trimmed block, split into pieces of at most [`MAX_CHUNK_CHARS`] characters.
fn split_long(text: &str, block: Range<usize>, chunks: &mut Vec<Range<usize>>) {
    let Some(block) = trimmed(text, block) else {
        return;
    };
    if char_count(text, &block) <= MAX_CHUNK_CHARS {
        chunks.push(block);
        return;
    }
    let mut push = |range: Range<usize>| chunks.extend(trimmed(text, range));
    let mut piece: Option<(Range<usize>, usize)> = None;
    for sentence in sentences(text, block) {
        let chars = char_count(text, &sentence);
        match piece.as_mut() {
            Some((range, length)) if *length + chars <= MAX_CHUNK_CHARS => {
                range.end = sentence.end;
                *length += chars;
                continue;
            }
            _ => {}
        }
        if let Some((range, _)) = piece.take() {
            push(range);
        }
        if chars <= MAX_CHUNK_CHARS {
            piece = Some((sentence, chars));
        } else {
            // No sentence end for too long: cut at character boundaries.
            let mut start = sentence.start;
            let mut counted = 0;
            for (at, _) in text[sentence.clone()].char_indices() {
                if counted == MAX_CHUNK_CHARS {
                    push(start..sentence.start + at);
                    start = sentence.start + at;
                    counted = 0;
                }
                counted += 1;
            }
            push(start..sentence.end);
        }
    }
    if let Some((range, _)) = piece {
        push(range);
    }
}

/// Sentences of `text[block]` as contiguous byte ranges covering the block.
fn sentences(text: &str, block: Range<usize>) -> Vec<Range<usize>> {
    let slice = &text[block.clone()];
    let mut sentences = Vec::new();
    let mut start = 0;
    let mut chars = slice.char_indices().peekable();
    while let Some((at, c)) = chars.next() {
        let mut end = at + c.len_utf8();
        let is_end = match c {
            '\n' => true,
            '。' | '！' | '？' | '.' | '!' | '?' => {
                while let Some(&(next_at, next)) = chars.peek() {
                    if !CLOSERS.contains(&next) {
                        break;
                    }
                    end = next_at + next.len_utf8();
                    chars.next();
                }
                c > '\u{7F}' || chars.peek().is_none_or(|&(_, next)| next.is_whitespace())
            }
            _ => false,
        };
        if is_end {
            sentences.push(block.start + start..block.start + end);
            start = end;
        }
    }
    if start < slice.len() {
        sentences.push(block.start + start..block.end);
    }
    sentences
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chunks(text: &str) -> Vec<&str> {
        chunk_ranges(text).into_iter().map(|r| &text[r]).collect()
    }

    #[test]
    fn paragraphs_and_headings() {
        let text = "# 标题\n\n## 费用\n\n管理费率 1.20%/年。\n托管费另计。\n\n正文二\n## Risks\nMarket risk.\n\n\n- a\n- b\n";
        assert_eq!(
            chunks(text),
            [
                "# 标题\n\n## 费用\n\n管理费率 1.20%/年。\n托管费另计。",
                "正文二",
                "## Risks\nMarket risk.",
                "- a\n- b",
            ]
        );
    }

    #[test]
    fn heading_detection_follows_commonmark() {
        assert!(is_heading("# a"));
        assert!(is_heading("   ###### a"));
        assert!(is_heading("##"));
        assert!(!is_heading("####### a"));
        assert!(!is_heading("#hashtag"));
        assert!(!is_heading("    # indented code"));
    }

    #[test]
    fn trailing_heading_and_whitespace_only_text() {
        assert_eq!(chunks("text\n\n## Tail\n"), ["text", "## Tail"]);
        assert!(chunks(" \n\n\t\n").is_empty());
        assert!(chunks("").is_empty());
    }

    #[test]
    fn long_paragraphs_split_at_sentence_ends() {
        let sentence = "本产品风险等级为R2，投资者可能损失部分本金。"; // 23 characters
        let english = "The fee is 0.30 per cent a year. ";
        let text = format!("{}{}", sentence.repeat(40), english.repeat(20));
        let pieces = chunk_ranges(&text);
        assert!(pieces.len() >= 3, "{pieces:?}");
        for piece in &pieces {
            let slice = &text[piece.clone()];
            assert!(slice.chars().count() <= MAX_CHUNK_CHARS);
            assert!(
                slice.ends_with('。') || slice.ends_with('.'),
                "piece ends mid-sentence: {slice:?}"
            );
        }
        // Decimal points are not sentence ends.
        assert!(!pieces.iter().any(|p| text[p.clone()].ends_with("0.")));
        // The pieces cover the paragraph apart from the spaces between them.
        let joined: String = pieces.iter().map(|p| &text[p.clone()]).collect();
        let without_spaces = |s: &str| s.chars().filter(|c| !c.is_whitespace()).collect::<String>();
        assert_eq!(without_spaces(&joined), without_spaces(&text));
    }

    #[test]
    fn sentence_without_end_is_cut_at_the_limit() {
        let text = "字".repeat(MAX_CHUNK_CHARS * 2 + 10);
        let lengths: Vec<usize> = chunks(&text).iter().map(|c| c.chars().count()).collect();
        assert_eq!(lengths, [MAX_CHUNK_CHARS, MAX_CHUNK_CHARS, 10]);
    }

    #[test]
    fn closing_quotes_stay_with_their_sentence() {
        let text = format!("{}“好。”{}", "甲".repeat(590), "乙".repeat(20));
        let pieces = chunks(&text);
        assert_eq!(pieces.len(), 2);
        assert!(pieces[0].ends_with("。”"));
    }
}
