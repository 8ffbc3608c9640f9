//! Step 2: how the file is read (encoding, delimiter, heading), with the first rows.

use super::*;

#[component]
pub(super) fn Read(w: W) -> impl IntoView {
    let reread = move || spawn_local(read_file(w));
    let select = move |label: &'static str,
                       sig: RwSignal<String>,
                       opts: Vec<(&'static str, &'static str)>| {
        view! {
            <label style="display:inline-block; margin-right:1rem">{label}" "
                <select prop:value=move || sig.get() on:change=move |ev| { sig.set(event_target_value(&ev)); reread(); }>
                    {opts.into_iter().map(|(v, l)| view! { <option value=v>{l}</option> }).collect_view()}
                </select>
            </label>
        }
    };
    view! {
        <h1>"Read"</h1>
        {move || w.opened.get().map(|v| {
            let headings: Vec<String> = v.headings.clone().unwrap_or_default();
            view! {
                <p data-testid="dialect">"Detected: " {v.dialect_line()}</p>
                {v.workbook.clone().filter(|b| b.sheets.len() > 1).map(|b| view! {
                    <label>"Sheet "
                        <select data-testid="sheet" on:change=move |ev| { w.sheet.set(event_target_value(&ev)); reread(); }>
                            {b.sheets.iter().map(|s| view! { <option value=s.clone() selected=*s == b.sheet>{s.clone()}</option> }).collect_view()}
                        </select>
                    </label>
                })}
                <div>
                    {select("Encoding", w.encoding, vec![("", "detect"), ("utf-8", "UTF-8"), ("utf-16le", "UTF-16 LE"), ("utf-16be", "UTF-16 BE"), ("windows-1252", "Windows-1252"), ("macintosh", "Mac Roman")])}
                    {select("Delimiter", w.delimiter, vec![("", "detect"), (",", ","), (";", ";"), ("tab", "tab"), ("|", "|")])}
                    {select("Heading row", w.header, vec![("", "detect"), ("yes", "yes"), ("no", "no")])}
                </div>
                <div class="scroll"><table>
                    {(!headings.is_empty()).then(|| view! { <thead><tr><th>"Row"</th>{headings.iter().map(|h| view! { <th>{h.clone()}</th> }).collect_view()}</tr></thead> })}
                    <tbody>{v.samples.into_iter().map(|s| view! {
                        <tr><td>{s.row}</td>{s.cells.into_iter().map(|c| view! { <td>{c}</td> }).collect_view()}</tr>
                    }).collect_view()}</tbody>
                </table></div>
            }
        })}
        <div class="actions">
            <button on:click=move |_| w.step.set(Step::Choose)>"Back"</button>
            <button class="primary" data-testid="next" on:click=move |_| w.step.set(Step::Map)>"Map fields"</button>
        </div>
    }
}
