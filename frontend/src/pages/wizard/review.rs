//! Step 7: the plan against the current roster, and the mass-archive guard.

use rollcall_shared::api::PlanReport;
use rollcall_shared::wire::ArchiveReason;

use super::*;

/// One line of a list: its text, and the role and school it is about (for the filters).
struct Line {
    text: String,
    role: &'static str,
    school: String,
}

/// One list of the plan, one line per user (key, name, role, school), as the review's tab
/// `kind` shows it, filtered by role and school.
pub(super) fn list_view(r: &PlanReport, kind: &'static str, role: &str, school: &str) -> AnyView {
    let who = |w: &rollcall_shared::plan::Who| {
        format!("{} ({}, school {})", w.name, w.role.as_str(), w.school)
    };
    let lines: Vec<Line> = match kind {
        "creates" => r
            .creates
            .iter()
            .map(|c| Line {
                text: format!(
                    "{} {} {} ({}, school {}) row {}",
                    c.key,
                    c.data.first_name,
                    c.data.last_name,
                    c.data.role.as_str(),
                    c.data.school,
                    c.row
                ),
                role: c.data.role.as_str(),
                school: c.data.school.to_string(),
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
                Line {
                    text: format!(
                        "{} {} row {}: {}",
                        u.key,
                        who(&u.who),
                        u.row,
                        changes.join("; ")
                    ),
                    role: u.who.role.as_str(),
                    school: u.who.school.clone(),
                }
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
                Line {
                    text: format!("{} {} scope {}, {why}", a.key, who(&a.who), a.scope),
                    role: a.who.role.as_str(),
                    school: a.who.school.clone(),
                }
            })
            .collect(),
        "restores" => r
            .restores
            .iter()
            .map(|k| Line {
                text: k.clone(),
                role: "",
                school: String::new(),
            })
            .collect(),
        _ => r
            .skipped
            .iter()
            .map(|x| Line {
                text: match x.row {
                    0 => format!("{}: {}", x.key, x.message),
                    row => format!("row {row} {}: {}", x.key, x.message),
                },
                role: "",
                school: String::new(),
            })
            .collect(),
    };
    let school = school.trim();
    let lines: Vec<String> = lines
        .into_iter()
        .filter(|l| role.is_empty() || l.role.is_empty() || l.role == role)
        .filter(|l| school.is_empty() || l.school.is_empty() || l.school == school)
        .map(|l| l.text)
        .collect();
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
                <thead><tr><th>"New (file)"</th><th>"Archived (roster)"</th><th>"Why"</th><th>"Actions"</th></tr></thead>
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

/// What is being imported, restated above the plan: the file, its description and scope, the
/// options, and when it runs.
fn restated(w: W) -> String {
    let opts = w
        .plan_ask(rollcall_shared::wire::GuardLimits::default())
        .ok();
    let mut parts = vec![format!(
        "{} into scope {}",
        w.file_name.get_untracked(),
        w.scope.get_untracked()
    )];
    let d = w.description.get_untracked();
    if !d.trim().is_empty() {
        parts.push(format!("“{}”", d.trim()));
    }
    if let Some(o) = opts.map(|a| a.options) {
        parts.push(match o.conflict {
            Conflict::ImportedWins => "the file's values win".into(),
            Conflict::ExistingWins => "only empty fields are filled".into(),
        });
        parts.push(match o.passwords {
            PasswordPolicy::Keep => "passwords for new users only".into(),
            PasswordPolicy::Overwrite => "passwords replaced".into(),
        });
        if let Some(g) = o.group {
            let name = w
                .groups
                .with_untracked(|gs| gs.iter().find(|x| x.id == g).map(|x| x.name.clone()));
            parts.push(format!(
                "everyone joins group {}",
                name.unwrap_or_else(|| format!("#{g}"))
            ));
        }
        if o.email_new_staff {
            parts.push("new staff are emailed a set-password link".into());
        }
        parts.push(match o.apply_at {
            Some(t) if !t.is_empty() => format!(
                "applied at {}",
                w.apply_at.get_untracked().replace('T', " ")
            ),
            _ => "applied now".into(),
        });
    }
    parts.join(" · ")
}

#[component]
pub(super) fn Review(w: W) -> impl IntoView {
    let role = RwSignal::new(String::new());
    let school = RwSignal::new(String::new());
    let typed = RwSignal::new(String::new());
    let tab = move |key: &'static str, label: &'static str| {
        view! {
            <button class:active=move || w.tab.get() == key data-tab=key on:click=move |_| w.tab.set(key)>{label}</button>
        }
    };
    // A tripped guard opens the archives first.
    Effect::new(move |_| {
        if w.plan
            .with(|p| p.as_ref().is_some_and(|p| p.report.guard.triggered))
        {
            w.tab.set("archives");
        }
    });
    view! {
        <h1>"Review"</h1>
        <p class="muted" data-testid="restated">{move || w.plan.with(|_| restated(w))}</p>
        {move || w.plan.get().map(|p| {
            let s = p.report.summary.clone();
            let g = p.report.guard.clone();
            let plan_errors: Vec<Issue> = p.report.issues.iter().filter(|i| i.is_error()).cloned().collect();
            let blocked = p.errors > 0;
            let guard = g.triggered;
            let need = g.archives.to_string();
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
                {guard.then(|| {
                    let need = need.clone();
                    view! {
                        <div class="banner error" data-testid="guard">
                            <p><b>{format!("This import archives {} of {} active users in its scope.", g.archives, g.scope_active)}</b>" A truncated file must never archive a district: check the archives below, and confirm only if they are right."</p>
                            <label>{format!("Type {} to confirm: ", g.archives)}
                                <input size="8" inputmode="numeric" data-testid="ack-count" prop:value=move || typed.get()
                                    on:input=move |ev| { let v = event_target_value(&ev); w.ack.set(v.trim() == need); typed.set(v); }/>
                            </label>
                        </div>
                    }
                })}
                <div class="tabs" role="group" aria-label="Lists of the plan">
                    {tab("creates", "Created")}{tab("updates", "Updated")}{tab("archives", "Archived")}{tab("restores", "Restored")}{tab("skipped", "Skipped")}
                </div>
                <div class="actions">
                    <label>"Role "
                        <select data-testid="filter-role" on:change=move |ev| role.set(event_target_value(&ev))>
                            <option value="">"any"</option>
                            {["student", "teacher", "staff", "admin"].into_iter().map(|r| view! { <option value=r>{r}</option> }).collect_view()}
                        </select>
                    </label>
                    <label>"School " <input size="8" data-testid="filter-school" prop:value=move || school.get() on:input=move |ev| school.set(event_target_value(&ev))/></label>
                </div>
                {move || {
                    let key = w.tab.get();
                    list_view(&p.report, key, &role.get(), &school.get())
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
