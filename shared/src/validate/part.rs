//! A validation in parts. A file cut at row boundaries is validated part by part, side by side
//! (the browser's workers), each part by a validator of its own that numbers its rows from 1;
//! every part after the first is encoded ([`Validator::encode_part`]) — bytes, to cross from one
//! worker's memory to another's — and joined, in order, to the first part's validator
//! ([`Validator::absorb`]), which moves its rows after the rows before it and then runs the file
//! rules.
//!
//! The outcome is the one a single validator reading the whole file gives, record for record
//! and issue for issue: a row rule looks at its row alone and says nothing of its number but in
//! the issue's `row`, and what spans rows — school and grade values, email domains, the file's
//! warnings — is kept by distinct value in the order first seen, which joining in order keeps.
//! Repeated keys are found after the join, over every record.

use serde::{Deserialize, Serialize};
use thiserror::Error;

use super::grades::LISTED;
use super::records::{Slot, NONE, NO_DOMAIN, TEXTS};
use super::*;
use crate::fields::{Grade, Role};

#[derive(Debug, Default, Serialize, Deserialize)]
struct Meta {
    /// The last row begun in the part, numbered from 1 (blank rows count).
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
    #[error("A part of the file ends inside a row: it was not cut between two rows.")]
    NotBetweenRows,
    #[error("A file with fixes is read in one piece.")]
    WithFixes,
    #[error("The context of a part of the file could not be read: {0}")]
    Context(String),
}

const MAGIC: &[u8; 4] = b"RCP2";
const SLOT_BYTES: usize = 4 * 4 + 2 * TEXTS + 6;

/// An encoded part, checked: every record's texts inside the text, on character boundaries, its
/// codes and references valid. It borrows the bytes; [`Validator::absorb`] copies them once.
#[derive(Debug)]
pub struct Part<'a> {
    meta: Meta,
    text: &'a str,
    domains: Vec<&'a str>,
    slots: &'a [u8],
}

impl Part<'_> {
    /// The last row begun in the part, numbered from 1 (blank rows count).
    pub fn rows_end(&self) -> u32 {
        self.meta.rows_end
    }

    /// Whether the part's bytes ended between two rows.
    pub fn ends_between_rows(&self) -> bool {
        self.meta.between_rows
    }

    /// Rows read in the part (blank rows aside).
    pub fn rows(&self) -> u32 {
        self.meta.rows
    }

    /// Reads a part back, checking every record (a damaged part is refused, never read as other
    /// values).
    pub fn decode(bytes: &[u8]) -> Result<Part<'_>, PartError> {
        let mut c = Cursor(bytes);
        if c.take(4, "magic")? != MAGIC {
            return Err(PartError::Damaged("magic"));
        }
        let meta: Meta = serde_json::from_slice(c.bytes("summary")?)
            .map_err(|_| PartError::Damaged("summary"))?;
        let text =
            simdutf8::basic::from_utf8(c.bytes("text")?).map_err(|_| PartError::Damaged("text"))?;
        let mut domains = Vec::new();
        for _ in 0..c.len("domains")? {
            let d = std::str::from_utf8(c.bytes("domain")?)
                .map_err(|_| PartError::Damaged("domain"))?;
            domains.push(d);
        }
        let n = c.len("records")?;
        let slots = c.take(
            n.checked_mul(SLOT_BYTES)
                .ok_or(PartError::Damaged("records"))?,
            "records",
        )?;
        if !c.0.is_empty() {
            return Err(PartError::Damaged("length"));
        }
        let schools = meta.school_values.len() as u32;
        let ok = |s: &Slot| {
            (s.role == NONE || Role::from_code(s.role).is_some())
                && (s.grade == NONE || Grade::from_code(s.grade).is_some())
                && s.status <= 1
                && [s.limited_english, s.econ_disadvantaged]
                    .iter()
                    .all(|&x| x <= 1 || x == NONE)
                && (s.school == u32::MAX || s.school < schools)
                && (s.domain == NO_DOMAIN || (s.domain as usize) < domains.len())
                && s.row >= 1
                && s.row <= meta.rows_end
                && texts_ok(text, s)
        };
        for b in slots.chunks_exact(SLOT_BYTES) {
            match read_slot(b) {
                Some(s) if ok(&s) => {}
                _ => return Err(PartError::Damaged("record")),
            }
        }
        Ok(Part {
            meta,
            text,
            domains,
            slots,
        })
    }
}

/// Whether each of a record's texts lies inside the text, on character boundaries.
fn texts_ok(text: &str, s: &Slot) -> bool {
    let mut at = s.start as usize;
    text.is_char_boundary(at)
        && s.lens.iter().all(|&l| {
            at += usize::from(l);
            text.is_char_boundary(at)
        })
}

/// Writes a record into its `SLOT_BYTES` (stores into a slice sized once: a call per field to
/// grow a vector was most of the encoding's time in wasm).
fn write_slot(b: &mut [u8], s: &Slot) {
    for (i, v) in [s.row, s.start, s.school, s.domain].into_iter().enumerate() {
        if let Some(w) = b.get_mut(4 * i..4 * i + 4) {
            w.copy_from_slice(&v.to_le_bytes());
        }
    }
    for (i, l) in s.lens.into_iter().enumerate() {
        if let Some(w) = b.get_mut(16 + 2 * i..18 + 2 * i) {
            w.copy_from_slice(&l.to_le_bytes());
        }
    }
    if let Some(w) = b.get_mut(16 + 2 * TEXTS..SLOT_BYTES) {
        w.copy_from_slice(&[
            s.role,
            s.grade,
            s.status,
            s.limited_english,
            s.econ_disadvantaged,
            u8::from(s.has_error),
        ]);
    }
}

fn read_slot(b: &[u8]) -> Option<Slot> {
    let u = |i: usize| {
        Some(u32::from_le_bytes(
            b.get(4 * i..4 * i + 4)?.try_into().ok()?,
        ))
    };
    let mut lens = [0u16; TEXTS];
    for (i, l) in lens.iter_mut().enumerate() {
        let at = 16 + 2 * i;
        *l = u16::from_le_bytes(b.get(at..at + 2)?.try_into().ok()?);
    }
    let &[role, grade, status, le, ed, err] = b.get(16 + 2 * TEXTS..)? else {
        return None;
    };
    (err <= 1).then_some(Slot {
        row: u(0)?,
        start: u(1)?,
        school: u(2)?,
        domain: u(3)?,
        lens,
        role,
        grade,
        status,
        limited_english: le,
        econ_disadvantaged: ed,
        has_error: err == 1,
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

impl Validator {
    /// This validator's rows as an encoded part of a file: rows numbered from 1, the last one
    /// begun `rows_end`, the bytes ended between two rows or not.
    pub fn encode_part(mut self, rows_end: u32, between_rows: bool) -> Result<Vec<u8>, PartError> {
        let s = &self.id_stats;
        let ids = (s.count, s.all_digits, s.min, s.max);
        let grades = std::mem::take(&mut self.grades);
        let meta = Meta {
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
        let meta = serde_json::to_vec(&meta).map_err(|_| PartError::Damaged("summary"))?;
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
        let at = out.len();
        out.resize(at + r.slots.len() * SLOT_BYTES, 0);
        for (b, s) in out[at..].chunks_exact_mut(SLOT_BYTES).zip(&r.slots) {
            write_slot(b, s);
        }
        Ok(out)
    }

    /// Joins the next part of the file (in order), its rows moved after the `offset` rows
    /// before it.
    pub fn absorb(&mut self, part: Part<'_>, offset: u32) {
        let Part {
            mut meta,
            text,
            domains,
            slots,
        } = part;
        let shift = |rows: &mut Vec<u32>| rows.iter_mut().for_each(|r| *r += offset);
        let schools: Vec<u32> = meta
            .school_values
            .into_iter()
            .map(|mut sv| match self.school_index.get(sv.value.as_str()) {
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
                    sv.first_row += offset;
                    self.school_values.push(sv);
                    i
                }
            })
            .collect();

        // The records: texts copied once, schools and domains renumbered (a domain new here
        // numbered in the order the part first saw it), keys fingerprinted for the repeats.
        let recs = &mut self.records;
        let domain_map: Vec<u32> = domains
            .iter()
            .map(|&d| match recs.domain_ids.get(d) {
                Some(&id) => id,
                None => {
                    let id = recs.domains.len() as u32;
                    recs.domains.push(d.into());
                    recs.domain_ids.insert(d.into(), id);
                    id
                }
            })
            .collect();
        let base = recs.text.len() as u32;
        recs.text.push_str(text);
        recs.slots.reserve(slots.len() / SLOT_BYTES);
        for b in slots.chunks_exact(SLOT_BYTES) {
            // Checked when decoded.
            let Some(mut s) = read_slot(b) else { continue };
            let at = s.start as usize;
            let id = text.get(at..at + usize::from(s.lens[Text::SisId as usize]));
            if let Some(id) = id.filter(|t| !t.is_empty()) {
                self.ids.insert(key_fingerprint(id, None));
            }
            s.row += offset;
            s.start += base;
            s.school = schools.get(s.school as usize).copied().unwrap_or(u32::MAX);
            s.domain = domain_map
                .get(s.domain as usize)
                .copied()
                .unwrap_or(NO_DOMAIN);
            recs.slots.push(s);
        }
        // No address is stored after a join: nothing may take the last one's domain as a hint.
        recs.last_domain = NO_DOMAIN;
        self.email_check = EmailCheck::default();
        let first = recs.len() - slots.len() / SLOT_BYTES;
        for r in self.records.iter().skip(first) {
            if let Some((local, domain)) = r.email_key() {
                self.emails.insert(key_fingerprint(local, Some(domain)));
            }
        }

        for i in &mut meta.issues {
            i.row = i.row.map(|r| r + offset);
            shift(&mut i.rows);
        }
        self.issues.extend(meta.issues);
        let g = &mut self.grades;
        shift(&mut meta.zero_rows);
        g.zero_rows.extend(meta.zero_rows);
        for (mut gv, mut rows) in meta.grade_values.into_iter().zip(meta.grade_rows) {
            shift(&mut rows);
            match g.index.get(&gv.value).copied() {
                Some(i) => {
                    if let (Some(v), Some(listed)) = (g.unknown.get_mut(i), g.rows.get_mut(i)) {
                        v.count += gv.count;
                        let room = LISTED.saturating_sub(listed.len());
                        listed.extend(rows.into_iter().take(room));
                    }
                }
                None => {
                    gv.first_row += offset;
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
        for (mine, mut theirs) in [
            (&mut self.fallback_rows, meta.fallback_rows),
            (&mut self.staff_grade_rows, meta.staff_grade_rows),
            (&mut self.guardian_rows, meta.guardian_rows),
        ] {
            shift(&mut theirs);
            mine.extend(theirs);
        }
        self.students += meta.students;
        self.rows += meta.rows;
    }
}
