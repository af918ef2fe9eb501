//! The HTML pages of one's own check-in and of one check-in with its feedback.

use super::form::{self, Typed};
use super::{cycle_text, error_text, mood_text, row};
use crate::auth::me::Me;
use crate::shared::Form;
use crate::shared::Id;
use crate::shared::Query;
use crate::shared::present::{progress_text, value_text};
use crate::{AppError, AppState};
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use keel_db::DbError;
use keel_db::checkins::CheckinQuery;
use keel_db::checkins::feedback::{Comment, Flag};
use keel_domain::checkins::Reaction;
use keel_domain::time::Zone;
use keel_i18n::Locale;
use keel_views::{
    CheckinItemView, CheckinPage, CheckinView, Choice, CommentView, FlagView, MyCheckinPage,
    ReactionView,
};
use serde::Deserialize;
use std::collections::HashMap;
use uuid::Uuid;

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct Notice {
    saved: Option<String>,
    error: Option<String>,
}

pub async fn mine(
    State(state): State<AppState>,
    me: Me,
    Query(q): Query<Notice>,
) -> Result<Response, AppError> {
    let notice = q.saved.map(|_| me.l().t("notice-saved"));
    render_mine(&state, &me, None, notice, StatusCode::OK).await
}

/// My check-in page; `typed` (with its errors) when a submission is shown again.
async fn render_mine(
    state: &AppState,
    me: &Me,
    typed: Option<(Typed, Vec<(String, String)>)>,
    notice: Option<String>,
    status: StatusCode,
) -> Result<Response, AppError> {
    let l = me.l();
    let actor = me.actor();
    let day = me.today();
    let cycle = state.db.schedule_of(actor.id).await?.cycle(day);
    let current = state.db.my_checkin(&actor, cycle.start).await?;
    let locked = current.as_ref().is_some_and(|c| c.reviewed_at.is_some());
    let form = if locked {
        None
    } else {
        let goals = state.db.checkin_goals(actor.id, day).await?;
        let ids: Vec<Uuid> = goals.iter().map(|g| g.id).collect();
        let standings = state.db.goal_standings(&ids, day).await?;
        let currency = state.db.org_currency().await?;
        let (t, errors) = match typed {
            Some(te) => te,
            None => (
                current.as_ref().map(Typed::of_checkin).unwrap_or_default(),
                Vec::new(),
            ),
        };
        Some(form::view(l, &t, &goals, &standings, &currency, errors))
    };
    let previous = state
        .db
        .checkins(
            &actor,
            &CheckinQuery {
                person: Some(actor.id),
                day: None,
            },
        )
        .await?
        .iter()
        .filter(|c| c.cycle.start != cycle.start)
        .map(|c| row(l, me.ctx.shown, c))
        .collect();
    let page = MyCheckinPage {
        cycle: cycle_text(l, &cycle),
        overdue: current.is_none() && cycle.overdue(day),
        form,
        current: current.as_ref().map(|c| row(l, me.ctx.shown, c)),
        locked: locked.then(|| l.t("checkin-locked-reviewed")),
        previous,
        notice,
        chrome: me.ctx.chrome(),
    };
    Ok((status, Html(page.render()?)).into_response())
}

pub async fn submit(
    State(state): State<AppState>,
    me: Me,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let l = me.l();
    let typed = Typed::from_pairs(pairs);
    let goals = state
        .db
        .checkin_goals(me.user.person_id, me.today())
        .await?;
    let bad = StatusCode::UNPROCESSABLE_ENTITY;
    let input = match form::validate(l, &typed, &goals) {
        Ok(i) => i,
        Err(e) => return render_mine(&state, &me, Some((typed, e)), None, bad).await,
    };
    match state
        .db
        .submit_checkin(&me.actor(), &input, me.today())
        .await
    {
        Ok(_) => Ok(Redirect::to("/checkins?saved=1").into_response()),
        Err(DbError::Conflict(code)) => {
            let e = vec![("form".into(), l.t(&format!("error-{code}")))];
            let notice = Some(l.t(&format!("error-{code}")));
            render_mine(&state, &me, Some((typed, e)), notice, bad).await
        }
        Err(e) => Err(e.into()),
    }
}

/// Comments as a thread: each top-level comment with every reply below it (a reply to a
/// reply stays under the same top-level comment).
fn thread(l: Locale, z: Zone, comments: &[Comment]) -> Vec<CommentView> {
    let parent: HashMap<Uuid, Option<Uuid>> =
        comments.iter().map(|c| (c.id, c.parent_id)).collect();
    let root = |mut id: Uuid| {
        let mut steps = 0;
        while let Some(Some(p)) = parent.get(&id) {
            id = *p;
            steps += 1;
            if steps > comments.len() {
                break;
            }
        }
        id
    };
    let view = |c: &Comment| CommentView {
        id: c.id.to_string(),
        author: c.author_name.clone(),
        at: l.moment(z.local(c.at)),
        body: c.body.clone(),
        replies: Vec::new(),
    };
    let mut out: Vec<(Uuid, CommentView)> = comments
        .iter()
        .filter(|c| c.parent_id.is_none())
        .map(|c| (c.id, view(c)))
        .collect();
    for c in comments.iter().filter(|c| c.parent_id.is_some()) {
        let r = root(c.id);
        if let Some((_, top)) = out.iter_mut().find(|(id, _)| *id == r) {
            top.replies.push(view(c));
        }
    }
    out.into_iter().map(|(_, v)| v).collect()
}

pub(crate) fn flag_view(l: Locale, z: Zone, f: &Flag, viewer: Uuid) -> FlagView {
    FlagView {
        id: f.id.to_string(),
        what: f.goal_title.clone().unwrap_or_else(|| l.t("checkin-whole")),
        note: f.note.clone(),
        by: f.created_by_name.clone(),
        at: l.moment(z.local(f.created_at)),
        resolved: f.resolved_at.map(|at| {
            l.t_args(
                "checkin-resolved-by",
                &[
                    ("name", f.resolved_by_name.as_deref().unwrap_or("")),
                    ("at", &l.moment(z.local(at))),
                ],
            )
        }),
        checkin_href: format!("/checkins/{}", f.checkin_id),
        person: f.person_name.clone(),
        can_resolve: f.person_id != viewer && f.resolved_at.is_none(),
    }
}

pub async fn show(
    State(state): State<AppState>,
    me: Me,
    Id(id): Id,
    Query(q): Query<Notice>,
) -> Result<Html<String>, AppError> {
    let l = me.l();
    let actor = me.actor();
    let c = state.db.checkin(&actor, id).await?;
    let comments = state.db.checkin_comments(&actor, id).await?;
    let reactions = state.db.checkin_reactions(&actor, id).await?;
    let flags = state.db.checkin_flags(&actor, id).await?;
    let currency = state.db.org_currency().await?;
    let can_review = c.person_id != actor.id;
    let items: Vec<CheckinItemView> = c
        .items
        .iter()
        .map(|i| {
            let shown = match i.measure() {
                Some(m) => value_text(l, m, i.value, &currency),
                None => i.value.map(|v| v.to_string()).unwrap_or_default(),
            };
            CheckinItemView {
                id: i.id.to_string(),
                goal_href: format!("/goals/{}", i.goal_id),
                title: i.goal_title.clone(),
                value: shown,
                progress: progress_text(l, i.progress),
                comment: i.comment.clone().unwrap_or_default(),
            }
        })
        .collect();
    let mut flag_targets = vec![Choice {
        value: String::new(),
        label: l.t("checkin-whole"),
        selected: true,
    }];
    flag_targets.extend(items.iter().map(|i| Choice {
        value: i.id.clone(),
        label: i.title.clone(),
        selected: false,
    }));
    let page = CheckinPage {
        c: CheckinView {
            id: c.id.to_string(),
            person: c.person_name.clone(),
            cycle: cycle_text(l, &c.cycle),
            submitted: me.time(c.submitted_at),
            confidence: format!("{} / 10", c.confidence),
            mood: mood_text(l, c.mood),
            reviewed: c.reviewed_at.map(|at| {
                l.t_args(
                    "checkin-reviewed-by",
                    &[
                        ("name", c.reviewed_by_name.as_deref().unwrap_or("")),
                        ("at", &me.time(at)),
                    ],
                )
            }),
            progress: c.progress.clone(),
            plans: c.plans.clone(),
            problems: c.problems.clone(),
            blockers: c.blockers.clone(),
        },
        items,
        comments: thread(l, me.ctx.shown, &comments),
        reactions: reactions
            .iter()
            .map(|r| ReactionView {
                key: r.reaction.as_str().into(),
                emoji: r.reaction.emoji().into(),
                count: r.names.len(),
                names: r.names.join(", "),
                mine: r.mine,
            })
            .collect(),
        flags: flags
            .iter()
            .map(|f| flag_view(l, me.ctx.shown, f, actor.id))
            .collect(),
        can_review,
        is_reviewed: c.reviewed_at.is_some(),
        flag_targets,
        notice: q.saved.map(|_| l.t("notice-saved")),
        error: error_text(l, q.error),
        chrome: me.ctx.chrome(),
    };
    Ok(Html(page.render()?))
}

/// Back to the check-in: saved, or with the rule that refused the write.
fn back(id: Uuid, r: Result<(), DbError>) -> Result<Response, AppError> {
    match r {
        Ok(()) => Ok(Redirect::to(&format!("/checkins/{id}?saved=1")).into_response()),
        Err(DbError::Conflict(code)) => {
            Ok(Redirect::to(&format!("/checkins/{id}?error={code}")).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct CommentForm {
    body: String,
    parent: String,
}

pub async fn comment(
    State(state): State<AppState>,
    me: Me,
    Id(id): Id,
    Form(f): Form<CommentForm>,
) -> Result<Response, AppError> {
    if f.body.chars().count() > 2000 {
        return back(id, Err(DbError::Conflict("invalid_input")));
    }
    let parent = match f.parent.trim() {
        "" => None,
        p => Some(Uuid::parse_str(p).map_err(|_| AppError::Conflict("unknown_comment"))?),
    };
    let r = state
        .db
        .comment_checkin(&me.actor(), id, parent, &f.body)
        .await
        .map(|_| ());
    back(id, r)
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ReactionForm {
    reaction: String,
}

pub async fn react(
    State(state): State<AppState>,
    me: Me,
    Id(id): Id,
    Form(f): Form<ReactionForm>,
) -> Result<Response, AppError> {
    let Some(r) = Reaction::parse(&f.reaction) else {
        return back(id, Err(DbError::Conflict("invalid_reaction")));
    };
    let r = state
        .db
        .toggle_reaction(&me.actor(), id, r)
        .await
        .map(|_| ());
    back(id, r)
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct FlagForm {
    note: String,
    item: String,
}

pub async fn flag(
    State(state): State<AppState>,
    me: Me,
    Id(id): Id,
    Form(f): Form<FlagForm>,
) -> Result<Response, AppError> {
    let item = match f.item.trim() {
        "" => None,
        i => Some(Uuid::parse_str(i).map_err(|_| AppError::Conflict("unknown_item"))?),
    };
    if f.note.chars().count() > 500 {
        return back(id, Err(DbError::Conflict("invalid_input")));
    }
    let r = state
        .db
        .flag_checkin(&me.actor(), id, item, &f.note)
        .await
        .map(|_| ());
    back(id, r)
}

pub async fn resolve(
    State(state): State<AppState>,
    me: Me,
    Id(id): Id,
) -> Result<Response, AppError> {
    let flag = id;
    let checkin = state.db.resolve_flag(&me.actor(), flag).await?;
    Ok(Redirect::to(&format!("/checkins/{checkin}?saved=1")).into_response())
}

pub async fn review(
    State(state): State<AppState>,
    me: Me,
    Id(id): Id,
) -> Result<Response, AppError> {
    let r = state.db.mark_checkin_reviewed(&me.actor(), id).await;
    back(id, r)
}
