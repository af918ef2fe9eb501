//! Time zones: the organisation's (its calendar; admins set it at `/admin/time-zone`, which
//! rebuilds the rollups) and each person's own (how times are shown to them; `/settings`).

use crate::auth::me::Me;
use crate::shared::Form;
use crate::shared::routes::{Routes, get};
use crate::{AppError, AppState};
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use keel_domain::roles::Action;
use keel_domain::time::{Zone, now};
use keel_i18n::{Locale, offset_label};
use keel_views::{Choice, ZonePage};
use serde::Deserialize;

pub fn routes() -> Routes {
    Routes::new().route("/admin/time-zone", get(page).post(save))
}

/// A zone as a person picks it: `Asia/Shanghai (UTC+8)`, with its offset now.
pub fn zone_label(zone: Zone) -> String {
    format!("{} ({})", zone.name(), offset_label(zone.offset_at(now())))
}

/// The options of a zone select, `current` selected; with `inherit`, a first option (the
/// empty value) that stands for "the organisation's".
pub fn zone_choices(current: Option<Zone>, inherit: Option<String>) -> Vec<Choice> {
    let first = inherit.map(|label| Choice {
        value: String::new(),
        label,
        selected: current.is_none(),
    });
    first
        .into_iter()
        .chain(
            Zone::names()
                .into_iter()
                .filter_map(Zone::parse)
                .map(|z| Choice {
                    value: z.name().to_owned(),
                    label: zone_label(z),
                    selected: Some(z) == current,
                }),
        )
        .collect()
}

/// A zone from a form or body: `Ok(None)` when empty, a localized field error when unknown.
pub fn parse_zone(l: Locale, text: &str) -> Result<Option<Zone>, String> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    Zone::parse(text)
        .map(Some)
        .ok_or_else(|| l.t_args("field-zone-unknown", &[("zone", text)]))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ZoneForm {
    pub time_zone: String,
}

fn render(
    me: &Me,
    zone: Zone,
    chosen: Option<Zone>,
    notice: Option<String>,
    zone_error: Option<String>,
    status: StatusCode,
) -> Result<Response, AppError> {
    let page = ZonePage {
        chrome: me.ctx.chrome(),
        zones: zone_choices(Some(chosen.unwrap_or(zone)), None),
        current: zone_label(zone),
        notice,
        zone_error,
    };
    Ok((status, Html(page.render()?)).into_response())
}

async fn page(State(state): State<AppState>, me: Me) -> Result<Response, AppError> {
    me.require(Action::ManageTeams)?;
    let zone = state.db.org_zone().await?;
    render(&me, zone, None, None, None, StatusCode::OK)
}

/// Changes the organisation's zone: its days move, so the rollups are rebuilt with it (one
/// transaction, audited).
async fn save(
    State(state): State<AppState>,
    me: Me,
    Form(f): Form<ZoneForm>,
) -> Result<Response, AppError> {
    me.require(Action::ManageTeams)?;
    let l = me.l();
    let zone = state.db.org_zone().await?;
    let chosen = match parse_zone(l, &f.time_zone) {
        Ok(Some(z)) => z,
        Ok(None) => {
            let e = l.t("field-required");
            return render(
                &me,
                zone,
                None,
                None,
                Some(e),
                StatusCode::UNPROCESSABLE_ENTITY,
            );
        }
        Err(e) => {
            return render(
                &me,
                zone,
                None,
                None,
                Some(e),
                StatusCode::UNPROCESSABLE_ENTITY,
            );
        }
    };
    if chosen == zone {
        return render(&me, zone, None, None, None, StatusCode::OK);
    }
    state.db.set_org_zone(me.user.person_id, chosen).await?;
    let notice = l.t_args("zone-org-saved", &[("zone", chosen.name())]);
    render(&me, chosen, None, Some(notice), None, StatusCode::OK)
}
