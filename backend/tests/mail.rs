//! With ROLLCALL_SMTP_URL, the outbox is delivered over SMTP and marked sent: to a minimal
//! server on loopback that records what it receives, and to a real one (aiosmtpd, Debian's
//! python3-aiosmtpd) with STARTTLS or TLS from the first byte, a certificate the test makes
//! (trusted through `extra_root`, as ROLLCALL_SMTP_CA does), and a password.
#![allow(clippy::expect_used, clippy::unwrap_used)]

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};

use rollcall_backend::db::{Db, StoreCommon};
use rollcall_backend::mail::{deliver_pending, Mailer};
use rollcall_backend::with_conn;

/// Accepts SMTP sessions and keeps every DATA section it is given.
fn fake_smtp() -> (String, Arc<Mutex<Vec<String>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = listener.local_addr().expect("addr").to_string();
    let got: Arc<Mutex<Vec<String>>> = Arc::default();
    let store = got.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let mut w = stream.try_clone().expect("clone");
            let mut r = BufReader::new(stream);
            let _ = w.write_all(b"220 fake ESMTP\r\n");
            let mut line = String::new();
            let mut data: Option<String> = None;
            while r.read_line(&mut line).unwrap_or(0) > 0 {
                if let Some(d) = data.as_mut() {
                    if line == ".\r\n" {
                        store
                            .lock()
                            .expect("lock")
                            .push(data.take().unwrap_or_default());
                        let _ = w.write_all(b"250 queued\r\n");
                    } else {
                        d.push_str(&line);
                    }
                } else {
                    let cmd = line.to_ascii_uppercase();
                    let reply: &[u8] = if cmd.starts_with("EHLO") {
                        b"250-fake\r\n250 OK\r\n"
                    } else if cmd.starts_with("DATA") {
                        data = Some(String::new());
                        b"354 go ahead\r\n"
                    } else if cmd.starts_with("QUIT") {
                        let _ = w.write_all(b"221 bye\r\n");
                        break;
                    } else {
                        b"250 OK\r\n"
                    };
                    let _ = w.write_all(reply);
                }
                line.clear();
            }
        }
    });
    (addr, got)
}

#[test]
fn the_outbox_is_delivered_over_smtp_and_marked_sent() {
    let (addr, got) = fake_smtp();
    let file = std::path::Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("rollcall-mail-{}.db", std::process::id()));
    let _ = std::fs::remove_file(&file);
    let db = Db::connect(&format!("sqlite://{}", file.display())).expect("db");
    let mut conn = db.get().expect("conn");
    with_conn!(conn, |c| -> Result<(), rollcall_backend::db::DbError> {
        let d = c.create_district("demo", "Demo")?;
        c.insert_mail(
            d.id,
            "admin@demo.example.org",
            "Import #1 completed",
            "Your import #1 completed.",
            false,
        )?;
        c.insert_mail(d.id, "not an address", "Broken", "x", false)?;
        c.insert_mail(
            d.id,
            "admin@demo.example.org",
            "Hi\r\nBcc: everyone@outside.example",
            "x",
            false,
        )?;
        Ok(())
    })
    .expect("seed");
    let mailer = Mailer::new(
        &format!("smtp://{addr}"),
        "Rollcall <rollcall@demo.example.org>",
        None,
    )
    .expect("mailer");
    let sent = deliver_pending(&db, &mailer).expect("deliver");
    assert_eq!(sent, 1);
    let received = got.lock().expect("lock").clone();
    assert_eq!(received.len(), 1);
    assert!(
        !received[0].contains("Bcc"),
        "no header line from a value: {received:?}"
    );
    assert!(
        received[0].contains("Subject: Import #1 completed"),
        "{received:?}"
    );
    assert!(received[0].contains("To: admin@demo.example.org"));
    let outbox =
        with_conn!(conn, |c| c.outbox(rollcall_backend::db::DistrictId(1))).expect("outbox");
    let by_subject = |s: &str| outbox.iter().find(|m| m.subject == s).expect("mail");
    assert!(
        by_subject("Import #1 completed").sent_at.is_some(),
        "marked sent"
    );
    assert!(
        by_subject("Broken").sent_at.is_none(),
        "an unusable address stays unsent"
    );
    // Nothing left to send: a second pass sends nothing again.
    assert_eq!(deliver_pending(&db, &mailer).expect("deliver"), 0);
    let _ = std::fs::remove_file(file);
}

/// A relay asked for with `?tls=required` that does not offer STARTTLS gets nothing: the mail
/// stays unsent rather than going out in clear. A URL lettre cannot use is refused at start,
/// and the refusal does not repeat the URL (it may hold the relay's password).
#[test]
fn required_tls_is_never_downgraded_and_a_bad_url_is_refused_without_echoing_it() {
    let (addr, got) = fake_smtp();
    let file = std::path::Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("rollcall-mail-tls-{}.db", std::process::id()));
    let _ = std::fs::remove_file(&file);
    let db = Db::connect(&format!("sqlite://{}", file.display())).expect("db");
    let mut conn = db.get().expect("conn");
    with_conn!(conn, |c| -> Result<(), rollcall_backend::db::DbError> {
        let d = c.create_district("demo", "Demo")?;
        c.insert_mail(d.id, "admin@demo.example.org", "Secret link", "x", false)
    })
    .expect("seed");
    let url = format!("smtp://relay:hunter2@{addr}?tls=required");
    let mailer = Mailer::new(&url, "rollcall@demo.example.org", None).expect("mailer");
    assert_eq!(deliver_pending(&db, &mailer).expect("runs"), 0);
    assert!(
        got.lock().expect("lock").is_empty(),
        "nothing sent in clear"
    );
    let outbox =
        with_conn!(conn, |c| c.outbox(rollcall_backend::db::DistrictId(1))).expect("outbox");
    assert!(outbox.iter().all(|m| m.sent_at.is_none()));
    let err = Mailer::new("ftp://relay:hunter2@x", "rollcall@demo.example.org", None)
        .err()
        .map(|e| e.to_string())
        .expect("refused");
    assert!(!err.contains("hunter2"), "{err}");
    let _ = std::fs::remove_file(file);
}

/// A real SMTP server (aiosmtpd) in `mode` (`starttls` or `implicit`) on a free port, with a
/// fresh certificate for 127.0.0.1; stops when dropped.
struct RealSmtp {
    child: std::process::Child,
    port: u16,
    out: std::path::PathBuf,
    ca: Vec<u8>,
}

impl RealSmtp {
    fn start(mode: &str) -> RealSmtp {
        use std::process::{Command, Stdio};
        let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR"))
            .join(format!("rollcall-smtp-{mode}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("out")).expect("dir");
        // A root of our own, and the relay's certificate signed by it (webpki refuses a
        // self-signed CA certificate presented as the server's own).
        let (ca, ca_key) = (dir.join("ca.pem"), dir.join("ca-key.pem"));
        let (cert, key, csr) = (
            dir.join("cert.pem"),
            dir.join("key.pem"),
            dir.join("req.pem"),
        );
        let ext = dir.join("ext.cnf");
        std::fs::write(
            &ext,
            "subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\n",
        )
        .expect("ext");
        let openssl = |args: &[&std::ffi::OsStr]| {
            let ok = Command::new("openssl")
                .args(args)
                .stderr(Stdio::null())
                .stdout(Stdio::null())
                .status()
                .expect("openssl (scripts/setup.sh installs it)");
            assert!(ok.success(), "openssl {args:?}");
        };
        let os = |s: &'static str| std::ffi::OsStr::new(s);
        openssl(&[
            os("req"),
            os("-x509"),
            os("-newkey"),
            os("ec"),
            os("-pkeyopt"),
            os("ec_paramgen_curve:prime256v1"),
            os("-nodes"),
            os("-subj"),
            os("/CN=Rollcall test root"),
            os("-days"),
            os("1"),
            os("-keyout"),
            ca_key.as_os_str(),
            os("-out"),
            ca.as_os_str(),
        ]);
        openssl(&[
            os("req"),
            os("-new"),
            os("-newkey"),
            os("ec"),
            os("-pkeyopt"),
            os("ec_paramgen_curve:prime256v1"),
            os("-nodes"),
            os("-subj"),
            os("/CN=127.0.0.1"),
            os("-keyout"),
            key.as_os_str(),
            os("-out"),
            csr.as_os_str(),
        ]);
        openssl(&[
            os("x509"),
            os("-req"),
            os("-in"),
            csr.as_os_str(),
            os("-CA"),
            ca.as_os_str(),
            os("-CAkey"),
            ca_key.as_os_str(),
            os("-CAcreateserial"),
            os("-days"),
            os("1"),
            os("-extfile"),
            ext.as_os_str(),
            os("-out"),
            cert.as_os_str(),
        ]);
        let port = TcpListener::bind("127.0.0.1:0")
            .expect("bind")
            .local_addr()
            .expect("addr")
            .port();
        let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/support/smtp_server.py");
        let mut child = Command::new("/usr/bin/python3")
            .arg(script)
            .args([mode, &port.to_string()])
            .arg(&cert)
            .arg(&key)
            .args(["relay", "s3cret-pass"])
            .arg(dir.join("out"))
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            // The refused handshakes this test makes are the server's to log, not ours.
            .stderr(Stdio::null())
            .spawn()
            .expect("python3-aiosmtpd (scripts/setup.sh installs it)");
        // The server says it listens once it does.
        let mut line = String::new();
        BufReader::new(child.stdout.take().expect("stdout"))
            .read_line(&mut line)
            .expect("ready line");
        assert_eq!(line.trim(), "ready", "the SMTP server did not start");
        RealSmtp {
            child,
            port,
            out: dir.join("out"),
            ca: std::fs::read(ca).expect("root"),
        }
    }

    fn received(&self) -> Vec<String> {
        let mut v: Vec<String> = std::fs::read_dir(&self.out)
            .expect("out")
            .flatten()
            .filter(|e| e.path().extension().is_some_and(|x| x == "eml"))
            .map(|e| std::fs::read_to_string(e.path()).expect("read"))
            .collect();
        v.sort();
        v
    }
}

impl Drop for RealSmtp {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn outbox_db(tag: &str) -> (Db, std::path::PathBuf) {
    let file = std::path::Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("rollcall-mail-{tag}-{}.db", std::process::id()));
    let _ = std::fs::remove_file(&file);
    let db = Db::connect(&format!("sqlite://{}", file.display())).expect("db");
    let mut conn = db.get().expect("conn");
    with_conn!(conn, |c| -> Result<(), rollcall_backend::db::DbError> {
        let d = c.create_district("demo", "Demo")?;
        c.set_mail_from(d.id, Some("office@demo.example.org"))?;
        c.insert_mail(
            d.id,
            "tess@demo.example.org",
            "Choose your password",
            "Hello Tess",
            false,
        )
    })
    .expect("seed");
    (db, file)
}

#[test]
fn a_real_relay_gets_the_mail_over_starttls_and_over_tls_with_a_password() {
    for (mode, url) in [
        (
            "starttls",
            "smtp://relay:s3cret-pass@127.0.0.1:{port}?tls=starttls",
        ),
        ("implicit", "smtps://relay:s3cret-pass@127.0.0.1:{port}"),
    ] {
        let server = RealSmtp::start(mode);
        let url = url.replace("{port}", &server.port.to_string());
        let (db, file) = outbox_db(mode);

        // Without the relay's root the certificate is refused: nothing is sent.
        let untrusting = Mailer::new(&url, "rollcall@demo.example.org", None).expect("mailer");
        assert_eq!(
            deliver_pending(&db, &untrusting).expect("runs"),
            0,
            "{mode}"
        );
        // A wrong password: refused by the relay, nothing sent (once: the refusal ends in the
        // client's 20-second timeout).
        if mode == "starttls" {
            let wrong = url.replace("s3cret-pass", "guess");
            let bad =
                Mailer::new(&wrong, "rollcall@demo.example.org", Some(&server.ca)).expect("mailer");
            assert_eq!(deliver_pending(&db, &bad).expect("runs"), 0, "{mode}");
        }
        assert!(server.received().is_empty(), "{mode}");

        let mailer = Mailer::new(
            &url,
            "Rollcall <rollcall@demo.example.org>",
            Some(&server.ca),
        )
        .expect("mailer");
        assert_eq!(deliver_pending(&db, &mailer).expect("runs"), 1, "{mode}");
        let got = server.received();
        assert_eq!(got.len(), 1, "{mode}");
        assert!(
            got[0].starts_with("X-Rcpt: tess@demo.example.org"),
            "{mode}: {}",
            got[0]
        );
        assert!(
            got[0].contains("Subject: Choose your password") && got[0].contains("Hello Tess"),
            "{}",
            got[0]
        );
        assert!(
            got[0].contains("From: Demo <office@demo.example.org>"),
            "the district's own sender: {}",
            got[0]
        );
        // Marked sent: not sent twice.
        assert_eq!(deliver_pending(&db, &mailer).expect("runs"), 0, "{mode}");
        let _ = std::fs::remove_file(file);
    }
}
