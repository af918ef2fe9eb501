//! The export button of the CRM lists: every row of the module that the signed-in person may
//! see, as CSV in UTF-8 with a byte-order mark so that Excel opens Chinese text correctly. The
//! columns are the ones `keel import --source csv` reads back.

use crate::auth::me::Me;
use crate::{AppError, AppState};
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use keel_db::import::{ExportValue, export_columns};
use keel_import::Entity;

fn entity(name: &str) -> Option<Entity> {
    Some(match name {
        "accounts.csv" => Entity::Accounts,
        "contacts.csv" => Entity::Contacts,
        "leads.csv" => Entity::Leads,
        "deals.csv" => Entity::Deals,
        "activities.csv" => Entity::Activities,
        _ => return None,
    })
}

pub async fn csv(
    State(state): State<AppState>,
    me: Me,
    Path(file): Path<String>,
) -> Result<Response, AppError> {
    let entity = entity(&file).ok_or(AppError::NotFound)?;
    let actor = me.actor();
    let mut out = csv::Writer::from_writer(b"\xEF\xBB\xBF".to_vec());
    let internal = |e: csv::Error| AppError::Internal(format!("csv: {e}"));
    out.write_record(export_columns(entity)).map_err(internal)?;
    let mut after = None;
    loop {
        let page = state.db.export_page(&actor, entity, after).await?;
        for row in &page.rows {
            out.write_record(row.iter().map(ExportValue::to_text))
                .map_err(internal)?;
        }
        match page.next {
            Some(next) => after = Some(next),
            None => break,
        }
    }
    let body = out
        .into_inner()
        .map_err(|e| AppError::Internal(format!("csv: {e}")))?;
    let disposition = format!("attachment; filename=\"keel-{file}\"");
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        body,
    )
        .into_response())
}
