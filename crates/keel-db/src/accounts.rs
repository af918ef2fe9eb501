//! Accounts: the customer companies. Owned by a rep, or unowned in the shared pool (公海).

use crate::crm::{Module, readable};
use crate::search;
use crate::sort::{self, Cursor, Key, bind_cursor};
use crate::visibility::Actor;
use crate::{Db, DbError, Result, audit, with_pool, with_tx};
use chrono::{DateTime, Utc};
use keel_domain::{ids::new_id, time::now};
use uuid::Uuid;

pub const STATUSES: [&str; 4] = ["prospect", "customer", "partner", "churned"];

#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct Account {
    pub id: Uuid,
    pub name: String,
    pub industry: Option<String>,
    pub size: Option<i32>,
    pub region: Option<String>,
    pub status: String,
    pub tags: String,
    pub parent_id: Option<Uuid>,
    pub parent_name: Option<String>,
    pub notes: Option<String>,
    pub owner_id: Option<Uuid>,
    pub owner_name: Option<String>,
    pub last_activity_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Default)]
pub struct AccountInput {
    pub name: String,
    pub industry: Option<String>,
    pub size: Option<i32>,
    pub region: Option<String>,
    pub status: String,
    /// Comma-separated; stored lower-cased and de-duplicated.
    pub tags: String,
    pub parent_id: Option<Uuid>,
    pub notes: Option<String>,
    /// `None` puts the account in the shared pool.
    pub owner_id: Option<Uuid>,
}

#[derive(Debug, Clone, Default)]
pub struct AccountQuery {
    pub search: Option<String>,
    pub owner: Option<Uuid>,
    pub status: Option<String>,
    /// Only accounts in the shared pool.
    pub pool: bool,
    /// One of [`sort::ACCOUNTS`]; empty for the default.
    pub sort: String,
    pub after: Option<Cursor>,
    pub limit: u32,
}

/// The selected columns and joins; the parent's name shows only where the actor may see the
/// parent (`$1` actor, `$2` reads-all, as in every account query).
fn columns() -> String {
    format!(
        "a.id, a.name, a.industry, a.size, a.region, a.status, a.tags, \
         CASE WHEN pa.id IS NULL THEN NULL ELSE a.parent_id END AS parent_id, pa.name AS parent_name, a.notes, \
         a.owner_id, o.name AS owner_name, a.last_activity_at, a.created_at \
         FROM accounts a LEFT JOIN accounts pa ON pa.id = a.parent_id AND {} \
         LEFT JOIN people o ON o.id = a.owner_id",
        readable("pa", 1, 2)
    )
}

/// Tags as stored: trimmed, lower-case, unique, in the order given.
pub fn normalise_tags(tags: &str) -> String {
    let mut out: Vec<String> = Vec::new();
    for t in tags
        .split([',', '，'])
        .map(|t| t.trim().to_lowercase())
        .filter(|t| !t.is_empty())
    {
        if !out.contains(&t) {
            out.push(t);
        }
    }
    out.join(",")
}

impl Db {
    /// A page of accounts the actor may see, in `q.sort` order (name by default), and the
    /// cursor of the next page.
    pub async fn accounts(
        &self,
        actor: &Actor,
        q: &AccountQuery,
    ) -> Result<(Vec<Account>, Option<Cursor>)> {
        let sort = sort::find(sort::ACCOUNTS, &q.sort).ok_or(DbError::Conflict("invalid_sort"))?;
        let after = self
            .resolve_cursor("accounts", sort, q.after.clone())
            .await?;
        let all = self.reads_all(actor, Module::Accounts).await?;
        let (search, pattern) = search::condition(
            self.backend(),
            search::Target::Accounts,
            "a",
            3,
            q.search.as_deref(),
        );
        let (keyset, order) = sort::keyset(sort, "a", after.as_ref(), 6);
        let mut sql = format!(
            "SELECT {} WHERE {} AND {search}",
            columns(),
            readable("a", 1, 2)
        );
        sql.push_str(if q.owner.is_some() {
            " AND a.owner_id = $4"
        } else {
            " AND $4 IS NULL"
        });
        sql.push_str(if q.status.is_some() {
            " AND a.status = $5"
        } else {
            " AND $5 IS NULL"
        });
        if q.pool {
            sql.push_str(" AND a.owner_id IS NULL");
        }
        sql.push_str(&format!(" AND {keyset} ORDER BY {order} LIMIT $8"));
        let limit = q.limit.clamp(1, 500);
        let rows = with_pool!(self, p => {
            let query = sqlx::query_as::<_, Account>(sqlx::AssertSqlSafe(sql))
                .bind(actor.id)
                .bind(all)
                .bind(pattern)
                .bind(q.owner)
                .bind(&q.status);
            bind_cursor!(query, after.as_ref())
                .bind(i64::from(limit) + 1)
                .fetch_all(p)
                .await?
        });
        Ok(sort::page(rows, limit, |a| {
            let key = match sort.name {
                "created" => Key::Time(a.created_at),
                "last_activity" => Key::time(a.last_activity_at),
                _ => Key::text(&a.name),
            };
            (key, a.id)
        }))
    }

    /// One account, if the actor may see it; otherwise [`DbError::NotFound`], exactly as if it
    /// did not exist.
    pub async fn account(&self, actor: &Actor, id: Uuid) -> Result<Account> {
        let all = self.reads_all(actor, Module::Accounts).await?;
        let sql = format!(
            "SELECT {} WHERE {} AND a.id = $3",
            columns(),
            readable("a", 1, 2)
        );
        let row = with_pool!(self, p => {
            sqlx::query_as::<_, Account>(sqlx::AssertSqlSafe(sql))
                .bind(actor.id)
                .bind(all)
                .bind(id)
                .fetch_optional(p)
                .await?
        });
        row.ok_or(DbError::NotFound)
    }

    pub async fn create_account(&self, actor: &Actor, input: &AccountInput) -> Result<Uuid> {
        // Reps create accounts for themselves (or into the pool); managers for their line.
        if let Some(owner) = input.owner_id {
            self.check_writable(actor, Some(owner)).await?;
        }
        let id = new_id();
        let at = now();
        let mut tx = self.begin_write().await?;
        with_tx!(&mut tx, c => {
            sqlx::query(
                "INSERT INTO accounts (id, name, industry, size, region, status, tags, parent_id, \
                 notes, owner_id, owned_since, created_at, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, CASE WHEN $10 IS NULL THEN NULL ELSE $11 END, $11, $11)",
            )
            .bind(id)
            .bind(&input.name)
            .bind(&input.industry)
            .bind(input.size)
            .bind(&input.region)
            .bind(&input.status)
            .bind(normalise_tags(&input.tags))
            .bind(input.parent_id)
            .bind(&input.notes)
            .bind(input.owner_id)
            .bind(at)
            .execute(c)
            .await?;
        });
        let entry = audit::Entry {
            actor: Some(actor.id),
            action: "create",
            entity: "account",
            entity_id: Some(id),
            summary: input.name.clone(),
        };
        audit::record(&mut tx, entry, at).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Changes an account's fields (not its owner: that goes through the pool or reassignment).
    pub async fn update_account(
        &self,
        actor: &Actor,
        id: Uuid,
        input: &AccountInput,
    ) -> Result<()> {
        let before = self.account(actor, id).await?;
        self.check_writable(actor, before.owner_id).await?;
        if input.parent_id == Some(id) {
            return Err(DbError::Conflict("account_parent_cycle"));
        }
        let at = now();
        let mut tx = self.begin_write().await?;
        with_tx!(&mut tx, c => {
            sqlx::query(
                "UPDATE accounts SET name = $2, industry = $3, size = $4, region = $5, status = $6, \
                 tags = $7, parent_id = $8, notes = $9, updated_at = $10 WHERE id = $1",
            )
            .bind(id)
            .bind(&input.name)
            .bind(&input.industry)
            .bind(input.size)
            .bind(&input.region)
            .bind(&input.status)
            .bind(normalise_tags(&input.tags))
            .bind(input.parent_id)
            .bind(&input.notes)
            .bind(at)
            .execute(c)
            .await?;
        });
        let entry = audit::Entry {
            actor: Some(actor.id),
            action: "update",
            entity: "account",
            entity_id: Some(id),
            summary: format!(
                "{} ({}) -> {} ({})",
                before.name, before.status, input.name, input.status
            ),
        };
        audit::record(&mut tx, entry, at).await?;
        tx.commit().await
    }
}

#[cfg(test)]
mod tests {
    use super::normalise_tags;

    #[test]
    fn tags_are_trimmed_lowercased_and_unique() {
        assert_eq!(
            normalise_tags(" VIP, 制造业，vip ,, Key "),
            "vip,制造业,key"
        );
    }
}
