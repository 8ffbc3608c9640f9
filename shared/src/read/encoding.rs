//! Which text encoding a file's bytes are in.
//!
//! Order of evidence: a byte-order mark is certain; then magic numbers of formats that are not
//! text (a workbook, a PDF, an image) and NUL/control density; then UTF-8 validity of the sample
//! (UTF-8 is self-checking: Windows-1252 text with accents is almost never valid UTF-8); then, for
//! 8-bit text, Windows-1252 and Mac Roman are each decoded and scored over the whole sample on
//! how plausible the non-ASCII characters are where they stand (letters inside words, case that
//! fits the word), never on one byte alone.

use encoding_rs::{Encoding, MACINTOSH, UTF_16BE, UTF_16LE, UTF_8, WINDOWS_1252};
use serde::{Deserialize, Serialize};

use super::ReadError;

/// A text encoding, by its WHATWG name (`UTF-8`, `UTF-16LE`, `windows-1252`, `macintosh`, …).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TextEncoding(&'static Encoding);

impl TextEncoding {
    pub const UTF_8: TextEncoding = TextEncoding(UTF_8);
    pub const UTF_16LE: TextEncoding = TextEncoding(UTF_16LE);
    pub const UTF_16BE: TextEncoding = TextEncoding(UTF_16BE);
    pub const WINDOWS_1252: TextEncoding = TextEncoding(WINDOWS_1252);
    pub const MAC_ROMAN: TextEncoding = TextEncoding(MACINTOSH);

    /// Any label browsers know (`latin1`, `utf-16le`, `x-mac-roman`, …) plus a few spellings
    /// people type (`mac-roman`, `macroman`, `utf16le`, `cp1252`).
    pub fn from_label(label: &str) -> Option<TextEncoding> {
        let l = label.trim().to_ascii_lowercase();
        let l = match l.as_str() {
            "mac-roman" | "macroman" | "mac_roman" | "mac" => "macintosh",
            "utf16le" | "utf-16" | "unicode" => "utf-16le",
            "utf16be" => "utf-16be",
            "utf8" => "utf-8",
            "cp1252" | "ansi" => "windows-1252",
            other => other,
        };
        Encoding::for_label(l.as_bytes()).map(TextEncoding)
    }

    pub fn name(self) -> &'static str {
        self.0.name()
    }

    pub fn encoding(self) -> &'static Encoding {
        self.0
    }

    pub fn is_utf8(self) -> bool {
        self.0 == UTF_8
    }
}

impl Serialize for TextEncoding {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.name())
    }
}

impl<'de> Deserialize<'de> for TextEncoding {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        TextEncoding::from_label(&s)
            .ok_or_else(|| serde::de::Error::custom(format!("unknown encoding `{s}`")))
    }
}

/// What detection concluded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Detected {
    pub encoding: TextEncoding,
    /// Length of the byte-order mark at the start of the file (0 when there is none).
    pub bom_len: usize,
}

/// Detects the encoding of a file from its first bytes. `complete` says the sample is the whole
/// file (so a truncated UTF-8 sequence at its end is an error, not a cut).
pub fn detect(sample: &[u8], complete: bool) -> Result<Detected, ReadError> {
    if let Some((enc, bom_len)) = Encoding::for_bom(sample) {
        return Ok(Detected {
            encoding: TextEncoding(enc),
            bom_len,
        });
    }
    if let Some((kind, hint)) = magic(sample) {
        return Err(ReadError::NotText {
            kind: kind.into(),
            hint: hint.into(),
        });
    }
    if let Some(enc) = utf16_without_bom(sample) {
        return Ok(Detected {
            encoding: enc,
            bom_len: 0,
        });
    }
    let controls = count_controls(sample);
    if controls * 100 > sample.len().max(1) || sample.contains(&0) {
        return Err(ReadError::NotText {
            kind: "binary data".into(),
            hint: "export the roster from your SIS or spreadsheet as CSV.".into(),
        });
    }
    let utf8_ok = match std::str::from_utf8(sample) {
        Ok(_) => true,
        // A multi-byte character cut by the end of the sample is still UTF-8.
        Err(e) => !complete && e.error_len().is_none(),
    };
    if utf8_ok {
        return Ok(Detected {
            encoding: TextEncoding::UTF_8,
            bom_len: 0,
        });
    }
    let win = plausibility(WINDOWS_1252, sample);
    let mac = plausibility(MACINTOSH, sample);
    let encoding = if mac > win {
        TextEncoding::MAC_ROMAN
    } else {
        TextEncoding::WINDOWS_1252
    };
    Ok(Detected {
        encoding,
        bom_len: 0,
    })
}

/// Bytes that are control characters no text file holds (all below 0x20 but tab, line feed,
/// form feed, carriage return and the DOS end-of-file mark). Counted 255 bytes at a time in
/// one-byte counters, with no branch, which the compiler turns into vector instructions.
fn count_controls(b: &[u8]) -> usize {
    b.chunks(255)
        .map(|c| {
            c.iter().fold(0u8, |n, &x| {
                let allowed =
                    (x == b'\t') | (x == b'\n') | (x == 0x0c) | (x == b'\r') | (x == 0x1a);
                n.wrapping_add(u8::from((x < 0x20) & !allowed))
            })
        })
        .map(usize::from)
        .sum()
}

fn magic(b: &[u8]) -> Option<(&'static str, &'static str)> {
    const SAVE_AS: &str = "open it in Excel and choose File › Save As › CSV UTF-8.";
    if b.starts_with(b"PK\x03\x04") {
        Some(("an Excel workbook or another zip archive", SAVE_AS))
    } else if b.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
        Some(("an old Excel workbook (.xls)", SAVE_AS))
    } else if b.starts_with(b"%PDF") {
        Some(("a PDF document", "export the roster from your SIS as CSV."))
    } else if b.starts_with(b"\x89PNG")
        || b.starts_with(b"GIF8")
        || b.starts_with(&[0xFF, 0xD8, 0xFF])
    {
        Some(("an image", "choose the roster's CSV file."))
    } else if b.starts_with(&[0x1F, 0x8B]) {
        Some(("a gzip archive", "unpack it and choose the CSV inside."))
    } else {
        None
    }
}

/// UTF-16 without a BOM: mostly-ASCII text leaves a NUL in every other byte.
fn utf16_without_bom(b: &[u8]) -> Option<TextEncoding> {
    let n = b.len() / 2 * 2;
    if n < 8 {
        return None;
    }
    let pairs = n / 2;
    let (mut even, mut odd) = (0usize, 0usize);
    for p in b[..n].chunks_exact(2) {
        even += usize::from(p[0] == 0);
        odd += usize::from(p[1] == 0);
    }
    if odd * 10 >= pairs * 7 && even * 20 < pairs {
        Some(TextEncoding::UTF_16LE)
    } else if even * 10 >= pairs * 7 && odd * 20 < pairs {
        Some(TextEncoding::UTF_16BE)
    } else {
        None
    }
}

/// Scores how plausible the non-ASCII characters of `sample` are when decoded as `enc`:
/// common accented letters (Latin-1's) inside words score most, rarer letters less; controls,
/// and symbols wedged between letters, cost; so does a case change in the middle of a word. A
/// typographic apostrophe counts as one only where an apostrophe makes sense (`O’Brien`).
fn plausibility(enc: &'static Encoding, sample: &[u8]) -> i64 {
    let (text, _) = enc.decode_without_bom_handling(sample);
    let chars: Vec<char> = text.chars().collect();
    let at = |i: usize| chars.get(i).copied().unwrap_or(' ');
    let mut score = 0i64;
    for (i, &c) in chars.iter().enumerate() {
        if c.is_ascii() {
            continue;
        }
        let p = if i > 0 { chars[i - 1] } else { ' ' };
        let n = at(i + 1);
        score += if ('\u{80}'..='\u{9f}').contains(&c) || c == '\u{fffd}' {
            -10
        } else if c.is_alphabetic() {
            let common = ('\u{c0}'..='\u{ff}').contains(&c);
            let mut s = if common { 2 } else { 1 };
            if c.is_uppercase() && (p.is_lowercase() || (p.is_alphabetic() && n.is_lowercase())) {
                s -= 4;
            }
            if c.is_lowercase() && p.is_alphabetic() && n.is_uppercase() {
                s -= 2;
            }
            // Rosters hold names, and names are capitalized: a word that starts with an
            // upper-case accented letter is likelier than one that starts with a lower-case one.
            if !p.is_alphabetic() && n.is_lowercase() {
                s += if c.is_uppercase() { 1 } else { -1 };
            }
            s
        } else if matches!(c, '\u{2019}' | '\u{2bc}') && p.is_alphabetic() {
            let possessive = n == 's' && !at(i + 2).is_alphabetic();
            if n.is_uppercase() || !n.is_alphabetic() || possessive {
                2
            } else {
                -1
            }
        } else if p.is_alphabetic() && n.is_alphabetic() {
            -3
        } else {
            -1
        };
    }
    score
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn controls_are_counted_as_byte_by_byte() {
        let bytes: Vec<u8> = (0..5_000u32).map(|i| (i * 7 % 256) as u8).collect();
        for start in [0, 1, 254, 255, 256, 1000] {
            let s = &bytes[start..];
            let want = s
                .iter()
                .filter(|&&b| b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r' | 0x0c | 0x1a))
                .count();
            assert_eq!(count_controls(s), want);
        }
    }

    fn enc(bytes: &[u8]) -> &'static str {
        detect(bytes, true)
            .map(|d| d.encoding.name())
            .unwrap_or("error")
    }

    #[test]
    fn boms() {
        assert_eq!(enc(b"\xEF\xBB\xBFa,b"), "UTF-8");
        assert_eq!(enc(b"\xFF\xFEa\0,\0b\0"), "UTF-16LE");
        assert_eq!(enc(b"\xFE\xFF\0a\0,\0b"), "UTF-16BE");
    }

    #[test]
    fn eight_bit_text() {
        // "Jürgen,Lefèvre,Núñez" in each encoding.
        assert_eq!(
            enc(b"J\xFCrgen,Lef\xE8vre,N\xFA\xF1ez,Chlo\xE9\r\n"),
            "windows-1252"
        );
        assert_eq!(
            enc(b"J\x9Frgen,Lef\x8Fvre,N\x9C\x96ez,Chlo\x8E\r"),
            "macintosh"
        );
        assert_eq!(enc("Jürgen,Lefèvre".as_bytes()), "UTF-8");
        // One ambiguous byte each: Mac `ö` (1252 `š`), Mac `í` (1252 `’`), 1252 `’` (Mac `í`).
        assert_eq!(enc(b"Bj\x9Arn,Nakamura\r"), "macintosh");
        assert_eq!(enc(b"Mart\x92nez,Ana\r"), "macintosh");
        assert_eq!(enc(b"O\x92Brien,Ana\r\n"), "windows-1252");
        assert_eq!(enc(b"Mary\x92s,Ana\r\n"), "windows-1252");
        // One capital at a word's start: Mac `Á`ngel (1252 `ç`ngel), 1252 `Á`ngel (Mac `¡`ngel).
        assert_eq!(enc(b"Lee,\xE7ngel\r\n"), "macintosh");
        assert_eq!(enc(b"Lee,\xC1ngel\r\n"), "windows-1252");
    }

    #[test]
    fn utf8_cut_mid_character_is_still_utf8_when_incomplete() {
        let s = "Lefèvre".as_bytes();
        let cut = &s[..4]; // "Lef" + first byte of è
        assert_eq!(detect(cut, false).map(|d| d.encoding.name()), Ok("UTF-8"));
    }

    #[test]
    fn not_text() {
        assert!(matches!(
            detect(b"PK\x03\x04\x14\0\x06\0", true),
            Err(ReadError::NotText { .. })
        ));
        assert!(matches!(
            detect(&[0, 1, 2, 3, 200, 0, 7, 8, 9, 0], true),
            Err(ReadError::NotText { .. })
        ));
    }

    #[test]
    fn utf16_without_bom_is_recognised() {
        let le: Vec<u8> = "a,b\r\nc,d\r\n"
            .encode_utf16()
            .flat_map(|u| u.to_le_bytes())
            .collect();
        assert_eq!(enc(&le), "UTF-16LE");
        let be: Vec<u8> = "a,b\r\nc,d\r\n"
            .encode_utf16()
            .flat_map(|u| u.to_be_bytes())
            .collect();
        assert_eq!(enc(&be), "UTF-16BE");
    }

    #[test]
    fn labels() {
        assert_eq!(
            TextEncoding::from_label("latin1"),
            Some(TextEncoding::WINDOWS_1252)
        );
        assert_eq!(
            TextEncoding::from_label("Mac-Roman"),
            Some(TextEncoding::MAC_ROMAN)
        );
        assert_eq!(TextEncoding::from_label("nope"), None);
    }
}
