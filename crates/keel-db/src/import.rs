//! Writing imported records (see the keel-import crate) into the database.
