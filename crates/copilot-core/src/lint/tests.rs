use std::collections::BTreeSet;
use std::path::PathBuf;

use copilot_protocol::{Lang, Rating};
use proptest::prelude::*;
use serde::Deserialize;

use super::*;

fn pack() -> &'static LintPack {
    static PACK: std::sync::OnceLock<LintPack> = std::sync::OnceLock::new();
    PACK.get_or_init(|| LintPack::builtin().expect("assets/rules/lint.toml parses"))
}

/// Lints and checks the invariants every result must hold: offsets on character boundaries that
/// map back to `text`, sorted, non-overlapping, and the same result twice.
fn checked(text: &str, pack: &LintPack) -> Vec<LintFinding> {
    let findings = lint(text, pack);
    for f in &findings {
        assert!(f.start < f.end, "{f:?}");
        assert!(text.is_char_boundary(f.start) && text.is_char_boundary(f.end));
        assert_eq!(&text[f.start..f.end], f.text);
        assert_eq!(f.rule(), copilot_protocol::rules::S13);
        assert!(!f.message_zh.is_empty() && !f.message_en.is_empty());
    }
    for pair in findings.windows(2) {
        assert!(pair[0].end <= pair[1].start, "{pair:?}");
    }
    assert_eq!(findings, lint(text, pack), "deterministic");
    findings
}

fn categories(text: &str, pack: &LintPack) -> BTreeSet<LintCategory> {
    checked(text, pack)
        .into_iter()
        .map(|f| f.category)
        .collect()
}

fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

#[test]
fn builtin_pack_parses_and_covers_every_category_in_both_languages() {
    let pack = pack();
    assert!(!pack.version().is_empty());
    for category in LintCategory::ALL {
        for lang in ["zh", "en"] {
            let prefix = format!("{lang}.{}.", category.as_str());
            assert!(
                pack.pattern_ids().any(|id| id.starts_with(&prefix)),
                "no {prefix}* pattern"
            );
        }
    }
}

#[test]
fn flags_every_category_in_chinese() {
    let pack = pack();
    let cases = [
        (
            "本产品保本保收益，请放心。",
            LintCategory::Promise,
            "保本保收益",
        ),
        ("这款理财稳赚不赔。", LintCategory::Promise, "稳赚不赔"),
        (
            "我们保证本金和收益的安全。",
            LintCategory::Promise,
            "保证本金",
        ),
        ("产品零风险，收益有保障。", LintCategory::Promise, "零风险"),
        ("该产品刚性兑付。", LintCategory::Promise, "刚性兑付"),
        ("年化4%以上没问题。", LintCategory::Promise, "年化4%以上"),
        ("买了一定会上涨。", LintCategory::Certainty, "一定会上涨"),
        ("这只基金绝对安全。", LintCategory::Certainty, "绝对安全"),
        ("每年稳稳的收益。", LintCategory::Certainty, "稳稳的"),
        (
            "预计年化收益率将达到6%。",
            LintCategory::Prediction,
            "预计年化收益率将达到",
        ),
        (
            "未来三个月指数将大幅上涨。",
            LintCategory::Prediction,
            "未来三个月指数将大幅上涨",
        ),
        ("本产品等同于存款。", LintCategory::Blurring, "等同于存款"),
        ("和存款一样安全。", LintCategory::Blurring, "和存款一样"),
        ("收益相当于定期。", LintCategory::Blurring, "相当于定期"),
        (
            "这是很好的存款替代产品。",
            LintCategory::Blurring,
            "存款替代产品",
        ),
    ];
    for (text, category, span) in cases {
        let findings = checked(text, pack);
        assert!(
            findings
                .iter()
                .any(|f| f.category == category && f.text == span),
            "{text}: expected {category} on {span:?}, got {findings:?}"
        );
    }
}

#[test]
fn flags_every_category_in_english() {
    let pack = pack();
    let cases = [
        (
            "This fund offers a guaranteed return.",
            LintCategory::Promise,
            "guaranteed",
        ),
        (
            "It is a risk-free way to grow savings.",
            LintCategory::Promise,
            "risk-free",
        ),
        (
            "You can't lose with this product.",
            LintCategory::Promise,
            "can't lose",
        ),
        (
            "The note is capital protected.",
            LintCategory::Promise,
            "capital protected",
        ),
        (
            "Prices will definitely rise next year.",
            LintCategory::Certainty,
            "will definitely rise",
        ),
        (
            "The fund is sure to do well.",
            LintCategory::Certainty,
            "sure to",
        ),
        (
            "It will surely pay off.",
            LintCategory::Certainty,
            "will surely pay",
        ),
        ("Surely this is the one.", LintCategory::Certainty, "Surely"),
        (
            "The fund is expected to return 8% a year.",
            LintCategory::Prediction,
            "expected to return",
        ),
        (
            "This fund will outperform the index.",
            LintCategory::Prediction,
            "will outperform",
        ),
        (
            "It is as safe as a deposit.",
            LintCategory::Blurring,
            "as safe as a deposit",
        ),
        (
            "It works just like a deposit.",
            LintCategory::Blurring,
            "just like a deposit",
        ),
        (
            "Your money is insured like a deposit.",
            LintCategory::Blurring,
            "insured like a deposit",
        ),
    ];
    for (text, category, span) in cases {
        let findings = checked(text, pack);
        assert!(
            findings
                .iter()
                .any(|f| f.category == category && f.text == span),
            "{text}: expected {category} on {span:?}, got {findings:?}"
        );
    }
}

#[test]
fn negations_and_mandatory_disclaimers_are_not_flagged() {
    let pack = pack();
    let clean = [
        "本产品不保本，不保证本金和收益。",
        "本产品为非保本浮动收益型产品。",
        "我行不承诺保本，也不承诺收益，打破刚性兑付。",
        "理财非存款、产品有风险、投资须谨慎。",
        "本产品不是存款，不纳入存款保险保障范围。",
        "投资者可能损失部分甚至全部本金。",
        "过往业绩不代表未来表现，本文件不对未来收益作出任何预测。",
        "任何投资都不是没有风险的，收益不一定能达到业绩比较基准。",
        "Principal and returns are not guaranteed.",
        "There is no guarantee that the fund will meet its objective.",
        "This product is not a deposit and is not FDIC insured.",
        "This product is not a deposit and is not covered by deposit insurance.",
        "Past performance is not indicative of future results; you may lose money.",
        "No investment is risk-free.",
        "The note is not capital protected.",
        "Make sure to read the prospectus.",
    ];
    for text in clean {
        assert_eq!(checked(text, pack), vec![], "{text}");
    }
}

#[test]
fn evasion_by_full_width_zero_width_case_and_spaces_is_caught() {
    let pack = pack();
    let cases = [
        ("本产品保\u{200B}本。", "保\u{200B}本"),
        ("本产品保\u{202E}本。", "保\u{202E}本"),
        ("本产品保 本。", "保 本"),
        ("本产品保　本。", "保　本"),
        ("ＧＵＡＲＡＮＴＥＥＤ income", "ＧＵＡＲＡＮＴＥＥＤ"),
        ("GuArAnTeEd income", "GuArAnTeEd"),
        ("a RISK\u{200D}-FREE plan", "RISK\u{200D}-FREE"),
        ("a risk\u{2011}free plan", "risk\u{2011}free"),
        ("you can\u{2019}t  lose", "can\u{2019}t  lose"),
        (
            "It is as   safe as a\u{00A0}deposit.",
            "as   safe as a\u{00A0}deposit",
        ),
    ];
    for (text, span) in cases {
        let findings = checked(text, pack);
        assert!(
            findings.iter().any(|f| f.text == span),
            "{text:?}: expected a finding on {span:?}, got {findings:?}"
        );
    }
}

#[test]
fn offsets_point_into_the_original_text() {
    let pack = pack();
    let text = "尊敬的客户：\u{FEFF}本产品\u{200B}保\u{200C}本，ＲＩＳＫ－ＦＲＥＥ，和存款一样。";
    let findings = checked(text, pack);
    let spans: Vec<&str> = findings.iter().map(|f| f.text.as_str()).collect();
    assert_eq!(spans, ["保\u{200C}本", "ＲＩＳＫ－ＦＲＥＥ", "和存款一样"]);
    assert_eq!(findings[0].start, text.find('保').unwrap());
    assert!(
        findings[0].message_zh.contains("“保本”"),
        "{}",
        findings[0].message_zh
    );
}

#[test]
fn overlapping_matches_keep_the_longest() {
    let pack = pack();
    let findings = checked("稳赚不赔的保本保息产品", pack);
    let spans: Vec<&str> = findings.iter().map(|f| f.text.as_str()).collect();
    assert_eq!(spans, ["稳赚不赔", "保本保息"]);
}

#[test]
fn catches_everything_the_first_version_banned() {
    let pack = pack();
    for phrase in crate::grounding::BANNED_PHRASES {
        for text in [
            phrase.to_string(),
            format!("这只产品{phrase}。"),
            format!("This product is {phrase} for you."),
        ] {
            let findings = checked(&text, pack);
            assert!(
                findings
                    .iter()
                    .any(|f| f.text.to_lowercase().contains(&phrase.to_lowercase())
                        || phrase.to_lowercase().contains(&f.text.to_lowercase())),
                "{text:?} not caught: {findings:?}"
            );
        }
    }
}

#[test]
fn the_memo_disclaimers_are_clean() {
    let pack = pack();
    for lang in [Lang::Zh, Lang::En] {
        for rating in [Rating::R1, Rating::R2, Rating::R3, Rating::R4, Rating::R5] {
            let text = crate::memo::risk_disclosure(rating, lang);
            assert_eq!(checked(text, pack), vec![], "{text}");
        }
        for text in [
            crate::memo::past_performance_disclaimer(lang),
            crate::memo::ai_label(lang),
        ] {
            assert_eq!(checked(text, pack), vec![], "{text}");
        }
    }
}

#[test]
fn the_sample_documents_are_clean() {
    let pack = pack();
    let dir = repo_root().join("assets/sample/documents");
    let mut seen = 0;
    for entry in std::fs::read_dir(&dir).expect("sample documents") {
        let path = entry.expect("entry").path();
        if path.extension().is_some_and(|e| e == "md") {
            let text = std::fs::read_to_string(&path).expect("read");
            assert_eq!(checked(&text, pack), vec![], "{}", path.display());
            seen += 1;
        }
    }
    assert!(seen >= 20, "only {seen} documents");
}

#[test]
fn the_sample_notes_are_clean() {
    let pack = pack();
    let injection = crate::injection::InjectionPack::builtin().expect("injection pack");
    let mut seen = 0;
    // The two hostile notes of the sample data (C0025, C0042) are injection tests; the second
    // also says "risk-free", which the lint rightly flags.
    for (client_id, note) in crate::injection::tests::sample_notes() {
        if crate::injection::scan(&note, &injection).is_empty() {
            assert_eq!(checked(&note, pack), vec![], "{client_id}");
            seen += 1;
        }
    }
    assert!(seen >= 20, "only {seen} notes");
}

#[test]
fn labels_exist_in_both_languages() {
    for category in LintCategory::ALL {
        assert!(!category.label(Lang::Zh).is_empty());
        assert!(!category.label(Lang::En).is_empty());
        assert_eq!(LintCategory::from_name(category.as_str()), Some(category));
        let json = serde_json::to_string(&category).unwrap();
        assert_eq!(json, format!("\"{}\"", category.as_str()));
    }
}

const MINIMAL: &str = r#"
version = "t"
[category.promise]
message_zh = "z {text}"
message_en = "e {text}"
[category.certainty]
message_zh = "z"
message_en = "e"
[category.prediction]
message_zh = "z"
message_en = "e"
[category.blurring]
message_zh = "z"
message_en = "e"
"#;

fn minimal_with(patterns: &[(&str, &str, &str, &str)]) -> String {
    let mut s = MINIMAL.to_string();
    for (id, category, lang, regex) in patterns {
        s.push_str(&format!(
            "[[pattern]]\nid = \"{id}\"\ncategory = \"{category}\"\nlang = \"{lang}\"\nregex = '{regex}'\n"
        ));
    }
    s
}

fn full_coverage() -> Vec<(String, &'static str, &'static str, &'static str)> {
    let mut v = Vec::new();
    for c in ["promise", "certainty", "prediction", "blurring"] {
        for l in ["zh", "en"] {
            v.push((format!("{l}.{c}"), c, l, "xyz"));
        }
    }
    v
}

fn pack_text(extra: &[(&str, &str, &str, &str)]) -> String {
    let cov = full_coverage();
    let mut all: Vec<(&str, &str, &str, &str)> = cov
        .iter()
        .map(|(i, c, l, r)| (i.as_str(), *c, *l, *r))
        .collect();
    all.extend_from_slice(extra);
    minimal_with(&all)
}

#[test]
fn pack_validation() {
    assert!(LintPack::from_toml_str(&pack_text(&[])).is_ok());
    assert!(matches!(
        LintPack::from_toml_str(&pack_text(&[("x", "promise", "zh", "(")])),
        Err(LintPackError::BadRegex { .. })
    ));
    assert!(matches!(
        LintPack::from_toml_str(&pack_text(&[("x", "promise", "zh", "a*")])),
        Err(LintPackError::BadRegex { .. })
    ));
    assert!(matches!(
        LintPack::from_toml_str(&pack_text(&[("x", "boast", "zh", "a")])),
        Err(LintPackError::UnknownCategory { .. })
    ));
    assert!(matches!(
        LintPack::from_toml_str(&pack_text(&[("x", "promise", "fr", "a")])),
        Err(LintPackError::UnknownLang { .. })
    ));
    assert!(matches!(
        LintPack::from_toml_str(&pack_text(&[("zh.promise", "promise", "zh", "a")])),
        Err(LintPackError::DuplicateId(_))
    ));
    assert!(matches!(
        LintPack::from_toml_str(&minimal_with(&[("a", "promise", "zh", "a")])),
        Err(LintPackError::MissingCoverage { .. })
    ));
    assert!(matches!(
        LintPack::from_toml_str(&format!("{}\nunknown_key = 1\n", pack_text(&[]))),
        Err(LintPackError::Toml(_))
    ));
    // serde deserialisation validates too.
    assert!(toml::from_str::<LintPack>(&pack_text(&[("x", "promise", "zh", "(")])).is_err());
    let pack: LintPack = toml::from_str(&pack_text(&[])).unwrap();
    let findings = lint("--XYZ--", &pack);
    assert_eq!(findings.len(), 1);
    assert_eq!(findings[0].message_zh, "z xyz");
}

/// One case of `tests/eval/lint/*.toml` (format: tests/eval/README.md).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct EvalCase {
    id: String,
    lang: String,
    text: String,
    expect: Vec<LintCategory>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct EvalFile {
    case: Vec<EvalCase>,
}

#[test]
fn the_eval_cases_agree_with_the_lint() {
    let pack = pack();
    let path = repo_root().join("tests/eval/lint/cases.toml");
    let file: EvalFile =
        toml::from_str(&std::fs::read_to_string(&path).expect("read lint cases")).expect("parse");
    assert!(file.case.len() >= 40, "{} cases", file.case.len());
    let clean = file.case.iter().filter(|c| c.expect.is_empty()).count();
    assert!(clean >= 10, "{clean} clean cases");
    let mut ids = BTreeSet::new();
    let mut covered = BTreeSet::new();
    for case in &file.case {
        assert!(ids.insert(case.id.as_str()), "duplicate id {}", case.id);
        assert!(matches!(case.lang.as_str(), "zh" | "en"), "{}", case.id);
        let expected: BTreeSet<LintCategory> = case.expect.iter().copied().collect();
        assert_eq!(categories(&case.text, pack), expected, "case {}", case.id);
        for c in &expected {
            covered.insert((*c, case.lang.clone()));
        }
    }
    for c in LintCategory::ALL {
        for l in ["zh", "en"] {
            assert!(covered.contains(&(c, l.to_string())), "no {l} case for {c}");
        }
    }
}

proptest! {
    #[test]
    fn findings_always_map_back(text in "(保|本|收|益|稳|赚|risk|free|guarantee|d| |\u{200B}|\u{3000}|Ｇ|不|非|存款|一样|[a-z]|[\u{4e00}-\u{4e20}]|.){0,40}") {
        let pack = pack();
        checked(&text, pack);
    }
}

#[test]
fn traditional_characters_homoglyphs_and_split_words_do_not_hide_a_phrase() {
    let pack = LintPack::builtin().unwrap();
    for text in [
        "本產品保證收益。",
        "這款產品穩賺不賠。",
        "零風險的理財。",
        "這是無風險的投資。",
        "本产品保·本。",
        "本产品保-本保*收*益。",
        "本产品保．本。",
        "This is guаranteed.",
        "This is rіsk-frее.",
        "This is g u a r a n t e e d.",
        "This is G.U.A.R.A.N.T.E.E.D.",
    ] {
        let found = lint(text, &pack);
        assert!(
            found.iter().any(|f| f.category == LintCategory::Promise),
            "{text}: {found:?}"
        );
        for f in &found {
            assert_eq!(&text[f.start..f.end], f.text);
        }
    }
    // Honest text stays clean: the disclaimers, dates, codes and a short list of letters.
    for text in [
        "理财非存款，产品有风险，投资须谨慎。产品不保证本金和收益。",
        "Not a deposit; not guaranteed. 2026-05-05, BF01, R2-R3, U.S. clients, A B C.",
        "收益-风险特征：中低。",
    ] {
        let found = lint(text, &pack);
        assert!(found.is_empty(), "{text}: {found:?}");
    }
}
