use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context as _;
use rollcall_shared::map::{column_label, Source};
use rollcall_shared::validate::{Severity, Validation};
use rollcall_shared::{open, Opened, Pipeline};
use serde_json::{json, Map, Value};

use super::ReadArgs;

#[derive(clap::Args, Debug)]
pub struct Args {
    pub file: PathBuf,
    /// The district's schools (SIS code and name); without it, school values are not checked.
    #[arg(long, value_name = "SCHOOLS.csv")]
    pub schools: Option<PathBuf>,
    #[command(flatten)]
    pub read: ReadArgs,
    /// Print JSON: {"file", "mapping", "summary", "issues"}.
    #[arg(long)]
    pub json: bool,
}

/// Reads, maps and validates a file, streaming it from disk in 1 MiB chunks.
pub fn validate_file(
    path: &Path,
    read: &ReadArgs,
    schools: Option<&Path>,
) -> anyhow::Result<(Opened, Validation)> {
    let dir = match schools {
        Some(s) => Some(super::load_schools(s)?),
        None => None,
    };
    validate_with(path, read, dir, None)
}

/// Reads, maps and validates a file with the given schools and the scope's saved mapping.
pub fn validate_with(
    path: &Path,
    read: &ReadArgs,
    schools: Option<rollcall_shared::map::SchoolDirectory>,
    saved: Option<rollcall_shared::map::SavedMapping>,
) -> anyhow::Result<(Opened, Validation)> {
    let mut opts = read.to_options()?;
    opts.schools = schools;
    opts.saved = saved;
    let mut f =
        std::fs::File::open(path).with_context(|| format!("Cannot open {}", path.display()))?;
    // A workbook is read whole and its first sheet streamed as CSV text, as the browser does.
    let mut magic = [0u8; 4];
    let is_book =
        f.read_exact(&mut magic).is_ok() && rollcall_shared::workbook::is_workbook(&magic);
    let (mut f, size): (Box<dyn Read>, u64) = if is_book {
        let csv = super::read_file(path)?;
        let n = csv.len() as u64;
        (Box::new(std::io::Cursor::new(csv)), n)
    } else {
        drop(f);
        let f =
            std::fs::File::open(path).with_context(|| format!("Cannot open {}", path.display()))?;
        let n = f.metadata().map(|m| m.len()).unwrap_or(0);
        (Box::new(f), n)
    };
    let mut prefix = Vec::new();
    (&mut f)
        .take(opts.limits.sniff_bytes as u64)
        .read_to_end(&mut prefix)?;
    let complete = (prefix.len() as u64) >= size && prefix.len() < opts.limits.sniff_bytes;
    let opened = open(&prefix, complete, &opts)?;
    let mut p = Pipeline::new(&opened, &opts);
    p.expect_bytes(size);
    p.feed(&prefix);
    let mut buf = vec![0u8; 1 << 20];
    loop {
        let n = f.read(&mut buf)?;
        if n == 0 {
            break;
        }
        p.feed(&buf[..n]);
    }
    let v = p.finish()?;
    Ok((opened, v))
}

pub fn describe(path: &Path, o: &Opened, rows: u32) -> String {
    format!("{}: {}; {rows} rows", path.display(), o.dialect.describe())
}

pub fn file_json(o: &Opened, rows: u32) -> Value {
    let d = &o.dialect;
    json!({
        "encoding": d.encoding,
        "bom": d.bom_len > 0,
        "delimiter": (d.delimiter as char).to_string(),
        "line_ending": d.line_ending,
        "has_header": d.has_header,
        "rows": rows,
    })
}

/// `{field: column index}` for columns; fields set to one value go in `values`.
pub fn mapping_json(o: &Opened) -> (Value, Value) {
    let (mut cols, mut vals) = (Map::new(), Map::new());
    for (f, s) in &o.mapping.fields {
        match s {
            Source::Column(c) => cols.insert(f.name().into(), json!(c)),
            Source::Value(v) => vals.insert(f.name().into(), json!(v)),
        };
    }
    (Value::Object(cols), Value::Object(vals))
}

pub fn run(a: Args) -> anyhow::Result<ExitCode> {
    let (opened, v) = validate_file(&a.file, &a.read, a.schools.as_deref())?;
    let summary = v.summary();
    if a.json {
        let (mapping, values) = mapping_json(&opened);
        let out = json!({
            "file": file_json(&opened, v.rows),
            "mapping": mapping,
            "values": values,
            "summary": summary,
            "issues": v.issues,
        });
        println!("{}", serde_json::to_string_pretty(&out)?);
    } else {
        println!("{}", describe(&a.file, &opened, v.rows));
        for (f, s) in &opened.mapping.fields {
            match s {
                Source::Column(c) => println!(
                    "  {:<20} ← {}",
                    f.name(),
                    column_label(opened.headings(), *c)
                ),
                Source::Value(val) => println!("  {:<20} = {val}", f.name()),
            }
        }
        println!("{} errors, {} warnings", summary.errors, summary.warnings);
        for i in &v.issues {
            let sev = match i.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
            };
            let row = i.row.map_or("file".to_owned(), |r| format!("row {r}"));
            let col = i
                .column
                .as_deref()
                .map(|c| format!(" [{c}]"))
                .unwrap_or_default();
            println!("{row:>9} {sev:<7} {}{col}: {}", i.code, i.message);
            if let Some(s) = &i.suggestion {
                println!("{:>18} → {s}", "");
            }
        }
    }
    Ok(if summary.errors > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
