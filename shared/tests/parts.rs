//! A file validated in parts (cut at row boundaries, each part read by its own pipeline and
//! joined through bytes, as the browser's workers do) gives the validation of the whole file in
//! one piece: the same records, issues, school and grade values, row for row. Checked over messy
//! generated files (quoted line breaks, blank lines, CRLF, repeated keys across parts, unknown
//! grades and schools, bad rows, Windows-1252 rows) at random cut points and part counts:
//! natively with proptest, and over fixed seeds in wasm too.

#![allow(clippy::expect_used, clippy::unwrap_used)] // test helpers: a failed expectation is a failed test

use rollcall_shared::map::{School, SchoolDirectory};
use rollcall_shared::testgen::Rng;
use rollcall_shared::validate::Validation;
use rollcall_shared::{validate_bytes, validate_in_parts, ImportOptions};

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

/// A messy roster of `rows` rows: every rule the validator has gets a chance to fire, and keys
/// repeat far apart (so across parts).
fn messy(seed: u64, rows: usize) -> Vec<u8> {
    let mut r = Rng::new(seed);
    let crlf = r.below(2) == 0;
    let eol: &[u8] = if crlf { b"\r\n" } else { b"\n" };
    let mut out: Vec<u8> = Vec::new();
    if r.below(3) == 0 {
        out.extend_from_slice(b"\xef\xbb\xbf");
    }
    out.extend_from_slice(b"sis_id,first_name,last_name,email,grade,school,role");
    out.extend_from_slice(eol);
    let domains = ["a.org", "B.ORG", "c.edu", "d.k12.us"];
    let grades = ["01", "5", "12", "KG", "0", "TK", "X9", "", "13", "pk"];
    let schools = ["100", "200", "300", "Lincoln", "999", "", "  200 "];
    let roles = [
        "student", "Student", "teacher", "staff", "guardian", "alien", "",
    ];
    for i in 0..rows {
        match r.below(40) {
            0 => {
                out.extend_from_slice(eol);
                continue;
            }
            1 => {
                out.extend_from_slice(b"short,row");
                out.extend_from_slice(eol);
                continue;
            }
            _ => {}
        }
        let id = match r.below(12) {
            0 => String::new(),
            1 => format!("{}", r.below(i as u64 + 1) + 1000),
            2 => "1.2E+5".into(),
            3 => format!("0{}", 1000 + i),
            _ => format!("{}", 1000 + i),
        };
        let first = match r.below(10) {
            0 => "\"Anne\nMarie\"".to_owned(),
            1 => "\"O\"\"Neil, Jr\"".to_owned(),
            2 => "5'10\"".to_owned(),
            3 => "=cmd".to_owned(),
            4 => String::new(),
            _ => "Zoë".to_owned(),
        };
        let email = match r.below(8) {
            0 => String::new(),
            1 => "not-an-email".into(),
            2 => format!("p{}@{}", r.below(i as u64 + 1), r.pick(&domains)),
            _ => format!("P{i}@{}", r.pick(&domains)),
        };
        let mut line = format!(
            "{id},{first},Last{},{email},{},{},{}",
            r.below(50),
            r.pick(&grades),
            r.pick(&schools),
            r.pick(&roles)
        )
        .into_bytes();
        if r.below(50) == 0 {
            // A row that is not UTF-8: read as Windows-1252 and said so.
            line.extend_from_slice(b"\xe9");
        }
        out.extend_from_slice(&line);
        out.extend_from_slice(eol);
    }
    if r.below(2) == 0 {
        // A file need not end with a line break.
        out.truncate(out.len() - eol.len());
    }
    out
}

fn options(seed: u64) -> ImportOptions {
    let mut o = ImportOptions::default();
    if seed % 3 == 1 {
        // The admin's grade mapping reaches every part.
        o.grade_map
            .insert("TK".into(), rollcall_shared::fields::Grade::PK);
    }
    if seed.is_multiple_of(2) {
        o.schools = Some(SchoolDirectory::new(vec![
            School {
                sis_code: "100".into(),
                name: "Lincoln".into(),
            },
            School {
                sis_code: "200".into(),
                name: "Adams".into(),
            },
        ]));
    }
    o
}

/// Everything a validation says, in a comparable form.
fn seen(v: &Validation) -> impl PartialEq + std::fmt::Debug {
    let records: Vec<_> = v
        .records
        .iter()
        .map(|r| (r.row(), r.has_error(), r.to_record(v.school_of(&r))))
        .collect();
    (
        records,
        v.issues.clone(),
        v.school_values.clone(),
        v.grade_values.clone(),
        (v.rows, v.has_grade_column, v.mapped.clone(), v.summary()),
    )
}

fn check(seed: u64, rows: usize, near: &[usize]) {
    let bytes = messy(seed, rows);
    let opts = options(seed);
    // The same validation, or the same refusal (a file of blank lines has a heading only).
    let whole = validate_bytes(&bytes, &opts).map(|(_, v)| seen(&v));
    let parts = validate_in_parts(&bytes, &opts, near).map(|(_, v)| seen(&v));
    assert_eq!(whole, parts, "seed {seed}, cuts near {near:?}");
}

#[test]
fn parts_validate_as_the_whole_file() {
    for seed in 0..24u64 {
        let len = messy(seed, 400).len();
        let n = 1 + (seed as usize % 5);
        let near: Vec<usize> = (1..n).map(|k| len * k / n).collect();
        check(seed, 400, &near);
    }
}

#[test]
fn a_cut_inside_a_quoted_line_break_reads_the_file_whole() {
    let bytes =
        b"sis_id,first_name,last_name,role\n1,\"A\nB\",C,student\n2,D,E,student\n1,F,G,student\n";
    let opts = ImportOptions::default();
    let (_, whole) = validate_bytes(bytes, &opts).unwrap();
    // Near byte 36 the next line feed is inside "A\nB".
    let at = bytes.iter().position(|&b| b == b'A').unwrap();
    let (_, parts) = validate_in_parts(bytes, &opts, &[at]).unwrap();
    assert_eq!(seen(&whole), seen(&parts));
    assert!(whole
        .issues
        .iter()
        .any(|i| i.code == rollcall_shared::validate::IssueCode::DuplicateDistrictId));
}

#[test]
fn a_damaged_part_is_refused() {
    use rollcall_shared::validate::{Part, PartError};
    let bytes = messy(3, 50);
    let opts = ImportOptions::default();
    let opened = rollcall_shared::open(&bytes, true, &opts).unwrap();
    let mut p = rollcall_shared::Pipeline::part(&opened, opened.mapping.clone(), &opts);
    p.feed(&bytes);
    let mut enc = p.finish_part().unwrap();
    assert!(Part::decode(&enc).is_ok());
    for cut in [0, 3, enc.len() / 2, enc.len() - 1] {
        assert!(matches!(
            Part::decode(&enc[..cut]),
            Err(PartError::Damaged(_))
        ));
    }
    // A record pointing past the texts.
    let last = enc.len() - 40 + 4;
    enc[last..last + 4].copy_from_slice(&u32::MAX.to_le_bytes());
    assert!(matches!(Part::decode(&enc), Err(PartError::Damaged(_))));
}

#[cfg(not(target_arch = "wasm32"))]
mod props {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]
        #[test]
        fn any_cuts_any_part_count(seed in any::<u64>(), rows in 1usize..300, cuts in prop::collection::vec(0.0f64..1.0, 0..7)) {
            let len = messy(seed, rows).len();
            let mut near: Vec<usize> = cuts.iter().map(|f| (f * len as f64) as usize).collect();
            near.sort_unstable();
            check(seed, rows, &near);
        }
    }
}
