//! The roster snapshot the browser plans against.

use super::prelude::*;

fn etag(rev: i64) -> String {
    format!("\"{rev}\"")
}

/// The roster snapshot, in the planner's compact encoding, with its revision as a strong ETag.
/// Encoded once per revision and kept in memory.
pub async fn roster(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
) -> Result<HttpResponse> {
    let d = caller.district;
    let seen = req
        .headers()
        .get(header::IF_NONE_MATCH)
        .and_then(|h| h.to_str().ok())
        .map(str::to_owned);
    let rev = db!(state, |c| Ok(c.district(d)?.revision));
    if seen.as_deref() == Some(etag(rev).as_str()) {
        return Ok(HttpResponse::NotModified()
            .insert_header((header::ETAG, etag(rev)))
            .finish());
    }
    let gzip = req
        .headers()
        .get(header::ACCEPT_ENCODING)
        .and_then(|h| h.to_str().ok())
        .is_some_and(|h| h.split(',').any(|e| e.trim().starts_with("gzip")));
    let cached = state
        .snapshots
        .lock()
        .ok()
        .and_then(|m| m.get(&d).filter(|(r, _)| *r == rev).map(|(_, b)| b.clone()));
    let (rev, body) = match cached {
        Some(b) => (rev, b),
        None => {
            let _permit = state.heavy_permit().await?;
            let (rev, bytes) = db!(state, |c| {
                use crate::db::Backend;
                c.read_txn(|c| {
                    let dist = c.district(d)?;
                    Ok((dist.revision, codec::encode(&c.roster(&dist)?)))
                })
                .map_err(ApiError::from)
            });
            // Compressed once per revision (fast level: the columns compress well anyway).
            let gz = web::block(move || -> std::io::Result<_> {
                use std::io::Write;
                let mut e = flate2::write::GzEncoder::new(
                    Vec::with_capacity(bytes.len() / 4),
                    flate2::Compression::fast(),
                );
                e.write_all(&bytes)?;
                Ok(web::Bytes::from(e.finish()?))
            })
            .await?
            .map_err(|e| {
                tracing::error!(error = %e, "compressing the roster snapshot");
                ApiError::internal()
            })?;
            if let Ok(mut m) = state.snapshots.lock() {
                m.insert(d, (rev, gz.clone()));
            }
            (rev, gz)
        }
    };
    let mut resp = HttpResponse::Ok();
    resp.insert_header((header::ETAG, etag(rev)))
        .insert_header((header::CACHE_CONTROL, "private, no-cache"))
        .insert_header((header::VARY, "accept-encoding"))
        .content_type("application/vnd.rollcall.roster");
    if gzip {
        return Ok(resp
            .insert_header((header::CONTENT_ENCODING, "gzip"))
            .body(body));
    }
    let raw = web::block(move || -> std::io::Result<Vec<u8>> {
        use std::io::Read;
        let mut out = Vec::new();
        flate2::read::GzDecoder::new(&body[..]).read_to_end(&mut out)?;
        Ok(out)
    })
    .await?
    .map_err(|e| {
        tracing::error!(error = %e, "inflating the roster snapshot");
        ApiError::internal()
    })?;
    Ok(resp.body(raw))
}
