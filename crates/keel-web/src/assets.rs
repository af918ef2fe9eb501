//! Serves the static files compiled into the binary. Their names carry a version or content
//! hash, so they can be cached for a year.

use crate::AppError;
use axum::extract::Path;
use axum::http::header;
use axum::response::{IntoResponse, Response};

pub async fn serve(Path(file): Path<String>) -> Response {
    match keel_views::assets::get(&file) {
        Some((body, content_type)) => (
            [
                (header::CONTENT_TYPE, content_type),
                (header::CACHE_CONTROL, "public, max-age=31536000, immutable"),
            ],
            body,
        )
            .into_response(),
        None => AppError::NotFound.into_response(),
    }
}
