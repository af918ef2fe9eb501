//! Tolerant parsers for the cell values found in real CRM exports.
//!
//! They are public so that callers can validate single values the same way (for
//! example when a user fixes a rejected row by hand). Each returns `None` when the
//! text cannot be read exactly; the reader turns that into a [`crate::RowError`].

mod amount;
mod date;
mod decimal;
mod value;

pub use amount::{Money, normalize_currency, parse_amount};
pub(crate) use date::{When, excel_datetime, excel_serial, parse_when};
pub use date::{parse_date, parse_datetime};
pub(crate) use value::{is_email, person_from_text};
pub use value::{parse_bool, parse_count, parse_probability};
