use super::accounts::stage_label;
use super::list::{self, Filters};
use super::{money, quick_add, timeline};
use crate::auth::me::Me;
use crate::shared::Form;
use crate::shared::Id;
use crate::shared::Query;
use crate::shared::fields::non_empty;
use crate::shared::fields::required;
use crate::shared::params::local;
use crate::shared::params::opt_id;
use crate::{AppError, AppState};
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use keel_db::DbError;
use keel_db::accounts::AccountQuery;
use keel_db::activities::About;
use keel_db::deals::{DealInput, DealQuery, Pipeline, Stage};
use keel_domain::money::{Currency, parse_major, percent_of};
use keel_i18n::Locale;
use keel_views::{
    BoardCard, BoardColumnView, BoardPage, Choice, DealPage, DealRow, DealView, DealsPage, Field,
    RecordFormPage,
};
use serde::Deserialize;
use uuid::Uuid;

/// Board columns show this many deals each; the rest are a link away.
const PER_STAGE: u32 = 30;

/// The stages to choose from (of one pipeline, or of all of them named with their pipeline
/// when there are several), with `current` selected.
fn stage_choices(
    l: Locale,
    stages: &[Stage],
    pipelines: &[Pipeline],
    pipeline: Option<Uuid>,
    current: Option<Uuid>,
) -> Vec<Choice> {
    let prefix = |s: &Stage| match pipelines.iter().find(|p| p.id == s.pipeline_id) {
        Some(p) if pipelines.len() > 1 && pipeline.is_none() => format!("{} · ", p.name),
        _ => String::new(),
    };
    stages
        .iter()
        .filter(|s| pipeline.is_none_or(|p| s.pipeline_id == p))
        .map(|s| Choice {
            value: s.id.to_string(),
            label: format!(
                "{}{} ({}%)",
                prefix(s),
                stage_label(l, &s.name, &s.name_en),
                s.probability
            ),
            selected: Some(s.id) == current,
        })
        .collect()
}

/// The pipelines as choices, `current` selected; empty when there is only one.
fn pipeline_choices(
    pipelines: &[Pipeline],
    current: Option<Uuid>,
    none: Option<&str>,
) -> Vec<Choice> {
    if pipelines.len() < 2 {
        return Vec::new();
    }
    let items = pipelines.iter().map(|p| (p.id.to_string(), p.name.clone()));
    let current = current.map(|c| c.to_string()).unwrap_or_default();
    match none {
        Some(none) => Choice::list(none, items, &current),
        None => Choice::pick(items, &current),
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ListQuery {
    q: String,
    stage: String,
    pipeline: String,
    open: Option<String>,
    mine: Option<String>,
    sort: String,
    after: String,
}

pub async fn list(
    State(state): State<AppState>,
    me: Me,
    Query(f): Query<ListQuery>,
) -> Result<Html<String>, AppError> {
    let l = me.l();
    let stage = opt_id(&f.stage);
    let pipeline = opt_id(&f.pipeline);
    let mine = f.mine.is_some();
    let open_only = f.open.is_some();
    let sort = list::chosen(keel_db::sort::DEALS, &f.sort);
    let q = DealQuery {
        search: Some(f.q.clone()),
        owner: mine.then_some(me.user.person_id),
        stage,
        pipeline,
        open_only,
        sort: sort.name.into(),
        after: list::cursor(&f.after),
        limit: 50,
        ..Default::default()
    };
    let (rows, next) = state.db.deals(&me.actor(), &q).await?;
    let filters = Filters::new(&[
        ("q", &f.q),
        (
            "pipeline",
            &pipeline.map(|p| p.to_string()).unwrap_or_default(),
        ),
        ("stage", &stage.map(|s| s.to_string()).unwrap_or_default()),
        ("open", if open_only { "1" } else { "" }),
        ("mine", if mine { "1" } else { "" }),
    ]);
    let stages = state.db.stages().await?;
    let pipelines = state.db.pipelines().await?;
    let mut stage_options = stage_choices(l, &stages, &pipelines, pipeline, stage);
    stage_options.insert(
        0,
        Choice {
            value: String::new(),
            label: l.t("deal-all-stages"),
            selected: stage.is_none(),
        },
    );
    let page = DealsPage {
        export: filters.link("/export/deals.csv", &[("sort", sort.name)]),
        headers: list::headers(
            l,
            &filters,
            "/deals",
            sort,
            &[
                ("deal-name", Some("name"), ""),
                ("deal-account", None, ""),
                ("deal-stage", None, ""),
                ("deal-amount", Some("amount"), "num"),
                ("deal-close", Some("close"), ""),
                ("record-owner", None, ""),
            ],
        ),
        sorts: list::sort_choices(l, keel_db::sort::DEALS, sort),
        q: f.q,
        stages: stage_options,
        pipelines: pipeline_choices(&pipelines, pipeline, Some(&l.t("pipeline-all"))),
        open_only,
        mine,
        rows: rows
            .into_iter()
            .map(|d| DealRow {
                id: d.id.to_string(),
                account: d
                    .account_id
                    .map(|a| (a.to_string(), d.account_name.clone().unwrap_or_default())),
                stage: stage_label(l, &d.stage_name, &d.stage_name_en),
                category: d.category.clone(),
                amount: money(l, d.amount_minor, &d.currency),
                close: d.expected_close.map(|c| l.date(c)).unwrap_or_default(),
                owner: d.owner_name,
                name: d.name,
            })
            .collect(),
        next: list::next_link(&filters, "/deals", sort, next),
        chrome: me.ctx.chrome(),
    };
    Ok(Html(page.render()?))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct BoardQuery {
    mine: Option<String>,
    pipeline: String,
}

pub async fn board(
    State(state): State<AppState>,
    me: Me,
    Query(f): Query<BoardQuery>,
) -> Result<Html<String>, AppError> {
    let l = me.l();
    let actor = me.actor();
    let pipelines = state.db.pipelines().await?;
    // The chosen pipeline; an unknown one (a stale link) shows the default.
    let chosen = opt_id(&f.pipeline);
    let Some(pipeline) = pipelines
        .iter()
        .find(|p| Some(p.id) == chosen)
        .or(pipelines.iter().find(|p| p.is_default))
        .or(pipelines.first())
    else {
        return Err(AppError::NotFound);
    };
    let mine = f.mine.is_some();
    let columns = state
        .db
        .board(
            &actor,
            pipeline.id,
            mine.then_some(me.user.person_id),
            PER_STAGE,
        )
        .await?;
    let stages = state.db.stages().await?;
    let line = state.db.reporting_line(me.user.person_id).await?;
    let mut views = Vec::new();
    for col in columns {
        let hidden = col.count - col.deals.len() as i64;
        views.push(BoardColumnView {
            id: col.stage.id.to_string(),
            name: stage_label(l, &col.stage.name, &col.stage.name_en),
            probability: col.stage.probability,
            category: col.stage.category.clone(),
            count: l.number(col.count),
            // One figure per currency; amounts in different currencies are never added.
            amount: join_money(l, col.totals.iter().map(|t| (t.1, t.0.as_str()))),
            weighted: join_money(l, col.totals.iter().map(|t| (t.2, t.0.as_str()))),
            deals: col
                .deals
                .iter()
                .map(|d| BoardCard {
                    id: d.id.to_string(),
                    name: d.name.clone(),
                    account: d.account_name.clone().unwrap_or_default(),
                    amount: money(l, d.amount_minor, &d.currency),
                    owner: d.owner_name.clone(),
                    can_move: actor.sees_everything() || line.contains(&d.owner_id),
                    moves: stage_choices(
                        l,
                        &stages,
                        &pipelines,
                        Some(d.pipeline_id),
                        Some(d.stage_id),
                    ),
                })
                .collect(),
            hidden,
            more_label: l.t_args("board-more", &[("count", &hidden.to_string())]),
        });
    }
    let page = BoardPage {
        mine,
        pipelines: pipeline_choices(&pipelines, Some(pipeline.id), None),
        pipeline_id: pipeline.id.to_string(),
        columns: views,
        chrome: me.ctx.chrome(),
    };
    Ok(Html(page.render()?))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ShowQuery {
    saved: Option<String>,
}

pub async fn show(
    State(state): State<AppState>,
    me: Me,
    Id(id): Id,
    Query(q): Query<ShowQuery>,
) -> Result<Html<String>, AppError> {
    let actor = me.actor();
    let l = me.l();
    let d = state.db.deal(&actor, id).await?;
    let can_edit = actor.sees_everything()
        || state
            .db
            .reporting_line(me.user.person_id)
            .await?
            .contains(&d.owner_id);
    let stages = state.db.stages().await?;
    let pipelines = state.db.pipelines().await?;
    let history = state.db.stage_history(&actor, id).await?;
    let activities = state.db.activities(&actor, About::Deal(id), 100).await?;
    let owners = super::owner_choices(&state, &me, Some(d.owner_id), can_edit).await?;
    let page = DealPage {
        owners,
        owner_action: format!("/deals/{id}/owner"),
        d: DealView {
            id: d.id.to_string(),
            stage: stage_label(l, &d.stage_name, &d.stage_name_en),
            category: d.category.clone(),
            amount: money(l, d.amount_minor, &d.currency),
            account: d
                .account_id
                .map(|a| (a.to_string(), d.account_name.clone().unwrap_or_default())),
            close: d.expected_close.map(|c| l.date(c)).unwrap_or_default(),
            owner: d.owner_name.clone(),
            probability: d.probability,
            weighted: money(
                l,
                percent_of(d.amount_minor, d.probability as u8),
                &d.currency,
            ),
            product_line: d.product_line.clone().unwrap_or_default(),
            loss_reason: d.loss_reason.clone().unwrap_or_default(),
            name: d.name.clone(),
        },
        can_edit,
        moves: stage_choices(
            l,
            &stages,
            &pipelines,
            Some(d.pipeline_id),
            Some(d.stage_id),
        ),
        notice: q.saved.map(|_| l.t("notice-saved")),
        history: history
            .into_iter()
            .map(|h| {
                let to = stage_label(l, &h.to_stage, &h.to_stage_en);
                let what = match (h.from_stage, h.from_stage_en) {
                    (Some(from), Some(from_en)) => {
                        format!("{} → {to}", stage_label(l, &from, &from_en))
                    }
                    _ => to,
                };
                (me.time(h.at), what, h.changed_by.unwrap_or_default())
            })
            .collect(),
        quick_add: can_edit
            .then(|| quick_add(l, format!("/deals/{id}"), d.account_id, Some(id), None)),
        timeline: timeline(l, me.ctx.shown, &activities),
        chrome: me.ctx.chrome(),
    };
    Ok(Html(page.render()?))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct MoveForm {
    stage_id: String,
    loss_reason: String,
    back: String,
}

pub async fn move_stage(
    State(state): State<AppState>,
    me: Me,
    Id(id): Id,
    Form(f): Form<MoveForm>,
) -> Result<Response, AppError> {
    let to = opt_id(&f.stage_id).ok_or(AppError::Conflict("unknown_stage"))?;
    let reason = Some(f.loss_reason.trim()).filter(|r| !r.is_empty());
    state.db.move_deal(&me.actor(), id, to, reason).await?;
    Ok(Redirect::to(&local(&f.back, &format!("/deals/{id}"))).into_response())
}

#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct DealForm {
    name: String,
    amount: String,
    currency: String,
    stage_id: String,
    pipeline_id: String,
    expected_close: String,
    account_id: String,
    owner_id: String,
    product_line: String,
    kind: String,
    source: String,
    /// Preselects the account when the form is opened from one.
    account: String,
}

fn validate(l: Locale, f: &DealForm, me: Uuid) -> Result<DealInput, Vec<(&'static str, String)>> {
    let mut errors = Vec::new();
    if let Some(e) = required(l, &f.name, 200) {
        errors.push(("name", e));
    }
    let amount = parse_major(&f.amount);
    if amount.is_none() {
        errors.push(("amount", l.t("field-amount-invalid")));
    }
    let currency = Currency::parse(if f.currency.trim().is_empty() {
        "CNY"
    } else {
        &f.currency
    });
    if currency.is_none() {
        errors.push(("currency", l.t("field-currency-invalid")));
    }
    let stage = opt_id(&f.stage_id);
    if stage.is_none() {
        errors.push(("stage_id", l.t("field-required")));
    }
    let close = match non_empty(&f.expected_close) {
        None => None,
        Some(s) => match crate::shared::params::date(&s) {
            Some(d) => Some(d),
            None => {
                errors.push(("expected_close", crate::shared::params::date_message(l)));
                None
            }
        },
    };
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(DealInput {
        name: f.name.trim().to_owned(),
        amount_minor: amount.unwrap_or(0),
        currency: currency
            .map(|c| c.code().to_owned())
            .unwrap_or_else(|| "CNY".into()),
        stage_id: stage.unwrap_or_default(),
        pipeline_id: opt_id(&f.pipeline_id),
        expected_close: close,
        owner_id: opt_id(&f.owner_id).unwrap_or(me),
        account_id: opt_id(&f.account_id),
        contact_id: None,
        product_line: non_empty(&f.product_line),
        kind: non_empty(&f.kind),
        source: non_empty(&f.source),
        loss_reason: None,
    })
}

async fn render_form(
    state: &AppState,
    me: &Me,
    f: &DealForm,
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
    let stages = state.db.stages().await?;
    let pipelines = state.db.pipelines().await?;
    // The pipeline chosen (on the board, or in this form), else the default one.
    let pipeline = opt_id(&f.pipeline_id)
        .filter(|p| pipelines.iter().any(|x| x.id == *p))
        .or(pipelines.iter().find(|p| p.is_default).map(|p| p.id));
    let first_stage = stages
        .iter()
        .find(|s| Some(s.pipeline_id) == pipeline)
        .map(|s| s.id);
    let stage = opt_id(&f.stage_id).or(first_stage);
    let (accounts, _) = state
        .db
        .accounts(
            &me.actor(),
            &AccountQuery {
                limit: 500,
                ..Default::default()
            },
        )
        .await?;
    let account = if f.account_id.is_empty() {
        f.account.clone()
    } else {
        f.account_id.clone()
    };
    let owner = super::owner_field(state, me, &f.owner_id, false).await?;
    let mut fields = vec![text("name", "text", "deal-name", &f.name, true)];
    if pipelines.len() > 1 {
        fields.push(Field {
            name: "pipeline_id",
            kind: "select",
            label: l.t("pipeline-name"),
            options: pipeline_choices(&pipelines, pipeline, None),
            hint: Some(l.t("pipeline-stage-hint")),
            error: err("pipeline_id"),
            ..Default::default()
        });
    }
    fields.extend([
        Field {
            hint: Some(l.t("deal-amount-hint")),
            ..text("amount", "text", "deal-amount", &f.amount, true)
        },
        text(
            "currency",
            "text",
            "deal-currency",
            if f.currency.is_empty() {
                "CNY"
            } else {
                &f.currency
            },
            false,
        ),
        Field {
            name: "stage_id",
            kind: "select",
            label: l.t("deal-stage"),
            // Stages of every pipeline, named with their pipeline when there are several.
            options: stage_choices(l, &stages, &pipelines, None, stage),
            error: err("stage_id"),
            ..Default::default()
        },
        text(
            "expected_close",
            "date",
            "deal-close",
            &f.expected_close,
            false,
        ),
        Field {
            name: "account_id",
            kind: "select",
            label: l.t("deal-account"),
            options: Choice::list(
                "—",
                accounts.into_iter().map(|a| (a.id.to_string(), a.name)),
                &account,
            ),
            ..Default::default()
        },
        owner,
        text(
            "product_line",
            "text",
            "deal-product-line",
            &f.product_line,
            false,
        ),
        text("kind", "text", "deal-kind", &f.kind, false),
        text("source", "text", "deal-source", &f.source, false),
    ]);
    let page = RecordFormPage {
        heading: l.t("deals-new"),
        action: "/deals".into(),
        cancel: "/deals".into(),
        fields,
        error: (!errors.is_empty()).then(|| l.t("error-invalid_input")),
        chrome: me.ctx.chrome(),
    };
    Ok((status, Html(page.render()?)).into_response())
}

pub async fn new_form(
    State(state): State<AppState>,
    me: Me,
    Query(f): Query<DealForm>,
) -> Result<Response, AppError> {
    render_form(&state, &me, &f, Vec::new(), StatusCode::OK).await
}

pub async fn create(
    State(state): State<AppState>,
    me: Me,
    Form(f): Form<DealForm>,
) -> Result<Response, AppError> {
    let input = match validate(me.l(), &f, me.user.person_id) {
        Ok(i) => i,
        Err(e) => return render_form(&state, &me, &f, e, StatusCode::UNPROCESSABLE_ENTITY).await,
    };
    match state.db.create_deal(&me.actor(), &input).await {
        Ok(id) => Ok(Redirect::to(&format!("/deals/{id}?saved=1")).into_response()),
        Err(DbError::Conflict(code)) => {
            let field = if code == "invalid_amount" {
                "amount"
            } else if code == "unknown_account" {
                "account_id"
            } else {
                "stage_id"
            };
            let errors = vec![(field, me.l().t(&format!("error-{code}")))];
            render_form(&state, &me, &f, errors, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(e) => Err(e.into()),
    }
}

/// `¥1,000.00 + US$20.00`, or the zero amount when there is nothing.
fn join_money<'a>(l: Locale, amounts: impl Iterator<Item = (i64, &'a str)>) -> String {
    let parts: Vec<String> = amounts
        .map(|(minor, currency)| money(l, minor, currency))
        .collect();
    if parts.is_empty() {
        money(l, 0, "CNY")
    } else {
        parts.join(" + ")
    }
}
