//! Names the CRM's rules are stated in: its modules, the shared pool's record kinds, where a
//! task stands.

/// The CRM modules whose default visibility admins set.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Module {
    Accounts,
    Contacts,
    Leads,
    Deals,
    Activities,
    Satisfaction,
}

impl Module {
    pub fn as_str(self) -> &'static str {
        match self {
            Module::Accounts => "accounts",
            Module::Contacts => "contacts",
            Module::Leads => "leads",
            Module::Deals => "deals",
            Module::Activities => "activities",
            Module::Satisfaction => "satisfaction",
        }
    }
}

/// Which kind of record is pooled; the value names the table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PoolKind {
    Leads,
    Accounts,
}

impl PoolKind {
    pub fn as_str(self) -> &'static str {
        match self {
            PoolKind::Leads => "leads",
            PoolKind::Accounts => "accounts",
        }
    }

    pub fn parse(s: &str) -> Option<PoolKind> {
        [PoolKind::Leads, PoolKind::Accounts]
            .into_iter()
            .find(|k| k.as_str() == s)
    }

    /// The audit log's name for one record of this kind.
    pub fn entity(self) -> &'static str {
        match self {
            PoolKind::Leads => "lead",
            PoolKind::Accounts => "account",
        }
    }
}

/// Where a task stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TaskState {
    Open,
    Done,
    /// Open and due before today.
    Overdue,
}

impl TaskState {
    pub const ALL: [TaskState; 3] = [TaskState::Open, TaskState::Done, TaskState::Overdue];

    pub fn as_str(self) -> &'static str {
        match self {
            TaskState::Open => "open",
            TaskState::Done => "done",
            TaskState::Overdue => "overdue",
        }
    }

    pub fn parse(s: &str) -> Option<TaskState> {
        TaskState::ALL.into_iter().find(|t| t.as_str() == s)
    }
}
