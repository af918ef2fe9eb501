//! The HTML pages of goals.

use super::form::{self, GoalForm};
use super::{owner_label, row, smart, status_chip};
use crate::auth::me::Me;
use crate::shared::Form;
use crate::shared::Id;
use crate::shared::Query;
use crate::shared::params::parse_value;
use crate::shared::present::{measure_label, progress_text, unit_hint, value_text};
use crate::{AppError, AppState};
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use chrono::Datelike;
use keel_db::DbError;
use keel_db::goal_progress::Standing;
use keel_db::goals::{Goal, GoalQuery, Measure, Owner, Rule};
use keel_domain::goals::Status;
use keel_domain::roles::Role;
use keel_i18n::Locale;
use keel_views::charts::{Point, line};
use keel_views::{
    Choice, GoalChangeView, GoalPage, GoalPointView, GoalRow, GoalTreePage, GoalView, MyGoalsPage,
    SmartFragment,
};
use serde::Deserialize;
use std::collections::{HashMap, HashSet};
use uuid::Uuid;

async fn standings(
    state: &AppState,
    me: &Me,
    goals: &[Goal],
) -> Result<HashMap<Uuid, Standing>, AppError> {
    let ids: Vec<Uuid> = goals.iter().map(|g| g.id).collect();
    Ok(state.db.goal_standings(&ids, me.today()).await?)
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct Notice {
    saved: Option<String>,
}

pub async fn mine(
    State(state): State<AppState>,
    me: Me,
    Query(q): Query<Notice>,
) -> Result<Html<String>, AppError> {
    let l = me.l();
    let actor = me.actor();
    let goals = state.db.goals(&actor, &GoalQuery::default()).await?;
    let led: HashSet<Uuid> = state
        .db
        .teams()
        .await?
        .into_iter()
        .filter(|t| t.lead_id == Some(actor.id))
        .map(|t| t.id)
        .collect();
    let is_mine = |g: &Goal| match g.input.owner {
        Owner::Person(p) => p == actor.id,
        Owner::Team(t) => led.contains(&t),
        Owner::Org => false,
    };
    let (own, rest): (Vec<Goal>, Vec<Goal>) = goals.into_iter().partition(|g| is_mine(g));
    let contributing: Vec<Goal> = rest
        .into_iter()
        .filter(|g| g.input.contributors.contains(&actor.id))
        .collect();
    let all: Vec<Goal> = own.iter().chain(&contributing).cloned().collect();
    let s = standings(&state, &me, &all).await?;
    let page = MyGoalsPage {
        own: own.iter().map(|g| row(l, g, s.get(&g.id), 0)).collect(),
        contributing: contributing
            .iter()
            .map(|g| row(l, g, s.get(&g.id), 0))
            .collect(),
        smart_setting: if actor.role == Role::Admin {
            Some(state.db.smart_required().await?)
        } else {
            None
        },
        notice: q.saved.map(|_| l.t("notice-saved")),
        chrome: me.ctx.chrome(),
    };
    Ok(Html(page.render()?))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct TreeQuery {
    scope: String,
}

/// The goals of a scope as an indented tree: each goal under its parent when the parent is
/// shown too, otherwise at the top.
pub async fn tree(
    State(state): State<AppState>,
    me: Me,
    Query(q): Query<TreeQuery>,
) -> Result<Html<String>, AppError> {
    let l = me.l();
    let actor = me.actor();
    let scope = if q.scope.trim().is_empty() {
        Owner::Org
    } else {
        Owner::parse(&q.scope)
            .ok_or_else(|| AppError::Invalid(vec![("scope".into(), l.t("kpi-unknown-scope"))]))?
    };
    let goals = state.db.goals(&actor, &GoalQuery::default()).await?;
    let in_scope: Vec<Goal> = match scope {
        Owner::Org => goals,
        Owner::Team(t) => {
            let people = state
                .db
                .scope_people(keel_db::rollups::Scope::Team(t))
                .await?
                .unwrap_or_default();
            goals
                .into_iter()
                .filter(|g| match g.input.owner {
                    Owner::Team(x) => x == t,
                    Owner::Person(p) => people.contains(&p),
                    Owner::Org => false,
                })
                .collect()
        }
        Owner::Person(p) => {
            // The person's goals and everything aligned below them.
            let mut keep: HashSet<Uuid> = goals
                .iter()
                .filter(|g| g.input.owner == Owner::Person(p))
                .map(|g| g.id)
                .collect();
            loop {
                let more: Vec<Uuid> = goals
                    .iter()
                    .filter(|g| !keep.contains(&g.id))
                    .filter(|g| g.input.parent_id.is_some_and(|x| keep.contains(&x)))
                    .map(|g| g.id)
                    .collect();
                if more.is_empty() {
                    break;
                }
                keep.extend(more);
            }
            goals.into_iter().filter(|g| keep.contains(&g.id)).collect()
        }
    };
    let s = standings(&state, &me, &in_scope).await?;
    let ids: HashSet<Uuid> = in_scope.iter().map(|g| g.id).collect();
    let mut rows: Vec<GoalRow> = Vec::new();
    let roots: Vec<&Goal> = in_scope
        .iter()
        .filter(|g| g.input.parent_id.is_none_or(|p| !ids.contains(&p)))
        .collect();
    let mut stack: Vec<(&Goal, usize)> = roots.into_iter().rev().map(|g| (g, 0)).collect();
    let mut shown: HashSet<Uuid> = HashSet::new();
    while let Some((g, depth)) = stack.pop() {
        if !shown.insert(g.id) {
            continue;
        }
        rows.push(row(l, g, s.get(&g.id), depth));
        let mut kids: Vec<&Goal> = in_scope
            .iter()
            .filter(|c| c.input.parent_id == Some(g.id))
            .collect();
        kids.sort_by(|a, b| a.input.title.cmp(&b.input.title));
        stack.extend(kids.into_iter().rev().map(|c| (c, depth + 1)));
    }
    let mut options = vec![(Owner::Org.text(), l.t("goal-owner-org"))];
    for t in state.db.teams().await? {
        options.push((
            Owner::Team(t.id).text(),
            l.t_args("goal-owner-team", &[("name", &t.name)]),
        ));
    }
    for (id, name) in crate::shared::present::assignable(&state, &me).await? {
        options.push((Owner::Person(id).text(), name));
    }
    let page = GoalTreePage {
        scope_options: Choice::pick(options, &scope.text()),
        rows,
        chrome: me.ctx.chrome(),
    };
    Ok(Html(page.render()?))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ShowQuery {
    saved: Option<String>,
    error: Option<String>,
}

fn change_field(l: Locale, field: &str) -> String {
    l.t(&format!("goal-field-{field}"))
}

pub async fn show(
    State(state): State<AppState>,
    me: Me,
    Id(id): Id,
    Query(q): Query<ShowQuery>,
) -> Result<Html<String>, AppError> {
    let l = me.l();
    let actor = me.actor();
    let g = state.db.goal(&actor, id).await?;
    let children: Vec<Goal> = state
        .db
        .goals(&actor, &GoalQuery::default())
        .await?
        .into_iter()
        .filter(|c| c.input.parent_id == Some(id))
        .collect();
    let mut all = children.clone();
    all.push(g.clone());
    let s = standings(&state, &me, &all).await?;
    let me_standing = s.get(&id).cloned();
    // Measured goals keep one point a day, taken when someone looks (no background jobs).
    if let Some(st) = &me_standing
        && (!g.input.measure.is_manual() || g.input.rule == Rule::Children)
    {
        state
            .db
            .snapshot_goal(id, me.today(), st.current, st.progress)
            .await?;
    }
    let can_edit = state.db.may_manage_goal(&actor, g.input.owner).await?;
    let currency = me_standing
        .as_ref()
        .map(|s| s.currency.clone())
        .unwrap_or_default();
    let currency = if currency.is_empty() {
        state.db.org_currency().await?
    } else {
        currency
    };
    let m = g.input.measure;
    let updates = state.db.goal_updates(&actor, id).await?;
    let from_checkins = checkin_links(&state, &me, &g).await?;
    let point = |u: &keel_db::goals::GoalUpdate| GoalPointView {
        day: l.date(u.day),
        value: value_text(l, m, u.value, &currency),
        progress: progress_text(l, u.progress),
        who: u
            .person_name
            .clone()
            .unwrap_or_else(|| l.t("goal-measured")),
        comment: u.comment.clone().unwrap_or_default(),
        checkin_href: from_checkins.get(&u.id).map(|c| format!("/checkins/{c}")),
    };
    let points: Vec<GoalPointView> = updates.iter().map(point).collect();
    let checkin_notes: Vec<GoalPointView> = updates
        .iter()
        .rev()
        .filter(|u| u.source == "checkin" && u.comment.is_some())
        .map(point)
        .collect();
    let chart_points: Vec<Point> = updates
        .iter()
        .filter_map(|u| {
            Some(Point {
                x: i64::from(u.day.num_days_from_ce()),
                label: format!("{:02}-{:02}", u.day.month(), u.day.day()),
                value: u.progress?,
                // A check-in's comment travels with its point, so the chart tells its story.
                shown: match (u.source.as_str(), &u.comment) {
                    ("checkin", Some(c)) => format!("{} · {c}", progress_text(l, u.progress)),
                    _ => progress_text(l, u.progress),
                },
            })
        })
        .collect();
    let chart = if chart_points.is_empty() {
        String::new()
    } else {
        line(
            &l.t_args("goal-chart-title", &[("title", &g.input.title)]),
            &chart_points,
            1000,
        )
    };
    let names = people_and_teams(&state, &me).await?;
    let changes = state
        .db
        .goal_changes(&actor, id)
        .await?
        .into_iter()
        .map(|c| {
            let shown = |v: &str| change_value(l, &c.field, v, m, &currency, &names);
            GoalChangeView {
                at: me.time(c.at),
                who: c.person_name.clone().unwrap_or_default(),
                field: change_field(l, &c.field),
                old: shown(&c.old_value),
                new: shown(&c.new_value),
                reason: c.reason.clone().unwrap_or_default(),
            }
        })
        .collect();
    let status_now = me_standing.as_ref().and_then(|s| s.status);
    let override_note = g.status_override.as_ref().map(|o| {
        l.t_args(
            "goal-override-note",
            &[
                ("name", &o.by_name),
                ("at", &me.time(o.at)),
                ("reason", &o.reason),
            ],
        )
    });
    let view = GoalView {
        id: g.id.to_string(),
        title: g.input.title.clone(),
        description: g.input.description.clone(),
        owner: owner_label(l, &g),
        parent: g
            .input
            .parent_id
            .zip(g.parent_title.clone())
            .map(|(p, t)| (p.to_string(), t)),
        measure: measure_label(l, m),
        direction: l.t(&format!("goal-direction-{}", g.input.direction.as_str())),
        start: value_text(l, m, Some(g.input.start), &currency),
        current: value_text(
            l,
            m,
            me_standing.as_ref().and_then(|s| s.current),
            &currency,
        ),
        target: value_text(l, m, Some(g.input.target), &currency),
        bar: me_standing
            .as_ref()
            .and_then(|s| s.progress)
            .map_or(0, |p| (p / 10).clamp(0, 100)),
        progress: progress_text(l, me_standing.as_ref().and_then(|s| s.progress)),
        status: status_now.map(|s| status_chip(l, s)),
        paced: g
            .status_override
            .as_ref()
            .and(me_standing.as_ref().and_then(|s| s.paced))
            .map(|s| status_chip(l, s)),
        override_note,
        period: g.input.period.label(),
        due: l.date(g.input.due),
        visibility: l.t(&format!("goal-visibility-{}", g.input.visibility.as_str())),
        weight: g.input.weight.to_string(),
        rule: l.t(&format!("goal-rule-{}", g.input.rule.as_str())),
        contributors: g
            .contributor_names
            .iter()
            .map(|(_, n)| n.as_str())
            .collect::<Vec<_>>()
            .join(", "),
    };
    let page = GoalPage {
        children: children
            .iter()
            .map(|c| row(l, c, s.get(&c.id), 0))
            .collect(),
        value_hint: m.is_manual().then(|| unit_hint(l, m, &currency)),
        done_choices: if m == Measure::Done {
            let done = me_standing.as_ref().and_then(|s| s.current) == Some(1);
            Choice::pick(
                [
                    ("1".to_owned(), l.t("goal-done-yes")),
                    ("0".to_owned(), l.t("goal-done-no")),
                ],
                if done { "0" } else { "1" },
            )
        } else {
            Vec::new()
        },
        status_options: Choice::pick(
            Status::ALL.map(|s| (s.as_str().to_owned(), l.t(s.i18n_key()))),
            g.status_override
                .as_ref()
                .map(|o| o.status.as_str())
                .unwrap_or(""),
        ),
        has_override: g.status_override.is_some(),
        notice: q.saved.map(|_| l.t("notice-saved")),
        error: q
            .error
            .filter(|e| e.bytes().all(|b| b.is_ascii_lowercase() || b == b'_'))
            .map(|e| l.t(&format!("error-{e}"))),
        chart,
        points,
        checkin_notes,
        changes,
        can_edit,
        g: view,
        chrome: me.ctx.chrome(),
    };
    Ok(Html(page.render()?))
}

/// The check-ins behind the goal's progress points that the reader may open, by point.
async fn checkin_links(
    state: &AppState,
    me: &Me,
    g: &Goal,
) -> Result<HashMap<Uuid, Uuid>, AppError> {
    let Owner::Person(owner) = g.input.owner else {
        return Ok(HashMap::new());
    };
    let readable: HashSet<Uuid> = state
        .db
        .checkins(
            &me.actor(),
            &keel_db::checkins::CheckinQuery {
                person: Some(owner),
                day: None,
            },
        )
        .await?
        .into_iter()
        .map(|c| c.id)
        .collect();
    Ok(state
        .db
        .checkin_points(g.id)
        .await?
        .into_iter()
        .filter(|(_, c)| readable.contains(c))
        .collect())
}

/// Names of people and teams by id, for the adjustment history.
async fn people_and_teams(state: &AppState, me: &Me) -> Result<HashMap<Uuid, String>, AppError> {
    let mut names: HashMap<Uuid, String> = state
        .db
        .everyone(&me.actor())
        .await?
        .into_iter()
        .map(|p| (p.id, p.name))
        .collect();
    for t in state.db.teams().await? {
        names.insert(t.id, t.name);
    }
    Ok(names)
}

/// A stored old or new value of an adjustment, as the reader sees it.
fn change_value(
    l: Locale,
    field: &str,
    v: &str,
    m: Measure,
    currency: &str,
    names: &HashMap<Uuid, String>,
) -> String {
    let name = |s: &str| {
        Uuid::parse_str(s)
            .ok()
            .and_then(|id| names.get(&id).cloned())
            .unwrap_or_else(|| s.to_owned())
    };
    match field {
        "start" | "target" => v
            .parse::<i64>()
            .map(|n| value_text(l, m, Some(n), currency))
            .unwrap_or_else(|_| v.to_owned()),
        "owner" => match Owner::parse(v) {
            Some(Owner::Org) => l.t("goal-owner-org"),
            Some(Owner::Person(id) | Owner::Team(id)) => name(&id.to_string()),
            None => v.to_owned(),
        },
        "contributors" => v
            .split(',')
            .filter(|s| !s.is_empty())
            .map(name)
            .collect::<Vec<_>>()
            .join(", "),
        "status" if !v.is_empty() => Status::parse(v)
            .map(|s| l.t(s.i18n_key()))
            .unwrap_or_else(|| v.to_owned()),
        "direction" | "rule" | "visibility" if !v.is_empty() => l.t(&format!("goal-{field}-{v}")),
        "measure" => Measure::parse(v)
            .map(|m| measure_label(l, m))
            .unwrap_or_else(|| v.to_owned()),
        _ => v.to_owned(),
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct NewQuery {
    owner: String,
    parent: String,
}

pub async fn new_form(
    State(state): State<AppState>,
    me: Me,
    Query(q): Query<NewQuery>,
) -> Result<Response, AppError> {
    let owner = Owner::parse(&q.owner).unwrap_or(Owner::Person(me.user.person_id));
    let mut f = GoalForm::blank(owner, me.today());
    f.parent_id = q.parent;
    form::render(&state, &me, &f, Vec::new(), None, None, StatusCode::OK).await
}

/// Refuses, when the organisation requires SMART goals, a goal with a failing letter.
async fn smart_refusal(
    state: &AppState,
    me: &Me,
    input: &keel_db::goals::GoalInput,
) -> Result<Vec<(&'static str, String)>, AppError> {
    if !state.db.smart_required().await? {
        return Ok(Vec::new());
    }
    let report = smart::check(state, &me.actor(), smart::basis_of_input(input)).await?;
    if report.passes(true) {
        return Ok(Vec::new());
    }
    let currency = state.db.org_currency().await?;
    Ok(smart::failures(
        me.l(),
        &report,
        Some(input.measure),
        &currency,
    ))
}

pub async fn create(
    State(state): State<AppState>,
    me: Me,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let f = GoalForm::from_pairs(pairs);
    let bad = StatusCode::UNPROCESSABLE_ENTITY;
    let input = match form::validate(me.l(), &f) {
        Ok(i) => i,
        Err(e) => return form::render(&state, &me, &f, e, None, None, bad).await,
    };
    // Setting goals for someone outside your line is refused before anything else.
    if !state.db.may_manage_goal(&me.actor(), input.owner).await? {
        return Err(AppError::Forbidden);
    }
    let refused = smart_refusal(&state, &me, &input).await?;
    if !refused.is_empty() {
        return form::render(&state, &me, &f, refused, None, None, bad).await;
    }
    match state.db.create_goal(&me.actor(), &input).await {
        Ok(id) => Ok(Redirect::to(&format!("/goals/{id}?saved=1")).into_response()),
        Err(DbError::Conflict(code)) => {
            let e = vec![(
                form::field_of_conflict(code),
                me.l().t(&format!("error-{code}")),
            )];
            form::render(&state, &me, &f, e, None, None, bad).await
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn edit_form(
    State(state): State<AppState>,
    me: Me,
    Id(id): Id,
) -> Result<Response, AppError> {
    let g = state.db.goal(&me.actor(), id).await?;
    if !state.db.may_manage_goal(&me.actor(), g.input.owner).await? {
        return Err(AppError::Forbidden);
    }
    let f = GoalForm::of_goal(&g);
    form::render(&state, &me, &f, Vec::new(), None, Some(id), StatusCode::OK).await
}

pub async fn update(
    State(state): State<AppState>,
    me: Me,
    Id(id): Id,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let g = state.db.goal(&me.actor(), id).await?;
    if !state.db.may_manage_goal(&me.actor(), g.input.owner).await? {
        return Err(AppError::Forbidden);
    }
    let f = GoalForm::from_pairs(pairs);
    let bad = StatusCode::UNPROCESSABLE_ENTITY;
    let input = match form::validate(me.l(), &f) {
        Ok(i) => i,
        Err(e) => return form::render(&state, &me, &f, e, None, Some(id), bad).await,
    };
    let refused = smart_refusal(&state, &me, &input).await?;
    if !refused.is_empty() {
        return form::render(&state, &me, &f, refused, None, Some(id), bad).await;
    }
    match state
        .db
        .update_goal(&me.actor(), id, &input, Some(&f.reason))
        .await
    {
        Ok(()) => Ok(Redirect::to(&format!("/goals/{id}?saved=1")).into_response()),
        Err(DbError::Conflict(code)) => {
            let e = vec![(
                form::field_of_conflict(code),
                me.l().t(&format!("error-{code}")),
            )];
            form::render(&state, &me, &f, e, None, Some(id), bad).await
        }
        Err(e) => Err(e.into()),
    }
}

/// The SMART panel for the form as it stands, for htmx to swap in beside it.
pub async fn smart_panel(
    State(state): State<AppState>,
    me: Me,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Html<String>, AppError> {
    let f = GoalForm::from_pairs(pairs);
    let basis = smart::basis_of_form(&f);
    let measure = basis.measure;
    let report = smart::check(&state, &me.actor(), basis).await?;
    let required = state.db.smart_required().await?;
    let currency = state.db.org_currency().await?;
    let fragment = SmartFragment {
        smart: smart::panel(me.l(), &report, required, measure, &currency),
    };
    Ok(Html(fragment.render()?))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ValueForm {
    value: String,
    comment: String,
}

pub async fn record_value(
    State(state): State<AppState>,
    me: Me,
    Id(id): Id,
    Form(f): Form<ValueForm>,
) -> Result<Response, AppError> {
    let g = state.db.goal(&me.actor(), id).await?;
    let Some(value) = parse_value(g.input.measure.unit(), &f.value) else {
        return Ok(Redirect::to(&format!("/goals/{id}?error=invalid_value")).into_response());
    };
    match state
        .db
        .record_goal_value(&me.actor(), id, value, Some(&f.comment))
        .await
    {
        Ok(()) => Ok(Redirect::to(&format!("/goals/{id}?saved=1")).into_response()),
        Err(DbError::Conflict(code)) => {
            Ok(Redirect::to(&format!("/goals/{id}?error={code}")).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct StatusForm {
    status: String,
    reason: String,
}

pub async fn set_status(
    State(state): State<AppState>,
    me: Me,
    Id(id): Id,
    Form(f): Form<StatusForm>,
) -> Result<Response, AppError> {
    let status = if f.status.trim().is_empty() {
        None
    } else {
        let s = Status::parse(f.status.trim()).ok_or(AppError::Conflict("invalid_status"))?;
        Some((s, f.reason.as_str()))
    };
    match state.db.set_goal_status(&me.actor(), id, status).await {
        Ok(()) => Ok(Redirect::to(&format!("/goals/{id}?saved=1")).into_response()),
        Err(DbError::Conflict(code)) => {
            Ok(Redirect::to(&format!("/goals/{id}?error={code}")).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct SettingsForm {
    smart_required: Option<String>,
}

pub async fn settings(
    State(state): State<AppState>,
    me: Me,
    Form(f): Form<SettingsForm>,
) -> Result<Response, AppError> {
    state
        .db
        .set_smart_required(&me.actor(), f.smart_required.is_some())
        .await?;
    Ok(Redirect::to("/goals?saved=1").into_response())
}
