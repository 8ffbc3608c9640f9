//! The API's handlers, one file per resource, and what they share: JSON bodies, the import
//! summary, idempotency keys, and the submit every import door ends in.

mod csv;
mod district;
mod groups;
mod imports;
mod mappings;
mod outbox;
mod password;
mod roster;
mod schools;
mod session;
mod tokens;
mod user;
mod users;

pub use csv::*;
pub use district::*;
pub use groups::*;
pub use imports::*;
pub use mappings::*;
pub use outbox::*;
pub use password::*;
pub use roster::*;
pub use schools::*;
pub use session::*;
pub use tokens::*;
pub use user::*;
pub use users::*;

pub(crate) mod prelude {
    pub use actix_web::http::header;
    pub use actix_web::http::StatusCode;
    pub use actix_web::{web, HttpRequest, HttpResponse};
    pub use rollcall_shared::api::{ImportAnswer, ImportSummary};
    pub use rollcall_shared::error_code::ErrorCode;
    pub use rollcall_shared::fields::Field;
    pub use rollcall_shared::map::SavedMapping;
    pub use rollcall_shared::plan::{codec, UserId};
    pub use rollcall_shared::wire::{ChangeRequest, Options, SealedRequest};
    pub use serde::Deserialize;
    pub use serde_json::json;

    pub use super::{
        do_submit, fingerprint, idempotency_key, if_match, import_json, link_base, parse_json,
        seal, Result,
    };
    pub use crate::db;
    pub use crate::db::apply::{self, directory};
    pub use crate::db::models::{ImportMeta, ImportRow};
    pub use crate::db::{now_ms, DistrictId, ImportNo, SavedMappings, StoreCommon, UserFilter};
    pub use crate::http::auth::{new_token, token_hash, Caller};
    pub use crate::http::error::ApiError;
    pub use crate::http::AppState;
}

use crate::db::apply::{Outcome, Submission};
use prelude::*;

pub type Result<T> = std::result::Result<T, ApiError>;

/// Bodies are parsed after the caller is known: an unauthenticated request learns nothing. A
/// value its field's type refuses is `invalid_record` with the validator's code (`"issue"`),
/// as in a change request; any other fault is `invalid_json`.
pub fn parse_json<T: serde::de::DeserializeOwned>(body: &[u8]) -> Result<T> {
    serde_json::from_slice(body).map_err(|e| {
        let message = format!("The request body is not valid: {e}");
        match rollcall_shared::fields::FieldError::code_in(&message) {
            Some(issue) => {
                ApiError::new(ErrorCode::InvalidRecord, message).with(json!({ "issue": issue }))
            }
            None => ApiError::new(ErrorCode::InvalidJson, message),
        }
    })
}

pub fn import_json(i: &ImportMeta) -> Result<ImportSummary> {
    Ok(ImportSummary {
        number: i.number.0,
        description: i.description.clone(),
        kind: i.kind.clone(),
        scope: i.scope.clone(),
        status: i.status()?,
        submitted_by: i.submitted_by.clone(),
        submitted_at: i.submitted_at,
        run_at: i.run_at,
        completed_at: i.completed_at,
        base_revision: i.base_revision,
        applied_revision: i.applied_revision,
        error: i.error.clone(),
        counts: serde_json::from_str(&i.counts)
            .inspect_err(|e| tracing::error!(import = i.number.0, error = %e, "unreadable counts"))
            .ok(),
    })
}

pub fn if_match(req: &HttpRequest) -> Option<u64> {
    req.headers()
        .get(header::IF_MATCH)
        .and_then(|h| h.to_str().ok())
        .and_then(|s| s.trim().trim_matches('"').parse().ok())
}

pub fn idempotency_key(req: &HttpRequest) -> Option<String> {
    req.headers()
        .get("idempotency-key")
        .and_then(|h| h.to_str().ok())
        .map(|s| s.chars().take(200).collect())
}

pub fn run_at(options: &Options) -> Result<Option<i64>> {
    match options.apply_at.as_deref().filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(s) => chrono::DateTime::parse_from_rfc3339(s)
            .map(|t| Some(t.timestamp_millis()))
            .map_err(|_| {
                ApiError::new(
                    ErrorCode::InvalidApplyAt,
                    format!("`{s}` is not a date and time (RFC 3339)."),
                )
            }),
    }
}

/// SHA-256 of what an idempotency key is bound to.
pub fn fingerprint(parts: &[&[u8]]) -> String {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    for p in parts {
        h.update((p.len() as u64).to_le_bytes());
        h.update(p);
    }
    hex::encode(h.finalize())
}

/// The app's address for the links an import's mail carries: the configured public URL, else
/// the origin of the browser that sent the request when that origin is this server or one the
/// server allows (never a header a script made up: a link in a staff member's mail must lead to
/// the district's own app). `None`: the mail says to ask for a link.
pub fn link_base(state: &AppState, req: &HttpRequest) -> Option<String> {
    if let Some(u) = &state.config.public_url {
        return Some(u.clone());
    }
    let origin = req.headers().get(header::ORIGIN)?.to_str().ok()?;
    let info = req.connection_info();
    let own = format!("{}://{}", info.scheme(), info.host());
    (origin == own || state.config.cors_origins.iter().any(|o| o == origin))
        .then(|| origin.trim_end_matches('/').to_owned())
}

#[allow(clippy::too_many_arguments)]
pub async fn do_submit(
    state: &web::Data<AppState>,
    caller: &Caller,
    req: SealedRequest,
    kind: &'static str,
    key: Option<String>,
    fingerprint: Option<String>,
    if_match: Option<u64>,
    link_base: Option<String>,
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
            link_base: link_base.as_deref(),
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
pub async fn seal(req: ChangeRequest) -> Result<SealedRequest> {
    web::block(move || apply::seal(req))
        .await?
        .map_err(|e| ApiError::new(ErrorCode::InvalidPassword, e.to_string()))
}
