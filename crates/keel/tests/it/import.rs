//! `keel import` and `keel export` on both backends: each source's files land with their
//! links, re-imports update instead of duplicating, a bad file writes nothing, and an
//! export reads back in unchanged.

use crate::harness::{Demo, TestDb, id_of, load_demo};
use keel::cli::{Command, ExportArgs, ExportEntity, ExportFormat, Global, ImportArgs};
use keel::cli::{ImportEntity, ImportSource};
use keel_db::Db;
use keel_db::import::{ImportOptions, ImportReport};
use keel_import::{Entity, Options, Reader, Source};
use std::path::{Path, PathBuf};
use std::process::{Command as Process, Output, Stdio};
use uuid::Uuid;

// ---------------------------------------------------------------------------------------
// Helpers

/// CSV text from rows, quoting the way spreadsheet programs do.
fn csv(rows: &[&[&str]]) -> String {
    let mut out = String::new();
    for row in rows {
        let cells: Vec<String> = row
            .iter()
            .map(|c| {
                if c.contains([',', '"', '\n']) {
                    format!("\"{}\"", c.replace('"', "\"\""))
                } else {
                    (*c).to_owned()
                }
            })
            .collect();
        out.push_str(&cells.join(","));
        out.push_str("\r\n");
    }
    out
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

/// Imports `bytes` through the storage API, as the first admin.
async fn import(db: &Db, source: Source, entity: Entity, bytes: &[u8]) -> ImportReport {
    import_with(db, Options::new(source, entity), bytes, |_| {}).await
}

async fn import_with(
    db: &Db,
    opts: Options,
    bytes: &[u8],
    tweak: impl FnOnce(&mut ImportOptions),
) -> ImportReport {
    let reader = Reader::open(std::io::Cursor::new(bytes.to_vec()), &opts).expect("file opens");
    let mut options = ImportOptions {
        entity: opts.entity,
        actor: db.first_admin().await.unwrap().expect("an admin"),
        dry_run: false,
        create_missing_owners: false,
        label: "test".into(),
    };
    tweak(&mut options);
    db.import(reader, &options).await.expect("import runs")
}

fn assert_clean(report: &ImportReport) {
    assert!(
        !report.has_problems() && report.committed,
        "unexpected problems: {:#?}",
        report.problems
    );
}

fn counts(report: &ImportReport, table: &str) -> (usize, usize) {
    let c = report.counts.get(table).copied().unwrap_or_default();
    (c.created, c.updated)
}

/// Row counts of every table an import may touch, to prove a failed one left nothing.
async fn table_counts(db: &Db) -> Vec<(&'static str, i64)> {
    let tables = [
        "accounts",
        "contacts",
        "leads",
        "deals",
        "deal_stage_history",
        "activities",
        "satisfaction",
        "pool_events",
        "people",
        "audit_log",
    ];
    let mut out = Vec::new();
    for table in tables {
        let sql = format!("SELECT COUNT(*) FROM {table}");
        let n: i64 = keel_db::with_pool!(db, p => {
            sqlx::query_scalar(sqlx::AssertSqlSafe(sql)).fetch_one(p).await.unwrap()
        });
        out.push((table, n));
    }
    out
}

#[derive(sqlx::FromRow, Debug)]
struct DealFacts {
    name: String,
    amount_minor: i64,
    currency: String,
    stage_en: String,
    owner_id: Uuid,
    account: Option<String>,
    contact: Option<String>,
    expected_close: Option<chrono::NaiveDate>,
    closed_at: Option<chrono::DateTime<chrono::Utc>>,
    stage_entered_at: chrono::DateTime<chrono::Utc>,
}

async fn deal(db: &Db, external_id: &str) -> DealFacts {
    keel_db::with_pool!(db, p => {
        sqlx::query_as::<_, DealFacts>(
            "SELECT d.name, d.amount_minor, d.currency, s.name_en AS stage_en, d.owner_id, \
             a.name AS account, c.name AS contact, d.expected_close, d.closed_at, d.stage_entered_at \
             FROM deals d JOIN stages s ON s.id = d.stage_id LEFT JOIN accounts a ON a.id = d.account_id \
             LEFT JOIN contacts c ON c.id = d.contact_id WHERE d.external_id = $1",
        )
        .bind(external_id)
        .fetch_one(p)
        .await
        .unwrap_or_else(|e| panic!("deal {external_id}: {e}"))
    })
}

async fn scalar_text(db: &Db, sql: &str, bind: &str) -> Option<String> {
    let sql = sql.to_owned();
    keel_db::with_pool!(db, p => {
        sqlx::query_scalar(sqlx::AssertSqlSafe(sql)).bind(bind).fetch_optional(p).await.unwrap()
    })
}

/// Local midnight in the organisation's zone (Asia/Shanghai): where a file's date begins.
fn midnight(y: i32, m: u32, d: u32) -> chrono::DateTime<chrono::Utc> {
    keel_domain::time::Zone::DEFAULT.start_of(chrono::NaiveDate::from_ymd_opt(y, m, d).unwrap())
}

/// Runs the keel binary against the test database.
fn keel(t: &TestDb, args: &[&str], dir: &Path) -> Output {
    Process::new(env!("CARGO_BIN_EXE_keel"))
        .args(args)
        .args(["--database-url", &t.url])
        .current_dir(dir)
        .env_remove("KEEL_DATABASE_URL")
        .env_remove("KEEL_CONFIG")
        .stdin(Stdio::null())
        .output()
        .expect("run keel")
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn succeeded(out: &Output) {
    assert!(
        out.status.success(),
        "keel failed: {}\n{}",
        stdout(out),
        stderr(out)
    );
}

/// Runs a command in this process (same code as the binary), for quick round trips.
async fn run(t: &TestDb, command: Command) -> Result<(), String> {
    let global = Global {
        database_url: Some(t.url.clone()),
        ..Global::default()
    };
    let settings = keel::settings::Settings::load(&global)?;
    keel::commands::run(command, settings).await
}

fn import_args(source: ImportSource, entity: ImportEntity, file: &Path) -> ImportArgs {
    ImportArgs {
        source,
        entity,
        file: file.to_owned(),
        dry_run: false,
        map: Vec::new(),
        stage_map: Vec::new(),
        create_missing_owners: false,
        as_email: None,
    }
}

async fn export_to(
    t: &TestDb,
    entity: ExportEntity,
    format: ExportFormat,
    to: &Path,
    as_email: Option<&str>,
) {
    let args = ExportArgs {
        entity,
        format,
        to: to.to_owned(),
        as_email: as_email.map(str::to_owned),
    };
    run(t, Command::Export(args)).await.expect("export");
}

// ---------------------------------------------------------------------------------------
// Sources

fn zoho_accounts() -> String {
    csv(&[
        &[
            "Account Name",
            "Record Id",
            "Account Owner.id",
            "Account Owner",
            "Owner Email",
            "Industry",
            "Employees",
            "Billing City",
            "Billing State",
            "Parent Account.id",
            "Parent Account",
            "Tag",
            "Custom Field 7",
        ],
        // The child comes before its parent: links may point down the file.
        &[
            "华为云",
            "zcrm_200002",
            "4876876000000012001",
            "Zhou Jie",
            "zhou.jie@yunfan.example",
            "Cloud",
            "1200",
            "深圳",
            "广东",
            "zcrm_200001",
            "华为技术",
            "vip, 华南",
            "x",
        ],
        &[
            "华为技术",
            "zcrm_200001",
            "4876876000000012002",
            "Wu Ting",
            "wu.ting@yunfan.example",
            "Telecom",
            "195,000",
            "深圳",
            "广东",
            "",
            "",
            "",
            "",
        ],
    ])
}

fn zoho_contacts() -> String {
    csv(&[
        &[
            "Record Id",
            "First Name",
            "Last Name",
            "Email",
            "Phone",
            "Account Name.id",
            "Account Name",
            "Contact Owner",
            "Owner Email",
        ],
        &[
            "zcrm_300001",
            "娜",
            "李",
            "li.na@huawei.example",
            "+86 138 0000 0000",
            "zcrm_200001",
            "华为技术",
            "Zhou Jie",
            "zhou.jie@yunfan.example",
        ],
    ])
}

fn zoho_deals(amount: &str) -> String {
    csv(&[
        &[
            "Stage",
            "Deal Name",
            "Amount",
            "Deal Owner.id",
            "Record Id",
            "Closing Date",
            "Account Name",
            "Deal Owner",
            "Account Name.id",
            "Currency",
            "Contact Name",
            "Contact Name.id",
            "Created Time",
            "Owner Email",
            "Custom Field 1",
        ],
        &[
            "Closed Won",
            "华为云扩容",
            amount,
            "4876876000000012001",
            "zcrm_100001",
            "2026-03-05",
            "华为技术",
            "Zhou Jie",
            "zcrm_200001",
            "CNY",
            "李娜",
            "zcrm_300001",
            "2026-01-10 09:30:00",
            "zhou.jie@yunfan.example",
            "ignored",
        ],
        &[
            "Negotiation/Review",
            "华为云二期",
            "88,000",
            "4876876000000012002",
            "zcrm_100002",
            "6/30/2026",
            "华为云",
            "Wu Ting",
            "",
            "",
            "",
            "",
            "",
            "wu.ting@yunfan.example",
            "",
        ],
    ])
}

db_test!(
    async fn zoho_files_land_with_their_links(t: TestDb) {
        let demo = load_demo(&t.db).await;
        let accounts = import(
            &t.db,
            Source::Zoho,
            Entity::Accounts,
            zoho_accounts().as_bytes(),
        )
        .await;
        assert_clean(&accounts);
        assert_eq!(counts(&accounts, "accounts"), (2, 0));
        let contacts = import(
            &t.db,
            Source::Zoho,
            Entity::Contacts,
            zoho_contacts().as_bytes(),
        )
        .await;
        assert_clean(&contacts);
        let deals = import(
            &t.db,
            Source::Zoho,
            Entity::Deals,
            zoho_deals("1,234,567.89").as_bytes(),
        )
        .await;
        assert_clean(&deals);
        assert_eq!(counts(&deals, "deals"), (2, 0));

        let won = deal(&t.db, "zcrm_100001").await;
        assert_eq!(won.name, "华为云扩容");
        assert_eq!(won.amount_minor, 123_456_789);
        assert_eq!(won.currency, "CNY");
        assert_eq!(won.stage_en, "Closed Won");
        assert_eq!(won.owner_id, id_of(&t.db, &demo.member).await);
        assert_eq!(won.account.as_deref(), Some("华为技术"));
        assert_eq!(won.contact.as_deref(), Some("李娜"));
        assert_eq!(
            won.closed_at,
            Some(midnight(2026, 3, 5)),
            "closed on its close date"
        );
        assert_eq!(
            won.stage_entered_at,
            midnight(2026, 1, 10),
            "entered when created"
        );
        let open = deal(&t.db, "zcrm_100002").await;
        assert_eq!(open.stage_en, "Negotiation/Review");
        assert_eq!(open.account.as_deref(), Some("华为云"), "linked by name");
        assert_eq!(open.closed_at, None);
        assert_eq!(
            open.expected_close,
            chrono::NaiveDate::from_ymd_opt(2026, 6, 30)
        );
        assert_eq!(open.currency, "CNY", "the default currency");

        // The parent named further down the file, tags, region and size.
        let parent = scalar_text(
            &t.db,
            "SELECT p.name FROM accounts a JOIN accounts p ON p.id = a.parent_id WHERE a.external_id = $1",
            "zcrm_200002",
        )
        .await;
        assert_eq!(parent.as_deref(), Some("华为技术"));
        let tags = scalar_text(
            &t.db,
            "SELECT tags FROM accounts WHERE external_id = $1",
            "zcrm_200002",
        )
        .await;
        assert_eq!(tags.as_deref(), Some("vip,华南"));
        let region = scalar_text(
            &t.db,
            "SELECT region FROM accounts WHERE external_id = $1",
            "zcrm_200001",
        )
        .await;
        assert_eq!(region.as_deref(), Some("深圳, 广东"));
        // Every new deal starts its stage history; the import is one audit entry.
        let history: i64 = keel_db::with_pool!(&t.db, p => {
            sqlx::query_scalar("SELECT COUNT(*) FROM deal_stage_history").fetch_one(p).await.unwrap()
        });
        assert_eq!(history, 2);
        let audit: i64 = keel_db::with_pool!(&t.db, p => {
            sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'import'").fetch_one(p).await.unwrap()
        });
        assert_eq!(audit, 3, "one entry per file");
    }
);

db_test!(
    async fn reimporting_updates_and_creates_no_duplicates(t: TestDb) {
        load_demo(&t.db).await;
        for (entity, text) in [
            (Entity::Accounts, zoho_accounts()),
            (Entity::Contacts, zoho_contacts()),
            (Entity::Deals, zoho_deals("1,000.00")),
        ] {
            assert_clean(&import(&t.db, Source::Zoho, entity, text.as_bytes()).await);
        }
        let before = table_counts(&t.db).await;
        let again = import(
            &t.db,
            Source::Zoho,
            Entity::Deals,
            zoho_deals("2,500.50").as_bytes(),
        )
        .await;
        assert_clean(&again);
        assert_eq!(counts(&again, "deals"), (0, 2), "same rows, updated");
        let again = import(
            &t.db,
            Source::Zoho,
            Entity::Accounts,
            zoho_accounts().as_bytes(),
        )
        .await;
        assert_eq!(counts(&again, "accounts"), (0, 2));
        let after = table_counts(&t.db).await;
        let without_audit = |c: &[(&str, i64)]| -> Vec<(String, i64)> {
            c.iter()
                .filter(|(t, _)| *t != "audit_log")
                .map(|(t, n)| (t.to_string(), *n))
                .collect()
        };
        assert_eq!(without_audit(&before), without_audit(&after));
        assert_eq!(
            deal(&t.db, "zcrm_100001").await.amount_minor,
            250_050,
            "value updated"
        );
        // Stage unchanged: no new history, the stage kept its entry time.
        assert_eq!(
            deal(&t.db, "zcrm_100001").await.stage_entered_at,
            midnight(2026, 1, 10)
        );
    }
);

db_test!(
    async fn a_long_file_naming_a_row_twice_updates_it(t: TestDb) {
        load_demo(&t.db).await;
        // More rows than one chunk: BULK0001 comes again in the same chunk (now won, 300.00),
        // BULK0002 again in the next one (200.00).
        let owner = "zhou.jie@yunfan.example";
        let deal_row = |i: usize, amount: &str, stage: &str| {
            vec![
                format!("BULK{i:04}"),
                format!("批量 {i}"),
                amount.to_owned(),
                stage.to_owned(),
                "2026-01-05".to_owned(),
                owner.to_owned(),
            ]
        };
        let mut rows: Vec<Vec<String>> = (1..=520).map(|i| deal_row(i, "100.00", "")).collect();
        rows.insert(10, deal_row(1, "300.00", "赢单"));
        rows.push(deal_row(2, "200.00", ""));
        let header = [
            "external_id",
            "name",
            "amount",
            "stage",
            "created",
            "owner.email",
        ];
        let text = |rows: &[Vec<String>], header: &[&str]| {
            let mut all: Vec<Vec<&str>> = vec![header.to_vec()];
            all.extend(rows.iter().map(|r| r.iter().map(String::as_str).collect()));
            let refs: Vec<&[&str]> = all.iter().map(Vec::as_slice).collect();
            csv(&refs)
        };
        let r = import(
            &t.db,
            Source::Generic,
            Entity::Deals,
            text(&rows, &header).as_bytes(),
        )
        .await;
        assert_clean(&r);
        assert_eq!(counts(&r, "deals"), (520, 2));
        let first = deal(&t.db, "BULK0001").await;
        assert_eq!(
            (first.amount_minor, first.stage_en.as_str()),
            (30_000, "Closed Won")
        );
        assert!(first.closed_at.is_some());
        assert_eq!(deal(&t.db, "BULK0002").await.amount_minor, 20_000);

        // Activities about them, over a chunk: each linked to its deal; all in the rollups.
        let acts: Vec<Vec<String>> = (1..=600)
            .map(|i| {
                vec![
                    format!("BULKACT{i}"),
                    "call".to_owned(),
                    "跟进".to_owned(),
                    format!("2026-02-{:02} 10:00:00", 1 + i % 28),
                    format!("BULK{:04}", 1 + i % 520),
                    owner.to_owned(),
                ]
            })
            .collect();
        let header = [
            "external_id",
            "kind",
            "subject",
            "at",
            "related.id",
            "owner.email",
        ];
        let r = import(
            &t.db,
            Source::Generic,
            Entity::Activities,
            text(&acts, &header).as_bytes(),
        )
        .await;
        assert_clean(&r);
        assert_eq!(counts(&r, "activities"), (600, 0));
        let linked: i64 = keel_db::with_pool!(&t.db, p => {
            sqlx::query_scalar(
                "SELECT COUNT(*) FROM activities x JOIN deals d ON d.id = x.deal_id \
                 WHERE x.external_id LIKE 'BULKACT%' AND d.external_id LIKE 'BULK%'",
            )
            .fetch_one(p)
            .await
            .unwrap()
        });
        assert_eq!(linked, 600);
        assert_eq!(t.db.check_rollups(5).await.unwrap(), vec![]);
    }
);

fn salesforce_accounts() -> String {
    csv(&[
        &[
            "Id",
            "Name",
            "Industry",
            "NumberOfEmployees",
            "OwnerId",
            "Owner.Email",
        ],
        &[
            "0015g00000QwErT",
            "阿里巴巴",
            "E-commerce",
            "200000",
            "0055g00000ABCDE",
            "chen.chen@yunfan.example",
        ],
        &[
            "0015g00000QwErU",
            "Globex",
            "",
            "",
            "0055g00000ABCDF",
            "zhou.jie@yunfan.example",
        ],
    ])
}

fn salesforce_opportunities() -> String {
    csv(&[
        &[
            "CloseDate",
            "Amount",
            "Name",
            "Id",
            "StageName",
            "OwnerId",
            "Owner.Email",
            "AccountId",
            "Probability",
            "IsClosed",
            "IsWon",
            "Type",
            "LeadSource",
            "CreatedDate",
            "CurrencyIsoCode",
            "Custom_Field__c",
        ],
        &[
            "2026-03-31",
            "250000",
            "阿里云年度合同",
            "0065g00000XyZaBAAV",
            "Closed Won",
            "0055g00000ABCDE",
            "chen.chen@yunfan.example",
            "0015g00000QwErT",
            "100",
            "true",
            "true",
            "New Customer",
            "Partner",
            "2026-01-05T08:30:00.000+0000",
            "CNY",
            "",
        ],
        &[
            "4/30/2026",
            "99.5",
            "Globex pilot",
            "0065g00000XyZaCAAV",
            "Id. Decision Makers",
            "0055g00000ABCDF",
            "zhou.jie@yunfan.example",
            "0015g00000QwErU",
            "60",
            "false",
            "false",
            "",
            "",
            "2026-02-01T00:00:00Z",
            "usd",
            "x",
        ],
        &[
            "5/31/2026",
            "10",
            "Globex lost",
            "0065g00000XyZaDAAV",
            "Closed Lost",
            "0055g00000ABCDF",
            "zhou.jie@yunfan.example",
            "0015g00000QwErU",
            "0",
            "true",
            "false",
            "",
            "",
            "",
            "USD",
            "",
        ],
    ])
}

/// Salesforce exports name owners by user id; a column of their e-mails is mapped in.
fn salesforce_options(entity: Entity) -> Options {
    let mut opts = Options::new(Source::Salesforce, entity);
    opts.map.push(("Owner.Email".into(), "owner.email".into()));
    opts
}

db_test!(
    async fn salesforce_files_land_with_their_links(t: TestDb) {
        let demo = load_demo(&t.db).await;
        let r = import_with(
            &t.db,
            salesforce_options(Entity::Accounts),
            salesforce_accounts().as_bytes(),
            |_| {},
        )
        .await;
        assert_clean(&r);
        let r = import_with(
            &t.db,
            salesforce_options(Entity::Deals),
            salesforce_opportunities().as_bytes(),
            |_| {},
        )
        .await;
        assert_clean(&r);
        assert_eq!(counts(&r, "deals"), (3, 0));
        let won = deal(&t.db, "0065g00000XyZaBAAV").await;
        assert_eq!(
            (won.stage_en.as_str(), won.amount_minor),
            ("Closed Won", 25_000_000)
        );
        assert_eq!(won.account.as_deref(), Some("阿里巴巴"));
        assert_eq!(won.owner_id, id_of(&t.db, &demo.other_rep).await);
        assert_eq!(won.stage_entered_at, midnight(2026, 1, 5));
        let pilot = deal(&t.db, "0065g00000XyZaCAAV").await;
        assert_eq!(
            pilot.stage_en, "Identify Decision Makers",
            "Salesforce's name for it"
        );
        assert_eq!(
            (pilot.amount_minor, pilot.currency.as_str()),
            (9_950, "USD")
        );
        assert_eq!(pilot.account.as_deref(), Some("Globex"));
        let lost = deal(&t.db, "0065g00000XyZaDAAV").await;
        assert_eq!(lost.stage_en, "Closed Lost");
        assert_eq!(lost.closed_at, Some(midnight(2026, 5, 31)));

        // Without the e-mail column the owners are only ids, which match nobody.
        let r = import(
            &t.db,
            Source::Salesforce,
            Entity::Deals,
            salesforce_opportunities().as_bytes(),
        )
        .await;
        assert!(!r.committed);
        let owner = r
            .problems
            .iter()
            .find(|p| p.code == "unknown_owner")
            .expect("owner problem");
        assert_eq!(owner.value, "0055g00000ABCDE");
        assert!(
            owner.message.contains("not by another system's user id"),
            "{}",
            owner.message
        );
    }
);

fn hubspot_companies() -> String {
    csv(&[
        &[
            "Record ID",
            "Company name",
            "Company owner",
            "City",
            "State/Region",
            "Number of Employees",
        ],
        &[
            "9001",
            "京东",
            "Zhou Jie (zhou.jie@yunfan.example)",
            "北京",
            "北京",
            "400000",
        ],
        &["9002", "京东物流", "Zhou Jie", "", "", ""],
    ])
}

fn hubspot_deals() -> String {
    csv(&[
        &[
            "Deal owner",
            "Record ID",
            "Amount",
            "Custom Field 1",
            "Deal Name",
            "Deal Stage",
            "Pipeline",
            "Close Date",
            "Create Date",
            "Deal Type",
            "Associated Company",
            "Associated Company IDs",
        ],
        &[
            "Zhou Jie (zhou.jie@yunfan.example)",
            "18253009",
            "12,000.00",
            "",
            "京东物流项目",
            "appointmentscheduled",
            "Sales Pipeline",
            "2026-04-01 00:00",
            "2026-01-15 10:12",
            "newbusiness",
            "京东",
            "9002;9001",
        ],
        &[
            "周杰",
            "18253010",
            "USD 99.5",
            "",
            "Initech",
            "closedwon",
            "Sales Pipeline",
            "2026-05-01",
            "2026-01-16",
            "",
            "京东",
            "",
        ],
        &[
            "Zhou Jie",
            "18253011",
            "500",
            "",
            "Contract out",
            "Contract Sent",
            "Sales Pipeline",
            "",
            "",
            "",
            "",
            "",
        ],
    ])
}

db_test!(
    async fn hubspot_files_land_with_their_links(t: TestDb) {
        let demo = load_demo(&t.db).await;
        let member = id_of(&t.db, &demo.member).await;
        assert_clean(
            &import(
                &t.db,
                Source::Hubspot,
                Entity::Accounts,
                hubspot_companies().as_bytes(),
            )
            .await,
        );
        let r = import(
            &t.db,
            Source::Hubspot,
            Entity::Deals,
            hubspot_deals().as_bytes(),
        )
        .await;
        assert_clean(&r);
        let first = deal(&t.db, "18253009").await;
        assert_eq!(first.stage_en, "Qualification");
        assert_eq!(
            first.account.as_deref(),
            Some("京东物流"),
            "the first associated id is primary"
        );
        assert_eq!(first.owner_id, member, "owner by e-mail");
        let won = deal(&t.db, "18253010").await;
        assert_eq!(won.stage_en, "Closed Won");
        assert_eq!(won.account.as_deref(), Some("京东"), "by name without ids");
        assert_eq!(won.owner_id, member, "owner by Chinese name");
        assert_eq!(won.closed_at, Some(midnight(2026, 5, 1)));
        assert_eq!(deal(&t.db, "18253011").await.stage_en, "Negotiation/Review");
    }
);

db_test!(
    async fn generic_files_with_chinese_headers_land(t: TestDb) {
        let demo = load_demo(&t.db).await;
        let accounts = csv(&[
            &["客户名称", "行业", "负责人", "备注"],
            &["小米", "消费电子", "周杰", "老客户"],
            &["腾讯", "互联网", "zhou.jie@yunfan.example", ""],
        ]);
        // GBK, as Chinese Excel saves "CSV (comma delimited)".
        let (gbk, _, _) = encoding_rs::GBK.encode(&accounts);
        let r = import(&t.db, Source::Generic, Entity::Accounts, &gbk).await;
        assert_clean(&r);
        assert_eq!(counts(&r, "accounts"), (2, 0));
        // Without ids, an account of the same name is updated rather than duplicated.
        let r = import(&t.db, Source::Generic, Entity::Accounts, &gbk).await;
        assert_eq!(counts(&r, "accounts"), (0, 2));

        let deals = csv(&[
            &["名称", "客户名称", "金额", "阶段", "预计成交日期", "负责人"],
            &[
                "小米手环",
                "小米",
                "￥3,500.00",
                "谈判审核",
                "2026年3月5日",
                "周杰",
            ],
            &[
                "腾讯会议",
                "腾讯",
                "RMB 1,000",
                "赢单",
                "2026/04/01",
                "Zhou Jie",
            ],
        ]);
        let mut bytes = b"\xEF\xBB\xBF".to_vec();
        bytes.extend_from_slice(deals.as_bytes());
        let r = import(&t.db, Source::Generic, Entity::Deals, &bytes).await;
        assert_clean(&r);
        #[derive(sqlx::FromRow)]
        struct Row {
            name: String,
            account: Option<String>,
            stage: String,
            amount_minor: i64,
            owner_id: Uuid,
        }
        let rows: Vec<Row> = keel_db::with_pool!(&t.db, p => {
            sqlx::query_as(
                "SELECT d.name, a.name AS account, s.name AS stage, d.amount_minor, d.owner_id \
                 FROM deals d JOIN stages s ON s.id = d.stage_id LEFT JOIN accounts a ON a.id = d.account_id \
                 ORDER BY d.name",
            )
            .fetch_all(p)
            .await
            .unwrap()
        });
        let member = id_of(&t.db, &demo.member).await;
        let facts: Vec<(&str, Option<&str>, &str, i64, bool)> = rows
            .iter()
            .map(|r| {
                (
                    r.name.as_str(),
                    r.account.as_deref(),
                    r.stage.as_str(),
                    r.amount_minor,
                    r.owner_id == member,
                )
            })
            .collect();
        assert_eq!(
            facts,
            [
                ("小米手环", Some("小米"), "谈判审核", 350_000, true),
                ("腾讯会议", Some("腾讯"), "赢单", 100_000, true),
            ]
        );
    }
);

db_test!(
    async fn activities_and_people_import(t: TestDb) {
        let demo = load_demo(&t.db).await;
        assert_clean(
            &import(
                &t.db,
                Source::Zoho,
                Entity::Accounts,
                zoho_accounts().as_bytes(),
            )
            .await,
        );
        assert_clean(
            &import(
                &t.db,
                Source::Zoho,
                Entity::Contacts,
                zoho_contacts().as_bytes(),
            )
            .await,
        );
        assert_clean(
            &import(
                &t.db,
                Source::Zoho,
                Entity::Deals,
                zoho_deals("10").as_bytes(),
            )
            .await,
        );
        let activities = csv(&[
            &[
                "external_id",
                "kind",
                "subject",
                "at",
                "due",
                "done",
                "related.id",
                "related",
                "owner.email",
            ],
            &[
                "a1",
                "call",
                "首次电话",
                "2026-01-12 10:30:00",
                "",
                "",
                "zcrm_100001",
                "",
                "zhou.jie@yunfan.example",
            ],
            &[
                "a2",
                "task",
                "发报价",
                "",
                "2025-02-01",
                "yes",
                "",
                "华为技术",
                "",
            ],
        ]);
        let r = import(
            &t.db,
            Source::Generic,
            Entity::Activities,
            activities.as_bytes(),
        )
        .await;
        assert_clean(&r);
        #[derive(sqlx::FromRow)]
        struct Row {
            kind: String,
            at: chrono::DateTime<chrono::Utc>,
            done_at: Option<chrono::DateTime<chrono::Utc>>,
            deal_id: Option<Uuid>,
            account: Option<String>,
            owner_id: Uuid,
        }
        let get = |ext: &'static str| {
            let db = t.db.clone();
            async move {
                keel_db::with_pool!(&db, p => {
                    sqlx::query_as::<_, Row>(
                        "SELECT x.kind, x.at, x.done_at, x.deal_id, a.name AS account, x.owner_id \
                         FROM activities x LEFT JOIN accounts a ON a.id = x.account_id WHERE x.external_id = $1",
                    )
                    .bind(ext)
                    .fetch_one(p)
                    .await
                    .unwrap()
                })
            }
        };
        let call = get("a1").await;
        assert_eq!(call.kind, "call");
        assert!(call.deal_id.is_some());
        assert_eq!(
            call.account.as_deref(),
            Some("华为技术"),
            "the deal's account"
        );
        assert_eq!(
            call.at,
            midnight(2026, 1, 12) + chrono::TimeDelta::minutes(630)
        );
        assert_eq!(call.done_at, None);
        let task = get("a2").await;
        assert_eq!(
            task.at,
            midnight(2025, 2, 1) + chrono::TimeDelta::hours(9),
            "due date, 09:00"
        );
        assert_eq!(task.done_at, Some(task.at));
        assert_eq!(task.account.as_deref(), Some("华为技术"));
        // Both are follow-ups of the account: the newest counts for the pool's return.
        let followed: Option<chrono::DateTime<chrono::Utc>> = keel_db::with_pool!(&t.db, p => {
            sqlx::query_scalar("SELECT last_activity_at FROM accounts WHERE name = $1")
                .bind("华为技术")
                .fetch_one(p)
                .await
                .unwrap()
        });
        assert_eq!(followed, Some(call.at), "the newer of the two activities");
        let admin = t.db.first_admin().await.unwrap().unwrap().id;
        assert_eq!(task.owner_id, admin, "no owner: the importing person");

        // People: matched by e-mail (a password stays as it was), managers by name or e-mail.
        let hash_before =
            t.db.password_hash(id_of(&t.db, &demo.member).await)
                .await
                .unwrap();
        let people = csv(&[
            &["name", "email", "title", "manager.email", "role"],
            &[
                "New Rep",
                "new.rep@yunfan.example",
                "Account Manager",
                "li.qiang@yunfan.example",
                "member",
            ],
            &["周杰", "zhou.jie@yunfan.example", "Senior AM", "", "CEO"],
            &[
                "Reports Down",
                "down@yunfan.example",
                "",
                "later.boss@yunfan.example",
                "",
            ],
            &["Later Boss", "later.boss@yunfan.example", "", "", ""],
        ]);
        let r = import(&t.db, Source::Generic, Entity::People, people.as_bytes()).await;
        assert_clean(&r);
        assert_eq!(counts(&r, "people"), (3, 1));
        let member = id_of(&t.db, &demo.member).await;
        assert_eq!(t.db.password_hash(member).await.unwrap(), hash_before);
        let title = scalar_text(
            &t.db,
            "SELECT title FROM people WHERE email = $1",
            &demo.member,
        )
        .await;
        assert_eq!(title.as_deref(), Some("Senior AM"));
        let role = scalar_text(
            &t.db,
            "SELECT role FROM people WHERE email = $1",
            &demo.member,
        )
        .await;
        assert_eq!(
            role.as_deref(),
            Some("member"),
            "another system's role grants nothing"
        );
        let manager = scalar_text(
            &t.db,
            "SELECT m.email FROM people p JOIN people m ON m.id = p.manager_id WHERE p.email = $1",
            "down@yunfan.example",
        )
        .await;
        assert_eq!(
            manager.as_deref(),
            Some("later.boss@yunfan.example"),
            "a manager further down"
        );
    }
);

// ---------------------------------------------------------------------------------------
// All or nothing, dry runs, owners and stages, through the command line

fn deals_with_one_broken_row() -> String {
    csv(&[
        &[
            "Record Id",
            "Deal Name",
            "Stage",
            "Amount",
            "Closing Date",
            "Owner Email",
        ],
        &[
            "zcrm_1",
            "好商机",
            "Qualification",
            "100",
            "2026-03-01",
            "zhou.jie@yunfan.example",
        ],
        &[
            "zcrm_2",
            "坏日期",
            "Qualification",
            "100",
            "someday",
            "zhou.jie@yunfan.example",
        ],
        &[
            "zcrm_3",
            "也好",
            "Qualification",
            "100",
            "2026-03-02",
            "zhou.jie@yunfan.example",
        ],
    ])
}

db_test!(
    async fn a_broken_row_leaves_the_database_as_it_was(t: TestDb) {
        load_demo(&t.db).await;
        assert_clean(
            &import(
                &t.db,
                Source::Zoho,
                Entity::Accounts,
                zoho_accounts().as_bytes(),
            )
            .await,
        );
        let dir = tempfile::tempdir().unwrap();
        let file = write(dir.path(), "deals.csv", &deals_with_one_broken_row());
        let before = table_counts(&t.db).await;
        let out = keel(
            &t,
            &[
                "import",
                "--source",
                "zoho",
                "--entity",
                "deals",
                file.to_str().unwrap(),
            ],
            dir.path(),
        );
        assert!(!out.status.success());
        let err = stderr(&out);
        assert!(err.contains("row 3, column \"Closing Date\""), "{err}");
        assert!(err.contains("nothing was written"), "{err}");
        assert!(!err.contains("panicked"), "{err}");
        assert_eq!(table_counts(&t.db).await, before);

        // A problem found in the last row rolls back the rows written before it.
        let late = csv(&[
            &["Record Id", "Deal Name", "Stage", "Owner Email"],
            &[
                "zcrm_7",
                "先写入",
                "Qualification",
                "zhou.jie@yunfan.example",
            ],
            &["zcrm_8", "后出错", "Qualification", "ghost@nowhere.example"],
        ]);
        let r = import(&t.db, Source::Zoho, Entity::Deals, late.as_bytes()).await;
        assert!(!r.committed && r.has_problems());
        assert_eq!(table_counts(&t.db).await, before);
    }
);

db_test!(
    async fn a_dry_run_checks_everything_and_writes_nothing(t: TestDb) {
        load_demo(&t.db).await;
        let dir = tempfile::tempdir().unwrap();
        let accounts = write(dir.path(), "accounts.csv", &zoho_accounts());
        let before = table_counts(&t.db).await;
        let out = keel(
            &t,
            &[
                "import",
                "--source",
                "zoho",
                "--entity",
                "accounts",
                "--dry-run",
                accounts.to_str().unwrap(),
            ],
            dir.path(),
        );
        succeeded(&out);
        let text = stdout(&out);
        assert!(text.contains("nothing was written"), "{text}");
        assert!(
            text.contains("accounts: 2 to create, 0 to update"),
            "{text}"
        );
        assert!(
            stderr(&out).contains("Custom Field 7"),
            "ignored columns are named"
        );
        assert_eq!(table_counts(&t.db).await, before);

        // A dry run reports problems by row and column and exits non-zero.
        let deals = write(dir.path(), "deals.csv", &deals_with_one_broken_row());
        let out = keel(
            &t,
            &[
                "import",
                "--source",
                "zoho",
                "--entity",
                "deals",
                "--dry-run",
                deals.to_str().unwrap(),
            ],
            dir.path(),
        );
        assert!(!out.status.success());
        assert!(
            stderr(&out).contains("row 3, column \"Closing Date\""),
            "{}",
            stderr(&out)
        );
        assert_eq!(table_counts(&t.db).await, before);
    }
);

db_test!(
    async fn unknown_owners_are_listed_or_created_deactivated(t: TestDb) {
        load_demo(&t.db).await;
        let dir = tempfile::tempdir().unwrap();
        let file = write(
            dir.path(),
            "deals.csv",
            &csv(&[
                &[
                    "Record Id",
                    "Deal Name",
                    "Stage",
                    "Deal Owner",
                    "Owner Email",
                ],
                &[
                    "zcrm_1",
                    "甲",
                    "Qualification",
                    "王芳",
                    "wang.fang@elsewhere.example",
                ],
                &[
                    "zcrm_2",
                    "乙",
                    "Qualification",
                    "Zhou Jie",
                    "zhou.jie@yunfan.example",
                ],
                &[
                    "zcrm_3",
                    "丙",
                    "Qualification",
                    "王芳",
                    "wang.fang@elsewhere.example",
                ],
            ]),
        );
        let path = file.to_str().unwrap();
        let before = table_counts(&t.db).await;
        let out = keel(
            &t,
            &["import", "--source", "zoho", "--entity", "deals", path],
            dir.path(),
        );
        assert!(!out.status.success());
        let err = stderr(&out);
        assert!(
            err.contains(
                "row 2, column \"owner\": unknown owner \"王芳 <wang.fang@elsewhere.example>\""
            ),
            "{err}"
        );
        assert!(err.contains("also in row 4"), "{err}");
        assert!(err.contains("--create-missing-owners"), "{err}");
        assert_eq!(table_counts(&t.db).await, before);

        let out = keel(
            &t,
            &[
                "import",
                "--source",
                "zoho",
                "--entity",
                "deals",
                "--create-missing-owners",
                path,
            ],
            dir.path(),
        );
        succeeded(&out);
        assert!(
            stdout(&out).contains("people: 1 created"),
            "{}",
            stdout(&out)
        );
        #[derive(sqlx::FromRow)]
        struct Created {
            name: String,
            role: String,
            active: bool,
            password_hash: Option<String>,
        }
        let created: Created = keel_db::with_pool!(&t.db, p => {
            sqlx::query_as("SELECT name, role, active, password_hash FROM people WHERE email = $1")
                .bind("wang.fang@elsewhere.example")
                .fetch_one(p)
                .await
                .unwrap()
        });
        assert_eq!(
            (created.name.as_str(), created.role.as_str()),
            ("王芳", "member")
        );
        assert!(!created.active && created.password_hash.is_none());
        // The login refuses them.
        assert!(
            !t.db
                .credentials("wang.fang@elsewhere.example")
                .await
                .unwrap()
                .unwrap()
                .active
        );
        // A second run finds them again rather than adding another.
        let out = keel(
            &t,
            &[
                "import",
                "--source",
                "zoho",
                "--entity",
                "deals",
                "--create-missing-owners",
                path,
            ],
            dir.path(),
        );
        succeeded(&out);
        assert!(
            stdout(&out).contains("deals: 0 created, 3 updated"),
            "{}",
            stdout(&out)
        );
        assert!(!stdout(&out).contains("people"), "{}", stdout(&out));
    }
);

db_test!(
    async fn unknown_stages_list_the_accepted_names(t: TestDb) {
        load_demo(&t.db).await;
        let dir = tempfile::tempdir().unwrap();
        let file = write(
            dir.path(),
            "deals.csv",
            &csv(&[
                &["Record ID", "Deal Name", "Deal Stage", "Deal owner"],
                &["1", "Verbal yes", "Verbal", "Zhou Jie"],
            ]),
        );
        let path = file.to_str().unwrap();
        let out = keel(
            &t,
            &["import", "--source", "hubspot", "--entity", "deals", path],
            dir.path(),
        );
        assert!(!out.status.success());
        let err = stderr(&out);
        assert!(
            err.contains("row 2, column \"stage\": unknown stage \"Verbal\""),
            "{err}"
        );
        for accepted in [
            "资格确认 (Qualification)",
            "赢单 (Closed Won)",
            "输单 (Closed Lost)",
        ] {
            assert!(err.contains(accepted), "{err}");
        }
        assert!(err.contains("--stage-map"), "{err}");
        let out = keel(
            &t,
            &[
                "import",
                "--source",
                "hubspot",
                "--entity",
                "deals",
                "--stage-map",
                "verbal=Negotiation/Review",
                path,
            ],
            dir.path(),
        );
        succeeded(&out);
        assert_eq!(deal(&t.db, "1").await.stage_en, "Negotiation/Review");
    }
);

db_test!(
    async fn a_rep_imports_only_within_their_line(t: TestDb) {
        let demo = load_demo(&t.db).await;
        let dir = tempfile::tempdir().unwrap();
        let file = write(
            dir.path(),
            "accounts.csv",
            &csv(&[
                &["name", "owner.email"],
                &["我的客户", ""],
                &["别人的客户", "chen.chen@yunfan.example"],
            ]),
        );
        let path = file.to_str().unwrap();
        let out = keel(
            &t,
            &[
                "import",
                "--source",
                "csv",
                "--entity",
                "accounts",
                "--as",
                &demo.member,
                path,
            ],
            dir.path(),
        );
        assert!(!out.status.success());
        assert!(
            stderr(&out).contains("row 3, column \"owner\": you may not give records to"),
            "{}",
            stderr(&out)
        );
        // People are the admins' business.
        let people = write(
            dir.path(),
            "people.csv",
            &csv(&[&["name", "email"], &["X", "x@y.example"]]),
        );
        let out = keel(
            &t,
            &[
                "import",
                "--source",
                "csv",
                "--entity",
                "people",
                "--as",
                &demo.member,
                people.to_str().unwrap(),
            ],
            dir.path(),
        );
        assert!(!out.status.success());
        assert!(
            stderr(&out).contains("only administrators may import people"),
            "{}",
            stderr(&out)
        );
    }
);

#[tokio::test]
async fn bad_command_line_input_is_one_clear_line() {
    let t = TestDb::sqlite().await;
    load_demo(&t.db).await;
    let dir = tempfile::tempdir().unwrap();
    let missing = keel(
        &t,
        &[
            "import", "--source", "zoho", "--entity", "deals", "nope.csv",
        ],
        dir.path(),
    );
    assert!(!missing.status.success());
    assert!(
        stderr(&missing).starts_with("keel: error: cannot open nope.csv"),
        "{}",
        stderr(&missing)
    );
    let file = write(dir.path(), "x.csv", "Colour,Size\nred,1\n");
    let out = keel(
        &t,
        &[
            "import",
            "--source",
            "zoho",
            "--entity",
            "deals",
            file.to_str().unwrap(),
        ],
        dir.path(),
    );
    assert!(
        stderr(&out).contains("missing required column; expected one of: Deal Name"),
        "{}",
        stderr(&out)
    );
    let out = keel(
        &t,
        &[
            "import",
            "--source",
            "csv",
            "--entity",
            "deals",
            "--map",
            "Colour=flavour",
            file.to_str().unwrap(),
        ],
        dir.path(),
    );
    assert!(
        stderr(&out).contains("unknown target field in mapping: flavour"),
        "{}",
        stderr(&out)
    );
    let out = keel(
        &t,
        &[
            "export",
            "--entity",
            "deals",
            "--format",
            "csv",
            "--to",
            "d.csv",
            "--as",
            "ghost@x.example",
        ],
        dir.path(),
    );
    assert!(
        stderr(&out).contains("no active person has the e-mail ghost@x.example"),
        "{}",
        stderr(&out)
    );
    // An export never overwrites a file.
    let out = keel(
        &t,
        &[
            "export", "--entity", "deals", "--format", "csv", "--to", "x.csv",
        ],
        dir.path(),
    );
    assert!(
        stderr(&out).contains("x.csv already exists"),
        "{}",
        stderr(&out)
    );
    assert_eq!(
        std::fs::read_to_string(&file).unwrap(),
        "Colour,Size\nred,1\n"
    );
}

// ---------------------------------------------------------------------------------------
// Export

/// A small deterministic generator, so each seed is a different but repeatable dataset.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

const REPS: [&str; 4] = [
    "zhou.jie@yunfan.example",
    "wu.ting@yunfan.example",
    "chen.chen@yunfan.example",
    "li.qiang@yunfan.example",
];

/// Generic CSV files (accounts, contacts, leads, deals, activities) for one seed: some rows
/// with ids, some without; commas, quotes and Chinese in the text; links by id and by name.
fn dataset(seed: u64) -> Vec<(ImportEntity, String)> {
    let mut g = Lcg(seed);
    let n = 3 + g.below(4);
    let text = |g: &mut Lcg, base: &str| -> String {
        let extras = ["", "有限公司", ", Inc.", " \"Quoted\"", " 第二行\n内容"];
        format!("{base}{}", extras[g.below(extras.len())])
    };
    let mut accounts = vec![
        vec![
            "external_id",
            "name",
            "industry",
            "size",
            "region",
            "tags",
            "parent.id",
            "owner.email",
            "notes",
        ]
        .into_iter()
        .map(String::from)
        .collect::<Vec<_>>(),
    ];
    for i in 0..n {
        let parent = if i > 0 && g.below(2) == 0 {
            format!("acc-{seed}-0")
        } else {
            String::new()
        };
        accounts.push(vec![
            if i % 2 == 0 {
                format!("acc-{seed}-{i}")
            } else {
                String::new()
            },
            text(&mut g, &format!("客户{seed}-{i}")),
            g.pick(&["制造业", "Retail", ""]).into(),
            if g.below(2) == 0 {
                (g.below(5000) + 1).to_string()
            } else {
                String::new()
            },
            g.pick(&["华东", "North", ""]).into(),
            g.pick(&["vip,key", "华南", ""]).into(),
            if i % 2 == 0 { parent } else { String::new() },
            g.pick(&REPS).into(),
            text(&mut g, "备注"),
        ]);
    }
    let account_name = |i: usize| accounts[i + 1][1].clone();
    let account_ref = |i: usize| accounts[i + 1][0].clone();
    let mut contacts = vec![
        [
            "external_id",
            "name",
            "title",
            "phone",
            "email",
            "account.id",
            "account",
            "owner.email",
        ]
        .map(String::from)
        .to_vec(),
    ];
    for i in 0..n {
        let a = g.below(n);
        contacts.push(vec![
            format!("con-{seed}-{i}"),
            format!("联系人{i}"),
            g.pick(&["CTO", "采购经理", ""]).into(),
            format!("+86 1380000{i:04}"),
            format!("c{i}@client{seed}.example"),
            account_ref(a),
            account_name(a),
            g.pick(&REPS).into(),
        ]);
    }
    let mut leads = vec![
        [
            "external_id",
            "name",
            "company",
            "email",
            "status",
            "source",
            "owner.email",
        ]
        .map(String::from)
        .to_vec(),
    ];
    for i in 0..n {
        leads.push(vec![
            if i % 3 == 0 {
                String::new()
            } else {
                format!("lead-{seed}-{i}")
            },
            format!("线索{i}"),
            text(&mut g, "公司"),
            format!("l{i}@lead{seed}.example"),
            g.pick(&["new", "contacted", "qualified", "lost"]).into(),
            g.pick(&["Web", "展会", ""]).into(),
            g.pick(&REPS).into(),
        ]);
    }
    let stages = ["资格确认", "需求分析", "谈判审核", "赢单", "输单"];
    let mut deals = vec![
        [
            "external_id",
            "name",
            "amount",
            "currency",
            "stage",
            "close_date",
            "created",
            "owner.email",
            "account.id",
            "account",
            "contact.id",
            "kind",
            "source",
            "loss_reason",
        ]
        .map(String::from)
        .to_vec(),
    ];
    for i in 0..n {
        let a = g.below(n);
        deals.push(vec![
            format!("deal-{seed}-{i}"),
            text(&mut g, &format!("商机{i}")),
            format!("{}.{:02}", g.below(2_000_000), g.below(100)),
            g.pick(&["CNY", "USD"]).into(),
            g.pick(&stages).into(),
            format!("2026-{:02}-{:02}", 1 + g.below(12), 1 + g.below(28)),
            format!("2025-{:02}-{:02}", 1 + g.below(12), 1 + g.below(28)),
            g.pick(&REPS).into(),
            account_ref(a),
            account_name(a),
            if g.below(2) == 0 {
                format!("con-{seed}-{}", g.below(n))
            } else {
                String::new()
            },
            g.pick(&["New Business", "续约", ""]).into(),
            g.pick(&["Partner", ""]).into(),
            g.pick(&["价格", ""]).into(),
        ]);
    }
    let mut activities = vec![
        [
            "external_id",
            "kind",
            "subject",
            "at",
            "due",
            "done",
            "related.id",
            "owner.email",
            "notes",
        ]
        .map(String::from)
        .to_vec(),
    ];
    for i in 0..n {
        let related = match g.below(4) {
            0 => format!("deal-{seed}-{}", g.below(n)),
            1 => format!("con-{seed}-{}", g.below(n)),
            2 => format!("lead-{seed}-{}", 1 + 3 * g.below(1)),
            _ => String::new(),
        };
        let timed = g.below(2) == 0;
        activities.push(vec![
            format!("act-{seed}-{i}"),
            g.pick(&["call", "meeting", "email", "visit", "task"])
                .into(),
            text(&mut g, &format!("跟进{i}")),
            if timed {
                format!(
                    "2026-02-{:02} {:02}:{:02}:05",
                    1 + g.below(28),
                    g.below(24),
                    g.below(60)
                )
            } else {
                String::new()
            },
            if timed {
                String::new()
            } else {
                format!("2026-03-{:02}", 1 + g.below(28))
            },
            g.pick(&["true", "false"]).into(),
            related,
            g.pick(&REPS).into(),
            text(&mut g, "说明"),
        ]);
    }
    let to_csv = |rows: Vec<Vec<String>>| {
        let rows: Vec<Vec<&str>> = rows
            .iter()
            .map(|r| r.iter().map(String::as_str).collect())
            .collect();
        let rows: Vec<&[&str]> = rows.iter().map(Vec::as_slice).collect();
        csv(&rows)
    };
    vec![
        (ImportEntity::Accounts, to_csv(accounts)),
        (ImportEntity::Contacts, to_csv(contacts)),
        (ImportEntity::Leads, to_csv(leads)),
        (ImportEntity::Deals, to_csv(deals)),
        (ImportEntity::Activities, to_csv(activities)),
    ]
}

const EXPORTED: [(ImportEntity, ExportEntity, &str); 5] = [
    (ImportEntity::Accounts, ExportEntity::Accounts, "accounts"),
    (ImportEntity::Contacts, ExportEntity::Contacts, "contacts"),
    (ImportEntity::Leads, ExportEntity::Leads, "leads"),
    (ImportEntity::Deals, ExportEntity::Deals, "deals"),
    (
        ImportEntity::Activities,
        ExportEntity::Activities,
        "activities",
    ),
];

/// Exports every entity of `t` into `dir` as `<entity>.<ext>`.
async fn export_all(t: &TestDb, dir: &Path, format: ExportFormat) -> Vec<PathBuf> {
    let ext = if format == ExportFormat::Csv {
        "csv"
    } else {
        "xlsx"
    };
    let mut files = Vec::new();
    for (_, entity, name) in EXPORTED {
        let file = dir.join(format!("{name}.{ext}"));
        export_to(t, entity, format, &file, None).await;
        files.push(file);
    }
    files
}

/// A CSV export's records as a sorted list (row order follows ids, which differ between
/// databases).
fn records_of(file: &Path) -> Vec<Vec<String>> {
    let bytes = std::fs::read(file).unwrap();
    let text = bytes
        .strip_prefix(b"\xEF\xBB\xBF")
        .expect("CSV export starts with a BOM");
    let mut reader = ::csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(text);
    let mut rows: Vec<Vec<String>> = reader
        .records()
        .map(|r| r.unwrap().iter().map(str::to_owned).collect())
        .collect();
    rows.sort();
    rows
}

async fn import_files(t: &TestDb, source: ImportSource, files: &[PathBuf]) {
    for ((entity, _, _), file) in EXPORTED.iter().zip(files) {
        run(t, Command::Import(import_args(source, *entity, file)))
            .await
            .unwrap_or_else(|e| panic!("import {}: {e}", file.display()));
    }
}

db_test!(
    async fn export_then_import_is_the_identity(t: TestDb) {
        for seed in [1_u64, 7, 42] {
            let dir = tempfile::tempdir().unwrap();
            // A database holding the generated data ...
            let a = match t.db.backend() {
                keel_db::Backend::Sqlite => TestDb::sqlite().await,
                keel_db::Backend::Postgres => TestDb::postgres().await.expect("postgres"),
            };
            load_demo(&a.db).await;
            for (entity, text) in dataset(seed) {
                let file = write(dir.path(), &format!("gen-{entity:?}.csv"), &text);
                run(
                    &a,
                    Command::Import(import_args(ImportSource::Csv, entity, &file)),
                )
                .await
                .unwrap_or_else(|e| panic!("seed {seed} {entity:?}: {e}"));
            }
            let first = dir.path().join("a");
            std::fs::create_dir(&first).unwrap();
            let exported = export_all(&a, &first, ExportFormat::Csv).await;
            // ... exported, imported into another, and exported again reads the same.
            let b = match t.db.backend() {
                keel_db::Backend::Sqlite => TestDb::sqlite().await,
                keel_db::Backend::Postgres => TestDb::postgres().await.expect("postgres"),
            };
            load_demo(&b.db).await;
            import_files(&b, ImportSource::Csv, &exported).await;
            let second = dir.path().join("b");
            std::fs::create_dir(&second).unwrap();
            let again = export_all(&b, &second, ExportFormat::Csv).await;
            for (x, y) in exported.iter().zip(&again) {
                let (x, y) = (records_of(x), records_of(y));
                assert!(x.len() > 1, "seed {seed}: nothing exported");
                assert_eq!(x, y, "seed {seed}");
            }
            // Importing an export into the database it came from changes nothing.
            let before = table_counts(&a.db).await;
            import_files(&a, ImportSource::Csv, &exported).await;
            let after = table_counts(&a.db).await;
            assert_eq!(
                before[..9],
                after[..9],
                "seed {seed}: only the audit log grows"
            );
        }
    }
);

db_test!(
    async fn an_xlsx_export_imports_back(t: TestDb) {
        load_demo(&t.db).await;
        let dir = tempfile::tempdir().unwrap();
        for (entity, text) in dataset(3) {
            let file = write(dir.path(), &format!("gen-{entity:?}.csv"), &text);
            run(
                &t,
                Command::Import(import_args(ImportSource::Csv, entity, &file)),
            )
            .await
            .unwrap();
        }
        let csv_dir = dir.path().join("csv");
        let xlsx_dir = dir.path().join("xlsx");
        std::fs::create_dir(&csv_dir).unwrap();
        std::fs::create_dir(&xlsx_dir).unwrap();
        let as_csv = export_all(&t, &csv_dir, ExportFormat::Csv).await;
        let as_xlsx = export_all(&t, &xlsx_dir, ExportFormat::Xlsx).await;
        assert!(
            std::fs::read(&as_xlsx[0])
                .unwrap()
                .starts_with(b"PK\x03\x04")
        );
        let b = match t.db.backend() {
            keel_db::Backend::Sqlite => TestDb::sqlite().await,
            keel_db::Backend::Postgres => TestDb::postgres().await.expect("postgres"),
        };
        load_demo(&b.db).await;
        import_files(&b, ImportSource::Xlsx, &as_xlsx).await;
        let again_dir = dir.path().join("again");
        std::fs::create_dir(&again_dir).unwrap();
        let again = export_all(&b, &again_dir, ExportFormat::Csv).await;
        for (x, y) in as_csv.iter().zip(&again) {
            assert_eq!(records_of(x), records_of(y), "{}", x.display());
        }
    }
);

db_test!(
    async fn a_rep_exports_only_what_they_may_see(t: TestDb) {
        let demo: Demo = load_demo(&t.db).await;
        let deals = csv(&[
            &["external_id", "name", "stage", "amount", "owner.email"],
            &[
                "d1",
                "周杰的商机",
                "资格确认",
                "1",
                "zhou.jie@yunfan.example",
            ],
            &[
                "d2",
                "陈晨的商机",
                "资格确认",
                "2",
                "chen.chen@yunfan.example",
            ],
            &[
                "d3",
                "吴婷的商机",
                "资格确认",
                "3",
                "wu.ting@yunfan.example",
            ],
        ]);
        assert_clean(&import(&t.db, Source::Generic, Entity::Deals, deals.as_bytes()).await);
        let dir = tempfile::tempdir().unwrap();
        let names = |file: &Path| -> Vec<String> {
            let mut rows = records_of(file);
            rows.retain(|r| r[0] != "external_id");
            let mut names: Vec<String> = rows.into_iter().map(|r| r[1].clone()).collect();
            names.sort();
            names
        };
        let mine = dir.path().join("mine.csv");
        export_to(
            &t,
            ExportEntity::Deals,
            ExportFormat::Csv,
            &mine,
            Some(&demo.member),
        )
        .await;
        assert_eq!(names(&mine), ["周杰的商机"]);
        // The East manager sees their reps' (周杰, 吴婷), not the North team's.
        let line = dir.path().join("line.csv");
        export_to(
            &t,
            ExportEntity::Deals,
            ExportFormat::Csv,
            &line,
            Some(&demo.manager),
        )
        .await;
        assert_eq!(names(&line), ["吴婷的商机", "周杰的商机"]);
        let all = dir.path().join("all.csv");
        export_to(
            &t,
            ExportEntity::Deals,
            ExportFormat::Csv,
            &all,
            Some(&demo.director),
        )
        .await;
        assert_eq!(names(&all).len(), 3);
    }
);

db_test!(
    async fn a_csv_export_starts_with_a_bom_and_writes_money_in_major_units(t: TestDb) {
        load_demo(&t.db).await;
        let deals = csv(&[
            &[
                "external_id",
                "name",
                "stage",
                "amount",
                "currency",
                "owner.email",
            ],
            &[
                "d1",
                "华为",
                "赢单",
                "1,234.5",
                "USD",
                "zhou.jie@yunfan.example",
            ],
        ]);
        assert_clean(&import(&t.db, Source::Generic, Entity::Deals, deals.as_bytes()).await);
        let dir = tempfile::tempdir().unwrap();
        let out = keel(
            &t,
            &[
                "export",
                "--entity",
                "deals",
                "--format",
                "csv",
                "--to",
                "deals.csv",
            ],
            dir.path(),
        );
        succeeded(&out);
        assert!(
            stdout(&out).contains("exported 1 deals to deals.csv"),
            "{}",
            stdout(&out)
        );
        let bytes = std::fs::read(dir.path().join("deals.csv")).unwrap();
        assert!(bytes.starts_with(b"\xEF\xBB\xBFexternal_id,name,amount,currency,stage"));
        let text = String::from_utf8(bytes).unwrap();
        assert!(text.contains("d1,华为,1234.50,USD,赢单"), "{text}");
    }
);
