// Makes dist/nnlab.html: the whole app in one file (styles, the wasm-bindgen glue and the
// .wasm as base64 inlined) that opens by double-click from a USB stick (file://, no server).
// Run after Trunk has built dist/ (scripts/build.sh does). The page's Content-Security-Policy
// stays strict: the inline script and style are allowed by their SHA-256 hashes only.
import fs from "node:fs";
import path from "node:path";
import crypto from "node:crypto";
import { fileURLToPath } from "node:url";

const dist = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "dist");
let html = fs.readFileSync(path.join(dist, "index.html"), "utf8");

const cssLink = html.match(/<link rel="stylesheet" href="\.\/([^"]+\.css)"[^>]*>/);
const boot = html.match(/<script type="module" async src="\.\/boot\.js" data-nnlab-js="\.\/([^"]+\.js)" data-nnlab-wasm="\.\/([^"]+\.wasm)"><\/script>/);
if (!cssLink || !boot) {
  console.error("single: dist/index.html does not have the expected stylesheet and boot script tags");
  process.exit(1);
}
const css = fs.readFileSync(path.join(dist, cssLink[1]), "utf8");
const glue = fs.readFileSync(path.join(dist, boot[1]), "utf8");
const wasm = fs.readFileSync(path.join(dist, boot[2]));
// The panic overlay's wiring (plain JS that must work after a panic) comes from boot.js.
const overlay = fs.readFileSync(path.join(dist, "boot.js"), "utf8").match(/\/\/ panic-overlay:start[\s\S]*?\/\/ panic-overlay:end/);
if (!overlay) {
  console.error("single: boot.js has no panic-overlay:start/end part");
  process.exit(1);
}

// The glue is an ES module (its `export`s are harmless in an inline module). Instantiating
// synchronously from bytes runs the app's start function, as the served page's loader does.
// The NumPy export's click handler comes from boot.js too; its template, which the served
// page fetches beside it, is inlined.
const files = fs.readFileSync(path.join(dist, "boot.js"), "utf8").match(/\/\/ files:start[\s\S]*?\/\/ files:end/);
if (!files) {
  console.error("single: boot.js has no files:start/end part");
  process.exit(1);
}
// Saying why the app could not start (an old browser without WebAssembly's SIMD) too.
const bootFailure = fs.readFileSync(path.join(dist, "boot.js"), "utf8").match(/\/\/ boot-failure:start[\s\S]*?\/\/ boot-failure:end/);
if (!bootFailure) {
  console.error("single: boot.js has no boot-failure:start/end part");
  process.exit(1);
}
const texts = fs.readFileSync(path.join(dist, "texts.txt"), "utf8");
const lessons = fs.readFileSync(path.join(dist, "lessons.txt"), "utf8");
const pythonTemplate = fs.readFileSync(path.join(dist, "export-python.txt"), "utf8");
const script = `${overlay[0]}
${bootFailure[0]}
window.nnlabTexts = ${JSON.stringify(texts)};
window.nnlabLessons = ${JSON.stringify(lessons).replace(/</g, "\\u003c")};
${files[0]}
window.nnlabFetchText = async (name) => (name === "export-python.txt" ? ${JSON.stringify(pythonTemplate).replace(/</g, "\\u003c")} : "");
${glue}
const nnlabWasm = Uint8Array.from(atob("${wasm.toString("base64")}"), (c) => c.charCodeAt(0));
try {
  window.nnlabWasmMemory = initSync({ module: nnlabWasm }).memory;
} catch (error) {
  // A panic while starting has shown its own overlay (the Rust panic hook) already.
  const overlay = document.getElementById("panic-overlay");
  if (!overlay || overlay.hidden) showBootFailure(error, window.nnlabTexts);
}
`;
const hash = (text) => `'sha256-${crypto.createHash("sha256").update(text, "utf8").digest("base64")}'`;

html = html
  .replace(cssLink[0], () => `<style>${css}</style>`)
  .replace(boot[0], () => `<script type="module">${script}</script>`)
  .replace(/<link rel="modulepreload"[^>]*>/g, "")
  // The served page's early .wasm request: the single file carries its .wasm inline.
  .replace(/<script id="nnlab-wasm-start">[^<]*<\/script>/, "")
  .replace(/ 'sha256-[^']+'(?= 'wasm-unsafe-eval')/, "")
  .replace(/<link rel="preload"[^>]*>/g, "")
  .replace(/script-src 'self'/, () => `script-src ${hash(script)}`)
  .replace(/style-src 'self'/, () => `style-src ${hash(css)}`);
if (!html.includes(hash(script)) || !html.includes(hash(css))) {
  console.error("single: could not put the hashes into the Content-Security-Policy");
  process.exit(1);
}
const out = path.join(dist, "nnlab.html");
fs.writeFileSync(out, html);
console.log(`single: ${out} is ${fs.statSync(out).size} bytes`);
