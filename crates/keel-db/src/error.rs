use std::path::PathBuf;

/// What can go wrong in storage. The first group are start-up problems an operator must fix;
/// each message is one plain line that names the problem without printing secrets.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("invalid database URL '{url}': {reason}")]
    InvalidUrl { url: String, reason: String },
    #[error("cannot use data directory {}: {reason}", path.display())]
    DataDir { path: PathBuf, reason: String },
    #[error("{} is not a SQLite database", path.display())]
    NotADatabase { path: PathBuf },
    #[error("cannot reach the database at {target}: {reason}")]
    Unreachable { target: String, reason: String },
    #[error(
        "the database schema is at version {found}, newer than this keel knows ({known}); \
         run a newer keel against it"
    )]
    SchemaTooNew { found: i64, known: i64 },
    #[error("migration {0} in the database differs from this keel's copy; refusing to continue")]
    SchemaMismatch(i64),
    #[error("{0}")]
    Unsupported(String),
    /// A write lost a race or broke a uniqueness rule; the caller turns it into a 409/422.
    #[error("conflict: {0}")]
    Conflict(&'static str),
    #[error("not found")]
    NotFound,
    /// The actor may see the record but not change it.
    #[error("forbidden")]
    Forbidden,
    #[error("database error: {0}")]
    Sqlx(#[source] sqlx::Error),
}

impl From<sqlx::Error> for DbError {
    /// A write naming a record that does not exist (a foreign key the database refused) is the
    /// caller's mistake, a conflict with the code `unknown_reference`, not an internal error:
    /// the safety net behind the checks each write makes for the references it knows.
    fn from(e: sqlx::Error) -> Self {
        match e.as_database_error() {
            Some(db) if db.is_foreign_key_violation() => DbError::Conflict("unknown_reference"),
            _ => DbError::Sqlx(e),
        }
    }
}

impl DbError {
    /// True when the database could not be reached at all (as opposed to a bad query).
    pub fn is_unavailable(&self) -> bool {
        match self {
            DbError::Unreachable { .. } => true,
            DbError::Sqlx(e) => matches!(
                e,
                sqlx::Error::Io(_) | sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed
            ),
            _ => false,
        }
    }
}

/// The name of the unique constraint a failed write broke, if that is why it failed.
pub(crate) fn unique_violation(e: &sqlx::Error) -> Option<String> {
    let db = e.as_database_error()?;
    if !db.is_unique_violation() {
        return None;
    }
    Some(db.constraint().unwrap_or_else(|| db.message()).to_owned())
}
