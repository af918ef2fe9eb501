//! The insights feed: `GET /insights?scope=` is an HTML fragment (no layout) the dashboard
//! loads into a panel with htmx; `POST /insights/dismiss` hides one item for the viewer;
//! `/api/v1/insights` serves the same list as JSON; `/admin/insights` edits the thresholds.

use crate::auth::me::Me;
use crate::shared::Form;
use crate::shared::Query;
use crate::shared::params::{parse_scope, scope_text};
use crate::shared::routes::{Routes, get, post};
use crate::{AppError, AppState, shared::ApiJson};
use askama::Template;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use keel_db::DbError;
use keel_db::insights::{Detail, Insight};
use keel_db::rollups::Scope;
use keel_domain::insights::{SPECS, Settings, Severity, parse_scaled};
use keel_i18n::Locale;
use keel_views::{InsightItem, InsightSettingField, InsightSettingsPage, InsightsPanel};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

pub fn routes() -> Routes {
    Routes::new()
        .route("/insights", get(panel))
        .route("/insights/dismiss", post(dismiss_form))
        .route("/admin/insights", get(settings).post(save_settings))
}

pub fn api_routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list))
        .routes(routes!(dismiss))
}

/// The scope asked for, else the organisation for those who see it and oneself for others.
fn scope(me: &Me, text: Option<&str>) -> Result<Scope, AppError> {
    match text.map(str::trim).filter(|s| !s.is_empty()) {
        Some(s) => parse_scope(s).ok_or_else(|| {
            AppError::Invalid(vec![("scope".into(), me.l().t("kpi-unknown-scope"))])
        }),
        None => {
            let a = me.actor();
            Ok(if a.sees_everything() || a.is_hr {
                Scope::Org
            } else {
                Scope::Person(a.id)
            })
        }
    }
}

fn pct(l: Locale, permille: i64) -> String {
    l.fixed(permille, 1)
}

/// What changed, why it matters, and the evidence link's label, in `l`.
fn texts(l: Locale, i: &Insight) -> (String, String, String) {
    let name = i.subject.name.as_str();
    match &i.detail {
        Detail::WinRateDrop {
            before_permille,
            now_permille,
            before_closed,
            now_closed,
        } => (
            l.t_args(
                "insight-win-rate-drop-what",
                &[
                    ("name", name),
                    ("now", &pct(l, *now_permille)),
                    ("before", &pct(l, *before_permille)),
                    ("points", &pct(l, before_permille - now_permille)),
                    ("now_closed", &l.number(*now_closed)),
                    ("before_closed", &l.number(*before_closed)),
                ],
            ),
            l.t("insight-win-rate-drop-why"),
            l.t("insight-win-rate-drop-link"),
        ),
        Detail::StalledDeal {
            stage,
            stage_en,
            owner,
            days,
            median_tenths,
            multiple,
        } => (
            l.t_args(
                "insight-stalled-deal-what",
                &[
                    ("deal", name),
                    ("owner", owner),
                    ("stage", if l == Locale::En { stage_en } else { stage }),
                    ("days", &l.number(*days)),
                    ("median", &l.fixed(*median_tenths, 1)),
                    ("multiple", &l.number(*multiple)),
                ],
            ),
            l.t("insight-stalled-deal-why"),
            l.t("insight-stalled-deal-link"),
        ),
        Detail::GoalOffTrack {
            progress_permille,
            days_left,
            total_days,
        } => (
            l.t_args(
                "insight-goal-off-track-what",
                &[
                    ("goal", name),
                    (
                        "progress",
                        &progress_permille
                            .map(|p| format!("{}%", pct(l, p)))
                            .unwrap_or_else(|| l.t("kpi-empty")),
                    ),
                    ("left", &days_left.to_string()),
                    ("total", &total_days.to_string()),
                ],
            ),
            l.t("insight-goal-off-track-why"),
            l.t("insight-goal-off-track-link"),
        ),
        Detail::CsatDrop {
            before_hundredths,
            now_hundredths,
            before_answers,
            now_answers,
        } => (
            l.t_args(
                "insight-csat-drop-what",
                &[
                    ("account", name),
                    ("now", &l.fixed(*now_hundredths, 2)),
                    ("before", &l.fixed(*before_hundredths, 2)),
                    ("now_answers", &l.number(*now_answers)),
                    ("before_answers", &l.number(*before_answers)),
                ],
            ),
            l.t("insight-csat-drop-why"),
            l.t("insight-csat-drop-link"),
        ),
        Detail::NpsDetractor {
            score,
            on,
            detractors,
            days,
        } => (
            l.t_args(
                "insight-nps-detractor-what",
                &[
                    ("account", name),
                    ("score", &score.to_string()),
                    ("date", &l.date(*on)),
                    ("count", &l.number(*detractors)),
                    ("days", &l.number(*days)),
                ],
            ),
            l.t("insight-nps-detractor-why"),
            l.t("insight-nps-detractor-link"),
        ),
        Detail::Inactive {
            working_days,
            last_activity,
        } => {
            let days = working_days.to_string();
            let what = match last_activity {
                Some(last) => l.t_args(
                    "insight-inactive-what",
                    &[("name", name), ("days", &days), ("last", &l.date(*last))],
                ),
                None => l.t_args(
                    "insight-inactive-never-what",
                    &[("name", name), ("days", &days)],
                ),
            };
            (
                what,
                l.t("insight-inactive-why"),
                l.t("insight-inactive-link"),
            )
        }
        Detail::LowMood { moods, cycle } => (
            l.t_args(
                "insight-low-mood-what",
                &[
                    ("name", name),
                    ("before", &moods[0].to_string()),
                    ("last", &moods[1].to_string()),
                    ("cycle", &l.date(*cycle)),
                ],
            ),
            l.t("insight-low-mood-why"),
            l.t("insight-low-mood-link"),
        ),
        Detail::NoTarget { period } => (
            l.t_args(
                "insight-no-target-what",
                &[("name", name), ("period", period)],
            ),
            l.t("insight-no-target-why"),
            l.t("insight-no-target-link"),
        ),
        Detail::LowCoverage {
            target,
            achieved,
            weighted,
            coverage_hundredths,
            min_hundredths,
            currency,
        } => (
            l.t_args(
                "insight-low-coverage-what",
                &[
                    ("name", name),
                    ("weighted", &l.money(*weighted, currency)),
                    ("gap", &l.money(target - achieved, currency)),
                    ("coverage", &l.fixed(*coverage_hundredths, 2)),
                    ("min", &l.fixed(*min_hundredths, 2)),
                ],
            ),
            l.t("insight-low-coverage-why"),
            l.t("insight-low-coverage-link"),
        ),
    }
}

fn severity_label(l: Locale, s: Severity) -> String {
    match s {
        Severity::High => l.t("insight-severity-high"),
        Severity::Medium => l.t("insight-severity-medium"),
        Severity::Low => l.t("insight-severity-low"),
    }
}

async fn render_panel(state: &AppState, me: &Me, scope: Scope) -> Result<Html<String>, AppError> {
    let l = me.l();
    let items = state.db.insights(&me.actor(), scope, me.today()).await?;
    let items = items
        .iter()
        .map(|i| {
            let (what, why, evidence_label) = texts(l, i);
            InsightItem {
                key: i.key.clone(),
                kind: i.kind.as_str(),
                severity: i.severity.as_str(),
                severity_label: severity_label(l, i.severity),
                what,
                why,
                evidence: i.evidence.clone(),
                evidence_label,
            }
        })
        .collect();
    let panel = InsightsPanel {
        l,
        scope: scope_text(scope),
        items,
    };
    Ok(Html(panel.render()?))
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct PanelQuery {
    scope: String,
}

async fn panel(
    State(state): State<AppState>,
    me: Me,
    Query(q): Query<PanelQuery>,
) -> Result<Html<String>, AppError> {
    let scope = scope(&me, Some(&q.scope))?;
    render_panel(&state, &me, scope).await
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct DismissForm {
    key: String,
    note: String,
    scope: String,
    back: String,
}

/// A refused dismissal as a field error, in the viewer's language.
fn refused(l: Locale, e: DbError) -> AppError {
    match e {
        DbError::Conflict(code) => {
            let field = if code == "insight_note_too_long" {
                "note"
            } else {
                "key"
            };
            AppError::Invalid(vec![(field.into(), l.t(&format!("error-{code}")))])
        }
        e => e.into(),
    }
}

/// From htmx: the refreshed panel. From a plain form: back where it came from.
async fn dismiss_form(
    State(state): State<AppState>,
    me: Me,
    headers: HeaderMap,
    Form(f): Form<DismissForm>,
) -> Result<Response, AppError> {
    let scope = scope(&me, Some(&f.scope))?;
    state
        .db
        .dismiss_insight(&me.actor(), &f.key, &f.note)
        .await
        .map_err(|e| refused(me.l(), e))?;
    if headers.contains_key("hx-request") {
        return Ok(render_panel(&state, &me, scope).await?.into_response());
    }
    Ok(Redirect::to(&crate::shared::params::local(&f.back, "/")).into_response())
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListParams {
    /// `org`, `team:<id>` or `person:<id>`; default: the organisation for directors, admins
    /// and HR, else yourself.
    scope: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct SubjectDto {
    /// `person`, `deal`, `account` or `goal`.
    kind: String,
    id: Uuid,
    name: String,
}

/// One insight: what changed, why it matters, where the evidence is.
#[derive(Serialize, ToSchema)]
pub struct InsightDto {
    /// Stable `kind:subject:period`; dismiss with it.
    key: String,
    /// `win_rate_drop`, `stalled_deal`, `goal_off_track`, `csat_drop`, `nps_detractor`,
    /// `inactive`, `no_target` or `low_coverage`.
    kind: String,
    /// `high`, `medium` or `low`.
    severity: String,
    subject: SubjectDto,
    period: String,
    what: String,
    why: String,
    /// A page with the evidence.
    evidence: String,
    /// The numbers behind it, per kind (permille, hundredths, minor units as named).
    #[schema(value_type = Object)]
    numbers: serde_json::Value,
}

/// The insights about a scope you may measure, most urgent first, without those you dismissed.
#[utoipa::path(get, path = "/api/v1/insights", tag = "insights", params(ListParams),
    responses((status = 200, body = Vec<InsightDto>), (status = 404, description = "a scope you may not see"),
        (status = 422, description = "a malformed scope")))]
async fn list(
    State(state): State<AppState>,
    me: Me,
    Query(p): Query<ListParams>,
) -> Result<Json<Vec<InsightDto>>, AppError> {
    let l = me.l();
    let scope = scope(&me, p.scope.as_deref())?;
    let items = state.db.insights(&me.actor(), scope, me.today()).await?;
    Ok(Json(
        items
            .iter()
            .map(|i| {
                let (what, why, _) = texts(l, i);
                InsightDto {
                    key: i.key.clone(),
                    kind: i.kind.as_str().into(),
                    severity: i.severity.as_str().into(),
                    subject: SubjectDto {
                        kind: i.subject.kind.into(),
                        id: i.subject.id,
                        name: i.subject.name.clone(),
                    },
                    period: i.period.clone(),
                    what,
                    why,
                    evidence: i.evidence.clone(),
                    numbers: serde_json::to_value(&i.detail).unwrap_or_default(),
                }
            })
            .collect(),
    ))
}

#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
pub struct DismissBody {
    /// Why it is dismissed (at most 500 characters).
    note: String,
}

/// Hides an insight from you (only) until its situation changes; recorded in the audit log.
#[utoipa::path(post, path = "/api/v1/insights/{key}/dismiss", tag = "insights",
    params(("key" = String, Path, description = "an insight's key")), request_body = DismissBody,
    responses((status = 204), (status = 422, description = "a malformed key or an over-long note")))]
async fn dismiss(
    State(state): State<AppState>,
    me: Me,
    Path(key): Path<String>,
    ApiJson(body): ApiJson<DismissBody>,
) -> Result<StatusCode, AppError> {
    state
        .db
        .dismiss_insight(&me.actor(), &key, &body.note)
        .await
        .map_err(|e| refused(me.l(), e))?;
    Ok(StatusCode::NO_CONTENT)
}

/// A setting's label and hint.
fn setting_text(l: Locale, name: &str) -> (String, String) {
    let (label, hint) = match name {
        "win_rate_drop_points" => (
            l.t("insight-setting-win-rate-drop-points"),
            l.t("insight-setting-win-rate-drop-points-hint"),
        ),
        "win_rate_min_closed" => (
            l.t("insight-setting-win-rate-min-closed"),
            l.t("insight-setting-win-rate-min-closed-hint"),
        ),
        "stall_multiple" => (
            l.t("insight-setting-stall-multiple"),
            l.t("insight-setting-stall-multiple-hint"),
        ),
        "stalled_listed" => (
            l.t("insight-setting-stalled-listed"),
            l.t("insight-setting-stalled-listed-hint"),
        ),
        "goal_left_pct" => (
            l.t("insight-setting-goal-left-pct"),
            l.t("insight-setting-goal-left-pct-hint"),
        ),
        "csat_drop_hundredths" => (
            l.t("insight-setting-csat-drop-hundredths"),
            l.t("insight-setting-csat-drop-hundredths-hint"),
        ),
        "csat_min_answers" => (
            l.t("insight-setting-csat-min-answers"),
            l.t("insight-setting-csat-min-answers-hint"),
        ),
        "nps_days" => (
            l.t("insight-setting-nps-days"),
            l.t("insight-setting-nps-days-hint"),
        ),
        "inactive_days" => (
            l.t("insight-setting-inactive-days"),
            l.t("insight-setting-inactive-days-hint"),
        ),
        _ => (
            l.t("insight-setting-coverage-min-hundredths"),
            l.t("insight-setting-coverage-min-hundredths-hint"),
        ),
    };
    (label, hint)
}

/// A scaled value as typed back into the form: `150` with two decimals is `1.50`.
fn typed(value: i64, decimals: u32) -> String {
    if decimals == 0 {
        return value.to_string();
    }
    let scale = 10_i64.pow(decimals);
    format!(
        "{}.{:0width$}",
        value / scale,
        value % scale,
        width = decimals as usize
    )
}

fn settings_page(
    me: &Me,
    values: Vec<(&'static str, String, Option<String>)>,
    notice: Option<String>,
    error: Option<String>,
) -> Result<String, AppError> {
    let l = me.l();
    let fields = SPECS
        .iter()
        .zip(values)
        .map(|(s, (name, value, error))| {
            let (label, hint) = setting_text(l, name);
            InsightSettingField {
                name,
                label,
                hint,
                value,
                step: if s.decimals == 0 { "1" } else { "0.01" },
                error,
            }
        })
        .collect();
    let page = InsightSettingsPage {
        chrome: me.ctx.chrome(),
        fields,
        notice,
        error,
    };
    Ok(page.render()?)
}

async fn settings(State(state): State<AppState>, me: Me) -> Result<Html<String>, AppError> {
    me.require(keel_domain::roles::Action::ManageTeams)?;
    let current = state.db.insight_settings().await?;
    let values = current
        .values()
        .iter()
        .map(|(s, v)| (s.name, typed(*v, s.decimals), None))
        .collect();
    Ok(Html(settings_page(&me, values, None, None)?))
}

/// Validates every field; an invalid form comes back (422) with each problem beside its field.
async fn save_settings(
    State(state): State<AppState>,
    me: Me,
    Form(f): Form<HashMap<String, String>>,
) -> Result<Response, AppError> {
    me.require(keel_domain::roles::Action::ManageTeams)?;
    let l = me.l();
    let mut parsed = [0_i64; SPECS.len()];
    let mut values = Vec::new();
    let mut bad = false;
    for (i, s) in SPECS.iter().enumerate() {
        let text = f
            .get(s.name)
            .map(|v| v.trim().to_owned())
            .unwrap_or_default();
        let value = parse_scaled(&text, s.decimals).filter(|v| (s.min..=s.max).contains(v));
        let error = match value {
            Some(v) => {
                parsed[i] = v;
                None
            }
            None => {
                bad = true;
                Some(l.t_args(
                    "insight-setting-range",
                    &[
                        ("min", &typed(s.min, s.decimals)),
                        ("max", &typed(s.max, s.decimals)),
                    ],
                ))
            }
        };
        values.push((s.name, text, error));
    }
    let settings = match (bad, Settings::from_values(parsed)) {
        (false, Ok(s)) => s,
        _ => {
            let html = settings_page(&me, values, None, Some(l.t("error-invalid_input")))?;
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, Html(html)).into_response());
        }
    };
    state
        .db
        .set_insight_settings(&me.actor(), &settings)
        .await?;
    let values = settings
        .values()
        .iter()
        .map(|(s, v)| (s.name, typed(*v, s.decimals), None))
        .collect();
    Ok(Html(settings_page(&me, values, Some(l.t("notice-saved")), None)?).into_response())
}
