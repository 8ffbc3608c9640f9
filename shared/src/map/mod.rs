//! Columns → fields. A [`Mapping`] says, per field, which column feeds it or which one value
//! the whole file has. It is plain data: the caller can show it, change it and save it (per
//! scope, by heading, so next month's export maps itself even if its columns moved).

mod infer;
pub mod schools;

pub use infer::infer_from_content;
pub use schools::{School, SchoolDirectory, SchoolError};

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use crate::fields::{heading_match, normalize_heading, Field};

/// Where a field's value comes from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    /// A column, by 0-based index.
    Column(usize),
    /// One value for every row of the file.
    Value(String),
}

/// How a column came to be matched: by its heading, by guessing from its content, or by hand.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MatchedBy {
    Heading,
    Content,
    Hand,
    Saved,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mapping {
    pub fields: BTreeMap<Field, Source>,
    #[serde(default)]
    pub matched_by: BTreeMap<Field, MatchedBy>,
    /// OneRoster's `enabledUser` column when the status is read from another column (its
    /// `status`): `false` there makes the user inactive even when the status is blank.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enabled: Option<usize>,
}

impl Mapping {
    pub fn source(&self, f: Field) -> Option<&Source> {
        self.fields.get(&f)
    }

    pub fn column(&self, f: Field) -> Option<usize> {
        match self.fields.get(&f) {
            Some(Source::Column(c)) => Some(*c),
            _ => None,
        }
    }

    pub fn value(&self, f: Field) -> Option<&str> {
        match self.fields.get(&f) {
            Some(Source::Value(v)) => Some(v),
            _ => None,
        }
    }

    pub fn is_mapped(&self, f: Field) -> bool {
        self.fields.contains_key(&f)
    }

    /// Maps `field` to `column`, unmapping whatever field had that column before.
    pub fn set_column(&mut self, field: Field, column: usize, by: MatchedBy) {
        self.fields.retain(|_, s| *s != Source::Column(column));
        self.matched_by.retain(|f, _| self.fields.contains_key(f));
        self.fields.insert(field, Source::Column(column));
        self.matched_by.insert(field, by);
    }

    pub fn set_value(&mut self, field: Field, value: impl Into<String>) {
        self.fields.insert(field, Source::Value(value.into()));
        self.matched_by.insert(field, MatchedBy::Hand);
    }

    pub fn unmap(&mut self, field: Field) {
        self.fields.remove(&field);
        self.matched_by.remove(&field);
    }

    /// The field a column feeds, if any.
    pub fn field_of_column(&self, column: usize) -> Option<Field> {
        self.fields
            .iter()
            .find(|(_, s)| **s == Source::Column(column))
            .map(|(f, _)| *f)
    }

    /// Columns that no field uses: they are never sent anywhere.
    pub fn unmapped_columns(&self, columns: usize) -> Vec<usize> {
        let used: BTreeSet<usize> = self
            .fields
            .values()
            .filter_map(|s| match s {
                Source::Column(c) => Some(*c),
                Source::Value(_) => None,
            })
            .collect();
        (0..columns).filter(|c| !used.contains(c)).collect()
    }

    /// Required fields that have neither a column nor a value. The key (sis_id or email)
    /// is reported as `SisId` when neither is mapped.
    pub fn missing_required(&self) -> Vec<Field> {
        let mut missing: Vec<Field> = Field::ALL
            .into_iter()
            .filter(|f| f.is_required() && !self.is_mapped(*f))
            .collect();
        if !Field::ALL.iter().any(|f| f.is_key() && self.is_mapped(*f)) {
            missing.insert(0, Field::SisId);
        }
        missing
    }

    /// The mapping as it would be saved for the scope: columns by heading.
    pub fn to_saved(&self, headings: Option<&[String]>) -> SavedMapping {
        let fields = self
            .fields
            .iter()
            .map(|(f, s)| {
                let saved = match (s, headings) {
                    (Source::Value(v), _) => SavedSource::Value(v.clone()),
                    (Source::Column(c), Some(h)) if h.get(*c).is_some_and(|h| !h.is_empty()) => {
                        SavedSource::Heading(h[*c].clone())
                    }
                    (Source::Column(c), _) => SavedSource::Position(*c),
                };
                (*f, saved)
            })
            .collect();
        SavedMapping {
            fields,
            grades: BTreeMap::new(),
        }
    }
}

/// A mapping remembered for a scope: columns by heading (or position, for headerless files).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SavedMapping {
    pub fields: BTreeMap<Field, SavedSource>,
    /// The scope's grade mapping (a value as written → grade), remembered with its columns.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub grades: BTreeMap<String, crate::fields::Grade>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SavedSource {
    Heading(String),
    Position(usize),
    Value(String),
}

impl SavedMapping {
    /// Applies the saved mapping to a file, if it fits: every saved heading is present (compared
    /// by normalized name) and every saved position exists.
    pub fn apply(&self, headings: Option<&[String]>, columns: usize) -> Option<Mapping> {
        // A mapping that names no field (only a grade mapping) leaves the file's own.
        if self.fields.is_empty() {
            return None;
        }
        let mut m = Mapping::default();
        for (f, s) in &self.fields {
            match s {
                SavedSource::Value(v) => {
                    m.fields.insert(*f, Source::Value(v.clone()));
                }
                SavedSource::Heading(h) => {
                    let want = normalize_heading(h);
                    let c = headings?
                        .iter()
                        .position(|x| normalize_heading(x) == want)?;
                    m.fields.insert(*f, Source::Column(c));
                }
                SavedSource::Position(c) if *c < columns => {
                    m.fields.insert(*f, Source::Column(*c));
                }
                SavedSource::Position(_) => return None,
            }
            m.matched_by.insert(*f, MatchedBy::Saved);
        }
        Some(m)
    }
}

/// Matches headings to fields by normalized name and the alias table. When two columns name the
/// same field, the stronger spelling wins (then the leftmost column).
pub fn auto_map(headings: &[String]) -> Mapping {
    let mut best: BTreeMap<Field, (usize, usize)> = BTreeMap::new();
    for (col, h) in headings.iter().enumerate() {
        if let Some((field, rank)) = heading_match(h) {
            let e = best.entry(field).or_insert((rank, col));
            if rank < e.0 {
                *e = (rank, col);
            }
        }
    }
    let mut m = Mapping::default();
    for (f, (_, col)) in best {
        m.fields.insert(f, Source::Column(col));
        m.matched_by.insert(f, MatchedBy::Heading);
    }
    m
}

/// A column's heading for messages: the file's heading, or `Column N` (1-based) without one.
pub fn column_label(headings: Option<&[String]>, column: usize) -> String {
    match headings.and_then(|h| h.get(column)) {
        Some(h) if !h.trim().is_empty() => h.clone(),
        _ => format!("Column {}", column + 1),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    fn h(s: &[&str]) -> Vec<String> {
        s.iter().map(|x| x.to_string()).collect()
    }

    #[test]
    fn stronger_alias_wins() {
        let m = auto_map(&h(&[
            "SIS ID",
            "School SIS ID",
            "Student Number",
            "First Name",
        ]));
        assert_eq!(m.column(Field::SisId), Some(0));
        assert_eq!(m.column(Field::School), Some(1));
        assert_eq!(m.column(Field::FirstName), Some(3));
    }

    #[test]
    fn saved_mapping_follows_moved_columns() {
        let first = h(&["Email", "First", "Last"]);
        let saved = auto_map(&first).to_saved(Some(&first));
        let moved = h(&["last", "EMAIL", "first", "extra"]);
        let m = saved.apply(Some(&moved), 4).expect("fits");
        assert_eq!(m.column(Field::Email), Some(1));
        assert_eq!(m.column(Field::LastName), Some(0));
        assert!(saved.apply(Some(&h(&["Email"])), 1).is_none());
    }

    #[test]
    fn set_column_takes_the_column_from_its_old_field() {
        let mut m = auto_map(&h(&["username", "email"]));
        m.set_column(Field::SisId, 1, MatchedBy::Hand);
        assert_eq!(m.column(Field::Email), None);
        assert_eq!(m.column(Field::SisId), Some(1));
    }
}
