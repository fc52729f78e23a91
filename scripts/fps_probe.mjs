// Probe (not part of the tests): frames per second by requestAnimationFrame while the page
// plays, in one engine, with parts of the page switched off, to find where a frame goes.
//
//   node scripts/fps_probe.mjs <engine> "<query>" [--reps N] [--seconds S] [--viewport WxH] [variant ...]
//
// Besides the frame rate it reports, per frame, how long the page's requestAnimationFrame
// callbacks ran ("script") and how long the main thread stayed busy after them before it
// could run the next task ("after": the browser's style, layout and painting of the frame),
// so a frame rate below 60 can be split into the page's script, the browser's main-thread
// rendering, and waiting on the browser's other threads (the rest of the frame's spacing).
//
// Each variant is a stylesheet rule ("css:body { visibility: hidden }") or a script
// ("js:document.querySelector('#boundary').remove()") applied after play is pressed; "none"
// changes nothing. The variants run interleaved, N times each, each in a fresh page, and the
// probe prints each one's median fps and every run's figure.
//
// A `<style>` element added to the page does nothing: the page's Content-Security-Policy
// (style-src 'self') refuses inline styles, which is how earlier probes with one measured
// nothing. Rules go in through a constructed stylesheet (`adoptedStyleSheets`), which the
// policy does not govern, and the probe stops if the first selector's computed style did not
// change.
import path from "node:path";
import { fileURLToPath } from "node:url";
import { startServer } from "../tests/browser/server.mjs";
import { engine, closeEngines } from "../tests/browser/engines.mjs";

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(name);
  if (i < 0) return fallback;
  const [, v] = args.splice(i, 2);
  return Number(v);
};
const reps = option("--reps", 3);
const seconds = option("--seconds", 5);
const viewportAt = args.indexOf("--viewport");
const [width, height] = viewportAt >= 0 ? String(args.splice(viewportAt, 2)[1]).split("x").map(Number) : [1366, 900];
if (!(width > 0 && height > 0)) throw new Error("--viewport takes WIDTHxHEIGHT, such as 1366x900");
const [name = "webkit", query = "", ...rest] = args;
const variants = rest.length ? rest : ["none"];
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const server = await startServer({ root: path.join(root, "dist"), host: "127.0.0.1", port: 0 });
const browser = await engine(name);

/** Runs in the page: presses play, then adds the rule if there is one; returns an error or null. */
function apply(rule) {
  document.querySelector("#play").click();
  if (!rule) return null;
  const selector = rule.slice(0, rule.indexOf("{")).split(",")[0].trim();
  const element = document.querySelector(selector);
  if (!element) return `no element matches ${selector}`;
  const computed = () => {
    const style = getComputedStyle(element);
    return Array.from(style, (p) => `${p}:${style.getPropertyValue(p)}`).join(";");
  };
  const before = computed();
  const sheet = new CSSStyleSheet();
  sheet.replaceSync(rule);
  document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet];
  return computed() === before ? `the rule changed nothing on ${selector}` : null;
}

const results = variants.map(() => []);
for (let r = 0; r < reps; r++) {
  for (const [i, variant] of variants.entries()) {
    const page = await browser.newPage(server.origin, { viewport: { width, height } });
    await page.goto(`/?${query}`);
    await page.waitFor(() => document.querySelector("#epoch")?.dataset.value !== undefined, null, { timeout: 30000 });
    const [kind, body] = variant === "none" ? ["none", ""] : [variant.slice(0, variant.indexOf(":")), variant.slice(variant.indexOf(":") + 1)];
    if (!["none", "css", "js"].includes(kind)) throw new Error(`${variant}: not none, css:… or js:…`);
    const problem = await page.evaluate(apply, kind === "css" ? body : "");
    if (problem) throw new Error(`${variant}: ${problem}`);
    // The page's policy forbids eval; this Function is the driver's script, not the page's.
    if (kind === "js") await page.evaluate(new Function(body), null);
    await new Promise((resolve) => setTimeout(resolve, 800));
    const frame = await page.evaluate((ms) => new Promise((resolve) => {
      // The page's callbacks are wrapped to time them; a message posted at the end of each
      // arrives once the browser has finished that frame's rendering work on the main thread.
      const script = [], after = [], ends = [];
      const raf = window.requestAnimationFrame.bind(window);
      const channel = new MessageChannel();
      channel.port1.onmessage = () => after.push(performance.now() - ends.shift());
      window.requestAnimationFrame = (callback) => raf((t) => {
        const start = performance.now();
        callback(t);
        const end = performance.now();
        script.push(end - start);
        ends.push(end);
        channel.port2.postMessage(0);
      });
      const p50 = (list) => [...list].sort((a, b) => a - b)[list.length >> 1] ?? 0;
      let frames = 0;
      const start = performance.now();
      const tick = (t) => {
        frames++;
        if (t - start < ms) return raf(tick);
        window.requestAnimationFrame = raf;
        resolve({ fps: (frames * 1000) / (t - start), script: p50(script), after: p50(after) });
      };
      raf(tick);
    }), seconds * 1000);
    results[i].push(frame);
    await page.close();
  }
}
const median = (list) => [...list].sort((a, b) => a - b)[list.length >> 1];
for (const [i, variant] of variants.entries()) {
  const fps = results[i].map((r) => r.fps);
  const ms = (key) => median(results[i].map((r) => r[key])).toFixed(1);
  console.log(`${name} ${width}x${height} ?${query} ${median(fps).toFixed(1)} fps [${fps.map((f) => f.toFixed(1)).join(" ")}]` +
    `  script ${ms("script")} ms, after ${ms("after")} ms (p50s)  ${variant}`);
}
await closeEngines();
await server.close();
