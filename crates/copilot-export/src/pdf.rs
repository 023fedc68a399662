//! PDF rendering with krilla: A4, 20 mm side margins, the CJK font embedded as a subset with a
//! ToUnicode map (so Chinese can be searched and copied), lines broken by measured glyph advances
//! (between any two CJK characters, at spaces in Latin text, never before closing or after opening
//! punctuation), pagination with headings kept with what follows, and page numbers.

use crate::document::{colon, lang_tag, page_number, Kind, Page};
use crate::error::{ExportError, Result};
use crate::font::PdfFont;
use copilot_protocol::review::ExportDocument;
use copilot_protocol::Lang;
use krilla::color::rgb;
use krilla::geom::{PathBuilder, Point};
use krilla::metadata::Metadata;
use krilla::page::PageSettings;
use krilla::paint::{Fill, Stroke};
use krilla::text::TextDirection;
use krilla::Document;

/// A4 in PostScript points.
const PAGE_W: f32 = 595.28;
const PAGE_H: f32 = 841.89;
/// 20 mm.
const MARGIN_X: f32 = 56.69;
const MARGIN_TOP: f32 = 60.0;
const MARGIN_BOTTOM: f32 = 66.0;
const CONTENT_W: f32 = PAGE_W - 2.0 * MARGIN_X;

const INK: (u8, u8, u8) = (26, 26, 26);
const NAVY: (u8, u8, u8) = (31, 58, 95);
const GREY: (u8, u8, u8) = (95, 95, 95);
const RULE: (u8, u8, u8) = (201, 211, 223);

/// One thing placed on a page.
#[derive(Debug)]
enum Item {
    Text {
        text: String,
        size: f32,
        color: (u8, u8, u8),
        indent: f32,
        /// Line height.
        height: f32,
        space_before: f32,
        /// How many following items must be on the same page (headings, labels).
        keep: usize,
    },
    Rule {
        width: f32,
        color: (u8, u8, u8),
        space_before: f32,
        height: f32,
    },
}

impl Item {
    fn height(&self) -> f32 {
        match self {
            Item::Text { height, .. } | Item::Rule { height, .. } => *height,
        }
    }
    fn space_before(&self) -> f32 {
        match self {
            Item::Text { space_before, .. } | Item::Rule { space_before, .. } => *space_before,
        }
    }
    fn keep(&self) -> usize {
        match self {
            Item::Text { keep, .. } => *keep,
            Item::Rule { .. } => 1,
        }
    }
}

/// Glyph advances of the font, for line breaking.
struct Metrics<'a> {
    face: ttf_parser::Face<'a>,
    units_per_em: f32,
}

impl Metrics<'_> {
    fn width(&self, text: &str, size: f32) -> f32 {
        let units: f32 = text
            .chars()
            .map(|c| {
                self.face
                    .glyph_index(c)
                    .and_then(|g| self.face.glyph_hor_advance(g))
                    .unwrap_or(0) as f32
            })
            .sum();
        units * size / self.units_per_em
    }
}

/// Characters that draw nothing and that fonts need not have (zero-width spaces and joiners,
/// variation selectors, the byte-order mark); they are dropped from the PDF.
fn is_ignorable(c: char) -> bool {
    matches!(c, '\u{200B}'..='\u{200F}' | '\u{2060}'..='\u{2064}' | '\u{FE00}'..='\u{FE0F}' | '\u{FEFF}' | '\u{00AD}')
}

/// One line of text as drawn: other whitespace becomes a space, control and ignorable characters
/// are dropped.
fn clean(line: &str) -> String {
    line.chars()
        .filter(|&c| !is_ignorable(c) && (!c.is_control() || c == '\t'))
        .map(|c| {
            if c.is_whitespace() && c != '\u{3000}' {
                ' '
            } else {
                c
            }
        })
        .collect()
}

fn is_cjk(c: char) -> bool {
    matches!(c,
        '\u{1100}'..='\u{11FF}' | '\u{2E80}'..='\u{A4CF}' | '\u{AC00}'..='\u{D7AF}'
        | '\u{F900}'..='\u{FAFF}' | '\u{FE30}'..='\u{FE4F}' | '\u{FF00}'..='\u{FFEF}'
        | '\u{20000}'..='\u{3FFFF}')
}

/// Punctuation that must not start a line (kinsoku shori, and the Latin equivalents).
fn no_break_before(c: char) -> bool {
    "，。、；：？！）》」』】〕〉〗…—％,.;:!?)]}%’”·".contains(c)
}

/// Punctuation that must not end a line.
fn no_break_after(c: char) -> bool {
    "（《「『【〔〈〖“‘([{".contains(c)
}

/// Splits a line into unbreakable pieces: whitespace runs, single CJK characters, Latin words —
/// with punctuation attached to the piece it belongs to.
fn pieces(line: &str) -> Vec<&str> {
    let mut out: Vec<&str> = Vec::new();
    let mut start = 0;
    let mut prev: Option<char> = None;
    for (i, c) in line.char_indices() {
        if let Some(p) = prev {
            // A whitespace run is a piece of its own; otherwise break around CJK characters,
            // but never before closing or after opening punctuation.
            let brk = if c.is_whitespace() || p.is_whitespace() {
                c.is_whitespace() != p.is_whitespace()
            } else {
                !(no_break_before(c) || no_break_after(p)) && (is_cjk(c) || is_cjk(p))
            };
            if brk {
                out.push(&line[start..i]);
                start = i;
            }
        }
        prev = Some(c);
    }
    if start < line.len() {
        out.push(&line[start..]);
    }
    out
}

/// Greedy line breaking of one line of text into lines no wider than `max` points.
fn wrap(m: &Metrics<'_>, line: &str, size: f32, max: f32) -> Vec<String> {
    let mut lines = Vec::new();
    let mut cur = String::new();
    let mut width = 0.0f32;
    for piece in pieces(line) {
        let w = m.width(piece, size);
        let is_space = piece.chars().all(char::is_whitespace);
        if is_space && cur.is_empty() && !lines.is_empty() {
            continue; // No leading space on a continuation line.
        }
        if width + w <= max {
            cur.push_str(piece);
            width += w;
            continue;
        }
        if is_space {
            lines.push(std::mem::take(&mut cur).trim_end().to_string());
            width = 0.0;
            continue;
        }
        if !cur.is_empty() {
            lines.push(std::mem::take(&mut cur).trim_end().to_string());
            width = 0.0;
        }
        if w <= max {
            cur.push_str(piece);
            width = w;
        } else {
            // A piece wider than the line (a hash, a URL): break between characters.
            for c in piece.chars() {
                let cw = m.width(c.encode_utf8(&mut [0; 4]), size);
                if width + cw > max && !cur.is_empty() {
                    lines.push(std::mem::take(&mut cur));
                    width = 0.0;
                }
                cur.push(c);
                width += cw;
            }
        }
    }
    if !cur.is_empty() || lines.is_empty() {
        lines.push(cur.trim_end().to_string());
    }
    lines
}

struct Builder<'m, 'f> {
    m: &'m Metrics<'f>,
    items: Vec<Item>,
}

impl Builder<'_, '_> {
    /// Wrapped paragraph; the first line gets `space_before` and `keep_first`.
    #[allow(clippy::too_many_arguments)]
    fn text(
        &mut self,
        text: &str,
        size: f32,
        color: (u8, u8, u8),
        indent: f32,
        leading: f32,
        space_before: f32,
        keep_first: usize,
    ) {
        for (i, line) in wrap(self.m, &clean(text), size, CONTENT_W - indent)
            .into_iter()
            .enumerate()
        {
            self.items.push(Item::Text {
                text: line,
                size,
                color,
                indent,
                height: size * leading,
                space_before: if i == 0 { space_before } else { 0.0 },
                keep: if i == 0 { keep_first } else { 0 },
            });
        }
    }

    fn rule(&mut self, width: f32, color: (u8, u8, u8), space_before: f32, height: f32) {
        self.items.push(Item::Rule {
            width,
            color,
            space_before,
            height,
        });
    }

    fn heading(&mut self, text: &str) {
        // Keep the heading with its rule and the first two lines after it.
        self.text(text, 12.5, NAVY, 0.0, 1.5, 14.0, 3);
        self.rule(0.6, RULE, 0.0, 6.0);
    }

    fn field(&mut self, lang: Lang, label: &str, value: &str, kind: Kind) {
        match kind {
            Kind::Text => {
                let line = format!("{label}{}{value}", colon(lang));
                self.text(&line, 9.5, INK, 0.0, 1.55, 2.0, 0);
            }
            Kind::Code => {
                self.text(label, 9.0, GREY, 0.0, 1.5, 2.0, 1);
                self.text(value, 8.5, INK, 12.0, 1.45, 0.0, 0);
            }
        }
    }
}

/// Refuses a document with a character the font cannot draw, naming the first one.
fn check_glyphs(page: &Page<'_>, font: &PdfFont, face: &ttf_parser::Face<'_>) -> Result<()> {
    let numbers = page_number(page.lang, 1, 1);
    for s in page.all_text().chain([numbers.as_str()]) {
        for line in s.lines() {
            if let Some(c) = clean(line).chars().find(|&c| face.glyph_index(c).is_none()) {
                return Err(ExportError::MissingGlyph {
                    font: font.describe(),
                    ch: c,
                    code: c as u32,
                });
            }
        }
    }
    Ok(())
}

/// The client-ready document as a PDF (A4, the font embedded as a subset, page numbers). The same
/// content as [`crate::render_html`].
///
/// Errors: [`ExportError::MissingGlyph`] if the font cannot draw a character of the document,
/// [`ExportError::Pdf`] if the writer fails.
pub fn render_pdf(doc: &ExportDocument, lang: Lang, font: &PdfFont) -> Result<Vec<u8>> {
    let page = Page::new(doc, lang);
    let face = font.face()?;
    check_glyphs(&page, font, &face)?;
    let ascender = f32::from(face.ascender()) / f32::from(face.units_per_em());
    let m = Metrics {
        units_per_em: f32::from(face.units_per_em()),
        face,
    };
    let mut b = Builder {
        m: &m,
        items: Vec::new(),
    };

    b.text(page.title, 18.0, NAVY, 0.0, 1.4, 0.0, 1);
    b.rule(1.2, NAVY, 2.0, 8.0);
    for f in &page.header {
        b.field(lang, f.label, &f.value, Kind::Text);
    }
    b.heading(page.memo_heading);
    for line in page.memo.lines() {
        if line.trim().is_empty() {
            b.items.push(Item::Rule {
                width: 0.0,
                color: RULE,
                space_before: 0.0,
                height: 6.0,
            });
        } else {
            b.text(line, 10.5, INK, 0.0, 1.6, 0.0, 0);
        }
    }
    for s in &page.sections {
        b.heading(s.heading);
        for f in &s.fields {
            b.field(lang, f.label, &f.value, f.kind);
        }
    }
    b.rule(0.6, RULE, 14.0, 6.0);
    b.text(page.footer, 8.5, GREY, 0.0, 1.5, 0.0, 0);
    let items = b.items;

    // Pagination: (page, top y) of every item.
    let bottom = PAGE_H - MARGIN_BOTTOM;
    let mut placed: Vec<(usize, f32)> = Vec::with_capacity(items.len());
    let (mut page_no, mut y) = (0usize, MARGIN_TOP);
    for (i, item) in items.iter().enumerate() {
        let at_top = y <= MARGIN_TOP;
        let mut need = if at_top { 0.0 } else { item.space_before() } + item.height();
        let mut j = i;
        let mut keep = item.keep();
        // Follow the chain of kept items (a heading keeps its rule, which keeps the next line).
        while keep > 0 && j + 1 < items.len() {
            j += 1;
            need += items[j].space_before() + items[j].height();
            keep = keep.saturating_sub(1).max(items[j].keep());
        }
        if y + need > bottom && !at_top {
            page_no += 1;
            y = MARGIN_TOP;
        }
        if y > MARGIN_TOP {
            y += item.space_before();
        }
        placed.push((page_no, y));
        y += item.height();
    }
    let pages = page_no + 1;

    let mut document = Document::new();
    document.set_metadata(
        Metadata::new()
            .title(format!("{} · {}", page.title, doc.draft.client_id))
            .language(lang_tag(lang).to_string())
            .creator("Wealth Copilot".to_string()),
    );
    let kfont = font.krilla().clone();
    let settings = || {
        PageSettings::from_wh(PAGE_W, PAGE_H).ok_or_else(|| ExportError::Pdf("page size".into()))
    };
    let mut next = 0;
    for p in 0..pages {
        let mut pdf_page = document.start_page_with(settings()?);
        let mut surface = pdf_page.surface();
        while next < items.len() && placed[next].0 == p {
            let y = placed[next].1;
            match &items[next] {
                Item::Text {
                    text,
                    size,
                    color,
                    indent,
                    height,
                    ..
                } => {
                    if !text.is_empty() {
                        set_fill(&mut surface, *color);
                        let baseline = y + (height - size) / 2.0 + ascender * size;
                        surface.draw_text(
                            Point::from_xy(MARGIN_X + indent, baseline),
                            kfont.clone(),
                            *size,
                            text,
                            false,
                            TextDirection::Auto,
                        );
                    }
                }
                Item::Rule {
                    width,
                    color,
                    height,
                    ..
                } => {
                    if *width > 0.0 {
                        let mid = y + height / 2.0;
                        let mut pb = PathBuilder::new();
                        pb.move_to(MARGIN_X, mid);
                        pb.line_to(MARGIN_X + CONTENT_W, mid);
                        if let Some(path) = pb.finish() {
                            surface.set_fill(None);
                            surface.set_stroke(Some(Stroke {
                                paint: rgb::Color::new(color.0, color.1, color.2).into(),
                                width: *width,
                                ..Stroke::default()
                            }));
                            surface.draw_path(&path);
                            surface.set_stroke(None);
                        }
                    }
                }
            }
            next += 1;
        }
        let number = page_number(lang, p + 1, pages);
        let w = m.width(&number, 8.5);
        set_fill(&mut surface, GREY);
        surface.draw_text(
            Point::from_xy((PAGE_W - w) / 2.0, PAGE_H - 34.0),
            kfont.clone(),
            8.5,
            &number,
            false,
            TextDirection::Auto,
        );
        surface.finish();
        pdf_page.finish();
    }
    document
        .finish()
        .map_err(|e| ExportError::Pdf(format!("{e:?}")))
}

fn set_fill(surface: &mut krilla::surface::Surface<'_>, color: (u8, u8, u8)) {
    surface.set_fill(Some(Fill {
        paint: rgb::Color::new(color.0, color.1, color.2).into(),
        ..Fill::default()
    }));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pieces_break_cjk_anywhere_and_latin_at_spaces() {
        assert_eq!(pieces("中文，测试"), ["中", "文，", "测", "试"]);
        assert_eq!(pieces("fund A1 (R2)"), ["fund", " ", "A1", " ", "(R2)"]);
        assert_eq!(pieces("《基金》说明"), ["《基", "金》", "说", "明"]);
        assert_eq!(pieces("费率0.30%。"), ["费", "率", "0.30%。"]);
    }
}
