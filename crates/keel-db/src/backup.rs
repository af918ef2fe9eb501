//! Online backups. SQLite's `VACUUM INTO` writes a consistent snapshot from one read
//! transaction, so it is safe while keel serves; PostgreSQL has pg_dump for that.

use crate::{Db, DbError, Result};
use std::path::Path;

impl Db {
    /// Writes a consistent copy of the database to `dest`, which must not exist yet.
    pub async fn backup_to(&self, dest: &Path) -> Result<()> {
        match self {
            Db::Sqlite(p) => {
                if dest.exists() {
                    return Err(DbError::Unsupported(format!(
                        "{} already exists; choose a new file name",
                        dest.display()
                    )));
                }
                if let Some(dir) = dest.parent().filter(|d| !d.as_os_str().is_empty())
                    && !dir.is_dir()
                {
                    return Err(DbError::DataDir {
                        path: dir.to_owned(),
                        reason: "no such directory".into(),
                    });
                }
                let dest = dest.to_string_lossy().into_owned();
                sqlx::query("VACUUM INTO $1").bind(dest).execute(p).await?;
                Ok(())
            }
            Db::Postgres(_) => Err(DbError::Unsupported(
                "on PostgreSQL, back up with pg_dump, which is consistent while keel serves: \
                 pg_dump --format=custom --file=keel.dump \"$KEEL_DATABASE_URL\""
                    .into(),
            )),
        }
    }
}
