//! The audit log: every write records who did what to which record, in the write's own
//! transaction, so an action and its record stand or fall together.

use crate::{Result, Tx, with_tx};
use chrono::{DateTime, Utc};
use keel_domain::ids::new_id;
use uuid::Uuid;

pub struct Entry {
    pub actor: Option<Uuid>,
    pub action: &'static str,
    pub entity: &'static str,
    pub entity_id: Option<Uuid>,
    /// A short before/after description, for people reading the log.
    pub summary: String,
}

pub async fn record(tx: &mut Tx, e: Entry, at: DateTime<Utc>) -> Result<()> {
    with_tx!(tx, c => {
        sqlx::query(
            "INSERT INTO audit_log (id, actor_id, action, entity, entity_id, summary, at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(new_id())
        .bind(e.actor)
        .bind(e.action)
        .bind(e.entity)
        .bind(e.entity_id)
        .bind(&e.summary)
        .bind(at)
        .execute(c)
        .await?;
    });
    Ok(())
}

impl crate::Db {
    /// Records an event that changes no record of its own (a login, a logout).
    pub async fn record_event(
        &self,
        person: Uuid,
        action: &'static str,
        entity: &'static str,
    ) -> Result<()> {
        let at = keel_domain::time::now();
        let mut tx = self.begin_write().await?;
        let entry = Entry {
            actor: Some(person),
            action,
            entity,
            entity_id: Some(person),
            summary: String::new(),
        };
        record(&mut tx, entry, at).await?;
        tx.commit().await
    }
}

/// One line of the audit log, with the actor's name.
#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct AuditRow {
    pub id: Uuid,
    pub at: DateTime<Utc>,
    pub actor_id: Option<Uuid>,
    pub actor_name: Option<String>,
    pub action: String,
    pub entity: String,
    pub entity_id: Option<Uuid>,
    pub summary: String,
}

/// Filters for browsing the log, newest first.
#[derive(Debug, Clone, Default)]
pub struct AuditQuery {
    pub actor: Option<Uuid>,
    pub entity: Option<String>,
    pub action: Option<String>,
    pub from: Option<DateTime<Utc>>,
    pub to: Option<DateTime<Utc>>,
    /// Continue with entries older than this one.
    pub before: Option<Uuid>,
    pub limit: u32,
}

impl crate::Db {
    /// A page of the audit log and whether more follow. Ids are UUIDv7, so id order is time
    /// order and one column serves as the cursor.
    pub async fn audit_log(
        &self,
        actor: &crate::visibility::Actor,
        q: &AuditQuery,
    ) -> Result<(Vec<AuditRow>, bool)> {
        // The log names everyone's changes: admins only.
        if actor.role != keel_domain::roles::Role::Admin {
            return Err(crate::DbError::Forbidden);
        }
        let limit = q.limit.clamp(1, 500);
        let rows = crate::with_pool!(self, p => {
            sqlx::query_as::<_, AuditRow>(
                "SELECT a.id, a.at, a.actor_id, p.name AS actor_name, a.action, a.entity, \
                 a.entity_id, a.summary FROM audit_log a LEFT JOIN people p ON p.id = a.actor_id \
                 WHERE ($1 IS NULL OR a.actor_id = $1) AND ($2 IS NULL OR a.entity = $2) \
                 AND ($3 IS NULL OR a.action = $3) AND ($4 IS NULL OR a.at >= $4) \
                 AND ($5 IS NULL OR a.at < $5) AND ($6 IS NULL OR a.id < $6) \
                 ORDER BY a.id DESC LIMIT $7",
            )
            .bind(q.actor)
            .bind(&q.entity)
            .bind(&q.action)
            .bind(q.from)
            .bind(q.to)
            .bind(q.before)
            .bind(i64::from(limit) + 1)
            .fetch_all(p)
            .await?
        });
        Ok(crate::one_page(rows, limit))
    }
}
