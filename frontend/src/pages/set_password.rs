//! The page a set-password mail links to: the person chooses a password (no sign-in: the link
//! is the credential, and works once). The rule is the server's own (`check_new_password`),
//! asked here first so a weak password is said before anything is sent.

use leptos::prelude::*;
use leptos::task::spawn_local;
use rollcall_shared::api::SetPassword as Ask;
use rollcall_shared::fields::{check_new_password, MIN_PASSWORD};

use crate::context::ctx;

#[component]
pub fn SetPassword(token: String) -> impl IntoView {
    let cx = ctx();
    let pw = RwSignal::new(String::new());
    let again = RwSignal::new(String::new());
    let problem = RwSignal::new(None::<String>);
    let done = RwSignal::new(false);
    let busy = RwSignal::new(false);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let (p, a) = (pw.get_untracked(), again.get_untracked());
        if let Err(e) = check_new_password(&p, None) {
            return problem.set(Some(format!(
                "This password cannot be used: {}.",
                e.message
            )));
        }
        if p != a {
            return problem.set(Some(
                "The two passwords differ: type the same one twice.".into(),
            ));
        }
        let body = match serde_json::to_string(&Ask {
            token: token.clone(),
            password: p,
        }) {
            Ok(b) => b,
            Err(e) => return problem.set(Some(e.to_string())),
        };
        busy.set(true);
        spawn_local(async move {
            match cx.api().post_json::<()>("/api/password", body, &[]).await {
                Ok(()) => done.set(true),
                Err(e) => problem.set(Some(e.message)),
            }
            busy.set(false);
        });
    };
    view! {
        <main class="login">
            <div class="card">
                <h1>"Choose your password"</h1>
                {move || if done.get() {
                    view! { <p class="ok" data-testid="password-set">"Your password is set. You can close this page and sign in with it."</p> }.into_any()
                } else {
                    view! {
                        <form on:submit=submit.clone()>
                            <p class="muted">{format!("At least {MIN_PASSWORD} characters; not your email address.")}</p>
                            <label>"New password"<br/>
                                <input type="password" name="password" autocomplete="new-password" prop:value=move || pw.get() on:input=move |ev| pw.set(event_target_value(&ev))/>
                            </label>
                            <label>"Type it again"<br/>
                                <input type="password" name="again" autocomplete="new-password" prop:value=move || again.get() on:input=move |ev| again.set(event_target_value(&ev))/>
                            </label>
                            {move || problem.get().map(|p| view! { <p class="banner error" role="alert">{p}</p> })}
                            <button class="primary" type="submit" disabled=move || busy.get()>"Set my password"</button>
                        </form>
                    }.into_any()
                }}
            </div>
        </main>
    }
}
