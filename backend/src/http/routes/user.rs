//! One user: read in full, edited by an admin, archived or restored, and its history. Every
//! edit is a change request of type `manual` through the submit every import takes: the same
//! rules, a revision bumped, a line in the history, a rollback like any import's.

use std::collections::BTreeSet;

use rollcall_shared::api::GroupInfo;
use rollcall_shared::console::{diff, UserAction, UserDetail, UserEvent, UserHistory, UserPatch};
use rollcall_shared::plan::Change;
use rollcall_shared::wire::{Archive, ArchiveReason, KeepActive, UserUpdate, SCHEMA_VERSION};

use super::prelude::*;
use crate::db::models::{ChangeRow, UserRow};
use crate::db::Backend;

/// The user with id `id` of the district, with the district's revision (404 if none).
async fn user_and_revision(
    state: &web::Data<AppState>,
    d: DistrictId,
    id: UserId,
) -> Result<(UserRow, crate::db::models::DistrictRow)> {
    Ok(db!(state, |c| {
        let Some(u) = c.user(d, id.0)? else {
            return Err(ApiError::not_found());
        };
        Ok((u, c.district(d)?))
    }))
}

pub async fn user_detail(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<UserId>,
) -> Result<HttpResponse> {
    let (d, id) = (caller.district, id.into_inner());
    let (row, groups, revision) = db!(state, |c| {
        let Some(u) = c.user(d, id.0)? else {
            return Err(ApiError::not_found());
        };
        Ok((u, c.user_groups(d, id.0)?, c.district(d)?.revision))
    });
    let user = row.to_roster_user()?;
    Ok(HttpResponse::Ok()
        .insert_header((header::ETAG, format!("\"{revision}\"")))
        .json(UserDetail {
            id,
            data: user.data,
            status: user.status,
            managed_by: user.managed_by,
            keep_active: user.keep_active,
            has_password: row.password_hash.is_some(),
            groups: groups
                .into_iter()
                .map(|(id, name)| GroupInfo {
                    id,
                    name,
                    members: 0,
                })
                .collect(),
            updated_at: row.updated_at,
            revision: revision.max(0) as u64,
        }))
}

/// What a manual edit asks for, besides the user.
#[derive(Default)]
struct Edit {
    changes: Vec<Change>,
    archive: bool,
    restore: bool,
    keep_active: Option<bool>,
    description: &'static str,
}

/// Submits `edit` of user `id` as a `manual` import against `revision` (the caller's
/// `If-Match`, else the district's current one).
async fn submit_edit(
    state: &web::Data<AppState>,
    caller: &Caller,
    id: UserId,
    revision: Option<u64>,
    edit: Edit,
) -> Result<HttpResponse> {
    let (row, district) = user_and_revision(state, caller.district, id).await?;
    let user = row.to_roster_user()?;
    let base = revision.unwrap_or(district.revision.max(0) as u64);
    let mut scopes: BTreeSet<rollcall_shared::fields::Scope> = BTreeSet::new();
    scopes.insert(user.data.scope.clone());
    for c in &edit.changes {
        if let Change::Scope(s) = c {
            scopes.insert(s.clone());
        }
    }
    let mapped: Vec<Field> = edit.changes.iter().map(Change::field).collect();
    let req = ChangeRequest {
        version: SCHEMA_VERSION,
        district: district.short_name.clone(),
        scope: user.data.scope.clone(),
        scopes: scopes.into_iter().collect(),
        base_revision: base,
        description: Some(edit.description.to_owned()),
        options: Options::default(),
        mapped,
        acknowledged_guard: false,
        creates: vec![],
        updates: match edit.changes.is_empty() {
            true => vec![],
            false => vec![UserUpdate {
                id,
                row: 0,
                changes: edit.changes,
            }],
        },
        archives: match edit.archive {
            true => vec![Archive {
                id,
                reason: ArchiveReason::Manual,
            }],
            false => vec![],
        },
        restores: match edit.restore {
            true => vec![id],
            false => vec![],
        },
        members: vec![],
        merges: vec![],
        keep_active: edit
            .keep_active
            .filter(|k| *k != user.keep_active)
            .map(|k| KeepActive { id, keep_active: k })
            .into_iter()
            .collect(),
    };
    let sealed = seal(req).await?;
    let (_, import) = do_submit(
        state,
        caller,
        sealed,
        "manual",
        None,
        None,
        Some(base),
        None,
    )
    .await?;
    Ok(HttpResponse::Ok().json(ImportAnswer {
        import: import_json(&import.meta)?,
    }))
}

/// An admin's edit: field changes by the rules a file row meets, and "keep active".
/// `If-Match: <revision>` (from `GET /api/users/{id}`) is required: an edit made on a page
/// read before another change is refused (412), never silently merged.
pub async fn patch_user(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<UserId>,
    req: HttpRequest,
    body: web::Bytes,
) -> Result<HttpResponse> {
    let id = id.into_inner();
    let Some(revision) = if_match(&req) else {
        // Another district's user is not found, with or without the header.
        user_and_revision(&state, caller.district, id).await?;
        return Err(ApiError::new(
            ErrorCode::RevisionRequired,
            "Send `If-Match` with the revision the user was read at (GET /api/users/{id}).",
        ));
    };
    let patch: UserPatch = parse_json(&body)?;
    let mut fields = BTreeSet::new();
    for c in &patch.changes {
        if c.field() == Field::Password {
            return Err(ApiError::new(
                ErrorCode::BadRequest,
                "A password is chosen by its person: send them a set-password link instead.",
            ));
        }
        if !fields.insert(c.field()) {
            return Err(ApiError::new(
                ErrorCode::BadRequest,
                format!("`{}` is changed twice.", c.field().name()),
            ));
        }
    }
    if patch.changes.is_empty() && patch.keep_active.is_none() {
        return Err(ApiError::new(ErrorCode::BadRequest, "Nothing to change."));
    }
    let edit = Edit {
        changes: patch.changes,
        keep_active: patch.keep_active,
        description: "Edited on the user's page",
        ..Edit::default()
    };
    submit_edit(&state, &caller, id, Some(revision), edit).await
}

/// Archives (or, with `restore`, restores) the user: a manual import of one status change.
async fn status_edit(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<UserId>,
    req: HttpRequest,
    restore: bool,
) -> Result<HttpResponse> {
    let edit = Edit {
        archive: !restore,
        restore,
        description: match restore {
            true => "Restored on the user's page",
            false => "Archived on the user's page",
        },
        ..Edit::default()
    };
    submit_edit(&state, &caller, id.into_inner(), if_match(&req), edit).await
}

pub async fn archive_user(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<UserId>,
    req: HttpRequest,
) -> Result<HttpResponse> {
    status_edit(state, caller, id, req, false).await
}

pub async fn restore_user(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<UserId>,
    req: HttpRequest,
) -> Result<HttpResponse> {
    status_edit(state, caller, id, req, true).await
}

/// Sends the user a new set-password link (older unused links stop working). The link leads
/// to the district's public address, else the server's, else the admin's own browser origin.
pub async fn send_password_link(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<UserId>,
    req: HttpRequest,
) -> Result<HttpResponse> {
    let (d, id) = (caller.district, id.into_inner());
    let door = link_base(&state, &req);
    let to = db!(state, |c| c.write_txn(d, |c| {
        let Some(u) = c.user(d, id.0)? else {
            return Ok(Err(ApiError::not_found()));
        };
        let district = c.district(d)?;
        let (Some(email), "active") = (u.email.clone(), u.status.as_str()) else {
            return Ok(Err(ApiError::new(
                ErrorCode::NoMailbox,
                "Only an active user with an email can be sent a link.",
            )));
        };
        let Some(base) = district.public_url.clone().or(door.clone()) else {
            return Ok(Err(ApiError::new(
                ErrorCode::NoMailbox,
                "Rollcall does not know its public address: set it on the Settings page.",
            )));
        };
        let now = db::now_ms();
        c.burn_links_of(d, id.0, now)?;
        let intro = format!(
            "your administrator sent you a link to choose your password in {}",
            district.name
        );
        let body = crate::db::notices::password_link_body(
            c,
            &district,
            id.0,
            &u.first_name,
            &intro,
            &base,
            now,
        )?;
        c.insert_mail(d, &email, "Choose your password", &body, false)?;
        Ok(Ok(email))
    })?);
    Ok(HttpResponse::Accepted().json(json!({ "sent_to": to })))
}

fn state_of(row: &UserRow) -> Result<rollcall_shared::console::UserState> {
    let u = row.to_roster_user()?;
    Ok(rollcall_shared::console::UserState {
        data: u.data,
        status: u.status,
        keep_active: u.keep_active,
    })
}

fn image(ch: &ChangeRow) -> Result<Option<UserRow>> {
    Ok(ch.before_row()?)
}

/// Every import and manual edit that touched the user, field by field, newest first. The
/// state after an import is the next one's before-image, or the user as it is now, or (for a
/// rolled-back import) the row it left, kept at the rollback.
pub async fn user_history(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<UserId>,
) -> Result<HttpResponse> {
    let (d, id) = (caller.district, id.into_inner());
    let (current, changes, imports) = db!(state, |c| {
        let Some(u) = c.user(d, id.0)? else {
            return Err(ApiError::not_found());
        };
        let changes = c.user_changes(d, id.0)?;
        let numbers: Vec<i64> = changes.iter().map(|ch| ch.import_number.0).collect();
        Ok((u, changes, c.imports_of_user(d, id.0, &numbers)?))
    });
    let now = state_of(&current)?;
    let befores = changes
        .iter()
        .map(|ch| Ok((ch.import_number.0, image(ch)?)))
        .collect::<Result<Vec<_>>>()?;
    let mut events = Vec::new();
    for import in &imports {
        let n = import.number.0;
        let change = changes.iter().find(|ch| ch.import_number.0 == n);
        let before = match change.map(image).transpose()?.flatten() {
            Some(r) => Some(state_of(&r)?),
            None => None,
        };
        let kept_after = change
            .and_then(|ch| ch.after_image.as_deref())
            .map(serde_json::from_str::<UserRow>)
            .transpose()
            .map_err(|e| {
                tracing::error!(import = n, error = %e, "unreadable after-image");
                ApiError::internal()
            })?;
        let after = match kept_after {
            Some(r) => state_of(&r)?,
            // The next import's before-image (only imports with a change row hold one).
            None => match befores
                .iter()
                .filter(|(m, _)| *m > n)
                .find_map(|(_, r)| r.as_ref())
            {
                Some(r) => state_of(r)?,
                None => now.clone(),
            },
        };
        let mut actions: Vec<UserAction> = match change {
            Some(ch) => ch
                .action
                .split('+')
                .filter_map(UserAction::from_stored)
                .collect(),
            None => vec![UserAction::Created],
        };
        actions.dedup();
        events.push(UserEvent {
            import: n,
            kind: import.kind.clone(),
            status: import.status()?,
            submitted_by: import.submitted_by.clone(),
            at: import.completed_at.unwrap_or(import.submitted_at),
            actions,
            changes: diff(before.as_ref(), &after),
        });
    }
    events.reverse();
    Ok(HttpResponse::Ok().json(UserHistory { events }))
}
