//! The product shelf from a table.

use crate::cells::{parse_code, RowReader};
use crate::columns::{Columns, TableKind};
use crate::error::RowError;
use crate::table::Table;
use copilot_core::parse::{
    parse_bool, parse_date, parse_non_negative_amount, parse_percent, parse_u32,
};
use copilot_core::{Currency, Liquidity, Money, Objective, Offering, Product, ProductType, Rating};
use rust_decimal::Decimal;
use std::collections::HashMap;

/// Parses the product shelf from a table (see the crate documentation for headers and the
/// defaults of absent columns).
///
/// Every row is validated and every problem of the whole table is returned, in row order;
/// there is no partial result. A missing required column is reported on row 1.
pub fn parse_products(table: &Table) -> Result<Vec<Product>, Vec<RowError>> {
    let columns = Columns::resolve(table, TableKind::Products)
        .map_err(|p| p.into_row_errors(&table.file_name()))?;
    parse_with(table, &columns)
}

pub(crate) fn parse_with(table: &Table, columns: &Columns) -> Result<Vec<Product>, Vec<RowError>> {
    let file = table.file_name();
    let mut errors = Vec::new();
    let mut products = Vec::with_capacity(table.rows.len());
    let mut first_row_of: HashMap<String, usize> = HashMap::new();
    for (row, cells) in &table.rows {
        let Some(mut r) = RowReader::new(table, columns, &file, *row, cells, &mut errors) else {
            continue;
        };
        if let Some(product) = parse_row(&mut r, &mut first_row_of) {
            products.push(product);
        }
    }
    if errors.is_empty() {
        Ok(products)
    } else {
        Err(errors)
    }
}

/// Liquidity assumed when the file does not say: open for cash, money-market and listed fund
/// types (redeemable on any business day by law or contract); closed for wealth-management,
/// structured and private products, which usually lock money up. Assuming "closed" for those
/// makes the suitability gate stricter (S7), never looser.
pub(crate) fn default_liquidity(product_type: ProductType) -> Liquidity {
    match product_type {
        ProductType::Cash
        | ProductType::MoneyMarket
        | ProductType::BondFund
        | ProductType::EquityFund
        | ProductType::HybridFund
        | ProductType::IndexFund => Liquidity::Open,
        ProductType::WealthManagement | ProductType::Structured | ProductType::PrivateFund => {
            Liquidity::Closed
        }
    }
}

/// Offering assumed when the file does not say: private for private funds and structured
/// products (so that the cooling-off period and the qualified-investor check apply), public
/// otherwise.
pub(crate) fn default_offering(product_type: ProductType) -> Offering {
    match product_type {
        ProductType::PrivateFund | ProductType::Structured => Offering::Private,
        _ => Offering::Public,
    }
}

/// Objective assumed when the file does not say, from the effective rating: R1 preservation,
/// R2 income, R3 balanced, R4–R5 growth. The higher the rating, the more aggressive the
/// assumed objective, which can only exclude more products for defensive clients (S7).
pub(crate) fn default_objective(rating: Rating) -> Objective {
    match rating {
        Rating::R1 => Objective::Preservation,
        Rating::R2 => Objective::Income,
        Rating::R3 => Objective::Balanced,
        Rating::R4 | Rating::R5 => Objective::Growth,
    }
}

fn parse_row(r: &mut RowReader<'_>, first_row_of: &mut HashMap<String, usize>) -> Option<Product> {
    let product_code = r.required("product_code", parse_code);
    if let Some(code) = &product_code {
        if let Some(first) = first_row_of.get(code) {
            r.error(
                "product_code",
                format!("duplicate product_code {code} (first in row {first})"),
            );
        } else {
            first_row_of.insert(code.clone(), r.row());
        }
    }
    let name_zh = r.text("name_zh");
    let name_en = r.text("name_en");
    let product_type = r.required("product_type", |s| Ok(s.parse::<ProductType>()?));
    let issuer_rating = r.required("issuer_rating", |s| Ok(s.parse::<Rating>()?));
    let seller_rating = r.optional("seller_rating", |s| Ok(s.parse::<Rating>()?));
    let term_months = r.optional("term_months", |s| Ok(parse_u32(s)?));
    let liquidity = r.optional("liquidity", |s| Ok(s.parse::<Liquidity>()?));
    let lockup_months = r.optional("lockup_months", |s| Ok(parse_u32(s)?));
    let min_subscription = r.required("min_subscription", |s| Ok(parse_non_negative_amount(s)?));
    let currency = r.optional("currency", |s| Ok(s.parse::<Currency>()?));
    let management_fee_pct = r.optional("management_fee_pct", |s| Ok(parse_percent(s)?));
    let subscription_fee_pct = r.optional("subscription_fee_pct", |s| Ok(parse_percent(s)?));
    let offering = r.optional("offering", |s| Ok(s.parse::<Offering>()?));
    let cooling_off_hours = r.optional("cooling_off_hours", |s| Ok(parse_u32(s)?));
    let rating_date = r.optional("rating_date", |s| Ok(parse_date(s)?));
    let qualified_investor_only = r.optional("qualified_investor_only", |s| Ok(parse_bool(s)?));
    let objective = r.optional("objective", |s| Ok(s.parse::<Objective>()?));
    let issuer = r.text("issuer");

    if name_zh.is_none() && name_en.is_none() && r.is_blank("name_zh") && r.is_blank("name_en") {
        let field = if r.has_column("name_zh") {
            "name_zh"
        } else {
            "name_en"
        };
        r.error(field, "a product needs a Chinese or an English name");
    }

    // Liquidity, lock-up and term: fill what the file leaves out only where the answer is
    // certain; a closed or periodic product without its lock-up is refused, not guessed.
    let liquidity = match (liquidity, product_type) {
        (Some(l), _) => Some(l),
        (None, Some(t)) if r.is_blank("liquidity") => Some(default_liquidity(t)),
        _ => None,
    };
    let mut lockup = lockup_months;
    let mut term = term_months;
    if let Some(liquidity) = liquidity {
        let lockup_blank = r.is_blank("lockup_months");
        let term_blank = r.is_blank("term_months");
        match liquidity {
            Liquidity::Open => {
                lockup = lockup.or(lockup_blank.then_some(0));
                term = term.or(term_blank.then_some(0));
            }
            Liquidity::Closed => {
                if lockup_blank && term_blank {
                    r.error(
                        "lockup_months",
                        format!("a closed product needs its lock-up in months (lockup_months or term_months); liquidity is {liquidity}"),
                    );
                }
                lockup = lockup.or(term.filter(|_| lockup_blank));
                term = term.or(lockup.filter(|_| term_blank));
            }
            Liquidity::Periodic => {
                if lockup_blank {
                    r.error(
                        "lockup_months",
                        "a periodic product needs its lock-up or opening cycle in months",
                    );
                }
                term = term.or(term_blank.then_some(0));
            }
        }
    }

    if r.failed() {
        return None;
    }
    let product_type = product_type?;
    let issuer_rating = issuer_rating?;
    // A single 风险评级 column rates the product for both issuer and seller.
    let seller_rating = seller_rating.unwrap_or(issuer_rating);
    let offering = offering.unwrap_or_else(|| default_offering(product_type));
    Some(Product {
        product_code: product_code?,
        name_zh: name_zh.unwrap_or_default(),
        name_en: name_en.unwrap_or_default(),
        product_type,
        issuer_rating,
        seller_rating,
        term_months: term?,
        liquidity: liquidity?,
        lockup_months: lockup?,
        min_subscription: Money::new(min_subscription?, currency.unwrap_or(Currency::CNY)),
        management_fee_pct: management_fee_pct.unwrap_or(Decimal::ZERO),
        subscription_fee_pct: subscription_fee_pct.unwrap_or(Decimal::ZERO),
        offering,
        cooling_off_hours: cooling_off_hours.unwrap_or(match offering {
            Offering::Private => 24,
            Offering::Public => 0,
        }),
        rating_date,
        qualified_investor_only: qualified_investor_only.unwrap_or(offering == Offering::Private),
        objective: objective.unwrap_or_else(|| default_objective(issuer_rating.max(seller_rating))),
        issuer: issuer.unwrap_or_default(),
    })
}
