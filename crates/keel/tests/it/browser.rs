//! Journeys in real headless Chromium through chromedriver (`KEEL_TEST_WEBDRIVER`).

use crate::harness::{TestDb, TestServer, skip};
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::json;

async fn browser() -> Option<Client> {
    let Ok(url) = std::env::var("KEEL_TEST_WEBDRIVER") else {
        skip(
            "browser",
            "KEEL_TEST_WEBDRIVER is not set (no chromedriver)",
        );
        return None;
    };
    let profile = tempfile::tempdir().expect("profile dir").keep();
    let mut caps = serde_json::Map::new();
    caps.insert(
        "goog:chromeOptions".into(),
        json!({
            "binary": "/usr/bin/chromium",
            "args": [
                "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--no-first-run", "--disable-quic", "--lang=zh-CN",
                format!("--user-data-dir={}", profile.display()),
            ],
            // What the browser asks for in Accept-Language: Chinese first, as our users.
            "prefs": { "intl.accept_languages": "zh-CN,zh" }
        }),
    );
    let connector = hyper_util::client::legacy::connect::HttpConnector::new();
    let client = ClientBuilder::new(connector)
        .capabilities(caps)
        .connect(&url)
        .await
        .unwrap_or_else(|e| panic!("cannot start Chromium through {url}: {e}"));
    Some(client)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn home_page_renders_with_its_title() {
    let Some(b) = browser().await else { return };
    let t = TestDb::sqlite().await;
    let s = TestServer::start(&t).await;
    b.goto(&s.url("/")).await.unwrap();
    // A fresh database lands on first-run set-up, in Chinese by default.
    let title = b.title().await.unwrap();
    assert!(title.contains("keel"), "{title}");
    assert!(title.contains("初始化 keel"), "{title}");
    assert_eq!(b.current_url().await.unwrap().path(), "/setup");
    b.close().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn first_run_setup_then_log_out_and_in_again_in_both_languages() {
    let Some(b) = browser().await else { return };
    let t = TestDb::sqlite().await;
    let s = TestServer::start(&t).await;
    b.goto(&s.url("/")).await.unwrap();
    // Switch to English on the set-up page itself.
    click(&b, Locator::Css("form.lang button[value='en']")).await;
    wait_for_heading(&b, "Set up keel").await;
    assert!(b.title().await.unwrap().starts_with("Set up keel"));
    for (name, value) in [
        ("organisation", "云帆科技"),
        ("name", "Ada Admin"),
        ("email", "ada@example.com"),
        ("password", "a long enough password"),
    ] {
        type_into(&b, Locator::Css(&format!("input[name='{name}']")), value).await;
    }
    click(&b, Locator::Css("button.primary")).await;
    wait_for_heading(&b, "Welcome, Ada Admin").await;
    // Back to Chinese, which is stored with the person.
    click(&b, Locator::Css("form.lang button[value='zh-CN']")).await;
    wait_for_heading(&b, "欢迎，Ada Admin").await;
    // Log out, then in again.
    click(&b, Locator::Id("logout")).await;
    wait_for_heading(&b, "云帆科技").await;
    assert_eq!(b.current_url().await.unwrap().path(), "/login");
    assert!(b.source().await.unwrap().contains("您已退出登录"));
    type_into(&b, Locator::Css("input[name='email']"), "ada@example.com").await;
    type_into(
        &b,
        Locator::Css("input[name='password']"),
        "a long enough password",
    )
    .await;
    click(&b, Locator::Css("button.primary")).await;
    wait_for_heading(&b, "欢迎，Ada Admin").await;
    b.close().await.unwrap();
}

/// Waits (up to 10 s) for the page's `h1` to read `text`: a click that submits a form returns
/// before the next page has loaded.
async fn wait_for_heading(b: &Client, text: &str) {
    let mut last = String::new();
    for _ in 0..100 {
        if let Ok(h1) = b.find(Locator::Css("h1")).await {
            last = h1.text().await.unwrap_or_default();
            if last == text {
                return;
            }
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let url = b
        .current_url()
        .await
        .map(|u| u.to_string())
        .unwrap_or_default();
    panic!("heading never became {text:?}; last {last:?} at {url}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn demo_director_opens_the_org_chart_in_both_languages_and_logs_out() {
    let Some(b) = browser().await else { return };
    let t = TestDb::sqlite().await;
    crate::harness::load_demo(&t.db).await;
    let s = TestServer::start(&t).await;
    b.goto(&s.url("/")).await.unwrap();
    wait_for_heading(&b, "云帆科技 Yunfan Tech").await;
    type_into(
        &b,
        Locator::Css("input[name='email']"),
        "chen.jing@yunfan.example",
    )
    .await;
    type_into(
        &b,
        Locator::Css("input[name='password']"),
        keel::demo::PASSWORD,
    )
    .await;
    click(&b, Locator::Css("button.primary")).await;
    wait_for_heading(&b, "欢迎，陈静").await;

    // The org chart from the navigation: the director at the top, 28 people below.
    click(&b, Locator::LinkText("组织架构")).await;
    wait_for_heading(&b, "组织架构").await;
    let first = b
        .find(Locator::Css("ul.org > li"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        first.contains("陈静") && first.contains("下属 28 人"),
        "{first}"
    );
    let cards = b.find_all(Locator::Css(".org-card")).await.unwrap();
    assert_eq!(cards.len(), 30);
    // Folding a branch hides its people.
    let branch = b
        .find(Locator::Css(
            "ul.org > li > details > ul > li > details > summary.fold",
        ))
        .await
        .unwrap();
    branch.click().await.unwrap();
    let visible = b.find_all(Locator::Css(".org-card")).await.unwrap();
    let mut shown = 0;
    for card in visible {
        if card.is_displayed().await.unwrap() {
            shown += 1;
        }
    }
    assert_eq!(shown, 24, "six reps folded away");

    // English, then Chinese again, staying on the org chart.
    click(&b, Locator::Css("form.lang button[value='en']")).await;
    wait_for_heading(&b, "Org chart").await;
    assert!(b.find(Locator::LinkText("People")).await.is_ok());
    click(&b, Locator::Css("form.lang button[value='zh-CN']")).await;
    wait_for_heading(&b, "组织架构").await;

    click(&b, Locator::Id("logout")).await;
    wait_for_heading(&b, "云帆科技 Yunfan Tech").await;
    assert!(b.source().await.unwrap().contains("您已退出登录"));
    b.close().await.unwrap();
}

async fn click(b: &Client, at: Locator<'_>) {
    b.find(at)
        .await
        .expect("element to click")
        .click()
        .await
        .expect("click");
}

async fn type_into(b: &Client, at: Locator<'_>, text: &str) {
    b.find(at)
        .await
        .expect("input")
        .send_keys(text)
        .await
        .expect("typing");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rep_works_a_lead_into_a_won_deal_and_the_manager_sees_it() {
    let Some(b) = browser().await else { return };
    let t = TestDb::sqlite().await;
    crate::harness::load_demo(&t.db).await;
    let s = TestServer::start(&t).await;
    login(&b, &s, "zhou.jie@yunfan.example", "欢迎，周杰").await;

    // A new lead, kept by the rep.
    b.goto(&s.url("/leads/new")).await.unwrap();
    type_into(&b, Locator::Css("input[name='name']"), "刘总").await;
    type_into(
        &b,
        Locator::Css("input[name='company']"),
        "远航物流 Yuanhang Logistics",
    )
    .await;
    click(&b, Locator::Css("button.primary")).await;
    wait_for_heading(&b, "刘总").await;

    // Convert it: account, contact and a first deal in one step.
    type_into(&b, Locator::Css("input[name='deal_name']"), "仓储系统").await;
    type_into(&b, Locator::Css("input[name='amount']"), "360,000").await;
    click(&b, Locator::Css("form[action$='/convert'] button.primary")).await;
    wait_for_heading(&b, "仓储系统").await;
    assert!(b.source().await.unwrap().contains("¥360,000.00"));

    // Across the board: move it to Closed Won from the board's card.
    b.goto(&s.url("/deals/board")).await.unwrap();
    wait_for_heading(&b, "销售看板").await;
    let won = b
        .find(Locator::XPath("//section[contains(@class,'cat-won')]"))
        .await
        .unwrap()
        .attr("data-stage")
        .await
        .unwrap()
        .unwrap();
    let card = b
        .find(Locator::XPath(
            "//article[contains(@class,'deal-card')][.//strong[text()='仓储系统']]",
        ))
        .await
        .unwrap();
    card.find(Locator::Css(&format!(
        "select[name='stage_id'] option[value='{won}']"
    )))
    .await
    .unwrap()
    .click()
    .await
    .unwrap();
    card.find(Locator::Css("form.move button"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_for_heading(&b, "销售看板").await;
    let won_column = b
        .find(Locator::Css("section.cat-won"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(won_column.contains("仓储系统"), "{won_column}");

    // A visit on the account, logged with quick-add.
    b.goto(&s.url("/accounts")).await.unwrap();
    click(&b, Locator::LinkText("远航物流 Yuanhang Logistics")).await;
    wait_for_heading(&b, "远航物流 Yuanhang Logistics").await;
    let form = b.find(Locator::Css("form.quick-add")).await.unwrap();
    form.find(Locator::Css("select[name='kind'] option[value='visit']"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    form.find(Locator::Css("input[name='subject']"))
        .await
        .unwrap()
        .send_keys("上门拜访，签约")
        .await
        .unwrap();
    form.find(Locator::Css("input[name='location']"))
        .await
        .unwrap()
        .send_keys("上海市浦东新区")
        .await
        .unwrap();
    form.find(Locator::Css("button"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_for_heading(&b, "远航物流 Yuanhang Logistics").await;
    assert!(
        b.find(Locator::Css("ol.timeline"))
            .await
            .unwrap()
            .text()
            .await
            .unwrap()
            .contains("上门拜访，签约")
    );
    click(&b, Locator::Id("logout")).await;

    // The rep's manager sees all of it.
    login(&b, &s, "li.qiang@yunfan.example", "欢迎，李强").await;
    b.goto(&s.url("/deals")).await.unwrap();
    let deals = b
        .find(Locator::Css("table.grid"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        deals.contains("仓储系统") && deals.contains("赢单") && deals.contains("周杰"),
        "{deals}"
    );
    b.goto(&s.url("/accounts")).await.unwrap();
    click(&b, Locator::LinkText("远航物流 Yuanhang Logistics")).await;
    wait_for_heading(&b, "远航物流 Yuanhang Logistics").await;
    let page = b.source().await.unwrap();
    assert!(
        page.contains("上门拜访，签约") && page.contains("刘总"),
        "visit and contact visible to the manager"
    );
    b.close().await.unwrap();
}

async fn login(b: &Client, s: &TestServer, email: &str, welcome: &str) {
    b.goto(&s.url("/login")).await.unwrap();
    type_into(b, Locator::Css("input[name='email']"), email).await;
    type_into(
        b,
        Locator::Css("input[name='password']"),
        keel::demo::PASSWORD,
    )
    .await;
    click(b, Locator::Css("button.primary")).await;
    wait_for_heading(b, welcome).await;
}

/// The demo manager sets a goal for a rep with the SMART panel beside the form (re-checked
/// by htmx as the title grows), then the rep finds it under My goals, in Chinese and English.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn manager_sets_a_goal_for_a_rep_who_sees_it_under_my_goals() {
    let Some(b) = browser().await else { return };
    let t = TestDb::sqlite().await;
    crate::harness::load_demo(&t.db).await;
    let rep = crate::harness::id_of(&t.db, "zhou.jie@yunfan.example").await;
    let s = TestServer::start(&t).await;
    login(&b, &s, "li.qiang@yunfan.example", "欢迎，李强").await;
    click(&b, Locator::LinkText("目标")).await;
    wait_for_heading(&b, "我的目标").await;
    click(&b, Locator::Css(".page-head a.button")).await;
    wait_for_heading(&b, "新建目标").await;
    assert!(
        b.find(Locator::Id("smart")).await.is_ok(),
        "SMART panel beside the form"
    );
    // Choose the rep, a short title first: Specific fails until the title says enough.
    b.find(Locator::Css(&format!(
        "select[name='owner'] option[value='person:{rep}']"
    )))
    .await
    .unwrap()
    .click()
    .await
    .unwrap();
    type_into(&b, Locator::Css("input[name='title']"), "拜访").await;
    type_into(&b, Locator::Css("input[name='target']"), "30").await;
    wait_for_text(&b, "#smart li[data-letter='S']", "标题太短").await;
    type_into(
        &b,
        Locator::Css("input[name='title']"),
        "本季度重点客户三十次",
    )
    .await;
    wait_for_text(&b, "#smart li[data-letter='S']", "标题说明了要达成什么").await;
    click(&b, Locator::Css("#goal-form button.primary")).await;
    wait_for_heading(&b, "拜访本季度重点客户三十次").await;
    click(&b, Locator::Id("logout")).await;
    wait_for_heading(&b, "云帆科技 Yunfan Tech").await;

    login(&b, &s, "zhou.jie@yunfan.example", "欢迎，周杰").await;
    click(&b, Locator::LinkText("目标")).await;
    wait_for_heading(&b, "我的目标").await;
    let mine = b
        .find(Locator::Id("my-goals"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(mine.contains("拜访本季度重点客户三十次"), "{mine}");
    click(&b, Locator::Css("form.lang button[value='en']")).await;
    wait_for_heading(&b, "My goals").await;
    let mine = b
        .find(Locator::Id("my-goals"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        mine.contains("拜访本季度重点客户三十次") && mine.contains("Progress"),
        "{mine}"
    );
    b.close().await.unwrap();
}

/// Waits (up to 10 s) for the element at `css` to contain `text`: htmx swaps it in later.
async fn wait_for_text(b: &Client, css: &str, text: &str) {
    let mut last = String::new();
    for _ in 0..100 {
        if let Ok(e) = b.find(Locator::Css(css)).await {
            last = e.text().await.unwrap_or_default();
            if last.contains(text) {
                return;
            }
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("{css} never contained {text:?}; last {last:?}");
}

/// The demo rep checks in with confidence and mood; their manager opens the team page, sees
/// it, opens it, comments and flags it for follow-up, and finds the flag on the team page.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rep_checks_in_and_the_manager_comments_and_flags_it() {
    let Some(b) = browser().await else { return };
    let t = TestDb::sqlite().await;
    crate::harness::load_demo(&t.db).await;
    let s = TestServer::start(&t).await;
    login(&b, &s, "zhou.jie@yunfan.example", "欢迎，周杰").await;
    assert!(
        b.find(Locator::Id("checkin-reminder")).await.is_ok(),
        "reminded on home"
    );
    click(&b, Locator::LinkText("周报")).await;
    wait_for_heading(&b, "我的周报").await;
    for (select, value) in [("confidence", "8"), ("mood", "4")] {
        b.find(Locator::Css(&format!(
            "select[name='{select}'] option[value='{value}']"
        )))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    }
    type_into(
        &b,
        Locator::Css("textarea[name='progress']"),
        "拜访了三家重点客户",
    )
    .await;
    type_into(&b, Locator::Css("textarea[name='blockers']"), "报价审批慢").await;
    click(&b, Locator::Id("checkin-submit")).await;
    wait_for_text(&b, "#checkin-submitted", "已提交于").await;
    click(&b, Locator::Id("logout")).await;
    wait_for_heading(&b, "云帆科技 Yunfan Tech").await;

    login(&b, &s, "li.qiang@yunfan.example", "欢迎，李强").await;
    click(&b, Locator::Css("#reports-missing a")).await;
    wait_for_heading(&b, "团队周报").await;
    let table = b
        .find(Locator::Id("team-checkins"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        table.contains("周杰") && table.contains("🙂 4 · 不错"),
        "{table}"
    );
    click(&b, Locator::LinkText("周杰")).await;
    wait_for_text(&b, "#checkin-mood", "🙂 4").await;
    type_into(
        &b,
        Locator::Css("#checkin-comment-form textarea[name='body']"),
        "很好，报价我来协调",
    )
    .await;
    click(&b, Locator::Css("#checkin-comment-form button.primary")).await;
    wait_for_text(&b, "#checkin-comments", "很好，报价我来协调").await;
    type_into(
        &b,
        Locator::Css("#checkin-flag-form input[name='note']"),
        "跟进报价审批",
    )
    .await;
    click(&b, Locator::Css("#checkin-flag-form button")).await;
    wait_for_text(&b, "#checkin-flags", "跟进报价审批").await;
    click(&b, Locator::LinkText("团队周报")).await;
    wait_for_heading(&b, "团队周报").await;
    wait_for_text(&b, "#team-flags", "跟进报价审批").await;
    b.close().await.unwrap();
}

/// The demo director opens the dashboard, drills from the organisation to a team to a person,
/// changes the period, downloads a panel's CSV and reads it, then sees the same in English.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn director_drills_through_the_dashboard_in_both_languages() {
    let Some(b) = browser().await else { return };
    let t = TestDb::sqlite().await;
    keel::demo::load(&t.db).await.unwrap();
    let s = TestServer::start(&t).await;
    login(&b, &s, "chen.jing@yunfan.example", "欢迎，陈静").await;
    click(&b, Locator::LinkText("仪表盘")).await;
    wait_for_heading(&b, "仪表盘").await;
    for panel in [
        "attainment",
        "pipeline",
        "won_by_month",
        "activity",
        "coverage",
        "goals",
    ] {
        b.find(Locator::Css(&format!("#panel-{panel} svg")))
            .await
            .unwrap_or_else(|_| panic!("panel {panel} has its chart"));
    }
    // The insights feed arrives by itself; an item's evidence opens a real page.
    let evidence = b
        .wait()
        .for_element(Locator::Css("#insights a.insight-evidence"))
        .await
        .expect("the demo has insights with evidence");
    let href = evidence.attr("href").await.unwrap().unwrap();
    b.goto(&s.url(&href)).await.unwrap();
    let h1 = b
        .find(Locator::Css("h1"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(!h1.is_empty() && !h1.contains("出错"), "{href}: {h1}");
    b.back().await.unwrap();
    wait_for_heading(&b, "仪表盘").await;
    // Organisation → the East team (its manager's row) → one of its reps.
    click(&b, Locator::Css("#panel-attainment summary")).await;
    click(&b, Locator::Css("#panel-attainment td a")).await;
    wait_for_text(&b, ".crumbs", "大区").await;
    assert!(
        b.current_url()
            .await
            .unwrap()
            .query()
            .unwrap()
            .contains("scope=team:")
    );
    click(&b, Locator::Css("#panel-attainment summary")).await;
    let rep = b
        .find(Locator::Css("#panel-attainment td a"))
        .await
        .unwrap();
    let name = rep.text().await.unwrap();
    rep.click().await.unwrap();
    wait_for_text(&b, ".crumbs", &name).await;
    assert!(
        b.current_url()
            .await
            .unwrap()
            .query()
            .unwrap()
            .contains("scope=person:")
    );
    // Last quarter instead of this one.
    b.find(Locator::Css("select[name='period']"))
        .await
        .unwrap()
        .select_by_value("last_quarter")
        .await
        .unwrap();
    click(&b, Locator::Css("form.filters button[type='submit']")).await;
    for _ in 0..50 {
        if b.current_url()
            .await
            .unwrap()
            .query()
            .unwrap_or("")
            .contains("period=last_quarter")
        {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(
        b.current_url()
            .await
            .unwrap()
            .query()
            .unwrap()
            .contains("period=last_quarter")
    );
    // A panel's CSV, fetched by the page's own link, parses with a header and rows.
    let href = b
        .find(Locator::Css("#panel-won_by_month a.csv"))
        .await
        .unwrap()
        .attr("href")
        .await
        .unwrap()
        .unwrap();
    let text = b
        .execute(
            "return fetch(arguments[0]).then(r => r.text())",
            vec![json!(href)],
        )
        .await
        .unwrap();
    let text = text
        .as_str()
        .unwrap()
        .trim_start_matches('\u{feff}')
        .to_owned();
    let mut rd = csv::Reader::from_reader(text.as_bytes());
    assert_eq!(rd.headers().unwrap().len(), 3);
    assert_eq!(rd.records().count(), 12, "twelve months");
    // The same screen in English.
    click(&b, Locator::Css("form.lang button[value='en']")).await;
    wait_for_heading(&b, "Dashboard").await;
    wait_for_text(&b, "#panel-attainment h2", "Target attainment").await;
    b.close().await.unwrap();
}

/// Saves a screenshot of the page under `target/screenshots/` (for people reviewing layout).
async fn screenshot(b: &Client, name: &str) {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/screenshots");
    std::fs::create_dir_all(&dir).expect("screenshot folder");
    let png = b.screenshot().await.expect("screenshot");
    std::fs::write(dir.join(format!("{name}.png")), png).expect("save screenshot");
}

/// Whether the page is wider than the window (it scrolls sideways).
async fn scrolls_sideways(b: &Client) -> bool {
    b.execute(
        "return document.documentElement.scrollWidth > document.documentElement.clientWidth;",
        vec![],
    )
    .await
    .expect("measure")
    .as_bool()
    .unwrap_or(true)
}

/// A rep whose manager set two targets sees the bell count on every page, reads the
/// notifications in Chinese and English on a desktop and a phone, and marks them all read.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn notifications_bell_and_page_on_desktop_and_phone_in_both_languages() {
    let Some(b) = browser().await else { return };
    let t = TestDb::sqlite().await;
    crate::harness::load_demo(&t.db).await;
    let rep = crate::harness::id_of(&t.db, "zhou.jie@yunfan.example").await;
    let manager = keel_db::visibility::Actor {
        id: crate::harness::id_of(&t.db, "li.qiang@yunfan.example").await,
        role: keel_domain::roles::Role::Manager,
        is_hr: false,
    };
    for q in ["2026-Q3", "2026-Q4"] {
        let period = keel_domain::periods::Period::parse(q).unwrap();
        t.db.set_target(
            &manager,
            rep,
            &period,
            keel_domain::metrics::Metric::WonRevenue,
            12_000_000,
        )
        .await
        .unwrap();
    }
    let s = TestServer::start(&t).await;
    login(&b, &s, "zhou.jie@yunfan.example", "欢迎，周杰").await;
    for (w, h) in [(1440, 900), (390, 844)] {
        b.set_window_size(w, h).await.unwrap();
        for (lang, heading, text) in [
            (
                "zh-CN",
                "通知",
                "李强 为您设定了 2026-Q4 的赢单金额目标：¥120,000.00",
            ),
            (
                "en",
                "Notifications",
                "李强 set your 2026-Q4 target for Won revenue: CN¥120,000.00",
            ),
        ] {
            b.goto(&s.url("/")).await.unwrap();
            click(
                &b,
                Locator::Css(&format!("form.lang button[value='{lang}']")),
            )
            .await;
            // The bell fills in its count after the page loads.
            wait_for_text(&b, "#bell-count", "2").await;
            assert!(
                !scrolls_sideways(&b).await,
                "home scrolls sideways at {w}px ({lang})"
            );
            click(&b, Locator::Id("bell")).await;
            wait_for_heading(&b, heading).await;
            let list = b
                .find(Locator::Id("notifications"))
                .await
                .unwrap()
                .text()
                .await
                .unwrap();
            assert!(list.contains(text), "{list}");
            let source = b.source().await.unwrap();
            assert!(
                !source.contains("notification-"),
                "raw message keys on the page"
            );
            assert!(
                !scrolls_sideways(&b).await,
                "/notifications scrolls sideways at {w}px ({lang})"
            );
            screenshot(&b, &format!("notifications-{lang}-{w}x{h}")).await;
        }
    }
    // Still in English on the phone: mark all read, the count drops to nothing.
    let unread = b
        .find(Locator::Id("unread-count"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(unread, "2 unread");
    click(&b, Locator::Id("read-all")).await;
    wait_for_text(&b, "#unread-count", "0 unread").await;
    for _ in 0..100 {
        if b.find(Locator::Id("bell-count")).await.is_err()
            && b.find(Locator::Css("#bell svg")).await.is_ok()
        {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(
        b.find(Locator::Id("bell-count")).await.is_err(),
        "no count on the bell once all are read"
    );
    screenshot(&b, "notifications-en-read-390x844").await;
    b.close().await.unwrap();
}

/// A rep sees an activity's time in the organisation's zone (Beijing), chooses New York on
/// their settings page, and sees the same instant there, each with its offset.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rep_sees_times_in_the_zone_they_choose() {
    let Some(b) = browser().await else { return };
    let t = TestDb::sqlite().await;
    crate::harness::load_demo(&t.db).await;
    let rep = crate::harness::id_of(&t.db, "zhou.jie@yunfan.example").await;
    let admin = keel_db::visibility::Actor {
        id: crate::harness::id_of(&t.db, "zhao.min@yunfan.example").await,
        role: keel_domain::roles::Role::Admin,
        is_hr: true,
    };
    // 2026-03-05 01:30 UTC: 09:30 in Beijing, 20:30 the evening before in New York.
    let input = keel_db::activities::ActivityInput {
        kind: "call".into(),
        subject: "时区电话".into(),
        owner_id: rep,
        at: "2026-03-05T01:30:00Z".parse().unwrap(),
        ..Default::default()
    };
    t.db.log_activity(&admin, &input).await.unwrap();
    let s = TestServer::start(&t).await;
    login(&b, &s, "zhou.jie@yunfan.example", "欢迎，周杰").await;
    b.goto(&s.url("/activities")).await.unwrap();
    wait_for_text(&b, "td.nowrap", "2026年3月5日 09:30 UTC+8").await;
    b.goto(&s.url("/settings")).await.unwrap();
    let select = b
        .find(Locator::Css("#own-zone-form select"))
        .await
        .expect("zone select");
    select
        .select_by_value("America/New_York")
        .await
        .expect("choose New York");
    click(&b, Locator::Css("#own-zone-form button")).await;
    wait_for_heading(&b, "设置").await;
    b.goto(&s.url("/activities")).await.unwrap();
    wait_for_text(&b, "td.nowrap", "2026年3月4日 20:30 UTC-5").await;
    // The settings page with the zone select and the activities list, as a person sees them.
    for (w, h) in [(1440, 900), (390, 844)] {
        b.set_window_size(w, h).await.unwrap();
        for (lang, heading, time) in [
            ("zh-CN", "设置", "2026年3月4日 20:30 UTC-5"),
            ("en", "Settings", "20:30 UTC-5"),
        ] {
            b.goto(&s.url("/settings")).await.unwrap();
            click(
                &b,
                Locator::Css(&format!("form.lang button[value='{lang}']")),
            )
            .await;
            wait_for_heading(&b, heading).await;
            assert!(
                !scrolls_sideways(&b).await,
                "/settings scrolls sideways at {w}px ({lang})"
            );
            screenshot(&b, &format!("zone-settings-{lang}-{w}x{h}")).await;
            b.goto(&s.url("/activities")).await.unwrap();
            wait_for_text(&b, "td.nowrap", time).await;
            assert!(
                !scrolls_sideways(&b).await,
                "/activities scrolls sideways at {w}px ({lang})"
            );
            screenshot(&b, &format!("zone-activities-{lang}-{w}x{h}")).await;
        }
    }
    b.close().await.unwrap();
}
