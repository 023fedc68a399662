#![doc = include_str!("../README.md")]

pub mod format;
pub mod i18n;

#[cfg(target_arch = "wasm32")]
mod app;
pub mod ipc;
#[cfg(target_arch = "wasm32")]
mod screens;

/// Entry point called by the wasm-bindgen glue when the module loads: mounts the app on `<body>`.
#[cfg(target_arch = "wasm32")]
#[wasm_bindgen::prelude::wasm_bindgen(start)]
pub fn start() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(app::App);
}
