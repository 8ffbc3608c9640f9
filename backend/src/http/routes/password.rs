//! Choosing a password with a set-password link (no sign-in: the link is the credential). The
//! token is `<district>.<secret>`: the district scopes the lookup, the secret (256 bits) is
//! kept only as its hash, works once and for `LINK_DAYS` days.

use rollcall_shared::api::SetPassword;
use rollcall_shared::fields::check_new_password;

use super::prelude::*;
use crate::db::Backend;

fn invalid() -> ApiError {
    ApiError::new(
        ErrorCode::LinkInvalid,
        "This link is not valid: open the link from the mail as it is, or ask your administrator for a new one.",
    )
}

fn used() -> ApiError {
    ApiError::new(
        ErrorCode::LinkUsed,
        "This link was already used: it works once. Ask your administrator for a new one if you need it.",
    )
}

/// `<district>.<64 hex digits>` → (district, the secret's hash); anything else is not a link.
fn parse_token(token: &str) -> Option<(DistrictId, String)> {
    let (d, secret) = token.trim().split_once('.')?;
    let d = d.parse::<i64>().ok().filter(|d| *d > 0)?;
    (secret.len() == 64 && secret.bytes().all(|b| b.is_ascii_hexdigit()))
        .then(|| (DistrictId(d), token_hash(secret)))
}

pub async fn set_password(state: web::Data<AppState>, body: web::Bytes) -> Result<HttpResponse> {
    let ask: SetPassword = parse_json(&body)?;
    let (d, hash) = parse_token(&ask.token).ok_or_else(invalid)?;
    let h2 = hash.clone();
    let (user, email) = db!(state, |c| {
        let Some((user, expires_at, used_at)) = c.password_link(d, &h2)? else {
            return Err(invalid());
        };
        if used_at.is_some() {
            return Err(used());
        }
        if expires_at < now_ms() {
            return Err(ApiError::new(
                ErrorCode::LinkExpired,
                "This link has expired: ask your administrator for a new one.",
            ));
        }
        let email = c
            .users_by_ids(d, &[user])?
            .into_iter()
            .next()
            .ok_or_else(invalid)?
            .email;
        Ok((user, email))
    });
    check_new_password(&ask.password, email.as_deref()).map_err(|e| {
        ApiError::new(
            ErrorCode::InvalidPassword,
            format!("This password cannot be used: {}.", e.message),
        )
        .with(json!({"issue": e.code}))
    })?;
    let _permit = state.heavy_permit().await?;
    let pw = ask.password;
    let stored = web::block(move || apply::hash_password(&pw))
        .await?
        .map_err(|_| ApiError::internal())?;
    db!(state, |c| c.write_txn(d, |c| {
        // Two tabs racing: the one that burns the link sets the password.
        if !c.use_password_link(d, &hash, now_ms())? {
            return Ok(Err(used()));
        }
        c.set_user_password(d, user, &stored, now_ms())?;
        Ok(Ok(()))
    })?);
    Ok(HttpResponse::NoContent().finish())
}
