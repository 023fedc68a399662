//! HTML rendering: one self-contained file (no scripts, no external resources), every string
//! escaped, a Content-Security-Policy that forbids everything but inline styles, print CSS for A4,
//! and a CJK font stack so Chinese renders on Windows, macOS and Linux.

use crate::document::{lang_tag, Kind, Page};
use copilot_protocol::review::ExportDocument;
use copilot_protocol::Lang;
use std::fmt::Write as _;

const CSP: &str = "default-src 'none'; style-src 'unsafe-inline'";

const STYLE: &str = r#"
:root { color-scheme: light; }
body { font-family: "Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Hiragino Sans GB",
       "Microsoft YaHei", "WenQuanYi Micro Hei", system-ui, sans-serif;
       color: #1a1a1a; background: #fff; line-height: 1.65; max-width: 48rem; margin: 2rem auto; padding: 0 1.5rem; }
h1 { font-size: 1.6rem; margin: 0 0 .75rem; border-bottom: 2px solid #1f3a5f; padding-bottom: .4rem; }
h2 { font-size: 1.1rem; margin: 1.6rem 0 .5rem; color: #1f3a5f; border-bottom: 1px solid #c9d3df; padding-bottom: .2rem; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: .2rem 1rem; margin: 0; }
dt { color: #555; }
dd { margin: 0; overflow-wrap: anywhere; }
code { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, "Noto Sans Mono CJK SC", monospace;
       font-size: .85em; word-break: break-all; }
.memo { white-space: pre-wrap; overflow-wrap: anywhere; border-left: 3px solid #c9d3df; padding-left: 1rem; }
footer { margin-top: 2rem; font-size: .85rem; color: #555; border-top: 1px solid #c9d3df; padding-top: .5rem; }
@page { size: A4; margin: 20mm 18mm; }
@media print {
  body { margin: 0; max-width: none; padding: 0; font-size: 10.5pt; }
  h2 { break-after: avoid; }
  dl, footer { break-inside: avoid; }
}
"#;

/// Escapes text for HTML element content and quoted attribute values.
pub fn escape_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 16);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// The client-ready document as one self-contained HTML file (same content as
/// [`crate::render_markdown`]).
pub fn render_html(doc: &ExportDocument, lang: Lang) -> String {
    let page = Page::new(doc, lang);
    let mut out = String::with_capacity(page.memo.len() * 2 + 8192);
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"{lang}\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"{csp}\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta name=\"referrer\" content=\"no-referrer\">\n\
         <title>{title} · {client}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<main>\n",
        lang = lang_tag(page.lang),
        csp = CSP,
        title = escape_html(page.title),
        client = escape_html(&doc.draft.client_id),
    );
    let _ = writeln!(out, "<h1>{}</h1>", escape_html(page.title));
    push_fields(&mut out, &page.header);
    let _ = writeln!(
        out,
        "<h2>{}</h2>\n<div class=\"memo\">{}</div>",
        escape_html(page.memo_heading),
        escape_html(page.memo.trim_end())
    );
    for s in &page.sections {
        let _ = writeln!(out, "<section>\n<h2>{}</h2>", escape_html(s.heading));
        push_fields(&mut out, &s.fields);
        out.push_str("</section>\n");
    }
    let _ = write!(
        out,
        "</main>\n<footer>{}</footer>\n</body>\n</html>\n",
        escape_html(page.footer)
    );
    out
}

fn push_fields(out: &mut String, fields: &[crate::document::Field]) {
    out.push_str("<dl>\n");
    for f in fields {
        let value = escape_html(&f.value);
        let value = match f.kind {
            Kind::Code => format!("<code>{value}</code>"),
            Kind::Text => value,
        };
        let _ = writeln!(out, "<dt>{}</dt><dd>{}</dd>", escape_html(f.label), value);
    }
    out.push_str("</dl>\n");
}
