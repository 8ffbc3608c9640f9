//! Signing in and out.

use rollcall_shared::api::{AdminInfo, DistrictInfo, LoginAsk as Login, SessionAnswer};

use super::prelude::*;

fn too_many(wait: std::time::Duration) -> ApiError {
    let secs = wait.as_secs().max(1);
    ApiError::new(
        ErrorCode::TooManyAttempts,
        format!("Too many sign-in attempts: wait {secs} seconds and try again."),
    )
    .with(json!({"retry_after": secs}))
}

fn bad_credentials() -> ApiError {
    ApiError::new(
        ErrorCode::BadCredentials,
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
        return Err(ApiError::new(
            ErrorCode::TooLong,
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
        Ok(Some(SessionAnswer {
            token,
            expires_at: expires,
            district: DistrictInfo {
                short_name: d.short_name,
                name: d.name,
                revision: None,
                guard: None,
            },
            admin: AdminInfo {
                email: email2,
                name,
            },
        }))
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
        return Err(ApiError::new(
            ErrorCode::NotASession,
            "This is an API token, not a session: it stays valid until it is revoked.",
        ));
    }
    let hash = caller.token_hash.clone();
    db!(state, |c| Ok(c.delete_session(&hash)?));
    Ok(HttpResponse::NoContent().finish())
}
