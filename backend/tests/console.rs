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
    let (s, v) = app
        .send("GET", "/api/schools?counts=true", token, vec![], &[])
        .await;
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
            (json!({"sis_code": "205", "name": "  "}), "invalid_record"),
            (
                json!({"sis_code": "205", "name": "X", "id": 3}),
                "invalid_json",
            ),
            (json!({"sis_code": "2\n05", "name": "X"}), "invalid_record"),
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

/// The token in a set-password mail's link, if the mail has one.
fn link_token(body: &str) -> Option<String> {
    let at = body.find("/#/set-password/")? + "/#/set-password/".len();
    Some(body[at..].split_whitespace().next()?.to_owned())
}

async fn staff_mail(app: &App, to: &str) -> String {
    let (_, outbox) = app.send("GET", "/api/outbox", &app.a, vec![], &[]).await;
    outbox
        .as_array()
        .and_then(|m| m.iter().rev().find(|m| m["to_addr"] == to))
        .and_then(|m| m["body"].as_str())
        .map(str::to_owned)
        .unwrap_or_else(|| panic!("no mail to {to}: {outbox}"))
}

fn user_hash(app: &App, email: &str) -> Option<String> {
    use rollcall_backend::db::StoreCommon;
    let mut conn = app.state.db.get().expect("conn");
    rollcall_backend::with_conn!(conn, |c| c.users(rollcall_backend::db::DistrictId(1)))
        .expect("users")
        .into_iter()
        .find(|u| u.email.as_deref() == Some(email))
        .and_then(|u| u.password_hash)
}

/// Each new staff member gets a mail whose link sets a password once; no mail carries a
/// password; a link made from a header a script invented is never sent.
#[actix_web::test]
async fn a_set_password_mail_has_a_working_single_use_link() {
    use rollcall_shared::wire::Options;
    let options = Options {
        email_new_staff: true,
        ..Options::default()
    };
    for url in backends("console_pw") {
        let app = spawn_app(&url, Limits::default()).await;
        let file = format!("{HEAD}\nT1,Tia,Moss,1,,tia.moss@alpha.org,101\nT2,Ugo,Vale,1,,ugo.vale@alpha.org,101\n");
        let req = app.planned(&file, "staff.csv", &options).await;
        // The browser's own origin (this server): the link leads back to it.
        let (s, _, b) = app
            .submit_request(&req, &[("origin", "http://localhost:8080".into())])
            .await;
        assert_eq!(s, StatusCode::CREATED, "{}", String::from_utf8_lossy(&b));
        let mail = staff_mail(&app, "tia.moss@alpha.org").await;
        assert!(
            mail.contains("http://localhost:8080/#/set-password/"),
            "{mail}"
        );
        let token = link_token(&mail).expect("a link");
        assert!(
            token.starts_with("1."),
            "the link names its district: {token}"
        );
        assert_eq!(user_hash(&app, "tia.moss@alpha.org"), None);

        let set = |token: &str, pw: &str| body(json!({"token": token, "password": pw}));
        // Too short, or the email's name: refused, and the link still works.
        for weak in ["short", "tia.moss-2026!"] {
            let (s, _, b) = app
                .call("POST", "/api/password", None, Some(set(&token, weak)), &[])
                .await;
            let v: Value = serde_json::from_slice(&b).expect("json");
            assert_eq!(
                (s, v["code"].as_str()),
                (StatusCode::UNPROCESSABLE_ENTITY, Some("invalid_password")),
                "{weak}: {v}"
            );
            assert_eq!(v["issue"], "weak_password");
        }
        let (s, _, _) = app
            .call(
                "POST",
                "/api/password",
                None,
                Some(set(&token, "correct horse battery")),
                &[],
            )
            .await;
        assert_eq!(s, StatusCode::NO_CONTENT);
        let hash = user_hash(&app, "tia.moss@alpha.org").expect("a password is set");
        assert!(rollcall_backend::db::apply::verify_password(
            "correct horse battery",
            &hash
        ));
        // Once only; a made-up or altered token is no link at all.
        let (s, _, b) = app
            .call(
                "POST",
                "/api/password",
                None,
                Some(set(&token, "another good password")),
                &[],
            )
            .await;
        let v: Value = serde_json::from_slice(&b).expect("json");
        assert_eq!(
            (s, v["code"].as_str()),
            (StatusCode::GONE, Some("link_used")),
            "{v}"
        );
        let other_district = format!("2.{}", &token[2..]);
        for bad in ["nonsense", "1.abc", other_district.as_str()] {
            let (s, _, _) = app
                .call(
                    "POST",
                    "/api/password",
                    None,
                    Some(set(bad, "correct horse battery")),
                    &[],
                )
                .await;
            assert_eq!(s, StatusCode::NOT_FOUND, "{bad}");
        }
        // No mail holds a password, and the second new staff member's link is their own.
        let (_, outbox) = app.send("GET", "/api/outbox", &app.a, vec![], &[]).await;
        assert!(!outbox.to_string().contains("correct horse"));
        let ugo = link_token(&staff_mail(&app, "ugo.vale@alpha.org").await).expect("a link");
        assert_ne!(ugo, token);

        // A request whose Origin is not this server's: the mail asks for a link instead.
        let file = format!("{HEAD}\nT3,Wes,Yu,1,,wes.yu@alpha.org,101\n");
        let req = app.planned(&file, "more-staff.csv", &options).await;
        let (s, _, _) = app
            .submit_request(&req, &[("origin", "https://evil.example".into())])
            .await;
        assert_eq!(s, StatusCode::CREATED);
        let mail = staff_mail(&app, "wes.yu@alpha.org").await;
        assert!(
            link_token(&mail).is_none() && !mail.contains("evil"),
            "{mail}"
        );
    }
}

/// The job runner sends what an immediate apply sends: a scheduled import's staff get their
/// links (to the address it was submitted from), and its submitter the completion notice.
#[actix_web::test]
async fn a_scheduled_import_sends_the_same_mail() {
    use rollcall_backend::db::{apply, now_ms, DistrictId, StoreCommon};
    use rollcall_shared::wire::{Options, SealedRequest};
    for url in backends("console_jobs") {
        let app = spawn_app(&url, Limits::default()).await;
        let options = Options {
            email_new_staff: true,
            ..Options::default()
        };
        let file = format!("{HEAD}\nT9,Zoe,Quill,1,,zoe.quill@alpha.org,101\n");
        let req = app.planned(&file, "staff.csv", &options).await;
        let sealed: SealedRequest = apply::seal(req).expect("sealed");
        let run_at = now_ms() + 3_600_000;
        {
            let mut conn = app.state.db.get().expect("conn");
            let outcome = rollcall_backend::with_conn!(conn, |c| apply::submit(
                c,
                &apply::Submission {
                    district: DistrictId(1),
                    request: &sealed,
                    submitted_by: "admin@alpha.org",
                    kind: "upload",
                    idempotency_key: None,
                    fingerprint: None,
                    if_match: None,
                    run_at: Some(run_at),
                    link_base: Some("https://rollcall.alpha.org"),
                }
            ))
            .expect("queued");
            let apply::Outcome::Queued(mut queued) = outcome else {
                panic!("not queued")
            };
            // Its time comes (moved to the past, instead of waiting an hour).
            queued.meta.run_at = Some(now_ms() - 1);
            rollcall_backend::with_conn!(conn, |c| c.update_import(&queued)).expect("due");
        }
        assert!(app
            .send("GET", "/api/outbox", &app.a, vec![], &[])
            .await
            .1
            .as_array()
            .is_some_and(Vec::is_empty));
        assert_eq!(
            rollcall_backend::jobs::run_due(&app.state.db).expect("runs"),
            1
        );
        let mail = staff_mail(&app, "zoe.quill@alpha.org").await;
        assert!(
            mail.contains("https://rollcall.alpha.org/#/set-password/1."),
            "{mail}"
        );
        let notice = staff_mail(&app, "admin@alpha.org").await;
        assert!(
            notice.contains(" UTC: 1 created")
                && notice.contains("https://rollcall.alpha.org/#/history/1"),
            "{notice}"
        );
    }
}

/// Groups are created, renamed and removed; their members listed (paged), added and removed;
/// an import with the group option fills one; another district sees none of it.
#[actix_web::test]
async fn groups_are_managed_and_filled_by_an_import() {
    use rollcall_shared::wire::Options;
    for url in backends("console_groups") {
        let app = spawn_app(&url, Limits::default()).await;
        let (s, g) = app
            .send(
                "POST",
                "/api/groups",
                &app.a,
                body(json!({"name": "Robotics"})),
                &[],
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{g}");
        let id = g["id"].as_i64().expect("id");
        for (b, code) in [
            (json!({"name": "Robotics"}), "group_exists"),
            (json!({"name": ""}), "invalid_record"),
            (json!({"title": "x"}), "invalid_json"),
        ] {
            let (s, v) = app
                .send("POST", "/api/groups", &app.a, body(b.clone()), &[])
                .await;
            assert!(s.is_client_error(), "{b}");
            assert_eq!(v["code"], code, "{b}: {v}");
        }
        // An import with the group option: every user of the file joins.
        let options = Options {
            group: Some(id),
            ..Options::default()
        };
        let file =
            format!("{HEAD}\nS1,Ann,Lee,0,05,,101\nS2,Bo,Ray,0,05,,101\nS3,Cy,Poe,0,05,,101\n");
        let req = app.planned(&file, "s.csv", &options).await;
        let (s, _, b) = app.submit_request(&req, &[]).await;
        assert_eq!(s, StatusCode::CREATED, "{}", String::from_utf8_lossy(&b));
        let path = format!("/api/groups/{id}/members?per_page=2");
        let (s, m) = app.send("GET", &path, &app.a, vec![], &[]).await;
        assert_eq!(s, StatusCode::OK, "{m}");
        assert_eq!(
            (m["total"].as_i64(), m["users"].as_array().map(Vec::len)),
            (Some(3), Some(2)),
            "{m}"
        );
        let (_, list) = app
            .send("GET", "/api/groups?counts=true", &app.a, vec![], &[])
            .await;
        let robotics = list
            .as_array()
            .and_then(|l| l.iter().find(|x| x["id"] == id).cloned())
            .expect("listed");
        assert_eq!(robotics["members"], 3);
        // One by one: remove a member, add them back (twice is no change), an unknown user 404.
        let who = m["users"][0]["id"].as_i64().expect("user");
        let member = format!("/api/groups/{id}/members/{who}");
        assert_eq!(
            app.send("DELETE", &member, &app.a, vec![], &[]).await.0,
            StatusCode::NO_CONTENT
        );
        assert_eq!(
            app.send("DELETE", &member, &app.a, vec![], &[]).await.0,
            StatusCode::NOT_FOUND
        );
        assert_eq!(
            app.send("PUT", &member, &app.a, vec![], &[]).await.0,
            StatusCode::NO_CONTENT
        );
        assert_eq!(
            app.send("PUT", &member, &app.a, vec![], &[]).await.0,
            StatusCode::NO_CONTENT
        );
        assert_eq!(
            app.send(
                "PUT",
                &format!("/api/groups/{id}/members/999"),
                &app.a,
                vec![],
                &[]
            )
            .await
            .0,
            StatusCode::NOT_FOUND
        );
        let (_, m) = app.send("GET", &path, &app.a, vec![], &[]).await;
        assert_eq!(m["total"], 3);
        // Rename (not to another group's name), then remove: its users stay.
        let (s, v) = app
            .send(
                "PATCH",
                &format!("/api/groups/{id}"),
                &app.a,
                body(json!({"name": "Readers"})),
                &[],
            )
            .await;
        assert_eq!(
            (s, v["code"].as_str()),
            (StatusCode::CONFLICT, Some("group_exists"))
        );
        let (s, v) = app
            .send(
                "PATCH",
                &format!("/api/groups/{id}"),
                &app.a,
                body(json!({"name": "Robots"})),
                &[],
            )
            .await;
        assert_eq!(
            (s, v["name"].as_str(), v["members"].as_u64()),
            (StatusCode::OK, Some("Robots"), Some(3))
        );
        // Another district: none of it.
        assert_eq!(
            app.send("GET", &path, &app.b, vec![], &[]).await.0,
            StatusCode::NOT_FOUND
        );
        assert_eq!(
            app.send("PUT", &member, &app.b, vec![], &[]).await.0,
            StatusCode::NOT_FOUND
        );
        assert_eq!(
            app.send("DELETE", &format!("/api/groups/{id}"), &app.b, vec![], &[])
                .await
                .0,
            StatusCode::NOT_FOUND
        );
        assert_eq!(
            app.send("DELETE", &format!("/api/groups/{id}"), &app.a, vec![], &[])
                .await
                .0,
            StatusCode::NO_CONTENT
        );
        assert_eq!(
            app.send("GET", &path, &app.a, vec![], &[]).await.0,
            StatusCode::NOT_FOUND
        );
        let (_, users) = app.send("GET", "/api/users", &app.a, vec![], &[]).await;
        assert_eq!(users["total"], 3, "the users stay");
    }
}

/// A queued import can be cancelled before its time, and then never runs; anything else is not
/// cancelled; another district's is not found.
#[actix_web::test]
async fn a_scheduled_import_can_be_cancelled_and_never_runs() {
    use rollcall_shared::wire::Options;
    for url in backends("console_cancel") {
        let app = spawn_app(&url, Limits::default()).await;
        let later = Options {
            apply_at: Some("2999-01-01T00:00:00Z".into()),
            ..Options::default()
        };
        // The district's clocks: a time zone it names, refused when unknown.
        for (tz, status) in [("Mars/Olympus", 400), ("America/Chicago", 200)] {
            let (s, v) = app
                .send(
                    "PATCH",
                    "/api/district",
                    &app.a,
                    body(json!({"time_zone": tz})),
                    &[],
                )
                .await;
            assert_eq!(s.as_u16(), status, "{tz}: {v}");
        }
        let file = format!("{HEAD}\nS1,Ann,Lee,0,05,,101\n");
        let req = app.planned(&file, "s.csv", &later).await;
        let (s, _, b) = app.submit_request(&req, &[]).await;
        assert_eq!(s, StatusCode::ACCEPTED, "{}", String::from_utf8_lossy(&b));
        let n = serde_json::from_slice::<Value>(&b).expect("json")["import"]["number"]
            .as_i64()
            .expect("number");
        let (_, detail) = app
            .send("GET", &format!("/api/imports/{n}"), &app.a, vec![], &[])
            .await;
        assert_eq!(detail["run_at_local"], "2998-12-31 18:00 CST", "{detail}");
        let path = format!("/api/imports/{n}/cancel");
        assert_eq!(
            app.send("POST", &path, &app.b, vec![], &[]).await.0,
            StatusCode::NOT_FOUND
        );
        let (s, v) = app.send("POST", &path, &app.a, vec![], &[]).await;
        assert_eq!(
            (s, v["import"]["status"].as_str()),
            (StatusCode::OK, Some("cancelled")),
            "{v}"
        );
        let (s, v) = app.send("POST", &path, &app.a, vec![], &[]).await;
        assert_eq!(
            (s, v["code"].as_str()),
            (StatusCode::CONFLICT, Some("not_queued")),
            "{v}"
        );
        // Even once its time has come, the runner leaves it.
        {
            use rollcall_backend::db::{now_ms, DistrictId, ImportNo, StoreCommon};
            let mut conn = app.state.db.get().expect("conn");
            rollcall_backend::with_conn!(conn, |c| -> Result<(), rollcall_backend::db::DbError> {
                let mut i = c.import(DistrictId(1), ImportNo(n))?.expect("import");
                i.meta.run_at = Some(now_ms() - 1);
                c.update_import(&i)
            })
            .expect("due");
        }
        assert_eq!(
            rollcall_backend::jobs::run_due(&app.state.db).expect("runs"),
            0
        );
        let (_, users) = app.send("GET", "/api/users", &app.a, vec![], &[]).await;
        assert_eq!(users["total"], 0, "nothing of it applied");
        // An applied import is not cancelled (it can be rolled back).
        let (s, v) = app.csv("scope=s.csv", &file).await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
        let done = v["import"]["number"].as_i64().expect("number");
        let (s, _) = app
            .send(
                "POST",
                &format!("/api/imports/{done}/cancel"),
                &app.a,
                vec![],
                &[],
            )
            .await;
        assert_eq!(s, StatusCode::CONFLICT);
    }
}

/// The district's own public address is set in its settings, checked, and used by the links in
/// its mail even when the request names no origin (a script's import).
#[actix_web::test]
async fn the_districts_public_address_leads_its_links() {
    use rollcall_shared::wire::Options;
    for url in backends("console_url") {
        let app = spawn_app(&url, Limits::default()).await;
        for bad in [
            "javascript:alert(1)",
            "ftp://x.org",
            "https://a b.org",
            "https://x.org/?next=evil",
            "https://",
        ] {
            let (s, v) = app
                .send(
                    "PATCH",
                    "/api/district",
                    &app.a,
                    body(json!({"public_url": bad})),
                    &[],
                )
                .await;
            assert_eq!(
                (s, v["code"].as_str()),
                (StatusCode::BAD_REQUEST, Some("invalid_json")),
                "{bad}: {v}"
            );
        }
        let (s, v) = app
            .send(
                "PATCH",
                "/api/district",
                &app.a,
                body(json!({"public_url": " https://rollcall.alpha.org/app/ "})),
                &[],
            )
            .await;
        assert_eq!(
            (s, v["public_url"].as_str()),
            (StatusCode::OK, Some("https://rollcall.alpha.org/app")),
            "{v}"
        );
        let (_, got) = app.send("GET", "/api/district", &app.a, vec![], &[]).await;
        assert_eq!(got["public_url"], "https://rollcall.alpha.org/app");
        let (_, other) = app.send("GET", "/api/district", &app.b, vec![], &[]).await;
        assert_eq!(other["public_url"], Value::Null, "beta's own settings");
        // A script's import (no Origin): the link still leads to the district's address.
        let options = Options {
            email_new_staff: true,
            ..Options::default()
        };
        let file = format!("{HEAD}\nT5,Ida,Nu,1,,ida.nu@alpha.org,101\n");
        let req = app.planned(&file, "staff.csv", &options).await;
        let (s, _, _) = app.submit_request(&req, &[]).await;
        assert_eq!(s, StatusCode::CREATED);
        let mail = staff_mail(&app, "ida.nu@alpha.org").await;
        assert!(
            mail.contains("https://rollcall.alpha.org/app/#/set-password/1."),
            "{mail}"
        );
        // Forgotten with "".
        let (_, v) = app
            .send(
                "PATCH",
                "/api/district",
                &app.a,
                body(json!({"public_url": ""})),
                &[],
            )
            .await;
        assert_eq!(v["public_url"], Value::Null);

        // The sender of its mail: an address, or "" for the server's.
        let (s, v) = app
            .send(
                "PATCH",
                "/api/district",
                &app.a,
                body(json!({"mail_from": "not an address"})),
                &[],
            )
            .await;
        assert_eq!(
            (s, v["issue"].as_str()),
            (StatusCode::UNPROCESSABLE_ENTITY, Some("invalid_email")),
            "{v}"
        );
        let (s, v) = app
            .send(
                "PATCH",
                "/api/district",
                &app.a,
                body(json!({"mail_from": " Rollcall@Alpha.org "})),
                &[],
            )
            .await;
        assert_eq!(
            (s, v["mail_from"].as_str()),
            (StatusCode::OK, Some("rollcall@alpha.org")),
            "{v}"
        );
        assert_eq!(v["time_zone"], "UTC", "unchanged: {v}");
        let (_, v) = app
            .send(
                "PATCH",
                "/api/district",
                &app.a,
                body(json!({"mail_from": ""})),
                &[],
            )
            .await;
        assert_eq!(v["mail_from"], Value::Null);
    }
}
