use super::{local, timeline};
use crate::auth::me::Me;
use crate::forms::required;
use crate::people::opt_id;
use crate::{AppError, AppState, api::parse_id};
use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use chrono::NaiveDate;
use keel_db::activities::{ActivityInput, KINDS};
use keel_domain::time::now;
use keel_views::TodayPage;
use serde::Deserialize;

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ActivityForm {
    kind: String,
    subject: String,
    due_date: String,
    location: String,
    account_id: String,
    deal_id: String,
    lead_id: String,
    back: String,
}

/// Quick-add from any record: logged now, by and for the signed-in person.
pub async fn create(
    State(state): State<AppState>,
    me: Me,
    Form(f): Form<ActivityForm>,
) -> Result<Response, AppError> {
    let l = me.l();
    let mut errors = Vec::new();
    if let Some(e) = required(l, &f.subject, 200) {
        errors.push(("subject".to_owned(), e));
    }
    if !KINDS.contains(&f.kind.as_str()) {
        errors.push(("kind".to_owned(), l.t("field-required")));
    }
    let due = match f.due_date.trim() {
        "" => None,
        s => match NaiveDate::parse_from_str(s, "%Y-%m-%d") {
            Ok(d) => Some(d),
            Err(_) => {
                errors.push(("due_date".to_owned(), l.t("field-date-invalid")));
                None
            }
        },
    };
    if !errors.is_empty() {
        return Err(AppError::Invalid(errors));
    }
    let input = ActivityInput {
        kind: f.kind.clone(),
        subject: f.subject.trim().to_owned(),
        notes: None,
        owner_id: me.user.person_id,
        at: now(),
        due_date: due.or((f.kind == "task").then(|| now().date_naive())),
        account_id: opt_id(&f.account_id),
        contact_id: None,
        deal_id: opt_id(&f.deal_id),
        lead_id: opt_id(&f.lead_id),
        location: Some(f.location.trim().to_owned()).filter(|s| !s.is_empty()),
    };
    state.db.log_activity(&me.actor(), &input).await?;
    Ok(Redirect::to(&local(&f.back, "/today")).into_response())
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct BackForm {
    back: String,
}

pub async fn complete(
    State(state): State<AppState>,
    me: Me,
    Path(id): Path<String>,
    Form(f): Form<BackForm>,
) -> Result<Response, AppError> {
    state
        .db
        .complete_activity(&me.actor(), parse_id(&id)?)
        .await?;
    Ok(Redirect::to(&local(&f.back, "/today")).into_response())
}

/// Today's and overdue tasks, and today's visits, meetings and calls.
pub async fn today(State(state): State<AppState>, me: Me) -> Result<Html<String>, AppError> {
    let l = me.l();
    let today = now().date_naive();
    let items = state.db.my_day(&me.actor(), today).await?;
    let page = TodayPage {
        date: l.date(today),
        timeline: timeline(l, &items),
        chrome: me.ctx.chrome(),
    };
    Ok(Html(page.render()?))
}
