//! The timed jobs every `keel serve` runs: the one list of jobs and their schedules, and the
//! scheduler; what a job does lives in its area. Each server looks every `jobs_tick` for slots that
//! are due; claiming a slot in the database decides which one server runs it. Slots missed
//! while no server ran are caught up on start: the digest's of the last 24 hours, the
//! others' latest only. Every run is recorded (`keel jobs list`).

use crate::AppState;
use chrono::{DateTime, TimeDelta, Utc};
use keel_db::DbError;
use keel_domain::jobs::Schedule;
use keel_domain::time::now;
use tokio::sync::watch;

/// A run that started this long ago and never finished was cut short (its server died);
/// another server may run the slot again.
const STALE: TimeDelta = TimeDelta::minutes(15);

pub const DIGEST: &str = "notification_digest";
pub const SESSIONS: &str = "session_sweep";
pub const CLEANUP: &str = "cleanup";

struct Job {
    name: &'static str,
    schedule: Schedule,
    /// Missed slots run on start, newest ones first kept.
    catch_up: usize,
}

fn jobs() -> [Job; 3] {
    [
        // Hourly: each slot mails the people whose digest hour it is in their zone.
        Job {
            name: DIGEST,
            schedule: Schedule::every(TimeDelta::hours(1)),
            catch_up: 24,
        },
        Job {
            name: SESSIONS,
            schedule: Schedule::every(TimeDelta::hours(1)).at(TimeDelta::minutes(30)),
            catch_up: 1,
        },
        Job {
            name: CLEANUP,
            schedule: Schedule::every(TimeDelta::days(1)).at(TimeDelta::hours(3)),
            catch_up: 1,
        },
    ]
}

/// A name for this process in the run records.
fn server_name() -> String {
    let host = std::fs::read_to_string("/proc/sys/kernel/hostname")
        .map(|h| h.trim().to_owned())
        .ok()
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "keel".into());
    let tag = keel_domain::ids::new_id().simple().to_string();
    format!("{host}:{}:{}", std::process::id(), &tag[tag.len() - 6..])
}

pub(crate) async fn run(state: AppState, mut stop: watch::Receiver<bool>) {
    let server = server_name();
    loop {
        for job in jobs() {
            if *stop.borrow() {
                return;
            }
            if let Err(e) = tick(&state, &job, &server).await {
                tracing::warn!(job = job.name, error = %e, "timed job: cannot reach the database");
            }
        }
        tokio::select! {
            changed = stop.changed() => if changed.is_err() { return },
            _ = tokio::time::sleep(state.config.jobs_tick) => {}
        }
        if *stop.borrow() {
            return;
        }
    }
}

/// Runs whatever slots of `job` are due and unclaimed (or stale).
async fn tick(state: &AppState, job: &Job, server: &str) -> Result<(), DbError> {
    let at = now();
    let last = state.db.last_job_run(job.name).await?;
    let mut slots = Vec::new();
    match &last {
        None => slots.push(job.schedule.latest(at)),
        Some(run) => {
            if run.finished_at.is_none() && run.started_at < at - STALE {
                slots.push(run.slot);
            }
            slots.extend(job.schedule.due(run.slot, at, job.catch_up));
        }
    }
    for slot in slots {
        if !state
            .db
            .claim_job(job.name, slot, server, now(), now() - STALE)
            .await?
        {
            continue;
        }
        let outcome = perform(state, job.name, slot).await;
        let error = outcome.err().map(|e| e.to_string());
        match &error {
            Some(e) => tracing::warn!(job = job.name, %slot, error = %e, "timed job failed"),
            None => tracing::debug!(job = job.name, %slot, "timed job done"),
        }
        state
            .db
            .finish_job(job.name, slot, server, now(), error.as_deref())
            .await?;
    }
    Ok(())
}

/// Runs one slot of a job: the scheduler decides when, each area what.
async fn perform(state: &AppState, job: &str, slot: DateTime<Utc>) -> Result<(), DbError> {
    match job {
        DIGEST => crate::notifications::send_digests(&state.db, slot).await,
        SESSIONS => crate::auth::session::sweep(state).await,
        CLEANUP => {
            crate::notifications::purge(&state.db).await?;
            let runs = now() - TimeDelta::days(90);
            state.db.purge_job_runs(runs).await.map(drop)
        }
        other => Err(DbError::Unsupported(format!("unknown job {other}"))),
    }
}
