//! Step 7: the plan against the current roster, and the mass-archive guard.

use super::*;

pub(super) fn list_view(items: Vec<Value>, kind: &'static str) -> AnyView {
    if items.is_empty() {
        return view! { <p class="muted">"None."</p> }.into_any();
    }
    view! {
        <div class="scroll"><table data-testid=format!("list-{kind}")>
            <tbody>{items.into_iter().map(|x| {
                let text = match kind {
                    "updates" => format!("{} (row {}): {}", x["key"].as_str().unwrap_or(""), x["row"], x["diffs"].as_array().map(|d| d.iter().map(|d| format!("{}: {} → {}", d["field"].as_str().unwrap_or(""), d["old"].as_str().unwrap_or("∅"), d["new"].as_str().unwrap_or("∅"))).collect::<Vec<_>>().join("; ")).unwrap_or_default()),
                    "creates" => format!("{} {} ({}, school {}) row {}", x["key"].as_str().unwrap_or(""), x["name"].as_str().unwrap_or(""), x["role"].as_str().unwrap_or(""), x["school"].as_str().unwrap_or(""), x["row"]),
                    "archives" => format!("{} (scope {}, {})", x["key"].as_str().unwrap_or(""), x["scope"].as_str().unwrap_or(""), if x["reason"] == "inactive" { "status not active" } else { "missing from the file" }),
                    "restores" => format!("{} (row {})", x["key"].as_str().unwrap_or(""), x["row"]),
                    _ => format!("row {} {}: {}", x["row"], x["key"].as_str().unwrap_or(""), x["message"].as_str().unwrap_or("")),
                };
                view! { <tr><td>{text}</td></tr> }
            }).collect_view()}</tbody>
        </table></div>
    }
    .into_any()
}

#[component]
pub(super) fn Review(w: W) -> impl IntoView {
    let tab = move |key: &'static str, label: &'static str| {
        view! {
            <button class:active=move || w.tab.get() == key data-tab=key on:click=move |_| w.tab.set(key)>{label}</button>
        }
    };
    view! {
        <h1>"Review"</h1>
        {move || w.plan.get().map(|p| {
            let s = p["summary"].clone();
            let g = p["guard"].clone();
            let plan_errors: Vec<Value> = p["issues"].as_array().map(|a| a.iter().filter(|i| i["severity"] == "error").cloned().collect()).unwrap_or_default();
            let blocked = p["plan_errors"].as_u64().unwrap_or(plan_errors.len() as u64) > 0;
            let guard = g["triggered"].as_bool().unwrap_or(false);
            view! {
                <div class="counts" data-testid="plan-counts">
                    <div><b data-testid="creates">{s["creates"].to_string()}</b>"created"</div>
                    <div><b data-testid="updates">{s["updates"].to_string()}</b>"updated"</div>
                    <div><b data-testid="archives">{s["archives"].to_string()}</b>"archived"</div>
                    <div><b data-testid="restores">{s["restores"].to_string()}</b>"restored"</div>
                    <div><b data-testid="unchanged">{s["unchanged"].to_string()}</b>"unchanged"</div>
                    <div><b data-testid="skipped">{s["skipped"].to_string()}</b>"skipped"</div>
                </div>
                {blocked.then(|| view! {
                    <div class="banner error">{plan_errors.iter().map(|i| view! { <p>{format!("Row {}: {}", i["row"], i["message"].as_str().unwrap_or(""))}</p> }).collect_view()}</div>
                })}
                {guard.then(|| view! {
                    <div class="banner warning" data-testid="guard">
                        <p>{format!("This import archives {} of {} active users in its scope. A truncated file must never archive a district: confirm only if this is right.", g["archives"], g["scope_active"])}</p>
                        <label><input type="checkbox" data-testid="ack" prop:checked=move || w.ack.get() on:change=move |ev| w.ack.set(event_target_checked(&ev))/>{format!(" Yes, archive these {} users", g["archives"])}</label>
                    </div>
                })}
                <div class="tabs" role="tablist">
                    {tab("creates", "Created")}{tab("updates", "Updated")}{tab("archives", "Archived")}{tab("restores", "Restored")}{tab("skipped", "Skipped")}
                </div>
                {move || {
                    let key = w.tab.get();
                    list_view(p[key].as_array().cloned().unwrap_or_default(), key)
                }}
                <div class="actions">
                    <button on:click=move |_| w.step.set(Step::Options)>"Back"</button>
                    <button class="primary" data-testid="submit" disabled=move || blocked || (guard && !w.ack.get()) || w.busy.get().is_some()
                        on:click=move |_| spawn_local(submit(w))>"Submit"</button>
                </div>
            }
        })}
    }
}
