//! Retention: what only grows is cut back by age. Expired sessions are deleted, idempotency keys
//! (and the fingerprints bound to them) are forgotten after `Limits::idempotency_retention`,
//! and the sign-in limiter forgets ended windows. The server runs it every few minutes.

use std::time::{Duration, Instant};

use crate::db::{now_ms, Db, DbError, StoreCommon};
use crate::http::AppState;
use crate::with_conn;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Swept {
    pub sessions: usize,
    pub idempotency_keys: usize,
}

/// One pass over the database at time `now` (ms since the epoch).
pub fn sweep(db: &Db, now: i64, key_retention: Duration) -> Result<Swept, DbError> {
    let mut conn = db.get()?;
    let keep = i64::try_from(key_retention.as_millis()).unwrap_or(i64::MAX);
    with_conn!(conn, |c| -> Result<Swept, DbError> {
        Ok(Swept {
            sessions: c.delete_expired_sessions(now)?,
            idempotency_keys: c.forget_idempotency_keys(now.saturating_sub(keep))?,
        })
    })
}

/// The database pass and the limiter's, every `every`.
pub fn spawn(state: actix_web::web::Data<AppState>, every: Duration) {
    std::thread::spawn(move || loop {
        let limits = state.config.limits;
        match sweep(&state.db, now_ms(), limits.idempotency_retention) {
            Ok(s) if s != Swept::default() => tracing::info!(?s, "retention"),
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "retention"),
        }
        if let Ok(mut l) = state.logins.lock() {
            l.prune(Instant::now(), &limits.login);
        }
        std::thread::sleep(every);
    });
}
