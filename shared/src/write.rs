//! CSV out: every CSV Rollcall writes (master file, issue lists, import downloads) goes through
//! here, so every one of them neutralises formula-like cells (OWASP: `=`, `+`, `-`, `@`, tab,
//! CR get a leading `'`) and the reader's [`crate::fields::unescape_formula`] undoes it.

use std::borrow::Cow;

use crate::fields::{Field, Role};
use crate::user::{Roster, UserStatus};

/// `=SUM(A1)` → `'=SUM(A1)`; anything else unchanged.
pub fn neutralize(cell: &str) -> Cow<'_, str> {
    if crate::fields::needs_escape(cell) {
        Cow::Owned(format!("'{cell}"))
    } else {
        Cow::Borrowed(cell)
    }
}

/// Appends one CSV row (comma-separated, CRLF, cells neutralised), quoted where needed by the
/// `csv-core` writer the reader's crate provides.
pub fn push_row<'a>(out: &mut String, cells: impl IntoIterator<Item = &'a str>) {
    push_row_as(out, cells, b',', "\r\n");
}

/// [`push_row`] with a file's own delimiter and line end (`"\r\n"`, `"\n"` or `"\r"`).
pub fn push_row_as<'a>(
    out: &mut String,
    cells: impl IntoIterator<Item = &'a str>,
    delimiter: u8,
    line_end: &str,
) {
    let terminator = match line_end.as_bytes() {
        [b] => csv_core::Terminator::Any(*b),
        _ => csv_core::Terminator::CRLF,
    };
    let mut w = csv_core::WriterBuilder::new()
        .delimiter(delimiter)
        .terminator(terminator)
        .build();
    let mut buf = vec![0u8; 64];
    // Each piece is written whole (a field needs at most twice its bytes and two quotes), so
    // what the writer gives back is the cell's own UTF-8 with ASCII quotes around it.
    let mut put = |out: &mut String, need: usize, write: &mut dyn FnMut(&mut [u8]) -> usize| {
        if buf.len() < need {
            buf.resize(need, 0);
        }
        let n = write(&mut buf);
        out.push_str(&String::from_utf8_lossy(&buf[..n]));
    };
    for (i, cell) in cells.into_iter().enumerate() {
        if i > 0 {
            put(out, 2, &mut |b| w.delimiter(b).1);
        }
        let cell = neutralize(cell);
        let input = cell.as_bytes();
        put(out, input.len() * 2 + 2, &mut |b| w.field(input, b).2);
    }
    put(out, 4, &mut |b| w.terminator(b).1);
}

/// The master CSV: the district's active, file-managed users in import format, with a `scope`
/// column so that re-importing it changes nothing however many scopes there are. The grade
/// column is written only when every student in it has a grade (a student's blank grade in a
/// grade column is an error on import; without the column, grades stay as they are).
pub fn master_csv(roster: &Roster) -> String {
    let users: Vec<_> = roster
        .users
        .iter()
        .filter(|u| u.status == UserStatus::Active && u.managed_by.is_none())
        .collect();
    let with_grade = users
        .iter()
        .all(|u| u.data.role != Role::Student || u.data.grade.is_some());
    let fields: Vec<Field> = Field::MANAGED
        .into_iter()
        .filter(|f| *f != Field::Grade || with_grade)
        .collect();
    let mut out = String::with_capacity(users.len() * 128 + 256);
    push_row(&mut out, fields.iter().map(|f| f.name()));
    let mut cells: Vec<String> = Vec::with_capacity(fields.len());
    for u in users {
        cells.clear();
        cells.extend(
            fields
                .iter()
                .map(|f| u.data.display(*f).unwrap_or_default()),
        );
        push_row(&mut out, cells.iter().map(String::as_str));
    }
    out
}

/// A file to start from: every field's heading and one example row per role (students with a
/// grade, staff with an email and no grade), which reads back with no error against schools
/// `101` and `102`.
pub fn template_csv() -> String {
    let fields: Vec<Field> = Field::MANAGED
        .into_iter()
        .filter(|f| *f != Field::Scope)
        .collect();
    let rows: [[&str; 12]; 4] = [
        [
            "100234",
            "Ana",
            "Diaz",
            "",
            "ana.diaz@district.example.org",
            "student",
            "05",
            "101",
            "GA000100234",
            "",
            "N",
            "Y",
        ],
        [
            "T2001",
            "Ben",
            "Okafor",
            "R",
            "ben.okafor@district.example.org",
            "teacher",
            "",
            "101",
            "",
            "",
            "",
            "",
        ],
        [
            "S3001",
            "Cara",
            "Lind",
            "",
            "cara.lind@district.example.org",
            "staff",
            "",
            "102",
            "",
            "",
            "",
            "",
        ],
        [
            "A4001",
            "Dev",
            "Shah",
            "",
            "dev.shah@district.example.org",
            "admin",
            "",
            "102",
            "",
            "",
            "",
            "",
        ],
    ];
    let mut out = String::new();
    push_row(&mut out, fields.iter().map(|f| f.name()));
    for r in rows {
        push_row(&mut out, r);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_template_reads_back_with_one_row_per_role_and_no_error() {
        let dir = crate::map::SchoolDirectory::new(vec![
            crate::map::School {
                sis_code: "101".into(),
                name: "First".into(),
            },
            crate::map::School {
                sis_code: "102".into(),
                name: "Second".into(),
            },
        ]);
        let opts = crate::ImportOptions {
            schools: Some(dir),
            ..crate::ImportOptions::default()
        };
        let (opened, v) = crate::validate_bytes(template_csv().as_bytes(), &opts).expect("reads");
        assert!(!v.has_errors(), "{:?}", v.issues);
        assert_eq!(v.records.len(), 4);
        let roles: Vec<&str> = v
            .records
            .iter()
            .filter_map(|r| r.role())
            .map(|r| r.as_str())
            .collect();
        assert_eq!(roles, ["student", "teacher", "staff", "admin"]);
        // Every heading maps to its field by itself.
        assert_eq!(opened.mapping.fields.len(), Field::MANAGED.len() - 1);
    }
    use crate::fields::unescape_formula;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn neutralises_and_round_trips() {
        for s in [
            "=1+1", "+1", "-x", "@SUM(A1)", "\tx", "\rx", "plain", "'=kept",
        ] {
            let n = neutralize(s);
            assert!(!crate::fields::is_formula_like(&n), "{s}");
            assert_eq!(unescape_formula(&n), s);
        }
    }

    #[test]
    fn quotes_when_needed() {
        let mut out = String::new();
        push_row(&mut out, ["a", "b,c", "say \"hi\"", "=x"]);
        assert_eq!(out, "a,\"b,c\",\"say \"\"hi\"\"\",'=x\r\n");
    }
}
