//! Arbitrary bytes through `Reader::open` and full iteration, for every source and
//! entity: any input must end in records or errors, never a panic.
//!
//! Each input is read three ways, every record to the end:
//! 1. as a file handed over whole (`Cursor`, 64 KiB reads: CSV, or XLSX if the bytes
//!    start with the zip signature);
//! 2. trickled 1-7 bytes per `read` call with an `Interrupted` error now and then, so
//!    the streaming decoder's chunk boundaries (BOM, multi-byte UTF-8/GBK sequences,
//!    the encoding decision) fall everywhere; decoding and CSV splitting do not depend
//!    on the options, so this is done once, with the first source × entity that opened
//!    in (1), and must yield the same items as (1) did;
//! 3. as the body of `<worksheet>` in a small XLSX workbook built around the bytes
//!    (fixed shared strings and date styles), to reach calamine and the typed-cell
//!    paths; `seed-xlsx-rows.xml` in the corpus shows the shape.
//!
//! Also checked: row numbers start after the header and only grow, and a `read_error`
//! item is the last one.
//!
//! Panics: `Reader` promises that none escapes to the caller, and it deliberately
//! catches the ones calamine raises on malformed workbooks. libFuzzer's default hook
//! would abort on those too, so the hook below only remembers the panic; the target
//! aborts (and prints it) when one reaches the top of an iteration uncaught.
//!
//! Run: cargo +nightly fuzz run csv_reader -- -max_total_time=120
#![no_main]

use keel_import::{Entity, FileError, Options, Reader, Record, RowError, Source, codes};
use libfuzzer_sys::fuzz_target;
use std::backtrace::Backtrace;
use std::cell::RefCell;
use std::io::{self, Cursor, Read, Write};
use std::panic::{self, AssertUnwindSafe};
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipWriter};

/// Bytes after the first non-ASCII byte that the decoder looks at before choosing an
/// encoding (`decode.rs`). Up to this length the choice cannot depend on read sizes,
/// so whole and trickled reads must agree; beyond it they may legitimately differ.
const SNIFF: usize = 4 * 1024;

thread_local! {
    /// The latest panic and its backtrace (resolved only if printed).
    static LAST_PANIC: RefCell<Option<(String, Backtrace)>> = const { RefCell::new(None) };
}

fuzz_target!(
    init: panic::set_hook(Box::new(|info| {
        let report = (info.to_string(), Backtrace::force_capture());
        LAST_PANIC.with(|last| *last.borrow_mut() = Some(report));
    })),
    |data: &[u8]| {
        if panic::catch_unwind(AssertUnwindSafe(|| fuzz_one(data))).is_err() {
            if let Some((panic, backtrace)) = LAST_PANIC.take() {
                eprintln!("uncaught {panic}\n{backtrace}");
            }
            std::process::abort();
        }
    }
);

fn fuzz_one(data: &[u8]) {
    let whole = read_every_way(|| Cursor::new(data.to_vec()));
    let probe = whole.iter().position(Option::is_some).unwrap_or(0);
    let trickled = read(Trickle::new(data), &every_options().nth(probe).unwrap());
    // Opening may differ (the binary-data check sees only what has been read so far);
    // once both open, the same bytes must give the same items, at least for inputs
    // too short for the encoding decision to depend on read sizes.
    if let (Some(Some(a)), Some(b)) = (whole.get(probe), &trickled)
        && data.len() <= SNIFF
    {
        assert_eq!(a, b, "whole and trickled reads disagree");
    }
    read_every_way(|| Cursor::new(workbook_around(data)));
}

type Items = Vec<Result<Record, RowError>>;

fn every_options() -> impl Iterator<Item = Options> {
    Source::ALL
        .into_iter()
        .flat_map(|source| Entity::ALL.map(|entity| Options::new(source, entity)))
}

/// Opens the input once per source × entity and drains each reader; `None` where the
/// file did not open. Stops early at a file error the options cannot have caused.
fn read_every_way<R: Read + 'static>(input: impl Fn() -> R) -> Vec<Option<Items>> {
    let mut results = Vec::new();
    for opts in every_options() {
        match Reader::open(input(), &opts) {
            Ok(reader) => results.push(Some(drain(reader))),
            Err(error) => {
                let _ = error.to_string();
                results.push(None);
                // Only the column mapping depends on the options; any other file
                // error comes from the bytes alone and would repeat for every pair.
                if !matches!(error, FileError::MissingColumns(_)) {
                    break;
                }
            }
        }
    }
    results
}

fn read(input: impl Read + 'static, opts: &Options) -> Option<Items> {
    Reader::open(input, opts).ok().map(drain)
}

fn drain(reader: Reader) -> Items {
    assert!(!reader.headers().is_empty());
    assert!(reader.unmapped_columns().len() < reader.headers().len());
    let mut items: Items = Vec::new();
    let mut last_row = 1;
    for item in reader {
        if let Some(Err(previous)) = items.last() {
            assert_ne!(previous.code, codes::READ_ERROR, "items after a read error");
        }
        let row = match &item {
            Ok(record) => record.row(),
            Err(error) => {
                let _ = error.to_string(); // Display must not panic either.
                error.row
            }
        };
        assert!(row > last_row, "row {row} after row {last_row}");
        last_row = row;
        items.push(item);
    }
    items
}

/// The input handed out 1-7 bytes per call, as a slow pipe would, with an
/// `Interrupted` error every ninth call.
struct Trickle {
    data: Vec<u8>,
    pos: usize,
    calls: usize,
}

impl Trickle {
    fn new(data: &[u8]) -> Trickle {
        Trickle {
            data: data.to_vec(),
            pos: 0,
            calls: data.len(),
        }
    }
}

impl Read for Trickle {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.calls += 1;
        if self.calls.is_multiple_of(9) {
            return Err(io::ErrorKind::Interrupted.into());
        }
        let step = self.calls % 7 + 1;
        let n = step.min(buf.len()).min(self.data.len() - self.pos);
        buf[..n].copy_from_slice(&self.data[self.pos..self.pos + n]);
        self.pos += n;
        Ok(n)
    }
}

const CONTENT_TYPES: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>"#;

const PACKAGE_RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#;

const WORKBOOK: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>"#;

const WORKBOOK_RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/><Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>"#;

/// Cell styles: `s="1"` date, `s="2"` date-time, `s="3"` percent.
const STYLES: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><cellXfs count="4"><xf numFmtId="0"/><xf numFmtId="14" applyNumberFormat="1"/><xf numFmtId="22" applyNumberFormat="1"/><xf numFmtId="9" applyNumberFormat="1"/></cellXfs></styleSheet>"#;

/// Shared strings 0-8: headers every dialect knows, then typical values.
const SHARED_STRINGS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="9" uniqueCount="9"><si><t>Name</t></si><si><t>Deal Name</t></si><si><t>Amount</t></si><si><t>Closing Date</t></si><si><t>Subject</t></si><si><t>Last Name</t></si><si><t>名称</t></si><si><t>¥1,200</t></si><si><t>2026-03-05</t></si></sst>"#;

const SHEET_HEAD: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">"#;
const SHEET_TAIL: &str = "</worksheet>";

/// An XLSX workbook whose only worksheet holds `body` (`<dimension>`, `<sheetData>`...)
/// as written.
fn workbook_around(body: &[u8]) -> Vec<u8> {
    let mut zip = ZipWriter::new(Cursor::new(Vec::new()));
    let stored = SimpleFileOptions::default().compression_method(CompressionMethod::Stored);
    let mut sheet = SHEET_HEAD.as_bytes().to_vec();
    sheet.extend_from_slice(body);
    sheet.extend_from_slice(SHEET_TAIL.as_bytes());
    let parts: [(&str, &[u8]); 7] = [
        ("[Content_Types].xml", CONTENT_TYPES.as_bytes()),
        ("_rels/.rels", PACKAGE_RELS.as_bytes()),
        ("xl/workbook.xml", WORKBOOK.as_bytes()),
        ("xl/_rels/workbook.xml.rels", WORKBOOK_RELS.as_bytes()),
        ("xl/styles.xml", STYLES.as_bytes()),
        ("xl/sharedStrings.xml", SHARED_STRINGS.as_bytes()),
        ("xl/worksheets/sheet1.xml", &sheet),
    ];
    for (name, body) in parts {
        zip.start_file(name, stored).expect("zip entry");
        zip.write_all(body).expect("zip write");
    }
    zip.finish().expect("zip finish").into_inner()
}
