//! The JSON API (one function per endpoint, thin: parse, call `db` or `rollcall_shared`,
//! answer) and the static frontend. See ARCHITECTURE.md for the table of endpoints.

pub mod auth;
pub mod error;
pub mod limiter;
mod middleware_fns;
mod routes;

use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use actix_web::{middleware, web, HttpResponse};

use crate::db::Db;
pub use limiter::LoginLimits;
use rollcall_shared::error_code::ErrorCode;

/// Sizes and rates the server accepts, in one place.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Largest change request or CSV body, in bytes.
    pub max_body: usize,
    /// Largest sign-in body: an email and a password.
    pub sign_in_body: usize,
    /// Largest other JSON body (a saved mapping, settings).
    pub json_body: usize,
    /// The longest password a sign-in hashes (longer ones are refused before any work).
    pub max_password: usize,
    pub login: LoginLimits,
    /// Requests doing heavy work (submits, CSV imports, snapshots) at once; others wait up to
    /// `heavy_wait`, then get 503 `busy`.
    pub heavy: usize,
    pub heavy_wait: Duration,
    /// How long an idempotency key is remembered.
    pub idempotency_retention: Duration,
    /// A dry run's lists (creates, updates, archives…) and issues: at most this many each per
    /// page.
    pub dry_run_page: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_body: 512 << 20,
            sign_in_body: 4 << 10,
            json_body: 1 << 20,
            max_password: 1024,
            login: LoginLimits::default(),
            heavy: 2,
            heavy_wait: Duration::from_secs(30),
            idempotency_retention: Duration::from_secs(7 * 24 * 3600),
            dry_run_page: 100,
        }
    }
}

#[derive(Debug, Clone, Default)]
pub struct Config {
    pub static_dir: Option<PathBuf>,
    pub cors_origins: Vec<String>,
    pub limits: Limits,
    pub session_hours: i64,
    /// The app's address for links in mail (`ROLLCALL_PUBLIC_URL`); without it, a browser's
    /// own origin (when it is this server's or an allowed one).
    pub public_url: Option<String>,
}

/// district → (revision, gzip) of its last encoded roster snapshot (gzip only: every browser
/// asks for it so; the rare client that does not gets it inflated on the way out).
pub type SnapshotCache = Mutex<std::collections::HashMap<crate::db::DistrictId, (i64, web::Bytes)>>;

pub struct AppState {
    pub db: Db,
    pub config: Config,
    /// Sign-in failures by client address and by account (bounded).
    pub logins: Mutex<limiter::Limiter>,
    /// The last encoded roster snapshot of each district, by revision: a revision never changes,
    /// so repeated downloads (every admin's browser, every script) cost one read, not one each.
    pub snapshots: SnapshotCache,
    /// Permits for heavy requests.
    pub heavy: Arc<tokio::sync::Semaphore>,
}

impl AppState {
    pub fn new(db: Db, config: Config) -> web::Data<AppState> {
        let heavy = Arc::new(tokio::sync::Semaphore::new(config.limits.heavy.max(1)));
        web::Data::new(AppState {
            db,
            config,
            logins: Mutex::new(Default::default()),
            snapshots: Mutex::new(Default::default()),
            heavy,
        })
    }

    /// Waits for a heavy-work permit (503 `busy` after `heavy_wait`).
    pub async fn heavy_permit(&self) -> Result<tokio::sync::OwnedSemaphorePermit, error::ApiError> {
        match tokio::time::timeout(
            self.config.limits.heavy_wait,
            self.heavy.clone().acquire_owned(),
        )
        .await
        {
            Ok(Ok(p)) => Ok(p),
            _ => Err(error::ApiError::busy()),
        }
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

/// Declares the API once: the router is built from this table and [`ROUTES`] is read from it,
/// so no route can exist that the access tests (which walk `ROUTES`) do not see. A path may
/// name the `Limits` field that bounds its bodies (else `json_body`).
macro_rules! api_routes {
    ($( $path:literal $( [$limit:ident] )? { $( $method:ident => $handler:path ),+ $(,)? } )*) => {
        /// Every route of the API, as the router has it.
        pub const ROUTES: &[(&str, &str)] = &[ $( $( (stringify!($method), concat!("/api", $path)) ),+ ),* ];

        fn api_scope(limits: Limits) -> actix_web::Scope {
            use routes::*;
            let scope = web::scope("/api");
            $(
                let r = web::resource($path);
                $( let r = r.app_data(web::PayloadConfig::new(limits.$limit)); )?
                let _ = &limits;
                let scope = scope.service(
                    r $( .route(web::method(actix_web::http::Method::$method).to($handler)) )+
                );
            )*
            scope
        }
    };
}

api_routes! {
    "/session" [sign_in_body] { POST => login, DELETE => logout }
    "/password" [sign_in_body] { POST => set_password }
    "/me" { GET => me }
    "/district" { GET => get_district, PATCH => patch_district }
    "/schools" { GET => schools, POST => create_school }
    "/schools/{code}" { PATCH => patch_school, DELETE => delete_school }
    "/groups" { GET => groups, POST => create_group }
    "/groups/{id}" { PATCH => patch_group, DELETE => delete_group }
    "/groups/{id}/members" { GET => group_members }
    "/groups/{id}/members/{user_id}" { PUT => add_member, DELETE => remove_member }
    "/roster" { GET => roster }
    "/mappings/{scope}" { GET => get_mapping, PUT => put_mapping }
    "/imports" [max_body] { POST => submit, GET => imports }
    "/imports/csv" [max_body] { POST => submit_csv }
    "/imports/{number}" { GET => import_detail }
    "/imports/{number}/download" { GET => import_download }
    "/imports/{number}/rollback" { POST => rollback }
    "/imports/{number}/cancel" { POST => cancel }
    "/users" { GET => users }
    "/users/export.csv" { GET => export }
    "/users/{id}" { GET => user_detail, PATCH => patch_user }
    "/users/{id}/archive" { POST => archive_user }
    "/users/{id}/restore" { POST => restore_user }
    "/users/{id}/history" { GET => user_history }
    "/users/{id}/password-link" { POST => send_password_link }
    "/outbox" { GET => outbox }
    "/tokens" { GET => tokens, POST => create_token }
    "/tokens/{id}" { DELETE => delete_token }
}

pub fn configure(cfg: &mut web::ServiceConfig, limits: Limits) {
    cfg.app_data(web::PayloadConfig::new(limits.json_body))
        .app_data(web::QueryConfig::default().error_handler(|e, _| {
            error::ApiError::new(
                ErrorCode::InvalidQuery,
                format!("The query is not valid: {e}"),
            )
            .into()
        }))
        .app_data(web::PathConfig::default().error_handler(|e, _| {
            error::ApiError::new(
                ErrorCode::InvalidPath,
                format!("The address is not valid: {e}"),
            )
            .into()
        }))
        .service(api_scope(limits).default_service(web::to(|| async {
            Err::<HttpResponse, _>(error::ApiError::not_found())
        })));
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
        // Innermost first: API errors as JSON and API answers never cached; security headers
        // on everything; compressed request bodies refused before anything reads them.
        .wrap(middleware::from_fn(middleware_fns::api_answers))
        .wrap(middleware_fns::security_headers())
        .wrap(cors)
        .wrap(middleware::Compress::default())
        .wrap(middleware::from_fn(middleware_fns::refuse_encoded_bodies))
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
