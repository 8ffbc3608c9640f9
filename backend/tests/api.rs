//! The API, black-box: each test gets a fresh database — a SQLite file, and (when
//! ROLLCALL_TEST_PG is set, as `make test` does) a fresh schema on a real PostgreSQL server —
//! two districts with an admin each, and drives the app through HTTP requests.
#![allow(clippy::expect_used, clippy::unwrap_used)]

use std::sync::atomic::Ordering;

use actix_web::http::StatusCode;
use rollcall_backend::db::apply;
use rollcall_backend::db::Db;
use rollcall_backend::http::{self, AppState, Config, Limits};
use rollcall_backend::with_conn;
use rollcall_shared::plan::{codec, plan, Roster};
use rollcall_shared::wire::{ChangeRequest, Options};
use rollcall_shared::{validate_bytes, ImportOptions};
use serde_json::{json, Value};

mod common;
use common::{backends as fresh, spawn_app as spawn, App, SCHOOLS};

fn backends() -> Vec<String> {
    fresh("t")
}

async fn spawn_app(url: &str) -> App {
    spawn(url, Limits::default()).await
}

impl App {
    async fn json(
        &self,
        method: &str,
        path: &str,
        token: &str,
        body: Option<Value>,
    ) -> (StatusCode, Value) {
        let (s, _, b) = self
            .call(
                method,
                path,
                Some(token),
                body.map(|v| v.to_string().into_bytes()),
                &[("content-type", "application/json".into())],
            )
            .await;
        (s, serde_json::from_slice(&b).unwrap_or(Value::Null))
    }

    async fn roster(&self, token: &str) -> Roster {
        let (s, _, b) = self
            .call("GET", "/api/roster", Some(token), None, &[])
            .await;
        assert_eq!(s, StatusCode::OK);
        codec::decode(&b).expect("snapshot")
    }

    /// Plans `csv` in "the browser" (shared crate) against the server's snapshot.
    async fn plan(
        &self,
        token: &str,
        csv: &str,
        scope: &str,
    ) -> (rollcall_shared::plan::Plan, String) {
        let roster = self.roster(token).await;
        let (_, me) = self.json("GET", "/api/me", token, None).await;
        let schools = rollcall_shared::map::SchoolDirectory::new(
            SCHOOLS
                .iter()
                .map(|(c, n)| rollcall_shared::map::School {
                    sis_code: (*c).into(),
                    name: (*n).into(),
                })
                .collect(),
        );
        let (_, v) = validate_bytes(
            csv.as_bytes(),
            &ImportOptions {
                schools: Some(schools),
                ..ImportOptions::default()
            },
        )
        .expect("reads");
        assert!(!v.has_errors(), "{:?}", v.issues);
        (
            plan(&v, &roster, &sc(scope), &Options::default()),
            me["district"]["short_name"]
                .as_str()
                .expect("short")
                .to_owned(),
        )
    }

    async fn submit(
        &self,
        token: &str,
        req: &ChangeRequest,
        key: Option<&str>,
    ) -> (StatusCode, Value) {
        let mut h = vec![
            ("content-type", "application/json".to_owned()),
            ("if-match", format!("\"{}\"", req.base_revision)),
        ];
        if let Some(k) = key {
            h.push(("idempotency-key", k.to_owned()));
        }
        let (s, _, b) = self
            .call(
                "POST",
                "/api/imports",
                Some(token),
                Some(req.to_json().expect("serializes")),
                &h,
            )
            .await;
        (s, serde_json::from_slice(&b).unwrap_or(Value::Null))
    }

    async fn import(&self, token: &str, csv: &str, scope: &str, ack: bool) -> (StatusCode, Value) {
        let (p, short) = self.plan(token, csv, scope).await;
        self.submit(
            token,
            &p.to_request(&short, &Options::default(), ack, Some("test".into())),
            None,
        )
        .await
    }
}

const HEAD: &str = "District ID,First Name,Last Name,User Type,Grade,Email Address,School SIS ID\n";

fn roster_csv(n: usize) -> String {
    let mut s = HEAD.to_owned();
    for i in 0..n {
        s.push_str(&format!(
            "S{i:04},Ann{},Lee,0,5,s{i}@alpha.org,101\n",
            (b'a' + (i % 26) as u8) as char
        ));
    }
    s
}

#[actix_web::test]
async fn sessions_and_me() {
    for url in backends() {
        let app = spawn_app(&url).await;
        let (s, me) = app.json("GET", "/api/me", &app.a, None).await;
        assert_eq!(s, StatusCode::OK, "{url}");
        assert_eq!(me["district"]["short_name"], "alpha");
        let (s, v) = app
            .json(
                "POST",
                "/api/session",
                "",
                Some(json!({"email": "admin@alpha.org", "password": "wrong"})),
            )
            .await;
        assert_eq!(
            (s, v["code"].as_str()),
            (StatusCode::UNAUTHORIZED, Some("bad_credentials"))
        );
        let (s, _) = app.json("DELETE", "/api/session", &app.a, None).await;
        assert_eq!(s, StatusCode::NO_CONTENT);
        let (s, v) = app.json("GET", "/api/me", &app.a, None).await;
        assert_eq!(
            (s, v["code"].as_str()),
            (StatusCode::UNAUTHORIZED, Some("unauthorized"))
        );
    }
}

#[actix_web::test]
async fn every_route_refuses_a_missing_or_unknown_token() {
    for url in backends() {
        let app = spawn_app(&url).await;
        for (method, route) in http::ROUTES {
            // Signing in, and a set-password link (its secret is its credential: console.rs).
            if (*route == "/api/session" && *method == "POST") || *route == "/api/password" {
                continue;
            }
            let path = route
                .replace("{scope}", "x")
                .replace("{number}", "1")
                .replace("{code}", "101")
                .replace("{id}", "1")
                .replace("{user_id}", "1");
            for token in [None, Some("rcs_not-a-token")] {
                let (s, _, b) = app
                    .call(
                        method,
                        &path,
                        token,
                        Some(b"{}".to_vec()),
                        &[("content-type", "application/json".into())],
                    )
                    .await;
                assert_eq!(
                    s,
                    StatusCode::UNAUTHORIZED,
                    "{method} {path} with {token:?}: {}",
                    String::from_utf8_lossy(&b)
                );
            }
        }
    }
}

#[actix_web::test]
async fn import_through_the_api_then_history_users_and_export() {
    for url in backends() {
        let app = spawn_app(&url).await;
        let csv = roster_csv(12);
        let (s, v) = app.import(&app.a, &csv, "students.csv", false).await;
        assert_eq!(s, StatusCode::CREATED, "{url}: {v}");
        assert_eq!(v["import"]["counts"]["creates"], 12);
        let (_, list) = app.json("GET", "/api/imports", &app.a, None).await;
        assert_eq!(list[0]["status"], "completed");
        assert_eq!(list[0]["scope"], "students.csv");
        let (_, users) = app
            .json("GET", "/api/users?q=s0003&per_page=5", &app.a, None)
            .await;
        assert_eq!(users["total"], 1);
        let (_, users) = app
            .json(
                "GET",
                "/api/users?role=student&per_page=5&page=3",
                &app.a,
                None,
            )
            .await;
        assert_eq!(
            (
                users["total"].as_i64(),
                users["users"].as_array().map(Vec::len)
            ),
            (Some(12), Some(2))
        );
        let (_, detail) = app.json("GET", "/api/imports/1", &app.a, None).await;
        assert_eq!(detail["creates"].as_array().map(Vec::len), Some(12));
        let (s, _, body) = app
            .call("GET", "/api/imports/1/download", Some(&app.a), None, &[])
            .await;
        assert_eq!(s, StatusCode::OK);
        assert_eq!(String::from_utf8_lossy(&body).lines().count(), 13);
        // The master CSV re-imports with zero changes.
        let (s, _, master) = app
            .call("GET", "/api/users/export.csv", Some(&app.a), None, &[])
            .await;
        assert_eq!(s, StatusCode::OK);
        let (p, _) = app
            .plan(&app.a, &String::from_utf8_lossy(&master), "master.csv")
            .await;
        assert!(p.is_empty(), "{:?}", p.summary());
        // The outbox has the completion notice.
        let (_, mail) = app.json("GET", "/api/outbox", &app.a, None).await;
        assert!(mail[0]["subject"]
            .as_str()
            .is_some_and(|s| s.contains("Import #1 completed")));
    }
}

#[actix_web::test]
async fn another_districts_data_is_not_found() {
    for url in backends() {
        let app = spawn_app(&url).await;
        let (s, _) = app.import(&app.a, &roster_csv(3), "f.csv", false).await;
        assert_eq!(s, StatusCode::CREATED);
        for path in ["/api/imports/1", "/api/imports/1/download"] {
            let (s, _) = app.json("GET", path, &app.b, None).await;
            assert_eq!(s, StatusCode::NOT_FOUND, "{path}");
        }
        let (s, _) = app
            .json("POST", "/api/imports/1/rollback", &app.b, None)
            .await;
        assert_eq!(s, StatusCode::NOT_FOUND);
        assert!(app.roster(&app.b).await.users.is_empty());
        let (_, users) = app.json("GET", "/api/users", &app.b, None).await;
        assert_eq!(users["total"], 0);
        let (_, list) = app.json("GET", "/api/imports", &app.b, None).await;
        assert_eq!(list, json!([]));
        // A change request naming another district is refused as not found.
        let (p, _) = app.plan(&app.b, &roster_csv(2), "f.csv").await;
        let (s, _) = app
            .submit(
                &app.b,
                &p.to_request("alpha", &Options::default(), false, None),
                None,
            )
            .await;
        assert_eq!(s, StatusCode::NOT_FOUND);
        let csv = app
            .call("GET", "/api/users/export.csv", Some(&app.b), None, &[])
            .await
            .2;
        assert_eq!(
            String::from_utf8_lossy(&csv).lines().count(),
            1,
            "only the heading"
        );
    }
}

#[actix_web::test]
async fn stale_revision_is_412_and_a_repeated_key_applies_once() {
    for url in backends() {
        let app = spawn_app(&url).await;
        let (p, short) = app.plan(&app.a, &roster_csv(5), "f.csv").await;
        let req = p.to_request(&short, &Options::default(), false, None);
        let (s1, v1) = app.submit(&app.a, &req, Some("key-1")).await;
        let (s2, v2) = app.submit(&app.a, &req, Some("key-1")).await;
        assert_eq!((s1, s2), (StatusCode::CREATED, StatusCode::OK));
        assert_eq!(
            v1["import"]["number"], v2["import"]["number"],
            "the first result again"
        );
        assert_eq!(app.roster(&app.a).await.revision, 1, "applied once");
        let (s, v) = app.submit(&app.a, &req, Some("key-2")).await;
        assert_eq!(s, StatusCode::PRECONDITION_FAILED);
        assert_eq!(
            (v["code"].as_str(), v["current_revision"].as_u64()),
            (Some("stale_revision"), Some(1))
        );
    }
}

#[actix_web::test]
async fn the_guard_must_be_acknowledged_and_rollback_restores_the_roster() {
    for url in backends() {
        let app = spawn_app(&url).await;
        let full = roster_csv(40);
        assert_eq!(
            app.import(&app.a, &full, "f.csv", false).await.0,
            StatusCode::CREATED
        );
        let before = app.roster(&app.a).await;
        let half: String = full.lines().take(21).map(|l| format!("{l}\n")).collect();
        let (s, v) = app.import(&app.a, &half, "f.csv", false).await;
        assert_eq!(
            (s, v["code"].as_str()),
            (StatusCode::CONFLICT, Some("guard_not_acknowledged"))
        );
        let (s, v) = app.import(&app.a, &half, "f.csv", true).await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
        let mid = app.roster(&app.a).await;
        assert_eq!(
            mid.users
                .iter()
                .filter(|u| u.status == rollcall_shared::plan::UserStatus::Archived)
                .count(),
            20
        );
        let (s, v) = app
            .json("POST", "/api/imports/2/rollback", &app.a, None)
            .await;
        assert_eq!(s, StatusCode::OK, "{v}");
        let after = app.roster(&app.a).await;
        assert_eq!(
            after.users, before.users,
            "the roster is as before the import"
        );
        let (_, list) = app.json("GET", "/api/imports", &app.a, None).await;
        assert_eq!(list[0]["status"], "rolled_back");
        // A rollback is refused when a later import changed the same users.
        let edited = full.replacen("Annb,Lee", "Annb,Leigh", 1);
        assert_eq!(
            app.import(&app.a, &edited, "f.csv", false).await.0,
            StatusCode::CREATED
        );
        let (s, v) = app
            .json("POST", "/api/imports/1/rollback", &app.a, None)
            .await;
        assert_eq!(
            (s, v["code"].as_str()),
            (StatusCode::CONFLICT, Some("changed_later")),
            "{v}"
        );
        assert!(v["users"][0].as_str().is_some_and(|u| u.contains("S0001")));
    }
}

#[actix_web::test]
async fn a_failure_mid_apply_leaves_the_database_as_before() {
    for url in backends() {
        let app = spawn_app(&url).await;
        assert_eq!(
            app.import(&app.a, &roster_csv(30), "f.csv", false).await.0,
            StatusCode::CREATED
        );
        let before = app.roster(&app.a).await;
        let mut next = roster_csv(30).replace("Lee,0", "Leigh,0");
        next.push_str("S9999,Zed,Ng,0,5,zed@alpha.org,102\n");
        let (p, short) = app.plan(&app.a, &next, "f.csv").await;
        let req =
            apply::seal(p.to_request(&short, &Options::default(), false, None)).expect("seal");
        let db = Db::connect(&app.url).expect("db");
        let mut conn = db.get().expect("conn");
        apply::FAIL_AFTER.store(10, Ordering::SeqCst);
        let r = with_conn!(conn, |c| {
            let s = apply::Submission {
                district: rollcall_backend::db::DistrictId(1),
                request: &req,
                submitted_by: apply::FAIL_TAG,
                kind: "cli",
                idempotency_key: None,
                fingerprint: None,
                if_match: None,
                run_at: None,
                link_base: None,
            };
            apply::submit(c, &s)
        });
        apply::FAIL_AFTER.store(usize::MAX, Ordering::SeqCst);
        assert!(matches!(r, Err(apply::ApplyError::Injected(10))), "{r:?}");
        assert_eq!(app.roster(&app.a).await, before, "nothing of it applied");
        let (_, list) = app.json("GET", "/api/imports", &app.a, None).await;
        assert_eq!(list.as_array().map(Vec::len), Some(1));
    }
}

#[actix_web::test]
async fn raw_csv_dry_run_plans_without_applying_and_etag_caches_the_roster() {
    for url in backends() {
        let app = spawn_app(&url).await;
        let (s, _, b) = app
            .call(
                "POST",
                "/api/imports/csv?scope=x&dry_run=true",
                Some(&app.a),
                Some(roster_csv(4).into_bytes()),
                &[],
            )
            .await;
        let v: Value = serde_json::from_slice(&b).expect("json");
        assert_eq!(
            (s, v["summary"]["creates"].as_u64(), v["applied"].as_bool()),
            (StatusCode::OK, Some(4), Some(false))
        );
        let (s, h, _) = app
            .call("GET", "/api/roster", Some(&app.a), None, &[])
            .await;
        assert_eq!(s, StatusCode::OK);
        let tag = h
            .get("etag")
            .expect("etag")
            .to_str()
            .expect("ascii")
            .to_owned();
        let (s, _, _) = app
            .call(
                "GET",
                "/api/roster",
                Some(&app.a),
                None,
                &[("if-none-match", tag.clone())],
            )
            .await;
        assert_eq!(s, StatusCode::NOT_MODIFIED);
        let (s, _, b) = app
            .call(
                "POST",
                "/api/imports/csv?scope=x",
                Some(&app.a),
                Some(roster_csv(4).into_bytes()),
                &[],
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{}", String::from_utf8_lossy(&b));
        let (s, _, _) = app
            .call(
                "GET",
                "/api/roster",
                Some(&app.a),
                None,
                &[("if-none-match", tag)],
            )
            .await;
        assert_eq!(s, StatusCode::OK, "a new revision, a new ETag");
        let bad = b"First Name,Last Name\nAnn,Lee\n".to_vec();
        let (s, _, b) = app
            .call(
                "POST",
                "/api/imports/csv?scope=x",
                Some(&app.a),
                Some(bad),
                &[],
            )
            .await;
        assert_eq!(
            s,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{}",
            String::from_utf8_lossy(&b)
        );
        let (s, _, b) = app
            .call(
                "POST",
                "/api/imports/csv",
                Some(&app.a),
                Some(b"PK\x03\x04binary".to_vec()),
                &[],
            )
            .await;
        let v: Value = serde_json::from_slice(&b).expect("json error");
        assert_eq!(
            (s, v["code"].as_str()),
            (StatusCode::UNPROCESSABLE_ENTITY, Some("unreadable_file"))
        );
    }
}

#[actix_web::test]
async fn schools_groups_and_saved_mappings() {
    for url in backends() {
        let app = spawn_app(&url).await;
        let (_, s) = app.json("GET", "/api/schools", &app.a, None).await;
        assert_eq!(
            s.as_array().map(Vec::len),
            Some(4),
            "three shared codes and alpha's own"
        );
        let (_, s) = app.json("GET", "/api/schools", &app.b, None).await;
        assert_eq!(s.as_array().map(Vec::len), Some(3));
        let (_, g) = app.json("GET", "/api/groups", &app.a, None).await;
        assert_eq!(g[0]["name"], "Readers");
        let (s, _) = app
            .json("GET", "/api/mappings/students.csv", &app.a, None)
            .await;
        assert_eq!(s, StatusCode::NOT_FOUND);
        let m = json!({"fields": {"email": {"heading": "Mail"}, "role": {"value": "student"}}});
        let (s, _) = app
            .json("PUT", "/api/mappings/students.csv", &app.a, Some(m.clone()))
            .await;
        assert_eq!(s, StatusCode::NO_CONTENT);
        let (_, got) = app
            .json("GET", "/api/mappings/students.csv", &app.a, None)
            .await;
        assert_eq!(got, m);
        let (s, _) = app
            .json("GET", "/api/mappings/students.csv", &app.b, None)
            .await;
        assert_eq!(s, StatusCode::NOT_FOUND, "another district's mapping");
    }
}

#[actix_web::test]
async fn a_scheduled_import_runs_after_a_restart() {
    for url in backends() {
        let app = spawn_app(&url).await;
        let (p, short) = app.plan(&app.a, &roster_csv(3), "f.csv").await;
        let at = chrono::Utc::now() + chrono::Duration::milliseconds(300);
        let opts = Options {
            apply_at: Some(at.to_rfc3339()),
            ..Options::default()
        };
        let req = p.to_request(&short, &opts, false, None);
        let (s, v) = app.submit(&app.a, &req, None).await;
        assert_eq!(
            (s, v["import"]["status"].as_str()),
            (StatusCode::ACCEPTED, Some("queued")),
            "{v}"
        );
        drop(app);
        // "Restart": a new process state on the same database.
        std::thread::sleep(std::time::Duration::from_millis(400));
        let db = Db::connect(&url).expect("db");
        rollcall_backend::jobs::recover(&db).expect("recover");
        assert_eq!(rollcall_backend::jobs::run_due(&db).expect("run"), 1);
        let state = AppState::new(db, Config::default());
        let app = App {
            state,
            a: String::new(),
            b: String::new(),
            url: url.clone(),
        };
        let token = app.login("admin@alpha.org").await;
        let (_, list) = app.json("GET", "/api/imports", &token, None).await;
        assert_eq!(list[0]["status"], "completed", "{list}");
        assert_eq!(app.roster(&token).await.users.len(), 3);
    }
}

/// A scope for tests.
fn sc(s: &str) -> rollcall_shared::fields::Scope {
    rollcall_shared::fields::Scope::parse(s).expect("a valid scope")
}
