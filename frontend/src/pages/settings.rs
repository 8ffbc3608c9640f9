//! The district's settings: the mass-archive guard (the server decides with it; the review
//! shows it), the address the links in its mail lead to, its time zone and its mail's sender.

use leptos::prelude::*;
use leptos::task::spawn_local;
use rollcall_shared::api::{DistrictPatch, DistrictSettings};
use rollcall_shared::wire::GuardLimits;

use crate::context::ctx;

#[component]
pub fn Settings() -> impl IntoView {
    let cx = ctx();
    let percent = RwSignal::new(String::new());
    let min = RwSignal::new(String::new());
    let url = RwSignal::new(String::new());
    let tz = RwSignal::new(String::new());
    let sender = RwSignal::new(String::new());
    let show = move |s: DistrictSettings| {
        tz.set(s.time_zone.clone());
        sender.set(
            s.mail_from
                .as_ref()
                .map(|m| m.as_str().to_owned())
                .unwrap_or_default(),
        );
        percent.set(s.guard.percent.to_string());
        min.set(s.guard.min.to_string());
        url.set(s.public_url.unwrap_or_default());
    };
    // Every form sends one patch and shows the settings as they now are, with its own words.
    let send = move |patch: DistrictPatch, saved: &'static str| {
        let body = match serde_json::to_string(&patch) {
            Ok(b) => b,
            Err(e) => return cx.flash.set(Some(("error".into(), e.to_string()))),
        };
        spawn_local(async move {
            match cx
                .api()
                .patch_json::<DistrictSettings>("/api/district", body, &[])
                .await
            {
                Ok(s) => {
                    show(s);
                    cx.info(saved);
                }
                Err(e) => cx.error(&e),
            }
        });
    };
    spawn_local(async move {
        match cx.api().get::<DistrictSettings>("/api/district").await {
            Ok(s) => show(s),
            Err(e) => cx.error(&e),
        }
    });
    let save_url = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let given = url.get_untracked();
        // The server's rule, asked here first; blank forgets the address.
        if !given.trim().is_empty() {
            if let Err(e) = rollcall_shared::fields::check_public_url(&given) {
                return cx.flash.set(Some((
                    "error".into(),
                    format!("The public address cannot be used: {}.", e.message),
                )));
            }
        }
        let patch = DistrictPatch {
            public_url: Some(given),
            ..DistrictPatch::default()
        };
        send(patch, "Saved: links in new mail lead to this address.");
    };
    // Time zone and sender: the server checks the zone's name against the IANA list, the sender
    // by the email rule the page asks first.
    let save_mail = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let from = sender.get_untracked();
        if !from.trim().is_empty() {
            if let Err(e) = rollcall_shared::fields::Email::parse(from.trim()) {
                return cx.flash.set(Some((
                    "error".into(),
                    format!("The sender cannot be used: {e}."),
                )));
            }
        }
        let patch = DistrictPatch {
            time_zone: Some(tz.get_untracked()),
            mail_from: Some(from),
            ..DistrictPatch::default()
        };
        send(
            patch,
            "Saved: new mail states times in this zone and comes from this sender.",
        );
    };
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
            ..DistrictPatch::default()
        };
        send(
            patch,
            "Saved: imports are checked against the new guard from now on.",
        );
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
            <h2>"Public address"</h2>
            <p class="muted">"Where the links in the district's mail lead (a new staff member's set-password link, an import's notice). Leave it empty to use the address this page is open at."</p>
            <form on:submit=save_url data-testid="url-form">
                <input size="40" placeholder="https://rollcall.district.org" data-testid="public-url"
                    prop:value=move || url.get() on:input=move |ev| url.set(event_target_value(&ev))/>
                " "
                <button class="primary" type="submit" data-testid="url-save">"Save"</button>
            </form>
            <h2>"Time zone and mail"</h2>
            <p class="muted">"The time zone the district's mail and scheduled imports state their times in (an IANA name such as America/Chicago), and the address its mail comes from (empty: the server's)."</p>
            <form on:submit=save_mail data-testid="mail-form" class="actions">
                <label>"Time zone " <input size="24" data-testid="time-zone" prop:value=move || tz.get() on:input=move |ev| tz.set(event_target_value(&ev))/></label>
                <label>"Sender " <input size="30" placeholder="rollcall@district.org" data-testid="mail-from" prop:value=move || sender.get() on:input=move |ev| sender.set(event_target_value(&ev))/></label>
                <button class="primary" type="submit" data-testid="mail-save">"Save"</button>
            </form>
        </div>
    }
}
