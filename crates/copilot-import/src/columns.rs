//! The accepted header names of each table and how a file's header row is matched to them.
//!
//! Matching is done on a key: the header with full-width forms turned into ASCII
//! (`投资期限（月）` → `投资期限(月)`), lower-cased, and with spaces, `_` and `-` removed, so
//! `Client ID`, `client_id` and `CLIENT-ID` all match `client_id`. Unknown headers are ignored,
//! because CRM exports carry many columns we do not need.

use crate::error::{ImportError, RowError};
use crate::table::Table;
use copilot_core::parse::normalize_width;
use std::collections::HashMap;
use std::path::Path;

/// Which table a file holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TableKind {
    /// Client profiles (the CRM export).
    Clients,
    /// Client positions.
    Holdings,
    /// The product shelf.
    Products,
}

/// Whether a column must be present in the header row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColumnNeed {
    /// The column must be present.
    Required,
    /// The column must be present unless the named other field's column is (e.g. `name_zh`
    /// or `name_en`).
    RequiredUnless(&'static str),
    /// The column may be absent; the documented default then applies.
    Optional,
}

/// One column a table accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ColumnSpec {
    /// Canonical field name, the English snake_case header (`client_id`).
    pub field: &'static str,
    /// Every accepted header, the canonical name first, then the Chinese labels.
    pub headers: &'static [&'static str],
    /// Whether the column must be present.
    pub need: ColumnNeed,
    /// Personal data: error messages never quote the cell's value.
    pub sensitive: bool,
}

const fn col(
    field: &'static str,
    headers: &'static [&'static str],
    need: ColumnNeed,
    sensitive: bool,
) -> ColumnSpec {
    ColumnSpec {
        field,
        headers,
        need,
        sensitive,
    }
}

use ColumnNeed::{Optional, Required, RequiredUnless};

/// Marks personal data (see [`ColumnSpec::sensitive`]).
const PERSONAL: bool = true;
/// Marks data that error messages may quote.
const PLAIN: bool = false;

#[rustfmt::skip]
const CLIENT_COLUMNS: &[ColumnSpec] = &[
    col("client_id", &["client_id", "客户编号", "客户号"], Required, PLAIN),
    col("name", &["name", "姓名", "客户姓名", "客户名称"], Required, PERSONAL),
    col("id_number", &["id_number", "证件号码", "身份证号", "身份证号码"], Optional, PERSONAL),
    col("birth_date", &["birth_date", "出生日期"], Optional, PERSONAL),
    col("phone", &["phone", "手机号码", "手机", "手机号", "联系电话"], Optional, PERSONAL),
    col("investor_class", &["investor_class", "投资者类别", "投资者类型"], Optional, PLAIN),
    col("risk_level", &["risk_level", "风险等级", "风险承受能力等级"], Required, PLAIN),
    col("lowest_category", &["lowest_category", "最低类别", "最低风险承受能力类别"], Optional, PLAIN),
    col("assessment_date", &["assessment_date", "风险测评日期", "测评日期"], Required, PLAIN),
    col("questionnaire_version", &["questionnaire_version", "问卷版本"], Optional, PLAIN),
    col("civil_capacity", &["civil_capacity", "民事行为能力"], Optional, PLAIN),
    col("horizon_months", &["horizon_months", "投资期限(月)", "投资期限（月）"], Optional, PLAIN),
    col("liquidity_need", &["liquidity_need", "流动性需求"], Optional, PLAIN),
    col("objective", &["objective", "投资目标"], Optional, PLAIN),
    col("investable_assets", &["investable_assets", "可投资资产", "金融资产"], Required, PLAIN),
    col("annual_income", &["annual_income", "年收入"], Optional, PLAIN),
    col("debts", &["debts", "负债"], Optional, PLAIN),
    col("currency", &["currency", "币种"], Optional, PLAIN),
    col("experience_years", &["experience_years", "投资经验(年)", "投资经验（年）"], Optional, PLAIN),
    col("experience_types", &["experience_types", "投资经验品种"], Optional, PLAIN),
    col("notes", &["notes", "备注"], Optional, PERSONAL),
    col("profile_updated", &["profile_updated", "资料更新日期"], Optional, PLAIN),
    col("loss_tolerance", &["loss_tolerance", "可接受亏损", "亏损承受"], Optional, PLAIN),
    col("max_loss_pct", &["max_loss_pct", "最大可承受亏损(%)", "最大可承受亏损（%）", "最大可承受亏损"], Optional, PLAIN),
];

#[rustfmt::skip]
const PRODUCT_COLUMNS: &[ColumnSpec] = &[
    col("product_code", &["product_code", "产品代码"], Required, PLAIN),
    col("name_zh", &["name_zh", "产品名称", "中文名称"], RequiredUnless("name_en"), PLAIN),
    col("name_en", &["name_en", "英文名称"], RequiredUnless("name_zh"), PLAIN),
    col("product_type", &["product_type", "产品类型"], Required, PLAIN),
    col("issuer_rating", &["issuer_rating", "发行人评级", "风险评级"], Required, PLAIN),
    col("seller_rating", &["seller_rating", "销售机构评级"], Optional, PLAIN),
    col("term_months", &["term_months", "期限", "期限(月)", "期限（月）"], Optional, PLAIN),
    col("liquidity", &["liquidity", "流动性"], Optional, PLAIN),
    col("lockup_months", &["lockup_months", "封闭期", "封闭期(月)", "封闭期（月）"], Optional, PLAIN),
    col("min_subscription", &["min_subscription", "起购金额"], Required, PLAIN),
    col("currency", &["currency", "币种"], Optional, PLAIN),
    col("management_fee_pct", &["management_fee_pct", "管理费率", "费率"], Optional, PLAIN),
    col("subscription_fee_pct", &["subscription_fee_pct", "认购费率"], Optional, PLAIN),
    col("offering", &["offering", "募集方式"], Optional, PLAIN),
    col("cooling_off_hours", &["cooling_off_hours", "冷静期(小时)", "冷静期（小时）"], Optional, PLAIN),
    col("rating_date", &["rating_date", "评级日期"], Optional, PLAIN),
    col("qualified_investor_only", &["qualified_investor_only", "合格投资者"], Optional, PLAIN),
    col("objective", &["objective", "适合目标", "产品目标"], Optional, PLAIN),
    col("issuer", &["issuer", "发行机构"], Optional, PLAIN),
];

#[rustfmt::skip]
const HOLDING_COLUMNS: &[ColumnSpec] = &[
    col("client_id", &["client_id", "客户编号", "客户号"], Required, PLAIN),
    col("product_code", &["product_code", "产品代码"], Required, PLAIN),
    col("product_name", &["product_name", "产品名称"], Optional, PLAIN),
    col("asset_class", &["asset_class", "资产类别"], Optional, PLAIN),
    col("market_value", &["market_value", "市值"], Required, PLAIN),
    col("currency", &["currency", "币种"], Optional, PLAIN),
    col("as_of", &["as_of", "持仓日期"], Optional, PLAIN),
];

impl TableKind {
    /// Every column the table accepts, in the order of the sample files.
    pub fn columns(self) -> &'static [ColumnSpec] {
        match self {
            TableKind::Clients => CLIENT_COLUMNS,
            TableKind::Holdings => HOLDING_COLUMNS,
            TableKind::Products => PRODUCT_COLUMNS,
        }
    }

    /// The column spec of a canonical field name, if the table has it.
    pub fn column(self, field: &str) -> Option<&'static ColumnSpec> {
        self.columns().iter().find(|c| c.field == field)
    }
}

/// Header names that hold dates in any table. A number in such a column of a spreadsheet is an
/// Excel serial date and is converted while the workbook is read (the workbook knows its epoch).
pub(crate) fn is_date_header(header: &str) -> bool {
    const DATE_FIELDS: &[&str] = &[
        "birth_date",
        "assessment_date",
        "profile_updated",
        "rating_date",
        "as_of",
    ];
    let key = header_key(header);
    [TableKind::Clients, TableKind::Products, TableKind::Holdings]
        .iter()
        .flat_map(|k| k.columns())
        .filter(|c| DATE_FIELDS.contains(&c.field))
        .any(|c| c.headers.iter().any(|h| header_key(h) == key))
}

/// The matching key of a header: see the module documentation.
pub(crate) fn header_key(header: &str) -> String {
    normalize_width(header)
        .trim_start_matches('\u{feff}')
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '_' && *c != '-')
        .flat_map(char::to_lowercase)
        .collect()
}

/// Where each known field sits in a table.
#[derive(Debug)]
pub(crate) struct Columns {
    /// Field → (column index, header text as in the file).
    found: HashMap<&'static str, (usize, String)>,
    pub(crate) kind: TableKind,
}

/// A header-row problem, turned into an [`ImportError`] or a [`RowError`] by the caller.
#[derive(Debug)]
pub(crate) enum HeaderProblem {
    Missing(Vec<String>),
    Duplicate(String),
}

impl HeaderProblem {
    pub(crate) fn into_import_error(self, path: &Path) -> ImportError {
        match self {
            HeaderProblem::Missing(missing) => ImportError::MissingColumns {
                path: path.to_path_buf(),
                missing,
            },
            HeaderProblem::Duplicate(column) => ImportError::DuplicateColumn {
                path: path.to_path_buf(),
                column,
            },
        }
    }

    /// The same problem as row errors on the header row (row 1).
    pub(crate) fn into_row_errors(self, file: &str) -> Vec<RowError> {
        let header_error = |reason: String| RowError {
            file: file.to_string(),
            row: 1,
            column: String::new(),
            field: String::new(),
            reason,
        };
        match self {
            HeaderProblem::Missing(missing) => missing
                .into_iter()
                .map(|m| header_error(format!("required column is missing: {m}")))
                .collect(),
            HeaderProblem::Duplicate(column) => vec![header_error(format!(
                "two columns mean the same field; remove one of them: {column}"
            ))],
        }
    }
}

impl Columns {
    /// Matches the table's header row against the kind's accepted headers.
    pub(crate) fn resolve(table: &Table, kind: TableKind) -> Result<Columns, HeaderProblem> {
        let specs = kind.columns();
        let mut found: HashMap<&'static str, (usize, String)> = HashMap::new();
        for (index, header) in table.headers.iter().enumerate() {
            let key = header_key(header);
            if key.is_empty() {
                continue;
            }
            let Some(spec) = specs
                .iter()
                .find(|s| s.headers.iter().any(|h| header_key(h) == key))
            else {
                continue;
            };
            if let Some((_, first)) = found.get(spec.field) {
                return Err(HeaderProblem::Duplicate(format!(
                    "{header} ({}), already given by {first}",
                    spec.field
                )));
            }
            found.insert(spec.field, (index, header.clone()));
        }
        let position = |field: &str| specs.iter().position(|s| s.field == field);
        let missing: Vec<String> = specs
            .iter()
            .enumerate()
            .filter(|(_, s)| !found.contains_key(s.field))
            .filter_map(|(i, s)| match s.need {
                Required => Some(describe(s)),
                // Report the pair once, from the first of the two.
                RequiredUnless(other)
                    if !found.contains_key(other) && position(other).is_some_and(|o| i < o) =>
                {
                    let other_spec = kind.column(other).map(describe).unwrap_or_default();
                    Some(format!("{} or {other_spec}", describe(s)))
                }
                _ => None,
            })
            .collect();
        if !missing.is_empty() {
            return Err(HeaderProblem::Missing(missing));
        }
        Ok(Columns { found, kind })
    }

    /// Column index and header text of a field, if the file has the column.
    pub(crate) fn get(&self, field: &str) -> Option<(usize, &str)> {
        self.found.get(field).map(|(i, h)| (*i, h.as_str()))
    }

    /// Whether the file has the field's column.
    pub(crate) fn has(&self, field: &str) -> bool {
        self.found.contains_key(field)
    }
}

/// `client_id (客户编号)`: the canonical name and the first Chinese header.
fn describe(spec: &ColumnSpec) -> String {
    match spec.headers.get(1) {
        Some(zh) => format!("{} ({zh})", spec.field),
        None => spec.field.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(headers: &[&str]) -> Table {
        Table::new(
            "t.csv",
            headers.iter().map(|h| h.to_string()).collect(),
            Vec::new(),
        )
    }

    #[test]
    fn header_keys() {
        assert_eq!(header_key(" Client ID "), "clientid");
        assert_eq!(header_key("client_id"), "clientid");
        assert_eq!(header_key("投资期限（月）"), "投资期限(月)");
        assert_eq!(header_key("\u{feff}客户编号"), "客户编号");
    }

    #[test]
    fn aliases_are_unique_within_a_table() {
        for kind in [TableKind::Clients, TableKind::Holdings, TableKind::Products] {
            let mut seen = HashMap::new();
            for spec in kind.columns() {
                assert_eq!(spec.headers[0], spec.field);
                for h in spec.headers {
                    if let Some(other) = seen.insert(header_key(h), spec.field) {
                        assert_eq!(other, spec.field, "{h} maps to two fields");
                    }
                }
            }
        }
    }

    #[test]
    fn missing_and_duplicate() {
        let t = table(&["客户编号", "姓名"]);
        let Err(HeaderProblem::Missing(m)) = Columns::resolve(&t, TableKind::Clients) else {
            panic!("expected missing columns");
        };
        assert_eq!(
            m,
            [
                "risk_level (风险等级)",
                "assessment_date (风险测评日期)",
                "investable_assets (可投资资产)"
            ]
        );
        let t = table(&["产品代码", "产品类型", "风险评级", "起购金额"]);
        let Err(HeaderProblem::Missing(m)) = Columns::resolve(&t, TableKind::Products) else {
            panic!("expected missing columns");
        };
        assert_eq!(m, ["name_zh (产品名称) or name_en (英文名称)"]);
        let t = table(&[
            "产品代码",
            "英文名称",
            "产品类型",
            "风险评级",
            "发行人评级",
            "起购金额",
        ]);
        assert!(matches!(
            Columns::resolve(&t, TableKind::Products),
            Err(HeaderProblem::Duplicate(_))
        ));
    }

    #[test]
    fn date_headers() {
        assert!(is_date_header("出生日期"));
        assert!(is_date_header("As Of"));
        assert!(!is_date_header("证件号码"));
    }
}
