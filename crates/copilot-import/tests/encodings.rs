//! Text encodings and delimiters as exported by Chinese Excel, WPS and CRM systems.

mod common;

use common::{id_number, write};
use copilot_core::{Currency, RiskLevel};
use copilot_import::{import_clients, import_holdings, ImportError};
use rust_decimal::Decimal;
use time::macros::date;

/// A clients file with Chinese headers, Chinese values and formats people type.
fn chinese_clients_csv() -> String {
    let id1 = id_number("310104", "19850312", 123);
    let id2 = id_number("440305", "19700101", 456);
    format!(
        "客户编号,客户姓名,身份证号,出生日期,手机号码,投资者类别,风险等级,风险测评日期,投资期限（月）,流动性需求,投资目标,可投资资产,币种,备注\r\n\
         C1001,张三,{id1},1985年3月12日,13700001234,普通,Ｃ３,2026年1月5日,３６,中,平衡,120万,人民币,客户希望稳健增值\r\n\
         C1002,李四,{id2},1970/1/1,,专业投资者,C5,2026/2/1,60,低,增长,0.5亿,,\r\n"
    )
}

fn check_chinese_clients(path: &std::path::Path) {
    let clients = import_clients(path, Currency::CNY).unwrap();
    assert_eq!(clients.len(), 2);
    let a = &clients[0];
    assert_eq!(a.client_id, "C1001");
    assert_eq!(a.name.expose(), "张三");
    assert_eq!(a.risk_level, Some(RiskLevel::C3));
    assert_eq!(a.birth_date, Some(date!(1985 - 03 - 12)));
    assert_eq!(a.assessment_date, Some(date!(2026 - 01 - 05)));
    assert_eq!(a.horizon_months, Some(36));
    assert_eq!(a.investable_assets.amount, Decimal::new(1_200_000, 0));
    assert_eq!(a.notes.as_ref().unwrap().expose(), "客户希望稳健增值");
    let b = &clients[1];
    assert_eq!(b.investable_assets.amount, Decimal::new(50_000_000, 0));
    assert_eq!(b.investable_assets.currency, Currency::CNY);
    assert!(b.phone.is_none());
}

#[test]
fn gbk_file_with_chinese_headers() {
    let dir = tempfile::tempdir().unwrap();
    let text = chinese_clients_csv();
    let (bytes, _, unmappable) = encoding_rs::GBK.encode(&text);
    assert!(!unmappable);
    // Make sure the bytes really are not UTF-8, so the GB18030 path is the one tested.
    assert!(std::str::from_utf8(&bytes).is_err());
    let path = write(dir.path(), "客户.csv", &bytes);
    check_chinese_clients(&path);
}

#[test]
fn utf8_with_bom() {
    let dir = tempfile::tempdir().unwrap();
    let mut bytes = b"\xEF\xBB\xBF".to_vec();
    bytes.extend(chinese_clients_csv().as_bytes());
    let path = write(dir.path(), "clients.csv", bytes);
    check_chinese_clients(&path);
}

#[test]
fn utf16_le_with_bom_tab_separated() {
    // Excel's "Unicode text" export: UTF-16 LE with BOM, tab-separated.
    let dir = tempfile::tempdir().unwrap();
    let text = chinese_clients_csv().replace(',', "\t");
    let mut bytes = vec![0xFF, 0xFE];
    bytes.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
    let path = write(dir.path(), "clients.txt", bytes);
    check_chinese_clients(&path);
}

#[test]
fn utf16_be_with_bom() {
    let dir = tempfile::tempdir().unwrap();
    let mut bytes = vec![0xFE, 0xFF];
    bytes.extend(
        chinese_clients_csv()
            .encode_utf16()
            .flat_map(u16::to_be_bytes),
    );
    let path = write(dir.path(), "clients.csv", bytes);
    check_chinese_clients(&path);
}

#[test]
fn undecodable_bytes_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let mut bytes = b"client_id,product_code,market_value\nC1,P1,".to_vec();
    bytes.extend([0xFF, 0xFF, b'\n']);
    let path = write(dir.path(), "holdings.csv", bytes);
    assert!(matches!(
        import_holdings(&path),
        Err(ImportError::Encoding { .. })
    ));
}

#[test]
fn utf16_without_bom_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let bytes: Vec<u8> = "client_id,product_code,market_value\nC1,P1,5\n"
        .encode_utf16()
        .flat_map(u16::to_le_bytes)
        .collect();
    let path = write(dir.path(), "holdings.csv", bytes);
    assert!(matches!(
        import_holdings(&path),
        Err(ImportError::Encoding { .. })
    ));
}
