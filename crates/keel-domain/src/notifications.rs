//! Notifications: what kinds there are, how a person wants each delivered, and how often a
//! failed e-mail is tried again. Texts are not made here: a notification keeps its kind and
//! arguments, and is put into words in the reader's language when it is read or mailed.

use chrono::TimeDelta;
use serde::{Deserialize, Serialize};

/// What happened. Each kind has its own Fluent message `notification-<key>`, whose
/// variables are the arguments stored with the notification.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NotificationKind {
    /// Someone commented on your check-in. Arguments: `actor`, `excerpt`.
    CheckinComment,
    /// Someone replied in a check-in thread you wrote in. Arguments: `actor`, `author`
    /// (whose check-in it is), `excerpt`.
    CheckinReply,
    /// An account, deal or lead was given to you. Arguments: `actor`, `record` (`account`,
    /// `deal` or `lead`), `name`.
    RecordAssigned,
    /// Someone set your sales target. Arguments: `actor`, `period`, `metric` (a metric key),
    /// `value` (in the metric's unit), `currency`.
    TargetSet,
}

impl NotificationKind {
    pub const ALL: [NotificationKind; 4] = [
        NotificationKind::CheckinComment,
        NotificationKind::CheckinReply,
        NotificationKind::RecordAssigned,
        NotificationKind::TargetSet,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            NotificationKind::CheckinComment => "checkin_comment",
            NotificationKind::CheckinReply => "checkin_reply",
            NotificationKind::RecordAssigned => "record_assigned",
            NotificationKind::TargetSet => "target_set",
        }
    }

    pub fn parse(s: &str) -> Option<NotificationKind> {
        NotificationKind::ALL
            .into_iter()
            .find(|k| k.as_str() == s.trim())
    }

    /// The Fluent key of the notification's sentence (its name on the settings page is this
    /// plus `-name`).
    pub fn i18n_key(self) -> String {
        format!("notification-{}", self.as_str().replace('_', "-"))
    }

    /// The argument names its message may use; anything else stored is ignored.
    pub fn args(self) -> &'static [&'static str] {
        match self {
            NotificationKind::CheckinComment => &["actor", "excerpt"],
            NotificationKind::CheckinReply => &["actor", "author", "excerpt"],
            NotificationKind::RecordAssigned => &["actor", "record", "name"],
            NotificationKind::TargetSet => &["actor", "period", "metric", "value", "currency"],
        }
    }
}

/// How a person wants one kind of notification.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Delivery {
    /// In keel only (the bell and the notifications page). The default: nobody gets e-mail
    /// they did not ask for, and nothing waits for an SMTP server that is not configured.
    #[default]
    InApp,
    /// In keel and by e-mail at once.
    Email,
    /// Not at all.
    Off,
}

impl Delivery {
    pub const ALL: [Delivery; 3] = [Delivery::InApp, Delivery::Email, Delivery::Off];

    pub fn as_str(self) -> &'static str {
        match self {
            Delivery::InApp => "in_app",
            Delivery::Email => "email",
            Delivery::Off => "off",
        }
    }

    pub fn parse(s: &str) -> Option<Delivery> {
        Delivery::ALL.into_iter().find(|d| d.as_str() == s.trim())
    }
}

/// The wait before try number `attempt + 1` of an e-mail after `attempt` failed tries:
/// `base`, doubling each time, never more than `cap`.
pub fn retry_delay(attempt: u32, base: TimeDelta, cap: TimeDelta) -> TimeDelta {
    let doublings = attempt.saturating_sub(1).min(30);
    let factor = 1_i32 << doublings;
    base.checked_mul(factor).unwrap_or(cap).min(cap)
}

/// The first characters of a text, for quoting it in a notification.
pub fn excerpt(text: &str, max: usize) -> String {
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if text.chars().count() <= max {
        return text;
    }
    let mut out: String = text.chars().take(max.saturating_sub(1)).collect();
    out.push('…');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_and_deliveries_round_trip_through_text() {
        for k in NotificationKind::ALL {
            assert_eq!(NotificationKind::parse(k.as_str()), Some(k));
            assert!(k.i18n_key().starts_with("notification-"));
        }
        for d in Delivery::ALL {
            assert_eq!(Delivery::parse(d.as_str()), Some(d));
        }
        assert_eq!(Delivery::parse("pigeon"), None);
    }

    #[test]
    fn retries_back_off_exponentially_up_to_the_cap() {
        let base = TimeDelta::seconds(30);
        let cap = TimeDelta::hours(1);
        let waits: Vec<i64> = (1..=10)
            .map(|a| retry_delay(a, base, cap).num_seconds())
            .collect();
        assert_eq!(waits, [30, 60, 120, 240, 480, 960, 1920, 3600, 3600, 3600]);
        assert_eq!(retry_delay(u32::MAX, base, cap), cap);
    }

    #[test]
    fn excerpts_are_short_and_on_one_line() {
        assert_eq!(excerpt("a\n  b", 10), "a b");
        assert_eq!(excerpt("一二三四五六", 4), "一二三…");
    }
}
