//! Types that can only hold valid values ("parse, don't validate"). Each has a `parse` that
//! trims its input and either returns the normalized value or a typed error saying why not.

use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::swar;

/// `str::trim` (Unicode white space, so a no-break space from a spreadsheet goes too), with a
/// fast exit for the usual cell, whose first and last characters are not white space: every
/// parser trims, and the validator trims each cell once before that.
#[inline(always)]
pub(crate) fn trim(s: &str) -> &str {
    let b = s.as_bytes();
    match (b.first(), b.last()) {
        (Some(&a), Some(&z)) if visible(a) && (visible(z) || !ends_in_space(s)) => s,
        (None, _) | (_, None) => s,
        _ => s.trim(),
    }
}

/// A byte that is neither ASCII white space nor part of a non-ASCII character.
#[inline]
fn visible(b: u8) -> bool {
    (0x21..0x7f).contains(&b)
}

/// Whether the last character is (Unicode) white space.
#[inline]
fn ends_in_space(s: &str) -> bool {
    s.chars().next_back().is_some_and(char::is_whitespace)
}

/// A district's own identifier for a user: trimmed, non-empty, leading zeros kept, never a
/// number a spreadsheet rewrote in scientific notation.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct DistrictId(String);

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum DistrictIdError {
    #[error("the district ID is blank")]
    Blank,
    #[error("`{0}` is a number in scientific notation: a spreadsheet rewrote the real ID")]
    ScientificNotation(String),
    #[error("the district ID is longer than {max} characters")]
    TooLong { max: usize },
}

impl DistrictId {
    pub const MAX_LEN: usize = 64;

    pub fn parse(raw: &str) -> Result<DistrictId, DistrictIdError> {
        Self::check(raw).map(|s| DistrictId(s.to_owned()))
    }

    /// Validates without allocating; returns the normalized text.
    #[inline]
    pub fn check(raw: &str) -> Result<&str, DistrictIdError> {
        let s = trim(raw);
        if s.is_empty() {
            return Err(DistrictIdError::Blank);
        }
        if s.len() > Self::MAX_LEN {
            return Err(DistrictIdError::TooLong { max: Self::MAX_LEN });
        }
        if is_scientific(s) {
            return Err(DistrictIdError::ScientificNotation(s.to_owned()));
        }
        Ok(s)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl<'de> Deserialize<'de> for DistrictId {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        DistrictId::parse(&s).map_err(serde::de::Error::custom)
    }
}

/// `1.23457E+11`, `1E+05`, `4.5e7`: what Excel shows for a long number.
fn is_scientific(s: &str) -> bool {
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
        Email::parse(&s).map_err(serde::de::Error::custom)
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

const UPPER: u8 = 2;
const HIGH: u8 = 4;

fn form(bits: u8) -> EmailText {
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

/// The longest name (first, middle, last), in characters.
pub const MAX_NAME: usize = 100;
/// The longest other text (ids, school, scope), in characters.
pub const MAX_TEXT: usize = 255;
/// The longest password, in characters.
pub const MAX_PASSWORD: usize = 256;

/// Whether `s` has more than `max` characters (counted only when it has more than `max` bytes,
/// which nearly no value has). The browser and the server both ask this.
#[inline]
pub fn longer_than(s: &str, max: usize) -> bool {
    s.len() > max && s.chars().count() > max
}

/// Whether `s` holds a control character (CR, LF, tab, NUL, DEL…): no field of a user is more
/// than one line of plain text, and a line break in a name would reach a mail's lines. Both
/// the browser's validation and the server's verification ask this.
#[inline]
pub fn has_control(s: &str) -> bool {
    let b = s.as_bytes();
    // Nearly every cell is printable ASCII: one branch-free pass (it vectorizes) says so.
    if !b
        .iter()
        .fold(false, |acc, &c| acc | (c.wrapping_sub(0x20) >= 0x5f))
    {
        return false;
    }
    // C0 and DEL; C1 (U+0080–U+009F, `C2 80`–`C2 9F`); the line and paragraph separators
    // (U+2028, U+2029: `E2 80 A8`, `E2 80 A9`).
    b.iter().enumerate().any(|(i, &c)| {
        c < 0x20
            || c == 0x7f
            || (c == 0xc2 && b.get(i + 1).is_some_and(|&n| n < 0xa0))
            || (c == 0xe2
                && b.get(i + 1) == Some(&0x80)
                && matches!(b.get(i + 2), Some(0xa8 | 0xa9)))
    })
}

#[cfg(test)]
mod control_tests {
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    use super::has_control;

    #[test]
    fn control_characters_are_found_wherever_they_are() {
        for bad in [
            "a\r\nSubject: x",
            "\nx",
            "x\t",
            "x\0y",
            "x\u{7f}",
            "x\u{85}y",
            "a\u{2028}b",
            "é\u{2029}",
        ] {
            assert!(has_control(bad), "{bad:?}");
        }
        for ok in [
            "",
            "Ann",
            "José-María O'Neil",
            "語語",
            "Zoë\u{a0}Lee",
            "x\u{2027}",
        ] {
            assert!(!has_control(ok), "{ok:?}");
        }
    }
}

/// Equal byte strings, compared a word at a time inline: the first and last words (which may
/// overlap) and every whole word between, with no loop over single bytes. A district's domain
/// is compared on every row and the planner compares every field of every record: `memcmp`
/// calls (and their mispredicted size checks) were most of the planner's time.
#[inline]
pub(crate) fn same_bytes(a: &[u8], b: &[u8]) -> bool {
    let n = a.len();
    if n != b.len() {
        return false;
    }
    use swar::load as at;
    match n {
        0 => true,
        1 => a.first() == b.first(),
        2..4 => at::<2>(a, 0) == at::<2>(b, 0) && at::<2>(a, n - 2) == at::<2>(b, n - 2),
        4..8 => at::<4>(a, 0) == at::<4>(b, 0) && at::<4>(a, n - 4) == at::<4>(b, n - 4),
        _ => {
            let mut diff = at::<8>(a, n - 8) ^ at::<8>(b, n - 8);
            let mut i = 0;
            while i + 8 <= n {
                diff |= at::<8>(a, i) ^ at::<8>(b, i);
                i += 8;
            }
            diff == 0
        }
    }
}

/// Where the `@` of an address of plausible length is, when what follows it is a valid
/// domain (the first `@`: any other makes the domain invalid), and the domain's `UPPER` and
/// `HIGH` bits. The local part is not checked.
fn split_at_valid_domain(b: &[u8]) -> Option<(usize, u8)> {
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
fn local_form(local: &[u8]) -> Option<u8> {
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
fn local_form_words(local: &[u8]) -> Option<Option<u8>> {
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
fn local_form_bytes(local: &[u8]) -> Option<u8> {
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
static LOCAL_CLASS: [u8; 256] = {
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
fn valid_domain(domain: &[u8]) -> bool {
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
static EMAIL_DOMAIN: [bool; 256] = {
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
static EMAIL_LOCAL: [bool; 256] = {
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

/// A user's role. "Staff" in PRODUCT.md means teacher, staff and admin.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Student,
    Teacher,
    Staff,
    Admin,
}

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum RoleError {
    #[error("the role is blank")]
    Blank,
    #[error("`{0}` is not a role Rollcall manages (student, teacher, staff, admin)")]
    Unsupported(String),
    #[error("`{0}` is not a role (expected student, teacher, staff, admin, or User Type 0/1)")]
    Unknown(String),
}

impl Role {
    pub const ALL: [Role; 4] = [Role::Student, Role::Teacher, Role::Staff, Role::Admin];

    /// The usual cell, a User Type `0` or `1`, inline; the rest in [`Role::parse_words`].
    #[inline]
    pub fn parse(raw: &str) -> Result<Role, RoleError> {
        match *raw.as_bytes() {
            [b'0'] => Ok(Role::Student),
            [b'1'] => Ok(Role::Staff),
            _ => Role::parse_words(raw),
        }
    }

    fn parse_words(raw: &str) -> Result<Role, RoleError> {
        let s = trim(raw);
        match s {
            "" => return Err(RoleError::Blank),
            "0" => return Ok(Role::Student),
            "1" => return Ok(Role::Staff),
            _ => {}
        }
        let mut buf = [0u8; 32];
        let key = lower_letters(s, &mut buf);
        Ok(match key {
            "0" | "student" | "students" | "pupil" | "learner" | "s" => Role::Student,
            "1" | "staff" | "staffmember" | "employee" | "aide" | "counselor" | "counsellor"
            | "paraprofessional" | "nurse" | "librarian" | "support" | "supportstaff" => {
                Role::Staff
            }
            "teacher" | "teachers" | "faculty" | "instructor" | "educator" | "t" | "teaching" => {
                Role::Teacher
            }
            "admin"
            | "administrator"
            | "administrators"
            | "districtadmin"
            | "districtadministrator"
            | "schooladmin"
            | "schooladministrator"
            | "siteadministrator"
            | "principal"
            | "assistantprincipal"
            | "superintendent" => Role::Admin,
            "guardian" | "parent" | "relative" | "proctor" | "contact" => {
                return Err(RoleError::Unsupported(s.to_owned()))
            }
            _ => return Err(RoleError::Unknown(s.to_owned())),
        })
    }

    pub fn is_staff(self) -> bool {
        !matches!(self, Role::Student)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Student => "student",
            Role::Teacher => "teacher",
            Role::Staff => "staff",
            Role::Admin => "admin",
        }
    }

    pub fn from_code(code: u8) -> Option<Role> {
        Role::ALL.get(usize::from(code)).copied()
    }

    pub fn code(self) -> u8 {
        self as u8
    }
}

/// Keeps ASCII letters and digits, lower-cased, into `buf`; anything longer than `buf` or not
/// ASCII yields a key that matches nothing.
fn lower_letters<'b>(s: &str, buf: &'b mut [u8; 32]) -> &'b str {
    let mut n = 0;
    for c in s.bytes() {
        if c.is_ascii_alphanumeric() {
            if n == buf.len() {
                return "\u{0}";
            }
            buf[n] = c.to_ascii_lowercase();
            n += 1;
        } else if c >= 0x80 {
            return "\u{0}";
        }
    }
    std::str::from_utf8(&buf[..n]).unwrap_or("\u{0}")
}

/// `1`–`12` or `01`–`12` as a grade, without a branch on which one.
fn numbered_grade(b: &[u8]) -> Option<Grade> {
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
            _ => Err(serde::de::Error::custom(format!(
                "`{s}` is not a grade code"
            ))),
        }
    }
}

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
static ONE_BYTE_BOOL: [u8; 256] = {
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

fn parse_bool_words(raw: &str) -> Result<Option<bool>, BoolError> {
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

/// Folds Latin letters to ASCII lower case (`Lefèvre` → `lefevre`, `Øster` → `oster`), dropping
/// everything that is not a letter or digit: for comparing names with email addresses.
pub fn fold_ascii(s: &str, out: &mut String) {
    out.clear();
    for c in s.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
            continue;
        }
        let f = match c {
            'à'..='å' | 'À'..='Å' | 'ā' | 'ă' | 'ą' => "a",
            'æ' | 'Æ' => "ae",
            'ç' | 'Ç' | 'ć' | 'č' => "c",
            'è'..='ë' | 'È'..='Ë' | 'ē' | 'ę' | 'ě' => "e",
            'ì'..='ï' | 'Ì'..='Ï' | 'ı' => "i",
            'ñ' | 'Ñ' | 'ń' | 'ň' => "n",
            'ò'..='ö' | 'Ò'..='Ö' | 'ø' | 'Ø' | 'ő' => "o",
            'ù'..='ü' | 'Ù'..='Ü' | 'ů' | 'ű' => "u",
            'ý' | 'ÿ' | 'Ý' => "y",
            'ß' => "ss",
            'š' | 'Š' | 'ś' => "s",
            'ž' | 'Ž' | 'ź' | 'ż' => "z",
            'ł' | 'Ł' => "l",
            'đ' | 'ð' => "d",
            'þ' => "th",
            'œ' | 'Œ' => "oe",
            _ => "",
        };
        out.push_str(f);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    /// The word-at-a-time local-part check agrees with the byte loop: every string of up to
    /// three bytes over an alphabet of lane edges, then longer random ones.
    #[test]
    fn local_part_words_agree_with_bytes() {
        let alphabet: &[u8] = b"aAzZ09.-/_@`{[:, +'\x7f\x80\xc3\xa9\x00";
        let usual = |c: &u8| c.is_ascii_alphanumeric() || b"-./_".contains(c);
        let check = |s: &[u8]| match local_form_words(s) {
            Some(fast) => assert_eq!(fast, local_form_bytes(s), "{s:?}"),
            None => assert!(!s.iter().all(usual), "{s:?} has only usual bytes"),
        };
        for a in alphabet {
            check(&[*a]);
            for b in alphabet {
                check(&[*a, *b]);
                for c in alphabet {
                    check(&[*a, *b, *c]);
                }
            }
        }
        let mut seed = 0x9E37_79B9_7F4A_7C15u64;
        let mut next = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        let mut fast_paths = 0;
        for _ in 0..20_000 {
            let len = (next() % 64) as usize + 1;
            // Mostly usual bytes, so that the word path is taken and dots meet across words.
            let s: Vec<u8> = (0..len)
                .map(|_| match next() % 10 {
                    0..=5 => b"abcXYZ19"[(next() % 8) as usize],
                    6 | 7 => b'.',
                    8 => b"-/_"[(next() % 3) as usize],
                    _ => alphabet[(next() % alphabet.len() as u64) as usize],
                })
                .collect();
            fast_paths += usize::from(local_form_words(&s).is_some());
            check(&s);
        }
        assert!(
            fast_paths > 2_000,
            "the word path was taken {fast_paths} times"
        );
    }

    #[test]
    fn same_bytes_is_slice_equality() {
        let base: Vec<u8> = (0..40u8).map(|i| b'a' + i % 26).collect();
        for n in 0..40 {
            let a = &base[..n];
            assert!(same_bytes(a, a), "{n}");
            for i in 0..n {
                let mut b = a.to_vec();
                b[i] ^= 0x20;
                assert!(!same_bytes(a, &b), "{n} differs at {i}");
            }
            assert!(!same_bytes(a, &base[..n + 1]));
        }
    }

    macro_rules! parses_to {
        ($($name:ident: $f:expr, $input:expr => $expected:expr,)*) => {$(
            #[test]
            fn $name() { assert_eq!($f($input), $expected); }
        )*};
    }

    fn grade(s: &str) -> Result<(&'static str, bool), GradeError> {
        Grade::parse(s).map(|g| (g.grade().as_str(), matches!(g, GradeParse::SpelledOut(_))))
    }

    parses_to! {
        grade_pre_k: grade, "Pre-K" => Ok(("PK", false)),
        grade_prek: grade, "PreK" => Ok(("PK", false)),
        grade_pk: grade, "pk" => Ok(("PK", false)),
        grade_k: grade, "K" => Ok(("KG", false)),
        grade_kg: grade, "KG" => Ok(("KG", false)),
        grade_1: grade, "1" => Ok(("01", false)),
        grade_01: grade, "01" => Ok(("01", false)),
        grade_12: grade, " 12 " => Ok(("12", false)),
        grade_00: grade, "00" => Err(GradeError::Invalid("00".into())),
        grade_letter_digit: grade, "Z1" => Err(GradeError::Invalid("Z1".into())),
        grade_digit_letter: grade, "9Z" => Err(GradeError::Invalid("9Z".into())),
        grade_high_bytes: grade, "ÿ" => Err(GradeError::Invalid("ÿ".into())),
        grade_13: grade, "13" => Err(GradeError::Invalid("13".into())),
        // Digits joined by punctuation are not a grade (`1.0` is not grade 10).
        grade_decimal: grade, "1.0" => Err(GradeError::Invalid("1.0".into())),
        grade_range: grade, "1-2" => Err(GradeError::Invalid("1-2".into())),
        grade_0: grade, "0" => Err(GradeError::Invalid("0".into())),
        grade_kindergarten: grade, "kindergarten" => Ok(("KG", true)),
        grade_1st: grade, "1st" => Ok(("01", true)),
        grade_3rd_grade: grade, "3rd grade" => Ok(("03", true)),
        grade_grade_3: grade, "Grade 3" => Ok(("03", true)),
        grade_gr_10: grade, "Gr. 10" => Ok(("10", true)),
        grade_first: grade, "first" => Ok(("01", true)),
        grade_13th: grade, "13th" => Err(GradeError::Invalid("13th".into())),
        grade_tk: grade, "TK" => Err(GradeError::Invalid("TK".into())),
        grade_blank: grade, "  " => Err(GradeError::Blank),
        grade_3x: grade, "3x" => Err(GradeError::Invalid("3x".into())),
        role_0: Role::parse, "0" => Ok(Role::Student),
        role_1: Role::parse, "1" => Ok(Role::Staff),
        role_2: Role::parse, "2" => Err(RoleError::Unknown("2".into())),
        role_student: Role::parse, "Student" => Ok(Role::Student),
        role_faculty: Role::parse, "Faculty" => Ok(Role::Teacher),
        role_administrator: Role::parse, "Administrator" => Ok(Role::Admin),
        role_guardian: Role::parse, "guardian" => Err(RoleError::Unsupported("guardian".into())),
        status_blank: Status::parse, "" => Ok(Status::Active),
        status_enabled: Status::parse, "enabled" => Ok(Status::Active),
        status_true: Status::parse, "TRUE" => Ok(Status::Active),
        status_tobedeleted: Status::parse, "tobedeleted" => Ok(Status::Inactive),
        status_no: Status::parse, "No" => Ok(Status::Inactive),
        status_maybe: Status::parse, "maybe" => Err(StatusError("maybe".into())),
        bool_y: parse_bool, "Y" => Ok(Some(true)),
        bool_false: parse_bool, "FALSE" => Ok(Some(false)),
        bool_blank: parse_bool, "" => Ok(None),
        bool_x: parse_bool, "x" => Err(BoolError("x".into())),
        id_sci: DistrictId::check, "1.23457E+11" => Err(DistrictIdError::ScientificNotation("1.23457E+11".into())),
        id_sci_small: DistrictId::check, "4E7" => Err(DistrictIdError::ScientificNotation("4E7".into())),
        id_letters_e: DistrictId::check, "E123" => Ok("E123"),
        id_zeros: DistrictId::check, " 000123 " => Ok("000123"),
        id_blank: DistrictId::check, "" => Err(DistrictIdError::Blank),
    }

    #[test]
    fn trim_is_str_trim() {
        for s in [
            "",
            " ",
            "a",
            " a",
            "a ",
            "\u{a0}Zoë\u{a0}",
            "Zoë",
            "Zoë ",
            "é",
            "\u{3000}x",
            "x\u{2003}",
            "\tx\r\n",
            "Åsa",
            "ñ\u{a0}",
        ] {
            assert_eq!(trim(s), s.trim(), "{s:?}");
        }
    }

    #[test]
    fn emails() {
        for ok in [
            "a@b.co",
            "Olivia.Lefevre0@Springfield.k12.example.org",
            "o'brien+x@d.org",
        ] {
            assert!(Email::is_valid(ok), "{ok}");
        }
        let bad = [
            "not-an-email",
            "a@b",
            "@b.org",
            "a@@b.org",
            "a b@c.org",
            "a@b..org",
            ".a@b.org",
            "a.@b.org",
            "a..b@c.org",
            "a@-b.org",
            "a@b-.org",
            "a@b.org.",
            "a@b.org@c.org",
            "a@.b.org",
        ];
        for b in bad {
            assert!(!Email::is_valid(b), "{b}");
        }
        // The remembered domain never lets a bad address through: each bad one is checked
        // right after a good address with the same domain as far as it goes.
        let mut check = EmailCheck::default();
        let shape = |text, at, same_domain| {
            Some(EmailShape {
                text,
                at,
                same_domain,
            })
        };
        assert_eq!(check.check("A@B.org"), shape(EmailText::Ascii, 1, false));
        assert_eq!(check.check("a@b.org"), shape(EmailText::Lower, 1, false));
        assert_eq!(check.check("é@b.org"), shape(EmailText::Unicode, 2, true));
        assert_eq!(check.check("a@é.org"), shape(EmailText::Unicode, 1, false));
        // The remembered domain keeps its form.
        assert_eq!(check.check("b@é.org"), shape(EmailText::Unicode, 1, true));
        assert_eq!(check.check("b@e.org"), shape(EmailText::Lower, 1, false));
        assert_eq!(check.check("b@E.org"), shape(EmailText::Ascii, 1, false));
        assert_eq!(check.check("cc@E.org"), shape(EmailText::Ascii, 2, true));
        // An invalid address's domain is not remembered.
        assert_eq!(check.check("a..b@f.org"), None);
        assert_eq!(check.check("d@f.org"), shape(EmailText::Lower, 1, false));
        // A file's checker and the one-off check agree on every address.
        for s in bad.iter().chain(&["a@b.org", "A.B@c.d", "é@b.org"]) {
            let mut fresh = EmailCheck::default();
            assert_eq!(fresh.check(s).is_some(), Email::is_valid(s), "{s}");
        }
        for b in bad {
            assert!(check.check("x@b.org").is_some());
            assert!(check.check("y@c.org").is_some());
            assert!(check.check(b).is_none(), "{b} after good ones");
        }
        assert_eq!(
            Email::parse(" A@B.ORG ").map(|e| e.as_str().to_owned()),
            Ok("a@b.org".into())
        );
    }

    #[test]
    fn grade_codes_round_trip() {
        for code in 0..=13 {
            let g = Grade::from_code(code).expect("code");
            assert_eq!(Grade::parse(g.as_str()).map(GradeParse::grade), Ok(g));
        }
    }

    #[test]
    fn folds_names() {
        let mut out = String::new();
        fold_ascii("Lefèvre-Øst", &mut out);
        assert_eq!(out, "lefevreost");
    }
}
