//! Applying a change request to a roster, purely: what the database's apply must also do. The
//! tests use it to state the planner's properties (apply, then plan again: nothing to do).

use rustc_hash::FxHashMap;

use super::{Roster, RosterUser, UserId, UserStatus};
use crate::wire::ChangeRequest;

impl Roster {
    /// Applies a (verified) change request; new users get ids from `next_id`.
    pub fn apply(&mut self, req: &ChangeRequest, mut next_id: impl FnMut() -> UserId) {
        let index: FxHashMap<UserId, usize> = self
            .users
            .iter()
            .enumerate()
            .map(|(i, u)| (u.id, i))
            .collect();
        for u in &req.updates {
            if let Some(&i) = index.get(&u.id) {
                for c in &u.changes {
                    self.users[i].data.apply(c);
                }
            }
        }
        for id in &req.restores {
            if let Some(&i) = index.get(id) {
                self.users[i].status = UserStatus::Active;
            }
        }
        for a in &req.archives {
            if let Some(&i) = index.get(&a.id) {
                self.users[i].status = UserStatus::Archived;
            }
        }
        for k in &req.keep_active {
            if let Some(&i) = index.get(&k.id) {
                self.users[i].keep_active = k.keep_active;
            }
        }
        for c in &req.creates {
            self.users.push(RosterUser {
                id: next_id(),
                data: c.data.clone(),
                status: UserStatus::Active,
                managed_by: None,
                keep_active: false,
            });
        }
        self.revision += 1;
    }
}
