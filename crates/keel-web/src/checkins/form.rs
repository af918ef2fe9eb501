//! The check-in form: what was typed, its checks, and the view that shows it again.

use crate::shared::params::parse_value;
use crate::shared::present::{measure_label, unit_hint, value_text};
use keel_db::checkins::{Checkin, CheckinInput, GoalEntry};
use keel_db::goal_progress::Standing;
use keel_db::goals::{Goal, Measure};
use keel_domain::checkins::{CONFIDENCE, MOOD};
use keel_i18n::Locale;
use keel_views::{CheckinForm, CheckinGoalInput, Choice};
use std::collections::HashMap;
use uuid::Uuid;

/// The longest free text of a check-in, and of a goal comment.
pub const MAX_TEXT: usize = 4000;
pub const MAX_COMMENT: usize = 500;

/// The form as typed (or as stored, to edit).
#[derive(Default)]
pub struct Typed {
    pub confidence: String,
    pub mood: String,
    pub progress: String,
    pub plans: String,
    pub problems: String,
    pub blockers: String,
    /// Goal id → (value, comment).
    pub goals: HashMap<Uuid, (String, String)>,
}

impl Typed {
    pub fn from_pairs(pairs: Vec<(String, String)>) -> Typed {
        let mut t = Typed::default();
        for (k, v) in pairs {
            match k.as_str() {
                "confidence" => t.confidence = v,
                "mood" => t.mood = v,
                "progress" => t.progress = v,
                "plans" => t.plans = v,
                "problems" => t.problems = v,
                "blockers" => t.blockers = v,
                _ => {
                    if let Some(id) = k
                        .strip_prefix("value-")
                        .and_then(|s| Uuid::parse_str(s).ok())
                    {
                        t.goals.entry(id).or_default().0 = v;
                    } else if let Some(id) = k
                        .strip_prefix("comment-")
                        .and_then(|s| Uuid::parse_str(s).ok())
                    {
                        t.goals.entry(id).or_default().1 = v;
                    }
                }
            }
        }
        t
    }

    /// A submitted check-in, to edit: values start blank (a new value is typed when there is one).
    pub fn of_checkin(c: &Checkin) -> Typed {
        Typed {
            confidence: c.confidence.to_string(),
            mood: c.mood.to_string(),
            progress: c.progress.clone(),
            plans: c.plans.clone(),
            problems: c.problems.clone(),
            blockers: c.blockers.clone(),
            goals: c
                .items
                .iter()
                .map(|i| {
                    (
                        i.goal_id,
                        (String::new(), i.comment.clone().unwrap_or_default()),
                    )
                })
                .collect(),
        }
    }
}

/// Checks the form against the person's current goals: the input, or field errors (goal
/// errors are keyed `goal-<id>`).
pub fn validate(
    l: Locale,
    t: &Typed,
    goals: &[Goal],
) -> Result<CheckinInput, Vec<(String, String)>> {
    let mut errors = Vec::new();
    let confidence = t
        .confidence
        .trim()
        .parse::<i64>()
        .ok()
        .filter(|v| CONFIDENCE.contains(v));
    if confidence.is_none() {
        errors.push(("confidence".into(), l.t("error-invalid_confidence")));
    }
    let mood = t
        .mood
        .trim()
        .parse::<i64>()
        .ok()
        .filter(|v| MOOD.contains(v));
    if mood.is_none() {
        errors.push(("mood".into(), l.t("error-invalid_mood")));
    }
    let too_long = l.t_args("checkin-text-too-long", &[("max", &MAX_TEXT.to_string())]);
    for (field, text) in [
        ("progress", &t.progress),
        ("plans", &t.plans),
        ("problems", &t.problems),
        ("blockers", &t.blockers),
    ] {
        if text.chars().count() > MAX_TEXT {
            errors.push((field.into(), too_long.clone()));
        }
    }
    let mut entries = Vec::new();
    for g in goals {
        let (value, comment) = t.goals.get(&g.id).cloned().unwrap_or_default();
        let field = format!("goal-{}", g.id);
        if comment.chars().count() > MAX_COMMENT {
            errors.push((
                field.clone(),
                l.t_args(
                    "checkin-text-too-long",
                    &[("max", &MAX_COMMENT.to_string())],
                ),
            ));
        }
        let value = match value.trim() {
            "" => None,
            _ if !g.input.measure.is_manual() => None,
            v => match parse_value(g.input.measure.unit(), v) {
                Some(v) => Some(v),
                None => {
                    errors.push((field, l.t("goal-value-invalid")));
                    None
                }
            },
        };
        entries.push(GoalEntry {
            goal_id: g.id,
            value,
            comment,
        });
    }
    match (confidence, mood) {
        (Some(confidence), Some(mood)) if errors.is_empty() => Ok(CheckinInput {
            confidence,
            mood,
            progress: t.progress.clone(),
            plans: t.plans.clone(),
            problems: t.problems.clone(),
            blockers: t.blockers.clone(),
            goals: entries,
        }),
        _ => Err(errors),
    }
}

/// The form's view: each goal with its value now, and the choices.
pub fn view(
    l: Locale,
    t: &Typed,
    goals: &[Goal],
    standings: &HashMap<Uuid, Standing>,
    org_currency: &str,
    errors: Vec<(String, String)>,
) -> CheckinForm {
    let goals = goals
        .iter()
        .map(|g| {
            let m = g.input.measure;
            let s = standings.get(&g.id);
            let currency = s
                .map(|s| s.currency.as_str())
                .filter(|c| !c.is_empty())
                .unwrap_or(org_currency);
            let (value, comment) = t.goals.get(&g.id).cloned().unwrap_or_default();
            let field = format!("goal-{}", g.id);
            CheckinGoalInput {
                id: g.id.to_string(),
                title: g.input.title.clone(),
                measure: measure_label(l, m),
                current: value_text(l, m, s.and_then(|s| s.current), currency),
                value_hint: m.is_manual().then(|| unit_hint(l, m, currency)),
                done_choices: if m == Measure::Done {
                    Choice::list(
                        &l.t("checkin-choose"),
                        [
                            ("1".to_owned(), l.t("goal-done-yes")),
                            ("0".to_owned(), l.t("goal-done-no")),
                        ],
                        &value,
                    )
                } else {
                    Vec::new()
                },
                value,
                comment,
                error: errors
                    .iter()
                    .find(|(f, _)| *f == field)
                    .map(|(_, e)| e.clone()),
            }
        })
        .collect();
    let numbers = |range: std::ops::RangeInclusive<i64>, label: &dyn Fn(i64) -> String| {
        range.map(|v| (v.to_string(), label(v))).collect::<Vec<_>>()
    };
    CheckinForm {
        goals,
        confidence: Choice::list(
            &l.t("checkin-choose"),
            numbers(CONFIDENCE, &|v| v.to_string()),
            t.confidence.trim(),
        ),
        mood: Choice::list(
            &l.t("checkin-choose"),
            numbers(MOOD, &|v| l.t(&format!("checkin-mood-{v}"))),
            t.mood.trim(),
        ),
        progress: t.progress.clone(),
        plans: t.plans.clone(),
        problems: t.problems.clone(),
        blockers: t.blockers.clone(),
        errors,
    }
}
