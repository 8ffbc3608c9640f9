pub mod groups;
pub mod history;
pub mod login;
pub mod outbox;
pub mod schools;
pub mod set_password;
pub mod settings;
pub mod tokens;
pub mod user;
pub mod users;
pub mod wizard;

/// Offers `text` as a file download.
pub fn download(name: &str, text: &str, mime: &str) {
    let parts = js_sys::Array::of1(&wasm_bindgen::JsValue::from_str(text));
    let props = web_sys::BlobPropertyBag::new();
    props.set_type(mime);
    if let Ok(blob) = web_sys::Blob::new_with_str_sequence_and_options(&parts, &props) {
        download_blob(name, &blob);
    }
}

/// Offers a blob (a server's answer, kept out of the module's memory) as a file download.
pub fn download_blob(name: &str, blob: &web_sys::Blob) {
    let Ok(url) = web_sys::Url::create_object_url_with_blob(blob) else {
        return;
    };
    if let Some(doc) = web_sys::window().and_then(|w| w.document()) {
        if let Ok(a) = doc.create_element("a") {
            let _ = a.set_attribute("href", &url);
            let _ = a.set_attribute("download", name);
            if let Some(b) = doc.body() {
                let _ = b.append_child(&a);
                if let Some(el) = wasm_bindgen::JsCast::dyn_ref::<web_sys::HtmlElement>(&a) {
                    el.click();
                }
                let _ = b.remove_child(&a);
            }
        }
    }
    let _ = web_sys::Url::revoke_object_url(&url);
}

pub fn fmt_time(ms: Option<i64>) -> String {
    match ms {
        None => "—".into(),
        Some(ms) => {
            let d = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(ms as f64));
            d.to_locale_string("en-US", &wasm_bindgen::JsValue::UNDEFINED)
                .as_string()
                .unwrap_or_default()
        }
    }
}

/// Fetches `path` into `into` (a page's "loading…" until then); a failure is said in the flash.
/// Takes the context (captured where the page was made: a reload after an action runs outside
/// the reactive owner, where there is no context to look up).
pub fn load<T>(cx: crate::context::Ctx, path: String, into: leptos::prelude::RwSignal<Option<T>>)
where
    T: serde::de::DeserializeOwned + Send + Sync + 'static,
{
    use leptos::prelude::Set;
    leptos::task::spawn_local(async move {
        match cx.api().get::<T>(&path).await {
            Ok(v) => into.set(Some(v)),
            Err(e) => cx.error(&e),
        }
    });
}
