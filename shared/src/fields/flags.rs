//! Yes/no cells and the active/inactive status.

use serde::{Deserialize, Serialize};
use thiserror::Error;

use super::text::*;

/// Whether a row's user should be active.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Active,
    Inactive,
}

#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("`{0}` is not a status (expected Active/Inactive, 1/0, TRUE/FALSE, Y/N, enabled/disabled)")]
pub struct StatusError(pub String);

impl Status {
    pub fn parse(raw: &str) -> Result<Status, StatusError> {
        let mut buf = [0u8; 32];
        match lower_letters(trim(raw), &mut buf) {
            "" | "1" | "active" | "true" | "y" | "yes" | "enabled" | "enable" | "t" => {
                Ok(Status::Active)
            }
            "0" | "inactive" | "false" | "n" | "no" | "disabled" | "disable" | "tobedeleted"
            | "f" | "deleted" => Ok(Status::Inactive),
            _ => Err(StatusError(trim(raw).to_owned())),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("`{0}` is not yes or no (expected Y/N, Yes/No, 1/0, TRUE/FALSE)")]
pub struct BoolError(pub String);

/// One-byte booleans: 1 = false (`N`, `n`, `0`, `F`, `f`), 2 = true (`Y`, `y`, `1`, `T`, `t`),
/// 0 = not one.
pub(super) static ONE_BYTE_BOOL: [u8; 256] = {
    let mut t = [0u8; 256];
    let (no, yes) = (b"Nn0Ff", b"Yy1Tt");
    let mut i = 0;
    while i < no.len() {
        t[no[i] as usize] = 1;
        t[yes[i] as usize] = 2;
        i += 1;
    }
    t
};

/// `Y`/`N`, `Yes`/`No`, `1`/`0`, `TRUE`/`FALSE`, any case. Blank is `None`.
#[inline]
pub fn parse_bool(raw: &str) -> Result<Option<bool>, BoolError> {
    // The usual one-letter cell, without a branch on which letter it is (they alternate at
    // random down a file, which a branch predictor cannot learn).
    if let [c] = *raw.as_bytes() {
        let v = ONE_BYTE_BOOL[usize::from(c)];
        if v != 0 {
            return Ok(Some(v == 2));
        }
    }
    parse_bool_words(raw)
}

pub(super) fn parse_bool_words(raw: &str) -> Result<Option<bool>, BoolError> {
    if raw.is_empty() {
        return Ok(None);
    }
    let mut buf = [0u8; 32];
    match lower_letters(trim(raw), &mut buf) {
        "" => Ok(None),
        "y" | "yes" | "1" | "true" | "t" => Ok(Some(true)),
        "n" | "no" | "0" | "false" | "f" => Ok(Some(false)),
        _ => Err(BoolError(trim(raw).to_owned())),
    }
}
