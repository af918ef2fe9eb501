//! The public entry point: open a file, then iterate its records.

use crate::assemble::assemble;
use crate::error::{FileError, RowError, codes};
use crate::layout::Layout;
use crate::options::{Entity, Options};
use crate::records::Record;
use crate::row_view::RowView;
use crate::rows::{CsvRows, Rows, XlsxRows};
use std::io::{Cursor, Read};

/// Every XLSX file is a zip archive, whatever its name.
const ZIP_MAGIC: &[u8] = b"PK\x03\x04";
/// Legacy binary Office files (.xls), which we do not read.
const OLE_MAGIC: &[u8] = b"\xD0\xCF\x11\xE0";

/// Reads one export file row by row; yields one item per non-blank data row.
pub struct Reader {
    rows: Rows,
    layout: Layout,
    entity: Entity,
}

impl Reader {
    /// Detects the format (XLSX by its zip signature, else CSV text in UTF-8 or
    /// GB18030), reads the header row and maps its columns. CSV is streamed in
    /// bounded chunks; an XLSX workbook is read whole, as calamine requires.
    pub fn open(input: impl Read + 'static, opts: &Options) -> Result<Reader, FileError> {
        let mut input: Box<dyn Read> = Box::new(input);
        let magic = read_prefix(&mut input, ZIP_MAGIC.len())?;
        let mut rows = if magic == ZIP_MAGIC {
            let mut bytes = magic;
            input.read_to_end(&mut bytes)?;
            Rows::Xlsx(XlsxRows::new(bytes)?)
        } else if magic == OLE_MAGIC {
            return Err(FileError::NotTabular(
                "legacy .xls workbook; save it as .xlsx or CSV".into(),
            ));
        } else {
            Rows::Csv(Box::new(CsvRows::new(Box::new(
                Cursor::new(magic).chain(input),
            ))?))
        };
        let headers = rows.header()?;
        let layout = Layout::new(headers, opts)?;
        Ok(Reader {
            rows,
            layout,
            entity: opts.entity,
        })
    }

    /// The header row as written in the file (each name trimmed).
    pub fn headers(&self) -> &[String] {
        &self.layout.headers
    }

    /// Headers that fill no field (custom columns); their values are ignored.
    pub fn unmapped_columns(&self) -> &[String] {
        &self.layout.unmapped
    }
}

impl Iterator for Reader {
    type Item = Result<Record, RowError>;

    fn next(&mut self) -> Option<Self::Item> {
        let (row, cells) = self.rows.next_row()?;
        Some(match cells {
            Ok(cells) => assemble(&RowView::new(row, &cells, &self.layout), self.entity),
            Err(message) => Err(RowError {
                row,
                column: String::new(),
                code: codes::READ_ERROR,
                value: message,
            }),
        })
    }
}

/// Up to `len` bytes from the start of the input (fewer only at end of file).
fn read_prefix(input: &mut dyn Read, len: usize) -> Result<Vec<u8>, FileError> {
    let mut prefix = Vec::with_capacity(len);
    input.take(len as u64).read_to_end(&mut prefix)?;
    Ok(prefix)
}
