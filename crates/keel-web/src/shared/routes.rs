//! The route table. axum cannot list the routes of a `Router`, so every area declares its
//! routes here, through [`Routes`], which builds the router and records each method and path
//! as it goes; [`crate::route_table`] hands that record to the permission matrix, which fails
//! when a route is missing from it.

use crate::AppState;
use axum::Router;
use axum::handler::Handler;
use axum::routing::MethodRouter;
use utoipa::openapi::OpenApi;

/// A router under construction together with the (method, path) of every route in it.
#[derive(Default)]
pub struct Routes {
    router: Router<AppState>,
    table: Vec<(&'static str, String)>,
}

/// The methods of one path with their handlers, as from [`get`] and [`post`].
pub struct Methods {
    router: MethodRouter<AppState>,
    names: Vec<&'static str>,
}

pub fn get<H: Handler<T, AppState>, T: 'static>(handler: H) -> Methods {
    Methods {
        router: axum::routing::get(handler),
        names: vec!["GET"],
    }
}

pub fn post<H: Handler<T, AppState>, T: 'static>(handler: H) -> Methods {
    Methods {
        router: axum::routing::post(handler),
        names: vec!["POST"],
    }
}

impl Methods {
    pub fn post<H: Handler<T, AppState>, T: 'static>(mut self, handler: H) -> Methods {
        self.router = self.router.post(handler);
        self.names.push("POST");
        self
    }
}

impl Routes {
    pub fn new() -> Routes {
        Routes::default()
    }

    pub fn route(mut self, path: &'static str, methods: Methods) -> Routes {
        self.router = self.router.route(path, methods.router);
        self.table
            .extend(methods.names.into_iter().map(|m| (m, path.to_owned())));
        self
    }

    pub fn merge(mut self, other: Routes) -> Routes {
        self.router = self.router.merge(other.router);
        self.table.extend(other.table);
        self
    }

    /// The API's router, whose routes are exactly the operations of its OpenAPI document.
    pub fn documented(router: Router<AppState>, doc: &OpenApi) -> Routes {
        let mut table = Vec::new();
        for (path, item) in &doc.paths.paths {
            for (method, op) in [
                ("GET", &item.get),
                ("POST", &item.post),
                ("PUT", &item.put),
                ("PATCH", &item.patch),
                ("DELETE", &item.delete),
            ] {
                if op.is_some() {
                    table.push((method, path.clone()));
                }
            }
        }
        Routes { router, table }
    }

    /// Applies `f` to the router (layers, extensions), keeping the table.
    pub fn map(mut self, f: impl FnOnce(Router<AppState>) -> Router<AppState>) -> Routes {
        self.router = f(self.router);
        self
    }

    pub fn into_parts(self) -> (Router<AppState>, Vec<(&'static str, String)>) {
        (self.router, self.table)
    }
}
