//! Reading the metric catalog (`keel_domain::metrics`) for a person, a team or the
//! organisation: flow metrics from the rollups, state metrics from the rows as they are now.
//! Who may measure whom follows the reporting line, like every other read.

use crate::rollups::{Grain, Scope};
use crate::sql::and_in;
use crate::visibility::{Actor, line_sql};
use crate::{Db, DbError, Result, with_pool};
use chrono::NaiveDate;
use keel_domain::metrics::{Kind, Metric, Totals};
use keel_domain::periods::{Bucket, buckets};
use sqlx::QueryBuilder;
use uuid::Uuid;

/// Open deals count as stalled after this many days in one stage, unless asked otherwise.
pub const STALLED_DAYS: u32 = 30;

/// Narrows a metric to deals of a product line or pipeline, or to accounts of an industry or
/// region. Rollups are kept per person only, so a filtered metric is recomputed from the raw
/// rows with the same definitions (slower, and only for the period asked).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Filter {
    pub product_line: Option<String>,
    pub pipeline: Option<Uuid>,
    pub industry: Option<String>,
    pub region: Option<String>,
}

impl Filter {
    pub fn is_empty(&self) -> bool {
        *self == Filter::default()
    }

    /// Whether `metric` can be filtered: flow metrics made of deals, activities and CSAT
    /// answers. Leads and pool claims have no deal or account to filter by; state metrics
    /// are read live from the rows without one.
    pub fn applies_to(metric: Metric) -> bool {
        metric.kind() == Kind::Flow
            && !matches!(metric, Metric::LeadsConverted | Metric::AccountsClaimed)
    }
}

/// A metric's value over a period (flow) or now (state).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Reading {
    /// In the metric's unit; `None` when there is nothing to average.
    pub value: Option<i64>,
    /// The currency of money metrics (the organisation's), empty otherwise.
    pub currency: String,
}

/// One bucket of a metric's history.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Point {
    pub start: NaiveDate,
    pub label: String,
    pub value: Option<i64>,
}

/// The inputs of a state metric.
#[derive(Clone, Copy, Debug)]
pub struct Now {
    pub today: NaiveDate,
    pub stalled_days: u32,
}

impl Db {
    /// The organisation's reporting currency.
    pub async fn org_currency(&self) -> Result<String> {
        let c: Option<String> = with_pool!(self, p => {
            sqlx::query_scalar("SELECT currency FROM organisation WHERE id = 1").fetch_optional(p).await?
        });
        Ok(c.unwrap_or_else(|| "CNY".into()))
    }

    /// Whether `actor` may see numbers about `scope`: their own line (a person in it, or a
    /// team whose lead is in it); the whole organisation for directors, admins and HR.
    pub async fn may_measure(&self, actor: &Actor, scope: Scope) -> Result<bool> {
        if actor.sees_everything() || actor.is_hr {
            return Ok(true);
        }
        let person = match scope {
            Scope::Org => return Ok(false),
            Scope::Person(p) => Some(p),
            Scope::Team(t) => {
                let lead: Option<Option<Uuid>> = with_pool!(self, p => {
                    sqlx::query_scalar("SELECT lead_id FROM teams WHERE id = $1").bind(t).fetch_optional(p).await?
                });
                lead.flatten()
            }
        };
        let Some(person) = person else {
            return Ok(false);
        };
        let sql = format!("SELECT COUNT(*) FROM {} AS l WHERE l.id = $2", line_sql(1));
        let n: i64 = with_pool!(self, p => {
            sqlx::query_scalar(sqlx::AssertSqlSafe(sql)).bind(actor.id).bind(person).fetch_one(p).await?
        });
        Ok(n > 0)
    }

    /// A metric for a scope the actor may measure (otherwise [`DbError::NotFound`]): a flow
    /// metric summed from `from` to `to` inclusive, a state metric as of `now`.
    pub async fn metric(
        &self,
        actor: &Actor,
        metric: Metric,
        scope: Scope,
        from: NaiveDate,
        to: NaiveDate,
        now: Now,
    ) -> Result<Reading> {
        self.metric_filtered(actor, metric, scope, from, to, now, &Filter::default())
            .await
    }

    /// [`Db::metric`] under a filter; [`DbError::Conflict`] `filter_not_applicable` for a
    /// metric [`Filter::applies_to`] excludes.
    #[allow(clippy::too_many_arguments)]
    pub async fn metric_filtered(
        &self,
        actor: &Actor,
        metric: Metric,
        scope: Scope,
        from: NaiveDate,
        to: NaiveDate,
        now: Now,
        filter: &Filter,
    ) -> Result<Reading> {
        if !filter.is_empty() && !Filter::applies_to(metric) {
            return Err(DbError::Conflict("filter_not_applicable"));
        }
        if !self.may_measure(actor, scope).await? {
            return Err(DbError::NotFound);
        }
        let people = self.scope_people(scope).await?;
        let currency = self.org_currency().await?;
        let value = match metric.kind() {
            Kind::Flow if filter.is_empty() => {
                let totals = self.fact_totals(people.as_deref(), from, to).await?;
                metric.from_totals(&totals, &currency)
            }
            Kind::Flow => {
                let mut totals = Totals::default();
                for (_, fact, cur, v) in self
                    .filtered_fact_days(people.as_deref(), from, to, filter)
                    .await?
                {
                    totals.add(fact, &cur, v);
                }
                metric.from_totals(&totals, &currency)
            }
            Kind::State => Some(
                self.state(metric, people.as_deref(), &currency, now)
                    .await?,
            ),
        };
        Ok(Reading {
            value,
            currency: if metric.unit() == keel_domain::metrics::Unit::Money {
                currency
            } else {
                String::new()
            },
        })
    }

    /// A flow metric per bucket (week, month or quarter) over `from`..=`to`; buckets at the
    /// edges count only their days inside the range. State metrics have no history.
    pub async fn metric_history(
        &self,
        actor: &Actor,
        metric: Metric,
        scope: Scope,
        from: NaiveDate,
        to: NaiveDate,
        bucket: Bucket,
    ) -> Result<Vec<Point>> {
        self.metric_history_filtered(actor, metric, scope, from, to, bucket, &Filter::default())
            .await
    }

    /// [`Db::metric_history`] under a filter.
    #[allow(clippy::too_many_arguments)]
    pub async fn metric_history_filtered(
        &self,
        actor: &Actor,
        metric: Metric,
        scope: Scope,
        from: NaiveDate,
        to: NaiveDate,
        bucket: Bucket,
        filter: &Filter,
    ) -> Result<Vec<Point>> {
        if !filter.is_empty() && !Filter::applies_to(metric) {
            return Err(DbError::Conflict("filter_not_applicable"));
        }
        if !self.may_measure(actor, scope).await? {
            return Err(DbError::NotFound);
        }
        if metric.kind() == Kind::State {
            return Ok(Vec::new());
        }
        let people = self.scope_people(scope).await?;
        let currency = self.org_currency().await?;
        // Rows no finer than the buckets need: weeks summed in SQL, whole months as months.
        let people = people.as_deref();
        let days = if !filter.is_empty() {
            self.filtered_fact_days(people, from, to, filter).await?
        } else {
            let rows = match bucket {
                Bucket::Week => self.fact_rows(Grain::Week, people, from, to, false).await?,
                Bucket::Month | Bucket::Quarter => self.fact_rows_coarse(people, from, to).await?,
            };
            rows.into_iter()
                .map(|r| (r.at, r.fact, r.currency, r.value))
                .collect()
        };
        let starts = buckets(from, to, bucket);
        let mut totals: Vec<Totals> = vec![Totals::default(); starts.len()];
        for (day, fact, cur, value) in days {
            // Days arrive sorted, but a binary search keeps this independent of that.
            let i = starts.partition_point(|s| *s <= day).saturating_sub(1);
            if let Some(t) = totals.get_mut(i) {
                t.add(fact, &cur, value);
            }
        }
        Ok(starts
            .into_iter()
            .zip(totals)
            .map(|(start, t)| Point {
                start,
                label: bucket.label(start),
                value: metric.from_totals(&t, &currency),
            })
            .collect())
    }

    async fn state(
        &self,
        metric: Metric,
        people: Option<&[Uuid]>,
        currency: &str,
        now: Now,
    ) -> Result<i64> {
        let stalled_since = self
            .org_zone()
            .await?
            .start_of(now.today - chrono::Duration::days(i64::from(now.stalled_days)));
        let value: i64 = with_pool!(self, p => {
            let mut q = match metric {
                // Amount × probability in hundredths; divided (rounded) below.
                Metric::WeightedPipeline => {
                    let mut q = QueryBuilder::new(
                        "SELECT CAST(COALESCE(SUM(d.amount_minor * s.probability), 0) AS BIGINT) FROM stages s \
                         CROSS JOIN deals d WHERE d.stage_id = s.id AND s.category = 'open' AND d.currency = ",
                    );
                    q.push_bind(currency.to_owned());
                    q
                }
                Metric::DealsStalled => {
                    let mut q = QueryBuilder::new(
                        "SELECT COUNT(*) FROM stages s CROSS JOIN deals d \
                         WHERE d.stage_id = s.id AND s.category = 'open' AND d.stage_entered_at < ",
                    );
                    q.push_bind(stalled_since);
                    q
                }
                Metric::OverdueTasks => {
                    let mut q = QueryBuilder::new(
                        "SELECT COUNT(*) FROM activities d WHERE d.kind = 'task' AND d.done_at IS NULL \
                         AND d.due_date < ",
                    );
                    q.push_bind(now.today);
                    q
                }
                _ => {
                    return Err(DbError::Unsupported(format!(
                        "{} is not a state metric",
                        metric.key()
                    )));
                }
            };
            and_in(&mut q, "d.owner_id", people);
            q.build_query_scalar().fetch_one(p).await?
        });
        Ok(match metric {
            Metric::WeightedPipeline => keel_domain::metrics::ratio(value, 100, 1).unwrap_or(0),
            _ => value,
        })
    }
}
