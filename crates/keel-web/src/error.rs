//! One error type for every handler. Its codes are stable snake_case strings that the API
//! returns and that double as i18n keys (`error-<code>`); internal details are logged, never
//! shown.

use crate::context::Ctx;
use askama::Template;
use axum::Json;
use axum::extract::Request;
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Response};
use keel_db::DbError;
use keel_views::{Chrome, ErrorPage};

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("not found")]
    NotFound,
    #[error("unauthorized")]
    Unauthorized,
    #[error("forbidden")]
    Forbidden,
    #[error("cross-site request refused")]
    CsrfRejected,
    #[error("payload too large")]
    PayloadTooLarge,
    /// A write that breaks a rule of the data; the code names the rule (`email_taken`,
    /// `reporting_cycle`, ...).
    #[error("conflict: {0}")]
    Conflict(&'static str),
    /// Fields that need attention: (field, localized message).
    #[error("invalid input")]
    Invalid(Vec<(String, String)>),
    /// A JSON body that does not parse or does not fit the expected shape.
    #[error("invalid JSON: {0}")]
    BadJson(String),
    /// A query string whose parameter does not fit its type (a word for a number, ...).
    #[error("invalid query: {0}")]
    BadQuery(String),
    #[error("database unavailable: {0}")]
    DatabaseUnavailable(String),
    #[error("internal: {0}")]
    Internal(String),
}

impl AppError {
    pub fn code(&self) -> &'static str {
        match self {
            AppError::NotFound => "not_found",
            AppError::Unauthorized => "unauthorized",
            AppError::Forbidden => "forbidden",
            AppError::CsrfRejected => "csrf_rejected",
            AppError::PayloadTooLarge => "payload_too_large",
            AppError::Conflict(code) => code,
            AppError::Invalid(_) => "invalid_input",
            AppError::BadJson(_) => "invalid_json",
            AppError::BadQuery(_) => "invalid_query",
            AppError::DatabaseUnavailable(_) => "database_unavailable",
            AppError::Internal(_) => "internal",
        }
    }

    pub fn status(&self) -> StatusCode {
        match self {
            AppError::NotFound => StatusCode::NOT_FOUND,
            AppError::Unauthorized => StatusCode::UNAUTHORIZED,
            AppError::Forbidden | AppError::CsrfRejected => StatusCode::FORBIDDEN,
            AppError::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::Conflict(_) => StatusCode::CONFLICT,
            AppError::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::BadJson(_) | AppError::BadQuery(_) => StatusCode::BAD_REQUEST,
            AppError::DatabaseUnavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
}

impl From<DbError> for AppError {
    fn from(e: DbError) -> Self {
        match e {
            DbError::NotFound => AppError::NotFound,
            DbError::Forbidden => AppError::Forbidden,
            DbError::Conflict(code) => AppError::Conflict(code),
            e if e.is_unavailable() => AppError::DatabaseUnavailable(e.to_string()),
            e => AppError::Internal(e.to_string()),
        }
    }
}

impl From<askama::Error> for AppError {
    fn from(e: askama::Error) -> Self {
        AppError::Internal(format!("template: {e}"))
    }
}

/// Marks a response as an error whose body [`render`] still has to write.
#[derive(Clone)]
struct Unrendered {
    code: &'static str,
    fields: Vec<(String, String)>,
    detail: Option<String>,
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        match &self {
            AppError::Internal(detail) => tracing::error!(%detail, "internal error"),
            AppError::DatabaseUnavailable(detail) => {
                tracing::warn!(%detail, "database unavailable")
            }
            _ => {}
        }
        let mut res = self.status().into_response();
        let code = self.code();
        let (fields, detail) = match self {
            AppError::Invalid(fields) => (fields, None),
            AppError::BadJson(detail) | AppError::BadQuery(detail) => (Vec::new(), Some(detail)),
            _ => (Vec::new(), None),
        };
        res.extensions_mut().insert(Unrendered {
            code,
            fields,
            detail,
        });
        res
    }
}

/// The answer to a handler or layer that panicked (tower-http's `CatchPanicLayer`): the panic
/// is logged with its message and the client gets the usual 500, rendered by [`render`] when
/// it is below that layer. One request's bug must not take the server's other requests down.
pub fn panicked(panic: Box<dyn std::any::Any + Send + 'static>) -> Response {
    let message = panic
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| panic.downcast_ref::<&str>().copied())
        .unwrap_or("(no message)");
    AppError::Internal(format!("panic: {message}")).into_response()
}

/// The code for an error response that a framework layer produced (body limit, form or JSON
/// rejections, unknown methods) rather than a handler.
fn code_for_status(status: StatusCode) -> &'static str {
    match status {
        StatusCode::NOT_FOUND => "not_found",
        StatusCode::PAYLOAD_TOO_LARGE => "payload_too_large",
        StatusCode::UNPROCESSABLE_ENTITY | StatusCode::UNSUPPORTED_MEDIA_TYPE => "invalid_input",
        StatusCode::UNAUTHORIZED => "unauthorized",
        StatusCode::METHOD_NOT_ALLOWED => "method_not_allowed",
        StatusCode::FORBIDDEN => "forbidden",
        s if s.is_server_error() => "internal",
        _ => "bad_request",
    }
}

/// Gives every error response a localized body: JSON `{"error": {"code", "message"}}` under
/// `/api/`, a friendly page elsewhere. Handler pages that render their own errors (a form
/// with messages) come as HTML and pass through untouched.
pub async fn render(req: Request, next: Next) -> Response {
    let ctx = req.extensions().get::<Ctx>().cloned().unwrap_or_default();
    let api = req.uri().path().starts_with("/api/");
    let res = next.run(req).await;
    let status = res.status();
    if !(status.is_client_error() || status.is_server_error()) {
        return res;
    }
    let marker = res.extensions().get::<Unrendered>().cloned();
    let code = match &marker {
        Some(m) => m.code,
        None => {
            let ct = res.headers().get(header::CONTENT_TYPE);
            let own_body = ct
                .and_then(|v| v.to_str().ok())
                .is_some_and(|v| v.starts_with("text/html") || v.starts_with("application/json"));
            if own_body {
                return res;
            }
            code_for_status(status)
        }
    };
    // A page that needs a signed-in person sends anonymous visitors to log in.
    if code == "unauthorized" && !api {
        return axum::response::Redirect::to("/login").into_response();
    }
    let message = ctx.l.t(&format!("error-{code}"));
    let mut out = if api {
        let mut error = serde_json::json!({ "code": code, "message": message });
        if let Some(m) = &marker {
            if !m.fields.is_empty() {
                let fields: serde_json::Map<String, serde_json::Value> = m
                    .fields
                    .iter()
                    .map(|(f, msg)| (f.clone(), msg.clone().into()))
                    .collect();
                error["fields"] = fields.into();
            }
            if let Some(d) = &m.detail {
                error["detail"] = d.clone().into();
            }
        }
        let body = serde_json::json!({ "error": error });
        (status, Json(body)).into_response()
    } else {
        let page = ErrorPage {
            chrome: ctx.chrome(),
            code,
            message,
        };
        match page.render() {
            Ok(html) => (status, Html(html)).into_response(),
            Err(_) => (status, code).into_response(),
        }
    };
    // Keep headers a handler set deliberately (Set-Cookie, Retry-After, ...).
    for (name, value) in res.headers() {
        if name != header::CONTENT_TYPE && name != header::CONTENT_LENGTH {
            out.headers_mut().insert(name.clone(), value.clone());
        }
    }
    out
}

impl Ctx {
    pub fn chrome(&self) -> Chrome {
        Chrome {
            l: self.l,
            user: self.user.as_ref().map(|u| keel_views::UserChip {
                name: u.name.clone(),
                initials: crate::auth::initials(&u.name),
                admin: u.role == "admin",
            }),
            path: self.path.clone(),
            back: self.back.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use axum::Router;
    use axum::body::{Body, to_bytes};
    use axum::http::{Request, StatusCode};
    use axum::middleware::from_fn;
    use axum::routing::get;
    use tower::ServiceExt;
    use tower_http::catch_panic::CatchPanicLayer;

    async fn boom() -> &'static str {
        panic!("a bug in one handler")
    }

    /// A handler's panic is caught below the renderer (as in `router`) and answered with the
    /// usual localized 500: JSON under `/api/`, the error page elsewhere.
    #[tokio::test]
    async fn a_panic_is_a_rendered_500() {
        let app = Router::new()
            .route("/api/v1/boom", get(boom))
            .route("/boom", get(boom))
            .layer(CatchPanicLayer::custom(super::panicked as fn(_) -> _))
            .layer(from_fn(super::render));
        let call = |path: &'static str| {
            let app = app.clone();
            async move {
                let res = app
                    .oneshot(Request::get(path).body(Body::empty()).unwrap())
                    .await
                    .unwrap();
                let status = res.status();
                let body = to_bytes(res.into_body(), usize::MAX).await.unwrap();
                (status, String::from_utf8(body.to_vec()).unwrap())
            }
        };
        let (status, body) = call("/api/v1/boom").await;
        assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
        let v: serde_json::Value = serde_json::from_str(&body).unwrap();
        assert_eq!(v["error"]["code"], "internal");
        assert!(!body.contains("a bug in one handler"), "{body}");
        let (status, body) = call("/boom").await;
        assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
        assert!(body.contains("<html"), "{body}");
        assert!(!body.contains("a bug in one handler"), "{body}");
    }
}
