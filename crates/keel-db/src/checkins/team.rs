//! Check-ins seen from above: a team's cycle (who has checked in, who has not), reminders,
//! the check-in updates of one goal, and the demo's bulk load.

use crate::checkins::sees_all;
use crate::goals::Owner;
use crate::visibility::{Actor, line_sql};
use crate::{Db, DbError, Result, audit, with_pool, with_tx};
use chrono::{DateTime, NaiveDate, Utc};
use keel_domain::checkins::{Cadence, Cycle, Reaction};
use keel_domain::time::now;
use std::collections::{HashMap, HashSet};
use uuid::Uuid;

/// A team member's check-in for one cycle, as the viewer may see it.
#[derive(Clone, Debug)]
pub struct MemberStatus {
    pub person_id: Uuid,
    pub name: String,
    /// The viewer may read this person's check-ins (and so their mood).
    pub private: bool,
    pub submitted: Option<Submitted>,
}

#[derive(Clone, Debug)]
pub struct Submitted {
    pub submitted_at: DateTime<Utc>,
    /// The rest only when the viewer may read the check-in.
    pub id: Option<Uuid>,
    pub confidence: Option<i32>,
    pub mood: Option<i32>,
    pub reviewed: bool,
}

/// A goal's update from a check-in.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct GoalCheckin {
    pub checkin_id: Uuid,
    pub person_id: Uuid,
    pub person_name: String,
    pub cycle_start: NaiveDate,
    pub cycle_end: NaiveDate,
    pub at: DateTime<Utc>,
    pub value: Option<i64>,
    pub progress: Option<i64>,
    pub comment: Option<String>,
}

/// What the home page reminds a person of.
#[derive(Clone, Debug, Default)]
pub struct Reminders {
    /// The actor's own current cycle, when their check-in is due and missing.
    pub mine: Option<Cycle>,
    /// People below the actor without a check-in for their current cycle, and how many of
    /// them are overdue.
    pub reports_missing: usize,
    pub reports_overdue: usize,
}

impl Db {
    /// Whether the actor may open a team's check-in page: the team's lead, anyone above the
    /// lead, directors, admins and HR.
    pub async fn may_view_team_checkins(&self, actor: &Actor, team: Uuid) -> Result<bool> {
        Ok(actor.is_hr || self.may_manage_goal(actor, Owner::Team(team)).await?)
    }

    /// The teams the actor leads, or every team for directors, admins and HR.
    pub async fn checkin_teams(&self, actor: &Actor) -> Result<Vec<crate::teams::Team>> {
        let all = sees_all(actor);
        let line: HashSet<Uuid> = self.reporting_line(actor.id).await?.into_iter().collect();
        Ok(self
            .teams()
            .await?
            .into_iter()
            .filter(|t| all || t.lead_id.is_some_and(|l| line.contains(&l)))
            .collect())
    }

    /// Every active member of `team` with their check-in of `cycle`, by name.
    pub async fn team_checkins(
        &self,
        actor: &Actor,
        team: Uuid,
        cycle: &Cycle,
    ) -> Result<Vec<MemberStatus>> {
        if !self.may_view_team_checkins(actor, team).await? {
            return Err(DbError::Forbidden);
        }
        let members: Vec<(Uuid, String)> = with_pool!(self, p => {
            sqlx::query_as("SELECT id, name FROM people WHERE team_id = $1 AND active ORDER BY sort_key, id")
                .bind(team)
                .fetch_all(p)
                .await?
        });
        type Found = (Uuid, Uuid, DateTime<Utc>, i32, i32, Option<DateTime<Utc>>);
        let found: Vec<Found> = with_pool!(self, p => {
            sqlx::query_as(
                "SELECT c.person_id, c.id, c.submitted_at, c.confidence, c.mood, c.reviewed_at \
                 FROM checkins c JOIN people m ON m.id = c.person_id \
                 WHERE m.team_id = $1 AND c.cycle_start >= $2 AND c.cycle_start <= $3",
            )
            .bind(team)
            .bind(cycle.start)
            .bind(cycle.end)
            .fetch_all(p)
            .await?
        });
        let all = sees_all(actor);
        let line: HashSet<Uuid> = self.reporting_line(actor.id).await?.into_iter().collect();
        Ok(members
            .into_iter()
            .map(|(person_id, name)| {
                let private = all || line.contains(&person_id);
                let submitted = found.iter().find(|f| f.0 == person_id).map(|f| Submitted {
                    submitted_at: f.2,
                    id: private.then_some(f.1),
                    confidence: private.then_some(f.3),
                    mood: private.then_some(f.4),
                    reviewed: f.5.is_some(),
                });
                MemberStatus {
                    person_id,
                    name,
                    private,
                    submitted,
                }
            })
            .collect())
    }

    /// The actor's missing check-in and their reports' on `today`.
    pub async fn checkin_reminders(&self, actor: &Actor, today: NaiveDate) -> Result<Reminders> {
        let schedules = self.checkin_schedules().await?;
        let sql = format!(
            "SELECT p.id, p.team_id FROM people p WHERE p.active AND p.id IN {}",
            line_sql(1)
        );
        let people: Vec<(Uuid, Option<Uuid>)> = with_pool!(self, p => {
            sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(actor.id).fetch_all(p).await?
        });
        let cycles: Vec<(Uuid, Cycle)> = people
            .iter()
            .map(|(id, team)| {
                let s = team
                    .and_then(|t| schedules.get(&t).copied())
                    .unwrap_or_default();
                (*id, s.cycle(today))
            })
            .collect();
        let earliest = cycles.iter().map(|c| c.1.start).min().unwrap_or(today);
        let sql = format!(
            "SELECT person_id, cycle_start FROM checkins WHERE cycle_start >= $2 AND person_id IN {}",
            line_sql(1)
        );
        let done: HashSet<(Uuid, NaiveDate)> = with_pool!(self, p => {
            sqlx::query_as::<_, (Uuid, NaiveDate)>(sqlx::AssertSqlSafe(sql))
                .bind(actor.id)
                .bind(earliest)
                .fetch_all(p)
                .await?
        })
        .into_iter()
        .collect();
        let mut r = Reminders::default();
        for (person, cycle) in cycles {
            if done.contains(&(person, cycle.start)) {
                continue;
            }
            if person == actor.id {
                r.mine = cycle.reminding(today).then_some(cycle);
            } else {
                r.reports_missing += 1;
                r.reports_overdue += usize::from(cycle.overdue(today));
            }
        }
        Ok(r)
    }

    /// The check-in updates of a goal the actor may see, oldest first. They belong to the
    /// goal like its other progress points; the check-ins themselves stay private.
    pub async fn goal_checkins(&self, actor: &Actor, goal: Uuid) -> Result<Vec<GoalCheckin>> {
        self.goal(actor, goal).await?;
        Ok(with_pool!(self, p => {
            sqlx::query_as::<_, GoalCheckin>(
                "SELECT c.id AS checkin_id, c.person_id, p.name AS person_name, c.cycle_start, \
                 c.cycle_end, u.at, u.value, u.progress, u.comment FROM checkin_goals i \
                 JOIN checkins c ON c.id = i.checkin_id JOIN people p ON p.id = c.person_id \
                 JOIN goal_updates u ON u.id = i.update_id WHERE i.goal_id = $1 ORDER BY u.at, u.id",
            )
            .bind(goal)
            .fetch_all(p)
            .await?
        }))
    }

    /// The check-in ids behind a goal's progress points, by point, for links from its page.
    pub async fn checkin_points(&self, goal: Uuid) -> Result<HashMap<Uuid, Uuid>> {
        let rows: Vec<(Uuid, Uuid)> = with_pool!(self, p => {
            sqlx::query_as("SELECT update_id, checkin_id FROM checkin_goals WHERE goal_id = $1")
                .bind(goal)
                .fetch_all(p)
                .await?
        });
        Ok(rows.into_iter().collect())
    }
}

/// A check-in to load as it is (the demo).
pub struct CheckinSeed {
    pub id: Uuid,
    pub person: Uuid,
    pub cadence: Cadence,
    pub cycle: Cycle,
    pub confidence: i32,
    pub mood: i32,
    pub progress: String,
    pub plans: String,
    pub problems: String,
    pub blockers: String,
    pub submitted_at: DateTime<Utc>,
    pub reviewed: Option<(Uuid, DateTime<Utc>)>,
    pub items: Vec<ItemSeed>,
    pub comments: Vec<CommentSeed>,
    pub reactions: Vec<(Uuid, Reaction)>,
    pub flags: Vec<FlagSeed>,
}

pub struct ItemSeed {
    pub id: Uuid,
    pub point: Uuid,
    pub goal: Uuid,
    pub value: Option<i64>,
    pub progress: Option<i64>,
    pub comment: Option<String>,
}

pub struct CommentSeed {
    pub id: Uuid,
    pub parent: Option<Uuid>,
    pub author: Uuid,
    pub body: String,
    pub at: DateTime<Utc>,
}

pub struct FlagSeed {
    pub id: Uuid,
    pub by: Uuid,
    pub note: String,
    pub at: DateTime<Utc>,
}

impl Db {
    /// Loads check-ins as given, in one transaction.
    pub async fn insert_checkin_seed(&self, actor: Uuid, seeds: &[CheckinSeed]) -> Result<()> {
        let at = now();
        let mut tx = self.begin_write().await?;
        let zone = crate::zone::zone_in(&mut tx).await?;
        for s in seeds {
            with_tx!(&mut tx, c => {
                sqlx::query(
                    "INSERT INTO checkins (id, person_id, cadence, cycle_start, cycle_end, due_date, \
                     confidence, mood, progress, plans, problems, blockers, submitted_at, updated_at, \
                     reviewed_at, reviewed_by) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13, $14, $15)",
                )
                .bind(s.id)
                .bind(s.person)
                .bind(s.cadence.as_str())
                .bind(s.cycle.start)
                .bind(s.cycle.end)
                .bind(s.cycle.due)
                .bind(s.confidence)
                .bind(s.mood)
                .bind(&s.progress)
                .bind(&s.plans)
                .bind(&s.problems)
                .bind(&s.blockers)
                .bind(s.submitted_at)
                .bind(s.reviewed.map(|r| r.1))
                .bind(s.reviewed.map(|r| r.0))
                .execute(&mut *c)
                .await?;
                for (n, i) in s.items.iter().enumerate() {
                    sqlx::query(
                        "INSERT INTO goal_updates (id, goal_id, person_id, source, at, day, value, progress, comment) \
                         VALUES ($1, $2, $3, 'checkin', $4, $5, $6, $7, $8)",
                    )
                    .bind(i.point)
                    .bind(i.goal)
                    .bind(s.person)
                    .bind(s.submitted_at)
                    .bind(zone.day_of(s.submitted_at))
                    .bind(i.value)
                    .bind(i.progress)
                    .bind(&i.comment)
                    .execute(&mut *c)
                    .await?;
                    sqlx::query(
                        "INSERT INTO checkin_goals (id, checkin_id, goal_id, update_id, position) VALUES ($1, $2, $3, $4, $5)",
                    )
                    .bind(i.id)
                    .bind(s.id)
                    .bind(i.goal)
                    .bind(i.point)
                    .bind(i32::try_from(n).unwrap_or(i32::MAX))
                    .execute(&mut *c)
                    .await?;
                }
                for m in &s.comments {
                    sqlx::query(
                        "INSERT INTO checkin_comments (id, checkin_id, parent_id, author_id, body, at) \
                         VALUES ($1, $2, $3, $4, $5, $6)",
                    )
                    .bind(m.id)
                    .bind(s.id)
                    .bind(m.parent)
                    .bind(m.author)
                    .bind(&m.body)
                    .bind(m.at)
                    .execute(&mut *c)
                    .await?;
                }
                for (person, r) in &s.reactions {
                    sqlx::query(
                        "INSERT INTO checkin_reactions (checkin_id, person_id, reaction, at) VALUES ($1, $2, $3, $4)",
                    )
                    .bind(s.id)
                    .bind(*person)
                    .bind(r.as_str())
                    .bind(s.submitted_at)
                    .execute(&mut *c)
                    .await?;
                }
                for f in &s.flags {
                    sqlx::query(
                        "INSERT INTO checkin_flags (id, checkin_id, item_id, note, created_by, created_at) \
                         VALUES ($1, $2, NULL, $3, $4, $5)",
                    )
                    .bind(f.id)
                    .bind(s.id)
                    .bind(&f.note)
                    .bind(f.by)
                    .bind(f.at)
                    .execute(&mut *c)
                    .await?;
                }
            });
        }
        let entry = audit::Entry {
            actor: Some(actor),
            action: "seed",
            entity: "checkin",
            entity_id: None,
            summary: format!("{} check-ins", seeds.len()),
        };
        audit::record(&mut tx, entry, at).await?;
        tx.commit().await
    }
}
