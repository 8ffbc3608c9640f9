//! The same person, recognised: each create of a plan is looked at beside the archives of the
//! same plan. Ids equal once leading zeros are stripped (a spreadsheet ate them), or a blank
//! district id whose email changed while first name, last name and school match: each likely
//! pair is a [`SamePerson`] hint with its reason. A pair can be turned into an update of the
//! existing user ([`Plan::merge`]); the change request says so (`merges`) and the server
//! accepts a merge only where the same rule holds ([`holds`]).

use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};

use super::*;

pub use crate::wire::SamePersonReason;

/// A create and an archive of one plan that are likely the same person.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SamePerson {
    /// The file's row of the create.
    pub row: u32,
    pub create_key: String,
    /// First and last name, as the file has them.
    #[serde(default)]
    pub create_name: String,
    /// The user the plan archives.
    pub id: UserId,
    pub archive_key: String,
    #[serde(default)]
    pub archive_name: String,
    pub reason: SamePersonReason,
}

fn strip_zeros(id: &str) -> &str {
    let s = id.trim_start_matches('0');
    if s.is_empty() {
        "0"
    } else {
        s
    }
}

fn lower(s: &str) -> String {
    s.to_lowercase()
}

/// Two ids that differ only by leading zeros.
pub(super) fn zeros_only(a: &str, b: &str) -> bool {
    a != b && strip_zeros(a) == strip_zeros(b)
}

/// Whether `new` (a row's data) and `old` (a roster user's) are the same person by `reason`'s
/// rule: the planner's hint and the server's check of a merge are this one function.
pub fn holds(reason: SamePersonReason, old: &UserData, new: &UserData) -> bool {
    match reason {
        SamePersonReason::LeadingZeros => match (&old.sis_id, &new.sis_id) {
            (Some(a), Some(b)) => zeros_only(a.as_str(), b.as_str()),
            _ => false,
        },
        SamePersonReason::EmailChanged => {
            old.sis_id.is_none()
                && new.sis_id.is_none()
                && old.email != new.email
                && lower(&old.first_name) == lower(&new.first_name)
                && lower(&old.last_name) == lower(&new.last_name)
                && old.school == new.school
        }
    }
}

/// The likely pairs among `creates` and the users `archives` names (each used once).
pub(super) fn hints(
    creates: &[NewUser],
    archives: &[PlannedArchive],
    users: &[RosterUser],
) -> Vec<SamePerson> {
    if creates.is_empty() || archives.is_empty() {
        return vec![];
    }
    let archived: FxHashMap<UserId, &PlannedArchive> = archives.iter().map(|a| (a.id, a)).collect();
    let olds: Vec<&RosterUser> = users
        .iter()
        .filter(|u| archived.contains_key(&u.id))
        .collect();
    let mut by_id: FxHashMap<&str, usize> = FxHashMap::default();
    let mut by_name: FxHashMap<(String, String, &str), usize> = FxHashMap::default();
    for (i, u) in olds.iter().enumerate() {
        match &u.data.sis_id {
            Some(id) => {
                by_id.entry(strip_zeros(id.as_str())).or_insert(i);
            }
            None => {
                by_name
                    .entry((
                        lower(&u.data.first_name),
                        lower(&u.data.last_name),
                        u.data.school.as_str(),
                    ))
                    .or_insert(i);
            }
        }
    }
    let mut used = vec![false; olds.len()];
    let mut out = Vec::new();
    for c in creates {
        let candidate = match &c.data.sis_id {
            Some(id) => by_id
                .get(strip_zeros(id.as_str()))
                .map(|&i| (i, SamePersonReason::LeadingZeros)),
            None => by_name
                .get(&(
                    lower(&c.data.first_name),
                    lower(&c.data.last_name),
                    c.data.school.as_str(),
                ))
                .map(|&i| (i, SamePersonReason::EmailChanged)),
        };
        let Some((i, reason)) = candidate else {
            continue;
        };
        let old = olds[i];
        if used[i] || !holds(reason, &old.data, &c.data) {
            continue;
        }
        used[i] = true;
        out.push(SamePerson {
            row: c.row,
            create_key: c.data.key(),
            create_name: format!("{} {}", c.data.first_name, c.data.last_name),
            id: old.id,
            archive_key: old.data.key(),
            archive_name: format!("{} {}", old.data.first_name, old.data.last_name),
            reason,
        });
    }
    out
}

/// When most of a file's ids match the roster only without their leading zeros: one
/// file-level error (the file would otherwise plan thousands of creates and archives).
pub(super) fn leading_zeros_lost(
    hints: &[SamePerson],
    refused: usize,
    ids_in_file: usize,
) -> Option<Issue> {
    let lost = refused
        + hints
            .iter()
            .filter(|h| h.reason == SamePersonReason::LeadingZeros)
            .count();
    (lost >= 2 && lost * 2 > ids_in_file).then(|| Issue {
        row: None,
        rows: hints.iter().map(|h| h.row).take(1000).collect(),
        column: None,
        field: Some(Field::SisId),
        severity: Severity::Error,
        code: IssueCode::LeadingZerosLost,
        message: format!(
            "{lost} of the file's {ids_in_file} district IDs match the roster only without their leading zeros: a spreadsheet removed them."
        ),
        suggestion: Some(
            "Re-export from the SIS, or open the file with the ID column formatted as Text (Excel: Data → From Text/CSV → the column's type: Text) before saving.".into(),
        ),
    })
}

impl Plan {
    /// Turns the hinted pair of row `row` into an update of the existing user (its history
    /// kept): the create and the archive leave the plan, an update takes their place.
    /// `false` when the row has no hint.
    pub fn merge(&mut self, row: u32, roster: &Roster) -> bool {
        let Some(h) = self.same_person.iter().position(|h| h.row == row) else {
            return false;
        };
        let hint = self.same_person.remove(h);
        let (Some(ci), Some(ai)) = (
            self.creates.iter().position(|c| c.row == row),
            self.archives.iter().position(|a| a.id == hint.id),
        ) else {
            return false;
        };
        let Some(old) = roster.users.iter().find(|u| u.id == hint.id) else {
            return false;
        };
        let new = self.creates.remove(ci);
        self.archives.remove(ai);
        let mut changes = Vec::new();
        let mut diffs = Vec::new();
        for f in Field::MANAGED {
            if f != Field::Scope && !self.mapped.contains(&f) && f != Field::SisId {
                continue;
            }
            if old.data.display(f) == new.data.display(f) {
                continue;
            }
            if let Some(c) = old.data.change_to(&new.data, f) {
                diffs.push(Diff {
                    field: f,
                    old: old.data.display(f),
                    new: new.data.display(f),
                });
                changes.push(c);
            }
        }
        self.updates.push(PlannedUpdate {
            id: old.id,
            key: old.data.key(),
            row,
            changes,
            diffs,
            who: Who::of(&old.data),
        });
        self.matched.push(old.id);
        self.merges.push(crate::wire::Merge {
            id: old.id,
            row,
            reason: hint.reason,
        });
        true
    }
}
