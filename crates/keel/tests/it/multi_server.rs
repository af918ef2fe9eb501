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
