//! Who may see what. A person sees their own records and those of everyone below them in the
//! reporting line; admins and directors see the whole organisation. Repositories take an
//! [`Actor`] and put this rule into their SQL, so no handler or template decides it alone.

use crate::{Db, Result, with_pool};
use keel_domain::roles::Role;
use uuid::Uuid;

/// The person on whose behalf a query runs.
#[derive(Clone, Copy, Debug)]
pub struct Actor {
    pub id: Uuid,
    pub role: Role,
    pub is_hr: bool,
}

impl Actor {
    pub fn sees_everything(&self) -> bool {
        self.role.sees_everything()
    }
}

/// A subquery of the ids in the reporting line rooted at the person bound to `$n` (that
/// person included). Recursive CTEs in subqueries work on SQLite and PostgreSQL alike; `UNION`
/// rather than `UNION ALL` so that even corrupt data with a cycle cannot loop forever.
pub(crate) fn line_sql(n: u8) -> String {
    format!(
        "(WITH RECURSIVE line(id) AS (SELECT ${n} UNION \
         SELECT p.id FROM people p JOIN line ON p.manager_id = line.id) SELECT id FROM line)"
    )
}

impl Db {
    /// Everyone in `root`'s reporting line, `root` first, then the rest by id.
    pub async fn reporting_line(&self, root: Uuid) -> Result<Vec<Uuid>> {
        let sql = format!("SELECT id FROM {} AS l", line_sql(1));
        let mut ids: Vec<Uuid> = with_pool!(self, p => {
            sqlx::query_scalar(sqlx::AssertSqlSafe(sql)).bind(root).fetch_all(p).await?
        });
        ids.sort_by_key(|id| (*id != root, *id));
        Ok(ids)
    }

    /// True when `actor` may see `person`'s private details: themselves, someone below them,
    /// or anyone for admins, directors and HR.
    pub async fn sees_private_of(&self, actor: &Actor, person: Uuid) -> Result<bool> {
        if actor.sees_everything() || actor.is_hr || actor.id == person {
            return Ok(true);
        }
        let sql = format!("SELECT COUNT(*) FROM {} AS l WHERE l.id = $2", line_sql(1));
        let n: i64 = with_pool!(self, p => {
            sqlx::query_scalar(sqlx::AssertSqlSafe(sql)).bind(actor.id).bind(person).fetch_one(p).await?
        });
        Ok(n > 0)
    }
}
