// Smoke test: the built page loads under a sub-path, the wasm start function runs, and
// nothing goes wrong on the way (no console error/warning, no CSP violation, no 404,
// no request leaving the machine).
import { test, openPage, waitForText, waitForApp, screenshot, sleep, assert, SUBPATH, testContext } from "./harness.mjs";

const CONTRACT = ["button#play", "#epoch", "#train-loss", "#test-loss", "canvas#boundary", "canvas#loss-chart", "#status"];

test("page loads under a sub-path and the wasm app starts", async () => {
  const page = await openPage(SUBPATH);
  const epoch = await waitForText(page, "#epoch");
  assert.match(epoch, /^\d+$/, `#epoch should show a number, got ${JSON.stringify(epoch)}`);
  for (const sel of CONTRACT) assert.equal(await page.locator(sel).count(), 1, `missing ${sel}`);

  // The wasm came from under the sub-path with the MIME type streaming compilation needs.
  const wasm = page.responses.filter((r) => r.url.endsWith(".wasm"));
  assert.ok(wasm.length >= 1, "no .wasm was loaded");
  for (const r of wasm) {
    assert.ok(new URL(r.url).pathname.startsWith(SUBPATH), `wasm not under ${SUBPATH}: ${r.url}`);
    assert.equal(r.contentType, "application/wasm");
  }

  // Something was drawn on the boundary canvas.
  const painted = await page.evaluate(() => {
    const c = document.querySelector("canvas#boundary");
    const d = c.getContext("2d").getImageData(0, 0, c.width, c.height).data;
    for (let i = 3; i < d.length; i += 4) if (d[i] !== 0) return true;
    return false;
  });
  assert.ok(painted, "canvas#boundary is blank");

  // Late warnings (e.g. "preloaded but not used within a few seconds") arrive after ~3 s.
  await sleep(3500);
  await screenshot(page, "smoke");
  page.assertClean();
});

// The budget (README): everything the page downloads on a first visit is at most 400 KB
// gzipped, of which the .wasm at most 330 KB. Read from the browser's own resource timing
// (encodedBodySize: the bytes on the wire, gzipped by the test server as static hosts do).
test("a first visit downloads at most 400 KB gzipped, the .wasm at most 330 KB", async () => {
  const page = await openPage(SUBPATH);
  await page.waitForFunction(() => performance.getEntriesByName("nnlab-first-boundary").length > 0);
  const sizes = await page.evaluate(() =>
    [...performance.getEntriesByType("navigation"), ...performance.getEntriesByType("resource")]
      .map((e) => [new URL(e.name).pathname.split("/").pop() || "index.html", e.encodedBodySize]));
  const total = sizes.reduce((sum, [, bytes]) => sum + bytes, 0);
  const wasm = sizes.filter(([file]) => file.endsWith(".wasm"));
  const shown = sizes.map(([file, bytes]) => `${file} ${(bytes / 1024).toFixed(1)} KB`).join(", ");
  assert.equal(wasm.length, 1, shown);
  // Gzipped, not raw: the .wasm is about 780 KB raw.
  assert.ok(wasm[0][1] > 100 * 1024 && wasm[0][1] <= 330 * 1024, `.wasm: ${shown}`);
  assert.ok(total <= 400 * 1024, `${(total / 1024).toFixed(1)} KB in all: ${shown}`);
  // The first visit needs no QR encoder (it loads when the share dialog opens).
  assert.ok(!sizes.some(([file]) => file === "qrcode.js"), shown);
});

// A host that sends the .wasm without its MIME type: streaming compilation refuses it, and
// boot.js compiles it from its bytes instead, quietly.
test("a .wasm served as application/octet-stream still starts the app", async () => {
  let served = 0;
  await testContext().route(/\.wasm$/, async (route) => {
    const response = await route.fetch();
    served++;
    await route.fulfill({ response, headers: { ...response.headers(), "content-type": "application/octet-stream" } });
  });
  const page = await openPage(SUBPATH);
  await waitForApp(page);
  await page.click("#step");
  await page.waitForFunction(() => document.querySelector("#epoch").textContent === "1");
  assert.equal(served, 2, "the inline starter's streaming compile, then boot.js's from the bytes");
  page.assertClean();
});

// What an old iPad sees (Safari 15 to 16.3 has WebAssembly but not its SIMD, which the .wasm
// uses; Chrome before 96 lacks its reference types): Chromium is made to refuse the .wasm
// the way such a browser does.
test("a browser that cannot compile the .wasm (WebAssembly too old) is told so, in English and Chinese", async () => {
  await testContext().addInitScript(() => {
    const refuse = () => Promise.reject(new WebAssembly.CompileError("WebAssembly.Module doesn't parse: invalid opcode 0xfd"));
    WebAssembly.compileStreaming = refuse;
    WebAssembly.compile = refuse;
  });
  const expected = {
    en: "This browser cannot run nnlab: its WebAssembly is too old. nnlab needs Safari 16.4, Chrome or Edge 96, Firefox 89 or newer. Update the browser, or open the page in another one.",
    zh: "此浏览器无法运行 nnlab：它的 WebAssembly 太旧。nnlab 需要 Safari 16.4、Chrome 或 Edge 96、Firefox 89 或更新的版本。请更新浏览器，或换一个浏览器打开本页。",
  };
  for (const lang of ["en", "zh"]) {
    const page = await openPage(`${SUBPATH}?lang=${lang}`);
    await page.waitForSelector('#status[data-state="error"]', { timeout: 10000 });
    assert.equal((await page.textContent("#status")).trim(), expected[lang]);
    assert.ok(await page.evaluate(() => performance.getEntriesByName("nnlab-boot:failed").length === 1));
    assert.equal(await page.isVisible("#panic-overlay"), false, "not a panic");
    // Nothing to press that would do nothing: only the name and the reason are shown.
    assert.equal(await page.isVisible("#play"), false);
    assert.equal(await page.isVisible("main.board"), false);
    assert.equal(await page.isVisible(".topbar h1"), true);
    if (lang === "zh") await screenshot(page, "boot-unsupported-zh");
    page.assertClean();
  }
});

test("a .wasm that cannot be downloaded is said, and no panic or uncaught error follows", async () => {
  await testContext().route(/\.wasm$/, (route) => route.fulfill({ status: 404, body: "not here" }));
  const page = await openPage(SUBPATH);
  await page.waitForSelector('#status[data-state="error"]', { timeout: 10000 });
  assert.equal((await page.textContent("#status")).trim(),
    "The page's program (its .js and .wasm files, beside the page) could not be downloaded. Check the connection and reload the page.");
  assert.equal(await page.isVisible("#panic-overlay"), false);
  // The two 404s (the inline starter's request and boot.js's) are the browser's own report.
  page.assertClean({ ignore: [/HTTP 404: GET .*\.wasm$/, /Failed to load resource.*404/] });
});
