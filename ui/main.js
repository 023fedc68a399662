// Loads the wasm module; its `start` function mounts the Leptos app on <body>.
import init from "./copilot_ui.js";

init({ module_or_path: new URL("./copilot_ui_bg.wasm", import.meta.url) });
