//! Notifications for the demo, made by the real calls so they say what keel says: loading
//! the targets told everyone about three quarters of them, which the demo people have read;
//! then a manager comments on two reps' check-ins (one replies), gives a deal from one rep
//! to another, and the director sets a manager's target for this quarter. The first rep, the
//! first manager and the director log in to an unread bell.

use crate::demo_goals::DemoTeam;
use keel_db::Db;
use keel_db::checkins::CheckinQuery;
use keel_db::crm::Owned;
use keel_db::deals::DealQuery;
use keel_db::visibility::Actor;
use keel_domain::metrics::Metric;
use keel_domain::periods::{Period, PeriodKind};
use keel_domain::roles::Role;
use uuid::Uuid;

fn actor(id: Uuid, role: Role) -> Actor {
    Actor {
        id,
        role,
        is_hr: false,
    }
}

pub async fn load(db: &Db, director: Uuid, teams: &[DemoTeam]) -> Result<(), String> {
    let e = |e: keel_db::DbError| e.to_string();
    let mut everyone = vec![director];
    for t in teams {
        everyone.push(t.manager);
        everyone.extend(&t.reps);
    }
    for p in &everyone {
        db.mark_all_notifications_read(*p).await.map_err(e)?;
    }
    let Some(team) = teams.first() else {
        return Ok(());
    };
    let manager = actor(team.manager, Role::Manager);
    let (Some(&first), Some(&second)) = (team.reps.first(), team.reps.get(1)) else {
        return Ok(());
    };
    let latest = |person| async move {
        let q = CheckinQuery {
            person: Some(person),
            day: None,
        };
        db.checkins(&manager, &q)
            .await
            .map(|c| c.into_iter().max_by_key(|c| c.cycle.start).map(|c| c.id))
    };
    if let Some(checkin) = latest(first).await.map_err(e)? {
        let comment = db
            .comment_checkin(
                &manager,
                checkin,
                None,
                "进展不错！华东电力那单下周能约到采购负责人吗？我可以一起去拜访。",
            )
            .await
            .map_err(e)?;
        db.comment_checkin(
            &actor(first, Role::Member),
            checkin,
            Some(comment),
            "已经约了周三下午，麻烦您一起参加，我先把方案发给您。",
        )
        .await
        .map_err(e)?;
    }
    if let Some(checkin) = latest(second).await.map_err(e)? {
        db.comment_checkin(
            &manager,
            checkin,
            None,
            "Blockers 里提到的报价审批，我今天跟财务确认一下。",
        )
        .await
        .map_err(e)?;
    }
    let q = DealQuery {
        owner: Some(second),
        open_only: true,
        limit: 1,
        ..DealQuery::default()
    };
    let (deals, _) = db.deals(&manager, &q).await.map_err(e)?;
    if let Some(deal) = deals.first() {
        db.reassign(&manager, Owned::Deal, deal.id, first)
            .await
            .map_err(e)?;
    }
    let today = keel_domain::time::now().date_naive();
    let quarter = Period::containing(PeriodKind::Quarter, today).expect("quarters exist");
    let boss = actor(director, Role::Director);
    let target = db
        .targets(&boss, &quarter, Metric::WonRevenue)
        .await
        .map_err(e)?
        .into_iter()
        .find(|t| t.person_id == team.manager);
    if let Some(t) = target {
        db.set_target(&boss, team.manager, &quarter, Metric::WonRevenue, t.value)
            .await
            .map_err(e)?;
    }
    Ok(())
}
