//! keel's HTTP server. [`App::build`] opens the database, applies migrations and binds the
//! listener; [`App::run`] serves until the shutdown future completes, finishing requests in
//! flight. No state that matters lives in the process: sessions and login throttling are in
//! the database, so any number of servers can share one PostgreSQL.

mod account;
mod api;
mod assets;
mod audit;
mod auth;
mod cache;
mod checkins;
mod config;
mod contests;
mod context;
mod crm;
mod csrf;
mod dashboard;
mod error;
mod goals;
mod health;
mod home;
mod insights;
mod jobs;
mod kpis;
mod lang;
mod metrics;
mod notifications;
mod people;
mod shared;
mod state;
mod targets;
mod teams;
mod zones;

pub use auth::passwords::hash as hash_password;
pub use auth::tokens::issue as issue_token;

/// The OpenAPI document of `/api/v1`, as served at `/api/v1/openapi.json`.
pub fn openapi() -> utoipa::openapi::OpenApi {
    api::routes().1
}
pub use config::{Config, MailConfig};
pub use error::AppError;
pub use state::AppState;

use axum::Router;
use keel_db::{Db, DbError};
use std::future::Future;
use std::net::SocketAddr;
use tokio::net::TcpListener;

/// Why keel could not start; each variant prints as one line an operator can act on.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("{0}")]
    Db(#[from] DbError),
    #[error("cannot listen on {addr}: {reason}")]
    Bind { addr: SocketAddr, reason: String },
    /// The e-mail settings cannot work (a bad SMTP URL, a missing or invalid sender).
    #[error("{0}")]
    Mail(String),
}

/// A keel server, bound and migrated, ready to [`run`](App::run).
pub struct App {
    listener: TcpListener,
    state: AppState,
}

impl App {
    /// Connects to and migrates the configured database, then binds the listen address
    /// (port 0 picks a free port; see [`App::local_addr`]).
    pub async fn build(config: Config) -> Result<App, StartError> {
        let db = Db::connect(&config.db).await?;
        db.migrate().await?;
        App::with_db(config, db).await
    }

    /// Like [`App::build`] over an already open and migrated database.
    pub async fn with_db(config: Config, db: Db) -> Result<App, StartError> {
        let mailer = notifications::mail::Mailer::new(&config.mail).map_err(StartError::Mail)?;
        let listener = TcpListener::bind(config.listen)
            .await
            .map_err(|e| StartError::Bind {
                addr: config.listen,
                reason: match e.kind() {
                    std::io::ErrorKind::AddrInUse => "the address is already in use".into(),
                    _ => e.to_string(),
                },
            })?;
        Ok(App {
            listener,
            state: AppState::new(db, config, mailer),
        })
    }

    pub fn local_addr(&self) -> SocketAddr {
        self.listener
            .local_addr()
            .expect("a bound listener has an address")
    }

    pub fn db(&self) -> &Db {
        &self.state.db
    }

    /// Serves until `shutdown` completes, then stops accepting, lets requests in flight
    /// finish, and closes the database pool.
    pub async fn run(
        self,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> std::io::Result<()> {
        let db = self.state.db.clone();
        // The background tasks (e-mail delivery, timed jobs) stop with the server; each
        // finishes what it has in hand first.
        let (stop, stopped) = tokio::sync::watch::channel(false);
        let mut tasks = vec![tokio::spawn(jobs::run(self.state.clone(), stopped.clone()))];
        if let Some(mailer) = self.state.mailer.clone() {
            tasks.push(tokio::spawn(notifications::worker::run(
                self.state.clone(),
                mailer,
                stopped,
            )));
        }
        let app = router(self.state).into_make_service_with_connect_info::<SocketAddr>();
        let served = axum::serve(self.listener, app)
            .with_graceful_shutdown(shutdown)
            .await;
        let _ = stop.send(true);
        for task in tasks {
            let _ = task.await;
        }
        db.close().await;
        served
    }
}

/// Every route keel serves, as (method, path template): the table [`router`] is built from.
/// The permission matrix checks that it names each of them.
pub fn route_table() -> Vec<(&'static str, String)> {
    routes().into_parts().1
}

/// The routes of every area, HTML and API.
fn routes() -> shared::routes::Routes {
    use shared::routes::{Routes, get, post};
    let (api, _) = api::routes();
    Routes::new()
        .route("/", get(home::page))
        .route("/setup", get(auth::setup::form).post(auth::setup::submit))
        .route("/login", get(auth::login::form).post(auth::login::submit))
        .route("/logout", post(auth::login::logout))
        .route("/lang", post(lang::switch))
        .route("/healthz", get(health::healthz))
        .route("/metrics", get(metrics::render))
        .route("/static/{file}", get(assets::serve))
        .merge(crm::routes())
        .merge(people::routes())
        .merge(teams::routes())
        .merge(audit::routes())
        .merge(account::routes())
        .merge(kpis::routes())
        .merge(dashboard::routes())
        .merge(contests::routes())
        .merge(targets::routes())
        .merge(goals::routes())
        .merge(checkins::routes())
        .merge(insights::routes())
        .merge(zones::routes())
        .merge(notifications::routes())
        .merge(api)
}

/// Every route keel serves, with the layers that apply to all of them.
pub fn router(state: AppState) -> Router {
    use axum::middleware::{from_fn, from_fn_with_state};
    use tower_http::catch_panic::CatchPanicLayer;

    let (routes, _) = routes().into_parts();
    routes
        .fallback(|| async { AppError::NotFound })
        // The last layer added runs first: measure, resolve who is asking and in which
        // language, render any error (including those of the layers below, and a handler's
        // panic turned into a 500), refuse cross-site writes, bound the body. A panic above
        // the renderer is still caught by the outermost layer, as a bare 500.
        .layer(CatchPanicLayer::custom(error::panicked as fn(_) -> _))
        .layer(tower_http::limit::RequestBodyLimitLayer::new(
            state.config.body_limit,
        ))
        .layer(from_fn(csrf::same_origin_writes))
        .layer(from_fn(error::render))
        .layer(from_fn_with_state(state.clone(), context::resolve))
        .layer(from_fn_with_state(state.clone(), metrics::track))
        .layer(CatchPanicLayer::custom(error::panicked as fn(_) -> _))
        .with_state(state)
}
