use keel_db::DbConfig;
use std::net::SocketAddr;
use std::time::Duration;

/// Everything the server needs to know. The binary fills it from flags, `KEEL_*` variables
/// and `keel.toml`; tests build it directly.
#[derive(Clone, Debug)]
pub struct Config {
    pub listen: SocketAddr,
    pub db: DbConfig,
    /// Mark cookies `Secure` (set when keel is served over HTTPS).
    pub cookie_secure: bool,
    /// A session unused for this long ends.
    pub session_idle: Duration,
    /// A session ends this long after login, however busy.
    pub session_absolute: Duration,
    /// Largest request body accepted, in bytes.
    pub body_limit: usize,
    /// Take the client address from `X-Forwarded-For` (only behind a trusted proxy).
    pub trust_forwarded_for: bool,
    /// Rendered dashboards kept in memory, keyed by data version (0: none).
    pub dashboard_cache: usize,
    /// Outgoing e-mail.
    pub mail: MailConfig,
    /// How often each server looks for timed jobs that are due.
    pub jobs_tick: Duration,
    /// The address people open keel at (`https://keel.example.com`), for links in e-mail.
    /// Default: `http://` and the listen address.
    pub public_url: Option<String>,
}

/// E-mail through SMTP. Without `smtp_url` nothing is sent: notifications stay in keel and
/// e-mail choices are shown as unavailable.
#[derive(Clone, Debug)]
pub struct MailConfig {
    /// `smtp://host:port` (plain), `smtp://host:587?tls=required` (STARTTLS) or
    /// `smtps://user:password@host:465`, as lettre reads it.
    pub smtp_url: Option<String>,
    /// The sender, `keel@example.com` or `keel <keel@example.com>`.
    pub from: Option<String>,
    /// How often the delivery worker looks for due e-mail.
    pub poll: Duration,
    /// The wait after the first failed try; it doubles with each further one, up to `retry_cap`.
    pub retry_base: Duration,
    pub retry_cap: Duration,
    /// Tries before an e-mail is marked failed (admins see it and may retry it).
    pub max_attempts: u32,
    /// How long a claim on an e-mail lasts; a server that stops mid-delivery leaves its
    /// claims to others after this.
    pub lease: Duration,
    /// Longest wait for the SMTP server, per message.
    pub send_timeout: Duration,
    /// E-mails claimed at a time.
    pub batch: u32,
}

impl Default for MailConfig {
    fn default() -> Self {
        MailConfig {
            smtp_url: None,
            from: None,
            poll: Duration::from_secs(5),
            retry_base: Duration::from_secs(30),
            retry_cap: Duration::from_secs(3600),
            max_attempts: 8,
            lease: Duration::from_secs(300),
            send_timeout: Duration::from_secs(30),
            batch: 20,
        }
    }
}

impl Config {
    /// Defaults suitable for tests and a local run: the given database, port 0.
    pub fn for_database(db: DbConfig) -> Config {
        Config {
            listen: SocketAddr::from(([127, 0, 0, 1], 0)),
            db,
            cookie_secure: false,
            session_idle: Duration::from_secs(12 * 3600),
            session_absolute: Duration::from_secs(14 * 24 * 3600),
            body_limit: 2 * 1024 * 1024,
            trust_forwarded_for: false,
            dashboard_cache: 256,
            mail: MailConfig::default(),
            jobs_tick: Duration::from_secs(30),
            public_url: None,
        }
    }
}
