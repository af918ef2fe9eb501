//! Check-ins: `/checkins` (my check-in for the current cycle and my previous ones),
//! `/checkins/{id}` (one check-in with its thread, reactions and follow-up flags),
//! `/checkins/team` (a team's cycle), and the same services at `/api/v1/checkins`.
//! Who may read what is decided in keel-db; these handlers only format.

mod api;
mod form;
mod pages;
mod team;

use crate::AppState;
use crate::shared::routes::{Routes, get, post};
use keel_db::checkins::Checkin;
use keel_domain::checkins::Cycle;
use keel_domain::time::Zone;
use keel_i18n::Locale;
use keel_views::CheckinRow;
use utoipa_axum::router::OpenApiRouter;

pub fn routes() -> Routes {
    Routes::new()
        .route("/checkins", get(pages::mine).post(pages::submit))
        .route("/checkins/team", get(team::page))
        .route("/checkins/team/settings", post(team::settings))
        .route("/checkins/flags/{id}/resolve", post(pages::resolve))
        .route("/checkins/{id}", get(pages::show))
        .route("/checkins/{id}/comments", post(pages::comment))
        .route("/checkins/{id}/reactions", post(pages::react))
        .route("/checkins/{id}/flags", post(pages::flag))
        .route("/checkins/{id}/review", post(pages::review))
}

pub fn api_routes() -> OpenApiRouter<AppState> {
    api::routes()
}

/// "9 Mar – 15 Mar · due 13 Mar".
pub(crate) fn cycle_text(l: Locale, c: &Cycle) -> String {
    l.t_args(
        "checkin-cycle-text",
        &[
            ("start", &l.date(c.start)),
            ("end", &l.date(c.end)),
            ("due", &l.date(c.due)),
        ],
    )
}

pub(crate) fn mood_text(l: Locale, mood: i32) -> String {
    l.t(&format!("checkin-mood-{}", mood.clamp(1, 5)))
}

/// A check-in in a list; `z` is the zone the viewer reads times in.
pub(crate) fn row(l: Locale, z: Zone, c: &Checkin) -> CheckinRow {
    CheckinRow {
        href: format!("/checkins/{}", c.id),
        who: c.person_name.clone(),
        cycle: cycle_text(l, &c.cycle),
        submitted: l.moment(z.local(c.submitted_at)),
        confidence: c.confidence.to_string(),
        mood: mood_text(l, c.mood),
        reviewed: c.reviewed_at.is_some(),
    }
}

/// An error code from a redirect, localized, if it looks like one.
pub(crate) fn error_text(l: Locale, code: Option<String>) -> Option<String> {
    code.filter(|e| e.bytes().all(|b| b.is_ascii_lowercase() || b == b'_'))
        .map(|e| l.t(&format!("error-{e}")))
}
