//! The director's dashboard: every panel's numbers for a scope (organisation, team or person)
//! and period, read from the rollups (whole months from the monthly ones) plus a few small
//! live queries for what describes the present (open pipeline, key-account visits, CSAT by
//! account). Visibility: the scope must be one the actor may measure.

use crate::rollups::{FactRow, Grain, Scope, month_of, next_month};
use crate::sql::and_in;
use crate::targets::ForecastRow;
use crate::visibility::Actor;
use crate::{Db, DbError, Result, with_pool};
use chrono::{Datelike, NaiveDate};
use keel_domain::goals::Status;
use keel_domain::metrics::{Fact, Metric, Totals};
use keel_domain::periods::{Bucket, Period};
use sqlx::QueryBuilder;
use std::collections::{BTreeMap, HashMap};
use uuid::Uuid;

/// What a period is compared with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Compare {
    Previous,
    LastYear,
}

/// The metrics shown as tiles, with the comparison period's value beside each.
pub const TILES: [Metric; 9] = [
    Metric::WonRevenue,
    Metric::DealsWon,
    Metric::WinRate,
    Metric::NewPipeline,
    Metric::AvgDealSize,
    Metric::AvgCycleDays,
    Metric::Visits,
    Metric::CsatAverage,
    Metric::Nps,
];

/// Accounts tagged with one of these are the key accounts whose visit coverage is shown.
pub const KEY_TAGS: [&str; 3] = ["vip", "key", "重点"];

#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Tile {
    pub metric: &'static str,
    pub value: Option<i64>,
    pub compare: Option<i64>,
}

#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct StageRow {
    pub stage_id: Uuid,
    pub name: String,
    pub name_en: String,
    pub probability: i32,
    pub count: i64,
    pub amount: i64,
    /// Amount × probability, rounded to whole minor units.
    pub weighted: i64,
}

/// Won revenue in one calendar month of the period's year and of the year before.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct MonthPair {
    pub month: u32,
    pub this_year: i64,
    pub last_year: i64,
}

#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct TrendPoint {
    /// `2026-11`.
    pub label: String,
    pub value: Option<i64>,
}

/// One person's activities per week of the period: calls, meetings, visits, e-mails.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct HeatRow {
    pub person_id: Uuid,
    pub name: String,
    pub weeks: Vec<[i64; 4]>,
}

#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Coverage {
    pub key_accounts: i64,
    pub visited: i64,
    /// Key accounts not visited in the period (the first few, by name).
    pub unvisited: Vec<(Uuid, String)>,
}

#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct LowAccount {
    pub account_id: Uuid,
    pub name: String,
    /// CSAT average in hundredths.
    pub csat: i64,
    pub answers: i64,
}

/// Check-ins of one week: how many of the scope's reps and managers checked in, and their
/// average mood (hundredths; the viewer is up the reporting chain of everyone in the scope).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct CheckinWeek {
    pub week: NaiveDate,
    pub expected: i64,
    pub submitted: i64,
    pub mood: Option<i64>,
}

#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct GoalLine {
    pub goal_id: Uuid,
    pub title: String,
    pub status: &'static str,
}

#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Dashboard {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub compare_from: NaiveDate,
    pub compare_to: NaiveDate,
    pub currency: String,
    pub tiles: Vec<Tile>,
    /// The scope root's direct reports (or the root alone), from the forecast.
    pub attainment: Vec<ForecastRow>,
    /// The scope root's forecast line.
    pub forecast: Option<ForecastRow>,
    pub pipeline: Vec<StageRow>,
    pub won_by_month: Vec<MonthPair>,
    pub win_rate: Vec<TrendPoint>,
    pub cycle: Vec<TrendPoint>,
    pub csat: Vec<TrendPoint>,
    pub nps: Vec<TrendPoint>,
    /// Week starts (Mondays) of the heatmap's columns.
    pub weeks: Vec<NaiveDate>,
    pub heatmap: Vec<HeatRow>,
    pub coverage: Coverage,
    pub lowest_csat: Vec<LowAccount>,
    /// Goals of the scope in the period, by status.
    pub goals: Vec<GoalLine>,
    /// Check-in completion and mood per week of the period.
    pub checkins: Vec<CheckinWeek>,
}

/// Months from `first` to `last` (month starts), inclusive.
fn months(first: NaiveDate, last: NaiveDate) -> Vec<NaiveDate> {
    let mut out = Vec::new();
    let mut m = month_of(first);
    while m <= last {
        out.push(m);
        m = next_month(m);
    }
    out
}

fn totals_by_month(rows: &[FactRow]) -> BTreeMap<NaiveDate, Totals> {
    let mut out: BTreeMap<NaiveDate, Totals> = BTreeMap::new();
    for r in rows {
        out.entry(r.at)
            .or_default()
            .add(r.fact, &r.currency, r.value);
    }
    out
}

impl Db {
    pub async fn dashboard(
        &self,
        actor: &Actor,
        scope: Scope,
        period: &Period,
        compare: Compare,
        today: NaiveDate,
    ) -> Result<Dashboard> {
        if !self.may_measure(actor, scope).await? {
            return Err(DbError::NotFound);
        }
        let people = self.scope_people(scope).await?;
        let people = people.as_deref();
        let currency = self.org_currency().await?;
        let (from, to) = (period.start, period.end);
        let other = match compare {
            Compare::Previous => period.previous(),
            Compare::LastYear => period.same_last_year(),
        };

        // Monthly trends: this calendar year and the last (won revenue), and the twelve
        // months up to the period's end (rates and averages).
        let year = to.year();
        let trend_first = month_of(to)
            .checked_sub_months(chrono::Months::new(11))
            .expect("a date");
        let first = NaiveDate::from_ymd_opt(year - 1, 1, 1)
            .expect("a date")
            .min(trend_first);
        let last = NaiveDate::from_ymd_opt(year, 12, 1).expect("a date");
        let trend_facts = [
            Fact::WonAmount,
            Fact::DealsWon,
            Fact::DealsLost,
            Fact::CycleDays,
            Fact::CsatSum,
            Fact::CsatCount,
            Fact::NpsCount,
            Fact::NpsPromoters,
            Fact::NpsDetractors,
        ];

        // The panels are independent: their queries run side by side on the pool's
        // connections (for SQLite, each its own thread), so a dashboard computed from scratch
        // takes about as long as its slowest panel instead of the sum of them all.
        let (now, then, monthly, lines, pipeline, heatmap, coverage, lowest_csat, goals, checkins) =
            tokio::try_join!(
                self.fact_totals(people, from, to),
                self.fact_totals(people, other.start, other.end),
                self.fact_rows_of(Grain::Month, people, first, last, false, &trend_facts),
                self.forecast_lines(actor, scope, period),
                self.open_pipeline(people, &currency),
                self.heatmap(actor, people, from, to),
                self.coverage(people, from, to),
                self.lowest_csat(people, from, to),
                self.goal_mix(actor, people, scope, period, today),
                self.checkin_weeks(people, from, to),
            )?;

        let tiles = TILES
            .iter()
            .map(|m| Tile {
                metric: m.key(),
                value: m.from_totals(&now, &currency),
                compare: m.from_totals(&then, &currency),
            })
            .collect();
        let by_month = totals_by_month(&monthly);
        let empty = Totals::default();
        let won_in = |y: i32, m: u32| {
            let start = NaiveDate::from_ymd_opt(y, m, 1).expect("a month");
            by_month
                .get(&start)
                .map(|t| t.money(Fact::WonAmount, &currency))
                .unwrap_or(0)
        };
        let won_by_month = (1..=12)
            .map(|m| MonthPair {
                month: m,
                this_year: won_in(year, m),
                last_year: won_in(year - 1, m),
            })
            .collect();
        let trend = |metric: Metric| -> Vec<TrendPoint> {
            months(trend_first, month_of(to))
                .into_iter()
                .map(|m| TrendPoint {
                    label: Bucket::Month.label(m),
                    value: metric.from_totals(by_month.get(&m).unwrap_or(&empty), &currency),
                })
                .collect()
        };
        let (forecast, attainment) = lines;
        Ok(Dashboard {
            from,
            to,
            compare_from: other.start,
            compare_to: other.end,
            tiles,
            attainment,
            forecast,
            pipeline,
            won_by_month,
            win_rate: trend(Metric::WinRate),
            cycle: trend(Metric::AvgCycleDays),
            csat: trend(Metric::CsatAverage),
            nps: trend(Metric::Nps),
            weeks: keel_domain::periods::buckets(from, to, Bucket::Week),
            heatmap,
            coverage,
            lowest_csat,
            goals,
            checkins,
            currency,
        })
    }

    /// The forecast line of the scope's root, and those of its direct reports (or the root
    /// alone when it has none) for the attainment bars.
    async fn forecast_lines(
        &self,
        actor: &Actor,
        scope: Scope,
        period: &Period,
    ) -> Result<(Option<ForecastRow>, Vec<ForecastRow>)> {
        let root = match scope {
            Scope::Org => None,
            Scope::Person(p) => Some(p),
            Scope::Team(t) => self
                .teams()
                .await?
                .into_iter()
                .find(|x| x.id == t)
                .and_then(|x| x.lead_id),
        };
        let rows = match (scope, root) {
            (Scope::Team(_), None) => Vec::new(),
            _ => self.forecast(actor, period, root).await?,
        };
        let forecast = rows.iter().find(|r| r.depth == 0).cloned();
        let children: Vec<ForecastRow> = rows.iter().filter(|r| r.depth == 1).cloned().collect();
        let attainment = if children.is_empty() {
            forecast.iter().cloned().collect()
        } else {
            children
        };
        Ok((forecast, attainment))
    }

    /// Open deals now, by stage: count, amount and weighted amount, in the organisation's
    /// currency, stages in pipeline order.
    async fn open_pipeline(
        &self,
        people: Option<&[Uuid]>,
        currency: &str,
    ) -> Result<Vec<StageRow>> {
        type Row = (Uuid, String, String, i32, i64, i64);
        let rows: Vec<Row> = with_pool!(self, p => {
            let mut q = QueryBuilder::new(
                "SELECT s.id, s.name, s.name_en, s.probability, COUNT(*), CAST(SUM(d.amount_minor) AS BIGINT) \
                 FROM stages s JOIN pipelines pl ON pl.id = s.pipeline_id CROSS JOIN deals d \
                 WHERE d.stage_id = s.id AND s.category = 'open' AND d.currency = ",
            );
            q.push_bind(currency.to_owned());
            and_in(&mut q, "d.owner_id", people);
            q.push(
                " GROUP BY s.id, s.name, s.name_en, s.probability, pl.position, s.position \
                 ORDER BY pl.position, s.position",
            );
            q.build_query_as().fetch_all(p).await?
        });
        Ok(rows
            .into_iter()
            .map(
                |(stage_id, name, name_en, probability, count, amount)| StageRow {
                    stage_id,
                    name,
                    name_en,
                    probability,
                    count,
                    amount,
                    weighted: keel_domain::metrics::ratio(amount * i64::from(probability), 100, 1)
                        .unwrap_or(0),
                },
            )
            .collect())
    }

    /// Calls, meetings, visits and e-mails per person and ISO week of the period, for the
    /// people of the scope who did any (everyone's rows for a person scope).
    async fn heatmap(
        &self,
        actor: &Actor,
        people: Option<&[Uuid]>,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Vec<HeatRow>> {
        let weeks = keel_domain::periods::buckets(from, to, Bucket::Week);
        let kinds = [Fact::Calls, Fact::Meetings, Fact::Visits, Fact::Emails];
        let rows = self
            .fact_rows_of(Grain::Week, people, from, to, true, &kinds)
            .await?;
        let mut cells: HashMap<Uuid, Vec<[i64; 4]>> = HashMap::new();
        for r in rows {
            let (Some(person), Some(k)) = (r.person, kinds.iter().position(|f| *f == r.fact))
            else {
                continue;
            };
            let w = weeks.partition_point(|s| *s <= r.at).saturating_sub(1);
            let row = cells
                .entry(person)
                .or_insert_with(|| vec![[0; 4]; weeks.len()]);
            if let Some(cell) = row.get_mut(w) {
                cell[k] += r.value;
            }
        }
        let names: HashMap<Uuid, (String, String)> = self
            .everyone(actor)
            .await?
            .into_iter()
            .map(|p| (p.id, (p.name, p.team_name.unwrap_or_default())))
            .collect();
        let mut out: Vec<HeatRow> = cells
            .into_iter()
            .map(|(person_id, weeks)| HeatRow {
                person_id,
                name: names
                    .get(&person_id)
                    .map(|n| n.0.clone())
                    .unwrap_or_default(),
                weeks,
            })
            .collect();
        out.sort_by(|a, b| {
            let team = |r: &HeatRow| {
                names
                    .get(&r.person_id)
                    .map(|n| n.1.clone())
                    .unwrap_or_default()
            };
            team(a).cmp(&team(b)).then_with(|| a.name.cmp(&b.name))
        });
        Ok(out)
    }

    /// Key accounts (tagged vip, key or 重点) owned in the scope, and which had a visit.
    async fn coverage(
        &self,
        people: Option<&[Uuid]>,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Coverage> {
        let key = KEY_TAGS
            .iter()
            .map(|t| format!("(',' || a.tags || ',') LIKE '%,{t},%'"))
            .collect::<Vec<_>>()
            .join(" OR ");
        let (start, end) = self.org_zone().await?.range(from, to);
        let mut rows: Vec<(Uuid, String, i32)> = with_pool!(self, p => {
            let mut q = QueryBuilder::new(
                "SELECT a.id, a.name, CASE WHEN EXISTS (SELECT 1 FROM activities x WHERE x.account_id = a.id \
                 AND x.kind = 'visit' AND x.at >= ",
            );
            q.push_bind(start).push(" AND x.at < ").push_bind(end);
            q.push(format!(") THEN 1 ELSE 0 END FROM accounts a WHERE a.tags <> '' AND ({key})"));
            and_in(&mut q, "a.owner_id", people);
            q.build_query_as().fetch_all(p).await?
        });
        // Sorted here: asked to sort, SQLite walks every account in name order instead of
        // the few tagged ones.
        rows.sort_by(|a, b| a.1.cmp(&b.1).then(a.0.cmp(&b.0)));
        Ok(Coverage {
            key_accounts: rows.len() as i64,
            visited: rows.iter().filter(|r| r.2 == 1).count() as i64,
            unvisited: rows
                .into_iter()
                .filter(|r| r.2 == 0)
                .take(8)
                .map(|r| (r.0, r.1))
                .collect(),
        })
    }

    /// The accounts with the lowest CSAT average in the period (at least one answer).
    async fn lowest_csat(
        &self,
        people: Option<&[Uuid]>,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Vec<LowAccount>> {
        let (start, end) = self.org_zone().await?.range(from, to);
        let rows: Vec<(Uuid, String, i64, i64)> = with_pool!(self, p => {
            let mut q = QueryBuilder::new(
                "SELECT s.account_id, a.name, CAST(SUM(s.score) AS BIGINT), COUNT(*) FROM satisfaction s \
                 JOIN accounts a ON a.id = s.account_id WHERE s.kind = 'csat' AND s.at >= ",
            );
            q.push_bind(start).push(" AND s.at < ").push_bind(end);
            and_in(&mut q, "s.owner_id", people);
            q.push(" GROUP BY s.account_id, a.name ORDER BY SUM(s.score) * 1000 / COUNT(*), a.name LIMIT 5");
            q.build_query_as().fetch_all(p).await?
        });
        Ok(rows
            .into_iter()
            .map(|(account_id, name, sum, answers)| LowAccount {
                account_id,
                name,
                csat: keel_domain::metrics::ratio(sum, answers, 100).unwrap_or(0),
                answers,
            })
            .collect())
    }

    /// Per ISO week touching the period: the scope's active reps and managers, how many
    /// checked in (a check-in counts in the week its cycle starts), and their average mood.
    async fn checkin_weeks(
        &self,
        people: Option<&[Uuid]>,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Vec<CheckinWeek>> {
        let expected: i64 = with_pool!(self, p => {
            let mut q = QueryBuilder::new(
                "SELECT COUNT(*) FROM people p WHERE p.active AND p.role IN ('member', 'manager')",
            );
            and_in(&mut q, "p.id", people);
            q.build_query_scalar().fetch_one(p).await?
        });
        let weeks = keel_domain::periods::buckets(from, to, Bucket::Week);
        // Whole weeks: the first one may start before the period does.
        let first = weeks.first().copied().unwrap_or(from);
        let rows: Vec<(NaiveDate, i32)> = with_pool!(self, p => {
            let mut q = QueryBuilder::new(
                "SELECT c.cycle_start, c.mood FROM checkins c JOIN people p ON p.id = c.person_id \
                 WHERE c.cycle_start >= ",
            );
            q.push_bind(first).push(" AND c.cycle_start <= ").push_bind(to);
            q.push(" AND p.active AND p.role IN ('member', 'manager')");
            and_in(&mut q, "c.person_id", people);
            q.build_query_as().fetch_all(p).await?
        });
        let mut sums = vec![(0_i64, 0_i64); weeks.len()];
        for (start, mood) in rows {
            let w = weeks.partition_point(|s| *s <= start).saturating_sub(1);
            if let Some(cell) = sums.get_mut(w) {
                cell.0 += 1;
                cell.1 += i64::from(mood);
            }
        }
        Ok(weeks
            .into_iter()
            .zip(sums)
            .map(|(week, (submitted, mood))| CheckinWeek {
                week,
                expected,
                submitted,
                mood: keel_domain::metrics::ratio(mood, submitted, 100),
            })
            .collect())
    }

    /// The scope's goals whose period overlaps this one, with their status, as the actor may
    /// see them.
    async fn goal_mix(
        &self,
        actor: &Actor,
        people: Option<&[Uuid]>,
        scope: Scope,
        period: &Period,
        today: NaiveDate,
    ) -> Result<Vec<GoalLine>> {
        use crate::goals::{GoalQuery, Owner};
        let goals = self.goals(actor, &GoalQuery::default()).await?;
        let teams: Vec<Uuid> = match scope {
            Scope::Team(t) => vec![t],
            _ => Vec::new(),
        };
        let mine: Vec<_> = goals
            .into_iter()
            .filter(|g| g.input.period.start <= period.end && g.input.period.end >= period.start)
            .filter(|g| match (g.input.owner, people) {
                (_, None) => true,
                (Owner::Person(p), Some(ids)) => ids.contains(&p),
                (Owner::Team(t), Some(_)) => teams.contains(&t),
                (Owner::Org, Some(_)) => false,
            })
            .collect();
        let ids: Vec<Uuid> = mine.iter().map(|g| g.id).collect();
        let standings = self.goal_standings(&ids, today).await?;
        let mut out: Vec<GoalLine> = mine
            .into_iter()
            .map(|g| GoalLine {
                goal_id: g.id,
                status: standings
                    .get(&g.id)
                    .and_then(|s| s.status)
                    .map(Status::as_str)
                    .unwrap_or("none"),
                title: g.input.title,
            })
            .collect();
        out.sort_by(|a, b| a.status.cmp(b.status).then_with(|| a.title.cmp(&b.title)));
        Ok(out)
    }
}
