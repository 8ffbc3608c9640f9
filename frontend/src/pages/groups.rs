//! The district's groups (Classworks' custom groups, made before an import chooses one): each
//! with its size; create, rename, remove (the users stay); open one to see its members, a page
//! at a time, and take a member out.

use leptos::prelude::*;
use leptos::task::spawn_local;
use rollcall_shared::api::{GroupInfo, GroupName, UsersPage};
use rollcall_shared::fields::Text;

use crate::context::{ctx, Ctx};

/// The body for a group's name, or why the name cannot be used (in the page's words).
pub fn name_body(name: &str) -> Result<String, String> {
    let name = Text::parse(name).map_err(|e| format!("Name: {}.", e.message))?;
    serde_json::to_string(&GroupName { name }).map_err(|e| e.to_string())
}

fn reload(cx: Ctx, list: RwSignal<Option<Vec<GroupInfo>>>) {
    super::load(cx, "/api/groups?counts=true".into(), list);
}

#[component]
pub fn Groups() -> impl IntoView {
    let cx = ctx();
    let list = RwSignal::new(None::<Vec<GroupInfo>>);
    reload(cx, list);
    let open = RwSignal::new(None::<GroupInfo>);
    let name = RwSignal::new(String::new());
    let create = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let body = match name_body(&name.get_untracked()) {
            Ok(b) => b,
            Err(e) => return cx.flash.set(Some(("error".into(), e))),
        };
        spawn_local(async move {
            match cx
                .api()
                .post_json::<GroupInfo>("/api/groups", body, &[])
                .await
            {
                Ok(g) => {
                    cx.info(format!("Group {} created.", g.name));
                    name.set(String::new());
                    reload(cx, list);
                }
                Err(e) => cx.error(&e),
            }
        });
    };
    view! {
        <div class="card">
            <h1>"Groups"</h1>
            <p class="muted">"Create a group here, then choose it in an import's options: every user of the file joins it."</p>
            <form class="actions" on:submit=create data-testid="add-group">
                <label>"Name " <input size="30" name="name" prop:value=move || name.get() on:input=move |ev| name.set(event_target_value(&ev))/></label>
                <button class="primary" type="submit">"Create group"</button>
            </form>
            {move || match list.get() {
                None => view! { <p>"Loading…"</p> }.into_any(),
                Some(v) if v.is_empty() => view! { <p>"No groups yet."</p> }.into_any(),
                Some(v) => view! {
                    <div class="scroll"><table data-testid="groups-list">
                        <thead><tr><th>"Name"</th><th>"Members"</th><th>"Actions"</th></tr></thead>
                        <tbody>{v.into_iter().map(|g| view! { <GroupRow group=g list=list open=open/> }).collect_view()}</tbody>
                    </table></div>
                }.into_any(),
            }}
            {move || open.get().map(|g| view! { <Members group=g list=list/> })}
        </div>
    }
}

#[component]
fn GroupRow(
    group: GroupInfo,
    list: RwSignal<Option<Vec<GroupInfo>>>,
    open: RwSignal<Option<GroupInfo>>,
) -> impl IntoView {
    let cx = ctx();
    let name = RwSignal::new(group.name.clone());
    let id = group.id;
    let save = move |_| {
        let body = match name_body(&name.get_untracked()) {
            Ok(b) => b,
            Err(e) => return cx.flash.set(Some(("error".into(), e))),
        };
        spawn_local(async move {
            match cx
                .api()
                .patch_json::<GroupInfo>(&format!("/api/groups/{id}"), body, &[])
                .await
            {
                Ok(g) => {
                    cx.info(format!("Group {} saved.", g.name));
                    reload(cx, list);
                }
                Err(e) => cx.error(&e),
            }
        });
    };
    let remove = move |_| {
        let ok = web_sys::window().and_then(|w| {
            w.confirm_with_message("Remove this group? Its users stay; only the group goes.")
                .ok()
        }) == Some(true);
        if !ok {
            return;
        }
        spawn_local(async move {
            match cx.api().delete(&format!("/api/groups/{id}")).await {
                Ok(()) => {
                    open.update(|o| {
                        if o.as_ref().is_some_and(|g| g.id == id) {
                            *o = None;
                        }
                    });
                    reload(cx, list);
                }
                Err(e) => cx.error(&e),
            }
        });
    };
    let g2 = group.clone();
    view! {
        <tr data-group=group.name.clone()>
            <td><input size="30" aria-label=format!("Name of {}", group.name) prop:value=move || name.get() on:input=move |ev| name.set(event_target_value(&ev))/></td>
            <td>{group.members}</td>
            <td>
                <button on:click=save>"Save"</button>" "
                <button on:click=move |_| open.set(Some(g2.clone()))>"Members"</button>" "
                <button on:click=remove>"Remove"</button>
            </td>
        </tr>
    }
}

#[component]
fn Members(group: GroupInfo, list: RwSignal<Option<Vec<GroupInfo>>>) -> impl IntoView {
    let cx = ctx();
    let page = RwSignal::new(1i64);
    let data = RwSignal::new(None::<UsersPage>);
    let id = group.id;
    let load = move || {
        super::load(
            cx,
            format!(
                "/api/groups/{id}/members?page={}&per_page=50",
                page.get_untracked()
            ),
            data,
        )
    };
    load();
    let take_out = move |user: i64| {
        spawn_local(async move {
            match cx
                .api()
                .delete(&format!("/api/groups/{id}/members/{user}"))
                .await
            {
                Ok(()) => {
                    load();
                    reload(cx, list);
                }
                Err(e) => cx.error(&e),
            }
        });
    };
    view! {
        <h2 data-testid="members-of">{format!("Members of {}", group.name)}</h2>
        {move || data.get().map(|p| {
            let pages = (p.total + p.per_page - 1) / p.per_page.max(1);
            view! {
                <p data-testid="member-count">{format!("{} members", p.total)}</p>
                <div class="scroll"><table data-testid="members">
                    <thead><tr><th>"Name"</th><th>"District ID"</th><th>"Role"</th><th>"School"</th><th>"Actions"</th></tr></thead>
                    <tbody>{p.users.into_iter().map(|u| {
                        let uid = u.id.0;
                        view! {
                            <tr>
                                <td>{format!("{} {}", u.first_name, u.last_name)}</td>
                                <td>{u.sis_id.unwrap_or_default()}</td>
                                <td>{u.role}</td>
                                <td>{u.school}</td>
                                <td><button on:click=move |_| take_out(uid)>"Take out"</button></td>
                            </tr>
                        }
                    }).collect_view()}</tbody>
                </table></div>
                <div class="actions">
                    <button disabled={move || page.get() <= 1} on:click=move |_| { page.update(|p| *p -= 1); load(); }>"Previous"</button>
                    <span>{move || format!("Page {} of {}", page.get(), pages.max(1))}</span>
                    <button disabled={move || page.get() >= pages} on:click=move |_| { page.update(|p| *p += 1); load(); }>"Next"</button>
                </div>
            }
        })}
    }
}
