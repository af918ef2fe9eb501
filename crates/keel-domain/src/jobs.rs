//! When timed jobs run. A schedule is a period and an offset from the Unix epoch in UTC,
//! so every server computes the same slots (the due times) without talking to the others:
//! hourly on the hour is `every(1 h)`, daily at 03:00 UTC is `every(24 h).at(3 h)`.

use chrono::{DateTime, TimeDelta, TimeZone, Utc};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Schedule {
    every: TimeDelta,
    offset: TimeDelta,
}

impl Schedule {
    /// Every `period` (at least a second), from the epoch.
    pub fn every(period: TimeDelta) -> Schedule {
        Schedule {
            every: period.max(TimeDelta::seconds(1)),
            offset: TimeDelta::zero(),
        }
    }

    /// The same period, shifted by `offset` (taken modulo the period).
    pub fn at(self, offset: TimeDelta) -> Schedule {
        let every = self.every.num_seconds();
        Schedule {
            offset: TimeDelta::seconds(offset.num_seconds().rem_euclid(every)),
            ..self
        }
    }

    pub fn period(self) -> TimeDelta {
        self.every
    }

    /// The latest slot at or before `now`.
    pub fn latest(self, now: DateTime<Utc>) -> DateTime<Utc> {
        let every = self.every.num_seconds();
        let offset = self.offset.num_seconds();
        let k = (now.timestamp() - offset).div_euclid(every);
        Utc.timestamp_opt(k * every + offset, 0)
            .single()
            .unwrap_or(now)
    }

    /// The slots after `after` (exclusive) up to `now` (inclusive), oldest first, at most
    /// `max` of them: the newest ones when there are more.
    pub fn due(self, after: DateTime<Utc>, now: DateTime<Utc>, max: usize) -> Vec<DateTime<Utc>> {
        let mut out = Vec::new();
        let mut slot = self.latest(now);
        while slot > after && out.len() < max {
            out.push(slot);
            slot -= self.every;
        }
        out.reverse();
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    #[test]
    fn hourly_slots_are_on_the_hour() {
        let s = Schedule::every(TimeDelta::hours(1));
        assert_eq!(
            s.latest(utc("2026-12-07T18:59:59Z")),
            utc("2026-12-07T18:00:00Z")
        );
        assert_eq!(
            s.latest(utc("2026-12-07T18:00:00Z")),
            utc("2026-12-07T18:00:00Z")
        );
    }

    #[test]
    fn daily_slots_keep_their_offset() {
        let s = Schedule::every(TimeDelta::hours(24)).at(TimeDelta::hours(3));
        assert_eq!(
            s.latest(utc("2026-12-07T02:00:00Z")),
            utc("2026-12-06T03:00:00Z")
        );
        assert_eq!(
            s.latest(utc("2026-12-07T03:30:00Z")),
            utc("2026-12-07T03:00:00Z")
        );
    }

    #[test]
    fn missed_slots_come_oldest_first_and_bounded() {
        let s = Schedule::every(TimeDelta::hours(1));
        let now = utc("2026-12-07T18:20:00Z");
        assert_eq!(
            s.due(utc("2026-12-07T15:00:00Z"), now, 10),
            vec![
                utc("2026-12-07T16:00:00Z"),
                utc("2026-12-07T17:00:00Z"),
                utc("2026-12-07T18:00:00Z")
            ]
        );
        assert_eq!(
            s.due(utc("2026-12-07T15:00:00Z"), now, 1),
            vec![utc("2026-12-07T18:00:00Z")]
        );
        assert!(s.due(utc("2026-12-07T18:00:00Z"), now, 10).is_empty());
    }
}
