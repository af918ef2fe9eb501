//! The keel command line as a library, so that tests drive the same code: the clap
//! definitions, effective settings, one function per command, and the demo organisation.

pub mod cli;
pub mod commands;
pub mod demo;
mod demo_checkins;
mod demo_contests;
mod demo_goals;
mod demo_history;
mod demo_notifications;
mod demo_targets;
pub mod settings;
