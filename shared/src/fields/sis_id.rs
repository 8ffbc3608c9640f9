//! A user's district id (the SIS's own identifier), valid by construction.

use serde::{Deserialize, Serialize};

use super::texts::FieldError;
use crate::issue_code::IssueCode;
use thiserror::Error;

use super::text::*;

/// A district's own identifier for a user: trimmed, non-empty, leading zeros kept, never a
/// number a spreadsheet rewrote in scientific notation.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct SisId(String);

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum SisIdError {
    #[error("the district ID is blank")]
    Blank,
    #[error("`{0}` is a number in scientific notation: a spreadsheet rewrote the real ID")]
    ScientificNotation(String),
    #[error("the district ID is longer than {max} characters")]
    TooLong { max: usize },
}

impl SisId {
    pub const MAX_LEN: usize = 64;

    pub fn parse(raw: &str) -> Result<SisId, SisIdError> {
        Self::check(raw).map(|s| SisId(s.to_owned()))
    }

    /// Validates without allocating; returns the normalized text.
    #[inline]
    pub fn check(raw: &str) -> Result<&str, SisIdError> {
        let s = trim(raw);
        if s.is_empty() {
            return Err(SisIdError::Blank);
        }
        if s.len() > Self::MAX_LEN {
            return Err(SisIdError::TooLong { max: Self::MAX_LEN });
        }
        if is_scientific(s) {
            return Err(SisIdError::ScientificNotation(s.to_owned()));
        }
        Ok(s)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl<'de> Deserialize<'de> for SisId {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        SisId::parse(&s)
            .map_err(|e| {
                let code = match e {
                    SisIdError::ScientificNotation(_) => IssueCode::IdScientificNotation,
                    SisIdError::Blank => IssueCode::MissingKey,
                    SisIdError::TooLong { .. } => IssueCode::InvalidDistrictId,
                };
                FieldError::new(code, e.to_string())
            })
            .and_then(|id| match has_control(id.as_str()) {
                true => Err(FieldError::new(
                    IssueCode::ControlCharacter,
                    "the district ID holds a control character",
                )),
                false => Ok(id),
            })
            .map_err(FieldError::de)
    }
}

/// `1.23457E+11`, `1E+05`, `4.5e7`: what Excel shows for a long number.
pub(super) fn is_scientific(s: &str) -> bool {
    let b = s.as_bytes();
    // The mantissa starts with a digit or a point (most IDs that are not numbers stop here).
    if !b.first().is_some_and(|c| c.is_ascii_digit() || *c == b'.') {
        return false;
    }
    let Some(e) = b.iter().position(|&c| c == b'e' || c == b'E') else {
        return false;
    };
    let (mant, exp) = (&b[..e], &b[e + 1..]);
    let exp = match exp.first() {
        Some(b'+') | Some(b'-') => &exp[1..],
        _ => exp,
    };
    let mut dots = 0;
    let mant_ok = !mant.is_empty()
        && mant.iter().all(|&c| {
            dots += usize::from(c == b'.');
            c.is_ascii_digit() || c == b'.'
        })
        && dots <= 1
        && mant.iter().any(u8::is_ascii_digit);
    mant_ok && !exp.is_empty() && exp.iter().all(u8::is_ascii_digit)
}
