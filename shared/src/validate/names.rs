//! Name case: "all upper case or all lower case" for any script, a table for the usual letters.

/// Two or more cased letters, all upper case or all lower case.
#[inline]
pub(super) fn bad_name_case(s: &str) -> bool {
    // The usual name starts with a capital and a small letter: it has both, done. The small
    // letter may be one of Latin-1's (`ü` is C3 BC: C3 then 9F–BF, but not ÷'s B7).
    match *s.as_bytes() {
        [a, b, ..] if a.is_ascii_uppercase() && b.is_ascii_lowercase() => return false,
        [a, 0xc3, c, ..] if a.is_ascii_uppercase() && (0x9f..=0xbf).contains(&c) && c != 0xb7 => {
            return false
        }
        _ => {}
    }
    // One pass over the bytes, counting without branching on each letter's case.
    let (mut upper, mut lower, mut other) = (0usize, 0usize, 0u8);
    for &c in s.as_bytes() {
        let class = LETTER_CASE[usize::from(c)];
        upper += usize::from(class & 1);
        lower += usize::from(class >> 1 & 1);
        other |= class & 4;
    }
    if other == 0 {
        return (upper >= 2 && lower == 0) || (lower >= 2 && upper == 0);
    }
    let (mut upper, mut lower) = (0usize, 0usize);
    for c in s.chars() {
        let (u, l) = letter_case(c);
        upper += usize::from(u);
        lower += usize::from(l);
    }
    (upper >= 2 && lower == 0) || (lower >= 2 && upper == 0)
}

/// (upper case, lower case), with the Unicode tables only past Latin-1.
#[inline]
pub(super) fn letter_case(c: char) -> (bool, bool) {
    match u32::from(c) {
        0..=0x7f => (c.is_ascii_uppercase(), c.is_ascii_lowercase()),
        // À–Þ upper, ß–ÿ lower, but × and ÷.
        0xc0..=0xde => (c != '×', false),
        0xdf..=0xff => (false, c != '÷'),
        _ => (c.is_uppercase(), c.is_lowercase()),
    }
}

/// 1 = ASCII upper case, 2 = ASCII lower case, 4 = part of a non-ASCII character.
pub(super) static LETTER_CASE: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut i = 0;
    while i < 256 {
        let c = i as u8;
        t[i] = if c.is_ascii_uppercase() {
            1
        } else if c.is_ascii_lowercase() {
            2
        } else if c >= 0x80 {
            4
        } else {
            0
        };
        i += 1;
    }
    t
};

pub(super) fn rows_list(rows: &[u32]) -> String {
    let mut s: Vec<String> = rows.iter().take(5).map(u32::to_string).collect();
    if rows.len() > 5 {
        s.push(format!("and {} more", rows.len() - 5));
    }
    s.join(", ")
}

pub(super) fn capitalize(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}
