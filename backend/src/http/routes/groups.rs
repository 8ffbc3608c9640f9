//! The district's groups (Classworks' custom groups): listed with their sizes, created,
//! renamed, removed (their users stay), and their members listed, added and removed one by one.

use std::collections::HashMap;

use rollcall_shared::api::{GroupInfo, GroupName};

use super::prelude::*;
use super::users::users_page;
use crate::db::Backend;

fn exists(name: &str) -> ApiError {
    ApiError::new(
        ErrorCode::GroupExists,
        format!("The district already has a group named `{name}`."),
    )
}

/// Every group (with its size when asked: `?counts=true`).
pub async fn groups(
    state: web::Data<AppState>,
    caller: Caller,
    q: web::Query<super::CountsQuery>,
) -> Result<HttpResponse> {
    let (d, with_counts) = (caller.district, q.counts);
    let (groups, sizes) = db!(state, |c| Ok((
        c.groups(d)?,
        match with_counts {
            true => c.group_sizes(d)?,
            false => vec![],
        }
    )));
    let sizes: HashMap<i64, i64> = sizes.into_iter().collect();
    Ok(HttpResponse::Ok().json(
        groups
            .into_iter()
            .map(|(id, name)| GroupInfo {
                members: sizes.get(&id).map_or(0, |n| (*n).max(0) as u64),
                id,
                name,
            })
            .collect::<Vec<_>>(),
    ))
}

pub async fn create_group(
    state: web::Data<AppState>,
    caller: Caller,
    body: web::Bytes,
) -> Result<HttpResponse> {
    let name = parse_json::<GroupName>(&body)?.name.to_string();
    let d = caller.district;
    let n2 = name.clone();
    let id = db!(state, |c| c.write_txn(d, |c| {
        if c.group_named(d, &n2)?.is_some() {
            return Ok(Err(exists(&n2)));
        }
        Ok(Ok(c.create_group(d, &n2)?))
    })?);
    Ok(HttpResponse::Created().json(GroupInfo {
        id,
        name,
        members: 0,
    }))
}

pub async fn patch_group(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
    body: web::Bytes,
) -> Result<HttpResponse> {
    let name = parse_json::<GroupName>(&body)?.name.to_string();
    let (d, id) = (caller.district, id.into_inner());
    let n2 = name.clone();
    db!(state, |c| c.write_txn(d, |c| {
        if c.group(d, id)?.is_none() {
            return Ok(Err(ApiError::not_found()));
        }
        if c.group_named(d, &n2)?.is_some_and(|other| other != id) {
            return Ok(Err(exists(&n2)));
        }
        c.rename_group(d, id, &n2)?;
        Ok(Ok(()))
    })?);
    let members = db!(state, |c| Ok(c.group_size(d, id)?)).max(0) as u64;
    Ok(HttpResponse::Ok().json(GroupInfo { id, name, members }))
}

pub async fn delete_group(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
) -> Result<HttpResponse> {
    let (d, id) = (caller.district, id.into_inner());
    db!(state, |c| c.write_txn(d, |c| {
        if c.group(d, id)?.is_none() {
            return Ok(Err(ApiError::not_found()));
        }
        c.delete_group(d, id)?;
        Ok(Ok(()))
    })?);
    Ok(HttpResponse::NoContent().finish())
}

pub async fn group_members(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
    q: web::Query<UserFilter>,
) -> Result<HttpResponse> {
    let (d, id) = (caller.district, id.into_inner());
    if db!(state, |c| Ok(c.group(d, id)?)).is_none() {
        return Err(ApiError::not_found());
    }
    let f = UserFilter {
        group: Some(id),
        ..q.into_inner()
    };
    Ok(HttpResponse::Ok().json(users_page(&state, d, f).await?))
}

/// Adds an active user of the district to a group (again: no change).
pub async fn add_member(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(i64, i64)>,
) -> Result<HttpResponse> {
    let (d, (id, user)) = (caller.district, path.into_inner());
    db!(state, |c| c.write_txn(d, |c| {
        let found = c.users_by_ids(d, &[user])?.into_iter().next();
        match (c.group(d, id)?, found) {
            (Some(_), Some(u)) if u.status == "active" => {
                c.add_members(d, id, &[user])?;
                Ok(Ok(()))
            }
            (Some(_), Some(_)) => Ok(Err(ApiError::new(
                ErrorCode::NotActive,
                "The user is archived: restore them before adding them to a group.",
            ))),
            _ => Ok(Err(ApiError::not_found())),
        }
    })?);
    Ok(HttpResponse::NoContent().finish())
}

pub async fn remove_member(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(i64, i64)>,
) -> Result<HttpResponse> {
    let (d, (id, user)) = (caller.district, path.into_inner());
    db!(state, |c| c.write_txn(d, |c| {
        match c.remove_member(d, id, user)? {
            true => Ok(Ok(())),
            false => Ok(Err(ApiError::not_found())),
        }
    })?);
    Ok(HttpResponse::NoContent().finish())
}
