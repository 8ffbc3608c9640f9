//! Repeated keys (district IDs, emails) of a file.
//!
//! As each row is validated, its key's 64-bit fingerprint is appended to one list (a
//! sequential write, nearly free: appending to one of 256 partitions per row instead cost four
//! times as much in `Validator::push`, each append touching another cache line). At the end the
//! list is split into 256 partitions by top byte in one counting pass, and each partition, a few
//! thousand fingerprints for a million rows, is checked for repeats with a small hash table that
//! stays in the CPU's cache — rather than one table or one sort over the whole file, whose
//! random accesses miss the cache on every row. Only when a fingerprint repeats are the records
//! with it gathered and their texts compared, so a collision of two different keys is never
//! reported.

const PARTS: usize = 256;

#[derive(Debug, Default)]
pub(crate) struct Repeats {
    fps: Vec<u64>,
}

/// The fingerprint as a table holds it (`0` marks an empty slot, so a `0` is stored as `1`;
/// the texts are compared before anything is reported).
pub(crate) fn stored(fp: u64) -> u64 {
    fp.max(1)
}

impl Repeats {
    /// Makes room for about `n` keys.
    pub(crate) fn reserve(&mut self, n: usize) {
        self.fps.reserve(n);
    }

    pub(crate) fn insert(&mut self, fp: u64) {
        self.fps.push(stored(fp));
    }

    /// Fingerprints seen more than once, sorted, each once.
    pub(crate) fn into_repeated(self) -> Vec<u64> {
        let part_of = |fp: u64| (fp >> 56) as usize;
        // Where each partition starts in `parted`: a counting pass, then a scatter.
        let mut start = [0usize; PARTS + 1];
        for &fp in &self.fps {
            if let Some(c) = start.get_mut(part_of(fp) + 1) {
                *c += 1;
            }
        }
        for i in 1..=PARTS {
            start[i] += start[i - 1];
        }
        let mut next = start;
        let mut parted = vec![0u64; self.fps.len()];
        for &fp in &self.fps {
            if let Some(at) = next.get_mut(part_of(fp)) {
                if let Some(slot) = parted.get_mut(*at) {
                    *slot = fp;
                }
                *at += 1;
            }
        }
        drop(self.fps);
        let mut repeated = Vec::new();
        let mut table: Vec<u64> = Vec::new();
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
