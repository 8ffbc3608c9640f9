//! OneRoster as it is: `enabledUser` false is inactive even beside a blank `status`; the school
//! is `primaryOrgSourcedId` (1.2) or the first of `orgSourcedIds`; a `grades` list gives its
//! first grade; guardian, parent and relative rows are skipped with one warning. Natively and
//! in wasm.
#![allow(clippy::expect_used, clippy::unwrap_used)]

use rollcall_shared::fields::{Field, Grade, Status};
use rollcall_shared::validate::{IssueCode, Validation};
use rollcall_shared::{validate_bytes, ImportOptions};

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

fn read(text: &str) -> Validation {
    validate_bytes(text.as_bytes(), &ImportOptions::default())
        .expect("reads")
        .1
}

fn school(v: &Validation, row: u32) -> Option<String> {
    v.records
        .iter()
        .find(|r| r.row() == row)
        .and_then(|r| v.school_of(&r).map(str::to_owned))
}

#[test]
fn a_oneroster_1_1_export_reads_as_its_spec_means_it() {
    let file = "sourcedId,status,enabledUser,orgSourcedIds,role,givenName,familyName,email,grades
stu-1,active,true,\"org-1,org-2\",student,Ann,Lee,ann@example.org,\"09,10\"
stu-2,,false,org-1,student,Bo,Lee,bo@example.org,05
stu-3,active,TRUE,org-2,student,Cy,Lee,cy@example.org,KG
par-1,active,true,org-1,guardian,Jo,Lee,jo@example.org,
rel-1,active,true,org-1,Relative,Al,Lee,al@example.org,
";
    let v = read(file);
    assert!(!v.has_errors(), "{:?}", v.issues);
    assert_eq!(v.records.len(), 3, "guardians and relatives are not users");
    let skipped: Vec<_> = v
        .issues
        .iter()
        .filter(|i| i.code == IssueCode::GuardianSkipped)
        .collect();
    assert_eq!(skipped.len(), 1);
    assert_eq!(skipped[0].rows, [5, 6]);
    assert_eq!(
        school(&v, 2).as_deref(),
        Some("org-1"),
        "the first of the list"
    );
    let rec = |row: u32| v.records.iter().find(|r| r.row() == row).expect("record");
    assert_eq!(rec(2).grade(), Grade::numbered(9));
    assert_eq!(
        rec(3).status(),
        Status::Inactive,
        "enabledUser false, status blank"
    );
    assert_eq!(rec(4).status(), Status::Active);
    assert!(v.mapped.contains(&Field::Grade));
}

#[test]
fn a_oneroster_1_2_export_takes_its_primary_org() {
    let file = "sourcedId,status,enabledUser,orgSourcedIds,primaryOrgSourcedId,role,givenName,familyName,email
stu-1,active,true,\"org-1,org-2\",org-2,student,Ann,Lee,ann@example.org
";
    let v = read(file);
    assert_eq!(school(&v, 2).as_deref(), Some("org-2"), "{:?}", v.issues);
}
