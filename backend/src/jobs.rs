//! The durable queue of scheduled imports: queued imports wait in the `imports` table (so they
//! survive restarts) and a background thread applies each when its time comes. An import found
//! `running` at start was interrupted by a crash: it is marked failed (its transaction never
//! committed, so nothing of it was applied).

use std::time::Duration;

use rollcall_shared::api::ImportStatus;

use crate::db::apply::{apply_rows, ApplyError};
use crate::db::notices::mail_after;
use crate::db::{now_ms, Backend, Db, DbError, Store, StoreCommon};
use crate::with_conn;

/// Marks imports left `running` by a crash as failed.
pub fn recover(db: &Db) -> Result<usize, DbError> {
    let mut conn = db.get()?;
    with_conn!(conn, |c| {
        let stuck = c.imports_with_status(ImportStatus::Running)?;
        for mut i in stuck.iter().cloned() {
            i.set_status(ImportStatus::Failed);
            i.meta.error = Some("interrupted: the server stopped while this import was running; nothing of it was applied".into());
            i.meta.completed_at = Some(now_ms());
            c.update_import(&i)?;
        }
        Ok(stuck.len())
    })
}

/// Runs every queued import that is due; returns how many ran.
pub fn run_due(db: &Db) -> Result<usize, DbError> {
    let mut conn = db.get()?;
    with_conn!(conn, |c| {
        let now = now_ms();
        let due: Vec<_> = c
            .imports_with_status(ImportStatus::Queued)?
            .into_iter()
            .filter(|i| i.meta.run_at.is_none_or(|t| t <= now))
            .collect();
        let mut ran = 0;
        for listed in &due {
            // Claimed under the district's write lock, as a cancel is: an import cancelled
            // since the list was read is left as it is.
            let (d, n) = (listed.meta.district_id, listed.meta.number);
            let claimed = c.write_txn(d, |c| {
                let Some(mut i) = c.import(d, n)? else {
                    return Ok(None);
                };
                if i.status()? != ImportStatus::Queued {
                    return Ok(None);
                }
                i.set_status(ImportStatus::Running);
                c.update_import(&i)?;
                Ok(Some(i))
            })?;
            let Some(mut import) = claimed else {
                continue;
            };
            ran += 1;
            let result = run_one(c, &mut import);
            let mut done = import.clone();
            done.meta.completed_at = Some(now_ms());
            match result {
                Ok(()) => done.set_status(ImportStatus::Completed),
                Err(e) => {
                    done.set_status(ImportStatus::Failed);
                    done.meta.error = Some(e.to_string());
                }
            }
            c.update_import(&done)?;
        }
        Ok(ran)
    })
}

fn run_one<C: Store>(
    c: &mut C,
    import: &mut crate::db::models::ImportRow,
) -> Result<(), ApplyError> {
    let mut req = import.sealed_request().map_err(ApplyError::Db)?;
    // The sync it was made for is the import's, not the stored request's (never a client's).
    let source = rollcall_shared::user::SyncName::from_stored(import.source.as_deref())
        .map_err(|s| ApplyError::Db(DbError::Corrupt(format!("import source `{s}`"))))?;
    req.set_source(source);
    let d = import.meta.district_id;
    let mut out = import.clone();
    c.write_txn(d, |c| {
        let mut district = c.district(d)?;
        let roster = c.roster(&district)?;
        let dir = crate::db::apply::directory(c, d)?;
        // The district's policy as it is when the import runs.
        rollcall_shared::plan::verify(&req, &roster, Some(&dir), district.guard())
            .map_err(|e| DbError::Conflict(e.to_string()))?;
        apply_rows(c, &mut district, &req, &mut out, now_ms())
            .map_err(|e| DbError::Conflict(e.to_string()))?;
        out.set_status(ImportStatus::Completed);
        c.update_import(&out)?;
        // The same mail an immediate apply sends, in the same transaction.
        mail_after(c, &district, &out, &req, now_ms())?;
        Ok(())
    })?;
    *import = out;
    Ok(())
}

/// The background thread: every `every`, run what is due.
pub fn spawn(db: Db, every: Duration) {
    std::thread::spawn(move || loop {
        if let Err(e) = run_due(&db) {
            tracing::warn!(error = %e, "scheduled imports");
        }
        std::thread::sleep(every);
    });
}
