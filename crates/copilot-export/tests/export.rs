//! The exports end to end: real PDFs read back with poppler's `pdftotext`/`pdfinfo`, HTML and
//! Markdown escaping, JSON, and the ROI CSV.

use copilot_core::review::text_sha256;
use copilot_export::{
    check_approved, render_html, render_markdown, render_pdf, to_json, write_roi_csv, ExportError,
    PdfFont,
};
use copilot_protocol::review::{ExportDocument, ReviewRecord, ReviewState};
use copilot_protocol::{DraftReport, Lang};
use std::path::Path;
use std::process::Command;
use std::sync::OnceLock;

const MODEL_SHA: &str = "9f2c4e1a7b3d5f60718293a4b5c6d7e8f9a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4";
const APPROVER_NAME: &str = "李主管";

const MEMO_ZH: &str = "【AI 辅助草稿】投资建议书\n\
客户风险等级：C3（平衡型）。客户目标：<script>alert('x')</script> 希望稳健增值。\n\
\n\
建议产品：BF01 稳健债券基金（R2），管理费率：0.80%/年。该产品主要投资于高等级信用债，波动较低，适合三年以上的投资期限。\n\
风险揭示：理财非存款，产品有风险，投资须谨慎。过往业绩不代表未来表现。\n\
\n\
【生成来源】模型 SHA-256：9f2c4e1a7b3d5f60718293a4b5c6d7e8f9a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4";

const MEMO_EN: &str = "[AI-assisted draft] Recommendation\n\
Client risk level: C3 (balanced). Goal: steady growth [click](http://evil) **now**.\n\
\n\
Proposed: BF01 Steady Bond Fund (R2), management fee 0.80% a year. It invests mainly in \
high-grade credit and suits a holding period of three years or more.\n\
Risk disclosure: investments are not deposits and may lose value.";

fn font() -> &'static PdfFont {
    static FONT: OnceLock<PdfFont> = OnceLock::new();
    FONT.get_or_init(|| {
        PdfFont::discover().expect("a CJK font (scripts/setup.sh installs fonts-noto-cjk)")
    })
}

fn draft(text: &str, lang: Lang, goal: &str) -> DraftReport {
    serde_json::from_value(serde_json::json!({
        "draft_id": "7d1c1f0e-4b7a-4f7e-9a51-2f0c6a1d9e11", "client_id": "C0001", "lang": lang,
        "amount": "500000", "currency": "CNY", "goal": goal, "has_recommendation": true,
        "blocks": [], "proposed": ["BF01"], "eligible": [], "excluded": [],
        "rationale_model": "", "rationale": "", "text": text, "ai_text": text,
        "flagged": [], "citations": [],
        "provenance": {
            "model_sha256": MODEL_SHA, "model_name": "qwen2.5-0.5b-instruct", "quantization": "Q4_1",
            "prompt_version": "memo-v3", "rules_version": "cn-suitability@2026.1",
            "rules_sha256": "11aa22bb33cc44dd55ee66ff77889900aabbccddeeff00112233445566778899",
            "index_snapshot": "snap-42", "operator": "adv1",
            "created_at": "2026-11-30T09:00:00Z", "started_at": "2026-11-30T08:58:00Z"
        }
    }))
    .unwrap()
}

fn doc(text: &str, lang: Lang) -> ExportDocument {
    serde_json::from_value(serde_json::json!({
        "format": "wealth-copilot/export/1",
        "draft": draft(text, lang, "<script>alert('x')</script>"),
        "review": {
            "draft_id": "7d1c1f0e-4b7a-4f7e-9a51-2f0c6a1d9e11", "version": 1,
            "previous_version": null, "state": "approved", "drafter": "adv1", "reviewer": "mgr1",
            "events": []
        },
        "approval": {
            "approver": "mgr1", "approver_name": APPROVER_NAME,
            "approved_at": "2026-11-30T10:00:00Z", "comment": "同意 <b>ok</b>",
            "text_sha256": text_sha256(text)
        },
        "checkpoint": {
            "records": 128, "head_mac": "ab".repeat(32), "at": "2026-11-30T10:05:00Z",
            "signer": "mgr1", "signing_key": "cd".repeat(32), "signature": "ef".repeat(64)
        },
        "exported_at": "2026-11-30T10:05:00Z", "exported_by": "adv1"
    }))
    .unwrap()
}

fn poppler(tool: &str, pdf: &[u8], args: &[&str]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("doc.pdf");
    std::fs::write(&path, pdf).unwrap();
    let out = Command::new(tool)
        .args(args)
        .arg(&path)
        .args(if tool == "pdftotext" {
            &["-"][..]
        } else {
            &[][..]
        })
        .output()
        .unwrap_or_else(|e| panic!("{tool} (apt package poppler-utils, scripts/setup.sh): {e}"));
    assert!(
        out.status.success(),
        "{tool}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn pages(pdf: &[u8]) -> u32 {
    let info = poppler("pdfinfo", pdf, &[]);
    let line = info.lines().find(|l| l.starts_with("Pages:")).unwrap();
    line["Pages:".len()..].trim().parse().unwrap()
}

/// pdftotext keeps our line breaks; compare without whitespace.
fn squash(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

#[test]
fn chinese_pdf_text_comes_back() {
    // Set COPILOT_EXPORT_SAMPLE_DIR to keep the rendered files for a look.
    let keep = std::env::var_os("COPILOT_EXPORT_SAMPLE_DIR");
    let d = doc(MEMO_ZH, Lang::Zh);
    check_approved(&d).unwrap();
    let font = font();
    let started = std::time::Instant::now();
    let pdf = render_pdf(&d, Lang::Zh, font).unwrap();
    let elapsed = started.elapsed();
    assert!(pdf.starts_with(b"%PDF-"));
    if let Some(dir) = keep {
        std::fs::write(Path::new(&dir).join("sample-zh.pdf"), &pdf).unwrap();
    }
    let text = squash(&poppler("pdftotext", &pdf, &["-layout", "-enc", "UTF-8"]));
    for expected in [
        "投资产品推荐书",
        "风险揭示：理财非存款，产品有风险，投资须谨慎。",
        "建议产品：BF01稳健债券基金（R2），管理费率：0.80%/年。",
        "客户目标：<script>alert('x')</script>希望稳健增值。",
        "李主管(mgr1)",
        MODEL_SHA,
        &text_sha256(MEMO_ZH),
        "C0001",
    ] {
        assert!(
            text.contains(&squash(expected)),
            "{expected:?} missing from:\n{text}"
        );
    }
    // The font is a subset: far smaller than the 19 MB collection.
    assert!(pdf.len() < 400_000, "{} bytes", pdf.len());
    eprintln!("zh PDF: {} bytes in {elapsed:?}", pdf.len());
    let n = pages(&pdf);
    assert!(text.contains(&format!("第1/{n}页")), "page numbers");
}

#[test]
fn english_pdf_text_comes_back() {
    let d = doc(MEMO_EN, Lang::En);
    let pdf = render_pdf(&d, Lang::En, font()).unwrap();
    let raw = poppler("pdftotext", &pdf, &["-enc", "UTF-8"]);
    let text = squash(&raw);
    for expected in [
        "Investment recommendation",
        "Risk disclosure: investments are not deposits and may lose value.",
        "Approved by: 李主管 (mgr1)",
        MODEL_SHA,
    ] {
        assert!(
            text.contains(&squash(expected)),
            "{expected:?} missing from:\n{raw}"
        );
    }
    // Latin text breaks at spaces: no word is cut in two.
    assert!(raw.contains("management"), "{raw}");
    assert!(raw.contains(&format!("Page 1 of {}", pages(&pdf))), "{raw}");
}

#[test]
fn long_memo_paginates_with_page_numbers() {
    let paragraph = "本产品主要投资于国内高等级信用债券与利率债，组合久期控制在三年以内，\
        力求在控制回撤的前提下获取稳健收益。Fund BF01 invests in high-grade bonds; past performance \
        does not guarantee future results. ";
    let memo: String = (0..40).map(|i| format!("第{i}段：{paragraph}\n")).collect();
    let d = doc(&memo, Lang::Zh);
    let pdf = render_pdf(&d, Lang::Zh, font()).unwrap();
    let n = pages(&pdf);
    assert!(n >= 2, "{n} pages");
    let text = squash(&poppler("pdftotext", &pdf, &["-enc", "UTF-8"]));
    assert!(text.contains(&squash(&format!("第 1 / {n} 页"))), "{text}");
    assert!(text.contains(&squash(&format!("第 {n} / {n} 页"))));
    assert!(text.contains("第39段"));
    // Lines fit the page: a line of pdftotext -layout never runs past the right margin, which
    // would show as text cut at the page edge (pdftotext drops glyphs outside the media box).
    assert!(
        text.contains(&squash(paragraph)),
        "a wrapped paragraph lost characters"
    );
}

#[test]
fn a_character_the_font_lacks_is_refused_by_name() {
    let d = doc("含有表情 \u{1F600} 的备注", Lang::Zh);
    match render_pdf(&d, Lang::Zh, font()) {
        Err(ExportError::MissingGlyph { ch, code, .. }) => {
            assert_eq!((ch, code), ('\u{1F600}', 0x1F600));
        }
        other => panic!("expected MissingGlyph, got {:?}", other.map(|b| b.len())),
    }
}

#[test]
fn font_env_var_is_honoured_or_reported() {
    // Not via the process environment (tests run in parallel): the same path through from_file.
    let e =
        PdfFont::from_file(Path::new("/nonexistent/NotoSansCJK-Regular.ttc"), Some(2)).unwrap_err();
    assert!(
        e.to_string()
            .contains("/nonexistent/NotoSansCJK-Regular.ttc"),
        "{e}"
    );
    let f = font();
    assert!(
        f.family().contains("CJK") || f.family().contains("Hei") || f.family().contains("PingFang"),
        "{f:?}"
    );
    if f.path().extension().is_some_and(|x| x == "ttc") && f.family().starts_with("Noto Sans CJK") {
        assert_eq!(
            f.family(),
            "Noto Sans CJK SC",
            "the Simplified Chinese face is chosen"
        );
    }
}

#[test]
fn html_is_self_contained_and_escaped() {
    let html = render_html(&doc(MEMO_ZH, Lang::Zh), Lang::Zh);
    assert!(html.starts_with("<!DOCTYPE html>\n<html lang=\"zh-CN\">"));
    assert!(html.contains(
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">"
    ));
    assert!(!html.contains("<script"), "unescaped script");
    assert!(html.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"));
    assert!(html.contains("同意 &lt;b&gt;ok&lt;/b&gt;"));
    assert!(
        !html.contains("src=") && !html.contains("href="),
        "no external resources"
    );
    assert!(html.contains("@media print") && html.contains("Noto Sans CJK SC"));
    assert!(html.contains(MODEL_SHA) && html.contains(APPROVER_NAME));
    let en = render_html(&doc(MEMO_EN, Lang::En), Lang::En);
    assert!(en.contains("<html lang=\"en\">") && en.contains("Approved by"));
}

#[test]
fn markdown_escapes_the_memo() {
    let md = render_markdown(&doc(MEMO_EN, Lang::En), Lang::En);
    assert!(md.starts_with("# Investment recommendation\n"));
    assert!(md.contains("\\[click\\](http://evil) \\*\\*now\\*\\*"));
    assert!(md.contains("\\[AI-assisted draft\\] Recommendation\\\n"));
    assert!(md.contains(&format!("`{MODEL_SHA}`")));
    assert!(md.contains("- **Client id**: C0001"));
    let zh = render_markdown(&doc(MEMO_ZH, Lang::Zh), Lang::Zh);
    assert!(zh.contains("\\<script\\>") && !zh.contains("<script>"));
    assert!(zh.contains("- **客户编号**：C0001"));
}

#[test]
fn json_round_trips() {
    let d = doc(MEMO_ZH, Lang::Zh);
    let json = to_json(&d);
    assert!(json.starts_with("{\n  \"format\": \"wealth-copilot/export/1\",\n  \"draft\": {"));
    let back: ExportDocument = serde_json::from_str(&json).unwrap();
    assert_eq!(back, d);
}

#[test]
fn only_approved_unchanged_text_is_exported() {
    let mut d = doc(MEMO_ZH, Lang::Zh);
    d.draft.text.push('!');
    assert!(matches!(
        check_approved(&d),
        Err(ExportError::TextMismatch { .. })
    ));
    let mut d = doc(MEMO_ZH, Lang::Zh);
    d.review.state = ReviewState::Submitted;
    let e = check_approved(&d).unwrap_err();
    assert!(e.to_string().contains("submitted"), "{e}");
}

fn record(id: &str, drafter: &str, state: &str, events: serde_json::Value) -> ReviewRecord {
    serde_json::from_value(serde_json::json!({
        "draft_id": id, "version": 1, "previous_version": null, "state": state,
        "drafter": drafter, "reviewer": null, "events": events
    }))
    .unwrap()
}

#[test]
fn roi_csv_is_pii_free_guarded_and_numeric() {
    let client_name = "王晓明";
    let mut a = draft(
        &format!("尊敬的{client_name}：建议 BF01。"),
        Lang::Zh,
        client_name,
    );
    a.draft_id = "d-a".into();
    a.client_id = "C0099".into();
    a.ai_text = "建议 BF01。".into();
    a.overrides = vec![serde_json::from_value(serde_json::json!(
        {"rule_id": "S8", "product_code": "BF01", "reason_code": "CLIENT_CONFIRMED"}
    ))
    .unwrap()];
    a.excluded = vec![serde_json::from_value(serde_json::json!(
        {"product_code": "EQ01", "rule_id": "S4", "reason": format!("{client_name} 风险等级不足")}
    ))
    .unwrap()];
    let mut b = draft("Dear Ms Zhang", Lang::En, "Ms Zhang wants growth");
    b.draft_id = "d-b".into();
    let items = vec![
        (
            a,
            record(
                "d-a",
                "=cmd|' /C calc'!A0",
                "approved",
                serde_json::json!([
                    {"at": "2026-11-30T09:00:00Z", "actor": "x", "action": "submit", "comment": null, "text_sha256": ""},
                    {"at": "2026-11-30T09:30:00Z", "actor": "m", "action": "approve", "comment": "王晓明 ok", "text_sha256": ""}
                ]),
            ),
        ),
        (b, record("d-b", "adv2", "draft", serde_json::json!([]))),
    ];
    let report = copilot_core::roi::compute(&items);
    let mut bytes = Vec::new();
    write_roi_csv(&report, &mut bytes).unwrap();
    assert!(bytes.starts_with(copilot_export::UTF8_BOM));
    let csv = String::from_utf8(bytes[3..].to_vec()).unwrap();
    for pii in [
        client_name,
        "C0099",
        "C0001",
        "Zhang",
        "尊敬",
        "风险等级不足",
    ] {
        assert!(!csv.contains(pii), "{pii:?} leaked into the CSV:\n{csv}");
    }
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    let header = reader.headers().unwrap().clone();
    assert_eq!(header.len(), 12 + 25);
    assert_eq!(&header[0], "draft_id");
    assert_eq!(&header[12], "S1");
    assert_eq!(&header[36], "S25");
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    let a = &rows[0];
    assert_eq!(&a[0], "d-a");
    assert_eq!(
        &a[1], "'=cmd|' /C calc'!A0",
        "advisor id is a text column: guarded"
    );
    assert_eq!(&a[3], "approved");
    assert_eq!(&a[4], "120", "numeric columns are plain numbers");
    assert_eq!(&a[7], "true");
    assert_eq!(&a[9], "1800");
    assert_eq!(&a[11], "S8:CLIENT_CONFIRMED");
    assert_eq!(&a[12 + 3], "1", "S4 catches");
    let b = &rows[1];
    assert_eq!(
        (&b[4], &b[7], &b[9]),
        ("", "", ""),
        "undecided: empty cells"
    );
    for row in &rows {
        for (i, cell) in row
            .iter()
            .enumerate()
            .filter(|(i, _)| ![0, 1, 2, 3, 11].contains(i))
        {
            assert!(
                cell.is_empty() || cell == "true" || cell == "false" || cell.parse::<i64>().is_ok(),
                "column {} is not numeric: {cell:?}",
                &header[i]
            );
        }
    }
}
