//! Multi-row INSERTs: rows gathered in memory and written a few hundred per statement. Each
//! statement is a round trip to the database (for SQLite, a hand-over to sqlx's worker
//! thread, which dominated bulk writes on two cores), so a million rows cost thousands of
//! statements instead of millions.

use crate::{Result, Tx, with_tx};
use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

/// Parameters per statement: well below SQLite's 32,766 and PostgreSQL's 65,535.
const MAX_PARAMS: usize = 4_000;

/// A value bound into a multi-row statement.
#[derive(Clone, Debug)]
pub(crate) enum Value {
    Id(Option<Uuid>),
    Text(Option<String>),
    Int(Option<i64>),
    Time(Option<DateTime<Utc>>),
    Date(Option<NaiveDate>),
}

impl Value {
    pub(crate) fn text(v: Option<&str>) -> Value {
        Value::Text(v.map(str::to_owned))
    }
}

/// Rows waiting to be inserted into one table.
pub(crate) struct Rows {
    /// `table (col, col, ...)`.
    into: String,
    columns: usize,
    /// What follows the VALUES list, such as an ON CONFLICT clause.
    tail: String,
    values: Vec<Value>,
}

impl Rows {
    pub(crate) fn new(table: &str, columns: &[&str], tail: String) -> Rows {
        Rows {
            into: format!("{table} ({})", columns.join(", ")),
            columns: columns.len(),
            tail,
            values: Vec::new(),
        }
    }

    pub(crate) fn push(&mut self, row: impl IntoIterator<Item = Value>) {
        let before = self.values.len();
        self.values.extend(row);
        debug_assert_eq!(self.values.len() - before, self.columns, "{}", self.into);
    }

    /// Inserts every row pushed so far and forgets them.
    pub(crate) async fn write(&mut self, tx: &mut Tx) -> Result<()> {
        let per_statement = (MAX_PARAMS / self.columns).max(1) * self.columns;
        // QueryBuilder gives SQLite anonymous `?` parameters: sqlx looks a numbered one up by
        // name, which SQLite answers by a linear search (quadratic in a long list; measured:
        // 61% of an import's time with `$n`).
        for chunk in self.values.chunks(per_statement) {
            with_tx!(&mut *tx, c => {
                let mut q = sqlx::QueryBuilder::new(format!("INSERT INTO {} ", self.into));
                q.push_values(chunk.chunks(self.columns), |mut row, values| {
                    for v in values {
                        match v {
                            Value::Id(v) => row.push_bind(*v),
                            Value::Text(v) => row.push_bind(v.clone()),
                            Value::Int(v) => row.push_bind(*v),
                            Value::Time(v) => row.push_bind(*v),
                            Value::Date(v) => row.push_bind(*v),
                        };
                    }
                });
                q.push(&self.tail);
                q.build().execute(c).await?;
            });
        }
        self.values.clear();
        Ok(())
    }
}
