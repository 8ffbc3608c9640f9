//! One email per active user after a plan: the planner's check of every address the file sets.

use super::*;

/// Checks that no two users active after the plan share an email: every email the file sets,
/// against the user who has that address now if that user stays active and keeps it. Work is
/// proportional to the file's changes, not to the roster.
pub(super) fn email_conflicts(
    users: &[RosterUser],
    index: &RosterIndex,
    archived_now: &[bool],
    claimed: &[u32],
    creates: &[NewUser],
    updates: &[PlannedUpdate],
    issues: &mut Vec<Issue>,
) {
    let changes_email = |u: &PlannedUpdate| u.changes.iter().any(|c| matches!(c, Change::Email(_)));
    let changed: rustc_hash::FxHashSet<UserId> = updates
        .iter()
        .filter(|u| changes_email(u))
        .map(|u| u.id)
        .collect();
    let mut set: Vec<(&str, u32, Option<UserId>)> = creates
        .iter()
        .filter_map(|c| c.data.email.as_ref().map(|e| (e.as_str(), c.row, None)))
        .collect();
    for u in updates {
        for c in &u.changes {
            if let Change::Email(Some(e)) = c {
                set.push((e.as_str(), u.row, Some(u.id)));
            }
        }
    }
    for (email, row, own) in set {
        let Some(owner) = index.email(users, email) else {
            continue;
        };
        let o = &users[owner as usize];
        let active_after = (o.status == UserStatus::Active && !archived_now[owner as usize])
            || claimed[owner as usize] != u32::MAX;
        if active_after && !changed.contains(&o.id) && own != Some(o.id) {
            issues.push(plan_issue(
                row,
                Field::Email,
                Severity::Error,
                IssueCode::EmailInUse,
                format!(
                    "Email `{email}` is already used by another active user ({}).",
                    o.data.key()
                ),
                "Two people cannot share an address: correct one of them.",
            ));
        }
    }
}
