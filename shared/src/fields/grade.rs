//! A grade, PK to 12, from every way a file writes it.

use serde::{Deserialize, Serialize};

use super::texts::FieldError;
use crate::issue_code::IssueCode;
use thiserror::Error;

use super::text::*;

/// `1`–`12` or `01`–`12` as a grade, without a branch on which one.
pub(super) fn numbered_grade(b: &[u8]) -> Option<Grade> {
    let (Some(&first), Some(&last)) = (b.first(), b.last()) else {
        return None;
    };
    if b.len() > 2 {
        return None;
    }
    // One digit: `first` and `last` are the same byte.
    let two = b.len() == 2;
    let (d0, d1) = (first.wrapping_sub(b'0'), last.wrapping_sub(b'0'));
    let n = if two {
        d0.wrapping_mul(10).wrapping_add(d1)
    } else {
        d0
    };
    (d0 <= 9 && d1 <= 9 && (1..=12).contains(&n)).then(|| Grade(n + 1))
}

/// A grade as stored: PK, KG, 01–12.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Grade(u8);

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum GradeError {
    #[error("the grade is blank")]
    Blank,
    #[error("`{0}` is not a grade (expected PK, KG, or 1–12)")]
    Invalid(String),
}

/// How a grade was read: silently, or from a spelled-out form worth a warning.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GradeParse {
    Exact(Grade),
    SpelledOut(Grade),
}

impl GradeParse {
    pub fn grade(self) -> Grade {
        match self {
            GradeParse::Exact(g) | GradeParse::SpelledOut(g) => g,
        }
    }
}

impl Grade {
    pub const PK: Grade = Grade(0);
    pub const KG: Grade = Grade(1);

    /// Grade 1–12.
    pub fn numbered(n: u8) -> Option<Grade> {
        (1..=12).contains(&n).then_some(Grade(n + 1))
    }

    /// The usual cell, `1`–`12` or `01`–`12`, inline; the rest in [`Grade::parse_words`].
    #[inline]
    pub fn parse(raw: &str) -> Result<GradeParse, GradeError> {
        match numbered_grade(raw.as_bytes()) {
            Some(g) => Ok(GradeParse::Exact(g)),
            None => Grade::parse_words(raw),
        }
    }

    fn parse_words(raw: &str) -> Result<GradeParse, GradeError> {
        let s = trim(raw);
        if s.is_empty() {
            return Err(GradeError::Blank);
        }
        // `1`–`12` and `01`–`12` with white space around them.
        if let Some(g) = numbered_grade(s.as_bytes()) {
            return Ok(GradeParse::Exact(g));
        }
        let invalid = || GradeError::Invalid(s.to_owned());
        let mut buf = [0u8; 32];
        let key = lower_letters(s, &mut buf);
        let exact = match key {
            "pk" | "prek" => Some(Grade::PK),
            "kg" | "k" => Some(Grade::KG),
            _ => None,
        };
        if let Some(g) = exact {
            return Ok(GradeParse::Exact(g));
        }
        let spelled = match key {
            "kindergarten" | "kinder" | "kindergartner" => Some(Grade::KG),
            "prekindergarten" | "prekinder" | "preschool" | "prekg" => Some(Grade::PK),
            _ => None,
        };
        if let Some(g) = spelled {
            return Ok(GradeParse::SpelledOut(g));
        }
        // `1st`, `2nd`, `3rd`, `4th`, `Grade 3`, `Gr 3`, `3rd grade`, `grade 03`, `first` ….
        let stripped = key
            .trim_start_matches("grade")
            .trim_start_matches("gr")
            .trim_end_matches("grade");
        let digits: &str = stripped.trim_end_matches(|c: char| c.is_ascii_alphabetic());
        let suffix = &stripped[digits.len()..];
        if !digits.is_empty()
            && digits.len() <= 2
            && digits.bytes().all(|c| c.is_ascii_digit())
            && matches!(suffix, "" | "st" | "nd" | "rd" | "th")
            && (stripped.len() != key.len() || !suffix.is_empty())
        {
            let n: u8 = digits.parse().map_err(|_| invalid())?;
            return Grade::numbered(n)
                .map(GradeParse::SpelledOut)
                .ok_or_else(invalid);
        }
        const WORDS: [&str; 12] = [
            "first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth",
            "tenth", "eleventh", "twelfth",
        ];
        if let Some(i) = WORDS.iter().position(|w| *w == stripped) {
            return Ok(GradeParse::SpelledOut(Grade(i as u8 + 2)));
        }
        Err(invalid())
    }

    /// The stored code: `PK`, `KG`, `01` … `12`.
    pub fn as_str(self) -> &'static str {
        const CODES: [&str; 14] = [
            "PK", "KG", "01", "02", "03", "04", "05", "06", "07", "08", "09", "10", "11", "12",
        ];
        CODES[usize::from(self.0).min(13)]
    }

    pub fn code(self) -> u8 {
        self.0
    }

    pub fn from_code(code: u8) -> Option<Grade> {
        (code <= 13).then_some(Grade(code))
    }
}

impl Serialize for Grade {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Grade {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        match Grade::parse(&s) {
            Ok(GradeParse::Exact(g)) => Ok(g),
            _ => Err(FieldError::new(
                IssueCode::InvalidGrade,
                format!("`{s}` is not a grade code (PK, KG, 01–12)"),
            )
            .de()),
        }
    }
}
