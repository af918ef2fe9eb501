//! Sales targets are set top-down only, splits add up, and the forecast's numbers equal a
//! plain recomputation from the deal rows, on both backends.

use crate::harness::OrgDay;
use crate::harness::{TestServer, id_of, load_demo, signed_in};
use chrono::{NaiveDate, Utc};
use keel_domain::periods::{Period, PeriodKind};
use serde_json::{Value, json};
use std::collections::HashMap;
use uuid::Uuid;

fn this_quarter() -> Period {
    Period::containing(
        PeriodKind::Quarter,
        keel_domain::time::Zone::DEFAULT.today(),
    )
    .unwrap()
}

db_test!(
    async fn targets_are_set_top_down_and_splits_add_up(t: TestDb) {
        let demo = load_demo(&t.db).await;
        let s = TestServer::start(&t).await;
        let period = this_quarter().label();
        let member = signed_in(&s, &demo.member).await;
        let manager = signed_in(&s, &demo.manager).await;
        let director = signed_in(&s, &demo.director).await;
        let member_id = id_of(&t.db, &demo.member).await;
        let manager_id = id_of(&t.db, &demo.manager).await;
        let other_rep = id_of(&t.db, &demo.other_rep).await;
        let set = |c: &reqwest::Client, person: Uuid, value: i64| {
            let c = c.clone();
            let url = s.url("/api/v1/targets");
            let body = json!({"person_id": person, "period": period, "value": value});
            async move {
                c.post(url)
                    .json(&body)
                    .send()
                    .await
                    .unwrap()
                    .status()
                    .as_u16()
            }
        };
        // Nobody sets their own; nobody sets a peer's or someone outside their line.
        assert_eq!(set(&member, member_id, 1).await, 409);
        assert_eq!(set(&member, other_rep, 1).await, 403);
        assert_eq!(set(&manager, manager_id, 1).await, 409);
        assert_eq!(set(&manager, other_rep, 1).await, 403);
        // Above is allowed.
        assert_eq!(set(&manager, member_id, 5_000_000).await, 204);
        assert_eq!(set(&director, manager_id, 60_000_000).await, 204);
        // A negative target is refused before anything is written.
        assert_eq!(set(&director, manager_id, -1).await, 409);

        // Splitting the manager's target among the six reps adds up exactly.
        let res = director
            .post(s.url("/api/v1/targets/split"))
            .json(&json!({"manager_id": manager_id, "period": period, "how": "equal"}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200);
        let shares: Vec<Value> = res.json().await.unwrap();
        assert_eq!(shares.len(), 6);
        let sum: i64 = shares.iter().map(|s| s["value"].as_i64().unwrap()).sum();
        assert_eq!(sum, 60_000_000);
        assert!(
            shares
                .iter()
                .all(|s| s["value"].as_i64() == Some(10_000_000))
        );

        // The member sees their own target, not their peers'.
        let mine: Vec<Value> = member
            .get(s.url(&format!("/api/v1/targets?period={period}")))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(mine.len(), 1);
        assert_eq!(mine[0]["person_id"], member_id.to_string());
        assert_eq!(mine[0]["value"], 10_000_000);
        // The editor shows the manager the split and the member only themselves.
        let page = manager
            .get(s.url(&format!("/targets?period={period}")))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(page.contains("name=\"value\""));
        let page = member
            .get(s.url(&format!("/targets?period={period}")))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(!page.contains("name=\"value\""), "a member edits no target");
    }
);

/// Everyone in `root`'s line, from the `manager_id` column, walked here rather than by keel.
fn line_of(root: Uuid, managers: &[(Uuid, Option<Uuid>)]) -> Vec<Uuid> {
    let mut line = vec![root];
    let mut i = 0;
    while i < line.len() {
        let boss = line[i];
        line.extend(
            managers
                .iter()
                .filter(|(_, m)| *m == Some(boss))
                .map(|(p, _)| *p),
        );
        i += 1;
    }
    line
}

db_test!(
    async fn the_forecast_equals_a_recomputation_from_the_rows(t: TestDb) {
        keel::demo::load(&t.db).await.unwrap();
        let s = TestServer::start(&t).await;
        let director = signed_in(&s, "chen.jing@yunfan.example").await;
        let period = this_quarter();
        let (from, to) = (period.start, period.end);
        let v: Value = director
            .get(s.url(&format!("/api/v1/forecast?period={}", period.label())))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        type DealRow = (
            Uuid,
            i64,
            String,
            String,
            i32,
            Option<chrono::DateTime<Utc>>,
            Option<NaiveDate>,
        );
        let deals: Vec<DealRow> = keel_db::with_pool!(&t.db, p => {
            sqlx::query_as("SELECT d.owner_id, d.amount_minor, d.currency, s.category, s.probability, d.closed_at, d.expected_close FROM deals d JOIN stages s ON s.id = d.stage_id")
                .fetch_all(p).await.unwrap()
        });
        let managers: Vec<(Uuid, Option<Uuid>)> = keel_db::with_pool!(&t.db, p => {
            sqlx::query_as("SELECT id, manager_id FROM people WHERE active").fetch_all(p).await.unwrap()
        });
        let targets: Vec<(Uuid, i64)> = keel_db::with_pool!(&t.db, p => {
            sqlx::query_as("SELECT person_id, value FROM targets WHERE period = $1 AND metric = 'won_revenue'")
                .bind(period.label()).fetch_all(p).await.unwrap()
        });
        let targets: HashMap<Uuid, i64> = targets.into_iter().collect();
        let rows = v["rows"].as_array().unwrap();
        assert_eq!(
            rows.len(),
            managers.len(),
            "everyone, from the director down"
        );
        let mut checked_nonzero = false;
        for row in rows {
            let person: Uuid = row["person_id"].as_str().unwrap().parse().unwrap();
            let line = line_of(person, &managers);
            let mine = deals.iter().filter(|d| line.contains(&d.0) && d.2 == "CNY");
            let (mut won, mut pipeline, mut weighted) = (0_i64, 0_i64, 0_i64);
            for (_, amount, _, category, probability, closed, close) in mine {
                let closed_in = closed.is_some_and(|c| c.org_day() >= from && c.org_day() <= to);
                if category == "won" && closed_in {
                    won += amount;
                }
                if category == "open" && close.is_some_and(|c| c >= from && c <= to) {
                    pipeline += amount;
                    weighted += amount * i64::from(*probability);
                }
            }
            let weighted = (weighted + 50) / 100;
            assert_eq!(row["achieved"].as_i64(), Some(won), "{}", row["name"]);
            assert_eq!(row["pipeline"].as_i64(), Some(pipeline), "{}", row["name"]);
            assert_eq!(row["weighted"].as_i64(), Some(weighted), "{}", row["name"]);
            let target = targets.get(&person).copied();
            assert_eq!(row["target"].as_i64(), target);
            if let Some(t) = target.filter(|t| *t > 0) {
                assert_eq!(
                    row["achieved_permille"].as_i64(),
                    Some((won * 2000 + t) / (2 * t))
                );
                checked_nonzero |= won > 0;
            }
        }
        assert!(
            checked_nonzero,
            "the demo quarter has won deals against targets"
        );
        // The demo leaves one rep without a target this quarter; the page names them.
        let page = director
            .get(s.url("/forecast"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(rows.iter().any(|r| r["target"].is_null()));
        assert!(page.contains("id=\"forecast\""));

        // The CSV has the same rows, with a BOM for Excel.
        let csv = director
            .get(s.url(&format!("/forecast.csv?period={}", period.label())))
            .send()
            .await
            .unwrap()
            .bytes()
            .await
            .unwrap();
        assert!(csv.starts_with(b"\xEF\xBB\xBF"));
        let mut r = csv::Reader::from_reader(&csv[3..]);
        let records: Vec<csv::StringRecord> = r.records().map(Result::unwrap).collect();
        assert_eq!(records.len(), rows.len());
        assert_eq!(
            records[0][5].parse::<i64>().ok(),
            rows[0]["achieved"].as_i64()
        );

        // A manager's forecast starts at themselves; another team's manager is hidden.
        let manager = signed_in(&s, "li.qiang@yunfan.example").await;
        let v: Value = manager
            .get(s.url("/api/v1/forecast"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let manager_id = id_of(&t.db, "li.qiang@yunfan.example").await;
        assert_eq!(v["rows"][0]["person_id"], manager_id.to_string());
        assert_eq!(v["rows"].as_array().unwrap().len(), 7);
        let other_manager = managers
            .iter()
            .find(|(p, m)| {
                *p != manager_id
                    && m.is_some()
                    && managers.iter().filter(|(_, mm)| *mm == Some(*p)).count() == 6
            })
            .unwrap()
            .0;
        let res = manager
            .get(s.url(&format!("/api/v1/forecast?scope=person:{other_manager}")))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 404);
    }
);
