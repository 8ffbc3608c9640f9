//! The worker's engine, in headless Chromium (wasm-bindgen-test with chromedriver): the typed
//! answers the page reads (`rollcall_shared::preview`), on real sample files, and the privacy rule — the change request
//! carries no value of an unmapped column.
#![cfg(target_arch = "wasm32")]
#![allow(clippy::expect_used, clippy::unwrap_used)]

use rollcall_engine::Engine;
use rollcall_shared::fields::Field;
use rollcall_shared::map::{Mapping, SavedMapping, SavedSource};
use rollcall_shared::plan::{codec, Roster};
use rollcall_shared::preview::{OpenAnswer, PlanView, ValidationView};
use rollcall_shared::read::LineEnding;
use rollcall_shared::validate::Issue;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const SCHOOLS: &str = r#"[{"sis_code":"101","name":"First Street Elementary"},{"sis_code":"102","name":"Lincoln Middle School"},{"sis_code":"103","name":"Roosevelt High School"},{"sis_code":"10001","name":"Contoso"},{"sis_code":"10002","name":"Fabrikam"}]"#;

fn opened(e: &mut Engine, bytes: &[u8]) -> OpenAnswer {
    let opts = format!(r#"{{"schools": {SCHOOLS}}}"#);
    serde_json::from_str(&e.open(bytes, true, &opts).expect("open")).expect("json")
}

fn validate(e: &mut Engine, bytes: &[u8], mapping: &Mapping) -> ValidationView {
    validate_fixed(e, bytes, mapping, "")
}

fn validate_fixed(e: &mut Engine, bytes: &[u8], mapping: &Mapping, fixes: &str) -> ValidationView {
    e.start(
        &serde_json::to_string(mapping).expect("json"),
        bytes.len() as f64,
        fixes,
    )
    .expect("start");
    for c in bytes.chunks(7) {
        e.feed(c).expect("feed");
    }
    serde_json::from_str(&e.finish().expect("finish")).expect("json")
}

#[wasm_bindgen_test]
fn errors_mixed_in_the_browser() {
    let bytes = include_bytes!("../../../../shared/samples/errors_mixed.csv");
    let mut e = Engine::new();
    let o = opened(&mut e, bytes);
    assert_eq!(o.dialect.line_ending, LineEnding::Crlf);
    assert_eq!(o.columns, 11);
    let v = validate(&mut e, bytes, &o.mapping);
    assert_eq!((v.rows, v.errors, v.warnings), (24, 12, 4));
    let unknown: Vec<_> = v.schools.iter().filter(|s| s.code.is_none()).collect();
    assert_eq!(unknown.len(), 1);
    assert_eq!(unknown[0].value, "999");
    let v: ValidationView =
        serde_json::from_str(&e.resolve_schools(r#"{"999":"103"}"#).expect("resolve"))
            .expect("json");
    assert_eq!(v.errors, 11);
    let issues: Vec<Issue> =
        serde_json::from_str(&e.issues("duplicate_district_id").expect("issues")).expect("json");
    assert_eq!(
        issues.iter().map(|i| i.row).collect::<Vec<_>>(),
        vec![Some(8), Some(9)]
    );
    let csv = e.issues_csv("").expect("csv");
    assert!(csv.starts_with("row,column,severity,code,message,suggestion"));
    // The screen's filter: only that code's issues.
    let dup = e.issues_csv("duplicate_district_id").expect("csv");
    assert_eq!(dup.lines().count(), 3, "{dup}");
    assert!(dup
        .lines()
        .skip(1)
        .all(|l| l.contains("duplicate_district_id")));
    assert!(
        csv.contains("'=HYPERLINK") || !csv.contains("=HYPERLINK"),
        "formula cells are neutralised"
    );
}

#[wasm_bindgen_test]
fn sds_students_plan_and_request_carry_only_mapped_fields() {
    let bytes = include_bytes!("../../../../shared/samples/external/sds_students_100.csv");
    let mut e = Engine::new();
    let o = opened(&mut e, bytes);
    let mut mapping = o.mapping.clone();
    mapping.set_value(Field::Role, "student");
    let v = validate(&mut e, bytes, &mapping);
    assert_eq!((v.rows, v.errors), (86, 0));
    let empty = codec::encode(&Roster::default());
    e.set_roster(&empty).expect("roster");
    let plan: PlanView = serde_json::from_str(
        &e.plan("students.csv", r#"{"guard":{"percent":10,"min":5}}"#, 10)
            .expect("plan"),
    )
    .expect("json");
    assert_eq!(plan.report.summary.creates, 86);
    assert_eq!(
        (plan.report.creates.len(), plan.totals.creates),
        (10, 86),
        "lists are cut at the limit"
    );
    let req = e.request("demo", false, "").expect("request");
    for unmapped in ["4/2/2000", "OKlein", "2019"] {
        assert!(
            !req.contains(unmapped),
            "{unmapped} (an unmapped column's value) must not be sent"
        );
    }
    assert!(req.contains("\"Ora\"") && req.contains("\"13001\""));
    let saved: SavedMapping = serde_json::from_str(
        &e.saved_mapping(&serde_json::to_string(&mapping).expect("json"))
            .expect("saved"),
    )
    .expect("json");
    assert_eq!(
        saved.fields.get(&Field::SisId),
        Some(&SavedSource::Heading("SIS ID".into()))
    );
}

#[wasm_bindgen_test]
fn unreadable_files_are_refused_with_a_sentence() {
    let mut e = Engine::new();
    let err = e
        .open(b"PK\x03\x04\x14\x00", true, "{}")
        .expect_err("refused");
    assert!(err.as_string().is_some_and(|s| s.contains("Excel")));
}

#[wasm_bindgen_test]
fn a_fix_made_in_the_worker_reaches_the_request_and_the_corrected_file() {
    let bytes = b"District ID,First Name,Last Name,User Type,Grade,School\nS1,Ann,Lee,Student,Q,101\nS2,Bob,Ray,Student,Q,101\n";
    let mut e = Engine::new();
    let o = opened(&mut e, bytes);
    assert_eq!(validate(&mut e, bytes, &o.mapping).errors, 1);
    let fixes = r#"{"values":[{"column":4,"from":"Q","to":"3"}]}"#;
    let v = validate_fixed(&mut e, bytes, &o.mapping, fixes);
    assert_eq!(v.errors, 0);
    assert_eq!((v.fixes[0].cells, v.fixes[0].open), (2, 0));
    e.pick_start("[3]", fixes).expect("pick");
    assert!(!e.pick_feed(bytes).expect("feed"), "row 3 found");
    let rows: Vec<rollcall_shared::fix::PickedRow> =
        serde_json::from_str(&e.pick_finish().expect("rows")).expect("json");
    assert_eq!(
        (rows[0].cells[4].as_str(), rows[0].fixed[4].as_str()),
        ("Q", "3")
    );
    e.set_roster(&codec::encode(&Roster::default()))
        .expect("roster");
    e.plan("students.csv", r#"{"guard":{"percent":10,"min":5}}"#, 10)
        .expect("plan");
    // The request holds the fixed value, normalized like any other.
    let req = e.request("demo", false, "").expect("request");
    assert!(req.contains("\"03\""), "{req}");
    assert!(!req.contains("\"Q\""), "{req}");
    e.corrected_start(fixes).expect("start");
    e.corrected_feed(bytes).expect("feed");
    assert_eq!(
        e.corrected_finish().expect("file"),
        "District ID,First Name,Last Name,User Type,Grade,School\nS1,Ann,Lee,Student,3,101\nS2,Bob,Ray,Student,3,101\n"
    );
}

/// The worker's warm-up goes the whole way (every column mapped, every row read, the planted
/// errors found, a plan made): a file that stopped short would warm less of the engine.
#[wasm_bindgen_test]
fn warm_up_reads_validates_and_plans_its_file() {
    rollcall_engine::warm_up().expect("warm-up");
}

/// A plan asked again with the same scope and options is the plan made (the page plans ahead
/// of the review), until what it was made of changes: a school value mapped by hand on the
/// Schools step makes another row plannable, and the same ask must then plan anew.
#[wasm_bindgen_test]
fn the_same_ask_plans_anew_once_the_schools_change() {
    let bytes = include_bytes!("../../../../shared/samples/errors_mixed.csv");
    let mut e = Engine::new();
    let o = opened(&mut e, bytes);
    validate(&mut e, bytes, &o.mapping);
    e.set_roster(&codec::encode(&Roster::default()))
        .expect("roster");
    let ask = r#"{"guard":{"percent":10,"min":5}}"#;
    let creates = |e: &mut Engine| {
        let p: PlanView =
            serde_json::from_str(&e.plan("students.csv", ask, 10).expect("plan")).expect("json");
        p.report.summary.creates
    };
    let before = creates(&mut e);
    assert_eq!(creates(&mut e), before, "asked again: the same plan");
    e.resolve_schools(r#"{"999":"103"}"#).expect("resolve");
    assert_eq!(
        creates(&mut e),
        before + 1,
        "the row of school 999 is planned"
    );
}
