//! # rollcall-frontend
//!
//! The admin's browser app (Leptos, client-side rendered) and the engine its Web Worker runs.
//! One wasm module serves both: the page calls [`run_app`]; `static/worker.js` constructs an
//! [`engine::Engine`]. Every step before Submit runs here with the shared crate: the raw file
//! never leaves the machine, only the change request does.

pub mod api;
pub mod engine;
pub mod route;

#[cfg(target_arch = "wasm32")]
mod app;
#[cfg(target_arch = "wasm32")]
mod bridge;
#[cfg(target_arch = "wasm32")]
mod context;
#[cfg(target_arch = "wasm32")]
mod pages;

/// Mounts the app (called by `index.html` once the module is initialised).
#[cfg(target_arch = "wasm32")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn run_app() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(app::App);
}
