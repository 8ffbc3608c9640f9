//! `make bench`: the import engine on a generated 1,000,000-row roster (~99 MB), against a bare
//! `csv::ByteRecord` loop over the same bytes in the same run. Prints MB/s, rows/s, the ratio,
//! where the time goes, and the engine's peak memory (measured in a child process that streams
//! the file from disk, as the CLI and the browser do).
#![allow(clippy::expect_used, clippy::unwrap_used)]

use std::io::Read;
use std::time::{Duration, Instant};

use rollcall_shared::read::RowReader;
use rollcall_shared::{open, Pipeline};

const ROWS: u64 = 1_000_000;
const CHUNK: usize = 1 << 20;
/// Rounds of (bare loop, reader, engine); medians are taken over them.
const RUNS: usize = 7;

use rollcall_shared::testgen::import_options as opts;

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn bare_csv(bytes: &[u8]) -> u64 {
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(true)
        .from_reader(bytes);
    let mut rec = csv::ByteRecord::new();
    let mut n = 0u64;
    while rdr.read_byte_record(&mut rec).expect("csv") {
        n += rec.len() as u64;
    }
    n
}

fn read_only(bytes: &[u8]) -> u32 {
    let opts = opts();
    let o = open(
        &bytes[..bytes.len().min(opts.limits.sniff_bytes)],
        false,
        &opts,
    )
    .expect("open");
    let mut r = RowReader::new(&o.dialect, Default::default());
    let mut n = 0u32;
    for c in bytes.chunks(CHUNK) {
        r.feed(c, &mut |row| n += row.len() as u32);
    }
    r.finish(&mut |row| n += row.len() as u32);
    n
}

/// Read + map + validate; returns the validation and the time spent in finish(). The caller
/// stops its clock before dropping the validation: the product keeps it (to plan and show
/// it), and handing 150 MB back to the OS is not reading or validating.
fn engine<C: AsRef<[u8]>>(
    chunks: &mut dyn Iterator<Item = C>,
    size: u64,
) -> (rollcall_shared::validate::Validation, Duration) {
    let opts = opts();
    let first = chunks.next().expect("data");
    let first = first.as_ref();
    let o = open(
        &first[..first.len().min(opts.limits.sniff_bytes)],
        false,
        &opts,
    )
    .expect("open");
    let mut p = Pipeline::new(&o, &opts);
    p.expect_bytes(size);
    p.feed(first);
    for c in chunks {
        p.feed(c.as_ref());
    }
    let t = Instant::now();
    let v = p.finish().expect("valid file");
    (v, t.elapsed())
}

fn validate_all(bytes: &[u8]) -> rollcall_shared::validate::Validation {
    rollcall_shared::validate_bytes(bytes, &opts())
        .expect("valid")
        .1
}

/// Plan next month's 1,000,000-row file (1% edits, 0.5% new, 0.5% gone) against the
/// 1,000,000-user roster of this month's; the change request's size against the CSV's.
fn plan_bench(this_month: &[u8]) {
    use rollcall_shared::plan::{codec, plan, plan_indexed, Roster, RosterIndex};
    use rollcall_shared::wire::Options;
    let roster = Roster::from_validation(&validate_all(this_month), "students.csv", 1);
    let next = rollcall_shared::testgen::next_month_csv(ROWS, 42);
    let v = validate_all(next.as_bytes());
    let mut times = vec![];
    let mut last = None;
    for _ in 0..3 {
        let t = Instant::now();
        let p = plan(&v, &roster, &sc("students.csv"), &Options::default());
        times.push(t.elapsed());
        last = Some(p);
    }
    let p = last.expect("plan");
    let s = p.summary();
    let t = median(times);
    // The browser builds the roster's index when the snapshot arrives, before a file is
    // chosen; the planning alone, with the index built beforehand, and the building alone.
    let (mut alone, mut building) = (vec![], vec![]);
    for _ in 0..3 {
        let t = Instant::now();
        let index = RosterIndex::new(&roster);
        building.push(t.elapsed());
        let t = Instant::now();
        let q = plan_indexed(
            &v,
            &roster,
            &index,
            &sc("students.csv"),
            &Options::default(),
        );
        alone.push(t.elapsed());
        assert_eq!(q.summary(), s);
    }
    let req = p
        .to_request("demo", &Options::default(), true, None)
        .to_json()
        .expect("serializes");
    let snapshot = codec::encode(&roster);
    let t_dec = Instant::now();
    let back = codec::decode(&snapshot).expect("decode");
    let dec = t_dec.elapsed();
    assert_eq!(back.users.len(), roster.users.len());
    say(&format!(
        "\nPlan 1,000,000 rows against 1,000,000 users: {:.3} s (median of 3; target ≤ 1 s): creates {}, updates {}, archives {}, unchanged {}.",
        t.as_secs_f64(),
        s.creates,
        s.updates,
        s.archives,
        s.unchanged
    ));
    report(&format!(
        "plan_native_s: {:.3}\nplan_native_index_built_s: {:.3}\nroster_index_native_s: {:.3}\nchange_request_bytes: {}\nchange_request_pct_of_csv: {:.2}\nsnapshot_bytes: {}\nsnapshot_decode_s: {:.3}\n",
        t.as_secs_f64(),
        median(alone).as_secs_f64(),
        median(building).as_secs_f64(),
        req.len(),
        req.len() as f64 * 100.0 / next.len() as f64,
        snapshot.len(),
        dec.as_secs_f64()
    ));
    say(&format!(
        "Change request: {} bytes of JSON = {:.2}% of the CSV's {} bytes (target ≤ 5%).",
        req.len(),
        req.len() as f64 * 100.0 / next.len() as f64,
        next.len()
    ));
    say(&format!(
        "Roster snapshot: {:.1} MB encoded, decoded in {:.3} s.",
        snapshot.len() as f64 / 1e6,
        dec.as_secs_f64()
    ));
}

/// Appends `name: value` lines to target/bench/engine.txt (report.js gathers them).
/// Prints a line and writes it to the report.
fn say(line: &str) {
    println!("{line}");
    report(&format!("{line}\n"));
}

fn report(lines: &str) {
    use std::io::Write;
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/bench");
    let _ = std::fs::create_dir_all(&dir);
    if let Ok(mut f) = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(dir.join("engine.txt"))
    {
        let _ = f.write_all(lines.as_bytes());
    }
}

fn peak_rss_kb() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .map(str::to_owned)
        })
        .and_then(|l| l.split_whitespace().nth(1).and_then(|n| n.parse().ok()))
        .unwrap_or(0)
}

fn main() {
    // Write the generated roster to a file (for profiling and the other benchmarks).
    if let Ok(path) = std::env::var("ROLLCALL_BENCH_GEN") {
        std::fs::write(&path, rollcall_shared::testgen::roster_csv(ROWS, 42)).expect("write");
        return;
    }
    // Child mode: stream a file from disk through the engine and report peak memory.
    if let Ok(path) = std::env::var("ROLLCALL_BENCH_CHILD") {
        let mut f = std::fs::File::open(&path).expect("file");
        let size = f.metadata().expect("meta").len();
        let base = peak_rss_kb();
        let mut it = std::iter::from_fn(move || {
            let mut buf = vec![0u8; CHUNK];
            let n = f.read(&mut buf).expect("read");
            (n > 0).then(|| {
                buf.truncate(n);
                buf
            })
        });
        let rows = engine(&mut it, size).0.rows;
        println!("{rows} {} {}", peak_rss_kb(), base);
        return;
    }
    let t = Instant::now();
    let _ = std::fs::remove_file(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/bench/engine.txt"),
    );
    let csv = rollcall_shared::testgen::roster_csv(ROWS, 42);
    let bytes = csv.into_bytes();
    let mb = bytes.len() as f64 / 1e6;
    println!(
        "generated {ROWS} rows, {mb:.1} MB in {:.2} s",
        t.elapsed().as_secs_f64()
    );

    // This machine's speed drifts by up to 2× over minutes (it is shared): the bare loop and the
    // engine run back to back in each round, and the ratio is the median of the rounds' ratios.
    let (mut bare, mut read, mut full, mut fin) = (vec![], vec![], vec![], vec![]);
    let mut ratios = vec![];
    let mut rows = 0;
    for _ in 0..RUNS {
        let t = Instant::now();
        std::hint::black_box(bare_csv(&bytes));
        bare.push(t.elapsed());
        let t = Instant::now();
        std::hint::black_box(read_only(&bytes));
        read.push(t.elapsed());
        let t = Instant::now();
        // Borrowed chunks, as the bare loop reads borrowed bytes (the child below streams
        // the file from disk in fresh buffers for the memory figure).
        let mut it = bytes.chunks(CHUNK);
        let (v, f) = engine(&mut it, bytes.len() as u64);
        let took = t.elapsed();
        full.push(took);
        fin.push(f);
        ratios.push(bare[bare.len() - 1].as_secs_f64() / took.as_secs_f64());
        assert_eq!(v.summary().errors, 0, "the generated roster is valid");
        rows = v.rows;
        drop(v);
    }
    let (bare, read, full, fin) = (median(bare), median(read), median(full), median(fin));
    let rate = |d: Duration| (mb / d.as_secs_f64(), rows as f64 / d.as_secs_f64());
    let (bmb, brs) = rate(bare);
    let (emb, ers) = rate(full);
    ratios.sort_by(f64::total_cmp);
    let ratio = ratios[ratios.len() / 2];
    let read_s = read.as_secs_f64();
    let fin_s = fin.as_secs_f64();
    let rules_s = (full.as_secs_f64() - read_s - fin_s).max(0.0);
    // Printed, and written to the report (whose `name: value` lines are its figures).
    let summary = format!(
        "\n| run (median of {RUNS}) | time | MB/s | rows/s |\n|---|---|---|---|\n\
         | bare csv::ByteRecord loop | {:.3} s | {bmb:.0} | {brs:.0} |\n\
         | engine: read + map + validate | {:.3} s | {emb:.0} | {ers:.0} |\n\n\
         Engine vs bare loop throughput: {:.0}% (target ≥ 40%; median of the {RUNS} rounds' ratios, which ranged {:.0}–{:.0}%).\n\
         Where the time goes: decode + split {read_s:.3} s, row rules + record store {rules_s:.3} s, file rules (duplicates, schools) {fin_s:.3} s.\n",
        bare.as_secs_f64(),
        full.as_secs_f64(),
        ratio * 100.0,
        ratios[0] * 100.0,
        ratios[ratios.len() - 1] * 100.0
    );
    print!("{summary}");
    report(&summary);
    report(&format!("bare_csv_mb_s: {bmb:.0}\nengine_mb_s: {emb:.0}\nengine_rows_s: {ers:.0}\nengine_vs_bare_pct: {:.0}\n", ratio * 100.0));
    // The phases, for the browser's to be set against.
    report(&format!(
        "validate_native_s: {:.3}\nread_native_s: {read_s:.3}\nrow_rules_native_s: {rules_s:.3}\nfile_rules_native_s: {fin_s:.3}\n",
        full.as_secs_f64()
    ));

    plan_bench(&bytes);

    // Peak memory in a child that streams the file from disk.
    let dir = std::env::temp_dir().join(format!("rollcall-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("tmp");
    let path = dir.join("roster.csv");
    std::fs::write(&path, &bytes).expect("write");
    drop(bytes);
    let out = std::process::Command::new(std::env::current_exe().expect("exe"))
        .env("ROLLCALL_BENCH_CHILD", &path)
        .output()
        .expect("child");
    let text = String::from_utf8_lossy(&out.stdout);
    let nums: Vec<u64> = text
        .split_whitespace()
        .filter_map(|n| n.parse().ok())
        .collect();
    if let [_, peak, _] = nums[..] {
        let peak_mb = peak as f64 * 1024.0 / 1e6;
        say(&format!("Peak memory (whole process, file streamed from disk): {peak_mb:.0} MB = {:.2}× the file (target < 2×).", peak_mb / mb));
        report(&format!(
            "engine_peak_memory_mb: {peak_mb:.0}\nengine_peak_memory_x_file: {:.2}\n",
            peak_mb / mb
        ));
    } else {
        println!(
            "peak memory: child failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let _ = std::fs::remove_dir_all(dir);
}

/// A scope for tests.
fn sc(s: &str) -> rollcall_shared::fields::Scope {
    rollcall_shared::fields::Scope::parse(s).expect("a valid scope")
}
