//! Raw rows from CSV (streamed) or XLSX (first sheet), with spreadsheet row numbers.

use crate::cell::Cell;
use crate::decode::DecodingReader;
use crate::error::FileError;
use calamine::{Data, DataRef, Range, Reader as _, Xlsx};
use std::io::{Cursor, Read};

/// One row of cells, or a read error that ends the file, numbered like a spreadsheet.
pub(crate) type RawRow = (usize, Result<Vec<Cell>, String>);

pub(crate) enum Rows {
    Csv(Box<CsvRows>),
    Xlsx(XlsxRows),
}

impl Rows {
    /// The next row that is not blank; `None` at the end (or after a read error).
    pub(crate) fn next_row(&mut self) -> Option<RawRow> {
        loop {
            let (row, cells) = match self {
                Rows::Csv(csv) => csv.next_row()?,
                Rows::Xlsx(xlsx) => xlsx.next_row()?,
            };
            let blank = matches!(&cells, Ok(cells) if cells.iter().all(Cell::is_empty));
            if !blank {
                return Some((row, cells));
            }
        }
    }

    /// The first non-blank row, as header names.
    pub(crate) fn header(&mut self) -> Result<Vec<String>, FileError> {
        match self.next_row() {
            None => Err(FileError::Empty),
            Some((_, Err(message))) => Err(FileError::Io(message)),
            Some((_, Ok(cells))) => Ok(cells.iter().map(|c| c.text().into_owned()).collect()),
        }
    }
}

pub(crate) struct CsvRows {
    reader: csv::Reader<DecodingReader<Box<dyn Read>>>,
    record: csv::StringRecord,
    /// Records read so far. Rows are numbered by record, not by line: a cell with line
    /// breaks is still one spreadsheet row, and csv's line positions lag on CRLF files.
    /// Lines with no content at all (not even delimiters) are skipped by csv and not
    /// counted; Excel never writes them (a blank row is saved as `,,,`).
    records: usize,
    failed: bool,
}

impl CsvRows {
    pub(crate) fn new(input: Box<dyn Read>) -> Result<CsvRows, FileError> {
        let mut decoded = DecodingReader::new(input);
        let head = decoded.peek(64 * 1024)?;
        if head.contains(&0) {
            return Err(FileError::NotTabular(
                "binary data (not a CSV text file or an XLSX workbook)".into(),
            ));
        }
        let delimiter = sniff_delimiter(head);
        let reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .delimiter(delimiter)
            .from_reader(decoded);
        Ok(CsvRows {
            reader,
            record: csv::StringRecord::new(),
            records: 0,
            failed: false,
        })
    }

    fn next_row(&mut self) -> Option<RawRow> {
        if self.failed {
            return None;
        }
        self.records += 1;
        match self.reader.read_record(&mut self.record) {
            Ok(false) => None,
            Ok(true) => {
                let cells = self.record.iter().map(csv_cell).collect();
                Some((self.records, Ok(cells)))
            }
            Err(e) => {
                self.failed = true;
                Some((self.records, Err(e.to_string())))
            }
        }
    }
}

/// Line breaks inside quoted cells are stored as `\n`, whatever the file used.
fn csv_cell(text: &str) -> Cell {
    if text.contains('\r') {
        Cell::Text(text.replace("\r\n", "\n"))
    } else {
        Cell::Text(text.to_string())
    }
}

/// Comma unless the first line clearly uses tabs or semicolons (Excel "Unicode text"
/// and European-locale CSV exports).
fn sniff_delimiter(head: &[u8]) -> u8 {
    let first_line = head.split(|b| *b == b'\n').next().unwrap_or(&[]);
    let count = |d: u8| first_line.iter().filter(|b| **b == d).count();
    let (commas, tabs, semicolons) = (count(b','), count(b'\t'), count(b';'));
    if tabs > commas && tabs >= semicolons {
        b'\t'
    } else if semicolons > commas {
        b';'
    } else {
        b','
    }
}

pub(crate) struct XlsxRows {
    range: Range<Data>,
    next: usize,
    /// Sheet row index of the range's first row (0-based).
    first_row: usize,
}

impl XlsxRows {
    /// Loads the first sheet; calamine needs the whole workbook in memory.
    pub(crate) fn new(bytes: Vec<u8>) -> Result<XlsxRows, FileError> {
        // calamine has panicked on malformed workbooks before; a bad upload must not
        // take the caller's process down with it.
        let loaded = std::panic::catch_unwind(move || first_sheet(bytes))
            .unwrap_or_else(|_| Err(FileError::Xlsx("malformed workbook".into())))?;
        let first_row = loaded.start().map_or(0, |(row, _)| row as usize);
        Ok(XlsxRows {
            range: loaded,
            next: 0,
            first_row,
        })
    }

    fn next_row(&mut self) -> Option<RawRow> {
        let (height, width) = self.range.get_size();
        if self.next >= height {
            return None;
        }
        let r = self.next;
        self.next += 1;
        let cells = (0..width)
            .map(|c| self.range.get((r, c)).map_or(Cell::EMPTY, Cell::from_xlsx))
            .collect();
        Some((self.first_row + r + 1, Ok(cells)))
    }
}

/// Most cells we let calamine hold for one sheet. It stores the rectangle spanning all
/// used cells densely (32 bytes a cell, twice while converting), so one stray value at
/// XFD1048576 would ask for 512 GiB and abort the process: no panic to catch. 2^24
/// cells (about 1 GiB at peak) is beyond any CRM export saved as XLSX; CSV streams.
const MAX_SHEET_CELLS: u64 = 1 << 24;

fn first_sheet(bytes: Vec<u8>) -> Result<Range<Data>, FileError> {
    let xlsx_error = |e: calamine::XlsxError| FileError::Xlsx(e.to_string());
    let mut workbook: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).map_err(xlsx_error)?;
    let Some(name) = workbook.sheet_names().first().cloned() else {
        return Err(FileError::NotTabular("the workbook has no sheets".into()));
    };
    check_extent(&mut workbook, &name)?;
    workbook.worksheet_range(&name).map_err(xlsx_error)
}

/// Measures the rectangle of non-empty cells (those calamine keeps) before calamine
/// allocates it. Errors are left to `worksheet_range`, which meets the same error
/// before allocating anything.
fn check_extent(workbook: &mut Xlsx<Cursor<Vec<u8>>>, sheet: &str) -> Result<(), FileError> {
    let Ok(mut cells) = workbook.worksheet_cells_reader(sheet) else {
        return Ok(());
    };
    let (mut top, mut bottom, mut left, mut right) = (u32::MAX, 0, u32::MAX, 0);
    while let Ok(Some(cell)) = cells.next_cell() {
        if matches!(cell.get_value(), DataRef::Empty) {
            continue;
        }
        let (row, column) = cell.get_position();
        (top, bottom) = (top.min(row), bottom.max(row));
        (left, right) = (left.min(column), right.max(column));
    }
    if top > bottom {
        return Ok(());
    }
    let rows = u64::from(bottom - top) + 1;
    let columns = u64::from(right - left) + 1;
    if rows * columns > MAX_SHEET_CELLS {
        return Err(FileError::Xlsx(format!(
            "the first sheet spans {rows} rows × {columns} columns, more than the \
             {MAX_SHEET_CELLS} cells read from XLSX; save it as CSV"
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::sniff_delimiter;

    #[test]
    fn delimiter_follows_the_header_line() {
        assert_eq!(sniff_delimiter(b"a,b,c\n1;2;3;4;5"), b',');
        assert_eq!(sniff_delimiter(b"a\tb\tc\n"), b'\t');
        assert_eq!(sniff_delimiter(b"a;b;c"), b';');
        assert_eq!(sniff_delimiter(b"name"), b',');
    }
}
