// Tiny browser-test harness for nnlab. Run everything with `node tests/browser/run.mjs`
// (or `make test`); the runner serves dist/, starts headless Chromium and imports every
// tests/browser/*.test.mjs file. Run a subset: `node tests/browser/run.mjs smoke loss`
// (keeps files/tests whose name contains any of the words).
//
// API (import from "./harness.mjs"):
//
//   test(name, async () => { ... }, { timeout = 60000, engines } = {})
//       Registers a test. Tests run one after another, each in a fresh browser context
//       (fresh storage). A test fails if it throws/rejects or exceeds its timeout.
//       Without `engines` the test runs in Chromium with the Playwright API below. With
//       `engines` (some of "chromium", "firefox", "webkit") it runs once per engine, and
//       its body gets `{ engine, open }`: `await open(path, { viewport })` opens an
//       EnginePage of that engine (engines.mjs: the same small API in every engine).
//
//   SUBPATH                 "/sub/nnlab/": dist/ is served here AND at "/" (sub-path hosting).
//   url(path = SUBPATH)     absolute URL on the test server, e.g. url("/sub/nnlab/?seed=3").
//
//   await openPage(path = SUBPATH, { viewport, waitUntil = "load" } = {})
//       Opens a new Playwright Page (https://playwright.dev/docs/api/class-page) in the
//       test's context and goes to `path`. From before navigation it records:
//         console errors and warnings, uncaught page errors, failed requests, HTTP >= 400
//         responses, and any request to a non-loopback host (those are also blocked).
//       The page gets extra members:
//         page.problems            array of strings, one per recorded problem
//         page.responses           [{ url, status, contentType }] of every response
//         page.assertClean({ ignore = [] })   throws listing all problems, except those
//                                  matching one of the `ignore` RegExps
//
//   assertClean(page, opts)     same as page.assertClean(opts)
//   await waitForText(page, selector, { timeout = 15000 })
//       waits until the element has non-empty text, returns that text (trimmed)
//   await screenshot(page, name)
//       saves tests/artifacts/<name>.png (git-ignored) and returns its path. The runner
//       also saves a screenshot of every open page of a failed test (FAILED-<test>-<n>.png).
//   assert                      node:assert/strict, re-exported for convenience
//   sleep(ms)
//
// Helpers for the playground tests (appended; see the end of this file):
//   await value(page, selector)   Number(data-value) of the element, or null when it has none
//   await waitForValue(page, selector, op, target, { timeout = 15000 } = {})
//       waits until `data-value <op> target` (op: ">=", ">", "<=", "<", "==", "!="); returns it
//   await sampleWhile(page, selector, ms, { every = 50 } = {})
//       reads data-value every `every` ms for `ms` ms; returns the array of readings
//   await setText(page, selector, text)   fills a text field and presses Enter (fires change)
//   await blurAll(page)           moves the focus to <body> (so page-level keys are handled)
//   await snapCanvas(page, selector, name)
//       keeps a copy of the canvas's pixels in the page under `name`; returns
//       { width, height, transparent, black } (counts of fully transparent / pure black pixels)
//   await diffCanvas(page, selector, name, { tolerance = 24 } = {})
//       number of pixels that differ (any channel by more than `tolerance`) from snapshot `name`
//   await pixelAt(page, selector, cssX, cssY)   [r, g, b, a] under a CSS offset in the canvas
//   testContext()                 the running test's Playwright BrowserContext (e.g. to grant
//                                 permissions: testContext().grantPermissions([...], { origin }))
//   await openFreshPage(path, opts)   like openPage, but in a brand-new browser context
//                                 (nothing shared with the test's other pages); closed when
//                                 the next test opens one, or by the runner at exit.
//                                 `opts.context` goes to browser.newContext(), e.g. a phone:
//                                 { hasTouch: true, isMobile: true, deviceScaleFactor: 3 }
//   await waitForApp(page)        waits until the wasm app has started (#status no longer says
//                                 "Loading…"; #epoch already shows "0" in the static HTML)
//   await downloadBytes(page, action)   runs `action()` (e.g. () => page.click("#save-model")),
//       waits for the download it starts and returns { name, bytes } (bytes: Buffer)
//
// Example:
//   import { test, openPage, waitForText, screenshot, assert } from "./harness.mjs";
//   test("epoch advances", async () => {
//     const page = await openPage();
//     await page.click("#play");
//     await page.waitForFunction(() => Number(document.querySelector("#epoch").textContent) > 5);
//     await screenshot(page, "training");
//     page.assertClean();
//   });
import fs from "node:fs";
import path from "node:path";
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";

export { assert };
export const SUBPATH = "/sub/nnlab/";
export const ARTIFACTS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "artifacts");

const registry = [];
let current = null; // { context, origin, pages, file }

export function test(name, fn, { timeout = 60000, engines = null } = {}) {
  if (!engines) {
    registry.push({ name, fn, timeout, file: currentFile });
    return;
  }
  // One run per engine, named "[engine] name", so a filter word can pick an engine.
  for (const engine of engines) registry.push({ name: `[${engine}] ${name}`, fn, timeout, file: currentFile, engine });
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function need() {
  if (!current) throw new Error("openPage()/url() can only be used inside a running test");
  return current;
}

export function url(p = SUBPATH) {
  return need().origin + p;
}

export function isLoopback(u) {
  let parsed;
  try {
    parsed = new URL(u);
  } catch {
    return false;
  }
  if (["data:", "blob:", "about:"].includes(parsed.protocol)) return true;
  return ["127.0.0.1", "localhost", "[::1]"].includes(parsed.hostname);
}

export async function openPage(p = SUBPATH, { viewport = { width: 1200, height: 900 }, waitUntil = "load" } = {}) {
  const cur = need();
  const page = await cur.context.newPage();
  await page.setViewportSize(viewport);
  cur.pages.push(page);
  const problems = [];
  page.problems = problems;
  page.on("console", (msg) => {
    const type = msg.type();
    if (type === "error" || type === "warning") {
      const loc = msg.location();
      const where = loc && loc.url ? ` (${loc.url}:${loc.lineNumber})` : "";
      problems.push(`console.${type}: ${msg.text()}${where}`);
    }
  });
  page.on("pageerror", (err) => problems.push(`page error: ${err.stack || err.message || err}`));
  // A request that a navigation cancelled (a test's goto or reload while the page was still
  // fetching, say lessons.txt) is not the page's problem. Navigations are counted when a test
  // starts one (before the old page's requests are cancelled) and when the frame navigates.
  let navigations = 0;
  const startedAt = new WeakMap();
  for (const name of ["goto", "reload", "goBack", "goForward"]) {
    const navigate = page[name].bind(page);
    page[name] = (...args) => {
      navigations++;
      return navigate(...args);
    };
  }
  page.on("framenavigated", (frame) => {
    if (frame === page.mainFrame()) navigations++;
  });
  page.on("request", (req) => startedAt.set(req, navigations));
  page.on("requestfailed", (req) => {
    const error = req.failure()?.errorText;
    if (error === "net::ERR_ABORTED" && startedAt.get(req) !== navigations) return;
    problems.push(`request failed: ${req.method()} ${req.url()} (${error})`);
  });
  page.responses = [];
  page.on("response", (res) => {
    page.responses.push({ url: res.url(), status: res.status(), contentType: res.headers()["content-type"] || "" });
    if (res.status() >= 400) problems.push(`HTTP ${res.status()}: ${res.request().method()} ${res.url()}`);
  });
  page.on("request", (req) => {
    if (!isLoopback(req.url())) problems.push(`non-loopback request: ${req.method()} ${req.url()}`);
  });
  page.assertClean = (opts) => assertClean(page, opts);
  await page.goto(cur.origin + p, { waitUntil });
  return page;
}

export function assertClean(page, { ignore = [] } = {}) {
  const left = page.problems.filter((pr) => !ignore.some((re) => re.test(pr)));
  if (left.length) {
    throw new Error(`page is not clean (${left.length} problem(s)):\n  - ${left.join("\n  - ")}`);
  }
}

export async function waitForText(page, selector, { timeout = 15000 } = {}) {
  const handle = await page.waitForFunction(
    (sel) => {
      const el = document.querySelector(sel);
      const t = el && el.textContent.trim();
      return t ? t : false;
    },
    selector,
    { timeout },
  );
  return handle.jsonValue();
}

const safe = (s) => s.replace(/[^A-Za-z0-9._-]+/g, "_").slice(0, 100);

export async function screenshot(page, name) {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  const file = path.join(ARTIFACTS, `${safe(name)}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

// ---- used by run.mjs only ------------------------------------------------------------

let currentFile = null;

export async function loadTestFile(file) {
  currentFile = path.basename(file);
  await import(new URL(`file://${path.resolve(file)}`).href);
  currentFile = null;
}

/** Runs the registered tests; returns { passed, failed }. */
export async function runAll({ browser, origin, filters = [] }) {
  const selected = registry.filter(
    (t) => filters.length === 0 || filters.some((f) => t.name.includes(f) || t.file.includes(f)),
  );
  let passed = 0;
  let failed = 0;
  for (const t of selected) {
    if (t.engine) {
      (await runEngineTest(t, origin)) ? passed++ : failed++;
      continue;
    }
    const context = await browser.newContext();
    // Block (and, through openPage's listeners, report) anything leaving the machine.
    await context.route((u) => !isLoopback(u.href), (route) => route.abort("blockedbyclient"));
    current = { context, origin, pages: [] };
    const started = Date.now();
    let timer;
    try {
      await Promise.race([
        t.fn(),
        new Promise((_, rej) => {
          timer = setTimeout(() => rej(new Error(`timed out after ${t.timeout} ms`)), t.timeout);
        }),
      ]);
      passed++;
      console.log(`  ok    ${t.file} › ${t.name} (${Date.now() - started} ms)`);
    } catch (err) {
      failed++;
      console.log(`  FAIL  ${t.file} › ${t.name} (${Date.now() - started} ms)`);
      console.log(String(err && err.stack ? err.stack : err).replace(/^/gm, "        "));
      for (const [i, page] of current.pages.entries()) {
        try {
          const f = await screenshot(page, `FAILED-${t.name}-${i}`);
          console.log(`        screenshot: ${path.relative(process.cwd(), f)}`);
          if (page.problems.length) console.log(`        page problems:\n          - ${page.problems.join("\n          - ")}`);
        } catch {
          /* page may be closed */
        }
      }
    } finally {
      clearTimeout(timer);
      current = null;
      await context.close().catch(() => {});
    }
  }
  return { passed, failed, selected: selected.length };
}

/** A page problem that is a wasm fault: a trap (a RuntimeError, its wasm frames) or a panic. */
export const WASM_FAULT = /RuntimeError|panicked at|wasm-function\[/;

/** A wasm fault in a WebKit page, as its first lines, or null. WebKitGTK 2.50's JIT three
 *  times handed the boundary's colour lookup (`DivergingScale::colour`, whose table always
 *  holds 256 entries) a bad reference at the first frames of training in clean CI runs: once
 *  read as an empty table (a panic), twice outside the memory (a trap, "RuntimeError: Out of
 *  bounds memory access"). The same .wasm runs the
 *  same tests in Chromium and Firefox without it, a debug build with every unchecked access
 *  checked ran the scenario 150 times in WebKit without an assertion, and WebKit has since
 *  fixed faults of its loop OSR entry (WebKit pull requests 51792, 52960): an engine fault,
 *  so such a test is run once more, saying so (docs/development.md). */
async function webkitWasmFault(pages) {
  for (const page of pages) {
    const problems = await Promise.race([page.collectProblems().catch(() => []), sleep(5000).then(() => [])]);
    const fault = problems.find((p) => WASM_FAULT.test(p));
    if (fault) return fault.split("\n").slice(0, 3).join(" | ");
  }
  return null;
}

/** Runs a test registered with `engines` in one engine; true when it passed. Run once more,
 *  saying so and why, is a test whose browser session stopped answering altogether (no
 *  script, no screenshot: WebKit's web process under a loaded machine, seen once in a clean
 *  CI run), or whose page never started the app (#status stayed "Loading…" for 20 s: the
 *  first WebKit page of a clean CI run, once, against some 450 loads without it here; the
 *  RETRY line carries the page's account of how far its start got), or whose WebKit page's
 *  compiled wasm faulted ([webkitWasmFault]). A failed assertion in a live page without
 *  such a fault is never retried. */
async function runEngineTest(t, origin, attempt = 1) {
  const { engine } = await import("./engines.mjs");
  const pages = [];
  const open = async (p = SUBPATH, opts = {}) => {
    const browser = await engine(t.engine);
    const page = await browser.newPage(origin, opts);
    pages.push(page);
    await page.goto(p);
    return page;
  };
  current = { context: null, origin, pages: [] };
  const started = Date.now();
  let timer;
  try {
    await Promise.race([
      t.fn({ engine: t.engine, open }),
      new Promise((_, rej) => {
        timer = setTimeout(() => rej(new Error(`timed out after ${t.timeout} ms`)), t.timeout);
      }),
    ]);
    console.log(`  ok    ${t.file} › ${t.name} (${Date.now() - started} ms)`);
    return true;
  } catch (err) {
    const alive = await Promise.all(pages.map((page) => Promise.race([
      page.evaluate(() => true).catch(() => false),
      sleep(5000).then(() => false),
    ])));
    const message = String(err && err.message);
    const notStarted = message.includes("the app did not start within");
    const fault = t.engine === "webkit" ? await webkitWasmFault(pages) : null;
    if (attempt === 1 && (notStarted || fault || alive.some((a) => !a))) {
      const why = notStarted ? "the app did not start"
        : fault ? `WebKit's compiled wasm faulted (${fault})`
        : `the ${t.engine} session stopped answering`;
      console.log(`  RETRY ${t.file} › ${t.name}: ${why} (${message.split("\n")[0]})`);
      for (const page of pages) await Promise.race([page.close().catch(() => {}), sleep(5000)]);
      pages.length = 0;
      clearTimeout(timer);
      return await runEngineTest(t, origin, 2);
    }
    console.log(`  FAIL  ${t.file} › ${t.name} (${Date.now() - started} ms)`);
    console.log(String(err && err.stack ? err.stack : err).replace(/^/gm, "        "));
    for (const [i, page] of pages.entries()) {
      try {
        const f = await page.screenshot(`FAILED-${t.name}-${i}`);
        console.log(`        screenshot: ${path.relative(process.cwd(), f)}`);
        const problems = await page.collectProblems();
        if (problems.length) console.log(`        page problems:\n          - ${problems.join("\n          - ")}`);
      } catch {
        /* page may be closed */
      }
    }
    return false;
  } finally {
    clearTimeout(timer);
    current = null;
    for (const page of pages) await page.close().catch(() => {});
  }
}

// ---- helpers for the playground tests ------------------------------------------------

export async function value(page, selector) {
  return page.evaluate((s) => {
    const el = document.querySelector(s);
    const v = el && el.getAttribute("data-value");
    return v === null || v === undefined ? null : Number(v);
  }, selector);
}

export async function waitForValue(page, selector, op, target, { timeout = 15000 } = {}) {
  const handle = await page.waitForFunction(
    ([s, o, t]) => {
      const el = document.querySelector(s);
      const raw = el && el.getAttribute("data-value");
      if (raw === null || raw === undefined) return false;
      const v = Number(raw);
      const ok = { ">=": v >= t, ">": v > t, "<=": v <= t, "<": v < t, "==": v === t, "!=": v !== t }[o];
      return ok ? { v } : false;
    },
    [selector, op, target],
    { timeout, polling: 20 },
  ).catch(async (e) => {
    const now = await value(page, selector).catch(() => "?");
    throw new Error(`waitForValue(${selector} ${op} ${target}): ${e.message.split("\n")[0]}; last value ${now}`);
  });
  return (await handle.jsonValue()).v;
}

export async function sampleWhile(page, selector, ms, { every = 50 } = {}) {
  const out = [];
  const end = Date.now() + ms;
  while (Date.now() < end) {
    out.push(await value(page, selector));
    await sleep(every);
  }
  return out;
}

export async function setText(page, selector, text) {
  await page.fill(selector, text);
  await page.press(selector, "Enter");
}

export async function blurAll(page) {
  await page.evaluate(() => {
    if (document.activeElement && document.activeElement !== document.body) document.activeElement.blur();
  });
}


// Pixels are read from a fresh copy of the canvas (a new canvas each time), which keeps
// Chrome from warning about repeated getImageData readbacks on the page's own canvas.

export async function snapCanvas(page, selector, name) {
  return page.evaluate(([s, n]) => {
    const c = document.querySelector(s);
    const copy = document.createElement("canvas");
    copy.width = c.width;
    copy.height = c.height;
    const ctx = copy.getContext("2d", { willReadFrequently: true });
    ctx.drawImage(c, 0, 0);
    const d = ctx.getImageData(0, 0, c.width, c.height).data;
    (window.__snaps ||= {})[n] = new Uint8ClampedArray(d);
    let transparent = 0, black = 0;
    for (let i = 0; i < d.length; i += 4) {
      if (d[i + 3] === 0) transparent++;
      else if (d[i] === 0 && d[i + 1] === 0 && d[i + 2] === 0) black++;
    }
    return { width: c.width, height: c.height, transparent, black };
  }, [selector, name]);
}

export async function diffCanvas(page, selector, name, { tolerance = 24 } = {}) {
  return page.evaluate(([s, n, tol]) => {
    const c = document.querySelector(s);
    const copy = document.createElement("canvas");
    copy.width = c.width;
    copy.height = c.height;
    const ctx = copy.getContext("2d", { willReadFrequently: true });
    ctx.drawImage(c, 0, 0);
    const d = ctx.getImageData(0, 0, c.width, c.height).data;
    const old = window.__snaps && window.__snaps[n];
    if (!old || old.length !== d.length) return d.length / 4;
    let diff = 0;
    for (let i = 0; i < d.length; i += 4) {
      if (Math.abs(d[i] - old[i]) > tol || Math.abs(d[i + 1] - old[i + 1]) > tol ||
          Math.abs(d[i + 2] - old[i + 2]) > tol || Math.abs(d[i + 3] - old[i + 3]) > tol) diff++;
    }
    return diff;
  }, [selector, name, tolerance]);
}

export async function pixelAt(page, selector, cssX, cssY) {
  return page.evaluate(([s, x, y]) => {
    const c = document.querySelector(s);
    const r = c.getBoundingClientRect();
    const px = Math.floor((x * c.width) / r.width);
    const py = Math.floor((y * c.height) / r.height);
    const copy = document.createElement("canvas");
    copy.width = c.width;
    copy.height = c.height;
    const ctx = copy.getContext("2d", { willReadFrequently: true });
    ctx.drawImage(c, 0, 0);
    return [...ctx.getImageData(px, py, 1, 1).data];
  }, [selector, cssX, cssY]);
}

export function testContext() {
  return need().context;
}

const freshContexts = [];

export async function openFreshPage(p = SUBPATH, opts = {}) {
  const cur = need();
  while (freshContexts.length) await freshContexts.pop().close().catch(() => {});
  const context = await cur.context.browser().newContext({ viewport: opts.viewport, ...opts.context });
  freshContexts.push(context);
  await context.route((u) => !isLoopback(u.href), (route) => route.abort("blockedbyclient"));
  const saved = cur.context;
  cur.context = context;
  try {
    return await openPage(p, opts);
  } finally {
    cur.context = saved;
  }
}

export async function downloadBytes(page, action) {
  const [download] = await Promise.all([page.waitForEvent("download", { timeout: 10000 }), action()]);
  const stream = await download.createReadStream();
  const chunks = [];
  for await (const chunk of stream) chunks.push(chunk);
  return { name: download.suggestedFilename(), bytes: Buffer.concat(chunks) };
}

export async function waitForApp(page, { timeout = 15000 } = {}) {
  try {
    await page.waitForFunction(() => {
      const s = document.querySelector("#status");
      return s && s.textContent.trim() !== "" && s.textContent.trim() !== "Loading…";
    }, null, { timeout });
  } catch (e) {
    const report = await page.evaluate(bootReport).catch((err) => `no report: ${err.message}`);
    throw new Error(`the app did not start within ${timeout} ms: ${report}`);
  }
}

/** Run in the page: how far its start got, for a page that stays at "Loading…": the
 *  document's state, #status, boot.js's stages (the "nnlab-boot:*" marks, in ms since
 *  navigation), whether each stylesheet applies, and each file that arrived (ms to its end;
 *  one still loading is not in the browser's timing list, so it is missing here). */
export function bootReport() {
  const ms = (t) => Math.round(t);
  const marks = performance.getEntriesByType("mark")
    .filter((m) => m.name.startsWith("nnlab-boot:"))
    .map((m) => `${m.name.slice(11)}@${ms(m.startTime)}`);
  const sheets = [...document.querySelectorAll('link[rel="stylesheet"]')]
    .map((l) => `${l.getAttribute("href")}:${l.sheet ? "applied" : "none"}`);
  const files = performance.getEntriesByType("resource")
    .map((r) => `${r.name.split("/").pop().split("?")[0]}@${ms(r.responseEnd)}`);
  const status = document.querySelector("#status");
  return [
    `at ${location.pathname}`,
    `readyState ${document.readyState}`,
    `status "${status ? status.textContent.trim() : "(none)"}"`,
    `boot [${marks.join(" ") || "no marks"}]`,
    `stylesheets [${sheets.join(" ")}]`,
    `files [${files.join(" ")}]`,
    `wasm starter ${window.nnlabWasm instanceof Promise ? "ran" : "absent"}`,
    `page age ${ms(performance.now())} ms`,
  ].join("; ");
}
