//! Rows → normalized records and issues. [`Validator`] takes rows one at a time (as the reader
//! produces them) and keeps only the normalized records, fingerprints of the keys, and the
//! distinct school values; [`Validator::finish`] runs the file-wide rules (duplicates, id
//! lengths, schools) and returns a [`Validation`].
//!
//! Rules live here once: the browser's preview and the server's check call the same code.

mod file_rules;
mod grades;
pub use grades::{grade_key, GradeValue};
mod setup;
mod sources;
mod validation;

pub use validation::{Context, SchoolValue, Summary, Validation};
mod issue;
mod names;
mod part;
pub use part::{Part, PartError};
mod records;
mod repeats;
mod rules;

use names::rows_list;
use rules::{Key, RowIssues};
use sources::{Sources, FIELDS};

use issue::issue;
pub use issue::{Issue, IssueCode, Severity};
pub use records::{EmailRef, Record, RecordRef, Records};

use std::collections::BTreeMap;

use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};

pub use crate::fields::{is_formula_like, needs_escape, unescape_formula};
use crate::fingerprint;

use crate::fields::{has_control, trim, EmailCheck, Field, Role};
use crate::map::{column_label, Mapping, SchoolDirectory, Source};
use crate::read::{Row, RowProblem};
use records::Text;
use repeats::Repeats;

#[derive(Debug, Default)]
struct IdStats {
    count: u32,
    all_digits: bool,
    min: usize,
    max: usize,
}

pub struct Validator {
    cx: Context,
    sources: Sources,
    records: Records,
    issues: Vec<Issue>,
    /// Issues about the mapping itself, found before the first row (the first of `issues`).
    setup_issues: usize,
    ids: Repeats,
    emails: Repeats,
    school_index: FxHashMap<Box<str>, u32>,
    school_values: Vec<SchoolValue>,
    /// `short_key` of each school value, in the same order.
    school_keys: Vec<(u64, usize)>,
    id_stats: IdStats,
    fallback_rows: Vec<u32>,
    staff_grade_rows: Vec<u32>,
    /// Rows of guardians, parents and relatives (OneRoster lists them with users): skipped.
    guardian_rows: Vec<u32>,
    grades: grades::GradeBook,
    students: u32,
    rows: u32,
    labels: BTreeMap<Field, String>,
    role_const: Option<Role>,
    email_check: EmailCheck,
}

/// The first of a list of values in one cell (`org-1,org-2` → `org-1`).
#[inline]
fn first_of_list(raw: &str) -> &str {
    match memchr::memchr(b',', raw.as_bytes()) {
        Some(i) => trim(&raw[..i]),
        None => raw,
    }
}

/// A value's first eight bytes as one number, and its length: for values of up to eight bytes
/// (a district's school codes) equal keys mean equal values, compared without a call.
fn short_key(v: &[u8]) -> (u64, usize) {
    let head = v
        .iter()
        .take(8)
        .rev()
        .fold(0u64, |k, &b| (k << 8) | u64::from(b));
    (head, v.len())
}

/// The fingerprint of a stored key (the domain's number is mixed in, not its text hashed).
fn key_fingerprint(text: &str, domain: Option<u32>) -> u64 {
    fingerprint(text)
        ^ domain.map_or(0, |d| {
            u64::from(d)
                .wrapping_add(1)
                .wrapping_mul(0x9E37_79B9_7F4A_7C15)
        })
}

impl Validator {
    /// Capacity hint for the expected number of rows (from the file size).
    pub fn reserve(&mut self, rows: usize, text_bytes: usize) {
        self.records.reserve(rows, text_bytes);
        self.ids.reserve(rows);
        if self.sources.is_mapped(Field::Email) {
            self.emails.reserve(rows);
        }
    }

    pub fn push(&mut self, row: Row<'_>) {
        let Validator {
            cx,
            sources,
            records,
            issues,
            setup_issues: _,
            ids,
            emails,
            school_index,
            school_values,
            school_keys,
            id_stats,
            fallback_rows,
            staff_grade_rows,
            guardian_rows,
            grades,
            students,
            rows,
            labels,
            role_const,
            email_check,
        } = self;
        *rows += 1;
        let n = row.number;
        match row.problem {
            Some(RowProblem::TooLong { limit }) => {
                return issue(issues, labels, n, None, Severity::Error, IssueCode::RowTooLong,
                    format!("This row is longer than {} KB, so it was not read.", limit / 1024),
                    Some("A quote that is opened and never closed makes the rest of the file one cell: check the quotes on this row.".into()));
            }
            Some(RowProblem::TooManyFields { limit }) => {
                return issue(
                    issues,
                    labels,
                    n,
                    None,
                    Severity::Error,
                    IssueCode::TooManyFields,
                    format!("This row has more than {limit} fields, so it was not read."),
                    Some("Check that the right delimiter was detected.".into()),
                );
            }
            None => {}
        }
        let expected = cx.columns;
        if row.len() < expected {
            return issue(issues, labels, n, None, Severity::Error, IssueCode::TooFewFields,
                format!("This row has {} fields; {expected} were expected.", row.len()),
                Some("Cells are missing or a delimiter was lost: fix the row so it has a value (or an empty cell) for every column.".into()));
        }
        if row.len() > expected && row.iter().skip(expected).any(|c| !c.trim().is_empty()) {
            return issue(issues, labels, n, None, Severity::Error, IssueCode::TooManyFields,
                format!("This row has {} fields; {expected} were expected.", row.len()),
                Some("A value contains an unquoted delimiter, or cells were shifted: quote the value or remove the extra cells.".into()));
        }
        if row.fallback_decoded {
            fallback_rows.push(n);
        }
        let mut out = RowIssues {
            issues,
            labels,
            row: n,
            errors: 0,
        };

        // Every mapped value of the row, once: trimmed, formula-escape undone; formula-like
        // cells in mapped columns are kept as text and flagged.
        let mut vals: [Option<&str>; FIELDS] = [None; FIELDS];
        for (f, v) in &sources.values {
            vals[*f as usize] = Some(v.as_str());
        }
        // One pass over the row says whether any field holds a control character; only then is
        // each field checked, and the issues are made after the loop.
        let row_control = row.has_control();
        let mut control = 0u32;
        // A guardian, parent or relative is not a user Rollcall keeps: the row is set aside
        // (one warning for the file).
        if let Some(&(_, c)) = sources.columns.iter().find(|(f, _)| *f == Field::Role) {
            if Role::is_guardian(trim(row.get(c).unwrap_or(""))) {
                guardian_rows.push(n);
                return;
            }
        }
        for &(f, c) in &sources.columns {
            let raw = trim(row.get(c).unwrap_or(""));
            // A list where one value is wanted (OneRoster's `orgSourcedIds`, `grades`): its first.
            let raw = match sources.lists[f as usize] {
                true => first_of_list(raw),
                false => raw,
            };
            if is_formula_like(raw) {
                out.warn(f, IssueCode::FormulaLike,
                    format!("{} starts with `{}`, which a spreadsheet would run as a formula; it is kept as plain text.", f.label(), raw.get(..1).unwrap_or("")),
                    Some("Check the value in the SIS; Rollcall writes it with a leading ' in every CSV it exports.".into()));
            }
            if row_control && has_control(raw) {
                control |= 1 << (f as u32);
            }
            vals[f as usize] = Some(unescape_formula(raw));
        }
        if control != 0 {
            for f in Field::ALL
                .into_iter()
                .filter(|f| control & (1 << (*f as u32)) != 0)
            {
                out.err(
                    f,
                    IssueCode::ControlCharacter,
                    format!(
                        "{} holds a line break, tab or other control character.",
                        f.label()
                    ),
                    Some("Remove it in the SIS: every field is one line of plain text.".into()),
                );
            }
        }
        let role = rules::role(&mut out, &vals, *role_const);
        if role == Some(Role::Student) {
            *students += 1;
        }
        let Key {
            sis_id,
            email_raw,
            email_ok,
        } = rules::key(&mut out, &vals, sources, id_stats, email_check);
        rules::staff_email(&mut out, role, email_raw, sources.is_mapped(Field::Email));
        let names = rules::names(&mut out, &vals);
        let grade = rules::grade(&mut out, &vals, role, staff_grade_rows, grades);
        let school = rules::school(&mut out, &vals, school_index, school_values, school_keys);
        let enabled = cx.mapping.enabled.map(|c| trim(row.get(c).unwrap_or("")));
        let (flags, status) = rules::flags_and_status(&mut out, &vals, enabled);
        let other = rules::other_texts(&mut out, &vals);
        let errors = out.errors;

        // Build the record (texts in slot order).
        let mut b = records.start(n);
        b.set(Text::SisId, sis_id.unwrap_or(""));
        b.set(Text::FirstName, names[0]);
        b.set(Text::LastName, names[1]);
        b.set(Text::MiddleName, names[2]);
        // A valid address is stored lower-cased (matching is case-insensitive); an invalid
        // one is not stored.
        if let (Some(v), Some(shape)) = (email_raw, email_ok) {
            let (local, domain) = b.set_email(v, shape);
            emails.insert(key_fingerprint(local, Some(domain)));
        }
        b.set(Text::StateId, other[0]);
        b.set(Text::AltId, other[1]);
        b.set(Text::Password, other[2]);
        b.set(Text::Scope, other[3]);
        b.role(role);
        b.grade(grade);
        b.status(status);
        b.flags(flags[0], flags[1]);
        b.school(school);
        if errors > 0 {
            b.error();
        }
        b.finish();
        if let Some(id) = sis_id {
            ids.insert(key_fingerprint(id, None));
        }
    }
}

#[cfg(test)]
#[path = "tests.rs"]
mod tests;
