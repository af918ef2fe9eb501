//! The goal form: its fields as typed, their validation into a [`GoalInput`], and the page
//! with the SMART panel beside it.

use super::smart;
use crate::auth::me::Me;
use crate::shared::fields::required;
use crate::shared::params::opt_id;
use crate::shared::params::parse_value;
use crate::shared::present::{plain_value, unit_hint};
use crate::{AppError, AppState};
use askama::Template;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use chrono::NaiveDate;
use keel_db::goals::{
    Goal, GoalInput, GoalQuery, Measure, Owner, Rule, Visibility, current_period,
};
use keel_domain::goals::Direction;
use keel_domain::metrics::Metric;
use keel_domain::periods::PeriodKind;
use keel_i18n::Locale;
use keel_views::{Choice, Field, GoalFormPage};
use uuid::Uuid;

/// The form as typed.
#[derive(Clone, Debug, Default)]
pub struct GoalForm {
    pub title: String,
    pub description: String,
    pub owner: String,
    pub parent_id: String,
    pub contributors: Vec<String>,
    pub measure: String,
    pub start: String,
    pub target: String,
    pub direction: String,
    pub weight: String,
    pub rule: String,
    pub period: String,
    pub due: String,
    pub visibility: String,
    /// Why the target or due date changed (edits).
    pub reason: String,
}

impl GoalForm {
    /// From `application/x-www-form-urlencoded` pairs; contributors may repeat.
    pub fn from_pairs(pairs: Vec<(String, String)>) -> GoalForm {
        let mut f = GoalForm::default();
        for (k, v) in pairs {
            match k.as_str() {
                "title" => f.title = v,
                "description" => f.description = v,
                "owner" => f.owner = v,
                "parent_id" => f.parent_id = v,
                "contributors" if !v.trim().is_empty() => f.contributors.push(v),
                "measure" => f.measure = v,
                "start" => f.start = v,
                "target" => f.target = v,
                "direction" => f.direction = v,
                "weight" => f.weight = v,
                "rule" => f.rule = v,
                "period" => f.period = v,
                "due" => f.due = v,
                "visibility" => f.visibility = v,
                "reason" => f.reason = v,
                _ => {}
            }
        }
        f
    }

    /// A new goal for `owner` this quarter, measured by won revenue unless chosen otherwise.
    pub fn blank(owner: Owner, today: NaiveDate) -> GoalForm {
        let period = current_period(PeriodKind::Quarter, today);
        GoalForm {
            owner: owner.text(),
            measure: Measure::Metric(Metric::WonRevenue).text(),
            start: "0".into(),
            weight: "1".into(),
            rule: Rule::Own.as_str().into(),
            period: period.label(),
            due: period.end.to_string(),
            visibility: Visibility::Public.as_str().into(),
            ..Default::default()
        }
    }

    pub fn of_goal(g: &Goal) -> GoalForm {
        let i = &g.input;
        let unit = i.measure.unit();
        GoalForm {
            title: i.title.clone(),
            description: i.description.clone(),
            owner: i.owner.text(),
            parent_id: i.parent_id.map(|p| p.to_string()).unwrap_or_default(),
            contributors: i.contributors.iter().map(Uuid::to_string).collect(),
            measure: i.measure.text(),
            start: plain_value(unit, i.start),
            target: plain_value(unit, i.target),
            direction: i.direction.as_str().into(),
            weight: i.weight.to_string(),
            rule: i.rule.as_str().into(),
            period: i.period.label(),
            due: i.due.to_string(),
            visibility: i.visibility.as_str().into(),
            reason: String::new(),
        }
    }
}

/// The most a goal may weigh in its parent's mean.
pub const MAX_WEIGHT: u32 = 1000;

type Errors = Vec<(&'static str, String)>;

/// A goal from the form, or every field's complaint.
pub fn validate(l: Locale, f: &GoalForm) -> Result<GoalInput, Errors> {
    let mut errors: Errors = Vec::new();
    if let Some(e) = required(l, &f.title, 200) {
        errors.push(("title", e));
    }
    if f.description.chars().count() > 4000 {
        errors.push((
            "description",
            l.t_args("field-too-long", &[("max", "4000")]),
        ));
    }
    let owner = Owner::parse(&f.owner);
    if owner.is_none() {
        errors.push(("owner", l.t("goal-owner-invalid")));
    }
    let parent = if f.parent_id.trim().is_empty() {
        None
    } else {
        let p = opt_id(&f.parent_id);
        if p.is_none() {
            errors.push(("parent_id", l.t("error-unknown_parent")));
        }
        p
    };
    let mut contributors = Vec::new();
    for c in &f.contributors {
        match opt_id(c) {
            Some(id) if !contributors.contains(&id) => contributors.push(id),
            Some(_) => {}
            None => errors.push(("contributors", l.t("error-unknown_contributor"))),
        }
    }
    let measure = Measure::parse(&f.measure);
    if measure.is_none() {
        errors.push(("measure", l.t("goal-measure-invalid")));
    }
    let (mut start, mut target) = (0, 0);
    match measure {
        Some(Measure::Done) => target = 1,
        Some(m) => {
            let unit = m.unit();
            if f.start.trim().is_empty() {
                start = 0;
            } else if let Some(v) = parse_value(unit, &f.start) {
                start = v;
            } else {
                errors.push(("start", l.t("goal-value-invalid")));
            }
            if f.target.trim().is_empty() {
                errors.push(("target", l.t("field-required")));
            } else if let Some(v) = parse_value(unit, &f.target) {
                target = v;
            } else {
                errors.push(("target", l.t("goal-value-invalid")));
            }
        }
        None => {}
    }
    let direction = if f.direction.trim().is_empty() {
        measure.map(Measure::default_direction).unwrap_or_default()
    } else {
        Direction::parse(f.direction.trim()).unwrap_or_else(|| {
            errors.push(("direction", l.t("goal-direction-invalid")));
            Direction::Increase
        })
    };
    let weight = if f.weight.trim().is_empty() {
        1
    } else {
        match f.weight.trim().parse::<u32>() {
            Ok(w) if w <= MAX_WEIGHT => w,
            _ => {
                errors.push(("weight", l.t("goal-weight-invalid")));
                1
            }
        }
    };
    let rule = Rule::parse(f.rule.trim()).unwrap_or(Rule::Own);
    let period = match crate::shared::params::period(&f.period) {
        Ok(p) => Some(p),
        Err(e) => {
            errors.push(("period", l.t(&format!("error-{}", e.code()))));
            None
        }
    };
    let due = if f.due.trim().is_empty() {
        errors.push(("due", l.t("field-required")));
        None
    } else {
        crate::shared::params::date(&f.due).or_else(|| {
            errors.push(("due", crate::shared::params::date_message(l)));
            None
        })
    };
    let visibility = Visibility::parse(f.visibility.trim()).unwrap_or(Visibility::Public);
    match (owner, measure, period, due) {
        (Some(owner), Some(measure), Some(period), Some(due)) if errors.is_empty() => {
            Ok(GoalInput {
                owner,
                parent_id: parent,
                contributors,
                title: f.title.trim().to_owned(),
                description: f.description.trim().to_owned(),
                measure,
                start,
                target,
                direction,
                weight,
                rule,
                period,
                due,
                visibility,
            })
        }
        _ => Err(errors),
    }
}

/// The field a storage rule refers to.
pub fn field_of_conflict(code: &str) -> &'static str {
    match code {
        "unknown_parent" | "goal_parent_cycle" => "parent_id",
        "unknown_contributor" => "contributors",
        "unknown_owner" => "owner",
        "reason_required" => "reason",
        _ => "title",
    }
}

/// The owners `me` may set goals for: the organisation (directors, admins), teams they lead
/// or stand above, themselves and their reporting line.
pub async fn owner_choices(state: &AppState, me: &Me) -> Result<Vec<(String, String)>, AppError> {
    let l = me.l();
    let actor = me.actor();
    let mut out = Vec::new();
    if actor.sees_everything() {
        out.push((Owner::Org.text(), l.t("goal-owner-org")));
    }
    for t in state.db.teams().await? {
        if state.db.may_manage_goal(&actor, Owner::Team(t.id)).await? {
            out.push((
                Owner::Team(t.id).text(),
                l.t_args("goal-owner-team", &[("name", &t.name)]),
            ));
        }
    }
    for (id, name) in crate::shared::present::assignable(state, me).await? {
        out.push((Owner::Person(id).text(), name));
    }
    Ok(out)
}

fn measure_choices(l: Locale) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Metric::ALL
        .into_iter()
        .map(|m| {
            (
                Measure::Metric(m).text(),
                l.t_args(
                    "goal-measure-metric",
                    &[("name", &crate::shared::present::metric_name(l, m))],
                ),
            )
        })
        .collect();
    for m in [
        Measure::Number,
        Measure::Percent,
        Measure::Currency,
        Measure::Done,
    ] {
        out.push((m.text(), crate::shared::present::measure_label(l, m)));
    }
    out
}

/// Renders the form (new or edit) with `errors` beside their fields and the SMART panel.
pub async fn render(
    state: &AppState,
    me: &Me,
    f: &GoalForm,
    errors: Vec<(&'static str, String)>,
    top_error: Option<String>,
    editing: Option<Uuid>,
    status: StatusCode,
) -> Result<Response, AppError> {
    let l = me.l();
    let actor = me.actor();
    let err = |n: &str| {
        let all: Vec<&str> = errors
            .iter()
            .filter(|(k, _)| *k == n)
            .map(|(_, m)| m.as_str())
            .collect();
        (!all.is_empty()).then(|| all.join(" "))
    };
    let text =
        |name: &'static str, kind: &'static str, label: &str, value: &str, req: bool| Field {
            name,
            kind,
            label: l.t(label),
            value: value.to_owned(),
            max: 200,
            required: req,
            error: err(name),
            ..Default::default()
        };
    let select = |name: &'static str, label: &str, options: Vec<Choice>| Field {
        name,
        kind: "select",
        label: l.t(label),
        options,
        error: err(name),
        ..Default::default()
    };
    let currency = state.db.org_currency().await?;
    let measure = Measure::parse(&f.measure);
    let mut owners = owner_choices(state, me).await?;
    if !owners.iter().any(|(v, _)| *v == f.owner) && !f.owner.is_empty() {
        // An edited goal keeps showing its owner even if the editor could not pick it anew.
        owners.insert(0, (f.owner.clone(), f.owner.clone()));
    }
    let goals = state.db.goals(&actor, &GoalQuery::default()).await?;
    let parents = goals.iter().filter(|g| Some(g.id) != editing).map(|g| {
        (
            g.id.to_string(),
            format!(
                "{} · {} · {}",
                g.input.title,
                super::owner_label(l, g),
                g.input.period.label()
            ),
        )
    });
    let people = state.db.everyone(&actor).await?;
    let value_hint = measure.map(|m| unit_hint(l, m, &currency));
    let mut fields = vec![
        text("title", "text", "goal-title", &f.title, true),
        Field {
            max: 4000,
            ..text(
                "description",
                "textarea",
                "goal-description",
                &f.description,
                false,
            )
        },
        select("owner", "goal-owner", Choice::pick(owners, &f.owner)),
        select(
            "parent_id",
            "goal-parent",
            Choice::list(&l.t("goal-no-parent"), parents, &f.parent_id),
        ),
        select(
            "measure",
            "goal-measure",
            Choice::pick(measure_choices(l), &f.measure),
        ),
        Field {
            hint: value_hint.clone(),
            ..text("start", "text", "goal-start", &f.start, false)
        },
        Field {
            hint: value_hint,
            ..text("target", "text", "goal-target", &f.target, true)
        },
        select(
            "direction",
            "goal-direction",
            Choice::list(
                &l.t("goal-direction-default"),
                [Direction::Increase, Direction::Decrease].map(|d| {
                    (
                        d.as_str().to_owned(),
                        l.t(&format!("goal-direction-{}", d.as_str())),
                    )
                }),
                &f.direction,
            ),
        ),
        Field {
            hint: Some(l.t("goal-weight-hint")),
            ..text("weight", "number", "goal-weight", &f.weight, false)
        },
        select(
            "rule",
            "goal-rule",
            Choice::pick(
                [Rule::Own, Rule::Children].map(|r| {
                    (
                        r.as_str().to_owned(),
                        l.t(&format!("goal-rule-{}", r.as_str())),
                    )
                }),
                &f.rule,
            ),
        ),
        Field {
            hint: Some(l.t("goal-period-hint")),
            ..text("period", "text", "goal-period", &f.period, true)
        },
        text("due", "date", "goal-due", &f.due, true),
        select(
            "visibility",
            "goal-visibility",
            Choice::pick(
                [Visibility::Public, Visibility::Private].map(|v| {
                    (
                        v.as_str().to_owned(),
                        l.t(&format!("goal-visibility-{}", v.as_str())),
                    )
                }),
                &f.visibility,
            ),
        ),
        Field {
            name: "contributors",
            kind: "multiselect",
            label: l.t("goal-contributors"),
            options: people
                .into_iter()
                .map(|p| Choice {
                    selected: f.contributors.contains(&p.id.to_string()),
                    value: p.id.to_string(),
                    label: p.name,
                })
                .collect(),
            hint: Some(l.t("goal-contributors-hint")),
            error: err("contributors"),
            ..Default::default()
        },
    ];
    if editing.is_some() {
        fields.push(Field {
            hint: Some(l.t("goal-reason-hint")),
            max: 500,
            ..text("reason", "text", "goal-reason", &f.reason, false)
        });
    }
    let required = state.db.smart_required().await?;
    let report = smart::check(state, &actor, smart::basis_of_form(f)).await?;
    let smart_errors: Vec<String> = errors
        .iter()
        .filter(|(k, _)| k.starts_with("smart_"))
        .map(|(_, m)| m.clone())
        .collect();
    let top_error =
        top_error.or_else(|| (!smart_errors.is_empty()).then(|| l.t("goal-smart-refused")));
    let page = GoalFormPage {
        heading: l.t(if editing.is_some() {
            "goals-edit"
        } else {
            "goals-new"
        }),
        action: match editing {
            Some(id) => format!("/goals/{id}"),
            None => "/goals".into(),
        },
        cancel: match editing {
            Some(id) => format!("/goals/{id}"),
            None => "/goals".into(),
        },
        fields,
        error: top_error.or_else(|| (!errors.is_empty()).then(|| l.t("error-invalid_input"))),
        smart: smart::panel(l, &report, required, measure, &currency),
        chrome: me.ctx.chrome(),
    };
    Ok((status, Html(page.render()?)).into_response())
}
