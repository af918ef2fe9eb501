//! Export: the rows of a CRM list that a person may see, page by page, typed per cell so each
//! file format writes it natively, with the generic import dialect's columns so that an
//! exported file imports back.

use crate::accounts::AccountQuery;
use crate::activities::{ActivityQuery, TaskState};
use crate::contacts::ContactQuery;
use crate::deals::DealQuery;
use crate::sort::{Cursor, Key};
use crate::visibility::Actor;
use crate::{Db, DbError, Result, with_pool};
use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use keel_domain::time::Zone;
use keel_import::Entity;
use std::collections::HashMap;
use uuid::Uuid;

/// One cell of an exported row, typed so that each file format writes it natively.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExportValue {
    Empty,
    Text(String),
    Integer(i64),
    /// Minor units; written as major units with two decimals.
    Money(i64),
    Date(NaiveDate),
    /// The organisation's local time (what an import reads back from a time without offset).
    DateTime(NaiveDateTime),
    Bool(bool),
}

impl ExportValue {
    fn text(value: Option<String>) -> ExportValue {
        value.map_or(ExportValue::Empty, ExportValue::Text)
    }

    /// The cell as text: money as `1234.50`, dates ISO, times local to the second.
    pub fn to_text(&self) -> String {
        match self {
            ExportValue::Empty => String::new(),
            ExportValue::Text(t) => t.clone(),
            ExportValue::Integer(n) => n.to_string(),
            ExportValue::Money(minor) => major_units(*minor),
            ExportValue::Date(d) => d.format("%Y-%m-%d").to_string(),
            ExportValue::DateTime(t) => t.format("%Y-%m-%d %H:%M:%S").to_string(),
            ExportValue::Bool(b) => b.to_string(),
        }
    }
}

/// Minor units as major units with two decimals: `123450` -> `1234.50`.
pub fn major_units(minor: i64) -> String {
    let sign = if minor < 0 { "-" } else { "" };
    let abs = minor.unsigned_abs();
    format!("{sign}{}.{:02}", abs / 100, abs % 100)
}

/// The header row of an export: the generic dialect's field names, so that
/// `keel import --source csv` maps every column back.
pub fn export_columns(entity: Entity) -> &'static [&'static str] {
    match entity {
        Entity::Accounts => &[
            "external_id",
            "name",
            "industry",
            "size",
            "region",
            "tags",
            "parent.id",
            "parent",
            "owner.email",
            "owner",
            "notes",
        ],
        Entity::Contacts => &[
            "external_id",
            "name",
            "title",
            "phone",
            "email",
            "account.id",
            "account",
            "owner.email",
            "owner",
            "notes",
        ],
        Entity::Leads => &[
            "external_id",
            "name",
            "company",
            "email",
            "phone",
            "source",
            "status",
            "industry",
            "owner.email",
            "owner",
            "notes",
        ],
        Entity::Deals => &[
            "external_id",
            "name",
            "amount",
            "currency",
            "stage",
            "close_date",
            "created",
            "owner.email",
            "owner",
            "account.id",
            "account",
            "contact.id",
            "contact",
            "kind",
            "source",
            "loss_reason",
        ],
        Entity::Activities => &[
            "external_id",
            "kind",
            "subject",
            "at",
            "due",
            "done",
            "related.id",
            "related",
            "owner.email",
            "owner",
            "notes",
        ],
        Entity::People => &[],
    }
}

/// A page of exported rows, in [`export_columns`] order, and where the next page starts.
#[derive(Debug, Clone, Default)]
pub struct ExportPage {
    pub rows: Vec<Vec<ExportValue>>,
    /// The last row's id when more follow: pass it back as `after` to [`Db::export_page`].
    pub next: Option<Uuid>,
    /// The same place as a cursor of the filtered, sorted export ([`Db::export_page_filtered`]).
    pub cursor: Option<Cursor>,
}

impl ExportPage {
    fn new(rows: Vec<Vec<ExportValue>>, cursor: Option<Cursor>) -> ExportPage {
        ExportPage {
            rows,
            next: cursor.as_ref().map(|c| c.id),
            cursor,
        }
    }
}

const EXPORT_PAGE: u32 = 500;

/// A row's id for other systems: the one it was imported with, else our own.
fn external(stored: Option<String>, id: Uuid) -> ExportValue {
    ExportValue::Text(stored.unwrap_or_else(|| id.to_string()))
}

fn linked(stored: Option<String>, id: Option<Uuid>) -> ExportValue {
    match id {
        Some(id) => external(stored, id),
        None => ExportValue::Empty,
    }
}

/// The filters and sort of a list view, so that its export button exports exactly the rows
/// the list shows, in the same order.
#[derive(Debug, Clone, Default)]
pub struct ExportFilter {
    pub search: Option<String>,
    pub owner: Option<Uuid>,
    /// Accounts.
    pub status: Option<String>,
    /// Deals.
    pub stage: Option<Uuid>,
    pub pipeline: Option<Uuid>,
    pub open_only: bool,
    /// A sort of the entity's list (`crate::sort`); empty for its default.
    pub sort: String,
    /// Activities: kind, task state, date range (the organisation's local days, inclusive)
    /// and today.
    pub kind: Option<String>,
    pub state: Option<TaskState>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    pub today: Option<NaiveDate>,
}

impl Db {
    /// A page of the rows of `entity` that `actor` may see (the list views' rule), starting
    /// after `after` (the previous page's `next`). People are not exported.
    pub async fn export_page(
        &self,
        actor: &Actor,
        entity: Entity,
        after: Option<Uuid>,
    ) -> Result<ExportPage> {
        let after = after.map(|id| Cursor {
            key: Key::Lookup,
            id,
        });
        self.export_page_filtered(actor, entity, after, &ExportFilter::default())
            .await
    }

    /// Like [`Db::export_page`], narrowed and sorted like a list view; `after` is the
    /// previous page's `cursor`.
    pub async fn export_page_filtered(
        &self,
        actor: &Actor,
        entity: Entity,
        after: Option<Cursor>,
        filter: &ExportFilter,
    ) -> Result<ExportPage> {
        match entity {
            Entity::Accounts => self.export_accounts(actor, after, filter).await,
            Entity::Deals => self.export_deals(actor, after, filter).await,
            Entity::Contacts => self.export_contacts(actor, after, filter).await,
            Entity::Leads => self.export_leads(actor, after, filter).await,
            Entity::Activities => self.export_activities(actor, after, filter).await,
            Entity::People => Err(DbError::Unsupported(
                "people are not exported; the directory lists them".into(),
            )),
        }
    }

    /// Rows of `select` (which names its main table `x`) whose id is one of `ids`, in the
    /// order of `ids`.
    async fn rows_by_id<T>(&self, select: &str, ids: &[Uuid]) -> Result<Vec<T>>
    where
        T: HasId
            + Send
            + Unpin
            + for<'r> sqlx::FromRow<'r, sqlx::sqlite::SqliteRow>
            + for<'r> sqlx::FromRow<'r, sqlx::postgres::PgRow>,
    {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let rows: Vec<T> = with_pool!(self, p => {
            let mut q = sqlx::QueryBuilder::new(format!("{select} WHERE 1 = 1"));
            crate::sql::and_in(&mut q, "x.id", Some(ids));
            q.build_query_as::<T>().fetch_all(p).await?
        });
        let mut found: HashMap<Uuid, T> = rows.into_iter().map(|r| (r.id(), r)).collect();
        Ok(ids.iter().filter_map(|id| found.remove(id)).collect())
    }

    async fn export_accounts(
        &self,
        actor: &Actor,
        after: Option<Cursor>,
        filter: &ExportFilter,
    ) -> Result<ExportPage> {
        let q = AccountQuery {
            search: filter.search.clone(),
            owner: filter.owner,
            status: filter.status.clone(),
            sort: filter.sort.clone(),
            after,
            limit: EXPORT_PAGE,
            ..AccountQuery::default()
        };
        let (accounts, cursor) = self.accounts(actor, &q).await?;
        let ids: Vec<Uuid> = accounts.iter().map(|a| a.id).collect();
        let mut extra: HashMap<Uuid, AccountExtra> = self
            .rows_by_id::<AccountExtra>(
                "SELECT x.id, x.external_id, pa.external_id AS parent_external_id, \
                 o.email AS owner_email FROM accounts x LEFT JOIN accounts pa ON pa.id = x.parent_id \
                 LEFT JOIN people o ON o.id = x.owner_id",
                &ids,
            )
            .await?
            .into_iter()
            .map(|e| (e.id, e))
            .collect();
        let rows = accounts
            .into_iter()
            .map(|a| {
                // A row deleted between the two reads loses only its extra columns.
                let e = extra.remove(&a.id).unwrap_or_default();
                vec![
                    external(e.external_id, a.id),
                    ExportValue::Text(a.name),
                    ExportValue::text(a.industry),
                    a.size
                        .map_or(ExportValue::Empty, |n| ExportValue::Integer(n.into())),
                    ExportValue::text(a.region),
                    ExportValue::text(Some(a.tags).filter(|t| !t.is_empty())),
                    linked(e.parent_external_id, a.parent_id),
                    ExportValue::text(a.parent_name),
                    ExportValue::text(e.owner_email),
                    ExportValue::text(a.owner_name),
                    ExportValue::text(a.notes),
                ]
            })
            .collect();
        Ok(ExportPage::new(rows, cursor))
    }

    async fn export_deals(
        &self,
        actor: &Actor,
        after: Option<Cursor>,
        filter: &ExportFilter,
    ) -> Result<ExportPage> {
        let q = DealQuery {
            search: filter.search.clone(),
            owner: filter.owner,
            stage: filter.stage,
            pipeline: filter.pipeline,
            open_only: filter.open_only,
            sort: filter.sort.clone(),
            after,
            limit: EXPORT_PAGE,
            ..DealQuery::default()
        };
        let (deals, cursor) = self.deals(actor, &q).await?;
        let zone = self.org_zone().await?;
        let ids: Vec<Uuid> = deals.iter().map(|d| d.id).collect();
        let mut extra: HashMap<Uuid, DealExtra> = self
            .rows_by_id::<DealExtra>(
                "SELECT x.id, x.external_id, a.external_id AS account_external_id, \
                 c.external_id AS contact_external_id, c.name AS contact_name, \
                 o.email AS owner_email FROM deals x LEFT JOIN accounts a ON a.id = x.account_id \
                 LEFT JOIN contacts c ON c.id = x.contact_id LEFT JOIN people o ON o.id = x.owner_id",
                &ids,
            )
            .await?
            .into_iter()
            .map(|e| (e.id, e))
            .collect();
        let rows = deals
            .into_iter()
            .map(|d| {
                let e = extra.remove(&d.id).unwrap_or_default();
                vec![
                    external(e.external_id, d.id),
                    ExportValue::Text(d.name),
                    ExportValue::Money(d.amount_minor),
                    ExportValue::Text(d.currency),
                    ExportValue::Text(d.stage_name),
                    d.expected_close
                        .map_or(ExportValue::Empty, ExportValue::Date),
                    ExportValue::Date(zone.day_of(d.created_at)),
                    ExportValue::text(e.owner_email),
                    ExportValue::Text(d.owner_name),
                    linked(e.account_external_id, d.account_id),
                    ExportValue::text(d.account_name),
                    linked(e.contact_external_id, d.contact_id),
                    ExportValue::text(e.contact_name),
                    ExportValue::text(d.kind),
                    ExportValue::text(d.source),
                    ExportValue::text(d.loss_reason),
                ]
            })
            .collect();
        Ok(ExportPage::new(rows, cursor))
    }

    async fn export_contacts(
        &self,
        actor: &Actor,
        after: Option<Cursor>,
        filter: &ExportFilter,
    ) -> Result<ExportPage> {
        let q = ContactQuery {
            search: filter.search.clone(),
            sort: filter.sort.clone(),
            after,
            limit: EXPORT_PAGE,
        };
        let (contacts, cursor) = self.contacts(actor, &q).await?;
        let ids: Vec<Uuid> = contacts.iter().map(|c| c.id).collect();
        let rows = self
            .rows_by_id::<ContactExport>(
                "SELECT x.id, x.external_id, x.name, x.title, x.phone, x.email, x.notes, \
                 x.account_id, a.external_id AS account_external_id, a.name AS account_name, \
                 o.email AS owner_email, o.name AS owner_name FROM contacts x \
                 JOIN people o ON o.id = x.owner_id LEFT JOIN accounts a ON a.id = x.account_id",
                &ids,
            )
            .await?
            .into_iter()
            .map(|c| {
                vec![
                    external(c.external_id, c.id),
                    ExportValue::Text(c.name),
                    ExportValue::text(c.title),
                    ExportValue::text(c.phone),
                    ExportValue::text(c.email),
                    linked(c.account_external_id, c.account_id),
                    ExportValue::text(c.account_name),
                    ExportValue::text(c.owner_email),
                    ExportValue::Text(c.owner_name),
                    ExportValue::text(c.notes),
                ]
            })
            .collect();
        Ok(ExportPage::new(rows, cursor))
    }

    async fn export_leads(
        &self,
        actor: &Actor,
        after: Option<Cursor>,
        filter: &ExportFilter,
    ) -> Result<ExportPage> {
        let q = crate::leads::LeadQuery {
            search: filter.search.clone(),
            owner: filter.owner,
            sort: filter.sort.clone(),
            after,
            limit: EXPORT_PAGE,
            ..Default::default()
        };
        let (leads, cursor) = self.leads(actor, &q).await?;
        let ids: Vec<Uuid> = leads.iter().map(|l| l.id).collect();
        let rows = self
            .rows_by_id::<LeadExport>(
                "SELECT x.id, x.external_id, x.name, x.company, x.email, x.phone, x.source, \
                 x.status, x.industry, x.notes, o.email AS owner_email, o.name AS owner_name \
                 FROM leads x LEFT JOIN people o ON o.id = x.owner_id",
                &ids,
            )
            .await?
            .into_iter()
            .map(lead_row)
            .collect();
        Ok(ExportPage::new(rows, cursor))
    }

    async fn export_activities(
        &self,
        actor: &Actor,
        after: Option<Cursor>,
        filter: &ExportFilter,
    ) -> Result<ExportPage> {
        let q = ActivityQuery {
            search: filter.search.clone(),
            kind: filter.kind.clone(),
            owner: filter.owner,
            state: filter.state,
            from: filter.from,
            to: filter.to,
            today: match filter.today {
                Some(today) => today,
                None => self.org_zone().await?.today(),
            },
            after,
            limit: EXPORT_PAGE,
            ..Default::default()
        };
        let (activities, cursor) = self.activity_list(actor, &q).await?;
        let zone = self.org_zone().await?;
        let ids: Vec<Uuid> = activities.iter().map(|a| a.id).collect();
        let rows = self
            .rows_by_id::<ActivityExport>(
                "SELECT x.id, x.external_id, x.kind, x.subject, x.at, x.due_date, x.done_at, \
                 x.notes, o.email AS owner_email, o.name AS owner_name, \
                 x.deal_id, d.external_id AS deal_external_id, d.name AS deal_name, \
                 x.account_id, a.external_id AS account_external_id, a.name AS account_name, \
                 x.contact_id, c.external_id AS contact_external_id, c.name AS contact_name, \
                 x.lead_id, l.external_id AS lead_external_id, l.name AS lead_name \
                 FROM activities x JOIN people o ON o.id = x.owner_id \
                 LEFT JOIN deals d ON d.id = x.deal_id LEFT JOIN accounts a ON a.id = x.account_id \
                 LEFT JOIN contacts c ON c.id = x.contact_id LEFT JOIN leads l ON l.id = x.lead_id",
                &ids,
            )
            .await?
            .into_iter()
            .map(|a| a.into_row(zone))
            .collect();
        Ok(ExportPage::new(rows, cursor))
    }
}

trait HasId {
    fn id(&self) -> Uuid;
}

macro_rules! has_id {
    ($($t:ty),*) => {
        $(impl HasId for $t {
            fn id(&self) -> Uuid {
                self.id
            }
        })*
    };
}

has_id!(
    AccountExtra,
    DealExtra,
    ContactExport,
    LeadExport,
    ActivityExport
);

#[derive(sqlx::FromRow, Default)]
struct AccountExtra {
    id: Uuid,
    external_id: Option<String>,
    parent_external_id: Option<String>,
    owner_email: Option<String>,
}

#[derive(sqlx::FromRow, Default)]
struct DealExtra {
    id: Uuid,
    external_id: Option<String>,
    account_external_id: Option<String>,
    contact_external_id: Option<String>,
    contact_name: Option<String>,
    owner_email: Option<String>,
}

#[derive(sqlx::FromRow)]
struct ContactExport {
    id: Uuid,
    external_id: Option<String>,
    name: String,
    title: Option<String>,
    phone: Option<String>,
    email: Option<String>,
    notes: Option<String>,
    account_id: Option<Uuid>,
    account_external_id: Option<String>,
    account_name: Option<String>,
    owner_email: Option<String>,
    owner_name: String,
}

/// One exported lead, in `export_columns(Entity::Leads)` order.
fn lead_row(l: LeadExport) -> Vec<ExportValue> {
    vec![
        external(l.external_id, l.id),
        ExportValue::Text(l.name),
        ExportValue::text(l.company),
        ExportValue::text(l.email),
        ExportValue::text(l.phone),
        ExportValue::text(l.source),
        ExportValue::Text(l.status),
        ExportValue::text(l.industry),
        ExportValue::text(l.owner_email),
        ExportValue::text(l.owner_name),
        ExportValue::text(l.notes),
    ]
}

#[derive(sqlx::FromRow)]
struct LeadExport {
    id: Uuid,
    external_id: Option<String>,
    name: String,
    company: Option<String>,
    email: Option<String>,
    phone: Option<String>,
    source: Option<String>,
    status: String,
    industry: Option<String>,
    notes: Option<String>,
    owner_email: Option<String>,
    owner_name: Option<String>,
}

#[derive(sqlx::FromRow)]
struct ActivityExport {
    id: Uuid,
    external_id: Option<String>,
    kind: String,
    subject: String,
    at: DateTime<Utc>,
    due_date: Option<NaiveDate>,
    done_at: Option<DateTime<Utc>>,
    notes: Option<String>,
    owner_email: Option<String>,
    owner_name: String,
    deal_id: Option<Uuid>,
    deal_external_id: Option<String>,
    deal_name: Option<String>,
    account_id: Option<Uuid>,
    account_external_id: Option<String>,
    account_name: Option<String>,
    contact_id: Option<Uuid>,
    contact_external_id: Option<String>,
    contact_name: Option<String>,
    lead_id: Option<Uuid>,
    lead_external_id: Option<String>,
    lead_name: Option<String>,
}

impl ActivityExport {
    /// What the activity is about, most specific first: the order an import tries links in.
    fn related(&self) -> (ExportValue, ExportValue) {
        let candidates = [
            (self.deal_id, &self.deal_external_id, &self.deal_name),
            (
                self.account_id,
                &self.account_external_id,
                &self.account_name,
            ),
            (
                self.contact_id,
                &self.contact_external_id,
                &self.contact_name,
            ),
            (self.lead_id, &self.lead_external_id, &self.lead_name),
        ];
        candidates
            .into_iter()
            .find(|(id, _, _)| id.is_some())
            .map_or(
                (ExportValue::Empty, ExportValue::Empty),
                |(id, ext, name)| (linked(ext.clone(), id), ExportValue::text(name.clone())),
            )
    }

    fn into_row(self, zone: Zone) -> Vec<ExportValue> {
        let (related_id, related_name) = self.related();
        vec![
            external(self.external_id, self.id),
            ExportValue::Text(self.kind),
            ExportValue::Text(self.subject),
            ExportValue::DateTime(zone.local(self.at).naive_local()),
            self.due_date.map_or(ExportValue::Empty, ExportValue::Date),
            ExportValue::Bool(self.done_at.is_some()),
            related_id,
            related_name,
            ExportValue::text(self.owner_email),
            ExportValue::Text(self.owner_name),
            ExportValue::text(self.notes),
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_in_major_units() {
        assert_eq!(major_units(123_450), "1234.50");
        assert_eq!(major_units(5), "0.05");
        assert_eq!(major_units(0), "0.00");
        assert_eq!(major_units(-199), "-1.99");
        assert_eq!(major_units(i64::MIN), "-92233720368547758.08");
    }
}
