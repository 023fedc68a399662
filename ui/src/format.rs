//! Pure helpers behind the screens: masking, byte-offset spans, number formatting, passphrase
//! strength and the allocation chart's geometry. No DOM here, so `cargo test` runs them on the host.

use copilot_protocol::ipc::HoldingView;

/// Masks a PRC resident ID number for display: the first 4 and the last 4 characters stay
/// (`11010119900307536X` → `1101**********536X`). Already-masked input is returned unchanged;
/// input of 8 characters or fewer is masked entirely. Works on characters, not bytes.
pub fn mask_id_number(id: &str) -> String {
    mask_middle(id, 4, 4)
}

/// Masks a phone number: the first 3 and the last 4 digits stay (`13712346414` → `137****6414`).
pub fn mask_phone(phone: &str) -> String {
    mask_middle(phone, 3, 4)
}

fn mask_middle(s: &str, keep_start: usize, keep_end: usize) -> String {
    let chars: Vec<char> = s.trim().chars().collect();
    if chars.len() <= keep_start + keep_end {
        return "*".repeat(chars.len());
    }
    chars
        .iter()
        .enumerate()
        .map(|(i, c)| {
            if i < keep_start || i >= chars.len() - keep_end {
                *c
            } else {
                '*'
            }
        })
        .collect()
}

/// A masking function for one kind of personal data.
pub type Mask = fn(&str) -> String;

/// How a column of an import preview must be masked, judged by its header (English field names
/// or the Chinese headers banks use): ID numbers and phone numbers are never shown in clear, even
/// from the advisor's own file.
pub fn preview_mask(header: &str) -> Option<Mask> {
    let h = header.trim().to_lowercase();
    let any = |words: &[&str]| words.iter().any(|w| h.contains(w));
    if any(&["phone", "mobile", "手机", "电话"]) {
        Some(mask_phone)
    } else if any(&["id_number", "id number", "idnumber", "证件号", "身份证"]) {
        Some(mask_id_number)
    } else {
        None
    }
}

/// Largest char boundary of `text` at or below `byte`.
fn floor_boundary(text: &str, byte: usize) -> usize {
    let mut b = byte.min(text.len());
    while !text.is_char_boundary(b) {
        b -= 1;
    }
    b
}

/// Smallest char boundary of `text` at or above `byte`.
fn ceil_boundary(text: &str, byte: usize) -> usize {
    let mut b = byte.min(text.len());
    while !text.is_char_boundary(b) {
        b += 1;
    }
    b
}

/// Converts a byte offset into UTF-8 `text` to a char (Unicode scalar) offset. An offset inside
/// a character counts that character as not yet reached; an offset past the end clamps.
pub fn byte_to_char_offset(text: &str, byte: usize) -> usize {
    text[..floor_boundary(text, byte)].chars().count()
}

/// Converts a byte offset into UTF-8 `text` to a UTF-16 code-unit offset, the unit of the DOM's
/// `selectionStart` and JavaScript string indices (astral characters count twice).
pub fn byte_to_utf16_offset(text: &str, byte: usize) -> usize {
    text[..floor_boundary(text, byte)].encode_utf16().count()
}

/// Splits `text` around the byte span `[start, end)` into (before, span, after). Offsets that fall
/// inside a character widen the span to whole characters; offsets past the end clamp, and an
/// inverted span is empty.
pub fn split_byte_span(text: &str, start: usize, end: usize) -> (&str, &str, &str) {
    let s = floor_boundary(text, start);
    let e = ceil_boundary(text, end.max(start)).max(s);
    (&text[..s], &text[s..e], &text[e..])
}

/// A run of text, either plain or marked by the span at `mark` in the caller's list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Segment {
    /// The text of the run.
    pub text: String,
    /// Index of the span that covers it, if any.
    pub mark: Option<usize>,
}

/// Cuts `text` into plain and marked runs for the byte spans `[start, end)` given. Spans are
/// taken in order of their start; a span overlapping an earlier one is skipped (its text is
/// already marked), and spans outside the text clamp to it.
pub fn segments(text: &str, spans: &[(usize, usize)]) -> Vec<Segment> {
    let mut order: Vec<usize> = (0..spans.len()).collect();
    order.sort_by_key(|&i| spans[i]);
    let mut out = Vec::new();
    let mut pos = 0;
    for i in order {
        let (start, end) = spans[i];
        let s = floor_boundary(text, start);
        let e = ceil_boundary(text, end);
        if s < pos || e <= s {
            continue;
        }
        if s > pos {
            out.push(Segment {
                text: text[pos..s].to_string(),
                mark: None,
            });
        }
        out.push(Segment {
            text: text[s..e].to_string(),
            mark: Some(i),
        });
        pos = e;
    }
    if pos < text.len() {
        out.push(Segment {
            text: text[pos..].to_string(),
            mark: None,
        });
    }
    out
}

/// Groups a decimal string's integer digits by thousands (`1234567.5` → `1,234,567.5`). Money stays
/// a string end to end: no float conversion. Input that is not a plain decimal is returned as is.
pub fn group_thousands(decimal: &str) -> String {
    let d = decimal.trim();
    let (sign, rest) = match d.strip_prefix('-') {
        Some(r) => ("-", r),
        None => ("", d),
    };
    let (int, frac) = match rest.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (rest, None),
    };
    let plain = !int.is_empty()
        && int.bytes().all(|b| b.is_ascii_digit())
        && frac.is_none_or(|f| f.bytes().all(|b| b.is_ascii_digit()));
    if !plain {
        return decimal.to_string();
    }
    let mut grouped = String::new();
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(c);
    }
    match frac {
        Some(f) => format!("{sign}{grouped}.{f}"),
        None => format!("{sign}{grouped}"),
    }
}

/// A byte count for people, in binary units with one decimal (`1.4 GiB`).
pub fn format_bytes(n: u64) -> String {
    const UNITS: [&str; 5] = ["B", "KiB", "MiB", "GiB", "TiB"];
    let mut value = n as f64;
    let mut unit = 0;
    while value >= 1024.0 && unit < UNITS.len() - 1 {
        value /= 1024.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{n} B")
    } else {
        format!("{value:.1} {}", UNITS[unit])
    }
}

/// The date part of an ISO 8601 date or RFC 3339 timestamp (`2026-11-30T02:23:07Z` → `2026-11-30`).
pub fn date_part(s: &str) -> &str {
    s.split('T').next().unwrap_or(s)
}

/// How strong a passphrase looks. A hint only: the vault enforces its own minimum.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Strength {
    /// Nothing typed, or shorter than the vault's minimum of 10 characters.
    Empty,
    /// Long enough but of one kind, or repetitive.
    Weak,
    /// Acceptable.
    Fair,
    /// 20+ characters with variety.
    Strong,
}

/// Rates a passphrase by length in characters (a Chinese character counts as one, and carries
/// more entropy than a Latin letter, so CJK counts as its own class) and the variety of classes.
pub fn passphrase_strength(p: &str) -> Strength {
    let len = p.chars().count();
    if len < 10 {
        return Strength::Empty;
    }
    let classes = [
        p.chars().any(|c| c.is_ascii_lowercase()),
        p.chars().any(|c| c.is_ascii_uppercase()),
        p.chars().any(|c| c.is_ascii_digit()),
        p.chars().any(|c| c.is_ascii_punctuation() || c == ' '),
        !p.is_ascii(),
    ]
    .iter()
    .filter(|x| **x)
    .count();
    let mut distinct: Vec<char> = p.chars().collect();
    distinct.sort_unstable();
    distinct.dedup();
    if distinct.len() < 6 || classes < 2 && len < 20 {
        Strength::Weak
    } else if len >= 20 && classes >= 2 {
        Strength::Strong
    } else {
        Strength::Fair
    }
}

/// The asset classes of the allocation chart, in drawing order.
pub const ASSET_CLASSES: [&str; 4] = ["cash", "fixed_income", "equity", "alternative"];

/// Sums holdings by asset class and returns each class's share (0–1) in [`ASSET_CLASSES`] order,
/// then any unknown class. Values are parsed as `f64` for the chart's proportions only; unparsable
/// or negative values count as zero. Empty when the total is zero.
pub fn allocation(holdings: &[HoldingView]) -> Vec<(String, f64)> {
    let mut sums: Vec<(String, f64)> = ASSET_CLASSES.iter().map(|c| (c.to_string(), 0.0)).collect();
    for h in holdings {
        let v: f64 = h.market_value.trim().parse().unwrap_or(0.0);
        let v = if v.is_finite() && v > 0.0 { v } else { 0.0 };
        match sums.iter_mut().find(|(c, _)| *c == h.asset_class) {
            Some(entry) => entry.1 += v,
            None => sums.push((h.asset_class.clone(), v)),
        }
    }
    let total: f64 = sums.iter().map(|(_, v)| v).sum();
    if total <= 0.0 {
        return Vec::new();
    }
    sums.into_iter()
        .filter(|(_, v)| *v > 0.0)
        .map(|(c, v)| (c, v / total))
        .collect()
}

/// SVG path of a pie slice centred on (`cx`, `cy`) with radius `r`, from fraction `from` to
/// `to` of the full turn, clockwise from twelve o'clock. A slice of the whole turn is drawn as
/// two half arcs (a single arc from a point to itself draws nothing).
pub fn pie_slice_path(cx: f64, cy: f64, r: f64, from: f64, to: f64) -> String {
    let point = |f: f64| {
        let a = f * std::f64::consts::TAU;
        (cx + r * a.sin(), cy - r * a.cos())
    };
    if to - from >= 0.9999 {
        return format!(
            "M {cx:.2} {:.2} A {r:.2} {r:.2} 0 1 1 {cx:.2} {:.2} A {r:.2} {r:.2} 0 1 1 {cx:.2} {:.2} Z",
            cy - r,
            cy + r,
            cy - r
        );
    }
    let (x0, y0) = point(from);
    let (x1, y1) = point(to);
    let large = if to - from > 0.5 { 1 } else { 0 };
    format!("M {cx:.2} {cy:.2} L {x0:.2} {y0:.2} A {r:.2} {r:.2} 0 {large} 1 {x1:.2} {y1:.2} Z")
}

/// A percentage with one decimal (`0.1234` → `12.3%`).
pub fn percent(fraction: f64) -> String {
    format!("{:.1}%", fraction * 100.0)
}

/// Splits the import screen's text area into paths: one per line, trimmed, blank lines dropped.
pub fn parse_paths(text: &str) -> Vec<String> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(String::from)
        .collect()
}

/// Number of pages for `total` items at `page_size` per page (at least one).
pub fn page_count(total: usize, page_size: usize) -> usize {
    total.div_ceil(page_size.max(1)).max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_keep_ends_and_are_idempotent() {
        assert_eq!(mask_id_number("11010119900307536X"), "1101**********536X");
        assert_eq!(mask_id_number("1101**********536X"), "1101**********536X");
        assert_eq!(mask_phone("13712346414"), "137****6414");
        assert_eq!(mask_phone(" 137****6414 "), "137****6414");
        assert_eq!(mask_phone("1234"), "****");
        assert_eq!(mask_id_number(""), "");
    }

    #[test]
    fn preview_masks_id_and_phone_columns_only() {
        let id = preview_mask("id_number").expect("id column");
        assert_eq!(id("11010119900307536X"), "1101**********536X");
        assert_eq!(
            preview_mask("证件号码").unwrap()("11010119900307536X"),
            "1101**********536X"
        );
        assert_eq!(
            preview_mask("手机号").unwrap()("13712346414"),
            "137****6414"
        );
        assert_eq!(preview_mask("Phone").unwrap()("13712346414"), "137****6414");
        assert!(preview_mask("client_id").is_none());
        assert!(preview_mask("姓名").is_none());
    }

    #[test]
    fn byte_offsets_convert_to_chars_and_utf16() {
        let t = "产品A收益😀b";
        // 产(3) 品(3) A(1) 收(3) 益(3) 😀(4) b(1)
        assert_eq!(byte_to_char_offset(t, 0), 0);
        assert_eq!(byte_to_char_offset(t, 6), 2);
        assert_eq!(byte_to_char_offset(t, 7), 3);
        assert_eq!(
            byte_to_char_offset(t, 8),
            3,
            "inside 收 counts as before it"
        );
        assert_eq!(byte_to_char_offset(t, 17), 6);
        assert_eq!(byte_to_char_offset(t, 999), 7);
        assert_eq!(
            byte_to_utf16_offset(t, 17),
            7,
            "the emoji is two UTF-16 units"
        );
        assert_eq!(byte_to_utf16_offset(t, 18), 8);
    }

    #[test]
    fn split_byte_span_widens_to_whole_characters() {
        let t = "费率为0.30%，每年";
        let start = t.find("0.30%").unwrap();
        let end = start + "0.30%".len();
        assert_eq!(
            split_byte_span(t, start, end),
            ("费率为", "0.30%", "，每年")
        );
        assert_eq!(split_byte_span(t, 1, 2), ("", "费", "率为0.30%，每年"));
        assert_eq!(split_byte_span(t, 100, 200), (t, "", ""));
        assert_eq!(split_byte_span(t, 6, 3), ("费率", "", "为0.30%，每年"));
    }

    #[test]
    fn segments_mark_spans_in_order_and_skip_overlaps() {
        let t = "保证收益，稳赚不赔。";
        let a = t.find("保证收益").unwrap();
        let b = t.find("稳赚不赔").unwrap();
        let spans = [
            (b, b + "稳赚不赔".len()),
            (a, a + "保证收益".len()),
            (a + 3, a + 6),
        ];
        let segs = segments(t, &spans);
        let texts: Vec<(&str, Option<usize>)> =
            segs.iter().map(|s| (s.text.as_str(), s.mark)).collect();
        assert_eq!(
            texts,
            vec![
                ("保证收益", Some(1)),
                ("，", None),
                ("稳赚不赔", Some(0)),
                ("。", None)
            ]
        );
        assert_eq!(
            segments("abc", &[]),
            vec![Segment {
                text: "abc".into(),
                mark: None
            }]
        );
        assert!(segments("", &[(0, 5)]).is_empty());
    }

    #[test]
    fn thousands_grouping_leaves_non_numbers_alone() {
        assert_eq!(group_thousands("1234567.50"), "1,234,567.50");
        assert_eq!(group_thousands("-1000"), "-1,000");
        assert_eq!(group_thousands("999"), "999");
        assert_eq!(group_thousands("50万"), "50万");
        assert_eq!(group_thousands(""), "");
    }

    #[test]
    fn bytes_and_dates_format() {
        assert_eq!(format_bytes(512), "512 B");
        assert_eq!(format_bytes(1536), "1.5 KiB");
        assert_eq!(format_bytes(1_503_238_554), "1.4 GiB");
        assert_eq!(date_part("2026-11-30T02:23:07Z"), "2026-11-30");
        assert_eq!(date_part("2026-11-30"), "2026-11-30");
    }

    #[test]
    fn strength_grows_with_length_and_variety() {
        assert_eq!(passphrase_strength("short"), Strength::Empty);
        assert_eq!(passphrase_strength("123456789"), Strength::Empty);
        assert_eq!(passphrase_strength("aaaaaaaaaaaaaaaa"), Strength::Weak);
        assert_eq!(passphrase_strength("abcdefghijkl"), Strength::Weak);
        assert_eq!(passphrase_strength("Abcdefgh1234"), Strength::Fair);
        assert_eq!(
            passphrase_strength("correct horse battery staple 42"),
            Strength::Strong
        );
        assert_eq!(
            passphrase_strength("春眠不觉晓处处闻啼鸟夜来风雨声 2026"),
            Strength::Strong
        );
    }

    fn holding(class: &str, value: &str) -> HoldingView {
        HoldingView {
            product_code: "P".into(),
            product_name: "p".into(),
            asset_class: class.into(),
            market_value: value.into(),
            currency: "CNY".into(),
        }
    }

    #[test]
    fn allocation_sums_by_class_in_fixed_order() {
        let h = [
            holding("equity", "300"),
            holding("cash", "100"),
            holding("equity", "100"),
            holding("commodity", "500"),
            holding("fixed_income", "bad"),
        ];
        let a = allocation(&h);
        assert_eq!(
            a,
            vec![
                ("cash".into(), 0.1),
                ("equity".into(), 0.4),
                ("commodity".into(), 0.5)
            ]
        );
        assert!(allocation(&[]).is_empty());
        assert!(allocation(&[holding("cash", "0")]).is_empty());
    }

    #[test]
    fn pie_slices_start_at_twelve_and_handle_full_turns() {
        assert_eq!(
            pie_slice_path(50.0, 50.0, 40.0, 0.0, 0.25),
            "M 50.00 50.00 L 50.00 10.00 A 40.00 40.00 0 0 1 90.00 50.00 Z"
        );
        assert!(pie_slice_path(50.0, 50.0, 40.0, 0.0, 0.75).contains(" 0 1 1 "));
        let full = pie_slice_path(50.0, 50.0, 40.0, 0.0, 1.0);
        assert_eq!(full.matches(" A ").count(), 2);
        assert_eq!(percent(0.1234), "12.3%");
    }

    #[test]
    fn paths_and_pages() {
        assert_eq!(
            parse_paths(" /a.csv \n\n/b 文件.xlsx\r\n"),
            vec!["/a.csv", "/b 文件.xlsx"]
        );
        assert_eq!(page_count(0, 50), 1);
        assert_eq!(page_count(10_000, 50), 200);
        assert_eq!(page_count(101, 50), 3);
    }
}
