//! The demo organisation: 云帆科技 (Yunfan Tech), a director, an admin who also runs HR, four
//! regional sales teams, each a manager with six reps. Fixed names so screenshots and tests
//! are reproducible; every demo login shares one password, printed by `keel demo`.

use chrono::NaiveDate;
use keel_db::Db;
use keel_db::people::{NewPerson, PersonInput};
use keel_db::setup::{FirstAdmin, Seed};
use keel_db::teams::TeamInput;
use std::cell::Cell;
use uuid::Uuid;

/// The demo's ids: UUIDv7s from a fixed clock and counter, so every run (and every screenshot
/// URL) is the same.
struct Ids(Cell<u64>);

impl Ids {
    fn next(&self) -> Uuid {
        let n = self.0.get() + 1;
        self.0.set(n);
        // 2026-01-01T00:00:00Z plus n milliseconds; the counter fills the random bits.
        let millis = 1_767_225_600_000 + n;
        let mut random = [0u8; 10];
        random[2..].copy_from_slice(&n.to_be_bytes());
        uuid::Builder::from_unix_timestamp_millis(millis, &random).into_uuid()
    }
}

pub const PASSWORD: &str = "keel-demo-2026";
pub const DOMAIN: &str = "yunfan.example";

/// (role label, e-mail) for each kind of login, to print.
pub type Logins = Vec<(&'static str, String)>;

const REGIONS: [(&str, &str); 4] = [
    ("华东大区", "East China"),
    ("华北大区", "North China"),
    ("华南大区", "South China"),
    ("西部大区", "West China"),
];

/// (Chinese name, pinyin) for the four managers, then for the 24 reps.
const MANAGERS: [(&str, &str); 4] = [
    ("李强", "Li Qiang"),
    ("王磊", "Wang Lei"),
    ("刘洋", "Liu Yang"),
    ("张伟", "Zhang Wei"),
];
const REPS: [(&str, &str); 24] = [
    ("周杰", "Zhou Jie"),
    ("吴婷", "Wu Ting"),
    ("郑浩", "Zheng Hao"),
    ("孙悦", "Sun Yue"),
    ("钱鑫", "Qian Xin"),
    ("冯雪", "Feng Xue"),
    ("陈晨", "Chen Chen"),
    ("杨帆", "Yang Fan"),
    ("黄丽", "Huang Li"),
    ("朱峰", "Zhu Feng"),
    ("胡静", "Hu Jing"),
    ("林涛", "Lin Tao"),
    ("何敏", "He Min"),
    ("高翔", "Gao Xiang"),
    ("罗琳", "Luo Lin"),
    ("梁宇", "Liang Yu"),
    ("宋佳", "Song Jia"),
    ("谢峰", "Xie Feng"),
    ("唐糖", "Tang Tang"),
    ("韩冰", "Han Bing"),
    ("曹阳", "Cao Yang"),
    ("许诺", "Xu Nuo"),
    ("邓超", "Deng Chao"),
    ("萧然", "Xiao Ran"),
];

fn email(pinyin: &str) -> String {
    format!("{}@{DOMAIN}", pinyin.to_lowercase().replace(' ', "."))
}

/// Creates the demo organisation in an empty database, in one transaction.
/// Creates the demo organisation with two years of CRM history and this quarter's goals.
pub async fn load(db: &Db) -> Result<Logins, String> {
    load_with(db, true).await
}

/// The demo organisation's people only, for tests that bring their own records.
pub async fn load_people(db: &Db) -> Result<Logins, String> {
    load_with(db, false).await
}

async fn load_with(db: &Db, history: bool) -> Result<Logins, String> {
    if !db.is_first_run().await.map_err(|e| e.to_string())? {
        return Err(
            "the database already has an organisation; the demo loads only into an empty database"
                .into(),
        );
    }
    let hash = keel_web::hash_password(PASSWORD.to_owned())
        .await
        .map_err(|e| e.to_string())?;
    let admin = FirstAdmin {
        organisation: "云帆科技 Yunfan Tech".into(),
        name: "赵敏".into(),
        name_en: Some("Zhao Min".into()),
        email: email("Zhao Min"),
        password_hash: hash.clone(),
        locale: "zh-CN".into(),
        // 云帆科技 works on Beijing time: its days, months and quarters are Asia/Shanghai's.
        time_zone: keel_domain::time::Zone::DEFAULT,
    };
    // Hire dates spread over the last years, fixed so the demo is the same every time.
    let ids = Ids(Cell::new(0));
    let new_id = || ids.next();
    let hired = |n: usize| {
        NaiveDate::from_ymd_opt(
            2019 + (n % 6) as i32,
            1 + (n * 5 % 12) as u32,
            1 + (n * 7 % 28) as u32,
        )
    };
    let person =
        |n: usize, name: &str, pinyin: &str, title: &str, team, dept, manager, role: &str| {
            NewPerson {
                id: new_id(),
                input: PersonInput {
                    name: name.into(),
                    name_en: Some(pinyin.into()),
                    email: Some(email(pinyin)),
                    title: Some(title.into()),
                    team_id: team,
                    department_id: dept,
                    manager_id: manager,
                    role: role.into(),
                    is_hr: false,
                    locale: None,
                    hire_date: hired(n),
                },
                password_hash: Some(hash.clone()),
            }
        };
    let mut seed = Seed::default();
    let sales = new_id();
    seed.departments.push((sales, "销售部 Sales".into()));
    let director = person(
        0,
        "陈静",
        "Chen Jing",
        "客户总监 Account Director",
        None,
        Some(sales),
        None,
        "director",
    );
    let director_id = director.id;
    seed.people.push(director);
    for (i, (region, region_en)) in REGIONS.iter().enumerate() {
        let team = new_id();
        let (m, m_en) = MANAGERS[i];
        let manager = person(
            1 + i,
            m,
            m_en,
            "销售经理 Sales Manager",
            Some(team),
            Some(sales),
            Some(director_id),
            "manager",
        );
        let manager_id = manager.id;
        seed.teams.push((
            team,
            TeamInput {
                name: format!("{region} {region_en}"),
                department_id: Some(sales),
                lead_id: Some(manager_id),
            },
        ));
        seed.people.push(manager);
        for (k, (r, r_en)) in REPS[i * 6..i * 6 + 6].iter().enumerate() {
            let rep = person(
                5 + i * 6 + k,
                r,
                r_en,
                "客户经理 Account Manager",
                Some(team),
                Some(sales),
                Some(manager_id),
                "member",
            );
            seed.people.push(rep);
        }
    }
    let reps: Vec<(Uuid, usize)> = seed
        .people
        .iter()
        .filter(|p| p.input.role == "member")
        .enumerate()
        .map(|(i, p)| (p.id, i / 6))
        .collect();
    let admin_id = db
        .create_organisation(&admin, &seed)
        .await
        .map_err(|e| e.to_string())?;
    if history {
        let stages = db.stages().await.map_err(|e| e.to_string())?;
        let crm =
            crate::demo_history::generate(&|| ids.next(), &reps, &stages, keel_domain::time::now());
        db.insert_crm_seed(admin_id, &crm)
            .await
            .map_err(|e| e.to_string())?;
        let admin = keel_db::visibility::Actor {
            id: admin_id,
            role: keel_domain::roles::Role::Admin,
            is_hr: true,
        };
        crate::demo_targets::load(db, admin).await?;
        crate::demo_contests::load(db, admin).await?;
        let teams: Vec<crate::demo_goals::DemoTeam> = seed
            .teams
            .iter()
            .enumerate()
            .map(|(i, (id, t))| crate::demo_goals::DemoTeam {
                id: *id,
                manager: t.lead_id.unwrap_or(director_id),
                name: REGIONS[i].0.into(),
                reps: reps.iter().filter(|r| r.1 == i).map(|r| r.0).collect(),
            })
            .collect();
        let today = keel_domain::time::Zone::DEFAULT.today();
        crate::demo_goals::load(db, &|| ids.next(), director_id, &teams, today).await?;
        crate::demo_checkins::load(db, &|| ids.next(), director_id, &teams, today).await?;
        crate::demo_notifications::load(db, director_id, &teams).await?;
    }
    Ok(vec![
        ("director", email("Chen Jing")),
        ("manager", email(MANAGERS[0].1)),
        ("member", email(REPS[0].1)),
        ("admin + hr", email("Zhao Min")),
    ])
}

pub fn print_logins(logins: &Logins) {
    println!("demo organisation loaded; every demo login uses the password {PASSWORD}");
    for (role, email) in logins {
        println!("  {role:<11} {email}");
    }
}
