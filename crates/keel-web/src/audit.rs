//! The audit log, for admins: a filterable page and `/api/v1/audit`.

use crate::auth::me::Me;
use crate::shared::Query;
use crate::shared::params::opt_id;
use crate::shared::routes::{Routes, get};
use crate::{AppError, AppState, shared::Page};
use askama::Template;
use axum::Json;
use axum::extract::State;
use axum::response::Html;
use chrono::{DateTime, NaiveDate, Utc};
use keel_db::audit::{AuditQuery, AuditRow};
use keel_domain::roles::Action;
use keel_views::{AuditLine, AuditPage, Choice};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

const ENTITIES: [&str; 9] = [
    "organisation",
    "person",
    "team",
    "department",
    "api_token",
    "session",
    "account",
    "deal",
    "activity",
];

pub fn routes() -> Routes {
    Routes::new().route("/admin/audit", get(page))
}

pub fn api_routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list))
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Filters {
    entity: String,
    actor: String,
    from: String,
    to: String,
    before: String,
}

fn day(s: &str) -> Option<NaiveDate> {
    crate::shared::params::date(s)
}

async fn page(
    State(state): State<AppState>,
    me: Me,
    Query(f): Query<Filters>,
) -> Result<Html<String>, AppError> {
    me.require(Action::ViewAudit)?;
    let l = me.l();
    let entity = ENTITIES
        .iter()
        .find(|e| **e == f.entity)
        .map(|e| e.to_string());
    let actor = opt_id(&f.actor);
    let q = AuditQuery {
        actor,
        entity: entity.clone(),
        action: None,
        // The organisation's local days, inclusive of the whole "to" day.
        from: day(&f.from).map(|d| me.zone().start_of(d)),
        to: day(&f.to).map(|d| me.zone().range(d, d).1),
        before: opt_id(&f.before),
        limit: 100,
    };
    let (rows, more) = state.db.audit_log(&me.actor(), &q).await?;
    let next = more.then(|| rows.last()).flatten().map(|last| {
        format!(
            "/admin/audit?entity={}&actor={}&from={}&to={}&before={}",
            entity.clone().unwrap_or_default(),
            actor.map(|a| a.to_string()).unwrap_or_default(),
            day(&f.from).map(|d| d.to_string()).unwrap_or_default(),
            day(&f.to).map(|d| d.to_string()).unwrap_or_default(),
            last.id
        )
    });
    let entity_options = Choice::list(
        &l.t("audit-all-entities"),
        ENTITIES
            .iter()
            .map(|e| (e.to_string(), l.t(&format!("entity-{e}")))),
        entity.as_deref().unwrap_or(""),
    );
    let mut people = state
        .db
        .people(
            &me.actor(),
            &keel_db::people::PeopleQuery {
                include_inactive: true,
                limit: 500,
                ..Default::default()
            },
        )
        .await?
        .0;
    people.sort_by(|a, b| a.name.cmp(&b.name));
    let actor_options = Choice::list(
        &l.t("audit-all-actors"),
        people.into_iter().map(|p| (p.id.to_string(), p.name)),
        &actor.map(|a| a.to_string()).unwrap_or_default(),
    );
    let page = AuditPage {
        entity_options,
        actor_options,
        from: day(&f.from).map(|d| d.to_string()).unwrap_or_default(),
        to: day(&f.to).map(|d| d.to_string()).unwrap_or_default(),
        rows: rows
            .into_iter()
            .map(|r| AuditLine {
                at: me.time(r.at),
                actor: r.actor_name.unwrap_or_else(|| "—".into()),
                action: l.t(&format!("audit-action-{}", r.action)),
                link: (r.entity == "person")
                    .then(|| r.entity_id.map(|id| format!("/people/{id}")))
                    .flatten(),
                entity: l.t(&format!("entity-{}", r.entity)),
                summary: r.summary,
            })
            .collect(),
        next,
        chrome: me.ctx.chrome(),
    };
    Ok(Html(page.render()?))
}

#[derive(Serialize, ToSchema)]
pub struct AuditDto {
    id: Uuid,
    at: DateTime<Utc>,
    actor_id: Option<Uuid>,
    actor_name: Option<String>,
    /// `create`, `update`, `deactivate`, `reactivate`, `reset_password`, `change_password`, `revoke`.
    action: String,
    /// `organisation`, `person`, `team`, `department`, `api_token`.
    entity: String,
    entity_id: Option<Uuid>,
    /// What changed, before and after.
    summary: String,
}

impl From<AuditRow> for AuditDto {
    fn from(r: AuditRow) -> Self {
        AuditDto {
            id: r.id,
            at: r.at,
            actor_id: r.actor_id,
            actor_name: r.actor_name,
            action: r.action,
            entity: r.entity,
            entity_id: r.entity_id,
            summary: r.summary,
        }
    }
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AuditParams {
    /// Only entries by this person.
    actor: Option<Uuid>,
    /// Only entries about this kind of record.
    entity: Option<String>,
    /// Only this action.
    action: Option<String>,
    /// From this moment (inclusive), RFC 3339.
    #[serde(
        default,
        deserialize_with = "crate::shared::params::bounded::opt_instant"
    )]
    from: Option<DateTime<Utc>>,
    /// Until this moment (exclusive), RFC 3339.
    #[serde(
        default,
        deserialize_with = "crate::shared::params::bounded::opt_instant"
    )]
    to: Option<DateTime<Utc>>,
    /// `next` from the previous page: older entries.
    before: Option<Uuid>,
    /// Page size, 1 to 500 (default 100).
    limit: Option<u32>,
}

/// The audit log, newest first (admins).
#[utoipa::path(get, path = "/api/v1/audit", tag = "audit", params(AuditParams),
    responses((status = 200, body = Page<AuditDto>), (status = 403, description = "not an admin")))]
async fn list(
    State(state): State<AppState>,
    me: Me,
    Query(p): Query<AuditParams>,
) -> Result<Json<Page<AuditDto>>, AppError> {
    me.require(Action::ViewAudit)?;
    let q = AuditQuery {
        actor: p.actor,
        entity: p.entity,
        action: p.action,
        from: p.from,
        to: p.to,
        before: p.before,
        limit: crate::shared::params::page_size(p.limit),
    };
    let (rows, more) = state.db.audit_log(&me.actor(), &q).await?;
    let next = more
        .then(|| rows.last().map(|r| r.id.to_string()))
        .flatten();
    Ok(Json(Page {
        items: rows.into_iter().map(Into::into).collect(),
        next,
    }))
}
