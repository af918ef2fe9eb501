//! keel's storage: one [`Db`] handle over SQLite or PostgreSQL.
//!
//! Queries are written once with `$1..$N` placeholders and run on either backend through
//! [`with_pool!`] / [`with_tx!`]; backend-specific SQL is kept beside the query that needs it, behind `db.backend()`.

pub mod accounts;
pub mod activities;
pub mod audit;
mod backup;
pub mod bulk;
pub mod checkins;
mod connect;
pub mod contacts;
pub mod contests;
pub mod crm;
pub mod dashboard;
pub mod deals;
mod error;
pub mod export;
pub mod goal_progress;
pub mod goals;
pub mod import;
pub mod insights;
pub mod jobs;
pub mod leads;
pub mod metrics;
mod migrate;
mod multirow;
pub mod notifications;
pub mod people;
pub mod pool;
pub mod rollups;
pub mod satisfaction;
pub mod search;
pub mod sessions;
pub mod setup;
pub mod sort;
mod sql;
pub mod targets;
pub mod teams;
pub mod tokens;
mod tx;
pub mod visibility;
mod zone;

pub use connect::{Backend, DbConfig, PoolStats, redact_url};
pub use error::DbError;
pub use migrate::{MigrationReport, SCHEMA_VERSION};
pub use tx::Tx;

use sqlx::{PgPool, SqlitePool};

/// A pool of connections to keel's database, on one of the two supported backends.
#[derive(Clone, Debug)]
pub enum Db {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// Runs `$body` with `$pool` bound to the concrete pool of `$db`; the body is compiled once per
/// backend, so one query text and one `FromRow` struct serve both.
#[macro_export]
macro_rules! with_pool {
    ($db:expr, $pool:ident => $body:expr) => {
        match $db {
            $crate::Db::Sqlite($pool) => $body,
            $crate::Db::Postgres($pool) => $body,
        }
    };
}

/// Like [`with_pool!`] for a write transaction: `$conn` is the transaction's connection.
#[macro_export]
macro_rules! with_tx {
    ($tx:expr, $conn:ident => $body:expr) => {
        match $tx {
            $crate::Tx::Sqlite(t) => {
                let $conn = &mut **t;
                $body
            }
            $crate::Tx::Postgres(t) => {
                let $conn = &mut **t;
                $body
            }
        }
    };
}

pub type Result<T, E = DbError> = std::result::Result<T, E>;

/// A page of a keyset-paginated list: the queries fetch `limit + 1` rows, and the extra one only
/// tells whether more follow.
pub(crate) fn one_page<T>(mut rows: Vec<T>, limit: u32) -> (Vec<T>, bool) {
    let more = rows.len() > limit as usize;
    rows.truncate(limit as usize);
    (rows, more)
}
