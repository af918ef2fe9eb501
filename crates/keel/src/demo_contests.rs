//! Two demo contests: this month's visit sprint in the first manager's team (running), and last
//! quarter's won-revenue race between the teams (finished; its winners are recorded the first
//! time someone looks).

use keel_db::Db;
use keel_db::contests::ContestInput;
use keel_db::visibility::Actor;
use keel_domain::metrics::Metric;
use keel_domain::periods::{Period, PeriodKind};
use keel_domain::roles::Role;

pub async fn load(db: &Db, admin: Actor) -> Result<(), String> {
    let e = |e: keel_db::DbError| e.to_string();
    let people = db.everyone(&admin).await.map_err(e)?;
    let Some(director) = people.iter().find(|p| p.role == "director") else {
        return Ok(());
    };
    let Some(manager) = people.iter().find(|p| p.manager_id == Some(director.id)) else {
        return Ok(());
    };
    let today = db.org_zone().await.map_err(e)?.today();
    let month = Period::containing(PeriodKind::Month, today).expect("months exist");
    let reps = people
        .iter()
        .filter(|p| p.manager_id == Some(manager.id))
        .map(|p| p.id)
        .collect();
    let sprint = ContestInput {
        name: "本月拜访冲刺 Visit sprint".into(),
        metric: Metric::Visits,
        starts: month.start,
        ends: month.end,
        prize: Some("冠军团队晚餐 Dinner for the winner".into()),
        people: reps,
        teams: Vec::new(),
    };
    let as_manager = Actor {
        id: manager.id,
        role: Role::Manager,
        is_hr: false,
    };
    db.create_contest(&as_manager, &sprint).await.map_err(e)?;
    let quarter = Period::containing(PeriodKind::Quarter, today)
        .expect("quarters exist")
        .previous();
    let race = ContestInput {
        name: "上季度团队赢单赛 Team revenue race".into(),
        metric: Metric::WonRevenue,
        starts: quarter.start,
        ends: quarter.end,
        prize: Some("流动红旗 The floating red flag".into()),
        people: Vec::new(),
        teams: db
            .teams()
            .await
            .map_err(e)?
            .into_iter()
            .map(|t| t.id)
            .collect(),
    };
    let as_director = Actor {
        id: director.id,
        role: Role::Director,
        is_hr: false,
    };
    db.create_contest(&as_director, &race).await.map_err(e)?;
    Ok(())
}
