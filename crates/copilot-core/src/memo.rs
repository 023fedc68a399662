//! The recommendation memo: deterministic sections around the model's verified rationale.
//!
//! Every figure in the memo outside the rationale is printed from the shelf or the profile by this
//! module, never by the model. Layout (both languages): AI-assisted label; client summary; proposed
//! products with their facts and reasons (or the S20 "no recommendation" statement); the verified
//! rationale; products not proposed with the excluding rule; disclosures (S15: risk disclosure per
//! rating, matching statement, past-performance disclaimer, AI-assisted label).

use crate::product::Product;
use crate::profile::ClientProfile;
use crate::suitability::{retain_until, Assessment, DraftRequest, Policy};
use crate::{Lang, Rating};
use copilot_protocol::{rules, Citation, Override, Provenance};
use std::fmt::Write;

/// Standard risk disclosure for a product rating (S15), in the memo language.
pub fn risk_disclosure(rating: Rating, lang: Lang) -> &'static str {
    match (rating, lang) {
        (Rating::R1, Lang::Zh) => "R1（谨慎型）：产品本金损失的可能性很低，但不保证本金和收益。",
        (Rating::R2, Lang::Zh) => "R2（稳健型）：产品不保证本金和收益，本金损失的可能性较低，收益可能波动。",
        (Rating::R3, Lang::Zh) => "R3（平衡型）：产品不保证本金和收益，可能出现本金亏损，收益波动较大。",
        (Rating::R4, Lang::Zh) => "R4（进取型）：产品不保证本金和收益，本金亏损的可能性较高，净值波动大。",
        (Rating::R5, Lang::Zh) => "R5（激进型）：产品不保证本金和收益，可能损失大部分甚至全部本金。",
        (Rating::R1, Lang::En) => "R1 (cautious): the chance of losing principal is very low, but neither principal nor return is guaranteed.",
        (Rating::R2, Lang::En) => "R2 (conservative): principal and return are not guaranteed; the chance of loss is low and returns may fluctuate.",
        (Rating::R3, Lang::En) => "R3 (balanced): principal and return are not guaranteed; losses of principal can occur and returns fluctuate markedly.",
        (Rating::R4, Lang::En) => "R4 (growth): principal and return are not guaranteed; losses of principal are likely at times and values swing widely.",
        (Rating::R5, Lang::En) => "R5 (aggressive): principal and return are not guaranteed; most or all of the principal may be lost.",
    }
}

/// The label every draft carries (S15).
pub fn ai_label(lang: Lang) -> &'static str {
    match lang {
        Lang::Zh => "【AI 辅助草稿】本文件由本地 AI 辅助生成，须经理财经理核对、主管审核后方可使用。",
        Lang::En => "[AI-assisted draft] Prepared with a local AI assistant; it must be checked by the advisor and approved by a supervisor before use.",
    }
}

/// Past-performance disclaimer (S15).
pub fn past_performance_disclaimer(lang: Lang) -> &'static str {
    match lang {
        Lang::Zh => "理财非存款，产品有风险，投资须谨慎。过往业绩不代表未来表现。",
        Lang::En => "Investment products are not deposits and carry risk. Past performance is not indicative of future results.",
    }
}

/// Inputs to [`render`].
pub struct MemoInput<'a> {
    /// The client.
    pub profile: &'a ClientProfile,
    /// The whole shelf.
    pub shelf: &'a [Product],
    /// The gate's result.
    pub assessment: &'a Assessment,
    /// The request.
    pub request: &'a DraftRequest,
    /// Policy (how many products to propose).
    pub policy: &'a Policy,
    /// The verified rationale (may be empty).
    pub rationale: &'a str,
    /// Overrides of warnings the advisor gave (S24), already checked.
    pub overrides: &'a [Override],
    /// Evidence: document spans for the proposed products' facts.
    pub citations: &'a [Citation],
    /// The draft's provenance (S25); the block is printed when given.
    pub provenance: Option<&'a Provenance>,
}

fn tr(lang: Lang, zh: &str, en: &str) -> String {
    match lang {
        Lang::Zh => zh.to_string(),
        Lang::En => en.to_string(),
    }
}

/// The part of a rendered memo the advisor may not edit: from the disclosures heading (S15
/// statements, the AI label, the periodic-review note) through the provenance block (S25) and the
/// retention date (S23) to the end. `None` when the memo has no such heading.
pub fn fixed_tail(memo: &str, lang: Lang) -> Option<&str> {
    let mut offset = 0;
    for line in memo.split_inclusive('\n') {
        let l = line.trim_end();
        let is_heading = match lang {
            Lang::Zh => l.ends_with("、风险揭示与声明"),
            Lang::En => l
                .split_once(". ")
                .is_some_and(|(n, t)| t == "Disclosures" && n.chars().all(|c| c.is_ascii_digit())),
        };
        if is_heading {
            return Some(&memo[offset..]);
        }
        offset += line.len();
    }
    None
}

/// Checks an advisor's edit of a memo against the generated memo `ai_memo`: not empty, still
/// starting with the AI-assisted label, and ending with the generated disclosures and provenance
/// unchanged ([`fixed_tail`]; S15, S25, PRODUCT.md "AI label"). Returns the reason when refused.
pub fn check_edit(ai_memo: &str, edited: &str, lang: Lang) -> Result<(), String> {
    let t = |zh: &str, en: &str| match lang {
        Lang::Zh => zh.to_string(),
        Lang::En => en.to_string(),
    };
    if edited.trim().is_empty() {
        return Err(t("备忘录不能为空。", "The memo may not be empty."));
    }
    if !edited.trim_start().starts_with(ai_label(lang)) {
        return Err(t(
            "须保留开头的 AI 辅助标识。",
            "The AI-assisted label must stay at the top of the memo.",
        ));
    }
    if let Some(tail) = fixed_tail(ai_memo, lang) {
        if !edited.trim_end().ends_with(tail.trim_end()) {
            return Err(t(
                "风险揭示、声明与来源信息须原样保留（S15、S25）；只可修改其上方的内容。",
                "The disclosures, statements and provenance must stay exactly as generated (S15, S25); edit only the sections above them.",
            ));
        }
    }
    Ok(())
}

/// Renders the memo as plain text with simple headings. Infallible.
pub fn render(input: &MemoInput<'_>) -> String {
    let lang = input.request.lang;
    let p = input.profile;
    let mut out = String::new();
    let mut section = 0usize;
    let mut heading = |zh: &str, en: &str| {
        section += 1;
        const ZH_NUMERALS: [&str; 9] = ["一", "二", "三", "四", "五", "六", "七", "八", "九"];
        match lang {
            Lang::Zh => format!("{}、{zh}", ZH_NUMERALS[(section - 1).min(8)]),
            Lang::En => format!("{section}. {en}"),
        }
    };
    let _ = writeln!(out, "{}", ai_label(lang));
    let _ = writeln!(out);
    let _ = writeln!(out, "{}", heading("客户概况", "Client summary"));
    let level = p
        .risk_level
        .map(|l| l.to_string())
        .unwrap_or_else(|| tr(lang, "未测评", "not assessed"));
    let assessed = p
        .assessment_date
        .map(|d| d.to_string())
        .unwrap_or_else(|| "-".into());
    let horizon = p
        .horizon_months
        .map(|h| h.to_string())
        .unwrap_or_else(|| "-".into());
    match lang {
        Lang::Zh => {
            let _ = writeln!(
                out,
                "- 客户：{}（{}），{}",
                p.name.expose(),
                p.client_id,
                class_zh(p)
            );
            let _ = writeln!(out, "- 风险等级：{level}（测评日期 {assessed}）");
            let _ = writeln!(
                out,
                "- 投资期限：{horizon} 个月；流动性需求：{}；投资目标：{}",
                liquidity_zh(p),
                objective_zh(p.objective)
            );
            let _ = writeln!(out, "- 可投资资产：{}", p.investable_assets.display());
        }
        Lang::En => {
            let _ = writeln!(
                out,
                "- Client: {} ({}), {} investor",
                p.name.expose(),
                p.client_id,
                p.investor_class
            );
            let _ = writeln!(out, "- Risk level: {level} (assessed {assessed})");
            let _ = writeln!(
                out,
                "- Horizon: {horizon} months; liquidity need: {}; objective: {}",
                p.liquidity_need, p.objective
            );
            let _ = writeln!(
                out,
                "- Investable assets: {}",
                p.investable_assets.display()
            );
        }
    }
    if let Some(amount) = input.request.amount {
        let _ = writeln!(
            out,
            "{}{}",
            tr(lang, "- 本次拟投资金额：", "- Amount to invest: "),
            amount.display()
        );
    }
    if let Some(goal) = input
        .request
        .goal
        .as_deref()
        .filter(|g| !g.trim().is_empty())
    {
        let _ = writeln!(
            out,
            "{}{}",
            tr(lang, "- 投资目的：", "- Goal: "),
            goal.trim()
        );
    }
    let _ = writeln!(out);

    let proposed = &input.assessment.proposed;
    let _ = writeln!(out, "{}", heading("建议产品", "Proposed products"));
    // Blocks (S2/S3) empty the shortlist, so S20 is present whenever there is a block.
    if let Some(s20) = &input.assessment.no_recommendation {
        let _ = writeln!(out, "{}", tr(lang, "不作推荐。", "No recommendation."));
        for b in &input.assessment.blocks {
            let _ = writeln!(out, "- [{}] {}", b.rule_id, b.message);
        }
        let _ = writeln!(out, "- [{}] {}", s20.rule_id, s20.message);
    }
    for (i, code) in proposed.iter().enumerate() {
        let Some(prod) = input.shelf.iter().find(|x| &x.product_code == code) else {
            continue;
        };
        let Some(entry) = input
            .assessment
            .eligible
            .iter()
            .find(|e| &e.product_code == code)
        else {
            continue;
        };
        let _ = match lang {
            Lang::Zh => writeln!(
                out,
                "{}. {}（{}）— {}，风险等级 {}",
                i + 1,
                prod.name(lang),
                prod.product_code,
                prod.product_type.label(lang),
                prod.effective_rating()
            ),
            Lang::En => writeln!(
                out,
                "{}. {} ({}) — {}, risk rating {}",
                i + 1,
                prod.name(lang),
                prod.product_code,
                prod.product_type.label(lang),
                prod.effective_rating()
            ),
        };
        let _ = writeln!(out, "   {}", product_facts_line(prod, lang));
        for reason in &entry.reasons {
            let _ = writeln!(out, "   · {reason}");
        }
        for w in &entry.warnings {
            let _ = writeln!(out, "   ! [{}] {}", w.rule_id, w.message);
            let o = input.overrides.iter().find(|o| {
                o.rule_id == w.rule_id && o.product_code.as_deref() == Some(code.as_str())
            });
            if let Some(o) = o {
                let _ = writeln!(out, "     {}", override_line(o, input.policy, lang));
            }
        }
        let sources: Vec<String> = input
            .citations
            .iter()
            .filter(|c| &c.product_code == code && c.fact.is_some())
            .map(|c| format!("{}[{}–{}]", c.document_id, c.start, c.end))
            .collect();
        if !sources.is_empty() {
            let mut seen = Vec::new();
            for s in sources {
                if !seen.contains(&s) {
                    seen.push(s);
                }
            }
            let _ = writeln!(
                out,
                "   {}{}",
                tr(lang, "依据文件：", "Sources: "),
                seen.join(", ")
            );
        }
    }
    let others: Vec<&str> = input
        .assessment
        .eligible
        .iter()
        .map(|e| e.product_code.as_str())
        .filter(|c| !proposed.iter().any(|p| p == c))
        .collect();
    if !others.is_empty() {
        let _ = writeln!(
            out,
            "{}{}",
            tr(
                lang,
                "另有适合但本次未列入建议的产品：",
                "Also suitable, not proposed this time: "
            ),
            others.join(", ")
        );
    }
    let _ = writeln!(out);

    if !input.rationale.trim().is_empty() {
        let _ = writeln!(
            out,
            "{}",
            heading(
                "推荐说明（AI 生成；已核验数字、产品与禁用语）",
                "Rationale (AI-written; figures, products and banned wording checked)"
            )
        );
        let _ = writeln!(out, "{}", input.rationale.trim());
        let _ = writeln!(out);
    }

    if !input.assessment.excluded.is_empty() && input.assessment.blocks.is_empty() {
        let _ = writeln!(out, "{}", heading("未推荐的产品", "Products not proposed"));
        for e in &input.assessment.excluded {
            let sep = if lang == Lang::Zh { "：" } else { ": " };
            let _ = writeln!(out, "- {}{sep}[{}] {}", e.product_code, e.rule_id, e.reason);
        }
        let _ = writeln!(out);
    }

    let a = input.assessment;
    if !a.warnings.is_empty() || !a.requirements.is_empty() {
        let _ = writeln!(
            out,
            "{}",
            heading("提示与特别程序", "Warnings and required steps")
        );
        for w in &a.warnings {
            let _ = writeln!(out, "! [{}] {}", w.rule_id, w.message);
            if let Some(o) = input
                .overrides
                .iter()
                .find(|o| o.rule_id == w.rule_id && o.product_code.is_none())
            {
                let _ = writeln!(out, "  {}", override_line(o, input.policy, lang));
            }
        }
        for r in &a.requirements {
            let _ = writeln!(out, "- [{}] {}", r.rule_id, r.text);
            if r.rule_id == rules::S6 {
                if let Some(code) = &r.product_code {
                    special_warning(&mut out, input, code);
                }
            }
            if r.rule_id == rules::S9 {
                if let Some(prod) = r
                    .product_code
                    .as_ref()
                    .and_then(|c| input.shelf.iter().find(|x| &x.product_code == c))
                {
                    plain_summary(&mut out, prod, lang);
                }
            }
            if r.rule_id == rules::S21 {
                reg_bi_alternatives(&mut out, input);
            }
            if r.rule_id == rules::S19 {
                eu_report(&mut out, input);
            }
        }
        let _ = writeln!(out);
    }

    let _ = writeln!(out, "{}", heading("风险揭示与声明", "Disclosures"));
    let mut ratings: Vec<Rating> = proposed
        .iter()
        .filter_map(|c| input.shelf.iter().find(|x| &x.product_code == c))
        .map(|x| x.effective_rating())
        .collect();
    ratings.sort();
    ratings.dedup();
    for r in &ratings {
        let _ = writeln!(out, "- {}", risk_disclosure(*r, lang));
    }
    if let (Some(level), Some(max)) = (p.risk_level, ratings.last()) {
        if max.as_number() > level.as_number() {
            let _ = writeln!(
                out,
                "- {}",
                match lang {
                    Lang::Zh => format!("适当性匹配意见：客户风险等级为{level}，所建议产品的最高风险等级为{max}，高于客户风险等级；系客户主动要求，已出具特别风险警示，须客户确认并经主管审批（S6）。"),
                    Lang::En => format!("Suitability statement: the client's risk level is {level}; the highest rating among the proposed products is {max}, above it. The client asked for it on their own initiative; the special risk warning applies and needs the client's confirmation and supervisor approval (S6)."),
                }
            );
        } else {
            let _ = writeln!(
            out,
            "- {}",
            match lang {
                Lang::Zh => format!("适当性匹配意见：客户风险等级为{level}，所建议产品的最高风险等级为{max}，不高于客户风险等级。"),
                Lang::En => format!("Suitability statement: the client's risk level is {level}; the highest rating among the proposed products is {max}, which does not exceed it."),
            }
        );
        }
    }
    let _ = writeln!(out, "- {}", past_performance_disclaimer(lang));
    let _ = writeln!(
        out,
        "- {}",
        tr(
            lang,
            "定期复核：建议至少每年一次，或在客户财务状况、投资目标或风险测评变化时，复核本建议的适当性。",
            "Periodic review: the suitability of this recommendation is reviewed at least once a year, or when the client's finances, objectives or risk assessment change."
        )
    );
    let _ = writeln!(out, "- {}", ai_label(lang));

    if let Some(pv) = input.provenance {
        let _ = writeln!(out);
        let _ = writeln!(out, "{}", heading("来源信息", "Provenance"));
        let keep = retain_until(input.request.today, input.policy);
        let rows: [(&str, &str, String); 8] = [
            (
                "模型",
                "Model",
                format!(
                    "{} ({}), SHA-256 {}",
                    pv.model_name, pv.quantization, pv.model_sha256
                ),
            ),
            ("提示模板", "Prompt template", pv.prompt_version.clone()),
            (
                "规则包",
                "Rule pack",
                format!("{} (SHA-256 {})", pv.rules_version, pv.rules_sha256),
            ),
            ("检索索引快照", "Index snapshot", pv.index_snapshot.clone()),
            ("操作人", "Operator", pv.operator.clone()),
            ("生成时间", "Created", pv.created_at.clone()),
            (
                "规则评估日",
                "Rules evaluated on",
                input.request.today.to_string(),
            ),
            ("保存至", "Retain until", keep.to_string()),
        ];
        for (zh, en, v) in rows {
            let _ = writeln!(
                out,
                "- {}{v}",
                tr(lang, &format!("{zh}："), &format!("{en}: "))
            );
        }
    }
    out
}

fn override_line(o: &Override, policy: &Policy, lang: Lang) -> String {
    let label = policy
        .override_reasons
        .iter()
        .find(|r| r.code == o.reason_code)
        .map(|r| match lang {
            Lang::Zh => r.zh.as_str(),
            Lang::En => r.en.as_str(),
        })
        .unwrap_or("");
    match lang {
        Lang::Zh => format!("已由理财经理附原因覆盖（S24）：{} {label}", o.reason_code),
        Lang::En => format!("Overridden by the advisor (S24): {} {label}", o.reason_code),
    }
}

/// The S6 special written risk warning (特别风险警示书), to be signed by the client.
fn special_warning(out: &mut String, input: &MemoInput<'_>, code: &str) {
    let lang = input.request.lang;
    let Some(prod) = input.shelf.iter().find(|x| x.product_code == code) else {
        return;
    };
    let level = input
        .profile
        .risk_level
        .map(|l| l.to_string())
        .unwrap_or_default();
    let rating = prod.effective_rating();
    let _ = match lang {
        Lang::Zh => writeln!(
            out,
            "  特别风险警示书：客户 {}（{}）主动要求购买 {}（{}），该产品风险等级为{rating}，高于客户风险承受能力等级{level}。本行未主动推荐该产品。该产品不保证本金和收益，可能造成超出客户承受能力的损失。客户确认已阅读并理解上述警示，自愿承担相应风险。\n  客户签字：＿＿＿＿＿＿  日期：＿＿＿＿＿＿    主管审批：＿＿＿＿＿＿",
            input.profile.name.expose(),
            input.profile.client_id,
            prod.name(lang),
            prod.product_code
        ),
        Lang::En => writeln!(
            out,
            "  Special written risk warning: the client {} ({}) asked on their own initiative to buy {} ({}), rated {rating}, above the client's risk level {level}. The bank did not recommend it. Principal and returns are not guaranteed and losses beyond the client's capacity may occur. The client confirms having read and understood this warning and accepts the risk.\n  Client signature: ________  Date: ________    Supervisor approval: ________",
            input.profile.name.expose(),
            input.profile.client_id,
            prod.name(lang),
            prod.product_code
        ),
    };
}

/// The S9 plain-language summary (通俗说明) for elderly clients.
fn plain_summary(out: &mut String, prod: &Product, lang: Lang) {
    let redeem = match (prod.liquidity, prod.lockup()) {
        (crate::Liquidity::Open, 0) => tr(
            lang,
            "可以随时申请取回",
            "you can ask for the money back at any time",
        ),
        (_, m) => match lang {
            Lang::Zh => format!("至少 {m} 个月内不能取回"),
            Lang::En => format!("the money cannot be taken out for at least {m} months"),
        },
    };
    let _ = match lang {
        Lang::Zh => writeln!(
            out,
            "  通俗说明：{}不是存款，不保证本金；最坏情况下可能损失大部分甚至全部本金；{redeem}；每年管理费 {}%。请与家人商量后再决定。",
            prod.name(lang),
            pct(prod.management_fee_pct)
        ),
        Lang::En => writeln!(
            out,
            "  In plain words: {} is not a deposit and the money put in is not protected; in the worst case most or all of it can be lost; {redeem}; the yearly management fee is {}%. Please talk it over with your family before deciding.",
            prod.name(lang),
            pct(prod.management_fee_pct)
        ),
    };
}

/// S21: the alternatives considered (the other eligible products) with their costs.
fn reg_bi_alternatives(out: &mut String, input: &MemoInput<'_>) {
    let lang = input.request.lang;
    for e in &input.assessment.eligible {
        if let Some(prod) = input
            .shelf
            .iter()
            .find(|x| x.product_code == e.product_code)
        {
            let proposed = input.assessment.proposed.contains(&e.product_code);
            let _ = writeln!(
                out,
                "  {} {} — {}: {}%/{}, {}: {}%{}",
                if proposed { "*" } else { "·" },
                prod.product_code,
                tr(lang, "管理费率", "management fee"),
                pct(prod.management_fee_pct),
                tr(lang, "年", "yr"),
                tr(lang, "认购费率", "subscription fee"),
                pct(prod.subscription_fee_pct),
                if proposed {
                    tr(lang, "（建议）", " (proposed)")
                } else {
                    String::new()
                }
            );
        }
    }
}

/// S19: the EU suitability report's statement of fit (Delegated Reg. 2017/565 Art. 54(12)).
fn eu_report(out: &mut String, input: &MemoInput<'_>) {
    let p = input.profile;
    let lang = input.request.lang;
    let horizon = p
        .horizon_months
        .map(|h| h.to_string())
        .unwrap_or_else(|| "-".into());
    let tolerance = p
        .loss_tolerance
        .map(|t| t.as_str().to_string())
        .unwrap_or_else(|| "-".into());
    let _ = match lang {
        Lang::Zh => writeln!(
            out,
            "  与客户情况的匹配：投资目标 {}；投资期限 {horizon} 个月；知识与经验 {} 年（{}）；风险态度 {}（可接受亏损：{tolerance}）；损失承受能力以可投资资产 {} 为限。费用见各产品费率。",
            objective_zh(p.objective),
            p.experience_years,
            p.experience_types.join("、"),
            p.risk_level.map(|l| l.to_string()).unwrap_or_default(),
            p.investable_assets.display()
        ),
        Lang::En => writeln!(
            out,
            "  Fit with the client: objective {}; horizon {horizon} months; knowledge and experience {} years ({}); risk attitude {} (loss tolerance: {tolerance}); capacity for loss bounded by investable assets of {}. Costs: see each product's fees.",
            p.objective,
            p.experience_years,
            p.experience_types.join(", "),
            p.risk_level.map(|l| l.to_string()).unwrap_or_default(),
            p.investable_assets.display()
        ),
    };
}

/// One line of product facts, all from the shelf.
pub fn product_facts_line(prod: &Product, lang: Lang) -> String {
    let term = if prod.term_months == 0 {
        tr(lang, "开放式", "open-ended")
    } else {
        match lang {
            Lang::Zh => format!("{} 个月", prod.term_months),
            Lang::En => format!("{} months", prod.term_months),
        }
    };
    match lang {
        Lang::Zh => format!(
            "期限：{term}；封闭期：{} 个月；起购金额：{}；管理费率：{}%/年；认购费率：{}%",
            prod.lockup_months,
            prod.min_subscription.display(),
            pct(prod.management_fee_pct),
            pct(prod.subscription_fee_pct)
        ),
        Lang::En => format!(
            "Term: {term}; lock-up: {} months; minimum subscription: {}; management fee: {}% a year; subscription fee: {}%",
            prod.lockup_months,
            prod.min_subscription.display(),
            pct(prod.management_fee_pct),
            pct(prod.subscription_fee_pct)
        ),
    }
}

/// A percentage with two decimals, as fee schedules print them (`0.3` → `0.30`).
fn pct(d: rust_decimal::Decimal) -> String {
    format!("{:.2}", d.round_dp(2))
}

fn class_zh(p: &ClientProfile) -> &'static str {
    match p.investor_class {
        crate::InvestorClass::Ordinary => "普通投资者",
        crate::InvestorClass::Professional => "专业投资者",
    }
}

fn liquidity_zh(p: &ClientProfile) -> &'static str {
    match p.liquidity_need {
        crate::LiquidityNeed::High => "高",
        crate::LiquidityNeed::Medium => "中",
        crate::LiquidityNeed::Low => "低",
    }
}

pub(crate) fn objective_zh(o: crate::Objective) -> &'static str {
    match o {
        crate::Objective::Preservation => "保值",
        crate::Objective::Income => "稳健收益",
        crate::Objective::Balanced => "平衡",
        crate::Objective::Growth => "增长",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::suitability::tests::{client, product};
    use crate::suitability::{assess, DraftRequest};
    use crate::RiskLevel;
    use time::macros::date;

    #[test]
    fn memo_has_disclosures_and_exclusions() {
        let shelf = [product("BF01", Rating::R2), product("EQ01", Rating::R4)];
        let profile = client(RiskLevel::C3);
        let request = DraftRequest {
            goal: Some("养老".into()),
            ..DraftRequest::new(Lang::Zh, date!(2026 - 11 - 29))
        };
        let policy = Policy::default();
        let a = assess(&profile, &shelf, &request, &policy);
        let memo = render(&MemoInput {
            profile: &profile,
            shelf: &shelf,
            assessment: &a,
            request: &request,
            policy: &policy,
            rationale: "适合稳健投资。",
            overrides: &[],
            citations: &[],
            provenance: None,
        });
        assert!(memo.starts_with("【AI 辅助草稿】"));
        let tail = fixed_tail(&memo, Lang::Zh).expect("the memo has disclosures");
        assert!(tail.contains("风险揭示与声明"));
        assert!(check_edit(&memo, &memo, Lang::Zh).is_ok());
        let above = memo.replacen("客户概况", "客户概况（已核对）", 1);
        assert!(check_edit(&memo, &above, Lang::Zh).is_ok());
        assert!(check_edit(&memo, "", Lang::Zh).is_err());
        assert!(check_edit(&memo, &memo[..memo.len() - tail.len()], Lang::Zh).is_err());
        assert!(check_edit(&memo, &memo.replacen("【AI 辅助草稿】", "", 1), Lang::Zh).is_err());
        let last_line = tail.trim_end().rsplit('\n').next().unwrap();
        assert!(check_edit(&memo, &memo.replace(last_line, ""), Lang::Zh).is_err());
        assert!(memo.contains("BF01"));
        assert!(memo.contains("EQ01：[S4]"));
        assert!(memo.contains(risk_disclosure(Rating::R2, Lang::Zh)));
        assert!(memo.contains("过往业绩不代表未来表现"));
        assert!(memo.contains("管理费率：0.80%/年"));
        // Products eligible but not proposed are named once (none here: both lists are short).
        assert!(memo.matches("另有适合但本次未列入建议的产品").count() <= 1);
    }

    #[test]
    fn no_recommendation_memo_states_s20() {
        let shelf = [product("EQ01", Rating::R4)];
        let profile = client(RiskLevel::C2);
        let request = DraftRequest::new(Lang::En, date!(2026 - 11 - 29));
        let policy = Policy::default();
        let a = assess(&profile, &shelf, &request, &policy);
        let memo = render(&MemoInput {
            profile: &profile,
            shelf: &shelf,
            assessment: &a,
            request: &request,
            policy: &policy,
            rationale: "",
            overrides: &[],
            citations: &[],
            provenance: None,
        });
        assert!(memo.contains("No recommendation."));
        assert!(memo.contains("[S20]"));
        assert!(memo.contains("[S4]"));
    }
}
