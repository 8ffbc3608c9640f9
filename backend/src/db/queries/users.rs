//! Users: the whole roster of a district, a page of it, and the writes an apply or a rollback makes.
//!
//! The bodies are stamped into `StoreCommon` for each connection type by `store_impl!`.

macro_rules! users_queries {
    () => {
        fn users(&mut self, d: DistrictId) -> Result<Vec<UserRow>, DbError> {
            Ok(users::table
                .filter(users::district_id.eq(d))
                .order(users::id)
                .select(UserRow::as_select())
                .load(self)?)
        }
        fn roster(
            &mut self,
            district: &DistrictRow,
        ) -> Result<rollcall_shared::user::Roster, DbError> {
            let rows = users::table
                .filter(users::district_id.eq(district.id))
                .order(users::id)
                .select(UserRow::as_select())
                .load_iter::<UserRow, diesel::connection::DefaultLoadingMode>(self)?;
            let mut users = Vec::new();
            for r in rows {
                users.push(r?.to_roster_user()?);
            }
            Ok(rollcall_shared::user::Roster {
                revision: district.revision as u64,
                users,
            })
        }
        fn users_by_ids(&mut self, d: DistrictId, ids: &[i64]) -> Result<Vec<UserRow>, DbError> {
            let mut out = Vec::with_capacity(ids.len());
            for chunk in ids.chunks(<Self as crate::db::Backend>::IDS_A_QUERY) {
                out.extend(
                    users::table
                        .filter(users::district_id.eq(d).and(users::id.eq_any(chunk)))
                        .select(UserRow::as_select())
                        .load(self)?,
                );
            }
            Ok(out)
        }
        fn users_page(
            &mut self,
            d: DistrictId,
            f: &UserFilter,
        ) -> Result<(Vec<UserRow>, i64), DbError> {
            let build = || {
                let mut q = users::table.filter(users::district_id.eq(d)).into_boxed();
                if let Some(v) = f.role.as_deref().filter(|v| !v.is_empty()) {
                    q = q.filter(users::role.eq(v.to_owned()));
                }
                if let Some(v) = f.school.as_deref().filter(|v| !v.is_empty()) {
                    q = q.filter(users::school.eq(v.to_owned()));
                }
                if let Some(v) = f.status.as_deref().filter(|v| !v.is_empty()) {
                    q = q.filter(users::status.eq(v.to_owned()));
                }
                if let Some(v) = f.scope.as_deref().filter(|v| !v.is_empty()) {
                    q = q.filter(users::scope.eq(v.to_owned()));
                }
                match f.source.as_deref() {
                    Some("file") => q = q.filter(users::managed_by.is_null()),
                    Some(s) if !s.is_empty() => q = q.filter(users::managed_by.eq(s.to_owned())),
                    _ => {}
                }
                if let Some(g) = f.group {
                    q = q.filter(
                        users::id.eq_any(
                            group_members::table
                                .filter(group_members::district_id.eq(d))
                                .filter(group_members::group_id.eq(g))
                                .select(group_members::user_id),
                        ),
                    );
                }
                if let Some(t) = f.q.as_deref().map(str::trim).filter(|v| !v.is_empty()) {
                    let like = format!("%{}%", t.replace(['%', '_'], "").to_lowercase());
                    q = q.filter(
                        lower(users::first_name.nullable())
                            .like(like.clone())
                            .or(lower(users::last_name.nullable()).like(like.clone()))
                            .or(lower(
                                users::first_name
                                    .concat(" ")
                                    .concat(users::last_name)
                                    .nullable(),
                            )
                            .like(like.clone()))
                            .or(lower(users::email).like(like.clone()))
                            .or(lower(users::sis_id).like(like)),
                    );
                }
                q
            };
            let total: i64 = build().count().get_result(self)?;
            let per = f.per_page.unwrap_or(50).clamp(1, 500);
            let page = f.page.unwrap_or(1).max(1);
            let rows = build()
                .order((users::last_name, users::first_name, users::id))
                .limit(per)
                .offset((page - 1) * per)
                .select(UserRow::as_select())
                .load(self)?;
            Ok((rows, total))
        }
        fn user(&mut self, d: DistrictId, id: i64) -> Result<Option<UserRow>, DbError> {
            Ok(users::table
                .find((d, id))
                .select(UserRow::as_select())
                .first(self)
                .optional()?)
        }
        fn user_groups(&mut self, d: DistrictId, id: i64) -> Result<Vec<(i64, String)>, DbError> {
            Ok(groups::table
                .filter(groups::district_id.eq(d))
                .filter(
                    groups::id.eq_any(
                        group_members::table
                            .filter(group_members::district_id.eq(d))
                            .filter(group_members::user_id.eq(id))
                            .select(group_members::group_id),
                    ),
                )
                .order(groups::name)
                .select((groups::id, groups::name))
                .load(self)?)
        }
        fn user_changes(&mut self, d: DistrictId, id: i64) -> Result<Vec<ChangeRow>, DbError> {
            Ok(import_changes::table
                .filter(import_changes::district_id.eq(d))
                .filter(import_changes::user_id.eq(id))
                .order(import_changes::import_number)
                .select(ChangeRow::as_select())
                .load(self)?)
        }
        /// The imports that touched user `id`: those with a change row for it, and the one that
        /// created it.
        fn imports_of_user(
            &mut self,
            d: DistrictId,
            id: i64,
            numbers: &[i64],
        ) -> Result<Vec<ImportMeta>, DbError> {
            Ok(imports::table
                .filter(imports::district_id.eq(d))
                .filter(
                    imports::number
                        .eq_any(numbers.to_vec())
                        .or(imports::created_from.le(id).and(imports::created_to.gt(id))),
                )
                .order(imports::number)
                .select(ImportMeta::as_select())
                .load(self)?)
        }
        fn set_after_images(
            &mut self,
            d: DistrictId,
            number: ImportNo,
            images: &[(i64, String)],
        ) -> Result<(), DbError> {
            for (user, image) in images {
                diesel::update(import_changes::table.find((d, number, *user)))
                    .set(import_changes::after_image.eq(image))
                    .execute(self)?;
            }
            Ok(())
        }
        fn update_user(&mut self, row: &UserRow) -> Result<(), DbError> {
            diesel::update(users::table.find((row.district_id, row.id)))
                .set(row)
                .execute(self)?;
            Ok(())
        }
        fn set_status(
            &mut self,
            d: DistrictId,
            ids: &[i64],
            status: &str,
            now: i64,
        ) -> Result<(), DbError> {
            for chunk in ids.chunks(CHUNK) {
                diesel::update(
                    users::table.filter(users::district_id.eq(d).and(users::id.eq_any(chunk))),
                )
                .set((users::status.eq(status), users::updated_at.eq(now)))
                .execute(self)?;
            }
            Ok(())
        }
        fn delete_users(&mut self, d: DistrictId, ids: &[i64]) -> Result<(), DbError> {
            for chunk in ids.chunks(CHUNK) {
                diesel::delete(
                    group_members::table.filter(
                        group_members::district_id
                            .eq(d)
                            .and(group_members::user_id.eq_any(chunk)),
                    ),
                )
                .execute(self)?;
                diesel::delete(
                    users::table.filter(users::district_id.eq(d).and(users::id.eq_any(chunk))),
                )
                .execute(self)?;
            }
            Ok(())
        }
    };
}
pub(crate) use users_queries;
