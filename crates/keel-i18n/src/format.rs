//! Dates, numbers and money as each language writes them.

use crate::Locale;
use chrono::{DateTime, Datelike, NaiveDate, Offset, TimeZone, Timelike};

const MONTHS_EN: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// A UTC offset as people read it: `UTC+8`, `UTC-4`, `UTC+5:30`.
pub fn offset_label(seconds: i32) -> String {
    let sign = if seconds < 0 { '-' } else { '+' };
    let minutes = seconds.unsigned_abs() / 60;
    match minutes % 60 {
        0 => format!("UTC{sign}{}", minutes / 60),
        m => format!("UTC{sign}{}:{m:02}", minutes / 60),
    }
}

impl Locale {
    /// `2026年3月5日` / `5 Mar 2026`.
    pub fn date(self, d: NaiveDate) -> String {
        match self {
            Locale::ZhCn => format!("{}年{}月{}日", d.year(), d.month(), d.day()),
            Locale::En => format!(
                "{} {} {}",
                d.day(),
                MONTHS_EN[d.month0() as usize],
                d.year()
            ),
        }
    }

    /// A moment, to the minute, in the zone it is given in, with that zone's UTC offset at
    /// the time (so a reader never has to guess): `5 Mar 2026 17:07 UTC+8`. Callers pass the
    /// instant in the viewer's zone (`zone.local(t)`).
    pub fn moment<Tz: TimeZone>(self, t: DateTime<Tz>) -> String {
        let offset = t.offset().fix().local_minus_utc();
        let local = t.naive_local();
        format!(
            "{} {:02}:{:02} {}",
            self.date(local.date()),
            local.hour(),
            local.minute(),
            offset_label(offset)
        )
    }

    /// An integer with thousands separators (both languages group by three with commas).
    pub fn number(self, n: i64) -> String {
        let digits = n.unsigned_abs().to_string();
        let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
        if n < 0 {
            out.push('-');
        }
        for (i, c) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i).is_multiple_of(3) {
                out.push(',');
            }
            out.push(c);
        }
        out
    }

    /// A number kept in integer tenths or hundredths, shown with its decimals:
    /// `fixed(4567, 2)` is `45.67`, `fixed(-5, 1)` is `-0.5`.
    pub fn fixed(self, scaled: i64, decimals: u32) -> String {
        let unit = 10_i64.pow(decimals);
        let sign = if scaled < 0 { "-" } else { "" };
        let abs = scaled.unsigned_abs();
        let whole = self.number((abs / unit as u64) as i64);
        if decimals == 0 {
            return format!("{sign}{whole}");
        }
        let frac = abs % unit as u64;
        format!("{sign}{whole}.{frac:0width$}", width = decimals as usize)
    }

    /// Money from integer minor units (cents, fen), never through floating point:
    /// `¥1,234.50` / `CN¥1,234.50`; other currencies by code.
    pub fn money(self, minor: i64, currency: &str) -> String {
        let sign = if minor < 0 { "-" } else { "" };
        let abs = minor.unsigned_abs();
        let major = self.number((abs / 100) as i64);
        let cents = abs % 100;
        let symbol = match (currency, self) {
            ("CNY", Locale::ZhCn) => "¥".to_owned(),
            ("CNY", Locale::En) => "CN¥".to_owned(),
            ("USD", _) => "US$".to_owned(),
            ("EUR", _) => "€".to_owned(),
            (code, _) => format!("{code} "),
        };
        format!("{sign}{symbol}{major}.{cents:02}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_read_naturally_in_each_language() {
        let d = NaiveDate::from_ymd_opt(2026, 3, 5).unwrap();
        assert_eq!(Locale::ZhCn.date(d), "2026年3月5日");
        assert_eq!(Locale::En.date(d), "5 Mar 2026");
        let t = d.and_hms_opt(9, 7, 0).unwrap().and_utc();
        assert_eq!(Locale::En.moment(t), "5 Mar 2026 09:07 UTC+0");
        let beijing = chrono::FixedOffset::east_opt(8 * 3600).unwrap();
        assert_eq!(
            Locale::ZhCn.moment(t.with_timezone(&beijing)),
            "2026年3月5日 17:07 UTC+8"
        );
        assert_eq!(offset_label(-4 * 3600), "UTC-4");
        assert_eq!(offset_label(19800), "UTC+5:30");
    }

    #[test]
    fn fixed_point_numbers_keep_their_decimals() {
        assert_eq!(Locale::En.fixed(4567, 2), "45.67");
        assert_eq!(Locale::En.fixed(-5, 1), "-0.5");
        assert_eq!(Locale::ZhCn.fixed(1_234_560, 1), "123,456.0");
        assert_eq!(Locale::En.fixed(7, 0), "7");
    }

    #[test]
    fn numbers_and_money_group_thousands_without_floats() {
        assert_eq!(Locale::En.number(0), "0");
        assert_eq!(Locale::En.number(999), "999");
        assert_eq!(Locale::En.number(1000), "1,000");
        assert_eq!(Locale::ZhCn.number(-1234567), "-1,234,567");
        assert_eq!(Locale::ZhCn.money(123450, "CNY"), "¥1,234.50");
        assert_eq!(Locale::En.money(-5, "CNY"), "-CN¥0.05");
        assert_eq!(
            Locale::En.money(i64::MAX, "USD"),
            "US$92,233,720,368,547,758.07"
        );
        assert_eq!(Locale::En.money(100, "HKD"), "HKD 1.00");
    }
}
