//! Writes the benchmark's generated rosters: `gen THIS.csv NEXT.csv [ROWS]` — this month's file
//! and next month's (1% edited, 0.5% gone, 0.5% new), deterministic.

fn main() -> std::io::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let rows = args
        .get(3)
        .and_then(|n| n.parse().ok())
        .unwrap_or(1_000_000);
    if let Some(p) = args.get(1) {
        std::fs::write(p, rollcall_shared::testgen::roster_csv(rows, 42))?;
    }
    if let Some(p) = args.get(2) {
        std::fs::write(p, rollcall_shared::testgen::next_month_csv(rows, 42))?;
    }
    Ok(())
}
