//! A validation in parts. A file cut at row boundaries is validated part by part, side by side
//! (the browser's workers), each part by a validator of its own; every part after the first is
//! turned into a [`Part`] — bytes, to cross from one worker's memory to another's — and joined,
//! in order, to the first part's validator, which then runs the file rules.
//!
//! The outcome is the one a single validator reading the whole file gives, record for record
//! and issue for issue: a row rule looks at its row alone (numbered in the file by the part's
//! reader), and what spans rows — school and grade values, email domains, the file's warnings —
//! is kept by distinct value in the order first seen, which joining in order keeps. Repeated
//! keys are found after the join, over every record.

use serde::{Deserialize, Serialize};
use thiserror::Error;

use super::grades::LISTED;
use super::records::{Slot, NONE, NO_DOMAIN, TEXTS};
use super::*;
use crate::fields::{Grade, Role};

/// A validated part of a file (its records, issues and what spans rows), to be joined to the
/// parts before it.
#[derive(Debug)]
pub struct Part {
    records: Records,
    meta: Meta,
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct Meta {
    /// Rows of the file before the part, and the last row begun in it (blank rows count).
    rows_before: u32,
    rows_end: u32,
    /// Whether the part's bytes ended between two rows (every part but the file's last must).
    between_rows: bool,
    /// The row issues, in row order (the mapping's own issues are the first part's).
    issues: Vec<Issue>,
    school_values: Vec<SchoolValue>,
    zero_rows: Vec<u32>,
    grade_values: Vec<GradeValue>,
    grade_rows: Vec<Vec<u32>>,
    /// District IDs: how many, all digits, shortest, longest.
    ids: (u32, bool, usize, usize),
    fallback_rows: Vec<u32>,
    staff_grade_rows: Vec<u32>,
    guardian_rows: Vec<u32>,
    students: u32,
    rows: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum PartError {
    #[error("A part of the file arrived damaged ({0}).")]
    Damaged(&'static str),
    #[error("A part of the file begins after row {found}, where row {expected} ended the part before it.")]
    Misaligned { expected: u32, found: u32 },
    #[error("A part of the file ends inside a row: it was not cut between two rows.")]
    NotBetweenRows,
    #[error("A file with fixes is read in one piece.")]
    WithFixes,
    #[error("The context of a part of the file could not be read: {0}")]
    Context(String),
}

const MAGIC: &[u8; 4] = b"RCP1";
const SLOT_BYTES: usize = 4 * 4 + 2 * TEXTS + 6;

impl Part {
    /// Rows of the file before the part.
    pub fn rows_before(&self) -> u32 {
        self.meta.rows_before
    }

    /// Whether the part's bytes ended between two rows.
    pub fn ends_between_rows(&self) -> bool {
        self.meta.between_rows
    }

    /// Rows read in the part (blank rows aside).
    pub fn rows(&self) -> u32 {
        self.meta.rows
    }

    /// The last row begun in the part (the next part begins after it).
    pub fn rows_end(&self) -> u32 {
        self.meta.rows_end
    }

    pub fn encode(&self) -> Result<Vec<u8>, PartError> {
        let meta = serde_json::to_vec(&self.meta).map_err(|_| PartError::Damaged("summary"))?;
        let r = &self.records;
        let mut out = Vec::with_capacity(
            16 + meta.len() + r.text.len() + r.slots.len() * SLOT_BYTES + r.domains.len() * 24,
        );
        out.extend_from_slice(MAGIC);
        put_bytes(&mut out, &meta);
        put_bytes(&mut out, r.text.as_bytes());
        put_len(&mut out, r.domains.len());
        for d in &r.domains {
            put_bytes(&mut out, d.as_bytes());
        }
        put_len(&mut out, r.slots.len());
        for s in &r.slots {
            for v in [s.row, s.start, s.school, s.domain] {
                out.extend_from_slice(&v.to_le_bytes());
            }
            for l in s.lens {
                out.extend_from_slice(&l.to_le_bytes());
            }
            out.extend_from_slice(&[
                s.role,
                s.grade,
                s.status,
                s.limited_english,
                s.econ_disadvantaged,
                u8::from(s.has_error),
            ]);
        }
        Ok(out)
    }

    /// Reads a part back, checking every record's texts and codes (a damaged part is refused,
    /// never read as other values).
    pub fn decode(bytes: &[u8]) -> Result<Part, PartError> {
        let mut c = Cursor(bytes);
        if c.take(4, "magic")? != MAGIC {
            return Err(PartError::Damaged("magic"));
        }
        let meta: Meta = serde_json::from_slice(c.bytes("summary")?)
            .map_err(|_| PartError::Damaged("summary"))?;
        let text = std::str::from_utf8(c.bytes("text")?)
            .map_err(|_| PartError::Damaged("text"))?
            .to_owned();
        let mut records = Records {
            text,
            ..Records::default()
        };
        for _ in 0..c.len("domains")? {
            let d = std::str::from_utf8(c.bytes("domain")?)
                .map_err(|_| PartError::Damaged("domain"))?;
            let id = records.domains.len() as u32;
            records.domains.push(d.into());
            records.domain_ids.insert(d.into(), id);
        }
        let n = c.len("records")?;
        if n > c.0.len() / SLOT_BYTES {
            return Err(PartError::Damaged("records"));
        }
        records.slots.reserve(n);
        let schools = meta.school_values.len() as u32;
        let domains = records.domains.len() as u32;
        for _ in 0..n {
            let b = c.take(SLOT_BYTES, "record")?;
            let u = |i: usize| {
                let w = b.get(4 * i..4 * i + 4).and_then(|w| w.try_into().ok());
                w.map_or(u32::MAX, u32::from_le_bytes)
            };
            let mut lens = [0u16; TEXTS];
            for (i, l) in lens.iter_mut().enumerate() {
                let at = 16 + 2 * i;
                *l = b
                    .get(at..at + 2)
                    .map_or(0, |w| u16::from_le_bytes([w[0], w[1]]));
            }
            let tail = b.get(16 + 2 * TEXTS..).unwrap_or(&[]);
            let [role, grade, status, le, ed, err] = tail else {
                return Err(PartError::Damaged("record"));
            };
            let slot = Slot {
                row: u(0),
                start: u(1),
                school: u(2),
                domain: u(3),
                lens,
                role: *role,
                grade: *grade,
                status: *status,
                limited_english: *le,
                econ_disadvantaged: *ed,
                has_error: *err == 1,
            };
            let codes_ok = (slot.role == NONE || Role::from_code(slot.role).is_some())
                && (slot.grade == NONE || Grade::from_code(slot.grade).is_some())
                && slot.status <= 1
                && [*le, *ed].iter().all(|&x| x <= 1 || x == NONE)
                && *err <= 1;
            let refs_ok = (slot.school == u32::MAX || slot.school < schools)
                && (slot.domain == NO_DOMAIN || slot.domain < domains)
                && slot.row > meta.rows_before
                && slot.row <= meta.rows_end;
            if !codes_ok || !refs_ok || !texts_ok(&records.text, &slot) {
                return Err(PartError::Damaged("record"));
            }
            records.slots.push(slot);
        }
        if !c.0.is_empty() {
            return Err(PartError::Damaged("length"));
        }
        Ok(Part { records, meta })
    }
}

/// Whether each of a record's texts lies inside the arena, on character boundaries.
fn texts_ok(text: &str, s: &Slot) -> bool {
    let mut at = s.start as usize;
    text.is_char_boundary(at)
        && s.lens.iter().all(|&l| {
            at += usize::from(l);
            text.is_char_boundary(at)
        })
}

fn put_len(out: &mut Vec<u8>, n: usize) {
    out.extend_from_slice(&(n as u32).to_le_bytes());
}

fn put_bytes(out: &mut Vec<u8>, b: &[u8]) {
    put_len(out, b.len());
    out.extend_from_slice(b);
}

struct Cursor<'a>(&'a [u8]);

impl<'a> Cursor<'a> {
    fn take(&mut self, n: usize, what: &'static str) -> Result<&'a [u8], PartError> {
        if n > self.0.len() {
            return Err(PartError::Damaged(what));
        }
        let (head, rest) = self.0.split_at(n);
        self.0 = rest;
        Ok(head)
    }
    fn len(&mut self, what: &'static str) -> Result<usize, PartError> {
        let b = self.take(4, what)?;
        Ok(u32::from_le_bytes([b[0], b[1], b[2], b[3]]) as usize)
    }
    fn bytes(&mut self, what: &'static str) -> Result<&'a [u8], PartError> {
        let n = self.len(what)?;
        self.take(n, what)
    }
}

impl Records {
    /// Appends a later part's records: texts moved, domains renumbered into this store's (a
    /// domain new here numbered in the order the part first saw it), schools by `schools`
    /// (the part's school number → this validator's).
    fn append(&mut self, other: Records, schools: &[u32]) {
        let Records {
            text,
            slots,
            domains,
            ..
        } = other;
        let domain_map: Vec<u32> = domains
            .iter()
            .map(|d| match self.domain_ids.get(d) {
                Some(&id) => id,
                None => {
                    let id = self.domains.len() as u32;
                    self.domains.push(d.clone());
                    self.domain_ids.insert(d.clone(), id);
                    id
                }
            })
            .collect();
        let base = self.text.len() as u32;
        self.text.push_str(&text);
        self.slots.reserve(slots.len());
        self.slots.extend(slots.into_iter().map(|mut s| {
            s.start += base;
            s.school = schools.get(s.school as usize).copied().unwrap_or(u32::MAX);
            s.domain = domain_map
                .get(s.domain as usize)
                .copied()
                .unwrap_or(NO_DOMAIN);
            s
        }));
        // No address is stored after a join: nothing may take the last one's domain as a hint.
        self.last_domain = NO_DOMAIN;
    }
}

impl Validator {
    /// This validator's rows as a part of a file: begun after row `rows_before`, ended at row
    /// `rows_end` (blank rows counted), between two rows or not.
    pub fn into_part(mut self, rows_before: u32, rows_end: u32, between_rows: bool) -> Part {
        let s = &self.id_stats;
        let ids = (s.count, s.all_digits, s.min, s.max);
        let grades = std::mem::take(&mut self.grades);
        let meta = Meta {
            rows_before,
            rows_end,
            between_rows,
            issues: self
                .issues
                .split_off(self.setup_issues.min(self.issues.len())),
            school_values: self.school_values,
            zero_rows: grades.zero_rows,
            grade_values: grades.unknown,
            grade_rows: grades.rows,
            ids,
            fallback_rows: self.fallback_rows,
            staff_grade_rows: self.staff_grade_rows,
            guardian_rows: self.guardian_rows,
            students: self.students,
            rows: self.rows,
        };
        Part {
            records: self.records,
            meta,
        }
    }

    /// Joins the next part of the file (in order) to the rows read so far.
    pub fn absorb(&mut self, part: Part) {
        let Part { records, meta } = part;
        let schools: Vec<u32> = meta
            .school_values
            .into_iter()
            .map(|sv| match self.school_index.get(sv.value.as_str()) {
                Some(&i) => {
                    if let Some(v) = self.school_values.get_mut(i as usize) {
                        v.count += sv.count;
                    }
                    i
                }
                None => {
                    let i = self.school_values.len() as u32;
                    self.school_index.insert(sv.value.as_str().into(), i);
                    self.school_keys.push(short_key(sv.value.as_bytes()));
                    self.school_values.push(sv);
                    i
                }
            })
            .collect();
        let first = self.records.len();
        self.records.append(records, &schools);
        self.email_check = EmailCheck::default();
        for r in self.records.iter().skip(first) {
            if let Some(id) = r.sis_id() {
                self.ids.insert(key_fingerprint(id, None));
            }
            if let Some((local, domain)) = r.email_key() {
                self.emails.insert(key_fingerprint(local, Some(domain)));
            }
        }
        self.issues.extend(meta.issues);

        let g = &mut self.grades;
        g.zero_rows.extend(meta.zero_rows);
        for (gv, rows) in meta.grade_values.into_iter().zip(meta.grade_rows) {
            match g.index.get(&gv.value).copied() {
                Some(i) => {
                    if let (Some(v), Some(listed)) = (g.unknown.get_mut(i), g.rows.get_mut(i)) {
                        v.count += gv.count;
                        let room = LISTED.saturating_sub(listed.len());
                        listed.extend(rows.into_iter().take(room));
                    }
                }
                None => {
                    g.index.insert(gv.value.clone(), g.unknown.len());
                    g.unknown.push(gv);
                    g.rows.push(rows);
                }
            }
        }

        let (count, all_digits, min, max) = meta.ids;
        let s = &mut self.id_stats;
        s.count += count;
        s.all_digits &= all_digits;
        s.min = s.min.min(min);
        s.max = s.max.max(max);
        self.fallback_rows.extend(meta.fallback_rows);
        self.staff_grade_rows.extend(meta.staff_grade_rows);
        self.guardian_rows.extend(meta.guardian_rows);
        self.students += meta.students;
        self.rows += meta.rows;
    }
}
