//! Teams and departments: the admin page, and `/api/v1/teams` for everyone.

use crate::auth::me::Me;
use crate::shared::Form;
use crate::shared::Id;
use crate::shared::fields::required;
use crate::shared::params::opt_id;
use crate::shared::routes::{Routes, get, post};
use crate::{AppError, AppState};
use askama::Template;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use keel_db::DbError;
use keel_db::teams::{Team, TeamInput};
use keel_domain::roles::Action;
use keel_views::{Choice, TeamRow, TeamsPage};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

pub fn routes() -> Routes {
    Routes::new()
        .route("/admin/teams", get(page).post(create))
        .route("/admin/teams/{id}", post(update))
        .route("/admin/departments", post(create_department))
}

pub fn api_routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list))
}

fn choices(items: &[(Uuid, String)], current: Option<Uuid>) -> Vec<Choice> {
    let current = current.map(|c| c.to_string()).unwrap_or_default();
    Choice::list(
        "—",
        items
            .iter()
            .map(|(id, name)| (id.to_string(), name.clone())),
        &current,
    )
}

async fn render(
    state: &AppState,
    me: &Me,
    error: Option<String>,
    status: StatusCode,
) -> Result<Response, AppError> {
    let teams = state.db.teams().await?;
    let departments: Vec<(Uuid, String)> = state
        .db
        .departments()
        .await?
        .into_iter()
        .map(|d| (d.id, d.name))
        .collect();
    let people: Vec<(Uuid, String)> = state
        .db
        .everyone(&me.actor())
        .await?
        .into_iter()
        .map(|p| (p.id, p.name))
        .collect();
    let page = TeamsPage {
        teams: teams
            .into_iter()
            .map(|t| TeamRow {
                id: t.id.to_string(),
                department_options: choices(&departments, t.department_id),
                lead_options: {
                    // A deactivated lead stays selectable, so saving the row does not drop them.
                    let mut people = people.clone();
                    if let (Some(id), Some(name)) = (t.lead_id, &t.lead_name)
                        && !people.iter().any(|(p, _)| *p == id)
                    {
                        people.push((id, name.clone()));
                    }
                    choices(&people, t.lead_id)
                },
                name: t.name,
                department: t.department_name.unwrap_or_default(),
                lead: t.lead_name.unwrap_or_default(),
                members: t.members,
            })
            .collect(),
        departments: departments.iter().map(|(_, n)| n.clone()).collect(),
        department_options: choices(&departments, None),
        lead_options: choices(&people, None),
        error,
        chrome: me.ctx.chrome(),
    };
    Ok((status, Html(page.render()?)).into_response())
}

async fn page(State(state): State<AppState>, me: Me) -> Result<Response, AppError> {
    me.require(Action::ManageTeams)?;
    render(&state, &me, None, StatusCode::OK).await
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct TeamForm {
    name: String,
    department_id: String,
    lead_id: String,
}

/// Saves a team; rule breaks come back on the page, in the person's language.
async fn save(
    state: &AppState,
    me: &Me,
    id: Option<Uuid>,
    f: TeamForm,
) -> Result<Response, AppError> {
    me.require(Action::ManageTeams)?;
    let l = me.l();
    if let Some(e) = required(l, &f.name, 100) {
        return render(
            state,
            me,
            Some(format!("{}: {e}", l.t("team-name"))),
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    }
    let input = TeamInput {
        name: f.name.trim().to_owned(),
        department_id: opt_id(&f.department_id),
        lead_id: opt_id(&f.lead_id),
    };
    let res = match id {
        Some(id) => state.db.update_team(me.user.person_id, id, &input).await,
        None => state
            .db
            .create_team(me.user.person_id, &input)
            .await
            .map(|_| ()),
    };
    match res {
        Ok(()) => Ok(Redirect::to("/admin/teams").into_response()),
        Err(DbError::Conflict(code)) => {
            render(
                state,
                me,
                Some(l.t(&format!("error-{code}"))),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

async fn create(
    State(state): State<AppState>,
    me: Me,
    Form(f): Form<TeamForm>,
) -> Result<Response, AppError> {
    save(&state, &me, None, f).await
}

async fn update(
    State(state): State<AppState>,
    me: Me,
    Id(id): Id,
    Form(f): Form<TeamForm>,
) -> Result<Response, AppError> {
    me.require(Action::ManageTeams)?;
    save(&state, &me, Some(id), f).await
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct DepartmentForm {
    name: String,
}

async fn create_department(
    State(state): State<AppState>,
    me: Me,
    Form(f): Form<DepartmentForm>,
) -> Result<Response, AppError> {
    me.require(Action::ManageTeams)?;
    let l = me.l();
    if let Some(e) = required(l, &f.name, 100) {
        return render(
            &state,
            &me,
            Some(format!("{}: {e}", l.t("department-name"))),
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    }
    match state
        .db
        .create_department(me.user.person_id, f.name.trim())
        .await
    {
        Ok(_) => Ok(Redirect::to("/admin/teams").into_response()),
        Err(DbError::Conflict(code)) => {
            render(
                &state,
                &me,
                Some(l.t(&format!("error-{code}"))),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Serialize, ToSchema)]
pub struct TeamDto {
    id: Uuid,
    name: String,
    department_id: Option<Uuid>,
    department_name: Option<String>,
    lead_id: Option<Uuid>,
    lead_name: Option<String>,
    /// Active people in the team.
    members: i64,
}

impl From<Team> for TeamDto {
    fn from(t: Team) -> Self {
        TeamDto {
            id: t.id,
            name: t.name,
            department_id: t.department_id,
            department_name: t.department_name,
            lead_id: t.lead_id,
            lead_name: t.lead_name,
            members: t.members,
        }
    }
}

/// Every team, by name.
#[utoipa::path(get, path = "/api/v1/teams", tag = "people", responses((status = 200, body = Vec<TeamDto>)))]
async fn list(State(state): State<AppState>, me: Me) -> Result<Json<Vec<TeamDto>>, AppError> {
    me.require(Action::ViewDirectory)?;
    Ok(Json(
        state
            .db
            .teams()
            .await?
            .into_iter()
            .map(Into::into)
            .collect(),
    ))
}
