//! The roster's lookup index, built once when the roster is loaded.

use rustc_hash::FxHashMap;

use super::*;

/// A roster's users by district id and by email (the active user first, when an address is
/// also an archived user's). Keys are fingerprints checked against the text on every lookup, so
/// the index owns no strings and can be built once, when the roster is loaded, not per plan.
#[derive(Debug, Clone, Default)]
pub struct RosterIndex {
    by_id: FxHashMap<u64, u32>,
    by_email: FxHashMap<u64, u32>,
}

impl RosterIndex {
    pub fn new(roster: &Roster) -> RosterIndex {
        let users = &roster.users;
        let mut ix = RosterIndex::default();
        ix.by_id.reserve(users.len());
        ix.by_email.reserve(users.len());
        for (i, u) in users.iter().enumerate() {
            if let Some(d) = &u.data.sis_id {
                ix.by_id.entry(fingerprint(d.as_str())).or_insert(i as u32);
            }
            if let Some(e) = &u.data.email {
                let slot = ix
                    .by_email
                    .entry(fingerprint(e.as_str()))
                    .or_insert(i as u32);
                let held = &users[*slot as usize];
                if held.data.email.as_ref() == Some(e)
                    && held.status != UserStatus::Active
                    && u.status == UserStatus::Active
                {
                    *slot = i as u32;
                }
            }
        }
        ix
    }

    pub(super) fn id(&self, users: &[RosterUser], d: &str) -> Option<u32> {
        lookup(&self.by_id, users, d, false, |u| {
            u.data.sis_id.as_ref().map(SisId::as_str)
        })
    }

    pub(super) fn email(&self, users: &[RosterUser], e: &str) -> Option<u32> {
        lookup(&self.by_email, users, e, true, |u| {
            u.data.email.as_ref().map(Email::as_str)
        })
    }
}

/// The user `map` holds for `key`'s fingerprint, once its text is checked. When the slot holds
/// another key (two fingerprints collided), the users are searched for the key: the first, or
/// with `prefer_active` the active one first — what the slot would have held.
fn lookup<'u>(
    map: &FxHashMap<u64, u32>,
    users: &'u [RosterUser],
    key: &str,
    prefer_active: bool,
    text: impl Fn(&'u RosterUser) -> Option<&'u str>,
) -> Option<u32> {
    let same =
        |u: &'u RosterUser| text(u).is_some_and(|t| same_bytes(t.as_bytes(), key.as_bytes()));
    let &i = map.get(&fingerprint(key))?;
    if users.get(i as usize).is_some_and(same) {
        return Some(i);
    }
    let all: Vec<usize> = (0..users.len()).filter(|&i| same(&users[i])).collect();
    let active = |i: &&usize| prefer_active && users[**i].status == UserStatus::Active;
    all.iter().find(active).or(all.first()).map(|&i| i as u32)
}
