//! The row rules, one function a field (or a pair of fields that decide together), each
//! reporting through [`RowIssues`]: [`Validator::push`](super::Validator::push) is the driver
//! that reads a row's cells once and calls them in order.

use std::collections::BTreeMap;

use rustc_hash::FxHashMap;

use super::issue::issue;
use super::names::{bad_name_case, capitalize};
use super::sources::{Sources, FIELDS};
use super::{short_key, IdStats, Issue, IssueCode, SchoolValue, Severity};
use crate::fields::{
    parse_bool, EmailCheck, EmailShape, Field, Grade, GradeError, GradeParse, Name, Role,
    RoleError, SchoolCode, Scope, SisId, SisIdError, Status, TextFault, TextRule, MAX_NAME,
    MAX_TEXT,
};

/// A row's mapped values, by field: trimmed, formula escape undone.
pub(super) type Cells<'r> = [Option<&'r str>; FIELDS];

/// Where one row's issues go, and how many errors it has so far.
pub(super) struct RowIssues<'a> {
    pub issues: &'a mut Vec<Issue>,
    pub labels: &'a BTreeMap<Field, String>,
    pub row: u32,
    pub errors: u32,
}

impl RowIssues<'_> {
    #[inline]
    pub fn err(&mut self, f: Field, code: IssueCode, message: String, suggestion: Option<String>) {
        self.errors += 1;
        issue(
            self.issues,
            self.labels,
            self.row,
            Some(f),
            Severity::Error,
            code,
            message,
            suggestion,
        );
    }

    #[inline]
    pub fn warn(&mut self, f: Field, code: IssueCode, message: String, suggestion: Option<String>) {
        issue(
            self.issues,
            self.labels,
            self.row,
            Some(f),
            Severity::Warning,
            code,
            message,
            suggestion,
        );
    }
}

/// The role (a value set for the file wins); other rules depend on it.
#[inline]
pub(super) fn role(out: &mut RowIssues, cells: &Cells, role_const: Option<Role>) -> Option<Role> {
    let cell = |f: Field| cells[f as usize];
    // Role first: other rules depend on it.
    match (role_const, cell(Field::Role)) {
        (Some(r), _) => Some(r),
        (None, Some(v)) => match Role::parse(v) {
            Ok(r) => Some(r),
            Err(RoleError::Blank) => {
                out.err(Field::Role, IssueCode::MissingRequired, "Role is blank.".into(),
                    Some("Give a role: student, teacher, staff or admin (User Type 0 = student, 1 = staff).".into()));
                None
            }
            Err(e) => {
                out.err(Field::Role, IssueCode::InvalidRole, format!("{}.", capitalize(&e.to_string())),
                    Some("Use student, teacher, staff or admin (or User Type 0 = student, 1 = staff).".into()));
                None
            }
        },
        (None, None) => None,
    }
}

/// A row's key as read: the district id (when valid), the email as written, and the email's
/// shape when it is valid.
pub(super) struct Key<'r> {
    pub sis_id: Option<&'r str>,
    pub email_raw: Option<&'r str>,
    pub email_ok: Option<EmailShape>,
}

/// The key: the district id, else the email; one of them is needed.
#[inline]
pub(super) fn key<'r>(
    out: &mut RowIssues,
    cells: &Cells<'r>,
    sources: &Sources,
    id_stats: &mut IdStats,
    email_check: &mut EmailCheck,
) -> Key<'r> {
    let cell = |f: Field| cells[f as usize];
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
                out.err(Field::SisId, IssueCode::IdScientificNotation,
                    format!("District ID `{x}` is in scientific notation: a spreadsheet rewrote the real ID."),
                    Some("Re-export from the SIS, or format the column as Text in the spreadsheet before saving.".into()));
                None
            }
            Err(SisIdError::Date(x)) => {
                out.err(Field::SisId, IssueCode::IdAsDate,
                    format!("District ID `{x}` is a date: a spreadsheet read the real ID as one."),
                    Some("Re-export from the SIS, or format the column as Text in the spreadsheet before saving.".into()));
                None
            }
            Err(e) => {
                out.err(
                    Field::SisId,
                    IssueCode::InvalidDistrictId,
                    format!("{}.", capitalize(&e.to_string())),
                    None,
                );
                None
            }
        },
        None => None,
    };
    let district_id_errored =
        out.errors > 0 && sis_id.is_none() && cell(Field::SisId).is_some_and(|v| !v.is_empty());

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
            out.err(
                Field::Email,
                IssueCode::InvalidEmail,
                format!("`{v}` is not a valid email address."),
                Some(suggestion.into()),
            );
        }
    }
    let email_col = sources.is_mapped(Field::Email);
    if sis_id.is_none() && !district_id_errored {
        if sources.is_mapped(Field::SisId) {
            if email_ok.is_some() {
                out.warn(Field::SisId, IssueCode::EmailAsKey,
                    "District ID is blank: the email address is this user's matching key.".into(),
                    Some("Fill in the District ID so that a later email change keeps the user's history.".into()));
            } else if email_raw.is_none() {
                out.err(
                    Field::SisId,
                    IssueCode::MissingKey,
                    "District ID and email are both blank: the row has no key to match a user by."
                        .into(),
                    Some("Fill in the District ID or the email address.".into()),
                );
            }
        } else if email_col && email_raw.is_none() {
            out.err(Field::Email, IssueCode::MissingKey,
                "Email is blank, and the file has no sis_id column: the row has no key to match a user by.".into(),
                Some("Fill in the email address, or map a District ID column.".into()));
        }
    }
    Key {
        sis_id,
        email_raw,
        email_ok,
    }
}

/// Staff need an email (it is how they sign in and get their set-password link).
#[inline]
pub(super) fn staff_email(
    out: &mut RowIssues,
    role: Option<Role>,
    email_raw: Option<&str>,
    email_col: bool,
) {
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
            out.err(
                Field::Email,
                IssueCode::EmailRequiredForStaff,
                msg,
                Some(sug.into()),
            );
        }
    }
}

/// First, last and middle name, in that order.
#[inline]
pub(super) fn names<'r>(out: &mut RowIssues, cells: &Cells<'r>) -> [&'r str; 3] {
    let cell = |f: Field| cells[f as usize];
    // Names. A middle name may be blank (about as often as not: no branch on that).
    let mut names = [""; 3];
    let too_long = |f: Field| format!("{} is longer than {MAX_NAME} characters.", f.label());
    if let Some(v) = cell(Field::MiddleName) {
        if Name::RULE.fault(v) == Some(TextFault::TooLong) {
            out.err(
                Field::MiddleName,
                IssueCode::TooLong,
                too_long(Field::MiddleName),
                None,
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
            Some(TextFault::Blank) => out.err(
                f,
                TextFault::Blank.code(),
                format!("{} is blank.", f.label()),
                Some(format!("Fill in the {}.", f.label().to_lowercase())),
            ),
            Some(TextFault::TooLong) => out.err(f, TextFault::TooLong.code(), too_long(f), None),
            None => {
                if bad_name_case(v) {
                    let all_caps = !v.chars().any(char::is_lowercase);
                    out.warn(f, IssueCode::NameCase,
                    format!("{} `{v}` is all {}.", f.label(), if all_caps { "capitals" } else { "lower case" }),
                    Some("Names are shown as written: write it as it should appear (e.g. Smith).".into()));
                }
                names[i] = v;
            }
        }
    }

    names
}

/// A student's grade (staff have none: a staff row's grade is noted for the file).
#[inline]
pub(super) fn grade(
    out: &mut RowIssues,
    cells: &Cells,
    role: Option<Role>,
    staff_grade_rows: &mut Vec<u32>,
    book: &mut super::grades::GradeBook,
) -> Option<Grade> {
    let cell = |f: Field| cells[f as usize];
    let n = out.row;
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
                    out.warn(
                        Field::Grade,
                        IssueCode::GradeSpelledOut,
                        format!("Grade `{v}` was read as {}.", g.as_str()),
                        Some(format!(
                            "Write the grade as {} in the SIS export to silence this.",
                            g.as_str()
                        )),
                    );
                }
                Err(GradeError::Blank) => {
                    if role == Some(Role::Student) {
                        out.err(
                            Field::Grade,
                            IssueCode::MissingGrade,
                            "Grade is blank for a student.".into(),
                            Some("Fill in the grade: PK, K or 1–12.".into()),
                        );
                    }
                }
                Err(GradeError::Invalid(x)) => {
                    // The admin's mapping, asked only of a value that is not a grade (never on
                    // the usual row); else reported once per distinct value at the end.
                    grade = book.mapped(&x).or_else(|| book.not_a_grade(&x, n));
                    if grade.is_none() {
                        out.errors += 1;
                    }
                }
            }
        }
    }

    grade
}

/// The school, recorded by distinct value (resolved at the end): its index, or `u32::MAX`.
#[inline]
pub(super) fn school(
    out: &mut RowIssues,
    cells: &Cells,
    school_index: &mut FxHashMap<Box<str>, u32>,
    school_values: &mut Vec<SchoolValue>,
    school_keys: &mut Vec<(u64, usize)>,
) -> u32 {
    let cell = |f: Field| cells[f as usize];
    let n = out.row;
    // School: recorded by distinct value, resolved at the end.
    let mut school = u32::MAX;
    if let Some(v) = cell(Field::School) {
        let fault = SchoolCode::RULE.fault(v);
        if fault == Some(TextFault::Blank) {
            out.err(
                Field::School,
                TextFault::Blank.code(),
                "School is blank.".into(),
                Some("Fill in the school's SIS code or name.".into()),
            );
        } else if fault == Some(TextFault::TooLong) {
            out.err(
                Field::School,
                TextFault::TooLong.code(),
                format!("School is longer than {MAX_TEXT} characters."),
                None,
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

    school
}

/// The two yes/no flags, and the status.
#[inline]
pub(super) fn flags_and_status(
    out: &mut RowIssues,
    cells: &Cells,
    enabled: Option<&str>,
) -> ([Option<bool>; 2], Status) {
    let cell = |f: Field| cells[f as usize];
    // Flags and status.
    let mut flags = [None, None];
    for (i, f) in [Field::LimitedEnglish, Field::EconDisadvantaged]
        .into_iter()
        .enumerate()
    {
        if let Some(v) = cell(f) {
            match parse_bool(v) {
                Ok(b) => flags[i] = b,
                Err(e) => out.err(
                    f,
                    IssueCode::InvalidBoolean,
                    format!("{}.", capitalize(&e.to_string())),
                    Some("Use Y or N.".into()),
                ),
            }
        }
    }
    let mut status = Status::Active;
    if let Some(v) = cell(Field::Status) {
        match Status::parse(v) {
            Ok(Status::Inactive) => {
                status = Status::Inactive;
                out.warn(
                    Field::Status,
                    IssueCode::InactiveStatus,
                    format!("Status `{v}` is not active: this user will be archived."),
                    Some("To remove a user, you can also just leave them out of the file.".into()),
                );
            }
            // OneRoster: `enabledUser` false makes an active (or blank) status inactive.
            Ok(Status::Active) if enabled.is_some_and(|e| parse_bool(e) == Ok(Some(false))) => {
                status = Status::Inactive;
                out.warn(
                    Field::Status,
                    IssueCode::InactiveStatus,
                    "`enabledUser` is false: this user will be archived.".into(),
                    Some("To remove a user, you can also just leave them out of the file.".into()),
                );
            }
            Ok(Status::Active) => {}
            Err(e) => out.err(
                Field::Status,
                IssueCode::InvalidStatus,
                format!("{}.", capitalize(&e.to_string())),
                Some("Use Active or Inactive (or leave it blank for active).".into()),
            ),
        }
    }

    (flags, status)
}

/// State id, alternate id, password and scope: optional texts within their limits.
#[inline]
pub(super) fn other_texts<'r>(out: &mut RowIssues, cells: &Cells<'r>) -> [&'r str; 4] {
    let cell = |f: Field| cells[f as usize];
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
                out.err(f, TextFault::TooLong.code(), msg, None);
            } else {
                other[i] = v;
            }
        }
    }

    other
}
