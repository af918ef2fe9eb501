//! Contests: `/contests` (list), `/contests/new`, `/contests/{id}` (live leaderboard, refreshed
//! every 30 s; `?tv=1` for the team's big screen), and `/api/v1/contests`.

use crate::auth::me::Me;
use crate::shared::Id;
use crate::shared::Query;
use crate::shared::present::{format_value, metric_name};
use crate::shared::routes::{Routes, get};
use crate::{AppError, AppState, shared::ApiJson};
use askama::Template;
use axum::Json;
use axum::extract::{RawForm, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use chrono::NaiveDate;
use keel_db::contests::{Contest, ContestInput, Standing};
use keel_domain::metrics::{Kind, Metric};
use keel_domain::periods::{Period, PeriodKind};
use keel_domain::roles::Role;
use keel_i18n::Locale;
use keel_views::{
    BoardFragment, BoardLine, Choice, ContestFormPage, ContestItem, ContestPage, ContestTvPage,
    ContestsPage, Entrant,
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

pub fn routes() -> Routes {
    Routes::new()
        .route("/contests", get(list).post(create))
        .route("/contests/new", get(new_form))
        .route("/contests/{id}", get(show))
        .route("/contests/{id}/board", get(board_fragment))
}

pub fn api_routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(api_list, api_create))
        .routes(routes!(api_get))
}

fn state_of(c: &Contest, today: NaiveDate) -> &'static str {
    if today < c.starts {
        "upcoming"
    } else if today > c.ends {
        "finished"
    } else {
        "running"
    }
}

fn item(l: Locale, today: NaiveDate, c: &Contest) -> ContestItem {
    ContestItem {
        id: c.id.to_string(),
        name: c.name.clone(),
        metric: Metric::parse(&c.metric)
            .map(|m| metric_name(l, m))
            .unwrap_or_else(|| c.metric.clone()),
        period: format!("{} – {}", l.date(c.starts), l.date(c.ends)),
        prize: c.prize.clone().unwrap_or_default(),
        state: state_of(c, today),
        state_label: l.t(&format!("contest-state-{}", state_of(c, today))),
    }
}

/// The board to show: the recorded podium once closed, else the live standing (closing the
/// contest first when its period is over).
async fn standings(
    state: &AppState,
    c: &mut Contest,
    today: NaiveDate,
) -> Result<(Vec<Standing>, bool), AppError> {
    if state.db.close_contest_if_over(c, today).await? {
        *c = state.db.contest(c.id).await?;
    }
    if c.closed_at.is_some() {
        Ok((state.db.contest_winners(c.id).await?, true))
    } else {
        Ok((state.db.contest_board(c).await?, false))
    }
}

async fn board(state: &AppState, me: &Me, c: &mut Contest) -> Result<BoardFragment, AppError> {
    let l = me.l();
    let (rows, final_result) = standings(state, c, me.today()).await?;
    let metric = Metric::parse(&c.metric).ok_or(AppError::NotFound)?;
    let currency = state.db.org_currency().await?;
    let top = rows
        .iter()
        .filter_map(|s| s.value)
        .map(i64::abs)
        .max()
        .unwrap_or(0)
        .max(1);
    Ok(BoardFragment {
        chrome: me.ctx.chrome(),
        id: c.id.to_string(),
        lines: rows
            .iter()
            .map(|s| BoardLine {
                rank: s.rank,
                name: s.name.clone(),
                value: format_value(l, metric.unit(), s.value, &currency),
                bar: s
                    .value
                    .map(|v| (i128::from(v.abs()) * 100 / i128::from(top)) as i64)
                    .unwrap_or(0),
            })
            .collect(),
        final_result,
        updated: l.t_args(
            "contest-updated",
            &[("time", &me.time(keel_domain::time::now()))],
        ),
    })
}

fn may_create(me: &Me) -> bool {
    me.role != Role::Member
}

async fn list(State(state): State<AppState>, me: Me) -> Result<Html<String>, AppError> {
    let l = me.l();
    let contests = state.db.contests().await?;
    let page = ContestsPage {
        chrome: me.ctx.chrome(),
        contests: contests.iter().map(|c| item(l, me.today(), c)).collect(),
        can_create: may_create(&me),
    };
    Ok(Html(page.render()?))
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct TvQuery {
    tv: String,
}

async fn show(
    State(state): State<AppState>,
    me: Me,
    Id(id): Id,
    Query(q): Query<TvQuery>,
) -> Result<Html<String>, AppError> {
    let mut c = state.db.contest(id).await?;
    let board = board(&state, &me, &mut c).await?.render()?;
    let item = item(me.l(), me.today(), &c);
    let html = if q.tv == "1" {
        ContestTvPage {
            chrome: me.ctx.chrome(),
            item,
            board,
        }
        .render()?
    } else {
        ContestPage {
            chrome: me.ctx.chrome(),
            item,
            board,
        }
        .render()?
    };
    Ok(Html(html))
}

async fn board_fragment(
    State(state): State<AppState>,
    me: Me,
    Id(id): Id,
) -> Result<Html<String>, AppError> {
    let mut c = state.db.contest(id).await?;
    Ok(Html(board(&state, &me, &mut c).await?.render()?))
}

/// The people and teams this person may enter: their line's, or everyone's.
async fn entrants(
    state: &AppState,
    me: &Me,
) -> Result<(Vec<(Uuid, String)>, Vec<(Uuid, String)>), AppError> {
    let actor = me.actor();
    let line = state.db.reporting_line(actor.id).await?;
    let all = actor.sees_everything();
    let people = state
        .db
        .everyone(&actor)
        .await?
        .into_iter()
        .filter(|p| all || line.contains(&p.id))
        .map(|p| (p.id, p.name))
        .collect();
    let teams = state
        .db
        .teams()
        .await?
        .into_iter()
        .filter(|t| all || t.lead_id.is_some_and(|l| line.contains(&l)))
        .map(|t| (t.id, t.name))
        .collect();
    Ok((people, teams))
}

fn flow_metrics(l: Locale, current: &str) -> Vec<Choice> {
    Choice::pick(
        Metric::ALL
            .into_iter()
            .filter(|m| m.kind() == Kind::Flow)
            .map(|m| (m.key().to_owned(), metric_name(l, m))),
        current,
    )
}

struct Draft {
    name: String,
    metric: String,
    starts: String,
    ends: String,
    prize: String,
    people: Vec<String>,
    teams: Vec<String>,
}

async fn render_form(
    state: &AppState,
    me: &Me,
    d: &Draft,
    error: Option<String>,
) -> Result<Response, AppError> {
    let l = me.l();
    let (people, teams) = entrants(state, me).await?;
    let entrant = |(id, name): (Uuid, String), chosen: &[String]| Entrant {
        checked: chosen.contains(&id.to_string()),
        value: id.to_string(),
        label: name,
    };
    let page = ContestFormPage {
        chrome: me.ctx.chrome(),
        name: d.name.clone(),
        metric_options: flow_metrics(l, &d.metric),
        starts: d.starts.clone(),
        ends: d.ends.clone(),
        prize: d.prize.clone(),
        people: people.into_iter().map(|p| entrant(p, &d.people)).collect(),
        teams: teams.into_iter().map(|t| entrant(t, &d.teams)).collect(),
        error,
    };
    let status = if page.error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    Ok((status, Html(page.render()?)).into_response())
}

async fn new_form(State(state): State<AppState>, me: Me) -> Result<Response, AppError> {
    if !may_create(&me) {
        return Err(AppError::Forbidden);
    }
    let month = Period::containing(PeriodKind::Month, me.today()).expect("months exist");
    let d = Draft {
        name: String::new(),
        metric: Metric::Visits.key().into(),
        starts: month.start.to_string(),
        ends: month.end.to_string(),
        prize: String::new(),
        people: Vec::new(),
        teams: Vec::new(),
    };
    render_form(&state, &me, &d, None).await
}

/// Reads the draft from a form where `person` and `team` repeat.
fn draft(body: &[u8]) -> Draft {
    let mut d = Draft {
        name: String::new(),
        metric: String::new(),
        starts: String::new(),
        ends: String::new(),
        prize: String::new(),
        people: Vec::new(),
        teams: Vec::new(),
    };
    for (k, v) in form_urlencoded::parse(body) {
        let v = v.into_owned();
        match &*k {
            "name" => d.name = v,
            "metric" => d.metric = v,
            "starts" => d.starts = v,
            "ends" => d.ends = v,
            "prize" => d.prize = v,
            "person" => d.people.push(v),
            "team" => d.teams.push(v),
            _ => {}
        }
    }
    d
}

/// Checks a draft; the error is a localized sentence for the form or the API.
fn input_of(l: Locale, d: &Draft) -> Result<ContestInput, (&'static str, String)> {
    if d.name.trim().is_empty() || d.name.chars().count() > 200 {
        return Err(("name", l.t("contest-bad-name")));
    }
    let metric = Metric::parse(&d.metric)
        .filter(|m| m.kind() == Kind::Flow)
        .ok_or(("metric", l.t("error-contest_metric")))?;
    let date = |s: &str| crate::shared::params::date(s);
    let (Some(starts), Some(ends)) = (date(&d.starts), date(&d.ends)) else {
        return Err(("ends", l.t("error-contest_period")));
    };
    let ids =
        |v: &[String]| -> Option<Vec<Uuid>> { v.iter().map(|s| Uuid::parse_str(s).ok()).collect() };
    let (Some(people), Some(teams)) = (ids(&d.people), ids(&d.teams)) else {
        return Err(("person", l.t("error-contest_participants")));
    };
    Ok(ContestInput {
        name: d.name.trim().to_owned(),
        metric,
        starts,
        ends,
        prize: Some(d.prize.clone()),
        people,
        teams,
    })
}

fn refusal(l: Locale, e: keel_db::DbError) -> Result<String, AppError> {
    match e {
        keel_db::DbError::Conflict(code) => Ok(l.t(&format!("error-{code}"))),
        e => Err(e.into()),
    }
}

async fn create(
    State(state): State<AppState>,
    me: Me,
    RawForm(body): RawForm,
) -> Result<Response, AppError> {
    if !may_create(&me) {
        return Err(AppError::Forbidden);
    }
    let l = me.l();
    crate::shared::extract::reject_nul(l, &body)?;
    let d = draft(&body);
    let input = match input_of(l, &d) {
        Ok(i) => i,
        Err((_, msg)) => return render_form(&state, &me, &d, Some(msg)).await,
    };
    match state.db.create_contest(&me.actor(), &input).await {
        Ok(id) => Ok(Redirect::to(&format!("/contests/{id}")).into_response()),
        Err(e) => {
            let msg = refusal(l, e)?;
            render_form(&state, &me, &d, Some(msg)).await
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct ContestDto {
    id: Uuid,
    name: String,
    metric: String,
    starts: NaiveDate,
    ends: NaiveDate,
    prize: Option<String>,
    /// `upcoming`, `running` or `finished`.
    state: String,
    created_by: Uuid,
}

impl ContestDto {
    /// A contest as the API shows it, its state as of the organisation's `today`.
    fn of(c: &Contest, today: NaiveDate) -> Self {
        ContestDto {
            id: c.id,
            name: c.name.clone(),
            metric: c.metric.clone(),
            starts: c.starts,
            ends: c.ends,
            prize: c.prize.clone(),
            state: state_of(c, today).into(),
            created_by: c.created_by,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct StandingDto {
    rank: usize,
    person_id: Option<Uuid>,
    team_id: Option<Uuid>,
    name: String,
    /// In the metric's unit (see `/api/v1/metrics`).
    value: Option<i64>,
}

#[derive(Serialize, ToSchema)]
pub struct BoardDto {
    contest: ContestDto,
    /// True once the period is over: the recorded podium.
    final_result: bool,
    standings: Vec<StandingDto>,
}

/// Every contest, newest first.
#[utoipa::path(get, path = "/api/v1/contests", tag = "contests", responses((status = 200, body = Vec<ContestDto>)))]
async fn api_list(
    State(state): State<AppState>,
    me: Me,
) -> Result<Json<Vec<ContestDto>>, AppError> {
    Ok(Json(
        state
            .db
            .contests()
            .await?
            .iter()
            .map(|c| ContestDto::of(c, me.today()))
            .collect(),
    ))
}

#[derive(Deserialize, ToSchema)]
pub struct NewContestDto {
    name: String,
    /// A flow metric key from `/api/v1/metrics`.
    metric: String,
    #[serde(deserialize_with = "crate::shared::params::bounded::date")]
    starts: NaiveDate,
    #[serde(deserialize_with = "crate::shared::params::bounded::date")]
    ends: NaiveDate,
    prize: Option<String>,
    #[serde(default)]
    people: Vec<Uuid>,
    #[serde(default)]
    teams: Vec<Uuid>,
}

/// Starts a contest (managers for their own line, directors, admins).
#[utoipa::path(post, path = "/api/v1/contests", tag = "contests", request_body = NewContestDto,
    responses((status = 201, body = ContestDto), (status = 403, description = "members, or participants outside your line"),
        (status = 409, description = "a rule of contests: two participants, a flow metric, a period of at most a year")))]
async fn api_create(
    State(state): State<AppState>,
    me: Me,
    ApiJson(b): ApiJson<NewContestDto>,
) -> Result<(StatusCode, Json<ContestDto>), AppError> {
    if !may_create(&me) {
        return Err(AppError::Forbidden);
    }
    let l = me.l();
    let metric = Metric::parse(&b.metric)
        .filter(|m| m.kind() == Kind::Flow)
        .ok_or_else(|| AppError::Invalid(vec![("metric".into(), l.t("error-contest_metric"))]))?;
    let input = ContestInput {
        name: b.name,
        metric,
        starts: b.starts,
        ends: b.ends,
        prize: b.prize,
        people: b.people,
        teams: b.teams,
    };
    let id = state.db.create_contest(&me.actor(), &input).await?;
    let c = state.db.contest(id).await?;
    Ok((StatusCode::CREATED, Json(ContestDto::of(&c, me.today()))))
}

/// A contest and its leaderboard.
#[utoipa::path(get, path = "/api/v1/contests/{id}", tag = "contests",
    params(("id" = Uuid, Path, description = "contest id")),
    responses((status = 200, body = BoardDto), (status = 404, description = "no such contest")))]
async fn api_get(
    State(state): State<AppState>,
    me: Me,
    Id(id): Id,
) -> Result<Json<BoardDto>, AppError> {
    let mut c = state.db.contest(id).await?;
    let (rows, final_result) = standings(&state, &mut c, me.today()).await?;
    Ok(Json(BoardDto {
        contest: ContestDto::of(&c, me.today()),
        final_result,
        standings: rows
            .into_iter()
            .map(|s| StandingDto {
                rank: s.rank,
                person_id: s.person_id,
                team_id: s.team_id,
                name: s.name,
                value: s.value,
            })
            .collect(),
    }))
}
