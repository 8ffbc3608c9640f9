//! `rollcall`: the server and the admin CLI in one binary.

mod cli;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

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
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Inspect(a) => cli::inspect::run(a),
        Command::Validate(a) => cli::validate::run(a),
        Command::Plan(a) => cli::plan::run(a),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("{e}");
            ExitCode::from(cli::EXIT_UNREADABLE)
        }
    }
}
