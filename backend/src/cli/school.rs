//! `rollcall school`: the district's schools from the command line.

use std::process::ExitCode;

use anyhow::anyhow;
use rollcall_shared::fields::{SchoolCode, Text};

use super::admin::connect;
use crate::db::{Backend, StoreCommon};
use crate::with_conn;

#[derive(clap::Subcommand, Debug)]
pub enum SchoolCmd {
    /// Add a school (its SIS code must be new to the district).
    Add {
        #[arg(long, value_name = "SHORT_NAME")]
        district: String,
        /// The school's SIS code, as files name it.
        #[arg(long, value_parser = |s: &str| SchoolCode::parse(s).map_err(|e| e.message))]
        code: SchoolCode,
        #[arg(long, value_parser = |s: &str| Text::parse(s).map_err(|e| e.message))]
        name: Text,
    },
    /// List the district's schools with their active users.
    List {
        #[arg(long, value_name = "SHORT_NAME")]
        district: String,
    },
}

pub fn school(cmd: SchoolCmd) -> anyhow::Result<ExitCode> {
    let db = connect()?;
    let mut conn = db.get()?;
    match cmd {
        SchoolCmd::Add {
            district,
            code,
            name,
        } => {
            with_conn!(conn, |c| -> anyhow::Result<()> {
                let d = c
                    .district_by_short(&district)?
                    .ok_or_else(|| anyhow!("No district `{district}`."))?;
                c.write_txn(d.id, |c| {
                    if c.school(d.id, code.as_str())?.is_some() {
                        return Ok(Err(anyhow!(
                            "The district already has a school with SIS code `{code}`."
                        )));
                    }
                    c.insert_school(d.id, code.as_str(), name.as_str())?;
                    Ok(Ok(()))
                })?
            })?;
            println!("School `{code}` ({name}) added to `{district}`.");
        }
        SchoolCmd::List { district } => {
            let (schools, counts) = with_conn!(conn, |c| -> anyhow::Result<_> {
                let d = c
                    .district_by_short(&district)?
                    .ok_or_else(|| anyhow!("No district `{district}`."))?;
                Ok((c.schools(d.id)?, c.active_users_by_school(d.id)?))
            })?;
            for (code, name) in schools {
                let n = counts
                    .iter()
                    .find(|(s, _)| *s == code)
                    .map_or(0, |(_, n)| *n);
                println!("{code}\t{name}\t{n} active users");
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
