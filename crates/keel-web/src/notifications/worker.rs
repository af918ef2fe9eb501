//! The e-mail delivery worker every `keel serve` runs when SMTP is configured. It polls the
//! outbox, claims due rows for a lease, sends each and records the outcome: sent, due again
//! after an exponential backoff, or failed after the last try (admins see it at
//! `/admin/email`). On shutdown it finishes the message in hand and gives back the rest of
//! its claims. See `keel_db::notifications::outbox` for why nothing is lost or sent twice.

use super::mail::{Lines, Mailer, compose};
use super::{public_url, text};
use crate::AppState;
use chrono::TimeDelta;
use keel_db::DbError;
use keel_db::notifications::outbox::Claimed;
use keel_domain::notifications::retry_delay;
use keel_domain::time::now;
use keel_i18n::Locale;
use tokio::sync::watch;

fn delta(d: std::time::Duration) -> TimeDelta {
    TimeDelta::from_std(d).unwrap_or(TimeDelta::MAX)
}

pub(crate) async fn run(state: AppState, mailer: Mailer, mut stop: watch::Receiver<bool>) {
    tracing::info!(server = %mailer.server, "e-mail delivery started");
    loop {
        if let Err(e) = deliver_due(&state, &mailer, &stop).await {
            tracing::warn!(error = %e, "e-mail delivery: outbox unavailable, trying again later");
        }
        tokio::select! {
            changed = stop.changed() => if changed.is_err() { break },
            _ = tokio::time::sleep(state.config.mail.poll) => {}
        }
        if *stop.borrow() {
            break;
        }
    }
}

/// Sends everything due now, a batch at a time.
async fn deliver_due(
    state: &AppState,
    mailer: &Mailer,
    stop: &watch::Receiver<bool>,
) -> Result<(), DbError> {
    let cfg = &state.config.mail;
    loop {
        let at = now();
        if *stop.borrow() || !state.db.emails_due(at).await? {
            return Ok(());
        }
        let rows = state
            .db
            .claim_emails(at, delta(cfg.lease), cfg.batch.max(1))
            .await?;
        if rows.is_empty() {
            return Ok(());
        }
        for (i, row) in rows.iter().enumerate() {
            // Stopping, or too little of the lease left to finish a send before another
            // server may take the row: give the rest back untried.
            if *stop.borrow() || now() + delta(cfg.send_timeout) > row.claim_until {
                for r in &rows[i..] {
                    state.db.email_released(r).await?;
                }
                return Ok(());
            }
            deliver(state, mailer, row).await?;
        }
    }
}

async fn deliver(state: &AppState, mailer: &Mailer, row: &Claimed) -> Result<(), DbError> {
    let cfg = &state.config.mail;
    let db = &state.db;
    if row.attempts > cfg.max_attempts as i32 {
        let why = format!(
            "gave up after {} tries (the sending server stopped during delivery)",
            cfg.max_attempts
        );
        return db.email_failed(row, None, &why, None).await;
    }
    let Some((address, locale, name)) = db.mail_recipient(row.person_id).await? else {
        return db
            .email_cancelled(row, "the recipient is deactivated or has no e-mail address")
            .await;
    };
    let l = locale
        .as_deref()
        .and_then(Locale::parse)
        .unwrap_or_default();
    let zone = db.viewer_zone(row.person_id).await?;
    let base = public_url(state);
    let notifications = match (row.notification_id, row.digest_from, row.digest_to) {
        (Some(id), _, _) => match db.notification(row.person_id, id).await {
            Ok(n) => vec![n],
            Err(DbError::NotFound) => Vec::new(),
            Err(e) => return Err(e),
        },
        (None, Some(from), Some(to)) => {
            db.unread_notifications_between(row.person_id, from, to)
                .await?
        }
        _ => Vec::new(),
    };
    if notifications.is_empty() {
        return db
            .email_cancelled(
                row,
                "nothing left to tell: the notifications were read or removed",
            )
            .await;
    }
    let lines = Lines {
        l,
        name: name.clone(),
        lines: notifications
            .iter()
            .map(|n| {
                (
                    text(l, n),
                    l.moment(zone.local(n.created_at)),
                    format!("{base}/notifications/{}/open", n.id),
                )
            })
            .collect(),
        settings_url: format!("{base}/settings"),
    };
    let digest = row.notification_id.is_none();
    let composed = match compose(lines, digest) {
        Ok(c) => c,
        Err(e) => return db.email_failed(row, None, &e.to_string(), None).await,
    };
    let to = match address.parse() {
        Ok(addr) => lettre::message::Mailbox::new(Some(name), addr),
        Err(e) => {
            let why = format!("unusable address {address}: {e}");
            return db.email_failed(row, Some(&address), &why, None).await;
        }
    };
    match mailer.send(to, composed).await {
        Ok(()) => {
            if !db.email_sent(row, &address, now()).await? {
                tracing::warn!(id = %row.id, "e-mail sent after its claim ran out; it may go out twice");
            }
            Ok(())
        }
        Err(e) => {
            let last = e.permanent || row.attempts >= cfg.max_attempts as i32;
            let retry_at = (!last).then(|| {
                now()
                    + retry_delay(
                        row.attempts as u32,
                        delta(cfg.retry_base),
                        delta(cfg.retry_cap),
                    )
            });
            tracing::warn!(id = %row.id, attempt = row.attempts, last, error = %e.text, "e-mail not accepted");
            db.email_failed(row, Some(&address), &e.text, retry_at)
                .await
        }
    }
}
