//! The shared pool (公海): browsing and claiming, returning with a reason, and the admin's
//! rules and module visibility.

use crate::auth::me::Me;
use crate::shared::Form;
use crate::shared::Id;
use crate::shared::Query;
use crate::shared::params::local;
use crate::{AppError, AppState, shared::parse_id};
use askama::Template;
use axum::extract::{Path, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use keel_db::DbError;
use keel_db::crm::Module;
use keel_db::deals::StageInput;
use keel_db::pool::{PoolKind, PoolRules, RULES};
use keel_domain::roles::Action;
use keel_i18n::Locale;
use keel_views::{Choice, CrmSettingsPage, PoolKindForm, StageRow};
use serde::Deserialize;
use std::collections::HashMap;
use uuid::Uuid;

const MODULES: [Module; 6] = [
    Module::Accounts,
    Module::Contacts,
    Module::Leads,
    Module::Deals,
    Module::Activities,
    Module::Satisfaction,
];

/// The pool's rules in one sentence, for the pool page.
pub fn describe_rules(l: Locale, r: &PoolRules) -> String {
    l.t_args(
        "pool-rules",
        &[
            ("claims", &r.claims_per_day.to_string()),
            ("held", &r.max_held.to_string()),
            ("days", &r.return_after_days.to_string()),
            ("cooldown", &r.cooldown_days.to_string()),
        ],
    )
}

/// A localized message for an error code carried in a redirect's query, if it is one we know.
pub fn known_error(l: Locale, code: &str) -> Option<String> {
    let known = RULES.contains(&code)
        || [
            "lead_in_pool",
            "lead_converted",
            "unknown_stage",
            "unknown_account",
            "invalid_score",
            "invalid_input",
            "forbidden",
        ]
        .contains(&code);
    known.then(|| l.t(&format!("error-{code}")))
}

fn kind(s: &str) -> Result<PoolKind, AppError> {
    PoolKind::parse(s).ok_or(AppError::NotFound)
}

fn with_error(back: &str, code: &str) -> String {
    let sep = if back.contains('?') { '&' } else { '?' };
    format!("{back}{sep}error={code}")
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct BackForm {
    back: String,
    reason: String,
}

pub async fn claim(
    State(state): State<AppState>,
    me: Me,
    Path((k, id)): Path<(String, String)>,
    Form(f): Form<BackForm>,
) -> Result<Response, AppError> {
    let (k, id) = (kind(&k)?, parse_id(&id)?);
    let record = match k {
        PoolKind::Leads => format!("/leads/{id}"),
        PoolKind::Accounts => format!("/accounts/{id}"),
    };
    match state.db.claim(&me.actor(), k, id).await {
        Ok(()) => Ok(Redirect::to(&format!("{record}?saved=1")).into_response()),
        Err(DbError::Conflict(code)) => {
            Ok(Redirect::to(&with_error(&local(&f.back, &record), code)).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn release(
    State(state): State<AppState>,
    me: Me,
    Path((k, id)): Path<(String, String)>,
    Form(f): Form<BackForm>,
) -> Result<Response, AppError> {
    let (k, id) = (kind(&k)?, parse_id(&id)?);
    let record = match k {
        PoolKind::Leads => format!("/leads/{id}"),
        PoolKind::Accounts => format!("/accounts/{id}"),
    };
    match state.db.release(&me.actor(), k, id, &f.reason).await {
        Ok(()) => Ok(Redirect::to(&format!("/pool?kind={}", k.as_str())).into_response()),
        Err(DbError::Conflict(code)) => {
            Ok(Redirect::to(&with_error(&record, code)).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

async fn render_settings(
    state: &AppState,
    me: &Me,
    notice: Option<String>,
    error: Option<String>,
) -> Result<Html<String>, AppError> {
    render_settings_of(state, me, None, notice, error).await
}

/// The settings page with the stages of `pipeline` (else the default pipeline) to edit.
async fn render_settings_of(
    state: &AppState,
    me: &Me,
    pipeline: Option<Uuid>,
    notice: Option<String>,
    error: Option<String>,
) -> Result<Html<String>, AppError> {
    let l = me.l();
    let mut kinds = Vec::new();
    for k in [PoolKind::Leads, PoolKind::Accounts] {
        let r = state.db.pool_rules(k).await?;
        kinds.push(PoolKindForm {
            kind: k.as_str().into(),
            title: l.t(&format!("pool-rules-{}", k.as_str())),
            fields: vec![
                (
                    "claims_per_day".into(),
                    l.t("pool-claims-per-day"),
                    r.claims_per_day,
                ),
                ("max_held".into(), l.t("pool-max-held"), r.max_held),
                (
                    "return_after_days".into(),
                    l.t("pool-return-after"),
                    r.return_after_days,
                ),
                (
                    "cooldown_days".into(),
                    l.t("pool-cooldown"),
                    r.cooldown_days,
                ),
            ],
        });
    }
    let mut modules = Vec::new();
    for m in MODULES {
        modules.push(Choice {
            value: m.as_str().into(),
            label: l.t(&format!("module-{}", m.as_str())),
            selected: state.db.module_public(m).await?,
        });
    }
    let pipelines = state.db.pipelines().await?;
    let pipeline = pipelines
        .iter()
        .find(|p| Some(p.id) == pipeline)
        .or(pipelines.iter().find(|p| p.is_default))
        .or(pipelines.first())
        .map(|p| p.id);
    let stages = state
        .db
        .stages()
        .await?
        .into_iter()
        .filter(|s| Some(s.pipeline_id) == pipeline)
        .map(|s| StageRow {
            id: s.id.to_string(),
            category: l.t(&format!("stage-category-{}", s.category)),
            name: s.name,
            name_en: s.name_en,
            probability: s.probability,
        })
        .collect();
    let page = CrmSettingsPage {
        pipelines: Choice::pick(
            pipelines.iter().map(|p| (p.id.to_string(), p.name.clone())),
            &pipeline.map(|p| p.to_string()).unwrap_or_default(),
        ),
        pipeline_id: pipeline.map(|p| p.to_string()).unwrap_or_default(),
        stages,
        kinds,
        modules,
        notice,
        error,
        chrome: me.ctx.chrome(),
    };
    Ok(Html(page.render()?))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct SettingsQuery {
    pipeline: String,
}

pub async fn settings(
    State(state): State<AppState>,
    me: Me,
    Query(q): Query<SettingsQuery>,
) -> Result<Html<String>, AppError> {
    me.require(Action::ManageTeams)?;
    let pipeline = crate::shared::opt_id(&q.pipeline);
    render_settings_of(&state, &me, pipeline, None, None).await
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct PipelineForm {
    name: String,
}

/// Adds a pipeline with the default stages, then shows it for editing.
pub async fn add_pipeline(
    State(state): State<AppState>,
    me: Me,
    Form(f): Form<PipelineForm>,
) -> Result<Html<String>, AppError> {
    me.require(Action::ManageTeams)?;
    let l = me.l();
    match state.db.create_pipeline(me.user.person_id, &f.name).await {
        Ok(id) => render_settings_of(&state, &me, Some(id), Some(l.t("notice-saved")), None).await,
        Err(DbError::Conflict(code)) => {
            render_settings(&state, &me, None, Some(l.t(&format!("error-{code}")))).await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize)]
pub struct RulesForm {
    claims_per_day: i32,
    max_held: i32,
    return_after_days: i32,
    cooldown_days: i32,
}

pub async fn save_rules(
    State(state): State<AppState>,
    me: Me,
    Path(k): Path<String>,
    Form(f): Form<RulesForm>,
) -> Result<Html<String>, AppError> {
    me.require(Action::ManageTeams)?;
    let k = kind(&k)?;
    let values = [
        f.claims_per_day,
        f.max_held,
        f.return_after_days,
        f.cooldown_days,
    ];
    if values.iter().any(|v| !(0..=100_000).contains(v)) || f.return_after_days < 1 {
        return Err(AppError::Invalid(vec![(
            "rules".into(),
            me.l().t("field-number-invalid"),
        )]));
    }
    let rules = PoolRules {
        claims_per_day: f.claims_per_day,
        max_held: f.max_held,
        return_after_days: f.return_after_days,
        cooldown_days: f.cooldown_days,
    };
    state
        .db
        .set_pool_rules(me.user.person_id, k, &rules)
        .await?;
    render_settings(&state, &me, Some(me.l().t("notice-saved")), None).await
}

pub async fn save_visibility(
    State(state): State<AppState>,
    me: Me,
    Form(f): Form<HashMap<String, String>>,
) -> Result<Html<String>, AppError> {
    me.require(Action::ManageTeams)?;
    for m in MODULES {
        if let Some(v) = f.get(m.as_str()) {
            state
                .db
                .set_module_public(me.user.person_id, m, v == "public_read")
                .await?;
        }
    }
    render_settings(&state, &me, Some(me.l().t("notice-saved")), None).await
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct StageForm {
    name: String,
    name_en: String,
    probability: String,
}

fn stage_input(f: &StageForm) -> Option<StageInput> {
    let probability = f
        .probability
        .trim()
        .parse::<u8>()
        .ok()
        .filter(|p| *p <= 100)?;
    let (name, name_en) = (f.name.trim(), f.name_en.trim());
    let fits = |s: &str| !s.is_empty() && s.chars().count() <= 50;
    (fits(name) && fits(name_en)).then(|| StageInput {
        name: name.into(),
        name_en: name_en.into(),
        probability,
    })
}

/// The settings page after a stage change, showing the stage's pipeline.
async fn stage_result(
    state: &AppState,
    me: &Me,
    pipeline: Option<Uuid>,
    res: Result<(), DbError>,
) -> Result<Html<String>, AppError> {
    let l = me.l();
    match res {
        Ok(()) => render_settings_of(state, me, pipeline, Some(l.t("notice-saved")), None).await,
        Err(DbError::Conflict(code)) => {
            let error = Some(l.t(&format!("error-{code}")));
            render_settings_of(state, me, pipeline, None, error).await
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn save_stage(
    State(state): State<AppState>,
    me: Me,
    Id(id): Id,
    Form(f): Form<StageForm>,
) -> Result<Html<String>, AppError> {
    me.require(Action::ManageTeams)?;
    let pipeline = state
        .db
        .stages()
        .await?
        .into_iter()
        .find(|s| s.id == id)
        .map(|s| s.pipeline_id);
    let res = match stage_input(&f) {
        Some(input) => state.db.update_stage(me.user.person_id, id, &input).await,
        None => Err(DbError::Conflict("invalid_stage")),
    };
    stage_result(&state, &me, pipeline, res).await
}

pub async fn add_stage(
    State(state): State<AppState>,
    me: Me,
    Path(pipeline): Path<String>,
    Form(f): Form<StageForm>,
) -> Result<Html<String>, AppError> {
    me.require(Action::ManageTeams)?;
    let pipeline = parse_id(&pipeline)?;
    let res = match stage_input(&f) {
        Some(input) => state
            .db
            .add_stage(me.user.person_id, pipeline, &input)
            .await
            .map(|_| ()),
        None => Err(DbError::Conflict("invalid_stage")),
    };
    stage_result(&state, &me, Some(pipeline), res).await
}
