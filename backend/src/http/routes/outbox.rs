//! Mail sent, or that would be sent.

use super::prelude::*;

pub async fn outbox(state: web::Data<AppState>, caller: Caller) -> Result<HttpResponse> {
    let d = caller.district;
    let rows = db!(state, |c| Ok(c.outbox(d)?));
    Ok(HttpResponse::Ok().json(rows))
}
