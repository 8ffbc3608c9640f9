//! Text as every field has it: trimmed once, bounded in characters, one line (no control
//! character), compared a word at a time, folded for name-versus-email comparisons.

use crate::swar;

/// `str::trim` (Unicode white space, so a no-break space from a spreadsheet goes too), with a
/// fast exit for the usual cell, whose first and last characters are not white space: every
/// parser trims, and the validator trims each cell once before that.
#[inline(always)]
pub(crate) fn trim(s: &str) -> &str {
    let b = s.as_bytes();
    match (b.first(), b.last()) {
        (Some(&a), Some(&z)) if visible(a) && (visible(z) || !ends_in_space(s)) => s,
        (None, _) | (_, None) => s,
        _ => s.trim(),
    }
}

/// A byte that is neither ASCII white space nor part of a non-ASCII character.
#[inline]
pub(super) fn visible(b: u8) -> bool {
    (0x21..0x7f).contains(&b)
}

/// Whether the last character is (Unicode) white space.
#[inline]
pub(super) fn ends_in_space(s: &str) -> bool {
    s.chars().next_back().is_some_and(char::is_whitespace)
}

/// The longest name (first, middle, last), in characters.
pub const MAX_NAME: usize = 100;
/// The longest other text (ids, school, scope), in characters.
pub const MAX_TEXT: usize = 255;
/// The longest password, in characters.
pub const MAX_PASSWORD: usize = 256;

/// Whether `s` has more than `max` characters (counted only when it has more than `max` bytes,
/// which nearly no value has). The browser and the server both ask this.
#[inline]
pub fn longer_than(s: &str, max: usize) -> bool {
    s.len() > max && s.chars().count() > max
}

/// Whether `b` holds a control character (as [`has_control`] says) other than `allowed`: eight
/// bytes at a time, looking closer only at a word's non-ASCII lanes (for C1 controls and the
/// line and paragraph separators). The validator asks it once per row, and asks each field only
/// when the row has one.
#[inline]
pub(crate) fn control_allowing(b: &[u8], allowed: u8) -> bool {
    // Branch-free over the words: C0 and DEL lanes, and the lead bytes of C1 controls (`C2`)
    // and of the separators (`E2`), which accented letters (`C3 …`) never are.
    let mut ctrl = 0u64;
    let mut lead = 0u64;
    let mut words = b.chunks_exact(8);
    for w in &mut words {
        let w = swar::load::<8>(w, 0);
        let high = w & swar::HIGH;
        let low = w & !swar::HIGH;
        ctrl |= ((!swar::ge_lanes(low, 0x20) & swar::HIGH & !high) | swar::eq_lanes(w, 0x7f))
            & !swar::eq_lanes(w, allowed);
        lead |= swar::eq_lanes(w, 0xc2) | swar::eq_lanes(w, 0xe2);
    }
    for &c in words.remainder() {
        if (c < 0x20 || c == 0x7f) && c != allowed {
            return true;
        }
        if c == 0xc2 || c == 0xe2 {
            lead = 1;
        }
    }
    if ctrl != 0 {
        return true;
    }
    // A possible C1 control or separator (rare: `C2` also leads `°`, `«`, a no-break space…):
    // the exact look.
    lead != 0
        && b.iter().enumerate().any(|(j, &c)| match c {
            0xc2 => b.get(j + 1).is_some_and(|&n| n < 0xa0),
            0xe2 => b.get(j + 1) == Some(&0x80) && matches!(b.get(j + 2), Some(0xa8 | 0xa9)),
            _ => false,
        })
}

/// Whether `s` holds a control character (CR, LF, tab, NUL, DEL…): no field of a user is more
/// than one line of plain text, and a line break in a name would reach a mail's lines. Both
/// the browser's validation and the server's verification ask this.
#[inline]
pub fn has_control(s: &str) -> bool {
    control_allowing(s.as_bytes(), b' ')
}

/// [`has_control`] byte by byte: the plain twin the fast one is tested against.
#[cfg(test)]
fn has_control_plain(b: &[u8], allowed: u8) -> bool {
    b.iter().enumerate().any(|(i, &c)| {
        (c < 0x20 || c == 0x7f) && c != allowed
            || (c == 0xc2 && b.get(i + 1).is_some_and(|&n| n < 0xa0))
            || (c == 0xe2
                && b.get(i + 1) == Some(&0x80)
                && matches!(b.get(i + 2), Some(0xa8 | 0xa9)))
    })
}

/// Equal byte strings, compared a word at a time inline: the first and last words (which may
/// overlap) and every whole word between, with no loop over single bytes. A district's domain
/// is compared on every row and the planner compares every field of every record: `memcmp`
/// calls (and their mispredicted size checks) were most of the planner's time.
#[inline]
pub(crate) fn same_bytes(a: &[u8], b: &[u8]) -> bool {
    let n = a.len();
    if n != b.len() {
        return false;
    }
    use swar::load as at;
    match n {
        0 => true,
        1 => a.first() == b.first(),
        2..4 => at::<2>(a, 0) == at::<2>(b, 0) && at::<2>(a, n - 2) == at::<2>(b, n - 2),
        4..8 => at::<4>(a, 0) == at::<4>(b, 0) && at::<4>(a, n - 4) == at::<4>(b, n - 4),
        _ => {
            let mut diff = at::<8>(a, n - 8) ^ at::<8>(b, n - 8);
            let mut i = 0;
            while i + 8 <= n {
                diff |= at::<8>(a, i) ^ at::<8>(b, i);
                i += 8;
            }
            diff == 0
        }
    }
}

/// Folds Latin letters to ASCII lower case (`Lefèvre` → `lefevre`, `Øster` → `oster`), dropping
/// everything that is not a letter or digit: for comparing names with email addresses.
pub fn fold_ascii(s: &str, out: &mut String) {
    out.clear();
    for c in s.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
            continue;
        }
        let f = match c {
            'à'..='å' | 'À'..='Å' | 'ā' | 'ă' | 'ą' => "a",
            'æ' | 'Æ' => "ae",
            'ç' | 'Ç' | 'ć' | 'č' => "c",
            'è'..='ë' | 'È'..='Ë' | 'ē' | 'ę' | 'ě' => "e",
            'ì'..='ï' | 'Ì'..='Ï' | 'ı' => "i",
            'ñ' | 'Ñ' | 'ń' | 'ň' => "n",
            'ò'..='ö' | 'Ò'..='Ö' | 'ø' | 'Ø' | 'ő' => "o",
            'ù'..='ü' | 'Ù'..='Ü' | 'ů' | 'ű' => "u",
            'ý' | 'ÿ' | 'Ý' => "y",
            'ß' => "ss",
            'š' | 'Š' | 'ś' => "s",
            'ž' | 'Ž' | 'ź' | 'ż' => "z",
            'ł' | 'Ł' => "l",
            'đ' | 'ð' => "d",
            'þ' => "th",
            'œ' | 'Œ' => "oe",
            _ => "",
        };
        out.push_str(f);
    }
}

/// Keeps ASCII letters and digits, lower-cased, into `buf`; anything longer than `buf` or not
/// ASCII yields a key that matches nothing.
pub(super) fn lower_letters<'b>(s: &str, buf: &'b mut [u8; 32]) -> &'b str {
    let mut n = 0;
    for c in s.bytes() {
        if c.is_ascii_alphanumeric() {
            if n == buf.len() {
                return "\u{0}";
            }
            buf[n] = c.to_ascii_lowercase();
            n += 1;
        } else if c >= 0x80 {
            return "\u{0}";
        }
    }
    std::str::from_utf8(&buf[..n]).unwrap_or("\u{0}")
}

#[cfg(test)]
mod control_tests {
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    use super::has_control;

    #[test]
    fn the_word_at_a_time_check_agrees_with_the_byte_loop() {
        let pieces: &[&[u8]] = &[
            b"a",
            b" ",
            b"~",
            b"\x1f",
            b"\x7f",
            b"\t",
            b",",
            b"\x00",
            "é".as_bytes(),
            "\u{85}".as_bytes(),
            "\u{9f}".as_bytes(),
            "\u{a0}".as_bytes(),
            "\u{2028}".as_bytes(),
            "\u{2029}".as_bytes(),
            "\u{2027}".as_bytes(),
            "語".as_bytes(),
        ];
        // Every piece at every offset of plain strings of 0..=20 bytes (lanes, words, tails,
        // and multi-byte characters across word edges).
        for len in 0..=20usize {
            for pos in 0..=len {
                for piece in pieces {
                    let mut b = vec![b'x'; len];
                    b.splice(pos..pos, piece.iter().copied());
                    for allowed in [b',', b'\t', b' '] {
                        assert_eq!(
                            super::control_allowing(&b, allowed),
                            super::has_control_plain(&b, allowed),
                            "{b:?} allowing {allowed}"
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn control_characters_are_found_wherever_they_are() {
        for bad in [
            "a\r\nSubject: x",
            "\nx",
            "x\t",
            "x\0y",
            "x\u{7f}",
            "x\u{85}y",
            "a\u{2028}b",
            "é\u{2029}",
        ] {
            assert!(has_control(bad), "{bad:?}");
        }
        for ok in [
            "",
            "Ann",
            "José-María O'Neil",
            "語語",
            "Zoë\u{a0}Lee",
            "x\u{2027}",
        ] {
            assert!(!has_control(ok), "{ok:?}");
        }
    }
}
