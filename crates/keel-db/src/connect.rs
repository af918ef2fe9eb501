//! Opening the database named by the configuration, with errors an operator can act on.

use crate::{Db, DbError, Result};
use sqlx::ConnectOptions;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::Duration;

/// Where the database is and how to pool connections to it.
#[derive(Clone, Debug)]
pub struct DbConfig {
    /// `sqlite://PATH` or `postgres://...`; `None` means `<data_dir>/keel.db`.
    pub url: Option<String>,
    pub data_dir: PathBuf,
    pub max_connections: u32,
    /// How long to wait for a connection before calling the database unreachable.
    pub connect_timeout: Duration,
    /// For one long transaction writing millions of rows (`keel import`): SQLite then keeps
    /// its working set in a 512 MiB page cache instead of spilling half-written pages to the
    /// WAL, and statement journals in memory instead of temporary files. A server keeps
    /// SQLite's defaults (2 MiB), right for many short transactions.
    pub bulk_load: bool,
}

/// The page cache of a bulk load, in KiB.
const BULK_CACHE_KIB: u32 = 512 * 1024;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn name(self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        }
    }
}

#[derive(Clone, Copy, Debug)]
pub struct PoolStats {
    pub size: u32,
    pub idle: u32,
    pub max: u32,
}

impl Db {
    /// Opens (and for SQLite, creates) the configured database. Does not migrate.
    pub async fn connect(cfg: &DbConfig) -> Result<Db> {
        let url = match &cfg.url {
            Some(u) => u.clone(),
            None => {
                let file = default_sqlite_file(&cfg.data_dir)?;
                format!("sqlite://{}", file.display())
            }
        };
        let scheme = url.split_once("://").map(|(s, _)| s).unwrap_or("");
        match scheme {
            "sqlite" => connect_sqlite(&url, cfg).await,
            "postgres" | "postgresql" => connect_postgres(&url, cfg).await,
            _ => Err(DbError::InvalidUrl {
                url: redact_url(&url),
                reason: "expected sqlite://PATH or postgres://USER@HOST/DATABASE".into(),
            }),
        }
    }

    pub fn backend(&self) -> Backend {
        match self {
            Db::Sqlite(_) => Backend::Sqlite,
            Db::Postgres(_) => Backend::Postgres,
        }
    }

    /// A cheap round trip, for health checks.
    pub async fn ping(&self) -> Result<()> {
        crate::with_pool!(self, p => {
            sqlx::query("SELECT 1").execute(p).await?;
        });
        Ok(())
    }

    pub fn pool_stats(&self) -> PoolStats {
        crate::with_pool!(self, p => PoolStats {
            size: p.size(),
            idle: p.num_idle() as u32,
            max: p.options().get_max_connections(),
        })
    }

    /// Closes every connection; waits for checked-out ones to come back.
    pub async fn close(&self) {
        crate::with_pool!(self, p => p.close().await)
    }
}

fn default_sqlite_file(dir: &Path) -> Result<PathBuf> {
    std::fs::create_dir_all(dir).map_err(|e| DbError::DataDir {
        path: dir.to_owned(),
        reason: e.to_string(),
    })?;
    // Creating the directory succeeds for root even where writing would fail later for
    // others, and WAL needs to create files beside the database: prove we can.
    let probe = dir.join(".keel-write-test");
    std::fs::write(&probe, b"")
        .and_then(|_| std::fs::remove_file(&probe))
        .map_err(|e| DbError::DataDir {
            path: dir.to_owned(),
            reason: e.to_string(),
        })?;
    Ok(dir.join("keel.db"))
}

async fn connect_sqlite(url: &str, cfg: &DbConfig) -> Result<Db> {
    let opts = SqliteConnectOptions::from_str(url).map_err(|e| DbError::InvalidUrl {
        url: url.to_owned(),
        reason: e.to_string(),
    })?;
    let path = opts.get_filename().to_owned();
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty())
        && !parent.is_dir()
    {
        return Err(DbError::DataDir {
            path: parent.to_owned(),
            reason: "no such directory".into(),
        });
    }
    let opts = opts
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Normal)
        .foreign_keys(true)
        .busy_timeout(Duration::from_secs(10))
        .log_statements(tracing::log::LevelFilter::Trace);
    let opts = if cfg.bulk_load {
        opts.pragma("cache_size", format!("-{BULK_CACHE_KIB}"))
            .pragma("temp_store", "memory")
    } else {
        opts
    };
    let pool = SqlitePoolOptions::new()
        .max_connections(cfg.max_connections.max(1))
        .acquire_timeout(cfg.connect_timeout)
        .connect_with(opts)
        .await
        .map_err(|e| sqlite_open_error(e, &path))?;
    Ok(Db::Sqlite(pool))
}

fn sqlite_open_error(e: sqlx::Error, path: &Path) -> DbError {
    if let Some(db) = e.as_database_error() {
        // SQLITE_NOTADB (26): the file exists but is something else.
        if db.code().as_deref() == Some("26") {
            return DbError::NotADatabase {
                path: path.to_owned(),
            };
        }
        // SQLITE_CANTOPEN (14), SQLITE_READONLY (8), SQLITE_PERM (3).
        if matches!(db.code().as_deref(), Some("14" | "8" | "3")) {
            return DbError::DataDir {
                path: path.to_owned(),
                reason: db.message().to_owned(),
            };
        }
    }
    DbError::Sqlx(e)
}

async fn connect_postgres(url: &str, cfg: &DbConfig) -> Result<Db> {
    let shown = redact_url(url);
    let opts = PgConnectOptions::from_str(url).map_err(|e| DbError::InvalidUrl {
        url: shown.clone(),
        reason: e.to_string(),
    })?;
    let opts = opts.log_statements(tracing::log::LevelFilter::Trace);
    let pool = PgPoolOptions::new()
        .max_connections(cfg.max_connections.max(1))
        .acquire_timeout(cfg.connect_timeout)
        .connect_with(opts)
        .await
        .map_err(|e| match e {
            sqlx::Error::Io(_) | sqlx::Error::PoolTimedOut | sqlx::Error::Tls(_) => {
                DbError::Unreachable {
                    target: shown.clone(),
                    reason: match &e {
                        sqlx::Error::PoolTimedOut => {
                            format!("no answer within {:?}", cfg.connect_timeout)
                        }
                        other => other.to_string(),
                    },
                }
            }
            sqlx::Error::Database(ref d) => DbError::Unreachable {
                target: shown.clone(),
                reason: d.message().to_owned(),
            },
            other => DbError::Sqlx(other),
        })?;
    Ok(Db::Postgres(pool))
}

/// `url` with any password replaced by `***`, safe to log or print.
pub fn redact_url(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    let (authority, tail) = match rest.find(['/', '?']) {
        Some(i) => rest.split_at(i),
        None => (rest, ""),
    };
    let authority = match authority.rsplit_once('@') {
        Some((userinfo, host)) => match userinfo.split_once(':') {
            Some((user, _password)) => format!("{user}:***@{host}"),
            None => format!("{userinfo}@{host}"),
        },
        None => authority.to_owned(),
    };
    let tail = redact_query_password(tail);
    format!("{scheme}://{authority}{tail}")
}

fn redact_query_password(tail: &str) -> String {
    let Some((path, query)) = tail.split_once('?') else {
        return tail.to_owned();
    };
    let query: Vec<String> = query
        .split('&')
        .map(|kv| match kv.split_once('=') {
            Some((k, _)) if k.eq_ignore_ascii_case("password") => format!("{k}=***"),
            _ => kv.to_owned(),
        })
        .collect();
    format!("{path}?{}", query.join("&"))
}

#[cfg(test)]
mod tests {
    use super::redact_url;

    #[test]
    fn passwords_never_survive_redaction() {
        assert_eq!(
            redact_url("postgres://keel:s3cret@db.example:5432/keel"),
            "postgres://keel:***@db.example:5432/keel"
        );
        assert_eq!(
            redact_url("postgres://db/keel?user=k&password=s3cret&sslmode=require"),
            "postgres://db/keel?user=k&password=***&sslmode=require"
        );
        assert_eq!(
            redact_url("sqlite://./keel-data/keel.db"),
            "sqlite://./keel-data/keel.db"
        );
        assert_eq!(
            redact_url("postgres://p%40ss:x@h/d"),
            "postgres://p%40ss:***@h/d"
        );
    }
}
