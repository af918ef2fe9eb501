//! Admin pages for people: create, edit (including role, manager and team), deactivate and
//! reactivate, reset a password. All of it needs `Action::ManagePeople`.

use crate::auth::me::Me;
use crate::auth::passwords;
use crate::shared::Form;
use crate::shared::Id;
use crate::shared::fields::non_empty;
use crate::shared::fields::{email_error, required};
use crate::shared::opt_id;
use crate::{AppError, AppState};
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use keel_db::DbError;
use keel_db::people::PersonInput;
use keel_domain::roles::{Action, Role};
use keel_i18n::Locale;
use keel_views::{Choice, Field, PersonFormPage};
use serde::Deserialize;
use uuid::Uuid;

#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct PersonForm {
    name: String,
    name_en: String,
    email: String,
    title: String,
    team_id: String,
    department_id: String,
    manager_id: String,
    role: String,
    is_hr: Option<String>,
    locale: String,
    hire_date: String,
    password: String,
}

/// Field name -> localized message.
type Errors = Vec<(&'static str, String)>;

/// Checks the form and turns it into the storage input, or the fields that need attention.
pub fn validate(l: Locale, f: &PersonForm, creating: bool) -> Result<PersonInput, Errors> {
    let mut errors = Errors::new();
    if let Some(e) = required(l, &f.name, 100) {
        errors.push(("name", e));
    }
    for (field, value) in [("name_en", &f.name_en), ("title", &f.title)] {
        if value.trim().chars().count() > 100 {
            errors.push((field, l.t_args("field-too-long", &[("max", "100")])));
        }
    }
    let email = non_empty(&f.email);
    if email.is_some() {
        if let Some(e) = email_error(l, &f.email) {
            errors.push(("email", e));
        }
    } else if !f.password.is_empty() {
        // A password without an e-mail could never be used to log in.
        errors.push(("email", l.t("field-required")));
    }
    let role = Role::parse(f.role.trim());
    if role.is_none() {
        errors.push(("role", l.t("field-required")));
    }
    let hire_date = match non_empty(&f.hire_date) {
        None => None,
        Some(s) => match crate::shared::params::date(&s) {
            Some(d) => Some(d),
            None => {
                errors.push(("hire_date", crate::shared::params::date_message(l)));
                None
            }
        },
    };
    if creating
        && !f.password.is_empty()
        && (f.password.chars().count() < passwords::MIN_LENGTH || f.password.len() > 1024)
    {
        errors.push(("password", l.t("field-password-short")));
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(PersonInput {
        name: f.name.trim().to_owned(),
        name_en: non_empty(&f.name_en),
        email,
        title: non_empty(&f.title),
        team_id: opt_id(&f.team_id),
        department_id: opt_id(&f.department_id),
        manager_id: opt_id(&f.manager_id),
        role: role.map(Role::as_str).unwrap_or("member").to_owned(),
        is_hr: f.is_hr.is_some(),
        locale: Locale::parse(&f.locale).map(|l| l.code().to_owned()),
        hire_date,
    })
}

/// The field a storage rule complaint belongs to.
pub fn conflict_field(code: &str) -> &'static str {
    match code {
        "email_taken" => "email",
        "reporting_cycle" | "unknown_manager" => "manager_id",
        "unknown_team" => "team_id",
        "unknown_department" => "department_id",
        _ => "name",
    }
}

async fn render(
    state: &AppState,
    me: &Me,
    editing: Option<Uuid>,
    f: &PersonForm,
    errors: Errors,
    status: StatusCode,
) -> Result<Response, AppError> {
    let l = me.l();
    let err = |name: &str| {
        errors
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, m)| m.clone())
    };
    let choices = |items: Vec<(String, String)>, current: &str| Choice::list("—", items, current);
    let teams = state
        .db
        .teams()
        .await?
        .into_iter()
        .map(|t| (t.id.to_string(), t.name))
        .collect();
    let departments = state
        .db
        .departments()
        .await?
        .into_iter()
        .map(|d| (d.id.to_string(), d.name))
        .collect();
    let mut managers: Vec<(String, String)> = state
        .db
        .everyone(&me.actor())
        .await?
        .into_iter()
        .filter(|p| Some(p.id) != editing)
        .map(|p| (p.id.to_string(), p.name))
        .collect();
    // A deactivated manager stays selectable, so saving another field does not drop them.
    if let Some(current) =
        opt_id(&f.manager_id).filter(|m| !managers.iter().any(|(id, _)| *id == m.to_string()))
        && let Ok(p) = state.db.person(&me.actor(), current).await
    {
        managers.push((
            p.id.to_string(),
            format!("{} ({})", p.name, l.t("person-inactive")),
        ));
    }
    let roles = Role::ALL
        .iter()
        .map(|r| Choice {
            value: r.as_str().into(),
            label: l.t(&format!("role-{}", r.as_str())),
            selected: f.role == r.as_str() || (f.role.is_empty() && *r == Role::Member),
        })
        .collect();
    let locales = Choice::list(
        "—",
        Locale::ALL
            .iter()
            .map(|loc| (loc.code().to_owned(), loc.native_name().to_owned())),
        &f.locale,
    );
    let text = |name, kind, label: &str, value: &str, required| Field {
        name,
        kind,
        label: l.t(label),
        value: value.to_owned(),
        max: 254,
        required,
        error: err(name),
        ..Default::default()
    };
    let select = |name, label: &str, options| Field {
        name,
        kind: "select",
        label: l.t(label),
        options,
        error: err(name),
        ..Default::default()
    };
    let mut fields = vec![
        text("name", "text", "person-name", &f.name, true),
        text("name_en", "text", "person-name-en", &f.name_en, false),
        text("email", "email", "person-email", &f.email, false),
        text("title", "text", "person-title", &f.title, false),
        select("team_id", "person-team", choices(teams, &f.team_id)),
        select(
            "department_id",
            "person-department",
            choices(departments, &f.department_id),
        ),
        select(
            "manager_id",
            "person-manager",
            choices(managers, &f.manager_id),
        ),
        select("role", "person-role", roles),
        select("locale", "person-locale", locales),
        text("hire_date", "date", "person-hire-date", &f.hire_date, false),
    ];
    if editing.is_none() {
        let mut pw = text("password", "password", "person-initial-password", "", false);
        pw.hint = Some(l.t("person-initial-password-hint"));
        fields.push(pw);
    }
    let page = PersonFormPage {
        heading: l.t(if editing.is_some() {
            "person-edit-title"
        } else {
            "people-new"
        }),
        action: editing.map_or("/admin/people".into(), |id| format!("/admin/people/{id}")),
        cancel: editing.map_or("/people".into(), |id| format!("/people/{id}")),
        fields,
        is_hr: f.is_hr.is_some(),
        error: (!errors.is_empty()).then(|| l.t("error-invalid_input")),
        chrome: me.ctx.chrome(),
    };
    Ok((status, Html(page.render()?)).into_response())
}

pub async fn new_form(State(state): State<AppState>, me: Me) -> Result<Response, AppError> {
    me.require(Action::ManagePeople)?;
    render(
        &state,
        &me,
        None,
        &PersonForm::default(),
        Vec::new(),
        StatusCode::OK,
    )
    .await
}

pub async fn create(
    State(state): State<AppState>,
    me: Me,
    Form(f): Form<PersonForm>,
) -> Result<Response, AppError> {
    me.require(Action::ManagePeople)?;
    let input = match validate(me.l(), &f, true) {
        Ok(i) => i,
        Err(errors) => {
            return render(
                &state,
                &me,
                None,
                &f,
                errors,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await;
        }
    };
    let hash = match f.password.is_empty() {
        true => None,
        false => Some(passwords::hash(f.password.clone()).await?),
    };
    match state
        .db
        .create_person(me.user.person_id, &input, hash.as_deref())
        .await
    {
        Ok(id) => Ok(Redirect::to(&format!("/people/{id}?saved=1")).into_response()),
        Err(DbError::Conflict(code)) => {
            let errors = vec![(conflict_field(code), me.l().t(&format!("error-{code}")))];
            render(
                &state,
                &me,
                None,
                &f,
                errors,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn edit_form(
    State(state): State<AppState>,
    me: Me,
    Id(id): Id,
) -> Result<Response, AppError> {
    me.require(Action::ManagePeople)?;
    let p = state.db.person(&me.actor(), id).await?;
    let id_str = |v: Option<Uuid>| v.map(|u| u.to_string()).unwrap_or_default();
    let f = PersonForm {
        name: p.name,
        name_en: p.name_en.unwrap_or_default(),
        email: p.email.unwrap_or_default(),
        title: p.title.unwrap_or_default(),
        team_id: id_str(p.team_id),
        department_id: id_str(p.department_id),
        manager_id: id_str(p.manager_id),
        role: p.role,
        is_hr: p.is_hr.then(|| "true".into()),
        locale: p.locale.unwrap_or_default(),
        hire_date: p.hire_date.map(|d| d.to_string()).unwrap_or_default(),
        password: String::new(),
    };
    render(&state, &me, Some(id), &f, Vec::new(), StatusCode::OK).await
}

pub async fn update(
    State(state): State<AppState>,
    me: Me,
    Id(id): Id,
    Form(f): Form<PersonForm>,
) -> Result<Response, AppError> {
    me.require(Action::ManagePeople)?;
    let input = match validate(me.l(), &f, false) {
        Ok(i) => i,
        Err(errors) => {
            return render(
                &state,
                &me,
                Some(id),
                &f,
                errors,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await;
        }
    };
    match state
        .db
        .update_person(me.user.person_id, id, &input, None)
        .await
    {
        Ok(()) => Ok(Redirect::to(&format!("/people/{id}?saved=1")).into_response()),
        Err(DbError::Conflict(code)) => {
            let errors = vec![(conflict_field(code), me.l().t(&format!("error-{code}")))];
            render(
                &state,
                &me,
                Some(id),
                &f,
                errors,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize)]
pub struct ActiveForm {
    active: bool,
}

pub async fn set_active(
    State(state): State<AppState>,
    me: Me,
    Id(id): Id,
    Form(f): Form<ActiveForm>,
) -> Result<Response, AppError> {
    me.require(Action::ManagePeople)?;
    if id == me.user.person_id && !f.active {
        // Deactivating yourself would lock the last admin out.
        return Err(AppError::Conflict("cannot_deactivate_self"));
    }
    state.db.set_active(me.user.person_id, id, f.active).await?;
    Ok(Redirect::to(&format!("/people/{id}?saved=1")).into_response())
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct PasswordForm {
    password: String,
}

pub async fn reset_password(
    State(state): State<AppState>,
    me: Me,
    Id(id): Id,
    Form(f): Form<PasswordForm>,
) -> Result<Response, AppError> {
    me.require(Action::ManagePeople)?;
    if f.password.chars().count() < passwords::MIN_LENGTH || f.password.len() > 1024 {
        return Err(AppError::Invalid(vec![(
            "password".into(),
            me.l().t("field-password-short"),
        )]));
    }
    // 404 for an unknown id before hashing anything.
    state.db.person(&me.actor(), id).await?;
    let hash = passwords::hash(f.password).await?;
    state
        .db
        .set_password(me.user.person_id, id, &hash, None)
        .await?;
    Ok(Redirect::to(&format!("/people/{id}?saved=1")).into_response())
}
