//! The `rollcall` binary, black-box: every sample through `inspect` and `validate --json`, with
//! the exit codes and JSON shapes scripts rely on.
#![allow(clippy::expect_used, clippy::unwrap_used)]

use std::path::PathBuf;
use std::process::{Command, Output};

use serde_json::Value;

fn samples() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/samples")
}

fn rollcall(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_rollcall"))
        .args(args)
        .current_dir(samples())
        .output()
        .expect("rollcall runs")
}

fn json(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is JSON ({e}): {}\nstderr: {}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

fn validate(file: &str, extra: &[&str]) -> (i32, Value) {
    let mut args = vec!["validate", file, "--json"];
    args.extend_from_slice(extra);
    let out = rollcall(&args);
    (out.status.code().expect("exit code"), json(&out))
}

#[test]
fn inspect_json_gives_the_dialect_and_rows_without_the_heading() {
    let out = rollcall(&["inspect", "utf8_bom_semicolon.csv", "--json"]);
    assert!(out.status.success());
    let v = json(&out);
    assert_eq!(v["encoding"], "UTF-8");
    assert_eq!(v["delimiter"], ";");
    assert_eq!(v["line_ending"], "CRLF");
    assert_eq!(v["has_header"], true);
    let rows = v["rows"].as_array().expect("rows");
    assert_eq!(rows.len(), 30);
    assert_eq!(rows[0][0], "Ava");

    let v = json(&rollcall(&["inspect", "excel_mac_roman_cr.csv", "--json"]));
    assert_eq!(
        (v["encoding"].as_str(), v["line_ending"].as_str()),
        (Some("macintosh"), Some("CR"))
    );
    let v = json(&rollcall(&["inspect", "utf16le_tab.txt", "--json"]));
    assert_eq!(
        (v["encoding"].as_str(), v["delimiter"].as_str()),
        (Some("UTF-16LE"), Some("\t"))
    );
    assert_eq!(v["rows"].as_array().map(Vec::len), Some(30));
}

#[test]
fn inspect_honours_every_override() {
    let v = json(&rollcall(&[
        "inspect",
        "classworks_headers.csv",
        "--json",
        "--no-header",
        "--delimiter",
        ";",
        "--encoding",
        "windows-1252",
    ]));
    assert_eq!(v["has_header"], false);
    assert_eq!(v["delimiter"], ";");
    assert_eq!(v["encoding"], "windows-1252");
    let rows = v["rows"].as_array().expect("rows");
    assert_eq!(rows.len(), 41, "the heading is a row when --no-header");
    assert!(
        rows[1][0].as_str().expect("cell").contains("LefÃ¨vre"),
        "UTF-8 read as 1252 on request: {}",
        rows[1][0]
    );
}

#[test]
fn every_clean_sample_validates_with_exit_0() {
    for file in [
        "classworks_headers.csv",
        "pass_users.csv",
        "no_header.csv",
        "excel_mac_roman_cr.csv",
        "windows1252_crlf.csv",
        "utf8_bom_semicolon.csv",
        "utf16le_tab.txt",
    ] {
        let (code, v) = validate(file, &["--schools", "schools.csv"]);
        assert_eq!(code, 0, "{file}: {v}");
        assert_eq!(v["summary"]["errors"], 0, "{file}");
        for key in ["encoding", "delimiter", "line_ending", "has_header", "rows"] {
            assert!(v["file"].get(key).is_some(), "{file}: file.{key}");
        }
    }
    // Read whole (20 rows, the quoted line break kept), and the line break in a middle name is
    // the one error: no field of a user is more than one line.
    let (code, v) = validate("quoted_multiline.csv", &["--schools", "schools.csv"]);
    assert_eq!(
        (code, &v["summary"]["rows"], &v["summary"]["errors"]),
        (1, &20.into(), &1.into()),
        "{v}"
    );
    assert_eq!(
        (v["issues"][0]["code"].as_str(), &v["issues"][0]["row"]),
        (Some("control_character"), &4.into())
    );
    let (_, v) = validate("classworks_headers.csv", &["--schools", "schools.csv"]);
    assert_eq!(v["summary"]["rows"], 40);
    assert_eq!(v["mapping"]["first_name"], 0);
    assert_eq!(v["mapping"]["email"], 5);
    assert_eq!(v["mapping"].as_object().map(|m| m.len()), Some(11));
}

#[test]
fn errors_mixed_json_lists_the_readme_rows_and_exits_1() {
    let (code, v) = validate("errors_mixed.csv", &["--schools", "schools.csv"]);
    assert_eq!(code, 1);
    let issues = v["issues"].as_array().expect("issues");
    let got: Vec<(u64, &str, &str)> = issues
        .iter()
        .map(|i| {
            (
                i["row"].as_u64().expect("row"),
                i["severity"].as_str().expect("sev"),
                i["code"].as_str().expect("code"),
            )
        })
        .collect();
    let want = [
        (5, "error", "missing_required"),
        (6, "error", "invalid_email"),
        (7, "error", "invalid_grade"),
        (8, "error", "duplicate_district_id"),
        (9, "error", "duplicate_district_id"),
        (10, "error", "duplicate_email"),
        (11, "error", "duplicate_email"),
        (12, "error", "unknown_school"),
        (13, "error", "invalid_role"),
        (14, "warning", "formula_like"),
        (15, "warning", "email_as_key"),
        (16, "error", "missing_grade"),
        (17, "warning", "grade_spelled_out"),
        (18, "error", "too_few_fields"),
        (19, "error", "too_many_fields"),
        (21, "warning", "name_case"),
    ];
    assert_eq!(got, want);
    let school = issues
        .iter()
        .find(|i| i["code"] == "unknown_school")
        .expect("school issue");
    assert_eq!(school["rows"], serde_json::json!([12]));
    assert!(issues
        .iter()
        .all(|i| i["message"].as_str().is_some_and(|m| !m.is_empty())
            && i.get("suggestion").is_some()
            && i.get("column").is_some()));
    assert_eq!(v["summary"]["errors"], 12);
    assert_eq!(v["summary"]["warnings"], 4);
}

#[test]
fn without_schools_school_values_are_not_checked() {
    let (code, v) = validate("errors_mixed.csv", &[]);
    assert_eq!(code, 1);
    assert!(!v["issues"]
        .as_array()
        .expect("issues")
        .iter()
        .any(|i| i["code"] == "unknown_school"));
}

#[test]
fn external_exports_give_their_readme_outcomes() {
    let (code, v) = validate(
        "external/sds_students_100.csv",
        &[
            "--schools",
            "external/sds_school.csv",
            "--set",
            "role=student",
        ],
    );
    assert_eq!(
        (
            code,
            v["summary"]["rows"].as_u64(),
            v["summary"]["errors"].as_u64()
        ),
        (0, Some(86), Some(0)),
        "{v}"
    );
    assert_eq!(v["values"]["role"], "student");

    let (code, v) = validate(
        "external/sds_teachers.csv",
        &[
            "--schools",
            "external/sds_school.csv",
            "--set",
            "role=teacher",
        ],
    );
    assert_eq!(code, 1);
    let issues = v["issues"].as_array().expect("issues");
    assert!(
        !issues.is_empty()
            && issues
                .iter()
                .all(|i| i["code"] == "email_required_for_staff")
    );
    assert!(issues[0]["message"]
        .as_str()
        .expect("msg")
        .contains("no email column"));

    let (code, v) = validate(
        "external/oneroster11_users.csv",
        &["--schools", "schools.csv"],
    );
    assert_eq!(code, 1);
    let unknown: Vec<&Value> = v["issues"]
        .as_array()
        .expect("issues")
        .iter()
        .filter(|i| i["code"] == "unknown_school")
        .collect();
    assert_eq!(unknown.len(), 2, "once per value, not once per row");
    let (code, _) = validate(
        "external/oneroster11_users.csv",
        &[
            "--schools",
            "schools.csv",
            "--map",
            "school=5",
            "--set",
            "school=101",
        ],
    );
    assert_eq!(code, 0, "one school set for the file resolves");

    let (code, v) = validate("external/moodle_example.csv", &[]);
    assert_eq!(code, 1, "role and school must be set: {v}");
    let (code, v) = validate(
        "external/moodle_example.csv",
        &[
            "--set",
            "role=student",
            "--set",
            "school=101",
            "--schools",
            "schools.csv",
        ],
    );
    assert_eq!(code, 0, "{v}");
    assert!(
        v["mapping"].get("district_id").is_none(),
        "username is not a district id"
    );

    let (code, v) = validate(
        "external/sds_v21_users.csv",
        &["--set", "role=student", "--set", "school=10001"],
    );
    assert_eq!(code, 0, "students need no email: {v}");
}

#[test]
fn map_by_heading_and_number() {
    let (code, v) = validate(
        "external/moodle_example.csv",
        &[
            "--map",
            "district_id=username",
            "--set",
            "role=student",
            "--set",
            "school=x",
        ],
    );
    assert_eq!(code, 0);
    assert_eq!(v["mapping"]["district_id"], 0);
    let (_, v) = validate("no_header.csv", &["--map", "alt_id=7"]);
    assert_eq!(v["mapping"]["alt_id"], 6);
    let out = rollcall(&["validate", "no_header.csv", "--map", "email=99"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("Column 99 does not exist"));
}

#[test]
fn unreadable_files_exit_2_with_one_sentence() {
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("rollcall-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("tmp");
    let cases: [(&str, &[u8], &str); 4] = [
        ("empty.csv", b"", "empty"),
        (
            "heading.csv",
            b"First Name,Last Name,Email\r\n",
            "no data rows",
        ),
        (
            "book.xlsx",
            b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00binary",
            "Excel",
        ),
        ("img.png", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR", "image"),
    ];
    for (name, bytes, says) in cases {
        let path = dir.join(name);
        std::fs::write(&path, bytes).expect("write");
        let out = Command::new(env!("CARGO_BIN_EXE_rollcall"))
            .args(["validate", path.to_str().expect("utf8"), "--json"])
            .output()
            .expect("runs");
        assert_eq!(out.status.code(), Some(2), "{name}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(says), "{name}: {err}");
        assert_eq!(err.trim().lines().count(), 1, "one sentence: {err}");
        assert!(!err.contains("panicked"));
    }
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn plan_json_against_a_roster_file() {
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("rollcall-plan-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("tmp");
    let src = std::fs::read_to_string(samples().join("classworks_headers.csv")).expect("sample");
    let lines: Vec<&str> = src.split("\r\n").filter(|l| !l.is_empty()).collect();
    // Next month: row 4 (S0100002) gone, Olivia renamed, one new student.
    let mut next: Vec<String> = lines
        .iter()
        .enumerate()
        .filter(|(i, _)| *i != 3)
        .map(|(_, l)| l.to_string())
        .collect();
    next[1] = next[1].replacen("Olivia,Lefèvre", "Olivia,Lefebvre", 1);
    next.push(
        "Nia,Ode,S0999999,0,4,nia.ode@springfield.k12.example.org,102,,GA000000001,N,N".into(),
    );
    let roster = dir.join("roster.csv");
    let file = dir.join("students.csv");
    std::fs::write(&roster, src.as_bytes()).expect("write");
    std::fs::write(&file, next.join("\r\n")).expect("write");
    let out = rollcall(&[
        "plan",
        file.to_str().expect("p"),
        "--roster",
        roster.to_str().expect("p"),
        "--schools",
        "schools.csv",
        "--json",
    ]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v = json(&out);
    assert_eq!(v["summary"]["creates"], 1);
    assert_eq!(v["summary"]["updates"], 1);
    assert_eq!(v["summary"]["archives"], 1);
    assert_eq!(v["summary"]["unchanged"], 38);
    assert_eq!(v["archives"], serde_json::json!(["S0100002"]));
    assert_eq!(v["updates"][0]["key"], "S0100000");
    assert_eq!(
        v["updates"][0]["changes"]["last_name"],
        serde_json::json!(["Lefèvre", "Lefebvre"])
    );
    assert_eq!(v["creates"][0]["key"], "S0999999");
    assert_eq!(v["guard"]["triggered"], false);
    assert_eq!(v["guard"]["scope_active"], 40);

    // The same file against itself: nothing to do.
    let v = json(&rollcall(&[
        "plan",
        roster.to_str().expect("p"),
        "--roster",
        roster.to_str().expect("p"),
        "--json",
    ]));
    assert_eq!(v["summary"]["unchanged"], 40);
    assert_eq!(v["summary"]["creates"], 0);

    // Half the users missing trips the guard; errors exit 1.
    let half: Vec<&str> = lines[..21].to_vec();
    std::fs::write(&file, half.join("\r\n")).expect("write");
    let v = json(&rollcall(&[
        "plan",
        file.to_str().expect("p"),
        "--roster",
        roster.to_str().expect("p"),
        "--scope",
        "students.csv",
        "--json",
    ]));
    assert_eq!(v["guard"]["triggered"], true);
    assert_eq!(v["guard"]["archives"], 20);
    let out = rollcall(&[
        "plan",
        "errors_mixed.csv",
        "--roster",
        roster.to_str().expect("p"),
        "--json",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let _ = std::fs::remove_dir_all(dir);
}

/// `rollcall school add` adds a school the district's files can name; the same code twice is
/// refused with a sentence, and `school list` shows it.
#[test]
fn a_school_is_added_from_the_command_line() {
    let db = std::path::Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("rollcall-cli-school-{}.db", std::process::id()));
    let _ = std::fs::remove_file(&db);
    let url = format!("sqlite://{}", db.display());
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_rollcall"))
            .args(args)
            .env("DATABASE_URL", &url)
            .env("ROLLCALL_LOG", "warn")
            .output()
            .expect("runs")
    };
    assert!(run(&["demo"]).status.success());
    let out = run(&[
        "school",
        "add",
        "--district",
        "demo",
        "--code",
        "204",
        "--name",
        "Hill Middle",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let again = run(&[
        "school",
        "add",
        "--district",
        "demo",
        "--code",
        "204",
        "--name",
        "Again",
    ]);
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("already has a school"));
    let bad = run(&[
        "school",
        "add",
        "--district",
        "demo",
        "--code",
        " ",
        "--name",
        "X",
    ]);
    assert!(!bad.status.success());
    let list = String::from_utf8_lossy(&run(&["school", "list", "--district", "demo"]).stdout)
        .into_owned();
    assert!(list.contains("204\tHill Middle\t0 active users"), "{list}");
    let _ = std::fs::remove_file(&db);
}

#[test]
fn grade_codes_are_mapped_from_the_command_line() {
    let file = std::path::Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("rollcall-grades-{}.csv", std::process::id()));
    std::fs::write(
        &file,
        "District ID,First Name,Last Name,User Type,Grade,School SIS ID\nS1,Ann,Lee,0,TK,101\nS2,Bo,Lee,0,TK,101\nS3,Cy,Lee,0,-1,101\nS4,Di,Lee,0,0,101\n",
    )
    .expect("write");
    let path = file.to_string_lossy().into_owned();
    let (code, v) = validate(&path, &[]);
    assert_eq!(code, 1, "{v}");
    let bad: Vec<&Value> = v["issues"]
        .as_array()
        .expect("issues")
        .iter()
        .filter(|i| i["code"] == "invalid_grade")
        .collect();
    assert_eq!(bad.len(), 2, "one per distinct value: {v}");
    let (code, v) = validate(&path, &["--grade-map", "TK=PK", "--grade-map", "-1=PK"]);
    assert_eq!(code, 0, "{v}");
    assert!(
        v["issues"]
            .as_array()
            .expect("issues")
            .iter()
            .any(|i| i["code"] == "grade_zero"),
        "{v}"
    );
    let out = rollcall(&["validate", &path, "--grade-map", "TK=13"]);
    assert_eq!(
        out.status.code(),
        Some(2),
        "a grade that is not one: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let _ = std::fs::remove_file(file);
}

#[test]
fn plan_json_lists_the_same_person_pairs() {
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("rollcall-same-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("tmp");
    let head = "District ID,First Name,Last Name,User Type,Grade,Email Address,School SIS ID\n";
    let roster = dir.join("roster.csv");
    let file = dir.join("students.csv");
    std::fs::write(&roster, format!("{head}00123,Ann,Lee,0,05,ann@x.org,101\nS2,Bo,Kim,0,05,bo@x.org,101\nS3,Cy,Ode,0,05,cy@x.org,101\n")).expect("write");
    std::fs::write(&file, format!("{head}123,Ann,Lee,0,05,ann.lee@x.org,101\nS2,Bo,Kim,0,05,bo@x.org,101\nS3,Cy,Ode,0,05,cy@x.org,101\n")).expect("write");
    let out = rollcall(&[
        "plan",
        file.to_str().expect("p"),
        "--roster",
        roster.to_str().expect("p"),
        "--json",
    ]);
    let v = json(&out);
    let pairs = v["same_person"].as_array().expect("same_person");
    assert_eq!(pairs.len(), 1, "{v}");
    assert_eq!(
        (
            pairs[0]["create_key"].as_str(),
            pairs[0]["archive_key"].as_str(),
            pairs[0]["reason"].as_str()
        ),
        (Some("123"), Some("00123"), Some("leading_zeros"))
    );
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn a_workbook_is_read_as_its_first_sheet() {
    let path =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/tests/fixtures/roster.xlsx");
    let (code, v) = validate(path.to_str().expect("path"), &[]);
    assert_eq!(code, 0, "{v}");
    assert_eq!(v["file"]["rows"].as_u64(), Some(2), "{v}");
}

/// The server runs with mimalloc's purge delay at 0 (it runs itself again with it set), so that
/// memory freed after a large import goes back to the system while it idles; an operator's own
/// value is kept.
#[cfg(target_os = "linux")]
#[test]
fn the_server_runs_with_memory_given_back_at_once() {
    use std::io::{BufRead, BufReader};
    use std::process::Stdio;
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("purge");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let db = format!("sqlite://{}", dir.join("p.db").display());
    for (set, want) in [(None, "0"), (Some("250"), "250")] {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_rollcall"));
        cmd.args(["serve", "--addr", "127.0.0.1:0"])
            .env("DATABASE_URL", &db)
            .env_remove("MIMALLOC_PURGE_DELAY")
            .stdout(Stdio::piped())
            .stderr(Stdio::null());
        if let Some(v) = set {
            cmd.env("MIMALLOC_PURGE_DELAY", v);
        }
        let mut child = cmd.spawn().unwrap();
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        assert!(line.contains("listening on"), "{line}");
        let environ = std::fs::read(format!("/proc/{}/environ", child.id())).unwrap();
        child.kill().unwrap();
        child.wait().unwrap();
        let vars: Vec<&[u8]> = environ.split(|&b| b == 0).collect();
        let expected = format!("MIMALLOC_PURGE_DELAY={want}");
        assert!(
            vars.contains(&expected.as_bytes()),
            "the serving process has {expected}"
        );
    }
}
