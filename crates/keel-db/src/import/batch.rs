//! Rows are worked in chunks so that a million-row file costs thousands of statements, not
//! millions: before a chunk, the external ids it names are looked up with one query per table;
//! the deals and activities it creates are inserted a few hundred per statement when the chunk
//! is done, their rollup facts taken from the values written rather than read back. Measured
//! on two cores, each statement cost ~150 µs of thread hand-over for SQLite (~5 per row), and
//! a round trip for PostgreSQL.

use super::{Found, Importer, Table};
use crate::multirow::Rows;
use crate::{Result, with_tx};
use keel_import::{Record, RowError};
use std::collections::{HashMap, HashSet};
use uuid::Uuid;

/// Records per chunk.
pub(super) const CHUNK: usize = 500;

/// Rollup cells kept in memory before they are written (about 100 bytes each).
const LEDGER_CELLS: usize = 100_000;

/// What a chunk's external ids point to, per table: `None` for an id looked up and not found.
#[derive(Default)]
pub(super) struct Lookups(HashMap<Table, HashMap<String, Option<Found>>>);

impl Lookups {
    /// `Some(found)` when `external_id` was looked up for the chunk.
    pub(super) fn get(&self, table: Table, external_id: &str) -> Option<Option<Found>> {
        self.0.get(&table)?.get(external_id).copied()
    }

    /// A row this import just created, for the rows after it in the same chunk.
    pub(super) fn created(&mut self, table: Table, external_id: &str, found: Found) {
        let ids = self.0.entry(table).or_default();
        ids.insert(external_id.to_owned(), Some(found));
    }
}

/// New rows waiting for the end of the chunk.
pub(super) struct Inserts {
    pub(super) deals: Rows,
    pub(super) history: Rows,
    pub(super) activities: Rows,
}

impl Default for Inserts {
    fn default() -> Self {
        let rows = |table: &str, columns: &[&str]| Rows::new(table, columns, String::new());
        Inserts {
            deals: rows(
                "deals",
                &[
                    "id",
                    "name",
                    "amount_minor",
                    "currency",
                    "pipeline_id",
                    "stage_id",
                    "stage_entered_at",
                    "expected_close",
                    "closed_at",
                    "owner_id",
                    "account_id",
                    "contact_id",
                    "kind",
                    "source",
                    "loss_reason",
                    "external_id",
                    "created_at",
                    "updated_at",
                ],
            ),
            history: rows(
                "deal_stage_history",
                &[
                    "id",
                    "deal_id",
                    "from_stage_id",
                    "to_stage_id",
                    "changed_by",
                    "at",
                ],
            ),
            activities: rows(
                "activities",
                &[
                    "id",
                    "kind",
                    "subject",
                    "notes",
                    "owner_id",
                    "at",
                    "due_date",
                    "done_at",
                    "account_id",
                    "contact_id",
                    "deal_id",
                    "lead_id",
                    "check_in_at",
                    "external_id",
                    "created_at",
                ],
            ),
        }
    }
}

fn id_of(r: &Option<keel_import::RecordRef>) -> Option<&str> {
    r.as_ref().and_then(|r| r.external_id.as_deref())
}

/// The external ids a record names, with the tables each may be found in.
fn named(record: &Record) -> Vec<(&'static [Table], &str)> {
    const DEALS: &[Table] = &[Table::Deals];
    const ACCOUNTS: &[Table] = &[Table::Accounts];
    const CONTACTS: &[Table] = &[Table::Contacts];
    const ACTIVITIES: &[Table] = &[Table::Activities];
    const RELATED: &[Table] = &[Table::Deals, Table::Accounts, Table::Contacts, Table::Leads];
    let pairs = match record {
        Record::Deal(r) => vec![
            (DEALS, r.external_id.as_deref()),
            (ACCOUNTS, id_of(&r.account)),
            (CONTACTS, id_of(&r.contact)),
        ],
        Record::Activity(r) => vec![
            (ACTIVITIES, r.external_id.as_deref()),
            (RELATED, id_of(&r.related)),
        ],
        // Other files are small, and accounts link to rows of the same file.
        _ => Vec::new(),
    };
    pairs
        .into_iter()
        .filter_map(|(tables, id)| Some((tables, id?)))
        .collect()
}

impl Importer<'_> {
    /// Works one chunk of records: looks up what they name, then each row, then inserts.
    pub(super) async fn chunk(
        &mut self,
        items: Vec<std::result::Result<Record, RowError>>,
    ) -> Result<()> {
        self.look_up(&items).await?;
        for item in items {
            self.rows += 1;
            match item {
                Ok(record) => self.record(record).await?,
                Err(e) => self.problems.row_error(&e),
            }
        }
        self.write_inserts().await?;
        // The cells only add up, so writing them part way changes nothing but memory.
        if self.ledger.len() >= LEDGER_CELLS {
            std::mem::take(&mut self.ledger).write(self.tx).await?;
        }
        Ok(())
    }

    async fn look_up(&mut self, items: &[std::result::Result<Record, RowError>]) -> Result<()> {
        let mut wanted: HashMap<Table, HashSet<&str>> = HashMap::new();
        for record in items.iter().flatten() {
            for (tables, id) in named(record) {
                for table in tables {
                    wanted.entry(*table).or_default().insert(id);
                }
            }
        }
        let mut lookups = Lookups::default();
        for (table, ids) in wanted {
            let ids: Vec<&str> = ids.into_iter().collect();
            let sql = format!(
                "SELECT id, owner_id, {} AS account_id, external_id FROM {} WHERE external_id IN (",
                table.account_column(),
                table.name(),
            );
            type Row = (Uuid, Option<Uuid>, Option<Uuid>, String);
            let rows: Vec<Row> = with_tx!(&mut *self.tx, c => {
                let mut q = sqlx::QueryBuilder::new(sql);
                let mut list = q.separated(", ");
                for id in &ids {
                    list.push_bind(id.to_string());
                }
                list.push_unseparated(")");
                q.build_query_as().fetch_all(c).await?
            });
            let known = lookups.0.entry(table).or_default();
            known.extend(ids.into_iter().map(|id| (id.to_owned(), None)));
            for (id, owner_id, account_id, external_id) in rows {
                let found = Found {
                    id,
                    owner_id,
                    account_id,
                };
                known.insert(external_id, Some(found));
            }
        }
        self.lookups = lookups;
        Ok(())
    }

    /// Inserts the rows created so far; before an update, so that it finds them.
    pub(super) async fn write_inserts(&mut self) -> Result<()> {
        let i = &mut self.inserts;
        for rows in [&mut i.deals, &mut i.history, &mut i.activities] {
            rows.write(self.tx).await?;
        }
        Ok(())
    }
}
