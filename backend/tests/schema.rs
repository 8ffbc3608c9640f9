//! Ready to distribute, checked: every primary key and unique index of district data includes
//! `district_id` (so each table can be distributed by district), read from the migrated schema
//! of both backends. The global tables are listed here, with why.
#![allow(clippy::expect_used, clippy::unwrap_used)]

use std::collections::BTreeMap;

use diesel::prelude::*;
use diesel::sql_types::{Bool, Text};
use rollcall_backend::db::Db;

mod common;

/// Tables that are not district data: the districts themselves, and the two lookups that start
/// without a district (reference tables when distributed).
const GLOBAL: &[&str] = &[
    "districts",
    "logins",
    "token_districts",
    "__diesel_schema_migrations",
];

#[derive(QueryableByName, Debug)]
struct Key {
    #[diesel(sql_type = Text)]
    tbl: String,
    #[diesel(sql_type = Text)]
    name: String,
    #[diesel(sql_type = Bool)]
    is_unique: bool,
    #[diesel(sql_type = Text)]
    cols: String,
}

/// Every table and its primary key and indexes, with their columns.
fn keys(url: &str) -> (Vec<String>, Vec<Key>) {
    if let Some(path) = url.strip_prefix("sqlite://") {
        let mut c = SqliteConnection::establish(path).expect("sqlite");
        #[derive(QueryableByName)]
        struct T {
            #[diesel(sql_type = Text)]
            name: String,
        }
        let tables: Vec<String> = diesel::sql_query(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'",
        )
        .load::<T>(&mut c)
        .expect("tables")
        .into_iter()
        .map(|t| t.name)
        .collect();
        let mut keys = vec![];
        for t in &tables {
            // The primary key (pk > 0, in key order), then each index with its columns.
            let pk: Vec<Key> = diesel::sql_query(format!(
                "SELECT '{t}' AS tbl, 'primary key' AS name, 1 AS is_unique, \
                 group_concat(name, ',') AS cols FROM \
                 (SELECT name FROM pragma_table_info('{t}') WHERE pk > 0 ORDER BY pk)"
            ))
            .load(&mut c)
            .expect("pk");
            keys.extend(pk.into_iter().filter(|k| !k.cols.is_empty()));
            keys.extend(
                diesel::sql_query(format!(
                    "SELECT '{t}' AS tbl, il.name AS name, il.\"unique\" AS is_unique, \
                     (SELECT group_concat(ii.name, ',') FROM pragma_index_info(il.name) ii) AS cols \
                     FROM pragma_index_list('{t}') il"
                ))
                .load::<Key>(&mut c)
                .expect("indexes"),
            );
        }
        return (tables, keys);
    }
    let mut c = PgConnection::establish(url).expect("pg");
    #[derive(QueryableByName)]
    struct T {
        #[diesel(sql_type = Text)]
        name: String,
    }
    let tables = diesel::sql_query(
        "SELECT table_name::text AS name FROM information_schema.tables \
         WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'",
    )
    .load::<T>(&mut c)
    .expect("tables")
    .into_iter()
    .map(|t| t.name)
    .collect();
    let keys = diesel::sql_query(
        "SELECT t.relname::text AS tbl, i.relname::text AS name, ix.indisunique AS is_unique, \
         string_agg(a.attname::text, ',' ORDER BY a.attnum) AS cols \
         FROM pg_index ix JOIN pg_class t ON t.oid = ix.indrelid JOIN pg_class i ON i.oid = ix.indexrelid \
         JOIN pg_namespace n ON n.oid = t.relnamespace \
         JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = ANY(ix.indkey) \
         WHERE n.nspname = current_schema() GROUP BY t.relname, i.relname, ix.indisunique",
    )
    .load::<Key>(&mut c)
    .expect("indexes");
    (tables, keys)
}

#[test]
fn every_key_of_district_data_includes_the_district() {
    for url in common::backends("schema") {
        drop(Db::connect(&url).expect("migrated"));
        let (tables, keys) = keys(&url);
        assert!(tables.iter().any(|t| t == "users"), "{url}: {tables:?}");
        let mut by_table: BTreeMap<&str, Vec<&Key>> = BTreeMap::new();
        for k in &keys {
            by_table.entry(k.tbl.as_str()).or_default().push(k);
        }
        let mut bad = vec![];
        for t in tables.iter().filter(|t| !GLOBAL.contains(&t.as_str())) {
            let ks = by_table.get(t.as_str()).cloned().unwrap_or_default();
            if !ks.iter().any(|k| k.is_unique) {
                bad.push(format!("{t}: no primary key"));
            }
            for k in ks.iter().filter(|k| k.is_unique) {
                if !k.cols.split(',').any(|c| c == "district_id") {
                    bad.push(format!(
                        "{t}: {} ({}) is unique without district_id",
                        k.name, k.cols
                    ));
                }
            }
        }
        assert!(bad.is_empty(), "{url}:\n{}", bad.join("\n"));
    }
}

/// A script's API token and an admin's sign-in made before the district keys still work after
/// the migration that moved them.
#[test]
fn tokens_and_logins_survive_the_move_to_district_keys() {
    use diesel_migrations::MigrationHarness;
    use rollcall_backend::db::{StoreCommon, MIGRATIONS};
    use rollcall_backend::with_conn;
    for url in common::backends("schema_move") {
        let old = |c: &mut dyn FnMut(&str)| {
            c("INSERT INTO districts (id, short_name, name) VALUES (1, 'd', 'D')");
            c("INSERT INTO admins (district_id, id, email, name, password_hash) VALUES (1, 1, 'a@d.org', 'A', 'h')");
            c("INSERT INTO api_tokens (token_hash, district_id, name, created_at) VALUES ('th', 1, 'nightly', 0)");
            c("INSERT INTO sessions (token_hash, district_id, admin_id, expires_at) VALUES ('sh', 1, 1, 99)");
        };
        macro_rules! at_version_two {
            ($conn:expr) => {{
                let c = &mut $conn;
                c.run_next_migration(MIGRATIONS).expect("init");
                c.run_next_migration(MIGRATIONS).expect("trust");
                old(&mut |q| {
                    diesel::connection::SimpleConnection::batch_execute(c, q).expect(q);
                });
            }};
        }
        if let Some(path) = url.strip_prefix("sqlite://") {
            at_version_two!(SqliteConnection::establish(path).expect("sqlite"));
        } else {
            at_version_two!(PgConnection::establish(&url).expect("pg"));
        }
        let db = Db::connect(&url).expect("the rest of the migrations");
        let mut conn = db.get().expect("conn");
        let (token, session, admin) =
            with_conn!(conn, |c| -> Result<_, rollcall_backend::db::DbError> {
                Ok((
                    c.api_token("th")?,
                    c.session("sh")?,
                    c.admin_by_email("a@d.org")?,
                ))
            })
            .expect("lookups");
        assert_eq!(
            token.map(|t| (t.district_id, t.name, t.id)),
            Some((rollcall_backend::db::DistrictId(1), "nightly".to_owned(), 1)),
            "{url}"
        );
        assert_eq!(
            session,
            Some((rollcall_backend::db::DistrictId(1), 1, 99)),
            "{url}"
        );
        assert_eq!(
            admin.map(|a| (a.0, a.1)),
            Some((rollcall_backend::db::DistrictId(1), 1)),
            "{url}"
        );
        // The one allocator starts after the ids already there, and never gives one twice.
        let ids = with_conn!(conn, |c| -> Result<_, rollcall_backend::db::DbError> {
            Ok((
                c.create_admin(rollcall_backend::db::DistrictId(1), "b@d.org", "B", "h")?,
                c.create_group(rollcall_backend::db::DistrictId(1), "G1")?,
                c.create_group(rollcall_backend::db::DistrictId(1), "G2")?,
            ))
        })
        .expect("allocate");
        assert_eq!(ids, (2, 1, 2), "{url}");
    }
}
