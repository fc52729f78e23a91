// The hidden space (#hidden-space): the training points at their activations in a hidden
// layer, the carried grid and the output's decision line; its three selects, both
// languages, a network without hidden layers, narrow and wide.
import { test, openPage, SUBPATH, waitForApp, waitForValue, screenshot, assert } from "./harness.mjs";

const options = (page, id) => page.$$eval(`#${id} option`, (l) => l.map((o) => [o.value, o.textContent]));

/** Pixels of the canvas tinted like each class's side (blue-ish and orange-ish), and all drawn. */
const tints = (page) =>
  page.evaluate(() => {
    const canvas = document.querySelector("#hidden-space-canvas");
    const data = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
    let blue = 0;
    let orange = 0;
    let drawn = 0;
    for (let i = 0; i < data.length; i += 4) {
      const [r, g, b, a] = [data[i], data[i + 1], data[i + 2], data[i + 3]];
      if (a === 0) continue;
      if (r < 250 || g < 250 || b < 250) drawn++;
      if (b > r + 8) blue++;
      if (r > b + 8) orange++;
    }
    return { blue, orange, drawn, size: data.length / 4 };
  });

test("XOR with two tanh neurons: the hidden space splits the classes along the output's line", async () => {
  const page = await openPage(`${SUBPATH}?dataset=xor&hidden=2&activation=tanh&lr=0.1&seed=1`, { viewport: { width: 1400, height: 1000 } });
  await waitForApp(page);
  await page.locator("#hidden-space").scrollIntoViewIfNeeded();
  assert.equal(await page.textContent("#hidden-space-title"), "Hidden space");
  assert.deepEqual(await options(page, "hidden-space-layer"), [["0", "Layer 1"]]);
  // Two neurons: the neurons themselves by default, the components offered too.
  assert.deepEqual(await options(page, "hidden-space-x"), [
    ["pc1", "Principal component 1"], ["pc2", "Principal component 2"], ["0", "Neuron 1"], ["1", "Neuron 2"],
  ]);
  assert.equal(await page.inputValue("#hidden-space-x"), "0");
  assert.equal(await page.inputValue("#hidden-space-y"), "1");
  await page.click("#play");
  await waitForValue(page, "#epoch", ">=", 300, { timeout: 30000 });
  await page.click("#play");
  await page.waitForTimeout(300);
  // The last hidden layer of two classes: both sides of the decision line are tinted.
  const split = await tints(page);
  assert.ok(split.blue > split.size / 20 && split.orange > split.size / 20, `both sides tinted: ${JSON.stringify(split)}`);
  assert.equal(await page.textContent("#hidden-space-note"), "", "no share of variance for neurons");
  // The components: the note says how much of the spread they show, and the drawing changes.
  const before = await page.locator("#hidden-space-canvas").screenshot();
  await page.selectOption("#hidden-space-x", "pc1");
  await page.selectOption("#hidden-space-y", "pc2");
  await page.waitForFunction(() => /\d+% of the spread/.test(document.querySelector("#hidden-space-note").textContent));
  const after = await page.locator("#hidden-space-canvas").screenshot();
  assert.notDeepEqual(before, after, "the view follows the axes");
  await screenshot(page, "hidden-space-xor-en");
  page.assertClean();
});

test("deeper networks: the layer select, its axes, Chinese, no hidden layer, narrow", async () => {
  const page = await openPage(`${SUBPATH}?dataset=circle&hidden=5,3,1&seed=2&lang=zh`, { viewport: { width: 390, height: 844 } });
  await waitForApp(page);
  await page.locator("#hidden-space").scrollIntoViewIfNeeded();
  assert.equal(await page.textContent("#hidden-space-title"), "隐藏层空间");
  assert.deepEqual((await options(page, "hidden-space-layer")).map((o) => o[0]), ["0", "1", "2"]);
  // Five neurons: the principal components by default.
  assert.equal(await page.inputValue("#hidden-space-x"), "pc1");
  assert.equal(await page.inputValue("#hidden-space-y"), "pc2");
  // The view draws once the panel shows (the observer reports it, then the next frame draws).
  await page.waitForFunction(() => /主成分表示了该层激活值 \d+% 的方差/.test(document.querySelector("#hidden-space-note").textContent),
    null, { timeout: 5000 });
  // A layer of one neuron: no components, the neuron on both axes.
  await page.selectOption("#hidden-space-layer", "2");
  await page.waitForFunction(() => document.querySelectorAll("#hidden-space-x option").length === 1);
  assert.deepEqual(await options(page, "hidden-space-x"), [["0", "神经元 1"]]);
  // The middle layer keeps a chosen neuron while training.
  await page.selectOption("#hidden-space-layer", "1");
  await page.waitForFunction(() => document.querySelectorAll("#hidden-space-x option").length === 5);
  await page.selectOption("#hidden-space-x", "2");
  await page.click("#play");
  await waitForValue(page, "#epoch", ">=", 20);
  await page.click("#play");
  assert.equal(await page.inputValue("#hidden-space-x"), "2");
  const box = await page.locator("#hidden-space-canvas").boundingBox();
  assert.ok(box.width <= 390 && box.width > 250, `fits the phone: ${box.width}`);
  assert.ok((await tints(page)).drawn > 1000, "drawn");
  await screenshot(page, "hidden-space-narrow-zh");
  // No hidden layer: the note says so, in the page's language, and follows a switch.
  await page.goto(new URL(`${SUBPATH}?dataset=circle&hidden=&seed=2&lang=zh`, page.url()).href);
  await waitForApp(page);
  assert.match(await page.textContent("#hidden-space-note"), /没有隐藏层/);
  await page.click("#settings-toggle"); // on a phone the settings sit in the drawer
  await page.selectOption("#lang", "en");
  await page.waitForFunction(() => /No hidden layer/.test(document.querySelector("#hidden-space-note").textContent));
  page.assertClean();
});
