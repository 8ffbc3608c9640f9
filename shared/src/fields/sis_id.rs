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
    #[error("`{0}` is a date: a spreadsheet read the real ID as one")]
    Date(String),
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
        if looks_like_date(s) {
            return Err(SisIdError::Date(s.to_owned()));
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
                    SisIdError::Date(_) => IssueCode::IdAsDate,
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
    // A decimal point, or a decimal comma (`1,23457E+11` in a comma locale), at most one.
    let mut dots = 0;
    let mant_ok = !mant.is_empty()
        && mant.iter().all(|&c| {
            dots += usize::from(c == b'.' || c == b',');
            c.is_ascii_digit() || c == b'.' || c == b','
        })
        && dots <= 1
        && mant.iter().any(u8::is_ascii_digit);
    mant_ok && !exp.is_empty() && exp.iter().all(u8::is_ascii_digit)
}

/// What a spreadsheet shows for an ID it read as a date, in any locale: `3/14/2025`,
/// `14.03.2025`, `2025-03-14`, `14-Mar`, `Mar-14`, `14-Mar-25`. An ID that merely holds a dash
/// (`S-1001`, `2021-001`, `MAR-1234`) is not one.
pub(super) fn looks_like_date(s: &str) -> bool {
    let b = s.as_bytes();
    if !(4..=11).contains(&b.len()) || !b.iter().any(|c| matches!(c, b'/' | b'-' | b'.')) {
        return false;
    }
    let parts: Vec<&str> = s.split(['/', '-', '.']).collect();
    let num = |p: &str, lo: u32, hi: u32| {
        !p.is_empty()
            && p.len() <= 2
            && p.bytes().all(|c| c.is_ascii_digit())
            && p.parse::<u32>().is_ok_and(|n| (lo..=hi).contains(&n))
    };
    let year = |p: &str| (p.len() == 2 || p.len() == 4) && p.bytes().all(|c| c.is_ascii_digit());
    const MONTHS: [&str; 12] = [
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
    ];
    let month = |p: &str| MONTHS.contains(&p.to_ascii_lowercase().as_str());
    match parts.as_slice() {
        // 3/14/2025, 14.03.25, 14-03-2025 (day and month either way round)
        [a, m, y] if num(a, 1, 31) && num(m, 1, 31) && year(y) => num(a, 1, 12) || num(m, 1, 12),
        // 2025-03-14
        [y, m, d] if y.len() == 4 && year(y) => num(m, 1, 12) && num(d, 1, 31),
        // 14-Mar-25
        [d, m, y] => num(d, 1, 31) && month(m) && year(y),
        // 14-Mar, Mar-14, Mar-25
        [d, m] if num(d, 1, 31) && month(m) => true,
        [m, d] => month(m) && num(d, 1, 99) && d.len() == 2,
        _ => false,
    }
}

#[cfg(test)]
mod date_tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn ids_a_spreadsheet_made_dates_or_scientific_are_caught_in_every_locale() {
        for s in [
            "3/14/2025",
            "14.03.2025",
            "14/03/25",
            "2025-03-14",
            "14-Mar",
            "Mar-14",
            "14-mar-25",
        ] {
            assert!(looks_like_date(s), "{s}");
            assert!(matches!(SisId::check(s), Err(SisIdError::Date(_))), "{s}");
        }
        for s in [
            "S-1001",
            "2021-001",
            "MAR-1234",
            "1001",
            "12-345-678",
            "A.B.C",
            "10.5",
            "13/13/2025",
        ] {
            assert!(!looks_like_date(s), "{s}");
        }
        for s in ["1.23457E+11", "1,23457E+11", "4,5e7"] {
            assert!(
                matches!(SisId::check(s), Err(SisIdError::ScientificNotation(_))),
                "{s}"
            );
        }
        assert!(SisId::check("1,234").is_ok(), "no exponent: not scientific");
    }
}
