//! Every dashboard panel's numbers against a recomputation written plainly here from the raw
//! rows (no keel query reused), on the demo and on random data, on both backends; the scope
//! rules; the ETag that makes refreshing cheap; and the panels' CSV.

use crate::harness::OrgDay;
use crate::harness::{TestServer, id_of, signed_in};
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use keel_domain::periods::{Bucket, Period, PeriodKind};
use serde_json::Value;
use std::collections::{BTreeMap, HashMap};
use uuid::Uuid;

type DealRow = (
    Uuid,
    i64,
    String,
    String,
    Uuid,
    Option<DateTime<Utc>>,
    DateTime<Utc>,
);

struct Raw {
    deals: Vec<DealRow>,
    activities: Vec<(Uuid, String, DateTime<Utc>, Option<Uuid>)>,
    csat: Vec<(Uuid, Uuid, String, i32, DateTime<Utc>)>,
    accounts: Vec<(Uuid, String, Option<Uuid>)>,
}

async fn raw(db: &keel_db::Db) -> Raw {
    let deals = keel_db::with_pool!(db, p => {
        sqlx::query_as("SELECT d.owner_id, d.amount_minor, d.currency, s.category, s.id, d.closed_at, d.created_at FROM deals d JOIN stages s ON s.id = d.stage_id")
            .fetch_all(p).await.unwrap()
    });
    let activities = keel_db::with_pool!(db, p => {
        sqlx::query_as("SELECT owner_id, kind, at, account_id FROM activities").fetch_all(p).await.unwrap()
    });
    let csat = keel_db::with_pool!(db, p => {
        sqlx::query_as("SELECT owner_id, account_id, kind, score, at FROM satisfaction").fetch_all(p).await.unwrap()
    });
    let accounts = keel_db::with_pool!(db, p => {
        sqlx::query_as("SELECT id, tags, owner_id FROM accounts").fetch_all(p).await.unwrap()
    });
    Raw {
        deals,
        activities,
        csat,
        accounts,
    }
}

fn inside(t: DateTime<Utc>, from: NaiveDate, to: NaiveDate) -> bool {
    let d = t.org_day();
    d >= from && d <= to
}

fn tile(v: &Value, metric: &str) -> (Option<i64>, Option<i64>) {
    let t = v["tiles"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["metric"] == metric)
        .unwrap();
    (t["value"].as_i64(), t["compare"].as_i64())
}

/// Checks every number of a dashboard answer against the rows of `people` (all when `None`).
fn check(v: &Value, r: &Raw, people: Option<&[Uuid]>) {
    let date = |k: &str| v[k].as_str().unwrap().parse::<NaiveDate>().unwrap();
    let (from, to, cfrom, cto) = (
        date("from"),
        date("to"),
        date("compare_from"),
        date("compare_to"),
    );
    let mine = |p: &Uuid| people.is_none_or(|ps| ps.contains(p));
    let won = |f, t| -> (i64, i64, i64) {
        let (mut amount, mut n, mut lost) = (0, 0, 0);
        for (o, a, c, cat, _, closed, _) in &r.deals {
            let Some(closed) = closed else { continue };
            if !mine(o) || !inside(*closed, f, t) {
                continue;
            }
            if cat == "won" {
                n += 1;
                if c == "CNY" {
                    amount += a;
                }
            } else if cat == "lost" {
                lost += 1;
            }
        }
        (amount, n, lost)
    };
    let (amount, n, lost) = won(from, to);
    let (c_amount, c_n, c_lost) = won(cfrom, cto);
    assert_eq!(tile(v, "won_revenue"), (Some(amount), Some(c_amount)));
    assert_eq!(tile(v, "deals_won"), (Some(n), Some(c_n)));
    let rate = |w: i64, l: i64| (w + l > 0).then(|| (w * 2000 + (w + l)) / (2 * (w + l)));
    assert_eq!(tile(v, "win_rate"), (rate(n, lost), rate(c_n, c_lost)));
    let created: i64 = r
        .deals
        .iter()
        .filter(|d| mine(&d.0) && d.2 == "CNY" && inside(d.6, from, to))
        .map(|d| d.1)
        .sum();
    assert_eq!(tile(v, "new_pipeline").0, Some(created));
    let visits = r
        .activities
        .iter()
        .filter(|a| mine(&a.0) && a.1 == "visit" && inside(a.2, from, to))
        .count() as i64;
    assert_eq!(tile(v, "visits").0, Some(visits));
    let csat: Vec<i64> = r
        .csat
        .iter()
        .filter(|s| mine(&s.0) && s.2 == "csat" && inside(s.4, from, to))
        .map(|s| i64::from(s.3))
        .collect();
    let avg = (!csat.is_empty()).then(|| {
        let (s, c) = (csat.iter().sum::<i64>(), csat.len() as i64);
        (s * 200 + c) / (2 * c)
    });
    assert_eq!(tile(v, "csat_average").0, avg);

    // Open pipeline by stage (CNY), now.
    let mut by_stage: HashMap<String, (i64, i64)> = HashMap::new();
    for (o, a, c, cat, stage, _, _) in &r.deals {
        if mine(o) && cat == "open" && c == "CNY" {
            let e = by_stage.entry(stage.to_string()).or_default();
            e.0 += 1;
            e.1 += a;
        }
    }
    let stages = v["pipeline"].as_array().unwrap();
    assert_eq!(stages.len(), by_stage.len());
    for s in stages {
        let want = by_stage[s["stage_id"].as_str().unwrap()];
        assert_eq!(
            (s["count"].as_i64().unwrap(), s["amount"].as_i64().unwrap()),
            want
        );
    }

    // Won revenue by month, this year and last.
    let year = to.year();
    for m in v["won_by_month"].as_array().unwrap() {
        let month = m["month"].as_u64().unwrap() as u32;
        let sum = |y: i32| -> i64 {
            let f = NaiveDate::from_ymd_opt(y, month, 1).unwrap();
            let t = f
                .checked_add_months(chrono::Months::new(1))
                .unwrap()
                .pred_opt()
                .unwrap();
            let (a, _, _) = won(f, t);
            a
        };
        assert_eq!(m["this_year"].as_i64(), Some(sum(year)), "month {month}");
        assert_eq!(
            m["last_year"].as_i64(),
            Some(sum(year - 1)),
            "month {month}"
        );
    }

    // Win rate over the last twelve months.
    for p in v["win_rate"].as_array().unwrap() {
        let f =
            NaiveDate::parse_from_str(&format!("{}-01", p["label"].as_str().unwrap()), "%Y-%m-%d")
                .unwrap();
        let t = f
            .checked_add_months(chrono::Months::new(1))
            .unwrap()
            .pred_opt()
            .unwrap();
        let (_, w, l) = won(f, t);
        assert_eq!(p["value"].as_i64(), rate(w, l), "{}", p["label"]);
    }

    // The heatmap: calls, meetings, visits, e-mails per person and ISO week.
    let weeks: Vec<NaiveDate> = v["weeks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w.as_str().unwrap().parse().unwrap())
        .collect();
    let mut heat: BTreeMap<(Uuid, NaiveDate), [i64; 4]> = BTreeMap::new();
    for (o, kind, at, _) in &r.activities {
        let k = ["call", "meeting", "visit", "email"]
            .iter()
            .position(|x| x == kind);
        if let (true, Some(k), true) = (mine(o), k, inside(*at, from, to)) {
            heat.entry((*o, Bucket::Week.start_of(at.org_day())))
                .or_default()[k] += 1;
        }
    }
    let mut seen = 0;
    for row in v["heatmap"].as_array().unwrap() {
        let person: Uuid = row["person_id"].as_str().unwrap().parse().unwrap();
        for (w, cell) in weeks.iter().zip(row["weeks"].as_array().unwrap()) {
            let got: Vec<i64> = cell
                .as_array()
                .unwrap()
                .iter()
                .map(|x| x.as_i64().unwrap())
                .collect();
            let want = heat.get(&(person, *w)).copied().unwrap_or_default();
            assert_eq!(got, want.to_vec(), "{person} {w}");
            seen += want.iter().sum::<i64>();
        }
    }
    assert_eq!(
        seen,
        heat.values().flatten().sum::<i64>(),
        "nobody left out"
    );

    // Key accounts and their visits.
    let key: Vec<Uuid> = r
        .accounts
        .iter()
        .filter(|a| a.2.is_some_and(|o| mine(&o)))
        .filter(|a| a.1.split(',').any(|t| ["vip", "key", "重点"].contains(&t)))
        .map(|a| a.0)
        .collect();
    let visited = key
        .iter()
        .filter(|k| {
            r.activities
                .iter()
                .any(|a| a.3 == Some(**k) && a.1 == "visit" && inside(a.2, from, to))
        })
        .count() as i64;
    assert_eq!(
        v["coverage"]["key_accounts"].as_i64(),
        Some(key.len() as i64)
    );
    assert_eq!(v["coverage"]["visited"].as_i64(), Some(visited));
}

fn quarter() -> Period {
    Period::containing(
        PeriodKind::Quarter,
        keel_domain::time::Zone::DEFAULT.today(),
    )
    .unwrap()
}

db_test!(
    async fn the_dashboard_equals_the_rows_on_the_demo_for_every_scope(t: TestDb) {
        keel::demo::load(&t.db).await.unwrap();
        let s = TestServer::start(&t).await;
        let r = raw(&t.db).await;
        let director = signed_in(&s, "chen.jing@yunfan.example").await;
        let q = quarter().label();
        let get = |c: &reqwest::Client, path: String| {
            let (c, url) = (c.clone(), s.url(&path));
            async move {
                let res = c.get(url).send().await.unwrap();
                assert_eq!(res.status(), 200, "{path}");
                res.json::<Value>().await.unwrap()
            }
        };
        for compare in ["previous", "last_year"] {
            let v = get(
                &director,
                format!("/api/v1/dashboard?scope=org&period={q}&compare={compare}"),
            )
            .await;
            check(&v, &r, None);
            assert_eq!(
                v["attainment"].as_array().unwrap().len(),
                4,
                "the four managers"
            );
        }
        let v = get(
            &director,
            "/api/v1/dashboard?scope=org&period=last_year".into(),
        )
        .await;
        check(&v, &r, None);
        // Check-ins per week of this quarter: reps and managers who checked in, and their mood.
        let v = get(&director, "/api/v1/dashboard?scope=org".into()).await;
        let expected: i64 = keel_db::with_pool!(&t.db, p => {
            sqlx::query_scalar("SELECT COUNT(*) FROM people WHERE active AND role IN ('member', 'manager')")
                .fetch_one(p).await.unwrap()
        });
        let rows: Vec<(NaiveDate, i32)> = keel_db::with_pool!(&t.db, p => {
            sqlx::query_as("SELECT c.cycle_start, c.mood FROM checkins c JOIN people p ON p.id = c.person_id WHERE p.active AND p.role IN ('member', 'manager')")
                .fetch_all(p).await.unwrap()
        });
        let mut checked = 0;
        for w in v["checkins"].as_array().unwrap() {
            let week: NaiveDate = w["week"].as_str().unwrap().parse().unwrap();
            let mine: Vec<i64> = rows
                .iter()
                .filter(|(start, _)| *start >= week && *start < week + chrono::Duration::days(7))
                .map(|(_, m)| i64::from(*m))
                .collect();
            assert_eq!(w["expected"].as_i64(), Some(expected));
            assert_eq!(w["submitted"].as_i64(), Some(mine.len() as i64), "{week}");
            let n = mine.len() as i64;
            let mood = (n > 0).then(|| (mine.iter().sum::<i64>() * 200 + n) / (2 * n));
            assert_eq!(w["mood"].as_i64(), mood, "{week}");
            checked += n;
        }
        assert!(checked > 0, "the demo has check-ins this quarter");
        // A team, as its manager: its members, its lead and the lead's line.
        let manager_id = id_of(&t.db, "li.qiang@yunfan.example").await;
        let team =
            t.db.teams()
                .await
                .unwrap()
                .into_iter()
                .find(|x| x.lead_id == Some(manager_id))
                .unwrap();
        let line = t.db.reporting_line(manager_id).await.unwrap();
        let manager = signed_in(&s, "li.qiang@yunfan.example").await;
        let v = get(
            &manager,
            format!("/api/v1/dashboard?scope=team:{}&period=this_year", team.id),
        )
        .await;
        check(&v, &r, Some(&line));
        assert_eq!(v["attainment"].as_array().unwrap().len(), 6, "the six reps");
        // A rep: themselves, and nothing above.
        let rep = id_of(&t.db, "zhou.jie@yunfan.example").await;
        let member = signed_in(&s, "zhou.jie@yunfan.example").await;
        let v = get(
            &member,
            "/api/v1/dashboard?period=custom&from=2025-06-15&to=2026-11-20".into(),
        )
        .await;
        check(&v, &r, Some(&[rep]));
        for path in [
            "/api/v1/dashboard?scope=org".to_owned(),
            format!("/api/v1/dashboard?scope=team:{}", team.id),
        ] {
            let res = member.get(s.url(&path)).send().await.unwrap();
            assert_eq!(res.status(), 404, "{path}");
        }
        let res = member
            .get(s.url("/api/v1/dashboard?period=2026-Q9"))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 422);

        // The page in both languages, each panel's CSV parses into its table.
        for lang in ["zh-CN", "en"] {
            let c = signed_in(&s, "chen.jing@yunfan.example").await;
            let res = c
                .post(s.url("/lang"))
                .form(&[("locale", lang), ("back", "/")])
                .send()
                .await
                .unwrap();
            assert!(res.status().is_redirection());
            let html = c
                .get(s.url("/dashboard"))
                .send()
                .await
                .unwrap()
                .text()
                .await
                .unwrap();
            assert!(html.contains(if lang == "en" {
                "Target attainment"
            } else {
                "目标达成"
            }));
            for panel in [
                "attainment",
                "forecast",
                "pipeline",
                "won_by_month",
                "win_rate",
                "cycle",
                "activity",
                "coverage",
                "csat",
                "checkins",
                "goals",
            ] {
                assert!(
                    html.contains(&format!("id=\"panel-{panel}\"")),
                    "{lang} {panel}"
                );
                let csv = c
                    .get(s.url(&format!(
                        "/dashboard.csv?panel={panel}&scope=org&period=this_quarter"
                    )))
                    .send()
                    .await
                    .unwrap()
                    .bytes()
                    .await
                    .unwrap();
                assert!(csv.starts_with(b"\xEF\xBB\xBF"), "{panel}");
                let mut rd = csv::Reader::from_reader(&csv[3..]);
                let width = rd.headers().unwrap().len();
                for rec in rd.records() {
                    assert_eq!(rec.unwrap().len(), width, "{panel}");
                }
            }
        }
        // The pipeline CSV carries the raw amounts the API has.
        let v = get(&director, "/api/v1/dashboard?scope=org".into()).await;
        let csv = director
            .get(s.url("/dashboard.csv?panel=pipeline&scope=org"))
            .send()
            .await
            .unwrap()
            .bytes()
            .await
            .unwrap();
        let mut rd = csv::Reader::from_reader(&csv[3..]);
        let amounts: Vec<i64> = rd
            .records()
            .map(|r| r.unwrap()[2].parse().unwrap())
            .collect();
        let api: Vec<i64> = v["pipeline"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["amount"].as_i64().unwrap())
            .collect();
        assert_eq!(amounts, api);
    }
);

db_test!(
    async fn the_dashboard_equals_the_rows_after_random_writes_and_refreshes_cheaply(t: TestDb) {
        crate::rollups::run_sequence(&t.db, 0x51ab_ce11_0d15_ea5e, 90).await;
        let s = TestServer::start(&t).await;
        let r = raw(&t.db).await;
        let director = signed_in(&s, "chen.jing@yunfan.example").await;
        let path = "/api/v1/dashboard?scope=org&period=2026&compare=last_year";
        let res = director.get(s.url(path)).send().await.unwrap();
        let tag = res.headers()["etag"].to_str().unwrap().to_owned();
        let v: Value = res.json().await.unwrap();
        check(&v, &r, None);
        // Nothing written since: 304 without a body.
        let res = director
            .get(s.url(path))
            .header("if-none-match", &tag)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 304);
        // A write makes a new version.
        let admin = keel_db::visibility::Actor {
            id: id_of(&t.db, "zhao.min@yunfan.example").await,
            role: keel_domain::roles::Role::Admin,
            is_hr: true,
        };
        let input = keel_db::activities::ActivityInput {
            kind: "visit".into(),
            subject: "拜访".into(),
            owner_id: id_of(&t.db, "zhou.jie@yunfan.example").await,
            at: Utc::now(),
            ..Default::default()
        };
        t.db.log_activity(&admin, &input).await.unwrap();
        let res = director
            .get(s.url(path))
            .header("if-none-match", &tag)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200);
        assert_ne!(res.headers()["etag"].to_str().unwrap(), tag);
        let v: Value = res.json().await.unwrap();
        check(&v, &raw(&t.db).await, None);
    }
);

db_test!(
    async fn every_commit_raises_the_data_version_and_nothing_else_does(t: TestDb) {
        crate::harness::load_demo(&t.db).await;
        let v0 = t.db.data_version().await.unwrap();
        // A rebuild of the rollups writes no audit entry, yet changes what panels show.
        t.db.rebuild_rollups().await.unwrap();
        let v1 = t.db.data_version().await.unwrap();
        assert_eq!(v1, v0 + 1);
        // A write that fails rolls back its version too.
        let admin = keel_db::visibility::Actor {
            id: id_of(&t.db, "zhao.min@yunfan.example").await,
            role: keel_domain::roles::Role::Admin,
            is_hr: true,
        };
        let bad = keel_db::activities::ActivityInput {
            kind: "visit".into(),
            subject: "拜访".into(),
            owner_id: Uuid::nil(),
            at: Utc::now(),
            ..Default::default()
        };
        assert!(t.db.log_activity(&admin, &bad).await.is_err());
        assert_eq!(t.db.data_version().await.unwrap(), v1);
        // Reads change nothing.
        t.db.org_zone().await.unwrap();
        assert_eq!(t.db.data_version().await.unwrap(), v1);
    }
);
