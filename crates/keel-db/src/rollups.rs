//! Rollups: the facts of `keel_domain::metrics` summed per person × day, kept in step with the
//! CRM rows inside the same transaction as every write, so goals, leaderboards and dashboards
//! read a few thousand small rows instead of scanning a million deals.
//!
//! A write path reads the row's facts before it changes the row ([`facts_of`]) and settles the
//! difference afterwards ([`settle`]); creating and importing rows settle against nothing.
//! [`Db::rebuild_rollups`] and [`Db::check_rollups`] recompute everything in SQL from the raw
//! rows: a second, independent statement of the same definitions, so `check` also catches a
//! disagreement between the two.

use crate::multirow::{Rows, Value};
use crate::sql::and_in;
use crate::{Backend, Db, Result, Tx, with_pool, with_tx};
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use keel_domain::metrics::{self as m, Contribution, Fact, Totals};
use keel_domain::pipeline::Category;
use keel_domain::time::Zone;
use sqlx::QueryBuilder;
use std::collections::BTreeMap;
use uuid::Uuid;

/// A CRM row that contributes facts.
#[derive(Clone, Copy, Debug)]
pub enum Source {
    Deal(Uuid),
    Activity(Uuid),
    Lead(Uuid),
    PoolEvent(Uuid),
    Satisfaction(Uuid),
}

/// The facts `source` contributes as it stands in the transaction now (none once deleted),
/// on the organisation's local days.
pub(crate) async fn facts_of(tx: &mut Tx, source: Source) -> Result<Vec<Contribution>> {
    let zone = crate::zone::zone_in(tx).await?;
    facts_in(tx, zone, source).await
}

/// [`facts_of`] with the organisation's zone already known (an import reads it once).
pub(crate) async fn facts_in(tx: &mut Tx, zone: Zone, source: Source) -> Result<Vec<Contribution>> {
    let day = |t: DateTime<Utc>| zone.day_of(t);
    Ok(match source {
        Source::Deal(id) => {
            type Row = (
                Uuid,
                DateTime<Utc>,
                i64,
                String,
                String,
                Option<DateTime<Utc>>,
            );
            let row: Option<Row> = with_tx!(tx, c => {
                sqlx::query_as(
                    "SELECT d.owner_id, d.created_at, d.amount_minor, d.currency, s.category, d.closed_at \
                     FROM deals d JOIN stages s ON s.id = d.stage_id WHERE d.id = $1",
                )
                .bind(id)
                .fetch_optional(c)
                .await?
            });
            row.map(
                |(owner, created, amount_minor, currency, category, closed)| {
                    m::deal_contributions(&m::DealFacts {
                        owner,
                        created: day(created),
                        amount_minor,
                        currency,
                        category: Category::parse(&category).unwrap_or(Category::Open),
                        closed: closed.map(day),
                    })
                },
            )
            .unwrap_or_default()
        }
        Source::Activity(id) => {
            type Row = (
                Uuid,
                String,
                DateTime<Utc>,
                Option<NaiveDate>,
                Option<DateTime<Utc>>,
            );
            let row: Option<Row> = with_tx!(tx, c => {
                sqlx::query_as("SELECT owner_id, kind, at, due_date, done_at FROM activities WHERE id = $1")
                    .bind(id)
                    .fetch_optional(c)
                    .await?
            });
            row.map(|(owner, kind, at, due, done)| {
                m::activity_contributions(&m::ActivityFacts {
                    owner,
                    kind,
                    at: day(at),
                    due,
                    done: done.map(day),
                })
            })
            .unwrap_or_default()
        }
        Source::Lead(id) => {
            let row: Option<(Option<Uuid>, Option<DateTime<Utc>>)> = with_tx!(tx, c => {
                sqlx::query_as("SELECT owner_id, converted_at FROM leads WHERE id = $1")
                    .bind(id)
                    .fetch_optional(c)
                    .await?
            });
            row.map(|(owner, converted)| m::lead_contributions(owner, converted.map(day)))
                .unwrap_or_default()
        }
        Source::PoolEvent(id) => {
            let row: Option<(Option<Uuid>, String, String, DateTime<Utc>)> = with_tx!(tx, c => {
                sqlx::query_as("SELECT person_id, kind, action, at FROM pool_events WHERE id = $1")
                    .bind(id)
                    .fetch_optional(c)
                    .await?
            });
            row.map(|(person, kind, action, at)| {
                m::pool_event_contributions(person, &kind, &action, day(at))
            })
            .unwrap_or_default()
        }
        Source::Satisfaction(id) => {
            let row: Option<(Uuid, String, i32, DateTime<Utc>)> = with_tx!(tx, c => {
                sqlx::query_as("SELECT owner_id, kind, score, at FROM satisfaction WHERE id = $1")
                    .bind(id)
                    .fetch_optional(c)
                    .await?
            });
            row.map(|(owner, kind, score, at)| {
                m::satisfaction_contributions(owner, &kind, i64::from(score), day(at))
            })
            .unwrap_or_default()
        }
    })
}

/// Applies what changed in `source` since `before` was read: adds its facts now, takes away
/// the old ones, and writes only the cells whose sum moved.
pub(crate) async fn settle(tx: &mut Tx, source: Source, before: Vec<Contribution>) -> Result<()> {
    let zone = crate::zone::zone_in(tx).await?;
    let mut ledger = Ledger::default();
    ledger.settle(tx, zone, source, before).await?;
    ledger.write(tx).await
}

/// Settles a row that did not exist before this transaction.
pub(crate) async fn record(tx: &mut Tx, source: Source) -> Result<()> {
    settle(tx, source, Vec::new()).await
}

/// Rollup changes summed in memory and written together, one upsert per cell that moved. An
/// import settles its rows into a ledger and writes it every 100,000 cells and before it
/// commits, instead of two upserts per fact per row.
#[derive(Default)]
pub(crate) struct Ledger {
    cells: BTreeMap<(Uuid, NaiveDate, Fact, String), i64>,
}

impl Ledger {
    /// Adds what changed in `source` since `before` was read.
    pub(crate) async fn settle(
        &mut self,
        tx: &mut Tx,
        zone: Zone,
        source: Source,
        before: Vec<Contribution>,
    ) -> Result<()> {
        let after = facts_in(tx, zone, source).await?;
        self.add(after, 1);
        self.add(before, -1);
        Ok(())
    }

    /// Adds the facts of a row known without reading it back (one being inserted), or with
    /// `sign` -1 takes them away.
    pub(crate) fn add(&mut self, facts: Vec<Contribution>, sign: i64) {
        for c in facts {
            *self
                .cells
                .entry((c.person, c.day, c.fact, c.currency))
                .or_default() += sign * c.value;
        }
    }

    /// The cells held.
    pub(crate) fn len(&self) -> usize {
        self.cells.len()
    }

    /// Writes the daily cells that moved and the months they add up to.
    pub(crate) async fn write(self, tx: &mut Tx) -> Result<()> {
        let mut months: BTreeMap<(Uuid, NaiveDate, Fact, &str), i64> = BTreeMap::new();
        let mut days = cells("rollups", "day");
        for ((person, day, fact, currency), value) in &self.cells {
            if *value != 0 {
                days.push(cell(*person, *day, *fact, currency, *value));
                *months
                    .entry((*person, month_of(*day), *fact, currency))
                    .or_default() += value;
            }
        }
        let mut monthly = cells("rollups_monthly", "month");
        for ((person, month, fact, currency), value) in months {
            if value != 0 {
                monthly.push(cell(person, month, fact, currency, value));
            }
        }
        days.write(tx).await?;
        monthly.write(tx).await
    }
}

/// Upserts adding to the cells of `table`, bucketed by its `period` column.
fn cells(table: &str, period: &str) -> Rows {
    let tail = format!(
        " ON CONFLICT (person_id, fact, {period}, currency) \
         DO UPDATE SET value = {table}.value + excluded.value"
    );
    Rows::new(
        table,
        &["person_id", period, "fact", "currency", "value"],
        tail,
    )
}

fn cell(person: Uuid, at: NaiveDate, fact: Fact, currency: &str, value: i64) -> [Value; 5] {
    [
        Value::Id(Some(person)),
        Value::Date(Some(at)),
        Value::text(Some(fact.key())),
        Value::text(Some(currency)),
        Value::Int(Some(value)),
    ]
}

/// The first day of `day`'s month.
pub fn month_of(day: NaiveDate) -> NaiveDate {
    day.with_day(1).expect("every month has a first day")
}

/// SQL for the Monday on or before the date column `col`.
fn week_sql(backend: Backend, col: &str) -> String {
    match backend {
        // 'weekday 0' moves on to the Sunday ending the week (or stays on it).
        Backend::Sqlite => format!("date({col}, 'weekday 0', '-6 days')"),
        Backend::Postgres => format!("CAST(date_trunc('week', CAST({col} AS timestamp)) AS date)"),
    }
}

/// SQL for the first day of the month of the date column `col`.
fn month_sql(backend: Backend, col: &str) -> String {
    match backend {
        Backend::Sqlite => format!("(substr({col}, 1, 7) || '-01')"),
        Backend::Postgres => format!("CAST(date_trunc('month', {col}) AS date)"),
    }
}

/// Every fact recomputed from the raw rows, as `(person_id, day, fact, currency, value)` rows
/// (not yet summed), on the local days of `zone`. The same definitions as
/// `keel_domain::metrics`, written in SQL.
fn facts_sql(backend: Backend, zone: Zone) -> String {
    facts_sql_where(backend, zone, false)
}

/// The conditions a filtered metric puts on each source row (see [`crate::metrics::Filter`]):
/// `$3` product line, `$4` pipeline, `$5` account industry, `$6` account region; a NULL
/// parameter does not filter. Deals carry all four; activities and CSAT answers through their
/// deal and account; leads and pool claims have none of them and drop out.
fn filter_cond(alias: &str) -> String {
    let account = |col: &str, n: u8| {
        format!(
            "(${n} IS NULL OR EXISTS (SELECT 1 FROM accounts fa WHERE fa.id = {alias}.account_id AND fa.{col} = ${n}))"
        )
    };
    let via_deal = |col: &str, n: u8| {
        format!(
            "(${n} IS NULL OR EXISTS (SELECT 1 FROM deals fd WHERE fd.id = {alias}.deal_id AND fd.{col} = ${n}))"
        )
    };
    match alias {
        "d" => format!(
            "($3 IS NULL OR d.product_line = $3) AND ($4 IS NULL OR d.pipeline_id = $4) AND {} AND {}",
            account("industry", 5),
            account("region", 6)
        ),
        "a" | "s" => format!(
            "{} AND {} AND {} AND {}",
            via_deal("product_line", 3),
            via_deal("pipeline_id", 4),
            account("industry", 5),
            account("region", 6)
        ),
        _ => "1 = 0".into(),
    }
}

/// [`facts_sql`], optionally with the filter conditions of [`filter_cond`] on every branch.
fn facts_sql_where(backend: Backend, zone: Zone, filtered: bool) -> String {
    let between = crate::zone::days_between_sql(backend, zone, "d.created_at", "d.closed_at");
    let days_between = match backend {
        Backend::Sqlite => format!("MAX(0, {between})"),
        Backend::Postgres => format!("GREATEST(0, {between})"),
    };
    let d = |col: &str| crate::zone::day_sql(backend, zone, col);
    let won = "FROM deals d JOIN stages s ON s.id = d.stage_id WHERE s.category = 'won' AND d.closed_at IS NOT NULL";
    let task_due = "FROM activities a WHERE a.kind = 'task' AND a.due_date IS NOT NULL";
    let due = "a.due_date";
    [
        format!("SELECT d.owner_id AS person_id, {} AS day, 'deals_created' AS fact, '' AS currency, CAST(1 AS BIGINT) AS value FROM deals d", d("d.created_at")),
        format!("SELECT d.owner_id, {}, 'created_amount', d.currency, d.amount_minor FROM deals d", d("d.created_at")),
        format!("SELECT d.owner_id, {}, 'deals_won', '', 1 {won}", d("d.closed_at")),
        format!("SELECT d.owner_id, {}, 'won_amount', d.currency, d.amount_minor {won}", d("d.closed_at")),
        format!("SELECT d.owner_id, {}, 'cycle_days', '', {days_between} {won}", d("d.closed_at")),
        format!(
            "SELECT d.owner_id, {}, 'deals_lost', '', 1 FROM deals d JOIN stages s ON s.id = d.stage_id \
             WHERE s.category = 'lost' AND d.closed_at IS NOT NULL",
            d("d.closed_at")
        ),
        format!(
            "SELECT a.owner_id, {}, CASE a.kind WHEN 'call' THEN 'calls' WHEN 'meeting' THEN 'meetings' \
             WHEN 'email' THEN 'emails' WHEN 'visit' THEN 'visits' ELSE 'tasks' END, '', 1 FROM activities a",
            d("a.at")
        ),
        format!("SELECT a.owner_id, {due}, 'tasks_due', '', 1 {task_due}"),
        format!(
            "SELECT a.owner_id, {due}, 'tasks_on_time', '', 1 {task_due} AND a.done_at IS NOT NULL AND {} <= {due}",
            d("a.done_at")
        ),
        format!(
            "SELECT l.owner_id, {}, 'leads_converted', '', 1 FROM leads l \
             WHERE l.owner_id IS NOT NULL AND l.converted_at IS NOT NULL",
            d("l.converted_at")
        ),
        format!(
            "SELECT e.person_id, {}, CASE e.kind WHEN 'accounts' THEN 'accounts_claimed' ELSE 'leads_claimed' END, '', 1 \
             FROM pool_events e WHERE e.action = 'claim' AND e.person_id IS NOT NULL",
            d("e.at")
        ),
        format!("SELECT s.owner_id, {}, 'csat_sum', '', s.score FROM satisfaction s WHERE s.kind = 'csat'", d("s.at")),
        format!("SELECT s.owner_id, {}, 'csat_count', '', 1 FROM satisfaction s WHERE s.kind = 'csat'", d("s.at")),
        format!("SELECT s.owner_id, {}, 'nps_count', '', 1 FROM satisfaction s WHERE s.kind = 'nps'", d("s.at")),
        format!("SELECT s.owner_id, {}, 'nps_promoters', '', 1 FROM satisfaction s WHERE s.kind = 'nps' AND s.score >= 9", d("s.at")),
        format!("SELECT s.owner_id, {}, 'nps_detractors', '', 1 FROM satisfaction s WHERE s.kind = 'nps' AND s.score <= 6", d("s.at")),
    ]
    .into_iter()
    .map(|branch| {
        if !filtered {
            return branch;
        }
        let alias = ["deals d", "activities a", "satisfaction s", "leads l", "pool_events e"]
            .into_iter()
            .find(|t| branch.contains(&format!("FROM {t}")))
            .map(|t| &t[t.len() - 1..])
            .unwrap_or("?");
        let glue = if branch.contains(" WHERE ") { " AND " } else { " WHERE " };
        format!("{branch}{glue}{}", filter_cond(alias))
    })
    .collect::<Vec<_>>()
    .join(" UNION ALL ")
}

/// The recomputed sums, zero sums left out as the rollups table may keep them.
fn expected_sql(backend: Backend, zone: Zone) -> String {
    format!(
        "SELECT f.person_id, f.day, f.fact, f.currency, CAST(SUM(f.value) AS BIGINT) AS value FROM ({}) AS f \
         GROUP BY f.person_id, f.day, f.fact, f.currency HAVING SUM(f.value) <> 0",
        facts_sql(backend, zone)
    )
}

/// Recomputes every rollup inside `tx` (bulk loads use this rather than one settle per row),
/// on the local days of the organisation's zone as `tx` sees it.
pub(crate) async fn rebuild_in(tx: &mut Tx, backend: Backend) -> Result<u64> {
    let zone = crate::zone::zone_in(tx).await?;
    let sql = format!(
        "INSERT INTO rollups (person_id, day, fact, currency, value) {}",
        expected_sql(backend, zone)
    );
    let monthly = format!(
        "INSERT INTO rollups_monthly (person_id, month, fact, currency, value) \
         SELECT person_id, {m}, fact, currency, CAST(SUM(value) AS BIGINT) FROM rollups \
         GROUP BY person_id, {m}, fact, currency",
        m = month_sql(backend, "day")
    );
    Ok(with_tx!(tx, c => {
        sqlx::query("DELETE FROM rollups").execute(&mut *c).await?;
        sqlx::query("DELETE FROM rollups_monthly").execute(&mut *c).await?;
        let n = sqlx::query(sqlx::AssertSqlSafe(sql)).execute(&mut *c).await?.rows_affected();
        sqlx::query(sqlx::AssertSqlSafe(monthly)).execute(&mut *c).await?;
        n
    }))
}

/// A cell where the rollups and the raw rows disagree.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Difference {
    pub person: Uuid,
    pub day: NaiveDate,
    pub fact: String,
    pub currency: String,
    pub stored: i64,
    pub expected: i64,
}

/// The bucket facts are summed by. Days and months are kept; weeks (starting on Monday) are
/// summed from the days in SQL, so a heatmap reads one row per person, week and fact.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Grain {
    Day,
    Week,
    Month,
}

/// Summed facts: per person when asked, per day or month (`at`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FactRow {
    pub person: Option<Uuid>,
    pub at: NaiveDate,
    pub fact: Fact,
    pub currency: String,
    pub value: i64,
}

/// The first day of the month after `month`.
pub fn next_month(month: NaiveDate) -> NaiveDate {
    month_of(month)
        .checked_add_months(chrono::Months::new(1))
        .expect("dates far from the end of time")
}

/// The months wholly inside `from..=to`, as (first month's start, last month's start).
pub fn whole_months(from: NaiveDate, to: NaiveDate) -> Option<(NaiveDate, NaiveDate)> {
    let first = if from.day() == 1 {
        from
    } else {
        next_month(from)
    };
    let after_last = if next_month(to).pred_opt()? == to {
        next_month(to)
    } else {
        month_of(to)
    };
    let last = after_last.checked_sub_months(chrono::Months::new(1))?;
    (first <= last).then_some((first, last))
}

/// Who a metric is measured for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope {
    Person(Uuid),
    /// A team: its members, its lead and everyone in the lead's reporting line.
    Team(Uuid),
    Org,
}

impl Db {
    /// Replaces every rollup with a recomputation from the raw rows, in one transaction.
    /// Returns the number of cells written.
    pub async fn rebuild_rollups(&self) -> Result<u64> {
        let mut tx = self.begin_write().await?;
        let n = rebuild_in(&mut tx, self.backend()).await?;
        tx.commit().await?;
        Ok(n)
    }

    /// Compares the rollups with a recomputation from the raw rows; empty when they agree.
    /// At most `limit` differences are returned.
    pub async fn check_rollups(&self, limit: u32) -> Result<Vec<Difference>> {
        type Row = (Uuid, NaiveDate, String, String, i64);
        let backend = self.backend();
        let expected = expected_sql(backend, self.org_zone().await?);
        let daily = (
            expected.clone(),
            "SELECT person_id, day, fact, currency, value FROM rollups WHERE value <> 0".to_owned(),
            "",
        );
        let monthly = (
            format!(
                "SELECT e.person_id, {m}, e.fact, e.currency, CAST(SUM(e.value) AS BIGINT) FROM ({expected}) AS e \
                 GROUP BY e.person_id, {m}, e.fact, e.currency HAVING SUM(e.value) <> 0",
                m = month_sql(backend, "e.day")
            ),
            "SELECT person_id, month, fact, currency, value FROM rollups_monthly WHERE value <> 0"
                .to_owned(),
            " (month)",
        );
        let mut cells: BTreeMap<(Uuid, NaiveDate, String, String), (i64, i64)> = BTreeMap::new();
        for (expected, stored, label) in [daily, monthly] {
            let missing = format!("{expected} EXCEPT {stored}");
            let extra = format!("{stored} EXCEPT {expected}");
            let (missing, extra): (Vec<Row>, Vec<Row>) = with_pool!(self, p => {
                (
                    sqlx::query_as(sqlx::AssertSqlSafe(missing)).fetch_all(p).await?,
                    sqlx::query_as(sqlx::AssertSqlSafe(extra)).fetch_all(p).await?,
                )
            });
            for (person, day, fact, currency, value) in missing {
                cells
                    .entry((person, day, format!("{fact}{label}"), currency))
                    .or_default()
                    .1 = value;
            }
            for (person, day, fact, currency, value) in extra {
                cells
                    .entry((person, day, format!("{fact}{label}"), currency))
                    .or_default()
                    .0 = value;
            }
        }
        Ok(cells
            .into_iter()
            .take(limit as usize)
            .map(
                |((person, day, fact, currency), (stored, expected))| Difference {
                    person,
                    day,
                    fact,
                    currency,
                    stored,
                    expected,
                },
            )
            .collect())
    }

    /// The people a scope covers, or `None` for the whole organisation.
    pub async fn scope_people(&self, scope: Scope) -> Result<Option<Vec<Uuid>>> {
        Ok(match scope {
            Scope::Org => None,
            Scope::Person(id) => Some(vec![id]),
            Scope::Team(team) => {
                let sql = format!(
                    "SELECT id FROM people WHERE team_id = $1 UNION \
                     SELECT id FROM {} AS l",
                    crate::visibility::line_sql(2)
                );
                let lead: Option<Uuid> = with_pool!(self, p => {
                    sqlx::query_scalar("SELECT lead_id FROM teams WHERE id = $1")
                        .bind(team)
                        .fetch_optional(p)
                        .await?
                        .flatten()
                });
                let mut ids: Vec<Uuid> = with_pool!(self, p => {
                    sqlx::query_scalar(sqlx::AssertSqlSafe(sql))
                        .bind(team)
                        .bind(lead)
                        .fetch_all(p)
                        .await?
                });
                ids.retain(|id| !id.is_nil());
                ids.sort();
                Some(ids)
            }
        })
    }

    /// Facts summed per bucket (day or month) over `people` (everyone when `None`) from `from`
    /// to `to` inclusive, and per person when `by_person`. Month buckets are named by their
    /// first day; pass month starts for `from` and `to` to get whole months.
    pub async fn fact_rows(
        &self,
        grain: Grain,
        people: Option<&[Uuid]>,
        from: NaiveDate,
        to: NaiveDate,
        by_person: bool,
    ) -> Result<Vec<FactRow>> {
        self.fact_rows_of(grain, people, from, to, by_person, &[])
            .await
    }

    /// [`Db::fact_rows`] for only the given facts (all when empty): panels that need four
    /// facts read four facts' rows.
    pub async fn fact_rows_of(
        &self,
        grain: Grain,
        people: Option<&[Uuid]>,
        from: NaiveDate,
        to: NaiveDate,
        by_person: bool,
        facts: &[Fact],
    ) -> Result<Vec<FactRow>> {
        let (table, col, bucket) = match grain {
            Grain::Day => ("rollups", "day", "day".to_owned()),
            Grain::Week => ("rollups", "day", week_sql(self.backend(), "day")),
            Grain::Month => ("rollups_monthly", "month", "month".to_owned()),
        };
        let who = if by_person { "person_id" } else { "NULL" };
        if people.is_some_and(<[Uuid]>::is_empty) {
            return Ok(Vec::new());
        }
        // Fact keys are fixed identifiers from the catalog, never user input.
        let facts = match facts {
            [] => String::new(),
            keys => format!(
                " AND fact IN ({})",
                keys.iter()
                    .map(|f| format!("'{}'", f.key()))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        };
        let group = match by_person {
            true => format!(" GROUP BY person_id, {bucket}, fact, currency ORDER BY {bucket}"),
            false => format!(" GROUP BY {bucket}, fact, currency ORDER BY {bucket}"),
        };
        let rows: Vec<(Option<Uuid>, NaiveDate, String, String, i64)> = with_pool!(self, p => {
            let mut q = QueryBuilder::new(format!(
                "SELECT {who} AS person_id, {bucket} AS at, fact, currency, CAST(SUM(value) AS BIGINT) AS value \
                 FROM {table} WHERE {col} >= "
            ));
            q.push_bind(from).push(format!(" AND {col} <= ")).push_bind(to);
            and_in(&mut q, "person_id", people);
            q.push(&facts).push(&group);
            q.build_query_as().fetch_all(p).await?
        });
        Ok(rows
            .into_iter()
            .filter_map(|(person, at, fact, currency, value)| {
                Some(FactRow {
                    person,
                    at,
                    fact: Fact::parse(&fact)?,
                    currency,
                    value,
                })
            })
            .collect())
    }

    /// Facts summed per day like [`Db::fact_rows`], but recomputed from the raw rows under a
    /// filter (product line, pipeline, account industry or region), which rollups do not keep.
    pub async fn filtered_fact_days(
        &self,
        people: Option<&[Uuid]>,
        from: NaiveDate,
        to: NaiveDate,
        filter: &crate::metrics::Filter,
    ) -> Result<Vec<(NaiveDate, Fact, String, i64)>> {
        let mut sql = format!(
            "SELECT f.day, f.fact, f.currency, CAST(SUM(f.value) AS BIGINT) FROM ({}) AS f \
             WHERE f.day >= $1 AND f.day <= $2",
            facts_sql_where(self.backend(), self.org_zone().await?, true)
        );
        if let Some(people) = people {
            if people.is_empty() {
                return Ok(Vec::new());
            }
            let list: Vec<String> = (0..people.len()).map(|i| format!("${}", i + 7)).collect();
            sql.push_str(&format!(" AND f.person_id IN ({})", list.join(", ")));
        }
        sql.push_str(" GROUP BY f.day, f.fact, f.currency ORDER BY f.day");
        let rows: Vec<(NaiveDate, String, String, i64)> = with_pool!(self, p => {
            let mut q = sqlx::query_as(sqlx::AssertSqlSafe(sql))
                .bind(from)
                .bind(to)
                .bind(&filter.product_line)
                .bind(filter.pipeline)
                .bind(&filter.industry)
                .bind(&filter.region);
            for id in people.unwrap_or_default() {
                q = q.bind(*id);
            }
            q.fetch_all(p).await?
        });
        Ok(rows
            .into_iter()
            .filter_map(|(day, fact, currency, v)| Some((day, Fact::parse(&fact)?, currency, v)))
            .collect())
    }

    /// Facts over `people` from `from` to `to` in as few rows as the rollups allow: each whole
    /// month as one row dated by its first day (from the monthly rollups), the ragged days
    /// before and after them day by day. Any bucket of whole months can sum them.
    pub async fn fact_rows_coarse(
        &self,
        people: Option<&[Uuid]>,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Vec<FactRow>> {
        let Some((first, last)) = whole_months(from, to) else {
            return self.fact_rows(Grain::Day, people, from, to, false).await;
        };
        let mut rows = Vec::new();
        if from < first {
            let before = first.pred_opt().expect("a day before");
            rows.extend(
                self.fact_rows(Grain::Day, people, from, before, false)
                    .await?,
            );
        }
        rows.extend(
            self.fact_rows(Grain::Month, people, first, last, false)
                .await?,
        );
        let after = next_month(last);
        if after <= to {
            rows.extend(self.fact_rows(Grain::Day, people, after, to, false).await?);
        }
        Ok(rows)
    }

    /// Facts summed over `people` and the whole period.
    pub async fn fact_totals(
        &self,
        people: Option<&[Uuid]>,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Totals> {
        let mut totals = Totals::default();
        for r in self.fact_rows_coarse(people, from, to).await? {
            totals.add(r.fact, &r.currency, r.value);
        }
        Ok(totals)
    }
}

#[cfg(test)]
mod tests {
    use super::whole_months;
    use chrono::NaiveDate;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn whole_months_are_the_ones_fully_inside_the_range() {
        assert_eq!(
            whole_months(d(2026, 10, 1), d(2026, 12, 31)),
            Some((d(2026, 10, 1), d(2026, 12, 1)))
        );
        assert_eq!(
            whole_months(d(2026, 10, 2), d(2026, 12, 30)),
            Some((d(2026, 11, 1), d(2026, 11, 1)))
        );
        assert_eq!(whole_months(d(2026, 10, 2), d(2026, 11, 29)), None);
        assert_eq!(
            whole_months(d(2026, 2, 1), d(2026, 2, 28)),
            Some((d(2026, 2, 1), d(2026, 2, 1)))
        );
        assert_eq!(whole_months(d(2026, 2, 1), d(2026, 2, 27)), None);
    }
}
