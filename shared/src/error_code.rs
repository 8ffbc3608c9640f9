//! Every error code an answer of the API carries: one enum, serialized as the stable
//! snake_case code scripts match on, read by the browser as the same type. The server decides
//! each code's HTTP status in one match (`backend::http::error`).

use serde::{Deserialize, Serialize};

macro_rules! codes {
    ($( $(#[$doc:meta])* $v:ident = $s:literal, )*) => {
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        #[non_exhaustive]
        pub enum ErrorCode {
            $( $(#[$doc])* $v, )*
            /// A code this build does not know (a newer server): read, never written.
            #[serde(other)]
            Unknown,
        }

        impl ErrorCode {
            pub const ALL: &'static [ErrorCode] = &[$(ErrorCode::$v),*];

            pub fn as_str(self) -> &'static str {
                match self {
                    $( ErrorCode::$v => $s, )*
                    ErrorCode::Unknown => "unknown",
                }
            }
        }
    };
}

codes! {
    // Who is calling.
    Unauthorized = "unauthorized",
    BadCredentials = "bad_credentials",
    TooManyAttempts = "too_many_attempts",
    NotASession = "not_a_session",
    AdminOnly = "admin_only",
    // The request's shape.
    BadRequest = "bad_request",
    InvalidJson = "invalid_json",
    InvalidQuery = "invalid_query",
    InvalidPath = "invalid_path",
    InvalidPage = "invalid_page",
    InvalidSet = "invalid_set",
    InvalidGuard = "invalid_guard",
    InvalidApplyAt = "invalid_apply_at",
    InvalidPassword = "invalid_password",
    TooLong = "too_long",
    BodyTooLarge = "body_too_large",
    UnsupportedEncoding = "unsupported_encoding",
    UnsupportedMediaType = "unsupported_media_type",
    MethodNotAllowed = "method_not_allowed",
    NotFound = "not_found",
    // A change request or a file.
    UnsupportedVersion = "unsupported_version",
    InvalidChangeRequest = "invalid_change_request",
    UnreadableFile = "unreadable_file",
    StaleRevision = "stale_revision",
    /// An edit without `If-Match`: the revision it was made against.
    RevisionRequired = "revision_required",
    GuardNotAcknowledged = "guard_not_acknowledged",
    IdempotencyKeyReused = "idempotency_key_reused",
    // The server's verification.
    UnknownUser = "unknown_user",
    UserTwice = "user_twice",
    NotActive = "not_active",
    NotArchived = "not_archived",
    ManagedBySync = "managed_by_sync",
    KeepActive = "keep_active",
    NotSamePerson = "not_same_person",
    OutOfScope = "out_of_scope",
    InvalidRecord = "invalid_record",
    DuplicateDistrictId = "duplicate_district_id",
    DuplicateEmail = "duplicate_email",
    // The district's record.
    SchoolExists = "school_exists",
    SchoolInUse = "school_in_use",
    GroupExists = "group_exists",
    // Set-password links.
    LinkInvalid = "link_invalid",
    LinkUsed = "link_used",
    LinkExpired = "link_expired",
    NotQueued = "not_queued",
    /// A set-password link asked for a user it cannot reach (archived, no email, or no public
    /// address to link to).
    NoMailbox = "no_mailbox",
    // Rolling back.
    NotCompleted = "not_completed",
    ChangedLater = "changed_later",
    RollbackConflict = "rollback_conflict",
    // The server.
    Conflict = "conflict",
    Busy = "busy",
    DatabaseUnavailable = "database_unavailable",
    Internal = "internal",
    // Said by the browser itself.
    Unreachable = "unreachable",
    BadResponse = "bad_response",
}

impl std::fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    use super::ErrorCode;

    #[test]
    fn every_code_is_its_own_text_both_ways() {
        for c in ErrorCode::ALL {
            let json = serde_json::to_string(c).unwrap_or_default();
            assert_eq!(json, format!("\"{}\"", c.as_str()));
            assert_eq!(serde_json::from_str::<ErrorCode>(&json).ok(), Some(*c));
        }
        assert_eq!(
            serde_json::from_str::<ErrorCode>("\"from_the_future\"").ok(),
            Some(ErrorCode::Unknown)
        );
    }
}
