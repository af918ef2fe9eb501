//! Goals: `/goals` (mine and those I contribute to), `/goals/tree` (the alignment tree),
//! `/goals/{id}` (one goal, its progress over time and its adjustments), the goal form with
//! its SMART panel, and the same services at `/api/v1/goals`.

mod api;
mod form;
mod pages;
mod smart;

use crate::AppState;
use crate::shared::present::{progress_text, value_text};
use crate::shared::routes::{Routes, get, post};
use keel_db::goal_progress::Standing;
use keel_db::goals::{Goal, Owner};
use keel_domain::goals::Status;
use keel_i18n::Locale;
use keel_views::{GoalRow, StatusChip};
use utoipa_axum::router::OpenApiRouter;

pub fn routes() -> Routes {
    Routes::new()
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

pub(crate) fn status_chip(l: Locale, s: Status) -> StatusChip {
    StatusChip {
        class: s.as_str().into(),
        label: l.t(s.i18n_key()),
    }
}

pub(crate) fn owner_label(l: Locale, g: &Goal) -> String {
    match g.input.owner {
        Owner::Org => l.t("goal-owner-org"),
        Owner::Team(_) => l.t_args("goal-owner-team", &[("name", &g.owner_name)]),
        Owner::Person(_) => g.owner_name.clone(),
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
