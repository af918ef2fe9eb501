//! Streaming conversion of the input bytes (UTF-8, with or without BOM, or GB18030/GBK)
//! into UTF-8, in bounded chunks.
//!
//! Why our own reader instead of `encoding_rs_io`: the encoding has to be chosen from
//! the data, and a fixed-size sniff window misjudges files whose first kilobytes are
//! pure ASCII (English headers, ids, numbers) and whose Chinese text comes later.
//! ASCII means the same in both encodings, so we pass it through untouched and
//! decide only at the first non-ASCII byte: if the bytes from there on (at least
//! [`SNIFF`] of them, or up to end of file) are valid UTF-8 we use UTF-8, otherwise
//! GB18030 (a superset of GBK). The remaining risk is a file that is valid UTF-8 at
//! its first non-ASCII text and GBK later; those later bytes become U+FFFD.

use encoding_rs::{Decoder, Encoding, GB18030, UTF_8};
use std::io::{self, Read};

/// Bytes requested from the input per read call.
const CHUNK: usize = 64 * 1024;
/// Bytes after the first non-ASCII byte we want to see before deciding.
const SNIFF: usize = 4 * 1024;

pub(crate) struct DecodingReader<R> {
    inner: R,
    /// Reused read buffer, so each read call costs only the bytes it returns.
    chunk: Vec<u8>,
    /// Raw bytes read but not yet decoded.
    pending: Vec<u8>,
    /// Decoded UTF-8 not yet handed out; `out[out_pos..]` is unread.
    out: Vec<u8>,
    out_pos: usize,
    decoder: Option<Decoder>,
    /// Bytes passed through before a decoder was chosen.
    passed: usize,
    eof: bool,
    finished: bool,
}

impl<R: Read> DecodingReader<R> {
    pub(crate) fn new(inner: R) -> Self {
        DecodingReader {
            inner,
            chunk: vec![0; CHUNK],
            pending: Vec::new(),
            out: Vec::new(),
            out_pos: 0,
            decoder: None,
            passed: 0,
            eof: false,
            finished: false,
        }
    }

    /// Decoded bytes available without consuming them: at least one full line or
    /// `want` bytes, unless the input ends first.
    pub(crate) fn peek(&mut self, want: usize) -> io::Result<&[u8]> {
        loop {
            let unread = &self.out[self.out_pos..];
            if self.finished || unread.len() >= want || unread.contains(&b'\n') {
                return Ok(&self.out[self.out_pos..]);
            }
            self.fill()?;
        }
    }

    /// Reads one more chunk from the input and decodes what can be decoded.
    fn fill(&mut self) -> io::Result<()> {
        self.out.drain(..self.out_pos);
        self.out_pos = 0;
        if !self.eof {
            self.read_chunk()?;
        }
        if self.decoder.is_none() && !self.choose_decoder() {
            return Ok(());
        }
        self.decode();
        Ok(())
    }

    fn read_chunk(&mut self) -> io::Result<()> {
        let n = loop {
            match self.inner.read(&mut self.chunk) {
                Ok(n) => break n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            }
        };
        self.pending.extend_from_slice(&self.chunk[..n]);
        self.eof = n == 0;
        Ok(())
    }

    /// Passes ASCII through until the encoding can be decided; true once a decoder exists.
    fn choose_decoder(&mut self) -> bool {
        let Some(first) = self.pending.iter().position(|b| !b.is_ascii()) else {
            self.passed += self.pending.len();
            self.out.append(&mut self.pending);
            self.finished = self.eof;
            return false;
        };
        if self.pending.len() - first < SNIFF && !self.eof {
            self.passed += first;
            self.out.extend(self.pending.drain(..first));
            return false;
        }
        let encoding = detect(&self.pending[first..], self.eof);
        self.decoder = Some(if self.passed + first == 0 {
            // At the very start a BOM may be present: let encoding_rs strip or honour it.
            encoding.new_decoder()
        } else {
            encoding.new_decoder_without_bom_handling()
        });
        true
    }

    fn decode(&mut self) {
        let Some(decoder) = self.decoder.as_mut() else {
            return;
        };
        let room = decoder
            .max_utf8_buffer_length(self.pending.len())
            .unwrap_or(self.pending.len() * 3 + 16);
        let start = self.out.len();
        self.out.resize(start + room, 0);
        let (_, read, written, _) =
            decoder.decode_to_utf8(&self.pending, &mut self.out[start..], self.eof);
        self.out.truncate(start + written);
        self.pending.drain(..read);
        self.finished = self.eof && self.pending.is_empty();
    }
}

/// UTF-8 if `bytes` (starting at the first non-ASCII byte) are valid UTF-8, allowing a
/// sequence cut off at the end of the window; GB18030 otherwise.
fn detect(bytes: &[u8], eof: bool) -> &'static Encoding {
    match std::str::from_utf8(bytes) {
        Ok(_) => UTF_8,
        Err(e) if e.error_len().is_none() && !eof => UTF_8,
        Err(_) => GB18030,
    }
}

impl<R: Read> Read for DecodingReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        while self.out_pos == self.out.len() {
            if self.finished || buf.is_empty() {
                return Ok(0);
            }
            self.fill()?;
        }
        let unread = &self.out[self.out_pos..];
        let n = unread.len().min(buf.len());
        buf[..n].copy_from_slice(&unread[..n]);
        self.out_pos += n;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode_all(bytes: &[u8]) -> String {
        let mut s = String::new();
        DecodingReader::new(bytes).read_to_string(&mut s).unwrap();
        s
    }

    #[test]
    fn utf8_bom_is_removed() {
        assert_eq!(decode_all(b"\xEF\xBB\xBFname\n\xE5\xBC\xA0"), "name\n张");
    }

    #[test]
    fn gbk_after_long_ascii_prefix_is_detected() {
        let (gbk, _, _) = encoding_rs::GBK.encode("客户名称,金额\n华为,100\n");
        let mut bytes = vec![b'a'; 200_000];
        bytes.push(b'\n');
        bytes.extend_from_slice(&gbk);
        let text = decode_all(&bytes);
        assert!(
            text.ends_with("客户名称,金额\n华为,100\n"),
            "{}",
            &text[200_000..]
        );
    }

    #[test]
    fn one_byte_reads_still_decode_multibyte_text() {
        struct Trickle<'a>(&'a [u8]);
        impl Read for Trickle<'_> {
            fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
                let Some((first, rest)) = self.0.split_first() else {
                    return Ok(0);
                };
                buf[0] = *first;
                self.0 = rest;
                Ok(1)
            }
        }
        let text = "名称,电话\n张三,138\n".repeat(500);
        let mut out = String::new();
        DecodingReader::new(Trickle(text.as_bytes()))
            .read_to_string(&mut out)
            .unwrap();
        assert_eq!(out, text);
        let (gbk, _, _) = encoding_rs::GBK.encode(&text);
        out.clear();
        DecodingReader::new(Trickle(&gbk))
            .read_to_string(&mut out)
            .unwrap();
        assert_eq!(out, text);
    }
}
