use actix_web::http::header;
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use rollcall_shared::fields::Field;
use rollcall_shared::map::SavedMapping;
use rollcall_shared::plan::{codec, plan, verify, UserId};
use rollcall_shared::validate::Issue;
use rollcall_shared::wire::{ChangeRequest, GuardLimits, Options, SealedRequest};
use rollcall_shared::{ImportOptions, Opened, Pipeline};
use serde::Deserialize;
use serde_json::{json, Value};

use super::auth::{new_token, token_hash, Caller};
use super::error::ApiError;
use super::AppState;
use crate::db;
use crate::db::apply::{self, directory, roster_of, Outcome, Submission};
use crate::db::models::{ImportMeta, ImportRow, UserRow};
use crate::db::{now_ms, StoreCommon, UserFilter};

type Result<T> = std::result::Result<T, ApiError>;

#[derive(Deserialize)]
pub struct Login {
    email: String,
    password: String,
}

fn too_many(wait: std::time::Duration) -> ApiError {
    let secs = wait.as_secs().max(1);
    ApiError::new(
        StatusCode::TOO_MANY_REQUESTS,
        "too_many_attempts",
        format!("Too many sign-in attempts: wait {secs} seconds and try again."),
    )
    .with(json!({"retry_after": secs}))
}

fn bad_credentials() -> ApiError {
    ApiError::new(
        StatusCode::UNAUTHORIZED,
        "bad_credentials",
        "The email or password is not right.",
    )
}

/// Signs in. Every attempt does the same work (an argon2 verification, against a real hash of
/// the same cost when the email is unknown), and failures are throttled per client address and
/// per account (`limiter`).
pub async fn login(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: web::Bytes,
) -> Result<HttpResponse> {
    let body: Login = parse_json(&body)?;
    let limits = state.config.limits;
    let email = body.email.trim().to_lowercase();
    if body.password.len() > limits.max_password || email.len() > 254 {
        return Err(ApiError::bad_request(
            "too_long",
            "The email or the password is longer than any this server accepts.",
        ));
    }
    let address = req.peer_addr().map(|a| a.ip());
    let now = std::time::Instant::now();
    state
        .logins
        .lock()
        .map_err(|_| ApiError::busy())?
        .check(address, &email, now, &limits.login)
        .map_err(|r| too_many(r.0))?;
    let password = body.password.clone();
    let hours = if state.config.session_hours > 0 {
        state.config.session_hours
    } else {
        12
    };
    let token = new_token("rcs_");
    let hash = token_hash(&token);
    let expires = now_ms() + hours * 3_600_000;
    let email2 = email.clone();
    let out = db!(state, |c| {
        let found = c.admin_by_email(&email2)?;
        let stored = found.as_ref().map_or(apply::dummy_hash(), |f| f.3.as_str());
        let ok = apply::verify_password(&password, stored);
        let Some((district, admin, name, _)) = found.filter(|_| ok) else {
            return Ok(None);
        };
        c.create_session(&hash, district, admin, expires)?;
        let d = c.district(district)?;
        Ok(Some(json!({"token": token, "expires_at": expires,
            "district": {"short_name": d.short_name, "name": d.name},
            "admin": {"email": email2, "name": name}})))
    });
    let mut lim = state.logins.lock().map_err(|_| ApiError::busy())?;
    match out {
        Some(v) => {
            lim.success(&email);
            Ok(HttpResponse::Ok().json(v))
        }
        None => {
            lim.failure(address, &email, now, &limits.login);
            Err(bad_credentials())
        }
    }
}

/// Signs a session out. An API token is not a session: it is revoked by the district's admin
/// (`rollcall token`), so signing one "out" is refused rather than answered 204 while it keeps
/// working.
pub async fn logout(state: web::Data<AppState>, caller: Caller) -> Result<HttpResponse> {
    if caller.admin.is_none() {
        return Err(ApiError::bad_request(
            "not_a_session",
            "This is an API token, not a session: it stays valid until it is revoked.",
        ));
    }
    let hash = caller.token_hash.clone();
    db!(state, |c| Ok(c.delete_session(&hash)?));
    Ok(HttpResponse::NoContent().finish())
}

pub async fn me(state: web::Data<AppState>, caller: Caller) -> Result<HttpResponse> {
    let (d, admin) = (caller.district, caller.admin);
    let v = db!(state, |c| {
        let dist = c.district(d)?;
        let a = match admin {
            Some(a) => c.admin(d, a)?,
            None => None,
        };
        Ok(
            json!({"district": {"short_name": dist.short_name, "name": dist.name, "revision": dist.revision,
                "guard": dist.guard()},
            "admin": a.map(|(email, name)| json!({"email": email, "name": name})), "who": caller.who}),
        )
    });
    Ok(HttpResponse::Ok().json(v))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DistrictPatch {
    guard: Option<GuardLimits>,
}

/// The district's settings: the mass-archive guard's thresholds (more than `percent`% of a
/// scope's active users and more than `min`). An admin's session only: a script's token cannot
/// loosen the guard that protects the district from its scripts.
pub async fn patch_district(
    state: web::Data<AppState>,
    caller: Caller,
    body: web::Bytes,
) -> Result<HttpResponse> {
    if caller.admin.is_none() {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "admin_only",
            "Only the district's admin, signed in, changes its settings.",
        ));
    }
    let patch: DistrictPatch = parse_json(&body)?;
    let d = caller.district;
    if let Some(g) = patch.guard {
        if g.percent > 100 {
            return Err(ApiError::bad_request(
                "invalid_guard",
                "The guard's percent is between 0 and 100.",
            ));
        }
        db!(state, |c| Ok(c.set_guard(
            d,
            i64::from(g.percent),
            i64::from(g.min)
        )?));
    }
    let guard = db!(state, |c| Ok(c.district(d)?.guard()));
    Ok(HttpResponse::Ok().json(json!({"guard": guard})))
}

pub async fn schools(state: web::Data<AppState>, caller: Caller) -> Result<HttpResponse> {
    let d = caller.district;
    let v = db!(state, |c| Ok(c.schools(d)?));
    Ok(HttpResponse::Ok().json(
        v.into_iter()
            .map(|(sis_code, name)| json!({"sis_code": sis_code, "name": name}))
            .collect::<Vec<_>>(),
    ))
}

pub async fn groups(state: web::Data<AppState>, caller: Caller) -> Result<HttpResponse> {
    let d = caller.district;
    let v = db!(state, |c| Ok(c.groups(d)?));
    Ok(HttpResponse::Ok().json(
        v.into_iter()
            .map(|(id, name)| json!({"id": id, "name": name}))
            .collect::<Vec<_>>(),
    ))
}

fn etag(rev: i64) -> String {
    format!("\"{rev}\"")
}

/// The roster snapshot, in the planner's compact encoding, with its revision as a strong ETag.
/// Encoded once per revision and kept in memory.
pub async fn roster(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
) -> Result<HttpResponse> {
    let d = caller.district;
    let seen = req
        .headers()
        .get(header::IF_NONE_MATCH)
        .and_then(|h| h.to_str().ok())
        .map(str::to_owned);
    let rev = db!(state, |c| Ok(c.district(d)?.revision));
    if seen.as_deref() == Some(etag(rev).as_str()) {
        return Ok(HttpResponse::NotModified()
            .insert_header((header::ETAG, etag(rev)))
            .finish());
    }
    let gzip = req
        .headers()
        .get(header::ACCEPT_ENCODING)
        .and_then(|h| h.to_str().ok())
        .is_some_and(|h| h.split(',').any(|e| e.trim().starts_with("gzip")));
    let cached = state
        .snapshots
        .lock()
        .ok()
        .and_then(|m| m.get(&d).filter(|(r, _)| *r == rev).map(|(_, b)| b.clone()));
    let (rev, body) = match cached {
        Some(b) => (rev, b),
        None => {
            let _permit = state.heavy_permit().await?;
            let (rev, bytes) = db!(state, |c| {
                use crate::db::Backend;
                c.read_txn(|c| {
                    let dist = c.district(d)?;
                    let rows = c.users(d)?;
                    Ok((dist.revision, codec::encode(&roster_of(&dist, &rows))))
                })
                .map_err(ApiError::from)
            });
            // Compressed once per revision (fast level: the columns compress well anyway).
            let both = web::block(move || -> std::io::Result<_> {
                use std::io::Write;
                let mut e = flate2::write::GzEncoder::new(
                    Vec::with_capacity(bytes.len() / 4),
                    flate2::Compression::fast(),
                );
                e.write_all(&bytes)?;
                let gz = e.finish()?;
                Ok((web::Bytes::from(bytes), web::Bytes::from(gz)))
            })
            .await?
            .map_err(|e| {
                tracing::error!(error = %e, "compressing the roster snapshot");
                ApiError::internal()
            })?;
            if let Ok(mut m) = state.snapshots.lock() {
                m.insert(d, (rev, both.clone()));
            }
            (rev, both)
        }
    };
    let mut resp = HttpResponse::Ok();
    resp.insert_header((header::ETAG, etag(rev)))
        .insert_header((header::CACHE_CONTROL, "private, no-cache"))
        .insert_header((header::VARY, "accept-encoding"))
        .content_type("application/vnd.rollcall.roster");
    if gzip {
        Ok(resp
            .insert_header((header::CONTENT_ENCODING, "gzip"))
            .body(body.1))
    } else {
        Ok(resp.body(body.0))
    }
}

pub async fn get_mapping(
    state: web::Data<AppState>,
    caller: Caller,
    scope: web::Path<String>,
) -> Result<HttpResponse> {
    let (d, scope) = (caller.district, scope.into_inner());
    let m = db!(state, |c| Ok(c.mapping(d, &scope)?));
    match m.and_then(|m| serde_json::from_str::<Value>(&m).ok()) {
        Some(v) => Ok(HttpResponse::Ok().json(v)),
        None => Err(ApiError::not_found()),
    }
}

/// Bodies are parsed after the caller is known: an unauthenticated request learns nothing.
fn parse_json<T: serde::de::DeserializeOwned>(body: &[u8]) -> Result<T> {
    serde_json::from_slice(body).map_err(|e| {
        ApiError::bad_request(
            "invalid_json",
            format!("The request body is not valid: {e}"),
        )
    })
}

pub async fn put_mapping(
    state: web::Data<AppState>,
    caller: Caller,
    scope: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse> {
    let (d, scope) = (caller.district, scope.into_inner());
    let mapping: SavedMapping = parse_json(&body)?;
    let text = serde_json::to_string(&mapping).map_err(|_| ApiError::internal())?;
    db!(state, |c| Ok(c.put_mapping(d, &scope, &text)?));
    Ok(HttpResponse::NoContent().finish())
}

fn import_json(i: &ImportMeta) -> Value {
    json!({
        "number": i.number, "description": i.description, "type": i.kind, "scope": i.scope, "status": i.status,
        "submitted_by": i.submitted_by, "submitted_at": i.submitted_at, "run_at": i.run_at, "completed_at": i.completed_at,
        "base_revision": i.base_revision, "applied_revision": i.applied_revision, "error": i.error,
        "counts": serde_json::from_str::<Value>(&i.counts).unwrap_or(Value::Null),
    })
}

fn if_match(req: &HttpRequest) -> Option<u64> {
    req.headers()
        .get(header::IF_MATCH)
        .and_then(|h| h.to_str().ok())
        .and_then(|s| s.trim().trim_matches('"').parse().ok())
}

fn idempotency_key(req: &HttpRequest) -> Option<String> {
    req.headers()
        .get("idempotency-key")
        .and_then(|h| h.to_str().ok())
        .map(|s| s.chars().take(200).collect())
}

fn run_at(options: &Options) -> Result<Option<i64>> {
    match options.apply_at.as_deref().filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(s) => chrono::DateTime::parse_from_rfc3339(s)
            .map(|t| Some(t.timestamp_millis()))
            .map_err(|_| {
                ApiError::bad_request(
                    "invalid_apply_at",
                    format!("`{s}` is not a date and time (RFC 3339)."),
                )
            }),
    }
}

/// SHA-256 of what an idempotency key is bound to.
fn fingerprint(parts: &[&[u8]]) -> String {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    for p in parts {
        h.update((p.len() as u64).to_le_bytes());
        h.update(p);
    }
    hex::encode(h.finalize())
}

async fn do_submit(
    state: &web::Data<AppState>,
    caller: &Caller,
    req: SealedRequest,
    kind: &'static str,
    key: Option<String>,
    fingerprint: Option<String>,
    if_match: Option<u64>,
) -> Result<(StatusCode, ImportRow)> {
    let at = run_at(&req.options)?;
    let (d, who) = (caller.district, caller.who.clone());
    let outcome = db!(state, |c| {
        let s = Submission {
            district: d,
            request: &req,
            submitted_by: &who,
            kind,
            idempotency_key: key.as_deref(),
            fingerprint: fingerprint.as_deref(),
            if_match,
            run_at: at,
        };
        Ok(apply::submit(c, &s)?)
    });
    Ok(match outcome {
        Outcome::Applied(i) => (StatusCode::CREATED, i),
        Outcome::Queued(i) => (StatusCode::ACCEPTED, i),
        Outcome::Replayed(i) => (StatusCode::OK, i),
    })
}

/// Hashes the request's passwords off the async threads (argon2 is slow on purpose).
async fn seal(req: ChangeRequest) -> Result<SealedRequest> {
    web::block(move || apply::seal(req)).await?.map_err(|e| {
        ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_password",
            e.to_string(),
        )
    })
}

/// Submit a change request planned in the browser.
pub async fn submit(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    body: web::Bytes,
) -> Result<HttpResponse> {
    let _permit = state.heavy_permit().await?;
    let cr = web::block(move || ChangeRequest::from_json(&body))
        .await?
        .map_err(|e| ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, e.code(), e.to_string()))?;
    let sealed = seal(cr).await?;
    let key = idempotency_key(&req);
    // The key is bound to the request as sent, passwords aside (none is kept, even hashed fast).
    let fp = match &key {
        Some(_) => Some(fingerprint(&[sealed
            .redacted()
            .to_json()
            .map_err(|_| ApiError::internal())?
            .as_bytes()])),
        None => None,
    };
    let (status, import) =
        do_submit(&state, &caller, sealed, "upload", key, fp, if_match(&req)).await?;
    Ok(HttpResponse::build(status).json(json!({"import": import_json(&(&import).into())})))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CsvQuery {
    scope: Option<String>,
    #[serde(default)]
    dry_run: bool,
    #[serde(default)]
    confirm_archives: bool,
    description: Option<String>,
    /// `FIELD=VALUE`, comma-separated.
    set: Option<String>,
    /// The page of the answer's lists (creates, updates, archives, restores, skipped, issues).
    page: Option<u32>,
    per_page: Option<u32>,
}

/// Cuts each list of a plan's JSON to one page, and says how long each list was.
fn paginate(out: &mut Value, page: usize, per: usize) {
    let Some(o) = out.as_object_mut() else { return };
    let mut totals = serde_json::Map::new();
    for k in [
        "creates",
        "updates",
        "archives",
        "archive_reasons",
        "restores",
        "skipped",
        "issues",
    ] {
        if let Some(Value::Array(a)) = o.get_mut(k) {
            totals.insert(k.into(), json!(a.len()));
            let from = page.saturating_sub(1).saturating_mul(per).min(a.len());
            let to = from.saturating_add(per).min(a.len());
            *a = a.drain(from..to).collect();
        }
    }
    o.insert("page".into(), json!(page));
    o.insert("per_page".into(), json!(per));
    o.insert("totals".into(), Value::Object(totals));
}

/// Submit a raw CSV (scripts): the same engine, planner and verification run here, off the
/// async threads. A dry run answers what the apply would: the same verification decides.
pub async fn submit_csv(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    q: web::Query<CsvQuery>,
    body: web::Bytes,
) -> Result<HttpResponse> {
    let q = q.into_inner();
    let limits = state.config.limits;
    let per = q
        .per_page
        .map_or(limits.dry_run_page, |p| p as usize)
        .clamp(1, limits.dry_run_page.max(1) * 10);
    let page = q.page.unwrap_or(1).max(1) as usize;
    let scope = q
        .scope
        .clone()
        .filter(|s| !s.trim().is_empty())
        .unwrap_or_else(|| "api".into());
    let mut set = Vec::new();
    for pair in q
        .set
        .iter()
        .flat_map(|s| s.split(','))
        .filter(|s| !s.is_empty())
    {
        let (f, v) = pair.split_once('=').ok_or_else(|| {
            ApiError::bad_request("invalid_set", format!("`{pair}` should be FIELD=VALUE."))
        })?;
        let f = Field::parse(f).ok_or_else(|| {
            ApiError::bad_request("invalid_set", format!("`{f}` is not a field."))
        })?;
        set.push((f, v.to_owned()));
    }
    let d = caller.district;
    let key = idempotency_key(&req);
    let fp = key
        .as_ref()
        .map(|_| fingerprint(&[req.query_string().as_bytes(), &body]));
    // A retry answers the first import without planning again; another body is refused.
    if let Some(k) = key.clone() {
        if let Some(row) = db!(state, |c| Ok(c.import_by_key(d, &k)?)) {
            if row.fingerprint.is_some() && row.fingerprint != fp {
                return Err(apply::ApplyError::KeyReused.into());
            }
            return Ok(HttpResponse::Ok().json(
                json!({"applied": true, "replayed": true, "import": import_json(&(&row).into())}),
            ));
        }
    }
    let _permit = state.heavy_permit().await?;
    let scope2 = scope.clone();
    let (short, roster, dir, saved, guard) = db!(state, |c| {
        let dist = c.district(d)?;
        let rows = c.users(d)?;
        let dir = directory(c, d)?;
        let saved = c
            .mapping(d, &scope2)?
            .and_then(|m| serde_json::from_str::<SavedMapping>(&m).ok());
        Ok((
            dist.short_name.clone(),
            roster_of(&dist, &rows),
            dir,
            saved,
            dist.guard(),
        ))
    });
    let (dry_run, confirm, description) = (q.dry_run, q.confirm_archives, q.description.clone());
    let computed = web::block(
        move || -> Result<(Value, Option<ChangeRequest>, StatusCode)> {
            let opts = ImportOptions {
                schools: Some(dir.clone()),
                saved,
                set,
                ..ImportOptions::default()
            };
            let prefix = &body[..body.len().min(opts.limits.sniff_bytes)];
            let opened: Opened = rollcall_shared::open(prefix, prefix.len() == body.len(), &opts)
                .map_err(|e| {
                ApiError::new(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "unreadable_file",
                    e.to_string(),
                )
            })?;
            let mut p = Pipeline::new(&opened, &opts);
            p.feed(&body);
            let v = p.finish().map_err(|e| {
                ApiError::new(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "unreadable_file",
                    e.to_string(),
                )
            })?;
            let options = Options {
                guard,
                ..Options::default()
            };
            let p = plan(&v, &roster, &scope, &options);
            let issues: Vec<&Issue> = v.issues.iter().chain(&p.issues).collect();
            let errors = issues.iter().any(|i| i.is_error());
            let mut out = crate::cli::plan::plan_json(&p, &issues);
            let o = out.as_object_mut().ok_or_else(ApiError::internal)?;
            if errors {
                o.insert("applied".into(), json!(false));
                return Ok((out, None, StatusCode::UNPROCESSABLE_ENTITY));
            }
            // What the apply would check, checked now (the guard aside: it is answered below).
            let cr = p.to_request(&short, &options, true, description);
            if let Err(e) = verify(&cr, &roster, Some(&dir), guard) {
                o.insert("applied".into(), json!(false));
                o.insert("code".into(), json!(e.code()));
                o.insert("message".into(), json!(e.to_string()));
                return Ok((out, None, StatusCode::UNPROCESSABLE_ENTITY));
            }
            if dry_run {
                o.insert("applied".into(), json!(false));
                return Ok((out, None, StatusCode::OK));
            }
            if p.guard.triggered && !confirm {
                o.insert("applied".into(), json!(false));
                o.insert("code".into(), json!("guard_not_acknowledged"));
                o.insert(
                    "message".into(),
                    json!(
                        "This import archives too many users: confirm with confirm_archives=true."
                    ),
                );
                return Ok((out, None, StatusCode::CONFLICT));
            }
            let cr = ChangeRequest {
                acknowledged_guard: confirm,
                ..cr
            };
            Ok((out, Some(cr), StatusCode::OK))
        },
    )
    .await??;
    let (mut out, cr, status) = computed;
    let Some(cr) = cr else {
        paginate(&mut out, page, per);
        return Ok(HttpResponse::build(status).json(out));
    };
    let sealed = seal(cr).await?;
    let (status, import) = do_submit(&state, &caller, sealed, "api", key, fp, None).await?;
    paginate(&mut out, page, per);
    if let Some(o) = out.as_object_mut() {
        o.insert("applied".into(), json!(true));
        o.insert("import".into(), import_json(&(&import).into()));
    }
    Ok(HttpResponse::build(status).json(out))
}

pub async fn imports(state: web::Data<AppState>, caller: Caller) -> Result<HttpResponse> {
    let d = caller.district;
    let rows = db!(state, |c| Ok(c.imports(d)?));
    Ok(HttpResponse::Ok().json(rows.iter().map(import_json).collect::<Vec<_>>()))
}

fn user_key(d: &rollcall_shared::plan::UserData) -> String {
    d.key()
}

/// The rows as they were before an import, by user id.
fn before_images(
    changes: &[crate::db::models::ChangeRow],
) -> std::collections::HashMap<i64, UserRow> {
    changes
        .iter()
        .filter_map(|c| Some((c.user_id, c.before_row()?)))
        .collect()
}

/// One import of the district and the before-images of the users it touched (404 if another
/// district's or none).
async fn import_with_before_images(
    state: &web::Data<AppState>,
    d: i64,
    n: i64,
) -> Result<(ImportRow, std::collections::HashMap<i64, UserRow>)> {
    let (import, changes) = db!(state, |c| {
        let Some(i) = c.import(d, n)? else {
            return Err(ApiError::not_found());
        };
        Ok((i, c.changes(d, n)?))
    });
    Ok((import, before_images(&changes)))
}

/// An import with every change: creates, updates (old → new, from the before-images),
/// archives and restores.
pub async fn import_detail(
    state: web::Data<AppState>,
    caller: Caller,
    number: web::Path<i64>,
) -> Result<HttpResponse> {
    let (d, n) = (caller.district, number.into_inner());
    let (import, before) = import_with_before_images(&state, d, n).await?;
    let req = SealedRequest::from_stored_json(import.request.as_bytes()).ok();
    let mut creates = vec![];
    let mut updates = vec![];
    let mut archives = vec![];
    let mut restores = vec![];
    if let Some(r) = &req {
        creates = r.creates.iter().map(|c| json!({"key": user_key(&c.data), "first_name": c.data.first_name, "last_name": c.data.last_name, "role": c.data.role, "school": c.data.school})).collect();
        for u in &r.updates {
            let old = before.get(&u.id.0).map(UserRow::data);
            let mut diffs = serde_json::Map::new();
            for ch in &u.changes {
                let f = ch.field();
                let mut new = old.clone();
                if let Some(n) = new.as_mut() {
                    n.apply(ch);
                }
                let o = old.as_ref().and_then(|o| o.display(f));
                let nv = if f == Field::Password {
                    Some("(new password)".into())
                } else {
                    new.as_ref().and_then(|n| n.display(f))
                };
                diffs.insert(f.name().into(), json!([o, nv]));
            }
            updates.push(json!({"id": u.id, "key": old.as_ref().map(user_key), "changes": diffs}));
        }
        let key_of = |id: &UserId| before.get(&id.0).map(|r| user_key(&r.data()));
        archives = r
            .archives
            .iter()
            .map(|a| json!({"id": a.id, "key": key_of(&a.id), "reason": a.reason}))
            .collect();
        restores = r
            .restores
            .iter()
            .map(|id| json!({"id": id, "key": key_of(id)}))
            .collect();
    }
    let mut v = import_json(&(&import).into());
    if let Some(o) = v.as_object_mut() {
        o.insert("creates".into(), json!(creates));
        o.insert("updates".into(), json!(updates));
        o.insert("archives".into(), json!(archives));
        o.insert("restores".into(), json!(restores));
    }
    Ok(HttpResponse::Ok().json(v))
}

/// The imported data as a CSV in import format: the created and changed users as imported.
pub async fn import_download(
    state: web::Data<AppState>,
    caller: Caller,
    number: web::Path<i64>,
) -> Result<HttpResponse> {
    let (d, n) = (caller.district, number.into_inner());
    let (import, before) = import_with_before_images(&state, d, n).await?;
    let req = SealedRequest::from_stored_json(import.request.as_bytes())
        .map_err(|_| ApiError::not_found())?;
    let mut roster = rollcall_shared::plan::Roster::default();
    let mut id = 0;
    let mut push = |data: rollcall_shared::plan::UserData| {
        id += 1;
        roster.users.push(rollcall_shared::plan::RosterUser {
            id: UserId(id),
            data,
            status: rollcall_shared::plan::UserStatus::Active,
            managed_by: None,
        });
    };
    for c in &req.creates {
        push(c.data.clone());
    }
    for u in &req.updates {
        if let Some(mut data) = before.get(&u.id.0).map(UserRow::data) {
            for ch in &u.changes {
                data.apply(ch);
            }
            push(data);
        }
    }
    let csv = rollcall_shared::write::master_csv(&roster);
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"import-{n}.csv\""),
        ))
        .body(csv))
}

pub async fn rollback(
    state: web::Data<AppState>,
    caller: Caller,
    number: web::Path<i64>,
) -> Result<HttpResponse> {
    let (d, n) = (caller.district, number.into_inner());
    let import = db!(state, |c| Ok(apply::rollback(c, d, n)?));
    Ok(HttpResponse::Ok().json(json!({"import": import_json(&(&import).into())})))
}

pub async fn users(
    state: web::Data<AppState>,
    caller: Caller,
    q: web::Query<UserFilter>,
) -> Result<HttpResponse> {
    let (d, mut f) = (caller.district, q.into_inner());
    let per = f.per_page.unwrap_or(50).clamp(1, 500);
    // The offset is (page - 1) × per_page: a page past any district's size is refused rather
    // than overflowing.
    let page = f.page.unwrap_or(1);
    if !(1..=10_000_000).contains(&page) {
        return Err(ApiError::bad_request(
            "invalid_page",
            "`page` is a number from 1 to 10,000,000.",
        ));
    }
    (f.page, f.per_page) = (Some(page), Some(per));
    let (rows, total) = db!(state, |c| Ok(c.users_page(d, &f)?));
    let users: Vec<Value> = rows
        .iter()
        .map(|r| json!({"id": r.id, "district_id": r.sis_id, "email": r.email, "first_name": r.first_name, "last_name": r.last_name,
            "middle_name": r.middle_name, "role": r.role, "grade": r.grade, "school": r.school, "state_id": r.state_id, "alt_id": r.alt_id,
            "status": r.status, "scope": r.scope, "source": r.managed_by.clone().unwrap_or_else(|| "file".into())}))
        .collect();
    Ok(HttpResponse::Ok()
        .json(json!({"total": total, "page": page, "per_page": per, "users": users})))
}

/// The master CSV: active file-managed users in import format, formula-like cells neutralised.
pub async fn export(state: web::Data<AppState>, caller: Caller) -> Result<HttpResponse> {
    let d = caller.district;
    let csv = db!(state, |c| {
        let dist = c.district(d)?;
        let rows = c.users(d)?;
        Ok(rollcall_shared::write::master_csv(&roster_of(&dist, &rows)))
    });
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((
            header::CONTENT_DISPOSITION,
            "attachment; filename=\"users.csv\"",
        ))
        .body(csv))
}

pub async fn outbox(state: web::Data<AppState>, caller: Caller) -> Result<HttpResponse> {
    let d = caller.district;
    let rows = db!(state, |c| Ok(c.outbox(d)?));
    Ok(HttpResponse::Ok().json(rows))
}
