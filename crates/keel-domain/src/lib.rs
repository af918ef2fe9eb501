//! keel's domain: pure types and rules, no I/O. Every other crate depends on this one.

pub mod checkins;
pub mod crm;
pub mod goals;
pub mod ids;
pub mod insights;
pub mod jobs;
pub mod metrics;
pub mod money;
pub mod notifications;
pub mod people;
pub mod periods;
pub mod pipeline;
pub mod roles;
pub mod time;
