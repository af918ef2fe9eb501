//! Two years of believable CRM history for the demo organisation: accounts in each region,
//! contacts, deals that move through the pipeline and are won or lost, calls, meetings,
//! visits and tasks, satisfaction answers, and leads in and out of the shared pool. Fixed
//! seed: the same every time, relative to the day it is loaded.

use chrono::{DateTime, TimeDelta, Utc};
use keel_db::bulk::{
    CrmSeed, SeedAccount, SeedActivity, SeedContact, SeedDeal, SeedLead, SeedSatisfaction,
};
use keel_db::deals::Stage;
use keel_domain::time::Zone;
use std::cell::Cell;
use uuid::Uuid;

/// xorshift64*: small, fast, and the same on every machine.
struct Rng(Cell<u64>);

impl Rng {
    fn next(&self) -> u64 {
        let mut x = self.0.get();
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0.set(x);
        x.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
    fn pick<'a, T>(&self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }
    fn chance(&self, percent: u64) -> bool {
        self.below(100) < percent
    }
}

const CITIES: [[&str; 3]; 4] = [
    ["上海", "杭州", "南京"],
    ["北京", "天津", "济南"],
    ["广州", "深圳", "厦门"],
    ["成都", "重庆", "西安"],
];
const PREFIXES: [&str; 16] = [
    "华信", "瑞丰", "金石", "远景", "恒通", "博雅", "凯盛", "新泰", "天合", "明德", "盛世", "润达",
    "卓越", "鼎新", "安泰", "嘉禾",
];
const INDUSTRIES: [(&str, &str); 6] = [
    ("制造", "Manufacturing"),
    ("零售", "Retail"),
    ("物流", "Logistics"),
    ("医疗", "Healthcare"),
    ("金融", "Finance"),
    ("教育", "Education"),
];
const SUFFIXES: [&str; 4] = ["科技", "集团", "股份", "实业"];
const SURNAMES: [&str; 12] = [
    "王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙",
];
const CONTACT_TITLES: [&str; 5] = ["采购经理", "IT总监", "运营总监", "总经理", "财务经理"];
const PRODUCTS: [&str; 3] = ["云平台 Cloud", "数据分析 Analytics", "实施服务 Services"];
const SOURCES: [&str; 5] = [
    "官网 Website",
    "展会 Trade show",
    "老客户推荐 Referral",
    "电话拜访 Cold call",
    "合作伙伴 Partner",
];
const LOSS: [&str; 4] = [
    "价格 Price",
    "竞争对手 Competitor",
    "预算取消 No budget",
    "时机不对 Timing",
];
const CALLS: [&str; 4] = [
    "电话沟通需求",
    "跟进报价反馈",
    "确认决策流程",
    "回访使用情况",
];
const MEETINGS: [&str; 3] = ["方案演示", "技术交流会", "商务谈判"];
const VISITS: [&str; 3] = ["上门拜访", "现场调研", "签约拜访"];
const TASKS: [&str; 4] = ["发送报价单", "准备合同", "安排产品演示", "整理需求文档"];

/// `reps`: (person, team index 0..4); `stages`: the default pipeline, in order.
pub fn generate(
    next_id: &dyn Fn() -> Uuid,
    reps: &[(Uuid, usize)],
    stages: &[Stage],
    now: DateTime<Utc>,
) -> CrmSeed {
    let rng = Rng(Cell::new(0x6b65_656c_2026));
    let open: Vec<&Stage> = stages.iter().filter(|s| s.category == "open").collect();
    let won = stages.iter().find(|s| s.category == "won");
    let lost = stages.iter().find(|s| s.category == "lost");
    let mut seed = CrmSeed::default();
    let (Some(won), Some(lost)) = (won, lost) else {
        return seed;
    };
    let days_ago =
        |d: u64, minutes: u64| now - TimeDelta::days(d as i64) - TimeDelta::minutes(minutes as i64);
    let mut used_names = std::collections::HashSet::new();

    for &(rep, team) in reps {
        for _ in 0..6 {
            let city = *rng.pick(&CITIES[team % 4]);
            let (industry, industry_en) = *rng.pick(&INDUSTRIES);
            let mut name = format!(
                "{city}{}{industry}{}",
                rng.pick(&PREFIXES),
                rng.pick(&SUFFIXES)
            );
            while !used_names.insert(name.clone()) {
                name = format!(
                    "{city}{}{industry}{}",
                    rng.pick(&PREFIXES),
                    rng.pick(&SUFFIXES)
                );
            }
            let account = next_id();
            let created = days_ago(200 + rng.below(530), rng.below(600));
            let contact = next_id();
            seed.contacts.push(SeedContact {
                id: contact,
                account_id: account,
                name: format!(
                    "{}{}",
                    rng.pick(&SURNAMES),
                    if rng.chance(50) { "先生" } else { "女士" }
                ),
                title: rng.pick(&CONTACT_TITLES).to_string(),
                phone: format!("1{}{:08}", 3 + rng.below(7), rng.below(100_000_000)),
                owner_id: rep,
                created_at: created,
            });
            let mut ever_won = false;
            let deals = 2 + rng.below(3);
            for k in 0..deals {
                let deal = next_id();
                let start_days = 20 + rng.below(700);
                let start = days_ago(start_days, rng.below(600));
                let amount = (50 + rng.below(1950)) as i64 * 1_000 * 100;
                let product = *rng.pick(&PRODUCTS);
                // How far it got: old deals are decided, young ones still open.
                let decided = start_days > 75 && rng.chance(85);
                let reach = if decided {
                    open.len()
                } else {
                    1 + rng.below(open.len() as u64) as usize
                };
                let mut steps = Vec::new();
                let mut t = start;
                for stage in open.iter().take(reach) {
                    steps.push((stage.id, t));
                    t += TimeDelta::days(3 + rng.below(14) as i64);
                }
                let outcome_won = decided && rng.chance(52);
                let mut loss_reason = None;
                if decided {
                    let last = t.min(now - TimeDelta::days(1));
                    if outcome_won {
                        steps.push((won.id, last));
                        ever_won = true;
                    } else {
                        // Lost deals leave the pipeline from wherever they stalled.
                        steps.truncate(1 + rng.below(steps.len() as u64) as usize);
                        steps.push((lost.id, last));
                        loss_reason = Some(*rng.pick(&LOSS));
                    }
                }
                let close = steps.last().map_or(now, |s| s.1)
                    + TimeDelta::days(if decided {
                        0
                    } else {
                        10 + rng.below(60) as i64
                    });
                seed.deals.push(SeedDeal {
                    id: deal,
                    name: format!(
                        "{} · {}{}",
                        name,
                        product.split(' ').next().unwrap_or(product),
                        if k > 0 {
                            format!(" {}期", k + 1)
                        } else {
                            String::new()
                        }
                    ),
                    amount_minor: amount,
                    account_id: account,
                    contact_id: Some(contact),
                    owner_id: rep,
                    product_line: product,
                    source: SOURCES[rng.below(SOURCES.len() as u64) as usize],
                    expected_close: Zone::DEFAULT.day_of(close),
                    loss_reason,
                    closed: decided,
                    steps: steps.clone(),
                });
                // Follow-ups along the deal's life.
                for (stage_at, _) in steps.iter().map(|s| (s.1, s.0)) {
                    let when = stage_at + TimeDelta::hours(2 + rng.below(40) as i64);
                    if when > now {
                        continue;
                    }
                    let kind = match rng.below(10) {
                        0..=3 => "call",
                        4..=5 => "meeting",
                        6..=7 => "visit",
                        _ => "email",
                    };
                    let subject = match kind {
                        "call" => rng.pick(&CALLS).to_string(),
                        "meeting" => rng.pick(&MEETINGS).to_string(),
                        "visit" => rng.pick(&VISITS).to_string(),
                        _ => "邮件发送资料".to_string(),
                    };
                    seed.activities.push(SeedActivity {
                        id: next_id(),
                        kind,
                        subject,
                        owner_id: rep,
                        at: when,
                        due_date: None,
                        done_at: None,
                        account_id: Some(account),
                        deal_id: Some(deal),
                        location: (kind == "visit").then(|| format!("{city}市")),
                    });
                }
                if outcome_won && rng.chance(75) {
                    let at = (steps.last().map_or(now, |s| s.1) + TimeDelta::days(20)).min(now);
                    let csat = if rng.chance(80) {
                        4 + rng.below(2) as i32
                    } else {
                        1 + rng.below(3) as i32
                    };
                    seed.satisfaction.push(SeedSatisfaction {
                        id: next_id(),
                        kind: "csat",
                        score: csat,
                        comment: (csat <= 2).then(|| "交付延期 Delivery was late".to_string()),
                        account_id: account,
                        deal_id: Some(deal),
                        owner_id: rep,
                        at,
                    });
                    if rng.chance(60) {
                        let nps = if csat >= 4 {
                            7 + rng.below(4) as i32
                        } else {
                            rng.below(7) as i32
                        };
                        seed.satisfaction.push(SeedSatisfaction {
                            id: next_id(),
                            kind: "nps",
                            score: nps,
                            comment: None,
                            account_id: account,
                            deal_id: Some(deal),
                            owner_id: rep,
                            at,
                        });
                    }
                }
            }
            seed.accounts.push(SeedAccount {
                id: account,
                name,
                industry: format!("{industry} {industry_en}"),
                size: [20, 80, 300, 1200, 5000][rng.below(5) as usize] + rng.below(50) as i32,
                region: city.to_string(),
                status: if ever_won { "customer" } else { "prospect" },
                tags: if ever_won && rng.chance(30) {
                    "vip".into()
                } else {
                    String::new()
                },
                owner_id: Some(rep),
                created_at: created,
            });
        }
        // Each rep's tasks: some overdue, some today, some ahead; a few done.
        for offset in [-3i64, -1, 0, 0, 2, 5] {
            let due = Zone::DEFAULT.day_of(now + TimeDelta::days(offset));
            let done = offset < 0 && rng.chance(40);
            let account = seed
                .accounts
                .iter()
                .rev()
                .take(6)
                .nth(rng.below(6) as usize)
                .map(|a| a.id);
            seed.activities.push(SeedActivity {
                id: next_id(),
                kind: "task",
                subject: rng.pick(&TASKS).to_string(),
                owner_id: rep,
                at: now - TimeDelta::days(7),
                due_date: Some(due),
                done_at: done.then(|| now - TimeDelta::days(1)),
                account_id: account,
                deal_id: None,
                location: None,
            });
        }
    }
    // Leads: most with reps, some waiting in the shared pool.
    for i in 0..60 {
        let team = i % 4;
        let owner = if i % 3 == 0 {
            None
        } else {
            reps.iter()
                .filter(|(_, t)| *t == team)
                .nth(rng.below(6) as usize)
                .map(|(id, _)| *id)
        };
        let city = *rng.pick(&CITIES[team]);
        let (industry, industry_en) = *rng.pick(&INDUSTRIES);
        seed.leads.push(SeedLead {
            id: next_id(),
            name: format!(
                "{}{}",
                rng.pick(&SURNAMES),
                if rng.chance(50) { "总" } else { "经理" }
            ),
            company: format!("{city}{}{industry}有限公司", rng.pick(&PREFIXES)),
            phone: format!("1{}{:08}", 3 + rng.below(7), rng.below(100_000_000)),
            source: SOURCES[rng.below(SOURCES.len() as u64) as usize],
            status: ["new", "contacted", "qualified"][rng.below(3) as usize],
            industry: format!("{industry} {industry_en}"),
            owner_id: owner,
            created_at: days_ago(rng.below(25), rng.below(600)),
        });
    }
    seed
}
