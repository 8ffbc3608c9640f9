//! Mail sent, or that would be sent.

use rollcall_shared::api::Mail;

use super::prelude::*;

pub async fn outbox(state: web::Data<AppState>, caller: Caller) -> Result<HttpResponse> {
    let d = caller.district;
    let rows = db!(state, |c| Ok(c.outbox(d)?));
    let mails: Vec<Mail> = rows
        .into_iter()
        .map(|m| Mail {
            id: m.id,
            to_addr: m.to_addr,
            subject: m.subject,
            body: m.body,
            created_at: m.created_at,
            sent_at: m.sent_at,
        })
        .collect();
    Ok(HttpResponse::Ok().json(mails))
}
