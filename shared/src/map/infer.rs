//! Guessing fields from content, for files without a heading row. Each column is profiled over
//! the sample (how many of its values are emails, 0/1 user types, grades, known schools, names,
//! unique ids…) and fields are assigned from the most to the least distinctive evidence. First
//! and last name are told apart by where each appears in the email address, when there is one.

use std::collections::HashSet;

use super::{Mapping, MatchedBy, SchoolDirectory, Source};
use crate::fields::{fold_ascii, parse_bool, Email, Field, Grade, Role, Status};

#[derive(Debug, Default, Clone)]
struct Profile {
    n: usize,
    email: usize,
    zero_one: usize,
    role_word: usize,
    grade: usize,
    grade_beyond_01: usize,
    boolean: usize,
    status_word: usize,
    school: usize,
    name: usize,
    idlike: usize,
    distinct: usize,
}

impl Profile {
    fn frac(&self, k: usize) -> f64 {
        if self.n == 0 {
            0.0
        } else {
            k as f64 / self.n as f64
        }
    }
}

fn profile(values: &[&str], schools: Option<&SchoolDirectory>) -> Profile {
    let mut p = Profile::default();
    let mut seen = HashSet::new();
    for v in values.iter().map(|v| v.trim()).filter(|v| !v.is_empty()) {
        p.n += 1;
        seen.insert(v.to_ascii_lowercase());
        if Email::is_valid(v) {
            p.email += 1;
        }
        if v == "0" || v == "1" {
            p.zero_one += 1;
        } else if v.chars().any(|c| c.is_alphabetic()) && Role::parse(v).is_ok() {
            p.role_word += 1;
        }
        if Grade::parse(v).is_ok() {
            p.grade += 1;
            if v != "0" && v != "1" {
                p.grade_beyond_01 += 1;
            }
        }
        if !v.bytes().all(|c| c.is_ascii_digit()) && parse_bool(v).is_ok_and(|b| b.is_some()) {
            p.boolean += 1;
        }
        if v.chars().any(|c| c.is_alphabetic()) && Status::parse(v).is_ok() {
            p.status_word += 1;
        }
        if schools.is_some_and(|s| s.resolve(v).is_some()) {
            p.school += 1;
        }
        if v.chars().all(|c| c.is_alphabetic() || " '-.".contains(c))
            && v.chars().next().is_some_and(char::is_alphabetic)
        {
            p.name += 1;
        }
        if v.chars().any(|c| c.is_ascii_digit())
            && !v.contains(' ')
            && !v.contains('@')
            && v.len() >= 3
        {
            p.idlike += 1;
        }
    }
    p.distinct = seen.len();
    p
}

/// Guesses a mapping from sample rows (no heading). Every guess is marked `MatchedBy::Content`
/// so the UI can ask the admin to confirm it.
pub fn infer_from_content(rows: &[Vec<String>], schools: Option<&SchoolDirectory>) -> Mapping {
    let columns = rows.iter().map(Vec::len).max().unwrap_or(0);
    let profiles: Vec<Profile> = (0..columns)
        .map(|c| {
            let vals: Vec<&str> = rows
                .iter()
                .filter_map(|r| r.get(c).map(String::as_str))
                .collect();
            profile(&vals, schools)
        })
        .collect();
    let mut m = Mapping::default();
    let mut taken = vec![false; columns];
    let assign = |m: &mut Mapping, taken: &mut Vec<bool>, f: Field, c: usize| {
        taken[c] = true;
        m.fields.insert(f, Source::Column(c));
        m.matched_by.insert(f, MatchedBy::Content);
    };
    // The best free column by a score, if it passes `min`.
    let pick = |taken: &[bool], score: &dyn Fn(&Profile) -> f64, min: f64| -> Option<usize> {
        let mut best: Option<(usize, f64)> = None;
        for (c, p) in profiles.iter().enumerate() {
            if taken[c] || p.n == 0 {
                continue;
            }
            let s = score(p);
            if s >= min && best.is_none_or(|(_, b)| s > b) {
                best = Some((c, s));
            }
        }
        best.map(|(c, _)| c)
    };

    if let Some(c) = pick(&taken, &|p| p.frac(p.email), 0.6) {
        assign(&mut m, &mut taken, Field::Email, c);
    }
    if let Some(c) = pick(&taken, &|p| p.frac(p.zero_one + p.role_word), 0.9) {
        assign(&mut m, &mut taken, Field::Role, c);
    }
    if let Some(c) = pick(
        &taken,
        &|p| {
            if p.grade_beyond_01 > 0 {
                p.frac(p.grade)
            } else {
                0.0
            }
        },
        0.8,
    ) {
        assign(&mut m, &mut taken, Field::Grade, c);
    }
    let school_col = if schools.is_some() {
        pick(&taken, &|p| p.frac(p.school), 0.8)
    } else {
        // Few distinct short codes repeated across rows.
        pick(
            &taken,
            &|p| {
                let few = p.distinct <= (p.n / 4).max(3) && p.n >= 2;
                if few && p.frac(p.boolean + p.status_word) < 0.5 && p.frac(p.email) < 0.5 {
                    1.0 - p.distinct as f64 / p.n as f64
                } else {
                    0.0
                }
            },
            0.3,
        )
    };
    if let Some(c) = school_col {
        assign(&mut m, &mut taken, Field::School, c);
    }
    let id_score = |p: &Profile| {
        if p.frac(p.idlike) >= 0.9 {
            p.distinct as f64 / p.n as f64
        } else {
            0.0
        }
    };
    if let Some(c) = pick(&taken, &id_score, 0.9) {
        assign(&mut m, &mut taken, Field::SisId, c);
        if let Some(c2) = pick(&taken, &id_score, 0.9) {
            assign(&mut m, &mut taken, Field::StateId, c2);
        }
    }
    for f in [Field::LimitedEnglish, Field::EconDisadvantaged] {
        if let Some(c) = pick(&taken, &|p| p.frac(p.boolean), 0.9) {
            assign(&mut m, &mut taken, f, c);
        }
    }
    if let Some(c) = pick(&taken, &|p| p.frac(p.status_word), 0.9) {
        assign(&mut m, &mut taken, Field::Status, c);
    }
    let names: Vec<usize> = (0..columns)
        .filter(|&c| !taken[c] && profiles[c].n > 0 && profiles[c].frac(profiles[c].name) >= 0.8)
        .collect();
    if names.len() >= 2 {
        let (a, b) = (names[0], names[1]);
        let (first, last) = match (
            m.column(Field::Email),
            first_comes_first(rows, a, b, m.column(Field::Email)),
        ) {
            (Some(_), Some(false)) => (b, a),
            _ => (a, b),
        };
        assign(&mut m, &mut taken, Field::FirstName, first);
        assign(&mut m, &mut taken, Field::LastName, last);
        if let Some(&c) = names.get(2) {
            assign(&mut m, &mut taken, Field::MiddleName, c);
        }
    }
    m
}

/// Does column `a` come before column `b` in the email address (`first.last@…`)? `None` when
/// the emails say nothing.
fn first_comes_first(
    rows: &[Vec<String>],
    a: usize,
    b: usize,
    email: Option<usize>,
) -> Option<bool> {
    let e = email?;
    let (mut votes_a, mut votes_b) = (0, 0);
    let (mut fa, mut fb, mut local) = (String::new(), String::new(), String::new());
    for r in rows {
        let (Some(va), Some(vb), Some(ve)) = (r.get(a), r.get(b), r.get(e)) else {
            continue;
        };
        fold_ascii(va, &mut fa);
        fold_ascii(vb, &mut fb);
        fold_ascii(ve.split('@').next().unwrap_or(""), &mut local);
        if fa.is_empty() || fb.is_empty() {
            continue;
        }
        match (local.find(&fa), local.find(&fb)) {
            (Some(x), Some(y)) if x < y => votes_a += 1,
            (Some(x), Some(y)) if y < x => votes_b += 1,
            (Some(0), None) => votes_a += 1,
            (None, Some(0)) => votes_b += 1,
            _ => {}
        }
    }
    (votes_a != votes_b).then_some(votes_a > votes_b)
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    fn rows(s: &str) -> Vec<Vec<String>> {
        s.lines()
            .map(|l| l.split(',').map(str::to_owned).collect())
            .collect()
    }

    #[test]
    fn infers_the_no_header_layout() {
        let r = rows(
            "ann.lee@x.org,Lee,Ann,0,3,101,S01\n\
             bo.kim@x.org,Kim,Bo,0,K,102,S02\n\
             cy.ode@x.org,Ode,Cy,1,,101,T03\n\
             di.fay@x.org,Fay,Di,0,12,101,S04\n\
             ed.gul@x.org,Gul,Ed,0,Pre-K,102,S05",
        );
        let m = infer_from_content(&r, None);
        assert_eq!(m.column(Field::Email), Some(0));
        assert_eq!(m.column(Field::LastName), Some(1));
        assert_eq!(m.column(Field::FirstName), Some(2));
        assert_eq!(m.column(Field::Role), Some(3));
        assert_eq!(m.column(Field::Grade), Some(4));
        assert_eq!(m.column(Field::School), Some(5));
        assert_eq!(m.column(Field::SisId), Some(6));
        assert!(m.matched_by.values().all(|b| *b == MatchedBy::Content));
    }
}
