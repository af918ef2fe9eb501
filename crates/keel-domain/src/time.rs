//! Timestamps are made in Rust and truncated to microseconds: PostgreSQL keeps microseconds,
//! SQLite would keep whatever we give it, and a value must read back equal on both.

use chrono::{DateTime, DurationRound, NaiveDate, TimeDelta, TimeZone, Utc};
use chrono_tz::Tz;

/// The current time, truncated to whole microseconds.
pub fn now() -> DateTime<Utc> {
    truncate(Utc::now())
}

/// `t` truncated to whole microseconds.
pub fn truncate(t: DateTime<Utc>) -> DateTime<Utc> {
    t.duration_trunc(TimeDelta::microseconds(1)).unwrap_or(t)
}

/// An IANA time zone. The organisation's defines its calendar: which day, week (Monday start),
/// month and quarter an instant belongs to, and what "today" is. A viewer's decides only how
/// times are shown. Instants are stored in UTC; days are the zone's local dates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Zone(Tz);

impl Zone {
    /// The zone a new organisation starts with.
    pub const DEFAULT: Zone = Zone(chrono_tz::Asia::Shanghai);

    /// The zone of an IANA name such as `Asia/Shanghai` or `America/New_York`.
    pub fn parse(name: &str) -> Option<Zone> {
        name.trim().parse::<Tz>().ok().map(Zone)
    }

    /// Its IANA name, as stored.
    pub fn name(self) -> &'static str {
        self.0.name()
    }

    /// The local date of an instant.
    pub fn day_of(self, at: DateTime<Utc>) -> NaiveDate {
        at.with_timezone(&self.0).date_naive()
    }

    /// Today's local date.
    pub fn today(self) -> NaiveDate {
        self.day_of(Utc::now())
    }

    /// The instant a local day begins: its midnight, or the first instant after it where a
    /// daylight-saving change skips midnight (as in some zones' spring change).
    pub fn start_of(self, day: NaiveDate) -> DateTime<Utc> {
        let mut t = day.and_hms_opt(0, 0, 0).expect("midnight exists");
        // A gap is at most a few hours; step through it a quarter-hour at a time.
        for _ in 0..(24 * 4) {
            if let Some(local) = self.0.from_local_datetime(&t).earliest() {
                return local.with_timezone(&Utc);
            }
            t += TimeDelta::minutes(15);
        }
        Utc.from_utc_datetime(&day.and_hms_opt(0, 0, 0).expect("midnight exists"))
    }

    /// The half-open UTC range `[start, end)` covering the local days `from..=to`.
    pub fn range(self, from: NaiveDate, to: NaiveDate) -> (DateTime<Utc>, DateTime<Utc>) {
        let end = to.succ_opt().unwrap_or(to);
        (self.start_of(from), self.start_of(end))
    }

    /// An instant in this zone, for showing it.
    pub fn local(self, at: DateTime<Utc>) -> DateTime<Tz> {
        at.with_timezone(&self.0)
    }

    /// Every change of the zone's UTC offset from `from` to `to`: `(instant, offset in seconds
    /// from then on)`, preceded by the offset at `from`. What SQL needs to bucket instants by
    /// local day without a time-zone database of its own (SQLite has none).
    pub fn offsets(self, from: DateTime<Utc>, to: DateTime<Utc>) -> Vec<(DateTime<Utc>, i32)> {
        use chrono::Offset;
        let offset = |t: DateTime<Utc>| {
            self.0
                .offset_from_utc_datetime(&t.naive_utc())
                .fix()
                .local_minus_utc()
        };
        let mut out = vec![(from, offset(from))];
        // Offsets change at most a few times a year; a change is found by stepping a day at a
        // time and bisecting to the second where it happens.
        let mut t = from;
        while t < to {
            let next = (t + TimeDelta::days(1)).min(to);
            let (a, b) = (offset(t), offset(next));
            if a != b {
                let (mut lo, mut hi) = (t, next);
                while hi - lo > TimeDelta::seconds(1) {
                    let mid = lo + (hi - lo) / 2;
                    if offset(mid) == a { lo = mid } else { hi = mid }
                }
                out.push((hi.duration_trunc(TimeDelta::seconds(1)).unwrap_or(hi), b));
            }
            t = next;
        }
        out
    }
}

impl Default for Zone {
    fn default() -> Self {
        Zone::DEFAULT
    }
}

impl std::fmt::Display for Zone {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    #[test]
    fn a_deal_won_at_seven_in_beijing_on_1_october_is_in_october() {
        let z = Zone::DEFAULT;
        // 07:00 +08:00 is 23:00 UTC the day before.
        let at = utc("2026-09-30T23:00:00Z");
        assert_eq!(z.day_of(at), NaiveDate::from_ymd_opt(2026, 10, 1).unwrap());
        assert_eq!(
            z.start_of(NaiveDate::from_ymd_opt(2026, 10, 1).unwrap()),
            utc("2026-09-30T16:00:00Z")
        );
    }

    #[test]
    fn new_york_days_follow_daylight_saving() {
        let z = Zone::parse("America/New_York").unwrap();
        // 2026-03-08: clocks go from 02:00 to 03:00; midnight is still EST (-5).
        let d = NaiveDate::from_ymd_opt(2026, 3, 8).unwrap();
        assert_eq!(z.start_of(d), utc("2026-03-08T05:00:00Z"));
        assert_eq!(
            z.start_of(d.succ_opt().unwrap()),
            utc("2026-03-09T04:00:00Z")
        );
        assert_eq!(z.day_of(utc("2026-03-09T03:59:59Z")), d);
        let changes = z.offsets(utc("2026-01-01T00:00:00Z"), utc("2027-01-01T00:00:00Z"));
        assert_eq!(
            changes,
            vec![
                (utc("2026-01-01T00:00:00Z"), -5 * 3600),
                (utc("2026-03-08T07:00:00Z"), -4 * 3600),
                (utc("2026-11-01T06:00:00Z"), -5 * 3600),
            ]
        );
    }

    #[test]
    fn unknown_zone_names_are_refused() {
        assert!(Zone::parse("Mars/Olympus").is_none());
        assert_eq!(Zone::parse("Asia/Shanghai"), Some(Zone::DEFAULT));
    }

    #[test]
    fn now_has_no_sub_microsecond_part() {
        assert_eq!(now().timestamp_subsec_nanos() % 1_000, 0);
    }
}
