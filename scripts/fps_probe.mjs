// Quick probe (not part of the tests): frames per second by requestAnimationFrame while the
// page plays, in one engine, for a query.
//   node scripts/fps_probe.mjs webkit "hidden=8,8,8,8,8,8" [seconds]
import path from "node:path";
import { fileURLToPath } from "node:url";
import { startServer } from "../tests/browser/server.mjs";
import { engine, closeEngines } from "../tests/browser/engines.mjs";
const [name = "webkit", query = "", seconds = "6", css = ""] = process.argv.slice(2);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const server = await startServer({ root: path.join(root, "dist"), host: "127.0.0.1", port: 0 });
const browser = await engine(name);
const page = await browser.newPage(server.origin, { viewport: { width: 1366, height: 900 } });
await page.goto(`/?${query}`);
await page.waitFor(() => document.querySelector("#epoch")?.dataset.value !== undefined, null, { timeout: 30000 });
// An optional stylesheet rule, to switch parts of the page off and see what they cost.
await page.evaluate((rule) => {
  if (rule) document.head.append(Object.assign(document.createElement("style"), { textContent: rule }));
  document.querySelector("#play").click();
}, css);
const fps = await page.evaluate((ms) => new Promise((resolve) => {
  let frames = 0;
  const start = performance.now();
  const tick = (t) => { frames++; if (t - start < ms) requestAnimationFrame(tick); else resolve(frames * 1000 / (t - start)); };
  requestAnimationFrame(tick);
}), Number(seconds) * 1000);
console.log(`${name} ?${query} ${css}: ${fps.toFixed(1)} fps`);
await page.close();
await closeEngines();
await server.close();
