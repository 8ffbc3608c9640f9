//! Step 6: the import's options.

use super::*;

#[component]
pub(super) fn OptionsStep(w: W) -> impl IntoView {
    let radio = move |name: &'static str,
                      sig: RwSignal<String>,
                      value: &'static str,
                      label: &'static str| {
        view! {
            <label><input type="radio" name=name value=value prop:checked=move || sig.get() == value on:change=move |_| sig.set(value.to_owned())/>" "{label}</label>
        }
    };
    view! {
        <h1>"Options"</h1>
        <fieldset><legend>"When the file and the roster disagree on a user's field"</legend>
            {radio("conflict", w.conflict, "imported_wins", "Imported record wins: the file overwrites the roster")}
            {radio("conflict", w.conflict, "existing_wins", "Existing record wins: only empty fields are filled")}
        </fieldset>
        <fieldset><legend>"Passwords in the file"</legend>
            {radio("passwords", w.passwords, "keep", "Keep existing passwords (set them for new users only)")}
            {radio("passwords", w.passwords, "overwrite", "Overwrite existing passwords")}
        </fieldset>
        <label>"Add every user of the file to a group "
            <select prop:value=move || w.group.get() on:change=move |ev| w.group.set(event_target_value(&ev))>
                <option value="">"— none —"</option>
                {move || w.groups.get().into_iter().map(|(id, n)| view! { <option value=id.to_string()>{n}</option> }).collect_view()}
            </select>
        </label>
        <label><input type="checkbox" prop:checked=move || w.email_staff.get() on:change=move |ev| w.email_staff.set(event_target_checked(&ev))/>" Email new staff a set-password link"</label>
        <label>"Apply at (leave empty to apply now) "
            <input type="datetime-local" prop:value=move || w.apply_at.get() on:input=move |ev| w.apply_at.set(event_target_value(&ev))/>
        </label>
        <div class="actions">
            <button on:click=move |_| w.step.set(Step::Validate)>"Back"</button>
            <button class="primary" data-testid="next" disabled=move || w.busy.get().is_some() on:click=move |_| { spawn_local(async move { make_plan(w).await; }); }>"Review the plan"</button>
        </div>
    }
}
