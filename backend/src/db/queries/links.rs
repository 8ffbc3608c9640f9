//! Set-password links: single-use secrets kept as their hash, and the password they set.
//!
//! The bodies are stamped into `StoreCommon` for each connection type by `store_impl!`.

macro_rules! link_queries {
    () => {
        fn insert_password_link(
            &mut self,
            d: DistrictId,
            hash: &str,
            user: i64,
            expires_at: i64,
        ) -> Result<(), DbError> {
            diesel::insert_into(password_links::table)
                .values((
                    password_links::district_id.eq(d),
                    password_links::token_hash.eq(hash),
                    password_links::user_id.eq(user),
                    password_links::expires_at.eq(expires_at),
                ))
                .execute(self)?;
            Ok(())
        }
        fn password_link(
            &mut self,
            d: DistrictId,
            hash: &str,
        ) -> Result<Option<(i64, i64, Option<i64>)>, DbError> {
            Ok(password_links::table
                .find((d, hash))
                .select((
                    password_links::user_id,
                    password_links::expires_at,
                    password_links::used_at,
                ))
                .first(self)
                .optional()?)
        }
        /// Burns every unused link of `user` (a new one replaces them).
        fn burn_links_of(&mut self, d: DistrictId, user: i64, now: i64) -> Result<usize, DbError> {
            Ok(diesel::update(
                password_links::table
                    .filter(password_links::district_id.eq(d))
                    .filter(password_links::user_id.eq(user))
                    .filter(password_links::used_at.is_null()),
            )
            .set(password_links::used_at.eq(now))
            .execute(self)?)
        }
        /// Burns a link: `false` when it was already used (two tabs racing get one success).
        fn use_password_link(
            &mut self,
            d: DistrictId,
            hash: &str,
            now: i64,
        ) -> Result<bool, DbError> {
            Ok(diesel::update(
                password_links::table
                    .find((d, hash))
                    .filter(password_links::used_at.is_null()),
            )
            .set(password_links::used_at.eq(now))
            .execute(self)?
                == 1)
        }
        fn set_user_password(
            &mut self,
            d: DistrictId,
            user: i64,
            hash: &str,
            now: i64,
        ) -> Result<(), DbError> {
            diesel::update(users::table.find((d, user)))
                .set((users::password_hash.eq(hash), users::updated_at.eq(now)))
                .execute(self)?;
            Ok(())
        }
    };
}

pub(crate) use link_queries;
