//! `/api/v1/notifications`: the signed-in person's notifications, with their text in the
//! caller's language, and marking them read. Someone else's id is 404.

use super::pages::PAGE;
use super::text;
use crate::auth::me::Me;
use crate::shared::{Page, Query, parse_id};
use crate::{AppError, AppState};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_notifications))
        .routes(routes!(read_notification))
        .routes(routes!(read_all_notifications))
}

#[derive(Serialize, ToSchema)]
pub struct NotificationDto {
    id: Uuid,
    /// `checkin_comment`, `checkin_reply`, `record_assigned` or `target_set`.
    kind: String,
    /// What happened, in the caller's language.
    text: String,
    /// The arguments the text was made from.
    args: BTreeMap<String, String>,
    /// A path inside keel.
    link: String,
    created_at: DateTime<Utc>,
    read_at: Option<DateTime<Utc>>,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListParams {
    /// The `next` of the previous page.
    after: Option<String>,
    /// Page size, 1 to 100 (default 30).
    limit: Option<u32>,
}

/// Your notifications, newest first.
#[utoipa::path(get, path = "/api/v1/notifications", tag = "notifications", params(ListParams),
    responses((status = 200, body = Page<NotificationDto>)))]
async fn list_notifications(
    State(state): State<AppState>,
    me: Me,
    Query(q): Query<ListParams>,
) -> Result<Json<Page<NotificationDto>>, AppError> {
    let after = q.after.as_deref().map(parse_id).transpose()?;
    let limit = q.limit.unwrap_or(PAGE).clamp(1, 100);
    let (rows, more) = state
        .db
        .notifications_of(me.user.person_id, after, limit)
        .await?;
    let next = more
        .then(|| rows.last().map(|n| n.id.to_string()))
        .flatten();
    let items = rows
        .iter()
        .map(|n| NotificationDto {
            id: n.id,
            kind: n.kind.clone(),
            text: text(me.l(), n),
            args: n.args(),
            link: n.link.clone(),
            created_at: n.created_at,
            read_at: n.read_at,
        })
        .collect();
    Ok(Json(Page { items, next }))
}

/// Marks one of your notifications read.
#[utoipa::path(post, path = "/api/v1/notifications/{id}/read", tag = "notifications",
    params(("id" = Uuid, Path, description = "notification id")),
    responses((status = 204, description = "read"), (status = 404, description = "no such notification of yours")))]
async fn read_notification(
    State(state): State<AppState>,
    me: Me,
    Path(id): Path<String>,
) -> Result<StatusCode, AppError> {
    state
        .db
        .mark_notification_read(me.user.person_id, parse_id(&id)?)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Serialize, ToSchema)]
pub struct ReadAllDto {
    /// How many were unread.
    marked: u64,
}

/// Marks all your notifications read.
#[utoipa::path(post, path = "/api/v1/notifications/read-all", tag = "notifications",
    responses((status = 200, body = ReadAllDto)))]
async fn read_all_notifications(
    State(state): State<AppState>,
    me: Me,
) -> Result<Json<ReadAllDto>, AppError> {
    let marked = state
        .db
        .mark_all_notifications_read(me.user.person_id)
        .await?;
    Ok(Json(ReadAllDto { marked }))
}
