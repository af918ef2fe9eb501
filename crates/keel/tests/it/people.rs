//! The people area as users meet it, on both backends: directory search, profiles and private
//! details, the org chart, administration through pages and API, tokens, and bad input.

use crate::harness::{TestServer, body, client, id_of, load_demo, signed_in};
use keel_db::visibility::Actor;
use keel_domain::roles::Role;
use serde_json::{Value, json};

async fn json(res: reqwest::Response) -> Value {
    res.json().await.expect("json body")
}

/// Whether the API shows `id`'s private hire date to this client.
async fn hire_date_shown(c: &reqwest::Client, s: &TestServer, id: uuid::Uuid) -> bool {
    let res = c
        .get(s.url(&format!("/api/v1/people/{id}")))
        .send()
        .await
        .unwrap();
    json(res).await["hire_date"].is_string()
}

db_test!(
    async fn directory_search_finds_chinese_pinyin_and_is_injection_proof(t: TestDb) {
        let demo = load_demo(&t.db).await;
        let s = TestServer::start(&t).await;
        let c = signed_in(&s, &demo.member).await;
        // Chinese substring, pinyin, case-insensitively, and title.
        let page = body(c.get(s.url("/people?q=%E6%99%A8")).send().await.unwrap()).await; // 晨
        assert!(
            page.contains("陈晨") && !page.contains("Zhou Jie"),
            "{page}"
        );
        let page = body(c.get(s.url("/people?q=ZHOU")).send().await.unwrap()).await;
        assert!(page.contains("Zhou Jie"));
        let v = json(
            c.get(s.url("/api/v1/people?q=Sales%20Manager"))
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert_eq!(
            v["items"].as_array().unwrap().len(),
            4,
            "four managers: {v}"
        );
        // SQL and LIKE meta-characters are just text.
        for q in [
            "%",
            "_",
            "' OR 1=1 --",
            "\\",
            "%' UNION SELECT password_hash FROM people --",
        ] {
            let v = json(
                c.get(s.url("/api/v1/people"))
                    .query(&[("q", q)])
                    .send()
                    .await
                    .unwrap(),
            )
            .await;
            assert_eq!(v["items"].as_array().unwrap().len(), 0, "{q} matched: {v}");
        }
        assert!(
            !body(c.get(s.url("/people?q=%27")).send().await.unwrap())
                .await
                .contains("password_hash")
        );
    }
);

db_test!(
    async fn pages_of_the_directory_cover_everyone_once(t: TestDb) {
        let demo = load_demo(&t.db).await;
        let s = TestServer::start(&t).await;
        let c = signed_in(&s, &demo.member).await;
        let mut seen = Vec::new();
        let mut after: Option<String> = None;
        loop {
            let mut req = c.get(s.url("/api/v1/people")).query(&[("limit", "7")]);
            if let Some(a) = &after {
                req = req.query(&[("after", a)]);
            }
            let v = json(req.send().await.unwrap()).await;
            for p in v["items"].as_array().unwrap() {
                seen.push(p["name_en"].as_str().unwrap_or("").to_lowercase());
            }
            match v["next"].as_str() {
                Some(n) => after = Some(n.to_owned()),
                None => break,
            }
        }
        assert_eq!(seen.len(), 30, "everyone, once");
        let mut sorted = seen.clone();
        sorted.sort();
        assert_eq!(seen, sorted, "pinyin order across pages");
    }
);

db_test!(
    async fn private_details_follow_the_reporting_line(t: TestDb) {
        let demo = load_demo(&t.db).await;
        let member = id_of(&t.db, &demo.member).await;
        let other = id_of(&t.db, &demo.other_rep).await;
        let manager = id_of(&t.db, &demo.manager).await;
        let s = TestServer::start(&t).await;
        // A rep sees their own hire date, not a peer's.
        let c = signed_in(&s, &demo.member).await;
        assert!(hire_date_shown(&c, &s, member).await);
        assert!(!hire_date_shown(&c, &s, other).await);
        // Their manager sees theirs, but not another team's rep.
        let c = signed_in(&s, &demo.manager).await;
        assert!(hire_date_shown(&c, &s, member).await);
        assert!(!hire_date_shown(&c, &s, other).await);
        // The director sees everyone's; the profile page shows it too.
        let c = signed_in(&s, &demo.director).await;
        assert!(hire_date_shown(&c, &s, other).await);
        let page = body(
            c.get(s.url(&format!("/people/{manager}")))
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert!(
            page.contains("Hire date") && page.contains("周杰"),
            "profile with reports: {page}"
        );
        // Storage answers the same for the same actors.
        let rep = Actor {
            id: member,
            role: Role::Member,
            is_hr: false,
        };
        assert!(t.db.person(&rep, other).await.unwrap().hire_date.is_none());
        assert!(
            t.db.sees_private_of(
                &Actor {
                    id: manager,
                    role: Role::Manager,
                    is_hr: false
                },
                member
            )
            .await
            .unwrap()
        );
    }
);

db_test!(
    async fn admins_manage_people_and_reporting_lines_never_loop(t: TestDb) {
        let demo = load_demo(&t.db).await;
        let s = TestServer::start(&t).await;
        let admin = signed_in(&s, &demo.admin).await;
        let director = id_of(&t.db, &demo.director).await;
        let manager = id_of(&t.db, &demo.manager).await;
        let member = id_of(&t.db, &demo.member).await;

        // A director cannot be put under their own report.
        let res = admin
            .patch(s.url(&format!("/api/v1/people/{director}")))
            .json(&json!({"manager_id": member}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 422);
        let v = json(res).await;
        assert_eq!(v["error"]["code"], "invalid_input");
        // The admin's own language setting (Chinese) wins over the browser's.
        assert!(
            v["error"]["fields"]["manager_id"]
                .as_str()
                .unwrap()
                .contains("不能形成环"),
            "{v}"
        );
        // Nor be their own manager, through the page either.
        let res = admin
            .post(s.url(&format!("/admin/people/{manager}")))
            .form(&[
                ("name", "李强"),
                ("role", "manager"),
                ("manager_id", &manager.to_string()),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 422);
        assert!(body(res).await.contains("不能形成环"));
        let unchanged =
            t.db.person(
                &Actor {
                    id: director,
                    role: Role::Director,
                    is_hr: false,
                },
                director,
            )
            .await
            .unwrap();
        assert_eq!(unchanged.manager_id, None);

        // Create through the form, then find them in the directory and the org chart.
        let res = admin
            .post(s.url("/admin/people"))
            .form(&[
                ("name", "新人 <b>\"Bold\"</b>"),
                ("name_en", "Xin Ren"),
                ("email", "xin.ren@yunfan.example"),
                ("role", "member"),
                ("manager_id", &manager.to_string()),
                ("password", "welcome to keel!"),
                ("hire_date", "2026-11-02"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 303);
        let new_id = id_of(&t.db, "xin.ren@yunfan.example").await;
        // The name is escaped wherever it shows.
        for path in [
            "/people",
            &format!("/people/{new_id}"),
            &format!("/people/{manager}"),
            "/org",
            "/admin/audit",
        ] {
            let page = body(admin.get(s.url(path)).send().await.unwrap()).await;
            assert!(!page.contains("<b>\"Bold\"</b>"), "unescaped on {path}");
            assert!(page.contains("新人"), "missing on {path}");
        }
        // A duplicate e-mail is refused with the field named, and nothing is added.
        let res = admin
            .post(s.url("/api/v1/people"))
            .json(&json!({"name": "Dup", "role": "member", "email": "XIN.REN@yunfan.example"}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 422);
        assert!(json(res).await["error"]["fields"]["email"].is_string());

        // The new person can log in; deactivation signs them out at once and keeps records.
        let newbie = client();
        let res = newbie
            .post(s.url("/login"))
            .form(&[
                ("email", "xin.ren@yunfan.example"),
                ("password", "welcome to keel!"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 303);
        assert_eq!(newbie.get(s.url("/")).send().await.unwrap().status(), 200);
        let res = admin
            .post(s.url(&format!("/admin/people/{new_id}/active")))
            .form(&[("active", "false")])
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 303);
        assert_eq!(
            newbie.get(s.url("/")).send().await.unwrap().headers()["location"],
            "/login"
        );
        // Hidden from the directory for others, still there for admins.
        let rep = signed_in(&s, &demo.member).await;
        assert_eq!(
            rep.get(s.url(&format!("/people/{new_id}")))
                .send()
                .await
                .unwrap()
                .status(),
            404
        );
        assert_eq!(
            admin
                .get(s.url(&format!("/people/{new_id}")))
                .send()
                .await
                .unwrap()
                .status(),
            200
        );
        // An admin cannot deactivate themselves.
        let me = id_of(&t.db, &demo.admin).await;
        let res = admin
            .patch(s.url(&format!("/api/v1/people/{me}")))
            .json(&json!({"active": false}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 409);

        // Every change is in the audit log, filterable by record kind.
        let v = json(
            admin
                .get(s.url("/api/v1/audit?entity=person&limit=500"))
                .send()
                .await
                .unwrap(),
        )
        .await;
        let actions: Vec<&str> = v["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["action"].as_str().unwrap())
            .collect();
        assert!(
            actions.contains(&"deactivate") && actions.contains(&"create"),
            "{actions:?}"
        );
        assert!(
            v["items"]
                .as_array()
                .unwrap()
                .iter()
                .all(|e| e["entity"] == "person")
        );
    }
);

db_test!(
    async fn api_tokens_carry_their_owners_permissions_until_revoked(t: TestDb) {
        let demo = load_demo(&t.db).await;
        let s = TestServer::start(&t).await;
        let rep = signed_in(&s, &demo.member).await;
        let created = json(
            rep.post(s.url("/api/v1/tokens"))
                .json(&json!({"name": "my script"}))
                .send()
                .await
                .unwrap(),
        )
        .await;
        let secret = created["secret"].as_str().unwrap().to_owned();
        assert!(
            secret.starts_with("keel_") && secret.len() == 69,
            "{secret}"
        );
        // Only its hash is stored.
        let stored: i64 = keel_db::with_pool!(&t.db, p => sqlx::query_scalar(
            "SELECT COUNT(*) FROM api_tokens WHERE prefix = $1").bind(&secret[..13]).fetch_one(p).await.unwrap());
        assert_eq!(stored, 1);

        // A thief with the token acts as the rep: reads yes, admin no.
        let thief = reqwest::Client::new();
        let bearer = format!("Bearer {secret}");
        let me = json(
            thief
                .get(s.url("/api/v1/me"))
                .header("authorization", &bearer)
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert_eq!(me["email"], demo.member.as_str());
        let res = thief
            .get(s.url("/api/v1/audit"))
            .header("authorization", &bearer)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 403);
        // The rep revokes it; it stops working at once, on every server.
        let other_server = TestServer::start(&t).await;
        let id = created["id"].as_str().unwrap();
        assert_eq!(
            rep.delete(s.url(&format!("/api/v1/tokens/{id}")))
                .send()
                .await
                .unwrap()
                .status(),
            204
        );
        for server in [&s, &other_server] {
            let res = thief
                .get(server.url("/api/v1/me"))
                .header("authorization", &bearer)
                .send()
                .await
                .unwrap();
            assert_eq!(res.status(), 401);
            assert_eq!(json(res).await["error"]["code"], "unauthorized");
        }
        // A made-up token is simply unauthorized.
        let res = thief
            .get(s.url("/api/v1/me"))
            .header("authorization", "Bearer keel_nope")
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 401);
    }
);

db_test!(
    async fn bad_api_input_gets_stable_codes(t: TestDb) {
        let demo = load_demo(&t.db).await;
        let s = TestServer::start(&t).await;
        let admin = signed_in(&s, &demo.admin).await;
        let before =
            t.db.everyone(&Actor {
                id: id_of(&t.db, &demo.admin).await,
                role: Role::Admin,
                is_hr: true,
            })
            .await
            .unwrap()
            .len();
        for (body, ct) in [
            ("{\"name\": ", "application/json"),
            ("{\"name\": 5, \"role\": \"member\"}", "application/json"),
            (
                "{\"name\": \"X\", \"role\": \"member\", \"salary\": 1}",
                "application/json",
            ),
            ("name=X", "application/x-www-form-urlencoded"),
        ] {
            let res = admin
                .post(s.url("/api/v1/people"))
                .header("content-type", ct)
                .body(body)
                .send()
                .await
                .unwrap();
            assert_eq!(res.status(), 400, "{body}");
            let v = json(res).await;
            assert_eq!(v["error"]["code"], "invalid_json", "{body}: {v}");
            assert!(!v["error"]["message"].as_str().unwrap().is_empty());
        }
        let res = admin
            .post(s.url("/api/v1/people"))
            .json(&json!({"name": "", "role": "boss"}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 422);
        let v = json(res).await;
        assert!(
            v["error"]["fields"]["name"].is_string() && v["error"]["fields"]["role"].is_string(),
            "{v}"
        );
        let after =
            t.db.everyone(&Actor {
                id: id_of(&t.db, &demo.admin).await,
                role: Role::Admin,
                is_hr: true,
            })
            .await
            .unwrap()
            .len();
        assert_eq!(before, after, "nothing was created");
        // Chinese error messages for a Chinese client.
        let zh = crate::harness::client_speaking(Some("zh-CN"));
        let res = zh.get(s.url("/api/v1/me")).send().await.unwrap();
        assert_eq!(json(res).await["error"]["message"], "请先登录。");
    }
);

#[tokio::test]
async fn openapi_document_matches_its_snapshot() {
    let doc = serde_json::to_string_pretty(&keel_web::openapi()).unwrap() + "\n";
    let file =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/it/snapshots/openapi.json");
    if std::env::var("KEEL_UPDATE_SNAPSHOTS").is_ok_and(|v| v == "1") {
        std::fs::create_dir_all(file.parent().unwrap()).unwrap();
        std::fs::write(&file, &doc).unwrap();
    }
    let expected = std::fs::read_to_string(&file).unwrap_or_default();
    assert!(
        doc == expected,
        "the API changed; review and run with KEEL_UPDATE_SNAPSHOTS=1 to accept:\n{}",
        doc.lines()
            .zip(expected.lines())
            .find(|(a, b)| a != b)
            .map(|(a, b)| format!("now: {a}\nwas: {b}"))
            .unwrap_or_default()
    );
    let v: Value = serde_json::from_str(&doc).unwrap();
    assert!(v["openapi"].as_str().unwrap().starts_with("3.1"));
}

db_test!(
    async fn changing_your_password_needs_the_old_one_and_ends_other_sessions(t: TestDb) {
        let demo = load_demo(&t.db).await;
        let s = TestServer::start(&t).await;
        let laptop = signed_in(&s, &demo.member).await;
        let phone = signed_in(&s, &demo.member).await;
        let res = laptop
            .post(s.url("/settings/password"))
            .form(&[
                ("current", "not it at all"),
                ("password", "a new long password"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 422);
        let res = laptop
            .post(s.url("/settings/password"))
            .form(&[
                ("current", keel::demo::PASSWORD),
                ("password", "a new long password"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200);
        // This browser stays signed in; the other one is out; the old password is dead.
        assert_eq!(laptop.get(s.url("/")).send().await.unwrap().status(), 200);
        assert_eq!(
            phone.get(s.url("/")).send().await.unwrap().headers()["location"],
            "/login"
        );
        let res = client()
            .post(s.url("/login"))
            .form(&[
                ("email", demo.member.as_str()),
                ("password", keel::demo::PASSWORD),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 401);
        // An admin reset works the same way for someone else.
        let admin = signed_in(&s, &demo.admin).await;
        let member = id_of(&t.db, &demo.member).await;
        let res = admin
            .post(s.url(&format!("/admin/people/{member}/password")))
            .form(&[("password", "reset by the admin")])
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 303);
        assert_eq!(
            laptop.get(s.url("/")).send().await.unwrap().headers()["location"],
            "/login"
        );
    }
);

db_test!(
    async fn the_last_admin_cannot_be_demoted_and_resets_revoke_tokens(t: TestDb) {
        let demo = load_demo(&t.db).await;
        let s = TestServer::start(&t).await;
        let admin = signed_in(&s, &demo.admin).await;
        let me = id_of(&t.db, &demo.admin).await;
        // The only admin making themselves a member would leave nobody to administer.
        let res = admin
            .patch(s.url(&format!("/api/v1/people/{me}")))
            .json(&json!({"role": "member"}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 409);
        assert_eq!(json(res).await["error"]["code"], "last_admin");
        let still: String = keel_db::with_pool!(&t.db, p => sqlx::query_scalar("SELECT role FROM people WHERE id = $1")
            .bind(me).fetch_one(p).await.unwrap());
        assert_eq!(still, "admin", "nothing changed");
        // A rep's token dies with a password reset, and a token cannot mint another.
        let rep = signed_in(&s, &demo.member).await;
        let created = json(
            rep.post(s.url("/api/v1/tokens"))
                .json(&json!({"name": "t"}))
                .send()
                .await
                .unwrap(),
        )
        .await;
        let bearer = format!("Bearer {}", created["secret"].as_str().unwrap());
        let res = client()
            .post(s.url("/api/v1/tokens"))
            .header("authorization", &bearer)
            .json(&json!({"name": "more"}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 403);
        let member = id_of(&t.db, &demo.member).await;
        let res = admin
            .post(s.url(&format!("/admin/people/{member}/password")))
            .form(&[("password", "a fresh start now")])
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 303);
        let res = client()
            .get(s.url("/api/v1/me"))
            .header("authorization", &bearer)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 401);
        // Moving someone is recorded with what changed.
        let manager = id_of(&t.db, &demo.manager).await;
        let director = id_of(&t.db, &demo.director).await;
        let res = admin
            .patch(s.url(&format!("/api/v1/people/{member}")))
            .json(&json!({"manager_id": director, "title": "Key Account Manager"}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200);
        let v = json(
            admin
                .get(s.url("/api/v1/audit?entity=person&action=update&limit=1"))
                .send()
                .await
                .unwrap(),
        )
        .await;
        let summary = v["items"][0]["summary"].as_str().unwrap().to_owned();
        assert!(
            summary.contains(&format!("manager: {manager} -> {director}"))
                && summary.contains("title:"),
            "{summary}"
        );
        assert!(
            !summary.contains("email:"),
            "unchanged fields are not listed: {summary}"
        );
    }
);
