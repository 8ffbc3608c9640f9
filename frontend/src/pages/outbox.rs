use leptos::prelude::*;
use rollcall_shared::api::Mail;

use super::fmt_time;

#[component]
pub fn Outbox() -> impl IntoView {
    let mails = RwSignal::new(None::<Vec<Mail>>);
    super::load(crate::context::ctx(), "/api/outbox".into(), mails);
    view! {
        <div class="card">
            <h1>"Outbox"</h1>
            <p class="muted">"The mails Rollcall sent, or would send without an SMTP server: import notices and set-password links."</p>
            {move || match mails.get() {
                None => view! { <p>"Loading…"</p> }.into_any(),
                Some(v) if v.is_empty() => view! { <p>"No mail yet."</p> }.into_any(),
                Some(v) => view! {
                    <div class="scroll"><table>
                        <thead><tr><th>"To"</th><th>"Subject"</th><th>"Message"</th><th>"Created"</th><th>"Sent"</th></tr></thead>
                        <tbody>
                            {v.into_iter().map(|m| view! {
                                <tr>
                                    <td>{m.to_addr}</td>
                                    <td>{m.subject}</td>
                                    <td>{m.body}</td>
                                    <td>{fmt_time(Some(m.created_at))}</td>
                                    <td>{match m.sent_at { None => "in outbox".to_owned(), at => fmt_time(at) }}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table></div>
                }.into_any(),
            }}
        </div>
    }
}
