//! The signed-in home page: who you are, and your numbers for today, each linking to its list.

use crate::{AppError, AppState, context::Ctx};
use askama::Template;
use axum::extract::State;
use axum::response::{Html, IntoResponse, Redirect, Response};
use keel_views::{HomePage, Tile};

pub async fn page(State(state): State<AppState>, ctx: Ctx) -> Result<Response, AppError> {
    let Some(user) = &ctx.user else {
        let to = if state.db.is_first_run().await? {
            "/setup"
        } else {
            "/login"
        };
        return Ok(Redirect::to(to).into_response());
    };
    let organisation = state.db.organisation_name().await?.unwrap_or_default();
    let l = ctx.l;
    let role =
        keel_domain::roles::Role::parse(&user.role).unwrap_or(keel_domain::roles::Role::Member);
    let actor = keel_db::visibility::Actor {
        id: user.person_id,
        role,
        is_hr: user.is_hr,
    };
    let today = ctx.today();
    let n = state.db.home_numbers(&actor, today).await?;
    let reminders = state.db.checkin_reminders(&actor, today).await?;
    let tiles = vec![
        Tile {
            value: l.number(n.tasks_due),
            label: l.t("home-tasks-due"),
            href: "/today",
        },
        Tile {
            value: l.number(n.open_deals),
            label: l.t("home-open-deals"),
            href: "/deals?mine=1&open=1",
        },
        Tile {
            value: l.money(n.open_amount_cny_minor, "CNY"),
            label: l.t("home-open-amount"),
            href: "/deals/board?mine=1",
        },
        Tile {
            value: l.number(n.pool_leads),
            label: l.t("home-pool-leads"),
            href: "/pool?kind=leads",
        },
    ];
    let checkin_due = reminders.mine.map(|c| {
        let key = if c.overdue(today) {
            "home-checkin-overdue"
        } else {
            "home-checkin-due"
        };
        let cycle = format!("{} – {}", l.date(c.start), l.date(c.end));
        l.t_args(key, &[("cycle", &cycle), ("due", &l.date(c.due))])
    });
    let reports_missing = (reminders.reports_missing > 0).then(|| {
        l.t_args(
            "home-reports-missing",
            &[
                ("count", &reminders.reports_missing.to_string()),
                ("overdue", &reminders.reports_overdue.to_string()),
            ],
        )
    });
    let page = HomePage {
        checkin_overdue: reminders.mine.is_some_and(|c| c.overdue(today)),
        checkin_due,
        reports_missing,
        tiles,
        welcome: ctx.l.t_args("home-welcome", &[("name", &user.name)]),
        role: ctx.l.t(&format!("role-{}", user.role)),
        organisation,
        chrome: ctx.chrome(),
    };
    Ok(Html(page.render()?).into_response())
}
