//! The metric catalog: what keel measures from CRM data, and how.
//!
//! Flow metrics (revenue won, calls made ...) are sums of *facts*: small counters that each CRM
//! row contributes to its owner on one day. keel keeps the facts summed per person × day
//! ("rollups", kept by keel-db in the same transaction as the row), so a metric over any period
//! and any group of people is a sum over at most people × days rows, never a scan of deals.
//! State metrics (weighted pipeline, stalled deals, overdue tasks) describe the present rather
//! than a period and are read from the rows themselves.
//!
//! Credit follows the record's current owner: a reassigned deal moves its revenue to the new
//! owner, as in Zoho CRM's reports. Days are UTC calendar days.

use crate::pipeline::Category;
use chrono::NaiveDate;
use std::collections::BTreeMap;
use uuid::Uuid;

/// A counter a CRM row contributes to its owner on one day. The key is stored in the database.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Fact {
    /// Deals created, counted on their creation day.
    DealsCreated,
    /// Amount of the deals created (per currency).
    CreatedAmount,
    /// Deals won, on the day they were closed.
    DealsWon,
    /// Amount won (per currency), on the close day.
    WonAmount,
    DealsLost,
    /// Days from creation to close, summed over won deals.
    CycleDays,
    Calls,
    Meetings,
    Emails,
    Visits,
    Tasks,
    /// Tasks with a due date, counted on that date.
    TasksDue,
    /// Of those, tasks done on or before the due date.
    TasksOnTime,
    LeadsConverted,
    AccountsClaimed,
    LeadsClaimed,
    CsatSum,
    CsatCount,
    /// NPS answers of 9–10.
    NpsPromoters,
    /// NPS answers of 0–6.
    NpsDetractors,
    NpsCount,
}

impl Fact {
    pub const ALL: [Fact; 21] = [
        Fact::DealsCreated,
        Fact::CreatedAmount,
        Fact::DealsWon,
        Fact::WonAmount,
        Fact::DealsLost,
        Fact::CycleDays,
        Fact::Calls,
        Fact::Meetings,
        Fact::Emails,
        Fact::Visits,
        Fact::Tasks,
        Fact::TasksDue,
        Fact::TasksOnTime,
        Fact::LeadsConverted,
        Fact::AccountsClaimed,
        Fact::LeadsClaimed,
        Fact::CsatSum,
        Fact::CsatCount,
        Fact::NpsPromoters,
        Fact::NpsDetractors,
        Fact::NpsCount,
    ];

    pub fn key(self) -> &'static str {
        match self {
            Fact::DealsCreated => "deals_created",
            Fact::CreatedAmount => "created_amount",
            Fact::DealsWon => "deals_won",
            Fact::WonAmount => "won_amount",
            Fact::DealsLost => "deals_lost",
            Fact::CycleDays => "cycle_days",
            Fact::Calls => "calls",
            Fact::Meetings => "meetings",
            Fact::Emails => "emails",
            Fact::Visits => "visits",
            Fact::Tasks => "tasks",
            Fact::TasksDue => "tasks_due",
            Fact::TasksOnTime => "tasks_on_time",
            Fact::LeadsConverted => "leads_converted",
            Fact::AccountsClaimed => "accounts_claimed",
            Fact::LeadsClaimed => "leads_claimed",
            Fact::CsatSum => "csat_sum",
            Fact::CsatCount => "csat_count",
            Fact::NpsPromoters => "nps_promoters",
            Fact::NpsDetractors => "nps_detractors",
            Fact::NpsCount => "nps_count",
        }
    }

    pub fn parse(key: &str) -> Option<Fact> {
        Fact::ALL.into_iter().find(|f| f.key() == key)
    }

    /// Money facts are kept per currency; the others under the empty currency.
    pub fn is_money(self) -> bool {
        matches!(self, Fact::CreatedAmount | Fact::WonAmount)
    }
}

/// One row's share of one fact.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Contribution {
    pub person: Uuid,
    pub day: NaiveDate,
    pub fact: Fact,
    /// The currency of a money fact, empty otherwise.
    pub currency: String,
    pub value: i64,
}

fn one(person: Uuid, day: NaiveDate, fact: Fact, value: i64) -> Contribution {
    Contribution {
        person,
        day,
        fact,
        currency: String::new(),
        value,
    }
}

/// What a deal contributes: its creation, and its close when won or lost.
#[derive(Clone, Debug)]
pub struct DealFacts {
    pub owner: Uuid,
    pub created: NaiveDate,
    pub amount_minor: i64,
    pub currency: String,
    pub category: Category,
    pub closed: Option<NaiveDate>,
}

pub fn deal_contributions(d: &DealFacts) -> Vec<Contribution> {
    let money = |day, fact| Contribution {
        person: d.owner,
        day,
        fact,
        currency: d.currency.clone(),
        value: d.amount_minor,
    };
    let mut out = vec![
        one(d.owner, d.created, Fact::DealsCreated, 1),
        money(d.created, Fact::CreatedAmount),
    ];
    match (d.category, d.closed) {
        (Category::Won, Some(closed)) => {
            out.push(one(d.owner, closed, Fact::DealsWon, 1));
            out.push(money(closed, Fact::WonAmount));
            let days = (closed - d.created).num_days().max(0);
            out.push(one(d.owner, closed, Fact::CycleDays, days));
        }
        (Category::Lost, Some(closed)) => out.push(one(d.owner, closed, Fact::DealsLost, 1)),
        _ => {}
    }
    out
}

/// What an activity contributes: one of its kind on its day; a task with a due date also
/// counts as due that day, and as on time when it was done by then.
#[derive(Clone, Debug)]
pub struct ActivityFacts {
    pub owner: Uuid,
    pub kind: String,
    pub at: NaiveDate,
    pub due: Option<NaiveDate>,
    pub done: Option<NaiveDate>,
}

pub fn activity_contributions(a: &ActivityFacts) -> Vec<Contribution> {
    let kind = match a.kind.as_str() {
        "call" => Fact::Calls,
        "meeting" => Fact::Meetings,
        "email" => Fact::Emails,
        "visit" => Fact::Visits,
        _ => Fact::Tasks,
    };
    let mut out = vec![one(a.owner, a.at, kind, 1)];
    if let (Fact::Tasks, Some(due)) = (kind, a.due) {
        out.push(one(a.owner, due, Fact::TasksDue, 1));
        if a.done.is_some_and(|done| done <= due) {
            out.push(one(a.owner, due, Fact::TasksOnTime, 1));
        }
    }
    out
}

/// A lead counts once converted, for its owner, on the conversion day.
pub fn lead_contributions(owner: Option<Uuid>, converted: Option<NaiveDate>) -> Vec<Contribution> {
    match (owner, converted) {
        (Some(owner), Some(day)) => vec![one(owner, day, Fact::LeadsConverted, 1)],
        _ => Vec::new(),
    }
}

/// A claim from the shared pool counts for the person who claimed, on that day.
pub fn pool_event_contributions(
    person: Option<Uuid>,
    kind: &str,
    action: &str,
    day: NaiveDate,
) -> Vec<Contribution> {
    let fact = match kind {
        "accounts" => Fact::AccountsClaimed,
        _ => Fact::LeadsClaimed,
    };
    match person {
        Some(person) if action == "claim" => vec![one(person, day, fact, 1)],
        _ => Vec::new(),
    }
}

/// A CSAT (1–5) or NPS (0–10) answer counts for the responsible owner on the day it was given.
pub fn satisfaction_contributions(
    owner: Uuid,
    kind: &str,
    score: i64,
    day: NaiveDate,
) -> Vec<Contribution> {
    if kind == "csat" {
        return vec![
            one(owner, day, Fact::CsatSum, score),
            one(owner, day, Fact::CsatCount, 1),
        ];
    }
    let mut out = vec![one(owner, day, Fact::NpsCount, 1)];
    if score >= 9 {
        out.push(one(owner, day, Fact::NpsPromoters, 1));
    } else if score <= 6 {
        out.push(one(owner, day, Fact::NpsDetractors, 1));
    }
    out
}

/// Facts summed over some people and days, keyed by fact and currency.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Totals(pub BTreeMap<(Fact, String), i64>);

impl Totals {
    pub fn add(&mut self, fact: Fact, currency: &str, value: i64) {
        *self.0.entry((fact, currency.to_owned())).or_default() += value;
    }

    /// A count fact.
    pub fn count(&self, fact: Fact) -> i64 {
        self.0.get(&(fact, String::new())).copied().unwrap_or(0)
    }

    /// A money fact in one currency.
    pub fn money(&self, fact: Fact, currency: &str) -> i64 {
        self.0
            .get(&(fact, currency.to_owned()))
            .copied()
            .unwrap_or(0)
    }
}

/// How a metric's value reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unit {
    Count,
    /// Minor units of the organisation's currency.
    Money,
    /// Tenths of a percent (permille): 456 reads 45.6%.
    Permille,
    /// Tenths of a day.
    TenthDays,
    /// Hundredths of a point: 427 reads 4.27.
    Hundredths,
    /// NPS, −100 to 100.
    Score,
}

/// Whether a metric sums a period's facts or describes the present.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Flow,
    State,
}

/// The built-in metrics. Names and definitions are Fluent messages `metric-<key>` and
/// `metric-<key>-def`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Metric {
    WonRevenue,
    DealsWon,
    WinRate,
    NewPipeline,
    WeightedPipeline,
    AvgDealSize,
    AvgCycleDays,
    DealsStalled,
    Calls,
    Meetings,
    Visits,
    Emails,
    TasksOnTime,
    OverdueTasks,
    LeadsConverted,
    AccountsClaimed,
    CsatAverage,
    Nps,
}

impl Metric {
    pub const ALL: [Metric; 18] = [
        Metric::WonRevenue,
        Metric::DealsWon,
        Metric::WinRate,
        Metric::NewPipeline,
        Metric::WeightedPipeline,
        Metric::AvgDealSize,
        Metric::AvgCycleDays,
        Metric::DealsStalled,
        Metric::Calls,
        Metric::Meetings,
        Metric::Visits,
        Metric::Emails,
        Metric::TasksOnTime,
        Metric::OverdueTasks,
        Metric::LeadsConverted,
        Metric::AccountsClaimed,
        Metric::CsatAverage,
        Metric::Nps,
    ];

    pub fn key(self) -> &'static str {
        match self {
            Metric::WonRevenue => "won_revenue",
            Metric::DealsWon => "deals_won",
            Metric::WinRate => "win_rate",
            Metric::NewPipeline => "new_pipeline",
            Metric::WeightedPipeline => "weighted_pipeline",
            Metric::AvgDealSize => "avg_deal_size",
            Metric::AvgCycleDays => "avg_cycle_days",
            Metric::DealsStalled => "deals_stalled",
            Metric::Calls => "calls",
            Metric::Meetings => "meetings",
            Metric::Visits => "visits",
            Metric::Emails => "emails",
            Metric::TasksOnTime => "tasks_on_time",
            Metric::OverdueTasks => "overdue_tasks",
            Metric::LeadsConverted => "leads_converted",
            Metric::AccountsClaimed => "accounts_claimed",
            Metric::CsatAverage => "csat_average",
            Metric::Nps => "nps",
        }
    }

    pub fn parse(key: &str) -> Option<Metric> {
        Metric::ALL.into_iter().find(|m| m.key() == key)
    }

    /// The Fluent key of the metric's name; its definition is this plus `-def`.
    pub fn i18n_key(self) -> String {
        format!("metric-{}", self.key().replace('_', "-"))
    }

    pub fn unit(self) -> Unit {
        match self {
            Metric::WonRevenue
            | Metric::NewPipeline
            | Metric::WeightedPipeline
            | Metric::AvgDealSize => Unit::Money,
            Metric::WinRate | Metric::TasksOnTime => Unit::Permille,
            Metric::AvgCycleDays => Unit::TenthDays,
            Metric::CsatAverage => Unit::Hundredths,
            Metric::Nps => Unit::Score,
            _ => Unit::Count,
        }
    }

    pub fn kind(self) -> Kind {
        match self {
            Metric::WeightedPipeline | Metric::DealsStalled | Metric::OverdueTasks => Kind::State,
            _ => Kind::Flow,
        }
    }

    /// True when more is better; goals on the others (overdue tasks, cycle days, stalled
    /// deals) default to decreasing.
    pub fn higher_is_better(self) -> bool {
        !matches!(
            self,
            Metric::AvgCycleDays | Metric::DealsStalled | Metric::OverdueTasks
        )
    }

    /// A flow metric's value from its facts, in `currency` for money; `None` when there is
    /// nothing to average (no closed deals for a win rate, no answers for CSAT) and for state
    /// metrics, which are not made of facts.
    pub fn from_totals(self, t: &Totals, currency: &str) -> Option<i64> {
        let won = t.count(Fact::DealsWon);
        Some(match self {
            Metric::WonRevenue => t.money(Fact::WonAmount, currency),
            Metric::DealsWon => won,
            Metric::WinRate => ratio(won, won + t.count(Fact::DealsLost), 1000)?,
            Metric::NewPipeline => t.money(Fact::CreatedAmount, currency),
            Metric::AvgDealSize => ratio(t.money(Fact::WonAmount, currency), won, 1)?,
            Metric::AvgCycleDays => ratio(t.count(Fact::CycleDays), won, 10)?,
            Metric::Calls => t.count(Fact::Calls),
            Metric::Meetings => t.count(Fact::Meetings),
            Metric::Visits => t.count(Fact::Visits),
            Metric::Emails => t.count(Fact::Emails),
            Metric::TasksOnTime => {
                ratio(t.count(Fact::TasksOnTime), t.count(Fact::TasksDue), 1000)?
            }
            Metric::LeadsConverted => t.count(Fact::LeadsConverted),
            Metric::AccountsClaimed => t.count(Fact::AccountsClaimed),
            Metric::CsatAverage => ratio(t.count(Fact::CsatSum), t.count(Fact::CsatCount), 100)?,
            Metric::Nps => ratio(
                t.count(Fact::NpsPromoters) - t.count(Fact::NpsDetractors),
                t.count(Fact::NpsCount),
                100,
            )?,
            Metric::WeightedPipeline | Metric::DealsStalled | Metric::OverdueTasks => return None,
        })
    }
}

/// `part × scale / whole`, rounded half away from zero; `None` for an empty whole.
pub fn ratio(part: i64, whole: i64, scale: i64) -> Option<i64> {
    if whole == 0 {
        return None;
    }
    let n = i128::from(part) * i128::from(scale);
    let d = i128::from(whole);
    let q = (2 * n.abs() + d.abs()) / (2 * d.abs());
    let q = if (n < 0) != (d < 0) { -q } else { q };
    i64::try_from(q).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, d).unwrap()
    }

    #[test]
    fn a_won_deal_counts_on_creation_and_on_close() {
        let owner = Uuid::nil();
        let facts = deal_contributions(&DealFacts {
            owner,
            created: day(1),
            amount_minor: 50_000,
            currency: "CNY".into(),
            category: Category::Won,
            closed: Some(day(11)),
        });
        let mut t = Totals::default();
        for c in &facts {
            t.add(c.fact, &c.currency, c.value);
        }
        assert_eq!(t.money(Fact::WonAmount, "CNY"), 50_000);
        assert_eq!(t.money(Fact::CreatedAmount, "CNY"), 50_000);
        assert_eq!(t.count(Fact::CycleDays), 10);
        assert_eq!(Metric::AvgCycleDays.from_totals(&t, "CNY"), Some(100));
        assert_eq!(Metric::WinRate.from_totals(&t, "CNY"), Some(1000));
        assert_eq!(Metric::WonRevenue.from_totals(&t, "USD"), Some(0));
    }

    #[test]
    fn ratios_round_half_away_from_zero_and_refuse_empty_wholes() {
        assert_eq!(ratio(1, 3, 1000), Some(333));
        assert_eq!(ratio(2, 3, 1000), Some(667));
        assert_eq!(ratio(-1, 8, 100), Some(-13));
        assert_eq!(ratio(5, 0, 100), None);
    }

    #[test]
    fn nps_counts_promoters_minus_detractors() {
        let p = Uuid::nil();
        let mut t = Totals::default();
        for score in [10, 9, 8, 6, 0] {
            for c in satisfaction_contributions(p, "nps", score, day(2)) {
                t.add(c.fact, &c.currency, c.value);
            }
        }
        // 2 promoters, 2 detractors of 5: NPS 0.
        assert_eq!(Metric::Nps.from_totals(&t, ""), Some(0));
        assert_eq!(Metric::CsatAverage.from_totals(&t, ""), None);
    }

    #[test]
    fn a_task_done_late_is_due_but_not_on_time() {
        let c = activity_contributions(&ActivityFacts {
            owner: Uuid::nil(),
            kind: "task".into(),
            at: day(1),
            due: Some(day(3)),
            done: Some(day(4)),
        });
        let facts: Vec<Fact> = c.iter().map(|c| c.fact).collect();
        assert_eq!(facts, [Fact::Tasks, Fact::TasksDue]);
    }

    #[test]
    fn every_key_round_trips() {
        for f in Fact::ALL {
            assert_eq!(Fact::parse(f.key()), Some(f));
        }
        for m in Metric::ALL {
            assert_eq!(Metric::parse(m.key()), Some(m));
        }
    }
}
