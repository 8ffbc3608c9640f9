//! Properties over generated files: reading does not depend on where chunks are cut; any record
//! written as CSV in any supported encoding, delimiter and line ending reads back identical;
//! no input, however broken, makes the engine panic.
#![cfg(not(target_arch = "wasm32"))]
#![allow(clippy::expect_used, clippy::unwrap_used)]

use proptest::prelude::*;
use rollcall_shared::fields::{Grade, Role};
use rollcall_shared::read::{Dialect, Limits, LineEnding, ReadOptions, RowReader, TextEncoding};
use rollcall_shared::testgen::{FIRST, LAST};
use rollcall_shared::{validate_bytes, ImportOptions, Pipeline};

#[derive(Debug, Clone, Copy)]
enum Enc {
    Utf8,
    Utf8Bom,
    Utf16Le,
    Utf16Be,
    Win1252,
    MacRoman,
}

impl Enc {
    fn eight_bit(self) -> bool {
        matches!(self, Enc::Win1252 | Enc::MacRoman)
    }
    fn text_encoding(self) -> TextEncoding {
        match self {
            Enc::Utf8 | Enc::Utf8Bom => TextEncoding::UTF_8,
            Enc::Utf16Le => TextEncoding::UTF_16LE,
            Enc::Utf16Be => TextEncoding::UTF_16BE,
            Enc::Win1252 => TextEncoding::WINDOWS_1252,
            Enc::MacRoman => TextEncoding::MAC_ROMAN,
        }
    }
    fn bom_len(self) -> usize {
        match self {
            Enc::Utf8Bom => 3,
            Enc::Utf16Le | Enc::Utf16Be => 2,
            _ => 0,
        }
    }
    fn encode(self, s: &str) -> Vec<u8> {
        match self {
            Enc::Utf8 => s.as_bytes().to_vec(),
            Enc::Utf8Bom => [&[0xEF, 0xBB, 0xBF][..], s.as_bytes()].concat(),
            Enc::Utf16Le => [0xFF, 0xFE]
                .into_iter()
                .chain(s.encode_utf16().flat_map(u16::to_le_bytes))
                .collect(),
            Enc::Utf16Be => [0xFE, 0xFF]
                .into_iter()
                .chain(s.encode_utf16().flat_map(u16::to_be_bytes))
                .collect(),
            Enc::Win1252 | Enc::MacRoman => {
                let (b, _, unmappable) = self.text_encoding().encoding().encode(s);
                assert!(!unmappable, "test text must be representable");
                b.into_owned()
            }
        }
    }
}

fn enc() -> impl Strategy<Value = Enc> {
    prop_oneof![
        Just(Enc::Utf8),
        Just(Enc::Utf8Bom),
        Just(Enc::Utf16Le),
        Just(Enc::Utf16Be),
        Just(Enc::Win1252),
        Just(Enc::MacRoman)
    ]
}

fn line_end() -> impl Strategy<Value = &'static str> {
    prop_oneof![Just("\r\n"), Just("\n"), Just("\r")]
}

fn delim() -> impl Strategy<Value = u8> {
    prop_oneof![Just(b','), Just(b';'), Just(b'\t'), Just(b'|')]
}

fn write_csv(rows: &[Vec<String>], d: u8, eol: &str) -> String {
    let mut out = String::new();
    for r in rows {
        for (i, c) in r.iter().enumerate() {
            if i > 0 {
                out.push(d as char);
            }
            if c.contains([d as char, '"', '\r', '\n']) {
                out.push('"');
                out.push_str(&c.replace('"', "\"\""));
                out.push('"');
            } else {
                out.push_str(c);
            }
        }
        out.push_str(eol);
    }
    out
}

fn read_in_chunks(bytes: &[u8], dialect: &Dialect, cuts: &[usize]) -> Vec<Vec<String>> {
    let mut r = RowReader::new(dialect, Limits::default());
    let mut out = Vec::new();
    let mut rest = bytes;
    for &c in cuts {
        let (a, b) = rest.split_at(c.min(rest.len()));
        r.feed(a, &mut |row| out.push(row.to_vec()));
        rest = b;
    }
    r.feed(rest, &mut |row| out.push(row.to_vec()));
    r.finish(&mut |row| out.push(row.to_vec()));
    out
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn chunk_cuts_never_change_the_rows(
        cells in prop::collection::vec(prop::collection::vec("[a-zé€ü ,;|\"\t\r\n😀]{0,6}", 1..5), 1..12),
        e in enc(), d in delim(), eol in line_end(),
        cuts in prop::collection::vec(0usize..40, 0..30),
    ) {
        let cells: Vec<Vec<String>> = if e.eight_bit() {
            cells.into_iter().map(|r| r.into_iter().map(|c| c.replace('😀', "ñ")).collect()).collect()
        } else { cells };
        let text = write_csv(&cells, d, eol);
        let bytes = e.encode(&text);
        let dialect = Dialect {
            encoding: e.text_encoding(), bom_len: e.bom_len(), delimiter: d,
            line_ending: LineEnding::Lf, has_header: false,
        };
        let whole = read_in_chunks(&bytes, &dialect, &[]);
        let expected: Vec<Vec<String>> = cells.iter()
            .filter(|r| !r.iter().all(|c| c.bytes().all(|b| b.is_ascii_whitespace())))
            .cloned().collect();
        prop_assert_eq!(&whole, &expected);
        let chunked = read_in_chunks(&bytes, &dialect, &cuts);
        prop_assert_eq!(chunked, whole);
    }

    /// Any bytes at all — stray quotes inside unquoted fields, unclosed quotes, bare CRs, blank
    /// lines, a BOM in the middle, characters cut in half, bytes that are not UTF-8 — read the
    /// same whether each row's line end is in the chunk (the reader's quote-free fast path may
    /// take it, with the chunk's UTF-8 checked at once) or never is (one-byte chunks: every row
    /// goes through csv-core and is checked on its own).
    #[test]
    fn the_fast_path_reads_exactly_as_csv_core(
        bytes in prop::collection::vec(prop::sample::select(b"ab ,;|\"\t\r\n\xc3\xa9\xfc\xef\xbb\xbf".to_vec()), 0..120),
        d in delim(),
        cuts in prop::collection::vec(0usize..40, 0..10),
        small_limits in any::<bool>(),
    ) {
        let dialect = Dialect {
            encoding: TextEncoding::UTF_8, bom_len: 0, delimiter: d,
            line_ending: LineEnding::Lf, has_header: false,
        };
        // Small limits make rows too long or too wide, which either path must report alike.
        let limits = if small_limits {
            Limits { max_row_bytes: 8, max_fields: 3, ..Limits::default() }
        } else {
            Limits::default()
        };
        let bytes = bytes.as_slice();
        let numbered = |cuts: &[usize]| {
            let mut r = RowReader::new(&dialect, limits);
            let mut out = Vec::new();
            let mut rest = bytes;
            for &c in cuts {
                let (a, b) = rest.split_at(c.min(rest.len()));
                r.feed(a, &mut |row| out.push((row.number, row.problem, row.to_vec())));
                rest = b;
            }
            r.feed(rest, &mut |row| out.push((row.number, row.problem, row.to_vec())));
            r.finish(&mut |row| out.push((row.number, row.problem, row.to_vec())));
            (out, r.stats())
        };
        let one_byte = vec![1usize; bytes.len()];
        let slow = numbered(&one_byte);
        prop_assert_eq!(&numbered(&[]), &slow);
        prop_assert_eq!(&numbered(&cuts), &slow);
    }
}

#[derive(Debug, Clone)]
struct Person {
    first: String,
    last: String,
    id: String,
    role: Role,
    grade: Option<&'static str>,
    email: String,
    school: &'static str,
    middle: String,
    flag: Option<bool>,
}

fn person() -> impl Strategy<Value = Person> {
    const GRADES: [&str; 8] = ["PK", "KG", "01", "02", "05", "09", "10", "12"];
    (
        prop::sample::select(FIRST),
        prop::sample::select(LAST),
        0u32..1_000_000,
        prop::sample::select(&Role::ALL[..]),
        prop::sample::select(&GRADES[..]),
        prop::sample::select(&["101", "102", "103"][..]),
        prop::option::of(prop::sample::select(FIRST)),
        prop::option::of(any::<bool>()),
        prop::bool::ANY,
    )
        .prop_map(
            |(first, last, n, role, grade, school, middle, flag, formula)| Person {
                first: if formula {
                    format!("={first}")
                } else {
                    first.to_owned()
                },
                last: last.to_owned(),
                id: format!("{n:07}"),
                role,
                grade: (role == Role::Student).then_some(grade),
                email: format!("User.{n}@Example.org"),
                school,
                middle: middle.unwrap_or("").to_owned(),
                flag,
            },
        )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    /// Written in any encoding, delimiter and line ending, read back through mapping and
    /// validation (and detection, but for the 8-bit encodings): every record is identical.
    #[test]
    fn records_round_trip_through_any_dialect(
        people in prop::collection::vec(person(), 1..25),
        e in enc(), d in delim(), eol in line_end(),
    ) {
        let mut seen = std::collections::HashSet::new();
        let people: Vec<Person> = people.into_iter().filter(|p| seen.insert(p.id.clone())).collect();
        let mut rows = vec![["First Name", "Last Name", "District ID", "Role", "Grade", "Email", "School", "Middle Name", "Limited English"]
            .map(String::from).to_vec()];
        for p in &people {
            let cell = |s: &str| rollcall_shared::write::neutralize(s).into_owned();
            rows.push(vec![cell(&p.first), cell(&p.last), p.id.clone(), p.role.as_str().into(),
                p.grade.unwrap_or("").into(), p.email.clone(), p.school.into(), cell(&p.middle),
                match p.flag { None => "", Some(true) => "Y", Some(false) => "N" }.into()]);
        }
        let text = write_csv(&rows, d, eol);
        let bytes = e.encode(&text);
        // Windows-1252 and Mac Roman cannot always be told apart from one or two accented
        // letters (`Ángel` vs `çngel`): for them the property reads with the encoding given, as
        // an admin would set it in the Read step; their detection is tested on the samples and
        // in `read::encoding`. Every other encoding is detected here.
        let read = ReadOptions { encoding: e.eight_bit().then(|| e.text_encoding()), ..ReadOptions::default() };
        let (opened, v) = validate_bytes(&bytes, &ImportOptions { read, ..ImportOptions::default() }).map_err(|e| TestCaseError::fail(e.to_string()))?;
        if text.is_ascii() && e.bom_len() == 0 && !matches!(e, Enc::Utf16Le | Enc::Utf16Be) && !e.eight_bit() {
            // Pure ASCII reads the same in every ASCII-compatible encoding.
            prop_assert!(opened.dialect.encoding.encoding().is_ascii_compatible());
        } else {
            prop_assert_eq!(opened.dialect.encoding, e.text_encoding());
        }
        prop_assert_eq!(opened.dialect.delimiter, d);
        prop_assert!(opened.dialect.has_header);
        prop_assert_eq!(v.summary().errors, 0, "{:?}", v.issues);
        prop_assert_eq!(v.records.len(), people.len());
        for (r, p) in v.records.iter().zip(&people) {
            prop_assert_eq!(r.first_name(), p.first.as_str());
            prop_assert_eq!(r.last_name(), p.last.as_str());
            prop_assert_eq!(r.sis_id(), Some(p.id.as_str()));
            prop_assert_eq!(r.role(), Some(p.role));
            prop_assert_eq!(r.grade().map(Grade::as_str), p.grade);
            prop_assert_eq!(r.email().map(|e| e.to_string()), Some(p.email.to_lowercase()));
            prop_assert_eq!(v.school_of(&r), Some(p.school));
            prop_assert_eq!(r.middle_name().unwrap_or(""), p.middle.as_str());
            prop_assert_eq!(r.limited_english(), p.flag);
        }
    }

    /// Arbitrary bytes, cut anywhere, with any overrides: an error or a result, never a panic.
    #[test]
    fn arbitrary_bytes_never_panic(
        bytes in prop::collection::vec(any::<u8>(), 0..3000),
        cut in 0usize..3000,
        delimiter in prop::option::of(any::<u8>()),
        has_header in prop::option::of(any::<bool>()),
    ) {
        let opts = ImportOptions { read: ReadOptions { encoding: None, delimiter, has_header }, ..ImportOptions::default() };
        let _ = validate_bytes(&bytes, &opts);
        let (a, b) = bytes.split_at(cut.min(bytes.len()));
        if let Ok(opened) = rollcall_shared::open(a, b.is_empty(), &opts) {
            let mut p = Pipeline::new(&opened, &opts);
            p.feed(a);
            p.feed(b);
            let _ = p.finish();
        }
    }

    /// Sample files with random bytes overwritten still never panic.
    #[test]
    fn damaged_samples_never_panic(edits in prop::collection::vec((0usize..4000, any::<u8>()), 1..20), which in 0usize..4) {
        let samples: [&[u8]; 4] = [
            include_bytes!("../../../shared/samples/errors_mixed.csv"),
            include_bytes!("../../../shared/samples/utf16le_tab.txt"),
            include_bytes!("../../../shared/samples/quoted_multiline.csv"),
            include_bytes!("../../../shared/samples/excel_mac_roman_cr.csv"),
        ];
        let mut bytes = samples[which].to_vec();
        for (pos, b) in edits {
            let n = bytes.len();
            if n > 0 { bytes[pos % n] = b; }
        }
        let _ = validate_bytes(&bytes, &ImportOptions::default());
    }
}

mod planner {
    use super::*;
    use rollcall_shared::plan::{plan, Plan, Roster, UserId};
    use rollcall_shared::testgen::{person, Rng, HEADINGS};
    use rollcall_shared::validate::Validation;
    use rollcall_shared::wire::Options;
    use rollcall_shared::write::push_row;

    fn validate(csv: &str) -> Validation {
        validate_bytes(csv.as_bytes(), &rollcall_shared::testgen::import_options())
            .expect("reads")
            .1
    }

    fn csv(rows: &[[String; 11]]) -> String {
        let mut out = String::new();
        push_row(&mut out, HEADINGS);
        for r in rows {
            push_row(&mut out, r.iter().map(String::as_str));
        }
        out
    }

    /// A roster file, and the next month's: some rows edited, some dropped, some added.
    fn months(
        seed: u64,
        n: u64,
        edits: u64,
        drops: u64,
        adds: u64,
    ) -> (Vec<[String; 11]>, Vec<[String; 11]>) {
        let mut rng = Rng::new(seed);
        let first: Vec<[String; 11]> = (0..n).map(|i| person(&mut rng, i)).collect();
        let mut next = Vec::new();
        for (i, p) in first.iter().enumerate() {
            let i = i as u64;
            if i < drops {
                continue;
            }
            let mut p = p.clone();
            if edits > 0 && (i - drops).is_multiple_of((n / edits).max(1)) {
                p[1] = format!("{}-Edited", p[1]);
            }
            next.push(p);
        }
        for j in 0..adds {
            next.push(person(&mut rng, n + j));
        }
        (first, next)
    }

    fn keys(p: &Plan) -> (Vec<String>, Vec<String>, Vec<String>) {
        let mut c: Vec<String> = p.creates.iter().map(|c| c.data.key()).collect();
        let mut u: Vec<String> = p
            .updates
            .iter()
            .map(|u| format!("{}{:?}", u.key, u.changes))
            .collect();
        let mut a: Vec<String> = p.archives.iter().map(|a| a.key.clone()).collect();
        c.sort();
        u.sort();
        a.sort();
        (c, u, a)
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

        #[test]
        fn applying_a_plan_then_planning_again_changes_nothing(seed in any::<u64>(), n in 5u64..60, edits in 0u64..5, drops in 0u64..5, adds in 0u64..5) {
            let (first, next) = months(seed, n, edits, drops, adds);
            let r0 = Roster::from_validation(&validate(&csv(&first)), "f.csv", 1);
            let v1 = validate(&csv(&next));
            prop_assert!(!v1.has_errors(), "{:?}", v1.issues);
            let p1 = plan(&v1, &r0, &sc("f.csv"), &Options::default());
            prop_assert!(!p1.has_errors(), "{:?}", p1.issues);
            prop_assert_eq!(p1.archives.len() as u64, drops.min(n));
            prop_assert_eq!(p1.creates.len() as u64, adds);
            let mut r1 = r0.clone();
            let mut id = 10_000;
            r1.apply(&p1.to_request("d", &Options::default(), true, None), || { id += 1; UserId(id) });
            let p2 = plan(&v1, &r1, &sc("f.csv"), &Options::default());
            prop_assert!(p2.is_empty(), "{:?}", p2.summary());
            prop_assert_eq!(p2.unchanged as usize, next.len());

            // The master CSV of the new roster plans to nothing against it.
            let master = validate(&rollcall_shared::write::master_csv(&r1));
            prop_assert!(!master.has_errors(), "{:?}", master.issues);
            let p3 = plan(&master, &r1, &sc("master.csv"), &Options::default());
            prop_assert!(p3.is_empty(), "{:?}", p3.summary());
        }

        #[test]
        fn the_plan_does_not_depend_on_row_order(seed in any::<u64>(), n in 5u64..40, edits in 0u64..4, drops in 0u64..4, adds in 0u64..4, shuffle in any::<u64>()) {
            let (first, mut next) = months(seed, n, edits, drops, adds);
            let r0 = Roster::from_validation(&validate(&csv(&first)), "f.csv", 1);
            let p = plan(&validate(&csv(&next)), &r0, &sc("f.csv"), &Options::default());
            let mut rng = Rng::new(shuffle);
            for i in (1..next.len()).rev() {
                next.swap(i, rng.below(i as u64 + 1) as usize);
            }
            let q = plan(&validate(&csv(&next)), &r0, &sc("f.csv"), &Options::default());
            prop_assert_eq!(p.summary(), q.summary());
            prop_assert_eq!(keys(&p), keys(&q));
            prop_assert_eq!(p.guard, q.guard);
        }
    }
}

mod decoders {
    use super::*;
    use rollcall_shared::plan::{codec, plan, Roster};
    use rollcall_shared::wire::{ChangeRequest, Options};

    fn valid_request() -> (Vec<u8>, Vec<u8>) {
        let csv = rollcall_shared::testgen::roster_csv(30, 3);
        let (_, v) = validate_bytes(csv.as_bytes(), &ImportOptions::default()).expect("valid");
        let roster = Roster::from_validation(&v, "f.csv", 4);
        let (_, v2) = validate_bytes(
            rollcall_shared::testgen::next_month_csv(30, 3).as_bytes(),
            &ImportOptions::default(),
        )
        .expect("valid");
        let req = plan(&v2, &roster, &sc("f.csv"), &Options::default()).to_request(
            "demo",
            &Options::default(),
            true,
            None,
        );
        (req.to_json().expect("serializes"), codec::encode(&roster))
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

        /// The change-request decoder and the snapshot codec, on arbitrary bytes and on valid
        /// documents with bytes overwritten: an error or a value, never a panic.
        #[test]
        fn fuzz_change_request_and_snapshot_decoders(
            noise in prop::collection::vec(any::<u8>(), 0..2000),
            edits in prop::collection::vec((any::<usize>(), any::<u8>()), 1..12),
            cut in any::<usize>(),
        ) {
            let _ = ChangeRequest::from_json(&noise);
            let _ = codec::decode(&noise);
            let (mut json, mut snap) = valid_request();
            for (pos, b) in &edits {
                let n = json.len();
                json[pos % n] = *b;
                let m = snap.len();
                snap[pos % m] = *b;
            }
            if let Ok(req) = ChangeRequest::from_json(&json) {
                // Whatever parses is valid by construction: it re-serializes and parses again.
                prop_assert_eq!(ChangeRequest::from_json(&req.to_json().expect("serializes")).ok(), Some(req));
            }
            let _ = codec::decode(&snap);
            let _ = codec::decode(&snap[..cut % (snap.len() + 1)]);
        }
    }
}

/// A scope for tests.
fn sc(s: &str) -> rollcall_shared::fields::Scope {
    rollcall_shared::fields::Scope::parse(s).expect("a valid scope")
}

/// Words headings are made of, the tricky ones included.
const HEADING_WORDS: &[&str] = &[
    "Student",
    "Teacher",
    "Staff",
    "User",
    "ID",
    "Number",
    "No",
    "#",
    "Email",
    "E-mail",
    "Address",
    "First",
    "Last",
    "Middle",
    "Name",
    "Given",
    "Family",
    "School",
    "Site",
    "Building",
    "Org",
    "Sourced",
    "Grade",
    "Level",
    "State",
    "Alt",
    "Role",
    "Type",
    "Status",
    "Enabled",
    "Password",
    "Secondary",
    "Parent",
    "SIS",
    "District",
    "Code",
    "[Required]",
    "(optional)",
    "_",
    "-",
    " ",
];

proptest! {
    /// No mapping assigns one column to two fields, whatever the headings.
    #[test]
    fn no_column_feeds_two_fields(
        headings in prop::collection::vec(
            prop::collection::vec(prop::sample::select(HEADING_WORDS), 1..5).prop_map(|w| w.concat()),
            1..30,
        ),
    ) {
        let m = rollcall_shared::map::auto_map(&headings);
        let mut used = std::collections::BTreeSet::new();
        for source in m.fields.values() {
            if let rollcall_shared::map::Source::Column(c) = source {
                prop_assert!(used.insert(*c), "column {} feeds two fields: {:?} {:?}", c, headings, m.fields);
            }
        }
    }
}
