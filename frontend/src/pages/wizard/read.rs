//! Step 2: how the file is read (encoding, delimiter, heading), with the first rows.

use super::*;

pub(super) fn dialect_line(v: &Value) -> String {
    let d = &v["dialect"];
    let delim = match d["delimiter"].as_str().unwrap_or(",") {
        "\t" => "tab".to_owned(),
        x => format!("“{x}”"),
    };
    format!(
        "{}{}, {} delimited, {} line ends, {}",
        d["encoding"].as_str().unwrap_or(""),
        if d["bom"].as_bool().unwrap_or(false) {
            " with BOM"
        } else {
            ""
        },
        delim,
        d["line_ending"].as_str().unwrap_or(""),
        if d["has_header"].as_bool().unwrap_or(false) {
            "row 1 is a heading"
        } else {
            "no heading row"
        }
    )
}

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
            let headings: Vec<String> = v["headings"].as_array().map(|a| a.iter().map(|h| h.as_str().unwrap_or("").to_owned()).collect()).unwrap_or_default();
            let samples = v["samples"].as_array().cloned().unwrap_or_default();
            view! {
                <p data-testid="dialect">"Detected: " {dialect_line(&v)}</p>
                <div>
                    {select("Encoding", w.encoding, vec![("", "detect"), ("utf-8", "UTF-8"), ("utf-16le", "UTF-16 LE"), ("utf-16be", "UTF-16 BE"), ("windows-1252", "Windows-1252"), ("macintosh", "Mac Roman")])}
                    {select("Delimiter", w.delimiter, vec![("", "detect"), (",", ","), (";", ";"), ("tab", "tab"), ("|", "|")])}
                    {select("Heading row", w.header, vec![("", "detect"), ("yes", "yes"), ("no", "no")])}
                </div>
                <div class="scroll"><table>
                    {(!headings.is_empty()).then(|| view! { <thead><tr><th>"Row"</th>{headings.iter().map(|h| view! { <th>{h.clone()}</th> }).collect_view()}</tr></thead> })}
                    <tbody>{samples.into_iter().map(|s| view! {
                        <tr><td>{s["row"].as_u64().unwrap_or(0)}</td>{s["cells"].as_array().cloned().unwrap_or_default().into_iter().map(|c| view! { <td>{c.as_str().unwrap_or("").to_owned()}</td> }).collect_view()}</tr>
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
