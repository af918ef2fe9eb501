//! Login and logout. Failed attempts are counted per account and per client address in the
//! database, so the limit holds however many servers share the load.

use crate::auth::{passwords, session};
use crate::shared::Form;
use crate::shared::Query;
use crate::{AppError, AppState, context::Ctx};
use askama::Template;
use axum::extract::{ConnectInfo, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use chrono::TimeDelta;
use keel_domain::time::now;
use keel_views::LoginPage;
use serde::Deserialize;
use std::net::SocketAddr;

/// Failures allowed per account, and per client address, within [`WINDOW`].
const MAX_PER_ACCOUNT: i64 = 5;
const MAX_PER_ADDRESS: i64 = 30;
pub(crate) const WINDOW: TimeDelta = TimeDelta::minutes(15);

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct LoginForm {
    email: String,
    password: String,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct LoginQuery {
    bye: Option<String>,
}

pub async fn form(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<LoginQuery>,
) -> Result<Response, AppError> {
    if state.db.is_first_run().await? {
        return Ok(Redirect::to("/setup").into_response());
    }
    if ctx.user.is_some() {
        return Ok(Redirect::to("/").into_response());
    }
    let notice = q.bye.map(|_| ctx.l.t("login-signed-out"));
    render(&state, &ctx, String::new(), notice, None, StatusCode::OK).await
}

pub async fn submit(
    State(state): State<AppState>,
    ctx: Ctx,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Form(f): Form<LoginForm>,
) -> Result<Response, AppError> {
    let email = f.email.trim().to_lowercase();
    let address = client_address(&state, &headers, peer);
    let throttle = Throttle::count(&state, &email, &address).await?;
    if throttle.exceeded {
        return throttled(&state, &ctx, email).await;
    }
    let creds = state.db.credentials(&email).await?;
    let (stored, id) = match creds {
        Some(c) if c.active => (c.password_hash, Some(c.id)),
        _ => (None, None),
    };
    let ok = passwords::verify(stored, f.password).await;
    match (ok, id) {
        (true, Some(id)) => {
            throttle.succeeded(&state).await?;
            // A fresh token on every login; any session the browser already had is ended.
            session::end(&state, &headers).await?;
            let cookie = session::start(&state, id).await?;
            Ok(([(header::SET_COOKIE, cookie)], Redirect::to("/")).into_response())
        }
        _ => {
            let msg = ctx.l.t("login-failed");
            render(
                &state,
                &ctx,
                email,
                None,
                Some(msg),
                StatusCode::UNAUTHORIZED,
            )
            .await
        }
    }
}

/// Attempts counted against an account and a client address.
pub struct Throttle {
    account: String,
    address: String,
    pub exceeded: bool,
}

impl Throttle {
    /// Counts this attempt; `exceeded` when either limit is passed.
    pub async fn count(state: &AppState, email: &str, address: &str) -> Result<Throttle, AppError> {
        let at = now();
        let since = at - WINDOW;
        let account = format!("email:{email}");
        let address = format!("ip:{address}");
        let by_account = state.db.count_login_attempt(&account, at, since).await?;
        let by_address = state.db.count_login_attempt(&address, at, since).await?;
        Ok(Throttle {
            exceeded: by_account > MAX_PER_ACCOUNT || by_address > MAX_PER_ADDRESS,
            account,
            address,
        })
    }

    /// The password was right: the account starts afresh, the address gets its attempt back,
    /// and stale sessions and windows are swept away.
    pub async fn succeeded(&self, state: &AppState) -> Result<(), AppError> {
        state.db.clear_login_failures(&self.account).await?;
        state.db.forgive_login_attempt(&self.address).await?;
        let at = now();
        let idle = TimeDelta::from_std(state.config.session_idle).unwrap_or(TimeDelta::hours(12));
        state.db.sweep_sessions(at, idle, at - WINDOW).await?;
        Ok(())
    }
}

/// The 429 page with a Retry-After header.
pub async fn throttled(state: &AppState, ctx: &Ctx, email: String) -> Result<Response, AppError> {
    let msg = ctx.l.t_args(
        "login-throttled",
        &[("minutes", &WINDOW.num_minutes().to_string())],
    );
    let mut res = render(
        state,
        ctx,
        email,
        None,
        Some(msg),
        StatusCode::TOO_MANY_REQUESTS,
    )
    .await?;
    let retry = WINDOW.num_seconds().to_string();
    res.headers_mut().insert(
        header::RETRY_AFTER,
        retry.parse().expect("digits are a valid header"),
    );
    Ok(res)
}

pub async fn logout(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let cookie = session::end(&state, &headers).await?;
    Ok(([(header::SET_COOKIE, cookie)], Redirect::to("/login?bye=1")).into_response())
}

pub fn client_address(state: &AppState, headers: &HeaderMap, peer: SocketAddr) -> String {
    if state.config.trust_forwarded_for {
        // The proxy appends the address it saw: the last entry is the one it vouches for;
        // anything to its left came from the client.
        let forwarded = headers
            .get("x-forwarded-for")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.rsplit(',').next())
            .map(|v| v.trim().to_owned());
        if let Some(addr) = forwarded.filter(|a| !a.is_empty()) {
            return addr;
        }
    }
    peer.ip().to_string()
}

pub async fn render(
    state: &AppState,
    ctx: &Ctx,
    email: String,
    notice: Option<String>,
    error: Option<String>,
    status: StatusCode,
) -> Result<Response, AppError> {
    let organisation = state.db.organisation_name().await?.unwrap_or_default();
    let page = LoginPage {
        chrome: ctx.chrome(),
        organisation,
        email,
        notice,
        error,
    };
    Ok((status, Html(page.render()?)).into_response())
}
