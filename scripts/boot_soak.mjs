// Boot soak: opens the page many times in one engine, each time in a fresh browser session
// (as the cross-engine tests do), and reports how long the app took to start (median, p95,
// worst) and every load that did not start, with the page's own account of how far it got
// (boot.js's stages, the stylesheet, the files fetched). With --train each load also trains
// to epoch 100 at speed 20 and counts wasm faults: panics (#panic-overlay) and traps. Not
// part of the tests: it looks for rare faults that one test run does not show. Run
// scripts/build.sh first.
//   node scripts/boot_soak.mjs [--engine webkit] [--runs 50] [--timeout 20000] [--train]
//                              [--query "dataset=moons&hidden=5,3"]
import path from "node:path";
import { fileURLToPath } from "node:url";
import { engine as startEngine, closeEngines } from "../tests/browser/engines.mjs";
import { SUBPATH, WASM_FAULT, bootReport } from "../tests/browser/harness.mjs";
import { startServer } from "../tests/browser/server.mjs";

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  if (i < 0) return fallback;
  const v = args[i + 1];
  if (v === undefined || v.startsWith("--")) {
    console.error(`--${name} needs a value`);
    process.exit(2);
  }
  return v;
};
const engineName = option("engine", "webkit");
const runs = Number(option("runs", "50"));
const timeout = Number(option("timeout", "20000"));
const query = option("query", "");
const train = args.includes("--train");
if (!Number.isInteger(runs) || runs < 1 || !(timeout > 0)) {
  console.error("--runs takes a whole number of at least 1, --timeout a number of milliseconds");
  process.exit(2);
}

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const server = await startServer({ root: path.resolve(root, process.env.NNLAB_DIST || "dist"), prefixes: ["/", SUBPATH] });
const browser = await startEngine(engineName);
const startMs = [];
const failures = [];
let panics = 0;
for (let i = 1; i <= runs; i++) {
  const page = await browser.newPage(server.origin);
  try {
    const t0 = Date.now();
    await page.goto(SUBPATH + (query ? `?${query}` : ""));
    const loaded = Date.now() - t0;
    try {
      await page.waitForApp({ timeout });
      startMs.push(Date.now() - t0);
    } catch (e) {
      failures.push(`run ${i}: ${e.message} (load event after ${loaded} ms)`);
      console.error(failures.at(-1));
      continue;
    }
    if (train) {
      await page.evaluate(() => { document.querySelector("details.more").open = true; });
      await page.fill("#stop-epoch", "100");
      await page.select("#speed", "20");
      await page.click("#play");
      // Until the pause at epoch 100, a panic (its overlay) or a wasm fault without a panic
      // (a trap: WebKit's page hooks record it as a page error).
      await page.waitFor((f) => document.querySelector("#status").dataset.state === "idle" ||
        !document.querySelector("#panic-overlay").hidden ||
        (window.__nnlabHooks && window.__nnlabHooks.problems.some((p) => new RegExp(f).test(p))),
      WASM_FAULT.source, { timeout: 60000 });
      const panic = await page.evaluate(() => {
        const o = document.querySelector("#panic-overlay");
        return o.hidden ? "" : o.textContent;
      });
      const trap = (await page.collectProblems()).find((p) => WASM_FAULT.test(p));
      if (panic.includes("panicked") || trap) {
        panics++;
        console.error(`run ${i}: ${panic.includes("panicked") ? `panic: ${panic.slice(0, 300)}` : `fault: ${trap.slice(0, 300)}`}`);
      }
    }
  } catch (e) {
    // A panic's overlay covers the page, so pressing its buttons fails: a fault, not a stuck load.
    const panic = await page.evaluate(() => {
      const o = document.querySelector("#panic-overlay");
      return o && !o.hidden ? o.textContent : "";
    }).catch(() => "");
    if (panic.includes("panicked")) {
      panics++;
      console.error(`run ${i}: panic: ${panic.slice(0, 300)}`);
    } else {
      failures.push(`run ${i}: ${e.message.trim().split("\n")[0]}; ${await page.evaluate(bootReport).catch(() => "")}`);
      console.error(failures.at(-1));
    }
  } finally {
    await page.close();
  }
  if (i % 10 === 0) console.error(`${i}/${runs} loads, ${failures.length} failed, ${panics} panics`);
}
const sorted = [...startMs].sort((a, b) => a - b);
const at = (q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
console.log(`${browser.version}: ${runs} loads${query ? ` of ?${query}` : ""}, ${startMs.length} started, ` +
  `${failures.length} did not${train ? `, ${panics} faulted while training` : ""}`);
if (sorted.length) {
  console.log(`app started after: median ${at(0.5)} ms, p95 ${at(0.95)} ms, worst ${sorted.at(-1)} ms`);
}
for (const f of failures) console.log(f);
await closeEngines();
await server.close();
process.exitCode = failures.length || panics ? 1 : 0;
