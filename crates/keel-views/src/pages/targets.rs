//! Sales targets (set top-down) and the forecast measured against them.

use super::{Choice, Chrome};
use askama::Template;

/// One person in the targets editor, indented under their manager.
pub struct TargetLine {
    pub person_id: String,
    pub name: String,
    pub depth: usize,
    /// The target as typed into the form (major units for money), empty when none.
    pub value: String,
    /// The target as read, or "none".
    pub shown: String,
    pub set_by: String,
    /// What the person's line achieved last period, for context.
    pub last: String,
    pub editable: bool,
    /// May split this target among direct reports.
    pub can_split: bool,
    /// Set when the direct reports' targets do not add up to this one.
    pub mismatch: Option<String>,
}

#[derive(Template)]
#[template(path = "targets/editor.html")]
pub struct TargetsPage {
    pub chrome: Chrome,
    pub period: String,
    pub previous: String,
    /// "Achieved in <previous period>".
    pub last_header: String,
    pub metric: String,
    pub metric_options: Vec<Choice>,
    /// "in CNY" for money targets.
    pub unit_hint: String,
    pub lines: Vec<TargetLine>,
    pub saved: bool,
    pub error: Option<String>,
}

/// One person's line of the forecast (numbers over their whole reporting line).
pub struct ForecastLine {
    pub person_id: String,
    pub name: String,
    pub depth: usize,
    /// Has reports to drill into.
    pub drill: bool,
    pub target: String,
    pub achieved: String,
    pub pipeline: String,
    pub weighted: String,
    pub achieved_pct: String,
    pub shortage_pct: String,
    pub behind: bool,
}

#[derive(Template)]
#[template(path = "targets/forecast.html")]
pub struct ForecastPage {
    pub chrome: Chrome,
    pub period: String,
    pub period_options: Vec<Choice>,
    /// `org` or `person:<id>`, for the CSV link.
    pub scope: String,
    /// The scope one level up, when drilled in.
    pub up: Option<String>,
    pub lines: Vec<ForecastLine>,
    /// Names of people without a target, joined.
    pub without: String,
    /// The top performers with their attainment, joined.
    pub top: String,
}
