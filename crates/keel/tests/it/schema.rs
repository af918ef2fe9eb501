//! Schema parity: the SQLite and PostgreSQL migration trees, applied to real databases, give
//! the same tables, columns (type class and nullability), indexes (columns, uniqueness,
//! partial predicate) and foreign keys. What differs on purpose is listed in [`ALLOWED`] with
//! the reason; an entry that no longer differs fails the test too, so the list stays true.
//! Migrations are read from the databases, so new ones are covered without touching this file.

use crate::harness::TestDb;
use keel_db::Db;
use std::collections::{BTreeMap, BTreeSet};

/// Differences between the two schemas that are by design, each with its reason.
const ALLOWED: &[(&str, &str)] = &[
    // Search is database-native (DESIGN.md): SQLite keeps FTS5 trigram tables, filled by
    // triggers; PostgreSQL has pg_trgm GIN indexes over expressions instead.
    ("sqlite only: table accounts_fts", "FTS5 search table"),
    ("sqlite only: table contacts_fts", "FTS5 search table"),
    ("sqlite only: table leads_fts", "FTS5 search table"),
    ("sqlite only: table deals_fts", "FTS5 search table"),
    // A stable integer key per record for the FTS5 rows (rowids of tables without an INTEGER
    // PRIMARY KEY may change on VACUUM); pg_trgm indexes the rows themselves.
    ("sqlite only: table accounts_search_keys", "FTS5 row keys"),
    ("sqlite only: table contacts_search_keys", "FTS5 row keys"),
    ("sqlite only: table leads_search_keys", "FTS5 row keys"),
    ("sqlite only: table deals_search_keys", "FTS5 row keys"),
    (
        "postgres only: index accounts.accounts_search",
        "pg_trgm search index",
    ),
    (
        "postgres only: index contacts.contacts_search",
        "pg_trgm search index",
    ),
    (
        "postgres only: index leads.leads_search",
        "pg_trgm search index",
    ),
    (
        "postgres only: index deals.deals_search",
        "pg_trgm search index",
    ),
    (
        "postgres only: index accounts.accounts_name_search",
        "pg_trgm search index",
    ),
];

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Column {
    class: String,
    not_null: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Index {
    columns: Vec<String>,
    unique: bool,
    predicate: Option<String>,
}

#[derive(Default, Debug)]
struct Schema {
    /// table -> column -> column facts
    tables: BTreeMap<String, BTreeMap<String, Column>>,
    /// "table.name" of explicitly created indexes
    indexes: BTreeMap<String, Index>,
    /// (table, columns, unique) of indexes that constraints made (PRIMARY KEY, UNIQUE)
    constraint_indexes: BTreeSet<(String, Vec<String>)>,
    /// (table, column, referenced table, referenced column)
    foreign_keys: BTreeSet<(String, String, String, String)>,
}

/// A declared or reported type as a class both backends share: ids are 16-byte BLOBs in
/// SQLite and uuid in PostgreSQL; SQLite keeps times, dates and JSON as TEXT.
fn class(sql_type: &str) -> String {
    let t = sql_type.to_ascii_lowercase();
    let t = t.split('(').next().unwrap_or("").trim();
    match t {
        "blob" | "uuid" | "bytea" => "id-or-bytes",
        "text"
        | "character varying"
        | "varchar"
        | "timestamp with time zone"
        | "timestamptz"
        | "date"
        | "jsonb"
        | "json" => "text",
        "integer" | "int" | "bigint" | "int8" | "int4" | "smallint" => "integer",
        "boolean" | "bool" => "boolean",
        "real" | "double precision" | "float" | "double" => "real",
        other => return format!("unmapped:{other}"),
    }
    .into()
}

/// A partial index's predicate in one spelling: no casts, quotes or brackets, one space.
fn predicate(p: &str) -> String {
    let p = p
        .to_ascii_lowercase()
        .replace("::text", "")
        .replace("::character varying", "")
        .replace(['(', ')', '"'], "");
    p.split_whitespace().collect::<Vec<_>>().join(" ")
}

async fn sqlite_schema(pool: &sqlx::SqlitePool) -> Schema {
    let mut s = Schema::default();
    let tables: Vec<(String, String)> = sqlx::query_as(
        "SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' \
         AND name <> '_sqlx_migrations' ORDER BY name",
    )
    .fetch_all(pool)
    .await
    .unwrap();
    // FTS5 keeps its own shadow tables (`x_data`, `x_idx`, ...) next to a virtual table.
    let virtual_tables: Vec<String> = tables
        .iter()
        .filter(|(_, sql)| sql.to_ascii_uppercase().starts_with("CREATE VIRTUAL TABLE"))
        .map(|(n, _)| n.clone())
        .collect();
    for (table, _) in &tables {
        if virtual_tables
            .iter()
            .any(|v| table != v && table.starts_with(&format!("{v}_")))
        {
            continue;
        }
        let cols: Vec<(String, String, i64, i64)> = sqlx::query_as(
            "SELECT name, type, \"notnull\", pk FROM pragma_table_info(?) ORDER BY cid",
        )
        .bind(table)
        .fetch_all(pool)
        .await
        .unwrap();
        let is_virtual = virtual_tables.contains(table);
        let columns = s.tables.entry(table.clone()).or_default();
        if is_virtual {
            continue;
        }
        let pk: Vec<String> = {
            let mut pk: Vec<(i64, String)> = cols
                .iter()
                .filter(|c| c.3 > 0)
                .map(|c| (c.3, c.0.clone()))
                .collect();
            pk.sort();
            pk.into_iter().map(|(_, n)| n).collect()
        };
        for (name, ty, not_null, pk_part) in &cols {
            columns.insert(
                name.clone(),
                Column {
                    class: class(ty),
                    // A primary key column is never null (PostgreSQL says so; SQLite's
                    // rowid tables enforce it through the application's ids).
                    not_null: *not_null == 1 || *pk_part > 0,
                },
            );
        }
        if !pk.is_empty() {
            s.constraint_indexes.insert((table.clone(), pk));
        }
        let indexes: Vec<(String, i64, String, i64)> =
            sqlx::query_as("SELECT name, \"unique\", origin, partial FROM pragma_index_list(?)")
                .bind(table)
                .fetch_all(pool)
                .await
                .unwrap();
        for (name, unique, origin, _partial) in indexes {
            let cols: Vec<(i64, Option<String>)> =
                sqlx::query_as("SELECT seqno, name FROM pragma_index_info(?) ORDER BY seqno")
                    .bind(&name)
                    .fetch_all(pool)
                    .await
                    .unwrap();
            let columns: Vec<String> = cols
                .into_iter()
                .map(|(_, n)| n.unwrap_or_else(|| "<expression>".into()))
                .collect();
            if origin == "pk" {
                continue; // recorded above from the table info
            }
            if origin == "u" {
                s.constraint_indexes.insert((table.clone(), columns));
                continue;
            }
            let sql: Option<String> = sqlx::query_scalar(
                "SELECT sql FROM sqlite_master WHERE type = 'index' AND name = ?",
            )
            .bind(&name)
            .fetch_one(pool)
            .await
            .unwrap();
            let predicate = sql.and_then(|sql| {
                let upper = sql.to_ascii_uppercase();
                upper.rfind(" WHERE ").map(|i| predicate(&sql[i + 7..]))
            });
            s.indexes.insert(
                format!("{table}.{name}"),
                Index {
                    columns,
                    unique: unique == 1,
                    predicate,
                },
            );
        }
        let fks: Vec<(String, String, Option<String>)> =
            sqlx::query_as("SELECT \"table\", \"from\", \"to\" FROM pragma_foreign_key_list(?)")
                .bind(table)
                .fetch_all(pool)
                .await
                .unwrap();
        for (to_table, from, to) in fks {
            // `REFERENCES t` without a column means t's primary key: `id` throughout keel.
            let to = to.unwrap_or_else(|| "id".into());
            s.foreign_keys.insert((table.clone(), from, to_table, to));
        }
    }
    s
}

/// table, index, unique, primary, made by a constraint, key columns, partial predicate
type PgIndexRow = (
    String,
    String,
    bool,
    bool,
    bool,
    Vec<String>,
    Option<String>,
);

async fn postgres_schema(pool: &sqlx::PgPool) -> Schema {
    let mut s = Schema::default();
    let cols: Vec<(String, String, String, String)> = sqlx::query_as(
        "SELECT c.table_name::text, c.column_name::text, c.data_type::text, c.is_nullable::text \
         FROM information_schema.columns c JOIN information_schema.tables t \
           ON t.table_schema = c.table_schema AND t.table_name = c.table_name \
         WHERE c.table_schema = 'public' AND t.table_type = 'BASE TABLE' \
           AND c.table_name <> '_sqlx_migrations'",
    )
    .fetch_all(pool)
    .await
    .unwrap();
    for (table, column, ty, nullable) in cols {
        s.tables.entry(table).or_default().insert(
            column,
            Column {
                class: class(&ty),
                not_null: nullable == "NO",
            },
        );
    }
    let indexes: Vec<PgIndexRow> = sqlx::query_as(
        "SELECT t.relname::text, i.relname::text, ix.indisunique, ix.indisprimary, \
                    EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = ix.indexrelid), \
                    ARRAY(SELECT pg_get_indexdef(ix.indexrelid, k, true) \
                          FROM generate_series(1, ix.indnkeyatts) k ORDER BY k), \
                    pg_get_expr(ix.indpred, ix.indrelid) \
             FROM pg_index ix \
             JOIN pg_class i ON i.oid = ix.indexrelid \
             JOIN pg_class t ON t.oid = ix.indrelid \
             JOIN pg_namespace n ON n.oid = t.relnamespace \
             WHERE n.nspname = 'public' AND t.relname <> '_sqlx_migrations'",
    )
    .fetch_all(pool)
    .await
    .unwrap();
    for (table, name, unique, _primary, by_constraint, columns, pred) in indexes {
        let columns = columns
            .into_iter()
            .map(|c| {
                if c.chars().all(|ch| ch.is_ascii_alphanumeric() || ch == '_') {
                    c
                } else {
                    "<expression>".into()
                }
            })
            .collect();
        if by_constraint {
            s.constraint_indexes.insert((table, columns));
        } else {
            s.indexes.insert(
                format!("{table}.{name}"),
                Index {
                    columns,
                    unique,
                    predicate: pred.map(|p| predicate(&p)),
                },
            );
        }
    }
    let fks: Vec<(String, String, String, String)> = sqlx::query_as(
        "SELECT cl.relname::text, a.attname::text, rt.relname::text, ra.attname::text \
         FROM pg_constraint k \
         JOIN pg_class cl ON cl.oid = k.conrelid \
         JOIN pg_namespace n ON n.oid = cl.relnamespace \
         JOIN pg_class rt ON rt.oid = k.confrelid \
         CROSS JOIN LATERAL unnest(k.conkey, k.confkey) AS u(col, refcol) \
         JOIN pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = u.col \
         JOIN pg_attribute ra ON ra.attrelid = k.confrelid AND ra.attnum = u.refcol \
         WHERE k.contype = 'f' AND n.nspname = 'public'",
    )
    .fetch_all(pool)
    .await
    .unwrap();
    s.foreign_keys.extend(fks);
    s
}

/// Every difference between the two schemas, one line each.
fn differences(lite: &Schema, pg: &Schema) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for (t, lcols) in &lite.tables {
        let Some(pcols) = pg.tables.get(t) else {
            out.insert(format!("sqlite only: table {t}"));
            continue;
        };
        for (c, lc) in lcols {
            match pcols.get(c) {
                None => {
                    out.insert(format!("sqlite only: column {t}.{c}"));
                }
                Some(pc) if pc.class != lc.class => {
                    out.insert(format!(
                        "type of {t}.{c}: sqlite {} / postgres {}",
                        lc.class, pc.class
                    ));
                }
                Some(pc) if pc.not_null != lc.not_null => {
                    out.insert(format!(
                        "nullability of {t}.{c}: sqlite {} / postgres {}",
                        if lc.not_null { "NOT NULL" } else { "NULL" },
                        if pc.not_null { "NOT NULL" } else { "NULL" }
                    ));
                }
                Some(_) => {}
            }
        }
        for c in pcols.keys().filter(|c| !lcols.contains_key(*c)) {
            out.insert(format!("postgres only: column {t}.{c}"));
        }
    }
    for t in pg.tables.keys().filter(|t| !lite.tables.contains_key(*t)) {
        out.insert(format!("postgres only: table {t}"));
    }
    for (name, li) in &lite.indexes {
        match pg.indexes.get(name) {
            None => {
                out.insert(format!("sqlite only: index {name}"));
            }
            Some(pi) if pi != li => {
                out.insert(format!("index {name}: sqlite {li:?} / postgres {pi:?}"));
            }
            Some(_) => {}
        }
    }
    for name in pg.indexes.keys().filter(|n| !lite.indexes.contains_key(*n)) {
        out.insert(format!("postgres only: index {name}"));
    }
    // Keys, indexes and foreign keys of a table only one side has are that table's difference.
    let both = |t: &String| lite.tables.contains_key(t) && pg.tables.contains_key(t);
    let (lite_keys, pg_keys) = (
        lite.constraint_indexes
            .iter()
            .filter(|k| both(&k.0))
            .cloned()
            .collect::<BTreeSet<_>>(),
        pg.constraint_indexes
            .iter()
            .filter(|k| both(&k.0))
            .cloned()
            .collect::<BTreeSet<_>>(),
    );
    for k in lite_keys.difference(&pg_keys) {
        out.insert(format!("sqlite only: key {k:?}"));
    }
    for k in pg_keys.difference(&lite_keys) {
        out.insert(format!("postgres only: key {k:?}"));
    }
    for k in lite.foreign_keys.difference(&pg.foreign_keys) {
        out.insert(format!("sqlite only: foreign key {k:?}"));
    }
    for k in pg.foreign_keys.difference(&lite.foreign_keys) {
        out.insert(format!("postgres only: foreign key {k:?}"));
    }
    out
}

#[tokio::test]
async fn both_migration_trees_make_the_same_schema() {
    let Some(pg) = TestDb::postgres().await else {
        return;
    };
    let lite = TestDb::sqlite().await;
    let lite = match &lite.db {
        Db::Sqlite(p) => sqlite_schema(p).await,
        Db::Postgres(_) => unreachable!(),
    };
    let pg = match &pg.db {
        Db::Postgres(p) => postgres_schema(p).await,
        Db::Sqlite(_) => unreachable!(),
    };
    assert!(lite.tables.len() > 10, "read the SQLite schema: {lite:?}");
    let unmapped: Vec<String> = [&lite, &pg]
        .iter()
        .flat_map(|s| {
            s.tables.iter().flat_map(|(t, cols)| {
                cols.iter()
                    .filter(|(_, c)| c.class.starts_with("unmapped"))
                    .map(move |(c, col)| format!("{t}.{c}: {}", col.class))
            })
        })
        .collect();
    assert!(unmapped.is_empty(), "types with no class: {unmapped:?}");
    let found = differences(&lite, &pg);
    let allowed: BTreeSet<String> = ALLOWED.iter().map(|(d, _)| d.to_string()).collect();
    let unexpected: Vec<&String> = found.difference(&allowed).collect();
    let stale: Vec<&String> = allowed.difference(&found).collect();
    assert!(
        unexpected.is_empty() && stale.is_empty(),
        "the two migration trees differ:\n{}\n\nallowed differences that no longer differ:\n{}",
        unexpected
            .iter()
            .map(|s| s.as_str())
            .collect::<Vec<_>>()
            .join("\n"),
        stale
            .iter()
            .map(|s| s.as_str())
            .collect::<Vec<_>>()
            .join("\n"),
    );
}
