//! Check-ins: one per person per cycle, with an update of each of the person's current goals.
//!
//! A check-in, mood included, is private to the person's reporting chain: the person, anyone
//! above them, and directors, admins and HR. The rule is in [`visible_sql`] and
//! [`Db::sees_private_of`]; handlers never decide it. A check-in can be edited until someone
//! above the person reviews it (see `feedback`) or its cycle ends: submitting again in
//! the same cycle updates it, and is refused once it was reviewed.
//!
//! Goal updates are points of the goal's progress (`goal_updates`, source `checkin`); manual
//! values go through the same path as values entered on the goal page.

use crate::goals::{Goal, Measure, Owner, write_goal_value};
use crate::visibility::{Actor, line_sql};
use crate::{Db, DbError, Result, Tx, audit, with_pool, with_tx};
use chrono::{DateTime, NaiveDate, Utc};
use keel_domain::checkins::{CONFIDENCE, Cadence, Cycle, MOOD, Schedule};
use keel_domain::{ids::new_id, time::now};
use std::collections::HashMap;
use uuid::Uuid;

pub mod feedback;
pub mod team;

/// A check-in as its readers see it.
#[derive(Clone, Debug)]
pub struct Checkin {
    pub id: Uuid,
    pub person_id: Uuid,
    pub person_name: String,
    pub cadence: Cadence,
    pub cycle: Cycle,
    pub confidence: i32,
    pub mood: i32,
    pub progress: String,
    pub plans: String,
    pub problems: String,
    pub blockers: String,
    pub submitted_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub reviewed_at: Option<DateTime<Utc>>,
    pub reviewed_by_name: Option<String>,
    pub items: Vec<CheckinItem>,
}

/// The update of one goal in a check-in.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct CheckinItem {
    pub id: Uuid,
    pub goal_id: Uuid,
    pub goal_title: String,
    pub measure: String,
    pub metric_key: Option<String>,
    pub value: Option<i64>,
    pub progress: Option<i64>,
    pub comment: Option<String>,
}

impl CheckinItem {
    pub fn measure(&self) -> Option<Measure> {
        match self.metric_key.as_deref() {
            Some(k) => Measure::parse(&format!("metric:{k}")),
            None => Measure::parse(&self.measure),
        }
    }
}

/// What a person submits.
#[derive(Clone, Debug, Default)]
pub struct CheckinInput {
    pub confidence: i64,
    pub mood: i64,
    pub progress: String,
    pub plans: String,
    pub problems: String,
    pub blockers: String,
    pub goals: Vec<GoalEntry>,
}

/// A goal's part of a submission: a new value (manual goals only) and a comment.
#[derive(Clone, Debug, Default)]
pub struct GoalEntry {
    pub goal_id: Uuid,
    pub value: Option<i64>,
    pub comment: String,
}

#[derive(sqlx::FromRow)]
struct Row {
    id: Uuid,
    person_id: Uuid,
    person_name: String,
    cadence: String,
    cycle_start: NaiveDate,
    cycle_end: NaiveDate,
    due_date: NaiveDate,
    confidence: i32,
    mood: i32,
    progress: String,
    plans: String,
    problems: String,
    blockers: String,
    submitted_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
    reviewed_at: Option<DateTime<Utc>>,
    reviewed_by_name: Option<String>,
}

impl Row {
    fn into_checkin(self) -> Checkin {
        Checkin {
            id: self.id,
            person_id: self.person_id,
            person_name: self.person_name,
            cadence: Cadence::parse(&self.cadence).unwrap_or_default(),
            cycle: Cycle {
                start: self.cycle_start,
                end: self.cycle_end,
                due: self.due_date,
            },
            confidence: self.confidence,
            mood: self.mood,
            progress: self.progress,
            plans: self.plans,
            problems: self.problems,
            blockers: self.blockers,
            submitted_at: self.submitted_at,
            updated_at: self.updated_at,
            reviewed_at: self.reviewed_at,
            reviewed_by_name: self.reviewed_by_name,
            items: Vec::new(),
        }
    }
}

const SELECT: &str = "SELECT c.id, c.person_id, p.name AS person_name, c.cadence, c.cycle_start, \
    c.cycle_end, c.due_date, c.confidence, c.mood, c.progress, c.plans, c.problems, c.blockers, \
    c.submitted_at, c.updated_at, c.reviewed_at, r.name AS reviewed_by_name FROM checkins c \
    JOIN people p ON p.id = c.person_id LEFT JOIN people r ON r.id = c.reviewed_by";

/// Whether the check-in aliased `c` is visible to the actor bound to `$a` (`$all`: the actor
/// is a director, admin or HR): the person and everyone above them.
pub(crate) fn visible_sql(a: u8, all: u8) -> String {
    format!("(${all} OR c.person_id IN {})", line_sql(a))
}

pub(crate) fn sees_all(actor: &Actor) -> bool {
    actor.sees_everything() || actor.is_hr
}

/// Which check-ins to list.
#[derive(Clone, Debug, Default)]
pub struct CheckinQuery {
    pub person: Option<Uuid>,
    /// Only the cycle containing this day.
    pub day: Option<NaiveDate>,
}

impl Db {
    /// The schedule of a team (weekly on Friday when none was set, or for no team).
    pub async fn checkin_schedule(&self, team: Option<Uuid>) -> Result<Schedule> {
        let Some(team) = team else {
            return Ok(Schedule::default());
        };
        let row: Option<(String, i32)> = with_pool!(self, p => {
            sqlx::query_as("SELECT cadence, due_weekday FROM checkin_settings WHERE team_id = $1")
                .bind(team)
                .fetch_optional(p)
                .await?
        });
        Ok(row.map_or_else(Schedule::default, |(c, d)| {
            Schedule::new(
                Cadence::parse(&c).unwrap_or_default(),
                u8::try_from(d).unwrap_or(5),
            )
        }))
    }

    /// Every team's schedule that differs from the default, by team.
    pub(crate) async fn checkin_schedules(&self) -> Result<HashMap<Uuid, Schedule>> {
        let rows: Vec<(Uuid, String, i32)> = with_pool!(self, p => {
            sqlx::query_as("SELECT team_id, cadence, due_weekday FROM checkin_settings")
                .fetch_all(p)
                .await?
        });
        Ok(rows
            .into_iter()
            .map(|(t, c, d)| {
                let s = Schedule::new(
                    Cadence::parse(&c).unwrap_or_default(),
                    u8::try_from(d).unwrap_or(5),
                );
                (t, s)
            })
            .collect())
    }

    /// The schedule a person checks in on: their team's.
    pub async fn schedule_of(&self, person: Uuid) -> Result<Schedule> {
        let team = self.team_of(person).await?;
        self.checkin_schedule(team).await
    }

    /// Whether `actor` may set a team's schedule: its lead, anyone above the lead, directors
    /// and admins (the people who set the team's goals).
    pub async fn may_set_schedule(&self, actor: &Actor, team: Uuid) -> Result<bool> {
        self.may_manage_goal(actor, Owner::Team(team)).await
    }

    pub async fn set_checkin_schedule(
        &self,
        actor: &Actor,
        team: Uuid,
        schedule: Schedule,
    ) -> Result<()> {
        if !self.may_set_schedule(actor, team).await? {
            return Err(DbError::Forbidden);
        }
        let schedule = Schedule::new(schedule.cadence, schedule.due_weekday);
        let at = now();
        let mut tx = self.begin_write().await?;
        with_tx!(&mut tx, c => {
            sqlx::query(
                "INSERT INTO checkin_settings (team_id, cadence, due_weekday, updated_by, updated_at) \
                 VALUES ($1, $2, $3, $4, $5) ON CONFLICT (team_id) DO UPDATE SET \
                 cadence = excluded.cadence, due_weekday = excluded.due_weekday, \
                 updated_by = excluded.updated_by, updated_at = excluded.updated_at",
            )
            .bind(team)
            .bind(schedule.cadence.as_str())
            .bind(i32::from(schedule.due_weekday))
            .bind(actor.id)
            .bind(at)
            .execute(c)
            .await?;
        });
        let entry = audit::Entry {
            actor: Some(actor.id),
            action: "update",
            entity: "checkin_settings",
            entity_id: Some(team),
            summary: format!("{} / {}", schedule.cadence.as_str(), schedule.due_weekday),
        };
        audit::record(&mut tx, entry, at).await?;
        tx.commit().await
    }

    /// The person's own goals whose period contains `today`: what a check-in updates.
    pub async fn checkin_goals(&self, person: Uuid, today: NaiveDate) -> Result<Vec<Goal>> {
        let mut goals: Vec<Goal> = self
            .all_goals()
            .await?
            .into_iter()
            .filter(|g| g.input.owner == Owner::Person(person) && g.input.period.contains(today))
            .collect();
        goals.sort_by(|a, b| a.input.title.cmp(&b.input.title).then(a.id.cmp(&b.id)));
        Ok(goals)
    }

    /// Submits the actor's check-in for the cycle containing `today`, or updates it when one
    /// was submitted already and nobody above has reviewed it yet
    /// (`DbError::Conflict("checkin_locked")` once reviewed).
    pub async fn submit_checkin(
        &self,
        actor: &Actor,
        input: &CheckinInput,
        today: NaiveDate,
    ) -> Result<Uuid> {
        if !CONFIDENCE.contains(&input.confidence) {
            return Err(DbError::Conflict("invalid_confidence"));
        }
        if !MOOD.contains(&input.mood) {
            return Err(DbError::Conflict("invalid_mood"));
        }
        let schedule = self.schedule_of(actor.id).await?;
        let cycle = schedule.cycle(today);
        let goals = self.checkin_goals(actor.id, today).await?;
        let entries: HashMap<Uuid, &GoalEntry> =
            input.goals.iter().map(|e| (e.goal_id, e)).collect();
        if entries.keys().any(|id| !goals.iter().any(|g| g.id == *id)) {
            return Err(DbError::Conflict("checkin_unknown_goal"));
        }
        for g in &goals {
            if let Some(e) = entries.get(&g.id)
                && e.value.is_some()
                && !g.input.measure.is_manual()
            {
                return Err(DbError::Conflict("goal_not_manual"));
            }
        }
        let ids: Vec<Uuid> = goals.iter().map(|g| g.id).collect();
        let standings = self.goal_standings(&ids, today).await?;
        let at = now();
        let mut tx = self.begin_write().await?;
        let existing: Option<(Uuid, Option<DateTime<Utc>>)> = with_tx!(&mut tx, c => {
            sqlx::query_as("SELECT id, reviewed_at FROM checkins WHERE person_id = $1 AND cycle_start = $2")
                .bind(actor.id)
                .bind(cycle.start)
                .fetch_optional(c)
                .await?
        });
        let id = match existing {
            Some((_, Some(_))) => return Err(DbError::Conflict("checkin_locked")),
            Some((id, None)) => {
                with_tx!(&mut tx, c => {
                    sqlx::query(
                        "UPDATE checkins SET confidence = $2, mood = $3, progress = $4, plans = $5, \
                         problems = $6, blockers = $7, updated_at = $8 WHERE id = $1",
                    )
                    .bind(id)
                    .bind(input.confidence as i32)
                    .bind(input.mood as i32)
                    .bind(input.progress.trim())
                    .bind(input.plans.trim())
                    .bind(input.problems.trim())
                    .bind(input.blockers.trim())
                    .bind(at)
                    .execute(c)
                    .await?;
                });
                id
            }
            None => {
                let id = new_id();
                with_tx!(&mut tx, c => {
                    sqlx::query(
                        "INSERT INTO checkins (id, person_id, cadence, cycle_start, cycle_end, due_date, \
                         confidence, mood, progress, plans, problems, blockers, submitted_at, updated_at) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13)",
                    )
                    .bind(id)
                    .bind(actor.id)
                    .bind(schedule.cadence.as_str())
                    .bind(cycle.start)
                    .bind(cycle.end)
                    .bind(cycle.due)
                    .bind(input.confidence as i32)
                    .bind(input.mood as i32)
                    .bind(input.progress.trim())
                    .bind(input.plans.trim())
                    .bind(input.problems.trim())
                    .bind(input.blockers.trim())
                    .bind(at)
                    .execute(c)
                    .await
                    .map_err(|e| match crate::error::unique_violation(&e) {
                        // Two submissions raced; the other one won.
                        Some(_) => DbError::Conflict("conflict"),
                        None => DbError::from(e),
                    })?;
                });
                id
            }
        };
        for (position, g) in goals.iter().enumerate() {
            let entry = entries.get(&g.id);
            let comment = entry.map(|e| e.comment.as_str()).unwrap_or("");
            let point = match entry.and_then(|e| e.value) {
                Some(v) => {
                    write_goal_value(&mut tx, g, actor.id, v, Some(comment), "checkin", at).await?
                }
                None => {
                    let s = standings.get(&g.id);
                    let value = s.and_then(|s| s.current);
                    let progress = s.and_then(|s| s.progress);
                    insert_point(&mut tx, g.id, actor.id, value, progress, comment, at).await?
                }
            };
            link_item(&mut tx, id, g.id, point, position).await?;
        }
        let entry = audit::Entry {
            actor: Some(actor.id),
            action: if existing.is_some() {
                "update"
            } else {
                "submit"
            },
            entity: "checkin",
            entity_id: Some(id),
            summary: format!(
                "{}: confidence {}, {} goals",
                cycle.label(),
                input.confidence,
                goals.len()
            ),
        };
        audit::record(&mut tx, entry, at).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// One check-in the actor may see; [`DbError::NotFound`] otherwise, like an unknown id.
    pub async fn checkin(&self, actor: &Actor, id: Uuid) -> Result<Checkin> {
        let sql = format!("{SELECT} WHERE c.id = $3 AND {}", visible_sql(1, 2));
        let row: Option<Row> = with_pool!(self, p => {
            sqlx::query_as(sqlx::AssertSqlSafe(sql))
                .bind(actor.id)
                .bind(sees_all(actor))
                .bind(id)
                .fetch_optional(p)
                .await?
        });
        let mut c = row.ok_or(DbError::NotFound)?.into_checkin();
        c.items = self.checkin_items(id).await?;
        Ok(c)
    }

    async fn checkin_items(&self, id: Uuid) -> Result<Vec<CheckinItem>> {
        Ok(with_pool!(self, p => {
            sqlx::query_as::<_, CheckinItem>(
                "SELECT i.id, i.goal_id, g.title AS goal_title, g.measure, g.metric_key, u.value, \
                 u.progress, u.comment FROM checkin_goals i JOIN goals g ON g.id = i.goal_id \
                 JOIN goal_updates u ON u.id = i.update_id WHERE i.checkin_id = $1 ORDER BY i.position",
            )
            .bind(id)
            .fetch_all(p)
            .await?
        }))
    }

    /// The actor's own check-in of the cycle starting on `cycle_start`, if submitted.
    pub async fn my_checkin(
        &self,
        actor: &Actor,
        cycle_start: NaiveDate,
    ) -> Result<Option<Checkin>> {
        let id: Option<Uuid> = with_pool!(self, p => {
            sqlx::query_scalar("SELECT id FROM checkins WHERE person_id = $1 AND cycle_start = $2")
                .bind(actor.id)
                .bind(cycle_start)
                .fetch_optional(p)
                .await?
        });
        match id {
            Some(id) => Ok(Some(self.checkin(actor, id).await?)),
            None => Ok(None),
        }
    }

    /// The check-ins the actor may see, newest cycle first (without goal items).
    pub async fn checkins(&self, actor: &Actor, q: &CheckinQuery) -> Result<Vec<Checkin>> {
        let sql = format!(
            "{SELECT} WHERE {} AND ($3 IS NULL OR c.person_id = $3) \
             AND ($4 IS NULL OR (c.cycle_start <= $4 AND c.cycle_end >= $4)) \
             ORDER BY c.cycle_start DESC, p.sort_key, c.id LIMIT 1000",
            visible_sql(1, 2)
        );
        let rows: Vec<Row> = with_pool!(self, p => {
            sqlx::query_as(sqlx::AssertSqlSafe(sql))
                .bind(actor.id)
                .bind(sees_all(actor))
                .bind(q.person)
                .bind(q.day)
                .fetch_all(p)
                .await?
        });
        Ok(rows.into_iter().map(Row::into_checkin).collect())
    }
}

async fn insert_point(
    tx: &mut Tx,
    goal: Uuid,
    person: Uuid,
    value: Option<i64>,
    progress: Option<i64>,
    comment: &str,
    at: DateTime<Utc>,
) -> Result<Uuid> {
    let id = new_id();
    let comment = Some(comment.trim()).filter(|c| !c.is_empty());
    let zone = crate::zone::zone_in(tx).await?;
    with_tx!(tx, c => {
        sqlx::query(
            "INSERT INTO goal_updates (id, goal_id, person_id, source, at, day, value, progress, comment) \
             VALUES ($1, $2, $3, 'checkin', $4, $5, $6, $7, $8)",
        )
        .bind(id)
        .bind(goal)
        .bind(person)
        .bind(at)
        .bind(zone.day_of(at))
        .bind(value)
        .bind(progress)
        .bind(comment)
        .execute(c)
        .await?;
    });
    Ok(id)
}

/// Points a check-in's item for `goal` at its new progress point; an edited check-in drops
/// the point it made before, so one check-in is one point on the goal's chart.
async fn link_item(
    tx: &mut Tx,
    checkin: Uuid,
    goal: Uuid,
    point: Uuid,
    position: usize,
) -> Result<()> {
    let position = i32::try_from(position).unwrap_or(i32::MAX);
    with_tx!(tx, c => {
        let old: Option<(Uuid, Uuid)> = sqlx::query_as(
            "SELECT id, update_id FROM checkin_goals WHERE checkin_id = $1 AND goal_id = $2",
        )
        .bind(checkin)
        .bind(goal)
        .fetch_optional(&mut *c)
        .await?;
        match old {
            Some((item, old_point)) => {
                sqlx::query("UPDATE checkin_goals SET update_id = $2, position = $3 WHERE id = $1")
                    .bind(item)
                    .bind(point)
                    .bind(position)
                    .execute(&mut *c)
                    .await?;
                sqlx::query("DELETE FROM goal_updates WHERE id = $1")
                    .bind(old_point)
                    .execute(&mut *c)
                    .await?;
            }
            None => {
                sqlx::query(
                    "INSERT INTO checkin_goals (id, checkin_id, goal_id, update_id, position) \
                     VALUES ($1, $2, $3, $4, $5)",
                )
                .bind(new_id())
                .bind(checkin)
                .bind(goal)
                .bind(point)
                .bind(position)
                .execute(&mut *c)
                .await?;
            }
        }
    });
    Ok(())
}
