// The insight panels: #activation-panel (f, f′, the histogram of z, saturated and dead
// shares per layer) and #gradient-flow (per-layer gradient norms, vanishing/exploding marks).
import {
  test, openPage, waitForApp, value, waitForValue, snapCanvas, diffCanvas, screenshot, sleep, assert,
  sampleWhile,
} from "./harness.mjs";

const SUB = "/sub/nnlab/";
const values = (page, selector) =>
  page.$$eval(selector, (els) => els.map((e) => Number(e.getAttribute("data-value"))));
const inkOf = (page, selector) =>
  page.evaluate((s) => {
    const c = document.querySelector(s);
    const d = c.getContext("2d").getImageData(0, 0, c.width, c.height).data;
    let ink = 0;
    for (let i = 0; i < d.length; i += 4) if (d[i] < 200 || d[i + 1] < 200 || d[i + 2] < 200) ink++;
    return ink;
  }, selector);

test("a deep sigmoid net shows vanishing gradients in its first layers; ReLU with He init does not", async () => {
  // The same setups as the engine's test (introspect.rs): at initialisation the first of
  // five sigmoid layers gets a gradient at least 100× smaller than the last hidden one.
  const page = await openPage(`${SUB}?dataset=circle&hidden=8,8,8,8,8&activation=sigmoid&init=xavier&seed=1`);
  await waitForApp(page);
  await page.waitForSelector('.grad-norm[data-layer="5"][data-value]');
  const sigmoid = await values(page, ".grad-norm");
  assert.equal(sigmoid.length, 6, "five hidden layers and the output");
  assert.ok(sigmoid[4] / sigmoid[0] >= 100, `last/first hidden ratio ${sigmoid[4] / sigmoid[0]}`);
  assert.equal(await page.getAttribute('.grad-norm[data-layer="0"]', "data-state"), "vanishing");
  assert.match(await page.textContent('.grad-row[data-layer="0"] .grad-state'), /vanishing/);
  assert.ok((await inkOf(page, "#gradient-chart")) > 300, "the gradient chart is drawn");

  const relu = await openPage(`${SUB}?dataset=circle&hidden=8,8,8,8,8&activation=relu&init=he&seed=1`);
  await waitForApp(relu);
  await relu.waitForSelector('.grad-norm[data-layer="5"][data-value]');
  const norms = await values(relu, ".grad-norm");
  const ratio = norms[4] / norms[0];
  assert.ok(ratio > 1 / 20 && ratio < 20, `relu ratio ${ratio}`);
  const states = await relu.$$eval(".grad-norm", (els) => els.map((e) => e.getAttribute("data-state")));
  assert.deepEqual(states.slice(0, 5), ["healthy", "healthy", "healthy", "healthy", "healthy"]);
  page.assertClean();
  relu.assertClean();
});

test("gradient norms and saturation change as training runs, and the chart follows", async () => {
  const page = await openPage(`${SUB}?dataset=circle&hidden=4,4&activation=tanh&lr=0.3&seed=2`);
  await waitForApp(page);
  await page.waitForSelector('.saturation[data-layer="1"][data-value]');
  const gradBefore = await values(page, ".grad-norm");
  const satBefore = await values(page, ".saturation");
  assert.equal(satBefore.length, 2, "one saturation readout per hidden layer");
  assert.ok(satBefore.every((v) => v >= 0 && v <= 1));
  // The charts draw while their panel shows (off screen they wait), as a student looks.
  await page.$eval("#gradient-chart", (c) => c.scrollIntoView({ block: "center" }));
  await sleep(200);
  await snapCanvas(page, "#gradient-chart", "grad0");
  // Play and pause without scrolling back up to the button (a real click would), so the
  // chart stays in view while it trains, as for a student watching it.
  await page.$eval("#play", (b) => b.click());
  await waitForValue(page, "#epoch", ">=", 200, { timeout: 30000 });
  await page.$eval("#play", (b) => b.click());
  await sleep(300);
  const gradAfter = await values(page, ".grad-norm");
  const satAfter = await values(page, ".saturation");
  assert.notDeepEqual(gradAfter, gradBefore);
  // Training a tanh net at lr 0.3 grows its weights: more (neuron, point) pairs saturate.
  assert.ok(satAfter[0] > satBefore[0], `saturation ${satBefore[0]} -> ${satAfter[0]}`);
  assert.match(await page.textContent('.saturation[data-layer="0"]'), /^\d+%$/);
  assert.ok((await diffCanvas(page, "#gradient-chart", "grad0")) > 200, "the gradient chart grew");
  page.assertClean();
});

test("ReLU's dead zone: saturated share equals the dead-zone share, dead neurons are counted", async () => {
  // lr 3 with plain SGD knocks most ReLU units into z ≤ 0 for every point.
  const page = await openPage(`${SUB}?dataset=circle&hidden=8&activation=relu&init=he&lr=3&batch=1&seed=4`);
  await waitForApp(page);
  await page.waitForSelector('.dead[data-layer="0"][data-value]');
  for (let i = 0; i < 20; i++) await page.click("#step");
  await sleep(300);
  const dead = await value(page, '.dead[data-layer="0"]');
  const saturated = await value(page, '.saturation[data-layer="0"]');
  assert.ok(dead > 0, `dead share ${dead}`);
  assert.ok(saturated >= dead, `a dead unit is saturated on every point: ${saturated} >= ${dead}`);
  page.assertClean();
});

test("the activation chart follows the activation and the chosen layer", async () => {
  const page = await openPage(`${SUB}?dataset=circle&hidden=4,4&activation=sigmoid&seed=1`, {
    viewport: { width: 1280, height: 1400 },
  });
  await waitForApp(page);
  await page.waitForSelector('#activation-layer option[value="1"]', { state: "attached" });
  await sleep(200);
  assert.ok((await inkOf(page, "#activation-chart")) > 500, "f, f′ and the histogram are drawn");
  await snapCanvas(page, "#activation-chart", "sigmoid");
  await page.selectOption("#activation", "relu");
  await page.waitForFunction(() => document.querySelector("#activation").value === "relu");
  await sleep(300);
  assert.ok((await diffCanvas(page, "#activation-chart", "sigmoid")) > 500, "relu draws another curve");
  await snapCanvas(page, "#activation-chart", "layer1");
  await page.selectOption("#activation-layer", "1");
  await sleep(300);
  assert.ok((await diffCanvas(page, "#activation-chart", "layer1")) > 50, "layer 2's histogram differs");
  await screenshot(page, "insights-en");
  page.assertClean();
});

test("the insight panels speak Chinese", async () => {
  const page = await openPage(`${SUB}?lang=zh&dataset=circle&hidden=8,8,8,8,8&activation=sigmoid&seed=1`);
  await waitForApp(page);
  await page.waitForSelector('.grad-norm[data-layer="0"][data-state="vanishing"]');
  assert.equal(await page.textContent("#gradient-flow-title"), "梯度流");
  assert.equal(await page.textContent('.grad-row[data-layer="0"] .grad-state'), "梯度消失");
  assert.equal(await page.textContent('.grad-row[data-layer="0"] .grad-label'), "第 1 层");
  assert.equal(await page.textContent('#activation-layer option[value="0"]'), "第 1 层");
  page.assertClean();
});

// Below the fold the panels spare the frame: their charts wait until they show, and their
// readouts follow a playing run at most half a second behind (screen readers still read
// them), at once when paused.
test("off screen, the insight readouts keep up with a playing run and the charts draw when shown", async () => {
  const page = await openPage(`${SUB}?dataset=circle&hidden=4,4&activation=tanh&lr=0.3&seed=2`);
  await waitForApp(page);
  await page.waitForSelector('.grad-norm[data-layer="0"][data-value]');
  const below = await page.$eval("#gradient-chart", (c) => c.getBoundingClientRect().top > innerHeight);
  assert.ok(below, "the gradient chart starts below the fold");
  await snapCanvas(page, "#gradient-chart", "start");
  await page.click("#play");
  await waitForValue(page, "#epoch", ">=", 20, { timeout: 10000 });
  const readings = await sampleWhile(page, '.grad-norm[data-layer="0"]', 2000);
  assert.ok(new Set(readings).size >= 3, `off screen the norm read ${[...new Set(readings)]} over 2 s of play`);
  await page.click("#play");
  await sleep(100);
  // Paused: a step shows in the readouts at once, off screen too.
  const before = await value(page, '.saturation[data-layer="0"]');
  const norm = await value(page, '.grad-norm[data-layer="0"]');
  await page.click("#step");
  await sleep(150);
  const changed = (await value(page, '.grad-norm[data-layer="0"]')) !== norm
    || (await value(page, '.saturation[data-layer="0"]')) !== before;
  assert.ok(changed, "a step left the off-screen readouts as they were");
  await page.$eval("#gradient-chart", (c) => c.scrollIntoView({ block: "center" }));
  await sleep(300);
  assert.ok((await diffCanvas(page, "#gradient-chart", "start")) > 200, "the chart did not draw when shown");
  page.assertClean();
});

// A printout has no scrolling: before printing, every panel below the fold draws; after it
// they are marked off screen again and stop drawing.
test("printing draws the panels below the fold; afterwards they wait off screen again", async () => {
  const page = await openPage(`${SUB}?dataset=circle&hidden=4,4&activation=tanh&lr=0.3&seed=2`);
  await waitForApp(page);
  const charts = ["#activation-chart", "#gradient-chart", "#hidden-space-canvas"];
  const offscreen = () => page.$$eval(charts.join(","), (cs) => cs.map((c) => !!c.closest("[data-offscreen]")));
  await page.waitForFunction((s) => s.every((c) => document.querySelector(c).closest("[data-offscreen]")), charts);
  for (const chart of charts) await snapCanvas(page, chart, "unprinted");
  await page.evaluate(() => dispatchEvent(new Event("beforeprint")));
  // Drawn by the time the handler returns: the browser lays the printout out right after it.
  const drawn = [];
  for (const chart of charts) drawn.push(await diffCanvas(page, chart, "unprinted"));
  assert.ok(drawn.every((d) => d > 200), `changed pixels before printing: ${charts.map((c, i) => `${c} ${drawn[i]}`)}`);
  assert.deepEqual(await offscreen(), charts.map(() => false));
  await page.evaluate(() => dispatchEvent(new Event("afterprint")));
  await page.waitForFunction((s) => s.every((c) => document.querySelector(c).closest("[data-offscreen]")), charts);
  page.assertClean();
});
