//! `/api/v1/checkins`: the same storage calls and rules as the pages. A check-in (its mood
//! included) is returned only to the person and the people above them, directors, admins
//! and HR; to anyone else it does not exist.

use super::form::{MAX_COMMENT, MAX_TEXT};
use crate::auth::me::Me;
use crate::shared::Id;
use crate::shared::Query;
use crate::shared::extract::ApiJson;
use crate::shared::params::MAX_VALUE;
use crate::shared::{conflict_as_field, invalid_t};
use crate::{AppError, AppState};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use chrono::{DateTime, NaiveDate, Utc};
use keel_db::checkins::feedback::Comment;
use keel_db::checkins::team::GoalCheckin;
use keel_db::checkins::{Checkin, CheckinInput, CheckinItem, CheckinQuery, GoalEntry};
use keel_domain::checkins::Reaction;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_checkins, submit_checkin))
        .routes(routes!(get_checkin))
        .routes(routes!(add_comment))
        .routes(routes!(toggle_reaction))
        .routes(routes!(goal_checkins))
}

/// The update of one goal in a check-in. Values are in the goal's unit (minor units for
/// money, permille for percentages, 0/1 for done).
#[derive(Serialize, ToSchema)]
pub struct CheckinGoalDto {
    /// Id of this goal update (flags may point at it).
    id: Uuid,
    goal_id: Uuid,
    goal_title: String,
    value: Option<i64>,
    /// 0..=1000.
    progress_permille: Option<i64>,
    comment: Option<String>,
}

impl From<CheckinItem> for CheckinGoalDto {
    fn from(i: CheckinItem) -> Self {
        CheckinGoalDto {
            id: i.id,
            goal_id: i.goal_id,
            goal_title: i.goal_title,
            value: i.value,
            progress_permille: i.progress,
            comment: i.comment,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct CheckinDto {
    id: Uuid,
    person_id: Uuid,
    person_name: String,
    /// `weekly`, `biweekly` or `monthly`.
    cadence: String,
    cycle_start: NaiveDate,
    cycle_end: NaiveDate,
    due: NaiveDate,
    /// 1..=10.
    confidence: i32,
    /// 1..=5; private to the person's reporting chain, HR, directors and admins.
    mood: i32,
    progress: String,
    plans: String,
    problems: String,
    blockers: String,
    submitted_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
    /// Once reviewed, the check-in can no longer be changed.
    reviewed_at: Option<DateTime<Utc>>,
    reviewed_by_name: Option<String>,
    /// The goal updates; listed on a single check-in, left out of lists.
    #[serde(skip_serializing_if = "Option::is_none")]
    goals: Option<Vec<CheckinGoalDto>>,
}

fn dto(c: Checkin, with_goals: bool) -> CheckinDto {
    CheckinDto {
        id: c.id,
        person_id: c.person_id,
        person_name: c.person_name,
        cadence: c.cadence.as_str().into(),
        cycle_start: c.cycle.start,
        cycle_end: c.cycle.end,
        due: c.cycle.due,
        confidence: c.confidence,
        mood: c.mood,
        progress: c.progress,
        plans: c.plans,
        problems: c.problems,
        blockers: c.blockers,
        submitted_at: c.submitted_at,
        updated_at: c.updated_at,
        reviewed_at: c.reviewed_at,
        reviewed_by_name: c.reviewed_by_name,
        goals: with_goals.then(|| c.items.into_iter().map(Into::into).collect()),
    }
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CheckinParams {
    /// Only this person's check-ins.
    person: Option<Uuid>,
    /// Only the cycle containing this day (YYYY-MM-DD).
    #[serde(default, deserialize_with = "crate::shared::params::bounded::opt_date")]
    cycle: Option<NaiveDate>,
}

/// The check-ins you may read, newest cycle first.
#[utoipa::path(get, path = "/api/v1/checkins", tag = "checkins", params(CheckinParams),
    responses((status = 200, body = Vec<CheckinDto>)))]
async fn list_checkins(
    State(state): State<AppState>,
    me: Me,
    Query(p): Query<CheckinParams>,
) -> Result<Json<Vec<CheckinDto>>, AppError> {
    let q = CheckinQuery {
        person: p.person,
        day: p.cycle,
    };
    let list = state.db.checkins(&me.actor(), &q).await?;
    Ok(Json(list.into_iter().map(|c| dto(c, false)).collect()))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct GoalEntryDto {
    goal_id: Uuid,
    /// A new value, manual goals only, in the goal's unit.
    value: Option<i64>,
    comment: Option<String>,
}

/// Your check-in for the current cycle. Goals you leave out are recorded as they stand.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SubmitDto {
    /// 1..=10.
    confidence: i64,
    /// 1..=5.
    mood: i64,
    #[serde(default)]
    progress: String,
    #[serde(default)]
    plans: String,
    #[serde(default)]
    problems: String,
    #[serde(default)]
    blockers: String,
    #[serde(default)]
    goals: Vec<GoalEntryDto>,
}

/// Submits your check-in for the current cycle (201), or updates it (200) until someone
/// above you has reviewed it (then 422 `checkin_locked`).
#[utoipa::path(post, path = "/api/v1/checkins", tag = "checkins", request_body = SubmitDto,
    responses((status = 201, body = CheckinDto), (status = 200, body = CheckinDto, description = "updated"),
        (status = 422, description = "fields need attention, or the check-in was reviewed already")))]
async fn submit_checkin(
    State(state): State<AppState>,
    me: Me,
    ApiJson(b): ApiJson<SubmitDto>,
) -> Result<(StatusCode, Json<CheckinDto>), AppError> {
    let l = me.l();
    let too_long = l.t_args("checkin-text-too-long", &[("max", &MAX_TEXT.to_string())]);
    let mut errors = Vec::new();
    for (f, v) in [
        ("progress", &b.progress),
        ("plans", &b.plans),
        ("problems", &b.problems),
        ("blockers", &b.blockers),
    ] {
        if v.chars().count() > MAX_TEXT {
            errors.push((f.to_owned(), too_long.clone()));
        }
    }
    for g in &b.goals {
        let comment_long = g
            .comment
            .as_ref()
            .is_some_and(|c| c.chars().count() > MAX_COMMENT);
        let value_bad = g.value.is_some_and(|v| v.unsigned_abs() > MAX_VALUE as u64);
        if comment_long || value_bad {
            errors.push((format!("goals.{}", g.goal_id), l.t("error-invalid_input")));
        }
    }
    if !errors.is_empty() {
        return Err(AppError::Invalid(errors));
    }
    let actor = me.actor();
    let cycle = state.db.schedule_of(actor.id).await?.cycle(me.today());
    let existed = state.db.my_checkin(&actor, cycle.start).await?.is_some();
    let input = CheckinInput {
        confidence: b.confidence,
        mood: b.mood,
        progress: b.progress,
        plans: b.plans,
        problems: b.problems,
        blockers: b.blockers,
        goals: b
            .goals
            .into_iter()
            .map(|g| GoalEntry {
                goal_id: g.goal_id,
                value: g.value,
                comment: g.comment.unwrap_or_default(),
            })
            .collect(),
    };
    let field = |code: &str| match code {
        "invalid_confidence" => "confidence",
        "invalid_mood" => "mood",
        "checkin_locked" => "checkin",
        _ => "goals",
    };
    let id = state
        .db
        .submit_checkin(&actor, &input, me.today())
        .await
        .map_err(|e| conflict_as_field(me.l(), e, |code| Some(field(code))))?;
    let c = state.db.checkin(&actor, id).await?;
    let status = if existed {
        StatusCode::OK
    } else {
        StatusCode::CREATED
    };
    Ok((status, Json(dto(c, true))))
}

/// A check-in you may read, with its goal updates.
#[utoipa::path(get, path = "/api/v1/checkins/{id}", tag = "checkins", params(("id" = Uuid, Path, description = "check-in id")),
    responses((status = 200, body = CheckinDto), (status = 404, description = "no such check-in, or not yours to read")))]
async fn get_checkin(
    State(state): State<AppState>,
    me: Me,
    Id(id): Id,
) -> Result<Json<CheckinDto>, AppError> {
    let c = state.db.checkin(&me.actor(), id).await?;
    Ok(Json(dto(c, true)))
}

#[derive(Serialize, ToSchema)]
pub struct CommentDto {
    id: Uuid,
    /// The comment this one replies to.
    parent_id: Option<Uuid>,
    author_id: Uuid,
    author_name: String,
    body: String,
    at: DateTime<Utc>,
}

impl From<Comment> for CommentDto {
    fn from(c: Comment) -> Self {
        CommentDto {
            id: c.id,
            parent_id: c.parent_id,
            author_id: c.author_id,
            author_name: c.author_name,
            body: c.body,
            at: c.at,
        }
    }
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewCommentDto {
    body: String,
    /// Reply to this comment of the same check-in.
    parent_id: Option<Uuid>,
}

/// Comments on (or replies in) the thread of a check-in you may read. A comment from above
/// the author marks the check-in reviewed.
#[utoipa::path(post, path = "/api/v1/checkins/{id}/comments", tag = "checkins", params(("id" = Uuid, Path, description = "check-in id")),
    request_body = NewCommentDto,
    responses((status = 201, body = CommentDto), (status = 404, description = "no such check-in, or not yours to read"),
        (status = 422, description = "an empty comment, or a reply to a comment elsewhere")))]
async fn add_comment(
    State(state): State<AppState>,
    me: Me,
    Id(id): Id,
    ApiJson(b): ApiJson<NewCommentDto>,
) -> Result<(StatusCode, Json<CommentDto>), AppError> {
    if b.body.chars().count() > 2000 {
        return Err(AppError::Invalid(vec![(
            "body".into(),
            me.l().t_args("checkin-text-too-long", &[("max", "2000")]),
        )]));
    }
    let actor = me.actor();
    let comment = state
        .db
        .comment_checkin(&actor, id, b.parent_id, &b.body)
        .await
        .map_err(|e| conflict_as_field(me.l(), e, |_| Some("body")))?;
    let c = state
        .db
        .checkin_comments(&actor, id)
        .await?
        .into_iter()
        .find(|c| c.id == comment)
        .ok_or(AppError::NotFound)?;
    Ok((StatusCode::CREATED, Json(c.into())))
}

#[derive(Serialize, ToSchema)]
pub struct ReactionDto {
    /// `thumbs_up` 👍, `party` 🎉, `muscle` 💪 or `eyes` 👀.
    reaction: String,
    emoji: String,
    count: usize,
    names: Vec<String>,
    /// You gave it.
    mine: bool,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReactDto {
    /// `thumbs_up`, `party`, `muscle` or `eyes` (or the emoji itself).
    reaction: String,
}

/// Gives a reaction, or takes it back when given already (one of each per person). For
/// the people above the author; a reaction marks the check-in reviewed.
#[utoipa::path(post, path = "/api/v1/checkins/{id}/reactions", tag = "checkins", params(("id" = Uuid, Path, description = "check-in id")),
    request_body = ReactDto,
    responses((status = 200, body = Vec<ReactionDto>, description = "every reaction after the toggle"),
        (status = 403, description = "your own check-in"),
        (status = 404, description = "no such check-in, or not yours to read"),
        (status = 422, description = "not one of the four reactions")))]
async fn toggle_reaction(
    State(state): State<AppState>,
    me: Me,
    Id(id): Id,
    ApiJson(b): ApiJson<ReactDto>,
) -> Result<Json<Vec<ReactionDto>>, AppError> {
    let actor = me.actor();
    let Some(r) = Reaction::parse(&b.reaction) else {
        // Unknown reactions are refused only once the check-in is known to be readable.
        state.db.checkin(&actor, id).await?;
        return Err(invalid_t(me.l(), "reaction", "error-invalid_reaction"));
    };
    state.db.toggle_reaction(&actor, id, r).await?;
    let all = state.db.checkin_reactions(&actor, id).await?;
    Ok(Json(
        all.into_iter()
            .map(|r| ReactionDto {
                reaction: r.reaction.as_str().into(),
                emoji: r.reaction.emoji().into(),
                count: r.names.len(),
                names: r.names,
                mine: r.mine,
            })
            .collect(),
    ))
}

/// A goal's update from a check-in.
#[derive(Serialize, ToSchema)]
pub struct GoalCheckinDto {
    checkin_id: Uuid,
    person_id: Uuid,
    person_name: String,
    cycle_start: NaiveDate,
    cycle_end: NaiveDate,
    at: DateTime<Utc>,
    value: Option<i64>,
    progress_permille: Option<i64>,
    comment: Option<String>,
}

impl From<GoalCheckin> for GoalCheckinDto {
    fn from(g: GoalCheckin) -> Self {
        GoalCheckinDto {
            checkin_id: g.checkin_id,
            person_id: g.person_id,
            person_name: g.person_name,
            cycle_start: g.cycle_start,
            cycle_end: g.cycle_end,
            at: g.at,
            value: g.value,
            progress_permille: g.progress,
            comment: g.comment,
        }
    }
}

/// The check-in updates of a goal you may see (value, progress and comment; not the
/// check-ins' private parts), oldest first.
#[utoipa::path(get, path = "/api/v1/goals/{id}/checkins", tag = "goals", params(("id" = Uuid, Path, description = "goal id")),
    responses((status = 200, body = Vec<GoalCheckinDto>), (status = 404, description = "no such goal, or not yours to see")))]
async fn goal_checkins(
    State(state): State<AppState>,
    me: Me,
    Id(id): Id,
) -> Result<Json<Vec<GoalCheckinDto>>, AppError> {
    let list = state.db.goal_checkins(&me.actor(), id).await?;
    Ok(Json(list.into_iter().map(Into::into).collect()))
}
