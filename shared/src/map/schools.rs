//! The district's schools, and resolving a file's school values to them: by SIS code, then by
//! name, case- and space-insensitively.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::fields::normalize_heading;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct School {
    /// The SIS code: how records, the roster and the master CSV name a school.
    pub sis_code: String,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum SchoolError {
    #[error("the schools file has no column of SIS codes (expected a heading such as `sis_id` or `SIS ID`)")]
    NoCodeColumn,
    #[error("the schools file lists no schools")]
    Empty,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct SchoolDirectory {
    schools: Vec<School>,
    #[serde(skip)]
    by_code: HashMap<String, usize>,
    #[serde(skip)]
    by_name: HashMap<String, usize>,
}

impl PartialEq for SchoolDirectory {
    fn eq(&self, other: &Self) -> bool {
        self.schools == other.schools
    }
}

/// Case- and space-insensitive comparison key.
fn key(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_whitespace())
        .flat_map(char::to_lowercase)
        .collect()
}

impl SchoolDirectory {
    pub fn new(schools: Vec<School>) -> SchoolDirectory {
        let mut d = SchoolDirectory {
            schools,
            by_code: HashMap::new(),
            by_name: HashMap::new(),
        };
        d.index();
        d
    }

    fn index(&mut self) {
        self.by_code.clear();
        self.by_name.clear();
        for (i, s) in self.schools.iter().enumerate() {
            self.by_code.entry(key(&s.sis_code)).or_insert(i);
            if !s.name.trim().is_empty() {
                self.by_name.entry(key(&s.name)).or_insert(i);
            }
        }
    }

    /// Rebuilds the lookup tables after deserializing.
    pub fn reindexed(mut self) -> SchoolDirectory {
        self.index();
        self
    }

    /// Reads a schools file already split into rows: the code column is found by heading
    /// (`sis_id`, `SIS ID`, `code`, `School SIS ID`, …), the name column likewise; without
    /// headings, column 1 is the code and column 2 the name.
    pub fn from_rows(
        headings: Option<&[String]>,
        rows: &[Vec<String>],
    ) -> Result<SchoolDirectory, SchoolError> {
        let (code_col, name_col) = match headings {
            Some(h) => {
                let norm: Vec<String> = h.iter().map(|x| normalize_heading(x)).collect();
                let find =
                    |names: &[&str]| names.iter().find_map(|n| norm.iter().position(|x| x == n));
                let code = find(&[
                    "sisid",
                    "schoolsisid",
                    "siscode",
                    "code",
                    "schoolcode",
                    "schoolid",
                    "id",
                    "sourcedid",
                    "schoolnumber",
                ])
                .ok_or(SchoolError::NoCodeColumn)?;
                (code, find(&["name", "schoolname", "title"]))
            }
            None => (0, Some(1)),
        };
        let schools: Vec<School> = rows
            .iter()
            .filter_map(|r| {
                let code = r.get(code_col)?.trim();
                (!code.is_empty()).then(|| School {
                    sis_code: code.to_owned(),
                    name: name_col
                        .and_then(|c| r.get(c))
                        .map_or("", |s| s.trim())
                        .to_owned(),
                })
            })
            .collect();
        if schools.is_empty() {
            return Err(SchoolError::Empty);
        }
        Ok(SchoolDirectory::new(schools))
    }

    pub fn schools(&self) -> &[School] {
        &self.schools
    }

    pub fn by_code(&self, code: &str) -> Option<&School> {
        self.by_code.get(&key(code)).map(|&i| &self.schools[i])
    }

    /// A file's school value → a school: by SIS code first, then by name.
    pub fn resolve(&self, value: &str) -> Option<&School> {
        let k = key(value);
        if k.is_empty() {
            return None;
        }
        self.by_code
            .get(&k)
            .or_else(|| self.by_name.get(&k))
            .map(|&i| &self.schools[i])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn resolves_by_code_then_name_ignoring_case_and_space() {
        let d = SchoolDirectory::new(vec![
            School {
                sis_code: "101".into(),
                name: "First Street Elementary".into(),
            },
            School {
                sis_code: "LMS".into(),
                name: "Lincoln Middle School".into(),
            },
        ]);
        assert_eq!(d.resolve(" 101 ").map(|s| s.sis_code.as_str()), Some("101"));
        assert_eq!(d.resolve("lms").map(|s| s.sis_code.as_str()), Some("LMS"));
        assert_eq!(
            d.resolve("first street  ELEMENTARY")
                .map(|s| s.sis_code.as_str()),
            Some("101")
        );
        assert_eq!(d.resolve("999"), None);
    }

    #[test]
    fn reads_sds_school_headings() {
        let h: Vec<String> = ["SIS ID", "Name", "School Number"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let rows = vec![vec![
            "10001".into(),
            "Contoso High School".into(),
            "10001".into(),
        ]];
        let d = SchoolDirectory::from_rows(Some(&h), &rows).expect("schools");
        assert_eq!(
            d.resolve("contoso high school")
                .map(|s| s.sis_code.as_str()),
            Some("10001")
        );
    }
}
