//! The CRM on both backends: visibility of accounts, deals and activities along the reporting
//! line, the pipeline board's totals against a recomputation, stage history, and "my day".

use crate::harness::OrgDay;
use crate::harness::{Demo, TestServer, id_of, load_demo, signed_in};
use keel_db::Db;
use keel_db::accounts::AccountInput;
use keel_db::activities::{About, ActivityInput};
use keel_db::deals::DealInput;
use keel_db::leads::LeadInput;
use keel_db::pool::{PoolKind, PoolRules};
use keel_db::visibility::Actor;
use keel_domain::roles::Role;
use serde_json::{Value, json};
use uuid::Uuid;

/// CRM records for the demo people: the member's own account, and an account and deal of a
/// rep in another team.
pub struct Fixture {
    pub admin: Actor,
    pub member: Uuid,
    pub other_rep: Uuid,
    pub own_account: Uuid,
    pub other_account: Uuid,
    pub other_deal: Uuid,
    pub first_stage: Uuid,
    pub won_stage: Uuid,
    /// A lead in the shared pool, and one owned by the other rep.
    pub pooled_lead: Uuid,
    pub other_lead: Uuid,
}

impl Fixture {
    pub async fn new(db: &Db, demo: &Demo) -> Fixture {
        let admin = Actor {
            id: id_of(db, &demo.admin).await,
            role: Role::Admin,
            is_hr: true,
        };
        let member = id_of(db, &demo.member).await;
        let other_rep = id_of(db, &demo.other_rep).await;
        let account = |name: &str, owner| AccountInput {
            name: name.into(),
            status: "prospect".into(),
            owner_id: Some(owner),
            ..Default::default()
        };
        let own_account = db
            .create_account(&admin, &account("周杰的客户 Zhou's Co", member))
            .await
            .unwrap();
        let other_account = db
            .create_account(&admin, &account("陈晨的客户 Chen's Co", other_rep))
            .await
            .unwrap();
        let stages = db.stages().await.unwrap();
        let first_stage = stages[0].id;
        let won_stage = stages.iter().find(|s| s.category == "won").unwrap().id;
        let other_deal = db
            .create_deal(
                &admin,
                &DealInput {
                    name: "陈晨的商机".into(),
                    amount_minor: 50_000_000,
                    currency: "CNY".into(),
                    stage_id: first_stage,
                    owner_id: other_rep,
                    account_id: Some(other_account),
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        let pooled_lead = pooled_lead(db, &admin, "公海里的线索").await;
        let input = LeadInput {
            name: "陈晨的线索".into(),
            status: "new".into(),
            owner_id: Some(other_rep),
            ..Default::default()
        };
        let other_lead = db.create_lead(&admin, &input).await.unwrap();
        Fixture {
            admin,
            member,
            other_rep,
            own_account,
            other_account,
            other_deal,
            first_stage,
            won_stage,
            pooled_lead,
            other_lead,
        }
    }
}

async fn json(res: reqwest::Response) -> Value {
    assert!(res.status().is_success(), "status {}", res.status());
    res.json().await.unwrap()
}

async fn json_any(res: reqwest::Response) -> Value {
    res.json().await.unwrap()
}

fn names(v: &Value) -> Vec<String> {
    v["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["name"].as_str().unwrap().to_owned())
        .collect()
}

db_test!(
    async fn reps_see_their_own_and_managers_their_line(t: TestDb) {
        let demo = load_demo(&t.db).await;
        let f = Fixture::new(&t.db, &demo).await;
        let s = TestServer::start(&t).await;
        let member = signed_in(&s, &demo.member).await;
        let seen = names(&json(member.get(s.url("/api/v1/accounts")).send().await.unwrap()).await);
        assert_eq!(seen, ["周杰的客户 Zhou's Co"], "a rep sees only their own");
        let manager = signed_in(&s, &demo.manager).await;
        let seen = names(&json(manager.get(s.url("/api/v1/accounts")).send().await.unwrap()).await);
        assert_eq!(
            seen,
            ["周杰的客户 Zhou's Co"],
            "the East manager sees their rep's, not the North rep's"
        );
        let director = signed_in(&s, &demo.director).await;
        assert_eq!(
            names(
                &json(
                    director
                        .get(s.url("/api/v1/accounts"))
                        .send()
                        .await
                        .unwrap()
                )
                .await
            )
            .len(),
            2
        );
        // Search cannot reach around the rule.
        let v = json(
            member
                .get(s.url("/api/v1/deals?q=%E9%99%88"))
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert!(v["items"].as_array().unwrap().is_empty());
        // Public-read makes the module readable, not writable.
        keel_db::with_pool!(&t.db, p => sqlx::query(
            "UPDATE module_settings SET visibility = 'public_read' WHERE module = 'accounts'")
            .execute(p).await.map(|_| ()).unwrap());
        assert_eq!(
            names(&json(member.get(s.url("/api/v1/accounts")).send().await.unwrap()).await).len(),
            2
        );
        let res = member
            .post(s.url(&format!("/accounts/{}", f.other_account)))
            .form(&[("name", "Hijacked"), ("status", "churned")])
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 403);
        assert_eq!(
            t.db.account(&f.admin, f.other_account).await.unwrap().name,
            "陈晨的客户 Chen's Co"
        );
    }
);

db_test!(
    async fn the_board_totals_match_a_recomputation_from_raw_rows(t: TestDb) {
        let demo = load_demo(&t.db).await;
        let f = Fixture::new(&t.db, &demo).await;
        let stages = t.db.stages().await.unwrap();
        // Deals of varied sizes across stages and owners, with amounts whose weights round.
        let owners = [f.member, f.other_rep];
        for i in 0..37u64 {
            let stage = &stages[(i * 5 % stages.len() as u64) as usize];
            let input = DealInput {
                name: format!("D{i}"),
                amount_minor: (i as i64 * 7919 % 100_000) * 101 + 5,
                // Every seventh deal in dollars: totals must never mix currencies.
                currency: if i % 7 == 3 {
                    "USD".into()
                } else {
                    "CNY".into()
                },
                stage_id: stage.id,
                owner_id: owners[i as usize % 2],
                ..Default::default()
            };
            t.db.create_deal(&f.admin, &input).await.unwrap();
        }
        #[derive(sqlx::FromRow)]
        struct Raw {
            stage_id: Uuid,
            amount_minor: i64,
            currency: String,
            owner_id: Uuid,
        }
        let raw: Vec<Raw> = keel_db::with_pool!(&t.db, p => sqlx::query_as::<_, Raw>(
            "SELECT stage_id, amount_minor, currency, owner_id FROM deals").fetch_all(p).await.unwrap());
        let pipeline = stages[0].pipeline_id;
        let rep = Actor {
            id: f.member,
            role: Role::Member,
            is_hr: false,
        };
        for (actor, only) in [(f.admin, None), (rep, Some(f.member))] {
            let board = t.db.board(&actor, pipeline, None, 5).await.unwrap();
            assert_eq!(board.len(), stages.len());
            for col in &board {
                // Independent recomputation from every deal row, filtered by hand.
                let rows: Vec<&Raw> = raw
                    .iter()
                    .filter(|r| r.stage_id == col.stage.id && only.is_none_or(|o| r.owner_id == o))
                    .collect();
                assert_eq!(col.count, rows.len() as i64, "{}", col.stage.name_en);
                let mut expected: Vec<(String, i64, i64)> = Vec::new();
                for currency in ["CNY", "USD"] {
                    let amount: i64 = rows
                        .iter()
                        .filter(|r| r.currency == currency)
                        .map(|r| r.amount_minor)
                        .sum();
                    if rows.iter().any(|r| r.currency == currency) {
                        // Half up: the weight of 12.5 fen is 13 fen.
                        let weighted = (amount as i128 * col.stage.probability as i128 + 50) / 100;
                        expected.push((currency.to_owned(), amount, weighted as i64));
                    }
                }
                assert_eq!(col.totals, expected, "{}", col.stage.name_en);
                assert!(col.deals.len() <= 5);
            }
        }
    }
);

db_test!(
    async fn moving_a_deal_keeps_its_history_and_closes_it_when_won(t: TestDb) {
        let demo = load_demo(&t.db).await;
        let f = Fixture::new(&t.db, &demo).await;
        let s = TestServer::start(&t).await;
        let rep = signed_in(&s, &demo.member).await;
        let stages = t.db.stages().await.unwrap();
        let body = json!({
            "name": "年度采购", "amount_minor": 120_000_000i64, "stage_id": stages[0].id, "account_id": f.own_account
        });
        let created = json(
            rep.post(s.url("/api/v1/deals"))
                .json(&body)
                .send()
                .await
                .unwrap(),
        )
        .await;
        let id = created["id"].as_str().unwrap().to_owned();
        assert_eq!(created["category"], "open");
        assert_eq!(created["owner_id"], f.member.to_string());
        for stage in [&stages[2], &stages[4], &stages[6]] {
            let url = s.url(&format!("/api/v1/deals/{id}/stage"));
            let v = json(
                rep.post(url)
                    .json(&json!({"stage_id": stage.id}))
                    .send()
                    .await
                    .unwrap(),
            )
            .await;
            assert_eq!(v["stage_id"], stage.id.to_string());
        }
        let deal = json(
            rep.get(s.url(&format!("/api/v1/deals/{id}")))
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert_eq!(deal["category"], "won");
        assert!(deal["closed_at"].is_string());
        let rep_actor = Actor {
            id: f.member,
            role: Role::Member,
            is_hr: false,
        };
        let deal_id: Uuid = id.parse().unwrap();
        let history = t.db.stage_history(&rep_actor, deal_id).await.unwrap();
        let steps: Vec<&str> = history.iter().map(|h| h.to_stage.as_str()).collect();
        assert_eq!(
            steps,
            [
                &stages[0].name,
                &stages[2].name,
                &stages[4].name,
                &stages[6].name
            ]
        );
        assert!(history.windows(2).all(|w| w[0].at <= w[1].at));
        // A made-up stage is refused and changes nothing.
        let url = s.url(&format!("/api/v1/deals/{id}/stage"));
        let res = rep
            .post(url)
            .json(&json!({"stage_id": Uuid::now_v7()}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 422);
        assert_eq!(
            t.db.stage_history(&rep_actor, deal_id).await.unwrap().len(),
            4
        );
        // The deal page tells the story in Chinese.
        let page = rep
            .get(s.url(&format!("/deals/{id}")))
            .header("accept-language", "zh-CN")
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(page.contains("年度采购") && page.contains("赢单"), "{page}");
    }
);

db_test!(
    async fn activities_follow_up_accounts_and_fill_my_day(t: TestDb) {
        let demo = load_demo(&t.db).await;
        let f = Fixture::new(&t.db, &demo).await;
        let rep = Actor {
            id: f.member,
            role: Role::Member,
            is_hr: false,
        };
        let now = keel_domain::time::now();
        let today = now.org_day();
        let log = |kind: &str, subject: &str, due: Option<chrono::NaiveDate>| ActivityInput {
            kind: kind.into(),
            subject: subject.into(),
            owner_id: f.member,
            at: now,
            due_date: due,
            account_id: Some(f.own_account),
            location: (kind == "visit").then(|| "上海市浦东新区".into()),
            ..Default::default()
        };
        let overdue =
            t.db.log_activity(&rep, &log("task", "Send the quote", today.pred_opt()))
                .await
                .unwrap();
        t.db.log_activity(&rep, &log("visit", "Site visit", None))
            .await
            .unwrap();
        let later = today.checked_add_days(chrono::Days::new(30));
        t.db.log_activity(&rep, &log("task", "Next month", later))
            .await
            .unwrap();
        // Logging counts as a follow-up of the account.
        assert_eq!(
            t.db.account(&rep, f.own_account)
                .await
                .unwrap()
                .last_activity_at,
            Some(now)
        );
        // My day: the overdue task and today's visit, not next month's task.
        let day = t.db.my_day(&rep, today).await.unwrap();
        let subjects: Vec<&str> = day.iter().map(|a| a.subject.as_str()).collect();
        assert_eq!(subjects.len(), 2, "{subjects:?}");
        assert!(subjects.contains(&"Send the quote") && subjects.contains(&"Site visit"));
        let visit = day.iter().find(|a| a.kind == "visit").unwrap();
        assert!(visit.check_in_at.is_some() && visit.check_out_at.is_none());
        // A peer cannot complete it; the owner can, and it leaves the list.
        let peer = Actor {
            id: f.other_rep,
            role: Role::Member,
            is_hr: false,
        };
        assert!(matches!(
            t.db.complete_activity(&peer, overdue).await,
            Err(keel_db::DbError::NotFound)
        ));
        t.db.complete_activity(&rep, overdue).await.unwrap();
        assert_eq!(t.db.my_day(&rep, today).await.unwrap().len(), 1);
        // A peer cannot log against an account they cannot see, nor read its timeline.
        let mut theirs = log("call", "Sneaky", None);
        theirs.owner_id = f.other_rep;
        assert!(t.db.log_activity(&peer, &theirs).await.is_err());
        assert!(
            t.db.activities(&peer, About::Account(f.own_account), 50)
                .await
                .unwrap()
                .is_empty()
        );
        assert_eq!(
            t.db.activities(&rep, About::Account(f.own_account), 50)
                .await
                .unwrap()
                .len(),
            3
        );
    }
);

async fn set_rules(
    db: &Db,
    admin: &Actor,
    kind: PoolKind,
    claims: i32,
    held: i32,
    after: i32,
    cooldown: i32,
) {
    let rules = PoolRules {
        claims_per_day: claims,
        max_held: held,
        return_after_days: after,
        cooldown_days: cooldown,
    };
    db.set_pool_rules(admin.id, kind, &rules).await.unwrap();
}

async fn pooled_lead(db: &Db, admin: &Actor, name: &str) -> Uuid {
    let input = LeadInput {
        name: name.into(),
        status: "new".into(),
        owner_id: None,
        ..Default::default()
    };
    db.create_lead(admin, &input).await.unwrap()
}

db_test!(
    async fn the_pool_refuses_claims_by_naming_the_rule(t: TestDb) {
        let demo = load_demo(&t.db).await;
        let f = Fixture::new(&t.db, &demo).await;
        let rep = Actor {
            id: f.member,
            role: Role::Member,
            is_hr: false,
        };
        let peer = Actor {
            id: f.other_rep,
            role: Role::Member,
            is_hr: false,
        };
        set_rules(&t.db, &f.admin, PoolKind::Leads, 2, 3, 30, 7).await;
        let leads: Vec<Uuid> = futures_seq(&t.db, &f.admin, 6).await;
        let code = |r: keel_db::Result<()>| match r {
            Err(keel_db::DbError::Conflict(c)) => c,
            other => panic!("expected a rule, got {other:?}"),
        };
        // Two claims a day.
        t.db.claim(&rep, PoolKind::Leads, leads[0]).await.unwrap();
        t.db.claim(&rep, PoolKind::Leads, leads[1]).await.unwrap();
        assert_eq!(
            code(t.db.claim(&rep, PoolKind::Leads, leads[2]).await),
            "pool_claims_per_day"
        );
        // Someone else's claim is not in the pool any more.
        // A peer cannot even tell that the rep holds it.
        assert!(matches!(
            t.db.claim(&peer, PoolKind::Leads, leads[0]).await,
            Err(keel_db::DbError::NotFound)
        ));
        // Returning needs a reason, and the cool-down keeps the previous owner away.
        assert_eq!(
            code(t.db.release(&rep, PoolKind::Leads, leads[0], "  ").await),
            "pool_reason_required"
        );
        t.db.release(&rep, PoolKind::Leads, leads[0], "客户暂无需求")
            .await
            .unwrap();
        set_rules(&t.db, &f.admin, PoolKind::Leads, 100, 3, 30, 7).await;
        assert_eq!(
            code(t.db.claim(&rep, PoolKind::Leads, leads[0]).await),
            "pool_cooldown"
        );
        // A peer may take it; the peer cannot return the rep's lead (not theirs to see).
        t.db.claim(&peer, PoolKind::Leads, leads[0]).await.unwrap();
        assert!(matches!(
            t.db.release(&peer, PoolKind::Leads, leads[1], "mine now")
                .await,
            Err(keel_db::DbError::NotFound)
        ));
        // At most three held.
        t.db.claim(&rep, PoolKind::Leads, leads[2]).await.unwrap();
        t.db.claim(&rep, PoolKind::Leads, leads[3]).await.unwrap();
        assert_eq!(
            code(t.db.claim(&rep, PoolKind::Leads, leads[4]).await),
            "pool_max_held"
        );
        // Every claim and return is on record.
        let events: i64 = keel_db::with_pool!(&t.db, p => sqlx::query_scalar("SELECT COUNT(*) FROM pool_events")
            .fetch_one(p).await.unwrap());
        assert_eq!(events, 6, "5 claims and 1 return");
    }
);

/// `n` leads in the pool, created by the admin.
async fn futures_seq(db: &Db, admin: &Actor, n: usize) -> Vec<Uuid> {
    let mut out = Vec::new();
    for i in 0..n {
        out.push(pooled_lead(db, admin, &format!("公海线索 {i}")).await);
    }
    out
}

db_test!(
    async fn stale_records_go_back_to_the_pool_by_themselves(t: TestDb) {
        let demo = load_demo(&t.db).await;
        let f = Fixture::new(&t.db, &demo).await;
        let rep = Actor {
            id: f.member,
            role: Role::Member,
            is_hr: false,
        };
        set_rules(&t.db, &f.admin, PoolKind::Accounts, 5, 100, 30, 7).await;
        let followed =
            t.db.create_account(
                &rep,
                &AccountInput {
                    name: "Followed".into(),
                    status: "prospect".into(),
                    owner_id: Some(f.member),
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        // Both were claimed 40 days ago; only "Followed" had a follow-up since.
        let old = keel_domain::time::now() - chrono::TimeDelta::days(40);
        for id in [f.own_account, followed] {
            keel_db::with_pool!(&t.db, p => sqlx::query("UPDATE accounts SET owned_since = $1, created_at = $1 WHERE id = $2")
                .bind(old).bind(id).execute(p).await.map(|_| ()).unwrap());
        }
        let call = ActivityInput {
            kind: "call".into(),
            subject: "Checked in".into(),
            owner_id: f.member,
            at: keel_domain::time::now() - chrono::TimeDelta::days(3),
            account_id: Some(followed),
            ..Default::default()
        };
        t.db.log_activity(&rep, &call).await.unwrap();
        assert_eq!(t.db.return_stale(PoolKind::Accounts).await.unwrap(), 1);
        assert_eq!(
            t.db.account(&f.admin, f.own_account)
                .await
                .unwrap()
                .owner_id,
            None,
            "back in the pool"
        );
        assert_eq!(
            t.db.account(&f.admin, followed).await.unwrap().owner_id,
            Some(f.member),
            "kept"
        );
        // The previous owner is remembered: the cool-down applies to them.
        assert!(matches!(
            t.db.claim(&rep, PoolKind::Accounts, f.own_account).await,
            Err(keel_db::DbError::Conflict("pool_cooldown"))
        ));
        let reason: Option<String> = keel_db::with_pool!(&t.db, p => sqlx::query_scalar(
            "SELECT reason FROM pool_events WHERE action = 'auto_return' AND record_id = $1").bind(f.own_account).fetch_one(p).await.unwrap());
        assert!(reason.unwrap().contains("30 days"));
    }
);

db_test!(
    async fn a_claimed_lead_converts_into_account_contact_and_deal_at_once(t: TestDb) {
        let demo = load_demo(&t.db).await;
        let f = Fixture::new(&t.db, &demo).await;
        let s = TestServer::start(&t).await;
        let rep = signed_in(&s, &demo.member).await;
        let lead = pooled_lead(&t.db, &f.admin, "王总").await;
        // In the pool it cannot be converted; claimed, it can.
        let body = json!({"account_name": "星辰制造 Xingchen", "deal_name": "首单", "amount_minor": 880_000, "stage_id": f.first_stage});
        let url = s.url(&format!("/api/v1/leads/{lead}/convert"));
        let res = rep.post(&url).json(&body).send().await.unwrap();
        assert_eq!(res.status(), 409, "still in the pool");
        assert_eq!(json_any(res).await["error"]["code"], "lead_in_pool");
        let res = rep
            .post(s.url(&format!("/api/v1/pool/leads/{lead}/claim")))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 204);
        let done = json(rep.post(&url).json(&body).send().await.unwrap()).await;
        let account: Uuid = done["account_id"].as_str().unwrap().parse().unwrap();
        let rep_actor = Actor {
            id: f.member,
            role: Role::Member,
            is_hr: false,
        };
        assert_eq!(
            t.db.account(&rep_actor, account).await.unwrap().owner_id,
            Some(f.member)
        );
        let contacts = t.db.contacts_of(&rep_actor, account).await.unwrap();
        assert_eq!(
            contacts.iter().map(|c| c.name.as_str()).collect::<Vec<_>>(),
            ["王总"]
        );
        let deal =
            t.db.deal(
                &rep_actor,
                done["deal_id"].as_str().unwrap().parse().unwrap(),
            )
            .await
            .unwrap();
        assert_eq!(
            (deal.amount_minor, deal.account_id),
            (880_000, Some(account))
        );
        // Converting twice is refused and creates nothing more.
        let res = rep.post(&url).json(&body).send().await.unwrap();
        assert_eq!(res.status(), 409);
        let accounts: i64 = keel_db::with_pool!(&t.db, p => sqlx::query_scalar("SELECT COUNT(*) FROM accounts").fetch_one(p).await.unwrap());
        assert_eq!(accounts, 3, "the fixture's two and the converted one");
        // Satisfaction on the new customer, checked against the definition.
        for (kind, score) in [("csat", 5), ("csat", 4), ("nps", 10), ("nps", 6)] {
            let url = s.url(&format!("/api/v1/accounts/{account}/satisfaction"));
            assert_eq!(
                rep.post(url)
                    .json(&json!({"kind": kind, "score": score}))
                    .send()
                    .await
                    .unwrap()
                    .status(),
                204
            );
        }
        let res = rep
            .post(s.url(&format!("/api/v1/accounts/{account}/satisfaction")))
            .json(&json!({"kind": "csat", "score": 9}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 422);
        let sum = t.db.satisfaction_of(&rep_actor, account).await.unwrap();
        assert_eq!((sum.csat_avg_hundredths, sum.nps), (Some(450), Some(0)));
        let page = rep
            .get(s.url(&format!("/accounts/{account}")))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(
            page.contains("CSAT 4.50 (2)") && page.contains("NPS 0 (2)"),
            "{page}"
        );
    }
);

db_test!(
    async fn home_numbers_match_a_recomputation(t: TestDb) {
        // The full demo: two years of history.
        keel::demo::load(&t.db).await.unwrap();
        let rep = id_of(&t.db, "zhou.jie@yunfan.example").await;
        let actor = Actor {
            id: rep,
            role: Role::Member,
            is_hr: false,
        };
        let today = keel_domain::time::now().org_day();
        let n = t.db.home_numbers(&actor, today).await.unwrap();
        #[derive(sqlx::FromRow)]
        struct D {
            owner_id: Uuid,
            amount_minor: i64,
            currency: String,
            category: String,
        }
        let deals: Vec<D> = keel_db::with_pool!(&t.db, p => sqlx::query_as::<_, D>(
            "SELECT d.owner_id, d.amount_minor, d.currency, s.category FROM deals d JOIN stages s ON s.id = d.stage_id")
            .fetch_all(p).await.unwrap());
        let mine: Vec<&D> = deals
            .iter()
            .filter(|d| d.owner_id == rep && d.category == "open")
            .collect();
        assert_eq!(n.open_deals, mine.len() as i64);
        assert_eq!(
            n.open_amount_cny_minor,
            mine.iter()
                .filter(|d| d.currency == "CNY")
                .map(|d| d.amount_minor)
                .sum::<i64>()
        );
        #[derive(sqlx::FromRow)]
        struct T {
            owner_id: Uuid,
            kind: String,
            due_date: Option<chrono::NaiveDate>,
            done_at: Option<chrono::DateTime<chrono::Utc>>,
        }
        let tasks: Vec<T> = keel_db::with_pool!(&t.db, p => sqlx::query_as::<_, T>(
            "SELECT owner_id, kind, due_date, done_at FROM activities").fetch_all(p).await.unwrap());
        let due = tasks
            .iter()
            .filter(|x| {
                x.owner_id == rep
                    && x.kind == "task"
                    && x.done_at.is_none()
                    && x.due_date.is_some_and(|d| d <= today)
            })
            .count();
        assert_eq!(n.tasks_due, due as i64);
        assert!(
            n.tasks_due > 0 && n.open_deals > 0,
            "the demo gives the rep work to do"
        );
        let pool: i64 = keel_db::with_pool!(&t.db, p => sqlx::query_scalar(
            "SELECT COUNT(*) FROM leads WHERE owner_id IS NULL AND status <> 'converted'").fetch_one(p).await.unwrap());
        assert_eq!(n.pool_leads, pool);
        // The demo's history is internally consistent: every deal's stage is its last step.
        let bad: i64 = keel_db::with_pool!(&t.db, p => sqlx::query_scalar(
            "SELECT COUNT(*) FROM deals d WHERE d.stage_id <> (SELECT h.to_stage_id FROM deal_stage_history h \
             WHERE h.deal_id = d.id ORDER BY h.at DESC LIMIT 1)").fetch_one(p).await.unwrap());
        assert_eq!(bad, 0);
    }
);

db_test!(
    async fn racing_and_sideways_writes_are_refused(t: TestDb) {
        let demo = load_demo(&t.db).await;
        let f = Fixture::new(&t.db, &demo).await;
        let rep = Actor {
            id: f.member,
            role: Role::Member,
            is_hr: false,
        };
        let peer = Actor {
            id: f.other_rep,
            role: Role::Member,
            is_hr: false,
        };
        // Two conversions of one lead at once: one wins, the other leaves nothing behind.
        let input = LeadInput {
            name: "双击".into(),
            status: "new".into(),
            owner_id: Some(f.member),
            ..Default::default()
        };
        let lead = t.db.create_lead(&rep, &input).await.unwrap();
        let conv = keel_db::leads::Conversion {
            account_name: "Double Co".into(),
            existing_account: None,
            deal: None,
        };
        let (a, b) = tokio::join!(
            t.db.convert_lead(&rep, lead, &conv),
            t.db.convert_lead(&rep, lead, &conv)
        );
        assert_eq!(
            [a.is_ok(), b.is_ok()].iter().filter(|ok| **ok).count(),
            1,
            "{a:?} {b:?}"
        );
        let made: i64 = keel_db::with_pool!(&t.db, p => sqlx::query_scalar("SELECT COUNT(*) FROM accounts WHERE name = 'Double Co'")
            .fetch_one(p).await.unwrap());
        assert_eq!(made, 1);
        // A converted lead is done: it neither goes back to the pool nor counts as held.
        keel_db::with_pool!(&t.db, p => sqlx::query("UPDATE leads SET owned_since = $1, created_at = $1 WHERE id = $2")
            .bind(keel_domain::time::now() - chrono::TimeDelta::days(90)).bind(lead).execute(p).await.map(|_| ()).unwrap());
        t.db.return_stale(PoolKind::Leads).await.unwrap();
        assert_eq!(
            t.db.lead(&rep, lead).await.unwrap().owner_id,
            Some(f.member)
        );
        // Claiming someone else's record that you cannot see looks like a missing one.
        assert!(matches!(
            t.db.claim(&rep, PoolKind::Leads, f.other_lead).await,
            Err(keel_db::DbError::NotFound)
        ));
        // Public-read lets a rep read a peer's account, not attach deals or follow-ups to it.
        keel_db::with_pool!(&t.db, p => sqlx::query("UPDATE module_settings SET visibility = 'public_read' WHERE module = 'accounts'")
            .execute(p).await.map(|_| ()).unwrap());
        let deal = DealInput {
            name: "Sideways".into(),
            amount_minor: 1,
            currency: "CNY".into(),
            stage_id: f.first_stage,
            owner_id: f.member,
            account_id: Some(f.other_account),
            ..Default::default()
        };
        assert!(matches!(
            t.db.create_deal(&rep, &deal).await,
            Err(keel_db::DbError::Forbidden)
        ));
        // ... and contacts stay private while their module is.
        let admin_contact = keel_db::contacts::ContactInput {
            name: "电话保密".into(),
            phone: Some("13800000000".into()),
            ..Default::default()
        };
        t.db.add_contact(&f.admin, f.other_account, &admin_contact)
            .await
            .unwrap();
        assert!(
            t.db.contacts_of(&rep, f.other_account)
                .await
                .unwrap()
                .is_empty()
        );
        assert_eq!(
            t.db.contacts_of(&peer, f.other_account)
                .await
                .unwrap()
                .len(),
            1
        );
        // A backdated call does not move the last follow-up backwards; a future one never counts.
        let now = keel_domain::time::now();
        let call = |at| ActivityInput {
            kind: "call".into(),
            subject: "c".into(),
            owner_id: f.member,
            at,
            account_id: Some(f.own_account),
            ..Default::default()
        };
        t.db.log_activity(&rep, &call(now)).await.unwrap();
        t.db.log_activity(&rep, &call(now - chrono::TimeDelta::days(70)))
            .await
            .unwrap();
        assert_eq!(
            t.db.account(&rep, f.own_account)
                .await
                .unwrap()
                .last_activity_at,
            Some(now)
        );
        t.db.log_activity(&rep, &call(now + chrono::TimeDelta::days(300)))
            .await
            .unwrap();
        assert!(
            t.db.account(&rep, f.own_account)
                .await
                .unwrap()
                .last_activity_at
                .unwrap()
                <= keel_domain::time::now()
        );
        // Two moves from the same stage at once: one is refused, the history stays a chain.
        let d =
            t.db.create_deal(
                &rep,
                &DealInput {
                    name: "Race".into(),
                    amount_minor: 5,
                    currency: "CNY".into(),
                    stage_id: f.first_stage,
                    owner_id: f.member,
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        let stages = t.db.stages().await.unwrap();
        let (x, y) = tokio::join!(
            t.db.move_deal(&rep, d, stages[1].id, None),
            t.db.move_deal(&f.admin, d, stages[2].id, None)
        );
        assert!(
            x.is_ok() != y.is_ok() || (x.is_ok() && y.is_ok()),
            "{x:?} {y:?}"
        );
        let history = t.db.stage_history(&rep, d).await.unwrap();
        for w in history.windows(2) {
            assert_eq!(
                w[0].to_stage,
                w[1].from_stage.clone().unwrap(),
                "history is one chain"
            );
        }
    }
);

db_test!(
    async fn the_export_button_gives_excel_ready_csv_of_visible_rows(t: TestDb) {
        let demo = load_demo(&t.db).await;
        let _f = Fixture::new(&t.db, &demo).await;
        let s = TestServer::start(&t).await;
        let rep = signed_in(&s, &demo.member).await;
        let res = rep.get(s.url("/export/accounts.csv")).send().await.unwrap();
        assert_eq!(res.status(), 200);
        assert!(
            res.headers()["content-disposition"]
                .to_str()
                .unwrap()
                .contains("attachment")
        );
        let bytes = res.bytes().await.unwrap();
        assert!(
            bytes.starts_with(b"\xEF\xBB\xBF"),
            "a BOM so that Excel reads UTF-8"
        );
        let text = String::from_utf8(bytes[3..].to_vec()).unwrap();
        assert!(text.contains("周杰的客户 Zhou's Co"), "{text}");
        assert!(
            !text.contains("陈晨的客户"),
            "another rep's account leaked: {text}"
        );
        assert_eq!(text.lines().count(), 2, "header and the rep's one account");
        let manager = signed_in(&s, &demo.director).await;
        let text = manager
            .get(s.url("/export/deals.csv"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(
            text.contains("陈晨的商机") && text.contains("500000.00"),
            "{text}"
        );
        assert_eq!(
            rep.get(s.url("/export/people.csv"))
                .send()
                .await
                .unwrap()
                .status(),
            404
        );
        assert_eq!(
            crate::harness::client()
                .get(s.url("/export/deals.csv"))
                .send()
                .await
                .unwrap()
                .headers()["location"],
            "/login"
        );
    }
);

db_test!(
    async fn admins_configure_the_pipeline_and_the_board_follows(t: TestDb) {
        let demo = load_demo(&t.db).await;
        let f = Fixture::new(&t.db, &demo).await;
        let s = TestServer::start(&t).await;
        let admin = signed_in(&s, &demo.admin).await;
        let stages = t.db.stages().await.unwrap();
        // The other rep's deal sits in the first stage at 10%; make it 25%.
        let res = admin
            .post(s.url(&format!("/admin/crm/stages/{}", stages[0].id)))
            .form(&[
                ("name", "初步接触"),
                ("name_en", "First contact"),
                ("probability", "25"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200);
        let board =
            t.db.board(&f.admin, stages[0].pipeline_id, None, 10)
                .await
                .unwrap();
        assert_eq!(board[0].stage.name_en, "First contact");
        assert_eq!(
            board[0].totals,
            vec![("CNY".to_owned(), 50_000_000, 12_500_000)]
        );
        // A new open stage lands before Closed Won; won and lost stay last.
        let res = admin
            .post(s.url(&format!(
                "/admin/crm/pipelines/{}/stages",
                stages[0].pipeline_id
            )))
            .form(&[
                ("name", "合同审批"),
                ("name_en", "Contract approval"),
                ("probability", "95"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200);
        let after = t.db.stages().await.unwrap();
        let names: Vec<&str> = after.iter().map(|s| s.name_en.as_str()).collect();
        assert_eq!(
            &names[names.len() - 3..],
            ["Contract approval", "Closed Won", "Closed Lost"]
        );
        // Nonsense is refused with a message; nothing changes.
        let page = admin
            .post(s.url(&format!("/admin/crm/stages/{}", stages[1].id)))
            .form(&[("name", ""), ("name_en", "X"), ("probability", "300")])
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(
            page.contains("0 to 100") || page.contains("0 到 100"),
            "{page}"
        );
        assert_eq!(
            t.db.stages().await.unwrap()[1].probability,
            stages[1].probability
        );
        // Reps cannot touch it.
        let rep = signed_in(&s, &demo.member).await;
        let res = rep
            .post(s.url(&format!("/admin/crm/stages/{}", stages[0].id)))
            .form(&[("name", "x"), ("name_en", "x"), ("probability", "1")])
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 403);
    }
);

db_test!(
    async fn the_import_page_checks_first_then_imports_all_or_nothing(t: TestDb) {
        let demo = load_demo(&t.db).await;
        let s = TestServer::start(&t).await;
        let rep = signed_in(&s, &demo.member).await;
        let csv = "\u{feff}客户名称,行业,地区\n苏州新材料科技,制造,苏州\n无锡精工集团,制造,无锡\n"
            .as_bytes()
            .to_vec();
        let upload = |bytes: Vec<u8>, entity: &'static str, commit: bool| {
            let mut form = reqwest::multipart::Form::new()
                .text("source", "csv")
                .text("entity", entity)
                .part(
                    "file",
                    reqwest::multipart::Part::bytes(bytes).file_name("客户.csv"),
                );
            if commit {
                form = form.text("commit", "1");
            }
            rep.post(s.url("/import"))
                .header("accept-language", "en")
                .multipart(form)
                .send()
        };
        let accounts = |db: &Db| {
            let db = db.clone();
            async move {
                keel_db::with_pool!(&db, p => sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM accounts").fetch_one(p).await.unwrap())
            }
        };
        // A check first: it says what would happen and writes nothing.
        let page = upload(csv.clone(), "accounts", false)
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(
            page.contains("Nothing was written") && page.contains("2 new"),
            "{page}"
        );
        assert_eq!(accounts(&t.db).await, 0);
        // For real: both accounts, owned by the rep.
        let page = upload(csv.clone(), "accounts", true)
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(page.contains("Imported."), "{page}");
        let rep_actor = Actor {
            id: id_of(&t.db, &demo.member).await,
            role: Role::Member,
            is_hr: false,
        };
        let (mine, _) =
            t.db.accounts(
                &rep_actor,
                &keel_db::accounts::AccountQuery {
                    limit: 50,
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        assert_eq!(mine.len(), 2);
        // A file with a broken row is refused whole, with the row and column named.
        let deals = "名称,金额,阶段\n好的商机,1000,资格确认\n坏的商机,一千元,资格确认\n"
            .as_bytes()
            .to_vec();
        let page = upload(deals, "deals", true)
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(
            page.contains("Not imported") && page.contains("<td>3</td>"),
            "{page}"
        );
        let n: i64 = keel_db::with_pool!(&t.db, p => sqlx::query_scalar("SELECT COUNT(*) FROM deals").fetch_one(p).await.unwrap());
        assert_eq!(n, 0, "the good row was not written either");
        // Reps cannot import people.
        let people = "name,email\nX,x@example.com\n".as_bytes().to_vec();
        assert_eq!(upload(people, "people", false).await.unwrap().status(), 403);
    }
);

db_test!(
    async fn the_contact_list_shows_only_visible_contacts_and_searches_them(t: TestDb) {
        let demo = load_demo(&t.db).await;
        let f = Fixture::new(&t.db, &demo).await;
        let mine = keel_db::contacts::ContactInput {
            name: "钱经理".into(),
            phone: Some("13911112222".into()),
            ..Default::default()
        };
        t.db.add_contact(&f.admin, f.own_account, &mine)
            .await
            .unwrap();
        let theirs = keel_db::contacts::ContactInput {
            name: "孙总".into(),
            phone: Some("13733334444".into()),
            ..Default::default()
        };
        t.db.add_contact(&f.admin, f.other_account, &theirs)
            .await
            .unwrap();
        let s = TestServer::start(&t).await;
        let rep = signed_in(&s, &demo.member).await;
        let page = rep
            .get(s.url("/contacts"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(page.contains("钱经理") && !page.contains("孙总"), "{page}");
        // Search by phone digits and by account name; a peer's contact stays hidden.
        let page = rep
            .get(s.url("/contacts?q=1391111"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(page.contains("钱经理"));
        let page = rep
            .get(s.url("/contacts?q=13733334444"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(!page.contains("孙总"));
        let director = signed_in(&s, &demo.director).await;
        let page = director
            .get(s.url("/contacts?q=Chen"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(
            page.contains("孙总") && !page.contains("钱经理"),
            "search by account name"
        );
    }
);

db_test!(
    async fn managers_give_records_to_people_in_their_line_only(t: TestDb) {
        let demo = load_demo(&t.db).await;
        let f = Fixture::new(&t.db, &demo).await;
        let contact = keel_db::contacts::ContactInput {
            name: "周先生".into(),
            ..Default::default()
        };
        t.db.add_contact(&f.admin, f.own_account, &contact)
            .await
            .unwrap();
        // Wu Ting is in the member's (East) team, under the same manager.
        let teammate = id_of(&t.db, "wu.ting@yunfan.example").await;
        let s = TestServer::start(&t).await;
        let manager = signed_in(&s, &demo.manager).await;
        let rep = signed_in(&s, &demo.member).await;
        // A rep cannot give their account away; the form is not even offered.
        let page = rep
            .get(s.url(&format!("/accounts/{}", f.own_account)))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(!page.contains("/owner\""), "no reassign form for a rep");
        let res = rep
            .post(s.url(&format!("/accounts/{}/owner", f.own_account)))
            .form(&[("owner_id", teammate.to_string())])
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 403);
        // The manager cannot give it outside the line (to the North rep) ...
        let res = manager
            .post(s.url(&format!("/accounts/{}/owner", f.own_account)))
            .form(&[("owner_id", f.other_rep.to_string())])
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 403);
        // ... but can within it; contacts move with the account.
        let res = manager
            .post(s.url(&format!("/accounts/{}/owner", f.own_account)))
            .form(&[("owner_id", teammate.to_string())])
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 303);
        assert_eq!(
            t.db.account(&f.admin, f.own_account)
                .await
                .unwrap()
                .owner_id,
            Some(teammate)
        );
        let owners: Vec<Uuid> = keel_db::with_pool!(&t.db, p => sqlx::query_scalar("SELECT owner_id FROM contacts WHERE account_id = $1")
            .bind(f.own_account).fetch_all(p).await.unwrap());
        assert_eq!(owners, vec![teammate]);
        // The rep no longer sees it.
        assert_eq!(
            rep.get(s.url(&format!("/accounts/{}", f.own_account)))
                .send()
                .await
                .unwrap()
                .status(),
            404
        );
        // A director moves a deal across teams; it is on record.
        let director = signed_in(&s, &demo.director).await;
        let res = director
            .post(s.url(&format!("/deals/{}/owner", f.other_deal)))
            .form(&[("owner_id", f.member.to_string())])
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 303);
        let rep_actor = Actor {
            id: f.member,
            role: Role::Member,
            is_hr: false,
        };
        assert_eq!(
            t.db.deal(&rep_actor, f.other_deal).await.unwrap().owner_id,
            f.member
        );
        let n: i64 = keel_db::with_pool!(&t.db, p => sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'reassign'")
            .fetch_one(p).await.unwrap());
        assert_eq!(n, 2);
    }
);
