// Soak run: the page at top speed (100 epochs per frame) with the largest network for N
// minutes in headless Chromium, reporting the wasm memory and the JS heap at the start and
// the end, the epochs trained and how fast the page still answers. Not part of the tests.
//   node scripts/soak.mjs [minutes=10] [query]    (serves dist/ itself; run scripts/build.sh first)
import path from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { startServer } from "../tests/browser/server.mjs";

const minutes = Number(process.argv[2] || 10);
const query = process.argv[3] || "dataset=spiral&hidden=8,8,8,8,8,8&activation=tanh";
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const server = await startServer({ root: path.join(root, "dist"), host: "127.0.0.1", port: 0 });
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM || "/usr/bin/chromium", args: ["--no-sandbox"] });
const page = await browser.newPage({ viewport: { width: 1366, height: 900 } });
const problems = [];
page.on("console", (m) => m.type() === "error" && problems.push(m.text()));
page.on("pageerror", (e) => problems.push(String(e)));
await page.goto(server.url(`/?${query}`));
await page.waitForFunction(() => window.nnlabWasmMemory && document.querySelector("#status").textContent !== "Loading…");
const cdp = await page.context().newCDPSession(page);
await cdp.send("HeapProfiler.enable");
async function sample() {
  await cdp.send("HeapProfiler.collectGarbage");
  const heap = await cdp.send("Runtime.getHeapUsage");
  const t0 = Date.now();
  const state = await page.evaluate(() => ({
    epoch: Number(document.querySelector("#epoch").dataset.value),
    wasm_bytes: window.nnlabWasmMemory.buffer.byteLength,
    status: document.querySelector("#status").dataset.state,
  }));
  return { ...state, js_heap_bytes: heap.usedSize, answer_ms: Date.now() - t0, at_s: Math.round((Date.now() - started) / 1000) };
}
await page.selectOption("#speed", "100");
await page.click("#play");
const started = Date.now();
await page.waitForTimeout(10000);
const samples = [await sample()];
while (Date.now() - started < minutes * 60000) {
  await page.waitForTimeout(Math.min(60000, minutes * 60000 - (Date.now() - started) + 100));
  samples.push(await sample());
  console.error(JSON.stringify(samples.at(-1)));
}
const [first, last] = [samples[0], samples.at(-1)];
console.log(JSON.stringify({
  minutes, query, start: first, end: last,
  wasm_growth_bytes: last.wasm_bytes - first.wasm_bytes,
  js_heap_growth_bytes: last.js_heap_bytes - first.js_heap_bytes,
  epochs_per_s: (last.epoch - first.epoch) / ((last.at_s - first.at_s) || 1),
  max_answer_ms: Math.max(...samples.map((s) => s.answer_ms)),
  problems,
}, null, 2));
await browser.close();
await server.close();
