//! Contests and their live leaderboards (also as a big screen for the team's TV).

use super::{Choice, Chrome};
use askama::Template;

/// A contest in the list.
pub struct ContestItem {
    pub id: String,
    pub name: String,
    pub metric: String,
    pub period: String,
    pub prize: String,
    /// `running`, `upcoming` or `finished`, also the label key suffix.
    pub state: &'static str,
    pub state_label: String,
}

#[derive(Template)]
#[template(path = "contests/list.html")]
pub struct ContestsPage {
    pub chrome: Chrome,
    pub contests: Vec<ContestItem>,
    pub can_create: bool,
}

/// A participant the form offers: a person or a team.
pub struct Entrant {
    pub value: String,
    pub label: String,
    pub checked: bool,
}

#[derive(Template)]
#[template(path = "contests/form.html")]
pub struct ContestFormPage {
    pub chrome: Chrome,
    pub name: String,
    pub metric_options: Vec<Choice>,
    pub starts: String,
    pub ends: String,
    pub prize: String,
    pub people: Vec<Entrant>,
    pub teams: Vec<Entrant>,
    pub error: Option<String>,
}

/// One line of a leaderboard.
pub struct BoardLine {
    pub rank: usize,
    pub name: String,
    pub value: String,
    /// Bar length, 0–100, against the leader.
    pub bar: i64,
}

/// The leaderboard itself, rendered alone for the page's periodic refresh.
#[derive(Template)]
#[template(path = "contests/board.html")]
pub struct BoardFragment {
    pub chrome: Chrome,
    pub id: String,
    pub lines: Vec<BoardLine>,
    /// Finished: the recorded podium, not the live standing.
    pub final_result: bool,
    pub updated: String,
}

#[derive(Template)]
#[template(path = "contests/show.html")]
pub struct ContestPage {
    pub chrome: Chrome,
    pub item: ContestItem,
    /// The rendered [`BoardFragment`].
    pub board: String,
}

/// The big-screen mode: no navigation, large type, refreshes itself.
#[derive(Template)]
#[template(path = "contests/tv.html")]
pub struct ContestTvPage {
    pub chrome: Chrome,
    pub item: ContestItem,
    /// The rendered [`BoardFragment`].
    pub board: String,
}
