//! Field errors and the checks every form and API body shares, each answering with a
//! localized message.

use crate::AppError;
use keel_db::DbError;
use keel_i18n::Locale;

/// A 422 naming one field, with its message.
pub fn invalid(field: &str, message: String) -> AppError {
    AppError::Invalid(vec![(field.to_owned(), message)])
}

/// A 422 naming one field, with the message of Fluent key `key`.
pub fn invalid_t(l: Locale, field: &str, key: &str) -> AppError {
    invalid(field, l.t(key))
}

/// A rule broken in storage (`DbError::Conflict`) as a 422 on the field `field_of` names for
/// its code, with the message `error-<code>`; codes `field_of` maps to `None`, and every other
/// error, stay what they are.
pub fn conflict_as_field<'a>(
    l: Locale,
    e: DbError,
    field_of: impl Fn(&'static str) -> Option<&'a str>,
) -> AppError {
    match e {
        DbError::Conflict(code) => match field_of(code) {
            Some(field) => invalid(field, l.t(&format!("error-{code}"))),
            None => AppError::Conflict(code),
        },
        e => e.into(),
    }
}

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
