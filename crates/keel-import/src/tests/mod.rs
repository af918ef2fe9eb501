//! Tests of the whole reader: files built in memory from the documented export layouts.
//! Kept inside the crate (not under tests/) so the workspace keeps one integration binary.

mod amount_props;
mod file_errors;
mod generic;
mod hubspot;
mod robustness;
mod salesforce;
mod streaming;
mod xlsx;
mod zoho;

use crate::{Entity, Options, Reader, Record, RowError, Source};
use chrono::{NaiveDate, NaiveDateTime};
use std::io::Cursor;

/// CSV text from rows, quoting cells the way spreadsheet programs do.
pub fn csv(rows: &[&[&str]]) -> String {
    let mut out = String::new();
    for row in rows {
        let cells: Vec<String> = row
            .iter()
            .map(|cell| {
                if cell.contains([',', '"', '\n']) {
                    format!("\"{}\"", cell.replace('"', "\"\""))
                } else {
                    cell.to_string()
                }
            })
            .collect();
        out.push_str(&cells.join(","));
        out.push_str("\r\n");
    }
    out
}

pub fn with_bom(text: &str) -> Vec<u8> {
    let mut bytes = b"\xEF\xBB\xBF".to_vec();
    bytes.extend_from_slice(text.as_bytes());
    bytes
}

/// The text as Chinese Excel saves it ("CSV (comma delimited)" on a zh-CN system).
pub fn gbk(text: &str) -> Vec<u8> {
    let (bytes, _, unmappable) = encoding_rs::GBK.encode(text);
    assert!(!unmappable, "test data must be representable in GBK");
    bytes.into_owned()
}

pub fn options(source: Source, entity: Entity) -> Options {
    Options::new(source, entity)
}

pub fn open(bytes: Vec<u8>, opts: &Options) -> Reader {
    Reader::open(Cursor::new(bytes), opts).expect("file opens")
}

/// All records and all row errors of a file, in row order.
pub fn read(bytes: Vec<u8>, opts: &Options) -> (Vec<Record>, Vec<RowError>) {
    let mut records = Vec::new();
    let mut errors = Vec::new();
    for item in open(bytes, opts) {
        match item {
            Ok(record) => records.push(record),
            Err(error) => errors.push(error),
        }
    }
    (records, errors)
}

pub fn row_error(row: usize, column: &str, code: &'static str, value: &str) -> RowError {
    RowError {
        row,
        column: column.to_string(),
        code,
        value: value.to_string(),
    }
}

pub fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

pub fn datetime(y: i32, m: u32, d: u32, h: u32, mi: u32) -> NaiveDateTime {
    date(y, m, d).and_hms_opt(h, mi, 0).unwrap()
}

pub fn s(text: &str) -> Option<String> {
    Some(text.to_string())
}

macro_rules! unwrap_records {
    ($name:ident, $variant:ident, $row:ty) => {
        pub fn $name(records: Vec<Record>) -> Vec<$row> {
            records
                .into_iter()
                .map(|r| match r {
                    Record::$variant(row) => row,
                    other => panic!("unexpected record {other:?}"),
                })
                .collect()
        }
    };
}

unwrap_records!(accounts, Account, crate::AccountRow);
unwrap_records!(contacts, Contact, crate::ContactRow);
unwrap_records!(leads, Lead, crate::LeadRow);
unwrap_records!(deals, Deal, crate::DealRow);
unwrap_records!(activities, Activity, crate::ActivityRow);
unwrap_records!(people, Person, crate::PersonRow);
