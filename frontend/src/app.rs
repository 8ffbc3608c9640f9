//! The shell: header, navigation, and the page being shown.

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api::{load_base, Api};
use crate::context::{ctx, load_session, Ctx, Page, Route};
use crate::pages::{
    groups::Groups, history::History, login::Login, outbox::Outbox, schools::Schools,
    set_password::SetPassword, settings::Settings, tokens::Tokens, user::User, users::Users,
    wizard::Wizard,
};

#[component]
pub fn App() -> impl IntoView {
    let cx = Ctx {
        api: RwSignal::new(Api {
            base: String::new(),
            session: load_session(),
        }),
        route: RwSignal::new(Route::page(Page::Import)),
        flash: RwSignal::new(None),
    };
    provide_context(cx);
    cx.follow_history();
    // The wizard's state outlives its page: a look at the history keeps the import in hand.
    crate::pages::wizard::provide_state();
    // Pages change with the page, not with every step of the wizard.
    let page = Memo::new(move |_| cx.route.with(|r| r.page));
    spawn_local(async move {
        let base = load_base().await;
        cx.api.update(|a| a.base = base);
    });
    let signed_in = move || cx.api.with(|a| a.session.is_some());
    // A set-password link is opened by the person it was sent to: no sign-in, no console.
    let link = Memo::new(move |_| page.get() == Page::SetPassword);
    let console = move || {
        view! {
        <Show when=signed_in fallback=|| view! { <Flash/> <Login/> }>
            <Header/>
            <main>
                <Flash/>
                {move || match page.get() {
                    Page::Import => view! { <Wizard/> }.into_any(),
                    Page::History => view! { <History selected=None/> }.into_any(),
                    Page::ImportDetail(n) => view! { <History selected=Some(n)/> }.into_any(),
                    Page::Users => view! { <Users/> }.into_any(),
                    Page::User(n) => view! { <User id=n/> }.into_any(),
                    Page::Schools => view! { <Schools/> }.into_any(),
                    Page::Groups => view! { <Groups/> }.into_any(),
                    Page::Outbox => view! { <Outbox/> }.into_any(),
                    Page::Tokens => view! { <Tokens/> }.into_any(),
                    Page::Settings => view! { <Settings/> }.into_any(),
                    Page::SetPassword => ().into_any(),
                }}
            </main>
        </Show>
        }
    };
    move || match link.get() {
        true => {
            let token = cx
                .route
                .with_untracked(|r| r.step.clone().unwrap_or_default());
            view! { <SetPassword token=token/> }.into_any()
        }
        false => console().into_any(),
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
    let page = Memo::new(move |_| cx.route.with(|r| r.page));
    let tab = move |p: Page, label: &'static str| {
        let active = move || {
            page.get() == p
                || (p == Page::History && matches!(page.get(), Page::ImportDetail(_)))
                || (p == Page::Users && matches!(page.get(), Page::User(_)))
        };
        view! {
            <button class:active=active aria-current=move || if active() { "page" } else { "false" } on:click=move |_| { cx.flash.set(None); cx.go(p) }>{label}</button>
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
                {tab(Page::Schools, "Schools")}
                {tab(Page::Groups, "Groups")}
                {tab(Page::Outbox, "Outbox")}
                {tab(Page::Tokens, "Tokens")}
                {tab(Page::Settings, "Settings")}
            </nav>
            <span class="muted">{admin}</span>
            <button on:click=sign_out>"Sign out"</button>
        </header>
    }
}
