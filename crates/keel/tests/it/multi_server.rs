//! Several keel servers against one PostgreSQL behave as one system: nothing that matters
//! lives in a process.

use crate::harness::{TestDb, TestServer, body, client, set_up};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_servers_share_writes_and_sessions() {
    let Some(t) = TestDb::postgres().await else {
        return;
    };
    let a = TestServer::start(&t).await;
    let b = TestServer::start(&t).await;
    assert_ne!(a.base, b.base);

    // Both start in first-run mode; set-up through A ends it on B.
    let anon = client();
    assert_eq!(
        anon.get(b.url("/")).send().await.unwrap().headers()["location"],
        "/setup"
    );
    let c = client();
    set_up(&a, &c, "Shared Org").await;
    assert_eq!(
        anon.get(b.url("/")).send().await.unwrap().headers()["location"],
        "/login"
    );
    let page = body(anon.get(b.url("/login")).send().await.unwrap()).await;
    assert!(page.contains("Shared Org"), "B reads what A wrote: {page}");

    // The session created through A is honoured by B (the client carries the same cookie to
    // both hosts' ports; cookies are per host, not per port).
    let page = body(c.get(b.url("/")).send().await.unwrap()).await;
    assert!(page.contains("Welcome, Ada Admin"), "{page}");
    // Logging out through B ends it on A too.
    c.post(b.url("/logout")).send().await.unwrap();
    assert_eq!(
        c.get(a.url("/")).send().await.unwrap().headers()["location"],
        "/login"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_setup_on_two_servers_creates_one_organisation() {
    let Some(t) = TestDb::postgres().await else {
        return;
    };
    let a = TestServer::start(&t).await;
    let b = TestServer::start(&t).await;
    let post = |s: &TestServer, org: &'static str, email: &'static str| {
        let url = s.url("/setup");
        async move {
            client()
                .post(url)
                .form(&[
                    ("organisation", org),
                    ("name", "N"),
                    ("email", email),
                    ("password", "0123456789ab"),
                ])
                .send()
                .await
                .unwrap()
                .status()
        }
    };
    let (ra, rb) = tokio::join!(post(&a, "Org A", "a@a.io"), post(&b, "Org B", "b@b.io"));
    assert_eq!(
        (ra.as_u16(), rb.as_u16()),
        (303, 303),
        "the loser is sent to log in"
    );
    let people: i64 = keel_db::with_pool!(&t.db, p => sqlx::query_scalar("SELECT COUNT(*) FROM people")
        .fetch_one(p).await.unwrap());
    assert_eq!(
        people, 1,
        "exactly one first admin, no half-made second organisation"
    );
}

/// Two servers whose clocks differ: one ran ahead and left an audit entry "from the future".
/// The dashboard used the newest audit id as the data version, so a later write through the
/// other server (with a smaller id) left the version unchanged and a stale dashboard was
/// served with 304 until the next write. The data version every commit raises cannot be
/// fooled by clocks.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_write_on_a_server_with_a_slower_clock_still_refreshes_the_dashboard() {
    use crate::harness::{id_of, load_demo};
    use serde_json::Value;

    let Some(t) = TestDb::postgres().await else {
        return;
    };
    load_demo(&t.db).await;
    let a = TestServer::start(&t).await;
    let b = TestServer::start(&t).await;
    let director = id_of(&t.db, "chen.jing@yunfan.example").await;
    let (_, secret) = keel_web::issue_token(&t.db, director, "version test")
        .await
        .unwrap();
    let bearer = format!("Bearer {secret}");
    let visits = |v: &Value| {
        v["tiles"]
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["metric"] == "visits")
            .unwrap()["value"]
            .as_i64()
            .unwrap()
    };

    // The server whose clock is an hour ahead wrote something.
    let ahead = uuid::Builder::from_unix_timestamp_millis(
        (chrono::Utc::now() + chrono::TimeDelta::hours(1)).timestamp_millis() as u64,
        &[7; 10],
    )
    .into_uuid();
    keel_db::with_pool!(&t.db, p => sqlx::query(
        "INSERT INTO audit_log (id, actor_id, action, entity, entity_id, summary, at) \
         VALUES ($1, NULL, 'update', 'organisation', NULL, '', $2)")
        .bind(ahead)
        .bind(chrono::Utc::now())
        .execute(p).await.map(drop).unwrap());
    keel_db::with_pool!(&t.db, p => sqlx::query(
        "UPDATE data_version SET version = version + 1")
        .execute(p).await.map(drop).unwrap());

    let path = "/api/v1/dashboard?scope=org&period=this_month";
    let res = client()
        .get(a.url(path))
        .header("authorization", &bearer)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let tag = res.headers()["etag"].to_str().unwrap().to_owned();
    let before = visits(&res.json().await.unwrap());

    // A visit logged through B now gets an audit id older than the one from the future.
    let rep = id_of(&t.db, "zhou.jie@yunfan.example").await;
    let (_, rep_secret) = keel_web::issue_token(&t.db, rep, "phone").await.unwrap();
    let res = client()
        .post(b.url("/api/v1/activities"))
        .header("authorization", format!("Bearer {rep_secret}"))
        .json(&serde_json::json!({
            "kind": "visit", "subject": "拜访客户",
            "at": chrono::Utc::now().to_rfc3339(),
        }))
        .send()
        .await
        .unwrap();
    assert!(res.status().is_success(), "{}", body(res).await);
    let newest: uuid::Uuid = keel_db::with_pool!(&t.db, p => sqlx::query_scalar(
        "SELECT id FROM audit_log ORDER BY id DESC LIMIT 1").fetch_one(p).await.unwrap());
    assert_eq!(
        newest, ahead,
        "the visit's audit id sorts before the clock-ahead entry"
    );

    // A asks again with its ETag: not 304, and the visit is counted.
    let res = client()
        .get(a.url(path))
        .header("authorization", &bearer)
        .header("if-none-match", &tag)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200, "a stale dashboard would answer 304 here");
    assert_ne!(res.headers()["etag"].to_str().unwrap(), tag);
    assert_eq!(visits(&res.json().await.unwrap()), before + 1);
}
