//! The district's API tokens, for nightly scripts and rostering syncs: listed (never their
//! secret), created (the secret shown once, stored hashed), revoked. An admin's session only:
//! a token cannot mint or revoke tokens.

use rollcall_shared::console::{CreatedToken, NewToken, SyncName, TokenInfo};

use super::prelude::*;
use crate::db::models::TokenRow;

fn admin_only(caller: &Caller) -> Result<()> {
    match caller.admin {
        Some(_) => Ok(()),
        None => Err(ApiError::new(
            ErrorCode::AdminOnly,
            "Only the district's admin, signed in, manages its tokens.",
        )),
    }
}

fn info(t: TokenRow) -> Result<TokenInfo> {
    let sync = SyncName::from_stored(t.sync.as_deref()).map_err(|s| {
        tracing::error!(token = t.id, sync = s, "unknown sync in the database");
        ApiError::internal()
    })?;
    Ok(TokenInfo {
        id: t.id,
        name: t.name,
        sync,
        created_at: t.created_at,
        last_used_at: t.last_used_at,
        expires_at: t.expires_at,
    })
}

pub async fn tokens(state: web::Data<AppState>, caller: Caller) -> Result<HttpResponse> {
    admin_only(&caller)?;
    let d = caller.district;
    let rows = db!(state, |c| Ok(c.api_tokens(d)?));
    Ok(HttpResponse::Ok().json(rows.into_iter().map(info).collect::<Result<Vec<_>>>()?))
}

pub async fn create_token(
    state: web::Data<AppState>,
    caller: Caller,
    body: web::Bytes,
) -> Result<HttpResponse> {
    admin_only(&caller)?;
    let ask: NewToken = parse_json(&body)?;
    let expires_at = match ask.expires_in_days {
        None => None,
        Some(days @ 1..=3650) => Some(now_ms() + i64::from(days) * 86_400_000),
        Some(_) => {
            return Err(ApiError::new(
                ErrorCode::BadRequest,
                "`expires_in_days` is a number of days from 1 to 3650.",
            ))
        }
    };
    let secret = new_token("rct_");
    let hash = token_hash(&secret);
    let (d, name, sync) = (caller.district, ask.name.to_string(), ask.sync);
    let row = db!(state, |c| {
        let id = c.create_api_token(&hash, d, &name, sync.map(SyncName::as_str), expires_at)?;
        Ok(c.api_tokens(d)?.into_iter().find(|t| t.id == id))
    });
    let Some(row) = row else {
        return Err(ApiError::internal());
    };
    Ok(HttpResponse::Created().json(CreatedToken {
        token: info(row)?,
        secret,
    }))
}

pub async fn delete_token(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
) -> Result<HttpResponse> {
    admin_only(&caller)?;
    let (d, id) = (caller.district, id.into_inner());
    match db!(state, |c| Ok(c.delete_token(d, id)?)) {
        true => Ok(HttpResponse::NoContent().finish()),
        false => Err(ApiError::not_found()),
    }
}
