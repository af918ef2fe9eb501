//! Personal API tokens: a person's own credentials for `/api/v1`, carrying their permissions.
//! Only a hash of each secret is stored; a person sees and revokes only their own tokens.

use crate::sessions::SessionUser;
use crate::{Db, DbError, Result, audit, with_pool, with_tx};
use chrono::{DateTime, Utc};
use keel_domain::{ids::new_id, time::now};
use uuid::Uuid;

#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct Token {
    pub id: Uuid,
    pub name: String,
    pub prefix: String,
    pub created_at: DateTime<Utc>,
    pub last_used_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
}

impl Db {
    /// Stores a new token for `person`; the caller made the secret and keeps it.
    pub async fn create_token(
        &self,
        person: Uuid,
        name: &str,
        prefix: &str,
        hash: &[u8],
    ) -> Result<Uuid> {
        let id = new_id();
        let at = now();
        let mut tx = self.begin_write().await?;
        with_tx!(&mut tx, c => {
            sqlx::query(
                "INSERT INTO api_tokens (id, person_id, name, prefix, token_hash, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(id)
            .bind(person)
            .bind(name)
            .bind(prefix)
            .bind(hash)
            .bind(at)
            .execute(c)
            .await?;
        });
        let entry = audit::Entry {
            actor: Some(person),
            action: "create",
            entity: "api_token",
            entity_id: Some(id),
            summary: format!("{name} ({prefix}…)"),
        };
        audit::record(&mut tx, entry, at).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// `person`'s tokens, newest first.
    pub async fn tokens_of(&self, person: Uuid) -> Result<Vec<Token>> {
        Ok(with_pool!(self, p => {
            sqlx::query_as::<_, Token>(
                "SELECT id, name, prefix, created_at, last_used_at, revoked_at FROM api_tokens \
                 WHERE person_id = $1 ORDER BY created_at DESC, id DESC",
            )
            .bind(person)
            .fetch_all(p)
            .await?
        }))
    }

    /// Revokes one of `owner`'s tokens. Another person's token id is [`DbError::NotFound`],
    /// exactly like an id that does not exist.
    pub async fn revoke_token(&self, owner: Uuid, id: Uuid) -> Result<()> {
        let at = now();
        let mut tx = self.begin_write().await?;
        let name: Option<String> = with_tx!(&mut tx, c => {
            sqlx::query_scalar(
                "UPDATE api_tokens SET revoked_at = COALESCE(revoked_at, $3) \
                 WHERE id = $1 AND person_id = $2 RETURNING name",
            )
            .bind(id)
            .bind(owner)
            .bind(at)
            .fetch_optional(c)
            .await?
        });
        let name = name.ok_or(DbError::NotFound)?;
        let entry = audit::Entry {
            actor: Some(owner),
            action: "revoke",
            entity: "api_token",
            entity_id: Some(id),
            summary: name,
        };
        audit::record(&mut tx, entry, at).await?;
        tx.commit().await
    }

    /// The person a live (unrevoked) token belongs to, if they are active. Notes the use at
    /// most once a minute.
    pub async fn token_user(&self, hash: &[u8]) -> Result<Option<SessionUser>> {
        let at = now();
        let user = with_pool!(self, p => {
            sqlx::query_as::<_, SessionUser>(sqlx::AssertSqlSafe(format!(
                "SELECT p.id AS person_id, p.name, p.email, p.role, p.is_hr, p.locale, \
                        COALESCE(t.last_used_at, t.created_at) AS last_seen_at, p.time_zone, \
                        {} \
                 FROM api_tokens t JOIN people p ON p.id = t.person_id \
                 WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND p.active",
                crate::sessions::ORG_ZONE_COLUMN
            )))
            .bind(hash)
            .fetch_optional(p)
            .await?
        });
        if let Some(u) = &user
            && at - u.last_seen_at > chrono::TimeDelta::minutes(1)
        {
            with_pool!(self, p => {
                sqlx::query("UPDATE api_tokens SET last_used_at = $2 WHERE token_hash = $1")
                    .bind(hash)
                    .bind(at)
                    .execute(p)
                    .await?;
            });
        }
        Ok(user)
    }
}
