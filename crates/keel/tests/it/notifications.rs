//! Notifications, their e-mail through a real SMTP server process, and timed jobs: on both
//! backends, with several servers on PostgreSQL.

use crate::harness::{
    Demo, SmtpSink, TestDb, TestServer, fast_config, id_of, load_demo, signed_in,
};
use chrono::{TimeDelta, Timelike};
use keel_db::notifications::{Notice, Preferences, notify};
use keel_db::visibility::Actor;
use keel_db::{Db, DbError, with_pool};
use keel_domain::jobs::Schedule;
use keel_domain::metrics::Metric;
use keel_domain::notifications::{Delivery, NotificationKind};
use keel_domain::periods::Period;
use keel_domain::roles::Role;
use std::time::Duration;
use uuid::Uuid;

async fn manager(db: &Db, demo: &Demo) -> Actor {
    Actor {
        id: id_of(db, &demo.manager).await,
        role: Role::Manager,
        is_hr: false,
    }
}

/// A notification for `person` made directly through the service; its id.
pub async fn notify_directly(db: &Db, person: Uuid, actor: Uuid) -> Uuid {
    let mut tx = db.begin_write().await.unwrap();
    let notice = Notice {
        kind: NotificationKind::RecordAssigned,
        recipients: vec![person],
        actor: Some(actor),
        link: "/accounts".into(),
        args: vec![("record", "account".into()), ("name", "云帆测试".into())],
    };
    notify(&mut tx, notice, keel_domain::time::now())
        .await
        .unwrap();
    tx.commit().await.unwrap();
    db.notifications_of(person, None, 1).await.unwrap().0[0].id
}

/// `person` wants `kind` by e-mail (and optionally a digest at `hour`).
async fn wants_email(db: &Db, person: Uuid, kind: NotificationKind, digest: Option<u8>) {
    let mut prefs = db.notification_preferences(person).await.unwrap();
    for (k, d) in prefs.deliveries.iter_mut() {
        if *k == kind {
            *d = Delivery::Email;
        }
    }
    prefs.digest_hour = digest;
    db.set_notification_preferences(person, &prefs)
        .await
        .unwrap();
}

/// Sets `n` won-revenue targets for `person`, one per quarter: `n` notifications.
async fn set_targets(db: &Db, by: &Actor, person: Uuid, n: usize) {
    for q in 0..n {
        let period = Period::parse(&format!("{}-Q{}", 2024 + q / 4, q % 4 + 1)).unwrap();
        db.set_target(
            by,
            person,
            &period,
            Metric::WonRevenue,
            1_000_000 + q as i64,
        )
        .await
        .unwrap();
    }
}

async fn outbox_states(db: &Db) -> Vec<(String, i32, Option<String>)> {
    with_pool!(db, p => sqlx::query_as(
        "SELECT status, attempts, last_error FROM email_outbox ORDER BY created_at, id")
        .fetch_all(p).await.unwrap())
}

/// Waits (up to `secs`) until every outbox row is in one of `states`.
async fn outbox_settles(db: &Db, states: &[&str], secs: u64) -> Vec<(String, i32, Option<String>)> {
    let until = std::time::Instant::now() + Duration::from_secs(secs);
    loop {
        let rows = outbox_states(db).await;
        if rows.iter().all(|r| states.contains(&r.0.as_str())) || std::time::Instant::now() > until
        {
            return rows;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

db_test!(
    async fn notifications_follow_preferences_and_stay_private(t: TestDb) {
        let demo = load_demo(&t.db).await;
        let boss = manager(&t.db, &demo).await;
        let member = id_of(&t.db, &demo.member).await;
        let other = id_of(&t.db, &demo.other_rep).await;

        // A target set for the member tells the member, not the manager who set it.
        set_targets(&t.db, &boss, member, 3).await;
        assert_eq!(t.db.unread_notifications(member).await.unwrap(), 3);
        assert_eq!(t.db.unread_notifications(boss.id).await.unwrap(), 0);
        let (page, more) = t.db.notifications_of(member, None, 2).await.unwrap();
        assert!(more);
        assert_eq!(page.len(), 2);
        assert!(page[0].id > page[1].id, "newest first");
        let (rest, more) =
            t.db.notifications_of(member, Some(page[1].id), 2)
                .await
                .unwrap();
        assert_eq!((rest.len(), more), (1, false));
        let n = &page[0];
        assert_eq!(n.kind(), Some(NotificationKind::TargetSet));
        let args = n.args();
        assert_eq!(args["period"], "2024-Q3");
        assert_eq!(args["metric"], "won_revenue");
        assert_eq!(args["actor"], "李强");
        // In-app only by default: nothing waits for SMTP.
        assert!(outbox_states(&t.db).await.is_empty());

        // Someone else's notification does not exist for them.
        assert!(matches!(
            t.db.mark_notification_read(other, n.id).await,
            Err(DbError::NotFound)
        ));
        assert!(matches!(
            t.db.notification(other, n.id).await,
            Err(DbError::NotFound)
        ));
        t.db.mark_notification_read(member, n.id).await.unwrap();
        assert_eq!(t.db.unread_notifications(member).await.unwrap(), 2);
        assert_eq!(t.db.mark_all_notifications_read(member).await.unwrap(), 2);
        assert_eq!(t.db.unread_notifications(member).await.unwrap(), 0);
        // Reading is bookkeeping: no new data version for the dashboards.
        let v = t.db.data_version().await.unwrap();
        let id = notify_directly(&t.db, member, boss.id).await;
        assert_eq!(t.db.data_version().await.unwrap(), v + 1);
        t.db.mark_notification_read(member, id).await.unwrap();
        assert_eq!(t.db.data_version().await.unwrap(), v + 1);

        // Off means off; e-mail queues one outbox row in the same transaction.
        let mut prefs = t.db.notification_preferences(member).await.unwrap();
        prefs.deliveries = vec![(NotificationKind::TargetSet, Delivery::Off)];
        t.db.set_notification_preferences(member, &prefs)
            .await
            .unwrap();
        set_targets(&t.db, &boss, member, 1).await;
        assert_eq!(t.db.unread_notifications(member).await.unwrap(), 0);
        wants_email(&t.db, member, NotificationKind::TargetSet, Some(7)).await;
        let saved = t.db.notification_preferences(member).await.unwrap();
        assert_eq!(saved.digest_hour, Some(7));
        assert!(
            saved
                .deliveries
                .contains(&(NotificationKind::TargetSet, Delivery::Email))
        );
        assert!(
            saved
                .deliveries
                .contains(&(NotificationKind::CheckinComment, Delivery::InApp))
        );
        set_targets(&t.db, &boss, member, 2).await;
        assert_eq!(t.db.unread_notifications(member).await.unwrap(), 2);
        let rows = outbox_states(&t.db).await;
        assert_eq!(rows.len(), 2);
        assert!(rows.iter().all(|r| r.0 == "pending" && r.1 == 0));
        let bad = Preferences {
            deliveries: Vec::new(),
            digest_hour: Some(24),
        };
        assert!(
            t.db.set_notification_preferences(member, &bad)
                .await
                .is_err()
        );
    }
);

db_test!(
    async fn notification_triggers_tell_the_other_party(t: TestDb) {
        let demo = load_demo(&t.db).await;
        let crm = crate::crm::Fixture::new(&t.db, &demo).await;
        let boss = manager(&t.db, &demo).await;
        let member = crm.member;
        let me = Actor {
            id: member,
            role: Role::Member,
            is_hr: false,
        };

        // (a) A check-in: the manager comments, the member replies, the manager hears back.
        let input = keel_db::checkins::CheckinInput {
            confidence: 7,
            mood: 4,
            progress: "Visited 3 accounts".into(),
            plans: "Close the 华东 deal".into(),
            problems: String::new(),
            blockers: String::new(),
            goals: Vec::new(),
        };
        let today = keel_domain::time::now().date_naive();
        let checkin = t.db.submit_checkin(&me, &input, today).await.unwrap();
        let c =
            t.db.comment_checkin(&boss, checkin, None, "Good week!\nKeep going.")
                .await
                .unwrap();
        let got = t.db.notifications_of(member, None, 10).await.unwrap().0;
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].kind(), Some(NotificationKind::CheckinComment));
        assert_eq!(got[0].args()["excerpt"], "Good week! Keep going.");
        assert_eq!(got[0].link, format!("/checkins/{checkin}"));
        t.db.comment_checkin(&me, checkin, Some(c), "Thanks")
            .await
            .unwrap();
        let heard = t.db.notifications_of(boss.id, None, 10).await.unwrap().0;
        assert_eq!(heard.len(), 1, "the manager hears the reply");
        assert_eq!(heard[0].kind(), Some(NotificationKind::CheckinReply));
        assert_eq!(
            t.db.unread_notifications(member).await.unwrap(),
            1,
            "not told of own reply"
        );

        // (b) A deal given to the member by the admin.
        t.db.reassign(
            &crm.admin,
            keel_db::crm::Owned::Deal,
            crm.other_deal,
            member,
        )
        .await
        .unwrap();
        let n = &t.db.notifications_of(member, None, 1).await.unwrap().0[0];
        assert_eq!(n.kind(), Some(NotificationKind::RecordAssigned));
        assert_eq!(n.args()["record"], "deal");
        assert_eq!(n.link, format!("/deals/{}", crm.other_deal));

        // (c) A target, again through a split among the manager's reports.
        set_targets(&t.db, &boss, member, 1).await;
        let n = &t.db.notifications_of(member, None, 1).await.unwrap().0[0];
        assert_eq!(n.kind(), Some(NotificationKind::TargetSet));
        assert_eq!(t.db.unread_notifications(member).await.unwrap(), 3);
    }
);

db_test!(
    async fn notifications_pages_and_api_show_the_readers_own_in_their_language(t: TestDb) {
        let demo = load_demo(&t.db).await;
        let boss = manager(&t.db, &demo).await;
        let member = id_of(&t.db, &demo.member).await;
        set_targets(&t.db, &boss, member, 2).await;
        let s = TestServer::start(&t).await;
        let c = signed_in(&s, &demo.member).await;

        let bell = c
            .get(s.url("/notifications/bell"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(bell.contains(">2<"), "{bell}");
        let home = c
            .get(s.url("/"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(
            home.contains("hx-get=\"/notifications/bell\""),
            "the bell is on every page"
        );
        let page = c
            .get(s.url("/notifications"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(
            page.contains("李强 set your 2024-Q2 target for Won revenue: CN¥10,000.01"),
            "{page}"
        );
        assert!(page.contains("2 unread"), "{page}");
        assert!(!page.contains("notification-"), "no raw keys: {page}");

        let api: serde_json::Value = c
            .get(s.url("/api/v1/notifications?limit=1"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(api["items"][0]["kind"], "target_set");
        let id = api["items"][0]["id"].as_str().unwrap().to_owned();
        assert!(api["next"].is_string());
        // Chinese for a reader who asks in Chinese.
        let zh = crate::harness::client_speaking(Some("zh-CN"));
        zh.post(s.url("/login"))
            .form(&[
                ("email", demo.member.as_str()),
                ("password", keel::demo::PASSWORD),
            ])
            .send()
            .await
            .unwrap();
        let api: serde_json::Value = zh
            .get(s.url("/api/v1/notifications"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(
            api["items"][0]["text"],
            "李强 为您设定了 2024-Q2 的赢单金额目标：¥10,000.01"
        );

        // Someone else cannot read or mark it.
        let other = signed_in(&s, &demo.other_rep).await;
        let res = other
            .post(s.url(&format!("/api/v1/notifications/{id}/read")))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 404);
        let res = other
            .get(s.url(&format!("/notifications/{id}/open")))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 404);
        // Opening marks it read and follows its link.
        let res = c
            .get(s.url(&format!("/notifications/{id}/open")))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 303);
        assert_eq!(res.headers()["location"], "/forecast?period=2024-Q2");
        assert_eq!(t.db.unread_notifications(member).await.unwrap(), 1);
        let res = c
            .post(s.url("/notifications/read-all"))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 303);
        assert_eq!(t.db.unread_notifications(member).await.unwrap(), 0);

        // Without SMTP, e-mail choices are offered disabled with the reason, and refused.
        let settings = c
            .get(s.url("/settings"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(settings.contains("id=\"email-unavailable\""), "{settings}");
        assert!(settings.contains("value=\"email\"  disabled"), "{settings}");
        let res = c
            .post(s.url("/settings/notifications"))
            .form(&[("target_set", "email")])
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 422);
        let res = c
            .post(s.url("/settings/notifications"))
            .form(&[("target_set", "off"), ("checkin_comment", "in_app")])
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200);
        let prefs = t.db.notification_preferences(member).await.unwrap();
        assert!(
            prefs
                .deliveries
                .contains(&(NotificationKind::TargetSet, Delivery::Off))
        );
    }
);

db_test!(
    async fn a_notification_mail_reaches_the_mailbox_exactly_once(t: TestDb) {
        let Some(sink) = SmtpSink::start() else {
            return;
        };
        let demo = load_demo(&t.db).await;
        let boss = manager(&t.db, &demo).await;
        let member = id_of(&t.db, &demo.member).await;
        let s = TestServer::start_with(fast_config(&t, Some(&sink.url()))).await;
        // With SMTP configured the member chooses e-mail on the settings page.
        let c = signed_in(&s, &demo.member).await;
        let settings = c
            .get(s.url("/settings"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(!settings.contains("id=\"email-unavailable\""), "{settings}");
        let res = c
            .post(s.url("/settings/notifications"))
            .form(&[("target_set", "email"), ("digest_hour", "")])
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200);
        set_targets(&t.db, &boss, member, 1).await;
        let got = sink.wait_for(1, 20).await;
        assert_eq!(got.len(), 1);
        // Given time, nothing more arrives.
        tokio::time::sleep(Duration::from_millis(800)).await;
        let got = sink.messages();
        assert_eq!(got.len(), 1, "exactly once");
        let m = &got[0];
        // In the recipient's language (the organisation's: Chinese), both parts, a link back.
        assert!(m.contains("To: 周杰 <zhou.jie@yunfan.example>"), "{m}");
        assert!(
            m.contains("Subject: keel：李强 为您设定了 2024-Q1 的赢单金额目标：¥10,000.00"),
            "{m}"
        );
        assert!(m.contains("multipart/alternative"), "{m}");
        assert!(
            m.contains("== text/plain") && m.contains("== text/html"),
            "{m}"
        );
        assert!(m.contains("/notifications/") && m.contains("/open"), "{m}");
        assert!(!m.contains("notification-"), "no raw keys: {m}");
        assert_eq!(outbox_states(&t.db).await[0].0, "sent");
        s.stop().await;
    }
);

db_test!(
    async fn mail_survives_a_server_stopped_mid_delivery_without_duplicates(t: TestDb) {
        // Each message takes the SMTP server 0.3 s to accept.
        let Some(sink) = SmtpSink::start_slow(0.3) else {
            return;
        };
        let demo = load_demo(&t.db).await;
        let boss = manager(&t.db, &demo).await;
        let member = id_of(&t.db, &demo.member).await;
        wants_email(&t.db, member, NotificationKind::TargetSet, None).await;
        set_targets(&t.db, &boss, member, 6).await;
        // A server that died holding two of them: its claim runs out after a second.
        let dead =
            t.db.claim_emails(keel_domain::time::now(), TimeDelta::seconds(1), 2)
                .await
                .unwrap();
        assert_eq!(dead.len(), 2);

        let mut cfg = fast_config(&t, Some(&sink.url()));
        cfg.mail.batch = 3;
        let a = TestServer::start_with(cfg.clone()).await;
        sink.wait_for(1, 20).await;
        // Stopped in the middle: it finishes the message in hand and gives back the rest.
        a.stop().await;
        let after_a = sink.messages().len();
        assert!((1..6).contains(&after_a), "{after_a}");
        let b = TestServer::start_with(cfg).await;
        let got = sink.wait_for(6, 30).await;
        tokio::time::sleep(Duration::from_millis(800)).await;
        let got_now = sink.messages();
        assert_eq!(got.len(), 6);
        assert_eq!(got_now.len(), 6, "nothing twice");
        let mut periods: Vec<String> = got_now
            .iter()
            .map(|m| {
                let i = m
                    .find("2024-Q")
                    .or_else(|| m.find("2025-Q"))
                    .expect("period in the message");
                m[i..i + 7].to_owned()
            })
            .collect();
        periods.sort();
        periods.dedup();
        assert_eq!(periods.len(), 6, "six different messages: {periods:?}");
        let rows = outbox_states(&t.db).await;
        assert!(rows.iter().all(|r| r.0 == "sent"), "{rows:?}");
        b.stop().await;
    }
);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_servers_on_postgres_deliver_each_mail_once() {
    let Some(t) = TestDb::postgres().await else {
        return;
    };
    let Some(sink) = SmtpSink::start() else {
        return;
    };
    let demo = load_demo(&t.db).await;
    let boss = manager(&t.db, &demo).await;
    let member = id_of(&t.db, &demo.member).await;
    wants_email(&t.db, member, NotificationKind::TargetSet, None).await;
    let mut cfg = fast_config(&t, Some(&sink.url()));
    cfg.mail.batch = 2;
    let a = TestServer::start_with(cfg.clone()).await;
    let b = TestServer::start_with(cfg).await;
    set_targets(&t.db, &boss, member, 12).await;
    let got = sink.wait_for(12, 30).await;
    tokio::time::sleep(Duration::from_millis(800)).await;
    assert_eq!(got.len(), 12);
    assert_eq!(sink.messages().len(), 12, "nothing twice");
    assert!(outbox_states(&t.db).await.iter().all(|r| r.0 == "sent"));
    a.stop().await;
    b.stop().await;
}

db_test!(
    async fn mail_to_an_unreachable_server_is_retried_then_shown_failed(t: TestDb) {
        let demo = load_demo(&t.db).await;
        let boss = manager(&t.db, &demo).await;
        let member = id_of(&t.db, &demo.member).await;
        wants_email(&t.db, member, NotificationKind::TargetSet, None).await;
        // A port nobody listens on.
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let mut cfg = fast_config(&t, Some(&format!("smtp://127.0.0.1:{port}")));
        cfg.mail.max_attempts = 3;
        let s = TestServer::start_with(cfg).await;
        set_targets(&t.db, &boss, member, 1).await;
        let rows = outbox_settles(&t.db, &["failed"], 20).await;
        assert_eq!(rows.len(), 1);
        let (status, attempts, error) = &rows[0];
        assert_eq!((status.as_str(), *attempts), ("failed", 3), "{rows:?}");
        let error = error.clone().unwrap_or_default();
        assert!(error.to_lowercase().contains("refused"), "{error}");

        // The admin sees it with its error, and can queue it again.
        let admin = signed_in(&s, &demo.admin).await;
        let page = admin
            .get(s.url("/admin/email?status=failed"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(page.contains(&error), "{page}");
        assert!(page.contains("/retry"), "{page}");
        let id: Uuid = with_pool!(&t.db, p => sqlx::query_scalar("SELECT id FROM email_outbox")
            .fetch_one(p).await.unwrap());
        let res = admin
            .post(s.url(&format!("/admin/email/{id}/retry")))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 303);
        let status: String = with_pool!(&t.db, p => sqlx::query_scalar("SELECT status FROM email_outbox")
            .fetch_one(p).await.unwrap());
        assert!(status == "pending" || status == "failed", "{status}");
        s.stop().await;
    }
);

/// The hour of `slot` in the demo organisation's zone (the demo people have none of their own).
async fn local_hour(db: &Db, slot: chrono::DateTime<chrono::Utc>) -> u8 {
    db.org_zone().await.unwrap().local(slot).hour() as u8
}

async fn digest_runs(db: &Db) -> Vec<(chrono::DateTime<chrono::Utc>, Option<bool>)> {
    with_pool!(db, p => sqlx::query_as(
        "SELECT slot, ok FROM job_runs WHERE job = 'notification_digest' ORDER BY slot")
        .fetch_all(p).await.unwrap())
}

/// Backdates every notification of `person` to `at`.
async fn backdate(db: &Db, person: Uuid, at: chrono::DateTime<chrono::Utc>) {
    with_pool!(db, p => sqlx::query("UPDATE notifications SET created_at = $2 WHERE person_id = $1")
        .bind(person).bind(at).execute(p).await.unwrap().rows_affected());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn jobs_two_servers_on_postgres_run_one_slot_once() {
    let Some(t) = TestDb::postgres().await else {
        return;
    };
    let Some(sink) = SmtpSink::start() else {
        return;
    };
    let demo = load_demo(&t.db).await;
    let boss = manager(&t.db, &demo).await;
    let member = id_of(&t.db, &demo.member).await;
    let slot = Schedule::every(TimeDelta::hours(1)).latest(keel_domain::time::now());
    let hour = local_hour(&t.db, slot).await;
    // In-app notifications, and a digest at this hour.
    wants_email(&t.db, member, NotificationKind::CheckinComment, Some(hour)).await;
    set_targets(&t.db, &boss, member, 2).await;
    backdate(&t.db, member, slot - TimeDelta::minutes(10)).await;
    let cfg = fast_config(&t, Some(&sink.url()));
    let (a, b) = tokio::join!(
        TestServer::start_with(cfg.clone()),
        TestServer::start_with(cfg)
    );
    let got = sink.wait_for(1, 20).await;
    tokio::time::sleep(Duration::from_millis(1000)).await;
    assert_eq!(got.len(), 1);
    assert_eq!(sink.messages().len(), 1, "one digest, from one server");
    assert!(sink.messages()[0].contains("multipart/alternative"));
    assert_eq!(digest_runs(&t.db).await, vec![(slot, Some(true))]);
    let servers: i64 = with_pool!(&t.db, p => sqlx::query_scalar(
        "SELECT COUNT(*) FROM job_runs WHERE slot = $1 AND job = 'notification_digest'")
        .bind(slot).fetch_one(p).await.unwrap());
    assert_eq!(servers, 1);
    a.stop().await;
    b.stop().await;
}

db_test!(
    async fn jobs_missed_while_stopped_run_on_start(t: TestDb) {
        let Some(sink) = SmtpSink::start() else {
            return;
        };
        let demo = load_demo(&t.db).await;
        let boss = manager(&t.db, &demo).await;
        let member = id_of(&t.db, &demo.member).await;
        let latest = Schedule::every(TimeDelta::hours(1)).latest(keel_domain::time::now());
        // The last server ran the digest three hours ago, then stopped.
        with_pool!(&t.db, p => sqlx::query(
            "INSERT INTO job_runs (job, slot, server, tries, started_at, finished_at, ok) \
             VALUES ('notification_digest', $1, 'gone', 1, $1, $1, TRUE)")
            .bind(latest - TimeDelta::hours(3)).execute(p).await.unwrap().rows_affected());
        // The member's digest hour was an hour ago; a notification came before it.
        let missed = latest - TimeDelta::hours(1);
        let hour = local_hour(&t.db, missed).await;
        wants_email(&t.db, member, NotificationKind::CheckinComment, Some(hour)).await;
        set_targets(&t.db, &boss, member, 1).await;
        backdate(&t.db, member, missed - TimeDelta::minutes(30)).await;

        let s = TestServer::start_with(fast_config(&t, Some(&sink.url()))).await;
        let until = std::time::Instant::now() + Duration::from_secs(20);
        let want: Vec<_> = (0..=3)
            .rev()
            .map(|h| latest - TimeDelta::hours(h))
            .collect();
        while digest_runs(&t.db).await.len() < 4 && std::time::Instant::now() < until {
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        let runs = digest_runs(&t.db).await;
        assert_eq!(
            runs.iter().map(|r| r.0).collect::<Vec<_>>(),
            want,
            "every missed slot, once"
        );
        let got = sink.wait_for(1, 20).await;
        assert_eq!(got.len(), 1, "the missed digest was sent");
        // The other jobs ran their latest slot; all recorded as done.
        let jobs: Vec<(String, Option<bool>)> = with_pool!(&t.db, p => sqlx::query_as(
            "SELECT job, ok FROM job_runs WHERE job <> 'notification_digest' ORDER BY job")
            .fetch_all(p).await.unwrap());
        assert_eq!(
            jobs,
            vec![
                ("cleanup".to_owned(), Some(true)),
                ("session_sweep".to_owned(), Some(true))
            ]
        );
        s.stop().await;
    }
);

db_test!(
    async fn notifications_in_the_demo_wait_unread_for_its_people(t: TestDb) {
        keel::demo::load(&t.db).await.unwrap();
        let rep = id_of(&t.db, "zhou.jie@yunfan.example").await;
        let manager = id_of(&t.db, "li.qiang@yunfan.example").await;
        let kinds = |rows: Vec<keel_db::notifications::Notification>| {
            rows.into_iter()
                .filter(|n| n.read_at.is_none())
                .filter_map(|n| n.kind())
                .collect::<Vec<_>>()
        };
        let rep_sees = kinds(t.db.notifications_of(rep, None, 50).await.unwrap().0);
        assert!(
            rep_sees.contains(&NotificationKind::CheckinComment),
            "{rep_sees:?}"
        );
        assert!(
            rep_sees.contains(&NotificationKind::RecordAssigned),
            "{rep_sees:?}"
        );
        let manager_sees = kinds(t.db.notifications_of(manager, None, 50).await.unwrap().0);
        assert!(
            manager_sees.contains(&NotificationKind::CheckinReply),
            "{manager_sees:?}"
        );
        assert!(
            manager_sees.contains(&NotificationKind::TargetSet),
            "{manager_sees:?}"
        );
        // The targets of earlier quarters were read long ago.
        assert!(t.db.unread_notifications(rep).await.unwrap() <= 4);
    }
);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn jobs_list_prints_recent_runs_and_failures() {
    let t = TestDb::sqlite().await;
    let run = |args: &[&str]| {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_keel"))
            .args(args)
            .args(["--database-url", &t.url])
            .env_remove("KEEL_CONFIG")
            .stdin(std::process::Stdio::null())
            .output()
            .expect("run keel");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    assert!(run(&["jobs", "list"]).contains("no job has run yet"));
    let slot = Schedule::every(TimeDelta::hours(1)).latest(keel_domain::time::now());
    let now = keel_domain::time::now();
    assert!(
        t.db.claim_job("cleanup", slot, "a", now, now)
            .await
            .unwrap()
    );
    t.db.finish_job("cleanup", slot, "a", now, None)
        .await
        .unwrap();
    assert!(
        t.db.claim_job("notification_digest", slot, "b", now, now)
            .await
            .unwrap()
    );
    assert!(
        !t.db
            .claim_job("notification_digest", slot, "c", now, now)
            .await
            .unwrap(),
        "claimed once"
    );
    t.db.finish_job("notification_digest", slot, "b", now, Some("SMTP down"))
        .await
        .unwrap();
    let out = run(&["jobs", "list"]);
    assert!(
        out.contains("cleanup") && out.contains("ok (on a)"),
        "{out}"
    );
    let failures = out.split("failures:").nth(1).expect("a failures section");
    assert!(
        failures.contains("notification_digest") && failures.contains("failed: SMTP down"),
        "{out}"
    );
    assert!(!failures.contains("cleanup"), "{out}");
}

db_test!(
    async fn mail_settings_that_cannot_work_stop_the_server_with_one_line(t: TestDb) {
        let mut cfg = fast_config(&t, Some("smtp://127.0.0.1:2525"));
        cfg.mail.from = None;
        let e = keel_web::App::build(cfg.clone())
            .await
            .err()
            .expect("refused");
        assert_eq!(
            e.to_string(),
            "--smtp-from (KEEL_SMTP_FROM) is required with --smtp-url"
        );
        cfg.mail.from = Some("not an address".into());
        let e = keel_web::App::build(cfg.clone())
            .await
            .err()
            .expect("refused");
        assert!(
            e.to_string()
                .starts_with("invalid sender --smtp-from 'not an address'"),
            "{e}"
        );
        cfg.mail.from = Some("keel@example.com".into());
        cfg.mail.smtp_url = Some("gopher://user:secret@mail".into());
        let e = keel_web::App::build(cfg).await.err().expect("refused");
        assert!(
            e.to_string()
                .starts_with("invalid --smtp-url gopher://user:***@mail"),
            "{e}"
        );
    }
);
