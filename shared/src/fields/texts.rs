//! The text fields as types that can only hold valid values: a [`Name`] (first, middle, last),
//! a [`SchoolCode`], a [`Scope`] and a [`Text`] (state and alternate ids). Each is trimmed, one
//! line, and within its limit in characters; the validator asks the same [`TextRule`] of a cell,
//! and a change request that deserializes holds only values that pass it.
//!
//! A value that fails says why with the [`IssueCode`] the browser's validation gives the same
//! value ([`FieldError`]), so that the server's refusal and the preview agree.

use serde::{Deserialize, Serialize};

use super::text::{has_control, longer_than, trim, MAX_NAME, MAX_PASSWORD, MAX_TEXT};
use crate::issue_code::IssueCode;

/// Why a value is not valid, with the code the validator gives it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message} [{code}]")]
pub struct FieldError {
    pub code: IssueCode,
    pub message: String,
}

impl FieldError {
    pub fn new(code: IssueCode, message: impl Into<String>) -> FieldError {
        FieldError {
            code,
            message: message.into(),
        }
    }

    /// The code a [`FieldError`] left in an error's text (serde keeps only text), if any.
    pub fn code_in(text: &str) -> Option<IssueCode> {
        let start = text.rfind(" [")? + 2;
        let len = text.get(start..)?.find(']')?;
        text.get(start..start + len)?.parse().ok()
    }

    /// A serde error that keeps this error's code in its text.
    pub fn de<E: serde::de::Error>(self) -> E {
        E::custom(self)
    }
}

/// What a text must be: never blank (an optional field is an `Option`), one line, and at most
/// `max` characters; `what` names it in messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TextRule {
    pub max: usize,
    pub what: &'static str,
}

/// A text's length fault, for the validator (which finds control characters once per row).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextFault {
    Blank,
    TooLong,
}

impl TextFault {
    pub fn code(self) -> IssueCode {
        match self {
            TextFault::Blank => IssueCode::MissingRequired,
            TextFault::TooLong => IssueCode::TooLong,
        }
    }
}

impl TextRule {
    pub const NAME: TextRule = TextRule {
        max: MAX_NAME,
        what: "a name",
    };
    pub const SCHOOL: TextRule = TextRule {
        max: MAX_TEXT,
        what: "a school",
    };
    pub const SCOPE: TextRule = TextRule {
        max: MAX_TEXT,
        what: "a scope",
    };
    pub const TEXT: TextRule = TextRule {
        max: MAX_TEXT,
        what: "a value",
    };
    pub const PASSWORD: TextRule = TextRule {
        max: MAX_PASSWORD,
        what: "a password",
    };

    /// The length rule alone, on a trimmed cell: what the validator asks of every row.
    #[inline]
    pub fn fault(self, v: &str) -> Option<TextFault> {
        if v.is_empty() {
            Some(TextFault::Blank)
        } else if longer_than(v, self.max) {
            Some(TextFault::TooLong)
        } else {
            None
        }
    }

    /// The whole rule: trimmed, not blank, within the limit, one line.
    pub fn check(self, raw: &str) -> Result<&str, FieldError> {
        let v = trim(raw);
        match self.fault(v) {
            Some(TextFault::Blank) => {
                return Err(FieldError::new(
                    IssueCode::MissingRequired,
                    format!("{} is blank", self.what),
                ))
            }
            Some(TextFault::TooLong) => {
                return Err(FieldError::new(
                    IssueCode::TooLong,
                    format!("{} is longer than {} characters", self.what, self.max),
                ))
            }
            None => {}
        }
        if has_control(v) {
            return Err(FieldError::new(
                IssueCode::ControlCharacter,
                format!(
                    "{} holds a line break, tab or other control character",
                    self.what
                ),
            ));
        }
        Ok(v)
    }
}

/// Whether `raw` (one cell, or one value set for a whole file) is a valid value of field `f`,
/// by that field's own type; the error says why, with the validator's code.
pub fn check_value(f: super::Field, raw: &str) -> Result<(), FieldError> {
    use super::{parse_bool, Email, Field, Grade, Role, SisId, Status};
    let invalid = |code, e: &dyn std::fmt::Display| Err(FieldError::new(code, e.to_string()));
    match f {
        Field::SisId => SisId::check(raw)
            .map(|_| ())
            .or_else(|e| invalid(IssueCode::InvalidDistrictId, &e)),
        Field::Email => Email::parse(raw)
            .map(|_| ())
            .or_else(|e| invalid(IssueCode::InvalidEmail, &e)),
        Field::Role => Role::parse(raw)
            .map(|_| ())
            .or_else(|e| invalid(IssueCode::InvalidRole, &e)),
        Field::Grade => Grade::parse(raw)
            .map(|_| ())
            .or_else(|e| invalid(IssueCode::InvalidGrade, &e)),
        Field::Status => Status::parse(raw)
            .map(|_| ())
            .or_else(|e| invalid(IssueCode::InvalidStatus, &e)),
        Field::LimitedEnglish | Field::EconDisadvantaged => parse_bool(raw)
            .map(|_| ())
            .or_else(|e| invalid(IssueCode::InvalidBoolean, &e)),
        Field::FirstName | Field::LastName | Field::MiddleName => Name::RULE.check(raw).map(|_| ()),
        Field::School => SchoolCode::RULE.check(raw).map(|_| ()),
        Field::Scope => Scope::RULE.check(raw).map(|_| ()),
        Field::StateId | Field::AltId => Text::RULE.check(raw).map(|_| ()),
        Field::Password => TextRule::PASSWORD.check(raw).map(|_| ()),
    }
}

/// An address people open the app at (`https://rollcall.district.org`, perhaps with a path):
/// http(s), a host, no query or fragment, one line; given back without a trailing `/`.
pub fn check_public_url(raw: &str) -> Result<String, FieldError> {
    let v = TextRule::TEXT.check(raw)?.trim_end_matches('/');
    let bad = |why: &str| Err(FieldError::new(IssueCode::InvalidFileValue, why.to_owned()));
    let Some(rest) = v
        .strip_prefix("https://")
        .or_else(|| v.strip_prefix("http://"))
    else {
        return bad("an address starts with https:// (or http://)");
    };
    let host = rest.split('/').next().unwrap_or_default();
    if host.is_empty() || v.contains(char::is_whitespace) || v.contains(['?', '#', '@', '\\']) {
        return bad("an address is https://host[/path], with no spaces, query or fragment");
    }
    Ok(v.to_owned())
}

/// The fewest characters a password a person chooses may have.
pub const MIN_PASSWORD: usize = 12;

/// A password a person chooses (the set-password page): within the password rule, at least
/// [`MIN_PASSWORD`] characters, and not their email address or its name part. The page and the
/// server ask the same question.
pub fn check_new_password(pw: &str, email: Option<&str>) -> Result<(), FieldError> {
    if pw.chars().count() < MIN_PASSWORD {
        return Err(FieldError::new(
            IssueCode::WeakPassword,
            format!("a password has at least {MIN_PASSWORD} characters"),
        ));
    }
    // Leading or trailing spaces are the person's own: checked as typed, never trimmed.
    if pw.chars().count() > TextRule::PASSWORD.max {
        return Err(FieldError::new(
            IssueCode::TooLong,
            format!(
                "a password has at most {} characters",
                TextRule::PASSWORD.max
            ),
        ));
    }
    if has_control(pw) {
        return Err(FieldError::new(
            IssueCode::ControlCharacter,
            "a password holds no line break, tab or other control character",
        ));
    }
    let lower = pw.to_lowercase();
    if let Some(e) = email.map(str::to_lowercase) {
        let name = e.split('@').next().unwrap_or_default();
        if lower == e || (name.chars().count() >= 4 && lower.contains(name)) {
            return Err(FieldError::new(
                IssueCode::WeakPassword,
                "a password is not the email address, nor holds its name part",
            ));
        }
    }
    if pw.chars().all(|c| pw.starts_with(c)) {
        return Err(FieldError::new(
            IssueCode::WeakPassword,
            "a password is not one character repeated",
        ));
    }
    Ok(())
}

macro_rules! text_type {
    ($(#[$doc:meta])* $name:ident, $rule:expr) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
        #[serde(transparent)]
        pub struct $name(String);

        impl $name {
            pub const RULE: TextRule = $rule;

            pub fn parse(raw: &str) -> Result<$name, FieldError> {
                Self::RULE.check(raw).map(|v| $name(v.to_owned()))
            }

            /// A value the validator has already checked (trimmed, within the rule).
            pub(crate) fn checked(v: &str) -> $name {
                debug_assert!(Self::RULE.check(v).is_ok(), "{v:?}");
                $name(v.to_owned())
            }

            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = String::deserialize(d)?;
                $name::parse(&s).map_err(FieldError::de)
            }
        }

        impl TryFrom<&str> for $name {
            type Error = FieldError;
            fn try_from(raw: &str) -> Result<$name, FieldError> {
                $name::parse(raw)
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl std::ops::Deref for $name {
            type Target = str;
            fn deref(&self) -> &str {
                &self.0
            }
        }

        impl PartialEq<str> for $name {
            fn eq(&self, other: &str) -> bool {
                self.0 == other
            }
        }

        impl PartialEq<&str> for $name {
            fn eq(&self, other: &&str) -> bool {
                self.0 == *other
            }
        }
    };
}

text_type!(
    /// A first, middle or last name: 1–100 characters on one line.
    Name,
    TextRule::NAME
);
text_type!(
    /// A school's SIS code: 1–255 characters on one line.
    SchoolCode,
    TextRule::SCHOOL
);
text_type!(
    /// The scope a user belongs to (the file or sync that manages it): 1–255 characters.
    Scope,
    TextRule::SCOPE
);
text_type!(
    /// A state or alternate id: 1–255 characters on one line.
    Text,
    TextRule::TEXT
);

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn each_text_type_keeps_only_valid_values_and_says_why_with_a_code() {
        assert_eq!(
            Name::parse("  Ann ").map(|n| n.to_string()),
            Ok("Ann".into())
        );
        let code = |r: Result<Name, FieldError>| r.err().map(|e| e.code);
        assert_eq!(code(Name::parse(" ")), Some(IssueCode::MissingRequired));
        assert_eq!(code(Name::parse(&"é".repeat(100))), None);
        assert_eq!(
            code(Name::parse(&"é".repeat(101))),
            Some(IssueCode::TooLong)
        );
        assert_eq!(code(Name::parse("A\nB")), Some(IssueCode::ControlCharacter));
        assert!(SchoolCode::parse(&"1".repeat(255)).is_ok());
        assert!(SchoolCode::parse(&"1".repeat(256)).is_err());
    }

    #[test]
    fn a_chosen_password_is_long_enough_and_not_the_email() {
        let code = |pw: &str| {
            check_new_password(pw, Some("Ann.Lee@d.org"))
                .err()
                .map(|e| e.code)
        };
        assert_eq!(code("correct horse battery"), None);
        assert_eq!(code("short pw"), Some(IssueCode::WeakPassword));
        assert_eq!(code("ann.lee@d.org"), Some(IssueCode::WeakPassword));
        assert_eq!(code("my ann.lee password"), Some(IssueCode::WeakPassword));
        assert_eq!(code("aaaaaaaaaaaaaaaa"), Some(IssueCode::WeakPassword));
        assert_eq!(code(&"p".repeat(300)), Some(IssueCode::TooLong));
        assert_eq!(
            code("correct\nhorse battery"),
            Some(IssueCode::ControlCharacter)
        );
    }

    /// The code survives serde, which keeps only an error's text.
    #[test]
    fn a_deserialization_error_keeps_the_code() {
        let e = serde_json::from_str::<Vec<Scope>>(r#"["a", "b\u0007"]"#)
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert_eq!(
            FieldError::code_in(&e),
            Some(IssueCode::ControlCharacter),
            "{e}"
        );
        assert_eq!(FieldError::code_in("expected a string at line 1"), None);
        assert_eq!(FieldError::code_in("x [not_a_code]"), None);
    }
}
