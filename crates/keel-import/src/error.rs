//! Errors for a whole file ([`FileError`]) and for one row ([`RowError`]).

use std::fmt;

/// Stable error codes carried by [`RowError::code`]; callers may match on them.
pub mod codes {
    /// A required cell (name, subject) is empty.
    pub const REQUIRED: &str = "required";
    /// A date or date-time cell could not be understood.
    pub const INVALID_DATE: &str = "invalid_date";
    /// A money amount could not be read exactly (bad syntax, >2 decimals, overflow).
    pub const INVALID_AMOUNT: &str = "invalid_amount";
    /// A currency cell is not a known symbol or a three-letter code.
    pub const INVALID_CURRENCY: &str = "invalid_currency";
    /// The amount's own symbol disagrees with the currency column.
    pub const CURRENCY_MISMATCH: &str = "currency_mismatch";
    /// A whole number (employee count) could not be read.
    pub const INVALID_NUMBER: &str = "invalid_number";
    /// A probability is not a number between 0 and 100 (or a fraction ≤ 1).
    pub const INVALID_PROBABILITY: &str = "invalid_probability";
    /// A yes/no cell holds something else.
    pub const INVALID_BOOL: &str = "invalid_bool";
    /// An e-mail cell does not look like an e-mail address.
    pub const INVALID_EMAIL: &str = "invalid_email";
    /// The file could not be read past this point; iteration stops after it.
    pub const READ_ERROR: &str = "read_error";
}

/// A problem in one data row. `row` is the spreadsheet row (header = 1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowError {
    pub row: usize,
    /// The column header as written in the file (trimmed); empty for read errors.
    pub column: String,
    /// One of [`codes`].
    pub code: &'static str,
    /// The offending cell value (or the read error message).
    pub value: String,
}

impl fmt::Display for RowError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let what = match self.code {
            codes::REQUIRED => "a value is required",
            codes::INVALID_DATE => "not a valid date",
            codes::INVALID_AMOUNT => "not a valid amount",
            codes::INVALID_CURRENCY => "not a known currency",
            codes::CURRENCY_MISMATCH => "currency symbol disagrees with the currency column",
            codes::INVALID_NUMBER => "not a valid whole number",
            codes::INVALID_PROBABILITY => "not a valid probability (0-100)",
            codes::INVALID_BOOL => "not a yes/no value",
            codes::INVALID_EMAIL => "not a valid e-mail address",
            codes::READ_ERROR => "the file could not be read",
            other => other,
        };
        if self.column.is_empty() {
            write!(f, "row {}: {what}", self.row)?;
        } else {
            write!(f, "row {}, column \"{}\": {what}", self.row, self.column)?;
        }
        if !self.value.is_empty() {
            write!(f, " ({:?})", self.value)?;
        }
        Ok(())
    }
}

impl std::error::Error for RowError {}

/// A problem that prevents reading the file at all.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FileError {
    #[error("the file is empty: no header row")]
    Empty,
    #[error("not a table: {0}")]
    NotTabular(String),
    /// No column for a required field; lists the header names that would be accepted.
    #[error("missing required column; expected one of: {}", .0.join(", "))]
    MissingColumns(Vec<String>),
    /// An explicit mapping names a field the entity does not have.
    #[error("unknown target field in mapping: {0}")]
    UnknownField(String),
    #[error("read error: {0}")]
    Io(String),
    #[error("cannot read the XLSX workbook: {0}")]
    Xlsx(String),
}

impl From<std::io::Error> for FileError {
    fn from(e: std::io::Error) -> Self {
        FileError::Io(e.to_string())
    }
}
