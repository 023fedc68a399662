//! Hostile and careless inputs: every class of bad value is refused with file, row, column and
//! reason; what people really type is accepted.

mod common;

use common::{bad_checksum, client_row, id_number, write, CLIENT_HEADER};
use copilot_core::{Currency, Liquidity, Objective, Offering, RiskLevel};
use copilot_import::{
    import_clients, import_holdings, import_products, parse_clients, parse_holdings,
    parse_products, ImportError, RowError, Table,
};
use rust_decimal::Decimal;
use std::path::PathBuf;
use time::macros::date;

/// Imports a clients CSV written from `text` and returns the row errors (panics on success).
fn client_errors(text: &str) -> Vec<RowError> {
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "clients.csv", text);
    match import_clients(&path, Currency::CNY) {
        Err(ImportError::Invalid { errors, .. }) => errors,
        other => panic!("expected Invalid, got {other:?}"),
    }
}

fn clients_ok(text: &str) -> Vec<copilot_core::ClientProfile> {
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "clients.csv", text);
    import_clients(&path, Currency::CNY).unwrap()
}

#[test]
fn scientific_notation_id_is_rejected() {
    let text = format!("{CLIENT_HEADER}\nC1,王五,1.10101E+17,,C2,2026-01-01,100000\n");
    let errors = client_errors(&text);
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(
        (
            errors[0].row,
            errors[0].column.as_str(),
            errors[0].field.as_str()
        ),
        (2, "id_number", "id_number")
    );
    assert!(
        errors[0].reason.contains("scientific notation"),
        "{}",
        errors[0].reason
    );
    assert!(!errors[0].to_string().contains("1.10101"));
}

#[test]
fn bad_checksum_is_rejected_without_echoing_the_id() {
    let id = bad_checksum(&id_number("110105", "19491231", 2));
    let text = format!("{CLIENT_HEADER}\nC1,王五,{id},1949-12-31,C2,2026-01-01,100000\n");
    let errors = client_errors(&text);
    assert_eq!(errors.len(), 1, "{errors:?}");
    let message = errors[0].to_string();
    assert_eq!(errors[0].field, "id_number");
    assert!(message.contains("check digit"), "{message}");
    assert!(message.starts_with("clients.csv row 2, column id_number (id_number): "));
    assert!(
        !message.contains(&id[..6]) && !message.contains(&id[6..14]),
        "{message}"
    );
    assert!(!message.contains("王五"));
}

#[test]
fn birth_date_must_match_the_id_number() {
    let id = id_number("110105", "19800101", 12);
    let text = format!("{CLIENT_HEADER}\nC1,王五,{id},1980-01-02,C2,2026-01-01,100000\n");
    let errors = client_errors(&text);
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0].field, "birth_date");
    assert!(!errors[0].to_string().contains("1980"));
}

#[test]
fn birth_date_comes_from_the_id_number_when_absent() {
    let id = id_number("110105", "19800101", 12);
    let clients = clients_ok(&format!(
        "{CLIENT_HEADER}\nC1,王五,{id},,C2,2026-01-01,100000\n"
    ));
    assert_eq!(clients[0].birth_date, Some(date!(1980 - 01 - 01)));
}

#[test]
fn risk_level_outside_c1_to_c5_is_rejected() {
    let errors = client_errors(&format!(
        "{CLIENT_HEADER}\nC1,王五,,,C6,2026-01-01,100000\n"
    ));
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0].field, "risk_level");
    assert!(errors[0].reason.contains("C1–C5"), "{}", errors[0].reason);
    assert!(errors[0].reason.contains("C6"));
}

#[test]
fn what_people_type_is_accepted() {
    let text = "客户编号,姓名,风险等级,风险测评日期,可投资资产,年收入,负债,投资经验(年)\n\
                Ｃ０００１,王五,Ｃ２,2024年1月5日,５０万,\"1,200,000.00\",1.2亿,１２\n\
                C0002,赵六,c4,2024/1/5,1.2亿,１２０００,0,3\n";
    let clients = clients_ok(text);
    assert_eq!(clients[0].client_id, "C0001");
    assert_eq!(clients[0].risk_level, Some(RiskLevel::C2));
    assert_eq!(clients[0].assessment_date, Some(date!(2024 - 01 - 05)));
    assert_eq!(
        clients[0].investable_assets.amount,
        Decimal::new(500_000, 0)
    );
    assert_eq!(
        clients[0].annual_income.unwrap().amount,
        Decimal::new(1_200_000, 0)
    );
    assert_eq!(
        clients[0].debts.unwrap().amount,
        Decimal::new(120_000_000, 0)
    );
    assert_eq!(clients[0].experience_years, 12);
    assert_eq!(
        clients[1].investable_assets.amount,
        Decimal::new(120_000_000, 0)
    );
    assert_eq!(
        clients[1].annual_income.unwrap().amount,
        Decimal::new(12_000, 0)
    );
    assert_eq!(clients[1].assessment_date, Some(date!(2024 - 01 - 05)));
}

#[test]
fn conservative_defaults_for_absent_columns() {
    let clients = clients_ok(&format!("{CLIENT_HEADER}\n{}\n", client_row(1)));
    let c = &clients[0];
    assert_eq!(c.investor_class, copilot_core::InvestorClass::Ordinary);
    assert_eq!(c.liquidity_need, copilot_core::LiquidityNeed::High);
    assert_eq!(c.objective, Objective::Preservation);
    assert_eq!(c.civil_capacity, copilot_core::CivilCapacity::Full);
    assert!(!c.lowest_category);
    assert_eq!(c.experience_years, 0);
    assert_eq!(c.horizon_months, None);
    assert_eq!(c.investable_assets.currency, Currency::CNY);
}

#[test]
fn formula_in_a_name_is_stored_inert() {
    let text = "client_id,name,risk_level,assessment_date,investable_assets,notes\n\
                C1,\"=HYPERLINK(\"\"http://evil.example\"\",\"\"点击\"\")\",C2,2026-01-01,100000,\"  @SUM(A1:A9)\"\n\
                C2,+86 王五,C2,2026-01-01,100000,-跌幅 5%\n";
    let clients = clients_ok(text);
    assert_eq!(
        clients[0].name.expose(),
        "'=HYPERLINK(\"http://evil.example\",\"点击\")"
    );
    assert_eq!(clients[0].notes.as_ref().unwrap().expose(), "'@SUM(A1:A9)");
    assert_eq!(clients[1].name.expose(), "'+86 王五");
    assert_eq!(clients[1].notes.as_ref().unwrap().expose(), "'-跌幅 5%");
}

#[test]
fn formula_in_an_amount_is_rejected_not_prefixed() {
    let errors = client_errors(&format!("{CLIENT_HEADER}\nC1,王五,,,C2,2026-01-01,=1+1\n"));
    assert_eq!(errors[0].field, "investable_assets");
}

#[test]
fn empty_file_and_header_only() {
    let dir = tempfile::tempdir().unwrap();
    let empty = write(dir.path(), "clients.csv", "");
    assert!(matches!(
        import_clients(&empty, Currency::CNY),
        Err(ImportError::Empty { .. })
    ));
    let blank = write(dir.path(), "blank.csv", "\r\n,,,\r\n\r\n");
    assert!(matches!(
        import_clients(&blank, Currency::CNY),
        Err(ImportError::Empty { .. })
    ));
    let bom_only = write(dir.path(), "bom.csv", b"\xEF\xBB\xBF");
    assert!(matches!(
        import_clients(&bom_only, Currency::CNY),
        Err(ImportError::Empty { .. })
    ));
    let header = write(dir.path(), "header.csv", format!("{CLIENT_HEADER}\n\n"));
    assert!(matches!(
        import_clients(&header, Currency::CNY),
        Err(ImportError::NoRows { .. })
    ));
}

#[test]
fn missing_required_column_is_listed() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(
        dir.path(),
        "clients.csv",
        "客户编号,姓名,风险等级,风险测评日期\nC1,王五,C2,2026-01-01\n",
    );
    match import_clients(&path, Currency::CNY) {
        Err(ImportError::MissingColumns { missing, .. }) => {
            assert_eq!(missing, ["investable_assets (可投资资产)"]);
        }
        other => panic!("expected MissingColumns, got {other:?}"),
    }
    let err = import_clients(&path, Currency::CNY)
        .unwrap_err()
        .to_string();
    assert!(err.contains("investable_assets (可投资资产)"), "{err}");
}

#[test]
fn duplicate_column_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(
        dir.path(),
        "clients.csv",
        format!("{CLIENT_HEADER},姓名\n{},王五\n", client_row(1)),
    );
    assert!(matches!(
        import_clients(&path, Currency::CNY),
        Err(ImportError::DuplicateColumn { .. })
    ));
}

#[test]
fn every_error_of_the_file_is_reported() {
    // Errors in rows 3 and 5; rows 2 and 4 are fine. Row 5 has two bad cells.
    let text = format!(
        "{CLIENT_HEADER}\n{}\nC9,王五,,,C2,2026-13-01,100000\n{}\nC8,赵六,,,R3,2026-01-01,-5\n",
        client_row(1),
        client_row(2)
    );
    let errors = client_errors(&text);
    let found: Vec<(usize, &str)> = errors.iter().map(|e| (e.row, e.field.as_str())).collect();
    assert_eq!(
        found,
        [
            (3, "assessment_date"),
            (5, "risk_level"),
            (5, "investable_assets")
        ]
    );
    assert!(errors[0].reason.contains("2026-13-01"));
    assert!(errors[2].reason.contains("negative"));

    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "clients.csv", &text);
    let message = import_clients(&path, Currency::CNY)
        .unwrap_err()
        .to_string();
    assert!(message.contains("3 problem(s)"), "{message}");
    assert!(message.contains("clients.csv row 3, column assessment_date (assessment_date)"));
    assert!(message.contains("clients.csv row 5, column investable_assets (investable_assets)"));
}

#[test]
fn duplicate_client_id_is_rejected() {
    let text = format!(
        "{CLIENT_HEADER}\n{}\n{}\n",
        client_row(7),
        client_row(7).replacen("客户7", "另一个客户", 1)
    );
    let errors = client_errors(&text);
    assert_eq!(errors.len(), 1);
    assert_eq!((errors[0].row, errors[0].field.as_str()), (3, "client_id"));
    assert!(errors[0].reason.contains("first in row 2"));
}

#[test]
fn lowest_category_must_be_c1() {
    let text = "client_id,name,risk_level,lowest_category,assessment_date,investable_assets\n\
                C1,王五,C1,是,2026-01-01,100000\n\
                C2,赵六,C2,yes,2026-01-01,100000\n";
    let errors = client_errors(text);
    assert_eq!(errors.len(), 1);
    assert_eq!(
        (errors[0].row, errors[0].field.as_str()),
        (3, "lowest_category")
    );
    assert!(errors[0].reason.contains("lowest category must be C1"));
}

#[test]
fn risk_level_and_assessment_date_go_together() {
    let text = format!(
        "{CLIENT_HEADER}\nC1,王五,,,,,100000\nC2,赵六,,,C2,,100000\nC3,钱七,,,,2026-01-01,1\n"
    );
    let errors = client_errors(&text);
    let found: Vec<(usize, &str)> = errors.iter().map(|e| (e.row, e.field.as_str())).collect();
    assert_eq!(found, [(3, "assessment_date"), (4, "risk_level")]);
    // Never assessed: no level and no date is a valid profile (S2 handles it).
    let clients = clients_ok(&format!("{CLIENT_HEADER}\nC1,王五,,,,,100000\n"));
    assert_eq!(clients[0].risk_level, None);
}

#[test]
fn unquoted_comma_shifts_are_caught() {
    let text = format!("{CLIENT_HEADER}\nC1,王五,,,C2,2026-01-01,1,200,000.00\nC2,赵六,,,C2\n");
    let errors = client_errors(&text);
    assert_eq!(errors.len(), 2);
    assert_eq!((errors[0].row, errors[0].column.as_str()), (2, ""));
    assert!(errors[0].reason.contains("double quotes"));
    assert!(errors[1].reason.contains("5 cells"));
}

#[test]
fn sensitive_values_never_appear_in_errors() {
    let text = "client_id,name,phone,birth_date,risk_level,assessment_date,investable_assets\n\
                C1,王五,1.37E+10,1990-02-30,C2,2026-01-01,100000\n\
                C2,赵六,电话13700001234,19900230,C2,2026-01-01,100000\n";
    let errors = client_errors(text);
    assert_eq!(errors.len(), 4, "{errors:?}");
    for e in &errors {
        let m = e.to_string();
        for secret in ["王五", "赵六", "1.37", "13700001234", "1990", "0230"] {
            assert!(!m.contains(secret), "{m}");
        }
    }
}

#[test]
fn twenty_thousand_rows_import() {
    let mut text = String::from(CLIENT_HEADER);
    text.push('\n');
    for n in 0..20_000 {
        text.push_str(&client_row(n));
        text.push('\n');
    }
    let clients = clients_ok(&text);
    assert_eq!(clients.len(), 20_000);
    assert_eq!(clients[19_999].client_id, "C19999");
}

#[test]
fn unsupported_extension() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "clients.xls", "whatever");
    assert!(matches!(
        import_clients(&path, Currency::CNY),
        Err(ImportError::UnsupportedFormat { .. })
    ));
}

fn table(headers: &[&str], rows: &[&[&str]]) -> Table {
    Table::new(
        PathBuf::from("t.csv"),
        headers.iter().map(|h| h.to_string()).collect(),
        rows.iter()
            .enumerate()
            .map(|(i, r)| (i + 2, r.iter().map(|c| c.to_string()).collect()))
            .collect(),
    )
}

#[test]
fn in_memory_tables() {
    let t = table(
        &[
            "client_id",
            "name",
            "risk_level",
            "assessment_date",
            "investable_assets",
        ],
        &[&["C1", "Wang", "C3", "2026-01-01", "10万"]],
    );
    let clients = parse_clients(&t, Currency::USD).unwrap();
    assert_eq!(clients[0].investable_assets.currency, Currency::USD);

    // A missing column is reported on the header row.
    let t = table(&["client_id", "name"], &[&["C1", "Wang"]]);
    let errors = parse_clients(&t, Currency::CNY).unwrap_err();
    assert!(errors.iter().all(|e| e.row == 1));
    assert_eq!(errors.len(), 3);
}

#[test]
fn products_defaults_and_single_rating_column() {
    let t = table(
        &["产品代码", "产品名称", "产品类型", "风险评级", "起购金额"],
        &[
            &["MMF9", "示例货币", "货币基金", "R1", "1"],
            &["PF9", "示例私募", "私募基金", "R5", "100万"],
        ],
    );
    // The private fund has no lock-up or term: refused, not guessed.
    let errors = parse_products(&t).unwrap_err();
    assert_eq!(errors.len(), 1);
    assert_eq!(
        (errors[0].row, errors[0].field.as_str()),
        (3, "lockup_months")
    );

    let t = table(
        &[
            "产品代码",
            "英文名称",
            "产品类型",
            "风险评级",
            "起购金额",
            "期限(月)",
        ],
        &[
            &["MMF9", "Example MMF", "money_market", "R1", "1", ""],
            &["PF9", "Example PF", "private_fund", "R5", "100万", "36"],
        ],
    );
    let products = parse_products(&t).unwrap();
    let mmf = &products[0];
    assert_eq!(mmf.seller_rating, mmf.issuer_rating);
    assert_eq!(mmf.liquidity, Liquidity::Open);
    assert_eq!((mmf.lockup_months, mmf.term_months), (0, 0));
    assert_eq!(mmf.offering, Offering::Public);
    assert_eq!(mmf.objective, Objective::Preservation);
    assert!(!mmf.qualified_investor_only);
    let pf = &products[1];
    assert_eq!(pf.liquidity, Liquidity::Closed);
    assert_eq!((pf.lockup_months, pf.term_months), (36, 36));
    assert_eq!(pf.offering, Offering::Private);
    assert_eq!(pf.cooling_off_hours, 24);
    assert!(pf.qualified_investor_only);
    assert_eq!(pf.objective, Objective::Growth);
    assert_eq!(pf.min_subscription.amount, Decimal::new(1_000_000, 0));
    assert_eq!(pf.min_subscription.currency, Currency::CNY);
}

#[test]
fn product_errors() {
    let t = table(
        &[
            "product_code",
            "name_zh",
            "name_en",
            "product_type",
            "issuer_rating",
            "seller_rating",
            "min_subscription",
            "management_fee_pct",
        ],
        &[
            &[
                "BF1",
                "=cmd|' /C calc'!A0",
                "",
                "bond_fund",
                "R2",
                "R6",
                "1000",
                "1.2E+00",
            ],
            &["BF1", "", "", "weekly", "R0", "", "-1", "0.5%"],
        ],
    );
    let errors = parse_products(&t).unwrap_err();
    let found: Vec<(usize, &str)> = errors.iter().map(|e| (e.row, e.field.as_str())).collect();
    assert_eq!(
        found,
        [
            (2, "seller_rating"),
            (2, "management_fee_pct"),
            (3, "product_code"),
            (3, "product_type"),
            (3, "issuer_rating"),
            (3, "min_subscription"),
            (3, "name_zh"),
        ]
    );
    assert!(errors[2].reason.contains("duplicate product_code BF1"));

    let t = table(
        &[
            "product_code",
            "name_zh",
            "product_type",
            "issuer_rating",
            "min_subscription",
            "issuer",
        ],
        &[&[
            "BF1",
            "=cmd|' /C calc'!A0",
            "bond_fund",
            "R2",
            "1000",
            "@evil",
        ]],
    );
    let products = parse_products(&t).unwrap();
    assert_eq!(products[0].name_zh, "'=cmd|' /C calc'!A0");
    assert_eq!(products[0].issuer, "'@evil");
}

#[test]
fn holdings() {
    let t = table(
        &[
            "客户编号",
            "产品代码",
            "产品名称",
            "资产类别",
            "市值",
            "币种",
            "持仓日期",
        ],
        &[
            &[
                "C0001",
                "DEP-TIME",
                "定期存款",
                "现金",
                "51.2万",
                "",
                "2026年11月28日",
            ],
            &[
                "C0001",
                "STK-600519",
                "+示例股票",
                "equity",
                "1,000.50",
                "USD",
                "",
            ],
        ],
    );
    let holdings = parse_holdings(&t).unwrap();
    assert_eq!(holdings[0].asset_class, "cash");
    assert_eq!(holdings[0].market_value.amount, Decimal::new(512_000, 0));
    assert_eq!(holdings[0].as_of, Some(date!(2026 - 11 - 28)));
    assert_eq!(holdings[1].product_name, "'+示例股票");
    assert_eq!(holdings[1].market_value.currency, Currency::USD);

    let t = table(
        &["client_id", "product_code", "market_value", "asset_class"],
        &[&["C1", "P1", "1.5E+05", "crypto"], &["", "P1", "", ""]],
    );
    let errors = parse_holdings(&t).unwrap_err();
    let found: Vec<(usize, &str)> = errors.iter().map(|e| (e.row, e.field.as_str())).collect();
    assert_eq!(
        found,
        [
            (2, "asset_class"),
            (2, "market_value"),
            (3, "client_id"),
            (3, "market_value")
        ]
    );
}

#[test]
fn import_functions_wrap_row_errors_with_the_path() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(
        dir.path(),
        "products.csv",
        "product_code,name_zh,product_type,issuer_rating,min_subscription\nX1,示例,bond_fund,R9,1\n",
    );
    match import_products(&path) {
        Err(ImportError::Invalid { path: p, errors }) => {
            assert_eq!(p, path);
            assert_eq!(errors[0].file, "products.csv");
        }
        other => panic!("expected Invalid, got {other:?}"),
    }
    let path = write(
        dir.path(),
        "holdings.csv",
        "client_id,product_code\nC1,P1\n",
    );
    assert!(matches!(
        import_holdings(&path),
        Err(ImportError::MissingColumns { .. })
    ));
}

#[test]
fn a_huge_error_list_is_capped_in_the_message_but_kept_whole() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("many.csv");
    let mut text = String::from("client_id,name,risk_level,assessment_date,investable_assets\n");
    for i in 0..500 {
        text.push_str(&format!("X{i},N,C9,2026-01-01,1000\n"));
    }
    std::fs::write(&path, text).unwrap();
    match copilot_import::import_clients(&path, copilot_core::Currency::CNY) {
        Err(e @ copilot_import::ImportError::Invalid { .. }) => {
            let message = e.to_string();
            assert!(
                message.lines().count() <= copilot_import::MAX_LISTED_ERRORS + 2,
                "{} lines",
                message.lines().count()
            );
            assert!(
                message.contains("300 more problem(s) not listed"),
                "{message}"
            );
            let copilot_import::ImportError::Invalid { errors, .. } = e else {
                unreachable!()
            };
            assert_eq!(errors.len(), 500);
        }
        other => panic!("expected Invalid, got {other:?}"),
    }
}
