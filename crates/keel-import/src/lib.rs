//! Turns CRM export files (Zoho, Salesforce, HubSpot or generic CSV/XLSX) into
//! typed, validated records, one data row at a time.
//!
//! Nothing here touches a database: the caller iterates a [`Reader`] and writes the
//! records it likes inside its own transaction. Every problem in a row is reported as
//! a [`RowError`] naming the spreadsheet row number (header = row 1), the column
//! header as written in the file, and a stable snake_case code from [`codes`].
//!
//! Behaviour worth knowing:
//! - **Formats**: XLSX is recognised by its zip signature whatever the file name (first
//!   sheet, read whole as calamine requires); anything else is CSV, streamed in 64 KiB
//!   chunks. The delimiter is `,` unless the header line clearly uses tabs or `;`.
//! - **Encodings**: UTF-8 (BOM optional) or GB18030/GBK, decided at the first non-ASCII
//!   bytes (see `decode.rs`); UTF-16 with a BOM (Excel "Unicode text") also works.
//! - **Columns** are found by header name (trimmed, case-insensitive) through the
//!   source's dialect and `Options::map`; other columns are listed by
//!   [`Reader::unmapped_columns`]. Short rows read as if padded with empty cells.
//! - **Rows**: blank rows are skipped but still counted, so numbers match what a
//!   spreadsheet shows; one row yields one record or its first [`RowError`].
//! - [`Reader`] is not `Send` because it owns the caller's `impl Read` as given.
//!
//! ```no_run
//! use keel_import::{Entity, Options, Reader, Source};
//! let file = std::fs::File::open("deals.csv")?;
//! let reader = Reader::open(file, &Options::new(Source::Zoho, Entity::Deals))?;
//! for item in reader {
//!     match item {
//!         Ok(record) => println!("{record:?}"),
//!         Err(problem) => eprintln!("{problem}"),
//!     }
//! }
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod assemble;
mod cell;
mod decode;
mod dialect;
mod error;
mod layout;
mod options;
pub mod parse;
mod reader;
mod records;
mod row_view;
mod rows;
mod schema;

pub use error::{FileError, RowError, codes};
pub use options::{Entity, Options, Source};
pub use reader::Reader;
pub use records::{
    AccountRow, ActivityRow, ContactRow, DealRow, LeadRow, PersonRef, PersonRow, Record, RecordRef,
};

#[cfg(test)]
mod tests;
