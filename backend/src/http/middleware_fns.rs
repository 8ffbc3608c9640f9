//! What every response and request goes through: compressed request bodies refused (a few
//! hundred KB of gzip can inflate to gigabytes before any check), security headers on every
//! answer, and the API's answers uncached and, when they are errors, JSON with a stable code.

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderValue};
use actix_web::http::StatusCode;
use actix_web::middleware::{DefaultHeaders, Next};
use actix_web::{Error, HttpResponse};
use rollcall_shared::error_code::ErrorCode;
use serde_json::json;

/// The page's policy: its own scripts and the wasm module they instantiate
/// (`'wasm-unsafe-eval'`), its worker, its styles, and calls to its own origin; no frames, no
/// plugins, no foreign forms.
pub const CSP: &str = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; \
    worker-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; \
    connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; \
    form-action 'self'; frame-ancestors 'none'";

pub fn security_headers() -> DefaultHeaders {
    DefaultHeaders::new()
        .add((header::CONTENT_SECURITY_POLICY, CSP))
        .add((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .add((header::X_FRAME_OPTIONS, "DENY"))
        .add((header::REFERRER_POLICY, "no-referrer"))
        .add(("cross-origin-opener-policy", "same-origin"))
}

fn json_error(status: StatusCode, code: ErrorCode, message: &str) -> HttpResponse {
    HttpResponse::build(status)
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .json(json!({"code": code, "message": message}))
}

/// A request body sent compressed is refused (415) before anything inflates it.
pub async fn refuse_encoded_bodies(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    let encoded = req.headers().get_all(header::CONTENT_ENCODING).any(|v| {
        !v.to_str()
            .is_ok_and(|v| v.trim().eq_ignore_ascii_case("identity"))
    });
    if encoded {
        let resp = json_error(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ErrorCode::UnsupportedEncoding,
            "Request bodies are taken uncompressed: send it without Content-Encoding.",
        );
        return Ok(req.into_response(resp));
    }
    Ok(next.call(req).await?.map_into_boxed_body())
}

/// The stable code of an error answer that did not come from `ApiError` (the router's 404 and
/// 405, a body over its limit, a framework error).
fn code_for(status: StatusCode) -> (ErrorCode, &'static str) {
    match status {
        StatusCode::NOT_FOUND => (ErrorCode::NotFound, "Not found."),
        StatusCode::METHOD_NOT_ALLOWED => (
            ErrorCode::MethodNotAllowed,
            "This address does not take that method.",
        ),
        StatusCode::PAYLOAD_TOO_LARGE => (
            ErrorCode::BodyTooLarge,
            "The request body is larger than this address accepts.",
        ),
        StatusCode::UNSUPPORTED_MEDIA_TYPE => (
            ErrorCode::UnsupportedMediaType,
            "The request body's type is not accepted here.",
        ),
        StatusCode::UNAUTHORIZED => (
            ErrorCode::Unauthorized,
            "Sign in again: the session is missing or has expired.",
        ),
        s if s.is_server_error() => (ErrorCode::Internal, "Something went wrong on the server."),
        _ => (ErrorCode::BadRequest, "The request is not valid."),
    }
}

/// Under `/api/`: `Cache-Control: no-store` on every answer (they carry student data), and
/// every error answer is JSON `{code, message}`.
pub async fn api_answers(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    if !req.path().starts_with("/api/") {
        return Ok(next.call(req).await?.map_into_boxed_body());
    }
    let mut res = match next.call(req).await {
        Ok(res) => res.map_into_boxed_body(),
        Err(e) => {
            // Errors that escaped as `Err` become answers here, in the same shape.
            let status = e.as_response_error().status_code();
            let (code, message) = code_for(status);
            return Err(actix_web::error::InternalError::from_response(
                e.to_string(),
                json_error(status, code, message),
            )
            .into());
        }
    };
    let status = res.status();
    let is_json = res
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    if (status.is_client_error() || status.is_server_error()) && !is_json {
        let (code, message) = code_for(status);
        let (req, _) = res.into_parts();
        res = ServiceResponse::new(req, json_error(status, code, message));
    }
    res.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(res)
}
