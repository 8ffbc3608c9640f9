//! Who may call: admins (found by email through `logins`), sessions and API tokens (found by hash through `token_districts`), and their retention.
//!
//! The bodies are stamped into `StoreCommon` for each connection type by `store_impl!`.

macro_rules! auth_queries {
    () => {
        fn admin_by_email(
            &mut self,
            email: &str,
        ) -> Result<Option<(DistrictId, i64, String, String)>, DbError> {
            let Some((d, id)) = logins::table
                .find(email.trim().to_lowercase())
                .select((logins::district_id, logins::admin_id))
                .first::<(DistrictId, i64)>(self)
                .optional()?
            else {
                return Ok(None);
            };
            Ok(admins::table
                .find((d, id))
                .select((
                    admins::district_id,
                    admins::id,
                    admins::name,
                    admins::password_hash,
                ))
                .first(self)
                .optional()?)
        }
        fn admin(&mut self, d: DistrictId, id: i64) -> Result<Option<(String, String)>, DbError> {
            Ok(admins::table
                .find((d, id))
                .select((admins::email, admins::name))
                .first(self)
                .optional()?)
        }
        fn create_admin(
            &mut self,
            d: DistrictId,
            email: &str,
            name: &str,
            hash: &str,
        ) -> Result<i64, DbError> {
            let id = self.allocate(d, Counter::Admin)?;
            let email = email.trim().to_lowercase();
            self.transaction::<_, DbError, _>(|c| {
                diesel::insert_into(logins::table)
                    .values((
                        logins::email.eq(&email),
                        logins::district_id.eq(d),
                        logins::admin_id.eq(id),
                    ))
                    .execute(c)?;
                diesel::insert_into(admins::table)
                    .values((
                        admins::district_id.eq(d),
                        admins::id.eq(id),
                        admins::email.eq(&email),
                        admins::name.eq(name),
                        admins::password_hash.eq(hash),
                    ))
                    .execute(c)?;
                Ok(())
            })?;
            Ok(id)
        }
        fn set_admin_password(
            &mut self,
            d: DistrictId,
            id: i64,
            hash: &str,
        ) -> Result<(), DbError> {
            diesel::update(admins::table.find((d, id)))
                .set(admins::password_hash.eq(hash))
                .execute(self)?;
            Ok(())
        }
        fn create_session(
            &mut self,
            hash: &str,
            d: DistrictId,
            admin: i64,
            expires_at: i64,
        ) -> Result<(), DbError> {
            self.transaction::<_, DbError, _>(|c| {
                c.register_token(hash, d)?;
                diesel::insert_into(sessions::table)
                    .values((
                        sessions::district_id.eq(d),
                        sessions::token_hash.eq(hash),
                        sessions::admin_id.eq(admin),
                        sessions::expires_at.eq(expires_at),
                    ))
                    .execute(c)?;
                Ok(())
            })
        }
        fn register_token(&mut self, hash: &str, d: DistrictId) -> Result<(), DbError> {
            diesel::insert_into(token_districts::table)
                .values((
                    token_districts::token_hash.eq(hash),
                    token_districts::district_id.eq(d),
                ))
                .execute(self)?;
            Ok(())
        }
        fn token_district(&mut self, hash: &str) -> Result<Option<DistrictId>, DbError> {
            Ok(token_districts::table
                .find(hash)
                .select(token_districts::district_id)
                .first(self)
                .optional()?)
        }
        fn session(&mut self, hash: &str) -> Result<Option<(DistrictId, i64, i64)>, DbError> {
            let Some(d) = self.token_district(hash)? else {
                return Ok(None);
            };
            Ok(sessions::table
                .find((d, hash))
                .select((
                    sessions::district_id,
                    sessions::admin_id,
                    sessions::expires_at,
                ))
                .first(self)
                .optional()?)
        }
        fn delete_session(&mut self, hash: &str) -> Result<(), DbError> {
            let Some(d) = self.token_district(hash)? else {
                return Ok(());
            };
            self.transaction::<_, DbError, _>(|c| {
                diesel::delete(sessions::table.find((d, hash))).execute(c)?;
                diesel::delete(token_districts::table.find(hash)).execute(c)?;
                Ok(())
            })
        }
        fn create_api_token(
            &mut self,
            hash: &str,
            d: DistrictId,
            name: &str,
            sync: Option<&str>,
            expires_at: Option<i64>,
        ) -> Result<i64, DbError> {
            self.transaction::<_, DbError, _>(|c| {
                c.register_token(hash, d)?;
                let id = c.allocate(d, Counter::Token)?;
                diesel::insert_into(api_tokens::table)
                    .values((
                        api_tokens::district_id.eq(d),
                        api_tokens::token_hash.eq(hash),
                        api_tokens::name.eq(name),
                        api_tokens::created_at.eq(now_ms()),
                        api_tokens::id.eq(id),
                        api_tokens::sync.eq(sync),
                        api_tokens::expires_at.eq(expires_at),
                    ))
                    .execute(c)?;
                Ok(id)
            })
        }
        fn api_token(&mut self, hash: &str) -> Result<Option<TokenRow>, DbError> {
            let Some(d) = self.token_district(hash)? else {
                return Ok(None);
            };
            Ok(api_tokens::table
                .find((d, hash))
                .select(TokenRow::as_select())
                .first(self)
                .optional()?)
        }
        fn api_tokens(&mut self, d: DistrictId) -> Result<Vec<TokenRow>, DbError> {
            Ok(api_tokens::table
                .filter(api_tokens::district_id.eq(d))
                .order(api_tokens::id)
                .select(TokenRow::as_select())
                .load(self)?)
        }
        /// Records a use, at most once a minute per token (a script's burst writes once).
        fn touch_token(&mut self, d: DistrictId, hash: &str, now: i64) -> Result<(), DbError> {
            diesel::update(
                api_tokens::table.find((d, hash)).filter(
                    api_tokens::last_used_at
                        .is_null()
                        .or(api_tokens::last_used_at.lt(now - 60_000)),
                ),
            )
            .set(api_tokens::last_used_at.eq(now))
            .execute(self)?;
            Ok(())
        }
        /// Revokes token `id`: `false` when the district has none with that id.
        fn delete_token(&mut self, d: DistrictId, id: i64) -> Result<bool, DbError> {
            self.transaction::<_, DbError, _>(|c| {
                let hash: Option<String> = api_tokens::table
                    .filter(api_tokens::district_id.eq(d).and(api_tokens::id.eq(id)))
                    .select(api_tokens::token_hash)
                    .first(c)
                    .optional()?;
                let Some(hash) = hash else {
                    return Ok(false);
                };
                diesel::delete(api_tokens::table.find((d, hash.as_str()))).execute(c)?;
                diesel::delete(token_districts::table.find(hash.as_str())).execute(c)?;
                Ok(true)
            })
        }
        fn delete_expired_sessions(&mut self, now: i64) -> Result<usize, DbError> {
            self.transaction::<_, DbError, _>(|c| {
                let expired = sessions::table
                    .filter(sessions::expires_at.lt(now))
                    .select(sessions::token_hash);
                diesel::delete(
                    token_districts::table.filter(token_districts::token_hash.eq_any(expired)),
                )
                .execute(c)?;
                Ok(
                    diesel::delete(sessions::table.filter(sessions::expires_at.lt(now)))
                        .execute(c)?,
                )
            })
        }
    };
}
pub(crate) use auth_queries;
