//! The server over HTTP on both backends: first run, login and sessions, language, health,
//! metrics, and bad requests.

use crate::harness::{ADMIN_EMAIL, ADMIN_PASSWORD, TestDb, TestServer, body, client, set_up};
use keel_db::with_pool;
use std::time::Duration;

db_test!(
    async fn first_run_leads_to_setup_then_home(t: TestDb) {
        let s = TestServer::start(&t).await;
        let c = client();
        let res = c.get(s.url("/")).send().await.unwrap();
        assert_eq!(res.status(), 303);
        assert_eq!(res.headers()["location"], "/setup");
        let res = c.get(s.url("/login")).send().await.unwrap();
        assert_eq!(
            res.headers()["location"],
            "/setup",
            "no login before set-up"
        );

        // Missing and invalid fields come back with localized messages and nothing saved.
        let res = c
            .post(s.url("/setup"))
            .header("accept-language", "en")
            .form(&[
                ("organisation", ""),
                ("name", "Ada"),
                ("email", "not-an-email"),
                ("password", "short"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 422);
        let page = body(res).await;
        assert!(page.contains("This field is required."), "{page}");
        assert!(page.contains("Enter a valid e-mail address."));
        assert!(page.contains("at least 10 characters"));
        assert!(t.db.is_first_run().await.unwrap());

        set_up(&s, &c, "Acme 销售").await;
        let page = body(c.get(s.url("/")).send().await.unwrap()).await;
        assert!(page.contains("Welcome, Ada Admin"), "{page}");
        assert!(page.contains("Acme 销售"));
        assert!(page.contains("Administrator"));
        // Set-up is gone for good.
        let res = c.get(s.url("/setup")).send().await.unwrap();
        assert_eq!(res.headers()["location"], "/login");
        let other = client();
        let res = other
            .post(s.url("/setup"))
            .form(&[
                ("organisation", "Evil"),
                ("name", "E"),
                ("email", "e@x.io"),
                ("password", "0123456789ab"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(res.headers()["location"], "/login");
        assert_eq!(
            t.db.organisation_name().await.unwrap().as_deref(),
            Some("Acme 销售")
        );
        // The set-up left an audit record.
        let audits: i64 = with_pool!(&t.db, p => sqlx::query_scalar(
            "SELECT COUNT(*) FROM audit_log WHERE entity = 'organisation' AND action = 'create'")
            .fetch_one(p).await.unwrap());
        assert_eq!(audits, 1);
    }
);

async fn login(
    s: &TestServer,
    c: &reqwest::Client,
    email: &str,
    password: &str,
) -> reqwest::Response {
    c.post(s.url("/login"))
        .form(&[("email", email), ("password", password)])
        .send()
        .await
        .unwrap()
}

fn session_cookie(res: &reqwest::Response) -> Option<String> {
    res.headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("keel_session="))
        .map(|v| {
            v.split(';')
                .next()
                .unwrap()
                .trim_start_matches("keel_session=")
                .to_owned()
        })
}

db_test!(
    async fn login_rotates_the_session_and_logout_ends_it(t: TestDb) {
        let s = TestServer::start(&t).await;
        let c = client();
        set_up(&s, &c, "Acme").await;
        let cookie = c.post(s.url("/logout")).send().await.unwrap();
        assert_eq!(cookie.headers()["location"], "/login?bye=1");
        assert_eq!(
            c.get(s.url("/")).send().await.unwrap().headers()["location"],
            "/login"
        );

        // Wrong password and unknown account get the same answer.
        let wrong = login(&s, &c, ADMIN_EMAIL, "wrong password!").await;
        assert_eq!(wrong.status(), 401);
        let wrong_page = body(wrong).await;
        let unknown = body(login(&s, &c, "nobody@example.com", "wrong password!").await).await;
        assert!(
            wrong_page.contains("E-mail or password is not correct."),
            "{wrong_page}"
        );
        assert!(unknown.contains("E-mail or password is not correct."));

        // An attacker plants a session id; login must not adopt it (fixation).
        let planted = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
        let victim = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        let res = victim
            .post(s.url("/login"))
            .header("cookie", format!("keel_session={planted}"))
            .form(&[("email", ADMIN_EMAIL), ("password", ADMIN_PASSWORD)])
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 303);
        assert_ne!(
            session_cookie(&res).as_deref(),
            Some(planted),
            "a new id is issued"
        );
        let res = victim
            .get(s.url("/"))
            .header("cookie", format!("keel_session={planted}"))
            .send()
            .await
            .unwrap();
        assert_eq!(
            res.headers()["location"],
            "/login",
            "the planted id never becomes a session"
        );
        let first = login(&s, &c, ADMIN_EMAIL, ADMIN_PASSWORD).await;
        assert_eq!(first.status(), 303);
        let a = session_cookie(&first).expect("session cookie");
        let set = first.headers()["set-cookie"].to_str().unwrap().to_owned();
        assert!(
            set.contains("HttpOnly") && set.contains("SameSite=Lax"),
            "{set}"
        );
        let second = login(&s, &c, ADMIN_EMAIL.to_uppercase().as_str(), ADMIN_PASSWORD).await;
        let b = session_cookie(&second).expect("session cookie");
        assert_ne!(a, b, "each login issues a new session id");

        // The old id is dead: a client replaying it is treated as signed out.
        let replay = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        let res = replay
            .get(s.url("/"))
            .header("cookie", format!("keel_session={a}"))
            .send()
            .await
            .unwrap();
        assert_eq!(res.headers()["location"], "/login");
        let res = replay
            .get(s.url("/"))
            .header("cookie", format!("keel_session={b}"))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200);

        // Logout kills the session everywhere, including for a thief who copied it.
        c.post(s.url("/logout")).send().await.unwrap();
        let res = replay
            .get(s.url("/"))
            .header("cookie", format!("keel_session={b}"))
            .send()
            .await
            .unwrap();
        assert_eq!(res.headers()["location"], "/login");
    }
);

db_test!(
    async fn sessions_expire_when_idle_or_old_and_with_deactivation(t: TestDb) {
        let mut cfg = keel_web::Config::for_database(t.config());
        cfg.session_idle = Duration::from_secs(1);
        let s = TestServer::start_with(cfg).await;
        let c = client();
        set_up(&s, &c, "Acme").await;
        assert_eq!(c.get(s.url("/")).send().await.unwrap().status(), 200);
        tokio::time::sleep(Duration::from_millis(1300)).await;
        assert_eq!(
            c.get(s.url("/")).send().await.unwrap().headers()["location"],
            "/login",
            "idle expiry"
        );

        let mut cfg = keel_web::Config::for_database(t.config());
        cfg.session_absolute = Duration::from_secs(1);
        let s = TestServer::start_with(cfg).await;
        let c = client();
        assert_eq!(
            login(&s, &c, ADMIN_EMAIL, ADMIN_PASSWORD).await.status(),
            303
        );
        assert_eq!(c.get(s.url("/")).send().await.unwrap().status(), 200);
        tokio::time::sleep(Duration::from_millis(1300)).await;
        assert_eq!(
            c.get(s.url("/")).send().await.unwrap().headers()["location"],
            "/login",
            "absolute expiry"
        );

        // A deactivated person is signed out at once and cannot sign in.
        let s = TestServer::start(&t).await;
        let c = client();
        assert_eq!(
            login(&s, &c, ADMIN_EMAIL, ADMIN_PASSWORD).await.status(),
            303
        );
        with_pool!(&t.db, p => sqlx::query("UPDATE people SET active = FALSE").execute(p).await.map(|_| ()).unwrap());
        assert_eq!(
            c.get(s.url("/")).send().await.unwrap().headers()["location"],
            "/login"
        );
        assert_eq!(
            login(&s, &c, ADMIN_EMAIL, ADMIN_PASSWORD).await.status(),
            401
        );
    }
);

db_test!(
    async fn failed_logins_are_throttled_per_account(t: TestDb) {
        let s = TestServer::start(&t).await;
        let c = client();
        set_up(&s, &c, "Acme").await;
        for _ in 0..5 {
            assert_eq!(
                login(&s, &c, ADMIN_EMAIL, "guess guess guess")
                    .await
                    .status(),
                401
            );
        }
        // Even the right password is refused while the account is throttled.
        let res = login(&s, &c, ADMIN_EMAIL, ADMIN_PASSWORD).await;
        assert_eq!(res.status(), 429);
        assert!(res.headers().contains_key("retry-after"));
        // The counters are rows in the database: a second server sees them too.
        let other = TestServer::start(&t).await;
        assert_eq!(
            login(&other, &client(), ADMIN_EMAIL, ADMIN_PASSWORD)
                .await
                .status(),
            429
        );

        // Guesses sent all at once cannot slip under the limit: attempts are counted before
        // the password is checked.
        let target = "parallel@example.com";
        let guesses = (0..12).map(|i| {
            let url = s.url("/login");
            async move {
                let form = [
                    ("email", target.to_owned()),
                    ("password", format!("guess {i}")),
                ];
                client()
                    .post(url)
                    .form(&form)
                    .send()
                    .await
                    .unwrap()
                    .status()
                    .as_u16()
            }
        });
        let statuses = futures_join_all(guesses).await;
        assert_eq!(
            statuses.iter().filter(|s| **s == 401).count(),
            5,
            "{statuses:?}"
        );
        assert_eq!(
            statuses.iter().filter(|s| **s == 429).count(),
            7,
            "{statuses:?}"
        );
    }
);

db_test!(
    async fn language_follows_choice_then_header(t: TestDb) {
        let s = TestServer::start(&t).await;
        let c = crate::harness::client_speaking(None);
        // No preference: Chinese, the organisation's default language.
        let page = body(c.get(s.url("/setup")).send().await.unwrap()).await;
        assert!(
            page.contains("lang=\"zh-CN\"") && page.contains("初始化 keel"),
            "{page}"
        );
        let page = body(
            c.get(s.url("/setup"))
                .header("accept-language", "en-GB,en;q=0.8")
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert!(page.contains("Set up keel"));
        // An explicit switch wins over the header and survives to the next page.
        let res = c
            .post(s.url("/lang"))
            .form(&[("locale", "zh-CN"), ("back", "/setup")])
            .send()
            .await
            .unwrap();
        assert_eq!(res.headers()["location"], "/setup");
        let page = body(
            c.get(s.url("/setup"))
                .header("accept-language", "en")
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert!(page.contains("初始化 keel"));
        // The switch never redirects off-site.
        let res = c
            .post(s.url("/lang"))
            .form(&[("locale", "en"), ("back", "//evil.example/")])
            .send()
            .await
            .unwrap();
        assert_eq!(res.headers()["location"], "/");
        // Signed in, the choice is stored with the person.
        set_up(&s, &c, "Acme").await;
        c.post(s.url("/lang"))
            .form(&[("locale", "zh-CN"), ("back", "/")])
            .send()
            .await
            .unwrap();
        let locale: Option<String> = with_pool!(&t.db, p => sqlx::query_scalar("SELECT locale FROM people")
            .fetch_one(p).await.unwrap());
        assert_eq!(locale.as_deref(), Some("zh-CN"));
        let page = body(c.get(s.url("/")).send().await.unwrap()).await;
        assert!(page.contains("欢迎，Ada Admin"), "{page}");
    }
);

db_test!(
    async fn health_reports_the_database_and_503_when_it_is_gone(t: TestDb) {
        let s = TestServer::start(&t).await;
        let res = client().get(s.url("/healthz")).send().await.unwrap();
        assert_eq!(res.status(), 200);
        let v: serde_json::Value = res.json().await.unwrap();
        assert_eq!(v["database"]["status"], "up");
        assert_eq!(v["database"]["backend"], t.db.backend().name());

        // The database goes away: a server whose pool is closed is as good as disconnected.
        let cfg = keel_web::Config::for_database(t.config());
        let app = keel_web::App::build(cfg).await.unwrap();
        app.db().close().await;
        let base = format!("http://{}", app.local_addr());
        tokio::spawn(app.run(std::future::pending()));
        let res = client()
            .get(format!("{base}/healthz"))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 503);
        let v: serde_json::Value = res.json().await.unwrap();
        assert_eq!(v["database"]["status"], "down");
        // Pages answer with a localized 503, not a crash.
        let res = client()
            .get(format!("{base}/"))
            .header("accept-language", "en")
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 503);
        assert!(
            body(res)
                .await
                .contains("The database cannot be reached right now")
        );
    }
);

db_test!(
    async fn metrics_count_requests_by_route(t: TestDb) {
        let s = TestServer::start(&t).await;
        let c = client();
        for _ in 0..3 {
            c.get(s.url("/healthz")).send().await.unwrap();
        }
        c.get(s.url("/static/does-not-exist.js"))
            .send()
            .await
            .unwrap();
        let text = body(c.get(s.url("/metrics")).send().await.unwrap()).await;
        assert!(
            text.contains(
                "keel_http_requests_total{route=\"/healthz\",method=\"GET\",status=\"200\"} 3"
            ),
            "{text}"
        );
        // Route patterns, not raw paths, label the series.
        assert!(
            text.contains("route=\"/static/{file}\",method=\"GET\",status=\"404\""),
            "{text}"
        );
        assert!(text.contains("keel_http_request_duration_seconds_count{route=\"/healthz\""));
        assert!(text.contains("keel_db_pool_max_connections 4"));
    }
);

db_test!(
    async fn bad_requests_get_clear_answers_and_change_nothing(t: TestDb) {
        let mut cfg = keel_web::Config::for_database(t.config());
        cfg.body_limit = 64 * 1024;
        let s = TestServer::start_with(cfg).await;
        let c = client();
        // Over the body limit: 413, localized.
        let big = "x".repeat(100 * 1024);
        // The server answers 413 without reading the rest of the body and closes; the
        // kernel may then reset the connection before the client reads the answer. That race
        // is the network's, not keel's, so try a few times.
        let mut res = None;
        for _ in 0..5 {
            // A client of its own: the server closes this connection after answering.
            let sent = client()
                .post(s.url("/setup"))
                .header("content-type", "application/x-www-form-urlencoded")
                .body(format!("organisation={big}"))
                .send()
                .await;
            if let Ok(r) = sent {
                res = Some(r);
                break;
            }
        }
        let res = res.expect("a 413 answer");
        assert_eq!(res.status(), 413);
        assert!(body(res).await.contains("The request is too large."));
        // A form that is not a form.
        let res = c
            .post(s.url("/setup"))
            .header("content-type", "application/json")
            .body("{\"organisation\": 1}")
            .send()
            .await
            .unwrap();
        assert!(res.status().is_client_error());
        // A cross-site write is refused before it reaches a handler.
        let res = c
            .post(s.url("/setup"))
            .header("sec-fetch-site", "cross-site")
            .form(&[
                ("organisation", "X"),
                ("name", "X"),
                ("email", "x@x.io"),
                ("password", "0123456789ab"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 403);
        let res = c
            .post(s.url("/login"))
            .header("origin", "http://evil.example")
            .form(&[("email", "x@x.io"), ("password", "x")])
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 403);
        assert!(t.db.is_first_run().await.unwrap(), "nothing was created");
        // Unknown pages: 404 page; unknown API paths: JSON with a stable code.
        let res = c.get(s.url("/no/such/page")).send().await.unwrap();
        assert_eq!(res.status(), 404);
        let res = c.get(s.url("/api/v1/nothing-here")).send().await.unwrap();
        assert_eq!(res.status(), 404);
        let v: serde_json::Value = res.json().await.unwrap();
        assert_eq!(v["error"]["code"], "not_found");

        // Markup and SQL in names are stored as text and shown escaped.
        let evil = "<script>alert('x')</script>' OR 1=1; --";
        let res = c
            .post(s.url("/setup"))
            .form(&[
                ("organisation", evil),
                ("name", "\"Quote\" <b>"),
                ("email", "a@b.io"),
                ("password", "0123456789ab"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 303);
        let page = body(c.get(s.url("/")).send().await.unwrap()).await;
        assert!(!page.contains("<script>alert"), "unescaped: {page}");
        assert!(
            page.contains("&#60;script&#62;") || page.contains("&lt;script&gt;"),
            "{page}"
        );
        assert_eq!(
            t.db.organisation_name().await.unwrap().as_deref(),
            Some(evil)
        );
    }
);

#[tokio::test]
async fn static_assets_are_served_with_long_caching() {
    let t = TestDb::sqlite().await;
    let s = TestServer::start(&t).await;
    let page = body(client().get(s.url("/setup")).send().await.unwrap()).await;
    let css = page
        .split("href=\"/static/")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_owned();
    let res = client()
        .get(s.url(&format!("/static/{css}")))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert!(
        res.headers()["cache-control"]
            .to_str()
            .unwrap()
            .contains("immutable")
    );
    let res = client()
        .get(s.url("/static/htmx-2.0.11.min.js"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert!(body(res).await.contains("htmx"));
}

/// Runs the futures concurrently and collects their outputs in order.
async fn futures_join_all<F: std::future::Future<Output = u16> + Send + 'static>(
    futs: impl Iterator<Item = F>,
) -> Vec<u16> {
    let handles: Vec<_> = futs.map(tokio::spawn).collect();
    let mut out = Vec::new();
    for h in handles {
        out.push(h.await.unwrap());
    }
    out
}

db_test!(
    async fn a_trusted_proxy_cannot_be_fooled_by_a_client_chosen_address(t: TestDb) {
        let mut cfg = keel_web::Config::for_database(t.config());
        cfg.trust_forwarded_for = true;
        let s = TestServer::start_with(cfg).await;
        let c = client();
        set_up(&s, &c, "Acme").await;
        // The client varies the leftmost entry; the proxy's own (rightmost) stays the same.
        let mut last = 0;
        for i in 0..31 {
            last = client()
                .post(s.url("/login"))
                .header("x-forwarded-for", format!("10.0.0.{i}, 203.0.113.7"))
                .form(&[
                    ("email", format!("nobody{i}@example.com")),
                    ("password", "x".into()),
                ])
                .send()
                .await
                .unwrap()
                .status()
                .as_u16();
        }
        assert_eq!(
            last, 429,
            "thirty-one attempts from one real address are throttled"
        );
    }
);
