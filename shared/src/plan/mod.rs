//! The plan: exactly what a validated file will do to the district's roster — creates,
//! field-level updates, archives, restores, what is unchanged and what is skipped, and why —
//! following PRODUCT.md's matching rules. The browser runs it for the review screen; the
//! server runs [`verify`] against its own roster before applying.
//!
//! Matching a row to a user: its sis_id; else its email, if that user has no sis_id;
//! an email that belongs to a user with another sis_id is an error; otherwise a new user.

mod apply;
pub mod codec;
mod emails;
mod index;
mod same_person;
mod types;
mod verify;

pub use index::RosterIndex;
use index::INACTIVE;
pub use same_person::{holds, SamePerson, SamePersonReason};
pub use types::*;

pub use crate::user::{Change, Roster, RosterUser, Secret, UserData, UserId, UserStatus};
pub use verify::{key_clash, verify, KeyClash, VerifyError};

use std::collections::{BTreeMap, BTreeSet};

use crate::fingerprint;

use crate::fields::{same_bytes, Email, Field, Name, Role, SchoolCode, Scope, SisId, Status, Text};
use crate::validate::{Issue, IssueCode, RecordRef, Severity, Validation};
use crate::wire::{
    Archive, ArchiveReason, ChangeRequest, Conflict, NewUser, Options, PasswordPolicy, UserUpdate,
    SCHEMA_VERSION,
};

/// The fields compared for an update, in display order.
const COMPARED: [Field; 13] = Field::MANAGED;

/// The fields a file maps, looked up by index (the planner asks for every field of every row).
struct FieldSet([bool; Field::ALL.len()]);

impl FieldSet {
    fn of(fields: &[Field]) -> FieldSet {
        let mut set = [false; Field::ALL.len()];
        for f in fields {
            set[*f as usize] = true;
        }
        FieldSet(set)
    }

    fn contains(&self, f: &Field) -> bool {
        self.0[*f as usize]
    }
}

/// A record as the user it describes. Fields the file does not map come from `base` (the
/// matched user), or are empty for a new user.
fn target(
    r: &RecordRef<'_>,
    school: &str,
    scope: &str,
    mapped: &FieldSet,
    base: Option<&UserData>,
) -> UserData {
    let m = |f: Field| mapped.contains(&f) || base.is_none();
    let keep = |f: Field| !mapped.contains(&f) && base.is_some();
    let role = r.role().unwrap_or(Role::Student);
    UserData {
        sis_id: match (r.sis_id().and_then(|d| SisId::parse(d).ok()), base) {
            (Some(d), _) => Some(d),
            (None, Some(b)) => b.sis_id.clone(),
            (None, None) => None,
        },
        email: if keep(Field::Email) {
            base.and_then(|b| b.email.clone())
        } else {
            r.email().and_then(|e| Email::parse(&e.to_string()).ok())
        },
        first_name: Name::checked(r.first_name()),
        last_name: Name::checked(r.last_name()),
        middle_name: if keep(Field::MiddleName) {
            base.and_then(|b| b.middle_name.clone())
        } else {
            r.middle_name().map(Name::checked)
        },
        role,
        grade: if role.is_staff() {
            None
        } else if m(Field::Grade) {
            r.grade()
        } else {
            base.and_then(|b| b.grade)
        },
        school: SchoolCode::checked(school),
        state_id: if keep(Field::StateId) {
            base.and_then(|b| b.state_id.clone())
        } else {
            r.state_id().map(Text::checked)
        },
        alt_id: if keep(Field::AltId) {
            base.and_then(|b| b.alt_id.clone())
        } else {
            r.alt_id().map(Text::checked)
        },
        limited_english: if keep(Field::LimitedEnglish) {
            base.and_then(|b| b.limited_english)
        } else {
            r.limited_english()
        },
        econ_disadvantaged: if keep(Field::EconDisadvantaged) {
            base.and_then(|b| b.econ_disadvantaged)
        } else {
            r.econ_disadvantaged()
        },
        scope: Scope::checked(scope),
    }
}

/// Does the record differ from the user on field `f`? Compared without building the record's
/// full `UserData` (the common case at a million rows is "no change").
fn differs(u: &UserData, r: &RecordRef<'_>, school: &str, scope: &str, f: Field) -> bool {
    // Short texts compared inline (a `memcmp` call per field was most of the planner's time).
    let ne = |a: &str, b: &str| !same_bytes(a.as_bytes(), b.as_bytes());
    let opt = |a: Option<&str>, b: Option<&str>| ne(a.unwrap_or(""), b.unwrap_or(""));
    match f {
        Field::SisId => r
            .sis_id()
            .is_some_and(|d| u.sis_id.as_ref().is_none_or(|ud| ne(ud.as_str(), d))),
        Field::Email => match (u.email.as_ref(), r.email()) {
            (Some(a), Some(b)) => b != *a.as_str(),
            (a, b) => a.is_some() != b.is_some(),
        },
        Field::FirstName => ne(&u.first_name, r.first_name()),
        Field::LastName => ne(&u.last_name, r.last_name()),
        Field::MiddleName => opt(u.middle_name.as_deref(), r.middle_name()),
        Field::Role => Some(u.role) != r.role(),
        Field::Grade => {
            let want = if r.role().is_some_and(Role::is_staff) {
                None
            } else {
                r.grade()
            };
            u.grade != want
        }
        Field::School => ne(&u.school, school),
        Field::StateId => opt(u.state_id.as_deref(), r.state_id()),
        Field::AltId => opt(u.alt_id.as_deref(), r.alt_id()),
        Field::LimitedEnglish => u.limited_english != r.limited_english(),
        Field::EconDisadvantaged => u.econ_disadvantaged != r.econ_disadvantaged(),
        Field::Scope => ne(&u.scope, scope),
        Field::Status | Field::Password => false,
    }
}

fn key_of(r: &RecordRef<'_>) -> String {
    match (r.sis_id(), r.email()) {
        (Some(d), _) => d.to_owned(),
        (None, Some(e)) => e.to_string(),
        (None, None) => String::new(),
    }
}

fn plan_issue(
    row: u32,
    field: Field,
    severity: Severity,
    code: IssueCode,
    message: String,
    suggestion: &str,
) -> Issue {
    Issue {
        row: Some(row),
        rows: vec![],
        column: None,
        field: Some(field),
        severity,
        code,
        message,
        suggestion: Some(suggestion.to_owned()),
    }
}

/// Plans a validated file against a roster. `scope` is the upload's scope (rows without a
/// scope value belong to it).
pub fn plan(v: &Validation, roster: &Roster, scope: &Scope, options: &Options) -> Plan {
    plan_indexed(v, roster, &RosterIndex::new(roster), scope, options)
}

/// [`plan`] with an index built beforehand (the browser builds it when the roster arrives).
pub fn plan_indexed(
    v: &Validation,
    roster: &Roster,
    index: &RosterIndex,
    upload_scope: &Scope,
    options: &Options,
) -> Plan {
    let scope = upload_scope.as_str();
    let users = &roster.users;
    let rebuilt;
    let index = if index.fits(users) {
        index
    } else {
        rebuilt = RosterIndex::new(roster);
        &rebuilt
    };
    let mapped = FieldSet::of(&v.mapped);
    let mut issues = Vec::new();
    let mut touched: BTreeSet<Scope> = BTreeSet::new();
    // For each user: the first record that matched it (`NONE` for none); further matches of
    // the same user (an error on every such row) in `extra`.
    const NONE: u32 = u32::MAX;
    let mut claimed: Vec<u32> = vec![NONE; users.len()];
    let mut extra: Vec<(u32, u32)> = Vec::new();
    // Record index → matched user, for records that will be planned.
    let mut matches: Vec<Option<u32>> = vec![None; v.records.len()];
    let mut plannable: Vec<bool> = vec![false; v.records.len()];
    let mut skipped = Vec::new();

    let mut last_scope: Option<&str> = None;
    // Rows refused because their email is a user's whose id is theirs with leading zeros.
    let mut zeros_by_email = 0usize;
    // The record's address in one piece, for the roster's index (reused from row to row).
    let mut address = String::new();
    // Rows mostly follow the roster's order (the index looks where the last row's user was).
    let mut cursor = index::Cursor::default();
    for (ri, r) in v.records.iter().enumerate() {
        let rscope = r.scope().unwrap_or(scope);
        // Rows of one scope follow each other: the set is asked only when the scope changes.
        if !last_scope.is_some_and(|s| same_bytes(s.as_bytes(), rscope.as_bytes())) {
            if !touched.iter().any(|t| t.as_str() == rscope) {
                touched.insert(Scope::checked(rscope));
            }
            last_scope = Some(rscope);
        }
        let by_district = r
            .sis_id()
            .and_then(|d| index.id_in_order(users, d, &mut cursor));
        let mut m = by_district;
        if m.is_none() {
            let email = r.email().map(|e| {
                address.clear();
                e.push_to(&mut address);
                address.as_str()
            });
            if let Some(ui) = email.and_then(|e| index.email(users, e)) {
                let u = &users[ui as usize];
                match &u.data.sis_id {
                    None => m = Some(ui),
                    Some(other) if u.status == UserStatus::Active => {
                        if !r.has_error() {
                            // The same person whose id lost its leading zeros (PRODUCT.md's rule
                            // 3 still holds: an error on the row, said for what it is).
                            let zeros = r
                                .sis_id()
                                .is_some_and(|d| same_person::zeros_only(d, other.as_str()));
                            if zeros {
                                zeros_by_email += 1;
                            }
                            issues.push(plan_issue(r.row(), Field::Email, Severity::Error, IssueCode::EmailOwnedByOther,
                                match zeros {
                                    true => format!("Email `{}` belongs to District ID {}: the same ID with its leading zeros.", email.unwrap_or(""), other.as_str()),
                                    false => format!("Email `{}` belongs to another user (District ID {}).", email.unwrap_or(""), other.as_str()),
                                },
                                match zeros {
                                    true => "A spreadsheet removed the ID's leading zeros: re-export, or format the column as Text.",
                                    false => "Two people cannot share an address: correct the email or the District ID.",
                                }));
                        }
                        continue;
                    }
                    Some(_) => {}
                }
            }
        }
        if let Some(ui) = m {
            let c = &mut claimed[ui as usize];
            if *c == NONE {
                *c = ri as u32;
            } else {
                extra.push((ui, ri as u32));
            }
        }
        matches[ri] = m;
        if r.has_error() || v.school_of(&r).is_none() {
            skipped.push(Skipped {
                row: r.row(),
                key: key_of(&r),
                reason: SkipReason::RowHasErrors,
                message: "The row has errors.".into(),
            });
            continue;
        }
        plannable[ri] = true;
    }
    let mut claims: BTreeMap<u32, Vec<u32>> = BTreeMap::new();
    for &(ui, ri) in &extra {
        claims
            .entry(ui)
            .or_insert_with(|| vec![claimed[ui as usize]])
            .push(ri);
    }
    for (ui, rs) in &claims {
        {
            let rows: Vec<u32> = rs
                .iter()
                .filter_map(|&ri| v.records.get(ri as usize).map(|r| r.row()))
                .collect();
            for (k, &ri) in rs.iter().enumerate() {
                plannable[ri as usize] = false;
                let others: Vec<String> = rows
                    .iter()
                    .enumerate()
                    .filter(|(j, _)| *j != k)
                    .map(|(_, r)| r.to_string())
                    .collect();
                issues.push(plan_issue(rows[k], Field::SisId, Severity::Error, IssueCode::SameUserTwice,
                    format!("This row and row {} match the same user ({}).", others.join(", "), users[*ui as usize].data.key()),
                    "Each user may appear once: remove the duplicate row or correct its District ID or email."));
            }
        }
    }

    let mut creates = Vec::new();
    let mut updates = Vec::new();
    let mut restores = Vec::new();
    let mut archives = Vec::new();
    let mut unchanged = 0u32;
    let mut matched: Vec<UserId> = Vec::new();
    let mut archived_now: Vec<bool> = vec![false; users.len()];
    for (ri, r) in v.records.iter().enumerate() {
        if !plannable[ri] {
            continue;
        }
        let rscope = r.scope().unwrap_or(scope);
        let school = v.school_of(&r).unwrap_or("");
        let m = matches[ri].map(|ui| (ui, &users[ui as usize]));
        if let Some((_, u)) = m {
            if let Some(sync) = u.owned_by_other(options.source) {
                issues.push(plan_issue(
                    r.row(),
                    Field::SisId,
                    Severity::Warning,
                    IssueCode::ManagedBySync,
                    format!("Managed by {sync}: this row is skipped."),
                    "Remove it from the file: the sync keeps this user up to date.",
                ));
                skipped.push(Skipped {
                    row: r.row(),
                    key: key_of(&r),
                    reason: SkipReason::ManagedBySync,
                    message: format!("managed by {sync}: remove it from the file"),
                });
                continue;
            }
        }
        if r.status() == Status::Inactive {
            match m {
                Some((ui, u)) if u.status == UserStatus::Active => {
                    archived_now[ui as usize] = true;
                    archives.push(PlannedArchive { id: u.id, key: u.data.key(), scope: u.data.scope.clone(), reason: ArchiveReason::Inactive, who: Who::of(&u.data) });
                }
                Some(_) => unchanged += 1,
                None => skipped.push(Skipped { row: r.row(), key: key_of(&r), reason: SkipReason::InactiveNotInRoster,
                    message: "The row's status is not active and no active user matches it: nothing to do.".into() }),
            }
            continue;
        }
        let Some((_, u)) = m else {
            creates.push(NewUser {
                row: r.row(),
                data: target(&r, school, rscope, &mapped, None),
                password: r.password().map(Secret::clear),
            });
            continue;
        };
        let mut changes = Vec::new();
        let mut diffs = Vec::new();
        let mut full: Option<UserData> = None;
        for f in COMPARED {
            if f != Field::Scope && !mapped.contains(&f) {
                continue;
            }
            if !differs(&u.data, &r, school, rscope, f) {
                continue;
            }
            if options.conflict == Conflict::ExistingWins
                && f != Field::Scope
                && !u.data.is_empty(f)
            {
                continue;
            }
            let t = full.get_or_insert_with(|| target(&r, school, rscope, &mapped, Some(&u.data)));
            if let Some(c) = u.data.change_to(t, f) {
                diffs.push(Diff {
                    field: f,
                    old: u.data.display(f),
                    new: t.display(f),
                });
                changes.push(c);
            }
        }
        if options.passwords == PasswordPolicy::Overwrite {
            if let Some(p) = r.password() {
                changes.push(Change::Password(Secret::clear(p)));
                diffs.push(Diff {
                    field: Field::Password,
                    old: None,
                    new: Some("(new password)".into()),
                });
            }
        }
        if !same_bytes(u.data.scope.as_bytes(), rscope.as_bytes()) {
            issues.push(plan_issue(
                r.row(),
                Field::Scope,
                Severity::Warning,
                IssueCode::ScopeMove,
                format!(
                    "{} moves from scope `{}` to `{}`.",
                    u.data.key(),
                    u.data.scope,
                    rscope
                ),
                "Expected if the user changed files; otherwise check the scope of this upload.",
            ));
        }
        matched.push(u.id);
        let restore = u.status == UserStatus::Archived;
        if restore {
            restores.push(PlannedRestore {
                id: u.id,
                key: u.data.key(),
                row: r.row(),
            });
        }
        if changes.is_empty() {
            if !restore {
                unchanged += 1;
            }
        } else {
            updates.push(PlannedUpdate {
                id: u.id,
                key: u.data.key(),
                row: r.row(),
                changes,
                diffs,
                who: Who::of(&u.data),
            });
        }
    }

    // Archive the active users of each covered scope that the file does not mention.
    let mut guards: Vec<ScopeGuard> = touched
        .iter()
        .map(|s| ScopeGuard {
            scope: s.clone(),
            archives: 0,
            active: 0,
        })
        .collect();
    let (active_scope, scope_names) = index.active_scopes();
    // Each scope number's guard (none for a scope the file does not cover).
    let slots: Vec<Option<usize>> = scope_names
        .iter()
        .map(|n| guards.iter().position(|g| g.scope.as_str() == n))
        .collect();
    for (ui, &n) in active_scope.iter().enumerate() {
        if n == INACTIVE {
            continue;
        }
        let Some(g) = slots
            .get(n as usize)
            .copied()
            .flatten()
            .and_then(|i| guards.get_mut(i))
        else {
            continue;
        };
        g.active += 1;
        if archived_now[ui] {
            g.archives += 1;
            continue;
        }
        // Only a user no row matched is read (the few the file does not mention).
        if claimed[ui] != NONE {
            continue;
        }
        let u = &users[ui];
        if u.owned_by_other(options.source).is_none() {
            if u.keep_active {
                skipped.push(Skipped {
                    row: 0,
                    key: u.data.key(),
                    reason: SkipReason::KeepActive,
                    message: format!(
                        "{} {} is not in the file and is kept active (\"keep active\" is on)",
                        u.data.first_name, u.data.last_name
                    ),
                });
                continue;
            }
            archived_now[ui] = true;
            g.archives += 1;
            archives.push(PlannedArchive {
                id: u.id,
                key: u.data.key(),
                scope: u.data.scope.clone(),
                reason: ArchiveReason::Missing,
                who: Who::of(&u.data),
            });
        }
    }
    let guard = Guard::compute(guards, options.guard);

    // Emails stay unique among active users after the plan.
    emails::email_conflicts(
        users,
        index,
        &archived_now,
        &claimed,
        &creates,
        &updates,
        &mut issues,
    );
    let same_person = same_person::hints(&creates, &archives, users);
    let ids_in_file =
        creates.iter().filter(|c| c.data.sis_id.is_some()).count() + matched.len() + zeros_by_email;
    issues.extend(same_person::leading_zeros_lost(
        &same_person,
        zeros_by_email,
        ids_in_file,
    ));
    issues.sort_by_key(|i| i.row);

    Plan {
        scope: upload_scope.clone(),
        scopes: touched.into_iter().collect(),
        mapped: v.mapped.clone(),
        base_revision: roster.revision,
        creates,
        updates,
        archives,
        restores,
        unchanged,
        skipped,
        issues,
        guard,
        matched,
        same_person,
        merges: Vec::new(),
    }
}

impl Roster {
    /// A roster from a validated file (the CLI's `--roster`, and tests): every valid record
    /// becomes an active, file-managed user of its scope (or `scope`), with ids 1, 2, 3, ….
    pub fn from_validation(v: &Validation, scope: &str, revision: u64) -> Roster {
        let mapped = FieldSet::of(&v.mapped);
        let users = v
            .records
            .iter()
            .filter(|r| !r.has_error())
            .filter_map(|r| {
                let school = v.school_of(&r)?;
                Some(target(
                    &r,
                    school,
                    r.scope().unwrap_or(scope),
                    &mapped,
                    None,
                ))
            })
            .enumerate()
            .map(|(i, data)| RosterUser {
                id: UserId(i as i64 + 1),
                data,
                status: UserStatus::Active,
                managed_by: None,
                keep_active: false,
            })
            .collect();
        Roster { revision, users }
    }
}
