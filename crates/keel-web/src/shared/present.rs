//! How values read on a page, in the reader's language: metric values in their units, money,
//! goal measures; and the people a reader may hand records to, for owner choices.

use crate::auth::me::Me;
use crate::{AppError, AppState};
use keel_db::goals::Measure;
use keel_db::metrics::STALLED_DAYS;
use keel_db::people::PeopleQuery;
use keel_db::rollups::Scope;
use keel_domain::metrics::{Metric, Unit};
use keel_domain::time::{Zone, now};
use keel_i18n::{Locale, offset_label};
use keel_views::Choice;
use uuid::Uuid;

/// A metric's value as a reader sees it, in the unit the metric is kept in.
pub fn format_value(l: Locale, unit: Unit, value: Option<i64>, currency: &str) -> String {
    let Some(v) = value else {
        return l.t("kpi-empty");
    };
    match unit {
        Unit::Count | Unit::Score => l.number(v),
        Unit::Money => l.money(v, currency),
        Unit::Permille => format!("{}%", l.fixed(v, 1)),
        Unit::TenthDays => l.t_args("kpi-days", &[("value", &l.fixed(v, 1))]),
        Unit::Hundredths => l.fixed(v, 2),
    }
}

pub fn metric_name(l: Locale, m: Metric) -> String {
    l.t(&m.i18n_key())
}

pub fn metric_definition(l: Locale, m: Metric) -> String {
    l.t_args(
        &format!("{}-def", m.i18n_key()),
        &[("days", &STALLED_DAYS.to_string())],
    )
}

/// A value of a goal's measure as the reader sees it; "done" reads done / not done.
pub fn value_text(l: Locale, measure: Measure, value: Option<i64>, currency: &str) -> String {
    match (measure, value) {
        (Measure::Done, Some(v)) => l.t(if v >= 1 {
            "goal-done-yes"
        } else {
            "goal-done-no"
        }),
        _ => format_value(l, measure.unit(), value, currency),
    }
}

/// The number as typed in a form, without grouping: the inverse of
/// [`parse_value`](super::params::parse_value).
pub fn plain_value(unit: Unit, v: i64) -> String {
    let decimals = decimals(unit);
    if decimals == 0 {
        return v.to_string();
    }
    let scale = 10_i64.pow(decimals);
    let sign = if v < 0 { "-" } else { "" };
    let abs = v.unsigned_abs();
    format!(
        "{sign}{}.{:0w$}",
        abs / scale as u64,
        abs % scale as u64,
        w = decimals as usize
    )
}

pub(crate) fn decimals(unit: Unit) -> u32 {
    match unit {
        Unit::Count | Unit::Score => 0,
        Unit::Permille | Unit::TenthDays => 1,
        Unit::Money | Unit::Hundredths => 2,
    }
}

/// What a goal's value field expects, in words.
pub fn unit_hint(l: Locale, measure: Measure, currency: &str) -> String {
    match measure {
        Measure::Done => l.t("goal-hint-done"),
        _ => match measure.unit() {
            Unit::Money => l.t_args("goal-hint-money", &[("currency", currency)]),
            Unit::Permille => l.t("goal-hint-percent"),
            Unit::TenthDays => l.t("goal-hint-days"),
            Unit::Hundredths => l.t("goal-hint-hundredths"),
            Unit::Count | Unit::Score => l.t("goal-hint-number"),
        },
    }
}

pub fn progress_text(l: Locale, p: Option<i64>) -> String {
    match p {
        Some(p) => format!("{}%", l.fixed(p, 1)),
        None => l.t("goal-no-data"),
    }
}

pub fn measure_label(l: Locale, m: Measure) -> String {
    match m {
        Measure::Metric(m) => metric_name(l, m),
        other => l.t(&format!("goal-measure-{}", other.kind())),
    }
}

/// The people `me` may give records to: themselves and their reporting line (everyone, for
/// directors and admins), as (id, name).
pub async fn assignable(state: &AppState, me: &Me) -> Result<Vec<(Uuid, String)>, AppError> {
    let line = state.db.reporting_line(me.user.person_id).await?;
    let q = PeopleQuery {
        limit: 500,
        ..Default::default()
    };
    let (people, _) = state.db.people(&me.actor(), &q).await?;
    Ok(people
        .into_iter()
        .filter(|p| me.actor().sees_everything() || line.contains(&p.id))
        .map(|p| (p.id, p.name))
        .collect())
}

/// The scopes this person may pick: the organisation, teams and people they may measure.
pub async fn scope_choices(
    state: &AppState,
    me: &Me,
    current: Scope,
) -> Result<Vec<Choice>, AppError> {
    let l = me.l();
    let actor = me.actor();
    let all = actor.sees_everything() || actor.is_hr;
    let line = state.db.reporting_line(actor.id).await?;
    let mut items: Vec<(String, String)> = Vec::new();
    if all {
        items.push(("org".into(), l.t("kpi-scope-org")));
    }
    items.push((
        super::params::scope_text(Scope::Person(actor.id)),
        l.t("kpi-scope-me"),
    ));
    for t in state.db.teams().await? {
        if all || t.lead_id.is_some_and(|lead| line.contains(&lead)) {
            let label = l.t_args("kpi-scope-team", &[("name", &t.name)]);
            items.push((super::params::scope_text(Scope::Team(t.id)), label));
        }
    }
    let q = keel_db::people::PeopleQuery {
        limit: 500,
        ..Default::default()
    };
    let people = state.db.people(&actor, &q).await?.0;
    for p in people {
        if p.id != actor.id && (all || line.contains(&p.id)) {
            items.push((super::params::scope_text(Scope::Person(p.id)), p.name));
        }
    }
    Ok(Choice::pick(items, &super::params::scope_text(current)))
}

/// A zone as a person picks it: `Asia/Shanghai (UTC+8)`, with its offset now.
pub fn zone_label(zone: Zone) -> String {
    format!("{} ({})", zone.name(), offset_label(zone.offset_at(now())))
}

/// The options of a zone select, `current` selected; with `inherit`, a first option (the
/// empty value) that stands for "the organisation's".
pub fn zone_choices(current: Option<Zone>, inherit: Option<String>) -> Vec<Choice> {
    let first = inherit.map(|label| Choice {
        value: String::new(),
        label,
        selected: current.is_none(),
    });
    first
        .into_iter()
        .chain(
            Zone::names()
                .into_iter()
                .filter_map(Zone::parse)
                .map(|z| Choice {
                    value: z.name().to_owned(),
                    label: zone_label(z),
                    selected: Some(z) == current,
                }),
        )
        .collect()
}
