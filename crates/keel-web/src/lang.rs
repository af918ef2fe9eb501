//! The language switch on every page: remembered in a cookie, and in the person's settings
//! when someone is signed in.

use crate::shared::Form;
use crate::{
    AppError, AppState,
    context::{Ctx, LANG_COOKIE},
};
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Redirect, Response};
use keel_i18n::Locale;
use serde::Deserialize;

#[derive(Deserialize)]
pub struct Switch {
    locale: String,
    #[serde(default)]
    back: String,
}

pub async fn switch(
    State(state): State<AppState>,
    ctx: Ctx,
    Form(f): Form<Switch>,
) -> Result<Response, AppError> {
    let l = Locale::parse(&f.locale).unwrap_or(ctx.l);
    if let Some(user) = &ctx.user {
        state.db.set_locale(user.person_id, l.code()).await?;
    }
    // Only a local path: never bounce the browser to another site.
    let back = if f.back.starts_with('/') && !f.back.starts_with("//") {
        f.back
    } else {
        "/".into()
    };
    let cookie = format!(
        "{LANG_COOKIE}={}; Path=/; Max-Age=31536000; SameSite=Lax{}",
        l.code(),
        if state.config.cookie_secure {
            "; Secure"
        } else {
            ""
        }
    );
    Ok(([(header::SET_COOKIE, cookie)], Redirect::to(&back)).into_response())
}
