//! The server's check of a change request against the roster as the server reads it: every
//! value re-validated by the same rules, and the request consistent with that roster. Typed
//! errors, never a panic.

use std::collections::{BTreeMap, BTreeSet};

use rustc_hash::{FxHashMap, FxHashSet};
use thiserror::Error;

use super::{Change, Guard, Roster, ScopeGuard, UserData, UserId, UserStatus};
use crate::error_code::ErrorCode;
use crate::fields::{Field, Scope};
use crate::issue_code::IssueCode;
use crate::map::SchoolDirectory;
use crate::wire::{ChangeRequest, GuardLimits, SCHEMA_VERSION};

#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum VerifyError {
    #[error("the roster changed since this plan was made (planned against revision {base}, now {current})")]
    Stale { base: u64, current: u64 },
    #[error("change request schema version {0} is not supported")]
    UnsupportedVersion(u32),
    #[error("user {0:?} does not exist in this district")]
    UnknownUser(UserId),
    #[error("user {0:?} appears more than once in the request")]
    UserTwice(UserId),
    #[error("user {0:?} is not active, so it cannot be archived")]
    NotActive(UserId),
    #[error("user {0:?} is not archived, so it cannot be restored")]
    NotArchived(UserId),
    #[error("user {id:?} is managed by {sync}; files cannot change it")]
    ManagedBySync { id: UserId, sync: String },
    #[error("user {0:?}: the merge's rule does not hold (not the same person by its reason)")]
    NotSamePerson(UserId),
    #[error("user {0:?} is marked \"keep active\": turn that off before archiving them")]
    KeepActive(UserId),
    #[error("user {id:?} is in scope `{scope}`, which this request does not cover")]
    OutOfScope { id: UserId, scope: String },
    #[error("row {row}: {message}")]
    InvalidRecord {
        row: u32,
        field: Option<Field>,
        /// The code the browser's validation gives the same fault.
        issue: IssueCode,
        message: String,
    },
    #[error("district ID `{0}` would belong to two users")]
    DuplicateDistrictId(String),
    #[error("email `{0}` would belong to two active users")]
    DuplicateEmail(String),
    #[error("this import archives {archives} of {active} active users: the mass-archive guard must be confirmed")]
    GuardNotAcknowledged { archives: u32, active: u32 },
}

impl VerifyError {
    /// The validator's code for the fault, when it is one row's.
    pub fn issue(&self) -> Option<IssueCode> {
        match self {
            VerifyError::InvalidRecord { issue, .. } => Some(*issue),
            VerifyError::DuplicateDistrictId(_) => Some(IssueCode::DuplicateDistrictId),
            VerifyError::DuplicateEmail(_) => Some(IssueCode::DuplicateEmail),
            _ => None,
        }
    }

    /// Stable codes for the API and the UI.
    pub fn code(&self) -> ErrorCode {
        match self {
            VerifyError::Stale { .. } => ErrorCode::StaleRevision,
            VerifyError::UnsupportedVersion(_) => ErrorCode::UnsupportedVersion,
            VerifyError::UnknownUser(_) => ErrorCode::UnknownUser,
            VerifyError::UserTwice(_) => ErrorCode::UserTwice,
            VerifyError::NotActive(_) => ErrorCode::NotActive,
            VerifyError::NotArchived(_) => ErrorCode::NotArchived,
            VerifyError::ManagedBySync { .. } => ErrorCode::ManagedBySync,
            VerifyError::KeepActive(_) => ErrorCode::KeepActive,
            VerifyError::NotSamePerson(_) => ErrorCode::NotSamePerson,
            VerifyError::OutOfScope { .. } => ErrorCode::OutOfScope,
            VerifyError::InvalidRecord { .. } => ErrorCode::InvalidRecord,
            VerifyError::DuplicateDistrictId(_) => ErrorCode::DuplicateDistrictId,
            VerifyError::DuplicateEmail(_) => ErrorCode::DuplicateEmail,
            VerifyError::GuardNotAcknowledged { .. } => ErrorCode::GuardNotAcknowledged,
        }
    }
}

/// The rules that span a user's fields, wherever the user comes from (a create, or a user after
/// its updates), as `validate` states them. Each value is valid by its type already (a request
/// that deserializes holds no blank name, no over-long text, no control character).
fn check_data(
    row: u32,
    d: &UserData,
    schools: Option<&SchoolDirectory>,
    grade_mapped: bool,
) -> Result<(), VerifyError> {
    let bad = |field: Field, issue: IssueCode, message: String| {
        Err(VerifyError::InvalidRecord {
            row,
            field: Some(field),
            issue,
            message,
        })
    };
    if d.sis_id.is_none() && d.email.is_none() {
        return bad(
            Field::SisId,
            IssueCode::MissingKey,
            "a user needs a district ID or an email".into(),
        );
    }
    if d.role.is_staff() && d.email.is_none() {
        return bad(
            Field::Email,
            IssueCode::EmailRequiredForStaff,
            format!("email is required for staff ({})", d.role.as_str()),
        );
    }
    if d.role.is_staff() && d.grade.is_some() {
        return bad(
            Field::Grade,
            IssueCode::InvalidGrade,
            "staff have no grade".into(),
        );
    }
    if grade_mapped && !d.role.is_staff() && d.grade.is_none() {
        return bad(
            Field::Grade,
            IssueCode::MissingGrade,
            "grade is blank for a student".into(),
        );
    }
    if let Some(dir) = schools {
        if dir.by_code(&d.school).is_none() {
            return bad(
                Field::School,
                IssueCode::UnknownSchool,
                format!("school `{}` is not one of the district's schools", d.school),
            );
        }
    }
    Ok(())
}

/// Two users that would share a key: `field` is `SisId` or `Email`; `None` is a user the
/// request creates.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyClash<'a> {
    pub field: Field,
    pub value: &'a str,
    pub users: [Option<UserId>; 2],
}

/// The rule every state of a district keeps, whoever makes it (an apply, a rollback, an edit):
/// a district id belongs to one user, and an email to one active user. The first clash, if any.
pub fn key_clash<'a>(
    users: impl IntoIterator<Item = (Option<UserId>, &'a UserData, UserStatus)>,
) -> Option<KeyClash<'a>> {
    let mut ids: FxHashMap<&str, Option<UserId>> = FxHashMap::default();
    let mut emails: FxHashMap<&str, Option<UserId>> = FxHashMap::default();
    for (id, d, status) in users {
        if let Some(k) = &d.sis_id {
            if let Some(other) = ids.insert(k.as_str(), id) {
                return Some(KeyClash {
                    field: Field::SisId,
                    value: k.as_str(),
                    users: [other, id],
                });
            }
        }
        if status == UserStatus::Active {
            if let Some(e) = &d.email {
                if let Some(other) = emails.insert(e.as_str(), id) {
                    return Some(KeyClash {
                        field: Field::Email,
                        value: e.as_str(),
                        users: [other, id],
                    });
                }
            }
        }
    }
    None
}

/// Verifies `req` against `roster` (the server's, at its current revision), the district's
/// schools and its mass-archive policy (`guard`: the district's, never the request's). `Ok`
/// means applying it leaves the roster consistent.
pub fn verify(
    req: &ChangeRequest,
    roster: &Roster,
    schools: Option<&SchoolDirectory>,
    guard: GuardLimits,
) -> Result<(), VerifyError> {
    if req.version != SCHEMA_VERSION {
        return Err(VerifyError::UnsupportedVersion(req.version));
    }
    if req.base_revision != roster.revision {
        return Err(VerifyError::Stale {
            base: req.base_revision,
            current: roster.revision,
        });
    }
    let index: FxHashMap<UserId, usize> = roster
        .users
        .iter()
        .enumerate()
        .map(|(i, u)| (u.id, i))
        .collect();
    let scopes: BTreeSet<&str> = req
        .scopes
        .iter()
        .map(Scope::as_str)
        .chain([req.scope.as_str()])
        .collect();
    let grade_mapped = req.mapped.contains(&Field::Grade);
    let lookup = |id: UserId| index.get(&id).copied().ok_or(VerifyError::UnknownUser(id));

    // Each user at most once among updates, and once among archives/restores.
    let mut seen = FxHashSet::default();
    for u in &req.updates {
        if !seen.insert(u.id) {
            return Err(VerifyError::UserTwice(u.id));
        }
    }
    let mut status_seen = FxHashSet::default();
    for id in req
        .archives
        .iter()
        .map(|a| a.id)
        .chain(req.restores.iter().copied())
    {
        if !status_seen.insert(id) {
            return Err(VerifyError::UserTwice(id));
        }
    }

    // The users as they will be after the request.
    let mut after: BTreeMap<usize, (UserData, UserStatus)> = BTreeMap::new();
    for u in &req.updates {
        let i = lookup(u.id)?;
        let user = &roster.users[i];
        if let Some(sync) = user.owned_by_other(req.options.source) {
            return Err(VerifyError::ManagedBySync {
                id: u.id,
                sync: sync.to_owned(),
            });
        }
        let mut d = user.data.clone();
        for c in &u.changes {
            if let Change::Scope(s) = c {
                if !scopes.contains(s.as_str()) {
                    return Err(VerifyError::OutOfScope {
                        id: u.id,
                        scope: s.to_string(),
                    });
                }
            }
            d.apply(c);
        }
        check_data(u.row, &d, schools, grade_mapped)?;
        after.insert(i, (d, user.status));
    }
    for id in &req.restores {
        let i = lookup(*id)?;
        let user = &roster.users[i];
        if user.status != UserStatus::Archived {
            return Err(VerifyError::NotArchived(*id));
        }
        if let Some(sync) = user.owned_by_other(req.options.source) {
            return Err(VerifyError::ManagedBySync {
                id: *id,
                sync: sync.to_owned(),
            });
        }
        after
            .entry(i)
            .or_insert_with(|| (user.data.clone(), user.status))
            .1 = UserStatus::Active;
    }
    // The flag as the request leaves it (an admin may turn it off and archive at once).
    let mut keep_after: FxHashMap<UserId, bool> = FxHashMap::default();
    for k in &req.keep_active {
        let i = lookup(k.id)?;
        if keep_after.insert(k.id, k.keep_active).is_some() {
            return Err(VerifyError::UserTwice(k.id));
        }
        if let Some(sync) = roster.users[i].owned_by_other(req.options.source) {
            return Err(VerifyError::ManagedBySync {
                id: k.id,
                sync: sync.to_owned(),
            });
        }
    }
    let mut archived_per_scope: BTreeMap<String, u32> = BTreeMap::new();
    for a in &req.archives {
        let i = lookup(a.id)?;
        let user = &roster.users[i];
        if user.status != UserStatus::Active {
            return Err(VerifyError::NotActive(a.id));
        }
        if keep_after.get(&a.id).copied().unwrap_or(user.keep_active) {
            return Err(VerifyError::KeepActive(a.id));
        }
        if let Some(sync) = user.owned_by_other(req.options.source) {
            return Err(VerifyError::ManagedBySync {
                id: a.id,
                sync: sync.to_owned(),
            });
        }
        if !scopes.contains(user.data.scope.as_str()) {
            return Err(VerifyError::OutOfScope {
                id: a.id,
                scope: user.data.scope.to_string(),
            });
        }
        *archived_per_scope
            .entry(user.data.scope.to_string())
            .or_default() += 1;
        after
            .entry(i)
            .or_insert_with(|| (user.data.clone(), user.status))
            .1 = UserStatus::Archived;
    }
    for c in &req.creates {
        if !scopes.contains(c.data.scope.as_str()) {
            return Err(VerifyError::InvalidRecord {
                row: c.row,
                field: Some(Field::Scope),
                issue: IssueCode::ScopeMove,
                message: format!("scope `{}` is not covered by the request", c.data.scope),
            });
        }
        check_data(c.row, &c.data, schools, grade_mapped)?;
    }

    // A merge is an update of the user it names, and the same person by its rule.
    for m in &req.merges {
        let i = lookup(m.id)?;
        let from_row = req.updates.iter().any(|u| u.id == m.id && u.row == m.row);
        let same = after
            .get(&i)
            .is_some_and(|(d, _)| super::holds(m.reason, &roster.users[i].data, d));
        if !from_row || !same {
            return Err(VerifyError::NotSamePerson(m.id));
        }
    }

    // Group members are users of the district who stay active.
    let archived: FxHashSet<UserId> = req.archives.iter().map(|a| a.id).collect();
    for id in &req.members {
        let i = lookup(*id)?;
        let active_after =
            after.get(&i).map_or(roster.users[i].status, |(_, s)| *s) == UserStatus::Active;
        if !active_after || archived.contains(id) {
            return Err(VerifyError::NotActive(*id));
        }
    }

    // Keys stay unique: district ids among all users, emails among active users.
    let final_users = roster
        .users
        .iter()
        .enumerate()
        .map(|(i, u)| match after.get(&i) {
            Some((d, s)) => (Some(u.id), d, *s),
            None => (Some(u.id), &u.data, u.status),
        });
    let new_users = req
        .creates
        .iter()
        .map(|c| (None, &c.data, UserStatus::Active));
    if let Some(c) = key_clash(final_users.chain(new_users)) {
        return Err(match c.field {
            Field::Email => VerifyError::DuplicateEmail(c.value.to_owned()),
            _ => VerifyError::DuplicateDistrictId(c.value.to_owned()),
        });
    }

    // The mass-archive guard, recomputed here.
    let mut active: BTreeMap<&str, u32> = BTreeMap::new();
    for u in roster
        .users
        .iter()
        .filter(|u| u.status == UserStatus::Active && scopes.contains(u.data.scope.as_str()))
    {
        *active.entry(u.data.scope.as_str()).or_default() += 1;
    }
    let by_scope = scopes
        .iter()
        .map(|s| ScopeGuard {
            scope: Scope::checked(s),
            archives: archived_per_scope.get(*s).copied().unwrap_or(0),
            active: active.get(s).copied().unwrap_or(0),
        })
        .collect();
    let guard = Guard::compute(by_scope, guard);
    if guard.triggered && !req.acknowledged_guard {
        return Err(VerifyError::GuardNotAcknowledged {
            archives: guard.archives,
            active: guard.scope_active,
        });
    }
    Ok(())
}
