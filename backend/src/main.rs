//! `rollcall`: the server and the admin CLI in one binary.

use std::process::ExitCode;

use clap::{Parser, Subcommand};
use rollcall_backend::cli;

/// mimalloc: measured, a server idle after a million-user snapshot kept ~250 MB resident with it
/// and ~720 MB with glibc's allocator (the same code). See [`serve_with_prompt_purge`].
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// The server runs with mimalloc's purge delay at 0: memory freed is given back to the system at
/// once. mimalloc purges freed pages after a delay only when some thread allocates again, so a
/// server gone idle after a million-row CSV import through it kept 731 MB resident; with the
/// delay at 0, 54 MB (measured on the release build; the import took 27 s and 32 s, one run
/// each). The option is read from the environment when the allocator starts, before `main`, and
/// setting it from code would take `unsafe`: the server sets it and runs itself again (`exec`:
/// the same process, the same arguments). A value the operator set is kept.
fn serve_with_prompt_purge() {
    use std::os::unix::process::CommandExt;
    const OPTION: &str = "MIMALLOC_PURGE_DELAY";
    if std::env::var_os(OPTION).is_some() {
        return;
    }
    let Ok(exe) = std::env::current_exe() else {
        return;
    };
    let e = std::process::Command::new(exe)
        .args(std::env::args_os().skip(1))
        .env(OPTION, "0")
        .exec();
    // Only returns when the exec failed: serve with the default delay.
    tracing::warn!(error = %e, "could not restart with the allocator's purge delay at 0");
}

#[derive(Parser)]
#[command(
    name = "rollcall",
    version,
    about = "Keep a school district's user accounts in step with its SIS through CSV files."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Show how a file is read: encoding, delimiter, line ending, heading, rows.
    Inspect(cli::inspect::Args),
    /// Check a file: map its columns, validate every row, report every problem.
    Validate(cli::validate::Args),
    /// Plan a file against a roster: creates, updates (field old → new), archives, restores.
    Plan(cli::plan::Args),
    /// Serve the API and the frontend.
    Serve(cli::admin::ServeArgs),
    /// Import a file into a district (the plan's JSON, plus the import number when applied).
    Import(cli::admin::ImportArgs),
    /// Print a district's master CSV (active users in import format, with a scope column).
    Export(cli::admin::ExportArgs),
    /// Create the demo district (schools 101, 102, 103) and its admin, idempotently.
    Demo,
    #[command(subcommand)]
    District(cli::admin::DistrictCmd),
    #[command(subcommand)]
    Admin(cli::admin::AdminCmd),
    #[command(subcommand)]
    Token(cli::admin::TokenCmd),
    /// The district's schools: add one, list them.
    #[command(subcommand)]
    School(cli::school::SchoolCmd),
}

fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("ROLLCALL_LOG")
                .unwrap_or_else(|_| "info".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Inspect(a) => cli::inspect::run(a),
        Command::Validate(a) => cli::validate::run(a),
        Command::Plan(a) => cli::plan::run(a),
        Command::Serve(a) => {
            serve_with_prompt_purge();
            cli::admin::serve(a)
        }
        Command::Import(a) => cli::admin::import(a),
        Command::Export(a) => cli::admin::export(a),
        Command::Demo => cli::admin::demo(),
        Command::District(c) => cli::admin::district(c),
        Command::Admin(c) => cli::admin::admin(c),
        Command::Token(c) => cli::admin::token(c),
        Command::School(c) => cli::school::school(c),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("{e}");
            ExitCode::from(cli::EXIT_UNREADABLE)
        }
    }
}
