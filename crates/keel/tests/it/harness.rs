//! Test scaffolding: a fresh database per test on either backend, a server on port 0, an
//! HTTP client, and the rule for skipping suites whose service is missing.

use keel_db::{Db, DbConfig};
use std::io::Write;
use std::sync::OnceLock;
use std::time::Duration;
use tempfile::TempDir;

/// Declares one test per backend: `db_test!(async fn name(db: TestDb) { ... })` makes
/// `name::sqlite` and `name::postgres`.
macro_rules! db_test {
    (async fn $name:ident($db:ident: TestDb) $body:block) => {
        mod $name {
            #[allow(unused_imports)]
            use super::*;
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                let $db = $crate::harness::TestDb::sqlite().await;
                $body
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                let Some($db) = $crate::harness::TestDb::postgres().await else {
                    return;
                };
                $body
            }
        }
    };
}

/// Says once per suite, on the real stderr (not captured), that it was skipped and why.
/// Under `KEEL_TEST_REQUIRE_ALL=1` a skip is a failure.
pub fn skip(suite: &'static str, why: &str) {
    if std::env::var("KEEL_TEST_REQUIRE_ALL").is_ok_and(|v| v == "1") {
        panic!("{suite} suite required but unavailable: {why}");
    }
    static SAID: std::sync::Mutex<Vec<&'static str>> = std::sync::Mutex::new(Vec::new());
    let mut said = SAID.lock().unwrap_or_else(|p| p.into_inner());
    if !said.contains(&suite) {
        said.push(suite);
        let _ = writeln!(
            std::io::stderr(),
            "\nSKIPPED: {suite} tests, because {why}. Run ./scripts/test to include them.\n"
        );
    }
}

/// A database of its own for one test; the SQLite file or PostgreSQL database is new.
pub struct TestDb {
    pub db: Db,
    pub url: String,
    _dir: Option<TempDir>,
}

impl TestDb {
    pub async fn sqlite() -> TestDb {
        let t = TestDb::sqlite_empty().await;
        t.db.migrate().await.expect("migrate");
        t
    }

    /// A new SQLite database with no schema yet.
    pub async fn sqlite_empty() -> TestDb {
        let dir = tempfile::tempdir().expect("tempdir");
        let url = format!("sqlite://{}", dir.path().join("keel.db").display());
        let db = Db::connect(&db_config(&url)).await.expect("open sqlite");
        TestDb {
            db,
            url,
            _dir: Some(dir),
        }
    }

    /// A migrated PostgreSQL database cloned from a template, or `None` (after saying so)
    /// when no PostgreSQL is configured.
    pub async fn postgres() -> Option<TestDb> {
        let admin = pg_admin_url()?;
        let name = format!("keel_t_{}", uuid::Uuid::new_v4().simple());
        let template = pg_template(&admin).await;
        pg_admin(
            &admin,
            &format!("CREATE DATABASE {name} TEMPLATE {template}"),
        )
        .await;
        let url = with_database(&admin, &name);
        let db = Db::connect(&db_config(&url)).await.expect("open postgres");
        Some(TestDb {
            db,
            url,
            _dir: None,
        })
    }

    /// A new PostgreSQL database with no schema yet.
    pub async fn postgres_empty() -> Option<TestDb> {
        let admin = pg_admin_url()?;
        let name = format!("keel_t_{}", uuid::Uuid::new_v4().simple());
        pg_admin(&admin, &format!("CREATE DATABASE {name}")).await;
        let url = with_database(&admin, &name);
        let db = Db::connect(&db_config(&url)).await.expect("open postgres");
        Some(TestDb {
            db,
            url,
            _dir: None,
        })
    }

    pub fn config(&self) -> DbConfig {
        db_config(&self.url)
    }
}

pub fn db_config(url: &str) -> DbConfig {
    DbConfig {
        url: Some(url.to_owned()),
        data_dir: "unused".into(),
        max_connections: 4,
        connect_timeout: Duration::from_secs(5),
        bulk_load: false,
    }
}

pub fn pg_admin_url() -> Option<String> {
    match std::env::var("KEEL_TEST_PG_URL") {
        Ok(u) if !u.is_empty() => Some(u),
        _ => {
            skip("PostgreSQL", "KEEL_TEST_PG_URL is not set");
            None
        }
    }
}

/// `url` pointing at database `name` instead.
pub fn with_database(url: &str, name: &str) -> String {
    let (scheme, rest) = url.split_once("://").expect("url has a scheme");
    let (before_query, query) = match rest.split_once('?') {
        Some((a, q)) => (a, format!("?{q}")),
        None => (rest, String::new()),
    };
    let authority = before_query.split('/').next().unwrap_or("");
    format!("{scheme}://{authority}/{name}{query}")
}

async fn pg_admin(admin_url: &str, sql: &str) {
    use sqlx::Connection;
    let mut c = sqlx::PgConnection::connect(admin_url)
        .await
        .expect("connect to test PostgreSQL");
    // Serialise template creation and cloning across test processes (nextest runs each test
    // in its own process): CREATE DATABASE fails while its template is in use.
    sqlx::query("SELECT pg_advisory_lock(7341)")
        .execute(&mut c)
        .await
        .expect("lock");
    let res = sqlx::query(sqlx::AssertSqlSafe(sql.to_owned()))
        .execute(&mut c)
        .await;
    sqlx::query("SELECT pg_advisory_unlock(7341)")
        .execute(&mut c)
        .await
        .expect("unlock");
    res.unwrap_or_else(|e| panic!("{sql}: {e}"));
}

/// The name of a migrated template database for this build of the tests, made once.
async fn pg_template(admin_url: &str) -> String {
    static NAME: OnceLock<String> = OnceLock::new();
    let name = NAME
        .get_or_init(|| {
            // A new test binary (perhaps with new migrations) gets a new template.
            let exe = std::env::current_exe().expect("current exe");
            let stamp = std::fs::metadata(&exe)
                .and_then(|m| m.modified())
                .map(|t| {
                    t.duration_since(std::time::UNIX_EPOCH)
                        .unwrap_or_default()
                        .as_micros()
                })
                .unwrap_or(0);
            format!("keel_tpl_{}_{stamp}", keel_db::SCHEMA_VERSION)
        })
        .clone();
    use sqlx::Connection;
    let mut c = sqlx::PgConnection::connect(admin_url)
        .await
        .expect("connect to test PostgreSQL");
    sqlx::query("SELECT pg_advisory_lock(7341)")
        .execute(&mut c)
        .await
        .expect("lock");
    let exists: bool =
        sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)")
            .bind(&name)
            .fetch_one(&mut c)
            .await
            .expect("query pg_database");
    if !exists {
        sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
            .execute(&mut c)
            .await
            .expect("create template");
        let db = Db::connect(&db_config(&with_database(admin_url, &name)))
            .await
            .expect("open template");
        db.migrate().await.expect("migrate template");
        db.close().await;
    }
    sqlx::query("SELECT pg_advisory_unlock(7341)")
        .execute(&mut c)
        .await
        .expect("unlock");
    name
}

/// A keel server on 127.0.0.1:0 over a test database, stopped when dropped.
pub struct TestServer {
    pub base: String,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    running: Option<tokio::task::JoinHandle<()>>,
}

impl TestServer {
    pub async fn start(db: &TestDb) -> TestServer {
        TestServer::start_with(keel_web::Config::for_database(db.config())).await
    }

    pub async fn start_with(config: keel_web::Config) -> TestServer {
        let app = keel_web::App::build(config).await.expect("build app");
        let base = format!("http://{}", app.local_addr());
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let running = tokio::spawn(async move {
            app.run(async {
                let _ = rx.await;
            })
            .await
            .expect("server runs");
        });
        TestServer {
            base,
            stop: Some(tx),
            running: Some(running),
        }
    }

    /// Stops the server and waits until it has: requests and background work in hand
    /// finished, the database pool closed.
    pub async fn stop(mut self) {
        if let Some(tx) = self.stop.take() {
            let _ = tx.send(());
        }
        if let Some(running) = self.running.take() {
            running.await.expect("server stops cleanly");
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        if let Some(tx) = self.stop.take() {
            let _ = tx.send(());
        }
    }
}

/// A browser-like client that prefers English: keeps cookies, does not follow redirects
/// (tests assert them).
pub fn client() -> reqwest::Client {
    client_speaking(Some("en"))
}

/// Like [`client`], sending `accept_language` (or no such header).
pub fn client_speaking(accept_language: Option<&str>) -> reqwest::Client {
    let mut headers = reqwest::header::HeaderMap::new();
    if let Some(l) = accept_language {
        headers.insert("accept-language", l.parse().expect("header value"));
    }
    reqwest::Client::builder()
        .default_headers(headers)
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client")
}

pub const ADMIN_EMAIL: &str = "admin@example.com";
pub const ADMIN_PASSWORD: &str = "correct horse battery";

/// Completes first-run set-up through the web form; the client is then signed in.
pub async fn set_up(server: &TestServer, client: &reqwest::Client, organisation: &str) {
    let res = client
        .post(server.url("/setup"))
        .form(&[
            ("organisation", organisation),
            ("name", "Ada Admin"),
            ("email", ADMIN_EMAIL),
            ("password", ADMIN_PASSWORD),
            ("locale", "en"),
        ])
        .send()
        .await
        .expect("post /setup");
    assert_eq!(res.status(), 303, "set-up should redirect home");
    assert_eq!(res.headers()["location"], "/");
}

pub async fn body(res: reqwest::Response) -> String {
    res.text().await.expect("body")
}

/// The demo organisation's logins, loaded into a test database.
pub struct Demo {
    pub admin: String,
    pub director: String,
    /// Manager of the East team; `member` reports to them.
    pub manager: String,
    pub member: String,
    /// A rep in another team: `member`'s peer, outside `manager`'s line.
    pub other_rep: String,
}

pub async fn load_demo(db: &keel_db::Db) -> Demo {
    keel::demo::load_people(db).await.expect("load demo");
    Demo {
        admin: "zhao.min@yunfan.example".into(),
        director: "chen.jing@yunfan.example".into(),
        manager: "li.qiang@yunfan.example".into(),
        member: "zhou.jie@yunfan.example".into(),
        other_rep: "chen.chen@yunfan.example".into(),
    }
}

pub async fn id_of(db: &keel_db::Db, email: &str) -> uuid::Uuid {
    db.credentials(email)
        .await
        .expect("credentials")
        .expect("person exists")
        .id
}

/// A client signed in as `email` with the demo password.
pub async fn signed_in(server: &TestServer, email: &str) -> reqwest::Client {
    let c = client();
    let res = c
        .post(server.url("/login"))
        .form(&[("email", email), ("password", keel::demo::PASSWORD)])
        .send()
        .await
        .expect("login");
    assert_eq!(res.status(), 303, "login as {email}");
    c
}

/// The local day of an instant in the organisation's zone as the tests create it (set-up and
/// the demo both use Asia/Shanghai): what keel counts a row on.
pub trait OrgDay {
    fn org_day(&self) -> chrono::NaiveDate;
}

impl OrgDay for chrono::DateTime<chrono::Utc> {
    fn org_day(&self) -> chrono::NaiveDate {
        keel_domain::time::Zone::DEFAULT.day_of(*self)
    }
}
/// A real SMTP server process (Debian's python3-aiosmtpd running `smtp_sink.py`) on a free
/// port, storing each message it accepts as a file; killed when dropped.
pub struct SmtpSink {
    pub port: u16,
    dir: TempDir,
    child: std::process::Child,
}

impl SmtpSink {
    /// A sink, or `None` (after saying so) when aiosmtpd is not installed.
    pub fn start() -> Option<SmtpSink> {
        SmtpSink::start_slow(0.0)
    }

    /// A sink that holds each message `delay` seconds before accepting it.
    pub fn start_slow(delay: f64) -> Option<SmtpSink> {
        use std::io::BufRead;
        let python = "/usr/bin/python3";
        let has = std::process::Command::new(python)
            .args(["-c", "import aiosmtpd"])
            .stderr(std::process::Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        if !has {
            skip(
                "SMTP",
                "python3-aiosmtpd is not installed (apt-get install python3-aiosmtpd)",
            );
            return None;
        }
        let dir = tempfile::tempdir().expect("mail dir");
        let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/it/smtp_sink.py");
        let mut child = std::process::Command::new(python)
            .arg(script)
            .arg(dir.path())
            .arg(delay.to_string())
            .stdout(std::process::Stdio::piped())
            .spawn()
            .expect("start the SMTP server");
        let out = child.stdout.take().expect("stdout");
        let mut line = String::new();
        std::io::BufReader::new(out)
            .read_line(&mut line)
            .expect("SMTP server says ready");
        let port = line
            .trim()
            .strip_prefix("ready ")
            .and_then(|p| p.parse().ok())
            .unwrap_or_else(|| panic!("SMTP server did not start: {line:?}"));
        Some(SmtpSink { port, dir, child })
    }

    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    /// Every message accepted so far, oldest first, as raw text.
    pub fn messages(&self) -> Vec<String> {
        let mut names: Vec<_> = std::fs::read_dir(self.dir.path())
            .expect("mail dir")
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|e| e == "eml"))
            .collect();
        names.sort();
        names
            .into_iter()
            .map(|p| std::fs::read_to_string(p).expect("message"))
            .collect()
    }

    /// Waits (up to `secs`) until at least `n` messages arrived, and returns them all.
    pub async fn wait_for(&self, n: usize, secs: u64) -> Vec<String> {
        let until = std::time::Instant::now() + Duration::from_secs(secs);
        loop {
            let got = self.messages();
            if got.len() >= n || std::time::Instant::now() > until {
                return got;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A server configuration whose background work runs quickly: e-mail through `smtp` (if
/// any) polled every 50 ms with short retries, jobs looked at every 100 ms.
pub fn fast_config(db: &TestDb, smtp: Option<&str>) -> keel_web::Config {
    let mut cfg = keel_web::Config::for_database(db.config());
    cfg.mail.smtp_url = smtp.map(str::to_owned);
    cfg.mail.from = Some("keel <keel@example.com>".into());
    cfg.mail.poll = Duration::from_millis(50);
    cfg.mail.retry_base = Duration::from_millis(100);
    cfg.mail.retry_cap = Duration::from_millis(400);
    cfg.mail.send_timeout = Duration::from_secs(5);
    cfg.jobs_tick = Duration::from_millis(100);
    cfg
}
