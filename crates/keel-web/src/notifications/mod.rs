//! Notifications in the web app: the bell and `/notifications`, the same at
//! `/api/v1/notifications`, the settings section, the admin's outbox at `/admin/email`, and
//! the two background tasks every `keel serve` runs: e-mail delivery ([`worker`]) and timed
//! jobs ([`jobs`]). What a notification says is made here, in the reader's language.

mod admin;
mod api;
pub(crate) mod mail;
mod pages;
pub(crate) mod settings;
pub(crate) mod worker;

use crate::AppState;
use crate::shared::routes::{Routes, get, post};
use keel_db::notifications::Notification;
use keel_domain::metrics::Metric;
use keel_domain::notifications::NotificationKind;
use keel_i18n::Locale;
use utoipa_axum::router::OpenApiRouter;

pub fn routes() -> Routes {
    Routes::new()
        .route("/notifications", get(pages::list))
        .route("/notifications/bell", get(pages::bell))
        .route("/notifications/read-all", post(pages::read_all))
        .route("/notifications/{id}/open", get(pages::open))
        .route("/notifications/{id}/read", post(pages::read))
        .route("/settings/notifications", post(settings::save))
        .route("/admin/email", get(admin::page))
        .route("/admin/email/{id}/retry", post(admin::retry))
}

pub fn api_routes() -> OpenApiRouter<AppState> {
    api::routes()
}

/// What the notification says, in `l`.
pub(crate) fn text(l: Locale, n: &Notification) -> String {
    let Some(kind) = n.kind() else {
        return l.t("notification-unknown");
    };
    let stored = n.args();
    let raw = |name: &str| stored.get(name).cloned().unwrap_or_default();
    let metric = Metric::parse(&raw("metric"));
    let values: Vec<(&'static str, String)> = kind
        .args()
        .iter()
        .map(|&name| {
            let v = match (kind, name) {
                (NotificationKind::RecordAssigned, "record") => match raw(name).as_str() {
                    r @ ("account" | "deal" | "lead") => l.t(&format!("notification-record-{r}")),
                    other => other.to_owned(),
                },
                (NotificationKind::TargetSet, "metric") => metric
                    .map(|m| crate::shared::present::metric_name(l, m))
                    .unwrap_or_else(|| raw(name)),
                (NotificationKind::TargetSet, "value") => match metric {
                    Some(m) => crate::shared::present::format_value(
                        l,
                        m.unit(),
                        raw(name).parse().ok(),
                        &raw("currency"),
                    ),
                    None => raw(name),
                },
                _ => raw(name),
            };
            (name, v)
        })
        .collect();
    let args: Vec<(&'static str, &str)> = values.iter().map(|(k, v)| (*k, v.as_str())).collect();
    l.t_args(&kind.i18n_key(), &args)
}

/// The address keel is reached at, for links in e-mail.
pub(crate) fn public_url(state: &AppState) -> String {
    match &state.config.public_url {
        Some(u) => u.trim_end_matches('/').to_owned(),
        None => format!("http://{}", state.config.listen),
    }
}

/// The digest job's slot: mails everyone whose digest hour (in their zone) it is the
/// notifications of the 24 hours before it they have not read.
pub(crate) async fn send_digests(
    db: &keel_db::Db,
    slot: chrono::DateTime<chrono::Utc>,
) -> Result<(), keel_db::DbError> {
    use chrono::Timelike;
    let org = db.org_zone().await?;
    let from = slot - chrono::TimeDelta::hours(24);
    for (person, hour, own) in db.digest_subscribers().await? {
        let zone = own
            .as_deref()
            .and_then(keel_domain::time::Zone::parse)
            .unwrap_or(org);
        if zone.local(slot).hour() as i32 != hour {
            continue;
        }
        if db
            .unread_notifications_between(person, from, slot)
            .await?
            .is_empty()
        {
            continue;
        }
        db.enqueue_digest(person, from, slot).await?;
    }
    Ok(())
}

/// The daily clean-up's part here: delivered and failed e-mail after 30 days, notifications
/// after a year.
pub(crate) async fn purge(db: &keel_db::Db) -> Result<(), keel_db::DbError> {
    let at = keel_domain::time::now();
    db.purge_outbox(at - chrono::TimeDelta::days(30)).await?;
    db.purge_notifications(at - chrono::TimeDelta::days(365))
        .await?;
    Ok(())
}
