//! Step 4: the file's school values matched to the district's schools.

use super::*;

#[component]
pub(super) fn Schools(w: W) -> impl IntoView {
    let resolve = move || {
        spawn_local(async move {
            let Ok(engine) = engine() else { return };
            let o = match serde_json::to_string(&w.school_overrides.get_untracked()) {
                Ok(o) => o,
                Err(e) => return w.fail(e.to_string()),
            };
            match engine
                .call_json::<ValidationView>(
                    "resolve_schools",
                    obj(&[("overrides", JsValue::from_str(&o))]),
                    None,
                )
                .await
            {
                Ok(v) => {
                    w.view.set(Some(v));
                    load_issues(w).await;
                }
                Err(e) => w.fail(e),
            }
        })
    };
    let unresolved = move || {
        w.view.with(|v| {
            v.as_ref()
                .map(|v| {
                    v.schools
                        .iter()
                        .filter(|s| {
                            s.code.is_none()
                                || w.school_overrides.with(|o| o.contains_key(&s.value))
                        })
                        .cloned()
                        .collect::<Vec<_>>()
                })
                .unwrap_or_default()
        })
    };
    view! {
        <h1 data-testid="schools">"Map schools"</h1>
        <p class="muted">"Each school value of the file was matched to the district's schools by SIS code, then by name. Match the rest by hand; unmatched values block the import."</p>
        <div class="scroll"><table>
            <thead><tr><th>"Value in the file"</th><th>"Rows"</th><th>"School"</th></tr></thead>
            <tbody>
                {move || unresolved().into_iter().map(|s| {
                    let (value, rows, first) = (s.value, s.count, s.first_row);
                    let v2 = value.clone();
                    view! {
                        <tr>
                            <td>{value.clone()}</td>
                            <td>{format!("{rows} (first: row {first})")}</td>
                            <td><select aria-label=format!("School for {value}") on:change=move |ev| {
                                let code = event_target_value(&ev);
                                w.school_overrides.update(|o| { if code.is_empty() { o.remove(&v2); } else { o.insert(v2.clone(), code); } });
                                resolve();
                            }>
                                <option value="">"— choose —"</option>
                                {w.schools.get().into_iter().map(|s| view! { <option value=s.sis_code.clone()>{format!("{} — {}", s.sis_code, s.name)}</option> }).collect_view()}
                            </select></td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table></div>
        <div class="actions">
            <button on:click=move |_| w.step.set(Step::Map)>"Back"</button>
            <button class="primary" data-testid="next" on:click=move |_| w.step.set(Step::Validate)>"Continue"</button>
        </div>
    }
}
