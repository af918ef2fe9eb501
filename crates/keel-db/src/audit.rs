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
