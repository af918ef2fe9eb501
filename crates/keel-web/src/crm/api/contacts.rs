//! `/api/v1/accounts/{id}/contacts`: an account's contacts.

use super::storage;
use crate::auth::me::Me;
use crate::shared::Id;
use crate::shared::extract::ApiJson;
use crate::shared::invalid;
use crate::{AppError, AppState};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use keel_db::contacts::{Contact, ContactInput};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list_contacts, create_contact))
}

#[derive(Serialize, ToSchema)]
pub struct ContactDto {
    id: Uuid,
    account_id: Option<Uuid>,
    name: String,
    title: Option<String>,
    phone: Option<String>,
    email: Option<String>,
    owner_id: Uuid,
    created_at: DateTime<Utc>,
}

impl From<Contact> for ContactDto {
    fn from(c: Contact) -> Self {
        ContactDto {
            id: c.id,
            account_id: c.account_id,
            name: c.name,
            title: c.title,
            phone: c.phone,
            email: c.email,
            owner_id: c.owner_id,
            created_at: c.created_at,
        }
    }
}

/// An account's contacts.
#[utoipa::path(get, path = "/api/v1/accounts/{id}/contacts", tag = "crm", params(("id" = Uuid, Path, description = "account id")),
    responses((status = 200, body = Vec<ContactDto>), (status = 404, description = "no such account")))]
async fn list_contacts(
    State(state): State<AppState>,
    me: Me,
    Id(id): Id,
) -> Result<Json<Vec<ContactDto>>, AppError> {
    let rows = state.db.contacts_of(&me.actor(), id).await?;
    Ok(Json(rows.into_iter().map(Into::into).collect()))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewContactDto {
    name: String,
    title: Option<String>,
    phone: Option<String>,
    email: Option<String>,
    notes: Option<String>,
}

#[utoipa::path(post, path = "/api/v1/accounts/{id}/contacts", tag = "crm", request_body = NewContactDto,
    params(("id" = Uuid, Path, description = "account id")),
    responses((status = 201, body = ContactDto), (status = 403, description = "not your account or your line's"),
        (status = 404, description = "no such account")))]
async fn create_contact(
    State(state): State<AppState>,
    me: Me,
    Id(id): Id,
    ApiJson(b): ApiJson<NewContactDto>,
) -> Result<(StatusCode, Json<ContactDto>), AppError> {
    let account = id;
    if let Some(e) = crate::shared::fields::required(me.l(), &b.name, 100) {
        return Err(invalid("name", e));
    }
    let input = ContactInput {
        name: b.name.trim().to_owned(),
        title: b.title,
        phone: b.phone,
        email: b.email,
        notes: b.notes,
    };
    let cid = state
        .db
        .add_contact(&me.actor(), account, &input)
        .await
        .map_err(|e| storage(&me, e))?;
    let all = state.db.contacts_of(&me.actor(), account).await?;
    let c = all
        .into_iter()
        .find(|c| c.id == cid)
        .ok_or(AppError::NotFound)?;
    Ok((StatusCode::CREATED, Json(c.into())))
}
