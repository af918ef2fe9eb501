//! Goals: my goals, the alignment tree, one goal with its progress over time, and the goal
//! form with its SMART panel. Every text arrives formatted and localized.

use super::{Choice, Chrome, Field};
use askama::Template;

/// A status badge: `class` is the status key (`on_track` ...), `label` its localized name.
pub struct StatusChip {
    pub class: String,
    pub label: String,
}

/// One goal in a list or tree.
pub struct GoalRow {
    pub id: String,
    pub title: String,
    pub owner: String,
    pub period: String,
    /// "current / target" as the reader sees them.
    pub value: String,
    /// Width of the progress bar, 0..=100.
    pub bar: i64,
    /// "45.6%", or the "no data" text.
    pub progress: String,
    pub status: Option<StatusChip>,
    /// Indentation level in the tree.
    pub depth: usize,
    pub private: bool,
}

impl GoalRow {
    /// Left padding of a tree row, in rem.
    pub fn indent(&self) -> String {
        format!("{}rem", self.depth as f32 * 1.5)
    }
}

#[derive(Template)]
#[template(path = "goals/mine.html")]
pub struct MyGoalsPage {
    pub chrome: Chrome,
    pub own: Vec<GoalRow>,
    pub contributing: Vec<GoalRow>,
    /// For admins: whether SMART goals are required (the toggle is shown).
    pub smart_setting: Option<bool>,
    pub notice: Option<String>,
}

#[derive(Template)]
#[template(path = "goals/tree.html")]
pub struct GoalTreePage {
    pub chrome: Chrome,
    pub scope_options: Vec<Choice>,
    pub rows: Vec<GoalRow>,
}

/// One point of a goal's progress over time, formatted.
pub struct GoalPointView {
    pub day: String,
    pub value: String,
    pub progress: String,
    pub who: String,
    pub comment: String,
    /// The check-in this point came from, when it did and the reader may open it.
    pub checkin_href: Option<String>,
}

/// One adjustment of a goal, formatted.
pub struct GoalChangeView {
    pub at: String,
    pub who: String,
    pub field: String,
    pub old: String,
    pub new: String,
    pub reason: String,
}

pub struct GoalView {
    pub id: String,
    pub title: String,
    pub description: String,
    pub owner: String,
    pub parent: Option<(String, String)>,
    pub measure: String,
    pub direction: String,
    pub start: String,
    pub current: String,
    pub target: String,
    pub bar: i64,
    pub progress: String,
    pub status: Option<StatusChip>,
    /// The pace's own verdict, shown when a status was set by hand.
    pub paced: Option<StatusChip>,
    /// "Set by X on Y: reason", when the status was set by hand.
    pub override_note: Option<String>,
    pub period: String,
    pub due: String,
    pub visibility: String,
    pub weight: String,
    pub rule: String,
    pub contributors: String,
}

#[derive(Template)]
#[template(path = "goals/goal.html")]
pub struct GoalPage {
    pub chrome: Chrome,
    pub g: GoalView,
    /// Progress over time as an SVG chart (see `charts::line`), empty without points.
    pub chart: String,
    pub points: Vec<GoalPointView>,
    /// Points from check-ins that carry a comment, newest first, shown beside the chart.
    pub checkin_notes: Vec<GoalPointView>,
    pub changes: Vec<GoalChangeView>,
    pub children: Vec<GoalRow>,
    pub can_edit: bool,
    /// The value form for manual measures: the field's hint (unit) when shown.
    pub value_hint: Option<String>,
    /// "done" measures pick done / not done instead of typing a number.
    pub done_choices: Vec<Choice>,
    pub status_options: Vec<Choice>,
    pub has_override: bool,
    pub notice: Option<String>,
    pub error: Option<String>,
}

/// One letter of the SMART check.
pub struct SmartLine {
    pub letter: String,
    /// `pass`, `warn` or `fail`.
    pub verdict: String,
    pub verdict_label: String,
    pub name: String,
    pub explanation: String,
}

pub struct SmartPanel {
    pub heading: String,
    /// Whether a Fail blocks saving, said in words.
    pub mode: String,
    pub lines: Vec<SmartLine>,
}

/// The SMART panel alone, for htmx to swap in while the form is edited.
#[derive(Template)]
#[template(path = "goals/smart.html")]
pub struct SmartFragment {
    pub smart: SmartPanel,
}

#[derive(Template)]
#[template(path = "goals/form.html")]
pub struct GoalFormPage {
    pub chrome: Chrome,
    pub heading: String,
    pub action: String,
    pub cancel: String,
    pub fields: Vec<Field>,
    pub error: Option<String>,
    pub smart: SmartPanel,
}
