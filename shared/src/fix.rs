//! Fix in place: an admin's corrections to a file's cells. They are applied to each row as it
//! is read, so the row rules and the file-wide rules (repeated ids and emails, schools, grades)
//! judge the corrected file, and the change request holds the corrected values normalized like
//! any other. [`Picker`] reads a few rows' cells for the editor; [`CorrectedFile`] writes the file
//! back in its own layout with the fixes, for the SIS.

use std::collections::{BTreeMap, BTreeSet};

use rustc_hash::{FxHashMap, FxHashSet};
use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::fields::{trim, Field};
use crate::map::Mapping;
use crate::read::{Dialect, Limits, LineEnding, Row, RowBuf, RowProblem, RowReader};
use crate::validate::Validation;

/// One cell of one row, as the admin corrected it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CellFix {
    pub row: u32,
    /// 0-based.
    pub column: usize,
    pub value: String,
}

/// Every cell of a column that reads `from` (spaces around it aside) becomes `to`:
/// `Gr 3` → `03` on every row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ValueFix {
    /// 0-based.
    pub column: usize,
    pub from: String,
    pub to: String,
}

/// The fixes of one file. A cell's own fix wins over a fix of its value.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fixes {
    #[serde(default)]
    pub cells: Vec<CellFix>,
    #[serde(default)]
    pub values: Vec<ValueFix>,
}

/// More fixes than this are refused: a file that needs them is corrected in the SIS.
pub const MAX_FIXES: usize = 10_000;
/// Rows the editor may ask for at once.
pub const MAX_PICK: usize = 100;

#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum FixError {
    #[error("{0} fixes are more than one file can take ({MAX_FIXES}): correct the file in the SIS and read it again.")]
    TooMany(usize),
    #[error("{0} rows were asked for at once; at most {MAX_PICK}.")]
    TooManyRows(usize),
    #[error("{} could not be read (too long, or too many fields), so a corrected file would lose {}: correct {} in the file itself and read it again.", rows_words(.0), if .0.len() == 1 { "it" } else { "them" }, if .0.len() == 1 { "it" } else { "them" })]
    Unreadable(Vec<u32>),
}

fn rows_words(rows: &[u32]) -> String {
    let list: Vec<String> = rows.iter().take(10).map(u32::to_string).collect();
    let more = if rows.len() > 10 { ", …" } else { "" };
    match rows.len() {
        1 => format!("Row {}", list[0]),
        _ => format!("Rows {}{more}", list.join(", ")),
    }
}

impl Fixes {
    pub fn is_empty(&self) -> bool {
        self.cells.is_empty() && self.values.is_empty()
    }

    pub fn len(&self) -> usize {
        self.cells.len() + self.values.len()
    }

    /// Sets one cell; a second fix of the same cell replaces the first.
    pub fn set_cell(&mut self, row: u32, column: usize, value: String) {
        self.cells.retain(|c| (c.row, c.column) != (row, column));
        self.cells.push(CellFix { row, column, value });
    }

    /// Drops the fix of one cell, if there is one.
    pub fn remove_cell(&mut self, row: u32, column: usize) {
        self.cells.retain(|c| (c.row, c.column) != (row, column));
    }

    /// Drops the `i`-th fix in the order of a report (cells, then values).
    pub fn remove(&mut self, i: usize) {
        match i.checked_sub(self.cells.len()) {
            None => {
                self.cells.remove(i);
            }
            Some(v) if v < self.values.len() => {
                self.values.remove(v);
            }
            Some(_) => {}
        }
    }

    /// Sets every cell of `column` that reads `from`; a second fix of the same value replaces
    /// the first.
    pub fn set_value(&mut self, column: usize, from: &str, to: String) {
        let from = trim(from).to_owned();
        self.values
            .retain(|v| (v.column, v.from.as_str()) != (column, from.as_str()));
        self.values.push(ValueFix { column, from, to });
    }
}

/// What one fix did in a reading of the file (fixes in order: cells, then values).
#[derive(Debug, Clone, Default)]
struct Applied {
    cells: u32,
    rows: Vec<u32>,
}

/// Fixes ready to apply while a file is read: a row costs one lookup per fixed column.
#[derive(Debug, Clone, Default)]
pub struct Fixer {
    fixes: Fixes,
    /// row → (column, index in `fixes.cells`)
    by_row: FxHashMap<u32, Vec<(usize, usize)>>,
    /// (column, value → index in `fixes.values`)
    by_value: Vec<(usize, FxHashMap<String, usize>)>,
    applied: Vec<Applied>,
}

impl Fixer {
    pub fn new(fixes: Fixes) -> Result<Fixer, FixError> {
        if fixes.len() > MAX_FIXES {
            return Err(FixError::TooMany(fixes.len()));
        }
        let mut by_row: FxHashMap<u32, Vec<(usize, usize)>> = FxHashMap::default();
        for (i, c) in fixes.cells.iter().enumerate() {
            by_row.entry(c.row).or_default().push((c.column, i));
        }
        let mut columns: BTreeMap<usize, FxHashMap<String, usize>> = BTreeMap::new();
        for (i, v) in fixes.values.iter().enumerate() {
            columns
                .entry(v.column)
                .or_default()
                .insert(trim(&v.from).to_owned(), i);
        }
        Ok(Fixer {
            applied: vec![Applied::default(); fixes.len()],
            by_row,
            by_value: columns.into_iter().collect(),
            fixes,
        })
    }

    /// `row` with its fixes, or `None` when none touches it. A row that could not be read is
    /// left as it is (its issue stands); a cell fix past a short row's end pads the row.
    pub fn apply(&mut self, row: &Row<'_>) -> Option<RowBuf> {
        if row.problem.is_some() {
            return None;
        }
        let mut out: Option<Vec<String>> = None;
        for (column, values) in &self.by_value {
            let Some(&i) = row.get(*column).and_then(|cell| values.get(trim(cell))) else {
                continue;
            };
            let cells = out.get_or_insert_with(|| row.to_vec());
            cells[*column] = self.fixes.values[i].to.clone();
            let a = &mut self.applied[self.fixes.cells.len() + i];
            a.cells += 1;
            a.rows.push(row.number);
        }
        for &(column, i) in self.by_row.get(&row.number).into_iter().flatten() {
            let cells = out.get_or_insert_with(|| row.to_vec());
            if cells.len() <= column {
                cells.resize(column + 1, String::new());
            }
            cells[column] = self.fixes.cells[i].value.clone();
            let a = &mut self.applied[i];
            a.cells += 1;
            a.rows.push(row.number);
        }
        out.map(|cells| RowBuf::new(row.number, cells, row.fallback_decoded))
    }

    /// Each fix with what it changed and the issues still on the cells it changed.
    pub fn report(&self, v: &Validation, mapping: &Mapping) -> Vec<FixReport> {
        // The issues of each row, once (a rule over many rows lists them all): each fix then
        // looks only at the rows it changed, not at every issue.
        let mut by_row: FxHashMap<u32, Vec<usize>> = FxHashMap::default();
        for (n, i) in v.issues.iter().enumerate() {
            let mut rows: Vec<u32> = i.row.iter().chain(&i.rows).copied().collect();
            rows.sort_unstable();
            rows.dedup();
            for r in rows {
                by_row.entry(r).or_default().push(n);
            }
        }
        let cells = self
            .fixes
            .cells
            .iter()
            .map(|c| (Some(c.row), c.column, None, &c.value));
        let values = (self.fixes.values.iter()).map(|f| (None, f.column, Some(&f.from), &f.to));
        cells
            .chain(values)
            .zip(&self.applied)
            .map(|((row, column, from, to), a)| {
                let fields: Vec<Field> = Field::ALL
                    .into_iter()
                    .filter(|f| mapping.column(*f) == Some(column))
                    .collect();
                // An issue over several changed rows counts once.
                let mut seen: FxHashSet<usize> = FxHashSet::default();
                let open = a
                    .rows
                    .iter()
                    .flat_map(|r| by_row.get(r).into_iter().flatten().copied())
                    .filter(|&n| {
                        v.issues[n].field.is_none_or(|f| fields.contains(&f)) && seen.insert(n)
                    })
                    .count() as u32;
                FixReport {
                    row,
                    column,
                    from: from.cloned(),
                    to: to.clone(),
                    cells: a.cells,
                    open,
                }
            })
            .collect()
    }
}

/// One fix as the Validate screen lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FixReport {
    /// The row of a one-cell fix (`None`: every cell of the column with the value `from`).
    pub row: Option<u32>,
    pub column: usize,
    pub from: Option<String>,
    pub to: String,
    /// Cells it changed in the last reading of the file (0: its row or value is not there).
    pub cells: u32,
    /// Issues still on the rows it changed, in the fields its column feeds (0: fixed).
    pub open: u32,
}

/// A row's cells as the file has them and with the fixes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PickedRow {
    pub row: u32,
    pub cells: Vec<String>,
    pub fixed: Vec<String>,
}

/// Reads a file for a few rows' cells (the editor's); stops wanting input once it has them.
pub struct Picker {
    reader: RowReader,
    fixer: Fixer,
    want: BTreeSet<u32>,
    found: Vec<PickedRow>,
}

impl Picker {
    pub fn new(
        dialect: &Dialect,
        limits: Limits,
        fixes: Fixes,
        rows: &[u32],
    ) -> Result<Picker, FixError> {
        if rows.len() > MAX_PICK {
            return Err(FixError::TooManyRows(rows.len()));
        }
        Ok(Picker {
            reader: RowReader::new(dialect, limits),
            fixer: Fixer::new(fixes)?,
            want: rows.iter().copied().collect(),
            found: Vec::new(),
        })
    }

    /// Reads the next chunk; `false` once every row asked for is found.
    pub fn feed(&mut self, chunk: &[u8]) -> bool {
        let Picker {
            reader,
            fixer,
            want,
            found,
        } = self;
        reader.feed(chunk, &mut |row| pick(row, fixer, want, found));
        !self.want.is_empty()
    }

    /// The rows found, in the order of the file (a row asked for that is not there is absent).
    pub fn finish(mut self) -> Vec<PickedRow> {
        let Picker {
            reader,
            fixer,
            want,
            found,
        } = &mut self;
        if !want.is_empty() {
            reader.finish(&mut |row| pick(row, fixer, want, found));
        }
        self.found
    }
}

fn pick(row: Row<'_>, fixer: &mut Fixer, want: &mut BTreeSet<u32>, found: &mut Vec<PickedRow>) {
    if want.remove(&row.number) {
        let cells = row.to_vec();
        let fixed = fixer
            .apply(&row)
            .map_or_else(|| cells.clone(), |b| b.row().to_vec());
        found.push(PickedRow {
            row: row.number,
            cells,
            fixed,
        });
    }
}

/// The file written again with its fixes: its headings, delimiter and line ends, UTF-8 (with a
/// byte-order mark when the file had one or was in another encoding, so a spreadsheet reads
/// its accents), formula-like cells neutralised as every CSV Rollcall writes. Row numbers stay
/// those of the file: a blank line the reader skipped is written blank.
pub struct CorrectedFile {
    reader: RowReader,
    fixer: Fixer,
    out: String,
    delimiter: u8,
    line_end: &'static str,
    next_row: u32,
    unreadable: Vec<u32>,
}

impl CorrectedFile {
    pub fn new(
        dialect: &Dialect,
        limits: Limits,
        headings: Option<&[String]>,
        fixes: Fixes,
    ) -> Result<CorrectedFile, FixError> {
        let line_end = match dialect.line_ending {
            LineEnding::Lf => "\n",
            LineEnding::Cr => "\r",
            LineEnding::Crlf | LineEnding::None => "\r\n",
        };
        let mut out = String::new();
        if dialect.bom_len > 0 || !dialect.encoding.is_utf8() {
            out.push('\u{feff}');
        }
        let mut next_row = 1;
        if let Some(h) = headings.filter(|_| dialect.has_header) {
            crate::write::push_row_as(
                &mut out,
                h.iter().map(String::as_str),
                dialect.delimiter,
                line_end,
            );
            next_row = 2;
        }
        Ok(CorrectedFile {
            reader: RowReader::new(dialect, limits),
            fixer: Fixer::new(fixes)?,
            out,
            delimiter: dialect.delimiter,
            line_end,
            next_row,
            unreadable: Vec::new(),
        })
    }

    pub fn feed(&mut self, chunk: &[u8]) {
        let (reader, mut sink) = self.parts();
        reader.feed(chunk, &mut sink);
    }

    /// The corrected file, or which rows could not be read (writing it would lose them).
    pub fn finish(mut self) -> Result<String, FixError> {
        {
            let (reader, mut sink) = self.parts();
            reader.finish(&mut sink);
        }
        match self.unreadable.is_empty() {
            true => Ok(self.out),
            false => Err(FixError::Unreadable(self.unreadable)),
        }
    }

    fn parts(&mut self) -> (&mut RowReader, impl FnMut(Row<'_>) + '_) {
        let CorrectedFile {
            reader,
            fixer,
            out,
            delimiter,
            line_end,
            next_row,
            unreadable,
        } = self;
        let sink = move |row: Row<'_>| {
            if matches!(
                row.problem,
                Some(RowProblem::TooLong { .. } | RowProblem::TooManyFields { .. })
            ) {
                unreadable.push(row.number);
            }
            while *next_row < row.number {
                out.push_str(line_end);
                *next_row += 1;
            }
            *next_row = row.number + 1;
            let fixed = fixer.apply(&row);
            let cells: Vec<&str> = match &fixed {
                Some(b) => (0..b.row().len()).filter_map(|i| b.row().get(i)).collect(),
                None => row.iter().collect(),
            };
            crate::write::push_row_as(out, cells, *delimiter, line_end);
        };
        (reader, sink)
    }
}

#[cfg(test)]
#[path = "fix_tests.rs"]
mod tests;
