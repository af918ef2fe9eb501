//! `/api/v1/leads` and `/api/v1/pool`: leads, their conversion and owner, and the shared pool.

use super::{cursor_param, list_storage, sort_param, storage};
use crate::auth::me::Me;
use crate::shared::Id;
use crate::shared::Query;
use crate::shared::extract::ApiJson;
use crate::shared::invalid;
use crate::shared::params::{Page, parse_id};
use crate::{AppError, AppState};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use keel_db::DbError;
use keel_db::crm::Owned;
use keel_db::deals::DealInput;
use keel_db::leads::{Conversion, Converted, Lead, LeadInput, LeadQuery};
use keel_db::pool::PoolKind;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_leads, create_lead))
        .routes(routes!(convert_lead))
        .routes(routes!(claim))
        .routes(routes!(release))
        .routes(routes!(reassign_lead))
}

/// Pool rule breaks are 409 with the rule's code; other rule breaks are field errors.
fn pool_storage(me: &Me, e: DbError) -> AppError {
    match e {
        DbError::Conflict(code) if code.starts_with("pool_") || code.starts_with("lead_") => {
            AppError::Conflict(code)
        }
        e => storage(me, e),
    }
}

/// A lead. `owner_id` null: in the shared pool.
#[derive(Serialize, ToSchema)]
pub struct LeadDto {
    id: Uuid,
    name: String,
    company: Option<String>,
    email: Option<String>,
    phone: Option<String>,
    source: Option<String>,
    /// `new`, `contacted`, `qualified`, `converted` or `lost`.
    status: String,
    industry: Option<String>,
    owner_id: Option<Uuid>,
    owner_name: Option<String>,
    last_activity_at: Option<DateTime<Utc>>,
    converted_account_id: Option<Uuid>,
    converted_deal_id: Option<Uuid>,
    created_at: DateTime<Utc>,
}

impl From<Lead> for LeadDto {
    fn from(l: Lead) -> Self {
        LeadDto {
            id: l.id,
            name: l.name,
            company: l.company,
            email: l.email,
            phone: l.phone,
            source: l.source,
            status: l.status,
            industry: l.industry,
            owner_id: l.owner_id,
            owner_name: l.owner_name,
            last_activity_at: l.last_activity_at,
            converted_account_id: l.converted_account_id,
            converted_deal_id: l.converted_deal_id,
            created_at: l.created_at,
        }
    }
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LeadParams {
    /// Search name, company, e-mail and phone (any part of a word).
    q: Option<String>,
    /// `created` (default, newest first), `name` or `last_activity` (latest follow-up first).
    sort: Option<String>,
    /// Only this owner's leads.
    owner: Option<Uuid>,
    /// Only the shared pool.
    #[serde(default)]
    pool: bool,
    /// `next` from the previous page (with the same `sort`).
    after: Option<String>,
    /// Page size, 1 to 500 (default 100).
    limit: Option<u32>,
}

/// Leads you may see (yours, your line's and the pool's), newest first.
#[utoipa::path(get, path = "/api/v1/leads", tag = "crm", params(LeadParams), responses((status = 200, body = Page<LeadDto>)))]
async fn list_leads(
    State(state): State<AppState>,
    me: Me,
    Query(p): Query<LeadParams>,
) -> Result<Json<Page<LeadDto>>, AppError> {
    if p.pool {
        state.db.return_stale(PoolKind::Leads).await?;
    }
    let q = LeadQuery {
        search: p.q,
        owner: p.owner,
        pool: p.pool,
        sort: sort_param(&me, keel_db::sort::LEADS, p.sort.as_deref())?,
        after: cursor_param(&me, p.after.as_deref())?,
        limit: crate::shared::params::page_size(p.limit),
        ..Default::default()
    };
    let (rows, next) = state
        .db
        .leads(&me.actor(), &q)
        .await
        .map_err(|e| list_storage(&me, e))?;
    Ok(Json(Page {
        items: rows.into_iter().map(Into::into).collect(),
        next: next.map(|c| c.to_string()),
    }))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewLeadDto {
    name: String,
    company: Option<String>,
    email: Option<String>,
    phone: Option<String>,
    source: Option<String>,
    industry: Option<String>,
    /// Put it straight into the shared pool instead of keeping it.
    #[serde(default)]
    pool: bool,
}

#[utoipa::path(post, path = "/api/v1/leads", tag = "crm", request_body = NewLeadDto,
    responses((status = 201, body = LeadDto), (status = 422, description = "fields need attention")))]
async fn create_lead(
    State(state): State<AppState>,
    me: Me,
    ApiJson(b): ApiJson<NewLeadDto>,
) -> Result<(StatusCode, Json<LeadDto>), AppError> {
    if let Some(e) = crate::shared::fields::required(me.l(), &b.name, 200) {
        return Err(invalid("name", e));
    }
    let input = LeadInput {
        name: b.name.trim().to_owned(),
        company: b.company,
        email: b.email,
        phone: b.phone,
        source: b.source,
        status: "new".into(),
        industry: b.industry,
        notes: None,
        owner_id: (!b.pool).then_some(me.user.person_id),
    };
    let id = state
        .db
        .create_lead(&me.actor(), &input)
        .await
        .map_err(|e| storage(&me, e))?;
    Ok((
        StatusCode::CREATED,
        Json(state.db.lead(&me.actor(), id).await?.into()),
    ))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ConvertDto {
    /// The new account's name (ignored with `account_id`).
    account_name: Option<String>,
    /// Link an existing account instead of creating one.
    account_id: Option<Uuid>,
    /// Also open a deal: its name, amount (minor units) and stage.
    deal_name: Option<String>,
    amount_minor: Option<i64>,
    stage_id: Option<Uuid>,
}

#[derive(Serialize, ToSchema)]
pub struct ConvertedDto {
    account_id: Uuid,
    contact_id: Uuid,
    deal_id: Option<Uuid>,
}

impl From<Converted> for ConvertedDto {
    fn from(c: Converted) -> Self {
        ConvertedDto {
            account_id: c.account_id,
            contact_id: c.contact_id,
            deal_id: c.deal_id,
        }
    }
}

/// Converts a lead into an account, a contact and optionally a deal, in one step.
#[utoipa::path(post, path = "/api/v1/leads/{id}/convert", tag = "crm", request_body = ConvertDto,
    params(("id" = Uuid, Path, description = "lead id")),
    responses((status = 200, body = ConvertedDto), (status = 404, description = "no such lead"),
        (status = 409, description = "already converted, or still in the pool")))]
async fn convert_lead(
    State(state): State<AppState>,
    me: Me,
    Id(id): Id,
    ApiJson(b): ApiJson<ConvertDto>,
) -> Result<Json<ConvertedDto>, AppError> {
    let lead = state.db.lead(&me.actor(), id).await?;
    let deal = match (b.deal_name, b.stage_id) {
        (Some(name), Some(stage)) => Some(DealInput {
            name,
            amount_minor: b.amount_minor.unwrap_or(0),
            currency: "CNY".into(),
            stage_id: stage,
            owner_id: me.user.person_id,
            ..Default::default()
        }),
        (Some(_), None) => return Err(invalid("stage_id", me.l().t("field-required"))),
        _ => None,
    };
    let account_name = b.account_name.or(lead.company).unwrap_or(lead.name);
    let conv = Conversion {
        account_name,
        existing_account: b.account_id,
        deal,
    };
    let done = state
        .db
        .convert_lead(&me.actor(), id, &conv)
        .await
        .map_err(|e| pool_storage(&me, e))?;
    Ok(Json(done.into()))
}

/// Claims a lead or account from the shared pool, under the pool's rules.
#[utoipa::path(post, path = "/api/v1/pool/{kind}/{id}/claim", tag = "crm",
    params(("kind" = String, Path, description = "`leads` or `accounts`"), ("id" = Uuid, Path, description = "record id")),
    responses((status = 204, description = "claimed"), (status = 404, description = "no such record"),
        (status = 409, description = "a pool rule refuses: the code names it (pool_claims_per_day, pool_max_held, pool_cooldown, pool_not_in_pool)")))]
async fn claim(
    State(state): State<AppState>,
    me: Me,
    Path((kind, id)): Path<(String, String)>,
) -> Result<StatusCode, AppError> {
    let kind = PoolKind::parse(&kind).ok_or(AppError::NotFound)?;
    state
        .db
        .claim(&me.actor(), kind, parse_id(&id)?)
        .await
        .map_err(|e| pool_storage(&me, e))?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReturnDto {
    /// Why it goes back; required.
    reason: String,
}

/// Returns a lead or account to the shared pool, with a reason.
#[utoipa::path(post, path = "/api/v1/pool/{kind}/{id}/return", tag = "crm", request_body = ReturnDto,
    params(("kind" = String, Path, description = "`leads` or `accounts`"), ("id" = Uuid, Path, description = "record id")),
    responses((status = 204, description = "returned"), (status = 404, description = "no such record of yours or your line's"),
        (status = 409, description = "a pool rule refuses")))]
async fn release(
    State(state): State<AppState>,
    me: Me,
    Path((kind, id)): Path<(String, String)>,
    ApiJson(b): ApiJson<ReturnDto>,
) -> Result<StatusCode, AppError> {
    let kind = PoolKind::parse(&kind).ok_or(AppError::NotFound)?;
    state
        .db
        .release(&me.actor(), kind, parse_id(&id)?, &b.reason)
        .await
        .map_err(|e| pool_storage(&me, e))?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OwnerDto {
    /// The new owner: you, someone in your reporting line, or anyone for directors and admins.
    owner_id: Uuid,
}

/// Gives a lead to someone else (managers within their line, directors and admins).
#[utoipa::path(post, path = "/api/v1/leads/{id}/owner", tag = "crm", request_body = OwnerDto,
    params(("id" = Uuid, Path, description = "lead id")),
    responses((status = 204, description = "reassigned"), (status = 403, description = "not yours to give, or not to that person"),
        (status = 404, description = "no such lead"), (status = 409, description = "the lead is in the pool: claim it instead")))]
async fn reassign_lead(
    State(state): State<AppState>,
    me: Me,
    Id(id): Id,
    ApiJson(b): ApiJson<OwnerDto>,
) -> Result<StatusCode, AppError> {
    state
        .db
        .reassign(&me.actor(), Owned::Lead, id, b.owner_id)
        .await
        .map_err(|e| match e {
            keel_db::DbError::Conflict(code) if code.starts_with("pool_") => {
                AppError::Conflict(code)
            }
            e => storage(&me, e),
        })?;
    Ok(StatusCode::NO_CONTENT)
}
