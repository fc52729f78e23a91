// Compare mode (#compare): two networks on the same data and seed, trained in lock-step,
// with both configs in the URL (`compare=<B's differing keys, percent-encoded>`).
import {
  test, openPage, screenshot, sleep, assert, SUBPATH, value, waitForValue, setText, waitForApp, pixelAt,
} from "./harness.mjs";

const RELU = "compare=" + encodeURIComponent("activation=relu&init=he");

async function open(query = "", opts) {
  const page = await openPage(SUBPATH + (query ? `?${query}` : ""), opts);
  await waitForApp(page);
  return page;
}

const param = (page, key) => new URL(page.url()).searchParams.get(key);
const pressed = (page) => page.getAttribute("#compare", "aria-pressed");

/** Count of painted (non-transparent) pixels of a canvas. */
const painted = (page, selector) =>
  page.evaluate((sel) => {
    const c = document.querySelector(sel);
    const d = c.getContext("2d").getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    for (let i = 3; i < d.length; i += 4) if (d[i] !== 0) n++;
    return n;
  }, selector);

async function pause(page) {
  if ((await page.getAttribute("#play", "aria-pressed")) === "true") await page.click("#play");
  await sleep(50);
}

test("compare opens from the URL, draws B and trains both in lock-step", async () => {
  const page = await open(`dataset=xor&activation=sigmoid&seed=1&${RELU}`);
  assert.equal(await pressed(page), "true");
  assert.ok(await page.isVisible("#compare-panel"), "#compare-panel is hidden");
  assert.ok((await painted(page, "#boundary-b")) > 1000, "#boundary-b is blank");
  const label = await page.textContent("#compare-label");
  assert.match(label, /A: Sigmoid.*B: ReLU \+ He/, label);
  assert.equal(await page.inputValue("#compare-activation"), "relu");
  assert.equal(await page.getAttribute("#compare-activation", "data-differs"), "true");
  assert.equal(await page.inputValue("#activation"), "sigmoid");

  // Both epoch counters advance together while playing.
  await page.selectOption("#speed", "5");
  await page.click("#play");
  await waitForValue(page, "#compare-epoch", ">=", 30);
  for (let i = 0; i < 8; i++) {
    const [a, b] = await page.evaluate(() => ["#epoch", "#compare-epoch"].map((s) => Number(document.querySelector(s).dataset.value)));
    assert.equal(a, b, `A at epoch ${a}, B at ${b}`);
    await sleep(40);
  }
  await pause(page);
  assert.equal(await value(page, "#epoch"), await value(page, "#compare-epoch"));

  // Step and reset act on both.
  await page.click("#reset");
  await sleep(100);
  assert.equal(await value(page, "#compare-epoch"), 0);
  await page.click("#step");
  await sleep(100);
  assert.equal(await value(page, "#epoch"), 1);
  assert.equal(await value(page, "#compare-epoch"), 1);
  page.assertClean();
});

test("sigmoid and ReLU give different runs after 100 epochs", async () => {
  const page = await open(`dataset=circle&activation=sigmoid&seed=3&${RELU}`);
  await page.click("summary[data-text='more']");
  await setText(page, "#stop-epoch", "100");
  await page.selectOption("#speed", "20");
  await page.click("#play");
  await waitForValue(page, "#epoch", "==", 100, { timeout: 20000 });
  await sleep(200);
  assert.equal(await value(page, "#compare-epoch"), 100);
  const a = await value(page, "#train-loss");
  const b = await value(page, "#compare-train-loss");
  assert.ok(a !== null && b !== null, "missing losses");
  assert.ok(Math.abs(a - b) > 1e-3, `A's loss ${a} and B's loss ${b} should differ`);
  // The loss chart overlays B (its legend names A and B: more ink than A's curves alone).
  assert.ok((await painted(page, "#loss-chart")) > 0);
  page.assertClean();
});

test("a preset sets both configs in the URL, and reloading restores them", async () => {
  const page = await open("dataset=xor&seed=2");
  assert.equal(await pressed(page), "false");
  assert.ok(!(await page.isVisible("#compare-panel")));
  assert.equal(param(page, "compare"), null);

  await page.selectOption("#compare-preset", "sgd-vs-adam");
  await sleep(100);
  assert.equal(await pressed(page), "true");
  assert.equal(param(page, "compare"), "optimizer=adam");
  assert.equal(param(page, "optimizer"), "sgd");
  assert.equal(await page.inputValue("#compare-optimizer"), "adam");

  await page.selectOption("#compare-preset", "sigmoid-vs-relu");
  await sleep(100);
  assert.equal(param(page, "compare"), "activation=relu&init=he");
  assert.equal(param(page, "activation"), "sigmoid");

  // B's own select changes only B's keys.
  await page.selectOption("#compare-optimizer", "adam");
  await sleep(100);
  assert.equal(param(page, "compare"), "activation=relu&optimizer=adam&init=he");
  assert.equal(await page.inputValue("#compare-preset"), "");

  // A change in the main controls reaches B unless B sets that key.
  await setText(page, "#learning-rate", "0.1");
  assert.equal(param(page, "lr"), "0.1");
  assert.equal(param(page, "compare"), "activation=relu&optimizer=adam&init=he");

  const link = page.url();
  await page.goto(link);
  await waitForApp(page);
  assert.equal(await pressed(page), "true");
  assert.equal(await page.inputValue("#activation"), "sigmoid");
  assert.equal(await page.inputValue("#compare-activation"), "relu");
  assert.equal(await page.inputValue("#compare-optimizer"), "adam");
  assert.equal(await page.inputValue("#compare-init"), "he");
  assert.equal(await page.inputValue("#learning-rate"), "0.1");
  assert.equal(new URL(page.url()).search, new URL(link).search);

  // Toggling off removes compare from the URL; on again brings B back.
  await page.click("#compare");
  await sleep(100);
  assert.equal(await pressed(page), "false");
  assert.equal(param(page, "compare"), null);
  assert.ok(!(await page.isVisible("#compare-panel")));
  await page.click("#compare");
  await sleep(100);
  assert.equal(await pressed(page), "true");
  assert.ok(param(page, "compare"));
  assert.ok((await painted(page, "#boundary-b")) > 1000);
  page.assertClean();
});

test("B cannot change the shared data: such keys are refused and named", async () => {
  const bad = "compare=" + encodeURIComponent("seed=4&activation=relu&colour=red");
  const page = await open(`dataset=xor&seed=1&${bad}`);
  assert.equal(await pressed(page), "true");
  const notice = await page.textContent("#notice");
  assert.match(notice, /seed/);
  assert.match(notice, /colour/);
  assert.equal(param(page, "compare"), "activation=relu");
  assert.equal(param(page, "seed"), "1");
  // Data edits apply to both: a new data set shows in both runs.
  await page.selectOption("#dataset", "circle");
  await sleep(150);
  assert.equal(param(page, "dataset"), "circle");
  assert.equal(param(page, "compare"), "activation=relu");
  page.assertClean();
});

test("compare mode looks right at 1280 and 390 wide, in English and Chinese", async () => {
  for (const [lang, width] of [["en", 1280], ["zh", 1280], ["en", 390], ["zh", 390]]) {
    const page = await open(`dataset=spiral&activation=sigmoid&lang=${lang}&${RELU}`, {
      viewport: { width, height: width > 500 ? 900 : 844 },
    });
    // At 390 wide the speed sits in the settings drawer.
    const folded = !(await page.isVisible("#speed"));
    if (folded) await page.click("#settings-toggle");
    await page.selectOption("#speed", "20");
    if (folded) await page.click("#settings-toggle");
    await page.click("#play");
    await waitForValue(page, "#compare-epoch", ">=", 60);
    await pause(page);
    if (lang === "zh") {
      assert.equal((await page.textContent("#compare")).trim(), "对比");
      assert.match(await page.textContent("#compare-title"), /网络 B/);
    }
    const a = await page.locator("#boundary").boundingBox();
    const b = await page.locator("#boundary-b").boundingBox();
    if (width > 500) {
      assert.ok(Math.abs(a.y - b.y) < 80 && b.x > a.x + a.width - 1, "A and B should sit side by side");
    } else {
      assert.ok(b.y > a.y + a.height, "B should stack under A on a phone");
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert.ok(overflow <= 0, `page scrolls sideways by ${overflow}px`);
    }
    await screenshot(page, `compare-${width}-${lang}`);
    await page.locator("#compare-panel").screenshot({ path: `tests/artifacts/compare-${width}-${lang}-panel-b.png` });
    page.assertClean();
    await page.close();
  }
}, { timeout: 120000 });

test("a click on B's boundary adds the point to both runs; a right click removes it", async () => {
  const page = await open(`dataset=xor&seed=1&${RELU}`);
  await pause(page);
  /** [r, g, b] under plane point (x, y) of a boundary canvas, through its CSS box. */
  const colourAt = async (selector, x, y) => {
    const box = await page.locator(selector).boundingBox();
    return (await pixelAt(page, selector, ((x + 6) / 12) * box.width, ((6 - y) / 12) * box.height)).slice(0, 3);
  };
  const clickB = async (x, y, button = "left") => {
    const box = await page.locator("#boundary-b").boundingBox();
    await page.click("#boundary-b", { position: { x: ((x + 6) / 12) * box.width, y: ((6 - y) / 12) * box.height }, button });
    await sleep(150);
  };
  // XOR keeps its points 0.8 away from the axes: (0.35, 2.5) is empty on both canvases.
  const beforeA = await colourAt("#boundary", 0.35, 2.5);
  const beforeB = await colourAt("#boundary-b", 0.35, 2.5);
  const lossA = await value(page, "#train-loss");
  const lossB = await value(page, "#compare-train-loss");
  await page.click('#point-class button[data-class="1"]');
  await clickB(0.35, 2.5);
  const blue = [0, 114, 178];
  for (const sel of ["#boundary", "#boundary-b"]) {
    const got = await colourAt(sel, 0.35, 2.5);
    assert.ok(got.every((c, i) => Math.abs(c - blue[i]) < 30), `${sel} at the clicked spot is ${got}, not class-1 blue`);
  }
  assert.notEqual(await value(page, "#train-loss"), lossA, "A's loss ignored the point added on B");
  assert.notEqual(await value(page, "#compare-train-loss"), lossB, "B's loss ignored its new point");
  await clickB(0.35, 2.5, "right");
  assert.deepEqual(await colourAt("#boundary", 0.35, 2.5), beforeA);
  assert.deepEqual(await colourAt("#boundary-b", 0.35, 2.5), beforeB);
  assert.equal(await value(page, "#train-loss"), lossA, "removing the point did not restore A's loss");
  page.assertClean();
});
