//! One rule, two doors: a value that the browser's validation refuses in a file is refused by
//! the server's parse of a change request with the same code, for every field, whether the
//! value comes as a new user's or as an update's change.
#![allow(clippy::expect_used)]

use rollcall_shared::fields::{Field, Scope};
use rollcall_shared::plan::{plan, Roster};
use rollcall_shared::testgen::{bad_values, CONTRACT_HEADING, CONTRACT_ROW};
use rollcall_shared::validate::IssueCode;
use rollcall_shared::wire::{ChangeRequest, Options};
use rollcall_shared::write::push_row;
use rollcall_shared::{validate_bytes, ImportOptions};
use serde_json::{json, Value};
#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

fn file(row: &[&str]) -> Vec<u8> {
    let mut out = String::new();
    push_row(&mut out, CONTRACT_HEADING);
    push_row(&mut out, row.iter().copied());
    out.into_bytes()
}

/// The code the validator gives field `f`'s value `bad` (its first error on that field).
fn browser_code(f: Field, bad: &str) -> Option<IssueCode> {
    let col = CONTRACT_HEADING.iter().position(|h| *h == f.name())?;
    let mut row = CONTRACT_ROW;
    row[col] = bad;
    let (_, v) = validate_bytes(&file(&row), &ImportOptions::default()).expect("reads");
    v.issues
        .iter()
        .find(|i| i.is_error() && i.field == Some(f))
        .map(|i| i.code)
}

/// A valid request for the valid row, as JSON.
fn good_request() -> Value {
    let (_, v) = validate_bytes(&file(&CONTRACT_ROW), &ImportOptions::default()).expect("reads");
    assert!(!v.has_errors(), "{:?}", v.issues);
    let scope = Scope::parse("s.csv").expect("scope");
    let req = plan(&v, &Roster::default(), &scope, &Options::default()).to_request(
        "d",
        &Options::default(),
        false,
        None,
    );
    let bytes = req.to_json().expect("serializes");
    assert!(ChangeRequest::from_json(&bytes).is_ok());
    serde_json::from_slice(&bytes).expect("json")
}

fn server_code(req: &Value) -> Option<IssueCode> {
    let bytes = serde_json::to_vec(req).expect("json");
    ChangeRequest::from_json(&bytes)
        .err()
        .and_then(|e| e.issue())
}

#[test]
fn a_bad_value_gets_the_same_code_from_the_browser_and_the_server() {
    let good = good_request();
    let mut covered = std::collections::BTreeSet::new();
    for (f, bad) in bad_values() {
        let expected = browser_code(f, &bad);
        assert!(expected.is_some(), "{f:?} {bad:?}: the browser accepts it");
        // As a new user's value.
        let mut create = good.clone();
        match f {
            Field::Password => create["creates"][0]["password"] = json!(bad),
            _ => create["creates"][0]["data"][f.name()] = json!(bad),
        }
        assert_eq!(server_code(&create), expected, "create: {f:?} {bad:?}");
        // As an update's change.
        let mut update = good.clone();
        update["creates"] = json!([]);
        update["updates"] = json!([{"id": 1, "row": 2, "changes": [{ f.name(): bad }]}]);
        assert_eq!(server_code(&update), expected, "update: {f:?} {bad:?}");
        covered.insert(f);
    }
    // Every field a request can carry has a bad value in the table.
    for f in Field::ALL {
        assert!(
            covered.contains(&f)
                || f == Field::Status
                || f == Field::LimitedEnglish
                || f == Field::EconDisadvantaged,
            "{f:?} has no bad value in the table"
        );
    }
}

/// A value typed into the user page's form is read by the field's type, with the validator's
/// code: the same table of bad values as a file's cells.
#[test]
fn a_typed_value_is_a_change_by_the_same_rules() {
    use rollcall_shared::plan::Change;
    for (field, raw) in rollcall_shared::testgen::bad_values() {
        if matches!(field, Field::Password | Field::Status) || raw.trim().is_empty() {
            continue;
        }
        let typed = Change::from_text(field, &raw).map_err(|e| e.code);
        assert_eq!(typed.err(), browser_code(field, &raw), "{field:?} {raw:?}");
    }
    assert_eq!(
        Change::from_text(Field::Email, " Ann@X.org "),
        Ok(Change::Email(
            rollcall_shared::fields::Email::parse("ann@x.org").ok()
        ))
    );
    assert_eq!(
        Change::from_text(Field::MiddleName, ""),
        Ok(Change::MiddleName(None))
    );
    assert!(Change::from_text(Field::FirstName, " ").is_err());
    assert!(Change::from_text(Field::Password, "long enough password").is_err());
}
