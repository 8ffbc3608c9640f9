use actix_web::http::header;
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use rollcall_shared::fields::Field;
use rollcall_shared::map::SavedMapping;
use rollcall_shared::plan::{codec, plan, UserId};
use rollcall_shared::validate::Issue;
use rollcall_shared::wire::{ChangeRequest, Options};
use rollcall_shared::{ImportOptions, Opened, Pipeline};
use serde::Deserialize;
use serde_json::{json, Value};

use super::auth::{new_token, token_hash, Caller};
use super::error::ApiError;
use super::AppState;
use crate::db;
use crate::db::apply::{self, directory, roster_of, Outcome, Submission};
use crate::db::models::{ImportRow, UserRow};
use crate::db::{now_ms, StoreCommon, UserFilter};

type Result<T> = std::result::Result<T, ApiError>;

#[derive(Deserialize)]
pub struct Login {
    email: String,
    password: String,
}

fn rate_limited(state: &AppState, email: &str) -> bool {
    let l = state.config.limits;
    let Ok(mut map) = state.logins.lock() else {
        return false;
    };
    let now = std::time::Instant::now();
    let e = map.entry(email.to_owned()).or_insert((now, 0));
    if now.duration_since(e.0).as_secs() > l.login_window_secs {
        *e = (now, 0);
    }
    e.1 += 1;
    e.1 > l.login_attempts
}

pub async fn login(state: web::Data<AppState>, body: web::Bytes) -> Result<HttpResponse> {
    let body: Login = parse_json(&body)?;
    let email = body.email.trim().to_lowercase();
    if rate_limited(&state, &email) {
        return Err(ApiError::new(
            StatusCode::TOO_MANY_REQUESTS,
            "too_many_attempts",
            "Too many sign-in attempts: wait a few minutes and try again.",
        ));
    }
    let password = body.password.clone();
    let hours = if state.config.session_hours > 0 {
        state.config.session_hours
    } else {
        12
    };
    let token = new_token("rcs_");
    let hash = token_hash(&token);
    let expires = now_ms() + hours * 3_600_000;
    let out = db!(state, |c| {
        let Some((district, admin, name, pw_hash)) = c.admin_by_email(&email)? else {
            // Same work and answer whether or not the account exists.
            let _ = apply::verify_password(
                &password,
                "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHQ$Zm9v",
            );
            return Ok(None);
        };
        if !apply::verify_password(&password, &pw_hash) {
            return Ok(None);
        }
        c.create_session(&hash, district, admin, expires)?;
        let d = c.district(district)?;
        Ok(Some(json!({"token": token, "expires_at": expires,
            "district": {"short_name": d.short_name, "name": d.name},
            "admin": {"email": email, "name": name}})))
    });
    match out {
        Some(v) => Ok(HttpResponse::Ok().json(v)),
        None => Err(ApiError::new(
            StatusCode::UNAUTHORIZED,
            "bad_credentials",
            "The email or password is not right.",
        )),
    }
}

pub async fn logout(state: web::Data<AppState>, caller: Caller) -> Result<HttpResponse> {
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
            json!({"district": {"short_name": dist.short_name, "name": dist.name, "revision": dist.revision},
            "admin": a.map(|(email, name)| json!({"email": email, "name": name})), "who": caller.who}),
        )
    });
    Ok(HttpResponse::Ok().json(v))
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
            let both = web::block(move || {
                use std::io::Write;
                let mut e = flate2::write::GzEncoder::new(
                    Vec::with_capacity(bytes.len() / 4),
                    flate2::Compression::fast(),
                );
                let _ = e.write_all(&bytes);
                (
                    web::Bytes::from(bytes),
                    web::Bytes::from(e.finish().unwrap_or_default()),
                )
            })
            .await?;
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
    let text = serde_json::to_string(&mapping).unwrap_or_default();
    db!(state, |c| Ok(c.put_mapping(d, &scope, &text)?));
    Ok(HttpResponse::NoContent().finish())
}

fn import_json(i: &ImportRow) -> Value {
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

async fn do_submit(
    state: &web::Data<AppState>,
    caller: &Caller,
    req: ChangeRequest,
    kind: &'static str,
    key: Option<String>,
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

/// Submit a change request planned in the browser.
pub async fn submit(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    body: web::Bytes,
) -> Result<HttpResponse> {
    let cr = ChangeRequest::from_json(&body)
        .map_err(|e| ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, e.code(), e.to_string()))?;
    let (status, import) = do_submit(
        &state,
        &caller,
        cr,
        "upload",
        idempotency_key(&req),
        if_match(&req),
    )
    .await?;
    Ok(HttpResponse::build(status).json(json!({"import": import_json(&import)})))
}

#[derive(Debug, Deserialize)]
pub struct CsvQuery {
    scope: Option<String>,
    #[serde(default)]
    dry_run: bool,
    #[serde(default)]
    confirm_archives: bool,
    description: Option<String>,
    /// `FIELD=VALUE`, comma-separated.
    set: Option<String>,
}

/// Submit a raw CSV (scripts): the same engine and planner run here.
pub async fn submit_csv(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    q: web::Query<CsvQuery>,
    body: web::Bytes,
) -> Result<HttpResponse> {
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
    let scope2 = scope.clone();
    let (short, roster, dir, saved) = db!(state, |c| {
        let dist = c.district(d)?;
        let rows = c.users(d)?;
        let dir = directory(c, d)?;
        let saved = c
            .mapping(d, &scope2)?
            .and_then(|m| serde_json::from_str::<SavedMapping>(&m).ok());
        Ok((dist.short_name.clone(), roster_of(&dist, &rows), dir, saved))
    });
    let opts = ImportOptions {
        schools: Some(dir),
        saved,
        set,
        ..ImportOptions::default()
    };
    let bytes = body.clone();
    let computed = web::block(move || -> std::result::Result<(Opened, rollcall_shared::validate::Validation), rollcall_shared::EngineError> {
        let prefix = &bytes[..bytes.len().min(opts.limits.sniff_bytes)];
        let opened = rollcall_shared::open(prefix, prefix.len() == bytes.len(), &opts)?;
        let mut p = Pipeline::new(&opened, &opts);
        p.feed(&bytes);
        Ok((opened, p.finish()?))
    })
    .await?;
    let (_, v) = computed.map_err(|e| {
        ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "unreadable_file",
            e.to_string(),
        )
    })?;
    let options = Options::default();
    let p = plan(&v, &roster, &scope, &options);
    let issues: Vec<&Issue> = v.issues.iter().chain(&p.issues).collect();
    let errors = issues.iter().any(|i| i.is_error());
    let mut out = crate::cli::plan::plan_json(&p, &issues);
    if q.dry_run || errors || (p.guard.triggered && !q.confirm_archives) {
        let status = if errors {
            StatusCode::UNPROCESSABLE_ENTITY
        } else if p.guard.triggered && !q.dry_run {
            StatusCode::CONFLICT
        } else {
            StatusCode::OK
        };
        if let Some(o) = out.as_object_mut() {
            o.insert("applied".into(), json!(false));
            if p.guard.triggered && !q.dry_run && !errors {
                o.insert("code".into(), json!("guard_not_acknowledged"));
                o.insert(
                    "message".into(),
                    json!(
                        "This import archives too many users: confirm with confirm_archives=true."
                    ),
                );
            }
        }
        return Ok(HttpResponse::build(status).json(out));
    }
    let cr = p.to_request(&short, &options, q.confirm_archives, q.description.clone());
    let (status, import) =
        do_submit(&state, &caller, cr, "api", idempotency_key(&req), None).await?;
    if let Some(o) = out.as_object_mut() {
        o.insert("applied".into(), json!(true));
        o.insert("import".into(), import_json(&import));
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
    let req: Option<ChangeRequest> = ChangeRequest::from_json(import.request.as_bytes()).ok();
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
    let mut v = import_json(&import);
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
    let req =
        ChangeRequest::from_json(import.request.as_bytes()).map_err(|_| ApiError::not_found())?;
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
    Ok(HttpResponse::Ok().json(json!({"import": import_json(&import)})))
}

pub async fn users(
    state: web::Data<AppState>,
    caller: Caller,
    q: web::Query<UserFilter>,
) -> Result<HttpResponse> {
    let (d, f) = (caller.district, q.into_inner());
    let (per, page) = (
        f.per_page.unwrap_or(50).clamp(1, 500),
        f.page.unwrap_or(1).max(1),
    );
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
