// Loads the wasm-bindgen module and starts the app (runs the lib's #[wasm_bindgen(start)]).
// Trunk's default loader is an inline <script>, which the page's CSP forbids; Trunk.toml's
// `pattern_script` points here instead and passes the hashed file names as data attributes.

// panic-overlay:start (scripts/single.mjs copies this part into the single-file page)
// The panic overlay's buttons, wired in plain JS: a panic aborts the wasm instance, so
// nothing in Rust can answer a click afterwards. The Rust panic hook fills #panic-details,
// writes the texts in the page's language and shows #panic-overlay.
function wirePanicOverlay() {
  const details = document.getElementById("panic-details");
  const copy = document.getElementById("panic-copy");
  const reload = document.getElementById("panic-reload");
  const status = document.getElementById("panic-copied");
  if (!details || !copy || !reload) return;
  const selectDetails = () => {
    const range = document.createRange();
    range.selectNodeContents(details);
    const selection = getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
  };
  copy.addEventListener("click", () => {
    const report = `${details.textContent}\n\nURL: ${location.href}\nUser agent: ${navigator.userAgent}\n`;
    const done = () => { status.textContent = copy.dataset.copied || "Copied"; };
    const refused = () => { status.textContent = ""; selectDetails(); };
    if (navigator.clipboard && navigator.clipboard.writeText) {
      navigator.clipboard.writeText(report).then(done, refused);
    } else {
      refused();
    }
  });
  reload.addEventListener("click", () => location.reload());
}
wirePanicOverlay();
// panic-overlay:end

const tag = document.querySelector("script[data-nnlab-js]");
const jsUrl = new URL(tag.dataset.nnlabJs, document.baseURI).href;
const wasmUrl = new URL(tag.dataset.nnlabWasm, document.baseURI).href;
// The .wasm is requested first, so it downloads while the bindings' module loads, and is
// handed over as the pending Response: wasm-bindgen compiles it with instantiateStreaming,
// as its bytes arrive. (A <link rel="preload" as="fetch"> would start it a few ms sooner,
// but WebKit warns that such a preload is "not used" even when fetch() takes it.)
const wasmResponse = fetch(wasmUrl);
const bindings = await import(jsUrl);
const wasm = await bindings.default({ module_or_path: wasmResponse });
window.wasmBindings = bindings;
// For diagnostics and scripts/soak.mjs: the wasm instance's memory (its size shows growth).
window.nnlabWasmMemory = wasm.memory;
dispatchEvent(new CustomEvent("TrunkApplicationStarted", { detail: { wasm } }));
