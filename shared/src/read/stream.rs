//! The incremental reader: feed it chunks of bytes as they arrive (a browser reads a `File` slice
//! by slice), get complete rows back. Decoding (`encoding_rs`) and splitting (`csv-core`) both
//! keep their state between chunks, so a multi-byte character, a CRLF pair or a quoted field cut
//! by a chunk boundary reads exactly as if the file had come in one piece.
//!
//! Row numbers are those a spreadsheet shows: every line ending outside quotes starts a new row,
//! blank lines included (they are counted, then skipped), and a quoted field with line breaks
//! stays in one row.

use csv_core::{ReadRecordResult, Reader, ReaderBuilder};
use encoding_rs::{Decoder, WINDOWS_1252};

pub use super::row::{Row, RowBuf, RowProblem};
use super::{Dialect, Limits};
use crate::swar;

/// Rows kept for previews and inference.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Sample {
    pub headings: Option<Vec<String>>,
    /// (row number, cells)
    pub rows: Vec<(u32, Vec<String>)>,
}

/// Counters a caller can show as progress.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ReadStats {
    pub bytes_in: u64,
    pub rows: u32,
    pub blank_rows: u32,
    pub last_row_number: u32,
}

pub struct RowReader {
    csv: Reader,
    decoder: Option<Decoder>,
    decoded: Vec<u8>,
    bom_left: usize,
    limits: Limits,
    rec: Vec<u8>,
    ends: Vec<usize>,
    nout: usize,
    nend: usize,
    problem: Option<RowProblem>,
    at_record_start: bool,
    pending_cr: bool,
    row: u32,
    header_pending: bool,
    headings: Option<Vec<String>>,
    stats: ReadStats,
    fallback_text: String,
    fallback_ends: Vec<usize>,
    finished: bool,
    delimiter: u8,
    /// Whether quote-free rows may skip csv-core (not when the delimiter is a quote or a line
    /// end: then every row goes through csv-core).
    fast: bool,
    line_ends: Vec<usize>,
}

impl RowReader {
    pub fn new(dialect: &Dialect, limits: Limits) -> RowReader {
        let mut csv = ReaderBuilder::new()
            .delimiter(dialect.delimiter)
            .quote(b'"')
            .double_quote(true)
            .build();
        // csv-core strips a UTF-8 BOM at the start of the first input it sees. The BOM is
        // handled above it (`bom_len`), and with the fast path its first input may be any row:
        // feed it a blank line first, which it discards, so that it never strips anything.
        let _ = csv.read_record(b"\n", &mut [0u8; 1], &mut [0usize; 1]);
        let decoder = (!dialect.encoding.is_utf8()).then(|| {
            dialect
                .encoding
                .encoding()
                .new_decoder_without_bom_handling()
        });
        RowReader {
            csv,
            decoder,
            decoded: Vec::new(),
            bom_left: dialect.bom_len,
            limits,
            rec: vec![0; (16 * 1024).min(limits.max_row_bytes + 1)],
            ends: vec![0; 64.min(limits.max_fields + 1)],
            nout: 0,
            nend: 0,
            problem: None,
            at_record_start: true,
            pending_cr: false,
            row: 0,
            header_pending: dialect.has_header,
            headings: None,
            stats: ReadStats::default(),
            fallback_text: String::new(),
            fallback_ends: Vec::new(),
            finished: false,
            delimiter: dialect.delimiter,
            fast: !matches!(dialect.delimiter, b'"' | b'\r' | b'\n'),
            line_ends: Vec::new(),
        }
    }

    /// A reader for a part of a file that begins at a row boundary, its rows numbered from 1
    /// (the part's joiner moves them after the rows before it). The byte-order mark and the
    /// heading belong to the first part, read by [`RowReader::new`].
    pub fn part(dialect: &Dialect, limits: Limits) -> RowReader {
        RowReader::new(
            &Dialect {
                bom_len: 0,
                has_header: false,
                ..*dialect
            },
            limits,
        )
    }

    /// Rows begun so far, blank ones included: the number of the last row begun.
    pub fn rows_begun(&self) -> u32 {
        self.row
    }

    /// Whether everything fed so far ends between two rows (not inside one: a row's end not yet
    /// seen, or a quoted field left open) and not after a carriage return (whose line feed
    /// may follow). A part of a file must, to be joined to the next.
    pub fn between_rows(&self) -> bool {
        self.at_record_start && !self.pending_cr
    }

    /// The heading row, once it has been read (files with a heading only).
    pub fn headings(&self) -> Option<&[String]> {
        self.headings.as_deref()
    }

    pub fn take_headings(&mut self) -> Option<Vec<String>> {
        self.headings.take()
    }

    pub fn stats(&self) -> ReadStats {
        self.stats
    }

    /// Feeds the next chunk of the file; calls `sink` for every row it completes.
    pub fn feed(&mut self, mut chunk: &[u8], sink: &mut dyn FnMut(Row<'_>)) {
        self.stats.bytes_in += chunk.len() as u64;
        if self.bom_left > 0 {
            let skip = self.bom_left.min(chunk.len());
            self.bom_left -= skip;
            chunk = &chunk[skip..];
        }
        if chunk.is_empty() {
            return;
        }
        match self.decoder.as_mut() {
            None => self.parse(chunk, utf8_prefix(chunk), false, sink),
            Some(_) => {
                let decoded = self.decode(chunk, false);
                // Half a UTF-16 code unit decodes to nothing: that is not the end of the file.
                if !decoded.is_empty() {
                    self.parse(&decoded, utf8_prefix(&decoded), false, sink);
                }
                self.decoded = decoded;
            }
        }
    }

    /// Ends the file: flushes the last row (a file need not end with a line break).
    pub fn finish(&mut self, sink: &mut dyn FnMut(Row<'_>)) {
        if self.finished {
            return;
        }
        self.finished = true;
        if self.decoder.is_some() {
            let decoded = self.decode(&[], true);
            if !decoded.is_empty() {
                self.parse(&decoded, utf8_prefix(&decoded), false, sink);
            }
            self.decoded = decoded;
        }
        self.parse(&[], "", true, sink);
    }

    fn decode(&mut self, src: &[u8], last: bool) -> Vec<u8> {
        let mut out = std::mem::take(&mut self.decoded);
        out.clear();
        let Some(decoder) = self.decoder.as_mut() else {
            return out;
        };
        let need = decoder
            .max_utf8_buffer_length(src.len())
            .unwrap_or(src.len().saturating_mul(3) + 16);
        out.resize(need, 0);
        let (_, _, written, _) = decoder.decode_to_utf8(src, &mut out, last);
        out.truncate(written);
        out
    }

    /// Splits `inp` into rows; `eof` (with an empty `inp`) flushes the last row. An empty
    /// `inp` is the end of the file to csv-core, so it is never passed otherwise.
    /// `valid` is the longest prefix of `inp` known to be UTF-8: rows inside it need no
    /// check of their own.
    fn parse(&mut self, mut inp: &[u8], valid: &str, eof: bool, sink: &mut dyn FnMut(Row<'_>)) {
        let total = inp.len();
        debug_assert!(!eof || inp.is_empty());
        if inp.is_empty() && !eof {
            return;
        }
        loop {
            if self.at_record_start && !eof {
                while let Some(&b) = inp.first() {
                    match b {
                        b'\n' if self.pending_cr => self.pending_cr = false,
                        b'\r' | b'\n' => {
                            self.row = self.row.saturating_add(1);
                            self.stats.blank_rows += 1;
                            self.pending_cr = b == b'\r';
                        }
                        _ => break,
                    }
                    inp = &inp[1..];
                }
                if inp.is_empty() {
                    return;
                }
                self.pending_cr = false;
                self.at_record_start = false;
                self.row = self.row.saturating_add(1);
                if self.fast {
                    let text = valid.get(total - inp.len()..);
                    if let Some(n) = self.plain_row(inp, text, sink) {
                        inp = &inp[n..];
                        continue;
                    }
                }
            }
            let (res, nin, nout, nend) =
                self.csv
                    .read_record(inp, &mut self.rec[self.nout..], &mut self.ends[self.nend..]);
            let term = if nin > 0 { inp[nin - 1] } else { 0 };
            inp = &inp[nin..];
            self.nout += nout;
            self.nend += nend;
            match res {
                ReadRecordResult::InputEmpty => {
                    if inp.is_empty() {
                        return;
                    }
                }
                ReadRecordResult::OutputFull => {
                    if self.rec.len() <= self.limits.max_row_bytes {
                        let n = (self.rec.len() * 2).min(self.limits.max_row_bytes + 1);
                        self.rec.resize(n, 0);
                    } else {
                        self.problem.get_or_insert(RowProblem::TooLong {
                            limit: self.limits.max_row_bytes,
                        });
                        self.nout = 0;
                    }
                }
                ReadRecordResult::OutputEndsFull => {
                    if self.ends.len() <= self.limits.max_fields {
                        let n = (self.ends.len() * 2).min(self.limits.max_fields + 1);
                        self.ends.resize(n, 0);
                    } else {
                        self.problem.get_or_insert(RowProblem::TooManyFields {
                            limit: self.limits.max_fields,
                        });
                        self.nend = 0;
                    }
                }
                ReadRecordResult::Record => {
                    self.pending_cr = term == b'\r';
                    self.at_record_start = true;
                    self.emit(sink);
                    if eof {
                        return;
                    }
                }
                ReadRecordResult::End => return,
            }
        }
    }

    fn emit(&mut self, sink: &mut dyn FnMut(Row<'_>)) {
        let number = self.row;
        let (nout, nend) = (self.nout, self.nend);
        self.nout = 0;
        self.nend = 0;
        self.stats.last_row_number = number;
        if nout > self.limits.max_row_bytes {
            self.problem.get_or_insert(RowProblem::TooLong {
                limit: self.limits.max_row_bytes,
            });
        } else if nend > self.limits.max_fields {
            self.problem.get_or_insert(RowProblem::TooManyFields {
                limit: self.limits.max_fields,
            });
        }
        if let Some(problem) = self.problem.take() {
            self.header_pending = false;
            self.stats.rows += 1;
            sink(Row {
                number,
                text: "",
                ends: &[],
                sep: 0,
                problem: Some(problem),
                fallback_decoded: false,
            });
            return;
        }
        let rec = std::mem::take(&mut self.rec);
        let ends = std::mem::take(&mut self.ends);
        self.deliver(
            number,
            rec.get(..nout).unwrap_or(&[]),
            None,
            ends.get(..nend).unwrap_or(&[]),
            0,
            sink,
        );
        self.rec = rec;
        self.ends = ends;
    }

    /// The fast path for the usual row: no quote before its line end, and the line end inside
    /// `inp`. Such a row needs no unescaping, so it is split where it lies (a SIMD search for
    /// the delimiters) instead of being copied out byte by byte by csv-core; csv-core's
    /// state is "start of a record" before and after, so either path may read the next row.
    /// Returns the bytes consumed (the line end included), or `None` to let csv-core read it.
    fn plain_row(
        &mut self,
        inp: &[u8],
        text: Option<&str>,
        sink: &mut dyn FnMut(Row<'_>),
    ) -> Option<usize> {
        let pos = memchr::memchr3(b'\n', b'\r', b'"', inp)?;
        let term = *inp.get(pos)?;
        if term == b'"' {
            return None;
        }
        let line = inp.get(..pos)?;
        let mut buf = std::mem::take(&mut self.line_ends);
        if buf.len() < line.len() + POSITIONS_SLACK {
            buf.resize(line.len() + POSITIONS_SLACK, 0);
        }
        let n = positions(line, self.delimiter, &mut buf);
        buf[n] = line.len();
        let ends = &buf[..=n];
        // Rows over a limit take csv-core's path, which reports them.
        let within = ends.len() <= self.limits.max_fields
            && line.len() - (ends.len() - 1) <= self.limits.max_row_bytes;
        if within {
            self.pending_cr = term == b'\r';
            self.at_record_start = true;
            self.stats.last_row_number = self.row;
            let line_text = text.and_then(|t| t.get(..pos));
            self.deliver(self.row, line, line_text, ends, 1, sink);
        }
        self.line_ends = buf;
        within.then_some(pos + 1)
    }

    /// Hands a split row to `sink` (or keeps it as the heading): skips blank rows, checks
    /// UTF-8 and falls back to Windows-1252 for a row that is not.
    fn deliver(
        &mut self,
        number: u32,
        bytes: &[u8],
        text: Option<&str>,
        ends: &[usize],
        sep: usize,
        sink: &mut dyn FnMut(Row<'_>),
    ) {
        let delim = self.delimiter;
        if bytes
            .iter()
            .all(|&b| b.is_ascii_whitespace() || (sep == 1 && b == delim))
        {
            self.stats.blank_rows += 1;
            return;
        }
        let checked = match text {
            Some(t) => Some(t),
            // csv-core's copy has the delimiters taken out: the fields must each be UTF-8, not
            // just their concatenation (`\xef,\xa9\xa9` would join into one character).
            None => simdutf8::basic::from_utf8(bytes)
                .ok()
                .filter(|t| ends.iter().all(|&e| t.is_char_boundary(e))),
        };
        let (text, ends, fallback): (&str, &[usize], bool) = match checked {
            Some(t) => (t, ends, false),
            None => {
                // Not UTF-8 although the file's start was: decode this row's fields as
                // Windows-1252 (the usual culprit) and say so.
                self.fallback_text.clear();
                self.fallback_ends.clear();
                let mut start = 0;
                for &end in ends {
                    let (s, _) = WINDOWS_1252
                        .decode_without_bom_handling(bytes.get(start..end).unwrap_or(&[]));
                    self.fallback_text.push_str(&s);
                    self.fallback_ends.push(self.fallback_text.len());
                    start = end + sep;
                }
                (&self.fallback_text, &self.fallback_ends, true)
            }
        };
        let sep = if fallback { 0 } else { sep };
        let row = Row {
            number,
            text,
            ends,
            sep,
            problem: None,
            fallback_decoded: fallback,
        };
        if self.header_pending {
            self.header_pending = false;
            self.headings = Some(row.iter().map(|s| s.trim().to_owned()).collect());
            return;
        }
        self.stats.rows += 1;
        sink(row);
    }
}

/// The longest prefix of `b` that is valid UTF-8 (a chunk may end inside a character, and a
/// stray byte of another encoding ends it early: rows past it are checked one by one).
fn utf8_prefix(b: &[u8]) -> &str {
    // The fast check first; the one that says where it stopped only when it fails.
    if let Ok(s) = simdutf8::basic::from_utf8(b) {
        return s;
    }
    match simdutf8::compat::from_utf8(b) {
        Ok(s) => s,
        Err(e) => b
            .get(..e.valid_up_to())
            .and_then(|p| simdutf8::basic::from_utf8(p).ok())
            .unwrap_or(""),
    }
}

/// Room `positions` needs in `out` beyond one entry per byte of `hay`.
const POSITIONS_SLACK: usize = 2 * BLOCK_HITS + 2;
/// Positions written per 64-byte block without looking at how many there are.
const BLOCK_HITS: usize = 8;

/// Writes the position of every `byte` in `hay` into `out` (which has room for
/// `hay.len() + POSITIONS_SLACK`) and returns how many there are. Eight bytes at a time (SWAR:
/// a row's fields are a few bytes apart, too close for a SIMD search per field to pay for its
/// set-up), gathered into one bit per byte for each 64-byte block, whose set bits are then
/// written out eight at a time without a branch on how many there are (the way simdjson
/// flattens its bitmaps): the usual block holds fewer than nine.
fn positions(hay: &[u8], byte: u8, out: &mut [usize]) -> usize {
    debug_assert!(out.len() >= hay.len() + POSITIONS_SLACK);
    let mut n = 0;
    let mut blocks = hay.chunks_exact(64);
    let mut base = 0;
    for block in &mut blocks {
        let mut mask = 0u64;
        for i in 0..8 {
            mask |= swar::mask(swar::eq_lanes(swar::load::<8>(block, 8 * i), byte)) << (8 * i);
        }
        n = flatten(mask, base, out, n);
        base += 64;
    }
    let tail = blocks.remainder();
    let mut mask = 0u64;
    let full = tail.len() / 8 * 8;
    for i in 0..full / 8 {
        mask |= swar::mask(swar::eq_lanes(swar::load::<8>(tail, 8 * i), byte)) << (8 * i);
    }
    let rest = tail.len() - full;
    if rest > 0 {
        if hay.len() >= 8 {
            // The last eight bytes, the ones already seen shifted out: no loop of a varying
            // length.
            let last = swar::mask(swar::eq_lanes(swar::load::<8>(hay, hay.len() - 8), byte));
            mask |= (last >> (8 - rest)) << full;
        } else {
            for (i, &b) in tail.iter().enumerate() {
                mask |= u64::from(b == byte) << i;
            }
        }
    }
    flatten(mask, base, out, n)
}

/// Appends `base +` the index of each set bit of `mask` to `out[n..]`; returns the new `n`.
fn flatten(mut mask: u64, base: usize, out: &mut [usize], n: usize) -> usize {
    let count = mask.count_ones() as usize;
    // Eight entries whatever the count (the extra ones are overwritten later or ignored:
    // `out` has room), then eight more, then one at a time.
    for slot in &mut out[n..n + BLOCK_HITS] {
        *slot = base + mask.trailing_zeros() as usize;
        mask &= mask.wrapping_sub(1);
    }
    if count > BLOCK_HITS {
        for slot in &mut out[n + BLOCK_HITS..n + 2 * BLOCK_HITS] {
            *slot = base + mask.trailing_zeros() as usize;
            mask &= mask.wrapping_sub(1);
        }
        let mut i = n + 2 * BLOCK_HITS;
        while mask != 0 {
            out[i] = base + mask.trailing_zeros() as usize;
            mask &= mask - 1;
            i += 1;
        }
    }
    n + count
}

#[cfg(test)]
#[path = "stream_tests.rs"]
mod tests;
