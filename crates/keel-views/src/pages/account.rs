//! The signed-in person's own settings, and the API reference.

use super::Chrome;
use askama::Template;

pub struct TokenRow {
    pub id: String,
    pub name: String,
    pub prefix: String,
    pub created: String,
    pub last_used: String,
    pub revoked: bool,
}

#[derive(Template)]
#[template(path = "account/settings.html")]
pub struct SettingsPage {
    pub chrome: Chrome,
    pub tokens: Vec<TokenRow>,
    /// A token just created: shown this once.
    pub new_token: Option<String>,
    pub notice: Option<String>,
    pub error: Option<String>,
    /// The zones one may see times in, the first being "the organisation's".
    pub zones: Vec<super::Choice>,
    /// What is wrong with a zone just chosen.
    pub zone_error: Option<String>,
    pub notifications: super::NotificationSettings,
}

/// The organisation's time zone (admins).
#[derive(Template)]
#[template(path = "admin/time_zone.html")]
pub struct ZonePage {
    pub chrome: Chrome,
    pub zones: Vec<super::Choice>,
    /// The zone now, its name and current UTC offset.
    pub current: String,
    pub notice: Option<String>,
    pub zone_error: Option<String>,
}

pub struct ApiOperation {
    pub anchor: String,
    pub method: String,
    pub method_class: String,
    pub path: String,
    pub summary: String,
    /// (name, where, description)
    pub params: Vec<(String, String, String)>,
    pub responses: String,
}

#[derive(Template)]
#[template(path = "api/reference.html")]
pub struct ApiReferencePage {
    pub chrome: Chrome,
    pub origin: String,
    pub version: String,
    pub operations: Vec<ApiOperation>,
}
