//! The district's settings: the mass-archive guard (the server decides with it; the review
//! shows it).

use leptos::prelude::*;
use leptos::task::spawn_local;
use rollcall_shared::api::{DistrictPatch, DistrictSettings, Me};
use rollcall_shared::wire::GuardLimits;

use crate::context::ctx;

#[component]
pub fn Settings() -> impl IntoView {
    let cx = ctx();
    let percent = RwSignal::new(String::new());
    let min = RwSignal::new(String::new());
    let show = move |g: GuardLimits| {
        percent.set(g.percent.to_string());
        min.set(g.min.to_string());
    };
    spawn_local(async move {
        match cx.api().get::<Me>("/api/me").await {
            Ok(me) => match me.district.guard {
                Some(g) => show(g),
                None => cx.info("The server did not say the district's guard policy."),
            },
            Err(e) => cx.error(&e),
        }
    });
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let (Ok(p), Ok(m)) = (
            percent.get_untracked().trim().parse::<u32>(),
            min.get_untracked().trim().parse::<u32>(),
        ) else {
            cx.flash.set(Some((
                "error".into(),
                "Give whole numbers: a percent from 0 to 100 and a number of users.".into(),
            )));
            return;
        };
        let patch = DistrictPatch {
            guard: Some(GuardLimits { percent: p, min: m }),
        };
        let body = match serde_json::to_string(&patch) {
            Ok(b) => b,
            Err(e) => return cx.flash.set(Some(("error".into(), e.to_string()))),
        };
        let api = cx.api();
        spawn_local(async move {
            match api
                .patch_json::<DistrictSettings>("/api/district", body)
                .await
            {
                Ok(s) => {
                    show(s.guard);
                    cx.info("Saved: imports are checked against the new guard from now on.");
                }
                Err(e) => cx.error(&e),
            }
        });
    };
    view! {
        <div class="card">
            <h1>"Settings"</h1>
            <h2>"Mass-archive guard"</h2>
            <p class="muted">"An import that would archive more than this share of a scope's active users, and more than this many, waits for a confirmation. It protects the district from a truncated file."</p>
            <form on:submit=save data-testid="guard-form">
                <label>"More than "
                    <input type="number" min="0" max="100" size="4" data-testid="guard-percent"
                        prop:value=move || percent.get() on:input=move |ev| percent.set(event_target_value(&ev))/>
                    " % of the scope's active users"</label>
                " "
                <label>"and more than "
                    <input type="number" min="0" size="6" data-testid="guard-min"
                        prop:value=move || min.get() on:input=move |ev| min.set(event_target_value(&ev))/>
                    " users"</label>
                " "
                <button class="primary" type="submit" data-testid="guard-save">"Save"</button>
            </form>
        </div>
    }
}
