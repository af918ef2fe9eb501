//! Indexed search of the CRM lists, in Chinese and English: every backend-specific piece of
//! search SQL lives here (migration 0003 builds the indexes).
//!
//! Both backends find any substring, case-insensitively, so `云帆` finds `上海云帆科技`:
//!
//! - SQLite: an FTS5 table per list with the `trigram` tokenizer, contentless, keyed by a
//!   stable integer per record (`<table>_search_keys`), kept in step by triggers. A query is one
//!   quoted FTS5 phrase, so `"`, `*`, `AND`, `NEAR(` are plain text. Trigrams need three
//!   characters: a query of one or two characters falls back to `LIKE` over the same columns,
//!   which reads the whole table (still scoped and paged; short queries are rare and broad).
//!   `EXPLAIN QUERY PLAN` of a search shows `SCAN accounts_fts VIRTUAL TABLE INDEX 0:M…`, then
//!   `SEARCH s USING INTEGER PRIMARY KEY` and `SEARCH a USING INDEX sqlite_autoindex_accounts_1`.
//! - PostgreSQL: `pg_trgm` GIN indexes on the lower-cased, joined columns, and `LIKE` on that
//!   very expression so the planner can use them (`Bitmap Index Scan on accounts_search` once
//!   the table is large enough for an index to beat a scan). Any length works; short patterns
//!   just cannot narrow through the index.
//!
//! Deals and contacts also match by their account's name (through the accounts' index).

use crate::Backend;
use crate::people::like_pattern;

/// A list that can be searched.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Target {
    Accounts,
    Contacts,
    Leads,
    Deals,
}

impl Target {
    fn table(self) -> &'static str {
        match self {
            Target::Accounts => "accounts",
            Target::Contacts => "contacts",
            Target::Leads => "leads",
            Target::Deals => "deals",
        }
    }

    /// The searched columns, each as text (NULL becomes empty).
    fn columns(self) -> &'static [&'static str] {
        match self {
            Target::Accounts => &["name", "industry", "region", "tags"],
            Target::Contacts => &["name", "title", "email", "phone"],
            Target::Leads => &["name", "company", "email", "phone"],
            Target::Deals => &["name", "product_line"],
        }
    }

    /// Also matched through the record's account name.
    fn via_account(self) -> bool {
        matches!(self, Target::Contacts | Target::Deals)
    }
}

/// Fewer characters than this cannot use SQLite's trigram index.
const TRIGRAM: usize = 3;

/// The PostgreSQL index expression of `target` over rows aliased `alias`: the lower-cased
/// columns joined by U+001F, which nobody types, so a match never spans two fields. Must stay
/// identical to the expressions in `migrations/postgres/0003_search.sql`.
fn pg_expression(target: Target, alias: &str) -> String {
    let parts: Vec<String> = target
        .columns()
        .iter()
        .map(|c| match (target, *c) {
            (Target::Accounts, "tags") | (_, "name") => format!("{alias}.{c}"),
            _ => format!("coalesce({alias}.{c}, '')"),
        })
        .collect();
    format!("lower({})", parts.join(" || chr(31) || "))
}

/// SQLite rows of `target` (aliased `alias`) whose FTS row matches `$n`, optionally only in
/// `column`.
fn fts(target: Target, alias: &str, n: u8, column: Option<&str>) -> String {
    let t = target.table();
    let query = match column {
        Some(c) => format!("'{c} : ' || ${n}"),
        None => format!("${n}"),
    };
    format!(
        "{alias}.id IN (SELECT s.id FROM {t}_search_keys s WHERE s.search_key IN \
         (SELECT rowid FROM {t}_fts WHERE {t}_fts MATCH {query}))"
    )
}

/// SQLite's fallback for short queries: `LIKE` over each column.
fn like(target: Target, alias: &str, n: u8, only: Option<&str>) -> String {
    let parts: Vec<String> = target
        .columns()
        .iter()
        .filter(|c| only.is_none_or(|o| o == **c))
        .map(|c| format!("LOWER(COALESCE({alias}.{c}, '')) LIKE ${n} ESCAPE '\\'"))
        .collect();
    format!("({})", parts.join(" OR "))
}

/// How a backend matches a query.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Method {
    /// SQLite, three characters or more.
    Fts,
    /// SQLite, one or two characters.
    Like,
    /// PostgreSQL.
    Trigram,
}

impl Method {
    /// Rows of `target` aliased `alias` matching `$n`, in all searched columns or `only` one.
    fn matching(self, target: Target, alias: &str, n: u8, only: Option<&str>) -> String {
        match self {
            Method::Fts => fts(target, alias, n, only),
            Method::Like => like(target, alias, n, only),
            // The name alone has an index of its own; the joined columns another.
            Method::Trigram => match only {
                Some(c) => format!("lower({alias}.{c}) LIKE ${n} ESCAPE '\\'"),
                None => format!("{} LIKE ${n} ESCAPE '\\'", pg_expression(target, alias)),
            },
        }
    }
}

/// The condition "the row aliased `alias` matches the search bound to `$n`", and the value to
/// bind there. Without a query (absent or blank) the condition is always true.
pub(crate) fn condition(
    backend: Backend,
    target: Target,
    alias: &str,
    n: u8,
    query: Option<&str>,
) -> (String, String) {
    let q = query.map(str::trim).unwrap_or("");
    if q.is_empty() {
        return (format!("${n} = ${n}"), String::new());
    }
    let short = q.chars().count() < TRIGRAM;
    let t = target.table();
    let method = match backend {
        Backend::Sqlite if short => Method::Like,
        Backend::Sqlite => Method::Fts,
        Backend::Postgres => Method::Trigram,
    };
    let own = |a: &str| method.matching(target, a, n, None);
    let by_account = method.matching(Target::Accounts, "sa", n, Some("name"));
    let value = match method {
        Method::Fts => phrase(q),
        Method::Like | Method::Trigram => like_pattern(q),
    };
    let sql = if !target.via_account() {
        own(alias)
    } else if method == Method::Like {
        // Scans anyway: one pass with both conditions.
        format!(
            "({} OR {alias}.account_id IN (SELECT sa.id FROM accounts sa WHERE {by_account}))",
            own(alias)
        )
    } else {
        // A UNION of two indexed lookups: an OR of the two would stop PostgreSQL from using
        // either index on this table.
        format!(
            "{alias}.id IN (SELECT sx.id FROM {t} sx WHERE {} UNION \
             SELECT sx.id FROM {t} sx WHERE sx.account_id IN (SELECT sa.id FROM accounts sa WHERE {by_account}))",
            own("sx")
        )
    };
    (format!("({sql})"), value)
}

/// `text` as one FTS5 phrase: in double quotes, inner quotes doubled, so that no character
/// or word of it is FTS5 syntax.
fn phrase(text: &str) -> String {
    format!("\"{}\"", text.replace('"', "\"\""))
}

impl crate::Db {
    /// The query plan of a search of `target` for `query`, one line per plan step: evidence
    /// (for tests and operators) that the search goes through the index. On PostgreSQL
    /// sequential scans are disabled for the one statement, since on a small table a scan is
    /// rightly cheaper and would hide whether the index can be used at all.
    pub async fn search_plan(&self, target: Target, query: &str) -> crate::Result<Vec<String>> {
        let (cond, value) = condition(self.backend(), target, "x", 1, Some(query));
        let select = format!("SELECT x.id FROM {} x WHERE {cond}", target.table());
        Ok(match self {
            crate::Db::Sqlite(p) => {
                let rows: Vec<(i64, i64, i64, String)> =
                    sqlx::query_as(sqlx::AssertSqlSafe(format!("EXPLAIN QUERY PLAN {select}")))
                        .bind(value)
                        .fetch_all(p)
                        .await?;
                rows.into_iter().map(|r| r.3).collect()
            }
            crate::Db::Postgres(p) => {
                let mut tx = p.begin().await?;
                sqlx::query("SET LOCAL enable_seqscan = off")
                    .execute(&mut *tx)
                    .await?;
                let rows: Vec<String> =
                    sqlx::query_scalar(sqlx::AssertSqlSafe(format!("EXPLAIN {select}")))
                        .bind(value)
                        .fetch_all(&mut *tx)
                        .await?;
                tx.rollback().await?;
                rows
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phrases_quote_everything() {
        assert_eq!(phrase(r#"a "b" NEAR(c"#), r#""a ""b"" NEAR(c""#);
    }

    #[test]
    fn the_postgres_expression_matches_the_migration() {
        let sql = include_str!("../migrations/postgres/0003_search.sql");
        for t in [
            Target::Accounts,
            Target::Contacts,
            Target::Leads,
            Target::Deals,
        ] {
            let expr = pg_expression(t, "x").replace("x.", "");
            assert!(sql.contains(&expr), "{t:?}: {expr}");
        }
    }

    #[test]
    fn short_queries_use_like_on_sqlite() {
        let (sql, value) = condition(Backend::Sqlite, Target::Leads, "l", 3, Some(" 云帆 "));
        assert!(sql.contains("LIKE $3") && !sql.contains("MATCH"), "{sql}");
        assert_eq!(value, "%云帆%");
        let (sql, value) = condition(Backend::Sqlite, Target::Deals, "d", 3, Some("100%"));
        assert!(sql.contains("deals_fts MATCH $3") && sql.contains("'name : ' || $3"));
        assert_eq!(value, "\"100%\"");
    }
}
