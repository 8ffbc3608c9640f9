//! Fix in place, on the Validate screen: an issue opens its row's mapped cells in an editor; a
//! fix is validated again at once in the worker (every rule, the file-wide ones too: a repeated
//! id fixed on one row clears both rows) and listed with whether issues remain; a value can be
//! changed on every row that has it; the corrected file downloads in the file's own layout.

use rollcall_shared::fields::Field;
use rollcall_shared::fix::{FixReport, PickedRow};

use super::*;

/// A column as the file names it.
fn column_name(w: W, c: usize) -> String {
    w.opened
        .with_untracked(|o| {
            o.as_ref()
                .and_then(|o| o.headings.as_ref())
                .and_then(|h| h.get(c).cloned())
        })
        .unwrap_or_else(|| format!("Column {}", c + 1))
}

/// The fields read from a column, in the order of the fields.
fn mapped_columns(w: W) -> Vec<(Field, usize)> {
    w.mapping.with_untracked(|m| {
        Field::ALL
            .into_iter()
            .filter_map(|f| m.column(f).map(|c| (f, c)))
            .collect()
    })
}

/// The row's cells as the file has them and with the fixes (read by the worker).
async fn pick(w: W, row: u32) -> Result<Option<PickedRow>, String> {
    let f = chosen().ok_or("Choose the file again to fix it.")?;
    let args = f.args(&[
        ("rows", JsValue::from_str(&format!("[{row}]"))),
        ("fixes", JsValue::from_str(&w.fixes_json()?)),
        ("sheet", JsValue::from_str(&w.sheet.get_untracked())),
    ]);
    let list: Vec<PickedRow> = engine()?.call_json("pick", args, None).await?;
    Ok(list.into_iter().next())
}

async fn row_issues(row: u32) -> Result<Vec<Issue>, String> {
    let args = obj(&[("row", JsValue::from(row))]);
    engine()?.call_json("row_issues", args, None).await
}

/// Keeps `fixes` and validates the file again with them.
async fn refix(w: W, fixes: Fixes) {
    w.fixes.set(fixes);
    validate_then(w, true).await;
}

/// One row's mapped cells, each changeable; the issue's own field takes the focus.
#[component]
pub(super) fn RowEditor(w: W, row: u32, field: Option<Field>) -> impl IntoView {
    let picked = RwSignal::new(None::<PickedRow>);
    let issues = RwSignal::new(None::<Vec<Issue>>);
    let load = move || {
        spawn_local(async move {
            match pick(w, row).await {
                Ok(Some(p)) => _ = picked.try_set(Some(p)),
                Ok(None) => w.fail(format!("Row {row} is not in the file.")),
                Err(e) => w.fail(e),
            }
            match row_issues(row).await {
                Ok(list) => _ = issues.try_set(Some(list)),
                Err(e) => w.fail(e),
            }
            let Some(f) = field else { return };
            request_animation_frame(move || {
                let sel = format!(
                    "[data-testid=row-editor] tr[data-field={}] input[type=text]",
                    f.name()
                );
                let el = web_sys::window()
                    .and_then(|w| w.document())
                    .and_then(|d| d.query_selector(&sel).ok().flatten());
                if let Some(el) = el.and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok()) {
                    let _ = el.focus();
                }
            });
        })
    };
    // Read when shown, and again after each validation (a fix applied).
    Effect::new(move |_| {
        w.view.track();
        load();
    });
    view! {
        <section class="row-editor" data-testid="row-editor" aria-labelledby="row-editor-title">
            <h2 id="row-editor-title">{format!("Fix row {row}")}</h2>
            {move || picked.get().map(|p| view! { <RowForm w=w row=row p=p/> })}
            <button on:click=move |_| w.editing.set(None)>"Close the row"</button>
            <div data-testid="row-issues">{move || issues.get().map(|list| match list.is_empty() {
                true => view! { <p class="ok">{format!("No issues left on row {row}.")}</p> }.into_any(),
                false => view! {
                    <p>{format!("Issues on row {row} now:")}</p>
                    <ul>{list.into_iter().map(|i| view! {
                        <li class=super::validate::severity(i.severity)>{i.column.clone().map(|c| format!("{c}: ")).unwrap_or_default()}{i.message.clone()}</li>
                    }).collect_view()}</ul>
                }.into_any(),
            })}</div>
        </section>
    }
}

#[component]
fn RowForm(w: W, row: u32, p: PickedRow) -> impl IntoView {
    // (field, column, in the file, with the fixes, typed, "every row with this value")
    type Input = (
        Field,
        usize,
        String,
        String,
        RwSignal<String>,
        RwSignal<bool>,
    );
    let inputs: Vec<Input> = mapped_columns(w)
        .into_iter()
        .map(|(f, c)| {
            let orig = p.cells.get(c).cloned().unwrap_or_default();
            let now = p.fixed.get(c).cloned().unwrap_or_default();
            (
                f,
                c,
                orig,
                now.clone(),
                RwSignal::new(now),
                RwSignal::new(false),
            )
        })
        .collect();
    let list = inputs.clone();
    let apply = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let mut fixes = w.fixes.get_untracked();
        let mut changed = 0;
        for (_, c, orig, now, typed, every) in &list {
            let new = typed.get_untracked();
            let every = every.get_untracked() && !orig.trim().is_empty();
            if new == *now && !every {
                continue;
            }
            changed += 1;
            if every {
                fixes.remove_cell(row, *c);
                fixes.set_value(*c, orig, new);
            } else if new == *orig {
                fixes.remove_cell(row, *c);
            } else {
                fixes.set_cell(row, *c, new);
            }
        }
        if changed == 0 {
            return w.cx.info("Nothing was changed on this row.");
        }
        spawn_local(refix(w, fixes));
    };
    view! {
        <form on:submit=apply>
            <table class="fix-table">
                <thead><tr><th scope="col">"Field"</th><th scope="col">"Column"</th><th scope="col">"Value"</th><th scope="col">"Also"</th></tr></thead>
                <tbody>{inputs.into_iter().map(|(f, c, orig, now, typed, every)| {
                    let label = format!("{} on row {row}", f.label());
                    let all = format!("Every row with `{orig}` in this column");
                    view! {
                        <tr data-field=f.name()>
                            <th scope="row">{f.label()}</th>
                            <td>{column_name(w, c)}</td>
                            <td>
                                <input type="text" aria-label=label prop:value=move || typed.get() on:input=move |ev| typed.set(event_target_value(&ev))/>
                                {(orig != now).then(|| view! { <small class="was">" In the file: "<code>{orig.clone()}</code></small> })}
                            </td>
                            <td>{(!orig.trim().is_empty()).then(|| view! {
                                <label><input type="checkbox" prop:checked=move || every.get() on:change=move |ev| every.set(event_target_checked(&ev))/>{all}</label>
                            })}</td>
                        </tr>
                    }
                }).collect_view()}</tbody>
            </table>
            <div class="actions"><button type="submit" class="primary" data-testid="apply-fix">"Apply the fix and validate again"</button></div>
        </form>
    }
}

fn describe(w: W, r: &FixReport) -> String {
    let column = column_name(w, r.column);
    match (&r.row, &r.from) {
        (Some(row), _) => format!("Row {row}, {column}: `{}`", r.to),
        (None, Some(from)) => format!(
            "Every `{from}` in {column} → `{}` ({} row{})",
            r.to,
            r.cells,
            if r.cells == 1 { "" } else { "s" }
        ),
        (None, None) => format!("{column}: `{}`", r.to),
    }
}

/// The fixes made so far, each with whether it fixed its cells; undo; the corrected file.
#[component]
pub(super) fn FixList(w: W) -> impl IntoView {
    let undo = move |i: usize| {
        let mut fixes = w.fixes.get_untracked();
        fixes.remove(i);
        spawn_local(refix(w, fixes));
    };
    let corrected = move |_| {
        spawn_local(async move {
            let Some(f) = chosen() else {
                return w.fail("Choose the file again to download it corrected.");
            };
            let name = f.file.name();
            let fixes = match w.fixes_json() {
                Ok(j) => j,
                Err(e) => return w.fail(e),
            };
            let args = f.args(&[
                ("fixes", JsValue::from_str(&fixes)),
                ("sheet", JsValue::from_str(&w.sheet.get_untracked())),
            ]);
            w.busy.set(Some("Writing the corrected file…".into()));
            let text = match engine() {
                Ok(e) => e.call("corrected", args, None).await,
                Err(e) => Err(e),
            };
            w.busy.set(None);
            match text.map(|t| t.as_string()) {
                Ok(Some(t)) => download(&corrected_name(&name), &t, "text/csv"),
                Ok(None) => w.fail("The worker gave no file."),
                Err(e) => w.fail(e),
            }
        })
    };
    move || {
        let reports = w
            .view
            .with(|v| v.as_ref().map(|v| v.fixes.clone()).unwrap_or_default());
        (!reports.is_empty()).then(|| view! {
            <section class="fixes" data-testid="fixes" aria-labelledby="fixes-title">
                <h2 id="fixes-title">{format!("Fixes ({})", reports.len())}</h2>
                <ul>{reports.into_iter().enumerate().map(|(i, r)| {
                    let status = match (r.cells, r.open) {
                        (0, _) => "not in the file".to_owned(),
                        (_, 0) => "fixed".to_owned(),
                        (_, n) => format!("{n} issue{} left", if n == 1 { "" } else { "s" }),
                    };
                    view! {
                        <li data-open=r.open.to_string() class:ok={r.open == 0 && r.cells > 0}>
                            {describe(w, &r)}" — "<b>{status}</b>" "
                            <button on:click=move |_| undo(i)>"Undo"</button>
                        </li>
                    }
                }).collect_view()}</ul>
                <p>"The import uses the fixed values. Correct the SIS too: the corrected file has the file's own columns and layout."</p>
                <div class="actions"><button data-testid="download-corrected" on:click=corrected>"Download the corrected file"</button></div>
            </section>
        })
    }
}

/// `roster.csv` → `roster-corrected.csv`; a workbook's sheet comes back as CSV.
fn corrected_name(name: &str) -> String {
    let (stem, ext) = name.rsplit_once('.').unwrap_or((name, "csv"));
    let ext = match ext.to_ascii_lowercase().as_str() {
        "csv" | "txt" | "tsv" | "tab" => ext.to_owned(),
        _ => "csv".to_owned(),
    };
    format!("{stem}-corrected.{ext}")
}
