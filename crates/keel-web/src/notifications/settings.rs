//! The notifications section of the settings page: per kind in keel, by e-mail as well, or
//! not at all, and an optional daily digest at an hour of the person's zone. Without an SMTP
//! server (or an address of their own) e-mail choices are shown disabled with the reason, and
//! refused if sent anyway: a choice is never silently dropped.

use crate::auth::me::Me;
use crate::shared::Form;
use crate::{AppError, AppState};
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use keel_domain::notifications::Delivery;
use keel_domain::roles::Action;
use keel_i18n::Locale;
use keel_views::{Choice, NotificationSettings, PreferenceRow};
use std::collections::HashMap;

/// Why this person cannot choose e-mail, if they cannot.
fn email_unavailable(state: &AppState, me: &Me) -> Option<&'static str> {
    if state.config.mail.smtp_url.is_none() {
        Some("notifications-email-off")
    } else if me.user.email.is_none() {
        Some("notifications-email-no-address")
    } else {
        None
    }
}

fn delivery_label(l: Locale, d: Delivery) -> String {
    l.t(&format!(
        "notifications-delivery-{}",
        d.as_str().replace('_', "-")
    ))
}

pub(crate) async fn section(state: &AppState, me: &Me) -> Result<NotificationSettings, AppError> {
    let l = me.l();
    let prefs = state.db.notification_preferences(me.user.person_id).await?;
    let zone = state.db.viewer_zone(me.user.person_id).await?;
    let unavailable = email_unavailable(state, me);
    let rows = prefs
        .deliveries
        .iter()
        .map(|(kind, current)| PreferenceRow {
            kind: kind.as_str().into(),
            name: l.t(&format!("{}-name", kind.i18n_key())),
            options: Delivery::ALL
                .into_iter()
                .map(|d| {
                    (
                        d.as_str().to_owned(),
                        delivery_label(l, d),
                        d == *current,
                        d == Delivery::Email && unavailable.is_some(),
                    )
                })
                .collect(),
        })
        .collect();
    let hours = (0..24u8).map(|h| {
        (
            h.to_string(),
            l.t_args(
                "notifications-digest-at",
                &[("hour", &format!("{h:02}:00"))],
            ),
        )
    });
    let current = prefs.digest_hour.map(|h| h.to_string()).unwrap_or_default();
    Ok(NotificationSettings {
        rows,
        digest: Choice::list(&l.t("notifications-digest-none"), hours, &current),
        email_unavailable: unavailable.map(|k| l.t(k)),
        zone: zone.name().to_owned(),
    })
}

/// Saves the section. Fields left out (a disabled select sends nothing) keep their value.
pub(super) async fn save(
    State(state): State<AppState>,
    me: Me,
    Form(f): Form<HashMap<String, String>>,
) -> Result<Response, AppError> {
    me.require(Action::ManageOwnAccount)?;
    let l = me.l();
    let mut prefs = state.db.notification_preferences(me.user.person_id).await?;
    let unavailable = email_unavailable(&state, &me);
    let mut wants_email = false;
    for (kind, delivery) in prefs.deliveries.iter_mut() {
        if let Some(v) = f.get(kind.as_str()) {
            let d = Delivery::parse(v).ok_or_else(|| {
                AppError::Invalid(vec![(
                    kind.as_str().into(),
                    l.t("notifications-choice-invalid"),
                )])
            })?;
            if d == Delivery::Email && *delivery != Delivery::Email {
                wants_email = true;
            }
            *delivery = d;
        }
    }
    if let Some(v) = f.get("digest_hour") {
        let hour = match v.trim() {
            "" => None,
            h => Some(h.parse::<u8>().ok().filter(|h| *h < 24).ok_or_else(|| {
                AppError::Invalid(vec![(
                    "digest_hour".into(),
                    l.t("notifications-choice-invalid"),
                )])
            })?),
        };
        if hour.is_some() && hour != prefs.digest_hour {
            wants_email = true;
        }
        prefs.digest_hour = hour;
    }
    if let (true, Some(why)) = (wants_email, unavailable) {
        return crate::account::settings_with(
            &state,
            &me,
            None,
            Some(l.t(why)),
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    }
    state
        .db
        .set_notification_preferences(me.user.person_id, &prefs)
        .await?;
    crate::account::settings_with(
        &state,
        &me,
        Some(l.t("notifications-saved")),
        None,
        StatusCode::OK,
    )
    .await
}
