//! The domain types' table tests, fast paths against their plain twins.

use super::{email::*, flags::*, grade::*, role::*, sis_id::*, text::*};
#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

/// The word-at-a-time local-part check agrees with the byte loop: every string of up to
/// three bytes over an alphabet of lane edges, then longer random ones.
#[test]
fn local_part_words_agree_with_bytes() {
    let alphabet: &[u8] = b"aAzZ09.-/_@`{[:, +'\x7f\x80\xc3\xa9\x00";
    let usual = |c: &u8| c.is_ascii_alphanumeric() || b"-./_".contains(c);
    let check = |s: &[u8]| match local_form_words(s) {
        Some(fast) => assert_eq!(fast, local_form_bytes(s), "{s:?}"),
        None => assert!(!s.iter().all(usual), "{s:?} has only usual bytes"),
    };
    for a in alphabet {
        check(&[*a]);
        for b in alphabet {
            check(&[*a, *b]);
            for c in alphabet {
                check(&[*a, *b, *c]);
            }
        }
    }
    let mut seed = 0x9E37_79B9_7F4A_7C15u64;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let mut fast_paths = 0;
    for _ in 0..20_000 {
        let len = (next() % 64) as usize + 1;
        // Mostly usual bytes, so that the word path is taken and dots meet across words.
        let s: Vec<u8> = (0..len)
            .map(|_| match next() % 10 {
                0..=5 => b"abcXYZ19"[(next() % 8) as usize],
                6 | 7 => b'.',
                8 => b"-/_"[(next() % 3) as usize],
                _ => alphabet[(next() % alphabet.len() as u64) as usize],
            })
            .collect();
        fast_paths += usize::from(local_form_words(&s).is_some());
        check(&s);
    }
    assert!(
        fast_paths > 2_000,
        "the word path was taken {fast_paths} times"
    );
}

#[test]
fn same_bytes_is_slice_equality() {
    let base: Vec<u8> = (0..40u8).map(|i| b'a' + i % 26).collect();
    for n in 0..40 {
        let a = &base[..n];
        assert!(same_bytes(a, a), "{n}");
        for i in 0..n {
            let mut b = a.to_vec();
            b[i] ^= 0x20;
            assert!(!same_bytes(a, &b), "{n} differs at {i}");
        }
        assert!(!same_bytes(a, &base[..n + 1]));
    }
}

macro_rules! parses_to {
    ($($name:ident: $f:expr, $input:expr => $expected:expr,)*) => {$(
        #[test]
        fn $name() { assert_eq!($f($input), $expected); }
    )*};
}

fn grade(s: &str) -> Result<(&'static str, bool), GradeError> {
    Grade::parse(s).map(|g| (g.grade().as_str(), matches!(g, GradeParse::SpelledOut(_))))
}

parses_to! {
    grade_pre_k: grade, "Pre-K" => Ok(("PK", false)),
    grade_prek: grade, "PreK" => Ok(("PK", false)),
    grade_pk: grade, "pk" => Ok(("PK", false)),
    grade_k: grade, "K" => Ok(("KG", false)),
    grade_kg: grade, "KG" => Ok(("KG", false)),
    grade_1: grade, "1" => Ok(("01", false)),
    grade_01: grade, "01" => Ok(("01", false)),
    grade_12: grade, " 12 " => Ok(("12", false)),
    grade_00: grade, "00" => Err(GradeError::Invalid("00".into())),
    grade_letter_digit: grade, "Z1" => Err(GradeError::Invalid("Z1".into())),
    grade_digit_letter: grade, "9Z" => Err(GradeError::Invalid("9Z".into())),
    grade_high_bytes: grade, "ÿ" => Err(GradeError::Invalid("ÿ".into())),
    grade_13: grade, "13" => Err(GradeError::Invalid("13".into())),
    // Digits joined by punctuation are not a grade (`1.0` is not grade 10).
    grade_decimal: grade, "1.0" => Err(GradeError::Invalid("1.0".into())),
    grade_range: grade, "1-2" => Err(GradeError::Invalid("1-2".into())),
    grade_0: grade, "0" => Err(GradeError::Invalid("0".into())),
    grade_kindergarten: grade, "kindergarten" => Ok(("KG", true)),
    grade_1st: grade, "1st" => Ok(("01", true)),
    grade_3rd_grade: grade, "3rd grade" => Ok(("03", true)),
    grade_grade_3: grade, "Grade 3" => Ok(("03", true)),
    grade_gr_10: grade, "Gr. 10" => Ok(("10", true)),
    grade_first: grade, "first" => Ok(("01", true)),
    grade_13th: grade, "13th" => Err(GradeError::Invalid("13th".into())),
    grade_tk: grade, "TK" => Err(GradeError::Invalid("TK".into())),
    grade_blank: grade, "  " => Err(GradeError::Blank),
    grade_3x: grade, "3x" => Err(GradeError::Invalid("3x".into())),
    role_0: Role::parse, "0" => Ok(Role::Student),
    role_1: Role::parse, "1" => Ok(Role::Staff),
    role_2: Role::parse, "2" => Err(RoleError::Unknown("2".into())),
    role_student: Role::parse, "Student" => Ok(Role::Student),
    role_faculty: Role::parse, "Faculty" => Ok(Role::Teacher),
    role_administrator: Role::parse, "Administrator" => Ok(Role::Admin),
    role_guardian: Role::parse, "guardian" => Err(RoleError::Unsupported("guardian".into())),
    status_blank: Status::parse, "" => Ok(Status::Active),
    status_enabled: Status::parse, "enabled" => Ok(Status::Active),
    status_true: Status::parse, "TRUE" => Ok(Status::Active),
    status_tobedeleted: Status::parse, "tobedeleted" => Ok(Status::Inactive),
    status_no: Status::parse, "No" => Ok(Status::Inactive),
    status_maybe: Status::parse, "maybe" => Err(StatusError("maybe".into())),
    bool_y: parse_bool, "Y" => Ok(Some(true)),
    bool_false: parse_bool, "FALSE" => Ok(Some(false)),
    bool_blank: parse_bool, "" => Ok(None),
    bool_x: parse_bool, "x" => Err(BoolError("x".into())),
    id_sci: SisId::check, "1.23457E+11" => Err(SisIdError::ScientificNotation("1.23457E+11".into())),
    id_sci_small: SisId::check, "4E7" => Err(SisIdError::ScientificNotation("4E7".into())),
    id_letters_e: SisId::check, "E123" => Ok("E123"),
    id_zeros: SisId::check, " 000123 " => Ok("000123"),
    id_blank: SisId::check, "" => Err(SisIdError::Blank),
}

#[test]
fn trim_is_str_trim() {
    for s in [
        "",
        " ",
        "a",
        " a",
        "a ",
        "\u{a0}Zoë\u{a0}",
        "Zoë",
        "Zoë ",
        "é",
        "\u{3000}x",
        "x\u{2003}",
        "\tx\r\n",
        "Åsa",
        "ñ\u{a0}",
    ] {
        assert_eq!(trim(s), s.trim(), "{s:?}");
    }
}

#[test]
fn emails() {
    for ok in [
        "a@b.co",
        "Olivia.Lefevre0@Springfield.k12.example.org",
        "o'brien+x@d.org",
    ] {
        assert!(Email::is_valid(ok), "{ok}");
    }
    let bad = [
        "not-an-email",
        "a@b",
        "@b.org",
        "a@@b.org",
        "a b@c.org",
        "a@b..org",
        ".a@b.org",
        "a.@b.org",
        "a..b@c.org",
        "a@-b.org",
        "a@b-.org",
        "a@b.org.",
        "a@b.org@c.org",
        "a@.b.org",
    ];
    for b in bad {
        assert!(!Email::is_valid(b), "{b}");
    }
    // The remembered domain never lets a bad address through: each bad one is checked
    // right after a good address with the same domain as far as it goes.
    let mut check = EmailCheck::default();
    let shape = |text, at, same_domain| {
        Some(EmailShape {
            text,
            at,
            same_domain,
        })
    };
    assert_eq!(check.check("A@B.org"), shape(EmailText::Ascii, 1, false));
    assert_eq!(check.check("a@b.org"), shape(EmailText::Lower, 1, false));
    assert_eq!(check.check("é@b.org"), shape(EmailText::Unicode, 2, true));
    assert_eq!(check.check("a@é.org"), shape(EmailText::Unicode, 1, false));
    // The remembered domain keeps its form.
    assert_eq!(check.check("b@é.org"), shape(EmailText::Unicode, 1, true));
    assert_eq!(check.check("b@e.org"), shape(EmailText::Lower, 1, false));
    assert_eq!(check.check("b@E.org"), shape(EmailText::Ascii, 1, false));
    assert_eq!(check.check("cc@E.org"), shape(EmailText::Ascii, 2, true));
    // An invalid address's domain is not remembered.
    assert_eq!(check.check("a..b@f.org"), None);
    assert_eq!(check.check("d@f.org"), shape(EmailText::Lower, 1, false));
    // A file's checker and the one-off check agree on every address.
    for s in bad.iter().chain(&["a@b.org", "A.B@c.d", "é@b.org"]) {
        let mut fresh = EmailCheck::default();
        assert_eq!(fresh.check(s).is_some(), Email::is_valid(s), "{s}");
    }
    for b in bad {
        assert!(check.check("x@b.org").is_some());
        assert!(check.check("y@c.org").is_some());
        assert!(check.check(b).is_none(), "{b} after good ones");
    }
    assert_eq!(
        Email::parse(" A@B.ORG ").map(|e| e.as_str().to_owned()),
        Ok("a@b.org".into())
    );
}

#[test]
fn grade_codes_round_trip() {
    for code in 0..=13 {
        let g = Grade::from_code(code).expect("code");
        assert_eq!(Grade::parse(g.as_str()).map(GradeParse::grade), Ok(g));
    }
}

#[test]
fn folds_names() {
    let mut out = String::new();
    fold_ascii("Lefèvre-Øst", &mut out);
    assert_eq!(out, "lefevreost");
}
