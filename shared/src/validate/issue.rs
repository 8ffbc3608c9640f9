//! Problems are data: where (row, column, field), what (a stable code), how bad (severity), and
//! what to do about it (a suggestion). The UI groups and translates by code; scripts match on it.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::fields::Field;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// Blocks the import.
    Error,
    /// May be accepted.
    Warning,
}

pub use crate::issue_code::IssueCode;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Issue {
    /// The row as the spreadsheet shows it (heading = row 1); `None` for the whole file.
    pub row: Option<u32>,
    /// Every row a recurring value appears on (an unknown school), first one in `row`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rows: Vec<u32>,
    /// The column's heading as the file has it (or `Column N`).
    pub column: Option<String>,
    pub field: Option<Field>,
    pub severity: Severity,
    pub code: IssueCode,
    pub message: String,
    pub suggestion: Option<String>,
}

impl Issue {
    /// An error about the file as a whole (no row), on field `f`.
    pub fn file_error(f: Field, code: IssueCode, message: String, suggestion: String) -> Issue {
        Issue {
            row: None,
            rows: vec![],
            column: None,
            field: Some(f),
            severity: Severity::Error,
            code,
            message,
            suggestion: Some(suggestion),
        }
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

#[allow(clippy::too_many_arguments)]
pub(super) fn issue(
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
