//! Goals: `/goals` (mine and those I contribute to), `/goals/tree` (the alignment tree),
//! `/goals/{id}` (one goal, its progress over time and its adjustments), the goal form with
//! its SMART panel, and the same services at `/api/v1/goals`.

mod api;
mod form;
mod pages;
mod smart;

use crate::AppState;
use axum::Router;
use axum::routing::{get, post};
use keel_db::goal_progress::Standing;
use keel_db::goals::{Goal, Measure, Owner};
use keel_domain::goals::Status;
use keel_domain::metrics::Unit;
use keel_i18n::Locale;
use keel_views::{GoalRow, StatusChip};
use utoipa_axum::router::OpenApiRouter;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/goals", get(pages::mine).post(pages::create))
        .route("/goals/tree", get(pages::tree))
        .route("/goals/new", get(pages::new_form))
        .route("/goals/smart", post(pages::smart_panel))
        .route("/goals/settings", post(pages::settings))
        .route("/goals/{id}", get(pages::show).post(pages::update))
        .route("/goals/{id}/edit", get(pages::edit_form))
        .route("/goals/{id}/value", post(pages::record_value))
        .route("/goals/{id}/status", post(pages::set_status))
}

pub fn api_routes() -> OpenApiRouter<AppState> {
    api::routes()
}

/// A value of a goal's measure as the reader sees it; "done" reads done / not done.
pub(crate) fn value_text(
    l: Locale,
    measure: Measure,
    value: Option<i64>,
    currency: &str,
) -> String {
    match (measure, value) {
        (Measure::Done, Some(v)) => l.t(if v >= 1 {
            "goal-done-yes"
        } else {
            "goal-done-no"
        }),
        _ => crate::kpis::format_value(l, measure.unit(), value, currency),
    }
}

/// The number as typed in a form, without grouping: the inverse of [`parse_value`].
pub(crate) fn plain_value(unit: Unit, v: i64) -> String {
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

fn decimals(unit: Unit) -> u32 {
    match unit {
        Unit::Count | Unit::Score => 0,
        Unit::Permille | Unit::TenthDays => 1,
        Unit::Money | Unit::Hundredths => 2,
    }
}

/// The largest magnitude a goal value may have (as for deal amounts, sums stay inside i64).
pub(crate) const MAX_VALUE: i64 = 1_000_000_000_000_000;

/// A value typed in the unit's reading (`12.5` for 12.5 %, `1,000.00` for money) as the
/// integer the unit keeps; `None` when it is not a number or has too many decimals.
pub(crate) fn parse_value(unit: Unit, text: &str) -> Option<i64> {
    let cleaned: String = text
        .trim()
        .trim_start_matches(['¥', '￥', '$', '€'])
        .trim_end_matches('%')
        .chars()
        .filter(|c| !matches!(c, ',' | ' ' | '\u{a0}'))
        .collect();
    let (negative, digits) = match cleaned.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, cleaned.as_str()),
    };
    let (int, frac) = digits.split_once('.').unwrap_or((digits, ""));
    let places = decimals(unit) as usize;
    if int.is_empty()
        || !int.bytes().all(|b| b.is_ascii_digit())
        || frac.len() > places
        || !frac.bytes().all(|b| b.is_ascii_digit())
        || int.len() > 18
    {
        return None;
    }
    let scale = 10_i64.pow(places as u32);
    let frac_value = if frac.is_empty() {
        0
    } else {
        frac.parse::<i64>().ok()? * 10_i64.pow((places - frac.len()) as u32)
    };
    let v = int
        .parse::<i64>()
        .ok()?
        .checked_mul(scale)?
        .checked_add(frac_value)?;
    (v <= MAX_VALUE).then_some(if negative { -v } else { v })
}

/// What the value field expects, in words.
pub(crate) fn unit_hint(l: Locale, measure: Measure, currency: &str) -> String {
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

pub(crate) fn status_chip(l: Locale, s: Status) -> StatusChip {
    StatusChip {
        class: s.as_str().into(),
        label: l.t(s.i18n_key()),
    }
}

pub(crate) fn progress_text(l: Locale, p: Option<i64>) -> String {
    match p {
        Some(p) => format!("{}%", l.fixed(p, 1)),
        None => l.t("goal-no-data"),
    }
}

pub(crate) fn owner_label(l: Locale, g: &Goal) -> String {
    match g.input.owner {
        Owner::Org => l.t("goal-owner-org"),
        Owner::Team(_) => l.t_args("goal-owner-team", &[("name", &g.owner_name)]),
        Owner::Person(_) => g.owner_name.clone(),
    }
}

pub(crate) fn measure_label(l: Locale, m: Measure) -> String {
    match m {
        Measure::Metric(m) => crate::kpis::metric_name(l, m),
        other => l.t(&format!("goal-measure-{}", other.kind())),
    }
}

/// A goal as a row of a list or tree.
pub(crate) fn row(l: Locale, g: &Goal, s: Option<&Standing>, depth: usize) -> GoalRow {
    let currency = s.map(|s| s.currency.as_str()).unwrap_or("");
    let current = s.and_then(|s| s.current);
    let progress = s.and_then(|s| s.progress);
    GoalRow {
        id: g.id.to_string(),
        title: g.input.title.clone(),
        owner: owner_label(l, g),
        period: g.input.period.label(),
        value: format!(
            "{} / {}",
            value_text(l, g.input.measure, current, currency),
            value_text(l, g.input.measure, Some(g.input.target), currency)
        ),
        bar: progress.map_or(0, |p| (p / 10).clamp(0, 100)),
        progress: progress_text(l, progress),
        status: s.and_then(|s| s.status).map(|st| status_chip(l, st)),
        depth,
        private: g.input.visibility == keel_db::goals::Visibility::Private,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_parse_in_their_units_and_print_back() {
        assert_eq!(parse_value(Unit::Money, "¥1,000.5"), Some(100_050));
        assert_eq!(parse_value(Unit::Permille, "45.6%"), Some(456));
        assert_eq!(parse_value(Unit::Permille, "45"), Some(450));
        assert_eq!(parse_value(Unit::Score, "-20"), Some(-20));
        assert_eq!(parse_value(Unit::Count, "1.5"), None);
        assert_eq!(parse_value(Unit::Hundredths, "4.275"), None);
        assert_eq!(parse_value(Unit::Count, "abc"), None);
        assert_eq!(parse_value(Unit::Count, ""), None);
        for (unit, v) in [
            (Unit::Money, 100_050),
            (Unit::Permille, -5),
            (Unit::Hundredths, 427),
            (Unit::Count, 12),
        ] {
            assert_eq!(parse_value(unit, &plain_value(unit, v)), Some(v));
        }
    }
}
