//! The district's schools: SIS code and name, and how many active users each has.
//!
//! The bodies are stamped into `StoreCommon` for each connection type by `store_impl!`.

macro_rules! school_queries {
    () => {
        fn schools(&mut self, d: DistrictId) -> Result<Vec<(String, String)>, DbError> {
            Ok(schools::table
                .filter(schools::district_id.eq(d))
                .order(schools::sis_code)
                .select((schools::sis_code, schools::name))
                .load(self)?)
        }
        fn upsert_school(&mut self, d: DistrictId, code: &str, name: &str) -> Result<(), DbError> {
            match self.school(d, code)? {
                Some(_) => self.rename_school(d, code, name),
                None => self.insert_school(d, code, name),
            }
        }
        fn active_users_at(&mut self, d: DistrictId, code: &str) -> Result<i64, DbError> {
            Ok(users::table
                .filter(users::district_id.eq(d))
                .filter(users::school.eq(code))
                .filter(users::status.eq("active"))
                .count()
                .get_result(self)?)
        }
        fn active_users_by_school(&mut self, d: DistrictId) -> Result<Vec<(String, i64)>, DbError> {
            Ok(users::table
                .filter(users::district_id.eq(d))
                .filter(users::status.eq("active"))
                .group_by(users::school)
                .select((users::school, diesel::dsl::count_star()))
                .load(self)?)
        }
        fn school(
            &mut self,
            d: DistrictId,
            code: &str,
        ) -> Result<Option<(String, String)>, DbError> {
            Ok(schools::table
                .find((d, code))
                .select((schools::sis_code, schools::name))
                .first(self)
                .optional()?)
        }
        fn insert_school(&mut self, d: DistrictId, code: &str, name: &str) -> Result<(), DbError> {
            diesel::insert_into(schools::table)
                .values((
                    schools::district_id.eq(d),
                    schools::sis_code.eq(code),
                    schools::name.eq(name),
                ))
                .execute(self)?;
            Ok(())
        }
        fn rename_school(&mut self, d: DistrictId, code: &str, name: &str) -> Result<(), DbError> {
            diesel::update(schools::table.find((d, code)))
                .set(schools::name.eq(name))
                .execute(self)?;
            Ok(())
        }
        /// Gives a school a new SIS code, and every user of the old code the new one; how many
        /// users moved.
        fn recode_school(
            &mut self,
            d: DistrictId,
            old: &str,
            new: &str,
            now: i64,
        ) -> Result<usize, DbError> {
            diesel::update(schools::table.find((d, old)))
                .set(schools::sis_code.eq(new))
                .execute(self)?;
            Ok(diesel::update(
                users::table
                    .filter(users::district_id.eq(d))
                    .filter(users::school.eq(old)),
            )
            .set((users::school.eq(new), users::updated_at.eq(now)))
            .execute(self)?)
        }
        fn delete_school(&mut self, d: DistrictId, code: &str) -> Result<(), DbError> {
            diesel::delete(schools::table.find((d, code))).execute(self)?;
            Ok(())
        }
    };
}

pub(crate) use school_queries;
