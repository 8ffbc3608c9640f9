//! Headings matched by their words, where the table of whole spellings (`aliases`) does not
//! know them: a district's next export spells things another way (`Teacher_email`,
//! `Email Address [Required]`, `SIF_StatePrId`, `primaryOrgSourcedId`).
//!
//! A heading is cut into words (case changes, `snake_case`, punctuation and digits), its
//! bracketed notes (`[Required]`, `(optional)`) dropped; an entity word (student, teacher,
//! staff, user, person, employee, educator) is set aside; each remaining word is read through
//! a table of synonyms (number / no / num / # / id / code → id; e-mail / mail → email; given /
//! forename → first; family / surname → last; site / building / org / campus / location →
//! school; level / gr → grade…), and the words left are compared with each field's patterns.
//! A pattern's tier is its score (lower is stronger, and always weaker than a whole spelling);
//! a word that changes a heading's meaning (secondary, parent, guardian, enroll, inactive,
//! graduation…) stops any match: such a column is left for the admin.

use super::Field;

/// A heading's words, lower-case, notes dropped: `Email Address [Required]` → `email address`,
/// `SIF_StatePrId` → `sif state pr id`, `E-mail` → `email`.
pub fn heading_words(heading: &str) -> Vec<String> {
    let mut text = String::with_capacity(heading.len());
    let mut depth = 0u32;
    for c in heading.chars() {
        match c {
            '[' | '(' | '{' => depth += 1,
            ']' | ')' | '}' => depth = depth.saturating_sub(1),
            _ if depth == 0 => text.push(c),
            _ => {}
        }
    }
    let mut words: Vec<String> = Vec::new();
    let mut cur = String::new();
    let mut prev: Option<char> = None;
    let chars: Vec<char> = text.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        if c == '#' {
            push(&mut words, &mut cur);
            words.push("#".into());
            prev = None;
            continue;
        }
        if !c.is_alphanumeric() {
            push(&mut words, &mut cur);
            prev = None;
            continue;
        }
        if let Some(p) = prev {
            let next_lower = chars.get(i + 1).is_some_and(|n| n.is_lowercase());
            let boundary = (p.is_lowercase() && c.is_uppercase())
                || (p.is_alphabetic() != c.is_alphabetic())
                // `IDNumber`, `SISId`: an upper-case run ends before its last capital.
                || (p.is_uppercase() && c.is_uppercase() && next_lower);
            if boundary {
                push(&mut words, &mut cur);
            }
        }
        cur.extend(c.to_lowercase());
        prev = Some(c);
    }
    push(&mut words, &mut cur);
    // `e mail` → `email`
    let mut out: Vec<String> = Vec::with_capacity(words.len());
    for w in words {
        if w == "mail" && out.last().is_some_and(|l| l == "e") {
            out.pop();
            out.push("email".into());
        } else {
            out.push(w);
        }
    }
    out
}

fn push(words: &mut Vec<String>, cur: &mut String) {
    if !cur.is_empty() {
        words.push(std::mem::take(cur));
    }
}

/// Words that name who a column is about, not what it holds.
const ENTITY: &[&str] = &[
    "student", "students", "teacher", "teachers", "staff", "user", "users", "person", "people",
    "employee", "educator", "member", "pupil", "learner", "stu",
];

/// Words that change what a heading means: such a heading is never matched by its words.
const STOP: &[&str] = &[
    "secondary",
    "other",
    "parent",
    "parents",
    "guardian",
    "guardians",
    "mother",
    "father",
    "contact",
    "emergency",
    "recovery",
    "relative",
    "enroll",
    "enrollment",
    "inactive",
    "new",
    "graduation",
    "grad",
    "previous",
    "former",
    "old",
    "next",
    "entry",
    "exit",
    "birth",
    "full",
    "sortable",
    "short",
    "display",
    "lunch",
    "frl",
    "fluency",
    "counselor",
    "homeroom",
    "advisor",
    "section",
    "course",
    "class",
    "unit",
    "path",
    "manager",
    "phone",
    "language",
];

/// A word as its synonym: the token patterns are written in.
fn token(w: &str) -> &str {
    match w {
        "id" | "ids" | "number" | "no" | "num" | "nbr" | "#" | "identifier" | "code" => "id",
        "email" | "emails" | "mail" | "emailaddress" => "email",
        "addr" | "address" => "address",
        "first" | "given" | "forename" | "fname" => "first",
        "last" | "family" | "surname" | "lname" => "last",
        "middle" | "mname" => "middle",
        "initial" => "initial",
        "school" | "schools" | "site" | "building" | "campus" | "location" | "org" | "orgs" => {
            "school"
        }
        "grade" | "grades" | "gr" | "grd" => "grade",
        "level" | "lvl" => "level",
        "state" => "state",
        "alternate" | "alt" => "alt",
        "password" | "pwd" | "passwd" | "pass" => "password",
        "role" | "roles" => "role",
        "type" => "type",
        "status" | "enabled" | "active" => "status",
        "sourced" => "sourced",
        "sis" => "sis",
        "district" | "local" | "unique" => "district",
        "name" | "names" => "name",
        "preferred" | "nick" | "nickname" => "preferred",
        "account" | "declared" | "legal" | "primary" | "current" | "home" | "web" | "initial_"
        | "default" | "temporary" | "is" | "this" | "of" | "the" | "for" | "required"
        | "optional" => "",
        "ell" | "lep" | "esl" | "el" => "ell",
        _ => w,
    }
}

/// Each field's patterns, as token lists, strongest first; a tier is its position in the
/// whole list (so `sis id` beats `id`).
const PATTERNS: &[(&[&str], Field)] = &[
    (&["sis", "id"], Field::SisId),
    (&["district", "id"], Field::SisId),
    (&["sourced", "id"], Field::SisId),
    (&["school", "sis", "id"], Field::School),
    (&["school", "id"], Field::School),
    (&["school", "sourced", "id"], Field::School),
    (&["school"], Field::School),
    (&["school", "name"], Field::School),
    (&["state", "id"], Field::StateId),
    (&["alt", "id"], Field::AltId),
    (&["email"], Field::Email),
    (&["email", "address"], Field::Email),
    (&["email", "id"], Field::Email),
    (&["first", "name"], Field::FirstName),
    (&["first"], Field::FirstName),
    (&["last", "name"], Field::LastName),
    (&["last"], Field::LastName),
    (&["middle", "name"], Field::MiddleName),
    (&["middle"], Field::MiddleName),
    (&["middle", "initial"], Field::MiddleName),
    (&["grade", "level"], Field::Grade),
    (&["grade"], Field::Grade),
    (&["role"], Field::Role),
    (&["type"], Field::Role),
    (&["status"], Field::Status),
    (&["ell", "status"], Field::LimitedEnglish),
    (&["ell"], Field::LimitedEnglish),
    (&["password"], Field::Password),
    (&["id"], Field::SisId),
    (&["preferred", "first", "name"], Field::FirstName),
    (&["preferred", "first"], Field::FirstName),
];

/// The field a heading's words name, and the pattern's tier (lower is stronger).
pub fn words_match(heading: &str) -> Option<(Field, usize)> {
    let words = heading_words(heading);
    if words.is_empty() || words.iter().any(|w| STOP.contains(&w.as_str())) {
        return None;
    }
    let had_entity = words.iter().any(|w| ENTITY.contains(&w.as_str()));
    let mut tokens: Vec<&str> = words
        .iter()
        .filter(|w| !ENTITY.contains(&w.as_str()))
        .map(|w| token(w))
        .filter(|t| !t.is_empty())
        .collect();
    // `orgSourcedIds`-style: a plural or repeated id reads as one.
    tokens.dedup();
    if tokens.is_empty() {
        return None;
    }
    // `type` names a role only for a person (`User Type`, `Account Type`, `type`), and a lone
    // id is a person's only when nothing else is in the heading.
    let Some(position) = PATTERNS.iter().position(|(p, _)| *p == tokens.as_slice()) else {
        // A state's id however it is spelled around (`SIF_StatePrId`, `StateStudentNumber`).
        let has = |t: &str| tokens.contains(&t);
        return (has("state") && tokens.last() == Some(&"id"))
            .then_some((Field::StateId, PATTERNS.len()));
    };
    let (_, field) = PATTERNS[position];
    if field == Field::Role
        && tokens == ["type"]
        && had_entity
        && !words.iter().any(|w| w == "user")
    {
        return None;
    }
    // A bare `ID` is weaker than a person's own (`TeacherNumber`, `Student #`): in an export
    // with both, the bare one is often the system's internal key.
    if tokens == ["id"] && !had_entity {
        return Some((field, position + PATTERNS.len() + 1));
    }
    Some((field, position))
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn headings_are_cut_into_their_words() {
        for (h, w) in [
            ("Email Address [Required]", "email address"),
            ("SIF_StatePrId", "sif state pr id"),
            ("primaryOrgSourcedId", "primary org sourced id"),
            ("E-mail address", "email address"),
            ("StudentEmailAddress", "student email address"),
            ("Student #", "student #"),
            ("IDNumber", "id number"),
            ("Grade (optional)", "grade"),
            ("Grade2025", "grade 2025"),
        ] {
            assert_eq!(heading_words(h).join(" "), w, "{h}");
        }
    }

    #[test]
    fn words_name_fields_and_meaning_changers_stop_them() {
        for (h, f) in [
            ("Teacher_email", Some(Field::Email)),
            ("Staff E-mail", Some(Field::Email)),
            ("Email Address [Required]", Some(Field::Email)),
            ("First Name [Required]", Some(Field::FirstName)),
            ("Given Name", Some(Field::FirstName)),
            ("Surname", Some(Field::LastName)),
            ("SIF_StatePrId", Some(Field::StateId)),
            ("primaryOrgSourcedId", Some(Field::School)),
            ("Org Unit Path [Required]", None),
            ("declared_user_type", Some(Field::Role)),
            ("State_StudentNumber", Some(Field::StateId)),
            ("Building", Some(Field::School)),
            ("Site Code", Some(Field::School)),
            ("Grade Lvl", Some(Field::Grade)),
            ("Employee ID", Some(Field::SisId)),
            ("Student #", Some(Field::SisId)),
            ("User Unique ID", Some(Field::SisId)),
            ("Secondary Email", None),
            ("Parent Email", None),
            ("Guardian First Name", None),
            ("Enroll_Status", None),
            ("Grad Year", None),
            ("Employee Type", None),
            ("Account Type", Some(Field::Role)),
            ("full_name", None),
        ] {
            assert_eq!(words_match(h).map(|(f, _)| f), f, "{h}");
        }
    }
}
