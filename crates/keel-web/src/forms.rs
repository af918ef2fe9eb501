//! The checks every form and API body shares, each answering with a localized message.

use keel_i18n::Locale;

/// A trimmed value, or `None` when it is empty.
pub fn non_empty(s: &str) -> Option<String> {
    let s = s.trim();
    (!s.is_empty()).then(|| s.to_owned())
}

/// The localized complaint about a required text field, if it has one.
pub fn required(l: Locale, value: &str, max: usize) -> Option<String> {
    let v = value.trim();
    if v.is_empty() {
        Some(l.t("field-required"))
    } else if v.chars().count() > max {
        Some(l.t_args("field-too-long", &[("max", &max.to_string())]))
    } else {
        None
    }
}

/// A deliberately loose check: one `@`, something on both sides, a dot in the domain.
pub fn email_error(l: Locale, value: &str) -> Option<String> {
    let v = value.trim();
    if v.is_empty() {
        return Some(l.t("field-required"));
    }
    let ok = v.len() <= 254
        && !v.contains(char::is_whitespace)
        && v.split_once('@').is_some_and(|(user, domain)| {
            !user.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.contains('@')
        });
    (!ok).then(|| l.t("field-email-invalid"))
}
