//! Step 8: the submit and its result.

use super::*;

#[component]
pub(super) fn Done(w: W) -> impl IntoView {
    let cx = ctx();
    view! {
        <h1>"Submitted"</h1>
        {move || w.result.get().map(|v| {
            let n = v.import.number;
            let status = v.import.status.as_str();
            let counts = v.import.counts.as_ref().map(|c| {
                format!(
                    "{} created, {} updated, {} archived, {} restored.",
                    c.creates, c.updates, c.archives, c.restores
                )
            });
            let when = v.import.run_at.filter(|_| v.import.status == rollcall_shared::api::ImportStatus::Queued)
                .map(|t| format!("It runs {}.", crate::pages::fmt_time(Some(t))));
            view! {
                <p data-testid="result">{format!("Import #{n}: {status}.")}</p>
                <p data-testid="result-counts">{counts}" "{when}" "
                    <a href=Route::page(Page::ImportDetail(n)).href()>{format!("See import #{n}")}</a>
                </p>
                <div class="actions">
                    <button class="primary" on:click=move |_| cx.go(Page::ImportDetail(n))>{format!("Open import #{n}")}</button>
                    <button on:click=move |_| { set_file(None); cx.go(Page::History); }>"Import history"</button>
                </div>
            }
        })}
    }
}
