// The loss landscape panel (#landscape): computed when it comes into view and when training pauses, never
// while playing; #landscape-refresh computes on demand; #landscape-directions switches the
// plane; the centre is the training loss the readouts show; B's path in compare mode; both
// languages; wide and narrow layouts.
import { test, openPage, waitForApp, value, waitForValue, screenshot, sleep, assert } from "./harness.mjs";

/** A screenshot of the panel alone, tests/artifacts/<name>.png, beside the page's. */
const panelShot = (page, name) => page.locator("#landscape").screenshot({ path: `tests/artifacts/${name}.png` });

const SUB = "/sub/nnlab/";
const SETUP = `${SUB}?dataset=circle&hidden=4&activation=tanh&lr=0.1&seed=1`;
const chart = "#landscape-chart";
const attr = (page, name) => page.getAttribute(chart, name);
const mappedEpoch = async (page) => Number(await attr(page, "data-epoch"));
/** Pixels of the canvas that are neither white nor transparent: the heatmap is drawn. */
const painted = (page) =>
  page.evaluate((s) => {
    const c = document.querySelector(s);
    const d = c.getContext("2d").getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    for (let i = 0; i < d.length; i += 4) if (d[i + 3] > 0 && (d[i] < 240 || d[i + 1] < 240 || d[i + 2] < 240)) n++;
    return n / (c.width * c.height);
  }, chart);

test("the landscape maps when it comes into view and on pause, not while playing; refresh and directions", async () => {
  const page = await openPage(SETUP);
  await waitForApp(page);
  // Below the fold as the page opens: no map yet (it would delay the first boundary).
  await sleep(300);
  assert.equal(await attr(page, "data-epoch"), null, "no map out of view");
  await page.locator("#landscape").scrollIntoViewIfNeeded();
  await page.waitForSelector(`${chart}[data-epoch="0"]`);
  assert.equal(await attr(page, "data-fallback"), "one-point", "a fresh run's path is one point");
  assert.equal(await attr(page, "data-path"), "1");
  assert.match(await page.textContent("#landscape-info"), /one point/);

  await page.click("#play");
  await waitForValue(page, "#epoch", ">=", 60, { timeout: 30000 });
  assert.equal(await mappedEpoch(page), 0, "no map while playing");
  // On demand while playing.
  await page.click("#landscape-refresh");
  await page.waitForFunction((s) => Number(document.querySelector(s).getAttribute("data-epoch")) > 0, chart);
  const asked = await mappedEpoch(page);
  await waitForValue(page, "#epoch", ">=", asked + 30, { timeout: 30000 });
  assert.equal(await mappedEpoch(page), asked, "one map per refresh");
  // Pause: the map follows.
  await page.click("#play");
  await sleep(400);
  const epoch = await value(page, "#epoch");
  await page.waitForFunction(([s, e]) => Number(document.querySelector(s).getAttribute("data-epoch")) === e, [chart, epoch]);
  assert.equal(await attr(page, "data-directions"), "path");
  assert.equal(await attr(page, "data-fallback"), "none");
  assert.equal(Number(await attr(page, "data-path")), epoch + 1, "every epoch on the path");
  const centre = Number(await attr(page, "data-centre"));
  const loss = await value(page, "#train-loss");
  assert.ok(Math.abs(centre - loss) <= 1e-6 * loss, `centre ${centre} vs training loss ${loss}`);
  assert.match(await page.textContent("#landscape-info"), /holds \d+(\.\d)?% of the path's spread.*Start: loss/);
  await screenshot(page, "landscape-path");
  await panelShot(page, "landscape-panel-path");

  await page.selectOption("#landscape-directions", "random");
  await page.waitForSelector(`${chart}[data-directions="random"]`);
  assert.equal(await mappedEpoch(page), epoch);
  assert.doesNotMatch(await page.textContent("#landscape-info"), /spread/);
  // (One readback only: a second makes Chromium warn about willReadFrequently.)
  assert.ok((await painted(page)) > 0.9, "the heatmap fills the canvas");
  await screenshot(page, "landscape-random");
  await panelShot(page, "landscape-panel-random");
  page.assertClean();
});

test("in compare mode B's path is drawn on A's plane; Chinese; narrow", async () => {
  const page = await openPage(`${SUB}?lesson=momentum&lang=zh`, { viewport: { width: 390, height: 844 } });
  await waitForApp(page);
  await page.locator("#landscape").scrollIntoViewIfNeeded();
  assert.equal(await page.textContent("#landscape-title"), "损失曲面");
  assert.equal(await page.textContent("#landscape-refresh"), "刷新");
  assert.equal(await page.textContent('#landscape-directions option[value="random"]'), "随机");
  await page.waitForSelector(`${chart}[data-epoch="0"]`);
  assert.equal(await attr(page, "data-other"), "1", "B's start");
  await page.click("#play");
  await waitForValue(page, "#epoch", ">=", 40, { timeout: 30000 });
  await page.click("#play");
  await sleep(400);
  const epoch = await value(page, "#epoch");
  // The play button sits at the top on a phone: the map follows once the panel is in view.
  await page.locator("#landscape").scrollIntoViewIfNeeded();
  await page.waitForFunction(([s, e]) => Number(document.querySelector(s).getAttribute("data-epoch")) === e, [chart, epoch]);
  assert.equal(Number(await attr(page, "data-other")), epoch + 1, "B's whole path");
  assert.match(await page.textContent("#landscape-info"), /该平面容纳了路径/);
  await page.locator("#landscape").scrollIntoViewIfNeeded();
  await screenshot(page, "landscape-compare-zh-narrow");
  await panelShot(page, "landscape-panel-compare-zh-narrow");
  page.assertClean();
});
