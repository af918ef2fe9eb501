//! `/notifications`: the list (newest first, keyset paged), the bell's count, opening one
//! (marks it read and follows its link), marking one or all read. A person only ever reaches
//! their own: another person's id is 404, exactly like an unknown one.

use super::text;
use crate::auth::me::Me;
use crate::context::Ctx;
use crate::shared::{Query, parse_id};
use crate::{AppError, AppState};
use askama::Template;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use keel_views::{Bell, NotificationItem, NotificationsPage};
use serde::Deserialize;

pub(super) const PAGE: u32 = 30;

#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct ListQuery {
    after: Option<String>,
}

pub(super) async fn list(
    State(state): State<AppState>,
    me: Me,
    Query(q): Query<ListQuery>,
) -> Result<Html<String>, AppError> {
    let l = me.l();
    let person = me.user.person_id;
    let after = q.after.as_deref().map(parse_id).transpose()?;
    let (rows, more) = state.db.notifications_of(person, after, PAGE).await?;
    let zone = state.db.viewer_zone(person).await?;
    let unread = state.db.unread_notifications(person).await?;
    let next = more
        .then(|| {
            rows.last()
                .map(|n| format!("/notifications?after={}", n.id))
        })
        .flatten();
    let items = rows
        .iter()
        .map(|n| NotificationItem {
            id: n.id.to_string(),
            text: text(l, n),
            href: format!("/notifications/{}/open", n.id),
            time: l.moment(zone.local(n.created_at)),
            unread: n.read_at.is_none(),
        })
        .collect();
    let page = NotificationsPage {
        chrome: me.ctx.chrome(),
        items,
        unread,
        next,
        older: after.is_some(),
    };
    Ok(Html(page.render()?))
}

/// The bell's inside, polled by htmx from every page; never cached. When the session has
/// ended, a 401 that htmx does not swap in, telling it to go to the login page (a redirect
/// would put the login page inside the bell).
pub(super) async fn bell(State(state): State<AppState>, ctx: Ctx) -> Result<Response, AppError> {
    let Some(user) = &ctx.user else {
        return Ok((
            StatusCode::UNAUTHORIZED,
            [("hx-redirect", "/login")],
            Html(String::new()),
        )
            .into_response());
    };
    let unread = state.db.unread_notifications(user.person_id).await?;
    let html = Bell { l: ctx.l, unread }.render()?;
    Ok(([(header::CACHE_CONTROL, "no-store")], Html(html)).into_response())
}

/// Marks it read and goes where it points.
pub(super) async fn open(
    State(state): State<AppState>,
    me: Me,
    Path(id): Path<String>,
) -> Result<Redirect, AppError> {
    let id = parse_id(&id)?;
    let n = state.db.notification(me.user.person_id, id).await?;
    state
        .db
        .mark_notification_read(me.user.person_id, id)
        .await?;
    // Links are paths keel made; anything else goes to the list.
    let to = if n.link.starts_with('/') && !n.link.starts_with("//") {
        n.link
    } else {
        "/notifications".into()
    };
    Ok(Redirect::to(&to))
}

pub(super) async fn read(
    State(state): State<AppState>,
    me: Me,
    Path(id): Path<String>,
) -> Result<Redirect, AppError> {
    state
        .db
        .mark_notification_read(me.user.person_id, parse_id(&id)?)
        .await?;
    Ok(Redirect::to("/notifications"))
}

pub(super) async fn read_all(State(state): State<AppState>, me: Me) -> Result<Redirect, AppError> {
    state
        .db
        .mark_all_notifications_read(me.user.person_id)
        .await?;
    Ok(Redirect::to("/notifications"))
}
