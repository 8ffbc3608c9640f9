//! Trust: no password kept as typed, no district locked by a rollback, the guard the district's,
//! bodies bounded, sign-in neither telling nor lockable, idempotency keys bound to their
//! request, security headers, JSON errors for bad parameters, tokens that cannot be "signed
//! out", bounded answers, retention, and no control character in any field. On SQLite and
//! (with ROLLCALL_TEST_PG) PostgreSQL.
#![allow(clippy::expect_used, clippy::unwrap_used)]

use std::time::Duration;

use actix_web::http::StatusCode;
use diesel::prelude::*;
use rollcall_backend::db::{apply, Db, StoreCommon};
use rollcall_backend::http::{Limits, LoginLimits};
use rollcall_backend::with_conn;
use rollcall_shared::wire::{ChangeRequest, Options, PasswordPolicy};
use rollcall_shared::{validate_bytes, ImportOptions};
use serde_json::{json, Value};

mod common;

/// District `alpha`.
const A: rollcall_backend::db::DistrictId = rollcall_backend::db::DistrictId(1);
use common::{backends as fresh, spawn_app, App};

fn backends() -> Vec<String> {
    fresh("t")
}

const HEAD: &str = "District ID,First Name,Last Name,User Type,Grade,Email Address,School SIS ID";

impl App {
    /// Sends a request that must be refused with `status` and `code`; its answer.
    #[allow(clippy::too_many_arguments)]
    async fn refused(
        &self,
        status: StatusCode,
        code: &str,
        method: &str,
        path: &str,
        token: &str,
        body: Vec<u8>,
        headers: &[(&str, String)],
    ) -> Value {
        let (s, v) = self.send(method, path, token, body, headers).await;
        assert_eq!(
            (s, v["code"].as_str()),
            (status, Some(code)),
            "{method} {path}: {v}"
        );
        v
    }

    /// The change request for [`students`] `range` in `scope`, with default options.
    async fn plan_students(&self, range: std::ops::Range<usize>, scope: &str) -> ChangeRequest {
        self.planned(&students(range), scope, &Options::default())
            .await
    }

    fn db(&self) -> Db {
        self.state.db.clone()
    }
}

/// Students `S{i}` of alpha, with `s{i}@alpha.org` addresses.
fn students(range: std::ops::Range<usize>) -> String {
    rows(range, |i| format!("s{i}@alpha.org"))
}

fn rows(range: std::ops::Range<usize>, email: impl Fn(usize) -> String) -> String {
    let mut s = format!("{HEAD}\n");
    for i in range {
        s.push_str(&format!("S{i},Ann,Lee,0,5,{},101\n", email(i)));
    }
    s
}

/// Every byte the database keeps: the SQLite file and its WAL, or every row of every table of
/// the test's PostgreSQL schema as text.
fn stored_bytes(app: &App) -> Vec<u8> {
    if let Some(path) = app.url.strip_prefix("sqlite://") {
        let mut all = std::fs::read(path).expect("db file");
        all.extend(std::fs::read(format!("{path}-wal")).unwrap_or_default());
        return all;
    }
    #[derive(QueryableByName)]
    struct Row {
        #[diesel(sql_type = diesel::sql_types::Text)]
        v: String,
    }
    let mut c = diesel::PgConnection::establish(&app.url).expect("pg");
    let mut all = Vec::new();
    for t in [
        "districts",
        "schools",
        "users",
        "groups",
        "group_members",
        "admins",
        "sessions",
        "api_tokens",
        "imports",
        "import_changes",
        "mappings",
        "outbox",
    ] {
        let rows: Vec<Row> = diesel::sql_query(format!("SELECT CAST(t AS TEXT) AS v FROM {t} t"))
            .load(&mut c)
            .expect("rows");
        for r in rows {
            all.extend(r.v.into_bytes());
        }
    }
    all
}

fn holds(hay: &[u8], needle: &str) -> bool {
    hay.windows(needle.len()).any(|w| w == needle.as_bytes())
}

#[actix_web::test]
async fn no_password_is_kept_as_typed_anywhere() {
    for url in backends() {
        let app = spawn_app(&url, Limits::default()).await;
        // Created with passwords from a script's CSV…
        let csv = format!(
            "{HEAD},Password\nT1,Tia,Ode,1,,tia@alpha.org,101,Typed-Create-Pw-1\nS2,Bo,Ng,0,5,bo@alpha.org,101,Typed-Create-Pw-2\n"
        );
        let (s, v) = app.csv("scope=f.csv", &csv).await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
        // …overwritten from the browser's request, applied now…
        let opts = Options {
            passwords: PasswordPolicy::Overwrite,
            ..Options::default()
        };
        let next = csv.replace("Typed-Create-Pw-1", "Typed-Overwrite-Pw-3");
        let req = app.planned(&next, "f.csv", &opts).await;
        let (s, v) = app
            .send(
                "POST",
                "/api/imports",
                &app.a,
                req.to_json().expect("serializes"),
                &[],
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
        // …and one scheduled, waiting for its time.
        let later = next.replace("Typed-Create-Pw-2", "Typed-Queued-Pw-4");
        let mut req = app.planned(&later, "f.csv", &opts).await;
        req.options.apply_at = Some("2099-01-01T00:00:00Z".into());
        let (s, v) = app
            .send(
                "POST",
                "/api/imports",
                &app.a,
                req.to_json().expect("serializes"),
                &[],
            )
            .await;
        assert_eq!(s, StatusCode::ACCEPTED, "{v}");
        let queued = v["import"]["number"].as_i64().unwrap();

        // Nothing typed in the database, its WAL, or any answer about the imports.
        let typed = [
            "Typed-Create-Pw-1",
            "Typed-Create-Pw-2",
            "Typed-Overwrite-Pw-3",
            "Typed-Queued-Pw-4",
        ];
        let bytes = stored_bytes(&app);
        for p in typed {
            assert!(!holds(&bytes, p), "{url}: `{p}` is stored as typed");
        }
        let mut answers = Vec::new();
        for path in [
            "/api/imports",
            "/api/imports/1",
            "/api/imports/2",
            "/api/imports/3",
            "/api/imports/1/download",
            "/api/imports/2/download",
            "/api/outbox",
        ] {
            let (_, _, b) = app.call("GET", path, Some(&app.a), None, &[]).await;
            answers.extend(b);
        }
        for p in typed {
            assert!(!holds(&answers, p), "{url}: an answer shows `{p}`");
        }

        // The scheduled import still sets its password when it runs.
        with_conn!(app.db().get().unwrap(), |c| {
            let mut i = c
                .import(A, rollcall_backend::db::ImportNo(queued))
                .unwrap()
                .unwrap();
            i.meta.run_at = Some(0);
            c.update_import(&i)
        })
        .unwrap();
        assert_eq!(rollcall_backend::jobs::run_due(&app.db()).unwrap(), 1);
        let users = with_conn!(app.db().get().unwrap(), |c| c.users(A)).unwrap();
        let bo = users.iter().find(|u| u.first_name == "Bo").unwrap();
        let tia = users.iter().find(|u| u.first_name == "Tia").unwrap();
        assert!(apply::verify_password(
            "Typed-Queued-Pw-4",
            bo.password_hash.as_deref().unwrap()
        ));
        assert!(apply::verify_password(
            "Typed-Overwrite-Pw-3",
            tia.password_hash.as_deref().unwrap()
        ));

        // A client cannot hand the server a "hash" to store either.
        let mut req = app
            .planned(
                &csv.replace("T1", "T9").replace("tia@", "t9@"),
                "f.csv",
                &Options::default(),
            )
            .await;
        let mut v = serde_json::to_value(&req).unwrap();
        v["creates"][0]["password"] = json!({"hash": "$argon2id$v=19$m=1,t=1,p=1$AAAA$AAAA"});
        req.creates.clear();
        let (s, r) = app
            .send(
                "POST",
                "/api/imports",
                &app.a,
                v.to_string().into_bytes(),
                &[],
            )
            .await;
        assert_eq!(
            (s, r["code"].as_str()),
            (
                StatusCode::UNPROCESSABLE_ENTITY,
                Some("invalid_change_request")
            ),
            "{r}"
        );
    }
}

#[actix_web::test]
async fn requests_stored_before_hashing_are_sealed_at_start() {
    for url in backends() {
        let app = spawn_app(&url, Limits::default()).await;
        let (s, _) = app.csv("scope=f.csv", &students(0..2)).await;
        assert_eq!(s, StatusCode::CREATED);
        // As an older version wrote them: passwords as typed, not sealed; one done, one queued.
        let old = app
            .planned(
                &format!("{HEAD},Password\nT1,Tia,Ode,1,,tia@alpha.org,101,Old-Typed-Pw-5\n"),
                "g.csv",
                &Options::default(),
            )
            .await;
        let text = String::from_utf8(old.to_json().expect("serializes")).unwrap();
        assert!(text.contains("Old-Typed-Pw-5"));
        with_conn!(app.db().get().unwrap(), |c| -> Result<
            (),
            rollcall_backend::db::DbError,
        > {
            let mut i = c.import(A, rollcall_backend::db::ImportNo(1))?.unwrap();
            i.request = text.clone();
            i.request_gz = None;
            i.sealed = false;
            c.update_import(&i)?;
            let mut q = i.clone();
            q.meta.number = rollcall_backend::db::ImportNo(2);
            q.set_status(rollcall_shared::api::ImportStatus::Queued);
            q.idempotency_key = None;
            c.insert_import(&q)?;
            Ok(())
        })
        .unwrap();
        // The next start seals them.
        let db = Db::connect(&url).expect("reconnect");
        assert!(
            !holds(&stored_bytes(&app), "Old-Typed-Pw-5"),
            "{url}: scrubbed"
        );
        let (done, queued) = with_conn!(db.get().unwrap(), |c| -> Result<
            _,
            rollcall_backend::db::DbError,
        > {
            Ok((
                c.import(A, rollcall_backend::db::ImportNo(1))?.unwrap(),
                c.import(A, rollcall_backend::db::ImportNo(2))?.unwrap(),
            ))
        })
        .unwrap();
        assert!(done.sealed && queued.sealed);
        assert!(
            done.request.contains(r#"{"redacted":true}"#),
            "{}",
            done.request
        );
        assert!(
            queued.request.contains(r#"{"hash":"$argon2id$"#),
            "{}",
            queued.request
        );
    }
}

#[actix_web::test]
async fn a_rollback_never_leaves_two_active_users_with_one_key() {
    for url in backends() {
        let app = spawn_app(&url, Limits::default()).await;
        // 1: X in a.csv. 2: a.csv without X archives X. 3: b.csv creates Y with X's email.
        let x = format!(
            "{HEAD}\nX1,Xen,Lee,0,5,shared@alpha.org,101\nK1,Kim,Lee,0,5,k1@alpha.org,101\n"
        );
        assert_eq!(app.csv("scope=a.csv", &x).await.0, StatusCode::CREATED);
        let no_x = format!("{HEAD}\nK1,Kim,Lee,0,5,k1@alpha.org,101\n");
        assert_eq!(
            app.csv("scope=a.csv&confirm_archives=true", &no_x).await.0,
            StatusCode::CREATED
        );
        let y = format!("{HEAD}\nY1,Yan,Ode,0,5,shared@alpha.org,102\n");
        let (s, v) = app.csv("scope=b.csv", &y).await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
        // Rolling back 2 would re-activate X beside Y: refused, both named.
        let v = app
            .refused(
                StatusCode::CONFLICT,
                "rollback_conflict",
                "POST",
                "/api/imports/2/rollback",
                &app.a,
                vec![],
                &[],
            )
            .await;
        let named = v["users"].to_string();
        assert!(named.contains("Xen") && named.contains("Yan"), "{v}");
        // Nothing changed, and the district still imports (its dry run and its apply agree).
        let (s, v) = app
            .csv("scope=b.csv&dry_run=true", &y.replace("Yan", "Yana"))
            .await;
        assert_eq!(s, StatusCode::OK, "{v}");
        let (s, v) = app.csv("scope=b.csv", &y.replace("Yan", "Yana")).await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
        // The database itself refuses the state, whoever writes.
        let r = with_conn!(app.db().get().unwrap(), |c| -> Result<
            (),
            rollcall_backend::db::DbError,
        > {
            let users = c.users(A)?;
            let mut xen = users
                .iter()
                .find(|u| u.first_name == "Xen")
                .unwrap()
                .clone();
            xen.status = "active".into();
            c.update_user(&xen)
        });
        assert!(
            r.is_err(),
            "{url}: a second active user with one email was written"
        );
        // Two users may still swap emails (and district ids) in one import, and back.
        let pq =
            format!("{HEAD}\nP1,Pia,Ng,0,5,p1@alpha.org,101\nQ1,Quin,Ng,0,5,q1@alpha.org,101\n");
        assert_eq!(app.csv("scope=c.csv", &pq).await.0, StatusCode::CREATED);
        let swapped = pq
            .replace("p1@", "tmp@")
            .replace("q1@", "p1@")
            .replace("tmp@", "q1@");
        let (s, v) = app.csv("scope=c.csv", &swapped).await;
        assert_eq!(s, StatusCode::CREATED, "{url}: {v}");
        assert_eq!(v["summary"]["updates"], 2);
        let n = v["import"]["number"].as_i64().unwrap();
        let (s, v) = app
            .send(
                "POST",
                &format!("/api/imports/{n}/rollback"),
                &app.a,
                vec![],
                &[],
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{url}: {v}");
    }
}

#[actix_web::test]
async fn the_guard_is_the_districts_policy_not_the_clients() {
    for url in backends() {
        let app = spawn_app(&url, Limits::default()).await;
        assert_eq!(
            app.csv("scope=f.csv", &students(0..40)).await.0,
            StatusCode::CREATED
        );
        let req = app.plan_students(0..10, "f.csv").await;
        assert_eq!(req.archives.len(), 30);
        // A client that says its own guard is 100% of a million users is not believed.
        let mut v = serde_json::to_value(&req).unwrap();
        v["options"]["guard"] = json!({"percent": 100, "min": 1_000_000});
        let body = v.to_string().into_bytes();
        app.refused(
            StatusCode::CONFLICT,
            "guard_not_acknowledged",
            "POST",
            "/api/imports",
            &app.a,
            body.clone(),
            &[],
        )
        .await;
        // The district's admin may change the policy; a script's token may not.
        let (s, me) = app.send("GET", "/api/me", &app.a, vec![], &[]).await;
        assert_eq!(
            (s, &me["district"]["guard"]),
            (StatusCode::OK, &json!({"percent": 10, "min": 5}))
        );
        let token = "rct_script-token";
        with_conn!(app.db().get().unwrap(), |c| c.create_api_token(
            &rollcall_backend::http::auth::token_hash(token),
            A,
            "nightly",
            None,
            None
        ))
        .unwrap();
        let policy = json!({"guard": {"percent": 80, "min": 5}})
            .to_string()
            .into_bytes();
        let (s, r) = app
            .send("PATCH", "/api/district", token, policy.clone(), &[])
            .await;
        assert_eq!(
            (s, r["code"].as_str()),
            (StatusCode::FORBIDDEN, Some("admin_only"))
        );
        let (s, r) = app
            .send(
                "PATCH",
                "/api/district",
                &app.a,
                br#"{"guard":{"percent":101,"min":5}}"#.to_vec(),
                &[],
            )
            .await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{r}");
        let (s, r) = app
            .send("PATCH", "/api/district", &app.a, policy, &[])
            .await;
        assert_eq!(
            (s, &r["guard"]),
            (StatusCode::OK, &json!({"percent": 80, "min": 5}))
        );
        // 30 of 40 is 75%: under the district's 80%, so the same request now applies.
        let (s, r) = app.send("POST", "/api/imports", &app.a, body, &[]).await;
        assert_eq!(s, StatusCode::CREATED, "{r}");
        // The other district's policy is untouched.
        let (_, me) = app.send("GET", "/api/me", &app.b, vec![], &[]).await;
        assert_eq!(me["district"]["guard"], json!({"percent": 10, "min": 5}));
    }
}

#[actix_web::test]
async fn bodies_are_bounded_per_route_and_never_inflated() {
    let url = backends().remove(0);
    let app = spawn_app(
        &url,
        Limits {
            heavy: 1,
            heavy_wait: Duration::ZERO,
            ..Limits::default()
        },
    )
    .await;
    // Sign-in takes a few KiB, before anyone is known.
    let big = json!({"email": "admin@alpha.org", "password": "x".repeat(64 << 10)}).to_string();
    let (s, h, b) = app
        .call(
            "POST",
            "/api/session",
            None,
            Some(big.into_bytes()),
            &[("content-type", "application/json".into())],
        )
        .await;
    let v: Value = serde_json::from_slice(&b).unwrap();
    assert_eq!(
        (s, v["code"].as_str()),
        (StatusCode::PAYLOAD_TOO_LARGE, Some("body_too_large")),
        "{v}"
    );
    assert_eq!(h.get("content-type").unwrap(), "application/json");
    // A long password is refused before it is hashed.
    let long = json!({"email": "admin@alpha.org", "password": "x".repeat(2000)}).to_string();
    let (s, _, b) = app
        .call("POST", "/api/session", None, Some(long.into_bytes()), &[])
        .await;
    assert_eq!(
        s,
        StatusCode::BAD_REQUEST,
        "{}",
        String::from_utf8_lossy(&b)
    );
    // Compressed bodies are refused on every route, before anything inflates them.
    let gz = {
        use std::io::Write;
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        e.write_all(&vec![b'a'; 8 << 20]).unwrap();
        e.finish().unwrap()
    };
    assert!(gz.len() < 64 << 10);
    for (path, token) in [
        ("/api/session", None),
        ("/api/imports/csv?scope=f", Some(app.a.as_str())),
        ("/api/imports", Some(app.a.as_str())),
    ] {
        let (s, _, b) = app
            .call(
                "POST",
                path,
                token,
                Some(gz.clone()),
                &[("content-encoding", "gzip".into())],
            )
            .await;
        let v: Value = serde_json::from_slice(&b).unwrap();
        assert_eq!(
            (s, v["code"].as_str()),
            (
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                Some("unsupported_encoding")
            ),
            "{path}"
        );
    }
    // Heavy work is bounded: with the only permit taken, an import is told to come back.
    let permit = app.state.heavy.clone().try_acquire_owned().unwrap();
    let (s, h, b) = app
        .call(
            "POST",
            "/api/imports/csv?scope=f",
            Some(&app.a),
            Some(students(0..2).into_bytes()),
            &[],
        )
        .await;
    let v: Value = serde_json::from_slice(&b).unwrap();
    assert_eq!(
        (s, v["code"].as_str()),
        (StatusCode::SERVICE_UNAVAILABLE, Some("busy"))
    );
    assert!(h.get("retry-after").is_some());
    drop(permit);
    let (s, _, _) = app
        .call(
            "POST",
            "/api/imports/csv?scope=f",
            Some(&app.a),
            Some(students(0..2).into_bytes()),
            &[],
        )
        .await;
    assert_eq!(s, StatusCode::CREATED);
}

async fn sign_in(
    app: &App,
    peer: &str,
    email: &str,
    password: &str,
) -> (StatusCode, Option<String>) {
    let body = json!({"email": email, "password": password})
        .to_string()
        .into_bytes();
    let (s, h, _) = app
        .call_from(Some(peer), "POST", "/api/session", None, Some(body), &[])
        .await;
    (
        s,
        h.get("retry-after").map(|v| v.to_str().unwrap().to_owned()),
    )
}

#[actix_web::test]
async fn sign_in_is_throttled_per_client_and_per_account_without_locking_the_owner_out() {
    let url = backends().remove(0);
    let limits = |slow| Limits {
        login: LoginLimits {
            per_address: 8,
            per_account: 5,
            slow,
            ..LoginLimits::default()
        },
        ..Limits::default()
    };
    let app = spawn_app(&url, limits(Duration::from_secs(600))).await;
    // One client trying many accounts is stopped, whatever the emails.
    let mut codes = vec![];
    for i in 0..12 {
        codes.push(
            sign_in(&app, "10.0.0.1:1", &format!("u{i}@alpha.org"), "guess")
                .await
                .0,
        );
    }
    assert_eq!(
        codes
            .iter()
            .filter(|s| **s == StatusCode::UNAUTHORIZED)
            .count(),
        8,
        "{codes:?}"
    );
    assert_eq!(codes.last(), Some(&StatusCode::TOO_MANY_REQUESTS));
    // An attacked account is slowed: its owner, from elsewhere, is told how long to wait…
    for _ in 0..5 {
        assert_eq!(
            sign_in(&app, "10.0.0.2:1", "admin@alpha.org", "guess")
                .await
                .0,
            StatusCode::UNAUTHORIZED
        );
    }
    let (s, wait) = sign_in(&app, "10.0.0.3:1", "admin@alpha.org", "correct horse").await;
    assert_eq!(s, StatusCode::TOO_MANY_REQUESTS);
    assert!(wait.is_some_and(|w| w.parse::<u64>().unwrap() <= 600));
    // …and gets in once the wait is over (here no wait), not locked out for good.
    let app = spawn_app(&fresh("t_owner").remove(0), limits(Duration::ZERO)).await;
    for _ in 0..20 {
        sign_in(&app, "10.0.0.2:1", "admin@alpha.org", "guess").await;
    }
    assert_eq!(
        sign_in(&app, "10.0.0.3:1", "admin@alpha.org", "correct horse")
            .await
            .0,
        StatusCode::OK
    );
    // Successes never count: an owner signing in all day is never slowed.
    for _ in 0..10 {
        assert_eq!(
            sign_in(&app, "10.0.0.4:1", "admin@beta.org", "correct horse")
                .await
                .0,
            StatusCode::OK
        );
    }
}

#[test]
fn an_unknown_email_costs_what_a_real_one_costs() {
    use argon2::password_hash::PasswordHash;
    let real = apply::hash_password("anything").unwrap();
    let (real, dummy) = (
        PasswordHash::new(&real).unwrap(),
        PasswordHash::new(apply::dummy_hash()).unwrap(),
    );
    assert_eq!(dummy.algorithm, real.algorithm);
    assert_eq!(dummy.version, real.version);
    assert_eq!(dummy.params, real.params, "the same memory, time and lanes");
    assert!(!apply::verify_password("", apply::dummy_hash()));
}

#[actix_web::test]
async fn an_idempotency_key_is_bound_to_its_request() {
    for url in backends() {
        let mut app = spawn_app(&url, Limits::default()).await;
        let key = |k: &str| vec![("idempotency-key", k.to_owned())];
        let a = app.plan_students(0..3, "f.csv").await;
        let b = app.plan_students(5..9, "f.csv").await;
        let (s, first) = app
            .send(
                "POST",
                "/api/imports",
                &app.a,
                a.to_json().expect("serializes"),
                &key("k1"),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED);
        let (s, v) = app
            .send(
                "POST",
                "/api/imports",
                &app.a,
                b.to_json().expect("serializes"),
                &key("k1"),
            )
            .await;
        assert_eq!(
            (s, v["code"].as_str()),
            (
                StatusCode::UNPROCESSABLE_ENTITY,
                Some("idempotency_key_reused")
            ),
            "{url}: {v}"
        );
        let (s, v) = app
            .send(
                "POST",
                "/api/imports",
                &app.a,
                a.to_json().expect("serializes"),
                &key("k1"),
            )
            .await;
        assert_eq!(
            (s, &v["import"]["number"]),
            (StatusCode::OK, &first["import"]["number"])
        );
        // The CSV door too, without planning the new body.
        let csv1 = students(10..12);
        let (s, first) = app
            .send(
                "POST",
                "/api/imports/csv?scope=g.csv",
                &app.a,
                csv1.clone().into_bytes(),
                &key("k2"),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{first}");
        let (s, v) = app
            .send(
                "POST",
                "/api/imports/csv?scope=g.csv",
                &app.a,
                students(20..22).into_bytes(),
                &key("k2"),
            )
            .await;
        assert_eq!(
            (s, v["code"].as_str(), v["applied"].as_bool()),
            (
                StatusCode::UNPROCESSABLE_ENTITY,
                Some("idempotency_key_reused"),
                None
            ),
            "{v}"
        );
        let (s, v) = app
            .send(
                "POST",
                "/api/imports/csv?scope=g.csv",
                &app.a,
                csv1.into_bytes(),
                &key("k2"),
            )
            .await;
        assert_eq!(
            (s, v["replayed"].as_bool(), &v["import"]["number"]),
            (StatusCode::OK, Some(true), &first["import"]["number"])
        );
        let (_, list) = app.send("GET", "/api/imports", &app.a, vec![], &[]).await;
        assert_eq!(list.as_array().map(Vec::len), Some(2));
        // Retention: a week later the key is forgotten and may name a new request.
        let week = Duration::from_secs(7 * 24 * 3600);
        let later = rollcall_backend::db::now_ms() + 8 * 24 * 3600 * 1000;
        let swept = rollcall_backend::maintenance::sweep(&app.db(), later, week).unwrap();
        assert_eq!(swept.idempotency_keys, 2);
        assert_eq!(
            swept.sessions, 2,
            "a week later every session has expired too"
        );
        app.a = app.login("admin@alpha.org").await;
        let c = app.plan_students(30..31, "h.csv").await;
        let (s, _) = app
            .send(
                "POST",
                "/api/imports",
                &app.a,
                c.to_json().expect("serializes"),
                &key("k1"),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED);
    }
}

#[actix_web::test]
async fn answers_carry_security_headers_and_api_answers_are_not_cached() {
    let url = backends().remove(0);
    let app = spawn_app(&url, Limits::default()).await;
    for (path, token) in [
        ("/api/me", Some(app.a.as_str())),
        ("/api/roster", Some(app.a.as_str())),
        ("/api/users", None),
        ("/", None),
    ] {
        let (_, h, _) = app.call("GET", path, token, None, &[]).await;
        let csp = h.get("content-security-policy").unwrap().to_str().unwrap();
        assert!(
            csp.contains("frame-ancestors 'none'")
                && csp.contains("'wasm-unsafe-eval'")
                && !csp.contains("'unsafe-eval'"),
            "{csp}"
        );
        assert!(!csp.contains("script-src 'self' 'unsafe-inline'"));
        assert_eq!(
            h.get("x-content-type-options").unwrap(),
            "nosniff",
            "{path}"
        );
        if path.starts_with("/api/") {
            assert_eq!(h.get("cache-control").unwrap(), "no-store", "{path}");
        }
    }
}

#[actix_web::test]
async fn bad_parameters_answer_json_with_a_stable_code() {
    let url = backends().remove(0);
    let app = spawn_app(&url, Limits::default()).await;
    for (method, path, code) in [
        ("GET", "/api/users?page=9223372036854775807", "invalid_page"),
        ("GET", "/api/users?page=-3", "invalid_page"),
        ("GET", "/api/users?per_page=abc", "invalid_query"),
        ("GET", "/api/imports/abc", "invalid_path"),
        ("GET", "/api/imports/99999999999999999999", "invalid_path"),
        ("POST", "/api/imports/csv?dry_run=yes", "invalid_query"),
        ("POST", "/api/imports/csv?nonsense=1", "invalid_query"),
        ("GET", "/api/session", "method_not_allowed"),
        ("GET", "/api/nowhere", "not_found"),
    ] {
        let (s, h, b) = app
            .call(method, path, Some(&app.a), Some(vec![]), &[])
            .await;
        assert!(s.is_client_error(), "{path}: {s}");
        assert_eq!(h.get("content-type").unwrap(), "application/json", "{path}");
        let v: Value = serde_json::from_slice(&b).unwrap();
        assert_eq!(v["code"].as_str(), Some(code), "{path}: {v}");
    }
}

#[actix_web::test]
async fn signing_out_an_api_token_is_refused_and_the_token_is_not_fooled() {
    let url = backends().remove(0);
    let app = spawn_app(&url, Limits::default()).await;
    let token = "rct_nightly";
    with_conn!(app.db().get().unwrap(), |c| c.create_api_token(
        &rollcall_backend::http::auth::token_hash(token),
        A,
        "nightly",
        None,
        None
    ))
    .unwrap();
    let (s, v) = app.send("DELETE", "/api/session", token, vec![], &[]).await;
    assert_eq!(
        (s, v["code"].as_str()),
        (StatusCode::BAD_REQUEST, Some("not_a_session"))
    );
    assert_eq!(
        app.send("GET", "/api/me", token, vec![], &[]).await.0,
        StatusCode::OK
    );
    // A session signs out for real.
    assert_eq!(
        app.send("DELETE", "/api/session", &app.a, vec![], &[])
            .await
            .0,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        app.send("GET", "/api/me", &app.a, vec![], &[]).await.0,
        StatusCode::UNAUTHORIZED
    );
}

#[actix_web::test]
async fn a_dry_run_answers_a_page_not_the_whole_plan() {
    let url = backends().remove(0);
    let app = spawn_app(&url, Limits::default()).await;
    let (s, v) = app.csv("scope=f.csv&dry_run=true", &students(0..250)).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(v["summary"]["creates"], 250);
    assert_eq!(v["totals"]["creates"], 250);
    assert_eq!(v["creates"].as_array().map(Vec::len), Some(100));
    let (_, v) = app
        .csv("scope=f.csv&dry_run=true&page=3", &students(0..250))
        .await;
    assert_eq!(v["creates"].as_array().map(Vec::len), Some(50));
    assert_eq!(v["creates"][0]["district_id"], "S200");
}

#[actix_web::test]
async fn expired_sessions_are_deleted_by_age() {
    for url in backends() {
        let app = spawn_app(&url, Limits::default()).await;
        with_conn!(app.db().get().unwrap(), |c| c.create_session(
            "never-presented",
            A,
            1,
            1
        ))
        .unwrap();
        let swept = rollcall_backend::maintenance::sweep(
            &app.db(),
            rollcall_backend::db::now_ms(),
            Duration::from_secs(3600),
        )
        .unwrap();
        assert_eq!(swept.sessions, 1, "{url}");
        assert_eq!(
            with_conn!(app.db().get().unwrap(), |c| c.session("never-presented")).unwrap(),
            None
        );
        assert_eq!(
            app.send("GET", "/api/me", &app.a, vec![], &[]).await.0,
            StatusCode::OK,
            "live ones stay"
        );
    }
}

#[actix_web::test]
async fn a_line_break_in_a_name_never_reaches_a_mail() {
    for url in backends() {
        let app = spawn_app(&url, Limits::default()).await;
        let evil = format!("{HEAD}\nT1,\"Ann\r\nSubject: Win http://evil.example\",Lee,1,,t1@outside.example,101\n");
        let (s, v) = app.csv("scope=f.csv", &evil).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
        assert!(v["issues"].to_string().contains("control_character"), "{v}");
        // A hand-made request is refused by the server's verification too.
        let req = app
            .planned(
                &format!("{HEAD}\nT1,Ann,Lee,1,,t1@outside.example,101\n"),
                "f.csv",
                &Options {
                    email_new_staff: true,
                    ..Options::default()
                },
            )
            .await;
        // (A name with a line break cannot even be built: it is sent as JSON.)
        let mut json: serde_json::Value =
            serde_json::from_slice(&req.to_json().expect("serializes")).expect("json");
        json["creates"][0]["data"]["first_name"] = "Ann\r\nBcc: everyone@outside.example".into();
        let answer = app
            .refused(
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid_record",
                "POST",
                "/api/imports",
                &app.a,
                serde_json::to_vec(&json).expect("json"),
                &[],
            )
            .await;
        assert_eq!(answer["issue"], "control_character", "{answer}");
        let (_, outbox) = app.send("GET", "/api/outbox", &app.a, vec![], &[]).await;
        assert_eq!(outbox.as_array().map(Vec::len), Some(0), "{outbox}");
    }
}

#[actix_web::test]
async fn a_value_no_version_writes_is_an_error_not_a_guess() {
    for url in backends() {
        let app = spawn_app(&url, Limits::default()).await;
        assert_eq!(
            app.csv("scope=f.csv", &students(0..2)).await.0,
            StatusCode::CREATED
        );
        // Edited by hand: a role Rollcall never writes. It used to be read as "student".
        with_conn!(app.db().get().unwrap(), |c| -> Result<
            (),
            rollcall_backend::db::DbError,
        > {
            let mut u = c.users(A)?.remove(0);
            u.role = "wizard".into();
            c.update_user(&u)
        })
        .unwrap();
        let (s, _, b) = app
            .call("GET", "/api/roster", Some(&app.a), None, &[])
            .await;
        let v: Value = serde_json::from_slice(&b).unwrap();
        assert_eq!(
            (s, v["code"].as_str()),
            (StatusCode::INTERNAL_SERVER_ERROR, Some("internal")),
            "{url}"
        );
        let (s, _) = app.csv("scope=f.csv&dry_run=true", &students(0..2)).await;
        assert_eq!(
            s,
            StatusCode::INTERNAL_SERVER_ERROR,
            "{url}: nothing is planned against a guess"
        );
    }
}

/// One rule at both doors: every value the browser's validation refuses in a file is refused
/// by the server in a change request, with the same code in the answer's `issue`.
#[actix_web::test]
async fn a_bad_value_is_refused_with_the_code_the_browser_gives_it() {
    use rollcall_shared::testgen::{bad_values, CONTRACT_HEADING, CONTRACT_ROW};
    use rollcall_shared::write::push_row;
    let csv = |row: &[&str]| {
        let mut out = String::new();
        push_row(&mut out, CONTRACT_HEADING);
        push_row(&mut out, row.iter().copied());
        out
    };
    for url in backends() {
        let app = spawn_app(&url, Limits::default()).await;
        let good = app
            .planned(&csv(&CONTRACT_ROW), "f.csv", &Options::default())
            .await;
        let good: Value =
            serde_json::from_slice(&good.to_json().expect("serializes")).expect("json");
        for (f, bad) in bad_values() {
            let col = CONTRACT_HEADING
                .iter()
                .position(|h| *h == f.name())
                .expect("a column");
            let mut row = CONTRACT_ROW;
            row[col] = &bad;
            let (_, v) =
                validate_bytes(csv(&row).as_bytes(), &ImportOptions::default()).expect("reads");
            let browser = v
                .issues
                .iter()
                .find(|i| i.is_error() && i.field == Some(f))
                .map(|i| i.code.as_str())
                .expect("the browser refuses it");
            let mut req = good.clone();
            match f {
                rollcall_shared::fields::Field::Password => {
                    req["creates"][0]["password"] = json!(bad)
                }
                _ => req["creates"][0]["data"][f.name()] = json!(bad),
            }
            let answer = app
                .refused(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "invalid_record",
                    "POST",
                    "/api/imports",
                    &app.a,
                    serde_json::to_vec(&req).expect("json"),
                    &[],
                )
                .await;
            assert_eq!(answer["issue"], browser, "{f:?} {bad:?}: {answer}");
        }
    }
}
