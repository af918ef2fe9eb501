//! First run: an empty database has no organisation until its first admin is created.

use crate::people::{NewPerson, PersonInput};
use crate::teams::TeamInput;
use crate::{Db, DbError, Result, audit, with_pool, with_tx};
use keel_domain::{ids::new_id, time::now};
use uuid::Uuid;

/// What the first-run form collects. The password arrives already hashed.
pub struct FirstAdmin {
    pub organisation: String,
    pub name: String,
    pub name_en: Option<String>,
    pub email: String,
    pub password_hash: String,
    pub locale: String,
    /// The organisation's time zone: its days, weeks, months and quarters.
    pub time_zone: keel_domain::time::Zone,
}

/// An organisation's structure to create with it (the demo).
#[derive(Default)]
pub struct Seed {
    pub departments: Vec<(Uuid, String)>,
    pub teams: Vec<(Uuid, TeamInput)>,
    pub people: Vec<NewPerson>,
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
        self.create_organisation(a, &Seed::default()).await
    }

    /// Like [`Db::create_first_admin`], adding departments, teams and people (the demo
    /// organisation) in the same transaction: it all exists afterwards, or none of it.
    pub async fn create_organisation(&self, a: &FirstAdmin, seed: &Seed) -> Result<Uuid> {
        let id = new_id();
        let at = now();
        let mut tx = self.begin_write().await?;
        with_tx!(&mut tx, c => {
            sqlx::query(
                "INSERT INTO organisation (id, name, default_locale, created_at, time_zone) \
                 VALUES (1, $1, $2, $3, $4)",
            )
            .bind(&a.organisation)
            .bind(&a.locale)
            .bind(at)
            .bind(a.time_zone.name())
            .execute(&mut *c)
            .await
            .map_err(|e| match crate::error::unique_violation(&e) {
                Some(_) => DbError::Conflict("organisation_exists"),
                None => DbError::Sqlx(e),
            })?;
        });
        let entry = audit::Entry {
            actor: Some(id),
            action: "create",
            entity: "organisation",
            entity_id: None,
            summary: format!(
                "organisation '{}' ({}) with first admin {}",
                a.organisation,
                a.time_zone.name(),
                a.email
            ),
        };
        let admin = NewPerson {
            id,
            input: PersonInput {
                name: a.name.clone(),
                name_en: a.name_en.clone(),
                email: Some(a.email.clone()),
                role: "admin".into(),
                is_hr: true,
                locale: Some(a.locale.clone()),
                ..Default::default()
            },
            password_hash: Some(a.password_hash.clone()),
        };
        crate::people::insert_all(&mut tx, Some(id), std::slice::from_ref(&admin), at).await?;
        audit::record(&mut tx, entry, at).await?;
        for (dept, name) in &seed.departments {
            crate::teams::insert_department(&mut tx, *dept, name, at).await?;
        }
        for (team, t) in &seed.teams {
            crate::teams::insert_team(&mut tx, *team, t, at).await?;
        }
        crate::people::insert_all(&mut tx, Some(id), &seed.people, at).await?;
        crate::deals::insert_default_pipeline(&mut tx, at).await?;
        tx.commit().await?;
        Ok(id)
    }
}
