//! `/api/v1/me` and `/api/v1/people`: the directory as JSON, and people administration for
//! admins. Same storage calls, same permission table as the pages.

use super::admin::conflict_field;
use crate::auth::me::Me;
use crate::auth::passwords;
use crate::shared::Id;
use crate::shared::Query;
use crate::shared::conflict_as_field;
use crate::shared::extract::ApiJson;
use crate::shared::params::Page;
use crate::{AppError, AppState};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use chrono::NaiveDate;
use keel_db::DbError;
use keel_db::people::{PeopleQuery, Person, PersonInput};
use keel_domain::roles::{Action, Role};
use keel_i18n::Locale;
use serde::{Deserialize, Deserializer, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(me))
        .routes(routes!(list, create))
        .routes(routes!(get_one, patch))
}

/// A person. `hire_date` is private: present only for yourself, your reporting line, HR,
/// directors and admins.
#[derive(Serialize, ToSchema)]
pub struct PersonDto {
    id: Uuid,
    name: String,
    name_en: Option<String>,
    email: Option<String>,
    title: Option<String>,
    team_id: Option<Uuid>,
    team_name: Option<String>,
    department_id: Option<Uuid>,
    department_name: Option<String>,
    manager_id: Option<Uuid>,
    manager_name: Option<String>,
    /// `admin`, `director`, `manager` or `member`.
    role: String,
    is_hr: bool,
    active: bool,
    locale: Option<String>,
    hire_date: Option<NaiveDate>,
}

impl From<Person> for PersonDto {
    fn from(p: Person) -> Self {
        PersonDto {
            id: p.id,
            name: p.name,
            name_en: p.name_en,
            email: p.email,
            title: p.title,
            team_id: p.team_id,
            team_name: p.team_name,
            department_id: p.department_id,
            department_name: p.department_name,
            manager_id: p.manager_id,
            manager_name: p.manager_name,
            role: p.role,
            is_hr: p.is_hr,
            active: p.active,
            locale: p.locale,
            hire_date: p.hire_date,
        }
    }
}

/// The signed-in person.
#[utoipa::path(get, path = "/api/v1/me", tag = "people",
    responses((status = 200, body = PersonDto), (status = 401, description = "no valid token or session")))]
async fn me(State(state): State<AppState>, me: Me) -> Result<Json<PersonDto>, AppError> {
    let p = state.db.person(&me.actor(), me.user.person_id).await?;
    Ok(Json(p.into()))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListParams {
    /// Search name, English name, e-mail and title.
    q: Option<String>,
    /// Only this team.
    team: Option<Uuid>,
    /// Include deactivated people (admins only).
    #[serde(default)]
    include_inactive: bool,
    /// `next` from the previous page.
    after: Option<Uuid>,
    /// Page size, 1 to 500 (default 100).
    limit: Option<u32>,
}

/// The directory in name order, a page at a time.
#[utoipa::path(get, path = "/api/v1/people", tag = "people", params(ListParams),
    responses((status = 200, body = Page<PersonDto>)))]
async fn list(
    State(state): State<AppState>,
    me: Me,
    Query(p): Query<ListParams>,
) -> Result<Json<Page<PersonDto>>, AppError> {
    me.require(Action::ViewDirectory)?;
    let q = PeopleQuery {
        search: p.q,
        team_id: p.team,
        include_inactive: p.include_inactive,
        after: p.after,
        limit: crate::shared::params::page_size(p.limit),
    };
    let (people, more) = state.db.people(&me.actor(), &q).await?;
    let next = more
        .then(|| people.last().map(|p| p.id.to_string()))
        .flatten();
    Ok(Json(Page {
        items: people.into_iter().map(Into::into).collect(),
        next,
    }))
}

/// One person.
#[utoipa::path(get, path = "/api/v1/people/{id}", tag = "people",
    params(("id" = Uuid, Path, description = "person id")),
    responses((status = 200, body = PersonDto), (status = 404, description = "no such person")))]
async fn get_one(
    State(state): State<AppState>,
    me: Me,
    Id(id): Id,
) -> Result<Json<PersonDto>, AppError> {
    me.require(Action::ViewDirectory)?;
    Ok(Json(state.db.person(&me.actor(), id).await?.into()))
}

/// A new person (admins).
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewPersonDto {
    name: String,
    name_en: Option<String>,
    email: Option<String>,
    title: Option<String>,
    team_id: Option<Uuid>,
    department_id: Option<Uuid>,
    manager_id: Option<Uuid>,
    /// `admin`, `director`, `manager` or `member`.
    role: String,
    #[serde(default)]
    is_hr: bool,
    locale: Option<String>,
    #[serde(default, deserialize_with = "crate::shared::params::bounded::opt_date")]
    hire_date: Option<NaiveDate>,
    /// Optional initial password, at least 10 characters.
    password: Option<String>,
}

fn check(l: Locale, i: &PersonInput, password: Option<&str>) -> Result<(), AppError> {
    let mut errors = Vec::new();
    if let Some(e) = crate::shared::fields::required(l, &i.name, 100) {
        errors.push(("name".to_owned(), e));
    }
    for (field, value) in [("name_en", &i.name_en), ("title", &i.title)] {
        if value.as_deref().is_some_and(|v| v.chars().count() > 100) {
            errors.push((
                field.to_owned(),
                l.t_args("field-too-long", &[("max", "100")]),
            ));
        }
    }
    if let Some(email) = &i.email
        && let Some(e) = crate::shared::fields::email_error(l, email)
    {
        errors.push(("email".to_owned(), e));
    }
    if Role::parse(&i.role).is_none() {
        errors.push(("role".to_owned(), l.t("field-role-invalid")));
    }
    if password.is_some_and(|p| p.chars().count() < passwords::MIN_LENGTH || p.len() > 1024) {
        errors.push(("password".to_owned(), l.t("field-password-short")));
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(AppError::Invalid(errors))
    }
}

/// Rule breaks in storage become field errors, except those about the whole organisation.
fn storage_error(l: Locale, e: DbError) -> AppError {
    conflict_as_field(l, e, |code| {
        (!matches!(code, "organisation_exists" | "last_admin")).then(|| conflict_field(code))
    })
}

#[utoipa::path(post, path = "/api/v1/people", tag = "people", request_body = NewPersonDto,
    responses((status = 201, body = PersonDto), (status = 403, description = "not an admin"),
        (status = 422, description = "fields need attention")))]
async fn create(
    State(state): State<AppState>,
    me: Me,
    ApiJson(b): ApiJson<NewPersonDto>,
) -> Result<(StatusCode, Json<PersonDto>), AppError> {
    me.require(Action::ManagePeople)?;
    let input = PersonInput {
        name: b.name.trim().to_owned(),
        name_en: b.name_en,
        email: b
            .email
            .map(|e| e.trim().to_lowercase())
            .filter(|e| !e.is_empty()),
        title: b.title,
        team_id: b.team_id,
        department_id: b.department_id,
        manager_id: b.manager_id,
        role: b.role,
        is_hr: b.is_hr,
        locale: b
            .locale
            .as_deref()
            .and_then(Locale::parse)
            .map(|l| l.code().to_owned()),
        hire_date: b.hire_date,
    };
    check(me.l(), &input, b.password.as_deref())?;
    let hash = match b.password {
        Some(p) => Some(passwords::hash(p).await?),
        None => None,
    };
    let id = state
        .db
        .create_person(me.user.person_id, &input, hash.as_deref())
        .await
        .map_err(|e| storage_error(me.l(), e))?;
    let p = state.db.person(&me.actor(), id).await?;
    Ok((StatusCode::CREATED, Json(p.into())))
}

/// `Some(None)` when the field is present as `null`, `None` when absent.
fn present<'de, D: Deserializer<'de>, T: Deserialize<'de>>(
    d: D,
) -> Result<Option<Option<T>>, D::Error> {
    Option::<T>::deserialize(d).map(Some)
}

/// Changes to a person (admins). Absent fields stay as they are; `null` clears a field.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PersonPatchDto {
    name: Option<String>,
    #[serde(default, deserialize_with = "present")]
    name_en: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    email: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    title: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    team_id: Option<Option<Uuid>>,
    #[serde(default, deserialize_with = "present")]
    department_id: Option<Option<Uuid>>,
    #[serde(default, deserialize_with = "present")]
    manager_id: Option<Option<Uuid>>,
    role: Option<String>,
    is_hr: Option<bool>,
    /// `false` deactivates (ending the person's sessions), `true` reactivates.
    active: Option<bool>,
    #[serde(
        default,
        deserialize_with = "crate::shared::params::bounded::patch_date"
    )]
    hire_date: Option<Option<NaiveDate>>,
}

#[utoipa::path(patch, path = "/api/v1/people/{id}", tag = "people", request_body = PersonPatchDto,
    params(("id" = Uuid, Path, description = "person id")),
    responses((status = 200, body = PersonDto), (status = 403, description = "not an admin"),
        (status = 404, description = "no such person"), (status = 422, description = "fields need attention")))]
async fn patch(
    State(state): State<AppState>,
    me: Me,
    Id(id): Id,
    ApiJson(b): ApiJson<PersonPatchDto>,
) -> Result<Json<PersonDto>, AppError> {
    me.require(Action::ManagePeople)?;
    if id == me.user.person_id && b.active == Some(false) {
        // Deactivating yourself would lock the last admin out.
        return Err(AppError::Conflict("cannot_deactivate_self"));
    }
    let actor = me.actor();
    let p = state.db.person(&actor, id).await?;
    let mut input = PersonInput {
        name: p.name,
        name_en: p.name_en,
        email: p.email,
        title: p.title,
        team_id: p.team_id,
        department_id: p.department_id,
        manager_id: p.manager_id,
        role: p.role,
        is_hr: p.is_hr,
        locale: p.locale,
        hire_date: p.hire_date,
    };
    if let Some(v) = b.name {
        input.name = v.trim().to_owned();
    }
    if let Some(v) = b.name_en {
        input.name_en = v;
    }
    if let Some(v) = b.email {
        input.email = v.map(|e| e.trim().to_lowercase()).filter(|e| !e.is_empty());
    }
    if let Some(v) = b.title {
        input.title = v;
    }
    if let Some(v) = b.team_id {
        input.team_id = v;
    }
    if let Some(v) = b.department_id {
        input.department_id = v;
    }
    if let Some(v) = b.manager_id {
        input.manager_id = v;
    }
    if let Some(v) = b.role {
        input.role = v;
    }
    if let Some(v) = b.is_hr {
        input.is_hr = v;
    }
    if let Some(v) = b.hire_date {
        input.hire_date = v;
    }
    check(me.l(), &input, None)?;
    state
        .db
        .update_person(me.user.person_id, id, &input, b.active)
        .await
        .map_err(|e| storage_error(me.l(), e))?;
    Ok(Json(state.db.person(&actor, id).await?.into()))
}
