//! No request can break the server: every case of the permission matrix is sent again as an
//! admin with one piece of it replaced by an extreme value (dates of year 262142 and -262143,
//! numbers one past i64, NaN, malformed and huge ids, 100 KB strings, control characters,
//! empty values), in the path, the query, a form field or a JSON field. Refusals (4xx) are
//! fine; a 5xx, or a connection the server dropped, is a failure. Runs on both backends.

use crate::harness::{Demo, TestServer, load_demo, signed_in};
use crate::permissions::{Body, Case, matrix};
use reqwest::Method;
use std::collections::BTreeSet;
use std::sync::Arc;

/// Values for any text: each is something a handler, a parser or a database might choke on.
fn texts() -> Vec<String> {
    vec![
        "+262142-12-31".into(),
        "-262143-01-01".into(),
        "0000-01-01".into(),
        "10000-01-01".into(),
        "9999-12-31".into(),
        "1900-01-01".into(),
        "2026-02-30".into(),
        "+262142-12-31T23:59:59Z".into(),
        "9223372036854775808".into(),
        "-9223372036854775809".into(),
        "9223372036854775807".into(),
        "-9223372036854775808".into(),
        "NaN".into(),
        "-inf".into(),
        "1e309".into(),
        "ffffffff-ffff-ffff-ffff-ffffffffffff".into(),
        "not-a-uuid".into(),
        "person:ffffffff-ffff-ffff-ffff-ffffffffffff".into(),
        "team:not-a-uuid".into(),
        "99999-Q1".into(),
        "-1".into(),
        "\u{0}\u{1}\r\n\t\u{7f}\u{202e}\u{feff}".into(),
        String::new(),
    ]
}

/// The values that matter for a date or period parameter (sent one parameter at a time).
fn date_texts() -> Vec<String> {
    let mut v: Vec<String> = texts().into_iter().take(8).collect();
    v.extend(["99999-Q1", "9223372036854775808", "NaN", ""].map(String::from));
    v
}

/// The same, plus a string of 100 KB (bodies only: a query string that long is refused by
/// the HTTP layer before keel sees it, which proves nothing).
fn body_texts() -> Vec<String> {
    let mut v = texts();
    v.push("长".repeat(100 * 1024 / 3));
    v
}

fn json_values() -> Vec<serde_json::Value> {
    use serde_json::json;
    let mut v: Vec<serde_json::Value> = body_texts().into_iter().map(Into::into).collect();
    v.extend([
        json!(i64::MAX),
        json!(i64::MIN),
        json!(u64::MAX),
        json!(1e300),
        json!(-1),
        json!(0),
        json!(null),
        json!(true),
        json!([]),
        json!({}),
        json!(["+262142-12-31", i64::MAX]),
    ]);
    v
}

/// Query parameters the HTML pages read, beyond those a case already sends: sent all at once
/// with each value (a page that refuses the first stops there, so the dates, where extreme
/// values break things, are also sent one at a time).
const PAGE_PARAMS: &[&str] = &[
    "from", "to", "period", "scope", "cycle", "after", "limit", "sort", "bucket", "compare",
    "panel", "q", "team", "owner", "stage", "pipeline", "status", "kind", "due",
];
const PAGE_DATE_PARAMS: &[&str] = &["from", "to", "period", "cycle", "due"];

/// One request to send.
struct Probe {
    method: Method,
    path: String,
    body: Body,
    what: String,
}

fn split(path: &str) -> (&str, Vec<(String, String)>) {
    match path.split_once('?') {
        None => (path, Vec::new()),
        Some((p, q)) => (
            p,
            q.split('&')
                .filter(|kv| !kv.is_empty())
                .map(|kv| {
                    let (k, v) = kv.split_once('=').unwrap_or((kv, ""));
                    (k.to_owned(), v.to_owned())
                })
                .collect(),
        ),
    }
}

fn encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

fn with_query(path: &str, pairs: &[(String, String)]) -> String {
    if pairs.is_empty() {
        return path.to_owned();
    }
    let q: Vec<String> = pairs
        .iter()
        .map(|(k, v)| format!("{k}={}", encode(v)))
        .collect();
    format!("{path}?{}", q.join("&"))
}

/// The documented query parameters of an API route.
fn api_params(doc: &utoipa::openapi::OpenApi, method: &Method, template: &str) -> Vec<String> {
    let Some(item) = doc.paths.paths.get(template) else {
        return Vec::new();
    };
    let op = match *method {
        Method::GET => &item.get,
        Method::POST => &item.post,
        Method::PATCH => &item.patch,
        Method::DELETE => &item.delete,
        _ => &item.put,
    };
    op.iter()
        .flat_map(|op| op.parameters.iter().flatten())
        .filter_map(|p| match p {
            utoipa::openapi::RefOr::T(p)
                if matches!(p.parameter_in, utoipa::openapi::path::ParameterIn::Query) =>
            {
                Some(p.name.clone())
            }
            _ => None,
        })
        .collect()
}

/// Every variant of one case: its path's segments, each query parameter, each form or JSON
/// field replaced by each extreme value, plus missing and malformed bodies.
fn probes(case: &Case, template: &str, doc: &utoipa::openapi::OpenApi) -> Vec<Probe> {
    let mut out = Vec::new();
    let (path, query) = split(&case.path);
    let api = path.starts_with("/api/");
    let mut push = |path: String, body: Body, what: String| {
        out.push(Probe {
            method: case.method.clone(),
            path,
            body,
            what,
        })
    };
    // Path parameters.
    let segs: Vec<&str> = path.split('/').collect();
    let tsegs: Vec<&str> = template.split('/').collect();
    for (i, t) in tsegs.iter().enumerate() {
        if !t.starts_with('{') {
            continue;
        }
        let values = [
            "not-a-uuid".to_owned(),
            "ffffffff-ffff-ffff-ffff-ffffffffffff".into(),
            "9223372036854775808".into(),
            "-1".into(),
            "+262142-12-31".into(),
            "\u{0}\r\n\u{202e}".into(),
            "x".repeat(4096),
        ];
        for v in &values {
            let mut s = segs.clone();
            let enc = encode(v);
            s[i] = &enc;
            push(
                with_query(&s.join("/"), &query),
                case.body.clone(),
                format!("path {t}={v:.40?}"),
            );
        }
    }
    // Query parameters: the case's own, the documented ones, and those pages read.
    let mut names: BTreeSet<String> = query.iter().map(|(k, _)| k.clone()).collect();
    if api {
        names.extend(api_params(doc, &case.method, template));
    } else if case.method == Method::GET {
        names.extend(PAGE_DATE_PARAMS.iter().map(|s| s.to_string()));
        for v in texts() {
            let q: Vec<(String, String)> = PAGE_PARAMS
                .iter()
                .map(|k| (k.to_string(), v.clone()))
                .collect();
            push(
                with_query(path, &q),
                Body::None,
                format!("query *={v:.40?}"),
            );
        }
    }
    let page_dates: BTreeSet<&str> = if api || case.method != Method::GET {
        BTreeSet::new()
    } else {
        PAGE_DATE_PARAMS.iter().copied().collect()
    };
    for name in &names {
        let values = if page_dates.contains(name.as_str()) && !query.iter().any(|(k, _)| k == name)
        {
            date_texts()
        } else {
            texts()
        };
        for v in values {
            let mut q: Vec<(String, String)> =
                query.iter().filter(|(k, _)| k != name).cloned().collect();
            q.push((name.clone(), v.clone()));
            push(
                with_query(path, &q),
                case.body.clone(),
                format!("query {name}={v:.40?}"),
            );
        }
    }
    // Bodies.
    match &case.body {
        Body::None => {}
        Body::Form(fields) => {
            for v in body_texts() {
                for (i, (k, _)) in fields.iter().enumerate() {
                    let mut f = fields.clone();
                    f[i].1 = v.clone();
                    push(
                        case.path.clone(),
                        Body::Form(f),
                        format!("form {k}={v:.40?}"),
                    );
                }
                let all = fields.iter().map(|(k, _)| (*k, v.clone())).collect();
                push(
                    case.path.clone(),
                    Body::Form(all),
                    format!("form *={v:.40?}"),
                );
            }
            push(
                case.path.clone(),
                Body::Form(Vec::new()),
                "empty form".into(),
            );
        }
        Body::Json(j) => {
            if let Some(obj) = j.as_object() {
                for v in json_values() {
                    for k in obj.keys() {
                        let mut o = obj.clone();
                        o.insert(k.clone(), v.clone());
                        push(
                            case.path.clone(),
                            Body::Json(o.into()),
                            format!("json {k}={:.40}", v.to_string()),
                        );
                    }
                }
            }
            for raw in ["", "{", "null", "[]", "{\"a\":", "\"\u{0}\""] {
                push(
                    case.path.clone(),
                    Body::Raw(raw.into()),
                    format!("raw json {raw:?}"),
                );
            }
        }
        Body::Raw(_) => {}
    }
    out
}

db_test!(
    async fn no_request_breaks_the_server(t: TestDb) {
        let demo: Demo = load_demo(&t.db).await;
        let s = TestServer::start(&t).await;
        let cases = matrix(&t, &demo).await;
        let routes = keel_web::route_table();
        let doc = keel_web::openapi();
        // One probe set per route and method: the first case that reaches it.
        let mut seen = BTreeSet::new();
        let mut all = Vec::new();
        for case in &cases {
            let m = case.method.to_string();
            let Some(template) = crate::permissions::route_of(&routes, &m, &case.path) else {
                continue;
            };
            // Signing out would end the admin's session for every probe after it.
            if template == "/logout" || !seen.insert((m, template.to_owned())) {
                continue;
            }
            all.extend(probes(case, template, &doc));
        }
        let c = Arc::new(signed_in(&s, &demo.admin).await);
        let base = Arc::new(s.base.clone());
        let failures = Arc::new(std::sync::Mutex::new(Vec::new()));
        let gate = Arc::new(tokio::sync::Semaphore::new(4));
        let mut tasks = tokio::task::JoinSet::new();
        let count = all.len();
        for p in all {
            let (c, base, failures) = (c.clone(), base.clone(), failures.clone());
            let permit = gate.clone().acquire_owned().await.unwrap();
            tasks.spawn(async move {
                let _permit = permit;
                let build = || {
                    let req = c.request(p.method.clone(), format!("{base}{}", p.path));
                    match &p.body {
                        Body::None => req,
                        Body::Form(f) => req.form(f),
                        Body::Json(j) => req.json(j),
                        Body::Raw(r) => req
                            .header("content-type", "application/json")
                            .body(r.clone()),
                    }
                };
                // A request refused before its body was read may find its kept-alive
                // connection closed under it: try once more; what matters is an answer.
                let sent = match build().send().await {
                    Err(e) if e.is_request() || e.is_connect() => build().send().await,
                    other => other,
                };
                let line = match sent {
                    Ok(res) if res.status().is_server_error() => {
                        let status = res.status();
                        let body = res.text().await.unwrap_or_default();
                        format!(
                            "{} {} [{}]: {status} {body:.200}",
                            p.method,
                            p.path.chars().take(160).collect::<String>(),
                            p.what
                        )
                    }
                    Ok(_) => return,
                    Err(e) => format!(
                        "{} {} [{}]: no answer: {e}",
                        p.method,
                        p.path.chars().take(160).collect::<String>(),
                        p.what
                    ),
                };
                failures.lock().unwrap().push(line);
            });
        }
        while tasks.join_next().await.is_some() {}
        let failures = std::mem::take(&mut *failures.lock().unwrap());
        assert!(
            failures.is_empty(),
            "{} of {count} extreme requests broke the server:\n{}",
            failures.len(),
            failures.join("\n")
        );
        // And it still answers.
        let res = c.get(s.url("/healthz")).send().await.unwrap();
        assert_eq!(res.status(), 200);
    }
);

db_test!(
    async fn dates_outside_the_years_are_a_422_naming_the_field(t: TestDb) {
        let demo: Demo = load_demo(&t.db).await;
        let s = TestServer::start(&t).await;
        let c = signed_in(&s, &demo.admin).await;
        // Each of these panicked the server before dates were bounded (chrono reads years up
        // to 262142 and panics on arithmetic near them).
        for (path, field) in [
            ("/api/v1/activities?to=%2B262142-12-31", "to"),
            ("/api/v1/activities?from=-262143-01-01", "from"),
            (
                "/api/v1/dashboard?period=custom&from=2026-01-01&to=%2B262142-12-31",
                "to",
            ),
            ("/api/v1/metrics/calls?from=%2B262142-01-01", "from"),
            ("/api/v1/audit?to=%2B262142-12-31T00:00:00Z", "to"),
        ] {
            let res = c.get(s.url(path)).send().await.unwrap();
            assert_eq!(res.status(), 422, "{path}");
            let v: serde_json::Value = res.json().await.unwrap();
            assert_eq!(v["error"]["code"], "invalid_input", "{path}: {v}");
            assert!(
                v["error"]["fields"][field].is_string(),
                "{path}: the answer names {field}: {v}"
            );
        }
        for path in [
            "/dashboard?period=custom&from=2026-01-01&to=%2B262142-12-31",
            "/kpis?from=%2B262142-12-31",
            "/kpis/calls?to=-262143-01-01",
        ] {
            let res = c.get(s.url(path)).send().await.unwrap();
            assert_eq!(res.status(), 422, "{path}");
        }
        let res = c
            .post(s.url("/api/v1/goals"))
            .json(&serde_json::json!({"title": "x", "measure": "manual", "target": 1, "due": "+262142-12-31"}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 422);
        let v: serde_json::Value = res.json().await.unwrap();
        assert!(v["error"]["fields"]["due"].is_string(), "{v}");
    }
);
