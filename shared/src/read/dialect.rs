//! Delimiter, line ending and heading row, detected from a sample of the file's first records.
//! Each candidate delimiter is tried with the real reader ([`RowReader`]), so detection and
//! reading can never disagree about quoting.

use serde::{Deserialize, Serialize};

use super::encoding::{self, TextEncoding};
use super::stream::{RowReader, Sample};
use super::{Limits, ReadError, ReadOptions};
use crate::fields::{field_for_heading, Email, Grade};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum LineEnding {
    #[serde(rename = "CRLF")]
    Crlf,
    #[serde(rename = "LF")]
    Lf,
    #[serde(rename = "CR")]
    Cr,
    /// One line, no line break at all.
    #[serde(rename = "none")]
    None,
}

/// How a file is written: everything the reader needs, all detected and all overridable.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Dialect {
    pub encoding: TextEncoding,
    /// Bytes of byte-order mark to skip at the start of the file.
    pub bom_len: usize,
    pub delimiter: u8,
    pub line_ending: LineEnding,
    pub has_header: bool,
}

impl Dialect {
    /// The dialect in words, as the CLI and the browser say it: "UTF-8 with BOM, “;” delimited,
    /// CRLF line ends, row 1 is a heading".
    pub fn describe(&self) -> String {
        let delim = match self.delimiter {
            b'\t' => "tab".to_owned(),
            x => format!("“{}”", x as char),
        };
        let ends = match self.line_ending {
            LineEnding::Lf => "LF",
            LineEnding::Crlf => "CRLF",
            LineEnding::Cr => "CR",
            LineEnding::None => "no",
        };
        format!(
            "{}{}, {delim} delimited, {ends} line ends, {}",
            self.encoding.name(),
            if self.bom_len > 0 { " with BOM" } else { "" },
            if self.has_header {
                "row 1 is a heading"
            } else {
                "no heading row"
            }
        )
    }
}

pub const DELIMITERS: [u8; 4] = [b',', b';', b'\t', b'|'];
const SAMPLE_ROWS: usize = 200;
/// Bytes fed to the sample's reader at a time.
const SAMPLE_PIECE: usize = 16 * 1024;

/// Detects the dialect from the file's first bytes (`complete`: they are the whole file) and
/// returns it with the sample rows it saw (heading split off when there is one).
pub fn detect(
    prefix: &[u8],
    complete: bool,
    opts: &ReadOptions,
    limits: Limits,
) -> Result<(Dialect, Sample), ReadError> {
    if prefix.iter().all(u8::is_ascii_whitespace) && complete {
        return Err(ReadError::Empty);
    }
    let det = encoding::detect(prefix, complete)?;
    let (encoding, bom_len) = match opts.encoding {
        Some(e) if e != det.encoding => {
            // An override: skip a BOM only if it is this encoding's.
            let bom = encoding_rs::Encoding::for_bom(prefix)
                .filter(|(enc, _)| *enc == e.encoding())
                .map_or(0, |(_, n)| n);
            (e, bom)
        }
        _ => (det.encoding, det.bom_len),
    };
    let text = {
        let body = prefix.get(bom_len..).unwrap_or(&[]);
        let (t, _) = encoding.encoding().decode_without_bom_handling(body);
        t.into_owned()
    };
    if text.trim().is_empty() && complete {
        return Err(ReadError::Empty);
    }
    let mut base = Dialect {
        encoding,
        bom_len,
        delimiter: b',',
        line_ending: line_ending(&text),
        has_header: false,
    };
    base.delimiter = match opts.delimiter {
        Some(d) => d,
        None => best_delimiter(prefix, complete, base, limits),
    };
    let mut sample = read_sample(prefix, complete, base, limits);
    base.has_header = match opts.has_header {
        Some(h) => h,
        None => looks_like_heading(&sample.rows),
    };
    if base.has_header && !sample.rows.is_empty() {
        let (_, first) = sample.rows.remove(0);
        sample.headings = Some(first.into_iter().map(|s| s.trim().to_owned()).collect());
    }
    Ok((base, sample))
}

/// Reads up to `SAMPLE_ROWS` rows of the prefix; a last row that the prefix may have cut is
/// dropped unless the prefix is the whole file.
fn read_sample(prefix: &[u8], complete: bool, dialect: Dialect, limits: Limits) -> Sample {
    let mut reader = RowReader::new(
        &Dialect {
            has_header: false,
            ..dialect
        },
        limits,
    );
    let mut rows = Vec::new();
    let keep = |rows: &mut Vec<(u32, Vec<String>)>, row: super::Row<'_>| {
        if rows.len() <= SAMPLE_ROWS {
            rows.push((row.number, row.to_vec()));
        }
    };
    // Fed a piece at a time, and no further once the sample is full: each delimiter is tried
    // on a few hundred rows, not on the whole prefix (reading does not depend on where the
    // input is cut).
    let mut full = false;
    for piece in prefix.chunks(SAMPLE_PIECE) {
        reader.feed(piece, &mut |row| keep(&mut rows, row));
        if rows.len() > SAMPLE_ROWS {
            full = true;
            break;
        }
    }
    if complete && !full {
        reader.finish(&mut |row| keep(&mut rows, row));
    } else if rows.len() > 1 {
        rows.pop();
    }
    rows.truncate(SAMPLE_ROWS);
    Sample {
        headings: None,
        rows,
    }
}

/// The delimiter that splits the sample into the most consistent rows of more than one field.
fn best_delimiter(prefix: &[u8], complete: bool, base: Dialect, limits: Limits) -> u8 {
    let mut best = (0usize, b',');
    for d in DELIMITERS {
        let sample = read_sample(
            prefix,
            complete,
            Dialect {
                delimiter: d,
                ..base
            },
            limits,
        );
        let counts: Vec<usize> = sample.rows.iter().map(|(_, r)| r.len()).collect();
        let Some(mode) = mode(&counts) else { continue };
        if mode < 2 {
            continue;
        }
        let agree = counts.iter().filter(|&&c| c == mode).count();
        // Consistency first, then more columns.
        let score = agree * 1000 + mode.min(999);
        if score > best.0 {
            best = (score, d);
        }
    }
    best.1
}

fn mode(counts: &[usize]) -> Option<usize> {
    let mut sorted = counts.to_vec();
    sorted.sort_unstable();
    let mut best: Option<(usize, usize)> = None;
    for chunk in sorted.chunk_by(|a, b| a == b) {
        if best.is_none_or(|(_, n)| chunk.len() > n) {
            best = Some((chunk[0], chunk.len()));
        }
    }
    best.map(|(v, _)| v)
}

/// The first line ending outside quotes.
fn line_ending(text: &str) -> LineEnding {
    let b = text.as_bytes();
    let mut quoted = false;
    for (i, &c) in b.iter().enumerate() {
        match c {
            b'"' => quoted = !quoted,
            b'\r' if !quoted => {
                return if b.get(i + 1) == Some(&b'\n') {
                    LineEnding::Crlf
                } else {
                    LineEnding::Cr
                }
            }
            b'\n' if !quoted => return LineEnding::Lf,
            _ => {}
        }
    }
    LineEnding::None
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Empty,
    Email,
    Number,
    Grade,
    Text,
    Other,
}

fn kind(cell: &str) -> Kind {
    let s = cell.trim();
    if s.is_empty() {
        Kind::Empty
    } else if Email::is_valid(s) {
        Kind::Email
    } else if s.bytes().all(|c| c.is_ascii_digit()) {
        Kind::Number
    } else if Grade::parse(s).is_ok() {
        Kind::Grade
    } else if s.chars().all(|c| c.is_alphabetic() || " '-.".contains(c)) {
        Kind::Text
    } else {
        Kind::Other
    }
}

/// Is the first row a heading? Known headings decide at once; otherwise each column votes by
/// whether its first cell is of a different kind than the cells below it.
fn looks_like_heading(rows: &[(u32, Vec<String>)]) -> bool {
    let Some((_, first)) = rows.first() else {
        return false;
    };
    let mut known: Vec<_> = first.iter().filter_map(|h| field_for_heading(h)).collect();
    known.sort_unstable();
    known.dedup();
    if known.len() >= 2 || (known.len() == 1 && first.len() <= 2) {
        return true;
    }
    if first
        .iter()
        .any(|c| matches!(kind(c), Kind::Email | Kind::Number))
    {
        return false;
    }
    let rest = &rows[1..];
    if rest.is_empty() {
        return known.len() == first.len() && !known.is_empty();
    }
    let (mut header, mut data) = (0, 0);
    for (j, cell) in first.iter().enumerate() {
        let head = kind(cell);
        let mut kinds = [0usize; 6];
        let mut n = 0;
        for (_, r) in rest {
            let k = r.get(j).map_or(Kind::Empty, |c| kind(c));
            if k != Kind::Empty {
                kinds[k as usize] += 1;
                n += 1;
            }
        }
        if n == 0 {
            continue;
        }
        let (top, count) = kinds
            .iter()
            .enumerate()
            .max_by_key(|(_, c)| **c)
            .map_or((0, 0), |(i, c)| (i, *c));
        if count * 10 < n * 8 {
            continue;
        }
        if top == head as usize {
            // A text column under a text heading says nothing: names look like headings.
            data += usize::from(head != Kind::Text);
        } else if head != Kind::Empty {
            header += 1;
        }
    }
    header > data
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    fn sniff(s: &str) -> Dialect {
        detect(
            s.as_bytes(),
            true,
            &ReadOptions::default(),
            Limits::default(),
        )
        .map(|(d, _)| d)
        .expect("readable")
    }

    #[test]
    fn delimiters() {
        assert_eq!(sniff("a;b;c\n1;2;3\n").delimiter, b';');
        assert_eq!(sniff("a\tb\n1\t2\n").delimiter, b'\t');
        assert_eq!(sniff("a|b\n1|2\n").delimiter, b'|');
        assert_eq!(sniff("\"x;y\",b\n\"1;2\",3\n").delimiter, b',');
        assert_eq!(sniff("name\nAnn\n").delimiter, b',');
    }

    #[test]
    fn line_endings() {
        assert_eq!(sniff("a,b\r\n1,2\r\n").line_ending, LineEnding::Crlf);
        assert_eq!(sniff("a,b\r1,2\r").line_ending, LineEnding::Cr);
        assert_eq!(sniff("\"a\r\nb\",c\n1,2\n").line_ending, LineEnding::Lf);
        assert_eq!(sniff("a,b").line_ending, LineEnding::None);
    }

    #[test]
    fn headings() {
        assert!(sniff("First Name,Last Name,Email\nAnn,Lee,a@b.org\n").has_header);
        assert!(!sniff("a@b.org,Lee,Ann,0,3\nc@d.org,Kim,Bo,1,\n").has_header);
        assert!(sniff("Nom,Prénom,Courriel\nLee,Ann,a@b.org\nKim,Bo,c@d.org\n").has_header);
        assert!(!sniff("Lee,Ann,x\nKim,Bo,y\n").has_header);
    }

    #[test]
    fn empty_files_are_refused() {
        let r = detect(b"  \r\n", true, &ReadOptions::default(), Limits::default());
        assert_eq!(r.map(|_| ()), Err(ReadError::Empty));
    }
}
