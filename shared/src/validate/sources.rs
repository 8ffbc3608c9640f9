//! Which column or set value feeds each field, resolved once per file.

use crate::fields::Field;
use crate::map::{Mapping, Source};

/// Where each field's value comes from, indexed by field: built once per file so that the per-row
/// work is array indexing, not map lookups.
pub(super) const FIELDS: usize = Field::ALL.len();

#[derive(Debug, Clone)]
pub(super) struct Sources {
    pub(super) mapped: [bool; FIELDS],
    /// Fields read from a column, in column order.
    pub(super) columns: Vec<(Field, usize)>,
    /// Fields given one (trimmed) value for the whole file.
    pub(super) values: Vec<(Field, String)>,
    /// Fields read from a column that holds a list (OneRoster's `orgSourcedIds`, `grades`):
    /// the first value is taken.
    pub(super) lists: [bool; FIELDS],
}

impl Sources {
    pub(super) fn new(m: &Mapping) -> Sources {
        let mut sources = Sources {
            mapped: [false; FIELDS],
            columns: Vec::new(),
            values: Vec::new(),
            lists: [false; FIELDS],
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

    /// Marks the columns whose heading names a list of schools or grades.
    pub(super) fn with_lists(mut self, headings: Option<&[String]>) -> Sources {
        for &(f, c) in &self.columns {
            let h = headings
                .and_then(|h| h.get(c))
                .map(|h| crate::fields::normalize_heading(h));
            if matches!(h.as_deref(), Some("orgsourcedids" | "grades")) {
                self.lists[f as usize] = true;
            }
        }
        self
    }

    pub(super) fn is_mapped(&self, f: Field) -> bool {
        self.mapped[f as usize]
    }
}
