//! Personal API tokens: `keel_` and 64 hex characters (244 random bits). The secret is shown
//! once; the database keeps its SHA-256 and a short prefix to tell tokens apart.

use crate::AppState;
use crate::auth::session::hash_token;
use keel_db::sessions::SessionUser;
use keel_db::{Db, DbError};
use uuid::Uuid;

/// A new token for `person` named `name`: (its id, the secret to hand over once).
pub async fn issue(db: &Db, person: Uuid, name: &str) -> Result<(Uuid, String), DbError> {
    let secret = format!(
        "keel_{}{}",
        Uuid::new_v4().simple(),
        Uuid::new_v4().simple()
    );
    let prefix = &secret[..13];
    let id = db
        .create_token(person, name, prefix, &hash_token(&secret))
        .await?;
    Ok((id, secret))
}

/// The person a bearer token belongs to; errors count as no user (and are logged).
pub async fn user(state: &AppState, token: &str) -> Option<SessionUser> {
    match state.db.token_user(&hash_token(token)).await {
        Ok(u) => u,
        Err(e) => {
            tracing::warn!(error = %e, "token lookup failed");
            None
        }
    }
}
