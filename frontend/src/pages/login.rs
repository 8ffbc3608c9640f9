use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::context::{ctx, save_session};

#[component]
pub fn Login() -> impl IntoView {
    let cx = ctx();
    let email = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        busy.set(true);
        let api = cx.api();
        let (e, p) = (email.get_untracked(), password.get_untracked());
        spawn_local(async move {
            match api.login(&e, &p).await {
                Ok(s) => {
                    save_session(&s);
                    cx.flash.set(None);
                    cx.api.update(|a| a.session = Some(s));
                }
                Err(err) => cx.error(&err),
            }
            busy.set(false);
        });
    };
    view! {
        <main>
            <div class="card" style="max-width: 420px; margin: 3rem auto;">
                <h1>"Sign in to Rollcall"</h1>
                <form on:submit=submit>
                    <label>"Email"<br/>
                        <input type="email" name="email" autocomplete="username" required
                            prop:value=move || email.get() on:input=move |ev| email.set(event_target_value(&ev))/>
                    </label>
                    <label>"Password"<br/>
                        <input type="password" name="password" autocomplete="current-password" required
                            prop:value=move || password.get() on:input=move |ev| password.set(event_target_value(&ev))/>
                    </label>
                    <div class="actions">
                        <button class="primary" type="submit" disabled=move || busy.get()>
                            {move || if busy.get() { "Signing in…" } else { "Sign in" }}
                        </button>
                    </div>
                </form>
            </div>
        </main>
    }
}
