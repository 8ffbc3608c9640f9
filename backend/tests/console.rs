//! The district's console over the API, on SQLite and PostgreSQL: each endpoint's success, its
//! bad input (a clear 4xx in JSON), and another district's objects (404).
#![allow(clippy::expect_used, clippy::unwrap_used)]

use actix_web::http::StatusCode;
use rollcall_backend::http::Limits;
use serde_json::{json, Value};

mod common;
use common::{backends, spawn_app, App};

const HEAD: &str = "District ID,First Name,Last Name,User Type,Grade,Email Address,School SIS ID";

fn body(v: Value) -> Vec<u8> {
    serde_json::to_vec(&v).expect("json")
}

async fn schools(app: &App, token: &str) -> Vec<Value> {
    let (s, v) = app.send("GET", "/api/schools", token, vec![], &[]).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    v.as_array().cloned().unwrap_or_default()
}

async fn revision(app: &App) -> i64 {
    let (_, me) = app.send("GET", "/api/me", &app.a, vec![], &[]).await;
    me["district"]["revision"].as_i64().expect("revision")
}

#[actix_web::test]
async fn schools_are_added_renamed_recoded_and_removed_and_files_use_them() {
    for url in backends("console") {
        let app = spawn_app(&url, Limits::default()).await;
        // A file naming a school the district does not have is refused…
        let file = format!("{HEAD}\nS1,Ann,Lee,0,05,,204\nS2,Bo,Ray,0,05,,204\n");
        let (s, v) = app.csv("scope=s.csv&dry_run=true", &file).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
        // …until the school is added.
        let (s, v) = app
            .send(
                "POST",
                "/api/schools",
                &app.a,
                body(json!({"sis_code": " 204 ", "name": "Hill Middle"})),
                &[],
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
        assert_eq!(v["sis_code"], "204", "trimmed");
        let (s, v) = app.csv("scope=s.csv", &file).await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
        let listed = schools(&app, &app.a).await;
        let hill = listed
            .iter()
            .find(|x| x["sis_code"] == "204")
            .expect("listed");
        assert_eq!(
            (hill["name"].as_str(), hill["active_users"].as_u64()),
            (Some("Hill Middle"), Some(2))
        );

        // The same code twice, a blank name, an unknown field: refused with a code.
        for (b, code) in [
            (json!({"sis_code": "204", "name": "Again"}), "school_exists"),
            (json!({"sis_code": "205", "name": "  "}), "invalid_json"),
            (
                json!({"sis_code": "205", "name": "X", "id": 3}),
                "invalid_json",
            ),
            (json!({"sis_code": "2\n05", "name": "X"}), "invalid_json"),
        ] {
            let (s, v) = app
                .send("POST", "/api/schools", &app.a, body(b.clone()), &[])
                .await;
            assert!(s.is_client_error(), "{b}: {s}");
            assert_eq!(v["code"], code, "{b}: {v}");
        }

        // A school with active users cannot be removed; its users move with a new code, and
        // the roster's revision says it changed.
        let (s, v) = app
            .send("DELETE", "/api/schools/204", &app.a, vec![], &[])
            .await;
        assert_eq!(
            (s, v["code"].as_str()),
            (StatusCode::CONFLICT, Some("school_in_use")),
            "{v}"
        );
        assert_eq!(v["active_users"], 2);
        let before = revision(&app).await;
        let (s, v) = app
            .send(
                "PATCH",
                "/api/schools/204",
                &app.a,
                body(json!({"sis_code": "0204", "name": "Hill MS"})),
                &[],
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{v}");
        assert_eq!(
            (
                v["sis_code"].as_str(),
                v["name"].as_str(),
                v["active_users"].as_u64()
            ),
            (Some("0204"), Some("Hill MS"), Some(2))
        );
        assert_eq!(revision(&app).await, before + 1);
        let (_, users) = app
            .send("GET", "/api/users?school=0204", &app.a, vec![], &[])
            .await;
        assert_eq!(users["total"], 2, "{users}");
        // The file with the old code now names an unknown school; with the new one, no change.
        let (s, _) = app.csv("scope=s.csv&dry_run=true", &file).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        let (s, v) = app
            .csv("scope=s.csv&dry_run=true", &file.replace(",204", ",0204"))
            .await;
        assert_eq!(s, StatusCode::OK, "{v}");
        assert_eq!(v["summary"]["unchanged"], 2, "{v}");
        // A new code another school has is refused; renaming alone keeps the revision.
        let (s, v) = app
            .send(
                "PATCH",
                "/api/schools/0204",
                &app.a,
                body(json!({"sis_code": "101"})),
                &[],
            )
            .await;
        assert_eq!(
            (s, v["code"].as_str()),
            (StatusCode::CONFLICT, Some("school_exists"))
        );
        let r = revision(&app).await;
        let (s, _) = app
            .send(
                "PATCH",
                "/api/schools/101",
                &app.a,
                body(json!({"name": "First St."})),
                &[],
            )
            .await;
        assert_eq!(s, StatusCode::OK);
        assert_eq!(revision(&app).await, r);

        // Another district sees none of it and changes none of it.
        assert!(schools(&app, &app.b)
            .await
            .iter()
            .all(|x| x["sis_code"] != "0204"));
        let (s, _) = app
            .send(
                "PATCH",
                "/api/schools/0204",
                &app.b,
                body(json!({"name": "Mine"})),
                &[],
            )
            .await;
        assert_eq!(s, StatusCode::NOT_FOUND);
        let (s, _) = app
            .send("DELETE", "/api/schools/0204", &app.b, vec![], &[])
            .await;
        assert_eq!(s, StatusCode::NOT_FOUND);

        // Once its users are archived, the school can go.
        let (s, v) = app.csv("scope=s.csv&confirm_archives=true", HEAD).await;
        assert!(
            s.is_success() || s == StatusCode::UNPROCESSABLE_ENTITY,
            "{v}"
        );
        let (s, v) = app
            .send(
                "POST",
                "/api/schools",
                &app.a,
                body(json!({"sis_code": "999", "name": "Empty"})),
                &[],
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
        let (s, _) = app
            .send("DELETE", "/api/schools/999", &app.a, vec![], &[])
            .await;
        assert_eq!(s, StatusCode::NO_CONTENT);
        assert!(schools(&app, &app.a)
            .await
            .iter()
            .all(|x| x["sis_code"] != "999"));
    }
}
