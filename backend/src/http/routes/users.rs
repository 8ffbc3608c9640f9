//! The district's users: the list and the master CSV.

use rollcall_shared::api::{ListedUser, UsersPage};

use super::prelude::*;

pub async fn users(
    state: web::Data<AppState>,
    caller: Caller,
    q: web::Query<UserFilter>,
) -> Result<HttpResponse> {
    let page = users_page(&state, caller.district, q.into_inner()).await?;
    Ok(HttpResponse::Ok().json(page))
}

/// One page of the district's users matching `f` (a group's members with `f.group`).
pub(super) async fn users_page(
    state: &web::Data<AppState>,
    d: DistrictId,
    mut f: UserFilter,
) -> Result<UsersPage> {
    let per = f.per_page.unwrap_or(50).clamp(1, 500);
    // The offset is (page - 1) × per_page: a page past any district's size is refused rather
    // than overflowing.
    let page = f.page.unwrap_or(1);
    if !(1..=10_000_000).contains(&page) {
        return Err(ApiError::new(
            ErrorCode::InvalidPage,
            "`page` is a number from 1 to 10,000,000.",
        ));
    }
    (f.page, f.per_page) = (Some(page), Some(per));
    let (rows, total) = db!(state, |c| Ok(c.users_page(d, &f)?));
    let users = rows
        .into_iter()
        .map(|r| ListedUser {
            id: UserId(r.id),
            sis_id: r.sis_id,
            email: r.email,
            first_name: r.first_name,
            last_name: r.last_name,
            middle_name: r.middle_name,
            role: r.role,
            grade: r.grade,
            school: r.school,
            state_id: r.state_id,
            alt_id: r.alt_id,
            status: r.status,
            scope: r.scope,
            source: r.managed_by.unwrap_or_else(|| "file".into()),
        })
        .collect();
    Ok(UsersPage {
        total,
        page,
        per_page: per,
        users,
    })
}

/// The master CSV: active file-managed users in import format, formula-like cells neutralised.
pub async fn export(state: web::Data<AppState>, caller: Caller) -> Result<HttpResponse> {
    let d = caller.district;
    let csv = db!(state, |c| {
        let dist = c.district(d)?;
        Ok(rollcall_shared::write::master_csv(&c.roster(&dist)?))
    });
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((
            header::CONTENT_DISPOSITION,
            "attachment; filename=\"users.csv\"",
        ))
        .body(csv))
}
