//! What readers do with a check-in: comment in a thread, react (one of each reaction per
//! person, toggled), flag it or one goal update for follow-up, and mark it reviewed.
//!
//! Any reader may comment (the author replies in the same thread). Reactions, flags and
//! reviews come from the people above the author; any of them counts as a review, which
//! ends the author's chance to edit.

use crate::checkins::{sees_all, visible_sql};
use crate::visibility::Actor;
use crate::{Db, DbError, Result, Tx, audit, with_pool, with_tx};
use chrono::{DateTime, Utc};
use keel_domain::checkins::Reaction;
use keel_domain::{ids::new_id, time::now};
use uuid::Uuid;

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Comment {
    pub id: Uuid,
    pub parent_id: Option<Uuid>,
    pub author_id: Uuid,
    pub author_name: String,
    pub body: String,
    pub at: DateTime<Utc>,
}

/// One reaction on a check-in: who gave it.
#[derive(Clone, Debug)]
pub struct ReactionCount {
    pub reaction: Reaction,
    pub names: Vec<String>,
    pub mine: bool,
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Flag {
    pub id: Uuid,
    pub checkin_id: Uuid,
    /// The goal update flagged, or none for the check-in as a whole.
    pub item_id: Option<Uuid>,
    pub goal_title: Option<String>,
    pub note: String,
    pub created_by_name: String,
    pub created_at: DateTime<Utc>,
    pub resolved_by_name: Option<String>,
    pub resolved_at: Option<DateTime<Utc>>,
    /// The person whose check-in it is.
    pub person_id: Uuid,
    pub person_name: String,
}

const FLAG_SELECT: &str = "SELECT f.id, f.checkin_id, f.item_id, g.title AS goal_title, f.note, \
    cb.name AS created_by_name, f.created_at, rb.name AS resolved_by_name, f.resolved_at, \
    c.person_id, p.name AS person_name FROM checkin_flags f JOIN checkins c ON c.id = f.checkin_id \
    JOIN people p ON p.id = c.person_id JOIN people cb ON cb.id = f.created_by \
    LEFT JOIN people rb ON rb.id = f.resolved_by LEFT JOIN checkin_goals i ON i.id = f.item_id \
    LEFT JOIN goals g ON g.id = i.goal_id";

/// Marks a check-in reviewed by `actor` unless it already was.
async fn review(tx: &mut Tx, checkin: Uuid, actor: Uuid, at: DateTime<Utc>) -> Result<()> {
    with_tx!(tx, c => {
        sqlx::query(
            "UPDATE checkins SET reviewed_at = $2, reviewed_by = $3 WHERE id = $1 AND reviewed_at IS NULL",
        )
        .bind(checkin)
        .bind(at)
        .bind(actor)
        .execute(c)
        .await?;
    });
    Ok(())
}

impl Db {
    /// The author of a check-in the actor may see.
    async fn readable(&self, actor: &Actor, id: Uuid) -> Result<Uuid> {
        let sql = format!(
            "SELECT c.person_id FROM checkins c WHERE c.id = $3 AND {}",
            visible_sql(1, 2)
        );
        let person: Option<Uuid> = with_pool!(self, p => {
            sqlx::query_scalar(sqlx::AssertSqlSafe(sql))
                .bind(actor.id)
                .bind(sees_all(actor))
                .bind(id)
                .fetch_optional(p)
                .await?
        });
        person.ok_or(DbError::NotFound)
    }

    /// The author of a check-in the actor may see and give feedback on (not their own).
    async fn reviewable(&self, actor: &Actor, id: Uuid) -> Result<Uuid> {
        let author = self.readable(actor, id).await?;
        if author == actor.id {
            return Err(DbError::Forbidden);
        }
        Ok(author)
    }

    /// Whether the actor may react to, flag and review this check-in.
    pub async fn may_review_checkin(&self, actor: &Actor, id: Uuid) -> Result<bool> {
        Ok(self.readable(actor, id).await? != actor.id)
    }

    /// Adds a comment, or a reply to `parent`; a comment from above the author is a review.
    pub async fn comment_checkin(
        &self,
        actor: &Actor,
        id: Uuid,
        parent: Option<Uuid>,
        body: &str,
    ) -> Result<Uuid> {
        let author = self.readable(actor, id).await?;
        let body = body.trim();
        if body.is_empty() {
            return Err(DbError::Conflict("comment_empty"));
        }
        if let Some(parent) = parent {
            let n: i64 = with_pool!(self, p => {
                sqlx::query_scalar("SELECT COUNT(*) FROM checkin_comments WHERE id = $1 AND checkin_id = $2")
                    .bind(parent)
                    .bind(id)
                    .fetch_one(p)
                    .await?
            });
            if n == 0 {
                return Err(DbError::Conflict("unknown_comment"));
            }
        }
        let at = now();
        let comment = new_id();
        let mut tx = self.begin_write().await?;
        with_tx!(&mut tx, c => {
            sqlx::query(
                "INSERT INTO checkin_comments (id, checkin_id, parent_id, author_id, body, at) \
                 VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(comment)
            .bind(id)
            .bind(parent)
            .bind(actor.id)
            .bind(body)
            .bind(at)
            .execute(c)
            .await?;
        });
        if author != actor.id {
            review(&mut tx, id, actor.id, at).await?;
        }
        crate::notifications::checkin_comment(&mut tx, actor.id, id, author, parent, body, at)
            .await?;
        let entry = audit::Entry {
            actor: Some(actor.id),
            action: "comment",
            entity: "checkin",
            entity_id: Some(id),
            summary: body.chars().take(80).collect(),
        };
        audit::record(&mut tx, entry, at).await?;
        tx.commit().await?;
        Ok(comment)
    }

    /// The thread, oldest first.
    pub async fn checkin_comments(&self, actor: &Actor, id: Uuid) -> Result<Vec<Comment>> {
        self.readable(actor, id).await?;
        Ok(with_pool!(self, p => {
            sqlx::query_as::<_, Comment>(
                "SELECT m.id, m.parent_id, m.author_id, p.name AS author_name, m.body, m.at \
                 FROM checkin_comments m JOIN people p ON p.id = m.author_id \
                 WHERE m.checkin_id = $1 ORDER BY m.at, m.id",
            )
            .bind(id)
            .fetch_all(p)
            .await?
        }))
    }

    /// Adds the actor's reaction, or takes it back if given; returns whether it is on now.
    pub async fn toggle_reaction(&self, actor: &Actor, id: Uuid, r: Reaction) -> Result<bool> {
        self.reviewable(actor, id).await?;
        let at = now();
        let mut tx = self.begin_write().await?;
        let removed = with_tx!(&mut tx, c => {
            sqlx::query("DELETE FROM checkin_reactions WHERE checkin_id = $1 AND person_id = $2 AND reaction = $3")
                .bind(id)
                .bind(actor.id)
                .bind(r.as_str())
                .execute(c)
                .await?
                .rows_affected()
        });
        if removed == 0 {
            with_tx!(&mut tx, c => {
                sqlx::query(
                    "INSERT INTO checkin_reactions (checkin_id, person_id, reaction, at) VALUES ($1, $2, $3, $4)",
                )
                .bind(id)
                .bind(actor.id)
                .bind(r.as_str())
                .bind(at)
                .execute(c)
                .await?;
            });
            review(&mut tx, id, actor.id, at).await?;
        }
        let entry = audit::Entry {
            actor: Some(actor.id),
            action: if removed == 0 { "react" } else { "unreact" },
            entity: "checkin",
            entity_id: Some(id),
            summary: r.as_str().into(),
        };
        audit::record(&mut tx, entry, at).await?;
        tx.commit().await?;
        Ok(removed == 0)
    }

    /// Every reaction of the fixed set, with who gave it (empty ones included).
    pub async fn checkin_reactions(&self, actor: &Actor, id: Uuid) -> Result<Vec<ReactionCount>> {
        self.readable(actor, id).await?;
        let rows: Vec<(String, Uuid, String)> = with_pool!(self, p => {
            sqlx::query_as(
                "SELECT r.reaction, r.person_id, p.name FROM checkin_reactions r \
                 JOIN people p ON p.id = r.person_id WHERE r.checkin_id = $1 ORDER BY r.at, p.sort_key",
            )
            .bind(id)
            .fetch_all(p)
            .await?
        });
        Ok(Reaction::ALL
            .into_iter()
            .map(|r| {
                let given: Vec<&(String, Uuid, String)> =
                    rows.iter().filter(|x| x.0 == r.as_str()).collect();
                ReactionCount {
                    reaction: r,
                    mine: given.iter().any(|x| x.1 == actor.id),
                    names: given.into_iter().map(|x| x.2.clone()).collect(),
                }
            })
            .collect())
    }

    /// Flags the check-in, or one of its goal updates (`item`), for follow-up.
    pub async fn flag_checkin(
        &self,
        actor: &Actor,
        id: Uuid,
        item: Option<Uuid>,
        note: &str,
    ) -> Result<Uuid> {
        self.reviewable(actor, id).await?;
        let note = note.trim();
        if note.is_empty() {
            return Err(DbError::Conflict("flag_note_required"));
        }
        if let Some(item) = item {
            let n: i64 = with_pool!(self, p => {
                sqlx::query_scalar("SELECT COUNT(*) FROM checkin_goals WHERE id = $1 AND checkin_id = $2")
                    .bind(item)
                    .bind(id)
                    .fetch_one(p)
                    .await?
            });
            if n == 0 {
                return Err(DbError::Conflict("unknown_item"));
            }
        }
        let at = now();
        let flag = new_id();
        let mut tx = self.begin_write().await?;
        with_tx!(&mut tx, c => {
            sqlx::query(
                "INSERT INTO checkin_flags (id, checkin_id, item_id, note, created_by, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(flag)
            .bind(id)
            .bind(item)
            .bind(note)
            .bind(actor.id)
            .bind(at)
            .execute(c)
            .await?;
        });
        review(&mut tx, id, actor.id, at).await?;
        let entry = audit::Entry {
            actor: Some(actor.id),
            action: "flag",
            entity: "checkin",
            entity_id: Some(id),
            summary: note.chars().take(80).collect(),
        };
        audit::record(&mut tx, entry, at).await?;
        tx.commit().await?;
        Ok(flag)
    }

    /// Resolves an open flag; the check-in it belongs to is returned.
    pub async fn resolve_flag(&self, actor: &Actor, flag: Uuid) -> Result<Uuid> {
        let checkin: Option<Uuid> = with_pool!(self, p => {
            sqlx::query_scalar("SELECT checkin_id FROM checkin_flags WHERE id = $1")
                .bind(flag)
                .fetch_optional(p)
                .await?
        });
        let checkin = checkin.ok_or(DbError::NotFound)?;
        self.reviewable(actor, checkin).await?;
        let at = now();
        let mut tx = self.begin_write().await?;
        with_tx!(&mut tx, c => {
            sqlx::query(
                "UPDATE checkin_flags SET resolved_by = $2, resolved_at = $3 WHERE id = $1 AND resolved_at IS NULL",
            )
            .bind(flag)
            .bind(actor.id)
            .bind(at)
            .execute(c)
            .await?;
        });
        let entry = audit::Entry {
            actor: Some(actor.id),
            action: "resolve",
            entity: "checkin_flag",
            entity_id: Some(flag),
            summary: String::new(),
        };
        audit::record(&mut tx, entry, at).await?;
        tx.commit().await?;
        Ok(checkin)
    }

    /// Marks the check-in reviewed (it can no longer be edited).
    pub async fn mark_checkin_reviewed(&self, actor: &Actor, id: Uuid) -> Result<()> {
        self.reviewable(actor, id).await?;
        let at = now();
        let mut tx = self.begin_write().await?;
        review(&mut tx, id, actor.id, at).await?;
        let entry = audit::Entry {
            actor: Some(actor.id),
            action: "review",
            entity: "checkin",
            entity_id: Some(id),
            summary: String::new(),
        };
        audit::record(&mut tx, entry, at).await?;
        tx.commit().await
    }

    /// The flags of one check-in, open first.
    pub async fn checkin_flags(&self, actor: &Actor, id: Uuid) -> Result<Vec<Flag>> {
        self.readable(actor, id).await?;
        let sql = format!(
            "{FLAG_SELECT} WHERE f.checkin_id = $1 ORDER BY f.resolved_at IS NOT NULL, f.created_at, f.id"
        );
        Ok(with_pool!(self, p => {
            sqlx::query_as::<_, Flag>(sqlx::AssertSqlSafe(sql)).bind(id).fetch_all(p).await?
        }))
    }

    /// Open flags on check-ins of the given people that the actor may see, oldest first.
    pub async fn open_flags(&self, actor: &Actor, people: &[Uuid]) -> Result<Vec<Flag>> {
        let sql = format!(
            "{FLAG_SELECT} WHERE f.resolved_at IS NULL AND {} ORDER BY f.created_at, f.id",
            visible_sql(1, 2)
        );
        let rows: Vec<Flag> = with_pool!(self, p => {
            sqlx::query_as::<_, Flag>(sqlx::AssertSqlSafe(sql))
                .bind(actor.id)
                .bind(sees_all(actor))
                .fetch_all(p)
                .await?
        });
        Ok(rows
            .into_iter()
            .filter(|f| people.contains(&f.person_id))
            .collect())
    }
}
