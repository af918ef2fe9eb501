//! `/api/v1` for the CRM: accounts, deals and their stages, pipelines, activities. Same
//! storage calls and rules as the pages.

use crate::auth::me::Me;
use crate::shared::Id;
use crate::shared::Query;
use crate::shared::extract::ApiJson;
use crate::shared::params::{Page, parse_id};
use crate::shared::{conflict_as_field, invalid};
use crate::{AppError, AppState};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use chrono::{DateTime, NaiveDate, Utc};
use keel_db::DbError;
use keel_db::accounts::{Account, AccountInput, AccountQuery, STATUSES};
use keel_db::activities::{Activity, ActivityInput, ActivityQuery, KINDS, TaskState};
use keel_db::contacts::{Contact, ContactInput};
use keel_db::deals::{Deal, DealInput, DealQuery, Stage};
use keel_db::leads::{Conversion, Converted, Lead, LeadInput, LeadQuery};
use keel_db::pool::PoolKind;
use keel_db::satisfaction::Response as SatisfactionResponse;
use keel_db::sort::Cursor;
use keel_domain::money::Currency;
use keel_domain::time::now;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_accounts, create_account))
        .routes(routes!(get_account))
        .routes(routes!(list_deals, create_deal))
        .routes(routes!(get_deal))
        .routes(routes!(move_deal))
        .routes(routes!(list_pipelines, create_pipeline))
        .routes(routes!(list_activities, create_activity))
        .routes(routes!(list_leads, create_lead))
        .routes(routes!(convert_lead))
        .routes(routes!(claim))
        .routes(routes!(release))
        .routes(routes!(list_contacts, create_contact))
        .routes(routes!(record_satisfaction))
        .merge(super::api_more::routes())
}

/// Rule breaks in storage become field errors the caller can show: `unknown_stage` is about
/// `stage`, any other code about the field it names.
pub(super) fn storage(me: &Me, e: DbError) -> AppError {
    conflict_as_field(me.l(), e, |code| Some(code.trim_start_matches("unknown_")))
}

/// An API list's `sort`: one of `list`'s names (absent: the default), else a 422 on `sort`.
pub(super) fn sort_param(
    me: &Me,
    list: &'static [keel_db::sort::Sort],
    name: Option<&str>,
) -> Result<String, AppError> {
    keel_db::sort::find(list, name.unwrap_or(""))
        .map(|s| s.name.to_owned())
        .ok_or_else(|| invalid("sort", me.l().t("error-invalid_sort")))
}

/// An API list's `after`: a `next` it returned (or a bare id), else a 422 on `after`.
pub(super) fn cursor_param(me: &Me, after: Option<&str>) -> Result<Option<Cursor>, AppError> {
    match after.map(str::trim).filter(|a| !a.is_empty()) {
        None => Ok(None),
        Some(a) => Cursor::parse(a)
            .map(Some)
            .ok_or_else(|| invalid("after", me.l().t("error-invalid_cursor"))),
    }
}

/// A list's refusals name the parameter at fault.
pub(super) fn list_storage(me: &Me, e: DbError) -> AppError {
    match e {
        DbError::Conflict("invalid_cursor") => invalid("after", me.l().t("error-invalid_cursor")),
        DbError::Conflict("invalid_sort") => invalid("sort", me.l().t("error-invalid_sort")),
        e => storage(me, e),
    }
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

#[derive(Serialize, ToSchema)]
pub struct ContactDto {
    id: Uuid,
    account_id: Option<Uuid>,
    name: String,
    title: Option<String>,
    phone: Option<String>,
    email: Option<String>,
    owner_id: Uuid,
    created_at: DateTime<Utc>,
}

impl From<Contact> for ContactDto {
    fn from(c: Contact) -> Self {
        ContactDto {
            id: c.id,
            account_id: c.account_id,
            name: c.name,
            title: c.title,
            phone: c.phone,
            email: c.email,
            owner_id: c.owner_id,
            created_at: c.created_at,
        }
    }
}

/// An account's contacts.
#[utoipa::path(get, path = "/api/v1/accounts/{id}/contacts", tag = "crm", params(("id" = Uuid, Path, description = "account id")),
    responses((status = 200, body = Vec<ContactDto>), (status = 404, description = "no such account")))]
async fn list_contacts(
    State(state): State<AppState>,
    me: Me,
    Id(id): Id,
) -> Result<Json<Vec<ContactDto>>, AppError> {
    let rows = state.db.contacts_of(&me.actor(), id).await?;
    Ok(Json(rows.into_iter().map(Into::into).collect()))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewContactDto {
    name: String,
    title: Option<String>,
    phone: Option<String>,
    email: Option<String>,
    notes: Option<String>,
}

#[utoipa::path(post, path = "/api/v1/accounts/{id}/contacts", tag = "crm", request_body = NewContactDto,
    params(("id" = Uuid, Path, description = "account id")),
    responses((status = 201, body = ContactDto), (status = 403, description = "not your account or your line's"),
        (status = 404, description = "no such account")))]
async fn create_contact(
    State(state): State<AppState>,
    me: Me,
    Id(id): Id,
    ApiJson(b): ApiJson<NewContactDto>,
) -> Result<(StatusCode, Json<ContactDto>), AppError> {
    let account = id;
    if let Some(e) = crate::shared::fields::required(me.l(), &b.name, 100) {
        return Err(invalid("name", e));
    }
    let input = ContactInput {
        name: b.name.trim().to_owned(),
        title: b.title,
        phone: b.phone,
        email: b.email,
        notes: b.notes,
    };
    let cid = state
        .db
        .add_contact(&me.actor(), account, &input)
        .await
        .map_err(|e| storage(&me, e))?;
    let all = state.db.contacts_of(&me.actor(), account).await?;
    let c = all
        .into_iter()
        .find(|c| c.id == cid)
        .ok_or(AppError::NotFound)?;
    Ok((StatusCode::CREATED, Json(c.into())))
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
