//! Cutting a file into parts that readers take side by side: where a row begins near an offset
//! ([`row_start`]). The first line feed after an offset may be inside a quoted field: the reader
//! of the part before then ends inside a row, and the join refuses the part (see
//! `engine::Pipeline::join`).

use super::{Dialect, LineEnding};

/// Whether a file in this dialect may be cut into parts: one byte per delimiter and line end
/// (UTF-8 or a single-byte encoding, not UTF-16), line ends that are line feeds, and a
/// delimiter that is not a quote or a line end.
pub fn can_cut(d: &Dialect) -> bool {
    matches!(d.line_ending, LineEnding::Lf | LineEnding::Crlf)
        && d.encoding.encoding().is_ascii_compatible()
        && !matches!(d.delimiter, b'"' | b'\r' | b'\n')
}

/// Bytes looked at past a nominal cut for a row's start (a row longer than this leaves the
/// cut out: the parts are fewer).
pub const WINDOW: usize = 64 * 1024;

/// The offset just after the first line feed in `window` (where a row begins, unless the line
/// feed is inside a quoted field).
pub fn row_start(window: &[u8]) -> Option<usize> {
    memchr::memchr(b'\n', window).map(|i| i + 1)
}

/// Where the next part of a file of `size` bytes begins, from the [`WINDOW`] bytes read at
/// offset `at` (a nominal cut): after the first line feed there, if that is past the previous
/// part's start `after` and before the end of the file. `None`: no cut here (fewer parts).
pub fn part_start(at: u64, window: &[u8], after: u64, size: u64) -> Option<u64> {
    let window = window.get(..WINDOW).unwrap_or(window);
    let start = at + row_start(window)? as u64;
    (start > after && start < size).then_some(start)
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn a_row_start_is_after_a_line_feed() {
        assert_eq!(row_start(b"abc\r\ndef"), Some(5));
        assert_eq!(row_start(b"abc"), None);
    }

    #[test]
    fn a_part_starts_after_the_one_before_and_before_the_end() {
        assert_eq!(part_start(100, b"ab\ncd", 0, 200), Some(103));
        // Not past the previous part's start, at the very end, or with no line feed.
        assert_eq!(part_start(100, b"ab\ncd", 103, 200), None);
        assert_eq!(part_start(100, b"ab\n", 0, 103), None);
        assert_eq!(part_start(100, b"abcd", 0, 200), None);
    }
}
