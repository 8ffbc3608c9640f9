//! The walk of a file through the engine, as one API for every caller (the browser's worker,
//! the CLI, the server): [`open`] looks at the first bytes (dialect, sample, mapping), then a
//! [`Pipeline`] takes the whole file chunk by chunk and returns the [`Validation`].

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::fields::{normalize_heading, Field};
use crate::fix::{FixError, Fixer, Fixes};
use crate::map::{auto_map, infer_from_content, Mapping, MatchedBy, SavedMapping, SchoolDirectory};
use crate::read::{cut, dialect, Dialect, Limits, ReadError, ReadOptions, RowReader, Sample};
use crate::validate::{Context, Part, PartError, Validation, Validator};

/// A column named by the admin: by heading, or by 1-based number.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ColumnRef {
    Heading(String),
    Number(usize),
}

impl ColumnRef {
    /// `3` is a column number; anything else is a heading.
    pub fn parse(s: &str) -> ColumnRef {
        match s.trim().parse::<usize>() {
            Ok(n) => ColumnRef::Number(n),
            Err(_) => ColumnRef::Heading(s.trim().to_owned()),
        }
    }
}

/// Everything a caller can say about a file before reading it.
#[derive(Debug, Clone, Default)]
pub struct ImportOptions {
    pub read: ReadOptions,
    pub limits: Limits,
    /// Mapping remembered for the scope; used when it fits the file.
    pub saved: Option<SavedMapping>,
    /// Explicit field → column choices (win over everything else).
    pub map: Vec<(Field, ColumnRef)>,
    /// Fields given one value for the whole file.
    pub set: Vec<(Field, String)>,
    pub schools: Option<SchoolDirectory>,
    pub school_overrides: BTreeMap<String, String>,
    /// Grade values mapped by hand (`TK` → PK); they win over the saved mapping's.
    pub grade_map: BTreeMap<String, crate::fields::Grade>,
}

#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum EngineError {
    #[error(transparent)]
    Read(#[from] ReadError),
    #[error("The file has no column `{0}`.")]
    NoSuchColumn(String),
    #[error("Column {number} does not exist: the file has {columns} columns.")]
    ColumnOutOfRange { number: usize, columns: usize },
    #[error(transparent)]
    Part(#[from] PartError),
}

/// What the first bytes of a file tell.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Opened {
    pub dialect: Dialect,
    pub sample: Sample,
    /// Fields a well-formed row has.
    pub columns: usize,
    pub mapping: Mapping,
}

impl Opened {
    pub fn headings(&self) -> Option<&[String]> {
        self.sample.headings.as_deref()
    }
}

/// Detects the dialect from `prefix` (`complete`: it is the whole file), and builds the mapping:
/// by heading (or from content without one), then the scope's saved mapping if it fits, then
/// the caller's explicit choices.
pub fn open(prefix: &[u8], complete: bool, opts: &ImportOptions) -> Result<Opened, EngineError> {
    let (dialect, sample) = dialect::detect(prefix, complete, &opts.read, opts.limits)?;
    let columns = match &sample.headings {
        Some(h) => h.len(),
        None => usual_len(&sample),
    };
    let headings = sample.headings.as_deref();
    let mut mapping = match headings {
        Some(h) => auto_map(h),
        None => {
            let rows: Vec<Vec<String>> = sample.rows.iter().map(|(_, r)| r.clone()).collect();
            infer_from_content(&rows, opts.schools.as_ref())
        }
    };
    if let Some(saved) = opts.saved.as_ref().and_then(|s| s.apply(headings, columns)) {
        mapping = saved;
    }
    for (field, col) in &opts.map {
        let c = match col {
            ColumnRef::Number(n) if (1..=columns).contains(n) => n - 1,
            ColumnRef::Number(n) => {
                return Err(EngineError::ColumnOutOfRange {
                    number: *n,
                    columns,
                })
            }
            ColumnRef::Heading(h) => {
                let want = normalize_heading(h);
                headings
                    .and_then(|hs| {
                        hs.iter()
                            .position(|x| x == h)
                            .or_else(|| hs.iter().position(|x| normalize_heading(x) == want))
                    })
                    .ok_or_else(|| EngineError::NoSuchColumn(h.clone()))?
            }
        };
        mapping.set_column(*field, c, MatchedBy::Hand);
    }
    for (field, value) in &opts.set {
        mapping.set_value(*field, value.clone());
    }
    // OneRoster as it is: `enabledUser` beside a `status` column still counts.
    mapping.enabled = headings.and_then(|hs| {
        let c = hs
            .iter()
            .position(|h| normalize_heading(h) == "enableduser")?;
        (mapping.column(Field::Status).is_some_and(|s| s != c)).then_some(c)
    });
    Ok(Opened {
        dialect,
        sample,
        columns,
        mapping,
    })
}

fn usual_len(sample: &Sample) -> usize {
    let mut counts: BTreeMap<usize, usize> = BTreeMap::new();
    for (_, r) in &sample.rows {
        *counts.entry(r.len()).or_default() += 1;
    }
    counts
        .into_iter()
        .max_by_key(|&(len, n)| (n, len))
        .map_or(0, |(len, _)| len)
}

/// What the pipeline of a part of the file needs from the first part's: the opened file and
/// what its rows are read and validated by (the browser sends it to each worker that reads a
/// part). School directories and overrides are left out: schools resolve in the first part's
/// pipeline, after the join.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PartContext {
    opened: Opened,
    limits: Limits,
    /// The scope's remembered grade mapping, then the caller's own, merged.
    grade_map: BTreeMap<String, crate::fields::Grade>,
}

impl PartContext {
    pub fn new(opened: &Opened, opts: &ImportOptions) -> PartContext {
        PartContext {
            opened: opened.clone(),
            limits: opts.limits,
            grade_map: grade_map(opts),
        }
    }

    pub fn opened(&self) -> &Opened {
        &self.opened
    }

    /// The pipeline of a part of the file (see [`Pipeline::part`]).
    pub fn pipeline(&self, mapping: Mapping) -> Pipeline {
        let opts = ImportOptions {
            limits: self.limits,
            grade_map: self.grade_map.clone(),
            ..ImportOptions::default()
        };
        Pipeline::part(&self.opened, mapping, &opts)
    }
}

fn grade_map(opts: &ImportOptions) -> BTreeMap<String, crate::fields::Grade> {
    opts.saved
        .iter()
        .flat_map(|s| s.grades.clone())
        .chain(opts.grade_map.clone())
        .collect()
}

/// The whole file, chunk by chunk.
pub struct Pipeline {
    reader: RowReader,
    validator: Validator,
    has_header: bool,
    /// The admin's fixes, applied to each row before it is validated.
    fixer: Option<Fixer>,
    /// The last row of the parts joined so far, the rows they read, and whether the last of
    /// them ended between rows.
    joined: Option<(u32, u32, bool)>,
}

impl Pipeline {
    pub fn new(opened: &Opened, opts: &ImportOptions) -> Pipeline {
        Pipeline::with_mapping(opened, opened.mapping.clone(), opts)
    }

    pub fn with_mapping(opened: &Opened, mapping: Mapping, opts: &ImportOptions) -> Pipeline {
        let cx = Context {
            mapping,
            headings: opened.sample.headings.clone(),
            columns: opened.columns,
            schools: opts.schools.clone(),
            school_overrides: opts.school_overrides.clone(),
            grade_map: grade_map(opts),
        };
        Pipeline {
            reader: RowReader::new(&opened.dialect, opts.limits),
            validator: Validator::new(cx),
            has_header: opened.dialect.has_header,
            fixer: None,
            joined: None,
        }
    }

    /// A pipeline for a part of the file that begins at a row boundary (see
    /// [`crate::read::cut`]): it numbers its rows from 1, and [`Pipeline::finish_part`] gives
    /// them, encoded, to [`Pipeline::join`] on the first part's pipeline.
    pub fn part(opened: &Opened, mapping: Mapping, opts: &ImportOptions) -> Pipeline {
        let mut p = Pipeline::with_mapping(opened, mapping, opts);
        p.reader = RowReader::part(&opened.dialect, opts.limits);
        p.has_header = false;
        p
    }

    /// The part this pipeline read, encoded for the first part's pipeline to join (the file's
    /// last part may end inside a row: a file need not end with a line break). A part carries
    /// no fixes.
    pub fn finish_part(mut self) -> Result<Vec<u8>, PartError> {
        if self.fixer.is_some() {
            return Err(PartError::WithFixes);
        }
        let between = self.reader.between_rows();
        let v = &mut self.validator;
        self.reader.finish(&mut |row| v.push(row));
        let end = self.reader.rows_begun();
        self.validator.encode_part(end, between)
    }

    /// Joins the next part of the file (encoded by [`Pipeline::finish_part`]): the rows read so
    /// far (this pipeline's, then the parts joined before) must end between two rows, where
    /// the part begins; its rows are numbered after them. The file rules run over all of them
    /// in [`Pipeline::finish`].
    pub fn join(&mut self, part: &[u8]) -> Result<(), PartError> {
        if self.fixer.is_some() {
            return Err(PartError::WithFixes);
        }
        let part = Part::decode(part)?;
        let (end, rows, between) =
            self.joined
                .unwrap_or((self.reader.rows_begun(), 0, self.reader.between_rows()));
        if !between {
            return Err(PartError::NotBetweenRows);
        }
        self.joined = Some((
            end + part.rows_end(),
            rows + part.rows(),
            part.ends_between_rows(),
        ));
        self.validator.absorb(part, end);
        Ok(())
    }

    /// Whether the admin's fixes are applied (a file with fixes is read in one piece).
    pub fn has_fixes(&self) -> bool {
        self.fixer.is_some()
    }

    /// Applies `fixes` to the rows as they are read (none: the file as it is).
    pub fn fix(&mut self, fixes: Fixes) -> Result<(), FixError> {
        self.fixer = (!fixes.is_empty()).then(|| Fixer::new(fixes)).transpose()?;
        Ok(())
    }

    /// Sizes the record store for a file of `file_bytes` (avoids regrowing it a dozen times).
    /// Rosters run 60–200 bytes a row: sized for 80, a file of short rows regrows once, and
    /// one of long rows leaves reserved pages untouched (which cost nothing) — where sizing
    /// for 100 made a file of 99-byte rows copy its whole record array at the very end.
    pub fn expect_bytes(&mut self, file_bytes: u64) {
        let rows = (file_bytes / 80) as usize;
        self.validator.reserve(rows, (file_bytes as usize / 10) * 7);
    }

    pub fn feed(&mut self, chunk: &[u8]) {
        let v = &mut self.validator;
        match self.fixer.as_mut() {
            None => self.reader.feed(chunk, &mut |row| v.push(row)),
            Some(f) => self.reader.feed(chunk, &mut |row| fixed(f, v, row)),
        }
    }

    /// Bytes and rows read so far, for a progress bar.
    pub fn progress(&self) -> (u64, u32) {
        let s = self.reader.stats();
        (s.bytes_in, s.rows)
    }

    pub fn finish(self) -> Result<Validation, ReadError> {
        self.finish_fixed().map(|(v, _)| v)
    }

    /// [`Pipeline::finish`], with the fixer (which knows what each fix changed) when there were
    /// fixes.
    pub fn finish_fixed(mut self) -> Result<(Validation, Option<Fixer>), ReadError> {
        let v = &mut self.validator;
        match self.fixer.as_mut() {
            None => self.reader.finish(&mut |row| v.push(row)),
            Some(f) => self.reader.finish(&mut |row| fixed(f, v, row)),
        }
        let stats = self.reader.stats();
        if stats.rows + self.joined.map_or(0, |j| j.1) == 0 {
            return Err(if self.has_header && self.reader.headings().is_some() {
                ReadError::HeadingOnly
            } else {
                ReadError::Empty
            });
        }
        Ok((self.validator.finish(), self.fixer))
    }
}

fn fixed(f: &mut Fixer, v: &mut Validator, row: crate::read::Row<'_>) {
    match f.apply(&row) {
        Some(b) => v.push(b.row()),
        None => v.push(row),
    }
}

/// The whole file in memory, in one call (CLI and tests).
pub fn validate_bytes(
    bytes: &[u8],
    opts: &ImportOptions,
) -> Result<(Opened, Validation), EngineError> {
    let prefix = &bytes[..bytes.len().min(opts.limits.sniff_bytes)];
    let opened = open(prefix, prefix.len() == bytes.len(), opts)?;
    let mut p = Pipeline::new(&opened, opts);
    p.expect_bytes(bytes.len() as u64);
    p.feed(bytes);
    let v = p.finish()?;
    Ok((opened, v))
}

/// [`validate_bytes`], with the file cut near each of `near` (byte offsets, ascending) at the
/// next row boundary and the parts read by pipelines of their own, each part after the first
/// crossing to the first's as bytes and joined — what the browser's workers do side by side,
/// here one after another. The validation is the same as in one piece. A file that cannot be
/// cut ([`cut::can_cut`]) is read in one piece, and so is one cut inside a quoted field (the
/// join refuses it).
pub fn validate_in_parts(
    bytes: &[u8],
    opts: &ImportOptions,
    near: &[usize],
) -> Result<(Opened, Validation), EngineError> {
    let prefix = &bytes[..bytes.len().min(opts.limits.sniff_bytes)];
    let opened = open(prefix, prefix.len() == bytes.len(), opts)?;
    let mut starts = vec![0];
    if cut::can_cut(&opened.dialect) {
        for &at in near {
            let window = bytes.get(at..).unwrap_or(&[]);
            let after = starts.last().copied().unwrap_or(0);
            if let Some(s) = cut::part_start(at as u64, window, after as u64, bytes.len() as u64) {
                starts.push(s as usize);
            }
        }
    }
    starts.push(bytes.len());
    let mut first = Pipeline::new(&opened, opts);
    first.feed(&bytes[..starts[1]]);
    // As a worker gets it: through JSON.
    let cx = serde_json::to_string(&PartContext::new(&opened, opts))
        .and_then(|j| serde_json::from_str::<PartContext>(&j))
        .map_err(|e| EngineError::Part(PartError::Context(e.to_string())))?;
    for w in starts.windows(2).skip(1) {
        let mut p = cx.pipeline(opened.mapping.clone());
        p.feed(&bytes[w[0]..w[1]]);
        match first.join(&p.finish_part()?) {
            Ok(()) => {}
            Err(PartError::NotBetweenRows) => return validate_bytes(bytes, opts),
            Err(e) => return Err(e.into()),
        }
    }
    let v = first.finish()?;
    Ok((opened, v))
}

/// Every data row of a file, after decoding and splitting (the heading excluded).
pub fn read_rows(
    bytes: &[u8],
    opts: &ImportOptions,
) -> Result<(Opened, Vec<Vec<String>>), EngineError> {
    let prefix = &bytes[..bytes.len().min(opts.limits.sniff_bytes)];
    let opened = open(prefix, prefix.len() == bytes.len(), opts)?;
    let mut reader = RowReader::new(&opened.dialect, opts.limits);
    let mut rows = Vec::new();
    let mut sink = |r: crate::read::Row<'_>| rows.push(r.to_vec());
    reader.feed(bytes, &mut sink);
    reader.finish(&mut sink);
    if rows.is_empty() {
        return Err(EngineError::Read(if opened.dialect.has_header {
            ReadError::HeadingOnly
        } else {
            ReadError::Empty
        }));
    }
    Ok((opened, rows))
}
