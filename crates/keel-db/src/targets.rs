//! Sales targets (quotas) and the forecast measured against them.
//!
//! A target belongs to a person for a period and a metric (won revenue unless chosen
//! otherwise) and covers their whole reporting line: a manager's target is their team's.
//! Targets are set top-down: only someone above the person (or an admin) may set one, never
//! the person themselves. Achievement comes from the rollups, pipeline from the open deals.

use crate::visibility::Actor;
use crate::{Db, DbError, Result, audit, with_pool, with_tx};
use chrono::{DateTime, Utc};
use keel_domain::metrics::{Fact, Metric};
use keel_domain::periods::Period;
use keel_domain::{ids::new_id, time::now};
use std::collections::HashMap;
use uuid::Uuid;

#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct Target {
    pub id: Uuid,
    pub person_id: Uuid,
    pub person_name: String,
    pub period: String,
    pub metric: String,
    pub value: i64,
    pub set_by: Uuid,
    pub set_by_name: String,
    pub updated_at: DateTime<Utc>,
}

/// How a manager's target is divided among their direct reports.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Split {
    Equal,
    /// In proportion to what each achieved in the previous period (equal when nobody did).
    LastPeriod,
}

/// Divides `total` into shares proportional to `weights`, whole units only, the remainder
/// going to the largest weights first so the shares always add up to the total exactly.
pub fn apportion(total: i64, weights: &[i64]) -> Vec<i64> {
    let sum: i128 = weights.iter().map(|w| i128::from((*w).max(0))).sum();
    if weights.is_empty() {
        return Vec::new();
    }
    if sum == 0 {
        return apportion(total, &vec![1; weights.len()]);
    }
    let mut shares: Vec<i64> = weights
        .iter()
        .map(|w| (i128::from(total) * i128::from((*w).max(0)) / sum) as i64)
        .collect();
    let mut left = total - shares.iter().sum::<i64>();
    let mut order: Vec<usize> = (0..weights.len()).collect();
    order.sort_by_key(|i| (std::cmp::Reverse(weights[*i]), *i));
    for i in order.into_iter().cycle() {
        if left == 0 {
            break;
        }
        shares[i] += left.signum();
        left -= left.signum();
    }
    shares
}

/// One person's line of the forecast: their own and their whole reporting line's numbers.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ForecastRow {
    pub person_id: Uuid,
    pub name: String,
    pub manager_id: Option<Uuid>,
    /// Depth below the row the view starts from.
    pub depth: usize,
    pub target: Option<i64>,
    /// Won revenue in the period (organisation currency), over the person's line.
    pub achieved: i64,
    /// Open deals expected to close in the period: amount, and amount × stage probability.
    pub pipeline: i64,
    pub weighted: i64,
    /// Achieved ÷ target, and the shortfall ÷ target, in permille; `None` without a target.
    pub achieved_permille: Option<i64>,
    pub shortage_permille: Option<i64>,
    /// People reporting to this one (for drilling down).
    pub reports: usize,
}

impl Db {
    /// Whether `actor` may set `person`'s targets: admins anyone's; others only those strictly
    /// below them in the reporting line. Never one's own.
    pub async fn may_set_target(&self, actor: &Actor, person: Uuid) -> Result<bool> {
        if actor.id == person {
            return Ok(false);
        }
        if actor.role == keel_domain::roles::Role::Admin {
            return Ok(true);
        }
        let line = self.reporting_line(actor.id).await?;
        Ok(line.contains(&person))
    }

    /// Sets (or replaces) a target. Refused for oneself and for anyone not below the actor.
    pub async fn set_target(
        &self,
        actor: &Actor,
        person: Uuid,
        period: &Period,
        metric: Metric,
        value: i64,
    ) -> Result<()> {
        if !(0..=crate::deals::MAX_AMOUNT_MINOR).contains(&value) {
            return Err(DbError::Conflict("invalid_target"));
        }
        if !self.may_set_target(actor, person).await? {
            return Err(if actor.id == person {
                DbError::Conflict("target_own")
            } else {
                DbError::Forbidden
            });
        }
        let currency = self.org_currency().await?;
        let at = now();
        let mut tx = self.begin_write().await?;
        let old: Option<i64> = with_tx!(&mut tx, c => {
            let old = sqlx::query_scalar(
                "SELECT value FROM targets WHERE person_id = $1 AND period = $2 AND metric = $3",
            )
            .bind(person)
            .bind(period.label())
            .bind(metric.key())
            .fetch_optional(&mut *c)
            .await?;
            sqlx::query(
                "INSERT INTO targets (id, person_id, period, period_start, period_end, metric, value, set_by, created_at, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9) \
                 ON CONFLICT (person_id, period, metric) DO UPDATE SET value = excluded.value, \
                 set_by = excluded.set_by, updated_at = excluded.updated_at",
            )
            .bind(new_id())
            .bind(person)
            .bind(period.label())
            .bind(period.start)
            .bind(period.end)
            .bind(metric.key())
            .bind(value)
            .bind(actor.id)
            .bind(at)
            .execute(&mut *c)
            .await?;
            old
        });
        crate::notifications::target_set(
            &mut tx, actor.id, person, period, metric, value, &currency, at,
        )
        .await?;
        let entry = audit::Entry {
            actor: Some(actor.id),
            action: "update",
            entity: "target",
            entity_id: Some(person),
            summary: format!(
                "{} {}: {} -> {value}",
                period.label(),
                metric.key(),
                old.map(|v| v.to_string()).unwrap_or_else(|| "none".into())
            ),
        };
        audit::record(&mut tx, entry, at).await?;
        tx.commit().await
    }

    /// The targets of a period and metric the actor may see (their line's, or all).
    pub async fn targets(
        &self,
        actor: &Actor,
        period: &Period,
        metric: Metric,
    ) -> Result<Vec<Target>> {
        let rows: Vec<Target> = with_pool!(self, p => {
            sqlx::query_as(
                "SELECT t.id, t.person_id, p.name AS person_name, t.period, t.metric, t.value, t.set_by, \
                 s.name AS set_by_name, t.updated_at FROM targets t JOIN people p ON p.id = t.person_id \
                 JOIN people s ON s.id = t.set_by WHERE t.period = $1 AND t.metric = $2 ORDER BY p.sort_key, p.id",
            )
            .bind(period.label())
            .bind(metric.key())
            .fetch_all(p)
            .await?
        });
        if actor.sees_everything() || actor.is_hr {
            return Ok(rows);
        }
        let line = self.reporting_line(actor.id).await?;
        Ok(rows
            .into_iter()
            .filter(|t| line.contains(&t.person_id))
            .collect())
    }

    /// Divides `manager`'s target among their direct reports and stores the shares, in one
    /// transaction through [`Db::set_target`]'s rules.
    pub async fn split_target(
        &self,
        actor: &Actor,
        manager: Uuid,
        period: &Period,
        metric: Metric,
        how: Split,
    ) -> Result<Vec<(Uuid, i64)>> {
        let total = self
            .targets(actor, period, metric)
            .await?
            .into_iter()
            .find(|t| t.person_id == manager)
            .map(|t| t.value)
            .ok_or(DbError::Conflict("target_missing"))?;
        let reports: Vec<Uuid> = with_pool!(self, p => {
            sqlx::query_scalar("SELECT id FROM people WHERE manager_id = $1 AND active ORDER BY sort_key, id")
                .bind(manager)
                .fetch_all(p)
                .await?
        });
        if reports.is_empty() {
            return Err(DbError::Conflict("no_reports"));
        }
        let weights = match how {
            Split::Equal => vec![1; reports.len()],
            Split::LastPeriod => {
                let prev = period.previous();
                let mut w = Vec::new();
                for r in &reports {
                    let line = self.reporting_line(*r).await?;
                    let totals = self.fact_totals(Some(&line), prev.start, prev.end).await?;
                    let currency = self.org_currency().await?;
                    w.push(metric.from_totals(&totals, &currency).unwrap_or(0));
                }
                w
            }
        };
        let shares: Vec<(Uuid, i64)> = reports
            .into_iter()
            .zip(apportion(total, &weights))
            .collect();
        for (person, value) in &shares {
            self.set_target(actor, *person, period, metric, *value)
                .await?;
        }
        Ok(shares)
    }

    /// The forecast of a period: one row per person from `root` down (everyone from the top
    /// when `None`), limited to what the actor may see, in reporting-line order.
    pub async fn forecast(
        &self,
        actor: &Actor,
        period: &Period,
        root: Option<Uuid>,
    ) -> Result<Vec<ForecastRow>> {
        let people = self.everyone(actor).await?;
        let visible: Option<Vec<Uuid>> = if actor.sees_everything() || actor.is_hr {
            None
        } else {
            Some(self.reporting_line(actor.id).await?)
        };
        let may = |id: Uuid| visible.as_ref().is_none_or(|v| v.contains(&id));
        // Those who do not see everything start from themselves.
        let root = root.or(visible.is_some().then_some(actor.id));
        if root.is_some_and(|r| !may(r)) {
            return Err(DbError::NotFound);
        }
        let currency = self.org_currency().await?;
        // Own numbers per person.
        let won: Vec<(Uuid, i64)> = with_pool!(self, p => {
            sqlx::query_as(
                "SELECT person_id, CAST(SUM(value) AS BIGINT) FROM rollups WHERE fact = $1 AND currency = $2 \
                 AND day >= $3 AND day <= $4 GROUP BY person_id",
            )
            .bind(Fact::WonAmount.key())
            .bind(&currency)
            .bind(period.start)
            .bind(period.end)
            .fetch_all(p)
            .await?
        });
        let open: Vec<(Uuid, i64, i64)> = with_pool!(self, p => {
            sqlx::query_as(
                "SELECT d.owner_id, CAST(SUM(d.amount_minor) AS BIGINT), CAST(SUM(d.amount_minor * s.probability) AS BIGINT) \
                 FROM stages s CROSS JOIN deals d WHERE d.stage_id = s.id AND s.category = 'open' AND d.currency = $1 \
                 AND d.expected_close >= $2 AND d.expected_close <= $3 GROUP BY d.owner_id",
            )
            .bind(&currency)
            .bind(period.start)
            .bind(period.end)
            .fetch_all(p)
            .await?
        });
        let targets: HashMap<Uuid, i64> = self
            .targets(actor, period, Metric::WonRevenue)
            .await?
            .into_iter()
            .map(|t| (t.person_id, t.value))
            .collect();
        let won: HashMap<Uuid, i64> = won.into_iter().collect();
        let open: HashMap<Uuid, (i64, i64)> =
            open.into_iter().map(|(o, a, w)| (o, (a, w))).collect();

        // Children by manager, and each subtree's sums, depth first from the root(s).
        let mut children: HashMap<Option<Uuid>, Vec<&crate::people::Person>> = HashMap::new();
        for p in &people {
            children.entry(p.manager_id).or_default().push(p);
        }
        let starts: Vec<&crate::people::Person> = match root {
            Some(r) => people.iter().filter(|p| p.id == r).collect(),
            None => children.get(&None).cloned().unwrap_or_default(),
        };
        let mut rows = Vec::new();
        for start in starts {
            walk(start, 0, &children, &won, &open, &targets, &mut rows);
        }
        Ok(rows)
    }
}

/// Appends `p`'s row and its subtree's rows; returns the subtree's (won, pipeline, weighted
/// in hundredths).
fn walk(
    p: &crate::people::Person,
    depth: usize,
    children: &HashMap<Option<Uuid>, Vec<&crate::people::Person>>,
    won: &HashMap<Uuid, i64>,
    open: &HashMap<Uuid, (i64, i64)>,
    targets: &HashMap<Uuid, i64>,
    rows: &mut Vec<ForecastRow>,
) -> (i64, i64, i64) {
    let at = rows.len();
    let reports = children.get(&Some(p.id)).map(Vec::len).unwrap_or(0);
    rows.push(ForecastRow {
        person_id: p.id,
        name: p.name.clone(),
        manager_id: p.manager_id,
        depth,
        target: targets.get(&p.id).copied(),
        achieved: 0,
        pipeline: 0,
        weighted: 0,
        achieved_permille: None,
        shortage_permille: None,
        reports,
    });
    let (o_amount, o_weighted) = open.get(&p.id).copied().unwrap_or((0, 0));
    let mut sums = (won.get(&p.id).copied().unwrap_or(0), o_amount, o_weighted);
    for c in children.get(&Some(p.id)).into_iter().flatten() {
        let (w, a, wt) = walk(c, depth + 1, children, won, open, targets, rows);
        sums = (sums.0 + w, sums.1 + a, sums.2 + wt);
    }
    let row = &mut rows[at];
    row.achieved = sums.0;
    row.pipeline = sums.1;
    row.weighted = keel_domain::metrics::ratio(sums.2, 100, 1).unwrap_or(0);
    if let Some(t) = row.target.filter(|t| *t > 0) {
        row.achieved_permille = keel_domain::metrics::ratio(sums.0, t, 1000);
        row.shortage_permille = keel_domain::metrics::ratio((t - sums.0).max(0), t, 1000);
    }
    sums
}

#[cfg(test)]
mod tests {
    use super::apportion;

    #[test]
    fn shares_always_add_up_to_the_whole() {
        assert_eq!(apportion(100, &[1, 1, 1]), vec![34, 33, 33]);
        assert_eq!(apportion(1000, &[0, 0]), vec![500, 500]);
        assert_eq!(apportion(10, &[3, 1]), vec![8, 2]);
        assert_eq!(apportion(7, &[]), Vec::<i64>::new());
        for total in [0, 1, 99, 1_000_003] {
            let w = [5, 0, 17, 3];
            assert_eq!(apportion(total, &w).iter().sum::<i64>(), total);
        }
    }
}
