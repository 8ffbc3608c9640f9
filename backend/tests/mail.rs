//! With ROLLCALL_SMTP_URL, the outbox is delivered over SMTP (here to a minimal SMTP server on
//! loopback that records what it receives) and marked sent.
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
    let file = std::env::temp_dir().join(format!("rollcall-mail-{}.db", std::process::id()));
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
    let file = std::env::temp_dir().join(format!("rollcall-mail-tls-{}.db", std::process::id()));
    let _ = std::fs::remove_file(&file);
    let db = Db::connect(&format!("sqlite://{}", file.display())).expect("db");
    let mut conn = db.get().expect("conn");
    with_conn!(conn, |c| -> Result<(), rollcall_backend::db::DbError> {
        let d = c.create_district("demo", "Demo")?;
        c.insert_mail(d.id, "admin@demo.example.org", "Secret link", "x", false)
    })
    .expect("seed");
    let url = format!("smtp://relay:hunter2@{addr}?tls=required");
    let mailer = Mailer::new(&url, "rollcall@demo.example.org").expect("mailer");
    assert_eq!(deliver_pending(&db, &mailer).expect("runs"), 0);
    assert!(
        got.lock().expect("lock").is_empty(),
        "nothing sent in clear"
    );
    let outbox =
        with_conn!(conn, |c| c.outbox(rollcall_backend::db::DistrictId(1))).expect("outbox");
    assert!(outbox.iter().all(|m| m.sent_at.is_none()));
    let err = Mailer::new("ftp://relay:hunter2@x", "rollcall@demo.example.org")
        .err()
        .map(|e| e.to_string())
        .expect("refused");
    assert!(!err.contains("hunter2"), "{err}");
    let _ = std::fs::remove_file(file);
}
