//! Repeated keys (district IDs, emails) of a file.
//!
//! As each row is validated, its key's 64-bit fingerprint is appended to one of 16 lists chosen
//! by its top four bits: sixteen sequential writes whose ends stay in the CPU's first-level
//! cache. (One list per top byte, 256 of them, touched another cache line per row and cost
//! ~10% of `Validator::push`; one list for all keys had to be scattered over 8 MB at the end,
//! ~15 ms per million keys; a table or bitmap probed per row missed the cache on every row.)
//! At the end each list (about 500 KB for a million keys) is split by the next four bits into
//! a buffer the second-level cache holds, and each of those 256 parts, a few thousand
//! fingerprints, is checked for repeats with a small hash table. Only when a fingerprint
//! repeats are the records with it gathered and their texts compared, so a collision of two
//! different keys is never reported.

/// Lists at insert time, and parts per list at the end.
const FANOUT: usize = 16;

#[derive(Debug)]
pub(crate) struct Repeats {
    lists: [Vec<u64>; FANOUT],
}

impl Default for Repeats {
    fn default() -> Self {
        Repeats {
            lists: std::array::from_fn(|_| Vec::new()),
        }
    }
}

/// The fingerprint as a table holds it (`0` marks an empty slot, so a `0` is stored as `1`;
/// the texts are compared before anything is reported).
pub(crate) fn stored(fp: u64) -> u64 {
    fp.max(1)
}

impl Repeats {
    /// Makes room for about `n` keys.
    pub(crate) fn reserve(&mut self, n: usize) {
        let each = n / FANOUT + n / FANOUT / 8 + 16;
        for l in &mut self.lists {
            l.reserve(each);
        }
    }

    pub(crate) fn insert(&mut self, fp: u64) {
        let fp = stored(fp);
        // The top four bits: always < FANOUT.
        if let Some(l) = self.lists.get_mut((fp >> 60) as usize) {
            l.push(fp);
        }
    }

    /// Fingerprints seen more than once, sorted, each once.
    pub(crate) fn into_repeated(self) -> Vec<u64> {
        let part_of = |fp: u64| (fp >> 56) as usize & (FANOUT - 1);
        let mut repeated = Vec::new();
        let mut parted: Vec<u64> = Vec::new();
        let mut table: Vec<u64> = Vec::new();
        for list in self.lists {
            // Split by bits 56..60: count, then scatter.
            let mut start = [0usize; FANOUT + 1];
            for &fp in &list {
                if let Some(c) = start.get_mut(part_of(fp) + 1) {
                    *c += 1;
                }
            }
            for i in 1..=FANOUT {
                start[i] += start[i - 1];
            }
            let mut next = start;
            parted.clear();
            parted.resize(list.len(), 0);
            for &fp in &list {
                if let Some(at) = next.get_mut(part_of(fp)) {
                    if let Some(slot) = parted.get_mut(*at) {
                        *slot = fp;
                    }
                    *at += 1;
                }
            }
            drop(list);
            for w in start.windows(2) {
                let part = parted.get(w[0]..w[1]).unwrap_or(&[]);
                let slots = (part.len() * 2).next_power_of_two().max(16);
                table.clear();
                table.resize(slots, 0);
                for &fp in part {
                    if !place(&mut table, fp) {
                        repeated.push(fp);
                    }
                }
            }
        }
        repeated.sort_unstable();
        repeated.dedup();
        repeated
    }
}

/// Puts `fp` in its slot (linear probing; the table is at most half full); `false` when it is
/// there already.
fn place(table: &mut [u64], fp: u64) -> bool {
    let mask = table.len() - 1;
    // Fingerprints are uniform: their low bits pick the slot (the top byte picked the part).
    let mut i = (fp as usize) & mask;
    loop {
        match table.get(i).copied() {
            Some(0) => {
                if let Some(s) = table.get_mut(i) {
                    *s = fp;
                }
                return true;
            }
            Some(f) if f == fp => return false,
            _ => i = (i + 1) & mask,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn finds_every_repeat() {
        let mut r = Repeats::default();
        r.reserve(100);
        // Small keys all fall in one part and cluster in the low bits: the worst case.
        for k in 0..5_000u64 {
            r.insert(k);
        }
        let spread = |k: u64| k.wrapping_mul(0x9E37_79B9_7F4A_7C15);
        for k in 1..5_000u64 {
            r.insert(spread(k));
        }
        for k in [0u64, 1, 17, 4_999, 17, spread(3)] {
            r.insert(k);
        }
        // 0 and 1 are stored alike: reported, and told apart later by their texts.
        let mut want = vec![1, 17, 4_999, spread(3)];
        want.sort_unstable();
        assert_eq!(r.into_repeated(), want);
    }

    #[test]
    fn no_repeats_no_report() {
        let mut r = Repeats::default();
        for k in 1..=10_000u64 {
            r.insert(k.wrapping_mul(0x9E37_79B9_7F4A_7C15));
        }
        assert!(r.into_repeated().is_empty());
    }
}
