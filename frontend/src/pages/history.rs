use leptos::prelude::*;
use leptos::task::spawn_local;
use rollcall_shared::api::{ImportAnswer, ImportDetail, ImportStatus, ImportSummary};
use rollcall_shared::error_code::ErrorCode;

use super::{download_blob, fmt_time};
use crate::context::{ctx, Page};

fn counts(i: &ImportSummary) -> String {
    match &i.counts {
        Some(c) => format!(
            "{} created, {} updated, {} archived, {} restored",
            c.creates, c.updates, c.archives, c.restores
        ),
        None => "counts unavailable".into(),
    }
}

#[component]
pub fn History(selected: Option<i64>) -> impl IntoView {
    let cx = ctx();
    match selected {
        Some(n) => view! { <Detail number=n/> }.into_any(),
        None => {
            let list = RwSignal::new(None::<Vec<ImportSummary>>);
            super::load(cx, "/api/imports".into(), list);
            view! {
                <div class="card">
                    <h1>"Import history"</h1>
                    {move || match list.get() {
                        None => view! { <p>"Loading…"</p> }.into_any(),
                        Some(v) if v.is_empty() => view! { <p>"No imports yet. Start one from the Import tab."</p> }.into_any(),
                        Some(v) => view! {
                            <div class="scroll"><table data-testid="history">
                                <thead><tr><th>"#"</th><th>"Description"</th><th>"Type"</th><th>"Scope"</th><th>"Status"</th><th>"Who"</th><th>"Submitted"</th><th>"Completed"</th><th>"Counts"</th></tr></thead>
                                <tbody>
                                    {v.into_iter().map(|i| {
                                        let n = i.number;
                                        view! {
                                            <tr>
                                                <td><button on:click=move |_| cx.go(Page::ImportDetail(n))>{format!("#{n}")}</button></td>
                                                <td>{i.description.clone()}</td>
                                                <td>{i.kind.clone()}</td>
                                                <td>{i.scope.clone()}</td>
                                                <td class="status">{i.status.as_str()}</td>
                                                <td>{i.submitted_by.clone()}</td>
                                                <td>{fmt_time(Some(i.submitted_at))}</td>
                                                <td>{fmt_time(i.completed_at)}</td>
                                                <td>{counts(&i)}</td>
                                            </tr>
                                        }
                                    }).collect_view()}
                                </tbody>
                            </table></div>
                        }.into_any(),
                    }}
                </div>
            }
            .into_any()
        }
    }
}

#[component]
fn Detail(number: i64) -> impl IntoView {
    let cx = ctx();
    let data = RwSignal::new(None::<ImportDetail>);
    let load = move || super::load(cx, format!("/api/imports/{number}"), data);
    load();
    let rollback = move |_| {
        let ok = web_sys::window().and_then(|w| w.confirm_with_message(&format!("Roll back import #{number}? Users it created are removed and users it changed get their earlier values back.")).ok()).unwrap_or(false);
        if !ok {
            return;
        }
        let api = cx.api();
        spawn_local(async move {
            match api
                .post_json::<ImportAnswer>(
                    &format!("/api/imports/{number}/rollback"),
                    String::new(),
                    &[],
                )
                .await
            {
                Ok(_) => {
                    cx.info(format!("Import #{number} was rolled back."));
                    load();
                }
                Err(e) if e.code == ErrorCode::ChangedLater => {
                    let users: Vec<String> = e.users.iter().take(20).cloned().collect();
                    cx.flash.set(Some((
                        "error".into(),
                        format!("{} Users: {}", e.message, users.join(", ")),
                    )));
                }
                Err(e) => cx.error(&e),
            }
        });
    };
    let cancel = move |_| {
        let api = cx.api();
        spawn_local(async move {
            match api
                .post_json::<ImportAnswer>(
                    &format!("/api/imports/{number}/cancel"),
                    String::new(),
                    &[],
                )
                .await
            {
                Ok(_) => {
                    cx.info(format!(
                        "Import #{number} was cancelled: nothing of it was applied."
                    ));
                    load();
                }
                Err(e) => cx.error(&e),
            }
        });
    };
    let download_csv = move |_| {
        let api = cx.api();
        spawn_local(async move {
            match api
                .get_blob(&format!("/api/imports/{number}/download"))
                .await
            {
                Ok(Some(b)) => download_blob(&format!("import-{number}.csv"), &b),
                Ok(None) => {}
                Err(e) => cx.error(&e),
            }
        });
    };
    view! {
        <div class="card">
            <button on:click=move |_| cx.go(Page::History)>"← All imports"</button>
            {move || data.get().map(|v| {
                let completed = v.summary.status == ImportStatus::Completed;
                let queued = v.summary.status == ImportStatus::Queued;
                let i = &v.summary;
                view! {
                    <h1>{format!("Import #{number}")}</h1>
                    <p>{format!("{} · {} · scope {} · ", i.kind, i.submitted_by, i.scope)}
                        {i.run_at.filter(|_| queued).map(|t| match v.run_at_local.clone() {
                            Some(local) => format!("runs {local} · "),
                            None => format!("runs {} · ", super::fmt_time(Some(t))),
                        })}
                        <b data-testid="import-status">{i.status.as_str()}</b>
                        {i.error.as_ref().map(|e| format!(" — {e}"))}
                    </p>
                    <p>{counts(i)}</p>
                    <div class="actions">
                        <button on:click=download_csv>"Download the imported data"</button>
                        <button disabled=!completed on:click=rollback>"Roll back"</button>
                        {queued.then(|| view! { <button data-testid="cancel" on:click=cancel>"Cancel this scheduled import"</button> })}
                    </div>
                    <h2>"Updates"</h2>
                    <div class="scroll"><table>
                        <thead><tr><th>"User"</th><th>"Changes"</th></tr></thead>
                        <tbody>{v.updates.iter().map(|u| {
                            let changes = u.changes.iter().map(|(f, [o, n])| format!("{f}: {} → {}", o.as_deref().unwrap_or("∅"), n.as_deref().unwrap_or("∅"))).collect::<Vec<_>>().join("; ");
                            view! { <tr><td>{u.key.clone()}</td><td>{changes}</td></tr> }
                        }).collect_view()}</tbody>
                    </table></div>
                    <h2>"Created"</h2>
                    <p>{v.creates.iter().map(|c| format!("{} ({} {})", c.key, c.first_name, c.last_name)).collect::<Vec<_>>().join(", ")}</p>
                    <h2>"Archived"</h2>
                    <p>{v.archives.iter().map(|c| c.key.clone().unwrap_or_else(|| format!("user {}", c.id.0))).collect::<Vec<_>>().join(", ")}</p>
                    <h2>"Restored"</h2>
                    <p>{v.restores.iter().map(|c| c.key.clone().unwrap_or_else(|| format!("user {}", c.id.0))).collect::<Vec<_>>().join(", ")}</p>
                }
            })}
        </div>
    }
}
