//! The people area: the directory, profiles and the org chart for everyone; creating, editing,
//! moving and deactivating people for admins; and the same data under `/api/v1/people`.

mod admin;
pub mod api;
mod pages;

use crate::shared::routes::{Routes, get, post};
use keel_db::people::Person;
use keel_i18n::Locale;
use keel_views::PersonRow;

pub fn routes() -> Routes {
    Routes::new()
        .route("/people", get(pages::directory))
        .route("/people/{id}", get(pages::profile))
        .route("/org", get(pages::org_chart))
        .route("/admin/people/new", get(admin::new_form))
        .route("/admin/people", post(admin::create))
        .route("/admin/people/{id}/edit", get(admin::edit_form))
        .route("/admin/people/{id}", post(admin::update))
        .route("/admin/people/{id}/active", post(admin::set_active))
        .route("/admin/people/{id}/password", post(admin::reset_password))
}

/// A person as pages show them, in language `l`.
pub fn row(l: Locale, p: &Person) -> PersonRow {
    PersonRow {
        id: p.id.to_string(),
        name: p.name.clone(),
        name_en: p.name_en.clone().filter(|n| !n.is_empty()),
        initials: keel_domain::people::initials(&p.name),
        title: p.title.clone().unwrap_or_default(),
        email: p.email.clone().unwrap_or_default(),
        team: p.team_name.clone().unwrap_or_default(),
        department: p.department_name.clone().unwrap_or_default(),
        manager: p
            .manager_id
            .map(|id| (id.to_string(), p.manager_name.clone().unwrap_or_default())),
        role: l.t(&format!("role-{}", p.role)),
        is_hr: p.is_hr,
        active: p.active,
        hire_date: p.hire_date.map(|d| l.date(d)),
    }
}
