//! Mail: every message is written to the outbox table first (so the UI can always show it);
//! with `ROLLCALL_SMTP_URL` set (`smtp://host:port`, e.g. the district's relay or a local MTA),
//! a background thread delivers unsent messages and marks them sent. A failed delivery stays
//! unsent and is retried; the error is logged without the message body.

use std::time::Duration;

use lettre::message::Mailbox;
use lettre::{Message, SmtpTransport, Transport};
use rollcall_shared::fields::has_control;

use crate::db::{now_ms, Db, DbError, StoreCommon};
use crate::with_conn;

/// Delivers every unsent message once; returns how many were sent.
pub fn deliver_pending(db: &Db, smtp_url: &str, from: &str) -> Result<usize, DbError> {
    let (host, port) = parse_smtp_url(smtp_url).ok_or_else(|| {
        DbError::Conflict("ROLLCALL_SMTP_URL must look like smtp://host:port".into())
    })?;
    // Plain SMTP to a relay the district runs (or a local MTA that relays over TLS).
    let transport = SmtpTransport::builder_dangerous(host)
        .port(port)
        .timeout(Some(Duration::from_secs(20)))
        .build();
    let from: Mailbox = from
        .parse()
        .map_err(|e| DbError::Conflict(format!("ROLLCALL_MAIL_FROM: {e}")))?;
    let mut conn = db.get()?;
    let pending = with_conn!(conn, |c| c.unsent_mail(100))?;
    let mut sent = 0;
    for m in pending {
        // Header lines carry no raw field value: the subject is the server's own text and the
        // address a validated email; a control character in either is never sent.
        if has_control(&m.subject) || has_control(&m.to_addr) {
            tracing::warn!(
                id = m.id,
                "outbox: a header holds a control character; left unsent"
            );
            continue;
        }
        let Ok(to) = m.to_addr.parse::<Mailbox>() else {
            tracing::warn!(id = m.id, "outbox: unusable recipient address; left unsent");
            continue;
        };
        let Ok(msg) = Message::builder()
            .from(from.clone())
            .to(to)
            .subject(m.subject.clone())
            .body(m.body.clone())
        else {
            continue;
        };
        match transport.send(&msg) {
            Ok(_) => {
                with_conn!(conn, |c| c.mark_sent(m.district_id, m.id, now_ms()))?;
                sent += 1;
            }
            Err(e) => tracing::warn!(id = m.id, error = %e, "outbox: delivery failed; will retry"),
        }
    }
    Ok(sent)
}

/// `smtp://host[:port]` → (host, port); port 25 by default.
fn parse_smtp_url(url: &str) -> Option<(&str, u16)> {
    let rest = url.strip_prefix("smtp://")?.trim_end_matches('/');
    match rest.rsplit_once(':') {
        Some((h, p)) => Some((h, p.parse().ok()?)),
        None => Some((rest, 25)),
    }
    .filter(|(h, _)| !h.is_empty())
}

/// The delivery thread (only when `ROLLCALL_SMTP_URL` is set).
pub fn spawn(db: Db, smtp_url: String, from: String) {
    std::thread::spawn(move || loop {
        if let Err(e) = deliver_pending(&db, &smtp_url, &from) {
            tracing::warn!(error = %e, "outbox delivery");
        }
        std::thread::sleep(Duration::from_secs(5));
    });
}
