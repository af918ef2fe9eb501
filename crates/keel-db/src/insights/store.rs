//! The insight thresholds (one row) and each viewer's dismissals, both audited.

use crate::visibility::Actor;
use crate::{Db, DbError, Result, audit, with_pool, with_tx};
use keel_domain::insights::{Settings, is_key};
use keel_domain::roles::Role;
use keel_domain::time::now;
use std::collections::HashSet;
use uuid::Uuid;

/// A dismissal note longer than this is refused.
pub const NOTE_MAX: usize = 500;

type SettingsRow = (i64, i64, i64, i64, i64, i64, i64, i64, i64, i64);

impl Db {
    /// The thresholds in force (the defaults if the row is missing).
    pub async fn insight_settings(&self) -> Result<Settings> {
        let row: Option<SettingsRow> = with_pool!(self, p => {
            sqlx::query_as(
                "SELECT win_rate_drop_points, win_rate_min_closed, stall_multiple, stalled_listed, \
                 goal_left_pct, csat_drop_hundredths, csat_min_answers, nps_days, inactive_days, \
                 coverage_min_hundredths FROM insight_settings WHERE id = 1",
            )
            .fetch_optional(p)
            .await?
        });
        Ok(match row {
            None => Settings::default(),
            Some((a, b, c, d, e, f, g, h, i, j)) => {
                Settings::from_values([a, b, c, d, e, f, g, h, i, j]).unwrap_or_default()
            }
        })
    }

    /// Replaces the thresholds (admins only), recording before and after.
    pub async fn set_insight_settings(&self, actor: &Actor, s: &Settings) -> Result<()> {
        if actor.role != Role::Admin {
            return Err(DbError::Forbidden);
        }
        let values = s.values().map(|(_, v)| v);
        if Settings::from_values(values).is_err() {
            return Err(DbError::Conflict("invalid_insight_settings"));
        }
        let before = self.insight_settings().await?;
        let at = now();
        let mut tx = self.begin_write().await?;
        with_tx!(&mut tx, c => {
            sqlx::query(
                "INSERT INTO insight_settings (id, win_rate_drop_points, win_rate_min_closed, stall_multiple, \
                 stalled_listed, goal_left_pct, csat_drop_hundredths, csat_min_answers, nps_days, inactive_days, \
                 coverage_min_hundredths, updated_by, updated_at) VALUES (1, $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) \
                 ON CONFLICT (id) DO UPDATE SET win_rate_drop_points = excluded.win_rate_drop_points, \
                 win_rate_min_closed = excluded.win_rate_min_closed, stall_multiple = excluded.stall_multiple, \
                 stalled_listed = excluded.stalled_listed, goal_left_pct = excluded.goal_left_pct, \
                 csat_drop_hundredths = excluded.csat_drop_hundredths, csat_min_answers = excluded.csat_min_answers, \
                 nps_days = excluded.nps_days, inactive_days = excluded.inactive_days, \
                 coverage_min_hundredths = excluded.coverage_min_hundredths, updated_by = excluded.updated_by, \
                 updated_at = excluded.updated_at",
            )
            .bind(values[0])
            .bind(values[1])
            .bind(values[2])
            .bind(values[3])
            .bind(values[4])
            .bind(values[5])
            .bind(values[6])
            .bind(values[7])
            .bind(values[8])
            .bind(values[9])
            .bind(actor.id)
            .bind(at)
            .execute(c)
            .await?;
        });
        let entry = audit::Entry {
            actor: Some(actor.id),
            action: "update",
            entity: "insight_settings",
            entity_id: None,
            summary: format!("{before} -> {s}"),
        };
        audit::record(&mut tx, entry, at).await?;
        tx.commit().await
    }

    /// Hides the situation `key` from `actor` until its key changes, with an optional note.
    /// Refuses a malformed key or an over-long note; dismissing again replaces the note.
    pub async fn dismiss_insight(&self, actor: &Actor, key: &str, note: &str) -> Result<()> {
        let key = key.trim();
        if !is_key(key) {
            return Err(DbError::Conflict("invalid_insight_key"));
        }
        let note = note.trim();
        if note.chars().count() > NOTE_MAX {
            return Err(DbError::Conflict("insight_note_too_long"));
        }
        let note = (!note.is_empty()).then_some(note);
        let at = now();
        let mut tx = self.begin_write().await?;
        with_tx!(&mut tx, c => {
            sqlx::query(
                "INSERT INTO insight_dismissals (person_id, insight_key, note, at) VALUES ($1, $2, $3, $4) \
                 ON CONFLICT (person_id, insight_key) DO UPDATE SET note = excluded.note, at = excluded.at",
            )
            .bind(actor.id)
            .bind(key)
            .bind(note)
            .bind(at)
            .execute(c)
            .await?;
        });
        let entry = audit::Entry {
            actor: Some(actor.id),
            action: "dismiss",
            entity: "insight",
            entity_id: None,
            summary: match note {
                Some(n) => format!("{key}: {n}"),
                None => key.to_owned(),
            },
        };
        audit::record(&mut tx, entry, at).await?;
        tx.commit().await
    }

    /// The keys `person` dismissed.
    pub(crate) async fn dismissed_keys(&self, person: Uuid) -> Result<HashSet<String>> {
        let keys: Vec<String> = with_pool!(self, p => {
            sqlx::query_scalar("SELECT insight_key FROM insight_dismissals WHERE person_id = $1")
                .bind(person)
                .fetch_all(p)
                .await?
        });
        Ok(keys.into_iter().collect())
    }
}
