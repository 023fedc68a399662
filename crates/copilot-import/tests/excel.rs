//! Excel .xlsx workbooks written with rust_xlsxwriter.

mod common;

use common::id_number;
use copilot_core::{Currency, RiskLevel};
use copilot_import::{import_clients, import_products, read_table, CellType, ImportError};
use rust_decimal::Decimal;
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
use std::path::Path;
use time::macros::date;

const HEADERS: [&str; 8] = [
    "客户编号",
    "姓名",
    "证件号码",
    "出生日期",
    "风险等级",
    "风险测评日期",
    "可投资资产",
    "手机号码",
];

/// Writes a clients workbook: a date-formatted assessment date, the birth date as text, and the
/// ID number either as text (right) or as a number (what Excel does by default).
fn write_clients(path: &Path, id_as_number: bool) {
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    for (c, h) in HEADERS.iter().enumerate() {
        sheet.write_string(0, c as u16, *h).unwrap();
    }
    let date_format = Format::new().set_num_format("yyyy/m/d");
    let ids = [
        id_number("110101", "19900307", 447),
        id_number("320102", "19750620", 231),
    ];
    for (i, id) in ids.iter().enumerate() {
        let row = i as u32 + 1;
        sheet.write_string(row, 0, format!("C200{i}")).unwrap();
        sheet.write_string(row, 1, ["周杰", "Anna Lee"][i]).unwrap();
        if id_as_number && i == 1 {
            sheet
                .write_number(row, 2, id.parse::<f64>().unwrap())
                .unwrap();
        } else {
            sheet.write_string(row, 2, id).unwrap();
        }
        let birth = &id[6..14];
        sheet
            .write_string(
                row,
                3,
                format!("{}年{}月{}日", &birth[..4], &birth[4..6], &birth[6..]),
            )
            .unwrap();
        sheet.write_string(row, 4, "C3").unwrap();
        sheet
            .write_datetime_with_format(
                row,
                5,
                ExcelDateTime::from_ymd(2026, 3, 15).unwrap(),
                &date_format,
            )
            .unwrap();
        // Amounts as numbers (integer-valued and not) and as typed text.
        if i == 0 {
            sheet.write_number(row, 6, 800000.0).unwrap();
        } else {
            sheet.write_string(row, 6, "80万").unwrap();
        }
        sheet.write_string(row, 7, "13700001234").unwrap();
    }
    workbook.save(path).unwrap();
}

#[test]
fn xlsx_with_chinese_headers_date_cell_and_text_id_imports() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("clients.xlsx");
    write_clients(&path, false);

    let table = read_table(&path).unwrap();
    assert_eq!(table.headers, HEADERS);
    assert_eq!(table.rows[0].0, 2);
    assert_eq!(table.rows[0].1[5], "2026-03-15");
    assert_eq!(table.rows[0].1[6], "800000");
    assert_eq!(table.cell_type(2, 5), Some(CellType::Date));

    let clients = import_clients(&path, Currency::CNY).unwrap();
    assert_eq!(clients.len(), 2);
    assert_eq!(clients[0].client_id, "C2000");
    assert_eq!(
        clients[0].id_number.as_ref().unwrap().expose(),
        id_number("110101", "19900307", 447)
    );
    assert_eq!(clients[0].birth_date, Some(date!(1990 - 03 - 07)));
    assert_eq!(clients[0].assessment_date, Some(date!(2026 - 03 - 15)));
    assert_eq!(clients[0].risk_level, Some(RiskLevel::C3));
    assert_eq!(
        clients[0].investable_assets.amount,
        Decimal::new(800_000, 0)
    );
    assert_eq!(
        clients[1].investable_assets.amount,
        Decimal::new(800_000, 0)
    );
}

#[test]
fn xlsx_numeric_id_is_rejected_with_row_and_column() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("clients.xlsx");
    write_clients(&path, true);
    let Err(ImportError::Invalid { errors, .. }) = import_clients(&path, Currency::CNY) else {
        panic!("a numeric ID number must be refused");
    };
    assert_eq!(errors.len(), 1, "{errors:?}");
    let e = &errors[0];
    assert_eq!(e.row, 3);
    assert_eq!(e.column, "证件号码");
    assert_eq!(e.field, "id_number");
    assert!(e.reason.contains("stored as a number"), "{}", e.reason);
    let message = e.to_string();
    assert!(
        message.starts_with("clients.xlsx row 3, column 证件号码 (id_number): "),
        "{message}"
    );
    // Neither the real ID nor the rounded one leaks into the message.
    assert!(!message.contains("320102"), "{message}");
    assert!(!message.contains("3.2010"), "{message}");
}

#[test]
fn xlsx_numeric_phone_is_rejected() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("clients.xlsx");
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    for (c, h) in [
        "client_id",
        "name",
        "risk_level",
        "assessment_date",
        "investable_assets",
        "phone",
    ]
    .iter()
    .enumerate()
    {
        sheet.write_string(0, c as u16, *h).unwrap();
    }
    for (c, v) in ["C1", "Wang", "C2", "2026-01-01", "100000"]
        .iter()
        .enumerate()
    {
        sheet.write_string(1, c as u16, *v).unwrap();
    }
    sheet.write_number(1, 5, 13700001234.0).unwrap();
    workbook.save(&path).unwrap();
    let Err(ImportError::Invalid { errors, .. }) = import_clients(&path, Currency::CNY) else {
        panic!("a numeric phone number must be refused");
    };
    assert_eq!(errors.len(), 1);
    assert_eq!((errors[0].row, errors[0].field.as_str()), (2, "phone"));
    assert!(!errors[0].to_string().contains("13700001234"));
}

#[test]
fn xlsx_serial_date_number_in_a_date_column() {
    // A date column that lost its date format shows serial numbers (45296 = 2024-01-05).
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("products.xlsx");
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    let headers = [
        "产品代码",
        "产品名称",
        "产品类型",
        "风险评级",
        "起购金额",
        "评级日期",
        "管理费率",
    ];
    for (c, h) in headers.iter().enumerate() {
        sheet.write_string(0, c as u16, *h).unwrap();
    }
    for (c, v) in ["BF09", "示例债券基金", "债券基金", "R2"]
        .iter()
        .enumerate()
    {
        sheet.write_string(1, c as u16, *v).unwrap();
    }
    sheet.write_number(1, 4, 1000.0).unwrap();
    sheet.write_number(1, 5, 45296.0).unwrap();
    sheet.write_number(1, 6, 0.6).unwrap();
    workbook.save(&path).unwrap();
    let products = import_products(&path).unwrap();
    assert_eq!(products[0].rating_date, Some(date!(2024 - 01 - 05)));
    assert_eq!(products[0].management_fee_pct, Decimal::new(6, 1));
    assert_eq!(products[0].min_subscription.amount, Decimal::new(1000, 0));
}

#[test]
fn xlsx_header_only_and_empty() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("empty.xlsx");
    let mut workbook = Workbook::new();
    workbook.add_worksheet();
    workbook.save(&path).unwrap();
    assert!(matches!(read_table(&path), Err(ImportError::Empty { .. })));

    let path = dir.path().join("header.xlsx");
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.write_string(0, 0, "client_id").unwrap();
    workbook.save(&path).unwrap();
    assert!(matches!(read_table(&path), Err(ImportError::NoRows { .. })));
}

#[test]
fn not_a_workbook() {
    let dir = tempfile::tempdir().unwrap();
    let path = common::write(dir.path(), "clients.xlsx", "client_id,name\n");
    assert!(matches!(read_table(&path), Err(ImportError::Excel { .. })));
}
