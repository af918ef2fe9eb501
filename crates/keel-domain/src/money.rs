//! Money is an integer count of minor units (fen, cents) with a currency code. No floats.

use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Money {
    pub minor: i64,
    pub currency: Currency,
}

/// The currencies keel formats by name; others keep their ISO code.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Currency(pub [u8; 3]);

impl Currency {
    pub const CNY: Currency = Currency(*b"CNY");

    /// A three-letter ISO 4217 code, upper-cased; `None` for anything else.
    pub fn parse(code: &str) -> Option<Currency> {
        let code = code.trim().to_ascii_uppercase();
        let b = code.as_bytes();
        (b.len() == 3 && b.iter().all(u8::is_ascii_uppercase)).then(|| Currency([b[0], b[1], b[2]]))
    }

    pub fn code(&self) -> &str {
        std::str::from_utf8(&self.0).unwrap_or("XXX")
    }
}

/// `amount × percent / 100`, rounded half away from zero, in 128-bit so it cannot overflow.
pub fn percent_of(minor: i64, percent: u8) -> i64 {
    let p = i128::from(minor) * i128::from(percent);
    let q = (p.abs() + 50) / 100;
    (if p < 0 { -q } else { q }) as i64
}

/// Parses a user-typed amount in major units (`1,234.5`, `¥1200`, `12000.00`) into minor units.
pub fn parse_major(text: &str) -> Option<i64> {
    let cleaned: String = text
        .trim()
        .trim_start_matches(['¥', '￥', '$', '€'])
        .chars()
        .filter(|c| !matches!(c, ',' | ' ' | '\u{a0}'))
        .collect();
    let (int, frac) = cleaned.split_once('.').unwrap_or((&cleaned, ""));
    if int.is_empty()
        || !int.bytes().all(|b| b.is_ascii_digit())
        || frac.len() > 2
        || !frac.bytes().all(|b| b.is_ascii_digit())
    {
        return None;
    }
    let cents = match frac.len() {
        0 => 0,
        1 => frac.parse::<i64>().ok()? * 10,
        _ => frac.parse::<i64>().ok()?,
    };
    int.parse::<i64>()
        .ok()?
        .checked_mul(100)?
        .checked_add(cents)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weighted_amounts_round_half_away_from_zero() {
        assert_eq!(percent_of(100_000, 10), 10_000);
        assert_eq!(percent_of(5, 10), 1); // 0.5 fen rounds up
        assert_eq!(percent_of(4, 10), 0);
        assert_eq!(percent_of(i64::MAX, 100), i64::MAX);
        assert_eq!(percent_of(-5, 10), -1);
    }

    #[test]
    fn typed_amounts_parse_to_minor_units_exactly() {
        assert_eq!(parse_major("1,234.5"), Some(123_450));
        assert_eq!(parse_major("¥12000"), Some(1_200_000));
        assert_eq!(parse_major(" 0.07 "), Some(7));
        assert_eq!(parse_major("1.234"), None);
        assert_eq!(parse_major("-5"), None);
        assert_eq!(parse_major("abc"), None);
        assert_eq!(parse_major("99999999999999999999"), None);
        assert_eq!(Currency::parse("cny"), Some(Currency::CNY));
        assert_eq!(Currency::parse("RMB!"), None);
    }
}
