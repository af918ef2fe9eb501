//! Dynamic SQL. A statement whose shape depends on its input (a list of ids, a state metric's
//! own condition, many rows at once) is built with `sqlx::QueryBuilder`, which writes each
//! placeholder for the backend as its value is bound (`?` on SQLite, `$n` on PostgreSQL), so
//! no one numbers parameters by hand. Fixed statements keep their plain `$1..$N` text.

use sqlx::{Database, Encode, QueryBuilder, Type};
use uuid::Uuid;

/// Appends ` AND <col> IN (...)` binding `ids`; nothing for `None` (the whole organisation),
/// and a condition that matches nothing for an empty list.
pub(crate) fn and_in<DB>(q: &mut QueryBuilder<DB>, col: &str, ids: Option<&[Uuid]>)
where
    DB: Database,
    Uuid: for<'t> Encode<'t, DB> + Type<DB>,
{
    match ids {
        None => {}
        Some([]) => {
            q.push(" AND 1 = 0");
        }
        Some(ids) => {
            q.push(" AND ").push(col).push(" IN (");
            let mut list = q.separated(", ");
            for id in ids {
                list.push_bind(*id);
            }
            list.push_unseparated(")");
        }
    }
}
