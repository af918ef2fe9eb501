//! The export button of the CRM lists: the rows the list shows (its filters and sort, within
//! what the signed-in person may see), as CSV in UTF-8 with a byte-order mark so that Excel opens Chinese text correctly. The
//! columns are the ones `keel import --source csv` reads back.

use crate::auth::me::Me;
use crate::shared::Query;
use crate::{AppError, AppState};
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use keel_db::activities::{KINDS, TaskState};
use keel_db::export::{ExportFilter, ExportValue, export_columns};
use keel_import::Entity;
use serde::Deserialize;

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

/// The list filters and sort a link may carry (the same names as the list pages use).
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct Filters {
    q: String,
    status: String,
    stage: String,
    pipeline: String,
    open: Option<String>,
    mine: Option<String>,
    owner: String,
    kind: String,
    state: String,
    from: String,
    to: String,
    sort: String,
}

pub async fn csv(
    State(state): State<AppState>,
    me: Me,
    Path(file): Path<String>,
    Query(f): Query<Filters>,
) -> Result<Response, AppError> {
    let entity = entity(&file).ok_or(AppError::NotFound)?;
    let actor = me.actor();
    let date = |s: &str| crate::shared::params::date(s);
    let filter = ExportFilter {
        search: Some(f.q).filter(|q| !q.trim().is_empty()),
        owner: f
            .mine
            .map(|_| me.user.person_id)
            .or(crate::shared::opt_id(&f.owner)),
        status: Some(f.status).filter(|s| !s.is_empty()),
        stage: crate::shared::opt_id(&f.stage),
        pipeline: crate::shared::opt_id(&f.pipeline),
        open_only: f.open.is_some(),
        // An unknown sort exports in the list's default order, as the list shows it.
        sort: sort_of(entity)
            .and_then(|list| keel_db::sort::find(list, &f.sort))
            .map(|s| s.name.to_owned())
            .unwrap_or_default(),
        kind: Some(f.kind).filter(|k| KINDS.contains(&k.as_str())),
        state: TaskState::parse(&f.state),
        from: date(&f.from),
        to: date(&f.to),
        today: Some(me.today()),
    };
    let mut out = csv::Writer::from_writer(b"\xEF\xBB\xBF".to_vec());
    let internal = |e: csv::Error| AppError::Internal(format!("csv: {e}"));
    out.write_record(export_columns(entity)).map_err(internal)?;
    let mut after = None;
    loop {
        let page = state
            .db
            .export_page_filtered(&actor, entity, after, &filter)
            .await?;
        for row in &page.rows {
            out.write_record(row.iter().map(ExportValue::to_text))
                .map_err(internal)?;
        }
        match page.cursor {
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

/// The sorts of the list an entity's export mirrors.
fn sort_of(entity: Entity) -> Option<&'static [keel_db::sort::Sort]> {
    use keel_db::sort;
    Some(match entity {
        Entity::Accounts => sort::ACCOUNTS,
        Entity::Contacts => sort::CONTACTS,
        Entity::Leads => sort::LEADS,
        Entity::Deals => sort::DEALS,
        Entity::Activities => sort::ACTIVITIES,
        Entity::People => return None,
    })
}
