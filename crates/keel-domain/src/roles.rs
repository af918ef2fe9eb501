//! Roles and the permission table. Handlers ask [`Role::allows`] before acting; what a person
//! may *see* of others' records is the reporting-line rule in keel-db's visibility module.

use serde::{Deserialize, Serialize};

/// What a person is in keel. The `hr` flag is separate: any role may also run HR processes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Configures the system: people, teams, settings, the audit log.
    Admin,
    /// Sees the whole organisation.
    Director,
    /// Sees their reporting line.
    Manager,
    /// A rep: sees their own work and what is shared with them.
    Member,
}

impl Role {
    pub const ALL: [Role; 4] = [Role::Admin, Role::Director, Role::Manager, Role::Member];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Director => "director",
            Role::Manager => "manager",
            Role::Member => "member",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == s)
    }

    /// Sees every record in the organisation, not only their reporting line.
    pub fn sees_everything(self) -> bool {
        matches!(self, Role::Admin | Role::Director)
    }

    /// The permission table.
    pub fn allows(self, action: Action) -> bool {
        use Action::*;
        match action {
            ViewDirectory | ManageOwnAccount => true,
            ManagePeople | ManageTeams | ViewAudit => self == Role::Admin,
        }
    }
}

/// Everything the permission table decides.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    /// The people directory, profiles and the org chart (public inside the organisation).
    ViewDirectory,
    /// Own password, language and API tokens.
    ManageOwnAccount,
    /// Create, edit, move, deactivate people; reset their passwords and roles.
    ManagePeople,
    /// Create and edit teams and departments.
    ManageTeams,
    /// Read the audit log.
    ViewAudit,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_admins_administer() {
        for role in Role::ALL {
            assert!(role.allows(Action::ViewDirectory));
            assert!(role.allows(Action::ManageOwnAccount));
            let admin = role == Role::Admin;
            assert_eq!(role.allows(Action::ManagePeople), admin);
            assert_eq!(role.allows(Action::ManageTeams), admin);
            assert_eq!(role.allows(Action::ViewAudit), admin);
        }
    }

    #[test]
    fn roles_round_trip_through_text() {
        for role in Role::ALL {
            assert_eq!(Role::parse(role.as_str()), Some(role));
        }
        assert_eq!(Role::parse("root"), None);
    }
}
