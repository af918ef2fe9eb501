//! One struct per page. Every page carries a [`Chrome`]: the language and the signed-in user
//! that the shared layout needs.

use askama::Template;
use keel_i18n::Locale;

/// What the layout around every page needs.
pub struct Chrome {
    pub l: Locale,
    pub user: Option<UserChip>,
    /// The current path, for the navigation and for coming back after a language switch.
    pub path: String,
}

impl Chrome {
    pub fn locales(&self) -> &'static [Locale] {
        &Locale::ALL
    }
}

/// The signed-in person as the top bar shows them.
pub struct UserChip {
    pub name: String,
    pub initials: String,
}

#[derive(Template)]
#[template(path = "error.html")]
pub struct ErrorPage {
    pub chrome: Chrome,
    pub code: &'static str,
    pub message: String,
}

/// One input of a form, with its current value and its localized error, if any.
pub struct Field {
    pub name: &'static str,
    pub kind: &'static str,
    pub label: String,
    pub value: String,
    pub max: usize,
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
}
