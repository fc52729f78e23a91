// The three browser engines a classroom has, behind one small page API, so that one test
// body runs in each. Every engine is Debian's own build, driven by a client from npm that
// downloads nothing:
//   chromium  /usr/bin/chromium through playwright-core (DevTools protocol)
//   firefox   /usr/bin/firefox-esr through puppeteer-core over WebDriver BiDi
//   webkit    WebKitGTK's MiniBrowser through WebKitWebDriver (under xvfb-run, so it has an
//             X display) and selenium-webdriver (classic WebDriver)
//
// A test that names engines (`test(name, fn, { engines: ["chromium", "firefox", "webkit"] })`)
// is run once per engine; its body gets `{ engine, open }`, where
//   await open(path, { viewport }) -> EnginePage (see below), in a fresh profile per test.
// Each engine's browser is started once, on first use, and closed when the run ends.
//
// EnginePage:
//   goto(urlOrPath), url(), evaluate(fn, arg), waitFor(fn, arg, { timeout }), click(selector)
//   (a real click by the driver), fill(selector, text) and select(selector, value) (set the
//   value and fire input/change, as a user's edit does), upload(selector, name, text, type)
//   (a File through DataTransfer, as a picked file), download(action) (the Blob a download
//   button offers, read in the page), downloads() (how many so far) and downloaded(n) (the
//   nth of them), value(selector),
//   waitForValue(selector, op, target), screenshot(name), problems (console errors and
//   warnings, uncaught errors, failed requests), assertClean({ ignore }), close().
//
// What each engine can report of a page's problems differs: Chromium and Firefox report
// every console message and failed request from before navigation; WebDriver classic has no
// console log in WebKit, so the page's console.error/console.warn and uncaught errors are
// recorded from right after each navigation on (the boot itself is checked by the
// webkit-console test, which reads MiniBrowser's console on its standard output).
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import { spawn, execFileSync } from "node:child_process";
import { ARTIFACTS, bootReport, isLoopback } from "./harness.mjs";

export const ENGINES = ["chromium", "firefox", "webkit"];
export const MINIBROWSER = "/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser";

/** The test server, data/blob URLs, and the single-file build's file:// page. */
const isLocal = (u) => isLoopback(u) || u.startsWith("file:");

const CHROMIUM_ARGS = [
  "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
  "--disable-background-networking", "--disable-component-update", "--disable-sync",
];

function which(...names) {
  for (const name of names) {
    try {
      return execFileSync("which", [name], { encoding: "utf8" }).trim();
    } catch {
      /* next */
    }
  }
  return null;
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

// Installed into every page (after navigation where the driver cannot do it before): keeps
// console errors and warnings and uncaught errors, and the Blobs the page turns into object
// URLs, so a download button's file can be read back without a download dialog.
function installPageHooks() {
  if (window.__nnlabHooks) return;
  const hooks = (window.__nnlabHooks = { problems: [], blobs: new Map(), downloads: [] });
  for (const level of ["error", "warn"]) {
    const original = console[level].bind(console);
    console[level] = (...args) => {
      hooks.problems.push("console." + (level === "warn" ? "warning" : level) + ": " + args.map(String).join(" "));
      original(...args);
    };
  }
  // JavaScriptCore's stack holds no message (a wasm trap's reason is only in the message).
  addEventListener("error", (e) => hooks.problems.push("page error: " + (e.error ? `${e.error}\n${e.error.stack}` : e.message)));
  addEventListener("unhandledrejection", (e) => hooks.problems.push("page error: unhandled rejection " + String(e.reason)));
  const createObjectURL = URL.createObjectURL.bind(URL);
  URL.createObjectURL = (blob) => {
    const u = createObjectURL(blob);
    hooks.blobs.set(u, blob);
    return u;
  };
  const click = HTMLAnchorElement.prototype.click;
  HTMLAnchorElement.prototype.click = function () {
    if (this.hasAttribute("download") && hooks.blobs.has(this.href)) {
      hooks.downloads.push({ name: this.getAttribute("download"), blob: hooks.blobs.get(this.href) });
      return;
    }
    return click.call(this);
  };
}

/** What every engine's page shares: everything built on evaluate, click and waitFor. */
class EnginePage {
  constructor(engine, origin) {
    this.engine = engine;
    this.origin = origin;
    this.problems = [];
  }

  resolve(p) {
    return /^[a-z]+:/.test(p) ? p : this.origin + p;
  }

  async hooks() {
    await this.evaluate(installPageHooks);
  }

  async fill(selector, text) {
    await this.evaluate(([s, t]) => {
      const el = document.querySelector(s);
      if (!el) throw new Error(`no ${s}`);
      el.focus();
      el.value = t;
      el.dispatchEvent(new Event("input", { bubbles: true }));
      el.dispatchEvent(new Event("change", { bubbles: true }));
    }, [selector, text]);
  }

  async select(selector, value) {
    await this.evaluate(([s, v]) => {
      const el = document.querySelector(s);
      if (!el) throw new Error(`no ${s}`);
      if (![...el.options].some((o) => o.value === v)) throw new Error(`${s} has no option ${v}`);
      el.value = v;
      el.dispatchEvent(new Event("input", { bubbles: true }));
      el.dispatchEvent(new Event("change", { bubbles: true }));
    }, [selector, value]);
  }

  async upload(selector, name, text, type = "text/plain") {
    await this.evaluate(([s, n, t, ty]) => {
      const input = document.querySelector(s);
      const transfer = new DataTransfer();
      transfer.items.add(new File([t], n, { type: ty }));
      input.files = transfer.files;
      input.dispatchEvent(new Event("change", { bubbles: true }));
    }, [selector, name, text, type]);
  }

  /** Runs `action` (which presses a download button); returns { name, type, text, size,
   *  head } of the file (head: its first 16 bytes, for a binary file's magic number). */
  async download(action, { timeout = 10000 } = {}) {
    await this.hooks();
    const before = await this.evaluate(() => window.__nnlabHooks.downloads.length);
    await action();
    await this.waitFor((n) => window.__nnlabHooks.downloads.length > n, before, { timeout });
    return this.downloaded(before);
  }

  /** The `n`th file (from 0) the page has offered, as download() returns it. */
  async downloaded(n) {
    return this.evaluate(async (i) => {
      const d = window.__nnlabHooks.downloads[i];
      const head = [...new Uint8Array(await d.blob.slice(0, 16).arrayBuffer())];
      return { name: d.name, type: d.blob.type, text: await d.blob.text(), size: d.blob.size, head };
    }, n);
  }

  /** How many downloads the page has offered since its hooks were installed. */
  async downloads() {
    await this.hooks();
    return this.evaluate(() => window.__nnlabHooks.downloads.length);
  }

  async value(selector) {
    return this.evaluate((s) => {
      const el = document.querySelector(s);
      const v = el && el.getAttribute("data-value");
      return v === null || v === undefined ? null : Number(v);
    }, selector);
  }

  async text(selector) {
    return this.evaluate((s) => {
      const el = document.querySelector(s);
      return el ? el.textContent.trim() : null;
    }, selector);
  }

  async attribute(selector, name) {
    return this.evaluate(([s, n]) => document.querySelector(s)?.getAttribute(n) ?? null, [selector, name]);
  }

  async waitForValue(selector, op, target, { timeout = 15000 } = {}) {
    try {
      return await this.waitFor(([s, o, t]) => {
        const el = document.querySelector(s);
        const raw = el && el.getAttribute("data-value");
        if (raw === null || raw === undefined) return false;
        const v = Number(raw);
        const ok = { ">=": v >= t, ">": v > t, "<=": v <= t, "<": v < t, "==": v === t, "!=": v !== t }[o];
        return ok ? { v } : false;
      }, [selector, op, target], { timeout }).then((r) => r.v);
    } catch (e) {
      const now = await this.value(selector).catch(() => "?");
      throw new Error(`[${this.engine}] waitForValue(${selector} ${op} ${target}): ${e.message.split("\n")[0]}; last value ${now}`);
    }
  }

  /** Waits until the wasm app has started (#status says more than "Loading…"). */
  async waitForApp({ timeout = 20000 } = {}) {
    try {
      await this.waitFor(() => {
        const s = document.querySelector("#status");
        const t = s && s.textContent.trim();
        return t && t !== "Loading…" ? t : false;
      }, null, { timeout });
    } catch (e) {
      const report = await this.evaluate(bootReport).catch((err) => `no report: ${err.message}`);
      throw new Error(`[${this.engine}] the app did not start within ${timeout} ms: ${report}`);
    }
  }

  async collectProblems() {
    return this.problems;
  }

  /** Records, for a page driven over CDP or BiDi (Chromium, Firefox), failed requests, HTTP
   *  errors and requests leaving the machine. A request the page had started before a later
   *  navigation (a test's goto, or the frame navigating, while lessons.txt was still loading)
   *  and that then failed was cancelled by that navigation, which is not the page's problem:
   *  it is left out, whatever the engine calls the error (harness.mjs, in Chromium only, also
   *  checks that it is net::ERR_ABORTED). */
  watchRequests(page) {
    this.navigations = 0;
    const startedAt = new WeakMap();
    page.on("framenavigated", (frame) => {
      if (frame === page.mainFrame()) this.navigations++;
    });
    page.on("request", (req) => {
      startedAt.set(req, this.navigations);
      if (!isLocal(req.url())) this.problems.push(`non-loopback request: ${req.url()}`);
    });
    page.on("requestfailed", (req) => {
      const at = startedAt.get(req);
      if (at !== undefined && at !== this.navigations) return;
      const error = req.failure()?.errorText;
      this.problems.push(`request failed: ${req.url()}${error ? ` (${error})` : ""}`);
    });
    page.on("response", (res) => res.status() >= 400 && this.problems.push(`HTTP ${res.status()}: ${res.url()}`));
  }

  async assertClean({ ignore = [] } = {}) {
    const all = await this.collectProblems();
    const left = all.filter((pr) => !ignore.some((re) => re.test(pr)));
    if (left.length) {
      throw new Error(`[${this.engine}] page is not clean (${left.length} problem(s)):\n  - ${left.join("\n  - ")}`);
    }
  }

  async screenshot(name) {
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    const file = path.join(ARTIFACTS, `${name.replace(/[^A-Za-z0-9._-]+/g, "_").slice(0, 100)}.png`);
    fs.writeFileSync(file, await this.png());
    return file;
  }
}

// ---- Chromium: playwright-core ---------------------------------------------------------

class PlaywrightPage extends EnginePage {
  constructor(page, origin) {
    super("chromium", origin);
    this.page = page;
    page.on("console", (msg) => {
      const type = msg.type();
      if (type === "error" || type === "warning") this.problems.push(`console.${type}: ${msg.text()}`);
    });
    page.on("pageerror", (err) => this.problems.push(`page error: ${err.stack || err.message || err}`));
    this.watchRequests(page);
  }
  async goto(p) {
    this.navigations++;
    await this.page.goto(this.resolve(p), { waitUntil: "load" });
    await this.hooks();
  }
  url() { return this.page.url(); }
  evaluate(fn, arg) { return this.page.evaluate(fn, arg); }
  async waitFor(fn, arg, { timeout = 15000 } = {}) {
    const handle = await this.page.waitForFunction(fn, arg, { timeout, polling: 30 });
    return handle.jsonValue();
  }
  click(selector) { return this.page.click(selector); }
  png() { return this.page.screenshot({ fullPage: true }); }
  close() { return this.page.context().close(); }
}

async function launchChromium() {
  const { chromium } = await import("playwright-core");
  const executablePath = process.env.CHROMIUM || which("chromium", "chromium-browser");
  if (!executablePath) throw new Error("no chromium on PATH (run scripts/setup.sh)");
  const browser = await chromium.launch({ executablePath, headless: true, args: CHROMIUM_ARGS });
  return {
    name: "chromium",
    version: `Chromium ${browser.version()}`,
    async newPage(origin, { viewport = { width: 1200, height: 900 } } = {}) {
      const context = await browser.newContext({ viewport });
      await context.route((u) => !isLocal(u.href), (route) => route.abort("blockedbyclient"));
      return new PlaywrightPage(await context.newPage(), origin);
    },
    close: () => browser.close(),
  };
}

// ---- Firefox: puppeteer-core over WebDriver BiDi ---------------------------------------

class PuppeteerPage extends EnginePage {
  constructor(page, context, origin) {
    super("firefox", origin);
    this.page = page;
    this.context = context;
    page.on("console", (msg) => {
      const type = msg.type();
      if (type === "error" || type === "warn") this.problems.push(`console.${type === "warn" ? "warning" : type}: ${msg.text()}`);
    });
    page.on("pageerror", (err) => this.problems.push(`page error: ${err.stack || err.message || err}`));
    this.watchRequests(page);
  }
  async goto(p) {
    this.navigations++;
    await this.page.goto(this.resolve(p), { waitUntil: "load" });
    await this.hooks();
  }
  url() { return this.page.url(); }
  evaluate(fn, arg) { return this.page.evaluate(fn, arg); }
  async waitFor(fn, arg, { timeout = 15000 } = {}) {
    const handle = await this.page.waitForFunction(fn, { timeout, polling: 30 }, arg);
    return handle.jsonValue();
  }
  click(selector) { return this.page.click(selector); }
  png() { return this.page.screenshot({ fullPage: true }); }
  close() { return this.context.close(); }
}

async function launchFirefox() {
  const puppeteer = (await import("puppeteer-core")).default;
  const executablePath = process.env.FIREFOX || which("firefox-esr", "firefox");
  if (!executablePath) throw new Error("no firefox-esr on PATH (run scripts/setup.sh)");
  const browser = await puppeteer.launch({
    browser: "firefox",
    executablePath,
    headless: true,
    // No update checks, telemetry or first-run pages: the tests allow no request off the machine.
    extraPrefsFirefox: {
      "app.update.enabled": false,
      "browser.shell.checkDefaultBrowser": false,
      "datareporting.policy.dataSubmissionEnabled": false,
      "toolkit.telemetry.enabled": false,
      "network.captive-portal-service.enabled": false,
      "network.connectivity-service.enabled": false,
      "browser.safebrowsing.malware.enabled": false,
      "browser.safebrowsing.phishing.enabled": false,
      "extensions.update.enabled": false,
    },
  });
  return {
    name: "firefox",
    version: `Firefox ${(await browser.version()).replace(/^firefox\//i, "")}`,
    async newPage(origin, { viewport = { width: 1200, height: 900 } } = {}) {
      const context = await browser.createBrowserContext();
      const page = await context.newPage();
      await page.setViewport(viewport);
      return new PuppeteerPage(page, context, origin);
    },
    close: () => browser.close(),
  };
}

// ---- WebKit: WebKitWebDriver + selenium-webdriver ---------------------------------------

class WebDriverPage extends EnginePage {
  constructor(driver, origin, By) {
    super("webkit", origin);
    this.driver = driver;
    this.By = By;
  }
  async goto(p) {
    await this.driver.get(this.resolve(p));
    await this.hooks();
  }
  url() { return this.driver.getCurrentUrl(); }
  async evaluate(fn, arg) {
    // WebDriver runs a function body; an async function's promise is awaited by the driver.
    return this.driver.executeScript(`return (${fn.toString()})(arguments[0]);`, arg === undefined ? null : arg);
  }
  async waitFor(fn, arg, { timeout = 15000 } = {}) {
    const end = Date.now() + timeout;
    let last;
    for (;;) {
      try {
        const r = await this.evaluate(fn, arg);
        if (r) return r;
      } catch (e) {
        last = e;
      }
      if (Date.now() > end) throw new Error(`waitFor timed out after ${timeout} ms${last ? `: ${last.message}` : ""}`);
      await sleep(30);
    }
  }
  async click(selector) {
    const el = await this.driver.findElement(this.By.css(selector));
    await this.driver.executeScript("arguments[0].scrollIntoView({ block: 'center' })", el);
    await el.click();
  }
  async collectProblems() {
    const inPage = await this.evaluate(() => (window.__nnlabHooks ? window.__nnlabHooks.problems : []))
      .catch(() => []);
    return [...this.problems, ...inPage];
  }
  async png() {
    return Buffer.from(await this.driver.takeScreenshot(), "base64");
  }
  async close() {
    await this.driver.quit().catch(() => {});
  }
}

/** WebKitWebDriver under its own xvfb-run, in a process group of its own, so xvfb-run,
 *  Xvfb, the driver and its browsers stop together: { port, stop }. */
async function startWebKitDriver(driverBin) {
  const port = await freePort();
  const server = spawn("xvfb-run", ["-a", driverBin, `--port=${port}`], { detached: true, stdio: "ignore" });
  const stop = () => {
    try {
      process.kill(-server.pid, "SIGTERM");
    } catch {
      /* gone */
    }
  };
  process.once("exit", stop);
  const status = `http://127.0.0.1:${port}/status`;
  for (let i = 0; ; i++) {
    try {
      if ((await fetch(status)).ok) break;
    } catch {
      /* not up yet */
    }
    if (i > 200) {
      stop();
      throw new Error("WebKitWebDriver did not start");
    }
    await sleep(50);
  }
  return { port, stop };
}

/** How long a new WebKit session may take to start (it takes about a second). Three times a
 *  probe script's session never started (the driver up, no MiniBrowser), each right after
 *  another driver's display was torn down: the driver and its display are then started
 *  afresh, once. */
const WEBKIT_SESSION_MS = 30000;

async function launchWebKit() {
  const { Builder, By } = await import("selenium-webdriver");
  const driverBin = which("WebKitWebDriver");
  if (!driverBin || !fs.existsSync(MINIBROWSER)) throw new Error("no WebKitWebDriver/MiniBrowser (run scripts/setup.sh)");
  let server = await startWebKitDriver(driverBin);
  const capabilities = {
    browserName: "MiniBrowser",
    "webkitgtk:browserOptions": { binary: MINIBROWSER, args: ["--automation"] },
  };
  // MiniBrowser needs a display even for --version: the library package's version instead.
  const version = execFileSync("dpkg-query", ["-W", "-f=${Version}", "libwebkit2gtk-4.1-0"], { encoding: "utf8" })
    .trim().replace(/-.*$/, "");
  const session = async () => {
    const started = new Builder().usingServer(`http://127.0.0.1:${server.port}`).withCapabilities(capabilities).build();
    let timer;
    const late = new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no WebKit session after ${WEBKIT_SESSION_MS} ms`)), WEBKIT_SESSION_MS);
    });
    try {
      return await Promise.race([started, late]);
    } finally {
      clearTimeout(timer);
      // A session given up on fails when its driver stops: nothing to report then.
      started.catch(() => {});
    }
  };
  return {
    name: "webkit",
    version: `WebKitGTK ${version}`,
    async newPage(origin, { viewport = { width: 1200, height: 900 } } = {}) {
      let driver;
      try {
        driver = await session();
      } catch (e) {
        console.warn(`webkit: ${e.message}; starting the driver and its display again`);
        server.stop();
        server = await startWebKitDriver(driverBin);
        driver = await session();
      }
      await driver.manage().window().setRect({ width: viewport.width, height: viewport.height + 80 });
      return new WebDriverPage(driver, origin, By);
    },
    close: async () => server.stop(),
  };
}

const LAUNCHERS = { chromium: launchChromium, firefox: launchFirefox, webkit: launchWebKit };
const running = new Map();

/** The engine's browser, started on first use. */
export async function engine(name) {
  if (!LAUNCHERS[name]) throw new Error(`unknown engine ${name} (one of ${ENGINES.join(", ")})`);
  if (!running.has(name)) running.set(name, LAUNCHERS[name]());
  return running.get(name);
}

/** The version strings of the engines started so far. */
export async function startedVersions() {
  const out = [];
  for (const p of running.values()) out.push((await p.catch(() => null))?.version);
  return out.filter(Boolean);
}

export async function closeEngines() {
  for (const p of running.values()) {
    const e = await p.catch(() => null);
    if (e) await e.close().catch(() => {});
  }
  running.clear();
}
