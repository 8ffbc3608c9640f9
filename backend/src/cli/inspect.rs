use std::path::PathBuf;
use std::process::ExitCode;

use rollcall_shared::read_rows;
use serde_json::json;

use super::ReadArgs;

#[derive(clap::Args, Debug)]
pub struct Args {
    pub file: PathBuf,
    #[command(flatten)]
    pub read: ReadArgs,
    /// Print JSON: {"encoding", "delimiter", "line_ending", "has_header", "rows"}.
    #[arg(long)]
    pub json: bool,
}

pub fn run(a: Args) -> anyhow::Result<ExitCode> {
    let opts = a.read.to_options()?;
    let bytes = super::read_file(&a.file)?;
    let (opened, rows) = read_rows(&bytes, &opts)?;
    let d = opened.dialect;
    if a.json {
        let out = json!({
            "encoding": d.encoding,
            "bom": d.bom_len > 0,
            "delimiter": (d.delimiter as char).to_string(),
            "line_ending": d.line_ending,
            "has_header": d.has_header,
            "headings": opened.sample.headings,
            "rows": rows,
        });
        println!("{}", serde_json::to_string_pretty(&out)?);
    } else {
        println!(
            "{}",
            super::validate::describe(&a.file, &opened, rows.len() as u32)
        );
        if let Some(h) = opened.headings() {
            println!("heading: {}", h.join(" | "));
        }
        for (i, r) in rows.iter().take(20).enumerate() {
            println!(
                "{:>5}: {}",
                i + 1 + usize::from(d.has_header),
                r.join(" | ")
            );
        }
        if rows.len() > 20 {
            println!("… {} more rows", rows.len() - 20);
        }
    }
    Ok(ExitCode::SUCCESS)
}
