//! The fields each entity accepts as column targets, named as in the record structs.

use crate::options::Entity;

/// Which part of a field a column fills. Plain fields use `Value`; reference fields
/// (owner, account, ...) are filled from separate id / name / e-mail columns.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Part {
    Value,
    Id,
    Name,
    Email,
}

/// A column target: field name plus part, e.g. `owner` + `Id` for `Deal Owner.id`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct Key {
    pub field: &'static str,
    pub part: Part,
}

impl Key {
    pub(crate) const fn value(field: &'static str) -> Key {
        Key {
            field,
            part: Part::Value,
        }
    }

    pub(crate) const fn of(field: &'static str, part: Part) -> Key {
        Key { field, part }
    }
}

/// Fields of one entity, split by how they are filled.
struct Fields {
    /// Plain values, including helper inputs such as `first_name` or `city`.
    plain: &'static [&'static str],
    /// References to users: `.id`, `.name`, `.email`.
    people: &'static [&'static str],
    /// References to records: `.id`, `.name`.
    records: &'static [&'static str],
}

fn fields(entity: Entity) -> Fields {
    match entity {
        Entity::Accounts => Fields {
            plain: &[
                "external_id",
                "name",
                "industry",
                "size",
                "region",
                "city",
                "state",
                "tags",
                "notes",
            ],
            people: &["owner"],
            records: &["parent"],
        },
        Entity::Contacts => Fields {
            plain: &[
                "external_id",
                "name",
                "first_name",
                "last_name",
                "title",
                "phone",
                "email",
                "notes",
            ],
            people: &["owner"],
            records: &["account"],
        },
        Entity::Leads => Fields {
            plain: &[
                "external_id",
                "name",
                "first_name",
                "last_name",
                "company",
                "email",
                "phone",
                "source",
                "status",
                "industry",
                "notes",
            ],
            people: &["owner"],
            records: &[],
        },
        Entity::Deals => Fields {
            plain: &[
                "external_id",
                "name",
                "amount",
                "amount_minor",
                "currency",
                "stage",
                "pipeline",
                "probability",
                "close_date",
                "created",
                "kind",
                "source",
                "loss_reason",
                "is_won",
                "is_closed",
            ],
            people: &["owner"],
            records: &["account", "contact"],
        },
        Entity::Activities => Fields {
            plain: &[
                "external_id",
                "kind",
                "subject",
                "at",
                "due",
                // A date that goes to `at` when it has a time of day, else to `due`.
                "when",
                "done",
                "status",
                "notes",
            ],
            people: &["owner"],
            records: &["related"],
        },
        Entity::People => Fields {
            plain: &[
                "external_id",
                "name",
                "first_name",
                "last_name",
                "email",
                "title",
                "role",
            ],
            people: &["manager"],
            records: &[],
        },
    }
}

/// Resolves a target name such as `close_date`, `Close Date`, `owner`, `owner.email` or
/// `account_id` to a key of `entity`. A bare reference name means its name part.
pub(crate) fn key_for(entity: Entity, target: &str) -> Option<Key> {
    let target = target.trim().to_lowercase().replace([' ', '-'], "_");
    let fields = fields(entity);
    if let Some(field) = find(fields.plain, &target) {
        return Some(Key::value(field));
    }
    if let Some(field) = find(fields.people, &target).or_else(|| find(fields.records, &target)) {
        return Some(Key::of(field, Part::Name));
    }
    let (base, suffix) = target.rsplit_once(['.', '_'])?;
    let part = match suffix {
        "id" => Part::Id,
        "name" => Part::Name,
        "email" => Part::Email,
        _ => return None,
    };
    if let Some(field) = find(fields.people, base) {
        return Some(Key::of(field, part));
    }
    let field = find(fields.records, base)?;
    (part != Part::Email).then_some(Key::of(field, part))
}

fn find(list: &[&'static str], name: &str) -> Option<&'static str> {
    list.iter().copied().find(|f| *f == name)
}

/// Keys of which at least one must have a column: the record's name (or subject).
pub(crate) fn required_keys(entity: Entity) -> &'static [Key] {
    const NAME: &[Key] = &[Key::value("name")];
    const PERSON_NAME: &[Key] = &[
        Key::value("name"),
        Key::value("last_name"),
        Key::value("first_name"),
    ];
    const SUBJECT: &[Key] = &[Key::value("subject")];
    match entity {
        Entity::Accounts | Entity::Deals => NAME,
        Entity::Contacts | Entity::Leads | Entity::People => PERSON_NAME,
        Entity::Activities => SUBJECT,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_resolve_in_several_spellings() {
        let e = Entity::Deals;
        assert_eq!(key_for(e, "close_date"), Some(Key::value("close_date")));
        assert_eq!(key_for(e, "Close Date"), Some(Key::value("close_date")));
        assert_eq!(key_for(e, "owner"), Some(Key::of("owner", Part::Name)));
        assert_eq!(
            key_for(e, "owner.email"),
            Some(Key::of("owner", Part::Email))
        );
        assert_eq!(key_for(e, "owner_id"), Some(Key::of("owner", Part::Id)));
        assert_eq!(key_for(e, "account_id"), Some(Key::of("account", Part::Id)));
        assert_eq!(key_for(e, "account"), Some(Key::of("account", Part::Name)));
        assert_eq!(key_for(e, "account.email"), None);
        assert_eq!(key_for(e, "external_id"), Some(Key::value("external_id")));
        assert_eq!(key_for(e, "colour"), None);
        assert_eq!(
            key_for(Entity::People, "manager.email"),
            Some(Key::of("manager", Part::Email))
        );
        assert_eq!(key_for(Entity::Leads, "account"), None);
    }
}
