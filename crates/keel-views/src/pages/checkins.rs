//! Check-ins: my check-in for the current cycle, one check-in with its thread, reactions and
//! flags, and a team's cycle. Every text arrives formatted and localized.

use super::{Choice, Chrome};
use askama::Template;

/// One goal in the check-in form.
pub struct CheckinGoalInput {
    pub id: String,
    pub title: String,
    pub measure: String,
    /// The value now: live for metric goals, as last entered for manual ones.
    pub current: String,
    /// Manual goals take a new value: the field's hint (unit).
    pub value_hint: Option<String>,
    /// "done" goals pick done / not done instead.
    pub done_choices: Vec<Choice>,
    pub value: String,
    pub comment: String,
    pub error: Option<String>,
}

/// The form of one's own check-in.
pub struct CheckinForm {
    pub goals: Vec<CheckinGoalInput>,
    pub confidence: Vec<Choice>,
    pub mood: Vec<Choice>,
    pub progress: String,
    pub plans: String,
    pub problems: String,
    pub blockers: String,
    /// Field name and localized message.
    pub errors: Vec<(String, String)>,
}

impl CheckinForm {
    pub fn error(&self, field: &str) -> Option<&str> {
        self.errors
            .iter()
            .find(|(f, _)| f == field)
            .map(|(_, m)| m.as_str())
    }
}

/// A check-in in a list.
pub struct CheckinRow {
    pub href: String,
    pub who: String,
    pub cycle: String,
    pub submitted: String,
    pub confidence: String,
    pub mood: String,
    pub reviewed: bool,
}

#[derive(Template)]
#[template(path = "checkins/mine.html")]
pub struct MyCheckinPage {
    pub chrome: Chrome,
    /// "9–15 March · due Friday 13 March".
    pub cycle: String,
    pub overdue: bool,
    /// The form while the check-in can still be edited.
    pub form: Option<CheckinForm>,
    /// The submitted check-in of this cycle, if any.
    pub current: Option<CheckinRow>,
    /// Why it can no longer be edited.
    pub locked: Option<String>,
    pub previous: Vec<CheckinRow>,
    pub notice: Option<String>,
}

/// One goal update of a check-in.
pub struct CheckinItemView {
    pub id: String,
    pub goal_href: String,
    pub title: String,
    pub value: String,
    pub progress: String,
    pub comment: String,
}

pub struct CommentView {
    pub id: String,
    pub author: String,
    pub at: String,
    pub body: String,
    pub replies: Vec<CommentView>,
}

pub struct ReactionView {
    pub key: String,
    pub emoji: String,
    pub count: usize,
    pub names: String,
    pub mine: bool,
}

pub struct FlagView {
    pub id: String,
    pub what: String,
    pub note: String,
    pub by: String,
    pub at: String,
    /// "Resolved by X on Y", or none while open.
    pub resolved: Option<String>,
    pub checkin_href: String,
    pub person: String,
    /// The viewer is above the author and may resolve it.
    pub can_resolve: bool,
}

pub struct CheckinView {
    pub id: String,
    pub person: String,
    pub cycle: String,
    pub submitted: String,
    pub confidence: String,
    pub mood: String,
    pub reviewed: Option<String>,
    pub progress: String,
    pub plans: String,
    pub problems: String,
    pub blockers: String,
}

#[derive(Template)]
#[template(path = "checkins/show.html")]
pub struct CheckinPage {
    pub chrome: Chrome,
    pub c: CheckinView,
    pub items: Vec<CheckinItemView>,
    pub comments: Vec<CommentView>,
    pub reactions: Vec<ReactionView>,
    pub flags: Vec<FlagView>,
    /// Someone above the author: may react, flag and mark reviewed.
    pub can_review: bool,
    pub is_reviewed: bool,
    /// Where a flag may point: the whole check-in or one goal update.
    pub flag_targets: Vec<Choice>,
    pub notice: Option<String>,
    pub error: Option<String>,
}

/// One person of a team's cycle.
pub struct MemberRow {
    pub name: String,
    pub href: Option<String>,
    /// Submitted time, or "not yet".
    pub status: String,
    pub submitted: bool,
    pub overdue: bool,
    pub confidence: String,
    pub mood: String,
    pub reviewed: bool,
}

pub struct ScheduleForm {
    pub team: String,
    pub cadence: Vec<Choice>,
    pub weekday: Vec<Choice>,
}

#[derive(Template)]
#[template(path = "checkins/team.html")]
pub struct TeamCheckinsPage {
    pub chrome: Chrome,
    pub teams: Vec<Choice>,
    pub team_name: String,
    pub cycle: String,
    pub summary: String,
    pub prev_href: String,
    pub next_href: Option<String>,
    pub members: Vec<MemberRow>,
    pub flags: Vec<FlagView>,
    pub schedule: String,
    /// Shown to those who may set the team's schedule.
    pub schedule_form: Option<ScheduleForm>,
    pub notice: Option<String>,
    /// No team to show (the viewer leads none).
    pub empty: bool,
}
