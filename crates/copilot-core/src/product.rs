//! The product shelf (产品货架): what the bank currently sells.

use crate::money::{Currency, Money};
use crate::profile::{word_enum, Objective};
use crate::{Lang, Rating};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;
use time::Date;

word_enum!(
    /// Product type.
    ProductType, "cash/money_market/bond_fund/wealth_management/equity_fund/hybrid_fund/index_fund/structured/private_fund", [
        /// Cash management (现金管理).
        Cash => "cash" | "现金管理",
        /// Money-market fund (货币基金).
        MoneyMarket => "money_market" | "货币基金" | "货币市场基金",
        /// Bond fund (债券基金).
        BondFund => "bond_fund" | "债券基金",
        /// Bank wealth-management product (理财产品).
        WealthManagement => "wealth_management" | "理财产品" | "银行理财",
        /// Equity fund (股票基金).
        EquityFund => "equity_fund" | "股票基金",
        /// Hybrid fund (混合基金).
        HybridFund => "hybrid_fund" | "混合基金",
        /// Index fund (指数基金).
        IndexFund => "index_fund" | "指数基金",
        /// Structured product (结构性产品).
        Structured => "structured" | "结构性产品" | "结构性存款",
        /// Private fund (私募基金).
        PrivateFund => "private_fund" | "私募基金" | "私募",
    ]
);

impl ProductType {
    /// Localised label.
    pub fn label(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (ProductType::Cash, Lang::Zh) => "现金管理",
            (ProductType::MoneyMarket, Lang::Zh) => "货币基金",
            (ProductType::BondFund, Lang::Zh) => "债券基金",
            (ProductType::WealthManagement, Lang::Zh) => "理财产品",
            (ProductType::EquityFund, Lang::Zh) => "股票基金",
            (ProductType::HybridFund, Lang::Zh) => "混合基金",
            (ProductType::IndexFund, Lang::Zh) => "指数基金",
            (ProductType::Structured, Lang::Zh) => "结构性产品",
            (ProductType::PrivateFund, Lang::Zh) => "私募基金",
            (ProductType::Cash, Lang::En) => "cash management",
            (ProductType::MoneyMarket, Lang::En) => "money-market fund",
            (ProductType::BondFund, Lang::En) => "bond fund",
            (ProductType::WealthManagement, Lang::En) => "wealth-management product",
            (ProductType::EquityFund, Lang::En) => "equity fund",
            (ProductType::HybridFund, Lang::En) => "hybrid fund",
            (ProductType::IndexFund, Lang::En) => "index fund",
            (ProductType::Structured, Lang::En) => "structured product",
            (ProductType::PrivateFund, Lang::En) => "private fund",
        }
    }
}

word_enum!(
    /// Liquidity of a product.
    Liquidity, "open/periodic/closed (开放/定期开放/封闭)", [
        /// Redeemable any business day.
        Open => "open" | "开放" | "开放式",
        /// Redeemable on periodic opening days.
        Periodic => "periodic" | "定期开放" | "定开",
        /// Closed with a lock-up.
        Closed => "closed" | "封闭" | "封闭式",
    ]
);

word_enum!(
    /// Public or private offering.
    Offering, "public/private (公募/私募)", [
        /// Public offering.
        Public => "public" | "公募",
        /// Private placement (cooling-off period applies, S11).
        Private => "private" | "私募",
    ]
);

/// A product on the shelf.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Product {
    /// Product code, unique on the shelf.
    pub product_code: String,
    /// Chinese name.
    pub name_zh: String,
    /// English name.
    pub name_en: String,
    /// Type.
    pub product_type: ProductType,
    /// Issuer's risk rating.
    pub issuer_rating: Rating,
    /// Seller's (the bank's own) risk rating.
    pub seller_rating: Rating,
    /// Term in months; 0 for open-ended.
    pub term_months: u32,
    /// Liquidity.
    pub liquidity: Liquidity,
    /// Lock-up in months (0 when redeemable at any time).
    pub lockup_months: u32,
    /// Minimum subscription.
    pub min_subscription: Money,
    /// Annual management fee, percent (e.g. `1.20` means 1.20 % a year).
    pub management_fee_pct: Decimal,
    /// Subscription fee, percent of the amount.
    pub subscription_fee_pct: Decimal,
    /// Public or private offering.
    pub offering: Offering,
    /// Cooling-off period in hours (≥ 24 for private products, S11).
    pub cooling_off_hours: u32,
    /// Date of the current rating.
    pub rating_date: Option<Date>,
    /// Only qualified (合格) investors may subscribe (S12).
    pub qualified_investor_only: bool,
    /// The objective the product serves.
    pub objective: Objective,
    /// Issuer name.
    pub issuer: String,
}

impl Product {
    /// Effective risk rating: the higher of the issuer's and the seller's rating (rule S1;
    /// NFRA 金融机构产品适当性管理办法 Art. 13: a seller's rating may not be lower than the issuer's).
    pub fn effective_rating(&self) -> Rating {
        self.issuer_rating.max(self.seller_rating)
    }

    /// Name in the given language (falls back to the other when empty).
    pub fn name(&self, lang: Lang) -> &str {
        match lang {
            Lang::Zh if !self.name_zh.is_empty() => &self.name_zh,
            Lang::En if !self.name_en.is_empty() => &self.name_en,
            _ if !self.name_zh.is_empty() => &self.name_zh,
            _ => &self.name_en,
        }
    }

    /// Months the money is locked up: the lock-up, or for a closed product its whole term if
    /// longer (S7).
    pub fn lockup(&self) -> u32 {
        self.lockup_months
            .max(if self.liquidity == Liquidity::Closed {
                self.term_months
            } else {
                0
            })
    }

    /// The product's currency (that of its minimum subscription).
    pub fn currency(&self) -> Currency {
        self.min_subscription.currency
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_and_chinese_labels() {
        assert_eq!(
            "货币基金".parse::<ProductType>().unwrap(),
            ProductType::MoneyMarket
        );
        assert_eq!(
            "Private_Fund".parse::<ProductType>().unwrap(),
            ProductType::PrivateFund
        );
        assert_eq!(
            "定期开放".parse::<Liquidity>().unwrap(),
            Liquidity::Periodic
        );
        assert!("weekly".parse::<Liquidity>().is_err());
    }
}

/// A product document (prospectus, fact sheet, risk disclosure) as imported: Markdown or plain text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProductDocument {
    /// Stable id: `<product_code>/<file name>`, e.g. `WM01/WM01.md`.
    pub document_id: String,
    /// Product the document belongs to.
    pub product_code: String,
    /// File name it was imported from (no directories).
    pub file_name: String,
    /// Title: the first Markdown heading or the file name.
    pub title: String,
    /// Full text, UTF-8, line endings normalised to `\n`. Offsets in citations are byte offsets into it.
    pub text: String,
}
