//! The metric catalog: `/kpis` (every metric with its definition and value for a scope and
//! period), `/kpis/{metric}` (its history as a chart and a table), and the same numbers at
//! `/api/v1/metrics`. (`/metrics` itself is the Prometheus endpoint operators expect.)

use crate::auth::me::Me;
use crate::shared::Query;
use crate::shared::invalid_t;
use crate::shared::params::{default_scope, parse_scope, scope_text};
use crate::shared::present::{format_value, metric_definition, metric_name, scope_choices};
use crate::shared::routes::{Routes, get};
use crate::{AppError, AppState};
use askama::Template;
use axum::Json;
use axum::extract::{Path, State};
use axum::response::Html;
use chrono::NaiveDate;
use keel_db::metrics::{Filter, Now, STALLED_DAYS};
use keel_db::rollups::Scope;
use keel_domain::metrics::{Kind, Metric, Unit};
use keel_domain::periods::{Bucket, Period, PeriodKind};
use keel_i18n::Locale;
use keel_views::charts::{Bar, bars};
use keel_views::{Choice, KpiFilters, KpiPage, KpiPoint, KpiRow, KpisPage};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

pub fn routes() -> Routes {
    Routes::new()
        .route("/kpis", get(index))
        .route("/kpis/{metric}", get(show))
}

pub fn api_routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(catalog))
        .routes(routes!(measure))
}

/// Periods longer than this are refused: they say nothing a year-by-year view does not, and
/// would make one request read a decade of rollups.
const MAX_DAYS: i64 = 3660;

/// The period asked for: `from`/`to` dates, else the current quarter.
fn period(
    l: Locale,
    today: NaiveDate,
    from: &str,
    to: &str,
) -> Result<(NaiveDate, NaiveDate), AppError> {
    let quarter = Period::containing(PeriodKind::Quarter, today).expect("quarters exist");
    // A date that is not one (or outside the years) is refused on its own field.
    let parse = |field: &str, s: &str, default: NaiveDate| -> Result<NaiveDate, AppError> {
        if s.trim().is_empty() {
            return Ok(default);
        }
        crate::shared::params::date(s)
            .ok_or_else(|| crate::shared::invalid(field, crate::shared::params::date_message(l)))
    };
    let (from, to) = (
        parse("from", from, quarter.start)?,
        parse("to", to, quarter.end)?,
    );
    if from > to || (to - from).num_days() > MAX_DAYS {
        return Err(invalid_t(l, "to", "kpi-invalid-range"));
    }
    Ok((from, to))
}

/// "Now" for state metrics: the organisation's today.
fn now(today: NaiveDate) -> Now {
    Now {
        today,
        stalled_days: STALLED_DAYS,
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Filters {
    scope: String,
    from: String,
    to: String,
    bucket: String,
    product_line: String,
    pipeline: String,
    industry: String,
    region: String,
}

struct Asked {
    scope: Scope,
    from: NaiveDate,
    to: NaiveDate,
    filter: Filter,
}

/// Empty text means "no filter".
fn some(s: &str) -> Option<String> {
    let s = s.trim();
    (!s.is_empty()).then(|| s.to_owned())
}

/// The deal and account filters of a request; an unknown pipeline id is a clear 422.
fn filter_of(
    l: Locale,
    product_line: &str,
    pipeline: &str,
    industry: &str,
    region: &str,
) -> Result<Filter, AppError> {
    let pipeline =
        match some(pipeline) {
            None => None,
            Some(p) => Some(Uuid::parse_str(&p).map_err(|_| {
                AppError::Invalid(vec![("pipeline".into(), l.t("kpi-bad-pipeline"))])
            })?),
        };
    Ok(Filter {
        product_line: some(product_line),
        pipeline,
        industry: some(industry),
        region: some(region),
    })
}

/// The filter as query parameters, for links that keep it.
fn filter_query(f: &Filter) -> String {
    let enc = |s: &str| form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>();
    format!(
        "&product_line={}&pipeline={}&industry={}&region={}",
        enc(f.product_line.as_deref().unwrap_or("")),
        f.pipeline.map(|p| p.to_string()).unwrap_or_default(),
        enc(f.industry.as_deref().unwrap_or("")),
        enc(f.region.as_deref().unwrap_or(""))
    )
}

async fn asked(state: &AppState, me: &Me, f: &Filters) -> Result<(Asked, KpiFilters), AppError> {
    let l = me.l();
    let scope = if f.scope.trim().is_empty() {
        default_scope(me)
    } else {
        parse_scope(&f.scope).ok_or_else(|| invalid_t(l, "scope", "kpi-unknown-scope"))?
    };
    if !state.db.may_measure(&me.actor(), scope).await? {
        return Err(AppError::NotFound);
    }
    let (from, to) = period(l, me.today(), &f.from, &f.to)?;
    let filter = filter_of(l, &f.product_line, &f.pipeline, &f.industry, &f.region)?;
    let mut pipelines = vec![(String::new(), l.t("kpi-all-pipelines"))];
    pipelines.extend(
        state
            .db
            .pipelines()
            .await?
            .into_iter()
            .map(|p| (p.id.to_string(), p.name)),
    );
    let filters = KpiFilters {
        scope_options: scope_choices(state, me, scope).await?,
        from: from.to_string(),
        to: to.to_string(),
        query: format!(
            "scope={}&from={from}&to={to}{}",
            scope_text(scope),
            filter_query(&filter)
        ),
        product_line: filter.product_line.clone().unwrap_or_default(),
        pipeline_options: Choice::pick(
            pipelines,
            &filter.pipeline.map(|p| p.to_string()).unwrap_or_default(),
        ),
        industry: filter.industry.clone().unwrap_or_default(),
        region: filter.region.clone().unwrap_or_default(),
    };
    Ok((
        Asked {
            scope,
            from,
            to,
            filter,
        },
        filters,
    ))
}

async fn row(state: &AppState, me: &Me, m: Metric, a: &Asked) -> Result<KpiRow, AppError> {
    let l = me.l();
    let value = if a.filter.is_empty() || Filter::applies_to(m) {
        let r = state
            .db
            .metric_filtered(
                &me.actor(),
                m,
                a.scope,
                a.from,
                a.to,
                now(me.today()),
                &a.filter,
            )
            .await?;
        format_value(l, m.unit(), r.value, &r.currency)
    } else {
        l.t("kpi-not-filtered")
    };
    Ok(KpiRow {
        key: m.key().into(),
        name: metric_name(l, m),
        definition: metric_definition(l, m),
        value,
        now: m.kind() == Kind::State,
    })
}

async fn index(
    State(state): State<AppState>,
    me: Me,
    Query(f): Query<Filters>,
) -> Result<Html<String>, AppError> {
    let (a, filters) = asked(&state, &me, &f).await?;
    let mut rows = Vec::new();
    for m in Metric::ALL {
        rows.push(row(&state, &me, m, &a).await?);
    }
    let page = KpisPage {
        chrome: me.ctx.chrome(),
        filters,
        rows,
    };
    Ok(Html(page.render()?))
}

fn bucket_label(l: Locale, b: Bucket) -> String {
    l.t(&format!("kpi-bucket-{}", b.as_str()))
}

async fn show(
    State(state): State<AppState>,
    me: Me,
    Path(metric): Path<String>,
    Query(f): Query<Filters>,
) -> Result<Html<String>, AppError> {
    let l = me.l();
    let m = Metric::parse(&metric).ok_or(AppError::NotFound)?;
    let (a, filters) = asked(&state, &me, &f).await?;
    let bucket = Bucket::parse(&f.bucket).unwrap_or(Bucket::Month);
    let row = row(&state, &me, m, &a).await?;
    let points = if a.filter.is_empty() || Filter::applies_to(m) {
        state
            .db
            .metric_history_filtered(&me.actor(), m, a.scope, a.from, a.to, bucket, &a.filter)
            .await?
    } else {
        Vec::new()
    };
    let currency = state.db.org_currency().await?;
    let history: Vec<KpiPoint> = points
        .iter()
        .map(|p| KpiPoint {
            label: p.label.clone(),
            value: format_value(l, m.unit(), p.value, &currency),
        })
        .collect();
    let chart = if points.is_empty() {
        String::new()
    } else {
        let title = l.t_args(
            "kpi-history-chart",
            &[("name", &row.name), ("bucket", &bucket_label(l, bucket))],
        );
        let data: Vec<Bar> = points
            .iter()
            .zip(&history)
            .map(|(p, h)| Bar {
                label: p.label.clone(),
                value: p.value,
                shown: h.value.clone(),
            })
            .collect();
        bars(&title, &data)
    };
    let bucket_options = Choice::pick(
        [Bucket::Week, Bucket::Month, Bucket::Quarter]
            .map(|b| (b.as_str().to_owned(), bucket_label(l, b))),
        bucket.as_str(),
    );
    let page = KpiPage {
        chrome: me.ctx.chrome(),
        filters,
        bucket_options,
        row,
        chart,
        history,
    };
    Ok(Html(page.render()?))
}

/// A metric of the catalog, in the language of the request.
#[derive(Serialize, ToSchema)]
pub struct MetricDto {
    key: String,
    name: String,
    /// Exactly what is counted, and when.
    definition: String,
    /// `count`, `money` (minor units), `permille` (456 = 45.6%), `tenth_days`, `hundredths`
    /// (427 = 4.27) or `score`.
    unit: String,
    /// `flow` (summed over a period) or `state` (as of now).
    kind: String,
    higher_is_better: bool,
}

fn unit_text(u: Unit) -> &'static str {
    match u {
        Unit::Count => "count",
        Unit::Money => "money",
        Unit::Permille => "permille",
        Unit::TenthDays => "tenth_days",
        Unit::Hundredths => "hundredths",
        Unit::Score => "score",
    }
}

fn dto(l: Locale, m: Metric) -> MetricDto {
    MetricDto {
        key: m.key().into(),
        name: metric_name(l, m),
        definition: metric_definition(l, m),
        unit: unit_text(m.unit()).into(),
        kind: match m.kind() {
            Kind::Flow => "flow",
            Kind::State => "state",
        }
        .into(),
        higher_is_better: m.higher_is_better(),
    }
}

/// Every metric keel measures, with its definition.
#[utoipa::path(get, path = "/api/v1/metrics", tag = "metrics",
    responses((status = 200, body = Vec<MetricDto>)))]
async fn catalog(me: Me) -> Json<Vec<MetricDto>> {
    Json(Metric::ALL.map(|m| dto(me.l(), m)).into())
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MeasureParams {
    /// `org`, `team:<id>` or `person:<id>`; default: the organisation for directors, admins
    /// and HR, else yourself.
    scope: Option<String>,
    /// First day, `YYYY-MM-DD` (default: the start of this quarter).
    from: Option<String>,
    /// Last day, inclusive (default: the end of this quarter).
    to: Option<String>,
    /// History buckets: `week`, `month` (default) or `quarter`.
    bucket: Option<String>,
    /// Only deals of this product line (and activities and CSAT answers about them).
    product_line: Option<String>,
    /// Only deals of this pipeline (id from `/api/v1/pipelines`).
    pipeline: Option<String>,
    /// Only deals, activities and CSAT answers of accounts in this industry.
    industry: Option<String>,
    /// Only those of accounts in this region.
    region: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct PointDto {
    start: NaiveDate,
    label: String,
    value: Option<i64>,
}

#[derive(Serialize, ToSchema)]
pub struct MeasureDto {
    metric: MetricDto,
    scope: String,
    from: NaiveDate,
    to: NaiveDate,
    /// In the metric's unit; null when there is nothing to average.
    value: Option<i64>,
    /// The currency of money metrics.
    currency: String,
    /// Per bucket, for flow metrics (empty for state metrics).
    history: Vec<PointDto>,
}

/// A metric's value for a person, a team or the organisation over a period, with its history.
#[utoipa::path(get, path = "/api/v1/metrics/{metric}", tag = "metrics",
    params(("metric" = String, Path, description = "a key from /api/v1/metrics"), MeasureParams),
    responses((status = 200, body = MeasureDto), (status = 404, description = "no such metric, or a scope you may not see"),
        (status = 422, description = "a malformed scope or period")))]
async fn measure(
    State(state): State<AppState>,
    me: Me,
    Path(metric): Path<String>,
    Query(p): Query<MeasureParams>,
) -> Result<Json<MeasureDto>, AppError> {
    let l = me.l();
    let m = Metric::parse(&metric).ok_or(AppError::NotFound)?;
    let scope = match p.scope.as_deref() {
        None | Some("") => default_scope(&me),
        Some(s) => parse_scope(s).ok_or_else(|| invalid_t(l, "scope", "kpi-unknown-scope"))?,
    };
    let (from, to) = period(
        l,
        me.today(),
        p.from.as_deref().unwrap_or(""),
        p.to.as_deref().unwrap_or(""),
    )?;
    let bucket = match p.bucket.as_deref() {
        None | Some("") => Bucket::Month,
        Some(b) => Bucket::parse(b).ok_or_else(|| invalid_t(l, "bucket", "kpi-unknown-bucket"))?,
    };
    let filter = filter_of(
        l,
        p.product_line.as_deref().unwrap_or(""),
        p.pipeline.as_deref().unwrap_or(""),
        p.industry.as_deref().unwrap_or(""),
        p.region.as_deref().unwrap_or(""),
    )?;
    let actor = me.actor();
    let r = state
        .db
        .metric_filtered(&actor, m, scope, from, to, now(me.today()), &filter)
        .await?;
    let history = state
        .db
        .metric_history_filtered(&actor, m, scope, from, to, bucket, &filter)
        .await?
        .into_iter()
        .map(|p| PointDto {
            start: p.start,
            label: p.label,
            value: p.value,
        })
        .collect();
    Ok(Json(MeasureDto {
        metric: dto(l, m),
        scope: scope_text(scope),
        from,
        to,
        value: r.value,
        currency: r.currency,
        history,
    }))
}
