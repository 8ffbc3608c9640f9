//! Mail: every message is written to the outbox table first (so the UI can always show it);
//! with `ROLLCALL_SMTP_URL` set, a background thread delivers unsent messages and marks them
//! sent. A failed delivery stays unsent and is retried; the error is logged without the
//! message body, and the URL (which may hold the relay's password) is never logged.
//!
//! The URL is lettre's: `smtp://host:port` (plain, to a relay on a trusted network),
//! `smtp://user:pass@host:587?tls=required` (STARTTLS, never downgraded; `tls=starttls`, as
//! relays' own docs spell it, means the same) or `smtps://user:pass@host:465` (TLS from the
//! first byte). Certificates are checked against the web's roots, plus the district's own
//! root (`ROLLCALL_SMTP_CA`, a PEM file) for a relay behind an internal CA.

use std::time::Duration;

use lettre::message::Mailbox;
use lettre::transport::smtp::client::{Certificate, Tls, TlsParameters};
use lettre::{Message, SmtpTransport, Transport};
use rollcall_shared::fields::has_control;
use thiserror::Error;

use crate::db::{now_ms, Db, DbError, StoreCommon};
use crate::with_conn;

#[derive(Debug, Error)]
pub enum MailError {
    /// The URL's own text is left out: it may hold a password.
    #[error("ROLLCALL_SMTP_URL cannot be used: {0}")]
    Url(lettre::transport::smtp::Error),
    /// Said without the URL's text.
    #[error("ROLLCALL_SMTP_URL is not a URL of the form smtp://… or smtps://…")]
    NotAUrl,
    #[error("ROLLCALL_SMTP_CA is not a PEM certificate: {0}")]
    Ca(lettre::transport::smtp::Error),
    #[error("ROLLCALL_MAIL_FROM is not an address: {0}")]
    From(lettre::address::AddressError),
    #[error(transparent)]
    Db(#[from] DbError),
}

/// A configured SMTP relay and sender.
#[derive(Clone)]
pub struct Mailer {
    transport: SmtpTransport,
    from: Mailbox,
}

impl Mailer {
    /// A mailer for `smtp_url` sending as `from`; `extra_root` (PEM) is a root certificate
    /// trusted besides the web's (a relay behind the district's own CA).
    pub fn new(smtp_url: &str, from: &str, extra_root: Option<&[u8]>) -> Result<Mailer, MailError> {
        let mut url = url::Url::parse(smtp_url).map_err(|_| MailError::NotAUrl)?;
        let tls = url
            .query_pairs()
            .find(|(k, _)| k == "tls")
            .map(|(_, v)| v.into_owned());
        if tls.as_deref() == Some("starttls") {
            let rest: Vec<(String, String)> = url
                .query_pairs()
                .filter(|(k, _)| k != "tls")
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect();
            url.query_pairs_mut()
                .clear()
                .extend_pairs(rest)
                .append_pair("tls", "required");
        }
        let mut builder = SmtpTransport::from_url(url.as_str()).map_err(MailError::Url)?;
        if let (Some(pem), Some(host)) = (extra_root, url.host_str()) {
            let params = TlsParameters::builder(host.to_owned())
                .add_root_certificate(Certificate::from_pem(pem).map_err(MailError::Ca)?)
                .build_rustls()
                .map_err(MailError::Ca)?;
            // The same mode the URL chose, with the extra root.
            builder = match (url.scheme(), tls.as_deref()) {
                ("smtps", _) => builder.tls(Tls::Wrapper(params)),
                (_, Some("required" | "starttls")) => builder.tls(Tls::Required(params)),
                (_, Some("opportunistic")) => builder.tls(Tls::Opportunistic(params)),
                _ => builder,
            };
        }
        Ok(Mailer {
            transport: builder.timeout(Some(Duration::from_secs(20))).build(),
            from: from.parse().map_err(MailError::From)?,
        })
    }
}

/// Delivers every unsent message once; returns how many were sent.
pub fn deliver_pending(db: &Db, mailer: &Mailer) -> Result<usize, MailError> {
    let Mailer { transport, from } = mailer;
    let mut conn = db.get()?;
    let pending = with_conn!(conn, |c| c.unsent_mail(100))?;
    let mut sent = 0;
    // Each district's own sender, when it set one: "District name <its address>".
    let mut senders: std::collections::HashMap<crate::db::DistrictId, Mailbox> =
        std::collections::HashMap::new();
    for m in pending {
        let from = match senders.get(&m.district_id) {
            Some(f) => f.clone(),
            None => {
                let d = with_conn!(conn, |c| c.district(m.district_id))?;
                let f = match d.mail_from.as_deref().map(str::parse) {
                    Some(Ok(addr)) => Mailbox::new(Some(d.name.clone()), addr),
                    Some(Err(e)) => {
                        tracing::warn!(district = d.id.0, error = %e, "unusable district sender; the server's is used");
                        from.clone()
                    }
                    None => from.clone(),
                };
                senders.insert(m.district_id, f.clone());
                f
            }
        };
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
        let msg = match Message::builder()
            .from(from)
            .to(to)
            .subject(m.subject.clone())
            .body(m.body.clone())
        {
            Ok(msg) => msg,
            Err(e) => {
                tracing::warn!(id = m.id, error = %e, "outbox: message cannot be built; left unsent");
                continue;
            }
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

/// The delivery thread (only when `ROLLCALL_SMTP_URL` is set).
pub fn spawn(db: Db, mailer: Mailer) {
    std::thread::spawn(move || loop {
        if let Err(e) = deliver_pending(&db, &mailer) {
            tracing::warn!(error = %e, "outbox delivery");
        }
        std::thread::sleep(Duration::from_secs(5));
    });
}
