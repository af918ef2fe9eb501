//! First run: an empty database has no organisation until its first admin is created.

use crate::people::NewPerson;
use crate::{Db, DbError, Result, audit, with_pool, with_tx};
use keel_domain::{ids::new_id, time::now};
use uuid::Uuid;

/// What the first-run form collects. The password arrives already hashed.
pub struct FirstAdmin {
    pub organisation: String,
    pub name: String,
    pub email: String,
    pub password_hash: String,
    pub locale: String,
}

impl Db {
    /// True while the database has no organisation yet.
    pub async fn is_first_run(&self) -> Result<bool> {
        let n: i64 = with_pool!(self, p => {
            sqlx::query_scalar("SELECT COUNT(*) FROM organisation").fetch_one(p).await?
        });
        Ok(n == 0)
    }

    /// The organisation's name, once it exists.
    pub async fn organisation_name(&self) -> Result<Option<String>> {
        Ok(with_pool!(self, p => {
            sqlx::query_scalar("SELECT name FROM organisation WHERE id = 1")
                .fetch_optional(p)
                .await?
        }))
    }

    /// Creates the organisation and its first admin in one transaction. Fails with
    /// [`DbError::Conflict`] when another request (on any server) got there first.
    pub async fn create_first_admin(&self, a: &FirstAdmin) -> Result<Uuid> {
        self.create_organisation(a, &[], &[]).await
    }

    /// Like [`Db::create_first_admin`], adding departments and people (the demo organisation)
    /// in the same transaction: it all exists afterwards, or none of it.
    pub async fn create_organisation(
        &self,
        a: &FirstAdmin,
        departments: &[(Uuid, String)],
        people: &[NewPerson],
    ) -> Result<Uuid> {
        let id = new_id();
        let at = now();
        let mut tx = self.begin_write().await?;
        with_tx!(&mut tx, c => {
            sqlx::query(
                "INSERT INTO organisation (id, name, default_locale, created_at) \
                 VALUES (1, $1, $2, $3)",
            )
            .bind(&a.organisation)
            .bind(&a.locale)
            .bind(at)
            .execute(&mut *c)
            .await
            .map_err(|e| match crate::error::unique_violation(&e) {
                Some(_) => DbError::Conflict("organisation_exists"),
                None => DbError::Sqlx(e),
            })?;
            sqlx::query(
                "INSERT INTO people (id, name, email, role, is_hr, active, locale, \
                 password_hash, created_at, updated_at) \
                 VALUES ($1, $2, $3, 'admin', TRUE, TRUE, $4, $5, $6, $6)",
            )
            .bind(id)
            .bind(&a.name)
            .bind(a.email.trim().to_lowercase())
            .bind(&a.locale)
            .bind(&a.password_hash)
            .bind(at)
            .execute(&mut *c)
            .await?;
        });
        let entry = audit::Entry {
            actor: Some(id),
            action: "create",
            entity: "organisation",
            entity_id: None,
            summary: format!(
                "organisation '{}' with first admin {}",
                a.organisation, a.email
            ),
        };
        audit::record(&mut tx, entry, at).await?;
        crate::people::insert_all(&mut tx, Some(id), departments, people, at).await?;
        tx.commit().await?;
        Ok(id)
    }
}
