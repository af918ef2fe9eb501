//! Goals: numbers a director reads checked against plain recomputations from the raw rows,
//! visibility of private goals, who may set goals for whom, reasons for adjustments, and
//! the SMART rule when the organisation requires it. Every test runs on both backends.

use crate::harness::OrgDay;
use crate::harness::{Demo, TestServer, id_of, load_demo, signed_in};
use chrono::NaiveDate;
use keel_db::Db;
use keel_db::deals::DealInput;
use keel_db::goals::{GoalInput, Measure, Owner, Rule, Visibility, current_period};
use keel_db::visibility::Actor;
use keel_domain::goals::{Direction, Status};
use keel_domain::metrics::Metric;
use keel_domain::periods::PeriodKind;
use keel_domain::roles::Role;
use serde_json::{Value, json};
use uuid::Uuid;

fn today() -> NaiveDate {
    keel_domain::time::now().org_day()
}

fn admin(id: Uuid) -> Actor {
    Actor {
        id,
        role: Role::Admin,
        is_hr: true,
    }
}

fn goal(owner: Owner, title: &str, measure: Measure, target: i64) -> GoalInput {
    let period = current_period(PeriodKind::Quarter, today());
    GoalInput {
        owner,
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

/// Progress in permille, written out: share of the target covered, rounded half up, capped.
fn plain_progress(current: i64, target: i64) -> i64 {
    ((current * 1000 + target / 2) / target).clamp(0, 1000)
}

/// Status by pace, written out: days gone by (today counted) against days in the quarter.
fn plain_status(progress: i64) -> Status {
    let q = current_period(PeriodKind::Quarter, today());
    let total = (q.end - q.start).num_days() + 1;
    let elapsed = (today() - q.start).num_days() + 1;
    let expected = (elapsed * 1000 + total / 2) / total;
    if progress >= 1000 {
        Status::Done
    } else if progress >= expected {
        Status::OnTrack
    } else if expected - progress >= 100 {
        Status::OffTrack
    } else {
        Status::AtRisk
    }
}

/// Won CNY amounts of `owner`'s deals closed this quarter, straight from the deal rows.
async fn won_this_quarter(db: &Db, owner: Option<Uuid>) -> i64 {
    let q = current_period(PeriodKind::Quarter, today());
    type Row = (
        Uuid,
        i64,
        String,
        String,
        Option<chrono::DateTime<chrono::Utc>>,
    );
    let rows: Vec<Row> = keel_db::with_pool!(db, p => sqlx::query_as(
        "SELECT d.owner_id, d.amount_minor, d.currency, s.category, d.closed_at FROM deals d JOIN stages s ON s.id = d.stage_id")
        .fetch_all(p).await.unwrap());
    rows.into_iter()
        .filter(|r| owner.is_none_or(|o| r.0 == o))
        .filter(|r| r.2 == "CNY" && r.3 == "won")
        .filter(|r| r.4.is_some_and(|c| q.contains(c.org_day())))
        .map(|r| r.1)
        .sum()
}

db_test!(
    async fn metric_goals_and_parents_match_a_plain_recomputation(t: TestDb) {
        let demo: Demo = load_demo(&t.db).await;
        let admin = admin(id_of(&t.db, &demo.admin).await);
        let member = id_of(&t.db, &demo.member).await;
        let peer = id_of(&t.db, "wu.ting@yunfan.example").await;
        let stages = t.db.stages().await.unwrap();
        let won = stages.iter().find(|s| s.category == "won").unwrap().id;
        let lost = stages.iter().find(|s| s.category == "lost").unwrap().id;
        let open = stages[0].id;
        for (amount, currency, stage, owner) in [
            (30_000_000, "CNY", won, member),
            (12_000_000, "CNY", won, member),
            (99_900_000, "USD", won, member),
            (5_000_000, "CNY", lost, member),
            (7_000_000, "CNY", open, member),
            (8_000_000, "CNY", won, peer),
        ] {
            let d = DealInput {
                name: format!("deal {amount}"),
                amount_minor: amount,
                currency: currency.into(),
                stage_id: stage,
                owner_id: owner,
                ..Default::default()
            };
            t.db.create_deal(&admin, &d).await.unwrap();
        }
        let won_revenue = Measure::Metric(Metric::WonRevenue);
        let team = t.db.team_of(member).await.unwrap().unwrap();
        let mut parent = goal(
            Owner::Team(team),
            "华东大区本季度赢单收入",
            won_revenue,
            90_000_000,
        );
        parent.rule = Rule::Children;
        let parent_id = t.db.create_goal(&admin, &parent).await.unwrap();
        let mut mine = goal(
            Owner::Person(member),
            "周杰本季度赢单收入",
            won_revenue,
            100_000_000,
        );
        mine.parent_id = Some(parent_id);
        mine.weight = 2;
        let mine_id = t.db.create_goal(&admin, &mine).await.unwrap();
        let mut manual = goal(
            Owner::Person(peer),
            "吴婷提交重点客户方案",
            Measure::Number,
            8,
        );
        manual.parent_id = Some(parent_id);
        let manual_id = t.db.create_goal(&admin, &manual).await.unwrap();
        t.db.record_goal_value(&admin, manual_id, 3, Some("三份已提交"))
            .await
            .unwrap();

        let s =
            t.db.goal_standings(&[mine_id, manual_id, parent_id], today())
                .await
                .unwrap();
        let current = won_this_quarter(&t.db, Some(member)).await;
        assert_eq!(
            current, 42_000_000,
            "two CNY deals won; USD, lost and open left out"
        );
        let p_mine = plain_progress(current, 100_000_000);
        assert_eq!(s[&mine_id].current, Some(current));
        assert_eq!(s[&mine_id].progress, Some(p_mine));
        assert_eq!(s[&mine_id].status, Some(plain_status(p_mine)));
        let p_manual = plain_progress(3, 8);
        assert_eq!(s[&manual_id].progress, Some(p_manual));
        // The parent: weighted mean of its children (2 : 1), rounded half up.
        let expected = (p_mine * 2 + p_manual + 1) / 3;
        assert_eq!(s[&parent_id].progress, Some(expected));
        assert_eq!(s[&parent_id].status, Some(plain_status(expected)));
        // The team's own measure is still its won revenue: member and peer together.
        assert_eq!(
            s[&parent_id].current,
            Some(
                won_this_quarter(&t.db, Some(member)).await
                    + won_this_quarter(&t.db, Some(peer)).await
            )
        );
    }
);

db_test!(
    async fn the_demo_goals_align_and_read_their_numbers_from_the_deals(t: TestDb) {
        keel::demo::load(&t.db).await.unwrap();
        let director = Actor {
            id: id_of(&t.db, "chen.jing@yunfan.example").await,
            role: Role::Director,
            is_hr: false,
        };
        let goals = t.db.goals(&director, &Default::default()).await.unwrap();
        assert_eq!(goals.len(), 1 + 4 + 24);
        let org = goals.iter().find(|g| g.input.owner == Owner::Org).unwrap();
        let teams: Vec<_> = goals
            .iter()
            .filter(|g| matches!(g.input.owner, Owner::Team(_)))
            .collect();
        assert!(teams.iter().all(|g| g.input.parent_id == Some(org.id)));
        for g in goals
            .iter()
            .filter(|g| matches!(g.input.owner, Owner::Person(_)))
        {
            assert!(
                teams.iter().any(|t| Some(t.id) == g.input.parent_id),
                "{}",
                g.input.title
            );
        }
        let kinds: std::collections::BTreeSet<String> =
            goals.iter().map(|g| g.input.measure.text()).collect();
        for k in [
            "metric:won_revenue",
            "metric:visits",
            "metric:calls",
            "number",
        ] {
            assert!(kinds.contains(k), "{k} in {kinds:?}");
        }
        let s = t.db.goal_standings(&[org.id], today()).await.unwrap();
        let current = won_this_quarter(&t.db, None).await;
        assert_eq!(s[&org.id].current, Some(current));
        let p = plain_progress(current, org.input.target);
        assert_eq!(s[&org.id].progress, Some(p));
        assert_eq!(s[&org.id].status, Some(plain_status(p)));
        // Charts are not empty once the quarter is a week old.
        if (today() - org.input.period.start).num_days() > 7 {
            let points = t.db.goal_updates(&director, org.id).await.unwrap();
            assert!(!points.is_empty());
        }
    }
);

async fn api_create(c: &reqwest::Client, s: &TestServer, body: Value) -> (u16, Value) {
    let res = c
        .post(s.url("/api/v1/goals"))
        .json(&body)
        .send()
        .await
        .unwrap();
    let status = res.status().as_u16();
    (status, res.json().await.unwrap_or(Value::Null))
}

db_test!(
    async fn private_goals_stay_inside_the_owners_reporting_chain(t: TestDb) {
        let demo = load_demo(&t.db).await;
        let s = TestServer::start(&t).await;
        let member = id_of(&t.db, &demo.member).await;
        let manager = signed_in(&s, &demo.manager).await;
        let (status, g) = api_create(
            &manager,
            &s,
            json!({
            "title": "周杰的私密成长目标", "owner": format!("person:{member}"),
            "measure": "number", "target": 5, "visibility": "private"}),
        )
        .await;
        assert_eq!(status, 201, "{g}");
        let id = g["id"].as_str().unwrap().to_owned();
        let team = t.db.team_of(member).await.unwrap().unwrap();
        let seen_by = |email: &'static str| {
            let s = &s;
            let id = id.clone();
            async move {
                let c = signed_in(s, email).await;
                let list: Value = c
                    .get(s.url("/api/v1/goals"))
                    .send()
                    .await
                    .unwrap()
                    .json()
                    .await
                    .unwrap();
                let in_list = list
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|g| g["id"] == id.as_str());
                let api = c
                    .get(s.url(&format!("/api/v1/goals/{id}")))
                    .send()
                    .await
                    .unwrap()
                    .status()
                    .as_u16();
                let page = c
                    .get(s.url(&format!("/goals/{id}")))
                    .send()
                    .await
                    .unwrap()
                    .status()
                    .as_u16();
                let history = c
                    .get(s.url(&format!("/api/v1/goals/{id}/history")))
                    .send()
                    .await
                    .unwrap()
                    .status()
                    .as_u16();
                let tree = c
                    .get(s.url(&format!("/goals/tree?scope=team:{team}")))
                    .send()
                    .await
                    .unwrap()
                    .text()
                    .await
                    .unwrap();
                (
                    in_list,
                    api,
                    page,
                    history,
                    tree.contains("周杰的私密成长目标"),
                )
            }
        };
        assert_eq!(
            seen_by("zhou.jie@yunfan.example").await,
            (true, 200, 200, 200, true)
        );
        assert_eq!(
            seen_by("li.qiang@yunfan.example").await,
            (true, 200, 200, 200, true)
        );
        assert_eq!(
            seen_by("chen.jing@yunfan.example").await,
            (true, 200, 200, 200, true)
        );
        // A peer in the same team and a rep of another team: as if it did not exist.
        assert_eq!(
            seen_by("wu.ting@yunfan.example").await,
            (false, 404, 404, 404, false)
        );
        assert_eq!(
            seen_by("chen.chen@yunfan.example").await,
            (false, 404, 404, 404, false)
        );
        // Another manager neither.
        assert_eq!(
            seen_by("wang.lei@yunfan.example").await,
            (false, 404, 404, 404, false)
        );
    }
);

db_test!(
    async fn members_set_their_own_goals_only(t: TestDb) {
        let demo = load_demo(&t.db).await;
        let s = TestServer::start(&t).await;
        let member = signed_in(&s, &demo.member).await;
        let peer = id_of(&t.db, "wu.ting@yunfan.example").await;
        let manager = id_of(&t.db, &demo.manager).await;
        let me = id_of(&t.db, &demo.member).await;
        let team = t.db.team_of(me).await.unwrap().unwrap();
        for owner in [
            format!("person:{peer}"),
            format!("person:{manager}"),
            format!("team:{team}"),
            "org".into(),
        ] {
            let (status, body) = api_create(&member, &s, json!({
                "title": "替别人定的目标", "owner": owner, "measure": "metric:calls", "target": 100})).await;
            assert_eq!(status, 403, "{owner}: {body}");
        }
        // The HTML form refuses the same.
        let res = member
            .post(s.url("/goals"))
            .form(&[
                ("title", "替同事定的目标"),
                ("owner", &format!("person:{peer}")),
                ("measure", "metric:calls"),
                ("target", "100"),
                ("period", "2026-Q4"),
                ("due", "2026-12-31"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 403);
        let (status, body) = api_create(
            &member,
            &s,
            json!({
            "title": "本季度电话跟进一百次", "measure": "metric:calls", "target": 100}),
        )
        .await;
        assert_eq!(status, 201, "{body}");
        assert_eq!(body["owner"], format!("person:{me}"));
        // And cannot raise the target of a goal their manager set for them... unless it is
        // theirs: a person's goals are theirs to adjust, so the manager's team goal is the test.
        let mgr = signed_in(&s, &demo.manager).await;
        let (status, team_goal) = api_create(&mgr, &s, json!({
            "title": "华东大区电话跟进", "owner": format!("team:{team}"), "measure": "metric:calls", "target": 600})).await;
        assert_eq!(status, 201, "{team_goal}");
        let res = member
            .patch(s.url(&format!(
                "/api/v1/goals/{}",
                team_goal["id"].as_str().unwrap()
            )))
            .json(&json!({"target": 10, "reason": "太难了"}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 403);
    }
);

db_test!(
    async fn target_changes_need_a_reason_and_are_kept(t: TestDb) {
        let demo = load_demo(&t.db).await;
        let s = TestServer::start(&t).await;
        let member = id_of(&t.db, &demo.member).await;
        let manager = signed_in(&s, &demo.manager).await;
        let (_, g) = api_create(
            &manager,
            &s,
            json!({
            "title": "周杰本季度客户拜访", "owner": format!("person:{member}"),
            "measure": "metric:visits", "target": 30}),
        )
        .await;
        let id = g["id"].as_str().unwrap().to_owned();
        let url = s.url(&format!("/api/v1/goals/{id}"));
        let res = manager
            .patch(&url)
            .json(&json!({"target": 40}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 422);
        let body: Value = res.json().await.unwrap();
        assert!(body["error"]["fields"]["reason"].is_string(), "{body}");
        // A title needs no reason.
        let res = manager
            .patch(&url)
            .json(&json!({"title": "周杰本季度客户拜访（华东）"}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200);
        let res = manager
            .patch(&url)
            .json(&json!({"target": 40, "due": "2099-01-01", "reason": "新增两家重点客户"}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200);
        assert_eq!(res.json::<Value>().await.unwrap()["target"], 40);
        let h: Value = manager
            .get(s.url(&format!("/api/v1/goals/{id}/history")))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let changes = h["changes"].as_array().unwrap();
        let target = changes.iter().find(|c| c["field"] == "target").unwrap();
        assert_eq!(
            (target["old_value"].as_str(), target["new_value"].as_str()),
            (Some("30"), Some("40"))
        );
        assert_eq!(target["reason"], "新增两家重点客户");
        assert_eq!(target["person_name"], "李强");
        assert!(
            changes
                .iter()
                .any(|c| c["field"] == "due" && c["reason"] == "新增两家重点客户")
        );
        assert!(
            changes
                .iter()
                .any(|c| c["field"] == "title" && c["reason"].is_null())
        );
        // The goal page shows the adjustment and its reason.
        let page = manager
            .get(s.url(&format!("/goals/{id}")))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(page.contains("新增两家重点客户"), "{page}");
        // An override needs a reason too, then shows who and why, and can be cleared.
        let res = manager
            .patch(&url)
            .json(&json!({"status_override": "at_risk"}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 422);
        let res = manager
            .patch(&url)
            .json(&json!({"status_override": "at_risk", "reason": "大客户推迟拜访"}))
            .send()
            .await
            .unwrap();
        let body: Value = res.json().await.unwrap();
        assert_eq!(body["status"], "at_risk");
        assert_eq!(body["status_override"]["reason"], "大客户推迟拜访");
        let res = manager
            .patch(&url)
            .json(&json!({"status_override": ""}))
            .send()
            .await
            .unwrap();
        let body: Value = res.json().await.unwrap();
        assert!(body["status_override"].is_null());
        assert_eq!(body["status"], body["paced_status"]);
    }
);

db_test!(
    async fn required_smart_refuses_a_failing_goal(t: TestDb) {
        let demo = load_demo(&t.db).await;
        let s = TestServer::start(&t).await;
        let admin = signed_in(&s, &demo.admin).await;
        let manager = signed_in(&s, &demo.manager).await;
        let member = id_of(&t.db, &demo.member).await;
        let short = json!({"title": "拜访", "owner": format!("person:{member}"), "measure": "metric:visits", "target": 30});
        // Advice by default: saved.
        let (status, _) = api_create(&manager, &s, short.clone()).await;
        assert_eq!(status, 201);
        // Only admins may require SMART goals.
        let res = manager
            .post(s.url("/goals/settings"))
            .form(&[("smart_required", "1")])
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 403);
        let res = admin
            .post(s.url("/goals/settings"))
            .form(&[("smart_required", "1")])
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 303);
        let (status, body) = api_create(&manager, &s, short).await;
        assert_eq!(status, 422, "{body}");
        assert!(body["error"]["fields"]["smart_s"].is_string(), "{body}");
        // The form refuses it too, with the reasons beside it.
        let res = manager
            .post(s.url("/goals"))
            .form(&[
                ("title", "拜访"),
                ("owner", &format!("person:{member}")),
                ("measure", "metric:visits"),
                ("target", "30"),
                (
                    "period",
                    &current_period(PeriodKind::Quarter, today()).label(),
                ),
                (
                    "due",
                    &current_period(PeriodKind::Quarter, today()).end.to_string(),
                ),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 422);
        let page = res.text().await.unwrap();
        assert!(
            page.contains("id=\"smart\"") && page.contains("smart-fail"),
            "{page}"
        );
        // A specific, aligned-or-not, dated goal passes (R only warns).
        let (status, body) = api_create(
            &manager,
            &s,
            json!({
            "title": "本季度拜访重点客户三十次", "owner": format!("person:{member}"),
            "measure": "metric:visits", "target": 30}),
        )
        .await;
        assert_eq!(status, 201, "{body}");
    }
);
