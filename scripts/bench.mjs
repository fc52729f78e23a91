// The page's benchmark (?bench=1) in headless Chromium: serves dist/ on 127.0.0.1, opens
// the page with ?bench=1, waits for #bench-result[data-state=done] and prints the page's
// table, then its JSON (to a file too, with --json FILE). Not part of the tests.
//   node scripts/bench.mjs [--runs N] [--json FILE]    (run scripts/build.sh first)
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { startServer } from "../tests/browser/server.mjs";

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const at = args.indexOf(name);
  return at >= 0 && at + 1 < args.length ? args[at + 1] : fallback;
};
const runs = Math.max(1, Number(option("--runs", 1)) || 1);
const jsonFile = option("--json", null);

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const server = await startServer({ root: path.join(root, "dist"), host: "127.0.0.1", port: 0 });
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
const reports = [];
try {
  for (let run = 1; run <= runs; run++) {
    const page = await browser.newPage({ viewport: { width: 1366, height: 900 } });
    const problems = [];
    page.on("console", (m) => m.type() === "error" && problems.push(m.text()));
    page.on("pageerror", (e) => problems.push(String(e)));
    await page.goto(server.url("/?bench=1"));
    await page.waitForSelector('#bench-result[data-state="done"]', { timeout: 600000 });
    const table = await page.textContent("#bench-table");
    const report = JSON.parse(await page.textContent("#bench-result"));
    await page.close();
    if (problems.length) throw new Error(`page errors during the benchmark: ${problems.join("; ")}`);
    console.log(`run ${run} of ${runs}, ${browser.version()}\n${table}`);
    reports.push(report);
  }
} finally {
  await browser.close();
  await server.close();
}
const json = JSON.stringify(runs === 1 ? reports[0] : reports, null, 2);
console.log(json);
if (jsonFile) fs.writeFileSync(jsonFile, json + "\n");
