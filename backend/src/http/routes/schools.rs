//! The district's schools: listed with their active users, added, renamed, given a new SIS
//! code (the school's users move with it, as one change of the roster), removed when no active
//! user is left at them.

use std::collections::HashMap;

use rollcall_shared::api::{NewSchool, SchoolInfo, SchoolPatch};

use super::prelude::*;
use crate::db::Backend;

fn exists(code: &str) -> ApiError {
    ApiError::new(
        ErrorCode::SchoolExists,
        format!("The district already has a school with SIS code `{code}`."),
    )
}

/// `?counts=true`: count each school's active users (or group's members) too: a pass over
/// the users that the wizard, asking for the directory alone, does not pay for.
#[derive(Debug, Deserialize)]
pub struct CountsQuery {
    #[serde(default)]
    pub counts: bool,
}

/// Every school, by SIS code (with its active users when asked).
pub async fn schools(
    state: web::Data<AppState>,
    caller: Caller,
    q: web::Query<CountsQuery>,
) -> Result<HttpResponse> {
    let (d, with_counts) = (caller.district, q.counts);
    let (schools, counts) = db!(state, |c| Ok((
        c.schools(d)?,
        match with_counts {
            true => c.active_users_by_school(d)?,
            false => vec![],
        }
    )));
    let counts: HashMap<String, i64> = counts.into_iter().collect();
    Ok(HttpResponse::Ok().json(
        schools
            .into_iter()
            .map(|(sis_code, name)| SchoolInfo {
                active_users: counts.get(&sis_code).map_or(0, |n| (*n).max(0) as u64),
                sis_code,
                name,
            })
            .collect::<Vec<_>>(),
    ))
}

pub async fn create_school(
    state: web::Data<AppState>,
    caller: Caller,
    body: web::Bytes,
) -> Result<HttpResponse> {
    let s: NewSchool = parse_json(&body)?;
    let d = caller.district;
    let (code, name) = (s.sis_code.to_string(), s.name.to_string());
    let (c2, n2) = (code.clone(), name.clone());
    db!(state, |c| c.write_txn(d, |c| {
        if c.school(d, &c2)?.is_some() {
            return Ok(Err(exists(&c2)));
        }
        c.insert_school(d, &c2, &n2)?;
        Ok(Ok(()))
    })?);
    Ok(HttpResponse::Created().json(SchoolInfo {
        sis_code: code,
        name,
        active_users: 0,
    }))
}

pub async fn patch_school(
    state: web::Data<AppState>,
    caller: Caller,
    code: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse> {
    let p: SchoolPatch = parse_json(&body)?;
    let (d, code) = (caller.district, code.into_inner());
    let now = now_ms();
    let info = db!(state, |c| c.write_txn(d, |c| {
        let Some((_, mut name)) = c.school(d, &code)? else {
            return Ok(Err(ApiError::not_found()));
        };
        if let Some(n) = &p.name {
            name = n.to_string();
            c.rename_school(d, &code, &name)?;
        }
        let mut current = code.clone();
        if let Some(new) = p.sis_code.as_ref().map(|s| s.to_string()) {
            if new != code {
                if c.school(d, &new)?.is_some() {
                    return Ok(Err(exists(&new)));
                }
                // The users move with their school: the roster changed, so its revision does
                // (a plan made before is refused as stale, and browsers fetch it again).
                if c.recode_school(d, &code, &new, now)? > 0 {
                    let mut row = c.district(d)?;
                    row.revision += 1;
                    c.set_district_counters(&row)?;
                }
                current = new;
            }
        }
        let active = c.active_users_at(d, &current)?.max(0) as u64;
        Ok(Ok(SchoolInfo {
            sis_code: current,
            name,
            active_users: active,
        }))
    })?);
    Ok(HttpResponse::Ok().json(info))
}

pub async fn delete_school(
    state: web::Data<AppState>,
    caller: Caller,
    code: web::Path<String>,
) -> Result<HttpResponse> {
    let (d, code) = (caller.district, code.into_inner());
    db!(state, |c| c.write_txn(d, |c| {
        if c.school(d, &code)?.is_none() {
            return Ok(Err(ApiError::not_found()));
        }
        let active = c.active_users_at(d, &code)?;
        if active > 0 {
            return Ok(Err(ApiError::new(
                ErrorCode::SchoolInUse,
                format!(
                    "{active} active users are at school `{code}`: move or archive them first."
                ),
            )
            .with(json!({"active_users": active}))));
        }
        c.delete_school(d, &code)?;
        Ok(Ok(()))
    })?);
    Ok(HttpResponse::NoContent().finish())
}
