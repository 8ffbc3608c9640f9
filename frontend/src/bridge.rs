//! The page's side of the Web Worker: `call` posts a command and resolves when the worker answers;
//! progress messages go to a callback. Messages wait until the worker says it is ready (messages
//! sent before its wasm starts would be lost).

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::rc::Rc;

use js_sys::{Function, Object, Promise, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{MessageEvent, Worker, WorkerOptions, WorkerType};

type Progress = Rc<dyn Fn(f64, f64, f64)>;

struct Pending {
    resolve: Function,
    reject: Function,
    progress: Option<Progress>,
}

#[derive(Clone)]
pub struct EngineClient {
    worker: Worker,
    pending: Rc<RefCell<HashMap<u32, Pending>>>,
    next: Rc<Cell<u32>>,
    ready: Promise,
}

fn get(v: &JsValue, k: &str) -> JsValue {
    Reflect::get(v, &JsValue::from_str(k)).unwrap_or(JsValue::UNDEFINED)
}

impl EngineClient {
    pub fn new() -> Result<EngineClient, JsValue> {
        let opts = WorkerOptions::new();
        opts.set_type(WorkerType::Module);
        // The benchmark's and the tests' knob: `window.__rollcall_parts` sets how many workers a
        // large file's validation uses (by default one a core but one, at most four).
        if let Some(n) = web_sys::window()
            .and_then(|w| Reflect::get(&w, &JsValue::from_str("__rollcall_parts")).ok())
            .and_then(|v| v.as_f64())
        {
            opts.set_name(&format!("parts={n}"));
        }
        let worker = Worker::new_with_options("./worker.js", &opts)?;
        let pending: Rc<RefCell<HashMap<u32, Pending>>> = Rc::default();
        let ready_resolve: Rc<RefCell<Option<Function>>> = Rc::default();
        let rr = ready_resolve.clone();
        let ready = Promise::new(&mut |resolve, _| {
            *rr.borrow_mut() = Some(resolve);
        });
        let p = pending.clone();
        let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |e: MessageEvent| {
            let data = e.data();
            let kind = get(&data, "type").as_string().unwrap_or_default();
            if kind == "ready" {
                if let Some(r) = ready_resolve.borrow_mut().take() {
                    let _ = r.call0(&JsValue::NULL);
                }
                return;
            }
            // Every answer names its call; one that does not is not ours to settle.
            let Some(id) = get(&data, "id").as_f64().map(|i| i as u32) else {
                return;
            };
            match kind.as_str() {
                "progress" => {
                    if let Some(cb) = p.borrow().get(&id).and_then(|x| x.progress.clone()) {
                        cb(
                            get(&data, "done").as_f64().unwrap_or(0.0),
                            get(&data, "total").as_f64().unwrap_or(0.0),
                            get(&data, "rows").as_f64().unwrap_or(0.0),
                        );
                    }
                }
                "result" => {
                    // The worker's wasm memory and the command's timing, for the benchmark.
                    bench_note(&data);
                    if let Some(x) = p.borrow_mut().remove(&id) {
                        let _ = x.resolve.call1(&JsValue::NULL, &get(&data, "result"));
                    }
                }
                _ => {
                    if let Some(x) = p.borrow_mut().remove(&id) {
                        let _ = x.reject.call1(&JsValue::NULL, &get(&data, "error"));
                    }
                }
            }
        });
        worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        on_message.forget();
        Ok(EngineClient {
            worker,
            pending,
            next: Rc::new(Cell::new(1)),
            ready,
        })
    }

    /// The id the next call will get (to cancel it).
    pub fn next_id(&self) -> u32 {
        self.next.get()
    }

    pub async fn call(
        &self,
        cmd: &str,
        args: Object,
        progress: Option<Progress>,
    ) -> Result<JsValue, String> {
        JsFuture::from(self.ready.clone())
            .await
            .map_err(|_| "The worker did not start.".to_owned())?;
        let id = self.next.get();
        self.next.set(id + 1);
        let pending = self.pending.clone();
        let promise = Promise::new(&mut |resolve, reject| {
            pending.borrow_mut().insert(
                id,
                Pending {
                    resolve,
                    reject,
                    progress: progress.clone(),
                },
            );
        });
        let msg = Object::new();
        let _ = Reflect::set(&msg, &"id".into(), &JsValue::from(id));
        let _ = Reflect::set(&msg, &"cmd".into(), &JsValue::from_str(cmd));
        let _ = Reflect::set(&msg, &"args".into(), &args);
        self.worker
            .post_message(&msg)
            .map_err(|e| format!("{e:?}"))?;
        JsFuture::from(promise)
            .await
            .map_err(|e| e.as_string().unwrap_or_else(|| "The worker failed.".into()))
    }

    /// A call whose result is a JSON string, parsed.
    pub async fn call_json<T: serde::de::DeserializeOwned>(
        &self,
        cmd: &str,
        args: Object,
        progress: Option<Progress>,
    ) -> Result<T, String> {
        let v = self.call(cmd, args, progress).await?;
        let s = v.as_string().ok_or("The worker answered nothing.")?;
        serde_json::from_str(&s).map_err(|e| e.to_string())
    }

    pub fn cancel(&self, id: u32) {
        self.tell("cancel", obj(&[("id", JsValue::from(id))]));
    }

    /// A message that has no answer (the worker acts on it at once, between commands): a
    /// cancel, a file to read ahead, a file to forget.
    pub fn tell(&self, cmd: &str, args: Object) {
        let msg = Object::new();
        let _ = Reflect::set(&msg, &"cmd".into(), &JsValue::from_str(cmd));
        let _ = Reflect::set(&msg, &"args".into(), &args);
        let _ = self.worker.post_message(&msg);
    }
}

/// Keeps what the benchmark reads on `window.__rollcall` (when the page has made it): the
/// worker's memory, and each command's timing with when the page received its answer.
fn bench_note(data: &JsValue) {
    let Some(w) = web_sys::window() else { return };
    let Ok(holder) = Reflect::get(&w, &JsValue::from_str("__rollcall")) else {
        return;
    };
    if !holder.is_object() {
        return;
    }
    if let Some(m) = get(data, "memory").as_f64() {
        let _ = Reflect::set(&holder, &"worker_memory".into(), &JsValue::from_f64(m));
    }
    let timing = get(data, "timing");
    let Some(cmd) = get(&timing, "cmd").as_string() else {
        return;
    };
    let now = w
        .performance()
        .map(|p| p.time_origin() + p.now())
        .unwrap_or(0.0);
    let _ = Reflect::set(&timing, &"received".into(), &JsValue::from_f64(now));
    let phases = match Reflect::get(&holder, &"phases".into()) {
        Ok(p) if p.is_object() => p,
        _ => {
            let p: JsValue = Object::new().into();
            let _ = Reflect::set(&holder, &"phases".into(), &p);
            p
        }
    };
    let _ = Reflect::set(&phases, &JsValue::from_str(&cmd), &timing);
}

/// Builds a JS object from (key, value) pairs.
pub fn obj(pairs: &[(&str, JsValue)]) -> Object {
    let o = Object::new();
    for (k, v) in pairs {
        let _ = Reflect::set(&o, &JsValue::from_str(k), v);
    }
    o
}
