//! One function per command. Each returns an error message for `main` to print as one line.

use crate::cli::Command;
use crate::settings::Settings;
use keel_db::{Db, SCHEMA_VERSION, redact_url};

pub async fn run(command: Command, s: Settings) -> Result<(), String> {
    match command {
        Command::Serve(args) => serve(s, args.demo).await,
        Command::Migrate => {
            let db = open(&s).await?;
            let r = db.migrate().await.map_err(|e| e.to_string())?;
            if r.from == r.to {
                println!("database schema is up to date (version {})", r.to);
            } else {
                println!(
                    "database schema migrated from version {} to {}",
                    r.from, r.to
                );
            }
            Ok(())
        }
        Command::Demo => {
            let db = open(&s).await?;
            db.migrate().await.map_err(|e| e.to_string())?;
            let logins = crate::demo::load(&db).await?;
            crate::demo::print_logins(&logins);
            Ok(())
        }
        Command::Backup { to } => {
            let db = open(&s).await?;
            db.backup_to(&to).await.map_err(|e| e.to_string())?;
            println!("backup written to {}", to.display());
            Ok(())
        }
        Command::Check => check(&s).await,
        Command::Token(crate::cli::TokenCommand::Create { email, name }) => {
            let db = open(&s).await?;
            db.migrate().await.map_err(|e| e.to_string())?;
            let person = db
                .credentials(&email)
                .await
                .map_err(|e| e.to_string())?
                .filter(|c| c.active)
                .ok_or_else(|| format!("no active person has the e-mail {email}"))?;
            let name = name.trim();
            if name.is_empty() || name.chars().count() > 100 {
                return Err("the token name must have 1 to 100 characters".into());
            }
            let (_, secret) = keel_web::issue_token(&db, person.id, name)
                .await
                .map_err(|e| e.to_string())?;
            println!("{secret}");
            Ok(())
        }
    }
}

async fn open(s: &Settings) -> Result<Db, String> {
    Db::connect(&s.web.db).await.map_err(|e| e.to_string())
}

fn describe_database(s: &Settings) -> String {
    match &s.web.db.url {
        Some(url) => redact_url(url),
        None => format!("sqlite://{}", s.web.db.data_dir.join("keel.db").display()),
    }
}

async fn check(s: &Settings) -> Result<(), String> {
    println!("database: {}", describe_database(s));
    println!("listen:   {}", s.web.listen);
    println!(
        "cookies:  {}; sessions idle {} min, at most {} h; client address from {}",
        if s.web.cookie_secure {
            "Secure"
        } else {
            "not Secure (plain HTTP)"
        },
        s.web.session_idle.as_secs() / 60,
        s.web.session_absolute.as_secs() / 3600,
        if s.web.trust_forwarded_for {
            "X-Forwarded-For"
        } else {
            "the connection"
        }
    );
    let db = open(s).await?;
    db.ping().await.map_err(|e| e.to_string())?;
    let v = db.schema_version().await.map_err(|e| e.to_string())?;
    println!("backend:  {} (reachable)", db.backend().name());
    if v > SCHEMA_VERSION {
        return Err(keel_db::DbError::SchemaTooNew {
            found: v,
            known: SCHEMA_VERSION,
        }
        .to_string());
    }
    if v < SCHEMA_VERSION {
        println!(
            "schema:   version {v}; this keel applies up to {SCHEMA_VERSION} on `keel migrate` or `keel serve`"
        );
    } else {
        println!("schema:   version {v} (current)");
    }
    println!("ok");
    Ok(())
}

async fn serve(s: Settings, demo: bool) -> Result<(), String> {
    let app = keel_web::App::build(s.web.clone())
        .await
        .map_err(|e| e.to_string())?;
    let mut logins = Vec::new();
    if demo && app.db().is_first_run().await.map_err(|e| e.to_string())? {
        logins = crate::demo::load(app.db()).await?;
    }
    let addr = app.local_addr();
    let shutdown = shutdown_signal();
    tracing::info!(database = %describe_database(&s), %addr, "keel is serving");
    println!("keel is serving on http://{addr}");
    if logins.is_empty() {
        if app.db().is_first_run().await.map_err(|e| e.to_string())? {
            println!(
                "first run: open http://{addr}/setup to create your organisation and its administrator"
            );
        } else {
            println!("log in at http://{addr}/login");
        }
    } else {
        crate::demo::print_logins(&logins);
    }
    app.run(shutdown).await.map_err(|e| e.to_string())?;
    tracing::info!("keel stopped");
    Ok(())
}

/// Completes on Ctrl-C or SIGTERM; the server then finishes requests in flight and exits.
/// The handlers are installed now, before keel says it is serving, so that a signal sent
/// right after that line is never missed.
fn shutdown_signal() -> impl std::future::Future<Output = ()> + Send + 'static {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let term = signal(SignalKind::terminate());
        let int = signal(SignalKind::interrupt());
        async move {
            match (term, int) {
                (Ok(mut term), Ok(mut int)) => {
                    tokio::select! {
                        _ = term.recv() => {},
                        _ = int.recv() => {},
                    }
                }
                _ => std::future::pending::<()>().await,
            }
            tracing::info!("shutting down: finishing requests in flight");
        }
    }
    #[cfg(not(unix))]
    async {
        let _ = tokio::signal::ctrl_c().await;
        tracing::info!("shutting down: finishing requests in flight");
    }
}
