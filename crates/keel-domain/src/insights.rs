//! The rules of the director's insights feed: which situations are worth a look, their
//! thresholds (admin settings), the stable key a viewer dismisses one by, and the small
//! integer maths behind them (working days, medians, "fell by at least").

use chrono::{Datelike, NaiveDate, TimeDelta, Weekday};
use serde::Serialize;
use std::fmt;

/// What an insight is about. Each kind has its own detector in keel-db's `insights` module.
///
/// Extension point: a new signal (next: mood ≤ 2 on two consecutive check-ins, from the
/// check-ins work) is a new variant here, a key, a severity, and one detector in
/// `keel_db::insights::detect`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// A rep's win rate this quarter fell well below their two quarters before.
    WinRateDrop,
    /// An open deal has sat in its stage far longer than usual.
    StalledDeal,
    /// A goal is off track with little of its period left.
    GoalOffTrack,
    /// An account's CSAT average fell this quarter.
    CsatDrop,
    /// An account gave a detractor NPS answer (0–6) recently.
    NpsDetractor,
    /// A rep logged no activity for several working days.
    Inactive,
    /// Someone has no won-revenue target for the current quarter.
    NoTarget,
    /// Weighted pipeline does not cover what is still to be won this quarter.
    LowCoverage,
    /// Someone's mood was 2 or lower on their last two check-ins (the feed is only ever
    /// computed for a scope the viewer is above, so it stays up the reporting chain).
    LowMood,
}

impl Kind {
    pub const ALL: [Kind; 9] = [
        Kind::WinRateDrop,
        Kind::StalledDeal,
        Kind::GoalOffTrack,
        Kind::CsatDrop,
        Kind::NpsDetractor,
        Kind::Inactive,
        Kind::NoTarget,
        Kind::LowCoverage,
        Kind::LowMood,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Kind::WinRateDrop => "win_rate_drop",
            Kind::StalledDeal => "stalled_deal",
            Kind::GoalOffTrack => "goal_off_track",
            Kind::CsatDrop => "csat_drop",
            Kind::NpsDetractor => "nps_detractor",
            Kind::Inactive => "inactive",
            Kind::NoTarget => "no_target",
            Kind::LowCoverage => "low_coverage",
            Kind::LowMood => "low_mood",
        }
    }

    pub fn parse(s: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// How urgently an insight wants attention; sorts most urgent first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    High,
    Medium,
    Low,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::High => "high",
            Severity::Medium => "medium",
            Severity::Low => "low",
        }
    }
}

/// The key of a situation: `kind:subject:period`. The period is whatever makes the
/// situation new when it changes (a quarter, a goal's period, the day a stall or a silence
/// began), so a dismissal lapses by itself when the situation does.
pub fn key(kind: Kind, subject: &str, period: &str) -> String {
    format!("{}:{subject}:{period}", kind.as_str())
}

/// Whether `text` is shaped like a key: a known kind, then a subject and a period made of
/// ASCII letters, digits and `-`.
pub fn is_key(text: &str) -> bool {
    let mut parts = text.split(':');
    let (Some(kind), Some(subject), Some(period), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return false;
    };
    let word = |s: &str| {
        !s.is_empty() && s.len() <= 64 && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
    };
    Kind::parse(kind).is_some() && word(subject) && word(period)
}

/// The thresholds, one row the admin edits. Fractional settings are kept in hundredths.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Settings {
    /// A win-rate fall of at least this many percentage points is reported...
    pub win_rate_drop_points: i64,
    /// ...when both windows have at least this many closed (won or lost) deals.
    pub win_rate_min_closed: i64,
    /// A deal stalls after this many times its stage's median days.
    pub stall_multiple: i64,
    /// At most this many stalled deals are listed, worst first.
    pub stalled_listed: i64,
    /// Off-track goals are reported with less than this percentage of their period left.
    pub goal_left_pct: i64,
    /// A CSAT fall of at least this many hundredths of a point is reported...
    pub csat_drop_hundredths: i64,
    /// ...when both quarters have at least this many answers.
    pub csat_min_answers: i64,
    /// Detractor NPS answers are reported for this many days.
    pub nps_days: i64,
    /// A rep is reported after this many working days (Mon–Fri) without activity.
    pub inactive_days: i64,
    /// Pipeline coverage below this, in hundredths (150 = 1.5×), is reported.
    pub coverage_min_hundredths: i64,
}

impl Default for Settings {
    fn default() -> Settings {
        Settings {
            win_rate_drop_points: 15,
            win_rate_min_closed: 5,
            stall_multiple: 2,
            stalled_listed: 5,
            goal_left_pct: 30,
            csat_drop_hundredths: 50,
            csat_min_answers: 2,
            nps_days: 30,
            inactive_days: 5,
            coverage_min_hundredths: 150,
        }
    }
}

/// One setting as a form shows it: its name, decimals (2 for hundredths) and allowed range.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SettingSpec {
    pub name: &'static str,
    pub decimals: u32,
    pub min: i64,
    pub max: i64,
}

const fn spec(name: &'static str, decimals: u32, min: i64, max: i64) -> SettingSpec {
    SettingSpec {
        name,
        decimals,
        min,
        max,
    }
}

/// Every setting, in form order.
pub const SPECS: [SettingSpec; 10] = [
    spec("win_rate_drop_points", 0, 1, 100),
    spec("win_rate_min_closed", 0, 1, 1000),
    spec("stall_multiple", 0, 2, 20),
    spec("stalled_listed", 0, 1, 50),
    spec("goal_left_pct", 0, 1, 100),
    spec("csat_drop_hundredths", 2, 1, 400),
    spec("csat_min_answers", 0, 1, 1000),
    spec("nps_days", 0, 1, 365),
    spec("inactive_days", 0, 1, 60),
    spec("coverage_min_hundredths", 2, 1, 10_000),
];

impl Settings {
    /// `(spec, value)` for each setting, in form order.
    pub fn values(&self) -> [(SettingSpec, i64); 10] {
        let v = [
            self.win_rate_drop_points,
            self.win_rate_min_closed,
            self.stall_multiple,
            self.stalled_listed,
            self.goal_left_pct,
            self.csat_drop_hundredths,
            self.csat_min_answers,
            self.nps_days,
            self.inactive_days,
            self.coverage_min_hundredths,
        ];
        std::array::from_fn(|i| (SPECS[i], v[i]))
    }

    /// Settings from values in [`SPECS`] order; the names of those out of range, if any.
    pub fn from_values(v: [i64; 10]) -> Result<Settings, Vec<&'static str>> {
        let bad: Vec<&'static str> = SPECS
            .iter()
            .zip(v)
            .filter(|(s, v)| !(s.min..=s.max).contains(v))
            .map(|(s, _)| s.name)
            .collect();
        if !bad.is_empty() {
            return Err(bad);
        }
        Ok(Settings {
            win_rate_drop_points: v[0],
            win_rate_min_closed: v[1],
            stall_multiple: v[2],
            stalled_listed: v[3],
            goal_left_pct: v[4],
            csat_drop_hundredths: v[5],
            csat_min_answers: v[6],
            nps_days: v[7],
            inactive_days: v[8],
            coverage_min_hundredths: v[9],
        })
    }
}

impl fmt::Display for Settings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let parts: Vec<String> = self
            .values()
            .iter()
            .map(|(s, v)| format!("{}={v}", s.name))
            .collect();
        f.write_str(&parts.join(", "))
    }
}

/// A number typed with at most `decimals` decimals (`1.5`, `1,50` is refused) scaled to an
/// integer: `parse_scaled("1.5", 2) == Some(150)`.
pub fn parse_scaled(text: &str, decimals: u32) -> Option<i64> {
    let t = text.trim();
    let (whole, frac) = t.split_once('.').unwrap_or((t, ""));
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if whole.is_empty() || whole.len() > 9 || !digits(whole) || !digits(frac) {
        return None;
    }
    if frac.len() > decimals as usize || (t.contains('.') && frac.is_empty()) {
        return None;
    }
    let scale = 10_i64.pow(decimals);
    let frac_value = format!("{frac:0<width$}", width = decimals as usize);
    let frac_value: i64 = if decimals == 0 {
        0
    } else {
        frac_value.parse().ok()?
    };
    Some(whole.parse::<i64>().ok()? * scale + frac_value)
}

/// Mon–Fri days strictly after `after` and strictly before `before`: the full working days of
/// silence between a last activity and today (today is not over yet).
pub fn working_days_between(after: NaiveDate, before: NaiveDate) -> u32 {
    let days = (before - after).num_days() - 1;
    if days <= 0 {
        return 0;
    }
    // Whole weeks have five working days; walk only the remainder.
    let weeks = days / 7;
    let mut n = weeks * 5;
    let mut d = after + TimeDelta::days(weeks * 7 + 1);
    while d < before {
        if !matches!(d.weekday(), Weekday::Sat | Weekday::Sun) {
            n += 1;
        }
        d += TimeDelta::days(1);
    }
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// The median of `values` in tenths (the mean of the two middle values for an even count,
/// which is always a whole number of tenths); `None` when empty.
pub fn median_tenths(values: &[i64]) -> Option<i64> {
    let mut v = values.to_vec();
    v.sort_unstable();
    let n = v.len();
    match n {
        0 => None,
        _ if n % 2 == 1 => Some(v[n / 2] * 10),
        _ => Some((v[n / 2 - 1] + v[n / 2]) * 5),
    }
}

/// Whether the rate `now_part / now_whole` is below `before_part / before_whole` by at least
/// `threshold / scale`, decided exactly (no rounded rates compared). Empty wholes never are.
pub fn fell_by_at_least(before: (i64, i64), now: (i64, i64), threshold: i64, scale: i64) -> bool {
    let ((bp, bw), (np, nw)) = (before, now);
    if bw <= 0 || nw <= 0 {
        return false;
    }
    // bp/bw − np/nw ≥ threshold/scale  ⇔  scale·(bp·nw − np·bw) ≥ threshold·bw·nw
    let lhs =
        i128::from(scale) * (i128::from(bp) * i128::from(nw) - i128::from(np) * i128::from(bw));
    lhs >= i128::from(threshold) * i128::from(bw) * i128::from(nw)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, m, day).unwrap()
    }

    #[test]
    fn keys_name_kind_subject_and_period() {
        let k = key(
            Kind::WinRateDrop,
            "0190aa00-0000-7000-8000-000000000001",
            "2026-Q4",
        );
        assert_eq!(
            k,
            "win_rate_drop:0190aa00-0000-7000-8000-000000000001:2026-Q4"
        );
        assert!(is_key(&k));
        assert!(is_key("low_coverage:org:2026-Q4"));
        for bad in [
            "",
            "nope:x:y",
            "win_rate_drop:x",
            "win_rate_drop:x:y:z",
            "inactive:a b:2026",
            "inactive::2026",
        ] {
            assert!(!is_key(bad), "{bad:?}");
        }
        for k in Kind::ALL {
            assert_eq!(Kind::parse(k.as_str()), Some(k));
        }
    }

    #[test]
    fn working_days_skip_weekends_and_both_ends() {
        // 2026-11-13 is a Friday; 2026-11-20 the next Friday.
        assert_eq!(working_days_between(d(11, 13), d(11, 20)), 4);
        assert_eq!(working_days_between(d(11, 13), d(11, 23)), 5);
        assert_eq!(working_days_between(d(11, 13), d(11, 14)), 0);
        assert_eq!(working_days_between(d(11, 20), d(11, 13)), 0);
        // Long gaps agree with a plain walk.
        let start = d(1, 7);
        for len in 0..60 {
            let end = start + TimeDelta::days(len);
            let mut plain = 0;
            let mut x = start + TimeDelta::days(1);
            while x < end {
                if x.weekday().num_days_from_monday() < 5 {
                    plain += 1;
                }
                x += TimeDelta::days(1);
            }
            assert_eq!(working_days_between(start, end), plain, "{len}");
        }
    }

    #[test]
    fn medians_in_tenths() {
        assert_eq!(median_tenths(&[]), None);
        assert_eq!(median_tenths(&[7]), Some(70));
        assert_eq!(median_tenths(&[9, 1, 4]), Some(40));
        assert_eq!(median_tenths(&[1, 4, 9, 10]), Some(65));
    }

    #[test]
    fn falls_are_decided_exactly() {
        // 11/20 = 55% to 2/5 = 40%: 15 points.
        assert!(fell_by_at_least((11, 20), (2, 5), 150, 1000));
        // 6/11 ≈ 54.5% to 40%: 14.5 points.
        assert!(!fell_by_at_least((6, 11), (2, 5), 150, 1000));
        assert!(fell_by_at_least((6, 11), (2, 5), 140, 1000));
        assert!(!fell_by_at_least((0, 0), (0, 5), 1, 1000));
        // CSAT sums: 4.5 to 4.0 is a fall of 0.5.
        assert!(fell_by_at_least((9, 2), (8, 2), 50, 100));
        assert!(!fell_by_at_least((9, 2), (8, 2), 51, 100));
    }

    #[test]
    fn settings_validate_and_parse() {
        let s = Settings::default();
        let v = s.values().map(|(_, v)| v);
        assert_eq!(Settings::from_values(v), Ok(s));
        let mut bad = v;
        bad[0] = 0;
        bad[9] = 10_001;
        assert_eq!(
            Settings::from_values(bad),
            Err(vec!["win_rate_drop_points", "coverage_min_hundredths"])
        );
        assert_eq!(parse_scaled("1.5", 2), Some(150));
        assert_eq!(parse_scaled(" 0.05 ", 2), Some(5));
        assert_eq!(parse_scaled("15", 0), Some(15));
        assert_eq!(parse_scaled("2", 2), Some(200));
        for bad in ["", "1.", "1.555", "-1", "1,5", "x", "1.5", "9999999999"] {
            let decimals = if bad == "1.5" { 0 } else { 2 };
            assert_eq!(parse_scaled(bad, decimals), None, "{bad:?}");
        }
    }
}
