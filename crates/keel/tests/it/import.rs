//! `keel import` and `keel export` on both backends.
