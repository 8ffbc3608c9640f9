//! Rows as Diesel reads and writes them, and their conversions to the shared crate's types.

use crate::db::ids::{DistrictId, ImportNo};
use diesel::prelude::*;
use rollcall_shared::api::ImportStatus;
use rollcall_shared::fields::{
    Email, Grade, GradeParse, Name, Role, SchoolCode, Scope, SisId, Text,
};
use rollcall_shared::plan::{RosterUser, UserData, UserId, UserStatus};

use super::schema::*;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = districts)]
pub struct DistrictRow {
    pub id: DistrictId,
    pub short_name: String,
    pub name: String,
    pub revision: i64,
    pub next_user_id: i64,
    pub next_import: i64,
    pub guard_percent: i64,
    pub guard_min: i64,
    /// The district's own address for links in its mail.
    pub public_url: Option<String>,
    /// An IANA name (`America/Chicago`): the times its mail and pages state.
    pub time_zone: String,
    /// The address its mail is sent from (the server's `ROLLCALL_MAIL_FROM` otherwise).
    pub mail_from: Option<String>,
}

impl DistrictRow {
    /// The district's time zone. Only valid names are written: another one was put there by
    /// hand, and is an error to see.
    pub fn tz(&self) -> Result<chrono_tz::Tz, super::DbError> {
        self.time_zone
            .parse()
            .map_err(|_| super::DbError::Corrupt(format!("time zone `{}`", self.time_zone)))
    }

    /// `at` (ms since the epoch) as the district's clocks show it: `2026-12-01 09:00 CST`.
    pub fn local_time(&self, at: i64) -> Result<String, super::DbError> {
        use chrono::TimeZone;
        let tz = self.tz()?;
        Ok(match tz.timestamp_millis_opt(at) {
            chrono::LocalResult::Single(t) | chrono::LocalResult::Ambiguous(t, _) => {
                t.format("%Y-%m-%d %H:%M %Z").to_string()
            }
            chrono::LocalResult::None => format!("{at} ms"),
        })
    }

    /// The district's mass-archive policy (the planner's and the verifier's, never a client's).
    pub fn guard(&self) -> rollcall_shared::wire::GuardLimits {
        rollcall_shared::wire::GuardLimits {
            // Out of range only if edited by hand: then the strictest policy, never the loosest.
            percent: u32::try_from(self.guard_percent).unwrap_or(0),
            min: u32::try_from(self.guard_min).unwrap_or(0),
        }
    }
}

#[derive(
    Debug,
    Clone,
    PartialEq,
    Queryable,
    Selectable,
    Insertable,
    AsChangeset,
    serde::Serialize,
    serde::Deserialize,
)]
#[diesel(table_name = users, treat_none_as_default_value = false, treat_none_as_null = true)]
pub struct UserRow {
    pub district_id: DistrictId,
    pub id: i64,
    pub sis_id: Option<String>,
    pub email: Option<String>,
    pub first_name: String,
    pub last_name: String,
    pub middle_name: Option<String>,
    pub role: String,
    pub grade: Option<String>,
    pub school: String,
    pub state_id: Option<String>,
    pub alt_id: Option<String>,
    pub limited_english: Option<bool>,
    pub econ_disadvantaged: Option<bool>,
    pub status: String,
    pub scope: String,
    pub managed_by: Option<String>,
    pub password_hash: Option<String>,
    pub updated_at: i64,
    /// Before-images written before this column existed read as `false`.
    #[serde(default)]
    pub keep_active: bool,
}

pub fn status_str(s: UserStatus) -> &'static str {
    match s {
        UserStatus::Active => "active",
        UserStatus::Archived => "archived",
    }
}

impl UserRow {
    pub fn from_data(
        district: DistrictId,
        id: i64,
        d: &UserData,
        status: UserStatus,
        password_hash: Option<String>,
        now: i64,
    ) -> UserRow {
        UserRow {
            district_id: district,
            id,
            sis_id: d.sis_id.as_ref().map(|x| x.as_str().to_owned()),
            email: d.email.as_ref().map(|x| x.as_str().to_owned()),
            first_name: d.first_name.to_string(),
            last_name: d.last_name.to_string(),
            middle_name: d.middle_name.as_ref().map(Name::to_string),
            role: d.role.as_str().to_owned(),
            grade: d.grade.map(|g| g.as_str().to_owned()),
            school: d.school.to_string(),
            state_id: d.state_id.as_ref().map(Text::to_string),
            alt_id: d.alt_id.as_ref().map(Text::to_string),
            limited_english: d.limited_english,
            econ_disadvantaged: d.econ_disadvantaged,
            status: status_str(status).to_owned(),
            scope: d.scope.to_string(),
            managed_by: None,
            password_hash,
            updated_at: now,
            keep_active: false,
        }
    }

    /// The row as the planner sees it. Rows are written only from verified data, so a value
    /// that does not parse means the database was edited by hand: that is an error to see, not
    /// a value to guess.
    pub fn to_roster_user(&self) -> Result<RosterUser, super::DbError> {
        Ok(RosterUser {
            id: UserId(self.id),
            data: self.data()?,
            status: match self.status.as_str() {
                "active" => UserStatus::Active,
                "archived" => UserStatus::Archived,
                other => return Err(self.corrupt("status", other)),
            },
            managed_by: self.managed_by.clone(),
            keep_active: self.keep_active,
        })
    }

    fn corrupt(&self, what: &str, value: &str) -> super::DbError {
        super::DbError::Corrupt(format!("user {} has the {what} `{value}`", self.id))
    }

    pub fn data(&self) -> Result<UserData, super::DbError> {
        Ok(UserData {
            sis_id: self
                .sis_id
                .as_deref()
                .map(|s| SisId::parse(s).map_err(|_| self.corrupt("district id", s)))
                .transpose()?,
            email: self
                .email
                .as_deref()
                .map(|s| Email::parse(s).map_err(|_| self.corrupt("email", s)))
                .transpose()?,
            first_name: self.typed("first name", &self.first_name, Name::parse)?,
            last_name: self.typed("last name", &self.last_name, Name::parse)?,
            middle_name: self.opt("middle name", &self.middle_name, Name::parse)?,
            role: Role::parse(&self.role).map_err(|_| self.corrupt("role", &self.role))?,
            grade: self
                .grade
                .as_deref()
                .map(|g| {
                    Grade::parse(g)
                        .map(GradeParse::grade)
                        .map_err(|_| self.corrupt("grade", g))
                })
                .transpose()?,
            school: self.typed("school", &self.school, SchoolCode::parse)?,
            state_id: self.opt("state id", &self.state_id, Text::parse)?,
            alt_id: self.opt("alternate id", &self.alt_id, Text::parse)?,
            limited_english: self.limited_english,
            econ_disadvantaged: self.econ_disadvantaged,
            scope: self.typed("scope", &self.scope, Scope::parse)?,
        })
    }

    fn typed<T, E>(
        &self,
        what: &str,
        v: &str,
        parse: impl Fn(&str) -> Result<T, E>,
    ) -> Result<T, super::DbError> {
        parse(v).map_err(|_| self.corrupt(what, v))
    }

    fn opt<T, E>(
        &self,
        what: &str,
        v: &Option<String>,
        parse: impl Fn(&str) -> Result<T, E>,
    ) -> Result<Option<T>, super::DbError> {
        v.as_deref()
            .map(|v| self.typed(what, v, &parse))
            .transpose()
    }

    /// Overwrites the managed fields with `d` (password, sync and id untouched).
    pub fn set_data(&mut self, d: &UserData) {
        let keep = (
            self.district_id,
            self.id,
            self.status.clone(),
            self.managed_by.clone(),
            self.password_hash.clone(),
            self.updated_at,
        );
        let keep_active = self.keep_active;
        *self = UserRow::from_data(keep.0, keep.1, d, UserStatus::Active, keep.4, keep.5);
        self.status = keep.2;
        self.managed_by = keep.3;
        self.keep_active = keep_active;
    }
}

/// An import's row: what the history shows (`meta`) and what only the server needs.
#[derive(Debug, Clone, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = imports, treat_none_as_default_value = false, treat_none_as_null = true)]
pub struct ImportRow {
    #[diesel(embed)]
    pub meta: ImportMeta,
    pub idempotency_key: Option<String>,
    /// The sealed request's JSON, for rows written before `request_gz` (empty since).
    pub request: String,
    pub created_from: Option<i64>,
    pub created_to: Option<i64>,
    /// SHA-256 of the request the idempotency key was first used with.
    pub fingerprint: Option<String>,
    /// `request` holds no password as typed (always true for rows written by this version).
    pub sealed: bool,
    /// The app's address when it was submitted (for links in its mail).
    pub link_base: Option<String>,
    /// The sync it was made for (`Clever`…): its users become that sync's.
    pub source: Option<String>,
    /// The sealed request's JSON, gzip-compressed ([`compress_request`]).
    pub request_gz: Option<Vec<u8>>,
}

/// A sealed request as an import keeps it: its JSON, gzip-compressed as it is written (no copy
/// of the whole JSON is ever held).
pub fn compress_request(
    req: &rollcall_shared::wire::SealedRequest,
) -> Result<Vec<u8>, super::DbError> {
    use std::io::Write;
    let mut z = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    let failed = |e: &dyn std::fmt::Display| {
        super::DbError::Conflict(format!("the request cannot be stored: {e}"))
    };
    serde_json::to_writer(&mut z, &**req).map_err(|e| failed(&e))?;
    z.flush().map_err(|e| failed(&e))?;
    z.finish().map_err(|e| failed(&e))
}

impl ImportRow {
    /// The request the import stored (inflated when it is kept compressed); one that does not
    /// read back is an error, never "no request".
    pub fn sealed_request(&self) -> Result<rollcall_shared::wire::SealedRequest, super::DbError> {
        use std::io::Read;
        let unreadable = |e: &dyn std::fmt::Display| {
            super::DbError::Corrupt(format!(
                "the stored request of import {}: {e}",
                self.meta.number.0
            ))
        };
        let inflated;
        let json = match &self.request_gz {
            Some(z) => {
                let mut out = Vec::with_capacity(z.len() * 6);
                flate2::read::GzDecoder::new(&z[..])
                    .read_to_end(&mut out)
                    .map_err(|e| unreadable(&e))?;
                inflated = out;
                &inflated[..]
            }
            None => self.request.as_bytes(),
        };
        rollcall_shared::wire::SealedRequest::from_stored_json(json).map_err(|e| unreadable(&e))
    }

    /// Keeps `req` as the import's request, compressed.
    pub fn set_request(&mut self, compressed: Vec<u8>) {
        self.request = String::new();
        self.request_gz = Some(compressed);
    }

    pub fn status(&self) -> Result<ImportStatus, super::DbError> {
        self.meta.status()
    }
    pub fn set_status(&mut self, s: ImportStatus) {
        self.meta.status = s.as_str().to_owned();
    }
}

fn parse_status(s: &str) -> Result<ImportStatus, super::DbError> {
    ImportStatus::try_from(s.to_owned()).map_err(|e| super::DbError::Corrupt(e.to_string()))
}

/// An import as the history lists it: everything but the stored request.
#[derive(Debug, Clone, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = imports, treat_none_as_default_value = false, treat_none_as_null = true)]
pub struct ImportMeta {
    pub district_id: DistrictId,
    pub number: ImportNo,
    pub description: Option<String>,
    pub kind: String,
    pub scope: String,
    pub status: String,
    pub submitted_by: String,
    pub submitted_at: i64,
    pub run_at: Option<i64>,
    pub completed_at: Option<i64>,
    pub base_revision: i64,
    pub applied_revision: Option<i64>,
    pub counts: String,
    pub error: Option<String>,
}

impl ImportMeta {
    pub fn status(&self) -> Result<ImportStatus, super::DbError> {
        parse_status(&self.status)
    }
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = import_changes, treat_none_as_default_value = false)]
pub struct ChangeRow {
    pub district_id: DistrictId,
    pub import_number: ImportNo,
    pub user_id: i64,
    pub action: String,
    pub before: Option<String>,
    /// The user's row as the import left it, kept when the import is rolled back (its history
    /// still shows what it did).
    pub after_image: Option<String>,
}

impl ChangeRow {
    /// The user's row as it was before the import (the before-image), if it has one.
    pub fn before_row(&self) -> Result<Option<UserRow>, super::DbError> {
        self.before
            .as_deref()
            .map(|b| {
                serde_json::from_str(b).map_err(|e| {
                    super::DbError::Corrupt(format!(
                        "the before-image of user {}: {e}",
                        self.user_id
                    ))
                })
            })
            .transpose()
    }
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable, serde::Serialize)]
#[diesel(table_name = outbox, treat_none_as_default_value = false)]
pub struct MailRow {
    pub district_id: DistrictId,
    pub id: i64,
    pub to_addr: String,
    pub subject: String,
    pub body: String,
    pub created_at: i64,
    pub sent_at: Option<i64>,
}

/// An API token as the district's tokens page lists it (its hash never leaves the server).
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = api_tokens)]
pub struct TokenRow {
    pub district_id: DistrictId,
    pub token_hash: String,
    pub id: i64,
    pub name: String,
    pub sync: Option<String>,
    pub created_at: i64,
    pub last_used_at: Option<i64>,
    pub expires_at: Option<i64>,
}
