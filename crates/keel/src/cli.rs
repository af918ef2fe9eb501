//! The command line. Every option can also come from a `KEEL_*` environment variable or from
//! `keel.toml`; flags win over variables, which win over the file.

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::net::SocketAddr;
use std::path::PathBuf;

#[derive(Parser)]
#[command(
    name = "keel",
    version,
    about = "keel: the CRM and people-management system an account director runs a team with.",
    long_about = "keel: the CRM and people-management system an account director runs a team with.\n\n\
        Without a command, `keel` serves the web application. It keeps its data in an embedded \
        SQLite database under ./keel-data/ unless --database-url points at PostgreSQL."
)]
pub struct Cli {
    #[command(flatten)]
    pub global: Global,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Args, Default, Clone)]
pub struct Global {
    /// Configuration file (TOML). Defaults to ./keel.toml when that file exists.
    #[arg(long, env = "KEEL_CONFIG", global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Database: sqlite://PATH or postgres://USER:PASSWORD@HOST/DATABASE.
    /// Defaults to SQLite at <data-dir>/keel.db.
    #[arg(
        long,
        env = "KEEL_DATABASE_URL",
        global = true,
        value_name = "URL",
        hide_env_values = true
    )]
    pub database_url: Option<String>,
    /// Folder for the embedded SQLite database (created if missing). Default: ./keel-data
    #[arg(long, env = "KEEL_DATA_DIR", global = true, value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
    /// Address and port to serve on. Default: 127.0.0.1:8080
    #[arg(long, env = "KEEL_LISTEN", global = true, value_name = "ADDR")]
    pub listen: Option<SocketAddr>,
    /// Log line format. Default: text
    #[arg(long, env = "KEEL_LOG_FORMAT", global = true, value_enum)]
    pub log_format: Option<LogFormat>,
    /// Log filter, e.g. `info` or `keel_web=debug,info`. Default: info
    #[arg(long, env = "KEEL_LOG", global = true, value_name = "FILTER")]
    pub log: Option<String>,
    /// Largest database connection pool per server. Default: 8
    #[arg(long, env = "KEEL_DB_MAX_CONNECTIONS", global = true, value_name = "N")]
    pub db_max_connections: Option<u32>,
    /// Seconds to wait for a database connection before giving up. Default: 5
    #[arg(
        long,
        env = "KEEL_DB_CONNECT_TIMEOUT",
        global = true,
        value_name = "SECONDS"
    )]
    pub db_connect_timeout: Option<u64>,
    /// Mark cookies Secure; set this when users reach keel over HTTPS.
    #[arg(long, env = "KEEL_COOKIE_SECURE", global = true, num_args = 0..=1, default_missing_value = "true",
        value_parser = clap::builder::BoolishValueParser::new(), value_name = "BOOL")]
    pub cookie_secure: Option<bool>,
    /// Take the client address from X-Forwarded-For (only behind your own proxy).
    #[arg(long, env = "KEEL_TRUST_FORWARDED_FOR", global = true, num_args = 0..=1, default_missing_value = "true",
        value_parser = clap::builder::BoolishValueParser::new(), value_name = "BOOL")]
    pub trust_forwarded_for: Option<bool>,
    /// Minutes a session may sit unused before it ends. Default: 720
    #[arg(
        long,
        env = "KEEL_SESSION_IDLE_MINUTES",
        global = true,
        value_name = "MINUTES"
    )]
    pub session_idle_minutes: Option<u64>,
    /// Hours after login when a session ends however busy. Default: 336
    #[arg(
        long,
        env = "KEEL_SESSION_ABSOLUTE_HOURS",
        global = true,
        value_name = "HOURS"
    )]
    pub session_absolute_hours: Option<u64>,
    /// Largest request body accepted, in KiB. Default: 2048
    #[arg(long, env = "KEEL_BODY_LIMIT_KIB", global = true, value_name = "KIB")]
    pub body_limit_kib: Option<usize>,
    /// Rendered dashboards kept per server process (0 turns the cache off, e.g. to measure
    /// the uncached cost). Default: 256
    #[arg(
        long,
        env = "KEEL_DASHBOARD_CACHE",
        global = true,
        value_name = "ENTRIES"
    )]
    pub dashboard_cache: Option<usize>,
    /// SMTP server for notification e-mail: smtp://HOST:PORT (plain), smtp://HOST:587?tls=required
    /// (STARTTLS) or smtps://USER:PASSWORD@HOST:465. Without it keel sends no e-mail.
    #[arg(
        long,
        env = "KEEL_SMTP_URL",
        global = true,
        value_name = "URL",
        hide_env_values = true
    )]
    pub smtp_url: Option<String>,
    /// Sender of notification e-mail, e.g. "keel <keel@example.com>". Required with --smtp-url.
    #[arg(long, env = "KEEL_SMTP_FROM", global = true, value_name = "ADDRESS")]
    pub smtp_from: Option<String>,
    /// The address people open keel at, for links in e-mail, e.g. https://keel.example.com.
    /// Default: http:// and the listen address.
    #[arg(long, env = "KEEL_PUBLIC_URL", global = true, value_name = "URL")]
    pub public_url: Option<String>,
}

#[derive(Clone, Copy, ValueEnum, serde::Deserialize, PartialEq, Eq, Debug)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    Text,
    Json,
}

#[derive(Subcommand)]
pub enum Command {
    /// Serve the web application (the default). Applies pending migrations first.
    Serve(ServeArgs),
    /// Apply pending database migrations and exit.
    Migrate,
    /// Load the demo organisation into an empty database and print its logins.
    Demo,
    /// Write a consistent copy of the SQLite database to FILE, safely while keel serves.
    /// On PostgreSQL, explains how to use pg_dump instead.
    Backup {
        /// Where to write the copy; must not exist yet.
        #[arg(long, value_name = "FILE")]
        to: PathBuf,
    },
    /// Check the configuration and that the database is reachable and migrated. Changes no
    /// data (for SQLite it creates the data folder and an empty database file if missing).
    Check,
    /// Personal API tokens.
    #[command(subcommand)]
    Token(TokenCommand),
    /// Import CRM records from a Zoho, Salesforce or HubSpot export, or any CSV or XLSX file.
    /// All or nothing: a file with any problem writes nothing, and every problem is listed by
    /// row and column. Re-importing a file updates the rows it created (by their ids in the
    /// file) instead of adding them again.
    Import(ImportArgs),
    /// Export the records a person may see to CSV (UTF-8 with a BOM, for Excel) or XLSX, with
    /// column names that `keel import --source csv` reads back.
    Export(ExportArgs),
    /// The per-person daily metric totals that goals and dashboards read.
    #[command(subcommand)]
    Rollups(RollupsCommand),
    /// Timed jobs that `keel serve` runs (daily digest, session sweep, cleanup).
    #[command(subcommand)]
    Jobs(JobsCommand),
}

#[derive(Subcommand)]
pub enum JobsCommand {
    /// Print recent runs (newest first) and the failures among them.
    List {
        /// How many recent runs to show.
        #[arg(long, default_value_t = 30)]
        limit: u32,
    },
}

#[derive(Subcommand)]
pub enum RollupsCommand {
    /// Recompute every rollup from the CRM rows, in one transaction.
    Rebuild,
    /// Compare the rollups with a recomputation from the CRM rows and list any difference;
    /// exits non-zero when there is one. Changes nothing.
    Check,
}

#[derive(Args)]
pub struct ImportArgs {
    /// The system the file comes from. `csv` and `xlsx` both mean keel's own field names
    /// (as `keel export` writes them) or common Chinese headers; the file format is detected
    /// either way.
    #[arg(long, value_enum)]
    pub source: ImportSource,
    /// What each row of the file is.
    #[arg(long, value_enum)]
    pub entity: ImportEntity,
    /// The CSV or XLSX file (UTF-8 or GBK/GB18030 text; the first sheet of a workbook).
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    /// Check the whole file and list every problem, writing nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Read the column headed SRC as FIELD, e.g. --map "Region Owner=owner.email";
    /// FIELD `-` ignores the column. Repeat for several columns.
    #[arg(long = "map", value_name = "SRC=FIELD", value_parser = parse_pair)]
    pub map: Vec<(String, String)>,
    /// Read the deal stage NAME as our stage STAGE, e.g. --stage-map "Verbal=Negotiation/Review".
    /// Repeat for several stages.
    #[arg(long = "stage-map", value_name = "NAME=STAGE", value_parser = parse_pair)]
    pub stage_map: Vec<(String, String)>,
    /// Add owners (and managers) that no person matches as deactivated members without a
    /// password, instead of reporting them as problems.
    #[arg(long)]
    pub create_missing_owners: bool,
    /// Import as this person: named in the audit log, owner of rows that name no owner, and
    /// limited to what they may change in keel. Default: the first active administrator.
    #[arg(long = "as", value_name = "EMAIL")]
    pub as_email: Option<String>,
}

#[derive(Args)]
pub struct ExportArgs {
    /// Which records to export.
    #[arg(long, value_enum)]
    pub entity: ExportEntity,
    /// The file format.
    #[arg(long, value_enum)]
    pub format: ExportFormat,
    /// Where to write; must not exist yet.
    #[arg(long, value_name = "FILE")]
    pub to: PathBuf,
    /// Export what this person may see. Default: the first active administrator (everything).
    #[arg(long = "as", value_name = "EMAIL")]
    pub as_email: Option<String>,
}

#[derive(Clone, Copy, ValueEnum, PartialEq, Eq, Debug)]
pub enum ImportSource {
    Zoho,
    Salesforce,
    Hubspot,
    Csv,
    Xlsx,
}

#[derive(Clone, Copy, ValueEnum, PartialEq, Eq, Debug)]
pub enum ImportEntity {
    Accounts,
    Contacts,
    Leads,
    Deals,
    Activities,
    People,
}

#[derive(Clone, Copy, ValueEnum, PartialEq, Eq, Debug)]
pub enum ExportEntity {
    Accounts,
    Contacts,
    Leads,
    Deals,
    Activities,
}

#[derive(Clone, Copy, ValueEnum, PartialEq, Eq, Debug)]
pub enum ExportFormat {
    Csv,
    Xlsx,
}

/// `A=B` as `(A, B)`, split at the last `=` (a header may contain one, a field never does).
fn parse_pair(text: &str) -> Result<(String, String), String> {
    match text.rsplit_once('=') {
        Some((from, to)) if !from.trim().is_empty() => {
            Ok((from.trim().to_owned(), to.trim().to_owned()))
        }
        _ => Err(format!("expected NAME=VALUE, got \"{text}\"")),
    }
}

#[derive(Subcommand)]
pub enum TokenCommand {
    /// Create an API token for a person and print it (only this once). It carries that
    /// person's permissions: `Authorization: Bearer <token>`.
    Create {
        /// The person's login e-mail.
        #[arg(long)]
        email: String,
        /// A name to recognise the token by.
        #[arg(long, default_value = "cli")]
        name: String,
    },
}

impl Default for Command {
    fn default() -> Self {
        Command::Serve(ServeArgs::default())
    }
}

#[derive(Args, Default)]
pub struct ServeArgs {
    /// Load the demo organisation first if the database is empty.
    #[arg(long, env = "KEEL_DEMO")]
    pub demo: bool,
}
