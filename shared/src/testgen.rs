//! A deterministic roster generator for tests and benchmarks: realistic columns, names with
//! accents, some quoting, every role; the same seed always gives the same bytes. Pure (no I/O).

use crate::map::{School, SchoolDirectory};
use crate::write::push_row;
use crate::ImportOptions;

/// SplitMix64: tiny, fast, good enough for test data, identical on every platform.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n.max(1)
    }
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }
}

pub const FIRST: &[&str] = &[
    "Olivia",
    "Liam",
    "Emma",
    "Noah",
    "Ava",
    "Mateo",
    "Chloé",
    "Jürgen",
    "Zoë",
    "Seán",
    "Renée",
    "Aaliyah",
    "Kwame",
    "Ingrid",
    "Ximena",
    "Hana",
    "José",
    "Ángel",
    "François",
    "Amélie",
    "Isabella",
    "Ethan",
    "Mia",
    "Lucas",
    "Diego",
    "Björn",
    "Anne-Marie",
    "Oliver",
    "Elijah",
];
pub const LAST: &[&str] = &[
    "Lefèvre",
    "Nakamura",
    "Núñez",
    "Martínez",
    "Østergaard",
    "Walsh",
    "Hernández",
    "Okafor",
    "Van der Berg",
    "Williams",
    "O'Brien",
    "Schäfer",
    "Müller",
    "Smith, Jr.",
    "Lee",
    "García",
    "Johnson",
    "Brown",
    "Dubois",
    "Kim",
];
pub const GRADES: &[&str] = &[
    "Pre-K", "K", "1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12",
];
pub const SCHOOLS: &[&str] = &["101", "102", "103"];

/// The district's schools for the generated rosters (`SCHOOLS`, named "School 101", …).
pub fn schools() -> SchoolDirectory {
    SchoolDirectory::new(
        SCHOOLS
            .iter()
            .map(|c| School {
                sis_code: (*c).into(),
                name: format!("School {c}"),
            })
            .collect(),
    )
}

/// What tests and benchmarks read a generated roster with: its schools, the rest detected.
pub fn import_options() -> ImportOptions {
    ImportOptions {
        schools: Some(schools()),
        ..ImportOptions::default()
    }
}

pub const HEADINGS: [&str; 11] = [
    "First Name",
    "Last Name",
    "District ID",
    "User Type",
    "Grade",
    "Email Address",
    "School SIS ID",
    "Middle Name",
    "State User ID",
    "Limited English",
    "Economically Disadvantaged",
];

/// One generated person (the `i`-th of a roster; ids and emails are unique by `i`).
pub fn person(rng: &mut Rng, i: u64) -> [String; 11] {
    let first = *rng.pick(FIRST);
    let last = *rng.pick(LAST);
    let staff = rng.below(12) == 0;
    let local: String = format!("{}.{}{i}", ascii(first), ascii(last));
    [
        first.to_owned(),
        last.to_owned(),
        format!("{}{:07}", if staff { 'T' } else { 'S' }, i),
        if staff { "1" } else { "0" }.to_owned(),
        if staff {
            String::new()
        } else {
            (*rng.pick(GRADES)).to_owned()
        },
        format!("{local}@springfield.k12.example.org"),
        (*rng.pick(SCHOOLS)).to_owned(),
        if rng.below(3) == 0 {
            (*rng.pick(FIRST)).to_owned()
        } else {
            String::new()
        },
        if staff {
            String::new()
        } else {
            format!("GA{:09}", rng.below(1_000_000_000))
        },
        if staff {
            String::new()
        } else {
            (*rng.pick(&["Y", "N"])).to_owned()
        },
        if staff {
            String::new()
        } else {
            (*rng.pick(&["Y", "N"])).to_owned()
        },
    ]
}

fn ascii(s: &str) -> String {
    let mut out = String::new();
    crate::fields::fold_ascii(s, &mut out);
    out
}

/// A Classworks-style roster of `rows` people as UTF-8 CSV with CRLF line ends.
pub fn roster_csv(rows: u64, seed: u64) -> String {
    let mut rng = Rng::new(seed);
    let mut out = String::with_capacity(rows as usize * 120 + 256);
    push_row(&mut out, HEADINGS);
    for i in 0..rows {
        let p = person(&mut rng, i);
        push_row(&mut out, p.iter().map(String::as_str));
    }
    out
}

/// Next month's file for [`roster_csv`]`(rows, seed)`: 1% of the people edited (last name),
/// 0.5% gone, 0.5% new — the edit mix of the planning benchmark.
pub fn next_month_csv(rows: u64, seed: u64) -> String {
    let mut rng = Rng::new(seed);
    let mut out = String::with_capacity(rows as usize * 120 + 256);
    push_row(&mut out, HEADINGS);
    for i in 0..rows {
        let mut p = person(&mut rng, i);
        if i % 200 == 7 {
            continue;
        }
        if i % 100 == 3 {
            p[1] = format!("{}-Moved", p[1]);
        }
        push_row(&mut out, p.iter().map(String::as_str));
    }
    for j in 0..rows / 200 {
        let p = person(&mut rng, rows + j);
        push_row(&mut out, p.iter().map(String::as_str));
    }
    out
}

/// One file row whose every value is valid, under [`CONTRACT_HEADING`]: the base the bad
/// values below are put into, one at a time.
pub const CONTRACT_HEADING: [&str; 12] = [
    "district_id",
    "first_name",
    "last_name",
    "middle_name",
    "email",
    "role",
    "grade",
    "school",
    "state_id",
    "alt_id",
    "password",
    "scope",
];
pub const CONTRACT_ROW: [&str; 12] = [
    "S1",
    "Ann",
    "Lee",
    "Jo",
    "ann@d.org",
    "student",
    "05",
    "101",
    "ST1",
    "AL1",
    "pw-1",
    "s.csv",
];

/// A value each field refuses, as a cell of a file and as the normalized value a change request
/// would carry: the browser's validation and the server's parse must give it the same code.
pub fn bad_values() -> Vec<(crate::fields::Field, String)> {
    use crate::fields::Field::*;
    let long = |n: usize| "x".repeat(n);
    vec![
        (SisId, "1.23457E+11".into()),
        (SisId, "1,23457E+11".into()),
        (SisId, "3/14/2025".into()),
        (SisId, long(65)),
        (SisId, "S\u{7}1".into()),
        (Email, "not-an-address".into()),
        (FirstName, String::new()),
        (FirstName, long(101)),
        (FirstName, "A\u{7}n".into()),
        (LastName, String::new()),
        (LastName, long(101)),
        (MiddleName, long(101)),
        (MiddleName, "J\u{b}o".into()),
        (Role, "wizard".into()),
        (Grade, "99".into()),
        (School, String::new()),
        (School, long(256)),
        (School, "10\u{7f}1".into()),
        (StateId, long(256)),
        (AltId, "A\u{1}1".into()),
        (Password, long(257)),
        (Password, "p\u{7}w".into()),
        (Scope, long(256)),
        (Scope, "s\u{7}.csv".into()),
    ]
}
