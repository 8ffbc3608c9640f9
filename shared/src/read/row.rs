//! A row as the reader hands it over: its cells borrowed from the reader's buffer, with the
//! spreadsheet's row number and what went wrong with it as a whole ([`RowProblem`]); and
//! [`RowBuf`], an owned row (an admin's fixes applied) read the same way.

/// Something wrong with a row as a whole, found while splitting it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RowProblem {
    /// Longer than `Limits::max_row_bytes`; its fields are not kept.
    TooLong { limit: usize },
    /// More fields than `Limits::max_fields`; its fields are not kept.
    TooManyFields { limit: usize },
}

/// One row of the file, borrowed from the reader until the callback returns.
#[derive(Debug, Clone, Copy)]
pub struct Row<'a> {
    /// 1-based row number as a spreadsheet shows it (the heading, when there is one, is row 1).
    pub number: u32,
    pub(super) text: &'a str,
    pub(super) ends: &'a [usize],
    /// Bytes between one field's end and the next one's start: 0 when the fields were copied
    /// out by csv-core, 1 when the row is the input line itself (delimiters left in).
    pub(super) sep: usize,
    pub problem: Option<RowProblem>,
    /// The row was not valid in the file's encoding (UTF-8) and was read as Windows-1252.
    pub fallback_decoded: bool,
}

impl<'a> Row<'a> {
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    pub fn get(&self, i: usize) -> Option<&'a str> {
        let end = *self.ends.get(i)?;
        let start = if i == 0 {
            0
        } else {
            self.ends[i - 1] + self.sep
        };
        self.text.get(start..end)
    }

    /// Whether a field of the row holds a control character (one pass over the whole row). The
    /// delimiters, where the row is the input line itself, do not count.
    #[inline]
    pub(crate) fn has_control(&self) -> bool {
        let b = self.text.as_bytes();
        let delimiter = match (self.sep, self.ends.first()) {
            (1, Some(&end)) if self.ends.len() > 1 => b.get(end).copied(),
            _ => None,
        };
        crate::fields::control_allowing(b, delimiter.unwrap_or(b' '))
    }

    pub fn iter(&self) -> impl Iterator<Item = &'a str> + '_ {
        (0..self.len()).map(|i| self.get(i).unwrap_or(""))
    }

    pub fn to_vec(&self) -> Vec<String> {
        self.iter().map(str::to_owned).collect()
    }
}

/// A row with some cells replaced (an admin's fixes), owned; read as a [`Row`] like any other.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowBuf {
    number: u32,
    text: String,
    ends: Vec<usize>,
    fallback_decoded: bool,
}

impl RowBuf {
    pub fn new<S: AsRef<str>>(
        number: u32,
        cells: impl IntoIterator<Item = S>,
        fallback_decoded: bool,
    ) -> RowBuf {
        let mut text = String::new();
        let mut ends = Vec::new();
        for c in cells {
            text.push_str(c.as_ref());
            ends.push(text.len());
        }
        RowBuf {
            number,
            text,
            ends,
            fallback_decoded,
        }
    }

    pub fn row(&self) -> Row<'_> {
        Row {
            number: self.number,
            text: &self.text,
            ends: &self.ends,
            sep: 0,
            problem: None,
            fallback_decoded: self.fallback_decoded,
        }
    }
}
