//! The caller: a bearer token (an admin's session, or a district's API token) resolved to the
//! district it may act in. Every handler takes a `Caller` and scopes every query to
//! `caller.district`; another district's objects are simply not found.

use crate::db::ids::DistrictId;
use std::future::Future;
use std::pin::Pin;

use actix_web::{web, FromRequest, HttpRequest};

use super::error::ApiError;
use super::AppState;
use crate::db::{now_ms, StoreCommon};
use crate::with_conn;

#[derive(Debug, Clone)]
pub struct Caller {
    pub district: DistrictId,
    /// The admin's id, for sessions; `None` for API tokens.
    pub admin: Option<i64>,
    /// Who, for the import history: the admin's email or `token:<name>`.
    pub who: String,
    pub token_hash: String,
    /// The sync a token speaks for (`None` for admins and plain tokens).
    pub sync: Option<rollcall_shared::user::SyncName>,
}

pub use crate::secret::{new_token, token_hash};

impl FromRequest for Caller {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Caller, ApiError>>>>;

    fn from_request(req: &HttpRequest, _: &mut actix_web::dev::Payload) -> Self::Future {
        let token = req
            .headers()
            .get("authorization")
            .and_then(|h| h.to_str().ok())
            .and_then(|h| h.strip_prefix("Bearer "))
            .map(|t| t.trim().to_owned());
        let state = req.app_data::<web::Data<AppState>>().cloned();
        Box::pin(async move {
            let (Some(token), Some(state)) = (token, state) else {
                return Err(ApiError::unauthorized());
            };
            let hash = token_hash(&token);
            let db = state.db.clone();
            web::block(move || -> Result<Caller, ApiError> {
                let mut conn = db.get()?;
                with_conn!(conn, |c| {
                    if let Some((district, admin, expires)) = c.session(&hash)? {
                        if expires < now_ms() {
                            c.delete_session(&hash)?;
                            return Err(ApiError::unauthorized());
                        }
                        // A session whose admin is gone signs nobody in.
                        let Some((who, _)) = c.admin(district, admin)? else {
                            c.delete_session(&hash)?;
                            return Err(ApiError::unauthorized());
                        };
                        return Ok(Caller {
                            district,
                            admin: Some(admin),
                            who,
                            token_hash: hash,
                            sync: None,
                        });
                    }
                    if let Some(t) = c.api_token(&hash)? {
                        let now = now_ms();
                        // An expired token signs nobody in (it stays listed until revoked).
                        if t.expires_at.is_some_and(|at| at <= now) {
                            return Err(ApiError::unauthorized());
                        }
                        let sync = rollcall_shared::user::SyncName::from_stored(t.sync.as_deref())
                            .map_err(|s| {
                                crate::db::DbError::Corrupt(format!("token sync `{s}`"))
                            })?;
                        c.touch_token(t.district_id, &hash, now)?;
                        return Ok(Caller {
                            district: t.district_id,
                            admin: None,
                            who: format!("token:{}", t.name),
                            token_hash: hash,
                            sync,
                        });
                    }
                    Err(ApiError::unauthorized())
                })
            })
            .await?
        })
    }
}
