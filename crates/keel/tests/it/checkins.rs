//! Check-ins: mood and check-ins stay inside the reporting chain (HTML and API), one per
//! cycle (a second submission updates it until it is reviewed, then is refused), manual goal
//! values from a check-in in the goal's history, the team page against a plain count, and
//! reminders on the home page. Every test runs on both backends.

use crate::harness::OrgDay;
use crate::harness::{TestServer, id_of, load_demo, signed_in};
use chrono::NaiveDate;
use keel_db::Db;
use keel_db::checkins::{CheckinInput, GoalEntry};
use keel_db::goals::{GoalInput, Measure, Owner, Rule, Visibility, current_period};
use keel_db::visibility::Actor;
use keel_domain::checkins::Schedule;
use keel_domain::goals::Direction;
use keel_domain::metrics::Metric;
use keel_domain::periods::PeriodKind;
use keel_domain::roles::Role;
use serde_json::{Value, json};
use std::collections::BTreeSet;
use uuid::Uuid;

fn today() -> NaiveDate {
    keel_domain::time::now().org_day()
}

fn member(id: Uuid) -> Actor {
    Actor {
        id,
        role: Role::Member,
        is_hr: false,
    }
}

async fn get(c: &reqwest::Client, s: &TestServer, path: &str) -> (u16, String) {
    let res = c.get(s.url(path)).send().await.unwrap();
    (res.status().as_u16(), res.text().await.unwrap())
}

async fn submit(c: &reqwest::Client, s: &TestServer, body: Value) -> (u16, Value) {
    let res = c
        .post(s.url("/api/v1/checkins"))
        .json(&body)
        .send()
        .await
        .unwrap();
    let status = res.status().as_u16();
    (status, res.json().await.unwrap_or(Value::Null))
}

db_test!(
    async fn mood_stays_inside_the_reporting_chain(t: TestDb) {
        let demo = load_demo(&t.db).await;
        let s = TestServer::start(&t).await;
        let rep = signed_in(&s, &demo.member).await;
        let (status, c) = submit(
            &rep,
            &s,
            json!({"confidence": 7, "mood": 2, "progress": "拜访了三家客户", "blockers": "报价审批慢"}),
        )
        .await;
        assert_eq!(status, 201, "{c}");
        assert_eq!(c["mood"], 2);
        let id = c["id"].as_str().unwrap().to_owned();
        let me = id_of(&t.db, &demo.member).await;
        let team = t.db.team_of(me).await.unwrap().unwrap();
        // English mood label of 2, as the pages show it.
        let mood_label = "😕 2 · low";
        let seen_by = |email: &'static str| {
            let s = &s;
            let id = id.clone();
            async move {
                let c = signed_in(s, email).await;
                let (api, body) = get(&c, s, &format!("/api/v1/checkins/{id}")).await;
                let mood = serde_json::from_str::<Value>(&body)
                    .ok()
                    .map(|v| v["mood"].clone());
                let (_, list) = get(&c, s, &format!("/api/v1/checkins?person={me}")).await;
                let listed = list.contains(&id);
                let (_, by_cycle) =
                    get(&c, s, &format!("/api/v1/checkins?cycle={}", today())).await;
                let (page, html) = get(&c, s, &format!("/checkins/{id}")).await;
                let (team_page, team_html) =
                    get(&c, s, &format!("/checkins/team?team={team}")).await;
                (
                    api,
                    mood.filter(|m| !m.is_null()),
                    listed && by_cycle.contains(&id),
                    page,
                    html.contains(mood_label),
                    team_page,
                    team_html.contains(mood_label),
                )
            }
        };
        let two = Some(json!(2));
        assert_eq!(
            seen_by("zhou.jie@yunfan.example").await,
            (200, two.clone(), true, 200, true, 403, false),
            "the person"
        );
        assert_eq!(
            seen_by("li.qiang@yunfan.example").await,
            (200, two.clone(), true, 200, true, 200, true),
            "their manager"
        );
        assert_eq!(
            seen_by("chen.jing@yunfan.example").await,
            (200, two.clone(), true, 200, true, 200, true),
            "the director"
        );
        // A peer in the same team, a rep of another team, another team's manager: nothing.
        for other in [
            "wu.ting@yunfan.example",
            "chen.chen@yunfan.example",
            "wang.lei@yunfan.example",
        ] {
            assert_eq!(
                seen_by(other).await,
                (404, None, false, 404, false, 403, false),
                "{other}"
            );
        }
    }
);

db_test!(
    async fn one_checkin_per_cycle_updated_until_reviewed(t: TestDb) {
        let demo = load_demo(&t.db).await;
        let s = TestServer::start(&t).await;
        let rep = signed_in(&s, &demo.member).await;
        let (status, first) = submit(&rep, &s, json!({"confidence": 5, "mood": 3})).await;
        assert_eq!(status, 201, "{first}");
        let (status, second) = submit(
            &rep,
            &s,
            json!({"confidence": 8, "mood": 4, "plans": "推进合同"}),
        )
        .await;
        assert_eq!(status, 200, "a second submission updates: {second}");
        assert_eq!(first["id"], second["id"]);
        assert_eq!(second["confidence"], 8);
        let (status, _) = submit(&rep, &s, json!({"confidence": 11, "mood": 4})).await;
        assert_eq!(status, 422);
        // The manager comments: that is a review, after which the check-in is closed.
        let manager = signed_in(&s, &demo.manager).await;
        let id = first["id"].as_str().unwrap();
        let res = manager
            .post(s.url(&format!("/api/v1/checkins/{id}/comments")))
            .json(&json!({"body": "不错，继续"}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 201);
        let comment: Value = res.json().await.unwrap();
        // The author replies in the thread.
        let res = rep
            .post(s.url(&format!("/api/v1/checkins/{id}/comments")))
            .json(&json!({"body": "谢谢", "parent_id": comment["id"]}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 201);
        let (status, body) = submit(&rep, &s, json!({"confidence": 9, "mood": 5})).await;
        assert_eq!(status, 422, "{body}");
        assert!(body["error"]["fields"]["checkin"].is_string(), "{body}");
        // The form says so too, and offers no form any more.
        let (_, page) = get(&rep, &s, "/checkins").await;
        assert!(page.contains("id=\"checkin-locked\"") && !page.contains("id=\"checkin-form\""));
        let n: i64 = keel_db::with_pool!(&t.db, p => sqlx::query_scalar("SELECT COUNT(*) FROM checkins").fetch_one(p).await.unwrap());
        assert_eq!(n, 1);
        // Reactions toggle, one of each per person; the author cannot react.
        let react = |c: &reqwest::Client, r: &str| {
            c.post(s.url(&format!("/api/v1/checkins/{id}/reactions")))
                .json(&json!({ "reaction": r }))
                .send()
        };
        let on: Value = react(&manager, "👍").await.unwrap().json().await.unwrap();
        assert_eq!(on[0]["count"], 1);
        assert_eq!(on[0]["mine"], true);
        let off: Value = react(&manager, "thumbs_up")
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(off[0]["count"], 0);
        assert_eq!(react(&rep, "eyes").await.unwrap().status(), 403);
        assert_eq!(react(&manager, "heart").await.unwrap().status(), 422);
    }
);

fn goal(owner: Uuid, title: &str, measure: Measure, target: i64) -> GoalInput {
    let period = current_period(PeriodKind::Quarter, today());
    GoalInput {
        owner: Owner::Person(owner),
        parent_id: None,
        contributors: Vec::new(),
        title: title.into(),
        description: String::new(),
        measure,
        start: 0,
        target,
        direction: Direction::Increase,
        weight: 1,
        rule: Rule::Own,
        period,
        due: period.end,
        visibility: Visibility::Public,
    }
}

db_test!(
    async fn a_manual_value_from_a_checkin_is_in_the_goal_history(t: TestDb) {
        let demo = load_demo(&t.db).await;
        let s = TestServer::start(&t).await;
        let me = id_of(&t.db, &demo.member).await;
        let admin = Actor {
            id: id_of(&t.db, &demo.admin).await,
            role: Role::Admin,
            is_hr: true,
        };
        let manual =
            t.db.create_goal(&admin, &goal(me, "重点客户方案提交", Measure::Number, 6))
                .await
                .unwrap();
        let calls =
            t.db.create_goal(
                &admin,
                &goal(me, "电话跟进", Measure::Metric(Metric::Calls), 100),
            )
            .await
            .unwrap();
        let rep = signed_in(&s, &demo.member).await;
        let (_, form) = get(&rep, &s, "/checkins").await;
        assert!(
            form.contains(&format!("name=\"value-{manual}\"")),
            "manual goals take a value"
        );
        assert!(
            !form.contains(&format!("name=\"value-{calls}\"")),
            "metric goals are measured"
        );
        let res = rep
            .post(s.url("/checkins"))
            .form(&[
                ("confidence", "7".to_owned()),
                ("mood", "4".to_owned()),
                ("progress", "提交了方案".to_owned()),
                ("goal", manual.to_string()),
                (&format!("value-{manual}"), "4".to_owned()),
                (&format!("comment-{manual}"), "第四份方案已提交".to_owned()),
                ("goal", calls.to_string()),
                (&format!("comment-{calls}"), "本周电话偏少".to_owned()),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 303, "{}", res.text().await.unwrap());
        let g = t.db.goal(&admin, manual).await.unwrap();
        assert_eq!(g.current_value, Some(4));
        let points = t.db.goal_updates(&admin, manual).await.unwrap();
        let last = points.last().unwrap();
        assert_eq!(
            (last.source.as_str(), last.value, last.comment.as_deref()),
            ("checkin", Some(4), Some("第四份方案已提交"))
        );
        assert_eq!(
            points.len(),
            1,
            "one point: the check-in's, not a second manual one"
        );
        let calls_points = t.db.goal_updates(&admin, calls).await.unwrap();
        assert!(
            calls_points
                .iter()
                .any(|p| p.source == "checkin" && p.comment.as_deref() == Some("本周电话偏少"))
        );
        // Editing the check-in keeps it one point on the chart.
        let res = rep
            .post(s.url("/checkins"))
            .form(&[
                ("confidence", "7".to_owned()),
                ("mood", "4".to_owned()),
                (&format!("value-{manual}"), "5".to_owned()),
                (&format!("comment-{manual}"), "第五份".to_owned()),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 303);
        let points = t.db.goal_updates(&admin, manual).await.unwrap();
        assert_eq!(points.len(), 1);
        assert_eq!(points[0].value, Some(5));
        // The goal page shows the check-in's comment beside the chart, linked for the author.
        let (_, page) = get(&rep, &s, &format!("/goals/{manual}")).await;
        assert!(
            page.contains("id=\"goal-checkin-notes\"") && page.contains("第五份"),
            "{page}"
        );
        assert!(page.contains("href=\"/checkins/"));
        // The API lists the goal's check-in updates to whoever sees the goal (a public goal:
        // a peer too), without the check-in's private parts.
        let peer = signed_in(&s, "wu.ting@yunfan.example").await;
        let (status, body) = get(&peer, &s, &format!("/api/v1/goals/{manual}/checkins")).await;
        assert_eq!(status, 200);
        let list: Value = serde_json::from_str(&body).unwrap();
        assert_eq!(list.as_array().unwrap().len(), 1);
        assert_eq!(list[0]["value"], 5);
        assert!(list[0].get("mood").is_none());
        let (_, page) = get(&peer, &s, &format!("/goals/{manual}")).await;
        assert!(page.contains("第五份") && !page.contains("href=\"/checkins/"));
    }
);

/// Names of the team's active members and of those with a check-in this cycle, from rows.
async fn plain_team_cycle(db: &Db, team: Uuid) -> (BTreeSet<String>, BTreeSet<String>) {
    let cycle = Schedule::default().cycle(today());
    let people: Vec<(Uuid, String, Option<Uuid>, bool)> = keel_db::with_pool!(db, p => sqlx::query_as(
        "SELECT id, name, team_id, active FROM people").fetch_all(p).await.unwrap());
    let checkins: Vec<(Uuid, NaiveDate)> = keel_db::with_pool!(db, p => sqlx::query_as(
        "SELECT person_id, cycle_start FROM checkins").fetch_all(p).await.unwrap());
    let members: Vec<&(Uuid, String, Option<Uuid>, bool)> =
        people.iter().filter(|p| p.2 == Some(team) && p.3).collect();
    let all = members.iter().map(|p| p.1.clone()).collect();
    let done = members
        .iter()
        .filter(|p| checkins.iter().any(|c| c.0 == p.0 && c.1 == cycle.start))
        .map(|p| p.1.clone())
        .collect();
    (all, done)
}

/// (name, submitted) for each row of the team page's table.
fn page_rows(html: &str) -> Vec<(String, bool)> {
    let table = html
        .split("id=\"team-checkins\"")
        .nth(1)
        .and_then(|t| t.split("</table>").next())
        .unwrap_or("");
    table
        .split("<tr class=\"")
        .skip(1)
        .map(|row| {
            let submitted = row.starts_with("in\"");
            let cell = row.split("<td>").nth(1).unwrap_or("");
            let cell = cell.split("</td>").next().unwrap_or("");
            // Strip a link around the name.
            let name: String = cell
                .split(['<', '>'])
                .enumerate()
                .filter(|(i, _)| i % 2 == 0)
                .map(|(_, s)| s)
                .collect();
            (name.trim().to_owned(), submitted)
        })
        .collect()
}

db_test!(
    async fn the_team_page_lists_who_checked_in_as_the_rows_say(t: TestDb) {
        let demo = load_demo(&t.db).await;
        let me = id_of(&t.db, &demo.member).await;
        let team = t.db.team_of(me).await.unwrap().unwrap();
        let members = t.db.team_members(team).await.unwrap();
        // Three people of the team check in; one of another team too.
        for (i, p) in members.iter().take(3).enumerate() {
            let input = CheckinInput {
                confidence: 5 + i as i64,
                mood: 3,
                ..Default::default()
            };
            t.db.submit_checkin(&member(*p), &input, today())
                .await
                .unwrap();
        }
        let other = id_of(&t.db, &demo.other_rep).await;
        t.db.submit_checkin(
            &member(other),
            &CheckinInput {
                confidence: 5,
                mood: 5,
                ..Default::default()
            },
            today(),
        )
        .await
        .unwrap();
        // A goal entry that is not one of the person's goals is refused.
        let bogus = CheckinInput {
            confidence: 5,
            mood: 3,
            goals: vec![GoalEntry {
                goal_id: Uuid::now_v7(),
                ..Default::default()
            }],
            ..Default::default()
        };
        assert!(
            t.db.submit_checkin(&member(other), &bogus, today())
                .await
                .is_err()
        );
        let s = TestServer::start(&t).await;
        let (all, done) = plain_team_cycle(&t.db, team).await;
        assert_eq!(done.len(), 3);
        for email in [&demo.manager, &demo.director] {
            let c = signed_in(&s, email).await;
            let (status, html) = get(&c, &s, &format!("/checkins/team?team={team}")).await;
            assert_eq!(status, 200);
            let rows = page_rows(&html);
            let names: BTreeSet<String> = rows.iter().map(|r| r.0.clone()).collect();
            let submitted: BTreeSet<String> =
                rows.iter().filter(|r| r.1).map(|r| r.0.clone()).collect();
            assert_eq!(names, all, "{email}");
            assert_eq!(submitted, done, "{email}");
            assert!(
                html.contains(&format!("3 of {} checked in", all.len())),
                "{html}"
            );
        }
        // The manager's default team is the one they lead; previous cycles are navigable.
        let manager = signed_in(&s, &demo.manager).await;
        let (_, html) = get(&manager, &s, "/checkins/team").await;
        assert_eq!(page_rows(&html).len(), all.len());
        let last_week = Schedule::default().previous(&Schedule::default().cycle(today()));
        let (status, html) = get(
            &manager,
            &s,
            &format!("/checkins/team?team={team}&cycle={}", last_week.start),
        )
        .await;
        assert_eq!(status, 200);
        assert!(
            page_rows(&html).iter().all(|r| !r.1),
            "nobody checked in last week"
        );
        assert!(html.contains("id=\"cycle-next\""));
    }
);

db_test!(
    async fn reminders_appear_on_home_until_the_checkin_is_in(t: TestDb) {
        let demo = load_demo(&t.db).await;
        let s = TestServer::start(&t).await;
        let rep = signed_in(&s, &demo.member).await;
        let manager = signed_in(&s, &demo.manager).await;
        let (_, home) = get(&rep, &s, "/").await;
        assert!(home.contains("id=\"checkin-reminder\""), "{home}");
        assert!(
            !home.contains("id=\"reports-missing\""),
            "a rep has no reports"
        );
        let (_, home) = get(&manager, &s, "/").await;
        assert!(
            home.contains("6 of your reports have not checked in"),
            "{home}"
        );
        let (status, _) = submit(&rep, &s, json!({"confidence": 6, "mood": 4})).await;
        assert_eq!(status, 201);
        let (_, home) = get(&rep, &s, "/").await;
        assert!(!home.contains("id=\"checkin-reminder\""), "{home}");
        let (_, home) = get(&manager, &s, "/").await;
        assert!(
            home.contains("5 of your reports have not checked in"),
            "{home}"
        );
    }
);
