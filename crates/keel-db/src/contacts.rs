//! Contacts: the people at an account. A contact belongs to the account's owner, so it is
//! visible exactly where its account is.

use crate::visibility::Actor;
use crate::{Db, DbError, Result, audit, with_pool, with_tx};
use chrono::{DateTime, Utc};
use keel_domain::{ids::new_id, time::now};
use uuid::Uuid;

#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct Contact {
    pub id: Uuid,
    pub account_id: Option<Uuid>,
    pub name: String,
    pub title: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub notes: Option<String>,
    pub owner_id: Uuid,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Default)]
pub struct ContactInput {
    pub name: String,
    pub title: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub notes: Option<String>,
}

impl Db {
    /// The contacts of an account the actor may see.
    /// Contacts follow their own module's visibility, so an admin can share the account list
    /// while keeping phone numbers private.
    pub async fn contacts_of(&self, actor: &Actor, account: Uuid) -> Result<Vec<Contact>> {
        self.account(actor, account).await?;
        let all = self.reads_all(actor, crate::crm::Module::Contacts).await?;
        let sql = format!(
            "SELECT c.id, c.account_id, c.name, c.title, c.phone, c.email, c.notes, c.owner_id, c.created_at \
             FROM contacts c WHERE {} AND c.account_id = $3 ORDER BY c.name, c.id",
            crate::crm::readable("c", 1, 2)
        );
        Ok(with_pool!(self, p => {
            sqlx::query_as::<_, Contact>(sqlx::AssertSqlSafe(sql))
                .bind(actor.id)
                .bind(all)
                .bind(account)
                .fetch_all(p)
                .await?
        }))
    }

    /// Adds a contact to an account the actor may change; it belongs to the account's owner.
    pub async fn add_contact(
        &self,
        actor: &Actor,
        account: Uuid,
        input: &ContactInput,
    ) -> Result<Uuid> {
        let acc = self.account(actor, account).await?;
        let owner = acc.owner_id.ok_or(DbError::Forbidden)?;
        self.check_writable(actor, Some(owner)).await?;
        let id = new_id();
        let at = now();
        let mut tx = self.begin_write().await?;
        with_tx!(&mut tx, c => {
            sqlx::query(
                "INSERT INTO contacts (id, account_id, name, title, phone, email, notes, owner_id, created_at, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9)",
            )
            .bind(id)
            .bind(account)
            .bind(&input.name)
            .bind(&input.title)
            .bind(&input.phone)
            .bind(&input.email)
            .bind(&input.notes)
            .bind(owner)
            .bind(at)
            .execute(c)
            .await?;
        });
        let entry = audit::Entry {
            actor: Some(actor.id),
            action: "create",
            entity: "contact",
            entity_id: Some(id),
            summary: format!("{} @ {}", input.name, acc.name),
        };
        audit::record(&mut tx, entry, at).await?;
        tx.commit().await?;
        Ok(id)
    }
}

/// A contact with its account's name, for the contact list.
#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct ContactLine {
    pub id: Uuid,
    pub name: String,
    pub title: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub account_id: Option<Uuid>,
    pub account_name: Option<String>,
    pub owner_name: String,
}

impl Db {
    /// A page of the contacts the actor may see, by name; `search` matches name, phone, e-mail,
    /// title and account name.
    pub async fn contacts(
        &self,
        actor: &Actor,
        search: Option<&str>,
        after: Option<Uuid>,
        limit: u32,
    ) -> Result<(Vec<ContactLine>, bool)> {
        let all = self.reads_all(actor, crate::crm::Module::Contacts).await?;
        let mut sql = format!(
            "SELECT c.id, c.name, c.title, c.phone, c.email, c.account_id, a.name AS account_name, \
             o.name AS owner_name FROM contacts c JOIN people o ON o.id = c.owner_id \
             LEFT JOIN accounts a ON a.id = c.account_id WHERE {}",
            crate::crm::readable("c", 1, 2)
        );
        sql.push_str(if search.is_some_and(|s| !s.trim().is_empty()) {
            " AND (LOWER(c.name) LIKE $3 ESCAPE '\\' OR COALESCE(c.phone, '') LIKE $3 ESCAPE '\\' \
             OR LOWER(COALESCE(c.email, '')) LIKE $3 ESCAPE '\\' OR LOWER(COALESCE(c.title, '')) LIKE $3 ESCAPE '\\' \
             OR LOWER(COALESCE(a.name, '')) LIKE $3 ESCAPE '\\')"
        } else {
            " AND $3 = $3"
        });
        sql.push_str(if after.is_some() {
            " AND (c.name > (SELECT name FROM contacts WHERE id = $4) \
             OR (c.name = (SELECT name FROM contacts WHERE id = $4) AND c.id > $4))"
        } else {
            " AND $4 IS NULL"
        });
        sql.push_str(" ORDER BY c.name, c.id LIMIT $5");
        let limit = limit.clamp(1, 500);
        let rows = with_pool!(self, p => {
            sqlx::query_as::<_, ContactLine>(sqlx::AssertSqlSafe(sql))
                .bind(actor.id)
                .bind(all)
                .bind(crate::people::like_pattern(search.unwrap_or("")))
                .bind(after)
                .bind(i64::from(limit) + 1)
                .fetch_all(p)
                .await?
        });
        Ok(crate::one_page(rows, limit))
    }
}
