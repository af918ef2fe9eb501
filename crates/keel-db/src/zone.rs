//! The organisation's time zone (its calendar) and the zone each person sees times in.
//!
//! SQL that buckets instants by the organisation's local day cannot ask the database for the
//! zone: SQLite has no time-zone database, and PostgreSQL's may be a different tzdata release
//! than the one compiled into keel. [`day_sql`] instead writes the zone's UTC-offset changes
//! (from [`Zone::offsets`], the same data [`Zone::day_of`] uses) into the statement as a CASE
//! split in halves, so each row does a handful of comparisons and gets exactly Rust's day.

use crate::{Backend, Db, DbError, Result, Tx, audit, with_pool, with_tx};
use chrono::{DateTime, NaiveDate, Utc};
use keel_domain::time::{Zone, now};
use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};
use uuid::Uuid;

impl Db {
    /// The organisation's zone: its days, weeks, months, quarters and "today".
    pub async fn org_zone(&self) -> Result<Zone> {
        let name: Option<String> = with_pool!(self, p => {
            sqlx::query_scalar("SELECT time_zone FROM organisation WHERE id = 1")
                .fetch_optional(p)
                .await?
        });
        Ok(name.as_deref().and_then(Zone::parse).unwrap_or_default())
    }

    /// The zone `person` sees times in: their own choice, else the organisation's.
    pub async fn viewer_zone(&self, person: Uuid) -> Result<Zone> {
        let (own, org): (Option<String>, Option<String>) = with_pool!(self, p => {
            sqlx::query_as(
                "SELECT p.time_zone, o.time_zone FROM organisation o \
                 LEFT JOIN people p ON p.id = $1 WHERE o.id = 1",
            )
            .bind(person)
            .fetch_optional(p)
            .await?
            .unwrap_or((None, None))
        });
        Ok(own
            .as_deref()
            .and_then(Zone::parse)
            .or_else(|| org.as_deref().and_then(Zone::parse))
            .unwrap_or_default())
    }

    /// The zone `person` chose for themselves (`None`: the organisation's).
    pub async fn own_zone(&self, person: Uuid) -> Result<Option<Zone>> {
        let own: Option<Option<String>> = with_pool!(self, p => {
            sqlx::query_scalar("SELECT time_zone FROM people WHERE id = $1")
                .bind(person)
                .fetch_optional(p)
                .await?
        });
        Ok(own.flatten().as_deref().and_then(Zone::parse))
    }

    /// Sets the zone `person` sees times in (`None`: the organisation's), audited.
    pub async fn set_own_zone(&self, person: Uuid, zone: Option<Zone>) -> Result<()> {
        let at = now();
        let mut tx = self.begin_write().await?;
        with_tx!(&mut tx, c => {
            sqlx::query("UPDATE people SET time_zone = $2, updated_at = $3 WHERE id = $1")
                .bind(person)
                .bind(zone.map(|z| z.name()))
                .bind(at)
                .execute(c)
                .await?;
        });
        let entry = audit::Entry {
            actor: Some(person),
            action: "update",
            entity: "person",
            entity_id: Some(person),
            summary: format!(
                "time zone: {}",
                zone.map_or("the organisation's", |z| z.name())
            ),
        };
        audit::record(&mut tx, entry, at).await?;
        tx.commit().await
    }

    /// Changes the organisation's zone. Its days change with it, so the rollups (daily and
    /// monthly) are rebuilt in the same transaction; the change is audited. Returns the
    /// number of daily cells rebuilt.
    pub async fn set_org_zone(&self, actor: Uuid, zone: Zone) -> Result<u64> {
        let at = now();
        let mut tx = self.begin_write().await?;
        let before = zone_in(&mut tx).await?;
        let changed = with_tx!(&mut tx, c => {
            sqlx::query("UPDATE organisation SET time_zone = $1 WHERE id = 1")
                .bind(zone.name())
                .execute(c)
                .await?
                .rows_affected()
        });
        if changed == 0 {
            return Err(DbError::NotFound);
        }
        let cells = crate::rollups::rebuild_in(&mut tx, self.backend()).await?;
        let entry = audit::Entry {
            actor: Some(actor),
            action: "update",
            entity: "organisation",
            entity_id: None,
            summary: format!(
                "time zone {} → {}; rollups rebuilt ({cells} cells)",
                before.name(),
                zone.name()
            ),
        };
        audit::record(&mut tx, entry, at).await?;
        tx.commit().await?;
        Ok(cells)
    }
}

/// The organisation's zone as the transaction sees it.
pub(crate) async fn zone_in(tx: &mut Tx) -> Result<Zone> {
    let name: Option<String> = with_tx!(tx, c => {
        sqlx::query_scalar("SELECT time_zone FROM organisation WHERE id = 1")
            .fetch_optional(c)
            .await?
    });
    Ok(name.as_deref().and_then(Zone::parse).unwrap_or_default())
}

/// A zone's UTC-offset changes: `(instant, offset in seconds from then on)`.
type Changes = Arc<Vec<(DateTime<Utc>, i32)>>;

/// The zone's offset changes from 1900 to 2100, worked out once per zone and process.
fn changes(zone: Zone) -> Changes {
    static CACHE: OnceLock<Mutex<HashMap<Zone, Changes>>> = OnceLock::new();
    let cache = CACHE.get_or_init(Default::default);
    if let Some(found) = cache.lock().unwrap_or_else(|e| e.into_inner()).get(&zone) {
        return found.clone();
    }
    let year = |y| {
        NaiveDate::from_ymd_opt(y, 1, 1)
            .expect("1 January exists")
            .and_hms_opt(0, 0, 0)
            .expect("midnight exists")
            .and_utc()
    };
    let list = Arc::new(zone.offsets(year(1900), year(2100)));
    cache
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .insert(zone, list.clone());
    list
}

/// SQL for the UTC offset (seconds) in force at the timestamp column `col`: a CASE split in
/// halves over the offset changes.
fn offset_sql(backend: Backend, changes: &[(DateTime<Utc>, i32)], col: &str) -> String {
    if changes.len() <= 1 {
        return changes.first().map_or(0, |c| c.1).to_string();
    }
    let mid = changes.len() / 2;
    // The instant is made by chrono, never from user input; on SQLite timestamps are stored
    // as RFC 3339 text `YYYY-MM-DDTHH:MM:SS[.f]+00:00`, which orders as text, and a stored
    // value at the change itself sorts after the 19-character literal.
    let at = match backend {
        Backend::Sqlite => format!("'{}'", changes[mid].0.format("%Y-%m-%dT%H:%M:%S")),
        Backend::Postgres => format!(
            "TIMESTAMPTZ '{}'",
            changes[mid].0.format("%Y-%m-%d %H:%M:%S+00")
        ),
    };
    format!(
        "CASE WHEN {col} < {at} THEN {} ELSE {} END",
        offset_sql(backend, &changes[..mid], col),
        offset_sql(backend, &changes[mid..], col)
    )
}

/// SQL for the local date in `zone` of the timestamp column `col`: exactly [`Zone::day_of`].
/// A date on PostgreSQL, `YYYY-MM-DD` text on SQLite (as date columns are stored there).
pub(crate) fn day_sql(backend: Backend, zone: Zone, col: &str) -> String {
    let changes = changes(zone);
    let offset = offset_sql(backend, &changes, col);
    match backend {
        Backend::Sqlite => {
            if changes.len() <= 1 {
                format!("date(substr({col}, 1, 19), '{offset} seconds')")
            } else {
                format!("date(substr({col}, 1, 19), ({offset}) || ' seconds')")
            }
        }
        Backend::Postgres => {
            format!("CAST(({col} AT TIME ZONE 'UTC') + ({offset}) * INTERVAL '1 second' AS date)")
        }
    }
}

/// SQL for the whole days from the local day of `from` to that of `to` (timestamp columns).
pub(crate) fn days_between_sql(backend: Backend, zone: Zone, from: &str, to: &str) -> String {
    let (a, b) = (day_sql(backend, zone, from), day_sql(backend, zone, to));
    match backend {
        Backend::Sqlite => format!("CAST(julianday({b}) - julianday({a}) AS INTEGER)"),
        Backend::Postgres => format!("({b} - {a})"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_become_a_balanced_case() {
        let ny = Zone::parse("America/New_York").unwrap();
        let sql = day_sql(Backend::Sqlite, ny, "x.at");
        assert!(sql.contains("'2026-03-08T07:00:00'"), "{}", &sql[..200]);
        // A few hundred changes, a depth of about log2 of that.
        let depth = sql.matches("CASE").count();
        assert!(depth > 100, "{depth}");
        let shanghai = day_sql(Backend::Postgres, Zone::DEFAULT, "x.at");
        assert!(shanghai.contains("28800"), "{shanghai}");
        let utc = day_sql(Backend::Sqlite, Zone::parse("UTC").unwrap(), "x.at");
        assert_eq!(utc, "date(substr(x.at, 1, 19), '0 seconds')");
    }
}
