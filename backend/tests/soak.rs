//! Faults, with the real binary: SIGKILL in the middle of applying an import (by the CLI, and by
//! the server's job runner for a scheduled import), then a restart: each import is wholly
//! applied or wholly absent, the revision matches, and no import is left `running`. And the
//! database going away under a running server: clean 503s, then recovery.
//!
//! `make test` runs a few small trials; `make soak` sets ROLLCALL_SOAK_TRIALS=20 and
//! ROLLCALL_SOAK_USERS=200000 and writes its figures for target/soak/report.md.
#![allow(clippy::expect_used, clippy::unwrap_used)]

use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use rollcall_backend::db::apply::{self, hash_password, Submission};
use rollcall_backend::db::{Db, StoreCommon};
use rollcall_backend::with_conn;
use rollcall_shared::plan::{plan, Roster};
use rollcall_shared::testgen::Rng;
use rollcall_shared::wire::Options;
use rollcall_shared::{validate_bytes, ImportOptions};

fn env(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn seed(url: &str) -> Db {
    let db = Db::connect(url).expect("db");
    let mut conn = db.get().expect("conn");
    with_conn!(conn, |c| -> Result<(), rollcall_backend::db::DbError> {
        let d = c.create_district("demo", "Demo")?;
        for s in ["101", "102", "103"] {
            c.upsert_school(d.id, s, s)?;
        }
        c.create_admin(
            d.id,
            "admin@demo.example.org",
            "Admin",
            &hash_password("rollcall-demo").expect("hash"),
        )?;
        Ok(())
    })
    .expect("seed");
    db
}

/// (users, revision, completed imports, running imports)
fn state(db: &Db) -> (usize, i64, usize, usize) {
    let mut conn = db.get().expect("conn");
    with_conn!(conn, |c| -> Result<_, rollcall_backend::db::DbError> {
        let d = c.district_by_short("demo")?.expect("district");
        let imports = c.imports(d.id)?;
        Ok((
            c.users(d.id)?.len(),
            d.revision,
            imports.iter().filter(|i| i.status == "completed").count(),
            imports.iter().filter(|i| i.status == "running").count(),
        ))
    })
    .expect("state")
}

fn urls(tag: &str, n: u64) -> Vec<(String, String)> {
    let file = std::path::Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("rollcall-soak-{tag}-{}-{n}.db", std::process::id()));
    let _ = std::fs::remove_file(&file);
    let mut v = vec![("sqlite".to_owned(), format!("sqlite://{}", file.display()))];
    if let Ok(base) = std::env::var("ROLLCALL_TEST_PG") {
        let schema = format!("s_{tag}_{}_{n}", std::process::id());
        let mut c = <diesel::PgConnection as diesel::Connection>::establish(&base).expect("pg");
        diesel::connection::SimpleConnection::batch_execute(
            &mut c,
            &format!("DROP SCHEMA IF EXISTS {schema} CASCADE; CREATE SCHEMA {schema};"),
        )
        .expect("schema");
        v.push((
            "postgres".to_owned(),
            format!("{base}?options=-csearch_path%3D{schema}"),
        ));
    }
    v
}

#[test]
fn crash_mid_apply_leaves_each_import_whole_or_absent() {
    let trials = env("ROLLCALL_SOAK_TRIALS", 2);
    let users = env("ROLLCALL_SOAK_USERS", 3000);
    let max_kill_ms = env("ROLLCALL_SOAK_MAX_KILL_MS", 1500);
    let csv = rollcall_shared::testgen::roster_csv(users, 7);
    let file = std::path::Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("rollcall-soak-{}.csv", std::process::id()));
    std::fs::write(&file, &csv).expect("write");
    let (_, v) = validate_bytes(csv.as_bytes(), &ImportOptions::default()).expect("valid");
    let mut rng =
        Rng::new(Instant::now().elapsed().as_nanos() as u64 ^ u64::from(std::process::id()));
    let mut report = String::new();
    for backend in ["sqlite", "postgres"] {
        let (mut applied, mut absent, mut failures) = (0, 0, 0);
        for t in 0..trials {
            let Some((_, url)) = urls("crash", t).into_iter().find(|(b, _)| b == backend) else {
                continue;
            };
            let db = seed(&url);
            let kill_after = Duration::from_millis(rng.below(max_kill_ms + 1));
            let child =
                if t % 2 == 0 {
                    // The CLI applies the import.
                    Command::new(env!("CARGO_BIN_EXE_rollcall"))
                        .args([
                            "import",
                            file.to_str().expect("path"),
                            "--district",
                            "demo",
                            "--scope",
                            "s",
                            "--confirm-archives",
                        ])
                        .env("DATABASE_URL", &url)
                        .stdout(Stdio::null())
                        .stderr(Stdio::null())
                        .spawn()
                } else {
                    // A scheduled import, applied by the server's job runner.
                    let req = plan(&v, &Roster::default(), &sc("s"), &Options::default())
                        .to_request("demo", &Options::default(), true, None);
                    let req = apply::seal(req).expect("seal");
                    let mut conn = db.get().expect("conn");
                    let at = rollcall_backend::db::now_ms() + 50;
                    with_conn!(conn, |c| apply::submit(
                        c,
                        &Submission {
                            district: rollcall_backend::db::DistrictId(1),
                            request: &req,
                            submitted_by: "soak",
                            kind: "api",
                            idempotency_key: None,
                            fingerprint: None,
                            if_match: None,
                            run_at: Some(at),
                            link_base: None,
                        }
                    ))
                    .expect("queued");
                    Command::new(env!("CARGO_BIN_EXE_rollcall"))
                        .args(["serve", "--addr", "127.0.0.1:0"])
                        .env("DATABASE_URL", &url)
                        .env("ROLLCALL_LOG", "error")
                        .stdout(Stdio::null())
                        .stderr(Stdio::null())
                        .spawn()
                };
            let mut child = child.expect("spawn");
            std::thread::sleep(kill_after);
            let _ = child.kill(); // SIGKILL
            let _ = child.wait();
            // "Restart": what `rollcall serve` does at start, then the queue.
            rollcall_backend::jobs::recover(&db).expect("recover");
            rollcall_backend::jobs::run_due(&db).expect("run due");
            let (n, rev, completed, running) = state(&db);
            let whole = (n == users as usize && completed == 1 && rev == 1)
                || (n == 0 && completed == 0 && rev == 0);
            if !whole || running != 0 {
                failures += 1;
                eprintln!("{backend} trial {t}: {n} users, revision {rev}, {completed} completed, {running} running");
            } else if n == 0 {
                absent += 1;
            } else {
                applied += 1;
            }
        }
        if applied + absent + failures > 0 {
            report.push_str(&format!("crash_mid_apply_{backend} | {} | {failures} | {applied} applied whole, {absent} absent ({users} users, kill within {max_kill_ms} ms)\n", applied + absent + failures));
        }
        assert_eq!(failures, 0, "{backend}: an import was left half-applied");
    }
    let _ = std::fs::remove_file(file);
    write_report("crash", &report);
}

fn write_report(name: &str, rows: &str) {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/soak");
    let _ = std::fs::create_dir_all(&dir);
    let _ = std::fs::write(dir.join(format!("{name}.rows")), rows);
}

fn http(
    addr: &str,
    method: &str,
    path: &str,
    token: Option<&str>,
    body: &str,
) -> Option<(u16, String)> {
    let mut s = TcpStream::connect(addr).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(60))).ok()?;
    let auth = token
        .map(|t| format!("Authorization: Bearer {t}\r\n"))
        .unwrap_or_default();
    write!(s, "{method} {path} HTTP/1.1\r\nHost: soak\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: {}\r\n{auth}\r\n{body}", body.len()).ok()?;
    let mut out = String::new();
    s.read_to_string(&mut out).ok()?;
    let status = out.split_whitespace().nth(1)?.parse().ok()?;
    let body = out
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_owned())
        .unwrap_or_default();
    Some((status, body))
}

#[test]
fn the_database_going_away_gives_503s_then_the_server_recovers() {
    if std::env::var("ROLLCALL_TEST_PG").is_err() {
        assert!(std::env::var("CI").is_err(), "CI runs this with PostgreSQL");
        return;
    }
    let scripts = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../scripts/pg.sh");
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("rollcall-gone-{}", std::process::id()));
    let url = String::from_utf8(
        Command::new(&scripts)
            .args(["start", dir.to_str().expect("dir")])
            .output()
            .expect("pg")
            .stdout,
    )
    .expect("url")
    .trim()
    .to_owned();
    seed(&url);
    let mut server = Command::new(env!("CARGO_BIN_EXE_rollcall"))
        .args(["serve", "--addr", "127.0.0.1:0"])
        .env("DATABASE_URL", &url)
        .env("ROLLCALL_LOG", "error")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("serve");
    let mut line = String::new();
    let mut out = std::io::BufReader::new(server.stdout.take().expect("stdout"));
    std::io::BufRead::read_line(&mut out, &mut line).expect("listening line");
    let addr = line
        .trim()
        .rsplit("http://")
        .next()
        .expect("addr")
        .to_owned();
    let (s, body) = http(
        &addr,
        "POST",
        "/api/session",
        None,
        r#"{"email":"admin@demo.example.org","password":"rollcall-demo"}"#,
    )
    .expect("login");
    assert_eq!(s, 200, "{body}");
    let token = serde_json::from_str::<serde_json::Value>(&body).expect("json")["token"]
        .as_str()
        .expect("token")
        .to_owned();
    assert_eq!(
        http(&addr, "GET", "/api/me", Some(&token), "").map(|r| r.0),
        Some(200)
    );

    Command::new(&scripts)
        .args(["pause", dir.to_str().expect("dir")])
        .status()
        .expect("pause");
    let mut codes = Vec::new();
    for _ in 0..3 {
        let (s, body) = http(&addr, "GET", "/api/users", Some(&token), "")
            .expect("an answer, not a dropped connection");
        codes.push((
            s,
            body.contains("database_unavailable") || body.contains("unauthorized"),
        ));
    }
    assert!(
        codes
            .iter()
            .all(|(s, coded)| (*s == 503 || *s == 401) && *coded),
        "{codes:?}"
    );
    assert!(
        server.try_wait().expect("status").is_none(),
        "the server is still running"
    );

    Command::new(&scripts)
        .args(["resume", dir.to_str().expect("dir")])
        .status()
        .expect("resume");
    let mut ok = false;
    for _ in 0..20 {
        if http(&addr, "GET", "/api/me", Some(&token), "").map(|r| r.0) == Some(200) {
            ok = true;
            break;
        }
        std::thread::sleep(Duration::from_millis(500));
    }
    let _ = server.kill();
    let _ = server.wait();
    let _ = Command::new(&scripts)
        .args(["stop", dir.to_str().expect("dir")])
        .status();
    assert!(ok, "the server recovered when the database came back");
    write_report("gone", &format!("database_gone | {} | 0 | 503 with code `database_unavailable` while down, 200 again after restart\n", codes.len()));
}

/// A scope for tests.
fn sc(s: &str) -> rollcall_shared::fields::Scope {
    rollcall_shared::fields::Scope::parse(s).expect("a valid scope")
}
