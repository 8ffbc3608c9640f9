//! The database: one code path for SQLite (the embedded default) and PostgreSQL. Every query
//! lives in the [`Store`] trait, whose body is written once in `store_impl!` and stamped out for
//! each concrete connection (Diesel's `MultiConnection` cannot do multi-row inserts or upserts);
//! the few things that differ (locking, bulk load) are the `Backend`-specific methods.

pub mod apply;
pub mod ids;
pub use ids::{DistrictId, ImportNo};
pub mod models;
pub mod notices;
mod queries;
mod rollback;
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
    /// Members of this group only (`GET /api/groups/{id}/members`).
    #[serde(skip)]
    pub group: Option<i64>,
    pub page: Option<i64>,
    pub per_page: Option<i64>,
}

/// Every query Rollcall runs, each scoped to a district: implemented for both connections.
pub trait Store: Backend + StoreCommon {}
impl<T: Backend + StoreCommon> Store for T {}

const CHUNK: usize = 1000;

use queries::{
    auth::auth_queries, district::district_queries, groups::group_queries,
    imports::imports_queries, links::link_queries, mail::mail_queries, schools::school_queries,
    users::users_queries,
};

macro_rules! store_impl {
    ($conn:ty) => {
        impl StoreCommon for $conn {
            district_queries!();
            school_queries!();
            group_queries!();
            auth_queries!();
            users_queries!();
            imports_queries!();
            mail_queries!();
            link_queries!();
        }
    };
}

/// A scope's saved mapping, read back (one that does not parse is an error, not "none").
pub trait SavedMappings: StoreCommon {
    fn saved_mapping(
        &mut self,
        d: DistrictId,
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

/// The per-district ids that are allocated one at a time (user ids and import numbers are
/// allocated in bulk by the apply, from the same district row).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Counter {
    Group,
    Admin,
    Mail,
    Token,
}

/// The queries whose Diesel code is the same on both backends (stamped out by `store_impl!`).
pub trait StoreCommon {
    /// The next id of `what` in district `d` (the one allocator of per-district ids).
    fn allocate(&mut self, d: DistrictId, what: Counter) -> Result<i64, DbError>;
    fn district_by_short(&mut self, short: &str) -> Result<Option<DistrictRow>, DbError>;
    fn district(&mut self, id: DistrictId) -> Result<DistrictRow, DbError>;
    fn create_district(&mut self, short: &str, name: &str) -> Result<DistrictRow, DbError>;
    fn set_district_counters(&mut self, d: &DistrictRow) -> Result<(), DbError>;
    fn schools(&mut self, d: DistrictId) -> Result<Vec<(String, String)>, DbError>;
    fn upsert_school(&mut self, d: DistrictId, code: &str, name: &str) -> Result<(), DbError>;
    /// (school code, active users) for every code active users have.
    fn active_users_by_school(&mut self, d: DistrictId) -> Result<Vec<(String, i64)>, DbError>;
    /// Active users at one school.
    fn active_users_at(&mut self, d: DistrictId, code: &str) -> Result<i64, DbError>;
    fn school(&mut self, d: DistrictId, code: &str) -> Result<Option<(String, String)>, DbError>;
    fn insert_school(&mut self, d: DistrictId, code: &str, name: &str) -> Result<(), DbError>;
    fn rename_school(&mut self, d: DistrictId, code: &str, name: &str) -> Result<(), DbError>;
    fn recode_school(
        &mut self,
        d: DistrictId,
        old: &str,
        new: &str,
        now: i64,
    ) -> Result<usize, DbError>;
    fn delete_school(&mut self, d: DistrictId, code: &str) -> Result<(), DbError>;
    fn groups(&mut self, d: DistrictId) -> Result<Vec<(i64, String)>, DbError>;
    fn create_group(&mut self, d: DistrictId, name: &str) -> Result<i64, DbError>;
    fn add_members(&mut self, d: DistrictId, group: i64, users: &[i64]) -> Result<(), DbError>;
    /// (group, members) for every group with members.
    fn group_sizes(&mut self, d: DistrictId) -> Result<Vec<(i64, i64)>, DbError>;
    fn group_size(&mut self, d: DistrictId, id: i64) -> Result<i64, DbError>;
    /// A group's name.
    fn group(&mut self, d: DistrictId, id: i64) -> Result<Option<String>, DbError>;
    fn group_named(&mut self, d: DistrictId, name: &str) -> Result<Option<i64>, DbError>;
    fn rename_group(&mut self, d: DistrictId, id: i64, name: &str) -> Result<(), DbError>;
    fn delete_group(&mut self, d: DistrictId, id: i64) -> Result<(), DbError>;
    /// `false` when the user was not a member.
    fn remove_member(&mut self, d: DistrictId, group: i64, user: i64) -> Result<bool, DbError>;
    fn admin_by_email(
        &mut self,
        email: &str,
    ) -> Result<Option<(DistrictId, i64, String, String)>, DbError>;
    fn admin(&mut self, d: DistrictId, id: i64) -> Result<Option<(String, String)>, DbError>;
    fn create_admin(
        &mut self,
        d: DistrictId,
        email: &str,
        name: &str,
        hash: &str,
    ) -> Result<i64, DbError>;
    fn set_admin_password(&mut self, d: DistrictId, id: i64, hash: &str) -> Result<(), DbError>;
    fn create_session(
        &mut self,
        hash: &str,
        d: DistrictId,
        admin: i64,
        expires_at: i64,
    ) -> Result<(), DbError>;
    /// Enters a bearer token's hash in the global lookup (with its session or API token).
    fn register_token(&mut self, hash: &str, d: DistrictId) -> Result<(), DbError>;
    /// The district a bearer token belongs to (the global lookup every request starts with).
    fn token_district(&mut self, hash: &str) -> Result<Option<DistrictId>, DbError>;
    fn session(&mut self, hash: &str) -> Result<Option<(DistrictId, i64, i64)>, DbError>;
    fn delete_session(&mut self, hash: &str) -> Result<(), DbError>;
    fn create_api_token(
        &mut self,
        hash: &str,
        d: DistrictId,
        name: &str,
        sync: Option<&str>,
        expires_at: Option<i64>,
    ) -> Result<i64, DbError>;
    fn api_token(&mut self, hash: &str) -> Result<Option<TokenRow>, DbError>;
    fn api_tokens(&mut self, d: DistrictId) -> Result<Vec<TokenRow>, DbError>;
    fn touch_token(&mut self, d: DistrictId, hash: &str, now: i64) -> Result<(), DbError>;
    fn delete_token(&mut self, d: DistrictId, id: i64) -> Result<bool, DbError>;
    fn users(&mut self, d: DistrictId) -> Result<Vec<UserRow>, DbError>;
    /// The district's roster, read row by row into the planner's form (never a million rows
    /// held twice: the peak of a snapshot or an apply).
    fn roster(&mut self, district: &DistrictRow) -> Result<rollcall_shared::user::Roster, DbError>;
    fn users_by_ids(&mut self, d: DistrictId, ids: &[i64]) -> Result<Vec<UserRow>, DbError>;
    fn users_page(&mut self, d: DistrictId, f: &UserFilter)
        -> Result<(Vec<UserRow>, i64), DbError>;
    fn user(&mut self, d: DistrictId, id: i64) -> Result<Option<UserRow>, DbError>;
    fn user_groups(&mut self, d: DistrictId, id: i64) -> Result<Vec<(i64, String)>, DbError>;
    fn user_changes(&mut self, d: DistrictId, id: i64) -> Result<Vec<ChangeRow>, DbError>;
    fn imports_of_user(
        &mut self,
        d: DistrictId,
        id: i64,
        numbers: &[i64],
    ) -> Result<Vec<ImportMeta>, DbError>;
    fn set_after_images(
        &mut self,
        d: DistrictId,
        number: ImportNo,
        images: &[(i64, String)],
    ) -> Result<(), DbError>;
    fn update_user(&mut self, row: &UserRow) -> Result<(), DbError>;
    fn set_status(
        &mut self,
        d: DistrictId,
        ids: &[i64],
        status: &str,
        now: i64,
    ) -> Result<(), DbError>;
    fn delete_users(&mut self, d: DistrictId, ids: &[i64]) -> Result<(), DbError>;
    fn insert_import(&mut self, row: &ImportRow) -> Result<(), DbError>;
    fn update_import(&mut self, row: &ImportRow) -> Result<(), DbError>;
    fn import(&mut self, d: DistrictId, number: ImportNo) -> Result<Option<ImportRow>, DbError>;
    fn import_by_key(&mut self, d: DistrictId, key: &str) -> Result<Option<ImportRow>, DbError>;
    /// The history: every import of the district, newest first, without its stored request.
    fn imports(&mut self, d: DistrictId) -> Result<Vec<ImportMeta>, DbError>;
    /// Imports of any district whose stored request may hold passwords as typed.
    fn unsealed_imports(&mut self, limit: i64) -> Result<Vec<ImportRow>, DbError>;
    fn set_guard(&mut self, d: DistrictId, percent: i64, min: i64) -> Result<(), DbError>;
    /// The district's own address for links (`None`: the server's, or the browser's).
    fn set_time_zone(&mut self, d: DistrictId, tz: &str) -> Result<(), DbError>;
    fn set_mail_from(&mut self, d: DistrictId, from: Option<&str>) -> Result<(), DbError>;
    fn set_public_url(&mut self, d: DistrictId, url: Option<&str>) -> Result<(), DbError>;
    /// Retention: sessions past their expiry.
    fn delete_expired_sessions(&mut self, now: i64) -> Result<usize, DbError>;
    /// Retention: idempotency keys (and their fingerprints) of imports submitted before `before`.
    fn forget_idempotency_keys(&mut self, before: i64) -> Result<usize, DbError>;
    fn imports_with_status(&mut self, status: ImportStatus) -> Result<Vec<ImportRow>, DbError>;
    fn insert_changes(&mut self, rows: &[ChangeRow]) -> Result<(), DbError>;
    fn changes(&mut self, d: DistrictId, number: ImportNo) -> Result<Vec<ChangeRow>, DbError>;
    fn later_changes(
        &mut self,
        d: DistrictId,
        number: ImportNo,
        users: &[i64],
    ) -> Result<Vec<(i64, i64)>, DbError>;
    fn mapping(&mut self, d: DistrictId, scope: &str) -> Result<Option<String>, DbError>;
    fn put_mapping(&mut self, d: DistrictId, scope: &str, mapping: &str) -> Result<(), DbError>;
    fn insert_mail(
        &mut self,
        d: DistrictId,
        to: &str,
        subject: &str,
        body: &str,
        sent: bool,
    ) -> Result<(), DbError>;
    fn outbox(&mut self, d: DistrictId) -> Result<Vec<MailRow>, DbError>;
    /// Unsent mail of every district, oldest first (the SMTP sender's queue).
    fn unsent_mail(&mut self, limit: i64) -> Result<Vec<MailRow>, DbError>;
    fn mark_sent(&mut self, d: DistrictId, id: i64, at: i64) -> Result<(), DbError>;
    fn insert_password_link(
        &mut self,
        d: DistrictId,
        hash: &str,
        user: i64,
        expires_at: i64,
    ) -> Result<(), DbError>;
    /// (user, expires_at, used_at) of a link.
    fn password_link(
        &mut self,
        d: DistrictId,
        hash: &str,
    ) -> Result<Option<(i64, i64, Option<i64>)>, DbError>;
    fn burn_links_of(&mut self, d: DistrictId, user: i64, now: i64) -> Result<usize, DbError>;
    fn use_password_link(&mut self, d: DistrictId, hash: &str, now: i64) -> Result<bool, DbError>;
    fn set_user_password(
        &mut self,
        d: DistrictId,
        user: i64,
        hash: &str,
        now: i64,
    ) -> Result<(), DbError>;
}

mod pg {
    use super::*;
    store_impl!(PgConnection);

    impl Backend for PgConnection {
        const IDS_A_QUERY: usize = 100_000;
        fn write_txn<T>(
            &mut self,
            district: DistrictId,
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
        /// One statement per 10,000 rows: each column goes as an array and the rows join their
        /// users by key (`UPDATE … FROM unnest(…)`), instead of a round trip per user.
        fn update_users(&mut self, rows: &[&UserRow]) -> Result<(), DbError> {
            use diesel::sql_types::{Array, BigInt, Bool, Nullable, Text};
            // Every field of the row is written: a field added to `UserRow` stops this from
            // compiling until it is bound below and named in `UPDATE_USERS`.
            let _every_field = |r: &UserRow| {
                let UserRow {
                    district_id: _,
                    id: _,
                    sis_id: _,
                    email: _,
                    first_name: _,
                    last_name: _,
                    middle_name: _,
                    role: _,
                    grade: _,
                    school: _,
                    state_id: _,
                    alt_id: _,
                    limited_english: _,
                    econ_disadvantaged: _,
                    status: _,
                    scope: _,
                    managed_by: _,
                    password_hash: _,
                    updated_at: _,
                    keep_active: _,
                } = r;
            };
            type Texts = Array<Nullable<Text>>;
            /// One column of the chunk, as the array it is bound as.
            fn each<T>(chunk: &[&UserRow], f: impl Fn(&UserRow) -> T) -> Vec<T> {
                chunk.iter().map(|r| f(r)).collect()
            }
            for chunk in rows.chunks(10_000) {
                let n = diesel::sql_query(UPDATE_USERS)
                    .bind::<Array<BigInt>, _>(each(chunk, |r| r.district_id.0))
                    .bind::<Array<BigInt>, _>(each(chunk, |r| r.id))
                    .bind::<Texts, _>(each(chunk, |r| r.sis_id.clone()))
                    .bind::<Texts, _>(each(chunk, |r| r.email.clone()))
                    .bind::<Array<Text>, _>(each(chunk, |r| r.first_name.clone()))
                    .bind::<Array<Text>, _>(each(chunk, |r| r.last_name.clone()))
                    .bind::<Texts, _>(each(chunk, |r| r.middle_name.clone()))
                    .bind::<Array<Text>, _>(each(chunk, |r| r.role.clone()))
                    .bind::<Texts, _>(each(chunk, |r| r.grade.clone()))
                    .bind::<Array<Text>, _>(each(chunk, |r| r.school.clone()))
                    .bind::<Texts, _>(each(chunk, |r| r.state_id.clone()))
                    .bind::<Texts, _>(each(chunk, |r| r.alt_id.clone()))
                    .bind::<Array<Nullable<Bool>>, _>(each(chunk, |r| r.limited_english))
                    .bind::<Array<Nullable<Bool>>, _>(each(chunk, |r| r.econ_disadvantaged))
                    .bind::<Array<Text>, _>(each(chunk, |r| r.status.clone()))
                    .bind::<Array<Text>, _>(each(chunk, |r| r.scope.clone()))
                    .bind::<Texts, _>(each(chunk, |r| r.managed_by.clone()))
                    .bind::<Texts, _>(each(chunk, |r| r.password_hash.clone()))
                    .bind::<Array<BigInt>, _>(each(chunk, |r| r.updated_at))
                    .bind::<Array<Bool>, _>(each(chunk, |r| r.keep_active))
                    .execute(self)?;
                if n != chunk.len() {
                    return Err(DbError::Conflict(format!(
                        "{n} of {} users to update were found",
                        chunk.len()
                    )));
                }
            }
            Ok(())
        }
    }

    /// Every column of `users` but its key, from one array per column.
    const UPDATE_USERS: &str = "UPDATE users AS u SET sis_id = v.sis_id, email = v.email, \
        first_name = v.first_name, last_name = v.last_name, middle_name = v.middle_name, \
        role = v.role, grade = v.grade, school = v.school, state_id = v.state_id, \
        alt_id = v.alt_id, limited_english = v.limited_english, \
        econ_disadvantaged = v.econ_disadvantaged, status = v.status, scope = v.scope, \
        managed_by = v.managed_by, password_hash = v.password_hash, \
        updated_at = v.updated_at, keep_active = v.keep_active \
        FROM unnest($1::int8[], $2::int8[], $3::text[], $4::text[], $5::text[], $6::text[], \
        $7::text[], $8::text[], $9::text[], $10::text[], $11::text[], $12::text[], \
        $13::bool[], $14::bool[], $15::text[], $16::text[], $17::text[], $18::text[], \
        $19::int8[], $20::bool[]) AS v(district_id, id, sis_id, email, first_name, last_name, \
        middle_name, role, grade, school, state_id, alt_id, limited_english, \
        econ_disadvantaged, status, scope, managed_by, password_hash, updated_at, keep_active) \
        WHERE u.district_id = v.district_id AND u.id = v.id";
}

mod sqlite {
    use super::*;
    store_impl!(SqliteConnection);

    impl Backend for SqliteConnection {
        const IDS_A_QUERY: usize = CHUNK;
        fn write_txn<T>(
            &mut self,
            _district: DistrictId,
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
        /// A statement per user: SQLite runs in this process, so a statement costs no round trip.
        fn update_users(&mut self, rows: &[&UserRow]) -> Result<(), DbError> {
            for r in rows {
                let n = diesel::update(users::table.find((r.district_id, r.id)))
                    .set(*r)
                    .execute(self)?;
                if n != 1 {
                    return Err(DbError::Conflict(format!(
                        "user {} to update not found",
                        r.id
                    )));
                }
            }
            Ok(())
        }
    }
}

/// What differs between the backends.
pub trait Backend: StoreCommon + Sized {
    fn write_txn<T>(
        &mut self,
        district: DistrictId,
        f: impl FnOnce(&mut Self) -> Result<T, DbError>,
    ) -> Result<T, DbError>;
    fn read_txn<T>(
        &mut self,
        f: impl FnOnce(&mut Self) -> Result<T, DbError>,
    ) -> Result<T, DbError>;
    fn bulk_insert_users(&mut self, rows: &[UserRow]) -> Result<(), DbError>;
    /// How many ids one `IN (…)` may list: SQLite binds each id as a parameter (and caps their
    /// number); PostgreSQL binds the list as one array, and one query reads the table once.
    const IDS_A_QUERY: usize;
    /// Writes each row (every column but the key) over its user, in the caller's transaction;
    /// a row whose user is not there is an error, not a row skipped.
    fn update_users(&mut self, rows: &[&UserRow]) -> Result<(), DbError>;
}
