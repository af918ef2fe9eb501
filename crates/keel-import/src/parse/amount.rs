//! Money amounts: `¥1,200`, `$(1,200.50)`, `1200 元`, `RMB 1200`, `12.5万`.

use super::decimal::scaled;

/// An amount in integer minor units, with the currency its text named, if any.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Money {
    pub minor: i64,
    pub currency: Option<String>,
}

/// Symbols and words mapped to ISO codes. `¥` is read as CNY: this product's users
/// are Chinese teams, for whom it almost always means renminbi.
const CURRENCY_WORDS: &[(&str, &str)] = &[
    ("US$", "USD"),
    ("人民币", "CNY"),
    ("RMB", "CNY"),
    ("¥", "CNY"),
    ("￥", "CNY"),
    ("元", "CNY"),
    ("$", "USD"),
    ("€", "EUR"),
    ("£", "GBP"),
];

/// The ISO code for a currency cell (`¥`, `rmb`, `元`, `usd`, `US$`...), `None` if unknown.
pub fn normalize_currency(text: &str) -> Option<String> {
    let text = text.trim();
    if let Some((_, code)) = CURRENCY_WORDS
        .iter()
        .find(|(word, _)| word.eq_ignore_ascii_case(text))
    {
        return Some((*code).to_string());
    }
    (text.len() == 3 && text.bytes().all(|b| b.is_ascii_alphabetic()))
        .then(|| text.to_ascii_uppercase())
}

/// Parses an amount into minor units (×100) exactly, never through floating point.
///
/// Accepts thousands separators, whitespace (including NBSP), a currency symbol or code
/// before or after, `-` or parentheses for negatives, and the Chinese `万` (×10,000)
/// suffix. At most two decimals (six with `万`, which is still a whole number of fen).
pub fn parse_amount(text: &str) -> Option<Money> {
    let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    let mut rest = compact.as_str();
    let mut currency: Option<String> = None;
    let mut negative = false;
    let mut wan = false;
    loop {
        let before = rest.len();
        if let Some((code, after)) = currency_prefix(rest) {
            merge_currency(&mut currency, code)?;
            rest = after;
        }
        if let Some((code, after)) = currency_suffix(rest) {
            merge_currency(&mut currency, code)?;
            rest = after;
        }
        let unsigned = rest
            .strip_prefix('-')
            .or_else(|| rest.strip_prefix('(').and_then(|r| r.strip_suffix(')')));
        if let Some(after) = unsigned {
            if negative {
                return None;
            }
            negative = true;
            rest = after;
        }
        if let Some(after) = rest.strip_suffix('万') {
            if wan {
                return None;
            }
            wan = true;
            rest = after;
        }
        if rest.len() == before {
            break;
        }
    }
    let magnitude = if wan {
        scaled(rest, 6)?
    } else {
        scaled(rest, 2)?
    };
    let signed = if negative { -magnitude } else { magnitude };
    Some(Money {
        minor: i64::try_from(signed).ok()?,
        currency,
    })
}

fn merge_currency(current: &mut Option<String>, found: String) -> Option<()> {
    match current {
        Some(existing) if *existing != found => None,
        _ => {
            *current = Some(found);
            Some(())
        }
    }
}

fn currency_prefix(text: &str) -> Option<(String, &str)> {
    for (word, code) in CURRENCY_WORDS {
        if text.len() >= word.len()
            && text.is_char_boundary(word.len())
            && text[..word.len()].eq_ignore_ascii_case(word)
        {
            return Some(((*code).to_string(), &text[word.len()..]));
        }
    }
    let letters = text.bytes().take_while(u8::is_ascii_alphabetic).count();
    (letters == 3).then(|| (text[..3].to_ascii_uppercase(), &text[3..]))
}

fn currency_suffix(text: &str) -> Option<(String, &str)> {
    for (word, code) in CURRENCY_WORDS {
        let cut = text.len().wrapping_sub(word.len());
        if text.len() >= word.len()
            && text.is_char_boundary(cut)
            && text[cut..].eq_ignore_ascii_case(word)
        {
            return Some(((*code).to_string(), &text[..cut]));
        }
    }
    let letters = text
        .bytes()
        .rev()
        .take_while(u8::is_ascii_alphabetic)
        .count();
    let cut = text.len().wrapping_sub(3);
    (letters == 3).then(|| (text[cut..].to_ascii_uppercase(), &text[..cut]))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn minor(text: &str) -> Option<i64> {
        parse_amount(text).map(|m| m.minor)
    }

    fn currency(text: &str) -> Option<String> {
        parse_amount(text).and_then(|m| m.currency)
    }

    #[test]
    fn amount_table() {
        let table: &[(&str, Option<i64>)] = &[
            ("1,234,567.89", Some(123_456_789)),
            ("¥1,200", Some(120_000)),
            ("$1,200.50", Some(120_050)),
            ("1200 元", Some(120_000)),
            ("RMB 1200", Some(120_000)),
            ("USD 99.5", Some(9_950)),
            ("\u{a0}1\u{a0}200.00\u{a0}", Some(120_000)),
            ("-42.10", Some(-4_210)),
            ("(1,200.00)", Some(-120_000)),
            ("-¥5", Some(-500)),
            ("¥-5", Some(-500)),
            ("($5)", Some(-500)),
            ("12万", Some(12 * 10_000 * 100)),
            ("1.5万元", Some(15_000 * 100)),
            ("¥0.0001万", Some(100)),
            ("0", Some(0)),
            ("1.234", None),
            ("1,50", None),
            ("abc", None),
            ("", None),
            ("-", None),
            ("--5", None),
            ("-(5)", None),
            ("$5 EUR", None),
            ("5万万", None),
            ("92,233,720,368,547,758.07", Some(i64::MAX)),
            ("-92,233,720,368,547,758.08", Some(i64::MIN)),
            ("92,233,720,368,547,758.08", None),
            ("99999999999999999999999999999999999999999", None),
            ("1e5", None),
        ];
        for (text, expected) in table {
            assert_eq!(minor(text), *expected, "parse_amount({text:?})");
        }
    }

    #[test]
    fn currency_comes_from_symbol_or_code() {
        assert_eq!(currency("¥1,200").as_deref(), Some("CNY"));
        assert_eq!(currency("1200元").as_deref(), Some("CNY"));
        assert_eq!(currency("rmb 5").as_deref(), Some("CNY"));
        assert_eq!(currency("$3").as_deref(), Some("USD"));
        assert_eq!(currency("3 €").as_deref(), Some("EUR"));
        assert_eq!(currency("GBP 3").as_deref(), Some("GBP"));
        assert_eq!(currency("3"), None);
    }

    #[test]
    fn currency_cells_normalize_to_iso() {
        for (text, code) in [("¥", "CNY"), ("RMB", "CNY"), ("元", "CNY"), ("cny", "CNY")] {
            assert_eq!(normalize_currency(text).as_deref(), Some(code), "{text}");
        }
        assert_eq!(normalize_currency("$").as_deref(), Some("USD"));
        assert_eq!(normalize_currency("€").as_deref(), Some("EUR"));
        assert_eq!(normalize_currency("dollars"), None);
    }
}
