//! rollcall-backend: the system of record (actix-web + Diesel, SQLite or PostgreSQL) and the
//! admin CLI, in one binary. Rules live in `rollcall_shared`; this crate stores and serves.

pub mod cli;
pub mod db;
pub mod http;
pub mod jobs;
pub mod mail;
pub mod maintenance;
pub mod secret;
