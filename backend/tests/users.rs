//! One user over the API, on SQLite and PostgreSQL: read in full, edited by the rules a file row
//! meets (as a `manual` import), archived and restored, "keep active" against a truncated
//! file, and the history field by field, rollbacks included.
#![allow(clippy::expect_used, clippy::unwrap_used)]

use actix_web::http::StatusCode;
use rollcall_backend::http::Limits;
use serde_json::{json, Value};

mod common;
use common::{backends, spawn_app, App};

const HEAD: &str = "District ID,First Name,Last Name,User Type,Grade,Email Address,School SIS ID";

fn file(rows: &[(&str, &str, &str)]) -> String {
    let mut s = format!("{HEAD}\n");
    for (id, first, email) in rows {
        s.push_str(&format!("{id},{first},Lee,0,05,{email},101\n"));
    }
    s
}

fn body(v: Value) -> Vec<u8> {
    serde_json::to_vec(&v).expect("json")
}

async fn id_of(app: &App, key: &str) -> i64 {
    let (s, v) = app
        .send("GET", &format!("/api/users?q={key}"), &app.a, vec![], &[])
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    v["users"][0]["id"].as_i64().expect("a user")
}

async fn user(app: &App, id: i64) -> Value {
    let (s, v) = app
        .send("GET", &format!("/api/users/{id}"), &app.a, vec![], &[])
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    v
}

async fn patch(app: &App, id: i64, rev: Option<i64>, b: Value) -> (StatusCode, Value) {
    let headers: Vec<(&str, String)> = rev
        .map(|r| ("if-match", format!("\"{r}\"")))
        .into_iter()
        .collect();
    app.send(
        "PATCH",
        &format!("/api/users/{id}"),
        &app.a,
        body(b),
        &headers,
    )
    .await
}

async fn history(app: &App, id: i64) -> Vec<Value> {
    let (s, v) = app
        .send(
            "GET",
            &format!("/api/users/{id}/history"),
            &app.a,
            vec![],
            &[],
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    v["events"].as_array().cloned().expect("events")
}

#[actix_web::test]
async fn an_admin_edits_a_user_by_the_file_rules_and_the_master_file_then_agrees() {
    for url in backends("users") {
        let app = spawn_app(&url, Limits::default()).await;
        let master = [
            ("S1", "Ann", "ann@alpha.org"),
            ("S2", "Bo", "bo@alpha.org"),
            ("S3", "Cy", "cy@alpha.org"),
        ];
        let (s, v) = app.csv("scope=s.csv", &file(&master)).await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
        let ann = id_of(&app, "S1").await;

        let u = user(&app, ann).await;
        assert_eq!(u["data"]["email"], "ann@alpha.org");
        assert_eq!(
            (u["status"].as_str(), u["keep_active"].as_bool()),
            (Some("active"), Some(false))
        );
        assert_eq!(u["managed_by"], Value::Null);
        let rev = u["revision"].as_i64().expect("revision");

        // Another district's admin does not see it, nor edit it.
        for (m, p) in [
            ("GET", format!("/api/users/{ann}")),
            ("GET", format!("/api/users/{ann}/history")),
            ("POST", format!("/api/users/{ann}/archive")),
        ] {
            let (s, _) = app.send(m, &p, &app.b, vec![], &[]).await;
            assert_eq!(s, StatusCode::NOT_FOUND, "{m} {p}");
        }
        let (s, _) = app
            .send(
                "PATCH",
                &format!("/api/users/{ann}"),
                &app.b,
                body(json!({"keep_active": true})),
                &[("if-match", format!("{rev}"))],
            )
            .await;
        assert_eq!(s, StatusCode::NOT_FOUND);

        // Bad edits: each refused with a code, nothing written.
        let email = |e: &str| json!({"changes": [{"email": e}]});
        for (rev, b, status, code) in [
            (None, email("new@alpha.org"), 428, "revision_required"),
            (Some(rev - 1), email("new@alpha.org"), 412, "stale_revision"),
            (Some(rev), email("not an email"), 422, "invalid_record"),
            (Some(rev), email("bo@alpha.org"), 422, "duplicate_email"),
            (
                Some(rev),
                json!({"changes": [{"first_name": "  "}]}),
                422,
                "invalid_record",
            ),
            (
                Some(rev),
                json!({"changes": [{"password": "a long enough password"}]}),
                400,
                "bad_request",
            ),
            (
                Some(rev),
                json!({"changes": [], "colour": "red"}),
                400,
                "invalid_json",
            ),
            (Some(rev), json!({"changes": []}), 400, "bad_request"),
        ] {
            let (s, v) = patch(&app, ann, rev, b.clone()).await;
            assert_eq!(
                (s.as_u16(), v["code"].as_str()),
                (status, Some(code)),
                "{b}: {v}"
            );
        }
        let (_, v) = patch(&app, ann, Some(rev), email("not an email")).await;
        assert_eq!(v["issue"], "invalid_email", "the browser's code: {v}");

        // The edit: a manual import that bumps the revision.
        let (s, v) = patch(&app, ann, Some(rev), email("ann.lee@alpha.org")).await;
        assert_eq!(s, StatusCode::OK, "{v}");
        assert_eq!(v["import"]["type"], "manual");
        let u = user(&app, ann).await;
        assert_eq!(u["data"]["email"], "ann.lee@alpha.org");
        assert_eq!(u["revision"].as_i64(), Some(rev + 1));

        // History, newest first, field by field.
        let h = history(&app, ann).await;
        assert_eq!(h.len(), 2, "{h:?}");
        assert_eq!(
            (h[0]["type"].as_str(), h[0]["actions"][0].as_str()),
            (Some("manual"), Some("updated"))
        );
        assert_eq!(
            h[0]["changes"]["email"],
            json!(["ann@alpha.org", "ann.lee@alpha.org"])
        );
        assert_eq!(
            h[0]["changes"].as_object().map(|o| o.len()),
            Some(1),
            "{}",
            h[0]
        );
        assert_eq!(h[1]["actions"][0], "created");
        assert_eq!(h[1]["changes"]["email"], json!([null, "ann@alpha.org"]));

        // Pass's advice: change it in the app, then in the master file: nothing to do.
        let mut fixed = master;
        fixed[0].2 = "ann.lee@alpha.org";
        let (s, v) = app.csv("scope=s.csv&dry_run=true", &file(&fixed)).await;
        assert_eq!(s, StatusCode::OK, "{v}");
        let sum = &v["summary"];
        assert_eq!(
            [
                &sum["creates"],
                &sum["updates"],
                &sum["archives"],
                &sum["restores"]
            ]
            .map(|x| x.as_u64()),
            [Some(0); 4],
            "{v}"
        );

        // Rolled back like any import; its history still says what it did.
        let n = h[0]["import"].as_i64().expect("number");
        let (s, v) = app
            .send(
                "POST",
                &format!("/api/imports/{n}/rollback"),
                &app.a,
                vec![],
                &[],
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{v}");
        assert_eq!(user(&app, ann).await["data"]["email"], "ann@alpha.org");
        let h = history(&app, ann).await;
        assert_eq!(h[0]["status"], "rolled_back");
        assert_eq!(
            h[0]["changes"]["email"],
            json!(["ann@alpha.org", "ann.lee@alpha.org"])
        );
    }
}

#[actix_web::test]
async fn keep_active_survives_a_truncated_file_until_it_is_turned_off() {
    for url in backends("keep") {
        let app = spawn_app(&url, Limits::default()).await;
        let all = [
            ("S1", "Ann", "ann@alpha.org"),
            ("S2", "Bo", "bo@alpha.org"),
            ("S3", "Cy", "cy@alpha.org"),
        ];
        let (s, v) = app.csv("scope=s.csv", &file(&all)).await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
        let ann = id_of(&app, "S1").await;
        let rev = user(&app, ann).await["revision"].as_i64().expect("rev");
        let (s, v) = patch(&app, ann, Some(rev), json!({"keep_active": true})).await;
        assert_eq!(s, StatusCode::OK, "{v}");
        assert_eq!(user(&app, ann).await["keep_active"], true);

        // A file without Ann (and Cy): Cy is archived, Ann is skipped with the reason.
        let (s, v) = app.csv("scope=s.csv", &file(&all[1..2])).await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
        assert_eq!(v["summary"]["archives"].as_u64(), Some(1), "{v}");
        let skipped = v["skipped"].as_array().expect("skipped");
        assert_eq!(skipped.len(), 1, "{v}");
        assert_eq!(
            (skipped[0]["reason"].as_str(), skipped[0]["key"].as_str()),
            (Some("keep_active"), Some("S1"))
        );
        assert_eq!(user(&app, ann).await["status"], "active");

        // Archiving a kept user is refused until the flag is off; then archive and restore.
        let (s, v) = app
            .send(
                "POST",
                &format!("/api/users/{ann}/archive"),
                &app.a,
                vec![],
                &[],
            )
            .await;
        assert_eq!(
            (s, v["code"].as_str()),
            (StatusCode::UNPROCESSABLE_ENTITY, Some("keep_active")),
            "{v}"
        );
        let rev = user(&app, ann).await["revision"].as_i64().expect("rev");
        let (s, v) = patch(&app, ann, Some(rev), json!({"keep_active": false})).await;
        assert_eq!(s, StatusCode::OK, "{v}");
        let (s, v) = app
            .send(
                "POST",
                &format!("/api/users/{ann}/archive"),
                &app.a,
                vec![],
                &[],
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{v}");
        assert_eq!(user(&app, ann).await["status"], "archived");
        let (s, v) = app
            .send(
                "POST",
                &format!("/api/users/{ann}/archive"),
                &app.a,
                vec![],
                &[],
            )
            .await;
        assert_eq!(
            (s, v["code"].as_str()),
            (StatusCode::UNPROCESSABLE_ENTITY, Some("not_active"))
        );
        let (s, v) = app
            .send(
                "POST",
                &format!("/api/users/{ann}/restore"),
                &app.a,
                vec![],
                &[],
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{v}");
        assert_eq!(user(&app, ann).await["status"], "active");

        let h = history(&app, ann).await;
        let actions: Vec<&str> = h
            .iter()
            .map(|e| e["actions"][0].as_str().unwrap_or(""))
            .collect();
        assert_eq!(
            actions,
            [
                "restored",
                "archived",
                "keep_active",
                "keep_active",
                "created"
            ],
            "{h:?}"
        );
        assert_eq!(h[1]["changes"]["status"], json!(["active", "archived"]));
        assert_eq!(h[3]["changes"]["keep_active"], json!(["no", "yes"]));
    }
}

#[actix_web::test]
async fn an_admin_sends_a_new_link_that_replaces_the_old_one() {
    for url in backends("relink") {
        let app = spawn_app(&url, Limits::default()).await;
        let staff = format!("{HEAD}\nT1,Tess,Ode,teacher,,tess@alpha.org,101\nT2,Ugo,Ode,teacher,,ugo@alpha.org,101\n");
        let (s, v) = app.csv("scope=t.csv", &staff).await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
        let tess = id_of(&app, "T1").await;
        let path = format!("/api/users/{tess}/password-link");
        // Without a public address there is nothing to link to: said, not sent.
        let (s, v) = app.send("POST", &path, &app.a, vec![], &[]).await;
        assert_eq!(
            (s, v["code"].as_str()),
            (StatusCode::CONFLICT, Some("no_mailbox")),
            "{v}"
        );
        let (s, v) = app
            .send(
                "PATCH",
                "/api/district",
                &app.a,
                body(json!({"public_url": "https://rollcall.alpha.org"})),
                &[],
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{v}");

        let mut tokens = vec![];
        for _ in 0..2 {
            let (s, v) = app.send("POST", &path, &app.a, vec![], &[]).await;
            assert_eq!(
                (s, v["sent_to"].as_str()),
                (StatusCode::ACCEPTED, Some("tess@alpha.org")),
                "{v}"
            );
            let (_, outbox) = app.send("GET", "/api/outbox", &app.a, vec![], &[]).await;
            let mail = outbox
                .as_array()
                .and_then(|m| {
                    m.iter()
                        .filter(|m| m["to_addr"] == "tess@alpha.org")
                        .max_by_key(|m| m["id"].as_i64())
                })
                .cloned()
                .expect("a mail to Tess");
            let text = mail["body"].as_str().expect("body");
            let at = text
                .find("https://rollcall.alpha.org/#/set-password/")
                .expect("a link")
                + 42;
            tokens.push(
                text[at..]
                    .split_whitespace()
                    .next()
                    .expect("token")
                    .to_owned(),
            );
        }
        assert_ne!(tokens[0], tokens[1]);
        let set = |t: &str| body(json!({"token": t, "password": "a sturdy passphrase 42"}));
        let (s, v) = app
            .send("POST", "/api/password", &app.a, set(&tokens[0]), &[])
            .await;
        assert_eq!(
            (s, v["code"].as_str()),
            (StatusCode::GONE, Some("link_used")),
            "the old link stops: {v}"
        );
        let (s, v) = app
            .send("POST", "/api/password", &app.a, set(&tokens[1]), &[])
            .await;
        assert!(s.is_success(), "{v}");
        assert_eq!(user(&app, tess).await["has_password"], true);

        // An archived user is not sent one.
        let (s, _) = app
            .send(
                "POST",
                &format!("/api/users/{tess}/archive"),
                &app.a,
                vec![],
                &[],
            )
            .await;
        assert_eq!(s, StatusCode::OK);
        let (s, v) = app.send("POST", &path, &app.a, vec![], &[]).await;
        assert_eq!(
            (s, v["code"].as_str()),
            (StatusCode::CONFLICT, Some("no_mailbox")),
            "{v}"
        );
    }
}

#[actix_web::test]
async fn a_sync_token_owns_what_it_imports_and_admins_files_leave_it_alone() {
    for url in backends("sync") {
        let app = spawn_app(&url, Limits::default()).await;
        let (s, v) = app
            .send(
                "POST",
                "/api/tokens",
                &app.a,
                body(json!({"name": "Clever nightly", "sync": "Clever", "expires_in_days": 0})),
                &[],
            )
            .await;
        assert_eq!(
            (s, v["code"].as_str()),
            (StatusCode::BAD_REQUEST, Some("bad_request")),
            "{v}"
        );
        for bad in [json!({"name": "x", "sync": "clever"}), json!({"name": " "})] {
            let (s, v) = app
                .send("POST", "/api/tokens", &app.a, body(bad.clone()), &[])
                .await;
            assert!(s.is_client_error(), "{bad}: {v}");
        }
        let (s, v) = app
            .send(
                "POST",
                "/api/tokens",
                &app.a,
                body(json!({"name": "Clever nightly", "sync": "Clever", "expires_in_days": 30})),
                &[],
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
        let secret = v["secret"].as_str().expect("secret").to_owned();
        let id = v["token"]["id"].as_i64().expect("id");
        assert_eq!(v["token"]["sync"], "Clever");
        assert!(v["token"]["expires_at"].as_i64().is_some());

        // Listed without its secret; a token cannot list or mint tokens.
        let (s, list) = app.send("GET", "/api/tokens", &app.a, vec![], &[]).await;
        assert_eq!(s, StatusCode::OK);
        assert_eq!(list.as_array().map(Vec::len), Some(1));
        assert!(!list.to_string().contains(&secret[4..]), "{list}");
        assert_eq!(list[0]["last_used_at"], Value::Null);
        let (s, v) = app.send("GET", "/api/tokens", &secret, vec![], &[]).await;
        assert_eq!(
            (s, v["code"].as_str()),
            (StatusCode::FORBIDDEN, Some("admin_only"))
        );

        // The sync imports its users: they are Clever's.
        let clever = [
            ("C1", "Cal", "cal@alpha.org"),
            ("C2", "Cam", "cam@alpha.org"),
        ];
        let (s, v) = app
            .send(
                "POST",
                "/api/imports/csv?scope=roster.csv",
                &secret,
                file(&clever).into_bytes(),
                &[],
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
        let cal = id_of(&app, "C1").await;
        assert_eq!(user(&app, cal).await["managed_by"], "Clever");
        let (_, list) = app.send("GET", "/api/tokens", &app.a, vec![], &[]).await;
        assert!(list[0]["last_used_at"].as_i64().is_some(), "{list}");

        // An admin's file that lists them (changed) and leaves one out: skipped, never archived.
        let admin_file = [
            ("C1", "Calvin", "cal@alpha.org"),
            ("A1", "Ada", "ada@alpha.org"),
        ];
        let (s, v) = app.csv("scope=roster.csv", &file(&admin_file)).await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
        let sum = &v["summary"];
        assert_eq!(
            [
                &sum["creates"],
                &sum["updates"],
                &sum["archives"],
                &sum["skipped"]
            ]
            .map(|x| x.as_u64()),
            [Some(1), Some(0), Some(0), Some(1)],
            "{v}"
        );
        assert_eq!(v["skipped"][0]["reason"], "managed_by_sync");
        assert_eq!(user(&app, cal).await["data"]["first_name"], "Cal");
        // Nor edited by hand: the sync would undo it.
        let rev = user(&app, cal).await["revision"].as_i64().expect("rev");
        let (s, v) = patch(
            &app,
            cal,
            Some(rev),
            json!({"changes": [{"first_name": "Calvin"}]}),
        )
        .await;
        assert_eq!(
            (s, v["code"].as_str()),
            (StatusCode::UNPROCESSABLE_ENTITY, Some("managed_by_sync"))
        );

        // The sync's own next file changes and archives its own users (Ada, an admin's, is in
        // the same scope and missing: the sync's file archives her too, by the scope rule).
        let (s, v) = app
            .send(
                "POST",
                "/api/imports/csv?scope=roster.csv",
                &secret,
                file(&[("C1", "Calvin", "cal@alpha.org")]).into_bytes(),
                &[],
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
        assert_eq!(v["summary"]["updates"].as_u64(), Some(1), "{v}");
        assert_eq!(v["summary"]["archives"].as_u64(), Some(2), "{v}");

        // Revoked: gone for beta (404), then for good (401).
        let (s, _) = app
            .send("DELETE", &format!("/api/tokens/{id}"), &app.b, vec![], &[])
            .await;
        assert_eq!(s, StatusCode::NOT_FOUND);
        let (s, _) = app
            .send("DELETE", &format!("/api/tokens/{id}"), &app.a, vec![], &[])
            .await;
        assert_eq!(s, StatusCode::NO_CONTENT);
        let (s, _) = app.send("GET", "/api/me", &secret, vec![], &[]).await;
        assert_eq!(s, StatusCode::UNAUTHORIZED);
    }
}
