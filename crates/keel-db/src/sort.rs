//! Sorted keyset pages for the CRM lists. Each list has a fixed whitelist of sorts; a page
//! ends with a [`Cursor`] holding the last row's sort key and id, and the next page starts
//! strictly after that pair. Never OFFSET: pages stay correct (and fast) however deep they go,
//! and rows added meanwhile neither repeat nor push others off a page.

use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

/// The type of a sort column, so that cursors are parsed and bound with the right type.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeyKind {
    Text,
    Int,
    Date,
    Time,
}

/// One sort a list offers.
#[derive(Debug, PartialEq, Eq)]
pub struct Sort {
    /// The value of the `sort` parameter.
    pub name: &'static str,
    /// The column (without table alias).
    pub(crate) column: &'static str,
    pub(crate) desc: bool,
    /// Rows without a value come last, whatever the direction.
    pub(crate) nullable: bool,
    pub(crate) kind: KeyKind,
}

impl Sort {
    /// Largest (or newest) first.
    pub fn desc(&self) -> bool {
        self.desc
    }
}

const fn sort(
    name: &'static str,
    column: &'static str,
    desc: bool,
    nullable: bool,
    kind: KeyKind,
) -> Sort {
    Sort {
        name,
        column,
        desc,
        nullable,
        kind,
    }
}

/// The sorts of each list; the first is the default.
pub const ACCOUNTS: &[Sort] = &[
    sort("name", "name", false, false, KeyKind::Text),
    sort("created", "created_at", true, false, KeyKind::Time),
    sort(
        "last_activity",
        "last_activity_at",
        true,
        true,
        KeyKind::Time,
    ),
];
pub const CONTACTS: &[Sort] = &[
    sort("name", "name", false, false, KeyKind::Text),
    sort("created", "created_at", true, false, KeyKind::Time),
];
pub const LEADS: &[Sort] = &[
    sort("created", "created_at", true, false, KeyKind::Time),
    sort("name", "name", false, false, KeyKind::Text),
    sort(
        "last_activity",
        "last_activity_at",
        true,
        true,
        KeyKind::Time,
    ),
];
pub const DEALS: &[Sort] = &[
    sort("created", "created_at", true, false, KeyKind::Time),
    sort("name", "name", false, false, KeyKind::Text),
    sort("amount", "amount_minor", true, false, KeyKind::Int),
    sort("close", "expected_close", false, true, KeyKind::Date),
];
/// Activities and satisfaction responses: newest first.
pub const ACTIVITIES: &[Sort] = &[sort("at", "at", true, false, KeyKind::Time)];
pub const SATISFACTION: &[Sort] = &[sort("at", "at", true, false, KeyKind::Time)];

/// The sort named `name` in `list`; empty means the default. `None` for anything else.
pub fn find(list: &'static [Sort], name: &str) -> Option<&'static Sort> {
    match name.trim() {
        "" => list.first(),
        n => list.iter().find(|s| s.name == n),
    }
}

/// A sort key value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Key {
    Text(String),
    Int(i64),
    Date(NaiveDate),
    Time(DateTime<Utc>),
    Null,
    /// Only the id is known (an API client passing an id, or the command-line export): the
    /// list looks the key up before paging.
    Lookup,
}

impl Key {
    fn kind(&self) -> Option<KeyKind> {
        match self {
            Key::Text(_) => Some(KeyKind::Text),
            Key::Int(_) => Some(KeyKind::Int),
            Key::Date(_) => Some(KeyKind::Date),
            Key::Time(_) => Some(KeyKind::Time),
            Key::Null | Key::Lookup => None,
        }
    }

    pub fn text(s: &str) -> Key {
        Key::Text(s.to_owned())
    }

    pub fn date(d: Option<NaiveDate>) -> Key {
        d.map_or(Key::Null, Key::Date)
    }

    pub fn time(t: Option<DateTime<Utc>>) -> Key {
        t.map_or(Key::Null, Key::Time)
    }
}

/// Where a page ends: the last row's sort key and id. As text: a type letter and the key,
/// `~`, the id (`i120000~0190…`, `sAcme~0190…`, `n~0190…`); a bare id is accepted too.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cursor {
    pub key: Key,
    pub id: Uuid,
}

impl std::fmt::Display for Cursor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.key {
            Key::Text(s) => write!(f, "s{s}~{}", self.id),
            Key::Int(n) => write!(f, "i{n}~{}", self.id),
            Key::Date(d) => write!(f, "d{}~{}", d.format("%Y-%m-%d"), self.id),
            Key::Time(t) => write!(f, "t{}~{}", t.timestamp_micros(), self.id),
            Key::Null => write!(f, "n~{}", self.id),
            Key::Lookup => write!(f, "{}", self.id),
        }
    }
}

impl Cursor {
    /// Parses a cursor from a link or an API call; `None` for anything malformed.
    pub fn parse(text: &str) -> Option<Cursor> {
        let text = text.trim();
        if let Ok(id) = Uuid::parse_str(text) {
            return Some(Cursor {
                key: Key::Lookup,
                id,
            });
        }
        let (key, id) = text.rsplit_once('~')?;
        let id = Uuid::parse_str(id).ok()?;
        let mut chars = key.chars();
        let tag = chars.next()?;
        let value = chars.as_str();
        let key = match tag {
            's' => Key::Text(value.to_owned()),
            'i' => Key::Int(value.parse().ok()?),
            'd' => Key::Date(NaiveDate::parse_from_str(value, "%Y-%m-%d").ok()?),
            't' => Key::Time(DateTime::from_timestamp_micros(value.parse().ok()?)?),
            'n' if value.is_empty() => Key::Null,
            _ => return None,
        };
        Some(Cursor { key, id })
    }

    /// True when this cursor can continue a list sorted by `sort`.
    pub(crate) fn fits(&self, sort: &Sort) -> bool {
        match &self.key {
            Key::Lookup => true,
            Key::Null => sort.nullable,
            k => k.kind() == Some(sort.kind),
        }
    }
}

/// The condition "after the cursor" (key bound to `$k`, id to `$k+1`) and the `ORDER BY`
/// list, for rows aliased `alias`. Row-value comparisons keep the condition index-friendly
/// on both databases; rows without a key come last, so they follow every keyed row.
pub(crate) fn keyset(sort: &Sort, alias: &str, cursor: Option<&Cursor>, k: u8) -> (String, String) {
    let col = format!("{alias}.{}", sort.column);
    let id = format!("{alias}.id");
    let j = k + 1;
    let (op, dir) = if sort.desc {
        ("<", "DESC")
    } else {
        (">", "ASC")
    };
    let order = if sort.nullable {
        format!("{col} {dir} NULLS LAST, {id} {dir}")
    } else {
        format!("{col} {dir}, {id} {dir}")
    };
    let after = match cursor.map(|c| &c.key) {
        None | Some(Key::Lookup) => format!("${k} IS NULL AND ${j} IS NULL"),
        Some(Key::Null) => format!("${k} IS NULL AND {col} IS NULL AND {id} {op} ${j}"),
        Some(_) if sort.nullable => {
            format!("(({col}, {id}) {op} (${k}, ${j}) OR {col} IS NULL)")
        }
        Some(_) => format!("({col}, {id}) {op} (${k}, ${j})"),
    };
    (after, order)
}

/// Binds a cursor's key and id (the two parameters [`keyset`] names) to a query.
macro_rules! bind_cursor {
    ($q:expr, $cursor:expr) => {{
        let q = $q;
        let c: Option<&$crate::sort::Cursor> = $cursor;
        let q = match c.map(|c| &c.key) {
            Some($crate::sort::Key::Text(v)) => q.bind(v.clone()),
            Some($crate::sort::Key::Int(v)) => q.bind(*v),
            Some($crate::sort::Key::Date(v)) => q.bind(*v),
            Some($crate::sort::Key::Time(v)) => q.bind(*v),
            _ => q.bind(None::<String>),
        };
        q.bind(
            c.filter(|c| c.key != $crate::sort::Key::Lookup)
                .map(|c| c.id),
        )
    }};
}
pub(crate) use bind_cursor;

/// Rows fetched with `limit + 1`: the page, and the cursor after it when more follow.
pub(crate) fn page<T>(
    mut rows: Vec<T>,
    limit: u32,
    key: impl Fn(&T) -> (Key, Uuid),
) -> (Vec<T>, Option<Cursor>) {
    let more = rows.len() > limit as usize;
    rows.truncate(limit as usize);
    let next = more
        .then(|| rows.last().map(&key))
        .flatten()
        .map(|(key, id)| Cursor { key, id });
    (rows, next)
}

impl crate::Db {
    /// A cursor given only by id, completed with that row's key in `table`; `None` when
    /// the row does not exist (the list then starts from the beginning).
    pub(crate) async fn resolve_cursor(
        &self,
        table: &str,
        sort: &Sort,
        cursor: Option<Cursor>,
    ) -> crate::Result<Option<Cursor>> {
        let Some(c) = cursor else { return Ok(None) };
        if !c.fits(sort) {
            return Err(crate::DbError::Conflict("invalid_cursor"));
        }
        if c.key != Key::Lookup {
            return Ok(Some(c));
        }
        let sql = format!("SELECT {} FROM {table} WHERE id = $1", sort.column);
        let sql = || sqlx::AssertSqlSafe(sql.clone());
        let key = crate::with_pool!(self, p => match sort.kind {
            KeyKind::Text => sqlx::query_scalar::<_, Option<String>>(sql()).bind(c.id).fetch_optional(p).await?
                .map(|v| v.map_or(Key::Null, Key::Text)),
            KeyKind::Int => sqlx::query_scalar::<_, Option<i64>>(sql()).bind(c.id).fetch_optional(p).await?
                .map(|v| v.map_or(Key::Null, Key::Int)),
            KeyKind::Date => sqlx::query_scalar::<_, Option<NaiveDate>>(sql()).bind(c.id).fetch_optional(p).await?
                .map(Key::date),
            KeyKind::Time => sqlx::query_scalar::<_, Option<DateTime<Utc>>>(sql()).bind(c.id).fetch_optional(p).await?
                .map(Key::time),
        });
        Ok(key.map(|key| Cursor { key, id: c.id }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_read_back_what_they_write() {
        let id = Uuid::now_v7();
        let keys = [
            Key::Text("上海~云帆 & Co".into()),
            Key::Int(-5),
            Key::Date(NaiveDate::from_ymd_opt(2025, 3, 9).unwrap()),
            Key::Time(DateTime::from_timestamp_micros(1_700_000_000_123_456).unwrap()),
            Key::Null,
            Key::Lookup,
        ];
        for key in keys {
            let c = Cursor { key, id };
            assert_eq!(Cursor::parse(&c.to_string()), Some(c));
        }
        for bad in [
            "",
            "x1~abc",
            "i1x~0190",
            "nope",
            "d2025-13-01~00000000-0000-0000-0000-000000000000",
        ] {
            assert_eq!(Cursor::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn only_whitelisted_sorts() {
        assert_eq!(find(DEALS, "").unwrap().name, "created");
        assert_eq!(find(DEALS, "amount").unwrap().column, "amount_minor");
        assert!(find(DEALS, "amount_minor; DROP TABLE deals").is_none());
        assert!(find(ACCOUNTS, "amount").is_none());
    }
}
