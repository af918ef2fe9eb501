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

impl Tx {
    pub async fn commit(self) -> Result<()> {
        match self {
            Tx::Sqlite(t) => t.commit().await?,
            Tx::Postgres(t) => t.commit().await?,
        }
        Ok(())
    }
}
