//! What the console's user page and tokens page ask and answer: a user in full, an admin's
//! edit of it, its history field by field, and the district's API tokens.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::api::{GroupInfo, ImportStatus};
use crate::fields::{Field, Text};
pub use crate::user::SyncName;
use crate::user::{Change, UserData, UserId, UserStatus};

/// `GET /api/users/{id}`: every field, and what the console adds to it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserDetail {
    pub id: UserId,
    pub data: UserData,
    pub status: UserStatus,
    /// The sync that owns the user (`None`: files and admins manage them).
    pub managed_by: Option<String>,
    pub keep_active: bool,
    /// A password is set (never the password or its hash).
    pub has_password: bool,
    pub groups: Vec<GroupInfo>,
    /// Milliseconds since the epoch.
    pub updated_at: i64,
    /// The district's roster revision this was read at: an edit sends it as `If-Match`.
    pub revision: u64,
}

/// `PATCH /api/users/{id}`'s body: field changes (typed as a file row's are, so the same rules
/// hold), the "keep active" flag, or both. A password is never set here: the person chooses
/// it through a set-password link.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UserPatch {
    #[serde(default)]
    pub changes: Vec<Change>,
    #[serde(default)]
    pub keep_active: Option<bool>,
}

/// What one import did to one user.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UserAction {
    Created,
    Updated,
    Archived,
    Restored,
    /// "Keep active" turned on or off.
    KeepActive,
}

impl UserAction {
    /// The word an import's change row stores.
    pub fn from_stored(s: &str) -> Option<UserAction> {
        Some(match s {
            "update" => UserAction::Updated,
            "archive" => UserAction::Archived,
            "restore" => UserAction::Restored,
            "keep_active" => UserAction::KeepActive,
            _ => return None,
        })
    }
}

/// One import (or manual edit) that touched a user, field by field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserEvent {
    pub import: i64,
    /// `upload`, `api`, `cli`, `manual`…
    #[serde(rename = "type")]
    pub kind: String,
    pub status: ImportStatus,
    pub submitted_by: String,
    /// Milliseconds since the epoch.
    pub at: i64,
    pub actions: Vec<UserAction>,
    /// Field name → [old, new] as text; the status and the flag too (`status`, `keep_active`).
    pub changes: BTreeMap<String, [Option<String>; 2]>,
}

/// `GET /api/users/{id}/history`: newest first.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserHistory {
    pub events: Vec<UserEvent>,
}

/// A user's state as history compares it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserState {
    pub data: UserData,
    pub status: UserStatus,
    pub keep_active: bool,
}

fn status_text(s: UserStatus) -> String {
    match s {
        UserStatus::Active => "active",
        UserStatus::Archived => "archived",
    }
    .to_owned()
}

/// Field by field, what changed from `before` (`None`: the user did not exist) to `after`.
pub fn diff(
    before: Option<&UserState>,
    after: &UserState,
) -> BTreeMap<String, [Option<String>; 2]> {
    let mut out = BTreeMap::new();
    for f in Field::ALL {
        let old = before.and_then(|b| b.data.display(f));
        let new = after.data.display(f);
        if f != Field::Status && f != Field::Password && old != new {
            out.insert(f.name().to_owned(), [old, new]);
        }
    }
    let old = before.map(|b| status_text(b.status));
    if old.as_deref() != Some(&status_text(after.status)) {
        out.insert("status".into(), [old, Some(status_text(after.status))]);
    }
    if before.is_some_and(|b| b.keep_active != after.keep_active) {
        let yes = |b: bool| Some(if b { "yes" } else { "no" }.to_owned());
        out.insert(
            "keep_active".into(),
            [yes(!after.keep_active), yes(after.keep_active)],
        );
    }
    out
}

/// A district's API token as its page lists it (never its secret).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenInfo {
    pub id: i64,
    pub name: String,
    pub sync: Option<SyncName>,
    /// Milliseconds since the epoch.
    pub created_at: i64,
    pub last_used_at: Option<i64>,
    pub expires_at: Option<i64>,
}

/// `POST /api/tokens`'s body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewToken {
    pub name: Text,
    #[serde(default)]
    pub sync: Option<SyncName>,
    /// Days until it stops working (1–3650); `None`: until it is revoked.
    #[serde(default)]
    pub expires_in_days: Option<u16>,
}

/// `POST /api/tokens`'s answer: the secret, shown this once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreatedToken {
    pub token: TokenInfo,
    pub secret: String,
}

#[cfg(test)]
mod tests {
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    use super::*;
    use crate::fields::Email;

    #[test]
    fn a_diff_lists_what_changed_and_nothing_else() {
        let json = r#"{"district_id":"1001","email":"a@x.org","first_name":"Ann",
            "last_name":"Lee","middle_name":null,"role":"student","grade":"03","school":"100",
            "state_id":null,"alt_id":null,"limited_english":null,"econ_disadvantaged":null,
            "scope":"students"}"#;
        let Ok(mut data) = serde_json::from_str::<UserData>(json) else {
            panic!("the sample user reads");
        };
        let before = UserState {
            data: data.clone(),
            status: UserStatus::Active,
            keep_active: false,
        };
        data.email = Email::parse("new@x.org").ok();
        let after = UserState {
            data,
            status: UserStatus::Archived,
            keep_active: true,
        };
        let d = diff(Some(&before), &after);
        let keys: Vec<&str> = d.keys().map(String::as_str).collect();
        assert_eq!(keys, ["email", "keep_active", "status"]);
        assert_eq!(d["email"][1].as_deref(), Some("new@x.org"));
        assert_eq!(
            d["status"],
            [Some("active".into()), Some("archived".into())]
        );
        // A creation lists every field it set, with no old value.
        let created = diff(None, &before);
        assert!(created.values().all(|[old, _]| old.is_none()));
        assert!(created.contains_key("first_name") && created.contains_key("status"));
    }

    #[test]
    fn syncs_read_back_their_names() {
        for s in SyncName::ALL {
            assert_eq!(SyncName::parse(s.as_str()), Some(s));
            let json = serde_json::to_string(&s).unwrap_or_default();
            assert_eq!(json, format!("\"{}\"", s.as_str()));
        }
        assert_eq!(SyncName::parse("clever"), None);
    }
}
