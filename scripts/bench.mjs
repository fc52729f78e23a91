// The page's benchmark (?bench=1) in a browser engine: serves dist/ on 127.0.0.1, opens the
// page with ?bench=1, waits for #bench-result[data-state=done] and prints the page's table,
// then its JSON (to a file too, with --json FILE). Not part of the tests.
//   node scripts/bench.mjs [--browser chromium|firefox|webkit] [--runs N] [--json FILE]
// (run scripts/build.sh first). Every run also reports, in Chromium (the one engine whose
// network can be throttled from outside), the bytes the page downloads gzipped and the first
// boundary on a 4 Mbit/s link with a 40 ms round trip. With --runs N ≥ 2 it ends with the
// median and range of each figure over the runs.
import fs from "node:fs";
import path from "node:path";
import zlib from "node:zlib";
import { fileURLToPath } from "node:url";
import { startServer } from "../tests/browser/server.mjs";
import { engine, closeEngines } from "../tests/browser/engines.mjs";

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const at = args.indexOf(name);
  return at >= 0 && at + 1 < args.length ? args[at + 1] : fallback;
};
const runs = Math.max(1, Number(option("--runs", 1)) || 1);
const jsonFile = option("--json", null);
const browserName = option("--browser", "chromium");

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const dist = path.join(root, "dist");
const server = await startServer({ root: dist, host: "127.0.0.1", port: 0 });

/** One ?bench=1 run in the chosen engine: { table, report }. */
async function benchRun() {
  const browser = await engine(browserName);
  const page = await browser.newPage(server.origin, { viewport: { width: 1366, height: 900 } });
  try {
    await page.goto("/?bench=1");
    await page.waitFor(() => document.querySelector('#bench-result[data-state="done"]') !== null, null,
      { timeout: 900000 });
    const table = await page.evaluate(() => document.querySelector("#bench-table").textContent);
    const report = JSON.parse(await page.evaluate(() => document.querySelector("#bench-result").textContent));
    await page.assertClean();
    report.browser = browser.version;
    return { table, report };
  } finally {
    await page.close();
  }
}

/** The page's downloads (gzipped sizes of the files it fetched) and its first boundary, at
 *  full speed and throttled to 4 Mbit/s down, 1 Mbit/s up, 40 ms round trip. */
async function loading() {
  const { chromium } = await import("playwright-core");
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run"],
  });
  const out = {};
  try {
    // A first, discarded load warms the new browser up (its first page pays the browser's
    // own start-up, some 150-250 ms here), then one load at full speed and one throttled.
    for (const throttled of [null, false, true]) {
      const context = await browser.newContext({ viewport: { width: 1366, height: 900 } });
      const page = await context.newPage();
      if (throttled) {
        const cdp = await context.newCDPSession(page);
        await cdp.send("Network.enable");
        await cdp.send("Network.emulateNetworkConditions", {
          offline: false, latency: 40, downloadThroughput: 4e6 / 8, uploadThroughput: 1e6 / 8,
        });
      }
      const fetched = [];
      page.on("response", (r) => fetched.push(new URL(r.url()).pathname));
      await page.goto(server.url("/"));
      await page.waitForFunction(() => performance.getEntriesByName("nnlab-first-boundary").length > 0,
        null, { timeout: 60000 });
      const ms = await page.evaluate(() => performance.getEntriesByName("nnlab-first-boundary")[0].startTime);
      if (throttled !== null) out[throttled ? "first_boundary_ms_4mbit" : "first_boundary_ms_local"] = ms;
      if (throttled === false) {
        const files = {};
        for (const p of new Set(fetched)) {
          const file = path.join(dist, p === "/" ? "index.html" : p.slice(1));
          if (fs.existsSync(file)) files[p === "/" ? "index.html" : p.slice(1)] = zlib.gzipSync(fs.readFileSync(file), { level: 9 }).length;
        }
        out.download_gzip_bytes = files;
        out.download_gzip_total = Object.values(files).reduce((a, b) => a + b, 0);
      }
      await context.close();
    }
  } finally {
    await browser.close();
  }
  return out;
}

const reports = [];
try {
  for (let run = 1; run <= runs; run++) {
    const { table, report } = await benchRun();
    Object.assign(report, await loading());
    const kb = (b) => (b / 1024).toFixed(1);
    console.log(`run ${run} of ${runs}, ${report.browser}\n${table}` +
      `page download, gzipped              ${kb(report.download_gzip_total)} KB ` +
      `(${Object.entries(report.download_gzip_bytes).map(([f, b]) => `${f} ${kb(b)}`).join(", ")})\n` +
      `first boundary, local               ${report.first_boundary_ms_local.toFixed(0)} ms\n` +
      `first boundary, 4 Mbit/s, 40 ms RTT ${report.first_boundary_ms_4mbit.toFixed(0)} ms\n`);
    reports.push(report);
  }
} finally {
  await closeEngines();
  await server.close();
}

/** Every numeric leaf of the reports, as "a.b.c" → [values]. */
function leaves(list) {
  const out = new Map();
  const walk = (v, key) => {
    if (typeof v === "number") (out.get(key) || out.set(key, []).get(key)).push(v);
    else if (v && typeof v === "object" && !Array.isArray(v)) for (const [k, x] of Object.entries(v)) walk(x, key ? `${key}.${k}` : k);
  };
  for (const r of list) walk(r, "");
  return out;
}

if (runs > 1) {
  console.log(`median [min – max] over ${runs} runs, ${reports[0].browser}`);
  for (const [key, values] of leaves(reports)) {
    if (key.startsWith("peer.") || values.length !== runs) continue;
    const sorted = [...values].sort((a, b) => a - b);
    const mid = sorted.length % 2 ? sorted[(sorted.length - 1) / 2] : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
    const fmt = (v) => (Math.abs(v) >= 1e5 ? v.toExponential(3) : Number(v.toPrecision(4)).toString());
    console.log(`  ${key.padEnd(52)} ${fmt(mid).padStart(10)}  [${fmt(sorted[0])} – ${fmt(sorted[sorted.length - 1])}]`);
  }
}
const json = JSON.stringify(runs === 1 ? reports[0] : reports, null, 2);
if (jsonFile) fs.writeFileSync(jsonFile, json + "\n");
else console.log(json);
