//! The client profile: the inputs SUITABILITY.md lists ("Inputs the profile must carry").

use crate::money::Money;
use crate::secret::Sensitive;
use crate::RiskLevel;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;
use time::Date;

macro_rules! word_enum {
    ($(#[$meta:meta])* $name:ident, $expected:literal, [$($(#[$vmeta:meta])* $variant:ident => $en:literal $(| $alias:literal)*),+ $(,)?]) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name {
            $($(#[$vmeta])* $variant),+
        }

        impl $name {
            /// The stable English word (as in CSV exports and JSON).
            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $en),+
                }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl FromStr for $name {
            type Err = crate::parse::ValueError;
            /// Accepts the English word (any case) or the usual Chinese label.
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                let t = crate::parse::normalize_width(s).to_lowercase();
                match t.as_str() {
                    $($en $(| $alias)* => Ok($name::$variant),)+
                    _ => Err(crate::parse::ValueError::NotOneOf { expected: $expected, found: s.trim().to_string() }),
                }
            }
        }
    };
}
pub(crate) use word_enum;

word_enum!(
    /// Investor class (CSRC 适当性管理办法 Arts. 8–11): professional investors may be treated
    /// differently for entry requirements (S12).
    InvestorClass, "ordinary/professional (普通/专业)", [
        /// 普通投资者.
        Ordinary => "ordinary" | "普通" | "普通投资者",
        /// 专业投资者.
        Professional => "professional" | "专业" | "专业投资者",
    ]
);

word_enum!(
    /// Civil capacity (民事行为能力).
    CivilCapacity, "full/limited/none (完全/限制/无)", [
        /// Full civil capacity.
        Full => "full" | "完全" | "完全民事行为能力",
        /// Limited civil capacity.
        Limited => "limited" | "限制" | "限制民事行为能力",
        /// No civil capacity.
        NoCapacity => "none" | "无" | "无民事行为能力",
    ]
);

word_enum!(
    /// How soon the client may need the money back.
    LiquidityNeed, "high/medium/low (高/中/低)", [
        /// Needs access at short notice; closed products with lock-ups do not fit (S7).
        High => "high" | "高",
        /// Can wait for periodic openings.
        Medium => "medium" | "中",
        /// Can accept lock-ups within the horizon.
        Low => "low" | "低",
    ]
);

word_enum!(
    /// Investment objective, ordered from the most defensive to the most aggressive.
    Objective, "preservation/income/balanced/growth (保值/收益/平衡/增长)", [
        /// Capital preservation (保值).
        Preservation => "preservation" | "保值" | "保本",
        /// Steady income (稳健收益).
        Income => "income" | "收益" | "稳健",
        /// Balanced (平衡).
        Balanced => "balanced" | "平衡",
        /// Growth (增长).
        Growth => "growth" | "增长" | "成长",
    ]
);

word_enum!(
    /// The questionnaire's answer on losses (风险测评问卷：可接受的亏损), used to find contradictions (S18).
    LossTolerance, "none/small/moderate/large (不能接受亏损/小幅/中等/较大)", [
        /// No loss acceptable (不能接受任何亏损).
        NoLoss => "none" | "不能接受亏损" | "不能接受任何亏损" | "无",
        /// Small losses only (小幅亏损).
        Small => "small" | "小幅" | "小幅亏损",
        /// Moderate losses (中等亏损).
        Moderate => "moderate" | "中等" | "中等亏损",
        /// Large losses (较大亏损).
        Large => "large" | "较大" | "较大亏损",
    ]
);

impl Objective {
    /// 0 (preservation) … 3 (growth).
    pub fn rank(self) -> u8 {
        match self {
            Objective::Preservation => 0,
            Objective::Income => 1,
            Objective::Balanced => 2,
            Objective::Growth => 3,
        }
    }
}

/// A client's profile.
///
/// Personal data (name, ID number, phone, notes) sits in [`Sensitive`] so that `Debug` output and
/// logs never carry it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClientProfile {
    /// The bank's client id, e.g. `C0001`; the key for holdings and drafts.
    pub client_id: String,
    /// Name as on the ID document.
    pub name: Sensitive,
    /// Validated 18-character resident ID number, if provided.
    pub id_number: Option<Sensitive>,
    /// Date of birth.
    pub birth_date: Option<Date>,
    /// Mobile phone.
    pub phone: Option<Sensitive>,
    /// Ordinary or professional investor.
    pub investor_class: InvestorClass,
    /// Risk level from the latest assessment; `None` when never assessed (S2).
    pub risk_level: Option<RiskLevel>,
    /// Lowest-category client (C1 lacking full civil capacity or bearing no loss): R1 only (S5).
    pub lowest_category: bool,
    /// Date of the latest risk assessment (S2, S3).
    pub assessment_date: Option<Date>,
    /// Questionnaire version of that assessment.
    pub questionnaire_version: Option<String>,
    /// Civil capacity.
    pub civil_capacity: CivilCapacity,
    /// Investment horizon in months (when the money is needed).
    pub horizon_months: Option<u32>,
    /// Liquidity need.
    pub liquidity_need: LiquidityNeed,
    /// Investment objective.
    pub objective: Objective,
    /// Investable (financial) assets.
    pub investable_assets: Money,
    /// Annual income, if known.
    pub annual_income: Option<Money>,
    /// Debts, if known.
    pub debts: Option<Money>,
    /// Years of investment experience.
    pub experience_years: u32,
    /// Product types the client has invested in (`bond_fund`, `equity_fund`, …).
    pub experience_types: Vec<String>,
    /// Advisor notes (never sent anywhere; shown to the model only as untrusted data).
    pub notes: Option<Sensitive>,
    /// Date the profile's financial data last changed; an assessment before it is stale (S3).
    pub profile_updated: Option<Date>,
    /// Questionnaire: which losses the client says they accept (S18), if asked.
    #[serde(default)]
    pub loss_tolerance: Option<LossTolerance>,
    /// Questionnaire: the largest loss the client says they can bear, percent 0–100 (S18), if asked.
    #[serde(default)]
    pub max_loss_pct: Option<u32>,
}

impl ClientProfile {
    /// Age in whole years on `today`, if the birth date is known.
    pub fn age_on(&self, today: Date) -> Option<u32> {
        self.birth_date.map(|b| crate::parse::age_on(b, today))
    }
}

/// A position the client holds (on or off the shelf).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Holding {
    /// Client id.
    pub client_id: String,
    /// Product code (shelf code, or e.g. `DEP-TIME` for a time deposit).
    pub product_code: String,
    /// Product name.
    pub product_name: String,
    /// Asset class: cash, fixed_income, equity, alternative.
    pub asset_class: String,
    /// Market value.
    pub market_value: Money,
    /// Valuation date.
    pub as_of: Option<Date>,
}
