//! Cutting a file into parts that readers take side by side: where a row begins near an offset
//! ([`row_start`]), and how many rows a part begins ([`count_rows`]), counted as [`RowReader`]
//! numbers them, so that the next part's reader can number its rows before the first part is
//! read. Nothing here is trusted blindly: a part's reader checks that it ended between rows and
//! that it began where the part before it ended (see `engine::Pipeline::join`).
//!
//! [`RowReader`]: super::RowReader

use super::{Dialect, LineEnding};

/// How a part of a file ends, as far as rows go.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PartCount {
    /// Rows begun in the part, blank ones included.
    pub rows: u32,
    /// Whether the part ends between two rows (after a line feed, outside quotes).
    pub between_rows: bool,
}

/// Whether a file in this dialect may be cut into parts: one byte per delimiter and line end
/// (UTF-8 or a single-byte encoding, not UTF-16), line ends that are line feeds, and a delimiter that is not a quote or a line end.
pub fn can_cut(d: &Dialect) -> bool {
    matches!(d.line_ending, LineEnding::Lf | LineEnding::Crlf)
        && d.encoding.encoding().is_ascii_compatible()
        && !matches!(d.delimiter, b'"' | b'\r' | b'\n')
}

/// Bytes looked at past a nominal cut for a row's start (a row longer than this leaves the
/// cut out: the parts are fewer).
pub const WINDOW: usize = 64 * 1024;

/// The offset just after the first line feed in `window` (where a row begins, unless the line
/// feed is inside a quoted field: [`count_rows`] of the part before tells).
pub fn row_start(window: &[u8]) -> Option<usize> {
    memchr::memchr(b'\n', window).map(|i| i + 1)
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum State {
    /// At the start of a row (blank lines are rows too).
    Row,
    Field,
    InField,
    Quoted,
    /// A quote inside a quoted field: the field's end, or the first of two.
    QuoteInQuoted,
}

/// Counts the rows begun in `bytes`, which begin at a row boundary: every line end outside
/// quotes ends a row (`\r\n` is one), as csv-core splits them (a quote opens a quoted field
/// only at a field's start).
pub fn count_rows(bytes: &[u8], delimiter: u8) -> PartCount {
    let mut rows = 0u32;
    let mut st = State::Row;
    let mut after_cr = false;
    let mut i = 0;
    while i < bytes.len() {
        if st == State::Row {
            // A line with no quote before its end is a row, whatever it holds.
            let rest = bytes.get(i..).unwrap_or(&[]);
            match memchr::memchr3(b'\n', b'\r', b'"', rest) {
                None => {
                    return PartCount {
                        rows: rows + 1,
                        between_rows: false,
                    }
                }
                Some(0) if rest[0] == b'\n' && after_cr => {
                    after_cr = false;
                    i += 1;
                    continue;
                }
                Some(p) if rest[p] != b'"' => {
                    rows += 1;
                    after_cr = rest[p] == b'\r';
                    i += p + 1;
                    continue;
                }
                Some(_) => {
                    // A quote on this line: byte by byte from its start.
                    rows += 1;
                    after_cr = false;
                    st = State::Field;
                }
            }
        }
        let b = bytes[i];
        i += 1;
        st = match (st, b) {
            (State::Quoted, b'"') => State::QuoteInQuoted,
            (State::Quoted, _) => State::Quoted,
            (State::QuoteInQuoted, b'"') => State::Quoted,
            (_, b'\r' | b'\n') => {
                after_cr = b == b'\r';
                State::Row
            }
            (_, d) if d == delimiter => State::Field,
            (State::Field, b'"') => State::Quoted,
            _ => State::InField,
        };
    }
    PartCount {
        rows,
        between_rows: st == State::Row && !after_cr,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::read::{Limits, RowReader};
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    fn reader_count(bytes: &[u8]) -> (u32, bool) {
        let d = Dialect {
            encoding: crate::read::TextEncoding::UTF_8,
            bom_len: 0,
            delimiter: b',',
            line_ending: LineEnding::Lf,
            has_header: false,
        };
        let mut r = RowReader::new(&d, Limits::default());
        r.feed(bytes, &mut |_| {});
        let between = r.between_rows();
        (r.rows_begun(), between)
    }

    #[test]
    fn counts_as_the_reader_numbers() {
        for text in [
            "a,b\n1,2\n",
            "a,b\r\n1,2\r\n\r\n",
            "a,b\n\n\n1,2",
            "\"x\ny\",b\n1,2\n",
            "\"x\"\"\ny\",b\n",
            "5'10\",b\n\"q\"x,y\n",
            "a,\"b\nc\n",
            "a,b\r",
            "a,b\r\n\r\r\n",
            "a,\"\",c\n\"\",\n",
            "",
        ] {
            let c = count_rows(text.as_bytes(), b',');
            assert_eq!(
                (c.rows, c.between_rows),
                reader_count(text.as_bytes()),
                "{text:?}"
            );
        }
    }

    #[test]
    fn a_row_start_is_after_a_line_feed() {
        assert_eq!(row_start(b"abc\r\ndef"), Some(5));
        assert_eq!(row_start(b"abc"), None);
    }
}
