//! The CRM area: accounts, contacts, leads and the pool, deals and the pipeline board,
//! activities and "my day", satisfaction, as pages and under `/api/v1`. Storage decides what
//! each person may see and change.

mod accounts;
mod activities;
pub mod api;
mod deals;
mod export;
mod import;
mod leads;
mod list;
mod pool;
mod satisfaction;

use crate::auth::me::Me;
use crate::shared::routes::{Routes, get, post};
use crate::{AppError, AppState};
use keel_db::activities::{Activity, KINDS};
use keel_i18n::Locale;
use keel_views::{Choice, QuickAdd, TimelineEntry};
use uuid::Uuid;

pub fn routes() -> Routes {
    Routes::new()
        .route("/accounts", get(accounts::list).post(accounts::create))
        .route("/accounts/new", get(accounts::new_form))
        .route("/accounts/{id}", get(accounts::show).post(accounts::update))
        .route("/accounts/{id}/edit", get(accounts::edit_form))
        .route("/accounts/{id}/contacts", post(accounts::add_contact))
        .route("/contacts", get(accounts::contacts))
        .route("/accounts/{id}/owner", post(reassign_account))
        .route("/deals/{id}/owner", post(reassign_deal))
        .route(
            "/accounts/{id}/satisfaction",
            post(accounts::add_satisfaction),
        )
        .route("/leads", get(leads::list).post(leads::create))
        .route("/leads/new", get(leads::new_form))
        .route("/leads/{id}", get(leads::show))
        .route("/leads/{id}/owner", post(reassign_lead))
        .route("/leads/{id}/convert", post(leads::convert))
        .route("/pool", get(leads::pool))
        .route("/pool/{kind}/{id}/claim", post(pool::claim))
        .route("/pool/{kind}/{id}/return", post(pool::release))
        .route("/admin/crm", get(pool::settings))
        .route("/admin/crm/pool/{kind}", post(pool::save_rules))
        .route("/admin/crm/visibility", post(pool::save_visibility))
        .route("/admin/crm/stages/{id}", post(pool::save_stage))
        .route("/admin/crm/pipelines", post(pool::add_pipeline))
        .route("/admin/crm/pipelines/{id}/stages", post(pool::add_stage))
        .route("/deals", get(deals::list).post(deals::create))
        .route("/deals/new", get(deals::new_form))
        .route("/deals/board", get(deals::board))
        .route("/deals/{id}", get(deals::show))
        .route("/deals/{id}/stage", post(deals::move_stage))
        .route(
            "/activities",
            get(activities::list).post(activities::create),
        )
        .route("/activities/{id}/complete", post(activities::complete))
        .route("/today", get(activities::today))
        .route("/satisfaction", get(satisfaction::list))
        .route("/export/{file}", get(export::csv))
        .route("/import", get(import::form).post(import::submit))
}

/// Money as the person's language writes it.
pub fn money(l: Locale, minor: i64, currency: &str) -> String {
    l.money(minor, currency)
}

/// The timeline lines for `activities`, in language `l`, times in the viewer's zone `z`.
pub fn timeline(
    l: Locale,
    z: keel_domain::time::Zone,
    activities: &[Activity],
) -> Vec<TimelineEntry> {
    activities
        .iter()
        .map(|a| {
            let open_task = a.kind == "task" && a.done_at.is_none();
            let open_visit = a.kind == "visit" && a.check_out_at.is_none();
            let mut detail = Vec::new();
            if let Some(d) = a.due_date {
                detail.push(format!("{} {}", l.t("activity-due"), l.date(d)));
            }
            if a.done_at.is_some() {
                detail.push(l.t("activity-done"));
            }
            if let Some(loc) = &a.location {
                detail.push(loc.clone());
            }
            if let Some(name) = &a.account_name {
                detail.push(name.clone());
            }
            TimelineEntry {
                kind: a.kind.clone(),
                kind_label: l.t(&format!("activity-kind-{}", a.kind)),
                subject: a.subject.clone(),
                when: l.moment(z.local(a.at)),
                owner: a.owner_name.clone(),
                detail: detail.join(" · "),
                completable: (open_task || open_visit).then(|| a.id.to_string()),
                complete_label: l.t(if open_visit {
                    "activity-check-out"
                } else {
                    "activity-complete"
                }),
            }
        })
        .collect()
}

pub fn quick_add(
    l: Locale,
    back: String,
    account: Option<Uuid>,
    deal: Option<Uuid>,
    lead: Option<Uuid>,
) -> QuickAdd {
    QuickAdd {
        back,
        account_id: account.map(|a| a.to_string()),
        deal_id: deal.map(|d| d.to_string()),
        lead_id: lead.map(|d| d.to_string()),
        kinds: KINDS
            .iter()
            .map(|k| Choice {
                value: k.to_string(),
                label: l.t(&format!("activity-kind-{k}")),
                selected: false,
            })
            .collect(),
    }
}

/// The owner `<select>` of a new record: the people `me` may give it to, optionally the
/// shared pool, with `chosen` (or `me`) selected.
pub async fn owner_field(
    state: &AppState,
    me: &Me,
    chosen: &str,
    pool: bool,
) -> Result<keel_views::Field, AppError> {
    let l = me.l();
    let mut owners: Vec<(String, String)> = crate::shared::present::assignable(state, me)
        .await?
        .into_iter()
        .map(|(id, n)| (id.to_string(), n))
        .collect();
    if pool {
        owners.push(("pool".into(), l.t("pool-name")));
    }
    let current = if chosen.is_empty() {
        me.user.person_id.to_string()
    } else {
        chosen.to_owned()
    };
    Ok(keel_views::Field {
        name: "owner_id",
        kind: "select",
        label: l.t("record-owner"),
        options: Choice::pick(owners, &current),
        ..Default::default()
    })
}

/// The owner choices for a record owned by `current`, when `me` may reassign it.
pub async fn owner_choices(
    state: &AppState,
    me: &Me,
    current: Option<Uuid>,
    can_edit: bool,
) -> Result<Vec<keel_views::Choice>, AppError> {
    let Some(current) = current.filter(|_| can_edit) else {
        return Ok(Vec::new());
    };
    let people = crate::shared::present::assignable(state, me).await?;
    // Reassigning only makes sense to someone else than yourself alone.
    if people.len() < 2 {
        return Ok(Vec::new());
    }
    Ok(Choice::pick(
        people.into_iter().map(|(id, n)| (id.to_string(), n)),
        &current.to_string(),
    ))
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct OwnerForm {
    owner_id: String,
}

async fn reassign(
    state: &AppState,
    me: &Me,
    kind: keel_db::crm::Owned,
    id: Uuid,
    f: &OwnerForm,
) -> Result<Uuid, AppError> {
    let to = crate::shared::opt_id(&f.owner_id).ok_or(AppError::Conflict("unknown_manager"))?;
    state.db.reassign(&me.actor(), kind, id, to).await?;
    Ok(id)
}

async fn reassign_account(
    axum::extract::State(state): axum::extract::State<AppState>,
    me: Me,
    crate::shared::Id(id): crate::shared::Id,
    crate::shared::Form(f): crate::shared::Form<OwnerForm>,
) -> Result<axum::response::Redirect, AppError> {
    let id = reassign(&state, &me, keel_db::crm::Owned::Account, id, &f).await?;
    Ok(axum::response::Redirect::to(&format!(
        "/accounts/{id}?saved=1"
    )))
}

async fn reassign_deal(
    axum::extract::State(state): axum::extract::State<AppState>,
    me: Me,
    crate::shared::Id(id): crate::shared::Id,
    crate::shared::Form(f): crate::shared::Form<OwnerForm>,
) -> Result<axum::response::Redirect, AppError> {
    let id = reassign(&state, &me, keel_db::crm::Owned::Deal, id, &f).await?;
    Ok(axum::response::Redirect::to(&format!(
        "/deals/{id}?saved=1"
    )))
}

async fn reassign_lead(
    axum::extract::State(state): axum::extract::State<AppState>,
    me: Me,
    crate::shared::Id(id): crate::shared::Id,
    crate::shared::Form(f): crate::shared::Form<OwnerForm>,
) -> Result<axum::response::Redirect, AppError> {
    let id = reassign(&state, &me, keel_db::crm::Owned::Lead, id, &f).await?;
    Ok(axum::response::Redirect::to(&format!(
        "/leads/{id}?saved=1"
    )))
}
