//! The one place that writes users: applying a verified change request in one transaction
//! (with a before-image of every user it touches), and rolling an import back from those
//! before-images. Everything in a call happens, or nothing does.

use crate::db::ids::DistrictId;
use std::collections::BTreeMap;

use rollcall_shared::api::ImportStatus;
use rollcall_shared::map::{School, SchoolDirectory};
use rollcall_shared::plan::{verify, Change, Secret, UserStatus, VerifyError};
use rollcall_shared::wire::{ChangeRequest, SealError, SealedRequest};
use thiserror::Error;

use super::models::{
    compress_request, status_str, ChangeRow, DistrictRow, ImportMeta, ImportRow, UserRow,
};
use super::notices::mail_after;
use super::{now_ms, DbError, ImportNo, Store, StoreCommon};

pub use super::rollback::{rollback, RollbackError};
pub use rollcall_shared::api::Counts;

#[derive(Debug, Error)]
pub enum ApplyError {
    #[error("the roster changed: it is at revision {current}")]
    Stale { current: u64 },
    #[error("the change request is for district `{0}`")]
    WrongDistrict(String),
    #[error(transparent)]
    Verify(#[from] VerifyError),
    #[error(transparent)]
    Db(#[from] DbError),
    #[error("injected failure after {0} users (test hook)")]
    Injected(usize),
    #[error("this Idempotency-Key was already used with another request")]
    KeyReused,
    #[error("a password of the stored request is not hashed")]
    Unsealed,
}

impl From<diesel::result::Error> for ApplyError {
    fn from(e: diesel::result::Error) -> Self {
        ApplyError::Db(DbError::Query(e))
    }
}

/// Who submits, and how.
#[derive(Debug, Clone)]
pub struct Submission<'a> {
    pub district: DistrictId,
    /// Passwords already hashed: nothing typed is ever written.
    pub request: &'a SealedRequest,
    /// The admin's email, or `token:<name>` for API tokens.
    pub submitted_by: &'a str,
    /// `upload`, `api`, `cli`.
    pub kind: &'a str,
    pub idempotency_key: Option<&'a str>,
    /// What the key is bound to: a second request with the key must have the same fingerprint.
    pub fingerprint: Option<&'a str>,
    /// The revision the client says it planned against (`If-Match`).
    pub if_match: Option<u64>,
    /// When to apply (ms since the epoch); `None` or past: now.
    pub run_at: Option<i64>,
    /// The app's address as the door knows it (the server's `ROLLCALL_PUBLIC_URL`, else the
    /// browser's own origin), for links in mail; the district's own setting wins over it.
    pub link_base: Option<&'a str>,
}

#[derive(Debug)]
pub enum Outcome {
    Applied(ImportRow),
    Queued(ImportRow),
    /// The idempotency key was seen before: the first result, nothing applied again.
    Replayed(ImportRow),
}

impl Outcome {
    pub fn import(&self) -> &ImportRow {
        match self {
            Outcome::Applied(r) | Outcome::Queued(r) | Outcome::Replayed(r) => r,
        }
    }
}

/// Test hook: fail the apply after this many users written, to prove atomicity.
pub static FAIL_AFTER: std::sync::atomic::AtomicUsize =
    std::sync::atomic::AtomicUsize::new(usize::MAX);

/// The `submitted_by` that arms [`FAIL_AFTER`].
pub const FAIL_TAG: &str = "test:fail-injection";

pub fn directory<C: Store>(c: &mut C, d: DistrictId) -> Result<SchoolDirectory, DbError> {
    Ok(SchoolDirectory::new(
        c.schools(d)?
            .into_iter()
            .map(|(sis_code, name)| School { sis_code, name })
            .collect(),
    ))
}

/// Hashes a password (argon2id, a fresh salt each time).
pub fn hash_password(p: &str) -> Result<String, argon2::password_hash::Error> {
    use argon2::password_hash::{rand_core::OsRng, PasswordHasher, SaltString};
    let salt = SaltString::generate(&mut OsRng);
    Ok(argon2::Argon2::default()
        .hash_password(p.as_bytes(), &salt)?
        .to_string())
}

/// Seals a client's request: every password hashed (each length-checked first). Run it before
/// the write transaction: hashing is slow on purpose.
pub fn seal(req: ChangeRequest) -> Result<SealedRequest, SealError<argon2::password_hash::Error>> {
    SealedRequest::seal(req, hash_password)
}

/// A valid argon2 hash of nothing anyone can type, made with the same parameters as every real
/// one: a sign-in for an unknown email verifies against it, so it costs what a real one costs.
pub fn dummy_hash() -> &'static str {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DUMMY.get_or_init(|| {
        let mut b = [0u8; 32];
        rand::RngCore::fill_bytes(&mut rand::thread_rng(), &mut b);
        // A random 64-character hex string cannot fail to hash; if it ever did, a hash of a
        // fixed text with the same parameters is just as good for timing.
        hash_password(&hex::encode(b))
            .or_else(|_| hash_password("rollcall dummy"))
            .unwrap_or_default()
    })
}

pub fn verify_password(p: &str, hash: &str) -> bool {
    use argon2::password_hash::{PasswordHash, PasswordVerifier};
    PasswordHash::new(hash).is_ok_and(|h| {
        argon2::Argon2::default()
            .verify_password(p.as_bytes(), &h)
            .is_ok()
    })
}

/// Verifies and applies (or queues) a change request in one write transaction.
pub fn submit<C: Store>(c: &mut C, s: &Submission<'_>) -> Result<Outcome, ApplyError> {
    in_write_txn(c, s.district, |c| submit_in_txn(c, s))
}

/// Runs `f` in the district's write transaction with its own error type: an `Err` from `f`
/// rolls the transaction back and is returned as it is.
pub(super) fn in_write_txn<C: Store, T, E: From<DbError>>(
    c: &mut C,
    district: DistrictId,
    f: impl FnOnce(&mut C) -> Result<T, E>,
) -> Result<T, E> {
    let mut result = None;
    let r = c.write_txn(district, |c| match f(c) {
        Ok(v) => {
            result = Some(Ok(v));
            Ok(())
        }
        Err(e) => {
            result = Some(Err(e));
            // Roll the transaction back; the real error is in `result`.
            Err(DbError::Conflict("rolled back".into()))
        }
    });
    match (r, result) {
        (_, Some(Err(e))) => Err(e),
        (Err(e), _) => Err(e.into()),
        (Ok(()), Some(Ok(v))) => Ok(v),
        (Ok(()), None) => Err(DbError::Conflict("the transaction did not run".into()).into()),
    }
}

fn submit_in_txn<C: Store>(c: &mut C, s: &Submission<'_>) -> Result<Outcome, ApplyError> {
    if let Some(k) = s.idempotency_key {
        if let Some(row) = c.import_by_key(s.district, k)? {
            if row.fingerprint.is_some() && row.fingerprint.as_deref() != s.fingerprint {
                return Err(ApplyError::KeyReused);
            }
            return Ok(Outcome::Replayed(row));
        }
    }
    let mut district = c.district(s.district)?;
    let req = s.request;
    if req.district != district.short_name {
        return Err(ApplyError::WrongDistrict(req.district.clone()));
    }
    let current = district.revision as u64;
    if s.if_match.is_some_and(|r| r != current) || req.base_revision != current {
        return Err(ApplyError::Stale { current });
    }
    let roster = c.roster(&district)?;
    let dir = directory(c, s.district)?;
    verify(req, &roster, Some(&dir), district.guard())?;
    let now = now_ms();
    let number = district.next_import;
    district.next_import += 1;
    let counts = Counts {
        creates: req.creates.len() as u32,
        updates: req.updates.len() as u32,
        archives: req.archives.len() as u32,
        restores: req.restores.len() as u32,
    };
    let mut import = ImportRow {
        meta: ImportMeta {
            district_id: s.district,
            number: ImportNo(number),
            description: req.description.clone(),
            kind: s.kind.to_owned(),
            scope: req.scope.to_string(),
            status: ImportStatus::Completed.into(),
            submitted_by: s.submitted_by.to_owned(),
            submitted_at: now,
            run_at: None,
            completed_at: Some(now),
            base_revision: current as i64,
            applied_revision: None,
            counts: serde_json::to_string(&counts)
                .map_err(|e| DbError::Conflict(format!("counts: {e}")))?,
            error: None,
        },
        idempotency_key: s.idempotency_key.map(str::to_owned),
        request: String::new(),
        request_gz: None,
        created_from: None,
        created_to: None,
        fingerprint: s.fingerprint.map(str::to_owned),
        sealed: true,
        // The district's own address wins over the server's default and the browser's.
        link_base: district
            .public_url
            .clone()
            .or_else(|| s.link_base.map(str::to_owned)),
        source: req.options.source.map(|x| x.as_str().to_owned()),
    };
    if let Some(at) = s.run_at.filter(|at| *at > now) {
        import.set_status(ImportStatus::Queued);
        import.meta.run_at = Some(at);
        import.meta.completed_at = None;
        import.set_request(compress_request(req)?);
        c.set_district_counters(&district)?;
        c.insert_import(&import)?;
        return Ok(Outcome::Queued(import));
    }
    // The request is compressed for keeping on another core while the rows are written (a
    // million users' request is ~330 MB of JSON: ~5 s of the apply when written in line).
    let (applied, stored) = std::thread::scope(|t| {
        let stored = t.spawn(|| compress_request(req));
        let applied = apply_rows(c, &mut district, req, &mut import, now);
        (applied, stored.join())
    });
    applied?;
    let stored =
        stored.map_err(|_| DbError::Conflict("compressing the request stopped".into()))??;
    import.set_request(stored);
    c.insert_import(&import)?;
    mail_after(c, &district, &import, req, now)?;
    Ok(Outcome::Applied(import))
}

/// Writes the request's changes (already verified against the district's roster), the
/// before-images, and the district's new counters; fills in the import's revision and
/// created-id range. Only the users it changes are read (a re-import with a few changes reads
/// a few rows, not the district).
pub fn apply_rows<C: Store>(
    c: &mut C,
    district: &mut DistrictRow,
    req: &SealedRequest,
    import: &mut ImportRow,
    now: i64,
) -> Result<(), ApplyError> {
    let d = district.id;
    let ids: Vec<i64> = req
        .updates
        .iter()
        .map(|u| u.id.0)
        .chain(req.restores.iter().map(|u| u.0))
        .chain(req.archives.iter().map(|a| a.id.0))
        .chain(req.keep_active.iter().map(|k| k.id.0))
        .collect::<std::collections::BTreeSet<i64>>()
        .into_iter()
        .collect();
    let rows = c.users_by_ids(d, &ids)?;
    let index: std::collections::HashMap<i64, usize> =
        rows.iter().enumerate().map(|(i, r)| (r.id, i)).collect();
    let fail_after = if import.meta.submitted_by == FAIL_TAG {
        FAIL_AFTER.load(std::sync::atomic::Ordering::Relaxed)
    } else {
        usize::MAX
    };
    let mut written = 0usize;
    let mut tick = |n: usize| -> Result<(), ApplyError> {
        written += n;
        if written > fail_after {
            return Err(ApplyError::Injected(fail_after));
        }
        Ok(())
    };
    // One before-image per user: the row as it was before this import.
    let mut touched: BTreeMap<i64, (Vec<&'static str>, UserRow)> = BTreeMap::new();
    let mut after: BTreeMap<i64, UserRow> = BTreeMap::new();
    for u in &req.updates {
        let Some(&i) = index.get(&u.id.0) else {
            continue;
        };
        let before = &rows[i];
        let mut row = after.remove(&u.id.0).unwrap_or_else(|| before.clone());
        let mut data = row.data()?;
        for ch in &u.changes {
            match ch {
                Change::Password(p) => row.password_hash = Some(stored_hash(p)?),
                other => data.apply(other),
            }
        }
        row.set_data(&data);
        row.updated_at = now;
        if let Some(sync) = req.options.source {
            row.managed_by = Some(sync.as_str().to_owned());
        }
        touched
            .entry(u.id.0)
            .or_insert_with(|| (vec![], before.clone()))
            .0
            .push("update");
        after.insert(u.id.0, row);
    }
    for (ids, status, action) in [
        (req.restores.clone(), UserStatus::Active, "restore"),
        (
            req.archives.iter().map(|a| a.id).collect::<Vec<_>>(),
            UserStatus::Archived,
            "archive",
        ),
    ] {
        for id in ids {
            let Some(&i) = index.get(&id.0) else { continue };
            let before = &rows[i];
            let mut row = after.remove(&id.0).unwrap_or_else(|| before.clone());
            row.status = status_str(status).to_owned();
            row.updated_at = now;
            touched
                .entry(id.0)
                .or_insert_with(|| (vec![], before.clone()))
                .0
                .push(action);
            after.insert(id.0, row);
        }
    }
    for k in &req.keep_active {
        let Some(&i) = index.get(&k.id.0) else {
            continue;
        };
        let before = &rows[i];
        let mut row = after.remove(&k.id.0).unwrap_or_else(|| before.clone());
        row.keep_active = k.keep_active;
        row.updated_at = now;
        touched
            .entry(k.id.0)
            .or_insert_with(|| (vec![], before.clone()))
            .0
            .push("keep_active");
        after.insert(k.id.0, row);
    }
    let pairs: Vec<(&UserRow, &UserRow)> = after
        .values()
        .map(|row| (&rows[index[&row.id]], row))
        .collect();
    write_users(c, &pairs, &mut tick)?;
    let changes = touched
        .into_iter()
        .map(|(id, (actions, before))| {
            Ok(ChangeRow {
                district_id: d,
                import_number: import.meta.number,
                user_id: id,
                action: actions.join("+"),
                // Without its before-image an import could not be rolled back: no image, no apply.
                before: Some(
                    serde_json::to_string(&before)
                        .map_err(|e| DbError::Conflict(format!("before-image: {e}")))?,
                ),
                after_image: None,
            })
        })
        .collect::<Result<Vec<ChangeRow>, DbError>>()?;
    c.insert_changes(&changes)?;

    let first = district.next_user_id;
    let new_rows = req
        .creates
        .iter()
        .enumerate()
        .map(|(k, n)| {
            let mut row = UserRow::from_data(
                d,
                first + k as i64,
                &n.data,
                UserStatus::Active,
                n.password.as_ref().map(stored_hash).transpose()?,
                now,
            );
            row.managed_by = req.options.source.map(|x| x.as_str().to_owned());
            Ok(row)
        })
        .collect::<Result<Vec<UserRow>, ApplyError>>()?;
    for chunk in new_rows.chunks(10_000) {
        c.bulk_insert_users(chunk)?;
        tick(chunk.len())?;
    }
    district.next_user_id += new_rows.len() as i64;
    if !new_rows.is_empty() {
        import.created_from = Some(first);
        import.created_to = Some(district.next_user_id);
    }
    if let Some(g) = req.options.group {
        let ids: Vec<i64> = new_rows
            .iter()
            .map(|r| r.id)
            .chain(req.members.iter().map(|u| u.0))
            .collect();
        c.add_members(d, g, &ids)?;
    }
    district.revision += 1;
    import.meta.applied_revision = Some(district.revision);
    c.set_district_counters(district)?;
    Ok(())
}

/// Writes each user's new row over its current one. The database holds every key unique among
/// active users at every statement (a partial unique index), so users leaving the active set
/// are written first, then those whose email or district id changes let go of their old keys,
/// then every other final row: two users may swap keys in one import or one rollback.
pub(super) fn write_users<C: Store, E: From<DbError>>(
    c: &mut C,
    pairs: &[(&UserRow, &UserRow)],
    tick: &mut impl FnMut(usize) -> Result<(), E>,
) -> Result<(), E> {
    let active = status_str(UserStatus::Active);
    let leaves = |now: &UserRow, new: &UserRow| now.status == active && new.status != active;
    // First the users who leave, and the keys that move let go (so that no key is held twice
    // on the way, whatever order the rows are written in)…
    let cleared: Vec<UserRow> = pairs
        .iter()
        .filter(|(now, new)| {
            !leaves(now, new) && (new.email != now.email || new.sis_id != now.sis_id)
        })
        .map(|(now, _)| UserRow {
            email: None,
            sis_id: None,
            ..(*now).clone()
        })
        .collect();
    let first: Vec<&UserRow> = pairs
        .iter()
        .filter(|(now, new)| leaves(now, new))
        .map(|(_, new)| *new)
        .chain(cleared.iter())
        .collect();
    c.update_users(&first)?;
    // (the users who leave are done: their new row is written)
    tick(first.len() - cleared.len())?;
    // …then everyone else's new row.
    let rest: Vec<&UserRow> = pairs
        .iter()
        .filter(|(now, new)| !leaves(now, new))
        .map(|(_, new)| *new)
        .collect();
    for chunk in rest.chunks(10_000) {
        c.update_users(chunk)?;
        tick(chunk.len())?;
    }
    Ok(())
}

/// The hash a sealed request carries for a password (a typed or redacted one cannot be applied).
fn stored_hash(s: &Secret) -> Result<String, ApplyError> {
    match s {
        Secret::Hashed(h) => Ok(h.clone()),
        Secret::Clear(_) | Secret::Redacted => Err(ApplyError::Unsealed),
    }
}

/// Seals the requests stored before passwords were hashed at submit: a queued import's
/// passwords are hashed (it still needs them), every other import's are redacted (they were
/// applied long ago). Run at every connect; a no-op once every row is sealed.
pub fn seal_stored_requests(db: &super::Db) -> Result<usize, DbError> {
    let mut conn = db.get()?;
    let mut done = 0;
    loop {
        let n = crate::with_conn!(conn, |c| -> Result<usize, DbError> {
            let rows = c.unsealed_imports(100)?;
            for mut row in rows.iter().cloned() {
                let req: Option<ChangeRequest> = serde_json::from_str(&row.request).ok();
                row.request = match req {
                    Some(mut req) => {
                        let queued = row.status()? == ImportStatus::Queued;
                        for (_, s) in req.secrets_mut() {
                            *s = match s {
                                Secret::Clear(p) if queued => Secret::Hashed(
                                    hash_password(p)
                                        .map_err(|e| DbError::Conflict(e.to_string()))?,
                                ),
                                Secret::Hashed(h) if queued => Secret::Hashed(h.clone()),
                                _ => Secret::Redacted,
                            };
                        }
                        serde_json::to_string(&req).map_err(|e| DbError::Conflict(e.to_string()))?
                    }
                    // Unreadable: nothing of it can be shown or applied; keep none of it.
                    None => String::new(),
                };
                row.sealed = true;
                c.update_import(&row)?;
            }
            Ok(rows.len())
        })?;
        done += n;
        if n == 0 {
            break;
        }
    }
    if done > 0 {
        if let super::Conn::Sqlite(c) = &mut conn {
            // The rewritten pages go to the main file, and the WAL holding the old ones is
            // emptied (secure_delete has zeroed the freed cells).
            diesel::connection::SimpleConnection::batch_execute(
                &mut **c,
                "PRAGMA wal_checkpoint(TRUNCATE);",
            )?;
        }
        tracing::info!(
            imports = done,
            "stored requests sealed: no password kept as typed"
        );
    }
    Ok(done)
}
