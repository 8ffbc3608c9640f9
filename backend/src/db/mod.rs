//! The database: one code path for SQLite (the embedded default) and PostgreSQL. Every query
//! lives in the [`Store`] trait, whose body is written once in `store_impl!` and stamped out for
//! each concrete connection (Diesel's `MultiConnection` cannot do multi-row inserts or upserts);
//! the few things that differ (locking, bulk load) are the `Backend`-specific methods.

pub mod apply;
pub mod models;
pub mod schema;

use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::r2d2::{ConnectionManager, CustomizeConnection, Pool, PooledConnection};
use diesel_migrations::{embed_migrations, EmbeddedMigrations, MigrationHarness};
use thiserror::Error;

use models::*;
use rollcall_shared::api::ImportStatus;
use schema::*;

pub const MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations");

diesel::define_sql_function! {
    /// SQL `lower()`, the same on SQLite and PostgreSQL (for case-insensitive search).
    fn lower(x: diesel::sql_types::Nullable<diesel::sql_types::Text>) -> diesel::sql_types::Nullable<diesel::sql_types::Text>;
}

#[derive(Debug, Error)]
pub enum DbError {
    #[error("database: {0}")]
    Query(#[from] diesel::result::Error),
    #[error("database connection: {0}")]
    Connect(String),
    #[error("database pool: {0}")]
    Pool(#[from] diesel::r2d2::PoolError),
    #[error("migrations: {0}")]
    Migrate(String),
    #[error("{0}")]
    Conflict(String),
    /// A value the database holds that no version of Rollcall writes (edited by hand).
    #[error("the database holds a value Rollcall never writes: {0}")]
    Corrupt(String),
}

pub fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

#[derive(Debug)]
struct SqlitePragmas;

impl CustomizeConnection<SqliteConnection, diesel::r2d2::Error> for SqlitePragmas {
    fn on_acquire(&self, c: &mut SqliteConnection) -> Result<(), diesel::r2d2::Error> {
        // busy_timeout first: switching to WAL needs a lock another connection may hold.
        // secure_delete: what a row held is overwritten when it is deleted or rewritten (a
        // scrubbed request leaves no copy in a free page).
        c.batch_execute("PRAGMA busy_timeout = 30000; PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON; PRAGMA secure_delete = ON;")
            .map_err(diesel::r2d2::Error::QueryError)
    }
}

#[derive(Clone)]
pub enum Db {
    Pg(Pool<ConnectionManager<PgConnection>>),
    Sqlite(Pool<ConnectionManager<SqliteConnection>>),
}

pub enum Conn {
    Pg(PooledConnection<ConnectionManager<PgConnection>>),
    Sqlite(PooledConnection<ConnectionManager<SqliteConnection>>),
}

/// Runs `$body` with `$c` bound to the concrete connection, whichever backend it is.
#[macro_export]
macro_rules! with_conn {
    ($conn:expr, |$c:ident| -> $ret:ty $body:block) => {
        match $conn {
            $crate::db::Conn::Pg(ref mut $c) => {
                let $c: &mut diesel::PgConnection = &mut *$c;
                (|| -> $ret { $body })()
            }
            $crate::db::Conn::Sqlite(ref mut $c) => {
                let $c: &mut diesel::SqliteConnection = &mut *$c;
                (|| -> $ret { $body })()
            }
        }
    };
    ($conn:expr, |$c:ident| $body:expr) => {
        match $conn {
            $crate::db::Conn::Pg(ref mut $c) => {
                let $c: &mut diesel::PgConnection = &mut *$c;
                $body
            }
            $crate::db::Conn::Sqlite(ref mut $c) => {
                let $c: &mut diesel::SqliteConnection = &mut *$c;
                $body
            }
        }
    };
}

impl Db {
    /// `postgres://…` or `postgresql://…` for PostgreSQL; anything else is a SQLite file path
    /// (`sqlite://rollcall.db` or `rollcall.db`). Connects once directly first, so that a server
    /// that is down fails fast with the real message; then runs the embedded migrations.
    pub fn connect(url: &str) -> Result<Db, DbError> {
        let db = if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            PgConnection::establish(url).map_err(|e| DbError::Connect(e.to_string()))?;
            let pool = Pool::builder()
                .max_size(8)
                .connection_timeout(std::time::Duration::from_secs(5))
                .build(ConnectionManager::<PgConnection>::new(url))?;
            Db::Pg(pool)
        } else {
            let path = url.strip_prefix("sqlite://").unwrap_or(url);
            let path = path.strip_prefix("sqlite:").unwrap_or(path);
            SqliteConnection::establish(path).map_err(|e| DbError::Connect(e.to_string()))?;
            let pool = Pool::builder()
                .max_size(4)
                .connection_timeout(std::time::Duration::from_secs(30))
                .connection_customizer(Box::new(SqlitePragmas))
                .build(ConnectionManager::<SqliteConnection>::new(path))?;
            Db::Sqlite(pool)
        };
        let mut c = db.get()?;
        with_conn!(c, |c| c
            .run_pending_migrations(MIGRATIONS)
            .map(|_| ())
            .map_err(|e| DbError::Migrate(e.to_string())))?;
        drop(c);
        apply::seal_stored_requests(&db)?;
        Ok(db)
    }

    pub fn get(&self) -> Result<Conn, DbError> {
        Ok(match self {
            Db::Pg(p) => Conn::Pg(p.get()?),
            Db::Sqlite(p) => Conn::Sqlite(p.get()?),
        })
    }

    pub fn is_postgres(&self) -> bool {
        matches!(self, Db::Pg(_))
    }
}

/// Filters for the users list.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct UserFilter {
    pub q: Option<String>,
    pub role: Option<String>,
    pub school: Option<String>,
    pub status: Option<String>,
    pub scope: Option<String>,
    /// `file` or a sync's name.
    pub source: Option<String>,
    pub page: Option<i64>,
    pub per_page: Option<i64>,
}

/// Every query Rollcall runs, each scoped to a district: implemented for both connections.
pub trait Store: Backend + StoreCommon {}
impl<T: Backend + StoreCommon> Store for T {}

const CHUNK: usize = 1000;

macro_rules! store_impl {
    ($conn:ty) => {
        impl StoreCommon for $conn {
            fn district_by_short(&mut self, short: &str) -> Result<Option<DistrictRow>, DbError> {
                Ok(districts::table
                    .filter(districts::short_name.eq(short))
                    .select(DistrictRow::as_select())
                    .first(self)
                    .optional()?)
            }
            fn district(&mut self, id: i64) -> Result<DistrictRow, DbError> {
                Ok(districts::table
                    .find(id)
                    .select(DistrictRow::as_select())
                    .first(self)?)
            }
            fn create_district(&mut self, short: &str, name: &str) -> Result<DistrictRow, DbError> {
                let id: i64 = districts::table
                    .select(diesel::dsl::max(districts::id))
                    .first::<Option<i64>>(self)?
                    .unwrap_or(0)
                    + 1;
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
            fn schools(&mut self, d: i64) -> Result<Vec<(String, String)>, DbError> {
                Ok(schools::table
                    .filter(schools::district_id.eq(d))
                    .order(schools::sis_code)
                    .select((schools::sis_code, schools::name))
                    .load(self)?)
            }
            fn upsert_school(&mut self, d: i64, code: &str, name: &str) -> Result<(), DbError> {
                let n = diesel::update(schools::table.find((d, code)))
                    .set(schools::name.eq(name))
                    .execute(self)?;
                if n == 0 {
                    diesel::insert_into(schools::table)
                        .values((
                            schools::district_id.eq(d),
                            schools::sis_code.eq(code),
                            schools::name.eq(name),
                        ))
                        .execute(self)?;
                }
                Ok(())
            }
            fn groups(&mut self, d: i64) -> Result<Vec<(i64, String)>, DbError> {
                Ok(groups::table
                    .filter(groups::district_id.eq(d))
                    .order(groups::id)
                    .select((groups::id, groups::name))
                    .load(self)?)
            }
            fn create_group(&mut self, d: i64, name: &str) -> Result<i64, DbError> {
                let id: i64 = groups::table
                    .filter(groups::district_id.eq(d))
                    .select(diesel::dsl::max(groups::id))
                    .first::<Option<i64>>(self)?
                    .unwrap_or(0)
                    + 1;
                diesel::insert_into(groups::table)
                    .values((
                        groups::district_id.eq(d),
                        groups::id.eq(id),
                        groups::name.eq(name),
                    ))
                    .execute(self)?;
                Ok(id)
            }
            fn add_members(&mut self, d: i64, group: i64, ids: &[i64]) -> Result<(), DbError> {
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
            fn admin_by_email(
                &mut self,
                email: &str,
            ) -> Result<Option<(i64, i64, String, String)>, DbError> {
                let Some((d, id)) = logins::table
                    .find(email.trim().to_lowercase())
                    .select((logins::district_id, logins::admin_id))
                    .first::<(i64, i64)>(self)
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
            fn admin(&mut self, d: i64, id: i64) -> Result<Option<(String, String)>, DbError> {
                Ok(admins::table
                    .find((d, id))
                    .select((admins::email, admins::name))
                    .first(self)
                    .optional()?)
            }
            fn create_admin(
                &mut self,
                d: i64,
                email: &str,
                name: &str,
                hash: &str,
            ) -> Result<i64, DbError> {
                let id: i64 = admins::table
                    .filter(admins::district_id.eq(d))
                    .select(diesel::dsl::max(admins::id))
                    .first::<Option<i64>>(self)?
                    .unwrap_or(0)
                    + 1;
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
            fn set_admin_password(&mut self, d: i64, id: i64, hash: &str) -> Result<(), DbError> {
                diesel::update(admins::table.find((d, id)))
                    .set(admins::password_hash.eq(hash))
                    .execute(self)?;
                Ok(())
            }
            fn create_session(
                &mut self,
                hash: &str,
                d: i64,
                admin: i64,
                expires_at: i64,
            ) -> Result<(), DbError> {
                self.transaction::<_, DbError, _>(|c| {
                    diesel::insert_into(token_districts::table)
                        .values((
                            token_districts::token_hash.eq(hash),
                            token_districts::district_id.eq(d),
                        ))
                        .execute(c)?;
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
            fn token_district(&mut self, hash: &str) -> Result<Option<i64>, DbError> {
                Ok(token_districts::table
                    .find(hash)
                    .select(token_districts::district_id)
                    .first(self)
                    .optional()?)
            }
            fn session(&mut self, hash: &str) -> Result<Option<(i64, i64, i64)>, DbError> {
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
            fn create_api_token(&mut self, hash: &str, d: i64, name: &str) -> Result<(), DbError> {
                self.transaction::<_, DbError, _>(|c| {
                    diesel::insert_into(token_districts::table)
                        .values((
                            token_districts::token_hash.eq(hash),
                            token_districts::district_id.eq(d),
                        ))
                        .execute(c)?;
                    diesel::insert_into(api_tokens::table)
                        .values((
                            api_tokens::district_id.eq(d),
                            api_tokens::token_hash.eq(hash),
                            api_tokens::name.eq(name),
                            api_tokens::created_at.eq(now_ms()),
                        ))
                        .execute(c)?;
                    Ok(())
                })
            }
            fn api_token(&mut self, hash: &str) -> Result<Option<(i64, String)>, DbError> {
                let Some(d) = self.token_district(hash)? else {
                    return Ok(None);
                };
                Ok(api_tokens::table
                    .find((d, hash))
                    .select((api_tokens::district_id, api_tokens::name))
                    .first(self)
                    .optional()?)
            }
            fn users(&mut self, d: i64) -> Result<Vec<UserRow>, DbError> {
                Ok(users::table
                    .filter(users::district_id.eq(d))
                    .order(users::id)
                    .select(UserRow::as_select())
                    .load(self)?)
            }
            fn users_by_ids(&mut self, d: i64, ids: &[i64]) -> Result<Vec<UserRow>, DbError> {
                let mut out = Vec::with_capacity(ids.len());
                for chunk in ids.chunks(CHUNK) {
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
                d: i64,
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
                        Some(s) if !s.is_empty() => {
                            q = q.filter(users::managed_by.eq(s.to_owned()))
                        }
                        _ => {}
                    }
                    if let Some(t) = f.q.as_deref().map(str::trim).filter(|v| !v.is_empty()) {
                        let like = format!("%{}%", t.replace(['%', '_'], "").to_lowercase());
                        q = q.filter(
                            lower(users::first_name.nullable())
                                .like(like.clone())
                                .or(lower(users::last_name.nullable()).like(like.clone()))
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
            fn update_user(&mut self, row: &UserRow) -> Result<(), DbError> {
                diesel::update(users::table.find((row.district_id, row.id)))
                    .set(row)
                    .execute(self)?;
                Ok(())
            }
            fn set_status(
                &mut self,
                d: i64,
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
            fn delete_users(&mut self, d: i64, ids: &[i64]) -> Result<(), DbError> {
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
            fn insert_import(&mut self, row: &ImportRow) -> Result<(), DbError> {
                diesel::insert_into(imports::table)
                    .values(row)
                    .execute(self)?;
                Ok(())
            }
            fn update_import(&mut self, row: &ImportRow) -> Result<(), DbError> {
                diesel::update(imports::table.find((row.district_id, row.number)))
                    .set(row)
                    .execute(self)?;
                Ok(())
            }
            fn import(&mut self, d: i64, number: i64) -> Result<Option<ImportRow>, DbError> {
                Ok(imports::table
                    .find((d, number))
                    .select(ImportRow::as_select())
                    .first(self)
                    .optional()?)
            }
            fn import_by_key(&mut self, d: i64, key: &str) -> Result<Option<ImportRow>, DbError> {
                Ok(imports::table
                    .filter(
                        imports::district_id
                            .eq(d)
                            .and(imports::idempotency_key.eq(key)),
                    )
                    .select(ImportRow::as_select())
                    .first(self)
                    .optional()?)
            }
            fn imports(&mut self, d: i64) -> Result<Vec<ImportMeta>, DbError> {
                Ok(imports::table
                    .filter(imports::district_id.eq(d))
                    .order(imports::number.desc())
                    .select(ImportMeta::as_select())
                    .load(self)?)
            }
            fn unsealed_imports(&mut self, limit: i64) -> Result<Vec<ImportRow>, DbError> {
                Ok(imports::table
                    .filter(imports::sealed.eq(false))
                    .order((imports::district_id, imports::number))
                    .limit(limit)
                    .select(ImportRow::as_select())
                    .load(self)?)
            }
            fn set_guard(&mut self, d: i64, percent: i64, min: i64) -> Result<(), DbError> {
                diesel::update(districts::table.find(d))
                    .set((
                        districts::guard_percent.eq(percent),
                        districts::guard_min.eq(min),
                    ))
                    .execute(self)?;
                Ok(())
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
            fn forget_idempotency_keys(&mut self, before: i64) -> Result<usize, DbError> {
                Ok(diesel::update(
                    imports::table.filter(
                        imports::idempotency_key
                            .is_not_null()
                            .and(imports::submitted_at.lt(before)),
                    ),
                )
                .set((
                    imports::idempotency_key.eq(None::<String>),
                    imports::fingerprint.eq(None::<String>),
                ))
                .execute(self)?)
            }
            fn imports_with_status(
                &mut self,
                status: ImportStatus,
            ) -> Result<Vec<ImportRow>, DbError> {
                Ok(imports::table
                    .filter(imports::status.eq(status.as_str()))
                    .order((imports::district_id, imports::number))
                    .select(ImportRow::as_select())
                    .load(self)?)
            }
            fn insert_changes(&mut self, rows: &[ChangeRow]) -> Result<(), DbError> {
                for chunk in rows.chunks(CHUNK) {
                    diesel::insert_into(import_changes::table)
                        .values(chunk)
                        .execute(self)?;
                }
                Ok(())
            }
            fn changes(&mut self, d: i64, number: i64) -> Result<Vec<ChangeRow>, DbError> {
                Ok(import_changes::table
                    .filter(
                        import_changes::district_id
                            .eq(d)
                            .and(import_changes::import_number.eq(number)),
                    )
                    .order(import_changes::user_id)
                    .select(ChangeRow::as_select())
                    .load(self)?)
            }
            fn later_changes(
                &mut self,
                d: i64,
                number: i64,
                ids: &[i64],
            ) -> Result<Vec<(i64, i64)>, DbError> {
                let mut out = Vec::new();
                for chunk in ids.chunks(CHUNK) {
                    out.extend(
                        import_changes::table
                            .inner_join(
                                imports::table.on(imports::district_id
                                    .eq(import_changes::district_id)
                                    .and(imports::number.eq(import_changes::import_number))),
                            )
                            .filter(
                                import_changes::district_id
                                    .eq(d)
                                    .and(import_changes::import_number.gt(number))
                                    .and(import_changes::user_id.eq_any(chunk)),
                            )
                            .filter(imports::status.eq(ImportStatus::Completed.as_str()))
                            .select((import_changes::import_number, import_changes::user_id))
                            .load::<(i64, i64)>(self)?,
                    );
                }
                Ok(out)
            }
            fn mapping(&mut self, d: i64, scope: &str) -> Result<Option<String>, DbError> {
                Ok(mappings::table
                    .find((d, scope))
                    .select(mappings::mapping)
                    .first(self)
                    .optional()?)
            }
            fn put_mapping(&mut self, d: i64, scope: &str, mapping: &str) -> Result<(), DbError> {
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
            fn insert_mail(
                &mut self,
                d: i64,
                to: &str,
                subject: &str,
                body: &str,
                sent: bool,
            ) -> Result<(), DbError> {
                let id: i64 = outbox::table
                    .filter(outbox::district_id.eq(d))
                    .select(diesel::dsl::max(outbox::id))
                    .first::<Option<i64>>(self)?
                    .unwrap_or(0)
                    + 1;
                let now = now_ms();
                diesel::insert_into(outbox::table)
                    .values(&MailRow {
                        district_id: d,
                        id,
                        to_addr: to.into(),
                        subject: subject.into(),
                        body: body.into(),
                        created_at: now,
                        sent_at: sent.then_some(now),
                    })
                    .execute(self)?;
                Ok(())
            }
            fn outbox(&mut self, d: i64) -> Result<Vec<MailRow>, DbError> {
                Ok(outbox::table
                    .filter(outbox::district_id.eq(d))
                    .order(outbox::id.desc())
                    .select(MailRow::as_select())
                    .load(self)?)
            }
            fn unsent_mail(&mut self, limit: i64) -> Result<Vec<MailRow>, DbError> {
                Ok(outbox::table
                    .filter(outbox::sent_at.is_null())
                    .order((outbox::created_at, outbox::district_id, outbox::id))
                    .limit(limit)
                    .select(MailRow::as_select())
                    .load(self)?)
            }
            fn mark_sent(&mut self, d: i64, id: i64, at: i64) -> Result<(), DbError> {
                diesel::update(outbox::table.find((d, id)))
                    .set(outbox::sent_at.eq(Some(at)))
                    .execute(self)?;
                Ok(())
            }
        }
    };
}

/// A scope's saved mapping, read back (one that does not parse is an error, not "none").
pub trait SavedMappings: StoreCommon {
    fn saved_mapping(
        &mut self,
        d: i64,
        scope: &str,
    ) -> Result<Option<rollcall_shared::map::SavedMapping>, DbError> {
        self.mapping(d, scope)?
            .map(|m| {
                serde_json::from_str(&m)
                    .map_err(|e| DbError::Corrupt(format!("the saved mapping of `{scope}`: {e}")))
            })
            .transpose()
    }
}
impl<T: StoreCommon> SavedMappings for T {}

/// The queries whose Diesel code is the same on both backends (stamped out by `store_impl!`).
pub trait StoreCommon {
    fn district_by_short(&mut self, short: &str) -> Result<Option<DistrictRow>, DbError>;
    fn district(&mut self, id: i64) -> Result<DistrictRow, DbError>;
    fn create_district(&mut self, short: &str, name: &str) -> Result<DistrictRow, DbError>;
    fn set_district_counters(&mut self, d: &DistrictRow) -> Result<(), DbError>;
    fn schools(&mut self, d: i64) -> Result<Vec<(String, String)>, DbError>;
    fn upsert_school(&mut self, d: i64, code: &str, name: &str) -> Result<(), DbError>;
    fn groups(&mut self, d: i64) -> Result<Vec<(i64, String)>, DbError>;
    fn create_group(&mut self, d: i64, name: &str) -> Result<i64, DbError>;
    fn add_members(&mut self, d: i64, group: i64, users: &[i64]) -> Result<(), DbError>;
    fn admin_by_email(
        &mut self,
        email: &str,
    ) -> Result<Option<(i64, i64, String, String)>, DbError>;
    fn admin(&mut self, d: i64, id: i64) -> Result<Option<(String, String)>, DbError>;
    fn create_admin(&mut self, d: i64, email: &str, name: &str, hash: &str)
        -> Result<i64, DbError>;
    fn set_admin_password(&mut self, d: i64, id: i64, hash: &str) -> Result<(), DbError>;
    fn create_session(
        &mut self,
        hash: &str,
        d: i64,
        admin: i64,
        expires_at: i64,
    ) -> Result<(), DbError>;
    /// The district a bearer token belongs to (the global lookup every request starts with).
    fn token_district(&mut self, hash: &str) -> Result<Option<i64>, DbError>;
    fn session(&mut self, hash: &str) -> Result<Option<(i64, i64, i64)>, DbError>;
    fn delete_session(&mut self, hash: &str) -> Result<(), DbError>;
    fn create_api_token(&mut self, hash: &str, d: i64, name: &str) -> Result<(), DbError>;
    fn api_token(&mut self, hash: &str) -> Result<Option<(i64, String)>, DbError>;
    fn users(&mut self, d: i64) -> Result<Vec<UserRow>, DbError>;
    fn users_by_ids(&mut self, d: i64, ids: &[i64]) -> Result<Vec<UserRow>, DbError>;
    fn users_page(&mut self, d: i64, f: &UserFilter) -> Result<(Vec<UserRow>, i64), DbError>;
    fn update_user(&mut self, row: &UserRow) -> Result<(), DbError>;
    fn set_status(&mut self, d: i64, ids: &[i64], status: &str, now: i64) -> Result<(), DbError>;
    fn delete_users(&mut self, d: i64, ids: &[i64]) -> Result<(), DbError>;
    fn insert_import(&mut self, row: &ImportRow) -> Result<(), DbError>;
    fn update_import(&mut self, row: &ImportRow) -> Result<(), DbError>;
    fn import(&mut self, d: i64, number: i64) -> Result<Option<ImportRow>, DbError>;
    fn import_by_key(&mut self, d: i64, key: &str) -> Result<Option<ImportRow>, DbError>;
    /// The history: every import of the district, newest first, without its stored request.
    fn imports(&mut self, d: i64) -> Result<Vec<ImportMeta>, DbError>;
    /// Imports of any district whose stored request may hold passwords as typed.
    fn unsealed_imports(&mut self, limit: i64) -> Result<Vec<ImportRow>, DbError>;
    fn set_guard(&mut self, d: i64, percent: i64, min: i64) -> Result<(), DbError>;
    /// Retention: sessions past their expiry.
    fn delete_expired_sessions(&mut self, now: i64) -> Result<usize, DbError>;
    /// Retention: idempotency keys (and their fingerprints) of imports submitted before `before`.
    fn forget_idempotency_keys(&mut self, before: i64) -> Result<usize, DbError>;
    fn imports_with_status(&mut self, status: ImportStatus) -> Result<Vec<ImportRow>, DbError>;
    fn insert_changes(&mut self, rows: &[ChangeRow]) -> Result<(), DbError>;
    fn changes(&mut self, d: i64, number: i64) -> Result<Vec<ChangeRow>, DbError>;
    fn later_changes(
        &mut self,
        d: i64,
        number: i64,
        users: &[i64],
    ) -> Result<Vec<(i64, i64)>, DbError>;
    fn mapping(&mut self, d: i64, scope: &str) -> Result<Option<String>, DbError>;
    fn put_mapping(&mut self, d: i64, scope: &str, mapping: &str) -> Result<(), DbError>;
    fn insert_mail(
        &mut self,
        d: i64,
        to: &str,
        subject: &str,
        body: &str,
        sent: bool,
    ) -> Result<(), DbError>;
    fn outbox(&mut self, d: i64) -> Result<Vec<MailRow>, DbError>;
    /// Unsent mail of every district, oldest first (the SMTP sender's queue).
    fn unsent_mail(&mut self, limit: i64) -> Result<Vec<MailRow>, DbError>;
    fn mark_sent(&mut self, d: i64, id: i64, at: i64) -> Result<(), DbError>;
}

mod pg {
    use super::*;
    store_impl!(PgConnection);

    impl Backend for PgConnection {
        fn write_txn<T>(
            &mut self,
            district: i64,
            f: impl FnOnce(&mut Self) -> Result<T, DbError>,
        ) -> Result<T, DbError> {
            self.transaction(|c| {
                // Writers of one district queue on its row.
                districts::table
                    .find(district)
                    .select(districts::id)
                    .for_update()
                    .first::<i64>(c)?;
                f(c)
            })
        }
        fn read_txn<T>(
            &mut self,
            f: impl FnOnce(&mut Self) -> Result<T, DbError>,
        ) -> Result<T, DbError> {
            self.build_transaction()
                .read_only()
                .repeatable_read()
                .run(f)
        }
        /// Binary COPY: the fastest way PostgreSQL takes rows.
        fn bulk_insert_users(&mut self, rows: &[UserRow]) -> Result<(), DbError> {
            if rows.is_empty() {
                return Ok(());
            }
            diesel::copy_from(users::table)
                .from_insertable(rows)
                .execute(self)?;
            Ok(())
        }
    }
}

mod sqlite {
    use super::*;
    store_impl!(SqliteConnection);

    impl Backend for SqliteConnection {
        fn write_txn<T>(
            &mut self,
            _district: i64,
            f: impl FnOnce(&mut Self) -> Result<T, DbError>,
        ) -> Result<T, DbError> {
            // BEGIN IMMEDIATE: take the write lock up front, so two writers queue instead of
            // deadlocking on the upgrade from a read lock.
            self.immediate_transaction(f)
        }
        fn read_txn<T>(
            &mut self,
            f: impl FnOnce(&mut Self) -> Result<T, DbError>,
        ) -> Result<T, DbError> {
            self.transaction(f)
        }
        /// Multi-row INSERTs (1,000 rows a statement) inside the caller's transaction.
        fn bulk_insert_users(&mut self, rows: &[UserRow]) -> Result<(), DbError> {
            for chunk in rows.chunks(CHUNK) {
                diesel::insert_into(users::table)
                    .values(chunk)
                    .execute(self)?;
            }
            Ok(())
        }
    }
}

/// What differs between the backends.
pub trait Backend: StoreCommon + Sized {
    fn write_txn<T>(
        &mut self,
        district: i64,
        f: impl FnOnce(&mut Self) -> Result<T, DbError>,
    ) -> Result<T, DbError>;
    fn read_txn<T>(
        &mut self,
        f: impl FnOnce(&mut Self) -> Result<T, DbError>,
    ) -> Result<T, DbError>;
    fn bulk_insert_users(&mut self, rows: &[UserRow]) -> Result<(), DbError>;
}
