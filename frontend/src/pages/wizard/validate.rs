//! Step 5: every problem, by row, with filters and a jump to a row.

use super::*;

pub(super) const ROW_H: f64 = 36.0;

/// A severity as the page's classes and words say it.
pub(super) fn severity(s: rollcall_shared::validate::Severity) -> &'static str {
    match s {
        rollcall_shared::validate::Severity::Error => "error",
        rollcall_shared::validate::Severity::Warning => "warning",
    }
}

/// Grade values the engine does not know, each with its rows and a grade to read it as; applied
/// by validating again (the mapping is remembered with the scope's columns).
#[component]
fn GradeMapping(w: W, grades: Vec<rollcall_shared::validate::GradeValue>) -> impl IntoView {
    use rollcall_shared::fields::Grade;
    let choice: Vec<(String, RwSignal<String>)> = grades
        .iter()
        .map(|g| (g.value.clone(), RwSignal::new(String::new())))
        .collect();
    let choice2 = choice.clone();
    let apply = move |_| {
        let mut map = BTreeMap::new();
        for (value, c) in &choice2 {
            if let Ok(g) = Grade::parse(&c.get_untracked()) {
                map.insert(value.clone(), g.grade());
            }
        }
        let Ok(json) = serde_json::to_string(&map) else {
            return;
        };
        spawn_local(async move {
            let Ok(engine) = engine() else { return };
            match engine
                .call(
                    "set_grades",
                    obj(&[("grades", JsValue::from_str(&json))]),
                    None,
                )
                .await
            {
                Ok(_) => validate(w).await,
                Err(e) => w.fail(e),
            }
        });
    };
    let codes: Vec<&'static str> = std::iter::once("PK")
        .chain(std::iter::once("KG"))
        .chain((1..=12).filter_map(Grade::numbered).map(Grade::as_str))
        .collect();
    view! {
        <div class="banner warning" data-testid="grade-mapping">
            <p><b>"Grades Rollcall does not know."</b>" Choose the grade each one means (remembered for this scope), or leave it to fix in the SIS."</p>
            <table>
                <thead><tr><th>"In the file"</th><th>"Rows"</th><th>"Read as"</th></tr></thead>
                <tbody>{grades.into_iter().zip(choice).map(|(g, (_, c))| {
                    let codes = codes.clone();
                    view! {
                        <tr data-grade=g.value.clone()>
                            <td><code>{g.value.clone()}</code></td>
                            <td>{g.count}</td>
                            <td><select aria-label=format!("Grade for {}", g.value) on:change=move |ev| c.set(event_target_value(&ev))>
                                <option value="">"— leave as an error —"</option>
                                {codes.into_iter().map(|code| view! { <option value=code>{code}</option> }).collect_view()}
                            </select></td>
                        </tr>
                    }
                }).collect_view()}</tbody>
            </table>
            <div class="actions"><button class="primary" data-testid="apply-grades" on:click=apply>"Apply and validate again"</button></div>
        </div>
    }
}

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
    // The row asked for: scrolled to, highlighted and focused; a row without issues, or outside
    // the file, is said to be so.
    let highlight = RwSignal::new(None::<u32>);
    let open = RwSignal::new(None::<Issue>);
    let go = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let rows = w.view.with_untracked(|v| v.as_ref().map_or(0, |v| v.rows));
        let Ok(row) = jump.get_untracked().trim().parse::<u32>() else {
            return w
                .cx
                .flash
                .set(Some(("error".into(), "Give a row number.".into())));
        };
        // Spreadsheet rows: the heading is row 1 (a file without one starts at 1; either way
        // the last row is at most rows + 1).
        if row == 0 || row > rows + 1 {
            return w.cx.info(format!(
                "Row {row} is outside the file (rows 1–{}).",
                rows + 1
            ));
        }
        let idx = w
            .issues
            .with_untracked(|l| l.iter().position(|i| i.row == Some(row)));
        let Some(i) = idx else {
            highlight.set(None);
            return w.cx.info(format!(
                "Row {row} has no issues{}.",
                if w.code_filter.get_untracked().is_empty() {
                    ""
                } else {
                    " of this kind"
                }
            ));
        };
        highlight.set(Some(row));
        let issue = w.issues.with_untracked(|l| l.get(i).cloned());
        w.editing.set(issue.as_ref().map(|i| (row, i.field)));
        open.set(issue);
        if let Some(el) = scroller.get_untracked() {
            el.set_scroll_top((i as f64 * ROW_H) as i32);
            top.set(i as f64 * ROW_H);
        }
        // Focus once the row is drawn (the next frame).
        request_animation_frame(move || {
            let Some(doc) = web_sys::window().and_then(|w| w.document()) else {
                return;
            };
            if let Ok(Some(el)) =
                doc.query_selector(&format!("[data-testid=issues] .row[data-row=\"{row}\"]"))
            {
                if let Some(el) = el.dyn_ref::<web_sys::HtmlElement>() {
                    let _ = el.focus();
                }
            }
        });
    };
    let save = move |_| {
        spawn_local(async move {
            let code = w.code_filter.get_untracked();
            let csv = match engine() {
                Ok(e) => {
                    e.call(
                        "issues_csv",
                        obj(&[("code", JsValue::from_str(&code))]),
                        None,
                    )
                    .await
                }
                Err(e) => Err(e),
            };
            match csv.map(|c| c.as_string()) {
                Ok(Some(csv)) => download("issues.csv", &csv, "text/csv"),
                Ok(None) => w.fail("The worker gave no issues file."),
                Err(e) => w.fail(e),
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
            {(!v.grades.is_empty()).then(|| view! { <GradeMapping w=w grades=v.grades.clone()/> })}
            <FixList w=w/>
            <div class="tabs" role="group" aria-label="Filter by problem">
                <button class:active=move || w.code_filter.get().is_empty() on:click=move |_| filter(String::new())>"All"</button>
                {v.codes.into_iter().map(|c| {
                    let (code, n) = (c.code.as_str(), c.count);
                    let sev = severity(c.severity);
                    view! { <button class=sev class:active=move || w.code_filter.get() == code data-code=code on:click=move |_| filter(code.to_owned())>{format!("{} ({n})", code.replace('_', " "))}</button> }
                }).collect_view()}
            </div>
        })}
        <form class="actions" on:submit=go data-testid="jump">
            <label>"Jump to row " <input size="6" inputmode="numeric" prop:value=move || jump.get() on:input=move |ev| jump.set(event_target_value(&ev))/></label>
            <button type="submit">"Go"</button>
            <button type="button" on:click=save>{move || if w.code_filter.get().is_empty() { "Download the issues (CSV)".to_owned() } else { format!("Download the {} issues (CSV)", w.code_filter.get().replace('_', " ")) }}</button>
        </form>
        {move || open.get().map(|i| view! {
            <div class=format!("banner issue-detail {}", severity(i.severity)) data-testid="issue-detail">
                <p><b>{i.row.map_or_else(|| "The file".to_owned(), |r| format!("Row {r}"))}{i.column.clone().map(|c| format!(", {c}")).unwrap_or_default()}": "</b>{i.message.clone()}</p>
                {i.suggestion.clone().map(|s| view! { <p>{s}</p> })}
                <button on:click=move |_| open.set(None)>"Close"</button>
            </div>
        })}
        {move || w.editing.get().map(|(row, field)| view! { <RowEditor w=w row=row field=field/> })}
        {move || if w.issues.with(|l| l.is_empty()) {
            view! { <p class="ok" data-testid="no-issues">"No problems found."</p> }.into_any()
        } else {
            view! {
                <div class="vt" node_ref=scroller role="table" aria-label="Issues" tabindex="0" data-testid="issues"
                    on:scroll=move |_| { if let Some(el) = scroller.get_untracked() { top.set(el.scroll_top() as f64); } }>
                    <div style=move || format!("height:{}px", w.issues.with(|l| l.len()) as f64 * ROW_H)>
                        {move || {
                            let first = (top.get() / ROW_H).floor() as usize;
                            w.issues.with(|l| l.iter().enumerate().skip(first).take(16).map(|(i, x)| {
                                let sev = severity(x.severity);
                                let this = x.clone();
                                let r = x.row;
                                view! {
                                    <div class="row" role="row" tabindex="-1" class:hl=move || r.is_some() && highlight.get() == r style=format!("top:{}px", i as f64 * ROW_H) title=x.suggestion.clone() data-row=x.row.map(|r| r.to_string())
                                        on:click=move |_| { highlight.set(r); w.editing.set(r.map(|r| (r, this.field))); open.set(Some(this.clone())); }>
                                        <span role="cell">{x.row.map_or_else(|| "file".into(), |r| format!("row {r}"))}</span>
                                        <span role="cell" class="wide">{x.column.clone()}</span>
                                        <span role="cell" class=sev>{sev}</span>
                                        <span role="cell" class="wide">{x.code.as_str()}</span>
                                        <span role="cell">{format!("{} {}", x.message, x.suggestion.as_ref().map(|s| format!("→ {s}")).unwrap_or_default())}</span>
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
            <button data-testid="corrected" on:click=move |_| {
                // The same choices, for a corrected file (any name).
                let mut r = Resume::of(w);
                r.file_name.clear();
                r.fixes = Fixes::default();
                r.step = Step::Validate.slug().to_owned();
                r.save();
                set_file(None);
                w.file_name.set(String::new());
                w.step.set(Step::Choose);
            }>"Upload a corrected file"</button>
            <button on:click=move |_| w.step.set(Step::Schools)>"Map schools"</button>
            <button class="primary" data-testid="next" disabled=move || { errors() > 0 } on:click=move |_| w.step.set(Step::Options)>
                {move || if errors() > 0 { "Fix the errors to continue" } else { "Options" }}
            </button>
        </div>
    }
}
