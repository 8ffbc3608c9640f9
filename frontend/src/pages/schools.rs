//! The district's schools (Classworks' "check each school's SIS code before importing"): every
//! school with its active users; add one, rename it, give it a new SIS code (its users move with
//! it), remove one no active user is at.

use leptos::prelude::*;
use leptos::task::spawn_local;
use rollcall_shared::api::{NewSchool, SchoolInfo, SchoolPatch};
use rollcall_shared::fields::{SchoolCode, Text};

use crate::context::{ctx, Ctx};

/// A body for the API, or the reason the form's value is not valid (in the field's words).
fn parsed<T>(what: &str, r: Result<T, rollcall_shared::fields::FieldError>) -> Result<T, String> {
    r.map_err(|e| format!("{what}: {}.", e.message))
}

fn json<T: serde::Serialize>(v: &T) -> Result<String, String> {
    serde_json::to_string(v).map_err(|e| e.to_string())
}

/// The body that adds a school, or why the code or name cannot be used (the Schools page and
/// the wizard's school step both send it).
pub fn new_school_body(code: &str, name: &str) -> Result<String, String> {
    let sis_code = parsed("SIS code", SchoolCode::parse(code))?;
    let name = parsed("Name", Text::parse(name))?;
    json(&NewSchool { sis_code, name })
}

fn reload(cx: Ctx, list: RwSignal<Option<Vec<SchoolInfo>>>) {
    super::load(cx, "/api/schools?counts=true".into(), list);
}

#[component]
pub fn Schools() -> impl IntoView {
    let cx = ctx();
    let list = RwSignal::new(None::<Vec<SchoolInfo>>);
    reload(cx, list);
    let code = RwSignal::new(String::new());
    let name = RwSignal::new(String::new());
    let add = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let body = match new_school_body(&code.get_untracked(), &name.get_untracked()) {
            Ok(b) => b,
            Err(e) => return cx.flash.set(Some(("error".into(), e))),
        };
        spawn_local(async move {
            match cx
                .api()
                .post_json::<SchoolInfo>("/api/schools", body, &[])
                .await
            {
                Ok(s) => {
                    cx.info(format!("School {} ({}) added.", s.sis_code, s.name));
                    code.set(String::new());
                    name.set(String::new());
                    reload(cx, list);
                }
                Err(e) => cx.error(&e),
            }
        });
    };
    view! {
        <div class="card">
            <h1>"Schools"</h1>
            <p class="muted">"A file's school column is matched to these SIS codes (then to names). Check each code against the SIS before importing."</p>
            <form class="actions" on:submit=add data-testid="add-school">
                <label>"SIS code " <input size="10" name="sis_code" prop:value=move || code.get() on:input=move |ev| code.set(event_target_value(&ev))/></label>
                <label>"Name " <input size="30" name="name" prop:value=move || name.get() on:input=move |ev| name.set(event_target_value(&ev))/></label>
                <button class="primary" type="submit">"Add school"</button>
            </form>
            {move || match list.get() {
                None => view! { <p>"Loading…"</p> }.into_any(),
                Some(v) if v.is_empty() => view! { <p>"No schools yet: add the first one above."</p> }.into_any(),
                Some(v) => view! {
                    <div class="scroll"><table data-testid="schools-list">
                        <thead><tr><th>"SIS code"</th><th>"Name"</th><th>"Active users"</th><th>"Actions"</th></tr></thead>
                        <tbody>{v.into_iter().map(|s| view! { <SchoolRow school=s list=list/> }).collect_view()}</tbody>
                    </table></div>
                }.into_any(),
            }}
        </div>
    }
}

#[component]
fn SchoolRow(school: SchoolInfo, list: RwSignal<Option<Vec<SchoolInfo>>>) -> impl IntoView {
    let cx = ctx();
    let original = school.sis_code.clone();
    let code = RwSignal::new(school.sis_code.clone());
    let name = RwSignal::new(school.name.clone());
    let (old_code, old_name) = (school.sis_code.clone(), school.name.clone());
    let path = format!("/api/schools/{}", js_sys::encode_uri_component(&original));
    let save_path = path.clone();
    let save = move |_| {
        let new_code = code.get_untracked();
        let new_name = name.get_untracked();
        let patch = (|| {
            Ok(SchoolPatch {
                sis_code: match new_code.trim() == old_code {
                    true => None,
                    false => Some(parsed("SIS code", SchoolCode::parse(&new_code))?),
                },
                name: match new_name.trim() == old_name {
                    true => None,
                    false => Some(parsed("Name", Text::parse(&new_name))?),
                },
            })
        })()
        .and_then(|p: SchoolPatch| json(&p));
        let body = match patch {
            Ok(b) => b,
            Err(e) => return cx.flash.set(Some(("error".into(), e))),
        };
        let path = save_path.clone();
        spawn_local(async move {
            match cx.api().patch_json::<SchoolInfo>(&path, body, &[]).await {
                Ok(s) => {
                    cx.info(format!("School {} saved.", s.sis_code));
                    reload(cx, list);
                }
                Err(e) => cx.error(&e),
            }
        });
    };
    let in_use = school.active_users > 0;
    let label = school.sis_code.clone();
    let remove = move |_| {
        let path = path.clone();
        spawn_local(async move {
            match cx.api().delete(&path).await {
                Ok(()) => {
                    cx.info("School removed.");
                    reload(cx, list);
                }
                Err(e) => cx.error(&e),
            }
        });
    };
    view! {
        <tr data-code=school.sis_code.clone()>
            <td><input size="10" aria-label=format!("SIS code of {label}") prop:value=move || code.get() on:input=move |ev| code.set(event_target_value(&ev))/></td>
            <td><input size="30" aria-label=format!("Name of {label}") prop:value=move || name.get() on:input=move |ev| name.set(event_target_value(&ev))/></td>
            <td>{school.active_users}</td>
            <td>
                <button on:click=save>"Save"</button>
                " "
                <button on:click=remove disabled=in_use title=if in_use { "Active users are at this school: move or archive them first." } else { "" }>"Remove"</button>
            </td>
        </tr>
    }
}
