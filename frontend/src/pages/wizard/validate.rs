//! Step 5: every problem, by row, with filters and a jump to a row.

use super::*;

pub(super) const ROW_H: f64 = 36.0;

#[component]
pub(super) fn Validate(w: W) -> impl IntoView {
    let top = RwSignal::new(0.0f64);
    let scroller = NodeRef::<leptos::html::Div>::new();
    let jump = RwSignal::new(String::new());
    let filter = move |code: String| {
        w.code_filter.set(code);
        top.set(0.0);
        if let Some(el) = scroller.get_untracked() {
            el.set_scroll_top(0);
        }
        spawn_local(load_issues(w));
    };
    let go = move |_| {
        let Ok(row) = jump.get_untracked().trim().parse::<u64>() else {
            return;
        };
        let idx = w.issues.with_untracked(|l| {
            l.iter()
                .position(|i| i["row"].as_u64().is_some_and(|r| r >= row))
        });
        if let (Some(i), Some(el)) = (idx, scroller.get_untracked()) {
            el.set_scroll_top((i as f64 * ROW_H) as i32);
        }
    };
    let save = move |_| {
        spawn_local(async move {
            if let Ok(e) = engine() {
                if let Ok(csv) = e.call("issues_csv", obj(&[]), None).await {
                    download(
                        "issues.csv",
                        &csv.as_string().unwrap_or_default(),
                        "text/csv",
                    );
                }
            }
        })
    };
    let errors = move || w.view.with(|v| v.as_ref().map_or(0, |v| v.errors));
    view! {
        <h1>"Validate"</h1>
        {move || w.view.get().map(|v| view! {
            <div class="counts" data-testid="validation-counts">
                <div><b>{v.rows}</b>"rows"</div>
                <div class="error"><b data-testid="errors">{v.errors}</b>"errors (block)"</div>
                <div class="warning"><b data-testid="warnings">{v.warnings}</b>"warnings"</div>
            </div>
            <div class="tabs" role="group" aria-label="Filter by problem">
                <button class:active=move || w.code_filter.get().is_empty() on:click=move |_| filter(String::new())>"All"</button>
                {v.codes.into_iter().map(|(code, sev, n)| {
                    let c2 = code.clone();
                    view! { <button class=sev.clone() class:active=move || w.code_filter.get() == c2 data-code=code.clone() on:click=move |_| filter(code.clone())>{format!("{} ({n})", code.replace('_', " "))}</button> }
                }).collect_view()}
            </div>
        })}
        <div class="actions">
            <label>"Jump to row " <input size="6" prop:value=move || jump.get() on:input=move |ev| jump.set(event_target_value(&ev))/></label>
            <button on:click=go>"Go"</button>
            <button on:click=save>"Download the issues (CSV)"</button>
        </div>
        {move || if w.issues.with(|l| l.is_empty()) {
            view! { <p class="ok" data-testid="no-issues">"No problems found."</p> }.into_any()
        } else {
            view! {
                <div class="vt" node_ref=scroller role="table" aria-label="Issues" data-testid="issues"
                    on:scroll=move |_| { if let Some(el) = scroller.get_untracked() { top.set(el.scroll_top() as f64); } }>
                    <div style=move || format!("height:{}px", w.issues.with(|l| l.len()) as f64 * ROW_H)>
                        {move || {
                            let first = (top.get() / ROW_H).floor() as usize;
                            w.issues.with(|l| l.iter().enumerate().skip(first).take(16).map(|(i, x)| {
                                let sev = x["severity"].as_str().unwrap_or("").to_owned();
                                view! {
                                    <div class="row" role="row" style=format!("top:{}px", i as f64 * ROW_H) title=x["suggestion"].as_str().unwrap_or("").to_owned() data-row=x["row"].as_u64().map(|r| r.to_string()).unwrap_or_default()>
                                        <span>{x["row"].as_u64().map(|r| format!("row {r}")).unwrap_or_else(|| "file".into())}</span>
                                        <span class="wide">{x["column"].as_str().unwrap_or("").to_owned()}</span>
                                        <span class=sev.clone()>{sev.clone()}</span>
                                        <span class="wide">{x["code"].as_str().unwrap_or("").to_owned()}</span>
                                        <span>{format!("{} {}", x["message"].as_str().unwrap_or(""), x["suggestion"].as_str().map(|s| format!("→ {s}")).unwrap_or_default())}</span>
                                    </div>
                                }
                            }).collect_view())
                        }}
                    </div>
                </div>
            }.into_any()
        }}
        <div class="actions">
            <button on:click=move |_| w.step.set(Step::Map)>"Back to mapping"</button>
            <button on:click=move |_| w.step.set(Step::Schools)>"Map schools"</button>
            <button class="primary" data-testid="next" disabled=move || { errors() > 0 } on:click=move |_| w.step.set(Step::Options)>
                {move || if errors() > 0 { "Fix the errors to continue" } else { "Options" }}
            </button>
        </div>
    }
}
