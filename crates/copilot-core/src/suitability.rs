//! The suitability gate (适当性匹配): which products may be proposed to a client, and why the others
//! may not. Deterministic: the same profile, shelf, request, policy and day give the same result.
//!
//! Implemented rules (ids as in SUITABILITY.md and the rule pack):
//!
//! | id  | check | effect |
//! |-----|-------|--------|
//! | S1  | effective rating = max(issuer, seller) | compute |
//! | S2  | no risk assessment on file | block the client |
//! | S3  | assessment older than `assessment_validity_months`, or profile changed after it | block the client |
//! | S5  | lowest-category client: only R1 | exclude (checked before S4, no override) |
//! | S4  | effective rating above the client's level (R > C) | exclude |
//! | S12 | amount below the minimum subscription, minimum above the client's investable assets, qualified-investor entry not met, or amount in another currency | exclude |
//! | S7  | lock-up longer than the horizon; closed/periodic product for a high liquidity need; product objective more aggressive than the client's by more than one step | exclude |
//! | S8  | amount above `max_share_of_assets_pct` of investable assets | exclude; above `concentration_warn_pct` | warn |
//! | S20 | nothing eligible | "no recommendation" with the reasons |
//!
//! Sources: CSRC 证券期货投资者适当性管理办法 (2016, amended 2022) Arts. 6, 18–24, 32; NFRA
//! 金融机构产品适当性管理办法 (Order 2025 No. 7) Arts. 12–14; CBIRC 商业银行理财业务监督管理办法 (2018)
//! Art. 26 (qualified investors: financial assets ≥ CNY 3 million or income ≥ CNY 400 000 a year,
//! and ≥ 2 years' experience — our `qualified_*` policy settings).
//!
//! Each excluded product carries the *first* rule, in the order of the table, that excludes it.

use crate::money::Money;
use crate::parse::months_between;
use crate::product::{Liquidity, Product};
use crate::profile::{ClientProfile, InvestorClass, LiquidityNeed};
use crate::{Lang, RiskLevel};
use copilot_protocol::{rules, EligibleProduct, ExcludedProduct, RuleFinding};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use time::Date;

/// Policy settings of the rule pack. Versioned: `rules_version` goes into every draft's provenance.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Policy {
    /// Version of the rule pack these settings belong to.
    pub rules_version: String,
    /// An assessment older than this many months is expired (S3). Default 12.
    pub assessment_validity_months: u32,
    /// Amount above this percentage of investable assets is excluded (S8, block). Default 100.
    pub max_share_of_assets_pct: Decimal,
    /// Amount above this percentage of investable assets is warned about (S8, warn). Default 50.
    pub concentration_warn_pct: Decimal,
    /// Qualified investor: minimum financial assets, in CNY (S12). Default 3 000 000.
    pub qualified_min_assets_cny: Decimal,
    /// Qualified investor: minimum years of experience (S12). Default 2.
    pub qualified_min_experience_years: u32,
    /// How many of the eligible products the memo proposes. Default 3.
    pub max_proposals: usize,
}

impl Default for Policy {
    fn default() -> Self {
        Policy {
            rules_version: "core-2026.11.1".to_string(),
            assessment_validity_months: 12,
            max_share_of_assets_pct: Decimal::new(100, 0),
            concentration_warn_pct: Decimal::new(50, 0),
            qualified_min_assets_cny: Decimal::new(3_000_000, 0),
            qualified_min_experience_years: 2,
            max_proposals: 3,
        }
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
}

/// The gate's result.
#[derive(Debug, Clone, PartialEq)]
pub struct Assessment {
    /// Client-level blocks (S2, S3). When non-empty, `eligible` is empty.
    pub blocks: Vec<RuleFinding>,
    /// Eligible products, best fit first (ties broken by product code).
    pub eligible: Vec<EligibleProduct>,
    /// Excluded products, in shelf order, each with its first excluding rule.
    pub excluded: Vec<ExcludedProduct>,
    /// S20 finding when nothing is eligible.
    pub no_recommendation: Option<RuleFinding>,
}

impl Assessment {
    /// True when at least one product may be proposed.
    pub fn has_recommendation(&self) -> bool {
        !self.eligible.is_empty()
    }

    /// Codes of the products the memo proposes (the first `max_proposals` eligible ones).
    pub fn proposed_codes(&self, policy: &Policy) -> Vec<String> {
        self.eligible
            .iter()
            .take(policy.max_proposals)
            .map(|e| e.product_code.clone())
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
/// product ends up either eligible or excluded with a rule id.
pub fn assess(
    profile: &ClientProfile,
    shelf: &[Product],
    request: &DraftRequest,
    policy: &Policy,
) -> Assessment {
    let lang = request.lang;
    let blocks = client_blocks(profile, request, policy);
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
        match product_exclusion(profile, level, product, request, policy) {
            Some(ex) => excluded.push(ex),
            None => eligible.push(eligible_entry(profile, level, product, request, policy)),
        }
    }
    eligible.sort_by(|a, b| {
        b.score
            .cmp(&a.score)
            .then_with(|| a.product_code.cmp(&b.product_code))
    });

    let no_recommendation = eligible.is_empty().then(|| {
        let mut counts: Vec<(String, usize)> = Vec::new();
        for e in &excluded {
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
    });

    Assessment {
        blocks,
        eligible,
        excluded,
        no_recommendation,
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
                format!("风险测评日期 {assessed} 已超过 {} 个月有效期，须重新测评。", policy.assessment_validity_months),
                format!(
                    "The risk assessment of {assessed} is older than the {}-month validity; reassess first.",
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

fn is_qualified(profile: &ClientProfile, policy: &Policy) -> bool {
    if profile.investor_class == InvestorClass::Professional {
        return true;
    }
    let assets_ok = profile.investable_assets.currency == crate::Currency::CNY
        && profile.investable_assets.amount >= policy.qualified_min_assets_cny;
    assets_ok && profile.experience_years >= policy.qualified_min_experience_years
}

/// The first rule that excludes `product` for this client, in the order S5, S4, S12, S7, S8.
fn product_exclusion(
    profile: &ClientProfile,
    level: RiskLevel,
    product: &Product,
    request: &DraftRequest,
    policy: &Policy,
) -> Option<ExcludedProduct> {
    let lang = request.lang;
    let rating = product.effective_rating();
    let code = &product.product_code;
    let exclude = |rule_id, reason: String| {
        Some(ExcludedProduct {
            product_code: code.clone(),
            rule_id,
            reason,
        })
    };

    // S5 before S4: for a lowest-category client the binding rule is "R1 only", with no override.
    if profile.lowest_category && rating > copilot_protocol::Rating::R1 {
        return exclude(
            rules::S5,
            t(
                lang,
                format!("最低风险承受能力类别客户只能购买R1产品；该产品为{rating}。"),
                format!("Lowest-category client: R1 products only; this product is {rating}."),
            ),
        );
    }
    if rating.as_number() > level.as_number() {
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

    // S7: term, liquidity and objective fit.
    let lockup = product
        .lockup_months
        .max(if product.liquidity == Liquidity::Closed {
            product.term_months
        } else {
            0
        });
    if let Some(horizon) = profile.horizon_months {
        if lockup > horizon {
            return exclude(
                rules::S7,
                t(
                    lang,
                    format!("产品封闭期 {lockup} 个月，长于客户资金可投资期限 {horizon} 个月。"),
                    format!("The product locks money up for {lockup} months, longer than the client's horizon of {horizon} months."),
                ),
            );
        }
    }
    if profile.liquidity_need == LiquidityNeed::High && lockup > 0 {
        return exclude(
            rules::S7,
            t(
                lang,
                format!("客户流动性需求高，产品有 {lockup} 个月封闭期。"),
                format!(
                    "The client needs high liquidity; the product has a {lockup}-month lock-up."
                ),
            ),
        );
    }
    if product.objective.rank() > profile.objective.rank() + 1 {
        return exclude(
            rules::S7,
            t(
                lang,
                format!(
                    "产品目标（{}）与客户投资目标（{}）不符。",
                    product.objective, profile.objective
                ),
                format!(
                    "The product's objective ({}) does not fit the client's objective ({}).",
                    product.objective, profile.objective
                ),
            ),
        );
    }

    // S8: amount against financial capacity.
    if let Some(amount) = request.amount {
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
        }
    }
    None
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
    policy: &Policy,
) -> EligibleProduct {
    let lang = request.lang;
    let rating = product.effective_rating();
    let mut reasons = vec![t(
        lang,
        format!("产品风险等级{rating}不高于客户风险等级{level}。"),
        format!("Product rating {rating} is within the client's risk level {level}."),
    )];
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
    let mut warnings = Vec::new();
    if let Some(amount) = request.amount {
        if let Some(share) = share_of_assets_pct(profile, &amount) {
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
    EligibleProduct {
        product_code: product.product_code.clone(),
        name: product.name(lang).to_string(),
        rating,
        score: fit_score(profile, level, product),
        reasons,
        warnings,
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::money::Currency;
    use crate::product::{Offering, ProductType};
    use crate::profile::{CivilCapacity, Objective};
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
            goal: None,
            lang: Lang::En,
            today: date!(2026 - 11 - 29),
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
}
