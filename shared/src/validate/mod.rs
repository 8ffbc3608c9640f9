//! Rows → normalized records and issues. [`Validator`] takes rows one at a time (as the reader
//! produces them) and keeps only the normalized records, fingerprints of the keys, and the
//! distinct school values; [`Validator::finish`] runs the file-wide rules (duplicates, id
//! lengths, schools) and returns a [`Validation`].
//!
//! Rules live here once: the browser's preview and the server's check call the same code.

mod issue;
mod records;
mod repeats;

pub use issue::{Issue, IssueCode, Severity};
pub use records::{EmailRef, Record, RecordRef, Records};

use std::collections::BTreeMap;

use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};

pub use crate::fields::{is_formula_like, needs_escape, unescape_formula};
use crate::fingerprint;

use crate::fields::{
    has_control, longer_than, parse_bool, trim, DistrictId, DistrictIdError, Email, EmailCheck,
    Field, Grade, GradeError, GradeParse, Role, RoleError, Status, MAX_NAME, MAX_PASSWORD,
    MAX_TEXT,
};
use crate::map::{column_label, Mapping, SchoolDirectory, Source};
use crate::read::{Row, RowProblem};
use records::Text;
use repeats::Repeats;

/// What the validator needs to know about the file before its first row.
#[derive(Debug, Clone)]
pub struct Context {
    pub mapping: Mapping,
    pub headings: Option<Vec<String>>,
    /// Fields a well-formed row has (the heading's length, or the sample's usual count).
    pub columns: usize,
    /// The district's schools; without them school values are kept as they are, unchecked.
    pub schools: Option<SchoolDirectory>,
    /// School values mapped by hand in the school-mapping step: value → SIS code.
    pub school_overrides: BTreeMap<String, String>,
}

/// A distinct school value of the file, how many rows have it (from which row on), and the
/// school it resolved to. Its rows are listed only when it is unknown (in its issue): a list
/// per value, grown on every row, was 4 MB and a copy or two per million rows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SchoolValue {
    pub value: String,
    /// Rows with this value.
    pub count: u32,
    /// The first of them.
    pub first_row: u32,
    /// SIS code, when resolved (or when there is no directory to check against: the value).
    pub code: Option<String>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Summary {
    pub rows: u32,
    pub errors: u32,
    pub warnings: u32,
}

/// The outcome of validating a whole file.
#[derive(Debug, Clone)]
pub struct Validation {
    pub records: Records,
    pub issues: Vec<Issue>,
    pub school_values: Vec<SchoolValue>,
    /// Whether the file maps a grade column (a file without one leaves grades as they are).
    pub has_grade_column: bool,
    /// Which optional fields the file carries (only those travel).
    pub mapped: Vec<Field>,
    pub rows: u32,
    issues_column_for_school: Option<String>,
}

impl Validation {
    pub fn summary(&self) -> Summary {
        let errors = self.issues.iter().filter(|i| i.is_error()).count() as u32;
        Summary {
            rows: self.rows,
            errors,
            warnings: self.issues.len() as u32 - errors,
        }
    }

    pub fn has_errors(&self) -> bool {
        self.issues.iter().any(Issue::is_error)
    }

    /// The resolved school code of a record, if any.
    pub fn school_of(&self, r: &RecordRef<'_>) -> Option<&str> {
        r.school_index()
            .and_then(|i| self.school_values.get(i))
            .and_then(|s| s.code.as_deref())
    }

    /// Re-resolves the school values (after the admin mapped some by hand) and recomputes the
    /// unknown-school issues, without reading the file again.
    pub fn resolve_schools(
        &mut self,
        schools: Option<&SchoolDirectory>,
        overrides: &BTreeMap<String, String>,
    ) {
        self.issues.retain(|i| i.code != IssueCode::UnknownSchool);
        let column = self.issues_column_for_school.clone();
        for sv in &mut self.school_values {
            sv.code = resolve_school(&sv.value, schools, overrides);
        }
        // The rows of the unknown values, in one pass over the records (none when all resolve).
        let mut rows: Vec<Vec<u32>> = vec![Vec::new(); self.school_values.len()];
        if self.school_values.iter().any(|sv| sv.code.is_none()) {
            for r in self.records.iter() {
                let unknown = r.school_index().filter(|&i| {
                    self.school_values
                        .get(i)
                        .is_some_and(|sv| sv.code.is_none())
                });
                if let Some(list) = unknown.and_then(|i| rows.get_mut(i)) {
                    list.push(r.row());
                }
            }
        }
        let mut new = Vec::new();
        for (sv, rows) in self.school_values.iter().zip(rows) {
            if sv.code.is_none() {
                new.push(Issue {
                    row: Some(sv.first_row),
                    rows,
                    column: column.clone(),
                    field: Some(Field::School),
                    severity: Severity::Error,
                    code: IssueCode::UnknownSchool,
                    message: format!(
                        "School `{}` is not one of the district's schools ({} row{}).",
                        sv.value,
                        sv.count,
                        if sv.count == 1 { "" } else { "s" }
                    ),
                    suggestion: Some("Map it to a school in the school-mapping step, or correct the SIS code in the file.".into()),
                });
            }
        }
        self.issues.extend(new);
        sort_issues(&mut self.issues);
    }
}

fn resolve_school(
    value: &str,
    schools: Option<&SchoolDirectory>,
    overrides: &BTreeMap<String, String>,
) -> Option<String> {
    if let Some(code) = overrides.get(value) {
        return Some(code.clone());
    }
    match schools {
        Some(d) => d.resolve(value).map(|s| s.sis_code.clone()),
        None => Some(value.to_owned()),
    }
}

fn sort_issues(issues: &mut [Issue]) {
    issues.sort_by_key(|i| (i.row.unwrap_or(0), i.row.is_some()));
}

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

/// Two or more cased letters, all upper case or all lower case.
fn bad_name_case(s: &str) -> bool {
    // The usual name starts with a capital and a small letter: it has both, done. The small
    // letter may be one of Latin-1's (`ü` is C3 BC: C3 then 9F–BF, but not ÷'s B7).
    match *s.as_bytes() {
        [a, b, ..] if a.is_ascii_uppercase() && b.is_ascii_lowercase() => return false,
        [a, 0xc3, c, ..] if a.is_ascii_uppercase() && (0x9f..=0xbf).contains(&c) && c != 0xb7 => {
            return false
        }
        _ => {}
    }
    // One pass over the bytes, counting without branching on each letter's case.
    let (mut upper, mut lower, mut other) = (0usize, 0usize, 0u8);
    for &c in s.as_bytes() {
        let class = LETTER_CASE[usize::from(c)];
        upper += usize::from(class & 1);
        lower += usize::from(class >> 1 & 1);
        other |= class & 4;
    }
    if other == 0 {
        return (upper >= 2 && lower == 0) || (lower >= 2 && upper == 0);
    }
    let (mut upper, mut lower) = (0usize, 0usize);
    for c in s.chars() {
        let (u, l) = letter_case(c);
        upper += usize::from(u);
        lower += usize::from(l);
    }
    (upper >= 2 && lower == 0) || (lower >= 2 && upper == 0)
}

/// (upper case, lower case), with the Unicode tables only past Latin-1.
fn letter_case(c: char) -> (bool, bool) {
    match u32::from(c) {
        0..=0x7f => (c.is_ascii_uppercase(), c.is_ascii_lowercase()),
        // À–Þ upper, ß–ÿ lower, but × and ÷.
        0xc0..=0xde => (c != '×', false),
        0xdf..=0xff => (false, c != '÷'),
        _ => (c.is_uppercase(), c.is_lowercase()),
    }
}

/// 1 = ASCII upper case, 2 = ASCII lower case, 4 = part of a non-ASCII character.
static LETTER_CASE: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut i = 0;
    while i < 256 {
        let c = i as u8;
        t[i] = if c.is_ascii_uppercase() {
            1
        } else if c.is_ascii_lowercase() {
            2
        } else if c >= 0x80 {
            4
        } else {
            0
        };
        i += 1;
    }
    t
};

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

/// A record's key for repeated-key checks as stored: the district ID, or the email's local part
/// and its domain's number (equal keys, equal texts).
fn stored_key<'a>(r: &RecordRef<'a>, field: Field) -> Option<(&'a str, Option<u32>)> {
    if field == Field::Email {
        r.email_key().map(|(local, domain)| (local, Some(domain)))
    } else {
        r.district_id().map(|id| (id, None))
    }
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

fn rows_list(rows: &[u32]) -> String {
    let mut s: Vec<String> = rows.iter().take(5).map(u32::to_string).collect();
    if rows.len() > 5 {
        s.push(format!("and {} more", rows.len() - 5));
    }
    s.join(", ")
}

impl Validator {
    pub fn new(mut cx: Context) -> Validator {
        let mut issues = Vec::new();
        let labels = cx
            .mapping
            .fields
            .iter()
            .map(|(f, s)| {
                let l = match s {
                    Source::Column(c) => column_label(cx.headings.as_deref(), *c),
                    Source::Value(_) => format!("{} (one value for the file)", f.label()),
                };
                (*f, l)
            })
            .collect();
        // One value for the whole file is checked once, here, not on every row.
        let mut role_const = None;
        let consts: Vec<(Field, String)> = cx
            .mapping
            .fields
            .iter()
            .filter_map(|(f, s)| match s {
                Source::Value(v) => Some((*f, v.clone())),
                Source::Column(_) => None,
            })
            .collect();
        for (f, v) in consts {
            let err = match f {
                Field::Role => match Role::parse(&v) {
                    Ok(r) => {
                        role_const = Some(r);
                        None
                    }
                    Err(e) => Some(e.to_string()),
                },
                Field::Grade => Grade::parse(&v).err().map(|e| e.to_string()),
                Field::Status => Status::parse(&v).err().map(|e| e.to_string()),
                Field::LimitedEnglish | Field::EconDisadvantaged => {
                    parse_bool(&v).err().map(|e| e.to_string())
                }
                Field::Email => {
                    (!Email::is_valid(v.trim())).then(|| format!("`{v}` is not an email address"))
                }
                Field::DistrictId => DistrictId::check(&v).err().map(|e| e.to_string()),
                _ => v.trim().is_empty().then(|| "the value is blank".to_owned()),
            };
            if let Some(e) = err {
                issues.push(Issue {
                    row: None,
                    rows: vec![],
                    column: None,
                    field: Some(f),
                    severity: Severity::Error,
                    code: IssueCode::InvalidFileValue,
                    message: format!(
                        "The value set for {} for the whole file is not valid: {e}.",
                        f.name()
                    ),
                    suggestion: Some(format!(
                        "Set {} to a valid value, or map a column to it.",
                        f.name()
                    )),
                });
                cx.mapping.unmap(f);
            }
        }
        for f in cx.mapping.missing_required() {
            let (message, suggestion) = if f == Field::DistrictId {
                (
                    "No column is mapped to district_id or email: rows need one of them as their key.".to_owned(),
                    "Map the column holding the district's ID (or the email address) for each user.".to_owned(),
                )
            } else {
                (
                    format!("No column is mapped to {}, which every row needs.", f.name()),
                    format!(
                        "Map a column to {0}, or set one value for the whole file (e.g. --set {0}={1}).",
                        f.name(),
                        if f == Field::Role { "student" } else { "…" }
                    ),
                )
            };
            issues.push(Issue {
                row: None,
                rows: vec![],
                column: None,
                field: Some(f),
                severity: Severity::Error,
                code: IssueCode::UnmappedRequired,
                message,
                suggestion: Some(suggestion),
            });
        }
        let sources = Sources::new(&cx.mapping);
        Validator {
            cx,
            sources,
            records: Records::default(),
            issues,
            ids: Repeats::default(),
            emails: Repeats::default(),
            school_index: FxHashMap::default(),
            school_values: Vec::new(),
            school_keys: Vec::new(),
            id_stats: IdStats {
                all_digits: true,
                min: usize::MAX,
                ..IdStats::default()
            },
            fallback_rows: Vec::new(),
            staff_grade_rows: Vec::new(),
            students: 0,
            rows: 0,
            labels,
            role_const,
            email_check: EmailCheck::default(),
        }
    }

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
        for &(f, c) in &sources.columns {
            let raw = trim(row.get(c).unwrap_or(""));
            if is_formula_like(raw) {
                warn!(Some(f), IssueCode::FormulaLike,
                    format!("{} starts with `{}`, which a spreadsheet would run as a formula; it is kept as plain text.", f.label(), raw.get(..1).unwrap_or("")),
                    Some("Check the value in the SIS; Rollcall writes it with a leading ' in every CSV it exports.".into()));
            }
            if has_control(raw) {
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
            vals[f as usize] = Some(unescape_formula(raw));
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

        // Key: district_id, else email.
        let district_id = match cell(Field::DistrictId) {
            Some(v) => match DistrictId::check(v) {
                Ok(id) => {
                    let s = &mut *id_stats;
                    s.count += 1;
                    s.all_digits &= id.bytes().all(|c| c.is_ascii_digit());
                    s.min = s.min.min(id.len());
                    s.max = s.max.max(id.len());
                    Some(id)
                }
                Err(DistrictIdError::Blank) => None,
                Err(DistrictIdError::ScientificNotation(x)) => {
                    err!(Some(Field::DistrictId), IssueCode::IdScientificNotation,
                        format!("District ID `{x}` is in scientific notation: a spreadsheet rewrote the real ID."),
                        Some("Re-export from the SIS, or format the column as Text in the spreadsheet before saving.".into()));
                    None
                }
                Err(e) => {
                    err!(
                        Some(Field::DistrictId),
                        IssueCode::InvalidDistrictId,
                        format!("{}.", capitalize(&e.to_string())),
                        None
                    );
                    None
                }
            },
            None => None,
        };
        let district_id_errored = errors > 0
            && district_id.is_none()
            && cell(Field::DistrictId).is_some_and(|v| !v.is_empty());

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
        if district_id.is_none() && !district_id_errored {
            if sources.is_mapped(Field::DistrictId) {
                if email_ok.is_some() {
                    warn!(Some(Field::DistrictId), IssueCode::EmailAsKey,
                        "District ID is blank: the email address is this user's matching key.".into(),
                        Some("Fill in the District ID so that a later email change keeps the user's history.".into()));
                } else if email_raw.is_none() {
                    err!(Some(Field::DistrictId), IssueCode::MissingKey,
                        "District ID and email are both blank: the row has no key to match a user by.".into(),
                        Some("Fill in the District ID or the email address.".into()));
                }
            } else if email_col && email_raw.is_none() {
                err!(Some(Field::Email), IssueCode::MissingKey,
                    "Email is blank, and the file has no district_id column: the row has no key to match a user by.".into(),
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
            if longer_than(v, MAX_NAME) {
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
            if v.is_empty() {
                err!(
                    Some(f),
                    IssueCode::MissingRequired,
                    format!("{} is blank.", f.label()),
                    Some(format!("Fill in the {}.", f.label().to_lowercase()))
                );
            } else if longer_than(v, MAX_NAME) {
                err!(Some(f), IssueCode::TooLong, too_long(f), None);
            } else {
                if bad_name_case(v) {
                    let all_caps = !v.chars().any(char::is_lowercase);
                    warn!(Some(f), IssueCode::NameCase,
                        format!("{} `{v}` is all {}.", f.label(), if all_caps { "capitals" } else { "lower case" }),
                        Some("Names are shown as written: write it as it should appear (e.g. Smith).".into()));
                }
                names[i] = v;
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
            if v.is_empty() {
                err!(
                    Some(Field::School),
                    IssueCode::MissingRequired,
                    "School is blank.".into(),
                    Some("Fill in the school's SIS code or name.".into())
                );
            } else if longer_than(v, MAX_TEXT) {
                err!(
                    Some(Field::School),
                    IssueCode::TooLong,
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
        for (i, (f, max)) in [
            (Field::StateId, MAX_TEXT),
            (Field::AltId, MAX_TEXT),
            (Field::Password, MAX_PASSWORD),
            (Field::Scope, MAX_TEXT),
        ]
        .into_iter()
        .enumerate()
        {
            if let Some(v) = cell(f) {
                if longer_than(v, max) {
                    let msg = format!("{} is longer than {max} characters.", f.label());
                    err!(Some(f), IssueCode::TooLong, msg, None);
                } else {
                    other[i] = v;
                }
            }
        }

        // Build the record (texts in slot order).
        let mut b = records.start(n);
        b.set(Text::DistrictId, district_id.unwrap_or(""));
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
        if let Some(id) = district_id {
            ids.insert(key_fingerprint(id, None));
        }
    }

    pub fn finish(mut self) -> Validation {
        let ids = std::mem::take(&mut self.ids).into_repeated();
        self.duplicates(&ids, Field::DistrictId);
        let emails = std::mem::take(&mut self.emails).into_repeated();
        self.duplicates(&emails, Field::Email);

        let file_warning =
            |field: Option<Field>, code, message: String, rows: Vec<u32>, suggestion: &str| Issue {
                row: rows.first().copied(),
                rows,
                column: None,
                field,
                severity: Severity::Warning,
                code,
                message,
                suggestion: Some(suggestion.to_owned()),
            };
        let s = &self.id_stats;
        if s.count >= 2 && s.all_digits && s.min < s.max {
            self.issues.push(file_warning(Some(Field::DistrictId), IssueCode::IdLengthsVary,
                format!("District IDs are all digits but of different lengths ({} to {} digits): leading zeros may have been lost.", s.min, s.max),
                vec![], "If the SIS's IDs have leading zeros, re-export, or format the column as Text in the spreadsheet."));
        }
        if !self.cx.mapping.is_mapped(Field::Grade) && self.students > 0 {
            self.issues.push(file_warning(
                Some(Field::Grade),
                IssueCode::NoGradeColumn,
                "The file has no grade column: students' grades stay as they are.".into(),
                vec![],
                "Map a grade column to set or update grades.",
            ));
        }
        if !self.cx.mapping.is_mapped(Field::DistrictId) && self.cx.mapping.is_mapped(Field::Email)
        {
            self.issues.push(file_warning(Some(Field::DistrictId), IssueCode::NoDistrictIdColumn,
                "The file has no district_id column: users are matched by email address.".into(),
                vec![], "Map the SIS's ID column if there is one: with it, an email change keeps the user's history."));
        }
        if !self.fallback_rows.is_empty() {
            let rows = std::mem::take(&mut self.fallback_rows);
            self.issues.push(file_warning(None, IssueCode::EncodingFallback,
                format!("{} row{} not valid UTF-8 and {} read as Windows-1252: check the accented letters.", rows.len(),
                    if rows.len() == 1 { " was" } else { "s were" }, if rows.len() == 1 { "was" } else { "were" }),
                rows, "Save the file as CSV UTF-8, or choose its encoding in the Read step."));
        }
        if !self.staff_grade_rows.is_empty() {
            let rows = std::mem::take(&mut self.staff_grade_rows);
            self.issues.push(file_warning(
                Some(Field::Grade),
                IssueCode::StaffGradeIgnored,
                format!(
                    "{} staff row{} a grade; staff have no grade, so it is ignored.",
                    rows.len(),
                    if rows.len() == 1 { " has" } else { "s have" }
                ),
                rows,
                "Leave the grade empty for staff.",
            ));
        }
        let has_grade_column = self.cx.mapping.is_mapped(Field::Grade);
        let mapped = self.cx.mapping.fields.keys().copied().collect();
        let column_for_school = self.labels.get(&Field::School).cloned();
        let mut v = Validation {
            records: self.records,
            issues: self.issues,
            school_values: self.school_values,
            has_grade_column,
            mapped,
            rows: self.rows,
            issues_column_for_school: column_for_school,
        };
        let schools = self.cx.schools;
        v.resolve_schools(schools.as_ref(), &self.cx.school_overrides);
        v
    }

    /// For each group of rows whose key is really equal (among the records whose key has a
    /// `repeated` fingerprint; collisions are told apart by the text), an error on every row.
    fn duplicates(&mut self, repeated: &[u64], field: Field) {
        if repeated.is_empty() {
            return;
        }
        let key = |i: u32| {
            self.records
                .get(i as usize)
                .and_then(|r| stored_key(&r, field))
        };
        let mut keys: Vec<(u64, u32)> = self
            .records
            .iter()
            .enumerate()
            .filter_map(|(i, r)| {
                let (text, domain) = stored_key(&r, field)?;
                let fp = repeats::stored(key_fingerprint(text, domain));
                repeated
                    .binary_search(&fp)
                    .is_ok()
                    .then_some((fp, i as u32))
            })
            .collect();
        keys.sort_unstable();
        let mut groups: Vec<Vec<u32>> = Vec::new();
        for run in keys.chunk_by(|a, b| a.0 == b.0).filter(|r| r.len() > 1) {
            // In row order; a collision of two fingerprints is told apart by the keys.
            let mut pending: Vec<u32> = run.iter().map(|&(_, i)| i).collect();
            while let Some(first) = pending.first().copied() {
                let k = key(first);
                let (same, rest): (Vec<u32>, Vec<u32>) =
                    pending.iter().partition(|&&i| key(i) == k);
                if same.len() > 1 {
                    groups.push(same);
                }
                pending = rest;
            }
        }
        let label = self.labels.get(&field).cloned();
        for g in groups {
            let rows: Vec<u32> = g
                .iter()
                .filter_map(|&i| self.records.get(i as usize).map(|r| r.row()))
                .collect();
            let value = self
                .records
                .get(g[0] as usize)
                .and_then(|r| {
                    if field == Field::Email {
                        r.email().map(|e| e.to_string())
                    } else {
                        r.district_id().map(str::to_owned)
                    }
                })
                .unwrap_or_default();
            for (k, &i) in g.iter().enumerate() {
                self.records.mark_error(i);
                let others: Vec<u32> = rows
                    .iter()
                    .enumerate()
                    .filter(|(j, _)| *j != k)
                    .map(|(_, r)| *r)
                    .collect();
                let (code, what, fix) = if field == Field::Email {
                    (
                        IssueCode::DuplicateEmail,
                        "Email",
                        "Two people cannot share an address: correct one of them.",
                    )
                } else {
                    (
                        IssueCode::DuplicateDistrictId,
                        "District ID",
                        "Each user needs their own District ID: correct one of them.",
                    )
                };
                self.issues.push(Issue {
                    row: Some(rows[k]),
                    rows: vec![],
                    column: label.clone(),
                    field: Some(field),
                    severity: Severity::Error,
                    code,
                    message: format!(
                        "{what} `{value}` is also on row{} {}.",
                        if others.len() == 1 { "" } else { "s" },
                        rows_list(&others)
                    ),
                    suggestion: Some(fix.into()),
                });
            }
        }
    }
}

#[allow(clippy::too_many_arguments)]
fn issue(
    issues: &mut Vec<Issue>,
    labels: &BTreeMap<Field, String>,
    row: u32,
    field: Option<Field>,
    severity: Severity,
    code: IssueCode,
    message: String,
    suggestion: Option<String>,
) {
    let column = field.and_then(|f| labels.get(&f).cloned());
    issues.push(Issue {
        row: Some(row),
        rows: vec![],
        column,
        field,
        severity,
        code,
        message,
        suggestion,
    });
}

/// Where each field's value comes from, indexed by field: built once per file so that the per-row
/// work is array indexing, not map lookups.
const FIELDS: usize = Field::ALL.len();

#[derive(Debug, Clone)]
struct Sources {
    mapped: [bool; FIELDS],
    /// Fields read from a column, in column order.
    columns: Vec<(Field, usize)>,
    /// Fields given one (trimmed) value for the whole file.
    values: Vec<(Field, String)>,
}

impl Sources {
    fn new(m: &Mapping) -> Sources {
        let mut sources = Sources {
            mapped: [false; FIELDS],
            columns: Vec::new(),
            values: Vec::new(),
        };
        for (f, s) in &m.fields {
            sources.mapped[*f as usize] = true;
            match s {
                Source::Value(v) => sources.values.push((*f, v.trim().to_owned())),
                Source::Column(c) => sources.columns.push((*f, *c)),
            }
        }
        sources.columns.sort_by_key(|&(_, c)| c);
        sources
    }

    fn is_mapped(&self, f: Field) -> bool {
        self.mapped[f as usize]
    }
}

fn capitalize(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn bad_name_case_agrees_with_unicode() {
        let reference = |s: &str| {
            let upper = s.chars().filter(|c| c.is_uppercase()).count();
            let lower = s.chars().filter(|c| c.is_lowercase()).count();
            (upper >= 2 && lower == 0) || (lower >= 2 && upper == 0)
        };
        for c in (0u32..0x250).filter_map(char::from_u32) {
            for name in [
                format!("J{c}"),
                format!("J{c}RGEN"),
                format!("J{c}rgen"),
                format!("j{c}rgen"),
                format!("{c}{c}"),
                format!("Ö{c}"),
            ] {
                assert_eq!(bad_name_case(&name), reference(&name), "{name:?}");
            }
        }
    }

    /// A file of students S0, S1… (Ann Lee, grade 5) with `heading` holding `values` in turn.
    fn students_with(heading: &str, values: &[&str]) -> String {
        let mut csv = format!("District ID,First Name,Last Name,User Type,Grade,{heading}\n");
        for (i, v) in values.iter().enumerate() {
            csv.push_str(&format!("S{i},Ann,Lee,0,5,{v}\n"));
        }
        csv
    }

    fn validated(csv: &str) -> Validation {
        let (_, v) =
            crate::validate_bytes(csv.as_bytes(), &crate::ImportOptions::default()).expect("reads");
        v
    }

    #[test]
    fn school_values_are_told_apart_by_every_byte_and_their_length() {
        // Prefixes of each other, the same bytes in another order, values of 8 and 9+ bytes
        // sharing their first eight: each is its own value, its rows in file order.
        let values = [
            "1",
            "10",
            "01",
            "101",
            "1",
            "ABCDEFGH",
            "ABCDEFGHI",
            "ABCDEFGHJ",
            "10",
            "ABCDEFGHI",
        ];
        let csv = students_with("School", &values);
        let v = validated(&csv);
        let seen: Vec<(&str, u32, u32)> = v
            .school_values
            .iter()
            .map(|sv| (sv.value.as_str(), sv.first_row, sv.count))
            .collect();
        assert_eq!(
            seen,
            vec![
                ("1", 2, 2),
                ("10", 3, 2),
                ("01", 4, 1),
                ("101", 5, 1),
                ("ABCDEFGH", 7, 1),
                ("ABCDEFGHI", 8, 2),
                ("ABCDEFGHJ", 9, 1),
            ]
        );
        // Against a directory that knows 101: each unknown value is one issue with its rows.
        let opts = crate::ImportOptions {
            schools: Some(crate::testgen::schools()),
            ..crate::ImportOptions::default()
        };
        let (_, v) = crate::validate_bytes(csv.as_bytes(), &opts).expect("reads");
        let unknown: Vec<(Option<u32>, Vec<u32>)> = v
            .issues
            .iter()
            .filter(|i| i.code == IssueCode::UnknownSchool)
            .map(|i| (i.row, i.rows.clone()))
            .collect();
        assert_eq!(
            unknown,
            vec![
                (Some(2), vec![2, 6]),
                (Some(3), vec![3, 10]),
                (Some(4), vec![4]),
                (Some(7), vec![7]),
                (Some(8), vec![8, 11]),
                (Some(9), vec![9]),
            ]
        );
    }

    #[test]
    fn emails_are_stored_lower_cased_with_each_domain_once() {
        let rows = [
            "Ann.Lee@School.ORG",
            "bo@school.org",
            "ann.lee@SCHOOL.org",
            "bo@other.org",
            "Émile@school.org",
            "émile@School.org",
            "cy@school.org",
            "cy@other.org",
            // An invalid address at a new domain, then a valid one there: stored at that domain.
            "a..b@third.org",
            "dee@third.org",
        ];
        let v = validated(&students_with("Email", &rows));
        let stored: Vec<String> = v
            .records
            .iter()
            .filter_map(|r| r.email().map(|e| e.to_string()))
            .collect();
        assert_eq!(
            stored,
            [
                "ann.lee@school.org",
                "bo@school.org",
                "ann.lee@school.org",
                "bo@other.org",
                "émile@school.org",
                "émile@school.org",
                "cy@school.org",
                "cy@other.org",
                "dee@third.org",
            ]
        );
        let domains: Vec<&str> = v
            .records
            .iter()
            .filter_map(|r| r.email().map(|e| e.domain()))
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect();
        assert_eq!(domains, ["other.org", "school.org", "third.org"]);
        let e = v.records.get(0).and_then(|r| r.email()).expect("an email");
        assert!(e == *"ann.lee@school.org");
        assert!(
            e != *"ann.lee@school.orgx" && e != *"ann.lee.school.org" && e != *"ann.le@school.org"
        );
        // The same address in other cases is a repeat; the same local part at another
        // domain is not.
        let mut dup_rows: Vec<(u32, Vec<u32>)> = v
            .issues
            .iter()
            .filter(|i| i.code == IssueCode::DuplicateEmail)
            .map(|i| (i.row.unwrap_or(0), i.rows.clone()))
            .collect();
        dup_rows.sort();
        let flagged: Vec<u32> = dup_rows.iter().map(|d| d.0).collect();
        assert_eq!(flagged, [2, 4, 6, 7]);
    }

    #[test]
    fn length_limits_count_characters() {
        let csv = format!(
            "District ID,First Name,Last Name,Middle Name,User Type,Grade\nS1,{},Lee,{},0,5\nS2,{},Lee,,0,5\n",
            "語".repeat(100),
            "é".repeat(100),
            "a".repeat(101),
        );
        let v = validated(&csv);
        let too_long: Vec<u32> = v
            .issues
            .iter()
            .filter(|i| i.code == IssueCode::TooLong)
            .filter_map(|i| i.row)
            .collect();
        assert_eq!(too_long, [3]);
    }

    #[test]
    fn letter_case_agrees_with_unicode() {
        for c in (0u32..0x250).filter_map(char::from_u32) {
            assert_eq!(
                letter_case(c),
                (c.is_uppercase(), c.is_lowercase()),
                "{c:?}"
            );
        }
    }
}
