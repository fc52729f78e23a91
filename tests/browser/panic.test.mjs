// The panic overlay: `?panic-test=1` (a test hook) panics on the first animation frame; the
// overlay shows the details in the page's language, copies them, and reloads from the URL.
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { test, openPage, testContext, url, SUBPATH, waitForApp, assert } from "./harness.mjs";

// The panic's own console error and the trap that ends the wasm instance.
const PANIC = [/panic-test: deliberate panic/, /unreachable/i];

async function panicked(page) {
  await page.waitForSelector("#panic-overlay:not([hidden])", { timeout: 15000 });
  return page.$eval("#panic-details", (p) => p.textContent);
}

test("a panic shows the overlay; copy and reload work without the wasm", async () => {
  await testContext().grantPermissions(["clipboard-read", "clipboard-write"], { origin: new URL(url()).origin });
  const page = await openPage(`${SUBPATH}?panic-test=1&dataset=circle`);
  const details = await panicked(page);
  assert.match(details, /panic-test: deliberate panic on the first animation frame/);
  assert.match(details, /src\/web\/mod\.rs:\d+/, "the details hold the location");
  assert.equal(await page.getAttribute("#panic-overlay", "role"), "alertdialog");
  assert.match(await page.textContent("#panic-title"), /went wrong inside nnlab/);
  assert.match(await page.textContent("#panic-message"), /address bar/);

  await page.click("#panic-copy");
  await page.waitForFunction(() => document.querySelector("#panic-copied").textContent !== "");
  const clip = await page.evaluate(() => navigator.clipboard.readText());
  assert.ok(clip.includes("deliberate panic"), clip);
  assert.ok(clip.includes(page.url()), "the copy holds the page URL");
  assert.match(clip, /User agent: .*Chrom/);

  // Reload continues from the URL (here without the test hook, so it does not panic again).
  await page.evaluate(() => history.replaceState(null, "", location.href.replace(/panic-test=1&?/, "")));
  await Promise.all([page.waitForEvent("load"), page.click("#panic-reload")]);
  await waitForApp(page);
  assert.equal(await page.$eval("#dataset", (s) => s.value), "circle");
  assert.ok(await page.$eval("#panic-overlay", (o) => o.hidden), "no overlay after the reload");
  page.assertClean({ ignore: PANIC });
});

test("the panic overlay speaks Chinese on a Chinese page; a refused clipboard selects the details", async () => {
  const page = await openPage(`${SUBPATH}?panic-test=1&lang=zh`);
  await panicked(page);
  assert.match(await page.textContent("#panic-title"), /nnlab 内部出错了/);
  assert.match(await page.textContent("#panic-message"), /地址栏/);
  assert.equal(await page.textContent("#panic-reload"), "重新加载");
  // No clipboard permission here: the details get selected instead.
  await page.evaluate(() => { navigator.clipboard.writeText = () => Promise.reject(new Error("refused")); });
  await page.click("#panic-copy");
  await page.waitForFunction(() => getSelection().toString().includes("deliberate panic"));
  page.assertClean({ ignore: PANIC });
});

test("the single-file page shows the panic overlay and its buttons work", async () => {
  const single = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..", "dist", "nnlab.html");
  const context = await testContext().browser().newContext();
  const page = await context.newPage();
  const problems = [];
  page.on("console", (m) => ["error", "warning"].includes(m.type()) && problems.push(m.text()));
  page.on("pageerror", (e) => problems.push(String(e)));
  await page.goto(`${pathToFileURL(single).href}?dataset=circle&panic-test=1`);
  await panicked(page);
  await page.evaluate(() => { navigator.clipboard.writeText = () => Promise.reject(new Error("refused")); });
  await page.click("#panic-copy");
  await page.waitForFunction(() => getSelection().toString().includes("deliberate panic"));
  await page.evaluate(() => history.replaceState(null, "", location.href.replace(/&panic-test=1/, "")));
  assert.doesNotMatch(page.url(), /panic-test/);
  await Promise.all([page.waitForEvent("load"), page.click("#panic-reload")]);
  await waitForApp(page);
  assert.equal(await page.$eval("#dataset", (s) => s.value), "circle");
  assert.deepEqual(problems.filter((p) => !PANIC.some((r) => r.test(p))), []);
  await context.close();
});
