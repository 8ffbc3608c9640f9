//! A profiling harness for the engine: `profile FILE [RUNS]` reads FILE into memory, then runs
//! read + map + validate over it RUNS times in 1 MB chunks (as the browser and the bench do) and
//! prints each run's time and the fastest. Run it under `perf record` or `valgrind
//! --tool=cachegrind` to see where the time goes on any file.
#![allow(clippy::expect_used)]

use std::time::Instant;

use rollcall_shared::map::{School, SchoolDirectory};
use rollcall_shared::{open, ImportOptions, Pipeline};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let path = args.get(1).expect("usage: profile FILE [RUNS]");
    let runs: usize = args.get(2).and_then(|n| n.parse().ok()).unwrap_or(5);
    let bytes = std::fs::read(path).expect("read the file");
    let opts = ImportOptions {
        schools: Some(SchoolDirectory::new(
            ["101", "102", "103"]
                .iter()
                .map(|c| School {
                    sis_code: (*c).into(),
                    name: format!("School {c}"),
                })
                .collect(),
        )),
        ..ImportOptions::default()
    };
    let mut best = f64::MAX;
    for _ in 0..runs {
        let t = Instant::now();
        let o = open(&bytes[..bytes.len().min(256 * 1024)], false, &opts).expect("open");
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
