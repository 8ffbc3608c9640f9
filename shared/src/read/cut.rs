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
}
