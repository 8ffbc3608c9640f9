//! Step 6: the import's options.

use super::*;

#[component]
pub(super) fn OptionsStep(w: W) -> impl IntoView {
    fn radio<T: Copy + PartialEq + Send + Sync + 'static>(
        name: &'static str,
        sig: RwSignal<T>,
        value: T,
        label: &'static str,
    ) -> impl IntoView {
        view! {
            <label><input type="radio" name=name prop:checked=move || sig.get() == value on:change=move |_| sig.set(value)/>" "{label}</label>
        }
    }
    // A group can be made here, without leaving the import (Classworks: create it first).
    let new_group = RwSignal::new(String::new());
    let create_group = move |_| {
        let body = match crate::pages::groups::name_body(&new_group.get_untracked()) {
            Ok(b) => b,
            Err(e) => return w.cx.flash.set(Some(("error".into(), e))),
        };
        spawn_local(async move {
            match w
                .cx
                .api()
                .post_json::<GroupInfo>("/api/groups", body, &[])
                .await
            {
                Ok(g) => {
                    w.group.set(g.id.to_string());
                    w.groups.update(|l| l.push(g));
                    new_group.set(String::new());
                }
                Err(e) => w.cx.error(&e),
            }
        });
    };
    view! {
        <h1>"Options"</h1>
        <fieldset><legend>"When the file and the roster disagree on a user's field"</legend>
            {radio("conflict", w.conflict, Conflict::ImportedWins, "Imported record wins: the file overwrites the roster")}
            {radio("conflict", w.conflict, Conflict::ExistingWins, "Existing record wins: only empty fields are filled")}
        </fieldset>
        <fieldset><legend>"Passwords in the file"</legend>
            {radio("passwords", w.passwords, PasswordPolicy::Keep, "Keep existing passwords (set them for new users only)")}
            {radio("passwords", w.passwords, PasswordPolicy::Overwrite, "Overwrite existing passwords")}
        </fieldset>
        <label>"Add every user of the file to a group "
            <select prop:value=move || w.group.get() on:change=move |ev| w.group.set(event_target_value(&ev))>
                <option value="">"— none —"</option>
                {move || w.groups.get().into_iter().map(|g| view! { <option value=g.id.to_string()>{g.name}</option> }).collect_view()}
            </select>
        </label>
        <label>" or a new group: "
            <input size="20" data-testid="new-group" prop:value=move || new_group.get() on:input=move |ev| new_group.set(event_target_value(&ev))/>
        </label>
        <button data-testid="create-group" on:click=create_group>"Create"</button>
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
