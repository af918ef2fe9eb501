//! Time zones: the organisation's (its calendar; admins set it at `/admin/time-zone`, which
//! rebuilds the rollups) and each person's own (how times are shown to them; `/settings`).

use crate::auth::me::Me;
use crate::shared::Form;
use crate::shared::params::{ZoneForm, parse_zone};
use crate::shared::present::{zone_choices, zone_label};
use crate::shared::routes::{Routes, get};
use crate::{AppError, AppState};
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use keel_domain::roles::Action;
use keel_domain::time::Zone;
use keel_views::ZonePage;

pub fn routes() -> Routes {
    Routes::new().route("/admin/time-zone", get(page).post(save))
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
