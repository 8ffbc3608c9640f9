//! What validation gives: the records, the issues, the school values, and re-resolving the
//! schools after the school-mapping step.

use super::*;

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
    /// Grade values mapped by the admin (as written → grade): `TK` → PK.
    pub grade_map: BTreeMap<String, crate::fields::Grade>,
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
    /// The grade values the engine does not know, by distinct value (for a grade mapping).
    pub grade_values: Vec<super::grades::GradeValue>,
    /// Whether the file maps a grade column (a file without one leaves grades as they are).
    pub has_grade_column: bool,
    /// Which optional fields the file carries (only those travel).
    pub mapped: Vec<Field>,
    pub rows: u32,
    pub(super) issues_column_for_school: Option<String>,
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

pub(super) fn resolve_school(
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

pub(super) fn sort_issues(issues: &mut [Issue]) {
    issues.sort_by_key(|i| (i.row.unwrap_or(0), i.row.is_some()));
}
