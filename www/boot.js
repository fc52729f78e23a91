// Loads the wasm-bindgen module and starts the app (runs the lib's #[wasm_bindgen(start)]).
// Trunk's default loader is an inline <script>, which the page's CSP forbids; Trunk.toml's
// `pattern_script` points here instead and passes the hashed file names as data attributes.
const tag = document.querySelector("script[data-nnlab-js]");
const jsUrl = new URL(tag.dataset.nnlabJs, document.baseURI).href;
const wasmUrl = new URL(tag.dataset.nnlabWasm, document.baseURI).href;
const bindings = await import(jsUrl);
const wasm = await bindings.default({ module_or_path: wasmUrl });
window.wasmBindings = bindings;
dispatchEvent(new CustomEvent("TrunkApplicationStarted", { detail: { wasm } }));
