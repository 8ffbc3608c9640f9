//! The validator's unit tests.

use super::names::{bad_name_case, letter_case};
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
    assert!(e != *"ann.lee@school.orgx" && e != *"ann.lee.school.org" && e != *"ann.le@school.org");
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
