//! One JSON error type for every endpoint: `{"code", "message", …details}` with a stable code
//! the UI translates and scripts match on.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};
use serde_json::{json, Value};

use crate::db::apply::{ApplyError, RollbackError};
use crate::db::DbError;

#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
    pub details: Value,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> ApiError {
        ApiError {
            status,
            code,
            message: message.into(),
            details: Value::Null,
        }
    }
    pub fn with(mut self, details: Value) -> ApiError {
        self.details = details;
        self
    }
    pub fn not_found() -> ApiError {
        ApiError::new(StatusCode::NOT_FOUND, "not_found", "Not found.")
    }
    pub fn unauthorized() -> ApiError {
        ApiError::new(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "Sign in again: the session is missing or has expired.",
        )
    }
    pub fn bad_request(code: &'static str, message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::BAD_REQUEST, code, message)
    }
    /// The server is at its bound of heavy work: try again shortly.
    pub fn busy() -> ApiError {
        ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "busy",
            "The server is busy with other imports; try again in a moment.",
        )
        .with(json!({"retry_after": 5}))
    }
    pub fn internal() -> ApiError {
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "Something went wrong on the server.",
        )
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.code, self.message)
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        self.status
    }
    fn error_response(&self) -> HttpResponse {
        let mut body = json!({"code": self.code, "message": self.message});
        if let (Some(b), Value::Object(d)) = (body.as_object_mut(), &self.details) {
            for (k, v) in d {
                b.insert(k.clone(), v.clone());
            }
        }
        let mut resp = HttpResponse::build(self.status);
        if let Some(secs) = self.details.get("retry_after").and_then(Value::as_u64) {
            resp.insert_header((actix_web::http::header::RETRY_AFTER, secs.to_string()));
        }
        resp.json(body)
    }
}

impl From<DbError> for ApiError {
    fn from(e: DbError) -> Self {
        match e {
            DbError::Pool(_) | DbError::Connect(_) => {
                tracing::warn!(error = %e, "database unavailable");
                ApiError::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "database_unavailable",
                    "The database cannot be reached right now; try again in a moment.",
                )
            }
            DbError::Query(diesel::result::Error::DatabaseError(
                diesel::result::DatabaseErrorKind::UniqueViolation,
                _,
            )) => ApiError::new(
                StatusCode::CONFLICT,
                "conflict",
                "Two users would share an email or a district ID; nothing was changed.",
            ),
            other => {
                tracing::error!(error = %other, "database error");
                ApiError::new(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "internal",
                    "Something went wrong on the server.",
                )
            }
        }
    }
}

impl From<actix_web::error::BlockingError> for ApiError {
    fn from(_: actix_web::error::BlockingError) -> Self {
        ApiError::busy()
    }
}

impl From<ApplyError> for ApiError {
    fn from(e: ApplyError) -> Self {
        match e {
            ApplyError::Stale { current } => ApiError::new(
                StatusCode::PRECONDITION_FAILED,
                "stale_revision",
                "The roster changed since this plan was made: plan again.",
            )
            .with(json!({"current_revision": current})),
            ApplyError::WrongDistrict(_) => ApiError::not_found(),
            ApplyError::Verify(v) => {
                let status = match v.code() {
                    "guard_not_acknowledged" => StatusCode::CONFLICT,
                    "stale_revision" => StatusCode::PRECONDITION_FAILED,
                    _ => StatusCode::UNPROCESSABLE_ENTITY,
                };
                ApiError::new(status, v.code(), v.to_string())
            }
            ApplyError::Db(d) => d.into(),
            ApplyError::KeyReused => ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "idempotency_key_reused",
                "This Idempotency-Key was already used with another request: use a new key for a new request.",
            ),
            ApplyError::Unsealed => ApiError::internal(),
            ApplyError::Injected(_) => ApiError::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                "internal",
                "Injected failure.",
            ),
        }
    }
}

impl From<RollbackError> for ApiError {
    fn from(e: RollbackError) -> Self {
        match e {
            RollbackError::NotFound(_) => ApiError::not_found(),
            RollbackError::NotCompleted(..) => {
                ApiError::new(StatusCode::CONFLICT, "not_completed", e.to_string())
            }
            RollbackError::ChangedLater(users) => ApiError::new(
                StatusCode::CONFLICT,
                "changed_later",
                "Later imports changed some of the same users: roll those back first.",
            )
            .with(json!({"users": users})),
            RollbackError::KeyClash {
                field,
                ref value,
                ref users,
            } => ApiError::new(StatusCode::CONFLICT, "rollback_conflict", e.to_string())
                .with(json!({"field": field, "value": value, "users": users})),
            RollbackError::Db(d) => d.into(),
        }
    }
}
