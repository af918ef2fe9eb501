//! Contests: a metric, a period, people or teams competing, and a prize (the leaderboard
//! idea of Zoho Motivator). Boards are computed live from the rollups; when a contest's period
//! is over, the first viewer records its winners, once, so they never change afterwards.
//!
//! Leaderboards are public inside the organisation: seeing each other's standing is the
//! point. Creating one is for managers (over their own line), directors and admins.

use crate::rollups::Scope;
use crate::visibility::Actor;
use crate::{Db, DbError, Result, audit, with_pool, with_tx};
use chrono::{DateTime, NaiveDate, Utc};
use keel_domain::metrics::{Kind, Metric};
use keel_domain::roles::Role;
use keel_domain::{ids::new_id, time::now};
use uuid::Uuid;

#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct Contest {
    pub id: Uuid,
    pub name: String,
    pub metric: String,
    pub starts: NaiveDate,
    pub ends: NaiveDate,
    pub prize: Option<String>,
    pub created_by: Uuid,
    pub created_by_name: String,
    /// When the winners were recorded (after the period ended).
    pub closed_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone)]
pub struct ContestInput {
    pub name: String,
    pub metric: Metric,
    pub starts: NaiveDate,
    pub ends: NaiveDate,
    pub prize: Option<String>,
    pub people: Vec<Uuid>,
    pub teams: Vec<Uuid>,
}

/// One participant's standing.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Standing {
    pub rank: usize,
    /// A person or a team.
    pub person_id: Option<Uuid>,
    pub team_id: Option<Uuid>,
    pub name: String,
    pub value: Option<i64>,
}

/// A participant: person or team id, and their names.
type EntryRow = (Option<Uuid>, Option<Uuid>, Option<String>, Option<String>);
/// A recorded winner: person, team, name, place, value.
type WinnerRow = (Option<Uuid>, Option<Uuid>, String, i32, Option<i64>);

const COLUMNS: &str = "c.id, c.name, c.metric, c.starts, c.ends, c.prize, c.created_by, \
    p.name AS created_by_name, c.closed_at FROM contests c JOIN people p ON p.id = c.created_by";

/// Ranks by value, highest first (or lowest first when less is better); ties share a rank
/// and those without a value come last, unranked among themselves by name.
pub fn rank(mut rows: Vec<Standing>, higher_is_better: bool) -> Vec<Standing> {
    rows.sort_by(|a, b| {
        let key = |s: &Standing| s.value.map(|v| if higher_is_better { -v } else { v });
        match (key(a), key(b)) {
            (Some(x), Some(y)) => x.cmp(&y).then_with(|| a.name.cmp(&b.name)),
            (Some(_), None) => std::cmp::Ordering::Less,
            (None, Some(_)) => std::cmp::Ordering::Greater,
            (None, None) => a.name.cmp(&b.name),
        }
    });
    let mut last: Option<(Option<i64>, usize)> = None;
    for (i, s) in rows.iter_mut().enumerate() {
        s.rank = match last {
            Some((v, r)) if v == s.value && v.is_some() => r,
            _ => i + 1,
        };
        last = Some((s.value, s.rank));
    }
    rows
}

impl Db {
    pub async fn create_contest(&self, actor: &Actor, input: &ContestInput) -> Result<Uuid> {
        if actor.role == Role::Member {
            return Err(DbError::Forbidden);
        }
        let name = input.name.trim();
        if name.is_empty() || name.chars().count() > 200 {
            return Err(DbError::Conflict("invalid_contest"));
        }
        if input.metric.kind() != Kind::Flow {
            return Err(DbError::Conflict("contest_metric"));
        }
        if input.starts > input.ends || (input.ends - input.starts).num_days() > 366 {
            return Err(DbError::Conflict("contest_period"));
        }
        if input.people.len() + input.teams.len() < 2 {
            return Err(DbError::Conflict("contest_participants"));
        }
        // Managers pit only their own line against each other; teams must be led from it.
        if !actor.sees_everything() {
            let line = self.reporting_line(actor.id).await?;
            if input.people.iter().any(|p| !line.contains(p)) {
                return Err(DbError::Forbidden);
            }
            for t in &input.teams {
                let lead = self.teams().await?.into_iter().find(|x| x.id == *t);
                if !lead
                    .and_then(|x| x.lead_id)
                    .is_some_and(|l| line.contains(&l))
                {
                    return Err(DbError::Forbidden);
                }
            }
        }
        let id = new_id();
        let at = now();
        let mut tx = self.begin_write().await?;
        with_tx!(&mut tx, c => {
            sqlx::query(
                "INSERT INTO contests (id, name, metric, starts, ends, prize, created_by, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            )
            .bind(id)
            .bind(name)
            .bind(input.metric.key())
            .bind(input.starts)
            .bind(input.ends)
            .bind(input.prize.as_deref().map(str::trim).filter(|p| !p.is_empty()))
            .bind(actor.id)
            .bind(at)
            .execute(&mut *c)
            .await?;
            for p in &input.people {
                sqlx::query("INSERT INTO contest_entries (contest_id, person_id, team_id) VALUES ($1, $2, NULL)")
                    .bind(id)
                    .bind(p)
                    .execute(&mut *c)
                    .await
                    .map_err(|e| match crate::error::unique_violation(&e) {
                        Some(_) => DbError::Conflict("contest_participants"),
                        None => DbError::from(e),
                    })?;
            }
            for t in &input.teams {
                sqlx::query("INSERT INTO contest_entries (contest_id, person_id, team_id) VALUES ($1, NULL, $2)")
                    .bind(id)
                    .bind(t)
                    .execute(&mut *c)
                    .await
                    .map_err(|e| match crate::error::unique_violation(&e) {
                        Some(_) => DbError::Conflict("contest_participants"),
                        None => DbError::from(e),
                    })?;
            }
        });
        let entry = audit::Entry {
            actor: Some(actor.id),
            action: "create",
            entity: "contest",
            entity_id: Some(id),
            summary: format!(
                "{name}: {} {}..{}",
                input.metric.key(),
                input.starts,
                input.ends
            ),
        };
        audit::record(&mut tx, entry, at).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Every contest, newest period first.
    pub async fn contests(&self) -> Result<Vec<Contest>> {
        let sql = format!("SELECT {COLUMNS} ORDER BY c.ends DESC, c.id DESC");
        Ok(with_pool!(self, p => {
            sqlx::query_as::<_, Contest>(sqlx::AssertSqlSafe(sql)).fetch_all(p).await?
        }))
    }

    pub async fn contest(&self, id: Uuid) -> Result<Contest> {
        let sql = format!("SELECT {COLUMNS} WHERE c.id = $1");
        let row = with_pool!(self, p => {
            sqlx::query_as::<_, Contest>(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(p).await?
        });
        row.ok_or(DbError::NotFound)
    }

    /// The live leaderboard: each participant's value over the contest period, ranked.
    pub async fn contest_board(&self, contest: &Contest) -> Result<Vec<Standing>> {
        let metric = Metric::parse(&contest.metric).ok_or(DbError::NotFound)?;
        let entries: Vec<EntryRow> = with_pool!(self, p => {
            sqlx::query_as(
                "SELECT e.person_id, e.team_id, p.name, t.name FROM contest_entries e \
                 LEFT JOIN people p ON p.id = e.person_id LEFT JOIN teams t ON t.id = e.team_id \
                 WHERE e.contest_id = $1",
            )
            .bind(contest.id)
            .fetch_all(p)
            .await?
        });
        let currency = self.org_currency().await?;
        let mut rows = Vec::new();
        for (person, team, person_name, team_name) in entries {
            let scope = match (person, team) {
                (Some(p), _) => Scope::Person(p),
                (None, Some(t)) => Scope::Team(t),
                _ => continue,
            };
            let people = self.scope_people(scope).await?;
            let totals = self
                .fact_totals(people.as_deref(), contest.starts, contest.ends)
                .await?;
            rows.push(Standing {
                rank: 0,
                person_id: person,
                team_id: team,
                name: person_name.or(team_name).unwrap_or_default(),
                value: metric.from_totals(&totals, &currency),
            });
        }
        Ok(rank(rows, metric.higher_is_better()))
    }

    /// Records the top three of a finished contest, exactly once (the first caller after
    /// the end wins the guarded update; others find it done). Returns whether it recorded.
    pub async fn close_contest_if_over(&self, contest: &Contest, today: NaiveDate) -> Result<bool> {
        if contest.closed_at.is_some() || today <= contest.ends {
            return Ok(false);
        }
        let board = self.contest_board(contest).await?;
        let at = now();
        let mut tx = self.begin_write().await?;
        let closed = with_tx!(&mut tx, c => {
            let n = sqlx::query("UPDATE contests SET closed_at = $2 WHERE id = $1 AND closed_at IS NULL")
                .bind(contest.id)
                .bind(at)
                .execute(&mut *c)
                .await?
                .rows_affected();
            if n == 1 {
                for s in board.iter().filter(|s| s.rank <= 3 && s.value.is_some()) {
                    sqlx::query(
                        "INSERT INTO contest_winners (contest_id, person_id, team_id, name, place, value) \
                         VALUES ($1, $2, $3, $4, $5, $6)",
                    )
                    .bind(contest.id)
                    .bind(s.person_id)
                    .bind(s.team_id)
                    .bind(&s.name)
                    .bind(s.rank as i32)
                    .bind(s.value)
                    .execute(&mut *c)
                    .await?;
                }
            }
            n == 1
        });
        if closed {
            let entry = audit::Entry {
                actor: None,
                action: "close",
                entity: "contest",
                entity_id: Some(contest.id),
                summary: board
                    .iter()
                    .take(3)
                    .map(|s| format!("{}. {}", s.rank, s.name))
                    .collect::<Vec<_>>()
                    .join(", "),
            };
            audit::record(&mut tx, entry, at).await?;
        }
        tx.commit().await?;
        Ok(closed)
    }

    /// The recorded winners of a closed contest, by place.
    pub async fn contest_winners(&self, id: Uuid) -> Result<Vec<Standing>> {
        let rows: Vec<WinnerRow> = with_pool!(self, p => {
            sqlx::query_as(
                "SELECT person_id, team_id, name, place, value FROM contest_winners WHERE contest_id = $1 ORDER BY place, name",
            )
            .bind(id)
            .fetch_all(p)
            .await?
        });
        Ok(rows
            .into_iter()
            .map(|(person_id, team_id, name, place, value)| Standing {
                rank: place as usize,
                person_id,
                team_id,
                name,
                value,
            })
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(name: &str, value: Option<i64>) -> Standing {
        Standing {
            rank: 0,
            person_id: None,
            team_id: None,
            name: name.into(),
            value,
        }
    }

    #[test]
    fn ties_share_a_rank_and_empty_values_come_last() {
        let r = rank(
            vec![
                s("c", Some(5)),
                s("a", None),
                s("b", Some(9)),
                s("d", Some(5)),
            ],
            true,
        );
        let got: Vec<(usize, &str)> = r.iter().map(|s| (s.rank, s.name.as_str())).collect();
        assert_eq!(got, [(1, "b"), (2, "c"), (2, "d"), (4, "a")]);
        let r = rank(vec![s("slow", Some(40)), s("fast", Some(12))], false);
        assert_eq!(r[0].name, "fast");
    }
}
