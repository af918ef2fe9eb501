//! Session cookies. The cookie holds 244 random bits; the database holds only their SHA-256,
//! so a leaked database does not leak live sessions. Every login issues a fresh token
//! (no fixation), and logout or deactivation deletes the row, which ends the session on
//! every server at once.

use crate::{AppState, context::cookie};
use axum::http::HeaderMap;
use chrono::TimeDelta;
use keel_db::sessions::SessionUser;
use keel_domain::time::now;
use sha2::{Digest, Sha256};
use uuid::Uuid;

pub const COOKIE: &str = "keel_session";

/// Writes of `last_seen_at` are skipped when the last one is more recent than this.
const TOUCH_EVERY: TimeDelta = TimeDelta::minutes(1);

pub fn hash_token(token: &str) -> Vec<u8> {
    Sha256::digest(token.as_bytes()).to_vec()
}

/// Starts a session for `person` and returns the `Set-Cookie` value that carries it.
pub async fn start(state: &AppState, person: Uuid) -> Result<String, keel_db::DbError> {
    let token = format!("{}{}", Uuid::new_v4().simple(), Uuid::new_v4().simple());
    let at = now();
    let absolute =
        TimeDelta::from_std(state.config.session_absolute).unwrap_or(TimeDelta::days(14));
    state
        .db
        .create_session(&hash_token(&token), person, at, at + absolute)
        .await?;
    Ok(set_cookie(state, &token, absolute.num_seconds()))
}

/// Ends the request's session, if any, and returns the `Set-Cookie` value that clears it.
pub async fn end(state: &AppState, headers: &HeaderMap) -> Result<String, keel_db::DbError> {
    if let Some(token) = cookie(headers, COOKIE)
        && let Some(person) = state.db.delete_session(&hash_token(&token)).await?
    {
        state.db.record_event(person, "logout", "session").await?;
    }
    Ok(set_cookie(state, "", 0))
}

fn set_cookie(state: &AppState, value: &str, max_age: i64) -> String {
    let secure = if state.config.cookie_secure {
        "; Secure"
    } else {
        ""
    };
    format!("{COOKIE}={value}; Path=/; Max-Age={max_age}; HttpOnly; SameSite=Lax{secure}")
}

/// The person whose live session the request carries. A database error counts as signed
/// out (and is logged): pages then show the login form rather than failing outright.
pub async fn current_user(state: &AppState, headers: &HeaderMap) -> Option<SessionUser> {
    let token = cookie(headers, COOKIE)?;
    let hash = hash_token(&token);
    let at = now();
    let idle = TimeDelta::from_std(state.config.session_idle).unwrap_or(TimeDelta::hours(12));
    match state.db.session_user(&hash, at, idle).await {
        Ok(Some(user)) => {
            if at - user.last_seen_at > TOUCH_EVERY
                && let Err(e) = state.db.touch_session(&hash, at).await
            {
                tracing::warn!(error = %e, "could not record session use");
            }
            Some(user)
        }
        Ok(None) => None,
        Err(e) => {
            tracing::warn!(error = %e, "session lookup failed");
            None
        }
    }
}

/// The hourly sweep: sessions idle past the limit and login failures outside the throttling
/// window are deleted.
pub(crate) async fn sweep(state: &AppState) -> Result<(), keel_db::DbError> {
    let at = now();
    let idle = TimeDelta::from_std(state.config.session_idle).unwrap_or(TimeDelta::hours(12));
    state
        .db
        .sweep_sessions(at, idle, at - crate::auth::login::WINDOW)
        .await
}
