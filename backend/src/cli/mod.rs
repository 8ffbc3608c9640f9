//! One file per command, each thin: parse flags, call `rollcall_shared`, print.

pub mod admin;
pub mod inspect;
pub mod plan;
pub mod school;
pub mod validate;

use std::path::Path;

use anyhow::{anyhow, bail, Context as _};
use rollcall_shared::fields::Field;
use rollcall_shared::map::SchoolDirectory;
use rollcall_shared::read::{ReadOptions, TextEncoding};
use rollcall_shared::{read_rows, ColumnRef, ImportOptions};

/// Exit status when the file cannot be read at all.
pub const EXIT_UNREADABLE: u8 = 2;

/// The overrides an admin has in the browser, as flags.
#[derive(clap::Args, Debug, Default)]
pub struct ReadArgs {
    /// Text encoding (UTF-8, UTF-16LE, windows-1252, macintosh, …); detected when omitted.
    #[arg(long, value_name = "E")]
    pub encoding: Option<String>,
    /// Delimiter: `,` `;` `|`, `tab` or any single character; detected when omitted.
    #[arg(long, value_name = "D")]
    pub delimiter: Option<String>,
    /// Row 1 is a heading.
    #[arg(long, conflicts_with = "no_header")]
    pub header: bool,
    /// Row 1 is data (there is no heading).
    #[arg(long)]
    pub no_header: bool,
    /// Map a field to a column (a heading or a 1-based column number), e.g. `--map email=3`.
    #[arg(long = "map", value_name = "FIELD=COLUMN")]
    pub map: Vec<String>,
    /// Give a field one value for the whole file, e.g. `--set role=student`.
    #[arg(long = "set", value_name = "FIELD=VALUE")]
    pub set: Vec<String>,
    /// Read a grade the engine does not know as one it does, e.g. `--grade-map TK=PK`
    /// (grades: PK, KG, 1–12).
    #[arg(
        long = "grade-map",
        value_name = "VALUE=GRADE",
        allow_hyphen_values = true
    )]
    pub grade_map: Vec<String>,
}

fn split_pair(s: &str) -> anyhow::Result<(Field, &str)> {
    let (f, v) = s
        .split_once('=')
        .ok_or_else(|| anyhow!("`{s}` should look like FIELD=VALUE."))?;
    let field = Field::parse(f).ok_or_else(|| {
        let names: Vec<&str> = Field::ALL.iter().map(|f| f.name()).collect();
        anyhow!("`{f}` is not a field; fields are: {}.", names.join(", "))
    })?;
    Ok((field, v))
}

impl ReadArgs {
    pub fn to_options(&self) -> anyhow::Result<ImportOptions> {
        let encoding = match &self.encoding {
            Some(e) => Some(
                TextEncoding::from_label(e)
                    .ok_or_else(|| anyhow!("`{e}` is not an encoding Rollcall knows."))?,
            ),
            None => None,
        };
        let delimiter = match self.delimiter.as_deref() {
            None => None,
            Some("tab" | "\\t" | "\t") => Some(b'\t'),
            Some(d) if d.len() == 1 && d.is_ascii() => Some(d.as_bytes()[0]),
            Some(d) => bail!("`{d}` is not a delimiter: give one character, or `tab`."),
        };
        let has_header = match (self.header, self.no_header) {
            (true, _) => Some(true),
            (_, true) => Some(false),
            _ => None,
        };
        let mut opts = ImportOptions {
            read: ReadOptions {
                encoding,
                delimiter,
                has_header,
            },
            ..ImportOptions::default()
        };
        for m in &self.map {
            let (f, c) = split_pair(m)?;
            opts.map.push((f, ColumnRef::parse(c)));
        }
        for s in &self.set {
            let (f, v) = split_pair(s)?;
            opts.set.push((f, v.to_owned()));
        }
        for g in &self.grade_map {
            let (value, grade) = g
                .rsplit_once('=')
                .ok_or_else(|| anyhow!("`{g}` should look like VALUE=GRADE, e.g. TK=PK."))?;
            let grade = rollcall_shared::fields::Grade::parse(grade)
                .map_err(|e| anyhow!("--grade-map {g}: {e}."))?
                .grade();
            opts.grade_map.insert(value.trim().to_owned(), grade);
        }
        Ok(opts)
    }
}

/// A file's bytes; a workbook (.xlsx, .xls, .ods) is its first sheet as CSV text, as the
/// browser reads it.
pub fn read_file(path: &Path) -> anyhow::Result<Vec<u8>> {
    let bytes = std::fs::read(path).with_context(|| format!("Cannot read {}", path.display()))?;
    if rollcall_shared::workbook::is_workbook(&bytes) {
        return rollcall_shared::workbook::to_csv(&bytes, None)
            .map(|t| t.csv)
            .map_err(|e| anyhow!("{}: {e}", path.display()));
    }
    Ok(bytes)
}

/// Reads a schools file (any file the engine reads, with SIS codes and names).
pub fn load_schools(path: &Path) -> anyhow::Result<SchoolDirectory> {
    let bytes = read_file(path)?;
    let (opened, rows) = read_rows(&bytes, &ImportOptions::default())
        .map_err(|e| anyhow!("The schools file {} cannot be read: {e}", path.display()))?;
    SchoolDirectory::from_rows(opened.headings(), &rows)
        .map_err(|e| anyhow!("The schools file {} cannot be used: {e}.", path.display()))
}
