//! `/api/v1/accounts`: accounts you may see, one account, a new account.

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
use chrono::{DateTime, Utc};
use keel_db::accounts::{Account, AccountInput, AccountQuery, STATUSES};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_accounts, create_account))
        .routes(routes!(get_account))
}

/// A customer company. `owner_id` null: in the shared pool.
#[derive(Serialize, ToSchema)]
pub struct AccountDto {
    id: Uuid,
    name: String,
    industry: Option<String>,
    size: Option<i32>,
    region: Option<String>,
    /// `prospect`, `customer`, `partner` or `churned`.
    status: String,
    tags: Vec<String>,
    parent_id: Option<Uuid>,
    notes: Option<String>,
    owner_id: Option<Uuid>,
    owner_name: Option<String>,
    last_activity_at: Option<DateTime<Utc>>,
    created_at: DateTime<Utc>,
}

impl From<Account> for AccountDto {
    fn from(a: Account) -> Self {
        AccountDto {
            id: a.id,
            name: a.name,
            industry: a.industry,
            size: a.size,
            region: a.region,
            status: a.status,
            tags: a
                .tags
                .split(',')
                .filter(|t| !t.is_empty())
                .map(str::to_owned)
                .collect(),
            parent_id: a.parent_id,
            notes: a.notes,
            owner_id: a.owner_id,
            owner_name: a.owner_name,
            last_activity_at: a.last_activity_at,
            created_at: a.created_at,
        }
    }
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AccountParams {
    /// Search name, industry, region and tags (any part of a word, Chinese or English).
    q: Option<String>,
    /// `name` (default), `created` (newest first) or `last_activity` (latest follow-up first).
    sort: Option<String>,
    /// Only this status.
    status: Option<String>,
    /// Only this owner's accounts.
    owner: Option<Uuid>,
    /// `next` from the previous page (with the same `sort`).
    after: Option<String>,
    /// Page size, 1 to 500 (default 100).
    limit: Option<u32>,
}

/// Accounts you may see, by name or in another order.
#[utoipa::path(get, path = "/api/v1/accounts", tag = "crm", params(AccountParams),
    responses((status = 200, body = Page<AccountDto>)))]
async fn list_accounts(
    State(state): State<AppState>,
    me: Me,
    Query(p): Query<AccountParams>,
) -> Result<Json<Page<AccountDto>>, AppError> {
    let q = AccountQuery {
        search: p.q,
        owner: p.owner,
        status: p.status,
        pool: false,
        sort: sort_param(&me, keel_db::sort::ACCOUNTS, p.sort.as_deref())?,
        after: cursor_param(&me, p.after.as_deref())?,
        limit: crate::shared::params::page_size(p.limit),
    };
    let (rows, next) = state
        .db
        .accounts(&me.actor(), &q)
        .await
        .map_err(|e| list_storage(&me, e))?;
    Ok(Json(Page {
        items: rows.into_iter().map(Into::into).collect(),
        next: next.map(|c| c.to_string()),
    }))
}

/// One account.
#[utoipa::path(get, path = "/api/v1/accounts/{id}", tag = "crm", params(("id" = Uuid, Path, description = "account id")),
    responses((status = 200, body = AccountDto), (status = 404, description = "no such account, or not yours to see")))]
async fn get_account(
    State(state): State<AppState>,
    me: Me,
    Id(id): Id,
) -> Result<Json<AccountDto>, AppError> {
    Ok(Json(state.db.account(&me.actor(), id).await?.into()))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewAccountDto {
    name: String,
    industry: Option<String>,
    size: Option<i32>,
    region: Option<String>,
    /// Default `prospect`.
    status: Option<String>,
    #[serde(default)]
    tags: Vec<String>,
    notes: Option<String>,
    /// Default: you. `null` with `pool: true` puts it in the shared pool.
    owner_id: Option<Uuid>,
    #[serde(default)]
    pool: bool,
}

#[utoipa::path(post, path = "/api/v1/accounts", tag = "crm", request_body = NewAccountDto,
    responses((status = 201, body = AccountDto), (status = 403, description = "owner outside your reporting line"),
        (status = 422, description = "fields need attention")))]
async fn create_account(
    State(state): State<AppState>,
    me: Me,
    ApiJson(b): ApiJson<NewAccountDto>,
) -> Result<(StatusCode, Json<AccountDto>), AppError> {
    if let Some(e) = crate::shared::fields::required(me.l(), &b.name, 200) {
        return Err(invalid("name", e));
    }
    let status = b.status.unwrap_or_else(|| "prospect".into());
    if !STATUSES.contains(&status.as_str()) {
        return Err(invalid("status", me.l().t("field-required")));
    }
    let input = AccountInput {
        name: b.name.trim().to_owned(),
        industry: b.industry,
        size: b.size.filter(|s| *s >= 0),
        region: b.region,
        status,
        tags: b.tags.join(","),
        parent_id: None,
        notes: b.notes,
        owner_id: if b.pool {
            None
        } else {
            Some(b.owner_id.unwrap_or(me.user.person_id))
        },
    };
    let id = state
        .db
        .create_account(&me.actor(), &input)
        .await
        .map_err(|e| storage(&me, e))?;
    Ok((
        StatusCode::CREATED,
        Json(state.db.account(&me.actor(), id).await?.into()),
    ))
}
