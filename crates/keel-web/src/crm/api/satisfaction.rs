//! `/api/v1/satisfaction` and an account's answers: CSAT and NPS.

use super::{cursor_param, list_storage, storage};
use crate::auth::me::Me;
use crate::shared::Id;
use crate::shared::Query;
use crate::shared::extract::ApiJson;
use crate::shared::invalid;
use crate::{AppError, AppState};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use keel_db::satisfaction::Response as SatisfactionResponse;
use keel_db::satisfaction::{ResponseLine, ResponseQuery};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(record_satisfaction))
        .routes(routes!(list_satisfaction))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SatisfactionDto {
    /// `csat` (score 1–5) or `nps` (score 0–10).
    kind: String,
    score: i32,
    comment: Option<String>,
    deal_id: Option<Uuid>,
    /// When the customer answered; default now.
    #[serde(
        default,
        deserialize_with = "crate::shared::params::bounded::opt_instant"
    )]
    at: Option<DateTime<Utc>>,
}

/// Records a customer's CSAT or NPS answer for an account.
#[utoipa::path(post, path = "/api/v1/accounts/{id}/satisfaction", tag = "crm", request_body = SatisfactionDto,
    params(("id" = Uuid, Path, description = "account id")),
    responses((status = 204, description = "recorded"), (status = 404, description = "no such account"),
        (status = 422, description = "score out of range")))]
async fn record_satisfaction(
    State(state): State<AppState>,
    me: Me,
    Id(id): Id,
    ApiJson(b): ApiJson<SatisfactionDto>,
) -> Result<StatusCode, AppError> {
    let r = SatisfactionResponse {
        kind: b.kind,
        score: b.score,
        comment: b.comment,
        deal_id: b.deal_id,
        at: b.at.map(keel_domain::time::truncate),
    };
    state
        .db
        .record_satisfaction(&me.actor(), id, &r)
        .await
        .map_err(|e| storage(&me, e))?;
    Ok(StatusCode::NO_CONTENT)
}

/// A customer's CSAT or NPS answer.
#[derive(Serialize, ToSchema)]
pub struct ResponseDto {
    id: Uuid,
    /// `csat` (1–5) or `nps` (0–10).
    kind: String,
    score: i32,
    comment: Option<String>,
    account_id: Uuid,
    account_name: String,
    deal_id: Option<Uuid>,
    owner_id: Uuid,
    owner_name: String,
    at: DateTime<Utc>,
}

impl From<ResponseLine> for ResponseDto {
    fn from(r: ResponseLine) -> Self {
        ResponseDto {
            id: r.id,
            kind: r.kind,
            score: r.score,
            comment: r.comment,
            account_id: r.account_id,
            account_name: r.account_name,
            deal_id: r.deal_id,
            owner_id: r.owner_id,
            owner_name: r.owner_name,
            at: r.at,
        }
    }
}

/// A page of answers, with the CSAT average and NPS over every answer the filters select.
#[derive(Serialize, ToSchema)]
pub struct ResponsesDto {
    items: Vec<ResponseDto>,
    /// Pass back as `after` for the following page.
    next: Option<String>,
    csat_responses: i64,
    /// Hundredths: 425 is 4.25.
    csat_avg_hundredths: Option<i64>,
    nps_responses: i64,
    /// % promoters − % detractors.
    nps: Option<i64>,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ResponseParams {
    /// `csat` or `nps`.
    kind: Option<String>,
    owner: Option<Uuid>,
    account: Option<Uuid>,
    /// Lowest score, included.
    min: Option<i32>,
    /// Highest score, included.
    max: Option<i32>,
    /// `next` from the previous page.
    after: Option<String>,
    /// Page size, 1 to 500 (default 100).
    limit: Option<u32>,
}

/// Satisfaction answers you may see, newest first.
#[utoipa::path(get, path = "/api/v1/satisfaction", tag = "crm", params(ResponseParams),
    responses((status = 200, body = ResponsesDto), (status = 422, description = "a filter is out of range")))]
async fn list_satisfaction(
    State(state): State<AppState>,
    me: Me,
    Query(p): Query<ResponseParams>,
) -> Result<Json<ResponsesDto>, AppError> {
    let l = me.l();
    if p.kind
        .as_deref()
        .is_some_and(|k| !crate::crm::satisfaction::KINDS.contains(&k))
    {
        return Err(invalid("kind", l.t("error-invalid_filter")));
    }
    for (field, v) in [("min", p.min), ("max", p.max)] {
        if v.is_some_and(|n| !(0..=10).contains(&n)) {
            return Err(invalid(field, l.t("satisfaction-score-invalid")));
        }
    }
    let q = ResponseQuery {
        kind: p.kind,
        owner: p.owner,
        account: p.account,
        min: p.min,
        max: p.max,
        after: cursor_param(&me, p.after.as_deref())?,
        limit: crate::shared::params::page_size(p.limit),
    };
    let actor = me.actor();
    let (rows, next) = state
        .db
        .responses(&actor, &q)
        .await
        .map_err(|e| list_storage(&me, e))?;
    let sum = state.db.responses_summary(&actor, &q).await?;
    Ok(Json(ResponsesDto {
        items: rows.into_iter().map(Into::into).collect(),
        next: next.map(|c| c.to_string()),
        csat_responses: sum.csat_responses,
        csat_avg_hundredths: sum.csat_avg_hundredths,
        nps_responses: sum.nps_responses,
        nps: sum.nps,
    }))
}
