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
        }
    }
}
