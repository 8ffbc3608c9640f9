//! The queries, one file per resource: each a macro of `StoreCommon` method bodies, written once
//! and stamped out for PostgreSQL and SQLite by `store_impl!` (Diesel's `MultiConnection` does not
//! compile multi-row inserts or upserts).

pub(crate) mod auth;
pub(crate) mod district;
pub(crate) mod groups;
pub(crate) mod imports;
pub(crate) mod links;
pub(crate) mod mail;
pub(crate) mod schools;
pub(crate) mod users;
