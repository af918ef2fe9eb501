//! Timed jobs' bookkeeping: one `job_runs` row per (job, slot). Inserting it is the claim
//! (`ON CONFLICT DO NOTHING` on both backends), so exactly one server runs each slot; a run
//! that started and never finished (its server died) may be taken over once it is stale.
//! Commits leave the data version alone.

use crate::{Db, Result, with_pool};
use chrono::{DateTime, Utc};

/// One recorded run.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct JobRun {
    pub job: String,
    pub slot: DateTime<Utc>,
    pub server: String,
    pub tries: i32,
    pub started_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
    pub ok: Option<bool>,
    pub error: Option<String>,
}

impl Db {
    /// Claims `job`'s `slot` for `server`: `true` if this server is to run it, because no one
    /// had, or because the run that did start began before `stale` and never finished.
    pub async fn claim_job(
        &self,
        job: &str,
        slot: DateTime<Utc>,
        server: &str,
        now: DateTime<Utc>,
        stale: DateTime<Utc>,
    ) -> Result<bool> {
        let n = with_pool!(self, p => {
            let n = sqlx::query(
                "INSERT INTO job_runs (job, slot, server, tries, started_at) VALUES ($1, $2, $3, 1, $4) \
                 ON CONFLICT (job, slot) DO NOTHING",
            )
            .bind(job)
            .bind(slot)
            .bind(server)
            .bind(now)
            .execute(p)
            .await?
            .rows_affected();
            if n == 1 {
                1
            } else {
                sqlx::query(
                    "UPDATE job_runs SET server = $3, started_at = $4, tries = tries + 1 \
                     WHERE job = $1 AND slot = $2 AND finished_at IS NULL AND started_at < $5",
                )
                .bind(job)
                .bind(slot)
                .bind(server)
                .bind(now)
                .bind(stale)
                .execute(p)
                .await?
                .rows_affected()
            }
        });
        Ok(n == 1)
    }

    /// Records how a claimed run ended (`error` is `None` when it succeeded).
    pub async fn finish_job(
        &self,
        job: &str,
        slot: DateTime<Utc>,
        server: &str,
        at: DateTime<Utc>,
        error: Option<&str>,
    ) -> Result<()> {
        with_pool!(self, p => {
            sqlx::query(
                "UPDATE job_runs SET finished_at = $4, ok = $5, error = $6 \
                 WHERE job = $1 AND slot = $2 AND server = $3",
            )
            .bind(job)
            .bind(slot)
            .bind(server)
            .bind(at)
            .bind(error.is_none())
            .bind(error)
            .execute(p)
            .await?;
        });
        Ok(())
    }

    /// The run of `job`'s newest claimed slot, if any.
    pub async fn last_job_run(&self, job: &str) -> Result<Option<JobRun>> {
        Ok(with_pool!(self, p => {
            sqlx::query_as(
                "SELECT job, slot, server, tries, started_at, finished_at, ok, error FROM job_runs \
                 WHERE job = $1 ORDER BY slot DESC LIMIT 1",
            )
            .bind(job)
            .fetch_optional(p)
            .await?
        }))
    }

    /// The most recent runs, newest slot first; only failed or unfinished ones if `failures`.
    pub async fn job_runs(&self, failures: bool, limit: u32) -> Result<Vec<JobRun>> {
        Ok(with_pool!(self, p => {
            sqlx::query_as(
                "SELECT job, slot, server, tries, started_at, finished_at, ok, error FROM job_runs \
                 WHERE NOT $1 OR ok IS NULL OR NOT ok ORDER BY slot DESC, job LIMIT $2",
            )
            .bind(failures)
            .bind(i64::from(limit))
            .fetch_all(p)
            .await?
        }))
    }

    /// Deletes run records of slots before `before`.
    pub async fn purge_job_runs(&self, before: DateTime<Utc>) -> Result<u64> {
        Ok(with_pool!(self, p => {
            sqlx::query("DELETE FROM job_runs WHERE slot < $1 AND finished_at IS NOT NULL")
                .bind(before)
                .execute(p)
                .await?
                .rows_affected()
        }))
    }

    /// Active people with an address who want a digest: `(person, local hour, own zone name)`.
    pub async fn digest_subscribers(&self) -> Result<Vec<(uuid::Uuid, i32, Option<String>)>> {
        Ok(with_pool!(self, p => {
            sqlx::query_as(
                "SELECT d.person_id, d.hour, p.time_zone FROM notification_digests d \
                 JOIN people p ON p.id = d.person_id WHERE p.active AND p.email IS NOT NULL \
                 ORDER BY d.person_id",
            )
            .fetch_all(p)
            .await?
        }))
    }
}
