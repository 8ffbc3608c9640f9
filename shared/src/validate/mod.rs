//! Rows → normalized records and issues. [`Validator`] takes rows one at a time (as the reader
//! produces them) and keeps only the normalized records, fingerprints of the keys, and the
//! distinct school values; [`Validator::finish`] runs the file-wide rules (duplicates, id
//! lengths, schools) and returns a [`Validation`].
//!
//! Rules live here once: the browser's preview and the server's check call the same code.

mod file_rules;
mod setup;
mod sources;
mod validation;

pub use validation::{Context, SchoolValue, Summary, Validation};
mod issue;
mod names;
mod records;
mod repeats;

use names::{bad_name_case, capitalize, rows_list};
use sources::{Sources, FIELDS};

use issue::issue;
pub use issue::{Issue, IssueCode, Severity};
pub use records::{EmailRef, Record, RecordRef, Records};

use std::collections::BTreeMap;

use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};

pub use crate::fields::{is_formula_like, needs_escape, unescape_formula};
use crate::fingerprint;

use crate::fields::{
    has_control, parse_bool, trim, EmailCheck, Field, Grade, GradeError, GradeParse, Name, Role,
    RoleError, SchoolCode, Scope, SisId, SisIdError, Status, TextFault, TextRule, MAX_NAME,
    MAX_TEXT,
};
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
    ids: Repeats,
    emails: Repeats,
    school_index: FxHashMap<Box<str>, u32>,
    school_values: Vec<SchoolValue>,
    /// `short_key` of each school value, in the same order.
    school_keys: Vec<(u64, usize)>,
    id_stats: IdStats,
    fallback_rows: Vec<u32>,
    staff_grade_rows: Vec<u32>,
    students: u32,
    rows: u32,
    labels: BTreeMap<Field, String>,
    role_const: Option<Role>,
    email_check: EmailCheck,
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
            ids,
            emails,
            school_index,
            school_values,
            school_keys,
            id_stats,
            fallback_rows,
            staff_grade_rows,
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
                    format!("Row {n} is longer than {} KB, so it was not read.", limit / 1024),
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
                    format!("Row {n} has more than {limit} fields, so it was not read."),
                    Some("Check that the right delimiter was detected.".into()),
                );
            }
            None => {}
        }
        let expected = cx.columns;
        if row.len() < expected {
            return issue(issues, labels, n, None, Severity::Error, IssueCode::TooFewFields,
                format!("Row {n} has {} fields; {expected} were expected.", row.len()),
                Some("Cells are missing or a delimiter was lost: fix the row so it has a value (or an empty cell) for every column.".into()));
        }
        if row.len() > expected && row.iter().skip(expected).any(|c| !c.trim().is_empty()) {
            return issue(issues, labels, n, None, Severity::Error, IssueCode::TooManyFields,
                format!("Row {n} has {} fields; {expected} were expected.", row.len()),
                Some("A value contains an unquoted delimiter, or cells were shifted: quote the value or remove the extra cells.".into()));
        }
        if row.fallback_decoded {
            fallback_rows.push(n);
        }
        let mut errors = 0u32;
        macro_rules! err {
            ($f:expr, $code:expr, $msg:expr, $sug:expr) => {{
                errors += 1;
                issue(issues, labels, n, $f, Severity::Error, $code, $msg, $sug)
            }};
        }
        macro_rules! warn {
            ($f:expr, $code:expr, $msg:expr, $sug:expr) => {
                issue(issues, labels, n, $f, Severity::Warning, $code, $msg, $sug)
            };
        }

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
        for &(f, c) in &sources.columns {
            let raw = trim(row.get(c).unwrap_or(""));
            if is_formula_like(raw) {
                warn!(Some(f), IssueCode::FormulaLike,
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
                err!(
                    Some(f),
                    IssueCode::ControlCharacter,
                    format!(
                        "{} holds a line break, tab or other control character.",
                        f.label()
                    ),
                    Some("Remove it in the SIS: every field is one line of plain text.".into())
                );
            }
        }
        let cell = |f: Field| vals[f as usize];

        // Role first: other rules depend on it.
        let role = match (*role_const, cell(Field::Role)) {
            (Some(r), _) => Some(r),
            (None, Some(v)) => match Role::parse(v) {
                Ok(r) => Some(r),
                Err(RoleError::Blank) => {
                    err!(Some(Field::Role), IssueCode::MissingRequired, "Role is blank.".into(),
                        Some("Give a role: student, teacher, staff or admin (User Type 0 = student, 1 = staff).".into()));
                    None
                }
                Err(e) => {
                    err!(Some(Field::Role), IssueCode::InvalidRole, format!("{}.", capitalize(&e.to_string())),
                        Some("Use student, teacher, staff or admin (or User Type 0 = student, 1 = staff).".into()));
                    None
                }
            },
            (None, None) => None,
        };
        if role == Some(Role::Student) {
            *students += 1;
        }

        // Key: sis_id, else email.
        let sis_id = match cell(Field::SisId) {
            Some(v) => match SisId::check(v) {
                Ok(id) => {
                    let s = &mut *id_stats;
                    s.count += 1;
                    s.all_digits &= id.bytes().all(|c| c.is_ascii_digit());
                    s.min = s.min.min(id.len());
                    s.max = s.max.max(id.len());
                    Some(id)
                }
                Err(SisIdError::Blank) => None,
                Err(SisIdError::ScientificNotation(x)) => {
                    err!(Some(Field::SisId), IssueCode::IdScientificNotation,
                        format!("District ID `{x}` is in scientific notation: a spreadsheet rewrote the real ID."),
                        Some("Re-export from the SIS, or format the column as Text in the spreadsheet before saving.".into()));
                    None
                }
                Err(e) => {
                    err!(
                        Some(Field::SisId),
                        IssueCode::InvalidDistrictId,
                        format!("{}.", capitalize(&e.to_string())),
                        None
                    );
                    None
                }
            },
            None => None,
        };
        let district_id_errored =
            errors > 0 && sis_id.is_none() && cell(Field::SisId).is_some_and(|v| !v.is_empty());

        let email_raw = cell(Field::Email).filter(|v| !v.is_empty());
        let mut email_ok = None;
        if let Some(v) = email_raw {
            email_ok = email_check.check(v);
            if email_ok.is_none() {
                let suggestion = if v.contains(' ') {
                    "Remove the spaces inside the address."
                } else if !v.contains('@') {
                    "An address needs an @ and a domain, like name@school.org."
                } else {
                    "Correct the address in the SIS."
                };
                err!(
                    Some(Field::Email),
                    IssueCode::InvalidEmail,
                    format!("`{v}` is not a valid email address."),
                    Some(suggestion.into())
                );
            }
        }
        let email_col = sources.is_mapped(Field::Email);
        if sis_id.is_none() && !district_id_errored {
            if sources.is_mapped(Field::SisId) {
                if email_ok.is_some() {
                    warn!(Some(Field::SisId), IssueCode::EmailAsKey,
                        "District ID is blank: the email address is this user's matching key.".into(),
                        Some("Fill in the District ID so that a later email change keeps the user's history.".into()));
                } else if email_raw.is_none() {
                    err!(Some(Field::SisId), IssueCode::MissingKey,
                        "District ID and email are both blank: the row has no key to match a user by.".into(),
                        Some("Fill in the District ID or the email address.".into()));
                }
            } else if email_col && email_raw.is_none() {
                err!(Some(Field::Email), IssueCode::MissingKey,
                    "Email is blank, and the file has no sis_id column: the row has no key to match a user by.".into(),
                    Some("Fill in the email address, or map a District ID column.".into()));
            }
        }
        if let Some(r) = role.filter(|r| r.is_staff()) {
            if email_raw.is_none() {
                let (msg, sug) = if email_col {
                    (
                        format!(
                            "Email is required for staff ({}), and this row has none.",
                            r.as_str()
                        ),
                        "Add the staff member's email address.",
                    )
                } else {
                    (format!("Email is required for staff ({}), and the file has no email column.", r.as_str()),
                     "Map a column of email addresses in the field-mapping step, or add one to the file.")
                };
                err!(
                    Some(Field::Email),
                    IssueCode::EmailRequiredForStaff,
                    msg,
                    Some(sug.into())
                );
            }
        }

        // Names. A middle name may be blank (about as often as not: no branch on that).
        let mut names = [""; 3];
        let too_long = |f: Field| format!("{} is longer than {MAX_NAME} characters.", f.label());
        if let Some(v) = cell(Field::MiddleName) {
            if Name::RULE.fault(v) == Some(TextFault::TooLong) {
                err!(
                    Some(Field::MiddleName),
                    IssueCode::TooLong,
                    too_long(Field::MiddleName),
                    None
                );
            } else {
                names[2] = v;
            }
        }
        for (i, f) in [Field::FirstName, Field::LastName].into_iter().enumerate() {
            let Some(v) = cell(f) else {
                continue;
            };
            match Name::RULE.fault(v) {
                Some(TextFault::Blank) => err!(
                    Some(f),
                    TextFault::Blank.code(),
                    format!("{} is blank.", f.label()),
                    Some(format!("Fill in the {}.", f.label().to_lowercase()))
                ),
                Some(TextFault::TooLong) => {
                    err!(Some(f), TextFault::TooLong.code(), too_long(f), None)
                }
                None => {
                    if bad_name_case(v) {
                        let all_caps = !v.chars().any(char::is_lowercase);
                        warn!(Some(f), IssueCode::NameCase,
                        format!("{} `{v}` is all {}.", f.label(), if all_caps { "capitals" } else { "lower case" }),
                        Some("Names are shown as written: write it as it should appear (e.g. Smith).".into()));
                    }
                    names[i] = v;
                }
            }
        }

        // Grade.
        let mut grade = None;
        if let Some(v) = cell(Field::Grade) {
            let is_staff = role.is_some_and(Role::is_staff);
            if is_staff {
                if !v.is_empty() {
                    staff_grade_rows.push(n);
                }
            } else {
                match Grade::parse(v) {
                    Ok(GradeParse::Exact(g)) => grade = Some(g),
                    Ok(GradeParse::SpelledOut(g)) => {
                        grade = Some(g);
                        warn!(
                            Some(Field::Grade),
                            IssueCode::GradeSpelledOut,
                            format!("Grade `{v}` was read as {}.", g.as_str()),
                            Some(format!(
                                "Write the grade as {} in the SIS export to silence this.",
                                g.as_str()
                            ))
                        );
                    }
                    Err(GradeError::Blank) => {
                        if role == Some(Role::Student) {
                            err!(
                                Some(Field::Grade),
                                IssueCode::MissingGrade,
                                "Grade is blank for a student.".into(),
                                Some("Fill in the grade: PK, K or 1–12.".into())
                            );
                        }
                    }
                    Err(GradeError::Invalid(x)) => {
                        err!(
                            Some(Field::Grade),
                            IssueCode::InvalidGrade,
                            format!("`{x}` is not a grade."),
                            Some("Use PK (or Pre-K), K (or KG), or 1–12.".into())
                        );
                    }
                }
            }
        }

        // School: recorded by distinct value, resolved at the end.
        let mut school = u32::MAX;
        if let Some(v) = cell(Field::School) {
            let fault = SchoolCode::RULE.fault(v);
            if fault == Some(TextFault::Blank) {
                err!(
                    Some(Field::School),
                    TextFault::Blank.code(),
                    "School is blank.".into(),
                    Some("Fill in the school's SIS code or name.".into())
                );
            } else if fault == Some(TextFault::TooLong) {
                err!(
                    Some(Field::School),
                    TextFault::TooLong.code(),
                    format!("School is longer than {MAX_TEXT} characters."),
                    None
                );
            } else {
                // A file has a handful of school values, usually codes of a few bytes: those
                // are compared as numbers, every one looked at and the match kept without a
                // branch (which school a row names is as good as random); anything else is
                // hashed.
                let key = short_key(v.as_bytes());
                let seen = if school_values.len() <= 16 && key.1 <= 8 {
                    let mut found = u32::MAX;
                    for (i, &k) in school_keys.iter().enumerate() {
                        found = if k == key { i as u32 } else { found };
                    }
                    (found != u32::MAX).then_some(found)
                } else {
                    school_index.get(v).copied()
                };
                school = match seen {
                    Some(i) => i,
                    None => {
                        let i = school_values.len() as u32;
                        school_index.insert(v.into(), i);
                        school_keys.push(key);
                        school_values.push(SchoolValue {
                            value: v.to_owned(),
                            count: 0,
                            first_row: n,
                            code: None,
                        });
                        i
                    }
                };
                if let Some(sv) = school_values.get_mut(school as usize) {
                    sv.count += 1;
                }
            }
        }

        // Flags and status.
        let mut flags = [None, None];
        for (i, f) in [Field::LimitedEnglish, Field::EconDisadvantaged]
            .into_iter()
            .enumerate()
        {
            if let Some(v) = cell(f) {
                match parse_bool(v) {
                    Ok(b) => flags[i] = b,
                    Err(e) => err!(
                        Some(f),
                        IssueCode::InvalidBoolean,
                        format!("{}.", capitalize(&e.to_string())),
                        Some("Use Y or N.".into())
                    ),
                }
            }
        }
        let mut status = Status::Active;
        if let Some(v) = cell(Field::Status) {
            match Status::parse(v) {
                Ok(Status::Inactive) => {
                    status = Status::Inactive;
                    warn!(
                        Some(Field::Status),
                        IssueCode::InactiveStatus,
                        format!("Status `{v}` is not active: this user will be archived."),
                        Some(
                            "To remove a user, you can also just leave them out of the file."
                                .into()
                        )
                    );
                }
                Ok(Status::Active) => {}
                Err(e) => err!(
                    Some(Field::Status),
                    IssueCode::InvalidStatus,
                    format!("{}.", capitalize(&e.to_string())),
                    Some("Use Active or Inactive (or leave it blank for active).".into())
                ),
            }
        }

        // Other texts.
        let mut other = [""; 4];
        for (i, (f, rule)) in [
            (Field::StateId, crate::fields::Text::RULE),
            (Field::AltId, crate::fields::Text::RULE),
            (Field::Password, TextRule::PASSWORD),
            (Field::Scope, Scope::RULE),
        ]
        .into_iter()
        .enumerate()
        {
            if let Some(v) = cell(f) {
                // Blank is allowed here: an optional value (or the upload's scope) is used.
                if rule.fault(v) == Some(TextFault::TooLong) {
                    let msg = format!("{} is longer than {} characters.", f.label(), rule.max);
                    err!(Some(f), TextFault::TooLong.code(), msg, None);
                } else {
                    other[i] = v;
                }
            }
        }

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
