//! Money: a decimal amount with an explicit ISO 4217 currency. Never binary floating point.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// An ISO 4217 alphabetic currency code (three ASCII upper-case letters), e.g. `CNY`, `USD`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Currency([u8; 3]);

impl Currency {
    /// Chinese yuan renminbi.
    pub const CNY: Currency = Currency(*b"CNY");
    /// US dollar.
    pub const USD: Currency = Currency(*b"USD");

    /// The code as a string slice.
    pub fn as_str(&self) -> &str {
        // The constructor admits only ASCII upper-case letters.
        std::str::from_utf8(&self.0).unwrap_or("???")
    }
}

/// ISO 4217 codes accepted on import: the currencies Chinese and international private banks
/// book client assets in. A code outside the list ("CYN") is a typo until IT adds it.
pub const KNOWN_CURRENCIES: &[&str] = &[
    "CNY", "USD", "HKD", "EUR", "GBP", "JPY", "SGD", "AUD", "CAD", "CHF", "MOP", "TWD", "KRW",
    "NZD",
];

/// Error for a currency code that is not three letters, or for a currency name we do not map.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not an ISO 4217 currency code: {0:?}")]
pub struct CurrencyError(pub String);

impl FromStr for Currency {
    type Err = CurrencyError;
    /// Accepts a three-letter code in any case, and the common Chinese names 人民币/元 (CNY),
    /// 美元 (USD), 港币/港元 (HKD), 欧元 (EUR).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let t = s.trim();
        let mapped = match t {
            "人民币" | "元" | "RMB" | "rmb" | "¥" | "￥" => "CNY",
            "美元" | "$" => "USD",
            "港币" | "港元" => "HKD",
            "欧元" => "EUR",
            other => other,
        };
        let up = mapped.to_ascii_uppercase();
        let b = up.as_bytes();
        if b.len() == 3 && KNOWN_CURRENCIES.contains(&up.as_str()) {
            Ok(Currency([b[0], b[1], b[2]]))
        } else {
            Err(CurrencyError(s.to_string()))
        }
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Currency {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Currency {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// An amount of money: decimal amount (serialised as a string) and currency.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Money {
    /// The amount, in units of the currency (yuan, dollars — not cents).
    #[serde(with = "rust_decimal::serde::str")]
    pub amount: Decimal,
    /// The currency.
    pub currency: Currency,
}

impl Money {
    /// A new amount.
    pub fn new(amount: Decimal, currency: Currency) -> Self {
        Money { amount, currency }
    }

    /// Formats with thousands separators and two decimals, e.g. `1,200,000.00 CNY`.
    pub fn display(&self) -> String {
        format!("{} {}", format_amount(self.amount), self.currency)
    }
}

/// Formats a decimal with thousands separators and two decimal places (`1234567.5` → `1,234,567.50`).
pub fn format_amount(amount: Decimal) -> String {
    let rounded = amount.round_dp(2);
    let s = format!("{:.2}", rounded.abs());
    let (int, frac) = s.split_once('.').unwrap_or((&s, "00"));
    let mut grouped = String::new();
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(c);
    }
    let sign = if rounded.is_sign_negative() && !rounded.is_zero() {
        "-"
    } else {
        ""
    };
    format!("{sign}{grouped}.{frac}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn currency_codes() {
        assert_eq!("cny".parse::<Currency>().unwrap(), Currency::CNY);
        assert_eq!("人民币".parse::<Currency>().unwrap(), Currency::CNY);
        assert!("CN".parse::<Currency>().is_err());
        assert!("C1Y".parse::<Currency>().is_err());
        assert!("CYN".parse::<Currency>().is_err());
    }

    #[test]
    fn amount_formatting() {
        assert_eq!(format_amount(Decimal::new(12345675, 1)), "1,234,567.50");
        assert_eq!(format_amount(Decimal::new(100, 0)), "100.00");
        assert_eq!(format_amount(Decimal::new(-1000, 0)), "-1,000.00");
    }
}
