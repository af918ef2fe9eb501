//! The e-mail outbox. A row is written in the same transaction as the event that causes it,
//! so an e-mail exists exactly when its cause does. Workers (one per server) claim due rows
//! for a lease, send them, and mark each sent only after the SMTP server accepted it:
//!
//! - nothing is lost: a server that stops mid-delivery leaves its claims to run out, and the
//!   rows are claimed again by whoever polls next;
//! - nothing is sent twice by two servers: a claim takes rows no one else holds, with
//!   `FOR UPDATE SKIP LOCKED` on PostgreSQL (SQLite has one writer at a time, `BEGIN IMMEDIATE`);
//! - the one window for a duplicate is a server dying between the SMTP server's "250 OK" and
//!   the `UPDATE` that marks the row sent (one statement, milliseconds), or a claim running
//!   out while its message is still being sent (the worker stops sending when less than its
//!   send timeout is left of the lease).
//!
//! Bookkeeping here commits without raising the data version.

use crate::{Backend, Db, DbError, Result, Tx, with_pool, with_tx};
use chrono::{DateTime, TimeDelta, Utc};
use keel_domain::ids::new_id;
use uuid::Uuid;

/// What an outbox row will say, made at delivery time in the recipient's language.
pub enum Content {
    /// One notification.
    Notification(Uuid),
    /// The unread notifications created in `[from, to)`; `to` is the digest's slot.
    Digest {
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    },
}

/// Queues an e-mail to `person` in the caller's transaction. A second e-mail with the same
/// content (the same notification, the same digest slot) is not queued.
pub(crate) async fn enqueue(
    tx: &mut Tx,
    person: Uuid,
    content: Content,
    at: DateTime<Utc>,
) -> Result<bool> {
    let (key, notification, from, to) = match content {
        Content::Notification(id) => (format!("n:{id}"), Some(id), None, None),
        Content::Digest { from, to } => (
            format!("digest:{person}:{}", to.timestamp()),
            None,
            Some(from),
            Some(to),
        ),
    };
    let n = with_tx!(tx, c => {
        sqlx::query(
            "INSERT INTO email_outbox (id, dedupe_key, person_id, notification_id, digest_from, \
             digest_to, status, attempts, due_at, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, 'pending', 0, $7, $7) ON CONFLICT (dedupe_key) DO NOTHING",
        )
        .bind(new_id())
        .bind(key)
        .bind(person)
        .bind(notification)
        .bind(from)
        .bind(to)
        .bind(at)
        .execute(&mut *c)
        .await?
        .rows_affected()
    });
    Ok(n == 1)
}

/// A row a worker holds: it must send it and report back with [`Db::email_sent`] or
/// [`Db::email_failed`] under the same `claim`.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Claimed {
    pub id: Uuid,
    pub person_id: Uuid,
    pub notification_id: Option<Uuid>,
    pub digest_from: Option<DateTime<Utc>>,
    pub digest_to: Option<DateTime<Utc>>,
    /// Tries so far, this one included.
    pub attempts: i32,
    pub claim_token: Uuid,
    pub claim_until: DateTime<Utc>,
}

/// One outbox row as the admin page lists it.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct OutboxRow {
    pub id: Uuid,
    pub person_id: Uuid,
    pub person_name: String,
    pub notification_id: Option<Uuid>,
    pub digest_to: Option<DateTime<Utc>>,
    pub status: String,
    pub attempts: i32,
    pub due_at: DateTime<Utc>,
    pub to_address: Option<String>,
    pub last_error: Option<String>,
    pub created_at: DateTime<Utc>,
    pub sent_at: Option<DateTime<Utc>>,
}

impl Db {
    /// Queues a digest for `person` (see [`Content::Digest`]); `false` if that slot's digest
    /// was queued already.
    pub async fn enqueue_digest(
        &self,
        person: Uuid,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<bool> {
        let at = keel_domain::time::now();
        let mut tx = self.begin_write().await?;
        let queued = enqueue(&mut tx, person, Content::Digest { from, to }, at).await?;
        tx.commit_unversioned().await?;
        Ok(queued)
    }

    /// Whether any e-mail is due: a cheap read, so an idle worker does not take SQLite's
    /// write lock every few seconds.
    pub async fn emails_due(&self, now: DateTime<Utc>) -> Result<bool> {
        let n: i64 = with_pool!(self, p => {
            sqlx::query_scalar(
                "SELECT COUNT(*) FROM (SELECT 1 FROM email_outbox WHERE status = 'pending' \
                 AND due_at <= $1 AND (claim_until IS NULL OR claim_until <= $1) LIMIT 1) AS d",
            )
            .bind(now)
            .fetch_one(p)
            .await?
        });
        Ok(n > 0)
    }

    /// Claims up to `limit` due rows until `now + lease`, oldest due first; each claim counts
    /// as a try. Rows another worker holds are skipped, not waited for.
    pub async fn claim_emails(
        &self,
        now: DateTime<Utc>,
        lease: TimeDelta,
        limit: u32,
    ) -> Result<Vec<Claimed>> {
        let token = new_id();
        let until = keel_domain::time::truncate(now + lease);
        let lock = match self.backend() {
            Backend::Postgres => " FOR UPDATE SKIP LOCKED",
            Backend::Sqlite => "",
        };
        let sql = format!(
            "UPDATE email_outbox SET claim_token = $1, claim_until = $2, attempts = attempts + 1 \
             WHERE id IN (SELECT id FROM email_outbox WHERE status = 'pending' AND due_at <= $3 \
             AND (claim_until IS NULL OR claim_until <= $3) ORDER BY due_at, id LIMIT $4{lock}) \
             RETURNING id, person_id, notification_id, digest_from, digest_to, attempts, \
             claim_token, claim_until"
        );
        let mut tx = self.begin_write().await?;
        let mut rows: Vec<Claimed> = with_tx!(&mut tx, c => {
            sqlx::query_as(sqlx::AssertSqlSafe(sql))
                .bind(token)
                .bind(until)
                .bind(now)
                .bind(i64::from(limit))
                .fetch_all(c)
                .await?
        });
        tx.commit_unversioned().await?;
        rows.sort_by_key(|r| r.id);
        Ok(rows)
    }

    /// Marks a claimed row sent to `to`. `false` when the claim had run out and someone else
    /// holds the row now (the message may then go out twice; the lease is meant to prevent it).
    pub async fn email_sent(&self, row: &Claimed, to: &str, at: DateTime<Utc>) -> Result<bool> {
        let n = with_pool!(self, p => {
            sqlx::query(
                "UPDATE email_outbox SET status = 'sent', sent_at = $3, to_address = $4, \
                 last_error = NULL, claim_token = NULL, claim_until = NULL \
                 WHERE id = $1 AND claim_token = $2",
            )
            .bind(row.id)
            .bind(row.claim_token)
            .bind(at)
            .bind(to)
            .execute(p)
            .await?
            .rows_affected()
        });
        Ok(n == 1)
    }

    /// Records a failed try: due again at `retry_at`, or failed for good when `None`.
    pub async fn email_failed(
        &self,
        row: &Claimed,
        to: Option<&str>,
        error: &str,
        retry_at: Option<DateTime<Utc>>,
    ) -> Result<()> {
        let error: String = error.chars().take(2000).collect();
        with_pool!(self, p => {
            sqlx::query(
                "UPDATE email_outbox SET status = $3, due_at = COALESCE($4, due_at), \
                 last_error = $5, to_address = COALESCE($6, to_address), \
                 claim_token = NULL, claim_until = NULL WHERE id = $1 AND claim_token = $2",
            )
            .bind(row.id)
            .bind(row.claim_token)
            .bind(if retry_at.is_some() { "pending" } else { "failed" })
            .bind(retry_at)
            .bind(error)
            .bind(to)
            .execute(p)
            .await?;
        });
        Ok(())
    }

    /// Drops a claimed row that has nothing left to send (its recipient was deactivated or
    /// has no address, its digest became empty); the reason is kept.
    pub async fn email_cancelled(&self, row: &Claimed, reason: &str) -> Result<()> {
        with_pool!(self, p => {
            sqlx::query(
                "UPDATE email_outbox SET status = 'cancelled', last_error = $3, claim_token = NULL, \
                 claim_until = NULL WHERE id = $1 AND claim_token = $2",
            )
            .bind(row.id)
            .bind(row.claim_token)
            .bind(reason)
            .execute(p)
            .await?;
        });
        Ok(())
    }

    /// Gives back a claimed row without a try (the worker is stopping before sending it).
    pub async fn email_released(&self, row: &Claimed) -> Result<()> {
        with_pool!(self, p => {
            sqlx::query(
                "UPDATE email_outbox SET attempts = attempts - 1, claim_token = NULL, claim_until = NULL \
                 WHERE id = $1 AND claim_token = $2",
            )
            .bind(row.id)
            .bind(row.claim_token)
            .execute(p)
            .await?;
        });
        Ok(())
    }

    /// Outbox rows for the admin page, newest first; `status` narrows to one state.
    pub async fn outbox(&self, status: Option<&str>, limit: u32) -> Result<Vec<OutboxRow>> {
        Ok(with_pool!(self, p => {
            sqlx::query_as(
                "SELECT o.id, o.person_id, p.name AS person_name, o.notification_id, o.digest_to, \
                 o.status, o.attempts, o.due_at, o.to_address, o.last_error, o.created_at, o.sent_at \
                 FROM email_outbox o JOIN people p ON p.id = o.person_id \
                 WHERE ($1 IS NULL OR o.status = $1) ORDER BY o.created_at DESC, o.id DESC LIMIT $2",
            )
            .bind(status)
            .bind(i64::from(limit))
            .fetch_all(p)
            .await?
        }))
    }

    /// How many rows are in each state.
    pub async fn outbox_counts(&self) -> Result<Vec<(String, i64)>> {
        Ok(with_pool!(self, p => {
            sqlx::query_as("SELECT status, COUNT(*) FROM email_outbox GROUP BY status ORDER BY status")
                .fetch_all(p)
                .await?
        }))
    }

    /// Queues a failed e-mail again with a fresh count of tries (an admin's retry button).
    pub async fn retry_email(&self, actor: Uuid, id: Uuid) -> Result<()> {
        let at = keel_domain::time::now();
        let mut tx = self.begin_write().await?;
        let n = with_tx!(&mut tx, c => {
            sqlx::query(
                "UPDATE email_outbox SET status = 'pending', attempts = 0, due_at = $2 \
                 WHERE id = $1 AND status = 'failed'",
            )
            .bind(id)
            .bind(at)
            .execute(c)
            .await?
            .rows_affected()
        });
        if n == 0 {
            return Err(DbError::NotFound);
        }
        let entry = crate::audit::Entry {
            actor: Some(actor),
            action: "retry",
            entity: "email",
            entity_id: Some(id),
            summary: String::new(),
        };
        crate::audit::record(&mut tx, entry, at).await?;
        tx.commit_unversioned().await
    }

    /// Deletes sent and cancelled e-mail older than `before`; returns how many.
    pub async fn purge_outbox(&self, before: DateTime<Utc>) -> Result<u64> {
        Ok(with_pool!(self, p => {
            sqlx::query(
                "DELETE FROM email_outbox WHERE status IN ('sent', 'cancelled') AND created_at < $1",
            )
            .bind(before)
            .execute(p)
            .await?
            .rows_affected()
        }))
    }

    /// Deletes read notifications older than `before` (and the e-mail rows about them).
    pub async fn purge_notifications(&self, before: DateTime<Utc>) -> Result<u64> {
        Ok(with_pool!(self, p => {
            sqlx::query(
                "DELETE FROM notifications WHERE read_at IS NOT NULL AND created_at < $1 \
                 AND id NOT IN (SELECT notification_id FROM email_outbox \
                 WHERE notification_id IS NOT NULL AND status = 'pending')",
            )
            .bind(before)
            .execute(p)
            .await?
            .rows_affected()
        }))
    }

    /// Where and how to mail `person`, if they are active and have an address:
    /// `(email, locale (theirs, else the organisation's), name)`.
    pub async fn mail_recipient(
        &self,
        person: Uuid,
    ) -> Result<Option<(String, Option<String>, String)>> {
        let row: Option<(Option<String>, Option<String>, bool, String)> = with_pool!(self, p => {
            sqlx::query_as(
                "SELECT p.email, COALESCE(p.locale, o.default_locale), p.active, p.name \
                 FROM people p JOIN organisation o ON o.id = 1 WHERE p.id = $1",
            )
                .bind(person)
                .fetch_optional(p)
                .await?
        });
        Ok(match row {
            Some((Some(email), locale, true, name)) => Some((email, locale, name)),
            _ => None,
        })
    }
}
