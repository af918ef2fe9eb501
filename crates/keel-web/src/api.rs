//! The `/api/v1` JSON API: its OpenAPI 3.1 document, built from the very routes that serve
//! it, and a reference page rendered from that document.

use crate::auth::me::Me;
use crate::shared::routes::{Routes, get};
use crate::{AppError, AppState};
use askama::Template;
use axum::Json;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Html;
use keel_views::{ApiOperation, ApiReferencePage};
use std::sync::Arc;
use utoipa::Modify;
use utoipa::openapi::path::ParameterIn;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{OpenApi, OpenApiBuilder};
use utoipa_axum::router::OpenApiRouter;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, api: &mut OpenApi) {
        let components = api.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "token",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some(
                        "A personal API token from Settings, or `keel token create`.",
                    ))
                    .build(),
            ),
        );
        api.security = Some(vec![utoipa::openapi::security::SecurityRequirement::new(
            "token",
            Vec::<String>::new(),
        )]);
    }
}

/// Every API route with its documentation, and the OpenAPI document describing them.
pub fn routes() -> (Routes, OpenApi) {
    let mut doc = OpenApiBuilder::new()
        .info(
            utoipa::openapi::InfoBuilder::new()
                .title("keel API")
                .version(env!("CARGO_PKG_VERSION"))
                .description(Some(
                    "The JSON API of keel. Authenticate with `Authorization: Bearer <token>`. \
                     Errors are `{\"error\": {\"code\", \"message\"}}` with a stable snake_case code.",
                ))
                .build(),
        )
        .build();
    BearerAuth.modify(&mut doc);
    let (router, doc) = OpenApiRouter::with_openapi(doc)
        .merge(crate::people::api::routes())
        .merge(crate::crm::api::routes())
        .merge(crate::teams::api_routes())
        .merge(crate::audit::api_routes())
        .merge(crate::account::api_routes())
        .merge(crate::kpis::api_routes())
        .merge(crate::dashboard::api_routes())
        .merge(crate::contests::api_routes())
        .merge(crate::targets::api_routes())
        .merge(crate::goals::api_routes())
        .merge(crate::checkins::api_routes())
        .merge(crate::insights::api_routes())
        .merge(crate::notifications::api_routes())
        .split_for_parts();
    let shared = Arc::new(doc.clone());
    let routes = Routes::documented(router, &doc)
        .route("/api/v1/openapi.json", get(openapi_json))
        .route("/api", get(reference))
        .map(|r| r.layer(axum::Extension(shared)));
    (routes, doc)
}

async fn openapi_json(axum::Extension(doc): axum::Extension<Arc<OpenApi>>) -> Json<OpenApi> {
    Json((*doc).clone())
}

/// A readable page of every operation, rendered from the same OpenAPI document.
async fn reference(
    State(_): State<AppState>,
    me: Me,
    headers: HeaderMap,
    axum::Extension(doc): axum::Extension<Arc<OpenApi>>,
) -> Result<Html<String>, AppError> {
    let mut operations = Vec::new();
    for (path, item) in &doc.paths.paths {
        let ops = [
            ("GET", &item.get),
            ("POST", &item.post),
            ("PUT", &item.put),
            ("PATCH", &item.patch),
            ("DELETE", &item.delete),
        ];
        for (method, op) in ops {
            let Some(op) = op else { continue };
            let params = op
                .parameters
                .iter()
                .flatten()
                .filter_map(|p| match p {
                    utoipa::openapi::RefOr::T(p) => {
                        let place = match p.parameter_in {
                            ParameterIn::Path => "path",
                            ParameterIn::Query | ParameterIn::QueryString => "query",
                            ParameterIn::Header => "header",
                            ParameterIn::Cookie => "cookie",
                        }
                        .to_owned();
                        Some((
                            p.name.clone(),
                            place,
                            p.description.clone().unwrap_or_default(),
                        ))
                    }
                    utoipa::openapi::RefOr::Ref(_) => None,
                })
                .collect();
            let responses = op
                .responses
                .responses
                .keys()
                .cloned()
                .collect::<Vec<_>>()
                .join(", ");
            operations.push(ApiOperation {
                anchor: format!(
                    "{}-{}",
                    method.to_lowercase(),
                    path.replace(['/', '{', '}'], "-")
                ),
                method: method.into(),
                method_class: method.to_lowercase(),
                path: path.clone(),
                summary: op
                    .summary
                    .clone()
                    .or_else(|| op.description.clone())
                    .unwrap_or_default(),
                params,
                responses,
            });
        }
    }
    let host = headers
        .get("host")
        .and_then(|h| h.to_str().ok())
        .unwrap_or("localhost:8080");
    let page = ApiReferencePage {
        origin: format!("http://{host}"),
        version: "3.1".into(),
        operations,
        chrome: me.ctx.chrome(),
    };
    Ok(Html(page.render()?))
}
