//! keel's one integration-test binary (each extra binary costs link time on two cores).
//!
//! Storage tests run on SQLite and on PostgreSQL through [`db_test!`]; PostgreSQL and browser
//! suites need `KEEL_TEST_PG_URL` / `KEEL_TEST_WEBDRIVER`, which `scripts/test` provides.
//! Under plain `cargo test` they are skipped with a note on stderr; under `scripts/test`
//! (`KEEL_TEST_REQUIRE_ALL=1`) a missing service fails the run instead.

#[macro_use]
mod harness;

mod browser;
mod checkins;
mod cli;
mod contests;
mod crm;
mod crm_lists;
mod dashboard;
mod extremes;
mod goals;
mod import;
mod insights;
mod migrations;
mod multi_server;
mod notifications;
mod people;
mod permissions;
mod rollups;
mod schema;
mod targets;
mod visibility;
mod web;
mod zone;
