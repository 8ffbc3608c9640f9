//! What every page can reach, beneath the pages and the shell that shows them: the API client
//! and session, the page being shown, the flash message, the engine's worker.

use std::cell::RefCell;

use leptos::prelude::*;

use crate::api::{Api, Session};
use crate::bridge::EngineClient;

pub use crate::route::{Page, Route};

/// What every page can reach.
#[derive(Clone, Copy)]
pub struct Ctx {
    pub api: RwSignal<Api>,
    /// Where the app is (the URL's fragment, kept in step with the browser's history).
    pub route: RwSignal<Route>,
    /// (kind: info | warning | error, message)
    pub flash: RwSignal<Option<(String, String)>>,
}

impl Ctx {
    pub fn api(&self) -> Api {
        self.api.get_untracked()
    }

    /// Opens a page (a new entry in the browser's history).
    pub fn go(&self, page: Page) {
        self.navigate(Route::page(page), false);
    }

    /// Moves to `route`: a new history entry, or (`replace`) instead of the current one.
    pub fn navigate(&self, route: Route, replace: bool) {
        let href = route.href();
        if let Some(loc) = web_sys::window().map(|w| w.location()) {
            let _ = if replace {
                loc.replace(&href)
            } else {
                loc.set_hash(&href)
            };
        }
        if self.route.with_untracked(|r| *r != route) {
            self.route.set(route);
        }
    }

    /// Follows the browser's Back, Forward and typed fragments.
    pub fn follow_history(&self) {
        use wasm_bindgen::JsCast;
        let route = self.route;
        let current = || {
            web_sys::window()
                .and_then(|w| w.location().hash().ok())
                .map(|h| Route::parse(&h))
        };
        if let Some(r) = current() {
            route.set(r);
        }
        let on_change = wasm_bindgen::closure::Closure::<dyn FnMut()>::new(move || {
            if let Some(r) = current() {
                if route.with_untracked(|x| *x != r) {
                    route.set(r);
                }
            }
        });
        if let Some(w) = web_sys::window() {
            w.set_onhashchange(Some(on_change.as_ref().unchecked_ref()));
        }
        // The listener lives as long as the page.
        on_change.forget();
    }
    pub fn error(&self, e: &crate::api::ApiError) {
        if e.expired() {
            self.sign_out_local();
            self.flash.set(Some((
                "warning".into(),
                "Your session has expired: sign in again.".into(),
            )));
        } else {
            self.flash.set(Some(("error".into(), e.message.clone())));
        }
    }
    pub fn info(&self, m: impl Into<String>) {
        self.flash.set(Some(("info".into(), m.into())));
    }
    pub fn sign_out_local(&self) {
        if let Some(s) = storage() {
            let _ = s.remove_item(SESSION_KEY);
        }
        self.api.update(|a| a.session = None);
    }
}

const SESSION_KEY: &str = "rollcall.session";

fn storage() -> Option<web_sys::Storage> {
    web_sys::window().and_then(|w| w.local_storage().ok().flatten())
}

pub fn save_session(s: &Session) {
    if let (Some(st), Ok(json)) = (storage(), serde_json::to_string(s)) {
        let _ = st.set_item(SESSION_KEY, &json);
    }
}

pub fn load_session() -> Option<Session> {
    storage()
        .and_then(|s| s.get_item(SESSION_KEY).ok().flatten())
        .and_then(|j| serde_json::from_str(&j).ok())
}

thread_local! {
    static ENGINE: RefCell<Option<EngineClient>> = const { RefCell::new(None) };
}

/// The worker, started on first use.
pub fn engine() -> Result<EngineClient, String> {
    ENGINE.with(|e| {
        let mut e = e.borrow_mut();
        if e.is_none() {
            *e = Some(
                EngineClient::new()
                    .map_err(|_| "This browser cannot start the import worker.".to_owned())?,
            );
        }
        e.clone().ok_or_else(|| "no worker".to_owned())
    })
}

pub fn ctx() -> Ctx {
    expect_context::<Ctx>()
}
