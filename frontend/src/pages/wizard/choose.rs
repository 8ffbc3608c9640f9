//! Step 1: choose the file, its scope and description.

use super::*;

#[component]
pub(super) fn Choose(w: W) -> impl IntoView {
    let over = RwSignal::new(false);
    let take = move |f: web_sys::File| {
        mark("file_chosen");
        if f.size() > MAX_FILE_BYTES {
            w.cx.flash.set(Some((
                "error".into(),
                format!(
                    "{} is {:.0} MB; Rollcall reads files up to {} MB in the browser. Split the export (one file per scope, e.g. students and staff), or send it with the CLI or the API.",
                    f.name(),
                    f.size() / 1e6,
                    MAX_FILE_BYTES / 1e6
                ),
            )));
            return;
        }
        let name = f.name();
        w.sheet.set(String::new());
        // Fixes are a file's own (a resumed import puts its file's back).
        w.fixes.set(Fixes::default());
        w.editing.set(None);
        w.file_size.set(f.size());
        w.file_name.set(name.clone());
        if w.scope.get_untracked().is_empty() {
            w.scope.set(name);
        }
        set_file(Some(f));
    };
    let kept = RwSignal::new(Resume::load().filter(|_| file().is_none()));
    let on_change = move |ev: leptos::ev::Event| {
        let input: Option<web_sys::HtmlInputElement> = ev.target().and_then(|t| t.dyn_into().ok());
        if let Some(f) = input.and_then(|i| i.files()).and_then(|l| l.get(0)) {
            take(f);
        }
    };
    let on_drop = move |ev: leptos::ev::DragEvent| {
        ev.prevent_default();
        over.set(false);
        if let Some(f) = ev
            .data_transfer()
            .and_then(|d| d.files())
            .and_then(|l| l.get(0))
        {
            take(f);
        }
    };
    view! {
        <h1>"Import users"</h1>
        {move || kept.get().map(|r| {
            let what = if r.file_name.is_empty() {
                format!("Choose the corrected file: it is read with the choices made for scope {} (mapping, schools, options).", r.scope)
            } else {
                format!("To continue the import of {} (scope {}) where it was, choose the same file again.", r.file_name, r.scope)
            };
            let r2 = r.clone();
            // Offered once a file that fits is chosen (the same one, or any for a correction).
            let fits = move || {
                w.file_name.get();
                file().is_some_and(|f| r2.fits(&f))
            };
            view! {
                <div class="banner warning" data-testid="resume">
                    <p>{what}</p>
                    {move || fits().then(|| {
                        let r = r.clone();
                        view! { <button class="primary" data-testid="resume-go" on:click=move |_| { kept.set(None); spawn_local(resume(w, r.clone())); }>"Resume with this file"</button> }
                    })}
                    " "<button on:click=move |_| { Resume::clear(); kept.set(None); }>"Start afresh"</button>
                </div>
            }
        })}
        <p class="muted">"Upload the whole population of a scope (all students, or all staff): users missing from the file are archived, never deleted. The file stays on this computer; only the changes are sent."</p>
        <div class=move || if over.get() { "drop over" } else { "drop" }
            on:dragover=move |ev: leptos::ev::DragEvent| { ev.prevent_default(); over.set(true); }
            on:dragleave=move |_| over.set(false)
            on:drop=on_drop>
            <p>"Drop a CSV or text file here, or "</p>
            <label>"choose a file: " <input type="file" data-testid="file" accept=".csv,.txt,.tsv,.xlsx,.xlsm,.xls,.ods,text/csv,text/plain" on:change=on_change/></label>
            <p data-testid="file-name">{move || w.file_name.get()}</p>
        </div>
        <label>"Description (optional)"<br/>
            <input size="40" data-testid="description" prop:value=move || w.description.get() on:input=move |ev| w.description.set(event_target_value(&ev))/>
        </label>
        <label>"Scope (the population this file replaces; defaults to the file name)"<br/>
            <input size="40" data-testid="scope" prop:value=move || w.scope.get() on:input=move |ev| w.scope.set(event_target_value(&ev))/>
        </label>
        <div class="actions">
            <button class="primary" data-testid="next" disabled=move || w.file_name.get().is_empty() || w.busy.get().is_some()
                on:click=move |_| spawn_local(read_file(w))>"Read the file"</button>
            <button data-testid="template" on:click=move |_| download("rollcall-template.csv", &rollcall_shared::write::template_csv(), "text/csv")>"Download a template"</button>
        </div>
        <details data-testid="field-guide">
            <summary>"What each field accepts"</summary>
            <dl>
                {rollcall_shared::fields::Field::ALL.iter().map(|f| view! {
                    <dt><code>{f.name()}</code>" — "{f.label()}</dt>
                    <dd>{f.guide()}</dd>
                }).collect_view()}
            </dl>
        </details>
    }
}
