//! The signed-in home page. Until the CRM and goal areas exist it shows who you are and
//! where; they add their panels here.

use crate::{AppError, AppState, context::Ctx};
use askama::Template;
use axum::extract::State;
use axum::response::{Html, IntoResponse, Redirect, Response};
use keel_views::HomePage;

pub async fn page(State(state): State<AppState>, ctx: Ctx) -> Result<Response, AppError> {
    let Some(user) = &ctx.user else {
        let to = if state.db.is_first_run().await? {
            "/setup"
        } else {
            "/login"
        };
        return Ok(Redirect::to(to).into_response());
    };
    let organisation = state.db.organisation_name().await?.unwrap_or_default();
    let page = HomePage {
        welcome: ctx.l.t_args("home-welcome", &[("name", &user.name)]),
        role: ctx.l.t(&format!("role-{}", user.role)),
        organisation,
        chrome: ctx.chrome(),
    };
    Ok(Html(page.render()?).into_response())
}
