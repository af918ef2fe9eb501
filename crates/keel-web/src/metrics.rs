//! Prometheus metrics for this process: requests and latency by route, and database pool
//! gauges. Counters are per process by nature; Prometheus sums them across servers.

use crate::AppState;
use axum::extract::{MatchedPath, Request, State};
use axum::http::{Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::Mutex;
use std::time::Instant;

/// Upper bounds of the latency histogram, in seconds.
const BUCKETS: [f64; 10] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1.0, 5.0];

#[derive(Default)]
pub struct Metrics {
    series: Mutex<BTreeMap<(String, String, u16), Series>>,
}

#[derive(Default)]
struct Series {
    count: u64,
    sum: f64,
    buckets: [u64; BUCKETS.len()],
}

impl Metrics {
    fn observe(&self, route: String, method: String, status: u16, secs: f64) {
        let mut map = self.series.lock().unwrap_or_else(|p| p.into_inner());
        let s = map.entry((route, method, status)).or_default();
        s.count += 1;
        s.sum += secs;
        for (i, b) in BUCKETS.iter().enumerate() {
            if secs <= *b {
                s.buckets[i] += 1;
            }
        }
    }
}

pub async fn track(State(state): State<AppState>, req: Request, next: Next) -> Response {
    // The route pattern, not the raw path, so ids do not explode the label set.
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map(|m| m.as_str().to_owned())
        .unwrap_or_else(|| "unmatched".into());
    // Made-up methods would each add a series: anything non-standard is "other".
    let method = match *req.method() {
        Method::GET
        | Method::HEAD
        | Method::POST
        | Method::PUT
        | Method::PATCH
        | Method::DELETE
        | Method::OPTIONS => req.method().as_str().to_owned(),
        _ => "other".to_owned(),
    };
    let start = Instant::now();
    let res = next.run(req).await;
    let secs = start.elapsed().as_secs_f64();
    state
        .metrics
        .observe(route, method, res.status().as_u16(), secs);
    res
}

pub async fn render(State(state): State<AppState>) -> impl IntoResponse {
    let mut out = String::new();
    out.push_str("# HELP keel_http_requests_total HTTP requests served.\n");
    out.push_str("# TYPE keel_http_requests_total counter\n");
    let map = state
        .metrics
        .series
        .lock()
        .unwrap_or_else(|p| p.into_inner());
    for ((route, method, status), s) in map.iter() {
        let labels = format!("route=\"{route}\",method=\"{method}\",status=\"{status}\"");
        let _ = writeln!(out, "keel_http_requests_total{{{labels}}} {}", s.count);
    }
    out.push_str("# HELP keel_http_request_duration_seconds Time to answer a request.\n");
    out.push_str("# TYPE keel_http_request_duration_seconds histogram\n");
    for ((route, method, status), s) in map.iter() {
        let labels = format!("route=\"{route}\",method=\"{method}\",status=\"{status}\"");
        for (i, b) in BUCKETS.iter().enumerate() {
            let _ = writeln!(
                out,
                "keel_http_request_duration_seconds_bucket{{{labels},le=\"{b}\"}} {}",
                s.buckets[i]
            );
        }
        let _ = writeln!(
            out,
            "keel_http_request_duration_seconds_bucket{{{labels},le=\"+Inf\"}} {}",
            s.count
        );
        let _ = writeln!(
            out,
            "keel_http_request_duration_seconds_sum{{{labels}}} {}",
            s.sum
        );
        let _ = writeln!(
            out,
            "keel_http_request_duration_seconds_count{{{labels}}} {}",
            s.count
        );
    }
    drop(map);
    let pool = state.db.pool_stats();
    out.push_str("# HELP keel_db_pool_connections Database connections by state.\n");
    out.push_str("# TYPE keel_db_pool_connections gauge\n");
    let _ = writeln!(
        out,
        "keel_db_pool_connections{{state=\"idle\"}} {}",
        pool.idle
    );
    let busy = pool.size.saturating_sub(pool.idle);
    let _ = writeln!(out, "keel_db_pool_connections{{state=\"busy\"}} {busy}");
    out.push_str("# HELP keel_db_pool_max_connections Largest pool size allowed.\n");
    out.push_str("# TYPE keel_db_pool_max_connections gauge\n");
    let _ = writeln!(out, "keel_db_pool_max_connections {}", pool.max);
    (
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        out,
    )
}
