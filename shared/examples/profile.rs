//! A profiling harness for the engine: `profile FILE [RUNS]` reads FILE into memory, then runs
//! read + map + validate over it RUNS times in 1 MB chunks (as the browser and the bench do) and
//! prints each run's time and the fastest. `profile FILE RUNS ROSTER.csv` instead plans FILE
//! against the roster ROSTER.csv would make, RUNS times. Run it under `perf record` or
//! `valgrind --tool=cachegrind` to see where the time goes on any file.
#![allow(clippy::expect_used)]

use std::time::Instant;

use rollcall_shared::{open, validate_bytes, ImportOptions, Pipeline};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let path = args.get(1).expect("usage: profile FILE [RUNS]");
    let runs: usize = args.get(2).and_then(|n| n.parse().ok()).unwrap_or(5);
    let bytes = std::fs::read(path).expect("read the file");
    // The generated rosters' schools (`make bench`'s files); other files' school values are
    // reported as unknown, which costs what checking them costs.
    let opts = rollcall_shared::testgen::import_options();
    if let Some(roster_file) = args.get(3) {
        return plan(&bytes, roster_file, runs, &opts);
    }
    let mut best = f64::MAX;
    for _ in 0..runs {
        let t = Instant::now();
        let o = open(
            &bytes[..bytes.len().min(opts.limits.sniff_bytes)],
            false,
            &opts,
        )
        .expect("open");
        let mut p = Pipeline::new(&o, &opts);
        p.expect_bytes(bytes.len() as u64);
        for c in bytes.chunks(1 << 20) {
            p.feed(c);
        }
        let t_read = t.elapsed().as_secs_f64();
        let v = p.finish().expect("a readable file");
        let s = t.elapsed().as_secs_f64();
        best = best.min(s);
        println!(
            "{:.3} s (rows {:.3} s, finish {:.3} s): {} rows, {} issues",
            s,
            t_read,
            s - t_read,
            v.rows,
            v.issues.len()
        );
    }
    println!("best {best:.3} s");
}

fn validate(bytes: &[u8], opts: &ImportOptions) -> rollcall_shared::validate::Validation {
    validate_bytes(bytes, opts).expect("a readable file").1
}

fn plan(bytes: &[u8], roster_file: &str, runs: usize, opts: &ImportOptions) {
    use rollcall_shared::plan::{plan_indexed, Roster, RosterIndex};
    let roster_bytes = std::fs::read(roster_file).expect("read the roster file");
    let roster = Roster::from_validation(&validate(&roster_bytes, opts), "students.csv", 1);
    let index = RosterIndex::new(&roster);
    let v = validate(bytes, opts);
    let mut best = f64::MAX;
    for _ in 0..runs {
        let t = Instant::now();
        let p = plan_indexed(
            &v,
            &roster,
            &index,
            &rollcall_shared::fields::Scope::parse("students.csv").expect("a scope"),
            &rollcall_shared::wire::Options::default(),
        );
        let s = t.elapsed().as_secs_f64();
        best = best.min(s);
        let sum = p.summary();
        println!(
            "plan {s:.3} s: {} creates, {} updates, {} archives, {} unchanged",
            sum.creates, sum.updates, sum.archives, sum.unchanged
        );
    }
    println!("best {best:.3} s");
}
