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
    // Every distinct value, with the school it resolved to (by code, by name, or by hand).
    let values = move || {
        w.view
            .with(|v| v.as_ref().map(|v| v.schools.clone()).unwrap_or_default())
    };
    // Creates the school a value names (its code: the value; its name: typed), then resolves.
    let create = move |code: String, name: String| {
        let body = match crate::pages::schools::new_school_body(&code, &name) {
            Ok(b) => b,
            Err(e) => return w.cx.flash.set(Some(("error".into(), e))),
        };
        spawn_local(async move {
            match w
                .cx
                .api()
                .post_json::<SchoolInfo>("/api/schools", body, &[])
                .await
            {
                Ok(s) => {
                    w.schools.update(|l| l.push(s.clone()));
                    let Ok(engine) = engine() else { return };
                    let args = obj(&[
                        ("code", JsValue::from_str(&s.sis_code)),
                        ("name", JsValue::from_str(&s.name)),
                    ]);
                    match engine
                        .call_json::<ValidationView>("add_school", args, None)
                        .await
                    {
                        Ok(v) => {
                            w.view.set(Some(v));
                            load_issues(w).await;
                            w.cx.info(format!("School {} ({}) created.", s.sis_code, s.name));
                        }
                        Err(e) => w.fail(e),
                    }
                }
                Err(e) => w.cx.error(&e),
            }
        });
    };
    view! {
        <h1 data-testid="schools">"Map schools"</h1>
        <p class="muted">"Each school value of the file was matched to the district's schools by SIS code, then by name. Check them; change any; match the rest by hand or create the school. Unmatched values block the import."</p>
        <div class="scroll"><table data-testid="school-values">
            <thead><tr><th>"Value in the file"</th><th>"Rows"</th><th>"School"</th><th>"Actions"</th></tr></thead>
            <tbody>
                {move || values().into_iter().map(|s| {
                    let (value, rows, first) = (s.value, s.count, s.first_row);
                    let v2 = value.clone();
                    let current = s.code.clone().unwrap_or_default();
                    let unknown = s.code.is_none();
                    let by_hand = w.school_overrides.with(|o| o.contains_key(&value));
                    let name = RwSignal::new(String::new());
                    let v3 = value.clone();
                    view! {
                        <tr data-value=value.clone() class:warning=unknown>
                            <td>{value.clone()}</td>
                            <td>{format!("{rows} (first: row {first})")}</td>
                            <td><select aria-label=format!("School for {value}") prop:value=current.clone() on:change=move |ev| {
                                let code = event_target_value(&ev);
                                w.school_overrides.update(|o| { if code.is_empty() { o.remove(&v2); } else { o.insert(v2.clone(), code); } });
                                resolve();
                            }>
                                <option value="">"— choose —"</option>
                                {w.schools.get().into_iter().map(|sc| { let selected = sc.sis_code == current; view! { <option value=sc.sis_code.clone() selected=selected>{format!("{} — {}", sc.sis_code, sc.name)}</option> } }).collect_view()}
                            </select>
                            <span class="muted">{if unknown { "" } else if by_hand { " (by hand)" } else { " (matched)" }}</span></td>
                            <td>{unknown.then(|| view! {
                                <input size="18" placeholder="name of the new school" aria-label=format!("Name of school {}", v3) prop:value=move || name.get() on:input=move |ev| name.set(event_target_value(&ev))/>
                                " "<button data-testid="create-school" on:click=move |_| create(v3.clone(), name.get_untracked())>"Create this school"</button>
                            })}</td>
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
