//! The demo's check-ins: twelve weekly cycles up to last week for every rep and manager,
//! mostly on time, some missing, with varied confidence and mood. One rep (the third of the
//! first team, 郑浩) has had a hard fortnight: mood 2 then 1 on the last two check-ins, which
//! the dashboards look for. Managers comment, react and review; two follow-ups are still
//! open. Choices come from a hash of (person, cycle), so every load is the same.

use crate::demo_goals::DemoTeam;
use chrono::{DateTime, Duration, NaiveDate, Utc};
use keel_db::Db;
use keel_db::checkins::team::{CheckinSeed, CommentSeed, FlagSeed, ItemSeed};
use keel_db::goals::{GoalQuery, GoalUpdate, Owner};
use keel_db::visibility::Actor;
use keel_domain::checkins::{Cadence, Cycle, Reaction, Schedule};
use uuid::Uuid;

const CYCLES: usize = 12;

const PROGRESS: [&str; 6] = [
    "拜访了三家重点客户，两家进入方案阶段。Visited three key accounts; two moved to proposal.",
    "完成季度复盘，跟进了上周的报价。Quarter review done; followed up last week's quotes.",
    "签下一单续约，新线索转化了两条。Closed one renewal and converted two new leads.",
    "电话跟进二十余次，约到下周两场演示。Twenty-odd follow-up calls; two demos booked.",
    "协助同事完成投标材料。Helped a colleague finish a tender.",
    "客户满意度回访全部完成。Finished all satisfaction follow-up calls.",
];
const PLANS: [&str; 5] = [
    "下周推进两家客户的合同谈判。Push two contracts to signature next week.",
    "准备重点客户的年度方案。Prepare the key-account annual plan.",
    "清理公海线索，筛出高意向客户。Sift the lead pool for warm prospects.",
    "安排三次上门拜访。Schedule three on-site visits.",
    "跟进未回复的报价。Chase unanswered quotes.",
];
const PROBLEMS: [&str; 4] = [
    "",
    "一家客户预算推迟到下季度。One customer pushed budget to next quarter.",
    "竞品降价，报价压力大。A competitor cut prices; quotes are under pressure.",
    "",
];
const COMMENTS: [&str; 4] = [
    "进展不错，继续保持！Good progress, keep it up!",
    "报价那家需要我帮忙约对方领导吗？Want me to reach their director about the quote?",
    "下周一对一时细聊。Let's go through it in our 1:1.",
    "这周辛苦了。Thanks for the hard week.",
];

/// splitmix64 of two numbers: a fixed, well-spread choice per (person, cycle).
fn mix(a: u64, b: u64) -> u64 {
    let mut z = a
        .wrapping_mul(0x9E37_79B9_7F4A_7C15)
        .wrapping_add(b)
        .wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

fn at(day: NaiveDate, hour: u32, minute: u32) -> DateTime<Utc> {
    // Beijing working hours: the demo organisation's zone.
    keel_domain::time::Zone::DEFAULT.from_local(
        day.and_hms_opt(hour.min(23), minute.min(59), 0)
            .unwrap_or_else(|| day.and_time(chrono::NaiveTime::MIN)),
    )
}

/// One person to check in, with whom they report to.
struct Who {
    id: Uuid,
    manager: Uuid,
    /// Their current goals and the progress points of each, for goal updates.
    goals: Vec<(Uuid, Vec<GoalUpdate>)>,
}

/// The latest point of a goal on or before `day`.
fn point_on(points: &[GoalUpdate], day: NaiveDate) -> Option<&GoalUpdate> {
    points.iter().rfind(|p| p.day <= day)
}

pub async fn load(
    db: &Db,
    next_id: &dyn Fn() -> Uuid,
    director: Uuid,
    teams: &[DemoTeam],
    today: NaiveDate,
) -> Result<(), String> {
    let reader = Actor {
        id: director,
        role: keel_domain::roles::Role::Director,
        is_hr: false,
    };
    let mut people = Vec::new();
    for team in teams {
        people.push(Who {
            id: team.manager,
            manager: director,
            goals: Vec::new(),
        });
        for rep in &team.reps {
            let q = GoalQuery {
                owner: Some(Owner::Person(*rep)),
                involving: None,
            };
            let mut goals = Vec::new();
            for g in db.goals(&reader, &q).await.map_err(|e| e.to_string())? {
                let points = db
                    .goal_updates(&reader, g.id)
                    .await
                    .map_err(|e| e.to_string())?;
                goals.push((g.id, points));
            }
            people.push(Who {
                id: *rep,
                manager: team.manager,
                goals,
            });
        }
    }
    // The rep with the hard fortnight, and a rep of the second team with a stuck deal.
    let low = teams.first().and_then(|t| t.reps.get(2)).copied();
    let stuck = teams.get(1).and_then(|t| t.reps.get(1)).copied();
    let schedule = Schedule::default();
    let mut cycles: Vec<Cycle> = Vec::new();
    let mut c = schedule.cycle(today);
    for _ in 0..CYCLES {
        c = schedule.previous(&c);
        cycles.push(c);
    }
    let mut seeds = Vec::new();
    for (pi, who) in people.iter().enumerate() {
        // A steady temperament per person: base confidence 5..=8, base mood 3..=4.
        let base = mix(pi as u64, 999);
        for (k, cycle) in cycles.iter().enumerate() {
            let h = mix(pi as u64, k as u64);
            let is_low = Some(who.id) == low && k < 2;
            if h.is_multiple_of(10) && !is_low {
                continue; // missed this week
            }
            let late = h.is_multiple_of(9);
            let submitted_day = if late {
                cycle.due + Duration::days(1)
            } else {
                cycle.due - Duration::days((h % 2) as i64)
            };
            let submitted_at = at(submitted_day, 9 + (h % 9) as u32, (h >> 8) as u32 % 60);
            let confidence = (5 + (base % 4) as i32 + (h >> 4) as i32 % 3 - 1).clamp(1, 10);
            let mut mood = (3 + (base >> 3) as i32 % 2 + (h >> 12) as i32 % 3 - 1).clamp(1, 5);
            let mut confidence = confidence;
            let mut problems = PROBLEMS[(h >> 16) as usize % PROBLEMS.len()].to_owned();
            let mut blockers = String::new();
            if is_low {
                mood = if k == 0 { 1 } else { 2 };
                confidence = 3 + k as i32;
                problems = "两家大客户同时流失，压力很大。Lost two big accounts at once; it has been a lot.".into();
                blockers = "需要经理协助挽回客户。Need my manager's help to win them back.".into();
            }
            let id = next_id();
            let reviewed = (k > 0 || h.is_multiple_of(2))
                .then(|| (who.manager, submitted_at + Duration::hours(20)));
            let mut comments = Vec::new();
            let mut reactions = Vec::new();
            let mut flags = Vec::new();
            if h.is_multiple_of(5) || is_low {
                let cid = next_id();
                let text = if is_low {
                    COMMENTS[3]
                } else {
                    COMMENTS[(h >> 20) as usize % 3]
                };
                comments.push(CommentSeed {
                    id: cid,
                    parent: None,
                    author: who.manager,
                    body: text.into(),
                    at: submitted_at + Duration::hours(18),
                });
                if h.is_multiple_of(3) {
                    comments.push(CommentSeed {
                        id: next_id(),
                        parent: Some(cid),
                        author: who.id,
                        body: "好的，谢谢！Will do, thanks!".into(),
                        at: submitted_at + Duration::hours(22),
                    });
                }
            }
            if h.is_multiple_of(3) && !is_low {
                reactions.push((who.manager, Reaction::ALL[(h >> 24) as usize % 4]));
            }
            if is_low && k == 0 {
                flags.push(FlagSeed {
                    id: next_id(),
                    by: who.manager,
                    note:
                        "心情连续低落，本周安排一对一。Low mood two weeks running: 1:1 this week."
                            .into(),
                    at: submitted_at + Duration::hours(19),
                });
            }
            if Some(who.id) == stuck && k == 0 {
                blockers =
                    "大客户合同卡在法务。A big contract is stuck with their legal team.".into();
                flags.push(FlagSeed {
                    id: next_id(),
                    by: who.manager,
                    note: "协调法务资源支持。Get legal support on the contract.".into(),
                    at: submitted_at + Duration::hours(19),
                });
            }
            let items = who
                .goals
                .iter()
                .filter_map(|(goal, points)| {
                    let p = point_on(points, cycle.due)?;
                    Some(ItemSeed {
                        id: next_id(),
                        point: next_id(),
                        goal: *goal,
                        value: p.value,
                        progress: p.progress,
                        comment: (h.is_multiple_of(4))
                            .then(|| PLANS[(h >> 28) as usize % PLANS.len()].into()),
                    })
                })
                .collect();
            seeds.push(CheckinSeed {
                id,
                person: who.id,
                cadence: Cadence::Weekly,
                cycle: *cycle,
                confidence,
                mood,
                progress: PROGRESS[(h >> 32) as usize % PROGRESS.len()].into(),
                plans: PLANS[(h >> 36) as usize % PLANS.len()].into(),
                problems,
                blockers,
                submitted_at,
                reviewed,
                items,
                comments,
                reactions,
                flags,
            });
        }
    }
    db.insert_checkin_seed(director, &seeds)
        .await
        .map_err(|e| e.to_string())
}
