//! The people area: directory, profile, org chart, the person form, teams and the audit log.

use super::{Choice, Chrome, Field};
use askama::Template;

/// A person as a row or a link: display-ready strings.
pub struct PersonRow {
    pub id: String,
    pub name: String,
    pub name_en: Option<String>,
    pub initials: String,
    pub title: String,
    pub email: String,
    pub team: String,
    pub department: String,
    /// (id, name)
    pub manager: Option<(String, String)>,
    pub role: String,
    pub is_hr: bool,
    pub active: bool,
    pub hire_date: Option<String>,
}

#[derive(Template)]
#[template(path = "people/directory.html")]
pub struct DirectoryPage {
    pub chrome: Chrome,
    pub q: String,
    pub teams: Vec<Choice>,
    pub include_inactive: bool,
    pub can_manage: bool,
    pub rows: Vec<PersonRow>,
    pub next: Option<String>,
}

#[derive(Template)]
#[template(path = "people/profile.html")]
pub struct ProfilePage {
    pub chrome: Chrome,
    pub p: PersonRow,
    pub reports: Vec<PersonRow>,
    pub can_manage: bool,
    pub notice: Option<String>,
}

pub struct OrgNode {
    pub id: String,
    pub name: String,
    pub initials: String,
    pub title: String,
    /// Everyone below, directly or not.
    pub reports: usize,
}

/// The org chart as a walk of the tree: a leaf, or a node whose children follow until its
/// `Close`.
pub enum OrgEvent {
    Leaf(OrgNode),
    Open(OrgNode),
    Close,
}

#[derive(Template)]
#[template(path = "people/org.html")]
pub struct OrgPage {
    pub chrome: Chrome,
    pub summary: String,
    pub events: Vec<OrgEvent>,
}

#[derive(Template)]
#[template(path = "people/form.html")]
pub struct PersonFormPage {
    pub chrome: Chrome,
    pub heading: String,
    pub action: String,
    pub cancel: String,
    pub fields: Vec<Field>,
    pub is_hr: bool,
    pub error: Option<String>,
}

pub struct TeamRow {
    pub id: String,
    pub name: String,
    pub department: String,
    pub lead: String,
    pub members: i64,
    pub department_options: Vec<Choice>,
    pub lead_options: Vec<Choice>,
}

#[derive(Template)]
#[template(path = "teams/list.html")]
pub struct TeamsPage {
    pub chrome: Chrome,
    pub teams: Vec<TeamRow>,
    pub departments: Vec<String>,
    pub department_options: Vec<Choice>,
    pub lead_options: Vec<Choice>,
    pub error: Option<String>,
}

pub struct AuditLine {
    pub at: String,
    pub actor: String,
    pub action: String,
    pub entity: String,
    pub link: Option<String>,
    pub summary: String,
}

#[derive(Template)]
#[template(path = "audit/list.html")]
pub struct AuditPage {
    pub chrome: Chrome,
    pub entity_options: Vec<Choice>,
    pub actor_options: Vec<Choice>,
    pub from: String,
    pub to: String,
    pub rows: Vec<AuditLine>,
    pub next: Option<String>,
}
