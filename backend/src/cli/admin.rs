//! The commands that touch the database: serve, demo, district, admin, token, import, export.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{anyhow, bail, Context as _};
use rollcall_shared::api::PlanReport;
use rollcall_shared::import::{decide, Decision, ImportAsk};

use super::ReadArgs;
use crate::db::apply::{self, directory, Submission};
use crate::db::{Db, SavedMappings, StoreCommon};
use crate::with_conn;

pub fn database_url() -> String {
    std::env::var("DATABASE_URL").unwrap_or_else(|_| "sqlite://rollcall.db".into())
}

pub fn connect() -> anyhow::Result<Db> {
    let url = database_url();
    Db::connect(&url).map_err(|e| anyhow!("Cannot open the database ({}): {e}", redact(&url)))
}

/// A URL with its password hidden, for messages and logs.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => {
            let creds = &url[s + 3..at];
            match creds.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..s + 3], &url[at..]),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}

#[derive(clap::Args, Debug)]
pub struct ServeArgs {
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub addr: String,
    /// The built frontend to serve (default: $ROLLCALL_STATIC_DIR, else frontend/dist if present).
    #[arg(long = "static", value_name = "DIR")]
    pub static_dir: Option<PathBuf>,
}

pub fn serve(a: ServeArgs) -> anyhow::Result<ExitCode> {
    let db = connect()?;
    let recovered = crate::jobs::recover(&db)?;
    if recovered > 0 {
        tracing::warn!(
            recovered,
            "imports interrupted by a restart were marked failed"
        );
    }
    crate::jobs::spawn(db.clone(), std::time::Duration::from_secs(2));
    if let Ok(url) = std::env::var("ROLLCALL_SMTP_URL") {
        let from = std::env::var("ROLLCALL_MAIL_FROM")
            .unwrap_or_else(|_| "Rollcall <rollcall@localhost>".into());
        // A relay that cannot be used is said at start, not at the first mail.
        let ca = match std::env::var_os("ROLLCALL_SMTP_CA") {
            Some(path) => Some(std::fs::read(&path).with_context(|| {
                format!(
                    "ROLLCALL_SMTP_CA: cannot read {}",
                    PathBuf::from(&path).display()
                )
            })?),
            None => None,
        };
        let mailer = crate::mail::Mailer::new(&url, &from, ca.as_deref())?;
        crate::mail::spawn(db.clone(), mailer);
    }
    let static_dir = a
        .static_dir
        .or_else(|| std::env::var_os("ROLLCALL_STATIC_DIR").map(PathBuf::from))
        .or_else(|| Some(PathBuf::from("frontend/dist")).filter(|p| p.join("index.html").exists()));
    let config = crate::http::Config {
        static_dir,
        cors_origins: std::env::var("ROLLCALL_CORS_ORIGINS")
            .unwrap_or_default()
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect(),
        limits: crate::http::Limits {
            max_body: std::env::var("ROLLCALL_MAX_BODY_MB")
                .ok()
                .and_then(|v| v.parse::<usize>().ok())
                .map_or(512 << 20, |mb| mb << 20),
            ..Default::default()
        },
        session_hours: 12,
        public_url: std::env::var("ROLLCALL_PUBLIC_URL")
            .ok()
            .map(|u| u.trim().trim_end_matches('/').to_owned())
            .filter(|u| !u.is_empty()),
    };
    let state = crate::http::AppState::new(db, config);
    crate::maintenance::spawn(state.clone(), std::time::Duration::from_secs(300));
    let addr = a.addr.clone();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let sys = actix_web::rt::System::new();
    drop(rt);
    sys.block_on(async move {
        let server = actix_web::HttpServer::new(move || crate::http::app(state.clone()))
            .bind(&addr)
            .with_context(|| format!("Cannot listen on {addr}"))?;
        let bound = server
            .addrs()
            .first()
            .map(|a| a.to_string())
            .unwrap_or(addr.clone());
        println!("Rollcall is listening on http://{bound}");
        server.run().await.context("server")
    })?;
    Ok(ExitCode::SUCCESS)
}

/// The demo district's schools, built in (as in the samples' schools.csv).
pub const DEMO_SCHOOLS: [(&str, &str); 3] = [
    ("101", "First Street Elementary"),
    ("102", "Lincoln Middle School"),
    ("103", "Roosevelt High School"),
];
pub const DEMO_ADMIN: &str = "admin@demo.example.org";
pub const DEMO_PASSWORD: &str = "rollcall-demo";

pub fn demo() -> anyhow::Result<ExitCode> {
    let demo_hash =
        apply::hash_password(DEMO_PASSWORD).map_err(|e| anyhow!("Hashing the password: {e}"))?;
    let db = connect()?;
    let mut conn = db.get()?;
    with_conn!(conn, |c| -> anyhow::Result<()> {
        let d = match c.district_by_short("demo")? {
            Some(d) => d,
            None => c.create_district("demo", "Demo School District")?,
        };
        for (code, name) in DEMO_SCHOOLS {
            c.upsert_school(d.id, code, name)?;
        }
        if c.groups(d.id)?.is_empty() {
            c.create_group(d.id, "Reading intervention")?;
        }
        match c.admin_by_email(DEMO_ADMIN)? {
            Some((dist, id, _, _)) => c.set_admin_password(dist, id, &demo_hash)?,
            None => {
                c.create_admin(d.id, DEMO_ADMIN, "Demo Admin", &demo_hash)?;
            }
        }
        Ok(())
    })?;
    println!("District `demo` is ready: schools 101, 102, 103.");
    println!("Sign in as {DEMO_ADMIN} with password {DEMO_PASSWORD}");
    Ok(ExitCode::SUCCESS)
}

#[derive(clap::Subcommand, Debug)]
pub enum DistrictCmd {
    /// Create a district (or update its schools) from a schools file (SIS code and name).
    Create {
        /// Short name, used in URLs and change requests.
        short_name: String,
        #[arg(long, value_name = "SCHOOLS.csv")]
        schools: PathBuf,
        #[arg(long)]
        name: Option<String>,
    },
}

pub fn district(cmd: DistrictCmd) -> anyhow::Result<ExitCode> {
    let DistrictCmd::Create {
        short_name,
        schools,
        name,
    } = cmd;
    let dir = super::load_schools(&schools)?;
    let db = connect()?;
    let mut conn = db.get()?;
    let n = with_conn!(conn, |c| -> anyhow::Result<usize> {
        let d = match c.district_by_short(&short_name)? {
            Some(d) => d,
            None => c.create_district(&short_name, name.as_deref().unwrap_or(&short_name))?,
        };
        for s in dir.schools() {
            c.upsert_school(d.id, &s.sis_code, &s.name)?;
        }
        Ok(dir.schools().len())
    })?;
    println!("District `{short_name}`: {n} schools.");
    Ok(ExitCode::SUCCESS)
}

#[derive(clap::Subcommand, Debug)]
pub enum AdminCmd {
    /// Create a district admin (the password comes from --password or $ROLLCALL_ADMIN_PASSWORD).
    Create {
        #[arg(long)]
        district: String,
        #[arg(long)]
        email: String,
        #[arg(long, default_value = "Admin")]
        name: String,
        #[arg(long)]
        password: Option<String>,
    },
}

pub fn admin(cmd: AdminCmd) -> anyhow::Result<ExitCode> {
    let AdminCmd::Create {
        district,
        email,
        name,
        password,
    } = cmd;
    let password = password
        .or_else(|| std::env::var("ROLLCALL_ADMIN_PASSWORD").ok())
        .ok_or_else(|| anyhow!("Give a password with --password or ROLLCALL_ADMIN_PASSWORD."))?;
    if password.len() < 8 {
        bail!("The password must have at least 8 characters.");
    }
    let hash = apply::hash_password(&password).map_err(|e| anyhow!("Hashing the password: {e}"))?;
    let db = connect()?;
    let mut conn = db.get()?;
    with_conn!(conn, |c| -> anyhow::Result<()> {
        let d = c
            .district_by_short(&district)?
            .ok_or_else(|| anyhow!("No district `{district}`."))?;
        if c.admin_by_email(&email)?.is_some() {
            bail!("An admin with the email {email} exists already.");
        }
        c.create_admin(d.id, &email, &name, &hash)?;
        Ok(())
    })?;
    println!("Admin {email} created for district `{district}`.");
    Ok(ExitCode::SUCCESS)
}

#[derive(clap::Subcommand, Debug)]
pub enum TokenCmd {
    /// Create an API token for scripts; it is printed once and stored hashed.
    Create {
        #[arg(long)]
        district: String,
        #[arg(long, default_value = "script")]
        name: String,
        /// The sync the token speaks for (`Clever`, `ClassLink`, `Securly Sync`, `OneRoster`):
        /// the users its imports create or update are that sync's, and admins' files skip them.
        #[arg(long, value_parser = parse_sync)]
        sync: Option<rollcall_shared::user::SyncName>,
    },
}

fn parse_sync(s: &str) -> Result<rollcall_shared::user::SyncName, String> {
    rollcall_shared::user::SyncName::parse(s).ok_or_else(|| {
        let names: Vec<&str> = rollcall_shared::user::SyncName::ALL
            .iter()
            .map(|s| s.as_str())
            .collect();
        format!("one of: {}", names.join(", "))
    })
}

pub fn token(cmd: TokenCmd) -> anyhow::Result<ExitCode> {
    let TokenCmd::Create {
        district,
        name,
        sync,
    } = cmd;
    let db = connect()?;
    let mut conn = db.get()?;
    let token = crate::http::auth::new_token("rct_");
    let hash = crate::http::auth::token_hash(&token);
    with_conn!(conn, |c| -> anyhow::Result<()> {
        let d = c
            .district_by_short(&district)?
            .ok_or_else(|| anyhow!("No district `{district}`."))?;
        c.create_api_token(&hash, d.id, &name, sync.map(|s| s.as_str()), None)?;
        Ok(())
    })?;
    println!("{token}");
    Ok(ExitCode::SUCCESS)
}

#[derive(clap::Args, Debug)]
pub struct ImportArgs {
    pub file: PathBuf,
    #[arg(long)]
    pub district: String,
    /// The upload's scope (default: the file's name).
    #[arg(long)]
    pub scope: Option<String>,
    #[command(flatten)]
    pub read: ReadArgs,
    /// Confirm a tripped mass-archive guard.
    #[arg(long)]
    pub confirm_archives: bool,
    /// Plan only; apply nothing.
    #[arg(long)]
    pub dry_run: bool,
    #[arg(long)]
    pub description: Option<String>,
    #[arg(long)]
    pub json: bool,
}

pub fn import(a: ImportArgs) -> anyhow::Result<ExitCode> {
    let scope = super::plan::scope_for(a.scope.as_deref(), &a.file)?;
    let db = connect()?;
    let mut conn = db.get()?;
    let (district, roster, dir, saved) = with_conn!(conn, |c| -> anyhow::Result<_> {
        let d = c
            .district_by_short(&a.district)?
            .ok_or_else(|| anyhow!("No district `{}`.", a.district))?;
        let saved = c.saved_mapping(d.id, &scope)?;
        Ok((d.clone(), c.roster(&d)?, directory(c, d.id)?, saved))
    })?;
    let (_, v) = super::validate::validate_with(&a.file, &a.read, Some(dir.clone()), saved)?;
    let ask = ImportAsk {
        district: district.short_name.clone(),
        scope,
        description: a.description.clone(),
        dry_run: a.dry_run,
        confirm_archives: a.confirm_archives,
        guard: district.guard(),
        source: None,
    };
    let (report, decision) = decide(&v, &roster, Some(&dir), &ask);
    #[derive(serde::Serialize)]
    struct Out<'a> {
        #[serde(flatten)]
        report: &'a PlanReport,
        #[serde(skip_serializing_if = "Option::is_none")]
        import: Option<serde_json::Value>,
    }
    let print = |import: Option<(i64, Option<i64>)>| -> anyhow::Result<()> {
        if a.json {
            let import =
                import.map(|(n, r)| serde_json::json!({"number": n, "applied_revision": r}));
            println!(
                "{}",
                serde_json::to_string_pretty(&Out {
                    report: &report,
                    import
                })?
            );
        } else {
            let s = &report.summary;
            println!("{}: {} creates, {} updates, {} archives, {} restores, {} unchanged, {} skipped; {} errors",
                a.file.display(), s.creates, s.updates, s.archives, s.restores, s.unchanged, s.skipped, report.errors());
            for i in &report.issues {
                println!(
                    "  row {} {:?} {}: {}",
                    i.row.map_or("-".into(), |r| r.to_string()),
                    i.severity,
                    i.code,
                    i.message
                );
            }
            if let Some((n, _)) = import {
                println!("Applied as import #{n}.");
            }
        }
        Ok(())
    };
    let req = match decision {
        Decision::Errors => {
            print(None)?;
            eprintln!("Not imported: {} error(s) block the file.", report.errors());
            return Ok(ExitCode::from(1));
        }
        Decision::Refused(e) => {
            print(None)?;
            eprintln!("Not imported: {e}.");
            return Ok(ExitCode::from(1));
        }
        Decision::DryRun => {
            print(None)?;
            return Ok(ExitCode::SUCCESS);
        }
        Decision::GuardNotConfirmed => {
            print(None)?;
            eprintln!("Not imported: this would archive {} of {} active users; re-run with --confirm-archives if that is right.", report.guard.archives, report.guard.scope_active);
            return Ok(ExitCode::from(1));
        }
        Decision::Submit(req) => *req,
    };
    let req = apply::seal(req).map_err(|e| anyhow!("Not imported: {e}"))?;
    let link = std::env::var("ROLLCALL_PUBLIC_URL")
        .ok()
        .map(|u| u.trim().trim_end_matches('/').to_owned())
        .filter(|u| !u.is_empty());
    let outcome = with_conn!(conn, |c| {
        let s = Submission {
            district: district.id,
            request: &req,
            submitted_by: "cli",
            kind: "cli",
            idempotency_key: None,
            fingerprint: None,
            if_match: None,
            run_at: None,
            link_base: link.as_deref(),
        };
        apply::submit(c, &s)
    })
    .map_err(|e| anyhow!("Not imported: {e}"))?;
    let i = outcome.import();
    print(Some((i.meta.number.0, i.meta.applied_revision)))?;
    Ok(ExitCode::SUCCESS)
}

#[derive(clap::Args, Debug)]
pub struct ExportArgs {
    #[arg(long)]
    pub district: String,
    #[arg(long)]
    pub scope: Option<String>,
}

pub fn export(a: ExportArgs) -> anyhow::Result<ExitCode> {
    let db = connect()?;
    let mut conn = db.get()?;
    let mut roster = with_conn!(conn, |c| -> anyhow::Result<_> {
        let d = c
            .district_by_short(&a.district)?
            .ok_or_else(|| anyhow!("No district `{}`.", a.district))?;
        Ok(c.roster(&d)?)
    })?;
    if let Some(s) = &a.scope {
        roster.users.retain(|u| u.data.scope.as_str() == s);
    }
    print!("{}", rollcall_shared::write::master_csv(&roster));
    Ok(ExitCode::SUCCESS)
}
