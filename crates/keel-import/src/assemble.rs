//! Builds the typed record for one row. Within a row, fields are checked in the order
//! written below and the first problem is reported.

use crate::error::{RowError, codes};
use crate::options::Entity;
use crate::parse::normalize_currency;
use crate::records::{AccountRow, ActivityRow, ContactRow, DealRow, LeadRow, PersonRow, Record};
use crate::row_view::{
    RowView, amount_cell, bool_cell, count_cell, date_cell, datetime_cell, minor_cell,
    probability_cell, when_cell,
};

pub(crate) fn assemble(view: &RowView, entity: Entity) -> Result<Record, RowError> {
    Ok(match entity {
        Entity::Accounts => Record::Account(account(view)?),
        Entity::Contacts => Record::Contact(contact(view)?),
        Entity::Leads => Record::Lead(lead(view)?),
        Entity::Deals => Record::Deal(deal(view)?),
        Entity::Activities => Record::Activity(activity(view)?),
        Entity::People => Record::Person(person(view)?),
    })
}

fn account(v: &RowView) -> Result<AccountRow, RowError> {
    Ok(AccountRow {
        row: v.row,
        name: v.required("name")?,
        external_id: v.text("external_id"),
        industry: v.text("industry"),
        size: v.parse("size", codes::INVALID_NUMBER, count_cell)?,
        region: v.text("region").or_else(|| city_and_state(v)),
        owner: v.person("owner")?,
        parent: v.record("parent"),
        tags: v.text("tags").map(|t| split_tags(&t)).unwrap_or_default(),
        notes: v.text("notes"),
    })
}

fn city_and_state(v: &RowView) -> Option<String> {
    let parts: Vec<String> = [v.text("city"), v.text("state")]
        .into_iter()
        .flatten()
        .collect();
    (!parts.is_empty()).then(|| parts.join(", "))
}

/// Zoho writes tags comma-separated; Chinese users type full-width separators.
fn split_tags(text: &str) -> Vec<String> {
    text.split([',', ';', '，', '；'])
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_string)
        .collect()
}

fn contact(v: &RowView) -> Result<ContactRow, RowError> {
    Ok(ContactRow {
        row: v.row,
        name: v.person_name()?,
        external_id: v.text("external_id"),
        title: v.text("title"),
        phone: v.text("phone"),
        email: v.email("email")?,
        account: v.record("account"),
        owner: v.person("owner")?,
        notes: v.text("notes"),
    })
}

fn lead(v: &RowView) -> Result<LeadRow, RowError> {
    Ok(LeadRow {
        row: v.row,
        name: v.person_name()?,
        external_id: v.text("external_id"),
        company: v.text("company"),
        email: v.email("email")?,
        phone: v.text("phone"),
        source: v.text("source"),
        status: v.text("status"),
        industry: v.text("industry"),
        owner: v.person("owner")?,
        notes: v.text("notes"),
    })
}

fn deal(v: &RowView) -> Result<DealRow, RowError> {
    let name = v.required("name")?;
    let money = v.parse("amount", codes::INVALID_AMOUNT, amount_cell)?;
    let direct_minor = v.parse("amount_minor", codes::INVALID_AMOUNT, minor_cell)?;
    let currency_column = v.parse("currency", codes::INVALID_CURRENCY, |c| {
        normalize_currency(&c.text())
    })?;
    let symbol = money.as_ref().and_then(|m| m.currency.clone());
    if let (Some(column), Some(symbol)) = (&currency_column, &symbol)
        && column != symbol
    {
        return Err(v
            .error_at("amount", codes::CURRENCY_MISMATCH)
            .expect("the amount cell exists: it gave the symbol"));
    }
    Ok(DealRow {
        row: v.row,
        name,
        external_id: v.text("external_id"),
        amount_minor: money.map(|m| m.minor).or(direct_minor),
        currency: currency_column.or(symbol),
        stage: v.text("stage").map(|s| v.layout.map_stage(s)),
        pipeline: v.text("pipeline"),
        probability: v.parse("probability", codes::INVALID_PROBABILITY, probability_cell)?,
        close_date: v.parse("close_date", codes::INVALID_DATE, date_cell)?,
        created: v.parse("created", codes::INVALID_DATE, date_cell)?,
        owner: v.person("owner")?,
        account: v.record("account"),
        contact: v.record("contact"),
        kind: v.text("kind"),
        source: v.text("source"),
        loss_reason: v.text("loss_reason"),
        is_won: v.parse("is_won", codes::INVALID_BOOL, bool_cell)?,
        is_closed: v.parse("is_closed", codes::INVALID_BOOL, bool_cell)?,
    })
}

fn activity(v: &RowView) -> Result<ActivityRow, RowError> {
    let subject = v.required("subject")?;
    let when = v.parse("when", codes::INVALID_DATE, when_cell)?;
    let at = v.parse("at", codes::INVALID_DATE, datetime_cell)?;
    let due = v.parse("due", codes::INVALID_DATE, date_cell)?;
    let done = v.parse("done", codes::INVALID_BOOL, bool_cell)?;
    Ok(ActivityRow {
        row: v.row,
        subject,
        external_id: v.text("external_id"),
        kind: v
            .text("kind")
            .and_then(|word| kind_from_word(&word))
            .unwrap_or(v.layout.default_kind)
            .to_string(),
        at: at.or(when.filter(|w| w.has_time).map(|w| w.at)),
        due: due.or(when.filter(|w| !w.has_time).map(|w| w.at.date())),
        done: done.or_else(|| v.text("status").map(|s| status_is_done(&s))),
        owner: v.person("owner")?,
        related: v.record("related"),
        notes: v.text("notes"),
    })
}

fn person(v: &RowView) -> Result<PersonRow, RowError> {
    Ok(PersonRow {
        row: v.row,
        name: v.person_name()?,
        external_id: v.text("external_id"),
        email: v.email("email")?,
        title: v.text("title"),
        manager: v.person("manager")?,
        role: v.text("role"),
    })
}

/// Our activity kind for a source word (Zoho `Call Type`, Salesforce `TaskSubtype`...).
/// Zoho call types are directions (`Inbound`, `Outbound`, `Missed`): all calls.
fn kind_from_word(word: &str) -> Option<&'static str> {
    let word = word.to_lowercase();
    let has = |needles: &[&str]| needles.iter().any(|n| word.contains(n));
    if has(&[
        "call", "phone", "inbound", "outbound", "missed", "电话", "通话",
    ]) {
        Some("call")
    } else if has(&["mail", "邮件"]) {
        Some("email")
    } else if has(&["meeting", "event", "会议", "会面"]) {
        Some("meeting")
    } else if has(&["visit", "拜访", "上门"]) {
        Some("visit")
    } else if has(&["task", "to-do", "todo", "任务", "待办"]) {
        Some("task")
    } else {
        None
    }
}

fn status_is_done(status: &str) -> bool {
    let status = status.trim().to_lowercase();
    matches!(
        status.as_str(),
        "completed" | "complete" | "done" | "closed" | "held" | "已完成" | "完成" | "已关闭"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn activity_kinds_from_source_words() {
        let table = [
            ("Call", Some("call")),
            ("Outbound", Some("call")),
            ("Email", Some("email")),
            ("ListEmail", Some("email")),
            ("Task", Some("task")),
            ("Event", Some("meeting")),
            ("Meeting", Some("meeting")),
            ("拜访", Some("visit")),
            ("Visit", Some("visit")),
            ("Cadence", None),
        ];
        for (word, kind) in table {
            assert_eq!(kind_from_word(word), kind, "{word}");
        }
    }

    #[test]
    fn tags_split_on_ascii_and_fullwidth_separators() {
        assert_eq!(split_tags("vip, 华南；key ,"), ["vip", "华南", "key"]);
    }
}
