//! Check-in cycles: how often a team checks in and when each cycle is due, plus the small
//! fixed vocabularies of a check-in (confidence, mood, reactions).
//!
//! Weekly cycles are ISO weeks (Monday to Sunday). Biweekly cycles are pairs of ISO weeks
//! counted from Monday 2001-01-01, so every team on a biweekly cadence shares the same pairs
//! across year ends (ISO years with 53 weeks would otherwise leave a week alone). Monthly
//! cycles are calendar months. A cycle is due on the team's due weekday of its last week;
//! for months, on the last such weekday of the month.

use chrono::{Datelike, Months, NaiveDate, TimeDelta, Weekday};
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Cadence {
    #[default]
    Weekly,
    Biweekly,
    Monthly,
}

impl Cadence {
    pub const ALL: [Cadence; 3] = [Cadence::Weekly, Cadence::Biweekly, Cadence::Monthly];

    pub fn as_str(self) -> &'static str {
        match self {
            Cadence::Weekly => "weekly",
            Cadence::Biweekly => "biweekly",
            Cadence::Monthly => "monthly",
        }
    }

    pub fn parse(s: &str) -> Option<Cadence> {
        Cadence::ALL.into_iter().find(|c| c.as_str() == s.trim())
    }
}

/// When check-ins are due: the cadence and the weekday (ISO: 1 = Monday .. 7 = Sunday).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Schedule {
    pub cadence: Cadence,
    pub due_weekday: u8,
}

impl Default for Schedule {
    /// Weekly, due on Friday.
    fn default() -> Self {
        Schedule {
            cadence: Cadence::Weekly,
            due_weekday: 5,
        }
    }
}

/// One cycle: its first and last day (inclusive) and its due day.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Cycle {
    pub start: NaiveDate,
    pub end: NaiveDate,
    pub due: NaiveDate,
}

/// The Monday that biweekly pairs are counted from.
fn pair_epoch() -> NaiveDate {
    NaiveDate::from_ymd_opt(2001, 1, 1).unwrap_or(NaiveDate::MIN)
}

fn monday_of(day: NaiveDate) -> NaiveDate {
    day - TimeDelta::days(i64::from(day.weekday().num_days_from_monday()))
}

fn weekday_of(n: u8) -> Weekday {
    match n {
        1 => Weekday::Mon,
        2 => Weekday::Tue,
        3 => Weekday::Wed,
        4 => Weekday::Thu,
        6 => Weekday::Sat,
        7 => Weekday::Sun,
        _ => Weekday::Fri,
    }
}

impl Schedule {
    /// A schedule from stored values; an unknown weekday falls back to Friday.
    pub fn new(cadence: Cadence, due_weekday: u8) -> Schedule {
        Schedule {
            cadence,
            due_weekday: if (1..=7).contains(&due_weekday) {
                due_weekday
            } else {
                5
            },
        }
    }

    /// The cycle that contains `day`.
    pub fn cycle(&self, day: NaiveDate) -> Cycle {
        let offset = i64::from(weekday_of(self.due_weekday).num_days_from_monday());
        match self.cadence {
            Cadence::Weekly => {
                let start = monday_of(day);
                Cycle {
                    start,
                    end: start + TimeDelta::days(6),
                    due: start + TimeDelta::days(offset),
                }
            }
            Cadence::Biweekly => {
                let weeks = (monday_of(day) - pair_epoch()).num_days().div_euclid(7);
                let start = pair_epoch() + TimeDelta::days(weeks.div_euclid(2) * 14);
                Cycle {
                    start,
                    end: start + TimeDelta::days(13),
                    due: start + TimeDelta::days(7 + offset),
                }
            }
            Cadence::Monthly => {
                let start = day.with_day(1).unwrap_or(day);
                let end = start
                    .checked_add_months(Months::new(1))
                    .map_or(start, |n| n - TimeDelta::days(1));
                // Step back from the month's last day to the due weekday.
                let back = (i64::from(end.weekday().num_days_from_monday()) - offset).rem_euclid(7);
                Cycle {
                    start,
                    end,
                    due: end - TimeDelta::days(back),
                }
            }
        }
    }

    /// The cycle before `c`.
    pub fn previous(&self, c: &Cycle) -> Cycle {
        self.cycle(c.start - TimeDelta::days(1))
    }

    /// The cycle after `c`.
    pub fn next(&self, c: &Cycle) -> Cycle {
        self.cycle(c.end + TimeDelta::days(1))
    }
}

impl Cycle {
    pub fn contains(&self, day: NaiveDate) -> bool {
        self.start <= day && day <= self.end
    }

    /// A check-in still missing on `today` is overdue once the due day has passed.
    pub fn overdue(&self, today: NaiveDate) -> bool {
        today > self.due
    }

    /// Whether a reminder is worth showing on `today`: from six days before the due day (for
    /// a weekly cycle, the whole week), so a monthly cadence does not nag from the 1st.
    pub fn reminding(&self, today: NaiveDate) -> bool {
        today >= self.due - TimeDelta::days(6)
    }

    /// "2026-03-09..2026-03-15", the spelling of a cycle in URLs and the API.
    pub fn label(&self) -> String {
        format!("{}..{}", self.start, self.end)
    }
}

/// How sure the person is of reaching their goals this cycle.
pub const CONFIDENCE: std::ops::RangeInclusive<i64> = 1..=10;
/// How the person feels (1 very low .. 5 great); private to their reporting chain.
pub const MOOD: std::ops::RangeInclusive<i64> = 1..=5;

/// The fixed set of reactions to a check-in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Reaction {
    ThumbsUp,
    Party,
    Muscle,
    Eyes,
}

impl Reaction {
    pub const ALL: [Reaction; 4] = [
        Reaction::ThumbsUp,
        Reaction::Party,
        Reaction::Muscle,
        Reaction::Eyes,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Reaction::ThumbsUp => "thumbs_up",
            Reaction::Party => "party",
            Reaction::Muscle => "muscle",
            Reaction::Eyes => "eyes",
        }
    }

    pub fn emoji(self) -> &'static str {
        match self {
            Reaction::ThumbsUp => "👍",
            Reaction::Party => "🎉",
            Reaction::Muscle => "💪",
            Reaction::Eyes => "👀",
        }
    }

    /// Accepts the key or the emoji itself.
    pub fn parse(s: &str) -> Option<Reaction> {
        let s = s.trim();
        Reaction::ALL
            .into_iter()
            .find(|r| r.as_str() == s || r.emoji() == s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn weekly_cycles_are_iso_weeks_due_on_the_weekday() {
        let s = Schedule::default();
        // 2026-03-11 is a Wednesday.
        let c = s.cycle(d(2026, 3, 11));
        assert_eq!(
            (c.start, c.end, c.due),
            (d(2026, 3, 9), d(2026, 3, 15), d(2026, 3, 13))
        );
        assert_eq!(s.previous(&c).start, d(2026, 3, 2));
        assert_eq!(s.next(&c).start, d(2026, 3, 16));
        assert_eq!(
            s.cycle(d(2026, 3, 15)),
            c,
            "Sunday belongs to the same week"
        );
        assert!(!c.overdue(d(2026, 3, 13)) && c.overdue(d(2026, 3, 14)));
    }

    #[test]
    fn biweekly_cycles_pair_weeks_across_year_ends() {
        let s = Schedule::new(Cadence::Biweekly, 1);
        let c = s.cycle(d(2026, 12, 30));
        assert_eq!((c.end - c.start).num_days(), 13);
        assert_eq!(c.start.weekday(), Weekday::Mon);
        assert!(c.contains(d(2026, 12, 30)));
        assert_eq!(
            c.due,
            c.start + TimeDelta::days(7),
            "Monday of the second week"
        );
        // Consecutive cycles tile the calendar.
        let n = s.next(&c);
        assert_eq!(n.start, c.end + TimeDelta::days(1));
        assert_eq!(s.cycle(c.start + TimeDelta::days(7)), c);
    }

    #[test]
    fn monthly_cycles_are_due_on_the_last_such_weekday() {
        let s = Schedule::new(Cadence::Monthly, 5);
        let c = s.cycle(d(2026, 2, 14));
        assert_eq!((c.start, c.end), (d(2026, 2, 1), d(2026, 2, 28)));
        assert_eq!(c.due, d(2026, 2, 27), "the last Friday of February 2026");
        let c = s.cycle(d(2026, 7, 1));
        assert_eq!(c.due, d(2026, 7, 31), "July 2026 ends on a Friday");
        assert_eq!(s.previous(&c).start, d(2026, 6, 1));
    }

    #[test]
    fn reactions_parse_from_key_or_emoji() {
        for r in Reaction::ALL {
            assert_eq!(Reaction::parse(r.as_str()), Some(r));
            assert_eq!(Reaction::parse(r.emoji()), Some(r));
        }
        assert_eq!(Reaction::parse("heart"), None);
    }
}
