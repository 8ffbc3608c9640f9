//! The user model beneath the planner and the wire: ids, a user's data, a change to it, the
//! roster. The one place that says how a change alters a user ([`UserData::apply`]), so the browser's preview, the server's verification and
//! the pure [`Roster::apply`] used by the tests cannot disagree.

use serde::{Deserialize, Serialize};

use crate::fields::{
    Email, Field, FieldError, Grade, Name, Role, SchoolCode, Scope, SisId, Text, TextRule,
};

/// A user's id in the database.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct UserId(pub i64);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UserStatus {
    Active,
    Archived,
}

/// A password in a change request. Never printed; never stored as typed.
///
/// A client sends `Clear` (a JSON string). Before anything of a request is written, the server
/// seals it (`wire::SealedRequest`): every `Clear` becomes `Hashed` (an argon2 PHC
/// string, `{"hash": "…"}`), which is all a scheduled import needs when its time comes.
/// `Redacted` (`{"redacted": true}`) stands where a stored request's password was scrubbed: the
/// history still says a password was set, and nothing can apply it.
#[derive(Clone, PartialEq, Eq)]
pub enum Secret {
    Clear(String),
    Hashed(String),
    Redacted,
}

impl Secret {
    /// The password as typed (for the planner's and the tests' use; the server hashes it).
    pub fn clear(p: impl Into<String>) -> Secret {
        Secret::Clear(p.into())
    }
    pub fn is_clear(&self) -> bool {
        matches!(self, Secret::Clear(_))
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Secret::Clear(_) => "Secret(***)",
            Secret::Hashed(_) => "Secret(hashed)",
            Secret::Redacted => "Secret(redacted)",
        })
    }
}

#[derive(Serialize, Deserialize)]
#[serde(untagged)]
enum SecretRepr {
    Clear(String),
    Hashed { hash: String },
    Redacted { redacted: bool },
}

impl Serialize for Secret {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Secret::Clear(p) => SecretRepr::Clear(p.clone()),
            Secret::Hashed(h) => SecretRepr::Hashed { hash: h.clone() },
            Secret::Redacted => SecretRepr::Redacted { redacted: true },
        }
        .serialize(s)
    }
}

impl<'de> Deserialize<'de> for Secret {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(match SecretRepr::deserialize(d)? {
            SecretRepr::Clear(p) => Secret::Clear(
                TextRule::PASSWORD
                    .check(&p)
                    .map_err(FieldError::de)?
                    .to_owned(),
            ),
            SecretRepr::Hashed { hash } => Secret::Hashed(hash),
            SecretRepr::Redacted { redacted: true } => Secret::Redacted,
            SecretRepr::Redacted { redacted: false } => {
                return Err(serde::de::Error::custom(
                    "a password that is not redacted needs a value",
                ))
            }
        })
    }
}

/// Every managed field of a user.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserData {
    /// The SIS's id of the user (`district_id` in files and on the wire).
    #[serde(rename = "district_id")]
    pub sis_id: Option<SisId>,
    pub email: Option<Email>,
    pub first_name: Name,
    pub last_name: Name,
    pub middle_name: Option<Name>,
    pub role: Role,
    pub grade: Option<Grade>,
    /// SIS code of the school.
    pub school: SchoolCode,
    pub state_id: Option<Text>,
    pub alt_id: Option<Text>,
    pub limited_english: Option<bool>,
    pub econ_disadvantaged: Option<bool>,
    pub scope: Scope,
}

/// One field's new value, typed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Change {
    #[serde(rename = "district_id")]
    SisId(Option<SisId>),
    Email(Option<Email>),
    FirstName(Name),
    LastName(Name),
    MiddleName(Option<Name>),
    Role(Role),
    Grade(Option<Grade>),
    School(SchoolCode),
    StateId(Option<Text>),
    AltId(Option<Text>),
    LimitedEnglish(Option<bool>),
    EconDisadvantaged(Option<bool>),
    Scope(Scope),
    Password(Secret),
}

impl Change {
    /// The change that sets field `f` to `text` as a person typed it (a form on the user's
    /// page): read by the field's own type, as a change request's value is (blank: no value,
    /// which a required field refuses). Yes/no fields take `Y`/`N`; a password or a status is
    /// not a field change.
    pub fn from_text(f: Field, text: &str) -> Result<Change, FieldError> {
        let t = text.trim();
        let value = match f {
            Field::Password | Field::Status => {
                return Err(FieldError::new(
                    crate::issue_code::IssueCode::InvalidFileValue,
                    format!("{} is not changed on this page", f.label()),
                ))
            }
            _ if t.is_empty() => serde_json::Value::Null,
            Field::LimitedEnglish | Field::EconDisadvantaged => {
                match crate::fields::parse_bool(t) {
                    Ok(Some(b)) => serde_json::Value::Bool(b),
                    Ok(None) => serde_json::Value::Null,
                    Err(e) => {
                        return Err(FieldError::new(
                            crate::issue_code::IssueCode::InvalidBoolean,
                            e.to_string(),
                        ))
                    }
                }
            }
            _ => serde_json::Value::String(t.to_owned()),
        };
        let mut one = serde_json::Map::new();
        one.insert(f.name().to_owned(), value);
        serde_json::from_value(serde_json::Value::Object(one)).map_err(|e| {
            let text = e.to_string();
            let code =
                FieldError::code_in(&text).unwrap_or(crate::issue_code::IssueCode::MissingRequired);
            let message = match text.rfind(" [") {
                Some(at) => text[..at].to_owned(),
                None => format!("{} needs a value", f.label()),
            };
            FieldError::new(code, message)
        })
    }

    pub fn field(&self) -> Field {
        match self {
            Change::SisId(_) => Field::SisId,
            Change::Email(_) => Field::Email,
            Change::FirstName(_) => Field::FirstName,
            Change::LastName(_) => Field::LastName,
            Change::MiddleName(_) => Field::MiddleName,
            Change::Role(_) => Field::Role,
            Change::Grade(_) => Field::Grade,
            Change::School(_) => Field::School,
            Change::StateId(_) => Field::StateId,
            Change::AltId(_) => Field::AltId,
            Change::LimitedEnglish(_) => Field::LimitedEnglish,
            Change::EconDisadvantaged(_) => Field::EconDisadvantaged,
            Change::Scope(_) => Field::Scope,
            Change::Password(_) => Field::Password,
        }
    }
}

fn yn(b: Option<bool>) -> Option<String> {
    b.map(|b| if b { "Y" } else { "N" }.to_owned())
}

impl UserData {
    /// A field's value as text (as the master CSV writes it); passwords are never shown.
    pub fn display(&self, f: Field) -> Option<String> {
        match f {
            Field::SisId => self.sis_id.as_ref().map(|d| d.as_str().to_owned()),
            Field::Email => self.email.as_ref().map(|e| e.as_str().to_owned()),
            Field::FirstName => Some(self.first_name.to_string()),
            Field::LastName => Some(self.last_name.to_string()),
            Field::MiddleName => self.middle_name.as_ref().map(Name::to_string),
            Field::Role => Some(self.role.as_str().to_owned()),
            Field::Grade => self.grade.map(|g| g.as_str().to_owned()),
            Field::School => Some(self.school.to_string()),
            Field::StateId => self.state_id.as_ref().map(Text::to_string),
            Field::AltId => self.alt_id.as_ref().map(Text::to_string),
            Field::LimitedEnglish => yn(self.limited_english),
            Field::EconDisadvantaged => yn(self.econ_disadvantaged),
            Field::Scope => Some(self.scope.to_string()),
            Field::Status | Field::Password => None,
        }
    }

    /// The change that would set field `f` to `other`'s value.
    pub fn change_to(&self, other: &UserData, f: Field) -> Option<Change> {
        let c = match f {
            Field::SisId => Change::SisId(other.sis_id.clone()),
            Field::Email => Change::Email(other.email.clone()),
            Field::FirstName => Change::FirstName(other.first_name.clone()),
            Field::LastName => Change::LastName(other.last_name.clone()),
            Field::MiddleName => Change::MiddleName(other.middle_name.clone()),
            Field::Role => Change::Role(other.role),
            Field::Grade => Change::Grade(other.grade),
            Field::School => Change::School(other.school.clone()),
            Field::StateId => Change::StateId(other.state_id.clone()),
            Field::AltId => Change::AltId(other.alt_id.clone()),
            Field::LimitedEnglish => Change::LimitedEnglish(other.limited_english),
            Field::EconDisadvantaged => Change::EconDisadvantaged(other.econ_disadvantaged),
            Field::Scope => Change::Scope(other.scope.clone()),
            Field::Status | Field::Password => return None,
        };
        Some(c)
    }

    /// Is field `f` empty (for "existing record wins": only empty fields are filled)?
    pub fn is_empty(&self, f: Field) -> bool {
        self.display(f).is_none_or(|v| v.is_empty())
    }

    pub fn apply(&mut self, c: &Change) {
        match c {
            Change::SisId(v) => self.sis_id = v.clone(),
            Change::Email(v) => self.email = v.clone(),
            Change::FirstName(v) => self.first_name = v.clone(),
            Change::LastName(v) => self.last_name = v.clone(),
            Change::MiddleName(v) => self.middle_name = v.clone(),
            Change::Role(v) => self.role = *v,
            Change::Grade(v) => self.grade = *v,
            Change::School(v) => self.school = v.clone(),
            Change::StateId(v) => self.state_id = v.clone(),
            Change::AltId(v) => self.alt_id = v.clone(),
            Change::LimitedEnglish(v) => self.limited_english = *v,
            Change::EconDisadvantaged(v) => self.econ_disadvantaged = *v,
            Change::Scope(v) => self.scope = v.clone(),
            Change::Password(_) => {}
        }
    }

    /// The key people see: the district id, or the email when the district id is blank.
    pub fn key(&self) -> String {
        match (&self.sis_id, &self.email) {
            (Some(d), _) => d.as_str().to_owned(),
            (None, Some(e)) => e.as_str().to_owned(),
            (None, None) => String::new(),
        }
    }
}

/// The syncs a token may name: the users its imports create or update belong to it, and files
/// uploaded by admins leave them alone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum SyncName {
    Clever,
    ClassLink,
    #[serde(rename = "Securly Sync")]
    SecurlySync,
    OneRoster,
}

impl SyncName {
    pub const ALL: [SyncName; 4] = [
        SyncName::Clever,
        SyncName::ClassLink,
        SyncName::SecurlySync,
        SyncName::OneRoster,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            SyncName::Clever => "Clever",
            SyncName::ClassLink => "ClassLink",
            SyncName::SecurlySync => "Securly Sync",
            SyncName::OneRoster => "OneRoster",
        }
    }

    pub fn parse(s: &str) -> Option<SyncName> {
        SyncName::ALL.into_iter().find(|x| x.as_str() == s)
    }

    /// A sync as the database keeps it (a token's, an import's): none, or a known name; any
    /// other text was put there by hand and is an error (its text), never "no sync".
    pub fn from_stored(s: Option<&str>) -> Result<Option<SyncName>, String> {
        s.map(|s| SyncName::parse(s).ok_or_else(|| s.to_owned()))
            .transpose()
    }
}

impl RosterUser {
    /// The sync that owns the user, when it is not `source` (the caller's own sync): a user
    /// that such a caller may not change, restore or archive.
    pub fn owned_by_other(&self, source: Option<SyncName>) -> Option<&str> {
        self.managed_by
            .as_deref()
            .filter(|m| source.is_none_or(|s| s.as_str() != *m))
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RosterUser {
    pub id: UserId,
    pub data: UserData,
    pub status: UserStatus,
    /// The sync that owns the user (`Clever`, `ClassLink`, …); `None` for users from files.
    pub managed_by: Option<String>,
    /// "Prevent archive": never archived for being missing from a file (the admin's choice).
    #[serde(default)]
    pub keep_active: bool,
}

/// The district's current users, at a revision.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Roster {
    pub revision: u64,
    pub users: Vec<RosterUser>,
}
