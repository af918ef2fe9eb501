//! Notifications: the bell in the top bar, the list, the settings section, the admin's view
//! of outgoing e-mail, and the e-mail itself.

use super::{Choice, Chrome};
use askama::Template;
use keel_i18n::Locale;

/// One notification as a line of the list.
pub struct NotificationItem {
    pub id: String,
    pub text: String,
    /// Opens it (and marks it read).
    pub href: String,
    pub time: String,
    pub unread: bool,
}

#[derive(Template)]
#[template(path = "notifications/list.html")]
pub struct NotificationsPage {
    pub chrome: Chrome,
    pub items: Vec<NotificationItem>,
    pub unread: i64,
    /// The next (older) page.
    pub next: Option<String>,
    /// Showing a later page (not the newest).
    pub older: bool,
}

/// The bell's contents, refreshed by htmx.
#[derive(Template)]
#[template(path = "notifications/bell.html")]
pub struct Bell {
    pub l: Locale,
    pub unread: i64,
}

impl Bell {
    /// "99+" above 99, so the badge keeps its size.
    pub fn badge(&self) -> String {
        if self.unread > 99 {
            "99+".into()
        } else {
            self.unread.to_string()
        }
    }
}

/// One kind's row of the settings section.
pub struct PreferenceRow {
    pub kind: String,
    pub name: String,
    /// `(value, label, selected, disabled)`.
    pub options: Vec<(String, String, bool, bool)>,
}

/// The notifications section of the settings page.
pub struct NotificationSettings {
    pub rows: Vec<PreferenceRow>,
    /// "No digest" and the 24 hours.
    pub digest: Vec<Choice>,
    /// Why e-mail cannot be chosen, if it cannot.
    pub email_unavailable: Option<String>,
    /// The zone digest hours are in.
    pub zone: String,
}

pub struct OutboxItem {
    pub id: String,
    pub created: String,
    pub to: String,
    pub subject: String,
    pub status: String,
    pub status_class: &'static str,
    pub attempts: String,
    pub next_try: String,
    pub error: String,
    pub retry: bool,
}

#[derive(Template)]
#[template(path = "notifications/admin_email.html")]
pub struct EmailAdminPage {
    pub chrome: Chrome,
    /// The SMTP server in use (without its password), or why there is none.
    pub server: String,
    pub configured: bool,
    /// `(label, count, filter href, current)`.
    pub counts: Vec<(String, i64, String, bool)>,
    pub rows: Vec<OutboxItem>,
    pub notice: Option<String>,
}

/// One line of an e-mail: what happened, when, and a link.
pub struct EmailLine {
    pub text: String,
    pub time: String,
    pub url: String,
}

/// The HTML part of a notification or digest e-mail.
#[derive(Template)]
#[template(path = "notifications/email.html")]
pub struct EmailHtml {
    pub lang: &'static str,
    pub title: String,
    pub greeting: String,
    pub lines: Vec<EmailLine>,
    pub open: String,
    pub footer: String,
    pub settings_url: String,
}
