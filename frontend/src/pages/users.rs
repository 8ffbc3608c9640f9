use leptos::prelude::*;
use leptos::task::spawn_local;
use rollcall_shared::api::UsersPage;

use super::download_blob;
use crate::context::{ctx, Page, Route};

fn enc(s: &str) -> String {
    js_sys::encode_uri_component(s)
        .as_string()
        .unwrap_or_default()
}

#[component]
pub fn Users() -> impl IntoView {
    let cx = ctx();
    let q = RwSignal::new(String::new());
    let role = RwSignal::new(String::new());
    let status = RwSignal::new("active".to_owned());
    let scope = RwSignal::new(String::new());
    let school = RwSignal::new(String::new());
    let source = RwSignal::new(String::new());
    let page = RwSignal::new(1i64);
    let data = RwSignal::new(None::<UsersPage>);
    let load = move || {
        let path = format!(
            "/api/users?q={}&role={}&status={}&scope={}&school={}&source={}&page={}&per_page=50",
            enc(&q.get_untracked()),
            enc(&role.get_untracked()),
            enc(&status.get_untracked()),
            enc(&scope.get_untracked()),
            enc(&school.get_untracked()),
            enc(&source.get_untracked()),
            page.get_untracked()
        );
        let api = cx.api();
        spawn_local(async move {
            match api.get::<UsersPage>(&path).await {
                Ok(v) => data.set(Some(v)),
                Err(e) => cx.error(&e),
            }
        });
    };
    load();
    let refilter = move || {
        page.set(1);
        load();
    };
    let export = move |_| {
        let api = cx.api();
        spawn_local(async move {
            match api.get_blob("/api/users/export.csv").await {
                Ok(Some(b)) => download_blob("users.csv", &b),
                Ok(None) => {}
                Err(e) => cx.error(&e),
            }
        });
    };
    let select = move |label: &'static str,
                       sig: RwSignal<String>,
                       opts: &'static [(&'static str, &'static str)]| {
        view! {
            <label style="display:inline-block; margin-right: .75rem">{label}" "
                <select on:change=move |ev| { sig.set(event_target_value(&ev)); refilter(); } prop:value=move || sig.get()>
                    {opts.iter().map(|(v, l)| view! { <option value=*v>{*l}</option> }).collect_view()}
                </select>
            </label>
        }
    };
    view! {
        <div class="card">
            <h1>"Users"</h1>
            <form on:submit=move |ev: leptos::ev::SubmitEvent| { ev.prevent_default(); refilter(); }>
                <label style="display:inline-block; margin-right: .75rem">"Search "
                    <input type="search" placeholder="name, email or District ID" prop:value=move || q.get() on:input=move |ev| q.set(event_target_value(&ev))/>
                </label>
                {select("Role", role, &[("", "any"), ("student", "student"), ("teacher", "teacher"), ("staff", "staff"), ("admin", "admin")])}
                {select("Status", status, &[("active", "active"), ("archived", "archived"), ("", "any")])}
                {select("Source", source, &[("", "any"), ("file", "file")])}
                <label style="display:inline-block; margin-right: .75rem">"School "
                    <input size="6" prop:value=move || school.get() on:change=move |ev| { school.set(event_target_value(&ev)); refilter(); }/>
                </label>
                <label style="display:inline-block; margin-right: .75rem">"Scope "
                    <input size="12" prop:value=move || scope.get() on:change=move |ev| { scope.set(event_target_value(&ev)); refilter(); }/>
                </label>
                <button type="submit">"Search"</button>
                " "
                <button type="button" on:click=export>"Download CSV"</button>
            </form>
            {move || data.get().map(|v| {
                let (total, users) = (v.total, v.users);
                let pages = (total + 49) / 50;
                view! {
                    <p class="muted" data-testid="user-count">{if total == 1 { "1 user".to_owned() } else { format!("{total} users") }}</p>
                    {if users.is_empty() {
                        view! { <p>"No users match. Import a file to add users."</p> }.into_any()
                    } else {
                        view! {
                            <div class="scroll"><table>
                                <thead><tr><th>"District ID"</th><th>"Name"</th><th>"Email"</th><th>"Role"</th><th>"Grade"</th><th>"School"</th><th>"Status"</th><th>"Scope"</th><th>"Source"</th></tr></thead>
                                <tbody>
                                    {users.into_iter().map(|u| {
                                        let id = u.id.0;
                                        view! {
                                        <tr>
                                            <td>{u.sis_id}</td>
                                            <td><a href=Route::page(Page::User(id)).href() data-user=id>{format!("{} {}", u.first_name, u.last_name)}</a></td>
                                            <td>{u.email}</td>
                                            <td>{u.role}</td>
                                            <td>{u.grade}</td>
                                            <td>{u.school}</td>
                                            <td>{u.status}</td>
                                            <td>{u.scope}</td>
                                            <td>{u.source}</td>
                                        </tr>
                                    }}).collect_view()}
                                </tbody>
                            </table></div>
                        }.into_any()
                    }}
                    <div class="actions">
                        <button disabled=move || { page.get() <= 1 } on:click=move |_| { page.update(|p| *p -= 1); load(); }>"Previous"</button>
                        <span>{move || format!("Page {} of {}", page.get(), pages.max(1))}</span>
                        <button disabled=move || { page.get() >= pages } on:click=move |_| { page.update(|p| *p += 1); load(); }>"Next"</button>
                    </div>
                }
            })}
        </div>
    }
}
