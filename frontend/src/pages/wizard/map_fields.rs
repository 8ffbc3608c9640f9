//! Step 3: which column feeds which field.

use super::*;
use rollcall_shared::fields::Field;

#[component]
pub(super) fn MapFields(w: W) -> impl IntoView {
    let columns = move || -> Vec<(usize, String, String)> {
        w.opened.with(|o| {
            let Some(v) = o else { return vec![] };
            (0..v.columns)
                .map(|c| (c, v.heading(c), v.samples_of(c)))
                .collect()
        })
    };
    let missing = move || w.mapping.with(|m| m.missing_required());
    view! {
        <h1>"Map fields"</h1>
        <p class="muted">"Each field takes a column of the file, or one value for the whole file. Fields marked * are required (District ID or Email is the key). Columns left unmatched are never sent."</p>
        <div class="scroll"><table data-testid="mapping">
            <thead><tr><th>"Field"</th><th>"Column"</th><th>"Sample values"</th></tr></thead>
            <tbody>
                {Field::ALL.into_iter().map(|f| {
                    let (label, required) = (f.label(), f.is_required() || f.is_key());
                    let current = move || w.mapping.with(|m| match m.source(f) {
                        Some(Source::Column(c)) => format!("c{c}"),
                        Some(Source::Value(_)) => "v".to_owned(),
                        None => String::new(),
                    });
                    let guessed = move || w.mapping.with(|m| m.matched_by.get(&f).map(|b| format!("{b:?}")).unwrap_or_default());
                    let on_change = move |ev: leptos::ev::Event| {
                        let v = event_target_value(&ev);
                        w.mapping.update(|m| {
                            if let Some(c) = v.strip_prefix('c').and_then(|c| c.parse::<usize>().ok()) {
                                // A column feeds one field: taking it from another is said.
                                if let Some(g) = m.field_of_column(c).filter(|g| *g != f) {
                                    let heading = columns().get(c).map(|x| x.1.clone()).unwrap_or_default();
                                    w.cx.info(format!("“{heading}” now feeds {}; {} is no longer matched.", f.label(), g.label()));
                                }
                                m.set_column(f, c, rollcall_shared::map::MatchedBy::Hand);
                            } else if v == "v" {
                                m.set_value(f, "");
                            } else {
                                m.unmap(f);
                            }
                        });
                    };
                    let sample = move || w.mapping.with(|m| match m.source(f) {
                        Some(Source::Column(c)) => columns().get(*c).map(|x| x.2.clone()).unwrap_or_default(),
                        _ => String::new(),
                    });
                    let value = move || w.mapping.with(|m| m.value(f).unwrap_or("").to_owned());
                    view! {
                        <tr>
                            <td><label for=format!("map-{}", f.name())>{label}{required.then_some(" *")}</label></td>
                            <td>
                                <select id=format!("map-{}", f.name()) data-field=f.name() prop:value=current on:change=on_change>
                                    <option value="">"— not matched —"</option>
                                    {move || columns().into_iter().map(|(c, h, _)| view! { <option value=format!("c{c}")>{h}</option> }).collect_view()}
                                    <option value="v">"One value for the whole file…"</option>
                                </select>
                                {move || (current() == "v").then(|| view! {
                                    " " <input aria-label=format!("{label} for every row") size="12" prop:value=value
                                        on:change=move |ev| { let v = event_target_value(&ev); w.mapping.update(|m| m.set_value(f, v)); }/>
                                })}
                                <span class="muted">{move || if guessed() == "Content" { " (guessed from the values)" } else { "" }}</span>
                            </td>
                            <td class="muted">{sample}</td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table></div>
        <h2>"The file's columns"</h2>
        <div class="scroll"><table data-testid="columns">
            <thead><tr><th>"Column"</th><th>"Sample values"</th><th>"Feeds"</th></tr></thead>
            <tbody>{move || {
                let saved = w.saved_headings.get();
                let from_saved = w.mapping.with(|m| m.matched_by.values().any(|b| *b == rollcall_shared::map::MatchedBy::Saved));
                columns().into_iter().map(|(c, h, sample)| {
                    let field = w.mapping.with(|m| m.field_of_column(c));
                    let new = from_saved
                        && saved.as_ref().is_some_and(|s| !s.contains(&rollcall_shared::fields::normalize_heading(&h)));
                    view! {
                        <tr data-column=h.clone() class:warning=move || new && field.is_none()>
                            <td>{h.clone()}{new.then_some(" (new since the remembered mapping)")}</td>
                            <td class="muted">{sample}</td>
                            <td data-testid="feeds">{field.map_or_else(|| "not imported".to_owned(), |f| f.label().to_owned())}</td>
                        </tr>
                    }
                }).collect_view()
            }}</tbody>
        </table></div>
        {move || {
            let m = missing();
            (!m.is_empty()).then(|| view! {
                <p class="banner error" data-testid="still-needed">{format!(
                    "Choose a column, or one value for the whole file, for: {}.",
                    m.iter().map(|f| if *f == rollcall_shared::fields::Field::SisId { "District ID or Email".to_owned() } else { f.label().to_owned() }).collect::<Vec<_>>().join(", ")
                )}</p>
            })
        }}
        <div class="actions">
            <button on:click=move |_| w.step.set(Step::Read)>"Back"</button>
            <button class="primary" data-testid="next" disabled=move || w.busy.get().is_some() || !missing().is_empty() on:click=move |_| spawn_local(validate(w))>"Validate"</button>
        </div>
    }
}
