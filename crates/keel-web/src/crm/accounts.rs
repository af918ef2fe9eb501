use super::list::{self, Filters};
use super::{money, quick_add, timeline};
use crate::auth::me::Me;
use crate::shared::Form;
use crate::shared::Id;
use crate::shared::Query;
use crate::shared::fields::non_empty;
use crate::shared::fields::required;
use crate::shared::params::opt_id;
use crate::{AppError, AppState};
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use keel_db::DbError;
use keel_db::accounts::{Account, AccountInput, AccountQuery, STATUSES};
use keel_db::activities::About;
use keel_db::contacts::{ContactInput, ContactQuery};
use keel_db::deals::DealQuery;
use keel_db::pool::PoolKind;
use keel_db::satisfaction::Response as SatisfactionResponse;
use keel_i18n::Locale;
use keel_views::{
    AccountLine, AccountPage, AccountView, AccountsPage, Choice, ContactLine, DealLine, Field,
    RecordFormPage,
};
use serde::Deserialize;
use uuid::Uuid;

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ListQuery {
    q: String,
    status: String,
    mine: Option<String>,
    sort: String,
    after: String,
    error: String,
}

/// The list query of the accounts pool page.
pub fn pool_query(q: String, sort: String, after: String, error: String) -> ListQuery {
    ListQuery {
        q,
        sort,
        after,
        error,
        ..Default::default()
    }
}

fn tags(t: &str) -> Vec<String> {
    t.split(',')
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

fn status_label(l: Locale, s: &str) -> String {
    l.t(&format!("account-status-{s}"))
}

pub async fn list(
    State(state): State<AppState>,
    me: Me,
    Query(f): Query<ListQuery>,
) -> Result<Html<String>, AppError> {
    render_list(&state, &me, f, false).await
}

/// The account list, or (`pool`) the accounts in the shared pool with claim buttons.
pub async fn render_list(
    state: &AppState,
    me: &Me,
    f: ListQuery,
    pool: bool,
) -> Result<Html<String>, AppError> {
    let l = me.l();
    let rules = if pool {
        state.db.return_stale(PoolKind::Accounts).await?;
        let r = state.db.pool_rules(PoolKind::Accounts).await?;
        Some(super::pool::describe_rules(l, &r))
    } else {
        None
    };
    let status = STATUSES
        .iter()
        .find(|s| **s == f.status)
        .map(|s| s.to_string());
    let mine = f.mine.is_some();
    let sort = list::chosen(keel_db::sort::ACCOUNTS, &f.sort);
    let q = AccountQuery {
        search: Some(f.q.clone()),
        owner: mine.then_some(me.user.person_id),
        status: status.clone(),
        pool,
        sort: sort.name.into(),
        after: list::cursor(&f.after),
        limit: 50,
    };
    let (rows, next) = state.db.accounts(&me.actor(), &q).await?;
    let filters = Filters::new(&[
        ("kind", if pool { "accounts" } else { "" }),
        ("q", &f.q),
        ("status", status.as_deref().unwrap_or("")),
        ("mine", if mine { "1" } else { "" }),
    ]);
    let base = if pool { "/pool" } else { "/accounts" };
    let page = AccountsPage {
        export: filters.link("/export/accounts.csv", &[("sort", sort.name)]),
        headers: list::headers(
            l,
            &filters,
            base,
            sort,
            &[
                ("account-name", Some("name"), ""),
                ("account-industry", None, ""),
                ("account-region", None, ""),
                ("account-status", None, ""),
                ("record-owner", None, ""),
                ("account-last-activity", Some("last_activity"), ""),
                ("", None, ""),
            ],
        ),
        sorts: list::sort_choices(l, keel_db::sort::ACCOUNTS, sort),
        pool,
        rules,
        error: super::pool::known_error(l, &f.error),
        statuses: Choice::list(
            &l.t("account-all-statuses"),
            STATUSES.iter().map(|s| (s.to_string(), status_label(l, s))),
            status.as_deref().unwrap_or(""),
        ),
        q: f.q,
        mine,
        rows: rows
            .into_iter()
            .map(|a| AccountLine {
                id: a.id.to_string(),
                claimable: a.owner_id.is_none(),
                tags: tags(&a.tags),
                industry: a.industry.unwrap_or_default(),
                region: a.region.unwrap_or_default(),
                status: status_label(l, &a.status),
                owner: a.owner_name.unwrap_or_else(|| l.t("pool-name")),
                last_activity: a.last_activity_at.map(|t| me.time(t)).unwrap_or_default(),
                name: a.name,
            })
            .collect(),
        next: list::next_link(&filters, base, sort, next),
        chrome: me.ctx.chrome(),
    };
    Ok(Html(page.render()?))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ShowQuery {
    saved: Option<String>,
    error: String,
}

pub async fn show(
    State(state): State<AppState>,
    me: Me,
    Id(id): Id,
    Query(q): Query<ShowQuery>,
) -> Result<Html<String>, AppError> {
    let actor = me.actor();
    let a = state.db.account(&actor, id).await?;
    let l = me.l();
    let can_edit = match a.owner_id {
        Some(owner) => {
            state
                .db
                .reporting_line(me.user.person_id)
                .await?
                .contains(&owner)
                || actor.sees_everything()
        }
        None => actor.sees_everything(),
    };
    let (deals, _) = state
        .db
        .deals(
            &actor,
            &DealQuery {
                account: Some(id),
                limit: 100,
                ..Default::default()
            },
        )
        .await?;
    let activities = state.db.activities(&actor, About::Account(id), 100).await?;
    let contacts = state.db.contacts_of(&actor, id).await?;
    let sat = state.db.satisfaction_of(&actor, id).await?;
    let mut sat_parts = Vec::new();
    if let Some(avg) = sat.csat_avg_hundredths {
        sat_parts.push(format!(
            "CSAT {}.{:02} ({})",
            avg / 100,
            avg % 100,
            sat.csat_responses
        ));
    }
    if let Some(nps) = sat.nps {
        sat_parts.push(format!("NPS {nps} ({})", sat.nps_responses));
    }
    let in_pool = a.owner_id.is_none();
    let owners = super::owner_choices(&state, &me, a.owner_id, can_edit).await?;
    let page = AccountPage {
        owners,
        owner_action: format!("/accounts/{id}/owner"),
        in_pool,
        error: super::pool::known_error(l, &q.error),
        contacts: contacts
            .into_iter()
            .map(|c| ContactLine {
                name: c.name,
                title: c.title.unwrap_or_default(),
                phone: c.phone.unwrap_or_default(),
                email: c.email.unwrap_or_default(),
            })
            .collect(),
        satisfaction: (!sat_parts.is_empty()).then(|| sat_parts.join(" · ")),
        a: AccountView {
            id: a.id.to_string(),
            status: status_label(l, &a.status),
            tags: tags(&a.tags),
            industry: a.industry.unwrap_or_default(),
            size: a.size.map(|s| l.number(s.into())).unwrap_or_default(),
            region: a.region.unwrap_or_default(),
            owner: a.owner_name.unwrap_or_else(|| l.t("pool-name")),
            parent: a
                .parent_id
                .map(|p| (p.to_string(), a.parent_name.unwrap_or_default())),
            notes: a.notes.unwrap_or_default(),
            name: a.name,
        },
        can_edit,
        notice: q.saved.map(|_| l.t("notice-saved")),
        deals: deals
            .into_iter()
            .map(|d| DealLine {
                id: d.id.to_string(),
                stage: stage_label(l, &d.stage_name, &d.stage_name_en),
                amount: money(l, d.amount_minor, &d.currency),
                name: d.name,
            })
            .collect(),
        quick_add: (can_edit && !in_pool)
            .then(|| quick_add(l, format!("/accounts/{id}"), Some(id), None, None)),
        timeline: timeline(l, me.ctx.shown, &activities),
        chrome: me.ctx.chrome(),
    };
    Ok(Html(page.render()?))
}

/// A stage's name in the person's language.
pub fn stage_label(l: Locale, name: &str, name_en: &str) -> String {
    match l {
        Locale::ZhCn => name.to_owned(),
        Locale::En => name_en.to_owned(),
    }
}

#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct AccountForm {
    name: String,
    industry: String,
    size: String,
    region: String,
    status: String,
    tags: String,
    notes: String,
    owner_id: String,
}

fn validate(
    l: Locale,
    f: &AccountForm,
    me: Uuid,
) -> Result<AccountInput, Vec<(&'static str, String)>> {
    let mut errors = Vec::new();
    if let Some(e) = required(l, &f.name, 200) {
        errors.push(("name", e));
    }
    let size = match non_empty(&f.size) {
        None => None,
        Some(s) => match s.replace(',', "").parse::<i32>() {
            Ok(n) if n >= 0 => Some(n),
            _ => {
                errors.push(("size", l.t("field-number-invalid")));
                None
            }
        },
    };
    let status = STATUSES
        .iter()
        .find(|s| **s == f.status)
        .copied()
        .unwrap_or("prospect");
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(AccountInput {
        name: f.name.trim().to_owned(),
        industry: non_empty(&f.industry),
        size,
        region: non_empty(&f.region),
        status: status.into(),
        tags: f.tags.clone(),
        parent_id: None,
        notes: non_empty(&f.notes),
        owner_id: match f.owner_id.as_str() {
            "pool" => None,
            other => opt_id(other).or(Some(me)),
        },
    })
}

async fn render_form(
    state: &AppState,
    me: &Me,
    editing: Option<Uuid>,
    f: &AccountForm,
    errors: Vec<(&'static str, String)>,
    status: StatusCode,
) -> Result<Response, AppError> {
    let l = me.l();
    let err = |n: &str| errors.iter().find(|(k, _)| *k == n).map(|(_, m)| m.clone());
    let text = |name, kind, label: &str, value: &str, required| Field {
        name,
        kind,
        label: l.t(label),
        value: value.to_owned(),
        max: 200,
        required,
        error: err(name),
        ..Default::default()
    };
    let mut fields = vec![
        text("name", "text", "account-name", &f.name, true),
        text("industry", "text", "account-industry", &f.industry, false),
        text("size", "text", "account-size", &f.size, false),
        text("region", "text", "account-region", &f.region, false),
        Field {
            name: "status",
            kind: "select",
            label: l.t("account-status"),
            options: STATUSES
                .iter()
                .map(|s| Choice {
                    value: s.to_string(),
                    label: status_label(l, s),
                    selected: *s == f.status,
                })
                .collect(),
            ..Default::default()
        },
        text("tags", "text", "account-tags", &f.tags, false),
    ];
    if editing.is_none() {
        fields.push(super::owner_field(state, me, &f.owner_id, true).await?);
    }
    fields.push(Field {
        max: 2000,
        ..text("notes", "textarea", "account-notes", &f.notes, false)
    });
    let page = RecordFormPage {
        heading: l.t(if editing.is_some() {
            "account-edit-title"
        } else {
            "accounts-new"
        }),
        action: editing.map_or("/accounts".into(), |id| format!("/accounts/{id}")),
        cancel: editing.map_or("/accounts".into(), |id| format!("/accounts/{id}")),
        fields,
        error: (!errors.is_empty()).then(|| l.t("error-invalid_input")),
        chrome: me.ctx.chrome(),
    };
    Ok((status, Html(page.render()?)).into_response())
}

pub async fn new_form(State(state): State<AppState>, me: Me) -> Result<Response, AppError> {
    let f = AccountForm {
        status: "prospect".into(),
        ..Default::default()
    };
    render_form(&state, &me, None, &f, Vec::new(), StatusCode::OK).await
}

pub async fn create(
    State(state): State<AppState>,
    me: Me,
    Form(f): Form<AccountForm>,
) -> Result<Response, AppError> {
    let input = match validate(me.l(), &f, me.user.person_id) {
        Ok(i) => i,
        Err(e) => {
            return render_form(&state, &me, None, &f, e, StatusCode::UNPROCESSABLE_ENTITY).await;
        }
    };
    let id = state.db.create_account(&me.actor(), &input).await?;
    Ok(Redirect::to(&format!("/accounts/{id}?saved=1")).into_response())
}

fn form_of(a: &Account) -> AccountForm {
    AccountForm {
        name: a.name.clone(),
        industry: a.industry.clone().unwrap_or_default(),
        size: a.size.map(|s| s.to_string()).unwrap_or_default(),
        region: a.region.clone().unwrap_or_default(),
        status: a.status.clone(),
        tags: a.tags.replace(',', ", "),
        notes: a.notes.clone().unwrap_or_default(),
        owner_id: String::new(),
    }
}

pub async fn edit_form(
    State(state): State<AppState>,
    me: Me,
    Id(id): Id,
) -> Result<Response, AppError> {
    let a = state.db.account(&me.actor(), id).await?;
    render_form(
        &state,
        &me,
        Some(id),
        &form_of(&a),
        Vec::new(),
        StatusCode::OK,
    )
    .await
}

pub async fn update(
    State(state): State<AppState>,
    me: Me,
    Id(id): Id,
    Form(f): Form<AccountForm>,
) -> Result<Response, AppError> {
    let input = match validate(me.l(), &f, me.user.person_id) {
        Ok(i) => i,
        Err(e) => {
            return render_form(
                &state,
                &me,
                Some(id),
                &f,
                e,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await;
        }
    };
    // The form does not edit the parent (imports set it): keep it.
    let mut input = input;
    input.parent_id = state.db.account(&me.actor(), id).await?.parent_id;
    match state.db.update_account(&me.actor(), id, &input).await {
        Ok(()) => Ok(Redirect::to(&format!("/accounts/{id}?saved=1")).into_response()),
        Err(DbError::Conflict(code)) => {
            let errors = vec![("name", me.l().t(&format!("error-{code}")))];
            render_form(
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

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ContactForm {
    name: String,
    title: String,
    phone: String,
    email: String,
}

pub async fn add_contact(
    State(state): State<AppState>,
    me: Me,
    Id(id): Id,
    Form(f): Form<ContactForm>,
) -> Result<Response, AppError> {
    if required(me.l(), &f.name, 100).is_some() {
        return Ok(Redirect::to(&format!("/accounts/{id}?error=invalid_input")).into_response());
    }
    let input = ContactInput {
        name: f.name.trim().to_owned(),
        title: non_empty(&f.title),
        phone: non_empty(&f.phone),
        email: non_empty(&f.email),
        notes: None,
    };
    state.db.add_contact(&me.actor(), id, &input).await?;
    Ok(Redirect::to(&format!("/accounts/{id}?saved=1")).into_response())
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct SatisfactionForm {
    kind: String,
    score: String,
    comment: String,
}

pub async fn add_satisfaction(
    State(state): State<AppState>,
    me: Me,
    Id(id): Id,
    Form(f): Form<SatisfactionForm>,
) -> Result<Response, AppError> {
    let Ok(score) = f.score.trim().parse::<i32>() else {
        return Ok(Redirect::to(&format!("/accounts/{id}?error=invalid_score")).into_response());
    };
    let r = SatisfactionResponse {
        kind: f.kind,
        score,
        comment: non_empty(&f.comment),
        deal_id: None,
        at: None,
    };
    match state.db.record_satisfaction(&me.actor(), id, &r).await {
        Ok(_) => Ok(Redirect::to(&format!("/accounts/{id}?saved=1")).into_response()),
        Err(DbError::Conflict(code)) => {
            Ok(Redirect::to(&format!("/accounts/{id}?error={code}")).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ContactsQuery {
    q: String,
    sort: String,
    after: String,
}

/// Every contact the person may see, with search and sorting.
pub async fn contacts(
    State(state): State<AppState>,
    me: Me,
    Query(f): Query<ContactsQuery>,
) -> Result<Html<String>, AppError> {
    let l = me.l();
    let sort = list::chosen(keel_db::sort::CONTACTS, &f.sort);
    let q = ContactQuery {
        search: Some(f.q.clone()),
        sort: sort.name.into(),
        after: list::cursor(&f.after),
        limit: 50,
    };
    let (rows, next) = state.db.contacts(&me.actor(), &q).await?;
    let filters = Filters::new(&[("q", &f.q)]);
    let page = keel_views::ContactsPage {
        export: filters.link("/export/contacts.csv", &[("sort", sort.name)]),
        headers: list::headers(
            l,
            &filters,
            "/contacts",
            sort,
            &[
                ("contact-name", Some("name"), ""),
                ("contact-title", None, ""),
                ("deal-account", None, ""),
                ("contact-phone", None, ""),
                ("contact-email", None, ""),
                ("record-owner", None, ""),
            ],
        ),
        sorts: list::sort_choices(l, keel_db::sort::CONTACTS, sort),
        q: f.q,
        rows: rows
            .into_iter()
            .map(|c| keel_views::ContactRow {
                account: c
                    .account_id
                    .map(|a| (a.to_string(), c.account_name.clone().unwrap_or_default())),
                name: c.name,
                title: c.title.unwrap_or_default(),
                phone: c.phone.unwrap_or_default(),
                email: c.email.unwrap_or_default(),
                owner: c.owner_name,
            })
            .collect(),
        next: list::next_link(&filters, "/contacts", sort, next),
        chrome: me.ctx.chrome(),
    };
    Ok(Html(page.render()?))
}
