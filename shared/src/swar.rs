//! Eight bytes tested at once in a `u64` (SWAR), the same on every target and in wasm: the
//! reader's delimiter search, the email check and byte comparisons share these helpers.
//! Lane `i` is byte `i` of the little-endian word; a lane "set" in a result is its high bit.

/// 0x01 in every lane.
pub(crate) const LOW: u64 = 0x0101_0101_0101_0101;
/// 0x80 in every lane.
pub(crate) const HIGH: u64 = 0x8080_8080_8080_8080;
const LOW7: u64 = 0x7f7f_7f7f_7f7f_7f7f;

/// `W` (≤ 8) bytes of `s` from `i` as a word, the other lanes 0; all 0 when `s` is too short.
#[inline(always)]
pub(crate) fn load<const W: usize>(s: &[u8], i: usize) -> u64 {
    let mut w = [0u8; 8];
    if let (Some(d), Some(x)) = (w.get_mut(..W), s.get(i..i + W)) {
        d.copy_from_slice(x);
    }
    u64::from_le_bytes(w)
}

/// The lanes of `x` that are 0 (exactly: no carry crosses a lane).
#[inline(always)]
pub(crate) fn zero_lanes(x: u64) -> u64 {
    !(((x & LOW7) + LOW7) | x | LOW7)
}

/// The lanes of `x` equal to `c`.
#[inline(always)]
pub(crate) fn eq_lanes(x: u64, c: u8) -> u64 {
    zero_lanes(x ^ (LOW * u64::from(c)))
}

/// The lanes of `x` (all < 0x80) that are ≥ `c` (≤ 0x80): every lane's high bit is set first,
/// so no lane borrows from the next.
#[inline(always)]
pub(crate) fn ge_lanes(x: u64, c: u8) -> u64 {
    ((x | HIGH) - LOW * u64::from(c)) & HIGH
}

/// The lanes of `x` (all < 0x80) in `lo..=hi` (`hi` < 0x80).
#[inline(always)]
pub(crate) fn in_lanes(x: u64, lo: u8, hi: u8) -> u64 {
    ge_lanes(x, lo) & !ge_lanes(x, hi + 1)
}

/// The set lanes of `lanes` as the eight low bits, lane `i` at bit `i` (one multiply gathers
/// the high bits into the top byte: the products land on distinct bits).
#[inline(always)]
pub(crate) fn mask(lanes: u64) -> u64 {
    ((lanes >> 7).wrapping_mul(0x0102_0408_1020_4080)) >> 56
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    /// Every helper against its byte-by-byte meaning, on words holding every byte value in
    /// every lane.
    #[test]
    fn lanes_mean_what_they_say() {
        for v in 0..=255u8 {
            for lane in 0..8 {
                let mut b = [b'm'; 8];
                b[lane] = v;
                let x = load::<8>(&b, 0);
                let bit = |lanes: u64, i: usize| lanes >> (8 * i + 7) & 1 == 1;
                for (i, &c) in b.iter().enumerate() {
                    assert_eq!(bit(zero_lanes(x), i), c == 0);
                    assert_eq!(bit(eq_lanes(x, b','), i), c == b',');
                    assert_eq!(mask(eq_lanes(x, b',')) >> i & 1 == 1, c == b',');
                    if v < 0x80 {
                        assert_eq!(bit(ge_lanes(x, b'a'), i), c >= b'a');
                        assert_eq!(bit(in_lanes(x, b'0', b'9'), i), c.is_ascii_digit());
                    }
                }
            }
        }
        assert_eq!(load::<2>(b"abc", 1), u64::from_le_bytes(*b"bc\0\0\0\0\0\0"));
        assert_eq!(load::<8>(b"abc", 0), 0);
    }
}
