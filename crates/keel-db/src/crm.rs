//! What the CRM repositories share: who may read and write an owned record, and the
//! per-module visibility default.

use crate::visibility::{Actor, line_sql};
use crate::{Db, DbError, Result, with_pool};
pub use keel_domain::crm::Module;
use uuid::Uuid;

/// A SQL condition: the row aliased `alias` may be read by the actor bound to `$actor`, where
/// `$all` is true when the actor reads everything in this module (director, admin, or a
/// public-read module). Unowned rows (the shared pool) are readable by everyone.
pub(crate) fn readable(alias: &str, actor: u8, all: u8) -> String {
    format!(
        "({alias}.owner_id IS NULL OR ${all} OR {alias}.owner_id IN {})",
        line_sql(actor)
    )
}

impl Db {
    /// True when `module` is public-read for everyone.
    pub async fn module_public(&self, module: Module) -> Result<bool> {
        let v: Option<String> = with_pool!(self, p => {
            sqlx::query_scalar("SELECT visibility FROM module_settings WHERE module = $1")
                .bind(module.as_str())
                .fetch_optional(p)
                .await?
        });
        Ok(v.as_deref() == Some("public_read"))
    }

    /// Whether `actor` reads every row of `module`.
    pub(crate) async fn reads_all(&self, actor: &Actor, module: Module) -> Result<bool> {
        Ok(actor.sees_everything() || self.module_public(module).await?)
    }

    /// `Ok` when `actor` may change a record owned by `owner`: the owner, anyone above them in
    /// the reporting line, directors and admins. Otherwise [`DbError::Forbidden`].
    pub(crate) async fn check_writable(&self, actor: &Actor, owner: Option<Uuid>) -> Result<()> {
        if actor.sees_everything() {
            return Ok(());
        }
        match owner {
            Some(o) if self.in_line(actor.id, o).await? => Ok(()),
            _ => Err(DbError::Forbidden),
        }
    }

    /// True when `person` is `root` or below them in the reporting line.
    pub(crate) async fn in_line(&self, root: Uuid, person: Uuid) -> Result<bool> {
        if root == person {
            return Ok(true);
        }
        let sql = format!("SELECT COUNT(*) FROM {} AS l WHERE l.id = $2", line_sql(1));
        let n: i64 = with_pool!(self, p => {
            sqlx::query_scalar(sqlx::AssertSqlSafe(sql)).bind(root).bind(person).fetch_one(p).await?
        });
        Ok(n > 0)
    }
}

impl Db {
    /// Sets a module's default visibility (admins; the caller checks the permission).
    pub async fn set_module_public(&self, actor: Uuid, module: Module, public: bool) -> Result<()> {
        let at = keel_domain::time::now();
        let mut tx = self.begin_write().await?;
        crate::with_tx!(&mut tx, c => {
            sqlx::query("UPDATE module_settings SET visibility = $2 WHERE module = $1")
                .bind(module.as_str())
                .bind(if public { "public_read" } else { "private" })
                .execute(c)
                .await?;
        });
        let entry = crate::audit::Entry {
            actor: Some(actor),
            action: "update",
            entity: "module_settings",
            entity_id: None,
            summary: format!(
                "{}: {}",
                module.as_str(),
                if public { "public_read" } else { "private" }
            ),
        };
        crate::audit::record(&mut tx, entry, at).await?;
        tx.commit().await
    }
}

/// A record kind whose owner can be changed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Owned {
    Account,
    Deal,
    Lead,
}

impl Db {
    /// Gives a record to someone else. The actor must be able to change the record now and to
    /// give records to the new owner (themselves, their reporting line, or anyone for directors
    /// and admins). Moving an account moves its contacts with it.
    pub async fn reassign(&self, actor: &Actor, kind: Owned, id: Uuid, to: Uuid) -> Result<()> {
        let (table, entity, current, name) = match kind {
            Owned::Account => {
                let a = self.account(actor, id).await?;
                ("accounts", "account", a.owner_id, a.name)
            }
            Owned::Deal => {
                let d = self.deal(actor, id).await?;
                ("deals", "deal", Some(d.owner_id), d.name)
            }
            Owned::Lead => {
                let l = self.lead(actor, id).await?;
                ("leads", "lead", l.owner_id, l.name)
            }
        };
        let current = current.ok_or(DbError::Conflict("pool_not_yours"))?;
        self.check_writable(actor, Some(current)).await?;
        self.check_writable(actor, Some(to)).await?;
        let active: i64 = with_pool!(self, p => {
            sqlx::query_scalar("SELECT COUNT(*) FROM people WHERE id = $1 AND active").bind(to).fetch_one(p).await?
        });
        if active == 0 {
            return Err(DbError::Conflict("unknown_manager"));
        }
        let at = keel_domain::time::now();
        let mut tx = self.begin_write().await?;
        // Revenue and activity credit follow the owner (see keel_domain::metrics).
        let source = match kind {
            Owned::Account => None,
            Owned::Deal => Some(crate::rollups::Source::Deal(id)),
            Owned::Lead => Some(crate::rollups::Source::Lead(id)),
        };
        let before = match source {
            Some(s) => crate::rollups::facts_of(&mut tx, s).await?,
            None => Vec::new(),
        };
        crate::with_tx!(&mut tx, c => {
            // Accounts and leads count their pool time from the new owner's arrival.
            let sql = if kind != Owned::Deal {
                format!("UPDATE {table} SET owner_id = $2, owned_since = $3, updated_at = $3 WHERE id = $1 AND owner_id = $4")
            } else {
                format!("UPDATE {table} SET owner_id = $2, updated_at = $3 WHERE id = $1 AND owner_id = $4")
            };
            let changed = sqlx::query(sqlx::AssertSqlSafe(sql))
                .bind(id)
                .bind(to)
                .bind(at)
                .bind(current)
                .execute(&mut *c)
                .await?
                .rows_affected();
            if changed != 1 {
                return Err(DbError::Conflict("deal_moved"));
            }
            if kind == Owned::Account {
                sqlx::query("UPDATE contacts SET owner_id = $2, updated_at = $3 WHERE account_id = $1 AND owner_id = $4")
                    .bind(id)
                    .bind(to)
                    .bind(at)
                    .bind(current)
                    .execute(&mut *c)
                    .await?;
            }
        });
        if let Some(s) = source {
            crate::rollups::settle(&mut tx, s, before).await?;
        }
        crate::notifications::record_assigned(&mut tx, actor.id, to, entity, id, &name, at).await?;
        let entry = crate::audit::Entry {
            actor: Some(actor.id),
            action: "reassign",
            entity,
            entity_id: Some(id),
            summary: format!("{name}: owner {current} -> {to}"),
        };
        crate::audit::record(&mut tx, entry, at).await?;
        tx.commit().await
    }
}
