//! Where goals stand: the current value of each goal's measure (live from the metric catalog
//! or as last entered), its progress (`keel_domain::goals::progress_permille`, or the weighted
//! mean of its children's), and its status by pace unless someone set it by hand.
//!
//! A goal's numbers belong to the goal: whoever may see the goal sees them, and a parent's
//! progress counts every child, including children a particular reader may not see.

use crate::goals::{Goal, Measure, Owner, Rule};
use crate::metrics::{Now, STALLED_DAYS};
use crate::rollups::Scope;
use crate::visibility::Actor;
use crate::{Db, Result};
use chrono::NaiveDate;
use keel_domain::goals::{Status, pace_status, progress_permille, weighted_mean_permille};
use keel_domain::metrics::{Kind, Metric};
use keel_domain::periods::{Period, elapsed_fraction};
use keel_domain::roles::Role;
use std::collections::{HashMap, HashSet};
use uuid::Uuid;

/// A goal's standing on a day.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Standing {
    /// The own measure's value now (`None`: nothing to average yet).
    pub current: Option<i64>,
    /// The currency of money values, empty otherwise.
    pub currency: String,
    /// Permille, `None` when there is no data (e.g. a parent without weighted children).
    pub progress: Option<i64>,
    /// The status the pace gives.
    pub paced: Option<Status>,
    /// What is shown: the status set by hand, else the paced one.
    pub status: Option<Status>,
}

/// Measures goals as the organisation: a goal's numbers are part of the goal, so once the
/// reader may see the goal they may see them (visibility is checked on the goal itself).
fn measurer() -> Actor {
    Actor {
        id: Uuid::nil(),
        role: Role::Director,
        is_hr: false,
    }
}

pub fn scope_of(owner: Owner) -> Scope {
    match owner {
        Owner::Person(p) => Scope::Person(p),
        Owner::Team(t) => Scope::Team(t),
        Owner::Org => Scope::Org,
    }
}

fn now(today: NaiveDate) -> Now {
    Now {
        today,
        stalled_days: STALLED_DAYS,
    }
}

impl Db {
    /// A metric for a goal's owner over `period` up to `today` (the whole period once past).
    pub async fn measure_for_goal(
        &self,
        metric: Metric,
        owner: Owner,
        period: &Period,
        today: NaiveDate,
    ) -> Result<(Option<i64>, String)> {
        let to = period.end.min(today);
        let r = self
            .metric(
                &measurer(),
                metric,
                scope_of(owner),
                period.start,
                to,
                now(today),
            )
            .await?;
        Ok((r.value, r.currency))
    }

    /// The values of `metric` for `owner` in each of the `n` periods before `period` (newest
    /// first), skipping periods with nothing to average. State metrics have no past: empty.
    pub async fn past_values(
        &self,
        metric: Metric,
        owner: Owner,
        period: &Period,
        n: usize,
    ) -> Result<Vec<i64>> {
        if metric.kind() == Kind::State {
            return Ok(Vec::new());
        }
        let mut out = Vec::new();
        let mut p = *period;
        for _ in 0..n {
            p = p.previous();
            let r = self
                .metric(
                    &measurer(),
                    metric,
                    scope_of(owner),
                    p.start,
                    p.end,
                    now(p.end),
                )
                .await?;
            out.extend(r.value);
        }
        Ok(out)
    }

    /// The standing of each goal of `ids` on `today` (ids of unknown goals are left out).
    pub async fn goal_standings(
        &self,
        ids: &[Uuid],
        today: NaiveDate,
    ) -> Result<HashMap<Uuid, Standing>> {
        let all = self.all_goals().await?;
        let by_id: HashMap<Uuid, &Goal> = all.iter().map(|g| (g.id, g)).collect();
        let mut children: HashMap<Uuid, Vec<Uuid>> = HashMap::new();
        for g in &all {
            if let Some(p) = g.input.parent_id {
                children.entry(p).or_default().push(g.id);
            }
        }
        // The goals asked for, and below those that take their progress from children.
        let mut needed: Vec<Uuid> = Vec::new();
        let mut seen: HashSet<Uuid> = HashSet::new();
        let mut stack: Vec<Uuid> = ids.to_vec();
        while let Some(id) = stack.pop() {
            let Some(g) = by_id.get(&id) else { continue };
            if !seen.insert(id) {
                continue;
            }
            needed.push(id);
            if g.input.rule == Rule::Children {
                stack.extend(children.get(&id).into_iter().flatten().copied());
            }
        }
        let mut current: HashMap<Uuid, (Option<i64>, String)> = HashMap::new();
        let mut cache: HashMap<(Metric, Owner, Period), (Option<i64>, String)> = HashMap::new();
        for id in &needed {
            let g = by_id[id];
            let value = match g.input.measure {
                Measure::Metric(m) => {
                    let key = (m, g.input.owner, g.input.period);
                    match cache.get(&key) {
                        Some(v) => v.clone(),
                        None => {
                            let v = self
                                .measure_for_goal(m, g.input.owner, &g.input.period, today)
                                .await?;
                            cache.insert(key, v.clone());
                            v
                        }
                    }
                }
                _ => (g.current_value.or(Some(g.input.start)), String::new()),
            };
            current.insert(*id, value);
        }
        let mut progress: HashMap<Uuid, Option<i64>> = HashMap::new();
        for id in &needed {
            progress_of(*id, &by_id, &children, &current, &mut progress, 0);
        }
        Ok(ids
            .iter()
            .filter_map(|id| {
                let g = by_id.get(id)?;
                let (value, currency) = current.get(id).cloned().unwrap_or_default();
                let p = progress.get(id).copied().flatten();
                let (elapsed, total) = elapsed_fraction(&g.input.period, today);
                let paced = p.map(|p| pace_status(p, elapsed, total));
                let status = g.status_override.as_ref().map(|o| o.status).or(paced);
                Some((
                    *id,
                    Standing {
                        current: value,
                        currency,
                        progress: p,
                        paced,
                        status,
                    },
                ))
            })
            .collect())
    }
}

/// Progress of `id`, memoised; `depth` stops a (corrupt) cycle of parents.
fn progress_of(
    id: Uuid,
    by_id: &HashMap<Uuid, &Goal>,
    children: &HashMap<Uuid, Vec<Uuid>>,
    current: &HashMap<Uuid, (Option<i64>, String)>,
    memo: &mut HashMap<Uuid, Option<i64>>,
    depth: usize,
) -> Option<i64> {
    if let Some(p) = memo.get(&id) {
        return *p;
    }
    let g = by_id.get(&id)?;
    let p = match g.input.rule {
        _ if depth > by_id.len() => None,
        Rule::Own => current
            .get(&id)
            .and_then(|(v, _)| *v)
            .map(|v| progress_permille(g.input.direction, g.input.start, g.input.target, v)),
        Rule::Children => {
            let mut weighted = Vec::new();
            for c in children.get(&id).into_iter().flatten() {
                let w = by_id.get(c).map_or(0, |g| g.input.weight);
                if let Some(p) = progress_of(*c, by_id, children, current, memo, depth + 1) {
                    weighted.push((p, w));
                }
            }
            weighted_mean_permille(&weighted)
        }
    };
    memo.insert(id, p);
    p
}
