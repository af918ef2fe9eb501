//! The metric catalog: every metric with its definition and value, and one metric's history.

use super::{Choice, Chrome};
use askama::Template;

/// One metric as a row of the catalog.
pub struct KpiRow {
    pub key: String,
    pub name: String,
    pub definition: String,
    pub value: String,
    /// A state metric: its value is "now", whatever the period.
    pub now: bool,
}

/// The filters every metric page shares.
pub struct KpiFilters {
    pub scope_options: Vec<Choice>,
    pub from: String,
    pub to: String,
    /// The query string carrying these filters, for links between the pages.
    pub query: String,
    pub product_line: String,
    pub pipeline_options: Vec<Choice>,
    pub industry: String,
    pub region: String,
}

#[derive(Template)]
#[template(path = "kpis/index.html")]
pub struct KpisPage {
    pub chrome: Chrome,
    pub filters: KpiFilters,
    pub rows: Vec<KpiRow>,
}

/// One bucket of a metric's history, formatted.
pub struct KpiPoint {
    pub label: String,
    pub value: String,
}

#[derive(Template)]
#[template(path = "kpis/metric.html")]
pub struct KpiPage {
    pub chrome: Chrome,
    pub filters: KpiFilters,
    pub bucket_options: Vec<Choice>,
    pub row: KpiRow,
    /// The history as an SVG bar chart (see `charts::bars`), empty for state metrics.
    pub chart: String,
    pub history: Vec<KpiPoint>,
}
