//! keel's pages: askama templates and the view structs that feed them, plus static assets.
//! Kept apart from the web crate so that editing a template rebuilds only this small crate.

pub mod assets;
pub mod charts;
mod pages;

pub use keel_i18n::Locale;
pub use pages::*;
