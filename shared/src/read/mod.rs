//! Bytes → rows. Reading never fails on content: a file either cannot be read at all (empty, not
//! text: [`ReadError`]) or it yields rows, each with the row number a spreadsheet shows.
//!
//! * [`encoding`]: which text encoding the bytes are in (BOM, UTF-8 validity, then a scored
//!   choice between Windows-1252 and Mac Roman over the whole sample).
//! * [`dialect`]: delimiter, line ending, heading row — from a sample of records.
//! * [`cut`]: where a file may be cut into parts read side by side.
//! * [`stream`]: the incremental reader: feed chunks, get rows; the result does not depend on
//!   where the chunks are cut.

pub mod cut;
pub mod dialect;
pub mod encoding;
mod row;
pub mod stream;

pub use dialect::{Dialect, LineEnding};
pub use encoding::TextEncoding;
pub use stream::{Row, RowBuf, RowProblem, RowReader, Sample};

use serde::{Deserialize, Serialize};
use thiserror::Error;

/// What the admin (or a script's flags) says about the file, overriding detection.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReadOptions {
    pub encoding: Option<TextEncoding>,
    pub delimiter: Option<u8>,
    pub has_header: Option<bool>,
}

/// Why a file cannot be read at all. Every variant renders as one clear sentence.
#[derive(Debug, Clone, PartialEq, Eq, Error, Serialize, Deserialize)]
#[serde(tag = "code", rename_all = "snake_case")]
#[non_exhaustive]
pub enum ReadError {
    #[error("The file is empty.")]
    Empty,
    #[error("The file has a heading row but no data rows.")]
    HeadingOnly,
    #[error("The file is {kind}, not a CSV or text file: {hint}")]
    NotText { kind: String, hint: String },
    #[error("The file is larger than the limit of {limit_mb} MB.")]
    TooLarge { limit_mb: u64 },
}

/// Sizes a reader accepts, in one place (crates.io's `TarballLimits` habit).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Limits {
    /// Longest row, in bytes after decoding; longer rows are reported and skipped.
    pub max_row_bytes: usize,
    /// Most fields a row may have.
    pub max_fields: usize,
    /// Bytes of the prefix used to detect the dialect.
    pub sniff_bytes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_row_bytes: 1 << 20,
            max_fields: 1_000,
            sniff_bytes: 256 * 1024,
        }
    }
}
