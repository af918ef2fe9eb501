//! One struct per page. Every page carries a [`Chrome`]: the language and the signed-in user
//! that the shared layout needs.

mod account;
mod checkins;
mod contests;
mod crm;
mod dashboard;
mod goals;
mod insights;
mod kpis;
mod notifications;
mod people;
mod targets;

pub use account::*;
pub use checkins::*;
pub use contests::*;
pub use crm::*;
pub use dashboard::*;
pub use goals::*;
pub use insights::*;
pub use kpis::*;
pub use notifications::*;
pub use people::*;
pub use targets::*;

use askama::Template;
use keel_i18n::Locale;

/// What the layout around every page needs.
pub struct Chrome {
    pub l: Locale,
    pub user: Option<UserChip>,
    /// The current path, for the navigation.
    pub path: String,
    /// Where the language switch comes back to.
    pub back: String,
}

/// One link of the main navigation; `label` is a message key.
pub struct NavItem {
    pub href: &'static str,
    pub label: &'static str,
    pub current: bool,
}

impl Chrome {
    pub fn locales(&self) -> &'static [Locale] {
        &Locale::ALL
    }

    /// The areas this person can use. An area appears here only once it works.
    pub fn nav(&self) -> Vec<NavItem> {
        let Some(user) = &self.user else {
            return Vec::new();
        };
        let mut items = vec![
            ("/", "nav-home"),
            ("/dashboard", "nav-dashboard"),
            ("/today", "nav-today"),
            ("/activities", "nav-activities"),
            ("/accounts", "nav-accounts"),
            ("/contacts", "nav-contacts"),
            ("/deals", "nav-deals"),
            ("/leads", "nav-leads"),
            ("/satisfaction", "nav-satisfaction"),
            ("/goals", "nav-goals"),
            ("/checkins", "nav-checkins"),
            ("/kpis", "nav-kpis"),
            ("/forecast", "nav-forecast"),
            ("/contests", "nav-contests"),
            ("/import", "nav-import"),
            ("/people", "nav-people"),
            ("/org", "nav-org"),
        ];
        if user.admin {
            items.push(("/admin/teams", "nav-teams"));
            items.push(("/admin/audit", "nav-audit"));
            items.push(("/admin/crm", "nav-crm-settings"));
            items.push(("/admin/insights", "nav-insight-settings"));
            items.push(("/admin/time-zone", "nav-time-zone"));
            items.push(("/admin/email", "nav-email"));
        }
        items
            .into_iter()
            .map(|(href, label)| NavItem {
                href,
                label,
                current: if href == "/" {
                    self.path == "/"
                } else {
                    self.path.starts_with(href)
                },
            })
            .collect()
    }
}

/// The signed-in person as the top bar shows them.
pub struct UserChip {
    pub name: String,
    pub initials: String,
    /// Sees the administration areas.
    pub admin: bool,
}

/// One choice of a `<select>`.
#[derive(Clone)]
pub struct Choice {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

impl Choice {
    /// A `<select>`'s options: first `none` (the empty value), then `(value, label)` pairs,
    /// with `current` selected.
    pub fn list(
        none: &str,
        items: impl IntoIterator<Item = (String, String)>,
        current: &str,
    ) -> Vec<Choice> {
        let first = Choice {
            value: String::new(),
            label: none.to_owned(),
            selected: current.is_empty(),
        };
        std::iter::once(first)
            .chain(Choice::pick(items, current))
            .collect()
    }

    /// Options where one must be chosen: `(value, label)` pairs with `current` selected.
    pub fn pick(items: impl IntoIterator<Item = (String, String)>, current: &str) -> Vec<Choice> {
        items
            .into_iter()
            .map(|(value, label)| Choice {
                selected: value == current,
                value,
                label,
            })
            .collect()
    }
}

#[derive(Template)]
#[template(path = "error.html")]
pub struct ErrorPage {
    pub chrome: Chrome,
    pub code: &'static str,
    pub message: String,
}

/// One input of a form, with its current value and its localized error, if any. With
/// `options` it is a `<select>`.
#[derive(Default)]
pub struct Field {
    pub name: &'static str,
    pub kind: &'static str,
    pub label: String,
    pub value: String,
    pub max: usize,
    pub required: bool,
    pub options: Vec<Choice>,
    pub hint: Option<String>,
    pub error: Option<String>,
}

pub struct Form {
    pub fields: Vec<Field>,
    pub error: Option<String>,
}

#[derive(Template)]
#[template(path = "setup.html")]
pub struct SetupPage {
    pub chrome: Chrome,
    pub form: Form,
    /// The organisation's time zone to choose (Asia/Shanghai unless changed).
    pub zones: Vec<Choice>,
    pub zone_error: Option<String>,
}

#[derive(Template)]
#[template(path = "login.html")]
pub struct LoginPage {
    pub chrome: Chrome,
    pub organisation: String,
    pub email: String,
    pub notice: Option<String>,
    pub error: Option<String>,
}

#[derive(Template)]
#[template(path = "home.html")]
pub struct HomePage {
    pub chrome: Chrome,
    pub welcome: String,
    pub organisation: String,
    pub role: String,
    pub tiles: Vec<Tile>,
    /// "Your check-in for … is due …", when it is due or overdue and not submitted.
    pub checkin_due: Option<String>,
    pub checkin_overdue: bool,
    /// For managers: how many of their reports have not checked in this cycle.
    pub reports_missing: Option<String>,
}

/// A number on the home page that links to the list behind it.
pub struct Tile {
    pub value: String,
    pub label: String,
    pub href: &'static str,
}
