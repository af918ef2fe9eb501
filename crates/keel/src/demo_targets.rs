//! Quarterly sales targets for the demo organisation: the director sets each manager's, the
//! managers set their reps', from each rep's own average of the four quarters before (at least
//! 60% of the team's mean, plus 15%, rounded to ¥10,000), so attainment looks like a real team's. One rep is
//! left without a target this quarter, as happens.

use keel_db::Db;
use keel_db::visibility::Actor;
use keel_domain::metrics::Metric;
use keel_domain::periods::{Period, PeriodKind};
use keel_domain::roles::Role;

const ROUND: i64 = 1_000_000;

fn actor(p: &keel_db::people::Person) -> Actor {
    Actor {
        id: p.id,
        role: Role::parse(&p.role).unwrap_or(Role::Member),
        is_hr: p.is_hr,
    }
}

pub async fn load(db: &Db, admin: Actor) -> Result<(), String> {
    let e = |e: keel_db::DbError| e.to_string();
    let people = db.everyone(&admin).await.map_err(e)?;
    let Some(director) = people.iter().find(|p| p.role == "director") else {
        return Ok(());
    };
    let today = db.org_zone().await.map_err(e)?.today();
    let current = Period::containing(PeriodKind::Quarter, today).expect("quarters exist");
    let currency = db.org_currency().await.map_err(e)?;
    let managers: Vec<_> = people
        .iter()
        .filter(|p| p.manager_id == Some(director.id))
        .collect();
    let mut period = current.previous().previous();
    for round in 0..3 {
        for (m, manager) in managers.iter().enumerate() {
            let reps: Vec<_> = people
                .iter()
                .filter(|p| p.manager_id == Some(manager.id))
                .collect();
            // Each rep's own quarterly average, but never under 60% of the team's mean: a
            // newcomer's quota is not zero.
            let from = period.previous().previous().previous().previous().start;
            let to = period.previous().end;
            let mut averages = Vec::new();
            for rep in &reps {
                let totals = db.fact_totals(Some(&[rep.id]), from, to).await.map_err(e)?;
                let yearly = Metric::WonRevenue
                    .from_totals(&totals, &currency)
                    .unwrap_or(0);
                averages.push(yearly / 4);
            }
            let floor = averages.iter().sum::<i64>() / averages.len().max(1) as i64 * 6 / 10;
            let mut team = 0;
            for (r, (rep, average)) in reps.iter().zip(averages).enumerate() {
                let last_rep_now = round == 2 && m + 1 == managers.len() && r + 1 == reps.len();
                if last_rep_now {
                    continue;
                }
                let target = ((average.max(floor) * 115 / 100 + ROUND / 2) / ROUND).max(1) * ROUND;
                db.set_target(&actor(manager), rep.id, &period, Metric::WonRevenue, target)
                    .await
                    .map_err(e)?;
                team += target;
            }
            db.set_target(
                &actor(director),
                manager.id,
                &period,
                Metric::WonRevenue,
                team,
            )
            .await
            .map_err(e)?;
        }
        period = next(&period);
    }
    Ok(())
}

fn next(p: &Period) -> Period {
    let day = p.end.succ_opt().expect("a next day");
    Period::containing(PeriodKind::Quarter, day).expect("quarters exist")
}
