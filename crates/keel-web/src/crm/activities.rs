use super::list::{self, Filters};
use super::timeline;
use crate::auth::me::Me;
use crate::shared::Form;
use crate::shared::Id;
use crate::shared::Query;
use crate::shared::fields::required;
use crate::shared::params::local;
use crate::shared::params::opt_id;
use crate::{AppError, AppState};
use askama::Template;
use axum::extract::State;
use axum::response::{Html, IntoResponse, Redirect, Response};
use keel_db::activities::{ActivityInput, ActivityQuery, KINDS, TaskState};
use keel_domain::time::now;
use keel_views::{ActivitiesPage, ActivityRow, Choice, TodayPage};
use serde::Deserialize;

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ActivityForm {
    kind: String,
    subject: String,
    due_date: String,
    location: String,
    account_id: String,
    deal_id: String,
    lead_id: String,
    back: String,
}

/// Quick-add from any record: logged now, by and for the signed-in person.
pub async fn create(
    State(state): State<AppState>,
    me: Me,
    Form(f): Form<ActivityForm>,
) -> Result<Response, AppError> {
    let l = me.l();
    let mut errors = Vec::new();
    if let Some(e) = required(l, &f.subject, 200) {
        errors.push(("subject".to_owned(), e));
    }
    if !KINDS.contains(&f.kind.as_str()) {
        errors.push(("kind".to_owned(), l.t("field-required")));
    }
    let due = match f.due_date.trim() {
        "" => None,
        s => match crate::shared::params::date(s) {
            Some(d) => Some(d),
            None => {
                errors.push((
                    "due_date".to_owned(),
                    crate::shared::params::date_message(l),
                ));
                None
            }
        },
    };
    if !errors.is_empty() {
        return Err(AppError::Invalid(errors));
    }
    let input = ActivityInput {
        kind: f.kind.clone(),
        subject: f.subject.trim().to_owned(),
        notes: None,
        owner_id: me.user.person_id,
        at: now(),
        due_date: due.or((f.kind == "task").then(|| me.today())),
        account_id: opt_id(&f.account_id),
        contact_id: None,
        deal_id: opt_id(&f.deal_id),
        lead_id: opt_id(&f.lead_id),
        location: Some(f.location.trim().to_owned()).filter(|s| !s.is_empty()),
    };
    state.db.log_activity(&me.actor(), &input).await?;
    Ok(Redirect::to(&local(&f.back, "/today")).into_response())
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct BackForm {
    back: String,
}

pub async fn complete(
    State(state): State<AppState>,
    me: Me,
    Id(id): Id,
    Form(f): Form<BackForm>,
) -> Result<Response, AppError> {
    state.db.complete_activity(&me.actor(), id).await?;
    Ok(Redirect::to(&local(&f.back, "/today")).into_response())
}

/// Today's and overdue tasks, and today's visits, meetings and calls.
pub async fn today(State(state): State<AppState>, me: Me) -> Result<Html<String>, AppError> {
    let l = me.l();
    let today = me.today();
    let items = state.db.my_day(&me.actor(), today).await?;
    let page = TodayPage {
        date: l.date(today),
        timeline: timeline(l, me.ctx.shown, &items),
        chrome: me.ctx.chrome(),
    };
    Ok(Html(page.render()?))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ListQuery {
    q: String,
    kind: String,
    owner: String,
    state: String,
    from: String,
    to: String,
    after: String,
}

/// Every activity the person may see, newest first, with filters and pages.
pub async fn list(
    State(state): State<AppState>,
    me: Me,
    Query(f): Query<ListQuery>,
) -> Result<Html<String>, AppError> {
    let l = me.l();
    let kind = KINDS.iter().find(|k| **k == f.kind).map(|k| k.to_string());
    let task_state = TaskState::parse(&f.state);
    let date = |s: &str| crate::shared::params::date(s);
    let (from, to) = (date(&f.from), date(&f.to));
    // A date that does not parse is said so rather than silently dropped.
    let error = [&f.from, &f.to]
        .iter()
        .zip([from, to])
        .any(|(text, parsed)| !text.trim().is_empty() && parsed.is_none())
        .then(|| crate::shared::params::date_message(l));
    let owner = opt_id(&f.owner);
    let today = me.today();
    let q = ActivityQuery {
        search: Some(f.q.clone()),
        kind: kind.clone(),
        owner,
        state: task_state,
        from,
        to,
        today,
        after: list::cursor(&f.after),
        limit: 50,
        ..Default::default()
    };
    let actor = me.actor();
    let (rows, next) = state.db.activity_list(&actor, &q).await?;
    let filters = Filters::new(&[
        ("q", &f.q),
        ("kind", kind.as_deref().unwrap_or("")),
        ("owner", &owner.map(|o| o.to_string()).unwrap_or_default()),
        ("state", task_state.map(TaskState::as_str).unwrap_or("")),
        ("from", &from.map(|d| d.to_string()).unwrap_or_default()),
        ("to", &to.map(|d| d.to_string()).unwrap_or_default()),
    ]);
    let line = state.db.reporting_line(me.user.person_id).await?;
    let people = crate::shared::present::assignable(&state, &me).await?;
    let back = filters.link("/activities", &[]);
    let page = ActivitiesPage {
        export: filters.link("/export/activities.csv", &[]),
        q: f.q.clone(),
        kinds: Choice::list(
            &l.t("activities-all-kinds"),
            KINDS
                .iter()
                .map(|k| (k.to_string(), l.t(&format!("activity-kind-{k}")))),
            kind.as_deref().unwrap_or(""),
        ),
        owners: Choice::list(
            &l.t("activities-all-owners"),
            people.into_iter().map(|(id, n)| (id.to_string(), n)),
            &owner.map(|o| o.to_string()).unwrap_or_default(),
        ),
        states: Choice::list(
            &l.t("activities-all-states"),
            TaskState::ALL
                .iter()
                .map(|s| (s.as_str().to_owned(), l.t(&format!("task-{}", s.as_str())))),
            task_state.map(TaskState::as_str).unwrap_or(""),
        ),
        from: from.map(|d| d.to_string()).unwrap_or_default(),
        to: to.map(|d| d.to_string()).unwrap_or_default(),
        error,
        rows: rows
            .into_iter()
            .map(|a| {
                let open_task = a.kind == "task" && a.done_at.is_none();
                let open_visit = a.kind == "visit" && a.check_out_at.is_none();
                let overdue = open_task && a.due_date.is_some_and(|d| d < today);
                let mine = actor.sees_everything() || line.contains(&a.owner_id);
                let about = match (a.deal_id, a.account_id, a.lead_id) {
                    (Some(d), _, _) => Some((format!("/deals/{d}"), a.deal_name.clone())),
                    (None, Some(x), _) => Some((format!("/accounts/{x}"), a.account_name.clone())),
                    (None, None, Some(x)) => Some((format!("/leads/{x}"), a.lead_name.clone())),
                    _ => None,
                };
                ActivityRow {
                    kind_label: l.t(&format!("activity-kind-{}", a.kind)),
                    when: me.time(a.at),
                    owner: a.owner_name.clone(),
                    about: about.map(|(href, name)| (href, name.unwrap_or_default())),
                    due: a.due_date.map(|d| l.date(d)).unwrap_or_default(),
                    state: match (a.kind.as_str(), a.done_at, overdue) {
                        ("task", Some(_), _) => l.t("task-done"),
                        ("task", None, true) => l.t("task-overdue"),
                        ("task", None, false) => l.t("task-open"),
                        _ => String::new(),
                    },
                    overdue,
                    completable: ((open_task || open_visit) && mine).then(|| a.id.to_string()),
                    complete_label: l.t(if open_visit {
                        "activity-check-out"
                    } else {
                        "activity-complete"
                    }),
                    subject: a.subject,
                    kind: a.kind,
                }
            })
            .collect(),
        next: next.map(|c| filters.link("/activities", &[("after", &c.to_string())])),
        back,
        chrome: me.ctx.chrome(),
    };
    Ok(Html(page.render()?))
}
