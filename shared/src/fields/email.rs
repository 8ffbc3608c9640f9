//! An email address, valid by construction; the browser's fast check of a whole column
//! (`EmailCheck`: a known domain once, the local part eight bytes at a time).

use serde::{Deserialize, Serialize};

use super::texts::FieldError;
use crate::issue_code::IssueCode;
use thiserror::Error;

use crate::swar;

use super::text::*;

/// An email address: trimmed, lower-cased (matching is case-insensitive, so the stored form is
/// too), with one `@`, a plausible local part and a dotted domain.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct Email(String);

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum EmailError {
    #[error("the email is blank")]
    Blank,
    #[error("`{0}` is not an email address")]
    Invalid(String),
}

impl Email {
    pub const MAX_LEN: usize = 254;

    pub fn parse(raw: &str) -> Result<Email, EmailError> {
        let s = trim(raw);
        if s.is_empty() {
            return Err(EmailError::Blank);
        }
        if !Self::is_valid(s) {
            return Err(EmailError::Invalid(s.to_owned()));
        }
        Ok(Email(s.to_lowercase()))
    }

    /// The syntax check alone, on trimmed text (no allocation): one `@`; a local part of 1–64
    /// allowed characters without leading, trailing or doubled dots; a domain of at least two
    /// dot-separated labels of letters, digits and inner hyphens.
    pub fn is_valid(s: &str) -> bool {
        let b = s.as_bytes();
        split_at_valid_domain(b)
            .and_then(|(at, _)| local_form(b.get(..at)?))
            .is_some()
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl<'de> Deserialize<'de> for Email {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Email::parse(&s).map_err(|e| FieldError::new(IssueCode::InvalidEmail, e.to_string()).de())
    }
}

/// [`Email::is_valid`] for a whole file: a district's addresses share a handful of domains, so
/// the last domain found valid is remembered and only the local part of the next address with
/// that domain needs checking.
#[derive(Debug, Clone, Default)]
pub struct EmailCheck {
    domain: Vec<u8>,
    domain_form: u8,
}

/// How a valid address is written, for storing it lower-cased: already lower-case ASCII (as
/// is), ASCII with capitals (a byte map), or not ASCII (Unicode lower-casing).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EmailText {
    Lower,
    Ascii,
    Unicode,
}

pub(super) const UPPER: u8 = 2;
pub(super) const HIGH: u8 = 4;

pub(super) fn form(bits: u8) -> EmailText {
    if bits & HIGH != 0 {
        EmailText::Unicode
    } else if bits & UPPER != 0 {
        EmailText::Ascii
    } else {
        EmailText::Lower
    }
}

/// A valid address as [`EmailCheck`] found it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EmailShape {
    pub text: EmailText,
    /// Where its `@` is.
    pub at: usize,
    /// Its domain is byte for byte the one of the previous valid address this checker saw.
    pub same_domain: bool,
}

impl EmailCheck {
    /// `None` when `s` is not a valid address; else how it is written.
    pub fn check(&mut self, s: &str) -> Option<EmailShape> {
        let b = s.as_bytes();
        if b.len() > Email::MAX_LEN {
            return None;
        }
        // The usual address ends with `@` and the remembered domain: no search for the `@`.
        let d = self.domain.len();
        let known = d > 0
            && b.len() > d
            && b.get(b.len() - d - 1) == Some(&b'@')
            && same_bytes(b.get(b.len() - d..)?, &self.domain);
        let (at, new_domain) = if known {
            (b.len() - d - 1, None)
        } else {
            let (at, form) = split_at_valid_domain(b)?;
            (at, Some(form))
        };
        // An `@` in the local part is not an allowed byte there.
        let local_form = local_form(b.get(..at)?)?;
        // Only a valid address's domain is remembered: `same_domain` promises the previous
        // *valid* address had it (the validator stores exactly those).
        if let Some(form) = new_domain {
            self.domain.clear();
            self.domain.extend_from_slice(b.get(at + 1..)?);
            self.domain_form = form;
        }
        Some(EmailShape {
            text: form(local_form | self.domain_form),
            at,
            same_domain: known,
        })
    }
}

/// Where the `@` of an address of plausible length is, when what follows it is a valid
/// domain (the first `@`: any other makes the domain invalid), and the domain's `UPPER` and
/// `HIGH` bits. The local part is not checked.
pub(super) fn split_at_valid_domain(b: &[u8]) -> Option<(usize, u8)> {
    if b.len() > Email::MAX_LEN {
        return None;
    }
    let at = memchr::memchr(b'@', b)?;
    let domain = b.get(at + 1..)?;
    let form = domain.iter().fold(0, |f, &c| {
        f | (LOCAL_CLASS[usize::from(c)] & (UPPER | HIGH))
    });
    valid_domain(domain).then_some((at, form))
}

/// Checks a local part (1–64 allowed bytes, no dot at either end, no two dots in a row):
/// `Some(UPPER and HIGH bits seen)`.
pub(super) fn local_form(local: &[u8]) -> Option<u8> {
    let (Some(&first), Some(&last)) = (local.first(), local.last()) else {
        return None;
    };
    if local.len() > 64 || first == b'.' || last == b'.' {
        return None;
    }
    local_form_words(local).unwrap_or_else(|| local_form_bytes(local))
}

/// [`local_form_bytes`] eight bytes at a time for the bytes nearly every address is made of
/// (ASCII letters, digits, `-./_`): about 45 instructions a word where the byte loop takes
/// about 12 a byte. `None` when a byte is not one of them (the byte loop decides).
pub(super) fn local_form_words(local: &[u8]) -> Option<Option<u8>> {
    let (mut upper, mut adjacent_dots) = (0u64, 0u64);
    // Checks the word at byte `at`; `carry` is the dot bit of the byte just before it when
    // that byte is not inside the previous word checked. Returns the word's dot lanes.
    let mut word = |at: usize, carry: u64| -> Option<u64> {
        // Offsets are inside `local` by construction (a word past it would read as zeros,
        // which are not usual bytes: the byte loop would decide).
        let x = swar::load::<8>(local, at);
        if x & swar::HIGH != 0 {
            return None;
        }
        // `| 0x20` folds capitals onto small letters and nothing else into a–z.
        let letter = swar::in_lanes(x | (swar::LOW * 0x20), b'a', b'z');
        let usual = letter | swar::in_lanes(x, b'-', b'9') | swar::eq_lanes(x, b'_');
        if usual != swar::HIGH {
            return None;
        }
        // A capital is a letter whose 0x20 bit (moved to the lane's high bit) is clear.
        upper |= letter & !(x << 2);
        let dot = swar::eq_lanes(x, b'.');
        adjacent_dots |= dot & ((dot << 8) | carry);
        Some(dot)
    };
    // Words at `a` then `b` (a < b ≤ a + 8): the byte pair across `b` is inside word `a`
    // unless `b = a + 8`, when the dot bit of word `a`'s last lane carries over.
    let carry = |dot: u64, a: usize, b: usize| if b - a == 8 { dot >> 56 } else { 0 };
    let len = local.len();
    match len {
        0..8 => {
            // Shorter than a word: padded with letters, which change nothing.
            let mut b = [b'a'; 16];
            b.get_mut(..len)?.copy_from_slice(local);
            return local_form_words(b.get(..8)?);
        }
        8 => {
            word(0, 0)?;
        }
        // The usual address: three words whatever the length (the later ones overlapping
        // the earlier; seeing a byte twice changes nothing), so no loop whose length varies.
        9..=24 => {
            let (m, e) = (8.min(len - 8), len - 8);
            let d0 = word(0, 0)?;
            let d1 = word(m, carry(d0, 0, m))?;
            word(e, carry(d1, m, e))?;
        }
        _ => {
            let mut dot = word(0, 0)?;
            let mut at = 0;
            while at + 16 <= len {
                dot = word(at + 8, dot >> 56)?;
                at += 8;
            }
            if at + 8 < len {
                word(len - 8, carry(dot, at, len - 8))?;
            }
        }
    }
    Some((adjacent_dots == 0).then_some(if upper != 0 { UPPER } else { 0 }))
}

/// The byte-by-byte check, in one pass without an early exit.
pub(super) fn local_form_bytes(local: &[u8]) -> Option<u8> {
    let (mut bad, mut prev_dot, mut seen) = (false, false, 0u8);
    for &c in local {
        let class = LOCAL_CLASS[usize::from(c)];
        let dot = c == b'.';
        bad |= (class & 1 == 0) | (dot & prev_dot);
        prev_dot = dot;
        seen |= class;
    }
    (!bad).then_some(seen & (UPPER | HIGH))
}

/// Bytes of a local part: 1 = allowed, 2 (`UPPER`) = an ASCII capital, 4 (`HIGH`) = part of a
/// non-ASCII character.
pub(super) static LOCAL_CLASS: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut i = 0;
    while i < 256 {
        let c = i as u8;
        t[i] = EMAIL_LOCAL[i] as u8
            | if c.is_ascii_uppercase() { UPPER } else { 0 }
            | if c >= 0x80 { HIGH } else { 0 };
        i += 1;
    }
    t
};

/// Two or more labels of 1–63 letters, digits, hyphens (not at either end of a label) or bytes
/// of non-ASCII characters. (Its `@`s are in no label's alphabet, so one `@` in all.)
pub(super) fn valid_domain(domain: &[u8]) -> bool {
    if domain.len() < 3 {
        return false;
    }
    let mut labels = 0;
    for label in domain.split(|&c| c == b'.') {
        let (Some(&first), Some(&last)) = (label.first(), label.last()) else {
            return false;
        };
        if label.len() > 63 || first == b'-' || last == b'-' {
            return false;
        }
        if !label.iter().all(|&c| EMAIL_DOMAIN[usize::from(c)]) {
            return false;
        }
        labels += 1;
    }
    labels >= 2
}

/// Bytes allowed in a domain label: letters, digits, `-`, and any byte of a non-ASCII character.
pub(super) static EMAIL_DOMAIN: [bool; 256] = {
    let mut t = [false; 256];
    let mut i = 0;
    while i < 256 {
        let c = i as u8;
        t[i] = c.is_ascii_alphanumeric() || c >= 0x80 || c == b'-';
        i += 1;
    }
    t
};

/// Bytes allowed in an email's local part: letters, digits, `.!#$%&'*+/=?^_`{|}~-`, and any
/// byte of a non-ASCII character.
pub(super) static EMAIL_LOCAL: [bool; 256] = {
    let mut t = [false; 256];
    let mut i = 0;
    while i < 256 {
        let c = i as u8;
        t[i] = c.is_ascii_alphanumeric() || c >= 0x80;
        i += 1;
    }
    let punct = b".!#$%&'*+/=?^_`{|}~-";
    let mut j = 0;
    while j < punct.len() {
        t[punct[j] as usize] = true;
        j += 1;
    }
    t
};
