//! Signing in and out: the first-run form, login with throttling, and database sessions.

pub mod login;
pub mod me;
pub mod passwords;
pub mod session;
pub mod setup;
pub mod tokens;

pub use keel_domain::people::initials;
