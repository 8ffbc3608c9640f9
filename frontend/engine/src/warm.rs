//! The warm-up: the reader, the rules, the snapshot decoder and the planner run once over a small
//! generated file and roster when the worker starts, so that the browser has compiled and
//! optimised their code while the admin is still choosing a file. V8 compiles a wasm function
//! when it is first called and optimises it once it has run hot, but a call already running keeps
//! the code it started with: the planner, called once over a million rows, ran all of them in
//! V8's baseline code before this warm-up (0.62-0.75 s; 0.32-0.39 s after, in the race).

use std::fmt::Write;

use rollcall_shared::fields::Scope;
use rollcall_shared::plan::{
    codec, plan_indexed, Roster, RosterIndex, RosterUser, UserId, UserStatus,
};
use rollcall_shared::preview::{PlanView, ValidationView};
use rollcall_shared::wire::Options;
use rollcall_shared::{open, ImportOptions, Pipeline};
use wasm_bindgen::prelude::*;

use crate::{err, to_json};

/// Rows in the generated file: enough for the row loop to be optimised, little enough to take a
/// few tens of milliseconds.
const ROWS: usize = 2_000;

/// A roster file as an SIS writes one: a heading, then students and staff with names, ids,
/// grades, schools and emails (some rows with problems, so that issues are written too).
fn sample() -> String {
    let mut csv = String::from(
        "First Name,Last Name,District ID,User Type,Grade,Email Address,School SIS ID\r\n",
    );
    for i in 0..ROWS {
        let kind = if i % 10 == 0 { "1" } else { "0" };
        let grade = if i % 97 == 0 {
            "13".to_owned()
        } else {
            (i % 12 + 1).to_string()
        };
        let _ = write!(
            csv,
            "Ann{},Lée-{i},W{i:07},{kind},{grade},ann.lee{i}@warm.example.org,{}\r\n",
            i % 7,
            100 + i % 4
        );
    }
    csv
}

/// Opens, validates and plans the generated file and writes their answers, as the worker's
/// commands do; nothing is kept. Fails when the file did not go the whole way (a column left
/// unmapped, rows not read, no update planned): the warm-up would then warm less.
#[wasm_bindgen]
pub fn warm_up() -> Result<(), JsValue> {
    let csv = sample();
    let options = ImportOptions::default();
    let opened = open(csv.as_bytes(), true, &options).map_err(err)?;
    let unmapped = opened.mapping.missing_required();
    if !unmapped.is_empty() {
        return Err(err(format!("warm-up: {unmapped:?} not mapped")));
    }
    let mut p = Pipeline::with_mapping(&opened, opened.mapping.clone(), &options);
    p.feed(csv.as_bytes());
    let (v, _) = p.finish_fixed().map_err(err)?;
    let view = ValidationView::of(&v);
    if view.rows as usize != ROWS || view.errors == 0 {
        return Err(err(format!(
            "warm-up: {} rows read, {} errors",
            view.rows, view.errors
        )));
    }
    to_json(&view)?;
    // Planned twice: against no one (every row a create), then against a roster made of those
    // users, sent through the snapshot's encoding as the server's is, where a tenth have their
    // names swapped and a tenth are left out (updates, unchanged users, creates).
    let scope = Scope::parse("warm-up").map_err(|e| err(e.message))?;
    let plan_against = |r: &Roster| {
        let plan = plan_indexed(&v, r, &RosterIndex::new(r), &scope, &Options::default());
        to_json(&PlanView::of(&plan, 10, 0.0)).map(|_| plan)
    };
    let first = plan_against(&Roster::default())?;
    let users = first
        .creates
        .into_iter()
        .enumerate()
        .filter(|(i, _)| i % 10 != 5);
    let roster = Roster {
        revision: 1,
        users: users
            .map(|(i, mut u)| {
                if i % 10 == 0 {
                    std::mem::swap(&mut u.data.first_name, &mut u.data.last_name);
                }
                RosterUser {
                    id: UserId(i as i64 + 1),
                    data: u.data,
                    status: UserStatus::Active,
                    managed_by: None,
                    keep_active: false,
                }
            })
            .collect(),
    };
    let roster = codec::decode(&codec::encode(&roster)).map_err(err)?;
    let plan = plan_against(&roster)?;
    if plan.updates.is_empty() || plan.unchanged == 0 || plan.creates.is_empty() {
        return Err(err(
            "warm-up: the second plan found no updates, unchanged users or creates",
        ));
    }
    Ok(())
}
