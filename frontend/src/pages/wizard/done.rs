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
            view! {
                <p data-testid="result">{format!("Import #{n}: {status}.")}</p>
                <div class="actions">
                    <button class="primary" on:click=move |_| cx.go(Page::ImportDetail(n))>{format!("Open import #{n}")}</button>
                    <button on:click=move |_| { FILE.with(|f| *f.borrow_mut() = None); cx.go(Page::History); }>"Import history"</button>
                </div>
            }
        })}
    }
}
