//! Request extractors whose every rejection is an [`AppError`], localized by the error layer:
//! a JSON body ([`ApiJson`]), a form body ([`Form`]), a query string ([`Query`]) and an id in
//! the path ([`Id`]). Each refuses a NUL character in any text with a 422 on its field:
//! PostgreSQL cannot store one in text (the write would fail as an internal error), and no
//! person types one.

use super::params::{DATE_OUT_OF_RANGE, date_message};
use crate::AppError;
use crate::context::Ctx;
use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Path, RawForm, Request};
use axum::http::request::Parts;
use axum::http::{Extensions, HeaderMap, StatusCode, header};
use keel_i18n::Locale;
use serde::de::DeserializeOwned;
use uuid::Uuid;

fn locale(ext: &Extensions) -> Locale {
    ext.get::<Ctx>().map(|c| c.l).unwrap_or_default()
}

/// A deserialization error at `path`: a date outside the years is a 422 on that field;
/// anything else is `other(explanation)`.
fn refusal(
    l: Locale,
    e: serde_path_to_error::Error<impl std::fmt::Display>,
    other: impl FnOnce(String) -> AppError,
) -> AppError {
    let inner = e.inner().to_string();
    if inner.starts_with(DATE_OUT_OF_RANGE) {
        let field = e.path().to_string();
        return super::invalid(&field, date_message(l));
    }
    other(e.to_string())
}

/// A JSON body whose every failure (wrong content type, syntax, shape) is a 400 with the
/// stable code `invalid_json` and the parser's explanation (naming the field), except a date
/// outside the years 1900 to 9999: a localized 422 on its field.
pub struct ApiJson<T>(pub T);

fn json_content_type(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(|v| v.trim().to_ascii_lowercase())
        .is_some_and(|v| {
            v == "application/json" || (v.starts_with("application/") && v.ends_with("+json"))
        })
}

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for ApiJson<T> {
    type Rejection = AppError;
    async fn from_request(req: Request, state: &S) -> Result<Self, AppError> {
        if !json_content_type(req.headers()) {
            return Err(AppError::BadJson(
                "Expected request with `Content-Type: application/json`".into(),
            ));
        }
        let l = locale(req.extensions());
        let bytes = Bytes::from_request(req, state).await.map_err(|r| {
            if r.status() == StatusCode::PAYLOAD_TOO_LARGE {
                AppError::PayloadTooLarge
            } else {
                AppError::BadJson(r.body_text())
            }
        })?;
        let json: serde_json::Value =
            serde_json::from_slice(&bytes).map_err(|e| AppError::BadJson(e.to_string()))?;
        if let Some(field) = nul_in_json(&json, String::new()) {
            return Err(nul_refusal(l, &field));
        }
        serde_path_to_error::deserialize(json)
            .map(ApiJson)
            .map_err(|e| refusal(l, e, AppError::BadJson))
    }
}

/// A query string, read like axum's `Query`; a value that does not fit is a 400 naming the
/// parameter, and a date outside the years a localized 422 on it.
pub struct Query<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for Query<T> {
    type Rejection = AppError;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, AppError> {
        let query = parts.uri.query().unwrap_or_default();
        reject_nul(locale(&parts.extensions), query.as_bytes())?;
        let de = serde_urlencoded::Deserializer::new(form_urlencoded::parse(query.as_bytes()));
        serde_path_to_error::deserialize(de)
            .map(Query)
            .map_err(|e| refusal(locale(&parts.extensions), e, AppError::BadQuery))
    }
}

/// A form body (`application/x-www-form-urlencoded`), read like axum's `Form`; a value that
/// does not fit its field is a 422 on that field.
pub struct Form<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for Form<T> {
    type Rejection = AppError;
    async fn from_request(req: Request, state: &S) -> Result<Self, AppError> {
        let l = locale(req.extensions());
        let RawForm(bytes) =
            RawForm::from_request(req, state)
                .await
                .map_err(|r| match r.status() {
                    StatusCode::PAYLOAD_TOO_LARGE => AppError::PayloadTooLarge,
                    _ => AppError::Invalid(Vec::new()),
                })?;
        reject_nul(l, &bytes)?;
        let de = serde_urlencoded::Deserializer::new(form_urlencoded::parse(&bytes));
        serde_path_to_error::deserialize(de).map(Form).map_err(|e| {
            let field = e.path().to_string();
            refusal(l, e, |_| super::invalid(&field, l.t("error-invalid_input")))
        })
    }
}

/// A 422 on the first field of a urlencoded body or query whose name or value holds a NUL.
pub fn reject_nul(l: Locale, urlencoded: &[u8]) -> Result<(), AppError> {
    match form_urlencoded::parse(urlencoded).find(|(k, v)| k.contains('\0') || v.contains('\0')) {
        Some((k, _)) => Err(nul_refusal(l, &k)),
        None => Ok(()),
    }
}

fn nul_refusal(l: Locale, field: &str) -> AppError {
    super::invalid(field, l.t("field-nul"))
}

/// The path (`a.b[2]`) of the first text in `v` holding a NUL.
fn nul_in_json(v: &serde_json::Value, at: String) -> Option<String> {
    use serde_json::Value;
    match v {
        Value::String(s) if s.contains('\0') => Some(at),
        Value::Array(items) => items
            .iter()
            .enumerate()
            .find_map(|(i, v)| nul_in_json(v, format!("{at}[{i}]"))),
        Value::Object(map) => map.iter().find_map(|(k, v)| {
            if k.contains('\0') {
                return Some(at.clone());
            }
            let path = if at.is_empty() {
                k.clone()
            } else {
                format!("{at}.{k}")
            };
            nul_in_json(v, path)
        }),
        _ => None,
    }
}

/// The one `{id}` of a path. Anything that is not an id is, like an unknown id, 404.
pub struct Id(pub Uuid);

impl<S: Send + Sync> FromRequestParts<S> for Id {
    type Rejection = AppError;
    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, AppError> {
        let Path(s) = Path::<String>::from_request_parts(parts, state)
            .await
            .map_err(|_| AppError::NotFound)?;
        super::parse_id(&s).map(Id)
    }
}
