//! Dates and date-times as CRM exports write them.

use calamine::{ExcelDateTime, ExcelDateTimeType};
use chrono::{Duration, NaiveDate, NaiveDateTime, NaiveTime};

/// A parsed moment, remembering whether the text carried a time of day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct When {
    pub at: NaiveDateTime,
    pub has_time: bool,
}

/// A calendar date: ISO `2026-03-05` (a time part is allowed and dropped),
/// US `3/5/2026`, `2026/03/05`, `2026.03.05`, `2026年3月5日`.
pub fn parse_date(text: &str) -> Option<NaiveDate> {
    parse_when(text).map(|w| w.at.date())
}

/// A date-time in any of the [`parse_date`] forms followed by `10:00[:00[.fff]]`,
/// optional `AM`/`PM`, optional `Z` or `±hh[:]mm` offset. Times with an offset are
/// converted to UTC; times without one are kept as written. A bare date is midnight.
pub fn parse_datetime(text: &str) -> Option<NaiveDateTime> {
    parse_when(text).map(|w| w.at)
}

pub(crate) fn parse_when(text: &str) -> Option<When> {
    let text = text.trim();
    let (date_text, time_text) = split_date_time(text);
    let date = if date_text.contains('年') {
        chinese_date(date_text)?
    } else {
        numeric_date(date_text)?
    };
    if time_text.is_empty() {
        return Some(When {
            at: date.and_time(NaiveTime::MIN),
            has_time: false,
        });
    }
    let (time, offset_minutes) = time_of_day(time_text)?;
    let at = date.and_time(time) - Duration::minutes(offset_minutes);
    Some(When { at, has_time: true })
}

/// Converts a plain number in a date column (1900 date system) to a date-time.
pub(crate) fn excel_serial(serial: f64) -> Option<NaiveDateTime> {
    // Excel's own range: 1900-01-01 up to 9999-12-31; beyond it calamine would clamp.
    if !(1.0..2_958_466.0).contains(&serial) {
        return None;
    }
    excel_datetime(&ExcelDateTime::new(
        serial,
        ExcelDateTimeType::DateTime,
        false,
    ))
}

/// Converts a date-formatted XLSX cell; calamine knows the workbook's date system.
pub(crate) fn excel_datetime(dt: &ExcelDateTime) -> Option<NaiveDateTime> {
    let (y, mo, d, h, mi, s, ms) = dt.to_ymd_hms_milli();
    let date = NaiveDate::from_ymd_opt(y.into(), mo.into(), d.into())?;
    let time = NaiveTime::from_hms_milli_opt(h.into(), mi.into(), s.into(), ms.into())?;
    Some(date.and_time(time))
}

fn split_date_time(text: &str) -> (&str, &str) {
    if let Some(end) = text.find('日') {
        let cut = end + '日'.len_utf8();
        return (&text[..cut], text[cut..].trim());
    }
    match text.find([' ', 'T', 't']) {
        Some(i) => (&text[..i], text[i + 1..].trim()),
        None => (text, ""),
    }
}

fn chinese_date(text: &str) -> Option<NaiveDate> {
    let body = text.strip_suffix('日')?;
    let (year, rest) = body.split_once('年')?;
    let (month, day) = rest.split_once('月')?;
    ymd(year.trim(), month.trim(), day.trim())
}

fn numeric_date(text: &str) -> Option<NaiveDate> {
    let sep = text.chars().find(|c| matches!(c, '-' | '/' | '.'))?;
    let parts: Vec<&str> = text.split(sep).collect();
    let [a, b, c] = parts[..] else {
        return None;
    };
    if a.len() == 4 {
        ymd(a, b, c)
    } else if sep == '/' && c.len() == 4 {
        // Year last with slashes: the US month/day order that Salesforce, Zoho and
        // HubSpot use in US-locale exports. Day-first files fail instead of guessing.
        ymd(c, a, b)
    } else {
        None
    }
}

fn ymd(year: &str, month: &str, day: &str) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(number(year)? as i32, number(month)?, number(day)?)
}

/// A short run of ASCII digits; rejects signs and spaces that `str::parse` would allow.
fn number(text: &str) -> Option<u32> {
    if text.is_empty() || text.len() > 4 || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

/// Parses `hh:mm[:ss[.fff]] [AM|PM] [Z|±hh[:mm]]`; returns the time and the UTC offset.
fn time_of_day(text: &str) -> Option<(NaiveTime, i64)> {
    let (clock, offset) = split_offset(text)?;
    let clock = clock.trim();
    let upper = clock.to_ascii_uppercase();
    let (clock, meridiem) = if let Some(c) = upper.strip_suffix("AM") {
        (c.trim_end(), Some(false))
    } else if let Some(c) = upper.strip_suffix("PM") {
        (c.trim_end(), Some(true))
    } else {
        (clock, None)
    };
    let mut fields = clock.split(':');
    let mut hour = number(fields.next()?)?;
    let minute = number(fields.next()?)?;
    let (second, milli) = match fields.next() {
        None => (0, 0),
        Some(s) => seconds(s)?,
    };
    if fields.next().is_some() {
        return None;
    }
    if let Some(pm) = meridiem {
        if !(1..=12).contains(&hour) {
            return None;
        }
        hour = hour % 12 + if pm { 12 } else { 0 };
    }
    Some((
        NaiveTime::from_hms_milli_opt(hour, minute, second, milli)?,
        offset,
    ))
}

fn seconds(text: &str) -> Option<(u32, u32)> {
    let (whole, frac) = text.split_once('.').unwrap_or((text, ""));
    let digits: String = frac.chars().chain("000".chars()).take(3).collect();
    let milli = if frac.is_empty() {
        0
    } else if frac.bytes().all(|b| b.is_ascii_digit()) {
        digits.parse().ok()?
    } else {
        return None;
    };
    Some((number(whole)?, milli))
}

/// Splits a trailing `Z` or `±hh[:mm]` / `±hhmm` offset; returns minutes east of UTC.
fn split_offset(text: &str) -> Option<(&str, i64)> {
    if let Some(clock) = text.strip_suffix(['Z', 'z']) {
        return Some((clock, 0));
    }
    let Some(i) = text.rfind(['+', '-']) else {
        return Some((text, 0));
    };
    let (clock, offset) = (&text[..i], &text[i + 1..]);
    let digits: String = offset.chars().filter(|c| *c != ':').collect();
    let all_digits = digits.bytes().all(|b| b.is_ascii_digit());
    if !all_digits || (digits.len() != 2 && digits.len() != 4) {
        return None;
    }
    let hours = i64::from(number(&digits[..2])?);
    let minutes = if digits.len() == 4 {
        i64::from(number(&digits[2..])?)
    } else {
        0
    };
    if hours > 14 || minutes > 59 {
        return None;
    }
    let sign = if text[i..].starts_with('-') { -1 } else { 1 };
    Some((clock, sign * (hours * 60 + minutes)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn dt(y: i32, m: u32, day: u32, h: u32, mi: u32, s: u32) -> NaiveDateTime {
        d(y, m, day).and_hms_opt(h, mi, s).unwrap()
    }

    #[test]
    fn date_table() {
        let table: &[(&str, Option<NaiveDate>)] = &[
            ("2026-03-05", Some(d(2026, 3, 5))),
            ("2026-03-05T10:00:00Z", Some(d(2026, 3, 5))),
            ("2026-03-05 10:00:00", Some(d(2026, 3, 5))),
            ("3/5/2026", Some(d(2026, 3, 5))),
            ("03/05/2026", Some(d(2026, 3, 5))),
            ("12/31/2025 11:59 PM", Some(d(2025, 12, 31))),
            ("2026/03/05", Some(d(2026, 3, 5))),
            ("2026/3/5", Some(d(2026, 3, 5))),
            ("2026.03.05", Some(d(2026, 3, 5))),
            ("2026年3月5日", Some(d(2026, 3, 5))),
            ("2026年03月05日 14:30", Some(d(2026, 3, 5))),
            (" 2024-02-29 ", Some(d(2024, 2, 29))),
            ("2025-02-29", None),
            ("13/5/2026", None),
            ("31/12/2025", None),
            ("05.03.2026", None),
            ("2026-3", None),
            ("next tuesday", None),
            ("", None),
            ("2026-03-05 25:00", None),
            ("+2026-03-05", None),
        ];
        for (text, expected) in table {
            assert_eq!(parse_date(text), *expected, "parse_date({text:?})");
        }
    }

    #[test]
    fn datetime_table() {
        let table: &[(&str, Option<NaiveDateTime>)] = &[
            ("2026-03-05", Some(dt(2026, 3, 5, 0, 0, 0))),
            ("2026-03-05T10:00:00Z", Some(dt(2026, 3, 5, 10, 0, 0))),
            ("2026-03-05T10:00:00+08:00", Some(dt(2026, 3, 5, 2, 0, 0))),
            (
                "2026-03-05T01:00:00.000+0800",
                Some(dt(2026, 3, 4, 17, 0, 0)),
            ),
            ("2026-03-05T10:00:00-05", Some(dt(2026, 3, 5, 15, 0, 0))),
            ("2026-03-05 10:00", Some(dt(2026, 3, 5, 10, 0, 0))),
            ("3/5/2026 2:05 PM", Some(dt(2026, 3, 5, 14, 5, 0))),
            ("3/5/2026 12:00 AM", Some(dt(2026, 3, 5, 0, 0, 0))),
            ("3/5/2026 12:30 pm", Some(dt(2026, 3, 5, 12, 30, 0))),
            ("2026年3月5日 09:15:30", Some(dt(2026, 3, 5, 9, 15, 30))),
            ("3/5/2026 13:00 PM", None),
            ("2026-03-05 10", None),
            ("2026-03-05 10:00:00+99:00", None),
            ("2026-03-05 10:00:00+a€", None),
        ];
        for (text, expected) in table {
            assert_eq!(parse_datetime(text), *expected, "parse_datetime({text:?})");
        }
        let millis = parse_datetime("2026-03-05 10:00:00.250").unwrap();
        assert_eq!(millis.and_utc().timestamp_subsec_millis(), 250);
    }

    #[test]
    fn excel_serials() {
        assert_eq!(excel_serial(46086.0), Some(dt(2026, 3, 5, 0, 0, 0)));
        assert_eq!(excel_serial(46086.5), Some(dt(2026, 3, 5, 12, 0, 0)));
        assert_eq!(excel_serial(1.0), Some(dt(1900, 1, 1, 0, 0, 0)));
        assert_eq!(excel_serial(0.0), None);
        assert_eq!(excel_serial(-3.0), None);
        assert_eq!(excel_serial(f64::NAN), None);
        assert_eq!(excel_serial(1e12), None);
    }
}
