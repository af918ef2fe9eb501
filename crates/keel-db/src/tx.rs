use crate::{Db, Result};
use sqlx::{Postgres, Sqlite, Transaction};

/// A write transaction. On SQLite it starts with `BEGIN IMMEDIATE`: a deferred transaction
/// that later writes fails with SQLITE_BUSY instead of waiting for the writer lock.
pub enum Tx {
    Sqlite(Transaction<'static, Sqlite>),
    Postgres(Transaction<'static, Postgres>),
}

impl Db {
    /// Starts a write transaction; everything done through it commits or rolls back together.
    pub async fn begin_write(&self) -> Result<Tx> {
        Ok(match self {
            Db::Sqlite(p) => Tx::Sqlite(p.begin_with("BEGIN IMMEDIATE").await?),
            Db::Postgres(p) => Tx::Postgres(p.begin().await?),
        })
    }
}

/// Adds one to the data version; the last statement of a write, so the row lock it takes on
/// PostgreSQL is held only while committing.
const BUMP: &str = "UPDATE data_version SET version = version + 1 WHERE id = 1";

impl Tx {
    /// Commits, and with it a new data version: whoever cached an answer under the previous
    /// version will compute it again.
    pub async fn commit(mut self) -> Result<()> {
        crate::with_tx!(&mut self, c => {
            sqlx::query(BUMP).execute(c).await?;
        });
        self.commit_unversioned().await
    }

    /// Commits bookkeeping that no page shows as data (delivering queued e-mail, claiming a
    /// timed job), leaving the data version and every cache keyed by it as they were.
    pub async fn commit_unversioned(self) -> Result<()> {
        match self {
            Tx::Sqlite(t) => t.commit().await?,
            Tx::Postgres(t) => t.commit().await?,
        }
        Ok(())
    }
}

impl Db {
    /// The data version: it grows with every committed write, on every server sharing the
    /// database, so an answer cached under it is current while it stays the same.
    pub async fn data_version(&self) -> Result<i64> {
        Ok(crate::with_pool!(self, p => {
            sqlx::query_scalar("SELECT version FROM data_version WHERE id = 1")
                .fetch_optional(p)
                .await?
                .unwrap_or(0)
        }))
    }
}
