use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::anyhow;
use rollcall_shared::api::PlanReport;
use rollcall_shared::fields::Scope;
use rollcall_shared::plan::{plan, Roster};
use rollcall_shared::validate::Issue;
use rollcall_shared::wire::Options;

use super::ReadArgs;

#[derive(clap::Args, Debug)]
pub struct Args {
    pub file: PathBuf,
    /// The current roster, as any roster file the engine reads (a master CSV, an earlier export).
    #[arg(long, value_name = "CURRENT.csv")]
    pub roster: PathBuf,
    /// The upload's scope (default: the file's name).
    #[arg(long, value_name = "S")]
    pub scope: Option<String>,
    /// The district's schools (SIS code and name).
    #[arg(long, value_name = "SCHOOLS.csv")]
    pub schools: Option<PathBuf>,
    #[command(flatten)]
    pub read: ReadArgs,
    /// Print JSON: {"summary", "guard", "creates", "updates", "archives", "issues"}.
    #[arg(long)]
    pub json: bool,
}

/// The scope an upload gets by default: the file's name, so that uploading the same file name
/// each time replaces that file's population.
pub fn default_scope(path: &Path) -> String {
    path.file_name()
        .map_or_else(|| "upload".to_owned(), |n| n.to_string_lossy().into_owned())
}

/// The scope asked for (else the file's name), as a valid scope.
pub fn scope_for(given: Option<&str>, path: &Path) -> anyhow::Result<Scope> {
    let s = given.map_or_else(|| default_scope(path), str::to_owned);
    Scope::parse(&s).map_err(|e| anyhow!("The scope `{s}` cannot be used: {}.", e.message))
}

pub fn run(a: Args) -> anyhow::Result<ExitCode> {
    let scope = scope_for(a.scope.as_deref(), &a.file)?;
    let (_, current) =
        super::validate::validate_file(&a.roster, &ReadArgs::default(), a.schools.as_deref())
            .map_err(|e| anyhow!("The roster {} cannot be read: {e}", a.roster.display()))?;
    let roster = Roster::from_validation(&current, &scope, 0);
    let (_, v) = super::validate::validate_file(&a.file, &a.read, a.schools.as_deref())?;
    let p = plan(&v, &roster, &scope, &Options::default());
    let issues: Vec<&Issue> = v.issues.iter().chain(&p.issues).collect();
    let errors = issues.iter().filter(|i| i.is_error()).count();
    if a.json {
        let report = PlanReport::new(&p, issues.iter().copied());
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        let s = p.summary();
        println!(
            "{}: scope `{scope}` against {} users: {} creates, {} updates, {} archives, {} restores, {} unchanged, {} skipped",
            a.file.display(),
            roster.users.len(),
            s.creates, s.updates, s.archives, s.restores, s.unchanged, s.skipped
        );
        if p.guard.triggered {
            println!("mass-archive guard: {} of {} active users would be archived: confirm before importing", p.guard.archives, p.guard.scope_active);
        }
        for c in &p.creates {
            println!(
                "  + {} {} {} ({})",
                c.data.key(),
                c.data.first_name,
                c.data.last_name,
                c.data.role.as_str()
            );
        }
        for u in &p.updates {
            let d: Vec<String> = u
                .diffs
                .iter()
                .map(|d| {
                    format!(
                        "{}: {} → {}",
                        d.field,
                        d.old.as_deref().unwrap_or("∅"),
                        d.new.as_deref().unwrap_or("∅")
                    )
                })
                .collect();
            println!("  ~ {} {}", u.key, d.join("; "));
        }
        for x in &p.archives {
            println!("  - {} ({:?})", x.key, x.reason);
        }
        for r in &p.restores {
            println!("  ↺ {}", r.key);
        }
        for i in &issues {
            println!(
                "  row {:?} {:?} {}: {}",
                i.row, i.severity, i.code, i.message
            );
        }
    }
    Ok(if errors > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
