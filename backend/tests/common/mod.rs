//! What the API test binaries share (zero2prod's `spawn_app` habit): a fresh database per test
//! on every backend, two districts with an admin each, and a way to call the real HTTP app.
#![allow(dead_code, clippy::expect_used, clippy::unwrap_used)]

use std::sync::atomic::{AtomicUsize, Ordering};

use actix_web::http::header::HeaderMap;
use actix_web::http::StatusCode;
use actix_web::test;
use rollcall_backend::db::apply::hash_password;
use rollcall_backend::db::{Db, StoreCommon};
use rollcall_backend::http::{self, AppState, Config, Limits};
use rollcall_backend::with_conn;
use serde_json::json;
use serde_json::Value;

static N: AtomicUsize = AtomicUsize::new(0);

/// A fresh database on each backend a test runs on: a new SQLite file, and a new schema on the
/// PostgreSQL server `ROLLCALL_TEST_PG` names (which CI must set; `make test` does).
pub fn backends(tag: &str) -> Vec<String> {
    let n = N.fetch_add(1, Ordering::SeqCst);
    // Under target/ (cargo's scratch directory for integration tests), not the system's /tmp.
    let file = std::path::Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("rollcall-{tag}-{}-{n}.db", std::process::id()));
    let _ = std::fs::remove_file(&file);
    let mut v = vec![format!("sqlite://{}", file.display())];
    match std::env::var("ROLLCALL_TEST_PG") {
        Ok(base) if !base.is_empty() => {
            let schema = format!("{tag}_{}_{n}", std::process::id());
            let mut c = <diesel::PgConnection as diesel::Connection>::establish(&base)
                .expect("test postgres");
            diesel::connection::SimpleConnection::batch_execute(
                &mut c,
                &format!("DROP SCHEMA IF EXISTS {schema} CASCADE; CREATE SCHEMA {schema};"),
            )
            .expect("schema");
            let sep = if base.contains('?') { '&' } else { '?' };
            v.push(format!("{base}{sep}options=-csearch_path%3D{schema}"));
        }
        _ => assert!(
            std::env::var("CI").is_err(),
            "CI must run the PostgreSQL tests: set ROLLCALL_TEST_PG (make test does)"
        ),
    }
    v
}

pub const SCHOOLS: [(&str, &str); 3] = [
    ("101", "First Street Elementary"),
    ("102", "Lincoln Middle School"),
    ("103", "Roosevelt High School"),
];

/// The app on a fresh database: districts `alpha` and `beta`, each with the three schools, a
/// group and an admin (`admin@alpha.org`, `admin@beta.org`, password `correct horse`), signed
/// in: `a` and `b` are their session tokens.
pub struct App {
    pub state: actix_web::web::Data<AppState>,
    pub a: String,
    pub b: String,
    pub url: String,
}

pub async fn spawn_app(url: &str, limits: Limits) -> App {
    let db = Db::connect(url).expect("database");
    {
        let mut conn = db.get().expect("conn");
        with_conn!(conn, |c| -> Result<(), rollcall_backend::db::DbError> {
            for (short, email) in [("alpha", "admin@alpha.org"), ("beta", "admin@beta.org")] {
                let d = c.create_district(short, &format!("{short} district"))?;
                for (code, name) in SCHOOLS {
                    c.upsert_school(d.id, code, name)?;
                }
                if short == "alpha" {
                    // A school only alpha has: what beta must not see or touch.
                    c.upsert_school(d.id, "A9", "Alpha Only Academy")?;
                }
                c.create_group(d.id, "Readers")?;
                if short == "alpha" {
                    c.create_group(d.id, "Alpha Only Club")?;
                }
                c.create_admin(
                    d.id,
                    email,
                    "Admin",
                    &hash_password("correct horse").expect("hash"),
                )?;
            }
            Ok(())
        })
        .expect("seed");
    }
    let state = AppState::new(
        db,
        Config {
            session_hours: 12,
            public_url: None,
            limits,
            ..Config::default()
        },
    );
    let mut app = App {
        state,
        a: String::new(),
        b: String::new(),
        url: url.to_owned(),
    };
    app.a = app.login("admin@alpha.org").await;
    app.b = app.login("admin@beta.org").await;
    app
}

impl App {
    /// One request through the real HTTP app: status, headers, body.
    pub async fn call(
        &self,
        method: &str,
        path: &str,
        token: Option<&str>,
        body: Option<Vec<u8>>,
        headers: &[(&str, String)],
    ) -> (StatusCode, HeaderMap, Vec<u8>) {
        self.call_from(None, method, path, token, body, headers)
            .await
    }

    /// The same, from a client address (`peer`: "10.0.0.1:5000").
    pub async fn call_from(
        &self,
        peer: Option<&str>,
        method: &str,
        path: &str,
        token: Option<&str>,
        body: Option<Vec<u8>>,
        headers: &[(&str, String)],
    ) -> (StatusCode, HeaderMap, Vec<u8>) {
        let app = test::init_service(http::app(self.state.clone())).await;
        let mut req = match method {
            "GET" => test::TestRequest::get(),
            "POST" => test::TestRequest::post(),
            "PUT" => test::TestRequest::put(),
            "DELETE" => test::TestRequest::delete(),
            "PATCH" => test::TestRequest::patch(),
            m => panic!("{m}"),
        }
        .uri(path);
        if let Some(p) = peer {
            req = req.peer_addr(p.parse().expect("peer address"));
        }
        if let Some(t) = token {
            req = req.insert_header(("authorization", format!("Bearer {t}")));
        }
        for (k, v) in headers {
            req = req.insert_header((*k, v.clone()));
        }
        if let Some(b) = body {
            req = req.set_payload(b);
        }
        let resp = test::call_service(&app, req.to_request()).await;
        let status = resp.status();
        let headers = resp.headers().clone();
        let bytes = test::read_body(resp).await.to_vec();
        (status, headers, bytes)
    }

    /// A request with a token; the answer as JSON (`null` when it is not).
    pub async fn send(
        &self,
        method: &str,
        path: &str,
        token: &str,
        body: Vec<u8>,
        headers: &[(&str, String)],
    ) -> (StatusCode, Value) {
        let (s, _, b) = self
            .call(method, path, Some(token), Some(body), headers)
            .await;
        (s, serde_json::from_slice(&b).unwrap_or(Value::Null))
    }

    /// A CSV posted to alpha's CSV door with `query`.
    pub async fn csv(&self, query: &str, csv: &str) -> (StatusCode, Value) {
        self.send(
            "POST",
            &format!("/api/imports/csv?{query}"),
            &self.a,
            csv.as_bytes().to_vec(),
            &[],
        )
        .await
    }

    /// A change request for `csv` against alpha's roster, planned as the browser plans it.
    pub async fn planned(
        &self,
        csv: &str,
        scope: &str,
        options: &rollcall_shared::wire::Options,
    ) -> rollcall_shared::wire::ChangeRequest {
        let (_, _, b) = self
            .call("GET", "/api/roster", Some(&self.a), None, &[])
            .await;
        let roster: rollcall_shared::plan::Roster = rollcall_shared::plan::codec::decode(&b)
            .unwrap_or_else(|e| panic!("snapshot: {e:?}: {}", String::from_utf8_lossy(&b)));
        let (_, v) = rollcall_shared::validate_bytes(
            csv.as_bytes(),
            &rollcall_shared::ImportOptions::default(),
        )
        .expect("valid");
        rollcall_shared::plan::plan(
            &v,
            &roster,
            &rollcall_shared::fields::Scope::parse(scope).expect("a scope"),
            options,
        )
        .to_request("alpha", options, false, None)
    }

    /// Alpha's admin submits a change request (as the browser does), with extra headers.
    pub async fn submit_request(
        &self,
        req: &rollcall_shared::wire::ChangeRequest,
        headers: &[(&str, String)],
    ) -> (StatusCode, HeaderMap, Vec<u8>) {
        let body = req.to_json().expect("serializes");
        self.call("POST", "/api/imports", Some(&self.a), Some(body), headers)
            .await
    }

    pub async fn login(&self, email: &str) -> String {
        let (s, _, b) = self
            .call(
                "POST",
                "/api/session",
                None,
                Some(
                    json!({"email": email, "password": "correct horse"})
                        .to_string()
                        .into_bytes(),
                ),
                &[("content-type", "application/json".into())],
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{}", String::from_utf8_lossy(&b));
        let v: serde_json::Value = serde_json::from_slice(&b).expect("json");
        v["token"].as_str().expect("token").to_owned()
    }
}
