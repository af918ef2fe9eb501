//! Goal progress, pace status and the SMART check. All maths is integer: progress is in
//! permille (0..=1000) so a parent can average its children without floats drifting.

use crate::metrics::{Metric, Unit};
use crate::periods::Period;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// Which way a goal's metric should move.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    #[default]
    Increase,
    Decrease,
}

impl Direction {
    pub fn as_str(self) -> &'static str {
        match self {
            Direction::Increase => "increase",
            Direction::Decrease => "decrease",
        }
    }

    pub fn parse(s: &str) -> Option<Direction> {
        [Direction::Increase, Direction::Decrease]
            .into_iter()
            .find(|d| d.as_str() == s)
    }

    /// Whether `value` is at or beyond `target` in this direction.
    pub fn reached(self, value: i64, target: i64) -> bool {
        match self {
            Direction::Increase => value >= target,
            Direction::Decrease => value <= target,
        }
    }
}

/// `num / den` rounded half away from zero. `den` must not be zero.
fn div_round(num: i128, den: i128) -> i128 {
    let q = (2 * num.abs() + den.abs()) / (2 * den.abs());
    if (num < 0) != (den < 0) { -q } else { q }
}

/// Share of the way from `start` to `target` that `current` has covered, in permille,
/// clamped to `0..=1000` and rounded half away from zero.
///
/// The plain ratio works for both directions when the target lies beyond the start in the
/// goal's direction. When it does not (target == start, or an Increase goal whose target is
/// below its start) there is no distance to cover, so progress is all or nothing:
/// 1000 once `current` has reached the target in the goal's direction, else 0. This keeps
/// progress monotone in `current` for every input.
pub fn progress_permille(direction: Direction, start: i64, target: i64, current: i64) -> i64 {
    if !direction.reached(target, start) || target == start {
        return if direction.reached(current, target) {
            1000
        } else {
            0
        };
    }
    let num = (i128::from(current) - i128::from(start)) * 1000;
    let den = i128::from(target) - i128::from(start);
    div_round(num, den).clamp(0, 1000) as i64
}

/// Weighted mean of `(permille, weight)` children, rounded half away from zero; `None` when
/// nothing carries weight, so a parent with no weighted children shows "no data", not 0 %.
pub fn weighted_mean_permille(children: &[(i64, u32)]) -> Option<i64> {
    let (sum, total) = children.iter().fold((0i128, 0i128), |(s, t), &(p, w)| {
        (s + i128::from(p) * i128::from(w), t + i128::from(w))
    });
    (total > 0).then(|| div_round(sum, total) as i64)
}

/// Where a goal stands against the calendar.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    OnTrack,
    AtRisk,
    OffTrack,
    Done,
}

impl Status {
    pub const ALL: [Status; 4] = [
        Status::OnTrack,
        Status::AtRisk,
        Status::OffTrack,
        Status::Done,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Status::OnTrack => "on_track",
            Status::AtRisk => "at_risk",
            Status::OffTrack => "off_track",
            Status::Done => "done",
        }
    }

    pub fn parse(s: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|x| x.as_str() == s)
    }

    /// Fluent message id of the status badge.
    pub fn i18n_key(self) -> &'static str {
        match self {
            Status::OnTrack => "goal-status-on-track",
            Status::AtRisk => "goal-status-at-risk",
            Status::OffTrack => "goal-status-off-track",
            Status::Done => "goal-status-done",
        }
    }
}

/// Share of the period gone by, in permille, rounded half away from zero and capped at 1000.
/// An empty period (`total == 0`) counts as fully elapsed.
pub fn expected_permille(elapsed: u32, total: u32) -> i64 {
    if total == 0 {
        return 1000;
    }
    div_round(i128::from(elapsed) * 1000, i128::from(total)).min(1000) as i64
}

/// How far behind the calendar a goal may fall before it is off track: 10 points.
pub const OFF_TRACK_GAP_PERMILLE: i64 = 100;

/// Status by pace: done at 1000; on track when progress keeps up with the share of time
/// gone by; off track when it lags by [`OFF_TRACK_GAP_PERMILLE`] or more; at risk between.
pub fn pace_status(progress_permille: i64, elapsed_days: u32, total_days: u32) -> Status {
    let expected = expected_permille(elapsed_days, total_days);
    if progress_permille >= 1000 {
        Status::Done
    } else if progress_permille >= expected {
        Status::OnTrack
    } else if expected - progress_permille >= OFF_TRACK_GAP_PERMILLE {
        Status::OffTrack
    } else {
        Status::AtRisk
    }
}

/// What the SMART check looks at when a goal is created or edited.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SmartInput {
    pub title: String,
    pub has_owner: bool,
    pub has_measure: bool,
    pub target: Option<i64>,
    pub start: i64,
    pub direction: Direction,
    pub has_parent: bool,
    pub due: Option<NaiveDate>,
    pub period: Option<Period>,
    /// The owner's own past values of the metric, one per period of the same kind.
    pub history: Vec<i64>,
    /// Past values of the metric for the owner's team, one per person-period.
    pub team_history: Vec<i64>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum SmartLetter {
    S,
    M,
    A,
    R,
    T,
}

impl SmartLetter {
    pub const ALL: [SmartLetter; 5] = [
        SmartLetter::S,
        SmartLetter::M,
        SmartLetter::A,
        SmartLetter::R,
        SmartLetter::T,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            SmartLetter::S => "S",
            SmartLetter::M => "M",
            SmartLetter::A => "A",
            SmartLetter::R => "R",
            SmartLetter::T => "T",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    Pass,
    Warn,
    Fail,
}

/// One letter's verdict with a Fluent message id and its arguments.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SmartItem {
    pub letter: SmartLetter,
    pub verdict: Verdict,
    pub reason_key: &'static str,
    pub args: Vec<(&'static str, String)>,
}

/// One item per letter, in S, M, A, R, T order.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SmartReport {
    pub items: Vec<SmartItem>,
}

impl SmartReport {
    /// Whether the goal may be saved. When the organisation requires SMART goals, any Fail
    /// blocks (warnings are advice only); when it does not, the report is advice only.
    pub fn passes(&self, required: bool) -> bool {
        !required || self.items.iter().all(|i| i.verdict != Verdict::Fail)
    }

    pub fn item(&self, letter: SmartLetter) -> Option<&SmartItem> {
        self.items.iter().find(|i| i.letter == letter)
    }
}

fn item(letter: SmartLetter, verdict: Verdict, reason_key: &'static str) -> SmartItem {
    SmartItem {
        letter,
        verdict,
        reason_key,
        args: Vec::new(),
    }
}

/// Runs every SMART rule; see the `smart_*` helpers for each letter.
pub fn smart_check(input: &SmartInput) -> SmartReport {
    SmartReport {
        items: vec![
            smart_specific(input),
            smart_measurable(input),
            smart_achievable(input),
            smart_relevant(input),
            smart_time_bound(input),
        ],
    }
}

/// Title weight with CJK characters counting double, so "3 words or 3 Chinese characters"
/// both come to about 6.
fn title_weight(title: &str) -> usize {
    title
        .trim()
        .chars()
        .map(|c| if is_cjk(c) { 2 } else { 1 })
        .sum()
}

fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x3040..=0x30FF // kana
        | 0x3400..=0x4DBF // CJK extension A
        | 0x4E00..=0x9FFF // CJK unified ideographs
        | 0xAC00..=0xD7AF // hangul syllables
        | 0xF900..=0xFAFF // CJK compatibility ideographs
        | 0x20000..=0x3FFFF) // CJK extensions B onwards
}

/// Minimum title weight for a Specific goal.
pub const MIN_TITLE_WEIGHT: usize = 6;

/// Specific: a title of at least [`MIN_TITLE_WEIGHT`] (characters, CJK counting two) and an
/// owner. A short title is reported before a missing owner.
fn smart_specific(input: &SmartInput) -> SmartItem {
    use SmartLetter::S;
    if title_weight(&input.title) < MIN_TITLE_WEIGHT {
        item(S, Verdict::Fail, "smart-s-short-title")
    } else if !input.has_owner {
        item(S, Verdict::Fail, "smart-s-no-owner")
    } else {
        item(S, Verdict::Pass, "smart-s-ok")
    }
}

/// Measurable: a metric and a target value.
fn smart_measurable(input: &SmartInput) -> SmartItem {
    if input.has_measure && input.target.is_some() {
        item(SmartLetter::M, Verdict::Pass, "smart-m-ok")
    } else {
        item(SmartLetter::M, Verdict::Fail, "smart-m-missing")
    }
}

/// Percentile rank of `target` in `values`: percent strictly below plus half the equal ones,
/// rounded half up to a whole percent (0..=100); `None` for no values.
pub fn percentile_rank(values: &[i64], target: i64) -> Option<i64> {
    if values.is_empty() {
        return None;
    }
    let below = values.iter().filter(|&&v| v < target).count() as i128;
    let equal = values.iter().filter(|&&v| v == target).count() as i128;
    Some(div_round(200 * below + 100 * equal, 2 * values.len() as i128) as i64)
}

/// Nearest-rank `pct`-th percentile of ascending `sorted`: the value at rank ⌈pct·n/100⌉
/// (at least 1, at most n); `None` for no values.
pub fn nearest_rank(sorted: &[i64], pct: u32) -> Option<i64> {
    let n = sorted.len();
    let rank = (pct.min(100) as usize * n).div_ceil(100).max(1);
    sorted.get(rank - 1).copied()
}

/// `target > reference × 1.2`, or `> reference / 1.2` when the reference is negative.
fn above_fifth_more(target: i64, reference: i64) -> bool {
    let (t, r) = (i128::from(target), i128::from(reference));
    if r >= 0 {
        t * 10 > r * 12
    } else {
        t * 12 > r * 10
    }
}

/// `target < reference / 1.2`, or `< reference × 1.2` when the reference is negative.
fn below_fifth_less(target: i64, reference: i64) -> bool {
    let (t, r) = (i128::from(target), i128::from(reference));
    if r >= 0 {
        t * 12 < r * 10
    } else {
        t * 10 < r * 12
    }
}

/// Achievable, judged against the owner's own history (nearest-rank percentiles):
///
/// * no target: nothing to judge (Pass, `smart-a-no-target`; Measurable already fails);
/// * no history: Pass `smart-a-no-history`;
/// * Increase: a target above p90 × 1.2 (`target·10 > p90·12`) is a stretch (Warn
///   `smart-a-stretch`, args `percentile`, `p90`); a target below p25 is sandbagging (Warn
///   `smart-a-sandbag`, args `percentile`, `p25`);
/// * Decrease mirrors it: a target below p10 / 1.2 (`target·12 < p10·10`) is a stretch
///   (args `percentile`, `p10`); a target above p75 is sandbagging (args `percentile`, `p75`);
/// * the 1.2 factor is applied to the magnitude, so for a negative reference the stretch
///   line moves the same way (up for Increase, down for Decrease);
/// * otherwise Pass `smart-a-ok` (arg `percentile`).
///
/// `percentile` is the target's percentile rank in the history. When `team_history` is not
/// empty, `team_percentile` (its rank among the team's values) is added as well.
fn smart_achievable(input: &SmartInput) -> SmartItem {
    use SmartLetter::A;
    let Some(target) = input.target else {
        return item(A, Verdict::Pass, "smart-a-no-target");
    };
    let mut out = against_history(&input.history, target, input.direction)
        .unwrap_or_else(|| item(A, Verdict::Pass, "smart-a-no-history"));
    if let Some(rank) = percentile_rank(&input.team_history, target) {
        out.args.push(("team_percentile", rank.to_string()));
    }
    out
}

/// The Achievable verdict against a non-empty `history`; `None` when it is empty.
fn against_history(history: &[i64], target: i64, direction: Direction) -> Option<SmartItem> {
    let mut sorted = history.to_vec();
    sorted.sort_unstable();
    let pct = percentile_rank(&sorted, target)?;
    let at = |p| nearest_rank(&sorted, p);
    let (stretch, sandbag) = match direction {
        Direction::Increase => {
            let (p90, p25) = (at(90)?, at(25)?);
            (
                above_fifth_more(target, p90).then_some(("p90", p90)),
                (target < p25).then_some(("p25", p25)),
            )
        }
        Direction::Decrease => {
            let (p10, p75) = (at(10)?, at(75)?);
            (
                below_fifth_less(target, p10).then_some(("p10", p10)),
                (target > p75).then_some(("p75", p75)),
            )
        }
    };
    let (verdict, key, reference) = match (stretch, sandbag) {
        (Some(r), _) => (Verdict::Warn, "smart-a-stretch", Some(r)),
        (None, Some(r)) => (Verdict::Warn, "smart-a-sandbag", Some(r)),
        (None, None) => (Verdict::Pass, "smart-a-ok", None),
    };
    let mut it = item(SmartLetter::A, verdict, key);
    it.args.push(("percentile", pct.to_string()));
    if let Some((name, value)) = reference {
        it.args.push((name, value.to_string()));
    }
    Some(it)
}

/// Relevant: aligned to a parent goal; a lone goal is allowed but flagged.
fn smart_relevant(input: &SmartInput) -> SmartItem {
    if input.has_parent {
        item(SmartLetter::R, Verdict::Pass, "smart-r-ok")
    } else {
        item(SmartLetter::R, Verdict::Warn, "smart-r-unaligned")
    }
}

/// Time-bound: a due date, inside the goal's period when it has one.
fn smart_time_bound(input: &SmartInput) -> SmartItem {
    use SmartLetter::T;
    match (input.due, input.period) {
        (None, _) => item(T, Verdict::Fail, "smart-t-no-due"),
        (Some(due), Some(period)) if !period.contains(due) => {
            let mut it = item(T, Verdict::Fail, "smart-t-outside-period");
            it.args = vec![("due", due.to_string()), ("period", period.label())];
            it
        }
        (Some(_), _) => item(T, Verdict::Pass, "smart-t-ok"),
    }
}

/// Who a goal belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Owner {
    Person(Uuid),
    Team(Uuid),
    Org,
}

impl Owner {
    pub fn kind(self) -> &'static str {
        match self {
            Owner::Person(_) => "person",
            Owner::Team(_) => "team",
            Owner::Org => "org",
        }
    }

    /// `org`, `team:<id>` or `person:<id>`, the spelling of scopes elsewhere.
    pub fn text(self) -> String {
        match self {
            Owner::Person(id) => format!("person:{id}"),
            Owner::Team(id) => format!("team:{id}"),
            Owner::Org => "org".into(),
        }
    }

    pub fn parse(s: &str) -> Option<Owner> {
        let s = s.trim();
        if s == "org" {
            return Some(Owner::Org);
        }
        let (kind, id) = s.split_once(':')?;
        let id = Uuid::parse_str(id.trim()).ok()?;
        match kind {
            "person" => Some(Owner::Person(id)),
            "team" => Some(Owner::Team(id)),
            _ => None,
        }
    }
}

/// What a goal counts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Measure {
    /// Measured live from the metric catalog for the owner's scope.
    Metric(Metric),
    /// Entered by hand: a plain number.
    Number,
    /// Entered by hand: a percentage, kept in permille (456 = 45.6%).
    Percent,
    /// Entered by hand: money in minor units of the organisation's currency.
    Currency,
    /// Done (1) or not done (0).
    Done,
}

impl Measure {
    /// `metric:<key>`, `number`, `percent`, `currency` or `done`.
    pub fn text(self) -> String {
        match self {
            Measure::Metric(m) => format!("metric:{}", m.key()),
            other => other.kind().to_owned(),
        }
    }

    pub fn parse(s: &str) -> Option<Measure> {
        let s = s.trim();
        if let Some(key) = s.strip_prefix("metric:") {
            return Metric::parse(key).map(Measure::Metric);
        }
        Self::from_columns(s, None)
    }

    /// The `measure` column.
    pub fn kind(self) -> &'static str {
        match self {
            Measure::Metric(_) => "metric",
            Measure::Number => "number",
            Measure::Percent => "percent",
            Measure::Currency => "currency",
            Measure::Done => "done",
        }
    }

    /// From the `measure` and `metric` columns.
    pub fn from_columns(kind: &str, metric: Option<&str>) -> Option<Measure> {
        Some(match kind {
            "metric" => Measure::Metric(Metric::parse(metric?)?),
            "number" => Measure::Number,
            "percent" => Measure::Percent,
            "currency" => Measure::Currency,
            "done" => Measure::Done,
            _ => return None,
        })
    }

    /// How the values read; "done" is a count of 0 or 1.
    pub fn unit(self) -> Unit {
        match self {
            Measure::Metric(m) => m.unit(),
            Measure::Number | Measure::Done => Unit::Count,
            Measure::Percent => Unit::Permille,
            Measure::Currency => Unit::Money,
        }
    }

    pub fn is_manual(self) -> bool {
        !matches!(self, Measure::Metric(_))
    }

    /// The natural direction: the metric's, or up for manual measures.
    pub fn default_direction(self) -> Direction {
        match self {
            Measure::Metric(m) if !m.higher_is_better() => Direction::Decrease,
            _ => Direction::Increase,
        }
    }
}

/// Where a parent's progress comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Rule {
    /// Its own measure.
    Own,
    /// The weighted mean of its children's progress.
    Children,
}

impl Rule {
    pub fn as_str(self) -> &'static str {
        match self {
            Rule::Own => "own",
            Rule::Children => "children",
        }
    }

    pub fn parse(s: &str) -> Option<Rule> {
        [Rule::Own, Rule::Children]
            .into_iter()
            .find(|r| r.as_str() == s)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Visibility {
    /// Everyone in the organisation.
    Public,
    /// The owner's reporting chain (the owner, the people above them), contributors,
    /// directors, admins and HR.
    Private,
}

impl Visibility {
    pub fn as_str(self) -> &'static str {
        match self {
            Visibility::Public => "public",
            Visibility::Private => "private",
        }
    }

    pub fn parse(s: &str) -> Option<Visibility> {
        [Visibility::Public, Visibility::Private]
            .into_iter()
            .find(|v| v.as_str() == s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Direction::{Decrease, Increase};
    use proptest::prelude::*;

    #[test]
    fn progress_hand_worked() {
        assert_eq!(progress_permille(Increase, 0, 100, 50), 500);
        assert_eq!(progress_permille(Increase, 100, 400, 200), 333);
        assert_eq!(progress_permille(Increase, 0, 3, 2), 667); // 666.67 rounds up
        assert_eq!(progress_permille(Increase, 0, 2000, 1), 1); // 0.5 rounds away from zero
        assert_eq!(progress_permille(Increase, 0, 100, -10), 0);
        assert_eq!(progress_permille(Increase, 0, 100, 250), 1000);
        // Churn from 40 down to 10: at 25 we are half way.
        assert_eq!(progress_permille(Decrease, 40, 10, 25), 500);
        assert_eq!(progress_permille(Decrease, 40, 10, 50), 0);
        assert_eq!(progress_permille(Decrease, 40, 10, 0), 1000);
        // Target == start, and a target behind the start: all or nothing.
        assert_eq!(progress_permille(Increase, 5, 5, 5), 1000);
        assert_eq!(progress_permille(Increase, 5, 5, 4), 0);
        assert_eq!(progress_permille(Decrease, 5, 5, 6), 0);
        assert_eq!(progress_permille(Decrease, 5, 5, 5), 1000);
        assert_eq!(progress_permille(Increase, 10, 5, 7), 1000);
        assert_eq!(progress_permille(Increase, 10, 5, 4), 0);
        // Extremes do not overflow.
        assert_eq!(progress_permille(Increase, i64::MIN, i64::MAX, 0), 500);
    }

    #[test]
    fn weighted_mean_hand_worked() {
        assert_eq!(weighted_mean_permille(&[]), None);
        assert_eq!(weighted_mean_permille(&[(800, 0)]), None);
        assert_eq!(weighted_mean_permille(&[(1000, 1), (0, 1)]), Some(500));
        assert_eq!(weighted_mean_permille(&[(900, 3), (100, 1)]), Some(700));
        assert_eq!(weighted_mean_permille(&[(1, 1), (0, 1)]), Some(1)); // 0.5 -> 1
        assert_eq!(weighted_mean_permille(&[(-1, 1), (0, 1)]), Some(-1));
        assert_eq!(weighted_mean_permille(&[(0, 2), (1000, 1)]), Some(333));
    }

    #[test]
    fn pace_hand_worked() {
        assert_eq!(expected_permille(46, 92), 500);
        assert_eq!(expected_permille(1, 3), 333);
        assert_eq!(expected_permille(2, 3), 667);
        assert_eq!(expected_permille(5, 0), 1000);
        assert_eq!(pace_status(1000, 1, 92), Status::Done);
        assert_eq!(pace_status(500, 46, 92), Status::OnTrack);
        assert_eq!(pace_status(401, 46, 92), Status::AtRisk);
        assert_eq!(pace_status(400, 46, 92), Status::OffTrack);
        assert_eq!(pace_status(0, 0, 92), Status::OnTrack);
        assert_eq!(pace_status(999, 92, 92), Status::AtRisk);
        assert_eq!(Status::OffTrack.i18n_key(), "goal-status-off-track");
        for s in Status::ALL {
            assert_eq!(Status::parse(s.as_str()), Some(s));
        }
        assert_eq!(Direction::parse("decrease"), Some(Decrease));
    }

    fn good() -> SmartInput {
        SmartInput {
            title: "Grow East China revenue".into(),
            has_owner: true,
            has_measure: true,
            target: Some(120),
            start: 0,
            direction: Increase,
            has_parent: true,
            due: NaiveDate::from_ymd_opt(2026, 12, 31),
            period: Period::parse("2026-Q4").ok(),
            history: vec![80, 90, 100, 110, 120, 130, 140, 150, 160, 170],
            team_history: vec![],
        }
    }

    fn verdict(input: &SmartInput, l: SmartLetter) -> (Verdict, &'static str) {
        let report = smart_check(input);
        let it = report.item(l).unwrap();
        (it.verdict, it.reason_key)
    }

    #[test]
    fn smart_all_pass() {
        let r = smart_check(&good());
        assert_eq!(r.items.len(), 5);
        assert!(r.items.iter().all(|i| i.verdict == Verdict::Pass));
        assert!(r.passes(true));
    }

    #[test]
    fn smart_specific() {
        let mut g = good();
        g.title = "  拓展华东  ".into(); // four ideographs weigh 8
        assert_eq!(verdict(&g, SmartLetter::S), (Verdict::Pass, "smart-s-ok"));
        g.title = "华东".into();
        assert_eq!(
            verdict(&g, SmartLetter::S),
            (Verdict::Fail, "smart-s-short-title")
        );
        g.title = "  sales ".into(); // five characters after trim
        assert_eq!(
            verdict(&g, SmartLetter::S),
            (Verdict::Fail, "smart-s-short-title")
        );
        g.title = "sales!".into();
        g.has_owner = false;
        assert_eq!(
            verdict(&g, SmartLetter::S),
            (Verdict::Fail, "smart-s-no-owner")
        );
        assert!(!smart_check(&g).passes(true));
        assert!(smart_check(&g).passes(false));
    }

    #[test]
    fn smart_measurable() {
        let mut g = good();
        g.target = None;
        assert_eq!(
            verdict(&g, SmartLetter::M),
            (Verdict::Fail, "smart-m-missing")
        );
        assert_eq!(
            verdict(&g, SmartLetter::A),
            (Verdict::Pass, "smart-a-no-target")
        );
        let mut g = good();
        g.has_measure = false;
        assert_eq!(
            verdict(&g, SmartLetter::M),
            (Verdict::Fail, "smart-m-missing")
        );
    }

    #[test]
    fn smart_achievable_increase() {
        // History 80..=170 step 10 (n = 10): p90 = rank 9 = 160, p25 = rank 3 = 100.
        let mut g = good();
        let a = |g: &SmartInput| smart_check(g).item(SmartLetter::A).unwrap().clone();
        // 120: 4 below + half of 1 equal = 45 %.
        let it = a(&g);
        assert_eq!((it.verdict, it.reason_key), (Verdict::Pass, "smart-a-ok"));
        assert_eq!(it.args, vec![("percentile", "45".to_string())]);
        g.target = Some(192); // 160 × 1.2 exactly: not yet a stretch
        assert_eq!(a(&g).reason_key, "smart-a-ok");
        g.target = Some(193);
        let it = a(&g);
        assert_eq!(
            (it.verdict, it.reason_key),
            (Verdict::Warn, "smart-a-stretch")
        );
        assert_eq!(
            it.args,
            vec![
                ("percentile", "100".to_string()),
                ("p90", "160".to_string())
            ]
        );
        g.target = Some(100);
        assert_eq!(a(&g).reason_key, "smart-a-ok");
        g.target = Some(99);
        let it = a(&g);
        assert_eq!(
            (it.verdict, it.reason_key),
            (Verdict::Warn, "smart-a-sandbag")
        );
        assert_eq!(
            it.args,
            vec![("percentile", "20".to_string()), ("p25", "100".to_string())]
        );
        g.history.clear();
        g.team_history = vec![50, 99, 99, 200];
        let it = a(&g);
        assert_eq!(
            (it.verdict, it.reason_key),
            (Verdict::Pass, "smart-a-no-history")
        );
        // 1 below + half of 2 equal of 4 = 50 %.
        assert_eq!(it.args, vec![("team_percentile", "50".to_string())]);
    }

    #[test]
    fn smart_achievable_decrease() {
        // Days to close: history 10..=100 step 10: p10 = rank 1 = 10, p75 = rank 8 = 80.
        let mut g = good();
        g.direction = Decrease;
        g.history = (1..=10).map(|i| i * 10).collect();
        g.target = Some(50);
        assert_eq!(verdict(&g, SmartLetter::A), (Verdict::Pass, "smart-a-ok"));
        g.target = Some(9); // 9 × 1.2 = 10.8 > 10: within reach
        assert_eq!(verdict(&g, SmartLetter::A), (Verdict::Pass, "smart-a-ok"));
        g.target = Some(8); // 8 × 1.2 = 9.6 < 10: stretch
        let it = smart_check(&g).item(SmartLetter::A).unwrap().clone();
        assert_eq!(
            (it.verdict, it.reason_key),
            (Verdict::Warn, "smart-a-stretch")
        );
        assert_eq!(it.args[1], ("p10", "10".to_string()));
        g.target = Some(81);
        let it = smart_check(&g).item(SmartLetter::A).unwrap().clone();
        assert_eq!(
            (it.verdict, it.reason_key),
            (Verdict::Warn, "smart-a-sandbag")
        );
        assert_eq!(it.args[1], ("p75", "80".to_string()));
    }

    #[test]
    fn smart_relevant_and_time_bound() {
        let mut g = good();
        g.has_parent = false;
        assert_eq!(
            verdict(&g, SmartLetter::R),
            (Verdict::Warn, "smart-r-unaligned")
        );
        assert!(smart_check(&g).passes(true));
        g.due = NaiveDate::from_ymd_opt(2027, 1, 1);
        let r = smart_check(&g);
        let t = r.item(SmartLetter::T).unwrap();
        assert_eq!(
            (t.verdict, t.reason_key),
            (Verdict::Fail, "smart-t-outside-period")
        );
        assert_eq!(t.args[1], ("period", "2026-Q4".to_string()));
        g.period = None;
        assert_eq!(verdict(&g, SmartLetter::T), (Verdict::Pass, "smart-t-ok"));
        g.due = None;
        assert_eq!(
            verdict(&g, SmartLetter::T),
            (Verdict::Fail, "smart-t-no-due")
        );
    }

    #[test]
    fn percentile_helpers() {
        assert_eq!(nearest_rank(&[15, 20, 35, 40, 50], 30), Some(20));
        assert_eq!(nearest_rank(&[15, 20, 35, 40, 50], 100), Some(50));
        assert_eq!(nearest_rank(&[15, 20, 35, 40, 50], 0), Some(15));
        assert_eq!(nearest_rank(&[], 50), None);
        assert_eq!(percentile_rank(&[1, 2, 3], 0), Some(0));
        assert_eq!(percentile_rank(&[1, 2, 3], 4), Some(100));
        assert_eq!(percentile_rank(&[1, 2, 3], 2), Some(50));
        assert_eq!(percentile_rank(&[], 2), None);
    }

    fn direction() -> impl Strategy<Value = Direction> {
        prop_oneof![Just(Increase), Just(Decrease)]
    }

    proptest! {
        #[test]
        fn progress_in_range(d in direction(), s: i64, t: i64, c: i64) {
            let p = progress_permille(d, s, t, c);
            prop_assert!((0..=1000).contains(&p));
        }

        #[test]
        fn progress_monotone(d in direction(), s: i64, t: i64, a: i64, b: i64) {
            let (lo, hi) = (a.min(b), a.max(b));
            let (p_lo, p_hi) = (progress_permille(d, s, t, lo), progress_permille(d, s, t, hi));
            match d {
                Increase => prop_assert!(p_lo <= p_hi),
                Decrease => prop_assert!(p_lo >= p_hi),
            }
        }

        #[test]
        fn progress_monotone_near_range(d in direction(), s in -1000i64..1000, t in -1000i64..1000,
                                        a in -3000i64..3000, b in -3000i64..3000) {
            let (lo, hi) = (a.min(b), a.max(b));
            let (p_lo, p_hi) = (progress_permille(d, s, t, lo), progress_permille(d, s, t, hi));
            match d {
                Increase => prop_assert!(p_lo <= p_hi),
                Decrease => prop_assert!(p_lo >= p_hi),
            }
        }

        #[test]
        fn mean_between_children(children in prop::collection::vec((-5000i64..5000, 0u32..100), 1..20)) {
            let weighted: Vec<i64> = children.iter().filter(|c| c.1 > 0).map(|c| c.0).collect();
            match weighted_mean_permille(&children) {
                None => prop_assert!(weighted.is_empty()),
                Some(m) => {
                    prop_assert!(m >= *weighted.iter().min().unwrap());
                    prop_assert!(m <= *weighted.iter().max().unwrap());
                }
            }
        }

        #[test]
        fn done_iff_complete(p in -2000i64..3000, e in 0u32..400, t in 0u32..400) {
            prop_assert_eq!(pace_status(p, e, t) == Status::Done, p >= 1000);
        }

        #[test]
        fn percentile_rank_in_range(v in prop::collection::vec(any::<i64>(), 1..30), t: i64) {
            prop_assert!((0..=100).contains(&percentile_rank(&v, t).unwrap()));
        }
    }
}
