// Tiny browser-test harness for nnlab. Run everything with `node tests/browser/run.mjs`
// (or `make test`); the runner serves dist/, starts headless Chromium and imports every
// tests/browser/*.test.mjs file. Run a subset: `node tests/browser/run.mjs smoke loss`
// (keeps files/tests whose name contains any of the words).
//
// API (import from "./harness.mjs"):
//
//   test(name, async () => { ... }, { timeout = 60000 } = {})
//       Registers a test. Tests run one after another, each in a fresh browser context
//       (fresh storage). A test fails if it throws/rejects or exceeds its timeout.
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

export function test(name, fn, { timeout = 60000 } = {}) {
  registry.push({ name, fn, timeout, file: currentFile });
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
  page.on("requestfailed", (req) =>
    problems.push(`request failed: ${req.method()} ${req.url()} (${req.failure()?.errorText})`));
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
