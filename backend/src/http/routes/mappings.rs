//! Saved mappings, one per scope.

use super::prelude::*;

pub async fn get_mapping(
    state: web::Data<AppState>,
    caller: Caller,
    scope: web::Path<String>,
) -> Result<HttpResponse> {
    let (d, scope) = (caller.district, scope.into_inner());
    match db!(state, |c| Ok(c.saved_mapping(d, &scope)?)) {
        Some(m) => Ok(HttpResponse::Ok().json(m)),
        None => Err(ApiError::not_found()),
    }
}

pub async fn put_mapping(
    state: web::Data<AppState>,
    caller: Caller,
    scope: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse> {
    let (d, scope) = (caller.district, scope.into_inner());
    let mapping: SavedMapping = parse_json(&body)?;
    let text = serde_json::to_string(&mapping).map_err(|_| ApiError::internal())?;
    db!(state, |c| Ok(c.put_mapping(d, &scope, &text)?));
    Ok(HttpResponse::NoContent().finish())
}
