//! People: the organisation's members, who log in and own records.

use crate::{Db, Result, with_pool};
use uuid::Uuid;

/// What login needs to know about a person.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Credentials {
    pub id: Uuid,
    pub active: bool,
    pub password_hash: Option<String>,
}

impl Db {
    /// The login credentials for `email` (case-insensitive), if such a person exists.
    pub async fn credentials(&self, email: &str) -> Result<Option<Credentials>> {
        Ok(with_pool!(self, p => {
            sqlx::query_as::<_, Credentials>(
                "SELECT id, active, password_hash FROM people WHERE email = $1",
            )
            .bind(email.trim().to_lowercase())
            .fetch_optional(p)
            .await?
        }))
    }

    pub async fn set_locale(&self, person: Uuid, locale: &str) -> Result<()> {
        with_pool!(self, p => {
            sqlx::query("UPDATE people SET locale = $2, updated_at = $3 WHERE id = $1")
                .bind(person)
                .bind(locale)
                .bind(keel_domain::time::now())
                .execute(p)
                .await?;
        });
        Ok(())
    }
}

/// A person to add. `manager` must already exist or come earlier in the same batch.
pub struct NewPerson {
    pub id: Uuid,
    pub name: String,
    pub name_en: Option<String>,
    pub email: Option<String>,
    pub title: Option<String>,
    pub department_id: Option<Uuid>,
    pub manager_id: Option<Uuid>,
    pub role: &'static str,
    pub is_hr: bool,
    pub locale: Option<String>,
    pub hire_date: Option<chrono::NaiveDate>,
    pub password_hash: Option<String>,
}

/// Inserts departments (id, name) and people inside `tx`, with one audit entry each.
pub(crate) async fn insert_all(
    tx: &mut crate::Tx,
    actor: Option<Uuid>,
    departments: &[(Uuid, String)],
    people: &[NewPerson],
    at: chrono::DateTime<chrono::Utc>,
) -> Result<()> {
    for (id, name) in departments {
        crate::with_tx!(&mut *tx, c => {
            sqlx::query("INSERT INTO departments (id, name, created_at) VALUES ($1, $2, $3)")
                .bind(id)
                .bind(name)
                .bind(at)
                .execute(c)
                .await?;
        });
    }
    for p in people {
        crate::with_tx!(&mut *tx, c => {
            sqlx::query(
                "INSERT INTO people (id, name, name_en, email, title, department_id, \
                 manager_id, role, is_hr, active, locale, hire_date, password_hash, \
                 created_at, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, TRUE, $10, $11, $12, $13, $13)",
            )
            .bind(p.id)
            .bind(&p.name)
            .bind(&p.name_en)
            .bind(p.email.as_ref().map(|e| e.trim().to_lowercase()))
            .bind(&p.title)
            .bind(p.department_id)
            .bind(p.manager_id)
            .bind(p.role)
            .bind(p.is_hr)
            .bind(&p.locale)
            .bind(p.hire_date)
            .bind(&p.password_hash)
            .bind(at)
            .execute(c)
            .await
            .map_err(|e| match crate::error::unique_violation(&e) {
                Some(_) => crate::DbError::Conflict("email_taken"),
                None => crate::DbError::Sqlx(e),
            })?;
        });
        let entry = crate::audit::Entry {
            actor,
            action: "create",
            entity: "person",
            entity_id: Some(p.id),
            summary: format!("{} ({})", p.name, p.role),
        };
        crate::audit::record(tx, entry, at).await?;
    }
    Ok(())
}
