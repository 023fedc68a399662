//! The suitability gate (适当性匹配): which products may be proposed to a client, what the draft
//! must carry, and why the other products may not be proposed. Deterministic: the same profile,
//! shelf, request, policy and day give the same result.
//!
//! The settings and each rule's effect come from the rule pack ([`crate::rulepack`],
//! `assets/rules/pack.toml`). Checks, in order:
//!
//! | id  | check | effect |
//! |-----|-------|--------|
//! | S1  | effective rating = max(issuer, seller) | compute |
//! | S2  | no risk assessment on file | block the client |
//! | S3  | assessment older than `assessment_validity_months`, dated in the future, or profile changed after it | block the client |
//! | S18 | contradictory questionnaire answers | warn (client-level; or block per pack) |
//! | S5  | lowest-category client: only R1 (checked before S4, no override, not even S6) | exclude |
//! | S4  | effective rating above the client's level (R > C) — unless the client asked for it (S6) | exclude |
//! | S6  | client-initiated product above the level | eligible, requires special warning, confirmation, supervisor approval |
//! | S12 | qualified-investor entry not met, amount below the minimum or in another currency, minimum above the assets | exclude |
//! | S7  | lock-up longer than the horizon; lock-up with a high liquidity need; objective more aggressive by more than one step | exclude (or warn per pack) |
//! | S8  | amount above `max_share_of_assets_pct` of investable assets | exclude; above `concentration_warn_pct`: warn |
//! | S9  | age ≥ `elderly_age` and a proposed product ≥ `high_risk_rating` | requires the special-care path |
//! | S10 | ordinary investor and a proposed product ≥ `high_risk_rating` | requires the special-care checklist |
//! | S11 | proposed private product | requires the cooling-off statement (≥ `cooling_off_min_hours`) |
//! | S15 | any product proposed | requires the disclosures (the memo carries them) |
//! | S16 | channel in `dual_recording_channels` and a product proposed | requires the recording id or "pending 双录" |
//! | S19 | EU pack and a product proposed | requires the EU report contents |
//! | S21 | US pack and a product proposed | requires the Reg BI care record |
//! | S20 | nothing eligible | "no recommendation" with the reasons |
//! | S24 | overrides name a raised *warn* and a pack reason code | [`check_overrides`] |
//! | S17 | a product's rating changes | [`recheck_after_rating_change`] |
//! | S22 | approver ≠ drafter, role supervisor | [`check_approver`] |
//! | S23 | retention | [`retain_until`] |
//!
//! Sources: CSRC 证券期货投资者适当性管理办法 (2016, amended 2022) Arts. 6, 18–24, 32; NFRA
//! 金融机构产品适当性管理办法 (Order 2025 No. 7) Arts. 12–14; CBIRC 商业银行理财业务监督管理办法 (2018)
//! Art. 26 (qualified investors: financial assets ≥ CNY 3 million or income ≥ CNY 400 000 a year,
//! and ≥ 2 years' experience — our `qualified_*` policy settings); EU Delegated Reg. 2017/565
//! Art. 54; FINRA Rule 2111; SEC Reg BI.
//!
//! Each excluded product carries the *first* rule, in the order of the table, that excludes it.

use crate::money::Money;
use crate::parse::months_between;
use crate::product::{Liquidity, Offering, Product};
use crate::profile::{ClientProfile, InvestorClass, LiquidityNeed, LossTolerance};
use crate::rulepack::{Effect, Jurisdiction, OverrideReason};
use crate::{Lang, Rating, RiskLevel};
use copilot_protocol::{
    rules, EligibleProduct, ExcludedProduct, Override, Requirement, RuleFinding, RuleId,
};
use rust_decimal::Decimal;
use std::collections::BTreeMap;
use time::Date;

/// Policy settings and rule effects of the rule pack ([`crate::rulepack::RulePack`] loads them
/// from `assets/rules/pack.toml`; `Default` is the same as the shipped pack, a test keeps them equal).
#[derive(Debug, Clone, PartialEq)]
pub struct Policy {
    /// Version of the rule pack these settings belong to (`id@version`).
    pub rules_version: String,
    /// Jurisdiction: EU adds S19, US adds S21.
    pub jurisdiction: Jurisdiction,
    /// An assessment this many months old or older is expired (S3). Default 12.
    pub assessment_validity_months: u32,
    /// Amount above this percentage of investable assets is excluded (S8, block). Default 100.
    pub max_share_of_assets_pct: Decimal,
    /// Amount above this percentage of investable assets is warned about (S8, warn). Default 50.
    pub concentration_warn_pct: Decimal,
    /// Qualified investor: minimum financial assets, in CNY (S12). Default 3 000 000.
    pub qualified_min_assets_cny: Decimal,
    /// Qualified investor: minimum years of experience (S12). Default 2.
    pub qualified_min_experience_years: u32,
    /// Age from which the elderly special-care path applies (S9). Default 65.
    pub elderly_age: u32,
    /// Products rated this or higher are high-risk (S9, S10). Default R4.
    pub high_risk_rating: Rating,
    /// Consideration time offered to elderly clients, hours (S9). Default 48.
    pub elderly_consideration_hours: u32,
    /// Minimum cooling-off period for private products, hours (S11). Default 24.
    pub cooling_off_min_hours: u32,
    /// Sales channels under dual recording (S16). Default `["branch"]`.
    pub dual_recording_channels: Vec<String>,
    /// Years an approved record is kept (S23). Default 20.
    pub retention_years: u32,
    /// How many of the eligible products the memo proposes. Default 3.
    pub max_proposals: usize,
    /// S18: "no loss acceptable" contradicts a stated maximum loss above this percentage. Default 10.
    pub no_loss_max_loss_pct: u32,
    /// S18: "small losses only" contradicts a stated maximum loss above this percentage. Default 50.
    pub small_loss_max_loss_pct: u32,
    /// S18: "no loss acceptable" contradicts a risk level above this. Default C3.
    pub no_loss_max_risk_level: RiskLevel,
    /// Each rule's effect.
    pub effects: BTreeMap<RuleId, Effect>,
    /// Reason codes an override may give (S24).
    pub override_reasons: Vec<OverrideReason>,
}

impl Default for Policy {
    fn default() -> Self {
        let reason = |code: &str, zh: &str, en: &str| OverrideReason {
            code: code.into(),
            zh: zh.into(),
            en: en.into(),
        };
        Policy {
            rules_version: "cn-retail@2026.11.2".to_string(),
            jurisdiction: Jurisdiction::CN,
            assessment_validity_months: 12,
            max_share_of_assets_pct: Decimal::new(100, 0),
            concentration_warn_pct: Decimal::new(50, 0),
            qualified_min_assets_cny: Decimal::new(3_000_000, 0),
            qualified_min_experience_years: 2,
            elderly_age: 65,
            high_risk_rating: Rating::R4,
            elderly_consideration_hours: 48,
            cooling_off_min_hours: 24,
            dual_recording_channels: vec!["branch".into()],
            retention_years: 20,
            max_proposals: 3,
            no_loss_max_loss_pct: 10,
            small_loss_max_loss_pct: 50,
            no_loss_max_risk_level: RiskLevel::C3,
            effects: crate::rulepack::default_effects(),
            override_reasons: vec![
                reason(
                    "CLIENT_CONFIRMED_CAPACITY",
                    "客户书面确认其资金安排与承受能力",
                    "Client confirmed in writing their funding and capacity for loss",
                ),
                reason(
                    "DIVERSIFIED_ELSEWHERE",
                    "客户在他行另有分散配置，已核实",
                    "Client holds verified diversified assets elsewhere",
                ),
                reason(
                    "QUESTIONNAIRE_CLARIFIED",
                    "已与客户当面澄清问卷答案",
                    "Questionnaire answers clarified with the client in person",
                ),
                reason(
                    "SUPERVISOR_INSTRUCTED",
                    "经主管指示",
                    "Instructed by the branch supervisor",
                ),
            ],
        }
    }
}

impl Policy {
    /// The rule's effect in this pack.
    pub fn effect(&self, rule: RuleId) -> Effect {
        self.effects
            .get(&rule)
            .copied()
            .unwrap_or_else(|| crate::rulepack::default_effects()[&rule])
    }
}

/// What the advisor asks for.
#[derive(Debug, Clone, PartialEq)]
pub struct DraftRequest {
    /// Amount to invest, if given.
    pub amount: Option<Money>,
    /// The client's goal in the advisor's words (untrusted text; never changes eligibility).
    pub goal: Option<String>,
    /// Memo language.
    pub lang: Lang,
    /// The day of the assessment (rules are evaluated as of this date).
    pub today: Date,
    /// Products the client asked for on their own initiative (S6).
    pub client_initiated: Vec<String>,
    /// Sales channel, e.g. `branch` or `remote` (S16).
    pub channel: String,
    /// Dual-recording (双录) reference, if already made (S16).
    pub recording_id: Option<String>,
    /// Overrides of warnings with reason codes (S24); see [`check_overrides`].
    pub overrides: Vec<Override>,
}

impl DraftRequest {
    /// A request with no amount, goal, client-initiated products or overrides, on the `branch`
    /// channel.
    pub fn new(lang: Lang, today: Date) -> Self {
        DraftRequest {
            amount: None,
            goal: None,
            lang,
            today,
            client_initiated: Vec::new(),
            channel: "branch".into(),
            recording_id: None,
            overrides: Vec::new(),
        }
    }
}

/// The gate's result.
#[derive(Debug, Clone, PartialEq)]
pub struct Assessment {
    /// Client-level blocks (S2, S3, S18 when the pack blocks). When non-empty, `eligible` is empty.
    pub blocks: Vec<RuleFinding>,
    /// Client-level warnings (S18).
    pub warnings: Vec<RuleFinding>,
    /// Eligible products, best fit first (client-initiated ones first, ties by product code).
    pub eligible: Vec<EligibleProduct>,
    /// Excluded products, in shelf order, each with its first excluding rule.
    pub excluded: Vec<ExcludedProduct>,
    /// S20 finding when nothing is eligible.
    pub no_recommendation: Option<RuleFinding>,
    /// What the draft and the workflow must carry (S6, S9, S10, S11, S15, S16, S19, S21), for the
    /// proposed products.
    pub requirements: Vec<Requirement>,
    /// Codes of the products the memo proposes.
    pub proposed: Vec<String>,
}

impl Assessment {
    /// True when at least one product may be proposed.
    pub fn has_recommendation(&self) -> bool {
        !self.eligible.is_empty()
    }

    /// Every warning raised: client-level ones (product `None`) and product ones.
    pub fn all_warnings(&self) -> Vec<(Option<&str>, &RuleFinding)> {
        let mut out: Vec<(Option<&str>, &RuleFinding)> =
            self.warnings.iter().map(|w| (None, w)).collect();
        for e in &self.eligible {
            out.extend(
                e.warnings
                    .iter()
                    .map(|w| (Some(e.product_code.as_str()), w)),
            );
        }
        out
    }

    /// Warnings not covered by one of `overrides` (S24). A draft with any cannot be submitted.
    pub fn unresolved_warnings<'a>(
        &'a self,
        overrides: &[Override],
    ) -> Vec<(Option<&'a str>, &'a RuleFinding)> {
        self.all_warnings()
            .into_iter()
            .filter(|(code, w)| {
                !overrides
                    .iter()
                    .any(|o| o.rule_id == w.rule_id && o.product_code.as_deref() == *code)
            })
            .collect()
    }
}

fn t(lang: Lang, zh: String, en: String) -> String {
    match lang {
        Lang::Zh => zh,
        Lang::En => en,
    }
}

/// Runs the suitability gate.
///
/// `shelf` order is kept for `excluded`; `eligible` is ranked by [`fit_score`]. Never fails: every
/// product ends up either eligible or excluded with a rule id. Overrides in the request are not
/// checked here — call [`check_overrides`] first and refuse the request when it fails.
pub fn assess(
    profile: &ClientProfile,
    shelf: &[Product],
    request: &DraftRequest,
    policy: &Policy,
) -> Assessment {
    let lang = request.lang;
    let mut blocks = client_blocks(profile, request, policy);
    let mut warnings = Vec::new();
    if blocks.is_empty() {
        for finding in questionnaire_contradictions(profile, policy, lang) {
            if policy.effect(rules::S18) == Effect::Block {
                blocks.push(finding);
            } else {
                warnings.push(finding);
            }
        }
    }
    let mut eligible = Vec::new();
    let mut excluded = Vec::new();

    for product in shelf {
        if let Some(block) = blocks.first() {
            excluded.push(ExcludedProduct {
                product_code: product.product_code.clone(),
                rule_id: block.rule_id,
                reason: block.message.clone(),
            });
            continue;
        }
        // With no block, the risk level is present.
        let level = profile.risk_level.unwrap_or(RiskLevel::C1);
        match product_check(profile, level, product, request, policy) {
            Err(ex) => excluded.push(ex),
            Ok(check) => eligible.push(eligible_entry(profile, level, product, request, check)),
        }
    }
    eligible.sort_by(|a, b| {
        b.client_initiated
            .cmp(&a.client_initiated)
            .then_with(|| b.score.cmp(&a.score))
            .then_with(|| a.product_code.cmp(&b.product_code))
    });

    let no_recommendation = eligible
        .is_empty()
        .then(|| no_recommendation(&excluded, lang));
    let proposed: Vec<String> = eligible
        .iter()
        .take(
            policy
                .max_proposals
                .max(eligible.iter().filter(|e| e.client_initiated).count()),
        )
        .map(|e| e.product_code.clone())
        .collect();
    let requirements = requirements(profile, shelf, &eligible, &proposed, request, policy);

    Assessment {
        blocks,
        warnings,
        eligible,
        excluded,
        no_recommendation,
        requirements,
        proposed,
    }
}

fn no_recommendation(excluded: &[ExcludedProduct], lang: Lang) -> RuleFinding {
    let mut counts: Vec<(String, usize)> = Vec::new();
    for e in excluded {
        let id = e.rule_id.to_string();
        match counts.iter_mut().find(|(r, _)| *r == id) {
            Some((_, n)) => *n += 1,
            None => counts.push((id, 1)),
        }
    }
    let summary = |lang| {
        counts
            .iter()
            .map(|(r, n)| match lang {
                Lang::Zh => format!("{n} 个产品因 {r} 排除"),
                Lang::En => format!("{n} excluded by {r}"),
            })
            .collect::<Vec<_>>()
            .join(match lang {
                Lang::Zh => "，",
                Lang::En => ", ",
            })
    };
    RuleFinding {
        rule_id: rules::S20,
        message: t(
            lang,
            format!("无适合该客户的产品，不作推荐（{}）。", summary(Lang::Zh)),
            format!(
                "No product on the shelf is suitable for this client; no recommendation ({}).",
                summary(Lang::En)
            ),
        ),
    }
}

/// Client-level checks: S2 (no assessment) and S3 (expired or stale assessment).
fn client_blocks(
    profile: &ClientProfile,
    request: &DraftRequest,
    policy: &Policy,
) -> Vec<RuleFinding> {
    let lang = request.lang;
    let (Some(_level), Some(assessed)) = (profile.risk_level, profile.assessment_date) else {
        return vec![RuleFinding {
            rule_id: rules::S2,
            message: t(
                lang,
                "客户没有有效的风险测评记录，须先完成风险测评，不得先销售后测评。".into(),
                "No risk assessment on file; the client must be assessed before any recommendation.".into(),
            ),
        }];
    };
    let mut out = Vec::new();
    let age_months = months_between(assessed, request.today);
    if assessed > request.today || age_months >= policy.assessment_validity_months {
        out.push(RuleFinding {
            rule_id: rules::S3,
            message: t(
                lang,
                format!("风险测评日期 {assessed} 已超过 {} 个月有效期（或晚于今日），须重新测评。", policy.assessment_validity_months),
                format!(
                    "The risk assessment of {assessed} is older than the {}-month validity (or dated in the future); reassess first.",
                    policy.assessment_validity_months
                ),
            ),
        });
    } else if let Some(changed) = profile.profile_updated {
        if changed > assessed {
            out.push(RuleFinding {
                rule_id: rules::S3,
                message: t(
                    lang,
                    format!("客户资料于 {changed} 变更，晚于风险测评日期 {assessed}，须重新测评。"),
                    format!("The profile changed on {changed}, after the assessment of {assessed}; reassess first."),
                ),
            });
        }
    }
    out
}

/// S18: contradictory questionnaire answers (e.g. "no loss acceptable" with "can bear > 50 % loss").
///
/// Contradictions checked, with the pack's thresholds: tolerance *none* with a stated maximum
/// loss above `no_loss_max_loss_pct`; tolerance *small* with a maximum loss above
/// `small_loss_max_loss_pct`; tolerance *none* with a risk level above `no_loss_max_risk_level`.
pub fn questionnaire_contradictions(
    profile: &ClientProfile,
    policy: &Policy,
    lang: Lang,
) -> Vec<RuleFinding> {
    let mut out = Vec::new();
    let finding = |zh: String, en: String| RuleFinding {
        rule_id: rules::S18,
        message: t(lang, zh, en),
    };
    match (profile.loss_tolerance, profile.max_loss_pct) {
        (Some(LossTolerance::NoLoss), Some(max)) if max > policy.no_loss_max_loss_pct => {
            out.push(finding(
                format!("问卷答案矛盾：客户选择“不能接受亏损”，又表示可承受 {max}% 的亏损；须复核问卷。"),
                format!("Contradictory answers: \"no loss acceptable\" but a maximum loss of {max}%; review the questionnaire."),
            ))
        }
        (Some(LossTolerance::Small), Some(max)) if max > policy.small_loss_max_loss_pct => {
            out.push(finding(
                format!("问卷答案矛盾：客户选择“仅能接受小幅亏损”，又表示可承受 {max}% 的亏损；须复核问卷。"),
                format!("Contradictory answers: \"small losses only\" but a maximum loss of {max}%; review the questionnaire."),
            ))
        }
        _ => {}
    }
    if let (Some(LossTolerance::NoLoss), Some(level)) = (profile.loss_tolerance, profile.risk_level)
    {
        if level > policy.no_loss_max_risk_level {
            out.push(finding(
                format!("问卷答案矛盾：客户选择“不能接受亏损”，风险等级却为{level}；须复核问卷。"),
                format!("Contradictory answers: \"no loss acceptable\" with risk level {level}; review the questionnaire."),
            ));
        }
    }
    out
}

fn is_qualified(profile: &ClientProfile, policy: &Policy) -> bool {
    if profile.investor_class == InvestorClass::Professional {
        return true;
    }
    let assets_ok = profile.investable_assets.currency == crate::Currency::CNY
        && profile.investable_assets.amount >= policy.qualified_min_assets_cny;
    assets_ok && profile.experience_years >= policy.qualified_min_experience_years
}

/// An eligible product's path and warnings.
struct Passed {
    client_initiated: bool,
    warnings: Vec<RuleFinding>,
}

/// The first rule that excludes `product` for this client, in the order S5, S4 (S6), S12, S7, S8;
/// or the warnings of an eligible product.
fn product_check(
    profile: &ClientProfile,
    level: RiskLevel,
    product: &Product,
    request: &DraftRequest,
    policy: &Policy,
) -> Result<Passed, ExcludedProduct> {
    let lang = request.lang;
    let rating = product.effective_rating();
    let code = &product.product_code;
    let exclude = |rule_id, reason: String| {
        Err(ExcludedProduct {
            product_code: code.clone(),
            rule_id,
            reason,
        })
    };
    let mut warnings = Vec::new();

    // S5 before S4: for a lowest-category client the binding rule is "R1 only", with no override.
    if profile.lowest_category && rating > Rating::R1 {
        return exclude(
            rules::S5,
            t(
                lang,
                format!("最低风险承受能力类别客户只能购买R1产品；该产品为{rating}。"),
                format!("Lowest-category client: R1 products only; this product is {rating}."),
            ),
        );
    }
    let asked = request
        .client_initiated
        .iter()
        .any(|c| c.eq_ignore_ascii_case(code));
    let above = rating.as_number() > level.as_number();
    if above && !asked {
        return exclude(
            rules::S4,
            t(
                lang,
                format!("产品风险等级{rating}高于客户风险等级{level}，不得主动推荐。"),
                format!("Product rating {rating} is above the client's risk level {level}; it may not be recommended."),
            ),
        );
    }

    // S12: entry requirements and the minimum subscription.
    if product.qualified_investor_only && !is_qualified(profile, policy) {
        return exclude(
            rules::S12,
            t(
                lang,
                "仅限合格投资者，客户不满足合格投资者条件。".into(),
                "Qualified investors only; the client does not meet the qualified-investor requirements.".into(),
            ),
        );
    }
    let min = product.min_subscription;
    match request.amount {
        Some(amount) if amount.currency != min.currency => {
            return exclude(
                rules::S12,
                t(
                    lang,
                    format!(
                        "产品以{}认购，申请金额为{}。",
                        min.currency, amount.currency
                    ),
                    format!(
                        "The product subscribes in {}; the requested amount is in {}.",
                        min.currency, amount.currency
                    ),
                ),
            );
        }
        Some(amount) if amount.amount < min.amount => {
            return exclude(
                rules::S12,
                t(
                    lang,
                    format!(
                        "申请金额 {} 低于起购金额 {}。",
                        amount.display(),
                        min.display()
                    ),
                    format!(
                        "The amount {} is below the minimum subscription {}.",
                        amount.display(),
                        min.display()
                    ),
                ),
            );
        }
        None if min.currency != profile.investable_assets.currency => {
            return exclude(
                rules::S12,
                t(
                    lang,
                    format!(
                        "产品以{}认购，客户资产为{}。",
                        min.currency, profile.investable_assets.currency
                    ),
                    format!(
                        "The product subscribes in {}; the client's assets are in {}.",
                        min.currency, profile.investable_assets.currency
                    ),
                ),
            );
        }
        None if min.amount > profile.investable_assets.amount => {
            return exclude(
                rules::S12,
                t(
                    lang,
                    format!("起购金额 {} 高于客户可投资资产。", min.display()),
                    format!(
                        "The minimum subscription {} exceeds the client's investable assets.",
                        min.display()
                    ),
                ),
            );
        }
        _ => {}
    }

    // S7: term, liquidity and objective fit (block, or warn when the pack says so).
    let s7_blocks = policy.effect(rules::S7) != Effect::Warn;
    let mut s7 = |reason: String| -> Result<(), ExcludedProduct> {
        if s7_blocks {
            exclude(rules::S7, reason).map(|_: Passed| ())
        } else {
            warnings.push(RuleFinding {
                rule_id: rules::S7,
                message: reason,
            });
            Ok(())
        }
    };
    let lockup = product.lockup();
    if let Some(horizon) = profile.horizon_months {
        if lockup > horizon {
            s7(t(
                lang,
                format!("产品封闭期 {lockup} 个月，长于客户资金可投资期限 {horizon} 个月。"),
                format!("The product locks money up for {lockup} months, longer than the client's horizon of {horizon} months."),
            ))?;
        }
    }
    if profile.liquidity_need == LiquidityNeed::High && lockup > 0 {
        s7(t(
            lang,
            format!("客户流动性需求高，产品有 {lockup} 个月封闭期。"),
            format!("The client needs high liquidity; the product has a {lockup}-month lock-up."),
        ))?;
    }
    if product.objective.rank() > profile.objective.rank() + 1 {
        s7(t(
            lang,
            format!(
                "产品目标（{}）与客户投资目标（{}）不符。",
                product.objective, profile.objective
            ),
            format!(
                "The product's objective ({}) does not fit the client's objective ({}).",
                product.objective, profile.objective
            ),
        ))?;
    }

    // S8: amount against financial capacity. An amount in another currency than the client's
    // assets cannot be measured against them (no exchange rates here): capacity is unverified,
    // so the product is excluded rather than let through unchecked.
    if let Some(amount) = request.amount {
        if amount.currency != profile.investable_assets.currency {
            return exclude(
                rules::S8,
                t(
                    lang,
                    format!(
                        "申请金额以{}计，客户可投资资产以{}计，无法核对金额与财务状况是否相称。",
                        amount.currency, profile.investable_assets.currency
                    ),
                    format!(
                        "The amount is in {} and the client's investable assets in {}; the amount cannot be checked against financial capacity.",
                        amount.currency, profile.investable_assets.currency
                    ),
                ),
            );
        }
        if let Some(share) = share_of_assets_pct(profile, &amount) {
            if share > policy.max_share_of_assets_pct {
                return exclude(
                    rules::S8,
                    t(
                        lang,
                        format!(
                            "申请金额占客户可投资资产的 {}%，超过上限 {}%。",
                            share.round_dp(1),
                            policy.max_share_of_assets_pct
                        ),
                        format!(
                            "The amount is {}% of the client's investable assets, above the {}% cap.",
                            share.round_dp(1),
                            policy.max_share_of_assets_pct
                        ),
                    ),
                );
            }
            if share > policy.concentration_warn_pct {
                warnings.push(RuleFinding {
                    rule_id: rules::S8,
                    message: t(
                        lang,
                        format!(
                            "申请金额占可投资资产 {}%，高于集中度提示线 {}%。",
                            share.round_dp(1),
                            policy.concentration_warn_pct
                        ),
                        format!(
                            "The amount is {}% of investable assets, above the {}% concentration warning line.",
                            share.round_dp(1),
                            policy.concentration_warn_pct
                        ),
                    ),
                });
            }
        }
    }
    Ok(Passed {
        client_initiated: above && asked,
        warnings,
    })
}

/// Amount as a percentage of investable assets, when both are in the same currency and assets > 0.
fn share_of_assets_pct(profile: &ClientProfile, amount: &Money) -> Option<Decimal> {
    let assets = profile.investable_assets;
    if assets.currency != amount.currency {
        return None;
    }
    if assets.amount <= Decimal::ZERO {
        return Some(Decimal::MAX);
    }
    Some(amount.amount * Decimal::ONE_HUNDRED / assets.amount)
}

/// Fit score 0–100 for an eligible product (higher is better). Deterministic; the weights are
/// product policy, not regulation: rating close to (but not above) the client's level 40, objective
/// match 30, liquidity match 20, lock-up well inside the horizon 10.
pub fn fit_score(profile: &ClientProfile, level: RiskLevel, product: &Product) -> u32 {
    let gap = level
        .as_number()
        .saturating_sub(product.effective_rating().as_number()) as u32;
    let rating_part = 40u32.saturating_sub(gap * 10);
    let obj_gap =
        (product.objective.rank() as i32 - profile.objective.rank() as i32).unsigned_abs();
    let objective_part = 30u32.saturating_sub(obj_gap * 15);
    let liquidity_part = match (profile.liquidity_need, product.liquidity) {
        (LiquidityNeed::High, Liquidity::Open) => 20,
        (LiquidityNeed::High, _) => 0,
        (LiquidityNeed::Medium, Liquidity::Closed) => 10,
        (LiquidityNeed::Medium, _) => 20,
        (LiquidityNeed::Low, _) => 20,
    };
    let horizon_part = match profile.horizon_months {
        Some(h) if product.lockup_months * 2 <= h => 10,
        Some(_) => 5,
        None => 5,
    };
    rating_part + objective_part + liquidity_part + horizon_part
}

fn eligible_entry(
    profile: &ClientProfile,
    level: RiskLevel,
    product: &Product,
    request: &DraftRequest,
    passed: Passed,
) -> EligibleProduct {
    let lang = request.lang;
    let rating = product.effective_rating();
    let mut reasons = vec![if passed.client_initiated {
        t(
            lang,
            format!("客户主动要求购买；产品风险等级{rating}高于客户风险等级{level}，须履行特别风险警示与主管审批（S6）。"),
            format!("Requested by the client; rating {rating} is above the client's level {level}, so the special warning and supervisor approval apply (S6)."),
        )
    } else {
        t(
            lang,
            format!("产品风险等级{rating}不高于客户风险等级{level}。"),
            format!("Product rating {rating} is within the client's risk level {level}."),
        )
    }];
    if product.objective == profile.objective {
        reasons.push(t(
            lang,
            format!(
                "产品目标与客户投资目标（{}）一致。",
                crate::memo::objective_zh(profile.objective)
            ),
            format!(
                "The product's objective matches the client's ({}).",
                profile.objective
            ),
        ));
    }
    match (product.liquidity, product.lockup_months) {
        (Liquidity::Open, 0) => reasons.push(t(
            lang,
            "开放式产品，可随时赎回，符合流动性需要。".into(),
            "Open-ended and redeemable at any time, which fits the liquidity need.".into(),
        )),
        (_, lockup) => {
            if let Some(h) = profile.horizon_months {
                reasons.push(t(
                    lang,
                    format!("封闭期 {lockup} 个月，在客户投资期限 {h} 个月之内。"),
                    format!("The {lockup}-month lock-up is within the client's {h}-month horizon."),
                ));
            }
        }
    }
    EligibleProduct {
        product_code: product.product_code.clone(),
        name: product.name(lang).to_string(),
        rating,
        score: fit_score(profile, level, product),
        reasons,
        warnings: passed.warnings,
        client_initiated: passed.client_initiated,
    }
}

fn requirement(
    rule_id: RuleId,
    product: Option<&str>,
    items: &[&str],
    text: String,
) -> Requirement {
    Requirement {
        rule_id,
        product_code: product.map(str::to_string),
        items: items.iter().map(|s| s.to_string()).collect(),
        text,
    }
}

/// The requirements for the proposed products (S6, S9, S10, S11, S15, S16, S19, S21).
fn requirements(
    profile: &ClientProfile,
    shelf: &[Product],
    eligible: &[EligibleProduct],
    proposed: &[String],
    request: &DraftRequest,
    policy: &Policy,
) -> Vec<Requirement> {
    let lang = request.lang;
    let mut out = Vec::new();
    if proposed.is_empty() {
        return out;
    }
    let age = profile.age_on(request.today);
    for code in proposed {
        let Some(e) = eligible.iter().find(|e| &e.product_code == code) else {
            continue;
        };
        let Some(p) = shelf.iter().find(|p| &p.product_code == code) else {
            continue;
        };
        let rating = e.rating;
        if e.client_initiated {
            out.push(requirement(
                rules::S6,
                Some(code),
                &["client_initiative_record", "special_risk_warning", "client_confirmation", "supervisor_approval"],
                t(
                    lang,
                    format!("{code}：客户主动要求购买高于其风险等级的产品——记录客户主动意愿，出具特别书面风险警示，取得客户签字确认，并经主管审批。"),
                    format!("{code}: the client asked for a product above their level — record the client's initiative, give the special written risk warning, obtain the client's signed confirmation and supervisor approval."),
                ),
            ));
        }
        let high_risk = rating >= policy.high_risk_rating;
        if high_risk && age.is_some_and(|a| a >= policy.elderly_age) {
            let hours = policy.elderly_consideration_hours;
            out.push(requirement(
                rules::S9,
                Some(code),
                &["plain_language_summary", "consideration_period", "supervisor_approval"],
                t(
                    lang,
                    format!("{code}：客户年满{}岁且产品为{rating}，适用老年客户特别关注流程——提供通俗易懂的产品要点说明，给予不少于{hours}小时的考虑时间，并经主管审批。", policy.elderly_age),
                    format!("{code}: the client is {} or older and the product is {rating} — special-care path: a plain-language summary, at least {hours} hours to consider, and supervisor approval.", policy.elderly_age),
                ),
            ));
        }
        if high_risk && profile.investor_class == InvestorClass::Ordinary {
            out.push(requirement(
                rules::S10,
                Some(code),
                &["special_care_checklist"],
                t(
                    lang,
                    format!("{code}：普通投资者购买{rating}高风险产品，须完成特别注意义务核对清单（风险揭示、客户确认、经验核实）。"),
                    format!("{code}: an ordinary investor buying a {rating} high-risk product — complete the special-care checklist (risk disclosure, client confirmation, experience check)."),
                ),
            ));
        }
        if p.offering == Offering::Private {
            let hours = p.cooling_off_hours.max(policy.cooling_off_min_hours);
            out.push(requirement(
                rules::S11,
                Some(code),
                &["cooling_off"],
                t(
                    lang,
                    format!("{code}：私募产品，须告知并给予不少于{hours}小时的投资冷静期，冷静期内回访确认。"),
                    format!("{code}: private product — state and allow a cooling-off period of at least {hours} hours, with a confirmation call within it."),
                ),
            ));
        }
    }
    out.push(requirement(
        rules::S15,
        None,
        &["disclosures"],
        t(
            lang,
            "草稿须载明：按产品评级的风险揭示、适当性匹配意见、过往业绩声明、AI辅助生成标识。".into(),
            "The draft carries the risk disclosure per rating, the matching statement, the past-performance disclaimer and the AI-assisted label.".into(),
        ),
    ));
    if policy
        .dual_recording_channels
        .iter()
        .any(|c| c.eq_ignore_ascii_case(request.channel.trim()))
    {
        let text = match request.recording_id.as_deref().map(str::trim) {
            Some(id) if !id.is_empty() => t(
                lang,
                format!("网点销售适用双录，录音录像编号：{id}。"),
                format!("Branch sale under dual recording; recording id {id}."),
            ),
            _ => t(
                lang,
                "网点销售适用双录：待双录（pending 双录），完成后补录编号。".into(),
                "Branch sale under dual recording: pending 双录; add the recording id when made."
                    .into(),
            ),
        };
        out.push(requirement(
            rules::S16,
            None,
            &["recording_reference"],
            text,
        ));
    }
    match policy.jurisdiction {
        Jurisdiction::EU => out.push(requirement(
            rules::S19,
            None,
            &["eu_suitability_report"],
            t(
                lang,
                "欧盟适当性报告：说明与客户目标、期限、知识经验、风险态度及损失承受能力的匹配，定期复核安排及费用。".into(),
                "EU suitability report: how the recommendation fits the client's objectives, horizon, knowledge and experience, risk attitude and capacity for loss; the periodic-review arrangement; costs.".into(),
            ),
        )),
        Jurisdiction::US => out.push(requirement(
            rules::S21,
            None,
            &["reg_bi_care_record"],
            t(
                lang,
                "Reg BI 注意义务：记录已考虑的备选产品及费用比较。".into(),
                "Reg BI care obligation: record the alternatives considered and the cost comparison.".into(),
            ),
        )),
        Jurisdiction::CN => {}
    }
    out
}

/// Checks the request's overrides (S24): each must name a *warning* raised in `assessment` (on
/// its product, or client-level with no product) whose rule's effect in the pack is `warn` or
/// `block_or_warn`, and a reason code of the pack. Anything else — an override of a block (S4,
/// S5, S7 when blocking, S12, S2, S3 …), of a warning not raised, or with an unknown reason code —
/// refuses the whole request.
///
/// # Errors
/// An S24 finding naming the offending override.
pub fn check_overrides(
    assessment: &Assessment,
    overrides: &[Override],
    policy: &Policy,
    lang: Lang,
) -> Result<(), RuleFinding> {
    for o in overrides {
        let target = match &o.product_code {
            Some(c) => format!("{} / {c}", o.rule_id),
            None => o.rule_id.to_string(),
        };
        let refuse = |zh: String, en: String| {
            Err(RuleFinding {
                rule_id: rules::S24,
                message: t(lang, zh, en),
            })
        };
        if !policy
            .override_reasons
            .iter()
            .any(|r| r.code == o.reason_code)
        {
            return refuse(
                format!(
                    "例外处理 {target} 的原因代码 {:?} 不在规则包中。",
                    o.reason_code
                ),
                format!(
                    "Override {target}: reason code {:?} is not in the rule pack.",
                    o.reason_code
                ),
            );
        }
        let effect = policy.effect(o.rule_id);
        if !matches!(effect, Effect::Warn | Effect::BlockOrWarn) {
            return refuse(
                format!(
                    "{} 的效力为 {effect}，不可覆盖；只有提示类规则可附原因代码覆盖（S24）。",
                    o.rule_id
                ),
                format!(
                    "{} has effect {effect} and cannot be overridden; only warnings can (S24).",
                    o.rule_id
                ),
            );
        }
        let raised = assessment
            .all_warnings()
            .iter()
            .any(|(code, w)| w.rule_id == o.rule_id && *code == o.product_code.as_deref());
        if !raised {
            return refuse(
                format!("例外处理 {target}：本次没有该提示，不能覆盖。"),
                format!("Override {target}: no such warning was raised in this draft."),
            );
        }
    }
    Ok(())
}

/// S22: the approver is not the drafter and holds the supervisor role (maker–checker).
///
/// # Errors
/// An S22 finding saying which condition failed.
pub fn check_approver(
    drafter: &str,
    approver: &str,
    approver_role: &str,
    lang: Lang,
) -> Result<(), RuleFinding> {
    let refuse = |zh: &str, en: &str| {
        Err(RuleFinding {
            rule_id: copilot_protocol::rules::S22,
            message: t(lang, zh.into(), en.into()),
        })
    };
    if drafter.trim().eq_ignore_ascii_case(approver.trim()) {
        return refuse(
            "审批人不得为起草人。",
            "The approver may not be the drafter.",
        );
    }
    if !approver_role.trim().eq_ignore_ascii_case("supervisor") {
        return refuse(
            "审批人须具有主管（supervisor）角色。",
            "The approver must hold the supervisor role.",
        );
    }
    Ok(())
}

/// S23: the date until which a record made on `day` is kept (`retention_years` later; 29 February
/// becomes 28 February in a common year).
pub fn retain_until(day: Date, policy: &Policy) -> Date {
    let year = day.year() + policy.retention_years as i32;
    Date::from_calendar_date(year, day.month(), day.day())
        .or_else(|_| Date::from_calendar_date(year, day.month(), day.day() - 1))
        .unwrap_or(day)
}

/// A product whose effective rating differs between two versions of the shelf (S17).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RatingChange {
    /// Product code.
    pub product_code: String,
    /// Effective rating before.
    pub old: Rating,
    /// Effective rating after.
    pub new: Rating,
}

/// S17: products present in both shelves whose effective rating changed.
pub fn rating_changes(old: &[Product], new: &[Product]) -> Vec<RatingChange> {
    new.iter()
        .filter_map(|n| {
            let o = old.iter().find(|o| o.product_code == n.product_code)?;
            (o.effective_rating() != n.effective_rating()).then(|| RatingChange {
                product_code: n.product_code.clone(),
                old: o.effective_rating(),
                new: n.effective_rating(),
            })
        })
        .collect()
}

/// S17: whether a draft that proposed `proposed` and listed `eligible` is invalidated by
/// `changes`, and the re-match against the new shelf. Returns the first cited product whose
/// rating changed, with the rule that now excludes it (`None` = still eligible) — or `None` when
/// no product the draft cites changed.
pub fn recheck_after_rating_change(
    cited: &[String],
    changes: &[RatingChange],
    profile: &ClientProfile,
    new_shelf: &[Product],
    request: &DraftRequest,
    policy: &Policy,
) -> Option<(RatingChange, Option<RuleId>)> {
    let change = changes
        .iter()
        .find(|c| cited.iter().any(|code| code == &c.product_code))?;
    let rematch = assess(profile, new_shelf, request, policy);
    let now = rematch
        .excluded
        .iter()
        .find(|e| e.product_code == change.product_code)
        .map(|e| e.rule_id);
    Some((change.clone(), now))
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::money::Currency;
    use crate::product::{Offering, ProductType};
    use crate::profile::{CivilCapacity, LossTolerance, Objective};
    use crate::{Rating, Sensitive};
    use copilot_protocol::RuleId;
    use time::macros::date;

    pub fn cny(n: i64) -> Money {
        Money::new(Decimal::new(n, 0), Currency::CNY)
    }

    pub fn client(level: RiskLevel) -> ClientProfile {
        ClientProfile {
            client_id: "C0001".into(),
            name: Sensitive::new("测试客户"),
            id_number: None,
            birth_date: Some(date!(1980 - 01 - 01)),
            phone: None,
            investor_class: InvestorClass::Ordinary,
            risk_level: Some(level),
            lowest_category: false,
            assessment_date: Some(date!(2026 - 06 - 01)),
            questionnaire_version: Some("Q2025.1".into()),
            civil_capacity: CivilCapacity::Full,
            horizon_months: Some(36),
            liquidity_need: LiquidityNeed::Low,
            objective: Objective::Balanced,
            investable_assets: cny(1_000_000),
            annual_income: None,
            debts: None,
            experience_years: 5,
            experience_types: vec![],
            notes: None,
            profile_updated: None,
            loss_tolerance: None,
            max_loss_pct: None,
        }
    }

    pub fn product(code: &str, rating: Rating) -> Product {
        Product {
            product_code: code.into(),
            name_zh: format!("{code}产品"),
            name_en: format!("{code} product"),
            product_type: ProductType::BondFund,
            issuer_rating: rating,
            seller_rating: rating,
            term_months: 0,
            liquidity: Liquidity::Open,
            lockup_months: 0,
            min_subscription: cny(1_000),
            management_fee_pct: Decimal::new(80, 2),
            subscription_fee_pct: Decimal::ZERO,
            offering: Offering::Public,
            cooling_off_hours: 0,
            rating_date: None,
            qualified_investor_only: false,
            objective: Objective::Income,
            issuer: "示例".into(),
        }
    }

    fn req(amount: Option<i64>) -> DraftRequest {
        DraftRequest {
            amount: amount.map(cny),
            ..DraftRequest::new(Lang::En, date!(2026 - 11 - 29))
        }
    }

    fn excluded_by(a: &Assessment, code: &str) -> Option<RuleId> {
        a.excluded
            .iter()
            .find(|e| e.product_code == code)
            .map(|e| e.rule_id)
    }

    #[test]
    fn s4_c3_client_r3_allowed_r4_excluded() {
        let shelf = [product("A", Rating::R3), product("B", Rating::R4)];
        let a = assess(
            &client(RiskLevel::C3),
            &shelf,
            &req(None),
            &Policy::default(),
        );
        assert_eq!(
            a.eligible
                .iter()
                .map(|e| e.product_code.as_str())
                .collect::<Vec<_>>(),
            ["A"]
        );
        assert_eq!(excluded_by(&a, "B"), Some(rules::S4));
    }

    #[test]
    fn s1_effective_rating_is_the_higher_one() {
        let mut p = product("A", Rating::R3);
        p.seller_rating = Rating::R4;
        assert_eq!(p.effective_rating(), Rating::R4);
        let a = assess(&client(RiskLevel::C3), &[p], &req(None), &Policy::default());
        assert_eq!(excluded_by(&a, "A"), Some(rules::S4));
    }

    #[test]
    fn s5_lowest_category_r1_only_even_for_higher_level() {
        let mut c = client(RiskLevel::C1);
        c.lowest_category = true;
        let shelf = [product("A", Rating::R1), product("B", Rating::R2)];
        let a = assess(&c, &shelf, &req(None), &Policy::default());
        assert_eq!(a.eligible.len(), 1);
        assert_eq!(excluded_by(&a, "B"), Some(rules::S5));
        // The flag binds even if the level says more.
        c.risk_level = Some(RiskLevel::C4);
        let a = assess(&c, &shelf, &req(None), &Policy::default());
        assert_eq!(excluded_by(&a, "B"), Some(rules::S5));
    }

    #[test]
    fn s2_no_assessment_blocks_everything() {
        let mut c = client(RiskLevel::C3);
        c.assessment_date = None;
        let a = assess(
            &c,
            &[product("A", Rating::R1)],
            &req(None),
            &Policy::default(),
        );
        assert_eq!(a.blocks[0].rule_id, rules::S2);
        assert_eq!(excluded_by(&a, "A"), Some(rules::S2));
        assert!(a.no_recommendation.is_some());
    }

    #[test]
    fn s3_assessment_validity_edge() {
        let shelf = [product("A", Rating::R1)];
        let mut c = client(RiskLevel::C3);
        // 11 months and 30 days old: still valid.
        c.assessment_date = Some(date!(2025 - 11 - 30));
        assert!(assess(&c, &shelf, &req(None), &Policy::default())
            .blocks
            .is_empty());
        // Exactly 12 months old: expired.
        c.assessment_date = Some(date!(2025 - 11 - 29));
        let a = assess(&c, &shelf, &req(None), &Policy::default());
        assert_eq!(a.blocks[0].rule_id, rules::S3);
        assert_eq!(excluded_by(&a, "A"), Some(rules::S3));
    }

    #[test]
    fn s3_profile_changed_after_assessment() {
        let mut c = client(RiskLevel::C3);
        c.profile_updated = Some(date!(2026 - 07 - 01));
        let a = assess(
            &c,
            &[product("A", Rating::R1)],
            &req(None),
            &Policy::default(),
        );
        assert_eq!(a.blocks[0].rule_id, rules::S3);
    }

    #[test]
    fn s7_lockup_longer_than_horizon() {
        let mut p = product("A", Rating::R2);
        p.liquidity = Liquidity::Closed;
        p.lockup_months = 36;
        let mut c = client(RiskLevel::C3);
        c.horizon_months = Some(36);
        let a = assess(&c, &[p.clone()], &req(None), &Policy::default());
        assert!(a.excluded.is_empty(), "36 months fits a 36-month horizon");
        c.horizon_months = Some(35);
        let a = assess(&c, &[p], &req(None), &Policy::default());
        assert_eq!(excluded_by(&a, "A"), Some(rules::S7));
    }

    #[test]
    fn s7_high_liquidity_need_and_objective() {
        let mut p = product("A", Rating::R2);
        p.liquidity = Liquidity::Periodic;
        p.lockup_months = 3;
        let mut c = client(RiskLevel::C3);
        c.liquidity_need = LiquidityNeed::High;
        assert_eq!(
            excluded_by(&assess(&c, &[p], &req(None), &Policy::default()), "A"),
            Some(rules::S7)
        );
        let mut g = product("G", Rating::R2);
        g.objective = Objective::Growth;
        let mut c = client(RiskLevel::C3);
        c.objective = Objective::Preservation;
        assert_eq!(
            excluded_by(&assess(&c, &[g], &req(None), &Policy::default()), "G"),
            Some(rules::S7)
        );
    }

    #[test]
    fn s12_minimum_subscription_edge() {
        let mut p = product("A", Rating::R2);
        p.min_subscription = cny(50_000);
        let c = client(RiskLevel::C3);
        assert!(
            assess(&c, &[p.clone()], &req(Some(50_000)), &Policy::default())
                .excluded
                .is_empty()
        );
        let a = assess(&c, &[p], &req(Some(49_999)), &Policy::default());
        assert_eq!(excluded_by(&a, "A"), Some(rules::S12));
    }

    #[test]
    fn s12_qualified_investor_and_currency() {
        let mut p = product("P", Rating::R3);
        p.qualified_investor_only = true;
        let mut c = client(RiskLevel::C4);
        c.investable_assets = cny(2_999_999);
        assert_eq!(
            excluded_by(
                &assess(&c, &[p.clone()], &req(None), &Policy::default()),
                "P"
            ),
            Some(rules::S12)
        );
        c.investable_assets = cny(3_000_000);
        assert!(assess(&c, &[p.clone()], &req(None), &Policy::default())
            .excluded
            .is_empty());
        let mut usd = product("U", Rating::R2);
        usd.min_subscription = Money::new(Decimal::new(1000, 0), Currency::USD);
        assert_eq!(
            excluded_by(
                &assess(&c, &[usd], &req(Some(10_000)), &Policy::default()),
                "U"
            ),
            Some(rules::S12)
        );
    }

    #[test]
    fn s8_capacity_block_and_concentration_warning() {
        let c = client(RiskLevel::C3); // 1,000,000 investable
        let p = product("A", Rating::R2);
        let a = assess(
            &c,
            std::slice::from_ref(&p),
            &req(Some(1_000_001)),
            &Policy::default(),
        );
        assert_eq!(excluded_by(&a, "A"), Some(rules::S8));
        let a = assess(
            &c,
            std::slice::from_ref(&p),
            &req(Some(600_000)),
            &Policy::default(),
        );
        assert_eq!(a.eligible[0].warnings[0].rule_id, rules::S8);
        let a = assess(&c, &[p], &req(Some(500_000)), &Policy::default());
        assert!(a.eligible[0].warnings.is_empty());
    }

    #[test]
    fn s8_an_amount_in_another_currency_is_not_let_through_unchecked() {
        // CNY 500,000 of assets; USD 100 M asked for a USD product: no capacity check possible.
        let c = client(RiskLevel::C3);
        let mut usd = product("USD1", Rating::R1);
        usd.min_subscription = Money::new(Decimal::new(1, 0), Currency::USD);
        let mut r = req(None);
        r.amount = Some(Money::new(Decimal::new(100_000_000, 0), Currency::USD));
        let a = assess(&c, &[usd], &r, &Policy::default());
        assert_eq!(excluded_by(&a, "USD1"), Some(rules::S8), "{a:?}");
        assert!(a.proposed.is_empty());
    }

    #[test]
    fn s20_nothing_suitable_says_why() {
        let shelf = [product("A", Rating::R4), product("B", Rating::R5)];
        let a = assess(
            &client(RiskLevel::C2),
            &shelf,
            &req(None),
            &Policy::default(),
        );
        let s20 = a.no_recommendation.clone().expect("S20");
        assert_eq!(s20.rule_id, rules::S20);
        assert!(s20.message.contains("2 excluded by S4"), "{}", s20.message);
        assert!(!a.has_recommendation());
    }

    #[test]
    fn ranking_is_deterministic_and_prefers_closer_fit() {
        let mut close = product("Z", Rating::R3);
        close.objective = Objective::Balanced;
        let far = product("A", Rating::R1);
        let a = assess(
            &client(RiskLevel::C3),
            &[far, close],
            &req(None),
            &Policy::default(),
        );
        assert_eq!(a.eligible[0].product_code, "Z");
    }

    fn req_ids(a: &Assessment) -> Vec<String> {
        a.requirements
            .iter()
            .map(|r| r.rule_id.to_string())
            .collect()
    }

    #[test]
    fn s6_client_initiated_lifts_s4_only_and_requires_documents() {
        let shelf = [product("EQ01", Rating::R4), product("EQ02", Rating::R5)];
        let mut r = req(None);
        r.client_initiated = vec!["EQ01".into()];
        let a = assess(&client(RiskLevel::C3), &shelf, &r, &Policy::default());
        assert_eq!(a.proposed, vec!["EQ01".to_string()]);
        assert!(a.eligible[0].client_initiated);
        assert_eq!(excluded_by(&a, "EQ02"), Some(rules::S4));
        let s6 = a
            .requirements
            .iter()
            .find(|r| r.rule_id == rules::S6)
            .unwrap();
        assert!(s6.items.contains(&"supervisor_approval".to_string()));
        // Never for a lowest-category client (S5), and S12 still applies.
        let mut low = client(RiskLevel::C3);
        low.lowest_category = true;
        let a = assess(&low, &shelf, &r, &Policy::default());
        assert_eq!(excluded_by(&a, "EQ01"), Some(rules::S5));
        let mut q = shelf.clone();
        q[0].qualified_investor_only = true;
        let a = assess(&client(RiskLevel::C3), &q, &r, &Policy::default());
        assert_eq!(excluded_by(&a, "EQ01"), Some(rules::S12));
    }

    #[test]
    fn s9_s10_s11_special_care_at_the_edges() {
        let mut p = client(RiskLevel::C5);
        let mut r = req(None);
        r.channel = "remote".into();
        let mut private = product("PE01", Rating::R3);
        private.offering = Offering::Private;
        private.cooling_off_hours = 12;
        let shelf = [product("EQ01", Rating::R4), private];
        // Born 1961-11-29: 65 on 2026-11-29 (the request day).
        p.birth_date = Some(date!(1961 - 11 - 29));
        let a = assess(&p, &shelf, &r, &Policy::default());
        assert_eq!(req_ids(&a), ["S9", "S10", "S11", "S15"]);
        let s11 = a
            .requirements
            .iter()
            .find(|r| r.rule_id == rules::S11)
            .unwrap();
        assert!(s11.text.contains("24 hours"), "{}", s11.text);
        // One day younger: no S9. A professional investor: no S10.
        p.birth_date = Some(date!(1961 - 11 - 30));
        p.investor_class = InvestorClass::Professional;
        let a = assess(&p, &shelf, &r, &Policy::default());
        assert_eq!(req_ids(&a), ["S11", "S15"]);
    }

    #[test]
    fn s16_recording_reference_or_pending() {
        let shelf = [product("BF01", Rating::R2)];
        let mut r = req(None);
        let a = assess(&client(RiskLevel::C3), &shelf, &r, &Policy::default());
        let s16 = a
            .requirements
            .iter()
            .find(|r| r.rule_id == rules::S16)
            .unwrap();
        assert!(s16.text.contains("pending 双录"));
        r.recording_id = Some("REC-2026-0042".into());
        let a = assess(&client(RiskLevel::C3), &shelf, &r, &Policy::default());
        let s16 = a
            .requirements
            .iter()
            .find(|r| r.rule_id == rules::S16)
            .unwrap();
        assert!(s16.text.contains("REC-2026-0042"));
        r.channel = "remote".into();
        let a = assess(&client(RiskLevel::C3), &shelf, &r, &Policy::default());
        assert!(!a.requirements.iter().any(|r| r.rule_id == rules::S16));
    }

    #[test]
    fn s18_contradictions_warn_and_s24_overrides() {
        let shelf = [product("BF01", Rating::R2)];
        let mut p = client(RiskLevel::C3);
        p.loss_tolerance = Some(LossTolerance::NoLoss);
        p.max_loss_pct = Some(10);
        let policy = Policy::default();
        let a = assess(&p, &shelf, &req(None), &policy);
        assert!(a.warnings.is_empty(), "10 % is at the threshold, not above");
        p.max_loss_pct = Some(60);
        let a = assess(&p, &shelf, &req(None), &policy);
        assert_eq!(a.warnings.len(), 1);
        assert_eq!(a.warnings[0].rule_id, rules::S18);
        assert_eq!(a.proposed, vec!["BF01".to_string()]);
        assert_eq!(a.unresolved_warnings(&[]).len(), 1);
        let ok = Override {
            rule_id: rules::S18,
            product_code: None,
            reason_code: "QUESTIONNAIRE_CLARIFIED".into(),
        };
        check_overrides(&a, std::slice::from_ref(&ok), &policy, Lang::En).unwrap();
        assert!(a.unresolved_warnings(std::slice::from_ref(&ok)).is_empty());
        // Unknown reason, a block, a warning not raised: refused with S24.
        let bad_reason = Override {
            reason_code: "BECAUSE".into(),
            ..ok.clone()
        };
        let block = Override {
            rule_id: rules::S4,
            product_code: Some("BF01".into()),
            ..ok.clone()
        };
        let s5 = Override {
            rule_id: rules::S5,
            product_code: Some("BF01".into()),
            ..ok.clone()
        };
        let absent = Override {
            rule_id: rules::S8,
            product_code: Some("BF01".into()),
            ..ok.clone()
        };
        for o in [bad_reason, block, s5, absent] {
            let e = check_overrides(&a, std::slice::from_ref(&o), &policy, Lang::En).unwrap_err();
            assert_eq!(e.rule_id, rules::S24, "{o:?}");
        }
    }

    #[test]
    fn s17_s22_s23() {
        let old = [product("BF01", Rating::R2), product("BF02", Rating::R2)];
        let mut new = old.clone();
        new[0].seller_rating = Rating::R4;
        let changes = rating_changes(&old, &new);
        assert_eq!(changes.len(), 1);
        let p = client(RiskLevel::C3);
        let policy = Policy::default();
        let (c, now) =
            recheck_after_rating_change(&["BF01".into()], &changes, &p, &new, &req(None), &policy)
                .unwrap();
        assert_eq!(
            (c.old, c.new, now),
            (Rating::R2, Rating::R4, Some(rules::S4))
        );
        assert!(recheck_after_rating_change(
            &["BF02".into()],
            &changes,
            &p,
            &new,
            &req(None),
            &policy
        )
        .is_none());

        assert!(check_approver("wang", "li", "supervisor", Lang::En).is_ok());
        assert_eq!(
            check_approver("wang", "WANG", "supervisor", Lang::En)
                .unwrap_err()
                .rule_id,
            rules::S22
        );
        assert!(check_approver("wang", "li", "advisor", Lang::En).is_err());

        assert_eq!(
            retain_until(date!(2026 - 11 - 30), &policy),
            date!(2046 - 11 - 30)
        );
        assert_eq!(
            retain_until(date!(2028 - 02 - 29), &policy),
            date!(2048 - 02 - 29)
        );
        assert_eq!(
            retain_until(date!(2024 - 02 - 29), &policy),
            date!(2044 - 02 - 29)
        );
        let mut p21 = policy.clone();
        p21.retention_years = 21;
        assert_eq!(
            retain_until(date!(2024 - 02 - 29), &p21),
            date!(2045 - 02 - 28)
        );
    }
}
