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
// The loader runs as soon as it arrives (async), possibly before the overlay is parsed.
if (document.readyState === "loading") addEventListener("DOMContentLoaded", wirePanicOverlay, { once: true });
else wirePanicOverlay();
// panic-overlay:end

// The share dialog's QR code (src/web/share.rs calls nnlabQr): npm's qrcode-generator,
// copied into dist/ by Trunk and loaded when the dialog first opens, drawn as one SVG path
// (level M, a 4-module quiet zone) so it is sharp at any size. A script that fails to load
// sets data-state="failed" on the <svg>, which shows the page's message.
let qrLoaded;
window.nnlabQr = (link, target) => {
  qrLoaded ||= new Promise((resolve, reject) => {
    const script = document.createElement("script");
    script.src = new URL("qrcode.js", document.baseURI).href;
    script.onload = () => (window.qrcode ? resolve(window.qrcode) : reject(new Error("no qrcode")));
    script.onerror = reject;
    document.head.append(script);
  });
  target.dataset.link = link;
  target.dataset.state = "loading";
  qrLoaded.then((qrcode) => {
    if (target.dataset.link !== link) return; // a newer link is on its way
    const qr = qrcode(0, "M");
    qr.addData(link, "Byte");
    qr.make();
    const n = qr.getModuleCount();
    let d = "";
    for (let r = 0; r < n; r++) for (let c = 0; c < n; c++) if (qr.isDark(r, c)) d += `M${c + 4} ${r + 4}h1v1h-1z`;
    const svg = "http://www.w3.org/2000/svg";
    const back = document.createElementNS(svg, "rect");
    back.setAttribute("width", n + 8);
    back.setAttribute("height", n + 8);
    back.setAttribute("fill", "#fff");
    const path = document.createElementNS(svg, "path");
    path.setAttribute("d", d);
    path.setAttribute("fill", "#000");
    target.setAttribute("viewBox", `0 0 ${n + 8} ${n + 8}`);
    target.replaceChildren(back, path);
    target.dataset.state = "ok";
  }).catch(() => {
    qrLoaded = undefined;
    if (target.dataset.link !== link) return;
    target.replaceChildren();
    target.dataset.state = "failed";
  });
};

// files:start (scripts/single.mjs copies this part into the single-file page, which defines
// its own nnlabFetchText with the text inlined)
// #export-python: the NumPy export's template (src/core/export_python.rs) is fetched only
// when the button is pressed; the button then gets an "nnlab-template" event whose detail is
// the text ("" when it could not be had), which src/web/mod.rs turns into the download.
addEventListener("click", (event) => {
  const button = event.target instanceof Element && event.target.closest("#export-python");
  if (!button) return;
  window.nnlabFetchText("export-python.txt")
    .catch(() => "")
    .then((text) => button.dispatchEvent(new CustomEvent("nnlab-template", { detail: text })));
});
// files:end
window.nnlabFetchText = (name) =>
  fetch(new URL(name, document.baseURI)).then((r) => (r.ok ? r.text() : ""));

// boot-failure:start (scripts/single.mjs copies this part into the single-file page, which
// starts its inline .wasm with initSync and reports a failure the same way)
// Each stage of the start leaves a mark ("nnlab-boot:css", ...), so a page that never leaves
// "Loading…" shows where it stopped (the browser tests print the marks when the app is late).
const bootStage = (stage) => {
  try {
    performance.mark(`nnlab-boot:${stage}`);
  } catch {
    /* marks are diagnostics only */
  }
};

// A start that fails says why in #status, in the page's language (its texts are in
// src/core/text.rs, like every other): the .wasm could not be downloaded, or this browser
// cannot compile it (the .wasm uses WebAssembly's SIMD, which came with Safari 16.4, Chrome
// 91 and Firefox 89, and its reference types, Chrome 96: older iPads stop at Safari 15 or
// 16.3), or, rarely, something else, whose reason follows.
class BootError extends Error {
  constructor(key) {
    super(key);
    this.key = key;
  }
}
function showBootFailure(error, texts) {
  const key = error instanceof BootError ? error.key
    : typeof WebAssembly === "undefined" || error instanceof WebAssembly.CompileError ? "boot-unsupported"
    : "boot-failed";
  // As the app picks it (src/web/mod.rs, page_lang): ?lang= when it names en or zh, else the
  // browser's language.
  const code = (c) => (c || "").trim().toLowerCase().slice(0, 2);
  const given = code(new URLSearchParams(location.search).get("lang"));
  const column = (given === "zh" || given === "en" ? given : code(navigator.language)) === "zh" ? 2 : 1;
  document.documentElement.lang = column === 2 ? "zh-CN" : "en";
  const line = (texts || "").split("\n").find((l) => l.startsWith(`${key}\t`));
  // Without its texts (texts.txt could not be read either) the page says it in both languages.
  let message = line ? line.split("\t")[column]
    : "nnlab could not start in this browser. / nnlab 无法在此浏览器中启动。";
  if (key === "boot-failed") message += ` ${error && error.message ? error.message : error}`;
  document.body.dataset.boot = "failed";
  const status = document.getElementById("status");
  if (status) {
    status.dataset.state = "error";
    status.textContent = message;
  }
  bootStage("failed");
}
// boot-failure:end
bootStage("script");
const tag = document.querySelector("script[data-nnlab-js]");
const jsUrl = new URL(tag.dataset.nnlabJs, document.baseURI).href;
const wasmUrl = new URL(tag.dataset.nnlabWasm, document.baseURI).href;
// This script is async, so it runs as soon as it can, without waiting for the stylesheet or
// the rest of the page; the app starts (instantiation runs its start function) once the DOM
// is complete and the stylesheet applies. index.html's inline starter has usually begun
// compiling the .wasm as its bytes arrive already (nnlabWasm: the pending module, or null
// when that failed); else, or on a host that serves the .wasm without its MIME type (which
// compileStreaming refuses), it is compiled here from the bytes.
const compileBytes = async () => {
  const response = await fetch(wasmUrl).catch(() => null);
  if (!response || !response.ok) throw new BootError("boot-download-failed");
  return WebAssembly.compile(await response.arrayBuffer());
};
const compiled = (window.nnlabWasm || Promise.resolve(null)).then((module) => module || compileBytes());
const bindingsLoaded = import(jsUrl);
// Either may fail before it is awaited below, where its failure is handled: not "uncaught".
compiled.catch(() => {});
bindingsLoaded.catch(() => {});
// The page's texts in both languages (src/core/text.rs), which the app reads as it starts:
// requested by index.html's inline starter (nnlabTextsLoading), else here.
const textsLoaded = window.nnlabTextsLoading ||
  fetch(new URL("texts.txt", document.baseURI)).then((r) => (r.ok ? r.text() : ""), () => "");
if (document.readyState === "loading") {
  await new Promise((resolve) => addEventListener("DOMContentLoaded", resolve, { once: true }));
}
bootStage("dom");
// The app sizes its canvases from the layout, so the stylesheet must be in force too.
for (const link of document.querySelectorAll('link[rel="stylesheet"]')) {
  if (!link.sheet) {
    await new Promise((resolve) => {
      link.addEventListener("load", resolve, { once: true });
      link.addEventListener("error", resolve, { once: true });
    });
  }
}
bootStage("css");
window.nnlabTexts = await textsLoaded;
bootStage("texts");
let started = false;
try {
  if (typeof WebAssembly === "undefined") throw new BootError("boot-unsupported");
  const bindings = await bindingsLoaded.catch(() => {
    throw new BootError("boot-download-failed");
  });
  bootStage("glue");
  const wasmModule = await compiled;
  bootStage("compiled");
  const wasm = await bindings.default({ module_or_path: wasmModule });
  bootStage("started");
  window.wasmBindings = bindings;
  // For diagnostics and scripts/soak.mjs: the wasm instance's memory (its size shows growth).
  window.nnlabWasmMemory = wasm.memory;
  dispatchEvent(new CustomEvent("TrunkApplicationStarted", { detail: { wasm } }));
  started = true;
} catch (error) {
  // A panic while starting has shown its own overlay (the Rust panic hook) already.
  const overlay = document.getElementById("panic-overlay");
  if (!overlay || overlay.hidden) showBootFailure(error, window.nnlabTexts);
}
// The lessons' prose (src/core/lesson.rs), which a first visit rarely needs, so it is not
// part of the first load: fetched once the app runs and handed over by an "nnlab-lessons"
// event ("" when it could not be had). The single-file page sets nnlabLessons instead.
if (started && typeof window.nnlabLessons !== "string") {
  window.nnlabFetchText("lessons.txt")
    .catch(() => "")
    .then((text) => dispatchEvent(new CustomEvent("nnlab-lessons", { detail: text })));
}
