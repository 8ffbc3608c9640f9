//! Grades as districts write them: `0` is kindergarten (PowerSchool, Aeries), said once for the
//! file; any other value the engine does not know (TK, PS, P3, -1, UG, 13) is reported once per
//! distinct value with its rows, like an unknown school, until a grade mapping resolves it.

use rustc_hash::FxHashMap;

use super::*;
use crate::fields::Grade;

/// At most this many rows are listed for one unknown value (all are counted).
pub(super) const LISTED: usize = 1000;

/// A distinct grade value of the file that the engine does not know.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GradeValue {
    pub value: String,
    /// Rows with this value.
    pub count: u32,
    pub first_row: u32,
}

/// What the validator keeps about grades while rows stream in.
#[derive(Debug, Default)]
pub(super) struct GradeBook {
    /// The admin's grade mapping: a value as written (trimmed, lower-cased) → grade.
    pub(super) map: BTreeMap<String, Grade>,
    pub(super) zero_rows: Vec<u32>,
    pub(super) index: FxHashMap<String, usize>,
    pub(super) unknown: Vec<GradeValue>,
    pub(super) rows: Vec<Vec<u32>>,
}

/// A grade mapping's key for a value as written.
pub fn grade_key(value: &str) -> String {
    value.trim().to_lowercase()
}

impl GradeBook {
    pub(super) fn new(map: &BTreeMap<String, Grade>) -> GradeBook {
        GradeBook {
            map: map.iter().map(|(k, g)| (grade_key(k), *g)).collect(),
            ..GradeBook::default()
        }
    }

    /// The grade the admin mapped `value` (one that is not a grade) to, if any.
    #[inline]
    pub(super) fn mapped(&self, value: &str) -> Option<Grade> {
        if self.map.is_empty() {
            return None;
        }
        self.map.get(&grade_key(value)).copied()
    }

    /// A value that is not a grade: `0` is kindergarten (noted for the file); anything else is
    /// kept by distinct value. `true` when the row keeps a grade.
    pub(super) fn not_a_grade(&mut self, value: &str, row: u32) -> Option<Grade> {
        if matches!(value.trim(), "0" | "00") {
            self.zero_rows.push(row);
            return Some(Grade::KG);
        }
        let i = match self.index.get(value) {
            Some(&i) => i,
            None => {
                self.index.insert(value.to_owned(), self.unknown.len());
                self.unknown.push(GradeValue {
                    value: value.to_owned(),
                    count: 0,
                    first_row: row,
                });
                self.rows.push(Vec::new());
                self.unknown.len() - 1
            }
        };
        self.unknown[i].count += 1;
        if self.rows[i].len() < LISTED {
            self.rows[i].push(row);
        }
        None
    }

    /// The file's grade issues; the unknown values for the grade-mapping step.
    pub(super) fn finish(self, issues: &mut Vec<Issue>, column: Option<String>) -> Vec<GradeValue> {
        if !self.zero_rows.is_empty() {
            let n = self.zero_rows.len();
            issues.push(Issue {
                row: self.zero_rows.first().copied(),
                rows: self.zero_rows,
                column: column.clone(),
                field: Some(Field::Grade),
                severity: Severity::Warning,
                code: IssueCode::GradeZero,
                message: format!(
                    "Grade `0` was read as kindergarten (KG) on {n} row{}, as PowerSchool and Aeries write it.",
                    if n == 1 { "" } else { "s" }
                ),
                suggestion: Some("Nothing to do if 0 means kindergarten in the SIS; map it to another grade otherwise.".into()),
            });
        }
        for (gv, rows) in self.unknown.iter().zip(self.rows) {
            issues.push(Issue {
                row: Some(gv.first_row),
                rows,
                column: column.clone(),
                field: Some(Field::Grade),
                severity: Severity::Error,
                code: IssueCode::InvalidGrade,
                message: format!(
                    "Grade `{}` is not one Rollcall knows ({} row{}).",
                    gv.value,
                    gv.count,
                    if gv.count == 1 { "" } else { "s" }
                ),
                suggestion: Some(format!(
                    "Map it to PK, KG or 01–12 in the grade mapping (the CLI: --grade-map '{}=PK'), or correct it in the SIS.",
                    gv.value
                )),
            });
        }
        self.unknown
    }
}
