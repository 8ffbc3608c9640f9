//! The reader's tests: both paths, every cut, every line ending.

use super::*;
use crate::read::{LineEnding, TextEncoding};
#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

fn dialect(delim: u8) -> Dialect {
    Dialect {
        encoding: TextEncoding::UTF_8,
        bom_len: 0,
        delimiter: delim,
        line_ending: LineEnding::Lf,
        has_header: false,
    }
}

fn rows(input: &[u8], chunk: usize) -> Vec<(u32, Vec<String>)> {
    let mut r = RowReader::new(&dialect(b','), Limits::default());
    let mut out = Vec::new();
    for c in input.chunks(chunk.max(1)) {
        r.feed(c, &mut |row| out.push((row.number, row.to_vec())));
    }
    r.finish(&mut |row| out.push((row.number, row.to_vec())));
    out
}

fn v(cells: &[&str]) -> Vec<String> {
    cells.iter().map(|s| s.to_string()).collect()
}

#[test]
fn positions_finds_every_byte() {
    let hay: Vec<u8> = (0..200u32)
        .map(|i| [b',', b'a', 0xAC, 0x2C ^ 0x80][(i * i % 7 % 4) as usize])
        .collect();
    for start in 0..80 {
        let h = &hay[start..];
        let mut out = vec![0; h.len() + POSITIONS_SLACK];
        let n = positions(h, b',', &mut out);
        let got = out[..n].to_vec();
        let want: Vec<usize> = (0..h.len()).filter(|&i| h[i] == b',').collect();
        assert_eq!(got, want);
    }
}

#[test]
fn line_endings_and_blank_lines_keep_spreadsheet_row_numbers() {
    for input in [
        &b"a,b\n\nc,d\n"[..],
        b"a,b\r\n\r\nc,d\r\n",
        b"a,b\r\rc,d\r",
        b"a,b\r\n\nc,d",
    ] {
        for chunk in [1, 2, 3, 100] {
            assert_eq!(
                rows(input, chunk),
                vec![(1, v(&["a", "b"])), (3, v(&["c", "d"]))],
                "{input:?} in chunks of {chunk}"
            );
        }
    }
}

#[test]
fn quoted_line_breaks_stay_in_one_row() {
    let input = b"\"x\r\ny\",\"a \"\"q\"\", b\"\r\nz,w\r\n";
    for chunk in 1..8 {
        assert_eq!(
            rows(input, chunk),
            vec![(1, v(&["x\r\ny", "a \"q\", b"])), (2, v(&["z", "w"]))]
        );
    }
}

#[test]
fn whitespace_only_and_empty_field_rows_are_skipped_but_counted() {
    assert_eq!(
        rows(b"a\n,,,\n  \nb\n", 5),
        vec![(1, v(&["a"])), (4, v(&["b"]))]
    );
}

#[test]
fn invalid_utf8_row_is_read_as_windows_1252_and_flagged() {
    let mut r = RowReader::new(&dialect(b','), Limits::default());
    let mut out = Vec::new();
    r.feed(b"ok,1\nJ\xFCrgen,2\n", &mut |row| {
        out.push((row.to_vec(), row.fallback_decoded))
    });
    r.finish(&mut |_| {});
    assert_eq!(
        out,
        vec![(v(&["ok", "1"]), false), (v(&["Jürgen", "2"]), true)]
    );
}

#[test]
fn fields_that_join_into_a_character_are_each_read_as_windows_1252() {
    // `\xef` and `\xa9\xa9` are not UTF-8, but side by side they would be one character.
    for input in [&b"a\xef,\xa9\xa9\n"[..], b"\"a\xef\",\xa9\xa9\n"] {
        for chunk in [1, 100] {
            assert_eq!(
                rows(input, chunk),
                vec![(1, v(&["aï", "©©"]))],
                "{input:?} in chunks of {chunk}"
            );
        }
    }
}

#[test]
fn oversized_rows_are_reported_not_kept() {
    let limits = Limits {
        max_row_bytes: 64,
        max_fields: 4,
        ..Limits::default()
    };
    let mut r = RowReader::new(&dialect(b','), limits);
    let mut out = Vec::new();
    let long = format!("{}\n1,2,3,4,5,6\nok\n", "x".repeat(500));
    for c in long.as_bytes().chunks(7) {
        r.feed(c, &mut |row| out.push((row.number, row.problem, row.len())));
    }
    r.finish(&mut |row| out.push((row.number, row.problem, row.len())));
    assert_eq!(
        out,
        vec![
            (1, Some(RowProblem::TooLong { limit: 64 }), 0),
            (2, Some(RowProblem::TooManyFields { limit: 4 }), 0),
            (3, None, 1)
        ]
    );
}
