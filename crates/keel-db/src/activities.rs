//! Activities: calls, meetings, e-mails, visits (外勤, with check-in and check-out) and tasks
//! (due, done or overdue), linked to an account, contact, deal or lead. Logging one counts as a
//! follow-up of its account or lead, in the same transaction, for the pool's return rule.

use crate::crm::{Module, readable};
use crate::rollups::{self, Source};
use crate::sort::{self, Cursor, Key, bind_cursor};
use crate::visibility::Actor;
use crate::{Db, DbError, Result, audit, with_pool, with_tx};
use chrono::{DateTime, NaiveDate, Utc};
pub use keel_domain::crm::TaskState;
use keel_domain::{ids::new_id, time::now};
use uuid::Uuid;

pub const KINDS: [&str; 5] = ["call", "meeting", "email", "visit", "task"];

#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct Activity {
    pub id: Uuid,
    pub kind: String,
    pub subject: String,
    pub notes: Option<String>,
    pub owner_id: Uuid,
    pub owner_name: String,
    pub at: DateTime<Utc>,
    pub due_date: Option<NaiveDate>,
    pub done_at: Option<DateTime<Utc>>,
    pub account_id: Option<Uuid>,
    pub account_name: Option<String>,
    pub deal_id: Option<Uuid>,
    pub deal_name: Option<String>,
    pub lead_id: Option<Uuid>,
    pub lead_name: Option<String>,
    pub check_in_at: Option<DateTime<Utc>>,
    pub check_out_at: Option<DateTime<Utc>>,
    pub location: Option<String>,
}

#[derive(Debug, Clone, Default)]
pub struct ActivityInput {
    pub kind: String,
    pub subject: String,
    pub notes: Option<String>,
    pub owner_id: Uuid,
    pub at: DateTime<Utc>,
    pub due_date: Option<NaiveDate>,
    pub account_id: Option<Uuid>,
    pub contact_id: Option<Uuid>,
    pub deal_id: Option<Uuid>,
    pub lead_id: Option<Uuid>,
    /// Visits: where the rep checked in (text or "lat,lon").
    pub location: Option<String>,
}

/// What the activity list is about.
#[derive(Debug, Clone, Copy)]
pub enum About {
    Account(Uuid),
    Deal(Uuid),
    Lead(Uuid),
    Owner(Uuid),
}

/// The activity list's filters.
#[derive(Debug, Clone, Default)]
pub struct ActivityQuery {
    /// Matches the subject.
    pub search: Option<String>,
    /// One of [`KINDS`].
    pub kind: Option<String>,
    pub owner: Option<Uuid>,
    pub account: Option<Uuid>,
    pub deal: Option<Uuid>,
    /// Tasks only, in this state.
    pub state: Option<TaskState>,
    /// When it happens, by UTC day, both ends included.
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    /// Today, for "overdue".
    pub today: NaiveDate,
    pub after: Option<Cursor>,
    pub limit: u32,
}

const COLUMNS: &str = "x.id, x.kind, x.subject, x.notes, x.owner_id, o.name AS owner_name, x.at, x.due_date, \
    x.done_at, x.account_id, a.name AS account_name, x.deal_id, d.name AS deal_name, x.lead_id, \
    ld.name AS lead_name, x.check_in_at, x.check_out_at, x.location \
    FROM activities x JOIN people o ON o.id = x.owner_id LEFT JOIN accounts a ON a.id = x.account_id \
    LEFT JOIN deals d ON d.id = x.deal_id LEFT JOIN leads ld ON ld.id = x.lead_id";

impl Db {
    pub async fn log_activity(&self, actor: &Actor, input: &ActivityInput) -> Result<Uuid> {
        self.check_writable(actor, Some(input.owner_id)).await?;
        // Linked records must be visible *and* the actor's to change (reading a public-read
        // record is not a licence to write on it, and a pooled one must be claimed first).
        if let Some(a) = input.account_id {
            let acc = self
                .account(actor, a)
                .await
                .map_err(|_| DbError::Conflict("unknown_account"))?;
            self.check_writable(actor, acc.owner_id).await?;
        }
        if let Some(d) = input.deal_id {
            let deal = self
                .deal(actor, d)
                .await
                .map_err(|_| DbError::Conflict("unknown_deal"))?;
            self.check_writable(actor, Some(deal.owner_id)).await?;
        }
        if let Some(l) = input.lead_id {
            let lead = self
                .lead(actor, l)
                .await
                .map_err(|_| DbError::Conflict("unknown_lead"))?;
            self.check_writable(actor, lead.owner_id).await?;
        }
        let id = new_id();
        let at = now();
        // Check-in only for a visit that has happened; a planned one checks in when it does.
        let check_in = (input.kind == "visit" && input.at <= at).then_some(input.at);
        // A follow-up counts from when it happened, never from the future, and a backdated
        // entry never moves the last follow-up backwards.
        let followed_up = input.at.min(at);
        let mut tx = self.begin_write().await?;
        with_tx!(&mut tx, c => {
            sqlx::query(
                "INSERT INTO activities (id, kind, subject, notes, owner_id, at, due_date, account_id, \
                 contact_id, deal_id, lead_id, check_in_at, location, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)",
            )
            .bind(id)
            .bind(&input.kind)
            .bind(&input.subject)
            .bind(&input.notes)
            .bind(input.owner_id)
            .bind(input.at)
            .bind(input.due_date)
            .bind(input.account_id)
            .bind(input.contact_id)
            .bind(input.deal_id)
            .bind(input.lead_id)
            .bind(check_in)
            .bind(&input.location)
            .bind(at)
            .execute(&mut *c)
            .await?;
            // The follow-up keeps the account (and the deal's account) out of the pool's
            // automatic return.
            sqlx::query(
                "UPDATE accounts SET last_activity_at = $2 \
                 WHERE (id = $1 OR id = (SELECT account_id FROM deals WHERE id = $3)) \
                   AND (last_activity_at IS NULL OR last_activity_at < $2)",
            )
            .bind(input.account_id)
            .bind(followed_up)
            .bind(input.deal_id)
            .execute(&mut *c)
            .await?;
            sqlx::query(
                "UPDATE leads SET last_activity_at = $2 WHERE id = $1 \
                 AND (last_activity_at IS NULL OR last_activity_at < $2)",
            )
            .bind(input.lead_id)
            .bind(followed_up)
            .execute(&mut *c)
            .await?;
        });
        rollups::record(&mut tx, Source::Activity(id)).await?;
        let entry = audit::Entry {
            actor: Some(actor.id),
            action: "create",
            entity: "activity",
            entity_id: Some(id),
            summary: format!("{}: {}", input.kind, input.subject),
        };
        audit::record(&mut tx, entry, at).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Activities about one record (or of one owner), newest first, as the actor may see them.
    pub async fn activities(
        &self,
        actor: &Actor,
        about: About,
        limit: u32,
    ) -> Result<Vec<Activity>> {
        let all = self.reads_all(actor, Module::Activities).await?;
        let (column, id) = match about {
            About::Account(id) => ("x.account_id", id),
            About::Deal(id) => ("x.deal_id", id),
            About::Lead(id) => ("x.lead_id", id),
            About::Owner(id) => ("x.owner_id", id),
        };
        let sql = format!(
            "SELECT {COLUMNS} WHERE {} AND {column} = $3 ORDER BY x.at DESC, x.id DESC LIMIT $4",
            readable("x", 1, 2)
        );
        Ok(with_pool!(self, p => {
            sqlx::query_as::<_, Activity>(sqlx::AssertSqlSafe(sql))
                .bind(actor.id)
                .bind(all)
                .bind(id)
                .bind(i64::from(limit.clamp(1, 500)))
                .fetch_all(p)
                .await?
        }))
    }

    /// A page of the activities the actor may see, newest first, narrowed by `q`, and the
    /// cursor of the next page. The subject search is a plain `LIKE`: the list is normally
    /// narrowed by owner, kind or dates first, and activities are not in the search index.
    pub async fn activity_list(
        &self,
        actor: &Actor,
        q: &ActivityQuery,
    ) -> Result<(Vec<Activity>, Option<Cursor>)> {
        let sort = &sort::ACTIVITIES[0];
        let after = self
            .resolve_cursor("activities", sort, q.after.clone())
            .await?;
        let all = self.reads_all(actor, Module::Activities).await?;
        let (keyset, order) = sort::keyset(sort, "x", after.as_ref(), 11);
        let search = q.search.as_deref().map(str::trim).unwrap_or("");
        let mut sql = format!("SELECT {COLUMNS} WHERE {}", readable("x", 1, 2));
        let optional = [
            (
                !search.is_empty(),
                "LOWER(x.subject) LIKE $3 ESCAPE '\\'",
                "$3 = $3",
            ),
            (q.kind.is_some(), "x.kind = $4", "$4 IS NULL"),
            (q.owner.is_some(), "x.owner_id = $5", "$5 IS NULL"),
            (q.account.is_some(), "x.account_id = $6", "$6 IS NULL"),
            (q.deal.is_some(), "x.deal_id = $7", "$7 IS NULL"),
            (q.from.is_some(), "x.at >= $8", "$8 IS NULL"),
            (q.to.is_some(), "x.at < $9", "$9 IS NULL"),
        ];
        for (on, yes, no) in optional {
            sql.push_str(" AND ");
            sql.push_str(if on { yes } else { no });
        }
        sql.push_str(match q.state {
            None => " AND $10 = $10",
            Some(TaskState::Open) => " AND x.kind = 'task' AND x.done_at IS NULL AND $10 = $10",
            Some(TaskState::Done) => " AND x.kind = 'task' AND x.done_at IS NOT NULL AND $10 = $10",
            Some(TaskState::Overdue) => {
                " AND x.kind = 'task' AND x.done_at IS NULL AND x.due_date < $10"
            }
        });
        sql.push_str(&format!(" AND {keyset} ORDER BY {order} LIMIT $13"));
        // Whole days of the organisation's calendar, the date range inclusive at both ends.
        let zone = self.org_zone().await?;
        let from = q.from.map(|d| zone.start_of(d));
        let to = q.to.map(|d| zone.range(d, d).1);
        let limit = q.limit.clamp(1, 500);
        let rows = with_pool!(self, p => {
            let query = sqlx::query_as::<_, Activity>(sqlx::AssertSqlSafe(sql))
                .bind(actor.id)
                .bind(all)
                .bind(crate::people::like_pattern(search))
                .bind(&q.kind)
                .bind(q.owner)
                .bind(q.account)
                .bind(q.deal)
                .bind(from)
                .bind(to)
                .bind(q.today);
            bind_cursor!(query, after.as_ref())
                .bind(i64::from(limit) + 1)
                .fetch_all(p)
                .await?
        });
        Ok(sort::page(rows, limit, |a| (Key::Time(a.at), a.id)))
    }

    /// One activity, if the actor may see it.
    pub async fn activity(&self, actor: &Actor, id: Uuid) -> Result<Activity> {
        let all = self.reads_all(actor, Module::Activities).await?;
        let sql = format!(
            "SELECT {COLUMNS} WHERE {} AND x.id = $3",
            readable("x", 1, 2)
        );
        let found = with_pool!(self, p => {
            sqlx::query_as::<_, Activity>(sqlx::AssertSqlSafe(sql)).bind(actor.id).bind(all).bind(id).fetch_optional(p).await?
        });
        found.ok_or(DbError::NotFound)
    }

    /// "My day": the actor's own open tasks due today or earlier (overdue first) and today's
    /// visits and meetings.
    pub async fn my_day(&self, actor: &Actor, today: NaiveDate) -> Result<Vec<Activity>> {
        let (start, end) = self.org_zone().await?.range(today, today);
        Ok(with_pool!(self, p => {
            sqlx::query_as::<_, Activity>(sqlx::AssertSqlSafe(format!(
                "SELECT {COLUMNS} WHERE x.owner_id = $1 AND ( \
                   (x.kind = 'task' AND x.done_at IS NULL AND x.due_date <= $2) \
                   OR (x.kind IN ('visit', 'meeting', 'call') AND x.at >= $3 AND x.at < $4)) \
                 ORDER BY COALESCE(x.due_date, $2), x.at"
            )))
            .bind(actor.id)
            .bind(today)
            .bind(start)
            .bind(end)
            .fetch_all(p)
            .await?
        }))
    }

    /// Marks a task done, or a visit checked out.
    pub async fn complete_activity(&self, actor: &Actor, id: Uuid) -> Result<()> {
        let all = self.reads_all(actor, Module::Activities).await?;
        let sql = format!(
            "SELECT {COLUMNS} WHERE {} AND x.id = $3",
            readable("x", 1, 2)
        );
        let found = with_pool!(self, p => {
            sqlx::query_as::<_, Activity>(sqlx::AssertSqlSafe(sql)).bind(actor.id).bind(all).bind(id).fetch_optional(p).await?
        });
        let a = found.ok_or(DbError::NotFound)?;
        self.check_writable(actor, Some(a.owner_id)).await?;
        let at = now();
        let mut tx = self.begin_write().await?;
        let before = rollups::facts_of(&mut tx, Source::Activity(id)).await?;
        with_tx!(&mut tx, c => {
            sqlx::query(
                "UPDATE activities SET done_at = CASE WHEN kind = 'task' THEN COALESCE(done_at, $2) ELSE done_at END, \
                 check_out_at = CASE WHEN kind = 'visit' THEN COALESCE(check_out_at, $2) ELSE check_out_at END \
                 WHERE id = $1",
            )
            .bind(id)
            .bind(at)
            .execute(c)
            .await?;
        });
        rollups::settle(&mut tx, Source::Activity(id), before).await?;
        let entry = audit::Entry {
            actor: Some(actor.id),
            action: "complete",
            entity: "activity",
            entity_id: Some(id),
            summary: a.subject,
        };
        audit::record(&mut tx, entry, at).await?;
        tx.commit().await
    }
}

/// The numbers on a person's home page.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct HomeNumbers {
    /// Their own deals in open stages, and the amount of those in CNY.
    pub open_deals: i64,
    pub open_amount_cny_minor: i64,
    /// Their own open tasks due today or earlier.
    pub tasks_due: i64,
    /// Leads waiting in the shared pool.
    pub pool_leads: i64,
}

impl Db {
    pub async fn home_numbers(&self, actor: &Actor, today: NaiveDate) -> Result<HomeNumbers> {
        #[derive(sqlx::FromRow)]
        struct Row {
            open_deals: i64,
            open_amount: Option<i64>,
            tasks_due: i64,
            pool_leads: i64,
        }
        let row = with_pool!(self, p => {
            sqlx::query_as::<_, Row>(
                "SELECT \
                   (SELECT COUNT(*) FROM deals d JOIN stages s ON s.id = d.stage_id \
                     WHERE d.owner_id = $1 AND s.category = 'open') AS open_deals, \
                   (SELECT CAST(SUM(d.amount_minor) AS BIGINT) FROM deals d JOIN stages s ON s.id = d.stage_id \
                     WHERE d.owner_id = $1 AND s.category = 'open' AND d.currency = 'CNY') AS open_amount, \
                   (SELECT COUNT(*) FROM activities x WHERE x.owner_id = $1 AND x.kind = 'task' \
                     AND x.done_at IS NULL AND x.due_date <= $2) AS tasks_due, \
                   (SELECT COUNT(*) FROM leads l WHERE l.owner_id IS NULL AND l.status <> 'converted') AS pool_leads",
            )
            .bind(actor.id)
            .bind(today)
            .fetch_one(p)
            .await?
        });
        Ok(HomeNumbers {
            open_deals: row.open_deals,
            open_amount_cny_minor: row.open_amount.unwrap_or(0),
            tasks_due: row.tasks_due,
            pool_leads: row.pool_leads,
        })
    }
}
