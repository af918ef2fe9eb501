//! The insights feed: each kind triggers on purpose-built data and not just below its
//! threshold, its numbers equal a plain recomputation from the rows, visibility follows the
//! reporting line, dismissals are per viewer, settings are validated; on both backends.

use crate::harness::OrgDay;
use crate::harness::{TestServer, id_of, load_demo, signed_in};
use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use keel_db::Db;
use keel_db::bulk::{CrmSeed, SeedAccount, SeedActivity, SeedDeal, SeedSatisfaction};
use keel_db::insights::{Detail, Insight};
use keel_db::rollups::Scope;
use keel_db::visibility::Actor;
use keel_domain::ids::new_id;
use keel_domain::insights::{Kind, Settings};
use keel_domain::roles::Role;
use std::collections::BTreeMap;
use uuid::Uuid;

/// A Wednesday in the fourth quarter of 2026.
fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 18).unwrap()
}

fn at(m: u32, d: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, m, d, 10, 0, 0).unwrap()
}

async fn actor(db: &Db, email: &str) -> Actor {
    let id = id_of(db, email).await;
    let admin = Actor {
        id,
        role: Role::Admin,
        is_hr: false,
    };
    let p = db
        .everyone(&admin)
        .await
        .unwrap()
        .into_iter()
        .find(|p| p.id == id)
        .unwrap();
    Actor {
        id,
        role: Role::parse(&p.role).unwrap(),
        is_hr: p.is_hr,
    }
}

/// The demo's people, the East team (manager `li.qiang` and reps) and the pipeline's stages.
struct Fx {
    admin: Actor,
    director: Actor,
    manager: Actor,
    member: Actor,
    other_rep: Uuid,
    east: Uuid,
    /// The East reps, `member` first.
    reps: Vec<Uuid>,
    /// Open stages in order, then won and lost.
    open: Vec<(Uuid, i64)>,
    won: Uuid,
    lost: Uuid,
}

impl Fx {
    async fn new(db: &Db) -> Fx {
        let demo = load_demo(db).await;
        let manager = actor(db, &demo.manager).await;
        let member = actor(db, &demo.member).await;
        let east = db
            .teams()
            .await
            .unwrap()
            .into_iter()
            .find(|t| t.lead_id == Some(manager.id))
            .unwrap()
            .id;
        let admin = actor(db, &demo.admin).await;
        let mut reps: Vec<Uuid> = db
            .everyone(&admin)
            .await
            .unwrap()
            .into_iter()
            .filter(|p| p.manager_id == Some(manager.id))
            .map(|p| p.id)
            .collect();
        reps.sort_by_key(|r| (*r != member.id, *r));
        let stages = db.stages().await.unwrap();
        let pipeline = stages[0].pipeline_id;
        let of = |c: &str| {
            stages
                .iter()
                .filter(|s| s.pipeline_id == pipeline && s.category == c)
                .map(|s| (s.id, i64::from(s.probability)))
                .collect::<Vec<_>>()
        };
        Fx {
            admin,
            director: actor(db, &demo.director).await,
            manager,
            member,
            other_rep: id_of(db, &demo.other_rep).await,
            east,
            reps,
            open: of("open"),
            won: of("won")[0].0,
            lost: of("lost")[0].0,
        }
    }
}

fn account(owner: Uuid, name: &str) -> SeedAccount {
    SeedAccount {
        id: new_id(),
        name: name.into(),
        industry: "制造".into(),
        size: 100,
        region: "上海".into(),
        status: "customer",
        tags: String::new(),
        owner_id: Some(owner),
        created_at: at(1, 5),
    }
}

fn deal(
    owner: Uuid,
    account: Uuid,
    amount: i64,
    steps: Vec<(Uuid, DateTime<Utc>)>,
    closed: bool,
) -> SeedDeal {
    SeedDeal {
        id: new_id(),
        name: format!("商机 {}", new_id().simple()),
        amount_minor: amount,
        account_id: account,
        contact_id: None,
        owner_id: owner,
        product_line: "云平台 Cloud",
        source: "官网 Website",
        expected_close: NaiveDate::from_ymd_opt(2026, 12, 15).unwrap(),
        loss_reason: None,
        steps,
        closed,
    }
}

fn of_kind(items: &[Insight], kind: Kind) -> Vec<&Insight> {
    items.iter().filter(|i| i.kind == kind).collect()
}

async fn set(db: &Db, fx: &Fx, change: impl FnOnce(&mut Settings)) {
    let mut s = db.insight_settings().await.unwrap();
    change(&mut s);
    db.set_insight_settings(&fx.admin, &s).await.unwrap();
}

/// `won × 1000 ÷ closed`, rounded half up, from (won, closed).
fn permille(won: i64, closed: i64) -> i64 {
    (won * 2000 + closed) / (2 * closed)
}

db_test!(
    async fn a_win_rate_drop_triggers_at_its_threshold_and_not_below(t: TestDb) {
        let fx = Fx::new(&t.db).await;
        let (a, b, c) = (fx.reps[0], fx.reps[1], fx.reps[2]);
        let acc = account(a, "华信科技");
        let mut seed = CrmSeed::default();
        let mut closed = |owner: Uuid, won: usize, lost: usize, month: u32| {
            for i in 0..won + lost {
                let stage = if i < won { fx.won } else { fx.lost };
                let day = 1 + i as u32;
                seed.deals.push(deal(
                    owner,
                    acc.id,
                    1_000_000,
                    vec![(fx.open[0].0, at(month, day)), (stage, at(month, day + 2))],
                    true,
                ));
            }
        };
        // a: 11/20 = 55% before, 2/5 = 40% now: 15 points. b: 6/11 ≈ 54.5% to 40%: 14.5.
        // c: falls far, on only three closed deals now.
        closed(a, 11, 9, 5);
        closed(a, 2, 3, 10);
        closed(b, 6, 5, 8);
        closed(b, 2, 3, 11);
        closed(c, 11, 9, 6);
        closed(c, 1, 2, 10);
        seed.accounts.push(acc);
        t.db.insert_crm_seed(fx.admin.id, &seed).await.unwrap();

        let items =
            t.db.insights(&fx.director, Scope::Org, today())
                .await
                .unwrap();
        let drops = of_kind(&items, Kind::WinRateDrop);
        assert_eq!(drops.len(), 1, "{drops:#?}");
        assert_eq!(drops[0].subject.id, a);
        assert_eq!(drops[0].key, format!("win_rate_drop:{a}:2026-Q4"));
        assert!(
            drops[0]
                .evidence
                .starts_with(&format!("/kpis/win_rate?scope=person:{a}"))
        );

        // The numbers, recomputed from the deal rows.
        let rows: Vec<(Uuid, String, DateTime<Utc>)> = keel_db::with_pool!(&t.db, p => {
            sqlx::query_as("SELECT d.owner_id, s.category, d.closed_at FROM deals d JOIN stages s ON s.id = d.stage_id WHERE d.closed_at IS NOT NULL")
                .fetch_all(p).await.unwrap()
        });
        let count = |owner: Uuid, from: (u32, u32), to: (u32, u32)| {
            let (from, to) = (at(from.0, from.1).org_day(), at(to.0, to.1).org_day());
            let mine: Vec<_> = rows
                .iter()
                .filter(|(o, _, c)| *o == owner && c.org_day() >= from && c.org_day() <= to)
                .collect();
            let won = mine.iter().filter(|(_, s, _)| s == "won").count() as i64;
            (won, mine.len() as i64)
        };
        let (bw, bc) = count(a, (4, 1), (9, 30));
        let (nw, nc) = count(a, (10, 1), (11, 18));
        assert_eq!(
            drops[0].detail,
            Detail::WinRateDrop {
                before_permille: permille(bw, bc),
                now_permille: permille(nw, nc),
                before_closed: bc,
                now_closed: nc,
            }
        );
        assert_eq!((permille(bw, bc), permille(nw, nc)), (550, 400));

        // 14 points is enough for b once the threshold is 14; three closed deals for c once
        // three are enough.
        set(&t.db, &fx, |s| s.win_rate_drop_points = 14).await;
        let items =
            t.db.insights(&fx.director, Scope::Org, today())
                .await
                .unwrap();
        let ids: Vec<Uuid> = of_kind(&items, Kind::WinRateDrop)
            .iter()
            .map(|i| i.subject.id)
            .collect();
        assert!(
            ids.contains(&a) && ids.contains(&b) && !ids.contains(&c),
            "{ids:?}"
        );
        set(&t.db, &fx, |s| s.win_rate_min_closed = 3).await;
        let items =
            t.db.insights(&fx.director, Scope::Org, today())
                .await
                .unwrap();
        assert_eq!(of_kind(&items, Kind::WinRateDrop).len(), 3);
    }
);

/// The median in tenths of a day, computed plainly.
fn plain_median_tenths(mut days: Vec<i64>) -> i64 {
    days.sort();
    let n = days.len();
    if n % 2 == 1 {
        days[n / 2] * 10
    } else {
        (days[n / 2 - 1] + days[n / 2]) * 5
    }
}

db_test!(
    async fn stalled_deals_are_those_past_twice_their_stages_median(t: TestDb) {
        let fx = Fx::new(&t.db).await;
        let (s1, s2) = (fx.open[0].0, fx.open[1].0);
        let acc = account(fx.member.id, "瑞丰集团");
        let ago = |days: i64| {
            (today() - chrono::TimeDelta::days(days))
                .and_hms_opt(9, 0, 0)
                .unwrap()
                .and_utc()
        };
        let mut seed = CrmSeed::default();
        // Stage 1: median 6 days; 12 is exactly twice (not stalled), 30 is.
        for (days, owner) in [
            (2, fx.reps[1]),
            (4, fx.reps[2]),
            (6, fx.other_rep),
            (12, fx.member.id),
            (30, fx.member.id),
        ] {
            seed.deals
                .push(deal(owner, acc.id, 500_000, vec![(s1, ago(days))], false));
        }
        // Stage 2: median 11.5 days; 25 is past 23, 20 is not.
        for (days, owner) in [
            (3, fx.reps[1]),
            (3, fx.other_rep),
            (20, fx.member.id),
            (25, fx.reps[1]),
        ] {
            seed.deals.push(deal(
                owner,
                acc.id,
                500_000,
                vec![(s1, ago(days + 5)), (s2, ago(days))],
                false,
            ));
        }
        let thirty = seed.deals[4].id;
        let twenty_five = seed.deals[8].id;
        seed.accounts.push(acc);
        t.db.insert_crm_seed(fx.admin.id, &seed).await.unwrap();

        let items =
            t.db.insights(&fx.director, Scope::Org, today())
                .await
                .unwrap();
        let stalled = of_kind(&items, Kind::StalledDeal);
        let ids: Vec<Uuid> = stalled.iter().map(|i| i.subject.id).collect();
        assert_eq!(ids, vec![thirty, twenty_five], "worst first");

        // Medians recomputed from the rows of open deals.
        let rows: Vec<(Uuid, Uuid, DateTime<Utc>)> = keel_db::with_pool!(&t.db, p => {
            sqlx::query_as("SELECT d.id, d.stage_id, d.stage_entered_at FROM deals d JOIN stages s ON s.id = d.stage_id WHERE s.category = 'open'")
                .fetch_all(p).await.unwrap()
        });
        let mut per_stage: BTreeMap<Uuid, Vec<i64>> = BTreeMap::new();
        for (_, stage, entered) in &rows {
            per_stage
                .entry(*stage)
                .or_default()
                .push((today() - entered.org_day()).num_days());
        }
        for i in &stalled {
            let (_, stage, entered) = rows.iter().find(|r| r.0 == i.subject.id).unwrap();
            let Detail::StalledDeal {
                days,
                median_tenths,
                multiple,
                ..
            } = &i.detail
            else {
                panic!("{i:?}")
            };
            assert_eq!(*days, (today() - entered.org_day()).num_days());
            assert_eq!(
                *median_tenths,
                plain_median_tenths(per_stage[stage].clone())
            );
            assert_eq!(*multiple, 2);
            assert_eq!(i.evidence, format!("/deals/{}", i.subject.id));
        }
        assert_eq!(plain_median_tenths(per_stage[&s2].clone()), 115);

        // Only the worst few are listed; a manager sees their own team's only.
        set(&t.db, &fx, |s| s.stalled_listed = 1).await;
        let items =
            t.db.insights(&fx.director, Scope::Org, today())
                .await
                .unwrap();
        assert_eq!(of_kind(&items, Kind::StalledDeal).len(), 1);
        let items =
            t.db.insights(&fx.manager, Scope::Team(fx.east), today())
                .await
                .unwrap();
        assert_eq!(of_kind(&items, Kind::StalledDeal)[0].subject.id, thirty);
    }
);

db_test!(
    async fn goals_off_track_with_little_time_left(t: TestDb) {
        use keel_db::goals::{GoalInput, Measure, Owner, Rule, Visibility};
        use keel_domain::periods::Period;
        let fx = Fx::new(&t.db).await;
        let goal = |title: &str, from: (u32, u32), to: (u32, u32)| {
            let period =
                Period::custom(at(from.0, from.1).org_day(), at(to.0, to.1).org_day()).unwrap();
            GoalInput {
                owner: Owner::Person(fx.member.id),
                parent_id: None,
                contributors: Vec::new(),
                title: title.into(),
                description: String::new(),
                measure: Measure::Number,
                start: 0,
                target: 10,
                direction: keel_domain::goals::Direction::Increase,
                weight: 1,
                rule: Rule::Own,
                period,
                due: period.end,
                visibility: Visibility::Private,
            }
        };
        let admin = fx.admin;
        // 30 days each: 8 left (26.7%) and 9 left (exactly 30%, not less).
        let late =
            t.db.create_goal(&admin, &goal("签约 10 家", (10, 28), (11, 26)))
                .await
                .unwrap();
        let edge =
            t.db.create_goal(&admin, &goal("拜访 10 家", (10, 29), (11, 27)))
                .await
                .unwrap();
        // Late too, but on track.
        let fine =
            t.db.create_goal(&admin, &goal("演示 10 场", (10, 28), (11, 26)))
                .await
                .unwrap();
        t.db.record_goal_value(&admin, fine, 9, None).await.unwrap();

        let items =
            t.db.insights(&fx.manager, Scope::Team(fx.east), today())
                .await
                .unwrap();
        let goals = of_kind(&items, Kind::GoalOffTrack);
        let ids: Vec<Uuid> = goals.iter().map(|i| i.subject.id).collect();
        assert_eq!(ids, vec![late], "not {edge} nor {fine}");
        assert_eq!(
            goals[0].detail,
            Detail::GoalOffTrack {
                progress_permille: Some(0),
                days_left: 8,
                total_days: 30
            }
        );
        assert_eq!(goals[0].evidence, format!("/goals/{late}"));
        // A private goal stays out of the feed of a peer's manager.
        let west =
            t.db.teams()
                .await
                .unwrap()
                .into_iter()
                .find(|t| t.id != fx.east)
                .unwrap();
        let lead = west.lead_id.unwrap();
        let other_manager = Actor {
            id: lead,
            role: Role::Manager,
            is_hr: false,
        };
        let items =
            t.db.insights(&other_manager, Scope::Person(lead), today())
                .await
                .unwrap();
        assert!(of_kind(&items, Kind::GoalOffTrack).is_empty());
        // With more allowed time left, the edge case counts.
        set(&t.db, &fx, |s| s.goal_left_pct = 31).await;
        let items =
            t.db.insights(&fx.director, Scope::Person(fx.member.id), today())
                .await
                .unwrap();
        assert_eq!(of_kind(&items, Kind::GoalOffTrack).len(), 2);
    }
);

db_test!(
    async fn csat_falls_and_recent_detractors(t: TestDb) {
        let fx = Fx::new(&t.db).await;
        let m = fx.member.id;
        let accounts: Vec<SeedAccount> = ["一号客户", "二号客户", "三号客户", "四号客户"]
            .iter()
            .map(|n| account(m, n))
            .collect();
        let ids: Vec<Uuid> = accounts.iter().map(|a| a.id).collect();
        let answer =
            |acc: Uuid, kind: &'static str, score: i32, when: DateTime<Utc>| SeedSatisfaction {
                id: new_id(),
                kind,
                score,
                comment: None,
                account_id: acc,
                deal_id: None,
                owner_id: m,
                at: when,
            };
        let mut seed = CrmSeed {
            accounts,
            ..Default::default()
        };
        // 0: 4.5 -> 4.0, a fall of exactly 0.5. 1: 4.5 -> 4.33. 2: 5.0 -> 4.0 on one answer.
        for (acc, before, now) in [
            (ids[0], vec![5, 4], vec![4, 4]),
            (ids[1], vec![5, 4], vec![4, 5, 4]),
            (ids[2], vec![5, 5], vec![4]),
        ] {
            for (i, s) in before.into_iter().enumerate() {
                seed.satisfaction
                    .push(answer(acc, "csat", s, at(8, 1 + i as u32)));
            }
            for (i, s) in now.into_iter().enumerate() {
                seed.satisfaction
                    .push(answer(acc, "csat", s, at(10, 1 + i as u32)));
            }
        }
        // NPS: 6 on Nov 1 (detractor), 7 on Nov 10 (passive), 0 on Oct 19 (30 days ago, in),
        // 3 on Oct 18 (31 days ago, out).
        seed.satisfaction.push(answer(ids[0], "nps", 6, at(11, 1)));
        seed.satisfaction.push(answer(ids[1], "nps", 7, at(11, 10)));
        seed.satisfaction.push(answer(ids[3], "nps", 0, at(10, 19)));
        seed.satisfaction.push(answer(ids[2], "nps", 3, at(10, 18)));
        t.db.insert_crm_seed(fx.admin.id, &seed).await.unwrap();

        let items =
            t.db.insights(&fx.member, Scope::Person(m), today())
                .await
                .unwrap();
        let csat = of_kind(&items, Kind::CsatDrop);
        assert_eq!(csat.len(), 1, "{csat:#?}");
        assert_eq!(csat[0].subject.id, ids[0]);
        // Averages from the rows: (5 + 4) / 2 and (4 + 4) / 2, in hundredths.
        assert_eq!(
            csat[0].detail,
            Detail::CsatDrop {
                before_hundredths: 450,
                now_hundredths: 400,
                before_answers: 2,
                now_answers: 2
            }
        );
        assert_eq!(csat[0].evidence, format!("/accounts/{}", ids[0]));
        let nps: Vec<Uuid> = of_kind(&items, Kind::NpsDetractor)
            .iter()
            .map(|i| i.subject.id)
            .collect();
        assert_eq!(nps.len(), 2);
        assert!(nps.contains(&ids[0]) && nps.contains(&ids[3]));
        let first = of_kind(&items, Kind::NpsDetractor)
            .into_iter()
            .find(|i| i.subject.id == ids[0])
            .unwrap();
        assert_eq!(first.key, format!("nps_detractor:{}:2026-11-01", ids[0]));

        set(&t.db, &fx, |s| s.csat_drop_hundredths = 51).await;
        let items =
            t.db.insights(&fx.member, Scope::Person(m), today())
                .await
                .unwrap();
        assert!(of_kind(&items, Kind::CsatDrop).is_empty());
        // Another team's manager never sees these accounts.
        let other = Actor {
            id: fx.other_rep,
            role: Role::Member,
            is_hr: false,
        };
        let items =
            t.db.insights(&other, Scope::Person(fx.other_rep), today())
                .await
                .unwrap();
        assert!(of_kind(&items, Kind::NpsDetractor).is_empty());
    }
);

db_test!(
    async fn reps_silent_for_five_working_days(t: TestDb) {
        let fx = Fx::new(&t.db).await;
        let (a, b) = (fx.reps[0], fx.reps[1]);
        let call = |owner: Uuid, when: DateTime<Utc>| SeedActivity {
            id: new_id(),
            kind: "call",
            subject: "电话沟通需求".into(),
            owner_id: owner,
            at: when,
            due_date: None,
            done_at: None,
            account_id: None,
            deal_id: None,
            location: None,
        };
        let seed = CrmSeed {
            activities: vec![call(a, at(11, 2)), call(a, at(11, 10)), call(b, at(11, 11))],
            ..Default::default()
        };
        t.db.insert_crm_seed(fx.admin.id, &seed).await.unwrap();
        let items =
            t.db.insights(&fx.manager, Scope::Team(fx.east), today())
                .await
                .unwrap();
        let quiet = of_kind(&items, Kind::Inactive);
        assert_eq!(quiet.len(), 1, "{quiet:#?}");
        assert_eq!(quiet[0].subject.id, a);
        // Tuesday 10th to Wednesday 18th: Wed, Thu, Fri, Mon, Tue in between, counted plainly.
        let last = at(11, 10).org_day();
        let plain = (1..(today() - last).num_days())
            .map(|n| last + chrono::TimeDelta::days(n))
            .filter(|d| chrono::Datelike::weekday(d).num_days_from_monday() < 5)
            .count() as u32;
        assert_eq!(plain, 5);
        assert_eq!(
            quiet[0].detail,
            Detail::Inactive {
                working_days: plain,
                last_activity: Some(last)
            }
        );
        assert_eq!(quiet[0].key, format!("inactive:{a}:2026-11-10"));
        set(&t.db, &fx, |s| s.inactive_days = 4).await;
        let items =
            t.db.insights(&fx.manager, Scope::Team(fx.east), today())
                .await
                .unwrap();
        assert_eq!(of_kind(&items, Kind::Inactive).len(), 2);
    }
);

db_test!(
    async fn missing_targets_and_pipeline_coverage(t: TestDb) {
        use keel_domain::metrics::Metric;
        use keel_domain::periods::Period;
        let fx = Fx::new(&t.db).await;
        let q = Period::parse("2026-Q4").unwrap();
        // The manager's target, and five of the six reps'.
        t.db.set_target(
            &fx.director,
            fx.manager.id,
            &q,
            Metric::WonRevenue,
            100_000_000,
        )
        .await
        .unwrap();
        for r in &fx.reps[..5] {
            t.db.set_target(&fx.manager, *r, &q, Metric::WonRevenue, 20_000_000)
                .await
                .unwrap();
        }
        let acc = account(fx.member.id, "金石股份");
        let (stage, probability) = fx.open[fx.open.len() - 1];
        let mut seed = CrmSeed::default();
        // Won 20,000,000 this quarter; 199,000,000 open in a late stage closing this quarter.
        seed.deals.push(deal(
            fx.member.id,
            acc.id,
            20_000_000,
            vec![(fx.open[0].0, at(10, 2)), (fx.won, at(10, 20))],
            true,
        ));
        seed.deals.push(deal(
            fx.reps[1],
            acc.id,
            199_000_000 * 60 / probability.max(1),
            vec![(stage, at(11, 2))],
            false,
        ));
        seed.accounts.push(acc);
        t.db.insert_crm_seed(fx.admin.id, &seed).await.unwrap();

        let items =
            t.db.insights(&fx.manager, Scope::Team(fx.east), today())
                .await
                .unwrap();
        let missing: Vec<Uuid> = of_kind(&items, Kind::NoTarget)
            .iter()
            .map(|i| i.subject.id)
            .collect();
        assert_eq!(missing, vec![fx.reps[5]]);

        // Coverage from the rows: weighted open pipeline closing this quarter over the line,
        // divided by target minus won.
        let line = t.db.reporting_line(fx.manager.id).await.unwrap();
        let open: Vec<(Uuid, i64, i32, Option<NaiveDate>)> = keel_db::with_pool!(&t.db, p => {
            sqlx::query_as("SELECT d.owner_id, d.amount_minor, s.probability, d.expected_close FROM deals d JOIN stages s ON s.id = d.stage_id WHERE s.category = 'open'")
                .fetch_all(p).await.unwrap()
        });
        let raw: i64 = open
            .iter()
            .filter(|(o, _, _, e)| line.contains(o) && e.is_some_and(|e| q.contains(e)))
            .map(|(_, a, p, _)| a * i64::from(*p))
            .sum();
        let weighted = (raw * 2 + 100) / 200;
        let gap = 100_000_000 - 20_000_000;
        let coverage = (weighted * 200 + gap) / (2 * gap);
        assert!(coverage < 150 && coverage > 140, "{coverage}");
        let low = of_kind(&items, Kind::LowCoverage);
        assert_eq!(low.len(), 1, "{low:#?}");
        assert_eq!(low[0].subject.id, fx.manager.id);
        assert_eq!(
            low[0].detail,
            Detail::LowCoverage {
                target: 100_000_000,
                achieved: 20_000_000,
                weighted,
                coverage_hundredths: coverage,
                min_hundredths: 150,
                currency: "CNY".into(),
            }
        );
        // Just below the threshold set under the coverage, nothing.
        set(&t.db, &fx, |s| s.coverage_min_hundredths = coverage - 1).await;
        let items =
            t.db.insights(&fx.manager, Scope::Team(fx.east), today())
                .await
                .unwrap();
        assert!(of_kind(&items, Kind::LowCoverage).is_empty());
    }
);

db_test!(
    async fn visibility_follows_the_reporting_line(t: TestDb) {
        let fx = Fx::new(&t.db).await;
        let not_found =
            |r: keel_db::Result<Vec<Insight>>| matches!(r, Err(keel_db::DbError::NotFound));
        // Nobody has a target: everyone who sells has an item about it.
        let mine =
            t.db.insights(&fx.member, Scope::Person(fx.member.id), today())
                .await
                .unwrap();
        assert!(mine.iter().all(|i| i.subject.id == fx.member.id));
        assert_eq!(of_kind(&mine, Kind::NoTarget).len(), 1);
        assert!(not_found(
            t.db.insights(&fx.member, Scope::Person(fx.other_rep), today())
                .await
        ));
        assert!(not_found(
            t.db.insights(&fx.member, Scope::Org, today()).await
        ));
        assert!(not_found(
            t.db.insights(&fx.member, Scope::Team(fx.east), today())
                .await
        ));
        let team =
            t.db.insights(&fx.manager, Scope::Team(fx.east), today())
                .await
                .unwrap();
        assert_eq!(
            of_kind(&team, Kind::NoTarget).len(),
            7,
            "six reps and their manager"
        );
        assert!(team.iter().all(|i| i.subject.id != fx.other_rep));
        let west =
            t.db.teams()
                .await
                .unwrap()
                .into_iter()
                .find(|t| t.id != fx.east)
                .unwrap();
        assert!(not_found(
            t.db.insights(&fx.manager, Scope::Team(west.id), today())
                .await
        ));
        assert!(not_found(
            t.db.insights(&fx.manager, Scope::Person(fx.other_rep), today())
                .await
        ));
        let all =
            t.db.insights(&fx.director, Scope::Org, today())
                .await
                .unwrap();
        assert_eq!(
            of_kind(&all, Kind::NoTarget).len(),
            28,
            "24 reps and 4 managers"
        );
    }
);

db_test!(
    async fn dismissals_are_per_viewer_and_audited(t: TestDb) {
        let fx = Fx::new(&t.db).await;
        let scope = Scope::Person(fx.member.id);
        let items = t.db.insights(&fx.director, scope, today()).await.unwrap();
        let key = of_kind(&items, Kind::NoTarget)[0].key.clone();
        assert_eq!(key, format!("no_target:{}:2026-Q4", fx.member.id));
        t.db.dismiss_insight(&fx.director, &key, "下周一设定")
            .await
            .unwrap();
        let hidden = t.db.insights(&fx.director, scope, today()).await.unwrap();
        assert!(hidden.iter().all(|i| i.key != key));
        let manager = t.db.insights(&fx.manager, scope, today()).await.unwrap();
        assert!(
            manager.iter().any(|i| i.key == key),
            "still there for others"
        );
        // A new quarter is a new situation.
        let next = NaiveDate::from_ymd_opt(2027, 1, 6).unwrap();
        let later = t.db.insights(&fx.director, scope, next).await.unwrap();
        assert!(
            later
                .iter()
                .any(|i| i.key == format!("no_target:{}:2027-Q1", fx.member.id))
        );
        let n: i64 = keel_db::with_pool!(&t.db, p => {
            sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE entity = 'insight' AND action = 'dismiss' AND summary LIKE '%下周一设定'")
                .fetch_one(p).await.unwrap()
        });
        assert_eq!(n, 1);
        for (bad, note) in [
            ("no_target", ""),
            ("nope:x:y", ""),
            ("no_target:a b:2026", ""),
        ] {
            assert!(matches!(
                t.db.dismiss_insight(&fx.director, bad, note).await,
                Err(keel_db::DbError::Conflict("invalid_insight_key"))
            ));
        }
        let long = "长".repeat(501);
        assert!(matches!(
            t.db.dismiss_insight(&fx.director, &key, &long).await,
            Err(keel_db::DbError::Conflict("insight_note_too_long"))
        ));
    }
);

db_test!(
    async fn the_fragment_the_api_and_the_settings_form(t: TestDb) {
        let demo = load_demo(&t.db).await;
        let s = TestServer::start(&t).await;
        let member_id = id_of(&t.db, &demo.member).await;
        let director = signed_in(&s, &demo.director).await;
        let manager = signed_in(&s, &demo.manager).await;
        let scope = format!("person:{member_id}");
        let list = |c: &reqwest::Client| {
            let (c, url) = (c.clone(), s.url(&format!("/api/v1/insights?scope={scope}")));
            async move {
                let res = c.get(url).send().await.unwrap();
                assert_eq!(res.status(), 200);
                res.json::<Vec<serde_json::Value>>().await.unwrap()
            }
        };
        let items = list(&director).await;
        let item = items.iter().find(|i| i["kind"] == "no_target").unwrap();
        let key = item["key"].as_str().unwrap().to_owned();
        assert!(
            item["what"]
                .as_str()
                .unwrap()
                .contains("has no won-revenue target")
        );
        assert_eq!(item["subject"]["id"], member_id.to_string());
        assert!(
            item["evidence"]
                .as_str()
                .unwrap()
                .starts_with("/targets?period=")
        );

        // The fragment: no layout, one item per insight, each with a dismiss form.
        let html = director
            .get(s.url(&format!("/insights?scope={scope}")))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(
            html.trim_start()
                .starts_with("<section id=\"insights\" class=\"insights\"")
        );
        assert!(!html.contains("<html"));
        assert!(html.contains(&format!("data-key=\"{key}\"")));
        assert!(html.contains("action=\"/insights/dismiss\""));

        // Dismissed through htmx: the panel comes back without it; others still see it.
        let res = director
            .post(s.url("/insights/dismiss"))
            .header("hx-request", "true")
            .form(&[
                ("key", key.as_str()),
                ("note", "已沟通"),
                ("scope", scope.as_str()),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200);
        let html = res.text().await.unwrap();
        assert!(html.contains("id=\"insights\"") && !html.contains(&format!("data-key=\"{key}\"")));
        assert!(list(&manager).await.iter().any(|i| i["key"] == key));
        let res = manager
            .post(s.url(&format!("/api/v1/insights/{key}/dismiss")))
            .json(&serde_json::json!({"note": "ok"}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 204);
        assert!(list(&manager).await.iter().all(|i| i["key"] != key));
        let res = manager
            .post(s.url("/api/v1/insights/bogus/dismiss"))
            .json(&serde_json::json!({}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 422);

        // Settings: refused out of range with the reason beside the field, saved and audited.
        let admin = signed_in(&s, &demo.admin).await;
        let mut form: Vec<(&str, String)> = Settings::default()
            .values()
            .iter()
            .map(|(spec, v)| {
                let text = if spec.decimals == 2 {
                    format!("{}.{:02}", v / 100, v % 100)
                } else {
                    v.to_string()
                };
                (spec.name, text)
            })
            .collect();
        form[0].1 = "0".into();
        form[9].1 = "1.555".into();
        let res = admin
            .post(s.url("/admin/insights"))
            .form(&form)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 422);
        let html = res.text().await.unwrap();
        assert_eq!(html.matches("class=\"field-error\"").count(), 2);
        assert_eq!(t.db.insight_settings().await.unwrap(), Settings::default());
        form[0].1 = "20".into();
        form[9].1 = "1.25".into();
        let res = admin
            .post(s.url("/admin/insights"))
            .form(&form)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200);
        let saved = t.db.insight_settings().await.unwrap();
        assert_eq!(
            (saved.win_rate_drop_points, saved.coverage_min_hundredths),
            (20, 125)
        );
        let n: i64 = keel_db::with_pool!(&t.db, p => {
            sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE entity = 'insight_settings'").fetch_one(p).await.unwrap()
        });
        assert_eq!(n, 1);
        let member = Actor {
            id: member_id,
            role: Role::Member,
            is_hr: false,
        };
        assert!(matches!(
            t.db.set_insight_settings(&member, &saved).await,
            Err(keel_db::DbError::Forbidden)
        ));
    }
);

db_test!(
    async fn the_demo_yields_a_handful_of_insights(t: TestDb) {
        keel::demo::load(&t.db).await.unwrap();
        let day = keel_domain::time::now().org_day();
        let director = actor(&t.db, "chen.jing@yunfan.example").await;
        let items = t.db.insights(&director, Scope::Org, day).await.unwrap();
        let kinds: std::collections::BTreeSet<Kind> = items.iter().map(|i| i.kind).collect();
        assert!(
            items.len() >= 3 && items.len() <= 60,
            "{} items: {kinds:?}",
            items.len()
        );
        assert!(kinds.contains(&Kind::StalledDeal), "{kinds:?}");
        assert!(kinds.contains(&Kind::NoTarget), "{kinds:?}");
        assert!(kinds.len() >= 3, "{kinds:?}");
        // Every scope and role works on the full history.
        let manager = actor(&t.db, "li.qiang@yunfan.example").await;
        let member = actor(&t.db, "zhou.jie@yunfan.example").await;
        let team =
            t.db.teams()
                .await
                .unwrap()
                .into_iter()
                .find(|t| t.lead_id == Some(manager.id))
                .unwrap();
        t.db.insights(&manager, Scope::Team(team.id), day)
            .await
            .unwrap();
        let mine =
            t.db.insights(&member, Scope::Person(member.id), day)
                .await
                .unwrap();
        // Low mood: exactly the people whose two latest check-ins both had mood 2 or lower,
        // from the rows; seen by the director and the manager, never in a peer's own feed.
        let rows: Vec<(uuid::Uuid, chrono::NaiveDate, i32)> = keel_db::with_pool!(&t.db, p => {
            sqlx::query_as("SELECT person_id, cycle_start, mood FROM checkins").fetch_all(p).await.unwrap()
        });
        let mut by_person: std::collections::BTreeMap<uuid::Uuid, Vec<(chrono::NaiveDate, i32)>> =
            Default::default();
        for (p, c, m) in rows.into_iter().filter(|r| r.1 <= day) {
            by_person.entry(p).or_default().push((c, m));
        }
        let low: std::collections::BTreeSet<uuid::Uuid> = by_person
            .into_iter()
            .filter_map(|(p, mut v)| {
                v.sort();
                let n = v.len();
                (n >= 2 && v[n - 1].1 <= 2 && v[n - 2].1 <= 2).then_some(p)
            })
            .collect();
        let flagged: std::collections::BTreeSet<uuid::Uuid> = items
            .iter()
            .filter(|i| i.kind == Kind::LowMood)
            .map(|i| i.subject.id)
            .collect();
        assert!(!low.is_empty(), "the demo has a rep with two low moods");
        assert_eq!(flagged, low);
        let team_items =
            t.db.insights(&manager, Scope::Team(team.id), day)
                .await
                .unwrap();
        let zheng = crate::harness::id_of(&t.db, "zheng.hao@yunfan.example").await;
        assert!(
            team_items
                .iter()
                .any(|i| i.kind == Kind::LowMood && i.subject.id == zheng)
        );
        assert!(
            mine.iter()
                .all(|i| i.kind != Kind::LowMood || i.subject.id == member.id)
        );
    }
);
