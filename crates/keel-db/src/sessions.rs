//! Web sessions and login throttling live in the database, so any app server can serve any
//! request. Only a SHA-256 of each session token is stored.
//!
//! Timestamps compare correctly as text on SQLite too: sqlx writes `DateTime<Utc>` as RFC 3339
//! with 0, 3, 6 or 9 fraction digits and `+00:00`, whose byte order is time order.

use crate::{Db, Result, with_pool};
use chrono::{DateTime, Duration, Utc};
use uuid::Uuid;

/// The person behind a live session.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SessionUser {
    pub person_id: Uuid,
    pub name: String,
    pub email: Option<String>,
    pub role: String,
    pub is_hr: bool,
    pub locale: Option<String>,
    pub last_seen_at: DateTime<Utc>,
    /// The zone they chose to see times in (NULL: the organisation's).
    pub time_zone: Option<String>,
    /// The organisation's zone, read in the same query: every request sees the current one,
    /// whichever server changed it.
    pub org_time_zone: Option<String>,
}

/// The organisation's zone as a column of a person query.
pub(crate) const ORG_ZONE_COLUMN: &str =
    "(SELECT o.time_zone FROM organisation o WHERE o.id = 1) AS org_time_zone";

impl SessionUser {
    /// The organisation's zone: its calendar.
    pub fn org_zone(&self) -> keel_domain::time::Zone {
        self.org_time_zone
            .as_deref()
            .and_then(keel_domain::time::Zone::parse)
            .unwrap_or_default()
    }

    /// The zone this person sees times in.
    pub fn viewer_zone(&self) -> keel_domain::time::Zone {
        self.time_zone
            .as_deref()
            .and_then(keel_domain::time::Zone::parse)
            .unwrap_or_else(|| self.org_zone())
    }
}

impl Db {
    pub async fn create_session(
        &self,
        token_hash: &[u8],
        person_id: Uuid,
        now: DateTime<Utc>,
        expires_at: DateTime<Utc>,
    ) -> Result<()> {
        with_pool!(self, p => {
            sqlx::query(
                "INSERT INTO sessions (token_hash, person_id, created_at, last_seen_at, expires_at) \
                 VALUES ($1, $2, $3, $3, $4)",
            )
            .bind(token_hash)
            .bind(person_id)
            .bind(now)
            .bind(expires_at)
            .execute(p)
            .await?;
        });
        Ok(())
    }

    /// The session's person, if the session exists, has not passed its absolute expiry, has
    /// been used within `idle`, and its person is still active.
    pub async fn session_user(
        &self,
        token_hash: &[u8],
        now: DateTime<Utc>,
        idle: Duration,
    ) -> Result<Option<SessionUser>> {
        Ok(with_pool!(self, p => {
            sqlx::query_as::<_, SessionUser>(sqlx::AssertSqlSafe(format!(
                "SELECT p.id AS person_id, p.name, p.email, p.role, p.is_hr, p.locale, \
                        s.last_seen_at, p.time_zone, {ORG_ZONE_COLUMN} \
                 FROM sessions s JOIN people p ON p.id = s.person_id \
                 WHERE s.token_hash = $1 AND s.expires_at > $2 AND s.last_seen_at > $3 \
                   AND p.active",
            )))
            .bind(token_hash)
            .bind(now)
            .bind(now - idle)
            .fetch_optional(p)
            .await?
        }))
    }

    /// Marks the session used now (callers do this at most once a minute per session).
    pub async fn touch_session(&self, token_hash: &[u8], now: DateTime<Utc>) -> Result<()> {
        with_pool!(self, p => {
            sqlx::query("UPDATE sessions SET last_seen_at = $2 WHERE token_hash = $1")
                .bind(token_hash)
                .bind(now)
                .execute(p)
                .await?;
        });
        Ok(())
    }

    /// Ends a session; returns whose it was, if it existed.
    pub async fn delete_session(&self, token_hash: &[u8]) -> Result<Option<Uuid>> {
        Ok(with_pool!(self, p => {
            sqlx::query_scalar("DELETE FROM sessions WHERE token_hash = $1 RETURNING person_id")
                .bind(token_hash)
                .fetch_optional(p)
                .await?
        }))
    }

    /// Counts a login attempt for `key` *before* the password is checked, and returns the
    /// attempts in the current window including this one. Counting first, in one statement,
    /// means parallel guesses cannot all slip under the limit. A window that began before
    /// `since` starts over.
    pub async fn count_login_attempt(
        &self,
        key: &str,
        now: DateTime<Utc>,
        since: DateTime<Utc>,
    ) -> Result<i64> {
        let n: i32 = with_pool!(self, p => {
            sqlx::query_scalar(
                "INSERT INTO login_failures (key, failures, window_start) VALUES ($1, 1, $2) \
                 ON CONFLICT (key) DO UPDATE SET \
                   failures = CASE WHEN login_failures.window_start > $3 \
                                   THEN login_failures.failures + 1 ELSE 1 END, \
                   window_start = CASE WHEN login_failures.window_start > $3 \
                                       THEN login_failures.window_start ELSE $2 END \
                 RETURNING failures",
            )
            .bind(key)
            .bind(now)
            .bind(since)
            .fetch_one(p)
            .await?
        });
        Ok(n.into())
    }

    /// Takes back one counted attempt (a successful login from a shared address).
    pub async fn forgive_login_attempt(&self, key: &str) -> Result<()> {
        with_pool!(self, p => {
            sqlx::query("UPDATE login_failures SET failures = failures - 1 WHERE key = $1 AND failures > 0")
                .bind(key)
                .execute(p)
                .await?;
        });
        Ok(())
    }

    /// Deletes sessions past their expiry or idle limit and throttling windows that ended.
    pub async fn sweep_sessions(
        &self,
        now: DateTime<Utc>,
        idle: Duration,
        window_start: DateTime<Utc>,
    ) -> Result<()> {
        with_pool!(self, p => {
            sqlx::query("DELETE FROM sessions WHERE expires_at <= $1 OR last_seen_at <= $2")
                .bind(now)
                .bind(now - idle)
                .execute(p)
                .await?;
            sqlx::query("DELETE FROM login_failures WHERE window_start <= $1")
                .bind(window_start)
                .execute(p)
                .await?;
        });
        Ok(())
    }

    pub async fn clear_login_failures(&self, key: &str) -> Result<()> {
        with_pool!(self, p => {
            sqlx::query("DELETE FROM login_failures WHERE key = $1")
                .bind(key)
                .execute(p)
                .await?;
        });
        Ok(())
    }
}
