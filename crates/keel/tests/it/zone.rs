//! The organisation's time zone defines keel's days, months and quarters: rows written just
//! before and after local midnight land on the right local day (in Asia/Shanghai, and in
//! America/New_York across its daylight-saving changes), the SQL recomputation agrees with the
//! rollups, and changing the zone rebuilds them, audited.

use crate::harness::{TestServer, body, id_of, load_demo, signed_in};
use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use keel_db::activities::ActivityInput;
use keel_db::audit::AuditQuery;
use keel_db::bulk::{CrmSeed, SeedAccount, SeedDeal};
use keel_db::crm::Owned;
use keel_db::rollups::Grain;
use keel_db::visibility::Actor;
use keel_domain::metrics::Fact;
use keel_domain::periods::{Period, PeriodKind};
use keel_domain::roles::Role;
use keel_domain::time::Zone;
use std::collections::BTreeMap;
use uuid::Uuid;

fn utc(s: &str) -> DateTime<Utc> {
    s.parse().unwrap()
}

/// The instants of the test: just before and after local midnight at quarter and year starts
/// and on the days New York's clocks change, in both zones.
const INSTANTS: [&str; 18] = [
    // Shanghai (UTC+8): 30 Sep 23:59:59 | 1 Oct 00:00 | 1 Oct 07:00 | 31 Dec 23:59:59.999999 | 1 Jan.
    "2026-09-30T15:59:59Z",
    "2026-09-30T16:00:00Z",
    "2026-09-30T23:00:00Z",
    "2026-12-31T15:59:59.999999Z",
    "2026-12-31T16:00:00Z",
    // New York: 7 Mar 23:59:59 EST | 8 Mar 00:00 EST (clocks go forward at 02:00) |
    // 8 Mar 23:59:59 EDT | 9 Mar 00:00 EDT.
    "2026-03-08T04:59:59Z",
    "2026-03-08T05:00:00Z",
    "2026-03-09T03:59:59Z",
    "2026-03-09T04:00:00Z",
    // 30 Sep 23:59:59 EDT | 1 Oct 00:00 EDT.
    "2026-10-01T03:59:59Z",
    "2026-10-01T04:00:00Z",
    // 31 Oct 23:59:59 EDT | 1 Nov 00:00 EDT (clocks go back at 02:00) | 1 Nov 23:59:59 EST |
    // 2 Nov 00:00 EST.
    "2026-11-01T03:59:59Z",
    "2026-11-01T04:00:00Z",
    "2026-11-02T04:59:59Z",
    "2026-11-02T05:00:00Z",
    // 31 Dec 23:59:59 EST | 1 Jan 00:00 EST.
    "2027-01-01T04:59:59Z",
    "2027-01-01T05:00:00Z",
    // A quiet Monday afternoon everywhere.
    "2026-06-15T06:00:00Z",
];

/// The local day of `at`, worked out plainly from offsets written by hand for 2026–early 2027
/// (not through chrono-tz): Shanghai is always UTC+8; New York is UTC-4 from
/// 2026-03-08 07:00 UTC to 2026-11-01 06:00 UTC and UTC-5 otherwise (until March 2027).
fn plain_day(zone: &str, at: DateTime<Utc>) -> NaiveDate {
    let hours = match zone {
        "Asia/Shanghai" => 8,
        "America/New_York" => {
            if at >= utc("2026-03-08T07:00:00Z") && at < utc("2026-11-01T06:00:00Z") {
                -4
            } else {
                -5
            }
        }
        other => panic!("no hand-written offsets for {other}"),
    };
    (at + Duration::hours(hours)).date_naive()
}

fn quarter_of(d: NaiveDate) -> Period {
    Period::containing(PeriodKind::Quarter, d).unwrap()
}

fn month_of(d: NaiveDate) -> NaiveDate {
    NaiveDate::from_ymd_opt(d.year(), d.month(), 1).unwrap()
}

/// Counts per key, the plain way.
fn tally<K: Ord>(keys: impl IntoIterator<Item = K>) -> BTreeMap<K, i64> {
    let mut out = BTreeMap::new();
    for k in keys {
        *out.entry(k).or_insert(0) += 1;
    }
    out
}

/// Asserts the rollups for `rep` equal the plain recomputation in `zone`: per day, per month and
/// per quarter, for deals won, calls and sales-cycle days.
async fn assert_buckets(
    db: &keel_db::Db,
    rep: Uuid,
    zone: &str,
    won: &[(DateTime<Utc>, DateTime<Utc>)],
    calls: &[DateTime<Utc>],
) {
    let (from, to) = (
        NaiveDate::from_ymd_opt(2025, 1, 1).unwrap(),
        NaiveDate::from_ymd_opt(2027, 12, 31).unwrap(),
    );
    let people = [rep];
    // Days.
    let rows = db
        .fact_rows(Grain::Day, Some(&people), from, to, false)
        .await
        .unwrap();
    let by = |fact: Fact| -> BTreeMap<NaiveDate, i64> {
        rows.iter()
            .filter(|r| r.fact == fact && r.value != 0)
            .map(|r| (r.at, r.value))
            .collect()
    };
    let won_days = tally(won.iter().map(|(_, closed)| plain_day(zone, *closed)));
    assert_eq!(by(Fact::DealsWon), won_days, "deals won per {zone} day");
    let call_days = tally(calls.iter().map(|at| plain_day(zone, *at)));
    assert_eq!(by(Fact::Calls), call_days, "calls per {zone} day");
    let mut cycle: BTreeMap<NaiveDate, i64> = BTreeMap::new();
    for (created, closed) in won {
        let days = (plain_day(zone, *closed) - plain_day(zone, *created)).num_days();
        *cycle.entry(plain_day(zone, *closed)).or_insert(0) += days;
    }
    cycle.retain(|_, v| *v != 0);
    assert_eq!(by(Fact::CycleDays), cycle, "cycle days per {zone} day");
    // Months, from the monthly rollups.
    let months = db
        .fact_rows(Grain::Month, Some(&people), from, to, false)
        .await
        .unwrap();
    let by_month = |fact: Fact| -> BTreeMap<NaiveDate, i64> {
        months
            .iter()
            .filter(|r| r.fact == fact && r.value != 0)
            .map(|r| (r.at, r.value))
            .collect()
    };
    let won_months = tally(
        won.iter()
            .map(|(_, closed)| month_of(plain_day(zone, *closed))),
    );
    assert_eq!(
        by_month(Fact::DealsWon),
        won_months,
        "deals won per {zone} month"
    );
    let call_months = tally(calls.iter().map(|at| month_of(plain_day(zone, *at))));
    assert_eq!(by_month(Fact::Calls), call_months, "calls per {zone} month");
    // Quarters, as every metric reads them.
    let quarters: Vec<Period> = {
        let mut q = quarter_of(NaiveDate::from_ymd_opt(2026, 1, 1).unwrap());
        let mut out = Vec::new();
        while q.start.year() <= 2027 {
            out.push(q);
            q = Period::containing(PeriodKind::Quarter, q.end.succ_opt().unwrap()).unwrap();
        }
        out
    };
    for q in quarters {
        let totals = db.fact_totals(Some(&people), q.start, q.end).await.unwrap();
        let won_plain = won
            .iter()
            .filter(|(_, closed)| q.contains(plain_day(zone, *closed)))
            .count() as i64;
        let calls_plain = calls
            .iter()
            .filter(|at| q.contains(plain_day(zone, **at)))
            .count() as i64;
        assert_eq!(
            totals.count(Fact::DealsWon),
            won_plain,
            "deals won in {q:?} ({zone})"
        );
        assert_eq!(
            totals.count(Fact::Calls),
            calls_plain,
            "calls in {q:?} ({zone})"
        );
    }
    assert_eq!(
        db.check_rollups(50).await.unwrap(),
        vec![],
        "rollups check in {zone}"
    );
}

db_test!(
    async fn local_midnight_and_quarter_starts_follow_the_organisations_zone(t: TestDb) {
        let demo = load_demo(&t.db).await;
        let admin = Actor {
            id: id_of(&t.db, &demo.admin).await,
            role: Role::Admin,
            is_hr: true,
        };
        let rep = id_of(&t.db, &demo.member).await;
        let other = id_of(&t.db, &demo.other_rep).await;
        assert_eq!(t.db.org_zone().await.unwrap(), Zone::DEFAULT);
        let stages = t.db.stages().await.unwrap();
        let won_stage = stages.iter().find(|s| s.category == "won").unwrap();
        let account = Uuid::now_v7();
        let instants: Vec<DateTime<Utc>> = INSTANTS.iter().map(|s| utc(s)).collect();
        // Deals won at each instant, created ten days (240 hours) before, loaded in bulk (the
        // rollups come from the SQL recomputation) and owned at first by another rep.
        let won: Vec<(DateTime<Utc>, DateTime<Utc>)> = instants
            .iter()
            .map(|at| (*at - Duration::hours(240), *at))
            .collect();
        let seed = CrmSeed {
            accounts: vec![SeedAccount {
                id: account,
                name: "时区客户".into(),
                industry: "制造".into(),
                size: 10,
                region: "华东".into(),
                status: "customer",
                tags: String::new(),
                owner_id: Some(rep),
                created_at: utc("2025-06-01T00:00:00Z"),
            }],
            deals: won
                .iter()
                .enumerate()
                .map(|(i, (created, closed))| SeedDeal {
                    id: Uuid::now_v7(),
                    name: format!("跨时区 {i}"),
                    amount_minor: 100_000,
                    account_id: account,
                    contact_id: None,
                    owner_id: other,
                    product_line: "云",
                    source: "web",
                    expected_close: closed.date_naive(),
                    loss_reason: None,
                    steps: vec![(stages[0].id, *created), (won_stage.id, *closed)],
                    closed: true,
                })
                .collect(),
            ..Default::default()
        };
        t.db.insert_crm_seed(admin.id, &seed).await.unwrap();
        // Reassigned one by one: each move takes the deal's facts away (as Rust computes
        // them) from the cells the SQL put them in, so any disagreement would show.
        for d in &seed.deals {
            t.db.reassign(&admin, Owned::Deal, d.id, rep).await.unwrap();
        }
        // Calls logged at each instant: rollups written by Rust in the logging transaction.
        for (i, at) in instants.iter().enumerate() {
            let input = ActivityInput {
                kind: "call".into(),
                subject: format!("电话 {i}"),
                owner_id: rep,
                at: *at,
                account_id: Some(account),
                ..Default::default()
            };
            t.db.log_activity(&admin, &input).await.unwrap();
        }
        assert_buckets(&t.db, rep, "Asia/Shanghai", &won, &instants).await;
        // The brief's example, plainly: a deal won at 07:00 Beijing time on 1 October is Q4.
        let q4 = quarter_of(NaiveDate::from_ymd_opt(2026, 10, 1).unwrap());
        let q3 = quarter_of(NaiveDate::from_ymd_opt(2026, 9, 30).unwrap());
        let q4_won =
            t.db.fact_totals(Some(&[rep]), q4.start, q4.end)
                .await
                .unwrap();
        let q3_won =
            t.db.fact_totals(Some(&[rep]), q3.start, q3.end)
                .await
                .unwrap();
        // Q3: the 30 Sep 23:59:59 deal only; Q4: 1 Oct 00:00 and 07:00, the two New York
        // ones of 1 Oct (midday in Beijing), the four of 1–2 November and 31 Dec 23:59:59.999999.
        assert_eq!(q3_won.count(Fact::DealsWon), 1);
        assert_eq!(q4_won.count(Fact::DealsWon), 9);

        // New York: the same rows move to New York's days, in the transaction that changes it.
        let ny = Zone::parse("America/New_York").unwrap();
        t.db.set_org_zone(admin.id, ny).await.unwrap();
        assert_eq!(t.db.org_zone().await.unwrap(), ny);
        assert_buckets(&t.db, rep, "America/New_York", &won, &instants).await;
        let q3_ny =
            t.db.fact_totals(Some(&[rep]), q3.start, q3.end)
                .await
                .unwrap();
        let q4_ny =
            t.db.fact_totals(Some(&[rep]), q4.start, q4.end)
                .await
                .unwrap();
        // In New York the three Beijing 30 Sep/1 Oct instants and 1 Oct 03:59:59 UTC are still
        // 30 September; 2027-01-01 04:59:59 UTC is still 2026.
        assert_eq!(q3_ny.count(Fact::DealsWon), 4);
        assert_eq!(q4_ny.count(Fact::DealsWon), 8);
        let entries =
            t.db.audit_log(
                &admin,
                &AuditQuery {
                    entity: Some("organisation".into()),
                    limit: 10,
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        assert!(
            entries
                .0
                .iter()
                .any(|e| e.summary.contains("Asia/Shanghai → America/New_York")),
            "the change is audited: {:?}",
            entries.0.iter().map(|e| &e.summary).collect::<Vec<_>>()
        );
        // And back: nothing is lost on the way.
        t.db.set_org_zone(admin.id, Zone::DEFAULT).await.unwrap();
        assert_buckets(&t.db, rep, "Asia/Shanghai", &won, &instants).await;
    }
);

db_test!(
    async fn admins_set_the_zone_and_people_see_times_in_their_own(t: TestDb) {
        let demo = load_demo(&t.db).await;
        let member = id_of(&t.db, &demo.member).await;
        let admin_id = id_of(&t.db, &demo.admin).await;
        // A call at 2026-03-05 01:30 UTC: 09:30 in Beijing, 20:30 the day before in New York.
        let input = ActivityInput {
            kind: "call".into(),
            subject: "时区电话".into(),
            owner_id: member,
            at: utc("2026-03-05T01:30:00Z"),
            ..Default::default()
        };
        let admin = Actor {
            id: admin_id,
            role: Role::Admin,
            is_hr: true,
        };
        t.db.log_activity(&admin, &input).await.unwrap();
        let s = TestServer::start(&t).await;
        let rep = signed_in(&s, &demo.member).await;
        let list = body(rep.get(s.url("/activities")).send().await.unwrap()).await;
        assert!(
            list.contains("2026年3月5日 09:30 UTC+8") || list.contains("5 Mar 2026 09:30 UTC+8"),
            "shown in the organisation's zone: {}",
            &list[list.find("时区电话").unwrap_or(0)..][..400.min(list.len())]
        );
        // Their own zone: New York.
        let res = rep
            .post(s.url("/settings/time-zone"))
            .form(&[("time_zone", "America/New_York")])
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 303);
        let list = body(rep.get(s.url("/activities")).send().await.unwrap()).await;
        assert!(
            list.contains("2026年3月4日 20:30 UTC-5") || list.contains("4 Mar 2026 20:30 UTC-5"),
            "shown in the viewer's zone"
        );
        assert_eq!(
            t.db.viewer_zone(member).await.unwrap(),
            Zone::parse("America/New_York").unwrap()
        );
        // An unknown zone is refused beside its field, in the viewer's language.
        let res = rep
            .post(s.url("/settings/time-zone"))
            .form(&[("time_zone", "Mars/Olympus")])
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 422);
        assert!(body(res).await.contains("Mars/Olympus"));
        // Back to the organisation's.
        let res = rep
            .post(s.url("/settings/time-zone"))
            .form(&[("time_zone", "")])
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 303);
        assert_eq!(t.db.viewer_zone(member).await.unwrap(), Zone::DEFAULT);

        // Only admins set the organisation's zone.
        let res = rep
            .post(s.url("/admin/time-zone"))
            .form(&[("time_zone", "UTC")])
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 403);
        let admin_c = signed_in(&s, &demo.admin).await;
        let res = admin_c
            .post(s.url("/admin/time-zone"))
            .form(&[("time_zone", "Europe/Atlantis")])
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 422);
        assert!(body(res).await.contains("Europe/Atlantis"));
        assert_eq!(t.db.org_zone().await.unwrap(), Zone::DEFAULT);
        let res = admin_c
            .post(s.url("/admin/time-zone"))
            .form(&[("time_zone", "America/New_York")])
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200);
        let page = body(res).await;
        assert!(page.contains("America/New_York"), "{page}");
        // Another session (any server) sees the new zone on its next request: the member
        // follows the organisation's zone now.
        let list = body(rep.get(s.url("/activities")).send().await.unwrap()).await;
        assert!(
            list.contains("2026年3月4日 20:30 UTC-5") || list.contains("4 Mar 2026 20:30 UTC-5"),
            "the organisation's new zone"
        );
        // The day filter of the list is the organisation's local day: 4 March in New York.
        let day = body(
            rep.get(s.url("/activities?from=2026-03-04&to=2026-03-04"))
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert!(day.contains("时区电话"));
        let next = body(
            rep.get(s.url("/activities?from=2026-03-05&to=2026-03-05"))
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert!(!next.contains("时区电话"));
        // The API keeps RFC 3339 UTC instants.
        let json: serde_json::Value = rep
            .get(s.url("/api/v1/activities?from=2026-03-04&to=2026-03-04"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert!(json.to_string().contains("2026-03-05T01:30:00Z"), "{json}");
    }
);
