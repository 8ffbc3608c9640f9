//! What a plan is: its lists (creates, updates, archives, restores, skipped), the guard's
//! verdict, and the change request it becomes.

use serde::{Deserialize, Serialize};

use super::*;

/// One field's change, as people read it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Diff {
    pub field: Field,
    pub old: Option<String>,
    pub new: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlannedUpdate {
    pub id: UserId,
    pub key: String,
    pub row: u32,
    pub changes: Vec<Change>,
    pub diffs: Vec<Diff>,
    /// The user as the roster has them.
    pub who: Who,
}

/// Who a planned change is about, as the review shows it beside the key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Who {
    pub name: String,
    pub role: crate::fields::Role,
    pub school: String,
}

impl Who {
    pub fn of(d: &UserData) -> Who {
        Who {
            name: format!("{} {}", d.first_name, d.last_name),
            role: d.role,
            school: d.school.to_string(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlannedArchive {
    pub id: UserId,
    pub key: String,
    pub scope: Scope,
    pub reason: ArchiveReason,
    pub who: Who,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlannedRestore {
    pub id: UserId,
    pub key: String,
    pub row: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SkipReason {
    /// The user belongs to a rostering sync; files never change them.
    ManagedBySync,
    /// The row's status is not active and no active user matches it.
    InactiveNotInRoster,
    /// The row has errors (the plan cannot be submitted until they are fixed).
    RowHasErrors,
    /// Missing from the file, but marked "keep active" (row 0: the user has no row).
    KeepActive,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Skipped {
    pub row: u32,
    pub key: String,
    pub reason: SkipReason,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScopeGuard {
    pub scope: Scope,
    pub archives: u32,
    pub active: u32,
}

/// The mass-archive guard's verdict.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Guard {
    pub triggered: bool,
    pub archives: u32,
    pub scope_active: u32,
    pub limits: crate::wire::GuardLimits,
    pub by_scope: Vec<ScopeGuard>,
}

impl Guard {
    pub fn compute(by_scope: Vec<ScopeGuard>, limits: crate::wire::GuardLimits) -> Guard {
        let trips = |archives: u32, active: u32| {
            u64::from(archives) * 100 > u64::from(limits.percent) * u64::from(active)
                && archives > limits.min
        };
        let archives = by_scope.iter().map(|s| s.archives).sum();
        let scope_active = by_scope.iter().map(|s| s.active).sum();
        let triggered = by_scope.iter().any(|s| trips(s.archives, s.active));
        Guard {
            triggered,
            archives,
            scope_active,
            limits,
            by_scope,
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanSummary {
    pub creates: u32,
    pub updates: u32,
    pub archives: u32,
    pub restores: u32,
    pub unchanged: u32,
    pub skipped: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Plan {
    pub scope: Scope,
    pub scopes: Vec<Scope>,
    pub mapped: Vec<Field>,
    pub base_revision: u64,
    pub creates: Vec<NewUser>,
    pub updates: Vec<PlannedUpdate>,
    pub archives: Vec<PlannedArchive>,
    pub restores: Vec<PlannedRestore>,
    pub unchanged: u32,
    pub skipped: Vec<Skipped>,
    /// Problems found against the roster (validation's own issues are not repeated here).
    pub issues: Vec<Issue>,
    pub guard: Guard,
    /// Existing users the file names and keeps active (updated, restored or unchanged).
    #[serde(default)]
    pub matched: Vec<UserId>,
    /// Creates and archives that are likely the same person (`Plan::merge` joins a pair).
    #[serde(default)]
    pub same_person: Vec<SamePerson>,
    /// The pairs joined into updates.
    #[serde(default)]
    pub merges: Vec<crate::wire::Merge>,
}

impl Plan {
    pub fn summary(&self) -> PlanSummary {
        PlanSummary {
            creates: self.creates.len() as u32,
            updates: self.updates.len() as u32,
            archives: self.archives.len() as u32,
            restores: self.restores.len() as u32,
            unchanged: self.unchanged,
            skipped: self.skipped.len() as u32,
        }
    }

    pub fn has_errors(&self) -> bool {
        self.issues.iter().any(Issue::is_error)
    }

    pub fn is_empty(&self) -> bool {
        self.creates.is_empty()
            && self.updates.is_empty()
            && self.archives.is_empty()
            && self.restores.is_empty()
    }

    /// The change request for this plan.
    pub fn to_request(
        &self,
        district: &str,
        options: &Options,
        acknowledged_guard: bool,
        description: Option<String>,
    ) -> ChangeRequest {
        ChangeRequest {
            version: SCHEMA_VERSION,
            district: district.to_owned(),
            scope: self.scope.clone(),
            scopes: self.scopes.clone(),
            base_revision: self.base_revision,
            description,
            options: options.clone(),
            mapped: self.mapped.clone(),
            acknowledged_guard,
            creates: self.creates.clone(),
            updates: self
                .updates
                .iter()
                .map(|u| UserUpdate {
                    id: u.id,
                    row: u.row,
                    changes: u.changes.clone(),
                })
                .collect(),
            archives: self
                .archives
                .iter()
                .map(|a| Archive {
                    id: a.id,
                    reason: a.reason,
                })
                .collect(),
            restores: self.restores.iter().map(|r| r.id).collect(),
            members: if options.group.is_some() {
                self.matched.clone()
            } else {
                Vec::new()
            },
            keep_active: Vec::new(),
            merges: self.merges.clone(),
        }
    }
}
