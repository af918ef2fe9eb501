//! Small value parsers: yes/no, percentages, counts, e-mails, "Name (email)".

use super::decimal::scaled;
use crate::records::PersonRef;

/// `true/false/yes/no/y/n/1/0/是/否`, case-insensitive.
pub fn parse_bool(text: &str) -> Option<bool> {
    match text.trim().to_lowercase().as_str() {
        "true" | "yes" | "y" | "1" | "是" | "checked" => Some(true),
        "false" | "no" | "n" | "0" | "否" | "unchecked" => Some(false),
        _ => None,
    }
}

/// A percentage 0..=100 from `30`, `30%`, `12.5%` (rounded half up) or a fraction with a
/// decimal point such as `0.3` or `1.0` (XLSX stores "30%" cells that way). A plain `1`
/// stays 1%.
pub fn parse_probability(text: &str) -> Option<u8> {
    let text = text.trim();
    let (number, percent_sign) = match text.strip_suffix('%') {
        Some(n) => (n.trim_end(), true),
        None => (text, false),
    };
    const SCALE: i128 = 1_000_000;
    let mut value = scaled(number, 6)?;
    if !percent_sign && number.contains('.') && value <= SCALE {
        value *= 100;
    }
    let rounded = value.saturating_add(SCALE / 2) / SCALE;
    u8::try_from(rounded).ok().filter(|p| *p <= 100)
}

/// A non-negative whole number such as an employee count: `1200`, `1,200`, `1200.0`.
pub fn parse_count(text: &str) -> Option<i64> {
    let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    let hundredths = scaled(&compact, 2)?;
    if hundredths % 100 != 0 {
        return None;
    }
    i64::try_from(hundredths / 100).ok()
}

/// Loose shape check: one `@`, something on both sides, a dot in the domain, no spaces.
pub(crate) fn is_email(text: &str) -> bool {
    let Some((local, domain)) = text.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !domain.contains('@')
        && !text.chars().any(char::is_whitespace)
}

/// Reads an owner cell: `Name (email)`, `Name <email>`, a bare e-mail, or a name.
pub(crate) fn person_from_text(text: &str) -> PersonRef {
    let text = text.trim();
    for (open, close) in [('(', ')'), ('（', '）'), ('<', '>')] {
        if let Some(inner_end) = text.strip_suffix(close)
            && let Some((name, inner)) = inner_end.rsplit_once(open)
            && is_email(inner.trim())
        {
            let name = name.trim();
            return PersonRef {
                external_id: None,
                email: Some(inner.trim().to_string()),
                name: (!name.is_empty()).then(|| name.to_string()),
            };
        }
    }
    if is_email(text) {
        return PersonRef {
            email: Some(text.to_string()),
            ..PersonRef::default()
        };
    }
    PersonRef {
        name: Some(text.to_string()),
        ..PersonRef::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn booleans() {
        for t in ["true", "TRUE", "Yes", "1", "是", " y "] {
            assert_eq!(parse_bool(t), Some(true), "{t}");
        }
        for t in ["false", "No", "0", "否", "N"] {
            assert_eq!(parse_bool(t), Some(false), "{t}");
        }
        assert_eq!(parse_bool("maybe"), None);
        assert_eq!(parse_bool(""), None);
    }

    #[test]
    fn probabilities() {
        let table = [
            ("30", Some(30)),
            ("30%", Some(30)),
            ("30 %", Some(30)),
            ("0.3", Some(30)),
            ("0.25", Some(25)),
            ("1.0", Some(100)),
            ("1", Some(1)),
            ("100", Some(100)),
            ("12.5%", Some(13)),
            ("0", Some(0)),
            ("101", None),
            ("-5", None),
            ("abc", None),
            ("", None),
            ("99999999999999999999999999999999999", None),
            ("170141183460469231731687303715884", None),
        ];
        for (text, expected) in table {
            assert_eq!(parse_probability(text), expected, "{text:?}");
        }
    }

    #[test]
    fn counts() {
        assert_eq!(parse_count("1,200"), Some(1200));
        assert_eq!(parse_count("1200.0"), Some(1200));
        assert_eq!(parse_count("12.5"), None);
        assert_eq!(parse_count("-3"), None);
        assert_eq!(parse_count("51-200"), None);
    }

    #[test]
    fn owner_cells() {
        let p = person_from_text("Li Lei (li.lei@example.com)");
        assert_eq!(p.name.as_deref(), Some("Li Lei"));
        assert_eq!(p.email.as_deref(), Some("li.lei@example.com"));
        let p = person_from_text("张伟（zhang@example.cn）");
        assert_eq!(p.name.as_deref(), Some("张伟"));
        assert_eq!(p.email.as_deref(), Some("zhang@example.cn"));
        let p = person_from_text("ann@example.com");
        assert_eq!(
            (p.name, p.email.as_deref()),
            (None, Some("ann@example.com"))
        );
        let p = person_from_text("Sales Team (APAC)");
        assert_eq!(
            (p.name.as_deref(), p.email),
            (Some("Sales Team (APAC)"), None)
        );
    }

    #[test]
    fn email_shapes() {
        assert!(is_email("a@b.co"));
        assert!(!is_email("a@b"));
        assert!(!is_email("a b@c.d"));
        assert!(!is_email("@c.d"));
        assert!(!is_email("无"));
    }
}
