//! The district: its row and counters, its guard policy and saved mappings.
//!
//! The bodies are stamped into `StoreCommon` for each connection type by `store_impl!`.

macro_rules! district_queries {
    () => {
        fn district_by_short(&mut self, short: &str) -> Result<Option<DistrictRow>, DbError> {
            Ok(districts::table
                .filter(districts::short_name.eq(short))
                .select(DistrictRow::as_select())
                .first(self)
                .optional()?)
        }
        fn district(&mut self, id: DistrictId) -> Result<DistrictRow, DbError> {
            Ok(districts::table
                .find(id)
                .select(DistrictRow::as_select())
                .first(self)?)
        }
        fn create_district(&mut self, short: &str, name: &str) -> Result<DistrictRow, DbError> {
            let id = DistrictId(
                districts::table
                    .select(diesel::dsl::max(districts::id))
                    .first::<Option<i64>>(self)?
                    .unwrap_or(0)
                    + 1,
            );
            diesel::insert_into(districts::table)
                .values((
                    districts::id.eq(id),
                    districts::short_name.eq(short),
                    districts::name.eq(name),
                    districts::revision.eq(0i64),
                    districts::next_user_id.eq(1i64),
                    districts::next_import.eq(1i64),
                ))
                .execute(self)?;
            self.district(id)
        }
        fn set_district_counters(&mut self, d: &DistrictRow) -> Result<(), DbError> {
            diesel::update(districts::table.find(d.id))
                .set((
                    districts::revision.eq(d.revision),
                    districts::next_user_id.eq(d.next_user_id),
                    districts::next_import.eq(d.next_import),
                ))
                .execute(self)?;
            Ok(())
        }
        fn set_time_zone(&mut self, d: DistrictId, tz: &str) -> Result<(), DbError> {
            diesel::update(districts::table.find(d))
                .set(districts::time_zone.eq(tz))
                .execute(self)?;
            Ok(())
        }
        fn set_mail_from(&mut self, d: DistrictId, from: Option<&str>) -> Result<(), DbError> {
            diesel::update(districts::table.find(d))
                .set(districts::mail_from.eq(from))
                .execute(self)?;
            Ok(())
        }
        fn set_public_url(&mut self, d: DistrictId, url: Option<&str>) -> Result<(), DbError> {
            diesel::update(districts::table.find(d))
                .set(districts::public_url.eq(url))
                .execute(self)?;
            Ok(())
        }
        fn set_guard(&mut self, d: DistrictId, percent: i64, min: i64) -> Result<(), DbError> {
            diesel::update(districts::table.find(d))
                .set((
                    districts::guard_percent.eq(percent),
                    districts::guard_min.eq(min),
                ))
                .execute(self)?;
            Ok(())
        }
        fn allocate(&mut self, d: DistrictId, what: Counter) -> Result<i64, DbError> {
            // One statement: the bump and the value it gives are one atomic step.
            let next = match what {
                Counter::Group => diesel::update(districts::table.find(d))
                    .set(districts::next_group_id.eq(districts::next_group_id + 1))
                    .returning(districts::next_group_id)
                    .get_result::<i64>(self)?,
                Counter::Admin => diesel::update(districts::table.find(d))
                    .set(districts::next_admin_id.eq(districts::next_admin_id + 1))
                    .returning(districts::next_admin_id)
                    .get_result::<i64>(self)?,
                Counter::Mail => diesel::update(districts::table.find(d))
                    .set(districts::next_mail_id.eq(districts::next_mail_id + 1))
                    .returning(districts::next_mail_id)
                    .get_result::<i64>(self)?,
                Counter::Token => diesel::update(districts::table.find(d))
                    .set(districts::next_token_id.eq(districts::next_token_id + 1))
                    .returning(districts::next_token_id)
                    .get_result::<i64>(self)?,
            };
            Ok(next - 1)
        }
        fn mapping(&mut self, d: DistrictId, scope: &str) -> Result<Option<String>, DbError> {
            Ok(mappings::table
                .find((d, scope))
                .select(mappings::mapping)
                .first(self)
                .optional()?)
        }
        fn put_mapping(
            &mut self,
            d: DistrictId,
            scope: &str,
            mapping: &str,
        ) -> Result<(), DbError> {
            let n = diesel::update(mappings::table.find((d, scope)))
                .set(mappings::mapping.eq(mapping))
                .execute(self)?;
            if n == 0 {
                diesel::insert_into(mappings::table)
                    .values((
                        mappings::district_id.eq(d),
                        mappings::scope.eq(scope),
                        mappings::mapping.eq(mapping),
                    ))
                    .execute(self)?;
            }
            Ok(())
        }
    };
}
pub(crate) use district_queries;
