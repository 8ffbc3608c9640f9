//! The change request: the only thing that travels from the browser to the server. Versioned,
//! typed (every value is a domain type, so a request that deserializes holds only valid
//! values), and field-level: unmapped columns never leave the browser.

use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::error_code::ErrorCode;
use crate::fields::{longer_than, Field, FieldError, Scope, MAX_PASSWORD};
use crate::issue_code::IssueCode;
use crate::user::{Change, Secret, SyncName, UserData, UserId};

/// The schema version this build writes and accepts.
pub const SCHEMA_VERSION: u32 = 1;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Conflict {
    /// The file overwrites what the roster has.
    #[default]
    ImportedWins,
    /// Only empty fields are filled.
    ExistingWins,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PasswordPolicy {
    /// Passwords in the file are set for new users only.
    #[default]
    Keep,
    /// Passwords in the file replace existing ones.
    Overwrite,
}

/// The mass-archive guard: archiving more than `percent`% of a scope's active users, and more
/// than `min` users, needs an explicit confirmation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct GuardLimits {
    pub percent: u32,
    pub min: u32,
}

impl Default for GuardLimits {
    fn default() -> Self {
        GuardLimits {
            percent: 10,
            min: 5,
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Options {
    #[serde(default)]
    pub conflict: Conflict,
    #[serde(default)]
    pub passwords: PasswordPolicy,
    /// Add every user of the file to this group.
    #[serde(default)]
    pub group: Option<i64>,
    /// Email new staff a set-password link.
    #[serde(default)]
    pub email_new_staff: bool,
    /// Apply at this time (RFC 3339) instead of now.
    #[serde(default)]
    pub apply_at: Option<String>,
    /// The district's mass-archive policy, for the planner. Never part of a change request:
    /// the server sets it from the district's settings and decides whether a request trips it.
    #[serde(skip)]
    pub guard: GuardLimits,
    /// The sync the caller's token speaks for: its users are its own to change and archive,
    /// and the users it creates or updates become its own. Never part of a change request
    /// either: the server sets it from the caller.
    #[serde(skip)]
    pub source: Option<SyncName>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewUser {
    /// The file's row, for messages.
    pub row: u32,
    pub data: UserData,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub password: Option<Secret>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserUpdate {
    pub id: UserId,
    pub row: u32,
    pub changes: Vec<Change>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ArchiveReason {
    /// Active in a scope the file covers, and not in the file.
    Missing,
    /// In the file with a status that is not active.
    Inactive,
    /// An admin archived the user from its page.
    Manual,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Archive {
    pub id: UserId,
    pub reason: ArchiveReason,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChangeRequest {
    pub version: u32,
    /// The district's short name.
    pub district: String,
    /// The upload's scope (rows without a scope value belong to it).
    pub scope: Scope,
    /// Every scope the file covers: the archive rule applies to each.
    pub scopes: Vec<Scope>,
    /// The roster revision the plan was computed against.
    pub base_revision: u64,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub options: Options,
    /// The fields the file carries (a field not listed is left as it is).
    pub mapped: Vec<Field>,
    /// The admin confirmed a tripped mass-archive guard.
    #[serde(default)]
    pub acknowledged_guard: bool,
    pub creates: Vec<NewUser>,
    pub updates: Vec<UserUpdate>,
    pub archives: Vec<Archive>,
    pub restores: Vec<UserId>,
    /// With `options.group`: the existing users the file names (every user of the file is
    /// added to the group; new users are added as they are created).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub members: Vec<UserId>,
    /// "Keep active" turned on or off (an admin's edit on a user's page).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub keep_active: Vec<KeepActive>,
    /// Updates that are a create and an archive recognised as the same person.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub merges: Vec<Merge>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SamePersonReason {
    /// `00123` in the roster, `123` in the file (or the other way round).
    LeadingZeros,
    /// No district id on either side; first name, last name and school match; the email
    /// changed.
    EmailChanged,
}

/// A create and an archive turned into an update of the existing user: the update of `id`
/// (from the file's row `row`) is accepted only where `reason`'s rule holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Merge {
    pub id: UserId,
    pub row: u32,
    pub reason: SamePersonReason,
}

/// A user's "keep active" flag, as a request sets it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KeepActive {
    pub id: UserId,
    pub keep_active: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum WireError {
    #[error("change request schema version {found} is not supported (this server accepts version {supported}); reload the page")]
    UnsupportedVersion { found: u64, supported: u32 },
    #[error("the change request is not valid: {0}")]
    Invalid(String),
    /// A value that its field's type refuses, with the code the browser's validation gives it.
    #[error("the change request holds an invalid value: {message}")]
    InvalidValue { issue: IssueCode, message: String },
}

impl WireError {
    /// A serde error, kept typed when a field's type refused a value.
    fn of(e: serde_json::Error) -> WireError {
        let message = e.to_string();
        match FieldError::code_in(&message) {
            Some(issue) => WireError::InvalidValue { issue, message },
            None => WireError::Invalid(message),
        }
    }

    /// The validator's code for the fault, when it is a value's.
    pub fn issue(&self) -> Option<IssueCode> {
        match self {
            WireError::InvalidValue { issue, .. } => Some(*issue),
            _ => None,
        }
    }
}

/// Why a request could not be sealed.
#[derive(Debug, Error)]
pub enum SealError<E> {
    #[error("row {row}: the password is longer than {MAX_PASSWORD} characters")]
    PasswordTooLong { row: u32 },
    #[error("a password is already hashed or redacted: only passwords as typed are accepted")]
    NotClear,
    #[error("hashing a password failed: {0}")]
    Hash(E),
}

/// A change request whose passwords are hashed: the only form the server writes down (the
/// import's history, a scheduled import waiting for its time). It can only be made by
/// [`SealedRequest::seal`] or read back by [`SealedRequest::from_stored_json`], both of which
/// refuse a password as typed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SealedRequest(ChangeRequest);

impl std::ops::Deref for SealedRequest {
    type Target = ChangeRequest;
    fn deref(&self) -> &ChangeRequest {
        &self.0
    }
}

impl SealedRequest {
    /// The sync the request is applied for (read back from the import, not the stored JSON).
    pub fn set_source(&mut self, source: Option<SyncName>) {
        self.0.options.source = source;
    }

    /// Hashes every password (each checked for length first, so no unbounded input reaches the
    /// hash).
    pub fn seal<E>(
        mut req: ChangeRequest,
        mut hash: impl FnMut(&str) -> Result<String, E>,
    ) -> Result<SealedRequest, SealError<E>> {
        for (row, s) in req.secrets_mut() {
            let Secret::Clear(p) = s else {
                return Err(SealError::NotClear);
            };
            if longer_than(p, MAX_PASSWORD) {
                return Err(SealError::PasswordTooLong { row });
            }
            *s = Secret::Hashed(hash(p).map_err(SealError::Hash)?);
        }
        Ok(SealedRequest(req))
    }

    /// Reads a stored request back; one holding a password as typed is refused.
    pub fn from_stored_json(bytes: &[u8]) -> Result<SealedRequest, WireError> {
        let mut req: ChangeRequest =
            serde_json::from_slice(bytes).map_err(|e| WireError::Invalid(e.to_string()))?;
        if req.secrets_mut().any(|(_, s)| s.is_clear()) {
            return Err(WireError::Invalid(
                "a stored request holds a password as typed".into(),
            ));
        }
        Ok(SealedRequest(req))
    }

    /// The same request with every password replaced by [`Secret::Redacted`].
    pub fn redacted(&self) -> SealedRequest {
        let mut req = self.0.clone();
        for (_, s) in req.secrets_mut() {
            *s = Secret::Redacted;
        }
        SealedRequest(req)
    }

    pub fn to_json(&self) -> Result<String, serde_json::Error> {
        serde_json::to_string(&self.0)
    }
}

impl WireError {
    pub fn code(&self) -> ErrorCode {
        match self {
            WireError::UnsupportedVersion { .. } => ErrorCode::UnsupportedVersion,
            WireError::Invalid(_) => ErrorCode::InvalidChangeRequest,
            WireError::InvalidValue { .. } => ErrorCode::InvalidRecord,
        }
    }
}

impl ChangeRequest {
    /// Parses a change request, checking its version before anything else so that a request
    /// from a newer or older client is refused with a clear message, not a field error.
    pub fn from_json(bytes: &[u8]) -> Result<ChangeRequest, WireError> {
        #[derive(Deserialize)]
        struct Probe {
            version: Option<u64>,
        }
        let probe: Probe =
            serde_json::from_slice(bytes).map_err(|e| WireError::Invalid(e.to_string()))?;
        match probe.version {
            Some(v) if v == u64::from(SCHEMA_VERSION) => {}
            Some(found) => {
                return Err(WireError::UnsupportedVersion {
                    found,
                    supported: SCHEMA_VERSION,
                })
            }
            None => return Err(WireError::Invalid("missing field `version`".into())),
        }
        let mut req: ChangeRequest = serde_json::from_slice(bytes).map_err(WireError::of)?;
        if req.secrets_mut().any(|(_, s)| !s.is_clear()) {
            return Err(WireError::Invalid(
                "a password must be sent as typed (the server hashes it), not hashed".into(),
            ));
        }
        Ok(req)
    }

    pub fn to_json(&self) -> Result<Vec<u8>, serde_json::Error> {
        serde_json::to_vec(self)
    }

    /// Every password of the request, with its file row.
    pub fn secrets_mut(&mut self) -> impl Iterator<Item = (u32, &mut Secret)> {
        let creates = self
            .creates
            .iter_mut()
            .filter_map(|c| Some((c.row, c.password.as_mut()?)));
        let updates = self.updates.iter_mut().flat_map(|u| {
            let row = u.row;
            u.changes.iter_mut().filter_map(move |c| match c {
                Change::Password(s) => Some((row, s)),
                _ => None,
            })
        });
        creates.chain(updates)
    }
}

#[cfg(test)]
mod tests {
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    use super::*;

    #[test]
    fn unknown_versions_are_refused_clearly() {
        let e = ChangeRequest::from_json(br#"{"version": 7, "whatever": true}"#);
        assert_eq!(
            e,
            Err(WireError::UnsupportedVersion {
                found: 7,
                supported: 1
            })
        );
        assert!(matches!(
            ChangeRequest::from_json(b"{}"),
            Err(WireError::Invalid(_))
        ));
        assert!(matches!(
            ChangeRequest::from_json(b"[1,2"),
            Err(WireError::Invalid(_))
        ));
    }

    fn with_password(p: &str) -> ChangeRequest {
        let json = format!(
            r#"{{"version":1,"district":"d","scope":"s","scopes":["s"],"base_revision":0,"mapped":[],
            "creates":[{{"row":2,"data":{{"district_id":"1","email":null,"first_name":"A","last_name":"B","middle_name":null,
            "role":"student","grade":"05","school":"101","state_id":null,"alt_id":null,"limited_english":null,
            "econ_disadvantaged":null,"scope":"s"}},"password":{p}}}],
            "updates":[{{"id":7,"row":3,"changes":[{{"password":{p}}}]}}],"archives":[],"restores":[]}}"#
        );
        ChangeRequest::from_json(json.as_bytes()).unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn sealing_hashes_every_password_and_nothing_typed_is_written() {
        let req = with_password(r#""hunter2-typed""#);
        let sealed = SealedRequest::seal(req, |p| Ok::<_, ()>(format!("H({})", p.len()))).unwrap();
        let json = sealed.to_json().unwrap();
        assert!(!json.contains("hunter2-typed"), "{json}");
        assert_eq!(json.matches(r#"{"hash":"H(13)"}"#).count(), 2, "{json}");
        // Read back as stored: fine. As a client's request: refused (a hash is not a password).
        let back = SealedRequest::from_stored_json(json.as_bytes()).unwrap();
        assert_eq!(back, sealed);
        assert!(ChangeRequest::from_json(json.as_bytes()).is_err());
        let red = sealed.redacted().to_json().unwrap();
        assert_eq!(red.matches(r#"{"redacted":true}"#).count(), 2, "{red}");
        assert!(!red.contains("H(13)"));
        // A stored request with a typed password is refused.
        let clear = serde_json::to_string(&with_password(r#""x""#)).unwrap();
        assert!(SealedRequest::from_stored_json(clear.as_bytes()).is_err());
    }

    #[test]
    fn a_password_over_the_limit_is_refused_before_hashing() {
        let long = "p".repeat(MAX_PASSWORD + 1);
        // Sent, it does not even deserialize: the validator's code says why.
        let json = String::from_utf8(with_password(r#""x""#).to_json().unwrap()).unwrap();
        let json = json.replace(r#""password":"x""#, &format!(r#""password":"{long}""#));
        assert_eq!(
            ChangeRequest::from_json(json.as_bytes())
                .err()
                .and_then(|e| e.issue()),
            Some(IssueCode::TooLong)
        );
        // Built in code, it is refused before any hashing.
        let mut req = with_password(r#""x""#);
        for (_, s) in req.secrets_mut() {
            *s = Secret::Clear(long.clone());
        }
        let mut hashed = 0;
        let r = SealedRequest::seal(req, |_| {
            hashed += 1;
            Ok::<_, ()>(String::new())
        });
        assert!(matches!(r, Err(SealError::PasswordTooLong { row: 2 })));
        assert_eq!(hashed, 0);
    }

    #[test]
    fn the_guard_never_travels_in_a_request() {
        let mut req = with_password(r#""x""#);
        req.options.guard = GuardLimits {
            percent: 100,
            min: 1_000_000,
        };
        let json = String::from_utf8(req.to_json().unwrap()).unwrap();
        assert!(!json.contains("1000000"), "{json}");
        let sent = json.replace(
            r#""options":{"#,
            r#""options":{"guard":{"percent":100,"min":1000000},"#,
        );
        assert!(sent.contains("1000000"));
        assert_eq!(
            ChangeRequest::from_json(sent.as_bytes())
                .unwrap()
                .options
                .guard,
            GuardLimits::default()
        );
    }

    #[test]
    fn invalid_values_do_not_deserialize() {
        let bad_email = br#"{"version":1,"district":"d","scope":"s","scopes":["s"],"base_revision":0,"mapped":[],
            "creates":[{"row":2,"data":{"district_id":"1","email":"nope","first_name":"A","last_name":"B","middle_name":null,
            "role":"student","grade":"05","school":"101","state_id":null,"alt_id":null,"limited_english":null,
            "econ_disadvantaged":null,"scope":"s"}}],"updates":[],"archives":[],"restores":[]}"#;
        assert!(matches!(
            ChangeRequest::from_json(bad_email),
            Err(WireError::InvalidValue { issue: IssueCode::InvalidEmail, message }) if message.contains("not an email")
        ));
    }
}
