//! The roster's lookup index, built once when the roster is loaded.

use std::collections::hash_map::Entry;

use rustc_hash::FxHashMap;

use super::*;

/// A roster's users by district id and by email (the active user first, when an address is
/// also an archived user's). Keys are fingerprints checked against the text on every lookup, so
/// the index owns no strings and can be built once, when the roster is loaded, not per plan.
#[derive(Debug, Clone, Default)]
pub struct RosterIndex {
    by_id: FxHashMap<u64, u32>,
    by_email: FxHashMap<u64, u32>,
    /// No two users' district ids share a fingerprint: a user whose id is a key's text is the
    /// one user the index would return for it, so a guess checked against the text is exact.
    ids_unique: bool,
    /// Each active user's scope as a number into `scopes` ([`INACTIVE`] for a user who is not
    /// active). A roster holds a few scopes and a million users; the planner asks each active
    /// user's scope, and a number in a row of numbers spares reading each user's record and
    /// text where they lie.
    active_scope: Vec<u32>,
    scopes: Vec<String>,
}

/// Where [`RosterIndex::id_in_order`] looks first: the user after the last row's. In a file in
/// another order every guess misses, so after two misses in a row only every 16th ask guesses,
/// to notice when the order comes back.
#[derive(Debug, Default)]
pub(super) struct Cursor {
    next: u32,
    misses: u32,
    asked: u32,
}

/// In [`RosterIndex::active_scopes`]: the user is not active.
pub(super) const INACTIVE: u32 = u32::MAX;

impl RosterIndex {
    pub fn new(roster: &Roster) -> RosterIndex {
        let users = &roster.users;
        let mut ix = RosterIndex::default();
        ix.by_id.reserve(users.len());
        ix.by_email.reserve(users.len());
        ix.ids_unique = true;
        ix.active_scope.reserve(users.len());
        let mut numbers: FxHashMap<&str, u32> = FxHashMap::default();
        let mut last: Option<(&str, u32)> = None;
        for (i, u) in users.iter().enumerate() {
            let s = u.data.scope.as_str();
            let n = match last {
                Some((t, n)) if same_bytes(t.as_bytes(), s.as_bytes()) => n,
                _ => {
                    let next = ix.scopes.len() as u32;
                    let n = *numbers.entry(s).or_insert(next);
                    if n == next {
                        ix.scopes.push(s.to_owned());
                    }
                    last = Some((s, n));
                    n
                }
            };
            ix.active_scope.push(if u.status == UserStatus::Active {
                n
            } else {
                INACTIVE
            });
            if let Some(d) = &u.data.sis_id {
                match ix.by_id.entry(fingerprint(d.as_str())) {
                    Entry::Vacant(slot) => {
                        slot.insert(i as u32);
                    }
                    Entry::Occupied(_) => ix.ids_unique = false,
                }
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

    /// [`RosterIndex::id`] for a file's rows in turn, trying first the user after the last
    /// row's: files mostly list people in the roster's order (an SIS exports in a stable order,
    /// and the roster keeps the order of the imports that made it), and checking that user
    /// spares a lookup in a table too big for the cache. The answer is the index's either way.
    #[inline]
    pub(super) fn id_in_order(&self, users: &[RosterUser], d: &str, c: &mut Cursor) -> Option<u32> {
        c.asked = c.asked.wrapping_add(1);
        let guess = (c.misses < 2 || c.asked.is_multiple_of(16)).then_some(c.next);
        let (ui, hit) = self.id_near(users, d, guess);
        if hit {
            c.misses = 0;
        } else if guess.is_some() {
            c.misses = c.misses.saturating_add(1);
        }
        if let Some(ui) = ui {
            c.next = ui.wrapping_add(1);
        }
        ui
    }

    /// [`RosterIndex::id`], trying `guess` first, and whether the guess was it. A guess is
    /// taken only when its id is the key's text and ids are unique.
    #[inline]
    fn id_near(&self, users: &[RosterUser], d: &str, guess: Option<u32>) -> (Option<u32>, bool) {
        let hit = self.ids_unique
            && guess.and_then(|g| users.get(g as usize)).is_some_and(|u| {
                u.data
                    .sis_id
                    .as_ref()
                    .is_some_and(|t| same_bytes(t.as_str().as_bytes(), d.as_bytes()))
            });
        match hit {
            true => (guess, true),
            false => (self.id(users, d), false),
        }
    }

    /// Was the index built from these users? (One that was not is built again.)
    pub(super) fn fits(&self, users: &[RosterUser]) -> bool {
        self.active_scope.len() == users.len()
    }

    /// Each user's scope number ([`INACTIVE`] for a user who is not active), and the scopes
    /// the numbers stand for.
    pub(super) fn active_scopes(&self) -> (&[u32], &[String]) {
        (&self.active_scope, &self.scopes)
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

#[cfg(test)]
mod tests {
    #![allow(clippy::expect_used)]
    use super::*;

    const FILE: &str = "idnumber,email,firstname,lastname,role,status,school\n\
                        S1,a@d.org,Ann,Lee,student,1,101\nS2,b@d.org,Bo,Kim,student,1,102\n\
                        S3,c@d.org,Cy,Ode,student,1,103\nS4,d@d.org,Di,Fox,student,1,101\n";

    fn validation() -> crate::validate::Validation {
        let opts = crate::testgen::import_options();
        crate::validate_bytes(FILE.as_bytes(), &opts)
            .expect("reads")
            .1
    }

    fn roster() -> Roster {
        Roster::from_validation(&validation(), "f.csv", 1)
    }

    /// Scopes in several runs, and users who are not active.
    fn mixed() -> Roster {
        let mut r = roster();
        for (i, (scope, status)) in [
            ("b.csv", UserStatus::Active),
            ("f.csv", UserStatus::Archived),
            ("b.csv", UserStatus::Active),
            ("a.csv", UserStatus::Active),
        ]
        .into_iter()
        .enumerate()
        {
            r.users[i].data.scope = Scope::checked(scope);
            r.users[i].status = status;
        }
        r
    }

    #[test]
    fn each_active_user_has_its_scope_by_number() {
        let r = mixed();
        let ix = RosterIndex::new(&r);
        let (of, names) = ix.active_scopes();
        assert_eq!(names, ["b.csv", "f.csv", "a.csv"]);
        for (u, &n) in r.users.iter().zip(of) {
            match u.status {
                UserStatus::Active => assert_eq!(names[n as usize], u.data.scope.as_str()),
                _ => assert_eq!(n, INACTIVE),
            }
        }
    }

    /// An index built from other users is built again, not trusted.
    #[test]
    fn a_plan_with_another_rosters_index_is_the_plan() {
        let r = mixed();
        let v = validation();
        let scope = Scope::checked("b.csv");
        let want = plan(&v, &r, &scope, &Default::default());
        let other = RosterIndex::new(&Roster::default());
        assert_eq!(
            plan_indexed(&v, &r, &other, &scope, &Default::default()),
            want
        );
        assert!(!want.archives.is_empty() || !want.updates.is_empty());
    }

    /// Whatever the guess, the answer is the index's: with unique ids, and with an id held
    /// twice (the second holder right after the first, where a guess after it would land).
    #[test]
    fn a_guess_never_changes_the_answer() {
        let mut twice = roster();
        let mut copy = twice.users[1].clone();
        copy.id = UserId(99);
        copy.status = UserStatus::Archived;
        twice.users.insert(2, copy);
        for (r, unique) in [(roster(), true), (twice, false)] {
            let ix = RosterIndex::new(&r);
            assert_eq!(ix.ids_unique, unique);
            for key in ["S1", "S2", "S3", "S4", "S5", ""] {
                let want = ix.id(&r.users, key);
                let n = r.users.len() as u32;
                for guess in (0..=n + 1).map(Some).chain([None]) {
                    assert_eq!(ix.id_near(&r.users, key, guess).0, want, "{key} {guess:?}");
                }
            }
        }
    }
}
