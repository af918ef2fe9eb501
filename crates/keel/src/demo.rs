//! The demo organisation: 云帆科技 (Yunfan Tech), a director, an admin who also runs HR, four
//! regional sales managers and six reps under each. Fixed names so screenshots and tests
//! are reproducible; every demo login shares one password, printed by `keel demo`.

use keel_db::Db;
use keel_db::people::NewPerson;
use keel_db::setup::FirstAdmin;
use keel_domain::ids::new_id;

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
pub async fn load(db: &Db) -> Result<Logins, String> {
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
        email: email("Zhao Min"),
        password_hash: hash.clone(),
        locale: "zh-CN".into(),
    };
    let person = |name: &str, pinyin: &str, title: &str, dept, manager, role| NewPerson {
        id: new_id(),
        name: name.into(),
        name_en: Some(pinyin.into()),
        email: Some(email(pinyin)),
        title: Some(title.into()),
        department_id: dept,
        manager_id: manager,
        role,
        is_hr: false,
        locale: None,
        hire_date: None,
        password_hash: Some(hash.clone()),
    };
    let mut departments = Vec::new();
    let director = person(
        "陈静",
        "Chen Jing",
        "客户总监 Account Director",
        None,
        None,
        "director",
    );
    let director_id = director.id;
    let mut people = vec![director];
    for (i, (region, region_en)) in REGIONS.iter().enumerate() {
        let dept = new_id();
        departments.push((dept, format!("{region} {region_en}")));
        let (m, m_en) = MANAGERS[i];
        let manager = person(
            m,
            m_en,
            "销售经理 Sales Manager",
            Some(dept),
            Some(director_id),
            "manager",
        );
        let manager_id = manager.id;
        people.push(manager);
        for (r, r_en) in &REPS[i * 6..i * 6 + 6] {
            people.push(person(
                r,
                r_en,
                "客户经理 Account Manager",
                Some(dept),
                Some(manager_id),
                "member",
            ));
        }
    }
    db.create_organisation(&admin, &departments, &people)
        .await
        .map_err(|e| e.to_string())?;
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
