//! What every page can reach, beneath the pages and the shell that shows them: the API client
//! and session, the page being shown, the flash message, the engine's worker.

use std::cell::RefCell;

use leptos::prelude::*;

use crate::api::{Api, Session};
use crate::bridge::EngineClient;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Page {
    Import,
    History,
    ImportDetail(i64),
    Users,
    Outbox,
    Settings,
}

/// What every page can reach.
#[derive(Clone, Copy)]
pub struct Ctx {
    pub api: RwSignal<Api>,
    pub page: RwSignal<Page>,
    /// (kind: info | warning | error, message)
    pub flash: RwSignal<Option<(String, String)>>,
}

impl Ctx {
    pub fn api(&self) -> Api {
        self.api.get_untracked()
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
