//! Contests: the leaderboard equals a plain count from the rows, the rules of who may start
//! one, and winners recorded once when the period is over; on both backends.

use crate::harness::{TestServer, id_of, load_demo, signed_in};
use chrono::{Duration, NaiveDate, TimeZone, Utc};
use keel_db::activities::ActivityInput;
use keel_db::visibility::Actor;
use keel_domain::roles::Role;
use serde_json::{Value, json};
use uuid::Uuid;

async fn log_calls(db: &keel_db::Db, admin: &Actor, owner: Uuid, n: usize, day: NaiveDate) {
    for i in 0..n {
        let input = ActivityInput {
            kind: "call".into(),
            subject: format!("电话 {i}"),
            owner_id: owner,
            at: Utc.from_utc_datetime(&day.and_hms_opt(9, 0, 0).unwrap())
                + Duration::minutes(i as i64),
            ..Default::default()
        };
        db.log_activity(admin, &input).await.unwrap();
    }
}

db_test!(
    async fn leaderboards_rank_the_rows_and_record_winners_once(t: TestDb) {
        let demo = load_demo(&t.db).await;
        let s = TestServer::start(&t).await;
        let admin = Actor {
            id: id_of(&t.db, &demo.admin).await,
            role: Role::Admin,
            is_hr: true,
        };
        let member = id_of(&t.db, &demo.member).await;
        let other_rep = id_of(&t.db, &demo.other_rep).await;
        let third = id_of(&t.db, "wu.ting@yunfan.example").await;
        let day = NaiveDate::from_ymd_opt(2026, 3, 10).unwrap();
        log_calls(&t.db, &admin, member, 3, day).await;
        log_calls(&t.db, &admin, other_rep, 5, day).await;
        log_calls(&t.db, &admin, third, 3, day).await;
        // Outside the period: must not count.
        log_calls(&t.db, &admin, member, 4, day + Duration::days(40)).await;

        let director = signed_in(&s, &demo.director).await;
        let res = director
            .post(s.url("/api/v1/contests"))
            .json(&json!({"name": "三月电话赛", "metric": "calls", "starts": "2026-03-01", "ends": "2026-03-31",
                "prize": "奶茶", "people": [member, other_rep, third]}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 201);
        let id = res.json::<Value>().await.unwrap()["id"]
            .as_str()
            .unwrap()
            .to_owned();

        // Everyone may look; the board is the plain count of calls in March.
        let rep = signed_in(&s, &demo.member).await;
        let board: Value = rep
            .get(s.url(&format!("/api/v1/contests/{id}")))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let counts: Vec<(Uuid, i64)> = keel_db::with_pool!(&t.db, p => {
            sqlx::query_as("SELECT owner_id, COUNT(*) FROM activities WHERE kind = 'call' AND at >= $1 AND at < $2 GROUP BY owner_id")
                .bind(Utc.with_ymd_and_hms(2026, 3, 1, 0, 0, 0).unwrap())
                .bind(Utc.with_ymd_and_hms(2026, 4, 1, 0, 0, 0).unwrap())
                .fetch_all(p).await.unwrap()
        });
        let standings = board["standings"].as_array().unwrap();
        assert_eq!(standings.len(), 3);
        for st in standings {
            let who: Uuid = st["person_id"].as_str().unwrap().parse().unwrap();
            let expected = counts.iter().find(|(o, _)| *o == who).map(|c| c.1);
            assert_eq!(st["value"].as_i64(), expected);
        }
        let ranks: Vec<(i64, i64)> = standings
            .iter()
            .map(|s| (s["rank"].as_i64().unwrap(), s["value"].as_i64().unwrap()))
            .collect();
        assert_eq!(ranks, [(1, 5), (2, 3), (2, 3)], "ties share a place");
        // The period is over (March 2026 < today): the podium is recorded and stays.
        assert_eq!(board["final_result"], true);
        log_calls(&t.db, &admin, third, 9, day).await;
        let again: Value = rep
            .get(s.url(&format!("/api/v1/contests/{id}")))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(
            again["standings"], board["standings"],
            "recorded once, never recomputed"
        );
        let winners: i64 = keel_db::with_pool!(&t.db, p => {
            sqlx::query_scalar("SELECT COUNT(*) FROM contest_winners").fetch_one(p).await.unwrap()
        });
        assert_eq!(winners, 3);
        // The page and the big screen show it.
        for path in [format!("/contests/{id}"), format!("/contests/{id}?tv=1")] {
            let html = rep
                .get(s.url(&path))
                .send()
                .await
                .unwrap()
                .text()
                .await
                .unwrap();
            assert!(
                html.contains("三月电话赛") && html.contains("leaderboard"),
                "{path}"
            );
        }

        // Rules: members start none; managers only within their line; two entrants; flow metrics.
        let body = |people: Vec<Uuid>, metric: &str| json!({"name": "赛", "metric": metric, "starts": "2026-11-01", "ends": "2026-11-30", "people": people});
        let post = |c: &reqwest::Client, b: Value| {
            let c = c.clone();
            let url = s.url("/api/v1/contests");
            async move { c.post(url).json(&b).send().await.unwrap().status().as_u16() }
        };
        assert_eq!(post(&rep, body(vec![member, third], "calls")).await, 403);
        let manager = signed_in(&s, &demo.manager).await;
        assert_eq!(
            post(&manager, body(vec![member, other_rep], "calls")).await,
            403
        );
        assert_eq!(post(&manager, body(vec![member], "calls")).await, 409);
        assert_eq!(
            post(&manager, body(vec![member, third], "weighted_pipeline")).await,
            422
        );
        assert_eq!(
            post(&manager, body(vec![member, third], "visits")).await,
            201
        );
    }
);
