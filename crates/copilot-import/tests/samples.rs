//! The synthetic sample data in assets/sample imports cleanly, with the right counts and values.

mod common;

use common::sample_dir;
use copilot_core::{Currency, Liquidity, Offering, Rating, RiskLevel};
use copilot_import::{import_clients, import_documents, import_holdings, import_products};
use rust_decimal::Decimal;
use std::path::PathBuf;
use time::macros::date;

#[test]
fn sample_clients_import() {
    let clients = import_clients(&sample_dir().join("clients.csv"), Currency::CNY).unwrap();
    assert_eq!(clients.len(), 48);
    let by_id = |id: &str| clients.iter().find(|c| c.client_id == id).unwrap();

    let c1 = by_id("C0001");
    assert_eq!(c1.name.expose(), "王晓明");
    assert_eq!(c1.risk_level, Some(RiskLevel::C3));
    assert_eq!(c1.birth_date, Some(date!(1981 - 01 - 19)));
    assert_eq!(c1.investable_assets.amount, Decimal::new(1_200_000, 0));
    assert_eq!(c1.experience_types.len(), 4);

    // 万 and 亿 as typed in the CRM.
    assert_eq!(
        by_id("C0004").investable_assets.amount,
        Decimal::new(30_000_000, 0)
    );
    assert_eq!(
        by_id("C0032").investable_assets.amount,
        Decimal::new(50_000_000, 0)
    );
    assert_eq!(
        by_id("C0037").investable_assets.amount,
        Decimal::new(50_000, 0)
    );

    // USD clients keep their currency; the others get the default.
    assert_eq!(by_id("C0003").investable_assets.currency, Currency::USD);
    assert_eq!(
        clients
            .iter()
            .filter(|c| c.investable_assets.currency == Currency::USD)
            .count(),
        3
    );

    // Both lowest-category clients are C1.
    let lowest: Vec<&str> = clients
        .iter()
        .filter(|c| c.lowest_category)
        .map(|c| c.client_id.as_str())
        .collect();
    assert_eq!(lowest, ["C0007", "C0019"]);

    // All five risk levels are present.
    for level in RiskLevel::ALL {
        assert!(clients.iter().any(|c| c.risk_level == Some(*level)));
    }
}

#[test]
fn sample_products_import() {
    let products = import_products(&sample_dir().join("products.csv")).unwrap();
    assert_eq!(products.len(), 30);
    let by_code = |code: &str| products.iter().find(|p| p.product_code == code).unwrap();

    let wm04 = by_code("WM04");
    assert_eq!(wm04.issuer_rating, Rating::R2);
    assert_eq!(wm04.seller_rating, Rating::R3);
    assert_eq!(wm04.effective_rating(), Rating::R3);
    assert_eq!(wm04.liquidity, Liquidity::Periodic);
    assert_eq!(wm04.lockup_months, 24);

    let pf03 = by_code("PF03");
    assert_eq!(pf03.offering, Offering::Private);
    assert_eq!(pf03.cooling_off_hours, 24);
    assert!(pf03.qualified_investor_only);
    assert_eq!(pf03.lockup_months, 60);

    assert_eq!(by_code("CASH02").min_subscription.currency, Currency::USD);
    assert_eq!(by_code("CASH01").management_fee_pct, Decimal::new(20, 2));

    let mut per_rating = [0usize; 5];
    for p in &products {
        per_rating[p.effective_rating().as_number() as usize - 1] += 1;
    }
    assert_eq!(per_rating, [5, 6, 7, 7, 5]);
}

#[test]
fn sample_holdings_import() {
    let holdings = import_holdings(&sample_dir().join("holdings.csv")).unwrap();
    assert_eq!(holdings.len(), 152);
    let clients: std::collections::BTreeSet<&str> =
        holdings.iter().map(|h| h.client_id.as_str()).collect();
    assert_eq!(clients.len(), 47);
    assert!(holdings
        .iter()
        .all(|h| h.as_of == Some(date!(2026 - 11 - 28))));
    assert!(holdings.iter().all(
        |h| ["cash", "fixed_income", "equity", "alternative"].contains(&h.asset_class.as_str())
    ));
}

#[test]
fn sample_documents_import() {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(sample_dir().join("documents"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    paths.sort();
    let documents = import_documents(&paths).unwrap();
    assert_eq!(documents.len(), 30);
    let products = import_products(&sample_dir().join("products.csv")).unwrap();
    for product in &products {
        let doc = documents
            .iter()
            .find(|d| d.product_code == product.product_code)
            .unwrap_or_else(|| panic!("no document for {}", product.product_code));
        assert_eq!(doc.document_id, format!("{0}/{0}.md", product.product_code));
        assert!(doc.title.contains(&product.product_code), "{}", doc.title);
        assert!(!doc.text.contains('\r'));
    }
    let wm01 = documents.iter().find(|d| d.product_code == "WM01").unwrap();
    assert_eq!(wm01.title, "示例安心现金管理类理财（WM01）产品说明");
}
