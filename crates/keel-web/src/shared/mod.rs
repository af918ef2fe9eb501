//! What every area of the web layer shares, so that no area reaches into another for it:
//! request extractors ([`extract`]), query and form parameters with their bounds
//! ([`params`]), field errors and the checks behind them ([`fields`]), how values read on a
//! page ([`present`]), and the one route table the router and its tests are built from
//! ([`routes`]).

pub mod extract;
pub mod fields;
pub mod params;
pub mod present;
pub mod routes;

pub use extract::{ApiJson, Form, Id, Query};
pub use fields::{conflict_as_field, invalid, invalid_t};
pub use params::{Page, opt_id, parse_id};
