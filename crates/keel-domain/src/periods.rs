//! Goal periods and chart buckets. A period is a closed range of calendar days with a kind,
//! written as the text people type (`2026-11`, `2026-Q4`, `2026-H2`, `2026`,
//! `2026-10-01..2026-12-31`) so URLs, forms and the database share one spelling.

use chrono::{Datelike, Months, NaiveDate, TimeDelta};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PeriodKind {
    Month,
    Quarter,
    Half,
    Year,
    Custom,
}

impl PeriodKind {
    pub const ALL: [PeriodKind; 5] = [
        PeriodKind::Month,
        PeriodKind::Quarter,
        PeriodKind::Half,
        PeriodKind::Year,
        PeriodKind::Custom,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            PeriodKind::Month => "month",
            PeriodKind::Quarter => "quarter",
            PeriodKind::Half => "half",
            PeriodKind::Year => "year",
            PeriodKind::Custom => "custom",
        }
    }

    pub fn parse(s: &str) -> Option<PeriodKind> {
        PeriodKind::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// Length in months of a calendar kind; `None` for custom, which has no fixed length.
    fn months(self) -> Option<u32> {
        match self {
            PeriodKind::Month => Some(1),
            PeriodKind::Quarter => Some(3),
            PeriodKind::Half => Some(6),
            PeriodKind::Year => Some(12),
            PeriodKind::Custom => None,
        }
    }
}

/// Why a period text was refused; `code()` is the stable key forms and the API report.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PeriodError {
    /// Not one of the accepted spellings, or not a real date.
    Invalid,
    /// A custom range whose end comes before its start.
    EndBeforeStart,
}

impl PeriodError {
    pub fn code(self) -> &'static str {
        match self {
            PeriodError::Invalid => "invalid_period",
            PeriodError::EndBeforeStart => "period_end_before_start",
        }
    }
}

impl fmt::Display for PeriodError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl std::error::Error for PeriodError {}

/// A closed range of days: `end` is the last day *in* the period, so a month ends on its
/// 30th/31st, which is what people mean by "due by the end of November".
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Period {
    pub kind: PeriodKind,
    pub start: NaiveDate,
    pub end: NaiveDate,
}

impl Period {
    /// Parses the canonical spellings (see module doc). Years are four digits; `q`/`h` may be
    /// lower case and surrounding spaces are ignored.
    pub fn parse(text: &str) -> Result<Period, PeriodError> {
        let text = text.trim();
        if let Some((a, b)) = text.split_once("..") {
            let start = ymd(a.trim()).ok_or(PeriodError::Invalid)?;
            let end = ymd(b.trim()).ok_or(PeriodError::Invalid)?;
            return Period::custom(start, end);
        }
        let (year_text, rest) = text.split_once('-').unwrap_or((text, ""));
        let year = year4(year_text).ok_or(PeriodError::Invalid)?;
        let (kind, month) = if rest.is_empty() {
            (PeriodKind::Year, 1)
        } else if let Some(q) = rest.strip_prefix(['Q', 'q']) {
            (PeriodKind::Quarter, (small(q, 1, 4)? - 1) * 3 + 1)
        } else if let Some(h) = rest.strip_prefix(['H', 'h']) {
            (PeriodKind::Half, (small(h, 1, 2)? - 1) * 6 + 1)
        } else {
            (PeriodKind::Month, small(rest, 1, 12)?)
        };
        let first = NaiveDate::from_ymd_opt(year, month, 1).ok_or(PeriodError::Invalid)?;
        Period::containing(kind, first).ok_or(PeriodError::Invalid)
    }

    /// A custom range; refuses an end before the start.
    pub fn custom(start: NaiveDate, end: NaiveDate) -> Result<Period, PeriodError> {
        if end < start {
            return Err(PeriodError::EndBeforeStart);
        }
        Ok(Period {
            kind: PeriodKind::Custom,
            start,
            end,
        })
    }

    /// The canonical text; `Period::parse(&p.label()) == Ok(p)`.
    pub fn label(&self) -> String {
        let (y, m) = (self.start.year(), self.start.month());
        match self.kind {
            PeriodKind::Month => format!("{y:04}-{m:02}"),
            PeriodKind::Quarter => format!("{y:04}-Q{}", (m - 1) / 3 + 1),
            PeriodKind::Half => format!("{y:04}-H{}", (m - 1) / 6 + 1),
            PeriodKind::Year => format!("{y:04}"),
            PeriodKind::Custom => format!("{}..{}", self.start, self.end),
        }
    }

    /// The calendar month/quarter/half/year that holds `date`; `None` for `Custom`, which
    /// has no calendar to align to.
    pub fn containing(kind: PeriodKind, date: NaiveDate) -> Option<Period> {
        let len = kind.months()?;
        let start = NaiveDate::from_ymd_opt(date.year(), date.month0() / len * len + 1, 1)?;
        let end = start.checked_add_months(Months::new(len))?.pred_opt()?;
        Some(Period { kind, start, end })
    }

    /// The period of the same length just before this one: last quarter for a quarter, and
    /// for a custom range the same number of days ending the day before it starts.
    pub fn previous(&self) -> Period {
        let before = self.start.pred_opt().unwrap_or(self.start);
        match Period::containing(self.kind, before) {
            Some(p) => p,
            None => Period {
                kind: self.kind,
                start: before - TimeDelta::days(i64::from(self.days()) - 1),
                end: before,
            },
        }
    }

    /// The same period one year earlier, for year-on-year comparison. A custom range keeps
    /// its calendar dates; 29 February becomes 28 February.
    pub fn same_last_year(&self) -> Period {
        let back = |d: NaiveDate| d.checked_sub_months(Months::new(12)).unwrap_or(d);
        Period::containing(self.kind, back(self.start)).unwrap_or(Period {
            kind: self.kind,
            start: back(self.start),
            end: back(self.end),
        })
    }

    /// Number of days in the period, both ends counted.
    pub fn days(&self) -> u32 {
        let n = (self.end - self.start).num_days() + 1;
        u32::try_from(n.max(0)).unwrap_or(u32::MAX)
    }

    pub fn contains(&self, date: NaiveDate) -> bool {
        self.start <= date && date <= self.end
    }
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.label())
    }
}

impl FromStr for Period {
    type Err = PeriodError;
    fn from_str(s: &str) -> Result<Period, PeriodError> {
        Period::parse(s)
    }
}

/// Days of `period` gone by on `today`, counting today, clamped to `[0, total]`; returned as
/// `(elapsed, total)` so pace maths stays in integers.
pub fn elapsed_fraction(period: &Period, today: NaiveDate) -> (u32, u32) {
    let total = period.days();
    let elapsed = (today - period.start).num_days() + 1;
    let elapsed = u32::try_from(elapsed.clamp(0, i64::from(total))).unwrap_or(total);
    (elapsed, total)
}

/// The grain of a time-series chart.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Bucket {
    Week,
    Month,
    Quarter,
}

impl Bucket {
    pub fn as_str(self) -> &'static str {
        match self {
            Bucket::Week => "week",
            Bucket::Month => "month",
            Bucket::Quarter => "quarter",
        }
    }

    pub fn parse(s: &str) -> Option<Bucket> {
        [Bucket::Week, Bucket::Month, Bucket::Quarter]
            .into_iter()
            .find(|b| b.as_str() == s)
    }

    /// First day of the bucket holding `date`. Weeks are ISO weeks, starting on Monday.
    pub fn start_of(self, date: NaiveDate) -> NaiveDate {
        match self {
            Bucket::Week => {
                date - TimeDelta::days(i64::from(date.weekday().num_days_from_monday()))
            }
            Bucket::Month => date.with_day(1).unwrap_or(date),
            Bucket::Quarter => {
                Period::containing(PeriodKind::Quarter, date).map_or(date, |p| p.start)
            }
        }
    }

    /// First day of the bucket after the one starting at `start`.
    pub fn next(self, start: NaiveDate) -> NaiveDate {
        let next = match self {
            Bucket::Week => start.checked_add_days(chrono::Days::new(7)),
            Bucket::Month => start.checked_add_months(Months::new(1)),
            Bucket::Quarter => start.checked_add_months(Months::new(3)),
        };
        next.unwrap_or(NaiveDate::MAX)
    }

    /// Axis label of the bucket starting at `start`: `2026-W48` (ISO week-year), `2026-11`,
    /// `2026-Q4`.
    pub fn label(self, start: NaiveDate) -> String {
        match self {
            Bucket::Week => {
                let w = start.iso_week();
                format!("{:04}-W{:02}", w.year(), w.week())
            }
            Bucket::Month => format!("{:04}-{:02}", start.year(), start.month()),
            Bucket::Quarter => format!("{:04}-Q{}", start.year(), start.month0() / 3 + 1),
        }
    }
}

/// Starts of the buckets covering `[from, to]`, oldest first; empty when `from > to`.
pub fn buckets(from: NaiveDate, to: NaiveDate, bucket: Bucket) -> Vec<NaiveDate> {
    let mut out = Vec::new();
    if from > to {
        return out;
    }
    let mut at = bucket.start_of(from);
    while at <= to {
        out.push(at);
        let next = bucket.next(at);
        if next <= at {
            break;
        }
        at = next;
    }
    out
}

/// Exactly four ASCII digits.
fn year4(s: &str) -> Option<i32> {
    (s.len() == 4 && s.bytes().all(|b| b.is_ascii_digit()))
        .then(|| s.parse().ok())
        .flatten()
}

/// One or two ASCII digits within `[lo, hi]`.
fn small(s: &str, lo: u32, hi: u32) -> Result<u32, PeriodError> {
    (matches!(s.len(), 1 | 2) && s.bytes().all(|b| b.is_ascii_digit()))
        .then(|| s.parse().ok())
        .flatten()
        .filter(|n| (lo..=hi).contains(n))
        .ok_or(PeriodError::Invalid)
}

/// `YYYY-MM-DD` (month and day may be one digit) naming a real day.
fn ymd(s: &str) -> Option<NaiveDate> {
    let mut parts = s.split('-');
    let y = year4(parts.next()?)?;
    let m = small(parts.next()?, 1, 12).ok()?;
    let d = small(parts.next()?, 1, 31).ok()?;
    if parts.next().is_some() {
        return None;
    }
    NaiveDate::from_ymd_opt(y, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn p(s: &str) -> Period {
        Period::parse(s).unwrap()
    }

    #[test]
    fn parses_every_spelling() {
        assert_eq!(
            p("2026-11"),
            Period {
                kind: PeriodKind::Month,
                start: d(2026, 11, 1),
                end: d(2026, 11, 30)
            }
        );
        let q = p("2026-q4");
        assert_eq!(
            (q.kind, q.start, q.end),
            (PeriodKind::Quarter, d(2026, 10, 1), d(2026, 12, 31))
        );
        assert_eq!(q.label(), "2026-Q4");
        let h = p(" 2026-H1 ");
        assert_eq!(
            (h.kind, h.start, h.end),
            (PeriodKind::Half, d(2026, 1, 1), d(2026, 6, 30))
        );
        let y = p("2024");
        assert_eq!((y.kind, y.days()), (PeriodKind::Year, 366));
        let c = p("2026-10-01..2026-12-31");
        assert_eq!(
            (c.kind, c.start, c.end),
            (PeriodKind::Custom, d(2026, 10, 1), d(2026, 12, 31))
        );
        assert_eq!(p("2026-10-05..2026-10-05").days(), 1);
        assert_eq!(p("2024-02").end, d(2024, 2, 29));
    }

    #[test]
    fn refuses_nonsense() {
        for bad in [
            "",
            "26",
            "2026-13",
            "2026-00",
            "2026-Q5",
            "2026-Q0",
            "2026-H3",
            "2026-X1",
            "2026-02-30..2026-03-01",
            "2026-1-1..",
            "20260",
            "2026-11-",
            "２０２６",
        ] {
            assert_eq!(Period::parse(bad), Err(PeriodError::Invalid), "{bad:?}");
        }
        let err = Period::parse("2026-12-31..2026-10-01").unwrap_err();
        assert_eq!(err.code(), "period_end_before_start");
        assert_eq!(PeriodError::Invalid.code(), "invalid_period");
    }

    #[test]
    fn previous_and_last_year() {
        assert_eq!(p("2026-01").previous(), p("2025-12"));
        assert_eq!(p("2026-Q1").previous(), p("2025-Q4"));
        assert_eq!(p("2026-H2").previous(), p("2026-H1"));
        assert_eq!(p("2026").previous(), p("2025"));
        assert_eq!(
            p("2026-10-01..2026-10-10").previous(),
            p("2026-09-21..2026-09-30")
        );
        assert_eq!(p("2026-Q4").same_last_year(), p("2025-Q4"));
        assert_eq!(p("2024-02").same_last_year(), p("2023-02"));
        assert_eq!(
            p("2024-02-10..2024-02-29").same_last_year(),
            p("2023-02-10..2023-02-28")
        );
    }

    #[test]
    fn kind_text_round_trips() {
        for k in PeriodKind::ALL {
            assert_eq!(PeriodKind::parse(k.as_str()), Some(k));
        }
        assert_eq!(PeriodKind::parse("week"), None);
        assert_eq!(Period::containing(PeriodKind::Custom, d(2026, 1, 1)), None);
    }

    #[test]
    fn elapsed_counts_today_and_clamps() {
        let q = p("2026-Q4"); // 92 days
        assert_eq!(elapsed_fraction(&q, d(2026, 9, 30)), (0, 92));
        assert_eq!(elapsed_fraction(&q, d(2026, 10, 1)), (1, 92));
        assert_eq!(elapsed_fraction(&q, d(2026, 11, 15)), (46, 92));
        assert_eq!(elapsed_fraction(&q, d(2026, 12, 31)), (92, 92));
        assert_eq!(elapsed_fraction(&q, d(2027, 3, 1)), (92, 92));
    }

    #[test]
    fn buckets_and_labels() {
        // 2026-11-26 is a Thursday in ISO week 48.
        let thu = d(2026, 11, 26);
        assert_eq!(Bucket::Week.start_of(thu), d(2026, 11, 23));
        assert_eq!(Bucket::Week.label(d(2026, 11, 23)), "2026-W48");
        // 2026-12-28 (Monday) belongs to ISO week 53 of 2026; 2024-12-30 to week 1 of 2025.
        assert_eq!(Bucket::Week.label(d(2026, 12, 28)), "2026-W53");
        assert_eq!(Bucket::Week.label(d(2024, 12, 30)), "2025-W01");
        assert_eq!(Bucket::Month.start_of(thu), d(2026, 11, 1));
        assert_eq!(Bucket::Month.label(d(2026, 11, 1)), "2026-11");
        assert_eq!(Bucket::Quarter.start_of(thu), d(2026, 10, 1));
        assert_eq!(Bucket::Quarter.label(d(2026, 10, 1)), "2026-Q4");
        assert_eq!(
            buckets(d(2026, 11, 15), d(2027, 2, 1), Bucket::Month),
            vec![d(2026, 11, 1), d(2026, 12, 1), d(2027, 1, 1), d(2027, 2, 1)]
        );
        assert_eq!(
            buckets(d(2026, 11, 26), d(2026, 12, 7), Bucket::Week),
            vec![d(2026, 11, 23), d(2026, 11, 30), d(2026, 12, 7)]
        );
        assert!(buckets(d(2026, 2, 1), d(2026, 1, 1), Bucket::Week).is_empty());
        assert_eq!(Bucket::parse("quarter"), Some(Bucket::Quarter));
    }

    fn any_date() -> impl Strategy<Value = NaiveDate> {
        // 1900-01-01 ..= 2199-12-31, well inside four-digit years.
        (0i64..109_572).prop_map(|n| d(1900, 1, 1) + TimeDelta::days(n))
    }

    fn any_period() -> impl Strategy<Value = Period> {
        (any_date(), 0usize..5, 0i64..800).prop_map(|(date, k, len)| {
            let kind = PeriodKind::ALL[k];
            Period::containing(kind, date).unwrap_or(Period {
                kind,
                start: date,
                end: date + TimeDelta::days(len),
            })
        })
    }

    proptest! {
        #[test]
        fn label_round_trips(period in any_period()) {
            prop_assert_eq!(Period::parse(&period.label()), Ok(period));
        }

        #[test]
        fn previous_is_adjacent(period in any_period()) {
            let prev = period.previous();
            prop_assert_eq!(prev.kind, period.kind);
            prop_assert_eq!(prev.end.succ_opt().unwrap(), period.start);
            if period.kind == PeriodKind::Custom {
                prop_assert_eq!(prev.days(), period.days());
            }
        }

        #[test]
        fn buckets_cover_without_gaps(from in any_date(), len in 0i64..1000, b in 0usize..3) {
            let bucket = [Bucket::Week, Bucket::Month, Bucket::Quarter][b];
            let to = from + TimeDelta::days(len);
            let starts = buckets(from, to, bucket);
            prop_assert!(!starts.is_empty());
            prop_assert!(starts[0] <= from);
            prop_assert!(*starts.last().unwrap() <= to);
            prop_assert!(bucket.next(*starts.last().unwrap()) > to);
            for w in starts.windows(2) {
                prop_assert_eq!(bucket.next(w[0]), w[1]);
            }
            // Every day in range falls in the bucket whose start is the latest one <= it.
            let mut day = from;
            while day <= to {
                let s = bucket.start_of(day);
                prop_assert!(s <= day);
                prop_assert!(starts.contains(&s));
                day += TimeDelta::days(1);
            }
        }

        #[test]
        fn elapsed_stays_in_range(period in any_period(), today in any_date()) {
            let (e, t) = elapsed_fraction(&period, today);
            prop_assert_eq!(t, period.days());
            prop_assert!(e <= t);
            prop_assert_eq!(e > 0, today >= period.start);
        }
    }
}
