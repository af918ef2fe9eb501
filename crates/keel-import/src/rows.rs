//! Raw rows from CSV (streamed) or XLSX (first sheet), with spreadsheet row numbers.

use crate::cell::Cell;
use crate::decode::DecodingReader;
use crate::error::FileError;
use calamine::{Data, Range, Reader as _, Xlsx};
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

fn first_sheet(bytes: Vec<u8>) -> Result<Range<Data>, FileError> {
    let xlsx_error = |e: calamine::XlsxError| FileError::Xlsx(e.to_string());
    let mut workbook: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).map_err(xlsx_error)?;
    match workbook.worksheet_range_at(0) {
        None => Err(FileError::NotTabular("the workbook has no sheets".into())),
        Some(range) => range.map_err(xlsx_error),
    }
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
