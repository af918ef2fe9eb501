//! Contacts: the people at an account. A contact belongs to the account's owner, so it is
//! visible exactly where its account is.

use crate::search;
use crate::sort::{self, Cursor, Key, bind_cursor};
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
    pub created_at: DateTime<Utc>,
}

/// The contact list's filters.
#[derive(Debug, Clone, Default)]
pub struct ContactQuery {
    /// Matches name, title, e-mail, phone and the account's name.
    pub search: Option<String>,
    /// One of [`sort::CONTACTS`]; empty for the default (name).
    pub sort: String,
    pub after: Option<Cursor>,
    pub limit: u32,
}

impl Db {
    /// A page of the contacts the actor may see, and the cursor of the next page.
    pub async fn contacts(
        &self,
        actor: &Actor,
        q: &ContactQuery,
    ) -> Result<(Vec<ContactLine>, Option<Cursor>)> {
        let sort = sort::find(sort::CONTACTS, &q.sort).ok_or(DbError::Conflict("invalid_sort"))?;
        let after = self
            .resolve_cursor("contacts", sort, q.after.clone())
            .await?;
        let all = self.reads_all(actor, crate::crm::Module::Contacts).await?;
        let (search, pattern) = search::condition(
            self.backend(),
            search::Target::Contacts,
            "c",
            3,
            q.search.as_deref(),
        );
        let (keyset, order) = sort::keyset(sort, "c", after.as_ref(), 4);
        let sql = format!(
            "SELECT c.id, c.name, c.title, c.phone, c.email, c.account_id, a.name AS account_name, \
             o.name AS owner_name, c.created_at FROM contacts c JOIN people o ON o.id = c.owner_id \
             LEFT JOIN accounts a ON a.id = c.account_id WHERE {} AND {search} AND {keyset} \
             ORDER BY {order} LIMIT $6",
            crate::crm::readable("c", 1, 2)
        );
        let limit = q.limit.clamp(1, 500);
        let rows = with_pool!(self, p => {
            let query = sqlx::query_as::<_, ContactLine>(sqlx::AssertSqlSafe(sql))
                .bind(actor.id)
                .bind(all)
                .bind(pattern);
            bind_cursor!(query, after.as_ref())
                .bind(i64::from(limit) + 1)
                .fetch_all(p)
                .await?
        });
        Ok(sort::page(rows, limit, |c| {
            let key = match sort.name {
                "created" => Key::Time(c.created_at),
                _ => Key::text(&c.name),
            };
            (key, c.id)
        }))
    }
}
