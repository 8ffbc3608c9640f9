//! Grades as districts write them: `0` is kindergarten with one warning for the file; any other
//! unknown value is one error per distinct value with its rows, until a grade mapping (the
//! caller's, or the scope's saved one) resolves it; `-1` is a value, not a formula. Natively
//! and in wasm.
#![allow(clippy::expect_used, clippy::unwrap_used)]

use std::collections::BTreeMap;

use rollcall_shared::fields::{Field, Grade};
use rollcall_shared::map::SavedMapping;
use rollcall_shared::validate::{IssueCode, Severity};
use rollcall_shared::{validate_bytes, ImportOptions};

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

const FILE: &str = "District ID,First Name,Last Name,User Type,Grade,School SIS ID
S1,Ann,Lee,0,0,101
S2,Bo,Lee,0,TK,101
S3,Cy,Lee,0,tk,101
S4,Di,Lee,0,TK,101
S5,Ed,Lee,0,-1,101
S6,Fa,Lee,0,05,101
";

fn grade_of(v: &rollcall_shared::validate::Validation, row: u32) -> Option<Grade> {
    v.records
        .iter()
        .find(|r| r.row() == row)
        .and_then(|r| r.grade())
}

#[test]
fn unknown_grades_are_reported_once_per_value_and_zero_is_kindergarten() {
    let (_, v) = validate_bytes(FILE.as_bytes(), &ImportOptions::default()).expect("reads");
    let zero: Vec<_> = v
        .issues
        .iter()
        .filter(|i| i.code == IssueCode::GradeZero)
        .collect();
    assert_eq!(zero.len(), 1);
    assert_eq!(
        (zero[0].severity, zero[0].rows.as_slice()),
        (Severity::Warning, &[2][..])
    );
    assert_eq!(grade_of(&v, 2), Some(Grade::KG));

    let unknown: Vec<_> = v
        .issues
        .iter()
        .filter(|i| i.code == IssueCode::InvalidGrade)
        .collect();
    let listed: Vec<(&str, usize)> = unknown
        .iter()
        .map(|i| (i.message.split('`').nth(1).unwrap_or(""), i.rows.len()))
        .collect();
    assert_eq!(listed, [("TK", 2), ("tk", 1), ("-1", 1)], "{unknown:?}");
    assert!(unknown
        .iter()
        .all(|i| i.severity == Severity::Error && i.field == Some(Field::Grade)));
    let values: Vec<(&str, u32)> = v
        .grade_values
        .iter()
        .map(|g| (g.value.as_str(), g.count))
        .collect();
    assert_eq!(values, [("TK", 2), ("tk", 1), ("-1", 1)]);
    assert!(
        !v.issues.iter().any(|i| i.code == IssueCode::FormulaLike),
        "-1 is a value"
    );
    assert_eq!(v.summary().errors, 3, "one error per value, not per row");
    assert_eq!(grade_of(&v, 7), Some(Grade::numbered(5).expect("5")));
}

#[test]
fn a_grade_mapping_resolves_them_and_is_remembered_with_the_scope() {
    let map: BTreeMap<String, Grade> =
        [("TK".to_owned(), Grade::PK), ("-1".to_owned(), Grade::PK)].into();
    let opts = ImportOptions {
        grade_map: map.clone(),
        ..ImportOptions::default()
    };
    let (_, v) = validate_bytes(FILE.as_bytes(), &opts).expect("reads");
    assert!(!v.has_errors(), "{:?}", v.issues);
    for row in 3..=6 {
        assert_eq!(grade_of(&v, row), Some(Grade::PK), "row {row}");
    }
    // The same mapping as the scope's saved one; it travels as JSON (the browser stores it).
    let saved = SavedMapping {
        grades: map,
        ..SavedMapping::default()
    };
    let saved: SavedMapping =
        serde_json::from_str(&serde_json::to_string(&saved).expect("json")).expect("reads back");
    let opts = ImportOptions {
        saved: Some(saved),
        ..ImportOptions::default()
    };
    let (_, v) = validate_bytes(FILE.as_bytes(), &opts).expect("reads");
    assert!(!v.has_errors(), "{:?}", v.issues);
}
