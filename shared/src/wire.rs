//! The change request: the only thing that travels from the browser to the server. Versioned,
//! typed (every value is a domain type, so a request that deserializes holds only valid
//! values), and field-level: unmapped columns never leave the browser.

use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::fields::Field;
use crate::plan::{Change, Secret, UserData, UserId};

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
    #[serde(default)]
    pub guard: GuardLimits,
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
    pub scope: String,
    /// Every scope the file covers: the archive rule applies to each.
    pub scopes: Vec<String>,
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
}

#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum WireError {
    #[error("change request schema version {found} is not supported (this server accepts version {supported}); reload the page")]
    UnsupportedVersion { found: u64, supported: u32 },
    #[error("the change request is not valid: {0}")]
    Invalid(String),
}

impl WireError {
    pub fn code(&self) -> &'static str {
        match self {
            WireError::UnsupportedVersion { .. } => "unsupported_version",
            WireError::Invalid(_) => "invalid_change_request",
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
        serde_json::from_slice(bytes).map_err(|e| WireError::Invalid(e.to_string()))
    }

    pub fn to_json(&self) -> Vec<u8> {
        serde_json::to_vec(self).unwrap_or_default()
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

    #[test]
    fn invalid_values_do_not_deserialize() {
        let bad_email = br#"{"version":1,"district":"d","scope":"s","scopes":["s"],"base_revision":0,"mapped":[],
            "creates":[{"row":2,"data":{"district_id":"1","email":"nope","first_name":"A","last_name":"B","middle_name":null,
            "role":"student","grade":"05","school":"101","state_id":null,"alt_id":null,"limited_english":null,
            "econ_disadvantaged":null,"scope":"s"}}],"updates":[],"archives":[],"restores":[]}"#;
        assert!(
            matches!(ChangeRequest::from_json(bad_email), Err(WireError::Invalid(m)) if m.contains("not an email"))
        );
    }
}
