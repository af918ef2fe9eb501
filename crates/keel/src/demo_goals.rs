//! The demo's goals for the current quarter: the director's organisation won-revenue goal,
//! each manager's team goal aligned to it, and a goal for every rep aligned to their
//! manager's (won revenue, visits, calls, or a goal entered by hand), with weekly progress
//! points so the charts have a story. Targets are set from last quarter's actual results,
//! so they stay believable whenever the demo is loaded.

use chrono::{Duration, NaiveDate};
use keel_db::Db;
use keel_db::goal_progress::Standing;
use keel_db::goals::{
    GoalInput, GoalSeed, Measure, Owner, Rule, UpdateSeed, Visibility, current_period,
};
use keel_domain::goals::{Direction, progress_permille};
use keel_domain::metrics::Metric;
use keel_domain::periods::{Period, PeriodKind};
use uuid::Uuid;

/// A team of the demo: its id, its manager, its name, and its reps.
pub struct DemoTeam {
    pub id: Uuid,
    pub manager: Uuid,
    pub name: String,
    pub reps: Vec<Uuid>,
}

/// Last quarter's value raised by `percent`, at least `floor`.
async fn raised(
    db: &Db,
    metric: Metric,
    owner: Owner,
    period: &Period,
    percent: i64,
    floor: i64,
) -> Result<i64, String> {
    let last = db
        .past_values(metric, owner, period, 1)
        .await
        .map_err(|e| e.to_string())?
        .first()
        .copied()
        .unwrap_or(0);
    Ok((last * (100 + percent) / 100).max(floor))
}

fn input(
    owner: Owner,
    parent: Option<Uuid>,
    title: &str,
    measure: Measure,
    target: i64,
    rule: Rule,
    period: Period,
) -> GoalInput {
    GoalInput {
        owner,
        parent_id: parent,
        contributors: Vec::new(),
        title: title.into(),
        description: String::new(),
        measure,
        start: 0,
        target,
        direction: Direction::Increase,
        weight: 1,
        rule,
        period,
        due: period.end,
        visibility: Visibility::Public,
    }
}

/// Weekly measured points from the period's start to `today`, as keel would have taken them.
async fn measured_points(
    db: &Db,
    next_id: &dyn Fn() -> Uuid,
    g: &GoalInput,
    today: NaiveDate,
) -> Result<Vec<UpdateSeed>, String> {
    let Measure::Metric(m) = g.measure else {
        return Ok(Vec::new());
    };
    let mut out = Vec::new();
    let mut day = g.period.start + Duration::days(6);
    while day < today {
        let (value, _) = db
            .measure_for_goal(m, g.owner, &g.period, day)
            .await
            .map_err(|e| e.to_string())?;
        out.push(UpdateSeed {
            id: next_id(),
            person: None,
            day,
            value,
            progress: value.map(|v| progress_permille(g.direction, g.start, g.target, v)),
            comment: None,
        });
        day += Duration::days(7);
    }
    Ok(out)
}

/// Creates the goals; `now` fixes the quarter.
pub async fn load(
    db: &Db,
    next_id: &dyn Fn() -> Uuid,
    director: Uuid,
    teams: &[DemoTeam],
    today: NaiveDate,
) -> Result<(), String> {
    let period = current_period(PeriodKind::Quarter, today);
    let won = Measure::Metric(Metric::WonRevenue);
    let mut seeds: Vec<GoalSeed> = Vec::new();
    let org_target = raised(db, Metric::WonRevenue, Owner::Org, &period, 15, 10_000_000).await?;
    let org = input(
        Owner::Org,
        None,
        &format!("{} 全公司赢单收入 Company won revenue", period.label()),
        won,
        org_target,
        Rule::Own,
        period,
    );
    let org_id = next_id();
    seeds.push(GoalSeed {
        id: org_id,
        updates: measured_points(db, next_id, &org, today).await?,
        input: org,
        created_by: director,
        current: None,
    });
    for team in teams {
        let owner = Owner::Team(team.id);
        let target = raised(db, Metric::WonRevenue, owner, &period, 10, 5_000_000).await?;
        let team_goal = input(
            owner,
            Some(org_id),
            &format!("{} 赢单收入 {} won revenue", team.name, period.label()),
            won,
            target,
            Rule::Children,
            period,
        );
        let team_id = next_id();
        seeds.push(GoalSeed {
            id: team_id,
            updates: measured_points(db, next_id, &team_goal, today).await?,
            input: team_goal,
            created_by: director,
            current: None,
        });
        for (k, rep) in team.reps.iter().enumerate() {
            let owner = Owner::Person(*rep);
            let (title, measure, target) = match k {
                0 | 4 => (
                    "本季度个人赢单收入 My won revenue this quarter",
                    won,
                    raised(db, Metric::WonRevenue, owner, &period, 10, 1_000_000).await?,
                ),
                1 | 5 => (
                    "客户拜访 Customer visits",
                    Measure::Metric(Metric::Visits),
                    raised(db, Metric::Visits, owner, &period, 20, 12).await?,
                ),
                2 => (
                    "电话跟进 Follow-up calls",
                    Measure::Metric(Metric::Calls),
                    raised(db, Metric::Calls, owner, &period, 20, 30).await?,
                ),
                _ => ("重点客户方案提交 Key-account proposals", Measure::Number, 6),
            };
            let mut g = input(
                owner,
                Some(team_id),
                title,
                measure,
                target,
                Rule::Own,
                period,
            );
            g.weight = if measure == won { 2 } else { 1 };
            let (current, updates) = if measure.is_manual() {
                // One proposal every three weeks or so, entered by the rep.
                let mut points = Vec::new();
                let mut day = period.start + Duration::days(10);
                let mut value = 0;
                while day < today && value < target {
                    value += 1;
                    points.push(UpdateSeed {
                        id: next_id(),
                        person: Some(*rep),
                        day,
                        value: Some(value),
                        progress: Some(progress_permille(g.direction, 0, target, value)),
                        comment: None,
                    });
                    day += Duration::days(20);
                }
                (Some(value), points)
            } else {
                (None, measured_points(db, next_id, &g, today).await?)
            };
            seeds.push(GoalSeed {
                id: next_id(),
                input: g,
                created_by: team.manager,
                current,
                updates,
            });
        }
    }
    db.insert_goal_seed(director, &seeds)
        .await
        .map_err(|e| e.to_string())?;
    // Touch the standings once so a broken seed fails here, not on the first page view.
    let ids: Vec<Uuid> = seeds.iter().map(|s| s.id).collect();
    let standings: std::collections::HashMap<Uuid, Standing> = db
        .goal_standings(&ids, today)
        .await
        .map_err(|e| e.to_string())?;
    if standings.len() != ids.len() {
        return Err("demo goals did not load".into());
    }
    Ok(())
}
