//! Embedded migrations, one file per backend per version, applied by sqlx's migrator (which
//! takes an advisory lock on PostgreSQL, so several servers starting at once are safe).

use crate::{Db, DbError, Result};
use sqlx::SqlSafeStr;
use sqlx::migrate::{MigrateError, Migration, MigrationType, Migrator};

struct Embedded {
    version: i64,
    description: &'static str,
    sqlite: &'static str,
    postgres: &'static str,
}

const MIGRATIONS: &[Embedded] = &[
    Embedded {
        version: 1,
        description: "init",
        sqlite: include_str!("../migrations/sqlite/0001_init.sql"),
        postgres: include_str!("../migrations/postgres/0001_init.sql"),
    },
    Embedded {
        version: 2,
        description: "crm",
        sqlite: include_str!("../migrations/sqlite/0002_crm.sql"),
        postgres: include_str!("../migrations/postgres/0002_crm.sql"),
    },
    Embedded {
        version: 3,
        description: "search",
        sqlite: include_str!("../migrations/sqlite/0003_search.sql"),
        postgres: include_str!("../migrations/postgres/0003_search.sql"),
    },
    Embedded {
        version: 4,
        description: "rollups",
        sqlite: include_str!("../migrations/sqlite/0004_rollups.sql"),
        postgres: include_str!("../migrations/postgres/0004_rollups.sql"),
    },
    Embedded {
        version: 5,
        description: "goals",
        sqlite: include_str!("../migrations/sqlite/0005_goals.sql"),
        postgres: include_str!("../migrations/postgres/0005_goals.sql"),
    },
    Embedded {
        version: 6,
        description: "targets",
        sqlite: include_str!("../migrations/sqlite/0006_targets.sql"),
        postgres: include_str!("../migrations/postgres/0006_targets.sql"),
    },
    Embedded {
        version: 7,
        description: "contests",
        sqlite: include_str!("../migrations/sqlite/0007_contests.sql"),
        postgres: include_str!("../migrations/postgres/0007_contests.sql"),
    },
    Embedded {
        version: 8,
        description: "checkins",
        sqlite: include_str!("../migrations/sqlite/0008_checkins.sql"),
        postgres: include_str!("../migrations/postgres/0008_checkins.sql"),
    },
    Embedded {
        version: 9,
        description: "insights",
        sqlite: include_str!("../migrations/sqlite/0009_insights.sql"),
        postgres: include_str!("../migrations/postgres/0009_insights.sql"),
    },
    Embedded {
        version: 10,
        description: "monthly_rollups",
        sqlite: include_str!("../migrations/sqlite/0010_monthly_rollups.sql"),
        postgres: include_str!("../migrations/postgres/0010_monthly_rollups.sql"),
    },
    Embedded {
        version: 11,
        description: "open_pipeline",
        sqlite: include_str!("../migrations/sqlite/0011_open_pipeline.sql"),
        postgres: include_str!("../migrations/postgres/0011_open_pipeline.sql"),
    },
    Embedded {
        version: 12,
        description: "dashboard_indexes",
        sqlite: include_str!("../migrations/sqlite/0012_dashboard_indexes.sql"),
        postgres: include_str!("../migrations/postgres/0012_dashboard_indexes.sql"),
    },
    Embedded {
        version: 13,
        description: "zone_and_version",
        sqlite: include_str!("../migrations/sqlite/0013_zone_and_version.sql"),
        postgres: include_str!("../migrations/postgres/0013_zone_and_version.sql"),
    },
    Embedded {
        version: 14,
        description: "notifications",
        sqlite: include_str!("../migrations/sqlite/0014_notifications.sql"),
        postgres: include_str!("../migrations/postgres/0014_notifications.sql"),
    },
];

/// The newest schema version this build knows.
pub const SCHEMA_VERSION: i64 = {
    let mut v = 0;
    let mut i = 0;
    while i < MIGRATIONS.len() {
        if MIGRATIONS[i].version > v {
            v = MIGRATIONS[i].version;
        }
        i += 1;
    }
    v
};

/// The first version with monthly rollups (daily ones came at 4): upgrading past it fills
/// both from the existing rows.
const MONTHLY: i64 = 10;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MigrationReport {
    /// Schema version before and after.
    pub from: i64,
    pub to: i64,
}

impl Db {
    /// Brings the schema to [`SCHEMA_VERSION`]. Refuses, before touching anything, a database
    /// whose schema is newer than this build; re-running on a current schema changes nothing.
    pub async fn migrate(&self) -> Result<MigrationReport> {
        let from = self.schema_version().await?;
        if from > SCHEMA_VERSION {
            return Err(DbError::SchemaTooNew {
                found: from,
                known: SCHEMA_VERSION,
            });
        }
        let migrator = self.migrator();
        let run = crate::with_pool!(self, p => migrator.run(p).await);
        run.map_err(|e| match e {
            MigrateError::VersionMismatch(v) => DbError::SchemaMismatch(v),
            MigrateError::VersionMissing(v) => DbError::SchemaTooNew {
                found: v,
                known: SCHEMA_VERSION,
            },
            MigrateError::Execute(e) | MigrateError::ExecuteMigration(e, _) => DbError::Sqlx(e),
            other => DbError::Unsupported(other.to_string()),
        })?;
        let to = self.schema_version().await?;
        if from > 0 && from < MONTHLY && to >= MONTHLY {
            self.rebuild_rollups().await?;
        }
        Ok(MigrationReport { from, to })
    }

    /// The highest applied migration, 0 for an empty database.
    pub async fn schema_version(&self) -> Result<i64> {
        let exists: bool = match self {
            Db::Sqlite(p) => {
                sqlx::query_scalar(
                    "SELECT COUNT(*) > 0 FROM sqlite_master \
                 WHERE type = 'table' AND name = '_sqlx_migrations'",
                )
                .fetch_one(p)
                .await?
            }
            Db::Postgres(p) => {
                sqlx::query_scalar("SELECT to_regclass('_sqlx_migrations') IS NOT NULL")
                    .fetch_one(p)
                    .await?
            }
        };
        if !exists {
            return Ok(0);
        }
        let v: Option<i64> = crate::with_pool!(self, p => {
            sqlx::query_scalar("SELECT MAX(version) FROM _sqlx_migrations WHERE success")
                .fetch_one(p)
                .await?
        });
        Ok(v.unwrap_or(0))
    }

    fn migrator(&self) -> Migrator {
        let migrations = MIGRATIONS
            .iter()
            .map(|m| {
                let sql = match self {
                    Db::Sqlite(_) => m.sqlite,
                    Db::Postgres(_) => m.postgres,
                };
                Migration::new(
                    m.version,
                    m.description.into(),
                    MigrationType::Simple,
                    sql.into_sql_str(),
                    false,
                )
            })
            .collect();
        Migrator::with_migrations(migrations)
    }
}

#[cfg(test)]
mod tests {
    use super::MIGRATIONS;
    use std::collections::BTreeMap;
    use std::path::Path;

    /// `NNNN_description.sql` -> (version, description, contents) for one backend's folder.
    fn files(backend: &str) -> BTreeMap<i64, (String, String)> {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("migrations")
            .join(backend);
        let mut out = BTreeMap::new();
        for entry in std::fs::read_dir(&dir).expect("migrations folder") {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            let stem = name
                .strip_suffix(".sql")
                .unwrap_or_else(|| panic!("{backend}/{name}: not a .sql file"));
            let (version, description) = stem
                .split_once('_')
                .unwrap_or_else(|| panic!("{backend}/{name}: not NNNN_description.sql"));
            let version: i64 = version
                .parse()
                .unwrap_or_else(|_| panic!("{backend}/{name}: the version is not a number"));
            let contents = std::fs::read_to_string(&path).unwrap();
            let before = out.insert(version, (description.to_owned(), contents));
            assert!(
                before.is_none(),
                "{backend}: two files for version {version}"
            );
        }
        out
    }

    /// The embedded list is the folders: every file embedded once, under its own version and
    /// description, with versions 1, 2, 3 ... without gaps, on both backends.
    #[test]
    fn the_embedded_list_matches_the_migration_folders() {
        let versions: Vec<i64> = MIGRATIONS.iter().map(|m| m.version).collect();
        let expected: Vec<i64> = (1..=MIGRATIONS.len() as i64).collect();
        assert_eq!(versions, expected, "versions must run 1, 2, 3 ... in order");
        for backend in ["sqlite", "postgres"] {
            let files = files(backend);
            let on_disk: Vec<i64> = files.keys().copied().collect();
            assert_eq!(
                on_disk, expected,
                "{backend}: the files on disk and the embedded list differ"
            );
            for m in MIGRATIONS {
                let (description, contents) = &files[&m.version];
                assert_eq!(
                    m.description, description,
                    "{backend}: version {} is described as the file is named",
                    m.version
                );
                let embedded = match backend {
                    "sqlite" => m.sqlite,
                    _ => m.postgres,
                };
                assert!(
                    embedded == contents,
                    "{backend}: version {} embeds another file than {:04}_{description}.sql",
                    m.version,
                    m.version
                );
            }
        }
    }
}
