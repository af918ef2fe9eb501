//! Effective settings: command-line flags and `KEEL_*` variables (clap merges those two),
//! then `keel.toml`, then defaults.

use crate::cli::{Global, LogFormat};
use keel_db::DbConfig;
use serde::Deserialize;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// The keys `keel.toml` accepts; each mirrors a flag. Unknown keys are an error, so a typo
/// does not silently fall back to a default.
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct File {
    database_url: Option<String>,
    data_dir: Option<PathBuf>,
    listen: Option<SocketAddr>,
    log_format: Option<LogFormat>,
    log: Option<String>,
    db_max_connections: Option<u32>,
    db_connect_timeout: Option<u64>,
    cookie_secure: Option<bool>,
    trust_forwarded_for: Option<bool>,
    session_idle_minutes: Option<u64>,
    session_absolute_hours: Option<u64>,
    body_limit_kib: Option<usize>,
    dashboard_cache: Option<usize>,
    smtp_url: Option<String>,
    smtp_from: Option<String>,
    public_url: Option<String>,
}

pub struct Settings {
    pub web: keel_web::Config,
    pub log_format: LogFormat,
    pub log: String,
}

impl Settings {
    pub fn load(g: &Global) -> Result<Settings, String> {
        let file = match &g.config {
            Some(path) => read_file(path)?,
            None if Path::new("keel.toml").exists() => read_file(Path::new("keel.toml"))?,
            None => File::default(),
        };
        let db = DbConfig {
            url: g
                .database_url
                .clone()
                .or(file.database_url)
                .filter(|u| !u.is_empty()),
            data_dir: g
                .data_dir
                .clone()
                .or(file.data_dir)
                .unwrap_or_else(|| "keel-data".into()),
            max_connections: g
                .db_max_connections
                .or(file.db_max_connections)
                .unwrap_or(8),
            connect_timeout: Duration::from_secs(
                g.db_connect_timeout
                    .or(file.db_connect_timeout)
                    .unwrap_or(5),
            ),
            bulk_load: false,
        };
        let mut web = keel_web::Config::for_database(db);
        web.listen = g
            .listen
            .or(file.listen)
            .unwrap_or(SocketAddr::from(([127, 0, 0, 1], 8080)));
        web.cookie_secure = g.cookie_secure.or(file.cookie_secure).unwrap_or(false);
        web.trust_forwarded_for = g
            .trust_forwarded_for
            .or(file.trust_forwarded_for)
            .unwrap_or(false);
        if let Some(m) = g.session_idle_minutes.or(file.session_idle_minutes) {
            web.session_idle = Duration::from_secs(m.max(1) * 60);
        }
        if let Some(h) = g.session_absolute_hours.or(file.session_absolute_hours) {
            web.session_absolute = Duration::from_secs(h.max(1) * 3600);
        }
        if let Some(k) = g.body_limit_kib.or(file.body_limit_kib) {
            web.body_limit = k.max(1) * 1024;
        }
        if let Some(n) = g.dashboard_cache.or(file.dashboard_cache) {
            web.dashboard_cache = n;
        }
        web.mail.smtp_url = g
            .smtp_url
            .clone()
            .or(file.smtp_url)
            .filter(|u| !u.is_empty());
        web.mail.from = g
            .smtp_from
            .clone()
            .or(file.smtp_from)
            .filter(|f| !f.is_empty());
        web.public_url = g
            .public_url
            .clone()
            .or(file.public_url)
            .filter(|u| !u.is_empty());
        Ok(Settings {
            web,
            log_format: g.log_format.or(file.log_format).unwrap_or(LogFormat::Text),
            log: g.log.clone().or(file.log).unwrap_or_else(|| "info".into()),
        })
    }
}

fn read_file(path: &Path) -> Result<File, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read configuration file {}: {e}", path.display()))?;
    toml::from_str(&text).map_err(|e| {
        let first = e
            .message()
            .lines()
            .next()
            .unwrap_or("invalid TOML")
            .to_owned();
        format!("configuration file {}: {first}", path.display())
    })
}

/// Logs go to stderr, as text or one JSON object per line. sqlx's per-statement logs stay
/// quiet unless asked for: they would carry query parameters.
pub fn init_logging(s: &Settings) {
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_new(format!("sqlx=warn,{}", s.log))
        .unwrap_or_else(|_| EnvFilter::new("sqlx=warn,info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    match s.log_format {
        LogFormat::Json => builder.json().init(),
        LogFormat::Text => builder.init(),
    }
}
