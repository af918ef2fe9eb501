//! The binary's commands, and bad start-up input: each ends with one clear line on stderr and
//! a non-zero exit, never a panic, and touches no data.

use crate::harness::TestDb;
use std::path::Path;
use std::process::{Command, Output, Stdio};

fn keel(args: &[&str], dir: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_keel"))
        .args(args)
        .current_dir(dir)
        .env_remove("KEEL_DATABASE_URL")
        .env_remove("KEEL_CONFIG")
        .env("KEEL_DB_CONNECT_TIMEOUT", "2")
        .stdin(Stdio::null())
        .output()
        .expect("run keel")
}

/// Asserts a clean failure and returns its one stderr line.
fn fails_cleanly(out: &Output) -> String {
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        !out.status.success(),
        "expected failure, got success; stderr: {stderr}"
    );
    assert!(!stderr.contains("panicked"), "panic: {stderr}");
    assert!(
        !stderr.contains("RUST_BACKTRACE"),
        "backtrace hint: {stderr}"
    );
    let lines: Vec<&str> = stderr.lines().filter(|l| !l.trim().is_empty()).collect();
    assert_eq!(lines.len(), 1, "want one line, got: {stderr}");
    assert!(lines[0].starts_with("keel: error: "), "{}", lines[0]);
    lines[0].to_owned()
}

fn tmp() -> tempfile::TempDir {
    tempfile::tempdir().expect("tempdir")
}

#[test]
fn help_explains_every_command() {
    let out = keel(&["--help"], tmp().path());
    let help = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success());
    for cmd in ["serve", "migrate", "demo", "backup", "check"] {
        assert!(help.contains(cmd), "--help should list {cmd}: {help}");
    }
    let out = keel(&["backup", "--help"], tmp().path());
    assert!(String::from_utf8_lossy(&out.stdout).contains("--to"));
}

#[test]
fn invalid_database_url_is_one_clear_line() {
    let out = keel(
        &["check", "--database-url", "mysql://root:hunter2@db/keel"],
        tmp().path(),
    );
    let line = fails_cleanly(&out);
    assert!(line.contains("invalid database URL"), "{line}");
    assert!(!line.contains("hunter2"), "password leaked: {line}");
}

#[test]
fn unreachable_postgres_is_one_clear_line_without_the_password() {
    // Port 1 on loopback: nothing listens there.
    let out = keel(
        &[
            "migrate",
            "--database-url",
            "postgres://keel:hunter2@127.0.0.1:1/keel",
        ],
        tmp().path(),
    );
    let line = fails_cleanly(&out);
    assert!(line.contains("cannot reach the database"), "{line}");
    assert!(!line.contains("hunter2"), "password leaked: {line}");
}

#[test]
fn unwritable_data_directory_is_one_clear_line() {
    let dir = tmp();
    // A data directory "inside" a regular file cannot be created, even by root.
    std::fs::write(dir.path().join("plain-file"), b"x").unwrap();
    let out = keel(
        &["migrate", "--data-dir", "plain-file/keel-data"],
        dir.path(),
    );
    let line = fails_cleanly(&out);
    assert!(line.contains("cannot use data directory"), "{line}");
}

#[test]
fn a_file_that_is_not_sqlite_is_refused_and_left_alone() {
    let dir = tmp();
    let file = dir.path().join("notes.txt");
    let content = "这不是数据库 / not a database\n".repeat(200);
    std::fs::write(&file, &content).unwrap();
    let url = format!("sqlite://{}", file.display());
    for cmd in ["migrate", "serve"] {
        let out = keel(
            &[cmd, "--database-url", &url, "--listen", "127.0.0.1:0"],
            dir.path(),
        );
        let line = fails_cleanly(&out);
        assert!(line.contains("is not a SQLite database"), "{line}");
        assert_eq!(
            std::fs::read_to_string(&file).unwrap(),
            content,
            "file was modified"
        );
    }
}

#[test]
fn a_port_in_use_is_one_clear_line() {
    let dir = tmp();
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = taken.local_addr().unwrap().to_string();
    let out = keel(&["serve", "--listen", &addr], dir.path());
    let line = fails_cleanly(&out);
    assert!(
        line.contains("cannot listen on") && line.contains("already in use"),
        "{line}"
    );
}

#[tokio::test]
async fn a_newer_schema_stops_every_command_untouched() {
    let dir = tmp();
    let t = TestDb::sqlite().await;
    crate::migrations::make_schema_newer(&t.db).await;
    // Move everything from the WAL into the main file first, so that the bytes compared below
    // are the whole database (closing the pool checkpoints too, but not before we read).
    keel_db::with_pool!(&t.db, p => sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)").execute(p).await.map(|_| ()).unwrap());
    t.db.close().await;
    let file = t.url.trim_start_matches("sqlite://").to_owned();
    let before = std::fs::read(&file).unwrap();
    for cmd in ["migrate", "serve", "check", "demo"] {
        let out = keel(
            &[cmd, "--database-url", &t.url, "--listen", "127.0.0.1:0"],
            dir.path(),
        );
        let line = fails_cleanly(&out);
        assert!(line.contains("newer than this keel"), "{cmd}: {line}");
    }
    assert_eq!(
        std::fs::read(&file).unwrap(),
        before,
        "database file changed"
    );
}

#[test]
fn a_bad_configuration_file_is_one_clear_line() {
    let dir = tmp();
    std::fs::write(
        dir.path().join("keel.toml"),
        "listen = \"127.0.0.1:0\"\nlisen_typo = 1\n",
    )
    .unwrap();
    let line = fails_cleanly(&keel(&["check"], dir.path()));
    assert!(
        line.contains("keel.toml") && line.contains("lisen_typo"),
        "{line}"
    );
}

#[test]
fn configuration_file_and_environment_are_honoured_in_order() {
    let dir = tmp();
    std::fs::write(
        dir.path().join("keel.toml"),
        "data_dir = \"from-file\"\nlisten = \"127.0.0.1:7001\"\n",
    )
    .unwrap();
    let out = keel(&["check"], dir.path());
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains("from-file/keel.db") && stdout.contains("127.0.0.1:7001"),
        "{stdout}"
    );
    assert!(dir.path().join("from-file/keel.db").exists());
    // A flag beats the file.
    let out = keel(&["check", "--listen", "127.0.0.1:7002"], dir.path());
    assert!(String::from_utf8_lossy(&out.stdout).contains("127.0.0.1:7002"));
}

#[test]
fn demo_loads_once_and_prints_each_role_login() {
    let dir = tmp();
    let out = keel(&["demo"], dir.path());
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for role in ["director", "manager", "member", "admin"] {
        assert!(stdout.contains(role), "{stdout}");
    }
    assert!(stdout.contains(keel_demo_password()), "{stdout}");
    // A second run refuses rather than duplicating people.
    let line = fails_cleanly(&keel(&["demo"], dir.path()));
    assert!(line.contains("already has an organisation"), "{line}");
}

fn keel_demo_password() -> &'static str {
    "keel-demo-2026"
}

#[tokio::test]
async fn backup_writes_a_consistent_copy_on_sqlite() {
    let dir = tmp();
    assert!(keel(&["demo"], dir.path()).status.success());
    let out = keel(&["backup", "--to", "copy.db"], dir.path());
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // The copy is a keel database with the same people.
    let url = format!("sqlite://{}", dir.path().join("copy.db").display());
    let copy = keel_db::Db::connect(&crate::harness::db_config(&url))
        .await
        .unwrap();
    let n: i64 = keel_db::with_pool!(&copy, p => sqlx::query_scalar("SELECT COUNT(*) FROM people")
        .fetch_one(p).await.unwrap());
    assert_eq!(n, 30, "director, admin, 4 managers, 24 reps");
    // It refuses to overwrite.
    let line = fails_cleanly(&keel(&["backup", "--to", "copy.db"], dir.path()));
    assert!(line.contains("already exists"), "{line}");
}

#[tokio::test]
async fn backup_on_postgres_explains_pg_dump() {
    let Some(t) = TestDb::postgres().await else {
        return;
    };
    let line = fails_cleanly(&keel(
        &["backup", "--to", "x.dump", "--database-url", &t.url],
        tmp().path(),
    ));
    assert!(line.contains("pg_dump"), "{line}");
}

#[test]
fn check_on_a_fresh_directory_reports_reachable_database() {
    let dir = tmp();
    let out = keel(&["check"], dir.path());
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains("sqlite (reachable)") && stdout.trim_end().ends_with("ok"),
        "{stdout}"
    );
}

#[test]
fn serve_stops_gracefully_on_sigterm() {
    let dir = tmp();
    let mut child = Command::new(env!("CARGO_BIN_EXE_keel"))
        .args(["serve", "--listen", "127.0.0.1:0"])
        .current_dir(dir.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn keel");
    // Wait until it says it is serving.
    use std::io::{BufRead, BufReader};
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    stdout.read_line(&mut line).unwrap();
    assert!(line.starts_with("keel is serving on http://"), "{line}");
    let pid = child.id().to_string();
    assert!(
        Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .unwrap()
            .success()
    );
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "exit after SIGTERM: {:?}", out.status);
    assert!(String::from_utf8_lossy(&out.stderr).contains("keel stopped"));
}

#[tokio::test]
async fn token_create_prints_a_working_token_once() {
    let dir = tmp();
    assert!(keel(&["demo"], dir.path()).status.success());
    let out = keel(
        &[
            "token",
            "create",
            "--email",
            "Chen.Jing@yunfan.example",
            "--name",
            "report script",
        ],
        dir.path(),
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let secret = String::from_utf8_lossy(&out.stdout).trim().to_owned();
    assert!(secret.starts_with("keel_"), "{secret}");
    // It works against a server on the same database.
    let url = format!(
        "sqlite://{}",
        dir.path().join("keel-data/keel.db").display()
    );
    let s = crate::harness::TestServer::start_with(keel_web::Config::for_database(
        crate::harness::db_config(&url),
    ))
    .await;
    let me: serde_json::Value = reqwest::Client::new()
        .get(s.url("/api/v1/me"))
        .header("authorization", format!("Bearer {secret}"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(me["name"], "陈静");
    // Unknown people get a clear line.
    let line = fails_cleanly(&keel(
        &["token", "create", "--email", "ghost@nowhere.example"],
        dir.path(),
    ));
    assert!(line.contains("no active person"), "{line}");
}

#[test]
fn boolean_switches_work_as_bare_flags_and_from_the_environment() {
    let dir = tmp();
    let out = keel(
        &["check", "--cookie-secure", "--trust-forwarded-for"],
        dir.path(),
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains("cookies:  Secure") && stdout.contains("X-Forwarded-For"),
        "{stdout}"
    );
    let out = Command::new(env!("CARGO_BIN_EXE_keel"))
        .args(["check", "--session-idle-minutes", "30"])
        .current_dir(dir.path())
        .env("KEEL_COOKIE_SECURE", "1")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("cookies:  Secure") && stdout.contains("idle 30 min"),
        "{stdout}"
    );
}

#[tokio::test]
async fn the_demo_is_the_same_every_time() {
    let a = TestDb::sqlite().await;
    let b = TestDb::sqlite().await;
    crate::harness::load_demo(&a.db).await;
    crate::harness::load_demo(&b.db).await;
    for email in ["chen.jing@yunfan.example", "zhou.jie@yunfan.example"] {
        assert_eq!(
            crate::harness::id_of(&a.db, email).await,
            crate::harness::id_of(&b.db, email).await,
            "{email}"
        );
    }
}

#[tokio::test]
async fn rollups_check_finds_a_tampered_cell_and_rebuild_repairs_it() {
    let dir = tmp();
    assert!(keel(&["demo"], dir.path()).status.success());
    let out = keel(&["rollups", "check"], dir.path());
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("match"));
    // Someone edits the database behind keel's back.
    let url = format!(
        "sqlite://{}",
        dir.path().join("keel-data/keel.db").display()
    );
    let db = keel_db::Db::connect(&crate::harness::db_config(&url))
        .await
        .unwrap();
    keel_db::with_pool!(&db, p => sqlx::query(
        "UPDATE rollups SET value = value + 7 WHERE fact = 'won_amount' \
         AND person_id = (SELECT MIN(person_id) FROM rollups WHERE fact = 'won_amount')")
        .execute(p).await.unwrap().rows_affected());
    db.close().await;
    let out = keel(&["rollups", "check"], dir.path());
    let line = fails_cleanly(&out);
    assert!(line.contains("keel rollups rebuild"), "{line}");
    assert!(String::from_utf8_lossy(&out.stdout).contains("won_amount CNY"));
    let out = keel(&["rollups", "rebuild"], dir.path());
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(keel(&["rollups", "check"], dir.path()).status.success());
}
