//! Markdown (CommonMark) rendering. Every untrusted string — the memo carries the advisor's goal,
//! names and comments come from users — is escaped so that it reads as text: no links, images,
//! HTML, emphasis, headings, lists or tables can be injected.

use crate::document::{colon, Kind, Page};
use copilot_protocol::review::ExportDocument;
use copilot_protocol::Lang;
use std::fmt::Write as _;

/// The client-ready document as Markdown: title, client id (no name or ID number), date, the memo
/// as approved, the approval, the provenance, the audit checkpoint and the export record.
pub fn render_markdown(doc: &ExportDocument, lang: Lang) -> String {
    let page = Page::new(doc, lang);
    let mut out = String::new();
    let _ = writeln!(out, "# {}\n", escape_line(page.title));
    for f in &page.header {
        push_field(&mut out, lang, f.label, &f.value, f.kind);
    }
    let _ = writeln!(out, "\n## {}\n", escape_line(page.memo_heading));
    out.push_str(&escape_block(page.memo));
    out.push('\n');
    for s in &page.sections {
        let _ = writeln!(out, "\n## {}\n", escape_line(s.heading));
        for f in &s.fields {
            push_field(&mut out, lang, f.label, &f.value, f.kind);
        }
    }
    let _ = writeln!(out, "\n---\n\n{}", escape_line(page.footer));
    out
}

fn push_field(out: &mut String, lang: Lang, label: &str, value: &str, kind: Kind) {
    let value = match kind {
        // Hashes and keys go in a code span when they are plain (hex, ids); anything else is
        // escaped text, because a backslash escape does not work inside a code span.
        Kind::Code if is_plain_code(value) => format!("`{value}`"),
        _ => escape_line(value),
    };
    let _ = writeln!(out, "- **{}**{}{}", escape_line(label), colon(lang), value);
}

fn is_plain_code(s: &str) -> bool {
    !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | ':' | '@' | '/'))
}

/// ASCII punctuation that has a meaning somewhere in CommonMark/GFM inline syntax. CommonMark
/// allows a backslash before any ASCII punctuation, so escaping more than needed is harmless.
fn is_inline_special(c: char) -> bool {
    matches!(
        c,
        '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '~' | '&' | '#' | '!' | '$'
    )
}

/// Escapes one line of untrusted text: inline syntax everywhere, block syntax at the start of the
/// line (`-`, `+`, `=`, `1.`, `1)`), and leading indentation (which would make a code block).
pub fn escape_line(line: &str) -> String {
    let line = line.trim_start_matches([' ', '\t']);
    let mut out = String::with_capacity(line.len() + 8);
    // Block markers only matter at the start of a line.
    let digits = line.chars().take_while(char::is_ascii_digit).count();
    let ordered_marker = digits > 0 && matches!(line[digits..].chars().next(), Some('.' | ')'));
    for (i, c) in line.chars().enumerate() {
        let at_start = i == 0 && matches!(c, '-' | '+' | '=');
        let list_dot = ordered_marker && i == digits;
        if is_inline_special(c) || at_start || list_dot {
            out.push('\\');
        }
        match c {
            // Carriage returns and other control characters would break the line structure.
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// Escapes multi-line text, keeping its line breaks (CommonMark hard breaks, a backslash at the end
/// of a line) and its blank lines (paragraphs).
pub fn escape_block(text: &str) -> String {
    let lines: Vec<&str> = text.lines().collect();
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    for (i, line) in lines.iter().enumerate() {
        let escaped = escape_line(line);
        out.push_str(escaped.trim_end());
        let next_is_text = lines.get(i + 1).is_some_and(|l| !l.trim().is_empty());
        if !escaped.trim().is_empty() && next_is_text {
            out.push('\\');
        }
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn untrusted_text_cannot_become_markup() {
        assert_eq!(
            escape_line("[点我](http://x) <script>alert(1)</script> **粗**"),
            "\\[点我\\](http://x) \\<script\\>alert(1)\\</script\\> \\*\\*粗\\*\\*"
        );
        assert_eq!(escape_line("# 标题"), "\\# 标题");
        assert_eq!(escape_line("- 列表"), "\\- 列表");
        assert_eq!(escape_line("1. 第一"), "1\\. 第一");
        assert_eq!(escape_line("    代码块"), "代码块");
        assert_eq!(escape_line("a | b"), "a \\| b");
        assert_eq!(escape_line("年化 -2.5%"), "年化 -2.5%");
    }

    #[test]
    fn line_breaks_and_paragraphs_are_kept() {
        assert_eq!(escape_block("一\n二\n\n三"), "一\\\n二\n\n三\n");
    }
}
