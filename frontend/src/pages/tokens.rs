//! The district's API tokens, for nightly scripts and rostering syncs: each with its sync, when
//! it was made and last used, and when it stops; create one (its secret is shown here once),
//! revoke one.

use leptos::prelude::*;
use leptos::task::spawn_local;
use rollcall_shared::console::{CreatedToken, NewToken, SyncName, TokenInfo};
use rollcall_shared::fields::Text;

use super::fmt_time;
use crate::context::{ctx, Ctx};

fn reload(cx: Ctx, list: RwSignal<Option<Vec<TokenInfo>>>) {
    super::load(cx, "/api/tokens".into(), list);
}

/// The body for a new token, or why the form cannot make one (in the page's words).
fn new_token_body(name: &str, sync: &str, days: &str) -> Result<String, String> {
    let name = Text::parse(name).map_err(|e| format!("Name: {}.", e.message))?;
    let sync = match sync {
        "" => None,
        s => Some(SyncName::parse(s).ok_or_else(|| format!("`{s}` is not a sync."))?),
    };
    let expires_in_days = match days.trim() {
        "" => None,
        d => match d.parse::<u16>() {
            Ok(n @ 1..=3650) => Some(n),
            _ => {
                return Err(
                    "Expires after: a number of days from 1 to 3650, or blank for never.".into(),
                )
            }
        },
    };
    serde_json::to_string(&NewToken {
        name,
        sync,
        expires_in_days,
    })
    .map_err(|e| e.to_string())
}

#[component]
pub fn Tokens() -> impl IntoView {
    let cx = ctx();
    let list = RwSignal::new(None::<Vec<TokenInfo>>);
    reload(cx, list);
    let name = RwSignal::new(String::new());
    let sync = RwSignal::new(String::new());
    let days = RwSignal::new(String::new());
    let secret = RwSignal::new(None::<(String, String)>);
    let create = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let body = match new_token_body(
            &name.get_untracked(),
            &sync.get_untracked(),
            &days.get_untracked(),
        ) {
            Ok(b) => b,
            Err(e) => return cx.flash.set(Some(("error".into(), e))),
        };
        spawn_local(async move {
            match cx
                .api()
                .post_json::<CreatedToken>("/api/tokens", body, &[])
                .await
            {
                Ok(t) => {
                    secret.set(Some((t.token.name.clone(), t.secret)));
                    name.set(String::new());
                    reload(cx, list);
                }
                Err(e) => cx.error(&e),
            }
        });
    };
    let revoke = move |id: i64, label: String| {
        let ok = web_sys::window().and_then(|w| {
            w.confirm_with_message(&format!(
                "Revoke {label}? Scripts that use it stop working at once."
            ))
            .ok()
        }) == Some(true);
        if !ok {
            return;
        }
        spawn_local(async move {
            match cx.api().delete(&format!("/api/tokens/{id}")).await {
                Ok(()) => {
                    cx.info(format!("{label} revoked."));
                    reload(cx, list);
                }
                Err(e) => cx.error(&e),
            }
        });
    };
    view! {
        <div class="card">
            <h1>"API tokens"</h1>
            <p class="muted">"A token lets a script import files (POST /api/imports/csv). A token that names a sync speaks for it: the users its imports create or update belong to that sync, and files uploaded here skip them."</p>
            <form class="actions" on:submit=create data-testid="add-token">
                <label>"Name " <input size="24" name="name" prop:value=move || name.get() on:input=move |ev| name.set(event_target_value(&ev))/></label>
                <label>"Sync "
                    <select name="sync" on:change=move |ev| sync.set(event_target_value(&ev)) prop:value=move || sync.get()>
                        <option value="">"none (a script)"</option>
                        {SyncName::ALL.iter().map(|s| view! { <option value=s.as_str()>{s.as_str()}</option> }).collect_view()}
                    </select>
                </label>
                <label>"Expires after " <input size="5" name="days" placeholder="never" prop:value=move || days.get() on:input=move |ev| days.set(event_target_value(&ev))/>" days"</label>
                <button class="primary" type="submit">"Create token"</button>
            </form>
            {move || secret.get().map(|(n, s)| view! {
                <div class="banner warning" data-testid="token-secret-box">
                    <p>{format!("The secret of {n}, shown this once: copy it now.")}</p>
                    <code data-testid="token-secret">{s}</code>
                </div>
            })}
            {move || match list.get() {
                None => view! { <p>"Loading…"</p> }.into_any(),
                Some(v) if v.is_empty() => view! { <p>"No tokens yet."</p> }.into_any(),
                Some(v) => view! {
                    <div class="scroll"><table data-testid="tokens-list">
                        <thead><tr><th>"Name"</th><th>"Sync"</th><th>"Created"</th><th>"Last used"</th><th>"Expires"</th><th>"Actions"</th></tr></thead>
                        <tbody>{v.into_iter().map(|t| {
                            let (id, label, tag) = (t.id, t.name.clone(), t.name.clone());
                            view! {
                                <tr data-token=tag>
                                    <td>{t.name}</td>
                                    <td>{t.sync.map_or("—", SyncName::as_str)}</td>
                                    <td>{fmt_time(Some(t.created_at))}</td>
                                    <td>{match t.last_used_at { None => "never".to_owned(), at => fmt_time(at) }}</td>
                                    <td>{match t.expires_at { None => "never".to_owned(), at => fmt_time(at) }}</td>
                                    <td><button on:click=move |_| revoke(id, label.clone())>"Revoke"</button></td>
                                </tr>
                            }
                        }).collect_view()}</tbody>
                    </table></div>
                }.into_any(),
            }}
        </div>
    }
}
