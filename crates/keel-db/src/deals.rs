//! Deals through pipelines: stages with probabilities, a stage history with timestamps, and
//! the board's per-stage totals.

use crate::crm::{Module, readable};
use crate::rollups::{self, Source};
use crate::search;
use crate::sort::{self, Cursor, Key, bind_cursor};
use crate::visibility::Actor;
use crate::{Db, DbError, Result, Tx, audit, with_pool, with_tx};
use chrono::{DateTime, NaiveDate, Utc};
use keel_domain::pipeline::{Category, DEFAULT_STAGES};
use keel_domain::{ids::new_id, time::now};
use uuid::Uuid;

#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct Stage {
    pub id: Uuid,
    pub pipeline_id: Uuid,
    pub name: String,
    pub name_en: String,
    pub probability: i32,
    pub category: String,
    pub position: i32,
}

#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct Pipeline {
    pub id: Uuid,
    pub name: String,
    pub is_default: bool,
}

#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct Deal {
    pub id: Uuid,
    pub name: String,
    pub amount_minor: i64,
    pub currency: String,
    pub pipeline_id: Uuid,
    pub stage_id: Uuid,
    pub stage_name: String,
    pub stage_name_en: String,
    pub probability: i32,
    pub category: String,
    pub stage_entered_at: DateTime<Utc>,
    pub expected_close: Option<NaiveDate>,
    pub closed_at: Option<DateTime<Utc>>,
    pub owner_id: Uuid,
    pub owner_name: String,
    pub account_id: Option<Uuid>,
    pub account_name: Option<String>,
    pub contact_id: Option<Uuid>,
    pub product_line: Option<String>,
    pub kind: Option<String>,
    pub source: Option<String>,
    pub loss_reason: Option<String>,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Default)]
pub struct DealInput {
    pub name: String,
    pub amount_minor: i64,
    pub currency: String,
    /// A stage of the deal's pipeline; the pipeline follows from it.
    pub stage_id: Uuid,
    /// The pipeline the person chose, when they chose one: the stage must belong to it.
    pub pipeline_id: Option<Uuid>,
    pub expected_close: Option<NaiveDate>,
    pub owner_id: Uuid,
    pub account_id: Option<Uuid>,
    pub contact_id: Option<Uuid>,
    pub product_line: Option<String>,
    pub kind: Option<String>,
    pub source: Option<String>,
    pub loss_reason: Option<String>,
}

#[derive(Debug, Clone, Default)]
pub struct DealQuery {
    pub search: Option<String>,
    pub owner: Option<Uuid>,
    pub account: Option<Uuid>,
    pub stage: Option<Uuid>,
    pub pipeline: Option<Uuid>,
    /// Only deals in open stages.
    pub open_only: bool,
    /// One of [`sort::DEALS`]; empty for the default.
    pub sort: String,
    pub after: Option<Cursor>,
    pub limit: u32,
}

/// A column of the pipeline board: the stage, its deals' count, amount and weighted amount.
#[derive(Debug, Clone, serde::Serialize)]
pub struct BoardColumn {
    pub stage: Stage,
    pub count: i64,
    /// Per currency, never added across currencies: (currency, amount, weighted amount).
    pub totals: Vec<(String, i64, i64)>,
    pub deals: Vec<Deal>,
}

/// One step of a deal's stage history.
#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct StageChange {
    pub from_stage: Option<String>,
    pub from_stage_en: Option<String>,
    pub to_stage: String,
    pub to_stage_en: String,
    pub changed_by: Option<String>,
    pub at: DateTime<Utc>,
}

/// The largest deal amount accepted: 10^15 minor units (ten trillion yuan), so that sums of
/// millions of deals stay far inside i64.
pub const MAX_AMOUNT_MINOR: i64 = 1_000_000_000_000_000;

const COLUMNS: &str = "d.id, d.name, d.amount_minor, d.currency, d.pipeline_id, d.stage_id, \
    s.name AS stage_name, s.name_en AS stage_name_en, s.probability, s.category, d.stage_entered_at, \
    d.expected_close, d.closed_at, d.owner_id, o.name AS owner_name, d.account_id, a.name AS account_name, \
    d.contact_id, d.product_line, d.kind, d.source, d.loss_reason, d.created_at \
    FROM deals d JOIN stages s ON s.id = d.stage_id JOIN people o ON o.id = d.owner_id \
    LEFT JOIN accounts a ON a.id = d.account_id";

/// Creates the default pipeline and its stages inside `tx` (a new organisation).
pub(crate) async fn insert_default_pipeline(tx: &mut Tx, at: DateTime<Utc>) -> Result<Uuid> {
    let pipeline = new_id();
    with_tx!(&mut *tx, c => {
        sqlx::query("INSERT INTO pipelines (id, name, is_default, position, created_at) VALUES ($1, $2, TRUE, 0, $3)")
            .bind(pipeline)
            .bind("销售管道 Sales")
            .bind(at)
            .execute(c)
            .await?;
    });
    insert_stages(tx, pipeline).await?;
    Ok(pipeline)
}

/// The default stages ([`DEFAULT_STAGES`]), as the stages of `pipeline`.
async fn insert_stages(tx: &mut Tx, pipeline: Uuid) -> Result<()> {
    for (i, s) in DEFAULT_STAGES.iter().enumerate() {
        with_tx!(&mut *tx, c => {
            sqlx::query(
                "INSERT INTO stages (id, pipeline_id, name, name_en, probability, category, position) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(new_id())
            .bind(pipeline)
            .bind(s.name)
            .bind(s.name_en)
            .bind(i32::from(s.probability))
            .bind(s.category.as_str())
            .bind(i as i32)
            .execute(c)
            .await?;
        });
    }
    Ok(())
}

impl Db {
    pub async fn pipelines(&self) -> Result<Vec<Pipeline>> {
        Ok(with_pool!(self, p => {
            sqlx::query_as::<_, Pipeline>("SELECT id, name, is_default FROM pipelines ORDER BY position, name")
                .fetch_all(p)
                .await?
        }))
    }

    /// Every stage of every pipeline, in board order.
    pub async fn stages(&self) -> Result<Vec<Stage>> {
        Ok(with_pool!(self, p => {
            sqlx::query_as::<_, Stage>(
                "SELECT s.id, s.pipeline_id, s.name, s.name_en, s.probability, s.category, s.position \
                 FROM stages s JOIN pipelines p ON p.id = s.pipeline_id ORDER BY p.position, s.position",
            )
            .fetch_all(p)
            .await?
        }))
    }

    async fn stage(&self, id: Uuid) -> Result<Stage> {
        self.stages()
            .await?
            .into_iter()
            .find(|s| s.id == id)
            .ok_or(DbError::Conflict("unknown_stage"))
    }

    /// A page of deals the actor may see, in `q.sort` order (newest first by default), and
    /// the cursor of the next page.
    pub async fn deals(&self, actor: &Actor, q: &DealQuery) -> Result<(Vec<Deal>, Option<Cursor>)> {
        let sort = sort::find(sort::DEALS, &q.sort).ok_or(DbError::Conflict("invalid_sort"))?;
        let after = self.resolve_cursor("deals", sort, q.after.clone()).await?;
        let all = self.reads_all(actor, Module::Deals).await?;
        let (search, pattern) = search::condition(
            self.backend(),
            search::Target::Deals,
            "d",
            3,
            q.search.as_deref(),
        );
        let (keyset, order) = sort::keyset(sort, "d", after.as_ref(), 8);
        let mut sql = format!(
            "SELECT {COLUMNS} WHERE {} AND {search}",
            readable("d", 1, 2)
        );
        sql.push_str(if q.owner.is_some() {
            " AND d.owner_id = $4"
        } else {
            " AND $4 IS NULL"
        });
        sql.push_str(if q.account.is_some() {
            " AND d.account_id = $5"
        } else {
            " AND $5 IS NULL"
        });
        sql.push_str(if q.stage.is_some() {
            " AND d.stage_id = $6"
        } else {
            " AND $6 IS NULL"
        });
        sql.push_str(if q.pipeline.is_some() {
            " AND d.pipeline_id = $7"
        } else {
            " AND $7 IS NULL"
        });
        if q.open_only {
            sql.push_str(" AND s.category = 'open'");
        }
        sql.push_str(&format!(" AND {keyset} ORDER BY {order} LIMIT $10"));
        let limit = q.limit.clamp(1, 500);
        let rows = with_pool!(self, p => {
            let query = sqlx::query_as::<_, Deal>(sqlx::AssertSqlSafe(sql))
                .bind(actor.id)
                .bind(all)
                .bind(pattern)
                .bind(q.owner)
                .bind(q.account)
                .bind(q.stage)
                .bind(q.pipeline);
            bind_cursor!(query, after.as_ref())
                .bind(i64::from(limit) + 1)
                .fetch_all(p)
                .await?
        });
        Ok(sort::page(rows, limit, |d| {
            let key = match sort.name {
                "name" => Key::text(&d.name),
                "amount" => Key::Int(d.amount_minor),
                "close" => Key::date(d.expected_close),
                _ => Key::Time(d.created_at),
            };
            (key, d.id)
        }))
    }

    pub async fn deal(&self, actor: &Actor, id: Uuid) -> Result<Deal> {
        let all = self.reads_all(actor, Module::Deals).await?;
        let sql = format!(
            "SELECT {COLUMNS} WHERE {} AND d.id = $3",
            readable("d", 1, 2)
        );
        let row = with_pool!(self, p => {
            sqlx::query_as::<_, Deal>(sqlx::AssertSqlSafe(sql)).bind(actor.id).bind(all).bind(id).fetch_optional(p).await?
        });
        row.ok_or(DbError::NotFound)
    }

    /// The board of one pipeline: every stage with its visible deals (at most `per_stage`
    /// shown, newest first) and totals over all of them.
    pub async fn board(
        &self,
        actor: &Actor,
        pipeline: Uuid,
        owner: Option<Uuid>,
        per_stage: u32,
    ) -> Result<Vec<BoardColumn>> {
        let all = self.reads_all(actor, Module::Deals).await?;
        #[derive(sqlx::FromRow)]
        struct Total {
            stage_id: Uuid,
            currency: String,
            count: i64,
            amount: Option<i64>,
        }
        let sql = format!(
            "SELECT d.stage_id, d.currency, COUNT(*) AS count, CAST(SUM(d.amount_minor) AS BIGINT) AS amount FROM deals d \
             WHERE {} AND d.pipeline_id = $3 AND ($4 IS NULL OR d.owner_id = $4) GROUP BY d.stage_id, d.currency ORDER BY d.currency",
            readable("d", 1, 2)
        );
        let totals: Vec<Total> = with_pool!(self, p => {
            sqlx::query_as::<_, Total>(sqlx::AssertSqlSafe(sql))
                .bind(actor.id).bind(all).bind(pipeline).bind(owner)
                .fetch_all(p).await?
        });
        let mut columns = Vec::new();
        for stage in self
            .stages()
            .await?
            .into_iter()
            .filter(|s| s.pipeline_id == pipeline)
        {
            let mine: Vec<&Total> = totals.iter().filter(|t| t.stage_id == stage.id).collect();
            let q = DealQuery {
                stage: Some(stage.id),
                owner,
                limit: per_stage,
                ..Default::default()
            };
            let (deals, _) = self.deals(actor, &q).await?;
            // Weighted: each currency's total times the stage's probability, one rounding.
            let totals = mine
                .iter()
                .map(|t| {
                    let amount = t.amount.unwrap_or(0);
                    (
                        t.currency.clone(),
                        amount,
                        keel_domain::money::percent_of(amount, stage.probability as u8),
                    )
                })
                .collect();
            columns.push(BoardColumn {
                count: mine.iter().map(|t| t.count).sum(),
                totals,
                deals,
                stage,
            });
        }
        Ok(columns)
    }

    async fn check_deal_refs(&self, actor: &Actor, input: &DealInput) -> Result<Stage> {
        let stage = self.stage(input.stage_id).await?;
        if input.pipeline_id.is_some_and(|p| p != stage.pipeline_id) {
            return Err(DbError::Conflict("unknown_stage"));
        }
        self.check_writable(actor, Some(input.owner_id)).await?;
        if let Some(a) = input.account_id {
            let acc = self
                .account(actor, a)
                .await
                .map_err(|_| DbError::Conflict("unknown_account"))?;
            self.check_writable(actor, acc.owner_id).await?;
        }
        if !(0..=MAX_AMOUNT_MINOR).contains(&input.amount_minor) {
            return Err(DbError::Conflict("invalid_amount"));
        }
        Ok(stage)
    }

    pub async fn create_deal(&self, actor: &Actor, input: &DealInput) -> Result<Uuid> {
        let stage = self.check_deal_refs(actor, input).await?;
        let id = new_id();
        let at = now();
        let closed = Category::parse(&stage.category)
            .is_some_and(Category::is_closed)
            .then_some(at);
        let mut tx = self.begin_write().await?;
        with_tx!(&mut tx, c => {
            sqlx::query(
                "INSERT INTO deals (id, name, amount_minor, currency, pipeline_id, stage_id, stage_entered_at, \
                 expected_close, closed_at, owner_id, account_id, contact_id, product_line, kind, source, \
                 loss_reason, created_at, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $7, $7)",
            )
            .bind(id)
            .bind(&input.name)
            .bind(input.amount_minor)
            .bind(&input.currency)
            .bind(stage.pipeline_id)
            .bind(stage.id)
            .bind(at)
            .bind(input.expected_close)
            .bind(closed)
            .bind(input.owner_id)
            .bind(input.account_id)
            .bind(input.contact_id)
            .bind(&input.product_line)
            .bind(&input.kind)
            .bind(&input.source)
            .bind(&input.loss_reason)
            .execute(&mut *c)
            .await?;
            sqlx::query(
                "INSERT INTO deal_stage_history (id, deal_id, from_stage_id, to_stage_id, changed_by, at) \
                 VALUES ($1, $2, NULL, $3, $4, $5)",
            )
            .bind(new_id())
            .bind(id)
            .bind(stage.id)
            .bind(actor.id)
            .bind(at)
            .execute(&mut *c)
            .await?;
        });
        rollups::record(&mut tx, Source::Deal(id)).await?;
        let entry = audit::Entry {
            actor: Some(actor.id),
            action: "create",
            entity: "deal",
            entity_id: Some(id),
            summary: format!(
                "{} {} {} @ {}",
                input.name, input.amount_minor, input.currency, stage.name_en
            ),
        };
        audit::record(&mut tx, entry, at).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Moves a deal to another stage of its pipeline, recording the step. Entering a won or
    /// lost stage closes the deal; moving back to an open stage reopens it.
    pub async fn move_deal(
        &self,
        actor: &Actor,
        id: Uuid,
        to: Uuid,
        loss_reason: Option<&str>,
    ) -> Result<()> {
        let deal = self.deal(actor, id).await?;
        self.check_writable(actor, Some(deal.owner_id)).await?;
        let stage = self.stage(to).await?;
        if stage.pipeline_id != deal.pipeline_id {
            return Err(DbError::Conflict("unknown_stage"));
        }
        if stage.id == deal.stage_id {
            return Ok(());
        }
        let at = now();
        let closed = Category::parse(&stage.category)
            .is_some_and(Category::is_closed)
            .then_some(at);
        let mut tx = self.begin_write().await?;
        let before = rollups::facts_of(&mut tx, Source::Deal(id)).await?;
        with_tx!(&mut tx, c => {
            // Guarded by the stage we read: of two moves racing, one wins and the other is
            // refused, so the history stays one unbroken chain.
            let moved = sqlx::query(
                "UPDATE deals SET stage_id = $2, stage_entered_at = $3, closed_at = $4, \
                 loss_reason = COALESCE($5, loss_reason), updated_at = $3 WHERE id = $1 AND stage_id = $6",
            )
            .bind(id)
            .bind(stage.id)
            .bind(at)
            .bind(closed)
            .bind(loss_reason)
            .bind(deal.stage_id)
            .execute(&mut *c)
            .await?
            .rows_affected();
            if moved != 1 {
                return Err(DbError::Conflict("deal_moved"));
            }
            sqlx::query(
                "INSERT INTO deal_stage_history (id, deal_id, from_stage_id, to_stage_id, changed_by, at) \
                 VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(new_id())
            .bind(id)
            .bind(deal.stage_id)
            .bind(stage.id)
            .bind(actor.id)
            .bind(at)
            .execute(&mut *c)
            .await?;
        });
        rollups::settle(&mut tx, Source::Deal(id), before).await?;
        let entry = audit::Entry {
            actor: Some(actor.id),
            action: "move",
            entity: "deal",
            entity_id: Some(id),
            summary: format!("{}: {} -> {}", deal.name, deal.stage_name_en, stage.name_en),
        };
        audit::record(&mut tx, entry, at).await?;
        tx.commit().await
    }

    /// The deal's stage history, oldest first.
    pub async fn stage_history(&self, actor: &Actor, id: Uuid) -> Result<Vec<StageChange>> {
        self.deal(actor, id).await?;
        Ok(with_pool!(self, p => {
            sqlx::query_as::<_, StageChange>(
                "SELECT f.name AS from_stage, f.name_en AS from_stage_en, t.name AS to_stage, t.name_en AS to_stage_en, \
                 p.name AS changed_by, h.at \
                 FROM deal_stage_history h JOIN stages t ON t.id = h.to_stage_id \
                 LEFT JOIN stages f ON f.id = h.from_stage_id LEFT JOIN people p ON p.id = h.changed_by \
                 WHERE h.deal_id = $1 ORDER BY h.at, h.id",
            )
            .bind(id)
            .fetch_all(p)
            .await?
        }))
    }
}

impl Db {
    /// Adds a pipeline (admins; the caller checks the permission) with a copy of the default
    /// stages to edit, after the existing pipelines.
    pub async fn create_pipeline(&self, actor: Uuid, name: &str) -> Result<Uuid> {
        let name = name.trim();
        if name.is_empty() || name.chars().count() > 100 {
            return Err(DbError::Conflict("invalid_pipeline"));
        }
        let id = new_id();
        let at = now();
        let mut tx = self.begin_write().await?;
        with_tx!(&mut tx, c => {
            sqlx::query(
                "INSERT INTO pipelines (id, name, is_default, position, created_at) \
                 VALUES ($1, $2, FALSE, (SELECT COALESCE(MAX(position), -1) + 1 FROM pipelines), $3)",
            )
            .bind(id)
            .bind(name)
            .bind(at)
            .execute(c)
            .await
            .map_err(|e| match crate::error::unique_violation(&e) {
                Some(_) => DbError::Conflict("name_taken"),
                None => DbError::from(e),
            })?;
        });
        insert_stages(&mut tx, id).await?;
        let entry = audit::Entry {
            actor: Some(actor),
            action: "create",
            entity: "pipeline",
            entity_id: Some(id),
            summary: name.to_owned(),
        };
        audit::record(&mut tx, entry, at).await?;
        tx.commit().await?;
        Ok(id)
    }
}

/// The editable parts of a stage; its category (open, won, lost) never changes, so closed
/// deals stay closed.
#[derive(Debug, Clone)]
pub struct StageInput {
    pub name: String,
    pub name_en: String,
    pub probability: u8,
}

impl Db {
    /// Renames a stage or changes its probability (admins; the caller checks the permission).
    pub async fn update_stage(&self, actor: Uuid, id: Uuid, input: &StageInput) -> Result<()> {
        let before = self.stage(id).await.map_err(|_| DbError::NotFound)?;
        if input.probability > 100
            || input.name.trim().is_empty()
            || input.name_en.trim().is_empty()
        {
            return Err(DbError::Conflict("invalid_stage"));
        }
        let at = now();
        let mut tx = self.begin_write().await?;
        with_tx!(&mut tx, c => {
            sqlx::query("UPDATE stages SET name = $2, name_en = $3, probability = $4 WHERE id = $1")
                .bind(id)
                .bind(input.name.trim())
                .bind(input.name_en.trim())
                .bind(i32::from(input.probability))
                .execute(c)
                .await
                .map_err(|e| match crate::error::unique_violation(&e) {
                    Some(_) => DbError::Conflict("name_taken"),
                    None => DbError::from(e),
                })?;
        });
        let entry = audit::Entry {
            actor: Some(actor),
            action: "update",
            entity: "stage",
            entity_id: Some(id),
            summary: format!(
                "{} / {} {}% -> {} / {} {}%",
                before.name,
                before.name_en,
                before.probability,
                input.name,
                input.name_en,
                input.probability
            ),
        };
        audit::record(&mut tx, entry, at).await?;
        tx.commit().await
    }

    /// Adds an open stage to a pipeline, after its other open stages.
    pub async fn add_stage(&self, actor: Uuid, pipeline: Uuid, input: &StageInput) -> Result<Uuid> {
        if input.probability > 100
            || input.name.trim().is_empty()
            || input.name_en.trim().is_empty()
        {
            return Err(DbError::Conflict("invalid_stage"));
        }
        let stages: Vec<Stage> = self
            .stages()
            .await?
            .into_iter()
            .filter(|s| s.pipeline_id == pipeline)
            .collect();
        if stages.is_empty() {
            return Err(DbError::NotFound);
        }
        // New open stages go before the won and lost ones, which move down one place.
        let position = stages
            .iter()
            .filter(|s| s.category == "open")
            .map(|s| s.position + 1)
            .max()
            .unwrap_or(0);
        let id = new_id();
        let at = now();
        let mut tx = self.begin_write().await?;
        with_tx!(&mut tx, c => {
            sqlx::query("UPDATE stages SET position = position + 1 WHERE pipeline_id = $1 AND position >= $2")
                .bind(pipeline)
                .bind(position)
                .execute(&mut *c)
                .await?;
            sqlx::query(
                "INSERT INTO stages (id, pipeline_id, name, name_en, probability, category, position) \
                 VALUES ($1, $2, $3, $4, $5, 'open', $6)",
            )
            .bind(id)
            .bind(pipeline)
            .bind(input.name.trim())
            .bind(input.name_en.trim())
            .bind(i32::from(input.probability))
            .bind(position)
            .execute(&mut *c)
            .await
            .map_err(|e| match crate::error::unique_violation(&e) {
                Some(_) => DbError::Conflict("name_taken"),
                None => DbError::from(e),
            })?;
        });
        let entry = audit::Entry {
            actor: Some(actor),
            action: "create",
            entity: "stage",
            entity_id: Some(id),
            summary: format!("{} / {} {}%", input.name, input.name_en, input.probability),
        };
        audit::record(&mut tx, entry, at).await?;
        tx.commit().await?;
        Ok(id)
    }
}
