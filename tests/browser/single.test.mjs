// dist/nnlab.html: the whole app in one file, opened from file:// with no server, trains.
import path from "node:path";
import fs from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";
import { test, testContext, waitForApp, value, waitForValue, assert, downloadBytes } from "./harness.mjs";

const single = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..", "dist", "nnlab.html");

test("the single-file nnlab.html opens from file:// and trains, fetching nothing", async () => {
  assert.ok(fs.existsSync(single), "scripts/build.sh makes dist/nnlab.html");
  // A context of its own: the harness's pages block every request that is not to the test
  // server, and a file:// page is exactly that.
  const context = await testContext().browser().newContext();
  const page = await context.newPage();
  const problems = [];
  page.on("console", (m) => ["error", "warning"].includes(m.type()) && problems.push(m.text()));
  page.on("pageerror", (e) => problems.push(String(e)));
  const requests = [];
  page.on("request", (r) => requests.push(r.url()));
  const url = pathToFileURL(single).href;
  await page.goto(url);
  await waitForApp(page);
  assert.equal(await value(page, "#epoch"), 0);
  const before = await value(page, "#train-loss");
  await page.click("#play");
  await waitForValue(page, "#epoch", ">=", 60, { timeout: 30000 });
  await page.click("#play");
  assert.ok((await value(page, "#train-loss")) < before, "the loss fell");
  // The NumPy export's template is inlined too.
  await page.click("details.more > summary");
  const { name, bytes } = await downloadBytes(page, () => page.click("#export-python"));
  assert.equal(name, "nnlab-run.py");
  assert.match(bytes.toString("utf8"), /^#!\/usr\/bin\/env python3\n# nnlab-run\.py/);
  // Everything came from the one file: no request but the page itself.
  assert.deepEqual(requests.filter((r) => r !== url && !r.startsWith("data:") && !r.startsWith("blob:")), []);
  const csp = await page.$eval('meta[http-equiv="Content-Security-Policy"]', (m) => m.content);
  assert.match(csp, /script-src 'sha256-[A-Za-z0-9+/=]+' 'wasm-unsafe-eval'/, "only the inline script's hash may run");
  assert.deepEqual(problems, []);
  await context.close();
});

test("the single file in a browser whose WebAssembly is too old says so in Chinese, with no uncaught error", async () => {
  const context = await testContext().browser().newContext({ locale: "zh-CN" });
  // The single file compiles its inline .wasm synchronously (initSync): refused as an old
  // Safari refuses SIMD.
  await context.addInitScript(() => {
    WebAssembly.Module = function Module() {
      throw new WebAssembly.CompileError("WebAssembly.Module doesn't parse: invalid opcode 0xfd");
    };
  });
  const page = await context.newPage();
  const problems = [];
  page.on("console", (m) => ["error", "warning"].includes(m.type()) && problems.push(m.text()));
  page.on("pageerror", (e) => problems.push(String(e)));
  await page.goto(pathToFileURL(single).href);
  await page.waitForSelector('#status[data-state="error"]', { timeout: 10000 });
  // No ?lang= in a file:// link: the browser's language decides.
  assert.match(await page.textContent("#status"), /^此浏览器无法运行 nnlab：它的 WebAssembly 太旧。/);
  assert.equal(await page.isVisible("#play"), false);
  assert.deepEqual(problems, []);
  await context.close();
});
