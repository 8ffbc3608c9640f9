//! Imports: submitting a planned change request, the history, one import's detail and
//! download, rolling back.

use rollcall_shared::api::{ArchivedUser, CreatedUser, ImportDetail, RestoredUser, UpdatedUser};

use rollcall_shared::plan::UserData;

use super::prelude::*;

/// Submit a change request planned in the browser.
pub async fn submit(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    body: web::Bytes,
) -> Result<HttpResponse> {
    let _permit = state.heavy_permit().await?;
    let mut cr = web::block(move || ChangeRequest::from_json(&body))
        .await?
        .map_err(ApiError::from)?;
    // What the caller's token speaks for, never what the body says (it cannot say it).
    cr.options.source = caller.sync;
    let sealed = seal(cr).await?;
    let key = idempotency_key(&req);
    // The key is bound to the request as sent, passwords aside (none is kept, even hashed fast).
    let fp = match &key {
        Some(_) => Some(fingerprint(&[sealed
            .redacted()
            .to_json()
            .map_err(|_| ApiError::internal())?
            .as_bytes()])),
        None => None,
    };
    let (status, import) = do_submit(
        &state,
        &caller,
        sealed,
        "upload",
        key,
        fp,
        if_match(&req),
        link_base(&state, &req),
    )
    .await?;
    Ok(HttpResponse::build(status).json(ImportAnswer {
        import: import_json(&import.meta)?,
    }))
}

pub async fn imports(state: web::Data<AppState>, caller: Caller) -> Result<HttpResponse> {
    let d = caller.district;
    let rows = db!(state, |c| Ok(c.imports(d)?));
    Ok(HttpResponse::Ok().json(rows.iter().map(import_json).collect::<Result<Vec<_>>>()?))
}

fn user_key(d: &rollcall_shared::plan::UserData) -> String {
    d.key()
}

/// A user an import updated: as before it, and after its changes (`None` when the user's
/// before-image is gone).
fn updated(
    before: &std::collections::HashMap<i64, UserData>,
    u: &rollcall_shared::wire::UserUpdate,
) -> Option<(UserData, UserData)> {
    let old = before.get(&u.id.0)?.clone();
    let mut new = old.clone();
    for ch in &u.changes {
        new.apply(ch);
    }
    Some((old, new))
}

/// The request an import stored; one that does not read back is an error (logged), not "none".
fn stored_request(import: &ImportRow) -> Result<SealedRequest> {
    import.sealed_request().map_err(|e| {
        tracing::error!(import = import.meta.number.0, error = %e, "unreadable stored request");
        ApiError::internal()
    })
}

/// The users as they were before an import, by user id.
fn before_images(
    changes: &[crate::db::models::ChangeRow],
) -> Result<std::collections::HashMap<i64, UserData>> {
    let mut out = std::collections::HashMap::new();
    for c in changes {
        if let Some(row) = c.before_row()? {
            out.insert(c.user_id, row.data()?);
        }
    }
    Ok(out)
}

/// One import of the district and the before-images of the users it touched (404 if another
/// district's or none).
async fn import_with_before_images(
    state: &web::Data<AppState>,
    d: DistrictId,
    n: ImportNo,
) -> Result<(ImportRow, std::collections::HashMap<i64, UserData>)> {
    let (import, changes) = db!(state, |c| {
        let Some(i) = c.import(d, n)? else {
            return Err(ApiError::not_found());
        };
        Ok((i, c.changes(d, n)?))
    });
    Ok((import, before_images(&changes)?))
}

/// An import with every change: creates, updates (old → new, from the before-images),
/// archives and restores.
pub async fn import_detail(
    state: web::Data<AppState>,
    caller: Caller,
    number: web::Path<ImportNo>,
) -> Result<HttpResponse> {
    let (d, n) = (caller.district, number.into_inner());
    let (import, before) = import_with_before_images(&state, d, n).await?;
    // A stored request that does not read back (never written by this version) shows the
    // import without its lists rather than failing the page.
    let req = stored_request(&import).ok();
    let run_at_local = match (import.meta.status()?, import.meta.run_at) {
        (rollcall_shared::api::ImportStatus::Queued, Some(at)) => {
            Some(db!(state, |c| Ok(c.district(d)?.local_time(at)?)))
        }
        _ => None,
    };
    let mut detail = ImportDetail {
        run_at_local,
        summary: import_json(&import.meta)?,
        creates: vec![],
        updates: vec![],
        archives: vec![],
        restores: vec![],
    };
    if let Some(r) = &req {
        detail.creates = r
            .creates
            .iter()
            .map(|c| CreatedUser {
                key: user_key(&c.data),
                first_name: c.data.first_name.to_string(),
                last_name: c.data.last_name.to_string(),
                role: c.data.role,
                school: c.data.school.to_string(),
            })
            .collect();
        for u in &r.updates {
            let pair = updated(&before, u);
            let mut changes = std::collections::BTreeMap::new();
            for ch in &u.changes {
                let f = ch.field();
                let o = pair.as_ref().and_then(|(o, _)| o.display(f));
                let nv = if f == Field::Password {
                    Some("(new password)".into())
                } else {
                    pair.as_ref().and_then(|(_, n)| n.display(f))
                };
                changes.insert(f.name().to_owned(), [o, nv]);
            }
            let old = pair.map(|(o, _)| o);
            detail.updates.push(UpdatedUser {
                id: u.id,
                key: old.as_ref().map(user_key),
                changes,
            });
        }
        let key_of = |id: &UserId| before.get(&id.0).map(user_key);
        detail.archives = r
            .archives
            .iter()
            .map(|a| ArchivedUser {
                id: a.id,
                key: key_of(&a.id),
                reason: a.reason,
            })
            .collect();
        detail.restores = r
            .restores
            .iter()
            .map(|id| RestoredUser {
                id: *id,
                key: key_of(id),
            })
            .collect();
    }
    Ok(HttpResponse::Ok().json(detail))
}

/// The imported data as a CSV in import format: the created and changed users as imported.
pub async fn import_download(
    state: web::Data<AppState>,
    caller: Caller,
    number: web::Path<ImportNo>,
) -> Result<HttpResponse> {
    let (d, n) = (caller.district, number.into_inner());
    let (import, before) = import_with_before_images(&state, d, n).await?;
    let req = stored_request(&import)?;
    let mut roster = rollcall_shared::plan::Roster::default();
    let mut id = 0;
    let mut push = |data: rollcall_shared::plan::UserData| {
        id += 1;
        roster.users.push(rollcall_shared::plan::RosterUser {
            id: UserId(id),
            data,
            status: rollcall_shared::plan::UserStatus::Active,
            managed_by: None,
            keep_active: false,
        });
    };
    for c in &req.creates {
        push(c.data.clone());
    }
    for (_, new) in req.updates.iter().filter_map(|u| updated(&before, u)) {
        push(new);
    }
    let csv = rollcall_shared::write::master_csv(&roster);
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"import-{n}.csv\""),
        ))
        .body(csv))
}

pub async fn rollback(
    state: web::Data<AppState>,
    caller: Caller,
    number: web::Path<ImportNo>,
) -> Result<HttpResponse> {
    let (d, n) = (caller.district, number.into_inner());
    let import = db!(state, |c| Ok(apply::rollback(c, d, n)?));
    Ok(HttpResponse::Ok().json(ImportAnswer {
        import: import_json(&import.meta)?,
    }))
}

/// Cancels a queued import before its time (under the district's write lock, so the job runner
/// either has not taken it, or has and it is no longer queued).
pub async fn cancel(
    state: web::Data<AppState>,
    caller: Caller,
    number: web::Path<ImportNo>,
) -> Result<HttpResponse> {
    use crate::db::Backend;
    use rollcall_shared::api::ImportStatus;
    let (d, n) = (caller.district, number.into_inner());
    let import = db!(state, |c| c.write_txn(d, |c| {
        let Some(mut i) = c.import(d, n)? else {
            return Ok(Err(ApiError::not_found()));
        };
        if i.status()? != ImportStatus::Queued {
            return Ok(Err(ApiError::new(
                ErrorCode::NotQueued,
                format!(
                    "Import #{n} is {}: only a queued import can be cancelled.",
                    i.meta.status
                ),
            )));
        }
        i.set_status(ImportStatus::Cancelled);
        i.meta.completed_at = Some(now_ms());
        c.update_import(&i)?;
        Ok(Ok(i))
    })?);
    Ok(HttpResponse::Ok().json(ImportAnswer {
        import: import_json(&import.meta)?,
    }))
}
