//! A user's role, from every way a file writes it.

use serde::{Deserialize, Serialize};

use super::texts::FieldError;
use crate::issue_code::IssueCode;
use thiserror::Error;

use super::text::*;

/// A user's role. "Staff" in PRODUCT.md means teacher, staff and admin.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Student,
    Teacher,
    Staff,
    Admin,
}

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum RoleError {
    #[error("the role is blank")]
    Blank,
    #[error("`{0}` is not a role Rollcall manages (student, teacher, staff, admin)")]
    Unsupported(String),
    #[error("`{0}` is not a role (expected student, teacher, staff, admin, or User Type 0/1)")]
    Unknown(String),
}

impl Role {
    pub const ALL: [Role; 4] = [Role::Student, Role::Teacher, Role::Staff, Role::Admin];

    /// A role a rostering export lists beside users that Rollcall does not keep: guardian,
    /// parent, relative (OneRoster). Asked of every row's role cell: the lengths (6 or 8) rule
    /// out the usual cells first.
    #[inline]
    pub fn is_guardian(raw: &str) -> bool {
        let raw = raw.trim();
        matches!(raw.len(), 6 | 8)
            && ["guardian", "parent", "relative"]
                .iter()
                .any(|g| raw.eq_ignore_ascii_case(g))
    }

    /// The usual cell, a User Type `0` or `1`, inline; the rest in [`Role::parse_words`].
    #[inline]
    pub fn parse(raw: &str) -> Result<Role, RoleError> {
        match *raw.as_bytes() {
            [b'0'] => Ok(Role::Student),
            [b'1'] => Ok(Role::Staff),
            _ => Role::parse_words(raw),
        }
    }

    fn parse_words(raw: &str) -> Result<Role, RoleError> {
        let s = trim(raw);
        match s {
            "" => return Err(RoleError::Blank),
            "0" => return Ok(Role::Student),
            "1" => return Ok(Role::Staff),
            _ => {}
        }
        let mut buf = [0u8; 32];
        let key = lower_letters(s, &mut buf);
        Ok(match key {
            "0" | "student" | "students" | "pupil" | "learner" | "s" => Role::Student,
            "1" | "staff" | "staffmember" | "employee" | "aide" | "counselor" | "counsellor"
            | "paraprofessional" | "nurse" | "librarian" | "support" | "supportstaff" => {
                Role::Staff
            }
            "teacher" | "teachers" | "faculty" | "instructor" | "educator" | "t" | "teaching" => {
                Role::Teacher
            }
            "admin"
            | "administrator"
            | "administrators"
            | "districtadmin"
            | "districtadministrator"
            | "schooladmin"
            | "schooladministrator"
            | "siteadministrator"
            | "principal"
            | "assistantprincipal"
            | "superintendent" => Role::Admin,
            "guardian" | "parent" | "relative" | "proctor" | "contact" => {
                return Err(RoleError::Unsupported(s.to_owned()))
            }
            _ => return Err(RoleError::Unknown(s.to_owned())),
        })
    }

    /// A role by its stable name (as JSON and the master CSV write it), and nothing else.
    pub fn from_name(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == s)
    }

    pub fn is_staff(self) -> bool {
        !matches!(self, Role::Student)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Student => "student",
            Role::Teacher => "teacher",
            Role::Staff => "staff",
            Role::Admin => "admin",
        }
    }

    pub fn from_code(code: u8) -> Option<Role> {
        Role::ALL.get(usize::from(code)).copied()
    }

    pub fn code(self) -> u8 {
        self as u8
    }
}

impl<'de> Deserialize<'de> for Role {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Role::from_name(&s).ok_or_else(|| {
            FieldError::new(
                IssueCode::InvalidRole,
                format!("`{s}` is not a role (student, teacher, staff, admin)"),
            )
            .de()
        })
    }
}
