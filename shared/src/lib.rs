//! # rollcall-shared
//!
//! Rollcall's import engine: every rule about a roster file lives here once, compiled natively
//! for the server and the CLI and to WebAssembly for the browser, so that the preview an admin
//! sees and the check the server runs cannot disagree. No I/O, no clock, no database, no
//! browser APIs: bytes in, rows, records, issues and plans out.
//!
//! The walk of a file: [`read`] (bytes → rows) → [`map`] (columns → fields) → [`validate`]
//! (rows → records + issues), driven by [`engine`]; [`write`] is the way back out to CSV.

pub mod api;
pub mod console;
pub mod engine;
pub mod error_code;
pub mod fields;
pub mod fix;
pub mod import;
pub mod issue_code;
pub mod map;
pub mod plan;
pub mod preview;
pub mod read;
mod swar;
pub mod testgen;
pub mod user;
pub mod validate;
pub mod wire;
pub mod workbook;
pub mod write;

pub use engine::{
    open, read_rows, validate_bytes, validate_in_parts, ColumnRef, EngineError, ImportOptions,
    Opened, PartContext, Pipeline,
};

/// A key's 64-bit fingerprint (district IDs, emails): the same on every target (FxHash is 32-bit
/// on wasm32) and in every run (a fixed seed), so the validator's duplicate check and the
/// planner's roster index agree. Texts are always compared before a match is trusted.
pub(crate) fn fingerprint(s: &str) -> u64 {
    std::hash::BuildHasher::hash_one(&foldhash::fast::FixedState::default(), s)
}
