//! `/api/v1/activities`: calls, meetings, visits, e-mails and tasks.

use super::{cursor_param, list_storage, storage};
use crate::auth::me::Me;
use crate::shared::Query;
use crate::shared::extract::ApiJson;
use crate::shared::invalid;
use crate::shared::params::Page;
use crate::{AppError, AppState};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use chrono::{DateTime, NaiveDate, Utc};
use keel_db::activities::{Activity, ActivityInput, ActivityQuery, KINDS, TaskState};
use keel_domain::time::now;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list_activities, create_activity))
}

#[derive(Serialize, ToSchema)]
pub struct ActivityDto {
    id: Uuid,
    /// `call`, `meeting`, `email`, `visit` or `task`.
    kind: String,
    subject: String,
    notes: Option<String>,
    owner_id: Uuid,
    owner_name: String,
    at: DateTime<Utc>,
    due_date: Option<NaiveDate>,
    done_at: Option<DateTime<Utc>>,
    account_id: Option<Uuid>,
    deal_id: Option<Uuid>,
    check_in_at: Option<DateTime<Utc>>,
    check_out_at: Option<DateTime<Utc>>,
    location: Option<String>,
}

impl From<Activity> for ActivityDto {
    fn from(a: Activity) -> Self {
        ActivityDto {
            id: a.id,
            kind: a.kind,
            subject: a.subject,
            notes: a.notes,
            owner_id: a.owner_id,
            owner_name: a.owner_name,
            at: a.at,
            due_date: a.due_date,
            done_at: a.done_at,
            account_id: a.account_id,
            deal_id: a.deal_id,
            check_in_at: a.check_in_at,
            check_out_at: a.check_out_at,
            location: a.location,
        }
    }
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ActivityParams {
    /// Search the subject.
    q: Option<String>,
    /// `call`, `meeting`, `email`, `visit` or `task`.
    kind: Option<String>,
    /// Activities of this person.
    owner: Option<Uuid>,
    /// Activities about this account.
    account: Option<Uuid>,
    /// Activities about this deal.
    deal: Option<Uuid>,
    /// Tasks only: `open`, `done` or `overdue` (open and due before today).
    state: Option<String>,
    /// From this day (UTC), included.
    #[serde(default, deserialize_with = "crate::shared::params::bounded::opt_date")]
    from: Option<NaiveDate>,
    /// To this day (UTC), included.
    #[serde(default, deserialize_with = "crate::shared::params::bounded::opt_date")]
    to: Option<NaiveDate>,
    /// `next` from the previous page.
    after: Option<String>,
    /// Page size, 1 to 500 (default 100).
    limit: Option<u32>,
}

/// Activities you may see, newest first, filtered.
#[utoipa::path(get, path = "/api/v1/activities", tag = "crm", params(ActivityParams),
    responses((status = 200, body = Page<ActivityDto>), (status = 422, description = "a filter is not one of the accepted values")))]
async fn list_activities(
    State(state): State<AppState>,
    me: Me,
    Query(p): Query<ActivityParams>,
) -> Result<Json<Page<ActivityDto>>, AppError> {
    let l = me.l();
    if p.kind.as_deref().is_some_and(|k| !KINDS.contains(&k)) {
        return Err(invalid("kind", l.t("error-invalid_filter")));
    }
    let task_state = match p.state.as_deref() {
        None | Some("") => None,
        Some(s) => {
            Some(TaskState::parse(s).ok_or_else(|| invalid("state", l.t("error-invalid_filter")))?)
        }
    };
    let q = ActivityQuery {
        search: p.q,
        kind: p.kind,
        owner: p.owner,
        account: p.account,
        deal: p.deal,
        state: task_state,
        from: p.from,
        to: p.to,
        today: me.today(),
        after: cursor_param(&me, p.after.as_deref())?,
        limit: crate::shared::params::page_size(p.limit),
    };
    let (rows, next) = state
        .db
        .activity_list(&me.actor(), &q)
        .await
        .map_err(|e| list_storage(&me, e))?;
    Ok(Json(Page {
        items: rows.into_iter().map(Into::into).collect(),
        next: next.map(|c| c.to_string()),
    }))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewActivityDto {
    /// `call`, `meeting`, `email`, `visit` or `task`.
    kind: String,
    subject: String,
    notes: Option<String>,
    /// When it happens; default now.
    #[serde(
        default,
        deserialize_with = "crate::shared::params::bounded::opt_instant"
    )]
    at: Option<DateTime<Utc>>,
    /// Tasks: when due.
    #[serde(default, deserialize_with = "crate::shared::params::bounded::opt_date")]
    due_date: Option<NaiveDate>,
    account_id: Option<Uuid>,
    deal_id: Option<Uuid>,
    /// Visits: where (text or "lat,lon").
    location: Option<String>,
}

#[utoipa::path(post, path = "/api/v1/activities", tag = "crm", request_body = NewActivityDto,
    responses((status = 201, body = ActivityDto), (status = 422, description = "fields need attention")))]
async fn create_activity(
    State(state): State<AppState>,
    me: Me,
    ApiJson(b): ApiJson<NewActivityDto>,
) -> Result<(StatusCode, Json<ActivityDto>), AppError> {
    let l = me.l();
    if !KINDS.contains(&b.kind.as_str()) {
        return Err(invalid("kind", l.t("field-required")));
    }
    if let Some(e) = crate::shared::fields::required(l, &b.subject, 200) {
        return Err(invalid("subject", e));
    }
    let input = ActivityInput {
        kind: b.kind,
        subject: b.subject.trim().to_owned(),
        notes: b.notes,
        owner_id: me.user.person_id,
        at: b.at.map(keel_domain::time::truncate).unwrap_or_else(now),
        due_date: b.due_date,
        account_id: b.account_id,
        contact_id: None,
        deal_id: b.deal_id,
        lead_id: None,
        location: b.location,
    };
    let id = state
        .db
        .log_activity(&me.actor(), &input)
        .await
        .map_err(|e| storage(&me, e))?;
    Ok((
        StatusCode::CREATED,
        Json(state.db.activity(&me.actor(), id).await?.into()),
    ))
}
