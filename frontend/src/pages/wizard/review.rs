//! Step 7: the plan against the current roster, and the mass-archive guard.

use rollcall_shared::api::PlanReport;
use rollcall_shared::wire::ArchiveReason;

use super::*;

/// One list of the plan, one line per user, as the review's tab `kind` shows it.
pub(super) fn list_view(r: &PlanReport, kind: &'static str) -> AnyView {
    let lines: Vec<String> = match kind {
        "creates" => r
            .creates
            .iter()
            .map(|c| {
                format!(
                    "{} {} {} ({}, school {}) row {}",
                    c.key,
                    c.data.first_name,
                    c.data.last_name,
                    c.data.role.as_str(),
                    c.data.school,
                    c.row
                )
            })
            .collect(),
        "updates" => r
            .updates
            .iter()
            .map(|u| {
                let changes: Vec<String> = u
                    .changes
                    .iter()
                    .map(|(f, [old, new])| {
                        format!(
                            "{f}: {} → {}",
                            old.as_deref().unwrap_or("∅"),
                            new.as_deref().unwrap_or("∅")
                        )
                    })
                    .collect();
                format!("{} (row {}): {}", u.key, u.row, changes.join("; "))
            })
            .collect(),
        "archives" => r
            .archive_reasons
            .iter()
            .map(|a| {
                let why = match a.reason {
                    ArchiveReason::Inactive => "status not active",
                    ArchiveReason::Missing => "missing from the file",
                    ArchiveReason::Manual => "archived by an admin",
                };
                format!("{} (scope {}, {why})", a.key, a.scope)
            })
            .collect(),
        "restores" => r.restores.clone(),
        _ => r
            .skipped
            .iter()
            .map(|x| match x.row {
                0 => format!("{}: {}", x.key, x.message),
                row => format!("row {row} {}: {}", x.key, x.message),
            })
            .collect(),
    };
    if lines.is_empty() {
        return view! { <p class="muted">"None."</p> }.into_any();
    }
    view! {
        <div class="scroll"><table data-testid=format!("list-{kind}")>
            <tbody>{lines.into_iter().map(|text| view! { <tr><td>{text}</td></tr> }).collect_view()}</tbody>
        </table></div>
    }
    .into_any()
}

/// Joins a same-person pair in the worker's plan, and shows the plan as it now is.
async fn merge(w: W, row: u32) {
    let Ok(engine) = engine() else { return };
    let args = obj(&[("row", JsValue::from(row)), ("limit", JsValue::from(500))]);
    match engine.call_json::<PlanView>("merge", args, None).await {
        Ok(p) => {
            w.plan.set(Some(p));
            w.ack.set(false);
        }
        Err(e) => w.fail(e),
    }
}

/// Creates and archives that are likely the same person, side by side, each with its reason
/// and the click that makes it an update of the existing user.
fn same_person_view(w: W, r: &PlanReport) -> impl IntoView {
    use rollcall_shared::plan::SamePersonReason;
    let pairs = r.same_person.clone();
    (!pairs.is_empty()).then(|| view! {
        <div class="banner warning" data-testid="same-person">
            <p><b>"Same person?"</b>" These new users look like users this import archives. Updating the existing user keeps their history."</p>
            <table>
                <thead><tr><th>"New (file)"</th><th>"Archived (roster)"</th><th>"Why"</th><th></th></tr></thead>
                <tbody>{pairs.into_iter().map(|h| {
                    let why = match h.reason {
                        SamePersonReason::LeadingZeros => "the same District ID without its leading zeros",
                        SamePersonReason::EmailChanged => "same name and school; no District ID; the email changed",
                    };
                    let row = h.row;
                    view! {
                        <tr data-row=row>
                            <td>{format!("{} {} (row {})", h.create_key, h.create_name, h.row)}</td>
                            <td>{format!("{} {}", h.archive_key, h.archive_name)}</td>
                            <td>{why}</td>
                            <td><button data-testid="merge" on:click=move |_| spawn_local(merge(w, row))>"Update the existing user"</button></td>
                        </tr>
                    }
                }).collect_view()}</tbody>
            </table>
        </div>
    })
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
            let s = p.report.summary.clone();
            let g = p.report.guard.clone();
            let plan_errors: Vec<Issue> = p.report.issues.iter().filter(|i| i.is_error()).cloned().collect();
            let blocked = p.errors > 0;
            let guard = g.triggered;
            view! {
                <div class="counts" data-testid="plan-counts">
                    <div><b data-testid="creates">{s.creates}</b>"created"</div>
                    <div><b data-testid="updates">{s.updates}</b>"updated"</div>
                    <div><b data-testid="archives">{s.archives}</b>"archived"</div>
                    <div><b data-testid="restores">{s.restores}</b>"restored"</div>
                    <div><b data-testid="unchanged">{s.unchanged}</b>"unchanged"</div>
                    <div><b data-testid="skipped">{s.skipped}</b>"skipped"</div>
                </div>
                {blocked.then(|| view! {
                    <div class="banner error">{plan_errors.iter().map(|i| view! { <p>{format!("{}: {}", i.row.map_or_else(|| "The file".to_owned(), |r| format!("Row {r}")), i.message)}</p> }).collect_view()}</div>
                })}
                {same_person_view(w, &p.report)}
                {guard.then(|| view! {
                    <div class="banner warning" data-testid="guard">
                        <p>{format!("This import archives {} of {} active users in its scope. A truncated file must never archive a district: confirm only if this is right.", g.archives, g.scope_active)}</p>
                        <label><input type="checkbox" data-testid="ack" prop:checked=move || w.ack.get() on:change=move |ev| w.ack.set(event_target_checked(&ev))/>{format!(" Yes, archive these {} users", g.archives)}</label>
                    </div>
                })}
                <div class="tabs" role="tablist">
                    {tab("creates", "Created")}{tab("updates", "Updated")}{tab("archives", "Archived")}{tab("restores", "Restored")}{tab("skipped", "Skipped")}
                </div>
                {move || {
                    let key = w.tab.get();
                    list_view(&p.report, key)
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
