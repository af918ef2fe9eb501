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
        // SQLite gets anonymous `?` parameters: sqlx looks each parameter's name up, which
        // SQLite answers by a linear search among numbered ones (quadratic in a long list;
        // measured: 61% of an import's time with `$n`).
        let anonymous = matches!(tx, Tx::Sqlite(_));
        for chunk in self.values.chunks(per_statement) {
            let rows: Vec<String> = chunk
                .chunks(self.columns)
                .enumerate()
                .map(|(r, row)| {
                    let first = r * self.columns;
                    let params: Vec<String> = (1..=row.len())
                        .map(|i| match anonymous {
                            true => "?".to_owned(),
                            false => format!("${}", first + i),
                        })
                        .collect();
                    format!("({})", params.join(", "))
                })
                .collect();
            let sql = format!(
                "INSERT INTO {} VALUES {}{}",
                self.into,
                rows.join(", "),
                self.tail
            );
            with_tx!(&mut *tx, c => {
                let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
                for v in chunk {
                    q = match v {
                        Value::Id(v) => q.bind(*v),
                        Value::Text(v) => q.bind(v.as_deref()),
                        Value::Int(v) => q.bind(*v),
                        Value::Time(v) => q.bind(*v),
                        Value::Date(v) => q.bind(*v),
                    };
                }
                q.execute(c).await?;
            });
        }
        self.values.clear();
        Ok(())
    }
}
