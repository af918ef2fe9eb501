use crate::parse::parse_amount;
use proptest::prelude::*;

/// `1234567` → `1,234,567`.
fn with_separators(units: u64) -> String {
    let digits = units.to_string();
    let mut out = String::new();
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(digit);
    }
    out
}

/// Writes an amount the ways exports and people do.
fn format_amount(minor: i64, style: usize) -> (String, &'static str) {
    let magnitude = minor.unsigned_abs();
    let body = format!(
        "{}.{:02}",
        with_separators(magnitude / 100),
        magnitude % 100
    );
    let (text, currency) = match style {
        0 => (format!("¥{body}"), "CNY"),
        1 => (format!("${body}"), "USD"),
        2 => (format!("{body} 元"), "CNY"),
        3 => (format!("RMB {body}"), "CNY"),
        4 => (format!("USD\u{a0}{body}"), "USD"),
        _ => (format!("{body} €"), "EUR"),
    };
    let text = match (minor < 0, style % 2) {
        (false, _) => text,
        (true, 0) => format!("-{text}"),
        (true, _) => format!("({text})"),
    };
    (text, currency)
}

proptest! {
    #[test]
    fn formatted_amounts_parse_back_exactly(minor in any::<i64>(), style in 0usize..6) {
        let (text, currency) = format_amount(minor, style);
        let money = parse_amount(&text);
        prop_assert!(money.is_some(), "could not parse {:?}", text);
        let money = money.unwrap();
        prop_assert_eq!(money.minor, minor, "{}", text);
        prop_assert_eq!(money.currency.as_deref(), Some(currency));
    }

    #[test]
    fn arbitrary_text_never_panics(text in "\\PC{0,40}") {
        let _ = parse_amount(&text);
        let _ = crate::parse::parse_datetime(&text);
        let _ = crate::parse::parse_probability(&text);
    }
}

#[test]
fn separators_are_grouped_by_three() {
    assert_eq!(with_separators(1_234_567), "1,234,567");
    assert_eq!(with_separators(100), "100");
    assert_eq!(format_amount(-123_456, 1).0, "($1,234.56)");
}
