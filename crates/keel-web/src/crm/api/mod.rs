//! `/api/v1` for the CRM, one module per subject; the same storage calls and rules as the
//! pages. What every CRM list and write shares (how refusals name their field, `sort` and
//! `after`) is here.

mod accounts;
mod activities;
mod contacts;
mod deals;
mod leads;
mod satisfaction;

use crate::auth::me::Me;
use crate::shared::{conflict_as_field, invalid};
use crate::{AppError, AppState};
use keel_db::DbError;
use keel_db::sort::Cursor;
use utoipa_axum::router::OpenApiRouter;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .merge(accounts::routes())
        .merge(contacts::routes())
        .merge(deals::routes())
        .merge(activities::routes())
        .merge(leads::routes())
        .merge(satisfaction::routes())
}

/// Rule breaks in storage become field errors the caller can show: `unknown_stage` is about
/// `stage`, any other code about the field it names.
pub(super) fn storage(me: &Me, e: DbError) -> AppError {
    conflict_as_field(me.l(), e, |code| Some(code.trim_start_matches("unknown_")))
}

/// An API list's `sort`: one of `list`'s names (absent: the default), else a 422 on `sort`.
pub(super) fn sort_param(
    me: &Me,
    list: &'static [keel_db::sort::Sort],
    name: Option<&str>,
) -> Result<String, AppError> {
    keel_db::sort::find(list, name.unwrap_or(""))
        .map(|s| s.name.to_owned())
        .ok_or_else(|| invalid("sort", me.l().t("error-invalid_sort")))
}

/// An API list's `after`: a `next` it returned (or a bare id), else a 422 on `after`.
pub(super) fn cursor_param(me: &Me, after: Option<&str>) -> Result<Option<Cursor>, AppError> {
    match after.map(str::trim).filter(|a| !a.is_empty()) {
        None => Ok(None),
        Some(a) => Cursor::parse(a)
            .map(Some)
            .ok_or_else(|| invalid("after", me.l().t("error-invalid_cursor"))),
    }
}

/// A list's refusals name the parameter at fault.
pub(super) fn list_storage(me: &Me, e: DbError) -> AppError {
    match e {
        DbError::Conflict("invalid_cursor") => invalid("after", me.l().t("error-invalid_cursor")),
        DbError::Conflict("invalid_sort") => invalid("sort", me.l().t("error-invalid_sort")),
        e => storage(me, e),
    }
}
