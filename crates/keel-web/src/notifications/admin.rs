//! `/admin/email`: what keel has sent, is waiting to send and gave up on, with the SMTP
//! error of each failure and a button to try a failed e-mail again. Administrators only.

use super::text;
use crate::auth::me::Me;
use crate::shared::{Query, parse_id};
use crate::{AppError, AppState};
use askama::Template;
use axum::extract::{Path, State};
use axum::response::{Html, Redirect};
use keel_domain::roles::Role;
use keel_views::{EmailAdminPage, OutboxItem};
use serde::Deserialize;

const SHOWN: u32 = 100;
const STATES: [&str; 4] = ["pending", "failed", "sent", "cancelled"];

fn admin(me: &Me) -> Result<(), AppError> {
    if me.role == Role::Admin {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct Filter {
    status: Option<String>,
    retried: Option<String>,
}

pub(super) async fn page(
    State(state): State<AppState>,
    me: Me,
    Query(f): Query<Filter>,
) -> Result<Html<String>, AppError> {
    admin(&me)?;
    let l = me.l();
    let status = f.status.as_deref().filter(|s| STATES.contains(s));
    let db = &state.db;
    let zone = db.viewer_zone(me.user.person_id).await?;
    let counts = db.outbox_counts().await?;
    let total: i64 = counts.iter().map(|c| c.1).sum();
    let mut tabs = vec![(
        l.t("email-admin-all"),
        total,
        "/admin/email".to_owned(),
        status.is_none(),
    )];
    for s in STATES {
        let n = counts.iter().find(|c| c.0 == s).map_or(0, |c| c.1);
        tabs.push((
            l.t(&format!("email-admin-{s}")),
            n,
            format!("/admin/email?status={s}"),
            status == Some(s),
        ));
    }
    let mut rows = Vec::new();
    for r in db.outbox(status, SHOWN).await? {
        let subject = match (r.notification_id, r.digest_to) {
            (Some(id), _) => match db.notification(r.person_id, id).await {
                Ok(n) => text(l, &n),
                Err(_) => l.t("notification-unknown"),
            },
            (None, Some(to)) => {
                l.t_args("email-admin-digest", &[("when", &l.moment(zone.local(to)))])
            }
            _ => String::new(),
        };
        let status_class = match r.status.as_str() {
            "failed" => "bad",
            "sent" => "good",
            "pending" => "warn",
            _ => "",
        };
        let next_try = if r.status == "pending" && r.attempts > 0 {
            l.t_args(
                "email-admin-next-try",
                &[("when", &l.moment(zone.local(r.due_at)))],
            )
        } else {
            String::new()
        };
        rows.push(OutboxItem {
            id: r.id.to_string(),
            created: l.moment(zone.local(r.created_at)),
            to: match &r.to_address {
                Some(a) => format!("{} <{a}>", r.person_name),
                None => r.person_name.clone(),
            },
            subject,
            status: l.t(&format!("email-admin-{}", r.status)),
            status_class,
            attempts: r.attempts.to_string(),
            next_try,
            error: r.last_error.clone().unwrap_or_default(),
            retry: r.status == "failed",
        });
    }
    let configured = state.mailer.is_some();
    let server = match &state.mailer {
        Some(m) => l.t_args(
            "email-admin-server",
            &[("server", &m.server), ("from", &m.from())],
        ),
        None => l.t("email-admin-no-server"),
    };
    let page = EmailAdminPage {
        chrome: me.ctx.chrome(),
        server,
        configured,
        counts: tabs,
        rows,
        notice: f.retried.is_some().then(|| l.t("email-admin-retried")),
    };
    Ok(Html(page.render()?))
}

pub(super) async fn retry(
    State(state): State<AppState>,
    me: Me,
    Path(id): Path<String>,
) -> Result<Redirect, AppError> {
    admin(&me)?;
    state
        .db
        .retry_email(me.user.person_id, parse_id(&id)?)
        .await?;
    Ok(Redirect::to("/admin/email?status=pending&retried=1"))
}
