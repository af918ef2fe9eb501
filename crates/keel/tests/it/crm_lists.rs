//! The CRM lists on both backends: indexed search in Chinese and English (and its query plan),
//! sorted keyset pages that return every row exactly once, the activities and satisfaction
//! lists, lead reassignment and several pipelines.

use crate::crm::Fixture;
use crate::harness::OrgDay;
use crate::harness::{TestServer, id_of, load_demo, signed_in};
use keel_db::Db;
use keel_db::accounts::{AccountInput, AccountQuery};
use keel_db::activities::{ActivityInput, ActivityQuery, TaskState};
use keel_db::contacts::{ContactInput, ContactQuery};
use keel_db::deals::{DealInput, DealQuery};
use keel_db::leads::{LeadInput, LeadQuery};
use keel_db::search::Target;
use keel_db::sort::Cursor;
use keel_db::visibility::Actor;
use keel_domain::roles::Role;
use serde_json::{Value, json};
use std::collections::{BTreeSet, HashSet};
use uuid::Uuid;

fn rep(id: Uuid) -> Actor {
    Actor {
        id,
        role: Role::Member,
        is_hr: false,
    }
}

async fn account(db: &Db, admin: &Actor, name: &str, industry: &str, owner: Uuid) -> Uuid {
    let input = AccountInput {
        name: name.into(),
        industry: Some(industry.into()).filter(|s: &String| !s.is_empty()),
        status: "prospect".into(),
        owner_id: Some(owner),
        ..Default::default()
    };
    db.create_account(admin, &input).await.unwrap()
}

async fn account_names(db: &Db, actor: &Actor, q: &str) -> BTreeSet<String> {
    let query = AccountQuery {
        search: Some(q.into()),
        limit: 500,
        ..Default::default()
    };
    let (rows, _) = db.accounts(actor, &query).await.unwrap();
    rows.into_iter().map(|a| a.name).collect()
}

/// Percent-encodes a query parameter value.
fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

fn set(names: &[&str]) -> BTreeSet<String> {
    names.iter().map(|n| n.to_string()).collect()
}

async fn get_json(c: &reqwest::Client, url: String) -> Value {
    let res = c.get(url).send().await.unwrap();
    assert!(res.status().is_success(), "status {}", res.status());
    res.json().await.unwrap()
}

db_test!(
    async fn search_finds_chinese_and_english_substrings_and_nothing_hidden(t: TestDb) {
        let demo = load_demo(&t.db).await;
        let f = Fixture::new(&t.db, &demo).await;
        let me = rep(f.member);
        let yunfan = "上海云帆科技有限公司";
        let acme = "Acme Robotics";
        let odd = r#"100% Cotton_Mill "NEAR(x)" 纺织"#;
        let a1 = account(&t.db, &f.admin, yunfan, "软件", f.member).await;
        let a2 = account(&t.db, &f.admin, acme, "Manufacturing", f.member).await;
        account(&t.db, &f.admin, odd, "", f.member).await;
        account(&t.db, &f.admin, "北京云帆分公司", "", f.other_rep).await;
        let cases: [(&str, &[&str]); 15] = [
            ("云帆科技", &[yunfan]),
            // Two characters: the LIKE fallback, same rule.
            ("云帆", &[yunfan]),
            ("ACME robot", &[acme]),
            ("manufact", &[acme]),
            ("软件", &[yunfan]),
            ("%", &[odd]),
            ("_", &[odd]),
            ("0%", &[odd]),
            ("100%", &[odd]),
            ("Cotton_Mill", &[odd]),
            (r#""NEAR("#, &[odd]),
            ("NEAR(", &[odd]),
            ("'; DROP TABLE accounts; --", &[]),
            ("* AND OR", &[]),
            ("   ", &[yunfan, acme, odd, "周杰的客户 Zhou's Co"]),
        ];
        for (q, expected) in cases {
            assert_eq!(account_names(&t.db, &me, q).await, set(expected), "{q:?}");
        }
        // A director finds both branches; the rep never the other rep's.
        let admin_sees = account_names(&t.db, &f.admin, "云帆").await;
        assert_eq!(admin_sees, set(&[yunfan, "北京云帆分公司"]));
        assert!(account_names(&t.db, &me, "北京").await.is_empty());
        // The index follows edits.
        let renamed = AccountInput {
            name: "Acme Aerospace".into(),
            status: "customer".into(),
            ..Default::default()
        };
        t.db.update_account(&me, a2, &renamed).await.unwrap();
        assert!(account_names(&t.db, &me, "robotics").await.is_empty());
        assert_eq!(
            account_names(&t.db, &me, "aerospace").await,
            set(&["Acme Aerospace"])
        );

        // Contacts by phone digits, e-mail, and their account's name.
        let contact = ContactInput {
            name: "钱经理".into(),
            phone: Some("13911112222".into()),
            email: Some("Qian@YunFan.example".into()),
            ..Default::default()
        };
        t.db.add_contact(&f.admin, a1, &contact).await.unwrap();
        let theirs = ContactInput {
            name: "孙总".into(),
            phone: Some("13911113333".into()),
            ..Default::default()
        };
        t.db.add_contact(&f.admin, f.other_account, &theirs)
            .await
            .unwrap();
        for q in ["1111222", "yunfan.EXAMPLE", "云帆科技", "钱经"] {
            let query = ContactQuery {
                search: Some(q.into()),
                limit: 50,
                ..Default::default()
            };
            let (rows, _) = t.db.contacts(&me, &query).await.unwrap();
            let names: Vec<&str> = rows.iter().map(|c| c.name.as_str()).collect();
            assert_eq!(names, ["钱经理"], "{q}");
        }
        let query = ContactQuery {
            search: Some("139111".into()),
            limit: 50,
            ..Default::default()
        };
        assert_eq!(t.db.contacts(&me, &query).await.unwrap().0.len(), 1);

        // Leads by company and e-mail; deals by product line and account name.
        let lead = LeadInput {
            name: "Zhang Wei".into(),
            company: Some("深圳云帆物流".into()),
            email: Some("zw@Example.COM".into()),
            status: "new".into(),
            owner_id: Some(f.member),
            ..Default::default()
        };
        t.db.create_lead(&f.admin, &lead).await.unwrap();
        for q in ["云帆物流", "example.com", "zhang"] {
            let query = LeadQuery {
                search: Some(q.into()),
                limit: 50,
                ..Default::default()
            };
            let (rows, _) = t.db.leads(&me, &query).await.unwrap();
            assert_eq!(rows.len(), 1, "{q}");
        }
        let query = LeadQuery {
            search: Some("陈晨的线索".into()),
            limit: 50,
            ..Default::default()
        };
        assert!(t.db.leads(&me, &query).await.unwrap().0.is_empty());
        let deal = DealInput {
            name: "年度框架协议".into(),
            amount_minor: 100,
            currency: "CNY".into(),
            stage_id: f.first_stage,
            owner_id: f.member,
            account_id: Some(a1),
            product_line: Some("CloudSail Pro".into()),
            ..Default::default()
        };
        t.db.create_deal(&f.admin, &deal).await.unwrap();
        for (q, n) in [("cloudsail", 1), ("云帆科技", 1), ("框架", 1), ("商机", 0)] {
            let query = DealQuery {
                search: Some(q.into()),
                limit: 50,
                ..Default::default()
            };
            assert_eq!(t.db.deals(&me, &query).await.unwrap().0.len(), n, "{q}");
        }

        // The API's `q` is the same search, quotes and all.
        let s = TestServer::start(&t).await;
        let member = signed_in(&s, &demo.member).await;
        let v = get_json(&member, s.url("/api/v1/accounts?q=%E4%BA%91%E5%B8%86")).await;
        assert_eq!(v["items"].as_array().unwrap().len(), 1, "{v}");
        let v = get_json(&member, s.url("/api/v1/deals?q=%22%27%3B%20DROP")).await;
        assert!(v["items"].as_array().unwrap().is_empty());
        let page = member
            .get(s.url("/accounts?q=%E4%BA%91%E5%B8%86%E7%A7%91"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(
            page.contains(yunfan) && !page.contains("北京云帆"),
            "{page}"
        );

        // The searches go through their indexes.
        for (target, index) in [
            (Target::Accounts, "accounts"),
            (Target::Contacts, "contacts"),
            (Target::Leads, "leads"),
            (Target::Deals, "deals"),
        ] {
            let plan =
                t.db.search_plan(target, "云帆科技")
                    .await
                    .unwrap()
                    .join("\n");
            let expected = match t.db.backend() {
                keel_db::Backend::Sqlite => format!("{index}_fts VIRTUAL TABLE INDEX"),
                keel_db::Backend::Postgres => format!("Bitmap Index Scan on {index}_search"),
            };
            assert!(plan.contains(&expected), "{target:?}:\n{plan}");
        }
    }
);

/// Walks every page of a list, `per` rows at a time, and returns the ids in order.
async fn walk<F, Fut>(per: u32, mut page: F) -> Vec<Uuid>
where
    F: FnMut(Option<Cursor>, u32) -> Fut,
    Fut: std::future::Future<Output = (Vec<Uuid>, Option<Cursor>)>,
{
    let mut out = Vec::new();
    let mut after = None;
    for _ in 0..1000 {
        let (ids, next) = page(after.clone(), per).await;
        assert!(ids.len() <= per as usize);
        out.extend(ids);
        match next {
            Some(c) => after = Some(c),
            None => return out,
        }
    }
    panic!("the pages never end");
}

fn assert_once(ids: &[Uuid], all: &HashSet<Uuid>, what: &str) {
    let seen: HashSet<Uuid> = ids.iter().copied().collect();
    assert_eq!(seen.len(), ids.len(), "{what}: a row came twice");
    assert_eq!(&seen, all, "{what}: rows missing or extra");
}

db_test!(
    async fn sorted_pages_return_every_row_exactly_once(t: TestDb) {
        let demo = load_demo(&t.db).await;
        let f = Fixture::new(&t.db, &demo).await;
        let me = rep(f.member);
        // Deals with many ties in amount, name and close date, and some without a date.
        let mut mine = HashSet::new();
        for i in 0..23i64 {
            let input = DealInput {
                name: format!("商机 {}", i % 4),
                amount_minor: (i % 5) * 1_000,
                currency: "CNY".into(),
                stage_id: f.first_stage,
                owner_id: f.member,
                expected_close: (i % 3 != 0)
                    .then(|| chrono::NaiveDate::from_ymd_opt(2030, 1, 1 + (i % 4) as u32).unwrap()),
                ..Default::default()
            };
            mine.insert(t.db.create_deal(&f.admin, &input).await.unwrap());
        }
        for sort in ["created", "name", "amount", "close"] {
            for per in [1, 4, 7] {
                let db = t.db.clone();
                let ids = walk(per, |after, limit| {
                    let db = db.clone();
                    async move {
                        let q = DealQuery {
                            sort: sort.into(),
                            after,
                            limit,
                            ..Default::default()
                        };
                        let (rows, next) = db.deals(&me, &q).await.unwrap();
                        (rows.iter().map(|d| d.id).collect(), next)
                    }
                })
                .await;
                assert_once(&ids, &mine, &format!("deals by {sort}, {per} a page"));
            }
        }
        // The order itself: by amount, largest first; by close date, soonest first, undated last.
        let q = DealQuery {
            sort: "close".into(),
            limit: 100,
            ..Default::default()
        };
        let (rows, _) = t.db.deals(&me, &q).await.unwrap();
        let closes: Vec<_> = rows.iter().map(|d| d.expected_close).collect();
        let dated = closes.iter().take_while(|c| c.is_some()).count();
        assert!(closes[dated..].iter().all(Option::is_none), "{closes:?}");
        assert!(closes[..dated].windows(2).all(|w| w[0] <= w[1]));
        let q = DealQuery {
            sort: "amount".into(),
            limit: 100,
            ..Default::default()
        };
        let (rows, _) = t.db.deals(&me, &q).await.unwrap();
        assert!(
            rows.windows(2)
                .all(|w| w[0].amount_minor >= w[1].amount_minor)
        );

        // Accounts by last follow-up, some never followed up.
        let mut accounts: HashSet<Uuid> = HashSet::from([f.own_account]);
        for i in 0..9 {
            let id = account(&t.db, &f.admin, &format!("客户 {}", i % 3), "", f.member).await;
            accounts.insert(id);
            if i % 2 == 0 {
                let call = ActivityInput {
                    kind: "call".into(),
                    subject: format!("Call {i}"),
                    owner_id: f.member,
                    at: keel_domain::time::now() - chrono::TimeDelta::days(i % 4),
                    account_id: Some(id),
                    ..Default::default()
                };
                t.db.log_activity(&me, &call).await.unwrap();
            }
        }
        for sort in ["name", "created", "last_activity"] {
            let db = t.db.clone();
            let ids = walk(2, |after, limit| {
                let db = db.clone();
                async move {
                    let q = AccountQuery {
                        sort: sort.into(),
                        after,
                        limit,
                        ..Default::default()
                    };
                    let (rows, next) = db.accounts(&me, &q).await.unwrap();
                    (rows.iter().map(|a| a.id).collect(), next)
                }
            })
            .await;
            assert_once(&ids, &accounts, &format!("accounts by {sort}"));
        }

        // The API hands out the same cursors; a cursor of another sort is refused.
        let s = TestServer::start(&t).await;
        let member = signed_in(&s, &demo.member).await;
        let mut seen = Vec::new();
        let mut url = s.url("/api/v1/deals?sort=close&limit=3");
        loop {
            let v = get_json(&member, url.clone()).await;
            for d in v["items"].as_array().unwrap() {
                seen.push(d["id"].as_str().unwrap().parse::<Uuid>().unwrap());
            }
            match v["next"].as_str() {
                Some(next) => {
                    url = s.url(&format!(
                        "/api/v1/deals?sort=close&limit=3&after={}",
                        urlencode(next)
                    ))
                }
                None => break,
            }
        }
        assert_once(&seen, &mine, "API pages");
        let v = get_json(&member, s.url("/api/v1/deals?sort=amount&limit=2")).await;
        let next = urlencode(v["next"].as_str().unwrap());
        let res = member
            .get(s.url(&format!("/api/v1/deals?sort=name&after={next}")))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 422);
        let body: Value = res.json().await.unwrap();
        assert!(body["error"]["fields"]["after"].is_string(), "{body}");

        // HTML pages: follow "next" links; headers link to the sorts; export keeps the order.
        let mut names = Vec::new();
        let mut path = "/deals?sort=amount&q=%E5%95%86%E6%9C%BA".to_owned();
        loop {
            let page = member
                .get(s.url(&path))
                .send()
                .await
                .unwrap()
                .text()
                .await
                .unwrap();
            names.extend(
                page.match_indices("<a href=\"/deals/")
                    .map(|(i, _)| page[i..].split('>').nth(1).unwrap_or("").to_owned()),
            );
            assert!(page.contains("aria-sort=\"descending\""), "{page}");
            match page.split("<p class=\"pager\"><a href=\"").nth(1) {
                Some(rest) => path = rest.split('"').next().unwrap().replace("&amp;", "&"),
                None => break,
            }
        }
        assert_eq!(names.len(), mine.len());
        let csv = member
            .get(s.url("/export/deals.csv?sort=amount&q=%E5%95%86%E6%9C%BA"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        let amounts: Vec<f64> = csv
            .lines()
            .skip(1)
            .map(|l| l.split(',').nth(2).unwrap().parse().unwrap())
            .collect();
        assert_eq!(amounts.len(), mine.len(), "{csv}");
        assert!(amounts.windows(2).all(|w| w[0] >= w[1]), "{amounts:?}");
    }
);

db_test!(
    async fn the_activities_list_filters_pages_and_exports(t: TestDb) {
        let demo = load_demo(&t.db).await;
        let f = Fixture::new(&t.db, &demo).await;
        let me = rep(f.member);
        let peer = rep(f.other_rep);
        let now = keel_domain::time::now();
        let today = now.org_day();
        let log = |kind: &str, subject: &str, due: Option<i64>, owner: Uuid, account: Uuid| {
            ActivityInput {
                kind: kind.into(),
                subject: subject.into(),
                owner_id: owner,
                at: now - chrono::TimeDelta::days(due.map_or(2, |_| 0)),
                due_date: due.map(|d| today + chrono::TimeDelta::days(d)),
                account_id: Some(account),
                ..Default::default()
            }
        };
        let overdue =
            t.db.log_activity(
                &me,
                &log(
                    "task",
                    "Send the quote 报价",
                    Some(-1),
                    f.member,
                    f.own_account,
                ),
            )
            .await
            .unwrap();
        t.db.log_activity(
            &me,
            &log("task", "Plan next year", Some(5), f.member, f.own_account),
        )
        .await
        .unwrap();
        let done =
            t.db.log_activity(
                &me,
                &log("task", "Book the room", Some(-3), f.member, f.own_account),
            )
            .await
            .unwrap();
        t.db.complete_activity(&me, done).await.unwrap();
        t.db.log_activity(
            &me,
            &log("call", "Intro call", None, f.member, f.own_account),
        )
        .await
        .unwrap();
        t.db.log_activity(
            &peer,
            &log(
                "task",
                "Their overdue task",
                Some(-1),
                f.other_rep,
                f.other_account,
            ),
        )
        .await
        .unwrap();
        let list = |q: ActivityQuery| {
            let db = t.db.clone();
            async move {
                let (rows, _) = db.activity_list(&me, &q).await.unwrap();
                rows.into_iter().map(|a| a.subject).collect::<Vec<_>>()
            }
        };
        let base = ActivityQuery {
            today,
            limit: 50,
            ..Default::default()
        };
        let state = |s| ActivityQuery {
            state: Some(s),
            ..base.clone()
        };
        assert_eq!(
            list(state(TaskState::Overdue)).await,
            ["Send the quote 报价"]
        );
        assert_eq!(list(state(TaskState::Done)).await, ["Book the room"]);
        assert_eq!(list(state(TaskState::Open)).await.len(), 2);
        let calls = ActivityQuery {
            kind: Some("call".into()),
            ..base.clone()
        };
        assert_eq!(list(calls).await, ["Intro call"]);
        let search = ActivityQuery {
            search: Some("报价".into()),
            ..base.clone()
        };
        assert_eq!(list(search).await, ["Send the quote 报价"]);
        // Yesterday and before: only the call, logged two days ago.
        let earlier = ActivityQuery {
            to: Some(today - chrono::TimeDelta::days(1)),
            ..base.clone()
        };
        assert_eq!(list(earlier).await, ["Intro call"]);
        let from_today = ActivityQuery {
            from: Some(today),
            ..base.clone()
        };
        assert_eq!(list(from_today).await.len(), 3);
        // Never the peer's; every one of the rep's exactly once across pages.
        let all: Vec<String> = list(base.clone()).await;
        assert_eq!(all.len(), 4);
        assert!(!all.iter().any(|s| s.contains("Their")));
        let db = t.db.clone();
        let ids = walk(1, |after, limit| {
            let db = db.clone();
            let q = ActivityQuery {
                after,
                limit,
                today,
                ..Default::default()
            };
            async move {
                let (rows, next) = db.activity_list(&me, &q).await.unwrap();
                (rows.iter().map(|a| a.id).collect(), next)
            }
        })
        .await;
        assert_eq!(ids.len(), 4);
        assert_eq!(ids.iter().collect::<HashSet<_>>().len(), 4);

        let s = TestServer::start(&t).await;
        let member = signed_in(&s, &demo.member).await;
        let page = member
            .get(s.url("/activities?state=overdue"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(
            page.contains("Send the quote") && !page.contains("Plan next year"),
            "{page}"
        );
        assert!(page.contains(&format!("/activities/{overdue}/complete")));
        let v = get_json(&member, s.url("/api/v1/activities?state=overdue")).await;
        assert_eq!(v["items"].as_array().unwrap().len(), 1, "{v}");
        let csv = member
            .get(s.url("/export/activities.csv?state=overdue"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert_eq!(csv.lines().count(), 2, "{csv}");
        assert!(csv.contains("Send the quote"));
        // A date that is not one says so.
        let page = member
            .get(s.url("/activities?from=yesterday"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(page.contains("role=\"alert\""), "{page}");
    }
);

db_test!(
    async fn the_satisfaction_list_filters_and_summarises_what_you_see(t: TestDb) {
        let demo = load_demo(&t.db).await;
        let f = Fixture::new(&t.db, &demo).await;
        let me = rep(f.member);
        let answer = |kind: &str, score: i32| keel_db::satisfaction::Response {
            kind: kind.into(),
            score,
            comment: Some(format!("{kind} {score}")),
            ..Default::default()
        };
        for (kind, score) in [
            ("csat", 5),
            ("csat", 4),
            ("csat", 4),
            ("nps", 10),
            ("nps", 9),
            ("nps", 3),
        ] {
            t.db.record_satisfaction(&f.admin, f.own_account, &answer(kind, score))
                .await
                .unwrap();
        }
        t.db.record_satisfaction(&f.admin, f.other_account, &answer("csat", 1))
            .await
            .unwrap();
        let q = keel_db::satisfaction::ResponseQuery {
            limit: 50,
            ..Default::default()
        };
        let (rows, _) = t.db.responses(&me, &q).await.unwrap();
        assert_eq!(rows.len(), 6, "the other rep's answer stays hidden");
        let sum = t.db.responses_summary(&me, &q).await.unwrap();
        let pairs: Vec<(String, i32)> = rows.iter().map(|r| (r.kind.clone(), r.score)).collect();
        assert_eq!(sum, keel_db::satisfaction::summarise(&pairs));
        assert_eq!(sum.csat_avg_hundredths, Some(433));
        assert_eq!(sum.nps, Some(33));
        let high = keel_db::satisfaction::ResponseQuery {
            min: Some(9),
            kind: Some("nps".into()),
            ..q.clone()
        };
        assert_eq!(t.db.responses(&me, &high).await.unwrap().0.len(), 2);
        assert_eq!(
            t.db.responses_summary(&me, &high).await.unwrap().nps,
            Some(100)
        );
        let admin_sum = t.db.responses_summary(&f.admin, &q).await.unwrap();
        assert_eq!(admin_sum.csat_responses, 4);

        let s = TestServer::start(&t).await;
        let member = signed_in(&s, &demo.member).await;
        let page = member
            .get(s.url("/satisfaction"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(page.contains("CSAT average 4.33 (3 answers)"), "{page}");
        assert!(!page.contains("csat 1"), "{page}");
        let v = get_json(&member, s.url("/api/v1/satisfaction?kind=csat&limit=2")).await;
        assert_eq!(v["items"].as_array().unwrap().len(), 2);
        assert_eq!(v["csat_avg_hundredths"], 433);
        assert!(v["next"].is_string());
        let page = member
            .get(s.url("/satisfaction?min=eleven"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(page.contains("0 to 10"), "{page}");
    }
);

db_test!(
    async fn managers_reassign_leads_within_their_line(t: TestDb) {
        let demo = load_demo(&t.db).await;
        let f = Fixture::new(&t.db, &demo).await;
        let teammate = id_of(&t.db, "wu.ting@yunfan.example").await;
        let input = LeadInput {
            name: "周杰的线索".into(),
            status: "new".into(),
            owner_id: Some(f.member),
            ..Default::default()
        };
        let lead = t.db.create_lead(&f.admin, &input).await.unwrap();
        let s = TestServer::start(&t).await;
        let rep_client = signed_in(&s, &demo.member).await;
        let manager = signed_in(&s, &demo.manager).await;
        // The rep gets no form and cannot do it anyway.
        let page = rep_client
            .get(s.url(&format!("/leads/{lead}")))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(!page.contains("/owner\""), "no reassign form for a rep");
        let res = rep_client
            .post(s.url(&format!("/leads/{lead}/owner")))
            .form(&[("owner_id", teammate.to_string())])
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 403);
        // The manager sees the form, cannot give it outside the line, can within it.
        let page = manager
            .get(s.url(&format!("/leads/{lead}")))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(page.contains(&format!("/leads/{lead}/owner")), "{page}");
        let res = manager
            .post(s.url(&format!("/api/v1/leads/{lead}/owner")))
            .json(&json!({"owner_id": f.other_rep}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 403);
        let res = manager
            .post(s.url(&format!("/leads/{lead}/owner")))
            .form(&[("owner_id", teammate.to_string())])
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 303);
        assert_eq!(
            t.db.lead(&f.admin, lead).await.unwrap().owner_id,
            Some(teammate)
        );
        assert_eq!(
            rep_client
                .get(s.url(&format!("/leads/{lead}")))
                .send()
                .await
                .unwrap()
                .status(),
            404,
            "the rep no longer sees it"
        );
        // A pooled lead is claimed, not reassigned.
        let res = manager
            .post(s.url(&format!("/api/v1/leads/{}/owner", f.pooled_lead)))
            .json(&json!({"owner_id": teammate}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 409);
        let n: i64 = keel_db::with_pool!(&t.db, p => sqlx::query_scalar(
            "SELECT COUNT(*) FROM audit_log WHERE action = 'reassign' AND entity = 'lead'")
            .fetch_one(p).await.unwrap());
        assert_eq!(n, 1);
    }
);

db_test!(
    async fn admins_add_pipelines_and_deals_stay_inside_theirs(t: TestDb) {
        let demo = load_demo(&t.db).await;
        let f = Fixture::new(&t.db, &demo).await;
        let s = TestServer::start(&t).await;
        let admin = signed_in(&s, &demo.admin).await;
        let res = admin
            .post(s.url("/admin/crm/pipelines"))
            .form(&[("name", "续约 Renewals")])
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200);
        let page = res.text().await.unwrap();
        assert!(page.contains("续约 Renewals"), "{page}");
        let pipelines = t.db.pipelines().await.unwrap();
        assert_eq!(pipelines.len(), 2);
        let renewals = pipelines.iter().find(|p| !p.is_default).unwrap().id;
        let stages = t.db.stages().await.unwrap();
        let theirs: Vec<_> = stages
            .iter()
            .filter(|s| s.pipeline_id == renewals)
            .collect();
        assert_eq!(theirs.len(), keel_domain::pipeline::DEFAULT_STAGES.len());
        // The same name again, or none, is refused with a message.
        let res = admin
            .post(s.url("/api/v1/pipelines"))
            .json(&json!({"name": "续约 Renewals"}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 422);
        let res = admin
            .post(s.url("/api/v1/pipelines"))
            .json(&json!({"name": "  "}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 422);
        let v: Value = admin
            .post(s.url("/api/v1/pipelines"))
            .json(&json!({"name": "渠道 Partners"}))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(v["stages"].as_array().unwrap().len(), 8, "{v}");
        // A deal's stage must be its pipeline's.
        let me = rep(f.member);
        let mixed = DealInput {
            name: "续约 2027".into(),
            amount_minor: 1,
            currency: "CNY".into(),
            stage_id: f.first_stage,
            pipeline_id: Some(renewals),
            owner_id: f.member,
            ..Default::default()
        };
        assert!(matches!(
            t.db.create_deal(&me, &mixed).await,
            Err(keel_db::DbError::Conflict("unknown_stage"))
        ));
        let rep_client = signed_in(&s, &demo.member).await;
        let res = rep_client
            .post(s.url("/api/v1/deals"))
            .json(&json!({"name": "x", "amount_minor": 1, "stage_id": f.first_stage, "pipeline_id": renewals}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 422);
        let fine = DealInput {
            stage_id: theirs[0].id,
            ..mixed
        };
        let deal = t.db.create_deal(&me, &fine).await.unwrap();
        assert!(matches!(
            t.db.move_deal(&me, deal, f.won_stage, None).await,
            Err(keel_db::DbError::Conflict("unknown_stage"))
        ));
        // The board shows one pipeline at a time, picked by `?pipeline=`.
        let board = |q: String| {
            let c = rep_client.clone();
            let url = s.url(&format!("/deals/board{q}"));
            async move { c.get(url).send().await.unwrap().text().await.unwrap() }
        };
        let page = board(format!("?pipeline={renewals}")).await;
        assert!(page.contains("续约 2027"), "{page}");
        assert!(!board(String::new()).await.contains("续约 2027"));
        // The deal form offers the pipeline; the settings page edits each pipeline's stages.
        let form = rep_client
            .get(s.url(&format!("/deals/new?pipeline_id={renewals}")))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(form.contains("name=\"pipeline_id\""), "{form}");
        let settings = admin
            .get(s.url(&format!("/admin/crm?pipeline={renewals}")))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(settings.contains(&format!("/admin/crm/pipelines/{renewals}/stages")));
        let listed = get_json(&rep_client, s.url("/api/v1/pipelines")).await;
        assert_eq!(listed.as_array().unwrap().len(), 3);
        let res = rep_client
            .post(s.url("/api/v1/pipelines"))
            .json(&json!({"name": "Mine"}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 403);
    }
);
