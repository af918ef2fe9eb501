//! Bulk loading of historical CRM rows in one transaction: the demo organisation's two years
//! of history, and benchmark datasets. Rows carry their own (past) timestamps; one audit
//! entry records the load as a whole.

use crate::{Db, Result, audit, with_tx};
use chrono::{DateTime, NaiveDate, Utc};
use keel_domain::time::now;
use uuid::Uuid;

pub struct SeedAccount {
    pub id: Uuid,
    pub name: String,
    pub industry: String,
    pub size: i32,
    pub region: String,
    pub status: &'static str,
    pub tags: String,
    pub owner_id: Option<Uuid>,
    pub created_at: DateTime<Utc>,
}

pub struct SeedContact {
    pub id: Uuid,
    pub account_id: Uuid,
    pub name: String,
    pub title: String,
    pub phone: String,
    pub owner_id: Uuid,
    pub created_at: DateTime<Utc>,
}

pub struct SeedLead {
    pub id: Uuid,
    pub name: String,
    pub company: String,
    pub phone: String,
    pub source: &'static str,
    pub status: &'static str,
    pub industry: String,
    pub owner_id: Option<Uuid>,
    pub created_at: DateTime<Utc>,
}

/// A deal and the stages it went through, oldest first (the last is where it is now).
pub struct SeedDeal {
    pub id: Uuid,
    pub name: String,
    pub amount_minor: i64,
    pub account_id: Uuid,
    pub contact_id: Option<Uuid>,
    pub owner_id: Uuid,
    pub product_line: &'static str,
    pub source: &'static str,
    pub expected_close: NaiveDate,
    pub loss_reason: Option<&'static str>,
    pub steps: Vec<(Uuid, DateTime<Utc>)>,
    /// Set when the last step is a won or lost stage.
    pub closed: bool,
}

pub struct SeedActivity {
    pub id: Uuid,
    pub kind: &'static str,
    pub subject: String,
    pub owner_id: Uuid,
    pub at: DateTime<Utc>,
    pub due_date: Option<NaiveDate>,
    pub done_at: Option<DateTime<Utc>>,
    pub account_id: Option<Uuid>,
    pub deal_id: Option<Uuid>,
    pub location: Option<String>,
}

pub struct SeedSatisfaction {
    pub id: Uuid,
    pub kind: &'static str,
    pub score: i32,
    pub comment: Option<String>,
    pub account_id: Uuid,
    pub deal_id: Option<Uuid>,
    pub owner_id: Uuid,
    pub at: DateTime<Utc>,
}

#[derive(Default)]
pub struct CrmSeed {
    pub accounts: Vec<SeedAccount>,
    pub contacts: Vec<SeedContact>,
    pub leads: Vec<SeedLead>,
    pub deals: Vec<SeedDeal>,
    pub activities: Vec<SeedActivity>,
    pub satisfaction: Vec<SeedSatisfaction>,
}

impl Db {
    /// Writes the whole seed in one transaction, keeping each account's last follow-up in step
    /// with its activities.
    pub async fn insert_crm_seed(&self, actor: Uuid, seed: &CrmSeed) -> Result<()> {
        let at = now();
        let mut tx = self.begin_write().await?;
        for a in &seed.accounts {
            with_tx!(&mut tx, c => {
                sqlx::query(
                    "INSERT INTO accounts (id, name, industry, size, region, status, tags, owner_id, owned_since, \
                     created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, \
                     CASE WHEN $8 IS NULL THEN NULL ELSE $9 END, $9, $9)",
                )
                .bind(a.id).bind(&a.name).bind(&a.industry).bind(a.size).bind(&a.region).bind(a.status)
                .bind(&a.tags).bind(a.owner_id).bind(a.created_at)
                .execute(c).await?;
            });
        }
        for p in &seed.contacts {
            with_tx!(&mut tx, c => {
                sqlx::query(
                    "INSERT INTO contacts (id, account_id, name, title, phone, owner_id, created_at, updated_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $7)",
                )
                .bind(p.id).bind(p.account_id).bind(&p.name).bind(&p.title).bind(&p.phone).bind(p.owner_id).bind(p.created_at)
                .execute(c).await?;
            });
        }
        for l in &seed.leads {
            with_tx!(&mut tx, c => {
                sqlx::query(
                    "INSERT INTO leads (id, name, company, phone, source, status, industry, owner_id, owned_since, \
                     created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, \
                     CASE WHEN $8 IS NULL THEN NULL ELSE $9 END, $9, $9)",
                )
                .bind(l.id).bind(&l.name).bind(&l.company).bind(&l.phone).bind(l.source).bind(l.status)
                .bind(&l.industry).bind(l.owner_id).bind(l.created_at)
                .execute(c).await?;
            });
        }
        let stages = self.stages().await?;
        for d in &seed.deals {
            let (Some(first), Some(last)) = (d.steps.first(), d.steps.last()) else {
                continue;
            };
            let Some(stage) = stages.iter().find(|s| s.id == last.0) else {
                continue;
            };
            with_tx!(&mut tx, c => {
                sqlx::query(
                    "INSERT INTO deals (id, name, amount_minor, currency, pipeline_id, stage_id, stage_entered_at, \
                     expected_close, closed_at, owner_id, account_id, contact_id, product_line, source, loss_reason, \
                     created_at, updated_at) VALUES ($1, $2, $3, 'CNY', $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $6)",
                )
                .bind(d.id).bind(&d.name).bind(d.amount_minor).bind(stage.pipeline_id).bind(stage.id).bind(last.1)
                .bind(d.expected_close).bind(d.closed.then_some(last.1)).bind(d.owner_id).bind(d.account_id)
                .bind(d.contact_id).bind(d.product_line).bind(d.source).bind(d.loss_reason).bind(first.1)
                .execute(c).await?;
            });
            let mut from: Option<Uuid> = None;
            for (to, when) in &d.steps {
                with_tx!(&mut tx, c => {
                    sqlx::query(
                        "INSERT INTO deal_stage_history (id, deal_id, from_stage_id, to_stage_id, changed_by, at) \
                         VALUES ($1, $2, $3, $4, $5, $6)",
                    )
                    .bind(keel_domain::ids::new_id()).bind(d.id).bind(from).bind(to).bind(d.owner_id).bind(when)
                    .execute(c).await?;
                });
                from = Some(*to);
            }
        }
        for a in &seed.activities {
            let check_in = (a.kind == "visit").then_some(a.at);
            let check_out = (a.kind == "visit").then(|| a.at + chrono::TimeDelta::minutes(90));
            with_tx!(&mut tx, c => {
                sqlx::query(
                    "INSERT INTO activities (id, kind, subject, owner_id, at, due_date, done_at, account_id, deal_id, \
                     check_in_at, check_out_at, location, created_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $5)",
                )
                .bind(a.id).bind(a.kind).bind(&a.subject).bind(a.owner_id).bind(a.at).bind(a.due_date).bind(a.done_at)
                .bind(a.account_id).bind(a.deal_id).bind(check_in).bind(check_out).bind(&a.location)
                .execute(c).await?;
            });
        }
        for s in &seed.satisfaction {
            with_tx!(&mut tx, c => {
                sqlx::query(
                    "INSERT INTO satisfaction (id, kind, score, comment, account_id, deal_id, owner_id, at, created_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8)",
                )
                .bind(s.id).bind(s.kind).bind(s.score).bind(&s.comment).bind(s.account_id).bind(s.deal_id)
                .bind(s.owner_id).bind(s.at)
                .execute(c).await?;
            });
        }
        // Each account's latest follow-up, for the pool's return rule.
        with_tx!(&mut tx, c => {
            sqlx::query(
                "UPDATE accounts SET last_activity_at = (SELECT MAX(x.at) FROM activities x WHERE x.account_id = accounts.id \
                 AND x.at <= $1)",
            )
            .bind(at)
            .execute(c)
            .await?;
        });
        let entry = audit::Entry {
            actor: Some(actor),
            action: "create",
            entity: "crm_history",
            entity_id: None,
            summary: format!(
                "{} accounts, {} contacts, {} leads, {} deals, {} activities, {} satisfaction responses",
                seed.accounts.len(),
                seed.contacts.len(),
                seed.leads.len(),
                seed.deals.len(),
                seed.activities.len(),
                seed.satisfaction.len()
            ),
        };
        audit::record(&mut tx, entry, at).await?;
        crate::rollups::rebuild_in(&mut tx, self.backend()).await?;
        tx.commit().await
    }
}
