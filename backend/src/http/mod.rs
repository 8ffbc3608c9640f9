//! The JSON API (one function per endpoint, thin: parse, call `db` or `rollcall_shared`,
//! answer) and the static frontend. See ARCHITECTURE.md for the table of endpoints.

pub mod auth;
pub mod error;
mod handlers;

use std::path::PathBuf;
use std::sync::Mutex;

use actix_web::{middleware, web, HttpResponse};

use crate::db::Db;

/// Sizes the server accepts, in one place.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Largest change request or CSV body, in bytes.
    pub max_body: usize,
    /// Sign-in attempts per email per window before 429.
    pub login_attempts: u32,
    pub login_window_secs: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_body: 512 << 20,
            login_attempts: 10,
            login_window_secs: 300,
        }
    }
}

#[derive(Debug, Clone, Default)]
pub struct Config {
    pub static_dir: Option<PathBuf>,
    pub cors_origins: Vec<String>,
    pub limits: Limits,
    pub session_hours: i64,
}

/// district → (revision, (raw, gzip)) of its last encoded roster snapshot.
pub type SnapshotCache = Mutex<std::collections::HashMap<i64, (i64, (web::Bytes, web::Bytes))>>;

pub struct AppState {
    pub db: Db,
    pub config: Config,
    /// email → (window start, attempts)
    pub logins: Mutex<std::collections::HashMap<String, (std::time::Instant, u32)>>,
    /// The last encoded roster snapshot of each district, by revision: a revision never changes,
    /// so repeated downloads (every admin's browser, every script) cost one read, not one each.
    pub snapshots: SnapshotCache,
}

impl AppState {
    pub fn new(db: Db, config: Config) -> web::Data<AppState> {
        web::Data::new(AppState {
            db,
            config,
            logins: Mutex::new(Default::default()),
            snapshots: Mutex::new(Default::default()),
        })
    }
}

/// Runs `$body` on a blocking thread with `$c` bound to a concrete connection.
#[macro_export]
macro_rules! db {
    ($state:expr, |$c:ident| $body:expr) => {{
        let db = $state.db.clone();
        actix_web::web::block(
            move || -> ::std::result::Result<_, $crate::http::error::ApiError> {
                let mut conn = db.get()?;
                $crate::with_conn!(conn, |$c| $body)
            },
        )
        .await??
    }};
}

/// Every route, in one table. The access tests walk `ROUTES` so that a new route without a
/// test fails.
pub const ROUTES: &[(&str, &str)] = &[
    ("POST", "/api/session"),
    ("DELETE", "/api/session"),
    ("GET", "/api/me"),
    ("GET", "/api/schools"),
    ("GET", "/api/groups"),
    ("GET", "/api/roster"),
    ("GET", "/api/mappings/{scope}"),
    ("PUT", "/api/mappings/{scope}"),
    ("POST", "/api/imports"),
    ("POST", "/api/imports/csv"),
    ("GET", "/api/imports"),
    ("GET", "/api/imports/{number}"),
    ("GET", "/api/imports/{number}/download"),
    ("POST", "/api/imports/{number}/rollback"),
    ("GET", "/api/users"),
    ("GET", "/api/users/export.csv"),
    ("GET", "/api/outbox"),
];

pub fn configure(cfg: &mut web::ServiceConfig, limits: Limits) {
    use handlers::*;
    cfg.app_data(web::PayloadConfig::new(limits.max_body))
        .app_data(
            web::JsonConfig::default()
                .limit(1 << 20)
                .error_handler(|e, _| {
                    error::ApiError::bad_request(
                        "invalid_json",
                        format!("The request body is not valid: {e}"),
                    )
                    .into()
                }),
        )
        .service(
            web::scope("/api")
                .route("/session", web::post().to(login))
                .route("/session", web::delete().to(logout))
                .route("/me", web::get().to(me))
                .route("/schools", web::get().to(schools))
                .route("/groups", web::get().to(groups))
                .route("/roster", web::get().to(roster))
                .route("/mappings/{scope}", web::get().to(get_mapping))
                .route("/mappings/{scope}", web::put().to(put_mapping))
                .route("/imports", web::post().to(submit))
                .route("/imports/csv", web::post().to(submit_csv))
                .route("/imports", web::get().to(imports))
                .route("/imports/{number}", web::get().to(import_detail))
                .route("/imports/{number}/download", web::get().to(import_download))
                .route("/imports/{number}/rollback", web::post().to(rollback))
                .route("/users", web::get().to(users))
                .route("/users/export.csv", web::get().to(export))
                .route("/outbox", web::get().to(outbox))
                .default_service(web::to(|| async {
                    Err::<HttpResponse, _>(error::ApiError::not_found())
                })),
        );
}

/// The whole application: API, static frontend (single-page: unknown paths get index.html),
/// compression, CORS for a frontend hosted elsewhere.
pub fn app(
    state: web::Data<AppState>,
) -> actix_web::App<
    impl actix_web::dev::ServiceFactory<
        actix_web::dev::ServiceRequest,
        Config = (),
        Response = actix_web::dev::ServiceResponse<impl actix_web::body::MessageBody>,
        Error = actix_web::Error,
        InitError = (),
    >,
> {
    let config = state.config.clone();
    let mut cors = actix_cors::Cors::default()
        .allow_any_method()
        .allow_any_header()
        .expose_headers(["etag", "content-disposition"])
        .max_age(3600);
    for o in &config.cors_origins {
        cors = cors.allowed_origin(o);
    }
    let limits = config.limits;
    let static_dir = config.static_dir.clone();
    actix_web::App::new()
        .app_data(state)
        .wrap(cors)
        .wrap(middleware::Compress::default())
        .wrap(middleware::Logger::new("%r %s %Dms").exclude("/api/session"))
        .configure(move |cfg| {
            configure(cfg, limits);
            if let Some(dir) = static_dir {
                let index = dir.join("index.html");
                cfg.service(
                    actix_files::Files::new("/", dir)
                        .index_file("index.html")
                        .default_handler(web::to(move || {
                            let index = index.clone();
                            async move {
                                match std::fs::read(&index) {
                                    Ok(b) => HttpResponse::Ok()
                                        .content_type("text/html; charset=utf-8")
                                        .body(b),
                                    Err(_) => HttpResponse::NotFound().finish(),
                                }
                            }
                        })),
                );
            }
        })
}
