//! `/api/v1/deals` and `/api/v1/pipelines`: deals, their stages and the pipelines they move through.

use super::{cursor_param, list_storage, sort_param, storage};
use crate::auth::me::Me;
use crate::shared::Id;
use crate::shared::Query;
use crate::shared::extract::ApiJson;
use crate::shared::invalid;
use crate::shared::params::Page;
use crate::{AppError, AppState};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use chrono::{DateTime, NaiveDate, Utc};
use keel_db::DbError;
use keel_db::deals::{Deal, DealInput, DealQuery, Stage};
use keel_domain::money::Currency;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_deals, create_deal))
        .routes(routes!(get_deal))
        .routes(routes!(move_deal))
        .routes(routes!(list_pipelines, create_pipeline))
}

/// A deal. Amounts are integer minor units (fen, cents) with an ISO currency code.
#[derive(Serialize, ToSchema)]
pub struct DealDto {
    id: Uuid,
    name: String,
    amount_minor: i64,
    currency: String,
    pipeline_id: Uuid,
    stage_id: Uuid,
    stage_name: String,
    stage_name_en: String,
    /// Win probability of the stage, percent.
    probability: i32,
    /// `open`, `won` or `lost`, from the stage.
    category: String,
    stage_entered_at: DateTime<Utc>,
    expected_close: Option<NaiveDate>,
    closed_at: Option<DateTime<Utc>>,
    owner_id: Uuid,
    owner_name: String,
    account_id: Option<Uuid>,
    account_name: Option<String>,
    product_line: Option<String>,
    kind: Option<String>,
    source: Option<String>,
    loss_reason: Option<String>,
    created_at: DateTime<Utc>,
}

impl From<Deal> for DealDto {
    fn from(d: Deal) -> Self {
        DealDto {
            id: d.id,
            name: d.name,
            amount_minor: d.amount_minor,
            currency: d.currency,
            pipeline_id: d.pipeline_id,
            stage_id: d.stage_id,
            stage_name: d.stage_name,
            stage_name_en: d.stage_name_en,
            probability: d.probability,
            category: d.category,
            stage_entered_at: d.stage_entered_at,
            expected_close: d.expected_close,
            closed_at: d.closed_at,
            owner_id: d.owner_id,
            owner_name: d.owner_name,
            account_id: d.account_id,
            account_name: d.account_name,
            product_line: d.product_line,
            kind: d.kind,
            source: d.source,
            loss_reason: d.loss_reason,
            created_at: d.created_at,
        }
    }
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DealParams {
    /// Search deal names, product lines and account names (any part of a word).
    q: Option<String>,
    /// `created` (default, newest first), `name`, `amount` (largest first) or `close`
    /// (expected close, soonest first, undated last).
    sort: Option<String>,
    owner: Option<Uuid>,
    account: Option<Uuid>,
    stage: Option<Uuid>,
    pipeline: Option<Uuid>,
    /// Only deals in open stages.
    #[serde(default)]
    open: bool,
    /// `next` from the previous page (with the same `sort`).
    after: Option<String>,
    /// Page size, 1 to 500 (default 100).
    limit: Option<u32>,
}

/// Deals you may see, newest first or in another order.
#[utoipa::path(get, path = "/api/v1/deals", tag = "crm", params(DealParams), responses((status = 200, body = Page<DealDto>)))]
async fn list_deals(
    State(state): State<AppState>,
    me: Me,
    Query(p): Query<DealParams>,
) -> Result<Json<Page<DealDto>>, AppError> {
    let q = DealQuery {
        search: p.q,
        owner: p.owner,
        account: p.account,
        stage: p.stage,
        pipeline: p.pipeline,
        open_only: p.open,
        sort: sort_param(&me, keel_db::sort::DEALS, p.sort.as_deref())?,
        after: cursor_param(&me, p.after.as_deref())?,
        limit: crate::shared::params::page_size(p.limit),
    };
    let (rows, next) = state
        .db
        .deals(&me.actor(), &q)
        .await
        .map_err(|e| list_storage(&me, e))?;
    Ok(Json(Page {
        items: rows.into_iter().map(Into::into).collect(),
        next: next.map(|c| c.to_string()),
    }))
}

/// One deal.
#[utoipa::path(get, path = "/api/v1/deals/{id}", tag = "crm", params(("id" = Uuid, Path, description = "deal id")),
    responses((status = 200, body = DealDto), (status = 404, description = "no such deal, or not yours to see")))]
async fn get_deal(
    State(state): State<AppState>,
    me: Me,
    Id(id): Id,
) -> Result<Json<DealDto>, AppError> {
    Ok(Json(state.db.deal(&me.actor(), id).await?.into()))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewDealDto {
    name: String,
    /// Integer minor units, at least 0.
    amount_minor: i64,
    /// ISO 4217 code; default `CNY`.
    currency: Option<String>,
    stage_id: Uuid,
    /// When given, the stage must belong to this pipeline.
    pipeline_id: Option<Uuid>,
    #[serde(default, deserialize_with = "crate::shared::params::bounded::opt_date")]
    expected_close: Option<NaiveDate>,
    /// Default: you.
    owner_id: Option<Uuid>,
    account_id: Option<Uuid>,
    product_line: Option<String>,
    kind: Option<String>,
    source: Option<String>,
}

#[utoipa::path(post, path = "/api/v1/deals", tag = "crm", request_body = NewDealDto,
    responses((status = 201, body = DealDto), (status = 403, description = "owner outside your reporting line"),
        (status = 422, description = "fields need attention")))]
async fn create_deal(
    State(state): State<AppState>,
    me: Me,
    ApiJson(b): ApiJson<NewDealDto>,
) -> Result<(StatusCode, Json<DealDto>), AppError> {
    let l = me.l();
    if let Some(e) = crate::shared::fields::required(l, &b.name, 200) {
        return Err(invalid("name", e));
    }
    if b.amount_minor < 0 {
        return Err(invalid("amount_minor", l.t("field-amount-invalid")));
    }
    let currency = Currency::parse(b.currency.as_deref().unwrap_or("CNY"))
        .ok_or_else(|| invalid("currency", l.t("field-currency-invalid")))?;
    let input = DealInput {
        name: b.name.trim().to_owned(),
        amount_minor: b.amount_minor,
        currency: currency.code().to_owned(),
        stage_id: b.stage_id,
        pipeline_id: b.pipeline_id,
        expected_close: b.expected_close,
        owner_id: b.owner_id.unwrap_or(me.user.person_id),
        account_id: b.account_id,
        contact_id: None,
        product_line: b.product_line,
        kind: b.kind,
        source: b.source,
        loss_reason: None,
    };
    let id = state
        .db
        .create_deal(&me.actor(), &input)
        .await
        .map_err(|e| storage(&me, e))?;
    Ok((
        StatusCode::CREATED,
        Json(state.db.deal(&me.actor(), id).await?.into()),
    ))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MoveDto {
    stage_id: Uuid,
    loss_reason: Option<String>,
}

/// Moves a deal to another stage of its pipeline; the step is kept in its stage history.
#[utoipa::path(post, path = "/api/v1/deals/{id}/stage", tag = "crm", request_body = MoveDto,
    params(("id" = Uuid, Path, description = "deal id")),
    responses((status = 200, body = DealDto), (status = 403, description = "not your deal or your line's"),
        (status = 404, description = "no such deal"), (status = 422, description = "stage not in the deal's pipeline")))]
async fn move_deal(
    State(state): State<AppState>,
    me: Me,
    Id(id): Id,
    ApiJson(b): ApiJson<MoveDto>,
) -> Result<Json<DealDto>, AppError> {
    state
        .db
        .move_deal(&me.actor(), id, b.stage_id, b.loss_reason.as_deref())
        .await
        .map_err(|e| storage(&me, e))?;
    Ok(Json(state.db.deal(&me.actor(), id).await?.into()))
}

#[derive(Serialize, ToSchema)]
pub struct StageDto {
    id: Uuid,
    name: String,
    name_en: String,
    probability: i32,
    category: String,
}

#[derive(Serialize, ToSchema)]
pub struct PipelineDto {
    id: Uuid,
    name: String,
    is_default: bool,
    stages: Vec<StageDto>,
}

/// Pipelines and their stages, in board order.
#[utoipa::path(get, path = "/api/v1/pipelines", tag = "crm", responses((status = 200, body = Vec<PipelineDto>)))]
async fn list_pipelines(
    State(state): State<AppState>,
    _me: Me,
) -> Result<Json<Vec<PipelineDto>>, AppError> {
    let stages: Vec<Stage> = state.db.stages().await?;
    let out = state
        .db
        .pipelines()
        .await?
        .into_iter()
        .map(|p| PipelineDto {
            stages: stages
                .iter()
                .filter(|s| s.pipeline_id == p.id)
                .map(|s| StageDto {
                    id: s.id,
                    name: s.name.clone(),
                    name_en: s.name_en.clone(),
                    probability: s.probability,
                    category: s.category.clone(),
                })
                .collect(),
            id: p.id,
            name: p.name,
            is_default: p.is_default,
        })
        .collect();
    Ok(Json(out))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewPipelineDto {
    /// Unique, at most 100 characters.
    name: String,
}

/// Adds a pipeline (admins) with a copy of the default stages, to rename and adjust.
#[utoipa::path(post, path = "/api/v1/pipelines", tag = "crm", request_body = NewPipelineDto,
    responses((status = 201, body = PipelineDto), (status = 403, description = "admins only"),
        (status = 422, description = "name missing, too long or taken")))]
async fn create_pipeline(
    State(state): State<AppState>,
    me: Me,
    ApiJson(b): ApiJson<NewPipelineDto>,
) -> Result<(StatusCode, Json<PipelineDto>), AppError> {
    me.require(keel_domain::roles::Action::ManageTeams)?;
    let id = state
        .db
        .create_pipeline(me.user.person_id, &b.name)
        .await
        .map_err(|e| match e {
            DbError::Conflict(code) => invalid("name", me.l().t(&format!("error-{code}"))),
            e => e.into(),
        })?;
    let Json(all) = list_pipelines(State(state), me).await?;
    let made = all
        .into_iter()
        .find(|p| p.id == id)
        .ok_or(AppError::NotFound)?;
    Ok((StatusCode::CREATED, Json(made)))
}
