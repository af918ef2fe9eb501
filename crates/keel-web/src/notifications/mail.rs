//! Sending one e-mail through SMTP with lettre, and composing notification and digest
//! e-mails (a plain-text and an HTML part, in the recipient's language).

use crate::config::MailConfig;
use askama::Template;
use keel_i18n::Locale;
use keel_views::{EmailHtml, EmailLine};
use lettre::message::{Mailbox, MultiPart};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

/// The configured SMTP server and sender. Cheap to clone.
#[derive(Clone)]
pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
    /// The server's URL without its password, for the admin page and logs.
    pub server: String,
}

/// Why a message was not accepted.
pub struct SendError {
    pub text: String,
    /// The server refused for good (a 5xx answer, an unusable address): trying again will
    /// not help.
    pub permanent: bool,
}

impl Mailer {
    /// The mailer `cfg` describes, `None` without an SMTP URL; an unusable URL or sender is
    /// an error to stop at start-up with.
    pub fn new(cfg: &MailConfig) -> Result<Option<Mailer>, String> {
        let Some(url) = cfg.smtp_url.as_deref().filter(|u| !u.trim().is_empty()) else {
            return Ok(None);
        };
        let server = keel_db::redact_url(url);
        let from_text = cfg
            .from
            .as_deref()
            .filter(|f| !f.trim().is_empty())
            .ok_or("--smtp-from (KEEL_SMTP_FROM) is required with --smtp-url")?;
        let from: Mailbox = from_text
            .trim()
            .parse()
            .map_err(|e| format!("invalid sender --smtp-from '{from_text}': {e}"))?;
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
            .map_err(|e| format!("invalid --smtp-url {server}: {e}"))?
            .timeout(Some(cfg.send_timeout))
            .build();
        Ok(Some(Mailer {
            transport,
            from,
            server,
        }))
    }

    pub fn from(&self) -> String {
        self.from.to_string()
    }

    /// Sends one message; `Ok` only once the server accepted it.
    pub async fn send(&self, to: Mailbox, mail: Composed) -> Result<(), SendError> {
        let message = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(mail.subject)
            .multipart(MultiPart::alternative_plain_html(mail.text, mail.html))
            .map_err(|e| SendError {
                text: e.to_string(),
                permanent: true,
            })?;
        self.transport
            .send(message)
            .await
            .map(|_| ())
            .map_err(|e| SendError {
                text: e.to_string(),
                permanent: e.is_permanent(),
            })
    }
}

/// A message ready to send.
pub struct Composed {
    pub subject: String,
    pub text: String,
    pub html: String,
}

/// What a message lists: `(text, time, absolute url)` per notification.
pub struct Lines {
    pub l: Locale,
    pub name: String,
    pub lines: Vec<(String, String, String)>,
    pub settings_url: String,
}

/// One notification, or a digest of several.
pub fn compose(m: Lines, digest: bool) -> Result<Composed, askama::Error> {
    let l = m.l;
    let subject = if digest {
        l.t_args(
            "email-subject-digest",
            &[("count", &m.lines.len().to_string())],
        )
    } else {
        let first = m.lines.first().map(|x| x.0.as_str()).unwrap_or_default();
        l.t_args(
            "email-subject-one",
            &[("text", &keel_domain::notifications::excerpt(first, 100))],
        )
    };
    let greeting = if digest {
        l.t_args("email-greeting-digest", &[("name", &m.name)])
    } else {
        l.t_args("email-greeting", &[("name", &m.name)])
    };
    let footer = l.t("email-footer");
    let mut text = format!("{greeting}\n\n");
    for (what, when, url) in &m.lines {
        text.push_str(&format!("{what}\n{when} · {url}\n\n"));
    }
    text.push_str(&format!("-- \n{footer} {}\n", m.settings_url));
    let html = EmailHtml {
        lang: l.code(),
        title: subject.clone(),
        greeting,
        lines: m
            .lines
            .into_iter()
            .map(|(text, time, url)| EmailLine { text, time, url })
            .collect(),
        open: l.t("email-open"),
        footer,
        settings_url: m.settings_url,
    }
    .render()?;
    Ok(Composed {
        subject,
        text,
        html,
    })
}
