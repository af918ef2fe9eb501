//! First run: on an empty database every page leads here, to create the organisation and its
//! first administrator. Once that exists, this page is gone for good.

use crate::auth::{passwords, session};
use crate::shared::Form;
use crate::shared::fields::{email_error, required};
use crate::{AppError, AppState, context::Ctx};
use askama::Template;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use keel_db::DbError;
use keel_db::setup::FirstAdmin;
use keel_i18n::Locale;
use keel_views::{Field, Form as ViewForm, SetupPage};
use serde::Deserialize;

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct SetupForm {
    organisation: String,
    name: String,
    email: String,
    password: String,
    locale: String,
    time_zone: String,
}

pub async fn form(State(state): State<AppState>, ctx: Ctx) -> Result<Response, AppError> {
    if !state.db.is_first_run().await? {
        return Ok(Redirect::to("/login").into_response());
    }
    render(
        &ctx,
        &SetupForm::default(),
        [None, None, None, None],
        None,
        None,
        StatusCode::OK,
    )
}

pub async fn submit(
    State(state): State<AppState>,
    ctx: Ctx,
    Form(f): Form<SetupForm>,
) -> Result<Response, AppError> {
    if !state.db.is_first_run().await? {
        return Ok(Redirect::to("/login").into_response());
    }
    let l = ctx.l;
    let errors = [
        required(l, &f.organisation, 100),
        required(l, &f.name, 100),
        email_error(l, &f.email),
        (f.password.chars().count() < passwords::MIN_LENGTH || f.password.len() > 1024)
            .then(|| l.t("field-password-short")),
    ];
    let zone = crate::shared::params::parse_zone(l, &f.time_zone);
    if errors.iter().any(Option::is_some) || zone.is_err() {
        let msg = l.t("error-invalid_input");
        return render(
            &ctx,
            &f,
            errors,
            zone.err(),
            Some(msg),
            StatusCode::UNPROCESSABLE_ENTITY,
        );
    }
    let locale = Locale::parse(&f.locale).unwrap_or(l);
    let admin = FirstAdmin {
        organisation: f.organisation.trim().to_owned(),
        name: f.name.trim().to_owned(),
        name_en: None,
        email: f.email.trim().to_lowercase(),
        password_hash: passwords::hash(f.password.clone()).await?,
        locale: locale.code().to_owned(),
        time_zone: zone.ok().flatten().unwrap_or_default(),
    };
    match state.db.create_first_admin(&admin).await {
        Ok(id) => {
            let cookie = session::start(&state, id).await?;
            Ok(([(header::SET_COOKIE, cookie)], Redirect::to("/")).into_response())
        }
        // Someone (perhaps on another server) finished set-up first.
        Err(DbError::Conflict(_)) => Ok(Redirect::to("/login").into_response()),
        Err(e) => Err(e.into()),
    }
}

fn render(
    ctx: &Ctx,
    f: &SetupForm,
    errors: [Option<String>; 4],
    zone_error: Option<String>,
    error: Option<String>,
    status: StatusCode,
) -> Result<Response, AppError> {
    let l = ctx.l;
    let [e_org, e_name, e_email, e_pw] = errors;
    let field = |name, kind, label: &str, value: &str, max, error| Field {
        name,
        kind,
        label: l.t(label),
        value: value.to_owned(),
        max,
        error,
        required: true,
        ..Default::default()
    };
    let mut password = field("password", "password", "setup-password", "", 1024, e_pw);
    password.hint = Some(l.t("setup-password-hint"));
    let page = SetupPage {
        chrome: ctx.chrome(),
        form: ViewForm {
            fields: vec![
                field(
                    "organisation",
                    "text",
                    "setup-organisation",
                    &f.organisation,
                    100,
                    e_org,
                ),
                field("name", "text", "setup-name", &f.name, 100, e_name),
                field("email", "email", "setup-email", &f.email, 254, e_email),
                password,
            ],
            error,
        },
        zones: crate::shared::present::zone_choices(
            Some(keel_domain::time::Zone::parse(&f.time_zone).unwrap_or_default()),
            None,
        ),
        zone_error,
    };
    Ok((status, Html(page.render()?)).into_response())
}
