use super::accounts::stage_label;
use super::list::{self, Filters};
use super::{quick_add, timeline};
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
use keel_db::activities::About;
use keel_db::deals::DealInput;
use keel_db::leads::{Conversion, LeadInput, LeadQuery};
use keel_db::pool::PoolKind;
use keel_domain::money::parse_major;
use keel_i18n::Locale;
use keel_views::{Choice, Field, LeadLine, LeadPage, LeadsPage, RecordFormPage};
use serde::Deserialize;

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ListQuery {
    q: String,
    kind: String,
    mine: Option<String>,
    sort: String,
    after: String,
    error: String,
    saved: Option<String>,
}

fn status_label(l: Locale, s: &str) -> String {
    l.t(&format!("lead-status-{s}"))
}

pub async fn list(
    State(state): State<AppState>,
    me: Me,
    Query(f): Query<ListQuery>,
) -> Result<Html<String>, AppError> {
    render_list(&state, &me, f, false).await
}

/// `/pool?kind=leads|accounts`: the shared pool, with its rules and claim buttons.
pub async fn pool(
    State(state): State<AppState>,
    me: Me,
    Query(f): Query<ListQuery>,
) -> Result<Response, AppError> {
    match f.kind.as_str() {
        "accounts" => {
            let q = super::accounts::pool_query(f.q, f.sort, f.after, f.error);
            Ok(super::accounts::render_list(&state, &me, q, true)
                .await?
                .into_response())
        }
        _ => Ok(render_list(&state, &me, f, true).await?.into_response()),
    }
}

async fn render_list(
    state: &AppState,
    me: &Me,
    f: ListQuery,
    pool: bool,
) -> Result<Html<String>, AppError> {
    let l = me.l();
    let rules = if pool {
        state.db.return_stale(PoolKind::Leads).await?;
        Some(super::pool::describe_rules(
            l,
            &state.db.pool_rules(PoolKind::Leads).await?,
        ))
    } else {
        None
    };
    let mine = f.mine.is_some() && !pool;
    let sort = list::chosen(keel_db::sort::LEADS, &f.sort);
    let q = LeadQuery {
        search: Some(f.q.clone()),
        owner: mine.then_some(me.user.person_id),
        pool,
        sort: sort.name.into(),
        after: list::cursor(&f.after),
        limit: 50,
        ..Default::default()
    };
    let (rows, next) = state.db.leads(&me.actor(), &q).await?;
    let base = if pool { "/pool" } else { "/leads" };
    let filters = Filters::new(&[
        ("kind", if pool { "leads" } else { "" }),
        ("q", &f.q),
        ("mine", if mine { "1" } else { "" }),
    ]);
    let page = LeadsPage {
        export: filters.link("/export/leads.csv", &[("sort", sort.name)]),
        headers: list::headers(
            l,
            &filters,
            base,
            sort,
            &[
                ("lead-name", Some("name"), ""),
                ("lead-company", None, ""),
                ("lead-status", None, ""),
                ("lead-source", None, ""),
                ("record-owner", None, ""),
                ("", None, ""),
            ],
        ),
        sorts: list::sort_choices(l, keel_db::sort::LEADS, sort),
        mine,
        heading: l.t(if pool { "pool-title" } else { "leads-title" }),
        pool,
        action: if pool {
            "/pool".into()
        } else {
            "/leads".into()
        },
        q: f.q,
        rules,
        notice: f.saved.map(|_| l.t("notice-saved")),
        error: super::pool::known_error(l, &f.error),
        rows: rows
            .into_iter()
            .map(|r| LeadLine {
                id: r.id.to_string(),
                claimable: r.owner_id.is_none(),
                company: r.company.unwrap_or_default(),
                status: status_label(l, &r.status),
                source: r.source.unwrap_or_default(),
                owner: r.owner_name.unwrap_or_else(|| l.t("pool-name")),
                name: r.name,
            })
            .collect(),
        next: list::next_link(&filters, base, sort, next),
        chrome: me.ctx.chrome(),
    };
    Ok(Html(page.render()?))
}

#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct LeadForm {
    name: String,
    company: String,
    email: String,
    phone: String,
    source: String,
    industry: String,
    owner_id: String,
}

async fn render_form(
    state: &AppState,
    me: &Me,
    f: &LeadForm,
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
    let owner = super::owner_field(state, me, &f.owner_id, true).await?;
    let page = RecordFormPage {
        heading: l.t("leads-new"),
        action: "/leads".into(),
        cancel: "/leads".into(),
        fields: vec![
            text("name", "text", "lead-name", &f.name, true),
            text("company", "text", "lead-company", &f.company, false),
            text("email", "email", "contact-email", &f.email, false),
            text("phone", "text", "contact-phone", &f.phone, false),
            text("source", "text", "lead-source", &f.source, false),
            text("industry", "text", "account-industry", &f.industry, false),
            owner,
        ],
        error: (!errors.is_empty()).then(|| l.t("error-invalid_input")),
        chrome: me.ctx.chrome(),
    };
    Ok((status, Html(page.render()?)).into_response())
}

pub async fn new_form(State(state): State<AppState>, me: Me) -> Result<Response, AppError> {
    render_form(
        &state,
        &me,
        &LeadForm::default(),
        Vec::new(),
        StatusCode::OK,
    )
    .await
}

pub async fn create(
    State(state): State<AppState>,
    me: Me,
    Form(f): Form<LeadForm>,
) -> Result<Response, AppError> {
    if let Some(e) = required(me.l(), &f.name, 200) {
        return render_form(
            &state,
            &me,
            &f,
            vec![("name", e)],
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    }
    let input = LeadInput {
        name: f.name.trim().to_owned(),
        company: non_empty(&f.company),
        email: non_empty(&f.email),
        phone: non_empty(&f.phone),
        source: non_empty(&f.source),
        status: "new".into(),
        industry: non_empty(&f.industry),
        notes: None,
        owner_id: match f.owner_id.as_str() {
            "pool" => None,
            other => opt_id(other).or(Some(me.user.person_id)),
        },
    };
    let id = state.db.create_lead(&me.actor(), &input).await?;
    Ok(Redirect::to(&format!("/leads/{id}?saved=1")).into_response())
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
    let l = me.l();
    let actor = me.actor();
    let lead = state.db.lead(&actor, id).await?;
    let in_pool = lead.owner_id.is_none();
    let can_edit = match lead.owner_id {
        Some(owner) => {
            actor.sees_everything()
                || state
                    .db
                    .reporting_line(me.user.person_id)
                    .await?
                    .contains(&owner)
        }
        None => false,
    };
    let stages = state.db.stages().await?;
    let default_pipeline = state
        .db
        .pipelines()
        .await?
        .into_iter()
        .find(|p| p.is_default)
        .map(|p| p.id);
    let activities = state.db.activities(&actor, About::Lead(id), 100).await?;
    let owners = super::owner_choices(&state, &me, lead.owner_id, can_edit).await?;
    let mut facts = vec![
        (
            l.t("lead-company"),
            lead.company.clone().unwrap_or_default(),
        ),
        (l.t("contact-email"), lead.email.clone().unwrap_or_default()),
        (l.t("contact-phone"), lead.phone.clone().unwrap_or_default()),
        (l.t("lead-source"), lead.source.clone().unwrap_or_default()),
        (
            l.t("record-owner"),
            lead.owner_name.clone().unwrap_or_else(|| l.t("pool-name")),
        ),
    ];
    if let Some(t) = lead.last_activity_at {
        facts.push((l.t("account-last-activity"), me.time(t)));
    }
    let page = LeadPage {
        id: id.to_string(),
        status: status_label(l, &lead.status),
        company: lead.company.clone().unwrap_or_else(|| lead.name.clone()),
        facts,
        converted: lead.converted_account_id.map(|a| a.to_string()),
        in_pool,
        can_edit,
        can_convert: can_edit && lead.status != "converted",
        owners,
        owner_action: format!("/leads/{id}/owner"),
        stages: stages
            .iter()
            .filter(|s| Some(s.pipeline_id) == default_pipeline && s.category == "open")
            .map(|s| Choice {
                value: s.id.to_string(),
                label: stage_label(l, &s.name, &s.name_en),
                selected: false,
            })
            .collect(),
        notice: q.saved.map(|_| l.t("notice-saved")),
        error: super::pool::known_error(l, &q.error),
        quick_add: can_edit.then(|| quick_add(l, format!("/leads/{id}"), None, None, Some(id))),
        timeline: timeline(l, me.ctx.shown, &activities),
        name: lead.name,
        chrome: me.ctx.chrome(),
    };
    Ok(Html(page.render()?))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ConvertForm {
    account_name: String,
    deal_name: String,
    amount: String,
    stage_id: String,
}

pub async fn convert(
    State(state): State<AppState>,
    me: Me,
    Id(id): Id,
    Form(f): Form<ConvertForm>,
) -> Result<Response, AppError> {
    if required(me.l(), &f.account_name, 200).is_some() {
        return Ok(Redirect::to(&format!("/leads/{id}?error=invalid_input")).into_response());
    }
    let deal = match non_empty(&f.deal_name) {
        None => None,
        Some(name) => {
            let (Some(amount), Some(stage)) = (
                parse_major(if f.amount.trim().is_empty() {
                    "0"
                } else {
                    &f.amount
                }),
                opt_id(&f.stage_id),
            ) else {
                return Ok(
                    Redirect::to(&format!("/leads/{id}?error=invalid_input")).into_response()
                );
            };
            Some(DealInput {
                name,
                amount_minor: amount,
                currency: "CNY".into(),
                stage_id: stage,
                owner_id: me.user.person_id,
                ..Default::default()
            })
        }
    };
    let conv = Conversion {
        account_name: f.account_name.trim().to_owned(),
        existing_account: None,
        deal,
    };
    match state.db.convert_lead(&me.actor(), id, &conv).await {
        Ok(c) => Ok(Redirect::to(&match c.deal_id {
            Some(d) => format!("/deals/{d}?saved=1"),
            None => format!("/accounts/{}?saved=1", c.account_id),
        })
        .into_response()),
        Err(DbError::Conflict(code)) => {
            Ok(Redirect::to(&format!("/leads/{id}?error={code}")).into_response())
        }
        Err(e) => Err(e.into()),
    }
}
