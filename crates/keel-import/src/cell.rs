//! One cell value, as CSV text or as the typed value an XLSX sheet stores.

use crate::parse::excel_datetime;
use calamine::Data;
use chrono::{NaiveDateTime, NaiveTime};
use std::borrow::Cow;

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Cell {
    Text(String),
    Int(i64),
    Float(f64),
    DateTime(NaiveDateTime),
    Bool(bool),
}

impl Cell {
    pub(crate) const EMPTY: Cell = Cell::Text(String::new());

    pub(crate) fn from_xlsx(data: &Data) -> Cell {
        match data {
            Data::Empty => Cell::EMPTY,
            Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => Cell::Text(s.clone()),
            Data::Int(i) => Cell::Int(*i),
            Data::Float(f) => Cell::Float(*f),
            Data::Bool(b) => Cell::Bool(*b),
            Data::DateTime(dt) => match excel_datetime(dt) {
                Some(at) if dt.is_datetime() => Cell::DateTime(at),
                _ => Cell::Float(dt.as_f64()),
            },
            Data::Error(e) => Cell::Text(e.to_string()),
        }
    }

    /// The trimmed text a person would see; numbers in their shortest exact form.
    pub(crate) fn text(&self) -> Cow<'_, str> {
        match self {
            Cell::Text(s) => Cow::Borrowed(s.trim()),
            Cell::Int(i) => Cow::Owned(i.to_string()),
            Cell::Float(f) => Cow::Owned(f.to_string()),
            Cell::DateTime(at) if at.time() == NaiveTime::MIN => Cow::Owned(at.date().to_string()),
            Cell::DateTime(at) => Cow::Owned(at.to_string()),
            Cell::Bool(b) => Cow::Borrowed(if *b { "true" } else { "false" }),
        }
    }

    pub(crate) fn is_empty(&self) -> bool {
        matches!(self, Cell::Text(s) if s.trim().is_empty())
    }
}
