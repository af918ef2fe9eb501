//! The import page: upload an export from Zoho, Salesforce, HubSpot or a spreadsheet, see what
//! it would do (a dry run is the default), adjust the column and stage mapping, then import
//! it for real. The whole file is written in one transaction, or nothing is. Larger files than
//! the request size limit go through `keel import`.

use crate::auth::me::Me;
use crate::{AppError, AppState};
use askama::Template;
use axum::extract::{Multipart, State};
use axum::response::Html;
use keel_db::import::{ImportOptions, ImportReport};
use keel_domain::roles::Role;
use keel_i18n::Locale;
use keel_import::{Entity, Options, Reader, Source};
use keel_views::{Choice, ImportPage, ImportResult};

const SOURCES: [(&str, &str); 4] = [
    ("zoho", "Zoho CRM"),
    ("salesforce", "Salesforce"),
    ("hubspot", "HubSpot"),
    ("csv", "CSV / Excel"),
];
const ENTITIES: [&str; 6] = [
    "accounts",
    "contacts",
    "leads",
    "deals",
    "activities",
    "people",
];

struct Upload {
    source: String,
    entity: String,
    map: String,
    stage_map: String,
    commit: bool,
    file_name: String,
    bytes: Vec<u8>,
}

fn page(
    me: &Me,
    u: &Upload,
    error: Option<String>,
    result: Option<ImportResult>,
) -> Result<Html<String>, AppError> {
    let l = me.l();
    let entities = ENTITIES
        .iter()
        .filter(|e| **e != "people" || me.role == Role::Admin)
        .map(|e| Choice {
            value: e.to_string(),
            label: l.t(&format!("module-{e}")),
            selected: u.entity == *e,
        })
        .collect();
    let page = ImportPage {
        sources: SOURCES
            .iter()
            .map(|(v, label)| Choice {
                value: v.to_string(),
                label: label.to_string(),
                selected: u.source == *v,
            })
            .collect(),
        entities,
        map: u.map.clone(),
        stage_map: u.stage_map.clone(),
        error,
        result,
        chrome: me.ctx.chrome(),
    };
    Ok(Html(page.render()?))
}

pub async fn form(me: Me) -> Result<Html<String>, AppError> {
    let empty = Upload {
        source: "csv".into(),
        entity: "accounts".into(),
        map: String::new(),
        stage_map: String::new(),
        commit: false,
        file_name: String::new(),
        bytes: Vec::new(),
    };
    page(&me, &empty, None, None)
}

/// `A=b` lines, ignoring blanks.
fn pairs(text: &str) -> Vec<(String, String)> {
    text.lines()
        .filter_map(|l| l.split_once('='))
        .map(|(a, b)| (a.trim().to_owned(), b.trim().to_owned()))
        .filter(|(a, b)| !a.is_empty() && !b.is_empty())
        .collect()
}

async fn read_upload(mut form: Multipart) -> Result<Upload, AppError> {
    let mut u = Upload {
        source: String::new(),
        entity: String::new(),
        map: String::new(),
        stage_map: String::new(),
        commit: false,
        file_name: String::new(),
        bytes: Vec::new(),
    };
    let bad = |e: axum::extract::multipart::MultipartError| AppError::BadJson(e.body_text());
    while let Some(field) = form.next_field().await.map_err(bad)? {
        match field.name().unwrap_or("") {
            "file" => {
                u.file_name = field.file_name().unwrap_or("upload").to_owned();
                u.bytes = field.bytes().await.map_err(bad)?.to_vec();
            }
            "source" => u.source = field.text().await.map_err(bad)?,
            "entity" => u.entity = field.text().await.map_err(bad)?,
            "map" => u.map = field.text().await.map_err(bad)?,
            "stage_map" => u.stage_map = field.text().await.map_err(bad)?,
            "commit" => u.commit = !field.text().await.map_err(bad)?.is_empty(),
            _ => {}
        }
    }
    Ok(u)
}

fn describe(l: Locale, r: &ImportReport, committed_wanted: bool) -> ImportResult {
    let counts: Vec<String> = r
        .counts
        .iter()
        .map(|(table, c)| {
            l.t_args(
                "import-counts",
                &[
                    ("table", &l.t(&format!("module-{table}"))),
                    ("created", &c.created.to_string()),
                    ("updated", &c.updated.to_string()),
                ],
            )
        })
        .collect();
    let heading = if r.committed {
        l.t("import-done")
    } else if committed_wanted {
        l.t("import-nothing-written")
    } else {
        l.t("import-dry-run")
    };
    ImportResult {
        heading,
        summary: format!(
            "{} {}",
            l.t_args("import-rows", &[("count", &r.rows.to_string())]),
            counts.join("; ")
        ),
        unmapped: Vec::new(),
        problems: r
            .problems
            .iter()
            .map(|p| {
                let rows = std::iter::once(p.row)
                    .chain(p.also_rows.iter().copied())
                    .map(|n| n.to_string())
                    .collect::<Vec<_>>();
                let more = if p.more_rows > 0 {
                    format!(" (+{})", p.more_rows)
                } else {
                    String::new()
                };
                (
                    format!("{}{more}", rows.join(", ")),
                    p.column.clone(),
                    format!("{} ({})", p.message, p.value),
                )
            })
            .collect(),
    }
}

pub async fn submit(
    State(state): State<AppState>,
    me: Me,
    form: Multipart,
) -> Result<Html<String>, AppError> {
    let l = me.l();
    let u = read_upload(form).await?;
    let (Ok(source), Ok(entity)) = (u.source.parse::<Source>(), u.entity.parse::<Entity>()) else {
        return page(&me, &u, Some(l.t("error-invalid_input")), None);
    };
    if entity == Entity::People && me.role != Role::Admin {
        return Err(AppError::Forbidden);
    }
    if u.bytes.is_empty() {
        return page(&me, &u, Some(l.t("import-no-file")), None);
    }
    let mut opts = Options::new(source, entity);
    opts.map = pairs(&u.map);
    opts.stage_map = pairs(&u.stage_map);
    // The reader is not Send, so the rows are read here, before any await.
    let read = Reader::open(std::io::Cursor::new(u.bytes.clone()), &opts).map(|reader| {
        let unmapped = reader.unmapped_columns().to_vec();
        (reader.collect::<Vec<_>>(), unmapped)
    });
    let (records, unmapped) = match read {
        Ok(r) => r,
        Err(e) => {
            return page(
                &me,
                &u,
                Some(format!("{}: {e}", l.t("import-unreadable"))),
                None,
            );
        }
    };
    let opts = ImportOptions {
        entity,
        actor: me.actor(),
        dry_run: !u.commit,
        create_missing_owners: false,
        label: format!("{} {} (web)", u.source, u.file_name),
    };
    let report = state.db.import(records, &opts).await?;
    let mut result = describe(l, &report, u.commit);
    result.unmapped = unmapped;
    page(&me, &u, None, Some(result))
}
