//! Leads: people and companies not yet customers. Owned by a rep, or unowned in the shared
//! pool (公海). Converting one creates an account, a contact and optionally a deal in one step.

use crate::crm::{Module, readable};
use crate::deals::DealInput;
use crate::rollups::{self, Source};
use crate::search;
use crate::sort::{self, Cursor, Key, bind_cursor};
use crate::visibility::Actor;
use crate::{Db, DbError, Result, audit, with_pool, with_tx};
use chrono::{DateTime, Utc};
use keel_domain::{ids::new_id, time::now};
use uuid::Uuid;

pub const STATUSES: [&str; 5] = ["new", "contacted", "qualified", "converted", "lost"];

#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct Lead {
    pub id: Uuid,
    pub name: String,
    pub company: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub source: Option<String>,
    pub status: String,
    pub industry: Option<String>,
    pub notes: Option<String>,
    pub owner_id: Option<Uuid>,
    pub owner_name: Option<String>,
    pub owned_since: Option<DateTime<Utc>>,
    pub last_activity_at: Option<DateTime<Utc>>,
    pub converted_account_id: Option<Uuid>,
    pub converted_deal_id: Option<Uuid>,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Default)]
pub struct LeadInput {
    pub name: String,
    pub company: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub source: Option<String>,
    pub status: String,
    pub industry: Option<String>,
    pub notes: Option<String>,
    /// `None` puts the lead in the shared pool.
    pub owner_id: Option<Uuid>,
}

#[derive(Debug, Clone, Default)]
pub struct LeadQuery {
    pub search: Option<String>,
    pub owner: Option<Uuid>,
    pub status: Option<String>,
    /// Only leads in the shared pool.
    pub pool: bool,
    /// One of [`sort::LEADS`]; empty for the default.
    pub sort: String,
    pub after: Option<Cursor>,
    pub limit: u32,
}

/// What converting a lead creates: the account (new, or an existing one), the contact, and
/// optionally a first deal.
#[derive(Debug, Clone, Default)]
pub struct Conversion {
    pub account_name: String,
    pub existing_account: Option<Uuid>,
    pub deal: Option<DealInput>,
}

/// The records a conversion made.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Converted {
    pub account_id: Uuid,
    pub contact_id: Uuid,
    pub deal_id: Option<Uuid>,
}

const COLUMNS: &str = "l.id, l.name, l.company, l.email, l.phone, l.source, l.status, l.industry, l.notes, \
    l.owner_id, o.name AS owner_name, l.owned_since, l.last_activity_at, l.converted_account_id, \
    l.converted_deal_id, l.created_at FROM leads l LEFT JOIN people o ON o.id = l.owner_id";

impl Db {
    /// A page of leads the actor may see (their line's, and the pool's), in `q.sort` order
    /// (newest first by default), and the cursor of the next page.
    pub async fn leads(&self, actor: &Actor, q: &LeadQuery) -> Result<(Vec<Lead>, Option<Cursor>)> {
        let sort = sort::find(sort::LEADS, &q.sort).ok_or(DbError::Conflict("invalid_sort"))?;
        let after = self.resolve_cursor("leads", sort, q.after.clone()).await?;
        let all = self.reads_all(actor, Module::Leads).await?;
        let (search, pattern) = search::condition(
            self.backend(),
            search::Target::Leads,
            "l",
            3,
            q.search.as_deref(),
        );
        let (keyset, order) = sort::keyset(sort, "l", after.as_ref(), 6);
        let mut sql = format!(
            "SELECT {COLUMNS} WHERE {} AND {search}",
            readable("l", 1, 2)
        );
        sql.push_str(if q.owner.is_some() {
            " AND l.owner_id = $4"
        } else {
            " AND $4 IS NULL"
        });
        sql.push_str(if q.status.is_some() {
            " AND l.status = $5"
        } else {
            " AND $5 IS NULL"
        });
        if q.pool {
            // The pool offers only leads still worth working.
            sql.push_str(" AND l.owner_id IS NULL AND l.status NOT IN ('converted', 'lost')");
        }
        sql.push_str(&format!(" AND {keyset} ORDER BY {order} LIMIT $8"));
        let limit = q.limit.clamp(1, 500);
        let rows = with_pool!(self, p => {
            let query = sqlx::query_as::<_, Lead>(sqlx::AssertSqlSafe(sql))
                .bind(actor.id)
                .bind(all)
                .bind(pattern)
                .bind(q.owner)
                .bind(&q.status);
            bind_cursor!(query, after.as_ref())
                .bind(i64::from(limit) + 1)
                .fetch_all(p)
                .await?
        });
        Ok(sort::page(rows, limit, |l| {
            let key = match sort.name {
                "name" => Key::text(&l.name),
                "last_activity" => Key::time(l.last_activity_at),
                _ => Key::Time(l.created_at),
            };
            (key, l.id)
        }))
    }

    pub async fn lead(&self, actor: &Actor, id: Uuid) -> Result<Lead> {
        let all = self.reads_all(actor, Module::Leads).await?;
        let sql = format!(
            "SELECT {COLUMNS} WHERE {} AND l.id = $3",
            readable("l", 1, 2)
        );
        let row = with_pool!(self, p => {
            sqlx::query_as::<_, Lead>(sqlx::AssertSqlSafe(sql)).bind(actor.id).bind(all).bind(id).fetch_optional(p).await?
        });
        row.ok_or(DbError::NotFound)
    }

    pub async fn create_lead(&self, actor: &Actor, input: &LeadInput) -> Result<Uuid> {
        if let Some(owner) = input.owner_id {
            self.check_writable(actor, Some(owner)).await?;
        }
        let id = new_id();
        let at = now();
        let mut tx = self.begin_write().await?;
        with_tx!(&mut tx, c => {
            sqlx::query(
                "INSERT INTO leads (id, name, company, email, phone, source, status, industry, notes, owner_id, \
                 owned_since, created_at, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, CASE WHEN $10 IS NULL THEN NULL ELSE $11 END, $11, $11)",
            )
            .bind(id)
            .bind(&input.name)
            .bind(&input.company)
            .bind(&input.email)
            .bind(&input.phone)
            .bind(&input.source)
            .bind(&input.status)
            .bind(&input.industry)
            .bind(&input.notes)
            .bind(input.owner_id)
            .bind(at)
            .execute(c)
            .await?;
        });
        let entry = audit::Entry {
            actor: Some(actor.id),
            action: "create",
            entity: "lead",
            entity_id: Some(id),
            summary: format!(
                "{} ({})",
                input.name,
                input.company.as_deref().unwrap_or("-")
            ),
        };
        audit::record(&mut tx, entry, at).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Converts a lead into an account (or links an existing one), a contact and optionally a
    /// deal, in one transaction; the lead is marked converted and points at what it became.
    pub async fn convert_lead(
        &self,
        actor: &Actor,
        id: Uuid,
        conv: &Conversion,
    ) -> Result<Converted> {
        let lead = self.lead(actor, id).await?;
        let owner = lead.owner_id.ok_or(DbError::Conflict("lead_in_pool"))?;
        self.check_writable(actor, Some(owner)).await?;
        if lead.status == "converted" {
            return Err(DbError::Conflict("lead_converted"));
        }
        if let Some(a) = conv.existing_account {
            self.account(actor, a)
                .await
                .map_err(|_| DbError::Conflict("unknown_account"))?;
        }
        if conv
            .deal
            .as_ref()
            .is_some_and(|d| !(0..=crate::deals::MAX_AMOUNT_MINOR).contains(&d.amount_minor))
        {
            return Err(DbError::Conflict("invalid_amount"));
        }
        let stage = match &conv.deal {
            Some(d) => Some(
                self.stages()
                    .await?
                    .into_iter()
                    .find(|s| s.id == d.stage_id)
                    .ok_or(DbError::Conflict("unknown_stage"))?,
            ),
            None => None,
        };
        let at = now();
        let account_id = conv.existing_account.unwrap_or_else(new_id);
        let contact_id = new_id();
        let deal_id = conv.deal.as_ref().map(|_| new_id());
        let mut tx = self.begin_write().await?;
        let before = rollups::facts_of(&mut tx, Source::Lead(id)).await?;
        if conv.existing_account.is_none() {
            with_tx!(&mut tx, c => {
                sqlx::query(
                    "INSERT INTO accounts (id, name, industry, status, tags, notes, owner_id, owned_since, \
                     last_activity_at, created_at, updated_at) VALUES ($1, $2, $3, 'prospect', '', $4, $5, $6, $7, $6, $6)",
                )
                .bind(account_id)
                .bind(&conv.account_name)
                .bind(&lead.industry)
                .bind(&lead.notes)
                .bind(owner)
                .bind(at)
                .bind(lead.last_activity_at)
                .execute(c)
                .await?;
            });
        }
        with_tx!(&mut tx, c => {
            sqlx::query(
                "INSERT INTO contacts (id, account_id, name, phone, email, owner_id, created_at, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $7)",
            )
            .bind(contact_id)
            .bind(account_id)
            .bind(&lead.name)
            .bind(&lead.phone)
            .bind(&lead.email)
            .bind(owner)
            .bind(at)
            .execute(c)
            .await?;
        });
        if let (Some(d), Some(deal_id), Some(stage)) = (&conv.deal, deal_id, &stage) {
            let closed = (stage.category != "open").then_some(at);
            with_tx!(&mut tx, c => {
                sqlx::query(
                    "INSERT INTO deals (id, name, amount_minor, currency, pipeline_id, stage_id, stage_entered_at, \
                     expected_close, closed_at, owner_id, account_id, contact_id, source, created_at, updated_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $7, $7)",
                )
                .bind(deal_id)
                .bind(&d.name)
                .bind(d.amount_minor)
                .bind(&d.currency)
                .bind(stage.pipeline_id)
                .bind(stage.id)
                .bind(at)
                .bind(d.expected_close)
                .bind(closed)
                .bind(owner)
                .bind(account_id)
                .bind(contact_id)
                .bind(&lead.source)
                .execute(&mut *c)
                .await?;
                sqlx::query(
                    "INSERT INTO deal_stage_history (id, deal_id, from_stage_id, to_stage_id, changed_by, at) \
                     VALUES ($1, $2, NULL, $3, $4, $5)",
                )
                .bind(new_id())
                .bind(deal_id)
                .bind(stage.id)
                .bind(actor.id)
                .bind(at)
                .execute(&mut *c)
                .await?;
            });
        }
        // Guarded: of two conversions racing, exactly one changes the row; the other rolls
        // back everything it made.
        let changed = with_tx!(&mut tx, c => {
            sqlx::query(
                "UPDATE leads SET status = 'converted', converted_at = $2, converted_account_id = $3, \
                 converted_contact_id = $4, converted_deal_id = $5, updated_at = $2 \
                 WHERE id = $1 AND status <> 'converted' AND owner_id = $6",
            )
            .bind(id)
            .bind(at)
            .bind(account_id)
            .bind(contact_id)
            .bind(deal_id)
            .bind(owner)
            .execute(c)
            .await?
            .rows_affected()
        });
        if changed != 1 {
            return Err(DbError::Conflict("lead_converted"));
        }
        rollups::settle(&mut tx, Source::Lead(id), before).await?;
        if let Some(deal_id) = deal_id {
            rollups::record(&mut tx, Source::Deal(deal_id)).await?;
        }
        let made = [
            (
                "account",
                conv.existing_account.is_none().then_some(account_id),
            ),
            ("contact", Some(contact_id)),
            ("deal", deal_id),
        ];
        for (entity, made_id) in made {
            if let Some(made_id) = made_id {
                let entry = audit::Entry {
                    actor: Some(actor.id),
                    action: "create",
                    entity,
                    entity_id: Some(made_id),
                    summary: format!("from lead {}", lead.name),
                };
                audit::record(&mut tx, entry, at).await?;
            }
        }
        let entry = audit::Entry {
            actor: Some(actor.id),
            action: "convert",
            entity: "lead",
            entity_id: Some(id),
            summary: format!(
                "{} -> account {account_id}{}",
                lead.name,
                deal_id.map(|d| format!(", deal {d}")).unwrap_or_default()
            ),
        };
        audit::record(&mut tx, entry, at).await?;
        tx.commit().await?;
        Ok(Converted {
            account_id,
            contact_id,
            deal_id,
        })
    }
}
