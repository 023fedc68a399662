//! Client positions from a table.

use crate::cells::{parse_code, Problem, RowReader};
use crate::columns::{Columns, TableKind};
use crate::error::RowError;
use crate::table::Table;
use copilot_core::parse::{normalize_width, parse_date, parse_non_negative_amount};
use copilot_core::{Currency, Holding, Money};

/// Parses holdings from a table (see the crate documentation for headers and defaults).
///
/// Every row is validated and every problem of the whole table is returned, in row order;
/// there is no partial result. A missing required column is reported on row 1. The same
/// client may hold the same product more than once (several accounts), so pairs are not
/// checked for duplicates; whether the client and product exist is the caller's check.
pub fn parse_holdings(table: &Table) -> Result<Vec<Holding>, Vec<RowError>> {
    let columns = Columns::resolve(table, TableKind::Holdings)
        .map_err(|p| p.into_row_errors(&table.file_name()))?;
    parse_with(table, &columns)
}

pub(crate) fn parse_with(table: &Table, columns: &Columns) -> Result<Vec<Holding>, Vec<RowError>> {
    let file = table.file_name();
    let mut errors = Vec::new();
    let mut holdings = Vec::with_capacity(table.rows.len());
    for (row, cells) in &table.rows {
        let Some(mut r) = RowReader::new(table, columns, &file, *row, cells, &mut errors) else {
            continue;
        };
        if let Some(holding) = parse_row(&mut r) {
            holdings.push(holding);
        }
    }
    if errors.is_empty() {
        Ok(holdings)
    } else {
        Err(errors)
    }
}

/// The asset class as one of `cash`, `fixed_income`, `equity`, `alternative`; Chinese labels
/// (现金, 固定收益/固收, 权益/股票, 另类) are accepted.
pub(crate) fn parse_asset_class(raw: &str) -> Result<String, Problem> {
    let key: String = normalize_width(raw)
        .to_lowercase()
        .chars()
        .map(|c| if c == ' ' || c == '-' { '_' } else { c })
        .collect();
    let class = match key.as_str() {
        "cash" | "现金" | "现金类" => "cash",
        "fixed_income" | "固定收益" | "固定收益类" | "固收" | "固收类" => "fixed_income",
        "equity" | "权益" | "权益类" | "股票" => "equity",
        "alternative" | "另类" | "另类投资" => "alternative",
        _ => {
            return Err(Problem::Message(format!(
                "expected one of cash/fixed_income/equity/alternative (现金/固收/权益/另类), found {:?}",
                raw.trim()
            )))
        }
    };
    Ok(class.to_string())
}

fn parse_row(r: &mut RowReader<'_>) -> Option<Holding> {
    let client_id = r.required("client_id", parse_code);
    let product_code = r.required("product_code", parse_code);
    let product_name = r.text("product_name");
    let asset_class = r.optional("asset_class", parse_asset_class);
    let market_value = r.required("market_value", |s| Ok(parse_non_negative_amount(s)?));
    let currency = r.optional("currency", |s| Ok(s.parse::<Currency>()?));
    let as_of = r.optional("as_of", |s| Ok(parse_date(s)?));
    if r.failed() {
        return None;
    }
    Some(Holding {
        client_id: client_id?,
        product_code: product_code?,
        product_name: product_name.unwrap_or_default(),
        asset_class: asset_class.unwrap_or_default(),
        market_value: Money::new(market_value?, currency.unwrap_or(Currency::CNY)),
        as_of,
    })
}
