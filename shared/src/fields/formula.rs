//! Cells a spreadsheet would run as formulas: the reader flags them and takes back what a CSV
//! writer protected; the writer protects them. One rule, beneath both.

/// `'=…`, `'+…`, `'-…`, `'@…`: text that a CSV writer protected from spreadsheets; the reader
/// takes it back as the plain text after the quote mark.
#[inline]
pub fn unescape_formula(s: &str) -> &str {
    match s.strip_prefix('\'') {
        Some(rest) if needs_escape(rest) => rest,
        _ => s,
    }
}

/// A cell the CSV writer must protect: formula-like, or already looking like a protected one
/// (`'=x` is written `''=x`, so that reading it back gives `'=x` again).
#[inline]
pub fn needs_escape(s: &str) -> bool {
    is_formula_like(s) || s.strip_prefix('\'').is_some_and(needs_escape)
}

/// Would a spreadsheet run this cell as a formula?
#[inline]
pub fn is_formula_like(s: &str) -> bool {
    let b = s.as_bytes();
    b.first().is_some_and(|&c| FORMULA_START[usize::from(c)]) && !is_signed_number(b)
}

/// `-1`, `+2`, `-0.5`: a number with its sign is a value a spreadsheet shows as it is (a grade
/// of `-1` is pre-kindergarten in some SIS), not a formula. Anything more (`-1+1+cmd|…`) is.
fn is_signed_number(b: &[u8]) -> bool {
    let [b'-' | b'+', rest @ ..] = b else {
        return false;
    };
    let mut dot = false;
    !rest.is_empty()
        && rest.first().is_some_and(u8::is_ascii_digit)
        && rest.iter().all(|&c| match c {
            b'0'..=b'9' => true,
            b'.' if !dot => {
                dot = true;
                true
            }
            _ => false,
        })
}

/// `=`, `+`, `-`, `@`, tab, CR: one table lookup per cell, not a chain of comparisons.
static FORMULA_START: [bool; 256] = {
    let mut t = [false; 256];
    let starts = b"=+-@\t\r";
    let mut i = 0;
    while i < starts.len() {
        t[starts[i] as usize] = true;
        i += 1;
    }
    t
};

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn a_signed_number_is_a_value_and_anything_more_a_formula() {
        for s in ["-1", "-2", "+3", "-0.5", "Ann", "12", ""] {
            assert!(!is_formula_like(s), "{s}");
        }
        for s in [
            "=1+1",
            "-1+1+cmd|' /C calc'!A0",
            "+",
            "-",
            "-.5",
            "-1.2.3",
            "@SUM(A1)",
            "-1e3",
        ] {
            assert!(is_formula_like(s), "{s}");
        }
    }
}
