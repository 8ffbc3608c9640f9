//! Normalized records, stored compactly: one text arena and a fixed-size slot per record
//! (~40 bytes plus the text), so a million records cost about the size of their text and
//! building them allocates almost nothing per row. An email address is stored as its local
//! part and the number of its domain, each distinct (lower-cased) domain once: a district's
//! addresses share a handful of domains, which were a third of the text. Every value in here
//! passed its field's parser in `validate`; this module cannot be filled from outside the
//! crate.

use std::fmt;

use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};

use crate::fields::{same_bytes, Email, EmailShape, EmailText, Grade, Role, SisId, Status};

/// Text fields, in slot order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Text {
    SisId = 0,
    FirstName,
    LastName,
    MiddleName,
    Email,
    StateId,
    AltId,
    Password,
    Scope,
}
pub(super) const TEXTS: usize = 9;

#[derive(Debug, Clone, Copy)]
pub(super) struct Slot {
    pub(super) row: u32,
    pub(super) start: u32,
    pub(super) lens: [u16; TEXTS],
    pub(super) school: u32,
    /// Index into `Records::domains`, or `NO_DOMAIN` (no valid email).
    pub(super) domain: u32,
    pub(super) role: u8,
    pub(super) grade: u8,
    pub(super) status: u8,
    pub(super) limited_english: u8,
    pub(super) econ_disadvantaged: u8,
    pub(super) has_error: bool,
}

pub(super) const NONE: u8 = u8::MAX;
pub(super) const NO_DOMAIN: u32 = u32::MAX;

fn tri(b: Option<bool>) -> u8 {
    match b {
        None => NONE,
        Some(false) => 0,
        Some(true) => 1,
    }
}

fn untri(b: u8) -> Option<bool> {
    match b {
        0 => Some(false),
        1 => Some(true),
        _ => None,
    }
}

#[derive(Debug, Clone)]
pub struct Records {
    pub(super) text: String,
    pub(super) slots: Vec<Slot>,
    /// Each distinct email domain once, lower-cased.
    pub(super) domains: Vec<Box<str>>,
    pub(super) domain_ids: FxHashMap<Box<str>, u32>,
    /// The domain of the last address stored. The validator stores every address its
    /// `EmailCheck` finds valid, so "same domain as the last one checked" means this one.
    pub(super) last_domain: u32,
}

impl Default for Records {
    fn default() -> Self {
        Records {
            text: String::new(),
            slots: Vec::new(),
            domains: Vec::new(),
            domain_ids: FxHashMap::default(),
            last_domain: NO_DOMAIN,
        }
    }
}

/// One record being built; texts are appended to the arena as they are validated. The slot is
/// written in place in the store: building it on the stack with byte-wide stores and copying
/// it with wide loads stalled store-to-load forwarding (about a tenth of `Validator::push` in
/// perf annotate).
pub(crate) struct Builder<'r> {
    text: &'r mut String,
    slot: &'r mut Slot,
    index: u32,
    domains: &'r mut Vec<Box<str>>,
    domain_ids: &'r mut FxHashMap<Box<str>, u32>,
    last_domain: &'r mut u32,
}

impl<'r> Builder<'r> {
    pub(crate) fn set(&mut self, t: Text, value: &str) {
        // Unmapped fields are blank on every row: no call to copy nothing.
        if value.is_empty() {
            return;
        }
        // Texts are appended in slot order; each value is bounded by validation (< 64 KiB).
        let len = value.len().min(usize::from(u16::MAX));
        self.text.push_str(value.get(..len).unwrap_or(""));
        self.slot.lens[t as usize] = len as u16;
    }
    /// Sets a valid email address (as `EmailCheck` shaped it), lower-cased; returns its key
    /// as stored: the local part and the domain's number.
    pub(crate) fn set_email(&mut self, value: &str, shape: EmailShape) -> (&str, u32) {
        let start = self.text.len();
        // The whole address is copied and lower-cased where it lands, then cut at its `@`.
        match shape.text {
            EmailText::Lower => self.text.push_str(value),
            EmailText::Ascii => {
                self.text.push_str(value);
                if let Some(t) = self.text.get_mut(start..) {
                    t.make_ascii_lowercase();
                }
            }
            // Lower-casing may move the `@` (it never makes one).
            EmailText::Unicode => self.text.push_str(&value.to_lowercase()),
        }
        let at = match shape.text {
            EmailText::Unicode => self
                .text
                .get(start..)
                .and_then(|t| t.find('@'))
                .map_or(self.text.len(), |i| start + i),
            _ => start + shape.at,
        };
        // The usual address has the previous one's domain (EmailCheck compared it already):
        // no lookup.
        let domain = self.text.get(at + 1..).unwrap_or("");
        let id = if shape.same_domain && *self.last_domain != NO_DOMAIN {
            *self.last_domain
        } else {
            match self.domain_ids.get(domain) {
                Some(&id) => id,
                None => {
                    let id = self.domains.len() as u32;
                    self.domains.push(domain.into());
                    self.domain_ids.insert(domain.into(), id);
                    id
                }
            }
        };
        debug_assert_eq!(
            self.domains.get(id as usize).map(|d| &**d),
            Some(domain),
            "a domain hinted as the last one stored is that one"
        );
        *self.last_domain = id;
        self.slot.domain = id;
        // A valid local part is at most 64 bytes (a little more once lower-cased).
        let len = (at - start).min(usize::from(u16::MAX));
        self.text.truncate(start + len);
        self.slot.lens[Text::Email as usize] = len as u16;
        (self.text.get(start..).unwrap_or(""), id)
    }

    pub(crate) fn role(&mut self, r: Option<Role>) {
        self.slot.role = r.map_or(NONE, Role::code);
    }
    pub(crate) fn grade(&mut self, g: Option<Grade>) {
        self.slot.grade = g.map_or(NONE, Grade::code);
    }
    pub(crate) fn status(&mut self, s: Status) {
        self.slot.status = u8::from(s == Status::Inactive);
    }
    pub(crate) fn flags(&mut self, le: Option<bool>, ed: Option<bool>) {
        self.slot.limited_english = tri(le);
        self.slot.econ_disadvantaged = tri(ed);
    }
    pub(crate) fn school(&mut self, idx: u32) {
        self.slot.school = idx;
    }
    pub(crate) fn error(&mut self) {
        self.slot.has_error = true;
    }
    pub(crate) fn finish(self) -> u32 {
        self.index
    }
}

impl Records {
    /// Starts a record for spreadsheet row `row`. Texts must be set in `Text` order.
    pub(crate) fn start(&mut self, row: u32) -> Builder<'_> {
        let start = self.text.len() as u32;
        let index = self.slots.len() as u32;
        let Records {
            text,
            slots,
            domains,
            domain_ids,
            last_domain,
        } = self;
        let slot = slots.push_mut(Slot {
            row,
            start,
            lens: [0; TEXTS],
            school: u32::MAX,
            domain: NO_DOMAIN,
            role: NONE,
            grade: NONE,
            status: 0,
            limited_english: NONE,
            econ_disadvantaged: NONE,
            has_error: false,
        });
        Builder {
            text,
            slot,
            index,
            domains,
            domain_ids,
            last_domain,
        }
    }

    pub(crate) fn reserve(&mut self, rows: usize, text_bytes: usize) {
        self.slots.reserve(rows);
        self.text.reserve(text_bytes);
    }

    pub(crate) fn mark_error(&mut self, i: u32) {
        if let Some(s) = self.slots.get_mut(i as usize) {
            s.has_error = true;
        }
    }

    pub fn len(&self) -> usize {
        self.slots.len()
    }

    pub fn is_empty(&self) -> bool {
        self.slots.is_empty()
    }

    pub fn get(&self, i: usize) -> Option<RecordRef<'_>> {
        self.slots.get(i).map(|slot| RecordRef { recs: self, slot })
    }

    pub fn iter(&self) -> impl Iterator<Item = RecordRef<'_>> {
        self.slots.iter().map(|slot| RecordRef { recs: self, slot })
    }

    /// Bytes held (for progress and memory reports).
    pub fn heap_bytes(&self) -> usize {
        self.text.capacity()
            + self.slots.capacity() * std::mem::size_of::<Slot>()
            + self.domains.iter().map(|d| 2 * d.len()).sum::<usize>()
    }
}

#[derive(Clone, Copy)]
pub struct RecordRef<'a> {
    recs: &'a Records,
    slot: &'a Slot,
}

impl<'a> RecordRef<'a> {
    pub(crate) fn text(&self, t: Text) -> &'a str {
        let i = t as usize;
        let off: usize = self.slot.lens[..i].iter().map(|&l| usize::from(l)).sum();
        let start = self.slot.start as usize + off;
        self.recs
            .text
            .get(start..start + usize::from(self.slot.lens[i]))
            .unwrap_or("")
    }
    fn opt(&self, t: Text) -> Option<&'a str> {
        Some(self.text(t)).filter(|s| !s.is_empty())
    }
    pub fn row(&self) -> u32 {
        self.slot.row
    }
    pub fn has_error(&self) -> bool {
        self.slot.has_error
    }
    pub fn sis_id(&self) -> Option<&'a str> {
        self.opt(Text::SisId)
    }
    pub fn email(&self) -> Option<EmailRef<'a>> {
        let domain = self.recs.domains.get(self.slot.domain as usize)?;
        Some(EmailRef {
            local: self.text(Text::Email),
            domain,
        })
    }
    /// The address's key as stored: its local part and its domain's number in this file
    /// (equal keys, equal addresses).
    pub(crate) fn email_key(&self) -> Option<(&'a str, u32)> {
        (self.slot.domain != NO_DOMAIN).then(|| (self.text(Text::Email), self.slot.domain))
    }
    pub fn first_name(&self) -> &'a str {
        self.text(Text::FirstName)
    }
    pub fn last_name(&self) -> &'a str {
        self.text(Text::LastName)
    }
    pub fn middle_name(&self) -> Option<&'a str> {
        self.opt(Text::MiddleName)
    }
    pub fn state_id(&self) -> Option<&'a str> {
        self.opt(Text::StateId)
    }
    pub fn alt_id(&self) -> Option<&'a str> {
        self.opt(Text::AltId)
    }
    pub fn password(&self) -> Option<&'a str> {
        self.opt(Text::Password)
    }
    pub fn scope(&self) -> Option<&'a str> {
        self.opt(Text::Scope)
    }
    pub fn role(&self) -> Option<Role> {
        Role::from_code(self.slot.role)
    }
    pub fn grade(&self) -> Option<Grade> {
        Grade::from_code(self.slot.grade)
    }
    pub fn status(&self) -> Status {
        if self.slot.status == 1 {
            Status::Inactive
        } else {
            Status::Active
        }
    }
    pub fn limited_english(&self) -> Option<bool> {
        untri(self.slot.limited_english)
    }
    pub fn econ_disadvantaged(&self) -> Option<bool> {
        untri(self.slot.econ_disadvantaged)
    }
    /// Index into `Validation::school_values`.
    pub fn school_index(&self) -> Option<usize> {
        (self.slot.school != u32::MAX).then_some(self.slot.school as usize)
    }

    /// The record as owned, typed values (for the wire and for tests).
    pub fn to_record(&self, school: Option<&str>) -> Record {
        Record {
            row: self.row(),
            sis_id: self.sis_id().and_then(|s| SisId::parse(s).ok()),
            email: self.email().and_then(|e| Email::parse(&e.to_string()).ok()),
            first_name: self.first_name().to_owned(),
            last_name: self.last_name().to_owned(),
            middle_name: self.middle_name().map(str::to_owned),
            role: self.role(),
            grade: self.grade(),
            school: school.map(str::to_owned),
            state_id: self.state_id().map(str::to_owned),
            alt_id: self.alt_id().map(str::to_owned),
            limited_english: self.limited_english(),
            econ_disadvantaged: self.econ_disadvantaged(),
            status: self.status(),
            password: self.password().map(str::to_owned),
            scope: self.scope().map(str::to_owned),
        }
    }
}

impl std::fmt::Debug for RecordRef<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Record")
            .field("row", &self.row())
            .field("district_id", &self.sis_id())
            .field("email", &self.email().map(|e| e.to_string()))
            .field("first_name", &self.first_name())
            .field("last_name", &self.last_name())
            .finish_non_exhaustive()
    }
}

/// A stored email address, lower-cased: its local part and its domain, kept apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EmailRef<'a> {
    local: &'a str,
    domain: &'a str,
}

impl<'a> EmailRef<'a> {
    pub fn local(&self) -> &'a str {
        self.local
    }
    pub fn domain(&self) -> &'a str {
        self.domain
    }
    /// Appends the whole address to `out`.
    pub fn push_to(&self, out: &mut String) {
        out.push_str(self.local);
        out.push('@');
        out.push_str(self.domain);
    }
}

impl fmt::Display for EmailRef<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}@{}", self.local, self.domain)
    }
}

impl PartialEq<str> for EmailRef<'_> {
    fn eq(&self, other: &str) -> bool {
        let (l, o) = (self.local.len(), other.as_bytes());
        o.len() == l + 1 + self.domain.len()
            && o.get(l) == Some(&b'@')
            && o.get(..l)
                .is_some_and(|x| same_bytes(x, self.local.as_bytes()))
            && o.get(l + 1..)
                .is_some_and(|x| same_bytes(x, self.domain.as_bytes()))
    }
}

/// A normalized record as owned, typed values.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Record {
    pub row: u32,
    #[serde(rename = "district_id")]
    pub sis_id: Option<SisId>,
    pub email: Option<Email>,
    pub first_name: String,
    pub last_name: String,
    pub middle_name: Option<String>,
    pub role: Option<Role>,
    pub grade: Option<Grade>,
    /// The school's SIS code once resolved, else the file's value.
    pub school: Option<String>,
    pub state_id: Option<String>,
    pub alt_id: Option<String>,
    pub limited_english: Option<bool>,
    pub econ_disadvantaged: Option<bool>,
    pub status: Status,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub password: Option<String>,
    pub scope: Option<String>,
}
