//! A workbook (a small .xlsx made for the test: two sheets, a text id with leading zeros, a
//! number id) read as the rows its sheet shows, then validated like any file. Natively and in
//! wasm.
#![allow(clippy::expect_used, clippy::unwrap_used)]

use rollcall_shared::workbook::{is_workbook, to_csv, WorkbookError};
use rollcall_shared::{validate_bytes, ImportOptions};

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

const XLSX: &[u8] = include_bytes!("fixtures/roster.xlsx");

#[test]
fn the_first_sheet_reads_as_the_sheet_shows_it() {
    assert!(is_workbook(XLSX));
    let t = to_csv(XLSX, None).expect("reads");
    assert_eq!(t.sheets, ["Students", "Staff"]);
    assert_eq!(t.sheet, "Students");
    let text = String::from_utf8(t.csv.clone()).expect("utf-8");
    assert!(
        text.contains("00123,Ann,Lee"),
        "text keeps its zeros: {text}"
    );
    assert!(
        text.contains("100234,Bo,Kim,0,7,101"),
        "whole numbers without a point: {text}"
    );
    let (_, v) = validate_bytes(&t.csv, &ImportOptions::default()).expect("validates");
    assert!(!v.has_errors(), "{:?}", v.issues);
    assert_eq!(v.records.len(), 2);
}

#[test]
fn a_sheet_is_chosen_by_name() {
    let t = to_csv(XLSX, Some("Staff")).expect("reads");
    assert!(String::from_utf8_lossy(&t.csv).contains("cy.ode@district.example.org"));
    assert_eq!(
        to_csv(XLSX, Some("Parents")),
        Err(WorkbookError::NoSuchSheet("Parents".into()))
    );
}
