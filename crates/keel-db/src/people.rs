//! People: the organisation's members, who log in and own records. The directory is public
//! inside the organisation; private details (hire date) follow the visibility rule.

use crate::visibility::{Actor, line_sql};
use crate::{Db, DbError, Result, Tx, audit, with_pool, with_tx};
use chrono::{DateTime, NaiveDate, Utc};
use keel_domain::people::sort_key;
use keel_domain::roles::Role;
use keel_domain::time::now;
use uuid::Uuid;

/// What login needs to know about a person.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Credentials {
    pub id: Uuid,
    pub active: bool,
    pub password_hash: Option<String>,
}

/// A person as the directory shows them, with the names of their team, department and manager.
#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct Person {
    pub id: Uuid,
    pub name: String,
    pub name_en: Option<String>,
    pub email: Option<String>,
    pub title: Option<String>,
    pub team_id: Option<Uuid>,
    pub team_name: Option<String>,
    pub department_id: Option<Uuid>,
    pub department_name: Option<String>,
    pub manager_id: Option<Uuid>,
    pub manager_name: Option<String>,
    pub role: String,
    pub is_hr: bool,
    pub active: bool,
    pub locale: Option<String>,
    /// Private: `None` unless the asking person may see it.
    pub hire_date: Option<NaiveDate>,
    pub created_at: DateTime<Utc>,
}

/// The editable fields of a person.
#[derive(Debug, Clone, Default)]
pub struct PersonInput {
    pub name: String,
    pub name_en: Option<String>,
    pub email: Option<String>,
    pub title: Option<String>,
    pub team_id: Option<Uuid>,
    pub department_id: Option<Uuid>,
    pub manager_id: Option<Uuid>,
    pub role: String,
    pub is_hr: bool,
    pub locale: Option<String>,
    pub hire_date: Option<NaiveDate>,
}

/// Filters for the directory.
#[derive(Debug, Clone, Default)]
pub struct PeopleQuery {
    /// Matches name, English name, e-mail or title, anywhere, ignoring case.
    pub search: Option<String>,
    pub team_id: Option<Uuid>,
    pub include_inactive: bool,
    /// Continue after this person (keyset pagination on directory order).
    pub after: Option<Uuid>,
    pub limit: u32,
}

/// A person to add in bulk (first run and the demo). `manager_id` must already exist or come
/// earlier in the same batch.
pub struct NewPerson {
    pub id: Uuid,
    pub input: PersonInput,
    pub password_hash: Option<String>,
}

const PERSON_COLUMNS: &str = "p.id, p.name, p.name_en, p.email, p.title, p.team_id, \
    t.name AS team_name, p.department_id, d.name AS department_name, p.manager_id, \
    m.name AS manager_name, p.role, p.is_hr, p.active, p.locale, p.created_at";
const PERSON_JOINS: &str = "FROM people p LEFT JOIN teams t ON t.id = p.team_id \
    LEFT JOIN departments d ON d.id = p.department_id LEFT JOIN people m ON m.id = p.manager_id";

/// The hire-date column, shown only where the actor (`$1`, sees-all flag `$2`) may see it.
fn private_hire_date() -> String {
    format!(
        "CASE WHEN $2 OR p.id IN {} THEN p.hire_date END AS hire_date",
        line_sql(1)
    )
}

/// `%text%` for LIKE with the wildcard characters in `text` escaped.
pub(crate) fn like_pattern(text: &str) -> String {
    let escaped = text
        .trim()
        .to_lowercase()
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    format!("%{escaped}%")
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

    /// A person's password hash, for checking their current password before a change.
    pub async fn password_hash(&self, id: Uuid) -> Result<Option<String>> {
        let h: Option<Option<String>> = with_pool!(self, p => {
            sqlx::query_scalar("SELECT password_hash FROM people WHERE id = $1")
                .bind(id)
                .fetch_optional(p)
                .await?
        });
        Ok(h.flatten())
    }

    /// One person as `actor` may see them; [`DbError::NotFound`] if there is no such person.
    pub async fn person(&self, actor: &Actor, id: Uuid) -> Result<Person> {
        // Deactivated people are gone for everyone but admins, exactly like unknown ids.
        let sql = format!(
            "SELECT {PERSON_COLUMNS}, {} {PERSON_JOINS} WHERE p.id = $3 AND (p.active OR $4)",
            private_hire_date()
        );
        let sees_all = actor.sees_everything() || actor.is_hr;
        let found = with_pool!(self, p => {
            sqlx::query_as::<_, Person>(sqlx::AssertSqlSafe(sql))
                .bind(actor.id)
                .bind(sees_all)
                .bind(id)
                .bind(actor.role == Role::Admin)
                .fetch_optional(p)
                .await?
        });
        found.ok_or(DbError::NotFound)
    }

    /// A page of the directory in name order, and whether more follow.
    pub async fn people(&self, actor: &Actor, q: &PeopleQuery) -> Result<(Vec<Person>, bool)> {
        let mut sql = format!(
            "SELECT {PERSON_COLUMNS}, {} {PERSON_JOINS} WHERE 1 = 1",
            private_hire_date()
        );
        // Only admins may ask for deactivated people.
        if !(q.include_inactive && actor.role == Role::Admin) {
            sql.push_str(" AND p.active");
        }
        if q.search.as_deref().is_some_and(|s| !s.trim().is_empty()) {
            sql.push_str(
                " AND (LOWER(p.name) LIKE $3 ESCAPE '\\' OR LOWER(COALESCE(p.name_en, '')) LIKE $3 ESCAPE '\\' \
                 OR LOWER(COALESCE(p.email, '')) LIKE $3 ESCAPE '\\' OR LOWER(COALESCE(p.title, '')) LIKE $3 ESCAPE '\\')",
            );
        } else {
            sql.push_str(" AND $3 = $3");
        }
        sql.push_str(if q.team_id.is_some() {
            " AND p.team_id = $4"
        } else {
            " AND $4 IS NULL"
        });
        if q.after.is_some() {
            sql.push_str(
                " AND (p.sort_key > (SELECT sort_key FROM people WHERE id = $5) \
                 OR (p.sort_key = (SELECT sort_key FROM people WHERE id = $5) AND p.id > $5))",
            );
        } else {
            sql.push_str(" AND $5 IS NULL");
        }
        sql.push_str(" ORDER BY p.sort_key, p.id LIMIT $6");
        let limit = q.limit.clamp(1, 500);
        let pattern = like_pattern(q.search.as_deref().unwrap_or(""));
        let sees_all = actor.sees_everything() || actor.is_hr;
        let rows = with_pool!(self, p => {
            sqlx::query_as::<_, Person>(sqlx::AssertSqlSafe(sql))
                .bind(actor.id)
                .bind(sees_all)
                .bind(pattern)
                .bind(q.team_id)
                .bind(q.after)
                .bind(i64::from(limit) + 1)
                .fetch_all(p)
                .await?
        });
        Ok(crate::one_page(rows, limit))
    }

    /// Every active person, for the org chart and pickers (small: one organisation).
    pub async fn everyone(&self, actor: &Actor) -> Result<Vec<Person>> {
        let q = PeopleQuery {
            limit: 500,
            ..Default::default()
        };
        let mut all = Vec::new();
        let mut after = None;
        loop {
            let (page, more) = self
                .people(actor, &PeopleQuery { after, ..q.clone() })
                .await?;
            after = page.last().map(|p| p.id);
            all.extend(page);
            if !more {
                return Ok(all);
            }
        }
    }

    /// Adds a person; returns the new id.
    pub async fn create_person(
        &self,
        actor: Uuid,
        input: &PersonInput,
        password_hash: Option<&str>,
    ) -> Result<Uuid> {
        let id = keel_domain::ids::new_id();
        let at = now();
        let mut tx = self.begin_write().await?;
        check_references(&mut tx, input).await?;
        insert_person(&mut tx, id, input, password_hash, at).await?;
        let entry = audit::Entry {
            actor: Some(actor),
            action: "create",
            entity: "person",
            entity_id: Some(id),
            summary: describe(input),
        };
        audit::record(&mut tx, entry, at).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Changes a person's fields and, with `active`, deactivates or reactivates them, in one
    /// transaction. Refuses a manager that would put the person below themselves
    /// (`reporting_cycle`) and any change that leaves the organisation without an active admin
    /// (`last_admin`).
    pub async fn update_person(
        &self,
        actor: Uuid,
        id: Uuid,
        input: &PersonInput,
        active: Option<bool>,
    ) -> Result<()> {
        let at = now();
        let mut tx = self.begin_write().await?;
        lock_people(&mut tx).await?;
        let (before, was_active) = load_input(&mut tx, id).await?;
        check_references(&mut tx, input).await?;
        if let Some(m) = input.manager_id
            && would_cycle(&mut tx, id, m).await?
        {
            return Err(DbError::Conflict("reporting_cycle"));
        }
        with_tx!(&mut tx, c => {
            sqlx::query(
                "UPDATE people SET name = $2, name_en = $3, email = $4, title = $5, team_id = $6, \
                 department_id = $7, manager_id = $8, role = $9, is_hr = $10, locale = $11, \
                 hire_date = $12, sort_key = $13, updated_at = $14 WHERE id = $1",
            )
            .bind(id)
            .bind(&input.name)
            .bind(&input.name_en)
            .bind(input.email.as_ref().map(|e| e.trim().to_lowercase()))
            .bind(&input.title)
            .bind(input.team_id)
            .bind(input.department_id)
            .bind(input.manager_id)
            .bind(&input.role)
            .bind(input.is_hr)
            .bind(&input.locale)
            .bind(input.hire_date)
            .bind(sort_key(&input.name, input.name_en.as_deref()))
            .bind(at)
            .execute(c)
            .await
            .map_err(email_conflict)?;
        });
        let changes = diff(&before, input);
        if !changes.is_empty() {
            let entry = audit::Entry {
                actor: Some(actor),
                action: "update",
                entity: "person",
                entity_id: Some(id),
                summary: format!("{}: {changes}", input.name),
            };
            audit::record(&mut tx, entry, at).await?;
        }
        if let Some(active) = active.filter(|a| *a != was_active) {
            set_active_in(&mut tx, actor, id, &input.name, active, at).await?;
        }
        ensure_an_admin(&mut tx).await?;
        tx.commit().await
    }

    /// Deactivates or reactivates a person. Deactivation ends their sessions and revokes their
    /// API tokens at once; their records and reports stay as they are.
    pub async fn set_active(&self, actor: Uuid, id: Uuid, active: bool) -> Result<()> {
        let at = now();
        let mut tx = self.begin_write().await?;
        lock_people(&mut tx).await?;
        let (before, was_active) = load_input(&mut tx, id).await?;
        if was_active != active {
            set_active_in(&mut tx, actor, id, &before.name, active, at).await?;
        }
        ensure_an_admin(&mut tx).await?;
        tx.commit().await
    }

    /// Sets a person's password hash. Every session of theirs except `keep_session` ends, so
    /// a reset locks out whoever knew the old password.
    pub async fn set_password(
        &self,
        actor: Uuid,
        id: Uuid,
        hash: &str,
        keep_session: Option<&[u8]>,
    ) -> Result<()> {
        let at = now();
        let mut tx = self.begin_write().await?;
        let (before, _) = load_input(&mut tx, id).await?;
        with_tx!(&mut tx, c => {
            sqlx::query("UPDATE people SET password_hash = $2, updated_at = $3 WHERE id = $1")
                .bind(id)
                .bind(hash)
                .bind(at)
                .execute(&mut *c)
                .await?;
            sqlx::query("DELETE FROM sessions WHERE person_id = $1 AND token_hash <> $2")
                .bind(id)
                .bind(keep_session.unwrap_or(&[]))
                .execute(&mut *c)
                .await?;
            // Whoever knew the old password may have made tokens with it.
            sqlx::query("UPDATE api_tokens SET revoked_at = $2 WHERE person_id = $1 AND revoked_at IS NULL")
                .bind(id)
                .bind(at)
                .execute(&mut *c)
                .await?;
        });
        let entry = audit::Entry {
            actor: Some(actor),
            action: if actor == id {
                "change_password"
            } else {
                "reset_password"
            },
            entity: "person",
            entity_id: Some(id),
            summary: before.name,
        };
        audit::record(&mut tx, entry, at).await?;
        tx.commit().await
    }

    /// A person's own language choice.
    pub async fn set_locale(&self, person: Uuid, locale: &str) -> Result<()> {
        let at = now();
        let mut tx = self.begin_write().await?;
        with_tx!(&mut tx, c => {
            sqlx::query("UPDATE people SET locale = $2, updated_at = $3 WHERE id = $1")
                .bind(person)
                .bind(locale)
                .bind(at)
                .execute(c)
                .await?;
        });
        let entry = audit::Entry {
            actor: Some(person),
            action: "update",
            entity: "person",
            entity_id: Some(person),
            summary: format!("locale: {locale}"),
        };
        audit::record(&mut tx, entry, at).await?;
        tx.commit().await
    }
}

/// Serialises changes to the reporting tree across servers: on PostgreSQL two concurrent moves
/// could each pass the cycle check at READ COMMITTED. SQLite's `BEGIN IMMEDIATE` already
/// admits one writer at a time.
pub(crate) async fn lock_people(tx: &mut Tx) -> Result<()> {
    if let Tx::Postgres(t) = tx {
        sqlx::query("SELECT pg_advisory_xact_lock(4711)")
            .execute(&mut **t)
            .await?;
    }
    Ok(())
}

async fn set_active_in(
    tx: &mut Tx,
    actor: Uuid,
    id: Uuid,
    name: &str,
    active: bool,
    at: DateTime<Utc>,
) -> Result<()> {
    with_tx!(&mut *tx, c => {
        sqlx::query("UPDATE people SET active = $2, updated_at = $3 WHERE id = $1")
            .bind(id)
            .bind(active)
            .bind(at)
            .execute(&mut *c)
            .await?;
        if !active {
            sqlx::query("DELETE FROM sessions WHERE person_id = $1").bind(id).execute(&mut *c).await?;
            sqlx::query("UPDATE api_tokens SET revoked_at = $2 WHERE person_id = $1 AND revoked_at IS NULL")
                .bind(id)
                .bind(at)
                .execute(&mut *c)
                .await?;
        }
    });
    let entry = audit::Entry {
        actor: Some(actor),
        action: if active { "reactivate" } else { "deactivate" },
        entity: "person",
        entity_id: Some(id),
        summary: name.to_owned(),
    };
    audit::record(tx, entry, at).await
}

/// Refuses (rolling back the transaction) a state with no active admin left.
pub(crate) async fn ensure_an_admin(tx: &mut Tx) -> Result<()> {
    let n: i64 = with_tx!(tx, c => {
        sqlx::query_scalar("SELECT COUNT(*) FROM people WHERE role = 'admin' AND active").fetch_one(c).await?
    });
    if n == 0 {
        return Err(DbError::Conflict("last_admin"));
    }
    Ok(())
}

/// The fields that differ, as `field: old -> new`, for the audit log.
fn diff(a: &PersonInput, b: &PersonInput) -> String {
    fn show<T: std::fmt::Display>(v: &Option<T>) -> String {
        v.as_ref().map_or("-".into(), |v| v.to_string())
    }
    let pairs = [
        ("name", a.name.clone(), b.name.clone()),
        ("name_en", show(&a.name_en), show(&b.name_en)),
        (
            "email",
            show(&a.email),
            show(&b.email.as_ref().map(|e| e.trim().to_lowercase())),
        ),
        ("title", show(&a.title), show(&b.title)),
        ("team", show(&a.team_id), show(&b.team_id)),
        ("department", show(&a.department_id), show(&b.department_id)),
        ("manager", show(&a.manager_id), show(&b.manager_id)),
        ("role", a.role.clone(), b.role.clone()),
        ("hr", a.is_hr.to_string(), b.is_hr.to_string()),
        ("locale", show(&a.locale), show(&b.locale)),
        ("hire_date", show(&a.hire_date), show(&b.hire_date)),
    ];
    pairs
        .iter()
        .filter(|(_, x, y)| x != y)
        .map(|(f, x, y)| format!("{f}: {x} -> {y}"))
        .collect::<Vec<_>>()
        .join("; ")
}

fn describe(p: &PersonInput) -> String {
    format!(
        "{} <{}> role={}{} title={}",
        p.name,
        p.email.as_deref().unwrap_or("-"),
        p.role,
        if p.is_hr { "+hr" } else { "" },
        p.title.as_deref().unwrap_or("-")
    )
}

fn email_conflict(e: sqlx::Error) -> DbError {
    match crate::error::unique_violation(&e) {
        Some(_) => DbError::Conflict("email_taken"),
        None => DbError::Sqlx(e),
    }
}

async fn load_input(tx: &mut Tx, id: Uuid) -> Result<(PersonInput, bool)> {
    #[derive(sqlx::FromRow)]
    struct Row {
        name: String,
        name_en: Option<String>,
        email: Option<String>,
        title: Option<String>,
        team_id: Option<Uuid>,
        department_id: Option<Uuid>,
        manager_id: Option<Uuid>,
        role: String,
        is_hr: bool,
        locale: Option<String>,
        hire_date: Option<NaiveDate>,
        active: bool,
    }
    let row: Option<Row> = with_tx!(tx, c => {
        sqlx::query_as(
            "SELECT name, name_en, email, title, team_id, department_id, manager_id, role, is_hr, \
             locale, hire_date, active FROM people WHERE id = $1",
        )
        .bind(id)
        .fetch_optional(c)
        .await?
    });
    let r = row.ok_or(DbError::NotFound)?;
    let input = PersonInput {
        name: r.name,
        name_en: r.name_en,
        email: r.email,
        title: r.title,
        team_id: r.team_id,
        department_id: r.department_id,
        manager_id: r.manager_id,
        role: r.role,
        is_hr: r.is_hr,
        locale: r.locale,
        hire_date: r.hire_date,
    };
    Ok((input, r.active))
}

/// Refuses ids of teams, departments or managers that do not exist, with the field's name.
async fn check_references(tx: &mut Tx, input: &PersonInput) -> Result<()> {
    let checks: [(&str, Option<Uuid>, &'static str); 3] = [
        (
            "SELECT COUNT(*) FROM teams WHERE id = $1",
            input.team_id,
            "unknown_team",
        ),
        (
            "SELECT COUNT(*) FROM departments WHERE id = $1",
            input.department_id,
            "unknown_department",
        ),
        (
            "SELECT COUNT(*) FROM people WHERE id = $1",
            input.manager_id,
            "unknown_manager",
        ),
    ];
    for (sql, id, code) in checks {
        let Some(id) = id else { continue };
        let n: i64 = with_tx!(&mut *tx, c => {
            sqlx::query_scalar(sql).bind(id).fetch_one(c).await?
        });
        if n == 0 {
            return Err(DbError::Conflict(code));
        }
    }
    Ok(())
}

/// True when making `manager` the manager of `person` would close a loop: `manager` is
/// `person` or somewhere below them.
pub(crate) async fn would_cycle(tx: &mut Tx, person: Uuid, manager: Uuid) -> Result<bool> {
    let sql = format!("SELECT COUNT(*) FROM {} AS l WHERE l.id = $2", line_sql(1));
    let n: i64 = with_tx!(tx, c => {
        sqlx::query_scalar(sqlx::AssertSqlSafe(sql)).bind(person).bind(manager).fetch_one(c).await?
    });
    Ok(n > 0)
}

pub(crate) async fn insert_person(
    tx: &mut Tx,
    id: Uuid,
    p: &PersonInput,
    password_hash: Option<&str>,
    at: DateTime<Utc>,
) -> Result<()> {
    with_tx!(tx, c => {
        sqlx::query(
            "INSERT INTO people (id, name, name_en, email, sort_key, title, team_id, department_id, \
             manager_id, role, is_hr, active, locale, hire_date, password_hash, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, TRUE, $12, $13, $14, $15, $15)",
        )
        .bind(id)
        .bind(&p.name)
        .bind(&p.name_en)
        .bind(p.email.as_ref().map(|e| e.trim().to_lowercase()))
        .bind(sort_key(&p.name, p.name_en.as_deref()))
        .bind(&p.title)
        .bind(p.team_id)
        .bind(p.department_id)
        .bind(p.manager_id)
        .bind(&p.role)
        .bind(p.is_hr)
        .bind(&p.locale)
        .bind(p.hire_date)
        .bind(password_hash)
        .bind(at)
        .execute(c)
        .await
        .map_err(email_conflict)?;
    });
    Ok(())
}

/// Inserts people in order inside `tx`, one audit entry each (first run and the demo).
pub(crate) async fn insert_all(
    tx: &mut Tx,
    actor: Option<Uuid>,
    people: &[NewPerson],
    at: DateTime<Utc>,
) -> Result<()> {
    for p in people {
        insert_person(tx, p.id, &p.input, p.password_hash.as_deref(), at).await?;
        let entry = audit::Entry {
            actor,
            action: "create",
            entity: "person",
            entity_id: Some(p.id),
            summary: describe(&p.input),
        };
        audit::record(tx, entry, at).await?;
    }
    Ok(())
}
