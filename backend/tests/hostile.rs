//! Nothing lost, no one in: concurrent and retried submits, hostile and broken input, formula
//! injection, the access matrix over every route, login rate limiting, secrets kept out of logs.
//! Runs on SQLite and (with ROLLCALL_TEST_PG) PostgreSQL.
#![allow(clippy::expect_used, clippy::unwrap_used)]

use std::sync::{Arc, Mutex};

use actix_web::http::StatusCode;
use rollcall_backend::db::StoreCommon;
use rollcall_backend::http::{self, Limits};
use rollcall_backend::with_conn;
use rollcall_shared::plan::{codec, plan, Roster};
use rollcall_shared::wire::{ChangeRequest, Options};
use rollcall_shared::{validate_bytes, ImportOptions};
use serde_json::{json, Value};

mod common;
use common::{backends as fresh, spawn_app, App};

fn backends() -> Vec<String> {
    fresh("h")
}

impl App {
    async fn call_json(
        &self,
        method: &str,
        path: &str,
        token: Option<&str>,
        body: Vec<u8>,
        headers: &[(&str, String)],
    ) -> (StatusCode, Value, Vec<u8>) {
        let mut all = vec![("content-type", "application/json".to_owned())];
        all.extend(headers.iter().map(|(k, v)| (*k, v.clone())));
        let (status, _, bytes) = self.call(method, path, token, Some(body), &all).await;
        (
            status,
            serde_json::from_slice(&bytes).unwrap_or(Value::Null),
            bytes,
        )
    }

    async fn request(&self, csv: &str) -> ChangeRequest {
        let (_, _, b) = self
            .call_json("GET", "/api/roster", Some(&self.a), vec![], &[])
            .await;
        let roster: Roster = codec::decode(&b).expect("snapshot");
        let (_, v) = validate_bytes(csv.as_bytes(), &ImportOptions::default()).expect("valid");
        plan(&v, &roster, &sc("f.csv"), &Options::default()).to_request(
            "alpha",
            &Options::default(),
            true,
            None,
        )
    }
}

fn csv(n: usize, name: &str) -> String {
    let mut s =
        "District ID,First Name,Last Name,User Type,Grade,Email Address,School SIS ID\n".to_owned();
    for i in 0..n {
        s.push_str(&format!("S{i},{name},Lee,0,5,s{i}@alpha.org,101\n"));
    }
    s
}

#[actix_web::test]
async fn concurrent_submits_from_one_revision_apply_exactly_once() {
    for url in backends() {
        let app = spawn_app(&url, Limits::default()).await;
        let req = app.request(&csv(20, "Ann")).await;
        let body = req.to_json().expect("serializes");
        let calls = (0..8).map(|i| {
            let h = vec![
                ("if-match", "\"0\"".to_owned()),
                ("idempotency-key", format!("k{i}")),
            ];
            let body = body.clone();
            let app = &app;
            async move {
                app.call_json("POST", "/api/imports", Some(&app.a), body, &h)
                    .await
                    .0
            }
        });
        let statuses = futures_util::future::join_all(calls).await;
        let applied = statuses
            .iter()
            .filter(|s| **s == StatusCode::CREATED)
            .count();
        let stale = statuses
            .iter()
            .filter(|s| **s == StatusCode::PRECONDITION_FAILED)
            .count();
        assert_eq!((applied, stale), (1, 7), "{url}: {statuses:?}");
        let (_, list, _) = app
            .call_json("GET", "/api/imports", Some(&app.a), vec![], &[])
            .await;
        assert_eq!(list.as_array().map(Vec::len), Some(1));
    }
}

#[actix_web::test]
async fn concurrent_retries_with_one_key_apply_once_and_answer_alike() {
    for url in backends() {
        let app = spawn_app(&url, Limits::default()).await;
        let body = app
            .request(&csv(20, "Ann"))
            .await
            .to_json()
            .expect("serializes");
        let calls = (0..6).map(|_| {
            let h = vec![("idempotency-key", "same-key".to_owned())];
            let body = body.clone();
            let app = &app;
            async move {
                app.call_json("POST", "/api/imports", Some(&app.a), body, &h)
                    .await
            }
        });
        let results = futures_util::future::join_all(calls).await;
        let numbers: Vec<Value> = results
            .iter()
            .map(|r| r.1["import"]["number"].clone())
            .collect();
        assert!(numbers.iter().all(|n| *n == json!(1)), "{url}: {results:?}");
        assert_eq!(
            results
                .iter()
                .filter(|r| r.0 == StatusCode::CREATED)
                .count(),
            1
        );
        let (_, me, _) = app
            .call_json("GET", "/api/me", Some(&app.a), vec![], &[])
            .await;
        assert_eq!(me["district"]["revision"], 1, "applied once");
    }
}

#[actix_web::test]
async fn hostile_and_broken_input_is_refused_clearly_and_changes_nothing() {
    for url in backends() {
        let app = spawn_app(
            &url,
            Limits {
                max_body: 4 << 20,
                ..Limits::default()
            },
        )
        .await;
        let post = |body: Vec<u8>, path: &'static str| {
            let app = &app;
            async move { app.call_json("POST", path, Some(&app.a), body, &[]).await }
        };
        // Oversized body.
        let (s, _, _) = post(vec![b'a'; 5 << 20], "/api/imports/csv").await;
        assert_eq!(s, StatusCode::PAYLOAD_TOO_LARGE, "{url}");
        // Deeply nested JSON.
        let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
        let (s, v, _) = post(deep.into_bytes(), "/api/imports").await;
        assert_eq!(
            (s, v["code"].as_str()),
            (
                StatusCode::UNPROCESSABLE_ENTITY,
                Some("invalid_change_request")
            )
        );
        // Binary.
        let (s, v, _) = post(
            vec![0u8, 1, 2, 3, 255, 0, 7, 9, 0, 0, 1],
            "/api/imports/csv",
        )
        .await;
        assert_eq!(
            (s, v["code"].as_str()),
            (StatusCode::UNPROCESSABLE_ENTITY, Some("unreadable_file"))
        );
        // 100,000 columns.
        let wide = format!(
            "{}\n{}\n",
            vec!["h"; 100_000].join(","),
            vec!["x"; 100_000].join(",")
        );
        let (s, v, _) = post(wide.into_bytes(), "/api/imports/csv").await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
        // A 3 MB single cell (under the body limit, over the row limit).
        let cell = format!("District ID,First Name,Last Name,User Type,Email Address,School SIS ID\nS1,{},Lee,0,a@b.org,101\n", "x".repeat(3 << 20));
        let (s, v, _) = post(cell.into_bytes(), "/api/imports/csv").await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            v["issues"]
                .as_array()
                .is_some_and(|a| a.iter().any(|i| i["code"] == "row_too_long")),
            "{v}"
        );
        // Invalid UTF-8 in every field: read (as Windows-1252), flagged, never a panic.
        let mut bad =
            b"District ID,First Name,Last Name,User Type,Grade,Email Address,School SIS ID\n"
                .to_vec();
        bad.extend_from_slice(b"S\xff1,J\xfcrgen,M\xfcller,0,5,j\xfc@b.org,1\xff01\n");
        let (s, v, _) = post(bad, "/api/imports/csv?dry_run=true").await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
        assert!(
            v["skipped"][0]["key"]
                .as_str()
                .is_some_and(|k| k.starts_with('S')),
            "read, decoded, and reported: {v}"
        );
        // Nothing of it was applied.
        let (_, me, _) = app
            .call_json("GET", "/api/me", Some(&app.a), vec![], &[])
            .await;
        assert_eq!(me["district"]["revision"], 0);
        let (_, users, _) = app
            .call_json("GET", "/api/users", Some(&app.a), vec![], &[])
            .await;
        assert_eq!(users["total"], 0);
    }
}

#[actix_web::test]
async fn every_csv_rollcall_writes_neutralises_formula_cells() {
    for url in backends() {
        let app = spawn_app(&url, Limits::default()).await;
        let file = "District ID,First Name,Last Name,User Type,Grade,Email Address,School SIS ID\nS1,=cmd|'/c calc'!A0,+Lee,0,5,a@b.org,101\nS2,@SUM(A1),-Kim,0,5,b@b.org,101\n";
        let (s, v, _) = app
            .call_json(
                "POST",
                "/api/imports/csv?scope=f",
                Some(&app.a),
                file.as_bytes().to_vec(),
                &[],
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
        for path in ["/api/users/export.csv", "/api/imports/1/download"] {
            let (s, _, body) = app.call_json("GET", path, Some(&app.a), vec![], &[]).await;
            assert_eq!(s, StatusCode::OK);
            let text = String::from_utf8(body).expect("utf8");
            for cell in text.lines().skip(1).flat_map(|l| l.split(',')) {
                let c = cell.trim_matches('"');
                assert!(
                    !matches!(
                        c.as_bytes().first(),
                        Some(b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r')
                    ),
                    "{path}: {c}"
                );
            }
            assert!(
                text.contains("'=cmd")
                    && text.contains("'@SUM(A1)")
                    && text.contains("'+Lee")
                    && text.contains("'-Kim"),
                "{text}"
            );
        }
        // The round trip holds: the exported file re-imports to nothing.
        let (_, _, master) = app
            .call_json("GET", "/api/users/export.csv", Some(&app.a), vec![], &[])
            .await;
        let (s, v, _) = app
            .call_json(
                "POST",
                "/api/imports/csv?scope=f&dry_run=true",
                Some(&app.a),
                master,
                &[],
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{v}");
        assert_eq!(v["summary"]["unchanged"], 2, "{v}");
    }
}

/// For every route: what another district's admin gets. A route missing here fails the test.
fn cross_district(route: &str) -> Option<(&'static str, StatusCode)> {
    Some(match route {
        "/api/imports/{number}" | "/api/imports/{number}/download" => ("/1", StatusCode::NOT_FOUND),
        "/api/imports/{number}/rollback" | "/api/imports/{number}/cancel" => {
            ("/1", StatusCode::NOT_FOUND)
        }
        "/api/mappings/{scope}" => ("f.csv", StatusCode::NOT_FOUND),
        "/api/schools/{code}" => ("A9", StatusCode::NOT_FOUND),
        "/api/groups/{id}" | "/api/groups/{id}/members" => ("2", StatusCode::NOT_FOUND),
        "/api/groups/{id}/members/{user_id}" => ("2", StatusCode::NOT_FOUND),
        "/api/users/{id}"
        | "/api/users/{id}/archive"
        | "/api/users/{id}/restore"
        | "/api/users/{id}/history"
        | "/api/users/{id}/password-link"
        | "/api/tokens/{id}" => ("1", StatusCode::NOT_FOUND),
        "/api/session"
        | "/api/password"
        | "/api/me"
        | "/api/district"
        | "/api/schools"
        | "/api/groups"
        | "/api/roster"
        | "/api/imports"
        | "/api/imports/csv"
        | "/api/users"
        | "/api/users/export.csv"
        | "/api/outbox"
        | "/api/tokens" => ("", StatusCode::OK),
        _ => return None,
    })
}

#[actix_web::test]
async fn the_access_matrix_covers_every_route() {
    for url in backends() {
        let app = spawn_app(&url, Limits::default()).await;
        let (s, _, _) = app
            .call_json(
                "POST",
                "/api/imports/csv?scope=f.csv",
                Some(&app.a),
                csv(3, "Ann").into_bytes(),
                &[],
            )
            .await;
        assert_eq!(s, StatusCode::CREATED);
        let (s, _, _) = app
            .call_json(
                "PUT",
                "/api/mappings/f.csv",
                Some(&app.a),
                br#"{"fields":{}}"#.to_vec(),
                &[],
            )
            .await;
        assert_eq!(s, StatusCode::NO_CONTENT);
        // An alpha token that beta must neither see nor revoke.
        {
            let mut conn = app.state.db.get().expect("conn");
            with_conn!(conn, |c| c.create_api_token(
                &rollcall_backend::http::auth::token_hash("rct_alpha"),
                rollcall_backend::db::DistrictId(1),
                "Alpha Only nightly",
                Some("Clever"),
                None
            ))
            .expect("token");
        }
        // An expired session: same answer as none.
        let expired = "rcs_expired-token";
        {
            let mut conn = app.state.db.get().expect("conn");
            with_conn!(conn, |c| c.create_session(
                &rollcall_backend::http::auth::token_hash(expired),
                rollcall_backend::db::DistrictId(1),
                1,
                0
            ))
            .expect("session");
        }
        let mut b = app.b.clone();
        for (method, route) in http::ROUTES {
            let Some((id, want)) = cross_district(route) else {
                panic!("{method} {route}: add it to the access matrix")
            };
            // The two doors without a token: signing in, and a set-password link's own secret.
            if (*route == "/api/session" && *method == "POST") || *route == "/api/password" {
                continue;
            }
            let path = route
                .replace("/{number}", id)
                .replace("{scope}", id)
                .replace("{code}", id)
                .replace("{id}", id)
                .replace("{user_id}", "1");
            for token in [None, Some(expired)] {
                let (s, _, _) = app
                    .call_json(method, &path, token, b"{}".to_vec(), &[])
                    .await;
                assert_eq!(
                    s,
                    StatusCode::UNAUTHORIZED,
                    "{method} {path} with {token:?}"
                );
            }
            // Beta's admin, on alpha's objects: not found; on lists: only beta's (empty) data.
            let body = if *route == "/api/imports" && *method == "POST" {
                b"{}".to_vec()
            } else {
                vec![]
            };
            let (s, v, raw) = app.call_json(method, &path, Some(&b), body, &[]).await;
            match (*method, *route) {
                ("POST", "/api/imports") => assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY),
                ("POST", "/api/imports/csv") => assert_ne!(s, StatusCode::CREATED),
                ("POST", "/api/schools") | ("POST", "/api/groups") | ("POST", "/api/tokens") => {
                    assert_eq!(s, StatusCode::BAD_REQUEST)
                }
                ("PUT", "/api/groups/{id}/members/{user_id}") | ("PATCH", "/api/users/{id}") => {
                    assert_eq!(s, want)
                }
                ("PUT", _) | ("PATCH", _) => assert_eq!(s, StatusCode::BAD_REQUEST),
                ("DELETE", "/api/session") => {
                    assert_eq!(s, StatusCode::NO_CONTENT, "signs beta out, only beta");
                    b = app.login("admin@beta.org").await;
                }
                _ => assert_eq!(s, want, "{method} {path}: {v}"),
            }
            let text = String::from_utf8_lossy(&raw);
            assert!(
                !text.contains("Ann")
                    && !text.contains("s1@alpha.org")
                    && !text.contains("Alpha Only"),
                "{method} {path} leaks alpha's data: {text}"
            );
        }
    }
}

#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
        self.0.lock().expect("lock").extend_from_slice(b);
        Ok(b.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[actix_web::test]
async fn tokens_and_password_hashes_never_reach_the_logs() {
    let logs = Captured::default();
    let writer = logs.clone();
    // Global, as in `main`: it also takes actix's access log (the `log` crate).
    let installed = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(move || writer.clone())
        .try_init();
    assert!(
        installed.is_ok(),
        "the only test of this binary that installs a subscriber"
    );
    let url = backends().remove(0);
    let app = spawn_app(&url, Limits::default()).await;
    let (_, _, _) = app
        .call_json(
            "POST",
            "/api/imports/csv?scope=f",
            Some(&app.a),
            csv(2, "Ann").into_bytes(),
            &[],
        )
        .await;
    let (_, _, _) = app
        .call_json("GET", "/api/users", Some(&app.a), vec![], &[])
        .await;
    let (_, _, _) = app
        .call_json(
            "POST",
            "/api/session",
            None,
            json!({"email": "admin@alpha.org", "password": "wrong password"})
                .to_string()
                .into_bytes(),
            &[],
        )
        .await;
    let text = String::from_utf8(logs.0.lock().expect("lock").clone()).expect("utf8");
    assert!(!text.is_empty(), "the requests were logged");
    let hash = {
        let mut conn = app.state.db.get().expect("conn");
        with_conn!(conn, |c| c.admin_by_email("admin@alpha.org"))
            .expect("admin")
            .expect("exists")
            .3
    };
    for secret in [
        app.a.as_str(),
        app.b.as_str(),
        "correct horse",
        "wrong password",
        hash.as_str(),
    ] {
        assert!(!text.contains(secret), "a secret reached the logs");
    }
}

/// A scope for tests.
fn sc(s: &str) -> rollcall_shared::fields::Scope {
    rollcall_shared::fields::Scope::parse(s).expect("a valid scope")
}
