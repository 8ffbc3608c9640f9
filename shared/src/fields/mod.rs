//! The domain: the fields a roster row can carry, the types that hold their valid values, and the
//! table of headings each field is known by.

//! Types that can only hold valid values ("parse, don't validate"): each has a `parse` that
//! trims its input and either returns the normalized value or a typed error saying why not.
//! One file per type.

mod aliases;
mod email;
mod flags;
mod formula;
mod grade;
mod heading_words;
mod role;
mod sis_id;
mod text;
mod texts;
#[cfg(test)]
mod types_tests;

pub use aliases::{field_for_heading, heading_match, normalize_heading};
pub use email::{Email, EmailCheck, EmailError, EmailShape, EmailText};
pub use flags::{parse_bool, BoolError, Status, StatusError};
pub use formula::{is_formula_like, needs_escape, unescape_formula};
pub use grade::{Grade, GradeError, GradeParse};
pub use heading_words::heading_words;
pub use role::{Role, RoleError};
pub use sis_id::{SisId, SisIdError};
pub(crate) use text::{control_allowing, same_bytes, trim};
pub use text::{fold_ascii, has_control, longer_than, MAX_NAME, MAX_PASSWORD, MAX_TEXT};
pub use texts::{
    check_new_password, check_public_url, check_value, FieldError, Name, SchoolCode, Scope, Text,
    TextFault, TextRule, MIN_PASSWORD,
};

use serde::{Deserialize, Serialize};

/// A field of a user record, as PRODUCT.md's Fields table names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Field {
    /// The SIS's id of a user (`district_id` in files and on the wire; the tenant is a
    /// "district" everywhere else in the code).
    #[serde(rename = "district_id")]
    SisId,
    FirstName,
    LastName,
    MiddleName,
    Email,
    Role,
    Grade,
    School,
    StateId,
    AltId,
    LimitedEnglish,
    EconDisadvantaged,
    Status,
    Password,
    Scope,
}

impl Field {
    /// Every field, in the order the master CSV writes them.
    pub const ALL: [Field; 15] = [
        Field::SisId,
        Field::FirstName,
        Field::LastName,
        Field::MiddleName,
        Field::Email,
        Field::Role,
        Field::Grade,
        Field::School,
        Field::StateId,
        Field::AltId,
        Field::LimitedEnglish,
        Field::EconDisadvantaged,
        Field::Status,
        Field::Password,
        Field::Scope,
    ];

    /// The fields a user keeps (all but status and password, which are actions, not values), in
    /// the master CSV's order: what an update compares and what the master file writes.
    pub const MANAGED: [Field; 13] = {
        let mut out = [Field::SisId; 13];
        let (mut i, mut j) = (0, 0);
        while i < Field::ALL.len() {
            if !matches!(Field::ALL[i], Field::Status | Field::Password) {
                out[j] = Field::ALL[i];
                j += 1;
            }
            i += 1;
        }
        out
    };

    /// The stable snake_case name used on the CLI, in JSON and in the master CSV's heading.
    pub fn name(self) -> &'static str {
        match self {
            Field::SisId => "district_id",
            Field::FirstName => "first_name",
            Field::LastName => "last_name",
            Field::MiddleName => "middle_name",
            Field::Email => "email",
            Field::Role => "role",
            Field::Grade => "grade",
            Field::School => "school",
            Field::StateId => "state_id",
            Field::AltId => "alt_id",
            Field::LimitedEnglish => "limited_english",
            Field::EconDisadvantaged => "econ_disadvantaged",
            Field::Status => "status",
            Field::Password => "password",
            Field::Scope => "scope",
        }
    }

    /// A label for people: what the UI and messages call the field.
    pub fn label(self) -> &'static str {
        match self {
            Field::SisId => "District ID",
            Field::FirstName => "First name",
            Field::LastName => "Last name",
            Field::MiddleName => "Middle name",
            Field::Email => "Email",
            Field::Role => "Role",
            Field::Grade => "Grade",
            Field::School => "School",
            Field::StateId => "State ID",
            Field::AltId => "Alternate ID",
            Field::LimitedEnglish => "Limited English",
            Field::EconDisadvantaged => "Economically disadvantaged",
            Field::Status => "Status",
            Field::Password => "Password",
            Field::Scope => "Scope",
        }
    }

    /// Parses a field name as the CLI and saved mappings spell it (`first_name`, `First Name`,
    /// or any known heading alias).
    pub fn parse(name: &str) -> Option<Field> {
        Field::ALL
            .into_iter()
            .find(|f| f.name().eq_ignore_ascii_case(name.trim()))
            .or_else(|| field_for_heading(name))
    }

    /// What the field accepts, in a line (the template's field guide).
    pub fn guide(self) -> &'static str {
        match self {
            Field::SisId => "The SIS's id of the person, kept as text (leading zeros matter). The key; blank: the email is the key.",
            Field::FirstName => "Required. Up to 100 characters, one line.",
            Field::LastName => "Required. Up to 100 characters, one line.",
            Field::MiddleName => "Optional. Up to 100 characters.",
            Field::Email => "An address, unique among active users. Required for staff, and when the District ID is blank.",
            Field::Role => "Required: student, teacher, staff or admin (User Type 0 = student, 1 = staff).",
            Field::Grade => "Students: PK, KG (K, 0), or 1–12. Staff: blank. Other codes (TK, UG) can be mapped to these.",
            Field::School => "Required: the school's SIS code (as on the Schools page).",
            Field::StateId => "Optional: the state's id of the person.",
            Field::AltId => "Optional: another id.",
            Field::LimitedEnglish => "Optional: Y or N.",
            Field::EconDisadvantaged => "Optional: Y or N.",
            Field::Status => "Optional: Active, or Inactive to archive the user (blank: active).",
            Field::Password => "Optional: set for new users only (at least 12 characters); better left blank for staff, who get a set-password link.",
            Field::Scope => "Optional: the population the row belongs to (blank: the upload's scope).",
        }
    }

    /// Required for every row (a key, sis_id or email, is required too; see `validate`).
    pub fn is_required(self) -> bool {
        matches!(
            self,
            Field::FirstName | Field::LastName | Field::Role | Field::School
        )
    }

    /// A field a row's key comes from: sis_id, else email (one of them must be mapped).
    pub fn is_key(self) -> bool {
        matches!(self, Field::SisId | Field::Email)
    }
}

impl std::fmt::Display for Field {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}
