//! The shell: session, header, navigation, and the page being shown.

use std::cell::RefCell;

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api::{load_base, Api, Session};
use crate::bridge::EngineClient;
use crate::pages::{
    history::History, login::Login, outbox::Outbox, settings::Settings, users::Users,
    wizard::Wizard,
};

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

fn load_session() -> Option<Session> {
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

#[component]
pub fn App() -> impl IntoView {
    let cx = Ctx {
        api: RwSignal::new(Api {
            base: String::new(),
            session: load_session(),
        }),
        page: RwSignal::new(Page::Import),
        flash: RwSignal::new(None),
    };
    provide_context(cx);
    spawn_local(async move {
        let base = load_base().await;
        cx.api.update(|a| a.base = base);
    });
    let signed_in = move || cx.api.with(|a| a.session.is_some());
    view! {
        <Show when=signed_in fallback=|| view! { <Flash/> <Login/> }>
            <Header/>
            <main>
                <Flash/>
                {move || match cx.page.get() {
                    Page::Import => view! { <Wizard/> }.into_any(),
                    Page::History => view! { <History selected=None/> }.into_any(),
                    Page::ImportDetail(n) => view! { <History selected=Some(n)/> }.into_any(),
                    Page::Users => view! { <Users/> }.into_any(),
                    Page::Outbox => view! { <Outbox/> }.into_any(),
                    Page::Settings => view! { <Settings/> }.into_any(),
                }}
            </main>
        </Show>
    }
}

#[component]
fn Flash() -> impl IntoView {
    let cx = ctx();
    move || {
        cx.flash.get().map(|(kind, msg)| {
            view! {
                <div class=format!("banner {kind}") role="alert">
                    {msg}
                    " "
                    <button on:click=move |_| cx.flash.set(None) aria-label="Dismiss">"×"</button>
                </div>
            }
        })
    }
}

#[component]
fn Header() -> impl IntoView {
    let cx = ctx();
    let district = move || {
        cx.api.with(|a| {
            a.session
                .as_ref()
                .map(|s| s.district_name.clone())
                .unwrap_or_default()
        })
    };
    let admin = move || {
        cx.api.with(|a| {
            a.session
                .as_ref()
                .map(|s| s.admin.clone())
                .unwrap_or_default()
        })
    };
    let tab = move |p: Page, label: &'static str| {
        let active = move || {
            cx.page.get() == p
                || (p == Page::History && matches!(cx.page.get(), Page::ImportDetail(_)))
        };
        view! {
            <button class:active=active aria-current=move || if active() { "page" } else { "false" } on:click=move |_| { cx.flash.set(None); cx.page.set(p) }>{label}</button>
        }
    };
    let sign_out = move |_| {
        let api = cx.api();
        spawn_local(async move {
            let _ = api.delete("/api/session").await;
            cx.sign_out_local();
        });
    };
    view! {
        <header class="top">
            <span class="brand">"Rollcall"</span>
            <span class="muted" data-testid="district">{district}</span>
            <nav aria-label="Main">
                {tab(Page::Import, "Import")}
                {tab(Page::History, "Import history")}
                {tab(Page::Users, "Users")}
                {tab(Page::Outbox, "Outbox")}
                {tab(Page::Settings, "Settings")}
            </nav>
            <span class="muted">{admin}</span>
            <button on:click=sign_out>"Sign out"</button>
        </header>
    }
}
