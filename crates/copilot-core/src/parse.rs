//! Parsing of the values people really type into CRM exports and spreadsheets.
//!
//! Every function either returns the exact value or an error saying why; none guesses. Accepted:
//! full-width digits and punctuation (typed with Chinese input methods), thousands separators,
//! the units 万 (10⁴) and 亿 (10⁸), dates as `2024-01-05`, `2024/1/5`, `2024.1.5`, `20240105` and
//! `2024年1月5日`. Rejected: numbers in scientific notation (Excel's `1.10101E+17` has already lost
//! digits), ID numbers with a wrong check digit, anything else ambiguous.

use rust_decimal::Decimal;
use std::str::FromStr;
use time::{Date, Month};

/// Why a value could not be parsed. The message is safe to show and log: it never repeats an ID
/// number or a name, only the shape of what was wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ValueError {
    /// Empty where a value is required.
    #[error("value is required")]
    Missing,
    /// Scientific notation: a spreadsheet turned a long number into a float and lost digits.
    #[error("number in scientific notation ({0}); the spreadsheet has rounded it — re-export the column as text")]
    ScientificNotation(String),
    /// Not a number / amount.
    #[error("not an amount: {0:?}")]
    NotAnAmount(String),
    /// Negative where only zero or more is allowed.
    #[error("amount must not be negative: {0:?}")]
    Negative(String),
    /// Not a date in an accepted format, or not a real calendar date.
    #[error("not a date (use 2024-01-05, 2024/1/5 or 2024年1月5日): {0:?}")]
    NotADate(String),
    /// ID number malformed (length or characters). The value itself is not repeated.
    #[error("ID number must be 18 characters: 17 digits and a check digit 0–9 or X (got {0} characters)")]
    IdNumberShape(usize),
    /// ID number check digit wrong (ISO 7064 MOD 11-2).
    #[error("ID number check digit does not match (GB 11643-1999, ISO 7064 MOD 11-2)")]
    IdNumberChecksum,
    /// The birth date inside the ID number is not a real date.
    #[error("ID number contains an invalid birth date")]
    IdNumberBirthDate,
    /// Not one of the allowed words.
    #[error("expected one of {expected}, found {found:?}")]
    NotOneOf {
        /// Allowed values, for the message.
        expected: &'static str,
        /// What was found.
        found: String,
    },
    /// Not a whole number.
    #[error("not a whole number: {0:?}")]
    NotAnInteger(String),
}

/// Converts full-width ASCII forms (U+FF01–U+FF5E) to ASCII and the ideographic space to a space;
/// trims surrounding whitespace.
pub fn normalize_width(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            '\u{3000}' => ' ',
            '。' => '.',
            other => other,
        })
        .collect::<String>()
        .trim()
        .to_string()
}

/// Cleans free text typed by a user (a goal, a comment) before it is shown in a memo or a prompt:
/// removes control and format characters (zero-width spaces, bidi overrides such as U+202E, BOMs),
/// folds every run of whitespace, line breaks included, into one space, trims, and keeps at most
/// `max_chars` characters. Line breaks are removed so that free text cannot forge memo lines.
pub fn sanitize_free_text(raw: &str, max_chars: usize) -> String {
    let cleaned: String = raw
        .chars()
        .map(|c| if c.is_whitespace() { ' ' } else { c })
        .filter(|c| !c.is_control() && !is_format_char(*c))
        .collect();
    cleaned
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .chars()
        .take(max_chars)
        .collect()
}

/// Unicode format characters (general category Cf) that matter for hidden text: zero-width
/// characters, bidi embeddings/overrides/isolates, word joiner, BOM, soft hyphen, tags.
fn is_format_char(c: char) -> bool {
    matches!(c,
        '\u{00AD}' | '\u{061C}' | '\u{180E}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}'
        | '\u{2060}'..='\u{2064}' | '\u{2066}'..='\u{206F}' | '\u{FEFF}' | '\u{E0000}'..='\u{E007F}')
}

/// Parses an amount: `1,200,000.00`, `１２０万`, `1.2亿`, `50万元`, `¥500,000`, `500000 元`.
///
/// Units: 万 = 10 000, 亿 = 100 000 000 (a trailing 元 or currency sign is ignored; the currency is a
/// separate column). Errors: [`ValueError::ScientificNotation`] for `1.2E+06`,
/// [`ValueError::NotAnAmount`] otherwise. Negative amounts are returned as parsed; callers that need
/// non-negative values use [`parse_non_negative_amount`].
pub fn parse_amount(raw: &str) -> Result<Decimal, ValueError> {
    let s = normalize_width(raw);
    if s.is_empty() {
        return Err(ValueError::Missing);
    }
    let mut t: String = s
        .chars()
        .filter(|c| !matches!(c, ',' | '，' | ' ' | '_' | '\'' | '¥' | '￥' | '$'))
        .collect();
    for suffix in ["元", "CNY", "RMB", "USD"] {
        if let Some(stripped) = t.strip_suffix(suffix) {
            t = stripped.to_string();
        }
    }
    let (number, multiplier) = if let Some(n) = t.strip_suffix('亿') {
        (n.to_string(), Decimal::new(100_000_000, 0))
    } else if let Some(n) = t.strip_suffix('万') {
        (n.to_string(), Decimal::new(10_000, 0))
    } else {
        (t.clone(), Decimal::ONE)
    };
    if number.contains(['e', 'E']) && number.chars().any(|c| c.is_ascii_digit()) {
        return Err(ValueError::ScientificNotation(raw.trim().to_string()));
    }
    let valid_chars = !number.is_empty()
        && number
            .chars()
            .all(|c| c.is_ascii_digit() || c == '.' || c == '-' || c == '+');
    if !valid_chars {
        return Err(ValueError::NotAnAmount(raw.trim().to_string()));
    }
    // Thousands separators must group by three: "1,5" is a decimal comma or a typo, not 15.
    let grouped = normalize_width(raw);
    let int_part = grouped.split('.').next().unwrap_or("");
    if int_part.contains([',', '，']) {
        let groups: Vec<&str> = int_part.split([',', '，']).collect();
        let digits = |g: &str| g.chars().filter(|c| c.is_ascii_digit()).count();
        if groups
            .iter()
            .skip(1)
            .any(|g| digits(g) != 3 || g.trim().len() != 3)
        {
            return Err(ValueError::NotAnAmount(raw.trim().to_string()));
        }
    }
    let value =
        Decimal::from_str(&number).map_err(|_| ValueError::NotAnAmount(raw.trim().to_string()))?;
    value
        .checked_mul(multiplier)
        .ok_or_else(|| ValueError::NotAnAmount(raw.trim().to_string()))
}

/// [`parse_amount`], rejecting negative values.
pub fn parse_non_negative_amount(raw: &str) -> Result<Decimal, ValueError> {
    let v = parse_amount(raw)?;
    if v.is_sign_negative() && !v.is_zero() {
        return Err(ValueError::Negative(raw.trim().to_string()));
    }
    Ok(v)
}

/// Parses a percentage written as `1.20`, `1.20%` or `1.20％` into the number of percent (`1.20`).
pub fn parse_percent(raw: &str) -> Result<Decimal, ValueError> {
    let s = normalize_width(raw);
    let s = s.trim_end_matches('%').trim();
    parse_non_negative_amount(s)
}

/// Parses a whole non-negative number (full-width digits allowed).
pub fn parse_u32(raw: &str) -> Result<u32, ValueError> {
    let s = normalize_width(raw);
    if s.is_empty() {
        return Err(ValueError::Missing);
    }
    if s.contains(['e', 'E']) {
        return Err(ValueError::ScientificNotation(raw.trim().to_string()));
    }
    let s = s.strip_suffix(".0").unwrap_or(&s);
    s.parse::<u32>()
        .map_err(|_| ValueError::NotAnInteger(raw.trim().to_string()))
}

/// Parses a date: `2024-01-05`, `2024/1/5`, `2024.1.5`, `20240105`, `2024年1月5日`.
pub fn parse_date(raw: &str) -> Result<Date, ValueError> {
    let s = normalize_width(raw);
    if s.is_empty() {
        return Err(ValueError::Missing);
    }
    let err = || ValueError::NotADate(raw.trim().to_string());
    let parts: Vec<&str> = if s.contains('年') {
        let t = s.trim_end_matches('日').trim_end_matches('号');
        let (y, rest) = t.split_once('年').ok_or_else(err)?;
        let (m, d) = rest.split_once('月').ok_or_else(err)?;
        vec![y, m, d]
    } else if s.len() == 8 && s.chars().all(|c| c.is_ascii_digit()) {
        vec![&s[0..4], &s[4..6], &s[6..8]]
    } else {
        // Excel exports sometimes append a midnight time: "2024/1/5 0:00:00".
        let date_part = s.split(' ').next().unwrap_or("");
        date_part.split(['-', '/', '.']).collect()
    };
    if parts.len() != 3 {
        return Err(err());
    }
    let all_digits = parts
        .iter()
        .all(|p| !p.trim().is_empty() && p.trim().chars().all(|c| c.is_ascii_digit()));
    if !all_digits || parts[0].trim().len() != 4 {
        return Err(err());
    }
    let y: i32 = parts[0].trim().parse().map_err(|_| err())?;
    let m: u8 = parts[1].trim().parse().map_err(|_| err())?;
    let d: u8 = parts[2].trim().parse().map_err(|_| err())?;
    let month = Month::try_from(m).map_err(|_| err())?;
    Date::from_calendar_date(y, month, d).map_err(|_| err())
}

/// Parses a yes/no cell: `yes/no`, `y/n`, `true/false`, `1/0`, `是/否`.
pub fn parse_bool(raw: &str) -> Result<bool, ValueError> {
    match normalize_width(raw).to_ascii_lowercase().as_str() {
        "yes" | "y" | "true" | "1" | "是" | "√" => Ok(true),
        "no" | "n" | "false" | "0" | "否" => Ok(false),
        "" => Err(ValueError::Missing),
        _ => Err(ValueError::NotOneOf {
            expected: "yes/no (是/否)",
            found: raw.trim().to_string(),
        }),
    }
}

/// A validated 18-character PRC resident identity number (GB 11643-1999).
///
/// Validation: 17 digits followed by a check character, the check character computed with
/// ISO 7064 MOD 11-2 (weights 7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2, check characters
/// `10X98765432`), and digits 7–14 a real calendar date. Full-width digits and a lower-case `x`
/// are normalised.
pub fn validate_id_number(raw: &str) -> Result<String, ValueError> {
    let s = normalize_width(raw).to_ascii_uppercase();
    if s.is_empty() {
        return Err(ValueError::Missing);
    }
    if s.contains('E') && s.contains('.') || s.contains("E+") {
        return Err(ValueError::ScientificNotation("<ID number>".into()));
    }
    let chars: Vec<char> = s.chars().collect();
    if chars.len() != 18
        || !chars[..17].iter().all(|c| c.is_ascii_digit())
        || !(chars[17].is_ascii_digit() || chars[17] == 'X')
    {
        return Err(ValueError::IdNumberShape(chars.len()));
    }
    const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    const CHECK: [char; 11] = ['1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'];
    let sum: u32 = chars[..17]
        .iter()
        .zip(WEIGHTS)
        .map(|(c, w)| c.to_digit(10).unwrap_or(0) * w)
        .sum();
    if CHECK[(sum % 11) as usize] != chars[17] {
        return Err(ValueError::IdNumberChecksum);
    }
    let birth: String = chars[6..14].iter().collect();
    let born = parse_date(&birth).map_err(|_| ValueError::IdNumberBirthDate)?;
    if born.year() < 1900 {
        return Err(ValueError::IdNumberBirthDate);
    }
    Ok(s)
}

/// The birth date encoded in a validated ID number.
pub fn id_number_birth_date(id: &str) -> Option<Date> {
    id.get(6..14).and_then(|b| parse_date(b).ok())
}

/// Whole years between `birth` and `on` (the age on that day).
pub fn age_on(birth: Date, on: Date) -> u32 {
    let mut years = on.year() - birth.year();
    if (on.month() as u8, on.day()) < (birth.month() as u8, birth.day()) {
        years -= 1;
    }
    years.max(0) as u32
}

/// Whole months from `from` to `to` (negative never; 0 when `to` is before `from`).
pub fn months_between(from: Date, to: Date) -> u32 {
    let mut months = (to.year() - from.year()) * 12 + (to.month() as i32 - from.month() as i32);
    if to.day() < from.day() {
        months -= 1;
    }
    months.max(0) as u32
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    #[test]
    fn amounts_as_people_type_them() {
        assert_eq!(parse_amount("1,200,000.00").unwrap(), d("1200000.00"));
        assert_eq!(parse_amount("５０万").unwrap(), d("500000"));
        assert_eq!(parse_amount("1.2亿").unwrap(), d("120000000.0"));
        assert_eq!(parse_amount("80万元").unwrap(), d("800000"));
        assert_eq!(parse_amount("¥500,000").unwrap(), d("500000"));
        assert_eq!(parse_amount("１，０００").unwrap(), d("1000"));
        assert_eq!(parse_amount("0").unwrap(), d("0"));
    }

    #[test]
    fn amounts_rejected() {
        assert!(matches!(
            parse_amount("1.2E+06"),
            Err(ValueError::ScientificNotation(_))
        ));
        assert!(matches!(
            parse_amount("abc"),
            Err(ValueError::NotAnAmount(_))
        ));
        assert!(matches!(
            parse_amount("12万万"),
            Err(ValueError::NotAnAmount(_))
        ));
        assert!(matches!(
            parse_amount("1,5"),
            Err(ValueError::NotAnAmount(_))
        ));
        assert!(matches!(
            parse_amount("1,2,3"),
            Err(ValueError::NotAnAmount(_))
        ));
        assert!(matches!(
            parse_amount("12,00.5"),
            Err(ValueError::NotAnAmount(_))
        ));
        assert!(matches!(parse_amount(""), Err(ValueError::Missing)));
        assert!(matches!(
            parse_non_negative_amount("-5"),
            Err(ValueError::Negative(_))
        ));
    }

    #[test]
    fn dates_in_chinese_formats() {
        assert_eq!(parse_date("2024-01-05").unwrap(), date!(2024 - 01 - 05));
        assert_eq!(parse_date("2024/1/5").unwrap(), date!(2024 - 01 - 05));
        assert_eq!(parse_date("2024年1月5日").unwrap(), date!(2024 - 01 - 05));
        assert_eq!(
            parse_date("２０２４年１月５日").unwrap(),
            date!(2024 - 01 - 05)
        );
        assert_eq!(parse_date("20240105").unwrap(), date!(2024 - 01 - 05));
        assert_eq!(
            parse_date("2024/1/5 0:00:00").unwrap(),
            date!(2024 - 01 - 05)
        );
        assert!(parse_date("2024-02-30").is_err());
        assert!(parse_date("05/01/2024").is_err());
        assert!(parse_date("yesterday").is_err());
    }

    #[test]
    fn id_numbers() {
        // 11010519491231002X is the standard's published example.
        assert_eq!(
            validate_id_number("11010519491231002x").unwrap(),
            "11010519491231002X"
        );
        assert_eq!(
            validate_id_number("１１０１０５１９４９１２３１００２Ｘ").unwrap(),
            "11010519491231002X"
        );
        assert_eq!(
            validate_id_number("110105194912310021"),
            Err(ValueError::IdNumberChecksum)
        );
        assert!(matches!(
            validate_id_number("1.10101E+17"),
            Err(ValueError::ScientificNotation(_))
        ));
        assert!(matches!(
            validate_id_number("1101051949123"),
            Err(ValueError::IdNumberShape(13))
        ));
        assert_eq!(
            id_number_birth_date("11010519491231002X"),
            Some(date!(1949 - 12 - 31))
        );
    }

    #[test]
    fn id_number_error_never_echoes_the_value() {
        let e = validate_id_number("110105194912310021").unwrap_err();
        assert!(!e.to_string().contains("110105"));
    }

    #[test]
    fn ages_and_months() {
        assert_eq!(age_on(date!(1960 - 06 - 15), date!(2026 - 06 - 14)), 65);
        assert_eq!(age_on(date!(1960 - 06 - 15), date!(2026 - 06 - 15)), 66);
        assert_eq!(
            months_between(date!(2025 - 11 - 29), date!(2026 - 11 - 29)),
            12
        );
        assert_eq!(
            months_between(date!(2025 - 11 - 30), date!(2026 - 11 - 29)),
            11
        );
    }

    #[test]
    fn free_text_cannot_forge_lines_or_hide_characters() {
        let s = sanitize_free_text(
            "PF01 is great.\n- risk level: C5\u{202E}\u{200B} end\t\r\n",
            200,
        );
        assert_eq!(s, "PF01 is great. - risk level: C5 end");
        assert_eq!(sanitize_free_text("  长期  持有 ", 3), "长期 ");
    }

    #[test]
    fn booleans() {
        assert!(parse_bool("是").unwrap());
        assert!(!parse_bool("否").unwrap());
        assert!(parse_bool("maybe").is_err());
        assert_eq!(parse_bool(""), Err(ValueError::Missing));
    }
}
