//! What the browser's engine (in its Web Worker) and the page say to each other, typed once:
//! the worker serializes these, the page deserializes the same types, and no page reads a
//! JSON value by key.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::api::{PlanReport, Totals};
use crate::map::{Mapping, SavedMapping, School};
use crate::plan::Plan;
use crate::read::Dialect;
use crate::validate::{IssueCode, SchoolValue, Severity, Validation};
use crate::wire::{GuardLimits, Options};

/// What the page says about a file before it is read (each unset: detect).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpenAsk {
    /// An encoding's label (`utf-8`, `windows-1252`, …).
    pub encoding: Option<String>,
    /// One character, or `tab`.
    pub delimiter: Option<String>,
    pub has_header: Option<bool>,
    /// The mapping remembered for the scope.
    pub saved: Option<SavedMapping>,
    #[serde(default)]
    pub schools: Vec<School>,
}

/// A row of the file's first rows, as read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SampleRow {
    pub row: u32,
    pub cells: Vec<String>,
}

/// The file as opened: how it is written, its first rows, and the mapping proposed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpenAnswer {
    pub dialect: Dialect,
    pub headings: Option<Vec<String>>,
    pub columns: usize,
    pub samples: Vec<SampleRow>,
    /// Up to three distinct values of each column, for the mapping screen.
    pub column_samples: Vec<Vec<String>>,
    pub mapping: Mapping,
    /// For a workbook: its sheets and the one read.
    #[serde(default)]
    pub workbook: Option<SheetChoice>,
}

/// A workbook's sheets, and the one read.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SheetChoice {
    pub sheets: Vec<String>,
    pub sheet: String,
}

impl OpenAnswer {
    /// Column `c`'s heading, or `Column N` for a file without one.
    pub fn heading(&self, c: usize) -> String {
        self.headings
            .as_ref()
            .and_then(|h| h.get(c))
            .cloned()
            .unwrap_or_else(|| format!("Column {}", c + 1))
    }

    /// A column's sample values, joined.
    pub fn samples_of(&self, c: usize) -> String {
        self.column_samples
            .get(c)
            .map(|s| s.join(", "))
            .unwrap_or_default()
    }

    /// The dialect in words ([`Dialect::describe`]), or the workbook's sheet.
    pub fn dialect_line(&self) -> String {
        match &self.workbook {
            Some(w) => format!("a workbook; sheet “{}” read as the sheet shows it", w.sheet),
            None => self.dialect.describe(),
        }
    }
}

/// How many issues of one code a validation found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CodeCount {
    pub code: IssueCode,
    pub severity: Severity,
    pub count: u32,
}

/// A validation in summary, for the validate and school screens.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ValidationView {
    pub rows: u32,
    pub errors: u32,
    pub warnings: u32,
    /// Most frequent first.
    pub codes: Vec<CodeCount>,
    pub schools: Vec<SchoolValue>,
    /// Grade values the engine does not know, for the grade mapping.
    #[serde(default)]
    pub grades: Vec<crate::validate::GradeValue>,
    /// The admin's fixes, each with what it changed and whether issues remain on it.
    #[serde(default)]
    pub fixes: Vec<crate::fix::FixReport>,
}

impl ValidationView {
    pub fn of(v: &Validation) -> ValidationView {
        let s = v.summary();
        let mut counts: BTreeMap<(IssueCode, Severity), u32> = BTreeMap::new();
        for i in &v.issues {
            *counts.entry((i.code, i.severity)).or_default() += 1;
        }
        let mut codes: Vec<CodeCount> = counts
            .into_iter()
            .map(|((code, severity), count)| CodeCount {
                code,
                severity,
                count,
            })
            .collect();
        codes.sort_by_key(|c| std::cmp::Reverse(c.count));
        ValidationView {
            rows: s.rows,
            errors: s.errors,
            warnings: s.warnings,
            codes,
            schools: v.school_values.clone(),
            grades: v.grade_values.clone(),
            fixes: Vec::new(),
        }
    }
}

/// The roster as loaded into the worker.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct RosterLoaded {
    pub users: usize,
    pub revision: u64,
}

/// The wire's options and, beside them, the district's guard policy (never sent back).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanAsk {
    #[serde(flatten)]
    pub options: Options,
    /// Required: a plan is never shown against a guard the server did not state.
    pub guard: GuardLimits,
}

/// A plan as the review screen shows it: the first `limit` entries of every list (errors
/// first among the issues), how long each list is, and the revision it was planned against.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlanView {
    pub report: PlanReport,
    pub totals: Totals,
    /// The plan's errors (it cannot be applied while there are any).
    pub errors: usize,
    pub revision: u64,
    /// How long planning took in the worker, for the benchmark.
    pub plan_ms: f64,
}

impl PlanView {
    pub fn of(p: &Plan, limit: usize, plan_ms: f64) -> PlanView {
        let errors = p.issues.iter().filter(|i| i.is_error());
        let warnings = p.issues.iter().filter(|i| !i.is_error());
        let (report, totals) = PlanReport::page(p, errors.clone().chain(warnings), 1, limit);
        PlanView {
            report,
            totals,
            errors: errors.count(),
            revision: p.base_revision,
            plan_ms,
        }
    }
}
