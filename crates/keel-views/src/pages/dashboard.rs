//! The director's dashboard: tiles, then one panel per question, each a chart with the same
//! numbers as a table and as CSV.

use super::{Choice, Chrome};
use askama::Template;

/// A number with its comparison.
pub struct DashTile {
    pub label: String,
    pub value: String,
    /// "+12.5% vs previous period", empty without a comparison.
    pub delta: String,
    /// `up`, `down` or empty: whether the change is good news.
    pub trend: &'static str,
}

/// One table cell: what is shown, what the CSV gets, and an optional link (a drill-down or
/// the evidence).
pub struct Cell {
    pub text: String,
    pub raw: String,
    pub href: Option<String>,
}

pub struct Panel {
    pub key: &'static str,
    pub title: String,
    /// Rendered SVG (see `charts`), or a short HTML summary for panels without a chart.
    pub chart: String,
    pub head: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
    pub wide: bool,
    /// Shown when the panel has no data.
    pub empty: Option<String>,
}

/// The part of the page that refreshes itself.
#[derive(Template)]
#[template(path = "dashboard/panels.html")]
pub struct DashPanels {
    pub chrome: Chrome,
    /// The query string of the current view, for CSV links and the refresh.
    pub query: String,
    pub tiles: Vec<DashTile>,
    pub panels: Vec<Panel>,
    pub updated: String,
}

#[derive(Template)]
#[template(path = "dashboard/page.html")]
pub struct DashboardPage {
    pub chrome: Chrome,
    pub scope: String,
    pub scope_options: Vec<Choice>,
    pub period_options: Vec<Choice>,
    pub compare_options: Vec<Choice>,
    pub from: String,
    pub to: String,
    /// Where the view sits: organisation › team › person, each a link.
    pub crumbs: Vec<(String, String)>,
    pub period_label: String,
    /// The rendered [`DashPanels`].
    pub panels: String,
    pub query: String,
}
