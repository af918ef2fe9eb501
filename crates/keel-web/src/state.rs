use crate::{Config, metrics::Metrics};
use keel_db::Db;
use std::sync::Arc;

/// Shared by every request: the database, the configuration and this process's metrics.
#[derive(Clone)]
pub struct AppState(Arc<Inner>);

pub struct Inner {
    pub db: Db,
    pub config: Config,
    pub metrics: Metrics,
    pub dashboards: crate::cache::ResponseCache,
    /// Turns to compute a dashboard from scratch; see `dashboard::turn`.
    pub dashboard_turns: tokio::sync::Semaphore,
    /// The SMTP server, when one is configured.
    pub mailer: Option<crate::notifications::mail::Mailer>,
}

impl AppState {
    pub fn new(
        db: Db,
        config: Config,
        mailer: Option<crate::notifications::mail::Mailer>,
    ) -> AppState {
        AppState(Arc::new(Inner {
            db,
            dashboards: crate::cache::ResponseCache::new(config.dashboard_cache),
            // Each dashboard queries its panels on up to a dozen connections at once.
            dashboard_turns: tokio::sync::Semaphore::new(
                (config.db.max_connections / 4).max(1) as usize
            ),
            config,
            metrics: Metrics::default(),
            mailer,
        }))
    }
}

impl std::ops::Deref for AppState {
    type Target = Inner;
    fn deref(&self) -> &Inner {
        &self.0
    }
}
