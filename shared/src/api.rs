//! The answers the server, the CLI and the browser exchange, typed once (Serialize and
//! Deserialize): a plan as people read it, and an import as the history lists it.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::plan::{Plan, PlanSummary, ScopeGuard, Skipped, UserData};
use crate::validate::Issue;
use crate::wire::ArchiveReason;

/// The mass-archive guard's verdict, as reported.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GuardReport {
    pub triggered: bool,
    pub archives: u32,
    pub scope_active: u32,
    pub by_scope: Vec<ScopeGuard>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreateReport {
    #[serde(flatten)]
    pub data: UserData,
    pub key: String,
    pub row: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UpdateReport {
    pub key: String,
    pub row: u32,
    pub who: crate::plan::Who,
    /// Field name → [old, new] as text.
    pub changes: BTreeMap<String, [Option<String>; 2]>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ArchiveReport {
    pub key: String,
    pub scope: String,
    pub reason: ArchiveReason,
    pub who: crate::plan::Who,
}

/// How long each list of a [`PlanReport`] is before it is cut to a page.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Totals {
    pub creates: usize,
    pub updates: usize,
    pub archives: usize,
    pub archive_reasons: usize,
    pub restores: usize,
    pub skipped: usize,
    pub issues: usize,
}

/// A plan as the CLI prints it and the server answers it: counts, the guard, each list, and
/// every issue (the file's and the plan's).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanReport {
    pub summary: PlanSummary,
    pub guard: GuardReport,
    pub creates: Vec<CreateReport>,
    pub updates: Vec<UpdateReport>,
    /// The archived users' keys.
    pub archives: Vec<String>,
    pub archive_reasons: Vec<ArchiveReport>,
    /// The restored users' keys.
    pub restores: Vec<String>,
    pub skipped: Vec<Skipped>,
    pub issues: Vec<Issue>,
    /// Creates and archives that are likely the same person, with the reason.
    #[serde(default)]
    pub same_person: Vec<crate::plan::SamePerson>,
}

fn page_of<T>(v: &mut Vec<T>, page: usize, per: usize) -> usize {
    let total = v.len();
    let from = page.saturating_sub(1).saturating_mul(per).min(total);
    let to = from.saturating_add(per).min(total);
    v.truncate(to);
    v.drain(..from);
    total
}

impl PlanReport {
    /// The whole plan, every list in full (the CLI's JSON).
    pub fn new<'a>(p: &Plan, issues: impl IntoIterator<Item = &'a Issue>) -> PlanReport {
        PlanReport::page(p, issues, 1, usize::MAX).0
    }

    /// Page `page` (from 1) of `per` entries of every list, built without the rest (a plan of a
    /// million rows is shown a page at a time), and how long each list is.
    pub fn page<'a>(
        p: &Plan,
        issues: impl IntoIterator<Item = &'a Issue>,
        page: usize,
        per: usize,
    ) -> (PlanReport, Totals) {
        let from = page.saturating_sub(1).saturating_mul(per);
        let cut = |n: usize| from.min(n)..from.saturating_add(per).min(n);
        let issues: Vec<&Issue> = issues.into_iter().collect();
        let totals = Totals {
            creates: p.creates.len(),
            updates: p.updates.len(),
            archives: p.archives.len(),
            archive_reasons: p.archives.len(),
            restores: p.restores.len(),
            skipped: p.skipped.len(),
            issues: issues.len(),
        };
        let report = PlanReport {
            summary: p.summary(),
            guard: GuardReport {
                triggered: p.guard.triggered,
                archives: p.guard.archives,
                scope_active: p.guard.scope_active,
                by_scope: p.guard.by_scope.clone(),
            },
            creates: p.creates[cut(p.creates.len())]
                .iter()
                .map(|c| CreateReport {
                    data: c.data.clone(),
                    key: c.data.key(),
                    row: c.row,
                })
                .collect(),
            updates: p.updates[cut(p.updates.len())]
                .iter()
                .map(|u| UpdateReport {
                    key: u.key.clone(),
                    row: u.row,
                    who: u.who.clone(),
                    changes: u
                        .diffs
                        .iter()
                        .map(|d| (d.field.name().to_owned(), [d.old.clone(), d.new.clone()]))
                        .collect(),
                })
                .collect(),
            archives: p.archives[cut(p.archives.len())]
                .iter()
                .map(|a| a.key.clone())
                .collect(),
            archive_reasons: p.archives[cut(p.archives.len())]
                .iter()
                .map(|a| ArchiveReport {
                    key: a.key.clone(),
                    scope: a.scope.to_string(),
                    reason: a.reason,
                    who: a.who.clone(),
                })
                .collect(),
            restores: p.restores[cut(p.restores.len())]
                .iter()
                .map(|r| r.key.clone())
                .collect(),
            skipped: p.skipped[cut(p.skipped.len())].to_vec(),
            issues: issues[cut(issues.len())]
                .iter()
                .map(|i| (*i).clone())
                .collect(),
            same_person: p.same_person.clone(),
        };
        (report, totals)
    }

    pub fn errors(&self) -> usize {
        self.issues.iter().filter(|i| i.is_error()).count()
    }

    /// Cuts every list to page `page` (from 1) of `per` entries; says how long each was.
    pub fn paginate(&mut self, page: usize, per: usize) -> Totals {
        Totals {
            creates: page_of(&mut self.creates, page, per),
            updates: page_of(&mut self.updates, page, per),
            archives: page_of(&mut self.archives, page, per),
            archive_reasons: page_of(&mut self.archive_reasons, page, per),
            restores: page_of(&mut self.restores, page, per),
            skipped: page_of(&mut self.skipped, page, per),
            issues: page_of(&mut self.issues, page, per),
        }
    }
}

/// What an import did, by kind.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counts {
    pub creates: u32,
    pub updates: u32,
    pub archives: u32,
    pub restores: u32,
}

/// Where an import is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ImportStatus {
    /// Waiting for its time (`options.apply_at`).
    Queued,
    /// Being applied by the job runner.
    Running,
    Completed,
    Failed,
    RolledBack,
    /// A queued import its admin cancelled before its time: nothing of it was applied.
    Cancelled,
}

impl ImportStatus {
    pub const ALL: [ImportStatus; 6] = [
        ImportStatus::Queued,
        ImportStatus::Running,
        ImportStatus::Completed,
        ImportStatus::Failed,
        ImportStatus::RolledBack,
        ImportStatus::Cancelled,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ImportStatus::Queued => "queued",
            ImportStatus::Running => "running",
            ImportStatus::Completed => "completed",
            ImportStatus::Failed => "failed",
            ImportStatus::RolledBack => "rolled_back",
            ImportStatus::Cancelled => "cancelled",
        }
    }
}

impl std::fmt::Display for ImportStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A status the database holds that this version does not know.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not an import status")]
pub struct UnknownStatus(pub String);

impl TryFrom<String> for ImportStatus {
    type Error = UnknownStatus;
    fn try_from(s: String) -> Result<Self, UnknownStatus> {
        ImportStatus::ALL
            .into_iter()
            .find(|x| x.as_str() == s)
            .ok_or(UnknownStatus(s))
    }
}

impl From<ImportStatus> for String {
    fn from(s: ImportStatus) -> String {
        s.as_str().to_owned()
    }
}

/// An import as the history lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportSummary {
    pub number: i64,
    pub description: Option<String>,
    /// `upload`, `api`, `cli`.
    #[serde(rename = "type")]
    pub kind: String,
    pub scope: String,
    pub status: ImportStatus,
    pub submitted_by: String,
    /// Milliseconds since the epoch.
    pub submitted_at: i64,
    pub run_at: Option<i64>,
    pub completed_at: Option<i64>,
    pub base_revision: i64,
    pub applied_revision: Option<i64>,
    pub error: Option<String>,
    /// `None` only if the stored counts cannot be read.
    pub counts: Option<Counts>,
}

/// One import with every change it made.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportDetail {
    #[serde(flatten)]
    pub summary: ImportSummary,
    /// When a queued import runs, on the district's clocks (`2026-12-01 02:00 CST`).
    #[serde(default)]
    pub run_at_local: Option<String>,
    pub creates: Vec<CreatedUser>,
    pub updates: Vec<UpdatedUser>,
    pub archives: Vec<ArchivedUser>,
    pub restores: Vec<RestoredUser>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreatedUser {
    pub key: String,
    pub first_name: String,
    pub last_name: String,
    pub role: crate::fields::Role,
    pub school: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UpdatedUser {
    pub id: crate::plan::UserId,
    /// `None` when the user's before-image is gone.
    pub key: Option<String>,
    /// Field name → [old, new] as text (a password: "(new password)", never its value).
    pub changes: BTreeMap<String, [Option<String>; 2]>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ArchivedUser {
    pub id: crate::plan::UserId,
    pub key: Option<String>,
    pub reason: ArchiveReason,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RestoredUser {
    pub id: crate::plan::UserId,
    pub key: Option<String>,
}

/// The answer of a submit or a rollback: the import as it now is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportAnswer {
    pub import: ImportSummary,
}

/// A district as its callers see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DistrictInfo {
    pub short_name: String,
    pub name: String,
    /// The roster's revision (present on `/api/me`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revision: Option<i64>,
    /// The mass-archive policy (present on `/api/me`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub guard: Option<crate::wire::GuardLimits>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdminInfo {
    pub email: String,
    pub name: String,
}

/// The answer of a sign-in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionAnswer {
    pub token: String,
    /// Milliseconds since the epoch.
    pub expires_at: i64,
    pub district: DistrictInfo,
    pub admin: AdminInfo,
}

/// `GET /api/me`: the district and the caller (an admin, or a script's token).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Me {
    pub district: DistrictInfo,
    pub admin: Option<AdminInfo>,
    /// The admin's email or `token:<name>`.
    pub who: String,
}

/// `PATCH /api/district`'s answer: the settings as they now are.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DistrictSettings {
    pub guard: crate::wire::GuardLimits,
    /// The address links in the district's mail lead to (`None`: the server's or the browser's).
    #[serde(default)]
    pub public_url: Option<String>,
    /// An IANA time zone name (`America/Chicago`): the times the district's mail and pages state.
    #[serde(default = "utc")]
    pub time_zone: String,
    /// The address the district's mail is sent from (`None`: the server's).
    #[serde(default)]
    pub mail_from: Option<crate::fields::Email>,
}

fn utc() -> String {
    "UTC".into()
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SchoolInfo {
    pub sis_code: String,
    pub name: String,
    /// Active users at the school (`GET /api/schools?counts=true`; else 0).
    #[serde(default)]
    pub active_users: u64,
}

/// `POST /api/schools`'s body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewSchool {
    pub sis_code: crate::fields::SchoolCode,
    pub name: crate::fields::Text,
}

/// `PATCH /api/schools/{code}`'s body: a new name, a new SIS code, or both. A new code moves
/// the school's users with it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SchoolPatch {
    #[serde(default)]
    pub sis_code: Option<crate::fields::SchoolCode>,
    #[serde(default)]
    pub name: Option<crate::fields::Text>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupInfo {
    pub id: i64,
    pub name: String,
    /// Its members (`GET /api/groups?counts=true`; else 0).
    #[serde(default)]
    pub members: u64,
}

/// `POST /api/groups`'s and `PATCH /api/groups/{id}`'s body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GroupName {
    pub name: crate::fields::Text,
}

/// A mail of the outbox.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mail {
    pub id: i64,
    pub to_addr: String,
    pub subject: String,
    pub body: String,
    pub created_at: i64,
    /// `None` while it waits in the outbox.
    pub sent_at: Option<i64>,
}

/// A user as the users list shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListedUser {
    pub id: crate::plan::UserId,
    #[serde(rename = "district_id")]
    pub sis_id: Option<String>,
    pub email: Option<String>,
    pub first_name: String,
    pub last_name: String,
    pub middle_name: Option<String>,
    pub role: String,
    pub grade: Option<String>,
    pub school: String,
    pub state_id: Option<String>,
    pub alt_id: Option<String>,
    pub status: String,
    pub scope: String,
    /// `file`, or the sync that owns the user.
    pub source: String,
}

/// One page of the users list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UsersPage {
    pub total: i64,
    pub page: i64,
    pub per_page: i64,
    pub users: Vec<ListedUser>,
}

#[cfg(test)]
mod tests {
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    use super::page_of;

    #[test]
    fn import_statuses_round_trip_through_their_text() {
        use super::ImportStatus;
        for s in ImportStatus::ALL {
            assert_eq!(ImportStatus::try_from(String::from(s)), Ok(s));
            assert_eq!(
                serde_json::to_string(&s).unwrap_or_default(),
                format!("\"{s}\"")
            );
        }
        assert!(ImportStatus::try_from("done".to_owned()).is_err());
    }

    #[test]
    fn pages_cut_every_list_alike() {
        let cases = [
            (1, 3, vec![0, 1, 2]),
            (2, 3, vec![3, 4, 5]),
            (4, 3, vec![9]),
            (5, 3, vec![]),
            (0, 3, vec![0, 1, 2]),
        ];
        for (page, per, want) in cases {
            let mut v: Vec<u32> = (0..10).collect();
            assert_eq!(page_of(&mut v, page, per), 10);
            assert_eq!(v, want, "page {page}");
        }
        let mut v: Vec<u32> = (0..10).collect();
        page_of(&mut v, usize::MAX, usize::MAX);
        assert!(v.is_empty());
    }
}

/// `POST /api/session`'s body.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LoginAsk {
    pub email: String,
    pub password: String,
}

impl std::fmt::Debug for LoginAsk {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LoginAsk")
            .field("email", &self.email)
            .field("password", &"***")
            .finish()
    }
}

/// `PATCH /api/district`'s body: each setting given is changed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DistrictPatch {
    #[serde(default)]
    pub guard: Option<crate::wire::GuardLimits>,
    /// The address for links in mail; `""` forgets it.
    #[serde(default)]
    pub public_url: Option<String>,
    /// An IANA time zone name; the server refuses one it does not know.
    #[serde(default)]
    pub time_zone: Option<String>,
    /// The sender of the district's mail; `""` forgets it.
    #[serde(default)]
    pub mail_from: Option<String>,
}

/// Every error answer of the API: its code and message, and the details some codes carry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorBody {
    pub code: crate::error_code::ErrorCode,
    pub message: String,
    /// The validator's code for a refused value (`invalid_record`, a duplicate key).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub issue: Option<crate::validate::IssueCode>,
    /// The file row of a refused value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub row: Option<u32>,
    /// The field of a refused value, or of two users' shared key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// The users that block a rollback (`changed_later`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub users: Vec<String>,
    /// Seconds to wait (`busy`, `too_many_attempts`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry_after: Option<u64>,
}

/// `POST /api/password`'s body: a set-password link's token and the password chosen.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SetPassword {
    pub token: String,
    pub password: String,
}

impl std::fmt::Debug for SetPassword {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SetPassword(***)")
    }
}
