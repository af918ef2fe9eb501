//! Rollups stay equal to the raw CRM rows through random sequences of writes, on both
//! backends: checked by `check_rollups` (the SQL restatement) and by a plain recomputation in
//! this file that shares no code with keel.

use crate::harness::OrgDay;
use crate::harness::{id_of, load_demo};
use chrono::{Duration, NaiveDate, TimeZone, Utc};
use keel_db::Db;
use keel_db::accounts::AccountInput;
use keel_db::activities::ActivityInput;
use keel_db::crm::Owned;
use keel_db::deals::DealInput;
use keel_db::import::ImportOptions;
use keel_db::leads::{Conversion, LeadInput};
use keel_db::satisfaction::Response;
use keel_db::visibility::Actor;
use keel_domain::metrics::{Fact, Metric};
use keel_domain::roles::Role;
use keel_import::{Entity, Options, Reader, Source};
use std::collections::BTreeMap;
use uuid::Uuid;

/// A small deterministic generator, so a failing sequence can be replayed from its seed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len())]
    }
}

/// Per person: won amount (CNY), deals won, deals lost, deals created, calls, visits, tasks due,
/// tasks done on time, CSAT sum and count, leads converted: straight from the rows.
#[derive(Debug, Default, PartialEq, Eq, Clone)]
struct Plain {
    won_cny: i64,
    won: i64,
    lost: i64,
    created: i64,
    calls: i64,
    visits: i64,
    due: i64,
    on_time: i64,
    csat_sum: i64,
    csat_n: i64,
    converted: i64,
}

async fn recompute(db: &Db) -> BTreeMap<Uuid, Plain> {
    let mut out: BTreeMap<Uuid, Plain> = BTreeMap::new();
    type DealRow = (Uuid, i64, String, String, Option<chrono::DateTime<Utc>>);
    type ActivityRow = (
        Uuid,
        String,
        Option<NaiveDate>,
        Option<chrono::DateTime<Utc>>,
    );
    let deals: Vec<DealRow> = keel_db::with_pool!(db, p => {
        sqlx::query_as("SELECT d.owner_id, d.amount_minor, d.currency, s.category, d.closed_at FROM deals d, stages s WHERE s.id = d.stage_id")
            .fetch_all(p).await.unwrap()
    });
    let activities: Vec<ActivityRow> = keel_db::with_pool!(db, p => {
        sqlx::query_as("SELECT owner_id, kind, due_date, done_at FROM activities").fetch_all(p).await.unwrap()
    });
    let csat: Vec<(Uuid, i32)> = keel_db::with_pool!(db, p => {
        sqlx::query_as("SELECT owner_id, score FROM satisfaction WHERE kind = 'csat'").fetch_all(p).await.unwrap()
    });
    let leads: Vec<Uuid> = keel_db::with_pool!(db, p => {
        sqlx::query_scalar("SELECT owner_id FROM leads WHERE converted_at IS NOT NULL AND owner_id IS NOT NULL").fetch_all(p).await.unwrap()
    });
    for (owner, amount, currency, category, closed) in deals {
        let p = out.entry(owner).or_default();
        p.created += 1;
        if closed.is_some() && category == "won" {
            p.won += 1;
            if currency == "CNY" {
                p.won_cny += amount;
            }
        }
        if closed.is_some() && category == "lost" {
            p.lost += 1;
        }
    }
    for (owner, kind, due, done) in activities {
        let p = out.entry(owner).or_default();
        match kind.as_str() {
            "call" => p.calls += 1,
            "visit" => p.visits += 1,
            "task" if due.is_some() => {
                p.due += 1;
                if done.is_some_and(|d| d.org_day() <= due.unwrap()) {
                    p.on_time += 1;
                }
            }
            _ => {}
        }
    }
    for (owner, score) in csat {
        let p = out.entry(owner).or_default();
        p.csat_sum += i64::from(score);
        p.csat_n += 1;
    }
    for owner in leads {
        out.entry(owner).or_default().converted += 1;
    }
    out
}

/// The same numbers as keel reads them from the rollups, for one person over all time.
async fn from_rollups(db: &Db, person: Uuid) -> Plain {
    let from = NaiveDate::from_ymd_opt(2000, 1, 1).unwrap();
    let to = NaiveDate::from_ymd_opt(2100, 1, 1).unwrap();
    let t = db.fact_totals(Some(&[person]), from, to).await.unwrap();
    Plain {
        won_cny: t.money(Fact::WonAmount, "CNY"),
        won: t.count(Fact::DealsWon),
        lost: t.count(Fact::DealsLost),
        created: t.count(Fact::DealsCreated),
        calls: t.count(Fact::Calls),
        visits: t.count(Fact::Visits),
        due: t.count(Fact::TasksDue),
        on_time: t.count(Fact::TasksOnTime),
        csat_sum: t.count(Fact::CsatSum),
        csat_n: t.count(Fact::CsatCount),
        converted: t.count(Fact::LeadsConverted),
    }
}

async fn import_deals(db: &Db, rows: &[(String, i64, &str, &str)]) {
    let mut csv =
        String::from("Record Id,Deal Name,Amount,Stage,Closing Date,Owner Email,Created Time\n");
    for (id, amount, stage, owner) in rows {
        csv.push_str(&format!(
            "{id},导入 {id},{}.00,{stage},2026-03-05,{owner},2025-12-01 09:00:00\n",
            amount / 100
        ));
    }
    let opts = Options::new(Source::Zoho, Entity::Deals);
    let reader = Reader::open(std::io::Cursor::new(csv.into_bytes()), &opts).unwrap();
    let options = ImportOptions {
        entity: Entity::Deals,
        actor: db.first_admin().await.unwrap().unwrap(),
        dry_run: false,
        create_missing_owners: false,
        label: "rollups".into(),
    };
    let report = db.import(reader, &options).await.unwrap();
    assert!(report.committed, "{:#?}", report.problems);
}

pub(crate) async fn run_sequence(db: &Db, seed: u64, steps: usize) {
    let demo = load_demo(db).await;
    let admin = Actor {
        id: id_of(db, &demo.admin).await,
        role: Role::Admin,
        is_hr: true,
    };
    let emails = [&demo.member, &demo.other_rep, &demo.manager];
    let mut reps = Vec::new();
    for e in emails {
        reps.push(id_of(db, e).await);
    }
    let stages = db.stages().await.unwrap();
    let mut rng = Rng(seed);
    let mut accounts = Vec::new();
    for (i, owner) in reps.iter().enumerate() {
        let input = AccountInput {
            name: format!("客户 {i}"),
            status: "customer".into(),
            owner_id: Some(*owner),
            ..Default::default()
        };
        accounts.push(db.create_account(&admin, &input).await.unwrap());
    }
    let mut deals: Vec<Uuid> = Vec::new();
    let mut tasks: Vec<Uuid> = Vec::new();
    let mut imported: Vec<String> = Vec::new();
    let base = Utc.with_ymd_and_hms(2026, 10, 1, 9, 0, 0).unwrap();
    for step in 0..steps {
        match rng.below(9) {
            0 | 1 => {
                let input = DealInput {
                    name: format!("商机 {step}"),
                    amount_minor: (rng.below(1000) as i64 + 1) * 10_000,
                    currency: rng.pick(&["CNY", "CNY", "USD"]).into(),
                    stage_id: stages[rng.below(stages.len())].id,
                    owner_id: rng.pick(&reps),
                    ..Default::default()
                };
                deals.push(db.create_deal(&admin, &input).await.unwrap());
            }
            2 if !deals.is_empty() => {
                let deal = rng.pick(&deals);
                let to = stages[rng.below(stages.len())].id;
                db.move_deal(&admin, deal, to, None).await.unwrap();
            }
            3 if !deals.is_empty() => {
                let deal = rng.pick(&deals);
                db.reassign(&admin, Owned::Deal, deal, rng.pick(&reps))
                    .await
                    .unwrap();
            }
            4 => {
                let kind = rng.pick(&["call", "visit", "task", "meeting", "email"]);
                let at = base + Duration::hours(rng.below(24 * 60) as i64);
                let input = ActivityInput {
                    kind: kind.into(),
                    subject: format!("跟进 {step}"),
                    owner_id: rng.pick(&reps),
                    at,
                    due_date: (kind == "task")
                        .then(|| (at + Duration::days(rng.below(5) as i64)).org_day()),
                    ..Default::default()
                };
                let id = db.log_activity(&admin, &input).await.unwrap();
                if kind == "task" {
                    tasks.push(id);
                }
            }
            5 if !tasks.is_empty() => {
                db.complete_activity(&admin, rng.pick(&tasks))
                    .await
                    .unwrap();
            }
            6 => {
                let csat = rng.below(2) == 0;
                let r = Response {
                    kind: if csat { "csat" } else { "nps" }.into(),
                    score: if csat {
                        rng.below(5) as i32 + 1
                    } else {
                        rng.below(11) as i32
                    },
                    comment: None,
                    deal_id: None,
                    at: Some(base + Duration::days(rng.below(60) as i64)),
                };
                db.record_satisfaction(&admin, rng.pick(&accounts), &r)
                    .await
                    .unwrap();
            }
            7 => {
                let lead = LeadInput {
                    name: format!("线索 {step}"),
                    status: "qualified".into(),
                    owner_id: Some(rng.pick(&reps)),
                    ..Default::default()
                };
                let lead = db.create_lead(&admin, &lead).await.unwrap();
                let deal = DealInput {
                    name: format!("线索商机 {step}"),
                    amount_minor: 880_000,
                    currency: "CNY".into(),
                    stage_id: stages[0].id,
                    ..Default::default()
                };
                let conv = Conversion {
                    account_name: format!("转化客户 {step}"),
                    existing_account: None,
                    deal: Some(deal),
                };
                let made = db.convert_lead(&admin, lead, &conv).await.unwrap();
                deals.extend(made.deal_id);
            }
            _ => {
                // Create or re-import deals by external id: stage and owner may change.
                if imported.is_empty() || rng.below(2) == 0 {
                    imported.push(format!("zcrm_{seed}_{step}"));
                }
                let rows: Vec<_> = imported
                    .iter()
                    .map(|id| {
                        let stage = rng.pick(&["Qualification", "Closed Won", "Closed Lost"]);
                        let owner = rng.pick(&emails).as_str();
                        (
                            id.clone(),
                            (rng.below(90) as i64 + 10) * 100_000,
                            stage,
                            owner,
                        )
                    })
                    .collect();
                import_deals(db, &rows).await;
            }
        }
    }

    let diffs = db.check_rollups(20).await.unwrap();
    assert!(diffs.is_empty(), "seed {seed}: {diffs:#?}");
    let plain = recompute(db).await;
    assert!(plain.values().any(|p| p.won > 0 || p.created > 0));
    for (person, expected) in &plain {
        assert_eq!(
            &from_rollups(db, *person).await,
            expected,
            "seed {seed}, person {person}"
        );
    }
    // Rebuilding from scratch gives the same cells.
    db.rebuild_rollups().await.unwrap();
    assert!(db.check_rollups(1).await.unwrap().is_empty());
    for (person, expected) in &plain {
        assert_eq!(&from_rollups(db, *person).await, expected);
    }
}

db_test!(
    async fn rollups_equal_the_rows_after_random_writes(t: TestDb) {
        run_sequence(&t.db, 0x9e37_79b9_7f4a_7c15, 120).await;
    }
);

db_test!(
    async fn rollups_equal_the_rows_after_another_random_sequence(t: TestDb) {
        run_sequence(&t.db, 0x2545_f491_4f6c_dd1d, 120).await;
    }
);

db_test!(
    async fn the_demo_history_rolls_up_exactly_and_metrics_read_it(t: TestDb) {
        keel::demo::load(&t.db).await.unwrap();
        assert!(t.db.check_rollups(5).await.unwrap().is_empty());
        // The organisation's win rate over the two years equals won / closed from the rows.
        let (won, lost): (i64, i64) = keel_db::with_pool!(&t.db, p => (
            sqlx::query_scalar("SELECT COUNT(*) FROM deals d JOIN stages s ON s.id = d.stage_id WHERE s.category = 'won' AND d.closed_at IS NOT NULL").fetch_one(p).await.unwrap(),
            sqlx::query_scalar("SELECT COUNT(*) FROM deals d JOIN stages s ON s.id = d.stage_id WHERE s.category = 'lost' AND d.closed_at IS NOT NULL").fetch_one(p).await.unwrap(),
        ));
        assert!(won > 10 && lost > 10, "the demo has closed deals");
        let from = NaiveDate::from_ymd_opt(2000, 1, 1).unwrap();
        let to = NaiveDate::from_ymd_opt(2100, 1, 1).unwrap();
        let totals = t.db.fact_totals(None, from, to).await.unwrap();
        let expected = (won * 1000 * 2 + (won + lost)) / (2 * (won + lost));
        assert_eq!(Metric::WinRate.from_totals(&totals, "CNY"), Some(expected));
    }
);

db_test!(
    async fn the_metrics_api_matches_the_rows_for_each_scope(t: TestDb) {
        use crate::harness::{TestServer, signed_in};
        let logins = keel::demo::load(&t.db).await.unwrap();
        drop(logins);
        let s = TestServer::start(&t).await;
        let director = signed_in(&s, "chen.jing@yunfan.example").await;
        let (from, to) = ("2025-04-01", "2026-09-30");
        let get = |c: &reqwest::Client, path: String| {
            let c = c.clone();
            let url = s.url(&path);
            async move {
                let res = c.get(url).send().await.unwrap();
                assert!(res.status().is_success(), "{path}: {}", res.status());
                res.json::<serde_json::Value>().await.unwrap()
            }
        };
        // Organisation: won revenue in CNY closed inside the period, straight from the rows.
        let v = get(
            &director,
            format!("/api/v1/metrics/won_revenue?scope=org&from={from}&to={to}&bucket=quarter"),
        )
        .await;
        let deals: Vec<(i64, String, chrono::DateTime<Utc>)> = keel_db::with_pool!(&t.db, p => {
            sqlx::query_as("SELECT d.amount_minor, d.currency, d.closed_at FROM deals d JOIN stages s ON s.id = d.stage_id WHERE s.category = 'won' AND d.closed_at IS NOT NULL")
                .fetch_all(p).await.unwrap()
        });
        let (f, e) = (
            from.parse::<NaiveDate>().unwrap(),
            to.parse::<NaiveDate>().unwrap(),
        );
        let expected: i64 = deals
            .iter()
            .filter(|(_, c, at)| c == "CNY" && at.org_day() >= f && at.org_day() <= e)
            .map(|(a, _, _)| a)
            .sum();
        assert!(expected > 0);
        assert_eq!(v["value"].as_i64(), Some(expected));
        assert_eq!(v["currency"], "CNY");
        let history = v["history"].as_array().unwrap();
        assert_eq!(history.len(), 6, "six quarters");
        assert_eq!(history[0]["label"], "2025-Q2");
        let summed: i64 = history.iter().map(|p| p["value"].as_i64().unwrap()).sum();
        assert_eq!(summed, expected);

        // Weeks, months and quarters from mid-week, mid-month to mid-week: every point is the
        // calls counted plainly between its start (or the period's) and the next point's.
        let all_calls: Vec<chrono::DateTime<Utc>> = keel_db::with_pool!(&t.db, p => {
            sqlx::query_scalar("SELECT at FROM activities WHERE kind = 'call'").fetch_all(p).await.unwrap()
        });
        let (rf, rt) = (
            NaiveDate::from_ymd_opt(2025, 4, 10).unwrap(),
            NaiveDate::from_ymd_opt(2026, 2, 17).unwrap(),
        );
        for (bucket, points) in [("week", 46), ("month", 11), ("quarter", 4)] {
            let v = get(
                &director,
                format!("/api/v1/metrics/calls?scope=org&from={rf}&to={rt}&bucket={bucket}"),
            )
            .await;
            let history = v["history"].as_array().unwrap();
            assert_eq!(history.len(), points, "{bucket}s");
            let starts: Vec<NaiveDate> = history
                .iter()
                .map(|p| p["start"].as_str().unwrap().parse().unwrap())
                .collect();
            for (i, point) in history.iter().enumerate() {
                let lo = starts[i].max(rf);
                let hi = starts.get(i + 1).copied().unwrap_or(rt.succ_opt().unwrap());
                let expected = all_calls
                    .iter()
                    .filter(|at| at.org_day() >= lo && at.org_day() < hi)
                    .count() as i64;
                assert_eq!(
                    point["value"].as_i64(),
                    Some(expected),
                    "{bucket} from {lo}"
                );
            }
        }

        // A team: its members' and lead's calls; the manager may see it, a member of it may not.
        let manager_id = id_of(&t.db, "li.qiang@yunfan.example").await;
        let team =
            t.db.teams()
                .await
                .unwrap()
                .into_iter()
                .find(|t| t.lead_id == Some(manager_id))
                .unwrap();
        let line = t.db.reporting_line(manager_id).await.unwrap();
        let calls: Vec<(Uuid, chrono::DateTime<Utc>)> = keel_db::with_pool!(&t.db, p => {
            sqlx::query_as("SELECT owner_id, at FROM activities WHERE kind = 'call'").fetch_all(p).await.unwrap()
        });
        let expected = calls
            .iter()
            .filter(|(o, at)| line.contains(o) && at.org_day() >= f && at.org_day() <= e)
            .count() as i64;
        let manager = signed_in(&s, "li.qiang@yunfan.example").await;
        let v = get(
            &manager,
            format!(
                "/api/v1/metrics/calls?scope=team:{}&from={from}&to={to}",
                team.id
            ),
        )
        .await;
        assert_eq!(v["value"].as_i64(), Some(expected));
        let member = signed_in(&s, "zhou.jie@yunfan.example").await;
        let res = member
            .get(s.url(&format!("/api/v1/metrics/calls?scope=team:{}", team.id)))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 404);

        // A rep's own win rate: won / (won + lost) of their deals closed in the period.
        let rep = id_of(&t.db, "zhou.jie@yunfan.example").await;
        let closed: Vec<(Uuid, String, chrono::DateTime<Utc>)> = keel_db::with_pool!(&t.db, p => {
            sqlx::query_as("SELECT d.owner_id, s.category, d.closed_at FROM deals d JOIN stages s ON s.id = d.stage_id WHERE d.closed_at IS NOT NULL AND s.category <> 'open'")
                .fetch_all(p).await.unwrap()
        });
        let mine: Vec<_> = closed
            .iter()
            .filter(|(o, _, at)| *o == rep && at.org_day() >= f && at.org_day() <= e)
            .collect();
        let won = mine.iter().filter(|(_, c, _)| c == "won").count() as i64;
        let total = mine.len() as i64;
        assert!(total > 0, "the demo rep closed deals");
        let v = get(
            &member,
            format!("/api/v1/metrics/win_rate?from={from}&to={to}"),
        )
        .await;
        assert_eq!(v["scope"], format!("person:{rep}"));
        assert_eq!(
            v["value"].as_i64(),
            Some((won * 2000 + total) / (2 * total))
        );
        // The catalog page shows the same figure, formatted.
        let page = member
            .get(s.url(&format!("/kpis?from={from}&to={to}")))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(page.contains("metric-win_rate"));
    }
);

db_test!(
    async fn filtered_metrics_equal_the_matching_rows(t: TestDb) {
        use crate::harness::{TestServer, signed_in};
        let demo = load_demo(&t.db).await;
        let admin = Actor {
            id: id_of(&t.db, &demo.admin).await,
            role: Role::Admin,
            is_hr: true,
        };
        let rep = id_of(&t.db, &demo.member).await;
        let stages = t.db.stages().await.unwrap();
        let won = stages.iter().find(|s| s.category == "won").unwrap().id;
        let mut accounts = Vec::new();
        for (name, industry, region) in [("甲", "制造", "上海"), ("乙", "零售", "北京")] {
            let input = AccountInput {
                name: name.into(),
                status: "customer".into(),
                industry: Some(industry.into()),
                region: Some(region.into()),
                owner_id: Some(rep),
                ..Default::default()
            };
            accounts.push(t.db.create_account(&admin, &input).await.unwrap());
        }
        // (account, product line, amount, won?)
        let deals = [
            (0, "云", 100_000, true),
            (0, "硬件", 200_000, true),
            (1, "云", 400_000, true),
            (1, "云", 800_000, false),
        ];
        for (i, (acc, line, amount, is_won)) in deals.iter().enumerate() {
            let input = DealInput {
                name: format!("商机 {i}"),
                amount_minor: *amount,
                currency: "CNY".into(),
                stage_id: if *is_won { won } else { stages[0].id },
                owner_id: rep,
                account_id: Some(accounts[*acc]),
                product_line: Some((*line).into()),
                ..Default::default()
            };
            t.db.create_deal(&admin, &input).await.unwrap();
        }
        let s = TestServer::start(&t).await;
        let director = signed_in(&s, &demo.director).await;
        let today = keel_domain::time::Zone::DEFAULT.today();
        let get = |q: String| {
            let (c, url) = (
                director.clone(),
                s.url(&format!(
                    "/api/v1/metrics/{q}&scope=person:{rep}&from={today}&to={today}"
                )),
            );
            async move { c.get(url).send().await.unwrap() }
        };
        let value = |res: reqwest::Response| async move {
            assert_eq!(res.status(), 200);
            res.json::<serde_json::Value>().await.unwrap()["value"].as_i64()
        };
        // Plainly: won deals of the product line, of the industry's accounts, of both.
        assert_eq!(
            value(get("won_revenue?product_line=云".into()).await).await,
            Some(500_000)
        );
        assert_eq!(
            value(get("won_revenue?industry=制造".into()).await).await,
            Some(300_000)
        );
        assert_eq!(
            value(get("won_revenue?industry=零售&product_line=云".into()).await).await,
            Some(400_000)
        );
        assert_eq!(
            value(get("new_pipeline?region=北京".into()).await).await,
            Some(1_200_000)
        );
        assert_eq!(
            value(get("deals_won?product_line=无".into()).await).await,
            Some(0)
        );
        assert_eq!(
            value(get("won_revenue?product_line=".into()).await).await,
            Some(700_000)
        );
        // Leads have no product line: refused, not silently zero.
        assert_eq!(
            get("leads_converted?industry=制造".into()).await.status(),
            409
        );
        assert_eq!(get("won_revenue?pipeline=nope".into()).await.status(), 422);
    }
);
