//! One detector per kind of insight. Each reads what it needs (rollups where they hold the
//! facts, rows for the present state), applies the rule of `keel_domain::insights`, and
//! returns the items for the scope in `ctx`, worst first within the kind.

use super::{Ctx, Detail, Insight, Subject, measurer};
use crate::goals::{GoalQuery, Owner};
use crate::rollups::Scope;
use crate::{Db, Result, with_pool};
use chrono::{DateTime, NaiveDate, TimeDelta, Utc};
use keel_domain::goals::Status;
use keel_domain::insights::{
    Kind, Severity, fell_by_at_least, key, median_tenths, working_days_between,
};
use keel_domain::metrics::{Fact, ratio};
use keel_domain::periods::elapsed_fraction;
use std::collections::{BTreeMap, HashMap, HashSet};
use uuid::Uuid;

fn person_subject(ctx: &Ctx, id: Uuid) -> Subject {
    Subject {
        kind: "person",
        id,
        name: ctx.person(id).map(|p| p.name.clone()).unwrap_or_default(),
    }
}

/// Reps are the people who sell: members and managers (directors and admins run the team).
fn sells(role: &str) -> bool {
    matches!(role, "member" | "manager")
}

/// Won and lost deals per person from the rollups, over `from..=to`.
async fn closed_per_person(
    db: &Db,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<HashMap<Uuid, (i64, i64)>> {
    let rows: Vec<(Uuid, String, i64)> = with_pool!(db, p => {
        sqlx::query_as(
            "SELECT person_id, fact, CAST(SUM(value) AS BIGINT) FROM rollups \
             WHERE fact IN ($1, $2) AND day >= $3 AND day <= $4 GROUP BY person_id, fact",
        )
        .bind(Fact::DealsWon.key())
        .bind(Fact::DealsLost.key())
        .bind(from)
        .bind(to)
        .fetch_all(p)
        .await?
    });
    let mut out: HashMap<Uuid, (i64, i64)> = HashMap::new();
    for (person, fact, value) in rows {
        let e = out.entry(person).or_default();
        if fact == Fact::DealsWon.key() {
            e.0 += value;
        } else {
            e.1 += value;
        }
    }
    Ok(out)
}

/// Insight 1: Win rate this quarter to date against the two quarters before, per person.
pub(super) async fn win_rate_drops(db: &Db, ctx: &Ctx) -> Result<Vec<Insight>> {
    let s = &ctx.settings;
    let before_from = ctx.quarter.previous().previous().start;
    let before_to = ctx.quarter.previous().end;
    let now = closed_per_person(db, ctx.quarter.start, ctx.today).await?;
    let before = closed_per_person(db, before_from, before_to).await?;
    let mut out = Vec::new();
    for p in &ctx.people {
        let (Some(&(nw, nl)), Some(&(bw, bl))) = (now.get(&p.id), before.get(&p.id)) else {
            continue;
        };
        let (now_closed, before_closed) = (nw + nl, bw + bl);
        if now_closed < s.win_rate_min_closed || before_closed < s.win_rate_min_closed {
            continue;
        }
        // Points are hundredths of the rate; compare exactly in permille of the whole.
        let threshold = s.win_rate_drop_points * 10;
        if !fell_by_at_least((bw, before_closed), (nw, now_closed), threshold, 1000) {
            continue;
        }
        let (before_permille, now_permille) = (
            ratio(bw, before_closed, 1000).unwrap_or(0),
            ratio(nw, now_closed, 1000).unwrap_or(0),
        );
        let severe = fell_by_at_least((bw, before_closed), (nw, now_closed), 2 * threshold, 1000);
        let period = ctx.quarter.label();
        out.push(Insight {
            key: key(Kind::WinRateDrop, &p.id.to_string(), &period),
            kind: Kind::WinRateDrop,
            severity: if severe {
                Severity::High
            } else {
                Severity::Medium
            },
            subject: person_subject(ctx, p.id),
            evidence: format!(
                "/kpis/win_rate?scope=person:{}&from={}&to={}",
                p.id, ctx.quarter.start, ctx.today
            ),
            period,
            detail: Detail::WinRateDrop {
                before_permille,
                now_permille,
                before_closed,
                now_closed,
            },
        });
    }
    Ok(out)
}

/// Insight 2: Open deals in a stage for more than `stall_multiple` × the stage's median days. The
/// median is over the organisation's open deals in that stage now (days since they entered
/// it): the present pipeline is the yardstick, available from the first day without history,
/// and a stage whose deals all wait long is then slow, not stalled.
pub(super) async fn stalled_deals(db: &Db, ctx: &Ctx) -> Result<Vec<Insight>> {
    type Row = (Uuid, String, Uuid, Uuid, String, String, DateTime<Utc>);
    let rows: Vec<Row> = with_pool!(db, p => {
        sqlx::query_as(
            "SELECT d.id, d.name, d.owner_id, d.stage_id, s.name, s.name_en, d.stage_entered_at \
             FROM stages s CROSS JOIN deals d WHERE d.stage_id = s.id AND s.category = 'open'",
        )
        .fetch_all(p)
        .await?
    });
    let days = |at: DateTime<Utc>| (ctx.today - ctx.zone.day_of(at)).num_days().max(0);
    let mut per_stage: HashMap<Uuid, Vec<i64>> = HashMap::new();
    for (_, _, _, stage, _, _, at) in &rows {
        per_stage.entry(*stage).or_default().push(days(*at));
    }
    let medians: HashMap<Uuid, i64> = per_stage
        .into_iter()
        .filter_map(|(stage, v)| Some((stage, median_tenths(&v)?)))
        .collect();
    let multiple = ctx.settings.stall_multiple;
    // (days × 10 ÷ median tenths) orders the worst first; kept as a fraction for exactness.
    let mut found: Vec<(i64, i64, Insight)> = Vec::new();
    for (id, name, owner, stage, stage_name, stage_en, entered) in rows {
        if !ctx.in_scope(owner) || !ctx.reads_deal_of(owner) {
            continue;
        }
        let Some(&median) = medians.get(&stage).filter(|m| **m > 0) else {
            continue;
        };
        let d = days(entered);
        if d * 10 <= multiple * median {
            continue;
        }
        let period = ctx.zone.day_of(entered).to_string();
        found.push((
            d * 10,
            median,
            Insight {
                key: key(Kind::StalledDeal, &id.to_string(), &period),
                kind: Kind::StalledDeal,
                severity: Severity::Medium,
                subject: Subject {
                    kind: "deal",
                    id,
                    name,
                },
                period,
                detail: Detail::StalledDeal {
                    stage: stage_name,
                    stage_en,
                    owner: ctx
                        .person(owner)
                        .map(|p| p.name.clone())
                        .unwrap_or_default(),
                    days: d,
                    median_tenths: median,
                    multiple,
                },
                evidence: format!("/deals/{id}"),
            },
        ));
    }
    // Worst first: a/b > c/d ⇔ a·d > c·b.
    found.sort_by(|(a, b, x), (c, d, y)| {
        (i128::from(*c) * i128::from(*b))
            .cmp(&(i128::from(*a) * i128::from(*d)))
            .then_with(|| x.subject.id.cmp(&y.subject.id))
    });
    Ok(found.into_iter().map(|(_, _, i)| i).collect())
}

/// Insight 3: Goals off track (by pace or set so by hand) with less than `goal_left_pct` of their
/// period left. Goals of the scope's people; team goals for that team's scope; the
/// organisation's for the organisation's.
pub(super) async fn goals_off_track(db: &Db, ctx: &Ctx) -> Result<Vec<Insight>> {
    let goals = db.goals(&ctx.actor, &GoalQuery::default()).await?;
    let pct = ctx.settings.goal_left_pct;
    let mut candidates = Vec::new();
    for g in goals {
        let period = g.input.period;
        if !period.contains(ctx.today) {
            continue;
        }
        let ours = match (g.input.owner, ctx.scope) {
            (Owner::Person(p), _) => ctx.in_scope(p),
            (Owner::Team(_), Scope::Org) | (Owner::Org, Scope::Org) => true,
            (Owner::Team(t), Scope::Team(s)) => t == s,
            _ => false,
        };
        let (elapsed, total) = elapsed_fraction(&period, ctx.today);
        let left = total - elapsed;
        if ours && i64::from(left) * 100 < pct * i64::from(total) {
            candidates.push((g, left, total));
        }
    }
    let ids: Vec<Uuid> = candidates.iter().map(|(g, _, _)| g.id).collect();
    let standings = db.goal_standings(&ids, ctx.today).await?;
    let mut out = Vec::new();
    for (g, left, total) in candidates {
        let Some(st) = standings.get(&g.id) else {
            continue;
        };
        if st.status != Some(Status::OffTrack) {
            continue;
        }
        let period = g.input.period.label();
        out.push(Insight {
            key: key(Kind::GoalOffTrack, &g.id.to_string(), &period),
            kind: Kind::GoalOffTrack,
            severity: Severity::High,
            subject: Subject {
                kind: "goal",
                id: g.id,
                name: g.input.title.clone(),
            },
            period,
            detail: Detail::GoalOffTrack {
                progress_permille: st.progress,
                days_left: left,
                total_days: total,
            },
            evidence: format!("/goals/{}", g.id),
        });
    }
    Ok(out)
}

/// Accounts of the scope the viewer may open: `(id, name)` by id.
async fn scope_accounts(db: &Db, ctx: &Ctx) -> Result<BTreeMap<Uuid, String>> {
    let rows: Vec<(Uuid, String, Option<Uuid>)> = with_pool!(db, p => {
        sqlx::query_as("SELECT id, name, owner_id FROM accounts").fetch_all(p).await?
    });
    Ok(rows
        .into_iter()
        .filter(|(_, _, owner)| match owner {
            Some(o) => ctx.in_scope(*o),
            None => ctx.scope == Scope::Org,
        })
        .filter(|(_, _, owner)| ctx.reads_account_of(*owner))
        .map(|(id, name, _)| (id, name))
        .collect())
}

/// Satisfaction answers `(account, kind, score, day)` given from `from` to `today`.
async fn answers_since(
    db: &Db,
    zone: keel_domain::time::Zone,
    from: NaiveDate,
    today: NaiveDate,
) -> Result<Vec<(Uuid, String, i64, NaiveDate)>> {
    let (start, end) = zone.range(from, today);
    let rows: Vec<(Uuid, String, i32, DateTime<Utc>)> = with_pool!(db, p => {
        sqlx::query_as(
            "SELECT account_id, kind, score, at FROM satisfaction WHERE at >= $1 AND at < $2",
        )
        .bind(start)
        .bind(end)
        .fetch_all(p)
        .await?
    });
    Ok(rows
        .into_iter()
        .map(|(a, k, s, at)| (a, k, i64::from(s), zone.day_of(at)))
        .collect())
}

/// Insight 4a: Accounts whose CSAT average this quarter to date fell against last quarter.
pub(super) async fn csat_drops(db: &Db, ctx: &Ctx) -> Result<Vec<Insight>> {
    let s = &ctx.settings;
    let accounts = scope_accounts(db, ctx).await?;
    let prev = ctx.quarter.previous();
    // (sum, count) per account: last quarter, this quarter.
    let mut sums: HashMap<Uuid, [(i64, i64); 2]> = HashMap::new();
    for (account, kind, score, day) in answers_since(db, ctx.zone, prev.start, ctx.today).await? {
        if kind != "csat" {
            continue;
        }
        let i = usize::from(ctx.quarter.contains(day));
        let e = &mut sums.entry(account).or_default()[i];
        *e = (e.0 + score, e.1 + 1);
    }
    let mut out = Vec::new();
    for (id, name) in accounts {
        let Some(&[before, now]) = sums.get(&id) else {
            continue;
        };
        if before.1 < s.csat_min_answers || now.1 < s.csat_min_answers {
            continue;
        }
        if !fell_by_at_least(before, now, s.csat_drop_hundredths, 100) {
            continue;
        }
        let period = ctx.quarter.label();
        out.push(Insight {
            key: key(Kind::CsatDrop, &id.to_string(), &period),
            kind: Kind::CsatDrop,
            severity: Severity::Medium,
            subject: Subject {
                kind: "account",
                id,
                name,
            },
            period,
            detail: Detail::CsatDrop {
                before_hundredths: ratio(before.0, before.1, 100).unwrap_or(0),
                now_hundredths: ratio(now.0, now.1, 100).unwrap_or(0),
                before_answers: before.1,
                now_answers: now.1,
            },
            evidence: format!("/accounts/{id}"),
        });
    }
    Ok(out)
}

/// Insight 4b: Accounts that gave a detractor NPS answer (0–6) in the last `nps_days` days.
pub(super) async fn nps_detractors(db: &Db, ctx: &Ctx) -> Result<Vec<Insight>> {
    let days = ctx.settings.nps_days;
    let accounts = scope_accounts(db, ctx).await?;
    let from = ctx.today - TimeDelta::days(days);
    // The latest detractor answer (day, score) and how many there were, per account.
    let mut seen: HashMap<Uuid, ((NaiveDate, i64), i64)> = HashMap::new();
    for (account, kind, score, day) in answers_since(db, ctx.zone, from, ctx.today).await? {
        if kind != "nps" || score > 6 {
            continue;
        }
        let e = seen.entry(account).or_insert(((day, score), 0));
        // The latest answer; on one day, the lowest score.
        if (day, -score) > (e.0.0, -e.0.1) {
            e.0 = (day, score);
        }
        e.1 += 1;
    }
    let mut out = Vec::new();
    for (id, name) in accounts {
        let Some(&((on, score), detractors)) = seen.get(&id) else {
            continue;
        };
        let period = on.to_string();
        out.push(Insight {
            key: key(Kind::NpsDetractor, &id.to_string(), &period),
            kind: Kind::NpsDetractor,
            severity: Severity::High,
            subject: Subject {
                kind: "account",
                id,
                name,
            },
            period,
            detail: Detail::NpsDetractor {
                score,
                on,
                detractors,
                days,
            },
            evidence: format!("/accounts/{id}"),
        });
    }
    Ok(out)
}

/// Insight 5: Reps with no activity (call, meeting, e-mail, visit, task) for `inactive_days` full
/// working days before today, counted from their last activity, or from joining keel.
pub(super) async fn inactive_reps(db: &Db, ctx: &Ctx) -> Result<Vec<Insight>> {
    let facts = [
        Fact::Calls,
        Fact::Meetings,
        Fact::Emails,
        Fact::Visits,
        Fact::Tasks,
    ];
    let rows: Vec<(Uuid, NaiveDate)> = with_pool!(db, p => {
        let mut q = sqlx::query_as(
            "SELECT person_id, MAX(day) FROM rollups WHERE fact IN ($1, $2, $3, $4, $5) \
             AND value > 0 AND day <= $6 GROUP BY person_id",
        );
        for f in facts {
            q = q.bind(f.key());
        }
        q.bind(ctx.today).fetch_all(p).await?
    });
    let last: HashMap<Uuid, NaiveDate> = rows.into_iter().collect();
    let mut found = Vec::new();
    for p in ctx.people.iter().filter(|p| p.role == "member") {
        let last_activity = last.get(&p.id).copied();
        let since = last_activity.unwrap_or_else(|| ctx.zone.day_of(p.created_at));
        let n = working_days_between(since, ctx.today);
        if i64::from(n) < ctx.settings.inactive_days {
            continue;
        }
        let period = since.to_string();
        found.push(Insight {
            key: key(Kind::Inactive, &p.id.to_string(), &period),
            kind: Kind::Inactive,
            severity: Severity::Medium,
            subject: person_subject(ctx, p.id),
            period,
            detail: Detail::Inactive {
                working_days: n,
                last_activity,
            },
            evidence: format!("/people/{}", p.id),
        });
    }
    // The longest silences first.
    found.sort_by_key(|i| match i.detail {
        Detail::Inactive { working_days, .. } => std::cmp::Reverse(working_days),
        _ => std::cmp::Reverse(0),
    });
    Ok(found)
}

/// Insight 6: Reps and managers without a won-revenue target for the current quarter.
pub(super) async fn missing_targets(db: &Db, ctx: &Ctx) -> Result<Vec<Insight>> {
    let with: HashSet<Uuid> = db
        .targets(
            &measurer(),
            &ctx.quarter,
            keel_domain::metrics::Metric::WonRevenue,
        )
        .await?
        .into_iter()
        .map(|t| t.person_id)
        .collect();
    let period = ctx.quarter.label();
    Ok(ctx
        .people
        .iter()
        .filter(|p| sells(&p.role) && !with.contains(&p.id))
        .map(|p| Insight {
            key: key(Kind::NoTarget, &p.id.to_string(), &period),
            kind: Kind::NoTarget,
            severity: Severity::Low,
            subject: person_subject(ctx, p.id),
            period: period.clone(),
            detail: Detail::NoTarget {
                period: period.clone(),
            },
            evidence: format!("/targets?period={period}"),
        })
        .collect())
}

/// Insight 7: Weighted open pipeline expected to close this quarter ÷ (target − achieved), over a
/// person's whole line (the forecast's numbers), for the scope's root(s) and every manager
/// in the scope; only where a target is set and not yet met.
pub(super) async fn low_coverage(db: &Db, ctx: &Ctx) -> Result<Vec<Insight>> {
    let min = ctx.settings.coverage_min_hundredths;
    let roots: Vec<Uuid> = match ctx.scope {
        Scope::Org => ctx
            .people
            .iter()
            .filter(|p| p.manager_id.is_none_or(|m| ctx.person(m).is_none()))
            .map(|p| p.id)
            .collect(),
        Scope::Team(t) => db
            .teams()
            .await?
            .into_iter()
            .find(|x| x.id == t)
            .and_then(|x| x.lead_id)
            .into_iter()
            .collect(),
        Scope::Person(p) => vec![p],
    };
    let managers = ctx
        .people
        .iter()
        .filter(|p| ctx.everyone.iter().any(|r| r.manager_id == Some(p.id)))
        .map(|p| p.id);
    let mut subjects: Vec<Uuid> = Vec::new();
    for id in roots.into_iter().chain(managers) {
        if !subjects.contains(&id) && ctx.person(id).is_some() {
            subjects.push(id);
        }
    }
    if subjects.is_empty() {
        return Ok(Vec::new());
    }
    let rows = db.forecast(&measurer(), &ctx.quarter, None).await?;
    let currency = db.org_currency().await?;
    let period = ctx.quarter.label();
    let mut out = Vec::new();
    for id in subjects {
        let Some(row) = rows.iter().find(|r| r.person_id == id) else {
            continue;
        };
        let Some(target) = row.target.filter(|t| *t > 0) else {
            continue;
        };
        let gap = target - row.achieved;
        // weighted ÷ gap < min ÷ 100, exactly.
        if gap <= 0 || i128::from(row.weighted) * 100 >= i128::from(min) * i128::from(gap) {
            continue;
        }
        let coverage = ratio(row.weighted, gap, 100).unwrap_or(0);
        out.push(Insight {
            key: key(Kind::LowCoverage, &id.to_string(), &period),
            kind: Kind::LowCoverage,
            severity: if row.weighted < gap {
                Severity::High
            } else {
                Severity::Medium
            },
            subject: person_subject(ctx, id),
            period: period.clone(),
            detail: Detail::LowCoverage {
                target,
                achieved: row.achieved,
                weighted: row.weighted,
                coverage_hundredths: coverage,
                min_hundredths: min,
                currency: currency.clone(),
            },
            evidence: format!("/forecast?period={period}&scope=person:{id}"),
        });
    }
    Ok(out)
}

/// Insight 8: mood 2 or lower on someone's two latest check-ins. Check-ins and moods are
/// private to the person's reporting chain; `ctx` only ever holds a scope the viewer is
/// above (or themselves), so the item never reaches a peer.
pub(super) async fn low_moods(db: &Db, ctx: &Ctx) -> Result<Vec<Insight>> {
    let rows: Vec<(Uuid, Uuid, NaiveDate, i32)> = with_pool!(db, p => {
        sqlx::query_as(
            "SELECT person_id, id, cycle_start, mood FROM checkins WHERE cycle_start <= $1 \
             ORDER BY person_id, cycle_start DESC",
        )
        .bind(ctx.today)
        .fetch_all(p)
        .await?
    });
    let mut latest: HashMap<Uuid, Vec<(Uuid, NaiveDate, i64)>> = HashMap::new();
    for (person, id, cycle, mood) in rows {
        let two = latest.entry(person).or_default();
        if two.len() < 2 {
            two.push((id, cycle, i64::from(mood)));
        }
    }
    let mut found = Vec::new();
    for p in &ctx.people {
        let Some(two) = latest.get(&p.id) else {
            continue;
        };
        let [(id, cycle, last), (_, _, before)] = two.as_slice() else {
            continue;
        };
        if *last > 2 || *before > 2 {
            continue;
        }
        let period = cycle.to_string();
        found.push(Insight {
            key: key(Kind::LowMood, &p.id.to_string(), &period),
            kind: Kind::LowMood,
            severity: Severity::High,
            subject: person_subject(ctx, p.id),
            period,
            detail: Detail::LowMood {
                moods: [*before, *last],
                cycle: *cycle,
            },
            evidence: format!("/checkins/{id}"),
        });
    }
    Ok(found)
}
