//! The Fluent files are read by a macro at compile time; a new `.ftl` file must rebuild the crate.
fn main() {
    println!("cargo:rerun-if-changed=locales");
}
