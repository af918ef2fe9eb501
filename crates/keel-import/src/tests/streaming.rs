use super::*;
use std::cell::Cell;
use std::io::Read;
use std::rc::Rc;

const ROWS: usize = 200_000;

/// Produces a deals CSV line by line, never holding the file.
struct GeneratedCsv {
    next_row: usize,
    line: Vec<u8>,
    pos: usize,
}

impl Read for GeneratedCsv {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.pos == self.line.len() {
            self.line = match self.next_row {
                0 => b"Deal Name,Amount,Stage,Closing Date\n".to_vec(),
                n if n <= ROWS => format!("交易 {n},\"¥{n}.50\",Won,2026-03-05\n").into_bytes(),
                _ => return Ok(0),
            };
            self.next_row += 1;
            self.pos = 0;
        }
        let n = buf.len().min(self.line.len() - self.pos);
        buf[..n].copy_from_slice(&self.line[self.pos..self.pos + n]);
        self.pos += n;
        Ok(n)
    }
}

#[derive(Default)]
struct Stats {
    consumed: Cell<usize>,
    largest_request: Cell<usize>,
}

/// Records how much the reader asks for per call and how much it has taken so far.
struct Counting<R> {
    inner: R,
    stats: Rc<Stats>,
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let stats = &self.stats;
        stats
            .largest_request
            .set(stats.largest_request.get().max(buf.len()));
        let n = self.inner.read(buf)?;
        stats.consumed.set(stats.consumed.get() + n);
        Ok(n)
    }
}

#[test]
fn csv_is_read_in_bounded_chunks() {
    let stats = Rc::new(Stats::default());
    let input = Counting {
        inner: GeneratedCsv {
            next_row: 0,
            line: Vec::new(),
            pos: 0,
        },
        stats: Rc::clone(&stats),
    };
    let mut reader = Reader::open(input, &options(Source::Zoho, Entity::Deals)).unwrap();
    let first = reader.next().unwrap().unwrap();
    assert_eq!(first.row(), 2);
    assert!(
        stats.consumed.get() < 1 << 20,
        "read {} bytes before the first record",
        stats.consumed.get()
    );

    let mut count = 1;
    let mut last_row = 0;
    for item in reader {
        let record = item.unwrap();
        count += 1;
        last_row = record.row();
    }
    assert_eq!(count, ROWS);
    assert_eq!(last_row, ROWS + 1);
    assert!(
        stats.consumed.get() > 5 << 20,
        "the whole file was consumed"
    );
    assert!(
        stats.largest_request.get() <= 64 * 1024,
        "largest read request: {} bytes",
        stats.largest_request.get()
    );
}
