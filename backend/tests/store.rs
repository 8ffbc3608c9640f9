//! The store's set-wise writes on SQLite and PostgreSQL: changed users are written whole (every
//! column but the key), and a row whose user is not there is refused, not skipped.
#![allow(clippy::expect_used, clippy::unwrap_used)]

use rollcall_backend::db::models::UserRow;
use rollcall_backend::db::{Backend, Db, DbError, StoreCommon};
use rollcall_backend::with_conn;

mod common;
use common::backends;

#[test]
fn changed_users_are_written_whole_and_only_where_they_exist() {
    for url in backends("store") {
        let db = Db::connect(&url).expect("db");
        let mut conn = db.get().expect("conn");
        let r: Result<(), DbError> = with_conn!(conn, |c| -> Result<(), DbError> {
            let d = c.create_district("s", "S")?;
            for s in ["101", "102"] {
                c.upsert_school(d.id, s, s)?;
            }
            let row = |id: i64| UserRow {
                district_id: d.id,
                id,
                sis_id: Some(format!("S{id}")),
                email: Some(format!("u{id}@x.org")),
                first_name: "Ann".into(),
                last_name: "Lee".into(),
                middle_name: None,
                role: "student".into(),
                grade: Some("05".into()),
                school: "101".into(),
                state_id: None,
                alt_id: None,
                limited_english: None,
                econ_disadvantaged: Some(false),
                status: "active".into(),
                scope: "f.csv".into(),
                managed_by: None,
                password_hash: None,
                updated_at: 1,
                keep_active: false,
            };
            c.bulk_insert_users(&[row(1), row(2), row(3)])?;
            // Every column but the key changes, for two of the three.
            let changed = |id: i64| UserRow {
                sis_id: Some(format!("T{id}")),
                email: Some(format!("new{id}@x.org")),
                first_name: "Bea".into(),
                last_name: "Ng".into(),
                middle_name: Some("Q".into()),
                role: "teacher".into(),
                grade: None,
                school: "102".into(),
                state_id: Some("ST".into()),
                alt_id: Some("AL".into()),
                limited_english: Some(true),
                econ_disadvantaged: None,
                status: "archived".into(),
                scope: "g.csv".into(),
                managed_by: Some("nightly".into()),
                password_hash: Some("$argon2id$v=19$x".into()),
                updated_at: 2,
                keep_active: true,
                ..row(id)
            };
            let new = [changed(1), changed(3)];
            c.update_users(&new.iter().collect::<Vec<_>>())?;
            let mut back = c.users_by_ids(d.id, &[1, 2, 3])?;
            back.sort_by_key(|r| r.id);
            assert_eq!(back, vec![changed(1), row(2), changed(3)], "{url}");
            let ghost = changed(4);
            assert!(
                c.update_users(&[&ghost]).is_err(),
                "{url}: a row without its user is refused"
            );
            Ok(())
        });
        r.expect("store");
    }
}
