//! What the caller tells us about a file: where it came from and what it holds.

use std::str::FromStr;

/// The CRM that produced the export; decides which header names are understood.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Source {
    Zoho,
    Salesforce,
    Hubspot,
    /// Our own field names (English), common Chinese headers, plus `Options::map`.
    Generic,
}

/// The kind of record every row of the file describes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Entity {
    Accounts,
    Contacts,
    Leads,
    Deals,
    Activities,
    /// Users / sales people (owners, managers).
    People,
}

/// How to read one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Options {
    pub source: Source,
    pub entity: Entity,
    /// `(source header, target field)` pairs; they override the dialect for that header.
    /// Targets are record field names (`owner`, `close_date`, ...); reference fields also
    /// take `.id` / `.name` / `.email` (e.g. `owner.email`); helpers `first_name`,
    /// `last_name`, `city`, `state`, `status`, `amount` exist too. An empty target or
    /// `-` ignores the column.
    pub map: Vec<(String, String)>,
    /// `(source stage, our stage)` pairs, matched case-insensitively.
    pub stage_map: Vec<(String, String)>,
}

impl Source {
    pub const ALL: [Source; 4] = [
        Source::Zoho,
        Source::Salesforce,
        Source::Hubspot,
        Source::Generic,
    ];
}

impl Entity {
    pub const ALL: [Entity; 6] = [
        Entity::Accounts,
        Entity::Contacts,
        Entity::Leads,
        Entity::Deals,
        Entity::Activities,
        Entity::People,
    ];
}

impl Options {
    pub fn new(source: Source, entity: Entity) -> Options {
        Options {
            source,
            entity,
            map: Vec::new(),
            stage_map: Vec::new(),
        }
    }
}

impl FromStr for Source {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_lowercase().as_str() {
            "zoho" => Ok(Source::Zoho),
            "salesforce" | "sfdc" => Ok(Source::Salesforce),
            "hubspot" => Ok(Source::Hubspot),
            "generic" | "csv" => Ok(Source::Generic),
            _ => Err(format!("unknown source {s:?}")),
        }
    }
}

impl FromStr for Entity {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_lowercase().as_str() {
            "accounts" | "account" | "companies" => Ok(Entity::Accounts),
            "contacts" | "contact" => Ok(Entity::Contacts),
            "leads" | "lead" => Ok(Entity::Leads),
            "deals" | "deal" | "opportunities" => Ok(Entity::Deals),
            "activities" | "activity" | "tasks" => Ok(Entity::Activities),
            "people" | "users" => Ok(Entity::People),
            _ => Err(format!("unknown entity {s:?}")),
        }
    }
}
