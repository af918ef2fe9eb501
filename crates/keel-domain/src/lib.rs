//! keel's domain: pure types and rules, no I/O. Every other crate depends on this one.

pub mod ids;
pub mod money;
pub mod people;
pub mod pipeline;
pub mod roles;
pub mod time;
