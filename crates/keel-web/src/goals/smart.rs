//! The SMART check as people see it: the inputs gathered from a form or an API body, the
//! owner's history of the metric fetched for "Achievable", and each letter explained.

use super::form::GoalForm;
use crate::AppState;
use crate::shared::params::opt_id;
use crate::shared::params::parse_value;
use crate::shared::present::value_text;
use keel_db::DbError;
use keel_db::goals::{GoalInput, Measure, Owner};
use keel_db::visibility::Actor;
use keel_domain::goals::{Direction, SmartInput, SmartLetter, SmartReport, Verdict, smart_check};
use keel_i18n::Locale;
use keel_views::{SmartLine, SmartPanel};

/// How many earlier periods "Achievable" compares the target with.
const HISTORY_PERIODS: usize = 8;

/// What the check needs besides the history, and what it needs to fetch that history.
pub struct Basis {
    pub input: SmartInput,
    pub measure: Option<Measure>,
    pub owner: Option<Owner>,
}

/// From a form being filled in: whatever parses counts, the rest is missing.
pub fn basis_of_form(f: &GoalForm) -> Basis {
    let measure = Measure::parse(&f.measure);
    let owner = Owner::parse(&f.owner);
    let unit = measure.map(Measure::unit);
    let (start, target) = match (measure, unit) {
        (Some(Measure::Done), _) => (0, Some(1)),
        (_, Some(unit)) => (
            parse_value(unit, &f.start).unwrap_or(0),
            parse_value(unit, &f.target),
        ),
        _ => (0, None),
    };
    let direction = Direction::parse(&f.direction)
        .or(measure.map(Measure::default_direction))
        .unwrap_or_default();
    Basis {
        input: SmartInput {
            title: f.title.clone(),
            has_owner: owner.is_some(),
            has_measure: measure.is_some(),
            target,
            start,
            direction,
            has_parent: opt_id(&f.parent_id).is_some(),
            due: crate::shared::params::date(&f.due),
            period: crate::shared::params::period(&f.period).ok(),
            history: Vec::new(),
            team_history: Vec::new(),
        },
        measure,
        owner,
    }
}

/// From a complete goal.
pub fn basis_of_input(i: &GoalInput) -> Basis {
    Basis {
        input: SmartInput {
            title: i.title.clone(),
            has_owner: true,
            has_measure: true,
            target: Some(i.target),
            start: i.start,
            direction: i.direction,
            has_parent: i.parent_id.is_some(),
            due: Some(i.due),
            period: Some(i.period),
            history: Vec::new(),
            team_history: Vec::new(),
        },
        measure: Some(i.measure),
        owner: Some(i.owner),
    }
}

/// Runs the check, with the owner's past values of the metric when the goal is measured
/// from one and the actor may set goals for that owner (so may see their numbers).
pub async fn check(state: &AppState, actor: &Actor, mut b: Basis) -> Result<SmartReport, DbError> {
    if let (Some(Measure::Metric(m)), Some(owner), Some(period)) =
        (b.measure, b.owner, b.input.period)
        && state.db.may_manage_goal(actor, owner).await?
    {
        b.input.history = state
            .db
            .past_values(m, owner, &period, HISTORY_PERIODS)
            .await?;
        if let Owner::Person(p) = owner
            && let Some(team) = state.db.team_of(p).await?
        {
            for member in state.db.team_members(team).await? {
                let values = state
                    .db
                    .past_values(m, Owner::Person(member), &period, HISTORY_PERIODS)
                    .await?;
                b.input.team_history.extend(values);
            }
        }
    }
    Ok(smart_check(&b.input))
}

fn letter_key(letter: SmartLetter) -> &'static str {
    match letter {
        SmartLetter::S => "smart-letter-s",
        SmartLetter::M => "smart-letter-m",
        SmartLetter::A => "smart-letter-a",
        SmartLetter::R => "smart-letter-r",
        SmartLetter::T => "smart-letter-t",
    }
}

fn verdict_text(v: Verdict) -> &'static str {
    match v {
        Verdict::Pass => "pass",
        Verdict::Warn => "warn",
        Verdict::Fail => "fail",
    }
}

/// One letter's explanation. Reference values (p90 ...) read in the measure's unit and are
/// passed as `reference`, so one message serves both directions; the team's percentile is
/// a sentence of its own.
pub fn explain(
    l: Locale,
    item: &keel_domain::goals::SmartItem,
    measure: Option<Measure>,
    currency: &str,
) -> String {
    let mut args: Vec<(&'static str, String)> = Vec::new();
    let mut team = None;
    for (name, value) in &item.args {
        match *name {
            "p90" | "p25" | "p10" | "p75" => {
                let v = value.parse::<i64>().ok();
                let shown = match measure {
                    Some(m) => value_text(l, m, v, currency),
                    None => value.clone(),
                };
                args.push(("reference", shown));
            }
            "team_percentile" => team = Some(value.clone()),
            _ => args.push((name, value.clone())),
        }
    }
    let borrowed: Vec<(&'static str, &str)> = args.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let mut text = l.t_args(item.reason_key, &borrowed);
    if let Some(t) = team {
        text.push(' ');
        text.push_str(&l.t_args("smart-a-team", &[("team_percentile", &t)]));
    }
    text
}

pub fn panel(
    l: Locale,
    report: &SmartReport,
    required: bool,
    measure: Option<Measure>,
    currency: &str,
) -> SmartPanel {
    SmartPanel {
        heading: l.t("smart-title"),
        mode: l.t(if required {
            "smart-mode-required"
        } else {
            "smart-mode-advice"
        }),
        lines: report
            .items
            .iter()
            .map(|i| SmartLine {
                letter: i.letter.as_str().into(),
                verdict: verdict_text(i.verdict).into(),
                verdict_label: l.t(&format!("smart-verdict-{}", verdict_text(i.verdict))),
                name: l.t(letter_key(i.letter)),
                explanation: explain(l, i, measure, currency),
            })
            .collect(),
    }
}

fn field_key(letter: SmartLetter) -> &'static str {
    match letter {
        SmartLetter::S => "smart_s",
        SmartLetter::M => "smart_m",
        SmartLetter::A => "smart_a",
        SmartLetter::R => "smart_r",
        SmartLetter::T => "smart_t",
    }
}

/// The failing letters as (field, explanation), for refusing a goal when SMART is required.
pub fn failures(
    l: Locale,
    report: &SmartReport,
    measure: Option<Measure>,
    currency: &str,
) -> Vec<(&'static str, String)> {
    report
        .items
        .iter()
        .filter(|i| i.verdict == Verdict::Fail)
        .map(|i| {
            (
                field_key(i.letter),
                format!(
                    "{}: {}",
                    l.t(letter_key(i.letter)),
                    explain(l, i, measure, currency)
                ),
            )
        })
        .collect()
}
