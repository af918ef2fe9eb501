//! Login and logout. Failed attempts are counted per account and per client address in the
//! database, so the limit holds however many servers share the load.

use crate::auth::{passwords, session};
use crate::{AppError, AppState, context::Ctx};
use askama::Template;
use axum::Form;
use axum::extract::{ConnectInfo, Query, State};
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
const WINDOW: TimeDelta = TimeDelta::minutes(15);

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
    let account_key = format!("email:{email}");
    let address_key = format!("ip:{}", client_address(&state, &headers, peer));
    let at = now();
    let since = at - WINDOW;
    let throttled = state.db.login_failures(&account_key, since).await? >= MAX_PER_ACCOUNT
        || state.db.login_failures(&address_key, since).await? >= MAX_PER_ADDRESS;
    if throttled {
        let msg = ctx.l.t_args(
            "login-throttled",
            &[("minutes", &WINDOW.num_minutes().to_string())],
        );
        let mut res = render(
            &state,
            &ctx,
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
        return Ok(res);
    }
    let creds = state.db.credentials(&email).await?;
    let (stored, id) = match creds {
        Some(c) if c.active => (c.password_hash, Some(c.id)),
        _ => (None, None),
    };
    let ok = passwords::verify(stored, f.password).await;
    match (ok, id) {
        (true, Some(id)) => {
            state.db.clear_login_failures(&account_key).await?;
            // A fresh token on every login; any session the browser already had is ended.
            session::end(&state, &headers).await?;
            let cookie = session::start(&state, id).await?;
            Ok(([(header::SET_COOKIE, cookie)], Redirect::to("/")).into_response())
        }
        _ => {
            state
                .db
                .record_login_failure(&account_key, at, since)
                .await?;
            state
                .db
                .record_login_failure(&address_key, at, since)
                .await?;
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

pub async fn logout(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let cookie = session::end(&state, &headers).await?;
    Ok(([(header::SET_COOKIE, cookie)], Redirect::to("/login?bye=1")).into_response())
}

fn client_address(state: &AppState, headers: &HeaderMap, peer: SocketAddr) -> String {
    if state.config.trust_forwarded_for {
        let forwarded = headers
            .get("x-forwarded-for")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(',').next())
            .map(|v| v.trim().to_owned());
        if let Some(addr) = forwarded.filter(|a| !a.is_empty()) {
            return addr;
        }
    }
    peer.ip().to_string()
}

async fn render(
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
