//! Every sample of `../shared/samples` (and the real exports in `external/`) read through the
//! engine, asserting the outcome its README gives. Compiled natively and to wasm32 (run under
//! Node by wasm-bindgen-test), so the browser's build is held to the same results.

#![allow(clippy::expect_used, clippy::unwrap_used)] // test helpers: a failed expectation is a failed test

use std::collections::BTreeSet;

use rollcall_shared::fields::{Field, Role};
use rollcall_shared::map::{SchoolDirectory, Source};
use rollcall_shared::read::LineEnding;
use rollcall_shared::validate::{IssueCode, Severity, Validation};
use rollcall_shared::{read_rows, validate_bytes, ImportOptions, Opened};

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

macro_rules! sample {
    ($name:literal) => {
        include_bytes!(concat!("../../../shared/samples/", $name)).as_slice()
    };
}

fn schools(bytes: &[u8]) -> SchoolDirectory {
    let (o, rows) = read_rows(bytes, &ImportOptions::default()).expect("schools file reads");
    SchoolDirectory::from_rows(o.headings(), &rows).expect("schools")
}

fn district_schools() -> SchoolDirectory {
    schools(sample!("schools.csv"))
}

fn run(
    bytes: &[u8],
    schools: Option<SchoolDirectory>,
    set: &[(Field, &str)],
) -> (Opened, Validation) {
    let opts = ImportOptions {
        schools,
        set: set.iter().map(|(f, v)| (*f, v.to_string())).collect(),
        ..ImportOptions::default()
    };
    validate_bytes(bytes, &opts).expect("sample reads")
}

fn codes(v: &Validation) -> Vec<(Option<u32>, IssueCode, Severity)> {
    v.issues
        .iter()
        .map(|i| (i.row, i.code, i.severity))
        .collect()
}

fn all_text(v: &Validation) -> String {
    v.records
        .iter()
        .map(|r| format!("{} {}|", r.first_name(), r.last_name()))
        .collect()
}

#[test]
fn classworks_headers_maps_every_column_and_has_no_errors() {
    let (o, v) = run(
        sample!("classworks_headers.csv"),
        Some(district_schools()),
        &[],
    );
    assert_eq!(o.dialect.line_ending, LineEnding::Crlf);
    assert!(o.dialect.has_header);
    assert_eq!(
        o.mapping.unmapped_columns(o.columns),
        Vec::<usize>::new(),
        "every column auto-matched"
    );
    assert_eq!(v.rows, 40);
    let students = v
        .records
        .iter()
        .filter(|r| r.role() == Some(Role::Student))
        .count();
    let staff = v
        .records
        .iter()
        .filter(|r| r.role().is_some_and(Role::is_staff))
        .count();
    assert_eq!((students, staff), (35, 5));
    assert_eq!(v.summary().errors, 0, "{:?}", v.issues);
}

#[test]
fn pass_users_keys_blank_ids_by_email_and_warns_once_about_grades() {
    let (o, v) = run(sample!("pass_users.csv"), Some(district_schools()), &[]);
    assert_eq!(o.dialect.line_ending, LineEnding::Lf);
    assert_eq!(o.mapping.unmapped_columns(o.columns), Vec::<usize>::new());
    assert_eq!(v.summary().errors, 0, "{:?}", v.issues);
    let blank_ids: BTreeSet<u32> = v
        .records
        .iter()
        .filter(|r| r.sis_id().is_none())
        .map(|r| r.row())
        .collect();
    assert!(!blank_ids.is_empty());
    let warned: BTreeSet<u32> = v
        .issues
        .iter()
        .filter(|i| i.code == IssueCode::EmailAsKey)
        .filter_map(|i| i.row)
        .collect();
    assert_eq!(warned, blank_ids, "one warning per row keyed by email");
    assert_eq!(
        v.issues
            .iter()
            .filter(|i| i.code == IssueCode::NoGradeColumn)
            .count(),
        1
    );
    let roles: BTreeSet<Role> = v.records.iter().filter_map(|r| r.role()).collect();
    assert!(
        roles.contains(&Role::Teacher)
            && roles.contains(&Role::Staff)
            && roles.contains(&Role::Student)
    );
    assert!(v.records.iter().all(|r| r.grade().is_none()));
}

#[test]
fn no_header_is_detected_and_columns_inferred_from_content() {
    let (o, v) = run(sample!("no_header.csv"), Some(district_schools()), &[]);
    assert!(!o.dialect.has_header);
    let expect = [
        (Field::Email, 0),
        (Field::LastName, 1),
        (Field::FirstName, 2),
        (Field::Role, 3),
        (Field::Grade, 4),
        (Field::School, 5),
        (Field::SisId, 6),
    ];
    for (f, c) in expect {
        assert_eq!(o.mapping.source(f), Some(&Source::Column(c)), "{f}");
    }
    assert_eq!(v.rows, 40);
    assert_eq!(v.summary().errors, 0, "{:?}", v.issues);
    assert!(all_text(&v).contains("Olivia Lefèvre|"));
}

#[test]
fn excel_mac_roman_cr_decodes_accents_and_splits_on_cr() {
    let (o, v) = run(
        sample!("excel_mac_roman_cr.csv"),
        Some(district_schools()),
        &[],
    );
    assert_eq!(o.dialect.encoding.name(), "macintosh");
    assert_eq!(o.dialect.line_ending, LineEnding::Cr);
    assert_eq!(v.rows, 30);
    let text = all_text(&v);
    for name in [
        "Mateo Lefèvre",
        "Jürgen Núñez",
        "Seán Walsh",
        "Ingrid García",
    ] {
        assert!(text.contains(name), "{name} in {text}");
    }
    assert!(
        !text
            .chars()
            .any(|c| ('\u{80}'..='\u{9f}').contains(&c) || c == '\u{fffd}'),
        "no mojibake"
    );
    assert_eq!(v.summary().errors, 0, "{:?}", v.issues);
}

#[test]
fn windows1252_crlf_decodes_accents() {
    let (o, v) = run(
        sample!("windows1252_crlf.csv"),
        Some(district_schools()),
        &[],
    );
    assert_eq!(o.dialect.encoding.name(), "windows-1252");
    assert_eq!(o.dialect.line_ending, LineEnding::Crlf);
    let text = all_text(&v);
    assert!(
        text.contains("Jürgen Dubois") && text.contains("Chloé Johnson"),
        "{text}"
    );
    assert_eq!(v.summary().errors, 0, "{:?}", v.issues);
}

#[test]
fn utf8_bom_semicolon_strips_the_bom_and_finds_the_delimiter() {
    let (o, v) = run(
        sample!("utf8_bom_semicolon.csv"),
        Some(district_schools()),
        &[],
    );
    assert_eq!(o.dialect.delimiter, b';');
    assert!(o.dialect.bom_len > 0);
    assert_eq!(
        o.headings().and_then(|h| h.first()).map(String::as_str),
        Some("First Name")
    );
    assert_eq!(o.mapping.source(Field::FirstName), Some(&Source::Column(0)));
    assert_eq!(v.summary().errors, 0, "{:?}", v.issues);
}

#[test]
fn utf16le_tab_is_decoded_and_split() {
    let (o, v) = run(sample!("utf16le_tab.txt"), Some(district_schools()), &[]);
    assert_eq!(o.dialect.encoding.name(), "UTF-16LE");
    assert_eq!(o.dialect.delimiter, b'\t');
    assert_eq!(v.rows, 30);
    assert_eq!(v.summary().errors, 0, "{:?}", v.issues);
}

#[test]
fn quoted_multiline_keeps_commas_quotes_and_line_breaks_inside_fields() {
    let (_, v) = run(
        sample!("quoted_multiline.csv"),
        Some(district_schools()),
        &[],
    );
    assert_eq!(v.rows, 20, "20 rows, not 21");
    let text = all_text(&v);
    assert!(text.contains("Smith, Jr.|"), "{text}");
    assert!(text.contains("Robert \"Bob\" "), "{text}");
    assert!(v
        .records
        .iter()
        .any(|r| r.middle_name().is_some_and(|m| m.contains('\n'))));
    // Read as it is, and the line break is named at its row: a name is one line of text.
    let errors: Vec<_> = v.issues.iter().filter(|i| i.is_error()).collect();
    assert_eq!(errors.len(), 1, "{:?}", v.issues);
    assert_eq!(
        (errors[0].code, errors[0].row),
        (IssueCode::ControlCharacter, Some(4))
    );
}

#[test]
fn errors_mixed_reports_exactly_the_readme_rows() {
    let (_, v) = run(sample!("errors_mixed.csv"), Some(district_schools()), &[]);
    use IssueCode::*;
    use Severity::*;
    let expected: Vec<(Option<u32>, IssueCode, Severity)> = vec![
        (Some(5), MissingRequired, Error),
        (Some(6), InvalidEmail, Error),
        (Some(7), InvalidGrade, Error),
        (Some(8), DuplicateDistrictId, Error),
        (Some(9), DuplicateDistrictId, Error),
        (Some(10), DuplicateEmail, Error),
        (Some(11), DuplicateEmail, Error),
        (Some(12), UnknownSchool, Error),
        (Some(13), InvalidRole, Error),
        (Some(14), FormulaLike, Warning),
        (Some(15), EmailAsKey, Warning),
        (Some(16), MissingGrade, Error),
        (Some(17), GradeSpelledOut, Warning),
        (Some(18), TooFewFields, Error),
        (Some(19), TooManyFields, Error),
        (Some(21), NameCase, Warning),
    ];
    assert_eq!(codes(&v), expected);
    let issue = |row: u32| v.issues.iter().find(|i| i.row == Some(row)).expect("issue");
    assert!(
        issue(8).message.contains("row 9") && issue(9).message.contains("row 8"),
        "each names the other"
    );
    assert_eq!(issue(12).rows, vec![12]);
    assert!(
        issue(18).message.contains('5') && issue(18).message.contains("11"),
        "{}",
        issue(18).message
    );
    // Row 14 is kept as plain text; row 17's grade is KG; row 20's email is trimmed.
    let rec = |row: u32| v.records.iter().find(|r| r.row() == row).expect("record");
    assert_eq!(rec(14).first_name(), "=HYPERLINK(\"http://x\",\"y\")");
    assert_eq!(rec(17).grade().map(|g| g.as_str()), Some("KG"));
    assert_eq!(
        rec(20).email().map(|e| e.to_string()).as_deref(),
        Some("bjorn.lee18@springfield.k12.example.org")
    );
    assert_eq!(v.rows, 24, "rows 26 and 27 (empty) are skipped");
}

#[test]
fn errors_mixed_unknown_school_clears_once_mapped_by_hand() {
    let (_, mut v) = run(sample!("errors_mixed.csv"), Some(district_schools()), &[]);
    let overrides = [("999".to_owned(), "103".to_owned())].into_iter().collect();
    v.resolve_schools(Some(&district_schools()), &overrides);
    assert!(!v.issues.iter().any(|i| i.code == IssueCode::UnknownSchool));
}

#[test]
fn sds_students_with_role_set_for_the_file() {
    let dir = schools(sample!("external/sds_school.csv"));
    let (o, v) = run(
        sample!("external/sds_students_100.csv"),
        Some(dir),
        &[(Field::Role, "student")],
    );
    assert_eq!(o.mapping.source(Field::SisId), Some(&Source::Column(0)));
    assert_eq!(o.mapping.source(Field::School), Some(&Source::Column(1)));
    assert_eq!(v.rows, 86);
    assert_eq!(v.summary().errors, 0, "{:?}", v.issues);
    let headings = o.headings().expect("headings");
    for unmapped in ["Username", "Birthdate", "Graduation Year"] {
        let c = headings.iter().position(|h| h == unmapped).expect("column");
        assert!(
            o.mapping.unmapped_columns(o.columns).contains(&c),
            "{unmapped} stays unmapped"
        );
    }
    assert!(v.records.iter().all(|r| r.grade().is_some()));
}

#[test]
fn sds_teachers_need_an_email_and_say_so() {
    let dir = schools(sample!("external/sds_school.csv"));
    let (_, v) = run(
        sample!("external/sds_teachers.csv"),
        Some(dir),
        &[(Field::Role, "teacher")],
    );
    let errs: Vec<_> = v.issues.iter().filter(|i| i.is_error()).collect();
    assert_eq!(errs.len() as u32, v.rows);
    for e in errs {
        assert_eq!(e.code, IssueCode::EmailRequiredForStaff);
        assert!(
            e.message.contains("Email is required for staff")
                && e.message.contains("no email column"),
            "{}",
            e.message
        );
    }
}

#[test]
fn sds_v21_users_map_oneroster_names_and_flag_blank_staff_emails() {
    let (o, v) = run(
        sample!("external/sds_v21_users.csv"),
        None,
        &[(Field::Role, "teacher"), (Field::School, "10001")],
    );
    assert_eq!(o.mapping.source(Field::SisId), Some(&Source::Column(0)));
    assert_eq!(o.mapping.source(Field::FirstName), Some(&Source::Column(2)));
    let username = o
        .headings()
        .and_then(|h| h.iter().position(|x| x == "username"));
    assert!(
        username.is_some_and(|c| o.mapping.field_of_column(c).is_none()),
        "username is not email"
    );
    let blank_email_rows: Vec<u32> = v
        .records
        .iter()
        .filter(|r| r.email().is_none())
        .map(|r| r.row())
        .collect();
    let flagged: Vec<u32> = v
        .issues
        .iter()
        .filter(|i| i.code == IssueCode::EmailRequiredForStaff)
        .filter_map(|i| i.row)
        .collect();
    assert_eq!(flagged, blank_email_rows);
}

#[test]
fn oneroster_users_unknown_orgs_are_reported_once_per_value() {
    let (o, v) = run(
        sample!("external/oneroster11_users.csv"),
        Some(district_schools()),
        &[],
    );
    assert_eq!(o.mapping.source(Field::SisId), Some(&Source::Column(0)));
    assert!(matches!(
        o.mapping.source(Field::School),
        Some(Source::Column(4))
    ));
    let unknown: Vec<_> = v
        .issues
        .iter()
        .filter(|i| i.code == IssueCode::UnknownSchool)
        .collect();
    assert_eq!(unknown.len(), 2);
    assert_eq!(
        v.issues
            .iter()
            .filter(|i| i.code == IssueCode::NoGradeColumn)
            .count(),
        1
    );
    assert!(v.records.iter().all(|r| r.role() == Some(Role::Student)));
}

#[test]
fn moodle_example_keys_by_email_once_role_and_school_are_set() {
    let (o, v) = run(
        sample!("external/moodle_example.csv"),
        Some(district_schools()),
        &[(Field::Role, "student"), (Field::School, "101")],
    );
    assert_eq!(o.dialect.line_ending, LineEnding::Lf);
    assert_eq!(v.rows, 3, "the last line has no line break");
    assert!(
        !o.mapping.is_mapped(Field::SisId),
        "username is not a district id"
    );
    assert_eq!(v.summary().errors, 0, "{:?}", v.issues);
    assert!(v
        .issues
        .iter()
        .any(|i| i.code == IssueCode::NoDistrictIdColumn));
    let (_, unset) = run(sample!("external/moodle_example.csv"), None, &[]);
    let missing: BTreeSet<Field> = unset
        .issues
        .iter()
        .filter(|i| i.code == IssueCode::UnmappedRequired)
        .filter_map(|i| i.field)
        .collect();
    assert_eq!(missing, [Field::Role, Field::School].into_iter().collect());
}

#[test]
fn unreadable_files_are_refused_with_one_sentence() {
    use rollcall_shared::read::ReadError;
    use rollcall_shared::EngineError;
    let o = ImportOptions::default();
    assert_eq!(
        validate_bytes(b"", &o).err(),
        Some(EngineError::Read(ReadError::Empty))
    );
    assert_eq!(
        validate_bytes(b"First Name,Last Name,Email\r\n", &o).err(),
        Some(EngineError::Read(ReadError::HeadingOnly))
    );
    let zip = b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00";
    assert!(matches!(
        validate_bytes(zip, &o),
        Err(EngineError::Read(ReadError::NotText { .. }))
    ));
}
