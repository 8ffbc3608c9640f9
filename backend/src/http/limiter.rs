//! Sign-in throttling (OWASP ASVS 2.2.1): failures are counted per client address and per
//! account, in windows, in bounded memory.
//!
//! - A client address with `per_address` failures in a window is refused until the window ends
//!   (one client cannot try 200 accounts).
//! - An account with `per_account` failures in a window is *slowed*, not locked: from then on
//!   one attempt per `slow` is let through, whoever makes it, so its owner still gets in (after
//!   a wait) while a guesser gets a handful of tries an hour.
//! - Only failures count; a successful sign-in clears its account.

use std::collections::HashMap;
use std::net::IpAddr;
use std::time::{Duration, Instant};

#[derive(Debug, Clone, Copy)]
pub struct LoginLimits {
    pub window: Duration,
    pub per_address: u32,
    pub per_account: u32,
    /// Once an account is slowed: the least time between two attempts on it.
    pub slow: Duration,
    /// Entries kept per map; the oldest window is forgotten first when full.
    pub max_entries: usize,
}

impl Default for LoginLimits {
    fn default() -> Self {
        LoginLimits {
            window: Duration::from_secs(300),
            per_address: 30,
            per_account: 10,
            slow: Duration::from_secs(10),
            max_entries: 10_000,
        }
    }
}

#[derive(Debug, Clone, Copy)]
struct Window {
    start: Instant,
    failures: u32,
    /// While slowed: when the next attempt may come.
    next: Option<Instant>,
}

#[derive(Debug, Default)]
pub struct Limiter {
    by_address: HashMap<IpAddr, Window>,
    by_account: HashMap<String, Window>,
}

/// Refused: try again after this long.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryAfter(pub Duration);

/// Account keys are bounded (an email is at most 254 bytes; anything longer is cut).
fn account_key(account: &str) -> String {
    let mut end = account.len().min(256);
    while !account.is_char_boundary(end) {
        end -= 1;
    }
    account[..end].to_owned()
}

fn live(w: &Window, now: Instant, l: &LoginLimits) -> bool {
    now.saturating_duration_since(w.start) < l.window
}

fn make_room<K: Clone + Eq + std::hash::Hash>(
    map: &mut HashMap<K, Window>,
    now: Instant,
    l: &LoginLimits,
) {
    if map.len() < l.max_entries {
        return;
    }
    map.retain(|_, w| live(w, now, l));
    while map.len() >= l.max_entries {
        let Some(oldest) = map
            .iter()
            .min_by_key(|(_, w)| w.start)
            .map(|(k, _)| k.clone())
        else {
            break;
        };
        map.remove(&oldest);
    }
}

/// Counts one failure for `key` in its window (a new one if it ended), making room first.
fn count<'m, K: Clone + Eq + std::hash::Hash>(
    map: &'m mut HashMap<K, Window>,
    key: K,
    now: Instant,
    l: &LoginLimits,
) -> &'m mut Window {
    if !map.contains_key(&key) {
        make_room(map, now, l);
    }
    let fresh = Window {
        start: now,
        failures: 0,
        next: None,
    };
    let w = map.entry(key).or_insert(fresh);
    if !live(w, now, l) {
        *w = fresh;
    }
    w.failures = w.failures.saturating_add(1);
    w
}

impl Limiter {
    /// May this attempt go ahead? Counts nothing.
    pub fn check(
        &mut self,
        address: Option<IpAddr>,
        account: &str,
        now: Instant,
        l: &LoginLimits,
    ) -> Result<(), RetryAfter> {
        if let Some(w) = address.and_then(|a| self.by_address.get(&a)) {
            if live(w, now, l) && w.failures >= l.per_address {
                return Err(RetryAfter(
                    (w.start + l.window).saturating_duration_since(now),
                ));
            }
        }
        if let Some(w) = self.by_account.get_mut(&account_key(account)) {
            if live(w, now, l) {
                if let Some(next) = w.next {
                    if now < next {
                        return Err(RetryAfter(next - now));
                    }
                    // This attempt takes the slot; the next one waits again.
                    w.next = Some(now + l.slow);
                }
            }
        }
        Ok(())
    }

    pub fn failure(
        &mut self,
        address: Option<IpAddr>,
        account: &str,
        now: Instant,
        l: &LoginLimits,
    ) {
        if let Some(a) = address {
            count(&mut self.by_address, a, now, l);
        }
        let w = count(&mut self.by_account, account_key(account), now, l);
        if w.failures >= l.per_account && w.next.is_none() {
            w.next = Some(now + l.slow);
        }
    }

    pub fn success(&mut self, account: &str) {
        self.by_account.remove(&account_key(account));
    }

    /// Forgets every window that has ended.
    pub fn prune(&mut self, now: Instant, l: &LoginLimits) {
        self.by_address.retain(|_, w| live(w, now, l));
        self.by_account.retain(|_, w| live(w, now, l));
    }

    pub fn len(&self) -> usize {
        self.by_address.len() + self.by_account.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(n: u8) -> Option<IpAddr> {
        Some(IpAddr::from([10, 0, 0, n]))
    }

    const L: LoginLimits = LoginLimits {
        window: Duration::from_secs(300),
        per_address: 30,
        per_account: 10,
        slow: Duration::from_secs(10),
        max_entries: 100,
    };

    #[test]
    fn one_address_cannot_try_many_accounts() {
        let (mut lim, t) = (Limiter::default(), Instant::now());
        let mut refused = 0;
        for i in 0..200 {
            let acct = format!("user{i}@d.org");
            match lim.check(ip(1), &acct, t, &L) {
                Ok(()) => lim.failure(ip(1), &acct, t, &L),
                Err(_) => refused += 1,
            }
        }
        assert_eq!(refused, 170, "30 tries, then the address waits");
        assert!(
            lim.check(ip(2), "user0@d.org", t, &L).is_ok(),
            "another client is not held"
        );
        assert!(
            lim.check(ip(1), "x@d.org", t + L.window, &L).is_ok(),
            "the window ends"
        );
    }

    #[test]
    fn an_attacked_account_is_slowed_and_its_owner_still_gets_in() {
        let (mut lim, t) = (Limiter::default(), Instant::now());
        for _ in 0..10 {
            assert!(lim.check(ip(9), "admin@d.org", t, &L).is_ok());
            lim.failure(ip(9), "admin@d.org", t, &L);
        }
        // Slowed: the owner, elsewhere, is told to wait, not refused for good.
        assert_eq!(
            lim.check(ip(1), "admin@d.org", t, &L),
            Err(RetryAfter(Duration::from_secs(10)))
        );
        assert!(lim.check(ip(1), "admin@d.org", t + L.slow, &L).is_ok());
        lim.success("admin@d.org");
        assert!(
            lim.check(ip(1), "admin@d.org", t + L.slow, &L).is_ok(),
            "success clears it"
        );
        // Successes are not failures: an owner signing in often is never slowed.
        for _ in 0..50 {
            assert!(lim.check(ip(1), "busy@d.org", t, &L).is_ok());
            lim.success("busy@d.org");
        }
    }

    #[test]
    fn memory_stays_bounded_and_ended_windows_are_forgotten() {
        let (mut lim, t) = (Limiter::default(), Instant::now());
        for i in 0..10_000u32 {
            let addr = Some(IpAddr::from(i.to_be_bytes()));
            lim.failure(addr, &format!("{i}@d.org{}", "x".repeat(1000)), t, &L);
        }
        assert!(lim.len() <= 2 * L.max_entries, "{}", lim.len());
        assert!(lim.by_account.keys().all(|k| k.len() <= 256));
        lim.prune(t + L.window, &L);
        assert!(lim.is_empty());
    }
}
