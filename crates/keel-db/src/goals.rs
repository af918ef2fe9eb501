//! Goals: owned by a person, a team or the organisation, aligned in a tree, measured from a
//! catalog metric or by hand. Visibility and the right to set goals both follow the reporting
//! line and live here, in SQL and in [`Db::may_manage_goal`], never in handlers.
//!
//! Progress and status are computed in [`crate::goal_progress`]; this module stores goals,
//! their adjustments (`goal_changes`) and their progress over time (`goal_updates`).

use crate::visibility::{Actor, line_sql};
use crate::{Db, DbError, Result, Tx, audit, with_pool, with_tx};
use chrono::{DateTime, NaiveDate, Utc};
use keel_domain::goals::{Direction, Status};
pub use keel_domain::goals::{Measure, Owner, Rule, Visibility};
use keel_domain::periods::{Period, PeriodKind};
use keel_domain::roles::Role;
use keel_domain::{ids::new_id, time::now};
use uuid::Uuid;

/// A goal as it is set: what create and edit take.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GoalInput {
    pub owner: Owner,
    pub parent_id: Option<Uuid>,
    pub contributors: Vec<Uuid>,
    pub title: String,
    pub description: String,
    pub measure: Measure,
    pub start: i64,
    pub target: i64,
    pub direction: Direction,
    pub weight: u32,
    pub rule: Rule,
    pub period: Period,
    pub due: NaiveDate,
    pub visibility: Visibility,
}

/// A status set by hand, with who set it, when and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StatusOverride {
    pub status: Status,
    pub reason: String,
    pub by: Option<Uuid>,
    pub by_name: String,
    pub at: DateTime<Utc>,
}

/// A stored goal.
#[derive(Clone, Debug)]
pub struct Goal {
    pub id: Uuid,
    pub input: GoalInput,
    /// The person's or team's name; empty for the organisation.
    pub owner_name: String,
    /// The parent's title when the reader may see the parent.
    pub parent_title: Option<String>,
    /// The last value entered by hand (manual measures).
    pub current_value: Option<i64>,
    pub status_override: Option<StatusOverride>,
    pub contributor_names: Vec<(Uuid, String)>,
    pub created_by: Uuid,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// An adjustment of a goal: one field, its old and new value, who, when and why.
#[derive(Clone, Debug, sqlx::FromRow, serde::Serialize)]
pub struct GoalChange {
    pub at: DateTime<Utc>,
    pub person_id: Option<Uuid>,
    pub person_name: Option<String>,
    pub field: String,
    pub old_value: String,
    pub new_value: String,
    pub reason: Option<String>,
}

/// A point of a goal's progress over time (a value entered, a daily measurement, a check-in).
#[derive(Clone, Debug, sqlx::FromRow, serde::Serialize)]
pub struct GoalUpdate {
    pub id: Uuid,
    pub at: DateTime<Utc>,
    pub day: NaiveDate,
    pub person_id: Option<Uuid>,
    pub person_name: Option<String>,
    pub source: String,
    pub value: Option<i64>,
    pub progress: Option<i64>,
    pub comment: Option<String>,
}

/// Which goals to list.
#[derive(Clone, Debug, Default)]
pub struct GoalQuery {
    /// Only goals of this owner.
    pub owner: Option<Owner>,
    /// Only goals this person owns or contributes to.
    pub involving: Option<Uuid>,
}

/// The fields of a change that need a reason.
pub const REASONED_FIELDS: [&str; 2] = ["target", "due"];

#[derive(sqlx::FromRow)]
struct Row {
    id: Uuid,
    owner_kind: String,
    owner_person_id: Option<Uuid>,
    owner_team_id: Option<Uuid>,
    owner_name: Option<String>,
    parent_id: Option<Uuid>,
    parent_title: Option<String>,
    title: String,
    description: String,
    measure: String,
    metric_key: Option<String>,
    start_value: i64,
    target_value: i64,
    current_value: Option<i64>,
    direction: String,
    weight: i32,
    progress_rule: String,
    period: String,
    period_start: NaiveDate,
    period_end: NaiveDate,
    due_date: NaiveDate,
    visibility: String,
    status_override: Option<String>,
    override_reason: Option<String>,
    override_by: Option<Uuid>,
    override_by_name: Option<String>,
    override_at: Option<DateTime<Utc>>,
    created_by: Uuid,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

impl Row {
    fn into_goal(self) -> Result<Goal> {
        let bad = |what: &str| DbError::Unsupported(format!("goal {}: bad {what}", self.id));
        let owner = match (
            self.owner_kind.as_str(),
            self.owner_person_id,
            self.owner_team_id,
        ) {
            ("person", Some(p), _) => Owner::Person(p),
            ("team", _, Some(t)) => Owner::Team(t),
            ("org", _, _) => Owner::Org,
            _ => return Err(bad("owner")),
        };
        let measure = Measure::from_columns(&self.measure, self.metric_key.as_deref())
            .ok_or_else(|| bad("measure"))?;
        let period = Period::parse(&self.period)
            .or_else(|_| Period::custom(self.period_start, self.period_end))
            .map_err(|_| bad("period"))?;
        let status_override = match (self.status_override.as_deref(), self.override_at) {
            (Some(s), Some(at)) => Some(StatusOverride {
                status: Status::parse(s).ok_or_else(|| bad("status"))?,
                reason: self.override_reason.clone().unwrap_or_default(),
                by: self.override_by,
                by_name: self.override_by_name.clone().unwrap_or_default(),
                at,
            }),
            _ => None,
        };
        Ok(Goal {
            id: self.id,
            input: GoalInput {
                owner,
                parent_id: self.parent_id,
                contributors: Vec::new(),
                title: self.title,
                description: self.description,
                measure,
                start: self.start_value,
                target: self.target_value,
                direction: Direction::parse(&self.direction).ok_or_else(|| bad("direction"))?,
                weight: u32::try_from(self.weight).unwrap_or(0),
                rule: Rule::parse(&self.progress_rule).ok_or_else(|| bad("rule"))?,
                period,
                due: self.due_date,
                visibility: Visibility::parse(&self.visibility).ok_or_else(|| bad("visibility"))?,
            },
            owner_name: self.owner_name.unwrap_or_default(),
            parent_title: self.parent_title,
            current_value: self.current_value,
            status_override,
            contributor_names: Vec::new(),
            created_by: self.created_by,
            created_at: self.created_at,
            updated_at: self.updated_at,
        })
    }
}

/// Whether the goal aliased `g` is visible to the actor bound to `$a` (with `$all`: the actor
/// sees everything). Public goals are; private ones to the owner's reporting chain (the
/// person or anyone above them; for a team, its members, its lead and anyone above the
/// lead), contributors, and directors, admins and HR.
fn visible_sql(g: &str, a: u8, all: u8) -> String {
    let line = line_sql(a);
    format!(
        "({g}.visibility = 'public' OR ${all} \
         OR {g}.owner_person_id IN {line} \
         OR {g}.owner_team_id IN (SELECT t.id FROM teams t WHERE t.lead_id IN {line}) \
         OR {g}.owner_team_id IN (SELECT me.team_id FROM people me WHERE me.id = ${a}) \
         OR {g}.id IN (SELECT c.goal_id FROM goal_contributors c WHERE c.person_id = ${a}))"
    )
}

/// The columns of [`Row`]; the parent's title only when `$1`/`$2` may see the parent.
fn select_sql() -> String {
    format!(
        "SELECT g.id, g.owner_kind, g.owner_person_id, g.owner_team_id, \
         COALESCE(op.name, ot.name) AS owner_name, g.parent_id, \
         CASE WHEN pg.id IS NOT NULL AND {} THEN pg.title END AS parent_title, \
         g.title, g.description, g.measure, g.metric_key, g.start_value, g.target_value, \
         g.current_value, g.direction, g.weight, g.progress_rule, g.period, g.period_start, \
         g.period_end, g.due_date, g.visibility, g.status_override, g.override_reason, \
         g.override_by, ob.name AS override_by_name, g.override_at, g.created_by, g.created_at, \
         g.updated_at FROM goals g LEFT JOIN people op ON op.id = g.owner_person_id \
         LEFT JOIN teams ot ON ot.id = g.owner_team_id LEFT JOIN goals pg ON pg.id = g.parent_id \
         LEFT JOIN people ob ON ob.id = g.override_by",
        visible_sql("pg", 1, 2)
    )
}

fn sees_all(actor: &Actor) -> bool {
    actor.sees_everything() || actor.is_hr
}

/// The value of one field of a goal as the history shows it.
fn field_values(i: &GoalInput) -> Vec<(&'static str, String)> {
    vec![
        ("title", i.title.clone()),
        ("description", i.description.clone()),
        ("owner", i.owner.text()),
        (
            "parent",
            i.parent_id.map(|p| p.to_string()).unwrap_or_default(),
        ),
        ("measure", i.measure.text()),
        ("start", i.start.to_string()),
        ("target", i.target.to_string()),
        ("direction", i.direction.as_str().into()),
        ("weight", i.weight.to_string()),
        ("rule", i.rule.as_str().into()),
        ("period", i.period.label()),
        ("due", i.due.to_string()),
        ("visibility", i.visibility.as_str().into()),
        (
            "contributors",
            i.contributors
                .iter()
                .map(Uuid::to_string)
                .collect::<Vec<_>>()
                .join(","),
        ),
    ]
}

async fn record_change(
    tx: &mut Tx,
    goal: Uuid,
    person: Uuid,
    at: DateTime<Utc>,
    (field, old, new): (&str, &str, &str),
    reason: Option<&str>,
) -> Result<()> {
    with_tx!(tx, c => {
        sqlx::query(
            "INSERT INTO goal_changes (id, goal_id, person_id, at, field, old_value, new_value, reason) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(new_id())
        .bind(goal)
        .bind(person)
        .bind(at)
        .bind(field)
        .bind(old)
        .bind(new)
        .bind(reason)
        .execute(c)
        .await?;
    });
    Ok(())
}

/// One goal row, as created; `current` is the manual value (`None` for metric goals).
async fn insert_goal(
    tx: &mut Tx,
    id: Uuid,
    input: &GoalInput,
    current: Option<i64>,
    created_by: Uuid,
    at: DateTime<Utc>,
) -> Result<()> {
    let (person, team) = match input.owner {
        Owner::Person(p) => (Some(p), None),
        Owner::Team(t) => (None, Some(t)),
        Owner::Org => (None, None),
    };
    let metric = match input.measure {
        Measure::Metric(m) => Some(m.key()),
        _ => None,
    };
    with_tx!(tx, c => {
        sqlx::query(
            "INSERT INTO goals (id, owner_kind, owner_person_id, owner_team_id, parent_id, title, \
             description, measure, metric_key, start_value, target_value, current_value, direction, \
             weight, progress_rule, period, period_start, period_end, due_date, visibility, \
             created_by, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, \
             $18, $19, $20, $21, $22, $22)",
        )
        .bind(id)
        .bind(input.owner.kind())
        .bind(person)
        .bind(team)
        .bind(input.parent_id)
        .bind(&input.title)
        .bind(&input.description)
        .bind(input.measure.kind())
        .bind(metric)
        .bind(input.start)
        .bind(input.target)
        .bind(current)
        .bind(input.direction.as_str())
        .bind(i32::try_from(input.weight).unwrap_or(i32::MAX))
        .bind(input.rule.as_str())
        .bind(input.period.label())
        .bind(input.period.start)
        .bind(input.period.end)
        .bind(input.due)
        .bind(input.visibility.as_str())
        .bind(created_by)
        .bind(at)
        .execute(c)
        .await?;
    });
    Ok(())
}

/// A goal to load as it is (the demo): fixed ids, a manual value, and its progress so far.
pub struct GoalSeed {
    pub id: Uuid,
    pub input: GoalInput,
    pub created_by: Uuid,
    pub current: Option<i64>,
    pub updates: Vec<UpdateSeed>,
}

/// A point of progress to load: `person` `None` for a measured point.
pub struct UpdateSeed {
    pub id: Uuid,
    pub person: Option<Uuid>,
    pub day: NaiveDate,
    pub value: Option<i64>,
    pub progress: Option<i64>,
    pub comment: Option<String>,
}

async fn replace_contributors(tx: &mut Tx, goal: Uuid, people: &[Uuid]) -> Result<()> {
    with_tx!(tx, c => {
        sqlx::query("DELETE FROM goal_contributors WHERE goal_id = $1")
            .bind(goal)
            .execute(&mut *c)
            .await?;
        for p in people {
            sqlx::query("INSERT INTO goal_contributors (goal_id, person_id) VALUES ($1, $2)")
                .bind(goal)
                .bind(*p)
                .execute(&mut *c)
                .await?;
        }
    });
    Ok(())
}

/// Records a new value of a manual goal in `tx`: the goal's current value, a point of its
/// progress over time (`source` 'manual' or 'checkin'), and the audit entry. The one path for
/// entered values, so a value from a check-in reads like any other in history and chart.
/// Returns the id of the progress point.
pub(crate) async fn write_goal_value(
    tx: &mut Tx,
    goal: &Goal,
    actor: Uuid,
    value: i64,
    comment: Option<&str>,
    source: &'static str,
    at: DateTime<Utc>,
) -> Result<Uuid> {
    if !goal.input.measure.is_manual() {
        return Err(DbError::Conflict("goal_not_manual"));
    }
    if goal.input.measure == Measure::Done && !(0..=1).contains(&value) {
        return Err(DbError::Conflict("invalid_value"));
    }
    let progress = keel_domain::goals::progress_permille(
        goal.input.direction,
        goal.input.start,
        goal.input.target,
        value,
    );
    let comment = comment.map(str::trim).filter(|c| !c.is_empty());
    let point = new_id();
    let zone = crate::zone::zone_in(tx).await?;
    with_tx!(&mut *tx, c => {
        sqlx::query("UPDATE goals SET current_value = $2, updated_at = $3 WHERE id = $1")
            .bind(goal.id)
            .bind(value)
            .bind(at)
            .execute(&mut *c)
            .await?;
        sqlx::query(
            "INSERT INTO goal_updates (id, goal_id, person_id, source, at, day, value, progress, comment) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(point)
        .bind(goal.id)
        .bind(actor)
        .bind(source)
        .bind(at)
        .bind(zone.day_of(at))
        .bind(value)
        .bind(progress)
        .bind(comment)
        .execute(&mut *c)
        .await?;
    });
    let entry = audit::Entry {
        actor: Some(actor),
        action: "value",
        entity: "goal",
        entity_id: Some(goal.id),
        summary: format!(
            "{}: {} → {value}",
            goal.input.title,
            goal.current_value
                .map(|v| v.to_string())
                .unwrap_or_default()
        ),
    };
    audit::record(tx, entry, at).await?;
    Ok(point)
}

impl Db {
    /// Whether `actor` may set and change goals of `owner`: a person's goals by that person
    /// and anyone above them; a team's by its lead and anyone above the lead; the
    /// organisation's by directors and admins, who may also set every other goal.
    pub async fn may_manage_goal(&self, actor: &Actor, owner: Owner) -> Result<bool> {
        if actor.sees_everything() {
            return Ok(true);
        }
        let person = match owner {
            Owner::Org => return Ok(false),
            Owner::Person(p) => Some(p),
            Owner::Team(t) => {
                let lead: Option<Option<Uuid>> = with_pool!(self, p => {
                    sqlx::query_scalar("SELECT lead_id FROM teams WHERE id = $1").bind(t).fetch_optional(p).await?
                });
                lead.flatten()
            }
        };
        let Some(person) = person else {
            return Ok(false);
        };
        Ok(self.reporting_line(actor.id).await?.contains(&person))
    }

    /// The goals `actor` may see, by period (newest first) and title.
    pub async fn goals(&self, actor: &Actor, q: &GoalQuery) -> Result<Vec<Goal>> {
        let mut sql = format!("{} WHERE {}", select_sql(), visible_sql("g", 1, 2));
        let (kind, owner_id) = match q.owner {
            None => (None, None),
            Some(Owner::Org) => (Some("org"), None),
            Some(Owner::Person(p)) => (Some("person"), Some(p)),
            Some(Owner::Team(t)) => (Some("team"), Some(t)),
        };
        sql.push_str(
            " AND ($3 IS NULL OR g.owner_kind = $3) \
             AND ($4 IS NULL OR g.owner_person_id = $4 OR g.owner_team_id = $4)",
        );
        sql.push_str(
            " AND ($5 IS NULL OR g.owner_person_id = $5 \
             OR g.id IN (SELECT c.goal_id FROM goal_contributors c WHERE c.person_id = $5))",
        );
        sql.push_str(" ORDER BY g.period_start DESC, g.title, g.id LIMIT 2000");
        let rows: Vec<Row> = with_pool!(self, p => {
            sqlx::query_as(sqlx::AssertSqlSafe(sql))
                .bind(actor.id)
                .bind(sees_all(actor))
                .bind(kind)
                .bind(owner_id)
                .bind(q.involving)
                .fetch_all(p)
                .await?
        });
        let mut goals = rows
            .into_iter()
            .map(Row::into_goal)
            .collect::<Result<Vec<_>>>()?;
        self.attach_contributors(&mut goals).await?;
        Ok(goals)
    }

    /// One goal `actor` may see; [`DbError::NotFound`] otherwise, exactly like an unknown id.
    pub async fn goal(&self, actor: &Actor, id: Uuid) -> Result<Goal> {
        let sql = format!(
            "{} WHERE g.id = $3 AND {}",
            select_sql(),
            visible_sql("g", 1, 2)
        );
        let row: Option<Row> = with_pool!(self, p => {
            sqlx::query_as(sqlx::AssertSqlSafe(sql))
                .bind(actor.id)
                .bind(sees_all(actor))
                .bind(id)
                .fetch_optional(p)
                .await?
        });
        let mut goals = vec![row.ok_or(DbError::NotFound)?.into_goal()?];
        self.attach_contributors(&mut goals).await?;
        Ok(goals.remove(0))
    }

    /// Every goal, whoever may see it: progress of a parent is the same for every reader,
    /// so it is computed over all its children (see `goal_progress`). Not for display.
    pub(crate) async fn all_goals(&self) -> Result<Vec<Goal>> {
        // Parent titles are not needed here: bind a nil actor who sees everything.
        let sql = select_sql();
        let rows: Vec<Row> = with_pool!(self, p => {
            sqlx::query_as(sqlx::AssertSqlSafe(sql))
                .bind(Uuid::nil())
                .bind(true)
                .fetch_all(p)
                .await?
        });
        rows.into_iter().map(Row::into_goal).collect()
    }

    async fn attach_contributors(&self, goals: &mut [Goal]) -> Result<()> {
        if goals.is_empty() {
            return Ok(());
        }
        let rows: Vec<(Uuid, Uuid, String)> = with_pool!(self, p => {
            sqlx::query_as(
                "SELECT c.goal_id, c.person_id, p.name FROM goal_contributors c \
                 JOIN people p ON p.id = c.person_id ORDER BY p.sort_key, p.id",
            )
            .fetch_all(p)
            .await?
        });
        for g in goals.iter_mut() {
            for (_, person, name) in rows.iter().filter(|r| r.0 == g.id) {
                g.input.contributors.push(*person);
                g.contributor_names.push((*person, name.clone()));
            }
        }
        Ok(())
    }

    /// Refuses an input whose references do not hold: a parent the actor cannot see, a
    /// parent that is the goal itself or below it, unknown contributors or owners.
    async fn check_goal_refs(
        &self,
        actor: &Actor,
        input: &GoalInput,
        editing: Option<Uuid>,
    ) -> Result<()> {
        if !self.may_manage_goal(actor, input.owner).await? {
            return Err(DbError::Forbidden);
        }
        match input.owner {
            Owner::Person(p) => {
                let n: i64 = with_pool!(self, pool => {
                    sqlx::query_scalar("SELECT COUNT(*) FROM people WHERE id = $1 AND active").bind(p).fetch_one(pool).await?
                });
                if n == 0 {
                    return Err(DbError::Conflict("unknown_owner"));
                }
            }
            Owner::Team(t) => {
                let n: i64 = with_pool!(self, pool => {
                    sqlx::query_scalar("SELECT COUNT(*) FROM teams WHERE id = $1").bind(t).fetch_one(pool).await?
                });
                if n == 0 {
                    return Err(DbError::Conflict("unknown_owner"));
                }
            }
            Owner::Org => {}
        }
        if let Some(parent) = input.parent_id {
            self.goal(actor, parent).await.map_err(|e| match e {
                DbError::NotFound => DbError::Conflict("unknown_parent"),
                e => e,
            })?;
            if let Some(id) = editing {
                // Walk up from the new parent: meeting the goal itself would close a loop.
                let all = self.all_goals().await?;
                let mut at = Some(parent);
                let mut steps = 0;
                while let Some(g) = at {
                    if g == id || steps > all.len() {
                        return Err(DbError::Conflict("goal_parent_cycle"));
                    }
                    at = all
                        .iter()
                        .find(|x| x.id == g)
                        .and_then(|x| x.input.parent_id);
                    steps += 1;
                }
            }
        }
        for c in &input.contributors {
            let n: i64 = with_pool!(self, pool => {
                sqlx::query_scalar("SELECT COUNT(*) FROM people WHERE id = $1 AND active").bind(*c).fetch_one(pool).await?
            });
            if n == 0 {
                return Err(DbError::Conflict("unknown_contributor"));
            }
        }
        Ok(())
    }

    /// Sets a goal; the actor must be allowed to set goals for its owner.
    pub async fn create_goal(&self, actor: &Actor, input: &GoalInput) -> Result<Uuid> {
        self.check_goal_refs(actor, input, None).await?;
        let id = new_id();
        let at = now();
        // A manual measure starts where it starts.
        let current = input.measure.is_manual().then_some(input.start);
        let mut tx = self.begin_write().await?;
        insert_goal(&mut tx, id, input, current, actor.id, at).await?;
        replace_contributors(&mut tx, id, &input.contributors).await?;
        let entry = audit::Entry {
            actor: Some(actor.id),
            action: "create",
            entity: "goal",
            entity_id: Some(id),
            summary: format!(
                "{} ({}, {} → {}, {})",
                input.title,
                input.measure.text(),
                input.start,
                input.target,
                input.period.label()
            ),
        };
        audit::record(&mut tx, entry, at).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Changes a goal. Every changed field is kept in its history; changing the target or the
    /// due date needs a `reason` (`DbError::Conflict("reason_required")`).
    pub async fn update_goal(
        &self,
        actor: &Actor,
        id: Uuid,
        input: &GoalInput,
        reason: Option<&str>,
    ) -> Result<()> {
        let old = self.goal(actor, id).await?;
        if !self.may_manage_goal(actor, old.input.owner).await? {
            return Err(DbError::Forbidden);
        }
        self.check_goal_refs(actor, input, Some(id)).await?;
        let reason = reason.map(str::trim).filter(|r| !r.is_empty());
        let mut sorted_old = old.input.clone();
        sorted_old.contributors.sort();
        let mut sorted_new = input.clone();
        sorted_new.contributors.sort();
        let changes: Vec<(&str, String, String)> = field_values(&sorted_old)
            .into_iter()
            .zip(field_values(&sorted_new))
            .filter(|(a, b)| a.1 != b.1)
            .map(|(a, b)| (a.0, a.1, b.1))
            .collect();
        if changes.is_empty() {
            return Ok(());
        }
        if reason.is_none() && changes.iter().any(|c| REASONED_FIELDS.contains(&c.0)) {
            return Err(DbError::Conflict("reason_required"));
        }
        let at = now();
        let (person, team) = match input.owner {
            Owner::Person(p) => (Some(p), None),
            Owner::Team(t) => (None, Some(t)),
            Owner::Org => (None, None),
        };
        let metric = match input.measure {
            Measure::Metric(m) => Some(m.key()),
            _ => None,
        };
        // A manual value survives an edit unless the measure itself changed.
        let current = if !input.measure.is_manual() {
            None
        } else if old.input.measure == input.measure {
            old.current_value.or(Some(input.start))
        } else {
            Some(input.start)
        };
        let mut tx = self.begin_write().await?;
        with_tx!(&mut tx, c => {
            sqlx::query(
                "UPDATE goals SET owner_kind = $2, owner_person_id = $3, owner_team_id = $4, parent_id = $5, \
                 title = $6, description = $7, measure = $8, metric_key = $9, start_value = $10, \
                 target_value = $11, current_value = $12, direction = $13, weight = $14, progress_rule = $15, \
                 period = $16, period_start = $17, period_end = $18, due_date = $19, visibility = $20, \
                 updated_at = $21 WHERE id = $1",
            )
            .bind(id)
            .bind(input.owner.kind())
            .bind(person)
            .bind(team)
            .bind(input.parent_id)
            .bind(&input.title)
            .bind(&input.description)
            .bind(input.measure.kind())
            .bind(metric)
            .bind(input.start)
            .bind(input.target)
            .bind(current)
            .bind(input.direction.as_str())
            .bind(i32::try_from(input.weight).unwrap_or(i32::MAX))
            .bind(input.rule.as_str())
            .bind(input.period.label())
            .bind(input.period.start)
            .bind(input.period.end)
            .bind(input.due)
            .bind(input.visibility.as_str())
            .bind(at)
            .execute(c)
            .await?;
        });
        replace_contributors(&mut tx, id, &input.contributors).await?;
        for (field, from, to) in &changes {
            record_change(&mut tx, id, actor.id, at, (field, from, to), reason).await?;
        }
        let entry = audit::Entry {
            actor: Some(actor.id),
            action: "update",
            entity: "goal",
            entity_id: Some(id),
            summary: changes
                .iter()
                .map(|(f, a, b)| format!("{f}: {a} → {b}"))
                .collect::<Vec<_>>()
                .join("; "),
        };
        audit::record(&mut tx, entry, at).await?;
        tx.commit().await
    }

    /// Records a new value of a manual measure, with the progress it makes, as a point of
    /// the goal's progress over time.
    pub async fn record_goal_value(
        &self,
        actor: &Actor,
        id: Uuid,
        value: i64,
        comment: Option<&str>,
    ) -> Result<()> {
        let goal = self.goal(actor, id).await?;
        if !self.may_manage_goal(actor, goal.input.owner).await? {
            return Err(DbError::Forbidden);
        }
        let at = now();
        let mut tx = self.begin_write().await?;
        write_goal_value(&mut tx, &goal, actor.id, value, comment, "manual", at).await?;
        tx.commit().await
    }

    /// Sets the status by hand (a reason is required) or, with `None`, goes back to the pace.
    pub async fn set_goal_status(
        &self,
        actor: &Actor,
        id: Uuid,
        status: Option<(Status, &str)>,
    ) -> Result<()> {
        let goal = self.goal(actor, id).await?;
        if !self.may_manage_goal(actor, goal.input.owner).await? {
            return Err(DbError::Forbidden);
        }
        let status = match status {
            Some((s, reason)) => {
                let reason = reason.trim();
                if reason.is_empty() {
                    return Err(DbError::Conflict("reason_required"));
                }
                Some((s, reason))
            }
            None => None,
        };
        let old = goal
            .status_override
            .as_ref()
            .map(|o| o.status.as_str())
            .unwrap_or("");
        let new = status.map(|s| s.0.as_str()).unwrap_or("");
        if goal.status_override.is_none() && status.is_none() {
            return Ok(());
        }
        let at = now();
        let mut tx = self.begin_write().await?;
        with_tx!(&mut tx, c => {
            sqlx::query(
                "UPDATE goals SET status_override = $2, override_reason = $3, override_by = $4, \
                 override_at = $5, updated_at = $6 WHERE id = $1",
            )
            .bind(id)
            .bind(status.map(|s| s.0.as_str()))
            .bind(status.map(|s| s.1))
            .bind(status.map(|_| actor.id))
            .bind(status.map(|_| at))
            .bind(at)
            .execute(c)
            .await?;
        });
        record_change(
            &mut tx,
            id,
            actor.id,
            at,
            ("status", old, new),
            status.map(|s| s.1),
        )
        .await?;
        let entry = audit::Entry {
            actor: Some(actor.id),
            action: "status",
            entity: "goal",
            entity_id: Some(id),
            summary: format!("{}: {old} → {new}", goal.input.title),
        };
        audit::record(&mut tx, entry, at).await?;
        tx.commit().await
    }

    /// The adjustments of a goal the actor may see, oldest first.
    pub async fn goal_changes(&self, actor: &Actor, id: Uuid) -> Result<Vec<GoalChange>> {
        self.goal(actor, id).await?;
        Ok(with_pool!(self, p => {
            sqlx::query_as::<_, GoalChange>(
                "SELECT c.at, c.person_id, p.name AS person_name, c.field, c.old_value, c.new_value, c.reason \
                 FROM goal_changes c LEFT JOIN people p ON p.id = c.person_id \
                 WHERE c.goal_id = $1 ORDER BY c.at, c.id",
            )
            .bind(id)
            .fetch_all(p)
            .await?
        }))
    }

    /// The progress points of a goal the actor may see, oldest first.
    pub async fn goal_updates(&self, actor: &Actor, id: Uuid) -> Result<Vec<GoalUpdate>> {
        self.goal(actor, id).await?;
        Ok(with_pool!(self, p => {
            sqlx::query_as::<_, GoalUpdate>(
                "SELECT u.id, u.at, u.day, u.person_id, p.name AS person_name, u.source, u.value, u.progress, u.comment \
                 FROM goal_updates u LEFT JOIN people p ON p.id = u.person_id \
                 WHERE u.goal_id = $1 ORDER BY u.at, u.id",
            )
            .bind(id)
            .fetch_all(p)
            .await?
        }))
    }

    /// Keeps today's measurement of a goal, once per day however often it is looked at.
    /// Measured points belong to the goal, not to the reader who happened to trigger them.
    pub async fn snapshot_goal(
        &self,
        id: Uuid,
        day: NaiveDate,
        value: Option<i64>,
        progress: Option<i64>,
    ) -> Result<()> {
        let at = now();
        let mut tx = self.begin_write().await?;
        let inserted = with_tx!(&mut tx, c => {
            sqlx::query(
                "INSERT INTO goal_updates (id, goal_id, person_id, source, at, day, value, progress) \
                 VALUES ($1, $2, NULL, 'measured', $3, $4, $5, $6) ON CONFLICT DO NOTHING",
            )
            .bind(new_id())
            .bind(id)
            .bind(at)
            .bind(day)
            .bind(value)
            .bind(progress)
            .execute(c)
            .await?
            .rows_affected()
        });
        if inserted == 1 {
            let entry = audit::Entry {
                actor: None,
                action: "measure",
                entity: "goal",
                entity_id: Some(id),
                summary: format!(
                    "{day}: {} ({}‰)",
                    value.map(|v| v.to_string()).unwrap_or_default(),
                    progress.map(|v| v.to_string()).unwrap_or_default()
                ),
            };
            audit::record(&mut tx, entry, at).await?;
        }
        tx.commit().await
    }

    /// Loads goals as given (parents before children), in one transaction.
    pub async fn insert_goal_seed(&self, actor: Uuid, seeds: &[GoalSeed]) -> Result<()> {
        let at = now();
        let mut tx = self.begin_write().await?;
        for g in seeds {
            insert_goal(&mut tx, g.id, &g.input, g.current, g.created_by, at).await?;
            replace_contributors(&mut tx, g.id, &g.input.contributors).await?;
            for u in &g.updates {
                let source = if u.person.is_some() {
                    "manual"
                } else {
                    "measured"
                };
                let when = u.day.and_hms_opt(12, 0, 0).map_or(at, |t| t.and_utc());
                with_tx!(&mut tx, c => {
                    sqlx::query(
                        "INSERT INTO goal_updates (id, goal_id, person_id, source, at, day, value, progress, comment) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
                    )
                    .bind(u.id)
                    .bind(g.id)
                    .bind(u.person)
                    .bind(source)
                    .bind(when)
                    .bind(u.day)
                    .bind(u.value)
                    .bind(u.progress)
                    .bind(&u.comment)
                    .execute(c)
                    .await?;
                });
            }
        }
        let entry = audit::Entry {
            actor: Some(actor),
            action: "seed",
            entity: "goal",
            entity_id: None,
            summary: format!("{} goals", seeds.len()),
        };
        audit::record(&mut tx, entry, at).await?;
        tx.commit().await
    }

    /// Whether SMART goals are required (else the check is advice).
    pub async fn smart_required(&self) -> Result<bool> {
        let v: Option<bool> = with_pool!(self, p => {
            sqlx::query_scalar("SELECT smart_required FROM goal_settings WHERE id = 1").fetch_optional(p).await?
        });
        Ok(v.unwrap_or(false))
    }

    /// Admins only.
    pub async fn set_smart_required(&self, actor: &Actor, required: bool) -> Result<()> {
        if actor.role != Role::Admin {
            return Err(DbError::Forbidden);
        }
        let at = now();
        let mut tx = self.begin_write().await?;
        with_tx!(&mut tx, c => {
            sqlx::query(
                "INSERT INTO goal_settings (id, smart_required) VALUES (1, $1) \
                 ON CONFLICT (id) DO UPDATE SET smart_required = excluded.smart_required",
            )
            .bind(required)
            .execute(c)
            .await?;
        });
        let entry = audit::Entry {
            actor: Some(actor.id),
            action: "update",
            entity: "goal_settings",
            entity_id: None,
            summary: format!("smart_required: {required}"),
        };
        audit::record(&mut tx, entry, at).await?;
        tx.commit().await
    }

    /// The active members of a team, for the SMART check's team history.
    pub async fn team_members(&self, team: Uuid) -> Result<Vec<Uuid>> {
        Ok(with_pool!(self, p => {
            sqlx::query_scalar("SELECT id FROM people WHERE team_id = $1 AND active ORDER BY id")
                .bind(team)
                .fetch_all(p)
                .await?
        }))
    }

    /// The team a person belongs to.
    pub async fn team_of(&self, person: Uuid) -> Result<Option<Uuid>> {
        let t: Option<Option<Uuid>> = with_pool!(self, p => {
            sqlx::query_scalar("SELECT team_id FROM people WHERE id = $1").bind(person).fetch_optional(p).await?
        });
        Ok(t.flatten())
    }
}

/// The current period of a kind (custom falls back to the quarter).
pub fn current_period(kind: PeriodKind, today: NaiveDate) -> Period {
    Period::containing(kind, today)
        .or_else(|| Period::containing(PeriodKind::Quarter, today))
        .unwrap_or(Period {
            kind: PeriodKind::Custom,
            start: today,
            end: today,
        })
}
