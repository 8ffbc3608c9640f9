//! The district's groups and their members.
//!
//! The bodies are stamped into `StoreCommon` for each connection type by `store_impl!`.

macro_rules! group_queries {
    () => {
        fn groups(&mut self, d: DistrictId) -> Result<Vec<(i64, String)>, DbError> {
            Ok(groups::table
                .filter(groups::district_id.eq(d))
                .order(groups::id)
                .select((groups::id, groups::name))
                .load(self)?)
        }
        fn create_group(&mut self, d: DistrictId, name: &str) -> Result<i64, DbError> {
            let id = self.allocate(d, Counter::Group)?;
            diesel::insert_into(groups::table)
                .values((
                    groups::district_id.eq(d),
                    groups::id.eq(id),
                    groups::name.eq(name),
                ))
                .execute(self)?;
            Ok(id)
        }
        fn add_members(&mut self, d: DistrictId, group: i64, ids: &[i64]) -> Result<(), DbError> {
            for chunk in ids.chunks(CHUNK) {
                let existing: Vec<i64> = group_members::table
                    .filter(
                        group_members::district_id
                            .eq(d)
                            .and(group_members::group_id.eq(group))
                            .and(group_members::user_id.eq_any(chunk)),
                    )
                    .select(group_members::user_id)
                    .load(self)?;
                let rows: Vec<_> = chunk
                    .iter()
                    .filter(|u| !existing.contains(u))
                    .map(|u| {
                        (
                            group_members::district_id.eq(d),
                            group_members::group_id.eq(group),
                            group_members::user_id.eq(*u),
                        )
                    })
                    .collect();
                if !rows.is_empty() {
                    diesel::insert_into(group_members::table)
                        .values(&rows)
                        .execute(self)?;
                }
            }
            Ok(())
        }
        /// (id, name, members) of every group.
        fn group_sizes(&mut self, d: DistrictId) -> Result<Vec<(i64, i64)>, DbError> {
            Ok(group_members::table
                .filter(group_members::district_id.eq(d))
                .group_by(group_members::group_id)
                .select((group_members::group_id, diesel::dsl::count_star()))
                .load(self)?)
        }
        fn group_size(&mut self, d: DistrictId, id: i64) -> Result<i64, DbError> {
            Ok(group_members::table
                .filter(group_members::district_id.eq(d))
                .filter(group_members::group_id.eq(id))
                .count()
                .get_result(self)?)
        }
        fn group(&mut self, d: DistrictId, id: i64) -> Result<Option<String>, DbError> {
            Ok(groups::table
                .find((d, id))
                .select(groups::name)
                .first(self)
                .optional()?)
        }
        fn group_named(&mut self, d: DistrictId, name: &str) -> Result<Option<i64>, DbError> {
            Ok(groups::table
                .filter(groups::district_id.eq(d))
                .filter(groups::name.eq(name))
                .select(groups::id)
                .first(self)
                .optional()?)
        }
        fn rename_group(&mut self, d: DistrictId, id: i64, name: &str) -> Result<(), DbError> {
            diesel::update(groups::table.find((d, id)))
                .set(groups::name.eq(name))
                .execute(self)?;
            Ok(())
        }
        /// Removes a group and its memberships (the users stay).
        fn delete_group(&mut self, d: DistrictId, id: i64) -> Result<(), DbError> {
            diesel::delete(
                group_members::table
                    .filter(group_members::district_id.eq(d))
                    .filter(group_members::group_id.eq(id)),
            )
            .execute(self)?;
            diesel::delete(groups::table.find((d, id))).execute(self)?;
            Ok(())
        }
        fn remove_member(&mut self, d: DistrictId, group: i64, user: i64) -> Result<bool, DbError> {
            Ok(diesel::delete(group_members::table.find((d, group, user))).execute(self)? == 1)
        }
    };
}

pub(crate) use group_queries;
