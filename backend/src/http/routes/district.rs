//! The district: who is calling, its settings, its schools and groups.

use rollcall_shared::api::{AdminInfo, DistrictInfo, DistrictPatch, DistrictSettings, Me};

use super::prelude::*;

pub async fn me(state: web::Data<AppState>, caller: Caller) -> Result<HttpResponse> {
    let (d, admin) = (caller.district, caller.admin);
    let v = db!(state, |c| {
        let dist = c.district(d)?;
        let a = match admin {
            Some(a) => c.admin(d, a)?,
            None => None,
        };
        Ok(Me {
            district: DistrictInfo {
                short_name: dist.short_name.clone(),
                name: dist.name.clone(),
                revision: Some(dist.revision),
                guard: Some(dist.guard()),
            },
            admin: a.map(|(email, name)| AdminInfo { email, name }),
            who: caller.who,
        })
    });
    Ok(HttpResponse::Ok().json(v))
}

/// The district's settings: the mass-archive guard's thresholds (more than `percent`% of a
/// scope's active users and more than `min`). An admin's session only: a script's token cannot
/// loosen the guard that protects the district from its scripts.
pub async fn patch_district(
    state: web::Data<AppState>,
    caller: Caller,
    body: web::Bytes,
) -> Result<HttpResponse> {
    if caller.admin.is_none() {
        return Err(ApiError::new(
            ErrorCode::AdminOnly,
            "Only the district's admin, signed in, changes its settings.",
        ));
    }
    let patch: DistrictPatch = parse_json(&body)?;
    let d = caller.district;
    if let Some(g) = patch.guard {
        if g.percent > 100 {
            return Err(ApiError::new(
                ErrorCode::InvalidGuard,
                "The guard's percent is between 0 and 100.",
            ));
        }
        db!(state, |c| Ok(c.set_guard(
            d,
            i64::from(g.percent),
            i64::from(g.min)
        )?));
    }
    if let Some(u) = patch.public_url {
        let url = match u.trim() {
            "" => None,
            given => Some(
                rollcall_shared::fields::check_public_url(given).map_err(|e| {
                    ApiError::new(
                        ErrorCode::InvalidJson,
                        format!("The public address cannot be used: {}.", e.message),
                    )
                })?,
            ),
        };
        db!(state, |c| Ok(c.set_public_url(d, url.as_deref())?));
    }
    if let Some(tz) = patch.time_zone {
        let tz = tz.trim().to_owned();
        if tz.parse::<chrono_tz::Tz>().is_err() {
            return Err(ApiError::new(
                ErrorCode::BadRequest,
                format!("`{tz}` is not a time zone: give its IANA name, such as America/Chicago."),
            ));
        }
        db!(state, |c| Ok(c.set_time_zone(d, &tz)?));
    }
    if let Some(m) = patch.mail_from {
        let from = match m.trim() {
            "" => None,
            given => Some(
                rollcall_shared::fields::Email::parse(given)
                    .map_err(|e| {
                        ApiError::new(
                            ErrorCode::InvalidRecord,
                            format!("The sender cannot be used: {e}."),
                        )
                        .with(
                            json!({"issue": rollcall_shared::issue_code::IssueCode::InvalidEmail}),
                        )
                    })?
                    .as_str()
                    .to_owned(),
            ),
        };
        db!(state, |c| Ok(c.set_mail_from(d, from.as_deref())?));
    }
    Ok(HttpResponse::Ok().json(settings(&state, d).await?))
}

async fn settings(state: &web::Data<AppState>, d: DistrictId) -> Result<DistrictSettings> {
    let row = db!(state, |c| Ok(c.district(d)?));
    let mail_from = match row.mail_from.as_deref() {
        None => None,
        Some(m) => Some(rollcall_shared::fields::Email::parse(m).map_err(|_| {
            tracing::error!("the district's mail sender is not an address");
            ApiError::internal()
        })?),
    };
    Ok(DistrictSettings {
        guard: row.guard(),
        public_url: row.public_url,
        time_zone: row.time_zone,
        mail_from,
    })
}

/// The district's settings as they are.
pub async fn get_district(state: web::Data<AppState>, caller: Caller) -> Result<HttpResponse> {
    Ok(HttpResponse::Ok().json(settings(&state, caller.district).await?))
}
