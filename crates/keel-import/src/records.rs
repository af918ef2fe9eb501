//! The typed records handed to the caller, one per data row.

use chrono::{NaiveDate, NaiveDateTime};

/// One parsed data row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Record {
    Account(AccountRow),
    Contact(ContactRow),
    Lead(LeadRow),
    Deal(DealRow),
    Activity(ActivityRow),
    Person(PersonRow),
}

impl Record {
    /// The spreadsheet row number the record came from.
    pub fn row(&self) -> usize {
        match self {
            Record::Account(r) => r.row,
            Record::Contact(r) => r.row,
            Record::Lead(r) => r.row,
            Record::Deal(r) => r.row,
            Record::Activity(r) => r.row,
            Record::Person(r) => r.row,
        }
    }
}

/// A user referenced by a record (owner, manager); any subset may be known.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PersonRef {
    pub external_id: Option<String>,
    pub email: Option<String>,
    pub name: Option<String>,
}

/// A linked account / contact / deal; the caller resolves it by id, then by name.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RecordRef {
    pub external_id: Option<String>,
    pub name: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountRow {
    pub row: usize,
    pub external_id: Option<String>,
    pub name: String,
    pub industry: Option<String>,
    /// Number of employees.
    pub size: Option<i64>,
    /// An explicit region column, else "City, State" from the billing address.
    pub region: Option<String>,
    pub owner: Option<PersonRef>,
    pub parent: Option<RecordRef>,
    pub tags: Vec<String>,
    pub notes: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContactRow {
    pub row: usize,
    pub external_id: Option<String>,
    /// Full name; built from first + last when needed (Chinese: family + given, no space).
    pub name: String,
    pub title: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub account: Option<RecordRef>,
    pub owner: Option<PersonRef>,
    pub notes: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LeadRow {
    pub row: usize,
    pub external_id: Option<String>,
    pub name: String,
    pub company: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub source: Option<String>,
    pub status: Option<String>,
    pub industry: Option<String>,
    pub owner: Option<PersonRef>,
    pub notes: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DealRow {
    pub row: usize,
    pub external_id: Option<String>,
    pub name: String,
    /// Integer minor units (fen, cents), computed with exact decimal arithmetic.
    pub amount_minor: Option<i64>,
    /// ISO code: from the currency column, else from the amount's symbol.
    pub currency: Option<String>,
    /// After `Options::stage_map`.
    pub stage: Option<String>,
    pub pipeline: Option<String>,
    /// Percent, 0..=100.
    pub probability: Option<u8>,
    pub close_date: Option<NaiveDate>,
    pub created: Option<NaiveDate>,
    pub owner: Option<PersonRef>,
    pub account: Option<RecordRef>,
    pub contact: Option<RecordRef>,
    /// Deal type.
    pub kind: Option<String>,
    pub source: Option<String>,
    pub loss_reason: Option<String>,
    pub is_won: Option<bool>,
    pub is_closed: Option<bool>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActivityRow {
    pub row: usize,
    pub external_id: Option<String>,
    /// One of `call`, `meeting`, `email`, `visit`, `task`.
    pub kind: String,
    pub subject: String,
    pub at: Option<NaiveDateTime>,
    pub due: Option<NaiveDate>,
    pub done: Option<bool>,
    pub owner: Option<PersonRef>,
    pub related: Option<RecordRef>,
    pub notes: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonRow {
    pub row: usize,
    pub external_id: Option<String>,
    pub name: String,
    pub email: Option<String>,
    pub title: Option<String>,
    pub manager: Option<PersonRef>,
    pub role: Option<String>,
}
