//! One user's page (`#/users/12`): every field, editable by the rules a file row meets (the
//! shared types read what is typed, so a bad value is said here before anything is sent);
//! "keep active"; archive or restore; a new set-password link; the groups; the history of
//! every import and edit that touched the user, field by field.

use leptos::prelude::*;
use leptos::task::spawn_local;
use rollcall_shared::api::ImportAnswer;
use rollcall_shared::console::{UserAction, UserDetail, UserHistory, UserPatch};
use rollcall_shared::fields::Field;
use rollcall_shared::plan::{Change, UserStatus};

use super::fmt_time;
use crate::context::{ctx, Ctx, Page};

/// The fields the form edits, in its order.
const FORM: [Field; 11] = [
    Field::FirstName,
    Field::MiddleName,
    Field::LastName,
    Field::SisId,
    Field::Email,
    Field::Role,
    Field::Grade,
    Field::School,
    Field::Scope,
    Field::StateId,
    Field::AltId,
];

fn reload(
    cx: Ctx,
    id: i64,
    user: RwSignal<Option<UserDetail>>,
    hist: RwSignal<Option<UserHistory>>,
) {
    super::load(cx, format!("/api/users/{id}"), user);
    super::load(cx, format!("/api/users/{id}/history"), hist);
}

fn action_word(a: UserAction) -> &'static str {
    match a {
        UserAction::Created => "created",
        UserAction::Updated => "updated",
        UserAction::Archived => "archived",
        UserAction::Restored => "restored",
        UserAction::KeepActive => "keep active changed",
    }
}

/// The changes the form asks for: each field whose text differs from the user's, read by its
/// type; the first value refused, in the page's words.
fn changes_of(user: &UserDetail, texts: &[RwSignal<String>]) -> Result<Vec<Change>, String> {
    let mut out = vec![];
    for (f, t) in FORM.iter().zip(texts) {
        let now = user.data.display(*f).unwrap_or_default();
        let typed = t.get_untracked();
        if typed.trim() == now {
            continue;
        }
        out.push(
            Change::from_text(*f, &typed).map_err(|e| format!("{}: {}.", f.label(), e.message))?,
        );
    }
    Ok(out)
}

#[component]
pub fn User(id: i64) -> impl IntoView {
    let cx = ctx();
    let user = RwSignal::new(None::<UserDetail>);
    let hist = RwSignal::new(None::<UserHistory>);
    reload(cx, id, user, hist);
    view! {
        <div class="card">
            <p><a href=crate::context::Route::page(Page::Users).href()>"← Users"</a></p>
            {move || match user.get() {
                None => view! { <p>"Loading…"</p> }.into_any(),
                Some(u) => view! { <Detail user=u signal=user hist=hist/> }.into_any(),
            }}
            <h2>"History"</h2>
            {move || match hist.get() {
                None => view! { <p>"Loading…"</p> }.into_any(),
                Some(h) if h.events.is_empty() => view! { <p>"No history."</p> }.into_any(),
                Some(h) => view! {
                    <div class="scroll"><table data-testid="user-history">
                        <thead><tr><th>"When"</th><th>"Import"</th><th>"Type"</th><th>"By"</th><th>"What"</th><th>"Changes"</th></tr></thead>
                        <tbody>{h.events.into_iter().map(|e| {
                            let n = e.import;
                            let what = e.actions.iter().map(|a| action_word(*a)).collect::<Vec<_>>().join(", ");
                            let what = if e.status == rollcall_shared::api::ImportStatus::RolledBack {
                                format!("{what} (rolled back)")
                            } else {
                                what
                            };
                            view! {
                                <tr>
                                    <td>{fmt_time(Some(e.at))}</td>
                                    <td><button on:click=move |_| cx.go(Page::ImportDetail(n))>{format!("#{n}")}</button></td>
                                    <td>{e.kind}</td>
                                    <td>{e.submitted_by}</td>
                                    <td>{what}</td>
                                    <td class="wrap">{e.changes.iter().map(|(f, [old, new])| view! {
                                        <div>{format!("{f}: {} → {}", old.as_deref().unwrap_or("∅"), new.as_deref().unwrap_or("∅"))}</div>
                                    }).collect_view()}</td>
                                </tr>
                            }
                        }).collect_view()}</tbody>
                    </table></div>
                }.into_any(),
            }}
        </div>
    }
}

#[component]
fn Detail(
    user: UserDetail,
    signal: RwSignal<Option<UserDetail>>,
    hist: RwSignal<Option<UserHistory>>,
) -> impl IntoView {
    let cx = ctx();
    let id = user.id.0;
    let texts: Vec<RwSignal<String>> = FORM
        .iter()
        .map(|f| RwSignal::new(user.data.display(*f).unwrap_or_default()))
        .collect();
    let busy = RwSignal::new(false);
    let owned = user.managed_by.clone();
    let editable = owned.is_none();
    let revision = user.revision;
    let u2 = user.clone();
    let texts2 = texts.clone();
    // Every edit is a manual import: said, then the page read again.
    let done = move |r: Result<ImportAnswer, crate::api::ApiError>, what: &'static str| {
        busy.set(false);
        match r {
            Ok(a) => {
                cx.info(format!("{what} (import #{}).", a.import.number));
                reload(cx, id, signal, hist);
            }
            Err(e) => cx.error(&e),
        }
    };
    let send_patch = move |patch: UserPatch, what: &'static str| {
        let body = match serde_json::to_string(&patch) {
            Ok(b) => b,
            Err(e) => return cx.flash.set(Some(("error".into(), e.to_string()))),
        };
        busy.set(true);
        spawn_local(async move {
            let r = cx
                .api()
                .patch_json::<ImportAnswer>(
                    &format!("/api/users/{id}"),
                    body,
                    &[("if-match", format!("\"{revision}\""))],
                )
                .await;
            done(r, what);
        });
    };
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        match changes_of(&u2, &texts2) {
            Err(e) => cx.flash.set(Some(("error".into(), e))),
            Ok(c) if c.is_empty() => cx.info("Nothing changed."),
            Ok(changes) => send_patch(
                UserPatch {
                    changes,
                    keep_active: None,
                },
                "Saved",
            ),
        }
    };
    let keep = user.keep_active;
    let toggle_keep = move |_| {
        send_patch(
            UserPatch {
                changes: vec![],
                keep_active: Some(!keep),
            },
            if keep {
                "Keep active is off"
            } else {
                "Keep active is on"
            },
        )
    };
    let archived = user.status == UserStatus::Archived;
    let status_action = move |_| {
        let verb = if archived { "restore" } else { "archive" };
        busy.set(true);
        spawn_local(async move {
            let r = cx
                .api()
                .post_json::<ImportAnswer>(
                    &format!("/api/users/{id}/{verb}"),
                    String::new(),
                    &[("if-match", format!("\"{revision}\""))],
                )
                .await;
            done(r, if archived { "Restored" } else { "Archived" });
        });
    };
    let can_mail = !archived && user.data.email.is_some();
    let send_link = move |_| {
        busy.set(true);
        spawn_local(async move {
            let r = cx
                .api()
                .post_json::<serde_json::Value>(
                    &format!("/api/users/{id}/password-link"),
                    String::new(),
                    &[],
                )
                .await;
            busy.set(false);
            match r {
                Ok(v) => cx.info(format!(
                    "A set-password link was sent to {}; older links stop working.",
                    v["sent_to"].as_str().unwrap_or("the user")
                )),
                Err(e) => cx.error(&e),
            }
        });
    };
    let d = &user.data;
    let source = match &owned {
        Some(s) => format!("managed by {s}"),
        None => "from files".into(),
    };
    view! {
        <h1 data-testid="user-name">{format!("{} {}", d.first_name, d.last_name)}</h1>
        <p class="muted" data-testid="user-summary">
            {format!("{} · {} · school {} · {} · {}", d.role.as_str(), if archived { "archived" } else { "active" }, d.school, source,
                if user.has_password { "password set" } else { "no password yet" })}
        </p>
        {owned.clone().map(|s| view! {
            <p class="warning" data-testid="owned">{format!("{s} owns this user: change them in {s}. Files uploaded here skip them and never archive them.")}</p>
        })}
        <form on:submit=save data-testid="edit-user" class="grid">
            {FORM.iter().zip(texts.clone()).map(|(f, t)| view! {
                <label>{f.label()}" "
                    <input name=f.name() prop:value=move || t.get() on:input=move |ev| t.set(event_target_value(&ev)) disabled=!editable/>
                </label>
            }).collect_view()}
            <div class="actions">
                <button class="primary" type="submit" disabled=move || busy.get() || !editable>"Save changes"</button>
            </div>
        </form>
        <div class="actions">
            <label>
                <input type="checkbox" data-testid="keep-active" prop:checked=keep disabled=move || busy.get() || !editable on:change=toggle_keep/>
                " Keep active (never archived for being missing from a file)"
            </label>
        </div>
        <div class="actions">
            <button data-testid="status-action" disabled=move || busy.get() || !editable on:click=status_action>
                {if archived { "Restore" } else { "Archive" }}
            </button>
            <button data-testid="send-link" disabled=move || busy.get() || !can_mail on:click=send_link>"Send a set-password link"</button>
        </div>
        <p class="muted">{
            if user.groups.is_empty() {
                "In no group.".to_owned()
            } else {
                format!("Groups: {}", user.groups.iter().map(|g| g.name.as_str()).collect::<Vec<_>>().join(", "))
            }
        }</p>
    }
}
