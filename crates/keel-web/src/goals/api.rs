//! `/api/v1/goals`: the same storage calls and rules as the pages, scoped by visibility.

use super::form::{MAX_WEIGHT, field_of_conflict};
use super::smart;
use crate::auth::me::Me;
use crate::shared::Id;
use crate::shared::Query;
use crate::shared::extract::ApiJson;
use crate::shared::{conflict_as_field, invalid_t};
use crate::{AppError, AppState};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use chrono::{DateTime, NaiveDate, Utc};
use keel_db::DbError;
use keel_db::goal_progress::Standing;
use keel_db::goals::{
    Goal, GoalChange, GoalInput, GoalQuery, GoalUpdate, Measure, Owner, Rule, Visibility,
    current_period,
};
use keel_domain::goals::{Direction, Status};
use keel_domain::periods::PeriodKind;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_goals, create_goal))
        .routes(routes!(get_goal, patch_goal))
        .routes(routes!(goal_history))
        .routes(routes!(record_value))
}

/// Rule breaks in storage become field errors the caller can show.
fn storage(me: &Me, e: DbError) -> AppError {
    conflict_as_field(me.l(), e, |code| Some(field_of_conflict(code)))
}

/// A status set by hand.
#[derive(Serialize, ToSchema)]
pub struct OverrideDto {
    /// `on_track`, `at_risk`, `off_track` or `done`.
    status: String,
    reason: String,
    by: Option<Uuid>,
    by_name: String,
    at: DateTime<Utc>,
}

/// A goal with where it stands today. Values are in the measure's unit: minor units for
/// money, permille for percentages (456 = 45.6%), 0/1 for done.
#[derive(Serialize, ToSchema)]
pub struct GoalDto {
    id: Uuid,
    title: String,
    description: String,
    /// `org`, `team:<id>` or `person:<id>`.
    owner: String,
    owner_name: String,
    parent_id: Option<Uuid>,
    contributors: Vec<Uuid>,
    /// `metric:<key>` (a key of /api/v1/metrics), `number`, `percent`, `currency` or `done`.
    measure: String,
    /// The currency of money values, empty otherwise.
    currency: String,
    start: i64,
    target: i64,
    /// Now: measured for metric goals, as last entered for manual ones.
    current: Option<i64>,
    /// `increase` or `decrease`.
    direction: String,
    weight: u32,
    /// `own` (its measure) or `children` (the weighted mean of its children's progress).
    rule: String,
    /// `2026-Q4`, `2026-11`, `2026-H2`, `2026` or `2026-10-01..2026-12-31`.
    period: String,
    period_start: NaiveDate,
    period_end: NaiveDate,
    due: NaiveDate,
    /// `public` or `private`.
    visibility: String,
    /// 0..=1000; null without data.
    progress_permille: Option<i64>,
    /// The status shown: set by hand, else by pace.
    status: Option<String>,
    /// The status the pace gives.
    paced_status: Option<String>,
    status_override: Option<OverrideDto>,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

fn dto(g: Goal, s: Option<&Standing>) -> GoalDto {
    let i = g.input;
    GoalDto {
        id: g.id,
        title: i.title,
        description: i.description,
        owner: i.owner.text(),
        owner_name: g.owner_name,
        parent_id: i.parent_id,
        contributors: i.contributors,
        measure: i.measure.text(),
        currency: s.map(|s| s.currency.clone()).unwrap_or_default(),
        start: i.start,
        target: i.target,
        current: s.and_then(|s| s.current),
        direction: i.direction.as_str().into(),
        weight: i.weight,
        rule: i.rule.as_str().into(),
        period: i.period.label(),
        period_start: i.period.start,
        period_end: i.period.end,
        due: i.due,
        visibility: i.visibility.as_str().into(),
        progress_permille: s.and_then(|s| s.progress),
        status: s.and_then(|s| s.status).map(|x| x.as_str().into()),
        paced_status: s.and_then(|s| s.paced).map(|x| x.as_str().into()),
        status_override: g.status_override.map(|o| OverrideDto {
            status: o.status.as_str().into(),
            reason: o.reason,
            by: o.by,
            by_name: o.by_name,
            at: o.at,
        }),
        created_at: g.created_at,
        updated_at: g.updated_at,
    }
}

async fn one(state: &AppState, me: &Me, id: Uuid) -> Result<GoalDto, AppError> {
    let g = state.db.goal(&me.actor(), id).await?;
    let s = state.db.goal_standings(&[id], me.today()).await?;
    Ok(dto(g, s.get(&id)))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct GoalParams {
    /// Only goals of this owner: `org`, `team:<id>` or `person:<id>`.
    owner: Option<String>,
    /// Only goals you own or contribute to.
    mine: Option<bool>,
}

/// The goals you may see, with their progress and status today.
#[utoipa::path(get, path = "/api/v1/goals", tag = "goals", params(GoalParams),
    responses((status = 200, body = Vec<GoalDto>), (status = 422, description = "a malformed owner")))]
async fn list_goals(
    State(state): State<AppState>,
    me: Me,
    Query(p): Query<GoalParams>,
) -> Result<Json<Vec<GoalDto>>, AppError> {
    let owner = match p.owner.as_deref() {
        None | Some("") => None,
        Some(o) => {
            Some(Owner::parse(o).ok_or_else(|| invalid_t(me.l(), "owner", "goal-owner-invalid"))?)
        }
    };
    let q = GoalQuery {
        owner,
        involving: p.mine.unwrap_or(false).then_some(me.user.person_id),
    };
    let goals = state.db.goals(&me.actor(), &q).await?;
    let ids: Vec<Uuid> = goals.iter().map(|g| g.id).collect();
    let s = state.db.goal_standings(&ids, me.today()).await?;
    Ok(Json(
        goals
            .into_iter()
            .map(|g| {
                let id = g.id;
                dto(g, s.get(&id))
            })
            .collect(),
    ))
}

/// A goal you may see.
#[utoipa::path(get, path = "/api/v1/goals/{id}", tag = "goals", params(("id" = Uuid, Path, description = "goal id")),
    responses((status = 200, body = GoalDto), (status = 404, description = "no such goal, or not yours to see")))]
async fn get_goal(
    State(state): State<AppState>,
    me: Me,
    Id(id): Id,
) -> Result<Json<GoalDto>, AppError> {
    Ok(Json(one(&state, &me, id).await?))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewGoalDto {
    title: String,
    description: Option<String>,
    /// `org`, `team:<id>` or `person:<id>`; default: you.
    owner: Option<String>,
    parent_id: Option<Uuid>,
    #[serde(default)]
    contributors: Vec<Uuid>,
    /// `metric:<key>`, `number`, `percent`, `currency` or `done`.
    measure: String,
    /// Default 0.
    start: Option<i64>,
    /// Required except for `done` (always 1).
    target: Option<i64>,
    /// `increase` or `decrease`; default: the metric's better direction, else increase.
    direction: Option<String>,
    /// Weight in the parent's mean, 0..=1000 (default 1).
    weight: Option<u32>,
    /// `own` (default) or `children`.
    rule: Option<String>,
    /// Default: this quarter.
    period: Option<String>,
    /// Default: the period's last day.
    #[serde(default, deserialize_with = "crate::shared::params::bounded::opt_date")]
    due: Option<NaiveDate>,
    /// `public` (default) or `private`.
    visibility: Option<String>,
}

/// The fields of a goal that a body may set, each optional over `base`.
struct Fields<'a> {
    title: Option<&'a str>,
    description: Option<&'a str>,
    owner: Option<&'a str>,
    parent_id: Option<Option<Uuid>>,
    contributors: Option<&'a [Uuid]>,
    measure: Option<&'a str>,
    start: Option<i64>,
    target: Option<i64>,
    direction: Option<&'a str>,
    weight: Option<u32>,
    rule: Option<&'a str>,
    period: Option<&'a str>,
    due: Option<NaiveDate>,
    visibility: Option<&'a str>,
}

/// `base` with `f` applied, checked field by field.
fn apply(me: &Me, mut i: GoalInput, f: Fields<'_>, new: bool) -> Result<GoalInput, AppError> {
    let l = me.l();
    let mut errors: Vec<(String, String)> = Vec::new();
    let err = |errors: &mut Vec<(String, String)>, field: &str, key: &str| {
        errors.push((field.to_owned(), l.t(key)))
    };
    if let Some(t) = f.title {
        match crate::shared::fields::required(l, t, 200) {
            Some(e) => errors.push(("title".into(), e)),
            None => i.title = t.trim().to_owned(),
        }
    }
    if let Some(d) = f.description {
        i.description = d.trim().to_owned();
    }
    if let Some(o) = f.owner {
        match Owner::parse(o) {
            Some(o) => i.owner = o,
            None => err(&mut errors, "owner", "goal-owner-invalid"),
        }
    }
    if let Some(p) = f.parent_id {
        i.parent_id = p;
    }
    if let Some(c) = f.contributors {
        let mut c = c.to_vec();
        c.sort();
        c.dedup();
        i.contributors = c;
    }
    let measure_changed = f.measure.is_some();
    if let Some(m) = f.measure {
        match Measure::parse(m) {
            Some(m) => i.measure = m,
            None => err(&mut errors, "measure", "goal-measure-invalid"),
        }
    }
    if let Some(s) = f.start {
        i.start = s;
    }
    if let Some(t) = f.target {
        i.target = t;
    }
    if i.measure == Measure::Done {
        (i.start, i.target) = (0, 1);
    } else if new && f.target.is_none() {
        err(&mut errors, "target", "field-required");
    }
    if [i.start, i.target]
        .iter()
        .any(|v| v.unsigned_abs() > crate::shared::params::MAX_VALUE as u64)
    {
        err(&mut errors, "target", "goal-value-invalid");
    }
    match f.direction {
        Some(d) => match Direction::parse(d) {
            Some(d) => i.direction = d,
            None => err(&mut errors, "direction", "goal-direction-invalid"),
        },
        None if new || measure_changed => i.direction = i.measure.default_direction(),
        None => {}
    }
    if let Some(w) = f.weight {
        if w > MAX_WEIGHT {
            err(&mut errors, "weight", "goal-weight-invalid");
        } else {
            i.weight = w;
        }
    }
    if let Some(r) = f.rule {
        match Rule::parse(r) {
            Some(r) => i.rule = r,
            None => err(&mut errors, "rule", "goal-rule-invalid"),
        }
    }
    let period_changed = f.period.is_some();
    if let Some(p) = f.period {
        match crate::shared::params::period(p) {
            Ok(p) => i.period = p,
            Err(e) => errors.push(("period".into(), l.t(&format!("error-{}", e.code())))),
        }
    }
    match f.due {
        Some(d) => i.due = d,
        None if new || period_changed => i.due = i.period.end,
        None => {}
    }
    if let Some(v) = f.visibility {
        match Visibility::parse(v) {
            Some(v) => i.visibility = v,
            None => errors.push(("visibility".into(), l.t("goal-visibility-invalid"))),
        }
    }
    if errors.is_empty() {
        Ok(i)
    } else {
        Err(AppError::Invalid(errors))
    }
}

/// When SMART goals are required, a failing letter refuses the goal (422, one field per
/// failing letter: `smart_s` ... `smart_t`).
async fn check_smart(state: &AppState, me: &Me, input: &GoalInput) -> Result<(), AppError> {
    if !state.db.smart_required().await? {
        return Ok(());
    }
    let report = smart::check(state, &me.actor(), smart::basis_of_input(input)).await?;
    if report.passes(true) {
        return Ok(());
    }
    let currency = state.db.org_currency().await?;
    Err(AppError::Invalid(
        smart::failures(me.l(), &report, Some(input.measure), &currency)
            .into_iter()
            .map(|(k, m)| (k.to_owned(), m))
            .collect(),
    ))
}

/// Sets a goal for yourself, someone in your reporting line, a team you lead (or stand
/// above), or (directors, admins) the organisation.
#[utoipa::path(post, path = "/api/v1/goals", tag = "goals", request_body = NewGoalDto,
    responses((status = 201, body = GoalDto), (status = 403, description = "an owner you may not set goals for"),
        (status = 422, description = "fields need attention, or SMART goals are required and a letter fails")))]
async fn create_goal(
    State(state): State<AppState>,
    me: Me,
    ApiJson(b): ApiJson<NewGoalDto>,
) -> Result<(StatusCode, Json<GoalDto>), AppError> {
    let period = current_period(PeriodKind::Quarter, me.today());
    let base = GoalInput {
        owner: Owner::Person(me.user.person_id),
        parent_id: None,
        contributors: Vec::new(),
        title: String::new(),
        description: String::new(),
        measure: Measure::Number,
        start: 0,
        target: 0,
        direction: Direction::Increase,
        weight: 1,
        rule: Rule::Own,
        period,
        due: period.end,
        visibility: Visibility::Public,
    };
    let fields = Fields {
        title: Some(&b.title),
        description: b.description.as_deref(),
        owner: b.owner.as_deref(),
        parent_id: Some(b.parent_id),
        contributors: Some(&b.contributors),
        measure: Some(&b.measure),
        start: b.start,
        target: b.target,
        direction: b.direction.as_deref(),
        weight: b.weight,
        rule: b.rule.as_deref(),
        period: b.period.as_deref(),
        due: b.due,
        visibility: b.visibility.as_deref(),
    };
    let input = apply(&me, base, fields, true)?;
    if !state.db.may_manage_goal(&me.actor(), input.owner).await? {
        return Err(AppError::Forbidden);
    }
    check_smart(&state, &me, &input).await?;
    let id = state
        .db
        .create_goal(&me.actor(), &input)
        .await
        .map_err(|e| storage(&me, e))?;
    Ok((StatusCode::CREATED, Json(one(&state, &me, id).await?)))
}

/// Fields to change; absent fields stay. `reason` is required when the target or the due
/// date changes, and for setting a status by hand.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct GoalPatchDto {
    title: Option<String>,
    description: Option<String>,
    owner: Option<String>,
    /// A goal id, or null to detach.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<Uuid>)]
    parent_id: Option<Option<Uuid>>,
    contributors: Option<Vec<Uuid>>,
    measure: Option<String>,
    start: Option<i64>,
    target: Option<i64>,
    direction: Option<String>,
    weight: Option<u32>,
    rule: Option<String>,
    period: Option<String>,
    #[serde(default, deserialize_with = "crate::shared::params::bounded::opt_date")]
    due: Option<NaiveDate>,
    visibility: Option<String>,
    /// Why: required with a new target or due date, and with `status_override`.
    reason: Option<String>,
    /// Set the status by hand (`on_track`, `at_risk`, `off_track`, `done`), or `""` to go
    /// back to the pace.
    status_override: Option<String>,
}

/// A field that is present (even as null) is `Some`, so null can detach a parent.
fn present<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Option<Uuid>>, D::Error> {
    Option::<Uuid>::deserialize(d).map(Some)
}

/// Changes a goal you may set; every change is kept in its history.
#[utoipa::path(patch, path = "/api/v1/goals/{id}", tag = "goals", params(("id" = Uuid, Path, description = "goal id")),
    request_body = GoalPatchDto,
    responses((status = 200, body = GoalDto), (status = 403, description = "a goal you may see but not set"),
        (status = 404, description = "no such goal, or not yours to see"),
        (status = 422, description = "fields need attention (e.g. a reason for a new target)")))]
async fn patch_goal(
    State(state): State<AppState>,
    me: Me,
    Id(id): Id,
    ApiJson(b): ApiJson<GoalPatchDto>,
) -> Result<Json<GoalDto>, AppError> {
    let actor = me.actor();
    let g = state.db.goal(&actor, id).await?;
    if !state.db.may_manage_goal(&actor, g.input.owner).await? {
        return Err(AppError::Forbidden);
    }
    let fields = Fields {
        title: b.title.as_deref(),
        description: b.description.as_deref(),
        owner: b.owner.as_deref(),
        parent_id: b.parent_id,
        contributors: b.contributors.as_deref(),
        measure: b.measure.as_deref(),
        start: b.start,
        target: b.target,
        direction: b.direction.as_deref(),
        weight: b.weight,
        rule: b.rule.as_deref(),
        period: b.period.as_deref(),
        due: b.due,
        visibility: b.visibility.as_deref(),
    };
    let input = apply(&me, g.input.clone(), fields, false)?;
    if input != g.input {
        check_smart(&state, &me, &input).await?;
        state
            .db
            .update_goal(&actor, id, &input, b.reason.as_deref())
            .await
            .map_err(|e| storage(&me, e))?;
    }
    if let Some(s) = b.status_override.as_deref() {
        let status = if s.trim().is_empty() {
            None
        } else {
            let st = Status::parse(s.trim())
                .ok_or_else(|| invalid_t(me.l(), "status_override", "goal-status-invalid"))?;
            Some((st, b.reason.as_deref().unwrap_or("")))
        };
        state
            .db
            .set_goal_status(&actor, id, status)
            .await
            .map_err(|e| storage(&me, e))?;
    }
    Ok(Json(one(&state, &me, id).await?))
}

#[derive(Serialize, ToSchema)]
pub struct ChangeDto {
    at: DateTime<Utc>,
    person_id: Option<Uuid>,
    person_name: Option<String>,
    /// `title`, `target`, `due`, `status` ...
    field: String,
    old_value: String,
    new_value: String,
    reason: Option<String>,
}

impl From<GoalChange> for ChangeDto {
    fn from(c: GoalChange) -> Self {
        ChangeDto {
            at: c.at,
            person_id: c.person_id,
            person_name: c.person_name,
            field: c.field,
            old_value: c.old_value,
            new_value: c.new_value,
            reason: c.reason,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct UpdateDto {
    at: DateTime<Utc>,
    day: NaiveDate,
    /// Null for points measured by keel.
    person_id: Option<Uuid>,
    person_name: Option<String>,
    /// `manual`, `measured` or `checkin`.
    source: String,
    value: Option<i64>,
    progress_permille: Option<i64>,
    comment: Option<String>,
}

impl From<GoalUpdate> for UpdateDto {
    fn from(u: GoalUpdate) -> Self {
        UpdateDto {
            at: u.at,
            day: u.day,
            person_id: u.person_id,
            person_name: u.person_name,
            source: u.source,
            value: u.value,
            progress_permille: u.progress,
            comment: u.comment,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct HistoryDto {
    /// Adjustments, oldest first.
    changes: Vec<ChangeDto>,
    /// Progress over time, oldest first.
    updates: Vec<UpdateDto>,
}

/// A goal's adjustments (who, when, old, new, why) and its progress over time.
#[utoipa::path(get, path = "/api/v1/goals/{id}/history", tag = "goals", params(("id" = Uuid, Path, description = "goal id")),
    responses((status = 200, body = HistoryDto), (status = 404, description = "no such goal, or not yours to see")))]
async fn goal_history(
    State(state): State<AppState>,
    me: Me,
    Id(id): Id,
) -> Result<Json<HistoryDto>, AppError> {
    let actor = me.actor();
    Ok(Json(HistoryDto {
        changes: state
            .db
            .goal_changes(&actor, id)
            .await?
            .into_iter()
            .map(Into::into)
            .collect(),
        updates: state
            .db
            .goal_updates(&actor, id)
            .await?
            .into_iter()
            .map(Into::into)
            .collect(),
    }))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ValueDto {
    /// In the measure's unit (minor units, permille, 0/1 for done).
    value: i64,
    comment: Option<String>,
}

/// Records a new value of a manual measure.
#[utoipa::path(post, path = "/api/v1/goals/{id}/value", tag = "goals", params(("id" = Uuid, Path, description = "goal id")),
    request_body = ValueDto,
    responses((status = 200, body = GoalDto), (status = 403, description = "a goal you may see but not set"),
        (status = 404, description = "no such goal, or not yours to see"),
        (status = 422, description = "a metric goal (measured, not entered), or a value out of range")))]
async fn record_value(
    State(state): State<AppState>,
    me: Me,
    Id(id): Id,
    ApiJson(b): ApiJson<ValueDto>,
) -> Result<Json<GoalDto>, AppError> {
    if b.value.unsigned_abs() > crate::shared::params::MAX_VALUE as u64 {
        return Err(invalid_t(me.l(), "value", "goal-value-invalid"));
    }
    state
        .db
        .record_goal_value(&me.actor(), id, b.value, b.comment.as_deref())
        .await
        .map_err(|e| match e {
            DbError::Conflict(code) => {
                AppError::Invalid(vec![("value".into(), me.l().t(&format!("error-{code}")))])
            }
            e => e.into(),
        })?;
    Ok(Json(one(&state, &me, id).await?))
}
