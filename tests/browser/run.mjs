// Browser tests: serves dist/ on 127.0.0.1 (random free port, at "/" and at the sub-path
// "/sub/nnlab/"), launches the system Chromium through playwright-core (no browser
// download) and runs every tests/browser/*.test.mjs. Tests that name engines also run in
// Firefox ESR and WebKitGTK, each started on first use (engines.mjs). See harness.mjs for
// the test API.
//
//   node tests/browser/run.mjs [word ...]   # only files/tests whose name contains a word
//   env: CHROMIUM=/path/to/chromium (default: `which chromium`), NNLAB_DIST=dist
// Ends with the line "N passed, M failed"; exit code 1 if any test failed (or none ran).
import fs from "node:fs";
import path from "node:path";
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { startServer } from "./server.mjs";
import { SUBPATH, loadTestFile, runAll } from "./harness.mjs";
import { closeEngines, startedVersions } from "./engines.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, "..", "..");
const dist = path.resolve(repo, process.env.NNLAB_DIST || "dist");
const filters = process.argv.slice(2);

function findChromium() {
  if (process.env.CHROMIUM) return process.env.CHROMIUM;
  for (const name of ["chromium", "chromium-browser", "google-chrome"]) {
    try {
      return execFileSync("which", [name], { encoding: "utf8" }).trim();
    } catch {
      /* next */
    }
  }
  throw new Error("no chromium on PATH (run scripts/setup.sh)");
}

async function main() {
  if (!fs.existsSync(path.join(dist, "index.html"))) {
    throw new Error(`${dist}/index.html not found: build first (scripts/build.sh)`);
  }
  const files = fs
    .readdirSync(here)
    .filter((f) => f.endsWith(".test.mjs"))
    .sort();
  for (const f of files) await loadTestFile(path.join(here, f));

  const server = await startServer({ root: dist, prefixes: ["/", SUBPATH] });
  const executablePath = findChromium();
  // launch() always uses a fresh temporary profile (user-data dir) and deletes it on close.
  const browser = await chromium.launch({
    executablePath,
    headless: true,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
  console.log(`browser tests: ${files.length} file(s), Chromium ${browser.version()}, site ${server.url(SUBPATH)}`);
  let result;
  try {
    result = await runAll({ browser, origin: server.origin, filters });
  } finally {
    const versions = await startedVersions();
    if (versions.length) console.log(`engines used: ${versions.join(", ")}`);
    await closeEngines();
    await browser.close().catch(() => {});
    await server.close();
  }
  if (result.selected === 0) console.log("no test matched");
  console.log(`${result.passed} passed, ${result.failed} failed`);
  process.exitCode = result.failed > 0 || result.selected === 0 ? 1 : 0;
}

main().catch((e) => {
  console.error(e && e.stack ? e.stack : e);
  console.log("0 passed, 1 failed");
  process.exitCode = 1;
});
