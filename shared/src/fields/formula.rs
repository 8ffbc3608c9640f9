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
    s.as_bytes()
        .first()
        .is_some_and(|&b| FORMULA_START[usize::from(b)])
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
