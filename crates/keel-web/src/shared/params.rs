//! Parameters as pages and the API read them: ids, scopes, back links, paging, and dates,
//! which are bounded to years 1900 to 9999 everywhere (chrono reads years up to ±262,143, and
//! date arithmetic near either end panics).

use crate::AppError;
use crate::auth::me::Me;
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use keel_db::rollups::Scope;
use keel_domain::metrics::Unit;
use keel_domain::periods::{Period, PeriodError};
use keel_domain::time::Zone;
use keel_i18n::Locale;
use serde::{Deserialize, Deserializer, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

/// A page of results; pass `next` back as `after` for the following page.
#[derive(Serialize, ToSchema)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub next: Option<String>,
}

/// A list's page size from its `limit` parameter: 100 unless asked, the storage layer keeps
/// it within 1 to 500.
pub fn page_size(limit: Option<u32>) -> u32 {
    limit.unwrap_or(100)
}

/// An id from a path. Anything that is not an id is, like an unknown id, 404.
pub fn parse_id(s: &str) -> Result<Uuid, AppError> {
    Uuid::parse_str(s).map_err(|_| AppError::NotFound)
}

/// An optional id from a query or form value; anything else is "none".
pub fn opt_id(s: &str) -> Option<Uuid> {
    Uuid::parse_str(s.trim()).ok()
}

/// Percent-encodes everything but the unreserved characters, for a query-string value.
pub fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// A local path to go back to after a form, never another site (browsers read `/\host` as
/// `//host`).
pub fn local(back: &str, fallback: &str) -> String {
    if back.starts_with('/') && !back.starts_with("//") && !back.starts_with("/\\") {
        back.to_owned()
    } else {
        fallback.to_owned()
    }
}

/// `org`, `team:<id>` or `person:<id>`.
pub fn parse_scope(s: &str) -> Option<Scope> {
    let s = s.trim();
    if s == "org" {
        return Some(Scope::Org);
    }
    let (kind, id) = s.split_once(':')?;
    let id = Uuid::parse_str(id.trim()).ok()?;
    match kind {
        "person" => Some(Scope::Person(id)),
        "team" => Some(Scope::Team(id)),
        _ => None,
    }
}

pub fn scope_text(scope: Scope) -> String {
    match scope {
        Scope::Org => "org".into(),
        Scope::Person(id) => format!("person:{id}"),
        Scope::Team(id) => format!("team:{id}"),
    }
}

/// The default scope: the organisation for those who see it, else oneself.
pub fn default_scope(me: &Me) -> Scope {
    let a = me.actor();
    if a.sees_everything() || a.is_hr {
        Scope::Org
    } else {
        Scope::Person(a.id)
    }
}

/// The years a date may have, anywhere keel reads one.
pub const MIN_YEAR: i32 = 1900;
pub const MAX_YEAR: i32 = 9999;

/// What a bounded deserializer says about a date outside the years; the extractors turn it
/// into a localized 422 on the field.
pub const DATE_OUT_OF_RANGE: &str = "date out of range (years 1900 to 9999)";

fn in_range(year: i32) -> bool {
    (MIN_YEAR..=MAX_YEAR).contains(&year)
}

/// `YYYY-MM-DD` with a year from 1900 to 9999, else `None` (blank included). For filters
/// where a bad value means "no filter".
pub fn date(s: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d")
        .ok()
        .filter(|d| in_range(d.year()))
}

/// The localized complaint about a date outside the years or not a date at all.
pub fn date_message(l: Locale) -> String {
    l.t_args(
        "field-date-range",
        &[
            ("min", &MIN_YEAR.to_string()),
            ("max", &MAX_YEAR.to_string()),
        ],
    )
}

/// A period as `Period::parse` reads it (`2026-Q4`, `2026-11`, `2026-01-01..2026-03-31`, ...)
/// within the same years as every date.
pub fn period(text: &str) -> Result<Period, PeriodError> {
    let p = Period::parse(text)?;
    if in_range(p.start.year()) && in_range(p.end.year()) {
        Ok(p)
    } else {
        Err(PeriodError::Invalid)
    }
}

/// `deserialize_with` helpers that read dates and instants as chrono does (so the OpenAPI
/// schema stays `format: date` / `date-time`) and refuse years outside 1900 to 9999.
pub mod bounded {
    use super::*;
    use serde::de::Error;

    fn check<E: Error>(year: i32) -> Result<(), E> {
        if in_range(year) {
            Ok(())
        } else {
            Err(E::custom(DATE_OUT_OF_RANGE))
        }
    }

    pub fn date<'de, D: Deserializer<'de>>(d: D) -> Result<NaiveDate, D::Error> {
        let v = NaiveDate::deserialize(d)?;
        check(v.year()).map(|()| v)
    }

    pub fn opt_date<'de, D: Deserializer<'de>>(d: D) -> Result<Option<NaiveDate>, D::Error> {
        let v = Option::<NaiveDate>::deserialize(d)?;
        if let Some(v) = v {
            check(v.year())?;
        }
        Ok(v)
    }

    /// A PATCH field: absent (`None`), `null` (`Some(None)`) or a date.
    pub fn patch_date<'de, D: Deserializer<'de>>(
        d: D,
    ) -> Result<Option<Option<NaiveDate>>, D::Error> {
        opt_date(d).map(Some)
    }

    pub fn opt_instant<'de, D: Deserializer<'de>>(d: D) -> Result<Option<DateTime<Utc>>, D::Error> {
        let v = Option::<DateTime<Utc>>::deserialize(d)?;
        if let Some(v) = v {
            check(v.year())?;
        }
        Ok(v)
    }
}

/// The largest magnitude a typed value may have (as for deal amounts, sums stay inside i64).
pub const MAX_VALUE: i64 = 1_000_000_000_000_000;

/// A value typed in the unit's reading (`12.5` for 12.5 %, `1,000.00` for money) as the
/// integer the unit keeps; `None` when it is not a number or has too many decimals.
pub fn parse_value(unit: Unit, text: &str) -> Option<i64> {
    let cleaned: String = text
        .trim()
        .trim_start_matches(['¥', '￥', '$', '€'])
        .trim_end_matches('%')
        .chars()
        .filter(|c| !matches!(c, ',' | ' ' | '\u{a0}'))
        .collect();
    let (negative, digits) = match cleaned.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, cleaned.as_str()),
    };
    let (int, frac) = digits.split_once('.').unwrap_or((digits, ""));
    let places = super::present::decimals(unit) as usize;
    if int.is_empty()
        || !int.bytes().all(|b| b.is_ascii_digit())
        || frac.len() > places
        || !frac.bytes().all(|b| b.is_ascii_digit())
        || int.len() > 18
    {
        return None;
    }
    let scale = 10_i64.pow(places as u32);
    let frac_value = if frac.is_empty() {
        0
    } else {
        frac.parse::<i64>().ok()? * 10_i64.pow((places - frac.len()) as u32)
    };
    let v = int
        .parse::<i64>()
        .ok()?
        .checked_mul(scale)?
        .checked_add(frac_value)?;
    (v <= MAX_VALUE).then_some(if negative { -v } else { v })
}

/// A zone from a form or body: `Ok(None)` when empty, a localized field error when unknown.
pub fn parse_zone(l: Locale, text: &str) -> Result<Option<Zone>, String> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    Zone::parse(text)
        .map(Some)
        .ok_or_else(|| l.t_args("field-zone-unknown", &[("zone", text)]))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ZoneForm {
    pub time_zone: String,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::shared::present::plain_value;

    #[test]
    fn values_parse_in_their_units_and_print_back() {
        assert_eq!(parse_value(Unit::Money, "¥1,000.5"), Some(100_050));
        assert_eq!(parse_value(Unit::Permille, "45.6%"), Some(456));
        assert_eq!(parse_value(Unit::Permille, "45"), Some(450));
        assert_eq!(parse_value(Unit::Score, "-20"), Some(-20));
        assert_eq!(parse_value(Unit::Count, "1.5"), None);
        assert_eq!(parse_value(Unit::Hundredths, "4.275"), None);
        assert_eq!(parse_value(Unit::Count, "abc"), None);
        assert_eq!(parse_value(Unit::Count, ""), None);
        for (unit, v) in [
            (Unit::Money, 100_050),
            (Unit::Permille, -5),
            (Unit::Hundredths, 427),
            (Unit::Count, 12),
        ] {
            assert_eq!(parse_value(unit, &plain_value(unit, v)), Some(v));
        }
    }

    #[test]
    fn dates_are_bounded_to_years_1900_to_9999() {
        assert_eq!(date("2026-11-30"), NaiveDate::from_ymd_opt(2026, 11, 30));
        assert_eq!(date(" 1900-01-01 "), NaiveDate::from_ymd_opt(1900, 1, 1));
        assert_eq!(date("9999-12-31"), NaiveDate::from_ymd_opt(9999, 12, 31));
        for bad in [
            "+262142-12-31",
            "-0001-01-01",
            "1899-12-31",
            "10000-01-01",
            "0000-01-01",
            "",
            "2026-02-30",
            "NaN",
        ] {
            assert_eq!(date(bad), None, "{bad}");
        }
        let bounded =
            |s: &str| bounded::date(serde_json::Value::String(s.into())).map_err(|e| e.to_string());
        assert!(bounded("2026-01-01").is_ok());
        assert_eq!(bounded("+262142-12-31").unwrap_err(), DATE_OUT_OF_RANGE);
        assert!(period("2026-Q4").is_ok());
        assert!(period("0001-Q1").is_err());
        assert!(period("1899-12-01..2026-01-01").is_err());
    }
}
