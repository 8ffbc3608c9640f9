//! Fix in place: fixes change what the rules see (row rules and file rules), are counted, and
//! the corrected file reads back to the same records.

use super::*;
use crate::validate::IssueCode;
use crate::{open, ImportOptions, Pipeline};
#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

const FILE: &str = "District ID;First Name;Last Name;User Type;Grade;School\r\n\
S1;Ann;Lee;0;Q;1\r\n\
S2;Bob;Ray;0;Q;1\r\n\
\r\n\
S2;Cy;Fox;0;04;1\r\n\
S4;Di;=Cos;0;Q;1\r\n";

/// The file validated with `fixes` (fed in small chunks, as the worker does), and the reports.
fn run(csv: &str, fixes: Fixes) -> (crate::validate::Validation, Vec<FixReport>) {
    let opts = ImportOptions::default();
    let opened = open(csv.as_bytes(), true, &opts).expect("opens");
    let mut p = Pipeline::new(&opened, &opts);
    p.fix(fixes).expect("fixes fit");
    for chunk in csv.as_bytes().chunks(7) {
        p.feed(chunk);
    }
    let (v, fixer) = p.finish_fixed().expect("reads");
    let reports = fixer.map_or_else(Vec::new, |f| f.report(&v, &opened.mapping));
    (v, reports)
}

fn codes(v: &crate::validate::Validation) -> Vec<(Option<u32>, IssueCode)> {
    v.issues
        .iter()
        .filter(|i| i.is_error())
        .map(|i| (i.row, i.code))
        .collect()
}

#[test]
fn the_file_as_it_is_has_the_errors_the_fixes_are_for() {
    let (v, reports) = run(FILE, Fixes::default());
    let c = codes(&v);
    assert!(c.contains(&(Some(2), IssueCode::InvalidGrade)), "{c:?}");
    assert!(
        c.iter()
            .any(|(_, code)| *code == IssueCode::DuplicateDistrictId),
        "{c:?}"
    );
    assert!(reports.is_empty());
}

#[test]
fn a_value_fix_changes_every_equal_cell_and_a_cell_fix_clears_a_file_rule() {
    let mut fixes = Fixes::default();
    fixes.set_value(4, " Q ", "03".into());
    fixes.set_cell(5, 0, "S3".into());
    let (v, reports) = run(FILE, fixes);
    assert_eq!(codes(&v), vec![], "{:?}", v.issues);
    let grades: Vec<String> = v
        .records
        .iter()
        .map(|r| r.grade().map(|g| g.as_str().to_owned()).unwrap_or_default())
        .collect();
    assert_eq!(grades, ["03", "03", "04", "03"]);
    let ids: Vec<&str> = v.records.iter().filter_map(|r| r.sis_id()).collect();
    assert_eq!(ids, ["S1", "S2", "S3", "S4"]);
    // Cells first, then values; each counted, none left open.
    assert_eq!(reports.len(), 2);
    assert_eq!(
        (reports[0].row, reports[0].cells, reports[0].open),
        (Some(5), 1, 0)
    );
    assert_eq!(
        (
            reports[1].from.as_deref(),
            reports[1].cells,
            reports[1].open
        ),
        (Some("Q"), 3, 0)
    );
}

#[test]
fn a_fix_that_does_not_fix_is_reported_open_and_a_missing_row_changes_nothing() {
    let mut fixes = Fixes::default();
    fixes.set_cell(2, 4, "Grade three".into());
    fixes.set_cell(99, 4, "03".into());
    let (v, reports) = run(FILE, fixes);
    assert!(codes(&v).contains(&(Some(2), IssueCode::InvalidGrade)));
    assert_eq!((reports[0].cells, reports[0].open), (1, 1));
    assert_eq!((reports[1].cells, reports[1].open), (0, 0));
}

#[test]
fn a_cell_fix_wins_over_its_value_fix_and_a_second_fix_of_a_cell_replaces_the_first() {
    let mut fixes = Fixes::default();
    fixes.set_value(4, "Q", "03".into());
    fixes.set_cell(2, 4, "KG".into());
    fixes.set_cell(2, 4, "05".into());
    assert_eq!(fixes.cells.len(), 1);
    let (v, _) = run(FILE, fixes);
    let first = v.records.iter().next().and_then(|r| r.grade());
    assert_eq!(first.map(|g| g.as_str()), Some("05"));
}

#[test]
fn a_short_row_is_padded_by_a_fix_past_its_end() {
    let csv = "District ID,First Name,Last Name,User Type,School,Grade\nS1,Ann,Lee,0,1\n";
    let (v, _) = run(csv, Fixes::default());
    assert!(codes(&v).contains(&(Some(2), IssueCode::TooFewFields)));
    let mut fixes = Fixes::default();
    fixes.set_cell(2, 5, "05".into());
    let (v, reports) = run(csv, fixes);
    assert_eq!(codes(&v), vec![]);
    assert_eq!(reports[0].open, 0);
}

fn corrected(csv: &str, fixes: Fixes) -> Result<String, FixError> {
    let opts = ImportOptions::default();
    let opened = open(csv.as_bytes(), true, &opts).expect("opens");
    let mut w = CorrectedFile::new(&opened.dialect, opts.limits, opened.headings(), fixes)?;
    for chunk in csv.as_bytes().chunks(5) {
        w.feed(chunk);
    }
    w.finish()
}

#[test]
fn the_corrected_file_keeps_the_layout_and_reads_back_to_the_fixed_records() {
    let mut fixes = Fixes::default();
    fixes.set_value(4, "Q", "03".into());
    fixes.set_cell(5, 0, "S3".into());
    let out = corrected(FILE, fixes.clone()).expect("written");
    // Its delimiter, line ends, blank line and heading; the formula-like name neutralised.
    assert_eq!(
        out,
        "District ID;First Name;Last Name;User Type;Grade;School\r\n\
S1;Ann;Lee;0;03;1\r\n\
S2;Bob;Ray;0;03;1\r\n\
\r\n\
S3;Cy;Fox;0;04;1\r\n\
S4;Di;'=Cos;0;03;1\r\n"
    );
    let (fixed, _) = run(FILE, fixes);
    let (again, _) = run(&out, Fixes::default());
    let recs = |v: &crate::validate::Validation| -> Vec<_> {
        v.records
            .iter()
            .map(|r| (r.row(), r.to_record(None)))
            .collect()
    };
    assert_eq!(recs(&again), recs(&fixed));
    assert_eq!(codes(&again), codes(&fixed));
}

#[test]
fn a_file_with_a_row_that_could_not_be_read_is_not_rewritten_without_it() {
    let long = "x".repeat(2 * 1024 * 1024);
    let csv = format!("District ID,First Name\nS1,Ann\nS2,{long}\n");
    let err = corrected(&csv, Fixes::default()).expect_err("refused");
    assert_eq!(err, FixError::Unreadable(vec![3]));
    assert!(
        err.to_string().starts_with("Row 3 could not be read"),
        "{err}"
    );
}

#[test]
fn the_picker_gives_the_rows_asked_for_with_and_without_fixes_and_stops() {
    let opts = ImportOptions::default();
    let opened = open(FILE.as_bytes(), true, &opts).expect("opens");
    let mut fixes = Fixes::default();
    fixes.set_value(4, "Q", "03".into());
    let mut p = Picker::new(&opened.dialect, opts.limits, fixes, &[3, 2]).expect("picker");
    let mut more = true;
    let mut fed = 0;
    for chunk in FILE.as_bytes().chunks(40) {
        fed += 1;
        more = p.feed(chunk);
        if !more {
            break;
        }
    }
    assert!(!more);
    assert!(fed < FILE.len().div_ceil(40), "it stopped before the end");
    let rows = p.finish();
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0].row, 2);
    assert_eq!(rows[0].cells[4], "Q");
    assert_eq!(rows[0].fixed[4], "03");
    assert_eq!(rows[1].cells[0], "S2");
}

#[test]
fn limits_are_refused_with_a_sentence() {
    let many = Fixes {
        cells: (0..=MAX_FIXES as u32)
            .map(|row| CellFix {
                row,
                column: 0,
                value: String::new(),
            })
            .collect(),
        values: vec![],
    };
    assert!(matches!(Fixer::new(many), Err(FixError::TooMany(_))));
    let opts = ImportOptions::default();
    let opened = open(FILE.as_bytes(), true, &opts).expect("opens");
    let rows: Vec<u32> = (0..=MAX_PICK as u32).collect();
    let err = Picker::new(&opened.dialect, opts.limits, Fixes::default(), &rows).err();
    assert_eq!(err, Some(FixError::TooManyRows(MAX_PICK + 1)));
}

#[test]
fn fixes_travel_as_json() {
    let f: Fixes =
        serde_json::from_str(r#"{"cells":[{"row":2,"column":4,"value":"03"}]}"#).expect("parses");
    assert_eq!(f.cells[0].row, 2);
    assert!(f.values.is_empty());
}
