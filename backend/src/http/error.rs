//! One JSON error type for every endpoint: `{"code", "message", …details}` with a stable code
//! the UI translates and scripts match on.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};
use rollcall_shared::error_code::ErrorCode;
use serde_json::{json, Value};

use rollcall_shared::plan::VerifyError;
use rollcall_shared::wire::WireError;

use crate::db::apply::{ApplyError, RollbackError};
use crate::db::DbError;

#[derive(Debug)]
pub struct ApiError {
    pub code: ErrorCode,
    pub message: String,
    pub details: Value,
}

/// Each code's HTTP status, decided here once.
pub fn status_of(code: ErrorCode) -> StatusCode {
    use ErrorCode::*;
    match code {
        Unauthorized | BadCredentials => StatusCode::UNAUTHORIZED,
        TooManyAttempts => StatusCode::TOO_MANY_REQUESTS,
        AdminOnly => StatusCode::FORBIDDEN,
        NotFound | LinkInvalid => StatusCode::NOT_FOUND,
        LinkUsed | LinkExpired => StatusCode::GONE,
        MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
        BodyTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
        UnsupportedEncoding | UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
        NotASession | BadRequest | InvalidJson | InvalidQuery | InvalidPath | InvalidPage
        | InvalidSet | InvalidGuard | InvalidApplyAt | TooLong => StatusCode::BAD_REQUEST,
        StaleRevision => StatusCode::PRECONDITION_FAILED,
        RevisionRequired => StatusCode::PRECONDITION_REQUIRED,
        GuardNotAcknowledged | NotCompleted | ChangedLater | RollbackConflict | Conflict
        | SchoolExists | SchoolInUse | GroupExists | NotQueued | NoMailbox => StatusCode::CONFLICT,
        UnsupportedVersion | InvalidChangeRequest | UnreadableFile | IdempotencyKeyReused
        | InvalidPassword | UnknownUser | UserTwice | NotActive | NotArchived | ManagedBySync
        | KeepActive | NotSamePerson | OutOfScope | InvalidRecord | DuplicateDistrictId
        | DuplicateEmail => StatusCode::UNPROCESSABLE_ENTITY,
        Busy | DatabaseUnavailable => StatusCode::SERVICE_UNAVAILABLE,
        Internal | Unreachable | BadResponse | Unknown => StatusCode::INTERNAL_SERVER_ERROR,
        _ => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

impl ApiError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> ApiError {
        ApiError {
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
        ApiError::new(ErrorCode::NotFound, "Not found.")
    }
    pub fn unauthorized() -> ApiError {
        ApiError::new(
            ErrorCode::Unauthorized,
            "Sign in again: the session is missing or has expired.",
        )
    }
    /// The server is at its bound of heavy work: try again shortly.
    pub fn busy() -> ApiError {
        ApiError::new(
            ErrorCode::Busy,
            "The server is busy with other imports; try again in a moment.",
        )
        .with(json!({"retry_after": 5}))
    }
    pub fn internal() -> ApiError {
        ApiError::new(ErrorCode::Internal, "Something went wrong on the server.")
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.code, self.message)
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        status_of(self.code)
    }
    fn error_response(&self) -> HttpResponse {
        let mut body = json!({"code": self.code, "message": self.message});
        if let (Some(b), Value::Object(d)) = (body.as_object_mut(), &self.details) {
            for (k, v) in d {
                b.insert(k.clone(), v.clone());
            }
        }
        let mut resp = HttpResponse::build(status_of(self.code));
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
                    ErrorCode::DatabaseUnavailable,
                    "The database cannot be reached right now; try again in a moment.",
                )
            }
            DbError::Query(diesel::result::Error::DatabaseError(
                diesel::result::DatabaseErrorKind::UniqueViolation,
                _,
            )) => ApiError::new(
                ErrorCode::Conflict,
                "Two users would share an email or a district ID; nothing was changed.",
            ),
            other => {
                tracing::error!(error = %other, "database error");
                ApiError::new(ErrorCode::Internal, "Something went wrong on the server.")
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
            ApplyError::Stale { current } => ApiError::new(ErrorCode::StaleRevision,
                "The roster changed since this plan was made: plan again.",
            )
            .with(json!({"current_revision": current})),
            ApplyError::WrongDistrict(_) => ApiError::not_found(),
            ApplyError::Verify(v) => v.into(),
            ApplyError::Db(d) => d.into(),
            ApplyError::KeyReused => ApiError::new(ErrorCode::IdempotencyKeyReused,
                "This Idempotency-Key was already used with another request: use a new key for a new request.",
            ),
            ApplyError::Unsealed => ApiError::internal(),
            ApplyError::Injected(_) => ApiError::new(ErrorCode::Internal,
                "Injected failure.",
            ),
        }
    }
}

/// A refused change request names the validator's code for the fault (`issue`), and the row
/// and field when it is one row's, so the browser can say it as its own validation would.
impl From<VerifyError> for ApiError {
    fn from(e: VerifyError) -> Self {
        let mut details = serde_json::Map::new();
        if let Some(issue) = e.issue() {
            details.insert("issue".into(), json!(issue));
        }
        if let VerifyError::InvalidRecord { row, field, .. } = &e {
            details.insert("row".into(), json!(row));
            details.insert("field".into(), json!(field));
        }
        ApiError::new(e.code(), e.to_string()).with(Value::Object(details))
    }
}

impl From<WireError> for ApiError {
    fn from(e: WireError) -> Self {
        let details = match e.issue() {
            Some(issue) => json!({"issue": issue}),
            None => Value::Null,
        };
        ApiError::new(e.code(), e.to_string()).with(details)
    }
}

impl From<RollbackError> for ApiError {
    fn from(e: RollbackError) -> Self {
        match e {
            RollbackError::NotFound(_) => ApiError::not_found(),
            RollbackError::NotCompleted(..) => {
                ApiError::new(ErrorCode::NotCompleted, e.to_string())
            }
            RollbackError::ChangedLater(users) => ApiError::new(
                ErrorCode::ChangedLater,
                "Later imports changed some of the same users: roll those back first.",
            )
            .with(json!({"users": users})),
            RollbackError::KeyClash {
                field,
                ref value,
                ref users,
            } => ApiError::new(ErrorCode::RollbackConflict, e.to_string())
                .with(json!({"field": field, "value": value, "users": users})),
            RollbackError::Db(d) => d.into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every code the API can carry answers with an error status, and the answer's body has
    /// the code's text.
    #[test]
    fn every_code_has_an_error_status_and_its_own_text() {
        for c in ErrorCode::ALL {
            let s = status_of(*c);
            assert!(s.is_client_error() || s.is_server_error(), "{c}: {s}");
            let e = ApiError::new(*c, "x");
            assert_eq!(e.status_code(), s);
            let body = serde_json::to_value(c).unwrap_or_default();
            assert_eq!(body.as_str(), Some(c.as_str()));
        }
        assert_eq!(
            status_of(ErrorCode::StaleRevision),
            StatusCode::PRECONDITION_FAILED
        );
        assert_eq!(
            status_of(ErrorCode::GuardNotAcknowledged),
            StatusCode::CONFLICT
        );
        assert_eq!(
            status_of(ErrorCode::InvalidRecord),
            StatusCode::UNPROCESSABLE_ENTITY
        );
    }
}
