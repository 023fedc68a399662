//! Client profiles from a table.

use crate::cells::{neutralize_formula, parse_code, parse_phone, split_list, Problem, RowReader};
use crate::columns::{Columns, TableKind};
use crate::error::RowError;
use crate::table::Table;
use copilot_core::parse::{
    id_number_birth_date, parse_bool, parse_date, parse_non_negative_amount, parse_u32,
    validate_id_number,
};
use copilot_core::{
    CivilCapacity, ClientProfile, Currency, InvestorClass, LiquidityNeed, LossTolerance, Money,
    Objective, RiskLevel, Sensitive,
};
use std::collections::HashMap;

/// Parses client profiles from a table (see the crate documentation for headers and defaults).
///
/// Every row is validated and every problem of the whole table is returned, in row order;
/// there is no partial result. A missing required column is reported on row 1.
/// `default_currency` applies to rows without a currency.
pub fn parse_clients(
    table: &Table,
    default_currency: Currency,
) -> Result<Vec<ClientProfile>, Vec<RowError>> {
    let columns = Columns::resolve(table, TableKind::Clients)
        .map_err(|p| p.into_row_errors(&table.file_name()))?;
    parse_with(table, &columns, default_currency)
}

pub(crate) fn parse_with(
    table: &Table,
    columns: &Columns,
    default_currency: Currency,
) -> Result<Vec<ClientProfile>, Vec<RowError>> {
    let file = table.file_name();
    let mut errors = Vec::new();
    let mut clients = Vec::with_capacity(table.rows.len());
    let mut first_row_of: HashMap<String, usize> = HashMap::new();
    for (row, cells) in &table.rows {
        let Some(mut r) = RowReader::new(table, columns, &file, *row, cells, &mut errors) else {
            continue;
        };
        if let Some(client) = parse_row(&mut r, default_currency, &mut first_row_of) {
            clients.push(client);
        }
    }
    if errors.is_empty() {
        Ok(clients)
    } else {
        Err(errors)
    }
}

fn parse_row(
    r: &mut RowReader<'_>,
    default_currency: Currency,
    first_row_of: &mut HashMap<String, usize>,
) -> Option<ClientProfile> {
    let client_id = r.required("client_id", parse_code);
    if let Some(id) = &client_id {
        if let Some(first) = first_row_of.get(id) {
            r.error(
                "client_id",
                format!("duplicate client_id {id} (first in row {first})"),
            );
        } else {
            first_row_of.insert(id.clone(), r.row());
        }
    }
    let name = r.required("name", |s| Ok(neutralize_formula(s)));
    let id_number = r.optional("id_number", |s| Ok(validate_id_number(s)?));
    let birth_date = r.optional("birth_date", |s| Ok(parse_date(s)?));
    let phone = r.optional("phone", parse_phone);
    let investor_class = r.optional("investor_class", |s| Ok(s.parse::<InvestorClass>()?));
    let risk_level = r.optional("risk_level", |s| Ok(s.parse::<RiskLevel>()?));
    let lowest_category = r.optional("lowest_category", |s| Ok(parse_bool(s)?));
    let assessment_date = r.optional("assessment_date", |s| Ok(parse_date(s)?));
    let questionnaire_version = r.text("questionnaire_version");
    let civil_capacity = r.optional("civil_capacity", |s| Ok(s.parse::<CivilCapacity>()?));
    let horizon_months = r.optional("horizon_months", |s| Ok(parse_u32(s)?));
    let liquidity_need = r.optional("liquidity_need", |s| Ok(s.parse::<LiquidityNeed>()?));
    let objective = r.optional("objective", |s| Ok(s.parse::<Objective>()?));
    let investable_assets = r.required("investable_assets", |s| Ok(parse_non_negative_amount(s)?));
    let annual_income = r.optional("annual_income", |s| Ok(parse_non_negative_amount(s)?));
    let debts = r.optional("debts", |s| Ok(parse_non_negative_amount(s)?));
    let currency = r.optional("currency", |s| Ok(s.parse::<Currency>()?));
    let experience_years = r.optional("experience_years", |s| Ok(parse_u32(s)?));
    let experience_types = r.optional("experience_types", |s| Ok::<_, Problem>(split_list(s)));
    let notes = r.text("notes");
    let profile_updated = r.optional("profile_updated", |s| Ok(parse_date(s)?));
    let loss_tolerance = r.optional("loss_tolerance", |s| Ok(s.parse::<LossTolerance>()?));
    let max_loss_pct = r.optional("max_loss_pct", |s| {
        let n = parse_u32(s)?;
        if n > 100 {
            return Err(Problem::Message("a percentage 0–100 is expected".into()));
        }
        Ok(n)
    });

    // Cross-field checks. Each runs only on values that parsed, so one bad cell gives one error.
    let id_birth_date = id_number.as_deref().and_then(id_number_birth_date);
    if let (Some(given), Some(in_id)) = (birth_date, id_birth_date) {
        if given != in_id {
            r.error(
                "birth_date",
                "the birth date does not match the birth date inside the ID number",
            );
        }
    }
    let lowest_category = lowest_category.unwrap_or(false);
    if lowest_category && risk_level != Some(RiskLevel::C1) {
        match risk_level {
            Some(level) => r.error(
                "lowest_category",
                format!("lowest category must be C1 (the risk level is {level})"),
            ),
            None if r.is_blank("risk_level") => r.error(
                "lowest_category",
                "lowest category must be C1 (no risk level is given)",
            ),
            // An invalid risk level has been reported already.
            None => {}
        }
    }
    // Without a date the assessment's validity (S3) cannot be checked, and a date without a
    // level is an assessment with no result.
    if risk_level.is_some() && r.is_blank("assessment_date") {
        r.error(
            "assessment_date",
            "value is required when a risk level is given",
        );
    }
    if assessment_date.is_some() && r.is_blank("risk_level") {
        r.error(
            "risk_level",
            "an assessment date is given but no risk level (C1–C5)",
        );
    }

    if r.failed() {
        return None;
    }
    let currency = currency.unwrap_or(default_currency);
    Some(ClientProfile {
        client_id: client_id?,
        name: Sensitive::new(name?),
        id_number: id_number.map(Sensitive::new),
        // The birth date inside a valid ID number is exact, not a guess.
        birth_date: birth_date.or(id_birth_date),
        phone: phone.map(Sensitive::new),
        investor_class: investor_class.unwrap_or(InvestorClass::Ordinary),
        risk_level,
        lowest_category,
        assessment_date,
        questionnaire_version,
        civil_capacity: civil_capacity.unwrap_or(CivilCapacity::Full),
        horizon_months,
        liquidity_need: liquidity_need.unwrap_or(LiquidityNeed::High),
        objective: objective.unwrap_or(Objective::Preservation),
        investable_assets: Money::new(investable_assets?, currency),
        annual_income: annual_income.map(|a| Money::new(a, currency)),
        debts: debts.map(|a| Money::new(a, currency)),
        experience_years: experience_years.unwrap_or(0),
        experience_types: experience_types.unwrap_or_default(),
        notes: notes.map(Sensitive::new),
        profile_updated,
        loss_tolerance,
        max_loss_pct,
    })
}
