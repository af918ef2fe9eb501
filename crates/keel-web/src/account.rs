//! The signed-in person's own account: password, language, personal API tokens; and
//! `/api/v1/tokens` for the same tokens.

use crate::auth::me::Me;
use crate::auth::{login, passwords, session, tokens};
use crate::shared::Form;
use crate::shared::Id;
use crate::shared::extract::ApiJson;
use crate::shared::routes::{Routes, get, post};
use crate::{AppError, AppState};
use askama::Template;
use axum::Json;
use axum::extract::{ConnectInfo, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use chrono::{DateTime, Utc};
use keel_db::tokens::Token;
use keel_domain::roles::Action;
use keel_views::{SettingsPage, TokenRow};
use serde::{Deserialize, Serialize};
use std::net::SocketAddr;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

pub fn routes() -> Routes {
    Routes::new()
        .route("/settings", get(page))
        .route("/settings/password", post(change_password))
        .route("/settings/time-zone", post(change_zone))
        .route("/settings/tokens", post(create_token))
        .route("/settings/tokens/{id}/revoke", post(revoke_token))
}

pub fn api_routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_tokens, api_create_token))
        .routes(routes!(api_revoke_token))
}

struct Notes {
    /// A zone refused, with what was wrong.
    zone_error: Option<String>,
    new_token: Option<String>,
    notice: Option<String>,
    error: Option<String>,
}

async fn render(
    state: &AppState,
    me: &Me,
    notes: Notes,
    status: StatusCode,
) -> Result<Response, AppError> {
    let l = me.l();
    let tokens = state.db.tokens_of(me.user.person_id).await?;
    let page = SettingsPage {
        tokens: tokens
            .into_iter()
            .map(|t| TokenRow {
                id: t.id.to_string(),
                name: t.name,
                prefix: t.prefix,
                created: me.time(t.created_at),
                last_used: t
                    .last_used_at
                    .map(|d| me.time(d))
                    .unwrap_or_else(|| "—".into()),
                revoked: t.revoked_at.is_some(),
            })
            .collect(),
        new_token: notes.new_token,
        notice: notes.notice,
        error: notes.error,
        zones: crate::shared::present::zone_choices(
            state.db.own_zone(me.user.person_id).await?,
            Some(l.t_args(
                "settings-time-zone-org",
                &[("zone", &crate::shared::present::zone_label(me.zone()))],
            )),
        ),
        zone_error: notes.zone_error,
        notifications: crate::notifications::settings::section(state, me).await?,
        chrome: me.ctx.chrome(),
    };
    Ok((status, Html(page.render()?)).into_response())
}

/// The settings page with a message, for other sections' forms that post elsewhere.
pub(crate) async fn settings_with(
    state: &AppState,
    me: &Me,
    notice: Option<String>,
    error: Option<String>,
    status: StatusCode,
) -> Result<Response, AppError> {
    let notes = Notes {
        zone_error: None,
        new_token: None,
        notice,
        error,
    };
    render(state, me, notes, status).await
}

async fn page(State(state): State<AppState>, me: Me) -> Result<Response, AppError> {
    me.require(Action::ManageOwnAccount)?;
    render(
        &state,
        &me,
        Notes {
            zone_error: None,
            new_token: None,
            notice: None,
            error: None,
        },
        StatusCode::OK,
    )
    .await
}

/// Chooses the zone times are shown in (empty: the organisation's).
async fn change_zone(
    State(state): State<AppState>,
    me: Me,
    Form(f): Form<crate::shared::params::ZoneForm>,
) -> Result<Response, AppError> {
    me.require(Action::ManageOwnAccount)?;
    let l = me.l();
    match crate::shared::params::parse_zone(l, &f.time_zone) {
        Ok(zone) => {
            state.db.set_own_zone(me.user.person_id, zone).await?;
            Ok(Redirect::to("/settings").into_response())
        }
        Err(e) => {
            let notes = Notes {
                zone_error: Some(e),
                new_token: None,
                notice: None,
                error: None,
            };
            render(&state, &me, notes, StatusCode::UNPROCESSABLE_ENTITY).await
        }
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct PasswordForm {
    current: String,
    password: String,
}

/// Changing your own password needs the current one; your other sessions end.
async fn change_password(
    State(state): State<AppState>,
    me: Me,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Form(f): Form<PasswordForm>,
) -> Result<Response, AppError> {
    me.require(Action::ManageOwnAccount)?;
    let l = me.l();
    // Guessing the current password here counts against the same limits as the login form.
    let email = me
        .user
        .email
        .clone()
        .unwrap_or_else(|| me.user.person_id.to_string());
    let address = login::client_address(&state, &headers, peer);
    let throttle = login::Throttle::count(&state, &email, &address).await?;
    if throttle.exceeded {
        let notes = Notes {
            zone_error: None,
            new_token: None,
            notice: None,
            error: Some(l.t_args("login-throttled", &[("minutes", "15")])),
        };
        return render(&state, &me, notes, StatusCode::TOO_MANY_REQUESTS).await;
    }
    let stored = state.db.password_hash(me.user.person_id).await?;
    if !passwords::verify(stored, f.current).await {
        let notes = Notes {
            zone_error: None,
            new_token: None,
            notice: None,
            error: Some(l.t("error-wrong_password")),
        };
        return render(&state, &me, notes, StatusCode::UNPROCESSABLE_ENTITY).await;
    }
    if f.password.chars().count() < passwords::MIN_LENGTH || f.password.len() > 1024 {
        let notes = Notes {
            zone_error: None,
            new_token: None,
            notice: None,
            error: Some(l.t("field-password-short")),
        };
        return render(&state, &me, notes, StatusCode::UNPROCESSABLE_ENTITY).await;
    }
    let hash = passwords::hash(f.password).await?;
    let current =
        crate::context::cookie(&headers, session::COOKIE).map(|t| session::hash_token(&t));
    state
        .db
        .set_password(
            me.user.person_id,
            me.user.person_id,
            &hash,
            current.as_deref(),
        )
        .await?;
    let notes = Notes {
        zone_error: None,
        new_token: None,
        notice: Some(l.t("settings-password-changed")),
        error: None,
    };
    render(&state, &me, notes, StatusCode::OK).await
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct TokenForm {
    name: String,
}

async fn create_token(
    State(state): State<AppState>,
    me: Me,
    Form(f): Form<TokenForm>,
) -> Result<Response, AppError> {
    me.require(Action::ManageOwnAccount)?;
    let l = me.l();
    if let Some(e) = crate::shared::fields::required(l, &f.name, 100) {
        let notes = Notes {
            zone_error: None,
            new_token: None,
            notice: None,
            error: Some(format!("{}: {e}", l.t("token-name"))),
        };
        return render(&state, &me, notes, StatusCode::UNPROCESSABLE_ENTITY).await;
    }
    let (_, secret) = tokens::issue(&state.db, me.user.person_id, f.name.trim()).await?;
    render(
        &state,
        &me,
        Notes {
            zone_error: None,
            new_token: Some(secret),
            notice: None,
            error: None,
        },
        StatusCode::OK,
    )
    .await
}

async fn revoke_token(
    State(state): State<AppState>,
    me: Me,
    Id(id): Id,
) -> Result<Response, AppError> {
    me.require(Action::ManageOwnAccount)?;
    state.db.revoke_token(me.user.person_id, id).await?;
    Ok(Redirect::to("/settings").into_response())
}

/// New tokens need a signed-in person: a stolen token must not be able to mint more that
/// outlive its revocation.
fn no_token_from_token(me: &Me) -> Result<(), AppError> {
    if me.ctx.via_token {
        Err(AppError::Forbidden)
    } else {
        Ok(())
    }
}

#[derive(Serialize, ToSchema)]
pub struct TokenDto {
    id: Uuid,
    name: String,
    /// The first characters of the secret, to tell tokens apart.
    prefix: String,
    created_at: DateTime<Utc>,
    last_used_at: Option<DateTime<Utc>>,
    revoked_at: Option<DateTime<Utc>>,
}

impl From<Token> for TokenDto {
    fn from(t: Token) -> Self {
        TokenDto {
            id: t.id,
            name: t.name,
            prefix: t.prefix,
            created_at: t.created_at,
            last_used_at: t.last_used_at,
            revoked_at: t.revoked_at,
        }
    }
}

/// Your API tokens, newest first.
#[utoipa::path(get, path = "/api/v1/tokens", tag = "account", responses((status = 200, body = Vec<TokenDto>)))]
async fn list_tokens(
    State(state): State<AppState>,
    me: Me,
) -> Result<Json<Vec<TokenDto>>, AppError> {
    me.require(Action::ManageOwnAccount)?;
    Ok(Json(
        state
            .db
            .tokens_of(me.user.person_id)
            .await?
            .into_iter()
            .map(Into::into)
            .collect(),
    ))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewTokenDto {
    name: String,
}

/// A new token; `secret` is shown this once.
#[derive(Serialize, ToSchema)]
pub struct CreatedTokenDto {
    id: Uuid,
    secret: String,
}

/// Creates a token carrying your permissions (from a signed-in session, not from a token).
#[utoipa::path(post, path = "/api/v1/tokens", tag = "account", request_body = NewTokenDto,
    responses((status = 201, body = CreatedTokenDto), (status = 403, description = "called with a token"),
        (status = 422, description = "name missing or too long")))]
async fn api_create_token(
    State(state): State<AppState>,
    me: Me,
    ApiJson(b): ApiJson<NewTokenDto>,
) -> Result<(StatusCode, Json<CreatedTokenDto>), AppError> {
    me.require(Action::ManageOwnAccount)?;
    no_token_from_token(&me)?;
    if let Some(e) = crate::shared::fields::required(me.l(), &b.name, 100) {
        return Err(AppError::Invalid(vec![("name".into(), e)]));
    }
    let (id, secret) = tokens::issue(&state.db, me.user.person_id, b.name.trim()).await?;
    Ok((StatusCode::CREATED, Json(CreatedTokenDto { id, secret })))
}

/// Revokes one of your tokens; another person's token is 404, like one that does not exist.
#[utoipa::path(delete, path = "/api/v1/tokens/{id}", tag = "account",
    params(("id" = Uuid, Path, description = "token id")),
    responses((status = 204, description = "revoked"), (status = 404, description = "no such token of yours")))]
async fn api_revoke_token(
    State(state): State<AppState>,
    me: Me,
    Id(id): Id,
) -> Result<StatusCode, AppError> {
    me.require(Action::ManageOwnAccount)?;
    state.db.revoke_token(me.user.person_id, id).await?;
    Ok(StatusCode::NO_CONTENT)
}
