//! `make bench`: the server's apply of 1,000,000 users — a first import, then a re-import with
//! 1% edits (0.5% new, 0.5% gone) — on SQLite and, when ROLLCALL_BENCH_PG is set, PostgreSQL;
//! each against the plainest bulk load of the same rows into the same table in the same run
//! (multi-row INSERTs in one transaction on SQLite, COPY on PostgreSQL).
#![allow(clippy::expect_used, clippy::unwrap_used)]

use std::time::Instant;

use rollcall_backend::db::apply::{self, Submission};
use rollcall_backend::db::models::UserRow;
use rollcall_backend::db::{Backend, Db, StoreCommon};
use rollcall_backend::with_conn;
use rollcall_shared::plan::{plan, Roster, UserStatus};
use rollcall_shared::testgen::import_options as opts;
use rollcall_shared::validate_bytes;
use rollcall_shared::wire::Options;

fn rows() -> u64 {
    std::env::var("ROLLCALL_BENCH_ROWS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000_000)
}

fn bench(label: &str, url: &str, out: &mut String) {
    let n = rows();
    let db = Db::connect(url).expect("db");
    let mut conn = db.get().expect("conn");
    let this_month = rollcall_shared::testgen::roster_csv(n, 42);
    let next_month = rollcall_shared::testgen::next_month_csv(n, 42);
    let (_, v1) = validate_bytes(this_month.as_bytes(), &opts()).expect("valid");
    let (_, v2) = validate_bytes(next_month.as_bytes(), &opts()).expect("valid");

    let (first, second, baseline) = with_conn!(conn, |c| {
        let d = c
            .create_district(&format!("bench{}", label.len()), "Bench")
            .expect("district");
        for s in ["101", "102", "103"] {
            c.upsert_school(d.id, s, s).expect("school");
        }
        let empty = Roster {
            revision: 0,
            users: vec![],
        };
        // One timed apply of a plan, as the CLI submits it.
        let timed_submit = |c: &mut _, req: &rollcall_shared::wire::SealedRequest, what: &str| {
            let t = Instant::now();
            let sub = Submission {
                district: d.id,
                request: req,
                submitted_by: "bench",
                kind: "cli",
                idempotency_key: None,
                fingerprint: None,
                if_match: None,
                run_at: None,
                link_base: None,
            };
            apply::submit(c, &sub).expect(what);
            t.elapsed().as_secs_f64()
        };
        let p1 = plan(&v1, &empty, &sc("students.csv"), &Options::default());
        let req1 = apply::seal(p1.to_request(&d.short_name, &Options::default(), true, None))
            .expect("seal");
        let first = timed_submit(&mut *c, &req1, "first import");

        let dist = c.district(d.id).expect("district");
        let roster = c.roster(&dist).expect("roster");
        let p2 = plan(&v2, &roster, &sc("students.csv"), &Options::default());
        let req2 = apply::seal(p2.to_request(&d.short_name, &Options::default(), true, None))
            .expect("seal");
        let second = timed_submit(&mut *c, &req2, "re-import");

        // Baseline: the same rows, bulk-loaded as plainly as the backend allows, in one transaction.
        let base_d = c
            .create_district(&format!("base{}", label.len()), "Baseline")
            .expect("district");
        let now = rollcall_backend::db::now_ms();
        let rows: Vec<UserRow> = req1
            .creates
            .iter()
            .enumerate()
            .map(|(i, u)| {
                UserRow::from_data(
                    base_d.id,
                    i as i64 + 1,
                    &u.data,
                    UserStatus::Active,
                    None,
                    now,
                )
            })
            .collect();
        let t = Instant::now();
        c.write_txn(base_d.id, |c| c.bulk_insert_users(&rows))
            .expect("baseline");
        let baseline = t.elapsed().as_secs_f64();
        (first, second, baseline)
    });
    let line = format!(
        "| {label} | {:.2} s ({:.0} rows/s) | {:.2} s | {:.2} s ({:.0} rows/s) | {:.2}× |\n",
        first,
        n as f64 / first,
        second,
        baseline,
        n as f64 / baseline,
        first / baseline
    );
    print!("{line}");
    out.push_str(&line);
    let l = label.to_lowercase();
    let ratio = first / baseline;
    let kv = format!("apply_first_{l}_s: {first:.3}\napply_reimport_{l}_s: {second:.3}\nbulk_baseline_{l}_s: {baseline:.3}\napply_vs_baseline_{l}: {ratio:.2}\n");
    out.push_str(&kv);
}

fn main() {
    // What is printed goes to the report too (its `name: value` lines become figures).
    let head = format!(
        "Apply {} users (verification, history, before-images included) vs the plainest bulk load:\n\n\
         | backend | first import | re-import (1% edits, 0.5% new, 0.5% gone) | bulk-load baseline | first / baseline |\n\
         |---|---|---|---|---|\n",
        rows()
    );
    print!("{head}");
    let mut out = head;
    let dir = std::env::temp_dir().join(format!("rollcall-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("tmp");
    bench(
        "SQLite",
        &format!("sqlite://{}", dir.join("bench.db").display()),
        &mut out,
    );
    if let Ok(pg) = std::env::var("ROLLCALL_BENCH_PG") {
        bench("PostgreSQL", &pg, &mut out);
    }
    let _ = std::fs::remove_dir_all(&dir);
    let target = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/bench");
    let _ = std::fs::create_dir_all(&target);
    let _ = std::fs::write(target.join("apply.txt"), out);
}

/// A scope for tests.
fn sc(s: &str) -> rollcall_shared::fields::Scope {
    rollcall_shared::fields::Scope::parse(s).expect("a valid scope")
}
