//! Who is asking and in which language, resolved once per request and handed to handlers
//! (and to the error renderer) as a [`Ctx`] extension.

use crate::{AppState, auth::session, auth::tokens};
use axum::extract::{FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, header};
use axum::middleware::Next;
use axum::response::Response;
use keel_db::sessions::SessionUser;
use keel_domain::time::Zone;
use keel_i18n::Locale;

#[derive(Clone, Default)]
pub struct Ctx {
    pub user: Option<SessionUser>,
    pub l: Locale,
    /// The organisation's zone: its days, weeks, months, quarters and "today". Read with the
    /// signed-in person on every request, so a change made on one server holds on all.
    pub zone: Zone,
    /// The zone times are shown in: the person's own choice, else the organisation's.
    pub shown: Zone,
    pub path: String,
    /// Where a language switch returns to: this page for a GET, else home (a form's POST
    /// address cannot be reloaded).
    pub back: String,
    /// Signed in by an API token rather than a session cookie.
    pub via_token: bool,
}

/// The cookie that remembers a language choice made before logging in.
pub const LANG_COOKIE: &str = "keel_lang";

pub async fn resolve(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    let path = req.uri().path().to_owned();
    // Static files, probes and metrics need neither a user nor a language.
    let bare = path.starts_with("/static/") || path == "/healthz" || path == "/metrics";
    let token = if bare { None } else { bearer(req.headers()) };
    let via_token = token.is_some();
    let user = match token {
        _ if bare => None,
        // API clients: a personal token instead of a cookie. A wrong token is no user.
        Some(token) => tokens::user(&state, &token).await,
        None => session::current_user(&state, req.headers()).await,
    };
    let back = match (
        req.method() == axum::http::Method::GET,
        req.uri().path_and_query(),
    ) {
        (true, Some(pq)) => pq.as_str().to_owned(),
        _ => "/".to_owned(),
    };
    let l = user
        .as_ref()
        .and_then(|u| u.locale.as_deref())
        .and_then(Locale::parse)
        .or_else(|| cookie(req.headers(), LANG_COOKIE).and_then(|v| Locale::parse(&v)))
        .or_else(|| {
            req.headers()
                .get(header::ACCEPT_LANGUAGE)
                .and_then(|v| v.to_str().ok())
                .and_then(Locale::negotiate)
        })
        .unwrap_or_default();
    let (zone, shown) = match &user {
        Some(u) => (u.org_zone(), u.viewer_zone()),
        // Pages without a person (login, set-up) show times in the organisation's zone.
        None if !bare => {
            let zone = state.db.org_zone().await.unwrap_or_default();
            (zone, zone)
        }
        None => Default::default(),
    };
    req.extensions_mut().insert(Ctx {
        user,
        l,
        zone,
        shown,
        path,
        back,
        via_token,
    });
    next.run(req).await
}

impl Ctx {
    /// The organisation's today: the one "today" of the web layer.
    pub fn today(&self) -> chrono::NaiveDate {
        self.zone.today()
    }

    /// An instant as this viewer reads it: their zone, with its offset.
    pub fn time(&self, t: chrono::DateTime<chrono::Utc>) -> String {
        self.l.moment(self.shown.local(t))
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Ctx {
    type Rejection = std::convert::Infallible;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(parts.extensions.get::<Ctx>().cloned().unwrap_or_default())
    }
}

/// The value of cookie `name`, if the request carries it.
pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_owned())
}

/// The token of an `Authorization: Bearer <token>` header.
fn bearer(headers: &HeaderMap) -> Option<String> {
    let v = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = v.split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| token.trim().to_owned())
}
