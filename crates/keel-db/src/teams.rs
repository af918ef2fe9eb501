//! Teams and departments: how the organisation groups its people.

use crate::{Db, DbError, Result, Tx, audit, with_pool, with_tx};
use chrono::{DateTime, Utc};
use keel_domain::{ids::new_id, time::now};
use uuid::Uuid;

#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct Team {
    pub id: Uuid,
    pub name: String,
    pub department_id: Option<Uuid>,
    pub department_name: Option<String>,
    pub lead_id: Option<Uuid>,
    pub lead_name: Option<String>,
    /// Active people in the team.
    pub members: i64,
}

#[derive(Debug, Clone, Default)]
pub struct TeamInput {
    pub name: String,
    pub department_id: Option<Uuid>,
    pub lead_id: Option<Uuid>,
}

#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct Department {
    pub id: Uuid,
    pub name: String,
}

impl Db {
    pub async fn teams(&self) -> Result<Vec<Team>> {
        Ok(with_pool!(self, p => {
            sqlx::query_as::<_, Team>(
                "SELECT t.id, t.name, t.department_id, d.name AS department_name, t.lead_id, \
                 l.name AS lead_name, \
                 (SELECT COUNT(*) FROM people m WHERE m.team_id = t.id AND m.active) AS members \
                 FROM teams t LEFT JOIN departments d ON d.id = t.department_id \
                 LEFT JOIN people l ON l.id = t.lead_id ORDER BY t.name",
            )
            .fetch_all(p)
            .await?
        }))
    }

    pub async fn departments(&self) -> Result<Vec<Department>> {
        Ok(with_pool!(self, p => {
            sqlx::query_as::<_, Department>("SELECT id, name FROM departments ORDER BY name")
                .fetch_all(p)
                .await?
        }))
    }

    pub async fn create_team(&self, actor: Uuid, t: &TeamInput) -> Result<Uuid> {
        let id = new_id();
        let at = now();
        let mut tx = self.begin_write().await?;
        check(&mut tx, t).await?;
        insert_team(&mut tx, id, t, at).await?;
        let entry = audit::Entry {
            actor: Some(actor),
            action: "create",
            entity: "team",
            entity_id: Some(id),
            summary: t.name.clone(),
        };
        audit::record(&mut tx, entry, at).await?;
        tx.commit().await?;
        Ok(id)
    }

    pub async fn update_team(&self, actor: Uuid, id: Uuid, t: &TeamInput) -> Result<()> {
        let at = now();
        let mut tx = self.begin_write().await?;
        check(&mut tx, t).await?;
        let old: Option<String> = with_tx!(&mut tx, c => {
            sqlx::query_scalar("SELECT name FROM teams WHERE id = $1").bind(id).fetch_optional(c).await?
        });
        let old = old.ok_or(DbError::NotFound)?;
        with_tx!(&mut tx, c => {
            sqlx::query("UPDATE teams SET name = $2, department_id = $3, lead_id = $4 WHERE id = $1")
                .bind(id)
                .bind(&t.name)
                .bind(t.department_id)
                .bind(t.lead_id)
                .execute(c)
                .await
                .map_err(name_conflict)?;
        });
        let entry = audit::Entry {
            actor: Some(actor),
            action: "update",
            entity: "team",
            entity_id: Some(id),
            summary: format!("{old} -> {}", t.name),
        };
        audit::record(&mut tx, entry, at).await?;
        tx.commit().await
    }

    pub async fn create_department(&self, actor: Uuid, name: &str) -> Result<Uuid> {
        let id = new_id();
        let at = now();
        let mut tx = self.begin_write().await?;
        insert_department(&mut tx, id, name, at).await?;
        let entry = audit::Entry {
            actor: Some(actor),
            action: "create",
            entity: "department",
            entity_id: Some(id),
            summary: name.to_owned(),
        };
        audit::record(&mut tx, entry, at).await?;
        tx.commit().await?;
        Ok(id)
    }
}

fn name_conflict(e: sqlx::Error) -> DbError {
    match crate::error::unique_violation(&e) {
        Some(_) => DbError::Conflict("name_taken"),
        None => DbError::from(e),
    }
}

async fn check(tx: &mut Tx, t: &TeamInput) -> Result<()> {
    if let Some(d) = t.department_id {
        let n: i64 = with_tx!(&mut *tx, c => {
            sqlx::query_scalar("SELECT COUNT(*) FROM departments WHERE id = $1").bind(d).fetch_one(c).await?
        });
        if n == 0 {
            return Err(DbError::Conflict("unknown_department"));
        }
    }
    if let Some(l) = t.lead_id {
        let n: i64 = with_tx!(&mut *tx, c => {
            sqlx::query_scalar("SELECT COUNT(*) FROM people WHERE id = $1").bind(l).fetch_one(c).await?
        });
        if n == 0 {
            return Err(DbError::Conflict("unknown_manager"));
        }
    }
    Ok(())
}

pub(crate) async fn insert_team(
    tx: &mut Tx,
    id: Uuid,
    t: &TeamInput,
    at: DateTime<Utc>,
) -> Result<()> {
    with_tx!(tx, c => {
        sqlx::query(
            "INSERT INTO teams (id, name, department_id, lead_id, created_at) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(id)
        .bind(&t.name)
        .bind(t.department_id)
        .bind(t.lead_id)
        .bind(at)
        .execute(c)
        .await
        .map_err(name_conflict)?;
    });
    Ok(())
}

pub(crate) async fn insert_department(
    tx: &mut Tx,
    id: Uuid,
    name: &str,
    at: DateTime<Utc>,
) -> Result<()> {
    with_tx!(tx, c => {
        sqlx::query("INSERT INTO departments (id, name, created_at) VALUES ($1, $2, $3)")
            .bind(id)
            .bind(name)
            .bind(at)
            .execute(c)
            .await
            .map_err(name_conflict)?;
    });
    Ok(())
}
