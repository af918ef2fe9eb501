//! The shared pool (公海): unowned leads and accounts that anyone allowed may claim, under
//! rules an admin sets. Every claim and return is a row in `pool_events`, which also counts
//! the day's claims; stale records go back automatically when the pool is next used, so no
//! background job (and no single server) is needed.

use crate::visibility::Actor;
use crate::{Db, DbError, Result, Tx, audit, with_pool, with_tx};
use chrono::{DateTime, TimeDelta, Utc};
pub use keel_domain::crm::PoolKind;
use keel_domain::{ids::new_id, time::now};
use uuid::Uuid;

#[derive(Debug, Clone, Copy, PartialEq, Eq, sqlx::FromRow, serde::Serialize)]
pub struct PoolRules {
    pub claims_per_day: i32,
    pub max_held: i32,
    pub return_after_days: i32,
    pub cooldown_days: i32,
}

/// The rule a refused claim or return broke; each has its own message.
pub const RULES: [&str; 6] = [
    "pool_not_in_pool",
    "pool_claims_per_day",
    "pool_max_held",
    "pool_cooldown",
    "pool_not_yours",
    "pool_reason_required",
];

impl Db {
    pub async fn pool_rules(&self, kind: PoolKind) -> Result<PoolRules> {
        Ok(with_pool!(self, p => {
            sqlx::query_as::<_, PoolRules>(
                "SELECT claims_per_day, max_held, return_after_days, cooldown_days FROM pool_rules WHERE kind = $1",
            )
            .bind(kind.as_str())
            .fetch_one(p)
            .await?
        }))
    }

    /// Changes the rules (admins; the caller checks the permission).
    pub async fn set_pool_rules(&self, actor: Uuid, kind: PoolKind, r: &PoolRules) -> Result<()> {
        let at = now();
        let mut tx = self.begin_write().await?;
        with_tx!(&mut tx, c => {
            sqlx::query(
                "UPDATE pool_rules SET claims_per_day = $2, max_held = $3, return_after_days = $4, \
                 cooldown_days = $5 WHERE kind = $1",
            )
            .bind(kind.as_str())
            .bind(r.claims_per_day)
            .bind(r.max_held)
            .bind(r.return_after_days)
            .bind(r.cooldown_days)
            .execute(c)
            .await?;
        });
        let entry = audit::Entry {
            actor: Some(actor),
            action: "update",
            entity: "pool_rules",
            entity_id: None,
            summary: format!(
                "{}: {}/day, hold {}, return after {} days, cooldown {} days",
                kind.as_str(),
                r.claims_per_day,
                r.max_held,
                r.return_after_days,
                r.cooldown_days
            ),
        };
        audit::record(&mut tx, entry, at).await?;
        tx.commit().await
    }

    /// Claims a pooled record for the actor, or refuses naming the rule it would break.
    pub async fn claim(&self, actor: &Actor, kind: PoolKind, id: Uuid) -> Result<()> {
        self.return_stale(kind).await?;
        let rules = self.pool_rules(kind).await?;
        let at = now();
        let mut tx = self.begin_write().await?;
        lock_pool(&mut tx).await?;
        let table = kind.as_str();
        #[derive(sqlx::FromRow)]
        struct Row {
            owner_id: Option<Uuid>,
            previous_owner_id: Option<Uuid>,
            released_at: Option<DateTime<Utc>>,
        }
        let row: Option<Row> = with_tx!(&mut tx, c => {
            sqlx::query_as(sqlx::AssertSqlSafe(format!(
                "SELECT owner_id, previous_owner_id, released_at FROM {table} WHERE id = $1"
            )))
            .bind(id)
            .fetch_optional(c)
            .await?
        });
        let row = row.ok_or(DbError::NotFound)?;
        if let Some(owner) = row.owner_id {
            // Someone else's record: say so only to those who may see it.
            let module = match kind {
                PoolKind::Leads => crate::crm::Module::Leads,
                PoolKind::Accounts => crate::crm::Module::Accounts,
            };
            let visible =
                self.reads_all(actor, module).await? || self.in_line(actor.id, owner).await?;
            return Err(if visible {
                DbError::Conflict("pool_not_in_pool")
            } else {
                DbError::NotFound
            });
        }
        // "Per day" is the organisation's local day.
        let zone = crate::zone::zone_in(&mut tx).await?;
        let day_start = zone.start_of(zone.day_of(at));
        let claimed_today: i64 = with_tx!(&mut tx, c => {
            sqlx::query_scalar(
                "SELECT COUNT(*) FROM pool_events WHERE person_id = $1 AND kind = $2 AND action = 'claim' AND at >= $3",
            )
            .bind(actor.id)
            .bind(table)
            .bind(day_start)
            .fetch_one(c)
            .await?
        });
        if claimed_today >= i64::from(rules.claims_per_day) {
            return Err(DbError::Conflict("pool_claims_per_day"));
        }
        let held: i64 = with_tx!(&mut tx, c => {
            sqlx::query_scalar(sqlx::AssertSqlSafe(format!("SELECT COUNT(*) FROM {table} WHERE owner_id = $1{}", workable(kind))))
                .bind(actor.id)
                .fetch_one(c)
                .await?
        });
        if held >= i64::from(rules.max_held) {
            return Err(DbError::Conflict("pool_max_held"));
        }
        let cooling = row.previous_owner_id == Some(actor.id)
            && row
                .released_at
                .is_some_and(|r| at - r < TimeDelta::days(rules.cooldown_days.into()));
        if cooling {
            return Err(DbError::Conflict("pool_cooldown"));
        }
        with_tx!(&mut tx, c => {
            sqlx::query(sqlx::AssertSqlSafe(format!(
                "UPDATE {table} SET owner_id = $2, owned_since = $3, updated_at = $3 WHERE id = $1 AND owner_id IS NULL"
            )))
            .bind(id)
            .bind(actor.id)
            .bind(at)
            .execute(c)
            .await?;
        });
        pool_event(&mut tx, kind, id, Some(actor.id), "claim", None, at).await?;
        let entry = audit::Entry {
            actor: Some(actor.id),
            action: "claim",
            entity: kind.entity(),
            entity_id: Some(id),
            summary: format!("claimed from the {} pool", kind.as_str()),
        };
        audit::record(&mut tx, entry, at).await?;
        tx.commit().await
    }

    /// Returns a record to the pool with a reason. Its owner may, and anyone above them.
    pub async fn release(
        &self,
        actor: &Actor,
        kind: PoolKind,
        id: Uuid,
        reason: &str,
    ) -> Result<()> {
        let reason = reason.trim();
        if reason.is_empty() {
            return Err(DbError::Conflict("pool_reason_required"));
        }
        let table = kind.as_str();
        let owner: Option<Option<Uuid>> = with_pool!(self, p => {
            sqlx::query_scalar(sqlx::AssertSqlSafe(format!("SELECT owner_id FROM {table} WHERE id = $1")))
                .bind(id)
                .fetch_optional(p)
                .await?
        });
        let owner = owner.ok_or(DbError::NotFound)?;
        let Some(owner) = owner else {
            return Err(DbError::Conflict("pool_not_yours"));
        };
        if !(actor.sees_everything() || self.in_line(actor.id, owner).await?) {
            // Not theirs to see either: as if it did not exist.
            return Err(DbError::NotFound);
        }
        let at = now();
        let mut tx = self.begin_write().await?;
        release_in(&mut tx, kind, id, owner, at).await?;
        pool_event(
            &mut tx,
            kind,
            id,
            Some(actor.id),
            "return",
            Some(reason),
            at,
        )
        .await?;
        let entry = audit::Entry {
            actor: Some(actor.id),
            action: "return",
            entity: kind.entity(),
            entity_id: Some(id),
            summary: reason.to_owned(),
        };
        audit::record(&mut tx, entry, at).await?;
        tx.commit().await
    }

    /// Sends back to the pool every owned record of `kind` without a follow-up (or a claim)
    /// for longer than the rule allows. Returns how many went back.
    pub async fn return_stale(&self, kind: PoolKind) -> Result<u64> {
        let rules = self.pool_rules(kind).await?;
        let at = now();
        let cutoff = at - TimeDelta::days(rules.return_after_days.into());
        let table = kind.as_str();
        let sql = format!(
            "SELECT id, owner_id FROM {table} WHERE owner_id IS NOT NULL \
             AND (last_activity_at IS NULL OR last_activity_at < $1) \
             AND COALESCE(owned_since, created_at) < $1{}",
            workable(kind)
        );
        #[derive(sqlx::FromRow)]
        struct Stale {
            id: Uuid,
            owner_id: Uuid,
        }
        // This runs on every pool page view: look first without the writer lock, and take it
        // only when something is due (then look again under the lock).
        let due: Vec<Stale> = with_pool!(self, p => {
            sqlx::query_as(sqlx::AssertSqlSafe(sql.clone())).bind(cutoff).fetch_all(p).await?
        });
        if due.is_empty() {
            return Ok(0);
        }
        let mut tx = self.begin_write().await?;
        lock_pool(&mut tx).await?;
        let stale: Vec<Stale> = with_tx!(&mut tx, c => {
            sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(cutoff).fetch_all(c).await?
        });
        for s in &stale {
            release_in(&mut tx, kind, s.id, s.owner_id, at).await?;
            let reason = format!("no follow-up for {} days", rules.return_after_days);
            pool_event(&mut tx, kind, s.id, None, "auto_return", Some(&reason), at).await?;
            let entry = audit::Entry {
                actor: None,
                action: "auto_return",
                entity: kind.entity(),
                entity_id: Some(s.id),
                summary: reason,
            };
            audit::record(&mut tx, entry, at).await?;
        }
        tx.commit().await?;
        Ok(stale.len() as u64)
    }
}

/// On PostgreSQL, claims serialise on an advisory lock so two servers cannot both hand out
/// the last claim of the day; SQLite's `BEGIN IMMEDIATE` already does.
async fn lock_pool(tx: &mut Tx) -> Result<()> {
    if let Tx::Postgres(t) = tx {
        sqlx::query("SELECT pg_advisory_xact_lock(4712)")
            .execute(&mut **t)
            .await?;
    }
    Ok(())
}

/// Only converted or lost leads are done with; they neither count as held nor go back.
fn workable(kind: PoolKind) -> &'static str {
    match kind {
        PoolKind::Leads => " AND status NOT IN ('converted', 'lost')",
        PoolKind::Accounts => "",
    }
}

/// Puts a record back, provided `owner` still owns it (a stale request must not release a
/// record someone has claimed since).
async fn release_in(
    tx: &mut Tx,
    kind: PoolKind,
    id: Uuid,
    owner: Uuid,
    at: DateTime<Utc>,
) -> Result<()> {
    let table = kind.as_str();
    let changed = with_tx!(tx, c => {
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "UPDATE {table} SET owner_id = NULL, owned_since = NULL, previous_owner_id = $2, released_at = $3, \
             updated_at = $3 WHERE id = $1 AND owner_id = $2"
        )))
        .bind(id)
        .bind(owner)
        .bind(at)
        .execute(c)
        .await?
        .rows_affected()
    });
    if changed != 1 {
        return Err(DbError::Conflict("pool_not_yours"));
    }
    Ok(())
}

async fn pool_event(
    tx: &mut Tx,
    kind: PoolKind,
    id: Uuid,
    person: Option<Uuid>,
    action: &str,
    reason: Option<&str>,
    at: DateTime<Utc>,
) -> Result<()> {
    let event = new_id();
    with_tx!(&mut *tx, c => {
        sqlx::query(
            "INSERT INTO pool_events (id, kind, record_id, person_id, action, reason, at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(event)
        .bind(kind.as_str())
        .bind(id)
        .bind(person)
        .bind(action)
        .bind(reason)
        .bind(at)
        .execute(c)
        .await?;
    });
    crate::rollups::record(tx, crate::rollups::Source::PoolEvent(event)).await
}
