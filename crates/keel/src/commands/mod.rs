//! One function per command. Each returns an error message for `main` to print as one line.

use crate::cli::{
    Command, ExportArgs, ExportEntity, ExportFormat, ImportArgs, ImportEntity, ImportSource,
    JobsCommand, RollupsCommand,
};
use crate::settings::Settings;
use clap::ValueEnum;
use keel_db::export::{ExportValue, export_columns};
use keel_db::import::{ImportOptions, ImportReport, codes};
use keel_db::visibility::Actor;
use keel_db::{Db, SCHEMA_VERSION, redact_url};
use keel_import::{Entity, Source};
use std::path::Path;

pub async fn run(command: Command, s: Settings) -> Result<(), String> {
    match command {
        Command::Serve(args) => serve(s, args.demo).await,
        Command::Migrate => {
            let db = open(&s).await?;
            let r = db.migrate().await.map_err(|e| e.to_string())?;
            if r.from == r.to {
                println!("database schema is up to date (version {})", r.to);
            } else {
                println!(
                    "database schema migrated from version {} to {}",
                    r.from, r.to
                );
            }
            Ok(())
        }
        Command::Demo => {
            let db = open(&s).await?;
            db.migrate().await.map_err(|e| e.to_string())?;
            let logins = crate::demo::load(&db).await?;
            crate::demo::print_logins(&logins);
            Ok(())
        }
        Command::Backup { to } => {
            let db = open(&s).await?;
            db.backup_to(&to).await.map_err(|e| e.to_string())?;
            println!("backup written to {}", to.display());
            Ok(())
        }
        Command::Check => check(&s).await,
        Command::Token(crate::cli::TokenCommand::Create { email, name }) => {
            let db = open(&s).await?;
            db.migrate().await.map_err(|e| e.to_string())?;
            let person = db
                .credentials(&email)
                .await
                .map_err(|e| e.to_string())?
                .filter(|c| c.active)
                .ok_or_else(|| format!("no active person has the e-mail {email}"))?;
            let name = name.trim();
            if name.is_empty() || name.chars().count() > 100 {
                return Err("the token name must have 1 to 100 characters".into());
            }
            let (_, secret) = keel_web::issue_token(&db, person.id, name)
                .await
                .map_err(|e| e.to_string())?;
            println!("{secret}");
            Ok(())
        }
        Command::Import(args) => import(&s, args).await,
        Command::Export(args) => export(&s, args).await,
        Command::Rollups(command) => rollups(&s, command).await,
        Command::Jobs(JobsCommand::List { limit }) => jobs_list(&s, limit).await,
    }
}

/// Recent runs of the timed jobs, then the failures (and runs that never finished) among
/// the most recent ones.
async fn jobs_list(s: &Settings, limit: u32) -> Result<(), String> {
    let db = open(s).await?;
    db.migrate().await.map_err(|e| e.to_string())?;
    let runs = db.job_runs(false, limit).await.map_err(|e| e.to_string())?;
    if runs.is_empty() {
        println!("no job has run yet (keel serve runs them)");
        return Ok(());
    }
    let outcome = |r: &keel_db::jobs::JobRun| match (r.finished_at, r.ok) {
        (None, _) => "running or cut short".to_owned(),
        (Some(_), Some(true)) => "ok".to_owned(),
        (Some(_), _) => format!("failed: {}", r.error.as_deref().unwrap_or("")),
    };
    let time = |t: chrono::DateTime<chrono::Utc>| t.format("%Y-%m-%d %H:%M:%S UTC").to_string();
    println!(
        "{:<22} {:<24} {:<24} {:>5}  outcome",
        "job", "slot", "finished", "tries"
    );
    for r in &runs {
        println!(
            "{:<22} {:<24} {:<24} {:>5}  {} (on {})",
            r.job,
            time(r.slot),
            r.finished_at.map(time).unwrap_or_else(|| "-".into()),
            r.tries,
            outcome(r),
            r.server
        );
    }
    let failures = db.job_runs(true, limit).await.map_err(|e| e.to_string())?;
    if failures.is_empty() {
        println!("\nno failures");
    } else {
        println!("\nfailures:");
        for r in &failures {
            println!("{:<22} {:<24} {}", r.job, time(r.slot), outcome(r));
        }
    }
    Ok(())
}

async fn rollups(s: &Settings, command: RollupsCommand) -> Result<(), String> {
    let db = open(s).await?;
    db.migrate().await.map_err(|e| e.to_string())?;
    match command {
        RollupsCommand::Rebuild => {
            let cells = db.rebuild_rollups().await.map_err(|e| e.to_string())?;
            println!("rollups rebuilt: {cells} person-day totals");
            Ok(())
        }
        RollupsCommand::Check => {
            const SHOWN: u32 = 50;
            let diffs = db
                .check_rollups(SHOWN + 1)
                .await
                .map_err(|e| e.to_string())?;
            if diffs.is_empty() {
                println!("rollups match the CRM rows");
                return Ok(());
            }
            for d in diffs.iter().take(SHOWN as usize) {
                println!(
                    "{} {} {}{}: stored {}, recomputed {}",
                    d.person,
                    d.day,
                    d.fact,
                    if d.currency.is_empty() {
                        String::new()
                    } else {
                        format!(" {}", d.currency)
                    },
                    d.stored,
                    d.expected
                );
            }
            let more = if diffs.len() > SHOWN as usize {
                " (first 50 shown)"
            } else {
                ""
            };
            Err(format!(
                "rollups differ from the CRM rows{more}; run `keel rollups rebuild` to repair them"
            ))
        }
    }
}

async fn open(s: &Settings) -> Result<Db, String> {
    Db::connect(&s.web.db).await.map_err(|e| e.to_string())
}

fn describe_database(s: &Settings) -> String {
    match &s.web.db.url {
        Some(url) => redact_url(url),
        None => format!("sqlite://{}", s.web.db.data_dir.join("keel.db").display()),
    }
}

async fn check(s: &Settings) -> Result<(), String> {
    println!("database: {}", describe_database(s));
    println!("listen:   {}", s.web.listen);
    println!(
        "cookies:  {}; sessions idle {} min, at most {} h; client address from {}",
        if s.web.cookie_secure {
            "Secure"
        } else {
            "not Secure (plain HTTP)"
        },
        s.web.session_idle.as_secs() / 60,
        s.web.session_absolute.as_secs() / 3600,
        if s.web.trust_forwarded_for {
            "X-Forwarded-For"
        } else {
            "the connection"
        }
    );
    println!(
        "e-mail:   {}",
        match &s.web.mail.smtp_url {
            Some(url) => format!(
                "{} as {}",
                redact_url(url),
                s.web
                    .mail
                    .from
                    .as_deref()
                    .unwrap_or("(no --smtp-from: keel will not start)")
            ),
            None => "off (no --smtp-url): notifications stay in keel".into(),
        }
    );
    let db = open(s).await?;
    db.ping().await.map_err(|e| e.to_string())?;
    let v = db.schema_version().await.map_err(|e| e.to_string())?;
    println!("backend:  {} (reachable)", db.backend().name());
    if v > SCHEMA_VERSION {
        return Err(keel_db::DbError::SchemaTooNew {
            found: v,
            known: SCHEMA_VERSION,
        }
        .to_string());
    }
    if v < SCHEMA_VERSION {
        println!(
            "schema:   version {v}; this keel applies up to {SCHEMA_VERSION} on `keel migrate` or `keel serve`"
        );
    } else {
        println!("schema:   version {v} (current)");
    }
    println!("ok");
    Ok(())
}

async fn serve(s: Settings, demo: bool) -> Result<(), String> {
    let app = keel_web::App::build(s.web.clone())
        .await
        .map_err(|e| e.to_string())?;
    let mut logins = Vec::new();
    if demo && app.db().is_first_run().await.map_err(|e| e.to_string())? {
        logins = crate::demo::load(app.db()).await?;
    }
    let addr = app.local_addr();
    let shutdown = shutdown_signal();
    tracing::info!(database = %describe_database(&s), %addr, "keel is serving");
    println!("keel is serving on http://{addr}");
    if logins.is_empty() {
        if app.db().is_first_run().await.map_err(|e| e.to_string())? {
            println!(
                "first run: open http://{addr}/setup to create your organisation and its administrator"
            );
        } else {
            println!("log in at http://{addr}/login");
        }
    } else {
        crate::demo::print_logins(&logins);
    }
    app.run(shutdown).await.map_err(|e| e.to_string())?;
    tracing::info!("keel stopped");
    Ok(())
}

/// Completes on Ctrl-C or SIGTERM; the server then finishes requests in flight and exits.
/// The handlers are installed now, before keel says it is serving, so that a signal sent
/// right after that line is never missed.
fn shutdown_signal() -> impl std::future::Future<Output = ()> + Send + 'static {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let term = signal(SignalKind::terminate());
        let int = signal(SignalKind::interrupt());
        async move {
            match (term, int) {
                (Ok(mut term), Ok(mut int)) => {
                    tokio::select! {
                        _ = term.recv() => {},
                        _ = int.recv() => {},
                    }
                }
                _ => std::future::pending::<()>().await,
            }
            tracing::info!("shutting down: finishing requests in flight");
        }
    }
    #[cfg(not(unix))]
    async {
        let _ = tokio::signal::ctrl_c().await;
        tracing::info!("shutting down: finishing requests in flight");
    }
}

// ---------------------------------------------------------------------------------------
// keel import / keel export

/// Who an import or export acts as: the person named by `--as`, else the first admin.
async fn acting_person(db: &Db, email: Option<&str>) -> Result<Actor, String> {
    match email {
        Some(email) => db
            .actor_by_email(email)
            .await
            .map_err(|e| e.to_string())?
            .ok_or_else(|| format!("no active person has the e-mail {email}")),
        None => db
            .first_admin()
            .await
            .map_err(|e| e.to_string())?
            .ok_or_else(|| {
                "the database has no active administrator; set up the organisation first \
             (open /setup in the browser, or run keel demo)"
                    .to_owned()
            }),
    }
}

fn import_source(source: ImportSource) -> Source {
    match source {
        ImportSource::Zoho => Source::Zoho,
        ImportSource::Salesforce => Source::Salesforce,
        ImportSource::Hubspot => Source::Hubspot,
        ImportSource::Csv | ImportSource::Xlsx => Source::Generic,
    }
}

fn source_name(source: ImportSource) -> String {
    source
        .to_possible_value()
        .map_or_else(String::new, |v| v.get_name().to_owned())
}

fn import_entity(entity: ImportEntity) -> Entity {
    match entity {
        ImportEntity::Accounts => Entity::Accounts,
        ImportEntity::Contacts => Entity::Contacts,
        ImportEntity::Leads => Entity::Leads,
        ImportEntity::Deals => Entity::Deals,
        ImportEntity::Activities => Entity::Activities,
        ImportEntity::People => Entity::People,
    }
}

fn export_entity(entity: ExportEntity) -> Entity {
    match entity {
        ExportEntity::Accounts => Entity::Accounts,
        ExportEntity::Contacts => Entity::Contacts,
        ExportEntity::Leads => Entity::Leads,
        ExportEntity::Deals => Entity::Deals,
        ExportEntity::Activities => Entity::Activities,
    }
}

/// Tells how far a long file has got, on stderr, every 10,000 rows.
struct Progress {
    verb: &'static str,
    rows: usize,
}

impl Progress {
    fn new(verb: &'static str) -> Progress {
        Progress { verb, rows: 0 }
    }

    fn tick(&mut self) {
        self.rows += 1;
        if self.rows.is_multiple_of(10_000) {
            eprintln!("{} {} rows ...", self.verb, self.rows);
        }
    }
}

async fn import(s: &Settings, args: ImportArgs) -> Result<(), String> {
    let mut config = s.web.db.clone();
    config.bulk_load = true;
    let db = Db::connect(&config).await.map_err(|e| e.to_string())?;
    db.migrate().await.map_err(|e| e.to_string())?;
    let actor = acting_person(&db, args.as_email.as_deref()).await?;
    let file_name = args.file.display().to_string();
    let opts = keel_import::Options {
        source: import_source(args.source),
        entity: import_entity(args.entity),
        map: args.map,
        stage_map: args.stage_map,
    };
    let file =
        std::fs::File::open(&args.file).map_err(|e| format!("cannot open {file_name}: {e}"))?;
    let reader = keel_import::Reader::open(file, &opts)
        .map_err(|e| format!("cannot import {file_name}: {e}"))?;
    if !reader.unmapped_columns().is_empty() {
        eprintln!(
            "note: these columns are not imported: {}",
            reader.unmapped_columns().join(", ")
        );
    }
    let mut progress = Progress::new("read");
    let records = reader.inspect(move |_| progress.tick());
    let options = ImportOptions {
        entity: opts.entity,
        actor,
        dry_run: args.dry_run,
        create_missing_owners: args.create_missing_owners,
        label: format!("{} import of {file_name}", source_name(args.source)),
    };
    let report = db
        .import(records, &options)
        .await
        .map_err(|e| format!("import of {file_name} stopped, nothing was written: {e}"))?;
    if report.has_problems() {
        print_problems(&report);
        let n = report.problems.len() + report.problems_left_off;
        let what = if n == 1 { "problem" } else { "problems" };
        return Err(format!("{n} {what} in {file_name}; nothing was written"));
    }
    print_summary(&file_name, &report, args.dry_run);
    Ok(())
}

fn print_problems(report: &ImportReport) {
    for problem in &report.problems {
        eprintln!("{problem}");
    }
    if report.problems_left_off > 0 {
        eprintln!("... and {} more problems", report.problems_left_off);
    }
    let has = |code: &str| report.problems.iter().any(|p| p.code == code);
    if has(codes::UNKNOWN_OWNER) || has(codes::UNKNOWN_MANAGER) {
        eprintln!(
            "hint: --create-missing-owners adds unknown owners as deactivated members, \
             or --map a column of e-mail addresses to owner.email"
        );
    }
    if has(codes::UNKNOWN_STAGE) {
        eprintln!("hint: --stage-map NAME=STAGE reads another stage name as one of ours");
    }
    if has(codes::UNKNOWN_STATUS) {
        eprintln!("hint: --map \"COLUMN=-\" ignores a column");
    }
}

fn print_summary(file_name: &str, report: &ImportReport, dry_run: bool) {
    let rows = report.rows;
    if dry_run {
        println!("dry run: {rows} rows in {file_name} checked, no problems; nothing was written");
    } else {
        println!("imported {rows} rows from {file_name}");
    }
    let (create, update) = if dry_run {
        ("to create", "to update")
    } else {
        ("created", "updated")
    };
    for (table, c) in &report.counts {
        println!("  {table}: {} {create}, {} {update}", c.created, c.updated);
    }
}

async fn export(s: &Settings, args: ExportArgs) -> Result<(), String> {
    let db = open(s).await?;
    db.migrate().await.map_err(|e| e.to_string())?;
    let actor = acting_person(&db, args.as_email.as_deref()).await?;
    let entity = export_entity(args.entity);
    let name = args.to.display().to_string();
    let mut sink = Sink::create(&args.to, args.format, export_columns(entity))?;
    let written = match export_rows(&db, &actor, entity, &mut sink).await {
        Ok(n) => sink.finish().map(|()| n),
        Err(e) => Err(e),
    };
    match written {
        Ok(n) => {
            println!("exported {n} {} to {name}", table_name(entity));
            Ok(())
        }
        Err(e) => {
            // Leave no half-written file behind.
            let _ = std::fs::remove_file(&args.to);
            Err(format!("cannot export to {name}: {e}"))
        }
    }
}

fn table_name(entity: Entity) -> &'static str {
    match entity {
        Entity::Accounts => "accounts",
        Entity::Contacts => "contacts",
        Entity::Leads => "leads",
        Entity::Deals => "deals",
        Entity::Activities => "activities",
        Entity::People => "people",
    }
}

/// Writes every row `actor` may see, page by page; returns how many.
async fn export_rows(
    db: &Db,
    actor: &Actor,
    entity: Entity,
    sink: &mut Sink,
) -> Result<usize, String> {
    let mut progress = Progress::new("exported");
    let mut after = None;
    loop {
        let page = db
            .export_page(actor, entity, after)
            .await
            .map_err(|e| e.to_string())?;
        for row in &page.rows {
            sink.row(row)?;
            progress.tick();
        }
        match page.next {
            Some(next) => after = Some(next),
            None => return Ok(progress.rows),
        }
    }
}

/// An export file being written.
enum Sink {
    Csv(Box<csv::Writer<std::fs::File>>),
    Xlsx(Box<XlsxSink>),
}

/// Excel's last row; a bigger export has to be CSV.
const XLSX_MAX_ROWS: u32 = 1_048_576;

struct XlsxSink {
    workbook: rust_xlsxwriter::Workbook,
    file: std::fs::File,
    row: u32,
    date: rust_xlsxwriter::Format,
    datetime: rust_xlsxwriter::Format,
    money: rust_xlsxwriter::Format,
}

impl Sink {
    /// Creates the file (never over an existing one) and writes the header row.
    fn create(path: &Path, format: ExportFormat, columns: &[&str]) -> Result<Sink, String> {
        let name = path.display();
        let file = std::fs::File::create_new(path).map_err(|e| match e.kind() {
            std::io::ErrorKind::AlreadyExists => {
                format!("{name} already exists; choose another file or remove it")
            }
            _ => format!("cannot create {name}: {e}"),
        })?;
        let sink = match format {
            ExportFormat::Csv => Sink::csv(file, columns),
            ExportFormat::Xlsx => XlsxSink::new(file, columns).map(|x| Sink::Xlsx(Box::new(x))),
        };
        sink.inspect_err(|_| {
            let _ = std::fs::remove_file(path);
        })
    }

    /// CSV starts with a UTF-8 byte-order mark: without one Excel reads UTF-8 as the
    /// system's code page and garbles Chinese.
    fn csv(mut file: std::fs::File, columns: &[&str]) -> Result<Sink, String> {
        use std::io::Write;
        file.write_all("\u{feff}".as_bytes())
            .map_err(|e| e.to_string())?;
        let mut writer = csv::Writer::from_writer(file);
        writer.write_record(columns).map_err(|e| e.to_string())?;
        Ok(Sink::Csv(Box::new(writer)))
    }

    fn row(&mut self, values: &[ExportValue]) -> Result<(), String> {
        match self {
            Sink::Csv(w) => w
                .write_record(values.iter().map(ExportValue::to_text))
                .map_err(|e| e.to_string()),
            Sink::Xlsx(x) => x.row(values),
        }
    }

    fn finish(self) -> Result<(), String> {
        match self {
            Sink::Csv(mut w) => w.flush().map_err(|e| e.to_string()),
            Sink::Xlsx(x) => x.finish(),
        }
    }
}

impl XlsxSink {
    fn new(file: std::fs::File, columns: &[&str]) -> Result<XlsxSink, String> {
        use rust_xlsxwriter::{Format, Workbook};
        let mut workbook = Workbook::new();
        let sheet = workbook
            .add_worksheet_with_constant_memory()
            .map_err(|e| e.to_string())?;
        let bold = Format::new().set_bold();
        for (col, name) in columns.iter().enumerate() {
            sheet
                .write_string_with_format(0, col as u16, *name, &bold)
                .map_err(|e| e.to_string())?;
        }
        sheet.set_freeze_panes(1, 0).map_err(|e| e.to_string())?;
        Ok(XlsxSink {
            workbook,
            file,
            row: 0,
            date: Format::new().set_num_format("yyyy-mm-dd"),
            datetime: Format::new().set_num_format("yyyy-mm-dd hh:mm:ss"),
            money: Format::new().set_num_format("0.00"),
        })
    }

    fn row(&mut self, values: &[ExportValue]) -> Result<(), String> {
        self.row += 1;
        if self.row >= XLSX_MAX_ROWS {
            return Err("more rows than an Excel sheet holds; export CSV instead".into());
        }
        let row = self.row;
        let sheet = self
            .workbook
            .worksheet_from_index(0)
            .map_err(|e| e.to_string())?;
        for (col, value) in values.iter().enumerate() {
            let col = col as u16;
            let written = match xlsx_cell(value) {
                XlsxCell::Empty => continue,
                XlsxCell::Text(t) => sheet.write_string(row, col, t),
                XlsxCell::Number(n) => sheet.write_number(row, col, n),
                XlsxCell::Money(n) => sheet.write_number_with_format(row, col, n, &self.money),
                XlsxCell::Bool(b) => sheet.write_boolean(row, col, b),
                XlsxCell::Date(d) => sheet.write_datetime_with_format(row, col, &d, &self.date),
                XlsxCell::DateTime(d) => {
                    sheet.write_datetime_with_format(row, col, &d, &self.datetime)
                }
            };
            written.map_err(|e| format!("row {}: {e}", row + 1))?;
        }
        Ok(())
    }

    fn finish(mut self) -> Result<(), String> {
        self.workbook
            .save_to_writer(&mut self.file)
            .map_err(|e| e.to_string())
    }
}

/// How one exported value goes into a workbook cell.
enum XlsxCell {
    Empty,
    Text(String),
    Number(f64),
    Money(f64),
    Bool(bool),
    Date(rust_xlsxwriter::ExcelDateTime),
    DateTime(rust_xlsxwriter::ExcelDateTime),
}

/// Amounts up to this many minor units survive the trip through an Excel number exactly
/// (15 significant digits); larger ones are written as text.
const EXACT_IN_EXCEL: u64 = 100_000_000_000_000;

/// Numbers, dates and yes/no as Excel's own types; what Excel cannot hold exactly (huge
/// amounts, dates before 1900) as text, which the importer reads just the same.
fn xlsx_cell(value: &ExportValue) -> XlsxCell {
    use chrono::{Datelike, Timelike};
    use rust_xlsxwriter::ExcelDateTime;
    let date = |d: chrono::NaiveDate| {
        let year = u16::try_from(d.year()).ok()?;
        ExcelDateTime::from_ymd(year, d.month() as u8, d.day() as u8).ok()
    };
    let as_text = || XlsxCell::Text(value.to_text());
    match value {
        ExportValue::Empty => XlsxCell::Empty,
        ExportValue::Text(t) => XlsxCell::Text(t.clone()),
        ExportValue::Integer(n) => XlsxCell::Number(*n as f64),
        // Excel stores every number as a double: the decimal text parsed once is the
        // nearest one, and it reads back as the same two-decimal amount.
        ExportValue::Money(minor) if minor.unsigned_abs() < EXACT_IN_EXCEL => value
            .to_text()
            .parse()
            .map_or_else(|_| as_text(), XlsxCell::Money),
        ExportValue::Money(_) => as_text(),
        ExportValue::Bool(b) => XlsxCell::Bool(*b),
        ExportValue::Date(d) => date(*d).map_or_else(as_text, XlsxCell::Date),
        ExportValue::DateTime(t) => date(t.date())
            .and_then(|d| {
                d.and_hms(t.hour() as u16, t.minute() as u8, t.second())
                    .ok()
            })
            .map_or_else(as_text, XlsxCell::DateTime),
    }
}
