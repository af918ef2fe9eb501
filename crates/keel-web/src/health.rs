//! `GET /healthz`: 200 while the database answers, 503 when it does not, for load balancers.

use crate::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde_json::json;
use std::time::Duration;

pub async fn healthz(State(state): State<AppState>) -> (StatusCode, Json<serde_json::Value>) {
    let backend = state.db.backend().name();
    let ping = tokio::time::timeout(Duration::from_secs(2), state.db.ping()).await;
    match ping {
        Ok(Ok(())) => (
            StatusCode::OK,
            Json(json!({ "status": "ok", "database": { "backend": backend, "status": "up" } })),
        ),
        Ok(Err(e)) => {
            tracing::warn!(error = %e, "health check: database error");
            down(backend)
        }
        Err(_) => {
            tracing::warn!("health check: database did not answer within 2 s");
            down(backend)
        }
    }
}

fn down(backend: &str) -> (StatusCode, Json<serde_json::Value>) {
    (
        StatusCode::SERVICE_UNAVAILABLE,
        Json(
            json!({ "status": "unavailable", "database": { "backend": backend, "status": "down" } }),
        ),
    )
}
