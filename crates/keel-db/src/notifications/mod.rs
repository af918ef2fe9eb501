//! Notifications: the one service every area calls inside its own write transaction
//! ([`notify`]), what a person reads (newest first, keyset paged), what they mark read, and
//! how they want each kind delivered. E-mail goes through the [`outbox`]; timed work through
//! [`jobs`].

pub mod outbox;

use crate::{Db, DbError, Result, Tx, with_pool, with_tx};
use chrono::{DateTime, Utc};
use keel_domain::ids::new_id;
use keel_domain::notifications::{Delivery, NotificationKind};
use std::collections::BTreeMap;
use uuid::Uuid;

/// What to tell whom: the kind, the recipients, who did it, where it points, and the
/// message's arguments. The actor's name is looked up as the `actor` argument unless given.
pub struct Notice {
    pub kind: NotificationKind,
    pub recipients: Vec<Uuid>,
    pub actor: Option<Uuid>,
    /// A path inside keel, e.g. `/checkins/<id>`.
    pub link: String,
    pub args: Vec<(&'static str, String)>,
}

/// Tells each of the notice's recipients, in the caller's transaction, so the
/// notification (and its e-mail, for people who want e-mail) exists exactly when the change
/// it reports does. The actor is never told about their own doing; deactivated people and
/// people who turned the kind off are skipped.
pub async fn notify(tx: &mut Tx, notice: Notice, at: DateTime<Utc>) -> Result<()> {
    let mut args: BTreeMap<&str, String> = notice.args.into_iter().collect();
    if let Some(actor) = notice.actor
        && !args.contains_key("actor")
    {
        let name: Option<String> = with_tx!(tx, c => {
            sqlx::query_scalar("SELECT name FROM people WHERE id = $1")
                .bind(actor)
                .fetch_optional(&mut *c)
                .await?
        });
        args.insert("actor", name.unwrap_or_default());
    }
    let args = serde_json::to_string(&args).map_err(|e| DbError::Unsupported(e.to_string()))?;
    let mut seen = Vec::new();
    for &person in &notice.recipients {
        if Some(person) == notice.actor || seen.contains(&person) {
            continue;
        }
        seen.push(person);
        let row: Option<(bool, Option<String>)> = with_tx!(tx, c => {
            sqlx::query_as(
                "SELECT p.active, np.delivery FROM people p LEFT JOIN notification_prefs np \
                 ON np.person_id = p.id AND np.kind = $2 WHERE p.id = $1",
            )
            .bind(person)
            .bind(notice.kind.as_str())
            .fetch_optional(&mut *c)
            .await?
        });
        let Some((true, delivery)) = row else {
            continue;
        };
        let delivery = delivery
            .as_deref()
            .and_then(Delivery::parse)
            .unwrap_or_default();
        if delivery == Delivery::Off {
            continue;
        }
        let id = new_id();
        with_tx!(tx, c => {
            sqlx::query(
                "INSERT INTO notifications (id, person_id, kind, actor_id, link, args, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(id)
            .bind(person)
            .bind(notice.kind.as_str())
            .bind(notice.actor)
            .bind(&notice.link)
            .bind(&args)
            .bind(at)
            .execute(&mut *c)
            .await?;
        });
        if delivery == Delivery::Email {
            outbox::enqueue(tx, person, outbox::Content::Notification(id), at).await?;
        }
    }
    Ok(())
}

/// One notification as its recipient reads it.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Notification {
    pub id: Uuid,
    pub person_id: Uuid,
    pub kind: String,
    pub link: String,
    pub args: String,
    pub created_at: DateTime<Utc>,
    pub read_at: Option<DateTime<Utc>>,
}

impl Notification {
    /// `None` for a kind this build no longer knows (it is then shown by its link only).
    pub fn kind(&self) -> Option<NotificationKind> {
        NotificationKind::parse(&self.kind)
    }

    /// The stored arguments.
    pub fn args(&self) -> BTreeMap<String, String> {
        serde_json::from_str(&self.args).unwrap_or_default()
    }
}

const SELECT: &str =
    "SELECT id, person_id, kind, link, args, created_at, read_at FROM notifications";

/// How one person wants to be told.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Preferences {
    /// Every kind, in [`NotificationKind::ALL`] order.
    pub deliveries: Vec<(NotificationKind, Delivery)>,
    /// The local hour (in the person's zone) of a daily digest e-mail, if they want one.
    pub digest_hour: Option<u8>,
}

impl Db {
    /// A page of `person`'s notifications, newest first, after the id `after` (the last of
    /// the previous page); `true` when more follow.
    pub async fn notifications_of(
        &self,
        person: Uuid,
        after: Option<Uuid>,
        limit: u32,
    ) -> Result<(Vec<Notification>, bool)> {
        let sql = format!(
            "{SELECT} WHERE person_id = $1 AND ($2 IS NULL OR id < $2) ORDER BY id DESC LIMIT $3"
        );
        let rows: Vec<Notification> = with_pool!(self, p => {
            sqlx::query_as(sqlx::AssertSqlSafe(sql))
                .bind(person)
                .bind(after)
                .bind(i64::from(limit) + 1)
                .fetch_all(p)
                .await?
        });
        Ok(crate::one_page(rows, limit))
    }

    /// How many of `person`'s notifications are unread.
    pub async fn unread_notifications(&self, person: Uuid) -> Result<i64> {
        Ok(with_pool!(self, p => {
            sqlx::query_scalar(
                "SELECT COUNT(*) FROM notifications WHERE person_id = $1 AND read_at IS NULL",
            )
            .bind(person)
            .fetch_one(p)
            .await?
        }))
    }

    /// `person`'s notifications created in `[from, to)`, unread ones only, oldest first
    /// (what a digest lists).
    pub async fn unread_notifications_between(
        &self,
        person: Uuid,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Vec<Notification>> {
        let sql = format!(
            "{SELECT} WHERE person_id = $1 AND created_at >= $2 AND created_at < $3 \
             AND read_at IS NULL ORDER BY id"
        );
        Ok(with_pool!(self, p => {
            sqlx::query_as(sqlx::AssertSqlSafe(sql))
                .bind(person)
                .bind(from)
                .bind(to)
                .fetch_all(p)
                .await?
        }))
    }

    /// One notification of `person`'s; someone else's is [`DbError::NotFound`].
    pub async fn notification(&self, person: Uuid, id: Uuid) -> Result<Notification> {
        let sql = format!("{SELECT} WHERE id = $1 AND person_id = $2");
        let row: Option<Notification> = with_pool!(self, p => {
            sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(id).bind(person).fetch_optional(p).await?
        });
        row.ok_or(DbError::NotFound)
    }

    /// Marks one of `person`'s notifications read (again is fine); someone else's is
    /// [`DbError::NotFound`]. Bookkeeping: the data version stays.
    pub async fn mark_notification_read(&self, person: Uuid, id: Uuid) -> Result<()> {
        let at = keel_domain::time::now();
        let mut tx = self.begin_write().await?;
        let found = with_tx!(&mut tx, c => {
            sqlx::query(
                "UPDATE notifications SET read_at = COALESCE(read_at, $3) WHERE id = $1 AND person_id = $2",
            )
            .bind(id)
            .bind(person)
            .bind(at)
            .execute(c)
            .await?
            .rows_affected()
        });
        if found == 0 {
            return Err(DbError::NotFound);
        }
        tx.commit_unversioned().await
    }

    /// Marks every notification of `person`'s read; returns how many were unread.
    pub async fn mark_all_notifications_read(&self, person: Uuid) -> Result<u64> {
        let at = keel_domain::time::now();
        let mut tx = self.begin_write().await?;
        let n = with_tx!(&mut tx, c => {
            sqlx::query("UPDATE notifications SET read_at = $2 WHERE person_id = $1 AND read_at IS NULL")
                .bind(person)
                .bind(at)
                .execute(c)
                .await?
                .rows_affected()
        });
        tx.commit_unversioned().await?;
        Ok(n)
    }

    pub async fn notification_preferences(&self, person: Uuid) -> Result<Preferences> {
        let (rows, hour): (Vec<(String, String)>, Option<i32>) = with_pool!(self, p => {
            let rows = sqlx::query_as("SELECT kind, delivery FROM notification_prefs WHERE person_id = $1")
                .bind(person)
                .fetch_all(p)
                .await?;
            let hour = sqlx::query_scalar("SELECT hour FROM notification_digests WHERE person_id = $1")
                .bind(person)
                .fetch_optional(p)
                .await?;
            (rows, hour)
        });
        let deliveries = NotificationKind::ALL
            .into_iter()
            .map(|k| {
                let d = rows
                    .iter()
                    .find(|(kind, _)| kind == k.as_str())
                    .and_then(|(_, d)| Delivery::parse(d))
                    .unwrap_or_default();
                (k, d)
            })
            .collect();
        Ok(Preferences {
            deliveries,
            digest_hour: hour.and_then(|h| u8::try_from(h).ok()).filter(|h| *h < 24),
        })
    }

    /// Replaces `person`'s preferences (kinds not named keep theirs).
    pub async fn set_notification_preferences(
        &self,
        person: Uuid,
        prefs: &Preferences,
    ) -> Result<()> {
        if prefs.digest_hour.is_some_and(|h| h > 23) {
            return Err(DbError::Conflict("invalid_hour"));
        }
        let at = keel_domain::time::now();
        let mut tx = self.begin_write().await?;
        with_tx!(&mut tx, c => {
            for (kind, delivery) in &prefs.deliveries {
                sqlx::query(
                    "INSERT INTO notification_prefs (person_id, kind, delivery) VALUES ($1, $2, $3) \
                     ON CONFLICT (person_id, kind) DO UPDATE SET delivery = excluded.delivery",
                )
                .bind(person)
                .bind(kind.as_str())
                .bind(delivery.as_str())
                .execute(&mut *c)
                .await?;
            }
            match prefs.digest_hour {
                Some(h) => {
                    sqlx::query(
                        "INSERT INTO notification_digests (person_id, hour) VALUES ($1, $2) \
                         ON CONFLICT (person_id) DO UPDATE SET hour = excluded.hour",
                    )
                    .bind(person)
                    .bind(i32::from(h))
                    .execute(&mut *c)
                    .await?;
                }
                None => {
                    sqlx::query("DELETE FROM notification_digests WHERE person_id = $1")
                        .bind(person)
                        .execute(&mut *c)
                        .await?;
                }
            }
        });
        let summary = prefs
            .deliveries
            .iter()
            .map(|(k, d)| format!("{}={}", k.as_str(), d.as_str()))
            .chain(std::iter::once(format!(
                "digest={}",
                prefs
                    .digest_hour
                    .map(|h| h.to_string())
                    .unwrap_or_else(|| "off".into())
            )))
            .collect::<Vec<_>>()
            .join(" ");
        let entry = crate::audit::Entry {
            actor: Some(person),
            action: "update",
            entity: "notification_prefs",
            entity_id: Some(person),
            summary,
        };
        crate::audit::record(&mut tx, entry, at).await?;
        tx.commit().await
    }
}

// The triggers areas call, one line each inside their own transaction.

/// A comment (or a reply) on a check-in: its author hears of it, and so does the writer of
/// the comment replied to.
pub(crate) async fn checkin_comment(
    tx: &mut Tx,
    actor: Uuid,
    checkin: Uuid,
    author: Uuid,
    parent: Option<Uuid>,
    body: &str,
    at: DateTime<Utc>,
) -> Result<()> {
    let link = format!("/checkins/{checkin}");
    let excerpt = keel_domain::notifications::excerpt(body, 120);
    let notice = Notice {
        kind: NotificationKind::CheckinComment,
        recipients: vec![author],
        actor: Some(actor),
        link: link.clone(),
        args: vec![("excerpt", excerpt.clone())],
    };
    notify(tx, notice, at).await?;
    let Some(parent) = parent else {
        return Ok(());
    };
    let (replied_to, author_name): (Uuid, String) = with_tx!(tx, c => {
        sqlx::query_as(
            "SELECT m.author_id, p.name FROM checkin_comments m JOIN checkins k ON k.id = m.checkin_id \
             JOIN people p ON p.id = k.person_id WHERE m.id = $1",
        )
        .bind(parent)
        .fetch_one(&mut *c)
        .await?
    });
    if replied_to == author {
        return Ok(());
    }
    let notice = Notice {
        kind: NotificationKind::CheckinReply,
        recipients: vec![replied_to],
        actor: Some(actor),
        link,
        args: vec![("author", author_name), ("excerpt", excerpt)],
    };
    notify(tx, notice, at).await
}

/// An account, deal or lead (`entity`) given to `to`.
pub(crate) async fn record_assigned(
    tx: &mut Tx,
    actor: Uuid,
    to: Uuid,
    entity: &'static str,
    id: Uuid,
    name: &str,
    at: DateTime<Utc>,
) -> Result<()> {
    let notice = Notice {
        kind: NotificationKind::RecordAssigned,
        recipients: vec![to],
        actor: Some(actor),
        link: format!("/{entity}s/{id}"),
        args: vec![("record", entity.to_owned()), ("name", name.to_owned())],
    };
    notify(tx, notice, at).await
}

/// A sales target set for `person`.
#[allow(clippy::too_many_arguments)]
pub(crate) async fn target_set(
    tx: &mut Tx,
    actor: Uuid,
    person: Uuid,
    period: &keel_domain::periods::Period,
    metric: keel_domain::metrics::Metric,
    value: i64,
    currency: &str,
    at: DateTime<Utc>,
) -> Result<()> {
    let notice = Notice {
        kind: NotificationKind::TargetSet,
        recipients: vec![person],
        actor: Some(actor),
        link: format!("/forecast?period={}", period.label()),
        args: vec![
            ("period", period.label()),
            ("metric", metric.key().to_owned()),
            ("value", value.to_string()),
            ("currency", currency.to_owned()),
        ],
    };
    notify(tx, notice, at).await
}
