//! # rollcall-shared
//!
//! Rollcall's import engine: every rule about a roster file lives here once, compiled natively
//! for the server and the CLI and to WebAssembly for the browser, so that the preview an admin
//! sees and the check the server runs cannot disagree. No I/O, no clock, no database, no
//! browser APIs: bytes in, rows, records, issues and plans out.
//!
//! The walk of a file: [`read`] (bytes → rows) → [`map`] (columns → fields) → [`validate`]
//! (rows → records + issues), driven by [`engine`]; [`write`] is the way back out to CSV.

pub mod engine;
pub mod fields;
pub mod map;
pub mod plan;
pub mod read;
pub mod testgen;
pub mod validate;
pub mod wire;
pub mod write;

pub use engine::{
    open, read_rows, validate_bytes, ColumnRef, EngineError, ImportOptions, Opened, Pipeline,
};
