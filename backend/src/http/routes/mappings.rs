//! Saved mappings, one per scope.

use super::prelude::*;

pub async fn get_mapping(
    state: web::Data<AppState>,
    caller: Caller,
    scope: web::Path<String>,
) -> Result<HttpResponse> {
    let (d, scope) = (caller.district, scope.into_inner());
    let m = db!(state, |c| Ok(c.mapping(d, &scope)?));
    match m.and_then(|m| serde_json::from_str::<Value>(&m).ok()) {
        Some(v) => Ok(HttpResponse::Ok().json(v)),
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
