//! Header names each CRM writes in its exports, mapped to our target fields.
//!
//! Tables list `(header, target)`; headers are compared trimmed and case-insensitively
//! and targets use the names accepted by `schema::key_for`. When several headers fill
//! the same target, the one listed first wins for a row (e.g. `Phone` before `Mobile`).

use crate::options::{Entity, Source};

pub(crate) type Table = &'static [(&'static str, &'static str)];

pub(crate) fn table(source: Source, entity: Entity) -> Table {
    match source {
        Source::Zoho => zoho(entity),
        Source::Salesforce => salesforce(entity),
        Source::Hubspot => hubspot(entity),
        Source::Generic => chinese(entity),
    }
}

/// Zoho CRM: `Record Id` is `zcrm_…`; every lookup is a `<Label>.id` + `<Label>` pair.
fn zoho(entity: Entity) -> Table {
    match entity {
        Entity::Accounts => &[
            ("Record Id", "external_id"),
            ("Account Name", "name"),
            ("Account Owner.id", "owner.id"),
            ("Account Owner", "owner.name"),
            ("Owner Email", "owner.email"),
            ("Industry", "industry"),
            ("Employees", "size"),
            ("Billing City", "city"),
            ("Billing State", "state"),
            ("Parent Account.id", "parent.id"),
            ("Parent Account", "parent.name"),
            ("Description", "notes"),
            ("Tag", "tags"),
        ],
        Entity::Contacts => &[
            ("Record Id", "external_id"),
            ("Full Name", "name"),
            ("First Name", "first_name"),
            ("Last Name", "last_name"),
            ("Email", "email"),
            ("Phone", "phone"),
            ("Mobile", "phone"),
            ("Title", "title"),
            ("Account Name.id", "account.id"),
            ("Account Name", "account.name"),
            ("Contact Owner.id", "owner.id"),
            ("Contact Owner", "owner.name"),
            ("Owner Email", "owner.email"),
            ("Description", "notes"),
        ],
        Entity::Leads => &[
            ("Record Id", "external_id"),
            ("Full Name", "name"),
            ("First Name", "first_name"),
            ("Last Name", "last_name"),
            ("Company", "company"),
            ("Email", "email"),
            ("Phone", "phone"),
            ("Mobile", "phone"),
            ("Lead Source", "source"),
            ("Lead Status", "status"),
            ("Lead Owner.id", "owner.id"),
            ("Lead Owner", "owner.name"),
            ("Owner Email", "owner.email"),
            ("Industry", "industry"),
            ("Description", "notes"),
        ],
        Entity::Deals => &[
            ("Record Id", "external_id"),
            ("Deal Name", "name"),
            ("Amount", "amount"),
            ("Currency", "currency"),
            ("Stage", "stage"),
            ("Closing Date", "close_date"),
            ("Pipeline", "pipeline"),
            ("Type", "kind"),
            ("Lead Source", "source"),
            ("Probability (%)", "probability"),
            ("Reason For Loss", "loss_reason"),
            ("Created Time", "created"),
            ("Deal Owner.id", "owner.id"),
            ("Deal Owner", "owner.name"),
            ("Owner Email", "owner.email"),
            ("Account Name.id", "account.id"),
            ("Account Name", "account.name"),
            ("Contact Name.id", "contact.id"),
            ("Contact Name", "contact.name"),
        ],
        Entity::Activities => &[
            ("Record Id", "external_id"),
            ("Subject", "subject"),
            ("Due Date", "due"),
            ("Call Start Time", "at"),
            ("Start DateTime", "at"),
            ("Status", "status"),
            ("Call Status", "status"),
            ("Task Owner.id", "owner.id"),
            ("Task Owner", "owner.name"),
            ("Call Owner.id", "owner.id"),
            ("Call Owner", "owner.name"),
            ("Host.id", "owner.id"),
            ("Host", "owner.name"),
            ("Owner Email", "owner.email"),
            ("What Id", "related.id"),
            ("Related To", "related.name"),
            ("Activity Type", "kind"),
            ("Call Type", "kind"),
            ("Description", "notes"),
        ],
        Entity::People => &[
            ("Record Id", "external_id"),
            ("User Id", "external_id"),
            ("Full Name", "name"),
            ("First Name", "first_name"),
            ("Last Name", "last_name"),
            ("Email", "email"),
            ("Title", "title"),
            ("Role", "role"),
            ("Reporting To.id", "manager.id"),
            ("Reporting To", "manager.name"),
        ],
    }
}

/// Salesforce (Data Loader / Data Export): API field names; owners are user ids.
fn salesforce(entity: Entity) -> Table {
    match entity {
        Entity::Accounts => &[
            ("Id", "external_id"),
            ("Name", "name"),
            ("Industry", "industry"),
            ("NumberOfEmployees", "size"),
            ("BillingCity", "city"),
            ("BillingState", "state"),
            ("OwnerId", "owner.id"),
            ("ParentId", "parent.id"),
            ("Description", "notes"),
        ],
        Entity::Contacts => &[
            ("Id", "external_id"),
            ("Name", "name"),
            ("FirstName", "first_name"),
            ("LastName", "last_name"),
            ("AccountId", "account.id"),
            ("Email", "email"),
            ("Phone", "phone"),
            ("MobilePhone", "phone"),
            ("Title", "title"),
            ("OwnerId", "owner.id"),
            ("Description", "notes"),
        ],
        Entity::Leads => &[
            ("Id", "external_id"),
            ("Name", "name"),
            ("FirstName", "first_name"),
            ("LastName", "last_name"),
            ("Company", "company"),
            ("Email", "email"),
            ("Phone", "phone"),
            ("MobilePhone", "phone"),
            ("LeadSource", "source"),
            ("Status", "status"),
            ("OwnerId", "owner.id"),
            ("Industry", "industry"),
            ("Description", "notes"),
        ],
        Entity::Deals => &[
            ("Id", "external_id"),
            ("Name", "name"),
            ("AccountId", "account.id"),
            ("ContactId", "contact.id"),
            ("StageName", "stage"),
            ("Amount", "amount"),
            ("CurrencyIsoCode", "currency"),
            ("Probability", "probability"),
            ("CloseDate", "close_date"),
            ("OwnerId", "owner.id"),
            ("IsClosed", "is_closed"),
            ("IsWon", "is_won"),
            ("Type", "kind"),
            ("LeadSource", "source"),
            ("CreatedDate", "created"),
        ],
        Entity::Activities => &[
            ("Id", "external_id"),
            ("Subject", "subject"),
            ("ActivityDate", "due"),
            ("ActivityDateTime", "at"),
            ("StartDateTime", "at"),
            ("Status", "status"),
            ("IsClosed", "done"),
            ("OwnerId", "owner.id"),
            ("WhatId", "related.id"),
            ("WhoId", "related.id"),
            ("TaskSubtype", "kind"),
            ("EventSubtype", "kind"),
            ("Type", "kind"),
            ("Description", "notes"),
        ],
        Entity::People => &[
            ("Id", "external_id"),
            ("Name", "name"),
            ("FirstName", "first_name"),
            ("LastName", "last_name"),
            ("Email", "email"),
            ("Title", "title"),
            ("ManagerId", "manager.id"),
            ("UserRole.Name", "role"),
        ],
    }
}

/// HubSpot: readable headers; owners are names, sometimes `Name (email)`.
fn hubspot(entity: Entity) -> Table {
    match entity {
        Entity::Accounts => &[
            ("Record ID", "external_id"),
            ("Company name", "name"),
            ("Industry", "industry"),
            ("Number of Employees", "size"),
            ("City", "city"),
            ("State/Region", "state"),
            ("Company owner", "owner"),
            ("Parent Company", "parent.name"),
            ("Description", "notes"),
        ],
        Entity::Contacts => &[
            ("Record ID", "external_id"),
            ("First Name", "first_name"),
            ("Last Name", "last_name"),
            ("Email", "email"),
            ("Phone Number", "phone"),
            ("Mobile Phone Number", "phone"),
            ("Job Title", "title"),
            ("Contact owner", "owner"),
            ("Associated Company IDs", "account.id"),
            ("Associated Company", "account.name"),
            ("Company Name", "account.name"),
        ],
        Entity::Leads => &[
            ("Record ID", "external_id"),
            ("First Name", "first_name"),
            ("Last Name", "last_name"),
            ("Company Name", "company"),
            ("Email", "email"),
            ("Phone Number", "phone"),
            ("Mobile Phone Number", "phone"),
            ("Original Source", "source"),
            ("Lead Status", "status"),
            ("Industry", "industry"),
            ("Contact owner", "owner"),
        ],
        Entity::Deals => &[
            ("Record ID", "external_id"),
            ("Deal Name", "name"),
            ("Deal Stage", "stage"),
            ("Amount", "amount"),
            ("Currency", "currency"),
            ("Close Date", "close_date"),
            ("Deal owner", "owner"),
            ("Pipeline", "pipeline"),
            ("Create Date", "created"),
            ("Deal Type", "kind"),
            ("Deal probability", "probability"),
            ("Closed Lost Reason", "loss_reason"),
            ("Associated Company IDs", "account.id"),
            ("Associated Company", "account.name"),
            ("Associated Contact IDs", "contact.id"),
            ("Associated Contact", "contact.name"),
        ],
        Entity::Activities => &[
            ("Record ID", "external_id"),
            ("Subject", "subject"),
            ("Task Title", "subject"),
            ("Call Title", "subject"),
            ("Meeting Name", "subject"),
            ("Activity Type", "kind"),
            ("Task Type", "kind"),
            ("Activity Date", "at"),
            ("Due Date", "due"),
            ("Task Status", "status"),
            ("Status", "status"),
            ("Activity assigned to", "owner"),
            ("Assigned to", "owner"),
            ("Notes", "notes"),
        ],
        Entity::People => &[
            ("User ID", "external_id"),
            ("First Name", "first_name"),
            ("Last Name", "last_name"),
            ("Email", "email"),
            ("Job Title", "title"),
            ("Role", "role"),
        ],
    }
}

/// Headers common in Chinese-language exports, used with `Source::Generic` on top of
/// our own (English) field names.
fn chinese(entity: Entity) -> Table {
    match entity {
        Entity::Accounts => &[
            ("名称", "name"),
            ("客户名称", "name"),
            ("行业", "industry"),
            ("负责人", "owner"),
            ("所有者", "owner"),
            ("备注", "notes"),
        ],
        Entity::Contacts => &[
            ("姓名", "name"),
            ("名称", "name"),
            ("电话", "phone"),
            ("手机", "phone"),
            ("邮箱", "email"),
            ("电子邮箱", "email"),
            ("职位", "title"),
            ("公司", "account.name"),
            ("客户名称", "account.name"),
            ("负责人", "owner"),
            ("所有者", "owner"),
            ("备注", "notes"),
        ],
        Entity::Leads => &[
            ("姓名", "name"),
            ("名称", "name"),
            ("公司", "company"),
            ("电话", "phone"),
            ("手机", "phone"),
            ("邮箱", "email"),
            ("电子邮箱", "email"),
            ("行业", "industry"),
            ("来源", "source"),
            ("状态", "status"),
            ("负责人", "owner"),
            ("所有者", "owner"),
            ("备注", "notes"),
        ],
        Entity::Deals => &[
            ("名称", "name"),
            ("商机名称", "name"),
            ("金额", "amount"),
            ("阶段", "stage"),
            ("预计成交日期", "close_date"),
            ("结束日期", "close_date"),
            ("客户名称", "account.name"),
            ("公司", "account.name"),
            ("来源", "source"),
            ("负责人", "owner"),
            ("所有者", "owner"),
        ],
        Entity::Activities => &[
            ("主题", "subject"),
            ("日期", "when"),
            ("状态", "status"),
            ("负责人", "owner"),
            ("所有者", "owner"),
            ("备注", "notes"),
        ],
        Entity::People => &[
            ("姓名", "name"),
            ("名称", "name"),
            ("邮箱", "email"),
            ("电子邮箱", "email"),
            ("职位", "title"),
        ],
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::key_for;

    #[test]
    fn every_dialect_target_is_a_field_of_its_entity() {
        for source in Source::ALL {
            for entity in Entity::ALL {
                for (header, target) in table(source, entity) {
                    assert!(
                        key_for(entity, target).is_some(),
                        "{source:?}/{entity:?}: {header} -> {target}"
                    );
                }
            }
        }
    }
}
