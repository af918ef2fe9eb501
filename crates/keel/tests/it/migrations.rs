//! The schema comes up from empty on both backends, re-applying is a no-op, and a schema
//! newer than the binary is refused before anything is touched.

use crate::harness::TestDb;
use keel_db::{Db, DbError, SCHEMA_VERSION, with_pool};

async fn migration_rows(db: &Db) -> i64 {
    with_pool!(db, p => sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM _sqlx_migrations")
        .fetch_one(p)
        .await
        .expect("count migrations"))
}

async fn check_up_from_empty(t: TestDb) {
    assert_eq!(t.db.schema_version().await.unwrap(), 0);
    let r = t.db.migrate().await.expect("first migrate");
    assert_eq!((r.from, r.to), (0, SCHEMA_VERSION));
    // The schema is usable: a fresh database is in first-run mode.
    assert!(t.db.is_first_run().await.unwrap());
    let rows = migration_rows(&t.db).await;

    let again = t.db.migrate().await.expect("second migrate");
    assert_eq!((again.from, again.to), (SCHEMA_VERSION, SCHEMA_VERSION));
    assert_eq!(
        migration_rows(&t.db).await,
        rows,
        "re-applying must add nothing"
    );
}

#[tokio::test]
async fn migrations_come_up_from_empty_on_sqlite() {
    check_up_from_empty(TestDb::sqlite_empty().await).await;
}

#[tokio::test]
async fn migrations_come_up_from_empty_on_postgres() {
    if let Some(t) = TestDb::postgres_empty().await {
        check_up_from_empty(t).await;
    }
}

/// Pretends a newer keel migrated this database.
pub async fn make_schema_newer(db: &Db) {
    with_pool!(db, p => sqlx::query(
        "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time) \
         VALUES (9999, 'from the future', TRUE, $1, 0)",
    )
    .bind(vec![0u8; 48])
    .execute(p)
    .await
    .map(|_| ())
    .expect("insert future migration"));
}

db_test!(
    async fn newer_schema_is_refused_untouched(t: TestDb) {
        make_schema_newer(&t.db).await;
        let before = migration_rows(&t.db).await;
        match t.db.migrate().await {
            Err(DbError::SchemaTooNew { found, known }) => {
                assert_eq!((found, known), (9999, SCHEMA_VERSION));
            }
            other => panic!("expected SchemaTooNew, got {other:?}"),
        }
        assert_eq!(migration_rows(&t.db).await, before);
    }
);

db_test!(
    async fn timestamps_round_trip_at_microsecond_precision(t: TestDb) {
        // DESIGN.md §4: a time written in Rust reads back equal on both backends.
        let at = keel_domain::time::now();
        let back: chrono::DateTime<chrono::Utc> = with_pool!(&t.db, p => {
            sqlx::query("INSERT INTO login_failures (key, failures, window_start) VALUES ('k', 1, $1)")
                .bind(at)
                .execute(p)
                .await
                .map(|_| ())
                .unwrap();
            sqlx::query_scalar("SELECT window_start FROM login_failures WHERE key = 'k'")
                .fetch_one(p)
                .await
                .unwrap()
        });
        assert_eq!(back, at);
    }
);
