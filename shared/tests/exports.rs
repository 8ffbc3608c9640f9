//! Published SIS and rostering export headings (`fixtures/exports/`, values invented; sources
//! in its NOTES.md) are mapped as `expected.tsv` says: each column to its field or to none, no
//! column to two fields, and every file's key and names found. Runs natively and in wasm.
#![allow(clippy::expect_used, clippy::unwrap_used)]

use rollcall_shared::fields::Field;
use rollcall_shared::map::Source;
use rollcall_shared::{open, ImportOptions};

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

const FILES: &[(&str, &str)] = &[
    (
        "aeries_api_staff.csv",
        include_str!("fixtures/exports/aeries_api_staff.csv"),
    ),
    (
        "aeries_api_students.csv",
        include_str!("fixtures/exports/aeries_api_students.csv"),
    ),
    (
        "canvas_users.csv",
        include_str!("fixtures/exports/canvas_users.csv"),
    ),
    (
        "classlink_sds_students.csv",
        include_str!("fixtures/exports/classlink_sds_students.csv"),
    ),
    (
        "classlink_sds_teachers.csv",
        include_str!("fixtures/exports/classlink_sds_teachers.csv"),
    ),
    (
        "clever_staff.csv",
        include_str!("fixtures/exports/clever_staff.csv"),
    ),
    (
        "clever_students.csv",
        include_str!("fixtures/exports/clever_students.csv"),
    ),
    (
        "clever_teachers.csv",
        include_str!("fixtures/exports/clever_teachers.csv"),
    ),
    (
        "google_workspace_users.csv",
        include_str!("fixtures/exports/google_workspace_users.csv"),
    ),
    (
        "oneroster_1_1_users.csv",
        include_str!("fixtures/exports/oneroster_1_1_users.csv"),
    ),
    (
        "oneroster_1_2_users.csv",
        include_str!("fixtures/exports/oneroster_1_2_users.csv"),
    ),
    (
        "powerschool_students.csv",
        include_str!("fixtures/exports/powerschool_students.csv"),
    ),
    (
        "powerschool_teachers.csv",
        include_str!("fixtures/exports/powerschool_teachers.csv"),
    ),
    (
        "schoology_users.csv",
        include_str!("fixtures/exports/schoology_users.csv"),
    ),
    (
        "skyward_qmlativ_staff.csv",
        include_str!("fixtures/exports/skyward_qmlativ_staff.csv"),
    ),
    (
        "skyward_qmlativ_students.csv",
        include_str!("fixtures/exports/skyward_qmlativ_students.csv"),
    ),
];

const EXPECTED: &str = include_str!("fixtures/exports/expected.tsv");

#[test]
fn every_published_heading_maps_as_expected() {
    let mut checked = 0;
    for (name, text) in FILES {
        let opened = open(text.as_bytes(), true, &ImportOptions::default()).expect("reads");
        let headings = opened.headings().expect("a heading row").to_vec();
        let m = &opened.mapping;
        for line in EXPECTED.lines().filter(|l| l.starts_with(name)) {
            let mut parts = line.split('\t');
            let (_, heading, want) = (parts.next(), parts.next().unwrap(), parts.next().unwrap());
            let col = headings
                .iter()
                .position(|h| h == heading)
                .unwrap_or_else(|| panic!("{name}: no `{heading}`"));
            let got = m
                .fields
                .iter()
                .filter(|(_, s)| **s == Source::Column(col))
                .map(|(f, _)| f.name())
                .collect::<Vec<_>>();
            assert!(got.len() <= 1, "{name}: `{heading}` feeds {got:?}");
            if want != "?" {
                assert_eq!(
                    got.first().copied().unwrap_or("none"),
                    want,
                    "{name}: `{heading}`"
                );
            }
            checked += 1;
        }
        // Every export names its people (the one without name columns, full names only, aside).
        let has = |f: Field| m.fields.contains_key(&f);
        assert!(has(Field::SisId) || has(Field::Email), "{name}: no key");
        if EXPECTED
            .lines()
            .any(|l| l.starts_with(name) && l.ends_with("\tfirst_name"))
        {
            assert!(
                has(Field::FirstName) && has(Field::LastName),
                "{name}: no names"
            );
        }
    }
    assert!(checked > 200, "{checked} columns");
}
