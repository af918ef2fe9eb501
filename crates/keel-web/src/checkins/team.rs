//! A team's check-in cycle: who has checked in, who has not, open follow-ups, earlier
//! cycles, and the team's schedule for those who may set it.

use super::pages::flag_view;
use super::{cycle_text, mood_text};
use crate::auth::me::Me;
use crate::shared::Form;
use crate::shared::Query;
use crate::shared::params::parse_id;
use crate::{AppError, AppState};
use askama::Template;
use axum::extract::State;
use axum::response::{Html, IntoResponse, Redirect, Response};
use chrono::NaiveDate;
use keel_domain::checkins::{Cadence, Schedule};
use keel_views::{Choice, MemberRow, ScheduleForm, TeamCheckinsPage};
use serde::Deserialize;
use uuid::Uuid;

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct TeamQuery {
    team: String,
    /// Any day of the cycle to show; today's cycle by default.
    cycle: String,
    saved: Option<String>,
}

pub async fn page(
    State(state): State<AppState>,
    me: Me,
    Query(q): Query<TeamQuery>,
) -> Result<Html<String>, AppError> {
    let l = me.l();
    let actor = me.actor();
    let mine = state.db.checkin_teams(&actor).await?;
    let team_id = match q.team.trim() {
        "" => mine.first().map(|t| t.id),
        t => Some(parse_id(t)?),
    };
    let notice = q.saved.map(|_| l.t("notice-saved"));
    let Some(team_id) = team_id else {
        let page = TeamCheckinsPage {
            teams: Vec::new(),
            team_name: String::new(),
            cycle: String::new(),
            summary: String::new(),
            prev_href: String::new(),
            next_href: None,
            members: Vec::new(),
            flags: Vec::new(),
            schedule: String::new(),
            schedule_form: None,
            notice,
            empty: true,
            chrome: me.ctx.chrome(),
        };
        return Ok(Html(page.render()?));
    };
    let all = state.db.teams().await?;
    let team = all
        .iter()
        .find(|t| t.id == team_id)
        .ok_or(AppError::NotFound)?;
    if !state.db.may_view_team_checkins(&actor, team_id).await? {
        return Err(AppError::Forbidden);
    }
    let day = me.today();
    let shown_day = match q.cycle.trim() {
        "" => day,
        c => crate::shared::params::date(c).ok_or_else(|| {
            crate::shared::invalid("cycle", crate::shared::params::date_message(l))
        })?,
    };
    let schedule = state.db.checkin_schedule(Some(team_id)).await?;
    let cycle = schedule.cycle(shown_day.min(day));
    let members = state.db.team_checkins(&actor, team_id, &cycle).await?;
    let people: Vec<Uuid> = members.iter().map(|m| m.person_id).collect();
    let flags = state.db.open_flags(&actor, &people).await?;
    let submitted = members.iter().filter(|m| m.submitted.is_some()).count();
    let href = |d: NaiveDate| format!("/checkins/team?team={team_id}&cycle={d}");
    let rows = members
        .iter()
        .map(|m| {
            let s = m.submitted.as_ref();
            MemberRow {
                name: m.name.clone(),
                href: s.and_then(|s| s.id).map(|id| format!("/checkins/{id}")),
                status: s.map_or_else(|| l.t("checkin-not-yet"), |s| me.time(s.submitted_at)),
                submitted: s.is_some(),
                overdue: s.is_none() && cycle.overdue(day),
                confidence: s
                    .and_then(|s| s.confidence)
                    .map(|c| c.to_string())
                    .unwrap_or_default(),
                mood: s
                    .and_then(|s| s.mood)
                    .map(|m| mood_text(l, m))
                    .unwrap_or_default(),
                reviewed: s.is_some_and(|s| s.reviewed),
            }
        })
        .collect();
    let schedule_form = state
        .db
        .may_set_schedule(&actor, team_id)
        .await?
        .then(|| ScheduleForm {
            team: team_id.to_string(),
            cadence: Choice::pick(
                Cadence::ALL.map(|c| {
                    (
                        c.as_str().to_owned(),
                        l.t(&format!("checkin-cadence-{}", c.as_str())),
                    )
                }),
                schedule.cadence.as_str(),
            ),
            weekday: Choice::pick(
                (1..=7).map(|d| (d.to_string(), l.t(&format!("checkin-weekday-{d}")))),
                &schedule.due_weekday.to_string(),
            ),
        });
    let page = TeamCheckinsPage {
        teams: Choice::pick(
            mine.iter().map(|t| (t.id.to_string(), t.name.clone())),
            &team_id.to_string(),
        ),
        team_name: team.name.clone(),
        cycle: cycle_text(l, &cycle),
        summary: l.t_args(
            "checkin-summary",
            &[
                ("in", &submitted.to_string()),
                ("total", &members.len().to_string()),
            ],
        ),
        prev_href: href(schedule.previous(&cycle).start),
        next_href: (cycle.end < day).then(|| href(schedule.next(&cycle).start)),
        members: rows,
        flags: flags
            .iter()
            .map(|f| flag_view(l, me.ctx.shown, f, actor.id))
            .collect(),
        schedule: l.t_args(
            "checkin-schedule-text",
            &[
                (
                    "cadence",
                    &l.t(&format!("checkin-cadence-{}", schedule.cadence.as_str())),
                ),
                (
                    "weekday",
                    &l.t(&format!("checkin-weekday-{}", schedule.due_weekday)),
                ),
            ],
        ),
        schedule_form,
        notice,
        empty: false,
        chrome: me.ctx.chrome(),
    };
    Ok(Html(page.render()?))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ScheduleInput {
    team: String,
    cadence: String,
    weekday: String,
}

pub async fn settings(
    State(state): State<AppState>,
    me: Me,
    Form(f): Form<ScheduleInput>,
) -> Result<Response, AppError> {
    let l = me.l();
    let team = parse_id(f.team.trim())?;
    let cadence = Cadence::parse(&f.cadence)
        .ok_or_else(|| AppError::Invalid(vec![("cadence".into(), l.t("error-invalid_input"))]))?;
    let weekday = f
        .weekday
        .trim()
        .parse::<u8>()
        .ok()
        .filter(|d| (1..=7).contains(d))
        .ok_or_else(|| AppError::Invalid(vec![("weekday".into(), l.t("error-invalid_input"))]))?;
    if !state.db.teams().await?.iter().any(|t| t.id == team) {
        return Err(AppError::NotFound);
    }
    state
        .db
        .set_checkin_schedule(&me.actor(), team, Schedule::new(cadence, weekday))
        .await?;
    Ok(Redirect::to(&format!("/checkins/team?team={team}&saved=1")).into_response())
}
