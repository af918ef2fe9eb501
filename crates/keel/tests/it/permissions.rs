//! The permission matrix: every route, HTML and API, for every role and for nobody, including
//! reads and writes of other people's records by id. Runs on both backends.

use crate::harness::OrgDay;
use crate::harness::{Demo, TestServer, client, id_of, load_demo, signed_in};
use reqwest::Method;
use std::collections::BTreeSet;

#[derive(Clone, Copy, Debug, PartialEq)]
enum Expect {
    /// Served (2xx, or a redirect that is not to the login page).
    Allowed,
    /// Sent to log in (HTML) or 401 (API).
    Login,
    /// 403.
    Denied,
    /// 404: not there, or not yours (indistinguishable on purpose).
    Hidden,
    /// 400, 409 or 422: understood and refused by a rule of the data.
    Refused,
    /// 5xx or anything unexpected: never what a case expects.
    Broken,
}
use Expect::*;

#[derive(Clone)]
pub(crate) enum Body {
    None,
    Form(Vec<(&'static str, String)>),
    Json(serde_json::Value),
    /// A body sent as JSON without being JSON (the extreme-input test).
    Raw(String),
}

pub(crate) struct Case {
    pub(crate) method: Method,
    pub(crate) path: String,
    pub(crate) body: Body,
    /// anonymous, member, manager, director, admin
    expect: [Expect; 5],
}

const ROLES: [&str; 5] = ["anonymous", "member", "manager", "director", "admin"];

fn case(method: Method, path: impl Into<String>, body: Body, expect: [Expect; 5]) -> Case {
    Case {
        method,
        path: path.into(),
        body,
        expect,
    }
}

async fn outcome(res: reqwest::Response) -> (Expect, u16) {
    let status = res.status().as_u16();
    let location = res
        .headers()
        .get("location")
        .and_then(|l| l.to_str().ok())
        .unwrap_or("")
        .to_owned();
    // Pages that refuse by redirecting back with a reason are refusals too.
    if location.contains("error=") {
        return (Refused, status);
    }
    let e = match status {
        401 => Login,
        303 | 302 | 307 if location.starts_with("/login") => Login,
        403 => Denied,
        404 => Hidden,
        400 | 409 | 422 => Refused,
        200..=399 => Allowed,
        _ => Broken,
    };
    (e, status)
}

db_test!(
    async fn every_route_for_every_role(t: TestDb) {
        let demo: Demo = load_demo(&t.db).await;
        let s = TestServer::start(&t).await;
        let cases = matrix(&t, &demo).await;

        // Every route the server has, HTML and API, is in the matrix.
        let missing = uncovered(&cases);
        assert!(
            missing.is_empty(),
            "routes missing from the permission matrix:\n{}",
            missing.join("\n")
        );

        let logins = [
            None,
            Some(&demo.member),
            Some(&demo.manager),
            Some(&demo.director),
            Some(&demo.admin),
        ];
        let mut failures = Vec::new();
        for (i, login) in logins.iter().enumerate() {
            let c = match login {
                Some(email) => signed_in(&s, email).await,
                None => client(),
            };
            // Only the one role whose turn it is creates: skip others' creation cases.
            // Signing out ends the session the cases after it need: it goes last.
            let (outs, ins): (Vec<&Case>, Vec<&Case>) = cases
                .iter()
                .filter(|c| owner_of(c).is_none_or(|r| r == ROLES[i]))
                .partition(|c| c.path == "/logout");
            for case in ins.into_iter().chain(outs) {
                let mut req = c.request(case.method.clone(), s.url(&case.path));
                req = match &case.body {
                    Body::None => req,
                    Body::Form(f) => req.form(f),
                    Body::Json(j) => req.json(j),
                    Body::Raw(r) => req.body(r.clone()),
                };
                let (got, status) = outcome(req.send().await.unwrap()).await;
                if got != case.expect[i] {
                    failures.push(format!(
                        "{} {} as {}: expected {:?}, got {got:?} ({status})",
                        case.method, case.path, ROLES[i], case.expect[i]
                    ));
                }
            }
        }
        assert!(
            failures.is_empty(),
            "permission matrix:\n{}",
            failures.join("\n")
        );
    }
);

/// Every case of the matrix, with the records they name (created here, on `t`).
pub(crate) async fn matrix(t: &crate::harness::TestDb, demo: &Demo) -> Vec<Case> {
    let other = id_of(&t.db, &demo.other_rep).await;
    let admin_id = id_of(&t.db, &demo.admin).await;
    let victim = id_of(&t.db, "xiao.ran@yunfan.example").await;
    let team = t.db.teams().await.unwrap()[0].id;
    let admin_token = keel_web::issue_token(&t.db, admin_id, "admin's")
        .await
        .unwrap()
        .0;
    let unknown = uuid::Uuid::now_v7();
    // CRM records: the member's own, and a rep's in another team (outside the East line).
    let crm = crate::crm::Fixture::new(&t.db, demo).await;
    let (own_acc, other_acc, other_deal) = (crm.own_account, crm.other_account, crm.other_deal);
    let stage = crm.won_stage;
    let contest =
        t.db.create_contest(
            &crm.admin,
            &keel_db::contests::ContestInput {
                name: "Visits".into(),
                metric: keel_domain::metrics::Metric::Visits,
                starts: chrono::NaiveDate::from_ymd_opt(2026, 11, 1).unwrap(),
                ends: chrono::NaiveDate::from_ymd_opt(2026, 11, 30).unwrap(),
                prize: None,
                people: vec![other, victim],
                teams: Vec::new(),
            },
        )
        .await
        .unwrap();

    let g = GoalFixture::new(&t.db, demo).await;
    let victims_note = crate::notifications::notify_directly(&t.db, victim, admin_id).await;
    let all = [Login, Allowed, Allowed, Allowed, Allowed];
    let admin_only = [Login, Denied, Denied, Denied, Allowed];
    let public = [Allowed; 5];
    let person_form = |tag: &str| {
        Body::Form(vec![
            ("name", format!("New {tag}")),
            ("role", "member".into()),
            ("email", format!("new.{tag}@example.com")),
        ])
    };
    let mut cases = vec![
        case(Method::GET, "/", Body::None, all),
        case(Method::GET, "/people", Body::None, all),
        case(
            Method::GET,
            "/people?q=%25'%20OR%201%3D1--",
            Body::None,
            all,
        ),
        case(Method::GET, format!("/people/{other}"), Body::None, all),
        case(
            Method::GET,
            format!("/people/{unknown}"),
            Body::None,
            [Login, Hidden, Hidden, Hidden, Hidden],
        ),
        case(
            Method::GET,
            "/people/not-an-id",
            Body::None,
            [Login, Hidden, Hidden, Hidden, Hidden],
        ),
        case(Method::GET, "/org", Body::None, all),
        case(Method::GET, "/settings", Body::None, all),
        case(Method::GET, "/api", Body::None, all),
        case(Method::GET, "/admin/people/new", Body::None, admin_only),
        case(
            Method::GET,
            format!("/admin/people/{other}/edit"),
            Body::None,
            admin_only,
        ),
        case(Method::GET, "/admin/teams", Body::None, admin_only),
        case(Method::GET, "/admin/audit", Body::None, admin_only),
        case(Method::GET, "/healthz", Body::None, public),
        case(Method::GET, "/metrics", Body::None, public),
        case(Method::GET, "/api/v1/openapi.json", Body::None, public),
        // Metrics: one's own line; the organisation for directors and admins.
        case(Method::GET, "/kpis", Body::None, all),
        case(
            Method::GET,
            "/kpis?scope=org",
            Body::None,
            [Login, Hidden, Hidden, Allowed, Allowed],
        ),
        case(
            Method::GET,
            "/kpis/won_revenue?bucket=week",
            Body::None,
            all,
        ),
        case(
            Method::GET,
            format!("/kpis/calls?scope=person:{other}"),
            Body::None,
            [Login, Hidden, Hidden, Allowed, Allowed],
        ),
        case(
            Method::GET,
            "/kpis/no_such_metric",
            Body::None,
            [Login, Hidden, Hidden, Hidden, Hidden],
        ),
        case(Method::GET, "/api/v1/metrics", Body::None, all),
        // The dashboard: one's own line; the organisation for directors and admins.
        case(Method::GET, "/dashboard", Body::None, all),
        case(
            Method::GET,
            "/dashboard?scope=org&period=last_quarter&compare=last_year",
            Body::None,
            [Login, Hidden, Hidden, Allowed, Allowed],
        ),
        case(
            Method::GET,
            format!("/dashboard?scope=person:{other}"),
            Body::None,
            [Login, Hidden, Hidden, Allowed, Allowed],
        ),
        case(
            Method::GET,
            "/dashboard/panels?period=this_month",
            Body::None,
            all,
        ),
        case(
            Method::GET,
            "/dashboard.csv?panel=pipeline",
            Body::None,
            all,
        ),
        case(
            Method::GET,
            "/dashboard.csv?panel=nothing",
            Body::None,
            [Login, Refused, Refused, Refused, Refused],
        ),
        case(Method::GET, "/api/v1/dashboard", Body::None, all),
        case(
            Method::GET,
            format!(
                "/api/v1/dashboard?scope=team:{team}&period=custom&from=2026-01-01&to=2025-01-01"
            ),
            Body::None,
            [Login, Refused, Refused, Refused, Refused],
        ),
        // Insights: one's own line; the organisation for directors and admins; thresholds
        // for admins. Dismissals only hide an item from oneself.
        case(Method::GET, "/insights", Body::None, all),
        case(
            Method::GET,
            "/insights?scope=org",
            Body::None,
            [Login, Hidden, Hidden, Allowed, Allowed],
        ),
        case(
            Method::GET,
            format!("/insights?scope=person:{other}"),
            Body::None,
            [Login, Hidden, Hidden, Allowed, Allowed],
        ),
        case(
            Method::GET,
            "/insights?scope=galaxy",
            Body::None,
            [Login, Refused, Refused, Refused, Refused],
        ),
        case(
            Method::POST,
            "/insights/dismiss",
            Body::Form(vec![
                ("key", format!("no_target:{other}:2026-Q4")),
                ("note", "x".into()),
            ]),
            all,
        ),
        case(
            Method::POST,
            "/insights/dismiss",
            Body::Form(vec![("key", "bogus".into())]),
            [Login, Refused, Refused, Refused, Refused],
        ),
        case(Method::GET, "/api/v1/insights", Body::None, all),
        case(
            Method::GET,
            format!("/api/v1/insights?scope=team:{team}"),
            Body::None,
            [Login, Hidden, Allowed, Allowed, Allowed],
        ),
        case(
            Method::POST,
            format!("/api/v1/insights/stalled_deal:{other_deal}:2026-11-01/dismiss"),
            Body::Json(serde_json::json!({"note": "ok"})),
            all,
        ),
        case(Method::GET, "/admin/insights", Body::None, admin_only),
        // Notifications: everyone their own; someone else's id is 404 for every role.
        case(Method::GET, "/notifications", Body::None, all),
        case(Method::GET, "/notifications/bell", Body::None, all),
        case(Method::POST, "/notifications/read-all", Body::None, all),
        case(
            Method::GET,
            format!("/notifications/{victims_note}/open"),
            Body::None,
            [Login, Hidden, Hidden, Hidden, Hidden],
        ),
        case(
            Method::POST,
            format!("/notifications/{victims_note}/read"),
            Body::None,
            [Login, Hidden, Hidden, Hidden, Hidden],
        ),
        case(
            Method::POST,
            "/settings/notifications",
            Body::Form(vec![
                ("target_set", "in_app".into()),
                ("digest_hour", String::new()),
            ]),
            all,
        ),
        case(Method::GET, "/api/v1/notifications", Body::None, all),
        case(
            Method::POST,
            "/api/v1/notifications/read-all",
            Body::None,
            all,
        ),
        case(
            Method::POST,
            format!("/api/v1/notifications/{victims_note}/read"),
            Body::None,
            [Login, Hidden, Hidden, Hidden, Hidden],
        ),
        case(Method::GET, "/admin/email", Body::None, admin_only),
        // The organisation's zone: admins; one's own zone: everyone.
        case(Method::GET, "/admin/time-zone", Body::None, admin_only),
        case(
            Method::POST,
            "/admin/time-zone",
            Body::Form(vec![("time_zone", "Asia/Shanghai".into())]),
            admin_only,
        ),
        case(
            Method::POST,
            "/settings/time-zone",
            Body::Form(vec![("time_zone", "America/New_York".into())]),
            all,
        ),
        case(
            Method::POST,
            format!("/admin/email/{unknown}/retry"),
            Body::None,
            [Login, Denied, Denied, Denied, Hidden],
        ),
        case(
            Method::POST,
            "/admin/insights",
            Body::Form(vec![("win_rate_drop_points", "0".into())]),
            [Login, Denied, Denied, Denied, Refused],
        ),
        // Contests: public boards; managers (own line), directors and admins start them.
        case(Method::GET, "/contests", Body::None, all),
        case(
            Method::GET,
            "/contests/new",
            Body::None,
            [Login, Denied, Allowed, Allowed, Allowed],
        ),
        case(Method::GET, format!("/contests/{contest}"), Body::None, all),
        case(
            Method::GET,
            format!("/contests/{contest}?tv=1"),
            Body::None,
            all,
        ),
        case(
            Method::GET,
            format!("/contests/{contest}/board"),
            Body::None,
            all,
        ),
        case(
            Method::GET,
            format!("/contests/{unknown}"),
            Body::None,
            [Login, Hidden, Hidden, Hidden, Hidden],
        ),
        case(
            Method::POST,
            "/contests",
            Body::Form(vec![("name", String::new()), ("metric", "calls".into())]),
            [Login, Denied, Refused, Refused, Refused],
        ),
        case(Method::GET, "/api/v1/contests", Body::None, all),
        case(
            Method::GET,
            format!("/api/v1/contests/{contest}"),
            Body::None,
            all,
        ),
        case(
            Method::POST,
            "/api/v1/contests",
            Body::Json(
                serde_json::json!({"name": "x", "metric": "calls", "starts": "2026-11-01", "ends": "2026-11-30", "people": [other]}),
            ),
            [Login, Denied, Refused, Refused, Refused],
        ),
        // Targets and the forecast: set top-down only; everyone sees their own line.
        case(Method::GET, "/targets", Body::None, all),
        case(
            Method::GET,
            "/targets?period=2026-Q9",
            Body::None,
            [Login, Refused, Refused, Refused, Refused],
        ),
        case(Method::GET, "/forecast", Body::None, all),
        case(Method::GET, "/forecast.csv?period=2026-Q3", Body::None, all),
        case(
            Method::GET,
            format!("/forecast?scope=person:{other}"),
            Body::None,
            [Login, Hidden, Hidden, Allowed, Allowed],
        ),
        case(Method::GET, "/api/v1/targets", Body::None, all),
        case(Method::GET, "/api/v1/forecast?period=2026", Body::None, all),
        case(
            Method::POST,
            "/api/v1/targets",
            Body::Json(serde_json::json!({"person_id": other, "period": "2026-Q4", "value": 100})),
            [Login, Denied, Denied, Allowed, Allowed],
        ),
        case(
            Method::POST,
            "/targets",
            Body::Form(vec![
                ("person", other.to_string()),
                ("period", "2026-Q4".into()),
                ("metric", "won_revenue".into()),
                ("value", "100".into()),
            ]),
            [Login, Denied, Denied, Allowed, Allowed],
        ),
        case(
            Method::POST,
            "/api/v1/targets/split",
            Body::Json(
                serde_json::json!({"manager_id": other, "period": "2026-Q4", "how": "equal"}),
            ),
            [Login, Refused, Refused, Refused, Refused],
        ),
        case(
            Method::POST,
            "/targets/split",
            Body::Form(vec![
                ("manager", other.to_string()),
                ("period", "2026-Q4".into()),
                ("metric", "won_revenue".into()),
                ("how", "equal".into()),
            ]),
            [Login, Refused, Refused, Refused, Refused],
        ),
        case(
            Method::GET,
            format!("/api/v1/metrics/won_revenue?scope=person:{other}"),
            Body::None,
            [Login, Hidden, Hidden, Allowed, Allowed],
        ),
        case(
            Method::GET,
            format!("/api/v1/metrics/win_rate?scope=team:{team}&from=2026-01-01&to=2025-01-01"),
            Body::None,
            [Login, Refused, Refused, Refused, Refused],
        ),
        case(
            Method::GET,
            "/api/v1/metrics/visits?scope=galaxy",
            Body::None,
            [Login, Refused, Refused, Refused, Refused],
        ),
        // Writes to other people's records.
        case(
            Method::POST,
            format!("/admin/people/{victim}"),
            Body::Form(vec![
                ("name", "萧然".into()),
                ("role", "member".into()),
                ("title", "Renamed".into()),
            ]),
            admin_only,
        ),
        case(
            Method::POST,
            format!("/admin/people/{victim}/password"),
            Body::Form(vec![("password", "a brand new password".into())]),
            admin_only,
        ),
        case(
            Method::POST,
            format!("/admin/people/{victim}/active"),
            Body::Form(vec![("active", "false".into())]),
            admin_only,
        ),
        case(
            Method::POST,
            format!("/admin/people/{unknown}/active"),
            Body::Form(vec![("active", "false".into())]),
            [Login, Denied, Denied, Denied, Hidden],
        ),
        case(
            Method::POST,
            format!("/admin/teams/{team}"),
            Body::Form(vec![("name", "华东大区 East China".into())]),
            admin_only,
        ),
        case(
            Method::POST,
            "/admin/departments",
            Body::Form(vec![("name", "客服部 Service".into())]),
            admin_only,
        ),
        case(
            Method::POST,
            "/settings/tokens",
            Body::Form(vec![("name", "script".into())]),
            all,
        ),
        // Someone else's token: as good as nonexistent. The admin owns it.
        case(
            Method::POST,
            format!("/settings/tokens/{admin_token}/revoke"),
            Body::None,
            [Login, Hidden, Hidden, Hidden, Allowed],
        ),
        case(
            Method::POST,
            "/settings/password",
            Body::Form(vec![
                ("current", "not my password".into()),
                ("password", "whatever whatever".into()),
            ]),
            [Login, Refused, Refused, Refused, Refused],
        ),
        case(
            Method::POST,
            "/lang",
            Body::Form(vec![("locale", "en".into()), ("back", "/people".into())]),
            public,
        ),
        case(Method::GET, "/login", Body::None, [Allowed; 5]),
        case(Method::GET, "/setup", Body::None, [Login; 5]),
        // The CRM: own records, a peer's records, and the pages everyone has.
        case(Method::GET, "/today", Body::None, all),
        case(Method::GET, "/import", Body::None, all),
        case(Method::GET, "/contacts", Body::None, all),
        case(
            Method::POST,
            format!("/deals/{other_deal}/owner"),
            Body::Form(vec![("owner_id", crm.other_rep.to_string())]),
            [Login, Hidden, Hidden, Allowed, Allowed],
        ),
        case(
            Method::POST,
            "/import",
            Body::Form(vec![("source", "csv".into())]),
            [Login, Refused, Refused, Refused, Refused],
        ),
        case(Method::GET, "/accounts", Body::None, all),
        case(Method::GET, "/accounts/new", Body::None, all),
        case(Method::GET, format!("/accounts/{own_acc}"), Body::None, all),
        case(
            Method::GET,
            format!("/accounts/{other_acc}"),
            Body::None,
            [Login, Hidden, Hidden, Allowed, Allowed],
        ),
        case(
            Method::GET,
            format!("/accounts/{other_acc}/edit"),
            Body::None,
            [Login, Hidden, Hidden, Allowed, Allowed],
        ),
        case(
            Method::POST,
            format!("/accounts/{other_acc}"),
            Body::Form(vec![
                ("name", "Renamed Co".into()),
                ("status", "customer".into()),
            ]),
            [Login, Hidden, Hidden, Allowed, Allowed],
        ),
        case(Method::GET, "/deals", Body::None, all),
        case(Method::GET, "/export/deals.csv", Body::None, all),
        case(
            Method::GET,
            "/export/secrets.csv",
            Body::None,
            [Login, Hidden, Hidden, Hidden, Hidden],
        ),
        case(Method::GET, "/deals/board", Body::None, all),
        case(Method::GET, "/deals/new", Body::None, all),
        case(
            Method::GET,
            format!("/deals/{other_deal}"),
            Body::None,
            [Login, Hidden, Hidden, Allowed, Allowed],
        ),
        case(
            Method::POST,
            format!("/deals/{other_deal}/stage"),
            Body::Form(vec![("stage_id", stage.to_string())]),
            [Login, Hidden, Hidden, Allowed, Allowed],
        ),
        case(
            Method::POST,
            "/activities",
            Body::Form(vec![
                ("kind", "call".into()),
                ("subject", "Called".into()),
                ("account_id", other_acc.to_string()),
            ]),
            [Login, Refused, Refused, Allowed, Allowed],
        ),
        case(
            Method::POST,
            "/activities",
            Body::Form(vec![
                ("kind", "call".into()),
                ("subject", "Called".into()),
                ("account_id", own_acc.to_string()),
            ]),
            [Login, Allowed, Allowed, Allowed, Allowed],
        ),
        case(Method::GET, "/api/v1/accounts", Body::None, all),
        case(
            Method::GET,
            format!("/api/v1/accounts/{other_acc}"),
            Body::None,
            [Login, Hidden, Hidden, Allowed, Allowed],
        ),
        case(Method::GET, "/api/v1/deals", Body::None, all),
        case(
            Method::GET,
            format!("/api/v1/deals/{other_deal}"),
            Body::None,
            [Login, Hidden, Hidden, Allowed, Allowed],
        ),
        case(
            Method::POST,
            format!("/api/v1/deals/{other_deal}/stage"),
            Body::Json(serde_json::json!({"stage_id": stage})),
            [Login, Hidden, Hidden, Allowed, Allowed],
        ),
        case(Method::GET, "/api/v1/pipelines", Body::None, all),
        case(Method::GET, "/api/v1/activities", Body::None, all),
        case(
            Method::POST,
            "/api/v1/activities",
            Body::Json(
                serde_json::json!({"kind": "visit", "subject": "On site", "account_id": own_acc}),
            ),
            [Login, Allowed, Allowed, Allowed, Allowed],
        ),
        case(Method::GET, "/leads", Body::None, all),
        case(Method::GET, "/leads/new", Body::None, all),
        case(Method::GET, "/pool?kind=leads", Body::None, all),
        case(Method::GET, "/pool?kind=accounts", Body::None, all),
        case(
            Method::GET,
            format!("/leads/{}", crm.pooled_lead),
            Body::None,
            all,
        ),
        case(
            Method::GET,
            format!("/leads/{unknown}"),
            Body::None,
            [Login, Hidden, Hidden, Hidden, Hidden],
        ),
        case(
            Method::POST,
            format!("/pool/accounts/{other_acc}/return"),
            Body::Form(vec![("reason", "x".into())]),
            [Login, Hidden, Hidden, Allowed, Refused],
        ),
        case(Method::GET, "/admin/crm", Body::None, admin_only),
        case(
            Method::POST,
            format!("/admin/crm/stages/{}", crm.first_stage),
            Body::Form(vec![
                ("name", "资格确认".into()),
                ("name_en", "Qualification".into()),
                ("probability", "10".into()),
            ]),
            admin_only,
        ),
        case(
            Method::POST,
            "/admin/crm/visibility",
            Body::Form(vec![("deals", "private".into())]),
            admin_only,
        ),
        case(
            Method::POST,
            "/admin/crm/pool/leads",
            Body::Form(vec![
                ("claims_per_day", "100".into()),
                ("max_held", "100".into()),
                ("return_after_days", "30".into()),
                ("cooldown_days", "0".into()),
            ]),
            admin_only,
        ),
        case(Method::GET, "/api/v1/leads", Body::None, all),
        // The CRM lists: search, sorts, pages; the activities and satisfaction lists.
        case(
            Method::GET,
            "/accounts?q=%25%22'%3B%20DROP&sort=last_activity",
            Body::None,
            all,
        ),
        case(
            Method::GET,
            "/deals?sort=bogus&after=garbage&q=NEAR(",
            Body::None,
            all,
        ),
        case(Method::GET, "/leads?sort=name&mine=1", Body::None, all),
        case(Method::GET, "/contacts?sort=created", Body::None, all),
        case(Method::GET, "/activities", Body::None, all),
        case(
            Method::GET,
            "/activities?kind=task&state=overdue&from=2020-01-01&to=2099-12-31&q=x",
            Body::None,
            all,
        ),
        case(Method::GET, "/satisfaction", Body::None, all),
        case(
            Method::GET,
            "/satisfaction?kind=nps&min=9&max=10",
            Body::None,
            all,
        ),
        case(
            Method::GET,
            "/export/activities.csv?state=open",
            Body::None,
            all,
        ),
        case(
            Method::GET,
            "/export/deals.csv?sort=amount&q=%E9%99%88",
            Body::None,
            all,
        ),
        case(
            Method::GET,
            format!("/deals/board?pipeline={unknown}"),
            Body::None,
            all,
        ),
        case(Method::GET, "/api/v1/satisfaction", Body::None, all),
        case(
            Method::GET,
            "/api/v1/satisfaction?min=11",
            Body::None,
            [Login, Refused, Refused, Refused, Refused],
        ),
        case(
            Method::GET,
            "/api/v1/deals?sort=amount&q=%25",
            Body::None,
            all,
        ),
        case(
            Method::GET,
            "/api/v1/deals?sort=bogus",
            Body::None,
            [Login, Refused, Refused, Refused, Refused],
        ),
        case(
            Method::GET,
            "/api/v1/accounts?after=not-a-cursor",
            Body::None,
            [Login, Refused, Refused, Refused, Refused],
        ),
        case(
            Method::GET,
            "/api/v1/activities?state=bogus",
            Body::None,
            [Login, Refused, Refused, Refused, Refused],
        ),
        // Reassigning a lead: not to see, fine, or (for the admin, after the director
        // returned it to the pool below) claimed rather than reassigned.
        case(
            Method::POST,
            format!("/leads/{}/owner", crm.other_lead),
            Body::Form(vec![("owner_id", crm.other_rep.to_string())]),
            [Login, Hidden, Hidden, Allowed, Refused],
        ),
        case(
            Method::POST,
            format!("/api/v1/leads/{}/owner", crm.other_lead),
            Body::Json(serde_json::json!({"owner_id": crm.other_rep})),
            [Login, Hidden, Hidden, Allowed, Refused],
        ),
        case(
            Method::POST,
            format!("/api/v1/leads/{}/owner", crm.pooled_lead),
            Body::Json(serde_json::json!({"owner_id": crm.other_rep})),
            [Login, Refused, Refused, Refused, Refused],
        ),
        // Pipelines: admins add them.
        case(
            Method::GET,
            format!("/admin/crm?pipeline={unknown}"),
            Body::None,
            admin_only,
        ),
        case(
            Method::POST,
            "/admin/crm/pipelines",
            Body::Form(vec![("name", "续约 Renewals".into())]),
            admin_only,
        ),
        case(
            Method::POST,
            "/api/v1/pipelines",
            Body::Json(serde_json::json!({"name": "渠道 Partners"})),
            admin_only,
        ),
        case(
            Method::POST,
            format!("/api/v1/leads/{}/convert", crm.other_lead),
            Body::Json(serde_json::json!({"account_name": "X"})),
            [Login, Hidden, Hidden, Allowed, Refused],
        ),
        case(
            Method::POST,
            format!("/api/v1/pool/leads/{unknown}/claim"),
            Body::None,
            [Login, Hidden, Hidden, Hidden, Hidden],
        ),
        case(
            Method::POST,
            format!("/api/v1/pool/leads/{}/return", crm.other_lead),
            Body::Json(serde_json::json!({"reason": "x"})),
            [Login, Hidden, Hidden, Allowed, Refused],
        ),
        case(
            Method::GET,
            format!("/api/v1/accounts/{other_acc}/contacts"),
            Body::None,
            [Login, Hidden, Hidden, Allowed, Allowed],
        ),
        case(
            Method::POST,
            format!("/api/v1/accounts/{own_acc}/contacts"),
            Body::Json(serde_json::json!({"name": "Mr X"})),
            [Login, Allowed, Allowed, Allowed, Allowed],
        ),
        case(
            Method::POST,
            format!("/api/v1/accounts/{own_acc}/satisfaction"),
            Body::Json(serde_json::json!({"kind": "csat", "score": 3})),
            [Login, Allowed, Allowed, Allowed, Allowed],
        ),
        // Giving a record to someone outside your line.
        case(
            Method::POST,
            "/api/v1/accounts",
            Body::Json(serde_json::json!({"name": "Gift Co", "owner_id": crm.other_rep})),
            [Login, Denied, Denied, Allowed, Allowed],
        ),
        // The API.
        case(Method::GET, "/api/v1/me", Body::None, all),
        case(Method::GET, "/api/v1/people", Body::None, all),
        case(
            Method::GET,
            format!("/api/v1/people/{other}"),
            Body::None,
            all,
        ),
        case(
            Method::GET,
            format!("/api/v1/people/{unknown}"),
            Body::None,
            [Login, Hidden, Hidden, Hidden, Hidden],
        ),
        case(
            Method::PATCH,
            format!("/api/v1/people/{victim}"),
            Body::Json(serde_json::json!({"title": "Patched"})),
            admin_only,
        ),
        case(Method::GET, "/api/v1/teams", Body::None, all),
        case(Method::GET, "/api/v1/audit", Body::None, admin_only),
        case(Method::GET, "/api/v1/tokens", Body::None, all),
        case(
            Method::POST,
            "/api/v1/tokens",
            Body::Json(serde_json::json!({"name": "ci"})),
            all,
        ),
        case(
            Method::DELETE,
            format!("/api/v1/tokens/{admin_token}"),
            Body::None,
            [Login, Hidden, Hidden, Hidden, Allowed],
        ),
    ];
    // Routes reached with records of the member's (their line sees them too) or with ids
    // nobody has; static files; signing in, setting up and out.
    let hidden = [Login, Hidden, Hidden, Hidden, Hidden];
    cases.extend([
        case(
            Method::GET,
            "/static/htmx-2.0.11.min.js",
            Body::None,
            public,
        ),
        case(Method::GET, "/static/nothing.css", Body::None, [Hidden; 5]),
        case(
            Method::POST,
            format!("/accounts/{own_acc}/contacts"),
            Body::Form(vec![
                ("name", "王五".into()),
                ("email", "w5@example.com".into()),
            ]),
            all,
        ),
        case(
            Method::POST,
            format!("/accounts/{own_acc}/satisfaction"),
            Body::Form(vec![("kind", "csat".into()), ("score", "4".into())]),
            all,
        ),
        case(
            Method::POST,
            format!("/accounts/{unknown}/owner"),
            Body::Form(vec![("owner_id", unknown.to_string())]),
            hidden,
        ),
        case(
            Method::POST,
            format!("/activities/{unknown}/complete"),
            Body::Form(vec![]),
            hidden,
        ),
        case(
            Method::POST,
            format!("/leads/{unknown}/convert"),
            Body::Form(vec![("account_name", "x".into())]),
            hidden,
        ),
        case(
            Method::POST,
            format!("/pool/leads/{unknown}/claim"),
            Body::Form(vec![("back", "/pool/leads".into())]),
            hidden,
        ),
        case(
            Method::POST,
            format!("/admin/crm/pipelines/{unknown}/stages"),
            Body::Form(vec![
                ("name", "x".into()),
                ("name_en", "x".into()),
                ("probability", "10".into()),
            ]),
            [Login, Denied, Denied, Denied, Hidden],
        ),
        case(
            Method::POST,
            "/login",
            Body::Form(vec![
                ("email", "nobody@example.com".into()),
                ("password", "wrong password".into()),
            ]),
            [Login; 5],
        ),
        case(
            Method::POST,
            "/setup",
            Body::Form(vec![("organisation", "x".into())]),
            [Login; 5],
        ),
        // Runs last for each role (it ends the session).
        case(Method::POST, "/logout", Body::None, [Login; 5]),
    ]);
    cases.extend(goal_cases(&g));
    let ck = CheckinFixture::new(&t.db, demo).await;
    cases.extend(checkin_cases(&ck, &g));
    // Creating records: one per role so that allowed creations do not collide.
    for role in ROLES {
        cases.push(case(
            Method::POST,
            "/admin/people",
            person_form(role),
            admin_only,
        ));
        cases.push(case(Method::POST, "/api/v1/people", Body::Json(serde_json::json!({
                "name": format!("API {role}"), "role": "member", "email": format!("api.{role}@example.com")})), admin_only));
        cases.push(case(
            Method::POST,
            "/admin/teams",
            Body::Form(vec![("name", format!("Team {role}"))]),
            admin_only,
        ));
        cases.push(case(
            Method::POST,
            "/accounts",
            Body::Form(vec![
                ("name", format!("Acct {role}")),
                ("status", "prospect".into()),
            ]),
            all,
        ));
        cases.push(case(
            Method::POST,
            "/api/v1/accounts",
            Body::Json(serde_json::json!({"name": format!("Acct {role}")})),
            all,
        ));
        cases.push(case(
            Method::POST,
            "/deals",
            Body::Form(vec![
                ("name", format!("Deal {role}")),
                ("amount", "1,000".into()),
                ("stage_id", crm.first_stage.to_string()),
            ]),
            all,
        ));
        cases.push(case(Method::POST, "/api/v1/deals", Body::Json(serde_json::json!({
                "name": format!("Deal {role}"), "amount_minor": 100000, "stage_id": crm.first_stage})), all));
        cases.push(case(
            Method::POST,
            "/api/v1/leads",
            Body::Json(serde_json::json!({"name": format!("Lead {role}")})),
            all,
        ));
        cases.push(case(
            Method::POST,
            "/leads",
            Body::Form(vec![("name", format!("Lead {role}"))]),
            all,
        ));
    }
    cases
}

/// The role a creation case belongs to (its body names the role), if it is one.
fn owner_of(c: &Case) -> Option<&'static str> {
    let text = match &c.body {
        Body::Form(f) => f
            .iter()
            .map(|(_, v)| v.clone())
            .collect::<Vec<_>>()
            .join(" "),
        Body::Json(j) => j.to_string(),
        Body::None | Body::Raw(_) => return None,
    };
    let creating = c.method == Method::POST
        && [
            "/admin/people",
            "/api/v1/people",
            "/admin/teams",
            "/accounts",
            "/api/v1/accounts",
            "/deals",
            "/api/v1/deals",
            "/leads",
            "/api/v1/leads",
        ]
        .contains(&c.path.as_str());
    let named = |r: &str| {
        ["New", "API", "Team", "Acct", "Deal", "Lead"]
            .iter()
            .any(|p| text.contains(&format!("{p} {r}")))
    };
    creating
        .then(|| ROLES.into_iter().find(|r| named(r)))
        .flatten()
}

/// The route template of keel's table that serves `path`, as axum picks it: of the templates
/// whose segments match, the one with the most literal segments.
pub(crate) fn route_of<'a>(
    routes: &'a [(&'static str, String)],
    method: &str,
    path: &str,
) -> Option<&'a str> {
    let path = path.split('?').next().unwrap_or(path);
    let segs: Vec<&str> = path.split('/').collect();
    routes
        .iter()
        .filter(|(m, _)| *m == method)
        .filter_map(|(_, template)| {
            let t: Vec<&str> = template.split('/').collect();
            let fits = t.len() == segs.len()
                && t.iter().zip(&segs).all(|(t, s)| {
                    (t.starts_with('{') && t.ends_with('}') && !s.is_empty()) || t == s
                });
            fits.then(|| {
                let literal = t.iter().filter(|t| !t.starts_with('{')).count();
                (literal, template.as_str())
            })
        })
        .max_by_key(|(literal, _)| *literal)
        .map(|(_, template)| template)
}

/// The routes of keel's route table that no case of `cases` reaches.
fn uncovered(cases: &[Case]) -> Vec<String> {
    let routes = keel_web::route_table();
    let covered: BTreeSet<(String, &str)> = cases
        .iter()
        .filter_map(|c| {
            let m = c.method.to_string();
            route_of(&routes, &m, &c.path).map(|t| (m, t))
        })
        .collect();
    routes
        .iter()
        .filter(|(m, t)| !covered.contains(&(m.to_string(), t.as_str())))
        .map(|(m, t)| format!("{m} {t}"))
        .collect()
}

/// Goals for the matrix: the member's own (metric and manual), a private goal of a rep in
/// another team, and the organisation's goal.
struct GoalFixture {
    member: uuid::Uuid,
    own: uuid::Uuid,
    manual: uuid::Uuid,
    private_other: uuid::Uuid,
    org: uuid::Uuid,
}

impl GoalFixture {
    async fn new(db: &keel_db::Db, demo: &Demo) -> GoalFixture {
        use keel_db::goals::{GoalInput, Measure, Owner, Rule, Visibility, current_period};
        let admin = keel_db::visibility::Actor {
            id: id_of(db, &demo.admin).await,
            role: keel_domain::roles::Role::Admin,
            is_hr: true,
        };
        let member = id_of(db, &demo.member).await;
        let other = id_of(db, &demo.other_rep).await;
        let period = current_period(
            keel_domain::periods::PeriodKind::Quarter,
            keel_domain::time::now().org_day(),
        );
        let goal = |owner, title: &str, measure, visibility| GoalInput {
            owner,
            parent_id: None,
            contributors: Vec::new(),
            title: title.into(),
            description: String::new(),
            measure,
            start: 0,
            target: 10,
            direction: keel_domain::goals::Direction::Increase,
            weight: 1,
            rule: Rule::Own,
            period,
            due: period.end,
            visibility,
        };
        let won = Measure::Metric(keel_domain::metrics::Metric::WonRevenue);
        let create = async |g: GoalInput| db.create_goal(&admin, &g).await.unwrap();
        GoalFixture {
            member,
            own: create(goal(
                Owner::Person(member),
                "周杰的赢单目标",
                won,
                Visibility::Public,
            ))
            .await,
            manual: create(goal(
                Owner::Person(member),
                "周杰的方案目标",
                Measure::Number,
                Visibility::Public,
            ))
            .await,
            private_other: create(goal(
                Owner::Person(other),
                "陈晨的私密目标",
                won,
                Visibility::Private,
            ))
            .await,
            org: create(goal(Owner::Org, "全公司赢单目标", won, Visibility::Public)).await,
        }
    }
}

fn goal_cases(g: &GoalFixture) -> Vec<Case> {
    let all = [Login, Allowed, Allowed, Allowed, Allowed];
    let top = [Login, Denied, Denied, Allowed, Allowed];
    let hidden = [Login, Hidden, Hidden, Allowed, Allowed];
    let nowhere = [Login, Hidden, Hidden, Hidden, Hidden];
    let (own, manual, private, org) = (g.own, g.manual, g.private_other, g.org);
    let unknown = uuid::Uuid::now_v7();
    let quarter = keel_db::goals::current_period(
        keel_domain::periods::PeriodKind::Quarter,
        keel_domain::time::now().org_day(),
    );
    let form = |owner: String, title: &str| {
        Body::Form(vec![
            ("title", title.to_owned()),
            ("owner", owner),
            ("measure", "metric:calls".into()),
            ("target", "100".into()),
            ("period", quarter.label()),
            ("due", quarter.end.to_string()),
            ("reason", "季度调整".into()),
        ])
    };
    vec![
        case(Method::GET, "/goals", Body::None, all),
        case(Method::GET, "/goals/tree", Body::None, all),
        case(
            Method::GET,
            format!("/goals/tree?scope=person:{}", g.member),
            Body::None,
            all,
        ),
        case(
            Method::GET,
            "/goals/tree?scope=bogus",
            Body::None,
            [Login, Refused, Refused, Refused, Refused],
        ),
        case(Method::GET, "/goals/new", Body::None, all),
        case(
            Method::POST,
            "/goals/smart",
            Body::Form(vec![
                ("title", "本季度电话跟进".into()),
                ("measure", "metric:calls".into()),
            ]),
            all,
        ),
        case(
            Method::POST,
            "/goals/settings",
            Body::Form(vec![]),
            [Login, Denied, Denied, Denied, Allowed],
        ),
        case(
            Method::POST,
            "/goals",
            form(format!("person:{}", g.member), "本季度电话跟进一百次"),
            all,
        ),
        case(
            Method::POST,
            "/goals",
            form("org".into(), "全公司电话跟进一万次"),
            top,
        ),
        case(Method::GET, format!("/goals/{own}"), Body::None, all),
        case(Method::GET, format!("/goals/{private}"), Body::None, hidden),
        case(
            Method::GET,
            format!("/goals/{unknown}"),
            Body::None,
            nowhere,
        ),
        case(Method::GET, "/goals/not-an-id", Body::None, nowhere),
        case(Method::GET, format!("/goals/{own}/edit"), Body::None, all),
        case(Method::GET, format!("/goals/{org}/edit"), Body::None, top),
        case(
            Method::GET,
            format!("/goals/{private}/edit"),
            Body::None,
            hidden,
        ),
        case(
            Method::POST,
            format!("/goals/{org}"),
            form("org".into(), "全公司赢单目标"),
            top,
        ),
        case(
            Method::POST,
            format!("/goals/{private}"),
            form("org".into(), "改掉私密目标"),
            hidden,
        ),
        case(
            Method::POST,
            format!("/goals/{manual}/value"),
            Body::Form(vec![("value", "3".into())]),
            all,
        ),
        // A metric goal's value is measured, not entered: refused once it is visible at all.
        case(
            Method::POST,
            format!("/goals/{private}/value"),
            Body::Form(vec![("value", "3".into())]),
            [Login, Hidden, Hidden, Refused, Refused],
        ),
        case(
            Method::POST,
            format!("/goals/{own}/status"),
            Body::Form(vec![
                ("status", "at_risk".into()),
                ("reason", "客户推迟".into()),
            ]),
            all,
        ),
        case(
            Method::POST,
            format!("/goals/{org}/status"),
            Body::Form(vec![
                ("status", "at_risk".into()),
                ("reason", "市场变化".into()),
            ]),
            top,
        ),
        case(Method::GET, "/api/v1/goals", Body::None, all),
        case(
            Method::GET,
            "/api/v1/goals?owner=bogus",
            Body::None,
            [Login, Refused, Refused, Refused, Refused],
        ),
        case(
            Method::POST,
            "/api/v1/goals",
            Body::Json(
                serde_json::json!({"title": "本季度拜访客户三十次", "measure": "metric:visits", "target": 30}),
            ),
            all,
        ),
        case(
            Method::POST,
            "/api/v1/goals",
            Body::Json(
                serde_json::json!({"title": "全公司拜访客户一千次", "owner": "org", "measure": "metric:visits", "target": 1000}),
            ),
            top,
        ),
        case(Method::GET, format!("/api/v1/goals/{own}"), Body::None, all),
        case(
            Method::GET,
            format!("/api/v1/goals/{private}"),
            Body::None,
            hidden,
        ),
        case(
            Method::GET,
            format!("/api/v1/goals/{unknown}"),
            Body::None,
            nowhere,
        ),
        case(
            Method::PATCH,
            format!("/api/v1/goals/{org}"),
            Body::Json(serde_json::json!({"description": "全公司"})),
            top,
        ),
        case(
            Method::PATCH,
            format!("/api/v1/goals/{private}"),
            Body::Json(serde_json::json!({"description": "改"})),
            hidden,
        ),
        case(
            Method::PATCH,
            format!("/api/v1/goals/{own}"),
            Body::Json(serde_json::json!({"target": 20})),
            [Login, Refused, Refused, Refused, Refused],
        ),
        case(
            Method::GET,
            format!("/api/v1/goals/{own}/history"),
            Body::None,
            all,
        ),
        case(
            Method::GET,
            format!("/api/v1/goals/{private}/history"),
            Body::None,
            hidden,
        ),
        case(
            Method::POST,
            format!("/api/v1/goals/{manual}/value"),
            Body::Json(serde_json::json!({"value": 4})),
            all,
        ),
        case(
            Method::POST,
            format!("/api/v1/goals/{own}/value"),
            Body::Json(serde_json::json!({"value": 4})),
            [Login, Refused, Refused, Refused, Refused],
        ),
        case(
            Method::POST,
            format!("/api/v1/goals/{private}/value"),
            Body::Json(serde_json::json!({"value": 4})),
            [Login, Hidden, Hidden, Refused, Refused],
        ),
    ]
}

/// Check-ins for the matrix, from last week so that this week's submissions stay open: the
/// member's, and one of a rep in another team, each with an open flag.
struct CheckinFixture {
    team: uuid::Uuid,
    other_team: uuid::Uuid,
    own: uuid::Uuid,
    other: uuid::Uuid,
    own_flag: uuid::Uuid,
    other_flag: uuid::Uuid,
}

impl CheckinFixture {
    async fn new(db: &keel_db::Db, demo: &Demo) -> CheckinFixture {
        use keel_db::checkins::team::{CheckinSeed, FlagSeed};
        use keel_domain::checkins::{Cadence, Schedule};
        let admin = id_of(db, &demo.admin).await;
        let member = id_of(db, &demo.member).await;
        let other = id_of(db, &demo.other_rep).await;
        let s = Schedule::default();
        let cycle = s.previous(&s.cycle(keel_domain::time::now().org_day()));
        let seed = |person| CheckinSeed {
            id: uuid::Uuid::now_v7(),
            person,
            cadence: Cadence::Weekly,
            cycle,
            confidence: 6,
            mood: 3,
            progress: "拜访客户".into(),
            plans: String::new(),
            problems: String::new(),
            blockers: String::new(),
            submitted_at: keel_domain::time::now(),
            reviewed: None,
            items: Vec::new(),
            comments: Vec::new(),
            reactions: Vec::new(),
            flags: vec![FlagSeed {
                id: uuid::Uuid::now_v7(),
                by: admin,
                note: "跟进".into(),
                at: keel_domain::time::now(),
            }],
        };
        let seeds = vec![seed(member), seed(other)];
        let fx = CheckinFixture {
            team: db.team_of(member).await.unwrap().unwrap(),
            other_team: db.team_of(other).await.unwrap().unwrap(),
            own: seeds[0].id,
            other: seeds[1].id,
            own_flag: seeds[0].flags[0].id,
            other_flag: seeds[1].flags[0].id,
        };
        db.insert_checkin_seed(admin, &seeds).await.unwrap();
        fx
    }
}

fn checkin_cases(c: &CheckinFixture, g: &GoalFixture) -> Vec<Case> {
    let all = [Login, Allowed, Allowed, Allowed, Allowed];
    let above = [Login, Denied, Allowed, Allowed, Allowed];
    let top = [Login, Denied, Denied, Allowed, Allowed];
    let hidden = [Login, Hidden, Hidden, Allowed, Allowed];
    let nowhere = [Login, Hidden, Hidden, Hidden, Hidden];
    let (own, other) = (c.own, c.other);
    let unknown = uuid::Uuid::now_v7();
    let form = |pairs: &[(&'static str, &str)]| {
        Body::Form(pairs.iter().map(|(k, v)| (*k, (*v).to_owned())).collect())
    };
    let json = |v: serde_json::Value| Body::Json(v);
    vec![
        case(Method::GET, "/checkins", Body::None, all),
        case(
            Method::POST,
            "/checkins",
            form(&[("confidence", "7"), ("mood", "4"), ("progress", "本周进展")]),
            all,
        ),
        case(Method::GET, "/checkins/team", Body::None, all),
        case(
            Method::GET,
            format!("/checkins/team?team={}", c.team),
            Body::None,
            above,
        ),
        case(
            Method::GET,
            format!("/checkins/team?team={}", c.other_team),
            Body::None,
            top,
        ),
        case(
            Method::GET,
            format!("/checkins/team?team={}&cycle=bogus", c.team),
            Body::None,
            [Login, Denied, Refused, Refused, Refused],
        ),
        case(
            Method::POST,
            "/checkins/team/settings",
            form(&[
                ("team", &c.team.to_string()),
                ("cadence", "weekly"),
                ("weekday", "5"),
            ]),
            above,
        ),
        case(
            Method::POST,
            "/checkins/team/settings",
            form(&[
                ("team", &c.other_team.to_string()),
                ("cadence", "weekly"),
                ("weekday", "5"),
            ]),
            top,
        ),
        case(Method::GET, format!("/checkins/{own}"), Body::None, all),
        case(
            Method::GET,
            format!("/checkins/{other}"),
            Body::None,
            hidden,
        ),
        case(
            Method::GET,
            format!("/checkins/{unknown}"),
            Body::None,
            nowhere,
        ),
        case(Method::GET, "/checkins/not-an-id", Body::None, nowhere),
        case(
            Method::POST,
            format!("/checkins/{own}/comments"),
            form(&[("body", "看到了")]),
            all,
        ),
        case(
            Method::POST,
            format!("/checkins/{other}/comments"),
            form(&[("body", "看到了")]),
            hidden,
        ),
        case(
            Method::POST,
            format!("/checkins/{own}/comments"),
            form(&[("body", "  ")]),
            [Login, Refused, Refused, Refused, Refused],
        ),
        case(
            Method::POST,
            format!("/checkins/{own}/reactions"),
            form(&[("reaction", "thumbs_up")]),
            above,
        ),
        case(
            Method::POST,
            format!("/checkins/{other}/reactions"),
            form(&[("reaction", "thumbs_up")]),
            hidden,
        ),
        case(
            Method::POST,
            format!("/checkins/{own}/flags"),
            form(&[("note", "下周一对一"), ("item", "")]),
            above,
        ),
        case(
            Method::POST,
            format!("/checkins/{other}/flags"),
            form(&[("note", "下周一对一"), ("item", "")]),
            hidden,
        ),
        case(
            Method::POST,
            format!("/checkins/{own}/review"),
            Body::None,
            above,
        ),
        case(
            Method::POST,
            format!("/checkins/{other}/review"),
            Body::None,
            hidden,
        ),
        case(
            Method::POST,
            format!("/checkins/flags/{}/resolve", c.own_flag),
            Body::None,
            above,
        ),
        case(
            Method::POST,
            format!("/checkins/flags/{}/resolve", c.other_flag),
            Body::None,
            hidden,
        ),
        case(Method::GET, "/api/v1/checkins", Body::None, all),
        case(
            Method::GET,
            format!(
                "/api/v1/checkins?cycle={}",
                keel_domain::time::now().org_day()
            ),
            Body::None,
            all,
        ),
        case(
            Method::POST,
            "/api/v1/checkins",
            json(serde_json::json!({"confidence": 6, "mood": 4})),
            all,
        ),
        case(
            Method::POST,
            "/api/v1/checkins",
            json(serde_json::json!({"confidence": 0, "mood": 4})),
            [Login, Refused, Refused, Refused, Refused],
        ),
        case(
            Method::GET,
            format!("/api/v1/checkins/{own}"),
            Body::None,
            all,
        ),
        case(
            Method::GET,
            format!("/api/v1/checkins/{other}"),
            Body::None,
            hidden,
        ),
        case(
            Method::GET,
            format!("/api/v1/checkins/{unknown}"),
            Body::None,
            nowhere,
        ),
        case(
            Method::POST,
            format!("/api/v1/checkins/{own}/comments"),
            json(serde_json::json!({"body": "看到了"})),
            all,
        ),
        case(
            Method::POST,
            format!("/api/v1/checkins/{other}/comments"),
            json(serde_json::json!({"body": "看到了"})),
            hidden,
        ),
        case(
            Method::POST,
            format!("/api/v1/checkins/{own}/reactions"),
            json(serde_json::json!({"reaction": "party"})),
            above,
        ),
        case(
            Method::POST,
            format!("/api/v1/checkins/{other}/reactions"),
            json(serde_json::json!({"reaction": "party"})),
            hidden,
        ),
        case(
            Method::GET,
            format!("/api/v1/goals/{}/checkins", g.own),
            Body::None,
            all,
        ),
        case(
            Method::GET,
            format!("/api/v1/goals/{}/checkins", g.private_other),
            Body::None,
            hidden,
        ),
    ]
}
