//! The insights feed: an HTML fragment the dashboard loads into a panel (no layout), and the
//! admin's thresholds form.

use super::Chrome;
use askama::Template;
use keel_i18n::Locale;

/// One insight, localized.
pub struct InsightItem {
    pub key: String,
    /// `kind` as a CSS-safe word (`win_rate_drop` ...).
    pub kind: &'static str,
    /// `high`, `medium` or `low`.
    pub severity: &'static str,
    pub severity_label: String,
    /// What changed, one line.
    pub what: String,
    /// Why it matters, one sentence.
    pub why: String,
    pub evidence: String,
    pub evidence_label: String,
}

/// The feed as a fragment: `<section id="insights" class="insights">`.
#[derive(Template)]
#[template(path = "insights/panel.html")]
pub struct InsightsPanel {
    pub l: Locale,
    /// The scope as typed in URLs (`org`, `team:<id>`, `person:<id>`).
    pub scope: String,
    pub items: Vec<InsightItem>,
}

/// One threshold of the settings form.
pub struct InsightSettingField {
    pub name: &'static str,
    pub label: String,
    pub hint: String,
    pub value: String,
    /// The input's `step`: `1` or `0.01`.
    pub step: &'static str,
    pub error: Option<String>,
}

#[derive(Template)]
#[template(path = "insights/settings.html")]
pub struct InsightSettingsPage {
    pub chrome: Chrome,
    pub fields: Vec<InsightSettingField>,
    pub notice: Option<String>,
    pub error: Option<String>,
}
