//! Import of CRM export files (read by the keel-import crate) and export of what a person
//! may see, in the generic dialect's field names so an export reads back in.
//!
//! An import runs in one write transaction: every row is checked and written through it, and
//! the transaction commits only when no row had a problem and it is not a dry run. So a dry
//! run checks exactly what a real run would do (links to rows earlier in the file included)
//! and both leave the database as it was whenever anything is wrong. Records are taken from
//! the caller's iterator a chunk at a time ([`batch`]); only small maps (people already looked
//! up, links left for the end of the file, the rollup cells touched) outlive a chunk.

mod batch;

use crate::accounts::normalise_tags;
use crate::crm::Module;
use crate::deals::Stage;
use crate::export::major_units;
use crate::multirow::Value;
use crate::people::{PersonInput, ensure_an_admin, insert_person, lock_people, would_cycle};
use crate::rollups::{self, Source};
use crate::visibility::Actor;
use crate::{Db, DbError, Result, Tx, audit, with_pool, with_tx};
use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime, Utc};
use keel_domain::ids::new_id;
use keel_domain::metrics as m;
use keel_domain::pipeline::Category;
use keel_domain::roles::{Action, Role};
use keel_domain::time::{Zone, now, truncate};
use keel_import::{
    AccountRow, ActivityRow, ContactRow, DealRow, Entity, LeadRow, PersonRef, PersonRow, Record,
    RecordRef, RowError,
};
use std::collections::{BTreeMap, HashMap, HashSet};
use uuid::Uuid;

/// Codes of the problems found while writing, beside keel-import's parse codes.
pub mod codes {
    /// No person has the owner's e-mail or name.
    pub const UNKNOWN_OWNER: &str = "unknown_owner";
    /// No person has the manager's e-mail or name.
    pub const UNKNOWN_MANAGER: &str = "unknown_manager";
    /// The deal stage matches no stage of the default pipeline.
    pub const UNKNOWN_STAGE: &str = "unknown_stage";
    /// The lead status is none of ours and not a usual name for one.
    pub const UNKNOWN_STATUS: &str = "unknown_status";
    /// A linked account, contact, deal or lead was not found (or is not visible).
    pub const UNKNOWN_LINK: &str = "unknown_link";
    /// The importing person may not write this record or give records to this owner.
    pub const NOT_ALLOWED: &str = "not_allowed";
    /// An account would become its own parent, or a person their own manager.
    pub const CYCLE: &str = "cycle";
    /// A number does not fit (negative amount, employee count too large).
    pub const OUT_OF_RANGE: &str = "out_of_range";
    /// The import would leave no active administrator.
    pub const LAST_ADMIN: &str = "last_admin";
}

/// How to run the import of one file.
#[derive(Debug, Clone)]
pub struct ImportOptions {
    pub entity: Entity,
    /// The importing person: named in the audit log, owner of rows that name no owner, and
    /// limited to records they could write in the app.
    pub actor: Actor,
    /// Check everything and write nothing.
    pub dry_run: bool,
    /// Add unknown owners and managers as deactivated members instead of reporting them.
    pub create_missing_owners: bool,
    /// Names the file in the audit log, e.g. `zoho deals.csv`.
    pub label: String,
}

/// Rows created and updated in one table.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct Counts {
    pub created: usize,
    pub updated: usize,
}

/// A problem found in the file. The same problem (column, code and value) in several rows is
/// reported once, with its first row and the others in `also_rows`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Problem {
    /// Spreadsheet row (header = 1); 0 for the file as a whole.
    pub row: usize,
    /// The column as the file names it, or our field name for problems found while writing.
    pub column: String,
    /// A keel-import parse code or one of [`codes`].
    pub code: &'static str,
    pub value: String,
    /// Plain English, without the row and column.
    pub message: String,
    /// Further rows with the same problem (the first few).
    pub also_rows: Vec<usize>,
    /// Rows with the same problem beyond `also_rows`.
    pub more_rows: usize,
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match (self.row, self.column.as_str()) {
            (0, _) => write!(f, "{}", self.message)?,
            (row, "") => write!(f, "row {row}: {}", self.message)?,
            (row, column) => write!(f, "row {row}, column \"{column}\": {}", self.message)?,
        }
        if !self.also_rows.is_empty() {
            let rows: Vec<String> = self.also_rows.iter().map(usize::to_string).collect();
            let noun = if rows.len() + self.more_rows > 1 {
                "rows"
            } else {
                "row"
            };
            write!(f, "; also in {noun} {}", rows.join(", "))?;
            if self.more_rows > 0 {
                write!(f, " and {} more", self.more_rows)?;
            }
        }
        Ok(())
    }
}

/// What an import did, or in a dry run would do.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct ImportReport {
    /// Data rows read, good and bad.
    pub rows: usize,
    /// By table (`accounts`, `deals`, `people` ...): rows created and updated.
    pub counts: BTreeMap<&'static str, Counts>,
    pub problems: Vec<Problem>,
    /// Distinct problems not listed because the list is full.
    pub problems_left_off: usize,
    /// True when the rows were written (no problems, not a dry run).
    pub committed: bool,
}

impl ImportReport {
    pub fn has_problems(&self) -> bool {
        !self.problems.is_empty() || self.problems_left_off > 0
    }
}

/// At most this many distinct problems are kept; a file of a million bad rows stays small.
const MAX_PROBLEMS: usize = 1_000;
/// Rows listed per problem beyond its first.
const MAX_ALSO_ROWS: usize = 10;

impl Db {
    /// Imports one file's records in a single transaction; see the module documentation.
    /// `Err` only for database failures (nothing is written then either); everything wrong
    /// with the file is in the report.
    pub async fn import<I>(&self, records: I, opts: &ImportOptions) -> Result<ImportReport>
    where
        I: IntoIterator<Item = std::result::Result<Record, RowError>>,
    {
        let scope = Scope::load(self, &opts.actor).await?;
        let stages = StageBook::load(self).await?;
        let at = now();
        let mut tx = self.begin_write().await?;
        let zone = crate::zone::zone_in(&mut tx).await?;
        let mut run = Importer::new(&mut tx, opts, at, zone, scope, stages);
        run.start().await?;
        let mut chunk = Vec::with_capacity(batch::CHUNK);
        for item in records {
            chunk.push(item);
            if chunk.len() == batch::CHUNK {
                run.chunk(std::mem::take(&mut chunk)).await?;
            }
        }
        run.chunk(chunk).await?;
        run.finish().await?;
        let commit = run.problems.list.is_empty() && run.problems.left_off == 0 && !opts.dry_run;
        if commit {
            run.write_summaries().await?;
        }
        let mut report = run.into_report();
        if commit {
            let entry = audit::Entry {
                actor: Some(opts.actor.id),
                action: "import",
                entity: singular(opts.entity),
                entity_id: None,
                summary: audit_summary(&opts.label, &report),
            };
            audit::record(&mut tx, entry, at).await?;
            tx.commit().await?;
            report.committed = true;
        }
        // Otherwise the transaction is dropped here, which rolls it back.
        Ok(report)
    }

    /// The active person with this login e-mail, as the actor of a command-line import or export.
    pub async fn actor_by_email(&self, email: &str) -> Result<Option<Actor>> {
        let row: Option<ActorRow> = with_pool!(self, p => {
            sqlx::query_as("SELECT id, role, is_hr FROM people WHERE email = $1 AND active")
                .bind(email.trim().to_lowercase())
                .fetch_optional(p)
                .await?
        });
        Ok(row.map(ActorRow::into_actor))
    }

    /// The longest-standing active administrator: who a command acts as by default.
    pub async fn first_admin(&self) -> Result<Option<Actor>> {
        let row: Option<ActorRow> = with_pool!(self, p => {
            sqlx::query_as(
                "SELECT id, role, is_hr FROM people WHERE role = 'admin' AND active \
                 ORDER BY created_at, id LIMIT 1",
            )
            .fetch_optional(p)
            .await?
        });
        Ok(row.map(ActorRow::into_actor))
    }
}

#[derive(sqlx::FromRow)]
struct ActorRow {
    id: Uuid,
    role: String,
    is_hr: bool,
}

impl ActorRow {
    fn into_actor(self) -> Actor {
        Actor {
            id: self.id,
            role: Role::parse(&self.role).unwrap_or(Role::Member),
            is_hr: self.is_hr,
        }
    }
}

fn singular(entity: Entity) -> &'static str {
    match entity {
        Entity::Accounts => "account",
        Entity::Contacts => "contact",
        Entity::Leads => "lead",
        Entity::Deals => "deal",
        Entity::Activities => "activity",
        Entity::People => "person",
    }
}

fn audit_summary(label: &str, report: &ImportReport) -> String {
    let counts: Vec<String> = report
        .counts
        .iter()
        .map(|(table, c)| format!("{table} {} created, {} updated", c.created, c.updated))
        .collect();
    format!("{label}: {} rows; {}", report.rows, counts.join("; "))
}

// ---------------------------------------------------------------------------------------
// Problems

#[derive(Default)]
struct Problems {
    list: Vec<Problem>,
    index: HashMap<(String, &'static str, String), usize>,
    left_off: usize,
}

impl Problems {
    fn add(&mut self, row: usize, column: &str, code: &'static str, value: &str, message: String) {
        let key = (column.to_owned(), code, value.to_owned());
        if let Some(&i) = self.index.get(&key) {
            let p = &mut self.list[i];
            if p.row == row || p.also_rows.last() == Some(&row) {
                return;
            }
            if p.also_rows.len() < MAX_ALSO_ROWS {
                p.also_rows.push(row);
            } else {
                p.more_rows += 1;
            }
            return;
        }
        if self.list.len() >= MAX_PROBLEMS {
            self.left_off += 1;
            return;
        }
        self.index.insert(key, self.list.len());
        self.list.push(Problem {
            row,
            column: column.to_owned(),
            code,
            value: value.to_owned(),
            message,
            also_rows: Vec::new(),
            more_rows: 0,
        });
    }

    /// A parse problem from the reader; its text without the `row N, column "X": ` prefix.
    fn row_error(&mut self, e: &RowError) {
        let text = e.to_string();
        let prefix = if e.column.is_empty() {
            format!("row {}: ", e.row)
        } else {
            format!("row {}, column \"{}\": ", e.row, e.column)
        };
        let message = text.strip_prefix(&prefix).unwrap_or(&text).to_owned();
        self.add(e.row, &e.column, e.code, &e.value, message);
    }
}

// ---------------------------------------------------------------------------------------
// Who may read and write what

/// The CRM tables an import writes or links to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Table {
    Accounts,
    Contacts,
    Leads,
    Deals,
    Activities,
}

impl Table {
    fn name(self) -> &'static str {
        match self {
            Table::Accounts => "accounts",
            Table::Contacts => "contacts",
            Table::Leads => "leads",
            Table::Deals => "deals",
            Table::Activities => "activities",
        }
    }

    fn module(self) -> Module {
        match self {
            Table::Accounts => Module::Accounts,
            Table::Contacts => Module::Contacts,
            Table::Leads => Module::Leads,
            Table::Deals => Module::Deals,
            Table::Activities => Module::Activities,
        }
    }

    /// The column holding a row's account, as `Found::account_id` reads it.
    fn account_column(self) -> &'static str {
        match self {
            Table::Accounts => "id",
            Table::Contacts | Table::Deals | Table::Activities => "account_id",
            Table::Leads => "NULL",
        }
    }

    /// How a problem names a record of this table.
    fn noun(self) -> &'static str {
        match self {
            Table::Accounts => "account",
            Table::Contacts => "contact",
            Table::Leads => "lead",
            Table::Deals => "deal",
            Table::Activities => "activity",
        }
    }

    const ALL: [Table; 5] = [
        Table::Accounts,
        Table::Contacts,
        Table::Leads,
        Table::Deals,
        Table::Activities,
    ];
}

/// The visibility rule for the importing person, decided once before the transaction: the
/// same rule the app's queries apply, so an import cannot reach around it.
struct Scope {
    /// `None`: the whole organisation (directors and admins). Else their reporting line.
    line: Option<HashSet<Uuid>>,
    /// Tables every person may read (public-read modules).
    public: HashSet<Table>,
}

impl Scope {
    async fn load(db: &Db, actor: &Actor) -> Result<Scope> {
        let line = if actor.sees_everything() {
            None
        } else {
            Some(db.reporting_line(actor.id).await?.into_iter().collect())
        };
        let mut public = HashSet::new();
        for table in Table::ALL {
            if db.module_public(table.module()).await? {
                public.insert(table);
            }
        }
        Ok(Scope { line, public })
    }

    fn may_read(&self, table: Table, owner: Option<Uuid>) -> bool {
        match (&self.line, owner) {
            (None, _) | (_, None) => true,
            (Some(line), Some(owner)) => self.public.contains(&table) || line.contains(&owner),
        }
    }

    /// As in the app: the owner, anyone above them, directors and admins.
    fn may_write(&self, owner: Option<Uuid>) -> bool {
        match (&self.line, owner) {
            (None, _) => true,
            (Some(line), Some(owner)) => line.contains(&owner),
            (Some(_), None) => false,
        }
    }
}

// ---------------------------------------------------------------------------------------
// Stages

/// The stages deals may be imported into (the default pipeline's), plus every stage's
/// category for deals already in other pipelines.
struct StageBook {
    default: Vec<Stage>,
    all: Vec<Stage>,
}

/// What another CRM's usual stage name means here.
enum Alias {
    /// The default stage with this English name.
    Named(&'static str),
    /// The won (or lost) stage, whatever it is called.
    Category(Category),
}

/// Usual stage names of Zoho, Salesforce and HubSpot (folded: lower-case letters and digits
/// only) that are not already a default stage's name.
const STAGE_ALIASES: [(&str, Alias); 20] = [
    ("won", Alias::Category(Category::Won)),
    ("closedwon", Alias::Category(Category::Won)),
    ("成交", Alias::Category(Category::Won)),
    ("已成交", Alias::Category(Category::Won)),
    ("lost", Alias::Category(Category::Lost)),
    ("closedlost", Alias::Category(Category::Lost)),
    ("closedlosttocompetition", Alias::Category(Category::Lost)),
    ("丢单", Alias::Category(Category::Lost)),
    ("prospecting", Alias::Named("Qualification")),
    ("appointmentscheduled", Alias::Named("Qualification")),
    ("初步接洽", Alias::Named("Qualification")),
    ("qualifiedtobuy", Alias::Named("Needs Analysis")),
    ("presentationscheduled", Alias::Named("Value Proposition")),
    ("iddecisionmakers", Alias::Named("Identify Decision Makers")),
    (
        "decisionmakerboughtin",
        Alias::Named("Identify Decision Makers"),
    ),
    (
        "perceptionanalysis",
        Alias::Named("Identify Decision Makers"),
    ),
    ("proposal", Alias::Named("Proposal/Price Quote")),
    ("negotiation", Alias::Named("Negotiation/Review")),
    ("contractsent", Alias::Named("Negotiation/Review")),
    ("谈判", Alias::Named("Negotiation/Review")),
];

/// Lower-case letters and digits only, so `Closed Won`, `closedwon` and `Closed-Won` agree.
fn fold(text: &str) -> String {
    text.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

fn category_of(stage: &Stage) -> Category {
    Category::parse(&stage.category).unwrap_or(Category::Open)
}

impl StageBook {
    async fn load(db: &Db) -> Result<StageBook> {
        let pipelines = db.pipelines().await?;
        let default = pipelines
            .iter()
            .find(|p| p.is_default)
            .or(pipelines.first())
            .map(|p| p.id);
        let all = db.stages().await?;
        let default = all
            .iter()
            .filter(|s| Some(s.pipeline_id) == default)
            .cloned()
            .collect();
        Ok(StageBook { default, all })
    }

    fn named(&self, name: &str) -> Option<&Stage> {
        let key = fold(name);
        if key.is_empty() {
            return None;
        }
        let exact = self
            .default
            .iter()
            .find(|s| fold(&s.name) == key || fold(&s.name_en) == key);
        exact.or_else(|| {
            let (_, alias) = STAGE_ALIASES.iter().find(|(a, _)| *a == key)?;
            match alias {
                Alias::Named(en) => self.default.iter().find(|s| fold(&s.name_en) == fold(en)),
                Alias::Category(c) => self.in_category(*c),
            }
        })
    }

    fn in_category(&self, category: Category) -> Option<&Stage> {
        self.default.iter().find(|s| category_of(s) == category)
    }

    fn first(&self) -> Option<&Stage> {
        self.default.first()
    }

    fn by_id(&self, id: Uuid) -> Option<&Stage> {
        self.all.iter().find(|s| s.id == id)
    }

    fn accepted(&self) -> String {
        let names: Vec<String> = self
            .default
            .iter()
            .map(|s| format!("{} ({})", s.name, s.name_en))
            .collect();
        names.join(", ")
    }
}

// ---------------------------------------------------------------------------------------
// The import run

/// A person reference as a cache key: the same owner is looked up once per file.
type PersonKey = (Option<String>, Option<String>, Option<String>);

fn person_key(who: &PersonRef) -> PersonKey {
    (
        who.email.as_deref().map(|e| e.trim().to_lowercase()),
        who.name.clone(),
        who.external_id.clone(),
    )
}

/// How a problem names a person reference: the name and e-mail the file gives.
fn person_label(who: &PersonRef) -> String {
    match (&who.name, &who.email, &who.external_id) {
        (Some(name), Some(email), _) => format!("{name} <{email}>"),
        (Some(name), None, _) => name.clone(),
        (None, Some(email), _) => email.clone(),
        (None, None, Some(id)) => id.clone(),
        (None, None, None) => String::new(),
    }
}

fn record_label(r: &RecordRef) -> String {
    r.name
        .clone()
        .or_else(|| r.external_id.clone())
        .unwrap_or_default()
}

/// The instant a file's date begins: local midnight in the organisation's zone.
fn midnight(zone: Zone, date: NaiveDate) -> DateTime<Utc> {
    zone.start_of(date)
}

/// File times without an offset (keel-import converts explicit offsets to UTC) are the
/// organisation's local times.
fn utc(zone: Zone, at: NaiveDateTime) -> DateTime<Utc> {
    truncate(zone.from_local(at))
}

/// A row found by external id or name, with the owner that decides who may touch it.
#[derive(Clone, Copy, sqlx::FromRow)]
struct Found {
    id: Uuid,
    owner_id: Option<Uuid>,
    /// The account the row belongs to (an account: itself), for an activity's links.
    account_id: Option<Uuid>,
}

/// A link that could not be resolved yet: the rows it names may come later in the file.
struct Pending<R> {
    row: usize,
    id: Uuid,
    reference: R,
}

struct Importer<'a> {
    tx: &'a mut Tx,
    opts: &'a ImportOptions,
    at: DateTime<Utc>,
    /// The organisation's zone: file times without an offset are its local times, and its
    /// local days are the rollups' days.
    zone: Zone,
    scope: Scope,
    stages: StageBook,
    people: HashMap<PersonKey, Option<Uuid>>,
    parents: Vec<Pending<RecordRef>>,
    managers: Vec<Pending<PersonRef>>,
    counts: BTreeMap<&'static str, Counts>,
    problems: Problems,
    /// Rollup changes of every row, written once before the commit.
    ledger: rollups::Ledger,
    /// The newest activity per account and lead, written once before the commit.
    follow_ups: BTreeMap<(&'static str, Uuid), DateTime<Utc>>,
    /// The rows the current chunk names, looked up before it.
    lookups: batch::Lookups,
    /// Rows created in the current chunk, inserted after it.
    inserts: batch::Inserts,
    rows: usize,
    /// Set by any problem in the current row, which is then not written.
    row_failed: bool,
}

impl<'a> Importer<'a> {
    fn new(
        tx: &'a mut Tx,
        opts: &'a ImportOptions,
        at: DateTime<Utc>,
        zone: Zone,
        scope: Scope,
        stages: StageBook,
    ) -> Self {
        Importer {
            tx,
            opts,
            at,
            zone,
            scope,
            stages,
            people: HashMap::new(),
            parents: Vec::new(),
            managers: Vec::new(),
            counts: BTreeMap::new(),
            problems: Problems::default(),
            ledger: rollups::Ledger::default(),
            follow_ups: BTreeMap::new(),
            lookups: batch::Lookups::default(),
            inserts: batch::Inserts::default(),
            rows: 0,
            row_failed: false,
        }
    }

    fn into_report(self) -> ImportReport {
        ImportReport {
            rows: self.rows,
            counts: self.counts,
            problems: self.problems.list,
            problems_left_off: self.problems.left_off,
            committed: false,
        }
    }

    fn problem(&mut self, row: usize, column: &str, code: &'static str, value: &str, msg: String) {
        self.row_failed = true;
        self.problems.add(row, column, code, value, msg);
    }

    fn count(&mut self, table: &'static str, created: bool) {
        let c = self.counts.entry(table).or_default();
        if created {
            c.created += 1;
        } else {
            c.updated += 1;
        }
    }

    fn manages_people(&self) -> bool {
        self.opts.actor.role.allows(Action::ManagePeople)
    }

    /// File-wide checks before the first row.
    async fn start(&mut self) -> Result<()> {
        self.counts.entry(table_of(self.opts.entity)).or_default();
        if self.opts.entity == Entity::People {
            if !self.manages_people() {
                let msg = "only administrators may import people".to_owned();
                self.problem(0, "", codes::NOT_ALLOWED, "", msg);
            }
            // Reporting lines change: serialise with other changes to the tree.
            lock_people(self.tx).await?;
        }
        if self.opts.create_missing_owners && !self.manages_people() {
            let msg = "only administrators may create the missing owners".to_owned();
            self.problem(0, "", codes::NOT_ALLOWED, "", msg);
        }
        Ok(())
    }

    async fn record(&mut self, record: Record) -> Result<()> {
        self.row_failed = false;
        match record {
            Record::Account(r) => self.account(r).await,
            Record::Contact(r) => self.contact(r).await,
            Record::Lead(r) => self.lead(r).await,
            Record::Deal(r) => self.deal(r).await,
            Record::Activity(r) => self.activity(r).await,
            Record::Person(r) => self.person_row(r).await,
        }
    }

    /// Links that may point further down the file, now that every row is in.
    async fn finish(&mut self) -> Result<()> {
        for p in std::mem::take(&mut self.parents) {
            match self.find_link(&[Table::Accounts], &p.reference).await? {
                Some((_, parent)) => self.set_parent(p.row, p.id, parent.id).await?,
                None => self.unknown_link(p.row, "parent", Table::Accounts, &p.reference),
            }
        }
        for p in std::mem::take(&mut self.managers) {
            if let Some(manager) = self.person(p.row, "manager", &p.reference).await? {
                self.set_manager(p.row, p.id, manager).await?;
            }
        }
        if self.opts.entity == Entity::People {
            match ensure_an_admin(self.tx).await {
                Err(DbError::Conflict(_)) => {
                    let msg = "the import would leave no active administrator".to_owned();
                    self.problem(0, "", codes::LAST_ADMIN, "", msg);
                }
                other => other?,
            }
        }
        Ok(())
    }

    /// What the rows add to the rollups and to the accounts' and leads' last activity.
    async fn write_summaries(&mut self) -> Result<()> {
        std::mem::take(&mut self.ledger).write(self.tx).await?;
        for ((table, id), at) in std::mem::take(&mut self.follow_ups) {
            let sql = format!(
                "UPDATE {table} SET last_activity_at = $2 WHERE id = $1 \
                 AND (last_activity_at IS NULL OR last_activity_at < $2)"
            );
            with_tx!(&mut *self.tx, c => {
                sqlx::query(sqlx::AssertSqlSafe(sql)).bind(id).bind(at).execute(c).await?;
            });
        }
        Ok(())
    }

    // --- people as owners and managers -------------------------------------------------

    /// The owner a row names, checked against what the importer may write; `None` when the
    /// row names none (new rows then belong to the importer, updated rows keep theirs).
    async fn owner(&mut self, row: usize, who: Option<&PersonRef>) -> Result<Option<Uuid>> {
        let Some(who) = who else { return Ok(None) };
        let Some(id) = self.person(row, "owner", who).await? else {
            return Ok(None);
        };
        if !self.scope.may_write(Some(id)) {
            let label = person_label(who);
            let msg = format!("you may not give records to {label}: not in your reporting line");
            self.problem(row, "owner", codes::NOT_ALLOWED, &label, msg);
        }
        Ok(Some(id))
    }

    /// A person a row names: found, created when missing people may be added, or reported.
    async fn person(&mut self, row: usize, column: &str, who: &PersonRef) -> Result<Option<Uuid>> {
        let key = person_key(who);
        let found = match self.people.get(&key) {
            Some(found) => *found,
            None => {
                let mut found = find_person(self.tx, who).await?;
                if found.is_none() && self.opts.create_missing_owners && self.manages_people() {
                    found = Some(self.create_missing_person(who).await?);
                }
                self.people.insert(key, found);
                found
            }
        };
        if found.is_none() {
            self.unknown_person(row, column, who);
        }
        Ok(found)
    }

    fn unknown_person(&mut self, row: usize, column: &str, who: &PersonRef) {
        let label = person_label(who);
        let (code, what) = if column == "manager" {
            (codes::UNKNOWN_MANAGER, "manager")
        } else {
            (codes::UNKNOWN_OWNER, "owner")
        };
        let msg = if who.email.is_none() && who.name.is_none() {
            format!(
                "unknown {what} \"{label}\": people are matched by e-mail or name, \
                 not by another system's user id"
            )
        } else {
            format!("unknown {what} \"{label}\": no person has this e-mail or name")
        };
        self.problem(row, column, code, &label, msg);
    }

    /// A deactivated member with no password: owns imported records, cannot log in.
    async fn create_missing_person(&mut self, who: &PersonRef) -> Result<Uuid> {
        let id = new_id();
        let input = PersonInput {
            name: person_label_name(who),
            email: who.email.as_deref().map(|e| e.trim().to_lowercase()),
            role: Role::Member.as_str().into(),
            ..PersonInput::default()
        };
        insert_person(self.tx, id, &input, None, self.at).await?;
        with_tx!(&mut *self.tx, c => {
            sqlx::query("UPDATE people SET active = FALSE WHERE id = $1")
                .bind(id)
                .execute(c)
                .await?;
        });
        self.count("people", true);
        Ok(id)
    }

    async fn set_manager(&mut self, row: usize, person: Uuid, manager: Uuid) -> Result<()> {
        if would_cycle(self.tx, person, manager).await? {
            let msg = "this manager would put the person below themselves".to_owned();
            self.problem(row, "manager", codes::CYCLE, "", msg);
            return Ok(());
        }
        with_tx!(&mut *self.tx, c => {
            sqlx::query("UPDATE people SET manager_id = $2, updated_at = $3 WHERE id = $1")
                .bind(person)
                .bind(manager)
                .bind(self.at)
                .execute(c)
                .await?;
        });
        Ok(())
    }

    // --- finding rows ------------------------------------------------------------------

    /// A row by its external id, or by our own id (files exported by keel carry that).
    async fn by_external_id(&mut self, table: Table, external_id: &str) -> Result<Option<Found>> {
        match self.lookups.get(table, external_id) {
            Some(Some(found)) => return Ok(Some(found)),
            Some(None) => return self.by_id(table, external_id).await,
            None => {}
        }
        let sql = format!(
            "SELECT id, owner_id, {} AS account_id FROM {} WHERE external_id = $1",
            table.account_column(),
            table.name()
        );
        let found: Option<Found> = with_tx!(&mut *self.tx, c => {
            sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(external_id).fetch_optional(c).await?
        });
        if found.is_some() {
            return Ok(found);
        }
        self.by_id(table, external_id).await
    }

    /// A row by our own id, when `external_id` is one.
    async fn by_id(&mut self, table: Table, external_id: &str) -> Result<Option<Found>> {
        let Ok(id) = Uuid::parse_str(external_id.trim()) else {
            return Ok(None);
        };
        let sql = format!(
            "SELECT id, owner_id, {} AS account_id FROM {} WHERE id = $1",
            table.account_column(),
            table.name()
        );
        Ok(with_tx!(&mut *self.tx, c => {
            sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(c).await?
        }))
    }

    /// The oldest row of `table` with exactly this name that the importer may read.
    async fn by_name(&mut self, table: Table, name: &str) -> Result<Option<Found>> {
        let sql = format!(
            "SELECT id, owner_id, {} AS account_id FROM {} WHERE name = $1 ORDER BY id LIMIT 50",
            table.account_column(),
            table.name()
        );
        let candidates: Vec<Found> = with_tx!(&mut *self.tx, c => {
            sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(name).fetch_all(c).await?
        });
        Ok(candidates
            .into_iter()
            .find(|f| self.scope.may_read(table, f.owner_id)))
    }

    /// The record a link names: by external id first, then by exact name, in the first of
    /// `tables` that has it, among rows the importer may read.
    async fn find_link(
        &mut self,
        tables: &[Table],
        r: &RecordRef,
    ) -> Result<Option<(Table, Found)>> {
        if let Some(external_id) = r.external_id.as_deref() {
            for &table in tables {
                if let Some(f) = self.by_external_id(table, external_id).await?
                    && self.scope.may_read(table, f.owner_id)
                {
                    return Ok(Some((table, f)));
                }
            }
        }
        if let Some(name) = r.name.as_deref() {
            for &table in tables {
                if let Some(f) = self.by_name(table, name).await? {
                    return Ok(Some((table, f)));
                }
            }
        }
        Ok(None)
    }

    /// A link to one table; a named record that is not there is a problem.
    async fn link(
        &mut self,
        row: usize,
        column: &str,
        table: Table,
        r: Option<&RecordRef>,
    ) -> Result<Option<Uuid>> {
        let Some(r) = r else { return Ok(None) };
        match self.find_link(&[table], r).await? {
            Some((_, found)) => Ok(Some(found.id)),
            None => {
                self.unknown_link(row, column, table, r);
                Ok(None)
            }
        }
    }

    fn unknown_link(&mut self, row: usize, column: &str, table: Table, r: &RecordRef) {
        let label = record_label(r);
        let msg = format!(
            "no {} \"{label}\" found by id or name (import {} first)",
            table.noun(),
            table.name()
        );
        self.problem(row, column, codes::UNKNOWN_LINK, &label, msg);
    }

    /// The row to update for this external id, if there is one and the importer may change it.
    async fn existing(
        &mut self,
        row: usize,
        table: Table,
        external_id: Option<&str>,
    ) -> Result<Option<Uuid>> {
        let Some(external_id) = external_id else {
            return Ok(None);
        };
        let found = self.by_external_id(table, external_id).await?;
        Ok(self.writable(row, table, found, external_id))
    }

    fn writable(
        &mut self,
        row: usize,
        table: Table,
        found: Option<Found>,
        value: &str,
    ) -> Option<Uuid> {
        let found = found?;
        if !self.scope.may_write(found.owner_id) {
            let whose = match found.owner_id {
                Some(_) => "it belongs to someone outside your reporting line",
                None => "it is in the shared pool; claim it first",
            };
            let msg = format!("you may not change this {}: {whose}", table.noun());
            self.problem(row, "external_id", codes::NOT_ALLOWED, value, msg);
        }
        Some(found.id)
    }

    // --- accounts ----------------------------------------------------------------------

    async fn account(&mut self, r: AccountRow) -> Result<()> {
        // Without an external id, an account of the same name is the same account.
        let existing = match r.external_id.as_deref() {
            Some(_) => {
                self.existing(r.row, Table::Accounts, r.external_id.as_deref())
                    .await?
            }
            None => {
                let found = self.by_name(Table::Accounts, &r.name).await?;
                self.writable(r.row, Table::Accounts, found, &r.name)
            }
        };
        let owner = self.owner(r.row, r.owner.as_ref()).await?;
        let size = match r.size.map(i32::try_from) {
            Some(Err(_)) => {
                let value = r.size.unwrap_or_default().to_string();
                let msg = format!("{value} employees is more than keel can store");
                self.problem(r.row, "size", codes::OUT_OF_RANGE, &value, msg);
                None
            }
            Some(Ok(n)) => Some(n),
            None => None,
        };
        if self.row_failed {
            return Ok(());
        }
        let tags = normalise_tags(&r.tags.join(","));
        let id = match existing {
            Some(id) => {
                self.update_account(id, &r, size, &tags, owner).await?;
                id
            }
            None => self.insert_account(&r, size, &tags, owner).await?,
        };
        self.count("accounts", existing.is_none());
        if let Some(parent) = r.parent {
            match self.find_link(&[Table::Accounts], &parent).await? {
                Some((_, parent)) => self.set_parent(r.row, id, parent.id).await?,
                None => self.parents.push(Pending {
                    row: r.row,
                    id,
                    reference: parent,
                }),
            }
        }
        Ok(())
    }

    async fn insert_account(
        &mut self,
        r: &AccountRow,
        size: Option<i32>,
        tags: &str,
        owner: Option<Uuid>,
    ) -> Result<Uuid> {
        let id = new_id();
        let owner = owner.unwrap_or(self.opts.actor.id);
        with_tx!(&mut *self.tx, c => {
            sqlx::query(
                "INSERT INTO accounts (id, name, industry, size, region, status, tags, notes, \
                 owner_id, owned_since, external_id, created_at, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, 'prospect', $6, $7, $8, $9, $10, $9, $9)",
            )
            .bind(id)
            .bind(&r.name)
            .bind(&r.industry)
            .bind(size)
            .bind(&r.region)
            .bind(tags)
            .bind(&r.notes)
            .bind(owner)
            .bind(self.at)
            .bind(&r.external_id)
            .execute(c)
            .await?;
        });
        Ok(id)
    }

    /// Updates the fields the file gives; empty cells keep what is stored.
    async fn update_account(
        &mut self,
        id: Uuid,
        r: &AccountRow,
        size: Option<i32>,
        tags: &str,
        owner: Option<Uuid>,
    ) -> Result<()> {
        with_tx!(&mut *self.tx, c => {
            sqlx::query(
                "UPDATE accounts SET name = $2, industry = COALESCE($3, industry), \
                 size = COALESCE($4, size), region = COALESCE($5, region), \
                 tags = CASE WHEN $6 = '' THEN tags ELSE $6 END, notes = COALESCE($7, notes), \
                 owned_since = CASE WHEN $8 IS NOT NULL AND (owner_id IS NULL OR owner_id <> $8) \
                 THEN $9 ELSE owned_since END, owner_id = COALESCE($8, owner_id), updated_at = $9 \
                 WHERE id = $1",
            )
            .bind(id)
            .bind(&r.name)
            .bind(&r.industry)
            .bind(size)
            .bind(&r.region)
            .bind(tags)
            .bind(&r.notes)
            .bind(owner)
            .bind(self.at)
            .execute(c)
            .await?;
        });
        Ok(())
    }

    /// Sets an account's parent unless that would close a loop of parents.
    async fn set_parent(&mut self, row: usize, id: Uuid, parent: Uuid) -> Result<()> {
        let ancestors = "(WITH RECURSIVE up(id) AS (SELECT $1 UNION \
             SELECT a.parent_id FROM accounts a JOIN up ON a.id = up.id \
             WHERE a.parent_id IS NOT NULL) SELECT id FROM up)";
        let sql = format!("SELECT COUNT(*) FROM {ancestors} AS u WHERE u.id = $2");
        let loops: i64 = with_tx!(&mut *self.tx, c => {
            sqlx::query_scalar(sqlx::AssertSqlSafe(sql)).bind(parent).bind(id).fetch_one(c).await?
        });
        if loops > 0 {
            let msg = "this parent account would make the account its own ancestor".to_owned();
            self.problem(row, "parent", codes::CYCLE, "", msg);
            return Ok(());
        }
        with_tx!(&mut *self.tx, c => {
            sqlx::query("UPDATE accounts SET parent_id = $2 WHERE id = $1")
                .bind(id)
                .bind(parent)
                .execute(c)
                .await?;
        });
        Ok(())
    }

    // --- contacts ----------------------------------------------------------------------

    async fn contact(&mut self, r: ContactRow) -> Result<()> {
        let existing = self
            .existing(r.row, Table::Contacts, r.external_id.as_deref())
            .await?;
        let owner = self.owner(r.row, r.owner.as_ref()).await?;
        let account = self
            .link(r.row, "account", Table::Accounts, r.account.as_ref())
            .await?;
        if self.row_failed {
            return Ok(());
        }
        match existing {
            Some(id) => {
                with_tx!(&mut *self.tx, c => {
                    sqlx::query(
                        "UPDATE contacts SET name = $2, title = COALESCE($3, title), \
                         phone = COALESCE($4, phone), email = COALESCE($5, email), \
                         notes = COALESCE($6, notes), account_id = COALESCE($7, account_id), \
                         owner_id = COALESCE($8, owner_id), updated_at = $9 WHERE id = $1",
                    )
                    .bind(id)
                    .bind(&r.name)
                    .bind(&r.title)
                    .bind(&r.phone)
                    .bind(&r.email)
                    .bind(&r.notes)
                    .bind(account)
                    .bind(owner)
                    .bind(self.at)
                    .execute(c)
                    .await?;
                });
            }
            None => {
                with_tx!(&mut *self.tx, c => {
                    sqlx::query(
                        "INSERT INTO contacts (id, account_id, name, title, phone, email, notes, \
                         owner_id, external_id, created_at, updated_at) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10)",
                    )
                    .bind(new_id())
                    .bind(account)
                    .bind(&r.name)
                    .bind(&r.title)
                    .bind(&r.phone)
                    .bind(&r.email)
                    .bind(&r.notes)
                    .bind(owner.unwrap_or(self.opts.actor.id))
                    .bind(&r.external_id)
                    .bind(self.at)
                    .execute(c)
                    .await?;
                });
            }
        }
        self.count("contacts", existing.is_none());
        Ok(())
    }

    // --- leads -------------------------------------------------------------------------

    async fn lead(&mut self, r: LeadRow) -> Result<()> {
        let existing = self
            .existing(r.row, Table::Leads, r.external_id.as_deref())
            .await?;
        let owner = self.owner(r.row, r.owner.as_ref()).await?;
        let status = match r.status.as_deref() {
            None => None,
            Some(text) => match lead_status(text) {
                Some(status) => Some(status),
                None => {
                    let msg = format!(
                        "unknown lead status \"{text}\"; accepted: {} (or ignore the column)",
                        LEAD_STATUSES.join(", ")
                    );
                    self.problem(r.row, "status", codes::UNKNOWN_STATUS, text, msg);
                    None
                }
            },
        };
        if self.row_failed {
            return Ok(());
        }
        match existing {
            Some(id) => {
                let before = rollups::facts_in(self.tx, self.zone, Source::Lead(id)).await?;
                with_tx!(&mut *self.tx, c => {
                    sqlx::query(
                        "UPDATE leads SET name = $2, company = COALESCE($3, company), \
                         email = COALESCE($4, email), phone = COALESCE($5, phone), \
                         source = COALESCE($6, source), status = COALESCE($7, status), \
                         industry = COALESCE($8, industry), notes = COALESCE($9, notes), \
                         owned_since = CASE WHEN $10 IS NOT NULL AND (owner_id IS NULL OR owner_id <> $10) \
                         THEN $11 ELSE owned_since END, owner_id = COALESCE($10, owner_id), \
                         updated_at = $11 WHERE id = $1",
                    )
                    .bind(id)
                    .bind(&r.name)
                    .bind(&r.company)
                    .bind(&r.email)
                    .bind(&r.phone)
                    .bind(&r.source)
                    .bind(status)
                    .bind(&r.industry)
                    .bind(&r.notes)
                    .bind(owner)
                    .bind(self.at)
                    .execute(c)
                    .await?;
                });
                self.ledger
                    .settle(self.tx, self.zone, Source::Lead(id), before)
                    .await?;
            }
            None => {
                with_tx!(&mut *self.tx, c => {
                    sqlx::query(
                        "INSERT INTO leads (id, name, company, email, phone, source, status, industry, \
                         notes, owner_id, owned_since, external_id, created_at, updated_at) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $11, $11)",
                    )
                    .bind(new_id())
                    .bind(&r.name)
                    .bind(&r.company)
                    .bind(&r.email)
                    .bind(&r.phone)
                    .bind(&r.source)
                    .bind(status.unwrap_or("new"))
                    .bind(&r.industry)
                    .bind(&r.notes)
                    .bind(owner.unwrap_or(self.opts.actor.id))
                    .bind(self.at)
                    .bind(&r.external_id)
                    .execute(c)
                    .await?;
                });
            }
        }
        self.count("leads", existing.is_none());
        Ok(())
    }

    // --- deals -------------------------------------------------------------------------

    async fn deal(&mut self, r: DealRow) -> Result<()> {
        let existing = self
            .existing(r.row, Table::Deals, r.external_id.as_deref())
            .await?;
        let owner = self.owner(r.row, r.owner.as_ref()).await?;
        let account = self
            .link(r.row, "account", Table::Accounts, r.account.as_ref())
            .await?;
        let contact = self
            .link(r.row, "contact", Table::Contacts, r.contact.as_ref())
            .await?;
        let stage = self.deal_stage(&r);
        if let Some(amount) = r.amount_minor.filter(|a| *a < 0) {
            let value = major_units(amount);
            let msg = format!("the amount {value} is negative");
            self.problem(r.row, "amount", codes::OUT_OF_RANGE, &value, msg);
        }
        if self.row_failed {
            return Ok(());
        }
        let links = DealLinks {
            owner,
            account,
            contact,
        };
        match existing {
            Some(id) => self.update_deal(id, &r, stage, &links).await?,
            None => self.insert_deal(&r, stage, &links).await?,
        }
        self.count("deals", existing.is_none());
        Ok(())
    }

    /// The stage a row names (after the caller's stage map), or that its won/closed flags
    /// imply; an unknown name is a problem that lists the accepted names.
    fn deal_stage(&mut self, r: &DealRow) -> Option<Stage> {
        match r.stage.as_deref() {
            Some(name) => {
                let stage = self.stages.named(name).cloned();
                if stage.is_none() {
                    let msg = format!(
                        "unknown stage \"{name}\"; accepted stages: {}",
                        self.stages.accepted()
                    );
                    self.problem(r.row, "stage", codes::UNKNOWN_STAGE, name, msg);
                }
                stage
            }
            None if r.is_won == Some(true) => self.stages.in_category(Category::Won).cloned(),
            None if r.is_closed == Some(true) => self.stages.in_category(Category::Lost).cloned(),
            None => None,
        }
    }

    /// When a deal in `stage` closed: the file's close date, else what is stored, else now.
    fn closed_at(
        &self,
        stage: &Stage,
        close_date: Option<NaiveDate>,
        stored: Option<DateTime<Utc>>,
    ) -> Option<DateTime<Utc>> {
        category_of(stage).is_closed().then(|| {
            close_date
                .map(|d| midnight(self.zone, d))
                .or(stored)
                .unwrap_or(self.at)
        })
    }

    async fn insert_deal(
        &mut self,
        r: &DealRow,
        stage: Option<Stage>,
        l: &DealLinks,
    ) -> Result<()> {
        let Some(stage) = stage.or_else(|| self.stages.first().cloned()) else {
            let msg = "the database has no default pipeline to import deals into".to_owned();
            self.problem(r.row, "stage", codes::UNKNOWN_STAGE, "", msg);
            return Ok(());
        };
        let id = new_id();
        let entered = r.created.map(|d| midnight(self.zone, d)).unwrap_or(self.at);
        let closed = self.closed_at(&stage, r.close_date, None);
        let owner = l.owner.unwrap_or(self.opts.actor.id);
        let currency = r.currency.as_deref().unwrap_or("CNY");
        let amount = r.amount_minor.unwrap_or(0);
        self.inserts.deals.push([
            Value::Id(Some(id)),
            Value::text(Some(&r.name)),
            Value::Int(Some(amount)),
            Value::text(Some(currency)),
            Value::Id(Some(stage.pipeline_id)),
            Value::Id(Some(stage.id)),
            Value::Time(Some(entered)),
            Value::Date(r.close_date),
            Value::Time(closed),
            Value::Id(Some(owner)),
            Value::Id(l.account),
            Value::Id(l.contact),
            Value::text(r.kind.as_deref()),
            Value::text(r.source.as_deref()),
            Value::text(r.loss_reason.as_deref()),
            Value::text(r.external_id.as_deref()),
            Value::Time(Some(entered)),
            Value::Time(Some(self.at)),
        ]);
        // The facts `rollups::facts_of` would read back from the row just written.
        let facts = m::deal_contributions(&m::DealFacts {
            owner,
            created: self.zone.day_of(entered),
            amount_minor: amount,
            currency: currency.to_owned(),
            category: category_of(&stage),
            closed: closed.map(|c| self.zone.day_of(c)),
        });
        self.ledger.add(facts, 1);
        if let Some(external_id) = &r.external_id {
            let found = Found {
                id,
                owner_id: Some(owner),
                account_id: l.account,
            };
            self.lookups.created(Table::Deals, external_id, found);
        }
        self.stage_history(id, None, stage.id, entered);
        Ok(())
    }

    async fn update_deal(
        &mut self,
        id: Uuid,
        r: &DealRow,
        stage: Option<Stage>,
        l: &DealLinks,
    ) -> Result<()> {
        #[derive(sqlx::FromRow)]
        struct Stored {
            stage_id: Uuid,
            stage_entered_at: DateTime<Utc>,
            closed_at: Option<DateTime<Utc>>,
        }
        self.write_inserts().await?;
        let before = rollups::facts_in(self.tx, self.zone, Source::Deal(id)).await?;
        let stored: Stored = with_tx!(&mut *self.tx, c => {
            sqlx::query_as("SELECT stage_id, stage_entered_at, closed_at FROM deals WHERE id = $1")
                .bind(id)
                .fetch_one(c)
                .await?
        });
        let stage = match stage.or_else(|| self.stages.by_id(stored.stage_id).cloned()) {
            Some(stage) => stage,
            None => return Err(DbError::Conflict("unknown_stage")),
        };
        let moved = stage.id != stored.stage_id;
        let entered = if moved {
            self.at
        } else {
            stored.stage_entered_at
        };
        let closed = self.closed_at(&stage, r.close_date, stored.closed_at);
        with_tx!(&mut *self.tx, c => {
            sqlx::query(
                "UPDATE deals SET name = $2, amount_minor = COALESCE($3, amount_minor), \
                 currency = COALESCE($4, currency), pipeline_id = $5, stage_id = $6, \
                 stage_entered_at = $7, expected_close = COALESCE($8, expected_close), closed_at = $9, \
                 owner_id = COALESCE($10, owner_id), account_id = COALESCE($11, account_id), \
                 contact_id = COALESCE($12, contact_id), kind = COALESCE($13, kind), \
                 source = COALESCE($14, source), loss_reason = COALESCE($15, loss_reason), \
                 updated_at = $16 WHERE id = $1",
            )
            .bind(id)
            .bind(&r.name)
            .bind(r.amount_minor)
            .bind(&r.currency)
            .bind(stage.pipeline_id)
            .bind(stage.id)
            .bind(entered)
            .bind(r.close_date)
            .bind(closed)
            .bind(l.owner)
            .bind(l.account)
            .bind(l.contact)
            .bind(&r.kind)
            .bind(&r.source)
            .bind(&r.loss_reason)
            .bind(self.at)
            .execute(c)
            .await?;
        });
        self.ledger
            .settle(self.tx, self.zone, Source::Deal(id), before)
            .await?;
        if moved {
            self.stage_history(id, Some(stored.stage_id), stage.id, self.at);
        }
        Ok(())
    }

    fn stage_history(&mut self, deal: Uuid, from: Option<Uuid>, to: Uuid, at: DateTime<Utc>) {
        self.inserts.history.push([
            Value::Id(Some(new_id())),
            Value::Id(Some(deal)),
            Value::Id(from),
            Value::Id(Some(to)),
            Value::Id(Some(self.opts.actor.id)),
            Value::Time(Some(at)),
        ]);
    }

    // --- activities --------------------------------------------------------------------

    async fn activity(&mut self, r: ActivityRow) -> Result<()> {
        let existing = self
            .existing(r.row, Table::Activities, r.external_id.as_deref())
            .await?;
        let owner = self.owner(r.row, r.owner.as_ref()).await?;
        let links = self.activity_links(r.row, r.related.as_ref()).await?;
        if self.row_failed {
            return Ok(());
        }
        // When it happens: its own time, else its due date in the morning, else now.
        let zone = self.zone;
        let at = r.at.map(|t| utc(zone, t)).or(r
            .due
            .map(|d| zone.from_local(d.and_time(NaiveTime::MIN) + chrono::TimeDelta::hours(9))));
        match existing {
            Some(id) => self.update_activity(id, &r, at, owner, &links).await?,
            None => {
                let at = at.unwrap_or(self.at);
                self.insert_activity(&r, at, owner, &links).await?;
            }
        }
        self.count("activities", existing.is_none());
        Ok(())
    }

    /// The record an activity is about, tried as a deal, account, contact, then lead; a deal
    /// or contact also links the activity to its account, for the account's timeline.
    async fn activity_links(&mut self, row: usize, r: Option<&RecordRef>) -> Result<ActivityLinks> {
        let mut links = ActivityLinks::default();
        let Some(r) = r else { return Ok(links) };
        let tables = [Table::Deals, Table::Accounts, Table::Contacts, Table::Leads];
        let Some((table, found)) = self.find_link(&tables, r).await? else {
            let label = record_label(r);
            let msg = format!("no deal, account, contact or lead \"{label}\" found by id or name");
            self.problem(row, "related", codes::UNKNOWN_LINK, &label, msg);
            return Ok(links);
        };
        links.account = found.account_id;
        match table {
            Table::Deals => links.deal = Some(found.id),
            Table::Contacts => links.contact = Some(found.id),
            Table::Leads => links.lead = Some(found.id),
            Table::Accounts | Table::Activities => {}
        }
        Ok(links)
    }

    /// When a done activity was done: as stored, else when it happened (not in the future).
    fn done_at(
        &self,
        done: Option<bool>,
        at: DateTime<Utc>,
        stored: Option<DateTime<Utc>>,
    ) -> Option<DateTime<Utc>> {
        match done {
            Some(true) => Some(stored.unwrap_or(at.min(self.at))),
            Some(false) => None,
            None => stored,
        }
    }

    async fn insert_activity(
        &mut self,
        r: &ActivityRow,
        at: DateTime<Utc>,
        owner: Option<Uuid>,
        l: &ActivityLinks,
    ) -> Result<()> {
        let done = self.done_at(r.done, at, None);
        let check_in = (r.kind == "visit").then_some(at);
        let id = new_id();
        let owner = owner.unwrap_or(self.opts.actor.id);
        self.inserts.activities.push([
            Value::Id(Some(id)),
            Value::text(Some(&r.kind)),
            Value::text(Some(&r.subject)),
            Value::text(r.notes.as_deref()),
            Value::Id(Some(owner)),
            Value::Time(Some(at)),
            Value::Date(r.due),
            Value::Time(done),
            Value::Id(l.account),
            Value::Id(l.contact),
            Value::Id(l.deal),
            Value::Id(l.lead),
            Value::Time(check_in),
            Value::text(r.external_id.as_deref()),
            Value::Time(Some(self.at)),
        ]);
        // The facts `rollups::facts_of` would read back from the row just written.
        let facts = m::activity_contributions(&m::ActivityFacts {
            owner,
            kind: r.kind.clone(),
            at: self.zone.day_of(at),
            due: r.due,
            done: done.map(|d| self.zone.day_of(d)),
        });
        self.ledger.add(facts, 1);
        if let Some(external_id) = &r.external_id {
            let found = Found {
                id,
                owner_id: Some(owner),
                account_id: l.account,
            };
            self.lookups.created(Table::Activities, external_id, found);
        }
        self.follow_up(l, at);
        Ok(())
    }

    async fn update_activity(
        &mut self,
        id: Uuid,
        r: &ActivityRow,
        at: Option<DateTime<Utc>>,
        owner: Option<Uuid>,
        l: &ActivityLinks,
    ) -> Result<()> {
        #[derive(sqlx::FromRow)]
        struct Stored {
            at: DateTime<Utc>,
            done_at: Option<DateTime<Utc>>,
        }
        self.write_inserts().await?;
        let before = rollups::facts_in(self.tx, self.zone, Source::Activity(id)).await?;
        let stored: Stored = with_tx!(&mut *self.tx, c => {
            sqlx::query_as("SELECT at, done_at FROM activities WHERE id = $1")
                .bind(id)
                .fetch_one(c)
                .await?
        });
        let at = at.unwrap_or(stored.at);
        let done = self.done_at(r.done, at, stored.done_at);
        with_tx!(&mut *self.tx, c => {
            sqlx::query(
                "UPDATE activities SET kind = $2, subject = $3, notes = COALESCE($4, notes), \
                 owner_id = COALESCE($5, owner_id), at = $6, due_date = COALESCE($7, due_date), \
                 done_at = $8, account_id = COALESCE($9, account_id), \
                 contact_id = COALESCE($10, contact_id), deal_id = COALESCE($11, deal_id), \
                 lead_id = COALESCE($12, lead_id) WHERE id = $1",
            )
            .bind(id)
            .bind(&r.kind)
            .bind(&r.subject)
            .bind(&r.notes)
            .bind(owner)
            .bind(at)
            .bind(r.due)
            .bind(done)
            .bind(l.account)
            .bind(l.contact)
            .bind(l.deal)
            .bind(l.lead)
            .execute(c)
            .await?;
        });
        self.ledger
            .settle(self.tx, self.zone, Source::Activity(id), before)
            .await?;
        self.follow_up(l, at);
        Ok(())
    }

    /// An activity is a follow-up of its account and lead, which keeps them out of the
    /// pool's automatic return (as when it is logged in the app).
    fn follow_up(&mut self, l: &ActivityLinks, at: DateTime<Utc>) {
        for (table, id) in [("accounts", l.account), ("leads", l.lead)] {
            let Some(id) = id else { continue };
            let newest = self.follow_ups.entry((table, id)).or_insert(at);
            *newest = (*newest).max(at);
        }
    }

    // --- people ------------------------------------------------------------------------

    /// A person from a people file, matched by e-mail (or, without one, by name). Passwords
    /// are never touched; managers are set once the whole file is in.
    async fn person_row(&mut self, r: PersonRow) -> Result<()> {
        if !self.manages_people() {
            return Ok(()); // reported once for the file
        }
        let existing = find_person_row(self.tx, &r).await?;
        let role = r.role.as_deref().and_then(role_from_text);
        let created = existing.is_none();
        let id = match existing {
            Some(stored) => {
                // A file that spells the name in English keeps the Chinese name.
                let name = if r.name == stored.name || Some(&r.name) == stored.name_en.as_ref() {
                    stored.name
                } else {
                    r.name.clone()
                };
                let sort_key = keel_domain::people::sort_key(&name, stored.name_en.as_deref());
                with_tx!(&mut *self.tx, c => {
                    sqlx::query(
                        "UPDATE people SET name = $2, title = COALESCE($3, title), \
                         role = COALESCE($4, role), sort_key = $5, updated_at = $6 WHERE id = $1",
                    )
                    .bind(stored.id)
                    .bind(&name)
                    .bind(&r.title)
                    .bind(role.map(Role::as_str))
                    .bind(sort_key)
                    .bind(self.at)
                    .execute(c)
                    .await?;
                });
                stored.id
            }
            None => {
                let id = new_id();
                let input = PersonInput {
                    name: r.name.clone(),
                    email: r.email.as_deref().map(|e| e.trim().to_lowercase()),
                    title: r.title.clone(),
                    role: role.unwrap_or(Role::Member).as_str().into(),
                    ..PersonInput::default()
                };
                insert_person(self.tx, id, &input, None, self.at).await?;
                id
            }
        };
        self.count("people", created);
        if let Some(manager) = r.manager {
            self.managers.push(Pending {
                row: r.row,
                id,
                reference: manager,
            });
        }
        Ok(())
    }
}

fn table_of(entity: Entity) -> &'static str {
    match entity {
        Entity::Accounts => "accounts",
        Entity::Contacts => "contacts",
        Entity::Leads => "leads",
        Entity::Deals => "deals",
        Entity::Activities => "activities",
        Entity::People => "people",
    }
}

struct DealLinks {
    owner: Option<Uuid>,
    account: Option<Uuid>,
    contact: Option<Uuid>,
}

#[derive(Default)]
struct ActivityLinks {
    account: Option<Uuid>,
    contact: Option<Uuid>,
    deal: Option<Uuid>,
    lead: Option<Uuid>,
}

/// The name for a person created from a bare reference.
fn person_label_name(who: &PersonRef) -> String {
    who.name
        .clone()
        .or_else(|| who.email.clone())
        .or_else(|| who.external_id.clone())
        .unwrap_or_else(|| "?".into())
}

/// A person by e-mail (lower-cased), then by exact name or English name. Active people come
/// first, but deactivated ones match too: records of people who left stay theirs, and a
/// re-import finds the owners an earlier run created.
async fn find_person(tx: &mut Tx, who: &PersonRef) -> Result<Option<Uuid>> {
    if let Some(email) = who.email.as_deref().map(|e| e.trim().to_lowercase()) {
        let id: Option<Uuid> = with_tx!(&mut *tx, c => {
            sqlx::query_scalar("SELECT id FROM people WHERE email = $1")
                .bind(email)
                .fetch_optional(c)
                .await?
        });
        if id.is_some() {
            return Ok(id);
        }
    }
    let Some(name) = who.name.as_deref().map(str::trim).filter(|n| !n.is_empty()) else {
        return Ok(None);
    };
    Ok(with_tx!(&mut *tx, c => {
        sqlx::query_scalar(
            "SELECT id FROM people WHERE name = $1 OR name_en = $1 ORDER BY active DESC, id LIMIT 1",
        )
        .bind(name)
        .fetch_optional(c)
        .await?
    }))
}

#[derive(sqlx::FromRow)]
struct StoredPerson {
    id: Uuid,
    name: String,
    name_en: Option<String>,
}

async fn find_person_row(tx: &mut Tx, r: &PersonRow) -> Result<Option<StoredPerson>> {
    let (sql, key) = match r.email.as_deref() {
        Some(email) => (
            "SELECT id, name, name_en FROM people WHERE email = $1",
            email.trim().to_lowercase(),
        ),
        None => (
            "SELECT id, name, name_en FROM people WHERE name = $1 OR name_en = $1 \
             ORDER BY active DESC, id LIMIT 1",
            r.name.clone(),
        ),
    };
    Ok(with_tx!(tx, c => {
        sqlx::query_as(sql).bind(key).fetch_optional(c).await?
    }))
}

/// Our role for a role cell; other systems' role names (`CEO`, `Standard User`) give `None`
/// so nobody gains rights by accident.
fn role_from_text(text: &str) -> Option<Role> {
    match text.trim() {
        "管理员" => Some(Role::Admin),
        "总监" => Some(Role::Director),
        "经理" => Some(Role::Manager),
        "成员" => Some(Role::Member),
        other => Role::parse(&other.to_lowercase()),
    }
}

pub const LEAD_STATUSES: [&str; 5] = ["new", "contacted", "qualified", "converted", "lost"];

/// Our lead status for the statuses Zoho, Salesforce, HubSpot and Chinese sheets use.
fn lead_status(text: &str) -> Option<&'static str> {
    let t = fold(text);
    if let Some(s) = LEAD_STATUSES.iter().find(|s| **s == t) {
        return Some(s);
    }
    let has = |needles: &[&str]| needles.iter().any(|n| t.contains(n));
    if has(&[
        "notconverted",
        "notqualified",
        "unqualified",
        "junk",
        "lost",
        "bad",
        "无效",
        "丢失",
        "不合格",
        "关闭",
    ]) {
        Some("lost")
    } else if has(&["converted", "opendeal", "转化"]) {
        Some("converted")
    } else if has(&["notcontacted", "new", "open", "新"]) {
        Some("new")
    } else if has(&["qualif", "合格"]) {
        Some("qualified")
    } else if has(&[
        "contact", "connect", "working", "attempt", "progress", "联系", "跟进",
    ]) {
        Some("contacted")
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lead_statuses_of_other_systems() {
        let table = [
            ("New", Some("new")),
            ("Open - Not Contacted", Some("new")),
            ("Working - Contacted", Some("contacted")),
            ("ATTEMPTED_TO_CONNECT", Some("contacted")),
            ("Pre-Qualified", Some("qualified")),
            ("Closed - Converted", Some("converted")),
            ("Closed - Not Converted", Some("lost")),
            ("Junk Lead", Some("lost")),
            ("UNQUALIFIED", Some("lost")),
            ("已联系", Some("contacted")),
            ("新线索", Some("new")),
            ("whatever", None),
        ];
        for (text, expected) in table {
            assert_eq!(lead_status(text), expected, "{text}");
        }
    }

    #[test]
    fn stage_names_fold_punctuation_and_case() {
        assert_eq!(fold("Negotiation/Review"), "negotiationreview");
        assert_eq!(fold("Closed-Won"), "closedwon");
        assert_eq!(fold(" 赢单 "), "赢单");
    }

    #[test]
    fn only_our_role_names_grant_roles() {
        assert_eq!(role_from_text("Admin"), Some(Role::Admin));
        assert_eq!(role_from_text("经理"), Some(Role::Manager));
        assert_eq!(role_from_text("CEO"), None);
        assert_eq!(role_from_text("Standard User"), None);
    }
}
