//! Sales targets and the forecast: `/targets` (set targets top-down, split a team's target),
//! `/forecast` (target, achieved, pipeline by hierarchy, drillable, with CSV), and the same at
//! `/api/v1/targets` and `/api/v1/forecast`.

use crate::auth::me::Me;
use crate::shared::Form;
use crate::shared::Query;
use crate::shared::invalid;
use crate::shared::present::{format_value, metric_name};
use crate::shared::routes::{Routes, get, post};
use crate::{AppError, AppState, shared::ApiJson};
use askama::Template;
use axum::Json;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use keel_db::targets::{ForecastRow, Split};
use keel_domain::metrics::{Metric, Unit};
use keel_domain::periods::{Period, PeriodKind};
use keel_i18n::Locale;
use keel_views::{Choice, ForecastLine, ForecastPage, TargetLine, TargetsPage};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

pub fn routes() -> Routes {
    Routes::new()
        .route("/targets", get(editor).post(save))
        .route("/targets/split", post(split))
        .route("/forecast", get(forecast_page))
        .route("/forecast.csv", get(forecast_csv))
}

pub fn api_routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_targets, set_target))
        .routes(routes!(split_target))
        .routes(routes!(forecast))
}

/// Metrics a target can be set on: the ones that add up across people.
const TARGET_METRICS: [Metric; 9] = [
    Metric::WonRevenue,
    Metric::NewPipeline,
    Metric::DealsWon,
    Metric::Calls,
    Metric::Meetings,
    Metric::Visits,
    Metric::Emails,
    Metric::LeadsConverted,
    Metric::AccountsClaimed,
];

/// `period=2026-Q4` (any form `Period::parse` reads), else this quarter.
fn period(l: Locale, today: chrono::NaiveDate, text: Option<&str>) -> Result<Period, AppError> {
    match text.map(str::trim).filter(|t| !t.is_empty()) {
        None => Ok(this_quarter(today)),
        Some(t) => crate::shared::params::period(t)
            .map_err(|_| invalid("period", l.t("target-bad-period"))),
    }
}

/// The quarter of the organisation's `today`.
fn this_quarter(today: chrono::NaiveDate) -> Period {
    Period::containing(PeriodKind::Quarter, today).expect("quarters exist")
}

fn metric(l: Locale, text: Option<&str>) -> Result<Metric, AppError> {
    match text.map(str::trim).filter(|t| !t.is_empty()) {
        None => Ok(Metric::WonRevenue),
        Some(t) => Metric::parse(t)
            .filter(|m| TARGET_METRICS.contains(m))
            .ok_or_else(|| invalid("metric", l.t("target-bad-metric"))),
    }
}

/// A target typed by a person: money in major units (`1,200,000.50`), counts as integers.
fn parse_value(unit: Unit, text: &str) -> Option<i64> {
    match unit {
        Unit::Money => keel_domain::money::parse_major(text),
        _ => text.trim().replace([',', '，'], "").parse::<i64>().ok(),
    }
    .filter(|v| *v >= 0)
}

/// The value as typed back into the form.
fn input_value(unit: Unit, v: i64) -> String {
    match unit {
        Unit::Money if v % 100 == 0 => (v / 100).to_string(),
        Unit::Money => format!("{}.{:02}", v / 100, v % 100),
        _ => v.to_string(),
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct EditorQuery {
    period: String,
    metric: String,
    saved: String,
    error: String,
}

async fn editor(
    State(state): State<AppState>,
    me: Me,
    Query(q): Query<EditorQuery>,
) -> Result<Html<String>, AppError> {
    let l = me.l();
    let actor = me.actor();
    let period = period(l, me.today(), Some(&q.period))?;
    let metric = metric(l, Some(&q.metric))?;
    let currency = state.db.org_currency().await?;
    let forecast = state.db.forecast(&actor, &period, None).await?;
    let targets: HashMap<Uuid, keel_db::targets::Target> = state
        .db
        .targets(&actor, &period, metric)
        .await?
        .into_iter()
        .map(|t| (t.person_id, t))
        .collect();
    // Last period's achievement gives each target its context.
    let prev = period.previous();
    let mut lines = Vec::new();
    for row in &forecast {
        let editable = state.db.may_set_target(&actor, row.person_id).await?;
        let target = targets.get(&row.person_id);
        let line = state.db.reporting_line(row.person_id).await?;
        let totals = state
            .db
            .fact_totals(Some(&line), prev.start, prev.end)
            .await?;
        let last = metric.from_totals(&totals, &currency);
        // Direct reports' targets should add up to this one.
        let children: Vec<&ForecastRow> = forecast
            .iter()
            .filter(|r| r.manager_id == Some(row.person_id))
            .collect();
        let child_sum: Option<i64> = (!children.is_empty()).then(|| {
            children
                .iter()
                .filter_map(|c| targets.get(&c.person_id).map(|t| t.value))
                .sum()
        });
        let mismatch = match (target, child_sum) {
            (Some(t), Some(sum)) if sum != t.value => Some(l.t_args(
                "target-mismatch",
                &[
                    ("sum", &format_value(l, metric.unit(), Some(sum), &currency)),
                    (
                        "target",
                        &format_value(l, metric.unit(), Some(t.value), &currency),
                    ),
                ],
            )),
            _ => None,
        };
        lines.push(TargetLine {
            person_id: row.person_id.to_string(),
            name: row.name.clone(),
            depth: row.depth,
            value: target
                .map(|t| input_value(metric.unit(), t.value))
                .unwrap_or_default(),
            shown: target
                .map(|t| format_value(l, metric.unit(), Some(t.value), &currency))
                .unwrap_or_else(|| l.t("target-none")),
            set_by: target.map(|t| t.set_by_name.clone()).unwrap_or_default(),
            last: format_value(l, metric.unit(), last, &currency),
            editable,
            can_split: editable && target.is_some() && !children.is_empty(),
            mismatch,
        });
    }
    let page = TargetsPage {
        chrome: me.ctx.chrome(),
        period: period.label(),
        previous: prev.label(),
        last_header: l.t_args("target-last", &[("previous", &prev.label())]),
        metric: metric.key().into(),
        metric_options: Choice::pick(
            TARGET_METRICS.map(|m| (m.key().to_owned(), metric_name(l, m))),
            metric.key(),
        ),
        unit_hint: if metric.unit() == Unit::Money {
            l.t_args("target-in-currency", &[("currency", &currency)])
        } else {
            String::new()
        },
        lines,
        saved: !q.saved.is_empty(),
        error: (!q.error.is_empty())
            .then(|| l.t(&format!("error-{}", q.error)))
            .filter(|m| !m.contains("Unknown localization")),
    };
    Ok(Html(page.render()?))
}

#[derive(Deserialize)]
struct SaveForm {
    person: String,
    period: String,
    metric: String,
    value: String,
}

fn back(period: &str, metric: &str, outcome: &str) -> Redirect {
    Redirect::to(&format!(
        "/targets?period={}&metric={}&{outcome}",
        urlencoding(period),
        urlencoding(metric)
    ))
}

/// Period labels and metric keys are ASCII words, digits, `-`, `.` and `_`; anything else is
/// dropped rather than echoed into a URL.
fn urlencoding(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_'))
        .collect()
}

async fn save(
    State(state): State<AppState>,
    me: Me,
    Form(f): Form<SaveForm>,
) -> Result<Response, AppError> {
    let l = me.l();
    let period = period(l, me.today(), Some(&f.period))?;
    let metric = metric(l, Some(&f.metric))?;
    let person = crate::shared::parse_id(&f.person)?;
    let value = parse_value(metric.unit(), &f.value)
        .ok_or_else(|| invalid("value", l.t("target-bad-value")))?;
    let outcome = match state
        .db
        .set_target(&me.actor(), person, &period, metric, value)
        .await
    {
        Ok(()) => "saved=1".to_owned(),
        Err(keel_db::DbError::Conflict(code)) => format!("error={code}"),
        Err(e) => return Err(e.into()),
    };
    Ok(back(&period.label(), metric.key(), &outcome).into_response())
}

#[derive(Deserialize)]
struct SplitForm {
    manager: String,
    period: String,
    metric: String,
    how: String,
}

fn split_how(l: Locale, how: &str) -> Result<Split, AppError> {
    match how {
        "equal" => Ok(Split::Equal),
        "last_period" => Ok(Split::LastPeriod),
        _ => Err(invalid("how", l.t("target-bad-split"))),
    }
}

async fn split(
    State(state): State<AppState>,
    me: Me,
    Form(f): Form<SplitForm>,
) -> Result<Response, AppError> {
    let l = me.l();
    let period = period(l, me.today(), Some(&f.period))?;
    let metric = metric(l, Some(&f.metric))?;
    let manager = crate::shared::parse_id(&f.manager)?;
    let how = split_how(l, &f.how)?;
    let outcome = match state
        .db
        .split_target(&me.actor(), manager, &period, metric, how)
        .await
    {
        Ok(_) => "saved=1".to_owned(),
        Err(keel_db::DbError::Conflict(code)) => format!("error={code}"),
        Err(e) => return Err(e.into()),
    };
    Ok(back(&period.label(), metric.key(), &outcome).into_response())
}

#[derive(Deserialize, Default, IntoParams)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub struct ForecastParams {
    /// `2026-Q4`, `2026-11`, `2026-H2`, `2026` or `2026-10-01..2026-12-31`; default this quarter.
    period: Option<String>,
    /// `person:<id>` to start from that person's line; default: the organisation for those who
    /// see it, else yourself.
    scope: Option<String>,
}

fn root(l: Locale, scope: Option<&str>) -> Result<Option<Uuid>, AppError> {
    match scope
        .map(str::trim)
        .filter(|s| !s.is_empty() && *s != "org")
    {
        None => Ok(None),
        Some(s) => match crate::shared::params::parse_scope(s) {
            Some(keel_db::rollups::Scope::Person(id)) => Ok(Some(id)),
            _ => Err(invalid("scope", l.t("target-bad-scope"))),
        },
    }
}

fn permille(l: Locale, v: Option<i64>) -> String {
    v.map(|v| format!("{}%", l.fixed(v, 1)))
        .unwrap_or_else(|| l.t("kpi-empty"))
}

async fn forecast_page(
    State(state): State<AppState>,
    me: Me,
    Query(q): Query<ForecastParams>,
) -> Result<Html<String>, AppError> {
    let l = me.l();
    let period = period(l, me.today(), q.period.as_deref())?;
    let root = root(l, q.scope.as_deref())?;
    let rows = state.db.forecast(&me.actor(), &period, root).await?;
    let currency = state.db.org_currency().await?;
    let money = |v: i64| l.money(v, &currency);
    let without: Vec<String> = rows
        .iter()
        .filter(|r| r.target.is_none())
        .map(|r| r.name.clone())
        .collect();
    // Top performers: reps (no reports) by share of target achieved.
    let mut top: Vec<&ForecastRow> = rows
        .iter()
        .filter(|r| r.reports == 0 && r.achieved_permille.is_some())
        .collect();
    top.sort_by_key(|r| std::cmp::Reverse(r.achieved_permille));
    let top: Vec<String> = top
        .iter()
        .take(3)
        .map(|r| format!("{} {}", r.name, permille(l, r.achieved_permille)))
        .collect();
    let scope = root
        .map(|r| format!("person:{r}"))
        .unwrap_or_else(|| "org".into());
    let lines = rows
        .iter()
        .map(|r| ForecastLine {
            person_id: r.person_id.to_string(),
            name: r.name.clone(),
            depth: r.depth,
            drill: r.reports > 0 && Some(r.person_id) != root,
            target: r.target.map(money).unwrap_or_else(|| l.t("target-none")),
            achieved: money(r.achieved),
            pipeline: money(r.pipeline),
            weighted: money(r.weighted),
            achieved_pct: permille(l, r.achieved_permille),
            shortage_pct: permille(l, r.shortage_permille),
            behind: r.shortage_permille.is_some_and(|s| s > 0),
        })
        .collect();
    let period_options = Choice::pick(
        recent_quarters(me.today())
            .into_iter()
            .map(|p| (p.label(), p.label())),
        &period.label(),
    );
    let page = ForecastPage {
        chrome: me.ctx.chrome(),
        period: period.label(),
        period_options,
        scope,
        up: match root {
            Some(r) => rows
                .first()
                .and_then(|first| (first.person_id == r).then_some(first.manager_id).flatten()),
            None => None,
        }
        .map(|m| format!("person:{m}")),
        lines,
        without: without.join("、"),
        top: top.join("、"),
    };
    Ok(Html(page.render()?))
}

/// This quarter, the next, and the six before, for the period picker.
fn recent_quarters(today: chrono::NaiveDate) -> Vec<Period> {
    let mut p = this_quarter(today);
    let mut out = vec![next_quarter(&p)];
    for _ in 0..7 {
        out.push(p);
        p = p.previous();
    }
    out
}

fn next_quarter(p: &Period) -> Period {
    let day = p.end.succ_opt().expect("a next day");
    Period::containing(PeriodKind::Quarter, day).expect("quarters exist")
}

async fn forecast_csv(
    State(state): State<AppState>,
    me: Me,
    Query(q): Query<ForecastParams>,
) -> Result<Response, AppError> {
    let l = me.l();
    let period = period(l, me.today(), q.period.as_deref())?;
    let root = root(l, q.scope.as_deref())?;
    let rows = state.db.forecast(&me.actor(), &period, root).await?;
    let mut w = csv::Writer::from_writer(b"\xEF\xBB\xBF".to_vec());
    let header = [
        "person_id",
        "name",
        "manager_id",
        "level",
        "target_minor",
        "achieved_minor",
        "pipeline_minor",
        "weighted_minor",
        "achieved_permille",
        "shortage_permille",
    ];
    let csv_error = |e: csv::Error| AppError::Internal(e.to_string());
    w.write_record(header).map_err(csv_error)?;
    let opt = |v: Option<i64>| v.map(|v| v.to_string()).unwrap_or_default();
    for r in &rows {
        w.write_record([
            r.person_id.to_string(),
            r.name.clone(),
            r.manager_id.map(|m| m.to_string()).unwrap_or_default(),
            r.depth.to_string(),
            opt(r.target),
            r.achieved.to_string(),
            r.pipeline.to_string(),
            r.weighted.to_string(),
            opt(r.achieved_permille),
            opt(r.shortage_permille),
        ])
        .map_err(csv_error)?;
    }
    let body = w
        .into_inner()
        .map_err(|e| AppError::Internal(e.to_string()))?;
    Ok((
        StatusCode::OK,
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"forecast-{}.csv\"", period.label()),
            ),
        ],
        body,
    )
        .into_response())
}

#[derive(Serialize, ToSchema)]
pub struct TargetDto {
    person_id: Uuid,
    person_name: String,
    period: String,
    metric: String,
    /// In the metric's unit: minor units for money.
    value: i64,
    set_by: Uuid,
    set_by_name: String,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TargetParams {
    /// Default: this quarter.
    period: Option<String>,
    /// Default: `won_revenue`.
    metric: Option<String>,
}

/// The targets of a period you may see (your line's, or everyone's for directors and admins).
#[utoipa::path(get, path = "/api/v1/targets", tag = "targets", params(TargetParams),
    responses((status = 200, body = Vec<TargetDto>), (status = 422, description = "unknown period or metric")))]
async fn list_targets(
    State(state): State<AppState>,
    me: Me,
    Query(p): Query<TargetParams>,
) -> Result<Json<Vec<TargetDto>>, AppError> {
    let l = me.l();
    let period = period(l, me.today(), p.period.as_deref())?;
    let metric = metric(l, p.metric.as_deref())?;
    let rows = state.db.targets(&me.actor(), &period, metric).await?;
    Ok(Json(
        rows.into_iter()
            .map(|t| TargetDto {
                person_id: t.person_id,
                person_name: t.person_name,
                period: t.period,
                metric: t.metric,
                value: t.value,
                set_by: t.set_by,
                set_by_name: t.set_by_name,
            })
            .collect(),
    ))
}

#[derive(Deserialize, ToSchema)]
pub struct SetTargetDto {
    person_id: Uuid,
    period: String,
    /// Default `won_revenue`.
    metric: Option<String>,
    /// In the metric's unit: minor units for money.
    value: i64,
}

/// Sets a target for someone below you (admins: anyone but themselves).
#[utoipa::path(post, path = "/api/v1/targets", tag = "targets", request_body = SetTargetDto,
    responses((status = 204), (status = 403, description = "not below you in the reporting line"),
        (status = 409, description = "your own target, or a value out of range"), (status = 422, description = "unknown period or metric")))]
async fn set_target(
    State(state): State<AppState>,
    me: Me,
    ApiJson(b): ApiJson<SetTargetDto>,
) -> Result<StatusCode, AppError> {
    let l = me.l();
    let period = period(l, me.today(), Some(&b.period))?;
    let metric = metric(l, b.metric.as_deref())?;
    state
        .db
        .set_target(&me.actor(), b.person_id, &period, metric, b.value)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, ToSchema)]
pub struct SplitDto {
    manager_id: Uuid,
    period: String,
    metric: Option<String>,
    /// `equal` or `last_period` (in proportion to last period's achievement).
    how: String,
}

#[derive(Serialize, ToSchema)]
pub struct ShareDto {
    person_id: Uuid,
    value: i64,
}

/// Divides a manager's target among their direct reports.
#[utoipa::path(post, path = "/api/v1/targets/split", tag = "targets", request_body = SplitDto,
    responses((status = 200, body = Vec<ShareDto>), (status = 403, description = "not below you"),
        (status = 409, description = "the manager has no target or no reports")))]
async fn split_target(
    State(state): State<AppState>,
    me: Me,
    ApiJson(b): ApiJson<SplitDto>,
) -> Result<Json<Vec<ShareDto>>, AppError> {
    let l = me.l();
    let period = period(l, me.today(), Some(&b.period))?;
    let metric = metric(l, b.metric.as_deref())?;
    let how = split_how(l, &b.how)?;
    let shares = state
        .db
        .split_target(&me.actor(), b.manager_id, &period, metric, how)
        .await?;
    Ok(Json(
        shares
            .into_iter()
            .map(|(person_id, value)| ShareDto { person_id, value })
            .collect(),
    ))
}

#[derive(Serialize, ToSchema)]
pub struct ForecastDto {
    period: String,
    currency: String,
    /// From the top of the requested line down; each row's numbers cover its whole line.
    rows: Vec<ForecastRowDto>,
}

#[derive(Serialize, ToSchema)]
pub struct ForecastRowDto {
    person_id: Uuid,
    name: String,
    manager_id: Option<Uuid>,
    depth: usize,
    target: Option<i64>,
    achieved: i64,
    pipeline: i64,
    weighted: i64,
    achieved_permille: Option<i64>,
    shortage_permille: Option<i64>,
}

/// Target, achieved, pipeline and weighted pipeline by hierarchy for a period.
#[utoipa::path(get, path = "/api/v1/forecast", tag = "targets", params(ForecastParams),
    responses((status = 200, body = ForecastDto), (status = 404, description = "a person outside your line"),
        (status = 422, description = "unknown period or scope")))]
async fn forecast(
    State(state): State<AppState>,
    me: Me,
    Query(q): Query<ForecastParams>,
) -> Result<Json<ForecastDto>, AppError> {
    let l = me.l();
    let period = period(l, me.today(), q.period.as_deref())?;
    let root = root(l, q.scope.as_deref())?;
    let rows = state.db.forecast(&me.actor(), &period, root).await?;
    Ok(Json(ForecastDto {
        period: period.label(),
        currency: state.db.org_currency().await?,
        rows: rows
            .into_iter()
            .map(|r| ForecastRowDto {
                person_id: r.person_id,
                name: r.name,
                manager_id: r.manager_id,
                depth: r.depth,
                target: r.target,
                achieved: r.achieved,
                pipeline: r.pipeline,
                weighted: r.weighted,
                achieved_permille: r.achieved_permille,
                shortage_permille: r.shortage_permille,
            })
            .collect(),
    }))
}
