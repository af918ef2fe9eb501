//! Request extractors whose every rejection is an [`AppError`], localized by the error layer:
//! a JSON body ([`ApiJson`]), a query string ([`Query`]) and an id in the path ([`Id`]).

use super::params::{DATE_OUT_OF_RANGE, date_message};
use crate::AppError;
use crate::context::Ctx;
use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Path, Request};
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
        let mut de = serde_json::Deserializer::from_slice(&bytes);
        let value = serde_path_to_error::deserialize(&mut de)
            .map_err(|e| refusal(l, e, AppError::BadJson))?;
        de.end().map_err(|e| AppError::BadJson(e.to_string()))?;
        Ok(ApiJson(value))
    }
}

/// A query string, read like axum's `Query`; a value that does not fit is a 400 naming the
/// parameter, and a date outside the years a localized 422 on it.
pub struct Query<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for Query<T> {
    type Rejection = AppError;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, AppError> {
        let query = parts.uri.query().unwrap_or_default();
        let de = serde_urlencoded::Deserializer::new(form_urlencoded::parse(query.as_bytes()));
        serde_path_to_error::deserialize(de)
            .map(Query)
            .map_err(|e| refusal(locale(&parts.extensions), e, AppError::BadQuery))
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
