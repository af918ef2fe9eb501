//! The CRM area: accounts, deals and the pipeline board, activities and "my day".

use super::{Choice, Chrome, Field};
use askama::Template;

/// One line of a record's timeline.
pub struct TimelineEntry {
    pub kind: String,
    pub kind_label: String,
    pub subject: String,
    pub when: String,
    pub owner: String,
    pub detail: String,
    /// The activity's id, when it is an open task or a visit not yet checked out.
    pub completable: Option<String>,
    pub complete_label: String,
}

/// The quick-add form under a record's timeline.
pub struct QuickAdd {
    pub back: String,
    pub account_id: Option<String>,
    pub deal_id: Option<String>,
    pub lead_id: Option<String>,
    pub kinds: Vec<Choice>,
}

/// A column header of a list; sortable columns link to their sort.
pub struct SortHeader {
    pub label: String,
    pub href: Option<String>,
    /// `ascending` or `descending` when the list is sorted by this column.
    pub current: Option<&'static str>,
    pub class: &'static str,
}

impl SortHeader {
    pub fn arrow(&self) -> &'static str {
        match self.current {
            Some("descending") => "↓",
            Some(_) => "↑",
            None => "",
        }
    }
}

pub struct AccountLine {
    pub id: String,
    pub claimable: bool,
    pub name: String,
    pub tags: Vec<String>,
    pub industry: String,
    pub region: String,
    pub status: String,
    pub owner: String,
    pub last_activity: String,
}

#[derive(Template)]
#[template(path = "crm/accounts.html")]
pub struct AccountsPage {
    pub chrome: Chrome,
    /// The export link: the same filters and sort as the list.
    pub export: String,
    pub headers: Vec<SortHeader>,
    pub sorts: Vec<Choice>,
    /// The shared pool of accounts rather than the account list.
    pub pool: bool,
    pub rules: Option<String>,
    pub error: Option<String>,
    pub q: String,
    pub statuses: Vec<Choice>,
    pub mine: bool,
    pub rows: Vec<AccountLine>,
    pub next: Option<String>,
}

pub struct AccountView {
    pub id: String,
    pub name: String,
    pub status: String,
    pub tags: Vec<String>,
    pub industry: String,
    pub size: String,
    pub region: String,
    pub owner: String,
    pub parent: Option<(String, String)>,
    pub notes: String,
}

pub struct DealLine {
    pub id: String,
    pub name: String,
    pub stage: String,
    pub amount: String,
}

#[derive(Template)]
#[template(path = "crm/account.html")]
pub struct AccountPage {
    pub chrome: Chrome,
    pub a: AccountView,
    pub can_edit: bool,
    /// Who the account can be given to (empty when the person may not reassign it).
    pub owners: Vec<Choice>,
    pub owner_action: String,
    /// Unowned: anyone may claim it.
    pub in_pool: bool,
    pub notice: Option<String>,
    pub error: Option<String>,
    pub contacts: Vec<ContactLine>,
    /// "CSAT 4.33 (3) · NPS 25 (4)", when there are responses.
    pub satisfaction: Option<String>,
    pub deals: Vec<DealLine>,
    pub quick_add: Option<QuickAdd>,
    pub timeline: Vec<TimelineEntry>,
}

/// The form for creating or editing an account or a deal.
#[derive(Template)]
#[template(path = "crm/form.html")]
pub struct RecordFormPage {
    pub chrome: Chrome,
    pub heading: String,
    pub action: String,
    pub cancel: String,
    pub fields: Vec<Field>,
    pub error: Option<String>,
}

pub struct DealRow {
    pub id: String,
    pub name: String,
    pub account: Option<(String, String)>,
    pub stage: String,
    pub category: String,
    pub amount: String,
    pub close: String,
    pub owner: String,
}

#[derive(Template)]
#[template(path = "crm/deals.html")]
pub struct DealsPage {
    pub chrome: Chrome,
    /// The export link: the same filters and sort as the list.
    pub export: String,
    pub headers: Vec<SortHeader>,
    pub sorts: Vec<Choice>,
    pub q: String,
    pub stages: Vec<Choice>,
    pub pipelines: Vec<Choice>,
    pub open_only: bool,
    pub mine: bool,
    pub rows: Vec<DealRow>,
    pub next: Option<String>,
}

pub struct BoardCard {
    pub id: String,
    pub name: String,
    pub account: String,
    pub amount: String,
    pub owner: String,
    pub can_move: bool,
    pub moves: Vec<Choice>,
}

pub struct BoardColumnView {
    pub id: String,
    pub name: String,
    pub probability: i32,
    pub category: String,
    pub count: String,
    pub amount: String,
    pub weighted: String,
    pub deals: Vec<BoardCard>,
    /// Deals in the stage beyond those shown.
    pub hidden: i64,
    pub more_label: String,
}

#[derive(Template)]
#[template(path = "crm/board.html")]
pub struct BoardPage {
    pub chrome: Chrome,
    pub mine: bool,
    /// The pipelines to choose from (empty when there is only one) and the one shown.
    pub pipelines: Vec<Choice>,
    pub pipeline_id: String,
    pub columns: Vec<BoardColumnView>,
}

pub struct DealView {
    pub id: String,
    pub name: String,
    pub stage: String,
    pub category: String,
    pub amount: String,
    pub account: Option<(String, String)>,
    pub close: String,
    pub owner: String,
    pub probability: i32,
    pub weighted: String,
    pub product_line: String,
    pub loss_reason: String,
}

#[derive(Template)]
#[template(path = "crm/deal.html")]
pub struct DealPage {
    pub chrome: Chrome,
    pub d: DealView,
    pub can_edit: bool,
    /// Who the deal can be given to (empty when the person may not reassign it).
    pub owners: Vec<Choice>,
    pub owner_action: String,
    pub moves: Vec<Choice>,
    pub notice: Option<String>,
    /// (when, what, who)
    pub history: Vec<(String, String, String)>,
    pub quick_add: Option<QuickAdd>,
    pub timeline: Vec<TimelineEntry>,
}

#[derive(Template)]
#[template(path = "crm/today.html")]
pub struct TodayPage {
    pub chrome: Chrome,
    pub date: String,
    pub timeline: Vec<TimelineEntry>,
}

pub struct ContactLine {
    pub name: String,
    pub title: String,
    pub phone: String,
    pub email: String,
}

pub struct LeadLine {
    pub id: String,
    pub name: String,
    pub company: String,
    pub status: String,
    pub source: String,
    pub owner: String,
    pub claimable: bool,
}

/// The lead list, and the shared pool of leads (`pool`).
#[derive(Template)]
#[template(path = "crm/leads.html")]
pub struct LeadsPage {
    pub chrome: Chrome,
    /// The export link: the same filters and sort as the list.
    pub export: String,
    pub headers: Vec<SortHeader>,
    pub sorts: Vec<Choice>,
    pub mine: bool,
    pub heading: String,
    pub pool: bool,
    pub action: String,
    pub q: String,
    pub rules: Option<String>,
    pub notice: Option<String>,
    pub error: Option<String>,
    pub rows: Vec<LeadLine>,
    pub next: Option<String>,
}

#[derive(Template)]
#[template(path = "crm/lead.html")]
pub struct LeadPage {
    pub chrome: Chrome,
    pub id: String,
    pub name: String,
    pub status: String,
    pub company: String,
    /// (label, value)
    pub facts: Vec<(String, String)>,
    pub converted: Option<String>,
    pub in_pool: bool,
    pub can_edit: bool,
    pub can_convert: bool,
    /// Who the lead can be given to (empty when the person may not reassign it).
    pub owners: Vec<Choice>,
    pub owner_action: String,
    pub stages: Vec<Choice>,
    pub notice: Option<String>,
    pub error: Option<String>,
    pub quick_add: Option<QuickAdd>,
    pub timeline: Vec<TimelineEntry>,
}

pub struct PoolKindForm {
    pub kind: String,
    pub title: String,
    /// (field name, label, value)
    pub fields: Vec<(String, String, i32)>,
}

/// Admin settings of the CRM: pool rules and per-module visibility.
#[derive(Template)]
#[template(path = "crm/pool_rules.html")]
pub struct CrmSettingsPage {
    pub chrome: Chrome,
    /// The pipelines (the one being edited selected), and its id and stages in board order.
    pub pipelines: Vec<Choice>,
    pub pipeline_id: String,
    pub stages: Vec<StageRow>,
    pub kinds: Vec<PoolKindForm>,
    /// value = module, label, selected = public read
    pub modules: Vec<Choice>,
    pub notice: Option<String>,
    pub error: Option<String>,
}

pub struct StageRow {
    pub id: String,
    pub name: String,
    pub name_en: String,
    pub probability: i32,
    pub category: String,
}

/// What an import (or its dry run) found.
pub struct ImportResult {
    pub heading: String,
    pub summary: String,
    pub unmapped: Vec<String>,
    /// (row, column, message)
    pub problems: Vec<(String, String, String)>,
}

#[derive(Template)]
#[template(path = "crm/import.html")]
pub struct ImportPage {
    pub chrome: Chrome,
    pub sources: Vec<Choice>,
    pub entities: Vec<Choice>,
    pub map: String,
    pub stage_map: String,
    pub error: Option<String>,
    pub result: Option<ImportResult>,
}

pub struct ContactRow {
    pub name: String,
    pub title: String,
    /// (id, name)
    pub account: Option<(String, String)>,
    pub phone: String,
    pub email: String,
    pub owner: String,
}

#[derive(Template)]
#[template(path = "crm/contacts.html")]
pub struct ContactsPage {
    pub chrome: Chrome,
    /// The export link: the same filters and sort as the list.
    pub export: String,
    pub headers: Vec<SortHeader>,
    pub sorts: Vec<Choice>,
    pub q: String,
    pub rows: Vec<ContactRow>,
    pub next: Option<String>,
}

pub struct ActivityRow {
    pub kind: String,
    pub kind_label: String,
    pub subject: String,
    pub when: String,
    pub owner: String,
    /// (link, name) of what it is about.
    pub about: Option<(String, String)>,
    /// Tasks: due date and state label.
    pub due: String,
    pub state: String,
    pub overdue: bool,
    /// The id, when it is an open task or a visit not yet checked out and the person may
    /// change it.
    pub completable: Option<String>,
    pub complete_label: String,
}

/// Every activity the person may see, filtered.
#[derive(Template)]
#[template(path = "crm/activities.html")]
pub struct ActivitiesPage {
    pub chrome: Chrome,
    pub export: String,
    pub q: String,
    pub kinds: Vec<Choice>,
    pub owners: Vec<Choice>,
    pub states: Vec<Choice>,
    pub from: String,
    pub to: String,
    pub error: Option<String>,
    pub rows: Vec<ActivityRow>,
    pub next: Option<String>,
    /// Where "complete" comes back to.
    pub back: String,
}

pub struct ResponseRow {
    pub kind: String,
    pub score: i32,
    /// (link, name)
    pub account: (String, String),
    pub owner: String,
    pub comment: String,
    pub when: String,
}

/// CSAT and NPS answers the person may see, filtered, with their summary.
#[derive(Template)]
#[template(path = "crm/satisfaction.html")]
pub struct SatisfactionPage {
    pub chrome: Chrome,
    pub kinds: Vec<Choice>,
    pub owners: Vec<Choice>,
    pub accounts: Vec<Choice>,
    pub min: String,
    pub max: String,
    /// "CSAT 4.33 (3) · NPS 25 (4)", or a note that there is nothing yet.
    pub summary: String,
    pub error: Option<String>,
    pub rows: Vec<ResponseRow>,
    pub next: Option<String>,
}
