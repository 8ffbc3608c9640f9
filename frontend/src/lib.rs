//! # rollcall-frontend
//!
//! The admin's browser app (Leptos, client-side rendered): the page calls [`run_app`]. The
//! engine its Web Worker runs is a module of its own (`frontend/engine`, loaded when an import
//! starts). Every step before Submit runs in the browser with the shared crate: the raw file
//! never leaves the machine, only the change request does.

pub mod api;
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
